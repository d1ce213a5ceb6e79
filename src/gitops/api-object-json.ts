import { ApiObject, ApiObjectMetadataDefinition, App, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * `ApiObject.toJson()` of cdk8s 2.x, with the same result (and the same errors) at a fraction of the cost.
 *
 * cdk8s resolves an object value by value: for each of them it walks the construct tree up to the App
 * (`App.of`) to find the resolvers, copies the key path, allocates a resolution context and asks each resolver.
 * At fleet scale (hundreds of thousands of objects of 30–60 values each) that is most of the render's time.
 * When the App's resolvers are exactly cdk8s' three built-in ones (`LazyResolver`, `ImplicitTokenResolver`,
 * `NumberStringUnionResolver`, with their own `resolve` methods), this module evaluates their tests inline,
 * with the same expressions in the same order, and looks the resolvers up once per object; everything else
 * (sanitizing, key sorting, `CDK8S_DISABLE_SORT`, JSON patches, the top-level key order, the error wrapping) is
 * cdk8s' code path, step for step. An App with custom resolvers, a metadata object whose `toJson` was replaced,
 * or anything this module does not recognize takes cdk8s' own implementation.
 *
 * `withFastApiObjectJson(fn)` installs it on `ApiObject.prototype` for the duration of `fn` (rendering is
 * synchronous), so that generated L1 classes, whose `toJson()` calls `super.toJson()` and maps the result, get
 * it too; it restores cdk8s' method afterwards, whatever happens.
 */

const ORIGINAL_TO_JSON = ApiObject.prototype.toJson;
const ORIGINAL_METADATA_TO_JSON = ApiObjectMetadataDefinition.prototype.toJson;
const LAZY_RESOLVE = LazyResolver.prototype.resolve;
const IMPLICIT_RESOLVE = ImplicitTokenResolver.prototype.resolve;
const UNION_RESOLVE = NumberStringUnionResolver.prototype.resolve;

let installed = 0;

/** Runs `fn` with the fast `toJson` installed on `ApiObject.prototype` (re-entrant). */
export function withFastApiObjectJson<T>(fn: () => T): T {
  if (ApiObject.prototype.toJson !== ORIGINAL_TO_JSON && installed === 0) return fn(); // someone else's: leave it
  if (installed++ === 0) ApiObject.prototype.toJson = fastToJson;
  try {
    return fn();
  } finally {
    if (--installed === 0) ApiObject.prototype.toJson = ORIGINAL_TO_JSON;
  }
}

/** The JSON of an object, as `ApiObject.prototype.toJson` of cdk8s computes it. */
function fastToJson(this: ApiObject): any {
  const resolvers = builtInResolvers(this);
  const metadata = this.metadata;
  if (resolvers === undefined || metadata.toJson !== ORIGINAL_METADATA_TO_JSON) return ORIGINAL_TO_JSON.call(this);
  primitivesPlain = primitivesArePlain();
  try {
    const data: any = {
      ...(this as any).props,
      metadata: metadataJson(metadata),
    };
    const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
    const options = sortKeys ? SORTED : UNSORTED;
    let json = plainJson(data, options);
    if (json === NOT_PLAIN) json = sanitizeValue(resolve(data), options);
    const patches: JsonPatch[] = (this as any).patches;
    const patched = patches.length === 0 ? json : JsonPatch.apply(json, ...patches);
    // cdk8s: apiVersion, kind and metadata first, then the rest in their order.
    const result: any = {};
    if ('apiVersion' in patched) result.apiVersion = patched.apiVersion;
    if ('kind' in patched) result.kind = patched.kind;
    if ('metadata' in patched) result.metadata = patched.metadata;
    for (const k of Object.keys(patched)) {
      if (k in patched) result[k] = patched[k];
    }
    return result;
  } catch (e) {
    throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
  }
}

/** `ApiObjectMetadataDefinition.toJson()`, with the fast resolver. */
function metadataJson(m: ApiObjectMetadataDefinition): any {
  const internal = m as any;
  const data = {
    ...internal._additionalAttributes,
    name: internal.name,
    namespace: internal.namespace,
    annotations: internal.annotations,
    finalizers: internal.finalizers,
    ownerReferences: internal.ownerReferences,
    labels: internal.labels,
  };
  const json = plainJson(data, METADATA);
  return json !== NOT_PLAIN ? json : sanitizeValue(resolve(data), METADATA);
}

/**
 * The App's resolvers when they are exactly cdk8s' three built-in ones, in their order and with their own
 * methods (the case the inline tests of `resolve` stand for); undefined otherwise.
 */
function builtInResolvers(o: ApiObject): readonly unknown[] | undefined {
  let resolvers: any;
  try {
    resolvers = App.of(o).resolvers;
  } catch {
    return undefined;
  }
  if (!Array.isArray(resolvers) || resolvers.length !== 3) return undefined;
  const [lazy, implicit, union] = resolvers;
  if (!(lazy instanceof LazyResolver) || lazy.resolve !== LAZY_RESOLVE) return undefined;
  if (!(implicit instanceof ImplicitTokenResolver) || implicit.resolve !== IMPLICIT_RESOLVE) return undefined;
  if (!(union instanceof NumberStringUnionResolver) || union.resolve !== UNION_RESOLVE) return undefined;
  return resolvers;
}

/**
 * cdk8s' `resolve(key, value, apiObject)` with the three built-in resolvers: each value is offered to them in
 * order, and the first that replaces it has its replacement resolved again; arrays and plain objects are
 * resolved element by element. The key path is not built: none of the built-in resolvers reads it.
 */
function resolve(value: any): any {
  if (value == null) return value;
  // LazyResolver
  if (value instanceof Lazy) return resolve(value.produce());
  // ImplicitTokenResolver
  if (typeof (value.resolve) === 'function') return resolve(value.resolve());
  // NumberStringUnionResolver (plain dictionaries are left alone)
  if (value.constructor !== Object) {
    const types: string[] = (NumberStringUnionResolver as any).TYPES;
    if (types.includes(typeof (value.value))) return resolve({ value: value.value });
  }
  if (Array.isArray(value)) return value.map(x => resolve(x));
  // eslint-disable-next-line eqeqeq
  if (value.constructor == Object) {
    const result: any = {};
    for (const [k, v] of Object.entries(value)) result[k] = resolve(v);
    return result;
  }
  return value;
}

interface SanitizeOptions {
  readonly filterEmptyArrays?: boolean;
  readonly filterEmptyObjects?: boolean;
  readonly sortKeys?: boolean;
}

const SORTED: SanitizeOptions = { sortKeys: true };
const UNSORTED: SanitizeOptions = { sortKeys: false };
const METADATA: SanitizeOptions = { filterEmptyArrays: true, filterEmptyObjects: true };

/** Whether strings, numbers and booleans inherit no `resolve` and no `value` (see `plainValue`). */
let primitivesPlain = false;

function primitivesArePlain(): boolean {
  for (const proto of [String.prototype, Number.prototype, Boolean.prototype]) {
    if ('resolve' in proto || 'value' in proto) return false;
  }
  return true;
}

/** What `plainJson` returns for a value whose resolution would call user code or meet a non-plain object. */
const NOT_PLAIN: unique symbol = Symbol('not plain');
/** Thrown inside `plainJson`'s walk. */
const STOP = { stop: true };

/**
 * `sanitizeValue(resolve(value), options)` in one walk, for the common case where resolving calls no user code:
 * no `Lazy`, no implicit token (a `resolve()` method), nothing that is not a plain object, a plain array, a
 * primitive or a number/string union (`IntOrString`, `Quantity`: replaced by `{ value }` as cdk8s does). It
 * reads each value once, as the two steps do, and calls nothing; on anything else it returns `NOT_PLAIN`
 * before any user code ran, and the caller takes the two-step path. Keys named `__proto__` also take it.
 */
function plainJson(value: any, options: SanitizeOptions): any {
  try {
    return plainValue(value, options);
  } catch (e) {
    if (e === STOP) return NOT_PLAIN;
    throw e;
  }
}

function plainValue(value: any, options: SanitizeOptions): any {
  if (value == null) return undefined;
  // A string, number or boolean, when no prototype it would inherit from has a `resolve` or a `value`: every
  // test below is false for it, and it is kept as it is (checked per object by `primitivesArePlain`).
  const type = typeof value;
  if (primitivesPlain && (type === 'string' || type === 'number' || type === 'boolean')) return value;
  if (value instanceof Lazy) throw STOP;
  if (typeof (value.resolve) === 'function') throw STOP;
  if (value.constructor !== Object) {
    const types: string[] = (NumberStringUnionResolver as any).TYPES;
    if (types.includes(typeof (value.value))) return plainValue({ value: value.value }, options);
  }
  if (typeof value !== 'object') return value; // a primitive (or a function) is kept as it is
  if (Array.isArray(value)) {
    if (options.filterEmptyArrays && value.length === 0) return undefined;
    return value.map(x => plainValue(x, options));
  }
  // eslint-disable-next-line eqeqeq
  if (value.constructor != Object) throw STOP; // kept as it is by resolve; sanitize decides
  const keys = Object.keys(value);
  if (options.sortKeys ?? true) keys.sort();
  const result: any = {};
  let empty = true;
  for (const k of keys) {
    if (k === '__proto__') throw STOP;
    const v = plainValue(value[k], options);
    if (v != null) {
      result[k] = v;
      empty = false;
    }
  }
  if (options.filterEmptyObjects && empty) return undefined;
  return result;
}

/** cdk8s' `sanitizeValue` (lib/_util.js), step for step. */
function sanitizeValue(obj: any, options: SanitizeOptions = {}): any {
  if (obj == null) return undefined;
  if (typeof (obj) !== 'object') return obj;
  if (Array.isArray(obj)) {
    if (options.filterEmptyArrays && obj.length === 0) return undefined;
    return obj.map(x => sanitizeValue(x, options));
  }
  if (obj.constructor.name !== 'Object') {
    throw new Error(`can't render non-simple object of type '${obj.constructor.name}'`);
  }
  const newObj: any = {};
  const sortKeys = options.sortKeys ?? true;
  const keys = sortKeys ? Object.keys(obj).sort() : Object.keys(obj);
  for (const key of keys) {
    const value = obj[key];
    const newValue = sanitizeValue(value, options);
    if (newValue != null) newObj[key] = newValue;
  }
  if (options.filterEmptyObjects && Object.keys(newObj).length === 0) return undefined;
  return newObj;
}
