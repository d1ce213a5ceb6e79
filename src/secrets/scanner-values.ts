/**
 * What the secret scanner knows about values: which key names hold secrets, which value shapes are known safe
 * (references, placeholders, digests, ciphertexts, public material), and how to look inside encodings
 * (base64, `data:` URLs, percent-encoding, DER keys and keystores).
 */
import { createPrivateKey } from 'crypto';
import { isPlaceholderText, shannonEntropy } from './scanner-rules';

/** How secret a key name is. */
export enum KeyClass {
  /** A password: any literal is a finding (`password`, `DB_PASSWORD`, `pgpassword`, `smtp_pass`, `passphrase`). */
  PASSWORD = 'password',
  /** A token, secret or key: a literal with the look of a secret is a finding (`apiKey`, `clientSecret`, `token`). */
  SECRET = 'secret',
}

/** The word before `key` that makes it a secret key (detect-secrets' keyword denylist, widened). */
const SECRET_KEY_QUALIFIERS = new Set([
  'access', 'account', 'api', 'app', 'auth', 'client', 'cookie', 'database', 'db', 'decryption', 'encryption', 'hmac',
  'jwt', 'license', 'master', 'priv', 'private', 'root', 'secret', 'service', 'session', 'shared', 'signing', 'webhook',
]);
/** Words before `token` or `secret` that make them public (gitleaks' generic-api-key allowlist: csrf, public). */
const PUBLIC_QUALIFIERS = new Set(['csrf', 'xsrf', 'public']);

/** The words of a key name: `DB_PASSWORD` → db, password; `clientSecret` → client, secret. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const classified = new Map<string, KeyClass | undefined>();

/** Whether a key's value is a secret by its name; judged by the key's last word, as `secretName` is not a secret. */
export function classifyKey(key: string | undefined): KeyClass | undefined {
  if (!key || key.length > 200) return undefined;
  if (classified.has(key)) return classified.get(key);
  const keyClass = classifyWords(key);
  if (classified.size >= 10_000) classified.clear(); // keys repeat across objects; bound the memo
  classified.set(key, keyClass);
  return keyClass;
}

function classifyWords(key: string): KeyClass | undefined {
  const words = keyWords(key);
  const last = words[words.length - 1];
  const previous = words[words.length - 2];
  if (last === undefined) return undefined;
  if (/(?:password|passwd|passphrase|contrasena)$/.test(last) || last === 'pwd' || (last === 'pass' && words.length > 1)) {
    return KeyClass.PASSWORD;
  }
  if (previous !== undefined && PUBLIC_QUALIFIERS.has(previous)) return undefined;
  if (/(?:secret|token|apikey|credentials?|creds)$/.test(last) || last === 'auth' || last === 'authorization') return KeyClass.SECRET;
  if (/(?:privatekey|secretkey|accesskey|signingkey|encryptionkey|masterkey|clientkey|authkey|sessionkey|hmackey|sharedkey)$/.test(last)) return KeyClass.SECRET;
  if (last === 'key' && previous !== undefined && SECRET_KEY_QUALIFIERS.has(previous)) return KeyClass.SECRET;
  return undefined;
}

const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;
const NOT_A_SECRET_WORD = /^(?:true|false|yes|no|on|off|y|n|null|nil|none|~|enabled?|disabled?|required|optional|auto|default|empty|unset|not-set|n\/a|always|never|ifnotpresent|plain|basic|bearer|oauth2?|oidc|jwt|tls|mtls|ldap|kubernetes|approle|aws|gcp|azure|vault)$/i;
const DIGEST = /^(?:sha1|sha224|sha256|sha384|sha512|md5):[A-Fa-f0-9]{32,128}$|^(?:[A-Fa-f0-9]{64}|[A-Fa-f0-9]{96}|[A-Fa-f0-9]{128})$|^[\w.\-/:]+@sha256:[a-f0-9]{64}$/;
const PUBLIC_MATERIAL = /^-----BEGIN (?:CERTIFICATE|TRUSTED CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|PGP MESSAGE|PGP SIGNATURE|X509 CRL|CERTIFICATE REQUEST|AGE ENCRYPTED FILE)-----|^(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA|^age1[0-9a-z]{58}$/;
const PATH = /^(?:\/|\.\.?\/|~\/|file:\/\/)\S*$/;
const URL_WITHOUT_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^\s@]+$/i;
/** Identifiers that name a secret or an identity rather than being one: ARNs, e-mail addresses, lowercase paths (`projects/p/secrets/db/versions/3`). */
const IDENTIFIER = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:\S+$|^[^\s@:/]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$|^[a-z0-9][a-z0-9._-]*(?:\/[a-z0-9][a-z0-9._-]*)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A SOPS-encrypted value (`ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]`, SOPS `aes/cipher.go`). */
export function isSopsValue(value: string): boolean {
  return SOPS_VALUE.test(value);
}

/**
 * Whether a literal under a key of class `keyClass` is a secret. Known-safe shapes never are: placeholders
 * (`${X}`, `$(X)`, `{{ .x }}`, `<x>`), Argo CD `$secret:key` references, SOPS `ENC[…]` values, digests,
 * public certificates and keys, paths, URLs without user info, and words like `true` or `none`.
 * A password is any other literal of 3 or more characters; a token or key must also look random: 8 or more
 * characters, not only letters and separators (gitleaks' `^[a-zA-Z_.-]+$` allowlist), not a resource name, with
 * Shannon entropy of at least 3 bits per character.
 */
export function isSecretLiteral(value: string, keyClass: KeyClass): boolean {
  const v = value.trim().replace(/^(['"])(.*)\1$/s, '$2');
  if (v.length < 3 || isKnownSafe(v)) return false;
  if (keyClass === KeyClass.PASSWORD) return !(/^\d+$/.test(v) && v.length < 4);
  if (v.length < 8 || /^[a-zA-Z_.-]+$/.test(v) || /^\d+$/.test(v) || isResourceName(v)) return false;
  if (isSequential(v)) return false;
  return shannonEntropy(v) >= 3;
}

/** Shapes that are never a secret, whatever their key. */
export function isKnownSafe(value: string): boolean {
  const v = value.trim();
  return isPlaceholderText(v)
    || /^\$[A-Za-z0-9_.:/-]+$/.test(v) // Argo CD `$secret:key`, `$key` (argocd-cm references to argocd-secret)
    || SOPS_VALUE.test(v)
    || NOT_A_SECRET_WORD.test(v)
    || DIGEST.test(v)
    || (PUBLIC_MATERIAL.test(v) && !/PRIVATE KEY/i.test(v))
    || PATH.test(v)
    || URL_WITHOUT_USERINFO.test(v)
    || IDENTIFIER.test(v);
}

/**
 * A Kubernetes-style name (`postgres-credentials`, `db-creds-v2`): DNS characters, separated words, no long
 * mix of letters and digits. Helm charts name Secrets under keys like `existingSecret`.
 */
function isResourceName(v: string): boolean {
  if (!/^[a-z][a-z0-9.-]*[a-z0-9]$/.test(v) || v.length > 253 || UUID.test(v)) return false;
  const segments = v.split(/[.-]/);
  return segments.length > 1 && segments.every(s => /^[a-z]*$/.test(s) || /^\d+$/.test(s) || s.length <= 3);
}

/** detect-secrets `is_sequential_string`: `ABCDEF…`, `0123…` are example values. */
function isSequential(v: string): boolean {
  const upper = v.toUpperCase();
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const sequences = [letters + letters + '0123456789+/', '0123456789' + letters + letters + '+/', ('0123456789' + letters).repeat(2), '0123456789'.repeat(2), '0123456789ABCDEF'.repeat(2)];
  return sequences.some(s => s.includes(upper));
}

/** Bytes a string encodes as base64 (standard or URL-safe, wrapped at any column), if it is base64 at all. */
export function base64Bytes(value: string): Buffer | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 16) return undefined;
  const body = compact.replace(/=+$/, '');
  if (compact.length - body.length > 2 || body.length % 4 === 1) return undefined;
  if (/^[A-Za-z0-9+/]+$/.test(body)) return Buffer.from(body, 'base64');
  if (/^[A-Za-z0-9_-]+$/.test(body)) return Buffer.from(body, 'base64url');
  return undefined;
}

/** The text of decoded bytes, if they are text (valid UTF-8, almost all printable). */
export function bytesAsText(bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf-8');
  if (text.includes('\uFFFD')) return undefined;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) printable++;
  }
  return printable / text.length >= 0.95 ? text : undefined;
}

/**
 * What binary key material decoded bytes are, if any: a DER private key (PKCS#8, PKCS#1, SEC1; parsed by
 * Node's crypto), a PKCS#12 keystore (RFC 7292 PFX: SEQUENCE { INTEGER 3, ContentInfo }), a Java KeyStore with
 * a private key entry (magic 0xFEEDFEED, entry tag 1) or an OpenSSH private key body ("openssh-key-v1\0").
 */
export function binaryKeyKind(bytes: Buffer): string | undefined {
  if (bytes.length >= 15 && bytes.subarray(0, 15).toString('latin1') === 'openssh-key-v1\0') return 'an OpenSSH private key';
  if (bytes.length >= 12 && bytes.readUInt32BE(0) === 0xfeedfeed && jksHasPrivateKey(bytes)) return 'a Java KeyStore with a private key';
  if (bytes[0] !== 0x30 || bytes.length < 16 || bytes.length > 64 * 1024) return undefined;
  if (isPkcs12(bytes)) return 'a PKCS#12 keystore';
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: bytes, format: 'der', type });
      return 'a private key (DER)';
    } catch {
      // not this encoding
    }
  }
  return undefined;
}

/** DER length at `at`: [length, header bytes], or undefined. */
function derLength(bytes: Buffer, at: number): [number, number] | undefined {
  const first = bytes[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, 1];
  const n = first - 0x80; // long form: the low seven bits count the length bytes
  if (n === 0 || n > 4 || at + n >= bytes.length) return undefined;
  let length = 0;
  for (let i = 1; i <= n; i++) length = length * 256 + bytes[at + i];
  return [length, n + 1];
}

function isPkcs12(bytes: Buffer): boolean {
  const outer = derLength(bytes, 1);
  if (!outer) return false;
  let at = 1 + outer[1];
  if (bytes[at] !== 0x02 || bytes[at + 1] !== 0x01 || bytes[at + 2] !== 0x03 || bytes[at + 3] !== 0x30) return false;
  const inner = derLength(bytes, at + 4);
  if (!inner) return false;
  at = at + 4 + inner[1];
  // ContentInfo's contentType: pkcs7-data (1.2.840.113549.1.7.1) or pkcs7-signedData (…7.2).
  const oid = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);
  return bytes.subarray(at, at + 10).equals(oid) && (bytes[at + 10] === 0x01 || bytes[at + 10] === 0x02);
}

/** Walks a JKS (`sun.security.provider.JavaKeyStore` layout) looking for a PrivateKeyEntry (tag 1). */
function jksHasPrivateKey(bytes: Buffer): boolean {
  try {
    let at = 8;
    const count = bytes.readUInt32BE(at);
    at += 4;
    for (let i = 0; i < Math.min(count, 10_000); i++) {
      const tag = bytes.readUInt32BE(at);
      if (tag === 1) return true;
      if (tag !== 2) return false;
      at += 4;
      at += 2 + bytes.readUInt16BE(at) + 8; // alias, timestamp
      at += 2 + bytes.readUInt16BE(at); // certificate type
      at += 4 + bytes.readUInt32BE(at); // certificate
    }
  } catch {
    return false;
  }
  return false;
}

/** The text of `%XX` escapes decoded (as UTF-8, `+` as a space), or undefined when there are none. */
export function percentDecoded(value: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(value)) return undefined;
  const input = Buffer.from(value, 'utf-8');
  const out = Buffer.alloc(input.length);
  let n = 0;
  const hex = (c: number) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === 0x25 && i + 2 < input.length && hex(input[i + 1]) >= 0 && hex(input[i + 2]) >= 0) {
      out[n++] = hex(input[i + 1]) * 16 + hex(input[i + 2]);
      i += 2;
    } else {
      out[n++] = c === 0x2b ? 0x20 : c;
    }
  }
  return out.subarray(0, n).toString('utf-8');
}

/** The payloads of `data:` URLs in a string (RFC 2397), decoded to bytes. */
export function dataUrlPayloads(value: string): Buffer[] {
  const out: Buffer[] = [];
  const re = /data:([^,\s]{0,256}?),([^\s"'`)]*)/gi;
  for (let m = re.exec(value); m && out.length < 100; m = re.exec(value)) {
    const payload = m[2];
    if (/;base64$/i.test(m[1])) out.push(Buffer.from(payload.replace(/%3D/gi, '='), /[-_]/.test(payload) ? 'base64url' : 'base64'));
    else out.push(Buffer.from(percentDecoded(payload) ?? payload, 'utf-8'));
  }
  return out;
}
