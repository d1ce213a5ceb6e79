import { Duration } from 'cdk8s';

/** Whether a sync window allows or denies syncs. */
export enum SyncWindowKind {
  ALLOW = 'allow',
  DENY = 'deny',
}

/**
 * A sync window.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
 */
export interface SyncWindowOptions {
  /** Allow or deny. */
  readonly kind: SyncWindowKind;
  /** When the window opens, as a five-field cron expression, e.g. `'0 22 * * *'`. */
  readonly schedule: string;
  /** How long it stays open. */
  readonly duration: Duration;
  /**
   * Application name globs it applies to.
   * @default - none
   */
  readonly applications?: string[];
  /**
   * Namespace globs it applies to.
   * @default - none
   */
  readonly namespaces?: string[];
  /**
   * Cluster name globs it applies to.
   * @default - none
   */
  readonly clusters?: string[];
  /**
   * Allow manual syncs while a deny window is active.
   * @default false
   */
  readonly manualSync?: boolean;
  /**
   * IANA time zone of the schedule.
   * @default - UTC
   */
  readonly timeZone?: string;
  /**
   * Require applications, namespaces and clusters all to match (instead of any).
   * @default false
   */
  readonly andOperator?: boolean;
  /**
   * Let syncs that started inside the window finish after it closes.
   * @default false
   */
  readonly syncOverrun?: boolean;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
}
