import * as yaml from 'js-yaml';
import { ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, Fleet, FleetApp, SecretStoreReference, TemplateParam } from '../../src';
import { planText } from '../../src/gitops/fleet-plan';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

// Fleet.balanceControllerShards: every cluster without an explicit shard gets one in its cluster Secret at
// synth, balancing the Applications (offline expansion) per shard; the plan reports the shards.

/** GIVEN a fleet of `count` clusters in `tiers` tiers, and one ApplicationSet per tier and app: tier t runs t + 1 apps. */
function shardedFleet(count: number, options: { tiers?: number; pin?: Record<string, number> } = {}): { app: FleetApp; fleet: Fleet } {
  const { app, fleet } = testFleet();
  const tiers = options.tiers ?? 3;
  for (let i = 0; i < count; i++) {
    const name = `c${String(i).padStart(3, '0')}`;
    fleet.addCluster(name, {
      server: `https://${name}.k8s.example.com`,
      labels: { tier: `t${i % tiers}` },
      credentials: ClusterCredentials.awsIam({ clusterName: name }),
      shard: options.pin?.[name],
    });
  }
  for (let t = 0; t < tiers; t++) {
    for (let a = 0; a <= t; a++) {
      new ApplicationSet(fleet, `t${t}-app${a}`, {
        generators: [new ClusterGenerator({ matchLabels: { tier: `t${t}` } })],
        template: { applicationName: `t${t}-app${a}-${TemplateParam.clusterName()}`, destinationNamespace: 'apps', source: ApplicationSource.git({ path: `apps/${a}` }) },
      });
    }
  }
  return { app, fleet };
}

function shardsOf(app: FleetApp): Map<string, number> {
  const out = new Map<string, number>();
  for (const [p, o] of Object.entries(renderObjects(app))) {
    if (p.startsWith('argocd/platform/clusters/') && o.kind === 'Secret') out.set(o.stringData.name, Number(o.stringData.shard));
  }
  return out;
}

describe('Fleet.balanceControllerShards', () => {
  test('GIVEN 60 clusters of uneven load WHEN balanced over 4 replicas THEN every cluster Secret has a shard and Applications are within 10% of the mean', () => {
    // GIVEN
    const { app, fleet } = shardedFleet(60);
    // WHEN
    fleet.balanceControllerShards({ replicas: 4 });
    const { plan } = app._render();
    // THEN
    const shards = shardsOf(app);
    expect(shards.size).toBe(60);
    for (const s of shards.values()) expect([0, 1, 2, 3]).toContain(s);
    expect(plan.shards!.replicas).toBe(4);
    const loads = plan.shards!.shards.map(s => s.applications);
    const total = loads.reduce((a, b) => a + b, 0);
    expect(total).toBe(20 * 1 + 20 * 2 + 20 * 3);
    for (const l of loads) expect(Math.abs(l - total / 4) / (total / 4)).toBeLessThanOrEqual(0.1);
    expect(plan.shards!.shards.reduce((n, s) => n + s.clusters.length, 0)).toBe(60);
    expect(planText(plan)).toContain('Controller shards (4 replicas):');
    expect(planText(plan)).toMatch(/shard 0: \d+ clusters, \d+ Applications/);
  });

  test('GIVEN the same program twice WHEN rendered THEN the shards are the same (deterministic)', () => {
    const a = shardedFleet(30);
    a.fleet.balanceControllerShards({ replicas: 3 });
    const b = shardedFleet(30);
    b.fleet.balanceControllerShards({ replicas: 3 });
    expect([...shardsOf(a.app)]).toEqual([...shardsOf(b.app)]);
  });

  test('GIVEN an explicit shard WHEN balanced THEN it is kept and counts toward its shard', () => {
    const { app, fleet } = shardedFleet(12, { pin: { c000: 2, c001: 2 } });
    fleet.balanceControllerShards({ replicas: 3 });
    const shards = shardsOf(app);
    expect(shards.get('c000')).toBe(2);
    expect(shards.get('c001')).toBe(2);
    expect(app._render().plan.shards!.shards[2].clusters).toEqual(expect.arrayContaining(['c000', 'c001']));
  });

  test('GIVEN one more cluster WHEN balanced again THEN few clusters move', () => {
    const before = shardedFleet(100);
    before.fleet.balanceControllerShards({ replicas: 5 });
    const after = shardedFleet(101);
    after.fleet.balanceControllerShards({ replicas: 5 });
    const a = shardsOf(before.app);
    const b = shardsOf(after.app);
    const moved = [...a].filter(([name, s]) => b.get(name) !== s).length;
    expect(moved).toBeLessThanOrEqual(10);
  });

  test('GIVEN a cluster whose credentials come from a secret store WHEN balanced THEN the ExternalSecret template carries the shard, data keys in order', () => {
    const { app, fleet } = testFleet();
    fleet.addCluster('edge', {
      server: 'https://edge.example.com',
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'argocd/clusters/edge' }),
    });
    fleet.balanceControllerShards({ replicas: 1 });
    const es = renderObjects(app)['argocd/platform/clusters/ExternalSecret.cluster-edge.yaml'];
    expect(es.spec.target.template.data.shard).toBe('0');
    const keys = Object.keys(es.spec.target.template.data);
    expect(keys).toEqual([...keys].sort());
  });

  test('GIVEN a load limit WHEN a shard exceeds it THEN the plan warns', () => {
    const { app, fleet } = shardedFleet(9);
    fleet.balanceControllerShards({ replicas: 2, maxApplicationsPerShard: 5 });
    const text = planText(app._render().plan);
    expect(text).toMatch(/warning: shard \d reconciles \d+ Applications, more than the limit of 5/);
  });

  test('GIVEN bad options THEN every problem is reported at once, naming the fleet', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => fleet.balanceControllerShards({ replicas: 0, tolerance: 1.5, maxApplicationsPerShard: -1 }))).toBe([
      "Invalid controller sharding at 'platform':",
      "  [platform] 'replicas' (0) must be an integer from 1 to 1000",
      "  [platform] 'tolerance' (1.5) must be a number between 0 and 1 (exclusive), e.g. 0.1 for 10%",
      "  [platform] 'maxApplicationsPerShard' (-1) must be a positive integer",
    ].join('\n'));
    fleet.balanceControllerShards({ replicas: 2 });
    expect(errorOf(() => fleet.balanceControllerShards({ replicas: 2 }))).toContain('call balanceControllerShards() once');
    expect(fleet.controllerSharding).toEqual({ replicas: 2 });
  });

  test('GIVEN an explicit shard at or above the replica count THEN synth fails naming the cluster', () => {
    const { app, fleet } = testFleet();
    fleet.addCluster('big', { server: 'https://big.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'big' }), shard: 3 });
    addCluster(fleet, 'small');
    fleet.balanceControllerShards({ replicas: 3 });
    expect(errorOf(() => app.renderFiles())).toContain(
      "[platform] Cluster 'big' at 'platform/big': 'shard' (3) must be below the controller's 3 replica(s) (shards 0–2): Argo CD v3.5.1's controller reconciles a cluster pinned above its shards on shard 0");
  });

  test('GIVEN no balancing THEN cluster Secrets have no shard and the plan has no shard section', () => {
    const { app, fleet } = shardedFleet(3);
    void fleet;
    expect([...shardsOf(app).values()].every(Number.isNaN)).toBe(true);
    expect(app._render().plan.shards).toBeUndefined();
    expect(yaml.dump(renderObjects(app))).not.toContain('shard');
  });
});
