import { Namesakes, RecordedAcknowledgement } from './fleet-model';
import { ApplicationSetPlan, FleetPlan, PlannedApplication } from './fleet-plan';
import { diffShards, ShardDiff, ShardMove, shardMoves } from './shard-plan';
import type { ObjectDiff } from './tree-diff';
import { DrSwitch, drSwitches } from '../dr/private/dr-report';
import { compareCodeUnits } from '../private/util';
import { repositoryOf, versionOfImage } from '../promotion/image-reference';

/** How one Application changes on one cluster. */
export interface ApplicationChange {
  readonly name: string;
  /** Its fleet (`ArgoFleets`), '' when none. */
  readonly fleet: string;
  /** Human-readable changes, e.g. `image ghcr.io/acme/web: 1.8.2 → 1.9.0`. */
  readonly changes: string[];
}

/** A removal of an Application, and whether the program acknowledged it. */
export interface Removal {
  readonly cluster: string;
  readonly application: string;
  /** The fleet of the Application (`ArgoFleets`), '' when none. */
  readonly fleet: string;
  readonly acknowledged?: RecordedAcknowledgement;
}

/** What a change does to one cluster. */
export interface ClusterDiff {
  readonly cluster: string;
  /** `added` or `removed` when the cluster itself joins or leaves the fleet. */
  readonly status: 'added' | 'removed' | 'changed';
  readonly added: PlannedApplication[];
  readonly removed: PlannedApplication[];
  readonly changed: ApplicationChange[];
  /** Cluster-scoped objects (`Kind/name`) that start being deployed. */
  readonly clusterScopedAdded: string[];
}

/** Permission changes of one AppProject. */
export interface ProjectDiff {
  readonly project: string;
  readonly changes: string[];
}

/** Clusters an ApplicationSet starts or stops deploying to. */
export interface SelectionDiff {
  /** Its name, `<fleet>/<name>` when two fleets have an ApplicationSet of that name. */
  readonly applicationSet: string;
  /** Its fleet (`ArgoFleets`), '' when none. */
  readonly fleet: string;
  readonly gained: string[];
  readonly lost: string[];
}

/** Everything a PR changes, per cluster. */
export interface FleetDiff {
  readonly clusters: ClusterDiff[];
  readonly projects: ProjectDiff[];
  readonly selections: SelectionDiff[];
  readonly removals: Removal[];
  /** Removals the program did not acknowledge: the deletion gate fails when there are any. */
  readonly blockedRemovals: Removal[];
  /** Clusters that lose every Application they ran. */
  readonly emptiedClusters: string[];
  /** ApplicationSets that Argo CD would fail to generate in the head tree. */
  readonly failingApplicationSets: string[];
  /** Acknowledgements that match no removal (stale; delete them from the program). */
  readonly unusedAcknowledgements: RecordedAcknowledgement[];
  /** Every rendered object that changes, when the diff compared two trees (`diffTrees`). */
  readonly objects?: ObjectDiff;
  /** DR pairs whose active side changes: a failover or a failback. */
  readonly disasterRecovery?: DrSwitch[];
  /** Clusters whose application-controller shard changes (a move restarts their reconciliation on the new shard). */
  readonly shardMoves?: ShardMove[];
  /** How the application-controller shards' loads and warnings change, when either plan has a shard section. */
  readonly shards?: ShardDiff;
  /**
   * Applications of one name that two fleets have on one cluster, in either plan (`<cluster>\0<name>`): reports name
   * them `<fleet>/<name>`.
   */
  readonly namesakes?: Namesakes;
}

/** Compares two plans (base = the target branch, head = the PR). `acknowledgements` come from the head tree. */
export function diffPlans(base: FleetPlan, head: FleetPlan, acknowledgements: readonly RecordedAcknowledgement[]): FleetDiff {
  const baseClusters = new Map(base.clusters.map(c => [c.name, c]));
  const headClusters = new Map(head.clusters.map(c => [c.name, c]));
  const names = [...new Set([...baseClusters.keys(), ...headClusters.keys()])].sort();
  const clusters: ClusterDiff[] = [];
  const removals: Removal[] = [];
  const emptiedClusters: string[] = [];
  const used = new Set<RecordedAcknowledgement>();
  for (const name of names) {
    const b = baseClusters.get(name);
    const h = headClusters.get(name);
    // (an Application is its fleet's: two fleets' Argo CDs may each have one of a name on a cluster)
    const bApps = new Map((b?.applications ?? []).map(a => [appKey(a), a]));
    const hApps = new Map((h?.applications ?? []).map(a => [appKey(a), a]));
    const added = [...hApps.entries()].filter(([k]) => !bApps.has(k)).map(([, a]) => a);
    const removed = [...bApps.entries()].filter(([k]) => !hApps.has(k)).map(([, a]) => a);
    const changed: ApplicationChange[] = [];
    for (const [k, ha] of hApps) {
      const ba = bApps.get(k);
      if (!ba) continue;
      const changes = applicationChanges(ba, ha);
      if (changes.length) changed.push({ name: ha.name, fleet: ha.fleet, changes });
    }
    const baseScoped = new Set((b?.applications ?? []).flatMap(a => a.clusterScoped));
    const clusterScopedAdded = [...new Set((h?.applications ?? []).flatMap(a => a.clusterScoped))].filter(x => !baseScoped.has(x)).sort();
    for (const r of removed) {
      // (an acknowledgement is its fleet's: another fleet's Application of the same name is not acknowledged by it)
      const ack = acknowledgements.find(a => (a.cluster === '*' || a.cluster === name) && (a.application === '*' || a.application === r.name)
        && (a.fleet === undefined || a.fleet === r.fleet));
      if (ack) used.add(ack);
      removals.push({ cluster: name, application: r.name, fleet: r.fleet, acknowledged: ack });
    }
    if (bApps.size > 0 && hApps.size === 0) emptiedClusters.push(name);
    if (added.length || removed.length || changed.length || clusterScopedAdded.length || !b || !h) {
      clusters.push({ cluster: name, status: !b ? 'added' : !h ? 'removed' : 'changed', added, removed, changed, clusterScopedAdded });
    }
  }
  const selections: SelectionDiff[] = [];
  const baseSets = new Map(base.applicationSets.map(s => [setKey(s), s]));
  const headSets = new Set(head.applicationSets.map(setKey));
  const setNames = new Namesakes();
  for (const s of [...base.applicationSets, ...head.applicationSets]) setNames.add(s.name, s.fleet);
  const setName = (s: ApplicationSetPlan) => setNames.label(s.name, s.fleet);
  for (const s of head.applicationSets) {
    const before = new Set(baseSets.get(setKey(s))?.clusters ?? []);
    const after = new Set(s.clusters);
    const gained = [...after].filter(c => !before.has(c)).sort();
    const lost = [...before].filter(c => !after.has(c)).sort();
    if (gained.length || lost.length) selections.push({ applicationSet: setName(s), fleet: s.fleet, gained, lost });
  }
  for (const s of base.applicationSets) {
    if (!headSets.has(setKey(s)) && s.clusters.length) {
      selections.push({ applicationSet: setName(s), fleet: s.fleet, gained: [], lost: [...s.clusters] });
    }
  }
  selections.sort((a, b) => compareCodeUnits(a.applicationSet, b.applicationSet));
  return {
    clusters,
    projects: projectDiffs(base, head),
    selections,
    removals,
    blockedRemovals: removals.filter(r => !r.acknowledged),
    emptiedClusters,
    failingApplicationSets: head.applicationSets.filter(s => s.expansion.error).map(s => s.name),
    unusedAcknowledgements: acknowledgements.filter(a => !used.has(a)),
    disasterRecovery: drSwitches(base, head),
    shardMoves: shardMoves(base.shards, head.shards, head.clusters.map(c => c.name), base.clusters.map(c => c.name)),
    shards: diffShards(base.shards, head.shards),
    namesakes: namesakesOf([base, head]),
  };
}

/** `FleetDiff.namesakes` of some plans. */
function namesakesOf(plans: readonly FleetPlan[]): Namesakes {
  const namesakes = new Namesakes();
  for (const p of plans) for (const c of p.clusters) for (const a of c.applications) namesakes.add(`${c.name}\u0000${a.name}`, a.fleet);
  return namesakes;
}

function applicationChanges(b: PlannedApplication, h: PlannedApplication): string[] {
  const out: string[] = [];
  if (b.project !== h.project) out.push(`project: ${b.project} → ${h.project}`);
  if (b.destinationNamespace !== h.destinationNamespace) out.push(`namespace: ${b.destinationNamespace} → ${h.destinationNamespace}`);
  const n = Math.max(b.sources.length, h.sources.length);
  for (let i = 0; i < n; i++) {
    const bs = b.sources[i];
    const hs = h.sources[i];
    if (!bs || !hs) { out.push(`source ${i}: ${bs ? 'removed' : 'added'}`); continue; }
    if (bs.chart || hs.chart) {
      if (bs.chart !== hs.chart) out.push(`chart: ${bs.chart ?? '-'} → ${hs.chart ?? '-'}`);
      else if (bs.targetRevision !== hs.targetRevision) out.push(`chart ${hs.chart}: ${bs.targetRevision} → ${hs.targetRevision}`);
    } else {
      if (bs.path !== hs.path) out.push(`path: ${bs.path} → ${hs.path}`);
      if (bs.targetRevision !== hs.targetRevision) out.push(`revision: ${bs.targetRevision} → ${hs.targetRevision}`);
    }
    if (bs.repoURL !== hs.repoURL) out.push(`repository: ${bs.repoURL} → ${hs.repoURL}`);
    out.push(...imageChanges(bs.images, hs.images));
  }
  const drActive = (a: PlannedApplication) => a.object?.metadata?.annotations?.['fleet.cdk8s.io/dr-active'];
  if (drActive(b) !== drActive(h) && drActive(h) !== undefined) {
    const state = (v: string | undefined) => (v === 'true' ? 'active' : 'passive');
    const pair = h.object.metadata.annotations['fleet.cdk8s.io/dr-pair'];
    out.push(drActive(b) === undefined
      ? `joins DR pair ${pair} as ${h.object.metadata.annotations['fleet.cdk8s.io/dr-role']} (${state(drActive(h))})`
      : `DR pair ${pair}: ${state(drActive(b))} → ${state(drActive(h))}`);
  }
  // The same parsed object (an unchanged Application file, read once for both trees) has no other changes.
  if (out.length === 0 && b.object !== h.object && JSON.stringify(rest(b.object)) !== JSON.stringify(rest(h.object))) {
    out.push('other fields of the Application changed');
  }
  return out;
}

/** Image changes, paired by repository: `image ghcr.io/acme/web: 1.8.2 → 1.9.0`. */
function imageChanges(before: string[], after: string[]): string[] {
  const split = (i: string): [string, string] => [repositoryOf(i), versionOfImage(i) ?? 'latest'];
  const b = new Map(before.map(i => split(i)));
  const a = new Map(after.map(i => split(i)));
  const out: string[] = [];
  for (const [repo, tag] of a) {
    if (!b.has(repo)) out.push(`image added: ${repo}:${tag}`);
    else if (b.get(repo) !== tag) out.push(`image ${repo}: ${b.get(repo)} → ${tag}`);
  }
  for (const [repo, tag] of b) if (!a.has(repo)) out.push(`image removed: ${repo}:${tag}`);
  return out;
}

function rest(app: any): any {
  return { labels: app?.metadata?.labels, annotations: app?.metadata?.annotations, finalizers: app?.metadata?.finalizers, spec: app?.spec };
}

/** An Application's key in a plan: its fleet and its name (names are unique within a fleet's Argo CD). */
function appKey(a: PlannedApplication): string {
  return `${a.fleet}\0${a.name}`;
}

/** An ApplicationSet's key in a plan: its fleet and its name. */
function setKey(s: ApplicationSetPlan): string {
  return `${s.fleet}\0${s.name}`;
}

const PERMISSION_FIELDS = ['sourceRepos', 'sourceNamespaces', 'destinations', 'clusterResourceWhitelist', 'clusterResourceBlacklist',
  'namespaceResourceWhitelist', 'namespaceResourceBlacklist', 'roles', 'syncWindows', 'destinationServiceAccounts'];

/**
 * The permission changes of every AppProject, each fleet's apart (`ArgoFleets`): a project is named by its name,
 * or `<fleet>/<name>` when another fleet has a project of that name too.
 */
function projectDiffs(base: FleetPlan, head: FleetPlan): ProjectDiff[] {
  const projects = (plan: FleetPlan) => new Map([...plan.projectsByFleet].flatMap(([fleet, byName]) => [...byName].map(([name, p]) => [`${fleet}\0${name}`, p])));
  const [before, after] = [projects(base), projects(head)];
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const names = new Namesakes();
  for (const key of keys) {
    const [fleet, name] = key.split('\0');
    names.add(name, fleet);
  }
  const labelOf = (key: string) => {
    const [fleet, name] = key.split('\0');
    return names.label(name, fleet);
  };
  const out: ProjectDiff[] = [];
  for (const key of keys.sort((a, b) => compareCodeUnits(labelOf(a), labelOf(b)))) {
    const name = labelOf(key);
    const b = before.get(key);
    const h = after.get(key);
    if (!b) { out.push({ project: name, changes: ['project added', ...PERMISSION_FIELDS.flatMap(f => listItems(h.spec?.[f]).map(i => `${f} + ${i}`))] }); continue; }
    if (!h) { out.push({ project: name, changes: ['project removed'] }); continue; }
    const changes: string[] = [];
    for (const f of PERMISSION_FIELDS) {
      const bi = new Set(listItems(b.spec?.[f]));
      const hi = new Set(listItems(h.spec?.[f]));
      for (const i of hi) if (!bi.has(i)) changes.push(`${f} + ${i}`);
      for (const i of bi) if (!hi.has(i)) changes.push(`${f} − ${i}`);
    }
    if (changes.length) out.push({ project: name, changes });
  }
  return out;
}

function listItems(v: any): string[] {
  if (!Array.isArray(v)) return [];
  return v.map(i => (typeof i === 'string' ? i : JSON.stringify(i, Object.keys(i).sort())));
}

