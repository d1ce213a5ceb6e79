import { Placement } from '../private/placement';

const PRIVATE_KEY = /-----BEGIN ([A-Z0-9 ]+ )?PRIVATE KEY-----/;
// '-----BEGIN' base64-encoded, at any of the three byte alignments.
const BASE64_PEM = /LS0tLS1CRUdJTi|0tLS0tQkVHSU4|tLS0tLUJFR0lO/;
const SECRET_CONFIG_FIELDS = ['bearerToken', 'password', 'keyData', 'certData'];

/**
 * Refuses objects that would put a secret into Git in plaintext:
 * - any string holding a PEM private key, anywhere in any object;
 * - a v1 Secret with `data` or `stringData` among the workloads (use an External Secrets ExternalSecret);
 * - an Argo CD cluster Secret whose `config` carries a token, password, client certificate or key.
 */
export function secretErrors(json: any, placement: Placement, serialized: string): string[] {
  const errors: string[] = [];
  // One regex pass over the serialized object (every string value appears in it verbatim, or JSON-escaped
  // for non-printable text, which keeps the PEM marker intact); the walk that finds the field runs on a hit.
  if (PRIVATE_KEY.test(serialized) || BASE64_PEM.test(serialized)) {
    const pointer = findPrivateKey(json, '');
    if (pointer !== undefined) errors.push(`${pointer || '/'} holds a PEM private key; private keys must never be written to Git`);
  }
  if (json.apiVersion === 'v1' && json.kind === 'Secret') {
    const isClusterSecret = placement.role === 'argocd' && json.metadata?.labels?.['argocd.argoproj.io/secret-type'] === 'cluster';
    if (isClusterSecret) {
      let config: any = {};
      try {
        config = JSON.parse(json.stringData?.config ?? '{}');
      } catch {
        errors.push("/stringData/config must be JSON (Argo CD's ClusterConfig)");
      }
      const present = SECRET_CONFIG_FIELDS.filter(f => config[f] !== undefined || config.tlsClientConfig?.[f] !== undefined);
      if (present.length || json.data) {
        errors.push(`cluster Secret carries credentials in plaintext (${[...present, ...(json.data ? ['data'] : [])].join(', ')}); use ClusterCredentials.*FromSecretStore()`);
      }
    } else if (hasEntries(json.data) || hasEntries(json.stringData)) {
      errors.push('a Secret with data or stringData would be committed to Git in plaintext; use an External Secrets ExternalSecret (or a SealedSecret) instead');
    }
  }
  return errors;
}

function hasEntries(map: any): boolean {
  return map !== undefined && map !== null && Object.keys(map).length > 0;
}

function findPrivateKey(value: any, pointer: string): string | undefined {
  if (typeof value === 'string') return PRIVATE_KEY.test(value) || (value.length > 40 && PRIVATE_KEY.test(decodeBase64(value))) ? pointer : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = findPrivateKey(v, `${pointer}/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

function decodeBase64(value: string): string {
  if (!/^[A-Za-z0-9+/]+=*$/.test(value)) return '';
  return Buffer.from(value, 'base64').toString('latin1');
}
