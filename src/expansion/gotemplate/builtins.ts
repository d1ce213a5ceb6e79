import { missingStringKeys } from './execute';
import { sprint, sprintf, sprintln } from './fmt';
import { FunctionError, fn, TemplateFunction } from './functions';
import { GoInt, GoValue, hasKey, intValue, isGoObject, isMap, isStringMap, NO_VALUE, truth, typeName, compareStrings } from './values';

/**
 * Go's predefined template functions (text/template/funcs.go, Go 1.26). Most take reflect.Value parameters
 * (`v`: no conversion, a missing value passes as invalid); `and` and `or` are evaluated lazily by the executor.
 */
export const GO_BUILTINS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ['and', fn('v', () => NO_VALUE, 'v')],
  ['or', fn('v', () => NO_VALUE, 'v')],
  ['not', fn('v', (v: GoValue) => !truth(v))],
  ['len', fn('v', (v: GoValue) => BigInt(lengthOf(v)))],
  ['index', fn('v', (item: GoValue, ...keys: GoValue[]) => indexOf(item, keys), 'v')],
  ['slice', fn('v', (item: GoValue, ...idx: GoValue[]) => sliceOf(item, idx), 'v')],
  ['print', fn('', (...args: GoValue[]) => sprint(args), 'a')],
  ['println', fn('', (...args: GoValue[]) => sprintln(args), 'a')],
  ['printf', fn('s', (f: string, ...args: GoValue[]) => sprintf(f, args), 'a')],
  ['eq', fn('v', (a: GoValue, ...rest: GoValue[]) => eq(a, rest), 'v')],
  ['ne', fn('vv', (a: GoValue, b: GoValue) => !eq(a, [b]))],
  ['lt', fn('vv', (a: GoValue, b: GoValue) => lt(a, b))],
  ['le', fn('vv', (a: GoValue, b: GoValue) => lt(a, b) || eq(a, [b]))],
  ['gt', fn('vv', (a: GoValue, b: GoValue) => !(lt(a, b) || eq(a, [b])))],
  ['ge', fn('vv', (a: GoValue, b: GoValue) => !lt(a, b))],
  ['html', fn('', (...args: GoValue[]) => htmlEscape(evalArgs(args)), 'a')],
  ['js', fn('', (...args: GoValue[]) => jsEscape(evalArgs(args)), 'a')],
  ['urlquery', fn('', (...args: GoValue[]) => queryEscape(evalArgs(args)), 'a')],
  ['call', fn('v', (f: GoValue) => {
    if (f === null || f === NO_VALUE) throw new FunctionError('call of nil');
    throw new FunctionError(`non-function of type ${typeName(f)}`);
  }, 'v')],
]);

/** html, js and urlquery print their arguments as the template would (nil is "<no value>"). */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map(a => (a === null || a === NO_VALUE ? '<no value>' : a)));
}

function lengthOf(v: GoValue): number {
  if (v === NO_VALUE) throw new FunctionError('reflect: call of reflect.Value.Type on zero Value');
  if (v === null) throw new FunctionError('len of nil pointer');
  if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length;
  if (isMap(v)) return Object.keys(v).length;
  throw new FunctionError(`len of type ${typeName(v)}`);
}

function indexArg(k: GoValue, cap: number): number {
  const i = intValue(k);
  if (k === null || k === NO_VALUE) throw new FunctionError('cannot index slice/array with nil');
  if (i === undefined) throw new FunctionError(`cannot index slice/array with type ${typeName(k)}`);
  if (i < 0n || i > BigInt(cap)) throw new FunctionError(`index out of range: ${i}`);
  return Number(i);
}

function indexOf(item: GoValue, keys: GoValue[]): GoValue {
  if (item === null || item === NO_VALUE) throw new FunctionError('index of untyped nil');
  let v: GoValue = item;
  for (const k of keys) {
    if (v === null || v === NO_VALUE) throw new FunctionError('index of nil pointer');
    if (Array.isArray(v) || typeof v === 'string' || v instanceof Uint8Array) {
      const len = typeof v === 'string' ? Buffer.byteLength(v) : v.length;
      const i = indexArg(k, len);
      if (i >= len) throw new FunctionError(`reflect: ${typeof v === 'string' ? 'string' : 'slice'} index out of range`);
      if (typeof v === 'string') v = new GoInt('uint8', BigInt(Buffer.from(v)[i]));
      else if (v instanceof Uint8Array) v = new GoInt('uint8', BigInt(v[i]));
      else v = v[i];
    } else if (isMap(v)) {
      if (k === null || k === NO_VALUE) throw new FunctionError('value is nil; should be of type string');
      if (typeof k !== 'string') throw new FunctionError(`value has type ${typeName(k)}; should be string`);
      if (hasKey(v, k)) {
        v = v[k];
      } else if (isStringMap(v)) {
        missingStringKeys.current?.add(k);
        v = '';
      } else {
        v = null;
      }
    } else {
      throw new FunctionError(`can't index item of type ${typeName(v)}`);
    }
  }
  return v;
}

function sliceOf(item: GoValue, idx: GoValue[]): GoValue {
  if (item === null || item === NO_VALUE) throw new FunctionError('slice of untyped nil');
  if (idx.length > 3) throw new FunctionError(`too many slice indexes: ${idx.length}`);
  if (typeof item !== 'string' && !Array.isArray(item)) throw new FunctionError(`can't slice item of type ${typeName(item)}`);
  if (typeof item === 'string' && idx.length === 3) throw new FunctionError('cannot 3-index slice a string');
  const len = typeof item === 'string' ? Buffer.byteLength(item) : item.length;
  const bounds = [0, len, len];
  idx.forEach((k, i) => { bounds[i] = indexArg(k, len); });
  if (bounds[0] > bounds[1]) throw new FunctionError(`invalid slice index: ${bounds[0]} > ${bounds[1]}`);
  if (idx.length === 3 && bounds[1] > bounds[2]) throw new FunctionError(`invalid slice index: ${bounds[1]} > ${bounds[2]}`);
  if (typeof item === 'string') return Buffer.from(item).subarray(bounds[0], bounds[1]).toString('utf8');
  return item.slice(bounds[0], bounds[1]);
}

type Kind = 'bool' | 'int' | 'uint' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: GoValue): Kind {
  if (v === null || v === NO_VALUE) return 'invalid';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return 'other';
}

/** Go's `eq` (Go ≥ 1.18): basic kinds compare by value, ints and uints mix, other mixes are an error. */
export function eq(a: GoValue, others: GoValue[]): boolean {
  if (others.length === 0) throw new FunctionError('missing argument for comparison');
  const k1 = basicKind(a);
  for (const b of others) {
    const k2 = basicKind(b);
    let truthy = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truthy = intValue(a)! >= 0n && intValue(a) === intValue(b);
      else if (k1 === 'uint' && k2 === 'int') truthy = intValue(b)! >= 0n && intValue(a) === intValue(b);
      else if (k1 !== 'invalid' && k2 !== 'invalid') throw new FunctionError('incompatible types for comparison');
    } else {
      switch (k1) {
        case 'int': case 'uint': truthy = intValue(a) === intValue(b); break;
        case 'invalid': truthy = true; break;
        case 'other':
          if (isGoObject(a) && isGoObject(b)) { truthy = a === b; break; }
          if (typeName(a) !== typeName(b)) throw new FunctionError(`non-comparable types ${sprintf('%s', [a])}: ${typeName(a)}, ${typeName(b)}: ${sprintf('%v', [b])}`);
          throw new FunctionError(`non-comparable type ${sprintf('%s', [b])}: ${typeName(b)}`);
        default: truthy = a === b;
      }
    }
    if (truthy) return true;
  }
  return false;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid' || k1 === 'other') throw new FunctionError('invalid type for comparison');
  const k2 = basicKind(b);
  if (k2 === 'invalid' || k2 === 'other') throw new FunctionError('invalid type for comparison');
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return intValue(a)! < 0n || intValue(a)! < intValue(b)!;
    if (k1 === 'uint' && k2 === 'int') return intValue(b)! >= 0n && intValue(a)! < intValue(b)!;
    throw new FunctionError('incompatible types for comparison');
  }
  switch (k1) {
    case 'bool': throw new FunctionError('invalid type for comparison');
    case 'int': case 'uint': return intValue(a)! < intValue(b)!;
    case 'string': return compareStrings(a as string, b as string) < 0;
    default: return (a as number) < (b as number);
  }
}

/** template.HTMLEscapeString. */
function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, c => ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\0': '\uFFFD' } as Record<string, string>)[c]);
}

/** template.JSEscapeString. */
function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    switch (ch) {
      case '\\': out += '\\\\'; continue;
      case "'": out += "\\'"; continue;
      case '"': out += '\\"'; continue;
      case '<': out += '\\u003C'; continue;
      case '>': out += '\\u003E'; continue;
      case '&': out += '\\u0026'; continue;
      case '=': out += '\\u003D'; continue;
    }
    if (r < 0x20) out += '\\u00' + r.toString(16).toUpperCase().padStart(2, '0');
    else if (r < 0x80 || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export { missingStringKeys };
