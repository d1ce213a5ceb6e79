import { createHash } from 'crypto';
import * as fs from 'fs';
import { endianness } from 'os';
import { types } from 'util';
import { createFileExclusive, readRegularFile, typeOf } from './tree-inspector';
import { isTreePath } from '../private/placement';
import { BatchedHashInput, compareCodeUnits, sha256 } from '../private/util';
import { decodeText, parseJsonBounded } from '../private/yaml-input';

/**
 * The tree writer's own files in `.cdk8s-fleet/`: the manifest (committed), the journal of a write in progress
 * (committed too, so that a half-written tree that was committed is recognizable on any clone), and the stat
 * cache (local, git-ignored). Everything read from them is checked before it is used: a path must be a
 * normalized path inside the tree (`isTreePath`), a hash a sha256 hex digest; anything else is an error
 * naming the file and the entry, and nothing is touched.
 */

/** The state directory inside the tree. */
export const STATE_DIR = '.cdk8s-fleet';
export const MANIFEST = `${STATE_DIR}/manifest.json`;
export const JOURNAL = `${STATE_DIR}/journal.json`;
/** Its existence commits the journaled write. */
export const COMMIT_MARKER = `${STATE_DIR}/journal.commit`;
export const NEXT_MANIFEST = `${MANIFEST}.next`;
export const STAGING = `${STATE_DIR}/staging`;
/** Local (git-ignored) record of each managed file's stat when it was last written or checked (`StatCache`). */
export const STAT_CACHE = `${STATE_DIR}/stat-cache`;
/** The stat cache's JSON form, written by earlier releases: removed when the cache is written. */
const OLD_STAT_CACHE = `${STATE_DIR}/stat-cache.json`;

/**
 * The largest state file read: a manifest line is about 100 bytes, so 128 MiB is a tree of 1.3 million files,
 * twenty times the 200-cluster benchmark fleet's (a bigger state file is refused, not read).
 */
const MAX_STATE_BYTES = 128 * 1024 * 1024;
/** State files are flat: the manifest nests 2 levels, a journal 3; deeper JSON is refused before it is parsed. */
const MAX_STATE_DEPTH = 8;

/**
 * One manifest entry as the tree's digests hash it (`entriesDigest`, and the plan key's line, which begins with it):
 * the path and the hash, each JSON-quoted, so that no two different entries give the same text.
 */
export function entryText(path: string, hash: unknown): string {
  // (What JSON.stringify gives, without its cost for the common case: tree paths and hex hashes have nothing to escape.)
  if (typeof path === 'string' && typeof hash === 'string' && VERBATIM_IN_JSON.test(path) && VERBATIM_IN_JSON.test(hash)) return `"${path}" "${hash}"`;
  return `${JSON.stringify(path)} ${JSON.stringify(hash)}`;
}

/** sha256 of a tree's entries (`entryText`, one per line), in the given (sorted) order. */
export function entriesDigest(count: number, pathOf: (i: number) => string, hashOf: (i: number) => unknown): string {
  const hash = createHash('sha256');
  const lines = new BatchedHashInput(hash);
  for (let i = 0; i < count; i++) lines.add(`${entryText(pathOf(i), hashOf(i))}\n`);
  lines.flush();
  return hash.digest('hex');
}

/** Strings that JSON.stringify writes between quotes as they are. */
const VERBATIM_IN_JSON = /^[\w.%/-]*$/;

/** A state file that is damaged or was edited into something the writer refuses to act on. */
export class TreeStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TreeStateError';
  }
}

/** The list of files the tree writer manages, with their sha256, kept in the tree. */
export interface TreeManifest {
  readonly version: number;
  readonly files: Record<string, string>;
}

/** What `journal.json` holds (version 3); the phase is `commit` once the commit marker exists. */
export interface Journal {
  readonly version: number;
  readonly phase: 'prepare' | 'commit';
  /** Tree-relative paths that did not exist and are written in place. */
  readonly creates: string[];
  /** Tree-relative paths whose new content is staged, then renamed over the old file. */
  readonly replaces: string[];
  /** Tree-relative paths to delete. */
  readonly deletes: string[];
  /** The next manifest, in a journal of version 2 (written by an earlier release). */
  readonly nextManifest?: TreeManifest;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Reads a state file (`rel` inside `root`): undefined when absent; an error when it is a link, not a regular
 * file, too large, or not UTF-8.
 */
export function readStateFile(root: string, rel: string): string | undefined {
  const file = `${root}/${rel}`;
  const dir = fs.lstatSync(`${root}/${STATE_DIR}`, { throwIfNoEntry: false });
  if (dir === undefined) return undefined;
  if (!dir.isDirectory()) {
    throw new TreeStateError(`${root}/${STATE_DIR}: is ${describe(typeOf(dir))}, not the writer's state directory; the writer never follows links inside the tree (replace it with a directory, or delete it)`);
  }
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (e: any) {
    if (e?.code === 'ENOTDIR') return undefined;
    throw e;
  }
  if (!stat) return undefined;
  if (!stat.isFile()) throw new TreeStateError(`${file}: is ${describe(typeOf(stat))}, not the writer's file; ${restoreAdvice(rel)}`);
  if (stat.size > MAX_STATE_BYTES) throw new TreeStateError(`${file}: ${stat.size} bytes, more than the ${MAX_STATE_BYTES} read at most; ${restoreAdvice(rel)}`);
  return decodeText(readRegularFile(file), file, file);
}

/**
 * Reads and checks the manifest of a tree (an empty one if the tree has none). With `vouched` (the stat cache
 * vouches that the manifest is the one the writer wrote, whose entries it checked then), its entries are not
 * checked one by one again; its shape is.
 */
export function readManifest(root: string, vouched = false): TreeManifest {
  const text = readStateFile(root, MANIFEST);
  if (text === undefined) return { version: 1, files: {} };
  return checkManifest(parseJson(text, `${root}/${MANIFEST}`, MANIFEST), `${root}/${MANIFEST}`, MANIFEST, vouched);
}

function checkManifest(doc: any, file: string, rel: string, vouched = false): TreeManifest {
  const files = doc?.files;
  if (doc?.version !== 1 || files === null || typeof files !== 'object' || Array.isArray(files)) {
    throw new TreeStateError(`${file}: not a cdk8s-fleet manifest ('files' must map tree paths to sha256 hex digests); ${restoreAdvice(rel)}`);
  }
  if (vouched) return { version: 1, files };
  for (const [p, hash] of Object.entries(files)) {
    if (!isTreePath(p)) throw new TreeStateError(`${rel} lists ${JSON.stringify(p)}, which is not a normalized path inside the tree; ${restoreAdvice(rel)}`);
    if (typeof hash !== 'string' || !SHA256.test(hash)) {
      throw new TreeStateError(`${file}: not a cdk8s-fleet manifest ('files' must map tree paths to sha256 hex digests): ${JSON.stringify(p)} → ${JSON.stringify(hash)}; ${restoreAdvice(rel)}`);
    }
  }
  return { version: 1, files };
}

/** The journal of an interrupted write, checked, or undefined when there is none. */
export function readJournal(root: string): Journal | undefined {
  const text = readStateFile(root, JOURNAL);
  if (text === undefined) return undefined;
  const file = `${root}/${JOURNAL}`;
  const journal = parseJson(text, file, JOURNAL);
  if (journal?.version !== 2 && journal?.version !== 3) {
    throw new TreeStateError(`${file}: unknown journal version ${JSON.stringify(journal?.version)}; check the tree (git status) and delete the journal by hand`);
  }
  for (const list of ['creates', 'replaces', 'deletes'] as const) {
    const paths = journal[list];
    if (!Array.isArray(paths)) throw new TreeStateError(`${file}: '${list}' must be a list of tree paths; check the tree (git status) and delete the journal by hand`);
    for (const p of paths) {
      if (!isTreePath(p)) {
        throw new TreeStateError(`${JOURNAL} lists ${JSON.stringify(p)}, which is not a normalized path inside the tree: the journal was edited or damaged, and nothing was rolled back or deleted; check the tree (git status) and delete the journal by hand`);
      }
    }
  }
  let phase: Journal['phase'] = fs.existsSync(`${root}/${COMMIT_MARKER}`) ? 'commit' : 'prepare';
  let nextManifest: TreeManifest | undefined;
  if (journal.version === 2) {
    // Written by an earlier release: the phase and the next manifest were inside the journal.
    phase = journal.phase === 'commit' ? 'commit' : 'prepare';
    if (phase === 'commit') nextManifest = checkManifest(journal.manifest, file, JOURNAL);
  }
  return { version: journal.version, phase, creates: journal.creates, replaces: journal.replaces, deletes: journal.deletes, nextManifest };
}

/** Writes the next manifest a version-2 journal holds, unless it is there already. */
export function installJournaledManifest(root: string, journal: Journal): void {
  if (!journal.nextManifest || fs.existsSync(`${root}/${NEXT_MANIFEST}`)) return;
  const entries = Object.entries(journal.nextManifest.files).sort(([a], [b]) => compareCodeUnits(a, b));
  writeStateFile(root, NEXT_MANIFEST, manifestJson(entries.map(([p]) => ({ path: p })), entries.map(([, h]) => h)));
}

/** Writes the journal: it appears with an atomic rename. */
export function writeJournal(root: string, journal: Journal): void {
  const { phase: _phase, nextManifest: _next, ...stored } = journal;
  writeStateFile(root, `${JOURNAL}.tmp`, JSON.stringify(stored));
  fs.renameSync(`${root}/${JOURNAL}.tmp`, `${root}/${JOURNAL}`);
}

/**
 * Writes a file of the state directory, never through a link or over something else at that name: whatever
 * is there is removed first, and the file is created exclusively.
 */
export function writeStateFile(root: string, rel: string, text: string | Uint8Array): void {
  const file = `${root}/${rel}`;
  fs.rmSync(file, { force: true });
  createFileExclusive(file, text);
}

/** The manifest's text: `JSON.stringify(manifest, undefined, 1)` with a final newline, built directly. */
export function manifestJson(files: ReadonlyArray<{ readonly path: string }>, hashOf: readonly string[]): string {
  if (files.length === 0) return '{\n "version": 1,\n "files": {}\n}\n';
  const lines = files.map((f, i) => `  ${jsonString(f.path)}: ${jsonString(hashOf[i])}`);
  return `{\n "version": 1,\n "files": {\n${lines.join(',\n')}\n }\n}\n`;
}

/** `JSON.stringify` of a string, without its cost for the usual path made of safe characters. */
export function jsonString(s: string): string {
  return /^[\w./@+=:%-]*$/.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** A file's identity as the stat cache records it: size, mtime, ctime (ms) and inode. */
export type StatRecord = readonly [number, number, number, number];

/** The stat of a file, as recorded. */
export function statRecord(stat: fs.Stats): StatRecord {
  return [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
}

/** Whether `stat` equals record `i` of flat records (`statRecord`'s four fields each), without an array per file. */
export function sameStatAt(stat: fs.Stats, records: Float64Array, i: number): boolean {
  const at = i * 4;
  return stat.size === records[at] && stat.mtimeMs === records[at + 1] && stat.ctimeMs === records[at + 2] && stat.ino === records[at + 3];
}

/**
 * Like git's index: a managed file whose size, mtime, ctime and inode equal what was recorded when the writer
 * last wrote or read it is taken as unchanged without reading it. An edit changes the mtime and the ctime (a
 * tool that restores the mtime with `utimes` still changes the ctime, which no user call can set), so it is
 * seen. Two git-like rules close the remaining gaps: the cache is trusted only with the manifest it was written
 * with (same stat), and an entry whose mtime or ctime is not older than the cache itself ("racily clean") is
 * read anyway. What remains is git's own limit: an edit made within the same file-system timestamp tick as the
 * writer's write of that file, keeping its size, and before the cache was written.
 *
 * The cache also holds, for that manifest, its paths in order and the digest of its entries (`entriesDigest`):
 * all that the check of an untouched tree needs (tree-check.ts), read without parsing the manifest. With them it
 * holds the stat of every directory on the way to a managed file ('.': the root, when a file is directly in it),
 * taken before the files' stats were last taken or confirmed (`captureDirectoryRecords`): while a directory keeps
 * that stat, no entry in it was added, removed, renamed or replaced since, so each of its files is still the
 * inode recorded for it (the check then looks at one file per inode: see tree-check.ts). Its format is made to
 * be read fast: one header line (`cdk8s-fleet stat cache 4`, the byte order, the number of files and of
 * directories, the paths' length in bytes, the digest, the manifest's stat record, the sha256 of what follows the
 * header's padding), zero bytes up to a multiple of 8, each file's then each directory's stat record as four
 * float64s (NaN: none), then the files' paths and the directories', UTF-8, separated by newlines.
 */
export class StatCache {
  /** Reads the cache of a tree; an unreadable or stale cache is an empty one (it only saves reads). */
  public static read(root: string): StatCache {
    try {
      const file = `${root}/${STAT_CACHE}`;
      const stat = fs.lstatSync(file, { throwIfNoEntry: false });
      const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
      if (!stat?.isFile() || !manifest?.isFile() || stat.size > MAX_STATE_BYTES) return StatCache.empty();
      const cache = parseStatCache(readRegularFile(file));
      if (cache === undefined || !sameRecord(cache.manifest, statRecord(manifest))) return StatCache.empty();
      // The manifest too is vouched for only when it is older than the cache (not "racily clean").
      const manifestVouched = manifest.mtimeMs < stat.mtimeMs && manifest.ctimeMs < stat.mtimeMs;
      return new StatCache(cache.paths, cache.records, cache.digest, stat.mtimeMs, manifestVouched, cache.directories, cache.directoryRecords);
    } catch {
      return StatCache.empty();
    }
  }

  private static empty(): StatCache {
    return new StatCache([], new Float64Array(0), '', 0);
  }

  /** Path → index of its record, made on first use. */
  private index?: Map<string, number>;

  private constructor(
    private readonly paths: readonly string[],
    /** Four numbers per path (`StatRecord`), NaN where the writer recorded none. */
    private readonly records: Float64Array,
    /** `entriesDigest` of the manifest the cache was written with. */
    private readonly digest: string,
    /** The cache file's mtime: records newer than this are not vouched for ("racily clean"). */
    public readonly writtenAt: number,
    /** Whether the manifest is the one the writer wrote and recorded with this cache (same stat). */
    public readonly manifestVouched = false,
    /** The directories on the way to the files (`directoriesOf`). */
    private readonly directories: readonly string[] = [],
    /** Their stats (`captureDirectoryRecords`), four numbers each, NaN where none was taken. */
    private readonly directoryRecords: Float64Array = new Float64Array(0),
  ) {}

  /** Whether the file at `rel`, now `stat`, is known to hold the bytes the manifest records. */
  public vouchesFor(rel: string, stat: fs.Stats): boolean {
    const record = this.vouchableRecord(rel);
    return record !== undefined && sameRecord(record, statRecord(stat));
  }

  /** The stat a file at `rel` must have to be vouched for: the recorded one, older than the cache (else undefined). */
  public vouchableRecord(rel: string): StatRecord | undefined {
    if (this.index === undefined) this.index = new Map(this.paths.map((p, i) => [p, i]));
    const i = this.index.get(rel);
    if (i === undefined || !this.vouchable(i)) return undefined;
    const r = this.records;
    return [r[i * 4], r[i * 4 + 1], r[i * 4 + 2], r[i * 4 + 3]];
  }

  /**
   * When the manifest is vouched for and every file it lists has a vouchable record: its
   * paths in order, their records (four numbers each) and the digest of its entries. Otherwise undefined.
   */
  public vouchedManifest(): VouchedManifest | undefined {
    if (!this.manifestVouched) return undefined;
    for (let i = 0; i < this.paths.length; i++) if (!this.vouchable(i)) return undefined;
    return { paths: this.paths, stats: this.records, digest: this.digest, directories: this.directories, directoryStats: this.directoryRecords };
  }

  /**
   * Whether the cache records exactly these directories with exactly these records (`captureDirectoryRecords`),
   * each one a record (no NaN): whether writing them would change nothing.
   */
  public recordsDirectories({ names, records }: DirectoryRecords): boolean {
    const r = this.directoryRecords;
    if (!sameStrings(names, this.directories) || records.length !== r.length) return false;
    for (let i = 0; i < r.length; i++) if (Number.isNaN(r[i]) || r[i] !== records[i]) return false;
    return true;
  }

  /** Whether record `i` is a record (no NaN) whose mtime and ctime are older than the cache. */
  private vouchable(i: number): boolean {
    const r = this.records;
    return !Number.isNaN(r[i * 4]) && !Number.isNaN(r[i * 4 + 3]) && r[i * 4 + 1] < this.writtenAt && r[i * 4 + 2] < this.writtenAt;
  }
}

/** What the stat cache vouches for (`StatCache.vouchedManifest`). */
export interface VouchedManifest {
  /** The manifest's paths, in order. */
  readonly paths: readonly string[];
  /** Each file's stat record, four numbers per file. */
  readonly stats: Float64Array;
  /** `entriesDigest` of the manifest's entries. */
  readonly digest: string;
  /** The directories on the way to the files (`directoriesOf`). */
  readonly directories: readonly string[];
  /** Their stat records, four numbers each, NaN where none was taken. */
  readonly directoryStats: Float64Array;
}

const STAT_CACHE_TAG = 'cdk8s-fleet stat cache 4';

/** The parts of a stat cache file, or undefined when it is not one (another format, damaged, truncated). */
function parseStatCache(bytes: Buffer): {
  paths: string[]; records: Float64Array; digest: string; manifest: number[]; directories: string[]; directoryRecords: Float64Array;
} | undefined {
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 512) return undefined;
  const header = bytes.toString('latin1', 0, newline).split(' ');
  if (header.length !== 14 || header.slice(0, 4).join(' ') !== STAT_CACHE_TAG || header[4] !== endianness()) return undefined;
  const [count, directoryCount, pathBytes] = [Number(header[5]), Number(header[6]), Number(header[7])];
  const digest = header[8];
  const manifest = header.slice(9, 13).map(Number);
  if (![count, directoryCount, pathBytes].every(n => Number.isSafeInteger(n) && n >= 0)) return undefined;
  if (!SHA256.test(digest)) return undefined;
  if (!manifest.every(Number.isFinite)) return undefined;
  const recordsAt = Math.ceil((newline + 1) / 8) * 8;
  const pathsAt = recordsAt + (count + directoryCount) * 32;
  if (pathsAt + pathBytes !== bytes.length) return undefined;
  // (The records and paths as written: a damaged cache must not pair a path with another one's inode.)
  if (sha256(bytes.subarray(recordsAt)) !== header[13]) return undefined;
  const all = new Float64Array((count + directoryCount) * 4);
  new Uint8Array(all.buffer).set(bytes.subarray(recordsAt, pathsAt));
  const lines = count + directoryCount === 0 ? [] : bytes.toString('utf-8', pathsAt).split('\n');
  if (lines.length !== count + directoryCount) return undefined;
  // (The directories are those the writer found on the way to the paths; a damaged list costs only time: a file
  // with a directory on its way that is not listed, with its record, is looked at by itself.)
  const [paths, directories] = [lines.slice(0, count), lines.slice(count)];
  return { paths, records: all.subarray(0, count * 4), digest, manifest, directories, directoryRecords: all.subarray(count * 4) };
}

/**
 * The directories on the way to `paths` (tree paths), in code-unit order: every ancestor directory of each path,
 * and '.' (the root) when a path is directly in it.
 */
export function directoriesOf(paths: readonly string[]): string[] {
  const directories = new Set<string>();
  let last = '';
  for (const p of paths) {
    const slash = p.lastIndexOf('/');
    if (slash > 0 && slash === last.length && p.startsWith(last)) continue; // (the previous path's directory: added with its ancestors)
    if (slash > 0) last = p.slice(0, slash);
    eachDirectoryOnWay(p, d => {
      if (directories.has(d)) return false; // (added with its ancestors)
      directories.add(d);
      return true;
    });
  }
  return [...directories].sort(compareCodeUnits);
}

/**
 * Calls `visit` with each directory on the way to `path` (a tree path), innermost first ('.', the root, for a path
 * directly in it), until it returns false.
 */
export function eachDirectoryOnWay(path: string, visit: (directory: string) => boolean): void {
  let at = path.lastIndexOf('/');
  if (at < 0) {
    visit('.');
    return;
  }
  for (; at > 0; at = path.lastIndexOf('/', at - 1)) if (!visit(path.slice(0, at))) return;
}

/** The directories on the way to a tree's files (`directoriesOf`) and their records (`captureDirectoryRecords`). */
export interface DirectoryRecords {
  readonly names: readonly string[];
  /** Four numbers per directory, NaN where there is none. */
  readonly records: Float64Array;
}

/**
 * The stat record of each of `directories` (tree-relative, '.' for the root) as it is now, four numbers each; NaN
 * for one that is not a plain directory, or whose mtime or ctime is not older than `clock`: a file-system time
 * taken before this call (the stat cache's mtime). A later change of the directory then gives it a later ctime,
 * never the recorded one, even within the same timestamp tick. Take it before the files' stats are taken or
 * confirmed, so that a directory keeping its record proves its entries are those the files' records were taken of.
 */
export function captureDirectoryRecords(root: string, directories: readonly string[], clock: number): Float64Array {
  const records = new Float64Array(directories.length * 4).fill(NaN);
  directories.forEach((d, i) => {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(d === '.' ? root : `${root}/${d}`, { throwIfNoEntry: false });
    } catch {
      stat = undefined; // (ENOTDIR: a file on the way; the writer reports it)
    }
    if (stat?.isDirectory() && stat.mtimeMs < clock && stat.ctimeMs < clock) records.set(statRecord(stat), i * 4);
  });
  return records;
}

/** The latest mtime or ctime of the manifest and of any record. */
function latestTime(records: Float64Array, manifest: fs.Stats): number {
  let latest = Math.max(manifest.mtimeMs, manifest.ctimeMs);
  for (let at = 0; at < records.length; at += 4) {
    if (records[at + 1] > latest) latest = records[at + 1]; // (NaN is never greater)
    if (records[at + 2] > latest) latest = records[at + 2];
  }
  return latest;
}

/** How long the writer waits at most for the file system's clock to move on (`awaitLaterClock`). */
const CLOCK_WAIT_MS = 30;
const SLEEP = new Int32Array(new SharedArrayBuffer(4));

/**
 * Waits until a file created now at `rel` (the stat cache's temporary file, about to be written) gets an mtime
 * later than `after`, for at most `CLOCK_WAIT_MS`: the cache is then older than none of its records (nor the
 * manifest), so the next synth trusts them all (git's "racily clean" entries, avoided by waiting one timestamp
 * tick, usually a few milliseconds). A file system with a coarser clock keeps some records racy: they are then
 * read, as before.
 */
function awaitLaterClock(root: string, rel: string, after: number): void {
  const deadline = Date.now() + CLOCK_WAIT_MS;
  for (;;) {
    writeStateFile(root, rel, '');
    if (fs.lstatSync(`${root}/${rel}`).mtimeMs > after || Date.now() >= deadline) return;
    Atomics.wait(SLEEP, 0, 0, 1);
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Writes the stat cache for `files` (each with its stat record, when known, and its hash) and the current
 * manifest, which lists exactly `files` with `hashOf`; with the directories on the way to them and their records
 * when given (`directoriesOf(files)` and `captureDirectoryRecords`; else none is recorded); `digest`, when given,
 * is the `entriesDigest` of `files` with `hashOf`. Failing to write it (a read-only checkout) only costs reads on
 * the next run.
 */
export function writeStatCache(
  root: string, files: ReadonlyArray<{ readonly path: string }>, stats: ReadonlyArray<StatRecord | undefined> | Float64Array,
  hashOf: readonly string[], directoryRecords?: DirectoryRecords, digest?: string,
): void {
  try {
    const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
    if (!manifest?.isFile() || files.some(f => f.path.includes('\n'))) return;
    const filePaths = files.map(f => f.path);
    const directories = directoryRecords?.names ?? directoriesOf(filePaths);
    const records = new Float64Array((files.length + directories.length) * 4).fill(NaN);
    if (types.isFloat64Array(stats)) { // (from a worker, perhaps another realm: no instanceof)
      records.set(stats.subarray(0, files.length * 4));
    } else {
      stats.forEach((s, i) => {
        if (s) records.set(s, i * 4);
      });
    }
    if (directoryRecords) records.set(directoryRecords.records, files.length * 4);
    const paths = Buffer.from([...filePaths, ...directories].join('\n'), 'utf-8');
    digest ??= entriesDigest(files.length, i => files[i].path, i => hashOf[i]);
    const body = Buffer.concat([Buffer.from(records.buffer, records.byteOffset, records.byteLength), paths]);
    const bodyDigest = sha256(body);
    const fields = [STAT_CACHE_TAG, endianness(), files.length, directories.length, paths.length, digest, ...statRecord(manifest), bodyDigest];
    const header = Buffer.from(`${fields.join(' ')}\n`, 'latin1');
    const recordsAt = Math.ceil(header.length / 8) * 8;
    const bytes = Buffer.alloc(recordsAt + body.length);
    header.copy(bytes, 0);
    body.copy(bytes, recordsAt);
    ensureStateIgnored(root); // (the cache's name changed: an older .gitignore does not list it)
    awaitLaterClock(root, `${STAT_CACHE}.tmp`, latestTime(records, manifest));
    writeStateFile(root, `${STAT_CACHE}.tmp`, bytes);
    fs.renameSync(`${root}/${STAT_CACHE}.tmp`, `${root}/${STAT_CACHE}`);
    fs.rmSync(`${root}/${OLD_STAT_CACHE}`, { force: true });
  } catch {
    // The cache is an optimization.
  }
}

function sameRecord(recorded: unknown, now: StatRecord): boolean {
  return Array.isArray(recorded) && recorded.length === 4 && now.every((v, i) => recorded[i] === v);
}

/**
 * What Git should not see: the stat cache and the validated-content cache (machine-local) and temporary files. The manifest, the journal, the
 * commit marker, the next manifest and the staging directory are committed with the tree: a tree committed in
 * the middle of a write then says so on every clone (`cdk8s-fleet validate` fails on it), and the next synth
 * there completes or rolls it back.
 */
export const STATE_GITIGNORE = '# written by cdk8s-fleet: local state, not part of the tree\n/stat-cache\n/stat-cache.tmp\n/stat-cache.json\n/verdict-cache\n/verdict-cache.tmp\n/journal.json.tmp\n';

/** Writes `.cdk8s-fleet/.gitignore` when it is not the current one. */
export function ensureStateIgnored(root: string): void {
  const rel = `${STATE_DIR}/.gitignore`;
  let current: string | undefined;
  try {
    current = readStateFile(root, rel);
  } catch {
    current = undefined;
  }
  if (current !== STATE_GITIGNORE) writeStateFile(root, rel, STATE_GITIGNORE);
}

function parseJson(text: string, file: string, rel: string): any {
  try {
    return parseJsonBounded(text, MAX_STATE_DEPTH);
  } catch (e) {
    throw new TreeStateError(`${file}: not valid JSON (${(e as Error).message}); ${restoreAdvice(rel)}`);
  }
}

function restoreAdvice(rel: string): string {
  if (rel === MANIFEST) return `restore ${MANIFEST} from Git (git checkout -- ${MANIFEST}), or delete it to start over (the files it listed then become files the writer does not own)`;
  return `restore ${rel} from Git, or delete it after checking the tree (git status)`;
}

function describe(type: string): string {
  return type === 'symlink' ? 'a symbolic link' : type === 'directory' ? 'a directory' : 'not a regular file';
}
