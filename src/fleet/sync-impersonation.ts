/**
 * Whether Argo CD syncs Applications as the service accounts their AppProjects name for the destination
 * (`destinationServiceAccounts`), as `argocd-cm` configures it (controller/sync.go, Argo CD v3.5.1).
 */
export enum SyncImpersonation {
  /** The controller syncs with its own account (no `application.sync.impersonation.enabled: "true"`); the default. */
  DISABLED = 'disabled',
  /**
   * `application.sync.impersonation.enabled: "true"` (and `…enforced` unset or not `"false"`, Argo CD's default):
   * an Application whose project names no account for its destination fails to sync ("no matching service account
   * found for destination server … and namespace …").
   */
  ENFORCED = 'enforced',
  /**
   * `application.sync.impersonation.enabled: "true"` and `application.sync.impersonation.enforced: "false"`: without
   * a matching account the controller syncs with its own.
   */
  FALLBACK = 'fallback',
}

/** The root Application's annotation that records `syncImpersonation` for the proofs of a tree read from disk. */
export const SYNC_IMPERSONATION_ANNOTATION = 'fleet.cdk8s.io/sync-impersonation';
