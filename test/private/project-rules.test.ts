import * as fc from 'fast-check';
import { destinationMatcher, isDestinationMatched, isResourcePermitted, isSourcePermitted } from '../../src/private/project-rules';

// Cases ported from Argo CD v3.5.1 pkg/apis/application/v1alpha1/types_test.go:
// TestAppProject_IsDestinationPermitted, TestAppProject_IsNegatedDestinationPermitted, TestAppProject_IsSourcePermitted.
describe('isDestinationMatched (TestAppProject_IsNegatedDestinationPermitted)', () => {
  const k = 'https://kubernetes.default.svc';
  test.each([
    [[{ server: `!${k}`, namespace: 'default' }], { server: k, namespace: 'default' }, false],
    [[{ server: k, namespace: '!default' }], { server: k, namespace: 'kube-system' }, true],
    [[{ server: '!https://my-cluster', namespace: 'default' }], { server: k, namespace: 'default' }, true],
    [[{ server: `!${k}`, namespace: '*' }], { server: k, namespace: 'kube-system' }, false],
    [[{ server: '!https://*.default.svc', namespace: 'default' }], { server: k, namespace: 'default' }, false],
    [[{ server: '!https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, true],
    [[{ server: k, namespace: '!test-*' }], { server: k, namespace: 'test-foo' }, false],
    [[{ server: k, namespace: '!test-*' }], { server: k, namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
    [[{ server: '', namespace: '*', name: '!test2' }], { name: 'test', namespace: 'test' }, true],
    [[{ server: '*', namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: k, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }], { server: k, namespace: 'kube-system' }, false],
    [[{ server: k, namespace: '*' }, { server: `!${k}`, namespace: '*' }], { server: k, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${k}`, namespace: 'kube-system' }], { server: k, namespace: 'kube-system' }, false],
    // Upstream expects true: a server deny pattern rejects only where the entry's namespace matches.
    [[{ server: '*', namespace: '*' }, { server: `!${k}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: k, namespace: 'default' }, true],
    [[{ server: '*', namespace: '*' }, { server: `!${k}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: 'https://test-dev-cluster', namespace: 'kube-system' }, false],
    [[{ server: '', namespace: '*', name: 'test' }, { server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
  ])('case %#: %j permits %j → %s', (patterns, dst, expected) => {
    expect(isDestinationMatched(patterns, dst)).toBe(expected);
  });
});

describe('isDestinationMatched (TestAppProject_IsDestinationPermitted)', () => {
  const k = 'https://kubernetes.default.svc';
  test.each([
    [[{ server: k, namespace: 'default' }], { server: k, namespace: 'default' }, true],
    [[{ server: k, namespace: 'default' }], { server: 'https://my-cluster', namespace: 'default' }, false],
    [[{ server: k, namespace: 'default' }], { server: k, namespace: 'kube-system' }, false],
    [[{ server: 'https://my-cluster', namespace: 'default' }], { server: k, namespace: 'default' }, false],
    [[{ server: k, namespace: '*' }], { server: k, namespace: 'kube-system' }, true],
    [[{ server: 'https://*.default.svc', namespace: 'default' }], { server: k, namespace: 'default' }, true],
    [[{ server: 'https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, false],
    [[{ server: k, namespace: 'test-*' }], { server: k, namespace: 'test-foo' }, true],
    [[{ server: k, namespace: 'test-*' }], { server: k, namespace: 'test' }, false],
    [[{ server: '*', namespace: '*' }], { server: k, namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: 'test' }], { name: 'test', namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: 'test2' }], { name: 'test', namespace: 'test' }, false],
  ])('case %#: %j permits %j → %s', (patterns, dst, expected) => {
    expect(isDestinationMatched(patterns, dst)).toBe(expected);
  });
});

describe('isSourcePermitted (TestAppProject_IsSourcePermitted)', () => {
  test.each([
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', true],
    [['ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', true],
    [['https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', true],
    [['https://github.com/test1/test.git', 'https://github.com/test2/test.git'], 'https://github.com/test2/test.git', true],
    [['https://github.com/argoproj/test1.git'], 'https://github.com/argoproj/test2.git', false],
    [['https://github.com/argoproj/*.git'], 'https://github.com/argoproj1/test2.git', false],
    [['https://github.com/argoproj/foo'], 'https://github.com/argoproj/foo1', false],
    [['https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', true],
    [['https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', true],
    [['https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', true],
    [['https://gitlab.com/group/*'], 'https://gitlab.com/group/sub-group/repo/owner', false],
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
