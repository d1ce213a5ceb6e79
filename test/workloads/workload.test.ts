import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as yaml from 'js-yaml';
import {
  Application, ApplicationSource, AppProject, ClusterMatch, Fleet, FleetApp, FleetTesting, IWorkloadDefinition, ProjectDestination, VersionsFile,
  Workload, WorkloadContext, WorkloadOutput,
} from '../../src';
import { addCluster, customResourceDefinition, errorOf, renderObjects, testFleet } from '../util';

const VERSIONS = 'environments: [dev, staging, production]\nversions:\n  api:\n    dev: 1.9.0\n    staging: 1.9.0\n    production: 1.8.2\n';

/** The definition: a ConfigMap, a Deployment and its Service, with fixed names. */
class ApiDefinition implements IWorkloadDefinition {
  public calls: WorkloadContext[] = [];
  public define(scope: Construct, context: WorkloadContext): void {
    this.calls.push(context);
    new kplus.ConfigMap(scope, 'config', { metadata: { name: 'api-config' }, data: { LOG_LEVEL: 'info' } });
    const d = new kplus.Deployment(scope, 'api', {
      metadata: { name: 'api' },
      replicas: 2,
      containers: [{ name: 'api', image: 'ghcr.io/acme/api:0.0.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
    });
    d.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
  }
}

/** GIVEN helper: four clusters in three environments and two regions. */
function fleetWithClusters() {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'dev-eu-1', { environment: 'dev', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'staging-eu-1', { environment: 'staging', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us', tier: 'backend' });
  addCluster(fleet, 'edge-1', { environment: 'production', region: 'eu', tier: 'edge' });
  const versions = new VersionsFile(fleet, 'Versions', { content: VERSIONS });
  return { app, fleet, versions };
}

const deployment = (objects: Record<string, any>, cluster: string) => objects[`clusters/${cluster}/api/Deployment.api.yaml`];

describe('Workload', () => {
  test('GIVEN a Workload and a ClusterManifests of one application name on one cluster WHEN an Application of its own deploys the manifests THEN the shared directory is an error, once', () => {
    // GIVEN the Workload deploys clusters/<cluster>/api for every backend cluster, and an Application deploys prod-eu-1's manifests named api
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition() });
    const prod = fleet.clusters.find(c => c.clusterName === 'prod-eu-1')!;
    const manifests = prod.addManifests('api', { namespace: 'api' });
    new kplus.ConfigMap(manifests, 'extra', { metadata: { name: 'extra' }, data: { a: 'b' } });
    new Application(fleet, 'api-extra', { destination: prod, destinationNamespace: 'api', source: ApplicationSource.manifests(manifests) });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN each Application would deploy the other's objects: named with both constructs, reported once
    expect(error).toContain("[platform/api] writes the application directory clusters/prod-eu-1/api, which 'platform/prod-eu-1/api' writes too: the Application "
      + "of each would also deploy the other's objects; give one of them another application name");
    expect(error.match(/writes the application directory/g)).toHaveLength(1);
  });

  test('GIVEN a ClusterManifests of a Workload\'s name that no Application deploys WHEN rendered THEN its objects join the Workload\'s directory', () => {
    // GIVEN extra objects for one cluster, in the directory the Workload's Application deploys there
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition() });
    const manifests = fleet.clusters.find(c => c.clusterName === 'prod-eu-1')!.addManifests('api', { namespace: 'api' });
    new kplus.ConfigMap(manifests, 'extra', { metadata: { name: 'extra' }, data: { a: 'b' } });
    // WHEN
    const objects = renderObjects(app);
    // THEN one directory, one Application (the Workload's), the extra object beside the Workload's
    expect(objects['clusters/prod-eu-1/api/ConfigMap.extra.yaml'].data).toEqual({ a: 'b' });
    expect(objects['clusters/prod-eu-1/api/Deployment.api.yaml']).toBeDefined();
    expect(Object.keys(objects).filter(k => k.startsWith('argocd/') && k.includes('/applications/'))).toEqual([]);
  });

  test('renders once, then per cluster: typed overrides by environment, region and cluster, tags from the versions file', () => {
    // GIVEN
    const { app, fleet, versions } = fleetWithClusters();
    const definition = new ApiDefinition();
    // WHEN
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { tier: 'backend' },
      image: 'ghcr.io/acme/api',
      versions,
      definition,
      defaults: { resources: { cpuRequest: '100m', memoryRequest: '128Mi' } },
      overrides: [
        { match: ClusterMatch.cluster('prod-eu-1'), settings: { replicas: 6, configData: { LOG_LEVEL: 'warn' } } },
        { match: ClusterMatch.environment('production'), settings: { replicas: 4, resources: { cpuLimit: '2' } } },
        { match: ClusterMatch.region('us'), settings: { env: { REGION: 'us-east-1' } } },
      ],
    });
    const objects = renderObjects(app);
    // THEN the definition ran once for all clusters
    expect(definition.calls).toEqual([{ applicationName: 'api', namespace: 'api' }]);
    // … each selected cluster has its own directory; edge-1 (tier=edge) has none
    expect(Object.keys(objects).filter(p => p.startsWith('clusters/')).map(p => p.split('/')[1])).toEqual(expect.arrayContaining(['dev-eu-1', 'staging-eu-1', 'prod-eu-1', 'prod-us-1']));
    expect(Object.keys(objects).some(p => p.startsWith('clusters/edge-1/'))).toBe(false);
    // … the image tag is the environment's version
    expect(deployment(objects, 'dev-eu-1').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.9.0');
    expect(deployment(objects, 'prod-us-1').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.8.2');
    // … the most specific override wins (cluster over environment), others merge
    expect(deployment(objects, 'dev-eu-1').spec.replicas).toBe(2);
    expect(deployment(objects, 'prod-us-1').spec.replicas).toBe(4);
    expect(deployment(objects, 'prod-eu-1').spec.replicas).toBe(6);
    expect(deployment(objects, 'prod-eu-1').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '2048Mi' } }); // memory: cdk8s-plus's default
    expect(deployment(objects, 'prod-us-1').spec.template.spec.containers[0].env).toEqual([{ name: 'REGION', value: 'us-east-1' }]);
    expect(objects['clusters/prod-eu-1/api/ConfigMap.api-config.yaml'].data).toEqual({ LOG_LEVEL: 'warn' });
    expect(objects['clusters/prod-us-1/api/ConfigMap.api-config.yaml'].data).toEqual({ LOG_LEVEL: 'info' });
    // … the namespace comes first (sync wave -1)
    expect(objects['clusters/dev-eu-1/api/Namespace.api.yaml'].metadata).toEqual({ name: 'api', annotations: { 'argocd.argoproj.io/sync-wave': '-1' } });
  });

  test('wires itself to an ApplicationSet and to a project that allows exactly what it renders', () => {
    // GIVEN
    const { app, fleet, versions } = fleetWithClusters();
    // WHEN
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition() });
    const objects = renderObjects(app);
    // THEN
    const appSet = objects['argocd/platform/applicationsets/ApplicationSet.api.yaml'];
    expect(appSet.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { tier: 'backend' } } } }]);
    expect(appSet.spec.template.spec.source).toEqual({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'clusters/{{.name}}/api' });
    const project = objects['argocd/platform/projects/AppProject.api.yaml'].spec;
    expect(project.destinations.map((d: any) => `${d.name}/${d.namespace}`)).toEqual(['dev-eu-1/api', 'prod-eu-1/api', 'prod-us-1/api', 'staging-eu-1/api']);
    expect(project.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'api' }]);
    expect(project.namespaceResourceWhitelist).toEqual([{ group: '', kind: 'ConfigMap' }, { group: 'apps', kind: 'Deployment' }, { group: '', kind: 'Service' }]);
    // … and the fleet proofs see the generated Applications deploy exactly those files
    expect(FleetTesting.applications(app, 'prod-us-1').map(a => a.spec.source.path)).toEqual(['clusters/prod-us-1/api']);
  });

  test('GIVEN a definition that writes a cluster-scoped CRD and an object of its kind WHEN rendered THEN the object carries no namespace and the own project allows it as cluster-scoped', () => {
    // GIVEN (cert-manager's ClusterIssuer, with its CRD, in one definition: no FleetApp 'clusterScopedKinds' needed)
    const app = new FleetApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-workload-')), fleetProofs: true, unvalidatedKinds: ['cert-manager.io/v1/ClusterIssuer'] });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    addCluster(fleet, 'prod-eu-1', { tier: 'backend' });
    new Workload(fleet, 'issuers', {
      namespace: 'cert-manager',
      matchLabels: { tier: 'backend' },
      definition: {
        define: scope => {
          customResourceDefinition(scope, 'crd', 'cert-manager.io', 'ClusterIssuer', 'Cluster');
          new ApiObject(scope, 'issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { selfSigned: {} } });
        },
      },
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects['clusters/prod-eu-1/issuers/ClusterIssuer.letsencrypt.yaml'].metadata).toEqual({ name: 'letsencrypt' });
    expect(objects['argocd/platform/projects/AppProject.issuers.yaml'].spec.clusterResourceWhitelist).toEqual(expect.arrayContaining([
      { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt' },
    ]));
  });

  test('a given project is left as it is and must allow the destinations and kinds', () => {
    // GIVEN a project that allows the namespace on dev only, and no Deployments
    const { app, fleet, versions } = fleetWithClusters();
    const dev = fleet.findCluster('dev-eu-1')!;
    const project = new AppProject(fleet, 'team', {
      destinations: [ProjectDestination.cluster(dev, 'api')],
      clusterResourceAllowList: [{ group: '', kind: 'Namespace' }],
      namespaceResourceDenyList: [{ group: 'apps', kind: 'Deployment' }],
    });
    // WHEN
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { environment: 'staging' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition(), project });
    // THEN
    const error = errorOf(() => app.renderFiles());
    expect(error).toContain("[platform/api] AppProject 'team' does not allow Deployment 'api' (group 'apps'), which the workload renders for staging-eu-1");
    expect(error).toContain("[platform/api] AppProject 'team' does not allow destination staging-eu-1/api; add it to the project");
  });

  test("an object in another namespace: the workload's own project permits that namespace on the workload's clusters", () => {
    // GIVEN a definition that also renders a ConfigMap into the monitoring namespace
    // (Argo CD checks each object's namespace against the project's destinations: argo-cd v3.5.1 controller/sync.go
    // validateSyncPermissions)
    const { app, fleet } = fleetWithClusters();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { region: 'us' },
      definition: { define: scope => new kplus.ConfigMap(scope, 'dashboards', { metadata: { name: 'api-dashboards', namespace: 'monitoring' } }) },
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN the project lists both destinations, once each, and synth (with the fleet proofs) passes
    const project = objects['argocd/platform/projects/AppProject.api.yaml'].spec;
    expect(project.destinations.map((d: any) => `${d.name}/${d.namespace}`)).toEqual(['prod-us-1/api', 'prod-us-1/monitoring']);
    expect(objects['clusters/prod-us-1/api/ConfigMap.monitoring.api-dashboards.yaml'].metadata.namespace).toBe('monitoring');
  });

  test('an object in another namespace: a given project must permit that namespace too', () => {
    // GIVEN helper: a project that permits the workload's namespace (and `more` destinations) on prod-us-1
    const render = (more: string[]) => {
      const { app, fleet } = fleetWithClusters();
      const us = fleet.findCluster('prod-us-1')!;
      const project = new AppProject(fleet, 'team', {
        destinations: ['api', ...more].map(ns => ProjectDestination.cluster(us, ns)),
        clusterResourceAllowList: [{ group: '', kind: 'Namespace' }],
      });
      new Workload(fleet, 'api', {
        namespace: 'api',
        matchLabels: { region: 'us' },
        project,
        definition: { define: scope => new kplus.ConfigMap(scope, 'dashboards', { metadata: { name: 'api-dashboards', namespace: 'monitoring' } }) },
      });
      return () => app.renderFiles();
    };
    // THEN without the namespace it is refused, in Argo CD's words
    expect(errorOf(render([]))).toContain("[platform/api] AppProject 'team' does not allow destination namespace 'monitoring' of ConfigMap 'api-dashboards', "
      + "which the workload renders for prod-us-1 (Argo CD: \"namespace monitoring is not permitted in project 'team'\"); add the destinations to the project");
    // … and permitting it there is enough
    expect(render(['monitoring'])).not.toThrow();
  });

  test('ResourceQuota and LimitRange per namespace per cluster, from defaults with overrides', () => {
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { tier: 'backend' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: new ApiDefinition(),
      defaults: { quota: { requestsCpu: '2', requestsMemory: '4Gi', pods: 20 }, limitRange: { defaultCpuLimit: '500m', defaultMemoryLimit: '512Mi' } },
      overrides: [{ match: ClusterMatch.environment('production'), settings: { quota: { requestsCpu: '8', pods: 100 } } }],
    });
    const objects = renderObjects(app);
    expect(objects['clusters/dev-eu-1/api/ResourceQuota.api.yaml'].spec).toEqual({ hard: { 'pods': '20', 'requests.cpu': '2', 'requests.memory': '4Gi' } });
    expect(objects['clusters/prod-eu-1/api/ResourceQuota.api.yaml'].spec).toEqual({ hard: { 'pods': '100', 'requests.cpu': '8', 'requests.memory': '4Gi' } });
    expect(objects['clusters/prod-eu-1/api/LimitRange.api.yaml'].spec).toEqual({ limits: [{ type: 'Container', default: { cpu: '500m', memory: '512Mi' } }] });
  });

  test('renderPerCluster calls the definition for every cluster, with its name and environment', () => {
    const { app, fleet, versions } = fleetWithClusters();
    const definition = new ApiDefinition();
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { environment: 'production', tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition, renderPerCluster: true });
    app.renderFiles();
    expect(definition.calls).toEqual([
      { applicationName: 'api', namespace: 'api', clusterName: 'prod-eu-1', environment: 'production' },
      { applicationName: 'api', namespace: 'api', clusterName: 'prod-us-1', environment: 'production' },
    ]);
  });

  test('a patch hook changes anything the settings do not cover', () => {
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { tier: 'backend' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: new ApiDefinition(),
      overrides: [{
        match: ClusterMatch.label('region', 'us'),
        settings: { patches: [{ patch: (o: any, ctx) => { if (o.kind === 'Service') o.metadata.annotations = { 'acme.io/region': `us (${ctx.environment})` }; } }] },
      }],
    });
    expect(renderObjects(app)['clusters/prod-us-1/api/Service.api.yaml'].metadata.annotations).toEqual({ 'acme.io/region': 'us (production)' });
  });

  test('Image Updater annotations, with Git write-back, only for Kustomize output', () => {
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { environment: 'dev' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: new ApiDefinition(),
      output: WorkloadOutput.KUSTOMIZE,
      imageUpdater: { alias: 'api', constraint: '~1.9', allowTags: '^1\\.' },
    });
    expect(renderObjects(app)['argocd/platform/applicationsets/ApplicationSet.api.yaml'].spec.template.metadata.annotations).toEqual({
      'argocd-image-updater.argoproj.io/api.allow-tags': 'regexp:^1\\.',
      'argocd-image-updater.argoproj.io/api.kustomize.image-name': 'ghcr.io/acme/api',
      'argocd-image-updater.argoproj.io/api.update-strategy': 'semver',
      'argocd-image-updater.argoproj.io/image-list': 'api=ghcr.io/acme/api:~1.9',
      'argocd-image-updater.argoproj.io/write-back-method': 'git',
    });
    expect(() => new Workload(fleet, 'rendered', {
      namespace: 'x', matchLabels: { environment: 'dev' }, image: 'ghcr.io/acme/x', definition: new ApiDefinition(), imageUpdater: { alias: 'x' },
    })).toThrow("'imageUpdater' needs 'output: WorkloadOutput.KUSTOMIZE': Argo CD Image Updater cannot update plain rendered manifests");
  });

  test('bad props are reported together with the construct path', () => {
    const { fleet, versions } = fleetWithClusters();
    expect(() => new Workload(fleet, 'Bad_Name', {
      namespace: 'API', versions, definition: {} as any, defaults: { replicas: -1, resources: { cpuRequest: 'lots' } },
    })).toThrow(/\[platform\/Bad_Name\] 'applicationName' \('Bad_Name'\)[\s\S]*'namespace' \('API'\)[\s\S]*'definition' must implement IWorkloadDefinition[\s\S]*give 'matchLabels' or 'matchExpressions'[\s\S]*'versions' needs 'image'[\s\S]*'defaults.replicas' \(-1\)[\s\S]*'defaults.resources.cpuRequest' \("lots"\) is not a Kubernetes quantity/);
  });

  test('a selected cluster outside the versions file\'s environments is an error', () => {
    const { app, fleet, versions } = fleetWithClusters();
    addCluster(fleet, 'qa-1', { environment: 'qa', tier: 'backend' });
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition() });
    expect(() => app.renderFiles()).toThrow("[platform/api] cluster 'qa-1' has no environment: its label 'environment' ('qa') is not one of [\"dev\",\"staging\",\"production\"]");
  });
  test('clusters registered after a render are an error on the next render, not a silently stale output', () => {
    // GIVEN a workload rendered once
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'backend' }, image: 'ghcr.io/acme/api', versions, definition: new ApiDefinition() });
    app.renderFiles();
    // WHEN the registry grows and the same app renders again
    addCluster(fleet, 'dev-us-1', { environment: 'dev', region: 'us', tier: 'backend' });
    // THEN
    expect(() => app.renderFiles()).toThrow("[platform/api] the fleet's clusters changed after this Workload was rendered; it prepares its output once, so render a new FleetApp");
  });
});

describe('Workload output is key-sorted like every other file (cdk8s order)', () => {
  test('overrides and patches add keys, yet every mapping of every file stays sorted', () => {
    // GIVEN settings that add keys after cdk8s sorted them: replicas, env, resources, a patch, a quota
    const { app, fleet, versions } = fleetWithClusters();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { tier: 'backend' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: new ApiDefinition(),
      defaults: { patches: [{ patch: o => { if (o.kind === 'Service') o.spec.externalTrafficPolicy = 'Local'; } }] },
      overrides: [{ match: ClusterMatch.environment('production'), settings: { replicas: 4, env: { A: 'b' }, resources: { cpuLimit: '1' }, quota: { pods: 10 } } }],
    });
    // WHEN
    const files = app.renderFiles();
    // THEN
    const unsorted: string[] = [];
    const check = (v: any, where: string, top: boolean) => {
      if (Array.isArray(v)) v.forEach((x, i) => check(x, `${where}[${i}]`, false));
      if (!v || typeof v !== 'object' || Array.isArray(v)) return;
      const keys = Object.keys(v);
      const rest = top ? keys.filter(k => !['apiVersion', 'kind', 'metadata'].includes(k)) : keys;
      const expected = top ? [...['apiVersion', 'kind', 'metadata'].filter(k => k in v), ...[...rest].sort()] : [...keys].sort();
      if (keys.join() !== expected.join()) unsorted.push(`${where}: ${keys.join(',')}`);
      for (const k of keys) check(v[k], `${where}.${k}`, false);
    };
    for (const [p, text] of Object.entries(files)) if (p.startsWith('clusters/')) check(yaml.load(text), p, true);
    expect(unsorted).toEqual([]);
    expect(files['clusters/prod-eu-1/api/Deployment.api.yaml']).toMatch(/\n {2}replicas: 4\n {2}selector:/);
  });
});
