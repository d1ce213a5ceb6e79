import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes the GitOps tree so that a reader never sees a silent mix of two synths. Everything is validated and
 * rendered in memory before this runs; then:
 *
 * 1. a journal (`.cdk8s-fleet/journal.json`, phase `prepare`) listing every file to create, replace and delete
 *    appears with an atomic rename;
 * 2. files that did not exist are written in place, files that change are written to `.cdk8s-fleet/staging`;
 * 3. the journal is switched to phase `commit` (atomic rename): from that instant the new tree is committed;
 * 4. staged files are renamed over the old ones, stale managed files are deleted, the manifest is replaced,
 *    and the journal and staging directory are removed.
 *
 * The next run (and `recoverTree`) finds an interrupted write by its journal before doing anything else: in
 * phase `prepare` it rolls back (deletes the created files; the old files were never touched), in phase
 * `commit` it completes the moves. Only changed files are touched, and files the tree never wrote (not in
 * the manifest) are left alone. Writes are not fsync'ed: the guarantee is against a killed process, not a
 * power cut.
 */

/** The state directory inside the tree. */
export const STATE_DIR = '.cdk8s-fleet';
const MANIFEST = `${STATE_DIR}/manifest.json`;
const JOURNAL = `${STATE_DIR}/journal.json`;
const STAGING = `${STATE_DIR}/staging`;
/** Local (git-ignored) record of each managed file's size and mtime when it was last written or checked. */
const STAT_CACHE = `${STATE_DIR}/stat-cache.json`;

/** The list of files the tree writer manages, with their sha256, kept in the tree. */
export interface TreeManifest {
  readonly version: number;
  readonly files: Record<string, string>;
}

interface Journal {
  readonly version: number;
  readonly phase: 'prepare' | 'commit';
  /** Tree-relative paths that did not exist and are written in place. */
  readonly creates: string[];
  /** Tree-relative paths whose new content is staged, then renamed over the old file. */
  readonly replaces: string[];
  /** Tree-relative paths to delete. */
  readonly deletes: string[];
  /** The manifest once the write is complete. */
  readonly manifest: TreeManifest;
}

/** What a write did. */
export interface TreeWriteResult {
  readonly written: string[];
  readonly deleted: string[];
  readonly unchanged: number;
  /** Set when an interrupted earlier write was found and completed or discarded first. */
  readonly recovered?: string;
}

/** Hex sha256 of a string's UTF-8 bytes. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads the manifest of a tree (an empty one if the tree has none). */
export function readManifest(outdir: string): TreeManifest {
  const file = path.join(outdir, MANIFEST);
  if (!fs.existsSync(file)) return { version: 1, files: {} };
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** Whether the tree holds an interrupted write, and what the next run will do about it. */
export function interruptedWrite(outdir: string): string | undefined {
  const journal = readJournal(outdir);
  if (journal?.phase === 'commit') return 'a committed write was interrupted before all files were moved into place; the next synth completes it';
  if (journal) return 'a write was interrupted before it was committed; the next synth rolls it back';
  if (fs.existsSync(path.join(outdir, STAGING))) return 'a staging directory was left behind; the next synth removes it';
  return undefined;
}

/**
 * Completes an interrupted write (journal in phase `commit`) or rolls it back (phase `prepare`).
 * Returns a description of what it did, or undefined if there was nothing to do.
 */
export function recoverTree(outdir: string): string | undefined {
  const journal = readJournal(outdir);
  const journalFile = path.join(outdir, JOURNAL);
  let done: string | undefined;
  if (journal?.phase === 'commit') {
    applyCommitted(outdir, journal);
    done = `completed an interrupted write (${journal.creates.length + journal.replaces.length} files written, ${journal.deletes.length} deleted)`;
  } else if (journal) {
    const removed = new Set<string>();
    for (const rel of journal.creates) {
      fs.rmSync(path.join(outdir, rel), { force: true });
      removed.add(path.dirname(rel));
    }
    removeEmptyDirectories(outdir, removed);
    done = `rolled back an uncommitted write (${journal.creates.length} new files removed; the previous tree is as it was)`;
  } else if (fs.existsSync(path.join(outdir, STAGING))) {
    done = 'removed a staging directory left behind';
  }
  fs.rmSync(path.join(outdir, STAGING), { recursive: true, force: true });
  fs.rmSync(journalFile, { force: true });
  fs.rmSync(`${journalFile}.tmp`, { force: true });
  return done;
}

/** Options for `writeTree`. */
export interface WriteTreeOptions {
  /** sha256 of each file's content, when already known (computed here otherwise). */
  readonly hashes?: Map<string, string>;
  /** Test seam: called after each step, so that a test can kill the process at that point. */
  readonly hooks?: (step: string) => void;
  /**
   * Create a new file whose bytes equal those of a file created earlier in the same write as a hard link to it
   * (a variant shared by 200 clusters is then written once). Files are never modified in place (changed ones
   * are staged and renamed over), so the links never leak a change from one path to another.
   * @default true
   */
  readonly linkIdentical?: boolean;
}

/** Makes the managed part of `outdir` equal to `files` (tree-relative path → content). */
export function writeTree(outdir: string, files: Map<string, string>, options: WriteTreeOptions = {}): TreeWriteResult {
  const { hashes, hooks } = options;
  const linkIdentical = options.linkIdentical ?? true;
  fs.mkdirSync(outdir, { recursive: true });
  const recovered = recoverTree(outdir);
  const old = readManifest(outdir);

  const statCache = readStatCache(outdir);
  const newStatCache: StatCache = {};
  const manifest: TreeManifest = { version: 1, files: {} };
  const creates: string[] = [];
  const replaces: string[] = [];
  let unchanged = 0;
  const listing = new DirectoryListing(outdir);
  for (const rel of [...files.keys()].sort()) {
    checkRelative(rel);
    const content = files.get(rel)!;
    const hash = hashes?.get(rel) ?? sha256(content);
    manifest.files[rel] = hash;
    const target = path.join(outdir, rel);
    const stat = listing.has(rel) ? fs.statSync(target, { throwIfNoEntry: false }) : undefined;
    if (!stat) {
      creates.push(rel);
    } else if (old.files[rel] === hash && unchangedOnDisk(target, stat, content, statCache[rel])) {
      unchanged++;
      newStatCache[rel] = [stat.size, stat.mtimeMs];
    } else {
      replaces.push(rel);
    }
  }
  const deletes = Object.keys(old.files).filter(rel => !files.has(rel)).sort();
  const manifestText = manifestJson(manifest);
  const manifestFile = path.join(outdir, MANIFEST);
  const oldManifestText = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile, 'utf-8') : '';
  if (creates.length === 0 && replaces.length === 0 && deletes.length === 0 && manifestText === oldManifestText) {
    writeStatCache(outdir, newStatCache);
    return { written: [], deleted: [], unchanged, recovered };
  }

  // 1. Prepare.
  const journal: Journal = { version: 2, phase: 'prepare', creates, replaces, deletes, manifest };
  writeJournal(outdir, journal);
  hooks?.('prepared');

  // 2. New files in place, changed files staged.
  const staging = path.join(outdir, STAGING);
  const made = new Set<string>();
  const mkdir = (dir: string) => {
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
  };
  const firstWithHash = new Map<string, string>();
  const linked = new Set<string>();
  for (let i = 0; i < creates.length; i++) {
    const target = path.join(outdir, creates[i]);
    mkdir(path.dirname(target));
    const hash = manifest.files[creates[i]];
    const first = linkIdentical ? firstWithHash.get(hash) : undefined;
    if (first && tryLink(first, target)) {
      linked.add(creates[i]);
    } else {
      fs.writeFileSync(target, files.get(creates[i])!);
      if (linkIdentical) firstWithHash.set(hash, target);
    }
    if (i === Math.floor(creates.length / 2)) hooks?.('half-created');
  }
  for (const rel of replaces) {
    const staged = path.join(staging, rel);
    mkdir(path.dirname(staged));
    fs.writeFileSync(staged, files.get(rel)!);
  }
  hooks?.('staged');

  // 3. Commit.
  writeJournal(outdir, { ...journal, phase: 'commit' });
  hooks?.('committed');

  // 4. Apply, then clean up.
  applyCommitted(outdir, journal, hooks);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(path.join(outdir, JOURNAL), { force: true });
  ensureStateIgnored(outdir);
  // Hard links share one inode, so one stat serves every path linked to the same bytes.
  const statOfHash = new Map<string, [number, number]>();
  for (const rel of [...creates, ...replaces]) {
    const hash = manifest.files[rel];
    const shared = linked.has(rel) ? statOfHash.get(hash) : undefined;
    if (shared) {
      newStatCache[rel] = shared;
      continue;
    }
    const stat = fs.statSync(path.join(outdir, rel), { throwIfNoEntry: false });
    if (!stat) continue;
    newStatCache[rel] = [stat.size, stat.mtimeMs];
    if (firstWithHash.get(hash) === path.join(outdir, rel)) statOfHash.set(hash, newStatCache[rel]);
  }
  writeStatCache(outdir, newStatCache);
  return { written: [...creates, ...replaces].sort(), deleted: deletes, unchanged, recovered };
}

/** A hard link, or false where the file system refuses one (the caller then writes the bytes). */
function tryLink(existing: string, target: string): boolean {
  try {
    fs.linkSync(existing, target);
    return true;
  } catch {
    return false;
  }
}

function readJournal(outdir: string): Journal | undefined {
  const file = path.join(outdir, JOURNAL);
  if (!fs.existsSync(file)) return undefined;
  const journal = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (journal.version !== 2) throw new Error(`${file}: unknown journal version ${journal.version}; remove it by hand after checking the tree`);
  return journal;
}

function writeJournal(outdir: string, journal: Journal) {
  const file = path.join(outdir, JOURNAL);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(journal));
  fs.renameSync(`${file}.tmp`, file);
}

function manifestJson(manifest: TreeManifest): string {
  return JSON.stringify(manifest, undefined, 1) + '\n';
}

/** Idempotent: moves whatever is still staged into place, deletes what is still there, installs the manifest. */
function applyCommitted(outdir: string, journal: Journal, hooks?: (step: string) => void) {
  const staging = path.join(outdir, STAGING);
  let i = 0;
  for (const rel of journal.replaces) {
    const staged = path.join(staging, rel);
    if (fs.existsSync(staged)) fs.renameSync(staged, path.join(outdir, rel));
    if (++i === Math.ceil(journal.replaces.length / 2)) hooks?.('half-applied');
  }
  const emptied = new Set<string>();
  for (const rel of journal.deletes) {
    fs.rmSync(path.join(outdir, rel), { force: true });
    emptied.add(path.dirname(rel));
  }
  removeEmptyDirectories(outdir, emptied);
  const manifestFile = path.join(outdir, MANIFEST);
  fs.writeFileSync(`${manifestFile}.tmp`, manifestJson(journal.manifest));
  fs.renameSync(`${manifestFile}.tmp`, manifestFile);
}

/** Removes the given directories and their parents while they are empty (never the tree root). */
function removeEmptyDirectories(outdir: string, dirs: Set<string>) {
  const sorted = [...dirs].sort((a, b) => b.length - a.length);
  for (let rel of sorted) {
    while (rel && rel !== '.' && rel !== '/') {
      const abs = path.join(outdir, rel);
      try {
        if (fs.readdirSync(abs).length > 0) break;
        fs.rmdirSync(abs);
      } catch {
        break;
      }
      rel = path.dirname(rel);
    }
  }
}

type StatCache = Record<string, [number, number]>;

function readStatCache(outdir: string): StatCache {
  try {
    return JSON.parse(fs.readFileSync(path.join(outdir, STAT_CACHE), 'utf-8'));
  } catch {
    return {};
  }
}

function writeStatCache(outdir: string, cache: StatCache) {
  const file = path.join(outdir, STAT_CACHE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(cache));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Whether a managed file still holds `content`. Like git, a file whose size and mtime match what was recorded
 * when it was last written is taken as unchanged without reading it; any other file is read and compared.
 */
function unchangedOnDisk(file: string, stat: fs.Stats, content: string, cached: [number, number] | undefined): boolean {
  if (!stat.isFile() || stat.size !== Buffer.byteLength(content)) return false;
  if (cached && cached[0] === stat.size && cached[1] === stat.mtimeMs) return true;
  return fs.readFileSync(file, 'utf-8') === content;
}

/**
 * Which names exist in the tree's directories, read once per directory: on a fresh or growing tree most
 * targets do not exist, and one readdir per directory is much cheaper than one stat per file.
 */
class DirectoryListing {
  private readonly dirs = new Map<string, Set<string> | undefined>();
  public constructor(private readonly root: string) {}
  public has(rel: string): boolean {
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? '' : rel.slice(0, slash);
    let names = this.dirs.get(dir);
    if (!this.dirs.has(dir)) {
      const parent = slash < 0 ? '' : dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
      const parentKnown = dir === '' || this.dirs.has(parent);
      // A directory whose parent was listed without it does not exist.
      const exists = dir === '' || (parentKnown ? this.dirs.get(parent)?.has(dir.slice(dir.lastIndexOf('/') + 1)) === true : fs.existsSync(path.join(this.root, dir)));
      names = exists ? new Set(fs.readdirSync(path.join(this.root, dir))) : undefined;
      this.dirs.set(dir, names);
    }
    return names?.has(rel.slice(slash + 1)) === true;
  }
}

const UNSAFE_PATH = /(^|\/)\.\.?(\/|$)|\/\/|^\/|\/$/;

function checkRelative(rel: string) {
  if (rel === '' || UNSAFE_PATH.test(rel) || rel.startsWith(STATE_DIR)) {
    throw new Error(`refusing to write '${rel}': paths must be relative, inside the tree and outside ${STATE_DIR}`);
  }
}

function ensureStateIgnored(outdir: string) {
  const ignore = path.join(outdir, STATE_DIR, '.gitignore');
  const text = '# written by cdk8s-fleet: local state, not part of the tree\n/staging/\n/journal.json\n/journal.json.tmp\n/stat-cache.json\n/stat-cache.json.tmp\n/manifest.json.tmp\n';
  if (!fs.existsSync(ignore) || fs.readFileSync(ignore, 'utf-8') !== text) fs.writeFileSync(ignore, text);
}
