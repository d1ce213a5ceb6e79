/**
 * The example fleet: one Argo CD hub, seven clusters across dev, staging and production in two regions,
 * a platform project and a team project, a Helm monitoring stack with per-region values on staging and
 * production, cluster add-ons (a matrix), a team web service rendered with cdk8s-plus for every cluster, an
 * API service promoted dev → staging → production through versions.yaml and delivered by Argo Rollouts (a plain
 * Deployment in dev, a canary behind nginx in staging, a canary behind Istio with Prometheus analysis in
 * production), a checkout service written as Kustomize base and overlays (blue-green with pre-promotion analysis
 * in production), and the bootstrap App-of-Apps.
 *
 * Run: npx ts-node examples/basic-fleet/main.ts   (writes to $CDK8S_OUTDIR, default examples/basic-fleet/dist)
 */
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisRunArgument, AnalysisTemplate, AppProject, Application, ApplicationFinalizer, ApplicationSet, ApplicationSource, AutoPromotion, CanaryStep,
  ClusterCredentials, ClusterGenerator, ClusterMatch, DeliveryStrategy, Fleet, FleetApp,
  HelmApplication, IstioTrafficRouting, IWorkloadDefinition, LabelSelectorOperator, ListGenerator, MatrixGenerator, NginxTrafficRouting,
  NotificationSubscription, NotificationTrigger, ProgressiveSync, ProjectDestination, RolloutStrategy, TemplateParam, ProjectPolicy,
  SecretStoreReference, SyncOption, SyncPolicy, SyncWindowKind, VersionsFile, Workload, WorkloadContext, WorkloadOutput,
} from '../../src';

/** A small HTTP service defined once with cdk8s-plus: a ConfigMap, a Deployment and its Service. */
class HttpService implements IWorkloadDefinition {
  public constructor(private readonly image: string) {}

  public define(scope: Construct, context: WorkloadContext): void {
    const name = context.applicationName;
    const config = new kplus.ConfigMap(scope, 'Config', { metadata: { name: `${name}-config` }, data: { LOG_LEVEL: 'info' } });
    const deployment = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name },
      replicas: 1,
      containers: [{
        name,
        image: `${this.image}:latest`, // the tag comes from versions.yaml per environment
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        resources: {
          cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        },
        securityContext: { user: 10001, group: 10001 },
      }],
    });
    deployment.exposeViaService({ name, ports: [{ port: 80, targetPort: 8080 }] });
  }
}

export function buildExampleFleet(outdir?: string, versionsPath: string = path.join(__dirname, 'versions.yaml')): FleetApp {
  const app = new FleetApp({ outdir: outdir ?? process.env.CDK8S_OUTDIR ?? path.join(__dirname, 'dist') });
  const fleet = new Fleet(app, 'platform', {
    repoUrl: 'https://github.com/acme/fleet-gitops.git',
    targetRevision: 'main',
  });

  // The hub itself, registered so that selectors see its labels.
  fleet.addCluster('hub', {
    credentials: ClusterCredentials.inCluster(),
    labels: { 'environment': 'management', 'region': 'eu-west-1', 'acme.io/tier': 'hub' },
  });

  const vault = SecretStoreReference.clusterSecretStore('vault');
  const clusters = [
    fleet.addCluster('dev-eu-1', {
      server: 'https://dev-eu-1.k8s.acme.io',
      labels: { environment: 'dev', region: 'eu-west-1' },
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: vault, remoteKey: 'argocd/clusters/dev-eu-1' }),
    }),
    fleet.addCluster('dev-us-1', {
      server: 'https://dev-us-1.k8s.acme.io',
      labels: { environment: 'dev', region: 'us-east-1' },
      credentials: ClusterCredentials.awsIam({ clusterName: 'dev-us-1', roleArn: 'arn:aws:iam::111122223333:role/argocd-deployer' }),
    }),
    fleet.addCluster('staging-eu-1', {
      server: 'https://staging-eu-1.k8s.acme.io',
      labels: { environment: 'staging', region: 'eu-west-1' },
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
    }),
    fleet.addCluster('staging-us-1', {
      server: 'https://staging-us-1.k8s.acme.io',
      labels: { environment: 'staging', region: 'us-east-1' },
      credentials: ClusterCredentials.awsIam({ clusterName: 'staging-us-1', roleArn: 'arn:aws:iam::111122223333:role/argocd-deployer' }),
    }),
    fleet.addCluster('prod-eu-1', {
      server: 'https://prod-eu-1.k8s.acme.io',
      labels: { 'environment': 'production', 'region': 'eu-west-1', 'acme.io/tier': 'critical' },
      annotations: { 'acme.io/owner': 'sre@acme.io' },
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
      shard: 1,
    }),
    fleet.addCluster('prod-eu-2', {
      server: 'https://prod-eu-2.k8s.acme.io',
      labels: { environment: 'production', region: 'eu-west-1' },
      credentials: ClusterCredentials.aksWorkloadIdentity(),
      shard: 1,
    }),
    fleet.addCluster('prod-us-1', {
      server: 'https://prod-us-1.k8s.acme.io',
      labels: { 'environment': 'production', 'region': 'us-east-1', 'acme.io/tier': 'critical' },
      credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({ store: vault, remoteKey: 'argocd/clusters/prod-us-1' }),
      shard: 0,
    }),
  ];
  const production = clusters.filter(c => c.labels.environment === 'production');

  // The platform team owns the cluster baseline: it may create namespaces and cluster-wide policy.
  const platform = new AppProject(fleet, 'platform-project', {
    projectName: 'platform',
    description: 'Cluster baseline owned by the platform team',
    sourceRepos: [
      'https://github.com/acme/fleet-gitops.git',
      'https://prometheus-community.github.io/helm-charts',
      'https://charts.jetstack.io',
      'https://charts.external-secrets.io',
    ],
    destinations: clusters.map(c => ProjectDestination.cluster(c, '*')),
    clusterResourceAllowList: [
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ],
    roles: [{
      name: 'oncall',
      description: 'Platform on-call may sync anything in the project',
      policies: [ProjectPolicy.allow('applications', 'sync', '*'), ProjectPolicy.allow('applications', 'get', '*')],
      groups: ['acme:platform-oncall'],
    }],
    orphanedResources: { warn: true },
  });

  // The web team may deploy only to its own namespace, create no cluster-scoped object but that namespace,
  // and never sync production on Friday evenings.
  const web = new AppProject(fleet, 'web-project', {
    projectName: 'web',
    description: 'Storefront web team',
    destinations: clusters.map(c => ProjectDestination.cluster(c, 'web')),
    clusterResourceAllowList: [{ group: '', kind: 'Namespace', name: 'web' }],
    namespaceResourceDenyList: [{ group: '', kind: 'ResourceQuota' }, { group: '', kind: 'LimitRange' }],
    roles: [{
      name: 'developers',
      policies: [ProjectPolicy.allow('applications', 'get'), ProjectPolicy.allow('applications', 'sync'), ProjectPolicy.deny('applications', 'delete')],
      groups: ['acme:web-developers'],
    }],
    syncWindows: [{
      kind: SyncWindowKind.DENY,
      schedule: '0 17 * * 5',
      duration: Duration.hours(63),
      clusters: production.map(c => c.clusterName),
      manualSync: true,
      timeZone: 'Europe/Berlin',
    }],
  });

  // The versions every application runs per environment (promoted with `cdk8s-fleet promote`).
  const versions = new VersionsFile(fleet, 'Versions', { path: versionsPath });

  // Platform baseline on staging and production: a Helm chart whose version is pinned per environment, with
  // values per region written into the tree as values files.
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
    syncPolicy: SyncPolicy.automated({
      prune: true,
      selfHeal: true,
      syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY],
      retry: { limit: 5, backoff: { duration: Duration.seconds(5), factor: 2, maxDuration: Duration.minutes(3) } },
    }),
  });

  // Cluster add-ons on staging and production: a matrix of the clusters (by label) and a list of charts.
  new ApplicationSet(fleet, 'addons', {
    generators: [new MatrixGenerator(
      new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] }] }),
      new ListGenerator({
        elements: [
          { addon: 'cert-manager', repo: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.16.2' },
          { addon: 'external-secrets', repo: 'https://charts.external-secrets.io', chart: 'external-secrets', version: '0.10.7' },
        ],
      }),
    )],
    progressiveSync: ProgressiveSync.waves({ labelKey: 'environment', waves: [['staging']] }),
    template: {
      applicationName: `${TemplateParam.element('addon')}-${TemplateParam.clusterName()}`,
      project: platform,
      destinationNamespace: `${TemplateParam.element('addon')}`,
      labels: { environment: `${TemplateParam.clusterLabel('environment')}` },
      source: ApplicationSource.helm({
        repoUrl: `${TemplateParam.element('repo')}`,
        chart: `${TemplateParam.element('chart')}`,
        version: `${TemplateParam.element('version')}`,
        values: { installCRDs: true },
      }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY] }),
      notifications: [NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['platform-alerts'])],
    },
  });

  // The web service, defined once with cdk8s-plus and rendered for every non-hub cluster.
  for (const cluster of clusters) {
    const env = cluster.labels.environment;
    const manifests = cluster.addManifests('web', { namespace: 'web', labels: { 'app.kubernetes.io/part-of': 'storefront' } });
    new kplus.Namespace(manifests, 'Namespace', { metadata: { name: 'web' } });
    const config = new kplus.ConfigMap(manifests, 'Config', {
      metadata: { name: 'web-config' },
      data: { ENVIRONMENT: env, REGION: cluster.labels.region },
    });
    const deployment = new kplus.Deployment(manifests, 'Deployment', {
      metadata: { name: 'web' },
      replicas: env === 'production' ? 4 : 1,
      containers: [{
        name: 'web',
        image: `ghcr.io/acme/web:${env === 'production' ? '1.8.2' : '1.9.0'}`,
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(1000) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
        securityContext: { user: 10001, group: 10001 },
      }],
    });
    deployment.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
    new Application(fleet, `web-${cluster.clusterName}`, {
      project: web,
      destination: cluster,
      destinationNamespace: 'web',
      source: ApplicationSource.manifests(manifests),
      syncPolicy: env === 'production'
        ? SyncPolicy.automated({ prune: true, selfHeal: true })
        : SyncPolicy.automated({ prune: true, selfHeal: true, allowEmpty: true }),
      finalizers: [ApplicationFinalizer.RESOURCES],
      info: { owner: 'web-team@acme.io' },
    });
  }
  // The API service: defined once, rendered per cluster with typed overrides, its image tag promoted
  // dev → staging → production through versions.yaml. Its project allows exactly what it renders.
  // Delivery: the Deployment as defined in dev; a canary behind nginx in staging; in production a canary behind
  // Istio, 5% → 10% → 30% → 60% with pauses and a Prometheus success-rate analysis that aborts (and so rolls
  // back) the release when fewer than 99% of requests succeed — and never passes when there is no data.
  const successRate = AnalysisTemplate.successRate({
    prometheusAddress: 'http://prometheus-operated.monitoring:9090',
    metric: 'istio_requests_total',
    serviceLabel: 'destination_service_name',
    statusLabel: 'response_code',
    threshold: 0.99,
  });
  const nginx = NginxTrafficRouting.of({ ingress: { host: 'api.staging.acme.io', tlsSecretName: 'api-tls' } });
  const istio = IstioTrafficRouting.of({ virtualService: { hosts: ['api.acme.io'], gateways: ['istio-system/public'] } });
  const analysis = CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] });
  const workloadClusters = { matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] }] };
  new Workload(fleet, 'api', {
    namespace: 'api',
    ...workloadClusters,
    image: 'ghcr.io/acme/api',
    versions,
    definition: new HttpService('ghcr.io/acme/api'),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    // Region by region: Argo CD syncs eu-west-1's Applications first, then us-east-1's (RollingSync).
    labels: { region: `${TemplateParam.clusterLabel('region')}` },
    progressiveSync: ProgressiveSync.waves({ labelKey: 'region', waves: [['eu-west-1'], ['us-east-1']] }),
    notifications: [NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['api-alerts'])],
    defaults: {
      quota: { requestsCpu: '2', requestsMemory: '2Gi', pods: 20 },
      limitRange: { defaultCpuLimit: '500m', defaultMemoryLimit: '256Mi' },
    },
    overrides: [
      {
        match: ClusterMatch.environment('staging'),
        settings: {
          delivery: DeliveryStrategy.rollout(RolloutStrategy.canary({
            trafficRouting: nginx,
            steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(2))],
          })),
        },
      },
      {
        match: ClusterMatch.environment('production'),
        settings: {
          replicas: 3,
          quota: { requestsCpu: '8', requestsMemory: '8Gi', pods: 60 },
          delivery: DeliveryStrategy.rollout(RolloutStrategy.canary({
            trafficRouting: istio,
            steps: [
              CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(5)), analysis,
              CanaryStep.weight(10), CanaryStep.pause(Duration.minutes(5)), analysis,
              CanaryStep.weight(30), CanaryStep.pause(Duration.minutes(10)), analysis,
              CanaryStep.weight(60), CanaryStep.pause(Duration.minutes(10)), analysis,
            ],
          })),
        },
      },
      { match: ClusterMatch.region('us-east-1'), settings: { env: { DATA_REGION: 'us' } } },
      { match: ClusterMatch.cluster('prod-eu-1'), settings: { replicas: 6, configData: { LOG_LEVEL: 'warn' } } },
    ],
  });

  // The checkout service, written as a Kustomize base with one overlay per cluster; blue-green in production, where
  // the success rate of the preview gates the switch (pre-promotion analysis).
  new Workload(fleet, 'checkout', {
    namespace: 'checkout',
    ...workloadClusters,
    image: 'ghcr.io/acme/checkout',
    versions,
    output: WorkloadOutput.KUSTOMIZE,
    definition: new HttpService('ghcr.io/acme/checkout'),
    overrides: [{
      match: ClusterMatch.environment('production'),
      settings: {
        replicas: 2,
        delivery: DeliveryStrategy.rollout(RolloutStrategy.blueGreen({
          autoPromotion: AutoPromotion.after(Duration.minutes(10)),
          prePromotionAnalysis: { templates: [AnalysisTemplate.successRate()], args: [AnalysisRunArgument.canaryServiceName('service-name')] },
          scaleDownDelay: Duration.seconds(60),
        })),
      },
    }],
  });
  return app;
}

if (require.main === module) {
  const app = buildExampleFleet();
  const result = app.synthTree();
  console.log(`GitOps tree written to ${result.outdir}`);
  console.log(`  ${result.objectCount} objects; ${result.written.length} files written, ${result.deleted.length} deleted, ${result.unchangedCount} unchanged`);
  if (result.recovered) console.log(`  recovered: ${result.recovered}`);
  console.log(result.plan);
}
