import { FieldChange, PathSegment } from './object-diff';
import { scanDocument } from '../secrets/scanner';

/**
 * What `cdk8s-fleet diff` never prints: the values of a Secret's `data` and `stringData`, a SealedSecret's
 * ciphertext, values under keys that look like credentials (`DB_PASSWORD`, `apiKey`, `clientSecret`, …, in any
 * map or as the name of an `env` entry), URLs with a password in them, and any value the secret scanner
 * (`secrets/scanner.ts`) flags. Such a change is reported with its path and `hidden: true`, without `before` or
 * `after`; inside an added or removed subtree, each hidden leaf is replaced by `HIDDEN`.
 */

/** What stands in for a hidden value inside a shown subtree. */
export const HIDDEN = '(value hidden)';
/** What stands in for the value of a credential line inside a shown text (a mask the scanner knows as one). */
const LINE_HIDDEN = '*** (value hidden)';

/** A field change as the diff reports it, secrets redacted. */
export interface ShownFieldChange extends FieldChange {
  /** The value is a secret: `before` and `after` are left out. */
  readonly hidden?: boolean;
}

/** Which object a change belongs to (the rules depend on its kind). */
export interface RedactionContext {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** The object's labels (an Argo CD cluster Secret is recognised by its `secret-type` label). */
  readonly labels?: Record<string, unknown>;
}

/**
 * Whether the secret scanner flags this value. The one place the diff calls the scanner: rewire it here when
 * the scanner's entry point changes.
 */
export function scannerFlags(value: string): boolean {
  return scanDocument({ value }, { role: 'workload' }).length > 0;
}

/** Field changes with every secret value hidden. */
export function redactChanges(changes: readonly FieldChange[], context: RedactionContext): ShownFieldChange[] {
  return changes.map(c => redactChange(c, context));
}

function redactChange(c: FieldChange, context: RedactionContext): ShownFieldChange {
  if (c.change === 'reordered') return c;
  if (isSecretPath(c.path, context)) return { path: c.path, change: c.change, hidden: true };
  const texts = typeof c.before === 'string' && typeof c.after === 'string' ? redactTexts(c.before, c.after) : undefined;
  const before = texts ? texts[0] : redactValue(c.before, c.path, context);
  const after = texts ? texts[1] : redactValue(c.after, c.path, context);
  if (before === HIDDEN || after === HIDDEN) return { path: c.path, change: c.change, hidden: true };
  const out: ShownFieldChange = { path: c.path, change: c.change };
  if (c.before !== undefined) (out as any).before = before;
  if (c.after !== undefined) (out as any).after = after;
  return out;
}

/** The value with each secret leaf replaced by `HIDDEN` (the value itself when nothing is hidden). */
function redactValue(value: unknown, path: readonly PathSegment[], context: RedactionContext): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value.map((v, i) => redactValue(v, [...path, envName(path, v) ?? i], context));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = [...path, k];
    out[k] = v !== null && typeof v === 'object' ? redactValue(v, sub, context) : isSecretPath(sub, context) ? HIDDEN : redactValue(v, sub, context);
    if (out[k] !== v) changed = true;
  }
  return changed ? out : value;
}

/** An `env` entry is named by its `name`: `env[DB_PASSWORD].value` is a credential. */
function envName(path: readonly PathSegment[], item: unknown): PathSegment | undefined {
  const field = path[path.length - 1];
  const name = (item as any)?.name;
  return field === 'env' && typeof name === 'string' ? { key: 'name', value: name } : undefined;
}

const CREDENTIAL_KEY = /pass(word|wd|phrase)|^pwd$|[-_.]pwd$|secret|token|api[-_.]?key|credential|private[-_.]?key|access[-_.]?key|signing[-_.]?key|encryption[-_.]?key|session[-_.]?key|bearer|connection[-_.]?string|^dsn$|[-_.]dsn$|authorization/i;

/**
 * Kubernetes and Argo CD fields whose names contain a credential word but whose values are references or
 * switches, never credentials (`secretName`, `secretKeyRef`, `automountServiceAccountToken`, …).
 */
const REFERENCE_FIELDS = new Set([
  'secret', 'secrets', 'secretName', 'secretKey', 'imagePullSecrets', 'automountServiceAccountToken', 'serviceAccountToken',
  'expirationSeconds', 'secretStoreRef', 'secretRef', 'secretKeyRef', 'tokenSecretRef',
]);

/** Argo CD cluster Secret keys that hold no credential (`config` does and stays hidden). */
const CLUSTER_SECRET_PUBLIC = new Set(['name', 'server', 'shard', 'project', 'namespaces', 'clusterResources']);

function isSecretPath(path: readonly PathSegment[], context: RedactionContext): boolean {
  const top = path[0];
  if (context.kind === 'Secret' && context.apiVersion === 'v1' && (top === 'data' || top === 'stringData')) {
    const isCluster = context.labels?.['argocd.argoproj.io/secret-type'] === 'cluster';
    return !(isCluster && top === 'stringData' && path.length === 2 && CLUSTER_SECRET_PUBLIC.has(String(path[1])));
  }
  if (context.kind === 'SealedSecret' && top === 'spec' && path[1] === 'encryptedData') return true;
  for (let i = 0; i < path.length; i++) {
    const s = path[i];
    if (typeof s === 'string' && looksLikeCredential(s)) return true;
    // env[DB_PASSWORD].value: the entry's name says what its value is (its name and a `valueFrom` reference,
    // which names a Secret and a key but holds no value, are shown).
    if (typeof s === 'object' && path[i - 1] === 'env' && typeof s.value === 'string' && looksLikeCredential(s.value)
      && path[i + 1] === 'value') return true;
  }
  return false;
}

function looksLikeCredential(key: string): boolean {
  if (REFERENCE_FIELDS.has(key) || /(Ref|Refs|Name|Names|Selector)$/.test(key)) return false;
  return CREDENTIAL_KEY.test(key);
}

/**
 * A string with its secrets hidden: `HIDDEN` for a value the scanner flags, a URL carrying a password or a
 * one-line `password=…` assignment; in a multi-line text (a config file in a ConfigMap), each line that assigns
 * a credential keeps its key and loses its value.
 */
function redactString(value: string, other?: ReadonlySet<string>, mark = LINE_HIDDEN): string {
  if (URL_WITH_PASSWORD.test(value)) return HIDDEN;
  if (!value.includes('\n')) return CREDENTIAL_ASSIGNMENT.test(value) || scannerFlags(value) ? HIDDEN : value;
  let changed = false;
  const lines = value.split('\n').map(line => {
    const m = CREDENTIAL_ASSIGNMENT.exec(line);
    if (!m) return line;
    changed = true;
    // A line whose value changed says so, or the line diff would show nothing for it.
    return `${line.slice(0, m.index + m[0].length - 1)}${other && !other.has(line) ? mark : LINE_HIDDEN}`;
  });
  const shown = changed ? lines.join('\n') : value;
  // What is left after the credential lines are masked must pass the scanner, or the whole text is hidden.
  return scannerFlags(shown) ? HIDDEN : shown;
}

/** Two versions of a text, redacted so that a changed secret line still shows as changed. */
function redactTexts(before: string, after: string): [string, string] {
  const b = new Set(before.split('\n'));
  const a = new Set(after.split('\n'));
  return [redactString(before, a, '*** (old value hidden)'), redactString(after, b, '*** (new value hidden)')];
}

const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
/**
 * `password=…`, `api_key: …`, `"token":"…"`, `--db-token=…`: a credential-looking key given a value (the match
 * ends at the value's first character). A colon assigns only when a space follows it or a quote precedes it, as
 * in YAML and JSON: `system:serviceaccount:external-secrets:external-secrets` names an account, it assigns nothing.
 */
const CREDENTIAL_ASSIGNMENT = /(pass(word|wd|phrase)|\bpwd|secret|token|api[-_.]?key|credential|private[-_.]?key|access[-_.]?key)[\w.-]*(?:["']?\s*=|["']\s*:|\s*:\s)\s*["']?[^\s"']/i;
