import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Application, ApplicationSource, Cluster, DrApplication, DrApplicationProps, DrExtraAlert, DrMonitoringOptions, DrSource, DrStateFile,
  ExternalDnsTrafficSwitch, Fleet, FleetApp, FleetSecretStore, IWorkloadDefinition, LabelSelectorOperator,
  SecretStoreProvider, SwitchTarget, SyncPolicy, VaultAuth, VersionsFile, Workload, WorkloadContext, WorkloadProps, WorkloadSettings,
} from '../../src';
import { addCluster, testFleet } from '../util';

/** A small API: a ConfigMap, a Deployment with CPU requests, and a LoadBalancer Service. */
export class Api implements IWorkloadDefinition {
  public constructor(private readonly options: { hpa?: boolean } = {}) {}
  public define(scope: Construct, context: WorkloadContext): void {
    const config = new kplus.ConfigMap(scope, 'Config', { metadata: { name: 'api-config' }, data: { LOG_LEVEL: 'info' } });
    const d = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name: context.applicationName },
      replicas: this.options.hpa ? undefined : 2, // an autoscaled Deployment has no fixed replicas
      containers: [{
        name: 'api',
        image: 'ghcr.io/acme/api:0',
        portNumber: 8080,
        envFrom: [kplus.Env.fromConfigMap(config)],
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.millis(500) },
          memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
        },
        securityContext: { user: 10001, group: 10001 },
        readiness: kplus.Probe.fromTcpSocket({ initialDelaySeconds: Duration.seconds(5), periodSeconds: Duration.seconds(10) }),
      }],
    });
    d.exposeViaService({ name: 'api', serviceType: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 80, targetPort: 8080 }] });
    if (this.options.hpa) {
      new kplus.HorizontalPodAutoscaler(scope, 'Hpa', {
        metadata: { name: context.applicationName },
        target: d,
        maxReplicas: 8,
        minReplicas: 2,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
      });
    }
  }
}

export const VERSIONS = `environments: [staging, production]
versions:
  api:
    staging: 1.9.0
    production: 1.8.2
`;

export const DR_STATE = `# which side serves traffic
active:
  api: prod-eu-1   # primary
`;

export interface FixtureOptions {
  readonly state?: string;
  readonly workload?: Partial<WorkloadProps>;
  readonly dr?: Partial<DrApplicationProps>;
  readonly hpa?: boolean;
  /** false: the secret store goes to every production cluster but the standby. */
  readonly standbyStore?: boolean;
  /** The standby's own settings (`DrSource.workload(api, { standbySettings })`). */
  readonly standbySettings?: WorkloadSettings;
  /** Merged over the fixture's monitoring options. */
  readonly monitoring?: Partial<DrMonitoringOptions>;
  readonly fleetProofs?: boolean;
}

/** GIVEN: prod-eu-1 (primary), dr-eu-central-1 (standby), prod-us-1 (monitoring, kube-prometheus-stack). */
export function drFleet(o: FixtureOptions = {}): {
  app: FleetApp; fleet: Fleet; dr: DrApplication; api: Workload; clusters: Record<string, Cluster>;
} {
  const { app, fleet } = testFleet({}, { fleetProofs: o.fleetProofs ?? true });
  const clusters = {
    'prod-eu-1': addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu-west-1' }),
    'dr-eu-central-1': addCluster(fleet, 'dr-eu-central-1', { 'environment': 'production', 'region': 'eu-central-1', 'acme.io/role': 'dr' }),
    'prod-us-1': addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us-east-1' }),
  };
  const versions = new VersionsFile(fleet, 'Versions', { content: VERSIONS });
  const vault = new FleetSecretStore(fleet, 'vault-store', {
    storeName: 'vault',
    matchLabels: { environment: 'production' },
    matchExpressions: o.standbyStore === false ? [{ key: 'acme.io/role', operator: LabelSelectorOperator.NOT_IN, values: ['dr'] }] : undefined,
    provider: SecretStoreProvider.vault({ server: 'https://vault.acme.io:8200', path: 'secret', auth: VaultAuth.kubernetes({ role: 'eso', serviceAccount: { name: 'external-secrets', namespace: 'external-secrets' } }) }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
  });
  new Application(fleet, 'monitoring-prod-us-1', {
    destination: clusters['prod-us-1'],
    destinationNamespace: 'monitoring',
    source: ApplicationSource.helm({ repoUrl: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '65.1.1' }),
  });
  const api = new Workload(fleet, 'api', {
    namespace: 'api',
    matchExpressions: [
      { key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] },
      { key: 'acme.io/role', operator: LabelSelectorOperator.NOT_IN, values: ['dr'] },
    ],
    image: 'ghcr.io/acme/api',
    versions,
    definition: new Api({ hpa: o.hpa }),
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    defaults: { quota: { requestsCpu: '4', pods: 20 } },
    overrides: [],
    secrets: [{
      secretName: 'api-db',
      store: vault,
      data: [{ secretKey: 'password', remoteKey: 'apps/api/{environment}/db', property: 'password' }],
      env: { DB_PASSWORD: 'password' },
    }],
    ...o.workload,
  });
  const dr = new DrApplication(fleet, 'api-dr', {
    source: DrSource.workload(api, { standbySettings: o.standbySettings }),
    primary: [clusters['prod-eu-1']],
    standby: [clusters['dr-eu-central-1']],
    state: new DrStateFile(fleet, 'DrState', { content: o.state ?? DR_STATE }),
    onCall: { service: 'slack', recipients: ['sre-oncall'] },
    monitoring: {
      cluster: clusters['prod-us-1'],
      ruleLabels: { release: 'monitoring' },
      clusterDown: { runbookUrl: 'https://runbooks.acme.io/dr/api' },
      extraAlerts: [DrExtraAlert.standbyOutOfSync(), DrExtraAlert.standbyDegraded()],
      ...o.monitoring,
    },
    trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.service('api'), hostname: 'api.acme.io' }),
    ...o.dr,
  });
  return { app, fleet, dr, api, clusters };
}
