/**
 * A second acceptance pass over the secrets story, with cases ported from the pinned upstreams (each cites
 * repo@tag path and test name). Cases already ported elsewhere are not repeated: external-secret.test.ts holds
 * every TestValidateExternalSecret case, cluster-secret-store.test.ts the regex cases of TestValidateSecretStore,
 * secret-store.test.ts the Vault TestValidateStore namespace cases, sealing-certificate.test.ts TestParseKey and
 * test/cli/seal.test.ts TestRaw.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Duration } from 'cdk8s';
import { rsaCertificate, tmpDir, unseal } from './support';
import {
  Application, ApplicationSource, AwsAuth, AzureAuth, ClusterCredentials, ClusterExternalSecret, ClusterManifests, ClusterSecretStore, ExternalSecret,
  Fleet, GcpAuth, ICluster, PreinstalledSecretStore, SealedSecret, SealingCertificate, SealingScope, SecretStore, SecretStoreProvider,
  SecretStoreReference, VaultAuth,
} from '../../src';
import { webhookProblems } from '../../src/private/external-secret-spec';
import { CLUSTER_WIDE_ANNOTATION, encryptionLabel, hybridEncrypt, NAMESPACE_WIDE_ANNOTATION, parseCertificate, scopeOf } from '../../src/private/sealing';
import { sealedTemplateProblems } from '../../src/secrets/sealed-template';
import { selectedNamespaces, storeAdmitsNamespace } from '../../src/secrets/secret-proofs';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const ES = 'external-secrets/external-secrets@v2.9.0';
const SS = 'bitnami-labs/sealed-secrets@v0.36.6';

function storeChart(namespace = 'team-a') {
  const { app, fleet } = testFleet();
  return { app, chart: addCluster(fleet, 'prod').addManifests('stores', { namespace }) };
}

const NOT_ALLOWED = 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore';

describe(`${ES} apis/externalsecrets/v1/secretstore_validator_test.go TestValidateSecretStore (refreshInterval, backends)`, () => {
  test('"legacy integer refreshInterval": a whole number of seconds is written as the integer External Secrets reads', () => {
    const { app, chart } = storeChart();
    new SecretStore(chart, 'S', { storeName: 's', refreshInterval: Duration.minutes(5), provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1' }) });
    expect(renderObjects(app)['clusters/prod/stores/SecretStore.s.yaml'].spec.refreshInterval).toBe(300);
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  test('"valid duration string refreshInterval": a sub-second interval is written as a Go duration string, not a raw error', () => {
    const { app, chart } = storeChart();
    new SecretStore(chart, 'S', { storeName: 's', refreshInterval: Duration.millis(1500), provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1' }) });
    expect(renderObjects(app)['clusters/prod/stores/SecretStore.s.yaml'].spec.refreshInterval).toBe('1500ms');
    expect(schemaProblems(app.renderFiles())).toEqual([]);
  });

  // providers/v1/aws/provider_test.go TestValidRetryInput: retryInterval is read with time.ParseDuration.
  test('TestValidRetryInput: retryInterval is always a Go duration string, sub-second ones included', () => {
    const { app, chart } = storeChart();
    new SecretStore(chart, 'A', { storeName: 'a', retryMaxAttempts: 3, retryInterval: Duration.millis(1500), provider: SecretStoreProvider.awsParameterStore({ region: 'eu-central-1' }) });
    new SecretStore(chart, 'B', { storeName: 'b', retryInterval: Duration.minutes(2), provider: SecretStoreProvider.awsParameterStore({ region: 'eu-central-1' }) });
    const objects = renderObjects(app);
    expect(objects['clusters/prod/stores/SecretStore.a.yaml'].spec.retrySettings).toEqual({ maxRetries: 3, retryInterval: '1500ms' });
    expect(objects['clusters/prod/stores/SecretStore.b.yaml'].spec.retrySettings).toEqual({ retryInterval: '2m' });
  });

  test('"no registered store backend": a store without a provider is refused', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: undefined as any })).toThrow(/'provider' is required/);
  });
});

describe(`${ES} providers/v1/aws/provider_test.go TestValidateStore`, () => {
  test.each(['eu-central-1', 'us-east-1-fips', 'fips-us-east-1'])('"valid region": %s', region => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.awsSecretsManager({ region }) })).not.toThrow();
    expect(() => new SecretStore(chart, 'P', { provider: SecretStoreProvider.awsParameterStore({ region }) })).not.toThrow();
  });

  test('"invalid region": noop.', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.awsSecretsManager({ region: 'noop.' }) })).toThrow("'region' ('noop.'): region not found: noop.");
  });

  const keys = (namespace?: string) => ({
    accessKeyIdRef: { secretName: 'foobar', key: 'id', namespace },
    secretAccessKeyRef: { secretName: 'foobar', key: 'secret', namespace },
  });

  test('"invalid static creds auth / AccessKeyID" and "/ SecretAccessKey": a SecretStore may not read another namespace', () => {
    const { chart } = storeChart();
    const message = errorOf(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.accessKeys(keys('unacceptable')) }) }));
    expect(message).toContain(`'provider.auth.accessKeyIdRef' namespace ('unacceptable'): ${NOT_ALLOWED}`);
    expect(message).toContain(`'provider.auth.secretAccessKeyRef' namespace ('unacceptable'): ${NOT_ALLOWED}`);
  });

  test('"referentAuth static creds / … without namespace" and "referentAuth jwt: sa selector without namespace": fine on a ClusterSecretStore', () => {
    const { chart } = storeChart();
    expect(() => new ClusterSecretStore(chart, 'A', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.accessKeys(keys()) }) })).not.toThrow();
    expect(() => new ClusterSecretStore(chart, 'B', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.irsa({ name: 'foobar' }) }) })).not.toThrow();
  });

  test('"invalid jwt auth: not allowed sa selector namespace"', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.irsa({ name: 'foobar', namespace: 'unacceptable' }) }) }))
      .toThrow(`'provider.auth.jwt.serviceAccount' namespace ('unacceptable'): ${NOT_ALLOWED}`);
  });

  test('a ClusterSecretStore may name any namespace (ValidateReferentSecretSelector only binds namespaced stores)', () => {
    const { chart } = storeChart();
    expect(() => new ClusterSecretStore(chart, 'S', { provider: SecretStoreProvider.awsSecretsManager({ region: 'eu-central-1', auth: AwsAuth.accessKeys(keys('elsewhere')) }) })).not.toThrow();
  });
});

describe(`${ES} providers/v1/azure/keyvault/keyvault_test.go TestValidateStore (and keyvault.go ValidateStore)`, () => {
  const ref = (namespace?: string) => ({ secretName: 's', key: 'k', namespace });

  test('"invalid client id" and "invalid client secret": another namespace is refused on a SecretStore', () => {
    const { chart } = storeChart();
    const message = errorOf(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.azureKeyVault({ vaultUrl: 'https://acme.vault.azure.net', tenantId: 't', auth: AzureAuth.servicePrincipal(ref('invalid'), ref('invalid')) }) }));
    expect(message).toContain(`'provider.auth.clientIdRef' namespace ('invalid'): ${NOT_ALLOWED}`);
    expect(message).toContain(`'provider.auth.clientSecretRef' namespace ('invalid'): ${NOT_ALLOWED}`);
  });

  test('the store\'s own namespace, or none, is fine; a service account in another namespace is refused', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'A', { provider: SecretStoreProvider.azureKeyVault({ vaultUrl: 'https://acme.vault.azure.net', tenantId: 't', auth: AzureAuth.servicePrincipal(ref('team-a'), ref()) }) })).not.toThrow();
    expect(() => new SecretStore(chart, 'B', { provider: SecretStoreProvider.azureKeyVault({ vaultUrl: 'https://acme.vault.azure.net', auth: AzureAuth.workloadIdentity({ name: 'eso', namespace: 'other' }) }) }))
      .toThrow(`'provider.auth.serviceAccount' namespace ('other'): ${NOT_ALLOWED}`);
  });
});

describe(`${ES} providers/v1/gcp/secretmanager/provider.go ValidateStore`, () => {
  test('a service account key or a workload identity service account in another namespace is refused on a SecretStore', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'A', { provider: SecretStoreProvider.gcpSecretManager({ projectId: 'acme-prod', auth: GcpAuth.serviceAccountKey({ secretName: 'gcp', key: 'key.json', namespace: 'other' }) }) }))
      .toThrow(`'provider.auth.serviceAccountKey' namespace ('other'): ${NOT_ALLOWED}`);
    expect(() => new SecretStore(chart, 'B', { provider: SecretStoreProvider.gcpSecretManager({ auth: GcpAuth.workloadIdentity({ serviceAccount: { name: 'eso', namespace: 'other' } }) }) }))
      .toThrow(`'provider.auth.workloadIdentity.serviceAccount' namespace ('other'): ${NOT_ALLOWED}`);
    expect(() => new ClusterSecretStore(chart, 'C', { provider: SecretStoreProvider.gcpSecretManager({ auth: GcpAuth.workloadIdentity({ serviceAccount: { name: 'eso', namespace: 'other' } }) }) })).not.toThrow();
  });
});

describe(`${ES} providers/v1/vault/validate_test.go TestValidateStore (the cases not in secret-store.test.ts)`, () => {
  test('"invalid approle with roleId and no roleRef": External Secrets\' own message is given', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.appRole({ secretIdRef: { secretName: 's', key: 'k' } }) }) }))
      .toThrow('invalid Auth.AppRole: neither `roleId` nor `roleRef` was supplied');
  });

  test('a JWT without a token source: External Secrets\' own message (errJwtNoTokenSource)', () => {
    const { chart } = storeChart();
    expect(() => new SecretStore(chart, 'S', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.jwt({ role: 'r' }) }) }))
      .toThrow('neither `secretRef` nor `kubernetesServiceAccountToken` was supplied as token source for jwt authentication');
  });

  test('the referent cases on a ClusterSecretStore: any namespace, or none, is fine', () => {
    const { chart } = storeChart();
    const ref = { secretName: 's', key: 'k', namespace: 'invalid' };
    expect(() => new ClusterSecretStore(chart, 'A', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.appRole({ roleId: 'r', secretIdRef: ref }) }) })).not.toThrow();
    expect(() => new ClusterSecretStore(chart, 'B', { provider: SecretStoreProvider.vault({ server: 'https://v', auth: VaultAuth.kubernetes({ role: 'r', serviceAccount: { name: 'sa' } }) }) })).not.toThrow();
  });
});

describe(`${ES} apis/externalsecrets/v1/externalsecret_validator.go: templateFrom targets compare with strings.EqualFold`, () => {
  const generator = { sourceRef: { generatorRef: { kind: 'Password', name: 'p' } } };
  const targets = (...t: string[]) => ({ dataFrom: [generator], target: { template: { templateFrom: t.map(target => ({ target })) } } });

  test('Unicode simple folding: U+017F (long s) equals "s" and U+212A (Kelvin sign) "k", as in Go', () => {
    expect(webhookProblems(targets('Label\u017f', 'ANNOTATION\u017f', 'DATA'))).toEqual([]);
    const sa = { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'annotation\u017f' }] } } };
    expect(webhookProblems(sa).map(p => p.message)).toEqual(['template.type="kubernetes.io/service-account-token" with templateFrom target="Annotations" is not allowed']);
  });

  test('letters that lower-case to ASCII without folding to it (U+0130) are not the word', () => {
    expect(webhookProblems(targets('Labels\u0130')).map(p => p.message)).toHaveLength(1);
    expect(webhookProblems(targets('Data ')).map(p => p.message)).toEqual(['templateFrom target="Data " is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']);
  });
});

describe(`${ES} pkg/controllers/secretstore/client_manager_test.go TestShouldProcessSecret`, () => {
  const labels = { 'kubernetes.io/metadata.name': 'test-a' };
  test.each([
    ['processes a regex condition', [{ namespaceRegexes: ['test-*'] }], true],
    ['process multiple regexes', [{ namespaceRegexes: ['nope', 'test-*'] }], true],
    ['shouldn\'t process if nothing matches', [{ namespaceRegexes: ['nope'] }], false],
  ])('%s', (_name, conditions, want) => {
    expect(storeAdmitsNamespace(conditions, 'test-a', labels)).toBe(want);
  });

  test('client_manager.go shouldProcessSecret: the first selector or regex that does not compile is an error, so nothing is admitted', () => {
    // A later condition would admit the namespace, but External Secrets returns the error first.
    expect(storeAdmitsNamespace([{ namespaceRegexes: ['\\1'] }, { namespaces: ['test-a'] }], 'test-a', labels)).toBe(false);
    expect(storeAdmitsNamespace([{ namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'Bogus' }] } }, { namespaceRegexes: ['.*'] }], 'test-a', labels)).toBe(false);
    // LabelSelectorAsSelector checks label values: a namespace name that is not a label value fails the same way.
    expect(storeAdmitsNamespace([{ namespaces: ['Not_A_Label!'] }, { namespaceRegexes: ['.*'] }], 'test-a', labels)).toBe(false);
    // An earlier match wins before the bad entry is reached; selectors go before regexes within a condition.
    expect(storeAdmitsNamespace([{ namespaces: ['test-a'] }, { namespaceRegexes: ['\\1'] }], 'test-a', labels)).toBe(true);
    expect(storeAdmitsNamespace([{ namespaces: ['test-a'], namespaceRegexes: ['\\1'] }], 'test-a', labels)).toBe(true);
  });
});

describe(`${ES} runtime/esutils/utils.go GetTargetNamespaces (ClusterExternalSecret)`, () => {
  const known = new Map<string, Record<string, string>>([
    ['a', { 'kubernetes.io/metadata.name': 'a', 'team': 'x' }],
    ['b', { 'kubernetes.io/metadata.name': 'b', 'team': 'y' }],
  ]);

  test('namespaces and selectors are ORed; an empty selector selects every namespace, a null one none', () => {
    expect(selectedNamespaces({ namespaceSelectors: [{ matchLabels: { team: 'x' } }], namespaces: ['c'] }, known)).toEqual(['a', 'c']);
    expect(selectedNamespaces({ namespaceSelectors: [{}] }, known)).toEqual(['a', 'b']);
    expect(selectedNamespaces({ namespaceSelectors: [null] }, known)).toEqual([]);
    expect(selectedNamespaces({ namespaceSelector: { matchLabels: { team: 'y' } }, namespaceSelectors: [{ matchLabels: { team: 'x' } }] }, known)).toEqual(['a', 'b']);
  });

  test('one selector that does not convert fails the whole list: no namespace is provisioned', () => {
    expect(selectedNamespaces({ namespaceSelectors: [{ matchLabels: { team: 'x' } }, { matchExpressions: [{ key: 'team', operator: 'In' }] }] }, known)).toEqual([]);
    expect(selectedNamespaces({ namespaceSelectors: [{ matchLabels: { team: 'not a value!' } }, {}] }, known)).toEqual([]);
  });
});

describe(`${ES} pkg/controllers/clusterexternalsecret/clusterexternalsecret_controller_test.go`, () => {
  const known = new Map<string, Record<string, string>>([
    ['ns-foo', { 'kubernetes.io/metadata.name': 'ns-foo', 'prefix': 'foo' }],
    ['ns-bar', { 'kubernetes.io/metadata.name': 'ns-bar', 'prefix': 'bar' }],
    ['ns-baz', { 'kubernetes.io/metadata.name': 'ns-baz', 'prefix': 'baz' }],
  ]);

  test('"Should sync with match expression" and "Should be ready if no namespace matches"', () => {
    expect(selectedNamespaces({ namespaceSelector: { matchExpressions: [{ key: 'prefix', operator: 'In', values: ['foo', 'bar'] }] } }, known)).toEqual(['ns-bar', 'ns-foo']);
    expect(selectedNamespaces({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'no-namespace-matches' } } }, known)).toEqual([]);
  });

  test('"Should use cluster external secret name if external secret name isn\'t defined"', () => {
    const { app, fleet } = testFleet();
    const m = addCluster(fleet, 'prod').addManifests('platform');
    const ces = new ClusterExternalSecret(m, 'Registry', {
      clusterExternalSecretName: 'registry', store: SecretStoreReference.clusterSecretStore('vault'), namespaces: ['ns-foo'], data: [{ secretKey: 'k', remoteKey: 'r' }],
    });
    expect(ces.externalSecretName).toBe('registry');
    expect(renderObjects(app)['clusters/prod/platform/ClusterExternalSecret.registry.yaml'].spec.externalSecretName).toBeUndefined();
  });

  test('"Should not overwrite existing external secrets and error out if one is present": the fleet proof reports it', () => {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = addCluster(fleet, 'prod');
    new PreinstalledSecretStore(fleet, 'Vault', { store: SecretStoreReference.clusterSecretStore('vault') });
    const platform = prod.addManifests('platform');
    new ClusterExternalSecret(platform, 'Registry', {
      clusterExternalSecretName: 'registry-ces',
      externalSecretName: 'registry',
      store: SecretStoreReference.clusterSecretStore('vault'),
      namespaces: ['api'],
      data: [{ secretKey: 'k', remoteKey: 'r' }],
    });
    deploy(fleet, platform, prod, 'platform');
    const api = prod.addManifests('api', { namespace: 'api' });
    new ExternalSecret(api, 'Registry', { externalSecretName: 'registry', targetName: 'registry-own', store: SecretStoreReference.clusterSecretStore('vault'), data: [{ secretKey: 'k', remoteKey: 'r' }] });
    deploy(fleet, api, prod, 'api');
    expect(errorOf(() => app.renderFiles())).toContain(
      "ClusterExternalSecret 'registry-ces' cannot create ExternalSecret 'api/registry': external secret already exists in namespace (created by the tree, clusters/prod/api/ExternalSecret.registry.yaml); give it another 'externalSecretName'");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Sealed Secrets
// ---------------------------------------------------------------------------------------------------------------

const keys = rsaCertificate(2048, 365);
const cert = parseCertificate(fs.readFileSync(keys.cert, 'utf-8'));
const sealFor = (value: string, namespace: string, name: string, scope: 'strict' | 'namespace-wide' | 'cluster-wide') =>
  hybridEncrypt(cert.publicKey, Buffer.from(value), encryptionLabel(namespace, name, scope)).toString('base64');

function sealedChart(namespace?: string) {
  const { app, fleet } = testFleet();
  return { app, manifests: addCluster(fleet, 'prod').addManifests('web', { namespace }) };
}

/** Unseals a rendered SealedSecret as the controller's `Unseal` does: the label from its own metadata. */
function unsealRendered(o: any, key: string): string {
  const label = encryptionLabel(o.metadata.namespace ?? '', o.metadata.name, scopeOf(o.metadata.annotations)).toString('utf-8');
  return unseal(o.spec.encryptedData[key], keys.key, label).toString('utf-8');
}

describe(`${SS} pkg/apis/sealedsecrets/v1alpha1/sealedsecret_test.go`, () => {
  test('TestSealingScope: the scope names', () => {
    expect([SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE]).toEqual(['strict', 'namespace-wide', 'cluster-wide']);
  });

  test('TestEncryptionLabel', () => {
    expect(encryptionLabel('myns', 'myname', 'strict').toString()).toBe('myns/myname');
    expect(encryptionLabel('myns', 'myname', 'namespace-wide').toString()).toBe('myns');
    expect(encryptionLabel('myns', 'myname', 'cluster-wide').toString()).toBe('');
  });

  test.each([
    ['TestLabel', {}, 'myns/myname'],
    ['TestClusterWide', { [CLUSTER_WIDE_ANNOTATION]: 'true' }, ''],
    ['TestNamespaceWide', { [NAMESPACE_WIDE_ANNOTATION]: 'true' }, 'myns'],
    ['TestClusterAndNamespaceWide', { [NAMESPACE_WIDE_ANNOTATION]: 'true', [CLUSTER_WIDE_ANNOTATION]: 'true' }, ''],
    ['(mismatch) an annotation other than "true" is strict', { [CLUSTER_WIDE_ANNOTATION]: 'True', [NAMESPACE_WIDE_ANNOTATION]: 'false' }, 'myns/myname'],
  ])('%s: labelFor', (_name, annotations, label) => {
    expect(encryptionLabel('myns', 'myname', scopeOf(annotations)).toString()).toBe(label);
  });

  test.each([
    ['TestSealRoundTrip', SealingScope.STRICT],
    ['TestSealRoundTripWithNamespaceWide', SealingScope.NAMESPACE_WIDE],
    ['TestSealRoundTripWithClusterWide', SealingScope.CLUSTER_WIDE],
  ])('%s: the written SealedSecret unseals (openssl) with the label of its own metadata', (_name, scope) => {
    const { app, manifests } = sealedChart('myns');
    new SealedSecret(manifests, 'S', { sealedSecretName: 'myname', scope, encryptedData: { foo: sealFor('bar', 'myns', 'myname', scope as any) }, certificateFingerprint: cert.fingerprint });
    const o = renderObjects(app)['clusters/prod/web/SealedSecret.myname.yaml'];
    expect(unsealRendered(o, 'foo')).toBe('bar');
  });

  test.each([
    ['TestSealRoundTripWithMisMatchClusterWide', CLUSTER_WIDE_ANNOTATION, 'cluster-wide'],
    ['TestSealRoundTripWithMisMatchNamespaceWide', NAMESPACE_WIDE_ANNOTATION, 'namespace-wide'],
  ])('%s: with the annotation flipped to "false" the label is strict and the value does not open', (_name, annotation, scope) => {
    const { app, manifests } = sealedChart('myns');
    new SealedSecret(manifests, 'S', { sealedSecretName: 'myname', scope: scope as SealingScope, encryptedData: { foo: sealFor('bar', 'myns', 'myname', scope as any) }, certificateFingerprint: cert.fingerprint });
    const o = renderObjects(app)['clusters/prod/web/SealedSecret.myname.yaml'];
    expect(o.metadata.annotations[annotation]).toBe('true');
    o.metadata.annotations[annotation] = 'false';
    expect(() => unsealRendered(o, 'foo')).toThrow();
  });

  test('TestSealRoundTripTemplateData: the upstream templates parse with the controller\'s functions', () => {
    expect(sealedTemplateProblems({ 'bar': 'secret {{ index . "foo" }} !', 'password-json': '{{ toJson .password }}' })).toEqual([]);
  });

  test('sealedsecret_expansion.go init: env, expandenv and getHostByName are removed; Argo CD\'s additions were never there', () => {
    expect(sealedTemplateProblems({ a: '{{ env "HOME" }}', b: '{{ expandenv "$HOME" }}', c: '{{ getHostByName "x" }}', d: '{{ toYaml . }}', e: '{{ .x | b64enc | sha256sum }}' })).toEqual([
      "cannot be unsealed: template.data key 'a': template: a:1: function \"env\" not defined",
      "cannot be unsealed: template.data key 'b': template: b:1: function \"expandenv\" not defined",
      "cannot be unsealed: template.data key 'c': template: c:1: function \"getHostByName\" not defined",
      "cannot be unsealed: template.data key 'd': template: d:1: function \"toYaml\" not defined",
    ]);
    expect(sealedTemplateProblems({ k: 'x {{ .a ' })[0]).toMatch(/^cannot be unsealed: template.data key 'k': template: k:1: unclosed action/);
  });

  test('a template that does not parse is refused by the SealedSecret construct, and caught by the fleet proof in a SealedSecret it did not write', () => {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = fleet.addCluster('prod', { server: 'https://prod.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sealingCertificate: SealingCertificate.fromFile(keys.cert) });
    const m = prod.addManifests('web', { namespace: 'web' });
    expect(errorOf(() => new SealedSecret(m, 'S', {
      sealedSecretName: 's', encryptedData: { K: sealFor('v', 'web', 's', 'strict') }, certificateFingerprint: cert.fingerprint, templateData: { url: '{{ env "PATH" }}' },
    }))).toContain("[platform/prod/web/S] 'templateData': cannot be unsealed: template.data key 'url': template: url:1: function \"env\" not defined");
    new ApiObject(m, 'Raw', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 's', annotations: { 'fleet.cdk8s.io/sealing-certificate': cert.fingerprint } },
      spec: { encryptedData: { K: sealFor('v', 'web', 's', 'strict') }, template: { data: { url: '{{ env "PATH" }}' } } },
    });
    deploy(fleet, m, prod, 'web');
    expect(errorOf(() => app.renderFiles())).toContain(
      "[platform/prod/web/Raw] SealedSecret 'web/s' cannot be unsealed: template.data key 'url': template: url:1: function \"env\" not defined (cluster prod; clusters/prod/web/SealedSecret.s.yaml) [secret-references]");
  });

  test('TestInvalidBase64, TestUnsealingV1Format "RejectDeprecatedV1Data": the fleet proof checks SealedSecrets it did not write (never showing values)', () => {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = fleet.addCluster('prod', { server: 'https://prod.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sealingCertificate: SealingCertificate.fromFile(keys.cert) });
    const m = prod.addManifests('web', { namespace: 'web' });
    new ApiObject(m, 'Raw', {
      apiVersion: 'bitnami.com/v1alpha1',
      kind: 'SealedSecret',
      metadata: { name: 'raw', annotations: { 'fleet.cdk8s.io/sealing-certificate': cert.fingerprint } },
      spec: { encryptedData: { foo: 'NOTVALIDBASE64', ok: sealFor('v', 'web', 'raw', 'strict') }, data: 'AAAA' },
    });
    deploy(fleet, m, prod, 'web');
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("SealedSecret 'web/raw' cannot be unsealed: it uses the deprecated 'data' field (\"using deprecated 'data' field, use 'encryptedData' or flip the feature flag\")");
    expect(message).toContain("SealedSecret 'web/raw' cannot be unsealed: encryptedData key 'foo' is not a sealed value (not standard base64; the value is not shown)");
    expect(message).not.toContain("key 'ok'");
    expect(message).not.toContain('NOTVALIDBASE64');
  });

  test('TestRejectBothEncryptedDataAndDeprecatedV1Data: fromFile refuses the deprecated data field', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'v1.yaml');
    fs.writeFileSync(file, `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: web\nspec:\n  data: ""\n  encryptedData:\n    K: ${sealFor('v', 'web', 's', 'strict')}\n`);
    const { manifests } = sealedChart('web');
    expect(() => SealedSecret.fromFile(manifests, 'S', file, { certificateFingerprint: cert.fingerprint })).toThrow(/uses the deprecated 'spec.data' field, which the controller refuses/);
  });

  test('TestTemplateWithoutEncryptedData: template data alone is accepted and written with an empty encryptedData', () => {
    const { app, manifests } = sealedChart('web');
    new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: {}, templateData: { foo: 'bar' }, certificateFingerprint: cert.fingerprint });
    const o = renderObjects(app)['clusters/prod/web/SealedSecret.s.yaml'];
    expect(o.spec.encryptedData).toEqual({});
    expect(o.spec.template.data).toEqual({ foo: 'bar' });
    expect(schemaProblems(app.renderFiles())).toEqual([]);
    expect(() => new SealedSecret(manifests, 'T', { sealedSecretName: 't', encryptedData: {}, certificateFingerprint: cert.fingerprint })).toThrow(/'encryptedData' needs at least one sealed value/);
  });

  test('TestSkipSetOwnerReference: the annotation is written on the template, where the controller reads it', () => {
    const { app, manifests } = sealedChart('web');
    new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: { K: sealFor('v', 'web', 's', 'strict') }, certificateFingerprint: cert.fingerprint, annotations: { 'sealedsecrets.bitnami.com/skip-set-owner-references': 'true' } });
    expect(renderObjects(app)['clusters/prod/web/SealedSecret.s.yaml'].spec.template.metadata.annotations).toEqual({ 'sealedsecrets.bitnami.com/skip-set-owner-references': 'true' });
  });

  test('TestSealMetadataPreservation: annotations are kept, but not the last-applied copies kubeseal strips (never shown)', () => {
    const { app, manifests } = sealedChart('web');
    new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: { K: sealFor('v', 'web', 's', 'strict') }, certificateFingerprint: cert.fingerprint, annotations: { 'foo': 'test value', 'foo.bar.io/foo-bar-baz': 'test value' } });
    expect(renderObjects(app)['clusters/prod/web/SealedSecret.s.yaml'].spec.template.metadata.annotations).toEqual({ 'foo': 'test value', 'foo.bar.io/foo-bar-baz': 'test value' });
    for (const key of ['kubectl.kubernetes.io/last-applied-configuration', 'kubecfg.ksonnet.io/last-applied-configuration']) {
      const message = errorOf(() => new SealedSecret(manifests, key, { sealedSecretName: 't', encryptedData: { K: sealFor('v', 'web', 't', 'strict') }, certificateFingerprint: cert.fingerprint, annotations: { [key]: '{"data":{"password":"aHVudGVyMg=="}}' } }));
      expect(message).toContain(`'annotations' key '${key}' may hold the Secret in plaintext (kubeseal strips it before sealing)`);
      expect(message).not.toContain('aHVudGVyMg');
    }
  });

  test('the scope annotations are not annotations: \'scope\' sets them on the object the controller reads', () => {
    const { manifests } = sealedChart('web');
    expect(() => new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: { K: sealFor('v', '', '', 'cluster-wide') }, certificateFingerprint: cert.fingerprint, annotations: { [CLUSTER_WIDE_ANNOTATION]: 'true' } }))
      .toThrow(`'annotations' key '${CLUSTER_WIDE_ANNOTATION}' sets the sealing scope: give 'scope' instead`);
  });

  test('TestInvalidBase64: a value that is not base64 is refused, naming the key, before any decryption', () => {
    const { manifests } = sealedChart('myns');
    const message = errorOf(() => new SealedSecret(manifests, 'S', { sealedSecretName: 'myname', encryptedData: { foo: 'NOTVALIDBASE64' }, certificateFingerprint: cert.fingerprint }));
    expect(message).toContain("'encryptedData' value of key 'foo' is not a sealed value (not standard base64)");
    expect(message).not.toContain('NOTVALIDBASE64');
  });

  test('HybridEncrypt: the RSA part is as long as the modulus, whatever its size (a 2056-bit key gives 257 bytes)', () => {
    const odd = rsaCertificate(2056, 30);
    const c = parseCertificate(fs.readFileSync(odd.cert, 'utf-8'));
    const value = hybridEncrypt(c.publicKey, Buffer.from('v'), encryptionLabel('web', 's', 'strict')).toString('base64');
    expect(Buffer.from(value, 'base64').readUInt16BE(0)).toBe(257);
    const { manifests } = sealedChart('web');
    expect(() => new SealedSecret(manifests, 'S', { sealedSecretName: 's', encryptedData: { K: value }, certificateFingerprint: c.fingerprint })).not.toThrow();
    expect(unseal(value, odd.key, 'web/s').toString()).toBe('v');
  });
});

describe(`${SS} pkg/kubeseal/kubeseal.go ParseKey (client-go util/cert ParseCertsPEM)`, () => {
  const pem = fs.readFileSync(keys.cert, 'utf-8');
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').trim();

  test('other PEM blocks are skipped; the first certificate is sealed for', () => {
    const publicKey = `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----\n`;
    expect(parseCertificate(publicKey + pem).fingerprint).toBe(cert.fingerprint);
    const other = fs.readFileSync(rsaCertificate(2048, 30).cert, 'utf-8');
    expect(parseCertificate(pem + other).fingerprint).toBe(cert.fingerprint);
  });

  test('a CERTIFICATE block with headers is skipped, as ParseCertsPEM does', () => {
    const withHeaders = `-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\n\n${body}\n-----END CERTIFICATE-----\n`;
    expect(() => parseCertificate(withHeaders)).toThrow('data does not contain any valid RSA or ECDSA certificates');
    expect(parseCertificate(withHeaders + pem).fingerprint).toBe(cert.fingerprint);
  });

  test('any CERTIFICATE block that does not parse fails the file, even after a good one', () => {
    expect(() => parseCertificate(`${pem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`)).toThrow(/^not a valid X.509 certificate/);
  });
});

describe(`${SS} pkg/kubeseal/kubeseal_test.go TestSeal: namespaces and scopes of the SealedSecret written`, () => {
  test('strict and namespace-wide take the namespace (the chart\'s, as kubeseal takes the context\'s); the scope annotation is on the object', () => {
    const { app, manifests } = sealedChart('default');
    new SealedSecret(manifests, 'A', { sealedSecretName: 'mysecret', encryptedData: { foo: sealFor('sekret', 'default', 'mysecret', 'strict') }, certificateFingerprint: cert.fingerprint });
    new SealedSecret(manifests, 'B', { sealedSecretName: 'wide', scope: SealingScope.NAMESPACE_WIDE, encryptedData: { foo: sealFor('sekret', 'default', '', 'namespace-wide') }, certificateFingerprint: cert.fingerprint });
    const objects = renderObjects(app);
    expect(objects['clusters/prod/web/SealedSecret.mysecret.yaml'].metadata).toEqual({ name: 'mysecret', namespace: 'default', annotations: { 'fleet.cdk8s.io/sealing-certificate': cert.fingerprint } });
    expect(objects['clusters/prod/web/SealedSecret.wide.yaml'].metadata.annotations[NAMESPACE_WIDE_ANNOTATION]).toBe('true');
    expect(unsealRendered(objects['clusters/prod/web/SealedSecret.mysecret.yaml'], 'foo')).toBe('sekret');
    expect(unsealRendered(objects['clusters/prod/web/SealedSecret.wide.yaml'], 'foo')).toBe('sekret');
  });

  test('cluster-wide needs no namespace ("we shouldn\'t force the default namespace"), but keeps one given', () => {
    const none = sealedChart();
    new SealedSecret(none.manifests, 'A', { sealedSecretName: 'mysecret', scope: SealingScope.CLUSTER_WIDE, encryptedData: { foo: sealFor('sekret', '', '', 'cluster-wide') }, certificateFingerprint: cert.fingerprint });
    const a = renderObjects(none.app)['clusters/prod/web/SealedSecret.mysecret.yaml'];
    expect(a.metadata.namespace).toBeUndefined();
    expect(a.metadata.annotations[CLUSTER_WIDE_ANNOTATION]).toBe('true');
    expect(unsealRendered(a, 'foo')).toBe('sekret');
    const given = sealedChart('myns');
    new SealedSecret(given.manifests, 'B', { sealedSecretName: 'mysecret', scope: SealingScope.CLUSTER_WIDE, encryptedData: { foo: sealFor('sekret', '', '', 'cluster-wide') }, certificateFingerprint: cert.fingerprint });
    expect(renderObjects(given.app)['clusters/prod/web/SealedSecret.mysecret.yaml'].metadata.namespace).toBe('myns');
  });

  test('sealedsecret_expansion.go NewSealedSecret "secret must declare a namespace": strict and namespace-wide without one are refused', () => {
    const { manifests } = sealedChart();
    expect(() => new SealedSecret(manifests, 'W', { sealedSecretName: 'w', scope: SealingScope.NAMESPACE_WIDE, encryptedData: { K: sealFor('v', 'x', '', 'namespace-wide') }, certificateFingerprint: cert.fingerprint }))
      .toThrow(/'namespace' is required with scope namespace-wide/);
  });
});

/** An Application for the manifests (the proof follows what Applications deploy). */
function deploy(fleet: Fleet, manifests: ClusterManifests, cluster: ICluster, namespace: string) {
  new Application(fleet, `${manifests.applicationName}-${cluster.clusterName}`, { destination: cluster, destinationNamespace: namespace, source: ApplicationSource.manifests(manifests) });
}
