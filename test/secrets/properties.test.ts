import * as crypto from 'crypto';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { sopsEncrypt } from './sops-tool';
import { ageIdentity } from './support';
import { encryptionLabel, hybridEncrypt } from '../../src/private/sealing';
import { readSopsYaml } from '../../src/private/sops-format';

const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The controller's `singleDecrypt`, with Node's crypto. */
function open(blob: Buffer, label: Buffer): Buffer {
  const n = blob.readUInt16BE(0);
  const key = crypto.privateDecrypt({ key: privateKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, blob.subarray(2, 2 + n));
  const body = blob.subarray(2 + n);
  const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.alloc(12));
  d.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]);
}

const name = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
const scope = fc.constantFrom('strict' as const, 'namespace-wide' as const, 'cluster-wide' as const);

describe('sealing properties', () => {
  test('any value sealed for any scope opens with its label, and only the scope\'s own label', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), name, name, scope, name, (value, ns, n, s, other) => {
      const blob = hybridEncrypt(publicKey, Buffer.from(value), encryptionLabel(ns, n, s));
      expect(open(blob, encryptionLabel(ns, n, s)).equals(Buffer.from(value))).toBe(true);
      const wrong = encryptionLabel(`${ns}x`, `${n}${other}`, s);
      if (!wrong.equals(encryptionLabel(ns, n, s))) expect(() => open(blob, wrong)).toThrow();
    }), { numRuns: 60 });
  });
});

describe('SOPS reader properties', () => {
  const id = ageIdentity();
  const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
  const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean());
  const tree = fc.letrec(tie => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 3 })),
  })).node;

  test('what the encrypter writes is read as fully encrypted; any value put back in plaintext is named', () => {
    fc.assert(fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 4 }), data => {
      const plain = YAML.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
      const { text } = sopsEncrypt(plain, { ageRecipients: [id.recipient], encryptedRegex: '^data$' });
      const read = readSopsYaml(text);
      expect(read.problems).toEqual([]);
      const encrypted = read.leaves.filter(l => l.encrypted && typeof l.value === 'string' && l.value !== '');
      for (const l of encrypted) expect(l.value).toMatch(/^ENC\[AES256_GCM,/);
      if (encrypted.length === 0) return;
      // put the first encrypted value back in plaintext
      const doc = YAML.parseDocument(text);
      let done = false;
      YAML.visit(doc, {
        Scalar: (_k, node) => {
          if (!done && typeof node.value === 'string' && node.value.startsWith('ENC[') && node.value !== read.metadata.mac) {
            node.value = 'plaintext!';
            done = true;
          }
        },
      });
      const problems = readSopsYaml(doc.toString()).problems;
      expect(problems.some(p => p.startsWith(`${encrypted[0].display} is not encrypted`))).toBe(true);
    }), { numRuns: 25 });
  });
});
