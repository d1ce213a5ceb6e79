import * as fs from 'fs';
import { CommandResult } from './appset-generate';
import { readTreeModel } from '../gitops/fleet-model';
import { computePlan } from '../gitops/fleet-plan';
import { CHECKLIST_ITEMS, ChecklistItemResult, ChecklistReport, computeChecklist } from '../guardrails/checklist';

/** Options of `cdk8s-fleet checklist`. */
export interface ChecklistCommandOptions {
  readonly json?: boolean;
  /** Comma-separated items that must hold on every cluster (exit 1 otherwise). */
  readonly require?: string;
  /** The cluster label naming a cluster's environment. */
  readonly environmentLabel?: string;
  /** The environments whose Applications must notify. */
  readonly production?: string[];
}

const MARK: Record<ChecklistItemResult['status'], string> = { 'holds': 'holds', 'fails': 'FAILS', 'not-applicable': 'n/a', 'not-declared': 'not declared' };

/**
 * `cdk8s-fleet checklist <tree>`: which of the seeds' production checklist items hold, per cluster and per
 * environment. Exits 1 when an item of `--require` fails on some cluster, 2 on bad input.
 */
export function checklistCommand(tree: string, options: ChecklistCommandOptions): CommandResult {
  if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) return { stdout: '', stderr: `${tree}: no such directory\n`, code: 2 };
  const required = (options.require ?? '').split(',').map(s => s.trim()).filter(Boolean);
  const known = CHECKLIST_ITEMS.map(i => i.id);
  const unknown = required.filter(r => !known.includes(r));
  if (unknown.length) return { stdout: '', stderr: `--require: unknown item(s) ${unknown.join(', ')}; the items are ${known.join(', ')}\n`, code: 2 };
  const model = readTreeModel(tree);
  const report = computeChecklist(model, computePlan(model), {
    environmentLabel: options.environmentLabel ?? 'environment',
    productionEnvironments: options.production?.length ? options.production : ['production'],
  });
  const failing = report.clusters.flatMap(c => c.items.filter(i => required.includes(i.item) && i.status === 'fails').map(i => `${c.cluster}/${i.item}`));
  const stdout = options.json ? JSON.stringify({ ...report, required, failing }, undefined, 2) + '\n' : checklistText(report);
  let stderr = model.problems.map(p => `warning: ${p}\n`).join('');
  if (failing.length) stderr += `required checklist items fail: ${failing.join(', ')}\n`;
  return { stdout, stderr, code: failing.length ? 1 : 0 };
}

/** The report as text: per cluster, then per environment, each item with its status and details. */
export function checklistText(report: ChecklistReport): string {
  const lines: string[] = [];
  const items = (results: ChecklistItemResult[]) => {
    for (const r of results) {
      const title = CHECKLIST_ITEMS.find(i => i.id === r.item)!.title;
      lines.push(`  ${MARK[r.status].padEnd(12)} ${r.item.padEnd(22)} ${title}`);
      for (const d of r.details) lines.push(`      - ${d}`);
    }
  };
  lines.push('Production readiness checklist');
  for (const c of report.clusters) {
    lines.push('', `cluster ${c.cluster}${c.environment !== undefined ? ` (environment ${c.environment})` : ''}`);
    items(c.items);
  }
  for (const e of report.environments) {
    lines.push('', `environment ${e.environment}: ${e.clusters.join(', ')}`);
    items(e.items.map(i => ({ ...i, details: [] })));
  }
  return lines.join('\n') + '\n';
}
