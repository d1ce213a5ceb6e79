/**
 * Checks of a SOPS-encrypted manifest as a file of the tree: it is really encrypted (sops-format), its plain part
 * is a valid object of its kind, and nothing outside its encrypted values carries a secret. The checks run on a
 * view of the object where `sops` and every encrypted value are left out: ciphertext is not plaintext, and the
 * schema sees the object as ksops will produce it.
 */
import { gitopsYamlModule, scannerModule, schemaValidatorModule } from './lazy';
import type { Placement } from './placement';
import { readSopsYaml, SopsDocument } from './sops-format';

/** The problems of a SOPS file's text (one document). */
export function sopsTextProblems(text: string, role: Placement['role'], validateSchemas = true): string[] {
  return problemsOf(readSopsYaml(text), role, validateSchemas);
}

/** The problems of a SOPS-encrypted object read from a tree (`cdk8s-fleet validate`). */
export function sopsObjectProblems(json: any, role: Placement['role'], validateSchemas: boolean): string[] {
  return problemsOf(readSopsYaml(gitopsYamlModule().toYaml(json)), role, validateSchemas);
}

function problemsOf(doc: SopsDocument, role: Placement['role'], validateSchemas: boolean): string[] {
  const problems = doc.problems.map(p => `sops: ${p}`);
  if (doc.documents.length !== 1) {
    if (doc.documents.length > 1) problems.push('sops: a SOPS file in the tree must hold one document (one object)');
    return problems;
  }
  const encrypted = new Set(doc.leaves.filter(l => l.encrypted && typeof l.value === 'string' && l.value !== '').map(l => l.display));
  const scanView = without(doc.documents[0], '', encrypted, undefined);
  const schemaView = without(doc.documents[0], '', encrypted, '');
  if (validateSchemas) {
    const schema = schemaValidatorModule().SchemaValidator.get().validate(schemaView);
    if (schema === undefined) problems.push(`no pinned schema for '${schemaView.apiVersion}/${schemaView.kind}'`);
    else problems.push(...schema.map(e => `schema (decrypted by ksops): ${e}`));
  }
  // The plain part is scanned like any object; a Secret's encrypted data is not plaintext.
  const plain = isSecret(scanView) && isEmptyData(scanView) ? { ...scanView, data: undefined, stringData: undefined } : scanView;
  problems.push(...scannerModule().scanDocument(plain, { role }).map(scannerModule().findingText));
  return problems;
}

/** A copy without the encrypted leaves (`replacement` undefined) or with them replaced. */
function without(value: any, display: string, encrypted: Set<string>, replacement: string | undefined): any {
  if (Array.isArray(value)) {
    return value.map((v, i) => without(v, `${display}[${i}]`, encrypted, replacement)).filter(v => v !== REMOVED);
  }
  if (value !== null && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) {
      const w = without(v, display ? `${display}.${k}` : k, encrypted, replacement);
      if (w !== REMOVED) out[k] = w;
    }
    return out;
  }
  if (encrypted.has(display)) return replacement === undefined ? REMOVED : replacement;
  return value;
}

const REMOVED = Symbol('removed');

function isSecret(o: any): boolean {
  return o?.apiVersion === 'v1' && o?.kind === 'Secret';
}

function isEmptyData(o: any): boolean {
  const empty = (m: any) => m === undefined || m === null || (typeof m === 'object' && Object.values(m).every(v => v === '' || v === null));
  return empty(o.data) && empty(o.stringData);
}
