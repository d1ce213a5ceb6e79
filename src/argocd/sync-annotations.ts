import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { SyncOption } from './sync-policy';
import { show } from '../private/errors';

/** When a hook runs. */
export enum SyncHook {
  PRE_SYNC = 'PreSync',
  SYNC = 'Sync',
  POST_SYNC = 'PostSync',
  SYNC_FAIL = 'SyncFail',
  POST_DELETE = 'PostDelete',
  /** Not applied by Argo CD at all. */
  SKIP = 'Skip',
}

/** When a hook resource is deleted. */
export enum HookDeletePolicy {
  HOOK_SUCCEEDED = 'HookSucceeded',
  HOOK_FAILED = 'HookFailed',
  BEFORE_HOOK_CREATION = 'BeforeHookCreation',
}

/** The sync-wave annotation. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Argo CD's per-resource sync annotations, on any cdk8s ApiObject or construct whose default child is one
 * (cdk8s-plus constructs included).
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 *
 * @example
 * SyncAnnotations.setWave(database, -1);
 * SyncAnnotations.setHook(migration, SyncHook.PRE_SYNC, [HookDeletePolicy.BEFORE_HOOK_CREATION]);
 */
export class SyncAnnotations {
  /** `argocd.argoproj.io/sync-wave`: lower waves are applied (and must be healthy) first. */
  public static setWave(scope: IConstruct, wave: number): void {
    if (!Number.isInteger(wave)) throw new Error(`SyncAnnotations.setWave 'wave' (${show(wave)}) must be an integer`);
    ApiObject.of(scope).metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
  }

  /** `argocd.argoproj.io/hook` (and `hook-delete-policy`): run the resource as a hook instead of applying it. */
  public static setHook(scope: IConstruct, hook: SyncHook, deletePolicies: HookDeletePolicy[] = []): void {
    const obj = ApiObject.of(scope);
    obj.metadata.addAnnotation('argocd.argoproj.io/hook', hook);
    if (deletePolicies.length) obj.metadata.addAnnotation('argocd.argoproj.io/hook-delete-policy', [...new Set(deletePolicies)].join(','));
  }

  /** `argocd.argoproj.io/sync-options` on one resource, e.g. `SyncOption.PRUNE_DISABLED`. */
  public static setOptions(scope: IConstruct, options: SyncOption[]): void {
    if (!options.length) throw new Error('SyncAnnotations.setOptions needs at least one option');
    ApiObject.of(scope).metadata.addAnnotation('argocd.argoproj.io/sync-options', [...new Set(options.map(o => o.value))].join(','));
  }

  private constructor() {}
}
