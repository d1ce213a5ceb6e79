/** Returns undefined for an empty array or object, so that empty collections are not rendered. */
export function undefinedIfEmpty<T>(value: T[] | undefined): T[] | undefined;
export function undefinedIfEmpty<T extends object>(value: T | undefined): T | undefined;
export function undefinedIfEmpty(value: any): any {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  return Object.keys(value).length === 0 ? undefined : value;
}

/** Sorted copy of a string-keyed map (keys compared by code unit, independent of locale). */
export function sortedMap<T>(map: Record<string, T>): Record<string, T>;
export function sortedMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined;
export function sortedMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!map) return undefined;
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key];
  return out;
}

/**
 * A copy of a JSON value with the keys of every object sorted by code unit (locale-independent), as cdk8s
 * sorts the objects it renders; arrays keep their order.
 */
export function sortDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortDeep) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const k of Object.keys(value).sort()) out[k] = sortDeep((value as any)[k]);
  return out;
}

/**
 * A Kubernetes object with its keys in the order cdk8s renders an ApiObject (`ApiObject.toJson()`):
 * `apiVersion`, `kind`, `metadata`, then the other top-level keys, and every nested object's keys sorted.
 */
export function sortObjectKeys(object: any): any {
  const sorted = sortDeep(object);
  if (sorted === null || typeof sorted !== 'object' || Array.isArray(sorted)) return sorted;
  const out: any = {};
  for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(sorted)]) if (k in sorted && !(k in out)) out[k] = sorted[k];
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

/** Feeds `count` lines to a hash, batched: one `update` per 64 KB of text rather than one per line. */
export function updateWithLines(hash: { update(text: string): unknown }, count: number, lineOf: (i: number) => string): void {
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += lineOf(i);
    if (chunk.length > 65_536) {
      hash.update(chunk);
      chunk = '';
    }
  }
  hash.update(chunk);
}
