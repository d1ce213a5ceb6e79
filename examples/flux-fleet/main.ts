/**
 * A small fleet delivered by Flux: one management cluster (the hub, where Flux runs) and four clusters in dev,
 * staging and production. The program is an ordinary fleet program — clusters, a platform project, a Helm
 * monitoring stack with per-region values, cluster add-ons as an ApplicationSet rolled out staging first, a web
 * service defined once with cdk8s-plus and promoted through versions.yaml, a checkout service as Kustomize base
 * and overlays, a Vault store for the secrets and a SOPS file — and `engine: FleetEngine.flux()` makes synth
 * write Flux's objects for the hub instead of Argo CD's:
 *
 * - `bootstrap/GitRepository.platform.yaml` and `bootstrap/Kustomization.platform-root.yaml`: `kubectl apply` them
 *   once, after installing Flux;
 * - `flux/platform/hub/`: the cluster registry, each remote cluster's kubeconfig (an ExternalSecret templating it
 *   from Vault, or Flux's workload identity ConfigMap for EKS and GKE), the Helm repositories, and one
 *   Kustomization per cluster and application, ordered with dependsOn;
 * - `clusters/`, `apps/` and `values/`: exactly what the Argo CD engine writes for the same program
 *   (`test/flux/flux-fleet.test.ts` proves it, with `buildFluxExampleFleet(outdir, FleetEngine.argoCd())`).
 *
 * Run: npx ts-node examples/flux-fleet/main.ts   (writes to $CDK8S_OUTDIR, default examples/flux-fleet/dist)
 */
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppProject, Application, ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, ClusterMatch,
  Fleet, FleetApp, FleetEngine, FleetSecretStore, HelmApplication, LabelSelectorOperator,
  ListGenerator, MatrixGenerator, ProgressiveSync, ProjectDestination, SecretStoreProvider, SopsFile, SopsSecret,
  SyncAnnotations, SyncOption, SyncPolicy, TemplateParam, VaultAuth, VersionsFile, Workload, WorkloadOutput,
} from '../../src';
import { HttpService } from '../shared/http-service';

/**
 * Builds the fleet. `engine` is Flux unless given: the equivalence test builds the same program with
 * `FleetEngine.argoCd()` and compares.
 */
export function buildFluxExampleFleet(outdir?: string, engine?: FleetEngine): FleetApp {
  const app = new FleetApp({ outdir: outdir ?? process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
  const fleet = new Fleet(app, 'platform', {
    repoUrl: 'https://github.com/acme/fleet-gitops.git',
    targetRevision: 'main',
    engine: engine ?? FleetEngine.flux({
      interval: Duration.minutes(10),
      // Flux's aws and gcp workload identity need the clusters' cloud resource names.
      clusterResourceNames: {
        'staging-eu-1': 'projects/acme-staging/locations/europe-west1/clusters/staging-eu-1',
        'prod-us-1': 'arn:aws:eks:us-east-1:111122223333:cluster/prod-us-1',
      },
    }),
  });

  fleet.addCluster('hub', {
    credentials: ClusterCredentials.inCluster(),
    labels: { environment: 'management', region: 'eu-west-1' },
  });
  // Vault on the hub (it holds the clusters' credentials) and on staging and production (application secrets).
  const vault = new FleetSecretStore(fleet, 'vault-store', {
    storeName: 'vault',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['management', 'staging', 'production'] }],
    provider: SecretStoreProvider.vault({
      server: 'https://vault.acme.io:8200',
      path: 'secret',
      auth: VaultAuth.kubernetes({ role: 'external-secrets', serviceAccount: { name: 'external-secrets', namespace: 'external-secrets' } }),
    }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const clusters = [
    fleet.addCluster('dev-eu-1', {
      server: 'https://dev-eu-1.k8s.acme.io',
      labels: { environment: 'dev', region: 'eu-west-1' },
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: vault, remoteKey: 'fleet/clusters/dev-eu-1' }),
    }),
    fleet.addCluster('staging-eu-1', {
      server: 'https://staging-eu-1.k8s.acme.io',
      labels: { environment: 'staging', region: 'eu-west-1' },
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
    }),
    fleet.addCluster('prod-eu-1', {
      server: 'https://prod-eu-1.k8s.acme.io',
      labels: { environment: 'production', region: 'eu-west-1' },
      credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({ store: vault, remoteKey: 'fleet/clusters/prod-eu-1' }),
      // The age key Flux decrypts SOPS files for this cluster with (the Secret sops-age in flux-system).
      sopsAgeRecipient: 'age1dncqy7uz9xr7xtj20k3dhqq0cj2dgknyrf9fkgz234k6n3cet42qv6u7hg',
    }),
    fleet.addCluster('prod-us-1', {
      server: 'https://prod-us-1.k8s.acme.io',
      labels: { environment: 'production', region: 'us-east-1' },
      credentials: ClusterCredentials.awsIam({ clusterName: 'prod-us-1' }),
    }),
  ];

  // The platform team's project. Its rules (repositories, destinations, kinds) are enforced at synth; with Flux
  // there is no Argo CD to enforce them at runtime.
  const platform = new AppProject(fleet, 'platform-project', {
    projectName: 'platform',
    description: 'Cluster baseline owned by the platform team',
    sourceRepos: ['https://github.com/acme/fleet-gitops.git', 'https://prometheus-community.github.io/helm-charts', 'https://charts.jetstack.io'],
    destinations: [...clusters, fleet.findCluster('hub')!].map(c => ProjectDestination.cluster(c, '*')),
    clusterResourceAllowList: [{ group: '', kind: 'Namespace' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
  });

  const versions = new VersionsFile(fleet, 'Versions', { path: path.join(__dirname, 'versions.yaml') });

  // Cluster add-ons before everything else on a cluster (sync wave -1 → dependsOn), staging before production
  // (RollingSync steps → dependsOn across clusters).
  const addons = new ApplicationSet(fleet, 'addons', {
    generators: [new MatrixGenerator(
      new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] }] }),
      new ListGenerator({ elements: [{ addon: 'cert-manager', repo: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2' }] }),
    )],
    progressiveSync: ProgressiveSync.waves({ labelKey: 'environment', waves: [['staging'], ['production']] }),
    template: {
      applicationName: `${TemplateParam.element('addon')}-${TemplateParam.clusterName()}`,
      project: platform,
      destinationNamespace: `${TemplateParam.element('addon')}`,
      labels: { environment: `${TemplateParam.clusterLabel('environment')}` },
      source: ApplicationSource.helm({
        repoUrl: `${TemplateParam.element('repo')}`,
        chart: `${TemplateParam.element('chart')}`,
        version: `${TemplateParam.element('version')}`,
        values: { crds: { enabled: true } },
      }),
      syncPolicy: SyncPolicy.automated({
        prune: true,
        selfHeal: true,
        syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY],
        retry: { limit: 5, backoff: { duration: Duration.seconds(30), factor: 2, maxDuration: Duration.minutes(5) } },
      }),
    },
  });
  SyncAnnotations.setWave(addons, -1);

  // Monitoring: a chart pinned per environment, with values per region from the tree (merged into each HelmRelease).
  new HelmApplication(fleet, 'monitoring', {
    namespace: 'monitoring',
    repoUrl: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    versions,
    project: platform,
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] }],
    releaseName: 'monitoring',
    values: { grafana: { enabled: false } },
    valuesByLabel: [{
      labelKey: 'region',
      values: {
        'eu-west-1': { prometheus: { prometheusSpec: { retention: '15d', externalLabels: { region: 'eu-west-1' } } } },
        'us-east-1': { prometheus: { prometheusSpec: { retention: '30d', externalLabels: { region: 'us-east-1' } } } },
      },
    }],
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: [SyncOption.CREATE_NAMESPACE] }),
  });

  // The web service on every workload cluster, its image promoted dev → staging → production.
  new Workload(fleet, 'web', {
    namespace: 'web',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] }],
    image: 'ghcr.io/acme/web',
    versions,
    definition: new HttpService('ghcr.io/acme/web'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    defaults: { quota: { requestsCpu: '2', requestsMemory: '2Gi', pods: 20 } },
    overrides: [
      { match: ClusterMatch.environment('production'), settings: { replicas: 3 } },
      { match: ClusterMatch.region('us-east-1'), settings: { env: { DATA_REGION: 'us' } } },
    ],
  });

  // The checkout service as a Kustomize base with one overlay per cluster.
  new Workload(fleet, 'checkout', {
    namespace: 'checkout',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] }],
    image: 'ghcr.io/acme/checkout',
    versions,
    output: WorkloadOutput.KUSTOMIZE,
    definition: new HttpService('ghcr.io/acme/checkout'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    overrides: [{ match: ClusterMatch.environment('production'), settings: { replicas: 2 } }],
  });

  // The hub's own configuration, rendered for it and deployed after the secret store (wave 1).
  const hub = fleet.findCluster('hub')!;
  const hubConfig = hub.addManifests('platform-config', { namespace: 'platform' });
  new kplus.Namespace(hubConfig, 'Namespace', { metadata: { name: 'platform' } });
  new kplus.ConfigMap(hubConfig, 'Fleet', { metadata: { name: 'fleet' }, data: { FLEET: 'platform', ENGINE: 'flux' } });
  const hubApplication = new Application(fleet, 'platform-config-hub', {
    project: platform,
    destination: hub,
    destinationNamespace: 'platform',
    source: ApplicationSource.manifests(hubConfig),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  SyncAnnotations.setWave(hubApplication, 1);

  // The payments API key, encrypted with sops to prod-eu-1's age key and decrypted there by Flux.
  new SopsSecret(fleet, 'payments-api', {
    file: SopsFile.fromFile(path.join(__dirname, 'secrets', 'payments-api.sops.yaml')),
    clusters: clusters.filter(c => c.clusterName === 'prod-eu-1'),
    namespace: 'payments',
    project: platform,
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: [SyncOption.CREATE_NAMESPACE] }),
  });
  return app;
}

if (require.main === module) {
  const app = buildFluxExampleFleet();
  const result = app.synthTree();
  console.log(`GitOps tree written to ${result.outdir}`);
  console.log(`  ${result.objectCount} objects; ${result.written.length} files written, ${result.deleted.length} deleted, ${result.unchangedCount} unchanged`);
  console.log(result.plan);
}
