import * as fc from 'fast-check';
import { destinationMatcher, isDestinationMatched, isResourcePermitted, isSourcePermitted } from '../../src/private/project-rules';

// The upstream cases of TestAppProject_IsDestinationPermitted, …IsNegatedDestinationPermitted, …IsSourcePermitted and
// …IsNegatedSourcePermitted are in test/argocd/app-project-upstream.test.ts; these are the corners they leave.
describe('isDestinationMatched: a server pattern that does not match the destination', () => {
  test('an exact server pattern does not permit another server', () => {
    const k = 'https://kubernetes.default.svc';
    expect(isDestinationMatched([{ server: k, namespace: 'default' }], { server: 'https://my-cluster', namespace: 'default' })).toBe(false);
  });
});

describe('isSourcePermitted: a deny pattern after an allow', () => {
  test.each([
    [['*', '!https://github.com/argoproj/secret.git'], 'https://github.com/argoproj/secret.git', false],
    [['*', '!https://github.com/argoproj/secret.git'], 'https://github.com/argoproj/public.git', true],
    [['https://github.com/argoproj/*', '!https://github.com/argoproj/private-*'], 'https://github.com/argoproj/private-repo.git', false],
  ])('case %#: %j permits %s → %s', (patterns, repo, expected) => {
    expect(isSourcePermitted(patterns, repo)).toBe(expected);
  });
});

describe('isResourcePermitted (TestAppProject_IsGroupKindPermitted)', () => {
  test('a namespace allow list that is set but empty permits nothing; the deny list wins', () => {
    const proj = { namespaceResourceWhitelist: [], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
    expect(isResourcePermitted(proj, 'apps', 'ReplicaSet', 'x', true)).toBe(false);
    expect(isResourcePermitted(proj, 'apps', 'Deployment', 'x', true)).toBe(false);
  });
  test('a namespace allow list permits only its kinds', () => {
    const proj2 = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'ReplicaSet' }], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
    expect(isResourcePermitted(proj2, 'apps', 'ReplicaSet', 'x', true)).toBe(true);
    expect(isResourcePermitted(proj2, 'apps', 'Action', 'x', true)).toBe(false);
  });
  test('cluster-scoped kinds need the cluster allow list', () => {
    expect(isResourcePermitted({ clusterResourceBlacklist: [{ group: '', kind: 'Namespace' }] }, '', 'Namespace', 'x', false)).toBe(false);
    const proj4 = { clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '*', kind: '*' }] };
    expect(isResourcePermitted(proj4, '', 'Namespace', 'x', false)).toBe(false);
    expect(isResourcePermitted(proj4, 'apps', 'Action', 'x', true)).toBe(true);
    const proj5 = { clusterResourceWhitelist: [], namespaceResourceWhitelist: [{ group: '*', kind: '*' }] };
    expect(isResourcePermitted(proj5, '', 'Namespace', 'x', false)).toBe(false);
    expect(isResourcePermitted(proj5, 'apps', 'Action', 'x', true)).toBe(true);
    expect(isResourcePermitted({}, '', 'Namespace', 'x', false)).toBe(false);
    expect(isResourcePermitted({}, 'apps', 'Action', 'x', true)).toBe(true);
  });
  test('names narrow an entry (v3 name-scoped resource lists)', () => {
    const proj = { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team-a-*' }] };
    expect(isResourcePermitted(proj, '', 'Namespace', 'team-a-web', false)).toBe(true);
    expect(isResourcePermitted(proj, '', 'Namespace', 'kube-system', false)).toBe(false);
  });
});

describe('destinationMatcher (the compiled form used by the fleet proofs)', () => {
  test('agrees with isDestinationMatched on random patterns and destinations', () => {
    const value = fc.constantFrom('a', 'b', 'ns', '*', 'a*', '!a', '');
    const optional = fc.option(value, { nil: undefined });
    const pattern = fc.record({ name: optional, server: optional, namespace: optional });
    const dst = fc.record({ name: fc.option(fc.constantFrom('a', 'b', 'ab'), { nil: undefined }), server: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }), namespace: fc.constantFrom('a', 'ns', 'x') });
    fc.assert(fc.property(fc.array(pattern, { maxLength: 4 }), fc.array(dst, { maxLength: 6 }), (patterns, dsts) => {
      const compiled = destinationMatcher(patterns);
      for (const d of dsts) expect(compiled(d)).toBe(isDestinationMatched(patterns, d));
    }), { numRuns: 300 });
  });
});
