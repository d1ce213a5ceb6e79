/**
 * Sealed Secrets v0.36.6 sealing, with Node's crypto only (semantics §5):
 * - `HybridEncrypt` [SS:pkg/crypto/crypto.go]: a random 32-byte session key; `rsaCt = RSA-OAEP(SHA-256, MGF1-SHA-256,
 *   label)(sessionKey)`; `aesCt = AES-256-GCM(sessionKey, nonce = 12 zero bytes, no AAD)` with its 16-byte tag;
 *   blob = `uint16BE(len(rsaCt)) ‖ rsaCt ‖ aesCt`, base64 (std, padded) as `kubeseal --raw` prints it.
 * - `EncryptionLabel` [SS:pkg/apis/sealedsecrets/v1alpha1/sealedsecret_expansion.go]: `"<namespace>/<name>"`
 *   (strict), `"<namespace>"` (namespace-wide), `""` (cluster-wide).
 * - `ParseKey` [SS:pkg/kubeseal/kubeseal.go]: the first PEM certificate; its key must be RSA; an expired one is
 *   refused ("failed to encrypt using an expired certificate on <January 2, 2006>").
 * - `PublicKeyFingerprint` [SS:pkg/crypto/crypto.go]: `ssh.FingerprintSHA256` of the RSA public key, the name
 *   the controller gives its keys.
 */
import * as crypto from 'crypto';

/** A sealing scope as kubeseal's `--scope` spells it. */
export type ScopeName = 'strict' | 'namespace-wide' | 'cluster-wide';

/** The scope annotations of a SealedSecret [SS:pkg/apis/sealedsecrets/v1alpha1/types.go]. */
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';
export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';

/** The RSA-OAEP label of a scope (`EncryptionLabel`). */
export function encryptionLabel(namespace: string, name: string, scope: ScopeName): Buffer {
  switch (scope) {
    case 'cluster-wide': return Buffer.alloc(0);
    case 'namespace-wide': return Buffer.from(namespace, 'utf-8');
    default: return Buffer.from(`${namespace}/${name}`, 'utf-8');
  }
}

/** The scope a SealedSecret's annotations declare (`SecretScope`: cluster-wide wins). */
export function scopeOf(annotations: Record<string, string> | undefined): ScopeName {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

/** `HybridEncrypt`: the sealed bytes of `plaintext` for `publicKey` with `label`. */
export function hybridEncrypt(publicKey: crypto.KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  const sessionKey = crypto.randomBytes(32);
  try {
    const rsaCiphertext = crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, sessionKey);
    const cipher = crypto.createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
    const aesCiphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(rsaCiphertext.length);
    return Buffer.concat([length, rsaCiphertext, aesCiphertext]);
  } finally {
    sessionKey.fill(0);
  }
}

/** A parsed sealing certificate. */
export interface ParsedCertificate {
  readonly publicKey: crypto.KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** `SHA256:<base64>` as the controller names its keys. */
  readonly fingerprint: string;
  /** The key's size in bits. */
  readonly bits: number;
}

/**
 * Parses a PEM text as kubeseal's `ParseKey` does (client-go `cert.ParseCertsPEM`): every `CERTIFICATE` block
 * without headers is parsed, and one that does not parse fails the whole file; other blocks are skipped; the
 * first certificate is the one sealed for, and its key must be RSA. Throws an Error saying why it cannot seal
 * (not the expiry, which `expiryError` checks against a clock).
 */
export function parseCertificate(pem: string): ParsedCertificate {
  let first: crypto.X509Certificate | undefined;
  for (const m of pem.matchAll(/-----BEGIN ([^\n-]*)-----\r?\n([\s\S]*?)-----END \1-----/g)) {
    // pem.Decode: headers are "Key: value" lines before a blank line; ParseCertsPEM skips blocks that have any.
    if (m[1] !== 'CERTIFICATE' || /^[^\n]*:/.test(m[2])) continue;
    try {
      const cert = new crypto.X509Certificate(m[0]);
      first ??= cert;
    } catch (e) {
      throw new Error(`not a valid X.509 certificate: ${(e as Error).message}`);
    }
  }
  if (!first) throw new Error('data does not contain any valid RSA or ECDSA certificates (failed to read any certificates: no PEM CERTIFICATE block)');
  const publicKey = first.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new Error(`expected RSA public key but found ${publicKey.asymmetricKeyType ?? 'an unknown key type'} (Sealed Secrets seals with RSA-OAEP only)`);
  }
  return {
    publicKey,
    notBefore: new Date(first.validFrom),
    notAfter: new Date(first.validTo),
    fingerprint: sshFingerprint(publicKey),
    bits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

/** kubeseal's refusal of an expired certificate, or undefined when `now` is before its end of validity. */
export function expiryError(notAfter: Date, now: Date): string | undefined {
  if (now.getTime() <= notAfter.getTime()) return undefined;
  return `failed to encrypt using an expired certificate on ${goLongDate(notAfter)}`;
}

/** `ssh.FingerprintSHA256(ssh.NewPublicKey(rsaKey))`: SHA-256 of the `ssh-rsa` wire encoding, unpadded base64. */
export function sshFingerprint(publicKey: crypto.KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const wire = Buffer.concat([sshString(Buffer.from('ssh-rsa')), sshString(mpint(Buffer.from(jwk.e!, 'base64url'))), sshString(mpint(Buffer.from(jwk.n!, 'base64url')))]);
  return `SHA256:${crypto.createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The time checks use: `SOURCE_DATE_EPOCH` (seconds, the reproducible-builds convention) when set, so that a
 * build pinned to a date gives the same verdict on any day; otherwise the current time. It never changes output.
 */
export function checkClock(): Date {
  const pinned = process.env.SOURCE_DATE_EPOCH;
  if (pinned !== undefined && /^\d{1,12}$/.test(pinned.trim())) return new Date(Number(pinned.trim()) * 1000);
  return new Date();
}

function sshString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function mpint(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const trimmed = b.subarray(i);
  // A positive mpint whose high bit is set gets a leading zero byte.
  return trimmed[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Go's `Format("January 2, 2006")` in UTC. */
function goLongDate(d: Date): string {
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
}

/**
 * Why a string cannot be a `HybridEncrypt` blob: standard base64 of `uint16BE(n) ‖ n bytes of RSA ciphertext ‖
 * AES-GCM ciphertext with its 16-byte tag`, where n is the size of an RSA modulus (1024 bits or more).
 */
export function sealedValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'empty or not a string';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return 'not standard base64';
  const blob = Buffer.from(value, 'base64');
  if (blob.length < 2) return 'too short';
  const n = blob.readUInt16BE(0);
  // The RSA part is as long as the modulus: any key of 1024 bits or more (Go's crypto/rsa refuses smaller ones).
  if (n < 128) return `its RSA part would be ${n} bytes, which no RSA key the controller uses gives`;
  if (blob.length < 2 + n + 16) return 'shorter than its RSA part and the AES-GCM tag';
  return undefined;
}
