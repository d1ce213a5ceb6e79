import * as fc from 'fast-check';
import { assignShards, ShardCandidate } from '../../src/private/shard-balancing';

/** GIVEN helper: a fleet of `n` clusters whose Application counts vary a lot (0–200, skewed). */
function fleet(n: number, seed: number, prefix = 'cluster'): ShardCandidate[] {
  let x = seed;
  const random = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}`, weight: Math.floor(random() * random() * 200) }));
}

function maxDeviation(loads: number[], mean: number): number {
  return Math.max(...loads.map(l => Math.abs(l - mean) / mean));
}

function moved(a: Map<string, number>, b: Map<string, number>): number {
  let n = 0;
  for (const [name, shard] of a) if (b.has(name) && b.get(name) !== shard) n++;
  return n;
}

describe('assignShards', () => {
  test.each([3, 5, 8, 10])('balances a 500-cluster fleet within 10%% of the mean on %i replicas', replicas => {
    for (const seed of [7, 12345, 99]) {
      // WHEN
      const a = assignShards(fleet(500, seed), replicas, 0.1);
      // THEN
      expect(maxDeviation(a.loads, a.mean)).toBeLessThanOrEqual(0.1);
      expect(a.warnings).toEqual([]);
      expect(a.clusterCounts.reduce((s, c) => s + c, 0)).toBe(500);
    }
  });

  test.each([3, 5, 8, 10])('adding or removing one cluster moves at most 3%% of the others (%i replicas)', replicas => {
    for (const seed of [7, 12345]) {
      // GIVEN
      const clusters = fleet(500, seed);
      const before = assignShards(clusters, replicas, 0.1);
      for (let t = 0; t < 10; t++) {
        // WHEN one cluster joins, or one leaves
        const joined = assignShards([...clusters, { name: `new-${t}`, weight: 20 + 15 * t }], replicas, 0.1);
        const left = assignShards(clusters.filter((_, i) => i !== t * 37), replicas, 0.1);
        // THEN
        expect(moved(before.shards, joined.shards)).toBeLessThanOrEqual(15);
        expect(moved(before.shards, left.shards)).toBeLessThanOrEqual(15);
      }
    }
  });

  test('is independent of the order clusters are registered in', () => {
    fc.assert(fc.property(
      fc.uniqueArray(fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), weight: fc.nat(300) }), { selector: c => c.name, maxLength: 60 }),
      fc.integer({ min: 1, max: 12 }),
      (clusters, replicas) => {
        const a = assignShards(clusters, replicas, 0.1);
        const b = assignShards([...clusters].reverse(), replicas, 0.1);
        expect([...b.shards].sort()).toEqual([...a.shards].sort());
        expect(b.loads).toEqual(a.loads);
        for (const [, shard] of a.shards) expect(shard).toBeLessThan(replicas);
        expect(a.loads.reduce((s, l) => s + l, 0)).toBe(clusters.reduce((s, c) => s + c.weight, 0));
      }));
  });

  test('keeps explicit shards and counts them', () => {
    // GIVEN two clusters pinned to shard 0
    const clusters = [...fleet(40, 3), { name: 'pinned-a', weight: 50, explicitShard: 0 }, { name: 'pinned-b', weight: 10, explicitShard: 0 }];
    // WHEN
    const a = assignShards(clusters, 4, 0.1);
    // THEN
    expect(a.shards.get('pinned-a')).toBe(0);
    expect(a.shards.get('pinned-b')).toBe(0);
    expect([...a.explicit].sort()).toEqual(['pinned-a', 'pinned-b']);
    expect(a.loads.reduce((s, l) => s + l, 0)).toBe(clusters.reduce((s, c) => s + c.weight, 0));
  });

  test('fails on an explicit shard the controller would ignore', () => {
    expect(() => assignShards([{ name: 'a', weight: 1, explicitShard: 3 }], 3, 0.1))
      .toThrow("cluster 'a' has shard 3, but the controller runs 3 replica(s) (shards 0–2); Argo CD v3.5.1 would place it on shard 0 (controller/sharding/cache.go)");
  });

  test('warns when one cluster alone exceeds a shard\'s share', () => {
    const a = assignShards([{ name: 'huge', weight: 1000 }, ...fleet(10, 1)], 3, 0.1);
    expect(a.warnings).toEqual([expect.stringMatching(/^shard loads deviate up to .*% from the mean .*: huge \(1000\) alone exceed a shard's share$/)]);
  });

  test('refuses nonsense parameters', () => {
    expect(() => assignShards([], 0, 0.1)).toThrow('replicas (0) must be a positive integer');
    expect(() => assignShards([], 2, 1.5)).toThrow('tolerance (1.5) must be between 0 and 1');
  });

  test('an empty fleet and one replica are trivial', () => {
    expect(assignShards([], 3, 0.1).loads).toEqual([0, 0, 0]);
    const one = assignShards(fleet(5, 2), 1, 0.1);
    expect([...one.shards.values()]).toEqual([0, 0, 0, 0, 0]);
  });
});
