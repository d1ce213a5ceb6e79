import * as fs from 'fs';
import { MessageChannel, receiveMessageOnPort } from 'worker_threads';
import { createFileExclusive } from './tree-inspector';
import { startWorker, StartedWorker } from '../private/worker-script';

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
  /** From this many files to write (or to link) on, a helper thread does about half of them. */
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

/** Below this many files to write (or to link), a helper thread costs more than it saves. */
export const DEFAULT_HELPER_THRESHOLD = 4000;

/**
 * At most this many bytes of content are handed to the helper thread: the helper receives a copy, so on a
 * 600k-object first synth half the contents would otherwise be held twice at once.
 */
export const HELPER_CONTENT_BYTES = 64 * 1024 * 1024;

/**
 * Creates new files (their directories included). Each distinct content is written once; with `linkIdentical`
 * every other file with the same bytes becomes a hard link to that first copy (or, where the file system refuses
 * hard links, a copy of it).
 *
 * Creating tens of thousands of small files is dominated by the file system's directory and file operations
 * (mkdir, create, write, link), which run in parallel on separate directories. Past `helperThreshold`, a helper
 * thread (plain JavaScript, started with `eval`, so it needs no loader) writes the second half of the distinct
 * contents while this thread writes the first half (up to `HELPER_CONTENT_BYTES` of them), then, once every
 * content exists, another makes the second half of the links. Each half ends at a directory boundary, so that each
 * directory is filled by one thread. The call stays synchronous: it waits for a helper with `Atomics.wait`, and
 * always waits for it before returning or throwing, so no file is created after the call ends.
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
  const writes: number[] = []; // the first file of each content
  const links: string[] = []; // target, source, target, source …
  for (let i = 0; i < files.length; i++) {
    const f = files[i];
    const first = options.linkIdentical ? firstWithHash.get(f.hash) : undefined;
    if (first !== undefined) {
      links.push(root + f.path, root + files[first].path);
      linked[i] = 1;
      firstOf[i] = first;
      continue;
    }
    writes.push(i);
    if (options.linkIdentical) firstWithHash.set(f.hash, i);
  }
  let halfwayCalled = false;
  const halfway = () => {
    if (!halfwayCalled) options.halfway?.();
    halfwayCalled = true;
  };
  const helperThreshold = options.helperThreshold ?? DEFAULT_HELPER_THRESHOLD;

  // 1. Every distinct content (halfway is then in the middle of this thread's part when nothing is linked).
  let split = writes.length >= helperThreshold ? helperWriteSplit(files, writes) : writes.length;
  split = atDirectoryBoundary(split, writes.length, k => root + files[writes[k]].path);
  const writeHelper = split < writes.length
    ? startHelper({ writes: writes.slice(split).flatMap(i => [root + files[i].path, files[i].content]), links: [] })
    : undefined;
  try {
    for (let k = 0; k < split; k++) {
      const target = root + files[writes[k]].path;
      mkdirFor(target);
      // Exclusive: the writer checked that nothing is there, and never writes through a link that appeared since.
      createFileExclusive(target, files[writes[k]].content);
      if (links.length === 0 && k === Math.floor(split / 2)) halfway();
    }
  } finally {
    writeHelper?.wait();
  }

  // 2. The links, each to a content that now exists.
  const count = links.length / 2;
  const linkSplit = atDirectoryBoundary(count >= helperThreshold ? Math.floor(count / 2) : count, count, k => links[2 * k]);
  const linkHelper = linkSplit < count ? startHelper({ writes: [], links: links.slice(2 * linkSplit) }) : undefined;
  try {
    makeLinks(links.slice(0, 2 * linkSplit), mkdirFor, halfway);
    options.meanwhile?.({ linked, firstOf });
  } finally {
    linkHelper?.wait();
  }
  halfway();
  return { linked, firstOf };
}

/**
 * Where this thread's part of the distinct contents ends: the middle, or later when the second half's contents
 * would exceed `HELPER_CONTENT_BYTES` (counted in UTF-16 code units, the copy's size).
 */
export function helperWriteSplit(files: readonly NewFile[], writes: readonly number[], cap = HELPER_CONTENT_BYTES): number {
  let split = writes.length;
  let bytes = 0;
  while (split > Math.ceil(writes.length / 2)) {
    bytes += 2 * files[writes[split - 1]].content.length;
    if (bytes > cap) break;
    split--;
  }
  return split;
}

/** `split` moved forward to the first item (of `count`) in another directory than the item before it. */
function atDirectoryBoundary(split: number, count: number, targetOf: (k: number) => string): number {
  while (split > 0 && split < count && dirOf(targetOf(split)) === dirOf(targetOf(split - 1))) split++;
  return split;
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

// The helper thread: the same loops as above, in plain JavaScript.
const HELPER_SOURCE = `
const fs = require('fs');
const { workerData } = require('worker_threads');
const { writes, links, port, done } = workerData;
let error;
let lastDir;
const mkdirFor = (target) => {
  const dir = target.slice(0, target.lastIndexOf('/'));
  if (dir !== lastDir) { fs.mkdirSync(dir, { recursive: true }); lastDir = dir; }
};
let target;
try {
  for (let i = 0; i < writes.length; i += 2) {
    target = writes[i];
    mkdirFor(target);
    fs.writeFileSync(target, writes[i + 1], { flag: 'wx' });
    if ((i & 511) === 0) Atomics.store(done, 1, i);
  }
  for (let i = 0; i < links.length; i += 2) {
    target = links[i];
    mkdirFor(target);
    try { fs.linkSync(links[i + 1], target); } catch (e) { if (e.code === 'EEXIST') throw e; fs.copyFileSync(links[i + 1], target); }
    if ((i & 511) === 0) Atomics.store(done, 1, writes.length + i);
  }
} catch (e) {
  error = { message: String((e && e.message) || e), code: e && e.code, path: (e && e.path) || target, dest: e && e.dest, syscall: e && e.syscall };
}
port.postMessage({ error });
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

/** What a helper thread does: `writes` (target, content, …) exclusively, then `links` (target, source, …). */
interface HelperWork {
  readonly writes: string[];
  readonly links: string[];
}

function startHelper(work: HelperWork): { wait(): void } {
  const channel = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(8)); // [finished, progress]
  let started: StartedWorker;
  try {
    const workerData = { writes: work.writes, links: work.links, port: channel.port2, done };
    started = startWorker({ source: HELPER_SOURCE }, workerData, [channel.port2], done);
  } catch {
    // No threads here: do the work on this thread.
    return {
      wait: () => {
        const mkdirFor = (target: string) => fs.mkdirSync(dirOf(target), { recursive: true });
        for (let i = 0; i < work.writes.length; i += 2) {
          mkdirFor(work.writes[i]);
          createFileExclusive(work.writes[i], work.writes[i + 1]);
        }
        makeLinks(work.links, mkdirFor);
      },
    };
  }
  const { worker, life } = started;
  return {
    wait: () => {
      let message: { error?: { message: string; code?: string; path?: string; dest?: string; syscall?: string } } | undefined;
      let progress = -1;
      let idle = 0;
      for (;;) {
        const ended = life.ended; // (read before the message: a helper posts before it exits)
        if ((message = receiveMessageOnPort(channel.port1)?.message)) break;
        if (ended !== undefined) {
          channel.port1.close();
          throw new Error(`the file-creating helper thread ${ended}`);
        }
        // (the helper's life wakes this wait when it ends)
        if (Atomics.wait(done, 0, 0, 1000) !== 'timed-out') continue;
        // A thread that lives but does nothing: give up after a long stall.
        const now = Atomics.load(done, 1);
        idle = now === progress ? idle + 1 : 0;
        progress = now;
        if (idle >= STALL_SECONDS) {
          void worker.terminate();
          throw new Error(`the file-creating helper thread made no progress for ${STALL_SECONDS}s (a thread that runs out of memory stops without a word)`);
        }
      }
      channel.port1.close();
      void worker.terminate();
      // The helper's error as the file-system error it was, so that the writer can say which path and why.
      if (message.error) throw Object.assign(new Error(message.error.message), message.error);
    },
  };
}
