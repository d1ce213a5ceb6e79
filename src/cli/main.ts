import { Command } from 'commander';
import { appsetGenerate, CommandResult } from './appset-generate';
import { diffCommand, planCommand, treeProofProblems } from './plan';
import { promote, PromoteOptions } from './promote';
import { validateTree } from './validate';

/** Output streams, so that tests can capture them. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const defaultIo: CliIo = { out: t => process.stdout.write(t), err: t => process.stderr.write(t) };

/**
 * The `cdk8s-fleet` command line. Returns the exit code.
 *
 * - `cdk8s-fleet validate <tree> [--unvalidated-kind apiVersion/kind ...]`
 * - `cdk8s-fleet appset generate <applicationset.yaml> --clusters <secrets.yaml> [--projects f] [--git-dir url=dir]`
 * - `cdk8s-fleet plan <tree> [--json] [--html <file>] [--base <tree>]`
 * - `cdk8s-fleet diff <base-tree> <head-tree> [--json] [--exit-code]`
 * - `cdk8s-fleet promote <app> --from <env> --to <env> [--version v] [--file versions.yaml] [--tree dir] [--dry-run]`
 */
export function main(argv: string[], io: CliIo = defaultIo): number {
  let code = 0;
  const program = new Command('cdk8s-fleet')
    .description('Tools for GitOps trees synthesized by cdk8s-fleet')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  program.command('validate')
    .description('check a synthesized tree: no interrupted write, files as synthesized, every object strictly valid and free of plaintext secrets')
    .argument('<tree>', 'the tree directory (the FleetApp outdir)')
    .option('--unvalidated-kind <apiVersion/kind...>', 'kinds the pinned schemas do not cover, written without validation', [])
    .action((tree: string, opts: { unvalidatedKind: string[] }) => {
      const result = validateTree(tree, { unvalidatedKinds: opts.unvalidatedKind });
      const problems = [...result.problems, ...(result.problems.length ? [] : treeProofProblems(tree, result.contents))];
      for (const p of problems) io.err(`${p}\n`);
      if (problems.length > 0) {
        io.err(`${problems.length} problem(s) in ${tree}\n`);
        code = 1;
      } else {
        io.out(`${tree}: ${result.checked} files valid\n`);
      }
    });
  const emit = (r: CommandResult) => {
    if (r.stdout) io.out(r.stdout);
    if (r.stderr) io.err(r.stderr);
    code = r.code;
  };
  const appset = program.command('appset').description('ApplicationSet tools');
  appset.command('generate')
    .description('print the Applications Argo CD would generate from an ApplicationSet, offline (the twin of `argocd appset generate`)')
    .argument('<applicationset>', 'YAML file with one or more ApplicationSets')
    .requiredOption('--clusters <file...>', 'YAML files with the cluster Secrets, in the format Argo CD reads')
    .option('--projects <file...>', 'YAML files with the AppProjects that exist (otherwise projects are not checked)')
    .option('--git-dir <repoURL=dir...>', 'a local checkout standing in for a Git repository read by git generators')
    .option('--in-cluster-disabled', 'Argo CD runs with cluster.inClusterEnabled: "false"')
    .action((file: string, opts: { clusters: string[]; projects?: string[]; gitDir?: string[]; inClusterDisabled?: boolean }) => {
      emit(appsetGenerate(file, opts));
    });
  program.command('plan')
    .description('per cluster, the Applications a tree runs (ApplicationSets expanded offline) with sources, versions and images')
    .argument('<tree>', 'a synthesized tree')
    .option('--json', 'print JSON')
    .option('--html <file>', 'also write a self-contained HTML page: the cluster × application matrix')
    .option('--base <tree>', 'also show the changes against this tree (on the HTML page: highlighted, with each changed cell\'s object diffs)')
    .action((tree: string, opts: { json?: boolean; html?: string; base?: string }) => emit(planCommand(tree, opts)));
  program.command('diff')
    .description('every rendered object a change adds, removes or changes, per cluster, as Markdown for a PR comment; exits 1 on unacknowledged removals (the deletion gate)')
    .argument('<base>', 'the tree of the target branch')
    .argument('<head>', 'the tree of the change')
    .option('--json', 'print JSON')
    .option('--exit-code', 'exit 1 when there are differences (like git diff --exit-code)')
    .action((base: string, head: string, opts: { json?: boolean; exitCode?: boolean }) => emit(diffCommand(base, head, opts)));
  program.command('promote')
    .description('pin in the next environment the version the previous one runs, editing the versions file in place (comments kept)')
    .argument('<app>', 'the application, as named in the versions file')
    .requiredOption('--from <environment>', 'the environment that runs the version')
    .requiredOption('--to <environment>', 'the next environment in the promotion order')
    .option('--version <version>', 'the version to promote (must be what --from runs)')
    .option('--file <versions.yaml>', 'the versions file', 'versions.yaml')
    .option('--tree <dir>', 'a synthesized tree: list the clusters and files the next synth changes')
    .option('--dry-run', 'explain what would change; change nothing')
    .action((app: string, opts: PromoteOptions) => emit(promote(app, opts)));
  try {
    program.parse(argv, { from: 'user' });
  } catch (e: any) {
    return typeof e?.exitCode === 'number' ? e.exitCode : 2;
  }
  return code;
}
