/**
 * Options of `Fleet.balanceControllerShards`: how many application-controller replicas Argo CD runs and how
 * evenly the library spreads the fleet's Applications over them.
 */
export interface ControllerShardingOptions {
  /**
   * The application controller's replica count: `ARGOCD_CONTROLLER_REPLICAS` (and the StatefulSet's
   * `replicas`) in the Argo CD installation, which the library does not write. Shards are 0 to replicas − 1.
   * At most 1,000 (a ring of 100 points per shard is built for the assignment).
   */
  readonly replicas: number;
  /**
   * The largest relative deviation of a shard's Application count from the mean that the assignment aims
   * at; the plan warns when it cannot be met (a cluster heavier than a shard's share, explicit shards).
   * @default 0.1
   */
  readonly tolerance?: number;
  /**
   * The plan warns about a shard that reconciles more Applications than this.
   * @default - no limit
   */
  readonly maxApplicationsPerShard?: number;
}
