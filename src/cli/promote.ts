import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';
import { CommandResult } from './appset-generate';
import { readTreeModel } from '../gitops/fleet-model';
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

/**
 * `cdk8s-fleet promote <app> --from staging --to production`: pins in `to` the version `from` runs, editing the
 * versions file in place and keeping its comments and formatting. Refuses to skip a stage.
 */
export function promote(app: string, options: PromoteOptions): CommandResult {
  const file = options.file ?? 'versions.yaml';
  if (!fs.existsSync(file)) return fail(`${file}: no such file (pass --file)`);
  const text = fs.readFileSync(file, 'utf-8');
  const parsed = parseVersions(text, file);
  if (parsed.errors.length) return fail(parsed.errors.join('\n'));
  const { environments } = parsed;
  for (const env of [options.from, options.to]) {
    if (!environments.includes(env)) return fail(`'${env}' is not an environment of ${file} (${environments.join(' → ')})`);
  }
  if (environments.indexOf(options.to) !== environments.indexOf(options.from) + 1) {
    return fail(`${options.to} is not the stage after ${options.from} (${environments.join(' → ')}); promote one stage at a time`);
  }
  const pins = parsed.pins.get(app);
  if (!pins) return fail(`${file} pins no versions of '${app}' (applications: ${[...parsed.pins.keys()].join(', ') || 'none'})`);
  const fromVersion = pins.get(options.from);
  if (fromVersion === undefined) return fail(`'${app}' has no version in ${options.from}`);
  const version = options.version ?? fromVersion;
  if (version !== fromVersion) return fail(`${options.from} runs ${app} ${fromVersion}, not ${version}; promote ${version} to ${options.from} first`);
  const old = pins.get(options.to);
  if (old === version) return { stdout: `${app}: ${options.to} already runs ${version}; nothing to do\n`, stderr: '', code: 0 };

  const lines = [`${app}: ${options.to} ${old ?? '(none)'} → ${version} (from ${options.from})`];
  if (options.tree) lines.push(...affected(options.tree, app, parsed.environmentLabel, options.to, old));
  if (options.dryRun) return { stdout: `dry run, ${file} unchanged:\n${lines.join('\n')}\n`, stderr: '', code: 0 };

  writeAtomically(file, setVersion(text, app, options.to, version));
  return { stdout: `${lines.join('\n')}\nupdated ${file}; synthesize to apply it\n`, stderr: '', code: 0 };
}

/** The clusters of `environment` in the tree, and the files of `app` there that hold the old version. */
function affected(tree: string, app: string, label: string, environment: string, old: string | undefined): string[] {
  const model = readTreeModel(tree);
  if (model.entries.length === 0) return [`(no tree at ${tree})`];
  const clusters = model.clusters.filter(c => c.labels[label] === environment).map(c => c.name).sort();
  const out = [`clusters (${label}=${environment}): ${clusters.join(', ') || 'none'}`];
  if (old === undefined) return out;
  const files = new Set<string>();
  for (const e of model.entries) {
    const inCluster = clusters.some(c => e.path.startsWith(`clusters/${c}/${app}/`)) || e.path.startsWith(`apps/${app}/`);
    const argo = e.path.startsWith('argocd/') && e.content?.includes(app);
    if ((inCluster || argo) && e.content?.includes(old)) files.add(e.path);
  }
  out.push(files.size ? `files holding ${old}:` : `no file of the tree holds ${old}`);
  for (const f of [...files].sort()) out.push(`  ${f}`);
  return out;
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

/** `version` as a YAML scalar in the given style, quoted when plain YAML would read it as something else. */
function scalarSource(version: string, style: string | undefined): string {
  if (style === 'QUOTE_SINGLE') return `'${version.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(version);
  return yaml.parse(version) === version ? version : JSON.stringify(version);
}

function writeAtomically(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function fail(message: string): CommandResult {
  return { stdout: '', stderr: `${message}\n`, code: 1 };
}
