import * as fs from 'fs';
import * as path from 'path';
import { ACKNOWLEDGEMENTS_FILE, FleetModel, modelFromEntries, parseAcknowledgements, TreeEntry } from './fleet-model';
import { interruptedWrite, sha256, STATE_DIR } from './tree-writer';
import { imagesOf } from '../private/images';
import { decodeText, InputError, MAX_INPUT_BYTES, parseYamlDocuments } from '../private/yaml-input';

/**
 * A synthesized tree as the diff and the plan read it: every regular file with its sha256, found cheaply.
 *
 * A file's hash is taken from the tree's manifest (`.cdk8s-fleet/manifest.json`) only when the writer's stat
 * cache (`.cdk8s-fleet/stat-cache.json`, local to the machine that synthesized the tree) recorded the size and
 * modification time the file still has — the test git and the tree writer use to know a file is as written.
 * Every other file (no stat cache, as in a fresh checkout; a file edited since; a file the manifest does not
 * list) is read and hashed. A stale manifest can therefore never make a changed file look unchanged.
 */
export interface TreeScan {
  readonly root: string;
  /** Tree-relative path → sha256 of the file's bytes, for every regular file outside `.git` and the state directory. */
  readonly hashes: ReadonlyMap<string, string>;
  /** Directory ('' for the root) → the names of the files directly in it. */
  readonly files: ReadonlyMap<string, readonly string[]>;
  /** Every directory ('' for the root). */
  readonly directories: ReadonlySet<string>;
  /** Directory → the paths of the directories directly in it. */
  readonly subdirectories: ReadonlyMap<string, readonly string[]>;
  /** Files whose hash came from the manifest (verified by size and modification time). */
  readonly trusted: number;
  /** Problems worth a warning (files the manifest lists that are missing). */
  readonly problems: string[];
}

/** Reports progress of long work, one short line at a time. */
export type ProgressListener = (message: string) => void;

/**
 * Refuses a directory that is not a synthesized tree, naming what is missing: `<label> <dir>: …` (an
 * `InputError`). A tree has `.cdk8s-fleet/manifest.json` (written by every synth) and no interrupted write.
 */
export function requireTree(dir: string, label = 'tree'): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new InputError(`${label} ${dir}: no such directory`, dir);
  }
  if (!stat.isDirectory()) throw new InputError(`${label} ${dir}: not a directory`, dir);
  const manifest = path.join(dir, STATE_DIR, 'manifest.json');
  if (!fs.existsSync(manifest)) {
    throw new InputError(`${label} ${dir}: not a cdk8s-fleet tree (no ${STATE_DIR}/manifest.json; pass the directory a FleetApp synthesized into)`, dir);
  }
  const interrupted = interruptedWrite(dir);
  if (interrupted) throw new InputError(`${label} ${dir}: ${interrupted}; synthesize again before reading it`, dir);
}

/** Finds every file of a tree and its hash (see `TreeScan`); refuses a directory that is not a tree. */
export function scanTree(root: string, onProgress?: ProgressListener, label = 'tree'): TreeScan {
  requireTree(root, label);
  const manifest: Record<string, string> = readJson(path.join(root, STATE_DIR, 'manifest.json'), 'files').files;
  let statCache: Record<string, [number, number]> = {};
  try {
    statCache = JSON.parse(fs.readFileSync(path.join(root, STATE_DIR, 'stat-cache.json'), 'utf-8'));
  } catch {
    // No stat cache (a checkout rather than the synth's own output): every file is hashed.
  }
  const hashes = new Map<string, string>();
  const files = new Map<string, string[]>();
  const directories = new Set<string>();
  const subdirectories = new Map<string, string[]>();
  const base = path.resolve(root) + path.sep;
  let trusted = 0;
  let seen = 0;
  const visit = (dir: string) => {
    directories.add(dir);
    const names: string[] = [];
    files.set(dir, names);
    const subs: string[] = [];
    subdirectories.set(dir, subs);
    const entries = fs.readdirSync(base + dir, { withFileTypes: true });
    for (const e of entries) {
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && rel !== STATE_DIR) {
          subs.push(rel);
          visit(rel);
        }
        continue;
      }
      if (!e.isFile()) {
        throw new InputError(`${label} ${root}: ${rel} is ${e.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; a tree holds regular files only`, rel);
      }
      names.push(e.name);
      const abs = base + rel;
      const recorded = manifest[rel];
      const cached = statCache[rel];
      let hash: string | undefined;
      if (recorded !== undefined && cached) {
        const stat = fs.statSync(abs);
        if (stat.size === cached[0] && stat.mtimeMs === cached[1]) {
          hash = recorded;
          trusted++;
        }
      }
      hashes.set(rel, hash ?? sha256(readBounded(abs, `${label} ${root}: ${rel}`)));
      if (++seen % 10_000 === 0) onProgress?.(`${label}: ${seen} files checked`);
    }
    names.sort(cmp);
  };
  visit('');
  const problems = Object.keys(manifest).filter(p => !hashes.has(p)).sort(cmp)
    .map(p => `${label} ${root}: ${p} is listed in the manifest but missing`);
  return { root, hashes, files, directories, subdirectories, trusted, problems };
}

/** Parsed documents by content hash, shared by the two trees of a diff (a file both trees hold is parsed once). */
export class ParseCache {
  private readonly docs = new Map<string, unknown[] | InputError>();
  public get(hash: string, load: () => unknown[]): unknown[] {
    let d = this.docs.get(hash);
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
  public constructor(public readonly scan: TreeScan, private readonly cache: ParseCache, private readonly label = 'tree') {}

  /** The tree-relative path's kind in this tree. */
  public typeOf(rel: string): 'file' | 'dir' | undefined {
    if (this.scan.hashes.has(rel)) return 'file';
    return this.scan.directories.has(rel) ? 'dir' : undefined;
  }

  /** The text of a file (an `InputError` when it is not text, too large, or changed since the scan). */
  public text(rel: string): string {
    let t = this.texts.get(rel);
    if (t === undefined) {
      const file = path.join(this.scan.root, rel);
      const label = `${this.label} ${this.scan.root}: ${rel}`;
      const bytes = readBounded(file, label);
      if (sha256(bytes) !== this.scan.hashes.get(rel)) throw new InputError(`${label} changed while it was being read`, file);
      t = decodeText(bytes, label, file);
      this.texts.set(rel, t);
    }
    return t;
  }

  /** The YAML (or JSON) documents of a file, empty documents dropped. */
  public documents(rel: string): unknown[] {
    const hash = this.scan.hashes.get(rel);
    if (hash === undefined) throw new InputError(`${this.label} ${this.scan.root}: ${rel}: no such file`, rel);
    return this.cache.get(hash, () => parseYamlDocuments(this.text(rel), `${this.label} ${this.scan.root}: ${rel}`));
  }

  /** Every file path, sorted. */
  public paths(): string[] {
    return [...this.scan.hashes.keys()].sort(cmp);
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
  const paths = reader.paths().filter(rel => /\.ya?ml$/.test(rel) && rel !== ACKNOWLEDGEMENTS_FILE);
  const isArgo = (rel: string) => rel.startsWith('argocd/') || rel.startsWith('bootstrap/');
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
  const acknowledgements = reader.typeOf(ACKNOWLEDGEMENTS_FILE) === 'file' ? parseAcknowledgements(reader.text(ACKNOWLEDGEMENTS_FILE)) : [];
  const model = modelFromEntries(entries, acknowledgements);
  return { ...model, problems: [...reader.scan.problems, ...problems, ...model.problems] };
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

function readBounded(abs: string, label: string): Buffer {
  const stat = fs.statSync(abs);
  if (stat.size > MAX_INPUT_BYTES) throw new InputError(`${label}: ${stat.size} bytes, more than the ${MAX_INPUT_BYTES} read at most`, abs);
  return fs.readFileSync(abs);
}

function readJson(file: string, field: string): any {
  const text = decodeText(readBounded(file, file), file, file);
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  if (!doc || typeof doc !== 'object' || typeof doc[field] !== 'object' || doc[field] === null) throw new InputError(`${file}: has no '${field}' map`, file);
  return doc;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
