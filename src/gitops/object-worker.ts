/**
 * Worker thread of the object pipeline (see object-pipeline.ts): validates, scans and serializes batches of
 * objects while the main thread keeps walking the construct tree.
 */
import { MessagePort, workerData } from 'worker_threads';
import { processObject, ProcessedObject } from './process-object';
import { SecretAllowanceData } from '../secrets/scanner';

const data = workerData as {
  port: MessagePort;
  counter: Int32Array;
  validateSchemas: boolean;
  unvalidatedKinds: string[];
  secretAllowances: SecretAllowanceData[];
  knownClean?: string[];
  knownHashes?: Array<[string, string]>;
};
const options = {
  validateSchemas: data.validateSchemas,
  unvalidatedKinds: new Set(data.unvalidatedKinds),
  secretAllowances: data.secretAllowances,
  knownClean: data.knownClean ? new Set(data.knownClean) : undefined,
  knownHashes: data.knownHashes ? new Map(data.knownHashes) : undefined,
};
/** Results by verdict key: equal objects are processed once (see `processObject`). */
const memo = new Map<string, ProcessedObject>();

data.port.on('message', (batch: { id: number; items: Array<[number, string, any]> }) => {
  const results: Array<[number, ProcessedObject]> = batch.items.map(([index, text, role]) => {
    try {
      const r = processObject(JSON.parse(text), role, options, text, memo);
      // A deferred result's content is made on the main thread, from the text it sent, if it is ever read.
      return [index, r.deferred ? { content: '', problems: r.problems, images: r.images, hash: r.hash, verdictKey: r.verdictKey, deferred: true } : r];
    } catch (e) {
      return [index, { content: '', problems: [`internal error: ${(e as Error).message}`], hash: '' }];
    }
  });
  data.port.postMessage({ id: batch.id, results });
  Atomics.add(data.counter, 0, 1);
  Atomics.notify(data.counter, 0);
});
