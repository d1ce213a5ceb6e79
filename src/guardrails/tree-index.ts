import type { TreeEntry } from '../gitops/fleet-model';

/** Tree entries by directory (files under `clusters/` and `apps/`, the directories Applications deploy). */
export function directoryIndex(entries: TreeEntry[]): Map<string, TreeEntry[]> {
  const byDir = new Map<string, TreeEntry[]>();
  for (const e of entries) {
    if (!e.path.startsWith('clusters/') && !e.path.startsWith('apps/')) continue;
    const dir = e.path.slice(0, e.path.lastIndexOf('/'));
    const list = byDir.get(dir) ?? [];
    list.push(e);
    byDir.set(dir, list);
  }
  return byDir;
}

/** Whether an entry is a Kustomize `kustomization.yaml`. */
export function isKustomization(e: TreeEntry): boolean {
  return e.object?.kind === 'Kustomization' && String(e.object.apiVersion).startsWith('kustomize.config.k8s.io/');
}
