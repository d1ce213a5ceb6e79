/**
 * The SOPS v3.13.2 encrypted YAML format, read without any key: which values must be encrypted and whether
 * they are. Rules, with their source:
 * - metadata is the top-level `sops` mapping of the first document; `sops` keys of every document are not data
 *   [SOPS:stores/metadata.go ExtractMetadata];
 * - at most one of `unencrypted_suffix`, `encrypted_suffix`, `unencrypted_regex`, `encrypted_regex`,
 *   `unencrypted_comment_regex`, `encrypted_comment_regex`; none means `unencrypted_suffix: _unencrypted`
 *   [SOPS:stores/stores.go metadata.ToInternal];
 * - a leaf's path is its mapping keys (sequence items share their parent's path) and it is encrypted unless the
 *   rule says otherwise, tested on every path component, regexes unanchored [SOPS:sops.go walkBranch,
 *   walkSlice, shouldBeEncrypted]; null values are never encrypted, empty strings stay empty [SOPS:aes/cipher.go
 *   Encrypt, isEmpty];
 * - an encrypted value is `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]` [SOPS:aes/cipher.go encre],
 *   with a 32-byte IV and a 16-byte tag, `t` one of str, int, float, bytes, bool, time, comment;
 * - `sops.mac` is such a value (the MAC, encrypted under AAD `lastmodified`) [SOPS:cmd/sops/common/common.go].
 * Comment-based rules are approximated: the comments before a key (and a scalar's line comment) at every level
 * of its path count, as SOPS' comment stack does for the usual layouts.
 */
import type * as YAML from 'yaml';
import { compileGoRegExp } from './go-regexp';
import { yamlModule } from './lazy';
import { setOwn } from './util';
import { checkGoYamlReading } from './yaml-input';

/** SOPS' default `unencrypted_suffix` [SOPS:sops.go DefaultUnencryptedSuffix]. */
export const DEFAULT_UNENCRYPTED_SUFFIX = '_unencrypted';

/** The value format of an encrypted leaf [SOPS:aes/cipher.go encre]. */
export const ENC_VALUE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;
const ENC_TYPES = new Set(['str', 'int', 'float', 'bytes', 'bool', 'time', 'comment']);

/** The encryption rule of a file (exactly one applies). */
export interface SopsRule {
  readonly kind: 'unencrypted_suffix' | 'encrypted_suffix' | 'unencrypted_regex' | 'encrypted_regex' | 'unencrypted_comment_regex' | 'encrypted_comment_regex';
  readonly value: string;
}

/** A leaf of the data tree in walk order. */
export interface SopsLeaf {
  /** The mapping keys of its path (SOPS' path). */
  readonly path: string[];
  /** Its path for people: `data.password`, `items[2].name`. */
  readonly display: string;
  /** The scalar's value (string, number, boolean, null). */
  readonly value: unknown;
  /** The scalar's source text (to tell `1.0` from `1`). */
  readonly source?: string;
  /** Comments in effect (SOPS' comment stack, flattened). */
  readonly comments: string[];
  /** Whether SOPS encrypts it. */
  readonly encrypted: boolean;
}

/** A parsed SOPS file. */
export interface SopsDocument {
  /** The documents' data, without `sops` keys, as plain JSON. */
  readonly documents: any[];
  /** The `sops` mapping of the first document. */
  readonly metadata: any;
  readonly rule: SopsRule;
  /** Every data leaf, in SOPS' walk order. */
  readonly leaves: SopsLeaf[];
  /** The age recipients the data key is encrypted to. */
  readonly ageRecipients: string[];
  /** Problems: not SOPS, a plaintext value (by key path), a malformed encrypted value, no MAC. */
  readonly problems: string[];
}

/** The most aliases a SOPS file may use (go-yaml's decoder is as strict; sops files are flat). */
const MAX_ALIASES = 100;

/** Reads a SOPS-encrypted YAML (or JSON) text. Never throws: problems are returned. */
export function readSopsYaml(text: string): SopsDocument {
  const problems: string[] = [];
  try {
    // (written byte for byte: Argo CD's tools must read what this reads)
    checkGoYamlReading(text, '');
  } catch (e) {
    return empty([(e as Error).message.replace(/^:/, 'line ')]);
  }
  let docs: YAML.Document.Parsed[];
  try {
    docs = yamlModule().parseAllDocuments(text, { uniqueKeys: true }) as YAML.Document.Parsed[];
  } catch (e) {
    return empty([`not valid YAML: ${(e as Error).message.split('\n')[0]}`]);
  }
  if (!Array.isArray(docs)) docs = [docs as any];
  for (const d of docs) {
    if (d.errors.length) return empty([`not valid YAML: ${d.errors[0].message.split('\n')[0]}`]);
    let aliases = 0;
    yamlModule().visit(d, { Alias: () => { aliases++; } });
    if (aliases > MAX_ALIASES) return empty([`more than ${MAX_ALIASES} YAML aliases (SOPS files are written without them)`]);
  }
  docs = docs.filter(d => d.contents !== null);
  if (docs.length === 0) return empty(['empty: no document']);
  const first = docs[0].contents;
  const metaPair = yamlModule().isMap(first) ? first.items.find(p => yamlModule().isScalar(p.key) && p.key.value === 'sops') : undefined;
  const metadata = metaPair ? toJs(metaPair.value) : undefined;
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return empty(['not encrypted with SOPS: no top-level \'sops\' metadata (encrypt it with `sops --encrypt`)']);
  }
  const rules = (['unencrypted_suffix', 'encrypted_suffix', 'unencrypted_regex', 'encrypted_regex', 'unencrypted_comment_regex', 'encrypted_comment_regex'] as const)
    .filter(k => typeof metadata[k] === 'string' && metadata[k] !== '')
    .map(kind => ({ kind, value: String(metadata[kind]) }));
  if (rules.length > 1) {
    problems.push('Cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file');
  }
  const rule: SopsRule = rules[0] ?? { kind: 'unencrypted_suffix', value: DEFAULT_UNENCRYPTED_SUFFIX };
  let matcher: RegExp | undefined;
  if (rule.kind.endsWith('_regex')) {
    const re = compileGoRegExp(rule.value);
    if (re.error) problems.push(`sops.${rule.kind} (${JSON.stringify(rule.value)}) is not a valid Go regular expression: ${re.error}`);
    matcher = re.regexp;
  }
  const shouldBeEncrypted = (path: string[], comments: string[]): boolean => {
    switch (rule.kind) {
      case 'unencrypted_suffix': return !path.some(p => p.endsWith(rule.value));
      case 'encrypted_suffix': return path.some(p => p.endsWith(rule.value));
      case 'unencrypted_regex': return !path.some(p => matcher?.test(p));
      case 'encrypted_regex': return path.some(p => matcher?.test(p) ?? false);
      case 'unencrypted_comment_regex': return !comments.some(c => matcher?.test(c));
      default: return comments.some(c => matcher?.test(c) ?? false);
    }
  };

  const leaves: SopsLeaf[] = [];
  const documents: any[] = [];
  docs.forEach((doc, di) => {
    const contents = doc.contents;
    if (!yamlModule().isMap(contents)) {
      problems.push(`document ${di + 1}: SOPS supports only mappings as YAML documents`);
      return;
    }
    const data: any = {};
    for (const pair of contents.items) {
      const key = yamlModule().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (key === 'sops') continue;
      setOwn(data, key, toJs(pair.value)); // (`__proto__` is a valid Secret key)
    }
    documents.push(data);
    walk(contents, [], docs.length > 1 ? `document ${di + 1}: ` : '', [], (path, display, node, comments) => {
      const value = yamlModule().isScalar(node) ? node.value : node;
      const source = yamlModule().isScalar(node) ? node.source : undefined;
      leaves.push({ path, display, value, source, comments, encrypted: shouldBeEncrypted(path, comments) });
    });
  });

  for (const leaf of leaves) {
    if (!leaf.encrypted || leaf.value === null || leaf.value === undefined || leaf.value === '') continue;
    if (typeof leaf.value !== 'string' || !ENC_VALUE.test(leaf.value)) {
      problems.push(`${leaf.display} is not encrypted: SOPS' ${rule.kind}${rule.kind === 'unencrypted_suffix' && !rules.length ? ' (the default)' : ''} ${JSON.stringify(rule.value)} says it must be; the value would reach Git in plaintext (re-encrypt the file with sops)`);
      continue;
    }
    const format = encFormatProblem(leaf.value);
    if (format) problems.push(`${leaf.display}: malformed encrypted value (${format})`);
  }
  const mac = metadata.mac;
  if (typeof mac !== 'string' || mac === '') problems.push('sops.mac is missing: the file has no message authentication code (sops --encrypt writes one)');
  else if (!ENC_VALUE.test(mac) || encFormatProblem(mac)) problems.push('sops.mac is not an encrypted value: the MAC is written encrypted by sops');
  if (metadata.lastmodified === undefined || Number.isNaN(Date.parse(String(metadata.lastmodified)))) problems.push('sops.lastmodified is missing or not an RFC 3339 time');
  const ageRecipients = new Set<string>();
  const collect = (keys: any, where: string) => {
    if (keys === undefined || keys === null) return;
    if (!Array.isArray(keys)) { problems.push(`${where} must be a list`); return; }
    keys.forEach((k, i) => {
      if (typeof k?.recipient !== 'string') problems.push(`${where}[${i}].recipient is missing`);
      else ageRecipients.add(k.recipient.trim());
      if (typeof k?.enc !== 'string' || !k.enc.includes('-----BEGIN AGE ENCRYPTED FILE-----')) problems.push(`${where}[${i}].enc is not an armored age file (the encrypted data key)`);
    });
  };
  collect(metadata.age, 'sops.age');
  if (Array.isArray(metadata.key_groups)) metadata.key_groups.forEach((g: any, i: number) => collect(g?.age, `sops.key_groups[${i}].age`));
  const hasKeys = ['age', 'pgp', 'kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'hckms', 'key_groups'].some(k => Array.isArray(metadata[k]) && metadata[k].length > 0);
  if (!hasKeys) problems.push('sops metadata has no keys: No keys found in file');
  return { documents, metadata, rule, leaves, ageRecipients: [...ageRecipients].sort(), problems };
}

/** Why an `ENC[…]` value is malformed, or undefined. */
export function encFormatProblem(value: string): string | undefined {
  const m = ENC_VALUE.exec(value);
  if (!m) return 'not ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]';
  const b64 = /^[A-Za-z0-9+/]*={0,2}$/;
  if (!b64.test(m[1]) || !b64.test(m[2]) || !b64.test(m[3])) return 'data, iv or tag is not base64';
  if (Buffer.from(m[2], 'base64').length !== 32) return 'the IV is not 32 bytes';
  if (Buffer.from(m[3], 'base64').length !== 16) return 'the tag is not 16 bytes';
  if (!ENC_TYPES.has(m[4])) return `unknown type ${JSON.stringify(m[4])}`;
  return undefined;
}

/**
 * Walks a YAML node as SOPS walks its tree: mapping keys extend the path, sequence items do not; comments before
 * an entry (and a scalar's line comment) are in effect for it and for everything below it.
 */
function walk(node: unknown, path: string[], display: string, comments: string[],
  onLeaf: (path: string[], display: string, node: unknown, comments: string[]) => void): void {
  if (yamlModule().isMap(node)) {
    for (const pair of node.items) {
      const key = yamlModule().isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (path.length === 0 && key === 'sops') continue;
      const own = commentsOf(pair.key, pair.value);
      walk(pair.value, [...path, key], display ? (display.endsWith(': ') ? `${display}${key}` : `${display}.${key}`) : key, [...comments, ...own], onLeaf);
    }
  } else if (yamlModule().isSeq(node)) {
    node.items.forEach((item, i) => walk(item, path, `${display}[${i}]`, [...comments, ...commentsOf(item, item)], onLeaf));
  } else if (yamlModule().isAlias(node)) {
    onLeaf(path, display, node, comments);
  } else {
    onLeaf(path, display, node, comments);
  }
}

function commentsOf(key: unknown, value: unknown): string[] {
  const out: string[] = [];
  for (const c of [(key as any)?.commentBefore, yamlModule().isScalar(value) ? (value as any).comment : undefined]) {
    if (typeof c === 'string') out.push(...c.split('\n').map(l => l.trim()));
  }
  return out;
}

function toJs(node: unknown): any {
  if (node === null || node === undefined) return null;
  return typeof (node as any).toJSON === 'function' ? (node as any).toJSON() : node;
}

function empty(problems: string[]): SopsDocument {
  return { documents: [], metadata: undefined, rule: { kind: 'unencrypted_suffix', value: DEFAULT_UNENCRYPTED_SUFFIX }, leaves: [], ageRecipients: [], problems };
}
