import { redactChanges, ShownFieldChange } from './diff-redaction';
import { computePlan, FleetPlan, PlannedApplication } from './fleet-plan';
import { diffFields, leafChanges } from './object-diff';
import { diffPlans, FleetDiff } from './plan-diff';
import type { ShardPlanOptions } from './shard-plan';
import { acknowledgementsOf, modelOfTree, ParseCache, samePlanInputs, TreeReader, treeKindScopes } from './tree-objects';
import { ProgressListener, startScans, TreeScans } from './tree-scan';
import { applicationKey, changeIndex, ObjectSource, PairObjects, TreeSide } from './tree-side';
import { fluxObjectOf, isFluxPath } from '../flux/flux-model';
import { compareCodeUnits, pushAll } from '../private/util';

/**
 * `cdk8s-fleet diff`: every rendered object that a change adds, removes or changes, per cluster and
 * Application, on top of the plan diff (Applications, versions, projects, selections, the deletion gate).
 *
 * Both trees are scanned (see `TreeScan`: unchanged files are known by hash and never parsed), both plans are
 * computed, and each (cluster, Application) pair whose Application or inputs differ — the files of its source
 * directories, Kustomize overlays as built, its Helm values files — has its objects compared field by field.
 * Argo CD objects other than the placed Applications form the fleet section; changed files no Application
 * reads are listed too, so that nothing a change touches goes unreported.
 */

/** One object a change adds, removes or changes. */
export interface ObjectChange {
  readonly status: 'added' | 'removed' | 'changed';
  /** `''` for a Helm values file or a file that is not a Kubernetes object. */
  readonly apiVersion: string;
  /** The Kubernetes kind, `Helm values` for a values file, `File` for other files. */
  readonly kind: string;
  /** The namespace (the Application's destination namespace when the object does not say); none when cluster-scoped. */
  readonly namespace?: string;
  /** The object's name, or the file's path for values files and other files. */
  readonly name: string;
  /** The tree file that holds it (the head's, or the base's for a removed object). */
  readonly file: string;
  /**
   * Changed objects: the changed fields; added objects: every field but identity (none for the objects of an
   * Application that is new on the cluster); removed: none. Secrets hidden.
   */
  readonly fields: ShownFieldChange[];
}

/** The object changes of one Application on one cluster. */
export interface ApplicationObjects {
  /** The Application's name (the head's, or the base's when it is removed). */
  readonly application: string;
  /** Its fleet (`ArgoFleets`), '' when none: two fleets may each have an Application of one name on a cluster. */
  readonly fleet: string;
  /** The name without its cluster (`web` for `web-prod-eu-1`): the column of the plan's matrix. */
  readonly column: string;
  readonly objects: ObjectChange[];
}

/** The object changes on one cluster. */
export interface ClusterObjects {
  readonly cluster: string;
  readonly applications: ApplicationObjects[];
}

/** Every rendered object a change touches. */
export interface ObjectDiff {
  readonly clusters: ClusterObjects[];
  /** Argo CD objects of `argocd/` and `bootstrap/` other than Applications placed on a cluster. */
  readonly fleet: ObjectChange[];
  /** Changed files that no Application of either tree reads. */
  readonly unattributed: ObjectChange[];
  /** Files that could not be read or overlays that could not be built (compared as files instead). */
  readonly problems: string[];
  /** Files found in each tree, and how many differ. */
  readonly files: { readonly base: number; readonly head: number; readonly changed: number };
}

/** Options of `diffTrees`. */
export interface DiffTreesOptions {
  /** Called with a short line during long diffs. */
  readonly onProgress?: ProgressListener;
  /**
   * Parse every workload file for the plans (their images in every cell of the plan's matrix), not only the
   * changed ones. @default false
   */
  readonly fullPlans?: boolean;
  /** See `ScanTreesOptions.workerThreshold`. @default DEFAULT_SCAN_WORKER_THRESHOLD */
  readonly scanWorkerThreshold?: number;
  /**
   * The Argo CD installation both plans' shard sections assume (`--controller-replicas`,
   * `--max-shard-applications`). @default - shards as pinned, no limit
   */
  readonly sharding?: ShardPlanOptions;
}

/** The diff of two trees, with the plans it compared. */
export interface TreeDiff {
  readonly diff: FleetDiff;
  readonly base: FleetPlan;
  readonly head: FleetPlan;
}

/** Compares two synthesized trees (base = the target branch, head = the change). Refuses directories that are not trees. */
export function diffTrees(baseDir: string, headDir: string, options: DiffTreesOptions = {}): TreeDiff {
  const progress = options.onProgress ?? (() => undefined);
  const scans = startScans(baseDir, headDir, { onProgress: progress, workerThreshold: options.scanWorkerThreshold });
  try {
    return compare(scans, options, progress);
  } finally {
    scans.close();
  }
}

function compare(scans: TreeScans, options: DiffTreesOptions, progress: ProgressListener): TreeDiff {
  const baseScan = scans.base;
  const cache = new ParseCache(() => scans.parsed());
  const baseReader = new TreeReader(baseScan, cache, 'base');
  // The base's plan while the head is still being scanned on the worker thread.
  progress('expanding the ApplicationSets of the base');
  const baseModel = modelOfTree(baseReader, { workloads: options.fullPlans ?? false });
  const basePlan = computePlan(baseModel, [], options.sharding);
  const headScan = scans.head();
  const headReader = new TreeReader(headScan, cache, 'head');
  // A change that leaves every Argo CD object as it was (most PRs) has the base's plan: compute it once.
  const shared = !options.fullPlans && samePlanInputs(baseReader, headReader, baseModel);
  const headKinds = shared ? treeKindScopes(headReader, baseModel.entries) : undefined; // (the same Argo CD files)
  const headModel = headKinds
    ? {
      ...baseModel,
      acknowledgements: acknowledgementsOf(headReader),
      scopes: headKinds.scopes,
      clusterScopedKinds: headKinds.clusterScopedKinds,
      problems: [...headScan.problems, ...headKinds.problems],
    }
    : modelOfTree(headReader, { workloads: options.fullPlans ?? false });
  if (!shared) progress('expanding the ApplicationSets of the head');
  const headPlan = shared ? basePlan : computePlan(headModel, [], options.sharding);
  scans.close();
  const base = new TreeSide(baseReader, basePlan, baseModel);
  const head = new TreeSide(headReader, headPlan, headModel);
  const changed = changedFiles(baseScan.hashes, headScan.hashes);
  progress(`${changed.length} of ${headScan.hashes.size} files differ; comparing objects`);

  const index = changeIndex(changed);
  const pairs = pairKeys(basePlan, headPlan);
  const dirty = new Set<string>();
  const clusters = new Map<string, ApplicationObjects[]>();
  for (const key of pairs) {
    const [cluster, fleet, name] = splitKey(key);
    const b = base.application(key);
    const h = head.application(key);
    const inputsChanged = !b || !h || base.inputsKey(b) !== head.inputsKey(h) || base.touches(b, index) || head.touches(h, index);
    const objects: ObjectChange[] = [];
    const appChange = applicationChange(b, h, base, head);
    if (appChange) objects.push(appChange);
    if (inputsChanged) {
      dirty.add(key);
      // An overlay that does not build in process on either side is compared as files on both.
      const raw = new Set([...(b ? base.failingInputs(b) : []), ...(h ? head.failingInputs(h) : [])]);
      const changes = compareObjects(b ? base.objectsOf(b, raw) : emptyObjects(), h ? head.objectsOf(h, raw) : emptyObjects());
      // The objects of a new Application are named, not spelled out: the plan's line says what it deploys.
      pushAll(objects, b ? changes : changes.map(o => ({ ...o, fields: [] })));
    }
    if (objects.length) {
      const list = clusters.get(cluster) ?? [];
      clusters.set(cluster, list);
      list.push({ application: name, fleet, column: columnOf(name, cluster), objects });
    }
  }

  const plans = patchedPlans(base, head, dirty);
  let diff = diffPlans(plans.base, plans.head, headModel.acknowledgements);
  // A cluster-scoped object reported as new may already come from an unchanged Application of the cluster:
  // read that cluster's other Applications too before saying so.
  const recheck = diff.clusters.filter(c => c.clusterScopedAdded.length).map(c => c.cluster);
  if (recheck.length) {
    for (const key of pairs) if (recheck.includes(splitKey(key)[0])) dirty.add(key);
    const again = patchedPlans(base, head, dirty);
    diff = diffPlans(again.base, again.head, headModel.acknowledgements);
  }

  const fleet = fleetObjects(changed, base, head);
  const unattributed = unattributedFiles(changed, base, head);
  const problems = [...new Set([...baseModel.problems, ...headModel.problems, ...base.problems, ...head.problems])];
  const objects: ObjectDiff = {
    clusters: [...clusters.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([cluster, applications]) => ({
      cluster,
      applications: applications.sort((x, y) => compareCodeUnits(x.column, y.column) || compareCodeUnits(x.application, y.application)
        || compareCodeUnits(x.fleet, y.fleet)),
    })),
    fleet,
    unattributed,
    problems,
    files: { base: baseScan.hashes.size, head: headScan.hashes.size, changed: changed.length },
  };
  progress('diff complete');
  return { diff: { ...diff, objects }, base: plans.base, head: plans.head };
}

/** Paths whose hash differs or that only one tree has, sorted. */
function changedFiles(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [p, h] of head) if (base.get(p) !== h) out.push(p);
  for (const p of base.keys()) if (!head.has(p)) out.push(p);
  return out.sort(compareCodeUnits);
}

/** `applicationKey` of every Application in either plan (placed or not). */
function pairKeys(base: FleetPlan, head: FleetPlan): string[] {
  const keys = new Set<string>();
  for (const plan of [base, head]) {
    for (const c of plan.clusters) for (const a of c.applications) keys.add(applicationKey(c.name, a));
    for (const a of plan.unplaced) keys.add(applicationKey(a.cluster, a));
  }
  return [...keys].sort(compareCodeUnits);
}

/** An `applicationKey`'s cluster, fleet and name. */
function splitKey(key: string): [string, string, string] {
  const [cluster, fleet, ...name] = key.split('\u0000');
  return [cluster, fleet, name.join('\u0000')];
}

/** The Application object itself, when it changes (added and removed ones are described by the plan diff). */
function applicationChange(
  b: PlannedApplication | undefined, h: PlannedApplication | undefined, base: TreeSide, head: TreeSide,
): ObjectChange | undefined {
  const a = h ?? b!;
  // A Flux placement is its Kustomization (or HelmRelease), not the Application view the plan reads.
  const shown = fluxObjectOf(a.object) ?? a.object;
  const kind = String(fluxObjectOf(a.object)?.kind ?? 'Application');
  const identity = { apiVersion: String(shown?.apiVersion ?? 'argoproj.io/v1alpha1'), kind, namespace: shown?.metadata?.namespace ?? 'argocd', name: a.name };
  const file = (h && head.fileOfApplication(h)) ?? (b && base.fileOfApplication(b)) ?? `(generated by ${a.origin})`;
  if (!b) return { status: 'added', ...identity, file, fields: [] };
  if (!h) return { status: 'removed', ...identity, file, fields: [] };
  const [bo, ho] = [fluxObjectOf(b.object) ?? b.object, fluxObjectOf(h.object) ?? h.object];
  if (bo === ho) return undefined;
  const fields = diffFields(bo, ho);
  return fields.length ? { status: 'changed', ...identity, file, fields: redactChanges(fields, { apiVersion: identity.apiVersion, kind }) } : undefined;
}

function emptyObjects(): PairObjects {
  return { objects: new Map(), unreadable: new Set() };
}

/** Objects matched by identity; objects of a file one side could not read are left out on both sides. */
export function compareObjects(base: PairObjects, head: PairObjects): ObjectChange[] {
  const out: ObjectChange[] = [];
  const skip = (s: ObjectSource | undefined) => s !== undefined && (base.unreadable.has(s.file) || head.unreadable.has(s.file));
  const ids = [...new Set([...base.objects.keys(), ...head.objects.keys()])].sort(compareCodeUnits);
  for (const id of ids) {
    const b = base.objects.get(id);
    const h = head.objects.get(id);
    if (skip(b) || skip(h)) continue;
    const s = (h ?? b)!;
    const identity = { apiVersion: s.apiVersion, kind: s.kind, namespace: s.namespace, name: s.name, file: s.file };
    const context = { apiVersion: s.apiVersion, kind: s.kind, labels: { ...b?.object?.metadata?.labels, ...h?.object?.metadata?.labels } };
    if (!b) {
      out.push({ status: 'added', ...identity, fields: redactChanges(addedFields(h!), context) });
    } else if (!h) {
      out.push({ status: 'removed', ...identity, fields: [] });
    } else if (b.object !== h.object) {
      const fields = diffFields(b.object, h.object);
      if (fields.length) out.push({ status: 'changed', ...identity, fields: redactChanges(fields, context) });
    }
  }
  // Shown by kind, then namespace and name.
  return out.sort((x, y) => compareCodeUnits(x.kind, y.kind) || compareCodeUnits(x.namespace ?? '', y.namespace ?? '') || compareCodeUnits(x.name, y.name));
}

/** Every field of a new object, without the identity the header already shows. */
function addedFields(s: ObjectSource) {
  if (s.kind === 'Helm values' || s.kind === 'File') return leafChanges(s.object);
  return leafChanges(s.object).filter(c => {
    const [a, b] = c.path;
    return !(c.path.length === 1 && (a === 'apiVersion' || a === 'kind')) && !(a === 'metadata' && (b === 'name' || b === 'namespace') && c.path.length === 2);
  });
}

/** Plans whose workload summaries (images, cluster-scoped objects) come from the objects read for `pairs`. */
function patchedPlans(base: TreeSide, head: TreeSide, pairs: ReadonlySet<string>): { base: FleetPlan; head: FleetPlan } {
  const patch = (side: TreeSide): FleetPlan => {
    const app = (cluster: string, a: PlannedApplication): PlannedApplication => {
      if (!pairs.has(applicationKey(cluster, a))) return a;
      const summary = side.summaryOf(a);
      const sources = a.sources.map((s, i) => (summary.images[i] ? { ...s, images: summary.images[i] } : s));
      return { ...a, sources, clusterScoped: summary.clusterScoped };
    };
    return {
      ...side.plan,
      clusters: side.plan.clusters.map(c => ({ ...c, applications: c.applications.map(a => app(c.name, a)) })),
      unplaced: side.plan.unplaced.map(a => app(a.cluster, a)),
    };
  };
  return { base: patch(base), head: patch(head) };
}

/** Objects of changed Argo CD files that are not Applications placed on a cluster (those are per cluster). */
function fleetObjects(changed: readonly string[], base: TreeSide, head: TreeSide): ObjectChange[] {
  const argo = changed.filter(p => (p.startsWith('argocd/') || p.startsWith('bootstrap/') || isFluxPath(p)));
  const placed = new Set([...base.placedApplicationNames(), ...head.placedApplicationNames()]);
  const shownFiles = new Set([...base.placedApplicationFiles(), ...head.placedApplicationFiles()]);
  const keep = (s: ObjectSource) => !(s.kind === 'Application' && s.apiVersion.startsWith('argoproj.io/') && placed.has(s.name))
    && !(shownFiles.has(s.file) && placed.has(s.name) && (s.kind === 'Kustomization' || s.kind === 'HelmRelease'));
  return compareObjects(base.objectsOfFiles(argo, keep), head.objectsOfFiles(argo, keep));
}

/** Changed files that no Application reads, compared object by object (or as files when they hold no objects). */
function unattributedFiles(changed: readonly string[], base: TreeSide, head: TreeSide): ObjectChange[] {
  const files = changed.filter(p => !p.startsWith('argocd/') && !p.startsWith('bootstrap/') && !isFluxPath(p) && p !== 'acknowledged-removals.yaml' && !base.reads(p) && !head.reads(p));
  return compareObjects(base.objectsOfFiles(files, () => true, true), head.objectsOfFiles(files, () => true, true));
}

/** The column of an Application in the plan's matrix: its name without its cluster (as suffix or prefix). */
export function columnOf(name: string, cluster: string): string {
  if (name.endsWith(`-${cluster}`)) return name.slice(0, -cluster.length - 1);
  if (name.startsWith(`${cluster}-`)) return name.slice(cluster.length + 1);
  return name;
}

