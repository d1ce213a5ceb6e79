import * as fc from 'fast-check';
import { HIDDEN, redactChanges, scannerFlags } from '../../src/gitops/diff-redaction';
import { diffFields, formatPath, leafChanges } from '../../src/gitops/object-diff';

const shown = (before: unknown, after: unknown, context: any = { apiVersion: 'v1', kind: 'ConfigMap' }) =>
  redactChanges(diffFields(before, after), context).map(c => `${formatPath(c.path)}: ${c.hidden ? 'hidden' : `${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}`}`);

const SECRET = { apiVersion: 'v1', kind: 'Secret' };

describe('redactChanges', () => {
  test("a Secret's data and stringData are hidden; its metadata is not", () => {
    expect(shown({ metadata: { labels: { a: '1' } }, data: { k: 'b2xk' }, stringData: { u: 'old' } }, { metadata: { labels: { a: '2' } }, data: { k: 'bmV3' }, stringData: { u: 'new' } }, SECRET))
      .toEqual(['data.k: hidden', 'metadata.labels.a: "1" → "2"', 'stringData.u: hidden']);
  });

  test('an Argo CD cluster Secret shows its server and name, never its config', () => {
    const context = { ...SECRET, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } };
    expect(shown({ stringData: { server: 'https://a', config: '{"bearerToken":"x"}' } }, { stringData: { server: 'https://b', config: '{"bearerToken":"y"}' } }, context))
      .toEqual(['stringData.config: hidden', 'stringData.server: "https://a" → "https://b"']);
  });

  test('keys that look like credentials, in any map or as the name of an env entry', () => {
    const env = (v: string) => ({ containers: [{ name: 'api', env: [{ name: 'DB_PASSWORD', value: v }, { name: 'LOG', value: v }] }] });
    expect(shown(env('a'), env('b'))).toEqual(['containers[api].env[DB_PASSWORD].value: hidden', 'containers[api].env[LOG].value: "a" → "b"']);
    for (const k of ['password', 'clientSecret', 'api_key', 'apiKey', 'GITHUB_TOKEN', 'privateKey', 'AWS_ACCESS_KEY', 'connectionString', 'SENTRY_DSN']) {
      expect(shown({ [k]: 'a' }, { [k]: 'b' })).toEqual([`${k}: hidden`]);
    }
  });

  test('Kubernetes fields that only refer to secrets are shown', () => {
    expect(shown({ volumes: [{ name: 'certs', secret: { secretName: 'a' } }], automountServiceAccountToken: true, envFrom: [{ secretRef: { name: 'a' } }] },
      { volumes: [{ name: 'certs', secret: { secretName: 'b' } }], automountServiceAccountToken: false, envFrom: [{ secretRef: { name: 'b' } }] }))
      .toEqual(['automountServiceAccountToken: true → false', 'envFrom[0].secretRef.name: "a" → "b"', 'volumes[certs].secret.secretName: "a" → "b"']);
  });

  test('an env entry named like a credential hides its value, not its valueFrom reference', () => {
    const env = (key: string) => ({ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key } } }] });
    expect(shown(env('a'), env('b'))).toEqual(['env[DB_PASSWORD].valueFrom.secretKeyRef.key: "a" → "b"']);
  });

  test('a colon assigns only as YAML and JSON do: a service account name is shown, a JSON token is not', () => {
    expect(shown({ user: 'system:serviceaccount:external-secrets:external-secrets' }, { user: 'system:serviceaccount:external-secrets:other' }))
      .toEqual(['user: "system:serviceaccount:external-secrets:external-secrets" → "system:serviceaccount:external-secrets:other"']);
    expect(shown({ cfg: '{"token":"abc123xyz"}' }, { cfg: '{"token":"def456uvw"}' })).toEqual(['cfg: hidden']);
    expect(shown({ cfg: 'token: abc123xyz' }, { cfg: 'token: def456uvw' })).toEqual(['cfg: hidden']);
  });

  test('values the scanner flags, and URLs or arguments carrying a password', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
    expect(scannerFlags(pem)).toBe(true);
    expect(shown({ cert: 'none' }, { cert: pem })).toEqual(['cert: hidden']);
    expect(shown({ url: 'postgres://db/app' }, { url: 'postgres://app:pw@db/app' })).toEqual(['url: hidden']);
    expect(shown({ args: ['--port=1'] }, { args: ['--port=1', '--db-password=x'] })).toEqual([`args: ["--port=1"] → ["--port=1","${HIDDEN}"]`]);
  });

  test('added subtrees keep their shape with each secret leaf replaced', () => {
    const [change] = redactChanges(diffFields({ c: [] }, { c: [{ name: 'api', env: [{ name: 'API_KEY', value: 'k' }, { name: 'A', value: 'v' }] }] }), { kind: 'Deployment' });
    expect(formatPath(change.path)).toBe('c[api]');
    expect(change.after).toEqual({ name: 'api', env: [{ name: 'API_KEY', value: HIDDEN }, { name: 'A', value: 'v' }] });
  });

  test('in a config file, a changed password line shows that it changed, not the password', () => {
    const [change] = redactChanges(diffFields({ 'app.conf': 'a=1\npassword = old\n' }, { 'app.conf': 'a=1\npassword = new\n' }), { kind: 'ConfigMap' });
    expect([change.before, change.after]).toEqual(['a=1\npassword = *** (old value hidden)\n', 'a=1\npassword = *** (new value hidden)\n']);
  });

  test('property: no value of a Secret, added or changed, survives redaction', () => {
    const value = fc.string({ minLength: 6, maxLength: 20 }).filter(s => /^[A-Za-z0-9]+$/.test(s));
    const data = fc.dictionary(fc.constantFrom('a', 'b', 'password', 'tls.key'), value, { minKeys: 1 });
    fc.assert(fc.property(data, data, (before, after) => {
      const out = JSON.stringify([
        redactChanges(diffFields({ data: before }, { data: after }), SECRET),
        redactChanges(leafChanges({ stringData: after }), SECRET),
      ]);
      for (const v of [...Object.values(before), ...Object.values(after)]) expect(out).not.toContain(v);
    }));
  });
});
