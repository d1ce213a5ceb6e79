/**
 * How template functions are declared: their Go parameter types (so the executor checks and converts
 * arguments exactly as text/template's evalArg/validateType do) and a call. Shared conversions used by
 * sprig's functions: strval, empty, spf13/cast's toInt64/toFloat64, reflect.DeepEqual.
 */
import { sprint } from './fmt';
import { GO_TYPES, GoInt, GoMap, GoValue, intValue, isGoObject, isMap, kindName, NO_VALUE, typeName } from './values';

/**
 * A parameter's Go type: `s` string, `i` int, `f` float64, `b` bool, `a` interface{}, `m`
 * map[string]interface{}, `v` reflect.Value (Go's built-ins: the value as it is, a missing one included).
 */
export type ParamType = 's' | 'i' | 'f' | 'b' | 'a' | 'm' | 'v';

export const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  s: 'string', i: 'int', f: 'float64', b: 'bool', a: 'interface {}', m: 'map[string]interface {}', v: 'reflect.Value',
};

/** A function a template can call. */
export interface TemplateFunction {
  /** The fixed parameters' types. */
  readonly params: readonly ParamType[];
  /** The type of the variadic parameter's elements, if the function is variadic. */
  readonly variadic?: ParamType;
  /** Receives arguments converted to the parameter types; throws `FunctionError` for Go's errors and panics. */
  readonly call: (args: GoValue[]) => GoValue;
}

/** An error returned (or a panic raised) by a function: Go prints `error calling <name>: <message>`. */
export class FunctionError extends Error {}

/** A function whose output an offline preview cannot reproduce (time, randomness, key material). */
export class NotPreviewableError extends Error {}

/** Declares a function: `fn('si', (s, n) => …)`, with an optional variadic element type. */
export function fn(params: string, call: (...args: any[]) => GoValue, variadic?: ParamType): TemplateFunction {
  return { params: params.split('') as ParamType[], variadic, call: args => call(...args) };
}

/** A function that exists in Argo CD but whose result cannot be computed offline. */
export function notPreviewable(name: string, params: string, why: string, variadic?: ParamType): TemplateFunction {
  return fn(params, () => { throw new NotPreviewableError(`${name} cannot be previewed offline: ${why}`); }, variadic);
}

/** Go's nil slices (sprig returns them: `rest` of an empty list, `regexFindAll` without a match): `[]` printed, `null` in JSON. */
export const NIL_SLICES = new WeakSet<object>();

export function nilSlice(goType?: string): GoValue[] {
  const a: GoValue[] = [];
  NIL_SLICES.add(a);
  if (goType) GO_TYPES.set(a, goType);
  return a;
}

/** A Go []string. */
export function stringSlice(values: string[]): GoValue[] {
  GO_TYPES.set(values, '[]string');
  return values;
}

/** A Go map[string]string. */
export function stringMap(m: GoMap): GoMap {
  GO_TYPES.set(m, 'map[string]string');
  return m;
}

/** An int64 (sprig's arithmetic), wrapping around as Go's does. */
export function int64(v: bigint): GoInt {
  return new GoInt('int64', BigInt.asIntN(64, v));
}

/** sprig's strval: strings as they are, Stringers through String(), anything else through fmt's %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (isGoObject(v)) return v.format();
  if (v === NO_VALUE) return '<nil>';
  return sprint([v]);
}

/** sprig's empty: nil, zero numbers, false, empty strings, slices and maps. */
export function empty(v: GoValue): boolean {
  if (v === null || v === NO_VALUE) return true;
  if (typeof v === 'string') return v.length === 0;
  if (typeof v === 'number') return v === 0;
  if (typeof v === 'bigint') return v === 0n;
  if (typeof v === 'boolean') return !v;
  if (v instanceof GoInt) return v.value === 0n;
  if (isGoObject(v)) return false;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  return Object.keys(v).length === 0;
}

/** Elements of a Go slice or array argument, or undefined for any other kind. */
export function sliceElements(v: GoValue): GoValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof Uint8Array) return Array.from(v, b => new GoInt('uint8', BigInt(b)));
  return undefined;
}

/** reflect.TypeOf(v).Kind() as sprig's list functions name it in errors ("Cannot find first on type map"). */
export function kindForError(v: GoValue): string {
  const k = kindName(v);
  return k === 'invalid' ? 'invalid' : k;
}

/** spf13/cast ToInt64: integers, floats truncated, strings parsed (base prefixes, `5.00`), bools; anything else 0. */
export function toInt64(v: GoValue): bigint {
  const i = intValue(v);
  if (i !== undefined) return BigInt.asIntN(64, i);
  if (typeof v === 'number') return floatToInt64(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') return parseCastInt(v) ?? 0n;
  return 0n;
}

/** Go's int64(f) conversion (truncation; NaN and out-of-range values give the minimum int64, as on amd64). */
export function floatToInt64(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(f));
}

function parseCastInt(s: string): bigint | undefined {
  let t = s;
  // cast's trimZeroDecimal: "5.00" reads as "5".
  let foundZero = false;
  for (let i = t.length; i > 0; i--) {
    const c = t[i - 1];
    if (c === '.') { if (foundZero) { t = t.slice(0, i - 1); } break; }
    if (c === '0') { foundZero = true; continue; }
    break;
  }
  return parseGoIntBase0(t);
}

/** strconv.ParseInt(s, 0, 64). */
export function parseGoIntBase0(s: string): bigint | undefined {
  const v = parseGoIntText(s);
  return v !== undefined && v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

/** The integer a Go literal with base prefix rules denotes (`0x1f`, `0o17`, `017`, `0b1`, `1_000`), unbounded. */
export function parseGoIntText(s: string): bigint | undefined {
  const m = /^([+-]?)(.+)$/.exec(s);
  if (!m) return undefined;
  let body = m[2];
  if (body.includes('_')) {
    if (!underscoreOK(body)) return undefined;
    body = body.replace(/_/g, '');
  }
  if (!/^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)$/.test(body)) return undefined;
  let v: bigint;
  if (/^0[xXbB]/.test(body)) v = BigInt(body);
  else if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (body.length > 1) v = body[0] === '0' ? BigInt('0o' + body.slice(1)) : BigInt(body);
  else v = BigInt(body);
  return m[1] === '-' ? -v : v;
}

/** strconv's underscoreOK: `_` only between digits (a base prefix counts as a digit). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && /[bBoOxX]/.test(s[1])) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if (c >= '0' && c <= '9' || hex && /[a-fA-F]/.test(c)) { saw = '0'; continue; }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** spf13/cast ToFloat64: numbers, strings through strconv.ParseFloat, bools; anything else 0. */
export function toFloat64(v: GoValue): number {
  const i = intValue(v);
  if (i !== undefined) return Number(i);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return parseGoFloat(v) ?? 0;
  return 0;
}

/** strconv.ParseFloat(s, 64), or undefined. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (hex && (hex[2] + hex[3]).length > 0) {
    const f = parseInt(hex[2] + hex[3], 16) * 2 ** (Number(hex[4]) - 4 * hex[3].length);
    return hex[1] === '-' ? -f : f;
  }
  return undefined;
}

/** reflect.DeepEqual on template values (types must match: a float64 never equals an int). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if ((a === null || a === NO_VALUE) && (b === null || b === NO_VALUE)) return true;
  if (typeName(a) !== typeName(b)) return false;
  if (typeof a === 'number') return a === b;
  if (a instanceof GoInt) return (b as GoInt).value === a.value;
  if (isGoObject(a)) return a === b || JSON.stringify(a.json()) === JSON.stringify((b as typeof a).json());
  if (a instanceof Uint8Array) return Buffer.compare(Buffer.from(a), Buffer.from(b as Uint8Array)) === 0;
  if (Array.isArray(a)) {
    const bb = b as GoValue[];
    if (NIL_SLICES.has(a) !== NIL_SLICES.has(bb)) return false;
    return a.length === bb.length && a.every((e, i) => deepEqual(e, bb[i]));
  }
  if (isMap(a)) {
    const bm = b as GoMap;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(bm).length) return false;
    return ka.every(k => Object.prototype.hasOwnProperty.call(bm, k) && deepEqual(a[k], bm[k]));
  }
  return a === b;
}

/** A map argument (nil maps read as empty). */
export function mapOf(v: GoValue): GoMap {
  return isMap(v) ? v : {};
}
