/**
 * Generated fleets for the benchmark and the property-based tests: `clusters` clusters across three
 * environments and two regions, `apps` applications on every cluster, each rendered as five workload objects
 * (Deployment, Service, ConfigMap, HorizontalPodAutoscaler, ServiceAccount) plus one Argo CD Application.
 */
import { k8s } from 'cdk8s-plus-28';
import { AppProject, Application, ApplicationSource, ClusterCredentials, Fleet, FleetApp, ProjectDestination, SyncPolicy } from '../src';

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
  const environments = ['dev', 'staging', 'production'];
  const regions = ['eu-west-1', 'us-east-1'];
  for (let c = 0; c < options.clusters; c++) {
    const name = `cluster-${String(c).padStart(4, '0')}`;
    const environment = environments[c % environments.length];
    const cluster = fleet.addCluster(name, {
      server: `https://${name}.k8s.example.com`,
      labels: { environment, region: regions[Math.floor(c / environments.length) % regions.length] },
      credentials: ClusterCredentials.awsIam({ clusterName: name }),
    });
    for (let a = 0; a < options.apps; a++) {
      const appName = `app-${String(a).padStart(3, '0')}`;
      const changed = options.changed?.(c, a) ?? false;
      const manifests = cluster.addManifests(appName, { namespace: appName });
      const labels = { 'app.kubernetes.io/name': appName };
      new k8s.KubeServiceAccount(manifests, 'ServiceAccount', { metadata: { name: appName } });
      new k8s.KubeConfigMap(manifests, 'ConfigMap', { metadata: { name: appName }, data: { ENVIRONMENT: environment, CLUSTER: name, LOG_LEVEL: changed ? 'debug' : 'info' } });
      new k8s.KubeDeployment(manifests, 'Deployment', {
        metadata: { name: appName, labels },
        spec: {
          replicas: (environment === 'production' ? 3 : 1) + (changed ? 1 : 0),
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: appName,
              containers: [{
                name: appName,
                image: `ghcr.io/acme/${appName}:1.${a % 10}.${c % 7}`,
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
      new k8s.KubeService(manifests, 'Service', {
        metadata: { name: appName, labels },
        spec: { selector: labels, ports: [{ name: 'http', port: changed ? 8080 : 80, targetPort: k8s.IntOrString.fromString('http') }] },
      });
      new k8s.KubeHorizontalPodAutoscalerV2(manifests, 'Autoscaler', {
        metadata: { name: appName },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: appName },
          minReplicas: 1,
          maxReplicas: 10,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      });
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
