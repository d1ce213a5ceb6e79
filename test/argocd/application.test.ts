import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  AppProject, Application, ApplicationFinalizer, ApplicationSource, ClusterCredentials, Fleet, ProjectDestination, SyncOption, SyncPolicy,
} from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

describe('Application', () => {
  test('defaults: default project, manual sync, one source, destination by cluster name', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // WHEN
    new Application(fleet, 'guestbook', {
      destination: prod,
      destinationNamespace: 'guestbook',
      source: ApplicationSource.git({ repoUrl: 'https://github.com/argoproj/argocd-example-apps.git', path: 'guestbook' }),
    });
    // THEN
    expect(renderObjects(app)['argocd/platform/applications/Application.guestbook.yaml']).toStrictEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'guestbook', namespace: 'argocd' },
      spec: {
        project: 'default',
        destination: { name: 'prod', namespace: 'guestbook' },
        source: { repoURL: 'https://github.com/argoproj/argocd-example-apps.git', path: 'guestbook', targetRevision: 'HEAD' },
      },
    });
  });

  test('all props (user-guide/application-specification.md)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const project = new AppProject(fleet, 'team', {
      destinations: [ProjectDestination.cluster(prod)],
      sourceRepos: ['*'],
    });
    // WHEN
    new Application(fleet, 'App', {
      applicationName: 'shop',
      project,
      destination: prod,
      destinationNamespace: 'shop',
      sources: [
        ApplicationSource.helm({
          repoUrl: 'https://charts.example.com',
          chart: 'shop',
          version: '1.2.3',
          releaseName: 'shop',
          valueFiles: ['$values/shop/values-prod.yaml'],
          values: { replicaCount: 3 },
          parameters: { 'image.tag': 'v2', 'a': 'b' },
        }),
        ApplicationSource.valuesRef({ ref: 'values' }),
      ],
      syncPolicy: SyncPolicy.automated({
        prune: true,
        selfHeal: true,
        syncOptions: [SyncOption.CREATE_NAMESPACE],
        retry: { limit: 3, backoff: { duration: Duration.seconds(5), factor: 2, maxDuration: Duration.minutes(3) } },
      }),
      ignoreDifferences: [
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
        { kind: 'ConfigMap', name: 'x', namespace: 'shop', jqPathExpressions: ['.data.generated'], managedFieldsManagers: ['kube-controller-manager'] },
      ],
      finalizers: [ApplicationFinalizer.RESOURCES],
      labels: { team: 'shop' },
      annotations: { 'acme.io/owner': 'shop@acme.io' },
      info: { owner: 'shop@acme.io', runbook: 'https://runbooks.acme.io/shop' },
      revisionHistoryLimit: 5,
    });
    // THEN
    const files = app.renderFiles();
    const obj = renderObjects(app)['argocd/platform/applications/Application.shop.yaml'];
    expect(obj.metadata).toStrictEqual({
      name: 'shop',
      namespace: 'argocd',
      labels: { team: 'shop' },
      annotations: { 'acme.io/owner': 'shop@acme.io' },
      finalizers: ['resources-finalizer.argocd.argoproj.io'],
    });
    expect(obj.spec.source).toBeUndefined();
    expect(obj.spec.sources).toStrictEqual([
      {
        repoURL: 'https://charts.example.com',
        chart: 'shop',
        targetRevision: '1.2.3',
        helm: { releaseName: 'shop', valueFiles: ['$values/shop/values-prod.yaml'], valuesObject: { replicaCount: 3 }, parameters: [{ name: 'a', value: 'b' }, { name: 'image.tag', value: 'v2' }] },
      },
      { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', ref: 'values' },
    ]);
    expect(obj.spec.syncPolicy.retry).toStrictEqual({ limit: 3, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } });
    expect(obj.spec.ignoreDifferences[1]).toStrictEqual({ kind: 'ConfigMap', name: 'x', namespace: 'shop', jqPathExpressions: ['.data.generated'], managedFieldsManagers: ['kube-controller-manager'] });
    expect(obj.spec.info).toStrictEqual([{ name: 'owner', value: 'shop@acme.io' }, { name: 'runbook', value: 'https://runbooks.acme.io/shop' }]);
    expect(obj.spec.revisionHistoryLimit).toBe(5);
    expect(schemaProblems(files)).toEqual([]);
    expect(files['argocd/platform/applications/Application.shop.yaml']).toMatchSnapshot();
  });

  test('sources: kustomize, directory, helm from Git, and the fleet\'s own manifests', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const manifests = prod.addManifests('web', { namespace: 'web' });
    // WHEN
    const k = new Application(fleet, 'k', { destination: prod, destinationNamespace: 'k', source: ApplicationSource.kustomize({ path: 'overlays/prod', namePrefix: 'p-', nameSuffix: '-s', images: ['nginx=nginx:1.27'], commonLabels: { b: '2', a: '1' }, commonAnnotations: { x: 'y' }, components: ['../components/x'], namespace: 'k' }) });
    new Application(fleet, 'd', { destination: prod, destinationNamespace: 'd', source: ApplicationSource.directory({ path: 'raw', recurse: true, include: '{*.yaml,*.json}', exclude: 'skip/*', targetRevision: 'v1' }) });
    new Application(fleet, 'h', { destination: prod, destinationNamespace: 'h', source: ApplicationSource.helmFromGit({ path: 'charts/h', releaseName: 'h', valueFiles: ['values-prod.yaml'] }) });
    new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(manifests) });
    // THEN
    const objects = renderObjects(app);
    expect(objects['argocd/platform/applications/Application.k.yaml'].spec.source).toStrictEqual({
      repoURL: 'https://github.com/acme/gitops.git',
      path: 'overlays/prod',
      targetRevision: 'main',
      kustomize: { namePrefix: 'p-', nameSuffix: '-s', images: ['nginx=nginx:1.27'], commonLabels: { a: '1', b: '2' }, commonAnnotations: { x: 'y' }, components: ['../components/x'], namespace: 'k' },
    });
    expect(objects['argocd/platform/applications/Application.d.yaml'].spec.source).toStrictEqual({
      repoURL: 'https://github.com/acme/gitops.git', path: 'raw', targetRevision: 'v1', directory: { recurse: true, include: '{*.yaml,*.json}', exclude: 'skip/*' },
    });
    expect(objects['argocd/platform/applications/Application.h.yaml'].spec.source.helm).toStrictEqual({ releaseName: 'h', valueFiles: ['values-prod.yaml'] });
    expect(objects['argocd/platform/applications/Application.web.yaml'].spec.source).toStrictEqual({
      repoURL: 'https://github.com/acme/gitops.git', path: 'clusters/prod/web', targetRevision: 'main', directory: { recurse: true },
    });
    expect(k.apiObject.kind).toBe('Application');
  });

  test('addSource() after construction is rendered', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const a = new Application(fleet, 'late', { destination: prod, destinationNamespace: 'x' });
    // WHEN
    a.addSource(ApplicationSource.git({ path: 'late' }));
    // THEN
    expect(renderObjects(app)['argocd/platform/applications/Application.late.yaml'].spec.source.path).toBe('late');
  });

  test('fails on bad props with every problem at once', () => {
    // GIVEN
    const { fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // THEN
    const message = errorOf(() => new Application(fleet, 'Bad', {
      applicationName: 'Bad_Name',
      destination: prod,
      destinationNamespace: 'Not Valid',
      source: ApplicationSource.git({ path: 'a' }),
      sources: [ApplicationSource.git({ path: 'b' })],
      revisionHistoryLimit: -1,
      ignoreDifferences: [{ kind: 'Deployment' }, { kind: 'Service', jsonPointers: ['spec/ports'] }],
    }));
    expect(message).toMatch(/\[platform\/Bad\] 'applicationName' \('Bad_Name'\)/);
    expect(message).toMatch(/'destinationNamespace' \('Not Valid'\) is not a valid namespace name/);
    expect(message).toMatch(/Specify either 'source' or 'sources', not both/);
    expect(message).toMatch(/'revisionHistoryLimit' \(-1\) must be a non-negative integer/);
    expect(message).toMatch(/'ignoreDifferences' entry for kind 'Deployment' needs 'jsonPointers', 'jqPathExpressions' or 'managedFieldsManagers'/);
    expect(message).toMatch(/'ignoreDifferences' JSON pointer 'spec\/ports' must start with '\/'/);
    expect(() => ApplicationSource.helm({ repoUrl: 'https://c.example.com', chart: 'x', version: '^1.2.0' })).toThrow(/'version' \('\^1.2.0'\) must be an exact chart version/);
    expect(() => ApplicationSource.git({ path: '../x' })).toThrow(/ApplicationSource.git 'path' \('..\/x'\) must be a relative path/);
    expect(() => ApplicationSource.git({ path: 'x', repoUrl: 'not a url' })).toThrow(/'repoUrl' \('not a url'\) must be a Git or Helm repository URL/);
    expect(() => ApplicationSource.valuesRef({ ref: '$values' })).toThrow(/'ref' \('\$values'\) must be alphanumeric/);
  });

  test('synth reports destinations and repos the project does not allow, and unregistered clusters, all at once', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const other = new Fleet(app, 'other', { repoUrl: 'https://github.com/acme/other.git' });
    const foreign = addCluster(other, 'foreign');
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod, 'team-*')] });
    const scopedProject = new AppProject(fleet, 'scoped', { destinations: [ProjectDestination.anyCluster()] });
    const scoped = fleet.addCluster('scoped-cluster', { server: 'https://s.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), project: scopedProject });
    const manifests = prod.addManifests('web');
    // WHEN
    new Application(fleet, 'wrong-ns', { project, destination: prod, destinationNamespace: 'kube-system', source: ApplicationSource.git({ path: 'x' }) });
    new Application(fleet, 'wrong-repo', { project, destination: prod, destinationNamespace: 'team-a', source: ApplicationSource.git({ repoUrl: 'https://github.com/evil/x.git', path: 'x' }) });
    new Application(fleet, 'foreign', { destination: foreign, destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) });
    new Application(fleet, 'no-source', { destination: prod, destinationNamespace: 'x' });
    new Application(fleet, 'wrong-scope', { project, destination: scoped, destinationNamespace: 'team-a', source: ApplicationSource.git({ path: 'x' }) });
    new Application(fleet, 'wrong-manifests', { destination: scoped, destinationNamespace: 'x', project: scopedProject, source: ApplicationSource.manifests(manifests) });
    // THEN
    const message = errorOf(() => app.synthTree());
    expect(message).toMatch(/nothing was written/);
    expect(message).toMatch(/\[platform\/wrong-ns\] AppProject 'team' does not allow destination 'prod' \(https:\/\/prod.k8s.example.com\) namespace 'kube-system'/);
    expect(message).toMatch(/\[platform\/wrong-repo\] AppProject 'team' does not allow source repo 'https:\/\/github.com\/evil\/x.git'/);
    expect(message).toMatch(/\[platform\/foreign\] Application 'foreign' 'destination' \('foreign'\) is not a cluster in the registry of fleet 'platform'/);
    expect(message).toMatch(/\[platform\/no-source\] Application 'no-source' has no source/);
    expect(message).toMatch(/\[platform\/wrong-scope\] Cluster 'scoped-cluster' is scoped to project 'scoped', but Application 'wrong-scope' is in project 'team'/);
    expect(message).toMatch(/\[platform\/wrong-manifests\] Application 'wrong-manifests' deploys to 'scoped-cluster' but its source is the manifests rendered for 'prod'/);
  });

  test('synth reports rendered objects the project would refuse to sync (foot-gun 16)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const project = new AppProject(fleet, 'team', {
      destinations: [ProjectDestination.cluster(prod)],
      namespaceResourceDenyList: [{ group: '', kind: 'ResourceQuota' }],
    });
    const web = prod.addManifests('web', { namespace: 'web' });
    new k8s.KubeNamespace(web, 'Ns', { metadata: { name: 'web' } });
    new k8s.KubeResourceQuota(web, 'Quota', { metadata: { name: 'q' } });
    new k8s.KubeConfigMap(web, 'Ok', { metadata: { name: 'ok' } });
    // WHEN
    new Application(fleet, 'web', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    // THEN
    const message = errorOf(() => app.renderFiles());
    expect(message).toMatch(/\[platform\/web\] AppProject 'team' does not allow cluster-scoped Namespace 'web' \(group ''\) that Application 'web' deploys. Add \{ group: '', kind: 'Namespace' \} to its clusterResourceAllowList/);
    expect(message).toMatch(/AppProject 'team' does not allow namespaced ResourceQuota 'q'/);
    expect(message).not.toMatch(/ConfigMap 'ok'/);
    // WHEN the project allows the namespace
    project.allowClusterResource({ group: '', kind: 'Namespace', name: 'web' });
    expect(errorOf(() => app.renderFiles())).not.toMatch(/Namespace 'web'/);
  });

  test('GIVEN a cluster-scoped kind of Kubernetes 1.28 beyond the common ones (a v1beta2 FlowSchema) WHEN rendered THEN it is written without the namespace and checked as cluster-scoped', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod)] });
    const web = prod.addManifests('web', { namespace: 'web' });
    new ApiObject(web, 'Flow', {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2',
      kind: 'FlowSchema',
      metadata: { name: 'web' },
      spec: { priorityLevelConfiguration: { name: 'workload-low' } },
    });
    new Application(fleet, 'web', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    // WHEN / THEN Argo CD would refuse it in a project without a cluster allow-list
    expect(errorOf(() => app.renderFiles())).toMatch(/AppProject 'team' does not allow cluster-scoped FlowSchema 'web' \(group 'flowcontrol.apiserver.k8s.io'\)/);
    // WHEN the project allows it
    project.allowClusterResource({ group: 'flowcontrol.apiserver.k8s.io', kind: 'FlowSchema' });
    const content = app.renderFiles()['clusters/prod/web/FlowSchema.web.yaml'];
    // THEN it carries no namespace
    expect(content).toBe(
      'apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\nkind: FlowSchema\nmetadata:\n  name: web\nspec:\n  priorityLevelConfiguration:\n    name: workload-low\n',
    );
  });
});
