/**
 * Loads every module the library defers to first use (src/private/lazy.ts) before anything is timed. The bench
 * runs the TypeScript sources through ts-node, which compiles a module when it is first required: without this,
 * the first construct or render of each process would include compiling the deferred modules (several seconds
 * for the generated L1s), which no user pays (the package ships compiled JavaScript; what loading it costs is
 * the require figure of `scale-bench.ts require`).
 */
import * as lazyModules from '../src/private/lazy';

export function preloadDeferredModules(): void {
  for (const [name, loader] of Object.entries(lazyModules)) {
    if (typeof loader === 'function' && name !== 'lazy' && loader.length === 0) (loader as () => unknown)();
  }
}
