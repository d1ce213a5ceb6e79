import { Duration } from 'cdk8s';
import { goDuration } from '../private/duration';
import { show } from '../private/errors';
import { annotationMapErrors, labelMapErrors } from '../private/names';
import { sortedMap, undefinedIfEmpty } from '../private/util';

/** How pruned resources are deleted (`PrunePropagationPolicy=`). */
export enum PropagationPolicy {
  FOREGROUND = 'foreground',
  BACKGROUND = 'background',
  ORPHAN = 'orphan',
}

/**
 * An Application sync option (`spec.syncPolicy.syncOptions`). The common ones are constants; `of()` takes any
 * other `Key=value` string Argo CD understands.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/
 */
export class SyncOption {
  /** Create the destination namespace if it is missing. Pair it with a Namespace entry in the project's cluster allow list. */
  public static readonly CREATE_NAMESPACE = new SyncOption('CreateNamespace=true');
  /** Apply with server-side apply (required for large CRDs, e.g. Argo CD's own). */
  public static readonly SERVER_SIDE_APPLY = new SyncOption('ServerSideApply=true');
  /** Prune in a final, implicit wave after everything else is applied and healthy. */
  public static readonly PRUNE_LAST = new SyncOption('PruneLast=true');
  /** Apply only the resources that are out of sync. */
  public static readonly APPLY_OUT_OF_SYNC_ONLY = new SyncOption('ApplyOutOfSyncOnly=true');
  /** Use `kubectl replace`/`create` instead of apply. Takes precedence over server-side apply. */
  public static readonly REPLACE = new SyncOption('Replace=true');
  /** Skip kubectl schema validation. */
  public static readonly SKIP_SCHEMA_VALIDATION = new SyncOption('Validate=false');
  /** Apply `ignoreDifferences` during sync as well, for resources that already exist. */
  public static readonly RESPECT_IGNORE_DIFFERENCES = new SyncOption('RespectIgnoreDifferences=true');
  /** Fail the sync if a resource is already managed by another Application. */
  public static readonly FAIL_ON_SHARED_RESOURCE = new SyncOption('FailOnSharedResource=true');
  /** Skip the dry run for custom resources whose CRD is created by the same sync. */
  public static readonly SKIP_DRY_RUN_ON_MISSING_RESOURCE = new SyncOption('SkipDryRunOnMissingResource=true');

  /** Per resource: never prune it. */
  public static readonly PRUNE_DISABLED = new SyncOption('Prune=false');
  /** Per resource: prune it only after a manual confirmation. */
  public static readonly PRUNE_CONFIRM = new SyncOption('Prune=confirm');
  /** Per resource: keep it when the Application is deleted. */
  public static readonly DELETE_DISABLED = new SyncOption('Delete=false');
  /** With Replace: delete and recreate. */
  public static readonly FORCE = new SyncOption('Force=true');

  /** `PrunePropagationPolicy=<policy>`. */
  public static prunePropagationPolicy(policy: PropagationPolicy): SyncOption {
    return new SyncOption(`PrunePropagationPolicy=${policy}`);
  }

  /** Any other sync option, as `Key=value`. */
  public static of(value: string): SyncOption {
    if (!/^[A-Za-z]+=[A-Za-z0-9=-]+$/.test(value ?? '')) {
      throw new Error(`SyncOption.of 'value' (${show(value)}) must look like 'Key=value', e.g. 'Prune=confirm'`);
    }
    return new SyncOption(value);
  }

  private constructor(public readonly value: string) {}
}

/** Backoff between sync retries. */
export interface RetryBackoff {
  /**
   * The first delay.
   * @default Duration.seconds(5)
   */
  readonly duration?: Duration;
  /**
   * The factor each delay is multiplied by (an integer).
   * @default 2
   */
  readonly factor?: number;
  /**
   * The longest delay.
   * @default Duration.minutes(3)
   */
  readonly maxDuration?: Duration;
}

/** Retries of failed syncs. */
export interface RetryOptions {
  /**
   * How many times to retry; a negative number retries forever.
   * @default 5
   */
  readonly limit?: number;
  /**
   * The backoff between retries.
   * @default - 5s, doubling, at most 3m
   */
  readonly backoff?: RetryBackoff;
  /**
   * Retry with the latest revision rather than the one the sync started with.
   * @default false
   */
  readonly refresh?: boolean;
}

/** Labels and annotations for a namespace created by `CreateNamespace=true`. */
export interface ManagedNamespaceMetadata {
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

/** Options shared by manual and automated sync policies. */
export interface SyncPolicyOptions {
  /**
   * Sync options.
   * @default - none
   */
  readonly syncOptions?: SyncOption[];
  /**
   * Retry failed syncs.
   * @default - no retries
   */
  readonly retry?: RetryOptions;
  /**
   * Metadata of the namespace created by `SyncOption.CREATE_NAMESPACE`.
   * @default - none
   */
  readonly managedNamespaceMetadata?: ManagedNamespaceMetadata;
}

/** Options for `SyncPolicy.automated()`. */
export interface AutomatedSyncPolicyOptions extends SyncPolicyOptions {
  /**
   * Delete resources that are no longer in Git.
   * @default false
   */
  readonly prune?: boolean;
  /**
   * Revert changes made on the cluster to what Git says.
   * @default false
   */
  readonly selfHeal?: boolean;
  /**
   * Allow a sync that would leave the Application with no resources.
   * @default false
   */
  readonly allowEmpty?: boolean;
}

/**
 * When and how Argo CD syncs an Application.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
 *
 * @example
 * SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: [SyncOption.CREATE_NAMESPACE] });
 */
export class SyncPolicy {
  /** Argo CD syncs on every change in Git (and, with `selfHeal`, on every drift). */
  public static automated(options: AutomatedSyncPolicyOptions = {}): SyncPolicy {
    return new SyncPolicy(true, options);
  }

  /** Syncs only when someone asks (UI, CLI or API). */
  public static manual(options: SyncPolicyOptions = {}): SyncPolicy {
    return new SyncPolicy(false, options);
  }

  private constructor(public readonly isAutomated: boolean, private readonly options: AutomatedSyncPolicyOptions) {
    const errors: string[] = [];
    const retry = options.retry;
    if (retry?.limit !== undefined && !Number.isInteger(retry.limit)) errors.push(`'retry.limit' (${show(retry.limit)}) must be an integer`);
    const factor = retry?.backoff?.factor;
    if (factor !== undefined && (!Number.isInteger(factor) || factor < 1)) errors.push(`'retry.backoff.factor' (${show(factor)}) must be an integer of at least 1`);
    const b = retry?.backoff;
    if (b?.duration && b?.maxDuration && b.duration.toMilliseconds() > b.maxDuration.toMilliseconds()) {
      errors.push(`'retry.backoff.duration' (${goDuration(b.duration)}) must not exceed 'retry.backoff.maxDuration' (${goDuration(b.maxDuration)})`);
    }
    const meta = options.managedNamespaceMetadata;
    if (meta) {
      if (!(options.syncOptions ?? []).some(o => o.value === SyncOption.CREATE_NAMESPACE.value)) {
        errors.push("'managedNamespaceMetadata' only has an effect with SyncOption.CREATE_NAMESPACE");
      }
      errors.push(...labelMapErrors('managedNamespaceMetadata.labels', meta.labels));
      errors.push(...annotationMapErrors('managedNamespaceMetadata.annotations', meta.annotations));
    }
    if (errors.length) throw new Error(`Invalid SyncPolicy:\n  ${errors.join('\n  ')}`);
  }

  /** The sync options, as strings. */
  public get syncOptions(): string[] {
    return (this.options.syncOptions ?? []).map(o => o.value);
  }

  /** @internal */
  public _toKube(): any {
    const o = this.options;
    const retry = o.retry;
    return {
      automated: this.isAutomated ? { prune: o.prune ?? false, selfHeal: o.selfHeal ?? false, allowEmpty: o.allowEmpty ?? false } : undefined,
      syncOptions: undefinedIfEmpty([...new Set(this.syncOptions)]),
      managedNamespaceMetadata: o.managedNamespaceMetadata ? {
        labels: sortedMap(o.managedNamespaceMetadata.labels),
        annotations: sortedMap(o.managedNamespaceMetadata.annotations),
      } : undefined,
      retry: retry ? {
        limit: retry.limit ?? 5,
        refresh: retry.refresh,
        backoff: {
          duration: goDuration(retry.backoff?.duration ?? Duration.seconds(5)),
          factor: retry.backoff?.factor ?? 2,
          maxDuration: goDuration(retry.backoff?.maxDuration ?? Duration.minutes(3)),
        },
      } : undefined,
    };
  }
}
