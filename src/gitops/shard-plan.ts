import type { ClusterPlan } from './fleet-plan';
import type { ClusterSecret } from '../expansion/cluster-secrets';
import { compareCodeUnits } from '../private/util';

/**
 * The application-controller shards of a plan: which clusters each shard reconciles and how many Applications
 * that makes, read from the cluster Secrets' `shard` field (the only placement fixed in Git; Argo CD's
 * algorithms place the other clusters at runtime, from the Secret's API-server-assigned uid). Argo CD reads
 * `shard` with `strconv.ParseInt(…, 10, 64)` (util/db/cluster.go `SecretToCluster`, v3.5.1) and uses it only
 * below the replica count (controller/sharding/sharding.go `GetClusterFilter`).
 */

/** One shard's load. */
export interface ShardLoad {
  readonly shard: number;
  /** Its clusters, by name. */
  readonly clusters: string[];
  /** The Applications of those clusters. */
  readonly applications: number;
}

/** What the plan says about controller shards. */
export interface ShardPlan {
  /** The controller's replica count, when the program declared it (`Fleet.balanceControllerShards`). */
  readonly replicas?: number;
  /** Every shard below `replicas`, and every other shard a cluster is pinned to, in order. */
  readonly shards: ShardLoad[];
  /** Cluster name → pinned shard. */
  readonly pinned: Map<string, number>;
  /** Clusters without a shard: the controller's sharding algorithm places them at runtime. */
  readonly unpinned: string[];
  /** Loads above the limit, shards Argo CD ignores, unreadable shards. */
  readonly warnings: string[];
}

/** Options of `planShards`. */
export interface ShardPlanOptions {
  readonly replicas?: number;
  /** Warn about shards that reconcile more Applications than this. */
  readonly maxApplicationsPerShard?: number;
}

/** Argo CD's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits, within int64. */
const INT64 = /^[+-]?[0-9]+$/;

/**
 * The shard section of a plan, or undefined when no cluster has a shard and no replica count is declared
 * (then Argo CD's algorithms place every cluster and there is nothing to review).
 */
export function planShards(
  secrets: readonly ClusterSecret[], clusters: readonly ClusterPlan[], options: ShardPlanOptions = {},
): ShardPlan | undefined {
  const apps = new Map(clusters.map(c => [c.name, c.applications.length]));
  const pinned = new Map<string, number>();
  const unpinned: string[] = [];
  const warnings: string[] = [];
  for (const s of secrets) {
    if (s.shard === undefined) {
      unpinned.push(s.name);
      continue;
    }
    const big = INT64.test(s.shard) ? BigInt(s.shard) : undefined;
    if (big === undefined || big < -(2n ** 63n) || big >= 2n ** 63n) {
      warnings.push(`cluster '${s.name}': shard ${JSON.stringify(s.shard.slice(0, 40))} is not an integer; Argo CD rejects the cluster Secret`);
      continue;
    }
    const n = Number(big);
    if (n < 0 || (options.replicas !== undefined && n >= options.replicas)) {
      warnings.push(`cluster '${s.name}': shard ${n} is outside 0–${(options.replicas ?? 1) - 1}; Argo CD ignores it and its algorithm places the cluster`);
      unpinned.push(s.name);
      continue;
    }
    pinned.set(s.name, n);
  }
  if (pinned.size === 0 && options.replicas === undefined && warnings.length === 0) return undefined;
  // Every shard below the replica count, and every other shard in use (as many as the clusters at most, however
  // large the numbers a tree holds).
  const byShard = new Map<number, { shard: number; clusters: string[]; applications: number }>();
  for (let i = 0; i < (options.replicas ?? 0); i++) byShard.set(i, { shard: i, clusters: [], applications: 0 });
  for (const [name, n] of pinned) {
    const s = byShard.get(n) ?? { shard: n, clusters: [], applications: 0 };
    byShard.set(n, s);
    s.clusters.push(name);
    s.applications += apps.get(name) ?? 0;
  }
  const shards = [...byShard.values()].sort((a, b) => a.shard - b.shard);
  for (const s of shards) s.clusters.sort(compareCodeUnits);
  unpinned.sort(compareCodeUnits);
  const limit = options.maxApplicationsPerShard;
  if (limit !== undefined) {
    for (const s of shards) {
      if (s.applications > limit) warnings.push(`shard ${s.shard} reconciles ${s.applications} Applications, more than the limit of ${limit}`);
    }
  }
  return { replicas: options.replicas, shards, pinned, unpinned, warnings };
}

/** The plan text's shard section. */
export function shardPlanText(p: ShardPlan): string[] {
  const lines = [`  Controller shards${p.replicas !== undefined ? ` (${p.replicas} replicas)` : ''}:`];
  const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
  for (const s of p.shards) lines.push(`    shard ${s.shard}: ${n(s.clusters.length, 'cluster')}, ${n(s.applications, 'Application')}`);
  if (p.unpinned.length) lines.push(`    not pinned (placed by the controller's algorithm): ${n(p.unpinned.length, 'cluster')}`);
  for (const w of p.warnings) lines.push(`    warning: ${w}`);
  return lines;
}

/** The plan JSON's shard section. */
export function shardPlanJson(p: ShardPlan): any {
  return { replicas: p.replicas, shards: p.shards, unpinned: p.unpinned, warnings: p.warnings };
}

/** A cluster whose pinned shard changes between two plans (a move restarts its reconciliation on the new shard). */
export interface ShardMove {
  readonly cluster: string;
  /** The shard before, or undefined when the controller's algorithm placed it. */
  readonly from?: number;
  /** The shard after, or undefined when the controller's algorithm places it. */
  readonly to?: number;
}

/** Clusters in both plans whose shard changes, by name. */
export function shardMoves(
  base: ShardPlan | undefined, head: ShardPlan | undefined, headClusters: readonly string[], baseClusters: readonly string[],
): ShardMove[] {
  const before = new Set(baseClusters);
  const moves: ShardMove[] = [];
  for (const c of [...new Set(headClusters)].sort(compareCodeUnits)) {
    if (!before.has(c)) continue;
    const from = base?.pinned.get(c);
    const to = head?.pinned.get(c);
    if (from !== to) moves.push({ cluster: c, from, to });
  }
  return moves;
}

/** `shard 1 → 3`, `algorithm → 2`. */
export function describeShardMove(m: ShardMove): string {
  const side = (n: number | undefined) => (n === undefined ? 'algorithm' : `shard ${n}`);
  return `${m.cluster}: ${side(m.from)} → ${side(m.to)}`;
}

