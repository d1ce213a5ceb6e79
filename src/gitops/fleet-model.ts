import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { parseTreeFile, readTree } from './tree-reader';
import { toYaml } from './yaml';
import { ClusterSecret, knownClusterIndex, readClusterSecrets } from '../expansion/cluster-secrets';
import { fluxModelParts } from '../flux/flux-model';
import { show } from '../private/errors';
import { normalizeGitUrl } from '../private/glob';
import { imagesOf } from '../private/images';
import { CLUSTER_SCOPED_KINDS_FILE, GROUP_KIND, KindScopes } from '../private/kinds';
import { compareCodeUnits } from '../private/util';
import { parseYamlDocument } from '../private/yaml-input';

/**
 * The file that records the removals a program acknowledges (`Fleet.acknowledgeRemoval`). It sits at the tree's
 * root, outside every path Argo CD reads, and is reviewed in the PR like any other file.
 */
export const ACKNOWLEDGEMENTS_FILE = 'acknowledged-removals.yaml';

/**
 * An acknowledged removal as the tree records it (`RemovalAcknowledgement`), with the fleet whose Application goes:
 * none for any fleet's (`fleet: '*'`, or a file written before fleets were recorded, or by hand). Two fleets' Argo
 * CDs may each have an Application of one name on one cluster: one's removal is not the other's.
 */
export interface RecordedAcknowledgement {
  readonly application: string;
  readonly cluster: string;
  readonly reason: string;
  readonly fleet?: string;
}

/** One object of a tree: Argo CD objects whole, workload objects as kind and name plus their images. */
export interface TreeEntry {
  readonly path: string;
  readonly object: any;
  readonly images?: string[];
  /** The file's text, when known (the git files generator reads it). */
  readonly content?: string;
  /** A Flux placement's view: where Argo CD's Application would have come from (`ApplicationSet/<name>`). */
  readonly origin?: string;
}

/** What a tree says about the fleet: the inputs of the plan, the diff and the fleet proofs. */
export interface FleetModel {
  readonly entries: TreeEntry[];
  readonly clusters: ClusterSecret[];
  readonly projects: Map<string, any>;
  readonly applications: TreeEntry[];
  readonly applicationSets: TreeEntry[];
  /** Normalized URLs of the Git repository that holds this tree (from the root Application). */
  readonly repoUrls: Set<string>;
  readonly acknowledgements: RecordedAcknowledgement[];
  /**
   * Which kinds are cluster-scoped: the built-in list, the tree's CRDs, and the kinds the program declares
   * (`CLUSTER_SCOPED_KINDS_FILE`).
   */
  readonly scopes: KindScopes;
  /** The kinds the program declares cluster-scoped, each `<group>/<Kind>`. */
  readonly clusterScopedKinds: readonly string[];
  /** Each Argo CD fleet's own clusters and projects, by the tree's paths (a fleet sees only its own). */
  readonly fleets: ArgoFleets;
  /** Problems reading the tree. */
  readonly problems: string[];
  /** The `kubectl apply` commands of Flux fleets' entry points (Argo CD's root Applications are in `applications`). */
  readonly fluxBootstrap?: string[];
}

/** Builds the model from the entries of a tree (rendered in memory or read from disk). */
export function modelFromEntries(
  entries: TreeEntry[], acknowledgements: RecordedAcknowledgement[] = [], clusterScopedKinds: readonly string[] = [],
  scopes: KindScopes = KindScopes.fromEntries(entries, clusterScopedKinds),
): FleetModel {
  const argo = entries.filter(e => e.path.startsWith('argocd/') || e.path.startsWith('bootstrap/'));
  const { clusters, errors } = readClusterSecrets(argo.map(e => e.object));
  const projects = new Map<string, any>();
  for (const e of argo) if (isArgo(e.object, 'AppProject')) projects.set(e.object.metadata?.name, e.object);
  const applications = argo.filter(e => isArgo(e.object, 'Application'));
  const applicationSets = argo.filter(e => isArgo(e.object, 'ApplicationSet'));
  const repoUrls = new Set<string>();
  for (const e of entries.filter(x => x.path.startsWith('bootstrap/') && isArgo(x.object, 'Application'))) {
    const sources = e.object.spec?.sources ?? [e.object.spec?.source];
    for (const s of sources) if (s?.repoURL) repoUrls.add(normalizeGitUrl(s.repoURL));
  }
  // Flux fleets: the registry and the placements, read as clusters and Applications (src/flux/flux-model.ts).
  const flux = fluxModelParts(entries);
  for (const u of flux.repoUrls) repoUrls.add(u);
  const allClusters = [...clusters, ...flux.clusters];
  const fleets = new ArgoFleets(argo, allClusters, projects);
  return {
    entries,
    fleets,
    clusters: allClusters,
    projects,
    applications: [...applications, ...flux.applications],
    applicationSets,
    repoUrls,
    acknowledgements,
    scopes,
    clusterScopedKinds,
    problems: [...errors, ...fleets.problems, ...flux.problems],
    ...(flux.bootstrap.length ? { fluxBootstrap: flux.bootstrap } : {}),
  };
}

/**
 * The fleets of a tree, each its own Argo CD: `argocd/<fleet>/`, the directory its root Application
 * (`bootstrap/`) syncs, holds its cluster Secrets, projects, ApplicationSets and Applications, and its Argo CD sees
 * those alone. An ApplicationSet's cluster generator selects among its own fleet's clusters, an Application's
 * destination names one of them, and its project is one of its fleet's (or Argo CD's built-in `default`, or one
 * defined outside the tree); a cluster or project of the same name in another fleet is another Argo CD's, and so
 * is an Application or ApplicationSet of the same name.
 *
 * A file's fleet is named by the directory of the root Application that syncs it (`argocd/<fleet>/`: `<fleet>`;
 * another directory: itself, without the trailing '/'); a root Application belongs to the fleet whose directory it
 * syncs; a Flux tree's file under `flux/<fleet>/` to `<fleet>` (the name the same program's Argo CD tree gives it).
 * A file of no fleet (''), or of a fleet without Argo CD objects (a Flux fleet, whose registry is not read here),
 * sees every cluster and project of the tree, as every file did before fleets were told apart.
 */
export class ArgoFleets {
  /** Each root Application's directory (with a trailing '/') and its fleet's name, longest directory first. */
  private readonly dirs: Array<[string, string]>;
  /** Each fleet with Argo CD objects: its cluster Secrets. */
  private readonly clustersByFleet = new Map<string, ClusterSecret[]>();
  private readonly all: { clusters: ClusterSecret[]; projects: Map<string, any> };
  /** The AppProjects of the tree by fleet ('' for none) and name: projects of one name in two fleets are two. */
  public readonly projectsByFleet = new Map<string, Map<string, any>>();
  /** Each fleet's Argo CD namespace: where its root Application syncs its directory. */
  private readonly namespaces = new Map<string, string>();
  /**
   * Cluster names two fleets give two servers (synth refuses them: `Fleet`): the plan and the diff, which name a
   * cluster by its name as the tree's `clusters/<name>/` does, show them as one.
   */
  public readonly problems: string[] = [];

  /** `argo`: the tree's Argo CD entries; `clusters` and `projects`: all of theirs. */
  public constructor(argo: readonly TreeEntry[], clusters: ClusterSecret[], projects: Map<string, any>) {
    const dirs = new Set<string>();
    for (const e of argo) {
      const dir = rootDirectory(e);
      if (dir === undefined) continue;
      dirs.add(dir);
      const namespace = e.object.spec?.destination?.namespace;
      if (typeof namespace === 'string' && namespace !== '') this.namespaces.set(fleetNameOf(dir), namespace);
    }
    this.dirs = [...dirs].sort((a, b) => b.length - a.length || compareCodeUnits(a, b)).map(d => [d, fleetNameOf(d)]);
    const byFleet = new Map<string, any[]>(); // fleet → its objects
    for (const e of argo) {
      const fleet = this.fleetOf(e);
      if (isArgo(e.object, 'AppProject')) {
        if (!this.projectsByFleet.has(fleet)) this.projectsByFleet.set(fleet, new Map());
        this.projectsByFleet.get(fleet)!.set(e.object.metadata?.name, e.object);
      }
      if (fleet === '') continue;
      const objects = byFleet.get(fleet);
      if (objects === undefined) byFleet.set(fleet, [e.object]);
      else objects.push(e.object);
    }
    for (const [fleet, objects] of byFleet) this.clustersByFleet.set(fleet, readClusterSecrets(objects).clusters);
    this.all = { clusters, projects };
    const servers = new Map<string, Array<{ fleet: string; server: string }>>(); // cluster name → its fleets' servers
    for (const [fleet, own] of this.clustersByFleet) {
      for (const c of own) {
        const seen = servers.get(c.name) ?? [];
        servers.set(c.name, seen);
        if (!seen.some(s => s.fleet === fleet)) seen.push({ fleet, server: c.server.replace(/\/+$/, '') });
      }
    }
    for (const [name, seen] of servers) {
      if (new Set(seen.map(s => s.server)).size < 2) continue;
      this.problems.push(`cluster '${name}' has server ${seen.map(s => `${s.server} in fleet '${s.fleet}'`).join(' and ')} `
        + '(argocd/<fleet>/clusters/): the plan and the diff show them as one cluster (a cluster name must be one cluster in a tree)');
    }
  }

  /** The name of the fleet `entry` belongs to ('' when none). */
  public fleetOf(entry: Pick<TreeEntry, 'path' | 'object'>): string {
    const root = rootDirectory(entry);
    if (root !== undefined) return fleetNameOf(root);
    const found = this.dirs.find(([d]) => entry.path.startsWith(d));
    return found?.[1] ?? FLUX_FLEET.exec(entry.path)?.[1] ?? '';
  }

  /** The clusters the Argo CD of `fleet` (`fleetOf`) has: its cluster Secrets (every cluster of the tree: see above). */
  public clustersIn(fleet: string): ClusterSecret[] {
    return this.clustersByFleet.get(fleet) ?? this.all.clusters;
  }

  /**
   * The cluster an Application's destination names (by name, else by server without a trailing '/') among those
   * the Argo CD of `fleet` knows (its cluster Secrets and the implicit in-cluster), if any: another fleet's cluster
   * of the same name is another Argo CD's.
   */
  public destinationCluster(dst: { name?: unknown; server?: unknown } | undefined, fleet: string): { name: string; server: string } | undefined {
    const known = knownClusterIndex(this.clustersIn(fleet)); // (indexed once per list of clusters)
    if (dst?.name) return known.byName.get(String(dst.name))?.[0];
    return dst?.server ? known.byServer.get(String(dst.server).replace(/\/$/, '')) : undefined;
  }

  /**
   * The namespace the Argo CD of `fleet` runs in (its root Application's destination namespace), if known. Two
   * fleets with the same namespace cannot be one cluster's: their in-cluster destinations are two hubs.
   */
  public argocdNamespaceOf(fleet: string): string | undefined {
    return this.namespaces.get(fleet);
  }

  /** The projects of `fleet` (`fleetOf`) by name (every project of the tree: see above). */
  public projectsIn(fleet: string): ReadonlyMap<string, any> {
    if (!this.clustersByFleet.has(fleet)) return this.all.projects; // (no fleet, or no Argo CD objects of its own)
    return this.projectsByFleet.get(fleet) ?? NO_PROJECTS;
  }
}

/**
 * Names two fleets share. Names are unique within a fleet's Argo CD, not across fleets, so output names a thing
 * whose `key` (its name, or its name on a cluster) two fleets have `<fleet>/<name>`, and any other by its name.
 */
export class Namesakes {
  private readonly fleetsOf = new Map<string, Set<string>>();

  /** Records that `fleet` has `key`. */
  public add(key: string, fleet: string): this {
    const fleets = this.fleetsOf.get(key);
    if (fleets) fleets.add(fleet);
    else this.fleetsOf.set(key, new Set([fleet]));
    return this;
  }

  /** Whether two fleets have `key`. */
  public has(key: string): boolean {
    return (this.fleetsOf.get(key)?.size ?? 0) > 1;
  }

  /** `<fleet>/<name>` when two fleets have `key`, else `name`. */
  public label(key: string, fleet: string, name: string = key): string {
    return this.has(key) ? `${fleet || '(no fleet)'}/${name}` : name;
  }
}

/** A Flux tree's fleet directory (src/flux/). */
const FLUX_FLEET = /^flux\/([^/]+)\//;

/**
 * The name of the fleet whose root Application (or a Flux tree's root Kustomization, read as one) syncs `dir`:
 * `argocd/<fleet>/` or a directory under `flux/<fleet>/`: `<fleet>`; else `dir` without its '/'.
 */
function fleetNameOf(dir: string): string {
  return /^argocd\/([^/]+)\/$/.exec(dir)?.[1] ?? FLUX_FLEET.exec(dir)?.[1] ?? dir.slice(0, -1);
}

/** The directory a root Application (`bootstrap/`) syncs, with a trailing '/'; undefined for other entries. */
function rootDirectory(e: Pick<TreeEntry, 'path' | 'object'>): string | undefined {
  if (!e.path.startsWith('bootstrap/') || !isArgo(e.object, 'Application')) return undefined;
  const path = (e.object.spec?.source ?? e.object.spec?.sources?.[0])?.path; // (a Flux root's view has `sources`)
  return typeof path === 'string' && path.replace(/\/+$/, '') !== '' ? `${path.replace(/^\.\/|\/+$/g, '')}/` : undefined;
}

/** The projects of a fleet that has none. */
const NO_PROJECTS: ReadonlyMap<string, any> = new Map();

/**
 * Reads a tree from disk (`readTree`: regular files inside the tree only, bounded, no link followed out of it):
 * every YAML file except the state directory, plus the acknowledged removals. `known` holds contents already
 * read (tree-relative path → text), which are not read again.
 */
export function readTreeModel(tree: string, known?: ReadonlyMap<string, string>): FleetModel {
  const entries: TreeEntry[] = [];
  const read = readTree(tree, { include: rel => /\.ya?ml$/.test(rel), known });
  if (!fs.existsSync(tree)) return { ...modelFromEntries([]), problems: read.problems };
  const problems = [...read.problems];
  // Files with the same bytes (a workload variant in many clusters' directories) are parsed once; the model
  // only reads the objects, so they can share them.
  const parsed = new Map<string, { object: unknown; images: string[] }[] | Error>();
  let acknowledgements: RecordedAcknowledgement[] = [];
  let clusterScopedKinds: string[] = [];
  for (const [rel, content] of read.files) {
    if (rel === ACKNOWLEDGEMENTS_FILE || rel === CLUSTER_SCOPED_KINDS_FILE) {
      try {
        if (rel === ACKNOWLEDGEMENTS_FILE) acknowledgements = parseAcknowledgements(content, rel);
        else clusterScopedKinds = parseClusterScopedKinds(content, rel);
      } catch (e) {
        problems.push((e as Error).message);
      }
      continue;
    }
    let docs = parsed.get(content);
    if (!docs) {
      try {
        docs = parseTreeFile(content, rel).map(object => ({ object, images: imagesOf(object) }));
      } catch (e) {
        docs = e as Error;
      }
      parsed.set(content, docs);
    }
    if (docs instanceof Error) {
      // The message names the file that was parsed first; name this one.
      problems.push(`${rel}${docs.message.slice(docs.message.search(/(:\d+:\d+)?: /))}`);
      continue;
    }
    for (const d of docs) entries.push({ path: rel, object: d.object, images: d.images, content });
  }
  const model = modelFromEntries(entries, acknowledgements, clusterScopedKinds);
  return { ...model, problems: [...problems, ...model.problems] };
}

/** The YAML of the acknowledgements file. */
export function acknowledgementsYaml(acks: readonly RecordedAcknowledgement[]): string {
  // By code unit (never `localeCompare`: its order depends on LANG, and the file's bytes must not).
  const key = (a: RecordedAcknowledgement) => `${a.cluster}\u0000${a.application}\u0000${a.reason}\u0000${a.fleet ?? ''}`;
  const sorted = [...acks].sort((a, b) => compareCodeUnits(key(a), key(b)));
  return '# Removals of Applications this program acknowledges (cdk8s-fleet diff lets them through).\n'
    + yaml.dump({
      acknowledgedRemovals: sorted.map(a => ({
        cluster: a.cluster, application: a.application, reason: a.reason, ...(a.fleet !== undefined ? { fleet: a.fleet } : {}),
      })),
    }, { lineWidth: -1 });
}

/** The removals an acknowledgements file lists (`rel` names it in messages). */
export function parseAcknowledgements(text: string, rel: string): RecordedAcknowledgement[] {
  const doc: any = parseYamlDocument(text, rel);
  return (doc?.acknowledgedRemovals ?? []).map((a: any) => ({
    cluster: String(a.cluster), application: String(a.application), reason: String(a.reason ?? ''), ...(a.fleet !== undefined ? { fleet: String(a.fleet) } : {}),
  }));
}

/** The YAML of the declared cluster-scoped kinds' file (`CLUSTER_SCOPED_KINDS_FILE`), the kinds sorted. */
export function clusterScopedKindsYaml(kinds: readonly string[]): string {
  return '# Kinds this program declares cluster-scoped (FleetApp clusterScopedKinds): cdk8s-fleet plan and diff judge their objects as synth did.\n'
    + toYaml({ clusterScopedKinds: [...new Set(kinds)].sort(compareCodeUnits) });
}

/** The kinds a declared cluster-scoped kinds' file lists (`rel` names it in messages); throws on anything else. */
export function parseClusterScopedKinds(text: string, rel: string): string[] {
  const doc: any = parseYamlDocument(text, rel);
  const kinds = doc?.clusterScopedKinds;
  const only = doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.keys(doc).length === 1 && Array.isArray(kinds);
  const wrong = only ? kinds.find((k: unknown) => typeof k !== 'string' || !GROUP_KIND.test(k)) : doc;
  if (!only || wrong !== undefined) {
    throw new Error(`${rel}: not a list of cluster-scoped kinds ('clusterScopedKinds', each '<group>/<Kind>', and nothing else): ${show(wrong)}`);
  }
  return kinds;
}

function isArgo(o: any, kind: string): boolean {
  return o?.kind === kind && typeof o?.apiVersion === 'string' && o.apiVersion.startsWith('argoproj.io/');
}
