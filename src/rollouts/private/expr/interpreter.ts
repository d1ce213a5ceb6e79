import { UnsupportedExpression } from './checker';
import { Node } from './parser';
import {
  ANY_MAP, ANY_SLICE, assertedType, bool, float, formatV, GoFunction, GoPanic, GoValue, INT, int, isNilValue, NIL, sliceOf, str, typeOf,
  UINT8,
} from './types';
import { compileRegexp, RegexpSyntaxError } from '../../../expansion/gotemplate/regexp';
import { compareStrings } from '../../../expansion/gotemplate/values';

/**
 * Runs a checked expression the way expr v1.15.5's compiler and VM do (`compiler/compiler.go`, `vm/vm.go`,
 * `vm/runtime/*.go`): Go's numeric rules (int op int is int, mixed is float64, `/` is always float64), `&&`
 * and `||` that short-circuit and return the deciding operand, predicates that assert booleans, and Go's panics
 * as `GoPanic`s with the messages the controller records.
 */
export function run(
  node: Node, env: ReadonlyMap<string, GoValue>, floatLiterals: ReadonlySet<Node>, intEquals: ReadonlySet<Node> = new Set(),
): GoValue {
  const scopes: { items: GoValue[]; index: number; vars: Map<string, GoValue> }[] = [];
  const vars: { name: string; value: GoValue }[] = [];
  let steps = 0;
  const panic = (message: string): never => { throw new GoPanic(message); };
  const asBool = (v: GoValue): boolean => {
    if (v.type?.kind === 'bool') return v.v;
    return panic(`interface conversion: interface {} is ${assertedType(v)}, not bool`);
  };

  const evaluate = (n: Node): GoValue => {
    // A bound on the work per condition: predicates over huge results or nested ranges stop here.
    if (++steps > 5_000_000) throw new UnsupportedExpression('the expression takes too many steps to evaluate offline');
    switch (n.t) {
      case 'nil': return NIL;
      case 'bool': return bool(n.value);
      case 'int': return floatLiterals.has(n) ? float(n.value) : int(n.value);
      case 'float': return float(n.value);
      case 'string': return str(n.value);
      case 'ident': {
        for (let i = vars.length - 1; i >= 0; i--) if (vars[i].name === n.name) return vars[i].value;
        if (n.name === '$env') return { type: ANY_MAP, v: new Map(env) };
        return env.get(n.name)!;
      }
      case 'unary': {
        const v = evaluate(n.node);
        if (n.op === '!' || n.op === 'not') return bool(!asBool(v));
        if (n.op === '+') return v;
        if (v.type?.kind === 'float64') return float(-v.v);
        if (v.type?.kind === 'int' || v.type?.kind === 'int64') return { type: v.type, v: -v.v };
        return panic(`invalid operation: - ${typeOf(v)}`);
      }
      case 'binary': {
        if (!intEquals.has(n)) return binary(n.op, n.left, n.right);
        // OpEqualInt: `a.(int) == b.(int)`.
        const a = evaluate(n.left);
        const b = evaluate(n.right);
        for (const x of [a, b]) if (x.type?.kind !== 'int') panic(`interface conversion: interface {} is ${assertedType(x)}, not int`);
        return bool(a.v === b.v);
      }
      case 'chain': {
        try {
          return evaluate(n.node);
        } catch (e) {
          if (e instanceof NilChain) return NIL;
          throw e;
        }
      }
      case 'member': {
        const base = evaluate(n.node);
        if (n.optional && isNilValue(base)) throw new NilChain();
        return fetch(base, evaluate(n.property));
      }
      case 'slice': {
        const base = evaluate(n.node);
        return slice(base, n.from ? evaluate(n.from) : int(0), n.to ? evaluate(n.to) : int(length(base)));
      }
      case 'call': {
        const fn = evaluate(n.callee);
        if (fn.type?.kind !== 'func' || fn.v === null) return panic('reflect: call of reflect.Value.Call on zero Value');
        return (fn.v as GoFunction)(n.args.map(evaluate));
      }
      case 'builtin': return builtin(n.name, n.args);
      case 'closure': return evaluate(n.node);
      case 'pointer': {
        const scope = scopes[scopes.length - 1];
        if (n.name === '') return scope.items[scope.index];
        return scope.vars.get(n.name) ?? (n.name === 'index' ? int(scope.index) : NIL);
      }
      case 'conditional': return asBool(evaluate(n.cond)) ? evaluate(n.exp1) : evaluate(n.exp2);
      case 'array': return { type: ANY_SLICE, v: n.nodes.map(evaluate) };
      case 'map': {
        const m = new Map<string, GoValue>();
        for (const p of n.pairs) {
          const k = evaluate(p.key);
          if (k.type?.kind !== 'string') throw new UnsupportedExpression('map literals with non-string keys are not evaluated offline');
          m.set(k.v, evaluate(p.value));
        }
        return { type: ANY_MAP, v: m };
      }
      case 'let': {
        vars.push({ name: n.name, value: evaluate(n.value) });
        try {
          return evaluate(n.expr);
        } finally {
          vars.pop();
        }
      }
    }
  };

  const binary = (op: string, leftNode: Node, rightNode: Node): GoValue => {
    if (op === '&&' || op === 'and') {
      const l = evaluate(leftNode);
      return asBool(l) ? evaluate(rightNode) : l;
    }
    if (op === '||' || op === 'or') {
      const l = evaluate(leftNode);
      return asBool(l) ? l : evaluate(rightNode);
    }
    if (op === '??') {
      const l = evaluate(leftNode);
      return isNilValue(l) ? evaluate(rightNode) : l;
    }
    const a = evaluate(leftNode);
    const b = evaluate(rightNode);
    switch (op) {
      case '==': return bool(equal(a, b));
      case '!=': return bool(!equal(a, b));
      case '<': return bool(compare(a, b, '<') < 0);
      case '>': return bool(compare(a, b, '>') > 0);
      case '<=': { const c = compare(a, b, '<='); return bool(c <= 0 && !Number.isNaN(c)); }
      case '>=': { const c = compare(a, b, '>='); return bool(c >= 0 && !Number.isNaN(c)); }
      case '+':
        if (a.type?.kind === 'string' && b.type?.kind === 'string') return str(a.v + b.v);
        return arithmetic(a, b, '+', (x, y) => x + y);
      case '-': return arithmetic(a, b, '-', (x, y) => x - y);
      case '*': return arithmetic(a, b, '*', (x, y) => x * y);
      case '/': return float(toFloat(a, '/', b) / toFloat(b, '/', a));
      case '%': {
        if (!isIntValue(a) || !isIntValue(b)) return panic(`invalid operation: ${typeOf(a)} % ${typeOf(b)}`);
        if (b.v === 0) return panic('runtime error: integer divide by zero');
        return int(a.v % b.v);
      }
      case '**': case '^': return float(Math.pow(toFloatArg(a), toFloatArg(b)));
      case 'in': return bool(inOp(a, b));
      case 'matches': {
        // regexp.MatchString with Go's RE2 (linear time, so no input can hang synth).
        const s = asString(a);
        const pattern = asString(b);
        try {
          return bool(compileRegexp(pattern).matchString(s));
        } catch (e) {
          if (e instanceof RegexpSyntaxError) return panic(e.message);
          throw e;
        }
      }
      case 'contains': return bool(asString(a).includes(asString(b)));
      case 'startsWith': return bool(asString(a).startsWith(asString(b)));
      case 'endsWith': return bool(asString(a).endsWith(asString(b)));
      case '..': {
        const min = toIntArg(a);
        const max = toIntArg(b);
        if (max - min > 1_000_000) throw new UnsupportedExpression('ranges of more than a million numbers are not evaluated offline');
        const out: GoValue[] = [];
        for (let i = min; i <= max; i++) out.push(int(i));
        return { type: sliceOf(INT), v: out };
      }
      default: throw new UnsupportedExpression(`the operator '${op}' is not evaluated offline`);
    }
  };

  const asString = (v: GoValue): string => (v.type?.kind === 'string' ? v.v : panic(`interface conversion: interface {} is ${assertedType(v)}, not string`));

  const builtin = (name: string, args: Node[]): GoValue => {
    switch (name) {
      case 'all': case 'any': case 'none': case 'one': case 'filter': case 'map': case 'count':
      case 'find': case 'findIndex': case 'findLast': case 'findLastIndex':
        return predicate(name, args[0], args[1]);
    }
    const values = args.map(evaluate);
    const fn = BUILTINS[name];
    if (!fn) throw new UnsupportedExpression(`the builtin '${name}' is not evaluated offline`);
    return fn(values);
  };

  const predicate = (name: string, collectionNode: Node, closure: Node): GoValue => {
    const collection = evaluate(collectionNode);
    if (collection.type === null) return panic('reflect: call of reflect.Value.Len on zero Value');
    if (collection.type.kind !== 'slice' && collection.type.kind !== 'string' && collection.type.kind !== 'map') {
      return panic(`reflect: call of reflect.Value.Len on ${collection.type.kind} Value`);
    }
    if (collection.type.kind !== 'slice') throw new UnsupportedExpression(`${name}() over a ${collection.type.kind} is not evaluated offline`);
    const items: GoValue[] = collection.v ?? [];
    const scope = { items, index: 0, vars: new Map<string, GoValue>() };
    scopes.push(scope);
    try {
      const reverse = name === 'findLast' || name === 'findLastIndex';
      const results: GoValue[] = [];
      let count = 0;
      for (let k = 0; k < items.length; k++) {
        const i = reverse ? items.length - 1 - k : k;
        scope.index = i;
        scope.vars.set('index', int(i));
        const r = evaluate(closure);
        switch (name) {
          case 'all': if (!asBool(r)) return r; break;
          case 'any': if (asBool(r)) return r; break;
          case 'none': if (asBool(r)) return bool(false); break;
          case 'one': case 'count': if (asBool(r)) count++; break;
          case 'filter': if (asBool(r)) results.push(items[i]); break;
          case 'map': results.push(r); break;
          case 'find': case 'findLast': if (asBool(r)) return items[i]; break;
          case 'findIndex': case 'findLastIndex': if (asBool(r)) return int(i); break;
        }
      }
      switch (name) {
        case 'all': case 'none': return bool(true);
        case 'any': return bool(false);
        case 'one': return bool(count === 1);
        case 'count': return int(count);
        case 'filter': case 'map': return { type: ANY_SLICE, v: results };
        // expr v1.15.5 compiles a miss of find, findIndex, findLast and findLastIndex to OpNil (not -1).
        default: return NIL;
      }
    } finally {
      scopes.pop();
    }
  };

  return evaluate(node);
}

class NilChain extends Error {}

const isIntValue = (v: GoValue) => v.type !== null && (v.type.kind === 'int' || v.type.kind === 'int64' || v.type.kind === 'uint8');
const isNumValue = (v: GoValue) => isIntValue(v) || v.type?.kind === 'float64';

function toFloat(v: GoValue, op: string, other: GoValue): number {
  if (isNumValue(v)) return v.v;
  throw new GoPanic(`invalid operation: ${typeOf(v)} ${op} ${typeOf(other)}`);
}

function toFloatArg(v: GoValue): number {
  if (isNumValue(v)) return v.v;
  throw new GoPanic(`invalid operation: float(${typeOf(v)})`);
}

function toIntArg(v: GoValue): number {
  if (isNumValue(v)) return Math.trunc(v.v);
  throw new GoPanic(`invalid operation: int(${typeOf(v)})`);
}

function arithmetic(a: GoValue, b: GoValue, op: string, f: (x: number, y: number) => number): GoValue {
  if (!isNumValue(a) || !isNumValue(b)) throw new GoPanic(`invalid operation: ${typeOf(a)} ${op} ${typeOf(b)}`);
  if (isIntValue(a) && isIntValue(b)) return int(f(a.v, b.v));
  return float(f(a.v, b.v));
}

/** runtime.Equal: numbers across kinds by value, strings, then nil, then reflect.DeepEqual. */
export function equal(a: GoValue, b: GoValue): boolean {
  if (isNumValue(a) && isNumValue(b)) return a.v === b.v;
  if (a.type?.kind === 'string' && b.type?.kind === 'string') return a.v === b.v;
  if (isNilValue(a) && isNilValue(b)) return true;
  return deepEqual(a, b);
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a.type === null || b.type === null) return a.type === b.type;
  if (typeOf(a) !== typeOf(b)) return false;
  switch (a.type.kind) {
    case 'slice': {
      if ((a.v === null) !== (b.v === null)) return false;
      const x: GoValue[] = a.v ?? [];
      const y: GoValue[] = b.v ?? [];
      return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
    }
    case 'map': {
      if ((a.v === null) !== (b.v === null)) return false;
      const x: Map<string, GoValue> = a.v ?? new Map();
      const y: Map<string, GoValue> = b.v ?? new Map();
      return x.size === y.size && [...x].every(([k, e]) => y.has(k) && deepEqual(e, y.get(k)!));
    }
    case 'func': return a.v === null && b.v === null;
    default: return a.v === b.v;
  }
}

/** runtime.Less/More/…: numbers (NaN compares false both ways, reported as NaN) and strings; otherwise a panic. */
function compare(a: GoValue, b: GoValue, op: string): number {
  if (isNumValue(a) && isNumValue(b)) {
    if (Number.isNaN(a.v) || Number.isNaN(b.v)) return NaN;
    return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  }
  if (a.type?.kind === 'string' && b.type?.kind === 'string') return compareStrings(a.v, b.v);
  throw new GoPanic(`invalid operation: ${typeOf(a)} ${op} ${typeOf(b)}`);
}

function length(v: GoValue): number {
  if (v.type?.kind === 'slice') return (v.v ?? []).length;
  if (v.type?.kind === 'string') return Buffer.byteLength(v.v, 'utf8');
  if (v.type?.kind === 'map') return (v.v ?? new Map()).size;
  throw new GoPanic(`invalid argument for len (type ${typeOf(v)})`);
}

/** runtime.Fetch: slices and strings by integer index (negative from the end), maps by key (missing: zero value). */
export function fetch(from: GoValue, i: GoValue): GoValue {
  if (from.type === null) throw new GoPanic(`cannot fetch ${formatV(i)} from <nil>`);
  switch (from.type.kind) {
    case 'slice': case 'string': {
      let index = toIntArg(i);
      const len = length(from);
      if (index < 0) index += len;
      if (index < 0 || index >= len) throw new GoPanic(from.type.kind === 'string' ? 'reflect: string index out of range' : 'reflect: slice index out of range');
      if (from.type.kind === 'string') return { type: UINT8, v: Buffer.from(from.v, 'utf8')[index] };
      return from.v[index];
    }
    case 'map': {
      if (i.type !== null && i.type.kind !== 'string') {
        throw new GoPanic(`reflect.Value.MapIndex: value of type ${typeOf(i)} is not assignable to type string`);
      }
      const m: Map<string, GoValue> | null = from.v;
      const e = i.type === null ? m?.get('') : m?.get(i.v);
      if (e !== undefined) return e;
      const elem = from.type.elem!;
      return zero(elem);
    }
    default:
      throw new GoPanic(`cannot fetch ${formatV(i)} from ${typeOf(from)}`);
  }
}

function zero(t: NonNullable<GoValue['type']>): GoValue {
  switch (t.kind) {
    case 'interface': return NIL;
    case 'float64': return float(0);
    case 'int': case 'int64': case 'uint8': return { type: t, v: 0 };
    case 'string': return str('');
    case 'bool': return bool(false);
    default: return { type: t, v: null };
  }
}

function slice(array: GoValue, from: GoValue, to: GoValue): GoValue {
  if (array.type?.kind !== 'slice' && array.type?.kind !== 'string') throw new GoPanic(`cannot slice ${formatV(from)}`);
  const len = length(array);
  let a = toIntArg(from);
  let b = toIntArg(to);
  if (a < 0) a = Math.max(0, len + a);
  if (b < 0) b = Math.max(0, len + b);
  if (b > len) b = len;
  if (a > b) a = b;
  if (array.type.kind === 'string') return str(Buffer.from(array.v, 'utf8').subarray(a, b).toString('utf8'));
  return { type: array.type, v: (array.v ?? []).slice(a, b) };
}

/** runtime.In. */
function inOp(needle: GoValue, haystack: GoValue): boolean {
  if (haystack.type === null) return false;
  switch (haystack.type.kind) {
    case 'slice': return ((haystack.v ?? []) as GoValue[]).some(e => equal(e, needle));
    case 'map': {
      if (needle.type !== null && needle.type.kind !== 'string') {
        throw new GoPanic(`reflect.Value.MapIndex: value of type ${typeOf(needle)} is not assignable to type string`);
      }
      return (haystack.v as Map<string, GoValue> | null)?.has(needle.type === null ? '' : needle.v) ?? false;
    }
    default:
      throw new GoPanic(`operator "in" not defined on ${typeOf(haystack)}`);
  }
}

function numbersOf(name: string, v: GoValue): number[] {
  if (v.type?.kind !== 'slice') throw new GoPanic(`cannot ${name} ${v.type === null ? 'invalid' : v.type.kind}`);
  return ((v.v ?? []) as GoValue[]).map(e => {
    if (!isNumValue(e)) throw new GoPanic(`cannot ${name} ${e.type === null ? 'invalid' : e.type.kind === 'slice' ? 'slice' : e.type.kind}`);
    return e.v as number;
  });
}

/** The builtins evaluated offline (builtin/builtin.go, builtin/func.go). */
const BUILTINS: Record<string, (args: GoValue[]) => GoValue> = {
  len: ([x]) => int(length(x)),
  abs: ([x]) => {
    if (!isNumValue(x)) throw new GoPanic(`invalid argument for abs (type ${typeOf(x)})`);
    return x.v < 0 ? { type: x.type, v: -x.v } : x;
  },
  ceil: ([x]) => float(Math.ceil(toRound('ceil', x))),
  floor: ([x]) => float(Math.floor(toRound('floor', x))),
  round: ([x]) => float(goRound(toRound('round', x))),
  int: ([x]) => {
    if (isNumValue(x)) return int(x.v);
    if (x.type?.kind === 'string') {
      if (!/^[+-]?[0-9]+$/.test(x.v)) throw new GoPanic(`invalid operation: int(${x.v})`);
      return int(Number(x.v));
    }
    throw new GoPanic(`invalid operation: int(${typeOf(x)})`);
  },
  float: ([x]) => {
    if (isNumValue(x)) return float(x.v);
    if (x.type?.kind === 'string') {
      const f = parseGoFloat(x.v);
      if (f === undefined) throw new GoPanic(`invalid operation: float(${x.v})`);
      return float(f);
    }
    throw new GoPanic(`invalid operation: float(${typeOf(x)})`);
  },
  string: ([x]) => str(formatV(x)),
  max: args => args.reduce<GoValue>((m, a) => (m.type === null || compare(m, a, '<') < 0 ? a : m), NIL),
  min: args => args.reduce<GoValue>((m, a) => (m.type === null || compare(m, a, '>') > 0 ? a : m), NIL),
  sum: ([x]) => {
    const items = ((x.v ?? []) as GoValue[]);
    const nums = numbersOf('sum', x);
    return items.some(e => e.type?.kind === 'float64') ? float(nums.reduce((s, n) => s + n, 0)) : int(nums.reduce((s, n) => s + n, 0));
  },
  mean: ([x]) => {
    const nums = numbersOf('mean', x);
    return float(nums.length === 0 ? 0 : nums.reduce((s, n) => s + n, 0) / nums.length);
  },
  median: ([x]) => {
    const nums = numbersOf('median', x).sort((p, q) => p - q);
    if (nums.length === 0) return float(0);
    const mid = Math.floor(nums.length / 2);
    return float(nums.length % 2 === 0 ? (nums[mid - 1] + nums[mid]) / 2 : nums[mid]);
  },
  first: ([x]) => { try { return fetch(x, int(0)); } catch (e) { if (e instanceof GoPanic) return NIL; throw e; } },
  last: ([x]) => { try { return fetch(x, int(-1)); } catch (e) { if (e instanceof GoPanic) return NIL; throw e; } },
  type: ([x]) => {
    if (x.type === null) return str('nil');
    const k = x.type.kind;
    return str(k === 'int' || k === 'int64' ? 'int' : k === 'uint8' ? 'uint' : k === 'float64' ? 'float' : k === 'slice' ? 'array' : k === 'interface' ? 'unknown' : k);
  },
};

function toRound(name: string, x: GoValue): number {
  if (isNumValue(x)) return x.v;
  throw new GoPanic(`invalid argument for ${name} (type ${typeOf(x)})`);
}

/** math.Round: half away from zero. */
function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** strconv.ParseFloat(s, 64) for the decimal forms; undefined when Go would return an error. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(s) && !/_/.test(s)) return Number(s);
  if (/^[+-]?0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][+-]?\d+$/.test(s)) return undefined;
  return undefined;
}
