/** The whole-fleet properties checked at synth time from the offline expansion; each is an error unless waived. */
export enum FleetProof {
  /** Every ApplicationSet generates at least one Application (its selectors match some cluster). */
  SELECTS_CLUSTERS = 'selects-clusters',
  /** Every label, annotation or value a template reads exists on every cluster it selects. */
  PARAMETERS_EXIST = 'parameters-exist',
  /** No two ApplicationSets or Applications produce the same Application name. */
  UNIQUE_APPLICATION_NAMES = 'unique-application-names',
  /** Every generated Application's destination and sources are permitted by its AppProject. */
  PROJECT_PERMITS = 'project-permits',
  /** RollingSync steps cover every generated Application. */
  ROLLING_SYNC_COVERAGE = 'rolling-sync-coverage',
  /**
   * No object of the fleet's own tree is deployed by two Applications to the same cluster (an object belongs to
   * one Application: Argo CD reports a SharedResourceWarning for the other, and each sync takes it from the other).
   * Objects a kustomization builds are not compared. Either ApplicationSet of the two Applications may waive it.
   * A cluster is its server, in whichever fleets register it; two fleets' in-cluster destinations are one cluster
   * unless their Argo CDs run in the same namespace (then they are two hubs).
   */
  UNSHARED_OBJECTS = 'unshared-objects',
  /**
   * With sync impersonation enabled (Fleet `syncImpersonation`), every Application whose AppProject is in the tree
   * finds the service account to sync as in its `destinationServiceAccounts` where Argo CD requires one (enforced),
   * and no entry before its match is malformed. Projects outside the tree (Argo CD's `default`, where the root
   * Application syncs unless `bootstrap.projectName` says otherwise, and projects imported by name) are not judged.
   */
  SYNC_IMPERSONATION = 'sync-impersonation',
}

/** A reviewable exception to one fleet proof for one ApplicationSet (`ApplicationSetProps.waivedProofs`). */
export interface FleetProofWaiver {
  /** The proof that may fail. */
  readonly proof: FleetProof;
  /** Why it may fail; shown in the synth result. */
  readonly reason: string;
}

/** The ApplicationSet annotation that records its waived proofs (JSON), read by synth and `cdk8s-fleet validate`. */
export const WAIVED_PROOFS_ANNOTATION = 'fleet.cdk8s.io/waived-proofs';
