/**
 * A test-only SOPS encrypter and decrypter for YAML, written from the SOPS v3.13.2 source (the `sops` CLI is not
 * available here). Rules, each from getsops/sops@v3.13.2:
 * - one random 32-byte data key per file; each selected leaf is AES-256-GCM encrypted under it with a random
 *   32-byte IV and AAD = the path's mapping keys joined by ':' plus a trailing ':' (sequence items share their
 *   parent's path), written `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`; empty strings stay empty; null is not
 *   walked [aes/cipher.go Encrypt; sops.go walkBranch, walkSlice, Tree.Encrypt];
 * - the plaintext of int, float and bool is `strconv.Itoa`, `FormatFloat(f,'f',-1,64)` and `True`/`False`
 *   [aes/cipher.go Encrypt];
 * - the MAC is SHA-512 over `ToBytes` of every leaf value (all leaves, or only encrypted ones after a fixed
 *   32-byte prefix with mac_only_encrypted), comments excluded, upper-case hex, stored encrypted under AAD =
 *   `lastmodified` in RFC 3339 [sops.go Tree.Encrypt, ToBytes, MACOnlyEncryptedInitialization;
 *   cmd/sops/common/common.go];
 * - the data key is age-encrypted (armored) to every recipient with Debian's `age` CLI [age/keysource.go].
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as YAML from 'yaml';

const MAC_ONLY_ENCRYPTED_INIT = Buffer.from([0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
  0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69]);

export interface SopsEncryptOptions {
  readonly ageRecipients: string[];
  readonly encryptedRegex?: string;
  readonly unencryptedRegex?: string;
  readonly encryptedSuffix?: string;
  readonly unencryptedSuffix?: string;
  readonly macOnlyEncrypted?: boolean;
  /** RFC 3339, e.g. 2025-01-01T00:00:00Z. */
  readonly lastModified?: string;
}

type Rule = { kind: string; value: string };

function ruleOf(o: { encryptedRegex?: string; unencryptedRegex?: string; encryptedSuffix?: string; unencryptedSuffix?: string }): Rule {
  if (o.encryptedRegex) return { kind: 'encrypted_regex', value: o.encryptedRegex };
  if (o.unencryptedRegex) return { kind: 'unencrypted_regex', value: o.unencryptedRegex };
  if (o.encryptedSuffix) return { kind: 'encrypted_suffix', value: o.encryptedSuffix };
  return { kind: 'unencrypted_suffix', value: o.unencryptedSuffix ?? '_unencrypted' };
}

function shouldEncrypt(rule: Rule, path: string[]): boolean {
  switch (rule.kind) {
    case 'encrypted_regex': return path.some(p => new RegExp(rule.value).test(p));
    case 'unencrypted_regex': return !path.some(p => new RegExp(rule.value).test(p));
    case 'encrypted_suffix': return path.some(p => p.endsWith(rule.value));
    default: return !path.some(p => p.endsWith(rule.value));
  }
}

/** Go's `strconv.FormatFloat(f, 'f', -1, 64)`. */
export function goFloat(f: number): string {
  if (Number.isInteger(f) && Math.abs(f) < 1e21) return String(f);
  const s = String(f);
  if (!s.includes('e')) return s;
  const [mantissa, exp] = s.split('e');
  const e = Number(exp);
  const neg = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const point = mantissa.replace('-', '').indexOf('.') < 0 ? mantissa.replace('-', '').length : mantissa.replace('-', '').indexOf('.');
  const pos = point + e;
  let out: string;
  if (pos <= 0) out = `0.${'0'.repeat(-pos)}${digits}`;
  else if (pos >= digits.length) out = digits + '0'.repeat(pos - digits.length);
  else out = `${digits.slice(0, pos)}.${digits.slice(pos)}`;
  return (neg ? '-' : '') + out;
}

/** A leaf's SOPS type and its bytes (`ToBytes`). */
function typed(node: YAML.Scalar): { type: string; bytes: Buffer } {
  const v = node.value;
  if (typeof v === 'boolean') return { type: 'bool', bytes: Buffer.from(v ? 'True' : 'False') };
  if (typeof v === 'number') {
    const float = /[.eE]|inf|nan/i.test(node.source ?? '') || !Number.isInteger(v);
    return float ? { type: 'float', bytes: Buffer.from(goFloat(v)) } : { type: 'int', bytes: Buffer.from(String(v)) };
  }
  return { type: 'str', bytes: Buffer.from(String(v), 'utf-8') };
}

function encryptValue(bytes: Buffer, type: string, key: Buffer, aad: string): string {
  const iv = crypto.randomBytes(32);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf-8'));
  const data = Buffer.concat([cipher.update(bytes), cipher.final()]);
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${cipher.getAuthTag().toString('base64')},type:${type}]`;
}

/** Walks scalars as SOPS does, calling `leaf` with the path of mapping keys. */
function walk(node: unknown, path: string[], leaf: (node: YAML.Scalar, path: string[]) => void): void {
  if (YAML.isMap(node)) {
    for (const pair of node.items) {
      const k = String((pair.key as YAML.Scalar).value);
      if (path.length === 0 && k === 'sops') continue;
      walk(pair.value, [...path, k], leaf);
    }
  } else if (YAML.isSeq(node)) {
    for (const item of node.items) walk(item, path, leaf);
  } else if (YAML.isScalar(node) && node.value !== null) {
    leaf(node, path);
  }
}

/** Encrypts a plaintext YAML (one or more documents) as `sops --encrypt --age …` would. */
export function sopsEncrypt(plaintext: string, options: SopsEncryptOptions): { text: string; dataKey: Buffer } {
  const dataKey = crypto.randomBytes(32);
  const rule = ruleOf(options);
  const docs = YAML.parseAllDocuments(plaintext) as YAML.Document.Parsed[];
  const mac = crypto.createHash('sha512');
  if (options.macOnlyEncrypted) mac.update(MAC_ONLY_ENCRYPTED_INIT);
  for (const doc of docs) {
    walk(doc.contents, [], (node, path) => {
      const encrypted = shouldEncrypt(rule, path);
      const { type, bytes } = typed(node);
      if (!options.macOnlyEncrypted || encrypted) mac.update(bytes);
      if (encrypted && bytes.length > 0) {
        node.value = encryptValue(bytes, type, dataKey, `${path.join(':')}:`);
        node.type = 'PLAIN';
      }
    });
  }
  const lastModified = options.lastModified ?? '2025-01-01T00:00:00Z';
  const age = options.ageRecipients.map(recipient => ({
    recipient,
    enc: execFileSync('age', ['--encrypt', '--armor', '--recipient', recipient], { input: dataKey }).toString(),
  }));
  const metadata: any = {
    age,
    lastmodified: lastModified,
    mac: encryptValue(Buffer.from(mac.digest('hex').toUpperCase()), 'str', dataKey, lastModified),
    [rule.kind]: rule.value,
  };
  if (options.macOnlyEncrypted) metadata.mac_only_encrypted = true;
  metadata.version = '3.13.2';
  const node = docs[0].createNode(metadata) as YAML.YAMLMap;
  (node.get('lastmodified', true) as YAML.Scalar).type = 'QUOTE_DOUBLE'; // sops quotes it: it is not a YAML timestamp
  (docs[0].contents as YAML.YAMLMap).set('sops', node);
  const text = docs.map(d => d.toString({ lineWidth: 0 })).join('---\n');
  return { text, dataKey };
}

/** Opens an `ENC[…]` value with its path's AAD: the plaintext bytes and type. */
export function decryptValue(value: string, key: Buffer, aad: string): { bytes: Buffer; type: string } {
  const m = /^ENC\[AES256_GCM,data:(.*),iv:(.+),tag:(.+),type:(.+)\]$/.exec(value)!;
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(m[2], 'base64'));
  decipher.setAAD(Buffer.from(aad, 'utf-8'));
  decipher.setAuthTag(Buffer.from(m[3], 'base64'));
  return { bytes: Buffer.concat([decipher.update(Buffer.from(m[1], 'base64')), decipher.final()]), type: m[4] };
}

/**
 * Decrypts a SOPS YAML text with its data key: every value (path → plaintext as a string) and whether the MAC
 * it carries equals the MAC of the decrypted tree.
 */
export function sopsDecrypt(text: string, dataKey: Buffer): { values: Record<string, string>; macMatches: boolean } {
  const docs = YAML.parseAllDocuments(text) as YAML.Document.Parsed[];
  const metadata: any = (docs[0].contents as YAML.YAMLMap).get('sops', false);
  const meta = (metadata as any).toJSON();
  const rule = ruleOf({
    encryptedRegex: meta.encrypted_regex,
    unencryptedRegex: meta.unencrypted_regex,
    encryptedSuffix: meta.encrypted_suffix,
    unencryptedSuffix: meta.unencrypted_suffix,
  });
  const mac = crypto.createHash('sha512');
  if (meta.mac_only_encrypted) mac.update(MAC_ONLY_ENCRYPTED_INIT);
  const values: Record<string, string> = {};
  for (const doc of docs) {
    const counts = new Map<string, number>();
    walk(doc.contents, [], (node, path) => {
      const encrypted = shouldEncrypt(rule, path);
      let bytes: Buffer;
      if (encrypted && typeof node.value === 'string' && node.value !== '') {
        const d = decryptValue(node.value, dataKey, `${path.join(':')}:`);
        bytes = d.type === 'float' ? Buffer.from(goFloat(Number(d.bytes.toString()))) : d.bytes;
      } else {
        bytes = typed(node).bytes;
      }
      if (!meta.mac_only_encrypted || encrypted) mac.update(bytes);
      const p = path.join('.');
      const n = counts.get(p) ?? 0;
      counts.set(p, n + 1);
      values[n ? `${p}#${n}` : p] = bytes.toString('utf-8');
    });
  }
  const stored = decryptValue(meta.mac, dataKey, String(meta.lastmodified)).bytes.toString();
  return { values, macMatches: stored === mac.digest('hex').toUpperCase() };
}

/** The data key of a SOPS file, decrypted with `age --decrypt` and an identity file. */
export function ageDataKey(text: string, identityFile: string): Buffer {
  const meta: any = (YAML.parseAllDocuments(text)[0] as YAML.Document.Parsed).toJSON().sops;
  for (const k of meta.age ?? []) {
    try {
      return execFileSync('age', ['--decrypt', '--identity', identityFile], { input: k.enc, stdio: ['pipe', 'pipe', 'ignore'] });
    } catch {
      // not this recipient
    }
  }
  throw new Error('no age key of the file opens with this identity');
}
