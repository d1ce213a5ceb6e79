import { ACKNOWLEDGEMENTS_FILE, FleetModel, modelFromEntries, parseAcknowledgements, parseClusterScopedKinds, RecordedAcknowledgement, TreeEntry } from './fleet-model';
import { ParsedFile, parseTreeFile, readTreeText, TreeScan } from './tree-scan';
import { isFluxPath } from '../flux/flux-model';
import { imagesOf } from '../private/images';
import { CLUSTER_SCOPED_KINDS_FILE, KindScopes } from '../private/kinds';
import { compareCodeUnits } from '../private/util';
import { InputError } from '../private/yaml-input';

/**
 * The files of a scanned tree (`tree-scan.ts`) as the diff and the plan read them: text and YAML documents
 * through a cache shared by both trees, and the fleet model.
 */

/**
 * Parsed documents by content hash, shared by the two trees of a diff (a file both trees hold is parsed once).
 * `more` supplies documents parsed elsewhere (the scan's worker thread), taken before parsing a missing one.
 */
export class ParseCache {
  private readonly docs = new Map<string, unknown[] | InputError>();
  public constructor(private readonly more?: () => ParsedFile[]) {}
  public get(hash: string, load: () => unknown[]): unknown[] {
    let d = this.docs.get(hash);
    if (d === undefined && this.more) {
      for (const [h, v] of this.more()) if (!this.docs.has(h)) this.docs.set(h, Array.isArray(v) ? v : new InputError(v.error));
      d = this.docs.get(hash);
    }
    if (d === undefined) {
      try {
        d = load();
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        d = e;
      }
      this.docs.set(hash, d);
    }
    if (d instanceof InputError) throw d;
    return d;
  }
}

/** Reads the files of a scanned tree: their text, and their YAML documents through a shared cache. */
export class TreeReader {
  private readonly texts = new Map<string, string>();
  public constructor(public readonly scan: TreeScan, private readonly cache: ParseCache, public readonly label = 'tree') {}

  /** The tree-relative path's kind in this tree. */
  public typeOf(rel: string): 'file' | 'dir' | undefined {
    if (this.scan.hashes.has(rel)) return 'file';
    return this.scan.directories.has(rel) ? 'dir' : undefined;
  }

  /** The text of a file (an `InputError` when it is not text, too large, or changed since the scan). */
  public text(rel: string): string {
    let t = this.texts.get(rel);
    if (t === undefined) {
      t = readTreeText(this.scan, rel, this.label);
      this.texts.set(rel, t);
    }
    return t;
  }

  /** The YAML (or JSON) documents of a file, empty documents dropped. */
  public documents(rel: string): unknown[] {
    const hash = this.scan.hashes.get(rel);
    if (hash === undefined) throw new InputError(`${this.label} ${this.scan.root}: ${rel}: no such file`, rel);
    return this.cache.get(hash, () => parseTreeFile(this.scan, rel, this.label, this.text(rel)));
  }

  /** Every file path, sorted. */
  public paths(): string[] {
    return [...this.scan.hashes.keys()].sort(compareCodeUnits);
  }
}

/**
 * The fleet model of a scanned tree. Argo CD objects (`argocd/`, `bootstrap/`) are parsed; workload files are
 * parsed only with `workloads: true` — otherwise they stand in the model by path and (lazily read) content,
 * which is all the plan needs of them besides images, and the diff finds those in the objects it compares.
 */
export function modelOfTree(reader: TreeReader, options: { readonly workloads: boolean }): FleetModel {
  const entries: TreeEntry[] = [];
  const problems: string[] = [];
  const paths = reader.paths().filter(rel => /\.ya?ml$/.test(rel) && rel !== ACKNOWLEDGEMENTS_FILE && rel !== CLUSTER_SCOPED_KINDS_FILE);
  const isArgo = (rel: string) => rel.startsWith('argocd/') || rel.startsWith('bootstrap/') || isFluxPath(rel);
  // Argo CD objects first: without a git generator, the plan needs nothing of the other files.
  const argoPaths = paths.filter(isArgo);
  const otherPaths = paths.filter(p => !isArgo(p));
  let needsFiles = options.workloads;
  for (const rel of [...argoPaths, ...otherPaths]) {
    const argo = isArgo(rel);
    if (!argo && !needsFiles) {
      needsFiles = entries.some(e => isGitGenerated(e.object));
      if (!needsFiles) break;
    }
    if (!argo && !options.workloads) {
      entries.push(lazyEntry(reader, rel, undefined, []));
      continue;
    }
    let docs: unknown[];
    try {
      docs = reader.documents(rel);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push(e.message);
      continue;
    }
    for (const object of docs) {
      if (object && typeof object === 'object') entries.push(lazyEntry(reader, rel, object, argo ? [] : imagesOf(object)));
    }
  }
  const kinds = treeKindScopes(reader, entries);
  const model = modelFromEntries(entries, acknowledgementsOf(reader), kinds.clusterScopedKinds, kinds.scopes);
  // Scan and read problems name their tree already; the model's own (cluster Secrets) get its label.
  return { ...model, problems: [...reader.scan.problems, ...problems, ...kinds.problems, ...model.problems.map(p => `${reader.label}: ${p}`)] };
}

/**
 * The kind scopes of a tree (`KindScopes`): the CRDs among `entries` and in the files the writer named for a
 * CustomResourceDefinition (`<Kind>.<name>.yaml`; read even when the model leaves workload files unread), and the
 * kinds its `cluster-scoped-kinds.yaml` declares.
 */
export function treeKindScopes(
  reader: TreeReader, entries: readonly TreeEntry[],
): { scopes: KindScopes; clusterScopedKinds: string[]; problems: string[] } {
  const problems: string[] = [];
  let clusterScopedKinds: string[] = [];
  if (reader.typeOf(CLUSTER_SCOPED_KINDS_FILE) === 'file') {
    try {
      clusterScopedKinds = parseClusterScopedKinds(reader.text(CLUSTER_SCOPED_KINDS_FILE), CLUSTER_SCOPED_KINDS_FILE);
    } catch (e) {
      problems.push(`${reader.label}: ${(e as Error).message}`);
    }
  }
  const crds = reader.paths().filter(isCrdFile).flatMap(rel => {
    try {
      return reader.documents(rel).map(object => ({ path: rel, object }));
    } catch {
      return []; // (reported where the file is read)
    }
  });
  return { scopes: KindScopes.fromEntries([...entries, ...crds], clusterScopedKinds), clusterScopedKinds, problems };
}

/** Whether the writer would have written a CustomResourceDefinition to this path (`<Kind>.<name>.yaml`). */
function isCrdFile(rel: string): boolean {
  return rel.slice(rel.lastIndexOf('/') + 1).startsWith('CustomResourceDefinition.');
}

/** The removals the tree acknowledges (its `acknowledged-removals.yaml`). */
export function acknowledgementsOf(reader: TreeReader): RecordedAcknowledgement[] {
  return reader.typeOf(ACKNOWLEDGEMENTS_FILE) === 'file' ? parseAcknowledgements(reader.text(ACKNOWLEDGEMENTS_FILE), ACKNOWLEDGEMENTS_FILE) : [];
}

/**
 * Whether two scanned trees hold the same Argo CD objects (`argocd/`, `bootstrap/`, byte for byte) and no
 * ApplicationSet reads the tree's other files: then their plans are the same, and one serves both.
 */
export function samePlanInputs(base: TreeReader, head: TreeReader, baseModel: FleetModel): boolean {
  const argo = (r: TreeReader) => [...r.scan.hashes].filter(([p]) => p.startsWith('argocd/') || p.startsWith('bootstrap/') || isFluxPath(p));
  const b = argo(base);
  const h = argo(head);
  if (b.length !== h.length) return false;
  const headHashes = head.scan.hashes;
  if (b.some(([p, hash]) => headHashes.get(p) !== hash)) return false;
  return !baseModel.applicationSets.some(e => isGitGenerated(e.object));
}

/** Whether an ApplicationSet has a git generator (which reads the tree's paths and files), at any depth. */
function isGitGenerated(o: any): boolean {
  if (o?.kind !== 'ApplicationSet') return false;
  const visit = (v: any): boolean => {
    if (Array.isArray(v)) return v.some(visit);
    if (v && typeof v === 'object') return Object.keys(v).some(k => k === 'git' || visit(v[k]));
    return false;
  };
  return visit(o.spec?.generators);
}

/** A model entry whose content is read only when the git files generator asks for it. */
function lazyEntry(reader: TreeReader, rel: string, object: unknown, images: string[]): TreeEntry {
  return {
    path: rel,
    object,
    images,
    get content() {
      return reader.text(rel);
    },
  };
}

