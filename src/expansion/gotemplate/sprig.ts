import { createHash } from 'crypto';
import { asInt, asString } from './builtins';
import { compileConstraint, parseLooseVersion } from './semver-constraint';
import { parseGoYaml, stringifyGoYaml } from '../go-yaml';
import { ArgumentError, FunctionError, TemplateFunction } from './execute';
import { compareStrings, formatValue, fromJson, GoMap, GoValue, hasKey, isMap, NO_VALUE, toJson, truth, typeName } from './values';

/**
 * The sprig (v3, GenericFuncMap) functions Argo CD's ApplicationSet templates get, minus `env`, `expandenv`
 * and `getHostByName`, plus Argo CD's own: `normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`
 * (applicationset/utils/utils.go). Functions whose output depends on time or randomness (now, date, uuidv4,
 * randAlphaNum, …) and crypto helpers are left out: an offline preview cannot reproduce them; calling one is
 * reported as "not defined", so the gap is never silent.
 */
export const SPRIG_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  // strings
  ['upper', fn1(s => asString(s).toUpperCase())],
  ['lower', fn1(s => asString(s).toLowerCase())],
  ['title', fn1(s => asString(s).replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, a, b) => a + b.toUpperCase()))],
  ['untitle', fn1(s => asString(s).replace(/(^|\s)(\p{L})/gu, (_m, a, b) => a + b.toLowerCase()))],
  ['trim', fn1(s => asString(s).trim())],
  ['trimAll', fn2((cut, s) => trimChars(asString(s), asString(cut)))],
  ['trimPrefix', fn2((p, s) => { const str = asString(s); const pre = asString(p); return str.startsWith(pre) ? str.slice(pre.length) : str; })],
  ['trimSuffix', fn2((p, s) => { const str = asString(s); const suf = asString(p); return suf && str.endsWith(suf) ? str.slice(0, -suf.length) : str; })],
  ['trunc', fn2((n, s) => truncate(asInt(n), asString(s)))],
  ['substr', { arity: 3, call: ([a, b, s]) => substring(asInt(a), asInt(b), asString(s)) }],
  ['repeat', fn2((n, s) => asString(s).repeat(Math.max(0, asInt(n))))],
  ['replace', { arity: 3, call: ([o, n, s]) => asString(s).split(asString(o)).join(asString(n)) }],
  ['contains', fn2((sub, s) => asString(s).includes(asString(sub)))],
  ['hasPrefix', fn2((p, s) => asString(s).startsWith(asString(p)))],
  ['hasSuffix', fn2((p, s) => asString(s).endsWith(asString(p)))],
  ['quote', variadic(args => args.filter(a => a !== null && a !== NO_VALUE).map(a => JSON.stringify(strval(a))).join(' '))],
  ['squote', variadic(args => args.filter(a => a !== null && a !== NO_VALUE).map(a => `'${strval(a)}'`).join(' '))],
  ['cat', variadic(args => args.filter(a => a !== null && a !== NO_VALUE).map(strval).join(' '))],
  ['indent', fn2((n, s) => indent(asInt(n), asString(s)))],
  ['nindent', fn2((n, s) => '\n' + indent(asInt(n), asString(s)))],
  ['nospace', fn1(s => asString(s).replace(/\s/g, ''))],
  ['abbrev', fn2((n, s) => { const w = asInt(n); const str = asString(s); return w < 4 || str.length <= w ? str : str.slice(0, w - 3) + '...'; })],
  ['snakecase', fn1(s => words(asString(s)).join('_').toLowerCase())],
  ['kebabcase', fn1(s => words(asString(s)).join('-').toLowerCase())],
  ['camelcase', fn1(s => asString(s).split(/[_\s-]+/).filter(Boolean).map(w => w[0].toUpperCase() + w.slice(1)).join(''))],
  ['swapcase', fn1(s => [...asString(s)].map(c => c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()).join(''))],
  ['plural', { arity: 3, call: ([one, many, n]) => asInt(n) === 1 ? asString(one) : asString(many) }],
  ['toString', fn1(v => strval(v))],
  ['toStrings', fn1(v => list(v).map(strval))],
  ['split', fn2((sep, s) => { const m: GoMap = {}; asString(s).split(asString(sep)).forEach((p, i) => { m[`_${i}`] = p; }); return m; })],
  ['splitList', fn2((sep, s) => asString(s).split(asString(sep)))],
  ['splitn', { arity: 3, call: ([sep, n, s]) => { const m: GoMap = {}; splitN(asString(s), asString(sep), asInt(n)).forEach((p, i) => { m[`_${i}`] = p; }); return m; } }],
  ['join', fn2((sep, v) => list(v).map(strval).join(asString(sep)))],
  ['sortAlpha', fn1(v => list(v).map(strval).sort(compareStrings))],
  ['initials', fn1(s => asString(s).split(/\s+/).filter(Boolean).map(w => w[0]).join(''))],
  ['b64enc', fn1(s => Buffer.from(asString(s)).toString('base64'))],
  ['b64dec', fn1(s => Buffer.from(asString(s), 'base64').toString('utf8'))],
  ['b32enc', fn1(s => base32(asString(s)))],
  ['sha1sum', fn1(s => createHash('sha1').update(asString(s)).digest('hex'))],
  ['sha256sum', fn1(s => createHash('sha256').update(asString(s)).digest('hex'))],
  ['adler32sum', fn1(s => String(adler32(asString(s))))],
  ['regexMatch', fn2((r, s) => regex(r).test(asString(s)))],
  ['regexFind', fn2((r, s) => regex(r).exec(asString(s))?.[0] ?? '')],
  ['regexFindAll', { arity: 3, call: ([r, s, n]) => { const all = asString(s).match(regex(r, 'g')) ?? []; const k = asInt(n); return k < 0 ? all : all.slice(0, k); } }],
  ['regexReplaceAll', { arity: 3, call: ([r, s, repl]) => asString(s).replace(regex(r, 'g'), goReplacement(asString(repl))) }],
  ['regexReplaceAllLiteral', { arity: 3, call: ([r, s, repl]) => asString(s).replace(regex(r, 'g'), () => asString(repl)) }],
  ['regexSplit', { arity: 3, call: ([r, s, n]) => { const parts = asString(s).split(regex(r, 'g')); const k = asInt(n); return k < 0 ? parts : parts.slice(0, k); } }],
  ['regexQuoteMeta', fn1(s => asString(s).replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))],
  // defaults and flow
  ['default', variadic(([d, ...given]) => given.length === 0 || empty(given[0]) ? orNil(d) : given[0], 1)],
  ['empty', fn1(v => empty(v))],
  ['coalesce', variadic(args => args.find(a => !empty(a)) ?? null)],
  ['all', variadic(args => args.every(a => !empty(a)))],
  ['any', variadic(args => args.some(a => !empty(a)))],
  ['ternary', { arity: 3, call: ([t, f, c]) => (c === true ? t : f) }],
  ['fail', fn1(m => { throw new FunctionError(asString(m)); })],
  ['required', fn2((m, v) => { if (v === null || v === NO_VALUE || v === '') throw new FunctionError(asString(m)); return v; })],
  // encodings
  ['toJson', fn1(v => goJson(v))],
  ['mustToJson', fn1(v => goJson(v))],
  ['toRawJson', fn1(v => goJson(v, false))],
  ['mustToRawJson', fn1(v => goJson(v, false))],
  ['toPrettyJson', fn1(v => JSON.stringify(toJson(v), undefined, 2))],
  ['fromJson', fn1(s => { try { return fromJson(JSON.parse(asString(s))); } catch { return {}; } })],
  ['mustFromJson', fn1(s => { try { return fromJson(JSON.parse(asString(s))); } catch (e) { throw new FunctionError((e as Error).message); } })],
  ['toYaml', fn1(v => goYaml(v))],
  ['fromYaml', fn1(s => { const r = parseYaml(asString(s)); if (!isMap(r) && r !== null) throw new FunctionError(unmarshalError(r, 'map[string]interface {}')); return r ?? {}; })],
  ['fromYamlArray', fn1(s => { const r = parseYaml(asString(s)); if (!Array.isArray(r) && r !== null) throw new FunctionError(unmarshalError(r, '[]interface {}')); return r ?? []; })],
  // Argo CD's names
  ['normalize', fn1(s => normalizeName(asString(s)))],
  ['slugify', variadic(args => slugify(args))],
  // lists
  ['list', variadic(args => args.map(a => (a === NO_VALUE ? null : a)))],
  ['tuple', variadic(args => args.map(a => (a === NO_VALUE ? null : a)))],
  ['first', fn1(v => list(v)[0] ?? null)],
  ['last', fn1(v => { const l = list(v); return l.length ? l[l.length - 1] : null; })],
  ['rest', fn1(v => list(v).slice(1))],
  ['initial', fn1(v => list(v).slice(0, -1))],
  ['append', fn2((l, v) => [...list(l), v])],
  ['push', fn2((l, v) => [...list(l), v])],
  ['prepend', fn2((l, v) => [v, ...list(l)])],
  ['concat', variadic(args => args.flatMap(list))],
  ['reverse', fn1(v => [...list(v)].reverse())],
  ['uniq', fn1(v => { const out: GoValue[] = []; for (const e of list(v)) if (!out.some(o => deepEqual(o, e))) out.push(e); return out; })],
  ['compact', fn1(v => list(v).filter(e => !empty(e)))],
  ['without', variadic(([l, ...drop]) => list(l).filter(e => !drop.some(d => deepEqual(d, e))), 1)],
  ['has', fn2((needle, l) => list(l).some(e => deepEqual(e, needle)))],
  ['until', fn1(n => Array.from({ length: Math.max(0, asInt(n)) }, (_x, i) => BigInt(i)))],
  ['untilStep', { arity: 3, call: ([a, b, s]) => untilStep(asInt(a), asInt(b), asInt(s)) }],
  ['seq', variadic(args => seq(args.map(a => Number(toInt(a)))))],
  // dictionaries
  ['dict', variadic(args => { const m: GoMap = {}; for (let i = 0; i < args.length; i += 2) m[strval(args[i])] = i + 1 < args.length ? orNil(args[i + 1]) : ''; return m; })],
  ['get', fn2((m, k) => { const d = dictArg(m); const key = asString(k); return hasKey(d, key) ? d[key] : ''; })],
  ['set', { arity: 3, call: ([m, k, v]) => { const d = dictArg(m); d[asString(k)] = v; return d; } }],
  ['unset', fn2((m, k) => { const d = dictArg(m); delete d[asString(k)]; return d; })],
  ['hasKey', fn2((m, k) => hasKey(dictArg(m), asString(k)))],
  ['keys', variadic(args => args.flatMap(m => Object.keys(dictArg(m))))],
  ['values', fn1(m => Object.values(dictArg(m)))],
  ['pluck', variadic(([k, ...ms]) => ms.map(dictArg).filter(m => hasKey(m, asString(k))).map(m => m[asString(k)]), 1)],
  ['pick', variadic(([m, ...ks]) => { const d = dictArg(m); const out: GoMap = {}; for (const k of ks) if (hasKey(d, asString(k))) out[asString(k)] = d[asString(k)]; return out; }, 1)],
  ['omit', variadic(([m, ...ks]) => { const d = dictArg(m); const drop = new Set(ks.map(asString)); const out: GoMap = {}; for (const k of Object.keys(d)) if (!drop.has(k)) out[k] = d[k]; return out; }, 1)],
  ['merge', variadic(([dst, ...srcs]) => { const d = dictArg(dst); for (const s of srcs) mergeInto(d, dictArg(s), false); return d; }, 1)],
  ['mergeOverwrite', variadic(([dst, ...srcs]) => { const d = dictArg(dst); for (const s of srcs) mergeInto(d, dictArg(s), true); return d; }, 1)],
  ['deepCopy', fn1(v => fromJson(toJson(v)))],
  ['dig', variadic(args => dig(args), 3)],
  // numbers
  ['add', variadic(args => args.reduce<bigint>((s, a) => s + toInt(a), 0n))],
  ['add1', fn1(a => toInt(a) + 1n)],
  ['sub', fn2((a, b) => toInt(a) - toInt(b))],
  ['mul', variadic(args => args.reduce<bigint>((s, a) => s * toInt(a), 1n), 1)],
  ['div', fn2((a, b) => { const d = toInt(b); if (d === 0n) throw new FunctionError('runtime error: integer divide by zero'); return toInt(a) / d; })],
  ['mod', fn2((a, b) => { const d = toInt(b); if (d === 0n) throw new FunctionError('runtime error: integer divide by zero'); return toInt(a) % d; })],
  ['max', variadic(args => args.map(toInt).reduce((m, v) => (v > m ? v : m)), 1)],
  ['min', variadic(args => args.map(toInt).reduce((m, v) => (v < m ? v : m)), 1)],
  ['floor', fn1(a => Math.floor(toFloat(a)))],
  ['ceil', fn1(a => Math.ceil(toFloat(a)))],
  ['round', variadic(([a, p]) => { const f = 10 ** Number(toInt(p ?? 0n)); return Math.round(toFloat(a) * f) / f; }, 2)],
  ['int', fn1(a => toInt(a))],
  ['int64', fn1(a => toInt(a))],
  ['float64', fn1(a => toFloat(a))],
  ['atoi', fn1(s => { const n = Number.parseInt(asString(s), 10); return /^[+-]?\d+$/.test(asString(s)) ? BigInt(n) : 0n; })],
  // semantic versions (Masterminds/semver v3)
  ['semverCompare', fn2((c, v) => {
    let check;
    try {
      check = compileConstraint(asString(c));
    } catch (e) {
      throw new FunctionError((e as Error).message);
    }
    const version = parseLooseVersion(asString(v));
    if (!version) throw new FunctionError('Invalid Semantic Version');
    return check(version);
  })],
  ['semver', fn1(v => {
    const version = parseLooseVersion(asString(v));
    if (!version) throw new FunctionError('Invalid Semantic Version');
    return { Major: BigInt(version.major), Minor: BigInt(version.minor), Patch: BigInt(version.patch), Prerelease: version.pre.join('.') };
  })],
  // types
  ['kindOf', fn1(v => goKind(v))],
  ['typeOf', fn1(v => typeName(v))],
  ['kindIs', fn2((k, v) => asString(k) === goKind(v))],
  ['typeIs', fn2((t, v) => asString(t) === typeName(v))],
  ['deepEqual', fn2((a, b) => deepEqual(a, b))],
]);

function fn1(f: (a: GoValue) => GoValue): TemplateFunction {
  return { arity: 1, call: ([a]) => f(a) };
}
function fn2(f: (a: GoValue, b: GoValue) => GoValue): TemplateFunction {
  return { arity: 2, call: ([a, b]) => f(a, b) };
}
function variadic(f: (args: GoValue[]) => GoValue, minArgs = 0): TemplateFunction {
  return { arity: -1, minArgs, call: f };
}

function orNil(v: GoValue): GoValue {
  return v === NO_VALUE ? null : v;
}

/** sprig's strval: strings as they are, anything else through fmt's %v. */
function strval(v: GoValue): string {
  if (typeof v === 'string') return v;
  if (v === NO_VALUE || v === null) return '<nil>';
  return formatValue(v, true);
}

/** sprig's `empty`: nil, zero numbers, false, empty strings and collections. */
function empty(v: GoValue): boolean {
  return !truth(v);
}

function list(v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === NO_VALUE) return [];
  throw new FunctionError(`Cannot find first on type ${typeName(v)}`);
}

function dictArg(v: GoValue): GoMap {
  if (isMap(v)) return v;
  throw new ArgumentError(`wrong type for value; expected map[string]interface {}; got ${typeName(v)}`, v);
}

function toInt(v: GoValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    if (/^[+-]?\d+$/.test(v.trim())) return BigInt(v.trim());
    const f = Number(v);
    return Number.isFinite(f) ? BigInt(Math.trunc(f)) : 0n;
  }
  return 0n;
}

function toFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') { const f = Number(v); return Number.isFinite(f) ? f : 0; }
  return 0;
}

function goKind(v: GoValue): string {
  if (v === null || v === NO_VALUE) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  return 'map';
}

function deepEqual(a: GoValue, b: GoValue): boolean {
  return JSON.stringify(toJson(a)) === JSON.stringify(toJson(b)) && typeof a === typeof b;
}

function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, v] of Object.entries(src)) {
    if (isMap(dst[k]) && isMap(v)) mergeInto(dst[k] as GoMap, v, overwrite);
    else if (!hasKey(dst, k) || overwrite || empty(dst[k])) dst[k] = v;
  }
}

function dig(args: GoValue[]): GoValue {
  const m = dictArg(args[args.length - 1]);
  const def = args[args.length - 2];
  const keys = args.slice(0, -2).map(asString);
  let cur: GoValue = m;
  for (const k of keys) {
    if (!isMap(cur) || !hasKey(cur, k)) return def;
    cur = cur[k];
  }
  return cur;
}

function trimChars(s: string, cut: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && cut.includes(s[i])) i++;
  while (j > i && cut.includes(s[j - 1])) j--;
  return s.slice(i, j);
}

function truncate(n: number, s: string): string {
  if (n < 0 && s.length + n > 0) return s.slice(s.length + n);
  if (n >= 0 && s.length > n) return s.slice(0, n);
  return s;
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) return s.slice(0, end);
  if (end < 0 || end > s.length) return s.slice(start);
  return s.slice(start, end);
}

function indent(n: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, n));
  return pad + s.replace(/\n/g, '\n' + pad);
}

function words(s: string): string[] {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_-]+/).filter(Boolean);
}

function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return n === 0 ? [] : parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function regex(r: GoValue, flags = ''): RegExp {
  try {
    return new RegExp(asString(r), flags + 'u');
  } catch (e) {
    throw new FunctionError(`error parsing regexp: ${(e as Error).message}`);
  }
}

/** Go's regexp replacement syntax ($1, ${name}) into JavaScript's. */
function goReplacement(repl: string): string {
  return repl.replace(/\$\$/g, '\u0000').replace(/\$\{(\w+)\}/g, (_m, n) => (/^\d+$/.test(n) ? `$${n}` : `$<${n}>`)).replace(/\u0000/g, '$$$$');
}

function untilStep(start: number, stop: number, step: number): bigint[] {
  const out: bigint[] = [];
  if (step === 0) return out;
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(BigInt(i));
  return out;
}

function seq(params: number[]): string {
  let [start, step, end] = [1, 1, 1];
  if (params.length === 1) {end = params[0];} else if (params.length === 2) { start = params[0]; end = params[1]; step = start <= end ? 1 : -1; } else if (params.length === 3) {[start, step, end] = params;} else {return '';}
  const out: number[] = [];
  if (step === 0) return '';
  for (let i = start; step > 0 ? i <= end : i >= end; i += step) out.push(i);
  return out.join(' ');
}

function base32(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = Buffer.from(s);
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s)) { a = (a + byte) % 65521; b = (b + a) % 65521; }
  return b * 65536 + a;
}

/** encoding/json's Marshal: sorted keys, and (by default) <, > and & escaped for HTML. */
export function goJson(v: GoValue, escapeHtml = true): string {
  const s = JSON.stringify(toJson(v)) ?? 'null';
  const fixed = s.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return escapeHtml ? fixed.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') : fixed;
}

/** sigs.k8s.io/yaml's Marshal, with Argo CD's trailing newline trimmed. */
function goYaml(v: GoValue): string {
  if (v === null || v === NO_VALUE) return 'null';
  return stringifyGoYaml(toJson(v)).replace(/\n$/, '');
}

/** sigs.k8s.io/yaml's error when the YAML holds another JSON type than the target. */
function unmarshalError(v: GoValue, target: string): string {
  const kind = typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'array' : isMap(v) ? 'object' : 'number';
  return `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`;
}

function parseYaml(s: string): GoValue {
  try {
    return fromJson(parseGoYaml(s));
  } catch (e) {
    throw new FunctionError(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Argo CD's SanitizeName (`normalize`, and the cluster generator's `nameNormalized`). */
export function normalizeName(name: string): string {
  let s = name.toLowerCase().replace(/[^-a-z0-9.]/g, '-');
  if (s.length > 253) s = s.slice(0, 253);
  return s.replace(/^[-.]+|[-.]+$/g, '');
}

/** Argo CD's SlugifyName: `slugify [maxSize=50] [smartTruncate=true] name`. */
function slugify(args: GoValue[]): string {
  let maxSize = 50;
  let smart = true;
  let name = '';
  args.forEach((a, i) => {
    if (i === args.length - 1) {name = asString(a);} else if (i === 0) {maxSize = asInt(a);} else if (i === 1) { if (typeof a !== 'boolean') throw new FunctionError(`interface conversion: interface {} is ${typeName(a)}, not bool`); smart = a; }
  });
  let slug = normalizeName(name).replace(/[^a-z0-9-_]/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (maxSize > 0 && slug.length > maxSize) {
    if (smart) {
      let cut = -1;
      for (let i = maxSize; i >= 0; i--) if (slug[i] === '-') { cut = i; break; }
      slug = cut >= 0 ? slug.slice(0, cut) : slug.slice(0, maxSize);
    } else {
      slug = slug.slice(0, maxSize);
    }
  }
  return slug.replace(/^[-_]+|[-_]+$/g, '');
}
