import { ExternalSecret, FleetSecretStore, SecretStoreKind, SecretStoreProvider, VaultAuth } from '../../src';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

const provider = SecretStoreProvider.vault({ server: 'https://vault.acme.io', path: 'secret', auth: VaultAuth.kubernetes({ role: 'eso' }) });

describe('FleetSecretStore', () => {
  test('deploys the store to the clusters its selector picks, without owning the namespace', () => {
    // GIVEN
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    addCluster(fleet, 'prod', { environment: 'production' });
    addCluster(fleet, 'dev', { environment: 'dev' });
    // WHEN
    const store = new FleetSecretStore(fleet, 'Vault', { storeName: 'vault', matchLabels: { environment: 'production' }, provider, conditions: [{ namespaceRegexes: ['^team-'] }] });
    // THEN
    const objects = renderObjects(app);
    expect(Object.keys(objects).filter(p => p.startsWith('clusters/'))).toEqual(['clusters/prod/secret-store-vault/ClusterSecretStore.vault.yaml']);
    expect(objects['clusters/prod/secret-store-vault/ClusterSecretStore.vault.yaml'].spec.conditions).toEqual([{ namespaceRegexes: ['^team-'] }]);
    expect(objects['argocd/platform/applicationsets/ApplicationSet.secret-store-vault.yaml'].spec.template.spec.destination.namespace).toBe('external-secrets');
    expect(objects['argocd/platform/projects/AppProject.secret-store-vault.yaml'].spec.clusterResourceWhitelist).toEqual([{ group: 'external-secrets.io', kind: 'ClusterSecretStore', name: 'vault' }]);
    expect([store.storeName, store.storeKind, store.clusters.map(c => c.clusterName)]).toEqual(['vault', 'ClusterSecretStore', ['prod']]);
  });

  test('a namespaced SecretStore in its namespace', () => {
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod', { environment: 'production' });
    new FleetSecretStore(fleet, 'Team', { storeName: 'team-vault', kind: SecretStoreKind.SECRET_STORE, namespace: 'team-a', matchLabels: { environment: 'production' }, provider });
    expect(renderObjects(app)['clusters/prod/secret-store-team-vault/SecretStore.team-vault.yaml'].metadata).toEqual({ name: 'team-vault', namespace: 'team-a' });
  });

  test('the ExternalSecrets that use it reference it by name and kind', () => {
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod', { environment: 'production' });
    const store = new FleetSecretStore(fleet, 'Vault', { storeName: 'vault', matchLabels: { environment: 'production' }, provider });
    new ExternalSecret(prod.addManifests('api', { namespace: 'api' }), 'Db', { externalSecretName: 'db', store, data: [{ secretKey: 'k', remoteKey: 'r' }] });
    expect(renderObjects(app)['clusters/prod/api/ExternalSecret.db.yaml'].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
  });

  test('fails on bad props at construction', () => {
    const { fleet } = testFleet();
    const message = errorOf(() => new FleetSecretStore(fleet, 'Bad', {
      storeName: 'Bad Store',
      kind: SecretStoreKind.SECRET_STORE,
      matchLabels: { a: 'b' },
      conditions: [{ namespaces: ['x'] }],
      provider: SecretStoreProvider.vault({ server: 'ftp://vault', auth: VaultAuth.kubernetes({ role: 'r' }) }),
    }));
    expect(message).toContain("'storeName' ('Bad Store')");
    expect(message).toContain("'conditions' apply to a ClusterSecretStore only");
    expect(message).toContain("SecretStoreProvider.vault 'server' ('ftp://vault') must be an https:// URL");
  });
});
