/**
 * Progress and colour for the command line, decided once per run from where the output goes.
 *
 * - A progress line is written to stderr only when stderr is a terminal, and only for work that has already
 *   taken `delayMs` (2 s): short commands, pipes, CI logs and tests never see one. It is one line, rewritten in
 *   place with `\r` and cleared by `done()` before anything else is printed.
 * - Colour is used only on a terminal, never when `NO_COLOR` is set to a non-empty value (https://no-color.org);
 *   `FORCE_COLOR` (set, and not `0` or `false`) turns it on where there is no terminal, as chalk and
 *   supports-color do. `NO_COLOR` wins over `FORCE_COLOR`.
 */

/** Where a reporter writes, and whether it may. */
export interface ProgressOptions {
  /** Writes to stderr. */
  readonly write: (text: string) => void;
  /** Whether stderr is a terminal (otherwise nothing is ever written). */
  readonly enabled: boolean;
  /** Work shorter than this shows no progress. Default 2,000 ms. */
  readonly delayMs?: number;
  /** The line is rewritten at most this often. Default 100 ms. */
  readonly intervalMs?: number;
  /** The clock, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** The longest progress line written (a terminal wraps longer ones, and `\r` then rewrites only the last row). */
const MAX_LINE = 100;

/**
 * A progress line on stderr. Work calls `update()` as often as it likes (it is cheap when nothing is shown);
 * the line appears once the work has run `delayMs` and is rewritten at most every `intervalMs`.
 */
export class ProgressReporter {
  /** A reporter that never writes. */
  public static silent(): ProgressReporter {
    return new ProgressReporter({ write: () => undefined, enabled: false });
  }

  private readonly started: number;
  private readonly now: () => number;
  private lastWrite = -Infinity;
  private shown = false;

  public constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** Shows `message` (with the elapsed time) if the work has run long enough and the line is due. */
  public update(message: string): void {
    if (!this.options.enabled) return;
    const t = this.now();
    if (t - this.started < (this.options.delayMs ?? 2000) || t - this.lastWrite < (this.options.intervalMs ?? 100)) return;
    this.lastWrite = t;
    const text = `${message} (${((t - this.started) / 1000).toFixed(1)} s)`;
    this.options.write(`\r${text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text}\x1b[K`);
    this.shown = true;
  }

  /** A `(done, total)` callback that shows `label done/total`, for loops and for library entry points. */
  public counter(label: string): (done: number, total: number) => void {
    return (done, total) => {
      if (this.options.enabled) this.update(`${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    };
  }

  /** Clears the line, if one was shown. Call it before printing anything else. */
  public done(): void {
    if (this.shown) this.options.write('\r\x1b[K');
    this.shown = false;
  }
}

/** Whether to colour output for a stream, from whether it is a terminal and the environment. */
export function colourEnabled(isTty: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '0' && force !== 'false') return true;
  if (force === '0' || force === 'false') return false;
  return isTty && env.TERM !== 'dumb';
}

/** ANSI styles, or identity functions when colour is off. */
export interface Styles {
  readonly red: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly green: (text: string) => string;
  readonly bold: (text: string) => string;
}

/** The styles for a stream: ANSI SGR codes when `enabled`, plain text otherwise. */
export function styles(enabled: boolean): Styles {
  const sgr = (open: number, close: number) => (text: string) => (enabled && text ? `\x1b[${open}m${text}\x1b[${close}m` : text);
  return { red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), bold: sgr(1, 22) };
}
