/**
 * Test keys and independent decryption for Sealed Secrets and SOPS tests: certificates are made with the
 * `openssl` CLI, sealed values are opened with `openssl pkeyutl` (RSA-OAEP with SHA-256 and the scope's label)
 * and a separate AES-256-GCM decryption; age keys come from Debian's `age-keygen`.
 */
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A fresh temporary directory. */
export function tmpDir(prefix = 'cdk8s-fleet-secrets-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An RSA key pair and a self-signed certificate valid for `days` days from now. */
export function rsaCertificate(bits = 2048, days = 3650): { dir: string; cert: string; key: string } {
  const dir = tmpDir();
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', `rsa:${bits}`, '-nodes', '-keyout', key, '-out', cert, '-days', String(days), '-subj', '/O=sealed-secret/CN=sealed-secret'], { stdio: 'ignore' });
  return { dir, cert, key };
}

/** A self-signed RSA certificate valid from `start` to `end` (`YYYYMMDDHHMMSSZ`), made with `openssl ca`. */
export function rsaCertificateBetween(start: string, end: string): { cert: string; key: string } {
  const dir = tmpDir();
  const key = path.join(dir, 'key.pem');
  const csr = path.join(dir, 'req.csr');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=sealed-secret'], { stdio: 'ignore' });
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), [
    '[ ca ]', 'default_ca = dflt', '[ dflt ]', `database = ${path.join(dir, 'index.txt')}`, `serial = ${path.join(dir, 'serial')}`,
    `new_certs_dir = ${dir}`, 'default_md = sha256', 'policy = pol', '[ pol ]', 'commonName = supplied', '',
  ].join('\n'));
  execFileSync('openssl', ['ca', '-batch', '-config', path.join(dir, 'ca.cnf'), '-selfsign', '-keyfile', key, '-in', csr, '-out', cert,
    '-startdate', start, '-enddate', end, '-notext'], { stdio: 'ignore' });
  return { cert, key };
}

/** An EC (P-256) certificate, which Sealed Secrets cannot seal with. */
export function ecCertificate(): string {
  const dir = tmpDir();
  const key = path.join(dir, 'ec.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-x509', '-key', key, '-out', cert, '-days', '30', '-subj', '/CN=ec'], { stdio: 'ignore' });
  return cert;
}

/**
 * Opens a sealed value the way the controller's `singleDecrypt` does, independently of the library: the RSA part
 * with `openssl pkeyutl` (OAEP, SHA-256 and MGF1-SHA-256, the given label), the rest with AES-256-GCM under a
 * zero nonce. Throws when it does not decrypt.
 */
export function unseal(base64: string, keyFile: string, label: string): Buffer {
  const blob = Buffer.from(base64, 'base64');
  const rsaLength = blob.readUInt16BE(0);
  const rsaPart = blob.subarray(2, 2 + rsaLength);
  const aesPart = blob.subarray(2 + rsaLength);
  const dir = tmpDir('cdk8s-fleet-unseal-');
  const input = path.join(dir, 'rsa.bin');
  fs.writeFileSync(input, rsaPart);
  const args = ['pkeyutl', '-decrypt', '-inkey', keyFile, '-in', input,
    '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'];
  if (label !== '') args.push('-pkeyopt', `rsa_oaep_label:${Buffer.from(label, 'utf-8').toString('hex')}`);
  const sessionKey = execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const decipher = crypto.createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aesPart.subarray(aesPart.length - 16));
  return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - 16)), decipher.final()]);
}

/** `ssh-keygen`'s SHA-256 fingerprint of a certificate's public key. */
export function sshKeygenFingerprint(certFile: string): string {
  const dir = tmpDir('cdk8s-fleet-fp-');
  const pub = path.join(dir, 'pub.pem');
  fs.writeFileSync(pub, execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', certFile]));
  const ssh = path.join(dir, 'pub.ssh');
  fs.writeFileSync(ssh, execFileSync('ssh-keygen', ['-i', '-m', 'PKCS8', '-f', pub]));
  return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', ssh]).toString().split(' ')[1];
}

/** A new age identity: its recipient and the identity file. */
export function ageIdentity(): { recipient: string; identityFile: string } {
  const dir = tmpDir('cdk8s-fleet-age-');
  const identityFile = path.join(dir, 'keys.txt');
  execFileSync('age-keygen', ['-o', identityFile], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', identityFile]).toString().trim();
  return { recipient, identityFile };
}
