import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import {
  AppProject, ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, Fleet, FleetApp, HelmApplication, IWorkloadDefinition,
  LabelSelectorOperator, ProjectDestination, TemplateParam, VersionsFile, Workload, WorkloadContext, WorkloadOutput,
} from '../../src';
import { treeSnapshot } from '../util';

// The tree's bytes depend on the program only: not on the machine's locale or timezone, not on the order in
// which clusters are registered (issue #11 §6).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-determinism-'));

describe('determinism', () => {
  test('the example fleet with acknowledged removals synthesizes to the same bytes under tr_TR, lt_LT, da_DK and other timezones', () => {
    // GIVEN
    const script = path.join(__dirname, '..', 'gitops', 'fixtures', 'synth-locale.ts');
    const run = (env: Record<string, string>) => {
      const outdir = tmp();
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script, outdir], { env: { ...process.env, ...env }, stdio: 'pipe' });
      const tree = treeSnapshot(outdir);
      delete tree['.cdk8s-fleet/stat-cache']; // local state, git-ignored
      delete tree['.cdk8s-fleet/verdict-cache'];
      return tree;
    };
    // WHEN
    const reference = run({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const others = [
      { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      { TZ: 'America/St_Johns', LANG: 'lt_LT.UTF-8', LC_ALL: 'lt_LT.UTF-8' },
      { TZ: 'Asia/Kathmandu', LANG: 'da_DK.UTF-8', LC_ALL: 'da_DK.UTF-8' },
    ].map(run);
    // THEN
    expect(Object.keys(reference).length).toBeGreaterThan(40);
    for (const other of others) expect(other).toStrictEqual(reference);
    // … and the acknowledgements are in code-unit order of cluster, then application
    const acks = (yaml.load(reference['acknowledged-removals.yaml']) as any).acknowledgedRemovals.map((a: any) => `${a.cluster}/${a.application}`);
    expect(acks).toEqual(['aarhus-1/*', 'chur-1/*', 'h-1/*', 'ijssel-1/*', 'jump-1/*', 'prod-eu-10/*', 'prod-eu-2/*', 'yard-1/*', 'zulu-1/*', 'zulu-1/web']);
  });

  test('property: registering the clusters in any order gives byte-identical trees', () => {
    const clusters = [
      { name: 'dev-eu-1', labels: { environment: 'dev', region: 'eu', tier: 'web' } },
      { name: 'dev-us-1', labels: { environment: 'dev', region: 'us', tier: 'web' } },
      { name: 'prod-eu-1', labels: { environment: 'production', region: 'eu', tier: 'web' } },
      { name: 'prod-eu-2', labels: { environment: 'production', region: 'eu', tier: 'edge' } },
      { name: 'prod-us-1', labels: { environment: 'production', region: 'us', tier: 'web' } },
      { name: 'staging-eu-1', labels: { environment: 'staging', region: 'eu', tier: 'web' } },
    ];
    const reference = orderedFleet(clusters).renderFiles();
    fc.assert(fc.property(fc.shuffledSubarray(clusters, { minLength: clusters.length }), order => {
      expect(orderedFleet(order).renderFiles()).toStrictEqual(reference);
    }), { numRuns: 12 });
  });
});

const VERSIONS = 'environments: [dev, staging, production]\nversions:\n  api:\n    dev: 1.2.0\n    staging: 1.1.0\n    production: 1.0.0\n'
  + '  mon:\n    dev: 2.0.0\n    staging: 2.0.0\n    production: 2.0.0\n';

/** A workload whose variants differ per region (objects only some regions have), so kinds reach its project per variant. */
class Api implements IWorkloadDefinition {
  /** `name`: of the cluster-scoped ClusterRole (two workloads sharing one would fail the unshared-objects proof). */
  public constructor(private readonly name: string) {}
  public define(scope: Construct, context: WorkloadContext): void {
    new k8s.KubeConfigMap(scope, 'config', { metadata: { name: 'api' }, data: { region: context.clusterName ?? 'all' } });
    if (context.clusterName?.includes('-us-')) new k8s.KubeServiceAccount(scope, 'sa', { metadata: { name: 'api' } });
    if (context.clusterName?.includes('-eu-')) new k8s.KubeClusterRole(scope, 'role', { metadata: { name: `${this.name}-reader` } });
  }
}

/** A fleet that registers `clusters` in the given order, with everything that derives from the registry. */
function orderedFleet(clusters: Array<{ name: string; labels: Record<string, string> }>): FleetApp {
  const app = new FleetApp({ outdir: '/nonexistent/not-written' });
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  for (const c of clusters) {
    fleet.addCluster(c.name, { server: `https://${c.name}.k8s.example.com`, labels: c.labels, credentials: ClusterCredentials.gkeWorkloadIdentity() });
  }
  const versions = new VersionsFile(fleet, 'Versions', { content: VERSIONS });
  new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'web' }, image: 'ghcr.io/acme/api', versions, definition: new Api('api'), renderPerCluster: true });
  new Workload(fleet, 'shop', { namespace: 'shop', matchLabels: { tier: 'web' }, definition: new Api('shop'), output: WorkloadOutput.KUSTOMIZE, renderPerCluster: true });
  new HelmApplication(fleet, 'mon', {
    namespace: 'mon',
    repoUrl: 'https://charts.example.com',
    chart: 'mon',
    versions,
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }],
    valuesByLabel: [{ labelKey: 'region', values: { eu: { r: 'eu' }, us: { r: 'us' } } }],
  });
  const project = new AppProject(fleet, 'team', { sourceRepos: ['https://charts.example.com'], destinations: [ProjectDestination.anyCluster('web')] });
  new ApplicationSet(fleet, 'web', {
    generators: [new ClusterGenerator({ matchExpressions: [{ key: 'tier', operator: LabelSelectorOperator.IN, values: ['web', 'edge'] }] })],
    template: {
      applicationName: `web-${TemplateParam.clusterName()}`,
      destinationNamespace: 'web',
      project,
      source: ApplicationSource.helm({ repoUrl: 'https://charts.example.com', chart: 'web', version: '1.0.0' }),
    },
  });
  return app;
}
