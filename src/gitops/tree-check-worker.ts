/**
 * Worker thread of the write step's check of an untouched tree (see tree-check.ts): runs the check while the
 * main thread renders, posts the result and says so through the shared flag.
 */
import { MessagePort, workerData } from 'worker_threads';
import { checkVouchedTree, VouchedTree } from './tree-check';

const data = workerData as { root: string; port: MessagePort; done: Int32Array };
let result: VouchedTree | undefined;
try {
  result = checkVouchedTree(data.root);
} catch {
  result = undefined; // the writer's own check reports whatever is wrong
}
data.port.postMessage(result ?? null);
Atomics.store(data.done, 0, 1);
Atomics.notify(data.done, 0);
