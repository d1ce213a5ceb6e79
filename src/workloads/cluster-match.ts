import type { ICluster } from '../fleet/cluster';
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

  /** One cluster, by name. */
  public static cluster(clusterName: string): ClusterMatch {
    return new ClusterMatch(4, `cluster=${clusterName}`, c => c.clusterName === clusterName);
  }

  private constructor(
    /** @internal */ public readonly _specificity: number,
    /** A short description, e.g. `region=eu-west-1`. */ public readonly description: string,
    private readonly predicate: (cluster: ICluster, versions?: VersionsFile) => boolean,
  ) {}

  /** @internal */
  public _matches(cluster: ICluster, versions?: VersionsFile): boolean {
    return this.predicate(cluster, versions);
  }
}
