import { Command } from 'commander';
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
      for (const p of result.problems) io.err(`${p}\n`);
      if (result.problems.length > 0) {
        io.err(`${result.problems.length} problem(s) in ${tree}\n`);
        code = 1;
      } else {
        io.out(`${tree}: ${result.checked} files valid\n`);
      }
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e: any) {
    return typeof e?.exitCode === 'number' ? e.exitCode : 2;
  }
  return code;
}
