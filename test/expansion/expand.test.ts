import { ClusterSecret, readClusterSecrets } from '../../src/expansion/cluster-secrets';
import { expandApplicationSet } from '../../src/expansion/expand';

/** GIVEN helper: the two cluster Secrets of argo-cd's applicationset/generators/cluster_test.go. */
function upstreamClusters(): ClusterSecret[] {
  const secret = (name: string, env: string, org: string, server: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'environment': env, org }, annotations: { 'foo.argoproj.io': env } },
    data: { config: b64('{}'), name: b64(name === 'production-01' ? 'production_01/west' : name), server: b64(server) },
  });
  return readClusterSecrets([
    secret('staging-01', 'staging', 'foo', 'https://staging-01.example.com'),
    secret('production-01', 'production', 'bar', 'https://production-01.example.com'),
  ]).clusters;
}

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

/** An ApplicationSet whose template exposes the params we check in its annotations. */
function appSet(spec: any): any {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec };
}

function names(result: { applications: any[] }): string[] {
  return result.applications.map(a => a.metadata.name);
}

describe('cluster generator (applicationset/generators/cluster_test.go TestGenerateParams)', () => {
  const values = {
    lol1: 'lol',
    lol2: '{{values.lol1}}{{values.lol1}}',
    foo: 'bar',
    bar: '{{ metadata.annotations.foo.argoproj.io }}',
    bat: '{{ metadata.labels.environment }}',
    aaa: '{{ server }}',
    noop: '{{ this-does-not-exist }}',
  };
  const template = {
    metadata: { name: '{{nameNormalized}}', annotations: Object.fromEntries(Object.keys(values).map(k => [`v-${k}`, `{{values.${k}}}`])) },
    spec: { project: 'default', source: { repoURL: 'https://git.example.com/r.git', path: 'p', targetRevision: 'HEAD' }, destination: { server: '{{server}}', namespace: 'x' } },
  };

  test('"no label selector": every Secret plus in-cluster last; values cannot read values; unknown tags stay', () => {
    // WHEN
    const result = expandApplicationSet(appSet({ generators: [{ clusters: { selector: {}, values } }], template }), { clusters: upstreamClusters() });
    // THEN
    expect(names(result)).toEqual(['in-cluster', 'production-01-west', 'staging-01']);
    const prod = result.applications.find(a => a.metadata.name === 'production-01-west').metadata.annotations;
    expect(prod).toEqual({
      'v-lol1': 'lol',
      'v-lol2': '{{values.lol1}}{{values.lol1}}',
      'v-foo': 'bar',
      'v-bar': 'production',
      'v-bat': 'production',
      'v-aaa': 'https://production-01.example.com',
      'v-noop': '{{ this-does-not-exist }}',
    });
    // in-cluster has no labels or annotations: the tags stay literal in flat mode
    const inCluster = result.applications.find(a => a.metadata.name === 'in-cluster').metadata.annotations;
    expect(inCluster['v-bar']).toBe('{{ metadata.annotations.foo.argoproj.io }}');
    expect(inCluster['v-aaa']).toBe('https://kubernetes.default.svc');
  });

  test.each([
    ['secret type label selector', { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, ['production-01-west', 'staging-01']],
    ['production-only', { matchLabels: { environment: 'production' } }, ['production-01-west']],
    ['production or staging', { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'staging'] }] }, ['production-01-west', 'staging-01']],
    ['production or staging with match labels', { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'staging'] }], matchLabels: { org: 'foo' } }, ['staging-01']],
    // any non-empty selector drops in-cluster, even one that every Secret matches (argocd-semantics §2)
    ['DoesNotExist drops in-cluster', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, ['production-01-west', 'staging-01']],
    // NotIn matches Secrets that lack the key
    ['NotIn matches a missing key', { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] }, ['production-01-west', 'staging-01']],
  ])('%s', (_name, selector, expected) => {
    const result = expandApplicationSet(appSet({ generators: [{ clusters: { selector } }], template }), { clusters: upstreamClusters() });
    expect(names(result)).toEqual(expected);
  });

  test('TestGenerateParamsGoTemplate "no label selector": values render with <no value>, in-cluster has no metadata', () => {
    // GIVEN the upstream values in Go-template syntax, default missingkey
    const goValues = {
      lol1: 'lol',
      lol2: '{{ .values.lol1 }}{{ .values.lol1 }}',
      foo: 'bar',
      bar: '{{ if not (empty .metadata) }}{{index .metadata.annotations "foo.argoproj.io" }}{{ end }}',
      bat: '{{ if not (empty .metadata) }}{{.metadata.labels.environment}}{{ end }}',
      aaa: '{{ .server }}',
      noop: '{{ .thisDoesNotExist }}',
    };
    const goTemplate = {
      metadata: { name: '{{.nameNormalized}}', annotations: Object.fromEntries(Object.keys(goValues).map(k => [`v-${k}`, `{{index .values "${k}"}}`])) },
      spec: { ...template.spec, destination: { server: '{{.server}}', namespace: 'x' } },
    };
    // WHEN
    const spec = { goTemplate: true, generators: [{ clusters: { selector: {}, values: goValues } }], template: goTemplate };
    const result = expandApplicationSet(appSet(spec), { clusters: upstreamClusters() });
    // THEN
    const byName = Object.fromEntries(result.applications.map(a => [a.metadata.name, a.metadata.annotations]));
    expect(byName['production-01-west']).toEqual({
      'v-lol1': 'lol',
      'v-lol2': '<no value><no value>',
      'v-foo': 'bar',
      'v-bar': 'production',
      'v-bat': 'production',
      'v-aaa': 'https://production-01.example.com',
      'v-noop': '<no value>',
    });
    expect(byName['in-cluster']).toMatchObject({ 'v-bar': '', 'v-bat': '', 'v-aaa': 'https://kubernetes.default.svc' });
  });

  test('with missingkey=error, a value reading .metadata on in-cluster fails the whole ApplicationSet (#21293)', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ clusters: { values: { env: '{{ .metadata.labels.environment }}' } } }],
      template: { metadata: { name: '{{.name}}' }, spec: template.spec },
    }), { clusters: upstreamClusters() });
    expect(result.applications).toEqual([]);
    // cluster.go wraps the error of appendTemplatedValues for the implicit local cluster.
    expect(result.error).toBe('error appending templated values for local cluster: failed to replace templated string: failed to replace templated string with rendered values: '
      + 'failed to execute go template {{ .metadata.labels.environment }}: template: base:1:12: executing "base" at <.metadata.labels.env...>: map has no entry for key "metadata"');
  });

  test('index on a label map yields "" for a missing key and is reported as a missing parameter', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ clusters: { selector: { matchLabels: { environment: 'staging' } } } }],
      template: { metadata: { name: '{{.name}}{{ index .metadata.labels "team" }}' }, spec: { ...template.spec, destination: { name: '{{.name}}', namespace: 'x' } } },
    }), { clusters: upstreamClusters() });
    expect(names(result)).toEqual(['staging-01']);
    expect(result.missingParameters).toEqual([{ application: 'staging-01', keys: ['team'] }]);
  });

  test('an invalid label value in the cluster selector fails (metav1.LabelSelectorAsSelector)', () => {
    const result = expandApplicationSet(appSet({ generators: [{ clusters: { selector: { matchLabels: { server: 'https://x' } } } }], template }), { clusters: upstreamClusters() });
    expect(result.error).toMatch(/^error getting cluster secrets: error converting label selector: values\[0\]\[server\]: Invalid value: "https:\/\/x"/);
  });

  test('flatList gives one parameter set with every cluster', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ clusters: { flatList: true, selector: { matchLabels: { org: 'foo' } } } }],
      template: { metadata: { name: 'all' }, spec: { ...template.spec, destination: { name: 'in-cluster', namespace: 'x' }, source: { ...template.spec.source, path: '{{ range .clusters }}{{ .name }},{{ end }}' } } },
    }), { clusters: upstreamClusters() });
    expect(result.applications[0].spec.source.path).toBe('staging-01,');
  });
});

describe('list generator (Generators-List.md, list.go)', () => {
  const spec = (goTemplate: boolean, elements: any[], elementsYaml?: string) => ({
    goTemplate,
    generators: [{ list: { elements, elementsYaml } }],
    template: {
      metadata: { name: goTemplate ? '{{.cluster}}-guestbook' : '{{cluster}}-guestbook' },
      spec: { project: 'default', source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: `applicationset/examples/list-generator/guestbook/${goTemplate ? '{{.cluster}}' : '{{cluster}}'}` }, destination: { server: goTemplate ? '{{.url}}' : '{{url}}', namespace: 'guestbook' } },
    },
  });

  test('the docs example generates one Application per element; unregistered URLs are rejected by validation', () => {
    const result = expandApplicationSet(appSet(spec(false, [{ cluster: 'engineering-dev', url: 'https://kubernetes.default.svc' }, { cluster: 'engineering-prod', url: 'https://2.4.6.8' }])), { clusters: [] });
    expect(names(result)).toEqual(['engineering-dev-guestbook']);
    expect(result.applications[0].spec.source.path).toBe('applicationset/examples/list-generator/guestbook/engineering-dev');
    expect(result.rejected).toEqual([{ name: 'engineering-prod-guestbook', reason: 'application destination spec is invalid: error getting cluster by server "https://2.4.6.8": rpc error: code = NotFound desc = cluster "https://2.4.6.8" not found' }]);
  });

  test('flat mode: a non-string element value is an error; values.* flattens', () => {
    expect(expandApplicationSet(appSet(spec(false, [{ cluster: 'a', url: 'https://kubernetes.default.svc', replicas: 2 }])), { clusters: [] }).error).toBe('error parsing value as string %!w(<nil>)');
  });

  test('goTemplate: elements keep JSON types; elementsYaml is appended after elements', () => {
    const s = spec(true, [{ cluster: 'a', url: 'https://kubernetes.default.svc' }], '- cluster: b\n  url: https://kubernetes.default.svc\n');
    s.template.metadata.name = '{{.cluster}}{{ if .hpa }}-hpa{{ end }}';
    expect(names(expandApplicationSet(appSet(s), { clusters: [] }))).toEqual(['a', 'b']);
  });
});

describe('matrix and merge (Generators-Matrix.md, Generators-Merge.md, matrix.go, merge.go)', () => {
  const clusters = upstreamClusters();
  const tmpl = (name: string) => ({ metadata: { name }, spec: { project: 'default', source: { repoURL: 'https://git.example.com/r.git', path: 'p', targetRevision: 'HEAD' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'x' } } });

  test('child 2 is rendered with each param set of child 1; child 1 wins on conflicts in goTemplate', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{
        matrix: {
          generators: [
            { clusters: { selector: { matchLabels: { org: 'foo' } } } },
            { list: { elements: [{ app: 'web-{{.nameNormalized}}', name: 'overridden' }, { app: 'api', name: 'x' }] } },
          ],
        },
      }],
      template: tmpl('{{.app}}-{{.name}}'),
    }), { clusters });
    expect(names(result)).toEqual(['api-staging-01', 'web-staging-01-staging-01']);
  });

  test('since v3.5.0 (#27830) child 2\'s values resolve against child 1, and what child 1 lacks is rendered with the child\'s own params', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{
        matrix: {
          generators: [
            { list: { elements: [{ team: 'payments' }] } },
            { clusters: { selector: { matchLabels: { org: 'foo' } }, values: { owner: '{{.team}}', cluster: '{{.name}}' } } },
          ],
        },
      }],
      template: tmpl('{{.values.owner}}-{{.values.cluster}}'),
    }), { clusters });
    expect(names(result)).toEqual(['payments-staging-01']);
  });

  test('matrix_test "parameter override: first list elements take precedence", booleans included', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{
        matrix: {
          generators: [
            { list: { elements: [{ booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' }] } },
            { list: { elements: [{ booleanFalse: true, booleanTrue: false, stringFalse: 'true', stringTrue: 'false' }] } },
          ],
        },
      }],
      template: tmpl('app-{{.booleanFalse}}-{{.booleanTrue}}-{{.stringFalse}}-{{.stringTrue}}'),
    }), { clusters });
    expect(names(result)).toEqual(['app-false-true-false-true']);
  });

  test('flat mode: the same key with different values is an error', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ matrix: { generators: [{ list: { elements: [{ a: '1' }] } }, { list: { elements: [{ a: '2' }] } }] } }],
      template: tmpl('{{a}}'),
    }), { clusters });
    expect(result.error).toBe('failed to combine string maps with merging params for the matrix generator: found duplicate key a with different value, a: 1 ,b: 2');
  });

  test('exactly two children', () => {
    const result = expandApplicationSet(appSet({ generators: [{ matrix: { generators: [{ list: { elements: [{ a: '1' }] } }] } }], template: tmpl('{{a}}') }), { clusters });
    expect(result.error).toBe('found less than two generators, Matrix support only two');
  });

  test('merge: later children override base sets with equal merge keys; unmatched overrides are dropped', () => {
    const result = expandApplicationSet(appSet({
      generators: [{
        merge: {
          mergeKeys: ['server'],
          generators: [
            { clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, values: { kafka: 'true', redis: 'false' } } },
            { clusters: { selector: { matchLabels: { environment: 'staging' } }, values: { redis: 'true' } } },
            { list: { elements: [{ 'server': 'https://production-01.example.com', 'values.kafka': 'false' }, { 'server': 'https://nowhere', 'values.kafka': 'x' }] } },
          ],
        },
      }],
      template: tmpl('{{nameNormalized}}-k{{values.kafka}}-r{{values.redis}}'),
    }), { clusters });
    expect(names(result)).toEqual(['production-01-west-kfalse-rfalse', 'staging-01-ktrue-rtrue']);
  });

  test('merge: param sets must be unique by merge keys', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ merge: { mergeKeys: ['a'], generators: [{ list: { elements: [{ a: '1' }, { a: '1' }] } }, { list: { elements: [{ a: '1' }] } }] } }],
      template: tmpl('{{a}}'),
    }), { clusters });
    expect(result.error).toBe('error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, '
      + 'Merge requires all param sets to be unique. Duplicate key was {"a":"1"}');
  });
});

describe('template processing (Template.md, utils_test.go)', () => {
  const clusters = upstreamClusters();
  const base = { project: 'default', source: { repoURL: 'https://git.example.com/r.git', path: 'p', targetRevision: 'HEAD' }, destination: { name: '{{.name}}', namespace: 'x' } };

  test.each([
    // TestRenderTemplateParamsFinalizers
    ['no finalizers, no preserve: the resources finalizer is added', undefined, undefined, ['resources-finalizer.argocd.argoproj.io']],
    ['the background finalizer is kept', ['resources-finalizer.argocd.argoproj.io/background'], undefined, ['resources-finalizer.argocd.argoproj.io/background']],
    ['preserveResourcesOnDeletion: no finalizer', undefined, { preserveResourcesOnDeletion: true }, undefined],
  ])('%s', (_name, finalizers, syncPolicy, expected) => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      syncPolicy,
      generators: [{ clusters: { selector: { matchLabels: { org: 'foo' } } } }],
      template: { metadata: { name: '{{.name}}', finalizers }, spec: base },
    }), { clusters });
    expect(result.applications[0].metadata.finalizers).toEqual(expected);
  });

  test('map keys are templated too (TestRenderTemplateKeys); the namespace is forced to the ApplicationSet\'s', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ key: 'some-key', value: 'some-value', name: 'in-cluster' }] } }],
      template: { metadata: { name: 'a', namespace: 'elsewhere', annotations: { 'annotation-{{ .key }}': 'annotation-{{ .value }}' } }, spec: base },
    }), { clusters });
    expect(result.applications[0].metadata).toEqual({ name: 'a', namespace: 'argocd', annotations: { 'annotation-some-key': 'annotation-some-value' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
  });

  test('a generator-level template wins over the ApplicationSet template where it sets fields (mergo, no override)', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster' }], template: { metadata: {}, spec: { project: 'special', source: { path: 'override' } } } } }],
      template: { metadata: { name: 'app' }, spec: base },
    }), { clusters });
    expect(result.applications[0].spec.project).toBe('special');
    expect(result.applications[0].spec.source).toEqual({ repoURL: 'https://git.example.com/r.git', path: 'override', targetRevision: 'HEAD' });
  });

  test.each([['constructor'], ['toString'], ['valueOf']])('the ApplicationSet template\'s label %p is kept where the generator-level template has other labels', (key) => {
    // GIVEN a generator-level template with labels, and an ApplicationSet template with a label named like a member of Object.prototype
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster' }], template: { metadata: { labels: { team: 'a' } }, spec: {} } } }],
      template: { metadata: { name: 'app', labels: { [key]: 'x' } }, spec: base },
    }), { clusters });
    // WHEN they are merged (mergo: a key the generator's map lacks is added)
    // THEN the Application has both labels
    expect(result.applications[0].metadata.labels).toEqual({ team: 'a', [key]: 'x' });
  });

  test('templatePatch is a strategic merge patch; spec.project changes are discarded', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster', autoSync: true }] } }],
      template: { metadata: { name: 'app', finalizers: ['a'] }, spec: base },
      templatePatch: '{{- if .autoSync }}\nmetadata:\n  finalizers: [b]\nspec:\n  project: hijack\n  syncPolicy:\n    automated:\n      prune: true\n{{- end }}\n',
    }), { clusters });
    expect(result.applications[0].spec.project).toBe('default');
    expect(result.applications[0].spec.syncPolicy).toEqual({ automated: { prune: true } });
    // ObjectMeta.finalizers merge; mergeSortedSlice puts items only the patch has before the original's (strategicpatch/patch.go).
    expect(result.applications[0].metadata.finalizers).toEqual(['b', 'a']);
  });

  test('fields that render empty vanish where the Go types say omitempty (the controller round-trips the spec)', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster', prune: false }] } }],
      template: {
        metadata: { name: 'app' },
        spec: { ...base, destination: { name: '{{.name}}', server: '', namespace: 'x' }, syncPolicy: { automated: { prune: false, selfHeal: true } } },
      },
    }), { clusters });
    expect(result.applications[0].spec.destination).toEqual({ name: 'in-cluster', namespace: 'x' });
    // automated.prune is a *bool in v3.5.1: false is kept.
    expect(result.applications[0].spec.syncPolicy).toEqual({ automated: { prune: false, selfHeal: true } });
  });

  test('duplicate generated names: every copy is dropped and reported', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster' }, { name: 'in-cluster' }, { name: 'staging-01' }] } }],
      template: { metadata: { name: 'app-{{ if eq .name "staging-01" }}s{{ end }}' }, spec: base },
    }), { clusters });
    expect(names(result)).toEqual(['app-s']);
    expect(result.rejected).toEqual([{ name: 'app-', reason: 'ApplicationSet set contains applications with duplicate name: app-' }]);
  });

  test('projects that do not exist and invalid names are rejected', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ list: { elements: [{ name: 'in-cluster', n: 'Bad_Name' }, { name: 'in-cluster', n: 'good' }] } }],
      template: { metadata: { name: '{{.n}}' }, spec: { ...base, project: '{{ if eq .n "good" }}nope{{ else }}default{{ end }}' } },
    }), { clusters, projects: new Set(['default']) });
    expect(result.rejected.map(r => r.reason)).toEqual([
      expect.stringMatching(/^Application.argoproj.io "Bad_Name" is invalid: metadata.name: Invalid value/),
      'application references project nope which does not exist',
    ]);
  });

  test('post-generator selector matches flattened params with any value (Generators-Post-Selector.md)', () => {
    const result = expandApplicationSet(appSet({
      generators: [{
        list: { elements: [{ cluster: 'engineering-dev', url: 'https://kubernetes.default.svc', env: 'staging' }, { cluster: 'engineering-prod', url: 'https://kubernetes.default.svc', env: 'prod' }] },
        selector: { matchLabels: { env: 'staging' } },
      }],
      template: { metadata: { name: '{{cluster}}-guestbook' }, spec: { ...base, destination: { server: '{{url}}', namespace: 'x' } } },
    }), { clusters });
    expect(names(result)).toEqual(['engineering-dev-guestbook']);
  });
});

describe('git generator over a known repository (Generators-Git.md)', () => {
  const files = new Map([
    ['apps/web/deploy.yaml', 'kind: x'],
    ['apps/api/deploy.yaml', 'kind: x'],
    ['apps/excluded/deploy.yaml', 'kind: x'],
    ['config/prod/config.json', JSON.stringify({ aws_account: '123456', asset_id: '11223344', cluster: { owner: 'a@b.c', name: 'engineering-prod', address: 'https://kubernetes.default.svc' } })],
  ]);
  const gitFiles = (url: string) => (url === 'https://github.com/acme/repo.git' ? files : undefined);
  const dest = { server: 'https://kubernetes.default.svc', namespace: 'x' };

  test('directories with an exclude; path params in flat mode', () => {
    const result = expandApplicationSet(appSet({
      generators: [{ git: { repoURL: 'https://github.com/acme/repo.git', revision: 'HEAD', directories: [{ path: 'apps/*' }, { path: 'apps/excluded', exclude: true }] } }],
      template: { metadata: { name: '{{path.basename}}' }, spec: { project: 'default', source: { repoURL: 'https://github.com/acme/repo.git', targetRevision: 'HEAD', path: '{{path}}' }, destination: { ...dest, namespace: '{{path[1]}}' } } },
    }), { clusters: [], gitFiles });
    expect(names(result)).toEqual(['api', 'web']);
    expect(result.applications[0].spec.destination.namespace).toBe('api');
  });

  test('files: the JSON content becomes params (nested in goTemplate), plus .path', () => {
    const result = expandApplicationSet(appSet({
      goTemplate: true,
      generators: [{ git: { repoURL: 'https://github.com/acme/repo.git', revision: 'HEAD', files: [{ path: 'config/**/config.json' }] } }],
      template: { metadata: { name: '{{.cluster.name}}' }, spec: { project: 'default', source: { repoURL: 'https://github.com/acme/repo.git', targetRevision: 'HEAD', path: '{{.path.path}}/{{.path.filename}}' }, destination: { server: '{{.cluster.address}}', namespace: 'x' } } },
    }), { clusters: [], gitFiles });
    expect(names(result)).toEqual(['engineering-prod']);
    expect(result.applications[0].spec.source.path).toBe('config/prod/config.json');
  });

  test('an unknown repository cannot be expanded offline', () => {
    const result = expandApplicationSet(appSet({ generators: [{ git: { repoURL: 'https://other/r.git', revision: 'HEAD', directories: [{ path: '*' }] } }], template: {} }), { clusters: [], gitFiles });
    expect(result.unsupported).toMatch(/whose content is not known offline/);
  });

  test('SCM provider, pull request and plugin generators are reported as not expandable offline', () => {
    for (const g of [{ scmProvider: {} }, { pullRequest: {} }, { plugin: {} }, { clusterDecisionResource: {} }]) {
      expect(expandApplicationSet(appSet({ generators: [g], template: {} }), { clusters: [] }).unsupported).toMatch(/needs a live service/);
    }
  });
});
