import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { jsonDataCheck, processKeyed, processObject, ProcessedObject, ProcessOptions } from './process-object';
import { verdictKey } from './verdict-cache';
import { Placement } from '../private/placement';
import { Life, startWorker, WorkerLife, workerScript, WorkerScript } from '../private/worker-script';

/**
 * Processes rendered objects (validation, secret scan, YAML) either inline or on a worker thread.
 *
 * Turning constructs into JSON must happen on the main thread, where the construct tree lives; everything
 * after that does not. On a fleet-sized tree a worker does that second half while the main thread is still
 * walking, which uses both cores. The API stays synchronous (cdk8s `synth()` is): the main thread waits for the
 * worker's last batches with `Atomics.wait` and reads them with `receiveMessageOnPort`. On a re-synth, objects
 * the validated-content cache knows clean need no second half (their YAML is made only if read): the main thread
 * answers them itself, and the worker gets only the rest (`WorkerPipeline`).
 *
 * Both ways give the same answer for the same object: the worker runs the same `processObject` on the
 * object's JSON text (`processKeyed` when the main thread has keyed it), and an object that JSON would change
 * (NaN or Infinity would arrive as null, an undefined property would vanish) is processed on the main thread
 * instead, where `processObject` reports it.
 */
export interface ObjectPipeline {
  /** Queues one object; results come back in submission order from `finish()`. */
  submit(json: any, role: Placement['role']): void;
  /** Waits for everything submitted and returns the results in submission order. */
  finish(): ProcessedObject[];
}

/** Objects below this count are processed inline: starting a worker costs more than it saves. */
export const DEFAULT_WORKER_THRESHOLD = 4000;

/** A pipeline for about `expected` objects. */
export function createPipeline(options: ProcessOptions, expected: number, threshold = DEFAULT_WORKER_THRESHOLD): ObjectPipeline {
  if (expected >= threshold) {
    const worker = WorkerPipeline.tryCreate(options);
    if (worker) return worker;
  }
  return new InlinePipeline(options);
}

class InlinePipeline implements ObjectPipeline {
  private readonly results: ProcessedObject[] = [];
  private readonly memo = new Map<string, ProcessedObject>();
  public constructor(private readonly options: ProcessOptions) {}
  public submit(json: any, role: Placement['role']): void {
    this.results.push(processObject(json, role, this.options, undefined, this.memo));
  }
  public finish(): ProcessedObject[] {
    return this.results;
  }
}

const BATCH = 200;
const STALL_MS = 120_000;

/** One object for the worker: submission index, JSON text, role, and its verdict key and cache verdict if keyed. */
type Item = [number, string, Placement['role'], string?, boolean?];

/**
 * With the validated-content cache in use and holding keys, the main thread keys every object (one hash of the
 * JSON text it makes anyway) and answers those the cache knows clean with their recorded YAML hash itself: a
 * lookup, where sending them to the worker and back costs more than it saves. Only the rest go to the worker,
 * which starts when a batch of them is full; fewer than that are processed here at `finish()`.
 */
class WorkerPipeline implements ObjectPipeline {
  public static tryCreate(options: ProcessOptions): WorkerPipeline | undefined {
    const script = workerScript(__dirname, 'object-worker');
    return script && new WorkerPipeline(script, options);
  }

  private worker?: Worker;
  private life?: WorkerLife;
  private port?: MessagePort;
  private readonly counter = new Int32Array(new SharedArrayBuffer(4));
  /** Results by submission index. */
  private readonly results: ProcessedObject[] = [];
  /** Whether this thread keys objects (the cache knows some). */
  private readonly keyed: boolean;
  /** Results made on this thread, by verdict key: equal objects share one (and serialize once, if read). */
  private readonly memo = new Map<string, ProcessedObject>();
  private batch: Item[] = [];
  /**
   * The batches sent while the worker's script loads: if it fails to load, none of them was worked on, and this
   * thread does them (and everything after) itself. Dropped once the script has loaded (`settle`).
   */
  private unconfirmed: Item[][] = [];
  /** Set when the worker failed to load or could not start: every item is processed on this thread. */
  private inline = false;
  private stopped = false;
  private submitted = 0;
  private sent = 0;
  private received = 0;

  private constructor(private readonly script: WorkerScript, private readonly options: ProcessOptions) {
    this.keyed = (options.knownClean?.size ?? 0) > 0;
    // Without known objects every object goes to the worker: started now, it loads while the tree is walked.
    if (!this.keyed) this.start();
  }

  public submit(json: any, role: Placement['role']): void {
    const index = this.submitted++;
    if (!jsonDataCheck(json).lossless) {
      // JSON would not carry it as it is: the main thread processes (and reports) it.
      this.results[index] = processObject(json, role, this.options);
      return;
    }
    const text = JSON.stringify(json);
    if (this.keyed) {
      const verdict = verdictKey(text, role, this.options);
      const known = this.options.knownClean!.has(verdict);
      if (known && this.options.knownHashes?.has(verdict)) {
        // deferred (equal objects share one through the memo)
        this.results[index] = processKeyed(json, role, this.options, text, verdict, known, this.memo);
        return;
      }
      this.batch.push([index, text, role, verdict, known]);
    } else {
      this.batch.push([index, text, role]);
    }
    if (this.batch.length >= BATCH) this.flush();
  }

  public finish(): ProcessedObject[] {
    if (!this.worker || this.inline) {
      // Fewer objects to work on than a batch (not worth a worker), or no worker could run.
      this.processHere(this.batch);
      return this.results;
    }
    try {
      this.flush();
      let idle = 0;
      while (this.received < this.sent) {
        if (this.drain()) {
          idle = 0;
          continue;
        }
        if (this.life!.ended !== undefined) {
          this.takeOver();
          break;
        }
        this.settle();
        const seen = Atomics.load(this.counter, 0);
        if (seen > this.received) continue; // posted, about to arrive
        // (the worker's life wakes this wait when it ends)
        if (Atomics.wait(this.counter, 0, seen, 1000) === 'timed-out' && (idle += 1000) >= STALL_MS) {
          throw new Error(`the object pipeline's worker made no progress for ${STALL_MS / 1000}s (a worker thread that runs out of memory stops without a word)`);
        }
      }
    } finally {
      this.stop();
    }
    // (after a take-over, the items submitted since)
    this.processHere(this.batch);
    return this.results;
  }

  private start() {
    const channel = new MessageChannel();
    try {
      const { worker, life } = startWorker({ script: this.script }, {
        port: channel.port2,
        counter: this.counter,
        validateSchemas: this.options.validateSchemas,
        unvalidatedKinds: [...this.options.unvalidatedKinds],
        secretAllowances: this.options.secretAllowances ?? [],
        file: this.options.file,
        // With the cache in use, the worker keys the objects itself when this thread does not (the cache knows
        // none); otherwise each item carries its key and whether the cache knows it clean.
        keyed: this.options.knownClean !== undefined,
      }, [channel.port2], this.counter);
      this.worker = worker;
      this.life = life;
      this.port = channel.port1;
    } catch {
      channel.port1.close();
      this.inline = true; // no threads here
    }
  }

  private flush() {
    if (this.batch.length === 0) return;
    if (!this.worker && !this.inline) this.start();
    if (this.inline) {
      this.processHere(this.batch);
      return;
    }
    this.port!.postMessage({ id: this.sent++, items: this.batch });
    this.unconfirmed.push(this.batch);
    this.batch = [];
    this.settle();
    this.drain(); // collect whatever is ready, so results do not pile up in the queue
    if (this.life!.ended !== undefined) this.takeOver();
  }

  /** Drops the batches kept for a take-over once the script has loaded: only a failed load leaves them undone. */
  private settle() {
    const state = this.life!.state;
    if (this.unconfirmed.length > 0 && state !== Life.LOADING && state !== Life.FAILED) this.unconfirmed = [];
  }

  /**
   * The worker ended: when its script failed to load, it worked on nothing, and this thread processes every batch
   * it sent (all kept) and everything after; a worker that loaded and then died (whatever it had done) is an
   * error, at once rather than after a long stall. The worker is stopped either way.
   */
  private takeOver() {
    const why = this.life!.ended;
    const failedToLoad = this.life!.state === Life.FAILED;
    this.drain(); // (what it posted before it ended)
    const outstanding = this.sent - this.received;
    const kept = this.unconfirmed;
    this.stop();
    if (outstanding > 0 && !failedToLoad) throw new Error(`the object pipeline's worker ${why}`);
    for (const items of kept) this.processHere(items);
    this.received = this.sent;
    this.inline = true;
  }

  private stop() {
    this.unconfirmed = [];
    if (!this.worker || this.stopped) return;
    this.stopped = true;
    void this.worker.terminate();
    this.port!.close();
  }

  /** Items processed on this thread (those that have no result yet: the worker's arrived first). */
  private processHere(items: Item[]) {
    for (const [index, text, role, verdict, known] of items) {
      if (this.results[index] !== undefined) continue;
      this.results[index] = verdict === undefined
        ? processObject(JSON.parse(text), role, this.options, text, this.memo)
        : processKeyed(JSON.parse(text), role, this.options, text, verdict, known!, this.memo);
    }
    if (items === this.batch) this.batch = [];
  }

  private drain(): boolean {
    let got = false;
    for (let msg = receiveMessageOnPort(this.port!); msg; msg = receiveMessageOnPort(this.port!)) {
      const { results } = msg.message as { id: number; results: Array<[number, ProcessedObject]> };
      for (const [index, result] of results) this.results[index] = result;
      this.received++;
      got = true;
    }
    return got;
  }
}
