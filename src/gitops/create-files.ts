import * as fs from 'fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'worker_threads';
import { createFileExclusive } from './tree-inspector';

/** One new file: its tree-relative path, bytes and sha256. */
export interface NewFile {
  readonly path: string;
  readonly content: string;
  readonly hash: string;
}

/** Options for `createFiles`. */
export interface CreateFilesOptions {
  /** Create a file whose bytes equal an earlier one's as a hard link to it. */
  readonly linkIdentical: boolean;
  /** From this many links on, a helper thread makes half of them. */
  readonly helperThreshold?: number;
  /** Called once, about halfway (test seam). */
  readonly halfway?: () => void;
  /**
   * Work for this thread while the helper thread finishes its links (called once, after every distinct content
   * is written, whether or not a helper runs). It receives which files are, or will be, links.
   */
  readonly meanwhile?: (created: CreatedFiles) => void;
}

/** What `createFiles` did, by index of the files it was given. */
export interface CreatedFiles {
  /** Whether the file was made from an earlier one (a hard link, or a copy where links are refused). */
  readonly linked: Uint8Array;
  /** For a linked file, the index of the file it was made from. */
  readonly firstOf: Int32Array;
}

const STALL_SECONDS = 120;

/** Below this many links, a helper thread costs more than it saves. */
export const DEFAULT_HELPER_THRESHOLD = 4000;

/**
 * Creates new files (their directories included). Each distinct content is written once; with `linkIdentical`
 * every other file with the same bytes becomes a hard link to that first copy (or, where the file system refuses
 * hard links, a copy of it).
 *
 * Creating tens of thousands of small files is dominated by the file system's directory operations (mkdir,
 * link), which run in parallel on separate directories. Once the distinct contents are written, a helper thread
 * (plain JavaScript, started with `eval`, so it needs no loader) makes the second half of the links while this
 * thread makes the first half. The call stays synchronous: it waits for the helper with `Atomics.wait`.
 */
export function createFiles(root: string, files: readonly NewFile[], options: CreateFilesOptions): CreatedFiles {
  const made = new Set<string>();
  const mkdirFor = (target: string) => {
    const dir = target.slice(0, target.lastIndexOf('/'));
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
  };
  const firstWithHash = new Map<string, number>();
  const linked = new Uint8Array(files.length);
  const firstOf = new Int32Array(files.length).fill(-1);
  const links: string[] = []; // target, source, target, source …
  let halfwayCalled = false;
  const halfway = () => {
    if (!halfwayCalled) options.halfway?.();
    halfwayCalled = true;
  };
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const first = options.linkIdentical ? firstWithHash.get(f.hash) : undefined;
    if (first !== undefined) {
      links.push(root + f.path, root + files[first].path);
      linked[i] = 1;
      firstOf[i] = first;
      continue;
    }
    const target = root + f.path;
    mkdirFor(target);
    // Exclusive: the writer checked that nothing is there, and never writes through a link that appeared since.
    createFileExclusive(target, f.content);
    if (options.linkIdentical) firstWithHash.set(f.hash, i);
    if (links.length === 0 && i === Math.floor(files.length / 2)) halfway();
  }
  const count = links.length / 2;
  const helperThreshold = options.helperThreshold ?? DEFAULT_HELPER_THRESHOLD;
  // Split at a directory boundary near the middle, so that each directory is made by one thread.
  let split = count >= helperThreshold ? Math.floor(count / 2) : count;
  while (split > 0 && split < count && dirOf(links[2 * split]) === dirOf(links[2 * split - 2])) split++;
  const helper = split < count ? startHelper(links.slice(2 * split)) : undefined;
  try {
    makeLinks(links.slice(0, 2 * split), mkdirFor, halfway);
    options.meanwhile?.({ linked, firstOf });
  } finally {
    helper?.wait();
  }
  halfway();
  return { linked, firstOf };
}

/** Makes each link of `links` (target, source, …), its directory first; `half` is called halfway. */
function makeLinks(links: readonly string[], mkdirFor: (target: string) => void, half?: () => void) {
  const count = links.length / 2;
  for (let i = 0; i < count; i++) {
    mkdirFor(links[2 * i]);
    linkOrCopy(links[2 * i + 1], links[2 * i]);
    if (i === Math.floor(count / 2)) half?.();
  }
}

function dirOf(target: string): string {
  return target.slice(0, target.lastIndexOf('/'));
}

function linkOrCopy(source: string, target: string) {
  try {
    fs.linkSync(source, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw e;
    fs.copyFileSync(source, target);
  }
}

// The helper thread: the same loop as above, in plain JavaScript.
const HELPER_SOURCE = `
const fs = require('fs');
const { workerData } = require('worker_threads');
const { links, port, done } = workerData;
let error;
try {
  let lastDir;
  for (let i = 0; i < links.length; i += 2) {
    const target = links[i];
    const dir = target.slice(0, target.lastIndexOf('/'));
    if (dir !== lastDir) { fs.mkdirSync(dir, { recursive: true }); lastDir = dir; }
    try { fs.linkSync(links[i + 1], target); } catch (e) { if (e.code === 'EEXIST') throw e; fs.copyFileSync(links[i + 1], target); }
    if ((i & 511) === 0) Atomics.store(done, 1, i);
  }
} catch (e) {
  error = { message: String((e && e.message) || e), code: e && e.code, path: e && e.path, dest: e && e.dest, syscall: e && e.syscall };
}
port.postMessage({ error });
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

function startHelper(links: string[]): { wait(): void } {
  const channel = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8)); // [finished, progress]
  let worker: Worker;
  try {
    worker = new Worker(HELPER_SOURCE, { eval: true, execArgv: [], workerData: { links, port: channel.port2, done }, transferList: [channel.port2] });
  } catch {
    // No threads here: make the links on this thread.
    return { wait: () => makeLinks(links, target => fs.mkdirSync(dirOf(target), { recursive: true })) };
  }
  worker.unref();
  return {
    wait: () => {
      let message: { error?: { message: string; code?: string; path?: string; dest?: string; syscall?: string } } | undefined;
      let progress = -1;
      let idle = 0;
      while (!(message = receiveMessageOnPort(channel.port1)?.message)) {
        if (Atomics.wait(done, 0, 0, 1000) !== 'timed-out') continue;
        // A thread that dies cannot say so while this one blocks its event loop: give up after a long stall.
        const now = Atomics.load(done, 1);
        idle = now === progress ? idle + 1 : 0;
        progress = now;
        if (idle >= STALL_SECONDS) {
          void worker.terminate();
          throw new Error(`the file-creating helper thread made no progress for ${STALL_SECONDS}s`);
        }
      }
      channel.port1.close();
      void worker.terminate();
      // The helper's error as the file-system error it was, so that the writer can say which path and why.
      if (message.error) throw Object.assign(new Error(message.error.message), message.error);
    },
  };
}
