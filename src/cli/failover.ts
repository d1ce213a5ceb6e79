import * as fs from 'fs';
import { Command } from 'commander';
import { CliError } from './errors';
import { isSideName, parseDrState, setActiveSide } from '../dr/private/dr-state';
import { pairsOf, TreePair } from '../dr/private/dr-tree';
import { SwitchImpact, switchImpact } from '../dr/private/failover-plan';
import { FleetModel, readTreeModel } from '../gitops/fleet-model';
import { computePlan, FleetPlan } from '../gitops/fleet-plan';
import { writeFileAtomically } from '../private/yaml-edit';
import { InputError, readTextFile } from '../private/yaml-input';

/** Options of `cdk8s-fleet failover` and `failback`. */
export interface FailoverOptions {
  /** The side to make active (failover: the standby; failback: the primary, read from `tree` when not given). */
  readonly to?: string;
  /** The DR state file. Default: dr.yaml. */
  readonly file?: string;
  /** Explain, change nothing. */
  readonly dryRun?: boolean;
  /** A synthesized tree: check the sides, and list the clusters, replicas, weights and files the next synth changes. */
  readonly tree?: string;
  /** Failover only: leave the old primary at its full footprint. */
  readonly keepPrimary?: boolean;
}

/** What `failover` / `failback` did or (with `dryRun`) would do. `--json` prints it as it is. */
export interface FailoverReport {
  readonly command: 'failover' | 'failback';
  readonly pair: string;
  readonly file: string;
  /** The active side before. */
  readonly previous: string;
  /** The active side after. */
  readonly active: string;
  readonly keepPrimary: boolean;
  /** Whether the file changes (false when `active` already serves traffic as asked). */
  readonly changed: boolean;
  readonly dryRun: boolean;
  /** With `tree`: what the next synth changes. */
  readonly impact?: SwitchImpact;
}

/**
 * `cdk8s-fleet failover <pair> --to <standby>` and `failback <pair>`: set the pair's active side in the DR state
 * file, changing only that value's bytes (its quoting and comment stay). Refuses (exit code 2) an unknown pair,
 * a side that is not the pair's standby (failover) or primary (failback) when the tree says which it is, and
 * `--keep-primary` on a failback.
 */
export function failover(command: 'failover' | 'failback', pair: string, options: FailoverOptions): FailoverReport {
  const file = options.file ?? 'dr.yaml';
  const text = readTextFile(file, { what: 'DR state file' });
  const parsed = parseDrState(text, file);
  if (parsed.errors.length) throw new CliError(parsed.errors.join('\n'));
  const entry = parsed.entries.get(pair);
  if (!entry) throw new CliError(`${file} has no line for DR pair '${pair}' (pairs: ${[...parsed.entries.keys()].join(', ') || 'none'})`);
  if (command === 'failback' && options.keepPrimary) throw new CliError('--keep-primary applies to a failover: a failback makes the primary active at its full footprint');
  const read = options.tree ? pairOfTree(options.tree, pair) : undefined;
  const spec = read?.pair.spec;
  let to = options.to;
  if (command === 'failback') {
    to ??= spec?.primary.side;
    if (to === undefined) throw new CliError(`failback needs the primary side of '${pair}': give --to <primary>, or --tree <dir> to read it from the tree`);
    if (spec && to !== spec.primary.side) throw new CliError(`${file}: '${to}' is not the primary side of DR pair '${pair}' (${spec.primary.side}); failback makes the primary active`);
  } else {
    if (to === undefined) throw new CliError('failover needs --to <standby>');
    if (spec && to === spec.primary.side) throw new CliError(`${file}: '${to}' is the primary side of DR pair '${pair}'; use cdk8s-fleet failback ${pair}`);
    if (spec && to !== spec.standby.side) throw new CliError(`${file}: '${to}' is not a side of DR pair '${pair}' (primary ${spec.primary.side}, standby ${spec.standby.side})`);
  }
  // What the file and the program accept as a side: anything else would be written, then refused at synth.
  if (!isSideName(to)) throw new CliError(`${file}: --to ${JSON.stringify(to)} is not a side of DR pair '${pair}': side names are DNS-1123 labels such as 'dr-eu-central-1'`);
  const keepPrimary = !!options.keepPrimary;
  const changed = entry.active !== to || entry.keepPrimary !== keepPrimary;
  const impact = read && changed ? switchImpact(read.model, read.plan, read.pair, to, keepPrimary, entry.active) : undefined;
  const report: FailoverReport = { command, pair, file, previous: entry.active, active: to, keepPrimary, changed, dryRun: !!options.dryRun, impact };
  if (changed && !options.dryRun) {
    let next: string;
    try {
      next = setActiveSide(text, file, pair, to, keepPrimary);
    } catch (e) {
      if (e instanceof InputError) throw new CliError(e.message);
      throw e;
    }
    try {
      writeFileAtomically(file, startsWithBom(file) ? `\ufeff${next}` : next);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  return report;
}

/** The report as the lines the command prints. */
export function failoverText(r: FailoverReport): string {
  if (!r.changed) return `${r.pair}: ${r.active} is already active${r.keepPrimary ? ' (primary kept)' : ''}; nothing to do\n`;
  const how = r.command === 'failover' ? (r.keepPrimary ? ' (the old primary keeps its footprint)' : ' (the old primary is scaled to the standby footprint)') : '';
  const lines = [`${r.pair}: ${r.command} ${r.previous} → ${r.active}${how}`];
  const i = r.impact;
  if (i) {
    if (i.stale) lines.push(`warning: ${i.stale}`);
    lines.push('clusters that change:');
    for (const c of i.clusters) {
      const what = [c.replicas, c.traffic ? `traffic ${c.traffic}` : undefined].filter(Boolean).join('; ');
      lines.push(`  ${c.cluster} (${c.role}, ${c.transition})${what ? `: ${what}` : ''}`);
    }
    lines.push(`alerts: ${i.alerts}`);
    lines.push(`RTO estimate: ${i.rto}`);
    lines.push('files:');
    for (const f of i.files) lines.push(`  ${f}`);
  }
  if (r.dryRun) return `dry run, ${r.file} unchanged:\n${lines.join('\n')}\n`;
  return `${lines.join('\n')}\nupdated ${r.file}; synthesize, then open the pull request (cdk8s-fleet diff shows the ${r.command})\n`;
}

/** Registers `failover` and `failback`. */
export function registerFailoverCommands(program: Command, print: (text: string) => void, done: (code: number) => void): void {
  for (const command of ['failover', 'failback'] as const) {
    const c = program.command(command)
      .description(command === 'failover'
        ? 'make the standby side of a DR pair active, editing the DR state file in place (comments kept); synthesize to apply it'
        : 'make the primary side of a DR pair active again, editing the DR state file in place (comments kept)')
      .argument('<pair>', 'the DR pair, as named in the DR state file');
    if (command === 'failover') c.requiredOption('--to <standby>', 'the standby side to make active');
    else c.option('--to <primary>', 'the primary side (default: read from --tree)');
    c.option('--file <dr.yaml>', 'the DR state file', 'dr.yaml')
      .option('--tree <dir>', 'a synthesized tree: check the sides and list the clusters, replicas, weights and files the next synth changes')
      .option('--dry-run', 'explain what would change; change nothing');
    if (command === 'failover') c.option('--keep-primary', 'leave the old primary at its full footprint');
    c.option('--json', 'print what was (or would be) done as JSON')
      .action((pair: string, opts: FailoverOptions & { json?: boolean }) => {
        const report = failover(command, pair, opts);
        print(opts.json ? `${JSON.stringify(report, undefined, 2)}\n` : failoverText(report));
        done(0);
      });
  }
}

/** Whether the file starts with a UTF-8 byte order mark (which the shared reader drops): the edit keeps it. */
function startsWithBom(file: string): boolean {
  const head = Buffer.alloc(3);
  const fd = fs.openSync(file, 'r');
  try {
    return fs.readSync(fd, head, 0, 3, 0) === 3 && head.equals(Buffer.from([0xef, 0xbb, 0xbf]));
  } finally {
    fs.closeSync(fd);
  }
}

function pairOfTree(tree: string, pair: string): { model: FleetModel; plan: FleetPlan; pair: TreePair } {
  if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) throw new CliError(`--tree ${tree}: no such directory`);
  const model = readTreeModel(tree);
  if (model.entries.length === 0) throw new CliError(`--tree ${tree}: not a synthesized tree (it holds no YAML files); give the FleetApp outdir`);
  const plan = computePlan(model);
  const pairs = pairsOf(plan);
  const found = pairs.find(p => p.name === pair);
  if (!found?.spec) throw new CliError(`--tree ${tree}: no DR pair '${pair}' (pairs: ${pairs.map(p => p.name).join(', ') || 'none'})`);
  return { model, plan, pair: found };
}
