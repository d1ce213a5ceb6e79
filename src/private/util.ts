/** Returns undefined for an empty array or object, so that empty collections are not rendered. */
export function undefinedIfEmpty<T>(value: T[] | undefined): T[] | undefined;
export function undefinedIfEmpty<T extends object>(value: T | undefined): T | undefined;
export function undefinedIfEmpty(value: any): any {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value;
  return Object.keys(value).length === 0 ? undefined : value;
}

/** Sorted copy of a string-keyed map (keys compared by code unit, independent of locale). */
export function sortedMap<T>(map: Record<string, T> | undefined): Record<string, T> | undefined {
  if (!map) return undefined;
  const out: Record<string, T> = {};
  for (const key of Object.keys(map).sort()) out[key] = map[key];
  return out;
}
