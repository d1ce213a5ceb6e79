import { compareCodeUnits } from './util';

/**
 * Directories (tree-relative, '/'-separated) sorted by code unit, answering "which are `dir` or below it" by
 * binary search: a fleet's tree has tens of thousands of directories, and scanning them all for each of its
 * tens of thousands of Applications is quadratic.
 */
export class SortedPaths {
  private readonly sorted: readonly string[];

  /** `paths` need not be sorted or distinct. */
  public constructor(paths: Iterable<string>) {
    this.sorted = [...new Set(paths)].sort((a, b) => compareCodeUnits(a, b));
  }

  /** Every path, sorted. */
  public get all(): readonly string[] {
    return this.sorted;
  }

  /** The paths that start with `prefix`, in sorted order (a contiguous run of the sorted list). */
  public withPrefix(prefix: string): string[] {
    const out: string[] = [];
    for (let i = lowerBound(this.sorted, prefix); i < this.sorted.length && this.sorted[i].startsWith(prefix); i++) out.push(this.sorted[i]);
    return out;
  }

  /** Whether `path` is one of the paths. */
  public has(path: string): boolean {
    const i = lowerBound(this.sorted, path);
    return i < this.sorted.length && this.sorted[i] === path;
  }
}

/** The first index whose element is not less than `key` (code-unit order). */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
