import type { ApiObject } from 'cdk8s';

/**
 * `toJson()` of the generated L1 classes (cdk8s-plus-28's `k8s.Kube*`, this package's `imports/`), with the same
 * result and the same errors at a fraction of the cost.
 *
 * A generated L1's `toJson()` is `{ ...Kind.GVK, ...toJson_KindProps(super.toJson()) }`, and each generated
 * `toJson_*` mapper builds its result as an object literal of its fields, then drops the undefined ones with
 * `Object.entries(result).reduce((r, i) => … ({ ...r, [i[0]]: i[1] }), {})`: a copy of the partial result per
 * field, quadratic in the number of fields, at every level of every object. At fleet scale that was a sixth of
 * the generic path's render (25–40 µs per Deployment, more than the resolving `toJson` itself).
 *
 * This module reads each mapper's source (`Function.prototype.toString`) once and, when every line of it is one
 * of the forms the generator writes (below), evaluates those same expressions in the same order (the same
 * property reads, the same `map`, `value`, `toISOString` and `Object.entries` calls, the same nested mappers) and
 * defines the results that are not undefined on one object, as the reduce does (keys that an object inherits,
 * such as `constructor`, are defined, never assigned, so no setter runs). Anything it does not recognize is left
 * to the original code: an L1 whose `toJson` is not exactly the generated one (a subclass's own `toJson`, a
 * replaced method, a class whose module is not one of `GENERATED_MODULES` or not loaded), a mapper with any other
 * line (its callers then call it as it is). If an evaluation throws, the original mapper runs again on the same
 * input (mappers only read their input, which is the fresh JSON of `super.toJson()`), so the error is its own.
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
 * A generated mapper: its function, and its fields when its source is all known forms (else undefined; set once,
 * after the mappers it names, which may name it in turn, have their own entries).
 */
interface Mapper {
  readonly fn: (obj: any) => any;
  fields?: readonly Field[];
}

/** By the `toJson` function an object has: what it is (null: not a generated one). */
const L1S = new WeakMap<Function, GeneratedL1 | null>();
/** By mapper function, per module (a mapper names the others of its module). */
const MAPPERS = new WeakMap<Function, Mapper>();

/** `obj.toJson()`, through the fast mapper when `obj`'s `toJson` is a recognized generated one. */
export function apiObjectJson(obj: ApiObject): any {
  const toJson = obj.toJson;
  const l1 = generatedL1(obj, toJson);
  if (l1 === null) return toJson.call(obj);
  // `super.toJson()` of the generated method: its home object's prototype's `toJson`, with `obj` as `this`.
  const resolved = Reflect.get(Object.getPrototypeOf(l1.home), 'toJson', obj).call(obj);
  const mapper = l1.mapper;
  if (mapper.fields !== undefined && resolved !== undefined) {
    try {
      // `{ ...GVK, ...mapped }`: the mapped fields defined on a copy of the GVK (one spread site for objects of
      // every shape, as a spread of the mapped object here would be, is slow).
      return run(mapper, resolved, l1.cls.GVK);
    } catch {
      // the generated code's own error (or, were ours wrong, its own result), below
    }
  }
  return { ...l1.cls.GVK, ...mapper.fn(resolved) };
}

/** Whether `obj.toJson` is a recognized generated L1 `toJson` (which `apiObjectJson` evaluates itself). */
export function isGeneratedL1(obj: ApiObject): boolean {
  return generatedL1(obj, obj.toJson) !== null;
}

function generatedL1(obj: ApiObject, toJson: Function): GeneratedL1 | null {
  let l1 = L1S.get(toJson);
  if (l1 === undefined) {
    l1 = recognize(obj, toJson);
    L1S.set(toJson, l1);
  }
  return l1;
}

/** What `mapper.fn(input)` returns (or throws). */
export function mapWith(mapper: Mapper, input: any): any {
  if (mapper.fields === undefined) return mapper.fn(input);
  try {
    return run(mapper, input);
  } catch {
    return mapper.fn(input); // its own error (or, were ours wrong, its own result)
  }
}

/** The mapper of `fn` (a generated mapper exported by `moduleExports`), its source read once. */
export function mapperOf(fn: (obj: any) => any, moduleExports: any): Mapper {
  let m = MAPPERS.get(fn);
  if (m === undefined) {
    m = { fn };
    MAPPERS.set(fn, m);
    m.fields = parseMapper(fn, moduleExports);
  }
  return m;
}

/** The mapper's result on `obj`: its fields in order, those not undefined defined after `prefix`'s properties. */
function run(m: Mapper, obj: any, prefix?: object): any {
  if (m.fields === undefined) return m.fn(obj);
  if (obj === undefined) return undefined;
  const out: any = prefix === undefined ? {} : { ...prefix };
  for (const f of m.fields) {
    let v: any;
    switch (f.form) {
      case Form.VALUE: v = obj[f.prop]; break;
      case Form.MAPPED: v = run(f.mapper!, obj[f.prop]); break;
      case Form.ARRAY_MAPPED: v = obj[f.prop]?.map((y: any) => run(f.mapper!, y)); break;
      case Form.ARRAY_COPY: v = obj[f.prop]?.map((y: any) => y); break;
      case Form.ISO: v = obj[f.prop]?.toISOString(); break;
      case Form.UNION: v = obj[f.prop]?.value; break;
      default: v = obj[f.prop] === undefined ? undefined : mapEntries(Object.entries(obj[f.prop]), f); // (read twice, as generated)
    }
    if (v !== undefined) define(out, f.key, v);
  }
  return out;
}

/** The map forms' reduce over the entries: each entry whose value is not undefined, its value mapped. */
function mapEntries(entries: [string, any][], f: Field): any {
  const out: any = {};
  for (const [k, value] of entries) {
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
  if (key in out) Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
  else out[key] = v;
}

const IDENT = '[A-Za-z_$][\\w$]*';
/** The generated `toJson()` of an L1 class, without whitespace: the class's name and its props mapper's. */
const L1_TO_JSON = new RegExp(`^toJson\\(\\)\\{constresolved=super\\.toJson\\(\\);return\\{\\.\\.\\.(${IDENT})\\.GVK,\\.\\.\\.(toJson_${IDENT})\\(resolved\\),?\\};?\\}$`);

/** The generated L1 that holds `toJson` for `obj`, or null when it is not exactly one. */
function recognize(obj: ApiObject, toJson: Function): GeneratedL1 | null {
  if (typeof toJson !== 'function' || Object.prototype.hasOwnProperty.call(obj, 'toJson')) return null;
  let home: any = Object.getPrototypeOf(obj);
  while (home !== null && !Object.prototype.hasOwnProperty.call(home, 'toJson')) home = Object.getPrototypeOf(home);
  if (home === null || Object.getOwnPropertyDescriptor(home, 'toJson')?.value !== toJson) return null;
  const match = L1_TO_JSON.exec(Function.prototype.toString.call(toJson).replace(/\s+/g, ''));
  if (!match) return null;
  const cls = Object.getOwnPropertyDescriptor(home, 'constructor')?.value;
  // In a class body the class's name is the class: the name the source spreads `.GVK` of must be this class's own.
  const name = typeof cls === 'function' ? Object.getOwnPropertyDescriptor(cls, 'name') : undefined;
  if (cls?.prototype !== home || name?.value !== match[1] || name.writable || name.enumerable) return null;
  for (const exports of loadedModules()) {
    const mapper = ownFunction(exports, match[2]);
    if (ownValue(exports, match[1]) === cls && mapper) return { home, cls, mapper: mapperOf(mapper, exports) };
  }
  return null;
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

function ownValue(o: any, key: string): unknown {
  return Object.getOwnPropertyDescriptor(o, key)?.value;
}

function ownFunction(o: any, key: string): ((obj: any) => any) | undefined {
  const v = ownValue(o, key);
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

function parseMapper(fn: Function, moduleExports: any): Field[] | undefined {
  const source = MAPPER_SOURCE.exec(Function.prototype.toString.call(fn));
  if (!source || ownValue(moduleExports, source[1]) !== fn) return undefined;
  const fields: Field[] = [];
  const keys = new Set<string>();
  for (const raw of source[2].split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const field = FIELD.exec(line);
    const parsed = field ? parseField(field[1], field[2], moduleExports) : undefined;
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

/** The field with its nested mapper (parsed now: the mappers one object reaches are parsed together). */
function withMapper(field: Field, mapperName: string | undefined, moduleExports: any): Field | undefined {
  if (mapperName === undefined) return field;
  const fn = ownFunction(moduleExports, mapperName);
  return fn ? { ...field, mapper: mapperOf(fn, moduleExports) } : undefined;
}
