import type { IgnoreDifference } from '../../argocd/application';
import type { ICluster } from '../../fleet/cluster';
import type { WorkloadSettings } from '../../workloads/workload-settings';

/**
 * What a DR pair asks of a `Workload` (`Workload._addStandbyHook`): the standby clusters it renders besides the
 * clusters it selects (each like the primary it mirrors: same environment, overrides and version, its own
 * secrets), and the changes to the variants of both sides (footprint, traffic switch) made after the workload's
 * own settings, delivery and secrets. The workload's ApplicationSet never selects a standby: the pair deploys it
 * with an Application of its own.
 */
export interface WorkloadStandbyHook {
  /** The standby clusters, each with the selected cluster it mirrors. */
  readonly standbys: readonly StandbyOf[];
  /** Settings merged last for a standby (deliberate differences such as a region's endpoint). */
  standbySettings(cluster: ICluster): WorkloadSettings | undefined;
  /** A key that keeps the clusters the pair changes in variants of their own ('' for the others). */
  variantKey(cluster: ICluster): string;
  /**
   * Changes one variant's objects in place; returns its problems. Called for every variant, primaries before
   * standbys (a standby's capacity is its primaries' replicas).
   */
  finishVariant(objects: any[], clusters: readonly ICluster[], namespace: string): string[];
  /** What Argo CD must ignore and the sync options the workload's variants need (for the pair's own Applications). */
  diffing(ignoreDifferences: readonly IgnoreDifference[], syncOptions: readonly string[]): void;
}

/** A standby cluster and the primary it mirrors. */
export interface StandbyOf {
  readonly cluster: ICluster;
  readonly mirrors: ICluster;
}
