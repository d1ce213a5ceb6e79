/**
 * Worker thread of `startScans` (tree-scan.ts): scans one tree while the main thread scans the other, then
 * parses that tree's Argo CD files from the last one on, in batches, until the main thread says stop.
 */
import { MessagePort, workerData } from 'worker_threads';
import { isArgoFile, ParsedFile, parseTreeFile, scanTree } from './tree-scan';
import { InputError } from '../private/yaml-input';

const data = workerData as { root: string; label: string; port: MessagePort; flags: Int32Array };
const BATCH = 50;

try {
  const scan = scanTree(data.root, undefined, data.label);
  data.port.postMessage({ scan });
  Atomics.store(data.flags, 0, 1);
  Atomics.notify(data.flags, 0);
  const files = [...scan.hashes.keys()].filter(isArgoFile).sort().reverse();
  let batch: ParsedFile[] = [];
  for (const rel of files) {
    if (Atomics.load(data.flags, 1)) break;
    try {
      batch.push([scan.hashes.get(rel)!, parseTreeFile(scan, rel, data.label)]);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      batch.push([scan.hashes.get(rel)!, { error: e.message }]);
    }
    if (batch.length >= BATCH) {
      data.port.postMessage({ parsed: batch });
      batch = [];
    }
  }
  if (batch.length) data.port.postMessage({ parsed: batch });
} catch (e) {
  data.port.postMessage({ error: { message: (e as Error)?.message ?? String(e), file: (e as InputError)?.file, input: e instanceof InputError } });
  Atomics.store(data.flags, 0, 1);
  Atomics.notify(data.flags, 0);
}
