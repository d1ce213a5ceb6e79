/**
 * Worker thread of the write step's check of an untouched tree (see tree-check.ts): runs the check while the
 * main thread renders and posts the result; then, when the writer asks, takes its share of the writer's last
 * look at the files (chunks from a shared cursor, see `takeChunks`) and says when it is done.
 */
import { MessagePort, workerData } from 'worker_threads';
import { Control, inspectTree, sameStats, takeChunks } from './tree-check';
import { TreeInspector } from './tree-inspector';
import { lookUnits, sameUnits } from './tree-look';

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
    const { plan } = tree;
    const inspector = new TreeInspector(data.root);
    const pathOf = (i: number) => paths[i];
    try {
      if (plan === undefined) takeChunks(c, paths.length, (from, to) => sameStats(inspector, pathOf, tree.stats, from, to));
      else takeChunks(c, lookUnits(plan), (from, to) => sameUnits(data.root, inspector, plan, tree, pathOf, from, to));
    } catch {
      // (takeChunks has set CHANGED: the writer checks by itself)
    }
    Atomics.store(c, Control.DONE, 1);
    Atomics.notify(c, Control.DONE);
  }
}
