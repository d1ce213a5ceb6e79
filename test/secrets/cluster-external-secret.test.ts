import { Duration } from 'cdk8s';
import { ClusterExternalSecret, LabelSelectorOperator, SecretStoreReference } from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const vault = SecretStoreReference.clusterSecretStore('vault');

function manifests() {
  const { app, fleet } = testFleet();
  return { app, chart: addCluster(fleet, 'prod').addManifests('shared') };
}

describe('ClusterExternalSecret', () => {
  test('one ExternalSecret per selected namespace; the refresh field is refreshTime', () => {
    // GIVEN
    const { app, chart } = manifests();
    // WHEN
    const ces = new ClusterExternalSecret(chart, 'Registry', {
      clusterExternalSecretName: 'registry',
      externalSecretName: 'registry-credentials',
      externalSecretLabels: { app: 'registry' },
      namespaceSelectors: [{ matchLabels: { 'acme.io/pulls': 'true' } }, { matchExpressions: [{ key: 'tier', operator: LabelSelectorOperator.EXISTS }] }],
      namespaces: ['payments'],
      refreshTime: Duration.minutes(1),
      store: vault,
      refreshInterval: Duration.hours(6),
      template: { type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': '{{ .config }}' } },
      data: [{ secretKey: 'config', remoteKey: 'platform/registry', property: 'dockerconfigjson' }],
    });
    // THEN
    const o = renderObjects(app)['clusters/prod/shared/ClusterExternalSecret.registry.yaml'];
    expect(o.metadata).toEqual({ name: 'registry' });
    expect(o.spec.refreshTime).toBe('1m');
    expect(o.spec.externalSecretName).toBe('registry-credentials');
    expect(o.spec.externalSecretMetadata).toEqual({ labels: { app: 'registry' } });
    expect(o.spec.namespaceSelectors).toEqual([
      { matchLabels: { 'acme.io/pulls': 'true' } },
      { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['payments'] }] },
    ]);
    expect(o.spec.externalSecretSpec).toEqual({
      refreshInterval: '6h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: {
        name: 'registry-credentials',
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        template: { type: 'kubernetes.io/dockerconfigjson', engineVersion: 'v2', mergePolicy: 'Replace', data: { '.dockerconfigjson': '{{ .config }}' } },
      },
      data: [{ secretKey: 'config', remoteRef: { key: 'platform/registry', property: 'dockerconfigjson' } }],
    });
    expect(ces.secretName).toBe('registry-credentials');
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  test('fails without namespaces, with an empty selector, and on the webhook rules of its ExternalSecret spec', () => {
    const { app, chart } = manifests();
    expect(errorOf(() => new ClusterExternalSecret(chart, 'A', { store: vault, data: [{ secretKey: 'k', remoteKey: 'r' }] })))
      .toContain("give 'namespaces' or 'namespaceSelectors': a ClusterExternalSecret without them creates no ExternalSecret");
    expect(errorOf(() => new ClusterExternalSecret(chart, 'B', { store: vault, namespaceSelectors: [{}], data: [{ secretKey: 'k', remoteKey: 'r' }] })))
      .toContain("'namespaceSelectors[0]' is empty, which selects every namespace of the cluster");
    expect(errorOf(() => new ClusterExternalSecret(chart, 'C', { store: vault, namespaces: ['a'], data: [{ secretKey: 'bad key', remoteKey: 'r' }] })))
      .toContain("'externalSecretSpec.data[0]' 'secretKey' ('bad key')");
    new ClusterExternalSecret(chart, 'D', { clusterExternalSecretName: 'd', store: vault, namespaces: ['a'] });
    expect(() => app.renderFiles()).toThrow("'externalSecretSpec.data' ([]): either data or dataFrom should be specified");
  });
});
