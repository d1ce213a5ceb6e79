/**
 * The kind of an External Secrets store.
 * @see https://external-secrets.io/latest/api/secretstore/
 */
export enum SecretStoreKind {
  /** A namespaced `SecretStore`: it must live in the namespace of the ExternalSecret that uses it. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/**
 * An External Secrets store (SecretStore or ClusterSecretStore) that ExternalSecrets can read from.
 * Constructs that create stores implement it; `SecretStoreReference` refers to a store managed elsewhere.
 */
export interface ISecretStore {
  /** The store's `metadata.name`. */
  readonly storeName: string;
  /** Whether it is a SecretStore or a ClusterSecretStore. */
  readonly storeKind: SecretStoreKind;
}

/**
 * A reference to a secret store that already exists on the cluster (installed by the platform, not by this
 * program).
 *
 * @example
 * const vault = SecretStoreReference.clusterSecretStore('vault');
 */
export class SecretStoreReference implements ISecretStore {
  /** A `ClusterSecretStore` by name. */
  public static clusterSecretStore(storeName: string): SecretStoreReference {
    return new SecretStoreReference(storeName, SecretStoreKind.CLUSTER_SECRET_STORE);
  }

  /** A namespaced `SecretStore` by name (it must be in the Argo CD namespace to back cluster credentials). */
  public static secretStore(storeName: string): SecretStoreReference {
    return new SecretStoreReference(storeName, SecretStoreKind.SECRET_STORE);
  }

  private constructor(public readonly storeName: string, public readonly storeKind: SecretStoreKind) {
    if (!storeName || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(storeName) || storeName.length > 253) {
      throw new Error(`SecretStoreReference 'storeName' ('${storeName}') must be a valid DNS-1123 subdomain`);
    }
  }
}
