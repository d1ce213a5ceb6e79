import { Duration } from 'cdk8s';
import { ClusterCredentials, SecretStoreReference } from '../../src';
import { errorOf, renderObjects, testFleet } from '../util';

const vault = SecretStoreReference.clusterSecretStore('vault');

describe('ClusterCredentials from a secret store', () => {
  test('the cluster Secret is templated by an ExternalSecret written like every other (CRD defaults explicit)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    fleet.addCluster('edge', {
      server: 'https://edge.example.com',
      labels: { environment: 'production' },
      annotations: { 'acme.io/owner': 'sre' },
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: vault, remoteKey: 'argocd/clusters/edge', refreshInterval: Duration.minutes(30) }),
    });
    // THEN
    const es = renderObjects(app)['argocd/platform/clusters/ExternalSecret.cluster-edge.yaml'];
    expect(es.spec).toStrictEqual({
      refreshInterval: '30m',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: {
        name: 'cluster-edge',
        creationPolicy: 'Owner',
        deletionPolicy: 'Retain',
        template: {
          type: 'Opaque',
          engineVersion: 'v2',
          mergePolicy: 'Replace',
          metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', 'environment': 'production' }, annotations: { 'acme.io/owner': 'sre' } },
          data: {
            config: '{"bearerToken":{{ .bearerToken | toJson }},"tlsClientConfig":{"insecure":false}}',
            name: 'edge',
            server: 'https://edge.example.com',
          },
        },
      },
      data: [{ secretKey: 'bearerToken', remoteRef: { key: 'argocd/clusters/edge', property: 'token' } }],
    });
  });

  test('the store defaults to the Fleet\'s default store', () => {
    const { app, fleet } = testFleet({ defaultSecretStore: SecretStoreReference.secretStore('argocd-vault') });
    fleet.addCluster('edge', { server: 'https://edge.example.com', credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({ remoteKey: 'clusters/edge' }) });
    expect(renderObjects(app)['argocd/platform/clusters/ExternalSecret.cluster-edge.yaml'].spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'argocd-vault' });
  });

  test('without a store and without a default store it fails, naming the cluster', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => fleet.addCluster('edge', { server: 'https://edge.example.com', credentials: ClusterCredentials.bearerTokenFromSecretStore({ remoteKey: 'k' }) })))
      .toContain("[platform/edge] credentials: 'store' is required: give a store, or a 'defaultSecretStore' to the Fleet");
  });
});
