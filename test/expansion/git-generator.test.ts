import { expandApplicationSet } from '../../src/expansion/expand';
import { appendValues, ExpansionContext } from '../../src/expansion/generators';
import { gitDirectoryParams, gitFileParams, parseGitFile } from '../../src/expansion/git-generator';
import { GO_TYPES, GoMap, GoValue, isMap } from '../../src/expansion/gotemplate';

/**
 * The git generator, ported from argo-cd v3.5.1 applicationset/generators/git_test.go: the repo server is
 * mocked there (GetDirectories/GetFiles return the listed paths), so these rows call the generator's steps
 * after the listing (`gitDirectoryParams`, `gitFileParams`); how the listing itself is computed is in
 * git-match.test.ts, and the end-to-end tests below run both.
 */
const ctx = (goTemplate: boolean, missingKey: 'default' | 'error' = 'default'): ExpansionContext => ({
  goTemplate, missingKey, goTemplateOptions: [], clusters: [], inClusterEnabled: true,
});
const values = (g: any, c: ExpansionContext) => (params: GoMap, file?: string) => appendValues(params, g.values, c, file ? `unable to process file '${file}': ` : '');

/** Go values as plain data, with typed slices and maps marked so assertions see Go's types. */
function plain(v: GoValue): unknown {
  if (Array.isArray(v)) return GO_TYPES.get(v) === '[]string' ? { '[]string': v } : v.map(plain);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = plain(v[k]);
    return GO_TYPES.get(v) === 'map[string]string' ? { 'map[string]string': out } : out;
  }
  return v;
}

describe('Test_generateParamsFromGitFile', () => {
  const defaultContent = '\nfoo:\n  bar: baz\n';
  const file = (content: string, goTemplate: boolean, extra: any = {}) => gitFileParams(
    { repoURL: 'RepoURL', files: [{ path: 'x' }], ...extra }, () => new Map([['path/dir/file_name.yaml', content]]), goTemplate, values(extra, ctx(goTemplate))).map(plain);

  test('empty file returns path parameters', () => {
    expect(file('', false)).toEqual([{
      'path': 'path/dir',
      'path.basename': 'dir',
      'path.filename': 'file_name.yaml',
      'path.basenameNormalized': 'dir',
      'path.filenameNormalized': 'file-name.yaml',
      'path[0]': 'path',
      'path[1]': 'dir',
    }]);
  });

  test('invalid json/yaml file returns error', () => {
    expect(() => file('this is not json or yaml', false)).toThrow("unable to process file 'path/dir/file_name.yaml' from repository 'RepoURL': unable to parse file: "
      + 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []map[string]interface {}');
  });

  test('file parameters are added to params', () => {
    expect(file(defaultContent, false)).toEqual([{
      'foo.bar': 'baz',
      'path': 'path/dir',
      'path.basename': 'dir',
      'path.filename': 'file_name.yaml',
      'path.basenameNormalized': 'dir',
      'path.filenameNormalized': 'file-name.yaml',
      'path[0]': 'path',
      'path[1]': 'dir',
    }]);
  });

  test('path parameter are prefixed', () => {
    expect(file(defaultContent, false, { pathParamPrefix: 'myRepo' })).toEqual([{
      'foo.bar': 'baz',
      'myRepo.path': 'path/dir',
      'myRepo.path.basename': 'dir',
      'myRepo.path.filename': 'file_name.yaml',
      'myRepo.path.basenameNormalized': 'dir',
      'myRepo.path.filenameNormalized': 'file-name.yaml',
      'myRepo.path[0]': 'path',
      'myRepo.path[1]': 'dir',
    }]);
  });

  const goPath = { path: 'path/dir', basename: 'dir', filename: 'file_name.yaml', basenameNormalized: 'dir', filenameNormalized: 'file-name.yaml', segments: { '[]string': ['path', 'dir'] } };

  test('file parameters are added to params with go template', () => {
    expect(file(defaultContent, true, { values: { somekey: '{{.path.basename}}' } })).toEqual([{
      values: { 'map[string]string': { somekey: 'dir' } }, foo: { bar: 'baz' }, path: goPath,
    }]);
  });

  test('path parameter are prefixed with go template', () => {
    expect(file(defaultContent, true, { pathParamPrefix: 'myRepo' })).toEqual([{ foo: { bar: 'baz' }, myRepo: { path: goPath } }]);
  });

  test('path parameter are prefixed with go template and values', () => {
    expect(file(defaultContent, true, { pathParamPrefix: 'myRepo', values: { somekey: '{{.myRepo.path.basename}}' } })).toEqual([{
      foo: { bar: 'baz' }, myRepo: { path: goPath }, values: { 'map[string]string': { somekey: 'dir' } },
    }]);
  });

  test('a dotted pathParamPrefix is one key in Go templates (params[pathParamPrefix]), dotted keys in flat mode', () => {
    expect(Object.keys(file(defaultContent, true, { pathParamPrefix: 'a.b' })[0] as object)).toEqual(['foo', 'a.b']);
    expect(file(defaultContent, false, { pathParamPrefix: 'a.b' })[0]).toHaveProperty(['a.b.path'], 'path/dir');
  });
});

describe('TestGitGenerateParamsFromDirectories', () => {
  const dirs = (directories: any[], repoApps: string[], extra: any = {}) => {
    const g = { directories, ...extra };
    return gitDirectoryParams(g, repoApps, false, values(g, ctx(false))).map(plain);
  };
  const p = (path: string) => {
    const out: any = { 'path': path, 'path.basename': path.split('/').pop(), 'path.basenameNormalized': path.split('/').pop()!.replace('_', '-') };
    path.split('/').forEach((s, i) => { out[`path[${i}]`] = s; });
    return out;
  };

  test('happy flow - created apps', () => {
    expect(dirs([{ path: '*' }], ['app1', 'app2', 'app_3', 'p1/app4'])).toEqual([p('app1'), p('app2'), p('app_3')]);
  });

  test('It prefixes path parameters with PathParamPrefix', () => {
    expect(dirs([{ path: '*' }], ['app1', 'p1/app4'], { pathParamPrefix: 'myRepo' })).toEqual([
      { 'myRepo.path': 'app1', 'myRepo.path.basename': 'app1', 'myRepo.path.basenameNormalized': 'app1', 'myRepo.path[0]': 'app1' },
    ]);
  });

  test('It filters application according to the paths', () => {
    expect(dirs([{ path: 'p1/*' }, { path: 'p1/*/*' }], ['app1', 'p1/app2', 'p1/p2/app3', 'p1/p2/p3/app4'])).toEqual([p('p1/app2'), p('p1/p2/app3')]);
  });

  test('It filters application according to the paths with Exclude (and in any order)', () => {
    const apps = ['app1', 'app2', 'p1/app2', 'p1/app3', 'p2/app3'];
    const expected = [p('app1'), p('app2'), p('p2/app3')];
    expect(dirs([{ path: 'p1/*', exclude: true }, { path: '*' }, { path: '*/*' }], apps)).toEqual(expected);
    expect(dirs([{ path: '*' }, { path: '*/*' }, { path: 'p1/*', exclude: true }], apps)).toEqual(expected);
  });

  test('Value variable interpolation', () => {
    expect(dirs([{ path: '*' }, { path: '*/*' }], ['app1', 'p1/app2'], { values: { 'foo': 'bar', 'aaa': '{{ path[0] }}', 'no-op': '{{ this-does-not-exist }}' } })).toEqual([
      { ...p('app1'), 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'app1' },
      { ...p('p1/app2'), 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'p1' },
    ]);
  });

  test('handles empty response from repo server', () => {
    expect(dirs([{ path: '*' }], [])).toEqual([]);
  });

  test('a malformed pattern is skipped (Argo CD logs it), the others still apply', () => {
    expect(dirs([{ path: '[' }, { path: 'app*' }], ['app1'])).toEqual([p('app1')]);
  });

  test('TestGitGenerateParamsFromDirectoriesGoTemplate: happy flow', () => {
    const g = { directories: [{ path: '*' }] };
    expect(gitDirectoryParams(g, ['app1', 'app_3', 'p1/app4'], true, values(g, ctx(true))).map(plain)).toEqual([
      { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: { '[]string': ['app1'] } } },
      { path: { path: 'app_3', basename: 'app_3', basenameNormalized: 'app-3', segments: { '[]string': ['app_3'] } } },
    ]);
  });
});

describe('TestGitGenerateParamsFromFiles', () => {
  const production = `{
   "cluster": { "owner": "john.doe@example.com", "name": "production", "address": "https://kubernetes.default.svc" },
   "key1": "val1",
   "key2": { "key2_1": "val2_1", "key2_2": { "key2_2_1": "val2_2_1" } },
   "key3": 123
}`;
  const staging = '{ "cluster": { "owner": "foo.bar@example.com", "name": "staging", "address": "https://kubernetes.default.svc" } }';
  const filesOf = (contents: Record<string, string>, g: any = {}, goTemplate = false) => {
    const gen = { repoURL: 'RepoURL', files: [{ path: '**/config.json' }], ...g };
    return gitFileParams(gen, () => new Map(Object.entries(contents)), goTemplate, values(gen, ctx(goTemplate))).map(plain);
  };
  const pathOf = (dir: string, filename = 'config.json') => ({
    'path': dir,
    'path.basename': dir.split('/').pop(),
    'path[0]': dir.split('/')[0],
    'path[1]': dir.split('/')[1],
    'path.basenameNormalized': dir.split('/').pop(),
    'path.filename': filename,
    'path.filenameNormalized': filename,
  });

  test('happy flow: create params from git files', () => {
    expect(filesOf({ 'cluster-config/production/config.json': production, 'cluster-config/staging/config.json': staging })).toEqual([
      {
        'cluster.owner': 'john.doe@example.com',
        'cluster.name': 'production',
        'cluster.address': 'https://kubernetes.default.svc',
        'key1': 'val1',
        'key2.key2_1': 'val2_1',
        'key2.key2_2.key2_2_1': 'val2_2_1',
        'key3': '123',
        ...pathOf('cluster-config/production'),
      },
      { 'cluster.owner': 'foo.bar@example.com', 'cluster.name': 'staging', 'cluster.address': 'https://kubernetes.default.svc', ...pathOf('cluster-config/staging') },
    ]);
  });

  test('Value variable interpolation', () => {
    const out = filesOf({ 'cluster-config/production/config.json': production }, { values: { 'aaa': '{{ cluster.owner }}', 'no-op': '{{ this-does-not-exist }}' } });
    expect(out[0]).toMatchObject({ 'values.aaa': 'john.doe@example.com', 'values.no-op': '{{ this-does-not-exist }}' });
  });

  test('test invalid JSON file returns error', () => {
    expect(() => filesOf({ 'cluster-config/production/config.json': 'invalid json file' })).toThrow(
      "error generating params from git: unable to process file 'cluster-config/production/config.json' from repository 'RepoURL': unable to parse file: "
      + 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []map[string]interface {}');
  });

  test('test JSON array', () => {
    const out = filesOf({
      'cluster-config/production/config.json': '[{"cluster":{"owner":"john.doe@example.com","name":"production","address":"https://kubernetes.default.svc","inner":{"one":"two"}}},'
        + '{"cluster":{"owner":"john.doe@example.com","name":"staging","address":"https://kubernetes.default.svc"}}]',
    });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ 'cluster.inner.one': 'two', 'cluster.name': 'production', 'path': 'cluster-config/production' });
    expect(out[1]).toMatchObject({ 'cluster.name': 'staging', 'path': 'cluster-config/production' });
  });

  test('Test YAML flow and YAML array', () => {
    expect(filesOf({ 'cluster-config/production/config.yaml': 'cluster:\n  owner: john.doe@example.com\n  name: production\nkey3: 123\n' }, { files: [{ path: '**/config.yaml' }] })[0])
      .toMatchObject({ 'cluster.owner': 'john.doe@example.com', 'key3': '123', 'path.filename': 'config.yaml' });
    expect(filesOf({ 'cluster-config/production/config.yaml': '- cluster:\n    name: production\n- cluster:\n    name: staging\n' }, { files: [{ path: '**/config.yaml' }] })
      .map(x => (x as any)['cluster.name'])).toEqual(['production', 'staging']);
  });

  test('test empty YAML array', () => {
    expect(filesOf({ 'cluster-config/production/config.yaml': '[]' })).toEqual([]);
  });

  test('TestGitGeneratorParamsFromFilesWithExcludeOption: every file of an exclude pattern is dropped', () => {
    const byPattern: Record<string, Record<string, string>> = {
      '**/config.json': { 'cluster-config/production/config.json': production, 'p1/config.json': '{"database":{"name":"user-data"}}', 'p1/p2/config.json': '' },
      'p1/**/config.json': { 'p1/config.json': '{"database":{"name":"user-data"}}', 'p1/p2/config.json': '' },
    };
    const g = { repoURL: 'RepoURL', files: [{ path: '**/config.json' }, { path: 'p1/**/config.json', exclude: true }] };
    const out = gitFileParams(g, pattern => new Map(Object.entries(byPattern[pattern])), false, values(g, ctx(false))).map(plain);
    expect(out.map(x => (x as any).path)).toEqual(['cluster-config/production']);
  });

  test('TestGitGenerateParamsFromFilesGoTemplate: nested objects and the path map', () => {
    const out = filesOf({ 'cluster-config/production/config.json': production }, {}, true);
    expect(out[0]).toEqual({
      cluster: { owner: 'john.doe@example.com', name: 'production', address: 'https://kubernetes.default.svc' },
      key1: 'val1',
      key2: { key2_1: 'val2_1', key2_2: { key2_2_1: 'val2_2_1' } },
      key3: 123,
      path: { path: 'cluster-config/production', basename: 'production', filename: 'config.json', basenameNormalized: 'production', filenameNormalized: 'config.json', segments: { '[]string': ['cluster-config', 'production'] } },
    });
  });
});

describe('parsing a Git file (sigs.k8s.io/yaml into a map, then into a list of maps)', () => {
  test.each<[string, unknown]>([
    ['', [null]],
    ['a: 1', [{ a: 1 }]],
    ['- a: 1\n- null\n', [{ a: 1 }, null]],
    ['a: 1\n---\nb: 2\n', [{ a: 1 }]],
    ['{"a": [1, 2.5, "x"]}', [{ a: [1, 2.5, 'x'] }]],
    // YAML 1.1: the key `on` is the boolean true, which sigs.k8s.io/yaml turns into the key "true".
    ['on: yes\nmode: 0755\nhex: 0x1F\ndate: 2024-01-01\n', [{ true: true, mode: 493, hex: 31, date: '2024-01-01' }]],
  ])('%j', (content, expected) => {
    expect(parseGitFile(content)).toEqual(expected);
  });

  test.each<[string, string]>([
    ['[1, 2]', 'json: cannot unmarshal number into Go value of type map[string]interface {}'],
    ['"text"', 'json: cannot unmarshal string into Go value of type []map[string]interface {}'],
    ['true', 'json: cannot unmarshal bool into Go value of type []map[string]interface {}'],
  ])('%j is refused', (content, message) => {
    expect(() => parseGitFile(content)).toThrow(message);
  });
});

describe('the git generator end to end (listing, filtering, params, rendering)', () => {
  const checkout = new Map<string, string>([
    ['apps/guestbook/kustomization.yaml', 'x'],
    ['apps/helm-guestbook/Chart.yaml', 'x'],
    ['apps/excluded/kustomization.yaml', 'x'],
    ['apps/.hidden/kustomization.yaml', 'x'],
    ['cluster-config/engineering/dev/config.json', '{"cluster":{"name":"engineering-dev","address":"https://1.2.3.4"}}'],
    ['cluster-config/engineering/prod/config.json', '{"cluster":{"name":"engineering-prod","address":"https://2.4.6.8"}}'],
    ['cluster-config/config.json', '{"cluster":{"name":"root","address":"https://0.0.0.0"}}'],
  ]);
  const appSet = (git: any, template: any, goTemplate = false) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'git', namespace: 'argocd' },
    spec: { goTemplate, generators: [{ git: { repoURL: 'https://github.com/argoproj/argo-cd.git', revision: 'HEAD', ...git } }], template },
  });
  const template = (name: string, path: string) => ({ metadata: { name }, spec: { project: 'default', source: { repoURL: 'r', path }, destination: { server: 'https://kubernetes.default.svc', namespace: name } } });
  const expand = (set: any, options: any = {}) => expandApplicationSet(set, { clusters: [], gitFiles: () => checkout, ...options });

  test('directories: hidden directories are never listed, exclusions win (Generators-Git.md "Exclude directories")', () => {
    const result = expand(appSet({ directories: [{ path: 'apps/*' }, { path: 'apps/excluded', exclude: true }] }, template('{{path.basename}}', '{{path}}')));
    expect(result.applications.map(a => a.metadata.name)).toEqual(['guestbook', 'helm-guestbook']);
  });

  test('directories: --include-hidden-directories lists them', () => {
    const result = expand(appSet({ directories: [{ path: 'apps/*' }] }, template('x{{path.basename}}', '{{path}}')), { includeHiddenDirectories: true });
    expect(result.applications.map(a => a.metadata.name)).toContain('x.hidden');
  });

  test('files, default globbing: `**` is git\'s `*`, so the root config.json is not matched (Generators-Git.md)', () => {
    const result = expand(appSet({ files: [{ path: 'cluster-config/**/config.json' }] }, template('{{cluster.name}}', '{{path}}')));
    expect(result.applications.map(a => a.metadata.name)).toEqual(['engineering-dev', 'engineering-prod']);
  });

  test('files, new globbing: doublestar\'s `**/` also matches no directory at all', () => {
    const result = expand(appSet({ files: [{ path: 'cluster-config/**/config.json' }] }, template('{{cluster.name}}', '{{path}}')), { newGitFileGlobbing: true });
    expect(result.applications.map(a => a.metadata.name)).toEqual(['engineering-dev', 'engineering-prod', 'root']);
  });

  test('files, new globbing: a pattern matching a directory fails as the repo server fails to read it', () => {
    const result = expand(appSet({ files: [{ path: 'cluster-config/*' }] }, template('{{cluster.name}}', '{{path}}')), { newGitFileGlobbing: true });
    expect(result.error).toBe('error generating params from git: error retrieving Git files: rpc error: code = Internal desc = unable to read files. '
      + 'repo https://github.com/argoproj/argo-cd.git with revision HEAD pattern cluster-config/*: read cluster-config/engineering: is a directory');
  });

  test('files, default globbing: a literal directory pathspec lists every file below it, and an exclusion uses the same rules', () => {
    const result = expand(appSet({ files: [{ path: 'cluster-config' }, { path: 'cluster-config/engineering/prod', exclude: true }] }, template('{{cluster.name}}', '{{path}}')));
    expect(result.applications.map(a => a.metadata.name)).toEqual(['engineering-dev', 'root']);
  });

  test('Go template: segments are a []string, pathParamPrefix nests under one key', () => {
    const result = expand(appSet({ files: [{ path: 'cluster-config/engineering/*/config.json' }], pathParamPrefix: 'repo' },
      template('{{ .cluster.name }}-{{ index .repo.path.segments 2 }}', '{{ .repo.path.path }}:{{ typeOf .repo.path.segments }}'), true));
    expect(result.applications.map(a => a.metadata.name)).toEqual(['engineering-dev-dev', 'engineering-prod-prod']);
    expect(result.applications[0].spec.source.path).toBe('cluster-config/engineering/dev:[]string');
  });

  test('the git generator first reads the template\'s project: an unknown one fails it (git.go GenerateParams)', () => {
    const result = expand(appSet({ directories: [{ path: 'apps/*' }] }, template('{{path.basename}}', '{{path}}')), { projects: new Set(['other']) });
    expect(result.error).toBe('error getting project default: appprojects.argoproj.io "default" not found');
  });
});
