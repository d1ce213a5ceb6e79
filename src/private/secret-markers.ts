/**
 * How the tree records what secrets were made for, so that a tree read from disk can be checked on its own.
 */

/** On a SealedSecret: the `SHA256:…` fingerprint of the certificate its values were sealed for. */
export const SEALED_FOR_ANNOTATION = 'fleet.cdk8s.io/sealing-certificate';

/**
 * The age recipients of a SOPS-encrypted document (`sops.age[].recipient` and `sops.key_groups[].age[]`), or
 * undefined when `o` is not one (no `sops` mapping with a `mac`).
 */
export function sopsAgeRecipients(o: any): string[] | undefined {
  const sops = o?.sops;
  if (!sops || typeof sops !== 'object' || Array.isArray(sops) || !('mac' in sops)) return undefined;
  const out = new Set<string>();
  const collect = (keys: any) => {
    if (!Array.isArray(keys)) return;
    for (const k of keys) if (typeof k?.recipient === 'string') out.add(k.recipient.trim());
  };
  collect(sops.age);
  for (const g of Array.isArray(sops.key_groups) ? sops.key_groups : []) collect(g?.age);
  return [...out].sort();
}

/**
 * Whether render must keep an object whole (not only its kind and name) for the secret proof
 * (src/secrets/secret-proofs.ts), which reads stores, references and targets. Here, not there: render needs
 * it on every synth, and the proof's module only when the proofs run.
 */
export function keptWholeForSecretProof(o: any): boolean {
  const apiVersion = String(o?.apiVersion ?? '');
  return apiVersion.startsWith('external-secrets.io/') || apiVersion.startsWith('bitnami.com/')
    || (apiVersion === 'v1' && o.kind === 'Namespace') || sopsAgeRecipients(o) !== undefined
    || (o?.kind === 'Kustomization' && apiVersion.startsWith('kustomize.config.k8s.io/'))
    || (o?.kind === 'ksops' && apiVersion.startsWith('viaduct.ai/'));
}
