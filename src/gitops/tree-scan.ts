import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { StatCache } from './tree-state';
import { interruptedWrite, sha256, STATE_DIR } from './tree-writer';
import { compareCodeUnits, pushAll } from '../private/util';
import { startWorker, WorkerLife, workerScript, WorkerScript } from '../private/worker-script';
import { decodeText, InputError, MAX_INPUT_BYTES, parseJsonBounded, parseYamlDocuments } from '../private/yaml-input';

/**
 * A synthesized tree as the diff and the plan read it: every regular file with its sha256, found cheaply.
 *
 * A file's hash is taken from the tree's manifest (`.cdk8s-fleet/manifest.json`) only when the writer's stat
 * cache (`.cdk8s-fleet/stat-cache`, local to the machine that synthesized the tree, `StatCache`) vouches for the
 * manifest and recorded the size, times and inode the file still has — the test git and the tree writer use to
 * know a file is as written.
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
  // (No stat cache, as in a checkout rather than the synth's own output, or one written with another manifest:
  // every file is hashed.)
  const statCache = StatCache.read(path.resolve(root));
  const hashes = new Map<string, string>();
  const files = new Map<string, string[]>();
  const directories = new Set<string>();
  const subdirectories = new Map<string, string[]>();
  const base = path.resolve(root) + path.sep;
  const where = (rel: string) => `${label} ${root}: ${rel}`;
  // 1. Every directory and file name (one readdir per directory; symbolic links and other non-regular files refused).
  let walked = 0;
  const visit = (dir: string) => {
    directories.add(dir);
    const names: string[] = [];
    files.set(dir, names);
    const subs: string[] = [];
    subdirectories.set(dir, subs);
    for (const e of fs.readdirSync(base + dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        const rel = dir ? `${dir}/${e.name}` : e.name;
        if (e.name !== '.git' && rel !== STATE_DIR) {
          subs.push(rel);
          visit(rel);
        }
      } else if (e.isFile()) {
        names.push(e.name);
        walked++;
      } else {
        throw new InputError(`${where(dir ? `${dir}/${e.name}` : e.name)} is ${e.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; a tree holds regular files only`);
      }
    }
    names.sort(compareCodeUnits);
  };
  visit('');
  // 2. The files the manifest lists, in its order: trusted when the stat cache shows them as written, hashed
  // otherwise. (Driven by the manifest's keys, which JSON.parse already hashed, rather than by new path strings.)
  let trusted = 0;
  const problems: string[] = [];
  for (const rel of Object.keys(manifest)) {
    if (!isTreePath(rel)) {
      problems.push(`${where(rel)}: the manifest lists a path outside the tree's files; ignored`);
      continue;
    }
    const stat = fs.statSync(base + rel, { throwIfNoEntry: false });
    if (!stat?.isFile()) {
      problems.push(`${where(rel)} is listed in the manifest but missing`);
      continue;
    }
    if (statCache.vouchesFor(rel, stat)) {
      hashes.set(rel, manifest[rel]);
      trusted++;
    } else {
      hashes.set(rel, sha256(readBounded(base + rel, where(rel))));
    }
    if (hashes.size % 10_000 === 0) onProgress?.(`${label}: ${hashes.size} files checked`);
  }
  // 3. Files the manifest does not list (only when there are any): hashed.
  if (walked > hashes.size) {
    for (const [dir, names] of files) {
      for (const name of names) {
        const rel = dir ? `${dir}/${name}` : name;
        if (!hashes.has(rel)) hashes.set(rel, sha256(readBounded(base + rel, where(rel))));
      }
    }
  }
  return { root, hashes, files, directories, subdirectories, trusted, problems: problems.sort(compareCodeUnits) };
}

/**
 * A relative, '/'-separated path without `.` or `..` segments, outside `.git` and the state directory (what the
 * tree writer writes). Most paths have no dot after a slash: the segment checks run only for the others.
 */
function isTreePath(rel: string): boolean {
  if (rel === '' || rel.startsWith('/') || rel.endsWith('/') || rel.includes('//') || rel.includes('\0')) return false;
  if (!rel.startsWith('.') && !rel.includes('/.')) return true;
  return !rel.split('/').some(seg => seg === '.' || seg === '..' || seg === '.git') && !rel.startsWith(`${STATE_DIR}/`);
}

/** A file of a scanned tree as text; an `InputError` when it is not text, too large, or changed since the scan. */
export function readTreeText(scan: TreeScan, rel: string, label: string): string {
  const file = path.join(scan.root, rel);
  const where = `${label} ${scan.root}: ${rel}`;
  const bytes = readBounded(file, where);
  if (sha256(bytes) !== scan.hashes.get(rel)) throw new InputError(`${where} changed while it was being read`, file);
  return decodeText(bytes, where, file);
}

/** The YAML (or JSON) documents of a file of a scanned tree, empty documents dropped. */
export function parseTreeFile(scan: TreeScan, rel: string, label: string, text = readTreeText(scan, rel, label)): unknown[] {
  return parseYamlDocuments(text, `${label} ${scan.root}: ${rel}`);
}

/** Whether a tree path holds Argo CD objects (what every plan parses). */
export function isArgoFile(rel: string): boolean {
  return (rel.startsWith('argocd/') || rel.startsWith('bootstrap/') || rel.startsWith('flux/')) && /\.ya?ml$/.test(rel);
}

/**
 * Reads a regular file of a tree, bounded: never through a symbolic link (O_NOFOLLOW), never blocking on a FIFO
 * (O_NONBLOCK, then `fstat` refuses anything but a regular file, so `/dev/zero` is never read either).
 */
export function readBounded(abs: string, label: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(abs, NO_FOLLOW_READ);
  } catch (e: any) {
    if (e?.code === 'ELOOP') throw new InputError(`${label} is a symbolic link; a tree holds regular files only`, abs);
    throw e;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputError(`${label} is not a regular file; a tree holds regular files only`, abs);
    if (stat.size > MAX_INPUT_BYTES) throw new InputError(`${label}: ${stat.size} bytes, more than the ${MAX_INPUT_BYTES} read at most`, abs);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

// eslint-disable-next-line no-bitwise
const NO_FOLLOW_READ = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function readJson(file: string, field: string): any {
  const text = decodeText(readBounded(file, file), file, file);
  let doc: any;
  try {
    doc = parseJsonBounded(text, 8); // the writer's state files are flat
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`, file);
  }
  if (!doc || typeof doc !== 'object' || typeof doc[field] !== 'object' || doc[field] === null || Array.isArray(doc[field])) throw new InputError(`${file}: has no '${field}' map`, file);
  return doc;
}

/** Options of `scanTrees`. */
export interface ScanTreesOptions {
  readonly onProgress?: ProgressListener;
  /**
   * From how many files (in the head tree's manifest) the head tree is scanned on a worker thread while the
   * main thread scans the base: below it, starting a worker costs more than it saves.
   */
  readonly workerThreshold?: number;
}

/** Trees smaller than this are scanned one after the other on the main thread. */
export const DEFAULT_SCAN_WORKER_THRESHOLD = 20_000;

/** How long the main thread waits for a worker that reports nothing before scanning the tree itself. */
const STALL_MS = 120_000;

/** Documents parsed by the worker thread: content hash → documents, or the message of an `InputError`. */
export type ParsedFile = [string, unknown[] | { readonly error: string }];

/** The scans of both trees of a diff (see `startScans`). */
export interface TreeScans {
  readonly base: TreeScan;
  /** The head's scan (waits for the worker thread). */
  head(): TreeScan;
  /** Argo CD files the worker has parsed since the last call (it parses the head's, last first). */
  parsed(): ParsedFile[];
  /** Stops the worker. */
  close(): void;
}

/**
 * Scans both trees of a diff. When they are large, a worker thread scans the head while the main thread scans
 * the base (the scan is one stat or one read-and-hash per file: two trees take twice as long on one core), then
 * parses the head's Argo CD files from the last one on while the main thread parses from the first: the plans
 * need them all, and most are the same in both trees. Both trees are refused before either is read when they
 * are not trees.
 */
export function startScans(baseDir: string, headDir: string, options: ScanTreesOptions = {}): TreeScans {
  requireTree(baseDir, 'base');
  requireTree(headDir, 'head');
  const progress = options.onProgress;
  const threshold = options.workerThreshold ?? DEFAULT_SCAN_WORKER_THRESHOLD;
  const worker = manifestSize(headDir) >= threshold ? WorkerScan.tryStart(headDir, 'head') : undefined;
  try {
    progress?.(`reading ${baseDir}${worker ? ` (and ${headDir} on a second thread)` : ''}`);
    const base = scanTree(baseDir, progress, 'base');
    let head: TreeScan | undefined;
    return {
      base,
      head: () => {
        if (!head) {
          if (!worker) progress?.(`reading ${headDir}`);
          head = worker?.result() ?? scanTree(headDir, progress, 'head');
        }
        return head;
      },
      parsed: () => worker?.parsed() ?? [],
      close: () => worker?.close(),
    };
  } catch (e) {
    worker?.close();
    throw e;
  }
}

/** The size of a tree's manifest file, as a cheap measure of its file count (about 110 bytes a file). */
function manifestSize(dir: string): number {
  return (fs.statSync(path.join(dir, STATE_DIR, 'manifest.json'), { throwIfNoEntry: false })?.size ?? 0) / 110;
}

/** A scan running on a worker thread (`tree-scan-worker.ts`), waited for synchronously. */
class WorkerScan {
  public static tryStart(root: string, label: string): WorkerScan | undefined {
    const script = workerScript(__dirname, 'tree-scan-worker');
    if (script === undefined) return undefined;
    try {
      return new WorkerScan(script, root, label);
    } catch {
      return undefined;
    }
  }

  private readonly worker: Worker;
  private readonly life: WorkerLife;
  private readonly port: MessagePort;
  /** [0]: the scan was posted; [1]: set by the main thread to stop the worker's parsing. */
  private readonly flags = new Int32Array(new SharedArrayBuffer(8));
  private scan: TreeScan | undefined;
  private readonly pending: ParsedFile[] = [];
  private closed = false;

  private constructor(script: WorkerScript, private readonly root: string, private readonly label: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    // (a worker that fails or dies wakes the wait on `flags`: the tree is then scanned here at once)
    const workerData = { root, label, port: channel.port2, flags: this.flags };
    ({ worker: this.worker, life: this.life } = startWorker({ script }, workerData, [channel.port2], this.flags));
  }

  /** The worker's scan (its `InputError` rethrown); the tree is scanned here if the worker fails or stalls. */
  public result(): TreeScan {
    if (!this.scan && !this.closed) {
      // Until it has posted its scan or its failure (flags[0]), ended, or stalled; what it posted is read after.
      this.life.waitFor(this.flags, 0, STALL_MS);
      const error = this.drain();
      if (error) {
        this.close();
        if (error.input) throw new InputError(error.message, error.file);
      }
    }
    if (this.scan) return this.scan;
    this.close();
    return scanTree(this.root, undefined, this.label);
  }

  /** Documents parsed since the last call. */
  public parsed(): ParsedFile[] {
    if (!this.closed) this.drain();
    return this.pending.splice(0);
  }

  public close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.flags, 1, 1);
    void this.worker.terminate();
    this.port.close();
  }

  /** Reads the messages that arrived; returns the worker's failure, if it failed. */
  private drain(): { message: string; file?: string; input: boolean } | undefined {
    for (let msg = receiveMessageOnPort(this.port); msg; msg = receiveMessageOnPort(this.port)) {
      const m = msg.message as { scan?: TreeScan; parsed?: ParsedFile[]; error?: { message: string; file?: string; input: boolean } };
      if (m.scan) this.scan = m.scan;
      if (m.parsed) pushAll(this.pending, m.parsed);
      if (m.error) return m.error;
    }
    return undefined;
  }
}
