import { RenderedFile } from './render';

/**
 * A short, human-readable plan of a rendered tree: per registered cluster, the Applications that deploy to
 * it with their project, namespace, source (path and revision, or chart and version) and container images.
 */
export function planText(files: RenderedFile[]): string {
  const clusters = files.filter(f => f.object.kind === 'Secret' || f.object.kind === 'ExternalSecret')
    .filter(f => f.placement.role === 'argocd')
    .map(f => {
      const data = f.object.kind === 'Secret' ? f.object.stringData : f.object.spec?.target?.template?.data;
      const labels = f.object.kind === 'Secret' ? f.object.metadata?.labels : f.object.spec?.target?.template?.metadata?.labels;
      return { name: data?.name as string, server: data?.server as string, labels: labels ?? {} };
    })
    .filter(c => c.name)
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const images = new Map<string, Set<string>>();
  for (const f of files.filter(x => x.placement.role === 'workload')) {
    const dir = f.path.slice(0, f.path.lastIndexOf('/'));
    const set = images.get(dir) ?? new Set<string>();
    for (const image of f.images ?? []) set.add(image);
    images.set(dir, set);
  }
  const apps = files.filter(f => f.object.kind === 'Application' && f.placement.role === 'argocd').map(f => f.object);
  const lines: string[] = [];
  const bootstrap = files.filter(f => f.placement.role === 'bootstrap');
  const appSets = files.filter(f => f.object.kind === 'ApplicationSet' && f.placement.role === 'argocd').map(f => f.object);
  lines.push(`Plan: ${clusters.length} clusters, ${apps.length} Applications, ${appSets.length} ApplicationSets, ${files.length} files`);
  for (const s of appSets) {
    lines.push(`  ApplicationSet ${s.metadata.name}: ${s.spec.generators.map((g: any) => Object.keys(g).join('+')).join(', ')} generator(s), template ${s.spec.template.metadata.name}`);
  }
  for (const b of bootstrap) lines.push(`  bootstrap: kubectl apply -n ${b.object.metadata.namespace} -f ${b.path}`);
  const byDestination = new Map<string, any[]>();
  for (const a of apps) {
    const key = a.spec?.destination?.name ?? a.spec?.destination?.server;
    byDestination.set(key, [...(byDestination.get(key) ?? []), a]);
  }
  for (const c of clusters) {
    const mine = [...(byDestination.get(c.name) ?? []), ...(c.name !== c.server ? byDestination.get(c.server) ?? [] : [])]
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const labels = Object.entries(c.labels).filter(([k]) => k !== 'argocd.argoproj.io/secret-type').map(([k, v]) => `${k}=${v}`).join(',');
    lines.push(`  ${c.name} (${c.server}${labels ? `; ${labels}` : ''}): ${mine.length} Applications`);
    for (const a of mine) {
      const sources: any[] = a.spec.sources ?? [a.spec.source];
      const described = sources.filter(Boolean).map((s: any) => {
        if (s.chart) return `helm ${s.chart}@${s.targetRevision}`;
        const imgs = images.get(s.path);
        return `${s.path}@${s.targetRevision}${imgs?.size ? ` [${[...imgs].sort().join(', ')}]` : ''}`;
      }).join(' + ');
      lines.push(`    ${a.metadata.name}  project=${a.spec.project}  namespace=${a.spec.destination.namespace}  ${described}`);
    }
  }
  return lines.join('\n');
}
