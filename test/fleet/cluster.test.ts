import { Duration } from 'cdk8s';
import { AppProject, Cluster, ClusterCredentials, SecretStoreReference } from '../../src';
import { errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ0VSVElGSUNBVEU=\n-----END CERTIFICATE-----';

describe('Cluster', () => {
  test('defaults: the cluster Secret exactly as Argo CD reads it', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    fleet.addCluster('prod-eu-1', {
      server: 'https://prod-eu-1.example.com',
      credentials: ClusterCredentials.awsIam({ clusterName: 'eks-prod-eu-1', roleArn: 'arn:aws:iam::111122223333:role/argocd' }),
    });
    // THEN
    const secret = renderObjects(app)['argocd/platform/clusters/Secret.cluster-prod-eu-1.yaml'];
    expect(secret).toStrictEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'cluster-prod-eu-1',
        namespace: 'argocd',
        labels: { 'argocd.argoproj.io/secret-type': 'cluster' },
      },
      type: 'Opaque',
      stringData: {
        name: 'prod-eu-1',
        server: 'https://prod-eu-1.example.com',
        config: '{"awsAuthConfig":{"clusterName":"eks-prod-eu-1","roleARN":"arn:aws:iam::111122223333:role/argocd"},"tlsClientConfig":{"insecure":false}}',
      },
    });
  });

  test('every optional field is a string where Argo CD wants a string (argocd-semantics §1, foot-gun 12)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const team = new AppProject(fleet, 'team', {});
    // WHEN
    fleet.addCluster('staging', {
      server: 'https://staging.example.com',
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
      labels: { 'environment': 'staging', 'acme.io/region': 'eu-west-1' },
      annotations: { 'acme.io/owner': 'sre@acme.io' },
      project: team,
      namespaces: ['web', 'api'],
      clusterResources: true,
      shard: 1,
      serverName: 'kubernetes.staging.internal',
      caCertificate: CA,
      proxyUrl: 'http://proxy.internal:3128',
    });
    // THEN
    const secret = renderObjects(app)['argocd/platform/clusters/Secret.cluster-staging.yaml'];
    expect(secret.metadata.labels).toStrictEqual({ 'acme.io/region': 'eu-west-1', 'argocd.argoproj.io/secret-type': 'cluster', 'environment': 'staging' });
    expect(secret.metadata.annotations).toStrictEqual({ 'acme.io/owner': 'sre@acme.io' });
    expect(secret.stringData.namespaces).toBe('web,api');
    expect(secret.stringData.clusterResources).toBe('true');
    expect(secret.stringData.shard).toBe('1');
    expect(secret.stringData.project).toBe('team');
    const config = JSON.parse(secret.stringData.config);
    expect(config).toStrictEqual({
      execProviderConfig: { apiVersion: 'client.authentication.k8s.io/v1beta1', args: ['gcp'], command: 'argocd-k8s-auth' },
      proxyUrl: 'http://proxy.internal:3128',
      tlsClientConfig: { caData: Buffer.from(CA + '\n').toString('base64'), insecure: false, serverName: 'kubernetes.staging.internal' },
    });
    for (const value of Object.values(secret.stringData)) expect(typeof value).toBe('string');
  });

  test('in-cluster: the server defaults to the in-cluster address', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    const hub = fleet.addCluster('in-cluster', { credentials: ClusterCredentials.inCluster(), labels: { role: 'hub' } });
    // THEN
    expect(hub.server).toBe('https://kubernetes.default.svc');
    expect(hub.isInCluster).toBe(true);
    const secret = renderObjects(app)['argocd/platform/clusters/Secret.cluster-in-cluster.yaml'];
    expect(secret.stringData).toStrictEqual({ name: 'in-cluster', server: 'https://kubernetes.default.svc', config: '{"tlsClientConfig":{"insecure":false}}' });
  });

  test('exec provider and AKS workload identity', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    fleet.addCluster('aks', { server: 'https://aks.example.com', credentials: ClusterCredentials.aksWorkloadIdentity({ clientId: 'c1', tenantId: 't1' }) });
    fleet.addCluster('custom', {
      server: 'https://custom.example.com',
      credentials: ClusterCredentials.execProvider({ command: '/usr/local/bin/auth', args: ['token'], env: { B: '2', A: '1' }, installHint: 'bake it in' }),
    });
    // THEN
    const objects = renderObjects(app);
    expect(JSON.parse(objects['argocd/platform/clusters/Secret.cluster-aks.yaml'].stringData.config).execProviderConfig).toStrictEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      args: ['azure'],
      command: 'argocd-k8s-auth',
      env: { AAD_ENVIRONMENT_NAME: 'AzurePublicCloud', AAD_LOGIN_METHOD: 'workloadidentity', AZURE_CLIENT_ID: 'c1', AZURE_TENANT_ID: 't1' },
    });
    expect(objects['argocd/platform/clusters/Secret.cluster-custom.yaml'].stringData.config)
      .toBe('{"execProviderConfig":{"apiVersion":"client.authentication.k8s.io/v1beta1","args":["token"],"command":"/usr/local/bin/auth","env":{"A":"1","B":"2"},"installHint":"bake it in"},"tlsClientConfig":{"insecure":false}}');
  });

  test('a bearer token from a secret store becomes an ExternalSecret that templates the cluster Secret', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    fleet.addCluster('edge', {
      server: 'https://edge.example.com',
      labels: { environment: 'production' },
      credentials: ClusterCredentials.bearerTokenFromSecretStore({
        store: SecretStoreReference.clusterSecretStore('vault'),
        remoteKey: 'argocd/clusters/edge',
        refreshInterval: Duration.minutes(30),
      }),
      caCertificate: CA,
      shard: 2,
    });
    // THEN
    const files = app.renderFiles();
    expect(Object.keys(files)).not.toContain('argocd/platform/clusters/Secret.cluster-edge.yaml');
    const es = renderObjects(app)['argocd/platform/clusters/ExternalSecret.cluster-edge.yaml'];
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.secretStoreRef).toStrictEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(es.spec.refreshInterval).toBe('30m');
    expect(es.spec.data).toStrictEqual([{ secretKey: 'bearerToken', remoteRef: { key: 'argocd/clusters/edge', property: 'token' } }]);
    expect(es.spec.target.name).toBe('cluster-edge');
    expect(es.spec.target.creationPolicy).toBe('Owner');
    expect(es.spec.target.template.engineVersion).toBe('v2');
    expect(es.spec.target.template.metadata.labels).toStrictEqual({ 'argocd.argoproj.io/secret-type': 'cluster', 'environment': 'production' });
    expect(es.spec.target.template.data.shard).toBe('2');
    expect(es.spec.target.template.data.config).toBe(
      `{"bearerToken":{{ .bearerToken | toJson }},"tlsClientConfig":{"caData":"${Buffer.from(CA + '\n').toString('base64')}","insecure":false}}`);
    expect(schemaProblems(files)).toEqual([]);
  });

  test('a TLS client certificate from a secret store is base64-encoded into certData and keyData at runtime', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    fleet.addCluster('dc', {
      server: 'https://dc.example.com',
      credentials: ClusterCredentials.tlsClientCertificateFromSecretStore({
        store: SecretStoreReference.secretStore('argocd-store'),
        remoteKey: 'dc-admin',
        certificateProperty: 'crt',
        keyProperty: 'key',
      }),
    });
    // THEN
    const es = renderObjects(app)['argocd/platform/clusters/ExternalSecret.cluster-dc.yaml'];
    expect(es.spec.secretStoreRef).toStrictEqual({ kind: 'SecretStore', name: 'argocd-store' });
    expect(es.spec.data.map((d: any) => d.remoteRef.property)).toEqual(['crt', 'key']);
    expect(es.spec.target.template.data.config).toBe(
      '{"tlsClientConfig":{"certData":{{ .certData | b64enc | toJson }},"insecure":false,"keyData":{{ .keyData | b64enc | toJson }}}}');
  });

  test('fails with every bad prop at once, naming the path, the prop and the value', () => {
    // GIVEN
    const { fleet } = testFleet();
    // WHEN
    const message = errorOf(() => fleet.addCluster('Prod_EU', {
      server: 'ftp://user:pw@prod.example.com',
      credentials: ClusterCredentials.awsIam({ clusterName: 'x' }),
      labels: { 'bad key!': 'ok', 'env': 'not valid!' },
      shard: -1,
      clusterResources: true,
      caCertificate: '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----',
    }));
    // THEN
    expect(message).toMatch(/\[platform\/Prod_EU\] 'clusterName' \('Prod_EU'\) is not a valid DNS-1123 label/);
    expect(message).toMatch(/'server' \('ftp:\/\/user:\*\*\*@prod.example.com'\) must be an https:\/\/ URL/); // the password is never quoted
    expect(message).toMatch(/'server' .* must not carry credentials/);
    expect(message).toMatch(/'labels' key 'bad key!' is not a valid label key/);
    expect(message).toMatch(/'labels' value 'not valid!' \(key 'env'\) is not a valid label value/);
    expect(message).toMatch(/'shard' \(-1\) must be a non-negative integer/);
    expect(message).toMatch(/'clusterResources' \(true\) only has an effect together with 'namespaces'/);
    expect(message).toMatch(/'caCertificate' contains a private key/);
  });

  test('problems of what a cluster writes are reported at synth, for every cluster at once', () => {
    // GIVEN two clusters whose name, server and credentials are fine, but not their labels, shard or CA
    const { app, fleet } = testFleet();
    fleet.addCluster('a', { server: 'https://a.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'a' }), labels: { env: 'not valid!' } });
    fleet.addCluster('b', { server: 'https://b.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'b' }), shard: -1, caCertificate: 'nope' });
    // WHEN
    const message = errorOf(() => app.synth());
    // THEN both clusters' problems are in one error
    expect(message).toMatch(/\[platform\/a\] 'labels' value 'not valid!' \(key 'env'\) is not a valid label value/);
    expect(message).toMatch(/\[platform\/b\] 'shard' \(-1\) must be a non-negative integer/);
    expect(message).toMatch(/\[platform\/b\] 'caCertificate' must be one or more PEM 'CERTIFICATE' blocks/);
  });

  test('fails when the reserved secret-type label is set or the server is missing', () => {
    // GIVEN
    const { fleet } = testFleet();
    // THEN
    expect(errorOf(() => fleet.addCluster('a', {
      server: 'https://a.example.com',
      credentials: ClusterCredentials.inCluster(),
    }))).toMatch(/'server' \('https:\/\/a.example.com'\) must be 'https:\/\/kubernetes.default.svc' \(or omitted\) with ClusterCredentials.inCluster\(\)/);
    expect(errorOf(() => fleet.addCluster('b', {
      credentials: ClusterCredentials.gkeWorkloadIdentity(),
      labels: { 'argocd.argoproj.io/secret-type': 'repository' },
    }))).toMatch(/\[platform\/b\] 'server' is required[\s\S]*'labels' must not set 'argocd.argoproj.io\/secret-type'/);
  });

  test('credential factories reject bad input', () => {
    expect(() => ClusterCredentials.awsIam({ clusterName: '' })).toThrow(/awsIam 'clusterName' must be a non-empty string \(got ""\)/);
    expect(() => ClusterCredentials.awsIam({ clusterName: 'a', roleArn: 'argocd' })).toThrow(/'roleArn' \('argocd'\) must be an IAM role ARN/);
    expect(() => ClusterCredentials.execProvider({ command: ' ' })).toThrow(/execProvider 'command' must be a non-empty string/);
    expect(() => ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('v'), remoteKey: '' }))
      .toThrow(/'remoteKey' must be a non-empty string/);
    expect(() => SecretStoreReference.clusterSecretStore('Vault Store')).toThrow(/'storeName' \('Vault Store'\) must be a valid DNS-1123 subdomain/);
  });

  test('duplicate names throw at once; duplicate servers are reported at synth', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    fleet.addCluster('a', { server: 'https://same.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() });
    // WHEN / THEN
    expect(() => fleet.addCluster('a', { server: 'https://other.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() }))
      .toThrow("[platform] Fleet 'clusterName' ('a') is already registered; cluster names must be unique");
    fleet.addCluster('b', { server: 'https://same.example.com/', credentials: ClusterCredentials.gkeWorkloadIdentity() });
    expect(() => app.renderFiles()).toThrow(/\[platform\] clusters 'a', 'b' have the same 'server' \('https:\/\/same.example.com'\)/);
  });

  test('labels and annotations are exposed on the construct', () => {
    // GIVEN
    const { fleet } = testFleet();
    // WHEN
    const c = fleet.addCluster('x', { server: 'https://x.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), labels: { a: 'b' }, annotations: { 'n/m': 'v' } });
    // THEN
    expect(c.labels).toStrictEqual({ a: 'b' });
    expect(c.annotations).toStrictEqual({ 'n/m': 'v' });
    expect(fleet.findCluster('x')).toBe(c);
    expect(fleet.clusters).toEqual([c]);
  });

  test('a Cluster created directly in a fleet joins its registry', () => {
    // GIVEN
    const { fleet } = testFleet();
    // WHEN
    const direct = new Cluster(fleet, 'Direct', { clusterName: 'direct', server: 'https://direct.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() });
    // THEN
    expect(fleet.findCluster('direct')).toBe(direct);
    expect(() => new Cluster(fleet, 'Again', { clusterName: 'direct', server: 'https://again.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() }))
      .toThrow("[platform] Fleet 'clusterName' ('direct') is already registered; cluster names must be unique");
  });
});
