import { createHash } from 'crypto';
import { compareCodeUnits } from './util';

/**
 * Deterministic shard assignment for Argo CD's application controller (`fleet.balanceShards()`).
 *
 * Argo CD's default (`legacy`) algorithm hashes the cluster Secret's `metadata.uid`, which the API server
 * assigns, so placement can be neither known nor reviewed in Git; `round-robin` and `consistent-hashing` are
 * alpha (delivery-secrets-dr-flux-semantics.md §9). An explicit `shard` in the cluster Secret is the only
 * placement fixed in Git, so the library computes one for every cluster that has none:
 *
 * 1. **Consistent hashing with bounded loads.** Every shard owns `VIRTUAL_NODES` points on a ring (sha256 of
 *    `shard-<i>#<v>`); each cluster hashes its name to a point and walks the ring clockwise, which gives it a
 *    preference order over the shards that depends only on its name and the replica count. Clusters are
 *    placed in the order of their hashes (never of registration) into their most preferred shard whose load
 *    (Applications) stays within `(1 + tolerance) × mean`.
 * 2. **Raising underloaded shards.** While a shard is below `(1 − tolerance) × mean`, the cluster that prefers
 *    it most (lowest rank in its preference order) among those that can move without pushing their own shard
 *    below the receiving one, or the receiving one above the cap, moves there.
 *
 * Adding or removing one cluster therefore moves only the clusters whose preferred shards' loads it changes:
 * a few percent of a 500-cluster fleet (test/private/shard-balancing.test.ts measures it). Explicit shards are
 * kept and count toward the loads. A cluster heavier than the band (one cluster with more Applications than
 * a shard should hold) cannot be balanced; the result says so.
 */

/** One cluster to place. */
export interface ShardCandidate {
  readonly name: string;
  /** Its load: the Applications it runs (offline expansion and Workloads). */
  readonly weight: number;
  /** A shard set by the program (`ClusterProps.shard`): kept as is. */
  readonly explicitShard?: number;
}

/** Where each cluster goes and what that gives per shard. */
export interface ShardAssignment {
  readonly replicas: number;
  /** Cluster name → shard, for every cluster (explicit ones included). */
  readonly shards: Map<string, number>;
  /** Clusters whose shard the program set. */
  readonly explicit: Set<string>;
  /** Applications per shard. */
  readonly loads: number[];
  /** Clusters per shard. */
  readonly clusterCounts: number[];
  /** Mean Applications per shard. */
  readonly mean: number;
  /** Why the band could not be met, if it could not. */
  readonly warnings: string[];
}

/** Points per shard on the ring: enough for an even split of the ring among up to a hundred shards. */
const VIRTUAL_NODES = 100;

/**
 * Assigns shards. `replicas` ≥ 1; `tolerance` in (0, 1), the largest relative deviation of a shard's load
 * from the mean that the assignment aims at.
 */
export function assignShards(candidates: readonly ShardCandidate[], replicas: number, tolerance: number): ShardAssignment {
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas (${replicas}) must be a positive integer`);
  if (!(tolerance > 0 && tolerance < 1)) throw new Error(`tolerance (${tolerance}) must be between 0 and 1`);
  const ring = buildRing(replicas);
  const total = candidates.reduce((sum, c) => sum + c.weight, 0);
  const mean = total / replicas;
  const cap = Math.floor((1 + tolerance) * mean);
  const floor = Math.ceil((1 - tolerance) * mean);
  const loads = new Array<number>(replicas).fill(0);
  const counts = new Array<number>(replicas).fill(0);
  const shards = new Map<string, number>();
  const explicit = new Set<string>();
  const warnings: string[] = [];

  for (const c of candidates) {
    if (c.explicitShard === undefined) continue;
    if (c.explicitShard >= replicas) {
      throw new Error(`cluster '${c.name}' has shard ${c.explicitShard}, but the controller runs ${replicas} replica(s) (shards 0–${replicas - 1}); Argo CD v3.5.1 would place it on shard 0 (controller/sharding/cache.go)`);
    }
    shards.set(c.name, c.explicitShard);
    explicit.add(c.name);
    loads[c.explicitShard] += c.weight;
    counts[c.explicitShard]++;
  }

  const movable = candidates
    .filter(c => c.explicitShard === undefined)
    .map(c => ({ ...c, point: hash32(c.name) }))
    .sort((a, b) => a.point - b.point || compareCodeUnits(a.name, b.name));
  const prefs = new Map<string, number[]>();
  for (const c of movable) prefs.set(c.name, preferenceOrder(ring, c.point, replicas));

  for (const c of movable) {
    const order = prefs.get(c.name)!;
    let shard = order.find(s => loads[s] + c.weight <= cap);
    if (shard === undefined) shard = leastLoaded(loads);
    shards.set(c.name, shard);
    loads[shard] += c.weight;
    counts[shard]++;
  }

  const rank = (name: string, shard: number) => prefs.get(name)!.indexOf(shard);
  for (let step = 0; step < movable.length * 2; step++) {
    const low = leastLoaded(loads);
    if (loads[low] >= floor) break;
    let best: (typeof movable)[number] | undefined;
    let bestRank = Infinity;
    for (const c of movable) {
      const from = shards.get(c.name)!;
      if (from === low) continue;
      if (loads[from] - c.weight < loads[low] + c.weight) continue; // would only swap which shard is low
      if (loads[low] + c.weight > cap) continue;
      const r = rank(c.name, low);
      if (r < bestRank) { bestRank = r; best = c; }
    }
    if (!best) break;
    const from = shards.get(best.name)!;
    loads[from] -= best.weight;
    counts[from]--;
    loads[low] += best.weight;
    counts[low]++;
    shards.set(best.name, low);
  }

  if (mean > 0) {
    const worst = Math.max(...loads.map(l => Math.abs(l - mean) / mean));
    if (worst > tolerance) {
      const heavy = candidates.filter(c => c.weight > cap).map(c => `${c.name} (${c.weight})`);
      warnings.push(`shard loads deviate up to ${(worst * 100).toFixed(1)}% from the mean of ${mean.toFixed(1)} Applications, more than the ${(tolerance * 100).toFixed(0)}% aimed at`
        + (heavy.length ? `: ${heavy.join(', ')} alone exceed a shard's share` : explicit.size ? ': explicit shards leave too little to move' : ''));
    }
  }
  return { replicas, shards, explicit, loads, clusterCounts: counts, mean, warnings };
}

interface RingPoint { readonly point: number; readonly shard: number }

function buildRing(replicas: number): RingPoint[] {
  const ring: RingPoint[] = [];
  for (let shard = 0; shard < replicas; shard++) {
    for (let v = 0; v < VIRTUAL_NODES; v++) ring.push({ point: hash32(`shard-${shard}#${v}`), shard });
  }
  return ring.sort((a, b) => a.point - b.point || a.shard - b.shard);
}

/** The shards in the order a cluster at `point` meets them walking the ring clockwise. */
function preferenceOrder(ring: RingPoint[], point: number, replicas: number): number[] {
  let lo = 0;
  let hi = ring.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (ring[mid].point < point) lo = mid + 1; else hi = mid;
  }
  const order: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < ring.length && order.length < replicas; k++) {
    const shard = ring[(lo + k) % ring.length].shard;
    if (!seen.has(shard)) { seen.add(shard); order.push(shard); }
  }
  return order;
}

function leastLoaded(loads: number[]): number {
  let best = 0;
  for (let i = 1; i < loads.length; i++) if (loads[i] < loads[best]) best = i;
  return best;
}

function hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}
