import * as path from 'path';
import { show } from '../private/errors';
import { readSopsYaml, SopsDocument } from '../private/sops-format';
import { InputError, readTextFile } from '../private/yaml-input';

/** The largest SOPS file read: a Secret holds at most 1 MiB, and encryption grows it by about a third. */
const MAX_SOPS_BYTES = 4 * 1024 * 1024;

/**
 * A Kubernetes manifest encrypted with the `sops` CLI (age keys), committed to the repository. Reading it checks
 * that it really is encrypted: SOPS metadata present, every value its encryption rule (`encrypted_regex`,
 * `unencrypted_suffix` …) selects is an `ENC[…]` value, and a MAC present. A plaintext or half-encrypted file is
 * an error naming the key path. The program never decrypts it: only the cluster (ksops, Flux) can.
 *
 * @example
 * // sops --encrypt --age age1… --encrypted-regex '^(data|stringData)$' api-db.yaml > secrets/api-db.sops.yaml
 * const db = SopsFile.fromFile('secrets/api-db.sops.yaml');
 */
export class SopsFile {
  /** Reads and checks a SOPS-encrypted YAML file (one document). Throws listing every problem. */
  public static fromFile(filePath: string): SopsFile {
    let text: string;
    try {
      text = readTextFile(filePath, { maxBytes: MAX_SOPS_BYTES, what: 'SOPS file' });
    } catch (e) {
      throw new Error(e instanceof InputError ? e.message : String(e));
    }
    return new SopsFile(filePath, text);
  }

  /** The file it was read from. */
  public readonly path: string;
  /** The age recipients its data key is encrypted to. */
  public readonly ageRecipients: string[];
  /** The encryption rule, e.g. `encrypted_regex ^(data|stringData)$`. */
  public readonly encryptionRule: string;
  /** The object's kind, apiVersion, name and namespace (its plain part). */
  public readonly kind: string;
  public readonly apiVersion: string;
  public readonly objectName: string;
  public readonly objectNamespace?: string;
  /** @internal The bytes, written to the tree as they are. */
  public readonly _content: string;
  /** @internal */
  public readonly _parsed: SopsDocument;

  private constructor(filePath: string, text: string) {
    const parsed = readSopsYaml(text);
    const problems = [...parsed.problems];
    if (parsed.documents.length > 1) problems.push('holds more than one document: give each object its own SOPS file');
    const doc = parsed.documents[0] ?? {};
    const plain = (v: unknown) => typeof v === 'string' && !v.startsWith('ENC[');
    if (parsed.documents.length === 1) {
      if (!plain(doc.apiVersion) || !plain(doc.kind) || !plain(doc.metadata?.name)) {
        problems.push("apiVersion, kind and metadata.name must stay plain (kustomize and Argo CD read them): encrypt with --encrypted-regex '^(data|stringData)$'");
      }
    }
    if (problems.length) throw new Error(`SOPS file ${filePath}:\n  ${problems.join('\n  ')}`);
    const base = path.basename(filePath);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.(ya?ml|json)$/.test(base) || base === 'kustomization.yaml' || base === 'ksops.yaml') {
      throw new Error(`SOPS file ${show(filePath)}: its name must be a plain .yaml file name other than kustomization.yaml and ksops.yaml (it is written to the tree under it)`);
    }
    this.path = filePath;
    this._content = text;
    this._parsed = parsed;
    this.ageRecipients = parsed.ageRecipients;
    this.encryptionRule = `${parsed.rule.kind} ${parsed.rule.value}`;
    this.kind = doc.kind;
    this.apiVersion = doc.apiVersion;
    this.objectName = doc.metadata.name;
    this.objectNamespace = typeof doc.metadata?.namespace === 'string' ? doc.metadata.namespace : undefined;
  }

  /** Whether the file is encrypted to an age recipient (`age1…`). */
  public isEncryptedFor(recipient: string): boolean {
    return this.ageRecipients.includes(recipient.trim());
  }
}
