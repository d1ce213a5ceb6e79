/**
 * Go values as the template engine sees them. Parameters come from JSON (encoding/json into interface{}), so:
 * strings are JS strings, every JSON number is a float64 (a JS number), booleans are booleans, null is Go's nil,
 * objects are map[string]interface{} (plain objects) and arrays are []interface{}. Integers made inside a
 * template (constants, `len`, sprig's arithmetic) are Go ints, kept as JS bigints so that `eq 1 1.0` fails as it
 * does in Go. `NO_VALUE` is Go's invalid reflect.Value: a missing map key, printed as `<no value>`.
 */

export const NO_VALUE: unique symbol = Symbol('no value');
export type GoValue = string | number | bigint | boolean | null | typeof NO_VALUE | GoValue[] | GoMap | Uint8Array;
export interface GoMap { [key: string]: GoValue }

export function isMap(v: unknown): v is GoMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

export function hasKey(m: GoMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

/** Go's `truth`: the zero value of its type is false. */
export function truth(v: GoValue): boolean {
  if (v === NO_VALUE || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** The Go type name of a value, for error messages. */
export function typeName(v: GoValue): string {
  if (v === NO_VALUE) return '<invalid>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Uint8Array) return '[]uint8';
  return 'map[string]interface {}';
}

/** fmt's `%v` of a value, as `{{ . }}` and `print` write it. */
export function formatValue(v: GoValue, nested = false): string {
  if (v === NO_VALUE) return nested ? '<nil>' : '<no value>';
  // A nil interface{} at the top of a pipeline is unwrapped to an invalid value, so it prints as <no value>.
  if (v === null) return nested ? '<nil>' : '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Uint8Array) return `[${Array.from(v).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(e => formatValue(e, true)).join(' ')}]`;
  const keys = Object.keys(v).sort(compareStrings);
  return `map[${keys.map(k => `${k}:${formatValue(v[k], true)}`).join(' ')}]`;
}

/** Byte-wise string order, as Go sorts map keys. */
export function compareStrings(a: string, b: string): number {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  return Buffer.compare(ab, bb);
}

/** strconv.FormatFloat(f, 'g', -1, 64), which is what `%v` prints for a float64. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Shortest digits that round-trip, like Go's.
  const [mantissa, expPart] = f.toExponential().split('e');
  const exp = Number(expPart);
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = f < 0 ? '-' : '';
  // strconv's %g with the shortest precision switches to an exponent when exp < -4 or exp >= 6 (so 1e+06).
  if (exp < -4 || exp >= 6) return `${sign}${formatExponent(digits, exp)}`;
  if (exp >= 0) {
    const intDigits = digits.padEnd(exp + 1, '0');
    const whole = intDigits.slice(0, exp + 1);
    const frac = digits.slice(exp + 1);
    return `${sign}${whole}${frac ? '.' + frac : ''}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

function formatExponent(digits: string, exp: number): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
}

/** A deep copy of JSON-like data into Go values. */
export function fromJson(v: unknown): GoValue {
  if (v === undefined) return NO_VALUE;
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return v as GoValue;
  if (Array.isArray(v)) return v.map(fromJson);
  const out: GoMap = {};
  for (const [k, e] of Object.entries(v as object)) out[k] = fromJson(e);
  return out;
}

/** Go values back into JSON-like data (bigints become numbers; `<no value>` becomes null). */
export function toJson(v: GoValue): unknown {
  if (v === NO_VALUE) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJson);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort(compareStrings)) out[k] = toJson(v[k]);
    return out;
  }
  return v;
}
