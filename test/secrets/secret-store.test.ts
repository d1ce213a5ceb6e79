import { Duration } from 'cdk8s';
import {
  AwsAuth, AzureAuth, AzureEnvironment, GcpAuth, SecretStore, SecretStoreProvider, SecretStoreReference, VaultAuth, VaultKvVersion,
} from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

function manifests(namespace = 'team-a') {
  const { app, fleet } = testFleet();
  return { app, chart: addCluster(fleet, 'prod').addManifests('stores', { namespace }) };
}

const specOf = (app: any, name: string) => renderObjects(app)[`clusters/prod/stores/SecretStore.${name}.yaml`].spec;

describe('SecretStore', () => {
  test('minimal: a Vault store with Kubernetes auth, the CRD-defaulted fields written', () => {
    const { app, chart } = manifests();
    new SecretStore(chart, 'Vault', {
      storeName: 'vault',
      provider: SecretStoreProvider.vault({ server: 'https://vault.acme.io:8200', auth: VaultAuth.kubernetes({ role: 'team-a' }) }),
    });
    expect(renderObjects(app)['clusters/prod/stores/SecretStore.vault.yaml']).toStrictEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'vault', namespace: 'team-a' },
      spec: { provider: { vault: { server: 'https://vault.acme.io:8200', version: 'v2', auth: { kubernetes: { mountPath: 'kubernetes', role: 'team-a' } } } } },
    });
  });

  test('Vault: KV path and version, namespace, CA bundle (base64), AppRole, JWT and token auth by reference only', () => {
    const { app, chart } = manifests();
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    new SecretStore(chart, 'A', {
      storeName: 'approle',
      refreshInterval: Duration.minutes(5),
      retryMaxAttempts: 3,
      retryInterval: Duration.seconds(10),
      provider: SecretStoreProvider.vault({
        server: 'https://vault.acme.io',
        path: 'kv',
        version: VaultKvVersion.V1,
        namespace: 'team-a',
        caBundle: ca,
        auth: VaultAuth.appRole({ roleId: 'db02de05-fa39-4855-059b-67221c5c2f63', secretIdRef: { secretName: 'vault-approle', key: 'secret-id' } }),
      }),
    });
    new SecretStore(chart, 'J', {
      storeName: 'jwt',
      provider: SecretStoreProvider.vault({ server: 'https://vault.acme.io', auth: VaultAuth.jwt({ role: 'r', serviceAccount: { name: 'app', audiences: ['vault'] }, expirationSeconds: 600 }) }),
    });
    new SecretStore(chart, 'T', {
      storeName: 'token',
      provider: SecretStoreProvider.vault({ server: 'https://vault.acme.io', auth: VaultAuth.token({ secretName: 'vault-token', key: 'token' }) }),
    });
    expect(specOf(app, 'approle')).toEqual({
      refreshInterval: 300,
      retrySettings: { maxRetries: 3, retryInterval: '10s' },
      provider: {
        vault: {
          server: 'https://vault.acme.io',
          path: 'kv',
          version: 'v1',
          namespace: 'team-a',
          caBundle: Buffer.from(`${ca}\n`).toString('base64'),
          auth: { appRole: { path: 'approle', roleId: 'db02de05-fa39-4855-059b-67221c5c2f63', secretRef: { name: 'vault-approle', key: 'secret-id' } } },
        },
      },
    });
    expect(specOf(app, 'jwt').provider.vault.auth).toEqual({
      jwt: { path: 'jwt', role: 'r', kubernetesServiceAccountToken: { serviceAccountRef: { name: 'app' }, audiences: ['vault'], expirationSeconds: 600 } },
    });
    expect(specOf(app, 'token').provider.vault.auth).toEqual({ tokenSecretRef: { name: 'vault-token', key: 'token' } });
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  test('AWS Secrets Manager and Parameter Store: region, role, IRSA or access keys by reference', () => {
    const { app, chart } = manifests();
    new SecretStore(chart, 'Sm', {
      storeName: 'sm',
      provider: SecretStoreProvider.awsSecretsManager({
        region: 'eu-west-1', role: 'arn:aws:iam::111122223333:role/eso', externalId: 'x', prefix: 'team-a/', auth: AwsAuth.irsa({ name: 'eso' }),
      }),
    });
    new SecretStore(chart, 'Ps', {
      storeName: 'ps',
      provider: SecretStoreProvider.awsParameterStore({
        region: 'us-east-1',
        auth: AwsAuth.accessKeys({ accessKeyIdRef: { secretName: 'aws', key: 'id' }, secretAccessKeyRef: { secretName: 'aws', key: 'secret' } }),
      }),
    });
    expect(specOf(app, 'sm').provider.aws).toEqual({
      service: 'SecretsManager',
      region: 'eu-west-1',
      role: 'arn:aws:iam::111122223333:role/eso',
      externalID: 'x',
      prefix: 'team-a/',
      auth: { jwt: { serviceAccountRef: { name: 'eso' } } },
    });
    expect(specOf(app, 'ps').provider.aws).toEqual({
      service: 'ParameterStore',
      region: 'us-east-1',
      auth: { secretRef: { accessKeyIDSecretRef: { name: 'aws', key: 'id' }, secretAccessKeySecretRef: { name: 'aws', key: 'secret' } } },
    });
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  test('GCP Secret Manager (workload identity) and Azure Key Vault (workload identity)', () => {
    const { app, chart } = manifests();
    new SecretStore(chart, 'G', {
      storeName: 'gcp',
      provider: SecretStoreProvider.gcpSecretManager({
        projectId: 'acme-prod',
        location: 'europe-west1',
        auth: GcpAuth.workloadIdentity({ serviceAccount: { name: 'eso' }, clusterLocation: 'europe-west1', clusterName: 'prod', clusterProjectId: 'acme-infra' }),
      }),
    });
    new SecretStore(chart, 'Az', {
      storeName: 'azure',
      provider: SecretStoreProvider.azureKeyVault({ vaultUrl: 'https://acme.vault.azure.net', auth: AzureAuth.workloadIdentity({ name: 'eso' }), environment: AzureEnvironment.PUBLIC_CLOUD, tenantId: 't' }),
    });
    expect(specOf(app, 'gcp').provider.gcpsm).toEqual({
      projectID: 'acme-prod',
      location: 'europe-west1',
      auth: { workloadIdentity: { serviceAccountRef: { name: 'eso' }, clusterLocation: 'europe-west1', clusterName: 'prod', clusterProjectID: 'acme-infra' } },
    });
    // authType must be written: the CRD default is ServicePrincipal.
    expect(specOf(app, 'azure').provider.azurekv).toEqual({
      vaultUrl: 'https://acme.vault.azure.net', tenantId: 't', environmentType: 'PublicCloud', authType: 'WorkloadIdentity', serviceAccountRef: { name: 'eso' },
    });
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  // Ported from external-secrets/external-secrets@v2.9.0 providers/v1/vault/validate_test.go TestValidateStore: a
  // SecretStore may only reference its own namespace (ValidateReferentSecretSelector); AppRole needs a role ID.
  describe('provider rules (vault validate_test.go, esutils ValidateReferentSecretSelector)', () => {
    const ref = { secretName: 's', key: 'k', namespace: 'invalid' };
    test.each([
      ['invalid approle with namespace', VaultAuth.appRole({ roleId: 'r', secretIdRef: ref }), 'auth.appRole.secretIdRef'],
      ['invalid jwt secret', VaultAuth.jwt({ tokenRef: ref }), 'auth.jwt.tokenRef'],
      ['invalid kubernetes sa', VaultAuth.kubernetes({ role: 'r', serviceAccount: { name: 'sa', namespace: 'invalid' } }), 'auth.kubernetes.serviceAccount'],
      ['invalid token secret', VaultAuth.token(ref), 'auth.tokenRef'],
    ])('%s', (_name, auth, where) => {
      const { chart } = manifests();
      expect(() => new SecretStore(chart, 'V', { provider: SecretStoreProvider.vault({ server: 'https://v', auth }) }))
        .toThrow(`'provider.${where}' namespace ('invalid'): namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore`);
    });

    test('valid approle with roleId, or with roleRef; invalid without either', () => {
      const { chart } = manifests();
      expect(() => new SecretStore(chart, 'A', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.appRole({ roleId: 'r', secretIdRef: { secretName: 's', key: 'k' } }) }) })).not.toThrow();
      expect(() => new SecretStore(chart, 'B', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.appRole({ roleIdRef: { secretName: 's', key: 'role' }, secretIdRef: { secretName: 's', key: 'k' } }) }) })).not.toThrow();
      expect(() => new SecretStore(chart, 'C', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.appRole({ secretIdRef: { secretName: 's', key: 'k' } }) }) }))
        .toThrow("VaultAuth.appRole needs 'roleId' or 'roleIdRef'");
    });

    test('a reference to the store\'s own namespace is fine', () => {
      const { chart } = manifests('team-a');
      expect(() => new SecretStore(chart, 'V', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.token({ secretName: 't', key: 'k', namespace: 'team-a' }) }) })).not.toThrow();
    });

    test('JWT needs a token source (External Secrets: errJwtNoTokenSource)', () => {
      const { chart } = manifests();
      expect(() => new SecretStore(chart, 'V', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.jwt({ role: 'r' }) }) }))
        .toThrow("VaultAuth.jwt needs 'tokenRef' or 'serviceAccount'");
    });

    test('AWS: a region that resolves no endpoint and a role that is not an ARN', () => {
      const { chart } = manifests();
      const message = errorOf(() => new SecretStore(chart, 'A', { provider: SecretStoreProvider.awsSecretsManager({ region: 'EU West', role: 'eso' }) }));
      expect(message).toContain("SecretStoreProvider.aws 'region' ('EU West'): region not found: EU West");
      expect(message).toContain("SecretStoreProvider.aws 'role' ('eso') must be an IAM role ARN");
    });

    test('GCP: a service account key needs the project (no metadata-server fallback for static credentials)', () => {
      const { chart } = manifests();
      expect(() => new SecretStore(chart, 'G', { provider: SecretStoreProvider.gcpSecretManager({ auth: GcpAuth.serviceAccountKey({ secretName: 'gcp', key: 'key.json' }) }) }))
        .toThrow(/needs 'projectId' with GcpAuth.serviceAccountKey\(\)/);
    });

    test('servers and vault URLs must be http(s) URLs without credentials', () => {
      const { chart } = manifests();
      expect(() => new SecretStore(chart, 'V', { provider: SecretStoreProvider.vault({ server: 'https://user:pw@vault', auth: VaultAuth.kubernetes({ role: 'r' }) }) }))
        .toThrow(/'server' \('https:\/\/user:\*\*\*@vault'\) must not carry credentials/);
      expect(() => new SecretStore(chart, 'A', { provider: SecretStoreProvider.azureKeyVault({ vaultUrl: 'acme', auth: AzureAuth.managedIdentity() }) }))
        .toThrow(/'vaultUrl' \('acme'\) is not a valid URL/);
    });
  });

  test('a store reference can be declared with its namespace; a SecretStore needs it when declared pre-installed', () => {
    expect(SecretStoreReference.secretStore('vault', 'argocd').namespace).toBe('argocd');
    expect(() => SecretStoreReference.secretStore('vault', 'Not Valid')).toThrow(/'namespace' \('Not Valid'\) must be a valid namespace name/);
  });
});
