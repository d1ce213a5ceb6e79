import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { main } from '../../src/cli/main';
import { sealCommand } from '../../src/cli/seal';
import { encryptionLabel, hybridEncrypt, parseCertificate } from '../../src/private/sealing';
import { ecCertificate, rsaCertificate, rsaCertificateBetween, sshKeygenFingerprint, tmpDir, unseal } from '../secrets/support';

const keys = rsaCertificate(2048);
const input = (text: string) => () => Buffer.from(text, 'utf-8');

describe('cdk8s-fleet seal (raw)', () => {
  test.each([
    ['strict', 'myns/mysecret'],
    ['namespace-wide', 'myns'],
    ['cluster-wide', ''],
  ])('a value sealed with scope %s opens with the controller algorithm and label %j', (scope, label) => {
    // WHEN
    const r = sealCommand({ cert: keys.cert, namespace: 'myns', name: 'mysecret', scope }, input('supersecret'));
    // THEN the output is base64 only (kubeseal --raw prints no newline), and decrypts independently
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(unseal(r.stdout, keys.key, label).toString()).toBe('supersecret');
    expect(r.stderr).toContain(`sealed for certificate ${parseCertificate(fs.readFileSync(keys.cert, 'utf-8')).fingerprint}`);
  });

  test('the blob is uint16BE(len) ‖ RSA-OAEP ciphertext ‖ AES-GCM ciphertext with its tag', () => {
    const r = sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n' }, input('abc'));
    const blob = Buffer.from(r.stdout, 'base64');
    expect(blob.readUInt16BE(0)).toBe(256); // 2048-bit key
    expect(blob.length).toBe(2 + 256 + 3 + 16);
  });

  test('a 4096-bit key gives a 512-byte RSA part', () => {
    const big = rsaCertificate(4096, 30);
    const blob = Buffer.from(sealCommand({ cert: big.cert, namespace: 'ns', name: 'n' }, input('x')).stdout, 'base64');
    expect(blob.readUInt16BE(0)).toBe(512);
    expect(unseal(blob.toString('base64'), big.key, 'ns/n').toString()).toBe('x');
  });

  test('sealing is randomized: the same value gives a different ciphertext each time (ss#515)', () => {
    const a = sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n' }, input('same')).stdout;
    const b = sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n' }, input('same')).stdout;
    expect(a).not.toBe(b);
  });

  test('stdin is sealed byte for byte (a trailing newline is part of the value, as with kubeseal)', () => {
    const r = sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n' }, input('line\n'));
    expect(unseal(r.stdout, keys.key, 'ns/n').toString()).toBe('line\n');
  });

  // Ported from bitnami-labs/sealed-secrets@v0.36.6 pkg/kubeseal/kubeseal_test.go TestRaw: a value sealed with
  // (ns, name, scope) placed in the SealedSecret myns/mysecret with that scope's annotation, unsealed with the
  // label of the SealedSecret's own namespace and name.
  describe('TestRaw cases', () => {
    const cases: Array<{ ns: string; name: string; scope?: string; fails?: boolean }> = [
      { ns: 'myns', name: 'mysecret' },
      { ns: 'youGiveRest', name: 'mysecret', fails: true },
      { ns: 'myns', name: 'aBadName', fails: true },
      { scope: 'namespace-wide', ns: 'myns', name: 'mysecret' },
      { scope: 'namespace-wide', ns: 'youGiveRest', name: '', fails: true },
      { scope: 'namespace-wide', ns: 'youGiveRest', name: 'aBadName', fails: true },
      { scope: 'namespace-wide', ns: 'myns', name: '' },
      { scope: 'namespace-wide', ns: 'myns', name: 'aBadName' },
      { scope: 'cluster-wide', ns: 'myns', name: 'mysecret' },
      { scope: 'cluster-wide', ns: 'youGiveRest', name: 'mysecret' },
      { scope: 'cluster-wide', ns: 'myns', name: '' },
      { scope: 'cluster-wide', ns: 'myns', name: 'aBadName' },
      { scope: 'cluster-wide', ns: '', name: '' },
      { scope: 'cluster-wide', ns: '', name: 'aBadName' },
    ];
    const unsealLabel = (scope?: string) => (scope === 'cluster-wide' ? '' : scope === 'namespace-wide' ? 'myns' : 'myns/mysecret');
    test.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, c) => {
      // The CLI checks names as Kubernetes does; the upstream cases use 'youGiveRest' and 'aBadName', which are
      // not valid names, so the value is sealed here exactly as `kubeseal --raw` would label it.
      const key = parseCertificate(fs.readFileSync(keys.cert, 'utf-8')).publicKey;
      const sealed = hybridEncrypt(key, Buffer.from('supersecret'), encryptionLabel(c.ns, c.name, (c.scope ?? 'strict') as any)).toString('base64');
      if (c.fails) {
        expect(() => unseal(sealed, keys.key, unsealLabel(c.scope))).toThrow();
      } else {
        expect(unseal(sealed, keys.key, unsealLabel(c.scope)).toString()).toBe('supersecret');
      }
    });
  });

  test('a value sealed for another name or namespace does not open (the wrong label does not decrypt)', () => {
    const r = sealCommand({ cert: keys.cert, namespace: 'ns', name: 'db' }, input('v'));
    expect(() => unseal(r.stdout, keys.key, 'ns/other')).toThrow();
    expect(() => unseal(r.stdout, keys.key, 'other/db')).toThrow();
    expect(() => unseal(r.stdout, keys.key, '')).toThrow();
    const wide = sealCommand({ cert: keys.cert, namespace: 'ns', scope: 'namespace-wide' }, input('v'));
    expect(() => unseal(wide.stdout, keys.key, 'ns/db')).toThrow();
    const other = rsaCertificate(2048, 30);
    expect(() => unseal(r.stdout, other.key, 'ns/db')).toThrow();
  });

  test('refuses an expired certificate, saying so (kubeseal ParseKey wording)', () => {
    const expired = rsaCertificateBetween('20200101000000Z', '20210101000000Z');
    expect(() => sealCommand({ cert: expired.cert, namespace: 'ns', name: 'n' }, input('v')))
      .toThrow(`${expired.cert}: failed to encrypt using an expired certificate on January 1, 2021`);
  });

  test('refuses a certificate that is not RSA, saying so', () => {
    const ec = ecCertificate();
    expect(() => sealCommand({ cert: ec, namespace: 'ns', name: 'n' }, input('v'))).toThrow(/expected RSA public key but found ec/);
  });

  test('refuses what is not a certificate', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'x.pem'), 'hello');
    expect(() => sealCommand({ cert: path.join(dir, 'x.pem'), namespace: 'ns', name: 'n' }, input('v'))).toThrow(/failed to read any certificates/);
    expect(() => sealCommand({ cert: path.join(dir, 'missing.pem'), namespace: 'ns', name: 'n' }, input('v'))).toThrow(/no such file/);
  });

  test.each([
    [{ namespace: 'ns' }, 'must provide the --name flag with --raw and --scope strict'],
    [{ name: 'n' }, 'must provide the --namespace flag with --raw and --scope strict'],
    [{ name: 'n', scope: 'namespace-wide' }, 'must provide the --namespace flag with --raw and --scope namespace-wide'],
    [{ namespace: 'ns', name: 'n', scope: 'global' }, "--scope ('global'): must be one of: strict, namespace-wide, cluster-wide"],
    [{ namespace: 'NS', name: 'n' }, "--namespace ('NS') must consist of lower case alphanumeric characters"],
  ])('usage errors are refused before stdin is read: %j', (options, message) => {
    const stdin = jest.fn(() => Buffer.from('v'));
    expect(() => sealCommand({ cert: keys.cert, ...options }, stdin)).toThrow(message);
    expect(stdin).not.toHaveBeenCalled();
  });

  test('namespace-wide needs no name; cluster-wide needs neither', () => {
    expect(sealCommand({ cert: keys.cert, namespace: 'ns', scope: 'namespace-wide' }, input('v')).code).toBe(0);
    expect(sealCommand({ cert: keys.cert, scope: 'cluster-wide' }, input('v')).code).toBe(0);
  });

  test('refuses more than 1 MiB on stdin', () => {
    expect(() => sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n' }, () => Buffer.alloc(1024 * 1024 + 1)))
      .toThrow('stdin: more than 1048576 bytes (a Secret holds at most 1 MiB)');
  });

  test('the recorded fingerprint is the controller\'s key name, as ssh-keygen computes it', () => {
    expect(parseCertificate(fs.readFileSync(keys.cert, 'utf-8')).fingerprint).toBe(sshKeygenFingerprint(keys.cert));
  });
});

describe('cdk8s-fleet seal --env-file', () => {
  test('seals every key=value line into a SealedSecret that records the certificate', () => {
    // GIVEN
    const dir = tmpDir();
    const env = path.join(dir, 'db.env');
    fs.writeFileSync(env, '# database\nDB_USER=api\n\n  DB_PASSWORD=p@ss=word \r\n');
    const out = path.join(dir, 'sealed.yaml');
    // WHEN
    const r = sealCommand({ cert: keys.cert, namespace: 'api', name: 'api-db', envFile: env, output: out, type: 'Opaque' }, () => { throw new Error('stdin is not read'); });
    // THEN
    expect(r.code).toBe(0);
    const text = fs.readFileSync(out, 'utf-8');
    expect(text).not.toContain('p@ss');
    const doc: any = yaml.load(text);
    expect(doc.metadata).toEqual({ name: 'api-db', namespace: 'api', annotations: { 'fleet.cdk8s.io/sealing-certificate': parseCertificate(fs.readFileSync(keys.cert, 'utf-8')).fingerprint } });
    expect(doc.spec.template).toEqual({ metadata: { name: 'api-db', namespace: 'api' }, type: 'Opaque' });
    expect(Object.keys(doc.spec.encryptedData)).toEqual(['DB_PASSWORD', 'DB_USER']);
    expect(unseal(doc.spec.encryptedData.DB_PASSWORD, keys.key, 'api/api-db').toString()).toBe('p@ss=word ');
    expect(unseal(doc.spec.encryptedData.DB_USER, keys.key, 'api/api-db').toString()).toBe('api');
  });

  test('the scope is recorded as the controller reads it, on the object and its template', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.env'), 'K=v\n');
    const r = sealCommand({ cert: keys.cert, scope: 'cluster-wide', name: 'shared', envFile: path.join(dir, 'a.env') }, input(''));
    const doc: any = yaml.load(r.stdout);
    expect(doc.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(doc.spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(unseal(doc.spec.encryptedData.K, keys.key, '').toString()).toBe('v');
  });

  test('keys named like members of Object.prototype are sealed like any other', () => {
    // GIVEN an env file whose keys are valid Secret keys named like members of Object.prototype
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.env'), 'constructor=c\ntoString=t\n__proto__=p\n');
    // WHEN it is sealed
    const r = sealCommand({ cert: keys.cert, scope: 'cluster-wide', name: 'shared', envFile: path.join(dir, 'a.env') }, input(''));
    // THEN every key is in the SealedSecret, none is refused as given twice or lost
    const encrypted = yaml.load(r.stdout) as any;
    expect(Object.keys(encrypted.spec.encryptedData)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(unseal(encrypted.spec.encryptedData.constructor, keys.key, '').toString()).toBe('c');
    expect(unseal(Object.getOwnPropertyDescriptor(encrypted.spec.encryptedData, '__proto__')!.value, keys.key, '').toString()).toBe('p');
  });

  test.each([
    ['NOEQUALS\n', /a\.env:1: expected key=value \(the value is not shown\)/],
    ['A=1\nA=2\n', /a\.env:2: key 'A' is given twice/],
    ['bad key=1\n', /a\.env:1: key 'bad key' is not a valid Secret key/],
    ['# only a comment\n', /a\.env: no key=value line/],
  ])('refuses a malformed env file %j', (content, message) => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'a.env'), content);
    expect(() => sealCommand({ cert: keys.cert, namespace: 'ns', name: 'n', envFile: path.join(dir, 'a.env') }, input(''))).toThrow(message);
  });
});

describe('cdk8s-fleet seal through main', () => {
  test('usage errors exit 2 with one line on stderr', () => {
    let err = '';
    const code = main(['seal', '--cert', keys.cert, '--name', 'n'], { out: () => undefined, err: t => { err += t; } });
    expect(code).toBe(2);
    expect(err).toBe('error: must provide the --namespace flag with --raw and --scope strict\n');
  });
});
