import * as fs from 'fs';
import * as path from 'path';
import type { CommandResult } from './appset-generate';
import { compareCodeUnits } from '../private/util';
import { InputError, parseYamlDocuments, readTextFile } from '../private/yaml-input';
import { formatProblem, LintInput, lintObjects } from '../rollouts/private/rules/lint';

/** Options of `cdk8s-fleet lint`. */
export interface LintCommandOptions {
  /** Skip the strict schemas (controller rules only). */
  readonly schemas?: boolean;
}

/** The most files one run reads: a bound on memory and time for a mistyped path such as `/`. */
export const MAX_LINT_FILES = 100_000;
const YAML_FILE = /\.(ya?ml|json)$/;
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.cdk8s-fleet']);

/**
 * `cdk8s-fleet lint PATH...`: checks any Kubernetes YAML offline, as the API server and the Argo Rollouts v1.9.1
 * controller would: strict schemas for every pinned kind, the Rollout rules behind the `InvalidSpec` condition
 * (with the Services, Ingresses, VirtualServices and analysis templates given alongside), and the errors an
 * AnalysisRun started from a template would end in. One problem per line on stdout,
 * `<file>: <Kind/name>: <field>: <message>`; exit 0 when every object would be accepted, 1 when any would be
 * rejected (warnings do not fail), 2 when an input cannot be read.
 *
 * Objects reference each other within the files named on the command line, and within each directory found
 * under a directory argument (an application's manifests), so a tree of many clusters is linted cluster by
 * cluster, application by application.
 */
export function lintCommand(paths: string[], options: LintCommandOptions = {}): CommandResult {
  const groups = new Map<string, string[]>();
  const unreadable: string[] = [];
  let count = 0;
  const add = (group: string, file: string) => {
    if (++count > MAX_LINT_FILES) throw new InputError(`more than ${MAX_LINT_FILES} files under the paths given; lint a smaller part of the tree`);
    const list = groups.get(group) ?? [];
    list.push(file);
    groups.set(group, list);
  };
  try {
    for (const p of paths) {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(p);
      } catch {
        unreadable.push(`${p}: no such file or directory`);
        continue;
      }
      if (stat.isDirectory()) walk(p, add);
      else add('\0arguments', p);
    }
  } catch (e) {
    if (e instanceof InputError) return { stdout: '', stderr: `${e.message}\n`, code: 2 };
    throw e;
  }
  const parsed: { group: string; inputs: LintInput[] }[] = [];
  for (const [group, files] of groups) {
    const inputs: LintInput[] = [];
    for (const file of files) {
      try {
        const docs = parseYamlDocuments(readTextFile(file), file);
        docs.forEach((object, i) => inputs.push({ object, source: docs.length > 1 ? `${file} (document ${i + 1})` : file }));
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        unreadable.push(e.message);
      }
    }
    parsed.push({ group, inputs });
  }
  if (unreadable.length) return { stdout: '', stderr: unreadable.map(u => `${u}\n`).join(''), code: 2 };
  let stdout = '';
  let errors = 0;
  let warnings = 0;
  let objects = 0;
  let schemaChecked = 0;
  const unknown = new Set<string>();
  for (const { inputs } of parsed) {
    const result = lintObjects(inputs, { schemas: options.schemas ?? true });
    objects += inputs.length;
    schemaChecked += result.schemaChecked;
    for (const k of result.unknownKinds) unknown.add(k);
    for (const p of result.problems) {
      stdout += `${formatProblem(p)}\n`;
      if (p.severity === 'error') errors++;
      else warnings++;
    }
  }
  const notChecked = unknown.size ? `; no pinned schema for ${[...unknown].sort().join(', ')}` : '';
  const summary = `${objects} object(s) in ${count} file(s): ${errors} error(s), ${warnings} warning(s) (${schemaChecked} checked against pinned schemas${notChecked})\n`;
  return { stdout, stderr: summary, code: errors > 0 ? 1 : 0 };
}

/** The YAML files under a directory, grouped by the directory that holds them; symlinked directories are not followed. */
function walk(dir: string, add: (group: string, file: string) => void): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e: any) {
    throw new InputError(`${dir}: ${e?.code === 'EACCES' ? 'permission denied' : e?.message ?? e}`);
  }
  for (const e of entries.sort((a, b) => compareCodeUnits(a.name, b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(e.name)) walk(p, add);
    } else if (e.isFile() && YAML_FILE.test(e.name)) {
      add(dir, p);
    }
  }
}
