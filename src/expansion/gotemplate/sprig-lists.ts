/**
 * sprig v3.3.0's list, dict, default, reflection and JSON functions (list.go, dict.go, defaults.go, reflect.go):
 * reflection-based where sprig is (`first` of a []string works, `first` of a map is "Cannot find first on type
 * map"), the non-must variants panicking where sprig does, map[string]interface{} parameters checked by the
 * executor (a cluster's map[string]string labels are "wrong type for value").
 */
import { deepEqual, empty, FunctionError, fn, int64, mapOf, nilSlice, NIL_SLICES, sliceElements, stringSlice, strval, TemplateFunction, toInt64 } from './functions';
import { JsonError, JsonSyntaxError, marshal, unmarshal } from './json';
import { checkListLength } from './limits';
import { compareStrings, GO_TYPES, GoMap, GoValue, hasKey, isGoObject, isMap, kindName, NO_VALUE, sortedKeys, typeName } from './values';
import { setOwn } from '../../private/util';

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

/** reflect.TypeOf(list).Kind() as sprig's list functions read it; nil panics as in Go. */
function listKind(v: GoValue): string {
  if (v === null || v === NO_VALUE) throw new FunctionError(NIL_DEREF);
  return kindName(v);
}

/** A sprig list operation: elements of a slice, or sprig's error (`Cannot <verb> on type <kind>`). */
function elements(v: GoValue, error: (kind: string) => string): GoValue[] {
  const kind = listKind(v);
  const els = sliceElements(v);
  if (!els) throw new FunctionError(error(kind));
  return els;
}

const list = (...args: GoValue[]): GoValue[] => args;

function push(l: GoValue, v: GoValue): GoValue[] {
  return [...elements(l, k => `Cannot push on type ${k}`), v];
}
function prepend(l: GoValue, v: GoValue): GoValue[] {
  return [v, ...elements(l, k => `Cannot prepend on type ${k}`)];
}
function first(l: GoValue): GoValue {
  const e = elements(l, k => `Cannot find first on type ${k}`);
  return e.length ? e[0] : null;
}
function last(l: GoValue): GoValue {
  const e = elements(l, k => `Cannot find last on type ${k}`);
  return e.length ? e[e.length - 1] : null;
}
function rest(l: GoValue): GoValue {
  const e = elements(l, k => `Cannot find rest on type ${k}`);
  return e.length ? e.slice(1) : nilSlice();
}
function initial(l: GoValue): GoValue {
  const e = elements(l, k => `Cannot find initial on type ${k}`);
  return e.length ? e.slice(0, -1) : nilSlice();
}
function reverse(l: GoValue): GoValue[] {
  return [...elements(l, k => `Cannot find reverse on type ${k}`)].reverse();
}
function compact(l: GoValue): GoValue[] {
  return elements(l, k => `Cannot compact on type ${k}`).filter(e => !empty(e));
}
function uniq(l: GoValue): GoValue[] {
  const out: GoValue[] = [];
  for (const e of elements(l, k => `Cannot find uniq on type ${k}`)) if (!out.some(o => deepEqual(e, o))) out.push(e);
  return out;
}
function without(l: GoValue, ...omit: GoValue[]): GoValue[] {
  return elements(l, k => `Cannot find without on type ${k}`).filter(e => !omit.some(o => deepEqual(e, o)));
}
function has(needle: GoValue, haystack: GoValue): boolean {
  if (haystack === null || haystack === NO_VALUE) return false;
  return elements(haystack, k => `Cannot find has on type ${k}`).some(e => deepEqual(needle, e));
}
function slice(l: GoValue, ...indices: GoValue[]): GoValue {
  const e = elements(l, k => `list should be type of slice or array but ${k}`);
  if (e.length === 0) return null;
  const start = indices.length > 0 ? Number(toInt64(indices[0])) : 0;
  const end = indices.length >= 2 ? Number(toInt64(indices[1])) : e.length;
  if (start < 0 || end < start || end > e.length) throw new FunctionError('reflect.Value.Slice: slice index out of bounds');
  const out = e.slice(start, end);
  const t = GO_TYPES.get(l as object);
  if (t) GO_TYPES.set(out, t);
  return out;
}
function concat(...lists: GoValue[]): GoValue {
  let res: GoValue[] | undefined;
  for (const l of lists) {
    const kind = listKind(l);
    const e = sliceElements(l);
    if (!e) throw new FunctionError(`Cannot concat type ${kind} as list`);
    if (e.length) res = [...res ?? [], ...e];
  }
  return res ?? nilSlice();
}
function chunk(size: bigint, l: GoValue): GoValue[] {
  const e = elements(l, k => `Cannot chunk type ${k}`);
  if (size <= 0n) throw new FunctionError('runtime error: makeslice: len out of range');
  const n = Number(size);
  const out: GoValue[] = [];
  for (let i = 0; i < e.length; i += n) out.push(e.slice(i, i + n));
  GO_TYPES.set(out, '[][]interface {}');
  return out;
}

/** sprig's strslice: []string as it is, nil elements of other slices dropped, anything else one element. */
export function strslice(v: GoValue): GoValue[] {
  if (Array.isArray(v) && GO_TYPES.get(v) === '[]string') return v;
  const e = sliceElements(v);
  if (e) return stringSlice(e.filter(x => x !== null && x !== NO_VALUE).map(strval));
  if (v === null || v === NO_VALUE) return stringSlice([]);
  return stringSlice([strval(v)]);
}

function sortAlpha(v: GoValue): GoValue[] {
  if (sliceElements(v)) return stringSlice((strslice(v) as string[]).slice().sort(compareStrings));
  return stringSlice([strval(v === NO_VALUE ? null : v)]);
}

// ---- dicts ---------------------------------------------------------------------------------------------

function dict(...v: GoValue[]): GoMap {
  const d: GoMap = {};
  for (let i = 0; i < v.length; i += 2) setKey(d, strval(v[i]), i + 1 < v.length ? v[i + 1] : '');
  return d;
}

/** Sets a key without ever touching the prototype (a key may be `__proto__`): `util.setOwn`, typed for Go maps. */
export const setKey: (m: GoMap, k: string, v: GoValue) => void = setOwn;

/** A map argument that Go would write to: a nil map panics. */
function writable(d: GoMap | null): GoMap {
  if (d === null) throw new FunctionError('assignment to entry in nil map');
  return d;
}

/** mergo.Merge / MergeWithOverwrite for map[string]interface{}: nested maps merge; empty destination values are filled. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const k of Object.keys(src)) {
    const v = src[k];
    const cur = hasKey(dst, k) ? dst[k] : undefined;
    if (cur !== undefined && isMap(cur) && isMap(v) && GO_TYPES.get(cur) === undefined && GO_TYPES.get(v) === undefined) {
      mergeInto(cur, v, overwrite);
    } else if (cur === undefined || empty(cur) || overwrite && !empty(v)) {
      setKey(dst, k, v);
    }
  }
}

function dig(...ps: GoValue[]): GoValue {
  if (ps.length < 3) throw new FunctionError('dig needs at least three arguments');
  const m = ps[ps.length - 1];
  if (!isMap(m) || GO_TYPES.get(m) !== undefined) throw new FunctionError(`interface conversion: interface {} is ${typeName(m === NO_VALUE ? null : m)}, not map[string]interface {}`);
  const def = ps[ps.length - 2];
  const keys = ps.slice(0, -2).map(k => {
    if (typeof k !== 'string') throw new FunctionError(`interface conversion: interface {} is ${typeName(k === NO_VALUE ? null : k)}, not string`);
    return k;
  });
  let cur: GoMap = m;
  for (let i = 0; i < keys.length; i++) {
    if (!hasKey(cur, keys[i])) return def;
    const step = cur[keys[i]];
    if (i === keys.length - 1) return step;
    if (!isMap(step) || GO_TYPES.get(step) !== undefined) throw new FunctionError(`interface conversion: interface {} is ${typeName(step)}, not map[string]interface {}`);
    cur = step;
  }
  return def;
}

function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) {
    const out = v.map(deepCopy);
    const t = GO_TYPES.get(v);
    if (t) GO_TYPES.set(out, t);
    if (NIL_SLICES.has(v)) NIL_SLICES.add(out);
    return out;
  }
  if (isMap(v)) {
    const out: GoMap = {};
    for (const k of Object.keys(v)) setKey(out, k, deepCopy(v[k]));
    const t = GO_TYPES.get(v);
    if (t) GO_TYPES.set(out, t);
    return out;
  }
  return v;
}

// ---- JSON ----------------------------------------------------------------------------------------------

function mustToJson(v: GoValue, html = true, indent?: string): string {
  try {
    return marshal(v, html, indent);
  } catch (e) {
    if (e instanceof JsonError) throw new FunctionError(e.message);
    throw e;
  }
}

function quietly(f: () => string): string {
  try { return f(); } catch (e) { if (e instanceof FunctionError) return ''; throw e; }
}

function mustFromJson(s: string): GoValue {
  try {
    return unmarshal(s);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw new FunctionError(e.message);
    throw e;
  }
}

// ---- reflection ----------------------------------------------------------------------------------------

const typeOf = (v: GoValue): string => (v === null || v === NO_VALUE ? '<nil>' : typeName(v));
const kindOf = (v: GoValue): string => (v === null || v === NO_VALUE ? 'invalid' : isGoObject(v) ? 'ptr' : kindName(v));

export const SPRIG_LIST_FUNCTIONS: [string, TemplateFunction][] = [
  // lists
  ['list', fn('', list, 'a')],
  ['tuple', fn('', list, 'a')],
  ['append', fn('aa', push)],
  ['push', fn('aa', push)],
  ['mustAppend', fn('aa', push)],
  ['mustPush', fn('aa', push)],
  ['prepend', fn('aa', prepend)],
  ['mustPrepend', fn('aa', prepend)],
  ['first', fn('a', first)],
  ['mustFirst', fn('a', first)],
  ['rest', fn('a', rest)],
  ['mustRest', fn('a', rest)],
  ['last', fn('a', last)],
  ['mustLast', fn('a', last)],
  ['initial', fn('a', initial)],
  ['mustInitial', fn('a', initial)],
  ['reverse', fn('a', reverse)],
  ['mustReverse', fn('a', reverse)],
  ['uniq', fn('a', uniq)],
  ['mustUniq', fn('a', uniq)],
  ['without', fn('a', without, 'a')],
  ['mustWithout', fn('a', without, 'a')],
  ['has', fn('aa', has)],
  ['mustHas', fn('aa', has)],
  ['slice', fn('a', slice, 'a')],
  ['mustSlice', fn('a', slice, 'a')],
  ['concat', fn('', concat, 'a')],
  ['chunk', fn('ia', chunk)],
  ['mustChunk', fn('ia', chunk)],
  ['compact', fn('a', compact)],
  ['mustCompact', fn('a', compact)],
  ['sortAlpha', fn('a', sortAlpha)],
  ['toStrings', fn('a', strslice)],
  ['join', fn('sa', (sep: string, v: GoValue) => (strslice(v) as string[]).join(sep))],
  // dicts
  ['dict', fn('', dict, 'a')],
  ['get', fn('ms', (d: GoMap | null, k: string) => (d && hasKey(d, k) ? d[k] : ''))],
  ['set', fn('msa', (d: GoMap | null, k: string, v: GoValue) => { const m = writable(d); setKey(m, k, v); return m; })],
  ['unset', fn('ms', (d: GoMap | null, k: string) => { if (d) delete d[k]; return d; })],
  ['hasKey', fn('ms', (d: GoMap | null, k: string) => (d ? hasKey(d, k) : false))],
  ['pluck', fn('s', (k: string, ...ds: (GoMap | null)[]) => ds.filter(d => d && hasKey(d, k)).map(d => d![k]), 'm')],
  // Go's map order is random; the keys come out sorted so that previews are deterministic.
  ['keys', fn('', (...ds: (GoMap | null)[]) => stringSlice(ds.flatMap(d => sortedKeys(mapOf(d)))), 'm')],
  ['values', fn('m', (d: GoMap | null) => sortedKeys(mapOf(d)).map(k => d![k]))],
  ['pick', fn('m', (d: GoMap | null, ...ks: string[]) => { const out: GoMap = {}; for (const k of ks) if (d && hasKey(d, k)) setKey(out, k, d[k]); return out; }, 's')],
  ['omit', fn('m', (d: GoMap | null, ...ks: string[]) => { const out: GoMap = {}; const drop = new Set(ks); for (const k of Object.keys(mapOf(d))) if (!drop.has(k)) setKey(out, k, d![k]); return out; }, 's')],
  ['merge', fn('m', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => { const d = dst ?? {}; for (const s of srcs) mergeInto(d, mapOf(s), false); return d; }, 'm')],
  ['mustMerge', fn('m', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => { const d = dst ?? {}; for (const s of srcs) mergeInto(d, mapOf(s), false); return d; }, 'm')],
  ['mergeOverwrite', fn('m', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => { const d = dst ?? {}; for (const s of srcs) mergeInto(d, mapOf(s), true); return d; }, 'm')],
  ['mustMergeOverwrite', fn('m', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => { const d = dst ?? {}; for (const s of srcs) mergeInto(d, mapOf(s), true); return d; }, 'm')],
  ['deepCopy', fn('a', deepCopy)],
  ['mustDeepCopy', fn('a', deepCopy)],
  ['dig', fn('', dig, 'a')],
  // defaults and flow
  ['default', fn('a', (d: GoValue, ...given: GoValue[]) => (given.length === 0 || empty(given[0]) ? d : given[0]), 'a')],
  ['empty', fn('a', empty)],
  ['coalesce', fn('', (...args: GoValue[]) => args.find(a => !empty(a)) ?? null, 'a')],
  ['all', fn('', (...args: GoValue[]) => args.every(a => !empty(a)), 'a')],
  ['any', fn('', (...args: GoValue[]) => args.some(a => !empty(a)), 'a')],
  ['ternary', fn('aab', (t: GoValue, f: GoValue, c: boolean) => (c ? t : f))],
  ['fail', fn('s', (m: string) => { throw new FunctionError(m); })],
  // JSON
  ['fromJson', fn('s', (s: string) => { try { return unmarshal(s); } catch (e) { if (e instanceof JsonSyntaxError) return null; throw e; } })],
  ['mustFromJson', fn('s', mustFromJson)],
  ['toJson', fn('a', (v: GoValue) => quietly(() => mustToJson(v)))],
  ['mustToJson', fn('a', (v: GoValue) => mustToJson(v))],
  ['toPrettyJson', fn('a', (v: GoValue) => quietly(() => mustToJson(v, true, '  ')))],
  ['mustToPrettyJson', fn('a', (v: GoValue) => mustToJson(v, true, '  '))],
  ['toRawJson', fn('a', (v: GoValue) => mustToJson(v, false))],
  ['mustToRawJson', fn('a', (v: GoValue) => mustToJson(v, false))],
  // reflection
  ['typeOf', fn('a', typeOf)],
  ['typeIs', fn('sa', (t: string, v: GoValue) => t === typeOf(v))],
  ['typeIsLike', fn('sa', (t: string, v: GoValue) => t === typeOf(v) || `*${t}` === typeOf(v))],
  ['kindOf', fn('a', kindOf)],
  ['kindIs', fn('sa', (k: string, v: GoValue) => k === kindOf(v))],
  ['deepEqual', fn('aa', deepEqual)],
];

export { checkListLength, int64 };
