import { readClusterSecrets } from '../../src/expansion/cluster-secrets';
import { expandApplicationSet } from '../../src/expansion/expand';
import { mergePrimitiveList } from '../../src/expansion/strategic-merge';

/**
 * Rendering the Application template, templatePatch and the cluster generator's params, ported from argo-cd
 * v3.5.1 applicationset/utils/utils_test.go, applicationset/controllers/template/patch_test.go and
 * applicationset/generators/cluster_test.go (test names cited), plus the Go-type behaviour around them.
 */
const appSet = (spec: any) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec });
const dest = { server: 'https://kubernetes.default.svc', namespace: 'default' };
const list = (...elements: any[]) => [{ list: { elements } }];
const expand = (spec: any, clusters: any[] = []) => expandApplicationSet(appSet(spec), { clusters: readClusterSecrets(clusters).clusters });

describe('TestRenderTemplateParamsFinalizers (utils_test.go)', () => {
  test.each<[string, string[] | undefined, any, string[] | undefined]>([
    ['existing finalizer should be preserved', ['existing-finalizer'], undefined, ['existing-finalizer']],
    ['background finalizer should be preserved', ['resources-finalizer.argocd.argoproj.io/background'], undefined, ['resources-finalizer.argocd.argoproj.io/background']],
    ['empty finalizer and empty sync should use standard finalizer', undefined, undefined, ['resources-finalizer.argocd.argoproj.io']],
    ['standard finalizer should be preserved', ['resources-finalizer.argocd.argoproj.io'], undefined, ['resources-finalizer.argocd.argoproj.io']],
    ['empty array finalizers should use standard finalizer', [], undefined, ['resources-finalizer.argocd.argoproj.io']],
    ['non-nil sync policy should use standard finalizer', undefined, {}, ['resources-finalizer.argocd.argoproj.io']],
    ['preserveResourcesOnDeletion should not have a finalizer', undefined, { preserveResourcesOnDeletion: true }, undefined],
    ['user-specified finalizer should overwrite preserveResourcesOnDeletion', ['resources-finalizer.argocd.argoproj.io/background'], { preserveResourcesOnDeletion: true }, ['resources-finalizer.argocd.argoproj.io/background']],
  ])('%s', (_name, finalizers, syncPolicy, expected) => {
    const result = expand({ goTemplate: true, generators: list({ one: 'two' }), syncPolicy, template: { metadata: { name: 'app', finalizers }, spec: { project: 'default', destination: dest } } });
    expect(result.applications[0].metadata.finalizers).toEqual(expected);
  });
});

describe('the renderer and an empty parameter set (RenderTemplateParams: len(params) == 0)', () => {
  test.each([true, false])('goTemplate=%s: the template comes back as it is — nothing rendered, no finalizer', goTemplate => {
    const result = expand({ goTemplate, generators: list({}), template: { metadata: { name: 'app', labels: { x: '{{ .missing }}' } }, spec: { project: 'default', destination: dest } } });
    expect(result.error).toBeUndefined();
    expect(result.applications[0].metadata).toEqual({ name: 'app', namespace: 'argocd', labels: { x: '{{ .missing }}' } });
  });

  test('an element that is not empty renders, and the finalizer is added', () => {
    const result = expand({ goTemplate: true, generators: list({ a: 'b' }), template: { metadata: { name: 'app', labels: { x: '{{ .missing }}' } }, spec: { project: 'default', destination: dest } } });
    expect(result.applications[0].metadata).toEqual({ name: 'app', namespace: 'argocd', labels: { x: '<no value>' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
  });
});

describe('TestRenderTemplateKeys and TestRenderHelmValuesObjectJson (utils_test.go)', () => {
  test('map keys are rendered in both modes', () => {
    for (const [goTemplate, key, value] of [[false, 'annotation-{{key}}', 'annotation-{{value}}'], [true, 'annotation-{{ .key }}', 'annotation-{{ .value }}']] as const) {
      const result = expand({ goTemplate, generators: list({ key: 'some-key', value: 'some-value' }), template: { metadata: { name: 'app', annotations: { [key]: value } }, spec: { project: 'default', destination: dest } } });
      expect(result.applications[0].metadata.annotations).toEqual({ 'annotation-some-key': 'annotation-some-value' });
    }
  });

  test('valuesObject (a RawExtension) is rendered through JSON: strings and keys rendered, nulls dropped, numbers re-encoded', () => {
    const result = expand({
      goTemplate: true,
      generators: list({ test: 'Hello world' }),
      template: { metadata: { name: 'app' }, spec: { project: 'default', destination: dest, source: { repoURL: 'r', chart: 'c', helm: { valuesObject: { some: { 'string': '{{.test}}', 'gone': null, 'n': 1.5, '{{.test}}': 'key' } } } } } },
    });
    expect(result.applications[0].spec.source.helm.valuesObject).toEqual({ some: { 'string': 'Hello world', 'n': 1.5, 'Hello world': 'key' } });
  });
});

describe('the Application as the Go types write it', () => {
  const app = (spec: any, params: any = { x: 'y' }) => expand({ goTemplate: true, generators: list(params), template: { metadata: { name: 'app' }, spec: { project: 'default', destination: dest, ...spec } } });

  test('omitempty strings that render empty vanish; `project` and `repoURL` (no omitempty) stay', () => {
    const result = app({ source: { repoURL: '{{ .empty }}', path: '{{ .empty }}', targetRevision: '' } }, { empty: '' });
    expect(result.applications[0].spec.source).toEqual({ repoURL: '' });
  });

  test('a *bool false is kept (automated.prune), a plain bool false is dropped (retry.refresh, helm.skipCrds)', () => {
    const result = app({ source: { repoURL: 'r', helm: { skipCrds: false } }, syncPolicy: { automated: { prune: false, selfHeal: true }, retry: { limit: 0, refresh: false } } });
    expect(result.applications[0].spec.syncPolicy).toEqual({ automated: { prune: false, selfHeal: true }, retry: {} });
    expect(result.applications[0].spec.source).toEqual({ repoURL: 'r', helm: {} });
  });

  test('fields the Go types do not have are dropped; keys match case-insensitively as encoding/json does', () => {
    const result = app({ source: { repoURL: 'r', unknownField: 'x', Path: 'p' } });
    expect(result.applications[0].spec.source).toEqual({ repoURL: 'r', path: 'p' });
  });

  test('a wrongly typed field fails with encoding/json\'s message', () => {
    expect(app({ source: { repoURL: 'r', path: 5 } }).error).toBe('json: cannot unmarshal number into Go struct field ApplicationSource.spec.template.spec.source.path of type string');
    expect(app({ syncPolicy: { retry: { limit: 1.5 } } }).error).toBe('json: cannot unmarshal number 1.5 into Go struct field RetryStrategy.spec.template.spec.syncPolicy.retry.limit of type int64');
  });

  test('a plugin parameter is written by its own MarshalJSON (`name` always, `string` even when empty)', () => {
    const result = app({ source: { repoURL: 'r', plugin: { parameters: [{ string: '' }, { name: 'a', array: [] }] } } });
    expect(result.applications[0].spec.source.plugin.parameters).toEqual([{ name: '', string: '' }, { name: 'a', array: [] }]);
  });
});

describe('Test_ApplyTemplatePatch (controllers/template/patch_test.go)', () => {
  const base = { metadata: { name: 'my-cluster-guestbook' }, spec: { project: 'default', source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' } } };
  const patched = (templatePatch: string, template: any = base) => expand({ goTemplate: true, generators: list({ a: 'b' }), templatePatch, template });

  test.each([
    ['patch with JSON', '{"metadata": {"annotations": {"annotation-some-key": "annotation-some-value"}}, "spec": {"source": {"helm": {"valueFiles": ["values.test.yaml", "values.big.yaml"]}}, "syncPolicy": {"automated": {"prune": true}}}}'],
    ['patch with YAML', 'metadata:\n  annotations:\n    annotation-some-key: annotation-some-value\nspec:\n  source:\n    helm:\n      valueFiles:\n        - values.test.yaml\n        - values.big.yaml\n  syncPolicy:\n    automated:\n      prune: true'],
  ])('%s', (_name, patch) => {
    const app = patched(patch).applications[0];
    expect(app.metadata.annotations).toEqual({ 'annotation-some-key': 'annotation-some-value' });
    expect(app.spec.source.helm).toEqual({ valueFiles: ['values.test.yaml', 'values.big.yaml'] });
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true } });
  });

  test('project field isn\'t overwritten', () => {
    expect(patched('spec:\n  project: my-project').applications[0].spec.project).toBe('default');
  });

  test('TestError: a patch that is not an object is an error', () => {
    expect(patched('hello world').error).toBe('invalid templatePatch "\\"hello world\\"": json: cannot unmarshal string into Go value of type v1alpha1.Application');
  });

  test('a patch starting with `{` is taken as JSON (ConvertYAMLToJSON), so flow YAML fails as JSON does', () => {
    expect(patched('{spec: {project: x}}').error).toBe('invalid templatePatch "{spec: {project: x}}": invalid character \'s\' looking for beginning of object key string');
  });

  test('a patch with a wrong type is refused before it is applied', () => {
    expect(patched('spec:\n  source:\n    path: 5').error).toBe('invalid templatePatch "{\\"spec\\":{\\"source\\":{\\"path\\":5}}}": json: cannot unmarshal number into Go struct field ApplicationSource.spec.source.path of type string');
  });

  test('the patch sees the Application as Go marshals it: a *bool false survives, null deletes', () => {
    const app = patched('spec:\n  syncPolicy:\n    automated:\n      selfHeal: null\n    syncOptions: [CreateNamespace=true]', { ...base, spec: { ...base.spec, syncPolicy: { automated: { prune: false, selfHeal: true } } } }).applications[0];
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: false }, syncOptions: ['CreateNamespace=true'] });
  });

  test('finalizer order after a patch: ObjectMeta.finalizers merges, items only the patch has come first', () => {
    expect(patched('metadata:\n  finalizers: [custom]').applications[0].metadata.finalizers).toEqual(['custom', 'resources-finalizer.argocd.argoproj.io']);
    expect(patched('metadata:\n  finalizers: [resources-finalizer.argocd.argoproj.io, custom]').applications[0].metadata.finalizers)
      .toEqual(['resources-finalizer.argocd.argoproj.io', 'custom']);
    expect(patched('metadata:\n  $deleteFromPrimitiveList/finalizers: [resources-finalizer.argocd.argoproj.io]').applications[0].metadata.finalizers).toBeUndefined();
  });

  test('mergeSortedSlice keeps both lists\' own orders (strategicpatch/patch.go)', () => {
    expect(mergePrimitiveList(['a', 'b'], ['c'])).toEqual(['c', 'a', 'b']);
    expect(mergePrimitiveList(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(mergePrimitiveList(['a', 'b', 'c'], ['c', 'a'])).toEqual(['b', 'c', 'a']);
    expect(mergePrimitiveList([], ['x', 'x'])).toEqual(['x']);
  });

  test('other lists are replaced, maps merge, `$patch: replace` replaces a map', () => {
    const app = patched('spec:\n  source:\n    $patch: replace\n    repoURL: other', { ...base, spec: { ...base.spec, info: [{ name: 'a', value: 'b' }] } }).applications[0];
    expect(app.spec.source).toEqual({ repoURL: 'other' });
    expect(patched('spec:\n  info: [{name: c, value: d}]', { ...base, spec: { ...base.spec, info: [{ name: 'a', value: 'b' }] } }).applications[0].spec.info).toEqual([{ name: 'c', value: 'd' }]);
  });

  test('merging two nested maps inside valuesObject fails: strategicpatch finds no field in RawExtension', () => {
    const t = { ...base, spec: { ...base.spec, source: { ...base.spec.source, helm: { valuesObject: { image: { tag: 'a' }, count: 1 } } } } };
    expect(patched('spec:\n  source:\n    helm:\n      valuesObject:\n        count: 2', t).applications[0].spec.source.helm.valuesObject).toEqual({ image: { tag: 'a' }, count: 2 });
    // YAML 1.1, as go-yaml v2 reads a patch: the key `n` is the boolean false, which becomes the key "false".
    expect(patched('spec:\n  source:\n    helm:\n      valuesObject:\n        n: 2', t).applications[0].spec.source.helm.valuesObject).toEqual({ image: { tag: 'a' }, count: 1, false: 2 });
    expect(patched('spec:\n  source:\n    helm:\n      valuesObject:\n        image:\n          tag: b', t).error).toContain('unable to find api field in struct RawExtension for the json field "image"');
  });
});

describe('cluster generator params (cluster_test.go TestGenerateParams, Go-template mode)', () => {
  const secret = (name: string, data: Record<string, string>, labels: Record<string, string>, annotations?: Record<string, string>) => ({
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels }, annotations }, stringData: data,
  });
  const clusters = [
    secret('staging-01', { name: 'staging-01', server: 'https://staging-01.example.com' }, { environment: 'staging', org: 'foo' }, { 'foo.argoproj.io': 'staging' }),
    secret('production-01', { name: 'production_01/west', server: 'https://production-01.example.com', project: 'prod-project' }, { environment: 'production', org: 'bar' }, { 'foo.argoproj.io': 'production' }),
    secret('dev-01', { name: 'dev-01', server: 'https://dev-01.example.com' }, { environment: 'dev' }),
  ];
  const clusterSet = (selector: any, name: string, extra: any = {}) => expand({
    goTemplate: true,
    generators: [{ clusters: { selector, ...extra } }],
    template: { metadata: { name }, spec: { project: 'default', destination: { server: '{{ .server }}', namespace: 'x' } } },
  }, clusters);

  test('no label selector: values see the params without the other values; in-cluster has no metadata at all', () => {
    const values = {
      lol1: 'lol',
      lol2: '{{ .values.lol1 }}{{ .values.lol1 }}',
      foo: 'bar',
      bar: '{{ if not (empty .metadata) }}{{index .metadata.annotations "foo.argoproj.io" }}{{ end }}',
      aaa: '{{ .server }}',
      noop: '{{ .thisDoesNotExist }}',
    };
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: { values } }],
      template: { metadata: { name: '{{ .nameNormalized }}', annotations: { v: '{{ .values.lol1 }}|{{ .values.lol2 }}|{{ .values.bar }}|{{ .values.aaa }}|{{ .values.noop }}' } }, spec: { project: 'default', destination: { server: '{{ .server }}', namespace: 'x' } } },
    }), { clusters: readClusterSecrets(clusters.slice(0, 2)).clusters });
    expect(result.applications.map(a => [a.metadata.name, a.metadata.annotations.v])).toEqual([
      ['in-cluster', 'lol|<no value><no value>||https://kubernetes.default.svc|<no value>'],
      ['production-01-west', 'lol|<no value><no value>|production|https://production-01.example.com|<no value>'],
      ['staging-01', 'lol|<no value><no value>|staging|https://staging-01.example.com|<no value>'],
    ]);
  });

  test('labels, annotations and values are Go map[string]string; the params map is map[string]interface{}', () => {
    const result = clusterSet({ matchLabels: { environment: 'staging' } }, '{{ .name }}', { values: { a: 'b' } });
    expect(result.error).toBeUndefined();
    const typed = expand({
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { environment: 'staging' } }, values: { a: 'b' } } }],
      template: { metadata: { name: 'x', annotations: { t: '{{ typeOf .metadata.labels }} {{ typeOf .metadata.annotations }} {{ typeOf .values }} {{ typeOf .metadata }} {{ typeOf . }}' } }, spec: { project: 'default', destination: { server: '{{ .server }}', namespace: 'x' } } },
    }, clusters);
    expect(typed.applications[0].metadata.annotations.t).toBe('map[string]string map[string]string map[string]string map[string]interface {} map[string]interface {}');
  });

  test('a sprig function that wants map[string]interface{} fails on the labels, with Go\'s message', () => {
    expect(clusterSet({ matchLabels: { environment: 'staging' } }, '{{ if hasKey .metadata.labels "org" }}x{{ end }}').error)
      .toBe('failed to execute go template {{ if hasKey .metadata.labels "org" }}x{{ end }}: template: base:1:22: executing "base" at <.metadata.labels>: wrong type for value; expected map[string]interface {}; got map[string]string');
  });

  test('a Secret without annotations has no `annotations` key: index on it is Go\'s "index of untyped nil"', () => {
    expect(clusterSet({ matchLabels: { environment: 'dev' } }, '{{ index .metadata.annotations "a" }}').error)
      .toBe('failed to execute go template {{ index .metadata.annotations "a" }}: template: base:1:3: executing "base" at <index .metadata.anno...>: error calling index: index of untyped nil');
    expect(clusterSet({ matchLabels: { environment: 'dev' } }, '{{ .metadata.annotations }}').applications.length).toBe(0);
  });

  test('a missing label through index is "" (map[string]string\'s zero value), through a field <no value>', () => {
    const result = expand({
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { environment: 'dev' } } } }],
      template: { metadata: { name: 'x', annotations: { a: '[{{ index .metadata.labels "none" }}]', b: '[{{ .metadata.labels.none }}]' } }, spec: { project: 'default', destination: { server: '{{ .server }}', namespace: 'x' } } },
    }, clusters);
    expect(result.applications[0].metadata.annotations).toEqual({ a: '[]', b: '[<no value>]' });
  });

  test('the generator emits in-cluster whatever cluster.inClusterEnabled says; the Application is then rejected at validation', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: {} }],
      template: { metadata: { name: '{{ .name }}' }, spec: { project: 'default', destination: { server: '{{ .server }}', namespace: 'x' } } },
    }), { clusters: [], inClusterEnabled: false });
    expect(result.rejected).toEqual([{ name: 'in-cluster', reason: 'application destination spec is invalid: error getting cluster by server "https://kubernetes.default.svc": rpc error: code = NotFound desc = cluster "https://kubernetes.default.svc" is disabled' }]);
  });

  test('flat mode: one key per label and annotation (cluster_test.go "production-only")', () => {
    const result = expand({
      generators: [{ clusters: { selector: { matchLabels: { environment: 'production' } } } }],
      template: { metadata: { name: '{{nameNormalized}}', annotations: { a: '{{metadata.annotations.foo.argoproj.io}}', l: '{{metadata.labels.org}}', p: '{{project}}' } }, spec: { project: 'default', destination: { server: '{{server}}', namespace: 'x' } } },
    }, clusters);
    expect(result.applications[0].metadata).toMatchObject({ name: 'production-01-west', annotations: { a: 'production', l: 'bar', p: 'prod-project' } });
  });

  test('an invalid selector is reported as Argo CD wraps it', () => {
    expect(clusterSet({ matchExpressions: [{ key: 'environment', operator: 'Bogus', values: ['x'] }] }, 'x').error)
      .toBe('error getting cluster secrets: error converting label selector: "Bogus" is not a valid label selector operator');
  });
});
