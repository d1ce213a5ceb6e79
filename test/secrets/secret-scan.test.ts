import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { fake, K, T } from './catalogue';
import {
  Application, ApplicationSource, ClusterCredentials, ClusterMatch, SecretScan, SecretScanRule, SecretStoreReference, Workload, WorkloadOutput,
} from '../../src';
import { validateTree } from '../../src/cli/validate';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

/** GIVEN helper: a fleet with two clusters and one workload whose definition holds `objects`. */
function fleetWithWorkload(output: WorkloadOutput, define: (scope: Construct) => void, patch?: (o: any) => void) {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'prod-1', { tier: 'web' });
  addCluster(fleet, 'prod-2', { tier: 'web' });
  new Workload(fleet, 'web', {
    namespace: 'web',
    matchLabels: { tier: 'web' },
    output,
    definition: { define },
    // An override, not the defaults: the Kustomize base does not get it, only the overlays' patches do.
    overrides: patch ? [{ match: ClusterMatch.label('tier', 'web'), settings: { patches: [{ patch }] } }] : undefined,
  });
  return { app, fleet };
}

const configMap = (data: Record<string, string>) => (scope: Construct) => {
  new k8s.KubeConfigMap(scope, 'cm', { metadata: { name: 'web' }, data });
};

describe('SecretScan', () => {
  describe('synth refuses every credential, in every output mode', () => {
    test.each([WorkloadOutput.RENDERED, WorkloadOutput.KUSTOMIZE])('an AWS access key ID in a ConfigMap (%s)', output => {
      // GIVEN
      const { app } = fleetWithWorkload(output, configMap({ AWS_ACCESS_KEY_ID: T.akia }));
      // WHEN
      const message = errorOf(() => app.synth());
      // THEN the error names the construct, the object, the file and the key, never the key itself
      expect(message).toMatch(/nothing was written/);
      expect(message).toMatch(/\[platform\/web\] ConfigMap 'web' \([^)]+ConfigMap\.web\.yaml\): \/data\/AWS_ACCESS_KEY_ID holds an AWS access key ID \('AKIA…', 20 chars\)[^\n]*\[aws-access-key-id\]/);
      expect(message).not.toContain(T.akia.slice(4));
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test.each([WorkloadOutput.RENDERED, WorkloadOutput.KUSTOMIZE])('a patch that puts stringData.password and a non-integer replicas into the output (%s)', output => {
      // GIVEN a definition with an empty Secret and a Deployment, and a patch that fills them per variant
      const { app } = fleetWithWorkload(output, scope => {
        new k8s.KubeSecret(scope, 's', { metadata: { name: 'db' } });
        new k8s.KubeDeployment(scope, 'd', {
          metadata: { name: 'web' },
          spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
        });
      }, o => {
        if (o.kind === 'Secret') o.stringData = { password: 'hunter2' };
        if (o.kind === 'Deployment') o.spec.replicas = 1.5;
      });
      // WHEN
      const message = errorOf(() => app.synth());
      // THEN both are refused in both modes (Kustomize: as the overlay builds them)
      expect(message).toMatch(/Secret 'db' \(.*?\): a Secret with data or stringData would be committed to Git in plaintext \(stringData\.password\)/);
      expect(message).toMatch(/Deployment 'web' \(.*?\): schema: \/spec\/replicas must be integer/);
      if (output === WorkloadOutput.KUSTOMIZE) expect(message).toMatch(/\(apps\/web\/overlays\/prod-1 \(as kustomize builds Secret\.db\.yaml\)\)/);
    });

    test('a password in a cluster proxyUrl', () => {
      const { app, fleet } = testFleet();
      fleet.addCluster('c', { server: 'https://c.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'c' }), proxyUrl: 'http://proxy:Pr0xyPa55@proxy.example.com:3128' });
      expect(errorOf(() => app.synth())).toMatch(/\[platform\/c\] Secret 'cluster-c' \(argocd\/platform\/clusters\/Secret\.cluster-c\.yaml\): \/stringData\/config holds a password in a URL[^\n]*\[basic-auth-url\]/);
    });

    test('a token in a repository URL query', () => {
      const { app, fleet } = testFleet();
      const c = addCluster(fleet, 'c');
      new Application(fleet, 'a', {
        destination: c,
        destinationNamespace: 'a',
        source: ApplicationSource.git({ repoUrl: `https://gitlab.example.com/acme/a.git?private_token=${fake('pt', 20)}`, path: 'a' }),
      });
      expect(errorOf(() => app.synth())).toMatch(/\/spec\/source\/repoURL holds a credential in a URL query[^\n]*\[url-credential\]/);
    });

    test('a literal password added with addJsonPatch to a cluster Secret, and to a cluster ExternalSecret template', () => {
      const { app, fleet } = testFleet();
      const a = addCluster(fleet, 'a');
      a.apiObject.addJsonPatch(JsonPatch.add('/stringData/password', 'hunter2'));
      const b = fleet.addCluster('b', {
        server: 'https://b.example.com',
        credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/b' }),
      });
      b.apiObject.addJsonPatch(JsonPatch.add('/spec/target/template/data/password', 'hunter2-literal'));
      const message = errorOf(() => app.synth());
      expect(message).toMatch(/Secret 'cluster-a' [^\n]*cluster Secret carries credentials in plaintext \(stringData\.password\)/);
      expect(message).toMatch(/ExternalSecret 'cluster-b' [^\n]*\/spec\/target\/template\/data\/password is a literal password in the template of the Secret the ExternalSecret creates/);
    });

    test.each([
      ['76-column base64', { 'key.b64': Buffer.from(K.rsaPem).toString('base64').replace(/(.{76})/g, '$1\n') }],
      ['a data: URL', { url: `data:;base64,${Buffer.from(K.rsaPem).toString('base64')}` }],
      ['a map key', { [K.rsaPem.slice(0, 40)]: 'x' }],
      ['a PGP block', { 'k.asc': K.pgp }],
      ['an OpenSSH key', { id: K.openssh }],
      ['a PuTTY key', { 'k.ppk': K.ppk }],
      ['an age identity', { 'keys.txt': T.age }],
      ['a private JWK', { 'jwk.json': JSON.stringify(K.ecJwk) }],
    ])('a private key as %s, in Kustomize output too', (_name, data) => {
      const { app } = fleetWithWorkload(WorkloadOutput.KUSTOMIZE, configMap(data as Record<string, string>));
      expect(errorOf(() => app.synth())).toMatch(/ConfigMap 'web' \(apps\/web\/base\/ConfigMap\.web\.yaml\): \/data[^\n]*\[private-key\]|\[age-secret-key\]/);
    });

    test('a private key in a removal reason is refused when it is declared', () => {
      const { fleet } = testFleet();
      expect(errorOf(() => fleet.acknowledgeRemoval({ application: '*', cluster: 'old', reason: `rotated ${K.rsaPem}` })))
        .toMatch(/\[platform\] 'reason' holds a PEM private key \(\d+ chars\); secrets must never be written to Git \[private-key\]/);
    });

    test('the last check before the writer scans every file, whatever produced it (here a removal reason that skipped its own check)', () => {
      const { app, fleet } = testFleet();
      (fleet as any).removals.push({ application: '*', cluster: 'old', reason: `token ${T.glpat}` });
      expect(errorOf(() => app.synth())).toMatch(
        /^Secret scan failed \(nothing was written[^\n]*\n {2}acknowledged-removals\.yaml: \/acknowledgedRemovals\/0\/reason holds a GitLab token \('glpat…', 26 chars\)/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test('the library\'s own objects pass: ExternalSecret-backed cluster credentials, CA data, bootstrap', () => {
      const { app, fleet } = testFleet();
      fleet.addCluster('b', {
        server: 'https://b.example.com',
        caCertificate: K.certificate,
        credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/b' }),
      });
      expect(Object.keys(app.renderFiles())).toContain('argocd/platform/clusters/ExternalSecret.cluster-b.yaml');
    });
  });

  describe('allow', () => {
    test('an allowance lets a finding through and is written to secret-scan-allowances.yaml; validate honours it', () => {
      // GIVEN
      const { app, fleet } = testFleet();
      const c = addCluster(fleet, 'c');
      const m = c.addManifests('web', { namespace: 'web' });
      new k8s.KubeConfigMap(m, 'cm', { metadata: { name: 'web' }, data: { DEMO_JWT: T.jwt } });
      SecretScan.allow(m, { kind: 'ConfigMap', name: 'web', namespace: 'web', pointer: '/data/DEMO_JWT', rule: SecretScanRule.JWT, reason: 'the public demo token of the vendor docs' });
      // WHEN
      app.synth();
      // THEN
      const allowances = fs.readFileSync(path.join(app.outdir, 'secret-scan-allowances.yaml'), 'utf-8');
      expect(allowances).toContain("reason: 'the public demo token of the vendor docs'");
      expect(validateTree(app.outdir).problems).toEqual([]);
    });

    test('an allowance for another rule, object or pointer does not apply', () => {
      const { app, fleet } = testFleet();
      const m = addCluster(fleet, 'c').addManifests('web', { namespace: 'web' });
      new k8s.KubeConfigMap(m, 'cm', { metadata: { name: 'web' }, data: { DEMO_JWT: T.jwt } });
      SecretScan.allow(app, { kind: 'ConfigMap', name: 'web', pointer: '/data/DEMO_JWT', rule: SecretScanRule.GITHUB_TOKEN, reason: 'r' });
      SecretScan.allow(app, { kind: 'ConfigMap', name: 'other', pointer: '/data/DEMO_JWT', reason: 'r' });
      SecretScan.allow(app, { kind: 'ConfigMap', name: 'web', pointer: '/data/OTHER', reason: 'r' });
      expect(errorOf(() => app.synth())).toMatch(/\/data\/DEMO_JWT holds a JSON Web Token/);
    });

    test('a file allowance covers a Helm-values-like file that holds no object', () => {
      const { app, fleet } = testFleet();
      fleet.acknowledgeRemoval({ application: '*', cluster: 'old', reason: 'decommissioned (OPS-1)' });
      SecretScan.allow(app, { file: 'acknowledged-removals.yaml', pointer: '/acknowledgedRemovals/0/reason', reason: 'r' });
      expect(Object.keys(app.renderFiles())).toEqual(expect.arrayContaining(['acknowledged-removals.yaml', 'secret-scan-allowances.yaml']));
    });

    test('bad allowances fail with every problem at once', () => {
      const { app } = testFleet();
      const message = errorOf(() => SecretScan.allow(app, { file: '../x', kind: 'ConfigMap', pointer: 'data/x', rule: 'nope' as any, reason: ' ' }));
      expect(message).toMatch(/'reason' \(' '\) must say why the value is not a secret/);
      expect(message).toMatch(/'pointer' \('data\/x'\) must be a JSON pointer/);
      expect(message).toMatch(/give either 'file' or 'kind' and 'name', not both/);
      expect(message).toMatch(/'kind' \('ConfigMap'\) and 'name' \(undefined\) go together/);
      expect(message).toMatch(/'file' \('\.\.\/x'\) must be a path relative to the tree root/);
      expect(message).toMatch(/'rule' \('nope'\) is not a SecretScanRule/);
    });
  });

  describe('validate on disk', () => {
    test('a secret added to a file by hand is reported, in object files and in files that hold none', () => {
      // GIVEN a valid tree
      const { app, fleet } = testFleet();
      const m = addCluster(fleet, 'c').addManifests('web', { namespace: 'web' });
      new k8s.KubeConfigMap(m, 'cm', { metadata: { name: 'web' }, data: { A: 'b' } });
      fleet.acknowledgeRemoval({ application: '*', cluster: 'old', reason: 'gone' });
      app.synth();
      // WHEN files are edited by hand
      fs.appendFileSync(path.join(app.outdir, 'clusters/c/web/ConfigMap.web.yaml'), `  KEY: ${T.ghp}\n`);
      fs.writeFileSync(path.join(app.outdir, 'acknowledged-removals.yaml'), `removals:\n  - application: '*'\n    cluster: old\n    reason: ${T.xoxb}\n`);
      // THEN
      const problems = validateTree(app.outdir).problems;
      expect(problems).toEqual(expect.arrayContaining([
        "clusters/c/web/ConfigMap.web.yaml: /data/KEY holds a GitHub token ('ghp_…', 40 chars); secrets must never be written to Git [github-token]",
        "acknowledged-removals.yaml: /removals/0/reason holds a Slack token ('xoxb-…', 56 chars); secrets must never be written to Git [slack-token]",
      ]));
    });
  });

  test('renderObjects still sees what was written', () => {
    const { app, fleet } = testFleet();
    const m = addCluster(fleet, 'c').addManifests('web', { namespace: 'web' });
    const cm = new k8s.KubeConfigMap(m, 'cm', { metadata: { name: 'web' }, data: { SECRET_NAME: 'db-credentials' } });
    expect(ApiObject.of(cm).kind).toBe('ConfigMap');
    expect(renderObjects(app)['clusters/c/web/ConfigMap.web.yaml'].data).toEqual({ SECRET_NAME: 'db-credentials' });
  });
});
