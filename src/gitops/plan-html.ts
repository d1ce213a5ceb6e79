import { describeDelivery, FleetPlan, PlannedApplication } from './fleet-plan';

/** A cell of the cluster × application matrix. */
interface Cell {
  readonly version: string;
  readonly title: string;
  readonly status: 'same' | 'added' | 'removed' | 'changed';
}

/**
 * A self-contained HTML page (no scripts, no external resources): the cluster × application matrix with the
 * version in each cell, and, given a base plan, added, removed and changed cells highlighted.
 */
export function planHtml(head: FleetPlan, base?: FleetPlan): string {
  const headCells = cellsOf(head);
  const baseCells = base ? cellsOf(base) : undefined;
  const clusters = [...new Set([...head.clusters.map(c => c.name), ...(base?.clusters.map(c => c.name) ?? [])])].sort();
  const columns = [...new Set([...headCells.keys(), ...(baseCells?.keys() ?? [])].map(k => k.split('\u0000')[1]))].sort();
  const cell = (cluster: string, column: string): Cell | undefined => {
    const key = `${cluster}\u0000${column}`;
    const h = headCells.get(key);
    const b = baseCells?.get(key);
    if (!baseCells) return h && { ...h, status: 'same' };
    if (h && !b) return { ...h, status: 'added' };
    if (!h && b) return { ...b, status: 'removed' };
    if (h && b) return { ...h, status: h.version === b.version ? 'same' : 'changed', title: h.version === b.version ? h.title : `${b.version} → ${h.version}\n${h.title}` };
    return undefined;
  };
  const counts = { added: 0, removed: 0, changed: 0 };
  const rows = clusters.map(cluster => {
    const info = head.clusters.find(c => c.name === cluster) ?? base?.clusters.find(c => c.name === cluster);
    const labels = Object.entries(info?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    const tds = columns.map(column => {
      const c = cell(cluster, column);
      if (!c) return `<td class="empty" data-cluster="${esc(cluster)}" data-app="${esc(column)}"></td>`;
      if (c.status !== 'same') counts[c.status]++;
      const shown = c.status === 'changed' ? `${esc(baseCells!.get(`${cluster}\u0000${column}`)!.version)} → ${esc(c.version)}` : esc(c.version);
      return `<td class="${c.status}" data-cluster="${esc(cluster)}" data-app="${esc(column)}" data-status="${c.status}" title="${esc(c.title)}">${shown}</td>`;
    }).join('');
    return `<tr><th scope="row" title="${esc(labels)}">${esc(cluster)}<div class="labels">${esc(labels)}</div></th>${tds}</tr>`;
  }).join('\n');
  const summary = base
    ? `<p class="summary">Against the base tree: <span class="added">${counts.added} added</span>, <span class="changed">${counts.changed} changed</span>, <span class="removed">${counts.removed} removed</span>.</p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cdk8s-fleet plan</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
th .labels { font-weight: normal; color: #57606a; font-size: 0.75rem; }
td.added { background: #dafbe1; }
td.changed { background: #fff8c5; font-weight: 600; }
td.removed { background: #ffebe9; text-decoration: line-through; }
td.empty { background: #fafbfc; }
.summary span { padding: 0 0.3rem; }
.summary .added { background: #dafbe1; } .summary .changed { background: #fff8c5; } .summary .removed { background: #ffebe9; }
</style>
</head>
<body>
<h1>Fleet plan</h1>
<p>${head.clusters.length} clusters × ${columns.length} applications. Each cell shows what the cluster runs: chart version, image tags or Git revision.</p>
${summary}
<table id="plan">
<thead><tr><th scope="col">cluster</th>${columns.map(c => `<th scope="col">${esc(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** `cluster\0column` → cell. The column is the Application name without its cluster (as suffix or prefix). */
function cellsOf(plan: FleetPlan): Map<string, Omit<Cell, 'status'>> {
  const out = new Map<string, Omit<Cell, 'status'>>();
  for (const c of plan.clusters) {
    for (const a of c.applications) {
      const column = columnOf(a, c.name);
      out.set(`${c.name}\u0000${column}`, { version: versionOf(a), title: `${a.name} (${a.origin}), project ${a.project}, namespace ${a.destinationNamespace}${a.delivery.filter(d => d.kind === 'Rollout').map(d => `; ${describeDelivery(d)}`).join('')}` });
    }
  }
  return out;
}

function columnOf(a: PlannedApplication, cluster: string): string {
  if (a.name.endsWith(`-${cluster}`)) return a.name.slice(0, -cluster.length - 1);
  if (a.name.startsWith(`${cluster}-`)) return a.name.slice(cluster.length + 1);
  return a.name;
}

function versionOf(a: PlannedApplication): string {
  // A `ref` source only lends its files to the others (Helm values): it is not what the cluster runs.
  return a.sources.filter(s => !(s.ref && s.path === undefined)).map(s => {
    if (s.chart) return `${s.chart} ${s.targetRevision}`;
    const tags = s.images.map(i => i.slice(i.lastIndexOf('/') + 1));
    return tags.length ? tags.join(', ') : `${s.path ?? ''}@${s.targetRevision}`;
  }).join(' + ');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
