import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ClusterCredentials, SealingCertificate } from '../../src';
import { errorOf, testFleet } from '../util';
import { ecCertificate, rsaCertificate, rsaCertificateBetween, sshKeygenFingerprint, tmpDir } from './support';

// bitnami-labs/sealed-secrets@v0.36.6 pkg/kubeseal/kubeseal_test.go testCert (4096-bit, valid 2017-06-20 to 2027-06-18)
// and its testModulus.
const UPSTREAM_CERT = path.join(__dirname, 'fixtures', 'sealed-secrets-test-cert.pem');
const UPSTREAM_MODULUS = '777304254876434297689544225447769213262492599515515837291621795936355252933930193245809942636192119684040605554803489669141565417296821660595336672178414512660751886699171738066307588619202437848899334837760648051656982184646490661921128886671800776058692981991859399404705935722225294811424879738586269551402668122524371718537515440568440102201259925611463161144897905846190044735554045001999198442528435295995584980713050916813579912296878368079243909549993116827192901474611239264189340401059113919551426849847211275352102674049634252149163111599977742365280992561904350781270344655927564475032580504276518647106167707150111291732645399166011800154961975117045723373023335778593638216165426988399138193230056486079421256484837299169853958601000282124667227789126483641999102102039577368681983584245367307077546423870452524154641890843463963116237003367269116435430641427113406369059991147359641266708862913786891945896441771663010146473536372286482453315017377528517965715554550898957321536181165129538808789201530141159181590893764287807749414277289452691723903046140558704697831351834538780165261072894792900501671534138992265545905216973214953125367388406669893889742303072755608685449114438926280862339744991872488262084141163';

describe('SealingCertificate', () => {
  // Ported from pkg/kubeseal/kubeseal_test.go TestParseKey: the key's modulus and exponent.
  test('reads the upstream test certificate: its RSA modulus and exponent (TestParseKey)', () => {
    const c = SealingCertificate.fromFile(UPSTREAM_CERT);
    const jwk = c._parsed.publicKey.export({ format: 'jwk' });
    const modulus = BigInt(`0x${Buffer.from(jwk.n!, 'base64url').toString('hex')}`);
    expect(modulus.toString()).toBe(UPSTREAM_MODULUS);
    expect(Buffer.from(jwk.e!, 'base64url').readUIntBE(0, 3)).toBe(65537);
    expect(c._parsed.bits).toBe(4096);
    expect(c.notAfter.toISOString()).toBe('2027-06-18T04:32:45.000Z');
  });

  test('its fingerprint is the controller\'s key name (ssh.FingerprintSHA256), as ssh-keygen computes it', () => {
    expect(SealingCertificate.fromFile(UPSTREAM_CERT).fingerprint).toBe(sshKeygenFingerprint(UPSTREAM_CERT));
  });

  test('refuses a certificate that is not RSA, a private key, and what is not a certificate', () => {
    expect(() => SealingCertificate.fromFile(ecCertificate())).toThrow(/expected RSA public key but found ec/);
    const keys = rsaCertificate(2048, 30);
    const both = path.join(tmpDir(), 'both.pem');
    fs.writeFileSync(both, fs.readFileSync(keys.cert, 'utf-8') + fs.readFileSync(keys.key, 'utf-8'));
    expect(() => SealingCertificate.fromFile(both)).toThrow(/contains a private key: commit only the certificate/);
    expect(() => SealingCertificate.fromPem('nope')).toThrow('sealing certificate: data does not contain any valid RSA or ECDSA certificates (failed to read any certificates: no PEM CERTIFICATE block)');
    expect(() => SealingCertificate.fromFile('/nonexistent/cert.pem')).toThrow('sealing certificate /nonexistent/cert.pem: no such file');
  });
});

describe('a Cluster\'s sealing certificate at synth', () => {
  const expired = rsaCertificateBetween('20200101000000Z', '20250101000000Z');

  function render(epoch: string | undefined) {
    const previous = process.env.SOURCE_DATE_EPOCH;
    if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
    else process.env.SOURCE_DATE_EPOCH = epoch;
    try {
      const { app, fleet } = testFleet();
      fleet.addCluster('prod', {
        server: 'https://prod.example.com',
        credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }),
        sealingCertificate: SealingCertificate.fromFile(expired.cert),
      });
      return () => app.renderFiles();
    } finally {
      if (previous === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = previous;
    }
  }

  test('an expired certificate is an error, against the clock SOURCE_DATE_EPOCH pins', () => {
    const at = (epoch: string) => {
      process.env.SOURCE_DATE_EPOCH = epoch;
      try {
        return render(epoch)();
      } finally {
        delete process.env.SOURCE_DATE_EPOCH;
      }
    };
    // valid on 2024-06-01, expired on 2026-01-01
    const files = at(String(Date.UTC(2024, 5, 1) / 1000));
    expect(files['argocd/platform/clusters/Secret.cluster-prod.yaml']).toContain('fleet.cdk8s.io/sealing-certificates: SHA256:');
    expect(errorOf(() => at(String(Date.UTC(2026, 0, 1) / 1000)))).toContain(
      `[platform/prod] sealing certificate '${expired.cert}' (${SealingCertificate.fromFile(expired.cert).fingerprint}): failed to encrypt using an expired certificate on January 1, 2025; fetch the controller's current certificate (kubeseal --fetch-cert) and re-seal`);
  });

  test('the check never changes the output: the same bytes whatever the clock, when it passes', () => {
    process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2021, 0, 1) / 1000);
    const a = render(process.env.SOURCE_DATE_EPOCH)();
    process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2024, 11, 31) / 1000);
    const b = render(process.env.SOURCE_DATE_EPOCH)();
    delete process.env.SOURCE_DATE_EPOCH;
    expect(a).toEqual(b);
  });

  test('without SOURCE_DATE_EPOCH, the current time decides', () => {
    delete process.env.SOURCE_DATE_EPOCH;
    expect(() => render(undefined)()).toThrow(/failed to encrypt using an expired certificate on January 1, 2025/);
  });

  test('earlier certificates the controller still holds are recorded too', () => {
    const current = rsaCertificate(2048, 365);
    const older = rsaCertificate(2048, 365);
    const { app, fleet } = testFleet();
    fleet.addCluster('prod', {
      server: 'https://prod.example.com',
      credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }),
      sealingCertificate: SealingCertificate.fromFile(current.cert),
      additionalSealingCertificates: [SealingCertificate.fromFile(older.cert)],
    });
    const secret: any = yaml.load(app.renderFiles()['argocd/platform/clusters/Secret.cluster-prod.yaml']);
    expect(secret.metadata.annotations['fleet.cdk8s.io/sealing-certificates'])
      .toBe(`${SealingCertificate.fromFile(current.cert).fingerprint},${SealingCertificate.fromFile(older.cert).fingerprint}`);
  });
});
