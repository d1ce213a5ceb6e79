/**
 * The example fleet: one Argo CD hub, seven clusters across dev, staging and production in two regions,
 * a platform project and a team project, a platform baseline on every production cluster, a team web
 * service rendered with cdk8s-plus for every cluster, and the bootstrap App-of-Apps.
 *
 * Run: npx ts-node examples/basic-fleet/main.ts   (writes to $CDK8S_OUTDIR, default examples/basic-fleet/dist)
 */
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppProject, Application, ApplicationFinalizer, ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, Fleet, FleetApp,
  LabelSelectorOperator, ListGenerator, MatrixGenerator, NotificationSubscription, NotificationTrigger, ProgressiveSync,
  ProjectDestination, TemplateParam, ProjectPolicy, SecretStoreReference, SyncOption, SyncPolicy, SyncWindowKind,
} from '../../src';

export function buildExampleFleet(outdir?: string): FleetApp {
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

  // Platform baseline on every production cluster: one ApplicationSet, a cluster generator selecting by label.
  new ApplicationSet(fleet, 'monitoring', {
    generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
    template: {
      applicationName: `monitoring-${TemplateParam.clusterName()}`,
      project: platform,
      destinationNamespace: 'monitoring',
      source: ApplicationSource.helm({
        repoUrl: 'https://prometheus-community.github.io/helm-charts',
        chart: 'kube-prometheus-stack',
        version: '65.1.1',
        releaseName: 'monitoring',
        values: { grafana: { enabled: false }, prometheus: { prometheusSpec: { retention: '15d' } } },
      }),
      syncPolicy: SyncPolicy.automated({
        prune: true,
        selfHeal: true,
        syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY],
        retry: { limit: 5, backoff: { duration: Duration.seconds(5), factor: 2, maxDuration: Duration.minutes(3) } },
      }),
      ignoreDifferences: [{ group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'] }],
      finalizers: [ApplicationFinalizer.RESOURCES],
      labels: { 'acme.io/baseline': 'true' },
    },
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
