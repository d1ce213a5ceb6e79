import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { deferredResult, jsonDataCheck, processObject, ProcessedObject, ProcessOptions } from './process-object';
import { Placement } from '../private/placement';
import { workerScript } from '../private/worker-script';

/**
 * Processes rendered objects (validation, secret scan, YAML) either inline or on a worker thread.
 *
 * Turning constructs into JSON must happen on the main thread, where the construct tree lives; everything
 * after that does not. On a fleet-sized tree a worker does that second half while the main thread is still
 * walking, which uses both cores. The API stays synchronous (cdk8s `synth()` is): the main thread waits for the
 * worker's last batches with `Atomics.wait` and reads them with `receiveMessageOnPort`.
 *
 * Both ways give the same answer for the same object: the worker runs the same `processObject` on the
 * object's JSON text, and an object that JSON would change (NaN or Infinity would arrive as null, an
 * undefined property would vanish) is processed on the main thread instead, where `processObject` reports it.
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

class WorkerPipeline implements ObjectPipeline {
  public static tryCreate(options: ProcessOptions): WorkerPipeline | undefined {
    const script = workerScript(__dirname, 'object-worker');
    return script && new WorkerPipeline(script.file, script.execArgv, options);
  }

  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  /** Results by submission index. */
  private readonly results: ProcessedObject[] = [];
  /** The JSON text sent for each submission index, while a deferred result may need it. */
  private readonly texts: string[] = [];
  /** Deferred results by verdict key: equal objects share one (and serialize once, if read). */
  private readonly deferred = new Map<string, ProcessedObject>();
  private batch: Array<[number, string, Placement['role']]> = [];
  private submitted = 0;
  private sent = 0;
  private received = 0;

  private constructor(file: string, execArgv: string[], private readonly options: ProcessOptions) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.counter = new Int32Array(new SharedArrayBuffer(4));
    this.worker = new Worker(file, {
      execArgv,
      workerData: {
        port: channel.port2,
        counter: this.counter,
        validateSchemas: options.validateSchemas,
        unvalidatedKinds: [...options.unvalidatedKinds],
        secretAllowances: options.secretAllowances ?? [],
        knownClean: options.knownClean ? [...options.knownClean] : undefined,
        knownHashes: options.knownHashes ? [...options.knownHashes] : undefined,
      },
      transferList: [channel.port2],
    });
    this.worker.unref();
  }

  public submit(json: any, role: Placement['role']): void {
    const index = this.submitted++;
    if (!jsonDataCheck(json).lossless) {
      // JSON would not carry it as it is: the main thread processes (and reports) it.
      this.results[index] = processObject(json, role, this.options);
      return;
    }
    const text = JSON.stringify(json);
    this.batch.push([index, text, role]);
    if (this.options.knownHashes?.size) this.texts[index] = text;
    if (this.batch.length >= BATCH) this.flush();
  }

  public finish(): ProcessedObject[] {
    this.flush();
    try {
      let idle = 0;
      while (this.received < this.sent) {
        if (this.drain()) {
          idle = 0;
          continue;
        }
        const seen = Atomics.load(this.counter, 0);
        if (seen > this.received) continue; // posted, about to arrive
        if (Atomics.wait(this.counter, 0, seen, 1000) === 'timed-out' && (idle += 1000) >= STALL_MS) {
          throw new Error(`the object pipeline's worker made no progress for ${STALL_MS / 1000}s`);
        }
      }
    } finally {
      void this.worker.terminate();
      this.port.close();
    }
    return this.results;
  }

  private flush() {
    if (this.batch.length === 0) return;
    this.port.postMessage({ id: this.sent++, items: this.batch });
    this.batch = [];
    this.drain(); // collect whatever is ready, so results do not pile up in the queue
  }

  /** The main thread's deferred result for the worker's deferred `result` of submission `index`. */
  private deferredFor(index: number, result: ProcessedObject): ProcessedObject {
    let r = this.deferred.get(result.verdictKey!);
    if (r === undefined) this.deferred.set(result.verdictKey!, r = deferredResult(this.texts[index], result.hash, result.images, result.verdictKey!));
    return r;
  }

  private drain(): boolean {
    let got = false;
    for (let msg = receiveMessageOnPort(this.port); msg; msg = receiveMessageOnPort(this.port)) {
      const { results } = msg.message as { id: number; results: Array<[number, ProcessedObject]> };
      for (const [index, result] of results) {
        this.results[index] = result.deferred ? this.deferredFor(index, result) : result;
        this.texts[index] = '';
      }
      this.received++;
      got = true;
    }
    return got;
  }
}
