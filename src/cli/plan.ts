import * as fs from 'fs';
import { CommandResult } from './appset-generate';
import { readTreeModel } from '../gitops/fleet-model';
import { computePlan, planJson, planText } from '../gitops/fleet-plan';
import { proveFleet } from '../gitops/fleet-proofs';
import { diffJson, diffMarkdown, diffPlans } from '../gitops/plan-diff';
import { planHtml } from '../gitops/plan-html';

/** Options of `cdk8s-fleet plan`. */
export interface PlanCommandOptions {
  readonly json?: boolean;
  /** Write a self-contained HTML page here. */
  readonly html?: string;
  /** A base tree whose differences the HTML page highlights. */
  readonly base?: string;
}

/** `cdk8s-fleet plan <tree>`: per cluster, the Applications it runs, with versions and images. */
export function planCommand(tree: string, options: PlanCommandOptions): CommandResult {
  const model = readTreeModel(tree);
  if (model.problems.length && model.entries.length === 0) return { stdout: '', stderr: model.problems.join('\n') + '\n', code: 2 };
  const plan = computePlan(model);
  let stderr = model.problems.map(p => `warning: ${p}\n`).join('');
  if (options.html) {
    const base = options.base ? computePlan(readTreeModel(options.base)) : undefined;
    fs.writeFileSync(options.html, planHtml(plan, base));
    stderr += `wrote ${options.html}\n`;
  }
  const stdout = options.json ? JSON.stringify(planJson(plan), undefined, 2) + '\n' : planText(plan) + '\n';
  return { stdout, stderr, code: 0 };
}

/** `cdk8s-fleet diff <base> <head>`: what a change does per cluster; fails the deletion gate. */
export function diffCommand(baseTree: string, headTree: string, options: { json?: boolean }): CommandResult {
  const baseModel = readTreeModel(baseTree);
  const headModel = readTreeModel(headTree);
  const problems = [...baseModel.problems.map(p => `base: ${p}`), ...headModel.problems.map(p => `head: ${p}`)];
  if (!fs.existsSync(baseTree) || !fs.existsSync(headTree)) return { stdout: '', stderr: problems.join('\n') + '\n', code: 2 };
  const diff = diffPlans(computePlan(baseModel), computePlan(headModel), headModel.acknowledgements);
  const stdout = options.json ? JSON.stringify(diffJson(diff), undefined, 2) + '\n' : diffMarkdown(diff);
  let stderr = problems.map(p => `warning: ${p}\n`).join('');
  let code = 0;
  if (diff.blockedRemovals.length) {
    stderr += `deletion gate: ${diff.blockedRemovals.length} Application removal(s) not acknowledged: ${diff.blockedRemovals.map(r => `${r.cluster}/${r.application}`).join(', ')}\n`;
    code = 1;
  }
  if (diff.failingApplicationSets.length) {
    stderr += `Argo CD would fail to generate: ${diff.failingApplicationSets.join(', ')}\n`;
    code = 1;
  }
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
