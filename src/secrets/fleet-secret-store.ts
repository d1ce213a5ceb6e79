import { Construct } from 'constructs';
import { ClusterSecretStore, ClusterSecretStoreCondition } from './cluster-secret-store';
import { ISecretStore, SecretStore, SecretStoreKind, SecretStoreOptions } from './secret-store';
import type { IAppProject } from '../argocd/app-project';
import type { LabelSelectorRequirement } from '../argocd/generators';
import type { SyncPolicy } from '../argocd/sync-policy';
import type { ICluster } from '../fleet/cluster';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';
import { metadataErrors, renderStoreSpec } from '../private/secret-store-spec';
import { Workload } from '../workloads/workload';

/** Props for `FleetSecretStore`. */
export interface FleetSecretStoreProps extends SecretStoreOptions {
  /** The store's name on every cluster (what ExternalSecrets reference). */
  readonly storeName: string;
  /**
   * A ClusterSecretStore (any admitted namespace may use it) or a namespaced SecretStore.
   * @default SecretStoreKind.CLUSTER_SECRET_STORE
   */
  readonly kind?: SecretStoreKind;
  /**
   * For a SecretStore, its namespace (which must exist: it is not created); for a ClusterSecretStore, the
   * destination namespace of the Applications that deploy it.
   * @default 'external-secrets'
   */
  readonly namespace?: string;
  /**
   * Which namespaces may use a ClusterSecretStore.
   * @default - every namespace
   */
  readonly conditions?: ClusterSecretStoreCondition[];
  /**
   * The clusters that get the store: those whose labels have all these values.
   * @default - no label condition
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * The clusters that get the store: those that meet all these requirements.
   * @default - no expression condition
   */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * The project of the Applications that deploy it (a platform project: a ClusterSecretStore is cluster-scoped).
   * @default - a project of its own that allows exactly the store
   */
  readonly project?: IAppProject;
  /**
   * The sync policy of those Applications.
   * @default - manual sync
   */
  readonly syncPolicy?: SyncPolicy;
  /**
   * The application name (ApplicationSet, project and Applications' prefix).
   * @default - `secret-store-<storeName>`
   */
  readonly applicationName?: string;
}

/**
 * An External Secrets store deployed to every cluster a selector picks: a Workload of its own (an ApplicationSet
 * with a cluster generator) whose objects are the store. Pass it as the `store` of ExternalSecrets; the fleet
 * proofs check that each ExternalSecret lands on a cluster that gets the store.
 *
 * @example
 * const vault = new FleetSecretStore(fleet, 'Vault', {
 *   storeName: 'vault',
 *   matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['staging', 'production'] }],
 *   provider: SecretStoreProvider.vault({
 *     server: 'https://vault.acme.io:8200', path: 'secret',
 *     auth: VaultAuth.kubernetes({ role: 'external-secrets', serviceAccount: { name: 'external-secrets', namespace: 'external-secrets' } }),
 *   }),
 *   project: platform,
 * });
 */
export class FleetSecretStore extends Construct implements ISecretStore {
  public readonly storeName: string;
  public readonly storeKind: SecretStoreKind;
  /** The workload that deploys it. */
  public readonly workload: Workload;

  public constructor(scope: Construct, id: string, props: FleetSecretStoreProps) {
    super(scope, id);
    this.storeName = props.storeName;
    this.storeKind = props.kind ?? SecretStoreKind.CLUSTER_SECRET_STORE;
    const namespace = props.namespace ?? 'external-secrets';
    const isCluster = this.storeKind === SecretStoreKind.CLUSTER_SECRET_STORE;
    const { errors } = renderStoreSpec(this.storeKind, props, isCluster ? undefined : namespace, isCluster ? props.conditions ?? [] : []);
    errors.push(...metadataErrors(props));
    errors.push(...dns1123SubdomainErrors(props.storeName).map(e => `'storeName' (${show(props.storeName)}) ${e}`));
    errors.push(...dns1123LabelErrors(namespace).map(e => `'namespace' (${show(namespace)}) ${e}`));
    if (!isCluster && props.conditions?.length) errors.push("'conditions' apply to a ClusterSecretStore only");
    throwIfInvalid(this, 'FleetSecretStore', errors);
    this.workload = new Workload(this, 'Workload', {
      applicationName: props.applicationName ?? `secret-store-${props.storeName}`,
      namespace,
      // The namespace belongs to External Secrets' own installation (or, for a SecretStore, to its workload).
      manageNamespace: false,
      matchLabels: props.matchLabels,
      matchExpressions: props.matchExpressions,
      project: props.project,
      syncPolicy: props.syncPolicy,
      definition: {
        define: (chart: Construct) => {
          if (isCluster) new ClusterSecretStore(chart, 'Store', { ...props, conditions: props.conditions });
          else new SecretStore(chart, 'Store', { ...props, namespace });
        },
      },
    });
  }

  /** The clusters that get the store. */
  public get clusters(): ICluster[] {
    return this.workload.clusters;
  }
}
