import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { ageDataKey, goFloat, sopsDecrypt, sopsEncrypt } from './sops-tool';
import { ageIdentity, tmpDir } from './support';
import { SopsFile } from '../../src';
import { readSopsYaml } from '../../src/private/sops-format';

const UPSTREAM = path.join(__dirname, 'fixtures', 'sops-upstream');
const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: api-db
  namespace: api
type: Opaque
stringData:
  username: api
  password: s3cr3t-value
  port: 5432
  ratio: 0.75
  enabled: true
  empty: ''
  items:
    - first
    - second
`;

function write(text: string, name = 'secret.sops.yaml'): string {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, text);
  return file;
}

describe('the SOPS format (verified against a file the sops CLI wrote)', () => {
  // getsops/sops@v3.13.2 example.yaml is encrypted with the published functional-test PGP key
  // (pgp/sops_functional_tests_key.asc): decrypting its data key with gpg and then every value with the rules of
  // sops-tool.ts, and recomputing its MAC, checks the AAD, type and MAC rules against real sops output.
  test('example.yaml from the sops repository decrypts and its MAC matches', () => {
    // GIVEN the data key, opened with gpg and the published test key
    const home = tmpDir('cdk8s-fleet-gpg-');
    fs.chmodSync(home, 0o700);
    execFileSync('gpg', ['--batch', '--import', path.join(UPSTREAM, 'sops_functional_tests_key.asc')], { env: { ...process.env, GNUPGHOME: home }, stdio: 'ignore' });
    const text = fs.readFileSync(path.join(UPSTREAM, 'example.yaml'), 'utf-8');
    const meta: any = YAML.parse(text).sops;
    const dataKey = execFileSync('gpg', ['--batch', '--decrypt'], { input: meta.pgp[0].enc, env: { ...process.env, GNUPGHOME: home }, stdio: ['pipe', 'pipe', 'ignore'] });
    expect(dataKey.length).toBe(32);
    // WHEN
    const { values, macMatches } = sopsDecrypt(text, dataKey);
    // THEN
    expect(macMatches).toBe(true);
    expect(values.somelist_unencrypted).toBe('all elements of this list');
    expect(values.somebooleans).toMatch(/^(True|False)$/);
    expect(Object.keys(values).length).toBeGreaterThan(10);
    // and the library's reader finds it fully encrypted by its default rule
    const read = readSopsYaml(text);
    expect(read.problems).toEqual([]);
    expect(read.rule).toEqual({ kind: 'unencrypted_suffix', value: '_unencrypted' });
    expect(read.leaves.filter(l => l.encrypted).length).toBeGreaterThan(8);
    expect(read.leaves.find(l => l.display === 'nested_unencrypted.this.is.all')?.encrypted).toBe(false);
  });

  test('a fixture made by the test encrypter decrypts with age and its MAC matches', () => {
    // GIVEN
    const id = ageIdentity();
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    // WHEN
    const dataKey = ageDataKey(text, id.identityFile);
    const { values, macMatches } = sopsDecrypt(text, dataKey);
    // THEN
    expect(macMatches).toBe(true);
    expect(values['stringData.password']).toBe('s3cr3t-value');
    expect(values['stringData.port']).toBe('5432');
    expect(values['stringData.ratio']).toBe('0.75');
    expect(values['stringData.enabled']).toBe('True');
    expect(values['stringData.items#1']).toBe('second');
    expect(text).not.toContain('s3cr3t-value');
    expect(text).toContain("empty: ''");
  });

  test('mac_only_encrypted: the MAC covers only encrypted values, after the fixed prefix', () => {
    const id = ageIdentity();
    const { text, dataKey } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$', macOnlyEncrypted: true });
    expect(sopsDecrypt(text, dataKey).macMatches).toBe(true);
    const tampered = text.replace('name: api-db', 'name: api-db2');
    expect(sopsDecrypt(tampered, dataKey).macMatches).toBe(true); // plain values are outside this MAC
    const full = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    expect(sopsDecrypt(full.text.replace('name: api-db', 'name: api-db2'), full.dataKey).macMatches).toBe(false);
  });

  test.each([
    [0.1, '0.1'], [1e21, '1000000000000000000000'], [1.5e-7, '0.00000015'], [-2.5e22, '-25000000000000000000000'], [3, '3'],
  ])('floats are written as Go FormatFloat(f, \'f\', -1, 64): %s', (f, s) => {
    expect(goFloat(f)).toBe(s);
  });
});

describe('SopsFile', () => {
  const id = ageIdentity();
  const other = ageIdentity();

  test('reads an encrypted file: recipients, rule and the plain part', () => {
    // GIVEN
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient, other.recipient], encryptedRegex: '^(data|stringData)$' });
    // WHEN
    const file = SopsFile.fromFile(write(text));
    // THEN
    expect(file.ageRecipients).toEqual([id.recipient, other.recipient].sort());
    expect(file.encryptionRule).toBe('encrypted_regex ^(data|stringData)$');
    expect([file.apiVersion, file.kind, file.objectName, file.objectNamespace]).toEqual(['v1', 'Secret', 'api-db', 'api']);
    expect(file.isEncryptedFor(id.recipient)).toBe(true);
    expect(file.isEncryptedFor(ageIdentity().recipient)).toBe(false);
  });

  test('a plaintext file is refused', () => {
    const file = write(SECRET);
    expect(() => SopsFile.fromFile(file)).toThrow(`SOPS file ${file}:\n  not encrypted with SOPS: no top-level 'sops' metadata (encrypt it with \`sops --encrypt\`)`);
  });

  test('a file go-yaml would read otherwise (a raw U+2028 ending a comment) is refused: it is written byte for byte', () => {
    // GIVEN an encrypted file whose comment ends in U+2028: go-yaml (Argo CD, ksops, kubectl) would read the rest as a key
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    const file = write(`# note\u2028replicas: 0\n${text}`);
    // WHEN / THEN
    expect(() => SopsFile.fromFile(file)).toThrow(`SOPS file ${file}:\n  line 1:7: a raw U+2028 (LINE SEPARATOR): go-yaml, which Argo CD, kubectl and kustomize use, reads it as a line break`);
  });

  test('a half-encrypted file is refused, naming each plaintext key path', () => {
    // GIVEN a file whose password was edited in plaintext after encryption
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    const edited = text.replace(/password: ENC\[[^\]]+\]/, 'password: hunter2').replace(/- ENC\[[^\]]+type:str\]\n(\s*)- ENC/, '- plain\n$1- ENC');
    // WHEN / THEN
    let message = '';
    try {
      SopsFile.fromFile(write(edited));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('stringData.password is not encrypted: SOPS\' encrypted_regex "^(data|stringData)$" says it must be; the value would reach Git in plaintext');
    expect(message).toContain('stringData.items[0] is not encrypted');
    expect(message).not.toContain('hunter2');
  });

  test('the default rule (unencrypted_suffix) encrypts apiVersion and kind too, which ksops cannot read', () => {
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient] });
    expect(() => SopsFile.fromFile(write(text))).toThrow(/apiVersion, kind and metadata.name must stay plain/);
  });

  test('a file without a MAC, with two rules, or without keys is refused', () => {
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    const edit = (f: (doc: any) => void) => {
      const doc = YAML.parse(text);
      f(doc);
      return write(YAML.stringify(doc));
    };
    expect(() => SopsFile.fromFile(edit(d => delete d.sops.mac))).toThrow(/sops.mac is missing/);
    expect(() => SopsFile.fromFile(edit(d => { d.sops.unencrypted_suffix = '_plain'; })))
      .toThrow(/Cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, unencrypted_regex/);
    expect(() => SopsFile.fromFile(edit(d => delete d.sops.age))).toThrow(/No keys found in file/);
  });

  test('a malformed encrypted value is refused', () => {
    const { text } = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    const broken = text.replace(/(password: ENC\[AES256_GCM,data:[^,]+,iv:)[^,]+/, '$1AAAA');
    expect(() => SopsFile.fromFile(write(broken))).toThrow(/stringData.password: malformed encrypted value \(the IV is not 32 bytes\)/);
  });

  test('multi-document files and unsafe file names are refused', () => {
    const two = sopsEncrypt(`${SECRET}---\n${SECRET}`, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    expect(() => SopsFile.fromFile(write(two.text))).toThrow(/holds more than one document/);
    const one = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], encryptedRegex: '^(data|stringData)$' });
    expect(() => SopsFile.fromFile(write(one.text, 'kustomization.yaml'))).toThrow(/other than kustomization.yaml and ksops.yaml/);
  });

  test('unencrypted_regex and encrypted_suffix select as SOPS does', () => {
    const a = sopsEncrypt(SECRET, { ageRecipients: [id.recipient], unencryptedRegex: '^(apiVersion|metadata|kind|type)$' });
    expect(SopsFile.fromFile(write(a.text)).encryptionRule).toBe('unencrypted_regex ^(apiVersion|metadata|kind|type)$');
    expect(readSopsYaml(a.text).leaves.find(l => l.display === 'metadata.name')?.encrypted).toBe(false);
    const b = sopsEncrypt('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  token_enc: abc\n  note: plain\n',
      { ageRecipients: [id.recipient], encryptedSuffix: '_enc' });
    const read = readSopsYaml(b.text);
    expect(read.problems).toEqual([]);
    expect(read.leaves.filter(l => l.encrypted).map(l => l.display)).toEqual(['stringData.token_enc']);
  });
});
