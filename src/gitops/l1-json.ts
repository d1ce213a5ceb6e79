import type { ApiObject } from 'cdk8s';
import { hasOwn } from '../private/util';

/**
 * `toJson()` of the generated L1 classes (cdk8s-plus-28's `k8s.Kube*`, this package's `imports/`), with the same
 * result and the same errors at half the cost, during rendering.
 *
 * A generated L1's `toJson()` is `{ ...Kind.GVK, ...toJson_KindProps(super.toJson()) }`, and each generated
 * `toJson_*` mapper builds its result as an object literal of its fields, then drops the undefined ones with
 * `Object.entries(result).reduce((r, i) => … ({ ...r, [i[0]]: i[1] }), {})`: a copy of the partial result per
 * field that is set, at every level of every object. In a CPU profile of the generic path's render (60,000 L1
 * objects) the mappers took as long as the resolving `toJson` itself; with this module, half of that.
 *
 * This module reads each mapper's source (`Function.prototype.toString`) once and, when every line of it is one
 * of the forms the generator writes (below), evaluates those same expressions in the same order (the same
 * property reads, the same `map`, `value`, `toISOString` and `Object.entries` calls, the same nested mappers) and
 * defines the results that are not undefined on one object, as the reduce does (keys that an object inherits,
 * such as `constructor`, are defined, never assigned, so no setter runs). If an evaluation throws, the original
 * mapper runs again on the same input (mappers only read their input, the fresh JSON of `super.toJson()`), so
 * the error is its own.
 *
 * Anything else runs the original code: an object whose `toJson` is not the one its class, exported by one of
 * `GENERATED_MODULES`, had when this module first looked at that module (a subclass's own `toJson`, a method
 * replaced since), or whose text is not exactly the generated one naming its own class; a class any of whose
 * mappers (all it reaches) is not exactly generated, not exported under the name its callers use, or replaced
 * (a spy); `Object.entries` or `Array.prototype.reduce` replaced by user code. Not covered: a method replaced
 * before this module first looked (by one of identical text from elsewhere), and the depth at which a deeply
 * nested input overflows the stack (cdk8s' own resolution of such an object overflows first).
 *
 * Mapper forms (`F` a property, `K` its JSON name, `X` another mapper of the module):
 * `'K': obj.F`, `'K': toJson_X(obj.F)`, `'K': obj.F?.map(y => toJson_X(y))`, `'K': obj.F?.map(y => y)`,
 * `'K': obj.F?.toISOString()`, `'K': obj.F?.value`, and for maps
 * `'K': ((obj.F) === undefined) ? undefined : (Object.entries(obj.F).reduce((r, i) => (i[1] === undefined) ? r :
 * ({ ...r, [i[0]]: V }), {}))` with `V` one of `i[1]`, `i[1]?.map(y => y)`, `i[1]?.value`, `toJson_X(i[1])`.
 */

/** The modules whose generated L1 classes are recognized, by `require` specifier (used only once loaded). */
const GENERATED_MODULES = [
  'cdk8s-plus-28/lib/imports/k8s',
  '../imports/argocd-argoproj.io',
  '../imports/externalsecrets-external-secrets.io',
  '../imports/fluxhelm-helm.toolkit.fluxcd.io',
  '../imports/fluxkustomize-kustomize.toolkit.fluxcd.io',
  '../imports/fluxsource-source.toolkit.fluxcd.io',
  '../imports/istio-networking.istio.io',
  '../imports/monitoring-monitoring.coreos.com',
  '../imports/rollouts-argoproj.io',
  '../imports/sealedsecrets-bitnami.com',
];

/** A recognized generated L1 `toJson`: the prototype that holds it, its class and its props mapper. */
interface GeneratedL1 {
  readonly home: object;
  readonly cls: any;
  readonly mapper: Mapper;
}

/** How a mapper computes one field of its result. */
const enum Form { VALUE, MAPPED, ARRAY_MAPPED, ARRAY_COPY, ISO, UNION, MAP_VALUE, MAP_ARRAY_COPY, MAP_UNION, MAP_MAPPED }

interface Field {
  /** The key in the result. */
  readonly key: string;
  /** The property of the input. */
  readonly prop: string;
  readonly form: Form;
  /** The nested mapper (forms that call one). */
  readonly mapper?: Mapper;
}

/**
 * A generated mapper: its function, the name its source declares, and its fields when its source is all known
 * forms (else undefined; set once, after the mappers it names, which may name it in turn, have their entries).
 */
interface Mapper {
  readonly fn: (obj: any) => any;
  readonly name: string | undefined;
  fields: readonly Field[] | undefined;
  /** The evaluation of `fields`, written once on first use (`compile`). */
  evaluation?: Evaluation;
}

/** A mapper's evaluation: its result on `obj`, defined after `prefix`'s properties. */
type Evaluation = (obj: any, prefix?: object) => any;

// What the module calls, as it was when it loaded (user code may replace the globals; see `intrinsicsUnchanged`).
const FUNCTION_TO_STRING = Function.prototype.toString;
const REFLECT_APPLY = Reflect.apply;
const GET_PROTOTYPE_OF = Object.getPrototypeOf;
const DEFINE_PROPERTY = Object.defineProperty;
const OBJECT_ENTRIES = Object.entries;
const ARRAY_REDUCE = Array.prototype.reduce;
const FUNCTION = Function;

/** By the `toJson` function an object has: what it is (null: not a generated one). */
const L1S = new WeakMap<Function, GeneratedL1 | null>();
/** By mapper function (a mapper names the others of its module). */
const MAPPERS = new WeakMap<Function, Mapper>();
/** The generated modules' exports already looked at, and the `toJson` each class of theirs had then. */
const SCANNED = new WeakSet<object>();
const GENERATED_TO_JSON = new WeakSet<Function>();

/** `obj.toJson()`, through the fast mapper when `obj`'s `toJson` is a recognized generated one. */
export function apiObjectJson(obj: ApiObject): any {
  const toJson = obj.toJson;
  if (typeof toJson !== 'function') return obj.toJson(); // (its own error)
  return jsonWith(obj, toJson);
}

/**
 * `fn()`, during which each of `objects` whose `toJson` is a recognized generated one answers `toJson()` as
 * `apiObjectJson` does: for code that calls the objects' `toJson()` itself, as cdk8s' `Chart.toJson()` does
 * (dependency order, validation). Each such object has an own, non-enumerable `toJson` for the duration of `fn`,
 * deleted after; an object that already has one, or that cannot take one (not extensible), keeps its own.
 */
export function withFastL1Json<T>(objects: readonly ApiObject[], fn: () => T): T {
  const installed: Array<[ApiObject, () => any]> = [];
  try {
    for (const o of objects) {
      const toJson = o.toJson;
      if (typeof toJson !== 'function' || hasOwn(o, 'toJson') || generatedL1(o, toJson) === null) continue;
      const fast = () => jsonWith(o, toJson);
      try {
        DEFINE_PROPERTY(o, 'toJson', { value: fast, writable: true, enumerable: false, configurable: true });
      } catch {
        continue;
      }
      installed.push([o, fast]);
    }
    return fn();
  } finally {
    // (what `fn` put there instead stays)
    for (const [o, fast] of installed) if (Object.getOwnPropertyDescriptor(o, 'toJson')?.value === fast) delete (o as any).toJson;
  }
}

/** `toJson.call(obj)` (`toJson` is what `obj.toJson` is, or was), through the fast mapper when it is a generated one. */
function jsonWith(obj: ApiObject, toJson: Function): any {
  const l1 = generatedL1(obj, toJson);
  const base = l1 === null ? null : GET_PROTOTYPE_OF(l1.home);
  if (l1 === null || base === null) return toJson.call(obj);
  // `super.toJson()` of the generated method: its home object's prototype's `toJson`, with `obj` as `this`.
  const resolved = Reflect.get(base, 'toJson', obj).call(obj);
  return mapWith(l1.mapper, resolved, l1.cls.GVK);
}

/** Whether `obj.toJson` is a recognized generated L1 `toJson` (which `apiObjectJson` evaluates itself). */
export function isGeneratedL1(obj: ApiObject): boolean {
  const toJson = obj.toJson;
  return typeof toJson === 'function' && generatedL1(obj, toJson) !== null;
}

function generatedL1(obj: ApiObject, toJson: Function): GeneratedL1 | null {
  let l1 = L1S.get(toJson);
  if (l1 === undefined) {
    try {
      l1 = recognize(obj, toJson);
    } catch {
      l1 = null; // (a global replaced by user code, say: the original code runs)
    }
    L1S.set(toJson, l1);
  }
  return l1;
}

/**
 * Whether the globals the generated mappers call and the evaluation does not (it calls the same `map`,
 * `toISOString` and property reads, and `Object.entries` as it was) are as they were when this module loaded.
 */
function intrinsicsUnchanged(): boolean {
  return Object.entries === OBJECT_ENTRIES && Array.prototype.reduce === ARRAY_REDUCE;
}

/**
 * What `mapper.fn(input)` returns (or throws); with `prefix`, `{ ...prefix, ...mapper.fn(input) }`, the mapped
 * fields defined on a copy of the prefix (one spread site for mapped objects of every shape is slow).
 */
export function mapWith(mapper: Mapper, input: any, prefix?: object): any {
  if (mapper.fields !== undefined && input !== undefined && intrinsicsUnchanged()) {
    try {
      return run(mapper, input, prefix);
    } catch {
      // the generated code's own error (or, were ours wrong, its own result), below
    }
  }
  const mapped = mapper.fn(input);
  return prefix === undefined ? mapped : { ...prefix, ...mapped };
}

/**
 * The evaluation alone (tests: it must not throw where the generated mapper does not); `byLoop`: the loop that
 * stands in where code cannot be generated, at the top level.
 */
export function evaluate(mapper: Mapper, input: any, byLoop = false): any {
  return byLoop && mapper.fields !== undefined && input !== undefined ? interpret(mapper.fields, input) : run(mapper, input);
}

/** The mapper of `fn` (a generated mapper exported by `moduleExports`), its source read once. */
export function mapperOf(fn: (obj: any) => any, moduleExports: any): Mapper {
  let m = MAPPERS.get(fn);
  if (m === undefined) {
    const source = MAPPER_SOURCE.exec(REFLECT_APPLY(FUNCTION_TO_STRING, fn, []));
    m = { fn, name: source?.[1], fields: undefined };
    MAPPERS.set(fn, m);
    m.fields = source && ownDataValue(moduleExports, source[1]) === fn ? parseFields(source[2], moduleExports) : undefined;
  }
  return m;
}

/** Whether `m` and every mapper it reaches were read (a mapper that was not is called as it is: not by us). */
function evaluable(m: Mapper): boolean {
  const seen = new Set<Mapper>([m]);
  const todo = [m];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (next.fields === undefined) return false;
    for (const f of next.fields) {
      if (f.mapper !== undefined && !seen.has(f.mapper)) {
        seen.add(f.mapper);
        todo.push(f.mapper);
      }
    }
  }
  return true;
}

/** The mapper's result on `obj`: its fields in order, those not undefined defined after `prefix`'s properties. */
function run(m: Mapper, obj: any, prefix?: object): any {
  if (m.fields === undefined) return m.fn(obj);
  if (obj === undefined) return undefined;
  return (m.evaluation ??= compile(m.fields))(obj, prefix);
}

/** `run`'s evaluation of `fields` as a loop over them (where code cannot be generated: see `compile`). */
function interpret(fields: readonly Field[], obj: any, prefix?: object): any {
  const out: any = prefix === undefined ? {} : { ...prefix };
  for (const f of fields) {
    let v: any;
    switch (f.form) {
      case Form.VALUE: v = obj[f.prop]; break;
      case Form.MAPPED: v = run(f.mapper!, obj[f.prop]); break;
      case Form.ARRAY_MAPPED: v = obj[f.prop]?.map((y: any) => run(f.mapper!, y)); break;
      case Form.ARRAY_COPY: v = obj[f.prop]?.map((y: any) => y); break;
      case Form.ISO: v = obj[f.prop]?.toISOString(); break;
      case Form.UNION: v = obj[f.prop]?.value; break;
      default: v = obj[f.prop] === undefined ? undefined : mapEntries(OBJECT_ENTRIES(obj[f.prop]), f); // (read twice, as generated)
    }
    if (v !== undefined) define(out, f.key, v);
  }
  return out;
}

/**
 * `interpret`'s loop written out for one mapper's fields, as a function made once: the same reads, calls and
 * definitions in the same order, each key and property a constant (a store under another key at every field,
 * as the loop makes, costs several times a store under a constant one: in a profile of 60,000 L1 objects the
 * loop's definitions were a third of the mappers' time). The keys and properties are the generated source's
 * (`FIELD`: no quote or backslash; `PROP`: an identifier), written as JSON string literals; the nested mappers
 * are the fields' own. Where code cannot be generated (`--disallow-code-generation-from-strings`), the loop.
 */
function compile(fields: readonly Field[]): Evaluation {
  const body: string[] = ['const out = prefix === undefined ? {} : { ...prefix };', 'let v;'];
  fields.forEach((f, i) => {
    const prop = `obj[${JSON.stringify(f.prop)}]`;
    const key = JSON.stringify(f.key);
    const mapper = `fields[${i}].mapper`;
    switch (f.form) {
      case Form.VALUE: body.push(`v = ${prop};`); break;
      case Form.MAPPED: body.push(`v = run(${mapper}, ${prop});`); break;
      case Form.ARRAY_MAPPED: body.push(`v = ${prop}?.map((y) => run(${mapper}, y));`); break;
      case Form.ARRAY_COPY: body.push(`v = ${prop}?.map((y) => y);`); break;
      case Form.ISO: body.push(`v = ${prop}?.toISOString();`); break;
      case Form.UNION: body.push(`v = ${prop}?.value;`); break;
      default: body.push(`v = ${prop} === undefined ? undefined : mapEntries(entries(${prop}), fields[${i}]);`);
    }
    body.push(`if (v !== undefined) { if (${key} in out) defineProperty(out, ${key}, { value: v, writable: true, enumerable: true, configurable: true }); else out[${key}] = v; }`);
  });
  body.push('return out;');
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new FUNCTION('run', 'mapEntries', 'entries', 'defineProperty', 'fields', `'use strict';\nreturn function (obj, prefix) {\n${body.join('\n')}\n};`);
    return make(run, mapEntries, OBJECT_ENTRIES, DEFINE_PROPERTY, fields);
  } catch {
    return (obj, prefix) => interpret(fields, obj, prefix);
  }
}

/** The map forms' reduce over the entries: each entry whose value is not undefined, its value mapped. */
function mapEntries(entries: [string, any][], f: Field): any {
  const out: any = {};
  for (let i = 0; i < entries.length; i++) {
    const [k, value] = entries[i];
    if (value === undefined) continue;
    let v: any;
    switch (f.form) {
      case Form.MAP_VALUE: v = value; break;
      case Form.MAP_ARRAY_COPY: v = value?.map((y: any) => y); break;
      case Form.MAP_UNION: v = value?.value; break;
      default: v = run(f.mapper!, value);
    }
    define(out, k, v);
  }
  return out;
}

/** `{ ...out, [key]: v }` on `out` itself: a new own property, even where the key is inherited. */
function define(out: any, key: string, v: any): void {
  if (key in out) DEFINE_PROPERTY(out, key, { value: v, writable: true, enumerable: true, configurable: true });
  else out[key] = v;
}

const IDENT = '[A-Za-z_$][\\w$]*';
/** The generated `toJson()` of an L1 class, without whitespace: the class's name and its props mapper's. */
const L1_TO_JSON = new RegExp(`^toJson\\(\\)\\{constresolved=super\\.toJson\\(\\);return\\{\\.\\.\\.(${IDENT})\\.GVK,\\.\\.\\.(toJson_${IDENT})\\(resolved\\),?\\};?\\}$`);

/**
 * The generated L1 that holds `toJson` for `obj`, or null when it is not exactly one: the `toJson` a class
 * exported by a generated module had when this module first looked at the module's exports, with the generated
 * text (naming the class itself and the props mapper that the module exports under that name), all of whose
 * mappers were read.
 */
function recognize(obj: ApiObject, toJson: Function): GeneratedL1 | null {
  if (hasOwn(obj, 'toJson')) return null;
  let home: any = GET_PROTOTYPE_OF(obj);
  while (home !== null && !hasOwn(home, 'toJson')) home = GET_PROTOTYPE_OF(home);
  if (home === null || Object.getOwnPropertyDescriptor(home, 'toJson')?.value !== toJson) return null;
  const match = L1_TO_JSON.exec(REFLECT_APPLY(FUNCTION_TO_STRING, toJson, []).replace(/\s+/g, ''));
  if (!match) return null;
  const cls = Object.getOwnPropertyDescriptor(home, 'constructor')?.value;
  // In a class body the class's name is the class: the name the source spreads `.GVK` of must be this class's own.
  const name = typeof cls === 'function' ? Object.getOwnPropertyDescriptor(cls, 'name') : undefined;
  if (cls?.prototype !== home || name?.value !== match[1] || name.writable || name.enumerable) return null;
  for (const exports of loadedModules()) {
    scan(exports);
    const fn = ownFunction(exports, match[2]);
    if (ownDataValue(exports, match[1]) !== cls || !fn || !GENERATED_TO_JSON.has(toJson)) continue;
    const mapper = mapperOf(fn, exports);
    return mapper.name === match[2] && evaluable(mapper) ? { home, cls, mapper } : null;
  }
  return null;
}

/** Records the `toJson` of each class the module exports, once. */
function scan(exports: object): void {
  if (SCANNED.has(exports)) return;
  SCANNED.add(exports);
  for (const key of Object.keys(exports)) {
    const cls = ownDataValue(exports, key) as any;
    const toJson = typeof cls === 'function' && cls.prototype ? ownDataValue(cls.prototype, 'toJson') : undefined;
    if (typeof toJson === 'function') GENERATED_TO_JSON.add(toJson);
  }
}

/** The exports of the modules of `GENERATED_MODULES` that are loaded (none is loaded here). */
function loadedModules(): any[] {
  const result: any[] = [];
  for (const specifier of GENERATED_MODULES) {
    try {
      const exports = require.cache[require.resolve(specifier)]?.exports;
      if (exports) result.push(exports);
    } catch {
      // not installed, not resolvable: not one to recognize
    }
  }
  return result;
}

/** `o`'s own data property `key` (an accessor is not called: undefined), unlike util's `ownValue`. */
function ownDataValue(o: any, key: string): unknown {
  return Object.getOwnPropertyDescriptor(o, key)?.value;
}

function ownFunction(o: any, key: string): ((obj: any) => any) | undefined {
  const v = ownDataValue(o, key);
  return typeof v === 'function' ? v as (obj: any) => any : undefined;
}

/** The generated mapper's source: its fields, or undefined when it is not exactly the generated shape. */
const MAPPER_SOURCE = new RegExp(
  `^function (toJson_${IDENT})\\(obj\\) \\{\\s*if \\(obj === undefined\\) \\{\\s*return undefined;\\s*\\}\\s*const result = \\{([^]*?)\\};`
  + '\\s*(?://[^\\n]*\\s*)?return Object\\.entries\\(result\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: i\\[1\\] \\}\\), \\{\\}\\);\\s*\\}$',
);
const FIELD = new RegExp('^\'([^\'\\\\]*)\': (.*),$');
const PROP = `obj\\.(${IDENT})`;
const SIMPLE_FORMS: readonly [RegExp, Form][] = [
  [new RegExp(`^${PROP}$`), Form.VALUE],
  [new RegExp(`^(toJson_${IDENT})\\(${PROP}\\)$`), Form.MAPPED],
  [new RegExp(`^${PROP}\\?\\.map\\(y => (toJson_${IDENT})\\(y\\)\\)$`), Form.ARRAY_MAPPED],
  [new RegExp(`^${PROP}\\?\\.map\\(y => y\\)$`), Form.ARRAY_COPY],
  [new RegExp(`^${PROP}\\?\\.toISOString\\(\\)$`), Form.ISO],
  [new RegExp(`^${PROP}\\?\\.value$`), Form.UNION],
];
const MAP_FORM = new RegExp(
  `^\\(\\(${PROP}\\) === undefined\\) \\? undefined : \\(Object\\.entries\\(${PROP}\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: (.*) \\}\\), \\{\\}\\)\\)$`,
);
const MAP_VALUES: readonly [RegExp, Form][] = [
  [/^i\[1\]$/, Form.MAP_VALUE],
  [/^i\[1\]\?\.map\(y => y\)$/, Form.MAP_ARRAY_COPY],
  [/^i\[1\]\?\.value$/, Form.MAP_UNION],
  [new RegExp(`^(toJson_${IDENT})\\(i\\[1\\]\\)$`), Form.MAP_MAPPED],
];

function parseFields(body: string, moduleExports: any): Field[] | undefined {
  const fields: Field[] = [];
  const keys = new Set<string>();
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const field = FIELD.exec(line);
    // (`'__proto__': …` in a literal sets the result's prototype rather than a key: left to the generated code)
    const parsed = field && field[1] !== '__proto__' ? parseField(field[1], field[2], moduleExports) : undefined;
    if (!parsed || keys.has(parsed.key)) return undefined;
    keys.add(parsed.key);
    fields.push(parsed);
  }
  return fields;
}

function parseField(key: string, expression: string, moduleExports: any): Field | undefined {
  for (const [re, form] of SIMPLE_FORMS) {
    const m = re.exec(expression);
    if (!m) continue;
    const [prop, mapperName] = form === Form.MAPPED ? [m[2], m[1]] : [m[1], m[2]];
    return withMapper({ key, prop, form }, mapperName, moduleExports);
  }
  const m = MAP_FORM.exec(expression);
  if (!m || m[1] !== m[2]) return undefined;
  for (const [re, form] of MAP_VALUES) {
    const v = re.exec(m[3]);
    if (v) return withMapper({ key, prop: m[1], form }, v[1], moduleExports);
  }
  return undefined;
}

/**
 * The field with its nested mapper (parsed now: the mappers one object reaches are parsed together), which must
 * be the function the module exports under the name the source calls, declaring that name itself.
 */
function withMapper(field: Field, mapperName: string | undefined, moduleExports: any): Field | undefined {
  if (mapperName === undefined) return field;
  const fn = ownFunction(moduleExports, mapperName);
  const mapper = fn && mapperOf(fn, moduleExports);
  return mapper?.name === mapperName ? { ...field, mapper } : undefined;
}
