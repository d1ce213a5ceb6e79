import { Command, Option } from 'commander';
import { CliError } from './errors';
import type { ShardPlanOptions } from '../gitops/shard-plan';
import { show } from '../private/errors';
import { MAX_CONTROLLER_REPLICAS } from '../private/shard-limits';

/**
 * `--controller-replicas` and `--max-shard-applications`: the Argo CD installation that `plan` and `diff`
 * assume for the controller-shard section (the tree holds each cluster's `shard`, not the replica count).
 * One definition for every command that takes them; a bad value is a usage error (exit 2) naming the option
 * and the value, raised while the command line is parsed, before any tree is read.
 */

/**
 * The most replicas accepted: the bound of `Fleet.balanceControllerShards` (one constant for both), which also
 * keeps the shard section (every shard below the replica count is listed) small.
 */
export { MAX_CONTROLLER_REPLICAS };

/** The largest load limit accepted (a billion Applications per shard is no limit). */
export const MAX_SHARD_APPLICATIONS = 1_000_000_000;

/** The shard options as commander hands them to an action (already parsed). */
export interface ShardCliOptions {
  readonly controllerReplicas?: number;
  readonly maxShardApplications?: number;
}

/** Adds both options to a command. */
export function addShardOptions(command: Command): Command {
  return command
    .addOption(new Option('--controller-replicas <n>', `the application controller's replicas (ARGOCD_CONTROLLER_REPLICAS, 1–${MAX_CONTROLLER_REPLICAS}): list every shard, report pins at or above it (Argo CD uses shard 0)`)
      .argParser(v => boundedInteger('--controller-replicas', v, MAX_CONTROLLER_REPLICAS)))
    .addOption(new Option('--max-shard-applications <n>', 'warn about a controller shard that reconciles more Applications than this')
      .argParser(v => boundedInteger('--max-shard-applications', v, MAX_SHARD_APPLICATIONS)));
}

/** The plan's shard options from the parsed command line. */
export function shardingOf(opts: ShardCliOptions): ShardPlanOptions {
  return { replicas: opts.controllerReplicas, maxApplicationsPerShard: opts.maxShardApplications };
}

/** A decimal integer from 1 to `max`, or a usage error naming the option and the value. */
export function boundedInteger(option: string, value: string, max: number): number {
  // Leading zeros aside, at most 16 digits are converted: a huge value is refused, never rounded into range.
  const digits = /^[0-9]+$/.test(value) ? value.replace(/^0+(?=[0-9])/, '') : '';
  const n = digits.length > 0 && digits.length <= 16 ? Number(digits) : NaN;
  if (!(n >= 1 && n <= max)) throw new CliError(`${option} (${show(value)}) must be an integer from 1 to ${max}`, 2);
  return n;
}
