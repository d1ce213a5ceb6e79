import * as fs from 'fs';
import * as yaml from 'js-yaml';
import { parseTreeFile, readTree } from './tree-reader';
import { toYaml } from './yaml';
import { ClusterSecret, readClusterSecrets } from '../expansion/cluster-secrets';
import type { RemovalAcknowledgement } from '../fleet/removal-acknowledgement';
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
  readonly acknowledgements: RemovalAcknowledgement[];
  /**
   * Which kinds are cluster-scoped: the built-in list, the tree's CRDs, and the kinds the program declares
   * (`CLUSTER_SCOPED_KINDS_FILE`).
   */
  readonly scopes: KindScopes;
  /** The kinds the program declares cluster-scoped, each `<group>/<Kind>`. */
  readonly clusterScopedKinds: readonly string[];
  /** Problems reading the tree. */
  readonly problems: string[];
  /** The `kubectl apply` commands of Flux fleets' entry points (Argo CD's root Applications are in `applications`). */
  readonly fluxBootstrap?: string[];
}

/** Builds the model from the entries of a tree (rendered in memory or read from disk). */
export function modelFromEntries(
  entries: TreeEntry[], acknowledgements: RemovalAcknowledgement[] = [], clusterScopedKinds: readonly string[] = [],
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
  return {
    entries,
    clusters: [...clusters, ...flux.clusters],
    projects,
    applications: [...applications, ...flux.applications],
    applicationSets,
    repoUrls,
    acknowledgements,
    scopes,
    clusterScopedKinds,
    problems: [...errors, ...flux.problems],
    ...(flux.bootstrap.length ? { fluxBootstrap: flux.bootstrap } : {}),
  };
}

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
  let acknowledgements: RemovalAcknowledgement[] = [];
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
export function acknowledgementsYaml(acks: readonly RemovalAcknowledgement[]): string {
  // By code unit (never `localeCompare`: its order depends on LANG, and the file's bytes must not).
  const key = (a: RemovalAcknowledgement) => `${a.cluster}\u0000${a.application}\u0000${a.reason}`;
  const sorted = [...acks].sort((a, b) => compareCodeUnits(key(a), key(b)));
  return '# Removals of Applications this program acknowledges (cdk8s-fleet diff lets them through).\n'
    + yaml.dump({ acknowledgedRemovals: sorted.map(a => ({ cluster: a.cluster, application: a.application, reason: a.reason })) }, { lineWidth: -1 });
}

/** The removals an acknowledgements file lists (`rel` names it in messages). */
export function parseAcknowledgements(text: string, rel: string): RemovalAcknowledgement[] {
  const doc: any = parseYamlDocument(text, rel);
  return (doc?.acknowledgedRemovals ?? []).map((a: any) => ({ cluster: String(a.cluster), application: String(a.application), reason: String(a.reason ?? '') }));
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
