import { createHash } from 'crypto';
import * as fs from 'fs';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { TreeInspector } from './tree-inspector';
import { COMMIT_MARKER, JOURNAL, MANIFEST, NEXT_MANIFEST, readManifest, STAGING, STAT_CACHE, STATE_DIR, StatCache, statRecord } from './tree-state';
import { compareCodeUnits } from '../private/util';
import { workerScript } from '../private/worker-script';

/**
 * The write step's check of a tree nothing has touched, done on a worker thread while the program renders.
 *
 * A re-synth that changes nothing spends most of its write step proving that: reading the stat cache and the
 * manifest and `lstat`ing every managed file (60,000 of them in the benchmark fleet). None of that depends
 * on what the program renders, so `startTreeCheck` runs it beside the render on the second core. It
 * concludes only this: the manifest is the one the writer wrote (vouched for by the stat cache), the state
 * directory holds no interrupted write, and every file the manifest lists is a regular file, reached without a
 * link, with exactly the stat recorded when the writer last wrote or read it (git's rule, `StatCache`). The
 * result is the digest of the manifest's paths and hashes; the writer then needs only to compare it with the
 * digest of the files to write (`vouchedNoop`). Anything else (a file edited, added by hand or removed, a
 * changed manifest, a state file touched since the check) makes the writer do its full check.
 *
 * An edit made while the program renders, after the worker looked at that file, is seen by the next synth
 * (the file's stat no longer matches the cache, which a no-op does not rewrite), as an edit made just after a
 * synth would be.
 */
export interface VouchedTree {
  /** `entriesDigest` of the manifest's entries. */
  readonly digest: string;
  /** The stat of the manifest and the stat cache before they were read: the check holds while they are unchanged. */
  readonly state: readonly number[];
}

/** The check itself (on whichever thread): the vouched tree, or undefined when the writer must look closer. */
export function checkVouchedTree(root: string): VouchedTree | undefined {
  const state = stateStat(root);
  if (state === undefined) return undefined;
  const inspector = new TreeInspector(root);
  // No interrupted or half-cleaned write: the state directory is a directory holding no journal and no staging.
  if (inspector.lookup(STATE_DIR).type !== 'directory') return undefined;
  for (const rel of [JOURNAL, COMMIT_MARKER, NEXT_MANIFEST, STAGING]) if (inspector.lookup(rel).type !== 'absent') return undefined;
  const statCache = StatCache.read(root);
  if (!statCache.manifestVouched) return undefined;
  const files = readManifest(root, true).files;
  const paths = Object.keys(files).sort(compareCodeUnits);
  for (const rel of paths) {
    const at = inspector.lookupWithStat(rel);
    if (at.blockedAt !== undefined || at.type !== 'file' || !statCache.vouchesFor(rel, at.stat!)) return undefined;
  }
  return { digest: entriesDigest(paths.length, i => paths[i], i => files[paths[i]]), state };
}

/**
 * Whether writing `files` (sorted by path in code units) leaves the vouched tree exactly as it is: the same
 * paths with the same hashes, and neither the manifest nor the stat cache changed since the check.
 */
export function vouchedNoop(
  root: string, vouched: VouchedTree, files: readonly { readonly path: string; readonly content: string; readonly hash?: string }[],
): boolean {
  const now = stateStat(root);
  if (now === undefined || now.length !== vouched.state.length || now.some((v, i) => v !== vouched.state[i])) return false;
  const digest = entriesDigest(files.length, i => files[i].path, i => files[i].hash ?? createHash('sha256').update(files[i].content).digest('hex'));
  return digest === vouched.digest;
}

/** sha256 of a tree's entries, each path JSON-quoted with its hash, in the given (sorted) order. */
function entriesDigest(count: number, pathOf: (i: number) => string, hashOf: (i: number) => unknown): string {
  const hash = createHash('sha256');
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(pathOf(i))} ${JSON.stringify(hashOf(i))}\n`;
    if (chunk.length > 65_536) {
      hash.update(chunk);
      chunk = '';
    }
  }
  return hash.update(chunk).digest('hex');
}

/** The check running on a worker thread. */
export interface TreeCheck {
  /** Its result (waiting for it); undefined when it concluded nothing, failed, or made no progress. */
  finish(): VouchedTree | undefined;
  /** Stops it (the render failed). */
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
    return new WorkerTreeCheck(script.file, script.execArgv, root);
  } catch {
    return undefined;
  }
}

class WorkerTreeCheck implements TreeCheck {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  /** [0] becomes 1 when the worker has posted its result. */
  private readonly done = new Int32Array(new SharedArrayBuffer(4));

  public constructor(file: string, execArgv: string[], root: string) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.worker = new Worker(file, { execArgv, workerData: { root, port: channel.port2, done: this.done }, transferList: [channel.port2] });
    this.worker.unref();
  }

  public finish(): VouchedTree | undefined {
    try {
      if (Atomics.wait(this.done, 0, 0, WAIT_MS) === 'timed-out') return undefined;
      return vouchedTreeOf(receiveMessageOnPort(this.port)?.message);
    } finally {
      this.cancel();
    }
  }

  public cancel(): void {
    void this.worker.terminate();
    this.port.close();
  }
}

/** What the worker posted, checked for shape (it is ours, but a failed worker posts nothing useful). */
function vouchedTreeOf(m: any): VouchedTree | undefined {
  if (typeof m?.digest !== 'string' || !Array.isArray(m.state) || !m.state.every((v: unknown) => typeof v === 'number')) return undefined;
  return { digest: m.digest, state: m.state };
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
