import * as fs from 'fs';
import { types } from 'util';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { mountsInside } from './mounts';
import { TreeInspector } from './tree-inspector';
import { lookPlanOf, LookPlan, lookUnits, planLook, sameUnits } from './tree-look';
import { COMMIT_MARKER, entriesDigest, JOURNAL, MANIFEST, NEXT_MANIFEST, sameStatAt, STAGING, STAT_CACHE, STATE_DIR, StatCache, statRecord } from './tree-state';
import { sha256 } from '../private/util';
import { startWorker, WorkerLife, workerScript, WorkerScript } from '../private/worker-script';

/**
 * The write step's check of a tree nothing has touched, done on a worker thread while the program renders.
 *
 * A re-synth that changes nothing spends most of its write step proving that: reading the tree's state (the
 * stat cache, which holds with the manifest's stat its paths and the digest of its entries: the manifest itself
 * is not read) and `lstat`ing every managed file (60,000 in the benchmark fleet). Reading the state does not
 * depend on what the program renders, so `startTreeCheck` does it beside the render on the second core. It
 * concludes only this: the manifest is the one the writer wrote (vouched for by the stat cache), the state
 * directory holds no interrupted write, and the stat cache records for every file the manifest lists a stat
 * older than itself (git's rule, `StatCache`). The result is the digest of the manifest's paths and hashes and
 * the stat each file must have; the writer then compares the digest with that of the files to write and
 * looks at the files again once the program's code has run for the last time, both threads sharing the work
 * (`vouchedNoop`): every file must be a regular file, reached without a link, with exactly that stat. Most files
 * are looked at through the directories on the way to them and one file per inode (tree-look.ts); the others
 * with one `lstat` each. Nothing is read or parsed, and a file edited, removed or replaced (or a directory on the
 * way replaced by a link) before or while the program rendered is seen, as the full check would see it.
 * Anything else (another file set, a changed manifest, a state file touched since the check, a directory changed)
 * makes the writer do its full check.
 */
export interface VouchedTree {
  /** `entriesDigest` of the manifest's entries. */
  readonly digest: string;
  /** The stat of the manifest and the stat cache before they were read: the check holds while they are unchanged. */
  readonly state: readonly number[];
  /** Each managed file's stat record (size, mtime, ctime, inode), four numbers per file in path order. */
  readonly stats: Float64Array;
  /** The directories on the way to the files, and their records (`StatCache`; NaN: none). */
  readonly directories: readonly string[];
  readonly directoryStats: Float64Array;
  /** How the last look takes the files (tree-look.ts); without a plan, one by one. */
  readonly plan?: LookPlan;
  /** The directories' records taken by the check, for the writer to record when the look holds (`planLook`). */
  readonly refresh?: Float64Array;
  /** The worker that checked it, ready to look at the second part of the files again (see `vouchedNoop`). */
  readonly otherPart?: OtherPart;
}

/**
 * The worker's help with the writer's last look at the files: both threads take the next files from one shared
 * cursor, a chunk at a time, so that each does as much as it can (the worker is often done with its own check
 * long before the render ends, or busy when the two threads' `lstat`s contend).
 */
export interface OtherPart {
  /** Starts the worker taking chunks. */
  start(): void;
  /**
   * Takes chunks on this thread too, `same(from, to)` looking at files `from` to `to`; then waits for the
   * worker's last chunk. Whether every file was unchanged (false if the worker does not answer).
   */
  share(count: number, same: (from: number, to: number) => boolean): boolean;
  /** Stops the worker taking chunks (the writer does not need them). */
  abandon(): void;
}

/** The check itself (on whichever thread): the vouched tree, or undefined when the writer must look closer. */
export function checkVouchedTree(root: string): VouchedTree | undefined {
  return inspectTree(root)?.tree;
}

/** The check, with the sorted paths its stats belong to. */
export function inspectTree(root: string): { tree: VouchedTree; paths: readonly string[] } | undefined {
  const state = stateStat(root);
  if (state === undefined) return undefined;
  const inspector = new TreeInspector(root);
  if (writeBegun(inspector)) return undefined; // an interrupted or half-cleaned write: the writer deals with it
  // The manifest the cache vouches for, its paths and the digest of its entries, and the stat each file must have
  // (the cache's record, older than the cache): the last look, after the render, compares every file with it
  // (`sameUnits`: most of them through their directories and inodes). Looking at the files now as well would
  // only find a change sooner.
  const cache = StatCache.read(root);
  const manifest = cache.vouchedManifest();
  if (manifest === undefined) return undefined;
  const { plan, refresh } = planLook(root, manifest, cache.writtenAt);
  const { digest, stats, directories, directoryStats } = manifest;
  return { tree: { digest, state, stats, directories, directoryStats, plan, refresh }, paths: manifest.paths };
}

/**
 * Whether the files `from` to `to` (their paths by index) are regular files, reached without links, with the
 * recorded stats (`inspector` remembers the ancestors it has listed, from one chunk to the next).
 */
export function sameStats(inspector: TreeInspector, pathOf: (i: number) => string, stats: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const stat = inspector.regularFileStat(pathOf(i));
    if (stat === undefined || !sameStatAt(stat, stats, i)) return false;
  }
  return true;
}

/**
 * Whether writing `files` (sorted by path in code units) leaves the vouched tree exactly as it is: the same
 * paths with the same hashes, neither the manifest nor the stat cache changed since the check, no write begun
 * since, and every file still a regular file, reached without a link, with the stat the check recorded.
 * `digest`, when given, is the `entriesDigest` of exactly `files` (the plan key computes it on its way).
 */
export function vouchedNoop(
  root: string, vouched: VouchedTree, files: readonly { readonly path: string; readonly content: string; readonly hash?: string }[], digest?: string,
): boolean {
  const now = stateStat(root);
  if (now === undefined || now.length !== vouched.state.length || now.some((v, i) => v !== vouched.state[i])) return false;
  if (vouched.stats.length !== files.length * 4) return false;
  // What the check saw may have changed while the program rendered: every file is looked at again (lstat only,
  // through its directories and inode when the check planned so), now, by this thread and the worker together.
  const other = vouched.otherPart;
  other?.start();
  digest ??= entriesDigest(files.length, i => files[i].path, i => files[i].hash ?? sha256(files[i].content));
  // (An equal digest also means that the worker's paths are these files' paths, in this order.)
  const inspector = new TreeInspector(root);
  const { plan } = vouched;
  if (digest !== vouched.digest || writeBegun(inspector) || (plan !== undefined && mountsInside(root) !== false)) {
    other?.abandon();
    return false;
  }
  const pathOf = (i: number) => files[i].path;
  const same = plan === undefined
    ? (from: number, to: number) => sameStats(inspector, pathOf, vouched.stats, from, to)
    : (from: number, to: number) => sameUnits(root, inspector, plan, vouched, pathOf, from, to);
  const count = plan === undefined ? files.length : lookUnits(plan);
  return other ? other.share(count, same) : same(0, count);
}

/** Whether the state directory is not a plain directory, or holds a write begun (journal, marker, next manifest, staging). */
function writeBegun(inspector: TreeInspector): boolean {
  if (inspector.lookup(STATE_DIR).type !== 'directory') return true;
  return [JOURNAL, COMMIT_MARKER, NEXT_MANIFEST, STAGING].some(rel => inspector.lookup(rel).type !== 'absent');
}

/** The check running on a worker thread. */
export interface TreeCheck {
  /**
   * Lets the worker begin the last look at the files now that the program's own code has run for the last time
   * (as soon as its own check is done), while this thread still serializes, scans and plans; the writer takes
   * part later (`vouchedNoop`), or stops it. Every file is still looked at after anything the program did.
   */
  lookAgain(): void;
  /** Its result (waiting for it); undefined when it concluded nothing, failed, or made no progress. */
  finish(): VouchedTree | undefined;
  /** Stops it (once the tree is written, or the render failed). */
  cancel(): void;
}

/** Manifests smaller than this (about 8,000 files) are checked by the writer itself: a worker would cost more. */
const MIN_MANIFEST_BYTES = 1_048_576;
/** How long `finish` waits for the worker before the writer checks by itself. */
const WAIT_MS = 60_000;

/**
 * Starts the check of the tree at `outdir` on a worker thread, when the tree has a manifest of at least
 * `minManifestBytes` and the worker can run; otherwise undefined (the writer checks as always).
 */
export function startTreeCheck(outdir: string, minManifestBytes = MIN_MANIFEST_BYTES): TreeCheck | undefined {
  let root: string;
  try {
    root = fs.realpathSync(outdir);
    const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
    if (!manifest?.isFile() || manifest.size < minManifestBytes) return undefined;
  } catch {
    return undefined;
  }
  const script = workerScript(__dirname, 'tree-check-worker');
  if (script === undefined) return undefined;
  try {
    return new WorkerTreeCheck(script, root);
  } catch {
    return undefined;
  }
}

/** The shared control words of the check's worker (indices into its Int32Array). */
export const Control = {
  /** Becomes 1 when the worker has posted its result. */
  POSTED: 0,
  /** Set by the main thread: 1 to take part in the last look at the files, 2 to stop. */
  COMMAND: 1,
  /** The index of the next file to look at: a thread takes `CHUNK` files by adding `CHUNK` to it. */
  NEXT: 2,
  /** Set to 1 by whichever thread finds a file changed (or fails, or is told to stop): both stop taking chunks. */
  CHANGED: 3,
  /** Set to 1 by the worker when it takes no more chunks. */
  DONE: 4,
} as const;

/** Files per chunk of the shared last look (a few milliseconds of `lstat`s). */
const CHUNK = 256;

/**
 * Takes chunks of `count` files from the shared cursor until none is left or a thread found a change; a chunk
 * that `same` finds changed (or that throws) stops both threads.
 */
export function takeChunks(control: Int32Array, count: number, same: (from: number, to: number) => boolean): void {
  while (Atomics.load(control, Control.CHANGED) === 0) {
    const from = Atomics.add(control, Control.NEXT, CHUNK);
    if (from >= count) return;
    let unchanged = false;
    try {
      unchanged = same(from, Math.min(from + CHUNK, count));
    } finally {
      if (!unchanged) Atomics.store(control, Control.CHANGED, 1);
    }
    if (!unchanged) return;
  }
}

class WorkerTreeCheck implements TreeCheck {
  private readonly worker: Worker;
  private readonly life: WorkerLife;
  private readonly port: MessagePort;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 5));

  public constructor(script: WorkerScript, root: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    // (a worker that fails or dies wakes the waits on `control`: the writer then checks by itself at once)
    const workerData = { root, port: channel.port2, control: this.control };
    ({ worker: this.worker, life: this.life } = startWorker({ script }, workerData, [channel.port2], this.control));
  }

  public lookAgain(): void {
    // (Not after `cancel`, which set 2.)
    if (Atomics.compareExchange(this.control, Control.COMMAND, 0, 1) === 0) Atomics.notify(this.control, Control.COMMAND);
  }

  public finish(): VouchedTree | undefined {
    const c = this.control;
    if (!this.life.waitFor(c, Control.POSTED, WAIT_MS)) return undefined;
    const tree = vouchedTreeOf(receiveMessageOnPort(this.port)?.message);
    if (tree === undefined) return undefined;
    const otherPart: OtherPart = {
      start: () => {
        Atomics.store(c, Control.COMMAND, 1);
        Atomics.notify(c, Control.COMMAND);
      },
      share: (count, same) => {
        takeChunks(c, count, same);
        // The worker stops after the chunk it holds: its verdict is in CHANGED once it says it is done.
        return this.life.waitFor(c, Control.DONE, WAIT_MS) && Atomics.load(c, Control.CHANGED) === 0;
      },
      abandon: () => Atomics.store(c, Control.CHANGED, 1),
    };
    return { ...tree, otherPart };
  }

  public cancel(): void {
    Atomics.store(this.control, Control.CHANGED, 1);
    Atomics.store(this.control, Control.COMMAND, 2);
    Atomics.notify(this.control, Control.COMMAND);
    void this.worker.terminate();
    this.port.close();
  }
}

/** What the worker posted, checked for shape (it is ours, but a failed worker posts nothing useful). */
function vouchedTreeOf(m: any): VouchedTree | undefined {
  if (typeof m?.digest !== 'string' || !Array.isArray(m.state) || !m.state.every((v: unknown) => typeof v === 'number')) return undefined;
  if (!types.isFloat64Array(m.stats) || !types.isFloat64Array(m.directoryStats)) return undefined; // (from another realm: no instanceof)
  if (!Array.isArray(m.directories) || !m.directories.every((d: unknown) => typeof d === 'string')) return undefined;
  const [files, directories] = [m.stats.length / 4, m.directories.length];
  if (m.directoryStats.length !== directories * 4) return undefined;
  const plan = m.plan === undefined ? undefined : lookPlanOf(m.plan, files, directories);
  if (m.plan !== undefined && plan === undefined) return undefined;
  if (m.refresh !== undefined && !(types.isFloat64Array(m.refresh) && m.refresh.length === directories * 4)) return undefined;
  return { digest: m.digest, state: m.state, stats: m.stats, directories: m.directories, directoryStats: m.directoryStats, plan, refresh: m.refresh };
}

/** The stat of the manifest and the stat cache, or undefined when either is not a regular file. */
function stateStat(root: string): number[] | undefined {
  try {
    const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
    const cache = fs.lstatSync(`${root}/${STAT_CACHE}`, { throwIfNoEntry: false });
    if (!manifest?.isFile() || !cache?.isFile()) return undefined;
    return [...statRecord(manifest), ...statRecord(cache)];
  } catch {
    return undefined;
  }
}
