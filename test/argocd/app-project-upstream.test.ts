import { Duration } from 'cdk8s';
import { AppProject, ClusterCredentials, DestinationServiceAccount, ProjectDestination, ProjectPolicy, SyncWindowKind } from '../../src';
import { argoNormalizeGitUrl } from '../../src/private/git-url';
import { globMatch, gobwasMatch, goPathMatch } from '../../src/private/glob';
import { isDestinationMatched, isResourcePermitted, isSourcePermitted, serviceAccountToImpersonate } from '../../src/private/project-rules';
import { cronScheduleError, groupNameError, isValidAction, isValidPolicyObject, policyError, roleNameError } from '../../src/private/project-validation';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

// Cases ported from argoproj/argo-cd@v3.5.1. Unless another file is named, they come from
// pkg/apis/application/v1alpha1/types_test.go; each describe names its upstream test.

const K = 'https://kubernetes.default.svc';

describe('TestAppProject_IsDestinationPermitted', () => {
  test.each([
    ['exact match', [{ server: K, namespace: 'default' }], { server: K, namespace: 'default' }, true],
    ['namespace does not match', [{ server: K, namespace: 'default' }], { server: K, namespace: 'kube-system' }, false],
    ['server does not match', [{ server: 'https://my-cluster', namespace: 'default' }], { server: K, namespace: 'default' }, false],
    ['wildcard namespace', [{ server: K, namespace: '*' }], { server: K, namespace: 'kube-system' }, true],
    ['wildcard server', [{ server: 'https://*.default.svc', namespace: 'default' }], { server: K, namespace: 'default' }, true],
    ['wildcard server and namespace', [{ server: 'https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, false],
    ['wildcard namespace with prefix', [{ server: K, namespace: 'test-*' }], { server: K, namespace: 'test-foo' }, true],
    ['wildcard namespace without prefix', [{ server: K, namespace: 'test-*' }], { server: K, namespace: 'test' }, false],
    ['wildcard server and namespace (2)', [{ server: '*', namespace: '*' }], { server: K, namespace: 'test' }, true],
    ['wildcard server and namespace with name', [{ server: '', namespace: '*', name: 'test' }], { name: 'test', namespace: 'test' }, true],
    ['wildcard server and namespace with different name', [{ server: '', namespace: '*', name: 'test2' }], { name: 'test', namespace: 'test' }, false],
    ['negated namespace with multiple values', [
      { name: 'host-cluster', server: K, namespace: '!{kube-system,argocd}' },
      { name: 'destination-cluster-01', server: 'https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com', namespace: '*' },
    ], { server: 'https://eks-cluster-endpoint.ap-southeast-1.eks.amazonaws.com', namespace: 'kube-system' }, true],
  ])('%s', (_name, patterns, dst, expected) => {
    expect(isDestinationMatched(patterns, dst)).toBe(expected);
  });
});

describe('TestAppProject_IsNegatedDestinationPermitted', () => {
  test.each([
    [[{ server: `!${K}`, namespace: 'default' }], { server: K, namespace: 'default' }, false],
    [[{ server: K, namespace: '!default' }], { server: K, namespace: 'kube-system' }, true],
    [[{ server: '!https://my-cluster', namespace: 'default' }], { server: K, namespace: 'default' }, true],
    [[{ server: `!${K}`, namespace: '*' }], { server: K, namespace: 'kube-system' }, false],
    [[{ server: '!https://*.default.svc', namespace: 'default' }], { server: K, namespace: 'default' }, false],
    [[{ server: '!https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, true],
    [[{ server: K, namespace: '!test-*' }], { server: K, namespace: 'test-foo' }, false],
    [[{ server: K, namespace: '!test-*' }], { server: K, namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
    [[{ server: '', namespace: '*', name: '!test2' }], { name: 'test', namespace: 'test' }, true],
    [[{ server: '*', namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: K, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }], { server: K, namespace: 'kube-system' }, false],
    [[{ server: K, namespace: '*' }, { server: `!${K}`, namespace: '*' }], { server: K, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${K}`, namespace: 'kube-system' }], { server: K, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${K}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: K, namespace: 'kube-system' }, false],
    // A server deny pattern only rejects where the entry's namespace matches: here 'kube-system' ≠ 'default'.
    [[{ server: '*', namespace: '*' }, { server: `!${K}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: K, namespace: 'default' }, true],
    [[{ server: '*', namespace: '*' }, { server: `!${K}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: 'https://test-dev-cluster', namespace: 'kube-system' }, false],
    [[{ server: '', namespace: '*', name: 'test' }, { server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
    [[{ server: '*', namespace: 'test' }, { server: '!https://test-server', namespace: 'other' }], { server: 'https://test-server', namespace: 'test' }, true],
    // A namespace deny pattern only rejects where the entry's server matches.
    [[{ server: '*', namespace: '*' }, { server: 'https://test-server', namespace: '!other' }], { server: 'https://other-test-server', namespace: 'other' }, true],
  ])('case %#: %j permits %j → %s', (patterns, dst, expected) => {
    expect(isDestinationMatched(patterns, dst)).toBe(expected);
  });
});

describe('TestAppProject_IsDestinationPermitted_PermitOnlyProjectScopedClusters', () => {
  test('a matched destination must also be a cluster scoped to the project (by name or server)', () => {
    // GIVEN
    const { fleet } = testFleet();
    const project = new AppProject(fleet, 'p', {
      destinations: [ProjectDestination.of({ server: 'https://*', namespace: 'default' })],
      permitOnlyProjectScopedClusters: true,
    });
    const unscoped = addCluster(fleet, 'unscoped');
    // THEN: no project clusters at all (upstream case 1)
    expect(project.permitsDestination(unscoped, 'default')).toBe(false);
    // WHEN
    const scoped = fleet.addCluster('scoped', { server: 'https://my-cluster.123.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), project });
    // THEN: the project cluster (case 2); another cluster the destinations match (case 3)
    expect(project.permitsDestination(scoped, 'default')).toBe(true);
    expect(project.permitsDestination(unscoped, 'default')).toBe(false);
    expect(project.permitsDestination(scoped, 'kube-system')).toBe(false);
  });

  test('by name (cases 4–6)', () => {
    const { fleet } = testFleet();
    const project = new AppProject(fleet, 'p', {
      destinations: [ProjectDestination.of({ clusterName: 'some-other-server', namespace: 'default' })],
      permitOnlyProjectScopedClusters: true,
    });
    const other = fleet.addCluster('some-other-server', { server: 'https://a.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), project });
    const some = fleet.addCluster('some-server', { server: 'https://b.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), project });
    expect(project.permitsDestination(other, 'default')).toBe(true);
    expect(project.permitsDestination(some, 'default')).toBe(false);
  });
});

describe('TestAppProject_IsSourcePermitted', () => {
  test.each([
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', true],
    [['ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', true],
    [['https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', true],
    [['https://github.com/test1/test.git', 'https://github.com/test2/test.git'], 'https://github.com/test2/test.git', true],
    [['https://github.com/argoproj/test1.git'], 'https://github.com/argoproj/test2.git', false],
    [['https://github.com/argoproj/*.git'], 'https://github.com/argoproj1/test2.git', false],
    [['https://github.com/argoproj/foo'], 'https://github.com/argoproj/foo1', false],
    [['https://gitlab.com/group/*'], 'https://gitlab.com/group/repo/owner', false],
    [['https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', true],
    [['https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', true],
    [['https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', true],
  ])('case %#: %j permits %s → %s', (patterns, repo, expected) => {
    expect(isSourcePermitted(patterns, repo)).toBe(expected);
  });
});

describe('TestAppProject_IsNegatedSourcePermitted', () => {
  test.each([
    [['!https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', false],
    [['!ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', false],
    [['!https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', false],
    [['https://github.com/test1/test.git', '!https://github.com/test2/test.git'], 'https://github.com/test2/test.git', false],
    [['!https://github.com/argoproj/foo*'], 'https://github.com/argoproj/foo1', false],
    [['!https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', false],
    [['!https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['!https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test1.git', '*'], 'https://github.com/argoproj/test2.git', true],
    [['!https://github.com/argoproj/*.git', '*'], 'https://github.com/argoproj1/test2.git', true],
  ])('case %#: %j permits %s → %s', (patterns, repo, expected) => {
    expect(isSourcePermitted(patterns, repo)).toBe(expected);
  });
});

describe('IsSourcePermitted odd corners (app_project_types.go, util/git NormalizeGitURL)', () => {
  test('the order of deny and allow patterns matters: a deny rejects only before any later match is needed', () => {
    // A deny the URL does not satisfy returns false at once, even if a later pattern would match.
    expect(isSourcePermitted(['!https://github.com/a/*', 'https://github.com/a/x'], 'https://github.com/a/x')).toBe(false);
    // A deny the URL satisfies is skipped; it also never permits by itself.
    expect(isSourcePermitted(['!https://github.com/a/secret'], 'https://github.com/b/x')).toBe(true);
  });
  test('URLs Go cannot parse normalize to "" and so all match each other', () => {
    // 'host:org' reads as a non-numeric port: both sides normalize to '' (the reason the upstream ssh case passes).
    expect(argoNormalizeGitUrl('ssh://git@github.com:argoproj/test')).toBe('');
    expect(isSourcePermitted(['ssh://git@github.com:foo/*'], 'ssh://git@github.com:bar/x')).toBe(true);
  });
  test('a trailing slash is kept, so it does not match the URL without one', () => {
    expect(argoNormalizeGitUrl('https://github.com/org/repo/')).toBe('https://github.com/org/repo/');
    expect(isSourcePermitted(['https://github.com/org/repo/'], 'https://github.com/org/repo')).toBe(false);
  });
  test('scp-like SSH URLs become host/path; braces are escaped by net/url, so {a,b} alternatives never match', () => {
    expect(argoNormalizeGitUrl('git@GITHUB.com:argoproj/test.git')).toBe('git@github.com/argoproj/test');
    expect(isSourcePermitted(['git@github.com:argoproj/*'], 'git@github.com:argoproj/test.git')).toBe(true);
    expect(argoNormalizeGitUrl('https://github.com/org/{a,b}')).toBe('https://github.com/org/%7Ba,b%7D');
    expect(isSourcePermitted(['https://github.com/org/{a,b}'], 'https://github.com/org/a')).toBe(false);
  });
});

describe('util/git TestSameURL (util/git/git_test.go)', () => {
  test.each([
    ['git@GITHUB.com:argoproj/test', 'git@github.com:argoproj/test.git'],
    ['git@GITHUB.com:test', 'git@github.com:test.git'],
    ['https://GITHUB.com/argoproj/test', 'https://github.com/argoproj/test.git'],
    ['https://github.com/FOO', 'https://github.com/foo'],
    ['https://github.com:4443/TEST', 'https://github.com:4443/TEST.git'],
    ['ssh://git@GITHUB.com/argoproj/test', 'git@github.com:argoproj/test.git'],
    ['ssh://git@github.com/test', 'git@github.com:test.git'],
    [' https://github.com/argoproj/test ', 'https://github.com/argoproj/test.git'],
    ['\thttps://github.com/argoproj/test\n', 'https://github.com/argoproj/test.git'],
    ['https://dev.azure.com/1234/myproj/_git/myrepo', 'https://dev.azure.com/1234/myproj/_git/myrepo'],
  ])('%j and %j normalize alike', (a, b) => {
    expect(argoNormalizeGitUrl(a)).not.toBe('');
    expect(argoNormalizeGitUrl(a)).toBe(argoNormalizeGitUrl(b));
  });
});

describe('TestAppProject_IsGroupKindPermitted', () => {
  test('proj: an allow list set but empty permits no namespaced kind', () => {
    const proj = { namespaceResourceWhitelist: [], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
    expect(isResourcePermitted(proj, 'apps', 'ReplicaSet', '', true)).toBe(false);
    expect(isResourcePermitted(proj, 'apps', 'Deployment', '', true)).toBe(false);
  });
  test('proj2–proj6', () => {
    const proj2 = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'ReplicaSet' }], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
    expect(isResourcePermitted(proj2, 'apps', 'ReplicaSet', '', true)).toBe(true);
    expect(isResourcePermitted(proj2, 'apps', 'Action', '', true)).toBe(false);
    expect(isResourcePermitted({ clusterResourceBlacklist: [{ group: '', kind: 'Namespace' }] }, '', 'Namespace', '', false)).toBe(false);
    const proj4 = { clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '*', kind: '*' }] };
    expect(isResourcePermitted(proj4, '', 'Namespace', '', false)).toBe(false);
    expect(isResourcePermitted(proj4, 'apps', 'Action', '', true)).toBe(true);
    const proj5 = { clusterResourceWhitelist: [], namespaceResourceWhitelist: [{ group: '*', kind: '*' }] };
    expect(isResourcePermitted(proj5, '', 'Namespace', '', false)).toBe(false);
    expect(isResourcePermitted(proj5, 'apps', 'Action', '', true)).toBe(true);
    expect(isResourcePermitted({}, '', 'Namespace', '', false)).toBe(false);
    expect(isResourcePermitted({}, 'apps', 'Action', '', true)).toBe(true);
  });
  test('proj7: a cluster list entry with a name matches only that name (filepath.Match)', () => {
    const proj7 = { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'team1-*' }] };
    expect(isResourcePermitted(proj7, '', 'Namespace', 'other-namespace', false)).toBe(false);
    expect(isResourcePermitted(proj7, '', 'Namespace', 'team1-namespace', false)).toBe(true);
  });
  test('namespaced lists are metav1.GroupKind: a name in them is ignored (isResourceInList)', () => {
    const lists = { namespaceResourceBlacklist: [{ group: '', kind: 'Secret', name: 'only-this' }] };
    expect(isResourcePermitted(lists, '', 'Secret', 'another', true)).toBe(false);
  });
  test('fields are filepath.Match patterns, not gobwas globs: no {a,b}, [^…] negates, malformed matches nothing', () => {
    expect(isResourcePermitted({ clusterResourceWhitelist: [{ group: '', kind: '{Namespace,Node}' }] }, '', 'Namespace', 'x', false)).toBe(false);
    expect(isResourcePermitted({ clusterResourceWhitelist: [{ group: '', kind: '[^N]*' }] }, '', 'Namespace', 'x', false)).toBe(false);
    expect(isResourcePermitted({ clusterResourceWhitelist: [{ group: '', kind: '[^N]*' }] }, '', 'PersistentVolume', 'x', false)).toBe(true);
    expect(isResourcePermitted({ namespaceResourceBlacklist: [{ group: '*', kind: 'Secret[' }] }, '', 'Secret', 'x', true)).toBe(true);
  });
});

describe('TestGlobMatch (app_project_types.go globMatch) and util/glob Test_Match (util/glob/glob_test.go)', () => {
  test.each([
    ['foo', 'foo', false, true],
    ['foo*', 'foobar', false, true],
    ['foo*', 'bar', false, false],
    ['*', 'anything', false, true],
    ['!foo', 'foo', true, false],
    ['!foo', 'bar', true, true],
    ['!foo', 'foo', false, false],
    ['!foo', '!foo', false, true],
  ])('globMatch(%j, %j, %s) → %s', (pattern, value, allowNegation, expected) => {
    expect(globMatch(pattern, value, allowNegation)).toBe(expected);
  });
  test.each([
    ['hello', 'hello', true],
    ['hell', 'hello', false],
    ['hell*', 'hello', true],
    ['h*', 'hello', true],
    ['e*', 'hello', false],
    ['e[[a*', 'e[[a*', false],
  ])('Match(%j, %j) → %s', (pattern, input, expected) => {
    expect(gobwasMatch(pattern, input)).toBe(expected);
  });
  test('gobwas/glob v0.2.3 corners, checked against the library', () => {
    // <text>*<text> compiles to PrefixSuffix, which lets prefix and suffix overlap (no separators, or '**').
    expect(gobwasMatch('team-*-prod', 'team-prod')).toBe(true);
    expect(gobwasMatch('team-*-prod', 'team-prod', '/')).toBe(false);
    expect(gobwasMatch('ab**bc', 'abc', '/')).toBe(true);
    expect(isDestinationMatched([{ server: '*', namespace: 'team-*-prod' }], { server: K, namespace: 'team-prod' })).toBe(true);
    // A lone '?' also matches the empty string.
    expect(gobwasMatch('?', '')).toBe(true);
    expect(gobwasMatch('a?', 'a')).toBe(false);
    // An unclosed '{' closes at the end; a class needs one range or a list; '}' and ']' outside are literal.
    expect(gobwasMatch('{a,b', 'b')).toBe(true);
    expect(gobwasMatch('[a-zA-Z]', 'a')).toBe(false);
    expect(gobwasMatch('[!a-c]', 'd')).toBe(true);
    expect(gobwasMatch('a}]', 'a}]')).toBe(true);
    // '*' stops at a separator, '**' does not.
    expect(gobwasMatch('a/*', 'a/b/c', '/')).toBe(false);
    expect(gobwasMatch('a/**', 'a/b/c', '/')).toBe(true);
  });
  test('Go filepath.Match corners', () => {
    expect(goPathMatch('[!a]', '!')).toBe(true); // '!' is not a negation in Go
    expect(goPathMatch('[^a]', 'b')).toBe(true);
    expect(goPathMatch('[a-cx-z]', 'y')).toBe(true); // several ranges, unlike gobwas
    expect(goPathMatch('a*', 'a/b')).toBe(false);
    expect(goPathMatch('x[', 'y')).toBe(false);
    expect(goPathMatch('**', 'abc')).toBe(true);
  });
});

describe('TestAppProject_ValidateSources / ValidateDestinations (ValidateProject)', () => {
  test("'!*' source repositories and destinations are rejected", () => {
    const { app, fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'a', { sourceRepos: ['!*'] }))).toMatch(/'sourceRepos' \('!\*'\): source repository has an invalid format, '!\*'/);
    new AppProject(fleet, 'b', {
      destinations: [
        ProjectDestination.of({ server: '!*', namespace: 'x' }),
        ProjectDestination.of({ clusterName: '!*', namespace: 'x' }),
        ProjectDestination.of({ server: 'some-server', namespace: '!*' }),
      ],
    });
    const message = errorOf(() => app.renderFiles());
    expect(message).toMatch(/server has an invalid format, '!\*'/);
    expect(message).toMatch(/name has an invalid format, '!\*'/);
    expect(message).toMatch(/namespace has an invalid format, '!\*'/);
  });
  test("'*' and plain names are valid; duplicates are keyed by server/namespace, or name/namespace without a server", () => {
    const { app, fleet } = testFleet();
    new AppProject(fleet, 'ok', {
      destinations: [
        ProjectDestination.of({ server: '*', namespace: '*' }),
        ProjectDestination.of({ clusterName: 'cluster1', namespace: 'some-namespace' }),
        ProjectDestination.of({ clusterName: 'cluster2', namespace: 'some-namespace' }),
      ],
    });
    expect(() => app.renderFiles()).not.toThrow();
    // Two entries with one server and namespace are duplicates even with different names.
    new AppProject(fleet, 'dup', {
      destinations: [
        ProjectDestination.of({ server: 'some-server', clusterName: 'a', namespace: 'some-namespace' }),
        ProjectDestination.of({ server: 'some-server', clusterName: 'b', namespace: 'some-namespace' }),
      ],
    });
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/dup\] 'destinations': destination 'some-server\/some-namespace' already added/);
  });
  test('must reject duplicate source namespaces', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'p', { sourceNamespaces: ['argocd', 'argocd'] })))
      .toMatch(/'sourceNamespaces': source namespace 'argocd' already added/);
  });
});

describe('TestAppProject_ValidateRoleName', () => {
  test.each(['', ' ', 'my role', 'my, role', 'my,role', 'my\nrole', 'my\rrole', 'my:role', 'my-role-', '-my-role'])('%j is invalid', name => {
    expect(roleNameError(name)).toMatch(/^invalid role name '.*'\. Must consist of alphanumeric characters, '-' or '_', and must start and end with an alphanumeric character$/s);
    const { fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'p', { roles: [{ name }] }))).toMatch(/'roles' name .*invalid role name/s);
  });
  test.each(['MY-ROLE', '1MY-ROLE1'])('%j is valid', name => {
    expect(roleNameError(name)).toBeUndefined();
  });
  test('role names are unique', () => {
    const { app, fleet } = testFleet();
    const project = new AppProject(fleet, 'p', { roles: [{ name: 'ci' }] });
    project.addRole({ name: 'ci' });
    expect(errorOf(() => app.renderFiles())).toMatch(/'roles': role 'ci' already exists/);
  });
});

describe('TestAppProject_ValidateGroupName and Test_validateGroupName', () => {
  test.each(['', ' ', 'my, group', 'my,group', 'my\ngroup', 'my\rgroup', ' my:group', 'my:group ',
    '"', '""', '  "foo" ', '"foo,bar,baz', 'foo,bar,baz"', 'foo,bar",baz', '"foo,"bar,baz"', 'foo\nbar', '"foo\nbar"', '"foo', 'foo"'])('%j is invalid', group => {
    expect(groupNameError(group)).toMatch(/^group '.*' (must be quoted|is empty|contains invalid characters|contains a leading space|contains a trailing space)$/s);
  });
  test.each(['mygroup', 'my:group', 'foo', '"foo,bar,baz"', '"foo"'])('%j is valid', group => {
    expect(groupNameError(group)).toBeUndefined();
  });
  test('groups are validated and unique per role', () => {
    const { fleet } = testFleet();
    const message = errorOf(() => new AppProject(fleet, 'p', { roles: [{ name: 'r', groups: ['a', 'a', 'my,group'] }] }));
    expect(message).toMatch(/group 'a' already exists for role 'r'/);
    expect(message).toMatch(/'roles' 'r' groups \('my,group'\): group 'my,group' must be quoted/);
  });
});

describe('TestAppProject_InvalidPolicyRules / TestAppProject_ValidPolicyRules (validatePolicy)', () => {
  test.each([
    ['g, proj:my-proj:my-role, applications, get, my-proj/*, allow', "must be of the form: 'p, sub, res, act, obj, eft'"],
    ['p, not, enough, parts', "must be of the form: 'p, sub, res, act, obj, eft'"],
    ['p, has, too, many, parts, to, split', "must be of the form: 'p, sub, res, act, obj, eft'"],
    ['p, , applications, get, my-proj/*, allow', "policy subject must be: 'proj:my-proj:my-role'"],
    ['p, proj:my-proj, applications, get, my-proj/*, allow', "policy subject must be: 'proj:my-proj:my-role'"],
    ['p, proj:my-proj:, applications, get, my-proj/*, allow', "policy subject must be: 'proj:my-proj:my-role'"],
    ['p, ::, applications, get, my-proj/*, allow', "policy subject must be: 'proj:my-proj:my-role'"],
    ['p, proj:different-my-proj:my-role, applications, get, my-proj/*, allow', "policy subject must be: 'proj:my-proj:my-role'"],
    ['p, proj:my-proj:my-role, , get, my-proj/*, allow', "resource must be: 'applications'"],
    ['p, proj:my-proj:my-role, applicationz, get, my-proj/*, allow', "resource must be: 'applications'"],
    ['p, proj:my-proj:my-role, projects, get, my-proj, allow', "resource must be: 'applications'"],
    ['p, proj:my-proj:my-role, applications, , my-proj/*, allow', 'invalid action'],
    ['p, proj:my-proj:my-role, applications, foo, my-proj/*, allow', 'invalid action'],
    ['p, proj:my-proj:my-role, applications, get, my-proj/, allow', 'object must be of form'],
    ['p, proj:my-proj:my-role, applications, get, /, allow', 'object must be of form'],
    ['p, proj:my-proj:my-role, applications, get, different-my-proj/*, allow', 'object must be of form'],
    ['p, proj:my-proj:my-role, applications, get, my-proj/*, ', "effect must be: 'allow' or 'deny'"],
    ['p, proj:my-proj:my-role, applications, get, my-proj/*, foo', "effect must be: 'allow' or 'deny'"],
  ])('%j: %s', (policy, message) => {
    expect(policyError('my-proj', 'my-role', policy)).toContain(message);
  });
  test.each([
    'p,proj:my-proj:my-role,applications,get,my-proj/*,allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/*, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/*, deny',
    'p, proj:my-proj:my-role, applications, get, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/*-foo, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/foo-*, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/*-*, allow',
    'p, proj:my-proj:my-role, applications, get, my-proj/*.*, allow',
    'p, proj:my-proj:my-role, applications, *, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, create, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, update, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, update/*, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, update/*/Pod/*, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, sync, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, delete, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, delete/*, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, delete/*/Pod/*, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, action/*, my-proj/foo, allow',
    'p, proj:my-proj:my-role, applications, action/apps/Deployment/restart, my-proj/foo, allow',
  ])('%j is valid', policy => {
    expect(policyError('my-proj', 'my-role', policy)).toBeUndefined();
  });
  test('Test_validatePolicy_projIsNotRegex and Test_validatePolicy_ValidResource', () => {
    expect(policyError('some.project', 'org-admin', 'p, proj:some.project:org-admin, applications, *, some-project/*, allow')).toBeDefined();
    expect(policyError('some.project', 'org-admin', 'p, proj:some.project:org-admin, applications, *, some.project/*, allow')).toBeUndefined();
    for (const resource of ['applications', 'applicationsets', 'repositories', 'clusters', 'exec', 'logs']) {
      expect(policyError('some-project', 'org-admin', `p, proj:some-project:org-admin, ${resource}, *, some-project/*, allow`)).toBeUndefined();
    }
    expect(policyError('some-project', 'org-admin', 'p, proj:some-project:org-admin, unknown, *, some-project/*, allow')).toBeDefined();
  });
  test.each([
    ['get', true], ['create', true], ['update', true], ['delete', true], ['sync', true], ['override', true], ['*', true],
    ['action/foo', true], ['update/bar', true], ['delete/baz', true],
    ['actionfoo', false], ['updatebar', false], ['deletebaz', false], ['random', false], ['', false],
  ])('TestIsValidAction %j → %s', (action, expected) => {
    expect(isValidAction(action)).toBe(expected);
  });
  test.each([
    ['*', true], ['some-application', true], ['*/*', true], ['*/some-application', true], ['some-namespace/*', true],
    ['some-name*/some-application', true], ['some-namespace/some-app*', true], ['some-namespace/some-application', true],
    ['some~namespace/some-application', false], ['some-namespace/some^application', false],
  ])('Test_isValidPolicyObject some-project/%s → %s', (object, expected) => {
    expect(isValidPolicyObject(object)).toBe(expected);
  });
  test('ProjectPolicy rejects what validatePolicy would, and duplicates in a role', () => {
    expect(() => ProjectPolicy.allow('projects', 'get')).toThrow(/project resource must be: 'applications', 'applicationsets', 'repositories', 'exec', 'logs' or 'clusters', not 'projects'/);
    expect(() => ProjectPolicy.allow('applications', 'foo')).toThrow(/invalid action 'foo'/);
    expect(() => ProjectPolicy.allow('applications', 'action/apps/Deployment/restart')).not.toThrow();
    expect(() => ProjectPolicy.allow('applications', 'get', 'ns/app/extra')).toThrow(/object must be of form/);
    expect(() => ProjectPolicy.allow('applications', 'get', 'some-namespace/some-app*')).not.toThrow();
    const { fleet } = testFleet();
    const get = ProjectPolicy.allow('applications', 'get');
    expect(errorOf(() => new AppProject(fleet, 'p', { roles: [{ name: 'r', policies: [get, get] }] })))
      .toMatch(/policy 'p, proj:p:r, applications, get, p\/\*, allow' already exists for role 'r'/);
  });
});

describe('TestAppProject_ValidateSyncWindowList and TestSyncWindow_Validate', () => {
  const window = { kind: SyncWindowKind.ALLOW, schedule: '* * * * *', duration: Duration.hours(1), applications: ['app'] };
  test('a duplicate window (same identity) is rejected', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'p', { syncWindows: [window, { ...window, manualSync: true, description: 'x' }] })))
      .toMatch(/sync window with kind 'allow', schedule '\* \* \* \* \*', and duration '1h' already exists/);
    // The time zone is part of the identity.
    expect(() => new AppProject(fleet, 'q', { syncWindows: [window, { ...window, timeZone: 'Europe/Berlin' }] })).not.toThrow();
  });
  test('a window needs applications, namespaces or clusters', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'p', { syncWindows: [{ ...window, applications: [] }] })))
      .toMatch(/window 'allow':'\* \* \* \* \*':'1h' requires one of application, cluster or namespace/);
  });
  test('the schedule must parse with robfig/cron (five fields, no descriptors)', () => {
    expect(cronScheduleError('* * *')).toBe('expected exactly 5 fields, found 3: [* * *]');
    expect(cronScheduleError('@daily')).toBe('parser does not accept descriptors: @daily');
    expect(cronScheduleError('0 22 * * 7')).toBe('end of range (7) above maximum (6): 7');
    expect(cronScheduleError('60 * * * *')).toBe('end of range (60) above maximum (59): 60');
    expect(cronScheduleError('5-1 * * * *')).toBe('beginning of range (5) beyond end of range (1): 5-1');
    expect(cronScheduleError('*/0 * * * *')).toBe('step of range should be a positive number: */0');
    expect(cronScheduleError('x * * * *')).toMatch(/^failed to parse int from x/);
    expect(cronScheduleError('0 22 * jan-dec mon-fri')).toBeUndefined();
    expect(cronScheduleError('0,,30 */2 1-31/5 ? SUN')).toBeUndefined();
    expect(cronScheduleError('TZ=Europe/Berlin 0 22 * * *')).toBeUndefined();
    const { fleet } = testFleet();
    expect(errorOf(() => new AppProject(fleet, 'p', { syncWindows: [{ ...window, schedule: '0 22 * * 7' }] })))
      .toMatch(/'syncWindows' schedule \('0 22 \* \* 7'\): cannot parse schedule '0 22 \* \* 7': end of range \(7\) above maximum \(6\)/);
  });
  test('an unknown time zone is refused (upstream logs a warning and silently uses UTC)', () => {
    const { fleet } = testFleet();
    expect(() => new AppProject(fleet, 'ok', { syncWindows: [{ ...window, timeZone: 'US/Pacific' }] })).not.toThrow();
    expect(errorOf(() => new AppProject(fleet, 'p', { syncWindows: [{ ...window, timeZone: 'europe/berlin' }] })))
      .toMatch(/'syncWindows' timeZone \('europe\/berlin'\) is not a time zone Go can load; Argo CD would use UTC instead/);
  });
  test('descriptions are at most 255 bytes', () => {
    const { fleet } = testFleet();
    expect(() => new AppProject(fleet, 'ok', { syncWindows: [{ ...window, description: 'x'.repeat(255) }] })).not.toThrow();
    expect(errorOf(() => new AppProject(fleet, 'p', { syncWindows: [{ ...window, description: 'é'.repeat(128) }] })))
      .toMatch(/description must not exceed 255 characters/);
  });
});

describe('TestAppProject_ValidateDestinationServiceAccount', () => {
  const S = 'https://192.168.99.100:8443';
  test.each([
    [S, 'test-ns', 'test-sa', ''],
    ['!abc', 'test-ns', 'test-sa', "server has an invalid format, '!abc'"],
    [S, '', 'test-sa', ''],
    ['!*', 'test-ns', 'test-sa', "server has an invalid format, '!*'"],
    [S, '!*', 'test-sa', "namespace has an invalid format, '!*'"],
    [S, '!abc', 'test-sa', "namespace has an invalid format, '!abc'"],
    [S, 'test-ns', '', "defaultServiceAccount has an invalid format, ''"],
    [S, 'test-ns', '   ', "defaultServiceAccount has an invalid format, '   '"],
    [S, 'test-ns', 'test\\sa', "defaultServiceAccount has an invalid format, 'test\\sa'"],
    [S, 'test-ns', 'test/sa', "defaultServiceAccount has an invalid format, 'test/sa'"],
    [S, 'test-ns', '[test-sa]', "defaultServiceAccount has an invalid format, '[test-sa]'"],
    [S, 'test-ns', '{test-sa}', "defaultServiceAccount has an invalid format, '{test-sa}'"],
    ['[[ech*', 'test-ns', 'test-sa', "server has an invalid format, '[[ech*'"],
    [S, '[[ech*', 'test-sa', "namespace has an invalid format, '[[ech*'"],
  ])('server %j, namespace %j, account %j → %j', (server, namespace, serviceAccount, expected) => {
    // GIVEN
    const { app, fleet } = testFleet();
    new AppProject(fleet, 'team', { destinationServiceAccounts: [DestinationServiceAccount.of({ server, namespace, serviceAccount })] });
    // WHEN / THEN
    if (expected === '') {
      expect(renderObjects(app)['argocd/platform/projects/AppProject.team.yaml'].spec.destinationServiceAccounts)
        .toEqual([{ server, ...namespace ? { namespace } : {}, defaultServiceAccount: serviceAccount }]);
    } else {
      expect(errorOf(() => app.renderFiles())).toContain(`[platform/team] 'destinationServiceAccounts[0]': ${expected}`);
    }
  });

  test('a server and namespace added twice', () => {
    const { app, fleet } = testFleet();
    const project = new AppProject(fleet, 'team', { destinationServiceAccounts: [DestinationServiceAccount.of({ server: '*', namespace: 'a', serviceAccount: 'x' })] });
    project.addDestinationServiceAccount(DestinationServiceAccount.of({ server: '*', namespace: 'a', serviceAccount: 'y' }));
    expect(errorOf(() => app.renderFiles())).toContain("[platform/team] 'destinationServiceAccounts[1]': destinationServiceAccount '*/a' already added");
  });
});

describe('TestDeriveServiceAccountToImpersonate (util/settings/impersonation_test.go)', () => {
  const C = 'https://cluster-api.example.com';
  test.each([
    ['MatchingServerAndNamespace', [{ server: C, namespace: 'dest-ns', defaultServiceAccount: 'test-sa' }], 'dest-ns', '', { user: 'system:serviceaccount:dest-ns:test-sa' }],
    ['MatchingWithGlobPatterns', [{ server: '*', namespace: '*', defaultServiceAccount: 'test-sa' }], 'any-ns', '', { user: 'system:serviceaccount:any-ns:test-sa' }],
    ['MatchingWithNamespacedServiceAccount', [{ server: C, namespace: 'dest-ns', defaultServiceAccount: 'other-ns:deploy-sa' }], 'dest-ns', '', { user: 'system:serviceaccount:other-ns:deploy-sa' }],
    ['FallbackToAppNamespaceWhenDestEmpty', [{ server: '*', namespace: '', defaultServiceAccount: 'test-sa' }], '', 'app-ns', { user: 'system:serviceaccount:app-ns:test-sa' }],
    ['NoMatchingEntry', [{ server: 'https://other-server.com', namespace: 'other-ns', defaultServiceAccount: 'test-sa' }], 'dest-ns', '', { user: '' }],
    ['EmptyDestinationServiceAccounts', [], 'dest-ns', '', { user: '' }],
    ['InvalidServiceAccountChars', [{ server: '*', namespace: '*', defaultServiceAccount: 'bad*sa' }], 'dest-ns', '', { error: "default service account contains invalid chars 'bad*sa'" }],
    ['BlankServiceAccount', [{ server: '*', namespace: '*', defaultServiceAccount: '  ' }], 'dest-ns', '', { error: "default service account contains invalid chars '  '" }],
    ['InvalidServerGlobPattern', [{ server: '[', namespace: 'dest-ns', defaultServiceAccount: 'test-sa' }], 'dest-ns', '', { error: expect.stringMatching(/^invalid glob pattern for destination server/) }],
    ['InvalidNamespaceGlobPattern', [{ server: '*', namespace: '[', defaultServiceAccount: 'test-sa' }], 'dest-ns', '', { error: expect.stringMatching(/^invalid glob pattern for destination namespace/) }],
    ['FirstMatchWins', [{ server: '*', namespace: 'dest-ns', defaultServiceAccount: 'first-sa' }, { server: '*', namespace: '*', defaultServiceAccount: 'second-sa' }], 'dest-ns', '',
      { user: 'system:serviceaccount:dest-ns:first-sa' }],
  ])('%s', (_name, entries, namespace, appNamespace, expected) => {
    expect(serviceAccountToImpersonate(entries, C, namespace, appNamespace)).toEqual(expected);
  });
});
