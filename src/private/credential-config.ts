import { Duration } from 'cdk8s';
import { ISecretStore } from '../secrets/secret-store';

/** A value the ExternalSecret pulls from the store, and how the cluster `config` uses it. */
export interface CredentialReference {
  /** The key in the ExternalSecret's `data[].secretKey` and in its template context. */
  readonly secretKey: string;
  /** `remoteRef.property`. */
  readonly property: string;
  /** The `ClusterConfig` JSON path it fills. */
  readonly configPath: string[];
  /** A Go template (External Secrets `engineVersion: v2`) that turns the fetched value into the JSON value. */
  readonly template: string;
}

/** What a credential contributes to the cluster Secret. */
export interface CredentialConfig {
  /** The non-secret part of Argo CD's `ClusterConfig` JSON. */
  readonly config: Record<string, any>;
  /** The secret parts, fetched at runtime by an External Secrets `ExternalSecret`. */
  readonly fromStore?: {
    /** The store; undefined: the Fleet's default store. */
    readonly store?: ISecretStore;
    readonly remoteKey: string;
    readonly refreshInterval: Duration;
    readonly references: CredentialReference[];
  };
  /** The API server URL implied by the credential (in-cluster only). */
  readonly impliedServer?: string;
}

