import { readClusterSecrets } from '../../src/expansion/cluster-secrets';
import { expandApplicationSet } from '../../src/expansion/expand';
import { fromJson, renderFastTemplate, renderGoTemplate } from '../../src/expansion/gotemplate';

/**
 * A second set of cases drawn from argo-cd v3.5.1's own tests (argoproj/argo-cd@v3.5.1; file and test name per
 * group, row name per case), run through the whole offline controller where the upstream test drives one unit
 * (Transform, InterpolateGenerator, RenderTemplateParams, applyTemplatePatch), so each row checks what
 * `appset generate` prints.
 */
const appSet = (spec: any) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec });
const b64 = (s: string) => Buffer.from(s).toString('base64');
const secret = (name: string, labels: Record<string, string>, annotations: Record<string, string> | undefined, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', ...labels }, ...(annotations ? { annotations } : {}) },
  data: Object.fromEntries(Object.entries({ config: '{}', ...data }).map(([k, v]) => [k, b64(v)])),
});

/** generator_spec_processor_test.go getMockClusterGenerator: three Secrets, one with a server URL over 63 characters. */
const MOCK_CLUSTERS = readClusterSecrets([
  secret('staging-01', { environment: 'staging', org: 'foo' }, { 'foo.argoproj.io': 'staging' }, { name: 'staging-01', server: 'https://staging-01.example.com' }),
  secret('production-01', { environment: 'production', org: 'bar' }, { 'foo.argoproj.io': 'production' }, { name: 'production_01/west', server: 'https://production-01.example.com' }),
  secret('some-really-long-server-url', { environment: 'production', org: 'bar' }, { 'foo.argoproj.io': 'production' },
    { name: 'some-really-long-server-url', server: 'https://some-really-long-url-that-will-exceed-63-characters.com' }),
]).clusters;

const dest = { server: 'https://kubernetes.default.svc', namespace: 'x' };
const spec0 = { project: 'default', source: { repoURL: 'https://git.example.com/r.git', path: 'p', targetRevision: 'HEAD' }, destination: dest };

/** Expands with every param exposed: the Application's `info` lists each flattened param (flat) or its JSON (Go). */
function paramsOf(spec: any, clusters = MOCK_CLUSTERS): any[] {
  const template = spec.goTemplate
    ? { metadata: { name: '{{ toJson . | sha256sum | trunc 20 }}' }, spec: { ...spec0, info: [{ name: 'p', value: '{{ toJson . }}' }] } }
    : { metadata: { name: 'a' }, spec: spec0 };
  const result = expandApplicationSet(appSet({ ...spec, template }), { clusters });
  if (result.error) throw new Error(result.error);
  return result.applications.map(a => JSON.parse(a.spec.info[0].value));
}

/** Every generated Application's name, accepted or rejected by validation (an invalid name is still generated). */
function generated(result: { applications: any[]; rejected: { name: string }[]; error?: string }): string[] | string {
  return result.error ?? [...result.applications.map(a => a.metadata.name), ...result.rejected.map(r => r.name)].sort();
}

function names(spec: any, clusters = MOCK_CLUSTERS, template?: any): string[] | string {
  const result = expandApplicationSet(appSet({ template: template ?? { metadata: { name: spec.goTemplate ? '{{.name}}' : '{{name}}' }, spec: spec0 }, ...spec }), { clusters });
  return result.error ?? result.applications.map(a => a.metadata.name);
}

describe('generator_spec_processor_test.go TestTransFormGoTemplate (post-selector on cluster params)', () => {
  const sel = (selector: any, values?: any) => names(
    { goTemplate: true, generators: [{ clusters: { selector: {}, values }, selector }] }, MOCK_CLUSTERS,
    { metadata: { name: '{{.nameNormalized}}' }, spec: spec0 });

  test.each<[string, any, any, string[]]>([
    ['server filter', { matchLabels: { server: 'https://production-01.example.com' } }, undefined, ['production-01-west']],
    // TestTransForm "server filter with long url": the post-selector does not check label values
    ['server filter with long url', { matchLabels: { server: 'https://some-really-long-url-that-will-exceed-63-characters.com' } }, undefined, ['some-really-long-server-url']],
    ['label MatchLabels', { matchLabels: { 'metadata.labels.environment': 'staging' } }, undefined, ['staging-01']],
    // in-cluster has no labels: NotIn passes vacuously
    ['label NotIn matchExpression', { matchExpressions: [{ key: 'metadata.labels.environment', operator: 'NotIn', values: ['staging'] }] }, undefined,
      ['in-cluster', 'production-01-west', 'some-really-long-server-url']],
    ['slash key in label', { matchLabels: { 'metadata.labels.argocd.argoproj.io/secret-type': 'cluster' } }, undefined, ['production-01-west', 'some-really-long-server-url', 'staging-01']],
    ['values filter', { matchLabels: { 'values.env': 'staging' } }, { env: '{{.metadata.labels.environment}}' }, ['staging-01']],
  ])('%s', (_name, selector, values, expected) => {
    expect(sel(selector, values)).toEqual(expected);
  });

  test('TestTransForm "server filter" (flat mode): the params are the flat metadata.* keys', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ clusters: { selector: {} }, selector: { matchLabels: { server: 'https://production-01.example.com' } } }],
      template: { metadata: { name: '{{nameNormalized}}', annotations: { a: '{{metadata.annotations.foo.argoproj.io}}', l: '{{metadata.labels.argocd.argoproj.io/secret-type}}', p: '[{{project}}]' } }, spec: spec0 },
    }), { clusters: MOCK_CLUSTERS });
    expect(result.applications.map(a => a.metadata)).toEqual([{ name: 'production-01-west', namespace: 'argocd', annotations: { a: 'production', l: 'cluster', p: '[]' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] }]);
  });

  test('in-cluster params have no metadata key at all in Go templates (expected row "in-cluster")', () => {
    const params = paramsOf({ goTemplate: true, generators: [{ clusters: {} }] });
    expect(params.find(p => p.name === 'in-cluster')).toEqual({ name: 'in-cluster', nameNormalized: 'in-cluster', server: 'https://kubernetes.default.svc', project: '' });
    expect(params.find(p => p.name === 'staging-01')).toEqual({
      name: 'staging-01',
      nameNormalized: 'staging-01',
      server: 'https://staging-01.example.com',
      project: '',
      metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'environment': 'staging', 'org': 'foo' }, annotations: { 'foo.argoproj.io': 'staging' } },
    });
  });
});

describe('generator_spec_processor_test.go TestMatchValues / TestMatchValuesGoTemplate (post-selector on list params)', () => {
  const run = (goTemplate: boolean, elements: any[], selector: any) => expandApplicationSet(appSet({
    goTemplate,
    generators: [{ list: { elements }, selector }],
    template: { metadata: { name: 'app' }, spec: spec0 },
  }), { clusters: [] }).applications.length;
  const el = { cluster: 'cluster', url: 'url', values: { foo: 'bar' } };

  test.each<[string, boolean, any, any, number]>([
    ['no filter', false, { cluster: 'cluster', url: 'url' }, {}, 1],
    ['nil', false, { cluster: 'cluster', url: 'url' }, undefined, 1],
    ['values.foo should be foo but is ignore element', false, el, { matchLabels: { 'values.foo': 'foo' } }, 0],
    ['values.foo should be bar', false, el, { matchLabels: { 'values.foo': 'bar' } }, 1],
    ['(Go) values.foo should be foo but is ignore element', true, el, { matchLabels: { 'values.foo': 'foo' } }, 0],
    ['(Go) values.foo should be bar', true, el, { matchLabels: { 'values.foo': 'bar' } }, 1],
    ['(Go) values.0 should be bar', true, { cluster: 'cluster', url: 'url', values: ['bar'] }, { matchLabels: { 'values.0': 'bar' } }, 1],
  ])('%s', (_name, goTemplate, element, selector, count) => {
    expect(run(goTemplate, [element], selector)).toBe(count);
  });
});

describe('label selectors: utils/selector.go (post-selector) and metav1.LabelSelectorAsSelector (cluster generator)', () => {
  const post = (selector: any) => expandApplicationSet(appSet({
    generators: [{ list: { elements: [{ a: 'x' }] }, selector }],
    template: { metadata: { name: 'app' }, spec: spec0 },
  }), { clusters: [] });
  const cluster = (selector: any) => expandApplicationSet(appSet({ generators: [{ clusters: { selector } }], template: { metadata: { name: '{{nameNormalized}}' }, spec: spec0 } }), { clusters: MOCK_CLUSTERS });

  test.each<[string, any, string]>([
    ['an unknown operator is a "pod selector operator" in Argo CD\'s copy', { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      'error parsing label selector: "Gt" is not a valid pod selector operator'],
    ['In with no values', { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      'error parsing label selector: values: Invalid value: []string{}: for \'in\', \'notin\' operators, values set can\'t be empty'],
    ['Exists with values prints the Go slice', { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] },
      'error parsing label selector: values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist'],
    ['a bad key and no values: both errors, aggregated, in apimachinery\'s words', { matchExpressions: [{ key: 'a b', operator: 'NotIn' }] },
      'error parsing label selector: [key: Invalid value: "a b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\'), '
      + 'values: Invalid value: []string{}: for \'in\', \'notin\' operators, values set can\'t be empty]'],
  ])('post-selector: %s', (_name, selector, error) => {
    expect(post(selector).error).toBe(error);
  });

  test.each<[string, any, number]>([
    ['DoesNotExist on a key the params lack', { matchExpressions: [{ key: 'b', operator: 'DoesNotExist' }] }, 1],
    ['Exists on a key the params have', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 1],
    ['In with the empty string does not match a missing key', { matchExpressions: [{ key: 'b', operator: 'In', values: [''] }] }, 0],
    ['matchLabels and matchExpressions are ANDed', { matchLabels: { a: 'x' }, matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, 0],
    ['an empty selector matches everything', { matchLabels: {}, matchExpressions: [] }, 1],
  ])('post-selector: %s', (_name, selector, count) => {
    expect(post(selector).applications.length).toBe(count);
  });

  test.each<[string, any, string]>([
    ['a label value over 63 characters', { matchLabels: { server: 'https://some-really-long-url-that-will-exceed-63-characters.comx' } },
      'values[0][server]: Invalid value: "https://some-really-long-url-that-will-exceed-63-characters.comx": must be no more than 63 characters; a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', '
      + 'and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')'],
    ['a key with an upper-case prefix', { matchExpressions: [{ key: 'Example.com/env', operator: 'Exists' }] },
      'key: Invalid value: "Example.com/env": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character '
      + '(e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'],
    ['a key with two slashes', { matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] },
      'key: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character '
      + '(e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')'],
    ['an empty key', { matchExpressions: [{ key: '', operator: 'Exists' }] },
      'key: Invalid value: "": name part must be non-empty; name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character '
      + '(e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'],
  ])('cluster generator: %s (labels.NewRequirement)', (_name, selector, error) => {
    expect(cluster(selector).error).toBe(`error getting cluster secrets: error converting label selector: ${error}`);
  });

  test('cluster generator: metav1 calls an unknown operator a "label selector operator"', () => {
    expect(cluster({ matchExpressions: [{ key: 'a', operator: 'exists' }] }).error).toBe('error getting cluster secrets: error converting label selector: "exists" is not a valid label selector operator');
  });

  test('cluster generator: metav1.AddLabelToSelector overrides a secret-type the selector asks for (and drops in-cluster)', () => {
    expect(cluster({ matchLabels: { 'argocd.argoproj.io/secret-type': 'repository' } }).applications.map(a => a.metadata.name))
      .toEqual(['production-01-west', 'some-really-long-server-url', 'staging-01']);
  });

  test('cluster generator: only matchExpressions still drops in-cluster (cluster.go ignoreLocalClusters)', () => {
    expect(cluster({ matchExpressions: [{ key: 'org', operator: 'Exists' }] }).applications.map(a => a.metadata.name))
      .toEqual(['production-01-west', 'some-really-long-server-url', 'staging-01']);
  });
});

describe('utils_test.go TestRenderTemplateParams (flat mode, every templated field)', () => {
  const FIELDS: [string, (s: string) => any, (app: any) => string][] = [
    ['Path', s => ({ source: { ...spec0.source, path: s } }), a => a.spec.source.path],
    ['RepoURL', s => ({ source: { ...spec0.source, repoURL: s } }), a => a.spec.source.repoURL],
    ['TargetRevision', s => ({ source: { ...spec0.source, targetRevision: s } }), a => a.spec.source.targetRevision],
    ['Chart', s => ({ source: { ...spec0.source, chart: s } }), a => a.spec.source.chart],
    ['Namespace', s => ({ destination: { ...dest, namespace: s } }), a => a.spec.destination.namespace],
  ];
  test.each<[string, string, Record<string, string>, string]>([
    ['simple substitution', '{{one}}', { one: 'two' }, 'two'],
    ['simple substitution with whitespace', '{{ one }}', { one: 'two' }, 'two'],
    ['template characters but not in a template', '}} {{', { one: 'two' }, '}} {{'],
    ['nested template', '{{ }}', { one: '{{ }}' }, '{{ }}'],
    ['field with whitespace', '{{ }}', { ' ': 'two', '': 'three' }, '{{ }}'],
    ['template contains itself, containing itself', '{{one}}', { '{{one}}': '{{one}}' }, '{{one}}'],
    ['template contains itself, containing something else', '{{one}}', { '{{one}}': '{{two}}' }, '{{one}}'],
    ['templates are case sensitive', '{{ONE}}', { '{{one}}': 'two' }, '{{ONE}}'],
    ['multiple on a line', '{{one}}{{one}}', { one: 'two' }, 'twotwo'],
    ['multiple different on a line', '{{one}}{{three}}', { one: 'two', three: 'four' }, 'twofour'],
    ['multiple different on a line with quote', '{{one}} {{three}}', { one: '"hello" world', three: 'four' }, '"hello" world four'],
  ])('%s', (_name, field, params, expected) => {
    for (const [, set, get] of FIELDS) {
      const result = expandApplicationSet(appSet({
        generators: [{ list: { elements: [params] } }],
        template: { metadata: { name: 'application-one', labels: { 'label-key': 'label-value' }, annotations: { 'annotation-key': 'annotation-value' } }, spec: { ...spec0, ...set(field) } },
      }), { clusters: [] });
      expect(result.error).toBeUndefined();
      const app = [...result.applications, ...result.rejected.map(() => undefined)][0];
      if (app === undefined) continue; // a destination namespace like "}} {{" is still generated; only validation may reject
      expect(get(app)).toBe(expected);
      expect(app.metadata.labels).toEqual({ 'label-key': 'label-value' });
      expect(app.metadata.annotations).toEqual({ 'annotation-key': 'annotation-value' });
    }
  });

  test('fasttemplate directly: a tag whose parameter is not a string is written back', () => {
    expect(renderFastTemplate('{{a}}-{{b}}', { a: 1 as any, b: 'x' })).toBe('{{a}}-x');
    // isTemplatedRegex `.*{{.*}}.*` does not cross lines: no tag pair on one line means no rendering and no error
    expect(renderFastTemplate('{{a\n}}', { a: 'x' })).toBe('{{a\n}}');
    expect(renderFastTemplate('{{ unclosed', { unclosed: 'x' })).toBe('{{ unclosed');
    // …but once one line has a pair, fasttemplate parses the whole string, across lines
    expect(renderFastTemplate('{{a}}\n{{\na\n}}', { a: 'x' })).toBe('x\nx');
  });
});

describe('utils_test.go TestRenderTemplateParamsGoTemplate (rows not in gotemplate.test.ts) and TestSlugify', () => {
  test('"Test No Data": with no params at all the template is not rendered', () => {
    const result = expandApplicationSet(appSet({ goTemplate: true, generators: [{ list: { elements: [{}] } }], template: { metadata: { name: 'app' }, spec: { ...spec0, source: { ...spec0.source, path: '{{.data}}' } } } }), { clusters: [] });
    expect(result.applications[0].spec.source.path).toBe('{{.data}}');
  });

  test.each<[string, number, boolean, string]>([
    ['feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature', 50, false, 'feat-a-really-long-pull-request-name-to-test-argo'],
    ['feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature', 53, true, 'feat-a-really-long-pull-request-name-to-test-argo'],
    ['feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature', 50, true, 'feat'],
    ['feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature', 50, false, 'feat-areallylongpullrequestnametotestargoslugifica'],
  ])('TestSlugify %s (%d, smart=%s)', (branch, length, smart, expected) => {
    expect(renderGoTemplate(`{{ slugify ${length} ${smart} .branch }}`, fromJson({ branch }), 'default')).toBe(expected);
  });

  test('TestSanitizeClusterName through nameNormalized', () => {
    const clusters = readClusterSecrets([secret('s', {}, undefined, { name: '-.--CLUSTER/name  -./.-', server: 'https://s' })]).clusters;
    expect(names({ generators: [{ clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } } } }] }, clusters,
      { metadata: { name: '{{nameNormalized}}' }, spec: spec0 })).toEqual(['cluster-name']);
  });
});

describe('utils_test.go TestRenderGeneratorParams_ValuesInterpolation and generator_spec_processor_test.go TestInterpolateGenerator* (matrix child 2)', () => {
  /** A matrix whose first child is a list with `parent`, second child `child`; the Applications' names are what we check. */
  const matrix = (goTemplate: boolean, parent: any, child: any, name: string, options?: string[]) => expandApplicationSet(appSet({
    goTemplate,
    goTemplateOptions: options,
    generators: [{ matrix: { generators: [{ list: { elements: [parent] } }, child] } }],
    template: { metadata: { name }, spec: spec0 },
  }), { clusters: MOCK_CLUSTERS });
  const staging = { matchLabels: { environment: 'staging' } };

  test.each<[string, boolean, any, Record<string, string>, string, string[] | undefined, string]>([
    ['GoTemplate: cross-generator key is resolved', true, { path: { basename: 'guestbook' } }, { env: '{{.path.basename}}' }, '{{.values.env}}', ['missingkey=error'], 'guestbook'],
    ['GoTemplate: mixed — cross-generator resolves, self-referential defers', true, { path: { basename: 'guestbook' } }, { env: '{{.path.basename}}', clusterName: '{{.name}}' },
      '{{.values.env}}-{{.values.clusterName}}', ['missingkey=error'], 'guestbook-staging-01'],
    ['GoTemplate: cross-generator resolves even without missingkey=error in user options', true, { path: { basename: 'guestbook' } }, { env: '{{.path.basename}}', clusterName: '{{.name}}' },
      '{{.values.env}}-{{.values.clusterName}}', undefined, 'guestbook-staging-01'],
    ['GoTemplate: literal values (no template) pass through unchanged', true, { path: { basename: 'guestbook' } }, { static: 'some-hardcoded-value' }, '{{.values.static}}', undefined, 'some-hardcoded-value'],
    ['No GoTemplate: cross-generator key is resolved', false, { 'path.basename': 'guestbook' }, { env: '{{path.basename}}' }, '{{values.env}}', undefined, 'guestbook'],
    ['No GoTemplate: self-referential key is kept as template', false, { some: 'value' }, { clusterName: '{{name}}' }, '{{values.clusterName}}', undefined, 'staging-01'],
  ])('%s', (_name, goTemplate, parent, values, name, options, expected) => {
    const result = matrix(goTemplate, parent, { clusters: { selector: staging, values } }, name, options);
    expect(result.error).toBeUndefined();
    expect(result.applications.map(a => a.metadata.name)).toEqual([expected]);
  });

  const wrap = 'failed to get params for second generator in the matrix generator: child generator returned an error on parameter generation: ';
  test.each<[string, Record<string, string>, string]>([
    ['GoTemplate: malformed template syntax in Values surfaces an error', { bad: '{{.path.basename' },
      'failed to replace parameters in generator: failed to pre-resolve Values key "bad": failed to parse template {{.path.basename: template: base:1: unclosed action'],
    ['GoTemplate: sprig must* function error in Values surfaces an error', { bad: '{{mustFromJson "not-valid-json"}}' },
      'failed to replace parameters in generator: failed to pre-resolve Values key "bad": failed to execute go template {{mustFromJson "not-valid-json"}}: '
      + 'template: base:1:2: executing "base" at <mustFromJson "not-va...>: error calling mustFromJson: invalid character \'o\' in literal null (expecting \'u\')'],
    // only "map has no entry for key" and "can't evaluate field" defer; any other execution error fails
    ['a failing function is an error, not deferred', { env: '{{ fail "boom" }}' },
      'failed to replace parameters in generator: failed to pre-resolve Values key "env": failed to execute go template {{ fail "boom" }}: template: base:1:3: executing "base" at <fail "boom">: error calling fail: boom'],
    // "can't evaluate field" defers; rendered again against the cluster's own params, it then fails there
    ['a deferred value that the child cannot render either fails in appendTemplatedValues', { b: '{{ .path.basename.x }}' },
      'error appending templated values for cluster: failed to replace templated string: failed to replace templated string with rendered values: failed to execute go template {{ .path.basename.x }}: '
      + 'template: base:1:8: executing "base" at <.path.basename.x>: map has no entry for key "path"'],
  ])('%s', (_name, values, error) => {
    const result = matrix(true, { path: { basename: 'guestbook' } }, { clusters: { selector: staging, values } }, '{{.name}}', ['missingkey=error']);
    expect(result.error).toBe(wrap + error);
  });

  test('TestInterpolateGenerator: the parent\'s flat params template the child\'s selector', () => {
    const result = matrix(false, { 'path': 'p1/p2/app3', 'path.basename': 'staging', 'path[0]': 'p1' },
      { clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster', 'environment': '{{path.basename}}' } } } }, '{{name}}-{{path[0]}}');
    expect(result.applications.map(a => a.metadata.name)).toEqual(['staging-01-p1']);
  });

  test('TestInterpolateGenerator_go: sprig and index in the child\'s selector', () => {
    const result = matrix(true, { path: { path: 'p1/p2/staging', segments: ['p1', 'p2', 'staging'] } },
      { clusters: { selector: { matchLabels: { 'environment': '{{ base .path.path }}', 'org': '{{ default "foo" .my_label }}', 'argocd.argoproj.io/secret-type': 'cluster' } } } },
      '{{.name}}-{{index .path.segments 0}}');
    expect(result.applications.map(a => a.metadata.name)).toEqual(['staging-01-p1']);
  });

  test('TestInterpolateGeneratorError "Error templating": the first templated field in Go struct order fails first', () => {
    const files = new Map([['path/foo', '{}']]);
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{
        matrix: {
          generators: [
            { list: { elements: [{ name: 'in-cluster', override: 'foo' }] } },
            { git: { repoURL: 'foo', revision: 'main', files: [{ path: 'path/{{ index .rmap (default .override .test) }}' }], values: { selection: '{{ default .override .test }}' } } },
          ],
        },
      }],
      template: { metadata: { name: 'a' }, spec: spec0 },
    }), { clusters: [], gitFiles: () => files });
    // (Argo CD's own row calls InterpolateGenerator directly; through the matrix the error gains the matrix's wrapping
    // and Go's ErrorContext truncates the action to 20 bytes)
    expect(result.error).toBe('failed to get params for second generator in the matrix generator: child generator returned an error on parameter generation: '
      + 'failed to replace parameters in generator: failed to execute go template path/{{ index .rmap (default .override .test) }}: '
      + 'template: base:1:8: executing "base" at <index .rmap (default...>: error calling index: index of untyped nil');
  });

  test('TestInterpolateGeneratorValuesHandling: values the parent cannot resolve stay templates until the child renders them', () => {
    const files = new Map([['somedir/app-one', '{}']]);
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{
        matrix: {
          generators: [
            { clusters: { selector: { matchLabels: { environment: 'staging' } } } },
            { git: { repoURL: 'https://somewhere.com/per-cluster/{{.name}}.git', revision: 'main', files: [{ path: 'somedir/*' }], values: { appname: '{{ .path.basenameNormalized }}' } } },
          ],
        },
      }],
      template: { metadata: { name: '{{.values.appname}}-{{.name}}' }, spec: spec0 },
    }), { clusters: MOCK_CLUSTERS, gitFiles: url => (url === 'https://somewhere.com/per-cluster/staging-01.git' ? files : undefined) });
    expect(result.error).toBeUndefined();
    expect(result.applications.map(a => a.metadata.name)).toEqual(['somedir-staging-01']);
  });
});

describe('value_interpolation_test.go TestValueInterpolation / TestValueInterpolationWithGoTemplating (cluster values)', () => {
  const one = readClusterSecrets([secret('c', {}, undefined, { name: 'c', server: 'https://c' })]).clusters;
  test.each<[string, boolean, Record<string, string>, Record<string, string>]>([
    ['Simple interpolation', false, { hello: '{{ name }}' }, { 'values.hello': 'c' }],
    ['Non-existent', false, { 'non-existent': '{{ non-existent }}' }, { 'values.non-existent': '{{ non-existent }}' }],
    ['Billion laughs', false, { lol1: 'lol', lol2: '{{values.lol1}}{{values.lol1}}', lol3: '{{values.lol2}}{{values.lol2}}{{values.lol2}}' },
      { 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}' }],
    ['(Go) Simple interpolation', true, { hello: '{{ .name }}' }, { hello: 'c' }],
    ['(Go) Non-existent to default', true, { non_existent: '{{ default "bar" .non_existent }}' }, { non_existent: 'bar' }],
    ['(Go) Billion laughs', true, { lol1: 'lol', lol2: '{{.values.lol1}}{{.values.lol1}}', lol3: '{{.values.lol2}}{{.values.lol2}}{{.values.lol2}}' },
      { lol1: 'lol', lol2: '<no value><no value>', lol3: '<no value><no value><no value>' }],
  ])('%s', (_name, goTemplate, values, expected) => {
    const annotations = goTemplate
      ? Object.fromEntries(Object.keys(values).map(k => [k, `{{ index .values "${k}" }}`]))
      : Object.fromEntries(Object.keys(values).map(k => [k, `{{values.${k}}}`]));
    const result = expandApplicationSet(appSet({
      goTemplate,
      generators: [{ clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, values } }],
      template: { metadata: { name: 'a', annotations }, spec: spec0 },
    }), { clusters: one });
    const expectedAnnotations = goTemplate ? expected : Object.fromEntries(Object.entries(expected).map(([k, v]) => [k.replace(/^values\./, ''), v]));
    expect(result.applications[0].metadata.annotations).toEqual(expectedAnnotations);
  });
});

describe('controllers/template/patch_test.go Test_ApplyTemplatePatch and TestError', () => {
  const base = { metadata: { name: 'my-cluster-guestbook' }, spec: { project: 'default', source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', targetRevision: 'HEAD', path: 'guestbook' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'guestbook' } } };
  const patched = (templatePatch: string, goTemplate = true) => expandApplicationSet(appSet({ goTemplate, generators: [{ list: { elements: [{ x: 'y' }] } }], template: base, templatePatch }), { clusters: [] });

  test.each([
    ['patch with JSON', '{\n "metadata": {"annotations": {"annotation-some-key": "annotation-some-value"}},\n "spec": {"source": {"helm": {"valueFiles": ["values.test.yaml", "values.big.yaml"]}}, "syncPolicy": {"automated": {"prune": true}}}\n}'],
    ['patch with YAML', '\nmetadata:\n  annotations:\n    annotation-some-key: annotation-some-value\nspec:\n  source:\n    helm:\n      valueFiles:\n        - values.test.yaml\n        - values.big.yaml\n  syncPolicy:\n    automated:\n      prune: true'],
  ])('%s', (_name, patch) => {
    const app = patched(patch).applications[0];
    expect(app.metadata).toEqual({ name: 'my-cluster-guestbook', namespace: 'argocd', annotations: { 'annotation-some-key': 'annotation-some-value' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(app.spec.source).toEqual({ ...base.spec.source, helm: { valueFiles: ['values.test.yaml', 'values.big.yaml'] } });
    expect(app.spec.syncPolicy).toEqual({ automated: { prune: true } });
  });

  test('project field isn\'t overwritten', () => {
    expect(patched('\nspec:\n  project: my-project').applications[0].spec.project).toBe('default');
  });

  test('TestError: a patch that is not an Application fails the generation', () => {
    expect(patched('hello world').error).toBe('invalid templatePatch "\\"hello world\\"": json: cannot unmarshal string into Go value of type v1alpha1.Application');
  });

  test('the patch is rendered in flat mode too, with fasttemplate', () => {
    expect(patched('metadata:\n  labels:\n    x: "{{x}}"', false).applications[0].metadata.labels).toEqual({ x: 'y' });
  });

  test('a render error in the patch is wrapped (template.go renderTemplatePatch)', () => {
    expect(patched('{{ .x.y }}').error).toBe('error replacing values in templatePatch: failed to execute go template {{ .x.y }}: template: base:1:5: executing "base" at <.x.y>: can\'t evaluate field y in type interface {}');
  });
});

describe('list_test.go TestGenerateListParams / TestGenerateListParamsGoTemplate and list.go corners', () => {
  const list = (goTemplate: boolean, generator: any, name: string) => expandApplicationSet(
    appSet({ goTemplate, generators: [{ list: generator }], template: { metadata: { name }, spec: spec0 } }), { clusters: [] });

  test('flat: values.* flattens; Go: values stays a map', () => {
    const el = { cluster: 'cluster', url: 'url', values: { foo: 'bar' } };
    expect(generated(list(false, { elements: [el] }, '{{cluster}}-{{url}}-{{values.foo}}'))).toEqual(['cluster-url-bar']);
    expect(generated(list(true, { elements: [el] }, '{{.cluster}}-{{.url}}-{{.values.foo}}'))).toEqual(['cluster-url-bar']);
  });

  test('flat: a values entry that is not a map fails ("error parsing values map")', () => {
    expect(list(false, { elements: [{ values: 'x' }] }, 'a').error).toBe('error parsing values map');
  });

  test('flat: elementsYaml elements are appended as they are, neither flattened nor checked for strings', () => {
    const result = list(false, { elements: [], elementsYaml: '- name: a\n  replicas: 2\n  values:\n    foo: bar\n' }, '{{name}}-{{replicas}}-{{values.foo}}');
    expect(result.error).toBeUndefined();
    expect(generated(result)).toEqual(['a-{{replicas}}-{{values.foo}}']);
  });

  test('an element that is not an object fails to unmarshal', () => {
    expect(list(true, { elements: [['a']] }, 'a').error).toBe('error unmarshling list element json: cannot unmarshal array into Go value of type map[string]interface {}');
  });
});

describe('matrix_test.go TestMatrixGenerate / TestMatrixGenerateGoTemplate', () => {
  const files = new Map([['app1/x.yaml', ''], ['app2/x.yaml', '']]);
  const git = { repoURL: 'RepoURL', revision: 'Revision', directories: [{ path: '*' }] };
  const listGen = { elements: [{ cluster: 'Cluster', url: 'Url', templated: 'test-{{path.basenameNormalized}}' }] };
  const run = (goTemplate: boolean, generators: any[], name: string) => expandApplicationSet(
    appSet({ goTemplate, generators: [{ matrix: { generators } }], template: { metadata: { name }, spec: spec0 } }),
    { clusters: [], gitFiles: () => files });

  test('happy flow - generate params (child 1 templates child 2\'s list elements)', () => {
    expect(generated(run(false, [{ git }, { list: listGen }], '{{path}}-{{path.basename}}-{{cluster}}-{{templated}}')))
      .toEqual(['app1-app1-Cluster-test-app1', 'app2-app2-Cluster-test-app2']);
  });

  test('happy flow - generate params (Go templates)', () => {
    const goList = { elements: [{ cluster: 'Cluster', url: 'Url', templated: 'test-{{.path.basenameNormalized}}' }] };
    expect(generated(run(true, [{ git }, { list: goList }], '{{.path.path}}-{{.cluster}}-{{.templated}}')))
      .toEqual(['app1-Cluster-test-app1', 'app2-Cluster-test-app2']);
  });

  test('happy flow - generate params from two lists', () => {
    expect(generated(run(false, [{ list: { elements: [{ a: '1' }, { a: '2' }] } }, { list: { elements: [{ b: '1' }, { b: '2' }] } }], 'x-{{a}}-{{b}}')))
      .toEqual(['x-1-1', 'x-1-2', 'x-2-1', 'x-2-2']);
  });

  test.each<[string, any[], string]>([
    ['returns error if there is less than two base generators', [{ git }], 'found less than two generators, Matrix support only two'],
    ['returns error if there is more than two base generators', [{ list: listGen }, { list: listGen }, { list: listGen }], 'found more than two generators, Matrix support only two'],
    ['returns error if there is more than one inner generator in the first base generator', [{ git, list: listGen }, { git }],
      'error failed to get params for first generator in matrix generator: found more than one generator in matrix.Generators'],
    ['returns error if there is more than one inner generator in the second base generator', [{ list: listGen }, { git, list: listGen }],
      'failed to get params for second generator in the matrix generator: found more than one generator in matrix.Generators'],
  ])('%s', (_name, generators, error) => {
    expect(run(false, generators, 'a').error).toBe(error);
  });

  test('a child with no generator at all generated no parameters', () => {
    expect(run(false, [{ list: listGen }, {}], 'a').error).toBe('failed to get params for second generator in the matrix generator: child generator generated no parameters');
  });

  test('nesting is one level deep: a matrix inside a nested matrix is dropped (ApplicationSetTerminalGenerator has no matrix)', () => {
    const inner = { matrix: { generators: [{ list: { elements: [{ a: '1' }] } }, { matrix: { generators: [{ list: { elements: [{ b: '1' }] } }, { list: { elements: [{ c: '1' }] } }] } }] } };
    expect(run(false, [inner, { list: { elements: [{ d: '1' }] } }], 'a').error)
      .toBe('error failed to get params for first generator in matrix generator: child generator returned an error on parameter generation: '
        + 'failed to get params for second generator in the matrix generator: child generator generated no parameters');
  });

  test('flat mode: utils.CombineStringMaps prints both sides with %v, so elementsYaml numbers become string params', () => {
    const result = run(false, [{ list: { elements: [{ a: '1' }] } }, { list: { elementsYaml: '- num: 2\n  m: {k: v}\n  f: 1.5e7\n  n: x\n' } }], '{{a}}-{{num}}-{{f}}-{{m}}-{{false}}');
    // (`n` is a YAML 1.1 boolean key: sigs.k8s.io/yaml makes it "false")
    expect(generated(result)).toEqual(['1-2-1.5e+07-map[k:v]-x']);
    const equal = run(false, [{ list: { elements: [{ num: '2' }] } }, { list: { elementsYaml: '- num: 2\n' } }], 'x{{num}}');
    expect(generated(equal)).toEqual(['x2']);
  });

  test('map_test.go TestCombineStringMaps "fails if keys are the same but value isn\'t"', () => {
    expect(run(false, [{ list: { elements: [{ foo: 'bar', a: 'fail' }] } }, { list: { elements: [{ a: 'b', c: 'd' }] } }], 'x').error)
      .toBe('failed to combine string maps with merging params for the matrix generator: found duplicate key a with different value, a: fail ,b: b');
  });

  test('map_test.go TestCombineStringMaps "pass if keys & values are the same"', () => {
    expect(generated(run(false, [{ list: { elements: [{ foo: 'bar', a: 'b' }] } }, { list: { elements: [{ a: 'b', c: 'd' }] } }], '{{foo}}-{{a}}-{{c}}')))
      .toEqual(['bar-b-d']);
  });

  test('Go templates: nested maps deep-merge, child 1 wins (mergo WithOverride twice)', () => {
    const result = run(true, [{ list: { elements: [{ m: { a: '1', shared: 'first' } }] } }, { list: { elements: [{ m: { b: '2', shared: 'second' } }] } }], '{{.m.a}}-{{.m.b}}-{{.m.shared}}');
    expect(generated(result)).toEqual(['1-2-first']);
  });
});

describe('merge_test.go TestMergeGenerate / TestParamSetsAreUniqueByMergeKeys', () => {
  const run = (goTemplate: boolean, generators: any[], mergeKeys: string[], name: string) => expandApplicationSet(appSet({
    goTemplate, generators: [{ merge: { mergeKeys, generators } }], template: { metadata: { name }, spec: spec0 },
  }), { clusters: [] });
  const list = (...elements: any[]) => ({ list: { elements } });
  const nm = generated;

  test.each<[string, any[], string[], string, string[] | string]>([
    ['no generators', [], ['b'], 'x', 'found less than two generators, Merge requires two or more'],
    ['one generator', [list({ a: '1_1', b: 'same', c: '1_3' })], ['b'], 'x', 'found less than two generators, Merge requires two or more'],
    ['happy flow - generate paramSets', [list({ a: '1_1', b: 'same', c: '1_3' }), list({ a: '2_1', b: 'same' }), list({ a: '3_1', b: 'different', c: '3_3' })], ['b'],
      '{{a}}-{{b}}-{{c}}', ['2_1-same-1_3']],
    ['merge keys absent - do not merge', [list({ a: 'a' }), list({ a: 'a' })], ['b'], '{{a}}-{{b}}', ['a-{{b}}']],
    ['merge key present in first set, absent in second - do not merge', [list({ a: 'a' }), list({ b: 'b' })], ['b'], '{{a}}-{{b}}', ['a-{{b}}']],
    ['merge nested matrix with some lists', [{ matrix: { generators: [list({ a: '1' }, { a: '2' }), list({ b: '1' }, { b: '2' })] } }, list({ a: '1', b: '1', c: 'added' })],
      ['a', 'b'], 'x{{a}}-{{b}}-{{c}}', ['x1-1-added', 'x1-2-{{c}}', 'x2-1-{{c}}', 'x2-2-{{c}}']],
    ['merge nested merge with some lists', [{ merge: { mergeKeys: ['a'], generators: [list({ a: '1', b: '1' }, { a: '2', b: '2' }), list({ a: '1', b: '3', c: 'added' }, { a: '3', b: '2' })] } },
      list({ a: '1', b: '3', d: 'added' })], ['a', 'b'], 'x{{a}}-{{b}}-{{c}}-{{d}}', ['x1-3-added-added', 'x2-2-{{c}}-{{d}}']],
    ['no merge keys', [list({ a: '1' }), list({ a: '1' })], [], 'x', 'error getting param sets by merge key: no merge keys were specified, Merge requires at least one'],
    ['simple key, duplicated key name, non-unique paramSets', [list({ key: 'a' }, { key: 'b' }, { key: 'b' }), list({ key: 'a' })], ['key', 'key'], 'x',
      'error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {"key":"b"}'],
    ['compound key, duplicate key names, non-unique paramSets', [list({ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'a' }, { key1: 'b', key2: 'a' }), list({ key1: 'a' })], ['key1', 'key1', 'key2'], 'x',
      'error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {"key1":"a","key2":"a"}'],
  ])('%s', (_name, generators, keys, name, expected) => {
    const result = nm(run(false, generators, keys, name));
    expect(Array.isArray(result) ? [...result].sort() : result).toEqual(expected);
  });

  test('"compound key object, unique paramSets" (Go): an object merge key is compared as Go\'s JSON, keys sorted at every depth', () => {
    const result = run(true, [list({ key1: 'a', key2: { hello: 'world', a: 1 } }, { key1: 'a', key2: 'b' }), list({ key1: 'a', key2: { a: 1, hello: 'world' }, extra: 'merged' })], ['key1', 'key2'], 'x{{.key2}}-{{.extra}}');
    expect(nm(result)).toEqual(['xb-<no value>', 'xmap[a:1 hello:world]-merged']);
  });

  test('the duplicate key is printed as encoding/json does: HTML-safe escapes, a null for a missing key', () => {
    const result = run(true, [list({ k: '<a&b>' }, { k: '<a&b>' }), list({ k: 'x' })], ['k', 'missing'], 'x');
    expect(result.error).toBe('error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, '
      + 'Merge requires all param sets to be unique. Duplicate key was {"k":"\\u003ca\\u0026b\\u003e","missing":null}');
  });

  test('an error in a child names its position', () => {
    expect(run(false, [list({ a: '1' }), { list: { elements: [{ a: 1 }] } }], ['a'], 'x').error)
      .toBe('error getting param sets from generators: error getting params from generator 2 of 2: child generator returned an error on parameter generation: error parsing value as string %!w(<nil>)');
  });
});

describe('git_test.go Test_generateParamsFromGitFile / TestGitGenerateParamsFromDirectories: path params and flattening corners (git.go)', () => {
  const REPO = 'https://git.example.com/repo.git';
  const files = new Map([
    ['Cluster_Config/EU West/config.json', JSON.stringify({ a: null, b: {}, c: [1, { d: true }], e: 1000000, path: 'own', values: { v: 'from-file' } })],
    ['root.yaml', 'name: root\n'],
    ['apps/Team_A/App.One/k.yaml', ''],
  ]);
  const run = (goTemplate: boolean, git: any, annotations: Record<string, string>) => expandApplicationSet(appSet({
    goTemplate,
    generators: [{ git: { repoURL: REPO, revision: 'HEAD', ...git } }],
    template: { metadata: { name: 'app', annotations }, spec: spec0 },
  }), { clusters: [], gitFiles: () => files }).applications.map(a => a.metadata.annotations);

  test('flat files: nested keys flatten with dots, lists by index, empty maps vanish, null prints <nil>, numbers with %v', () => {
    expect(run(false, { files: [{ path: 'Cluster_Config/*/config.json' }] }, {
      a: '{{a}}',
      b: '{{b}}',
      c0: '{{c.0}}',
      c1d: '{{c.1.d}}',
      e: '{{e}}',
      path: '{{path}}',
      base: '{{path.basename}}',
      baseN: '{{path.basenameNormalized}}',
      file: '{{path.filename}}',
      fileN: '{{path.filenameNormalized}}',
      p0: '{{path[0]}}',
      p1: '{{path[1]}}',
      p2: '{{path[2]}}',
      v: '{{values.v}}',
    })).toEqual([{
      a: '<nil>',
      b: '{{b}}',
      c0: '1',
      c1d: 'true',
      e: '1e+06',
      path: 'Cluster_Config/EU West',
      base: 'EU West',
      baseN: 'eu-west',
      file: 'config.json',
      fileN: 'config.json',
      p0: 'Cluster_Config',
      p1: 'EU West',
      p2: '{{path[2]}}',
      v: 'from-file',
    }]);
  });

  test('flat files: a file at the root has path "." and a basenameNormalized of ""', () => {
    expect(run(false, { files: [{ path: 'root.yaml' }] }, { n: '{{name}}', path: '{{path}}', base: '[{{path.basename}}]', baseN: '[{{path.basenameNormalized}}]', p0: '{{path[0]}}' }))
      .toEqual([{ n: 'root', path: '.', base: '[.]', baseN: '[]', p0: '.' }]);
  });

  test('Go files: the path map replaces a `path` key of the file; segments is a []string; values replace a `values` key', () => {
    expect(run(true, { files: [{ path: 'Cluster_Config/*/config.json' }], values: { x: '{{ .values.v }}' } }, {
      path: '{{ .path.path }}',
      seg: '{{ .path.segments }}',
      seg1: '{{ index .path.segments 1 }}',
      fileN: '{{ .path.filenameNormalized }}',
      a: '{{ .a }}',
      c: '{{ .c }}',
      e: '{{ .e }}',
      x: '{{ .values.x }}',
      v: '{{ .values.v }}',
    })).toEqual([{ path: 'Cluster_Config/EU West', seg: '[Cluster_Config EU West]', seg1: 'EU West', fileN: 'config.json', a: '<no value>', c: '[1 map[d:true]]', e: '1e+06', x: 'from-file', v: '<no value>' }]);
  });

  test('Go files with pathParamPrefix: the file keeps its own `path`, and the path map is under prefix.path', () => {
    expect(run(true, { files: [{ path: 'Cluster_Config/*/config.json' }], pathParamPrefix: 'p' }, { own: '{{ .path }}', path: '{{ .p.path.basename }}' }))
      .toEqual([{ own: 'own', path: 'EU West' }]);
  });

  test('flat directories with pathParamPrefix: keys are prefix.path, prefix.path[n]', () => {
    expect(run(false, { directories: [{ path: 'apps/*/*' }], pathParamPrefix: 'r' }, { p: '{{r.path}}', b: '{{r.path.basename}}', n: '{{r.path.basenameNormalized}}', s1: '{{r.path[1]}}', s2: '{{r.path[2]}}' }))
      .toEqual([{ p: 'apps/Team_A/App.One', b: 'App.One', n: 'app.one', s1: 'Team_A', s2: 'App.One' }]);
  });

  test('Go directories: no filename keys; basenameNormalized and segments', () => {
    expect(run(true, { directories: [{ path: 'apps/*' }] }, { b: '{{ .path.basenameNormalized }}', s: '{{ .path.segments }}', f: '{{ .path.filename }}' }))
      .toEqual([{ b: 'team-a', s: '[apps Team_A]', f: '<no value>' }]);
  });

  test('TestGitGenerateParamsFromDirectories "It filters application according to the paths with Exclude": an exclude wins whatever the order', () => {
    expect(run(false, { directories: [{ path: 'apps/*', exclude: true }, { path: 'apps/*' }, { path: 'apps/*/*' }] }, { p: '{{path}}' })).toEqual([{ p: 'apps/Team_A/App.One' }]);
  });
});

describe('text/template corners Argo CD reports verbatim (go/src/text/template parse_test.go and exec_test.go; checked against Go\'s text/template)', () => {
  const data = fromJson({ name: 'prod-1', n: 3, m: { b: 2, a: 1 }, list: ['a', 'b'], nul: null });
  const run = (t: string) => {
    try {
      return renderGoTemplate(t, data, 'default');
    } catch (e) {
      return (e as Error).message.replace(`failed to parse template ${t}: `, 'PARSE ').replace(`failed to execute go template ${t}: `, 'ERR ');
    }
  };
  test.each([
    ['{{ range .list }}{{ break 1 }}{{ end }}', 'PARSE template: base:1: unexpected "1" in {{break}}'],
    ['{{ break 1 }}', 'PARSE template: base:1: unexpected "1" in {{break}}'],
    ['{{ if .n }}x{{ else }}y{{ else }}z{{ end }}', 'PARSE template: base:1: expected end; found {{else}}'],
    ['{{ range .list }}x{{ else if .n }}y{{ end }}', 'PARSE template: base:1: unexpected <if> in input'],
    ['{{ | .name }}', 'PARSE template: base:1: unexpected "|" in command'],
    ['{{ "x" }', 'PARSE template: base:1: unexpected "}" in operand'],
    ['{{ .name-x }}', 'PARSE template: base:1: bad character U+002D \'-\''],
    ['{{ $x = 1 }}', 'ERR template: base:1:8: executing "base" at <1>: undefined variable: $x'],
    ['{{ $a, $b := .list }}', 'PARSE template: base:1: too many declarations in command'],
    ['{{ range $i, $e, $f := .m }}{{ end }}', 'PARSE template: base:1: too many declarations in range'],
    ['{{ define "x" }}a{{ end }}{{ define "x" }}b{{ end }}', 'PARSE template: base:1: template: multiple definition of template "x"'],
    ['{{ define "x" }} {{ end }}{{ define "x" }}b{{ end }}{{ template "x" }}', 'b'],
    ['{{ template .name }}', 'PARSE template: base:1: unexpected ".name" in template clause'],
    ['{{ 0x }}', 'PARSE template: base:1: illegal number syntax: "0x"'],
    ['{{ 1e }}', 'PARSE template: base:1: illegal number syntax: "1e"'],
    ['{{ 12ab }}', 'PARSE template: base:1: bad number syntax: "12a"'],
    ['{{ 1_000 }}', '1000'],
    ["{{ 'ab' }}", "PARSE template: base:1: malformed character constant: 'ab'"],
    ["{{ '\\n' }}", '10'],
    ['{{ "\\q" }}', 'PARSE template: base:1: invalid syntax'],
    ['{{ "\\\'" }}', 'PARSE template: base:1: invalid syntax'],
    ['{{ range .n }}a{{ end }}', 'ERR template: base:1:9: executing "base" at <.n>: range can\'t iterate over 3'],
    ['{{ range $i, $e := 3 }}{{ end }}', 'ERR template: base:1:19: executing "base" at <3>: can\'t use 3 to iterate over more than one variable'],
    ['{{ range $e := 3 }}{{ $e }}{{ end }}', '012'],
    ['{{ .nul.x }}', 'ERR template: base:1:7: executing "base" at <.nul.x>: nil pointer evaluating interface {}.x'],
    ['{{ .missing.x }}', '<no value>'],
    ['{{ index .missing "a" }}', 'ERR template: base:1:3: executing "base" at <index .missing "a">: error calling index: index of untyped nil'],
    ['{{ index .m 1 }}', 'ERR template: base:1:3: executing "base" at <index .m 1>: error calling index: value has type int; should be string'],
    ['{{ eq .list .list }}', 'ERR template: base:1:3: executing "base" at <eq .list .list>: error calling eq: non-comparable type [a b]: []interface {}'],
    ['{{ lt true false }}', 'ERR template: base:1:3: executing "base" at <lt true false>: error calling lt: invalid type for comparison'],
    ['{{ .name .n }}', 'ERR template: base:1:3: executing "base" at <.name>: name is not a method but has arguments'],
    ['{{ printf "%v" }} {{ printf "x" 1 }} {{ printf "%d" .n }}', '%!v(MISSING) x%!(EXTRA int=1) %!d(float64=3)'],
  ])('%s', (template, expected) => {
    expect(run(template)).toBe(expected);
  });
});

describe('goTemplateOptions missingkey (text/template Option; utils_test.go "lookup missing value with missingkey=…")', () => {
  const data = fromJson({ name: 'x', m: { a: 1 } });
  const run = (t: string, mode: 'default' | 'zero' | 'error') => {
    try {
      return renderGoTemplate(t, data, mode);
    } catch (e) {
      return (e as Error).message.replace(`failed to execute go template ${t}: `, 'ERR ');
    }
  };
  test.each<[string, 'default' | 'zero' | 'error', string]>([
    ['{{ .missing }}', 'zero', '<no value>'],
    ['{{ print .missing }}', 'zero', '<nil>'],
    // zero gives a nil interface{}, which is valid: a field of it fails, unlike a missing (invalid) value
    ['{{ .missing.x }}', 'zero', 'ERR template: base:1:11: executing "base" at <.missing.x>: nil pointer evaluating interface {}.x'],
    ['{{ .missing.x }}', 'default', '<no value>'],
    ['{{ .missing.x }}', 'error', 'ERR template: base:1:11: executing "base" at <.missing.x>: map has no entry for key "missing"'],
    // index is a function: missingkey does not apply to it
    ['{{ index . "missing" }}', 'error', '<no value>'],
  ])('%s with missingkey=%s', (template, mode, expected) => {
    expect(run(template, mode)).toBe(expected);
  });

  test('an empty option is Go\'s "empty option string"', () => {
    const result = expandApplicationSet(appSet({ goTemplate: true, goTemplateOptions: [''], generators: [{ list: { elements: [{ a: 'b' }] } }], template: { metadata: { name: 'a' }, spec: spec0 } }), { clusters: [] });
    expect(result.error).toBe('empty option string');
  });
});

describe('validateGeneratedApplications destinations (util/argo GetDestinationServer, util/db GetClusterServersByName and GetCluster)', () => {
  const expand = (destination: any, clusters: any[], inClusterEnabled = true) => expandApplicationSet(appSet({
    goTemplate: true,
    generators: [{ list: { elements: [{ a: 'b' }] } }],
    template: { metadata: { name: 'app' }, spec: { ...spec0, destination: { namespace: 'x', ...destination } } },
  }), { clusters: readClusterSecrets(clusters).clusters, inClusterEnabled });
  const other = secret('s', {}, undefined, { name: 'in-cluster', server: 'https://other/' });
  const local = secret('l', {}, undefined, { name: 'foo', server: 'https://kubernetes.default.svc' });
  test.each<[string, any, any[], boolean, string | undefined]>([
    ['a Secret named in-cluster takes the name from the local cluster', { name: 'in-cluster' }, [other], true, undefined],
    ['the implicit in-cluster by name', { name: 'in-cluster' }, [], true, undefined],
    ['a disabled in-cluster has no name', { name: 'in-cluster' }, [], false, 'application destination spec is invalid: there are no clusters with this name: in-cluster'],
    ['a Secret for the local server is filtered out by name when in-cluster is disabled', { name: 'foo' }, [local], false, 'application destination spec is invalid: there are no clusters with this name: foo'],
    ['a disabled in-cluster by server', { server: 'https://kubernetes.default.svc/' }, [], false,
      'application destination spec is invalid: error getting cluster by server "https://kubernetes.default.svc/": rpc error: code = NotFound desc = cluster "https://kubernetes.default.svc" is disabled'],
    ['trailing slashes are trimmed on both sides', { server: 'https://other//' }, [other], true, undefined],
    ['two Secrets with one name', { name: 'in-cluster' }, [other, secret('t', {}, undefined, { name: 'in-cluster', server: 'https://third' })], true,
      'application destination spec is invalid: there are 2 clusters with the same name: [https://other https://third]'],
  ])('%s', (_name, destination, clusters, enabled, reason) => {
    const result = expand(destination, clusters, enabled);
    expect(result.rejected[0]?.reason).toBe(reason);
  });
});

describe('generator_spec_processor.go flattenParameters and nesting (post-selector values, matrix of merge)', () => {
  test('the post-selector sees Go-template values printed with %v: numbers, booleans, nil, nested lists', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{
        list: { elements: [{ n: 1, big: 1e21, z: null, b: true, l: [{ k: 'v' }] }, { n: 2 }] },
        selector: { matchLabels: { 'n': '1', 'big': '1e+21', 'z': '<nil>', 'b': 'true', 'l.0.k': 'v' } },
      }],
      template: { metadata: { name: 'a{{ .n }}' }, spec: spec0 },
    }), { clusters: [] });
    expect(result.applications.map(a => a.metadata.name)).toEqual(['a1']);
  });

  test('a matrix whose first child is a nested merge (Generators-Matrix.md: combinators nest one level)', () => {
    const result = expandApplicationSet(appSet({
      generators: [{
        matrix: {
          generators: [
            { merge: { mergeKeys: ['app'], generators: [{ list: { elements: [{ app: 'web', tier: 'fe' }, { app: 'api', tier: 'be' }] } }, { list: { elements: [{ app: 'api', tier: 'core' }] } }] } },
            { list: { elements: [{ env: 'dev' }, { env: 'prod' }] } },
          ],
        },
      }],
      template: { metadata: { name: '{{app}}-{{tier}}-{{env}}' }, spec: spec0 },
    }), { clusters: [] });
    expect(generated(result)).toEqual(['api-core-dev', 'api-core-prod', 'web-fe-dev', 'web-fe-prod']);
  });
});

describe('matrix_test.go TestGitGenerator_GenerateParams_list_x_git_matrix_generator_error_includes_repo', () => {
  test('the error names the interpolated repository and the file', () => {
    const files = new Map([['ste1/values.yaml', 'invalid: [']]);
    const result = expandApplicationSet(appSet({
      generators: [{
        matrix: {
          generators: [
            { list: { elements: [{ url: 'https://git.example.com/repo-a.git' }] } },
            { git: { repoURL: '{{url}}', revision: 'HEAD', files: [{ path: 'ste1/values.yaml' }] } },
          ],
        },
      }],
      template: { metadata: { name: 'a' }, spec: spec0 },
    }), { clusters: [], gitFiles: url => (url === 'https://git.example.com/repo-a.git' ? files : undefined) });
    expect(result.error).toMatch(/^failed to get params for second generator in the matrix generator: child generator returned an error on parameter generation: error generating params from git: unable to process file 'ste1\/values.yaml' from repository 'https:\/\/git.example.com\/repo-a.git': unable to parse file: /);
  });
});

describe('YAML read as sigs.k8s.io/yaml over go-yaml v2 (git files, elementsYaml)', () => {
  test('an alias to an undefined anchor is go-yaml\'s "unknown anchor", wrapped as sigs.k8s.io/yaml wraps it', () => {
    const files = new Map([['a.yaml', 'a: *nope\n']]);
    const git = expandApplicationSet(appSet({ generators: [{ git: { repoURL: 'r', revision: 'HEAD', files: [{ path: 'a.yaml' }] } }], template: { metadata: { name: 'a' }, spec: spec0 } }), { clusters: [], gitFiles: () => files });
    expect(git.error).toBe('error generating params from git: unable to process file \'a.yaml\' from repository \'r\': unable to parse file: error converting YAML to JSON: yaml: unknown anchor \'nope\' referenced');
    const list = expandApplicationSet(appSet({ generators: [{ list: { elementsYaml: '- a: *nope\n' } }], template: { metadata: { name: 'a' }, spec: spec0 } }), { clusters: [] });
    expect(list.error).toBe('error unmarshling decoded ElementsYaml error converting YAML to JSON: yaml: unknown anchor \'nope\' referenced');
  });
});

describe('cluster_test.go TestGenerateParams / TestGenerateParamsGoTemplate flat-list rows', () => {
  const clusters = readClusterSecrets([
    secret('staging-01', { environment: 'staging', org: 'foo' }, { 'foo.argoproj.io': 'staging' }, { name: 'staging-01', server: 'https://staging-01.example.com' }),
    secret('production-01', { environment: 'production', org: 'bar' }, { 'foo.argoproj.io': 'production' }, { name: 'production_01/west', server: 'https://production-01.example.com', project: 'prod-project' }),
  ]).clusters;

  test('"production or staging with flat mode": one param set holding every cluster, each with its values and project', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: { flatList: true, selector: { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'staging'] }] }, values: { foo: 'bar' } } }],
      template: { metadata: { name: 'all' }, spec: { ...spec0, info: [{ name: 'c', value: '{{ range .clusters }}{{ .name }}|{{ .project }}|{{ .values.foo }}|{{ .metadata.labels.org }};{{ end }}' }] } },
    }), { clusters });
    expect(result.applications[0].spec.info[0].value).toBe('production_01/west|prod-project|bar|bar;staging-01||bar|foo;');
  });

  test('"Clusters with flat list mode and no selector": in-cluster is in the list, with no metadata', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: { flatList: true } }],
      template: { metadata: { name: 'all' }, spec: { ...spec0, info: [{ name: 'c', value: '{{ range .clusters }}{{ .nameNormalized }}:{{ if .metadata }}m{{ else }}-{{ end }};{{ end }}' }] } },
    }), { clusters });
    expect(result.applications[0].spec.info[0].value).toBe('production-01-west:m;staging-01:m;in-cluster:-;');
  });
});
