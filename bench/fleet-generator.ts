/**
 * Generated fleets for the benchmark and the property-based tests: `clusters` clusters across three
 * environments and two regions, `apps` applications on every cluster, each rendered as five workload objects
 * (Deployment, Service, ConfigMap, HorizontalPodAutoscaler, ServiceAccount) plus one Argo CD Application.
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppProject, Application, ApplicationSource, ClusterCredentials, Fleet, FleetApp, ProjectDestination, SyncPolicy } from '../src';

/** The environments clusters are spread over, in turn. */
export const ENVIRONMENTS = ['dev', 'staging', 'production'];

export interface GeneratedFleetOptions {
  readonly clusters: number;
  readonly apps: number;
  readonly outdir: string;
  /**
   * The (cluster, app) pairs a change touches (the diff benchmark's head tree): their Deployment gets one more
   * replica, their ConfigMap a changed value and their Service another port — three files per pair.
   */
  readonly changed?: (cluster: number, app: number) => boolean;
}

export function generateFleet(options: GeneratedFleetOptions): FleetApp {
  const app = new FleetApp({ outdir: options.outdir });
  const fleet = new Fleet(app, 'bench', { repoUrl: 'https://github.com/acme/fleet.git', targetRevision: 'main' });
  const project = new AppProject(fleet, 'apps', { destinations: [ProjectDestination.anyCluster('*')] });
  const regions = ['eu-west-1', 'us-east-1'];
  for (let c = 0; c < options.clusters; c++) {
    const name = `cluster-${String(c).padStart(4, '0')}`;
    const environment = ENVIRONMENTS[c % ENVIRONMENTS.length];
    const cluster = fleet.addCluster(name, {
      server: `https://${name}.k8s.example.com`,
      labels: { environment, region: regions[Math.floor(c / ENVIRONMENTS.length) % regions.length] },
      credentials: ClusterCredentials.awsIam({ clusterName: name }),
    });
    for (let a = 0; a < options.apps; a++) {
      const appName = `app-${String(a).padStart(3, '0')}`;
      const changed = options.changed?.(c, a) ?? false;
      const manifests = cluster.addManifests(appName, { namespace: appName });
      addAppObjects(manifests, { appName, clusterName: name, environment, image: `ghcr.io/acme/${appName}:1.${a % 10}.${c % 7}`, changed });
      new Application(fleet, `${appName}-${name}`, {
        project,
        destination: cluster,
        destinationNamespace: appName,
        source: ApplicationSource.manifests(manifests),
        syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
      });
    }
  }
  return app;
}

/** One application's five objects on one cluster. */
export interface AppObjectsOptions {
  readonly appName: string;
  readonly clusterName: string;
  readonly environment: string;
  readonly image: string;
  /** The diff benchmark's change: one more replica, another ConfigMap value, another Service port. */
  readonly changed?: boolean;
  /** Set on every object (a plain cdk8s Chart has no ClusterManifests to give the namespace). */
  readonly namespace?: string;
}

/**
 * The five workload objects of one application (ServiceAccount, ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler v2), as cdk8s-plus-28 L1s: the generic fleet and vanilla cdk8s build the same ones.
 */
export function addAppObjects(scope: Construct, o: AppObjectsOptions): void {
  const { appName, namespace } = o;
  const changed = o.changed ?? false;
  const labels = { 'app.kubernetes.io/name': appName };
  new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name: appName, namespace } });
  new k8s.KubeConfigMap(scope, 'ConfigMap', { metadata: { name: appName, namespace }, data: { ENVIRONMENT: o.environment, CLUSTER: o.clusterName, LOG_LEVEL: changed ? 'debug' : 'info' } });
  new k8s.KubeDeployment(scope, 'Deployment', {
    metadata: { name: appName, namespace, labels },
    spec: {
      replicas: (o.environment === 'production' ? 3 : 1) + (changed ? 1 : 0),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: appName,
          containers: [{
            name: appName,
            image: o.image,
            ports: [{ containerPort: 8080, name: 'http' }],
            envFrom: [{ configMapRef: { name: appName } }],
            resources: {
              requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') },
              limits: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') },
            },
            readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') } },
          }],
        },
      },
    },
  });
  new k8s.KubeService(scope, 'Service', {
    metadata: { name: appName, namespace, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: changed ? 8080 : 80, targetPort: k8s.IntOrString.fromString('http') }] },
  });
  new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
    metadata: { name: appName, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: appName },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  });
}

/**
 * The same application written with cdk8s-plus' own constructs (ServiceAccount, ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler), as a team without cdk8s-fleet writes it: the "vanilla cdk8s-plus" of issue #17. The
 * objects are those of `addAppObjects` up to what cdk8s-plus adds by itself (its selector label, security
 * context and resource defaults); the Deployment has no replicas, as cdk8s-plus requires under an autoscaler.
 */
export function addAppConstructs(scope: Construct, o: AppObjectsOptions): void {
  const { appName, namespace } = o;
  const labels = { 'app.kubernetes.io/name': appName };
  const account = new kplus.ServiceAccount(scope, 'ServiceAccount', { metadata: { name: appName, namespace } });
  const config = new kplus.ConfigMap(scope, 'ConfigMap', {
    metadata: { name: appName, namespace },
    data: { ENVIRONMENT: o.environment, CLUSTER: o.clusterName, LOG_LEVEL: o.changed ? 'debug' : 'info' },
  });
  const deployment = new kplus.Deployment(scope, 'Deployment', {
    metadata: { name: appName, namespace, labels },
    podMetadata: { labels },
    serviceAccount: account,
    containers: [{
      name: appName,
      image: o.image,
      ports: [{ number: 8080, name: 'http' }],
      envFrom: [kplus.Env.fromConfigMap(config)],
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
      },
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
    }],
  });
  new kplus.Service(scope, 'Service', {
    metadata: { name: appName, namespace, labels },
    selector: deployment,
    ports: [{ name: 'http', port: o.changed ? 8080 : 80, targetPort: 8080 }],
  });
  new kplus.HorizontalPodAutoscaler(scope, 'Autoscaler', {
    metadata: { name: appName, namespace },
    target: deployment,
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
}
