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

/** Bytes of the life word's buffer kept for the message of the error that ended the thread. */
const MESSAGE_BYTES = 1024;

/**
 * What runs first on the thread: it loads the script (or runs the source that follows it) and says on a shared
 * word when the script has loaded, when it failed to, and when the thread exits (process 'exit' also runs after an
 * uncaught exception), with that exception's message, then wakes whoever waits on any word of `wake`. A thread
 * blocked in `Atomics.wait` runs no event loop and would never see the Worker's 'error' or 'exit' events: without
 * this, a thread that died was only noticed when a long wait gave up.
 */
const PROLOGUE = `'use strict';
const { workerData: __lifeData } = require('worker_threads');
const __life = new Int32Array(__lifeData.life, 0, 2);
const __lifeWake = __lifeData.wake;
const __lifeSay = (state, error) => {
  if (error !== undefined && Atomics.load(__life, 1) === 0) {
    let text = 'an uncaught exception';
    try { text = String(error && error.message !== undefined ? error.message : error); } catch {}
    const { written } = new TextEncoder().encodeInto(text, new Uint8Array(__lifeData.life, 8, ${MESSAGE_BYTES}));
    Atomics.store(__life, 1, written);
  }
  if (Atomics.load(__life, 0) < ${Life.FAILED}) Atomics.store(__life, 0, state);
  Atomics.notify(__life, 0);
  if (__lifeWake) for (let i = 0; i < __lifeWake.length; i++) Atomics.notify(__lifeWake, i);
};
process.on('uncaughtExceptionMonitor', (e) => __lifeSay(${Life.EXITED}, e));
process.on('exit', () => __lifeSay(${Life.EXITED}));
`;

const LOAD_SCRIPT = `${PROLOGUE}
try {
  require(__lifeData.script);
} catch (e) {
  __lifeSay(${Life.FAILED}, e);
  throw e;
}
if (Atomics.compareExchange(__life, 0, ${Life.LOADING}, ${Life.RUNNING}) === ${Life.LOADING}) Atomics.notify(__life, 0);
`;

/** A worker thread's life word, read by the thread that started it (which may be blocked in `Atomics.wait`). */
export class WorkerLife {
  private readonly words: Int32Array;

  public constructor(private readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, 2);
  }

  public get state(): Life {
    return Atomics.load(this.words, 0) as Life;
  }

  /** Why the thread ended ('failed to load: …', 'stopped: …', 'exited'), or undefined while it lives. */
  public get ended(): string | undefined {
    const state = this.state;
    if (state < Life.FAILED) return undefined;
    const length = Atomics.load(this.words, 1);
    // (the bytes are copied: TextDecoder takes no view of shared memory)
    const message = length === 0 ? undefined : new TextDecoder().decode(new Uint8Array(this.buffer, 8, length).slice());
    if (state === Life.FAILED) return `failed to load: ${message ?? 'unknown error'}`;
    return message === undefined ? 'exited' : `stopped: ${message}`;
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
 * Starts a worker thread on `code` with `workerData` (which gains the keys `life`, `wake` and `script`), unref'd.
 * Its life word says when it has loaded, failed to load or exited; each word of `wake` (the words the caller
 * waits on) is woken when it fails or exits, so that a wait on them ends then, not at its timeout. Throws what
 * `new Worker` throws.
 */
export function startWorker(code: WorkerCode, workerData: Record<string, unknown>, transferList: any[], wake?: Int32Array): StartedWorker {
  const buffer = new SharedArrayBuffer(8 + MESSAGE_BYTES);
  const source = code.source === undefined ? LOAD_SCRIPT : `${PROLOGUE}\n${code.source}`;
  const worker = new Worker(source, {
    eval: true,
    execArgv: code.script?.execArgv ?? [],
    workerData: { ...workerData, life: buffer, wake, script: code.script?.file },
    transferList,
  });
  worker.unref();
  // Its failure is read from the life word. Unheard, the 'error' event it also emits (when this thread's event loop
  // runs again, after the synchronous call that started it) would be thrown as an uncaught exception.
  worker.on('error', () => undefined);
  return { worker, life: new WorkerLife(buffer) };
}
