import {
  AppProject, Application, ApplicationSet, ApplicationSource, ApplicationsSyncPolicy, ClusterGenerator, GitGenerator,
  LabelSelectorOperator, ListGenerator, MatrixGenerator, MergeGenerator, SelectedGenerator, TemplateMode, TemplateParam,
} from '../../src';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

const FILE = (name: string) => `argocd/platform/applicationsets/ApplicationSet.${name}.yaml`;
const withoutSyncPolicy = (spec: any) => ({ ...spec, syncPolicy: undefined });

describe('ApplicationSet', () => {
  test('cluster generator: the guestbook example of operator-manual/applicationset/Generators-Cluster.md', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    addCluster(fleet, 'staging', { staging: 'true' });
    // WHEN
    new ApplicationSet(fleet, 'guestbook', {
      generators: [new ClusterGenerator({ matchLabels: { staging: 'true' } })],
      template: {
        applicationName: `${TemplateParam.clusterName()}-guestbook`,
        project: AppProject.fromProjectName(fleet, 'MyProject', 'my-project'),
        source: ApplicationSource.git({ repoUrl: 'https://github.com/argoproj/argocd-example-apps/', targetRevision: 'HEAD', path: 'guestbook' }),
        destinationServer: `${TemplateParam.clusterServer()}`,
        destinationNamespace: 'guestbook',
      },
    });
    // THEN: the spec the docs show …
    const appSet = renderObjects(app)[FILE('guestbook')];
    expect(appSet.metadata).toStrictEqual({ name: 'guestbook', namespace: 'argocd' });
    expect(withoutSyncPolicy(appSet.spec)).toStrictEqual({
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ clusters: { selector: { matchLabels: { staging: 'true' } } } }],
      template: {
        metadata: { name: '{{.name}}-guestbook' },
        spec: {
          project: 'my-project',
          source: { repoURL: 'https://github.com/argoproj/argocd-example-apps/', targetRevision: 'HEAD', path: 'guestbook' },
          destination: { server: '{{.server}}', namespace: 'guestbook' },
        },
      },
      syncPolicy: undefined,
    });
    // … plus the safe defaults for fleet-wide sets (argocd-semantics foot-gun 1).
    expect(appSet.spec.syncPolicy).toStrictEqual({ preserveResourcesOnDeletion: true, applicationsSync: 'create-update' });
  });

  test('list generator: the example of operator-manual/applicationset/Generators-List.md', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    new ApplicationSet(fleet, 'guestbook', {
      generators: [new ListGenerator({ elements: [{ cluster: 'engineering-dev', url: 'https://1.2.3.4' }, { cluster: 'engineering-prod', url: 'https://2.4.6.8' }] })],
      template: {
        applicationName: `${TemplateParam.element('cluster')}-guestbook`,
        project: AppProject.fromProjectName(fleet, 'MyProject', 'my-project'),
        source: ApplicationSource.git({
          repoUrl: 'https://github.com/argoproj/argo-cd.git',
          targetRevision: 'HEAD',
          path: `applicationset/examples/list-generator/guestbook/${TemplateParam.element('cluster')}`,
        }),
        destinationServer: `${TemplateParam.element('url')}`,
        destinationNamespace: 'guestbook',
      },
    });
    // THEN
    const spec = renderObjects(app)[FILE('guestbook')].spec;
    expect(spec.generators).toStrictEqual([{ list: { elements: [{ cluster: 'engineering-dev', url: 'https://1.2.3.4' }, { cluster: 'engineering-prod', url: 'https://2.4.6.8' }] } }]);
    expect(spec.template).toStrictEqual({
      metadata: { name: '{{.cluster}}-guestbook' },
      spec: {
        project: 'my-project',
        source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: 'applicationset/examples/list-generator/guestbook/{{.cluster}}' },
        destination: { server: '{{.url}}', namespace: 'guestbook' },
      },
    });
  });

  test('without a selector, the cluster generator still selects on the cluster-Secret label (foot-gun 2)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod');
    // WHEN
    new ApplicationSet(fleet, 'all', {
      generators: [new ClusterGenerator()],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) },
    });
    new ApplicationSet(fleet, 'all-and-in-cluster', {
      generators: [new ClusterGenerator({ includeImplicitInCluster: true })],
      template: { applicationName: `web2-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) },
    });
    // THEN
    const objects = renderObjects(app);
    expect(objects[FILE('all')].spec.generators).toStrictEqual([{ clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } } } }]);
    expect(objects[FILE('all-and-in-cluster')].spec.generators).toStrictEqual([{ clusters: {} }]);
    expect(objects[FILE('all')].spec.template.spec.destination).toStrictEqual({ name: '{{.name}}', namespace: 'web' });
  });

  test('typed parameters render in both template modes', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const generator = new ClusterGenerator({
      matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] }, { key: 'legacy', operator: LabelSelectorOperator.DOES_NOT_EXIST }],
      values: { revision: 'main', region: `${TemplateParam.clusterLabel('topology.kubernetes.io/region')}` },
    });
    const template = {
      applicationName: `web-${TemplateParam.clusterNameNormalized()}`,
      destinationNamespace: 'web',
      source: ApplicationSource.git({
        path: `web/${TemplateParam.clusterLabel('topology.kubernetes.io/region')}/${TemplateParam.clusterAnnotation('acme.io/tier')}`,
        targetRevision: `${TemplateParam.clusterValue('revision')}`,
      }),
      labels: { project: `${TemplateParam.clusterProject()}` },
    };
    // WHEN
    new ApplicationSet(fleet, 'go', { generators: [generator], template });
    new ApplicationSet(fleet, 'fast', { generators: [generator], template, templateMode: TemplateMode.FAST_TEMPLATE });
    // THEN
    const objects = renderObjects(app);
    const go = objects[FILE('go')].spec;
    const fast = objects[FILE('fast')].spec;
    expect(go.generators[0].clusters).toStrictEqual({
      selector: { matchExpressions: [{ key: 'environment', operator: 'In', values: ['staging', 'production'] }, { key: 'legacy', operator: 'DoesNotExist' }] },
      values: { region: '{{index .metadata.labels "topology.kubernetes.io/region"}}', revision: 'main' },
    });
    expect(go.template.metadata).toStrictEqual({ name: 'web-{{.nameNormalized}}', labels: { project: '{{.project}}' } });
    expect(go.template.spec.source.path).toBe('web/{{index .metadata.labels "topology.kubernetes.io/region"}}/{{index .metadata.annotations "acme.io/tier"}}');
    expect(go.template.spec.source.targetRevision).toBe('{{.values.revision}}');
    expect(fast.goTemplate).toBe(false);
    expect(fast.goTemplateOptions).toBeUndefined();
    expect(fast.generators[0].clusters.values.region).toBe('{{metadata.labels.topology.kubernetes.io/region}}');
    expect(fast.template.metadata.name).toBe('web-{{nameNormalized}}');
    expect(fast.template.spec.source.path).toBe('web/{{metadata.labels.topology.kubernetes.io/region}}/{{metadata.annotations.acme.io/tier}}');
    expect(fast.template.spec.source.targetRevision).toBe('{{values.revision}}');
  });

  test('matrix and merge generators (Generators-Matrix.md, Generators-Merge.md)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const clusters = new ClusterGenerator({ matchLabels: { environment: 'production' } });
    const list = new ListGenerator({ elements: [{ app: 'web' }, { app: 'api' }] });
    // WHEN
    new ApplicationSet(fleet, 'matrix', {
      generators: [new MatrixGenerator(clusters, list)],
      template: { applicationName: `${TemplateParam.element('app')}-${TemplateParam.clusterName()}`, destinationNamespace: 'apps', source: ApplicationSource.git({ path: `apps/${TemplateParam.element('app')}` }) },
    });
    new ApplicationSet(fleet, 'merge', {
      generators: [new MergeGenerator({ mergeKeys: ['server'], generators: [new ClusterGenerator({ values: { kafka: 'true' } }), new ClusterGenerator({ matchLabels: { 'use-kafka': 'false' }, values: { kafka: 'false' } })] })],
      applicationsSync: ApplicationsSyncPolicy.SYNC,
      preserveResourcesOnDeletion: false,
      template: { applicationName: `kafka-${TemplateParam.clusterName()}`, destinationNamespace: 'kafka', source: ApplicationSource.git({ path: 'kafka' }) },
    });
    // THEN
    const objects = renderObjects(app);
    expect(objects[FILE('matrix')].spec.generators).toStrictEqual([{
      matrix: { generators: [{ clusters: { selector: { matchLabels: { environment: 'production' } } } }, { list: { elements: [{ app: 'web' }, { app: 'api' }] } }] },
    }]);
    expect(objects[FILE('merge')].spec.generators).toStrictEqual([{
      merge: {
        mergeKeys: ['server'],
        generators: [
          { clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, values: { kafka: 'true' } } },
          { clusters: { selector: { matchLabels: { 'use-kafka': 'false' } }, values: { kafka: 'false' } } },
        ],
      },
    }]);
    expect(objects[FILE('merge')].spec.syncPolicy).toStrictEqual({ preserveResourcesOnDeletion: false, applicationsSync: 'sync' });
  });

  test('fails on bad generators and templates, naming the prop and the value', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const leaf = new ListGenerator({ elements: [{ a: 'b' }] });
    // THEN
    expect(() => new ClusterGenerator({ matchLabels: { server: 'https://prod.example.com' } })).toThrow(/'matchLabels' value 'https:\/\/prod.example.com' \(key 'server'\)/);
    expect(() => new ClusterGenerator({ matchExpressions: [{ key: 'env', operator: LabelSelectorOperator.IN }] })).toThrow(/In on 'env' needs 'values'/);
    expect(() => new ClusterGenerator({ matchExpressions: [{ key: 'env', operator: LabelSelectorOperator.EXISTS, values: ['x'] }] })).toThrow(/Exists on 'env' takes no 'values'/);
    expect(() => new ListGenerator({ elements: [] })).toThrow(/ListGenerator 'elements' must be a non-empty list/);
    expect(() => new MatrixGenerator(new MatrixGenerator(new MatrixGenerator(leaf, leaf), leaf), leaf)).toThrow(/nest only one level deep/);
    // From JavaScript a third child would be dropped silently: it is an error naming the extra child.
    expect(() => new (MatrixGenerator as any)(leaf, leaf, new ClusterGenerator())).toThrow(
      "MatrixGenerator takes exactly two child generators, got 3: child #3 (ClusterGenerator) would be dropped. Argo CD's matrix combines two; nest a MatrixGenerator as one child to combine three");
    expect(() => new MatrixGenerator(leaf, undefined as any)).toThrow('MatrixGenerator needs exactly two child generators; the second is undefined');
    expect(() => new MergeGenerator({ mergeKeys: [], generators: [leaf, leaf] })).toThrow(/'mergeKeys' must not be empty/);
    expect(() => TemplateParam.clusterLabel('has space')).toThrow(/'key' \('has space'\)/);
    const message = errorOf(() => new ApplicationSet(fleet, 'Bad', {
      applicationSetName: 'Bad_Set',
      goTemplateOptions: ['missingkey=zero'],
      templateMode: TemplateMode.FAST_TEMPLATE,
      template: { applicationName: 'x', destinationNamespace: 'Not Valid', destinationName: 'a', destinationServer: 'b' },
    }));
    expect(message).toMatch(/\[platform\/Bad\] 'applicationSetName' \('Bad_Set'\)/);
    expect(message).toMatch(/'template.destinationNamespace' \('Not Valid'\) is not a valid namespace name/);
    expect(message).toMatch(/'template' needs a 'source' or 'sources'/);
    expect(message).toMatch(/give 'destinationName' or 'destinationServer', not both/);
    expect(message).toMatch(/'goTemplateOptions' only apply with TemplateMode.GO_TEMPLATE/);
    // Deferred checks
    new ApplicationSet(fleet, 'empty', { template: { applicationName: 'x', destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) } });
    new ApplicationSet(fleet, 'fast-list', {
      templateMode: TemplateMode.FAST_TEMPLATE,
      generators: [new ListGenerator({ elements: [{ replicas: 3 }] })],
      template: { applicationName: 'x', destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) },
    });
    const deferred = errorOf(() => app.renderFiles());
    expect(deferred).toMatch(/\[platform\/empty\] ApplicationSet 'empty' has no generators. Call addGenerator\(\) to add one./);
    expect(deferred).toMatch(/\[platform\/fast-list\] ApplicationSet 'fast-list' uses fasttemplate, where list element values must be strings/);
  });

  test('source repositories the project does not allow are reported', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const project = new AppProject(fleet, 'team');
    // WHEN
    new ApplicationSet(fleet, 'evil', {
      generators: [new ClusterGenerator()],
      template: { applicationName: `x-${TemplateParam.clusterName()}`, project, destinationNamespace: 'x', source: ApplicationSource.git({ repoUrl: 'https://github.com/evil/x.git', path: 'x' }) },
    });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/evil\] AppProject 'team' does not allow source repo 'https:\/\/github.com\/evil\/x.git' of ApplicationSet 'evil'/);
  });

  test('a TemplateParam outside an ApplicationSet is an error, not a literal in the tree', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // WHEN
    new Application(fleet, 'plain', { destination: prod, destinationNamespace: 'x', source: ApplicationSource.git({ path: `apps/${TemplateParam.clusterName()}` }) });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/plain\] Application 'plain' .*: holds a TemplateParam outside an ApplicationSet template/);
  });

  test('git directories generator: the cluster-addons example of operator-manual/applicationset/Generators-Git.md', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    new ApplicationSet(fleet, 'cluster-addons', {
      generators: [GitGenerator.directories({
        repoUrl: 'https://github.com/argoproj/argo-cd.git',
        revision: 'HEAD',
        include: ['applicationset/examples/git-generator-directory/cluster-addons/*'],
        exclude: ['applicationset/examples/git-generator-directory/excludes/cluster-addons/exclude-helm-guestbook'],
      })],
      template: {
        applicationName: `${TemplateParam.gitPathBasename()}`,
        project: AppProject.fromProjectName(fleet, 'MyProject', 'my-project'),
        source: ApplicationSource.git({ repoUrl: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: `${TemplateParam.gitPath()}` }),
        destinationServer: 'https://kubernetes.default.svc',
        destinationNamespace: `${TemplateParam.gitPathBasename()}`,
      },
    });
    // THEN
    const spec = renderObjects(app)[FILE('cluster-addons')].spec;
    expect(spec.generators).toStrictEqual([{
      git: {
        repoURL: 'https://github.com/argoproj/argo-cd.git',
        revision: 'HEAD',
        directories: [
          { path: 'applicationset/examples/git-generator-directory/cluster-addons/*' },
          { path: 'applicationset/examples/git-generator-directory/excludes/cluster-addons/exclude-helm-guestbook', exclude: true },
        ],
      },
    }]);
    expect(spec.template).toStrictEqual({
      metadata: { name: '{{.path.basename}}' },
      spec: {
        project: 'my-project',
        source: { repoURL: 'https://github.com/argoproj/argo-cd.git', targetRevision: 'HEAD', path: '{{.path.path}}' },
        destination: { server: 'https://kubernetes.default.svc', namespace: '{{.path.basename}}' },
      },
    });
  });

  test('git files generator defaults to the fleet repository; a post-selector filters on any parameter (Generators-Post-Selector.md)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    new ApplicationSet(fleet, 'from-files', {
      generators: [
        new SelectedGenerator(GitGenerator.files({ include: ['config/**/config.json'], pathParamPrefix: 'cfg' }), { matchLabels: { aws_account: '123456' } }),
        new SelectedGenerator(new ListGenerator({ elements: [{ cluster: 'engineering-dev', url: 'https://kubernetes.default.svc', env: 'staging' }] }), {
          matchExpressions: [{ key: 'url', operator: LabelSelectorOperator.IN, values: ['https://kubernetes.default.svc'] }],
        }),
      ],
      template: { applicationName: `app-${TemplateParam.element('cluster')}`, destinationNamespace: 'x', destinationServer: `${TemplateParam.element('url')}`, source: ApplicationSource.git({ path: `${TemplateParam.gitPathFilename()}` }) },
    });
    // THEN
    const spec = renderObjects(app)[FILE('from-files')].spec;
    expect(spec.generators[0]).toStrictEqual({
      git: { repoURL: 'https://github.com/acme/gitops.git', revision: 'main', files: [{ path: 'config/**/config.json' }], pathParamPrefix: 'cfg' },
      selector: { matchLabels: { aws_account: '123456' } },
    });
    expect(spec.generators[1].selector).toStrictEqual({ matchExpressions: [{ key: 'url', operator: 'In', values: ['https://kubernetes.default.svc'] }] });
    expect(spec.template.spec.source.path).toBe('{{.path.filename}}');
    expect(() => GitGenerator.directories({ include: [] })).toThrow(/GitGenerator.directories 'include' must list at least one path/);
    expect(() => GitGenerator.files({ include: ['/abs/*.json'] })).toThrow(/path '\/abs\/\*.json' must be relative/);
    expect(() => new SelectedGenerator(new ClusterGenerator(), {})).toThrow(/SelectedGenerator needs 'matchLabels' or 'matchExpressions'/);
  });

  test('a git generator nested two levels deep keeps Argo CD\'s field names (matrix in matrix)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const git = GitGenerator.directories({ include: ['apps/*'] });
    // WHEN
    new ApplicationSet(fleet, 'nested', {
      generators: [new MatrixGenerator(new ClusterGenerator(), new MatrixGenerator(git, new ListGenerator({ elements: [{ a: 'b' }] })))],
      template: { applicationName: `${TemplateParam.gitPathBasename()}-${TemplateParam.clusterName()}`, destinationNamespace: 'x', source: ApplicationSource.git({ path: `${TemplateParam.gitPath()}` }) },
    });
    // THEN
    const inner = renderObjects(app)[FILE('nested')].spec.generators[0].matrix.generators[1].matrix.generators[0];
    expect(inner).toStrictEqual({ git: { repoURL: 'https://github.com/acme/gitops.git', revision: 'main', directories: [{ path: 'apps/*' }] } });
  });

  test('templatePatch, ignoreApplicationDifferences and preservedFields (Template.md, Controlling-Resource-Modification.md)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const patch = [
      '{{- if .autoSync }}',
      'spec:',
      '  syncPolicy:',
      '    automated:',
      '      prune: {{ .prune }}',
      '{{- end }}',
      '',
    ].join('\n');
    // WHEN
    new ApplicationSet(fleet, 'patched', {
      generators: [new ListGenerator({ elements: [{ cluster: 'a', autoSync: true, prune: true }] })],
      templatePatch: patch,
      ignoreApplicationDifferences: [{ jsonPointers: ['/spec/source/targetRevision'] }, { applicationName: 'some-app', jqPathExpressions: ['.spec.source.helm.values'] }],
      preservedFields: { annotations: ['my-custom-annotation'], labels: ['my-label'] },
      template: { applicationName: `${TemplateParam.element('cluster')}-app`, destinationNamespace: 'x', destinationName: 'in-cluster', source: ApplicationSource.git({ path: 'x' }) },
    });
    // THEN
    const spec = renderObjects(app)[FILE('patched')].spec;
    expect(spec.templatePatch).toBe(patch);
    expect(spec.ignoreApplicationDifferences).toStrictEqual([
      { jsonPointers: ['/spec/source/targetRevision'] },
      { name: 'some-app', jqPathExpressions: ['.spec.source.helm.values'] },
    ]);
    expect(spec.preservedFields).toStrictEqual({ annotations: ['my-custom-annotation'], labels: ['my-label'] });
    const fast = { generators: [new ClusterGenerator()], templateMode: TemplateMode.FAST_TEMPLATE, template: { applicationName: 'x', destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) } };
    expect(() => new ApplicationSet(fleet, 'fast', { ...fast, templatePatch: patch })).toThrow(/'templatePatch' needs TemplateMode.GO_TEMPLATE/);
    expect(() => new ApplicationSet(fleet, 'empty', { ...fast, templateMode: undefined, templatePatch: 'metadata:\n  labels: {}\nspec:\n' }))
      .toThrow(/'templatePatch' has an empty 'spec:'/);
    expect(() => new ApplicationSet(fleet, 'diff', { ...fast, templateMode: undefined, ignoreApplicationDifferences: [{ applicationName: 'x' }] }))
      .toThrow(/'ignoreApplicationDifferences' entry .* needs 'jsonPointers' or 'jqPathExpressions'/);
  });
});
