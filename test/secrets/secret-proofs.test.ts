import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import {
  Application, ApplicationSource, ClusterCredentials, ClusterManifests, Fleet, ICluster, ClusterExternalSecret, ClusterSecretStore, ExternalSecret,
  ExternalSecretCreationPolicy, FleetSecretStore,
  PreinstalledSecretStore, SealedSecret, SealingCertificate, SecretStore, SecretStoreProvider, SecretStoreReference, VaultAuth,
} from '../../src';
import { main } from '../../src/cli/main';
import { encryptionLabel, hybridEncrypt, parseCertificate } from '../../src/private/sealing';
import { addCluster, errorOf, testFleet } from '../util';
import { rsaCertificate } from './support';

const vaultRef = SecretStoreReference.clusterSecretStore('vault');
const provider = SecretStoreProvider.vault({ server: 'https://vault.acme.io', path: 'secret', auth: VaultAuth.kubernetes({ role: 'r' }) });
const data = [{ secretKey: 'password', remoteKey: 'db', property: 'password' }];

/** A fleet with proofs on and two clusters. */
function fleetWithClusters() {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  const prod = addCluster(fleet, 'prod', { environment: 'production' });
  const dev = addCluster(fleet, 'dev', { environment: 'dev' });
  return { app, fleet, prod, dev };
}

/** An Application for the manifests (the proof follows what Applications deploy). */
function deploy(fleet: Fleet, manifests: ClusterManifests, cluster: ICluster, namespace: string) {
  new Application(fleet, `${manifests.applicationName}-${cluster.clusterName}`, { destination: cluster, destinationNamespace: namespace, source: ApplicationSource.manifests(manifests) });
}

describe('secret reference proof', () => {
  test('passes when every ExternalSecret lands on a cluster with its store', () => {
    // GIVEN
    const { app, fleet, prod } = fleetWithClusters();
    const stores = prod.addManifests('stores');
    new ClusterSecretStore(stores, 'Vault', { storeName: 'vault', provider });
    deploy(fleet, stores, prod, 'external-secrets');
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Db', { externalSecretName: 'db', store: vaultRef, data });
    deploy(fleet, api, prod, 'api');
    // WHEN / THEN
    expect(() => app.renderFiles()).not.toThrow();
  });

  test('catches a missing store', () => {
    const { app, fleet, prod } = fleetWithClusters();
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Db', { externalSecretName: 'db', store: vaultRef, data });
    deploy(fleet, api, prod, 'api');
    expect(errorOf(() => app.renderFiles())).toContain(
      "[platform/prod/api/Db] ExternalSecret 'api/db' reads ClusterSecretStore 'vault', which cluster 'prod' does not have; deploy it to the cluster (FleetSecretStore, or its manifests) or declare it pre-installed (Cluster 'secretStores', PreinstalledSecretStore) (cluster prod; clusters/prod/api/ExternalSecret.db.yaml) [secret-references]");
  });

  test('catches a store on the wrong cluster', () => {
    // GIVEN the store is deployed to dev only, the ExternalSecret to prod
    const { app, fleet, prod, dev } = fleetWithClusters();
    const stores = dev.addManifests('stores');
    new ClusterSecretStore(stores, 'Vault', { storeName: 'vault', provider });
    deploy(fleet, stores, dev, 'external-secrets');
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Db', { externalSecretName: 'db', store: vaultRef, data });
    deploy(fleet, api, prod, 'api');
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/ExternalSecret 'api\/db' reads ClusterSecretStore 'vault', which cluster 'prod' does not have/);
  });

  test('catches a store of the wrong kind or in the wrong namespace, saying what the cluster has', () => {
    const { app, fleet, prod } = fleetWithClusters();
    const stores = prod.addManifests('stores', { namespace: 'team-a' });
    new SecretStore(stores, 'Vault', { storeName: 'vault', provider });
    deploy(fleet, stores, prod, 'team-a');
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Cluster', { externalSecretName: 'a', store: vaultRef, data });
    new ExternalSecret(api, 'Namespaced', { externalSecretName: 'b', store: SecretStoreReference.secretStore('vault'), data });
    deploy(fleet, api, prod, 'api');
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("ExternalSecret 'api/a' reads ClusterSecretStore 'vault', which cluster 'prod' does not have (it has SecretStore in namespace team-a named vault: a ClusterSecretStore must be cluster-wide)");
    expect(message).toContain("ExternalSecret 'api/b' reads SecretStore 'vault', which cluster 'prod' does not have in namespace 'api' (it has SecretStore in namespace team-a named vault: a SecretStore must be in namespace 'api')");
  });

  test('catches two ExternalSecrets that own the same Secret in one namespace; Merge writers may share it', () => {
    const { app, fleet, prod } = fleetWithClusters();
    new PreinstalledSecretStore(fleet, 'Vault', { store: vaultRef });
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'A', { externalSecretName: 'a', targetName: 'shared', store: vaultRef, data });
    new ExternalSecret(api, 'B', { externalSecretName: 'b', targetName: 'shared', store: vaultRef, data });
    new ExternalSecret(api, 'C', { externalSecretName: 'c', targetName: 'shared', store: vaultRef, data, creationPolicy: ExternalSecretCreationPolicy.MERGE });
    deploy(fleet, api, prod, 'api');
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("Secret 'api/shared' has 2 owners: ExternalSecret 'a' (clusters/prod/api/ExternalSecret.a.yaml) and ExternalSecret 'b' (clusters/prod/api/ExternalSecret.b.yaml)");
    expect(message).not.toContain("ExternalSecret 'c'");
  });

  test('a SealedSecret and an ExternalSecret writing the same Secret are two owners', () => {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const keys = rsaCertificate(2048, 30);
    const certificate = SealingCertificate.fromFile(keys.cert);
    const prod = fleet.addCluster('prod', { server: 'https://prod.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sealingCertificate: certificate });
    new PreinstalledSecretStore(fleet, 'Vault', { store: vaultRef });
    const m = prod.addManifests('web', { namespace: 'web' });
    const sealed = hybridEncrypt(certificate._parsed.publicKey, Buffer.from('v'), encryptionLabel('web', 'session', 'strict')).toString('base64');
    new SealedSecret(m, 'Sealed', { sealedSecretName: 'session', encryptedData: { K: sealed }, certificateFingerprint: certificate.fingerprint });
    new ExternalSecret(m, 'Es', { externalSecretName: 'session-es', targetName: 'session', store: vaultRef, data });
    deploy(fleet, m, prod, 'web');
    expect(errorOf(() => app.renderFiles())).toContain("Secret 'web/session' has 2 owners: ExternalSecret 'session-es' (clusters/prod/web/ExternalSecret.session-es.yaml) and SealedSecret 'session' (clusters/prod/web/SealedSecret.session.yaml)");
  });

  test('the same target name in two namespaces, or on two clusters, is fine', () => {
    const { app, fleet, prod, dev } = fleetWithClusters();
    new PreinstalledSecretStore(fleet, 'Vault', { store: vaultRef });
    for (const [cluster, ns] of [[prod, 'a'], [prod, 'b'], [dev, 'a']] as const) {
      const m = cluster.addManifests(`app-${ns}`, { namespace: ns });
      new ExternalSecret(m, 'S', { externalSecretName: 's', store: vaultRef, data });
      deploy(fleet, m, cluster, ns);
    }
    expect(() => app.renderFiles()).not.toThrow();
  });

  test('a ClusterSecretStore\'s conditions must admit the namespace (names, regexes, namespace labels)', () => {
    const { app, fleet, prod } = fleetWithClusters();
    const stores = prod.addManifests('stores');
    new ClusterSecretStore(stores, 'Vault', {
      storeName: 'vault',
      provider,
      conditions: [{ namespaces: ['payments'] }, { namespaceRegexes: ['^team-'] }, { namespaceMatchLabels: { 'acme.io/secrets': 'vault' } }],
    });
    deploy(fleet, stores, prod, 'external-secrets');
    for (const ns of ['payments', 'team-a', 'labelled', 'api']) {
      const m = prod.addManifests(`app-${ns}`, { namespace: ns });
      if (ns === 'labelled') new kplus.Namespace(m, 'Ns', { metadata: { name: ns, labels: { 'acme.io/secrets': 'vault' } } });
      new ExternalSecret(m, 'S', { externalSecretName: 's', store: vaultRef, data });
      deploy(fleet, m, prod, ns);
    }
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("ExternalSecret 'api/s' reads ClusterSecretStore 'vault', whose conditions do not admit namespace 'api' (External Secrets refuses it)");
    expect(message).not.toMatch(/'(payments|team-a|labelled)\/s'/);
  });

  test('cluster credentials on the hub need the store on the hub (pre-installed there)', () => {
    // GIVEN store-backed credentials, and the hub registered in-cluster
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const hub = fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), labels: { role: 'hub' } });
    fleet.addCluster('edge', { server: 'https://edge.example.com', credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: vaultRef, remoteKey: 'clusters/edge' }) });
    // THEN without the store it fails, naming the hub
    expect(errorOf(() => app.renderFiles())).toContain("[platform/edge] ExternalSecret 'argocd/cluster-edge' reads ClusterSecretStore 'vault', which cluster 'hub' does not have");
    // WHEN the store is declared on the hub
    new PreinstalledSecretStore(fleet, 'Vault', { store: vaultRef, clusters: [hub] });
    // THEN it passes, and the declaration is recorded on the hub's cluster Secret
    const files = app.renderFiles();
    expect(files['argocd/platform/clusters/Secret.cluster-hub.yaml']).toContain('fleet.cdk8s.io/secret-stores: ClusterSecretStore/vault');
  });

  test('a store deployed with FleetSecretStore counts on the clusters it selects only', () => {
    const { app, fleet, prod, dev } = fleetWithClusters();
    const store = new FleetSecretStore(fleet, 'Vault', { storeName: 'vault', provider, matchLabels: { environment: 'production' } });
    for (const c of [prod, dev]) {
      const m = c.addManifests('api', { namespace: 'api' });
      new ExternalSecret(m, 'Db', { externalSecretName: 'db', store, data });
      deploy(fleet, m, c, 'api');
    }
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("reads ClusterSecretStore 'vault', which cluster 'dev' does not have");
    expect(message).not.toContain("cluster 'prod' does not have");
  });

  test('a ClusterExternalSecret: its namespaces need the store and each is an owner', () => {
    const { app, fleet, prod } = fleetWithClusters();
    const m = prod.addManifests('shared');
    new kplus.Namespace(m, 'A', { metadata: { name: 'team-a', labels: { pulls: 'true' } } });
    new ClusterExternalSecret(m, 'Registry', { clusterExternalSecretName: 'registry', store: vaultRef, namespaceSelectors: [{ matchLabels: { pulls: 'true' } }], data });
    deploy(fleet, m, prod, 'default');
    expect(errorOf(() => app.renderFiles())).toContain("ClusterExternalSecret 'registry' (its ExternalSecret in namespace 'team-a') reads ClusterSecretStore 'vault', which cluster 'prod' does not have");
  });

  test('a SealedSecret must be sealed for a certificate the cluster holds', () => {
    // GIVEN two clusters with their own certificates; a value sealed for prod's
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prodKey = rsaCertificate(2048, 30);
    const devKey = rsaCertificate(2048, 30);
    const prod = fleet.addCluster('prod', { server: 'https://prod.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sealingCertificate: SealingCertificate.fromFile(prodKey.cert) });
    const dev = fleet.addCluster('dev', { server: 'https://dev.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'dev' }), sealingCertificate: SealingCertificate.fromFile(devKey.cert) });
    const cert = parseCertificate(fs.readFileSync(prodKey.cert, 'utf-8'));
    const sealed = hybridEncrypt(cert.publicKey, Buffer.from('v'), encryptionLabel('web', 'session', 'strict')).toString('base64');
    for (const c of [prod, dev]) {
      const m = c.addManifests('web', { namespace: 'web' });
      new SealedSecret(m, 'Session', { sealedSecretName: 'session', encryptedData: { KEY: sealed }, certificateFingerprint: cert.fingerprint });
      deploy(fleet, m, c, 'web');
    }
    // THEN the copy on dev (another controller key) is caught
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain(`[platform/dev/web/Session] SealedSecret 'web/session' was sealed for certificate ${cert.fingerprint}, but the cluster's controller holds ${SealingCertificate.fromFile(devKey.cert).fingerprint}: it cannot unseal it (sealed for another cluster, or the cluster was re-keyed); re-seal it for this cluster (cluster dev; clusters/dev/web/SealedSecret.session.yaml) [secret-references]`);
    expect(message).not.toContain('cluster prod;');
  });

  test('cdk8s-fleet validate runs the same proof on a tree on disk', () => {
    // GIVEN a tree synthesized without proofs, where an ExternalSecret lacks its store
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Db', { externalSecretName: 'db', store: vaultRef, data });
    deploy(fleet, api, prod, 'api');
    const outdir = app.synthTree().outdir;
    // WHEN
    let err = '';
    const code = main(['validate', outdir], { out: () => undefined, err: t => { err += t; } });
    // THEN
    expect(code).toBe(1);
    expect(err).toContain("fleet proof: ExternalSecret 'api/db' reads ClusterSecretStore 'vault', which cluster 'prod' does not have");
    expect(fs.existsSync(path.join(outdir, 'clusters/prod/api/ExternalSecret.db.yaml'))).toBe(true);
  });
});
