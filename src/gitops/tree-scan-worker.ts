/**
 * Worker thread of `scanTrees` (tree-scan.ts): scans one tree while the main thread scans the other.
 */
import { MessagePort, workerData } from 'worker_threads';
import { scanTree } from './tree-scan';
import { InputError } from '../private/yaml-input';

const data = workerData as { root: string; label: string; port: MessagePort; done: Int32Array };
try {
  data.port.postMessage({ scan: scanTree(data.root, undefined, data.label) });
} catch (e) {
  data.port.postMessage({ error: { message: (e as Error)?.message ?? String(e), file: (e as InputError)?.file, input: e instanceof InputError } });
}
Atomics.store(data.done, 0, 1);
Atomics.notify(data.done, 0);
