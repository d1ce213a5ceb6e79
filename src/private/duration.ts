import { Duration } from 'cdk8s';
import { ownValue } from './util';

/** Renders a cdk8s Duration as a Go duration string (`time.ParseDuration`), e.g. `5s`, `3m`, `1h30m`. */
export function goDuration(duration: Duration): string {
  const ms = duration.toMilliseconds();
  if (ms % 1000 !== 0) return `${ms}ms`;
  let seconds = ms / 1000;
  if (seconds === 0) return '0s';
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  seconds -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${seconds ? `${seconds}s` : ''}`;
}

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX_INT64 = 9223372036854775807n;

/**
 * Go's `time.ParseDuration`: a signed sequence of decimal numbers with units (`300ms`, `-1.5h`, `2h45m`; `0`
 * alone), in nanoseconds, or Go's error message (`time: missing unit in duration "1"`).
 */
export function parseGoDuration(s: string): { nanos: bigint; error?: undefined } | { nanos?: undefined; error: string } {
  const orig = s;
  const invalid = () => ({ error: `time: invalid duration ${timeQuote(orig)}` });
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { nanos: 0n };
  if (s === '') return invalid();
  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) return invalid();
    const intPart = /^[0-9]*/.exec(s)![0];
    s = s.slice(intPart.length);
    let fracPart = '';
    const pre = intPart !== '';
    if (s[0] === '.') {
      s = s.slice(1);
      fracPart = /^[0-9]*/.exec(s)![0];
      s = s.slice(fracPart.length);
    }
    if (!pre && fracPart === '') return invalid();
    const unit = /^[^0-9.]*/.exec(s)![0];
    s = s.slice(unit.length);
    if (unit === '') return { error: `time: missing unit in duration ${timeQuote(orig)}` };
    const perUnit = ownValue(UNIT_NANOS, unit);
    if (perUnit === undefined) return { error: `time: unknown unit ${timeQuote(unit)} in duration ${timeQuote(orig)}` };
    const whole = intPart === '' ? 0n : BigInt(intPart);
    if (whole > MAX_INT64 / perUnit) return invalid();
    let v = whole * perUnit;
    if (fracPart !== '') {
      // Go keeps at most 19 significant fractional digits, then scales by the unit (rounding down).
      const digits = fracPart.slice(0, 19);
      v += (BigInt(digits) * perUnit) / 10n ** BigInt(digits.length);
    }
    total += v;
    if (total > MAX_INT64) return invalid();
  }
  return { nanos: neg ? -total : total };
}

/** The time package's quoting of input in its errors: `"` and `\` escaped, bytes outside printable ASCII as `\xNN`. */
function timeQuote(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (b >= 0x80 || b < 0x20) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else if (c === '"' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return `${out}"`;
}
