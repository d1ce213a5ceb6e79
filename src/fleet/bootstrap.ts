import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import type { Fleet } from './fleet';
import { SYNC_IMPERSONATION_ANNOTATION, SyncImpersonation } from './sync-impersonation';
import { SyncOption, SyncPolicy } from '../argocd/sync-policy';
import { argoChart } from '../private/argo-chart';
import { show, throwIfInvalid } from '../private/errors';
import { argocdL1 } from '../private/lazy';
import { dns1123SubdomainErrors } from '../private/names';
import { definePlacement } from '../private/placement';

/** Options for the fleet's root App-of-Apps Application. */
export interface BootstrapOptions {
  /**
   * The root Application's name.
   * @default - `<fleetName>-root`
   */
  readonly applicationName?: string;
  /**
   * The project of the root Application. It must allow the fleet repository and the in-cluster destination.
   * @default 'default'
   */
  readonly projectName?: string;
  /**
   * The root Application's sync policy.
   * @default - automated with prune and selfHeal, server-side apply
   */
  readonly syncPolicy?: SyncPolicy;
}

/**
 * The fleet's root App-of-Apps: an Application on the hub cluster that syncs the fleet's Argo CD folder
 * (`argocd/<fleet>`: projects, cluster Secrets, ApplicationSets and Applications). Apply its file once with
 * `kubectl apply -n <argocd> -f bootstrap/Application.<name>.yaml`; from then on pushing the tree is the only step.
 */
export class Bootstrap extends Construct {
  /** The root Application's name. */
  public readonly applicationName: string;
  /** The file to apply once, relative to the tree root. */
  public readonly fileName: string;
  /**
   * The generated API object (an `argoproj.io/v1alpha1` L1 from the pinned CRD, typed as its base class: the
   * generated L1 classes are not part of this library's API). Use `addJsonPatch()` for fields the props lack.
   */
  public readonly apiObject: ApiObject;

  public constructor(scope: Fleet, id: string, options: BootstrapOptions) {
    super(scope, id);
    const fleet = scope;
    this.applicationName = options.applicationName ?? `${fleet.fleetName}-root`;
    throwIfInvalid(this, 'Bootstrap',
      dns1123SubdomainErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) ${e}`));
    this.fileName = `bootstrap/Application.${this.applicationName}.yaml`;
    definePlacement(this, () => ({ directory: 'bootstrap', role: 'bootstrap' }));
    const syncPolicy = options.syncPolicy ?? SyncPolicy.automated({
      prune: true,
      selfHeal: true,
      // Argo CD's own CRDs (and any object above 256 KiB) need server-side apply.
      syncOptions: [SyncOption.SERVER_SIDE_APPLY],
    });
    this.apiObject = new (argocdL1().Application)(argoChart(this, fleet.argocdNamespace), 'Resource', {
      metadata: {
        name: this.applicationName,
        namespace: fleet.argocdNamespace,
        // (the setting, for the proofs of a tree read from disk)
        annotations: fleet.syncImpersonation === SyncImpersonation.DISABLED
          ? undefined : { [SYNC_IMPERSONATION_ANNOTATION]: fleet.syncImpersonation },
      },
      spec: Lazy.any({
        produce: () => ({
          project: options.projectName ?? 'default',
          source: { repoUrl: fleet.repoUrl, targetRevision: fleet.targetRevision, path: fleet.argocdDirectory, directory: { recurse: true } },
          destination: { server: 'https://kubernetes.default.svc', namespace: fleet.argocdNamespace },
          syncPolicy: syncPolicy._toKube(),
        }),
      }) as any,
    });
    this.node.defaultChild = this.apiObject;
  }
}
