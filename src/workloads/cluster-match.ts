import type { ICluster } from '../fleet/cluster';
import { show } from '../private/errors';
import type { VersionsFile } from '../promotion/versions-file';

/**
 * Which clusters a workload override applies to. From least to most specific: an environment, a region, any
 * label, one cluster; when several overrides apply to a cluster, more specific ones win, then later ones.
 */
export class ClusterMatch {
  /** Clusters of an environment (the versions file's `environmentLabel`, or the `environment` label). */
  public static environment(environment: string): ClusterMatch {
    return new ClusterMatch(1, `environment=${environment}`, (c, versions) => c.labels[versions?.environmentLabel ?? 'environment'] === environment);
  }

  /** Clusters of a region (`labelKey`, by default `region`). */
  public static region(region: string, labelKey: string = 'region'): ClusterMatch {
    return new ClusterMatch(2, `${labelKey}=${region}`, c => c.labels[labelKey] === region);
  }

  /** Clusters whose label `key` is `value`. */
  public static label(key: string, value: string): ClusterMatch {
    return new ClusterMatch(3, `${key}=${value}`, c => c.labels[key] === value);
  }

  /** One cluster, by name. Synth fails if the fleet has no cluster of that name. */
  public static cluster(clusterName: string): ClusterMatch {
    return new ClusterMatch(4, `cluster=${clusterName}`, c => c.clusterName === clusterName, clusterName);
  }

  private constructor(
    /** @internal */ public readonly _specificity: number,
    /** A short description, e.g. `region=eu-west-1`. */ public readonly description: string,
    private readonly predicate: (cluster: ICluster, versions?: VersionsFile) => boolean,
    private readonly clusterName?: string,
  ) {}

  /** @internal */
  public _matches(cluster: ICluster, versions?: VersionsFile): boolean {
    return this.predicate(cluster, versions);
  }

  /**
   * @internal Why the match cannot be what the program means, given the fleet's registered clusters: a
   * `ClusterMatch.cluster()` naming no registered cluster would silently apply to nothing.
   */
  public _registryError(registered: readonly string[], fleetName: string): string | undefined {
    if (this.clusterName === undefined || registered.includes(this.clusterName)) return undefined;
    const suggestion = closest(this.clusterName, registered);
    return `ClusterMatch.cluster(${show(this.clusterName)}) names no cluster registered in Fleet '${fleetName}'`
      + (suggestion ? `; did you mean '${suggestion}'?` : registered.length ? ` (it has ${show(registered)})` : ' (it has no clusters)');
  }
}

/** The registered name closest to `name` by edit distance, if it is close enough to be a typo. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance (bounded inputs: cluster names are DNS labels of at most 63 characters). */
function editDistance(a: string, b: string): number {
  if (a.length > 253 || b.length > 253) return Infinity;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
