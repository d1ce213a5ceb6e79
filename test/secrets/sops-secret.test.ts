import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ClusterCredentials, SopsFile, SopsSecret, SyncPolicy } from '../../src';
import { main } from '../../src/cli/main';
import { errorOf, renderObjects, testFleet } from '../util';
import { sopsEncrypt } from './sops-tool';
import { ageIdentity, tmpDir } from './support';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: payments-api\ntype: Opaque\nstringData:\n  api-key: k-123456\n';
const prodKey = ageIdentity();
const devKey = ageIdentity();

function sopsFile(recipients: string[], text = SECRET): SopsFile {
  const file = path.join(tmpDir(), 'payments-api.sops.yaml');
  fs.writeFileSync(file, sopsEncrypt(text, { ageRecipients: recipients, encryptedRegex: '^(data|stringData)$' }).text);
  return SopsFile.fromFile(file);
}

function fleet(options: { fleetProofs?: boolean } = {}) {
  const { app, fleet: f } = testFleet({}, options);
  const prod = f.addCluster('prod', { server: 'https://prod.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sopsAgeRecipient: prodKey.recipient });
  const dev = f.addCluster('dev', { server: 'https://dev.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'dev' }), sopsAgeRecipient: devKey.recipient });
  return { app, fleet: f, prod, dev };
}

describe('SopsSecret', () => {
  test('writes the encrypted file byte for byte, a ksops generator and a kustomization, and an Application per cluster', () => {
    // GIVEN
    const { app, fleet: f, prod } = fleet();
    const file = sopsFile([prodKey.recipient]);
    // WHEN
    new SopsSecret(f, 'payments-api', { file, clusters: [prod], namespace: 'payments', syncPolicy: SyncPolicy.automated({ prune: true }) });
    // THEN
    const files = app.renderFiles();
    const objects = renderObjects(app);
    expect(Object.keys(files).filter(p => p.startsWith('clusters/'))).toEqual([
      'clusters/prod/payments-api/ksops.yaml',
      'clusters/prod/payments-api/kustomization.yaml',
      'clusters/prod/payments-api/payments-api.sops.yaml',
    ]);
    expect(files['clusters/prod/payments-api/payments-api.sops.yaml']).toBe(fs.readFileSync(file.path, 'utf-8'));
    expect(objects['clusters/prod/payments-api/kustomization.yaml']).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', generators: ['ksops.yaml'] });
    expect(objects['clusters/prod/payments-api/ksops.yaml']).toEqual({
      apiVersion: 'viaduct.ai/v1',
      kind: 'ksops',
      metadata: { name: 'payments-api', annotations: { 'config.kubernetes.io/function': 'exec:\n  path: ksops\n' } },
      files: ['./payments-api.sops.yaml'],
    });
    expect(objects['argocd/platform/applications/Application.payments-api-prod.yaml'].spec).toMatchObject({
      destination: { name: 'prod', namespace: 'payments' },
      source: { path: 'clusters/prod/payments-api', repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main' },
    });
  });

  test('a cluster named like an Object.prototype member (constructor) gets its Application too', () => {
    // GIVEN a cluster named constructor (a valid cluster name that constructs cannot take as an id)
    const { app, fleet: f } = fleet();
    const c = f.addCluster('constructor', { server: 'https://c.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'constructor' }), sopsAgeRecipient: prodKey.recipient });
    // WHEN
    new SopsSecret(f, 'payments-api', { file: sopsFile([prodKey.recipient]), clusters: [c], namespace: 'payments' });
    // THEN
    const files = app.renderFiles();
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['argocd/platform/applications/Application.payments-api-constructor.yaml', 'clusters/constructor/payments-api/ksops.yaml']));
  });

  test('re-synth writes the same bytes (the file is never re-encrypted or re-serialized)', () => {
    const file = sopsFile([prodKey.recipient]);
    const render = () => {
      const { app, fleet: f, prod } = fleet();
      new SopsSecret(f, 'p', { file, clusters: [prod], namespace: 'payments' });
      return app.renderFiles();
    };
    expect(render()).toEqual(render());
  });

  test('refuses a cluster whose age recipient the file is not encrypted to, or that names none', () => {
    const { fleet: f, prod, dev } = fleet();
    const file = sopsFile([prodKey.recipient]);
    const noKey = f.addCluster('edge', { server: 'https://edge.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'edge' }) });
    const message = errorOf(() => new SopsSecret(f, 'p', { file, clusters: [prod, dev, noKey], namespace: 'payments' }));
    expect(message).toContain(`cluster 'dev' decrypts with age recipient ${devKey.recipient}, which ${file.path} is not encrypted to (its recipients: ${prodKey.recipient}); add it with 'sops updatekeys'`);
    expect(message).toContain("cluster 'edge' names no 'sopsAgeRecipient'");
    expect(message).not.toContain("cluster 'prod'");
  });

  test('the fleet proof checks recipients on the tree too (cdk8s-fleet validate)', () => {
    // GIVEN a tree whose SOPS file went to dev although it is encrypted only to prod (edited after synth)
    const { app, fleet: f, dev } = fleet();
    new SopsSecret(f, 'p', { file: sopsFile([prodKey.recipient, devKey.recipient]), clusters: [dev], namespace: 'payments' });
    const outdir = app.synthTree().outdir;
    const onlyProd = sopsEncrypt(SECRET, { ageRecipients: [prodKey.recipient], encryptedRegex: '^(data|stringData)$' }).text;
    const target = path.join(outdir, 'clusters/dev/p/payments-api.sops.yaml');
    fs.writeFileSync(target, onlyProd);
    const manifest = path.join(outdir, '.cdk8s-fleet', 'manifest.json');
    const m = JSON.parse(fs.readFileSync(manifest, 'utf-8'));
    m.files['clusters/dev/p/payments-api.sops.yaml'] = createHash('sha256').update(onlyProd).digest('hex');
    fs.writeFileSync(manifest, JSON.stringify(m));
    // WHEN
    let err = '';
    const code = main(['validate', outdir], { out: () => undefined, err: t => { err += t; } });
    // THEN
    expect(code).toBe(1);
    expect(err).toContain(`SOPS-encrypted Secret 'payments/payments-api' is not encrypted to the cluster's age recipient ${devKey.recipient}`);
  });

  test('cdk8s-fleet validate refuses a SOPS file whose value was put back in plaintext', () => {
    const { app, fleet: f, prod } = fleet();
    new SopsSecret(f, 'p', { file: sopsFile([prodKey.recipient]), clusters: [prod], namespace: 'payments' });
    const outdir = app.synthTree().outdir;
    const target = path.join(outdir, 'clusters/prod/p/payments-api.sops.yaml');
    const doc: any = yaml.load(fs.readFileSync(target, 'utf-8'));
    doc.stringData['api-key'] = 'k-123456';
    fs.writeFileSync(target, yaml.dump(doc));
    let err = '';
    main(['validate', outdir], { out: () => undefined, err: t => { err += t; } });
    expect(err).toContain('clusters/prod/p/payments-api.sops.yaml: sops: stringData.api-key is not encrypted');
    expect(err).not.toContain('k-123456');
  });

  test('a plain part that is not a valid object is refused at synth', () => {
    const { app, fleet: f, prod } = fleet();
    const file = sopsFile([prodKey.recipient], SECRET.replace('type: Opaque', 'type: Opaque\nimmutable: maybe'));
    new SopsSecret(f, 'p', { file, clusters: [prod], namespace: 'payments' });
    expect(() => app.renderFiles()).toThrow(/clusters\/prod\/p\/payments-api.sops.yaml: schema \(decrypted by ksops\): \/immutable must be boolean/);
  });

  test('gives Flux what it needs to decrypt (decryption provider and Secret)', () => {
    const { fleet: f, prod } = fleet();
    const s = new SopsSecret(f, 'p', { file: sopsFile([prodKey.recipient]), clusters: [prod], namespace: 'payments', fluxDecryptionSecretName: 'flux-age' });
    expect(s.fluxDecryption).toEqual({ provider: 'sops', secretName: 'flux-age' });
  });

  test('passes the fleet proofs when every cluster can decrypt it', () => {
    const { app, fleet: f, prod, dev } = fleet({ fleetProofs: true });
    new SopsSecret(f, 'p', { file: sopsFile([prodKey.recipient, devKey.recipient]), clusters: [prod, dev], namespace: 'payments' });
    expect(() => app.renderFiles()).not.toThrow();
  });
});
