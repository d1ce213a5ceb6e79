import * as fs from 'fs';
import * as path from 'path';
import { CommandResult } from './appset-generate';
import { CliError } from './errors';
import { diffJson, diffMarkdown, diffText, hasDifferences, removalLabels } from '../gitops/diff-report';
import { readTreeModel } from '../gitops/fleet-model';
import { computePlan, planJson, planText } from '../gitops/fleet-plan';
import { proveFleet } from '../gitops/fleet-proofs';
import { FleetDiff } from '../gitops/plan-diff';
import { planHtml } from '../gitops/plan-html';
import type { ShardPlanOptions } from '../gitops/shard-plan';
import { diffTrees } from '../gitops/tree-diff';
import { ProgressListener, requireTree } from '../gitops/tree-scan';
import { writeFileAtomically } from '../private/yaml-edit';

/** Options of `cdk8s-fleet plan`. */
export interface PlanCommandOptions {
  readonly json?: boolean;
  /** Write a self-contained HTML page here. */
  readonly html?: string;
  /** A base tree: the text (or JSON) adds the changes against it, the HTML page highlights them with their object diffs. */
  readonly base?: string;
  /** Called with a short line during long work (reading and diffing large trees). */
  readonly onProgress?: ProgressListener;
  /**
   * The Argo CD installation the shard section assumes (`--controller-replicas`, `--max-shard-applications`):
   * every shard listed, pins at or above the replicas and loads above the limit reported.
   * @default - the shards clusters are pinned to, no limit
   */
  readonly sharding?: ShardPlanOptions;
}

/** Options of `cdk8s-fleet diff`. */
export interface DiffCommandOptions {
  readonly json?: boolean;
  /** Exit 1 when there are differences, like `git diff --exit-code`. */
  readonly exitCode?: boolean;
  /** Called with a short line during long diffs. */
  readonly onProgress?: ProgressListener;
  /** As `PlanCommandOptions.sharding`, for both trees. @default - the shards clusters are pinned to, no limit */
  readonly sharding?: ShardPlanOptions;
}

/**
 * `cdk8s-fleet plan <tree>`: per cluster, the Applications it runs, with versions and images. With `--base`,
 * also what changes against the base tree (as `diff` reports it), and on the HTML page each changed cell opens
 * its objects' field diffs.
 */
export function planCommand(tree: string, options: PlanCommandOptions): CommandResult {
  if (options.html) checkWritable(options.html);
  if (options.base) return planWithBase(tree, options.base, options);
  requireTree(tree);
  const model = readTreeModel(tree);
  const plan = computePlan(model, [], options.sharding);
  let stderr = model.problems.map(p => `warning: ${p}\n`).join('');
  if (options.html) {
    writeOutput(options.html, planHtml(plan));
    stderr += `wrote ${options.html}\n`;
  }
  const stdout = options.json ? JSON.stringify(planJson(plan), undefined, 2) + '\n' : planText(plan) + '\n';
  return { stdout, stderr, code: 0 };
}

function planWithBase(tree: string, baseTree: string, options: PlanCommandOptions): CommandResult {
  const { diff, base, head } = diffTrees(baseTree, tree, { fullPlans: true, onProgress: options.onProgress, sharding: options.sharding });
  let stderr = warnings(diff);
  if (options.html) {
    writeOutput(options.html, planHtml(head, base, diff));
    stderr += `wrote ${options.html}\n`;
  }
  const stdout = options.json
    ? JSON.stringify({ ...planJson(head), changes: diffJson(diff) }, undefined, 2) + '\n'
    : `${planText(head)}\n\nChanges against ${baseTree}:\n\n${diffText(diff)}`;
  return { stdout, stderr, code: 0 };
}

/**
 * `cdk8s-fleet diff <base> <head>`: every rendered object a change adds, removes or changes, per cluster, with
 * the plan's changes; fails the deletion gate, and with `exitCode` any difference.
 */
export function diffCommand(baseTree: string, headTree: string, options: DiffCommandOptions): CommandResult {
  const { diff } = diffTrees(baseTree, headTree, { onProgress: options.onProgress, sharding: options.sharding });
  const stdout = options.json ? JSON.stringify(diffJson(diff), undefined, 2) + '\n' : diffMarkdown(diff);
  let stderr = warnings(diff);
  let code = 0;
  if (diff.blockedRemovals.length) {
    stderr += `deletion gate: ${diff.blockedRemovals.length} Application removal(s) not acknowledged: ${diff.blockedRemovals.map(removalLabels(diff)).join(', ')}\n`;
    code = 1;
  }
  if (diff.failingApplicationSets.length) {
    stderr += `Argo CD would fail to generate: ${diff.failingApplicationSets.join(', ')}\n`;
    code = 1;
  }
  // Something that could not be compared is not "no differences".
  if (options.exitCode && (hasDifferences(diff) || (diff.objects?.problems.length ?? 0) > 0)) code = 1;
  return { stdout, stderr, code };
}

/**
 * The fleet proofs of a tree on disk (waivers come from the ApplicationSets' annotations). `known` holds file
 * contents already read.
 */
export function treeProofProblems(tree: string, known?: ReadonlyMap<string, string>): string[] {
  const model = readTreeModel(tree, known);
  const result = proveFleet(model, computePlan(model));
  return result.errors.map(e => `fleet proof: ${e}`);
}

function warnings(diff: FleetDiff): string {
  return (diff.objects?.problems ?? []).map(p => `warning: ${p}\n`).join('');
}

/** Refuses an output file whose directory does not exist (before any work). */
function checkWritable(file: string): void {
  const dir = path.dirname(path.resolve(file));
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CliError(`cannot write ${file}: directory ${path.dirname(file)} does not exist`, 2);
  }
  if (!stat.isDirectory()) throw new CliError(`cannot write ${file}: ${path.dirname(file)} is not a directory`, 2);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new CliError(`cannot write ${file}: it is a directory`, 2);
}

/** Writes next to the target and renames over it (`writeFileAtomically`), so a reader never sees half a file. */
function writeOutput(file: string, content: string): void {
  try {
    writeFileAtomically(file, content);
  } catch (e) {
    throw new CliError((e as Error).message, 2);
  }
}
