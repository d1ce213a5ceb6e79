import { fieldText, objectName, textLines } from './diff-format';
import { Namesakes } from './fleet-model';
import { describeSources, PlannedApplication } from './fleet-plan';
import { formatPath } from './object-diff';
import { ClusterDiff, FleetDiff } from './plan-diff';
import { countChange, describeShardMove, ShardDiff, ShardLoadChange, shardSetup } from './shard-plan';
import { ApplicationObjects, columnOf, ObjectChange } from './tree-diff';
import { drSwitchText } from '../dr/private/dr-report';
import { compareCodeUnits, pushAll } from '../private/util';

/**
 * How `cdk8s-fleet diff` shows a `FleetDiff`: Markdown for a PR comment, plain text for a terminal, and JSON
 * (`diffJson`, its shape documented in the README). Clusters that change in exactly the same way are folded
 * into one section ("on 38 clusters: …"), with Application names written `web-{cluster}`.
 */

/** GitHub refuses comments over 65,536 characters: past this budget, sections lose their field details. */
export const MARKDOWN_BUDGET = 60_000;

/** The counts of the summary line. */
export interface DiffSummary {
  readonly clustersTouched: number;
  readonly objectsAdded: number;
  readonly objectsChanged: number;
  readonly objectsRemoved: number;
  readonly applicationsAffected: number;
}

/** Whether the diff found any difference at all (the `--exit-code` test). */
export function hasDifferences(d: FleetDiff): boolean {
  const o = d.objects;
  return d.clusters.length > 0 || d.projects.length > 0 || d.selections.length > 0 || d.removals.length > 0 || (d.disasterRecovery?.length ?? 0) > 0
    || (d.shardMoves?.length ?? 0) > 0
    || (o !== undefined && (o.clusters.length > 0 || o.fleet.length > 0 || o.unattributed.length > 0));
}

/** Clusters touched, objects added / changed / removed, Applications affected. */
export function diffSummary(d: FleetDiff): DiffSummary {
  const counts = { added: 0, changed: 0, removed: 0 };
  const count = (objects: readonly ObjectChange[]) => { for (const o of objects) counts[o.status]++; };
  const apps = new Set<string>();
  const clusters = new Set<string>(d.clusters.map(c => c.cluster));
  for (const c of d.clusters) for (const a of [...c.added, ...c.removed, ...c.changed]) apps.add(`${c.cluster}\u0000${a.fleet}\u0000${a.name}`);
  const byCluster = new Map(d.clusters.map(c => [c.cluster, c]));
  for (const c of d.objects?.clusters ?? []) {
    clusters.add(c.cluster);
    for (const a of c.applications) {
      apps.add(`${c.cluster}\u0000${a.fleet}\u0000${a.application}`);
      // An added or removed Application counts as an Application, not also as an object (as it is shown).
      count(withoutPlannedApplication(a, byCluster.get(c.cluster)));
    }
  }
  count(d.objects?.fleet ?? []);
  count(d.objects?.unattributed ?? []);
  return {
    clustersTouched: clusters.size,
    objectsAdded: counts.added,
    objectsChanged: counts.changed,
    objectsRemoved: counts.removed,
    applicationsAffected: apps.size,
  };
}

/** The diff as Markdown for a PR comment. */
export function diffMarkdown(d: FleetDiff): string {
  return render(d, MARKDOWN);
}

/** The diff as plain text (`plan --base`). */
export function diffText(d: FleetDiff): string {
  return render(d, TEXT);
}

/** The diff as JSON data (see the README for its shape). */
export function diffJson(d: FleetDiff): any {
  const app = (a: PlannedApplication) => ({ name: a.name, fleet: a.fleet, origin: a.origin, sources: a.sources });
  const objectsOf = new Map((d.objects?.clusters ?? []).map(c => [c.cluster, c.applications]));
  const names = [...new Set([...d.clusters.map(c => c.cluster), ...objectsOf.keys()])].sort(compareCodeUnits);
  const byName = new Map(d.clusters.map(c => [c.cluster, c]));
  return {
    version: 1,
    summary: { ...diffSummary(d), files: d.objects?.files },
    clusters: names.map(name => {
      const c: ClusterDiff = byName.get(name) ?? { cluster: name, status: 'changed', added: [], removed: [], changed: [], clusterScopedAdded: [] };
      return {
        ...c,
        added: c.added.map(app),
        removed: c.removed.map(app),
        objects: (objectsOf.get(name) ?? []).map(a => ({
          application: a.application, fleet: a.fleet, column: a.column, objects: a.objects.map(objectJson),
        })),
      };
    }),
    fleet: (d.objects?.fleet ?? []).map(objectJson),
    unattributed: (d.objects?.unattributed ?? []).map(objectJson),
    projects: d.projects,
    selections: d.selections,
    removals: d.removals,
    blockedRemovals: d.blockedRemovals,
    emptiedClusters: d.emptiedClusters,
    failingApplicationSets: d.failingApplicationSets,
    unusedAcknowledgements: d.unusedAcknowledgements,
    shardMoves: d.shardMoves ?? [],
    shards: d.shards ?? null,
    problems: d.objects?.problems ?? [],
    disasterRecovery: d.disasterRecovery ?? [],
  };
}

function objectJson(o: ObjectChange): any {
  return {
    status: o.status,
    apiVersion: o.apiVersion,
    kind: o.kind,
    ...(o.namespace !== undefined ? { namespace: o.namespace } : {}),
    name: o.name,
    file: o.file,
    fields: o.fields.map(f => ({
      path: formatPath(f.path),
      segments: f.path,
      change: f.change,
      ...(f.before !== undefined ? { before: f.before } : {}),
      ...(f.after !== undefined ? { after: f.after } : {}),
      ...(f.hidden ? { hidden: true } : {}),
    })),
  };
}

/** The markup of one output format. */
interface Markup {
  readonly markdown: boolean;
  heading(text: string): string;
  bold(text: string): string;
  code(text: string): string;
  /** A long body folded under a summary line. */
  details(summary: string, body: string[]): string[];
}

const MARKDOWN: Markup = {
  markdown: true,
  heading: t => `### ${t}`,
  bold: t => `**${t}**`,
  code: t => {
    const ticks = t.includes('`') ? '``' : '`';
    return ticks.length > 1 ? `${ticks} ${t} ${ticks}` : `\`${t}\``;
  },
  details: (summary, body) => [`<details><summary>${escapeHtml(summary)}</summary>`, '', ...body, '', '</details>'],
};

const TEXT: Markup = {
  markdown: false,
  heading: t => `== ${t}`,
  bold: t => t,
  code: t => t,
  details: (summary, body) => [summary, ...body],
};

/** What the plan diff says of an Application whose sources did not change but whose object did. */
const OTHER_FIELDS = 'other fields of the Application changed';

/** A section longer than this many lines is folded into `<details>`. */
const FOLD_LINES = 12;

/** One cluster's changes, with names that mention the cluster written with `{cluster}` when folded. */
interface ClusterReport {
  readonly cluster: string;
  readonly status: ClusterDiff['status'];
  readonly apps: AppReport[];
  readonly clusterScopedAdded: string[];
}

interface AppReport {
  readonly column: string;
  readonly name: string;
  /** The plan diff's line for this Application, without the name. */
  readonly plan?: { readonly icon: string; readonly text: string };
  readonly objects: ObjectChange[];
}

function render(d: FleetDiff, m: Markup): string {
  const lines: string[] = [m.markdown ? '## cdk8s-fleet diff' : 'cdk8s-fleet diff', ''];
  const s = diffSummary(d);
  const changed = hasDifferences(d);
  if (d.objects) {
    const files = d.objects.files;
    lines.push(changed
      ? `${m.bold('Summary:')} ${s.clustersTouched} cluster(s) touched · objects: ${s.objectsAdded} added, ${s.objectsChanged} changed, ${s.objectsRemoved} removed · ${s.applicationsAffected} Application(s) affected · ${files.changed} of ${Math.max(files.base, files.head)} files differ`
      : `No changes: both trees render the same objects on every cluster (${files.head} files compared).`, '');
  } else if (!changed) {
    lines.push('No changes to any Application (rendered objects not compared).', '');
  }
  if (d.blockedRemovals.length) {
    lines.push(m.markdown
      ? `> [!CAUTION]\n> **Deletion gate: ${d.blockedRemovals.length} Application removal(s) not acknowledged.** Declare intended removals with \`fleet.acknowledgeRemoval({ cluster, application, reason })\` (and \`fleet\` for a fleet the program no longer has).`
      : `DELETION GATE: ${d.blockedRemovals.length} Application removal(s) not acknowledged. Declare intended removals with fleet.acknowledgeRemoval({ cluster, application, reason }) (and fleet for a fleet the program no longer has).`, '');
  }
  for (const sw of d.disasterRecovery ?? []) {
    lines.push(m.markdown ? `> [!WARNING]\n> 🚨 **${sw.kind === 'failover' ? 'Failover' : 'Failback'}** — ${drSwitchText(sw)}.` : `${sw.kind.toUpperCase()}: ${drSwitchText(sw)}.`, '');
  }
  if (d.emptiedClusters.length) lines.push(`${m.bold('Clusters that lose every Application:')} ${d.emptiedClusters.join(', ')}`, '');
  if (d.failingApplicationSets.length) lines.push(`${m.bold('ApplicationSets Argo CD would fail to generate:')} ${d.failingApplicationSets.join(', ')}`, '');
  if (d.shardMoves?.length) {
    lines.push(`${m.bold(`Clusters that move controller shard (${d.shardMoves.length}; each restarts its reconciliation there):`)} ${capped(d.shardMoves.map(describeShardMove), 1_500)}`, '');
  }
  if (d.shards?.newWarnings.length) {
    lines.push(m.bold(`⚠️ Controller shard warnings this change introduces (${d.shards.newWarnings.length}):`), '');
    pushAll(lines, listLines(d.shards.newWarnings)).push('');
  }
  const problems = d.objects?.problems ?? [];
  if (problems.length) {
    lines.push(`${m.bold(`⚠️ ${problems.length} thing(s) could not be compared as objects:`)}`, '');
    pushAll(lines, problems.map(p => `- ${p}`)).push('');
  }
  const budget = new Budget(m.markdown ? MARKDOWN_BUDGET : Infinity);
  const leftOut: string[] = [];
  for (const group of foldClusters(clusterReports(d))) {
    const section = budget.fit(groupLevels(group, m));
    if (section.length === 0) pushAll(leftOut, group.map(r => r.cluster));
    pushAll(lines, section);
  }
  if (leftOut.length) lines.push(`${m.bold(`Also changed (${leftOut.length} cluster(s), left out for size):`)} ${capped(leftOut, 1_500)}`, '');
  if (d.projects.length) {
    lines.push(m.heading('AppProject permissions'), '');
    for (const p of d.projects) lines.push(`- ${m.bold(p.project)}: ${p.changes.map(c => m.code(c)).join(', ')}`);
    lines.push('');
  }
  if (d.selections.length) {
    lines.push(m.heading('ApplicationSet cluster selection'), '');
    for (const sel of d.selections) {
      lines.push(`- ${m.bold(sel.applicationSet)}:${sel.gained.length ? ` gains ${sel.gained.join(', ')}` : ''}${sel.lost.length ? ` loses ${sel.lost.join(', ')}` : ''}`);
    }
    lines.push('');
  }
  if (d.shards && (d.shards.loads.length || d.shards.resolvedWarnings.length)) pushAll(lines, budget.fit(shardLevels(d.shards, m)));
  if (d.objects?.fleet.length) pushAll(lines, budget.fit(sectionLevels('Argo CD objects (fleet)', d.objects.fleet, m)));
  if (d.objects?.unattributed.length) pushAll(lines, budget.fit(sectionLevels('Files no Application deploys', d.objects.unattributed, m)));
  if (d.unusedAcknowledgements.length) {
    const label = removalLabels(d);
    lines.push(`Stale removal acknowledgements (they match nothing; remove them): ${d.unusedAcknowledgements.map(label).join(', ')}`, '');
  }
  if (budget.cut || budget.omitted) {
    lines.push(`_To keep this comment under GitHub's size limit, ${budget.cut} section(s) are shown without their field changes${budget.omitted ? ` and ${budget.omitted} section(s) are left out` : ''}; \`cdk8s-fleet diff --json\` and \`cdk8s-fleet plan --html\` have everything._`, '');
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** Names joined, cut after about `max` characters with how many more there are. */
function capped(names: readonly string[], max: number): string {
  let out = '';
  for (let i = 0; i < names.length; i++) {
    if (out.length + names[i].length > max) return `${out}, and ${names.length - i} more`;
    out += `${i ? ', ' : ''}${names[i]}`;
  }
  return out;
}

/** `- item` lines, the first `max` of them and how many more there are. */
function listLines(items: readonly string[], max = 20): string[] {
  const out = items.slice(0, max).map(i => `- ${i}`);
  if (items.length > max) out.push(`- … and ${items.length - max} more (\`--json\` lists them all)`);
  return out;
}

/**
 * The shard section at each level of detail: every shard whose load changes; the shards above the limit and
 * how many others change; the count alone.
 */
function shardLevels(s: ShardDiff, m: Markup): Array<() => string[]> {
  const heading = m.heading(`Controller shards${shardSetup(s)}`);
  const row = (l: ShardLoadChange) => `- shard ${l.shard}: ${countChange(l.clusters, 'cluster')}, ${countChange(l.applications, 'Application')}${l.overLimit ? ' — ⚠️ above the limit' : ''}`;
  const changing = `${s.loads.length} shard(s) change load`;
  const kept = s.warnings.length - s.newWarnings.length;
  const notes = [
    ...(s.resolvedWarnings.length ? [[`Warnings this change resolves (${s.resolvedWarnings.length}):`, '', ...listLines(s.resolvedWarnings)]] : []),
    ...(kept ? [[`${kept} warning(s) unchanged from the base (${m.code('cdk8s-fleet plan')} lists them).`]] : []),
  ];
  const section = (rows: string[]) => {
    const out = [heading, ''];
    if (rows.length > FOLD_LINES && m.markdown) pushAll(out, m.details(changing, rows));
    else pushAll(out, rows);
    for (const note of notes) pushAll(out, out.length > 2 ? ['', ...note] : note);
    out.push('');
    return out;
  };
  const flagged = s.loads.filter(l => l.overLimit);
  return [
    () => section(s.loads.map(row)),
    () => section([...flagged.map(row), ...(s.loads.length > flagged.length ? [`- ${s.loads.length - flagged.length} other shard(s) change load`] : [])]),
    () => [heading, '', `${changing}${flagged.length ? `, ${flagged.length} above the limit` : ''}.`, ''],
  ];
}

/**
 * What is left of the comment's size: each section comes in levels of detail (all fields; object names only;
 * its heading only), and the first that fits is shown. Headings alone may overrun the budget by `HEADROOM`;
 * past that, sections are left out and counted.
 */
class Budget {
  public cut = 0;
  public omitted = 0;
  public constructor(private left: number) {}
  public fit(levels: ReadonlyArray<() => string[]>): string[] {
    for (let i = 0; i < levels.length; i++) {
      const lines = levels[i]();
      const size = chars(lines);
      const last = i === levels.length - 1;
      if (size <= this.left || (last && size <= this.left + HEADROOM)) {
        this.left -= size;
        if (i > 0) this.cut++;
        return lines;
      }
    }
    this.omitted++;
    return [];
  }
}

const HEADROOM = 4_000;

function chars(lines: readonly string[]): number {
  return lines.reduce((n, l) => n + l.length + 1, 0);
}

function clusterReports(d: FleetDiff): ClusterReport[] {
  const plan = new Map(d.clusters.map(c => [c.cluster, c]));
  const objects = new Map((d.objects?.clusters ?? []).map(c => [c.cluster, c.applications]));
  const names = [...new Set([...plan.keys(), ...objects.keys()])].sort(compareCodeUnits);
  const removals = new Map(d.removals.map(r => [`${r.cluster}\u0000${r.fleet}\u0000${r.application}`, r]));
  return names.map(cluster => {
    const c = plan.get(cluster);
    // One row per Application: by fleet and name, shown as `<fleet>/<name>` when two fleets have the name here.
    const label = (fleet: string, name: string) => d.namesakes?.label(`${cluster}\u0000${name}`, fleet, name) ?? name;
    const apps = new Map<string, AppReport>();
    const get = (fleet: string, name: string): AppReport => {
      let a = apps.get(`${fleet}\u0000${name}`);
      if (!a) {
        a = { column: columnOf(name, cluster), name: label(fleet, name), objects: [] };
        apps.set(`${fleet}\u0000${name}`, a);
      }
      return a;
    };
    const setPlan = (a: { fleet: string; name: string }, icon: string, text: string) => {
      apps.set(`${a.fleet}\u0000${a.name}`, { ...get(a.fleet, a.name), plan: { icon, text } });
    };
    for (const a of c?.added ?? []) setPlan(a, '➕', `(${a.origin}) ${describeSources(a)}`);
    for (const a of c?.removed ?? []) {
      const r = removals.get(`${cluster}\u0000${a.fleet}\u0000${a.name}`);
      setPlan(a, '➖', `(${a.origin})${r?.acknowledged ? ` — acknowledged: ${r.acknowledged.reason}` : ' — **not acknowledged**'}`);
    }
    for (const ch of c?.changed ?? []) setPlan(ch, '✏️', `: ${ch.changes.join('; ')}`);
    for (const a of objects.get(cluster) ?? []) {
      const app = { ...get(a.fleet, a.application), objects: withoutPlannedApplication(a, c) };
      // The plan's catch-all line says less than the Application's own field changes shown below it.
      if (app.plan?.text === `: ${OTHER_FIELDS}` && app.objects.some(o => o.kind === 'Application')) delete (app as any).plan;
      apps.set(`${a.fleet}\u0000${a.application}`, app);
    }
    return {
      cluster,
      status: c?.status ?? 'changed',
      apps: [...apps.values()].sort((x, y) => compareCodeUnits(x.column, y.column) || compareCodeUnits(x.name, y.name)),
      clusterScopedAdded: c?.clusterScopedAdded ?? [],
    };
  });
}

/** The Application object of an added or removed Application says nothing the plan line does not. */
function withoutPlannedApplication(a: ApplicationObjects, c: ClusterDiff | undefined): ObjectChange[] {
  const planned = new Set([...(c?.added ?? []), ...(c?.removed ?? [])].filter(x => x.fleet === a.fleet).map(x => x.name));
  return a.objects.filter(o => !(o.kind === 'Application' && o.status !== 'changed' && planned.has(o.name)));
}

/**
 * How a removal or an acknowledgement is named in the gate's lists: `<cluster>/<application>`, with its fleet when
 * the diff has that pair in two fleets (an acknowledgement without a fleet stands for any).
 */
export function removalLabels(d: FleetDiff): (r: { readonly cluster: string; readonly application: string; readonly fleet?: string }) => string {
  const namesakes = new Namesakes();
  for (const r of [...d.removals, ...d.unusedAcknowledgements]) namesakes.add(`${r.cluster}/${r.application}`, r.fleet ?? '*');
  return r => {
    const key = `${r.cluster}/${r.application}`;
    return namesakes.has(key) ? `${key} (${r.fleet === undefined ? 'any fleet' : `fleet '${r.fleet}'`})` : key;
  };
}

/** Groups clusters whose changes are the same once their own name is taken out, in cluster order. */
function foldClusters(reports: ClusterReport[]): ClusterReport[][] {
  const groups = new Map<string, ClusterReport[]>();
  for (const r of reports) {
    // The files differ per cluster (clusters/<cluster>/…); what the cluster runs does not.
    const apps = r.apps.map(a => templated(a, r.cluster)).map(a => ({ ...a, objects: a.objects.map(o => ({ ...o, file: '' })) }));
    const key = JSON.stringify({ status: r.status, scoped: r.clusterScopedAdded, apps });
    const g = groups.get(key) ?? [];
    groups.set(key, g);
    g.push(r);
  }
  return [...groups.values()];
}

function templated(a: AppReport, cluster: string): AppReport {
  const name = template(a.name, cluster);
  return { ...a, name, objects: a.objects.map(o => (o.kind === 'Application' ? { ...o, name: template(o.name, cluster) } : o)) };
}

function template(name: string, cluster: string): string {
  if (name.endsWith(`-${cluster}`)) return `${name.slice(0, -cluster.length)}{cluster}`;
  if (name.startsWith(`${cluster}-`)) return `{cluster}${name.slice(cluster.length)}`;
  return name;
}

/** A folded group of clusters at each level of detail. */
function groupLevels(group: ClusterReport[], m: Markup): Array<() => string[]> {
  const first = group[0];
  const folded = group.length > 1;
  const names = group.map(r => r.cluster);
  const title = folded ? `on ${names.length} clusters: ${names.join(', ')}` : `${first.cluster}${first.status === 'changed' ? '' : ` (cluster ${first.status})`}`;
  const status = folded && first.status !== 'changed' ? ` (clusters ${first.status})` : '';
  const apps = folded ? first.apps.map(a => templated(a, first.cluster)) : first.apps;
  const counts = `${apps.length} Application(s): ${countObjects(apps.flatMap(a => a.objects))}`;
  const section = (body: string[]) => {
    const all = [...body, ...first.clusterScopedAdded.map(s => `- ⚠️ cluster-scoped object added: ${m.code(s)}`)];
    const out = [m.heading(`${title}${status}`), ''];
    if (all.length > FOLD_LINES && m.markdown) pushAll(out, m.details(counts, all));
    else pushAll(out, all);
    out.push('');
    return out;
  };
  return [() => section(appLines(apps, m, true)), () => section(appLines(apps, m, false)), () => [m.heading(`${title}${status}`), '', counts, '']];
}

function countObjects(objects: readonly ObjectChange[]): string {
  const c = { added: 0, changed: 0, removed: 0 };
  for (const o of objects) c[o.status]++;
  return (['added', 'changed', 'removed'] as const).filter(k => c[k]).map(k => `${c[k]} object(s) ${k}`).join(', ') || 'no object changes';
}

function appLines(apps: readonly AppReport[], m: Markup, withFields: boolean): string[] {
  const out: string[] = [];
  for (const a of apps) {
    out.push(a.plan ? `- ${a.plan.icon} ${m.bold(a.name)}${a.plan.text.startsWith(':') ? '' : ' '}${a.plan.text}` : `- ✏️ ${m.bold(a.name)}`);
    for (const o of a.objects) pushAll(out, objectLines(o, m, '  ', withFields));
  }
  return out;
}

/** A section of objects (the fleet's, files no Application deploys) at each level of detail. */
function sectionLevels(title: string, objects: readonly ObjectChange[], m: Markup): Array<() => string[]> {
  const section = (body: string[]) => {
    const out = [m.heading(title), ''];
    if (body.length > FOLD_LINES && m.markdown) pushAll(out, m.details(countObjects(objects), body));
    else pushAll(out, body);
    out.push('');
    return out;
  };
  return [
    () => section(objects.flatMap(o => objectLines(o, m, '', true))),
    () => section(objects.flatMap(o => objectLines(o, m, '', false))),
    () => [m.heading(title), '', countObjects(objects), ''],
  ];
}

const ICONS = { added: '➕', removed: '➖', changed: '✏️' };

/** `- ✏️ Deployment api/api` and its fields, indented. */
function objectLines(o: ObjectChange, m: Markup, indent: string, withFields: boolean): string[] {
  const out = [`${indent}- ${ICONS[o.status]} ${o.kind} ${m.code(objectName(o))}${o.status === 'changed' ? '' : ` ${o.status}`}`];
  if (!withFields) return out;
  for (const f of o.fields) {
    out.push(`${indent}  - ${m.code(fieldText(f, o.status === 'added'))}`);
    const lines = textLines(f);
    if (lines.length) {
      const fence = lines.some(l => l.includes('```')) ? '~~~~' : '```';
      pushAll(out, (m.markdown ? [`${fence}diff`, ...lines, fence] : lines).map(l => `${indent}    ${l}`));
    }
  }
  return out;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

