import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createFiles } from './create-files';

/**
 * Writes the GitOps tree so that a reader never sees a silent mix of two synths. Everything is validated and
 * rendered in memory before this runs; then:
 *
 * 1. a journal (`.cdk8s-fleet/journal.json`) listing every file to create, replace and delete appears with an
 *    atomic rename: the write is *prepared*;
 * 2. files that did not exist are written in place, files that change are written to `.cdk8s-fleet/staging`,
 *    and the next manifest to `.cdk8s-fleet/manifest.json.next`;
 * 3. the commit marker `.cdk8s-fleet/journal.commit` is created: from that instant the new tree is committed;
 * 4. staged files are renamed over the old ones, stale managed files are deleted, the next manifest is renamed
 *    over the old one, and the journal, marker and staging directory are removed.
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
/** Its existence commits the journaled write. */
const COMMIT_MARKER = `${STATE_DIR}/journal.commit`;
const NEXT_MANIFEST = `${MANIFEST}.next`;
const STAGING = `${STATE_DIR}/staging`;
/** Local (git-ignored) record of each managed file's size and mtime when it was last written or checked. */
const STAT_CACHE = `${STATE_DIR}/stat-cache.json`;

/** The list of files the tree writer manages, with their sha256, kept in the tree. */
export interface TreeManifest {
  readonly version: number;
  readonly files: Record<string, string>;
}

/** What `journal.json` holds (version 3); the phase is `commit` once the commit marker exists. */
interface Journal {
  readonly version: number;
  readonly phase: 'prepare' | 'commit';
  /** Tree-relative paths that did not exist and are written in place. */
  readonly creates: string[];
  /** Tree-relative paths whose new content is staged, then renamed over the old file. */
  readonly replaces: string[];
  /** Tree-relative paths to delete. */
  readonly deletes: string[];
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
  // The marker goes last: while it exists, an interrupted cleanup is still a committed write.
  for (const file of [JOURNAL, `${JOURNAL}.tmp`, NEXT_MANIFEST, COMMIT_MARKER]) fs.rmSync(path.join(outdir, file), { force: true });
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

/** One file of a tree to write. */
export interface TreeFile {
  /** Tree-relative, '/'-separated. */
  readonly path: string;
  readonly content: string;
  /** sha256 of `content`, when already known. */
  readonly hash?: string;
}

/**
 * Makes the managed part of `outdir` equal to `files` (tree-relative path → content, or a list of files, best
 * sorted by path).
 */
export function writeTree(outdir: string, files: Map<string, string> | readonly TreeFile[], options: WriteTreeOptions = {}): TreeWriteResult {
  const { hashes, hooks } = options;
  const linkIdentical = options.linkIdentical ?? true;
  const list = sortedFiles(files instanceof Map ? [...files].map(([p, content]) => ({ path: p, content, hash: hashes?.get(p) })) : files);
  fs.mkdirSync(outdir, { recursive: true });
  const recovered = recoverTree(outdir);
  const old = readManifest(outdir).files;
  // Paths are checked to be relative and '/'-separated, so joining them is a concatenation.
  const root = path.resolve(outdir) + '/';

  const statCache = readStatCache(outdir);
  // Per file of `list`: its sha256 and, once known, its size and mtime for the stat cache.
  const hashOf: string[] = new Array(list.length);
  const stats: Array<[number, number] | undefined> = new Array(list.length);
  const creates: number[] = [];
  const replaces: number[] = [];
  let unchanged = 0;
  const listing = new DirectoryListing(outdir);
  for (let i = 0; i < list.length; i++) {
    const { path: rel, content } = list[i];
    checkRelative(rel);
    const hash = hashOf[i] = list[i].hash ?? sha256(content);
    const stat = listing.has(rel) ? fs.statSync(root + rel, { throwIfNoEntry: false }) : undefined;
    if (!stat) {
      creates.push(i);
    } else if (old[rel] === hash && unchangedOnDisk(root + rel, stat, content, statCache[rel])) {
      unchanged++;
      stats[i] = [stat.size, stat.mtimeMs];
    } else {
      replaces.push(i);
    }
  }
  const present = new Set(list.map(f => f.path));
  const deletes = Object.keys(old).filter(rel => !present.has(rel)).sort();
  if (creates.length === 0 && replaces.length === 0 && deletes.length === 0) {
    const manifestFile = root + MANIFEST;
    if (fs.existsSync(manifestFile) && fs.readFileSync(manifestFile, 'utf-8') === manifestJson(list, hashOf)) {
      writeStatCache(outdir, list, stats);
      return { written: [], deleted: [], unchanged, recovered };
    }
  }

  // 1. Prepare: the journal's appearance is the start of the write.
  fs.mkdirSync(root + STATE_DIR, { recursive: true });
  const journal: Journal = { version: 3, phase: 'prepare', creates: creates.map(i => list[i].path), replaces: replaces.map(i => list[i].path), deletes };
  writeJournal(outdir, journal);
  hooks?.('prepared');

  // 2. New files in place (the next manifest and the new files' stats while the helper thread makes links),
  // changed files staged.
  const created = createFiles(root, creates.map(i => ({ path: list[i].path, content: list[i].content, hash: hashOf[i] })), {
    linkIdentical,
    halfway: () => hooks?.('half-created'),
    meanwhile: ({ linked }) => {
      fs.writeFileSync(root + NEXT_MANIFEST, manifestJson(list, hashOf));
      // Hard links share one inode, and linking changes neither size nor mtime: the stat of a content's first
      // file serves every file linked to it. (A file that had to be copied instead gets its first copy's mtime:
      // the next run then reads and compares it, which is only slower.)
      creates.forEach((i, k) => {
        if (linked[k]) return;
        const stat = fs.statSync(root + list[i].path, { throwIfNoEntry: false });
        if (stat) stats[i] = [stat.size, stat.mtimeMs];
      });
    },
  });
  const staged = new Set<string>();
  for (const i of replaces) {
    const target = `${root}${STAGING}/${list[i].path}`;
    const dir = target.slice(0, target.lastIndexOf('/'));
    if (!staged.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      staged.add(dir);
    }
    fs.writeFileSync(target, list[i].content);
  }
  hooks?.('staged');

  // 3. Commit.
  fs.writeFileSync(root + COMMIT_MARKER, '');
  hooks?.('committed');

  // 4. Apply, then clean up.
  applyCommitted(outdir, { ...journal, phase: 'commit' }, hooks);
  fs.rmSync(root + STAGING, { recursive: true, force: true });
  fs.rmSync(root + JOURNAL, { force: true });
  fs.rmSync(root + COMMIT_MARKER, { force: true });
  ensureStateIgnored(outdir);
  creates.forEach((i, k) => {
    if (created.linked[k]) stats[i] = stats[creates[created.firstOf[k]]];
  });
  for (const i of replaces) {
    const stat = fs.statSync(root + list[i].path, { throwIfNoEntry: false });
    if (stat) stats[i] = [stat.size, stat.mtimeMs];
  }
  writeStatCache(outdir, list, stats);
  const written = [...creates, ...replaces].sort((x, y) => x - y).map(i => list[i].path);
  return { written, deleted: deletes, unchanged, recovered };
}

/** The files sorted by path (most callers pass them sorted); two files with one path are an error. */
function sortedFiles(files: readonly TreeFile[]): readonly TreeFile[] {
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = files[i - 1].path < files[i].path;
  const list = sorted ? files : [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1].path === list[i].path) throw new Error(`refusing to write '${list[i].path}' twice`);
  }
  return list;
}

function readJournal(outdir: string): Journal | undefined {
  const file = path.join(outdir, JOURNAL);
  if (!fs.existsSync(file)) return undefined;
  const journal = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (journal.version === 2) {
    // Written by an earlier release: the phase and the next manifest were inside the journal.
    if (journal.phase === 'commit' && !fs.existsSync(path.join(outdir, NEXT_MANIFEST))) {
      const files = Object.entries<string>(journal.manifest.files);
      fs.writeFileSync(path.join(outdir, NEXT_MANIFEST), manifestJson(files.map(([p]) => ({ path: p })), files.map(([, h]) => h)));
    }
    return journal;
  }
  if (journal.version !== 3) throw new Error(`${file}: unknown journal version ${journal.version}; remove it by hand after checking the tree`);
  return { ...journal, phase: fs.existsSync(path.join(outdir, COMMIT_MARKER)) ? 'commit' : 'prepare' };
}

function writeJournal(outdir: string, journal: Journal) {
  const file = path.join(outdir, JOURNAL);
  const { phase: _phase, ...stored } = journal;
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(stored));
  fs.renameSync(`${file}.tmp`, file);
}

/** The manifest's text: `JSON.stringify(manifest, undefined, 1)` with a final newline, built directly. */
function manifestJson(files: ReadonlyArray<{ readonly path: string }>, hashOf: readonly string[]): string {
  if (files.length === 0) return '{\n "version": 1,\n "files": {}\n}\n';
  const lines = files.map((f, i) => `  ${jsonString(f.path)}: ${jsonString(hashOf[i])}`);
  return `{\n "version": 1,\n "files": {\n${lines.join(',\n')}\n }\n}\n`;
}

/** `JSON.stringify` of a string, without its cost for the usual path made of safe characters. */
function jsonString(s: string): string {
  return /^[\w./@+=:-]*$/.test(s) ? `"${s}"` : JSON.stringify(s);
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
  const next = path.join(outdir, NEXT_MANIFEST);
  if (fs.existsSync(next)) fs.renameSync(next, path.join(outdir, MANIFEST));
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

function writeStatCache(outdir: string, files: ReadonlyArray<{ readonly path: string }>, stats: ReadonlyArray<[number, number] | undefined>) {
  const file = path.join(outdir, STAT_CACHE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const entries: string[] = [];
  files.forEach((f, i) => {
    const stat = stats[i];
    if (stat) entries.push(`${jsonString(f.path)}:[${stat[0]},${stat[1]}]`);
  });
  fs.writeFileSync(`${file}.tmp`, `{${entries.join(',')}}`);
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
  /** Directory → its names, or undefined when it does not exist. */
  private readonly dirs = new Map<string, Set<string> | undefined>();
  public constructor(private readonly root: string) {}
  public has(rel: string): boolean {
    const slash = rel.lastIndexOf('/');
    return this.names(slash < 0 ? '' : rel.slice(0, slash))?.has(rel.slice(slash + 1)) === true;
  }
  private names(dir: string): Set<string> | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    let names: Set<string> | undefined;
    if (dir === '') {
      names = new Set(fs.readdirSync(this.root));
    } else {
      // A directory exists only if its parent lists it: on a fresh tree, one readdir of the root answers all.
      const slash = dir.lastIndexOf('/');
      const parent = this.names(slash < 0 ? '' : dir.slice(0, slash));
      if (parent?.has(dir.slice(slash + 1))) {
        try {
          names = new Set(fs.readdirSync(path.join(this.root, dir)));
        } catch {
          names = undefined; // a file, not a directory
        }
      }
    }
    this.dirs.set(dir, names);
    return names;
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
  const text = '# written by cdk8s-fleet: local state, not part of the tree\n/staging/\n/journal.json\n/journal.json.tmp\n/journal.commit\n/stat-cache.json\n/stat-cache.json.tmp\n/manifest.json.next\n';
  if (!fs.existsSync(ignore) || fs.readFileSync(ignore, 'utf-8') !== text) fs.writeFileSync(ignore, text);
}
