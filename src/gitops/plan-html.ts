import { createHash } from 'crypto';
import { fieldText, objectName, textLines } from './diff-format';
import { removalLabels } from './diff-report';
import { Namesakes } from './fleet-model';
import { describeDelivery, FleetPlan, PlannedApplication } from './fleet-plan';
import { FleetDiff } from './plan-diff';
import { count, countChange, describeShardMove, shardSetup } from './shard-plan';
import { ApplicationObjects, columnOf, ObjectChange } from './tree-diff';
import { drHtml, drSwitchText } from '../dr/private/dr-report';
import { compareCodeUnits } from '../private/util';

/**
 * The review page: a self-contained HTML file (no resource loaded from anywhere, enforced by its
 * Content-Security-Policy; it works offline and without scripts) with the cluster × application matrix and the
 * version in each cell. Given a base plan and the diff of the two trees, added, removed and changed cells are
 * highlighted and each changed cell is a `<details>` element that opens the field diff of every object of that
 * Application on that cluster. A small inline script adds a filter box for clusters and applications; without
 * it, the page is complete and the box stays hidden.
 */

/** A cell of the cluster × application matrix. */
interface Cell {
  readonly version: string;
  readonly title: string;
  readonly status: 'same' | 'added' | 'removed' | 'changed';
}

// Plain symbols: the emoji the Markdown uses are missing from many system fonts.
const ICONS = { added: '+', removed: '−', changed: '✎' };

/** The page. `base` and `diff` come from `diffTrees` (a `diff` without `base` is ignored). */
export function planHtml(head: FleetPlan, base?: FleetPlan, diff?: FleetDiff): string {
  const columnKey = columnsOf(base ? [head, base] : [head]);
  const headCells = cellsOf(head, columnKey);
  const baseCells = base ? cellsOf(base, columnKey) : undefined;
  const objects = new Map<string, ApplicationObjects>();
  const planChanges = new Map<string, string[]>();
  if (base && diff) {
    for (const c of diff.objects?.clusters ?? []) for (const a of c.applications) objects.set(`${c.cluster}\u0000${columnKey(c.cluster, a.fleet, a.column)}`, a);
    for (const c of diff.clusters) {
      for (const a of c.changed) planChanges.set(`${c.cluster}\u0000${columnKey(c.cluster, a.fleet, columnOf(a.name, c.cluster))}`, a.changes);
    }
  }
  const clusters = [...new Set([...head.clusters.map(c => c.name), ...(base?.clusters.map(c => c.name) ?? [])])].sort(compareCodeUnits);
  const columns = [...new Set([...headCells.keys(), ...(baseCells?.keys() ?? [])].map(k => k.split('\u0000')[1]))].sort(compareCodeUnits);
  const cell = (key: string): Cell | undefined => {
    const h = headCells.get(key);
    const b = baseCells?.get(key);
    if (!baseCells) return h && { ...h, status: 'same' };
    if (h && !b) return { ...h, status: 'added' };
    if (!h && b) return { ...b, status: 'removed' };
    if (h && b) {
      const same = h.version === b.version && !objects.has(key) && !planChanges.has(key);
      return { ...h, status: same ? 'same' : 'changed', title: h.version === b.version ? h.title : `${b.version} → ${h.version}\n${h.title}` };
    }
    return undefined;
  };
  const counts = { added: 0, removed: 0, changed: 0 };
  const rows = clusters.map(cluster => {
    const info = head.clusters.find(c => c.name === cluster) ?? base?.clusters.find(c => c.name === cluster);
    const labels = Object.entries(info?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    const tds = columns.map(column => {
      const key = `${cluster}\u0000${column}`;
      const c = cell(key);
      const data = `data-cluster="${esc(cluster)}" data-app="${esc(column)}"`;
      if (!c) return `<td class="empty" ${data}></td>`;
      if (c.status !== 'same') counts[c.status]++;
      const before = baseCells?.get(key)?.version;
      const shown = c.status === 'changed' && before !== c.version ? `${esc(before!)} → ${esc(c.version)}` : esc(c.version);
      const details = c.status === 'same' ? '' : cellDetails(shown, planChanges.get(key) ?? [], objects.get(key));
      return `<td class="${c.status}" ${data} data-status="${c.status}" title="${esc(c.title)}">${details || shown}</td>`;
    }).join('');
    return `<tr data-cluster="${esc(cluster)}"><th scope="row" title="${esc(labels)}">${esc(cluster)}<div class="labels">${esc(labels)}</div></th>${tds}</tr>`;
  }).join('\n');
  const summary = base
    ? `<p class="summary">Against the base tree: <span class="added">${counts.added} added</span>, <span class="changed">${counts.changed} changed</span>, <span class="removed">${counts.removed} removed</span>. Open a highlighted cell for its objects' field changes.</p>`
    : '';
  const script = FILTER_SCRIPT;
  const scriptHash = createHash('sha256').update(script).digest('base64');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'">
<title>cdk8s-fleet plan</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
table { border-collapse: collapse; font-size: 0.85rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
th .labels { font-weight: normal; color: #57606a; font-size: 0.75rem; }
td.added { background: #dafbe1; }
td.changed { background: #fff8c5; }
td.changed > details > summary, td.changed:not(:has(details)) { font-weight: 600; }
td.removed { background: #ffebe9; }
td.removed > details > summary, td.removed:not(:has(details)) { text-decoration: line-through; }
td.empty { background: #fafbfc; }
summary { cursor: pointer; }
.diff { min-width: 26rem; max-width: 60rem; margin: 0.4rem 0 0; padding: 0; list-style: none; font-weight: normal; text-decoration: none; }
.diff li { margin: 0.15rem 0; }
.diff ul { margin: 0.1rem 0 0.3rem 1.2rem; padding: 0; }
.diff code, pre { font-family: ui-monospace, monospace; font-size: 0.8rem; white-space: pre-wrap; word-break: break-all; }
pre { margin: 0.2rem 0; padding: 0.3rem; background: rgba(255,255,255,0.6); }
.summary span { padding: 0 0.3rem; }
.summary .added { background: #dafbe1; } .summary .changed { background: #fff8c5; } .summary .removed { background: #ffebe9; }
#filter { margin: 0 0 0.8rem; padding: 0.3rem; width: 20rem; }
.problems { background: #fff8c5; padding: 0.5rem 1rem; }
#shards tr.changed td { background: #fff8c5; }
#shards tr.over td:last-child { background: #ffebe9; font-weight: 600; }
.problems li.resolved { text-decoration: line-through; }
</style>
</head>
<body>
<h1>Fleet plan</h1>
<p>${head.clusters.length} clusters × ${columns.length} applications. Each cell shows what the cluster runs: chart version, image tags or Git revision.</p>
${summary}
${problemsHtml(diff)}<input id="filter" type="search" placeholder="filter clusters and applications" aria-label="filter clusters and applications" hidden>
<table id="plan">
<thead><tr><th scope="col">cluster</th>${columns.map(c => `<th scope="col" data-app="${esc(c)}">${esc(c)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${shardsHtml(head, base && diff ? { base, diff } : undefined)}${drHtml(head, esc)}${base && diff ? fleetHtml(diff) : ''}<script>${script}</script>
</body>
</html>
`;
}

/** A changed cell: the versions as summary, the plan's changes and every object's field changes inside. */
function cellDetails(shown: string, changes: readonly string[], objects: ApplicationObjects | undefined): string {
  const items = [
    ...changes.map(c => `<li>${esc(c)}</li>`),
    ...(objects?.objects ?? []).map(objectHtml),
  ];
  if (items.length === 0) return '';
  const n = objects?.objects.length ?? 0;
  return `<details><summary>${shown}${n ? ` <small>(${n} object${n === 1 ? '' : 's'})</small>` : ''}</summary><ul class="diff">${items.join('')}</ul></details>`;
}

function objectHtml(o: ObjectChange): string {
  const fields = o.fields.map(f => {
    const lines = textLines(f);
    return `<li><code>${esc(fieldText(f, o.status === 'added'))}</code>${lines.length ? `<pre>${esc(lines.join('\n'))}</pre>` : ''}</li>`;
  }).join('');
  return `<li class="object" data-kind="${esc(o.kind)}" data-name="${esc(objectName(o))}" data-status="${o.status}">${ICONS[o.status]} ${esc(o.kind)} <code>${esc(objectName(o))}</code>${o.status === 'changed' ? '' : ` ${o.status}`}${fields ? `<ul>${fields}</ul>` : ''}</li>`;
}

function fleetHtml(diff: FleetDiff): string {
  const section = (title: string, objects: readonly ObjectChange[]) => (objects.length
    ? `<h2>${esc(title)}</h2>\n<ul class="diff">${objects.map(objectHtml).join('')}</ul>\n` : '');
  const gate = diff.blockedRemovals.length
    ? `<p class="problems"><strong>Deletion gate: ${diff.blockedRemovals.length} Application removal(s) not acknowledged:</strong> ${esc(diff.blockedRemovals.map(removalLabels(diff)).join(', '))}</p>\n` : '';
  const projects = diff.projects.length
    ? `<h2>AppProject permissions</h2>\n<ul class="diff">${diff.projects.map(p => `<li><strong>${esc(p.project)}</strong>: ${p.changes.map(c => `<code>${esc(c)}</code>`).join(', ')}</li>`).join('')}</ul>\n` : '';
  const dr = diff.disasterRecovery?.length
    ? `<h2>Disaster recovery switches</h2>\n<ul class="diff">${diff.disasterRecovery.map(s => `<li><strong>${esc(drSwitchText(s))}</strong></li>`).join('')}</ul>\n` : '';
  return gate + dr + projects + section('Argo CD objects (fleet)', diff.objects?.fleet ?? []) + section('Files no Application deploys', diff.objects?.unattributed ?? []);
}

/**
 * The controller shards, as the text plan and the diff report them: per shard its clusters (named, folded) and
 * Applications — against a base, `before → after` with changed rows highlighted —, the clusters left to the
 * controller's algorithm, the warnings (those a change introduces marked new, those it resolves struck out),
 * and the clusters that move shard.
 */
function shardsHtml(head: FleetPlan, against?: { base: FleetPlan; diff: FleetDiff }): string {
  const plan = head.shards;
  const change = against?.diff.shards;
  const moves = against?.diff.shardMoves ?? [];
  if (!plan && !change && moves.length === 0) return '';
  const before = new Map((against?.base.shards?.shards ?? []).map(s => [s.shard, s]));
  const loads = new Map((change?.loads ?? []).map(l => [l.shard, l]));
  const over = new Set(plan?.overloaded ?? []);
  const shards = [...new Set([...(plan?.shards ?? []).map(s => s.shard), ...loads.keys()])].sort((a, b) => a - b);
  const after = new Map((plan?.shards ?? []).map(s => [s.shard, s]));
  const rows = shards.map(n => {
    const load = loads.get(n);
    const clusters = after.get(n)?.clusters ?? [];
    const counted = load ? countChange(load.clusters, 'cluster') : count(clusters.length, 'cluster');
    const kept = new Set(clusters);
    const gone = (before.get(n)?.clusters ?? []).filter(c => !kept.has(c));
    const names = [...clusters.map(esc), ...gone.map(c => `<del>${esc(c)}</del>`)].join(', ');
    const apps = load ? countChange(load.applications, 'Application') : count(after.get(n)?.applications ?? 0, 'Application');
    const classes = [load ? 'changed' : '', over.has(n) ? 'over' : ''].filter(c => c).join(' ');
    return `<tr data-shard="${n}"${classes ? ` class="${classes}"` : ''}><th scope="row">${n}</th>`
      + `<td>${names ? `<details><summary>${counted}</summary>${names}</details>` : counted}</td>`
      + `<td>${apps}${over.has(n) ? ' — above the limit' : ''}</td></tr>`;
  }).join('\n');
  const unpinned = plan?.unpinned ?? [];
  const newWarnings = new Set(change?.newWarnings ?? []);
  const warnings = [
    ...(plan?.warnings ?? []).map(w => `<li${newWarnings.has(w) ? ' class="new"><strong>new:</strong> ' : '>'}${esc(w)}</li>`),
    ...(change?.resolvedWarnings ?? []).map(w => `<li class="resolved">${esc(w)}</li>`),
  ];
  return `<section id="controller-shards">\n<h2>Controller shards${esc(shardSetup(plan ?? change ?? {}))}</h2>\n`
    + (rows ? `<table id="shards">\n<thead><tr><th scope="col">shard</th><th scope="col">clusters</th><th scope="col">Applications</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>\n` : '')
    + (unpinned.length ? `<div>Not pinned (placed by the controller's algorithm): <details><summary>${count(unpinned.length, 'cluster')}</summary>${unpinned.map(esc).join(', ')}</details></div>\n` : '')
    + (warnings.length ? `<div class="problems"><strong>Warnings:</strong><ul>${warnings.join('')}</ul></div>\n` : '')
    + (moves.length ? `<h3>Clusters that move controller shard (${moves.length}; each restarts its reconciliation there)</h3>\n<ul class="diff">${moves.map(m => `<li>${esc(describeShardMove(m))}</li>`).join('')}</ul>\n` : '')
    + '</section>\n';
}

function problemsHtml(diff: FleetDiff | undefined): string {
  const problems = diff?.objects?.problems ?? [];
  return problems.length ? `<div class="problems"><strong>Could not be compared as objects:</strong><ul>${problems.map(p => `<li>${esc(p)}</li>`).join('')}</ul></div>\n` : '';
}

/**
 * Filters rows by cluster and columns by application (a link may carry the filter: `plan.html#filter=prod`);
 * the page never needs it.
 */
const FILTER_SCRIPT = `
(function () {
  var box = document.getElementById('filter');
  box.hidden = false;
  function apply() {
    var q = box.value.trim().toLowerCase();
    var apps = {};
    document.querySelectorAll('#plan thead th[data-app]').forEach(function (th) { apps[th.dataset.app] = th.dataset.app.toLowerCase().indexOf(q) >= 0; });
    var anyApp = q !== '' && Object.keys(apps).some(function (k) { return apps[k]; });
    document.querySelectorAll('#plan tbody tr').forEach(function (tr) {
      tr.hidden = !(q === '' || anyApp || tr.dataset.cluster.toLowerCase().indexOf(q) >= 0);
    });
    document.querySelectorAll('#plan [data-app]').forEach(function (el) { el.hidden = anyApp && !apps[el.dataset.app]; });
  }
  box.addEventListener('input', apply);
  var m = /^#filter=(.*)$/.exec(location.hash);
  if (m) { box.value = decodeURIComponent(m[1]); apply(); }
})();
`;

/**
 * The matrix column of an Application of a fleet on a cluster: its name without its cluster, prefixed with its
 * fleet where two fleets have an Application of that column on that cluster (two fleets' Argo CDs may each have
 * an Application of one name there).
 */
type ColumnKey = (cluster: string, fleet: string, column: string) => string;

function columnsOf(plans: readonly FleetPlan[]): ColumnKey {
  const namesakes = new Namesakes(); // by cluster and column
  for (const p of plans) for (const c of p.clusters) for (const a of c.applications) namesakes.add(`${c.name}\u0000${columnOf(a.name, c.name)}`, a.fleet);
  return (cluster, fleet, column) => namesakes.label(`${cluster}\u0000${column}`, fleet, column);
}

/** `cluster\0column` → cell. The column is the Application name without its cluster (as suffix or prefix). */
function cellsOf(plan: FleetPlan, columnKey: ColumnKey): Map<string, Omit<Cell, 'status'>> {
  const out = new Map<string, Omit<Cell, 'status'>>();
  for (const c of plan.clusters) {
    for (const a of c.applications) {
      const column = columnKey(c.name, a.fleet, columnOf(a.name, c.name));
      out.set(`${c.name}\u0000${column}`, { version: versionOf(a), title: `${a.name} (${a.origin}), project ${a.project}, namespace ${a.destinationNamespace}${a.delivery.filter(d => d.kind === 'Rollout').map(d => `; ${describeDelivery(d)}`).join('')}${drRoleNote(a)}` });
    }
  }
  return out;
}

/** `; DR pair api: standby (passive)` for an Application of a DR pair. */
function drRoleNote(a: PlannedApplication): string {
  const annotations = a.object?.metadata?.annotations ?? {};
  const pair = annotations['fleet.cdk8s.io/dr-pair'];
  if (!pair) return '';
  return `; DR pair ${pair}: ${annotations['fleet.cdk8s.io/dr-role']} (${annotations['fleet.cdk8s.io/dr-active'] === 'true' ? 'active' : 'passive'})`;
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

