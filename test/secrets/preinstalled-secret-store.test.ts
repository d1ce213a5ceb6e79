import * as yaml from 'js-yaml';
import { ClusterCredentials, PreinstalledSecretStore, SecretStoreReference } from '../../src';
import { addCluster, errorOf, testFleet } from '../util';

const annotationOf = (files: Record<string, string>, cluster: string) =>
  (yaml.load(files[`argocd/platform/clusters/Secret.cluster-${cluster}.yaml`]) as any).metadata.annotations?.['fleet.cdk8s.io/secret-stores'];

describe('PreinstalledSecretStore', () => {
  test('records the store on the cluster Secrets it selects, clusters registered before or after', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod', { environment: 'production' });
    // WHEN
    new PreinstalledSecretStore(fleet, 'Vault', { store: SecretStoreReference.clusterSecretStore('vault'), matchLabels: { environment: 'production' } });
    new PreinstalledSecretStore(fleet, 'Team', { store: SecretStoreReference.secretStore('team-vault'), namespaces: ['team-b', 'team-a'] });
    addCluster(fleet, 'prod-2', { environment: 'production' });
    addCluster(fleet, 'dev', { environment: 'dev' });
    // THEN
    const files = app.renderFiles();
    expect(annotationOf(files, 'prod')).toBe('ClusterSecretStore/vault,SecretStore/team-a/team-vault,SecretStore/team-b/team-vault');
    expect(annotationOf(files, 'prod-2')).toBe('ClusterSecretStore/vault,SecretStore/team-a/team-vault,SecretStore/team-b/team-vault');
    expect(annotationOf(files, 'dev')).toBe('SecretStore/team-a/team-vault,SecretStore/team-b/team-vault');
  });

  test('explicit clusters, and the Cluster prop, record the same way', () => {
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    fleet.addCluster('edge', {
      server: 'https://edge.example.com',
      credentials: ClusterCredentials.awsIam({ clusterName: 'x' }),
      secretStores: [SecretStoreReference.secretStore('local', 'argocd')],
    });
    new PreinstalledSecretStore(fleet, 'Aws', { store: SecretStoreReference.clusterSecretStore('aws'), clusters: [prod] });
    const files = app.renderFiles();
    expect(annotationOf(files, 'prod')).toBe('ClusterSecretStore/aws');
    expect(annotationOf(files, 'edge')).toBe('SecretStore/argocd/local');
  });

  test('fails when a SecretStore has no namespace, or when given clusters and a selector', () => {
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    expect(errorOf(() => new PreinstalledSecretStore(fleet, 'A', { store: SecretStoreReference.secretStore('s') })))
      .toContain("'namespaces' is required for SecretStore 's': say which namespaces have it");
    expect(errorOf(() => new PreinstalledSecretStore(fleet, 'B', { store: SecretStoreReference.clusterSecretStore('v'), clusters: [prod], matchLabels: { a: 'b' } })))
      .toContain("give 'clusters' or a selector");
    // A problem that only shapes what the cluster writes is reported at synth, with every other construct's.
    fleet.addCluster('x', { server: 'https://x.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'x' }), secretStores: [SecretStoreReference.secretStore('s')] });
    expect(() => app.renderFiles()).toThrow(/'secretStores\[0\]' \(SecretStore 's'\) needs its namespace/);
  });
});
