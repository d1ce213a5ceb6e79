import { ClusterSecretStore, LabelSelectorOperator, SecretStoreProvider, VaultAuth } from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const provider = SecretStoreProvider.vault({ server: 'https://vault.acme.io', path: 'secret', auth: VaultAuth.kubernetes({ role: 'eso', serviceAccount: { name: 'external-secrets', namespace: 'external-secrets' } }) });

function manifests() {
  const { app, fleet } = testFleet();
  return { app, chart: addCluster(fleet, 'prod').addManifests('stores', { namespace: 'external-secrets' }) };
}

describe('ClusterSecretStore', () => {
  test('minimal: cluster-scoped (no namespace), references carry their namespace', () => {
    const { app, chart } = manifests();
    const store = new ClusterSecretStore(chart, 'Vault', { storeName: 'vault', provider });
    expect(renderObjects(app)['clusters/prod/stores/ClusterSecretStore.vault.yaml']).toStrictEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'vault' },
      spec: {
        provider: {
          vault: {
            server: 'https://vault.acme.io',
            path: 'secret',
            version: 'v2',
            auth: { kubernetes: { mountPath: 'kubernetes', role: 'eso', serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } } },
          },
        },
      },
    });
    expect([store.storeName, store.storeKind]).toEqual(['vault', 'ClusterSecretStore']);
  });

  test('conditions: namespaces, regexes and a namespace selector', () => {
    const { app, chart } = manifests();
    new ClusterSecretStore(chart, 'Vault', {
      storeName: 'vault',
      provider,
      conditions: [
        { namespaces: ['payments'], namespaceRegexes: ['^team-'] },
        { namespaceMatchLabels: { 'acme.io/secrets': 'vault' }, namespaceMatchExpressions: [{ key: 'tier', operator: LabelSelectorOperator.IN, values: ['backend'] }] },
      ],
    });
    expect(renderObjects(app)['clusters/prod/stores/ClusterSecretStore.vault.yaml'].spec.conditions).toEqual([
      { namespaces: ['payments'], namespaceRegexes: ['^team-'] },
      { namespaceSelector: { matchLabels: { 'acme.io/secrets': 'vault' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] } },
    ]);
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  // Ported from external-secrets/external-secrets@v2.9.0 apis/externalsecrets/v1/secretstore_validator_test.go
  // TestValidateSecretStore: "valid regex", "invalid regex", "multiple errors".
  test('namespace regexes must compile as Go regular expressions (TestValidateSecretStore)', () => {
    const { chart } = manifests();
    expect(() => new ClusterSecretStore(chart, 'Ok', { provider, conditions: [{ namespaceRegexes: ['.*'] }] })).not.toThrow();
    expect(errorOf(() => new ClusterSecretStore(chart, 'Bad', { provider, conditions: [{ namespaceRegexes: ['\\1'] }] })))
      .toContain("'conditions[0].namespaceRegexes[0]' ('\\1'): failed to compile 0th namespace regex in 0th condition: error parsing regexp: invalid escape sequence: `\\1`");
    const both = errorOf(() => new ClusterSecretStore(chart, 'Two', { provider, conditions: [{ namespaceRegexes: ['\\1', '\\2'] }] }));
    expect(both).toContain('failed to compile 0th namespace regex in 0th condition');
    expect(both).toContain('failed to compile 1th namespace regex in 0th condition: error parsing regexp: invalid escape sequence: `\\2`');
  });

  test('a condition that admits nothing is refused (no conditions admit every namespace)', () => {
    const { chart } = manifests();
    expect(() => new ClusterSecretStore(chart, 'S', { provider, conditions: [{}] })).toThrow(/'conditions\[0\]' admits no namespace/);
    expect(() => new ClusterSecretStore(chart, 'T', { provider, conditions: [{ namespaceMatchLabels: {} }] })).toThrow(/'conditions\[0\]' admits no namespace/);
  });

  test('a referent reference (no namespace) is allowed for a ClusterSecretStore', () => {
    const { chart } = manifests();
    expect(() => new ClusterSecretStore(chart, 'S', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.token({ secretName: 't', key: 'k' }) }) })).not.toThrow();
  });
});
