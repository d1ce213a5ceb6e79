/**
 * A failure the CLI reports as one line on stderr, with its exit code (see the README's exit codes: 0
 * success, 1 findings, 2 usage or input errors). Commands throw it (or an `InputError` from
 * `private/yaml-input`, which is reported with code 2); `main` prints the message and never a stack trace
 * unless `--debug` is given.
 */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode: number = 2) {
    super(message);
    this.name = 'CliError';
  }
}
