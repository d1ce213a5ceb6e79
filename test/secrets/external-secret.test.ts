import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ExternalSecret, ExternalSecretCreationPolicy, ExternalSecretDataFrom, ExternalSecretDeletionPolicy, ExternalSecretRefreshPolicy,
  SecretDecodingStrategy, SecretKeyRewrite, SecretMetadataPolicy, SecretStoreReference, TemplateFrom, TemplateMergePolicy, TemplateScope,
  TemplateTarget,
} from '../../src';
import { webhookProblems } from '../../src/private/external-secret-spec';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const vault = SecretStoreReference.clusterSecretStore('vault');

function manifests(props: Parameters<typeof testFleet>[0] = {}) {
  const { app, fleet } = testFleet(props);
  const cluster = addCluster(fleet, 'prod');
  return { app, fleet, chart: cluster.addManifests('api', { namespace: 'api' }) };
}

describe('ExternalSecret', () => {
  test('minimal: the store, the keys and the CRD-defaulted fields written as the controller keeps them', () => {
    // GIVEN
    const { app, chart } = manifests();
    // WHEN
    new ExternalSecret(chart, 'Db', {
      externalSecretName: 'api-db',
      store: vault,
      data: [{ secretKey: 'password', remoteKey: 'apps/api/db', property: 'password' }],
    });
    // THEN
    expect(renderObjects(app)['clusters/prod/api/ExternalSecret.api-db.yaml']).toStrictEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'api-db', namespace: 'api' },
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: { creationPolicy: 'Owner', deletionPolicy: 'Retain', name: 'api-db' },
        data: [{ secretKey: 'password', remoteRef: { key: 'apps/api/db', property: 'password' } }],
      },
    });
  });

  test('all props: template, dataFrom (extract, find, generator), rewrites, policies', () => {
    // GIVEN
    const { app, chart } = manifests();
    // WHEN
    const es = new ExternalSecret(chart, 'All', {
      externalSecretName: 'all',
      store: SecretStoreReference.secretStore('aws'),
      refreshInterval: Duration.minutes(15),
      refreshPolicy: ExternalSecretRefreshPolicy.ON_CHANGE,
      targetName: 'api-config',
      creationPolicy: ExternalSecretCreationPolicy.OWNER,
      deletionPolicy: ExternalSecretDeletionPolicy.DELETE,
      immutable: true,
      labels: { team: 'api' },
      template: {
        type: 'Opaque',
        labels: { app: 'api' },
        annotations: { 'acme.io/rotated-by': 'vault' },
        mergePolicy: TemplateMergePolicy.MERGE,
        data: { url: 'postgres://{{ .user }}:{{ .password }}@db:5432/api' },
        templateFrom: [TemplateFrom.configMap('api-templates', [{ key: 'config.yaml', templateAs: TemplateScope.KEYS_AND_VALUES }]), TemplateFrom.literal('{{ .user }}', TemplateTarget.LABELS)],
      },
      data: [{ secretKey: 'user', remoteKey: 'api/db', property: 'user', version: 'AWSCURRENT', decodingStrategy: SecretDecodingStrategy.NONE, metadataPolicy: SecretMetadataPolicy.NONE }],
      dataFrom: [
        ExternalSecretDataFrom.extract({ remoteKey: 'api/db', rewrite: [SecretKeyRewrite.regexp('^db-', '')], store: vault }),
        ExternalSecretDataFrom.find({ path: 'api/', nameRegExp: '^feature-', tags: { team: 'api' }, rewrite: [SecretKeyRewrite.transform('{{ .value | upper }}')] }),
        ExternalSecretDataFrom.generator({ kind: 'Password', name: 'api-password' }),
      ],
    });
    // THEN
    const rendered = renderObjects(app)['clusters/prod/api/ExternalSecret.all.yaml'];
    expect(rendered.spec.refreshInterval).toBe('15m');
    expect(rendered.spec.refreshPolicy).toBe('OnChange');
    expect(rendered.spec.target.template).toEqual({
      type: 'Opaque',
      engineVersion: 'v2',
      mergePolicy: 'Merge',
      metadata: { labels: { app: 'api' }, annotations: { 'acme.io/rotated-by': 'vault' } },
      data: { url: 'postgres://{{ .user }}:{{ .password }}@db:5432/api' },
      templateFrom: [
        { configMap: { name: 'api-templates', items: [{ key: 'config.yaml', templateAs: 'KeysAndValues' }] }, target: 'Data' },
        { literal: '{{ .user }}', target: 'Labels' },
      ],
    });
    expect(rendered.spec.dataFrom).toEqual([
      { extract: { key: 'api/db' }, rewrite: [{ regexp: { source: '^db-', target: '' } }], sourceRef: { storeRef: { kind: 'ClusterSecretStore', name: 'vault' } } },
      { find: { path: 'api/', name: { regexp: '^feature-' }, tags: { team: 'api' } }, rewrite: [{ transform: { template: '{{ .value | upper }}' } }] },
      { sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'api-password' } } },
    ]);
    expect(es.secretName).toBe('api-config');
    expect(schemaProblems(app.renderFiles())).toEqual([]);
    expect(rendered).toMatchSnapshot();
  });

  test('the store defaults to the fleet\'s default store', () => {
    const { app, chart } = manifests({ defaultSecretStore: vault });
    new ExternalSecret(chart, 'Db', { externalSecretName: 'db', data: [{ secretKey: 'k', remoteKey: 'r' }] });
    expect(renderObjects(app)['clusters/prod/api/ExternalSecret.db.yaml'].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
  });

  test('the Secret it writes is wired into cdk8s-plus pods by name', () => {
    // GIVEN
    const { app, chart } = manifests();
    const es = new ExternalSecret(chart, 'Db', { externalSecretName: 'db', targetName: 'db-credentials', store: vault, data: [{ secretKey: 'password', remoteKey: 'db' }] });
    // WHEN
    new kplus.Deployment(chart, 'Web', {
      metadata: { name: 'web' },
      containers: [{ image: 'nginx', envVariables: { PASSWORD: kplus.EnvValue.fromSecretValue({ secret: es.secret, key: 'password' }) }, securityContext: { user: 1000 } }],
    });
    // THEN
    const env = renderObjects(app)['clusters/prod/api/Deployment.web.yaml'].spec.template.spec.containers[0].env;
    expect(env).toEqual([{ name: 'PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'db-credentials' } } }]);
  });

  test('addData and addDataFrom add to the spec after construction', () => {
    const { app, chart } = manifests();
    const es = new ExternalSecret(chart, 'Db', { externalSecretName: 'db', store: vault });
    es.addData({ secretKey: 'a', remoteKey: 'x' });
    es.addDataFrom(ExternalSecretDataFrom.extract({ remoteKey: 'y' }));
    const spec = renderObjects(app)['clusters/prod/api/ExternalSecret.db.yaml'].spec;
    expect(spec.data).toEqual([{ secretKey: 'a', remoteRef: { key: 'x' } }]);
    expect(spec.dataFrom).toEqual([{ extract: { key: 'y' } }]);
    expect(() => es.addData({ secretKey: 'bad key', remoteKey: 'x' })).toThrow(/'data\[1\]' 'secretKey' \('bad key'\) must be 1-253 letters/);
  });

  test('fails at construction, naming the construct path, each prop and value, all at once', () => {
    const { chart } = manifests();
    const message = errorOf(() => new ExternalSecret(chart, 'Bad', {
      externalSecretName: 'Bad_Name',
      targetName: 'UPPER',
      data: [{ secretKey: 'a b', remoteKey: '' }],
      dataFrom: [ExternalSecretDataFrom.find({}), ExternalSecretDataFrom.find({ nameRegExp: '(?=x)' }), ExternalSecretDataFrom.generator({ kind: 'Magic', name: 'g' })],
    }));
    expect(message).toContain("Invalid ExternalSecret at 'platform/prod/api/Bad'");
    expect(message).toContain("'store' is required: give a store, or a 'defaultSecretStore' to the Fleet");
    expect(message).toContain("'targetName' ('UPPER') must consist of lower case");
    expect(message).toContain("'data[0]' 'secretKey' ('a b') must be 1-253 letters, digits, '-', '_' or '.'");
    expect(message).toContain("'data[0]' 'remoteKey' ('') must be a non-empty string");
    expect(message).toContain("'dataFrom[0]' find needs 'nameRegExp', 'path' or 'tags'");
    expect(message).toContain("'dataFrom[1]' 'nameRegExp' ('(?=x)') is not a valid Go regular expression: error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    expect(message).toContain("'dataFrom[2]' generator 'kind' ('Magic') must be one of ACRAccessToken");
    expect(message).toContain("'externalSecretName' ('Bad_Name')");
  });

  test('the webhook rules are checked at synth, with the construct path (no data at all)', () => {
    const { app, chart } = manifests();
    new ExternalSecret(chart, 'Empty', { externalSecretName: 'empty', store: vault });
    expect(() => app.renderFiles()).toThrow("[platform/prod/api/Empty] 'data' ([]): either data or dataFrom should be specified");
  });

  test('duplicate keys are refused under the default deletion policy (Retain)', () => {
    const { app, chart } = manifests();
    new ExternalSecret(chart, 'Dup', { externalSecretName: 'dup', store: vault, data: [{ secretKey: 'k', remoteKey: 'a' }, { secretKey: 'k', remoteKey: 'b' }] });
    expect(() => app.renderFiles()).toThrow("[platform/prod/api/Dup] 'data' ('k'): duplicate secretKey found: k");
  });

  test('deletion policy Delete with creation policy Merge is refused', () => {
    const { app, chart } = manifests();
    new ExternalSecret(chart, 'M', {
      externalSecretName: 'm',
      store: vault,
      data: [{ secretKey: 'k', remoteKey: 'a' }],
      creationPolicy: ExternalSecretCreationPolicy.MERGE,
      deletionPolicy: ExternalSecretDeletionPolicy.DELETE,
    });
    expect(() => app.renderFiles()).toThrow("'deletionPolicy' ('Delete with creationPolicy Merge'): deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner");
  });

  test('a bootstrap token template is refused', () => {
    const { app, chart } = manifests();
    new ExternalSecret(chart, 'T', { externalSecretName: 't', store: vault, data: [{ secretKey: 'k', remoteKey: 'a' }], template: { type: 'bootstrap.kubernetes.io/token' } });
    expect(() => app.renderFiles()).toThrow('template.type="bootstrap.kubernetes.io/token" is not allowed');
  });

  test('defaultChild is the L1', () => {
    const { chart } = manifests();
    const es = new ExternalSecret(chart, 'Db', { externalSecretName: 'db', store: vault, data: [{ secretKey: 'k', remoteKey: 'a' }] });
    expect(es.node.defaultChild).toBe(es.apiObject);
    expect(Testing.synth(chart)[0].kind).toBe('ExternalSecret');
  });
});

// Ported from external-secrets/external-secrets@v2.9.0 apis/externalsecrets/v1/externalsecret_validator_test.go
// TestValidateExternalSecret: each case is the wire-format spec (Go zero values omitted), the expected errors in
// the webhook's order. The API server applies the CRD default target {creationPolicy: Owner, deletionPolicy:
// Retain} before the webhook; the Go test builds objects without it, so cases where it matters say so.
describe('External Secrets admission webhook rules (TestValidateExternalSecret)', () => {
  const generator = { sourceRef: { generatorRef: { kind: 'Password', name: 'p' } } };
  const cases: Array<[string, any, string[]]> = [
    ['deletion policy delete', { target: { deletionPolicy: 'Delete', creationPolicy: 'Merge' }, data: [{}] },
      ["deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner"]],
    ['deletion policy delete with create or merge', { target: { deletionPolicy: 'Delete', creationPolicy: 'CreateOrMerge' }, data: [{}] },
      ["deletionPolicy=Delete must not be used when the controller doesn't own the secret. Please set creationPolicy=Owner"]],
    ['deletion policy merge', { target: { deletionPolicy: 'Merge', creationPolicy: 'None' }, data: [{}] },
      ['deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with']],
    ['both data and data_from are empty', {}, ['either data or dataFrom should be specified']],
    ['find with extract', { dataFrom: [{ find: {}, extract: {} }] }, ['extract, find, or generatorRef cannot be set at the same time']],
    ['generator with find', { dataFrom: [{ find: {}, sourceRef: { generatorRef: {} } }] }, ['extract, find, or generatorRef cannot be set at the same time']],
    ['generator with extract', { dataFrom: [{ extract: {}, sourceRef: { generatorRef: {} } }] }, ['extract, find, or generatorRef cannot be set at the same time']],
    ['empty dataFrom', { dataFrom: [{}] }, ['either extract, find, or sourceRef must be set to dataFrom']],
    ['empty sourceRef', { dataFrom: [{ sourceRef: {} }] }, ['generatorRef or storeRef must be set when using sourceRef in dataFrom']],
    ['multiple errors', { target: { deletionPolicy: 'Merge', creationPolicy: 'None' } },
      ['deletionPolicy=Merge must not be used with creationPolicy=None. There is no Secret to merge with', 'either data or dataFrom should be specified']],
    ['valid', { dataFrom: [generator] }, []],
    ['duplicate secretKeys', { target: { deletionPolicy: 'Retain' }, data: [{ secretKey: 'SERVICE_NAME' }, { secretKey: 'SERVICE_NAME' }, { secretKey: 'SERVICE_NAME-2' }, { secretKey: 'SERVICE_NAME-2' }, { secretKey: 'NOT_DUPLICATE' }] },
      ['duplicate secretKey found: SERVICE_NAME', 'duplicate secretKey found: SERVICE_NAME-2']],
    ['duplicate secretKey', { target: { deletionPolicy: 'Retain' }, data: [{ secretKey: 'SERVICE_NAME' }, { secretKey: 'SERVICE_NAME' }] }, ['duplicate secretKey found: SERVICE_NAME']],
    ['service account token template with name annotation is rejected',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', metadata: { annotations: { 'kubernetes.io/service-account.name': 'external-secrets' } } } } },
      ['template.type="kubernetes.io/service-account-token" with annotation "kubernetes.io/service-account.name" is not allowed']],
    ['service account token template without name annotation is allowed', { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token' } } }, []],
    ['service account token template with templateFrom annotations target is rejected',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'Annotations' }] } } },
      ['template.type="kubernetes.io/service-account-token" with templateFrom target="Annotations" is not allowed']],
    ['service account token template with lowercase templateFrom annotations target is rejected',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'annotations' }] } } },
      ['template.type="kubernetes.io/service-account-token" with templateFrom target="Annotations" is not allowed']],
    ['service account token template with templateFrom data target is allowed',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'Data' }] } } }, []],
    ['bootstrap token template is rejected', { dataFrom: [generator], target: { template: { type: 'bootstrap.kubernetes.io/token' } } },
      ['template.type="bootstrap.kubernetes.io/token" is not allowed']],
    ['service account name annotation without service account token type is allowed',
      { dataFrom: [generator], target: { template: { type: 'Opaque', metadata: { annotations: { 'kubernetes.io/service-account.name': 'external-secrets' } } } } }, []],
    ['templateFrom type target is rejected',
      { dataFrom: [generator], target: { template: { metadata: { annotations: { 'kubernetes.io/service-account.name': 'victim-sa' } }, templateFrom: [{ target: 'type' }] } } },
      ['templateFrom target="type" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']],
    ['templateFrom nested metadata.annotations target is rejected',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'metadata.annotations' }] } } },
      ['templateFrom target="metadata.annotations" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']],
    ['templateFrom mixed case nested annotations target is rejected',
      { dataFrom: [generator], target: { template: { type: 'kubernetes.io/service-account-token', templateFrom: [{ target: 'Metadata.Annotations.kubernetes.io/service-account.name' }] } } },
      ['templateFrom target="Metadata.Annotations.kubernetes.io/service-account.name" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']],
    ['templateFrom immutable target is rejected', { dataFrom: [generator], target: { template: { templateFrom: [{ target: 'immutable' }] } } },
      ['templateFrom target="immutable" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']],
    ['templateFrom well-known targets are allowed in any case',
      { dataFrom: [generator], target: { template: { templateFrom: ['', 'data', 'Data', 'labels', 'Labels', 'annotations', 'Annotations'].map(target => ({ target })) } } }, []],
    ['templateFrom nested target is allowed for a custom resource manifest',
      { dataFrom: [generator], target: { manifest: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' }, template: { templateFrom: [{ target: 'spec.database.config' }] } } }, []],
    ['templateFrom nested target is rejected for a manifest naming a Secret',
      { dataFrom: [generator], target: { manifest: { apiVersion: 'v1', kind: 'Secret' }, template: { templateFrom: [{ target: 'type' }] } } },
      ['templateFrom target="type" is not allowed when targeting a Secret, must be one of "Data", "Annotations" or "Labels"']],
  ];
  test.each(cases)('%s', (_name, spec, expected) => {
    expect(webhookProblems(spec).map(p => p.message)).toEqual(expected);
  });

  test('with the CRD default applied (deletionPolicy Retain), duplicates are refused even when the policy is not written', () => {
    expect(webhookProblems({ data: [{ secretKey: 'A' }, { secretKey: 'A' }] }).map(p => p.message)).toEqual(['duplicate secretKey found: A']);
    expect(webhookProblems({ target: { deletionPolicy: 'Delete' }, data: [{ secretKey: 'A' }, { secretKey: 'A' }] })).toEqual([]);
  });
});
