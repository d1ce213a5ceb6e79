/**
 * Worker thread of the object pipeline (see object-pipeline.ts): validates, scans and serializes batches of
 * objects while the main thread keeps walking the construct tree.
 */
import { MessagePort, workerData } from 'worker_threads';
import { processKeyed, processObject, ProcessedObject } from './process-object';
import { SecretAllowanceData } from '../secrets/scanner';

const data = workerData as {
  port: MessagePort;
  counter: Int32Array;
  validateSchemas: boolean;
  unvalidatedKinds: string[];
  secretAllowances: SecretAllowanceData[];
  file?: string;
  keyed: boolean;
};
/** The main thread's options, but for the cache's keys: it sends each item's key and verdict when it knows any. */
const options = {
  validateSchemas: data.validateSchemas,
  unvalidatedKinds: new Set(data.unvalidatedKinds),
  secretAllowances: data.secretAllowances,
  file: data.file,
  knownClean: data.keyed ? new Set<string>() : undefined,
};
/** Results by verdict key: equal objects are processed once (see `processObject`). */
const memo = new Map<string, ProcessedObject>();

data.port.on('message', (batch: { id: number; items: Array<[number, string, any, string?, boolean?]> }) => {
  const results: Array<[number, ProcessedObject]> = batch.items.map(([index, text, role, verdict, known]) => {
    try {
      const json = JSON.parse(text);
      // (keyed by the main thread, or here when it keys nothing)
      if (verdict !== undefined) return [index, processKeyed(json, role, options, text, verdict, known!, memo)];
      return [index, processObject(json, role, options, text, memo)];
    } catch (e) {
      return [index, { content: '', problems: [`internal error: ${(e as Error).message}`], hash: '' }];
    }
  });
  data.port.postMessage({ id: batch.id, results });
  Atomics.add(data.counter, 0, 1);
  Atomics.notify(data.counter, 0);
});
