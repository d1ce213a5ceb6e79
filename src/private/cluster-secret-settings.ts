/**
 * What a cluster records about secrets on its Argo CD cluster Secret, so that the fleet proofs can check a
 * synthesized tree on its own (at synth and in `cdk8s-fleet validate`): the External Secrets stores installed on
 * it outside this program, the fingerprints of its Sealed Secrets certificates, and its SOPS age recipient.
 */
import { IConstruct } from 'constructs';
import { show } from './errors';
import type { ICluster } from '../fleet/cluster';
import type { SealingCertificate } from '../secrets/sealing-certificate';
import type { ISecretStore } from '../secrets/secret-store';

/** `<Kind>/<name>` of ClusterSecretStores and `SecretStore/<namespace>/<name>` of SecretStores, comma-separated. */
export const SECRET_STORES_ANNOTATION = 'fleet.cdk8s.io/secret-stores';
/** The `SHA256:…` fingerprints of the keys the cluster's Sealed Secrets controller holds, comma-separated. */
export const SEALING_CERTIFICATES_ANNOTATION = 'fleet.cdk8s.io/sealing-certificates';
/** The cluster's SOPS age recipient. */
export const SOPS_AGE_RECIPIENT_ANNOTATION = 'fleet.cdk8s.io/sops-age-recipient';

/** An age X25519 recipient: `age1` and 58 bech32 characters. */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

/** The secret settings of ClusterOptions. */
interface SecretSettings {
  readonly secretStores?: ReadonlyArray<ISecretStore & { readonly namespace?: string }>;
  readonly sealingCertificate?: SealingCertificate;
  readonly additionalSealingCertificates?: SealingCertificate[];
  readonly sopsAgeRecipient?: string;
}

/** A store declared as installed on the clusters a predicate selects (`PreinstalledSecretStore`). */
export interface StoreDeclaration {
  readonly store: ISecretStore;
  readonly namespaces: readonly string[];
  readonly selects: (cluster: ICluster) => boolean;
}

const declarations = new WeakMap<IConstruct, StoreDeclaration[]>();

/** Records a declaration for the clusters of `fleet`. */
export function declareStore(fleet: IConstruct, declaration: StoreDeclaration): void {
  const list = declarations.get(fleet) ?? [];
  list.push(declaration);
  declarations.set(fleet, list);
}

/** Problems of a cluster's secret settings. */
export function secretSettingErrors(props: SecretSettings): string[] {
  const errors: string[] = [];
  if (props.sopsAgeRecipient !== undefined && !AGE_RECIPIENT.test(props.sopsAgeRecipient)) {
    errors.push(`'sopsAgeRecipient' (${show(props.sopsAgeRecipient)}) must be an age X25519 recipient (age1…, as age-keygen -y prints it)`);
  }
  (props.secretStores ?? []).forEach((s, i) => {
    if (s.storeKind === 'SecretStore' && !s.namespace) {
      errors.push(`'secretStores[${i}]' (SecretStore ${show(s.storeName)}) needs its namespace: SecretStoreReference.secretStore(name, namespace)`);
    }
  });
  return errors;
}

/**
 * The annotations a cluster Secret carries for its secret settings. With `allKeys`, every key that may appear
 * (values are placeholders), so that the cluster can register lazy annotations for them.
 */
export function clusterSecretAnnotations(cluster: ICluster & IConstruct, props: SecretSettings, allKeys = false): Record<string, string> {
  if (allKeys) return { [SECRET_STORES_ANNOTATION]: '', [SEALING_CERTIFICATES_ANNOTATION]: '', [SOPS_AGE_RECIPIENT_ANNOTATION]: '' };
  const out: Record<string, string> = {};
  const stores = new Set<string>();
  for (const s of props.secretStores ?? []) stores.add(storeKey(s.storeKind, s.storeName, s.namespace));
  for (const d of declarations.get(cluster.fleet) ?? []) {
    if (!d.selects(cluster)) continue;
    if (d.store.storeKind === 'ClusterSecretStore') stores.add(storeKey(d.store.storeKind, d.store.storeName));
    else for (const ns of d.namespaces) stores.add(storeKey(d.store.storeKind, d.store.storeName, ns));
  }
  if (stores.size) out[SECRET_STORES_ANNOTATION] = [...stores].sort().join(',');
  const certificates = [props.sealingCertificate, ...props.additionalSealingCertificates ?? []]
    .filter((c): c is SealingCertificate => c !== undefined);
  if (certificates.length) out[SEALING_CERTIFICATES_ANNOTATION] = [...new Set(certificates.map(c => c.fingerprint))].join(',');
  if (props.sopsAgeRecipient) out[SOPS_AGE_RECIPIENT_ANNOTATION] = props.sopsAgeRecipient;
  return out;
}

/** `ClusterSecretStore/<name>` or `SecretStore/<namespace>/<name>`. */
export function storeKey(kind: string, name: string, namespace?: string): string {
  return kind === 'ClusterSecretStore' ? `${kind}/${name}` : `${kind}/${namespace ?? ''}/${name}`;
}
