import { show } from '../private/errors';
import { checkClock, expiryError, parseCertificate, ParsedCertificate } from '../private/sealing';
import { InputError, readTextFile } from '../private/yaml-input';

/** The largest certificate file read (a PEM chain is a few KiB). */
const MAX_CERTIFICATE_BYTES = 1024 * 1024;

/**
 * The public certificate of a cluster's Sealed Secrets controller (`kubeseal --fetch-cert`), committed to the
 * repository. It is public material: it can only seal, never unseal. A `Cluster` names it so that synth can
 * check that it has not expired and that every SealedSecret deployed to the cluster was sealed for it.
 *
 * @example
 * fleet.addCluster('prod-eu-1', {
 *   server: 'https://prod-eu-1.k8s.acme.io',
 *   credentials: ClusterCredentials.gkeWorkloadIdentity(),
 *   sealingCertificate: SealingCertificate.fromFile('certs/prod-eu-1.pem'),
 * });
 */
export class SealingCertificate {
  /** Reads a PEM file (the first certificate is used, as kubeseal does). Throws if it is not an RSA certificate. */
  public static fromFile(path: string): SealingCertificate {
    let pem: string;
    try {
      pem = readTextFile(path, { maxBytes: MAX_CERTIFICATE_BYTES, what: 'sealing certificate' });
    } catch (e) {
      throw new Error(e instanceof InputError ? e.message : String(e));
    }
    return new SealingCertificate(pem, path);
  }

  /** A PEM certificate given as text. Throws if it is not an RSA certificate. */
  public static fromPem(pem: string): SealingCertificate {
    return new SealingCertificate(pem, undefined);
  }

  /** The controller's name for the key, `SHA256:<base64>` (Sealed Secrets' `PublicKeyFingerprint`). */
  public readonly fingerprint: string;
  /** The end of the certificate's validity. */
  public readonly notAfter: Date;
  /** The file it was read from, if any. */
  public readonly path?: string;
  /** @internal */
  public readonly _parsed: ParsedCertificate;
  /** @internal The PEM text. */
  public readonly _pem: string;

  private constructor(pem: string, path: string | undefined) {
    const where = path ? `sealing certificate ${path}` : 'sealing certificate';
    try {
      this._parsed = parseCertificate(pem);
    } catch (e) {
      throw new Error(`${where}: ${(e as Error).message}`);
    }
    if (/PRIVATE KEY/.test(pem)) throw new Error(`${where} contains a private key: commit only the certificate (kubeseal --fetch-cert)`);
    this._pem = pem;
    this.path = path;
    this.fingerprint = this._parsed.fingerprint;
    this.notAfter = this._parsed.notAfter;
  }

  /**
   * @internal Why the certificate cannot seal at the check clock (`SOURCE_DATE_EPOCH` when set, otherwise now),
   * or undefined. The verdict never changes what synth writes.
   */
  public _expiryError(): string | undefined {
    const error = expiryError(this.notAfter, checkClock());
    if (!error) return undefined;
    return `sealing certificate ${this.path ? show(this.path) + ' ' : ''}(${this.fingerprint}): ${error}; fetch the controller's current certificate (kubeseal --fetch-cert) and re-seal`;
  }
}
