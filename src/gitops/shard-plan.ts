import type { ClusterPlan } from './fleet-plan';
import type { ClusterSecret } from '../expansion/cluster-secrets';
import { compareCodeUnits } from '../private/util';

/**
 * The application-controller shards of a plan: which clusters each shard reconciles and how many Applications
 * that makes, read from the cluster Secrets' `shard` field (the only placement fixed in Git; Argo CD's
 * algorithms place the other clusters at runtime, from the Secret's API-server-assigned uid). Argo CD v3.5.1
 * reads `shard` with `strconv.ParseInt(…, 10, 64)` (util/db/cluster.go `SecretToCluster`), and its controller
 * uses a pinned shard below the replica count as it is — a negative one too, which no replica then matches —
 * and puts a cluster pinned at or above the replica count on shard 0 (controller/sharding/cache.go
 * `updateDistribution`; cache_test.go `TestClusterSharding_ClusterShardOfResourceShouldNotBeChanged`: shard 999
 * of 2 replicas → 0). `GetClusterFilter` in sharding.go, which would hand such a cluster to the algorithm
 * instead, is not called by the controller.
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
  /** The controller's replica count, when the program declared it (`Fleet.balanceControllerShards`) or the CLI was given it. */
  readonly replicas?: number;
  /** The load above which a shard is reported, when given. */
  readonly maxApplicationsPerShard?: number;
  /** Every shard below `replicas`, and every other shard a cluster is pinned to, in order. */
  readonly shards: ShardLoad[];
  /**
   * Cluster name → the shard Argo CD's controller reconciles it on, fixed by its `shard`: the pinned shard, or 0
   * for a pin at or above `replicas`, or the negative pin no replica matches.
   */
  readonly pinned: Map<string, number>;
  /** Clusters without a shard: the controller's sharding algorithm places them at runtime. */
  readonly unpinned: string[];
  /** Clusters pinned at or above `replicas` (so on shard 0): name → the shard written. */
  readonly ignoredPins: Map<string, number>;
  /** Clusters pinned to a negative shard: no controller replica reconciles them. Name → shard. */
  readonly orphanedPins: Map<string, number>;
  /** Clusters whose `shard` is not an integer, so Argo CD rejects their Secret: name → the value. */
  readonly unreadablePins: Map<string, string>;
  /** Shards that reconcile more Applications than `maxApplicationsPerShard`. */
  readonly overloaded: number[];
  /** Loads above the limit, pins Argo CD overrides, unreconciled and unreadable pins: the four above, as sentences. */
  readonly warnings: string[];
}

/** Options of `planShards`: what the Argo CD installation runs (`cdk8s-fleet plan`/`diff --controller-replicas`). */
export interface ShardPlanOptions {
  /** The application controller's replicas (`ARGOCD_CONTROLLER_REPLICAS`). */
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
  const ignoredPins = new Map<string, number>();
  const orphanedPins = new Map<string, number>();
  const unreadablePins = new Map<string, string>();
  for (const s of secrets) {
    if (s.shard === undefined) {
      unpinned.push(s.name);
      continue;
    }
    const big = INT64.test(s.shard) ? BigInt(s.shard) : undefined;
    if (big === undefined || big < -(2n ** 63n) || big >= 2n ** 63n) {
      unreadablePins.set(s.name, s.shard);
      continue;
    }
    const n = Number(big);
    if (n < 0) orphanedPins.set(s.name, n);
    if (options.replicas !== undefined && n >= options.replicas) ignoredPins.set(s.name, n);
    pinned.set(s.name, ignoredPins.has(s.name) ? 0 : n);
  }
  if (pinned.size === 0 && options.replicas === undefined && unreadablePins.size === 0) return undefined;
  // Every shard below the replica count, and every other shard in use (as many as the clusters at most, however
  // large the numbers a tree holds). A negative shard is no replica's.
  const byShard = new Map<number, { shard: number; clusters: string[]; applications: number }>();
  for (let i = 0; i < (options.replicas ?? 0); i++) byShard.set(i, { shard: i, clusters: [], applications: 0 });
  for (const [name, n] of pinned) {
    if (n < 0) continue;
    const s = byShard.get(n) ?? { shard: n, clusters: [], applications: 0 };
    byShard.set(n, s);
    s.clusters.push(name);
    s.applications += apps.get(name) ?? 0;
  }
  const shards = [...byShard.values()].sort((a, b) => a.shard - b.shard);
  for (const s of shards) s.clusters.sort(compareCodeUnits);
  unpinned.sort(compareCodeUnits);
  const limit = options.maxApplicationsPerShard;
  const plan = {
    replicas: options.replicas,
    maxApplicationsPerShard: limit,
    shards,
    pinned,
    unpinned,
    ignoredPins,
    orphanedPins,
    unreadablePins,
    overloaded: limit === undefined ? [] : shards.filter(s => s.applications > limit).map(s => s.shard),
  };
  return { ...plan, warnings: [...warningsOf(plan).values()] };
}

/**
 * The warnings of a plan by what they are about (`shard:2`, `cluster:prod-eu-1:5`), so that a diff can tell
 * the warnings a change introduces from those it keeps: clusters by name, then overloaded shards.
 */
function warningsOf(p: Omit<ShardPlan, 'warnings'>): Map<string, string> {
  const out = new Map<string, string>();
  const clusters = [...new Set([...p.unreadablePins.keys(), ...p.orphanedPins.keys(), ...p.ignoredPins.keys()])].sort(compareCodeUnits);
  for (const c of clusters) {
    const unreadable = p.unreadablePins.get(c);
    const orphaned = p.orphanedPins.get(c);
    const ignored = p.ignoredPins.get(c);
    if (unreadable !== undefined) {
      out.set(`cluster:${c}:${unreadable}`, `cluster '${c}': shard ${JSON.stringify(unreadable.slice(0, 40))} is not an integer; Argo CD rejects the cluster Secret`);
    } else if (orphaned !== undefined) {
      out.set(`cluster:${c}:${orphaned}`, `cluster '${c}': shard ${orphaned} is negative; no controller replica reconciles the cluster`);
    } else if (ignored !== undefined) {
      out.set(`cluster:${c}:${ignored}`, `cluster '${c}': shard ${ignored} is outside 0–${p.replicas! - 1}; Argo CD's controller reconciles the cluster on shard 0`);
    }
  }
  const byShard = new Map(p.shards.map(s => [s.shard, s]));
  for (const shard of p.overloaded) {
    out.set(`shard:${shard}`, `shard ${shard} reconciles ${byShard.get(shard)!.applications} Applications, more than the limit of ${p.maxApplicationsPerShard}`);
  }
  return out;
}

/** The plan text's shard section. */
export function shardPlanText(p: ShardPlan): string[] {
  const lines = [`  Controller shards${shardSetup(p)}:`];
  for (const s of p.shards) lines.push(`    shard ${s.shard}: ${count(s.clusters.length, 'cluster')}, ${count(s.applications, 'Application')}`);
  if (p.unpinned.length) lines.push(`    not pinned (placed by the controller's algorithm): ${count(p.unpinned.length, 'cluster')}`);
  for (const w of p.warnings) lines.push(`    warning: ${w}`);
  return lines;
}

/** ` (4 replicas, at most 1500 Applications each)`: what the shard section assumes, or nothing. */
export function shardSetup(p: ShardPlanOptions): string {
  const parts = [
    ...(p.replicas !== undefined ? [count(p.replicas, 'replica')] : []),
    ...(p.maxApplicationsPerShard !== undefined ? [`at most ${p.maxApplicationsPerShard} Applications each`] : []),
  ];
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** `1 cluster`, `3 Applications`. */
export function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The plan JSON's shard section. */
export function shardPlanJson(p: ShardPlan): any {
  return { replicas: p.replicas, maxApplicationsPerShard: p.maxApplicationsPerShard, shards: p.shards, unpinned: p.unpinned, warnings: p.warnings };
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

/** `prod-eu-1: shard 1 → shard 3`, `algorithm → shard 2`, `shard 0 → shard -1 (no replica)`. */
export function describeShardMove(m: ShardMove): string {
  const side = (n: number | undefined) => (n === undefined ? 'algorithm' : n < 0 ? `shard ${n} (no replica)` : `shard ${n}`);
  return `${m.cluster}: ${side(m.from)} → ${side(m.to)}`;
}

/** How one shard's load changes. */
export interface ShardLoadChange {
  readonly shard: number;
  readonly clusters: { readonly before: number; readonly after: number };
  readonly applications: { readonly before: number; readonly after: number };
  /** Whether the head's load is above `maxApplicationsPerShard`. */
  readonly overLimit: boolean;
}

/** What a change does to the controller shards (both plans computed with the same replicas and limit). */
export interface ShardDiff {
  readonly replicas?: number;
  readonly maxApplicationsPerShard?: number;
  /** Shards whose clusters or Applications change, in shard order. */
  readonly loads: ShardLoadChange[];
  /** Every warning of the head's plan. */
  readonly warnings: string[];
  /** The head's warnings the base does not have: what the change introduces. */
  readonly newWarnings: string[];
  /** The base's warnings the head no longer has. */
  readonly resolvedWarnings: string[];
}

/** The shard part of a diff, or undefined when neither plan has a shard section. */
export function diffShards(base: ShardPlan | undefined, head: ShardPlan | undefined): ShardDiff | undefined {
  if (!base && !head) return undefined;
  const before = new Map((base?.shards ?? []).map(s => [s.shard, s]));
  const after = new Map((head?.shards ?? []).map(s => [s.shard, s]));
  const overloaded = new Set(head?.overloaded ?? []);
  const loads: ShardLoadChange[] = [];
  for (const shard of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)) {
    const b = before.get(shard);
    const h = after.get(shard);
    const same = (b?.applications ?? 0) === (h?.applications ?? 0) && (b?.clusters ?? []).join('\u0000') === (h?.clusters ?? []).join('\u0000');
    if (same) continue;
    loads.push({
      shard,
      clusters: { before: b?.clusters.length ?? 0, after: h?.clusters.length ?? 0 },
      applications: { before: b?.applications ?? 0, after: h?.applications ?? 0 },
      overLimit: overloaded.has(shard),
    });
  }
  const baseWarnings = base ? warningsOf(base) : new Map<string, string>();
  const headWarnings = head ? warningsOf(head) : new Map<string, string>();
  return {
    replicas: head?.replicas ?? base?.replicas,
    maxApplicationsPerShard: head?.maxApplicationsPerShard ?? base?.maxApplicationsPerShard,
    loads,
    warnings: [...headWarnings.values()],
    newWarnings: [...headWarnings].filter(([k]) => !baseWarnings.has(k)).map(([, w]) => w),
    resolvedWarnings: [...baseWarnings].filter(([k]) => !headWarnings.has(k)).map(([, w]) => w),
  };
}

/** `3 → 4 clusters`, `3 clusters`. */
export function countChange(c: { readonly before: number; readonly after: number }, what: string): string {
  return c.before === c.after ? count(c.after, what) : `${c.before} → ${count(c.after, what)}`;
}
