import { Lazy } from 'cdk8s';

/**
 * The library's own `Lazy` values: each produced by library code that reads construct state and calls no user
 * callback, with no side effect, so that producing one at any point of rendering, or once more, gives the same
 * value. The fast `toJson()` (gitops/api-object-json.ts) produces them inside its one-step walk of an object
 * instead of taking cdk8s' two-step path (resolve, then sanitize) for the whole object, as it must for a user's
 * `Lazy`, whose producer may see the order in which cdk8s reads the other values.
 */
const OWN = new WeakSet<object>();

/** `Lazy.any({ produce })`, known as the library's own (see above). */
export function ownLazy(produce: () => any): any {
  const lazy = Lazy.any({ produce });
  OWN.add(lazy);
  return lazy;
}

/** Whether `value` is a `Lazy` that `ownLazy` made. */
export function isOwnLazy(value: unknown): boolean {
  return typeof value === 'object' && value !== null && OWN.has(value);
}
