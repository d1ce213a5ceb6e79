import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Application, ApplicationSource, HookDeletePolicy, MigrationJob, SyncAnnotations, SyncHook, SyncOption } from '../../src';
import { addCluster, renderObjects, testFleet } from '../util';

describe('SyncAnnotations', () => {
  test('waves, hooks and per-resource sync options on L1s and cdk8s-plus constructs (user-guide/sync-waves.md, resource_hooks.md)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const web = addCluster(fleet, 'prod').addManifests('web', { namespace: 'web' });
    const migrate = new k8s.KubeJob(web, 'Migrate', { metadata: { name: 'migrate' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'migrate:1' }] } } } });
    const deployment = new kplus.Deployment(web, 'Deployment', { metadata: { name: 'web' }, containers: [{ image: 'nginx:1.27' }] });
    const pvc = new k8s.KubePersistentVolumeClaim(web, 'Data', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('1Gi') } } } });
    // WHEN
    SyncAnnotations.setHook(migrate, SyncHook.PRE_SYNC, [HookDeletePolicy.BEFORE_HOOK_CREATION, HookDeletePolicy.HOOK_SUCCEEDED]);
    SyncAnnotations.setWave(deployment, 5);
    SyncAnnotations.setOptions(pvc, [SyncOption.PRUNE_DISABLED, SyncOption.DELETE_DISABLED]);
    // THEN
    const objects = renderObjects(app);
    expect(objects['clusters/prod/web/Job.migrate.yaml'].metadata.annotations).toStrictEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
    });
    expect(objects['clusters/prod/web/Deployment.web.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '5' });
    expect(objects['clusters/prod/web/PersistentVolumeClaim.data.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' });
    expect(() => SyncAnnotations.setWave(deployment, 1.5)).toThrow("SyncAnnotations.setWave 'wave' (1.5) must be an integer");
  });

  test('Namespaces and CRDs get a wave before everything else in their Application, unless they have one', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const cluster = addCluster(fleet, 'prod');
    const web = cluster.addManifests('web', { namespace: 'web' });
    new kplus.Namespace(web, 'Namespace', { metadata: { name: 'web' } });
    new k8s.KubeCustomResourceDefinition(web, 'Crd', {
      metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }] },
    });
    SyncAnnotations.setWave(new k8s.KubeConfigMap(web, 'Early', { metadata: { name: 'early' } }), -3);
    const other = cluster.addManifests('other', { namespace: 'other' });
    SyncAnnotations.setWave(new kplus.Namespace(other, 'Namespace', { metadata: { name: 'other' } }), 7);
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects['clusters/prod/web/Namespace.web.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '-4' });
    expect(objects['clusters/prod/web/CustomResourceDefinition.widgets.example.com.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '-5' });
    expect(objects['clusters/prod/other/Namespace.other.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '7' });
    // Rendering twice gives the same result.
    expect(renderObjects(app)).toStrictEqual(objects);
  });

  test('Argo CD constructs expose their object as the default child, so waves work on Applications too', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const first = new Application(fleet, 'crds', { destination: prod, destinationNamespace: 'x', source: ApplicationSource.git({ path: 'crds' }) });
    // WHEN
    SyncAnnotations.setWave(first, -1);
    // THEN
    expect(ApiObject.of(first)).toBe(first.apiObject);
    expect(ApiObject.of(prod)).toBe(prod.apiObject);
    expect(renderObjects(app)['argocd/platform/applications/Application.crds.yaml'].metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/sync-wave': '-1' });
  });

  test('MigrationJob: a typed PreSync hook Job', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const api = addCluster(fleet, 'prod').addManifests('api', { namespace: 'api' });
    // WHEN
    new MigrationJob(api, 'Migrate', { metadata: { name: 'migrate' }, containers: [{ image: 'ghcr.io/acme/api-migrations:1.4.0', args: ['migrate', 'up'] }] });
    new MigrationJob(api, 'Cleanup', { metadata: { name: 'cleanup' }, hook: SyncHook.POST_DELETE, deletePolicies: [HookDeletePolicy.HOOK_SUCCEEDED], containers: [{ image: 'busybox:1.36' }] });
    // THEN
    const objects = renderObjects(app);
    const migrate = objects['clusters/prod/api/Job.migrate.yaml'];
    expect(migrate.metadata.annotations).toStrictEqual({ 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' });
    expect(migrate.spec.backoffLimit).toBe(1);
    expect(migrate.spec.template.spec.containers[0].args).toEqual(['migrate', 'up']);
    expect(objects['clusters/prod/api/Job.cleanup.yaml'].metadata.annotations).toStrictEqual({
      'argocd.argoproj.io/hook': 'PostDelete', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
    });
  });
});
