import { ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, FleetApp, TemplateParam } from '../../src';
import { application, clusterSecret } from './fixtures/shard-objects';
import { diffCommand, planCommand } from '../../src/cli/plan';
import { diffJson, diffMarkdown, diffText, hasDifferences } from '../../src/gitops/diff-report';
import { modelFromEntries } from '../../src/gitops/fleet-model';
import { computePlan, planJson, planText } from '../../src/gitops/fleet-plan';
import { diffPlans } from '../../src/gitops/plan-diff';
import { planShards } from '../../src/gitops/shard-plan';
import { testFleet } from '../util';

// The plan's controller-shard section (read from the cluster Secrets' `shard`, as Argo CD v3.5.1 reads it:
// util/db/cluster.go SecretToCluster, strconv.ParseInt; controller/sharding/cache.go updateDistribution keeps it
// below the replica count and places the cluster on shard 0 otherwise) and the diff's shard moves.

function planOf(secrets: any[], apps: any[] = [], options = {}) {
  const entries = [...secrets, ...apps].map((object, i) => ({ path: `argocd/f/${i}.yaml`, object }));
  return computePlan(modelFromEntries(entries), [], options);
}

describe('planShards', () => {
  test('GIVEN pinned clusters WHEN planned THEN Applications and clusters per shard, unpinned clusters listed', () => {
    const plan = planOf([clusterSecret('a', '0'), clusterSecret('b', '1'), clusterSecret('c', '1'), clusterSecret('d')],
      [application('x', 'a'), application('y', 'b'), application('z', 'c'), application('w', 'c')]);
    expect(plan.shards!.shards).toEqual([
      { shard: 0, clusters: ['a'], applications: 1 },
      { shard: 1, clusters: ['b', 'c'], applications: 3 },
    ]);
    expect(plan.shards!.unpinned).toEqual(['d']);
    expect(plan.shards!.warnings).toEqual([]);
    expect(planJson(plan).shards).toEqual({ replicas: undefined, shards: plan.shards!.shards, unpinned: ['d'], warnings: [] });
  });

  test('GIVEN no pinned cluster and no replica count THEN there is no shard section', () => {
    expect(planOf([clusterSecret('a'), clusterSecret('b')]).shards).toBeUndefined();
  });

  test('GIVEN the replica count THEN every shard is listed, and a cluster pinned at or above it is reconciled on shard 0', () => {
    // Argo CD v3.5.1 controller/sharding/cache.go updateDistribution ("Using shard 0."); cache_test.go
    // TestClusterSharding_ClusterShardOfResourceShouldNotBeChanged: shard 999 with 2 replicas → 0.
    const plan = planOf([clusterSecret('a', '1'), clusterSecret('b', '3'), clusterSecret('c', '999')],
      [application('x', 'a'), application('y', 'b'), application('z', 'c')], { replicas: 3 });
    expect(plan.shards!.shards).toEqual([
      { shard: 0, clusters: ['b', 'c'], applications: 2 },
      { shard: 1, clusters: ['a'], applications: 1 },
      { shard: 2, clusters: [], applications: 0 },
    ]);
    expect(plan.shards!.unpinned).toEqual([]);
    expect(plan.shards!.pinned.get('c')).toBe(0);
    expect(plan.shards!.ignoredPins).toEqual(new Map([['b', 3], ['c', 999]]));
    expect(plan.shards!.warnings).toEqual([
      "cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0",
      "cluster 'c': shard 999 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0",
    ]);
  });

  test('GIVEN a negative shard THEN no replica reconciles the cluster, with or without the replica count', () => {
    // cache.go updateDistribution keeps any shard below the replica count, a negative one too, and
    // IsManagedCluster compares it with the replica's own shard (0…replicas−1): no replica matches.
    for (const options of [{}, { replicas: 2 }]) {
      const plan = planOf([clusterSecret('a', '-1'), clusterSecret('b', '0')], [application('x', 'a')], options);
      expect(plan.shards!.pinned.get('a')).toBe(-1);
      expect(plan.shards!.shards.flatMap(s => s.clusters)).toEqual(['b']);
      expect(plan.shards!.unpinned).toEqual([]);
      expect(plan.shards!.warnings).toEqual(["cluster 'a': shard -1 is negative; no controller replica reconciles the cluster"]);
    }
  });

  test('GIVEN a load limit THEN the plan text and JSON state the setup and the shards above it', () => {
    const plan = planOf([clusterSecret('a', '0'), clusterSecret('b', '0'), clusterSecret('c', '1')],
      [application('x', 'a'), application('y', 'b'), application('z', 'c')], { replicas: 2, maxApplicationsPerShard: 1 });
    expect(plan.shards!.overloaded).toEqual([0]);
    expect(planText(plan)).toContain([
      '  Controller shards (2 replicas, at most 1 Applications each):',
      '    shard 0: 2 clusters, 2 Applications',
      '    shard 1: 1 cluster, 1 Application',
      '    warning: shard 0 reconciles 2 Applications, more than the limit of 1',
    ].join('\n'));
    expect(planJson(plan).shards).toMatchObject({ replicas: 2, maxApplicationsPerShard: 1, warnings: ['shard 0 reconciles 2 Applications, more than the limit of 1'] });
  });

  test('GIVEN a shard strconv.ParseInt rejects THEN the plan warns that Argo CD rejects the Secret', () => {
    for (const bad of ['x', '1.0', ' 1', '', '0x1', '9223372036854775808', '-9223372036854775809']) {
      const p = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: bad }], [])!;
      expect(p.shards).toEqual([]); // nothing pinned, no replicas: only the warning
      expect(p.warnings[0]).toContain('is not an integer; Argo CD rejects the cluster Secret');
      expect(p.unreadablePins.get('a')).toBe(bad);
      const withReplicas = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: bad }], [], { replicas: 2 })!;
      expect(withReplicas.warnings[0]).toContain('is not an integer; Argo CD rejects the cluster Secret');
    }
    // A huge shard is listed alone (no array of that size), and outside the replicas it is ignored.
    const huge = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: '9223372036854775807' }], [])!;
    expect(huge.shards).toHaveLength(1);
    expect(planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: '-1' }], [])!.orphanedPins.get('a')).toBe(-1);
    // A sign is accepted by ParseInt.
    expect(planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: '+1' }], [])!.pinned.get('a')).toBe(1);
  });
});

describe('shard moves in the diff', () => {
  test('GIVEN clusters whose shard changes WHEN diffed THEN the moves are listed, added clusters are not moves', () => {
    const base = planOf([clusterSecret('a', '0'), clusterSecret('b', '1'), clusterSecret('c')]);
    const head = planOf([clusterSecret('a', '1'), clusterSecret('b', '1'), clusterSecret('c', '0'), clusterSecret('new', '0')]);
    const diff = diffPlans(base, head, []);
    expect(diff.shardMoves).toEqual([{ cluster: 'a', from: 0, to: 1 }, { cluster: 'c', from: undefined, to: 0 }]);
    expect(diffMarkdown(diff)).toContain('**Clusters that move controller shard (2; each restarts its reconciliation there):** a: shard 0 → shard 1, c: algorithm → shard 0');
    expect(diffJson(diff).shardMoves).toEqual(diff.shardMoves);
    expect(hasDifferences(diff)).toBe(true);
  });

  test('GIVEN the replica count WHEN a pin is raised to it THEN the cluster moves to shard 0 and the warning is new', () => {
    const apps = [application('x', 'a'), application('y', 'b')];
    const base = planOf([clusterSecret('a', '1'), clusterSecret('b', '2')], apps, { replicas: 3 });
    const head = planOf([clusterSecret('a', '1'), clusterSecret('b', '3')], apps, { replicas: 3 });
    // WHEN
    const diff = diffPlans(base, head, []);
    // THEN
    expect(diff.shardMoves).toEqual([{ cluster: 'b', from: 2, to: 0 }]);
    expect(diff.shards).toEqual({
      replicas: 3,
      maxApplicationsPerShard: undefined,
      loads: [
        { shard: 0, clusters: { before: 0, after: 1 }, applications: { before: 0, after: 1 }, overLimit: false },
        { shard: 2, clusters: { before: 1, after: 0 }, applications: { before: 1, after: 0 }, overLimit: false },
      ],
      warnings: ["cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0"],
      newWarnings: ["cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0"],
      resolvedWarnings: [],
    });
    const md = diffMarkdown(diff);
    expect(md).toContain('**Clusters that move controller shard (1; each restarts its reconciliation there):** b: shard 2 → shard 0');
    expect(md).toContain("**⚠️ Controller shard warnings this change introduces (1):**\n\n- cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0\n");
    expect(md).toContain('### Controller shards (3 replicas)\n\n- shard 0: 0 → 1 cluster, 0 → 1 Application\n- shard 2: 1 → 0 clusters, 1 → 0 Applications\n');
    expect(diffJson(diff).shards).toEqual(diff.shards);
    // WHEN the same trees are reviewed without the replica count THEN 3 is just another shard
    const unaware = diffPlans(planOf([clusterSecret('a', '1'), clusterSecret('b', '2')], apps), planOf([clusterSecret('a', '1'), clusterSecret('b', '3')], apps), []);
    expect(unaware.shardMoves).toEqual([{ cluster: 'b', from: 2, to: 3 }]);
    expect(unaware.shards!.newWarnings).toEqual([]);
  });

  test('GIVEN a load limit WHEN a change pushes a shard above it THEN the warning is new, the load row flagged; a fix resolves it', () => {
    const secrets = [clusterSecret('a', '0'), clusterSecret('b', '1')];
    const options = { replicas: 2, maxApplicationsPerShard: 2 };
    const base = planOf(secrets, [application('x', 'a'), application('y', 'b')], options);
    const head = planOf(secrets, [application('x', 'a'), application('y', 'b'), application('y2', 'b'), application('y3', 'b')], options);
    // WHEN
    const diff = diffPlans(base, head, []);
    // THEN
    expect(diff.shards!.loads).toEqual([{ shard: 1, clusters: { before: 1, after: 1 }, applications: { before: 1, after: 3 }, overLimit: true }]);
    expect(diff.shards!.newWarnings).toEqual(['shard 1 reconciles 3 Applications, more than the limit of 2']);
    const text = diffText(diff);
    expect(text).toContain('⚠️ Controller shard warnings this change introduces (1):\n\n- shard 1 reconciles 3 Applications, more than the limit of 2\n');
    expect(text).toContain('== Controller shards (2 replicas, at most 2 Applications each)\n\n- shard 1: 1 cluster, 1 → 3 Applications — ⚠️ above the limit\n');
    // WHEN a later change grows it further THEN the warning is not new again, but still counted
    const further = diffPlans(head, planOf(secrets, [application('x', 'a'), application('y', 'b'), application('y2', 'b'), application('y3', 'b'), application('y4', 'b')], options), []);
    expect(further.shards!.newWarnings).toEqual([]);
    expect(diffMarkdown(further)).toContain('- shard 1: 1 cluster, 3 → 4 Applications — ⚠️ above the limit\n\n1 warning(s) unchanged from the base (`cdk8s-fleet plan` lists them).');
    // WHEN the change is reverted THEN the warning is resolved
    const fixed = diffPlans(head, base, []);
    expect(fixed.shards!.resolvedWarnings).toEqual(['shard 1 reconciles 3 Applications, more than the limit of 2']);
    expect(diffMarkdown(fixed)).toContain('Warnings this change resolves (1):\n\n- shard 1 reconciles 3 Applications, more than the limit of 2');
  });

  test('GIVEN no change THEN there is no shard section, however many warnings the tree has', () => {
    const plan = planOf([clusterSecret('a', '5')], [application('x', 'a')], { replicas: 2 });
    const diff = diffPlans(plan, plan, []);
    expect(diff.shards!.loads).toEqual([]);
    expect(diff.shards!.newWarnings).toEqual([]);
    expect(diffMarkdown(diff)).not.toContain('Controller shard');
    expect(hasDifferences(diff)).toBe(false);
  });

  test('GIVEN many shards whose load changes THEN the load rows fold under a summary and the new warnings are capped', () => {
    const n = 300;
    const secrets = Array.from({ length: n }, (_, i) => clusterSecret(`c${i}`, String(i)));
    const options = { replicas: n, maxApplicationsPerShard: 1 };
    const base = planOf(secrets, secrets.map((_, i) => application(`a${i}`, `c${i}`)), options);
    const head = planOf(secrets, secrets.flatMap((_, i) => [application(`a${i}`, `c${i}`), ...(i < 30 ? [application(`b${i}`, `c${i}`)] : [])]), options);
    // WHEN
    const md = diffMarkdown(diffPlans(base, head, []));
    // THEN the 30 rows fold under a summary, and the 30 new warnings are cut at 20
    expect(md).toContain('<details><summary>30 shard(s) change load</summary>');
    expect(md).toContain('- … and 10 more (`--json` lists them all)');
  });
});

describe('cdk8s-fleet plan and diff on balanced trees', () => {
  function synth(clusters: number): string {
    const { app, fleet } = testFleet();
    for (let i = 0; i < clusters; i++) {
      fleet.addCluster(`c${i}`, { server: `https://c${i}.example.com`, labels: { env: 'prod' }, credentials: ClusterCredentials.awsIam({ clusterName: `c${i}` }) });
    }
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { env: 'prod' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) },
    });
    fleet.balanceControllerShards({ replicas: 3 });
    app.synth();
    return (app as FleetApp).outdir;
  }

  test('GIVEN a synthesized balanced tree WHEN planned from disk THEN the shard section matches the synth-time plan', () => {
    const tree = synth(9);
    const out = planCommand(tree, { sharding: { replicas: 3, maxApplicationsPerShard: 2 } });
    expect(out.stdout).toContain('Controller shards (3 replicas, at most 2 Applications each):');
    expect(out.stdout).toMatch(/shard 2: 3 clusters, 3 Applications/);
    expect(out.stdout).toContain('warning: shard 0 reconciles 3 Applications, more than the limit of 2');
  });

  test('GIVEN one more cluster WHEN diffed THEN the report lists the clusters that move shard, if any', () => {
    const base = synth(9);
    const head = synth(10);
    const out = diffCommand(base, head, { json: true });
    const moves = JSON.parse(out.stdout).shardMoves as any[];
    expect(moves.length).toBeLessThanOrEqual(3);
    for (const m of moves) expect(m.from).not.toBe(m.to);
  });
});
