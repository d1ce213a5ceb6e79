import * as fs from 'fs';
import * as path from 'path';
import { createFiles } from './create-files';
import { VouchedTree, vouchedNoop } from './tree-check';
import { conflictError, describeFsError, relativeTo, TreeConflictError, TreeWriteError } from './tree-errors';
import { blockedMessage, Lookup, readRegularFile, TreeInspector } from './tree-inspector';
import {
  captureDirectoryRecords, COMMIT_MARKER, directoriesOf, DirectoryRecords, eachDirectoryOnWay, ensureStateIgnored, installJournaledManifest,
  Journal, JOURNAL, MANIFEST, manifestJson, NEXT_MANIFEST, readJournal, readManifest as readCheckedManifest, readStateFile, STAGING,
  STATE_DIR, StatCache, StatRecord, statRecord, TreeManifest, writeJournal, writeStatCache, writeStateFile,
} from './tree-state';
import { isTreePath } from '../private/placement';
import { compareCodeUnits, sha256 } from '../private/util';
import { MAX_INPUT_BYTES } from '../private/yaml-input';

export { STATE_DIR, TreeStateError } from './tree-state';
export type { TreeManifest } from './tree-state';
export { TreeConflictError, TreeWriteError } from './tree-errors';

/**
 * Writes the GitOps tree so that a reader never sees a silent mix of two synths, and so that it only ever
 * touches files it owns, inside the tree. Everything is validated and rendered in memory before this runs; then:
 *
 * 0. the tree is checked: every path the writer's own state names is a normalized path inside the tree, no
 *    directory on the way to a file it writes or deletes is a symbolic link (links inside the tree are never
 *    followed), and no file it would overwrite or delete was written by someone else or edited since it was
 *    written (unless `force`). Any problem stops the write before anything is touched, listing every path;
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
 * `commit` it completes the moves. A write that fails (a full disk, a read-only file system) is rolled back at
 * once when it was not committed yet. Writes are not fsync'ed: the guarantee is against a killed process, not
 * a power cut.
 */

/** What a write did. */
export interface TreeWriteResult {
  readonly written: string[];
  readonly deleted: string[];
  readonly unchanged: number;
  /** Set when an interrupted earlier write was found and completed or discarded first. */
  readonly recovered?: string;
}

/** The hash of a file's bytes in the manifest (util's, the one of every content hash). */
export { sha256 };

/** Reads and checks the manifest of a tree (an empty one if the tree has none). */
export function readManifest(outdir: string): TreeManifest {
  return readCheckedManifest(path.resolve(outdir));
}

/** Whether the tree holds an interrupted write, and what the next run will do about it. */
export function interruptedWrite(outdir: string): string | undefined {
  const root = path.resolve(outdir);
  const journal = readJournal(root);
  if (journal?.phase === 'commit') return 'a committed write was interrupted before all files were moved into place; the next synth completes it';
  if (journal) return 'a write was interrupted before it was committed; the next synth rolls it back';
  if (fs.existsSync(`${root}/${STAGING}`)) return 'a staging directory was left behind; the next synth removes it';
  return undefined;
}

/**
 * Completes an interrupted write (journal in phase `commit`) or rolls it back (phase `prepare`). Every path of
 * the journal is checked first, and every directory on the way to it must be a plain directory: a damaged
 * journal, or one that would act through a link, is an error and nothing is touched.
 * Returns a description of what it did, or undefined if there was nothing to do.
 */
export function recoverTree(outdir: string): string | undefined {
  const root = fs.realpathSync(outdir);
  const journal = readJournal(root);
  const inspector = new TreeInspector(root);
  checkStateDirectory(inspector);
  let done: string | undefined;
  if (journal) {
    const blocked: string[] = [];
    const staged = journal.phase === 'commit' ? journal.replaces.map(rel => `${STAGING}/${rel}`) : [];
    for (const rel of [...journal.creates, ...journal.replaces, ...journal.deletes, ...staged]) {
      const at = inspector.lookup(rel);
      if (at.blockedAt !== undefined && at.blockedBy === 'symlink') blocked.push(blockedMessage(at.blockedAt, at.blockedBy));
    }
    if (blocked.length > 0) {
      throw new TreeConflictError(`The interrupted write journaled in ${JOURNAL} cannot be recovered safely; nothing was touched:\n  ${[...new Set(blocked)].join('\n  ')}`, blocked);
    }
  }
  if (journal?.phase === 'commit') {
    installJournaledManifest(root, journal);
    applyCommitted(root, journal, inspector);
    done = `completed an interrupted write (${journal.creates.length + journal.replaces.length} files written, ${journal.deletes.length} deleted)`;
  } else if (journal) {
    const removed = new Set<string>();
    for (const rel of journal.creates) {
      const at = inspector.lookup(rel);
      if (at.type === 'file' || at.type === 'symlink') fs.rmSync(`${root}/${rel}`, { force: true });
      removed.add(path.posix.dirname(rel));
    }
    removeEmptyDirectories(root, removed);
    done = `rolled back an uncommitted write (${journal.creates.length} new files removed; the previous tree is as it was)`;
  } else if (fs.existsSync(`${root}/${STAGING}`)) {
    done = 'removed a staging directory left behind';
  }
  fs.rmSync(`${root}/${STAGING}`, { recursive: true, force: true });
  // The marker goes last: while it exists, an interrupted cleanup is still a committed write.
  for (const file of [JOURNAL, `${JOURNAL}.tmp`, NEXT_MANIFEST, COMMIT_MARKER]) fs.rmSync(`${root}/${file}`, { force: true });
  return done;
}

/** Options for `writeTree`. */
export interface WriteTreeOptions {
  /** sha256 of each file's content, when already known (computed here otherwise). */
  readonly hashes?: Map<string, string>;
  /** Test seam: called after each step, so that a test can kill the process at that point. */
  readonly hooks?: (step: string) => void;
  /**
   * Create a new file whose bytes equal those of a file created earlier in the same write as a hard link to it,
   * and stage changed files alike (a variant shared by 200 clusters is then written once, and one inode). Files
   * are never modified in place (changed ones are staged and renamed over), so the links never leak a change from
   * one path to another.
   * @default true
   */
  readonly linkIdentical?: boolean;
  /**
   * Overwrite files the writer did not write (not in the manifest) at paths it now writes, and overwrite or
   * delete managed files that were edited since it wrote them (or replaced by links). Links on the way to a
   * file, and directories where a file goes, are refused even so.
   * @default false
   */
  readonly force?: boolean;
  /**
   * The result of `startTreeCheck`'s check of the tree, made while the program rendered: when the files to
   * write are exactly the vouched tree's, the write is a no-op without checking again.
   */
  readonly vouched?: VouchedTree;
  /**
   * The `entriesDigest` of `files` as given (their paths and hashes, in order), when the caller computed it: used
   * by the no-op check of a vouched tree when `files` is a list already sorted by path.
   */
  readonly entriesDigest?: string;
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
  const { hashes } = options;
  // The test seam stands for a killed process: what a hook throws passes through untouched, with no rollback.
  const hooks = options.hooks && ((step: string) => {
    try {
      options.hooks!(step);
    } catch (e) {
      throw new HookAbort(e);
    }
  });
  const linkIdentical = options.linkIdentical ?? true;
  const list = sortedFiles(files instanceof Map ? [...files].map(([p, content]) => ({ path: p, content, hash: hashes?.get(p) })) : files);
  for (const f of list) checkRelative(f.path);
  const root = prepareRoot(outdir);
  const recovered = recoverTree(root);
  const digest = list === files ? options.entriesDigest : undefined; // (for the list it was computed for)
  const { vouched } = options;
  if (vouched !== undefined && recovered === undefined && vouchedNoop(root, vouched, list, digest)) {
    // The directories' records the check took, now that every file was confirmed after them (see tree-look.ts).
    if (vouched.refresh !== undefined) {
      const refreshed = { names: vouched.directories, records: vouched.refresh };
      writeStatCache(root, list, vouched.stats, list.map(f => f.hash ?? sha256(f.content)), refreshed, vouched.digest);
    }
    return { written: [], deleted: [], unchanged: list.length, recovered };
  }
  const statCache = StatCache.read(root);
  // The directories' stats, taken before any file's is (tree-look.ts): recorded with the files' if nothing changes.
  const directories = directoriesOf(list.map(f => f.path));
  const directoryRecords = { names: directories, records: captureDirectoryRecords(root, directories, statCache.writtenAt) };
  // Looked up by tree path: a file named like a member of Object.prototype (`constructor`) must find nothing.
  const old: Record<string, string> = Object.assign(Object.create(null), readCheckedManifest(root, statCache.manifestVouched).files);
  const plan = planWrite(root, list, old, options.force ?? false, statCache);
  const { hashOf, stats, creates, replaces, deletes } = plan;
  if (creates.length === 0 && replaces.length === 0 && deletes.length === 0) {
    // The manifest the writer wrote (vouched for) lists exactly these files and hashes: its text is the one
    // it would write. Otherwise the text decides (a reformatted manifest is rewritten).
    const same = statCache.manifestVouched && sameEntries(old, list, hashOf);
    if (same || readStateFile(root, MANIFEST) === manifestJson(list, hashOf)) {
      // The cache is rewritten only when it would change: some file had to be read, the manifest or a directory changed.
      if (!same || !plan.allVouched || !statCache.recordsDirectories(directoryRecords)) {
        writeStatCache(root, list, stats, hashOf, directoryRecords);
      }
      return { written: [], deleted: [], unchanged: plan.unchanged, recovered };
    }
  }

  // Contents made on first read (a re-synth's deferred YAML, which checks its recorded hash) are made now,
  // before anything is written: a failure leaves the tree as it was.
  for (const i of creates) void list[i].content;
  for (const i of replaces) void list[i].content;
  let committed = false;
  let writtenDirectories: DirectoryRecords | undefined;
  try {
    // 1. Prepare: the journal's appearance is the start of the write. The .gitignore comes first, so that Git
    // sees the journal of a write that is interrupted (a tree committed half-written says so on any clone).
    fs.mkdirSync(`${root}/${STATE_DIR}`, { recursive: true });
    ensureStateIgnored(root);
    const journal: Journal = { version: 3, phase: 'prepare', creates: creates.map(i => list[i].path), replaces: replaces.map(i => list[i].path), deletes };
    writeJournal(root, journal);
    hooks?.('prepared');

    // 2. New files in place (the next manifest while the helper thread makes links), changed files staged.
    createFiles(`${root}/`, creates.map(i => ({ path: list[i].path, content: list[i].content, hash: hashOf[i] })), {
      linkIdentical,
      halfway: () => hooks?.('half-created'),
      meanwhile: () => writeStateFile(root, NEXT_MANIFEST, manifestJson(list, hashOf)),
    });
    // Changed files are staged as new files are made: changed files of equal bytes (a Workload variant's, changed
    // on every cluster) are staged once and linked, and keep sharing one inode once in place (see tree-look.ts).
    createFiles(`${root}/${STAGING}/`, replaces.map(i => ({ path: list[i].path, content: list[i].content, hash: hashOf[i] })), { linkIdentical });
    hooks?.('staged');

    // 3. Commit.
    writeStateFile(root, COMMIT_MARKER, '');
    committed = true;
    hooks?.('committed');

    // 4. Apply, then clean up.
    applyCommitted(root, { ...journal, phase: 'commit' }, new TreeInspector(root), hooks);
    fs.rmSync(`${root}/${STAGING}`, { recursive: true, force: true });
    fs.rmSync(`${root}/${JOURNAL}`, { force: true });
    fs.rmSync(`${root}/${COMMIT_MARKER}`, { force: true });
    writtenDirectories = writtenDirectoryRecords(root, list, [...creates, ...replaces]);

    // Each file's own stat, taken after the directories' and once every link exists (a hard link's ctime changes
    // with every link): a file that could not be linked (a copy) or was replaced meanwhile has its own inode, and
    // its record must say so (the last look trusts a directory's files to be their recorded inodes).
    for (const i of creates) {
      const stat = fs.lstatSync(`${root}/${list[i].path}`, { throwIfNoEntry: false });
      if (stat) stats[i] = statRecord(stat);
    }
    for (const i of replaces) {
      const stat = fs.lstatSync(`${root}/${list[i].path}`, { throwIfNoEntry: false });
      if (stat) stats[i] = statRecord(stat);
    }
  } catch (e) {
    if (e instanceof HookAbort) throw e.error;
    throw writeFailure(root, e, committed);
  }
  writeStatCache(root, list, stats, hashOf, writtenDirectories);
  const written = [...creates, ...replaces].sort((x, y) => x - y).map(i => list[i].path);
  return { written, deleted: deletes, unchanged: plan.unchanged, recovered };
}

/** What a test hook threw. */
class HookAbort {
  constructor(public readonly error: unknown) {}
}

/** What a write will do, by index of the files to write. */
interface WritePlan {
  readonly hashOf: string[];
  /** Per file, its stat record once known (for the stat cache). */
  readonly stats: Array<StatRecord | undefined>;
  readonly creates: number[];
  readonly replaces: number[];
  readonly deletes: string[];
  readonly unchanged: number;
  /** Whether every unchanged file was vouched for by the stat cache (none had to be read). */
  readonly allVouched: boolean;
}

/**
 * Compares the files to write with the tree and its manifest, and refuses (listing every path) what would
 * touch a file the writer does not own or follow a link.
 */
function planWrite(root: string, list: readonly TreeFile[], old: Record<string, string>, force: boolean, statCache: StatCache): WritePlan {
  const inspector = new TreeInspector(root);
  const hashOf: string[] = new Array(list.length);
  const stats: Array<StatRecord | undefined> = new Array(list.length);
  const creates: number[] = [];
  const replaces: number[] = [];
  const deletes: string[] = [];
  /** Problems that `force` does not lift. */
  const fatal: string[] = [];
  /** Files the writer does not own, or that were edited: `force` overwrites or deletes them. */
  const conflicts: string[] = [];
  let unchanged = 0;
  let allVouched = true;
  checkStateDirectory(inspector, fatal);
  for (let i = 0; i < list.length; i++) {
    const rel = list[i].path;
    const hash = hashOf[i] = list[i].hash ?? sha256(list[i].content); // (content read only when needed: it may be made on read)
    const at = inspector.lookupWithStat(rel);
    if (at.blockedAt !== undefined) {
      fatal.push(blockedMessage(at.blockedAt, at.blockedBy));
      continue;
    }
    if (at.type === 'absent') {
      creates.push(i);
      continue;
    }
    if (at.type === 'directory') {
      fatal.push(`${rel}: is a directory where the tree has a file (remove it by hand)`);
      continue;
    }
    if (at.type !== 'file') {
      conflicts.push(notAFile(rel, at, old[rel] !== undefined));
      replaces.push(i);
      continue;
    }
    const abs = `${root}/${rel}`;
    const stat = at.stat!;
    const managed = old[rel];
    if (managed !== undefined && statCache.vouchesFor(rel, stat)) {
      // The file holds what the manifest records: unchanged, or cleanly replaced.
      if (managed === hash) {
        unchanged++;
        stats[i] = statRecord(stat);
      } else {
        replaces.push(i);
      }
      continue;
    }
    allVouched = false;
    // Read it only when its bytes can matter: when it may hold the new bytes, or the manifest's old ones. (When
    // the manifest records the new hash, it is read without making the content, which may be made on read.)
    const mayBeNew = managed === hash || stat.size === Buffer.byteLength(list[i].content);
    const onDisk = mayBeNew || (managed !== undefined && managed !== hash) ? hashOfFile(abs, stat) : undefined;
    if (onDisk === hash) {
      // Already holds the new bytes (an unmanaged file is adopted).
      unchanged++;
      stats[i] = statRecord(stat);
    } else if (managed !== undefined && onDisk === managed) {
      replaces.push(i);
    } else {
      conflicts.push(managed === undefined
        ? `${rel}: exists but was not written by cdk8s-fleet (not in ${MANIFEST})`
        : `${rel}: edited since cdk8s-fleet wrote it (its sha256 differs from the manifest)`);
      replaces.push(i);
    }
  }
  const present = new Set(list.map(f => f.path));
  for (const rel of Object.keys(old).sort()) {
    if (present.has(rel)) continue;
    const at = inspector.lookupWithStat(rel);
    if (at.blockedAt !== undefined) {
      // A link on the way is refused; a file on the way means the managed file is gone already.
      if (at.blockedBy === 'symlink') fatal.push(blockedMessage(at.blockedAt, at.blockedBy));
      continue;
    }
    // Gone already, or a directory the writer never made: nothing of the writer's to delete.
    if (at.type === 'absent' || at.type === 'directory') continue;
    if (at.type !== 'file') {
      conflicts.push(`${notAFile(rel, at, true)}; the program no longer produces it, so the write would delete it`);
      deletes.push(rel);
      continue;
    }
    const abs = `${root}/${rel}`;
    const stat = at.stat!;
    if (!statCache.vouchesFor(rel, stat) && hashOfFile(abs, stat) !== old[rel]) {
      conflicts.push(`${rel}: edited since cdk8s-fleet wrote it (its sha256 differs from the manifest); the program no longer produces it, so the write would delete it`);
    }
    deletes.push(rel);
  }
  if (fatal.length > 0 || (conflicts.length > 0 && !force)) throw conflictError(root, fatal, force ? [] : conflicts);
  return { hashOf, stats, creates, replaces, deletes, unchanged, allVouched };
}

/** Whether the manifest's entries are exactly these paths with these hashes. */
function sameEntries(old: Record<string, string>, list: readonly TreeFile[], hashOf: readonly string[]): boolean {
  if (Object.keys(old).length !== list.length) return false;
  for (let i = 0; i < list.length; i++) {
    if (old[list[i].path] !== hashOf[i]) return false;
  }
  return true;
}

function notAFile(rel: string, at: Lookup, managed: boolean): string {
  const what = at.type === 'symlink' ? 'a symbolic link' : 'not a regular file (a FIFO, socket or device)';
  return managed ? `${rel}: is ${what}, not the file the writer wrote` : `${rel}: is ${what}, not written by cdk8s-fleet`;
}

/** The sha256 of a regular file of the tree, or undefined for a file too large to be one the writer wrote. */
function hashOfFile(abs: string, stat: fs.Stats): string | undefined {
  if (stat.size > MAX_INPUT_BYTES) return undefined;
  return sha256(readRegularFile(abs));
}

/** The outdir as a real directory path (created when missing; a link to a directory is resolved once). */
function prepareRoot(outdir: string): string {
  const abs = path.resolve(outdir);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(abs, { throwIfNoEntry: false });
  } catch (e: any) {
    if (e?.code !== 'ENOTDIR') throw e; // a file on the way: mkdir says so below
  }
  if (stat && !stat.isDirectory()) {
    throw new TreeWriteError(`${abs}: exists and is not a directory, so the tree cannot be written there; point outdir at a directory, or move the file away`, 'ENOTDIR');
  }
  if (!stat) {
    try {
      fs.mkdirSync(abs, { recursive: true });
    } catch (e) {
      throw new TreeWriteError(`cannot create the tree directory ${abs}: ${describeFsError(e, abs)}; nothing was written`, (e as any)?.code);
    }
  }
  return fs.realpathSync(abs);
}

/** The state directory must be a plain directory (or absent): the journal and staging never go through a link. */
function checkStateDirectory(inspector: TreeInspector, problems?: string[]): void {
  for (const rel of [STATE_DIR, STAGING]) {
    const at = inspector.lookup(rel);
    const message = at.blockedAt !== undefined ? blockedMessage(at.blockedAt, at.blockedBy)
      : at.type === 'symlink' || at.type === 'file' || at.type === 'other' ? blockedMessage(rel, at.type) : undefined;
    if (message === undefined) continue;
    if (problems) problems.push(message);
    else throw new TreeConflictError(`The tree's state directory is not the writer's; nothing was touched:\n  ${message}`, [rel]);
  }
}

/** The error of a failed write, after rolling back what can be (when the write was not committed yet). */
function writeFailure(root: string, e: unknown, committed: boolean): Error {
  if (e instanceof TreeConflictError || e instanceof TreeWriteError) return e;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  const where = relativeTo(root, err.path ?? err.dest);
  const cause = describeFsError(e, where);
  if (committed) {
    return new TreeWriteError(`writing the tree at ${root} failed after the write was committed: ${cause}. The journal (${JOURNAL}) records it, and the next synth completes it before anything else`, err.code);
  }
  try {
    recoverTree(root);
  } catch (rollback) {
    return new TreeWriteError(`writing the tree at ${root} failed: ${cause}. Rolling back failed too (${describeFsError(rollback, relativeTo(root, (rollback as any)?.path))}): `
      + `the journal (${JOURNAL}) records the partial write, and the next synth rolls it back before anything else`, err.code);
  }
  return new TreeWriteError(`writing the tree at ${root} failed: ${cause}. The write was rolled back: the tree is as it was`, err.code);
}

/**
 * The records of the directories on the way to `list` (tree-look.ts), taken once every file is in place and
 * before the files' stats are: trusted when older than the state directory's last change (the journal's removal,
 * just now: a file-system time). A directory with a file beneath it that this write did not write (`written`: the
 * indices it wrote) gets none: that file's stat was taken before the write, before the directory's.
 */
function writtenDirectoryRecords(root: string, list: readonly TreeFile[], written: readonly number[]): DirectoryRecords {
  const paths = list.map(f => f.path);
  const names = directoriesOf(paths);
  const records = captureDirectoryRecords(root, names, fs.lstatSync(`${root}/${STATE_DIR}`).mtimeMs);
  const wrote = new Uint8Array(list.length);
  for (const i of written) wrote[i] = 1;
  const index = new Map(names.map((d, k) => [d, k]));
  const dropped = new Uint8Array(names.length);
  paths.forEach((p, i) => {
    if (wrote[i]) return;
    eachDirectoryOnWay(p, d => {
      const k = index.get(d)!;
      if (dropped[k]) return false; // (with its ancestors)
      dropped[k] = 1;
      records.fill(NaN, k * 4, k * 4 + 4);
      return true;
    });
  });
  return { names, records };
}

/** The files sorted by path (most callers pass them sorted); two files with one path are an error. */

function sortedFiles(files: readonly TreeFile[]): readonly TreeFile[] {
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = files[i - 1].path < files[i].path;
  if (sorted) return files; // (strictly increasing: no path twice)
  const list = [...files].sort((a, b) => compareCodeUnits(a.path, b.path));
  for (let i = 1; i < list.length; i++) {
    if (list[i - 1].path === list[i].path) throw new Error(`refusing to write '${list[i].path}' twice`);
  }
  return list;
}

/** Idempotent: moves whatever is still staged into place, deletes what is still there, installs the manifest. */
function applyCommitted(root: string, journal: Journal, inspector: TreeInspector, hooks?: (step: string) => void) {
  // Checked again here: a link that appeared on the way since the write was planned is never followed (the
  // write stays committed, and the next synth refuses to complete it until the link is gone).
  const blocked = new Set<string>();
  for (const rel of [...journal.replaces, ...journal.deletes]) {
    const at = inspector.lookup(rel);
    if (at.blockedAt !== undefined && at.blockedBy === 'symlink') blocked.add(blockedMessage(at.blockedAt, at.blockedBy));
  }
  if (blocked.size > 0) throw new TreeConflictError(`Completing the write journaled in ${JOURNAL} would follow a link; nothing more was moved:\n  ${[...blocked].join('\n  ')}`, [...blocked]);
  let i = 0;
  for (const rel of journal.replaces) {
    const staged = inspector.lookup(`${STAGING}/${rel}`);
    if (staged.type === 'file') {
      const dir = path.posix.dirname(rel);
      if (dir !== '.') fs.mkdirSync(`${root}/${dir}`, { recursive: true });
      fs.renameSync(`${root}/${STAGING}/${rel}`, `${root}/${rel}`);
    }
    if (++i === Math.ceil(journal.replaces.length / 2)) hooks?.('half-applied');
  }
  const emptied = new Set<string>();
  for (const rel of journal.deletes) {
    const at = inspector.lookup(rel);
    if (at.type === 'file' || at.type === 'symlink' || at.type === 'other') fs.rmSync(`${root}/${rel}`, { force: true });
    emptied.add(path.posix.dirname(rel));
  }
  removeEmptyDirectories(root, emptied);
  if (fs.existsSync(`${root}/${NEXT_MANIFEST}`)) fs.renameSync(`${root}/${NEXT_MANIFEST}`, `${root}/${MANIFEST}`);
}

/** Removes the given directories and their parents while they are empty (never the tree root). */
function removeEmptyDirectories(root: string, dirs: Set<string>) {
  const sorted = [...dirs].sort((a, b) => b.length - a.length || compareCodeUnits(a, b));
  for (let rel of sorted) {
    while (rel && rel !== '.' && rel !== '/') {
      const abs = `${root}/${rel}`;
      try {
        if (!fs.lstatSync(abs).isDirectory() || fs.readdirSync(abs).length > 0) break;
        fs.rmdirSync(abs);
      } catch {
        break;
      }
      rel = path.posix.dirname(rel);
    }
  }
}

function checkRelative(rel: string) {
  if (!isTreePath(rel) || rel.startsWith(STATE_DIR)) {
    throw new Error(`refusing to write '${rel}': paths must be normalized, relative, inside the tree and outside ${STATE_DIR}`);
  }
}
