/**
 * The example fleet: one Argo CD hub, seven clusters across dev, staging and production in two regions,
 * a platform project and a team project, a Helm monitoring stack with per-region values on staging and
 * production, cluster add-ons (a matrix), a team web service rendered with cdk8s-plus for every cluster, an
 * API service promoted dev → staging → production through versions.yaml and delivered by Argo Rollouts (a plain
 * Deployment in dev, a canary behind nginx in staging, a canary behind Istio with Prometheus analysis in
 * production), a checkout service written as Kustomize base and overlays (blue-green with pre-promotion analysis
 * in production), and the bootstrap App-of-Apps. Secrets never reach Git in plaintext: a Vault
 * ClusterSecretStore (staging, production and the hub, which reads cluster credentials from it), AWS Secrets
 * Manager for the us clusters, the API's database credentials per environment through ExternalSecrets, one
 * SealedSecret (sealed for prod-eu-1's controller) and one SOPS file (encrypted to prod-eu-2's age key).
 * Disaster recovery: the API has a warm standby in a third region (dr-eu-central-1, one replica that an autoscaler
 * takes to prod-eu-1's capacity on failover), a PrimaryClusterDown alert evaluated on prod-us-1, and an
 * external-dns weighted record (api.eu.acme.io, served by prod-eu-1 and its standby only) that moves with the DR
 * state file (dr.yaml).
 *
 * Run: npx ts-node examples/basic-fleet/main.ts   (writes to $CDK8S_OUTDIR, default examples/basic-fleet/dist)
 */
import * as path from 'path';
import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AdmissionEngine, AdmissionSubject, AnalysisRunArgument, AnalysisTemplate, AppProject, Application, ApplicationFinalizer, ApplicationSet,
  ApplicationSource, AutoPromotion, AwsAuth, CanaryStep, Cluster, ClusterCredentials, ClusterGenerator, ClusterMatch, DeliveryStrategy,
  DrApplication, DrExtraAlert, DrSource, DrStateFile, DriftGuard, DriftGuardExemption, ExternalDnsTrafficSwitch, Fleet, FleetApp,
  FleetSecretStore, GuardrailMode, HelmApplication,
  IstioTrafficRouting, LabelSelectorOperator, ListGenerator, MatrixGenerator, NamespaceQuotaPolicy, NginxTrafficRouting,
  NotificationSubscription, NotificationTrigger, PinningRules, ProgressiveSync, ProjectDestination, ProjectPolicy, RolloutStrategy,
  SealedSecret, SealingCertificate, SecretStoreProvider, SopsFile, SopsSecret, SwitchTarget, SyncOption, SyncPolicy,
  SyncWindowKind, TemplateParam, ValidatingAdmissionPolicyVersion, VaultAuth, VersionPinning, VersionsFile, Workload,
  WorkloadOutput,
} from '../../src';
import { HttpService } from '../shared/http-service';

export function buildExampleFleet(
  outdir?: string, versionsPath: string = path.join(__dirname, 'versions.yaml'), drStatePath: string = path.join(__dirname, 'dr.yaml'),
): FleetApp {
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

  // Secret stores, deployed by the fleet to the clusters that read from them. The hub reads the cluster
  // credentials of dev-eu-1 and prod-us-1 from Vault, so it gets the Vault store too.
  const externalSecretsSa = { name: 'external-secrets', namespace: 'external-secrets' };
  const vault = new FleetSecretStore(fleet, 'vault-store', {
    storeName: 'vault',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['management', 'staging', 'production'] }],
    provider: SecretStoreProvider.vault({
      server: 'https://vault.acme.io:8200',
      path: 'secret',
      auth: VaultAuth.kubernetes({ role: 'external-secrets', serviceAccount: externalSecretsSa }),
    }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  const awsSecretsManager = new FleetSecretStore(fleet, 'aws-store', {
    storeName: 'aws-secrets-manager',
    matchLabels: { region: 'us-east-1' },
    provider: SecretStoreProvider.awsSecretsManager({ region: 'us-east-1', auth: AwsAuth.irsa(externalSecretsSa) }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
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
      // Its Sealed Secrets controller's certificate (kubeseal --fetch-cert): SealedSecrets must be sealed for it.
      sealingCertificate: SealingCertificate.fromFile(path.join(__dirname, 'certs', 'prod-eu-1.pem')),
    }),
    fleet.addCluster('prod-eu-2', {
      server: 'https://prod-eu-2.k8s.acme.io',
      labels: { environment: 'production', region: 'eu-west-1' },
      credentials: ClusterCredentials.aksWorkloadIdentity(),
      shard: 1,
      // The age key its Argo CD repo server decrypts SOPS files with (ksops).
      sopsAgeRecipient: 'age1dncqy7uz9xr7xtj20k3dhqq0cj2dgknyrf9fkgz234k6n3cet42qv6u7hg',
    }),
    fleet.addCluster('prod-us-1', {
      server: 'https://prod-us-1.k8s.acme.io',
      labels: { 'environment': 'production', 'region': 'us-east-1', 'acme.io/tier': 'critical' },
      credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({ store: vault, remoteKey: 'argocd/clusters/prod-us-1' }),
      shard: 0,
    }),
    // The API's warm standby, in a third region. It is production infrastructure (secret store, add-ons, monitoring,
    // guardrails select it), but the workloads exclude it: its DR pair deploys the standby (acme.io/role: dr).
    fleet.addCluster('dr-eu-central-1', {
      server: 'https://dr-eu-central-1.k8s.acme.io',
      labels: { 'environment': 'production', 'region': 'eu-central-1', 'acme.io/role': 'dr' },
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
      shard: 1,
    }),
  ];
  // The clusters that serve the team services (every cluster but the DR standby).
  const serving = clusters.filter(c => c.labels['acme.io/role'] !== 'dr');
  const production = serving.filter(c => c.labels.environment === 'production');

  // The platform team owns the cluster baseline: it may create namespaces and cluster-wide policy.
  const platform = new AppProject(fleet, 'platform-project', {
    projectName: 'platform',
    description: 'Cluster baseline owned by the platform team',
    sourceRepos: [
      'https://github.com/acme/fleet-gitops.git',
      'https://prometheus-community.github.io/helm-charts',
      'https://charts.jetstack.io',
      'https://charts.external-secrets.io',
      'https://kyverno.github.io/kyverno/',
    ],
    destinations: clusters.map(c => ProjectDestination.cluster(c, '*')),
    clusterResourceAllowList: [
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
      // The guardrails' policies.
      { group: 'kyverno.io', kind: 'ClusterPolicy' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
      { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
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
    destinations: serving.map(c => ProjectDestination.cluster(c, 'web')),
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
        'eu-central-1': { prometheus: { prometheusSpec: { retention: '15d', externalLabels: { region: 'eu-central-1' } } } },
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
          { addon: 'kyverno', repo: 'https://kyverno.github.io/kyverno/', chart: 'kyverno', version: '3.9.0' },
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
  for (const cluster of serving) {
    const env = cluster.labels.environment;
    const manifests = cluster.addManifests('web', { namespace: 'web', labels: { 'app.kubernetes.io/part-of': 'storefront' } });
    // The label puts the namespace under the quota policy (see addGuardrails).
    new kplus.Namespace(manifests, 'Namespace', { metadata: { name: 'web', labels: { 'acme.io/team-namespace': 'true' } } });
    const config = new kplus.ConfigMap(manifests, 'Config', {
      metadata: { name: 'web-config' },
      data: { ENVIRONMENT: env, REGION: cluster.labels.region },
    });
    // prod-eu-1 signs sessions with a key sealed for its controller (cdk8s-fleet seal --env-file … --output …).
    const session = cluster.clusterName === 'prod-eu-1'
      ? SealedSecret.fromFile(manifests, 'Session', path.join(__dirname, 'sealed', 'prod-eu-1', 'web-session.yaml'))
      : undefined;
    const deployment = new kplus.Deployment(manifests, 'Deployment', {
      metadata: { name: 'web' },
      replicas: env === 'production' ? 4 : 1,
      containers: [{
        name: 'web',
        image: `ghcr.io/acme/web:${env === 'production' ? '1.8.2' : '1.9.0'}`,
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        envVariables: session ? { SESSION_KEY: kplus.EnvValue.fromSecretValue({ secret: session.secret, key: 'SESSION_KEY' }) } : undefined,
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
  const analysis = CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] });
  // Each production cluster serves the API under a name of its own on its public gateway; the global api.acme.io
  // (a latency record kept outside the fleet) points at them. api.eu.acme.io is the DR pair's: weighted records on
  // prod-eu-1 and its standby only, since Route 53 keeps every record of a name under one routing policy.
  const apiHosts: Record<string, string> = { 'prod-eu-1': 'api.eu.acme.io', 'prod-eu-2': 'api.eu-2.acme.io', 'prod-us-1': 'api.us.acme.io' };
  const productionCanary = (host: string) => DeliveryStrategy.rollout(RolloutStrategy.canary({
    trafficRouting: IstioTrafficRouting.of({ virtualService: { hosts: [host], gateways: ['istio-system/public'] } }),
    steps: [
      CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(5)), analysis,
      CanaryStep.weight(10), CanaryStep.pause(Duration.minutes(5)), analysis,
      CanaryStep.weight(30), CanaryStep.pause(Duration.minutes(10)), analysis,
      CanaryStep.weight(60), CanaryStep.pause(Duration.minutes(10)), analysis,
    ],
  }));
  const workloadClusters = {
    matchExpressions: [
      { key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] },
      { key: 'acme.io/role', operator: LabelSelectorOperator.NOT_IN, values: ['dr'] },
    ],
  };
  const api = new Workload(fleet, 'api', {
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
        },
      },
      ...production.map(c => ({
        match: ClusterMatch.cluster(c.clusterName),
        settings: { delivery: productionCanary(apiHosts[c.clusterName] ?? `api.${c.clusterName}.acme.io`) },
      })),
      { match: ClusterMatch.region('us-east-1'), settings: { env: { DATA_REGION: 'us' } } },
      { match: ClusterMatch.cluster('prod-eu-1'), settings: { replicas: 6, configData: { LOG_LEVEL: 'warn' } } },
    ],
    // The database credentials of each environment, from Vault in eu and AWS Secrets Manager in us: only the
    // references (store, remote key, property) are written, resolved per cluster.
    secrets: [{
      secretName: 'api-db',
      matches: [ClusterMatch.environment('staging'), ClusterMatch.environment('production')],
      store: vault,
      storeOverrides: [{ match: ClusterMatch.region('us-east-1'), store: awsSecretsManager }],
      data: [
        { secretKey: 'username', remoteKey: 'apps/api/{environment}/db', property: 'username' },
        { secretKey: 'password', remoteKey: 'apps/api/{environment}/db', property: 'password' },
      ],
      env: { DB_USER: 'username', DB_PASSWORD: 'password' },
    }],
  });

  // Disaster recovery for the API: prod-eu-1 → a warm standby in eu-central-1. The standby runs prod-eu-1's version
  // and configuration with one replica; its autoscaler reaches prod-eu-1's six on failover. prod-us-1's Prometheus
  // (outside both sides) pages when prod-eu-1's API server is down; `cdk8s-fleet failover api --to dr-eu-central-1`
  // edits dr.yaml and the next synth moves the external-dns weights of api.eu.acme.io on the API's VirtualService
  // (the standby renders prod-eu-1's configuration, its host included).
  new DrApplication(fleet, 'api-dr', {
    source: DrSource.workload(api),
    primary: clusters.filter(c => c.clusterName === 'prod-eu-1'),
    standby: clusters.filter(c => c.clusterName === 'dr-eu-central-1'),
    state: new DrStateFile(fleet, 'DrState', { path: drStatePath }),
    onCall: { service: 'slack', recipients: ['sre-oncall'] },
    monitoring: {
      cluster: clusters.find(c => c.clusterName === 'prod-us-1')!,
      ruleLabels: { release: 'monitoring' }, // kube-prometheus-stack's ruleSelector (release name 'monitoring')
      clusterDown: { job: 'apiserver', runbookUrl: 'https://runbooks.acme.io/dr/api' },
      extraAlerts: [DrExtraAlert.standbyOutOfSync(), DrExtraAlert.standbyDegraded()],
    },
    trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.virtualService('api'), ttl: Duration.seconds(30) }),
    rto: { responseTime: Duration.minutes(10), budget: Duration.minutes(20) },
  });

  // The payments API key, encrypted with sops to prod-eu-2's age key and decrypted there by ksops.
  new SopsSecret(fleet, 'payments-api', {
    file: SopsFile.fromFile(path.join(__dirname, 'secrets', 'payments-api.sops.yaml')),
    clusters: clusters.filter(c => c.clusterName === 'prod-eu-2'),
    namespace: 'payments',
    project: platform,
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: [SyncOption.CREATE_NAMESPACE] }),
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

  addGuardrails(fleet, platform, clusters);
  return app;
}

/**
 * The seeds' production checklist as code: versions pinned (strict on staging and production, relaxed on dev), a
 * drift guard on every cluster (Kyverno where the add-ons install it, a ValidatingAdmissionPolicy in audit mode on
 * the hub and the dev clusters), and namespace quotas as Kyverno policies on staging and production.
 */
function addGuardrails(fleet: Fleet, platform: AppProject, clusters: Cluster[]): void {
  new VersionPinning(fleet, 'VersionPinning', {
    environments: {
      production: PinningRules.strict(),
      staging: PinningRules.strict(),
      dev: PinningRules.relaxed(),
    },
  });
  // Who Argo CD is on the remote clusters: the GKE and AKS identities of its workload identity, the group its EKS
  // access entry maps the IAM role to, the client certificate's CN, and argocd-manager of `argocd cluster add`.
  const argocdIdentities = [
    AdmissionSubject.user('argocd@acme-platform.iam.gserviceaccount.com'),
    AdmissionSubject.user('7d1ef3b2-3c14-4d55-9a43-0a5c1d3f8e21'),
    AdmissionSubject.group('acme:argocd-deployers'),
    AdmissionSubject.user('argocd-prod-us-1'),
    AdmissionSubject.serviceAccount('kube-system', 'argocd-manager'),
  ];
  const hub = fleet.findCluster('hub')!;
  platform.addDestination(ProjectDestination.cluster(hub, '*'));
  const withKyverno = clusters.filter(c => ['staging', 'production'].includes(c.labels.environment));
  new DriftGuard(fleet, 'DriftGuard', {
    engine: AdmissionEngine.KYVERNO,
    project: platform,
    clusters: withKyverno,
    breakGlassGroups: ['acme:sre-breakglass'],
    argocdIdentities,
    exemptions: [DriftGuardExemption.certManager(), DriftGuardExemption.externalSecrets()],
  });
  new DriftGuard(fleet, 'DriftGuardAudit', {
    engine: AdmissionEngine.VALIDATING_ADMISSION_POLICY,
    validatingAdmissionPolicyVersion: ValidatingAdmissionPolicyVersion.V1BETA1,
    project: platform,
    clusters: [hub, ...clusters.filter(c => c.labels.environment === 'dev')],
    mode: GuardrailMode.AUDIT,
    breakGlassGroups: ['acme:sre-breakglass'],
    argocdIdentities,
  });
  new NamespaceQuotaPolicy(fleet, 'NamespaceQuotas', {
    project: platform,
    clusters: withKyverno,
    namespaceMatchLabels: { 'acme.io/team-namespace': 'true' },
    defaults: {
      quota: { requestsCpu: '4', requestsMemory: '8Gi', limitsCpu: '8', limitsMemory: '16Gi', pods: 50 },
      limitRange: { defaultCpuRequest: '100m', defaultMemoryRequest: '128Mi', defaultCpuLimit: '500m', defaultMemoryLimit: '512Mi' },
      requireResources: GuardrailMode.AUDIT,
    },
    environments: {
      production: { quota: { requestsCpu: '16', requestsMemory: '32Gi', limitsCpu: '32', limitsMemory: '64Gi', pods: 200 }, requireResources: GuardrailMode.ENFORCE },
    },
  });
}

if (require.main === module) {
  const app = buildExampleFleet();
  const result = app.synthTree();
  console.log(`GitOps tree written to ${result.outdir}`);
  console.log(`  ${result.objectCount} objects; ${result.written.length} files written, ${result.deleted.length} deleted, ${result.unchangedCount} unchanged`);
  if (result.recovered) console.log(`  recovered: ${result.recovered}`);
  console.log(result.plan);
}
