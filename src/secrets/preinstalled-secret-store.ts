import { Construct } from 'constructs';
import { SecretStoreKind, SecretStoreReference } from './secret-store';
import type { LabelSelectorRequirement } from '../argocd/generators';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { declareStore } from '../private/cluster-secret-settings';
import { selectClusters } from '../private/cluster-selection';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, labelMapErrors } from '../private/names';

/** Props for `PreinstalledSecretStore`. */
export interface PreinstalledSecretStoreProps {
  /** The store, installed outside this program. */
  readonly store: SecretStoreReference;
  /**
   * For a SecretStore: the namespaces it is installed in.
   * @default - the namespace of the reference (`SecretStoreReference.secretStore(name, namespace)`)
   */
  readonly namespaces?: string[];
  /**
   * The clusters that have it: explicitly.
   * @default - the clusters `matchLabels`/`matchExpressions` select (every cluster when neither is given)
   */
  readonly clusters?: ICluster[];
  /**
   * The clusters that have it: those whose labels have all these values.
   * @default - no label condition
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * The clusters that have it: those that meet all these requirements.
   * @default - no expression condition
   */
  readonly matchExpressions?: LabelSelectorRequirement[];
}

/**
 * Declares that an External Secrets store exists on a set of clusters, installed outside this program (with
 * External Secrets itself, by Terraform …). The declaration is recorded on each cluster's Secret (annotation
 * `fleet.cdk8s.io/secret-stores`) so that the fleet proofs, at synth and in `cdk8s-fleet validate`, accept
 * ExternalSecrets that use it there, and only there.
 *
 * @example
 * new PreinstalledSecretStore(fleet, 'Vault', { store: SecretStoreReference.clusterSecretStore('vault'), matchLabels: { environment: 'management' } });
 */
export class PreinstalledSecretStore extends Construct {
  /** The store. */
  public readonly store: SecretStoreReference;

  public constructor(scope: Construct, id: string, props: PreinstalledSecretStoreProps) {
    super(scope, id);
    const fleet = Fleet.of(this);
    this.store = props.store;
    const namespaces = props.namespaces ?? (props.store?.namespace ? [props.store.namespace] : []);
    const errors: string[] = [];
    if (!props.store) errors.push("'store' is required");
    if (props.store?.storeKind === SecretStoreKind.SECRET_STORE && namespaces.length === 0) {
      errors.push(`'namespaces' is required for SecretStore ${show(props.store.storeName)}: say which namespaces have it`);
    }
    if (props.store?.storeKind === SecretStoreKind.CLUSTER_SECRET_STORE && props.namespaces?.length) {
      errors.push("'namespaces' applies to a SecretStore only (a ClusterSecretStore is cluster-wide)");
    }
    for (const ns of namespaces) errors.push(...dns1123LabelErrors(ns).map(e => `'namespaces' entry ${show(ns)} ${e}`));
    errors.push(...labelMapErrors('matchLabels', props.matchLabels));
    if (props.clusters && (props.matchLabels || props.matchExpressions)) errors.push("give 'clusters' or a selector ('matchLabels', 'matchExpressions'), not both");
    throwIfInvalid(this, 'PreinstalledSecretStore', errors);
    const explicit = props.clusters ? new Set(props.clusters.map(c => c.clusterName)) : undefined;
    declareStore(fleet, {
      store: props.store,
      namespaces,
      selects: cluster => (explicit
        ? explicit.has(cluster.clusterName)
        : selectClusters([cluster], props.matchLabels, props.matchExpressions).length === 1),
    });
  }
}
