/**
 * The offline ApplicationSet expansion at fleet scale: 1,000 cluster Secrets × 100 ApplicationSets (cluster
 * generators with selectors and values, cluster × list matrices, merges and post-selectors, Go templates with
 * sprig functions), expanded as `cdk8s-fleet plan` and the synth-time proofs do. Prints one JSON line.
 */
import { readClusterSecrets } from '../src/expansion/cluster-secrets';
import { expandApplicationSet } from '../src/expansion/expand';

const ENVS = ['dev', 'staging', 'production'];
const REGIONS = ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2', 'ap-south-1'];

export function clusterSecrets(count: number): any[] {
  return Array.from({ length: count }, (_x, i) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: `cluster-c${i}`,
      namespace: 'argocd',
      labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'environment': ENVS[i % 3], 'region': REGIONS[i % 5], 'tier': i % 7 === 0 ? 'critical' : 'standard' },
      annotations: { 'acme.io/owner': `team-${i % 11}` },
    },
    stringData: { name: `c${i}`, server: `https://c${i}.k8s.example.com`, config: '{}' },
  }));
}

export function applicationSets(count: number): any[] {
  const template = (name: string) => ({
    metadata: { name, labels: { env: '{{ index .metadata.labels "environment" }}' }, annotations: { owner: '{{ index .metadata.annotations "acme.io/owner" }}' } },
    spec: {
      project: 'default',
      source: { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'clusters/{{.name}}/{{ .values.app | default "x" }}', helm: { valuesObject: { region: '{{ index .metadata.labels "region" | upper }}', replicas: '3' } } },
      destination: { name: '{{.name}}', namespace: '{{ .values.app | default "apps" }}' },
      syncPolicy: { syncOptions: ['CreateNamespace=true'] },
    },
  });
  return Array.from({ length: count }, (_x, i) => {
    const kind = i % 4;
    let generators: any[];
    if (kind === 0) {
      generators = [{ clusters: { selector: { matchLabels: { environment: ENVS[i % 3] } }, values: { app: `app${i}` } } }];
    } else if (kind === 1) {
      generators = [{ clusters: { selector: { matchExpressions: [{ key: 'region', operator: 'In', values: [REGIONS[i % 5], REGIONS[(i + 1) % 5]] }] }, values: { app: `app${i}` } } }];
    } else if (kind === 2) {
      generators = [{
        matrix: {
          generators: [
            { clusters: { selector: { matchLabels: { tier: 'critical' } }, values: { app: `app${i}` } } },
            { list: { elements: [{ component: 'api' }, { component: 'worker' }, { component: 'cron' }] } },
          ],
        },
      }];
    } else {
      generators = [{
        merge: {
          mergeKeys: ['server'],
          generators: [
            { clusters: { selector: { matchLabels: { environment: 'production' } }, values: { app: `app${i}` } } },
            { clusters: { selector: { matchLabels: { tier: 'critical' } }, values: { app: `app${i}-critical` } } },
          ],
        },
        selector: { matchExpressions: [{ key: 'metadata.labels.region', operator: 'NotIn', values: ['ap-south-1'] }] },
      }];
    }
    const name = kind === 2 ? `app${i}-{{.component}}-{{.name}}` : `app${i}-{{.name}}`;
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: `app${i}`, namespace: 'argocd' },
      spec: { goTemplate: true, goTemplateOptions: ['missingkey=error'], generators, template: template(name), syncPolicy: { preserveResourcesOnDeletion: true } },
    };
  });
}

export function runExpansionBench(clusterCount: number, appSetCount: number): any {
  const secrets = clusterSecrets(clusterCount);
  const sets = applicationSets(appSetCount);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const { clusters } = readClusterSecrets(secrets);
  let applications = 0;
  let failed = 0;
  for (const s of sets) {
    const r = expandApplicationSet(s, { clusters, projects: new Set(['default']) });
    applications += r.applications.length;
    if (r.error || r.rejected.length) failed++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return {
    clusters: clusterCount,
    applicationSets: appSetCount,
    applications,
    failed,
    ms: Math.round(ms),
    // CPU time of this process: on a shared machine, steadier than the wall clock.
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    applicationsPerSecond: Math.round(applications / (ms / 1000)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (require.main === module) {
  console.log(JSON.stringify(runExpansionBench(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 100))));
}
