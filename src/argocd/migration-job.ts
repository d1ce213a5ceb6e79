import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HookDeletePolicy, SyncAnnotations, SyncHook } from './sync-annotations';

/** Props for `MigrationJob`. */
export interface MigrationJobProps extends kplus.JobProps {
  /**
   * When the Job runs.
   * @default SyncHook.PRE_SYNC
   */
  readonly hook?: SyncHook;
  /**
   * When Argo CD deletes it.
   * @default [HookDeletePolicy.BEFORE_HOOK_CREATION] (the last run stays visible until the next sync)
   */
  readonly deletePolicies?: HookDeletePolicy[];
}

/**
 * A Job run as an Argo CD sync hook, by default before every sync (a schema migration, say): the sync waits
 * for it and fails if it fails. A cdk8s-plus `Job`, so containers, volumes and security settings are typed.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/
 *
 * @example
 * new MigrationJob(manifests, 'Migrate', {
 *   containers: [{ image: 'ghcr.io/acme/api-migrations:1.4.0', args: ['migrate', 'up'] }],
 * });
 */
export class MigrationJob extends kplus.Job {
  public constructor(scope: Construct, id: string, props: MigrationJobProps = {}) {
    super(scope, id, { backoffLimit: 1, ...props });
    SyncAnnotations.setHook(this, props.hook ?? SyncHook.PRE_SYNC, props.deletePolicies ?? [HookDeletePolicy.BEFORE_HOOK_CREATION]);
  }
}
