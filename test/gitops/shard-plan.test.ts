import { ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, FleetApp, TemplateParam } from '../../src';
import { diffCommand, planCommand, positiveInteger } from '../../src/cli/plan';
import { diffMarkdown, diffJson } from '../../src/gitops/diff-report';
import { modelFromEntries } from '../../src/gitops/fleet-model';
import { computePlan, planJson } from '../../src/gitops/fleet-plan';
import { diffPlans } from '../../src/gitops/plan-diff';
import { planShards } from '../../src/gitops/shard-plan';
import { testFleet } from '../util';

// The plan's controller-shard section (read from the cluster Secrets' `shard`, as Argo CD v3.5.1 reads it:
// util/db/cluster.go SecretToCluster, strconv.ParseInt; controller/sharding/sharding.go GetClusterFilter uses it
// only below the replica count) and the diff's shard moves.

function clusterSecret(name: string, shard?: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `cluster-${name}`, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
    stringData: { name, server: `https://${name}.example.com`, config: '{}', ...(shard !== undefined ? { shard } : {}) },
  };
}

function application(name: string, cluster: string): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', destination: { name: cluster, namespace: 'x' }, source: { repoURL: 'https://example.com/r.git', path: 'p' } },
  };
}

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

  test('GIVEN the replica count THEN every shard is listed, and a pin at or above it is one Argo CD ignores', () => {
    const plan = planOf([clusterSecret('a', '0'), clusterSecret('b', '3')], [], { replicas: 3 });
    expect(plan.shards!.shards.map(s => s.shard)).toEqual([0, 1, 2]);
    expect(plan.shards!.unpinned).toEqual(['b']);
    expect(plan.shards!.warnings).toEqual(["cluster 'b': shard 3 is outside 0–2; Argo CD ignores it and its algorithm places the cluster"]);
  });

  test('GIVEN a shard strconv.ParseInt rejects THEN the plan warns that Argo CD rejects the Secret', () => {
    for (const bad of ['x', '1.0', ' 1', '', '0x1', '9223372036854775808', '-9223372036854775809']) {
      const p = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: bad }], [])!;
      expect(p.shards).toEqual([]); // nothing pinned, no replicas: only the warning
      expect(p.warnings[0]).toContain('is not an integer; Argo CD rejects the cluster Secret');
      const withReplicas = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: bad }], [], { replicas: 2 })!;
      expect(withReplicas.warnings[0]).toContain('is not an integer; Argo CD rejects the cluster Secret');
    }
    // A huge shard is listed alone (no array of that size), and outside the replicas it is ignored.
    const huge = planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: '9223372036854775807' }], [])!;
    expect(huge.shards).toHaveLength(1);
    expect(planShards([{ name: 'a', server: 's', project: '', labels: {}, annotations: {}, secretName: 'cluster-a', shard: '-1' }], [])!.unpinned).toEqual(['a']);
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
    const out = planCommand(tree, { controllerReplicas: 3, maxApplicationsPerShard: 2 });
    expect(out.stdout).toContain('Controller shards (3 replicas):');
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

  test('GIVEN a bad number option THEN a usage error names it', () => {
    expect(() => positiveInteger('--controller-replicas', '0')).toThrow('--controller-replicas ("0") must be a positive integer');
    expect(positiveInteger('--controller-replicas', '4')).toBe(4);
  });
});
