import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { SealedSecret, SealingCertificate, SealingScope } from '../../src';
import { sealCommand } from '../../src/cli/seal';
import { encryptionLabel, hybridEncrypt, parseCertificate } from '../../src/private/sealing';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';
import { rsaCertificate, tmpDir, unseal } from './support';

const keys = rsaCertificate(2048, 365);
const cert = parseCertificate(fs.readFileSync(keys.cert, 'utf-8'));
const seal = (value: string, namespace: string, name: string, scope: 'strict' | 'namespace-wide' | 'cluster-wide' = 'strict') =>
  hybridEncrypt(cert.publicKey, Buffer.from(value), encryptionLabel(namespace, name, scope)).toString('base64');

function chart(namespace?: string) {
  const { app, fleet } = testFleet();
  return { app, manifests: addCluster(fleet, 'prod').addManifests('web', { namespace }) };
}

describe('SealedSecret', () => {
  test('minimal: ciphertexts copied as they are, the certificate recorded, the template as kubeseal writes it', () => {
    // GIVEN
    const { app, manifests } = chart('web');
    const sealed = seal('s3cr3t', 'web', 'session');
    // WHEN
    new SealedSecret(manifests, 'Session', { sealedSecretName: 'session', encryptedData: { KEY: sealed }, certificateFingerprint: cert.fingerprint });
    // THEN
    const o = renderObjects(app)['clusters/prod/web/SealedSecret.session.yaml'];
    expect(o).toStrictEqual({
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'session', namespace: 'web', annotations: { 'fleet.cdk8s.io/sealing-certificate': cert.fingerprint } },
      spec: { encryptedData: { KEY: sealed }, template: { metadata: { name: 'session', namespace: 'web' } } },
    });
    expect(unseal(o.spec.encryptedData.KEY, keys.key, 'web/session').toString()).toBe('s3cr3t');
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  test('scopes are written as the controller reads them (on the object and its template)', () => {
    const { app, manifests } = chart('web');
    new SealedSecret(manifests, 'Wide', { sealedSecretName: 'wide', scope: SealingScope.NAMESPACE_WIDE, encryptedData: { K: seal('v', 'web', '', 'namespace-wide') }, certificateFingerprint: cert.fingerprint });
    new SealedSecret(manifests, 'Cluster', {
      sealedSecretName: 'any',
      scope: SealingScope.CLUSTER_WIDE,
      encryptedData: { K: seal('v', '', '', 'cluster-wide') },
      certificateFingerprint: cert.fingerprint,
      type: 'kubernetes.io/tls',
      labels: { app: 'web' },
      annotations: { 'acme.io/owner': 'web' },
      immutable: true,
      templateData: { url: 'https://{{ .K }}@x' },
    });
    const objects = renderObjects(app);
    expect(objects['clusters/prod/web/SealedSecret.wide.yaml'].metadata.annotations['sealedsecrets.bitnami.com/namespace-wide']).toBe('true');
    const any = objects['clusters/prod/web/SealedSecret.any.yaml'];
    expect(any.metadata.annotations).toEqual({ 'fleet.cdk8s.io/sealing-certificate': cert.fingerprint, 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
    expect(any.spec.template).toEqual({
      metadata: { name: 'any', namespace: 'web', labels: { app: 'web' }, annotations: { 'acme.io/owner': 'web', 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
      type: 'kubernetes.io/tls',
      immutable: true,
      data: { url: 'https://{{ .K }}@x' },
    });
  });

  test('GIVEN templateData the controller cannot parse WHEN constructed THEN the error names the construct, the prop and Go\'s parse error', () => {
    // GIVEN sprig's env (left out of the controller's functions) and an unclosed action
    const { manifests } = chart('web');
    // WHEN
    const error = errorOf(() => new SealedSecret(manifests, 'Bad', {
      sealedSecretName: 'bad',
      encryptedData: { K: seal('v', 'web', 'bad') },
      certificateFingerprint: cert.fingerprint,
      templateData: { home: '{{ env "HOME" }}', url: 'https://{{ .K ' },
    }));
    // THEN (SS sealedsecret_expansion.go: template.New(key).Funcs(sprig).Parse(value) fails the unseal)
    expect(error).toContain("Invalid SealedSecret at 'platform/prod/web/Bad':");
    expect(error).toContain('\'templateData\': cannot be unsealed: template.data key \'home\': template: home:1: function "env" not defined');
    expect(error).toContain('\'templateData\': cannot be unsealed: template.data key \'url\': template: url:1: unclosed action');
  });

  test('fromFile takes what `cdk8s-fleet seal --env-file` wrote, unchanged (no re-sealing)', () => {
    // GIVEN
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'db.env'), 'USER=api\nPASSWORD=pw\n');
    const file = path.join(dir, 'db.yaml');
    sealCommand({ cert: keys.cert, namespace: 'api', name: 'api-db', envFile: path.join(dir, 'db.env'), output: file, type: 'Opaque' }, () => Buffer.alloc(0));
    const written: any = yaml.load(fs.readFileSync(file, 'utf-8'));
    const { app, manifests } = chart('api');
    // WHEN
    const s = SealedSecret.fromFile(manifests, 'Db', file);
    // THEN
    const o = renderObjects(app)['clusters/prod/web/SealedSecret.api-db.yaml'];
    expect(o.spec.encryptedData).toEqual(written.spec.encryptedData);
    expect(o.metadata).toEqual(written.metadata);
    expect(o.spec.template).toEqual(written.spec.template);
    expect(s.isSealedFor(SealingCertificate.fromFile(keys.cert))).toBe(true);
    expect(s.secretName).toBe('api-db');
  });

  test('fromFile refuses a file that does not say what it was sealed for, or is not a SealedSecret', () => {
    const dir = tmpDir();
    const { manifests } = chart('web');
    fs.writeFileSync(path.join(dir, 'k.yaml'), `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: web\nspec:\n  encryptedData:\n    K: ${seal('v', 'web', 's')}\n`);
    expect(() => SealedSecret.fromFile(manifests, 'A', path.join(dir, 'k.yaml'))).toThrow(/does not record the certificate it was sealed for \(annotation fleet.cdk8s.io\/sealing-certificate\)/);
    expect(SealedSecret.fromFile(manifests, 'B', path.join(dir, 'k.yaml'), { certificateFingerprint: cert.fingerprint }).certificateFingerprint).toBe(cert.fingerprint);
    fs.writeFileSync(path.join(dir, 'c.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    expect(() => SealedSecret.fromFile(manifests, 'C', path.join(dir, 'c.yaml'))).toThrow(/expected one bitnami.com\/v1alpha1 SealedSecret, found 1 document\(s\) \(first: ConfigMap\)/);
  });

  test('refuses a value that is not ciphertext, never showing it', () => {
    const { manifests } = chart('web');
    const message = errorOf(() => new SealedSecret(manifests, 'Bad', {
      sealedSecretName: 'bad',
      encryptedData: { PASSWORD: 'hunter2', TOKEN: Buffer.from('short').toString('base64') },
      certificateFingerprint: 'md5:abc',
    }));
    expect(message).toContain("'encryptedData' value of key 'PASSWORD' is not a sealed value (not standard base64); seal it with 'cdk8s-fleet seal' (the value is not shown)");
    expect(message).toContain("'encryptedData' value of key 'TOKEN' is not a sealed value");
    expect(message).toContain("'certificateFingerprint' ('md5:abc') must be a SHA256:… key fingerprint");
    expect(message).not.toContain('hunter2');
  });

  test('a strict or namespace-wide SealedSecret needs its namespace', () => {
    const { manifests } = chart();
    expect(() => new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: { K: seal('v', 'x', 's') }, certificateFingerprint: cert.fingerprint }))
      .toThrow(/'namespace' is required with scope strict: the values were sealed for a namespace/);
    expect(() => new SealedSecret(manifests, 'C', { sealedSecretName: 'c', scope: SealingScope.CLUSTER_WIDE, encryptedData: { K: seal('v', '', '', 'cluster-wide') }, certificateFingerprint: cert.fingerprint }))
      .not.toThrow();
  });

  test('the Secret it unseals into is wired into pods by name', () => {
    const { app, manifests } = chart('web');
    const s = new SealedSecret(manifests, 'S', { sealedSecretName: 'session', encryptedData: { K: seal('v', 'web', 'session') }, certificateFingerprint: cert.fingerprint });
    new kplus.Deployment(manifests, 'D', { metadata: { name: 'web' }, containers: [{ image: 'nginx', envVariables: { K: kplus.EnvValue.fromSecretValue({ secret: s.secret, key: 'K' }) }, securityContext: { user: 1000 } }] });
    expect(renderObjects(app)['clusters/prod/web/Deployment.web.yaml'].spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ key: 'K', name: 'session' });
  });
});
