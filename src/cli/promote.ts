import * as fs from 'fs';
import * as yaml from 'yaml';
import { CliError } from './errors';
import { readTreeModel } from '../gitops/fleet-model';
import { computePlan, PlannedApplication } from '../gitops/fleet-plan';
import { scalarSource, writeFileAtomically } from '../private/yaml-edit';
import { readTextFile } from '../private/yaml-input';
import { versionOfImage } from '../promotion/image-reference';
import { parseVersions } from '../promotion/versions-parse';

/** Options of `cdk8s-fleet promote`. */
export interface PromoteOptions {
  readonly from: string;
  readonly to: string;
  /** The version to promote; it must be what `from` runs. Default: what `from` runs. */
  readonly version?: string;
  /** The versions file. Default: versions.yaml. */
  readonly file?: string;
  /** Explain, change nothing. */
  readonly dryRun?: boolean;
  /** A synthesized tree, to list the clusters and files the next synth changes. */
  readonly tree?: string;
}

/** What `promote` did or (with `dryRun`) would do. `--json` prints it as it is. */
export interface PromoteReport {
  readonly application: string;
  readonly from: string;
  readonly to: string;
  readonly file: string;
  /** What `to` pinned before (undefined: no pin). */
  readonly previous?: string;
  readonly version: string;
  /** Whether the versions file changes (false when `to` already runs `version`). */
  readonly changed: boolean;
  readonly dryRun: boolean;
  /** With `tree`: what the next synth changes. */
  readonly tree?: PromotionImpact;
}

/** The clusters and files of a tree that a promotion changes. */
export interface PromotionImpact {
  /** The cluster label that names environments. */
  readonly environmentLabel: string;
  /** Clusters of the target environment whose Applications of the application run the previous version. */
  readonly clusters: string[];
  /** Clusters of the target environment that run another version (a per-cluster pin) and do not change. */
  readonly unchanged: { readonly cluster: string; readonly runs: string[] }[];
  /** Files of the tree that hold the previous version for the clusters that change. */
  readonly files: string[];
}

/**
 * `cdk8s-fleet promote <app> --from staging --to production`: pins in `to` the version `from` runs, editing the
 * versions file in place and keeping its comments and formatting. Refuses (a `CliError`, exit code 2) to skip a
 * stage, to promote a version `from` does not run, and unknown names.
 */
export function promote(app: string, options: PromoteOptions): PromoteReport {
  const file = options.file ?? 'versions.yaml';
  const text = readTextFile(file, { what: 'versions file' });
  const parsed = parseVersions(text, file);
  if (parsed.errors.length) throw new CliError(parsed.errors.join('\n'));
  const { environments } = parsed;
  for (const env of [options.from, options.to]) {
    if (!environments.includes(env)) throw new CliError(`'${env}' is not an environment of ${file} (${environments.join(' → ')})`);
  }
  if (environments.indexOf(options.to) !== environments.indexOf(options.from) + 1) {
    throw new CliError(`${options.to} is not the stage after ${options.from} (${environments.join(' → ')}); promote one stage at a time`);
  }
  const pins = parsed.pins.get(app);
  if (!pins) throw new CliError(`${file} pins no versions of '${app}' (applications: ${[...parsed.pins.keys()].join(', ') || 'none'})`);
  const fromVersion = pins.get(options.from);
  if (fromVersion === undefined) throw new CliError(`'${app}' has no version in ${options.from}`);
  const version = options.version ?? fromVersion;
  if (version !== fromVersion) throw new CliError(`${options.from} runs ${app} ${fromVersion}, not ${version}; promote ${version} to ${options.from} first`);
  const previous = pins.get(options.to);
  const changed = previous !== version;
  const tree = options.tree && changed ? impact(options.tree, app, parsed.environmentLabel, options.to, previous) : undefined;
  const report: PromoteReport = {
    application: app, from: options.from, to: options.to, file, previous, version, changed, dryRun: !!options.dryRun, tree,
  };
  if (changed && !options.dryRun) writeAtomically(file, setVersion(text, app, options.to, version));
  return report;
}

/** The report as the lines the command prints. */
export function promoteText(r: PromoteReport): string {
  if (!r.changed) return `${r.application}: ${r.to} already runs ${r.version}; nothing to do\n`;
  const lines = [`${r.application}: ${r.to} ${r.previous ?? '(none)'} → ${r.version} (from ${r.from})`];
  const t = r.tree;
  if (t) {
    lines.push(`clusters (${t.environmentLabel}=${r.to}): ${t.clusters.join(', ') || 'none'}`);
    for (const u of t.unchanged) lines.push(`unchanged: ${u.cluster} runs ${u.runs.join(', ')} (pinned per cluster)`);
    if (r.previous !== undefined) {
      lines.push(t.files.length ? `files holding ${r.previous}:` : `no file of the tree holds ${r.previous}`);
      for (const f of t.files) lines.push(`  ${f}`);
    }
  }
  if (r.dryRun) return `dry run, ${r.file} unchanged:\n${lines.join('\n')}\n`;
  return `${lines.join('\n')}\nupdated ${r.file}; synthesize to apply it\n`;
}

/**
 * What the next synth changes in `tree`: the clusters of `environment` whose Applications of `app` run `old`
 * (a container image with that tag or digest, or a chart at that version), and their files that hold it.
 * Applications belong to `app` when an ApplicationSet `<app>` or `<app>-<environment>` generates them (a
 * Workload, a HelmApplication) or when they are named `<app>-<cluster>`. A cluster pinned to another version
 * by a per-cluster setting runs something else and does not change.
 */
function impact(tree: string, app: string, label: string, environment: string, old: string | undefined): PromotionImpact {
  if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) throw new CliError(`--tree ${tree}: no such directory`);
  const model = readTreeModel(tree);
  if (model.entries.length === 0) throw new CliError(`--tree ${tree}: not a synthesized tree (it holds no YAML files); give the FleetApp outdir`);
  const plan = computePlan(model);
  const belongs = (a: PlannedApplication, cluster: string) =>
    a.origin === `ApplicationSet/${app}` || a.origin === `ApplicationSet/${app}-${environment}` || a.name === `${app}-${cluster}`;
  const clusters: string[] = [];
  const unchanged: { cluster: string; runs: string[] }[] = [];
  const dirs: string[] = [];
  const appSetFiles = new Set<string>();
  for (const c of plan.clusters.filter(x => x.labels[label] === environment)) {
    const apps = c.applications.filter(a => belongs(a, c.name));
    if (apps.length === 0) continue;
    const runs = new Set<string>();
    for (const s of apps.flatMap(a => a.sources)) {
      if (s.chart) runs.add(s.targetRevision);
      for (const image of s.images) {
        const v = versionOfImage(image);
        if (v !== undefined) runs.add(v);
      }
    }
    if (old === undefined || runs.has(old)) {
      clusters.push(c.name);
      for (const a of apps) {
        for (const s of a.sources) if (s.path !== undefined && !s.chart) dirs.push(`${String(s.path).replace(/^\.\//, '').replace(/\/+$/, '')}/`);
        if (a.origin.startsWith('ApplicationSet/')) appSetFiles.add(a.origin.slice('ApplicationSet/'.length));
      }
    } else {
      unchanged.push({ cluster: c.name, runs: [...runs].sort() });
    }
  }
  const files = new Set<string>();
  if (old !== undefined) {
    for (const e of model.entries) {
      const inDir = dirs.some(d => e.path.startsWith(d));
      const holds = inDir
        ? (e.images ?? []).some(i => versionOfImage(i) === old) || (isKustomization(e.object) && (e.content ?? '').includes(old))
        : e.object?.kind === 'ApplicationSet' && appSetFiles.has(e.object.metadata?.name) && (e.content ?? '').includes(old);
      if (holds) files.add(e.path);
    }
  }
  return { environmentLabel: label, clusters, unchanged, files: [...files].sort() };
}

function isKustomization(o: any): boolean {
  return o?.kind === 'Kustomization' && String(o?.apiVersion).startsWith('kustomize.config.k8s.io/');
}

/**
 * The file's text with `versions.<app>.<environment>` set to `version`, changing nothing else: the value's bytes
 * are replaced in place (keeping its quoting and the comment after it), or a line is added after the
 * application's last environment.
 */
export function setVersion(text: string, app: string, environment: string, version: string): string {
  const doc = yaml.parseDocument(text);
  const node = doc.getIn(['versions', app, environment], true);
  if (yaml.isScalar(node) && node.range) {
    const [start, end] = node.range;
    return text.slice(0, start) + scalarSource(version, node.type) + text.slice(end);
  }
  const map = doc.getIn(['versions', app], true);
  if (!yaml.isMap(map) || map.items.length === 0 || !yaml.isScalar(map.items[0].key) || !(map.items[0].key as any).range) {
    doc.setIn(['versions', app, environment], version);
    return doc.toString();
  }
  const firstKey = map.items[0].key as yaml.Scalar;
  const lineStart = text.lastIndexOf('\n', firstKey.range![0] - 1) + 1;
  const indent = text.slice(lineStart, firstKey.range![0]);
  const last = map.items[map.items.length - 1];
  const lastEnd = (last.value as any)?.range?.[2] ?? (last.key as any).range[2];
  const lineEnd = text.indexOf('\n', lastEnd - 1);
  const at = lineEnd < 0 ? text.length : lineEnd;
  return `${text.slice(0, at)}\n${indent}${environment}: ${scalarSource(version, 'PLAIN')}${text.slice(at)}`;
}

function writeAtomically(file: string, content: string): void {
  try {
    writeFileAtomically(file, content);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}
