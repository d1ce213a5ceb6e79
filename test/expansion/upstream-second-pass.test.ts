import { readClusterSecrets } from '../../src/expansion/cluster-secrets';
import { expandApplicationSet, ExpansionOptions } from '../../src/expansion/expand';
import { fromJson, renderGoTemplate } from '../../src/expansion/gotemplate';

/**
 * A second, independent pass over argo-cd v3.5.1's ApplicationSet tests (argoproj/argo-cd@v3.5.1; file and test
 * name per group, row name per case): the upstream tests and rows test/expansion/upstream-v3.5.1.test.ts and the
 * other files do not port, run through the whole offline controller (where upstream mocks a generator, the mock's
 * output is produced by a real generator over files that yield it).
 */
const appSet = (spec: any, name = 'set') => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name, namespace: 'argocd' }, spec });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, labels: Record<string, string>, data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels }, ...(annotations ? { annotations } : {}) },
  data: Object.fromEntries(Object.entries({ config: '{}', ...data }).map(([k, v]) => [k, b64(v)])),
});
const clustersOf = (...secrets: any[]) => readClusterSecrets(secrets).clusters;

const dest = { server: 'https://kubernetes.default.svc', namespace: 'x' };
const spec0 = { project: 'default', source: { repoURL: 'https://git.example.com/r.git', path: 'p', targetRevision: 'HEAD' }, destination: dest };

/** Every parameter set a Go-template ApplicationSet generates, as the template sees it (`toJson .`), or the error. */
function params(spec: any, options: Partial<ExpansionOptions> = {}): any[] | string {
  const template = { metadata: { name: '{{ toJson . | sha256sum | trunc 20 }}' }, spec: { ...spec0, info: [{ name: 'p', value: '{{ toJson . }}' }] } };
  const result = expandApplicationSet(appSet({ goTemplate: true, ...spec, template }), { clusters: [], ...options });
  if (result.error) return result.error;
  if (result.unsupported) return result.unsupported;
  return result.applications.map(a => JSON.parse(a.spec.info[0].value));
}

/** The flat-mode parameter sets: each key rendered into an annotation; `name` must render distinct per set. */
function flatParams(spec: any, keys: string[], name: string, options: Partial<ExpansionOptions> = {}): Record<string, string>[] | string {
  const template = { metadata: { name, annotations: Object.fromEntries(keys.map(k => [k, `{{${k}}}`])) }, spec: spec0 };
  const result = expandApplicationSet(appSet({ ...spec, template }), { clusters: [], ...options });
  if (result.error) return result.error;
  if (result.unsupported) return result.unsupported;
  return result.applications.map(a => a.metadata.annotations);
}

describe('matrix_test.go', () => {
  const devProd = clustersOf(
    secret('dev-01', { environment: 'dev' }, { name: 'dev-01', server: 'https://dev-01.example.com' }),
    secret('prod-01', { environment: 'prod' }, { name: 'prod-01', server: 'https://prod-01.example.com' }),
  );
  const discovery = new Map([
    ['examples/git-generator-files-discovery/cluster-config/dev/config.json', '{}'],
    ['examples/git-generator-files-discovery/cluster-config/prod/config.json', '{}'],
  ]);
  const gitFiles = () => discovery;
  const files = [{ path: 'examples/git-generator-files-discovery/cluster-config/dev/config.json' }, { path: 'examples/git-generator-files-discovery/cluster-config/prod/config.json' }];

  test('TestInterpolatedMatrixGenerate "happy flow - generate interpolated params": child 2\'s cluster selector is templated by child 1\'s git params', () => {
    const keys = ['path', 'path.basename', 'path.basenameNormalized', 'name', 'nameNormalized', 'server', 'metadata.labels.environment', 'metadata.labels.argocd.argoproj.io/secret-type', 'project'];
    expect(flatParams({
      generators: [{ matrix: { generators: [{ git: { repoURL: 'RepoURL', revision: 'Revision', files } }, { clusters: { selector: { matchLabels: { environment: '{{path.basename}}' } } } }] } }],
    }, keys, '{{name}}', { clusters: devProd, gitFiles })).toEqual([
      {
        'path': 'examples/git-generator-files-discovery/cluster-config/dev',
        'path.basename': 'dev',
        'path.basenameNormalized': 'dev',
        'name': 'dev-01',
        'nameNormalized': 'dev-01',
        'server': 'https://dev-01.example.com',
        'metadata.labels.environment': 'dev',
        'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
        'project': '',
      },
      {
        'path': 'examples/git-generator-files-discovery/cluster-config/prod',
        'path.basename': 'prod',
        'path.basenameNormalized': 'prod',
        'name': 'prod-01',
        'nameNormalized': 'prod-01',
        'server': 'https://prod-01.example.com',
        'metadata.labels.environment': 'prod',
        'metadata.labels.argocd.argoproj.io/secret-type': 'cluster',
        'project': '',
      },
    ]);
  });

  test('TestInterpolatedMatrixGenerateGoTemplate "happy flow - generate interpolated params"', () => {
    const got = params({
      goTemplate: true,
      generators: [{ matrix: { generators: [{ git: { repoURL: 'RepoURL', revision: 'Revision', files } }, { clusters: { selector: { matchLabels: { environment: '{{.path.basename}}' } } } }] } }],
    }, { clusters: devProd, gitFiles });
    expect(Array.isArray(got) && got.map(p => [p.path.basename, p.name, p.server, p.metadata.labels.environment]).sort()).toEqual([
      ['dev', 'dev-01', 'https://dev-01.example.com', 'dev'],
      ['prod', 'prod-01', 'https://prod-01.example.com', 'prod'],
    ]);
  });

  test('TestMatrixGenerateListElementsYaml "happy flow - generate params": child 2\'s elementsYaml is rendered from child 1\'s params', () => {
    const yaml = 'foo:\n  bar:\n    - chart: a\n      version: "1"\n    - chart: b\n      version: "2"\n';
    const foo = { bar: [{ chart: 'a', version: '1' }, { chart: 'b', version: '2' }] };
    const path = { basename: 'dir', basenameNormalized: 'dir', filename: 'file_name.yaml', filenameNormalized: 'file-name.yaml', path: 'path/dir', segments: ['path', 'dir'] };
    const got = params({
      goTemplate: true,
      generators: [{ matrix: { generators: [{ git: { repoURL: 'RepoURL', revision: 'Revision', files: [{ path: 'path/dir/file_name.yaml' }] } }, { list: { elements: [], elementsYaml: '{{ .foo.bar | toJson }}' } }] } }],
    }, { gitFiles: () => new Map([['path/dir/file_name.yaml', yaml]]) });
    expect(got).toEqual([{ chart: 'a', version: '1', foo, path }, { chart: 'b', version: '2', foo, path }]);
  });

  test('TestGitGenerator_GenerateParams_list_x_git_matrix_generator: an interpolated git files child stays a files generator', () => {
    const keys = ['path', 'path.basename', 'path.basenameNormalized', 'path.filename', 'path.filenameNormalized', 'path[0]', 'some', 'test'];
    expect(flatParams({
      generators: [{ matrix: { generators: [{ list: { elements: [{ some: 'value' }] } }, { git: { repoURL: 'https://git.example.com', files: [{ path: 'some/path.json' }] } }] } }],
    }, keys, 'a', { gitFiles: () => new Map([['some/path.json', 'test: content']]) })).toEqual([{
      'path': 'some',
      'path.basename': 'some',
      'path.basenameNormalized': 'some',
      'path.filename': 'path.json',
      'path.filenameNormalized': 'path.json',
      'path[0]': 'some',
      'some': 'value',
      'test': 'content',
    }]);
  });

  test('TestGitGenerator_GenerateParams_list_x_git_matrix_generator_go_templates_values: the git child\'s values read its own path params', () => {
    expect(params({
      goTemplate: true,
      generators: [{ matrix: { generators: [{ list: { elements: [{ some: 'value' }] } }, { git: { repoURL: 'https://git.example.com', files: [{ path: 'some/path.json' }], values: { foo: '{{.path.basename}}' } } }] } }],
    }, { gitFiles: () => new Map([['some/path.json', 'test: content']]) })).toEqual([{
      path: { basename: 'some', basenameNormalized: 'some', filename: 'path.json', filenameNormalized: 'path.json', path: 'some', segments: ['some'] },
      some: 'value',
      test: 'content',
      values: { foo: 'some' },
    }]);
  });

  test('TestInterpolatedMatrixGenerateGoTemplate_ClusterValuesFromFirstGenerator: with missingkey=error, cluster values resolve from the git directory params', () => {
    const guestbook = clustersOf(secret('guestbook-cluster', { environment: 'guestbook' }, { name: 'guestbook-cluster', server: 'https://guestbook.example.com' }));
    const got = params({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{
        matrix: {
          generators: [
            { git: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', revision: 'HEAD', directories: [{ path: 'guestbook' }] } },
            { clusters: { selector: { matchLabels: { environment: '{{.path.basename}}' } }, values: { env: '{{.path.basename}}' } } },
          ],
        },
      }],
    }, { clusters: guestbook, gitFiles: () => new Map([['guestbook/guestbook-ui-deployment.yaml', 'kind: Deployment']]) });
    expect(Array.isArray(got)).toBe(true);
    expect((got as any[]).length).toBe(1);
    const [p] = got as any[];
    expect(p.path).toEqual({ path: 'guestbook', basename: 'guestbook', basenameNormalized: 'guestbook', segments: ['guestbook'] });
    expect(p.values).toEqual({ env: 'guestbook' });
    expect([p.name, p.server]).toEqual(['guestbook-cluster', 'https://guestbook.example.com']);
  });
});

describe('utils.go deeplyReplace over the Go types: which failure is reported, and how it is wrapped', () => {
  const list = { list: { elements: [{ p: 'x' }] } };
  const error = (spec: any, options: Partial<ExpansionOptions> = {}) =>
    expandApplicationSet(appSet({ goTemplate: true, ...spec }), { clusters: [], ...options }).error;

  test('a failure inside helm.valuesObject (a runtime.RawExtension) is "failed to deeply replace JSON field contents"', () => {
    expect(error({ generators: [list], template: { metadata: { name: 'a' }, spec: { ...spec0, source: { ...spec0.source, helm: { valuesObject: { k: '{{ fail "boom" }}' } } } } } }))
      .toBe('failed to deeply replace JSON field contents: failed to execute go template {{ fail "boom" }}: template: base:1:3: executing "base" at <fail "boom">: error calling fail: boom');
  });

  test('struct fields render in Go order: spec.source fails before spec.destination, whatever the YAML\'s key order', () => {
    expect(error({
      generators: [list],
      template: { metadata: { name: 'a' }, spec: { destination: { server: dest.server, namespace: '{{ fail "destination" }}' }, project: 'default', source: { repoURL: 'r', path: '{{ fail "source" }}' } } },
    })).toBe('failed to execute go template {{ fail "source" }}: template: base:1:3: executing "base" at <fail "source">: error calling fail: source');
  });

  test('ApplicationSource fields in Go order: repoURL before path (types.go ApplicationSource)', () => {
    expect(error({ generators: [list], template: { metadata: { name: 'a' }, spec: { ...spec0, source: { path: '{{ fail "path" }}', repoURL: '{{ fail "repo" }}' } } } }))
      .toBe('failed to execute go template {{ fail "repo" }}: template: base:1:3: executing "base" at <fail "repo">: error calling fail: repo');
  });

  const wrap = 'failed to get params for second generator in the matrix generator: child generator returned an error on parameter generation: failed to replace parameters in generator: ';
  test('matrix child 2: a failure in a list element (apiextensionsv1.JSON) is wrapped as JSON field contents', () => {
    expect(error({ generators: [{ matrix: { generators: [list, { list: { elements: [{ a: '{{ fail "boom" }}' }] } }] } }], template: { metadata: { name: 'a' }, spec: spec0 } }))
      .toBe(`${wrap}failed to deeply replace JSON field contents: failed to execute go template {{ fail "boom" }}: template: base:1:3: executing "base" at <fail "boom">: error calling fail: boom`);
  });

  test('matrix child 2: ListGenerator renders elements before elementsYaml, and the List field before the Selector', () => {
    expect(error({
      generators: [{
        matrix: {
          generators: [list, {
            selector: { matchLabels: { a: '{{ fail "selector" }}' } },
            list: { elementsYaml: '{{ fail "yaml" }}', elements: [{ a: '{{ fail "element" }}' }] },
          }],
        },
      }],
      template: { metadata: { name: 'a' }, spec: spec0 },
    })).toBe(`${wrap}failed to deeply replace JSON field contents: failed to execute go template {{ fail "element" }}: template: base:1:3: executing "base" at <fail "element">: error calling fail: element`);
  });

  test('matrix child 2: GitGenerator renders repoURL before files, whatever the YAML\'s key order', () => {
    expect(error({
      generators: [{ matrix: { generators: [list, { git: { files: [{ path: '{{ fail "files" }}' }], repoURL: '{{ fail "repo" }}', revision: 'HEAD' } }] } }],
      template: { metadata: { name: 'a' }, spec: spec0 },
    }, { gitFiles: () => new Map() })).toBe(`${wrap}failed to execute go template {{ fail "repo" }}: template: base:1:3: executing "base" at <fail "repo">: error calling fail: repo`);
  });

  test('matrix child 2: fields the generator\'s Go type lacks are not rendered (decoding drops them)', () => {
    expect(error({
      generators: [{ matrix: { generators: [list, { list: { elements: [{ a: 'b' }], notAField: '{{ fail "x" }}' }, alsoNot: '{{ fail "y" }}' }] } }],
      template: { metadata: { name: '{{ .a }}-{{ .p }}' }, spec: spec0 },
    })).toBeUndefined();
  });

  test('a list element\'s null entries are dropped when child 1 interpolates it (deeplyReplace skips nil map values)', () => {
    const run = (generators: any[]) => error({ goTemplateOptions: ['missingkey=error'], generators, template: { metadata: { name: '{{ .n }}-{{ .a }}' }, spec: spec0 } });
    // at the top level the key is there (nil): `<no value>`, and no error
    expect(run([{ list: { elements: [{ a: null, n: 'b' }] } }])).toBeUndefined();
    expect(run([{ matrix: { generators: [list, { list: { elements: [{ a: null, n: 'b' }] } }] } }]))
      .toBe('failed to execute go template {{ .n }}-{{ .a }}: template: base:1:12: executing "base" at <.a>: map has no entry for key "a"');
  });

  test('matrix child 2 a merge: child 1 renders the merge\'s children as Go structs, so a cluster child\'s values defer as at the top (utils.go filteredGeneratorTypes)', () => {
    const clusters = clustersOf(
      secret('c1', { env: 'a' }, { name: 'c1', server: 'https://c1' }),
      secret('c2', { env: 'b' }, { name: 'c2', server: 'https://c2' }),
    );
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{
        matrix: {
          generators: [
            { list: { elements: [{ stage: 'blue' }] } },
            {
              merge: {
                mergeKeys: ['name'],
                generators: [
                  { clusters: { selector: { matchLabels: { env: 'a' } }, values: { own: '{{ .name }}', parent: '{{ .stage }}' } } },
                  { list: { elements: [{ name: 'c1', extra: '{{ .stage }}' }] } },
                ],
              },
            },
          ],
        },
      }],
      template: { metadata: { name: '{{ .values.own }}-{{ .values.parent }}-{{ .extra }}' }, spec: spec0 },
    }), { clusters });
    expect(result.error).toBeUndefined();
    expect(result.applications.map(a => a.metadata.name)).toEqual(['c1-blue-blue']);
  });
});

describe('applicationset_controller_test.go TestValidateGeneratedApplications / TestReconcilerValidationProjectErrorBehaviour', () => {
  // the test's cluster Secret: "my-cluster" at the in-cluster address
  const myCluster = clustersOf(secret('my-secret', {}, { name: 'my-cluster', server: 'https://kubernetes.default.svc', config: '{"username":"foo","password":"foo"}' }));
  const validate = (destination: any, project = 'default') => {
    const result = expandApplicationSet(appSet({
      generators: [{ list: { elements: [{ x: 'y' }] } }],
      template: { metadata: { name: 'app' }, spec: { project, source: { repoURL: 'https://url', path: '/', targetRevision: 'HEAD' }, destination } },
    }), { clusters: myCluster, projects: new Set(['default']) });
    return [result.applications.map(a => a.metadata.name), result.rejected];
  };

  test.each<[string, any, string, any[]]>([
    ['valid app should return true', { namespace: 'namespace', name: 'my-cluster' }, 'default', [['app'], []]],
    ['can\'t have both name and server defined', { namespace: 'namespace', server: 'my-server', name: 'my-cluster' }, 'default',
      [[], [{ name: 'app', reason: 'application destination spec is invalid: application destination can\'t have both name and server defined: my-cluster my-server' }]]],
    ['project mismatch should return error', { namespace: 'namespace', name: 'my-cluster' }, 'DOES-NOT-EXIST',
      [[], [{ name: 'app', reason: 'application references project DOES-NOT-EXIST which does not exist' }]]],
    ['cluster should match', { namespace: 'namespace', name: 'nonexistent-cluster' }, 'default',
      [[], [{ name: 'app', reason: 'application destination spec is invalid: there are no clusters with this name: nonexistent-cluster' }]]],
  ])('%s', (_name, destination, project, expected) => {
    expect(validate(destination, project)).toEqual(expected);
  });

  test('TestReconcilerValidationProjectErrorBehaviour: the app of the good project is created, the bad one is not', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ project: 'good-project' }, { project: 'bad-project' }] } }],
      template: {
        metadata: { name: '{{.project}}', namespace: 'argocd' },
        spec: { source: { repoURL: 'https://github.com/argoproj/argocd-example-apps', path: 'guestbook' }, project: '{{.project}}', destination: { server: 'https://kubernetes.default.svc' } },
      },
    }), { clusters: [], projects: new Set(['good-project']) });
    expect(result.applications.map(a => a.metadata.name)).toEqual(['good-project']);
    expect(result.rejected).toEqual([{ name: 'bad-project', reason: 'application references project bad-project which does not exist' }]);
  });

  test('an empty project is rejected even when the projects are not known: the controller\'s Get of AppProject "" is NotFound', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ list: { elements: [{ p: '' }] } }],
      template: { metadata: { name: 'app' }, spec: { ...spec0, project: '{{p}}' } },
    }), { clusters: [] });
    expect(result.applications).toEqual([]);
    expect(result.rejected).toEqual([{ name: 'app', reason: 'application references project  which does not exist' }]);
  });
});

/** Masterminds/semver@v3.4.0 constraints_test.go TestConstraintCheck and TestConstraintsCheck: [constraint, version, check]. */
const SEMVER_CHECKS: [string, string, boolean][] = [
  ['=2.0.0', '1.2.3', false], ['=2.0.0', '2.0.0', true], ['=2.0', '1.2.3', false], ['=2.0', '2.0.0', true], ['=2.0', '2.0.1', true],
  ['4.1', '4.1.0', true], ['!=4.1.0', '4.1.0', false], ['!=4.1.0', '4.1.1', true], ['!=4.1', '4.1.0', false], ['!=4.1', '4.1.1', false],
  ['!=4.1', '5.1.0-alpha.1', false], ['!=4.1.0', '5.1.0-alpha.1', false], ['!=4.1-alpha', '4.1.0', true], ['!=4.1', '5.1.0', true],
  ['<11', '0.1.0', true], ['<11', '11.1.0', false], ['<1.1', '0.1.0', true], ['<1.1', '1.1.0', false], ['<1.1', '1.1.1', false],
  ['<=11', '1.2.3', true], ['<=11', '12.2.3', false], ['<=11', '11.2.3', true], ['<=1.1', '1.2.3', false], ['<=1.1', '0.1.0', true],
  ['<=1.1', '1.1.0', true], ['<=1.1', '1.1.1', true], ['>1.1', '4.1.0', true], ['>1.1', '1.1.0', false], ['>0', '0', false], ['>0', '1', true],
  ['>0', '0.0.1-alpha', false], ['>0.0', '0.0.1-alpha', false], ['>0-0', '0.0.1-alpha', false], ['>0.0-0', '0.0.1-alpha', false],
  ['>0', '0.0.0-alpha', false], ['>0-0', '0.0.0-alpha', false], ['>0.0.0-0', '0.0.0-alpha', true], ['>1.2.3-alpha.1', '1.2.3-alpha.2', true],
  ['>1.2.3-alpha.1', '1.3.3-alpha.2', true], ['>11', '11.1.0', false], ['>11.1', '11.1.0', false], ['>11.1', '11.1.1', false],
  ['>11.1', '11.2.1', true], ['>=11', '11.1.2', true], ['>=11.1', '11.1.2', true], ['>=11.1', '11.0.2', false], ['>=1.1', '4.1.0', true],
  ['>=1.1', '1.1.0', true], ['>=1.1', '0.0.9', false], ['>=0', '0.0.1-alpha', false], ['>=0.0', '0.0.1-alpha', false],
  ['>=0-0', '0.0.1-alpha', true], ['>=0.0-0', '0.0.1-alpha', true], ['>=0', '0.0.0-alpha', false], ['>=0-0', '0.0.0-alpha', true],
  ['>=0.0.0-0', '0.0.0-alpha', true], ['>=0.0.0-0', '1.2.3', true], ['>=0.0.0-0', '3.4.5-beta.1', true], ['<0', '0.0.0-alpha', false],
  ['<0-z', '0.0.0-alpha', true], ['>=0', '0', true], ['=0', '1', false], ['*', '1', true], ['*', '4.5.6', true], ['*', '1.2.3-alpha.1', false],
  ['*-0', '1.2.3-alpha.1', true], ['2.*', '1', false], ['2.*', '3.4.5', false], ['2.*', '2.1.1', true], ['2.1.*', '2.1.1', true],
  ['2.1.*', '2.2.1', false], ['', '1', true], ['', '4.5.6', true], ['', '1.2.3-alpha.1', false], ['2', '1', false], ['2', '3.4.5', false],
  ['2', '2.1.1', true], ['2.1', '2.1.1', true], ['2.1', '2.2.1', false], ['~1.2.3', '1.2.4', true], ['~1.2.3', '1.3.4', false],
  ['~1.2', '1.2.4', true], ['~1.2', '1.3.4', false], ['~1', '1.2.4', true], ['~1', '2.3.4', false], ['~0.2.3', '0.2.5', true],
  ['~0.2.3', '0.3.5', false], ['~1.2.3-beta.2', '1.2.3-beta.4', true], ['~1.2.3-beta.2', '1.2.4-beta.2', true],
  ['~1.2.3-beta.2', '1.3.4-beta.2', false], ['^1.2.3', '1.8.9', true], ['^1.2.3', '2.8.9', false], ['^1.2.3', '1.2.1', false],
  ['^1.1.0', '2.1.0', false], ['^1.2.0', '2.2.1', false], ['^1.2.0', '1.2.1-alpha.1', false], ['^1.2.0-alpha.0', '1.2.1-alpha.1', true],
  ['^1.2.0-alpha.0', '1.2.1-alpha.0', true], ['^1.2.0-alpha.2', '1.2.0-alpha.1', false], ['^1.2', '1.8.9', true], ['^1.2', '2.8.9', false],
  ['^1', '1.8.9', true], ['^1', '2.8.9', false], ['^0.2.3', '0.2.5', true], ['^0.2.3', '0.5.6', false], ['^0.2', '0.2.5', true],
  ['^0.2', '0.5.6', false], ['^0.0.3', '0.0.3', true], ['^0.0.3', '0.0.4', false], ['^0.0', '0.0.3', true], ['^0.0', '0.1.4', false],
  ['^0.0', '1.0.4', false], ['^0', '0.2.3', true], ['^0', '1.1.4', false], ['^0.2.3-beta.2', '0.2.3-beta.4', true],
  ['^0.2.3-beta.2', '0.2.4-beta.2', true], ['^0.2.3-beta.2', '0.3.4-beta.2', false], ['^0.2.3-beta.2', '0.2.3-beta.2', true],
  ['*', '1.2.3', true], ['~0.0.0', '1.2.3', true], ['0.x.x', '1.2.3', false], ['0.0.x', '1.2.3', false], ['0.0.0', '1.2.3', false],
  ['*', '1.2.3', true], ['^0.0.0', '1.2.3', false], ['= 2.0', '1.2.3', false], ['= 2.0', '2.0.0', true], ['4.1', '4.1.0', true],
  ['4.1.x', '4.1.3', true], ['1.x', '1.4', true], ['!=4.1', '4.1.0', false], ['!=4.1-alpha', '4.1.0-alpha', false],
  ['!=4.1-alpha', '4.1.1-alpha', false], ['!=4.1-alpha', '4.1.0', true], ['!=4.1', '5.1.0', true], ['!=4.x', '5.1.0', true],
  ['!=4.x', '4.1.0', false], ['!=4.1.x', '4.2.0', true], ['!=4.2.x', '4.2.3', false], ['>1.1', '4.1.0', true], ['>1.1', '1.1.0', false],
  ['<1.1', '0.1.0', true], ['<1.1', '1.1.0', false], ['<1.1', '1.1.1', false], ['<1.x', '1.1.1', false], ['<1.x', '0.1.1', true],
  ['<1.x', '2.0.0', false], ['<1.1.x', '1.2.1', false], ['<1.1.x', '1.1.500', false], ['<1.1.x', '1.0.500', true], ['<1.2.x', '1.1.1', true],
  ['>=1.1', '4.1.0', true], ['>=1.1', '4.1.0-beta', false], ['>=1.1', '1.1.0', true], ['>=1.1', '0.0.9', false], ['<=1.1', '0.1.0', true],
  ['<=1.1', '0.1.0-alpha', false], ['<=1.1-a', '0.1.0-alpha', true], ['<=1.1', '1.1.0', true], ['<=1.x', '1.1.0', true],
  ['<=2.x', '3.0.0', false], ['<=1.1', '1.1.1', true], ['<=1.1.x', '1.2.500', false], ['<=4.5', '3.4.0', true], ['<=4.5', '3.7.0', true],
  ['<=4.5', '4.6.3', false], ['>1.1, <2', '1.1.1', false], ['>1.1, <2', '1.2.1', true], ['>1.1, <3', '4.3.2', false],
  ['>=1.1, <2, !=1.2.3', '1.2.3', false], ['>1.1 <2', '1.1.1', false], ['>1.1 <2', '1.2.1', true], ['>1.1    <3', '4.3.2', false],
  ['>=1.1    <2    !=1.2.3', '1.2.3', false], ['>=1.1, <2, !=1.2.3 || > 3', '4.1.2', true], ['>=1.1, <2, !=1.2.3 || > 3', '3.1.2', false],
  ['>=1.1, <2, !=1.2.3 || >= 3', '3.0.0', true], ['>=1.1, <2, !=1.2.3 || > 3', '3.0.0', false], ['>=1.1, <2, !=1.2.3 || > 3', '1.2.3', false],
  ['>=1.1 <2 !=1.2.3', '1.2.3', false], ['>=1.1 <2 !=1.2.3 || > 3', '4.1.2', true], ['>=1.1 <2 !=1.2.3 || > 3', '3.1.2', false],
  ['>=1.1 <2 !=1.2.3 || >= 3', '3.0.0', true], ['>=1.1 <2 !=1.2.3 || > 3', '3.0.0', false], ['>=1.1 <2 !=1.2.3 || > 3', '1.2.3', false],
  ['> 1.1, <     2', '1.1.1', false], ['>   1.1, <2', '1.2.1', true], ['>1.1, <  3', '4.3.2', false],
  ['>= 1.1, <     2, !=1.2.3', '1.2.3', false], ['> 1.1 < 2', '1.1.1', false], ['>1.1 < 2', '1.2.1', true], ['> 1.1    <3', '4.3.2', false],
  ['>=1.1    < 2    != 1.2.3', '1.2.3', false], ['>= 1.1, <2, !=1.2.3 || > 3', '4.1.2', true], ['>= 1.1, <2, != 1.2.3 || > 3', '3.1.2', false],
  ['>= 1.1, <2, != 1.2.3 || >= 3', '3.0.0', true], ['>= 1.1, <2, !=1.2.3 || > 3', '3.0.0', false],
  ['>= 1.1, <2, !=1.2.3 || > 3', '1.2.3', false], ['>= 1.1 <2 != 1.2.3', '1.2.3', false], ['>= 1.1 <2 != 1.2.3 || > 3', '4.1.2', true],
  ['>= 1.1 <2 != 1.2.3 || > 3', '3.1.2', false], ['>= 1.1 <2 != 1.2.3 || >= 3', '3.0.0', true], ['>= 1.1 < 2 !=1.2.3 || > 3', '3.0.0', false],
  ['>=1.1 < 2 !=1.2.3 || > 3', '1.2.3', false], ['>= 1.0.0  <= 2.0.0-beta', '1.0.1-beta', true], ['>= 1.0.0  <= 2.0.0-beta', '1.0.1', true],
  ['>= 1.0.0  <= 2.0.0-beta', '3.0.0', false], ['>= 1.0.0  <= 2.0.0-beta || > 3', '1.0.1-beta', true],
  ['>= 1.0.0  <= 2.0.0-beta || > 3', '3.0.1-beta', false], ['>= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3', '1.0.1-beta', true],
  ['>= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3', '1.0.1-beta', false], ['>= 1.0.0-0  <= 2.0.0', '1.0.1-beta', true],
  ['1.1 - 2', '1.1.1', true], ['1.5.0 - 4.5', '3.7.0', true], ['1.1-3', '4.3.2', false], ['^1.1', '1.1.1', true], ['^1.1', '4.3.2', false],
  ['^1.x', '1.1.1', true], ['^2.x', '1.1.1', false], ['^1.x', '2.1.1', false], ['^1.x', '1.1.1-beta1', false],
  ['^1.1.2-alpha', '1.2.1-beta1', true], ['^1.2.x-alpha', '1.1.1-beta1', false], ['^0.0.1', '0.0.1', true], ['^0.0.1', '0.3.1', false],
  ['~*', '2.1.1', true], ['~1', '2.1.1', false], ['~1', '1.3.5', true], ['~1', '1.4', true], ['~1.x', '2.1.1', false], ['~1.x', '1.3.5', true],
  ['~1.x', '1.4', true], ['~1.1', '1.1.1', true], ['~1.1', '1.1.1-alpha', false], ['~1.1-alpha', '1.1.1-beta', true],
  ['~1.1.1-beta', '1.1.1-alpha', false], ['~1.1.1-beta', '1.1.1', true], ['~1.2.3', '1.2.5', true], ['~1.2.3', '1.2.2', false],
  ['~1.2.3', '1.3.2', false], ['~1.1', '1.2.3', false], ['~1.3', '2.4.5', false], ['1.0.0 - 2.0.0 <=2.0.0', '1.5.0', true],
  ['1.0.0 - 2.0.0, <=2.0.0', '1.5.0', true],
];

/** Masterminds/semver@v3.4.0 version_test.go TestNewVersion "With loose NewVersion": [version, error expected]. */
const SEMVER_VERSIONS: [string, boolean][] = [
  ['1.2.3', false], ['1.2.3-alpha.01', true], ['1.2.3+test.01', false], ['1.2.3-alpha.-1', false], ['v1.2.3', false], ['1.0', false],
  ['v1.0', false], ['1', false], ['v1', false], ['1.2.beta', true], ['v1.2.beta', true], ['foo', true], ['1.2-5', false], ['v1.2-5', false],
  ['1.2-beta.5', false], ['v1.2-beta.5', false], ['\n1.2', true], ['\nv1.2', true], ['1.2.0-x.Y.0+metadata', false],
  ['v1.2.0-x.Y.0+metadata', false], ['1.2.0-x.Y.0+metadata-width-hypen', false], ['v1.2.0-x.Y.0+metadata-width-hypen', false],
  ['1.2.3-rc1-with-hypen', false], ['v1.2.3-rc1-with-hypen', false], ['1.2.3.4', true], ['v1.2.3.4', true], ['1.2.2147483648', false],
  ['1.2147483648.3', false], ['2147483648.3.0', false], ['12.3.4.1234', true], ['12.23.4.1234', true], ['12.3.34.1234', true],
  ['20221209-update-renovatejson-v4', false], ['1.1.2+.123', true], ['1.0.0-alpha_beta', true], ['1.0.0-alpha..', true],
  ['1.0.0-alpha..1', true], ['9.8.7+meta+meta', true], ['1.2.31----RC-SNAPSHOT.12.09.1--.12+788', true], ['01.1.1', false], ['1.01.1', false],
  ['1.1.01', false],
];

describe('sprig semverCompare and semver over Masterminds/semver v3.4.0 (the version argo-cd@v3.5.1 go.mod pins, not sprig\'s v3.3)', () => {
  const render = (template: string, data: any) => {
    try {
      return renderGoTemplate(template, fromJson(data), 'default');
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each(SEMVER_CHECKS)('semverCompare %j %j is %s', (constraint, version, check) => {
    expect(render('{{ semverCompare .c .v }}', { c: constraint, v: version })).toBe(String(check));
  });

  test.each(SEMVER_VERSIONS)('semver %j fails: %s', (version, error) => {
    expect(render('{{ semver .v }}', { v: version }).includes('error calling semver')).toBe(error);
  });

  test.each<[string, string]>([
    // version.go v3.4.0: ErrInvalidSemVer and friends are lower-case since #269
    ['x', 'invalid semantic version'],
    ['1.2.3-alpha.01', 'version segment starts with 0'],
    ['99999999999999999999.0.0', 'error parsing version segment: strconv.ParseUint: parsing "99999999999999999999": value out of range'],
  ])('semver %j: %s', (version, message) => {
    expect(render('{{ semver .v }}', { v: version }))
      .toBe(`failed to execute go template {{ semver .v }}: template: base:1:3: executing "base" at <semver .v>: error calling semver: ${message}`);
  });

  test('#266: NewVersion coerces leading zeros again (CoerceNewVersion defaults to true)', () => {
    expect(render('{{ (semver "01.02.03").String }}', {})).toBe('1.2.3');
  });
});

describe('fmt %#v of JSON parameters (go/src/fmt/print.go printValue with sharpV; checked against Go\'s fmt)', () => {
  test.each<[string, any, string]>([
    ['a nested map', { m: { b: 2, a: [1, 'x', null, true], c: { d: null, e: 1.5 } } },
      'map[string]interface {}{"a":[]interface {}{1, "x", interface {}(nil), true}, "b":2, "c":map[string]interface {}{"d":interface {}(nil), "e":1.5}}'],
    ['an empty slice', { m: [] }, '[]interface {}{}'],
    ['an empty map', { m: {} }, 'map[string]interface {}{}'],
    ['a slice of containers', { m: [[1], { z: 'y' }] }, '[]interface {}{[]interface {}{1}, map[string]interface {}{"z":"y"}}'],
  ])('%s', (_name, data, expected) => {
    expect(renderGoTemplate('{{ printf "%#v" .m }}', fromJson(data), 'default')).toBe(expected);
  });

  test('a cluster\'s labels are a map[string]string', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { env: 'a' } } } }],
      template: { metadata: { name: '{{ .name }}', annotations: { l: '{{ printf "%#v" .metadata.labels }}' } }, spec: spec0 },
    }), { clusters: clustersOf(secret('c1', { env: 'a' }, { name: 'c1', server: 'https://c1' })) });
    expect(result.applications[0].metadata.annotations.l).toBe('map[string]string{"argocd.argoproj.io/secret-type":"cluster", "env":"a"}');
  });
});

describe('createOrUpdateInCluster: the API server refuses an invalid Application name (apimachinery ValidateObjectMetaAccessor, NameIsDNSSubdomain)', () => {
  const rejected = (name: string) => expandApplicationSet(appSet({
    generators: [{ list: { elements: [{ n: name }] } }],
    template: { metadata: { name: '{{n}}' }, spec: spec0 },
  }), { clusters: [] }).rejected.map(r => r.reason);
  const rfc1123 = 'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric '
    + 'character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')';

  test('an empty name is "Required value"', () => {
    expect(rejected('')).toEqual(['Application.argoproj.io "" is invalid: metadata.name: Required value: name or generateName is required']);
  });

  test('a name that is no DNS-1123 subdomain: validation.RegexError\'s whole message', () => {
    expect(rejected('A_b')).toEqual([`Application.argoproj.io "A_b" is invalid: metadata.name: Invalid value: "A_b": ${rfc1123}`]);
  });

  test('too long and invalid: two field errors, aggregated in brackets', () => {
    const name = `${'a'.repeat(253)}-`;
    expect(rejected(name)).toEqual([`Application.argoproj.io "${name}" is invalid: [metadata.name: Invalid value: "${name}": must be no more than 253 characters, `
      + `metadata.name: Invalid value: "${name}": ${rfc1123}]`]);
  });
});

describe('generator values are a map[string]string (applicationset_types.go), decoded by encoding/json', () => {
  const run = (generators: any[]) => expandApplicationSet(appSet({ generators, template: { metadata: { name: '{{name}}', annotations: { v: '[{{values.v}}]' } }, spec: spec0 } }), { clusters: [] });

  test.each<[string, any[], string]>([
    ['a number', [{ clusters: { values: { v: 3 } } }], 'json: cannot unmarshal number into Go struct field ClusterGenerator.spec.generators.clusters.values of type string'],
    ['a list instead of a map', [{ clusters: { values: ['a'] } }], 'json: cannot unmarshal array into Go struct field ClusterGenerator.spec.generators.clusters.values of type map[string]string'],
    ['a bool in a matrix child', [{ matrix: { generators: [{ list: { elements: [{ a: 'b' }] } }, { clusters: { values: { v: true } } }] } }],
      'json: cannot unmarshal bool into Go struct field ClusterGenerator.spec.generators.matrix.generators.clusters.values of type string'],
  ])('%s is an error', (_name, generators, error) => {
    expect(run(generators).error).toBe(error);
  });

  test('a null is the empty string', () => {
    expect(run([{ clusters: { values: { v: null } } }]).applications.map(a => a.metadata.annotations.v)).toEqual(['[]']);
  });
});

describe('controllers/template/template_test.go TestMergeTemplateApplications / TestGenerateApplications', () => {
  test('"Generate app": the generator\'s template wins where set (name), the ApplicationSet\'s fills in (namespace), labels merge', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ list: { elements: [{ name: 'app1' }], template: { metadata: { name: 'test', labels: { foo: 'bar' } }, spec: spec0 } } }],
      template: { metadata: { name: 'name', namespace: 'namespace', labels: { label_name: 'label_value' } }, spec: spec0 },
    }), { clusters: [] });
    expect(result.applications.map(a => a.metadata)).toEqual([{
      name: 'test',
      namespace: 'argocd', // forced to the ApplicationSet's (template.go GenerateApplications)
      labels: { foo: 'bar', label_name: 'label_value' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    }]);
  });

  test('"Handles error from the render": the first render error fails the whole generation, other generators included', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'app1' }, { name: 'app2' }] } }, { list: { elements: [{ name: 'ok' }] } }],
      template: { metadata: { name: '{{ if eq .name "app2" }}{{ fail "render" }}{{ end }}{{ .name }}' }, spec: spec0 },
    }), { clusters: [] });
    expect(result.applications).toEqual([]);
    expect(result.error).toBe('failed to execute go template {{ if eq .name "app2" }}{{ fail "render" }}{{ end }}{{ .name }}: '
      + 'template: base:1:27: executing "base" at <fail "render">: error calling fail: render');
  });
});
