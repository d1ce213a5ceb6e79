import * as fc from 'fast-check';
import { FALSE_POSITIVES, fake, K, T, TRUE_POSITIVES, configMap } from './catalogue';
import { allowancesYaml, findingText, parseAllowancesYaml, redactIfSecret, scanDocument, scanText, scanTreeFiles, withoutAllowed } from '../../src/secrets/scanner';
import { classifyKey, KeyClass } from '../../src/secrets/scanner-values';

const found = (document: unknown, role?: string) => scanDocument(document, { role }).map(f => `${f.rule} ${f.pointer}`);

describe('scanDocument', () => {
  test('the catalogue holds at least 40 true and false positives', () => {
    expect(TRUE_POSITIVES.length + FALSE_POSITIVES.length).toBeGreaterThanOrEqual(60);
    for (const c of [...TRUE_POSITIVES, ...FALSE_POSITIVES]) expect(c.source).toBeTruthy();
  });

  describe('true positives', () => {
    test.each(TRUE_POSITIVES.map(c => [c.name, c] as const))('%s', (_name, c) => {
      // GIVEN a document holding a credential WHEN scanned THEN the finding names the rule and the value's pointer
      expect(found(c.document, c.role)).toEqual(c.expected);
    });
  });

  describe('false positives', () => {
    test.each(FALSE_POSITIVES.map(c => [c.name, c] as const))('%s', (_name, c) => {
      expect(scanDocument(c.document, { role: c.role }).map(findingText)).toEqual([]);
    });
  });

  test('no message ever quotes the secret: only a public prefix and the length', () => {
    for (const c of TRUE_POSITIVES) {
      for (const f of scanDocument(c.document, { role: c.role })) {
        const text = findingText(f);
        for (const secret of [...Object.values(T), K.rsaPem, K.pkcs8Der, 'hunter2', 'r00tPa55word', 'Pr0xyPa55']) {
          expect(text).not.toContain(secret.slice(5, 17));
        }
      }
    }
  });

  test('a finding says where inside a decoded value it is', () => {
    const docker = configMap({ 'config.json': JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`bot:${fake('dcj', 24)}`).toString('base64') } } }) });
    expect(scanDocument(docker)).toEqual([{
      rule: 'secret-keyword', pointer: '/data/config.json', detail: 'JSON /auths/ghcr.io/auth', what: "holds a literal secret under the key 'auth' (40 chars)",
    }]);
    expect(scanDocument(configMap({ props: 'a=1\n\nDB_PASSWORD="hunter2"\n' }))[0].detail).toBe("line 3 'DB_PASSWORD'");
    expect(scanDocument(configMap({ b: Buffer.from(T.ghp).toString('base64') }))[0].detail).toBe('base64-decoded');
  });

  test('messages: pointer, detail, what, the rule in brackets', () => {
    expect(scanDocument(configMap({ AWS: T.akia })).map(findingText)).toEqual([
      "/data/AWS holds an AWS access key ID ('AKIA…', 20 chars); secrets must never be written to Git [aws-access-key-id]",
    ]);
    expect(scanDocument({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'x' } }, { role: 'workload' }).map(findingText)).toEqual([
      'a Secret with data or stringData would be committed to Git in plaintext (data.a, stringData.b); use an External Secrets ExternalSecret, a SealedSecret or a SOPS-encrypted file instead; secrets must never be written to Git [kubernetes-secret]',
    ]);
  });

  test('a cluster Secret: only Argo CD keys, no credentials in config; the rest of it is scanned like anything else', () => {
    const cluster = (stringData: object, data?: object) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'c', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, stringData, data });
    expect(scanDocument(cluster({ name: 'c', server: 'https://c', config: JSON.stringify({ bearerToken: 'abc', tlsClientConfig: { keyData: 'x' } }) }), { role: 'argocd' }).map(findingText))
      .toEqual(['cluster Secret carries credentials in plaintext (bearerToken, keyData); use ClusterCredentials.*FromSecretStore(); secrets must never be written to Git [kubernetes-secret]']);
    expect(found(cluster({ name: 'c', server: 'https://c', config: 'not json' }), 'argocd')).toEqual(['kubernetes-secret /stringData/config']);
    expect(found(cluster({ name: 'c' }, { config: 'e30=' }), 'argocd')).toEqual(['kubernetes-secret ']);
    expect(found(cluster({ name: 'c', server: 'https://c', config: JSON.stringify({ execProviderConfig: { command: 'x', env: { API_TOKEN: T.random40 } } }) }), 'argocd'))
      .toEqual(['secret-keyword /stringData/config']);
    // In a workload directory the label means nothing: it is a plain Secret with data.
    expect(found(cluster({ name: 'c' }), 'workload')).toEqual(['kubernetes-secret ']);
  });

  test('an Argo CD repository Secret with a credential is refused, naming the keys', () => {
    const repo = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'r', labels: { 'argocd.argoproj.io/secret-type': 'repository' } }, stringData: { url: 'https://github.com/acme/x.git', sshPrivateKey: 'k', password: 'p' } };
    expect(scanDocument(repo, { role: 'argocd' }).map(f => f.what)).toEqual([
      'Argo CD repository Secret carries credentials in plaintext (stringData.sshPrivateKey, stringData.password); use an External Secrets ExternalSecret, a SealedSecret or a SOPS-encrypted file instead',
    ]);
  });

  test('template literals: outside {{ }} and string constants inside one', () => {
    const es = (data: Record<string, string>) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterExternalSecret', metadata: { name: 'e' }, spec: { externalSecretSpec: { target: { template: { data } } } } });
    expect(found(es({ password: '{{ "Sup3rS3cretValue" }}' }))).toEqual(['secret-template-literal /spec/externalSecretSpec/target/template/data/password']);
    expect(found(es({ token: `Bearer ${T.random40}` }))).toEqual(['secret-template-literal /spec/externalSecretSpec/target/template/data/token']);
    expect(found(es({ token: 'Bearer {{ .token }}', auth: '{{ printf "%s:%s" .user .pass | b64enc }}', password: '{{ index . "db-password" }}' }))).toEqual([]);
    // a token format anywhere in a template is found whatever the key
    expect(found(es({ note: `{{ .x }} ${T.ghp}` }))).toEqual(['github-token /spec/externalSecretSpec/target/template/data/note']);
  });

  test('nesting deeper than any Kubernetes object is refused, not skipped', () => {
    let deep: any = 'x';
    for (let i = 0; i < 300; i++) deep = { a: deep };
    expect(found(deep)).toEqual([expect.stringMatching(/^unscannable \/a\/a/)]);
  });

  test('findings are capped per document and the rest counted', () => {
    const data: Record<string, string> = {};
    for (let i = 0; i < 60; i++) data[`k${i}`] = `${T.ghp.slice(0, 10)}${fake(`g${i}`, 30)}`;
    const findings = scanDocument(configMap(data));
    expect(findings).toHaveLength(51);
    expect(findings[50]).toEqual({ rule: 'too-many-findings', pointer: '', what: 'holds 10 more findings (only the first 50 are listed)' });
  });

  test('no input makes it backtrack: hostile 200 KB strings are scanned, not hung on (issue #11 §5)', () => {
    const n = 200_000;
    const hostile = [
      'ey'.repeat(n / 2), 'a://'.repeat(n / 4), 'a'.repeat(n) + '://', `${' '.repeat(n)}!`, '{{'.repeat(n / 2), 'data:'.repeat(n / 5),
      `a="${' a=x'.repeat(n / 4)}`, 'xoxb-12345678-'.repeat(n / 14), `${'A'.repeat(n)}=`, '%2'.repeat(n / 3), `x@${'a.'.repeat(n / 2)}`,
      `-----BEGIN ${'A'.repeat(n)}`, `${'LS0tLS1CRUdJTi'.repeat(n / 14)}`, `password: ${'{{ .x '.repeat(n / 6)}`, '[['.repeat(n / 2),
    ];
    for (const value of hostile) {
      expect(Array.isArray(scanDocument(configMap({ v: value, password: value, [value.slice(0, 1000)]: 'k' })))).toBe(true);
      expect(typeof scanTreeFiles([{ path: 'x.yaml', content: value, objectsScanned: true }])).toBe('object');
    }
  }, 300_000);

  test('property: scanning never throws and never quotes a planted secret, whatever surrounds it', () => {
    const planted = fc.constantFrom(T.akia, T.ghp, T.glpat, T.xoxb, T.age, T.jwt, T.googleApiKey);
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), planted, fc.string(), fc.string(), (doc, secret, before, after) => {
      const value = `${before} ${secret} ${after}`;
      const findings = scanDocument({ wrapper: doc, planted: value });
      const texts = findings.map(findingText).join('\n');
      expect(findings.some(f => f.pointer === '/planted')).toBe(true);
      expect(texts).not.toContain(secret.slice(6));
    }), { numRuns: 300 });
  });

  test('property: a base64-encoded private key is found wrapped at any column', () => {
    const b64 = Buffer.from(K.rsaPem).toString('base64');
    fc.assert(fc.property(fc.integer({ min: 4, max: 200 }), fc.constantFrom('\n', '\r\n', ' \n  '), (column, newline) => {
      const wrapped = b64.replace(new RegExp(`(.{${column}})`, 'g'), `$1${newline}`);
      expect(found(configMap({ key: wrapped }))).toEqual(['private-key /data/key']);
    }), { numRuns: 60 });
  });

  test('property: arbitrary JSON data never throws', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), doc => {
      expect(Array.isArray(scanDocument(doc))).toBe(true);
    }), { numRuns: 500 });
  });
});

describe('classifyKey', () => {
  test.each([
    ['password', KeyClass.PASSWORD], ['DB_PASSWORD', KeyClass.PASSWORD], ['PGPASSWORD', KeyClass.PASSWORD], ['smtp_pass', KeyClass.PASSWORD],
    ['passphrase', KeyClass.PASSWORD], ['apiKey', KeyClass.SECRET], ['X-API-Key', KeyClass.SECRET], ['clientSecret', KeyClass.SECRET],
    ['AWS_SECRET_ACCESS_KEY', KeyClass.SECRET], ['bearerToken', KeyClass.SECRET], ['privateKey', KeyClass.SECRET], ['auth', KeyClass.SECRET],
    ['secretName', undefined], ['passwordSecretRef', undefined], ['tokenTTL', undefined], ['publicKey', undefined], ['csrf_token', undefined],
    ['key', undefined], ['bypass', undefined], ['imagePullSecrets', undefined], ['tls.key', undefined], ['AWS_ACCESS_KEY_ID', undefined],
  ])('%s', (key, expected) => {
    expect(classifyKey(key)).toBe(expected);
  });
});

describe('scanText', () => {
  test('formats and key=value in free text (a removal reason)', () => {
    expect(scanText(`rotated; old key was ${K.rsaPem}`).map(f => f.rule)).toEqual(['private-key']);
    expect(scanText('see ticket OPS-12 password=Hunter2Hunter2').map(f => f.rule)).toEqual(['secret-keyword']);
    expect(scanText('the cluster is gone for good')).toEqual([]);
  });
});

describe('scanTreeFiles', () => {
  test('parses files that were not scanned object by object; backstops the bytes of those that were', () => {
    const problems = scanTreeFiles([
      { path: 'acknowledged-removals.yaml', content: `removals:\n- application: '*'\n  reason: "token ${T.ghp}"\n` },
      { path: 'values/api/region-eu.yaml', content: 'db:\n  password: hunter2\n' },
      { path: 'clusters/c/a/ConfigMap.x.yaml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  k: ${T.akia}\n`, objectsScanned: true },
      { path: 'clusters/c/a/ConfigMap.y.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  password: hunter2\n', objectsScanned: true },
      { path: 'notes.txt', content: `- [ not yaml ${T.xoxb}` },
    ]);
    expect(problems).toEqual([
      "acknowledged-removals.yaml: /removals/0/reason holds a GitHub token ('ghp_…', 40 chars); secrets must never be written to Git [github-token]",
      "values/api/region-eu.yaml: /db/password holds a literal password under the key 'password' (7 chars); secrets must never be written to Git [secret-keyword]",
      "clusters/c/a/ConfigMap.x.yaml: ConfigMap 'x' /data/k holds an AWS access key ID ('AKIA…', 20 chars); secrets must never be written to Git [aws-access-key-id]",
      "notes.txt: holds a Slack token ('xoxb-…', 56 chars); secrets must never be written to Git [slack-token]",
    ]);
  });

  test('SOPS-encrypted dotenv and INI files pass; their plaintext keys do not', () => {
    const enc = (seed: string) => `ENC[AES256_GCM,data:${fake(seed, 12)}=,iv:${fake(`${seed}iv`, 43)}=,tag:${fake(`${seed}t`, 22)}==,type:str]`;
    expect(scanTreeFiles([
      { path: 'secrets/app.enc.env', content: `DB_PASSWORD=${enc('a')}\nsops_mac=${enc('m')}\nsops_age__list_0__map_recipient=age1${fake('r', 58, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l')}\n` },
      { path: 'secrets/app.enc.ini', content: `[db]\npassword = ${enc('b')}\n` },
    ])).toEqual([]);
    expect(scanTreeFiles([{ path: 'secrets/half.enc.env', content: `DB_PASSWORD=hunter2\nAPI_TOKEN=${enc('c')}\n` }])).toEqual([
      "secrets/half.enc.env: (line 1 'DB_PASSWORD') holds a literal password under the key 'DB_PASSWORD' (7 chars); secrets must never be written to Git [secret-keyword]",
    ]);
  });

  test('allowances by file and by object', () => {
    const files = [
      { path: 'values/a.yaml', content: 'password: hunter2\n' },
      { path: 'clusters/c/a/ConfigMap.x.yaml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: n\ndata:\n  k: ${T.akia}\n` },
    ];
    expect(scanTreeFiles(files, [
      { file: 'values/a.yaml', pointer: '/password', reason: 'a test fixture' },
      { kind: 'ConfigMap', name: 'x', namespace: 'n', pointer: '/data/k', rule: 'aws-access-key-id', reason: 'a canary key' },
    ])).toEqual([]);
    expect(scanTreeFiles(files, [{ kind: 'ConfigMap', name: 'x', namespace: 'other', pointer: '/data/k', reason: 'r' }])).toHaveLength(2);
    expect(scanTreeFiles(files, [{ kind: 'ConfigMap', name: 'x', pointer: '/data/k', rule: 'jwt', reason: 'r' }])).toHaveLength(2);
  });
});

describe('allowances file', () => {
  test('round trip through secret-scan-allowances.yaml', () => {
    const list = [{ kind: 'ConfigMap', name: 'x', pointer: '/data/k', rule: 'jwt', reason: 'public demo token' }, { file: 'values/a.yaml', pointer: '/p', reason: 'fixture' }];
    const text = allowancesYaml(list);
    expect(text).toBe([
      '# Values the secret scanner reports that the program declares are not secrets (SecretScan.allow).',
      'allowances:',
      '  - kind: ConfigMap',
      '    name: x',
      '    pointer: /data/k',
      '    rule: jwt',
      "    reason: 'public demo token'",
      '  - file: values/a.yaml',
      '    pointer: /p',
      '    reason: fixture',
      '',
    ].join('\n'));
    expect(parseAllowancesYaml(text)).toEqual(list);
    expect(withoutAllowed([{ rule: 'jwt', pointer: '/data/k', what: '' }], { kind: 'ConfigMap', name: 'x' }, list)).toEqual([]);
  });
});

describe('redactIfSecret', () => {
  test('Secret data, scanner findings and secret-named keys are redacted; the rest is shown', () => {
    expect(redactIfSecret('clusters/c/a/Secret.db.yaml', '/data/password', 'aHVudGVyMg==')).toBe('‹redacted, 12 chars›');
    expect(redactIfSecret('clusters/c/a/ConfigMap.x.yaml', '/data/DB_PASSWORD', 'hunter2')).toBe('‹redacted, 7 chars›');
    expect(redactIfSecret('clusters/c/a/ConfigMap.x.yaml', '/data/note', `key ${T.ghp}`)).toBe('‹redacted, 44 chars›');
    expect(redactIfSecret('clusters/c/a/ConfigMap.x.yaml', '/data/LOG_LEVEL', 'info')).toBe('info');
    expect(redactIfSecret('clusters/c/a/Deployment.x.yaml', '/spec/template/spec/containers/0/env', [{ name: 'TOKEN', value: T.random40 }, { name: 'MODE', value: 'fast' }]))
      .toEqual([{ name: 'TOKEN', value: '‹redacted, 40 chars›' }, { name: 'MODE', value: 'fast' }]);
    expect(redactIfSecret('argocd/f/ExternalSecret.db.yaml', '/spec/data/0/remoteRef', { key: 'prod/db', property: 'password', version: '3' }))
      .toEqual({ key: 'prod/db', property: 'password', version: '3' });
  });
});

describe('scanTreeFiles: contents known quiet', () => {
  test('a file whose hash is known quiet is not read; the quiet hashes found are reported', () => {
    // GIVEN a file known quiet (its content must not be read), a quiet one and one that triggers the check
    const unread = { path: 'clusters/a/web/ConfigMap.a.yaml', objectsScanned: true, hash: 'a'.repeat(64), get content(): string { throw new Error('read'); } };
    const quietFile = { path: 'clusters/a/web/ConfigMap.b.yaml', content: 'data:\n  B: plain\n', objectsScanned: true, hash: 'b'.repeat(64) };
    const loud = { path: 'clusters/a/web/ConfigMap.c.yaml', content: `kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  C: ${T.ghp}\n`, objectsScanned: true, hash: 'c'.repeat(64) };
    const quiet = new Set<string>();
    // WHEN the tree is scanned with the known hash
    const problems = scanTreeFiles([unread, quietFile, loud], [], { known: new Set(['a'.repeat(64)]), found: quiet });
    // THEN the known file is skipped unread, the quiet hashes are found, and the token is reported
    expect([...quiet].sort()).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^clusters\/a\/web\/ConfigMap\.c\.yaml: ConfigMap 'c' \/data\/C holds a GitHub/);
  });
});
