/**
 * What the secret scanner knows about kinds: where a Kubernetes, Argo CD, External Secrets or Sealed Secrets
 * object keeps plaintext (a Secret's data, a template's literals, a fake store's values) and where it keeps
 * ciphertext that looks random but is safe (a SealedSecret's `encryptedData`).
 */
import { splitTemplate, trimPunctuation } from './scanner-rules';
import { classifyKey, isKnownSafe, isSecretLiteral, isSopsValue, KeyClass } from './scanner-values';
import { groupOf } from '../private/kinds';
import { jsonPointerToken, pushAll } from '../private/util';

/** How a kind policy reports. */
export interface KindReporter {
  /** A finding at `pointer` (JSON pointer in the object). */
  finding(rule: string, pointer: string, what: string): void;
  /** Runs the generic string scan on a value, without the key-name rule (the policy judged the key). */
  scanString(value: string, pointer: string): void;
}

/** The keys of an Argo CD cluster Secret (argo-cd v3.5.1 `pkg/db/cluster.go` secretToCluster). */
const CLUSTER_SECRET_KEYS = new Set(['name', 'server', 'config', 'namespaces', 'clusterResources', 'project', 'shard']);
/** Credentials inside a cluster Secret's `config` (Argo CD `ClusterConfig`, `TLSClientConfig`). */
const CLUSTER_CONFIG_CREDENTIALS = ['bearerToken', 'password', 'keyData', 'certData'];
/**
 * The keys of an Argo CD repository / repo-creds Secret that are not credentials (argo-cd v3.5.1
 * `util/db/secrets.go` secretToRepository / secretToRepoCred; docs "Declarative Setup", Repositories): such a
 * Secret may name a public repository. `password`, `sshPrivateKey`, `tlsClientCertKey`, `githubAppPrivateKey`,
 * `gcpServiceAccountKey`, `bearerToken` are credentials and are refused.
 */
const REPOSITORY_SECRET_KEYS = new Set([
  'url', 'type', 'name', 'project', 'enableOCI', 'insecure', 'insecureIgnoreHostKey', 'insecureOCIForceHttp', 'enableLfs',
  'proxy', 'noProxy', 'forceHttpBasicAuth', 'githubAppID', 'githubAppInstallationID', 'githubAppEnterpriseBaseUrl',
  'useAzureWorkloadIdentity', 'username', 'depth',
]);
const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
const ADVICE_SECRET = 'use an External Secrets ExternalSecret, a SealedSecret or a SOPS-encrypted file instead';

/**
 * Applies the kind's policy to a whole object and returns the pointers the generic walk must not enter (values
 * the policy reported, ciphertext). `role` is where the object is placed (`argocd`, `bootstrap`, `workload`).
 */
export function applyKindPolicy(json: any, role: string | undefined, report: KindReporter): Set<string> {
  const skip = new Set<string>();
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return skip;
  const group = typeof json.apiVersion === 'string' ? groupOf(json.apiVersion) : '';
  if (json.apiVersion === 'v1' && json.kind === 'Secret') {
    secretPolicy(json, role, report, skip);
  } else if (group === 'external-secrets.io' && (json.kind === 'ExternalSecret' || json.kind === 'ClusterExternalSecret')) {
    const base = json.kind === 'ExternalSecret' ? '/spec' : '/spec/externalSecretSpec';
    const spec = json.kind === 'ExternalSecret' ? json.spec : json.spec?.externalSecretSpec;
    templateDataPolicy(spec?.target?.template?.data, `${base}/target/template/data`, 'the ExternalSecret', report, skip);
    // `data[].secretKey` names a key of the Secret it creates (External Secrets v2.9.0 ExternalSecretData).
    if (Array.isArray(spec?.data)) spec.data.forEach((_: unknown, i: number) => skip.add(`${base}/data/${i}/secretKey`));
  } else if (group === 'external-secrets.io' && (json.kind === 'SecretStore' || json.kind === 'ClusterSecretStore')) {
    fakeProviderPolicy(json.spec?.provider?.fake, report, skip);
  } else if (group === 'bitnami.com' && json.kind === 'SealedSecret') {
    // Sealed Secrets v0.36.6: `encryptedData` (and the deprecated `data`) are RSA-OAEP + AES-GCM ciphertext.
    skip.add('/spec/encryptedData');
    skip.add('/spec/data');
    templateDataPolicy(json.spec?.template?.data, '/spec/template/data', 'the SealedSecret', report, skip);
  }
  return skip;
}

function secretPolicy(json: any, role: string | undefined, report: KindReporter, skip: Set<string>): void {
  const data = entries(json.data);
  const stringData = entries(json.stringData);
  if (data.length === 0 && stringData.length === 0) return;
  // A SOPS-encrypted Secret manifest (SOPS `stores/stores.go`: a top-level `sops` with a `mac`) whose every value
  // is `ENC[…]` holds no plaintext.
  if (json.sops && typeof json.sops === 'object' && [...data, ...stringData].every(([, v]) => v === '' || (typeof v === 'string' && isSopsValue(v)))) return;
  const type = json.metadata?.labels?.[SECRET_TYPE_LABEL];
  if (role !== 'workload' && type === 'cluster') {
    skip.add('/data');
    const found: string[] = [];
    if (data.length) pushAll(found, data.map(([k]) => `data.${k}`));
    for (const [k] of stringData) if (!CLUSTER_SECRET_KEYS.has(k)) found.push(`stringData.${k}`);
    const config = json.stringData?.config;
    if (config !== undefined) {
      let parsed: any;
      try {
        parsed = typeof config === 'string' ? JSON.parse(config) : undefined;
      } catch {
        parsed = undefined;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        report.finding('kubernetes-secret', '/stringData/config', "must be JSON (Argo CD's ClusterConfig)");
        skip.add('/stringData/config');
      } else {
        const present = CLUSTER_CONFIG_CREDENTIALS.filter(f => parsed[f] !== undefined || parsed.tlsClientConfig?.[f] !== undefined);
        if (present.length) {
          pushAll(found, present);
          skip.add('/stringData/config');
        }
      }
    }
    if (found.length) {
      report.finding('kubernetes-secret', '', `cluster Secret carries credentials in plaintext (${found.join(', ')}); use ClusterCredentials.*FromSecretStore()`);
      for (const [k] of stringData) if (!CLUSTER_SECRET_KEYS.has(k)) skip.add(`/stringData/${jsonPointerToken(k)}`);
    }
    return;
  }
  if (role !== 'workload' && (type === 'repository' || type === 'repo-creds' || type === 'repository-write' || type === 'repo-write-creds')) {
    skip.add('/data');
    const found = [...data.map(([k]) => `data.${k}`), ...stringData.filter(([k]) => !REPOSITORY_SECRET_KEYS.has(k)).map(([k]) => `stringData.${k}`)];
    if (found.length) {
      report.finding('kubernetes-secret', '', `Argo CD ${type} Secret carries credentials in plaintext (${found.join(', ')}); ${ADVICE_SECRET}`);
      for (const [k] of stringData) if (!REPOSITORY_SECRET_KEYS.has(k)) skip.add(`/stringData/${jsonPointerToken(k)}`);
    }
    return;
  }
  skip.add('/data');
  skip.add('/stringData');
  const keys = [...data.map(([k]) => `data.${k}`), ...stringData.map(([k]) => `stringData.${k}`)];
  report.finding('kubernetes-secret', '', `a Secret with data or stringData would be committed to Git in plaintext (${keys.join(', ')}); ${ADVICE_SECRET}`);
}

/**
 * A template's `data` renders into the Secret: a literal under a secret key is plaintext in Git. External
 * Secrets v2.9.0 and Sealed Secrets v0.36.6 both render it with Go text/template, so `{{ .password }}` (or
 * `{{ index . "password" }}`) is a reference, and text outside `{{ }}` is literal.
 */
function templateDataPolicy(data: unknown, base: string, owner: string, report: KindReporter, skip: Set<string>): void {
  for (const [key, value] of entries(data)) {
    if (typeof value !== 'string') continue;
    const pointer = `${base}/${jsonPointerToken(key)}`;
    skip.add(pointer);
    report.scanString(value, pointer);
    const keyClass = classifyKey(key);
    if (keyClass === undefined) continue;
    const literal = templateLiteral(value, keyClass);
    if (literal !== undefined) {
      report.finding('secret-template-literal', pointer,
        `is a literal ${keyClass === KeyClass.PASSWORD ? 'password' : 'secret'} in the template of the Secret ${owner} creates (${literal.length} chars); take it from the store with a reference such as '{{ .${templateName(key)} }}'`);
    }
  }
}

/** The literal part of a template value that is a secret, if any: text outside `{{ }}`, or a string inside one. */
function templateLiteral(value: string, keyClass: KeyClass): string | undefined {
  if (value.length > 4096) return undefined; // a document: its formats and lines are scanned as text
  if (!value.includes('{{')) return isSecretLiteral(value, keyClass) ? value : undefined;
  const { outside, actions } = splitTemplate(value);
  const literal = outside.trim();
  if (literal && isSecretLiteral(trimPunctuation(literal), KeyClass.SECRET)) return literal;
  for (const action of actions) {
    for (const quoted of action.match(/"(?:[^"\\]|\\.)*"|`[^`]*`/g) ?? []) {
      const text = quoted.slice(1, -1);
      if (/%[-+# 0]*\d*[sdvqx]/.test(text) || isKnownSafe(text)) continue; // printf formats, names
      if (classifyKey(text) === undefined && isSecretLiteral(text, keyClass)) return text;
    }
  }
  return undefined;
}

/** External Secrets' `fake` provider (docs/provider/fake.md) serves the literal values written in the store. */
function fakeProviderPolicy(fake: any, report: KindReporter, skip: Set<string>): void {
  if (!fake || !Array.isArray(fake.data)) return;
  fake.data.forEach((entry: any, i: number) => {
    if (entry?.value === undefined && entry?.valueMap === undefined) return;
    const pointer = `/spec/provider/fake/data/${i}`;
    skip.add(pointer);
    report.finding('secret-template-literal', pointer, `is a value of External Secrets' fake provider, written to Git in plaintext; ${ADVICE_SECRET}`);
  });
}

function entries(map: unknown): Array<[string, unknown]> {
  return map !== null && typeof map === 'object' && !Array.isArray(map) ? Object.entries(map) : [];
}

function templateName(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? key : 'key';
}
