import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Worker } from 'worker_threads';

/** How to start one of the library's worker threads. */
export interface WorkerScript {
  readonly file: string;
  readonly execArgv: string[];
}

/**
 * The script of a worker thread that lives beside the calling module (`dir` is its `__dirname`): the compiled
 * `<name>.js`, or, running from TypeScript sources (tests, ts-node), `<name>.ts` with ts-node's transpiler.
 * Undefined when neither can run: the caller then does the work on its own thread.
 */
export function workerScript(dir: string, name: string): WorkerScript | undefined {
  const js = path.join(dir, `${name}.js`);
  if (fs.existsSync(js)) return { file: js, execArgv: [] };
  const ts = path.join(dir, `${name}.ts`);
  if (!fs.existsSync(ts)) return undefined;
  try {
    return { file: ts, execArgv: ['-r', require.resolve('ts-node/register/transpile-only')] };
  } catch {
    return undefined;
  }
}

/** What a worker thread started by `startWorker` is doing, as its life word says (in this order). */
export const Life = {
  /** Its script is being loaded. */
  LOADING: 0,
  /** Its script has loaded (and registered whatever it listens to). */
  RUNNING: 1,
  /** Its script threw while loading: the thread ran none of it after that. */
  FAILED: 2,
  /** The thread is exiting (its work done, terminated, or stopped by an uncaught exception). */
  EXITED: 3,
} as const;
export type Life = typeof Life[keyof typeof Life];

/** Bytes of the life word's buffer kept for the message of the error that ended the thread (after 3 words). */
const MESSAGE_BYTES = 1024;

/**
 * What runs first on the thread: it loads the script (or runs the source that follows it) and says on shared words
 * when the script has loaded, when it failed to, and when the thread exits (process 'exit' also runs after an
 * uncaught exception, whose message 'uncaughtExceptionMonitor' records), with the exit code, then wakes whoever
 * waits on any word of `wake`. A thread blocked in `Atomics.wait` runs no event loop and would never see the
 * Worker's 'error' or 'exit' events: without this, a thread that died was only noticed when a long wait gave up.
 * A thread stopped for running out of memory runs no code at all: that one is still noticed only then.
 * Words: [0] the state, [1] the length of the message (bytes from 12), [2] the exit code.
 */
const PROLOGUE = `'use strict';
const __life = require('worker_threads').workerData.__life;
const __lifeWords = new Int32Array(__life.buffer, 0, 3);
const __lifeRecord = (error) => {
  if (Atomics.load(__lifeWords, 1) !== 0) return;
  let text = 'an uncaught exception';
  try { text = String(error && error.message !== undefined ? error.message : error); } catch {}
  const { written } = new TextEncoder().encodeInto(text, new Uint8Array(__life.buffer, 12, ${MESSAGE_BYTES}));
  Atomics.store(__lifeWords, 1, written);
};
const __lifeSet = (state) => {
  if (Atomics.load(__lifeWords, 0) < ${Life.FAILED}) Atomics.store(__lifeWords, 0, state);
  Atomics.notify(__lifeWords, 0);
  if (__life.wake) for (let i = 0; i < __life.wake.length; i++) Atomics.notify(__life.wake, i);
};
process.on('uncaughtExceptionMonitor', __lifeRecord);
process.on('exit', (code) => {
  Atomics.store(__lifeWords, 2, code);
  __lifeSet(${Life.EXITED});
});
`;

const LOAD_SCRIPT = `${PROLOGUE}
try {
  require(__life.script);
} catch (e) {
  __lifeRecord(e);
  __lifeSet(${Life.FAILED});
  throw e;
}
if (Atomics.compareExchange(__lifeWords, 0, ${Life.LOADING}, ${Life.RUNNING}) === ${Life.LOADING}) Atomics.notify(__lifeWords, 0);
`;

/** A worker thread's life words, read by the thread that started it (which may be blocked in `Atomics.wait`). */
export class WorkerLife {
  private readonly words: Int32Array;

  public constructor(private readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 3);
  }

  public get state(): Life {
    return Atomics.load(this.words, 0) as Life;
  }

  /**
   * Why the thread ended ('failed to load: …', 'stopped: …' after an uncaught exception, 'exited with code N',
   * 'exited'), or undefined while it lives.
   */
  public get ended(): string | undefined {
    const state = this.state;
    if (state < Life.FAILED) return undefined;
    const length = Atomics.load(this.words, 1);
    // (the bytes are copied: TextDecoder takes no view of shared memory)
    const message = length === 0 ? undefined : new TextDecoder().decode(new Uint8Array(this.buffer, 12, length).slice());
    if (state === Life.FAILED) return `failed to load: ${message ?? 'unknown error'}`;
    const code = Atomics.load(this.words, 2);
    if (code === 0) return 'exited';
    return message === undefined ? `exited with code ${code}` : `stopped: ${message}`;
  }

  /**
   * Waits (blocking) until `words[index]` is not 0, the thread has ended, or `ms` milliseconds have passed: whether
   * the word is not 0. The thread's ending wakes the wait when `words` is among those `startWorker` was told to wake.
   */
  public waitFor(words: Int32Array, index: number, ms: number): boolean {
    const deadline = performance.now() + ms;
    for (;;) {
      if (Atomics.load(words, index) !== 0) return true;
      if (this.state >= Life.FAILED) return Atomics.load(words, index) !== 0;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(words, index, 0, Math.min(left, 1000));
    }
  }
}

/** A worker thread and its life word. */
export interface StartedWorker {
  readonly worker: Worker;
  readonly life: WorkerLife;
}

/** Where a worker's code comes from: a script file (`workerScript`), or source to run as it is (`eval`). */
export interface WorkerCode {
  readonly script?: WorkerScript;
  readonly source?: string;
}

/**
 * Starts a worker thread on `code` with `workerData` (which gains the key `__life`), unref'd.
 * Its life word says when it has loaded, failed to load or exited; each word of `wake` (the words the caller
 * waits on) is woken when it fails or exits, so that a wait on them ends then, not at its timeout. Throws what
 * `new Worker` throws.
 */
export function startWorker(code: WorkerCode, workerData: Record<string, unknown>, transferList: any[], wake?: Int32Array): StartedWorker {
  const buffer = new SharedArrayBuffer(12 + MESSAGE_BYTES);
  const source = code.source === undefined ? LOAD_SCRIPT : `${PROLOGUE}\n${code.source}`;
  const worker = new Worker(source, {
    eval: true,
    execArgv: code.script?.execArgv ?? [],
    workerData: { ...workerData, __life: { buffer, wake, script: code.script?.file } },
    transferList,
  });
  worker.unref();
  // Its failure is read from the life word. Unheard, the 'error' event it also emits (when this thread's event loop
  // runs again, after the synchronous call that started it) would be thrown as an uncaught exception.
  worker.on('error', () => undefined);
  return { worker, life: new WorkerLife(buffer) };
}
