/**
 * sprig v3.3.0's numeric functions (numeric.go and the arithmetic of functions.go): int64 arithmetic through
 * spf13/cast (wrapping, a division by zero panics), the float functions through shopspring/decimal
 * (`addf 0.1 0.2` is 0.3), `round`, `seq`, `until`, `untilStep`, `toDecimal`, `atoi`; plus semver.
 */
import { sprint } from './fmt';
import { floatToInt64, FunctionError, fn, int64, parseGoFloat, TemplateFunction, toFloat64, toInt64 } from './functions';
import { checkListLength } from './limits';
import { compileConstraint, newVersion, Version } from './semver-constraint';
import { GO_TYPES, GoInt, GoObject, GoValue, NO_VALUE } from './values';

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

function divide(a: bigint, b: bigint, mod: boolean): GoInt {
  if (b === 0n) throw new FunctionError('runtime error: integer divide by zero');
  if (a === I64_MIN && b === -1n) return int64(mod ? 0n : a);
  return int64(mod ? a % b : a / b);
}

/** A decimal number: coef × 10^exp (shopspring/decimal). */
interface Decimal { coef: bigint; exp: number }

/** decimal.NewFromFloat: the shortest decimal that reads back as f. */
function decimalFromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new FunctionError(`Cannot create a Decimal from ${sprint([f])}`);
  if (f === 0) return { coef: 0n, exp: 0 };
  const [m, e] = f.toExponential().split('e');
  const digits = m.replace('-', '').replace('.', '');
  const exp = Number(e) - (digits.length - 1);
  return { coef: BigInt((f < 0 ? '-' : '') + digits), exp };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

function decimalOp(a: Decimal, b: Decimal, op: 'add' | 'sub' | 'mul' | 'div'): Decimal {
  if (op === 'mul') return { coef: a.coef * b.coef, exp: a.exp + b.exp };
  if (op === 'div') {
    if (b.coef === 0n) throw new FunctionError('decimal division by zero');
    // Div is DivRound to 16 digits after the point: truncate, then round half away from zero.
    const k = a.exp - b.exp + 16;
    const n = k >= 0 ? a.coef * 10n ** BigInt(k) : a.coef;
    const d = k >= 0 ? b.coef : b.coef * 10n ** BigInt(-k);
    let q = n / d;
    const r = n % d;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(d)) q += (a.coef < 0n) !== (b.coef < 0n) ? -1n : 1n;
    return { coef: q, exp: -16 };
  }
  const [x, y, exp] = align(a, b);
  return { coef: op === 'add' ? x + y : x - y, exp };
}

function decimalToFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

/** sprig's execDecimalOp. */
function decimalFold(a: GoValue, rest: GoValue[], op: 'add' | 'sub' | 'mul' | 'div'): number {
  let acc = decimalFromFloat(toFloat64(a));
  for (const x of rest) acc = decimalOp(acc, decimalFromFloat(toFloat64(x)), op);
  return decimalToFloat(acc);
}

function round(a: GoValue, p: bigint, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0] : 0.5;
  const val = toFloat64(a);
  const pow = Math.pow(10, Number(p));
  const digit = pow * val;
  const div = digit - Math.trunc(digit);
  const r = div >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

/** sprig's untilStep, bounded. */
function untilStep(start: bigint, stop: bigint, step: bigint): GoValue[] {
  const out: GoValue[] = [];
  GO_TYPES.set(out, '[]int');
  if (stop < start) {
    if (step >= 0n) return out;
    checkListLength((start - stop + (-step) - 1n) / -step, 'untilStep');
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0n) return out;
  checkListLength((stop - start + step - 1n) / step, 'untilStep');
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

function seq(...params: bigint[]): string {
  let r: GoValue[];
  switch (params.length) {
    case 0: return '';
    case 1: {
      const end = params[0];
      const inc = end < 1n ? -1n : 1n;
      r = untilStep(1n, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = params;
      const step = end < start ? -1n : 1n;
      r = untilStep(start, end + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = params;
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      r = untilStep(start, end + inc, step);
      break;
    }
    default: return '';
  }
  return r.map(String).join(' ');
}

function toDecimal(v: GoValue): GoInt {
  const s = sprint([v === NO_VALUE ? null : v]);
  const m = /^([+-]?)([0-7]+)$/.exec(s);
  if (!m) return int64(0n);
  const n = BigInt('0o' + m[2]) * (m[1] === '-' ? -1n : 1n);
  return int64(n >= I64_MIN && n <= I64_MAX ? n : 0n);
}

function atoi(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) return 0n;
  const n = BigInt(s);
  return n >= I64_MIN && n <= I64_MAX ? n : 0n;
}

/** Masterminds/semver's *Version, with the methods a template can call (`.Major`, `.Prerelease`, `.IncMinor`…). */
class SemverVersion implements GoObject {
  public readonly goType: string;
  public constructor(private readonly v: Version, private readonly original: string, pointer = true) {
    this.goType = pointer ? '*semver.Version' : 'semver.Version';
  }
  public method(name: string): GoValue | undefined {
    const v = this.v;
    switch (name) {
      case 'Major': return new GoInt('uint64', BigInt(v.major));
      case 'Minor': return new GoInt('uint64', BigInt(v.minor));
      case 'Patch': return new GoInt('uint64', BigInt(v.patch));
      case 'Prerelease': return v.pre.join('.');
      case 'Metadata': return v.metadata ?? '';
      case 'Original': return this.original;
      case 'String': return this.format();
      case 'IncMajor': return this.bump({ major: v.major + 1, minor: 0, patch: 0 });
      case 'IncMinor': return this.bump({ major: v.major, minor: v.minor + 1, patch: 0 });
      case 'IncPatch': return v.pre.length ? this.bump({ major: v.major, minor: v.minor, patch: v.patch }) : this.bump({ major: v.major, minor: v.minor, patch: v.patch + 1 });
      default: return undefined;
    }
  }
  private bump(n: { major: number; minor: number; patch: number }): SemverVersion {
    const v: Version = { ...n, pre: [], metadata: undefined };
    return new SemverVersion(v, versionString(v), false);
  }
  public format(): string {
    return versionString(this.v);
  }
  public json(): unknown {
    return this.format();
  }
}

function versionString(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.pre.length ? '-' + v.pre.join('.') : ''}${v.metadata ? '+' + v.metadata : ''}`;
}

/** semver.NewVersion, its error as the function's error. */
function semverVersion(s: string): Version {
  try {
    return newVersion(s);
  } catch (e) {
    throw new FunctionError((e as Error).message);
  }
}

function semverCompare(constraint: string, version: string): boolean {
  let check;
  try {
    check = compileConstraint(constraint);
  } catch (e) {
    throw new FunctionError((e as Error).message);
  }
  return check(semverVersion(version));
}

export const SPRIG_NUMBER_FUNCTIONS: [string, TemplateFunction][] = [
  ['atoi', fn('s', atoi)],
  ['int64', fn('a', (v: GoValue) => int64(toInt64(v)))],
  ['int', fn('a', (v: GoValue) => toInt64(v))],
  ['float64', fn('a', (v: GoValue) => toFloat64(v))],
  ['seq', fn('', seq, 'i')],
  ['toDecimal', fn('a', toDecimal)],
  ['until', fn('i', (n: bigint) => untilStep(0n, n, n < 0n ? -1n : 1n))],
  ['untilStep', fn('iii', untilStep)],
  ['add1', fn('a', (v: GoValue) => int64(toInt64(v) + 1n))],
  ['add', fn('', (...vs: GoValue[]) => int64(vs.reduce<bigint>((s, v) => BigInt.asIntN(64, s + toInt64(v)), 0n)), 'a')],
  ['sub', fn('aa', (a: GoValue, b: GoValue) => int64(toInt64(a) - toInt64(b)))],
  ['div', fn('aa', (a: GoValue, b: GoValue) => divide(toInt64(a), toInt64(b), false))],
  ['mod', fn('aa', (a: GoValue, b: GoValue) => divide(toInt64(a), toInt64(b), true))],
  ['mul', fn('a', (a: GoValue, ...vs: GoValue[]) => int64(vs.reduce<bigint>((s, v) => BigInt.asIntN(64, s * toInt64(v)), toInt64(a))), 'a')],
  ['add1f', fn('a', (a: GoValue) => decimalFold(a, [1n], 'add'))],
  ['addf', fn('', (...vs: GoValue[]) => decimalFold(0, vs, 'add'), 'a')],
  ['subf', fn('a', (a: GoValue, ...vs: GoValue[]) => decimalFold(a, vs, 'sub'), 'a')],
  ['divf', fn('a', (a: GoValue, ...vs: GoValue[]) => decimalFold(a, vs, 'div'), 'a')],
  ['mulf', fn('a', (a: GoValue, ...vs: GoValue[]) => decimalFold(a, vs, 'mul'), 'a')],
  ['biggest', fn('a', (a: GoValue, ...vs: GoValue[]) => int64(vs.map(toInt64).reduce((m, v) => (v > m ? v : m), toInt64(a))), 'a')],
  ['max', fn('a', (a: GoValue, ...vs: GoValue[]) => int64(vs.map(toInt64).reduce((m, v) => (v > m ? v : m), toInt64(a))), 'a')],
  ['min', fn('a', (a: GoValue, ...vs: GoValue[]) => int64(vs.map(toInt64).reduce((m, v) => (v < m ? v : m), toInt64(a))), 'a')],
  ['maxf', fn('a', (a: GoValue, ...vs: GoValue[]) => vs.map(toFloat64).reduce(goMax, toFloat64(a)), 'a')],
  ['minf', fn('a', (a: GoValue, ...vs: GoValue[]) => vs.map(toFloat64).reduce(goMin, toFloat64(a)), 'a')],
  ['ceil', fn('a', (a: GoValue) => Math.ceil(toFloat64(a)))],
  ['floor', fn('a', (a: GoValue) => Math.floor(toFloat64(a)))],
  ['round', fn('ai', round, 'f')],
  ['semver', fn('s', (s: string) => {
    return new SemverVersion(semverVersion(s), s);
  })],
  ['semverCompare', fn('ss', semverCompare)],
];

/** math.Max: NaN wins, +0 beats -0. */
function goMax(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? b : a;
  return a > b ? a : b;
}
function goMin(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) ? a : b;
  return a < b ? a : b;
}

export { floatToInt64, parseGoFloat };
