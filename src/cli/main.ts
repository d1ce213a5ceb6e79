import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError, Option } from 'commander';
import * as yaml from 'js-yaml';
import { appsetGenerate, AppsetGenerateOptions, CommandResult } from './appset-generate';
import { checklistCommand, ChecklistCommandOptions } from './checklist';
import { CliError } from './errors';
import { registerFailoverCommands } from './failover';
import { init } from './init';
import { lintCommand } from './lint';
import { diffCommand, planCommand, treeProofProblems } from './plan';
import { colourEnabled, ProgressReporter, styles, Styles } from './progress';
import { promote, PromoteOptions, promoteText } from './promote';
import { registerSealCommand } from './seal';
import { addShardOptions, ShardCliOptions, shardingOf } from './shard-options';
import { validateTree } from './validate';
import { InputError } from '../private/yaml-input';

/** Output streams, so that tests can capture them. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether stdout is a terminal (colour). Default false. */
  readonly outIsTty?: boolean;
  /** Whether stderr is a terminal (colour, the progress line). Default false. */
  readonly errIsTty?: boolean;
  /** The environment read for `NO_COLOR` and `FORCE_COLOR`. Default: none set. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

let pipeHandled = false;

/** The process's own streams and environment (what the `cdk8s-fleet` bin uses). */
export function processIo(): CliIo {
  if (!pipeHandled) {
    pipeHandled = true;
    // `cdk8s-fleet plan gitops | head`: the reader went away. Stop quietly, as Unix tools do, instead of
    // crashing with a stack trace on the unhandled EPIPE.
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  return {
    out: t => process.stdout.write(t),
    err: t => process.stderr.write(t),
    outIsTty: !!process.stdout.isTTY,
    errIsTty: !!process.stderr.isTTY,
    env: process.env,
  };
}

/** The exit codes, the same for every command (README, "Exit codes"). */
export const EXIT_OK = 0;
/** Findings: validation problems, differences with `--exit-code`, blocked deletions, failing generation. */
export const EXIT_FINDINGS = 1;
/** Usage and input errors (a missing or malformed file, a bad option), and any other failure. */
export const EXIT_USAGE = 2;

/** What every action gets: where to print, with colour and progress decided for the streams. */
interface Context {
  readonly io: CliIo;
  readonly outStyle: Styles;
  readonly errStyle: Styles;
  readonly progress: ProgressReporter;
}

/**
 * The `cdk8s-fleet` command line. Returns the exit code: 0 success, 1 findings, 2 usage or input errors.
 *
 * Every failure is reported here, once: a command throws a `CliError` (its message and exit code), an
 * `InputError` from the bounded file reader (exit 2), or any other exception (exit 2). The message is printed
 * as `error: <message>` on stderr; the stack only with `--debug`. Commander's own usage errors (unknown
 * command or option, missing argument) are printed by commander and exit 2. Nothing fails silently.
 *
 * - `cdk8s-fleet init [dir] [--force]`
 * - `cdk8s-fleet validate <tree> [--unvalidated-kind apiVersion/kind ...] [--json]`
 * - `cdk8s-fleet appset generate <applicationset.yaml> --clusters <secrets.yaml> [--projects f] [--git-dir url=dir] [--json]`
 * - `cdk8s-fleet plan <tree> [--json] [--html <file>] [--base <tree>] [--controller-replicas <n>] [--max-shard-applications <n>]`
 * - `cdk8s-fleet diff <base-tree> <head-tree> [--json] [--exit-code] [--controller-replicas <n>] [--max-shard-applications <n>]`
 * - `cdk8s-fleet checklist <tree> [--json] [--require item,...] [--environment-label l] [--production env...]`
 * - `cdk8s-fleet lint <path...> [--no-schemas]`
 * - `cdk8s-fleet promote <app> --from <env> --to <env> [--version v] [--file versions.yaml] [--tree dir] [--dry-run] [--json]`
 * - `cdk8s-fleet seal --cert <pem> --namespace <ns> --name <name> [--scope s] [--env-file f [--output o]]`
 * - `cdk8s-fleet failover <pair> --to <standby> [--file dr.yaml] [--tree dir] [--dry-run] [--keep-primary] [--json]`, `failback <pair> [--to <primary>] …`
 */
export function main(argv: string[], io: CliIo = processIo()): number {
  const env = io.env ?? {};
  const ctx: Context = {
    io,
    outStyle: styles(colourEnabled(!!io.outIsTty, env)),
    errStyle: styles(colourEnabled(!!io.errIsTty, env)),
    progress: new ProgressReporter({ write: io.err, enabled: !!io.errIsTty }),
  };
  const debug = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length).includes('--debug');
  let code = EXIT_OK;
  const program = buildProgram(ctx, c => { code = c; });
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    ctx.progress.done();
    return report(e, ctx, debug);
  }
  ctx.progress.done();
  return code;
}

/** Prints a failure as one line (plus the stack with `--debug`) and returns its exit code. */
function report(e: unknown, ctx: Context, debug: boolean): number {
  if (e instanceof CommanderError) {
    // Commander printed its message (or the help, or the version) already.
    return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  const { message, exitCode } = describe(e);
  const text = message.replace(/^error: /, '');
  ctx.io.err(`${ctx.errStyle.red(ctx.errStyle.bold('error:'))} ${text}\n`);
  if (debug && e instanceof Error && e.stack) ctx.io.err(`${e.stack}\n`);
  return exitCode;
}

/** The message and exit code of a failure. */
function describe(e: unknown): { message: string; exitCode: number } {
  if (e instanceof CliError) return { message: e.message, exitCode: e.exitCode };
  if (e instanceof InputError) return { message: e.message, exitCode: EXIT_USAGE };
  const sys = e as NodeJS.ErrnoException;
  if (sys && typeof sys.code === 'string' && typeof sys.syscall === 'string') {
    const what = SYSTEM_ERRORS[sys.code] ?? sys.message;
    return { message: sys.path ? `${sys.path}: ${what}` : what, exitCode: EXIT_USAGE };
  }
  if (e instanceof Error) return { message: e.message || e.name, exitCode: EXIT_USAGE };
  return { message: String(e), exitCode: EXIT_USAGE };
}

/** Node's file system error codes, as a sentence that says what to check. */
const SYSTEM_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a parent of this path is not a directory',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ELOOP: 'too many levels of symbolic links',
};

function buildProgram(ctx: Context, setCode: (code: number) => void): Command {
  const { io } = ctx;
  const program = new Command('cdk8s-fleet')
    .description('Tools for GitOps trees synthesized by cdk8s-fleet')
    .addHelpText('after', '\nExit codes: 0 success, 1 findings (validation problems, blocked deletions, failing generation), 2 usage or input errors.')
    .version(packageVersion(), '-V, --version', 'print the version of cdk8s-fleet')
    .option('--debug', 'print the stack of an unexpected failure')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(text.replace(/^error:/, ctx.errStyle.red(ctx.errStyle.bold('error:')))) });
  const emit = (r: CommandResult) => {
    ctx.progress.done();
    if (r.stdout) io.out(r.stdout);
    if (r.stderr) io.err(colourLines(r.stderr, ctx.errStyle));
    setCode(r.code);
  };

  program.command('init')
    .description('scaffold a new fleet project (package.json, tsconfig, cdk8s.yaml, main.ts, versions.yaml, a jest test, a CI script) that synthesizes out of the box')
    .argument('[dir]', 'the directory (created if missing)', '.')
    .option('--force', 'write into a directory that is not empty (files of the same name are overwritten)')
    .option('--name <name>', 'the package name (default: the directory name)')
    .action((dir: string, opts: { force?: boolean; name?: string }) => {
      const result = init(dir, opts);
      io.out(`created ${result.files.length} files in ${result.directory}:\n${result.files.map(f => `  ${f}\n`).join('')}`
        + `next:\n  cd ${path.relative(process.cwd(), result.directory) || '.'}\n  npm install\n  npm run synth\n  npm test\n`);
    });

  program.command('validate')
    .description('check a synthesized tree: no interrupted write, files as synthesized, every object strictly valid and free of plaintext secrets, the fleet proofs; exits 1 on problems')
    .argument('<tree>', 'the tree directory (the FleetApp outdir)')
    .option('--unvalidated-kind <apiVersion/kind...>', 'kinds the pinned schemas do not cover, written without validation', [])
    .option('--json', 'print { tree, valid, checked, problems } as JSON')
    .action((tree: string, opts: { unvalidatedKind: string[]; json?: boolean }) => {
      requireDirectory(tree, 'tree');
      const result = validateTree(tree, { unvalidatedKinds: opts.unvalidatedKind, onProgress: ctx.progress.counter(`validating ${tree}:`) });
      let problems = result.problems;
      if (problems.length === 0) {
        ctx.progress.update(`validating ${tree}: fleet proofs`);
        problems = treeProofProblems(tree, result.contents);
      }
      ctx.progress.done();
      if (opts.json) {
        io.out(`${JSON.stringify({ tree, valid: problems.length === 0, checked: result.checked, problems }, undefined, 2)}\n`);
      } else if (problems.length > 0) {
        for (const p of problems) io.err(`${p}\n`);
        io.err(`${ctx.errStyle.red(`${problems.length} problem(s)`)} in ${tree}\n`);
      } else {
        io.out(`${tree}: ${ctx.outStyle.green(`${result.checked} files valid`)}\n`);
      }
      setCode(problems.length > 0 ? EXIT_FINDINGS : EXIT_OK);
    });

  const appset = program.command('appset').description('ApplicationSet tools');
  appset.command('generate')
    .description('print the Applications Argo CD would generate from an ApplicationSet, offline (the twin of `argocd appset generate`); exits 1 when Argo CD would fail')
    .argument('<applicationset>', 'YAML file with one or more ApplicationSets')
    .requiredOption('--clusters <file...>', 'YAML files with the cluster Secrets, in the format Argo CD reads')
    .option('--projects <file...>', 'YAML files with the AppProjects that exist (otherwise projects are not checked)')
    .option('--git-dir <repoURL=dir...>', 'a local checkout standing in for a Git repository read by git generators')
    .option('--in-cluster-disabled', 'Argo CD runs with cluster.inClusterEnabled: "false"')
    .option('--json', 'print the Applications as a JSON array (as `argocd appset generate -o json`)')
    .option('--new-git-file-globbing', 'the ApplicationSet controller runs with --enable-new-git-file-globbing (doublestar patterns)')
    .option('--include-hidden-directories', 'the repo server runs with --include-hidden-directories')
    .action((file: string, opts: AppsetGenerateOptions & { json?: boolean }) => {
      const result = appsetGenerate(file, opts);
      const stdout = opts.json && result.code !== EXIT_USAGE ? `${JSON.stringify(yaml.loadAll(result.stdout), undefined, 2)}\n` : result.stdout;
      emit({ ...result, stdout });
    });

  addShardOptions(program.command('plan')
    .description('per cluster, the Applications a tree runs (ApplicationSets expanded offline) with sources, versions and images')
    .argument('<tree>', 'a synthesized tree')
    .option('--json', 'print JSON')
    .option('--html <file>', 'also write a self-contained HTML page: the cluster × application matrix')
    .option('--base <tree>', 'also show the changes against this tree (on the HTML page: highlighted, with each changed cell\'s object diffs)'))
    .action((tree: string, opts: PlanCliOptions) => emit(planCommand(tree, {
      json: opts.json,
      html: opts.html,
      base: opts.base,
      sharding: shardingOf(opts),
      onProgress: message => ctx.progress.update(`plan: ${message}`),
    })));

  addShardOptions(program.command('diff')
    .description('every rendered object a change adds, removes or changes, per cluster, as Markdown for a PR comment; exits 1 on unacknowledged removals (the deletion gate)')
    .argument('<base>', 'the tree of the target branch')
    .argument('<head>', 'the tree of the change')
    .option('--json', 'print JSON')
    .option('--exit-code', 'exit 1 when there are differences (like git diff --exit-code)'))
    .action((base: string, head: string, opts: DiffCliOptions) => emit(diffCommand(base, head, {
      json: opts.json,
      exitCode: opts.exitCode,
      sharding: shardingOf(opts),
      onProgress: message => ctx.progress.update(`diff: ${message}`),
    })));

  program.command('checklist')
    .description("per cluster and environment, which of the production checklist items hold; exits 1 when a --require'd item fails")
    .argument('<tree>', 'a synthesized tree')
    .option('--json', 'print JSON')
    .option('--require <items>', 'comma-separated items that must hold on every cluster (projects-and-rbac, notifications, resource-limits, pinned-versions, drift-guard, secrets-by-reference, dr-standby)')
    .option('--environment-label <label>', 'the cluster label naming the environment', 'environment')
    .option('--production <environment...>', 'the environments whose Applications must notify', ['production'])
    .action((tree: string, opts: ChecklistCommandOptions) => emit(checklistCommand(tree, opts)));

  program.command('lint')
    .description('check any Kubernetes YAML offline: strict schemas of the pinned kinds, and the Argo Rollouts v1.9.1 rules for Rollouts and analysis templates (exit 1 when anything would be rejected)')
    .argument('<path...>', 'YAML or JSON files, or directories (each directory\'s files are checked together)')
    .option('--no-schemas', 'skip the strict schemas (controller rules only)')
    .action((paths: string[], opts: { schemas: boolean }) => emit(lintCommand(paths, { schemas: opts.schemas })));

  program.command('promote')
    .description('pin in the next environment the version the previous one runs, editing the versions file in place (comments kept); exits 2 when it refuses')
    .argument('<app>', 'the application, as named in the versions file')
    .requiredOption('--from <environment>', 'the environment that runs the version')
    .requiredOption('--to <environment>', 'the next environment in the promotion order')
    .option('--version <version>', 'the version to promote (must be what --from runs)')
    .option('--file <versions.yaml>', 'the versions file', 'versions.yaml')
    .option('--tree <dir>', 'a synthesized tree: list the clusters and files the next synth changes')
    .option('--dry-run', 'explain what would change; change nothing')
    .option('--json', 'print what was (or would be) done as JSON')
    .action((app: string, opts: PromoteOptions & { json?: boolean }) => {
      const result = promote(app, opts);
      io.out(opts.json ? `${JSON.stringify(result, undefined, 2)}\n` : promoteText(result));
      setCode(EXIT_OK);
    });
  registerSealCommand(program, emit);
  registerFailoverCommands(program, io.out, setCode);
  // Program options go before the command, so that `promote --version 1.2.3` is promote's own option and not
  // the program's `--version`; `--debug` is accepted after any command as well.
  program.enablePositionalOptions();
  const addDebug = (c: Command) => {
    for (const sub of c.commands) {
      if (sub.commands.length) addDebug(sub);
      else sub.addOption(new Option('--debug', 'print the stack of an unexpected failure').hideHelp());
    }
  };
  addDebug(program);
  return program;
}

/** `error:` and `warning:` at the start of a line, coloured. */
function colourLines(text: string, style: Styles): string {
  return text.replace(/^(error|warning):/gm, (_m, word: string) => (word === 'error' ? style.red(style.bold('error:')) : style.yellow('warning:')));
}

function requireDirectory(dir: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CliError(`${dir}: no such directory (the ${what} to read)`);
  }
  if (!stat.isDirectory()) throw new CliError(`${dir}: not a directory (the ${what} to read)`);
}

/** The version in the package's package.json (`lib/cli/main.js` and `src/cli/main.ts` are two levels below it). */
function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `cdk8s-fleet plan`'s options as commander parses them. */
interface PlanCliOptions extends ShardCliOptions {
  readonly json?: boolean;
  readonly html?: string;
  readonly base?: string;
}

/** `cdk8s-fleet diff`'s options as commander parses them. */
interface DiffCliOptions extends ShardCliOptions {
  readonly json?: boolean;
  readonly exitCode?: boolean;
}
