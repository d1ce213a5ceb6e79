/**
 * Worker thread of the write step's check of an untouched tree (see tree-check.ts): runs the check while the
 * main thread renders and posts the result; then, when the writer asks, looks at the second part of the files
 * again while the writer looks at the first, and says whether they are unchanged.
 */
import { MessagePort, workerData } from 'worker_threads';
import { Control, inspectTree, sameStats } from './tree-check';

const data = workerData as { root: string; port: MessagePort; control: Int32Array };
const c = data.control;
let inspected: ReturnType<typeof inspectTree>;
try {
  inspected = inspectTree(data.root);
} catch {
  inspected = undefined; // the writer's own check reports whatever is wrong
}
data.port.postMessage(inspected?.tree ?? null); // (the stats are copied: this thread needs them again)
Atomics.store(c, Control.POSTED, 1);
Atomics.notify(c, Control.POSTED);
if (inspected !== undefined) {
  Atomics.wait(c, Control.COMMAND, 0);
  if (Atomics.load(c, Control.COMMAND) === 1) {
    const { tree, paths } = inspected;
    let same: boolean;
    try {
      same = sameStats(data.root, i => paths[i], tree.stats, Atomics.load(c, Control.FROM), paths.length);
    } catch {
      same = false;
    }
    Atomics.store(c, Control.VERDICT, same ? 1 : 2);
    Atomics.notify(c, Control.VERDICT);
  }
}
