import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  ClusterMatch, IWorkloadDefinition, LabelSelectorOperator, PreinstalledSecretStore, SecretStoreReference, VersionsFile, Workload, WorkloadOutput,
  WorkloadSecret,
} from '../../src';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

const vault = SecretStoreReference.clusterSecretStore('vault');
const aws = SecretStoreReference.clusterSecretStore('aws-secrets-manager');

class Api implements IWorkloadDefinition {
  public define(scope: Construct): void {
    new kplus.Deployment(scope, 'api', {
      metadata: { name: 'api' },
      containers: [
        { name: 'api', image: 'ghcr.io/acme/api:1', securityContext: { ensureNonRoot: false }, envVariables: { LOG: kplus.EnvValue.fromValue('info') } },
        { name: 'sidecar', image: 'ghcr.io/acme/proxy:1', securityContext: { ensureNonRoot: false } },
      ],
    });
  }
}

function fleet(proofs = true) {
  const { app, fleet: f } = testFleet({}, { fleetProofs: proofs });
  addCluster(f, 'dev-eu', { environment: 'dev', region: 'eu-west-1' });
  addCluster(f, 'prod-eu', { environment: 'production', region: 'eu-west-1' });
  addCluster(f, 'prod-us', { environment: 'production', region: 'us-east-1' });
  new PreinstalledSecretStore(f, 'Vault', { store: vault, matchLabels: { region: 'eu-west-1' } });
  new PreinstalledSecretStore(f, 'Aws', { store: aws, matchLabels: { region: 'us-east-1' } });
  return { app, fleet: f };
}

const DB: WorkloadSecret = {
  secretName: 'api-db',
  store: vault,
  storeOverrides: [{ match: ClusterMatch.region('us-east-1'), store: aws }],
  data: [
    { secretKey: 'username', remoteKey: 'apps/api/{environment}/db', property: 'username' },
    { secretKey: 'password', remoteKey: 'apps/api/{environment}/db', property: 'password', version: '{label:db-version}' },
  ],
  env: { DB_USER: 'username', DB_PASSWORD: 'password' },
  mountPath: '/etc/db',
  containers: ['api'],
};

describe('Workload secrets', () => {
  test('an ExternalSecret per cluster, its store and remote keys resolved per cluster, wired into the pods', () => {
    // GIVEN
    const { app, fleet: f } = fleet();
    // WHEN
    new Workload(f, 'api', { namespace: 'api', matchLabels: {}, matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }], definition: new Api(), secrets: [{ ...DB, data: DB.data.map(d => ({ ...d, version: undefined })) }] });
    const objects = renderObjects(app);
    // THEN
    const es = (c: string) => objects[`clusters/${c}/api/ExternalSecret.api-db.yaml`];
    expect(es('prod-eu')).toStrictEqual({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'api-db', namespace: 'api' },
      spec: {
        data: [
          { remoteRef: { key: 'apps/api/production/db', property: 'username' }, secretKey: 'username' },
          { remoteRef: { key: 'apps/api/production/db', property: 'password' }, secretKey: 'password' },
        ],
        refreshInterval: '1h',
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: { creationPolicy: 'Owner', deletionPolicy: 'Retain', name: 'api-db' },
      },
    });
    expect(es('dev-eu').spec.data[0].remoteRef.key).toBe('apps/api/dev/db');
    expect(es('prod-us').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
    const pod = objects['clusters/prod-eu/api/Deployment.api.yaml'].spec.template.spec;
    const [api, sidecar] = pod.containers;
    expect(api.env).toEqual([
      { name: 'LOG', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'api-db', key: 'username' } } },
    ]);
    expect(api.volumeMounts).toContainEqual({ name: 'secret-api-db', mountPath: '/etc/db', readOnly: true });
    expect(pod.volumes).toContainEqual({ name: 'secret-api-db', secret: { secretName: 'api-db' } });
    expect(sidecar.env).toBeUndefined();
    // the workload's own project allows the kind
    expect(objects['argocd/platform/projects/AppProject.api.yaml'].spec.namespaceResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ExternalSecret' });
  });

  test('clusters whose resolved secrets are equal share one variant; different ones do not', () => {
    const { app, fleet: f } = fleet(false);
    addCluster(f, 'prod-eu-2', { environment: 'production', region: 'eu-west-1' });
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), secrets: [{ ...DB, data: DB.data.slice(0, 1), env: { DB_USER: 'username' } }] });
    const files = app.renderFiles();
    expect(files['clusters/prod-eu/api/ExternalSecret.api-db.yaml']).toBe(files['clusters/prod-eu-2/api/ExternalSecret.api-db.yaml']);
    expect(files['clusters/prod-eu/api/ExternalSecret.api-db.yaml']).not.toBe(files['clusters/prod-us/api/ExternalSecret.api-db.yaml']);
  });

  test('matches: only the clusters selected get the secret and its wiring', () => {
    const { app, fleet: f } = fleet();
    new Workload(f, 'api', {
      namespace: 'api',
      matchLabels: {},
      matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }],
      definition: new Api(),
      secrets: [{ ...DB, data: DB.data.slice(0, 1), env: { DB_USER: 'username' }, mountPath: undefined, matches: [ClusterMatch.environment('production')] }],
    });
    const objects = renderObjects(app);
    expect(objects['clusters/dev-eu/api/ExternalSecret.api-db.yaml']).toBeUndefined();
    expect(objects['clusters/dev-eu/api/Deployment.api.yaml'].spec.template.spec.containers[0].env).toEqual([{ name: 'LOG', value: 'info' }]);
    expect(objects['clusters/prod-eu/api/ExternalSecret.api-db.yaml']).toBeDefined();
  });

  test('GIVEN a patch that inserts one object into every variant (shared, frozen, or a class instance) WHEN a secret is wired into some THEN the others are untouched', () => {
    // GIVEN a sidecar constant that the patch pushes into each variant, frozen tolerations, and a class instance
    const { app, fleet: f } = fleet();
    const sidecar = { name: 'shared', image: 'ghcr.io/acme/shared:1' };
    class Toleration {
      public readonly key = 'a';
    }
    const patch = (o: any) => {
      if (o.kind !== 'Deployment') return;
      o.spec.template.spec.containers.push(sidecar);
      o.spec.template.spec.tolerations = Object.freeze([Object.freeze({ key: 'b', operator: 'Exists' }), new Toleration()]);
    };
    new Workload(f, 'api', {
      namespace: 'api',
      matchLabels: {},
      matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }],
      definition: new Api(),
      defaults: { patches: [{ patch }] },
      secrets: [{ ...DB, data: DB.data.slice(0, 1), env: { DB_USER: 'username' }, mountPath: undefined, containers: ['api', 'shared'], matches: [ClusterMatch.environment('dev')] }],
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN only dev's containers carry the secret's env; the constant is unchanged; frozen and class values render as data
    const containers = (cluster: string) => objects[`clusters/${cluster}/api/Deployment.api.yaml`].spec.template.spec.containers;
    expect(containers('dev-eu').find((c: any) => c.name === 'shared').env).toEqual([{ name: 'DB_USER', valueFrom: { secretKeyRef: { key: 'username', name: 'api-db' } } }]);
    for (const cluster of ['prod-eu', 'prod-us']) expect(containers(cluster).find((c: any) => c.name === 'shared')).toEqual(sidecar);
    expect(sidecar).toEqual({ name: 'shared', image: 'ghcr.io/acme/shared:1' });
    expect(objects['clusters/prod-eu/api/Deployment.api.yaml'].spec.template.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }, { key: 'a' }]);
  });

  test('with a versions file, {environment} is the versions file\'s environment (its environment label)', () => {
    const { app, fleet: f } = fleet(false);
    addCluster(f, 'qa-eu', { stage: 'qa', region: 'eu-west-1' });
    const versions = new VersionsFile(f, 'V', { content: 'environments: [qa]\nenvironmentLabel: stage\nversions:\n  api:\n    qa: 1.0.0\n' });
    new Workload(f, 'api', {
      namespace: 'api',
      matchLabels: { stage: 'qa' },
      definition: new Api(),
      versions,
      image: 'ghcr.io/acme/api',
      secrets: [{ ...DB, data: DB.data.slice(0, 1), mountPath: undefined, env: { U: 'username' }, matches: [ClusterMatch.environment('qa')] }],
    });
    expect(renderObjects(app)['clusters/qa-eu/api/ExternalSecret.api-db.yaml'].spec.data[0].remoteRef.key).toBe('apps/api/qa/db');
  });

  test('the Kustomize output carries the ExternalSecret in each overlay', () => {
    const { app, fleet: f } = fleet(false);
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), output: WorkloadOutput.KUSTOMIZE, secrets: [{ ...DB, data: DB.data.slice(0, 1), env: { U: 'username' }, mountPath: undefined }] });
    const objects = renderObjects(app);
    expect(objects['apps/api/overlays/prod-us/ExternalSecret.api-db.yaml'].spec.secretStoreRef.name).toBe('aws-secrets-manager');
    expect(objects['apps/api/overlays/prod-us/kustomization.yaml'].resources).toEqual(['../../base', 'ExternalSecret.api-db.yaml']);
    expect(objects['apps/api/base/ExternalSecret.api-db.yaml']).toBeUndefined();
  });

  test('a placeholder the cluster cannot fill is an error naming the secret, the key and the cluster', () => {
    const { app, fleet: f } = fleet(false);
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), secrets: [DB] });
    expect(errorOf(() => app.renderFiles())).toContain("secret 'api-db' key 'password' version ('{label:db-version}') needs label 'db-version', which cluster 'prod-eu' does not have");
  });

  test.each([['constructor'], ['toString']])('a {label:%s} placeholder the cluster has no such label for is an error, not filled from Object.prototype', (label) => {
    // GIVEN a secret whose version reads a label named like a member of Object.prototype, which no cluster has
    const { app, fleet: f } = fleet(false);
    const secret = { ...DB, data: [{ ...DB.data[1], version: `{label:${label}}` }], env: { DB_PASSWORD: 'password' } };
    // WHEN it is rendered
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), secrets: [secret] });
    // THEN the missing label is reported
    expect(errorOf(() => app.renderFiles())).toContain(`secret 'api-db' key 'password' version ('{label:${label}}') needs label '${label}', which cluster 'prod-eu' does not have`);
  });

  test('fails on bad secrets at construction: unknown placeholders, env reading missing keys, no wiring, duplicates', () => {
    const { fleet: f } = fleet(false);
    const message = errorOf(() => new Workload(f, 'api', {
      namespace: 'api',
      matchLabels: { environment: 'production' },
      definition: new Api(),
      secrets: [
        { secretName: 'a', store: vault, data: [{ secretKey: 'k', remoteKey: 'x/{zone}' }], env: { V: 'missing' } },
        { secretName: 'a', store: vault, data: [{ secretKey: 'k', remoteKey: 'x' }] },
        { secretName: 'b', store: vault, data: [{ secretKey: 'k', remoteKey: 'x' }], mountPath: 'relative' },
      ],
    }));
    expect(message).toContain("'secrets[0]' key 'k' 'remoteKey' ('x/{zone}') has an unknown placeholder {zone}");
    expect(message).toContain("'secrets[0]' 'env' variable 'V' reads key 'missing', which the Secret does not have (k)");
    expect(message).toContain("'secrets[1]' 'secretName' ('a') is given twice");
    expect(message).toContain("'secrets[1]' is wired into no pod: give 'env' or 'mountPath'");
    expect(message).toContain("'secrets[2]' 'mountPath' ('relative') must be an absolute path");
  });

  test('a secret whose containers the workload does not render is an error', () => {
    const { app, fleet: f } = fleet(false);
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), secrets: [{ ...DB, data: DB.data.slice(0, 1), env: { U: 'username' }, containers: ['worker'] }] });
    expect(() => app.renderFiles()).toThrow("secret 'api-db' is wired into no container: the workload renders no pod with a container named worker");
  });

  test('the fleet proof checks the resolved stores (a cluster without the store fails)', () => {
    const { app, fleet: f } = fleet();
    new Workload(f, 'api', { namespace: 'api', matchLabels: { environment: 'production' }, definition: new Api(), secrets: [{ ...DB, storeOverrides: [], data: DB.data.slice(0, 1), env: { DB_USER: 'username' } }] });
    expect(errorOf(() => app.renderFiles())).toContain("ExternalSecret 'api/api-db' reads ClusterSecretStore 'vault', which cluster 'prod-us' does not have");
  });
});
