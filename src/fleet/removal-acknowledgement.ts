/**
 * A removal of Applications the program declares on purpose, so that the deletion gate of
 * `cdk8s-fleet diff` lets it through (`Fleet.acknowledgeRemoval`).
 */
export interface RemovalAcknowledgement {
  /** The Application name, or `*` for every Application of `cluster`. */
  readonly application: string;
  /** The cluster name, or `*` for every cluster. */
  readonly cluster: string;
  /**
   * The fleet whose Application goes (its `fleetName`), or `*` for any fleet's: two fleets' Argo CDs may each have
   * an Application of one name on one cluster. Name another fleet for the Applications of a fleet the program
   * no longer has (removed or renamed).
   * @default - the fleet that acknowledges it
   */
  readonly fleet?: string;
  /**
   * Why the removal is intended; shown in the diff and written to the tree, so it is scanned for secrets like
   * every file (a reason holding a key or a token is refused).
   */
  readonly reason: string;
}
