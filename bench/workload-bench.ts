/**
 * Rendered workloads at fleet scale: C clusters × A `Workload`s × 5 objects (plus each one's Namespace), with typed
 * overrides per environment and region and image tags from a versions file, synthesized end to end (construct,
 * render, fleet proofs, write) into a fresh directory. Prints one JSON line.
 *
 * With `per-cluster` as fourth argument, every Workload sets `renderPerCluster: true` (the definition runs once per
 * cluster), which measures what that hook costs.
 *
 * Usage: ts-node bench/workload-bench.ts <clusters> <apps> <workdir> [per-cluster]
 */
import * as fs from 'fs';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { preloadDeferredModules } from './preload';
import { ClusterCredentials, ClusterMatch, Fleet, FleetApp, IWorkloadDefinition, VersionsFile, Workload, WorkloadContext } from '../src';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const REGIONS = ['eu-west-1', 'us-east-1'];

/** Five objects per application, as L1s (what cdk8s-plus renders them to). */
class AppDefinition implements IWorkloadDefinition {
  public define(scope: Construct, context: WorkloadContext): void {
    const name = context.applicationName;
    const labels = { 'app.kubernetes.io/name': name };
    new k8s.KubeServiceAccount(scope, 'ServiceAccount', { metadata: { name } });
    new k8s.KubeConfigMap(scope, 'ConfigMap', { metadata: { name }, data: { LOG_LEVEL: 'info' } });
    new k8s.KubeDeployment(scope, 'Deployment', {
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            containers: [{
              name,
              image: `ghcr.io/acme/${name}:0.0.0`,
              ports: [{ containerPort: 8080, name: 'http' }],
              envFrom: [{ configMapRef: { name } }],
              resources: { requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('128Mi') } },
              readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('http') } },
            }],
          },
        },
      },
    });
    new k8s.KubeService(scope, 'Service', { metadata: { name, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
    new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Autoscaler', {
      metadata: { name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    });
  }
}

export function workloadFleet(clusters: number, apps: number, outdir: string, renderPerCluster = false): FleetApp {
  const app = new FleetApp({ outdir });
  const fleet = new Fleet(app, 'bench', { repoUrl: 'https://github.com/acme/fleet.git', targetRevision: 'main' });
  for (let c = 0; c < clusters; c++) {
    const name = `cluster-${String(c).padStart(4, '0')}`;
    fleet.addCluster(name, {
      server: `https://${name}.k8s.example.com`,
      labels: { environment: ENVIRONMENTS[c % 3], region: REGIONS[Math.floor(c / 3) % 2], tier: 'apps' },
      credentials: ClusterCredentials.awsIam({ clusterName: name }),
    });
  }
  const lines = ['environments: [dev, staging, production]', 'versions:'];
  for (let a = 0; a < apps; a++) lines.push(`  app-${String(a).padStart(3, '0')}:`, `    dev: 1.${a % 10}.1`, `    staging: 1.${a % 10}.0`, `    production: 1.${a % 10}.0`);
  const versions = new VersionsFile(fleet, 'Versions', { content: lines.join('\n') + '\n' });
  const definition = new AppDefinition();
  for (let a = 0; a < apps; a++) {
    const appName = `app-${String(a).padStart(3, '0')}`;
    new Workload(fleet, appName, {
      namespace: appName,
      matchLabels: { tier: 'apps' },
      image: `ghcr.io/acme/${appName}`,
      versions,
      definition,
      renderPerCluster,
      defaults: { resources: { cpuLimit: '500m', memoryLimit: '256Mi' } },
      overrides: [
        { match: ClusterMatch.environment('production'), settings: { autoscaling: { minReplicas: 3, maxReplicas: 10 } } },
        { match: ClusterMatch.region('us-east-1'), settings: { env: { REGION: 'us-east-1' } } },
      ],
    });
  }
  return app;
}

if (require.main === module) {
  preloadDeferredModules();
  const [clusters, apps, workdir] = [Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 50), process.argv[4] ?? fs.mkdtempSync('/tmp/wl-bench-')];
  const outdir = fs.mkdtempSync(path.join(workdir, 'workloads-'));
  const t0 = process.hrtime.bigint();
  const perCluster = process.argv[5] === 'per-cluster';
  const app = workloadFleet(clusters, apps, outdir, perCluster);
  const t1 = process.hrtime.bigint();
  const result = app.synthTree();
  const t2 = process.hrtime.bigint();
  const ms = (a: bigint, b: bigint) => Math.round(Number(b - a) / 1e6);
  // The disk at that moment: the same files copied with plain writeFileSync into another directory (their
  // bytes are read back from the page cache first, so the copy measures writing only).
  const contents = result.written.map(rel => [rel, fs.readFileSync(path.join(outdir, rel))] as const);
  const raw = fs.mkdtempSync(path.join(workdir, 'raw-'));
  const t3 = process.hrtime.bigint();
  for (const [rel, bytes] of contents) {
    const target = path.join(raw, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  const t4 = process.hrtime.bigint();
  console.log(JSON.stringify({
    rawWriteMs: ms(t3, t4),
    clusters,
    apps,
    perCluster,
    objects: result.objectCount,
    constructMs: ms(t0, t1),
    renderMs: result.renderMilliseconds,
    writeMs: result.writeMilliseconds,
    totalMs: ms(t0, t2),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}
