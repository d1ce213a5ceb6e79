import { ApiObject, ApiObjectMetadataDefinition, ImplicitTokenResolver, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';
import { isOwnLazy } from '../private/own-lazy';

/**
 * `ApiObject.toJson()` of cdk8s 2.x, with the same result (and the same errors) at a fraction of the cost.
 *
 * cdk8s resolves an object value by value: for each of them it walks the construct tree up to the App
 * (`App.of`) to find the resolvers, copies the key path, allocates a resolution context and asks each resolver.
 * At fleet scale (hundreds of thousands of objects of 30–60 values each) that is most of the render's time.
 * When the App's resolvers are exactly cdk8s' three built-in ones (`LazyResolver`, `ImplicitTokenResolver`,
 * `NumberStringUnionResolver`, with their own `resolve` methods), this module evaluates their tests inline,
 * with the same expressions in the same order, and finds the App once per scope; everything else (sanitizing,
 * key sorting, `CDK8S_DISABLE_SORT`, JSON patches, the top-level key order, the error wrapping) is cdk8s' code
 * path, step for step, except that the second pass cdk8s makes over the metadata's JSON is skipped where it is the
 * identity (see `prototypesArePlain`). An App with custom resolvers, a metadata object whose `toJson` was
 * replaced, or anything this module does not recognize takes cdk8s' own implementation.
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

/** cdk8s' Lazy class, read once (the package's exports are getters). */
const LAZY = Lazy;
/** `NumberStringUnionResolver.TYPES`, read once per object. */
let unionTypes: string[] = [];

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
  // (cdk8s' sanitize tells plain objects by their constructor's name, which the walk below reads as Object itself.)
  if (resolvers === undefined || metadata.toJson !== ORIGINAL_METADATA_TO_JSON || Object.name !== 'Object') return ORIGINAL_TO_JSON.call(this);
  unionTypes = (NumberStringUnionResolver as any).TYPES;
  primitivesPlain = primitivesArePlain();
  try {
    // cdk8s spreads the props first (their getters run before the metadata's JSON is made).
    const data: any = { ...(this as any).props };
    const metadataPart = prototypesArePlain() ? plainMetadata(metadata) : NOT_PLAIN;
    // As the literal `{ ...props, metadata }` defines it: in the props' key position, never through a setter (an
    // assignment keeps the object's fast shape; only an inherited `metadata` could make it call something).
    const metadataValue = metadataPart === NOT_PLAIN ? metadataJson(metadata) : metadataPart;
    if (Object.prototype.hasOwnProperty.call(data, 'metadata') || !('metadata' in Object.prototype)) data.metadata = metadataValue;
    else Object.defineProperty(data, 'metadata', { value: metadataValue, enumerable: true, writable: true, configurable: true });
    const sortKeys = process.env.CDK8S_DISABLE_SORT ? false : true;
    const options = sortKeys ? SORTED : UNSORTED;
    // cdk8s resolves and sanitizes the metadata's JSON a second time, with the rest: on JSON that `plainValue`
    // made (with plain prototypes) that second pass changes nothing, so it is skipped.
    let json = plainJson(data, options, metadataPart);
    if (json === NOT_PLAIN) json = sanitizeValue(resolve(data, metadataPart), options, metadataPart);
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

/** The fields `ApiObjectMetadataDefinition.toJson()` takes from the definition, in sorted order. */
const METADATA_FIELDS = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'];

/**
 * `metadataJson` without building the object it walks, when that object would have only the definition's own
 * fields as keys (its other attributes, from the object's `metadata` prop and `add()`, being among them): the
 * common case, where the attributes object (left in dictionary mode by cdk8s' `delete`) makes the copy slow.
 * `NOT_PLAIN` when it is not that case or when a value is not plain (the caller takes `metadataJson`, which
 * calls no user code before that point either). Only with plain prototypes (see `fastToJson`).
 */
function plainMetadata(m: ApiObjectMetadataDefinition): any {
  const internal = m as any;
  for (const k in internal._additionalAttributes) {
    if (!METADATA_FIELDS.includes(k) && Object.prototype.hasOwnProperty.call(internal._additionalAttributes, k)) return NOT_PLAIN;
  }
  try {
    const result: any = {};
    let empty = true;
    for (const k of METADATA_FIELDS) {
      const v = plainValue(internal[k], METADATA);
      if (v != null) {
        result[k] = v;
        empty = false;
      }
    }
    return empty ? undefined : result;
  } catch (e) {
    if (e === STOP) return NOT_PLAIN;
    throw e;
  }
}

/** The root of the construct tree, as `App.of()` finds it, remembered by scope (a construct's scope never changes). */
const ROOTS = new WeakMap<IConstruct, IConstruct>();

function rootOf(c: IConstruct): IConstruct {
  const known = c.node.scope === undefined ? c : ROOTS.get(c.node.scope);
  if (known !== undefined) return known; // (the common case: a sibling already walked up)
  const walked: IConstruct[] = [];
  let current = c;
  let root: IConstruct | undefined;
  for (;;) {
    const scope = current.node.scope;
    if (!scope) {
      root = current;
      break;
    }
    root = ROOTS.get(scope);
    if (root !== undefined) break;
    walked.push(scope);
    current = scope;
  }
  for (const s of walked) ROOTS.set(s, root);
  return root;
}

/**
 * The App's resolvers when they are exactly cdk8s' three built-in ones, in their order and with their own
 * methods (the case the inline tests of `resolve` stand for); undefined otherwise.
 */
function builtInResolvers(o: ApiObject): readonly unknown[] | undefined {
  let resolvers: any;
  try {
    resolvers = (rootOf(o) as any).resolvers;
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
function resolve(value: any, metadata: any = NOT_PLAIN): any {
  if (value == null) return value;
  // A string, number or boolean whose prototype has no `resolve` and no `value` (`primitivesArePlain`): no
  // resolver replaces it, and it is not an array or a plain object; kept as it is, as `plainValue` keeps it.
  const type = typeof value;
  if (primitivesPlain && (type === 'string' || type === 'number' || type === 'boolean')) return value;
  // LazyResolver
  if (value instanceof LAZY) return resolve(value.produce());
  // ImplicitTokenResolver
  if (typeof (value.resolve) === 'function') return resolve(value.resolve());
  // NumberStringUnionResolver (plain dictionaries are left alone)
  if (value.constructor !== Object && unionTypes.includes(typeof (value.value))) return resolve({ value: value.value });
  if (Array.isArray(value)) return value.map(x => resolve(x));
  // eslint-disable-next-line eqeqeq
  if (value.constructor == Object) {
    const result: any = {};
    for (const [k, v] of Object.entries(value)) result[k] = k === 'metadata' && v === metadata ? v : resolve(v);
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

/** The prototypes of JSON's containers and of functions, and of its primitives. */
const CONTAINER_PROTOTYPES: readonly object[] = [Object.prototype, Array.prototype, Function.prototype];
const PRIMITIVE_PROTOTYPES: readonly object[] = [String.prototype, Number.prototype, Boolean.prototype];

/**
 * Whether every prototype the values of JSON inherit from (objects, arrays, functions, strings, numbers,
 * booleans) has no `resolve` and no `value` (as data or accessor) and objects have Object as their constructor:
 * then resolving and sanitizing JSON that `plainValue` made is the identity, calls nothing and throws nothing, and
 * the second pass cdk8s makes over the metadata's JSON can be skipped.
 */
function prototypesArePlain(): boolean {
  return primitivesPlain && Object.prototype.constructor === Object && noResolveOrValue(CONTAINER_PROTOTYPES);
}

/**
 * `primitivesPlain`, computed once per object (after `unionTypes`): a primitive's `value` is then undefined, which
 * the union resolver takes only when user code added 'undefined' to its types.
 */
function primitivesArePlain(): boolean {
  return noResolveOrValue(PRIMITIVE_PROTOTYPES) && Array.isArray(unionTypes) && !unionTypes.includes('undefined');
}

function noResolveOrValue(prototypes: readonly object[]): boolean {
  for (const proto of prototypes) {
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
function plainJson(value: any, options: SanitizeOptions, metadata: any = NOT_PLAIN): any {
  try {
    if (metadata === NOT_PLAIN) return plainValue(value, options);
    // `value` is the object `toJson` builds and `metadata` its `metadata`, already walked: the tests `plainValue`
    // makes on an object (anything else takes the two-step path), then its keys.
    if (value instanceof LAZY || typeof (value.resolve) === 'function' || value.constructor !== Object) return NOT_PLAIN;
    return plainObject(value, options, metadata);
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
  if (value instanceof LAZY) {
    // The library's own Lazy (`ownLazy`): produced here, as cdk8s' resolve produces it, and walked the same way.
    if (isOwnLazy(value)) return plainValue(value.produce(), options);
    throw STOP;
  }
  if (typeof (value.resolve) === 'function') throw STOP;
  if (value.constructor !== Object && unionTypes.includes(typeof (value.value))) return plainValue({ value: value.value }, options);
  if (typeof value !== 'object') return value; // a primitive (or a function) is kept as it is
  if (Array.isArray(value)) {
    if (options.filterEmptyArrays && value.length === 0) return undefined;
    return value.map(x => plainValue(x, options));
  }
  if (value.constructor !== Object) throw STOP; // resolve keeps it or walks it, sanitize decides: the two-step path
  return plainObject(value, options, NOT_PLAIN);
}

/** The object branch of `plainValue`; the value of a key `metadata` that is `metadata` is kept as it is. */
function plainObject(value: any, options: SanitizeOptions, metadata: any): any {
  const keys = Object.keys(value);
  if (options.sortKeys ?? true) sortInPlace(keys);
  const result: any = {};
  let empty = true;
  for (const k of keys) {
    if (k === '__proto__') throw STOP;
    const raw = value[k];
    const v = raw === metadata && k === 'metadata' ? raw : plainValue(raw, options);
    if (v != null) {
      result[k] = v;
      empty = false;
    }
  }
  if (options.filterEmptyObjects && empty) return undefined;
  return result;
}

/**
 * `keys.sort()` (by UTF-16 code units, as `<` compares strings), skipped when they are in order already. The keys
 * of one object are distinct, so every correct sort gives `sort()`'s order: a short list is sorted by insertion,
 * in place (V8's `sort()` copies the array first: at 60,000 objects, a tenth of what a render allocated).
 */
function sortInPlace(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1] > keys[i]) {
      if (keys.length > 24) {
        keys.sort();
        return;
      }
      for (let j = i; j < keys.length; j++) {
        const k = keys[j];
        let at = j;
        for (; at > 0 && keys[at - 1] > k; at--) keys[at] = keys[at - 1];
        keys[at] = k;
      }
      return;
    }
  }
}

/**
 * cdk8s' `sanitizeValue` (lib/_util.js), step for step. In `resolve` and here, a value `metadata` under the key
 * `metadata` (the JSON `plainMetadata` made, on which both are the identity) is kept as it is.
 */
function sanitizeValue(obj: any, options: SanitizeOptions = {}, metadata: any = NOT_PLAIN): any {
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
    const newValue = key === 'metadata' && value === metadata ? value : sanitizeValue(value, options);
    if (newValue != null) newObj[key] = newValue;
  }
  if (options.filterEmptyObjects && Object.keys(newObj).length === 0) return undefined;
  return newObj;
}
