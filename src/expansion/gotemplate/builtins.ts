import { ArgumentError, FunctionError, TemplateFunction } from './execute';
import { formatFloat, formatValue, GoValue, hasKey, isMap, NO_VALUE, truth, typeName } from './values';

/**
 * Go's predefined template functions (text/template/funcs.go). `and` and `or` are evaluated lazily by the
 * executor; they are listed here so the parser knows them.
 */
export const GO_BUILTINS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ['and', { arity: -1, minArgs: 1, call: () => NO_VALUE }],
  ['or', { arity: -1, minArgs: 1, call: () => NO_VALUE }],
  ['not', { arity: 1, call: ([v]) => !truth(v) }],
  ['len', { arity: 1, call: ([v]) => BigInt(lengthOf(v)) }],
  ['index', { arity: -1, minArgs: 1, call: ([item, ...keys]) => indexOf(item, keys) }],
  ['slice', { arity: -1, minArgs: 1, call: ([item, ...idx]) => sliceOf(item, idx) }],
  ['print', { arity: -1, call: args => sprint(args) }],
  ['println', { arity: -1, call: args => args.map(a => formatValue(a, true)).join(' ') + '\n' }],
  ['printf', { arity: -1, minArgs: 1, call: ([f, ...args]) => sprintf(asString(f), args) }],
  ['eq', { arity: -1, minArgs: 1, call: ([a, ...rest]) => eq(a, rest) }],
  ['ne', { arity: 2, call: ([a, b]) => !eq(a, [b]) }],
  ['lt', { arity: 2, call: ([a, b]) => less(a, b) }],
  ['le', { arity: 2, call: ([a, b]) => less(a, b) || eq(a, [b]) }],
  ['gt', { arity: 2, call: ([a, b]) => !less(a, b) && !eq(a, [b]) }],
  ['ge', { arity: 2, call: ([a, b]) => !less(a, b) }],
  ['html', { arity: -1, call: args => htmlEscape(sprint(args)) }],
  ['js', { arity: -1, call: args => jsEscape(sprint(args)) }],
  ['urlquery', { arity: -1, call: args => encodeURIComponent(sprint(args)).replace(/%20/g, '+').replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase()) }],
]);

/** Go's fmt.Sprint: spaces between operands when neither is a string. */
export function sprint(args: GoValue[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a, true);
  });
  return out;
}

/** The value as a Go string parameter; anything else is Go's type error. */
export function asString(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v === NO_VALUE) throw new ArgumentError('invalid value; expected string', v);
  throw new ArgumentError(`wrong type for value; expected string; got ${typeName(v)}`, v);
}

/** The value as a Go int parameter (Go converts untyped constants; float64 values are a type error). */
export function asInt(v: GoValue): number {
  if (typeof v === 'bigint') return Number(v);
  if (v === NO_VALUE) throw new ArgumentError('invalid value; expected int', v);
  throw new ArgumentError(`wrong type for value; expected int; got ${typeName(v)}`, v);
}

function lengthOf(v: GoValue): number {
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v)) return v.length;
  if (v instanceof Uint8Array) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new FunctionError(`len of type ${typeName(v)}`);
}

/** Marks maps whose Go type is map[string]string (cluster labels and annotations): a missing key reads as "". */
export const STRING_MAPS = new WeakSet<object>();

/**
 * Collects keys looked up but missing in a map[string]string (`index .metadata.labels "x"` silently yields "").
 * The expansion sets `current` around each render to report templates that read labels a cluster lacks.
 */
export const missingStringKeys: { current?: Set<string> } = {};

function indexOf(item: GoValue, keys: GoValue[]): GoValue {
  let v = item;
  for (const k of keys) {
    if (v === null || v === NO_VALUE) throw new FunctionError('index of untyped nil');
    if (Array.isArray(v) || typeof v === 'string') {
      const i = intIndex(k);
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      if (i < 0 || i >= len) throw new FunctionError(`index out of range: ${i}`);
      v = typeof v === 'string' ? BigInt(Buffer.from(v)[i]) : v[i];
    } else if (isMap(v)) {
      if (typeof k !== 'string') throw new FunctionError(`value has type ${typeName(k)}; should be string`);
      if (hasKey(v, k)) {
        v = v[k];
      } else if (STRING_MAPS.has(v)) {
        missingStringKeys.current?.add(k);
        v = '';
      } else {
        v = NO_VALUE;
      }
    } else {
      throw new FunctionError(`can't index item of type ${typeName(v)}`);
    }
  }
  return v;
}

function intIndex(k: GoValue): number {
  if (typeof k === 'bigint') return Number(k);
  throw new FunctionError(`cannot index slice/array with type ${typeName(k)}`);
}

function sliceOf(item: GoValue, idx: GoValue[]): GoValue {
  if (typeof item !== 'string' && !Array.isArray(item)) throw new FunctionError(`can't slice item of type ${typeName(item)}`);
  if (idx.length > 3 || idx.length === 3 && typeof item === 'string') throw new FunctionError('too many slice indexes');
  const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
  const i = idx.length > 0 ? intIndex(idx[0]) : 0;
  const j = idx.length > 1 ? intIndex(idx[1]) : len;
  if (i < 0 || j < i || j > len) throw new FunctionError(`index out of range: ${j > len ? j : i}`);
  return typeof item === 'string' ? Buffer.from(item).subarray(i, j).toString('utf8') : item.slice(i, j);
}

type Kind = 'bool' | 'int' | 'float' | 'string' | 'nil' | 'other';
function kindOf(v: GoValue): Kind {
  if (v === null || v === NO_VALUE) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

/** Go's `eq` (Go ≥ 1.18): basic kinds only; an int never equals a float64 (that is an error). */
export function eq(a: GoValue, others: GoValue[]): boolean {
  if (others.length === 0) throw new FunctionError('missing argument for comparison');
  const k1 = kindOf(a);
  for (const b of others) {
    const k2 = kindOf(b);
    let truthy = false;
    if (k1 !== k2) {
      if (k1 !== 'nil' && k2 !== 'nil') throw new FunctionError('incompatible types for comparison');
    } else if (k1 === 'other') {
      throw new FunctionError(`non-comparable type ${formatValue(a)}: ${typeName(a)}`);
    } else if (k1 === 'nil') {
      truthy = true;
    } else {
      truthy = a === b;
    }
    if (truthy) return true;
  }
  return false;
}

function less(a: GoValue, b: GoValue): boolean {
  const k1 = kindOf(a);
  const k2 = kindOf(b);
  if (k1 === 'bool' || k1 === 'nil' || k1 === 'other' || k2 === 'bool' || k2 === 'nil' || k2 === 'other') throw new FunctionError('invalid type for comparison');
  if (k1 !== k2) throw new FunctionError('incompatible types for comparison');
  if (k1 === 'string') return Buffer.compare(Buffer.from(a as string), Buffer.from(b as string)) < 0;
  return (a as number) < (b as number);
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, c => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' } as any)[c]);
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\n\r\t]|[\x00-\x1f]/g, c => {
    switch (c) {
      case '\\': return '\\\\';
      case "'": return "\\'";
      case '"': return '\\"';
      case '<': return '\\u003C';
      case '>': return '\\u003E';
      case '&': return '\\u0026';
      case '=': return '\\u003D';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }
  });
}

/** fmt.Sprintf for the verbs templates use: %s %v %d %f %g %e %t %q %x %X %o %b %c %%, with flags, width and precision. */
export function sprintf(format: string, args: GoValue[]): string {
  let argi = 0;
  const out = format.replace(/%([-+# 0]*)(\d+|\*)?(?:\.(\d+|\*)?)?([a-zA-Z%])/g, (whole, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (width === '*') width = String(args[argi++]);
    if (prec === '*') prec = String(args[argi++]);
    if (argi >= args.length) return `%!${verb}(MISSING)`;
    const a = args[argi++];
    let s: string;
    const p = prec === undefined ? undefined : Number(prec || '0');
    switch (verb) {
      case 'v': case 's': s = formatValue(a, true); if (p !== undefined && verb === 's') s = [...s].slice(0, p).join(''); break;
      case 'q': s = typeof a === 'string' ? JSON.stringify(a) : `%!q(${typeName(a)}=${formatValue(a, true)})`; break;
      case 't': s = typeof a === 'boolean' ? String(a) : `%!t(${typeName(a)}=${formatValue(a, true)})`; break;
      case 'd': s = typeof a === 'bigint' ? a.toString() : `%!d(${typeName(a)}=${formatValue(a, true)})`; if (flags.includes('+') && typeof a === 'bigint' && a >= 0n) s = '+' + s; break;
      case 'x': case 'X': case 'o': case 'b': {
        const radix = verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
        if (typeof a === 'bigint') s = a.toString(radix);
        else if (typeof a === 'string') s = Buffer.from(a).toString('hex');
        else s = `%!${verb}(${typeName(a)}=${formatValue(a, true)})`;
        if (verb === 'X') s = s.toUpperCase();
        break;
      }
      case 'c': s = typeof a === 'bigint' ? String.fromCodePoint(Number(a)) : `%!c(${typeName(a)}=${formatValue(a, true)})`; break;
      case 'f': case 'F': case 'e': case 'g': {
        const n = typeof a === 'number' ? a : typeof a === 'bigint' ? undefined : undefined;
        if (n === undefined) { s = `%!${verb}(${typeName(a)}=${formatValue(a, true)})`; break; }
        if (verb === 'e') s = n.toExponential(p ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
        else if (verb === 'g') s = p === undefined ? formatFloat(n) : String(Number(n.toPrecision(p)));
        else s = n.toFixed(p ?? 6);
        if (flags.includes('+') && n >= 0) s = '+' + s;
        break;
      }
      default: s = `%!${verb}(${typeName(a)}=${formatValue(a, true)})`;
    }
    if (width !== undefined) {
      const w = Number(width);
      if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : flags.includes('0') && /[dfeg]/.test(verb) ? s.padStart(w, '0') : s.padStart(w);
    }
    void whole;
    return s;
  });
  if (argi < args.length) return `${out}%!(EXTRA ${args.slice(argi).map(a => `${typeName(a)}=${formatValue(a, true)}`).join(', ')})`;
  return out;
}
