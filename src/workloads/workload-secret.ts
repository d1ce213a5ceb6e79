import type { Duration } from 'cdk8s';
import type { ClusterMatch } from './cluster-match';
import type {
  ExternalSecretTemplate, SecretConversionStrategy, SecretDecodingStrategy,
} from '../secrets/external-secret-data';
import type { ISecretStore } from '../secrets/secret-store';

/**
 * One key of a workload secret. `remoteKey` (and `property`, `version`) may name the cluster they are resolved
 * for: `{cluster}`, `{environment}` (the versions file's environment, or the `environment` label), `{region}`
 * (the `region` label) and `{label:<key>}` are replaced per cluster at render time, e.g.
 * `apps/api/{environment}/db`.
 */
export interface WorkloadSecretKey {
  /** The key in the Secret. */
  readonly secretKey: string;
  /** The remote key, with placeholders. */
  readonly remoteKey: string;
  /**
   * The property of a structured value, with placeholders.
   * @default - the whole value
   */
  readonly property?: string;
  /**
   * The provider's version, with placeholders.
   * @default - the latest
   */
  readonly version?: string;
  /** @default - External Secrets' default */
  readonly decodingStrategy?: SecretDecodingStrategy;
  /** @default - External Secrets' default */
  readonly conversionStrategy?: SecretConversionStrategy;
}

/** The store of the clusters an override matches. */
export interface WorkloadSecretStoreOverride {
  /** The clusters. */
  readonly match: ClusterMatch;
  /** Their store. */
  readonly store: ISecretStore;
}

/**
 * A Secret of a workload, written as an External Secrets `ExternalSecret` into each cluster's objects and wired
 * into the pods: environment variables (`secretKeyRef`) and/or a read-only volume of all its keys. Its remote
 * keys and its store may differ per environment, region or cluster; only references reach Git.
 *
 * @example
 * const apiDb: WorkloadSecret = {
 *   secretName: 'api-db',
 *   storeOverrides: [{ match: ClusterMatch.region('us-east-1'), store: awsSecretsManager }],
 *   store: vault,
 *   data: [
 *     { secretKey: 'username', remoteKey: 'apps/api/{environment}/db', property: 'username' },
 *     { secretKey: 'password', remoteKey: 'apps/api/{environment}/db', property: 'password' },
 *   ],
 *   env: { DB_USER: 'username', DB_PASSWORD: 'password' },
 * };
 */
export interface WorkloadSecret {
  /** The Secret's name (and its ExternalSecret's). */
  readonly secretName: string;
  /** The keys. */
  readonly data: WorkloadSecretKey[];
  /**
   * The store, where no override matches.
   * @default - the Fleet's `defaultSecretStore`
   */
  readonly store?: ISecretStore;
  /**
   * Stores per cluster group; the most specific matching override wins (as for workload overrides).
   * @default - none
   */
  readonly storeOverrides?: WorkloadSecretStoreOverride[];
  /**
   * Environment variables set from its keys: variable name → secret key.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Mount all its keys as files in a read-only volume at this path.
   * @default - not mounted
   */
  readonly mountPath?: string;
  /**
   * The containers wired (env and mount).
   * @default - every container and init container
   */
  readonly containers?: string[];
  /**
   * The clusters that get the secret (and its wiring): those any of these selects.
   * @default - every cluster of the workload
   */
  readonly matches?: ClusterMatch[];
  /**
   * How often External Secrets reads the values again.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
  /**
   * The Secret's blueprint (type, labels, data templates).
   * @default - the fetched keys as they are
   */
  readonly template?: ExternalSecretTemplate;
}
