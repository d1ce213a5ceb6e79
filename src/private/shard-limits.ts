/**
 * The most application-controller replicas cdk8s-fleet plans shards for (`Fleet.balanceControllerShards`, the
 * CLI's `--controller-replicas`): the assignment builds a ring of 100 points per shard, so this bounds its size.
 */
export const MAX_CONTROLLER_REPLICAS = 1000;
