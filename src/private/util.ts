import * as crypto from 'crypto';
import { types } from 'util';
import type { IConstruct } from 'constructs';

/** Returns undefined for an empty array or object, so that empty collections are not rendered. */
export function undefinedIfEmpty<T>(value: T[] | undefined): T[] | undefined;
export function undefinedIfEmpty<T extends object>(value: T | undefined): T | undefined;
export function undefinedIfEmpty(value: any): any {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  return Object.keys(value).length === 0 ? undefined : value;
}

/**
 * `map[key]` when `map` has `key` as its own property, else undefined: a user-given key such as `constructor` or
 * `toString` finds nothing inherited from Object.prototype (as a Go map or a YAML mapping without it would).
 */
export function ownValue<T>(map: Readonly<Record<string, T>> | undefined | null, key: string): T | undefined {
  return map !== undefined && map !== null && hasOwn(map, key) ? map[key] : undefined;
}

/** Whether `o` has `key` as its own property (not one inherited from Object.prototype, like `constructor`). */
export function hasOwn(o: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Sorted copy of a string-keyed map (keys compared by code unit, independent of locale). */
export function sortedMap<T>(map: Record<string, T>): Record<string, T>;
export function sortedMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined;
export function sortedMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!map) return undefined;
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) setOwn(out, key, map[key]);
  return out;
}

/**
 * `out[key] = value`, as an own property even for the key `__proto__` (an assignment would set the prototype, or
 * do nothing, and the key would be lost): for keys that come from user data.
 */
export function setOwn(out: any, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else out[key] = value;
}

/**
 * A copy of a JSON value with the keys of every object sorted by code unit (locale-independent), as cdk8s
 * sorts the objects it renders; arrays keep their order.
 */
export function sortDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortDeep) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const k of Object.keys(value).sort()) setOwn(out, k, sortDeep((value as any)[k]));
  return out;
}

/**
 * A Kubernetes object with its keys in the order cdk8s renders an ApiObject (`ApiObject.toJson()`):
 * `apiVersion`, `kind`, `metadata`, then the other top-level keys, and every nested object's keys sorted.
 */
export function sortObjectKeys(object: any): any {
  const sorted = sortDeep(object);
  if (sorted === null || typeof sorted !== 'object' || Array.isArray(sorted)) return sorted;
  return topKeysFirst(sorted);
}

const TOP_KEYS = ['apiVersion', 'kind', 'metadata'];

/** A copy of a sorted object with `apiVersion`, `kind` and `metadata` first (the other keys in their order). */
function topKeysFirst(sorted: any): any {
  const out: any = {};
  // Own keys only: a top-level key named `constructor` or `toString` is kept.
  for (const k of [...TOP_KEYS, ...Object.keys(sorted)]) if (hasOwn(sorted, k) && !hasOwn(out, k)) setOwn(out, k, sorted[k]);
  return out;
}

/**
 * `sortObjectKeys(object)` for a tree that nothing else refers to (a copy the caller made and changed): the same
 * value, in the same key order, reusing the objects and arrays already in order instead of copying them all.
 * Only what `JSON.parse` and object literals make is reused: an object whose prototype is not Object.prototype,
 * an array whose prototype is not Array.prototype, and an object reached a second time (the copy's output shares
 * nothing) are copied as `sortObjectKeys` copies them (a hole stays a hole, as in the copy). The tree must hold
 * data properties only (no getters) and arrays without extra properties, which nothing here checks.
 */
export function sortOwnedObjectKeys(object: any, seen: Set<object> = new Set()): any {
  const sorted = sortOwned(object, seen);
  if (sorted === null || typeof sorted !== 'object' || Array.isArray(sorted)) return sorted;
  // In order when the present ones of apiVersion, kind and metadata come first, in that order (the rest is sorted).
  const keys = Object.keys(sorted);
  let k = 0;
  for (const first of TOP_KEYS) if (hasOwn(sorted, first) && keys[k++] !== first) return topKeysFirst(sorted);
  return sorted;
}

/**
 * `sortOwnedObjectKeys` of each object of a list, in place: an object reached a second time anywhere in the list
 * (two objects sharing a map) is copied, so that the list shares nothing, as a copy of each would not.
 */
export function sortOwnedEach(objects: any[]): any[] {
  const seen = new Set<object>();
  for (let i = 0; i < objects.length; i++) objects[i] = sortOwnedObjectKeys(objects[i], seen);
  return objects;
}

/** `sortDeep(value)`, reusing what is in order (see `sortOwnedObjectKeys`). */
function sortOwned(value: any, seen: Set<object>): any {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return sortDeep(value);
  seen.add(value);
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return sortDeep(value);
    for (let i = 0; i < value.length; i++) {
      const child = value[i];
      if (child !== null && typeof child === 'object') {
        const sorted = sortOwned(child, seen);
        if (sorted !== child) value[i] = sorted;
      }
    }
    return value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return sortDeep(value);
  const keys = Object.keys(value);
  let ordered = true;
  for (let i = 1; i < keys.length && ordered; i++) ordered = keys[i - 1] < keys[i];
  for (const key of keys) {
    const child = value[key];
    if (child !== null && typeof child === 'object') {
      const sorted = sortOwned(child, seen);
      if (sorted !== child) setOwn(value, key, sorted);
    }
  }
  if (ordered) return value;
  const out: any = {};
  for (const key of keys.sort()) setOwn(out, key, value[key]);
  return out;
}

/**
 * Appends every item to `target`. `target.push(...items)` passes each item as an argument, which overflows the
 * call stack somewhere above 100,000 items (fewer on a deep stack or a worker thread): use this wherever the
 * count grows with the fleet, the tree or an input file.
 */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The smallest of `start` and `values` (`Math.min(start, ...values)` for any number of values). */
export function minOf(start: number, values: Iterable<number>): number {
  let min = start;
  for (const v of values) min = Math.min(min, v);
  return min;
}

/** Orders strings by UTF-16 code unit (what `Array.prototype.sort` does without a comparator): locale-independent. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Feeds text to a hash in batches: one `update` per 64 KB rather than one per line (see `add`, then `flush`). */
export class BatchedHashInput {
  private chunk = '';
  public constructor(private readonly hash: { update(text: string): unknown }) {}
  /** Appends text (a line). */
  public add(text: string): void {
    this.chunk += text;
    if (this.chunk.length > 65_536) this.flush();
  }
  /** Passes what is pending to the hash. */
  public flush(): void {
    this.hash.update(this.chunk);
    this.chunk = '';
  }
}

/**
 * `structuredClone(value)`, without the serializer's cost where the value is plain data (what `toJson()`
 * gives): primitives, and ordinary arrays and objects (any realm's, or null-prototype) reached once each, at
 * most 512 levels deep. A value with anything else in it (a class instance, a Date or any object with internal
 * slots, `arguments`, a proxy, a function or symbol, an array with holes or extra properties, a key named
 * `__proto__`, a property that a getter removed, an object reached twice or a cycle, deeper nesting) is cloned
 * by `structuredClone` itself, which keeps its aliasing, its cycles and its errors. What is left: a getter runs
 * once more when the value falls back, and an exotic object whose prototype was replaced (`Object.setPrototypeOf(
 * new Map(), null)`) or a proxy used as a prototype is looked at as a plain object.
 */
export function cloneData<T>(value: T): T {
  const seen = new Set<object>();
  const copy = clonePlain(value, seen, 0);
  return copy === NOT_PLAIN ? structuredClone(value) : copy;
}

/**
 * A function that returns a fresh `cloneData(value)` at each call, for a value copied many times. Data that
 * JSON holds exactly (plain objects and arrays of strings, booleans, null and finite numbers other than -0, no
 * undefined, no `__proto__` key: what `toJson()` gives) is copied by parsing its JSON text, written once, which
 * is several times faster; anything else by `cloneData` of a first copy. (Getters of `value` run once.)
 */
export function copier<T>(value: T): () => T {
  const plain = cloneData(value);
  if (!jsonExact(plain, 0) || 'toJSON' in Object.prototype || 'toJSON' in Array.prototype) return () => cloneData(plain);
  const text = JSON.stringify(plain);
  return () => JSON.parse(text);
}

/** Whether `JSON.parse(JSON.stringify(v))` is a copy of `v` (itself `cloneData`'s copy: plain, unshared, acyclic). */
function jsonExact(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      if (v === null) return true;
      if (depth > MAX_PLAIN_DEPTH) return false;
      if (Array.isArray(v)) {
        // (no holes, no properties besides the indices: JSON writes neither)
        if (Object.getPrototypeOf(v) !== Array.prototype || Object.keys(v).length !== v.length) return false;
        for (let i = 0; i < v.length; i++) if (!jsonExact(v[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false; // (a Date, a typed array, a Map …)
      return Object.keys(v).every(k => k !== '__proto__' && jsonExact((v as any)[k], depth + 1));
    default:
      return false;
  }
}

const NOT_PLAIN: unique symbol = Symbol('not plain data');
const MAX_PLAIN_DEPTH = 512;

function clonePlain(v: any, seen: Set<object>, depth: number): any {
  if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? NOT_PLAIN : v;
  if (depth > MAX_PLAIN_DEPTH || seen.has(v) || types.isProxy(v)) return NOT_PLAIN;
  seen.add(v);
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v)) {
    // Array.prototype of some realm (not a subclass), no holes, no properties besides the indices.
    if (!Array.isArray(proto)) return NOT_PLAIN; // a realm's Array.prototype is an array; a subclass's prototype is not
    const n = v.length;
    if (Object.keys(v).length !== n) return NOT_PLAIN;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      if (!hasOwn(v, i)) return NOT_PLAIN;
      const c = clonePlain(v[i], seen, depth + 1);
      if (c === NOT_PLAIN || !hasOwn(v, i)) return NOT_PLAIN;
      out[i] = c;
    }
    return out;
  }
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return NOT_PLAIN;
  // An ordinary object: not a Date, RegExp, Error, boxed primitive, `arguments` or module namespace whose
  // prototype is Object.prototype or null (their internal tag shows through).
  if (Object.prototype.toString.call(v) !== '[object Object]') return NOT_PLAIN;
  const out: any = {};
  for (const k of Object.keys(v)) {
    if (k === '__proto__') return NOT_PLAIN;
    const c = clonePlain(v[k], seen, depth + 1);
    if (c === NOT_PLAIN || !hasOwn(v, k)) return NOT_PLAIN; // (a getter removed it: structuredClone skips it)
    out[k] = c;
  }
  return out;
}

/** Whether a string is well-formed Unicode, no lone surrogate (`String.prototype.isWellFormed`, Node ≥ 20). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** `s` with each lone surrogate written as its `\uXXXX` escape (a message or a pointer must not hold one). */
export function escapeSurrogates(s: string): string {
  return s.replace(/\p{Surrogate}/gu, c => `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `key` as a token of a JSON pointer (RFC 6901: `~` as `~0`, then `/` as `~1`). */
export function jsonPointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `crypto.hash` (Node 20.12 and later): one call, no Hash object; else undefined. */
const ONE_SHOT = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'hex') => string }).hash;

/** Hex sha256 of a string's UTF-8 bytes (or of a buffer's bytes): every content hash of the library. */
export function sha256(content: string | Buffer): string {
  return ONE_SHOT !== undefined ? ONE_SHOT('sha256', content, 'hex') : crypto.createHash('sha256').update(content).digest('hex');
}

/** Whether a construct is still in its root's tree (each scope up to the root still has it as its child). */
export function isInTree(construct: IConstruct): boolean {
  for (let c = construct; c.node.scope !== undefined; c = c.node.scope) {
    if (c.node.scope.node.tryFindChild(c.node.id) !== c) return false;
  }
  return true;
}
