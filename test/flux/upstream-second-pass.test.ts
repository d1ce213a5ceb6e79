/**
 * Second-pass acceptance of the Flux target against the pinned controllers: cases ported from upstream source and
 * tests (each cited as repo@tag path, test or function), for what the library computes about what
 * source-controller v1.9.1, kustomize-controller v1.9.4 and helm-controller v1.6.3 will do, and for the CRDs'
 * validation rules. Complements fleet-engine, flux-model, flux-proofs and git-ref tests (not repeated here).
 */
import * as path from 'path';
import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  Application, ApplicationFinalizer, ApplicationSource, ClusterCredentials, FleetEngine, FluxOptions, SecretStoreReference, SopsFile, SopsSecret,
  SyncAnnotations, SyncPolicy,
} from '../../src';
import { fluxModelParts } from '../../src/flux/flux-model';
import { parseCloudResourceName } from '../../src/flux/flux-options';
import { SUSPENDED_DEPENDENCY_READY } from '../../src/flux/flux-ordering';
import { proveFluxTree } from '../../src/flux/flux-proofs';
import { revisionOfRef } from '../../src/flux/git-ref';
import { isLocalRelativePath, kustomizeFields } from '../../src/flux/kustomize-options';
import { TreeIndex } from '../../src/flux/tree-index';
import type { FleetModel } from '../../src/gitops/fleet-model';
import { KindScopes } from '../../src/private/kinds';
import { errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const NS = 'flux-system';
const KS = 'flux/platform/hub/kustomizations';

/** GIVEN helper: a Flux fleet with the hub and one remote cluster (a token from Vault). */
function fluxFleet(options: FluxOptions = {}) {
  const { app, fleet } = testFleet({ engine: FleetEngine.flux(options) }, { fleetProofs: true });
  fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), secretStores: [SecretStoreReference.clusterSecretStore('vault')] });
  const prod = fleet.addCluster('prod', {
    server: 'https://prod.k8s.example.com',
    credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/prod' }),
  });
  return { app, fleet, prod };
}

/** GIVEN helper: the fleet's GitRepository, a HelmRepository, one placement Kustomization applying `release`. */
function releaseTree(release: { name?: string; namespace?: string; spec?: any }) {
  const meta = (name: string, extra: any = {}) => ({ name, namespace: NS, ...extra });
  return [
    { path: 'bootstrap/GitRepository.platform.yaml', object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: meta('platform'), spec: { interval: '1m', url: 'https://github.com/acme/gitops.git', ref: { branch: 'main' } } } },
    { path: 'flux/platform/hub/sources/HelmRepository.charts.yaml', object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: meta('charts'), spec: { interval: '1m', url: 'https://charts.example.com' } } },
    {
      path: `${KS}/Kustomization.web.yaml`,
      object: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: meta('web', { labels: { 'fleet.cdk8s.io/cluster': 'prod', 'fleet.cdk8s.io/flux-role': 'placement' }, annotations: { 'fleet.cdk8s.io/destination-namespace': 'web' } }),
        spec: { interval: '10m', path: './flux/platform/releases/web', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' } },
      },
    },
    {
      path: 'flux/platform/releases/web/HelmRelease.web.yaml',
      object: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: { name: release.name ?? 'web', namespace: release.namespace ?? NS },
        spec: { interval: '10m', chart: { spec: { chart: 'web', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: NS } } }, ...release.spec },
      },
    },
  ];
}

/** GIVEN helper: a model holding `objects` (each at its own path) and the fleet's GitRepository. */
function model(...objects: any[]): FleetModel {
  const git = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'platform', namespace: NS, labels: { 'fleet.cdk8s.io/flux-role': 'root' } }, spec: { interval: '1m', url: 'https://github.com/acme/gitops.git', ref: { branch: 'main' } } };
  const entries = [git, ...objects].map((object, i) => ({ path: `flux/objects/${i}-${object.kind}.yaml`, object }));
  entries.push({ path: 'clusters/prod/web/ConfigMap.web.yaml', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } } as any });
  entries.push({ path: 'flux/objects/ConfigMap.prod-kubeconfig.yaml', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'prod-kubeconfig', namespace: NS }, data: { provider: 'aws' } } as any });
  return { entries } as unknown as FleetModel;
}

const helmRelease = (spec: any) => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'web', namespace: NS },
  spec: { interval: '10m', chart: { spec: { chart: 'web', sourceRef: { kind: 'GitRepository', name: 'platform' } } }, ...spec },
});
const kustomization = (spec: any) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'web', namespace: NS },
  spec: { interval: '10m', path: './clusters/prod/web', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' }, ...spec },
});
const gitRepository = (spec: any) => ({
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'other', namespace: NS },
  spec: { interval: '1m', url: 'https://github.com/acme/other.git', ref: { branch: 'main' }, ...spec },
});

describe('helm-controller v1.6.3: the release a HelmRelease installs', () => {
  // helm-controller@v1.6.3 internal/action/verify_test.go `TestReleaseTargetChanged` (constants defaultNamespace
  // "default-ns", defaultName "default-name", defaultReleaseName "default-release"): the release target is
  // (GetStorageNamespace, GetReleaseNamespace, ShortenName(GetReleaseName)); a HelmRelease whose history holds that
  // target is unchanged.
  test.each([
    ['no change: no targetNamespace, the HelmRelease\'s own namespace and name', {}, 'default-name', 'default-ns'],
    ['different release name: spec.releaseName', { releaseName: 'default-release' }, 'default-release', 'default-ns'],
    ['different release namespace: spec.targetNamespace, and <targetNamespace>-<name>', { targetNamespace: 'default-target-ns' }, 'default-target-ns-default-name', 'default-target-ns'],
    ['matching shortened release name', { targetNamespace: 'target-namespace-exceeding-max-characters' },
      'target-namespace-exceeding-max-character-eceb26601388', 'target-namespace-exceeding-max-characters'],
  ])('%s', (_what, spec, releaseName, namespace) => {
    // GIVEN a HelmRelease default-ns/default-name
    const entries = releaseTree({ name: 'default-name', namespace: 'default-ns', spec: { ...spec, chart: { spec: { chart: 'web', sourceRef: { kind: 'HelmRepository', name: 'charts', namespace: NS } } } } });
    // WHEN the tree is read
    const parts = fluxModelParts(entries);
    // THEN the view installs the release helm-controller would, where it would
    expect(parts.problems).toEqual([]);
    const application = parts.applications[0].object;
    expect(application.spec.source.helm.releaseName).toBe(releaseName);
    expect(application.spec.destination.namespace).toBe(namespace);
  });

  test('an empty spec.targetNamespace is no target namespace (GetReleaseNamespace, GetReleaseName test for "")', () => {
    const parts = fluxModelParts(releaseTree({ name: 'web', namespace: 'apps', spec: { targetNamespace: '' } }));
    expect(parts.applications[0].object.spec.destination.namespace).toBe('apps');
    expect(parts.applications[0].object.spec.source.helm.releaseName).toBe('web');
  });
});

describe('source-controller v1.9.1: the revision a GitRepository checks out', () => {
  // source-controller@v1.9.1 internal/controller/gitrepository_controller_test.go
  // `TestGitRepositoryReconciler_reconcileSource_checkoutStrategy` (the reference of each case, and the revision it
  // checks out), and `gitCheckout` → fluxcd/pkg@git/v0.52.0 git/gogit/client.go `clone`: commit, then name, tag,
  // semver, branch, else git.DefaultBranch "master".
  test.each([
    ['Nil reference (default branch)', undefined, 'master'],
    ['Branch', { branch: 'staging' }, 'staging'],
    ['Tag', { tag: 'v0.1.0' }, 'v0.1.0'],
    ['Branch commit', { branch: 'staging', commit: 'b9b3feadba509cb9b22e968a5d27e96c2bc2ff91' }, 'b9b3feadba509cb9b22e968a5d27e96c2bc2ff91'],
    ['Ref Name pointing to a branch', { name: 'refs/heads/staging' }, 'refs/heads/staging'],
    ['Ref Name pointing to a PR', { name: 'refs/pull/420/head' }, 'refs/pull/420/head'],
    ['SemVer', { semver: '*' }, '*'],
    ['SemVer range', { semver: '<v0.2.1' }, '<v0.2.1'],
    ['SemVer prerelease', { semver: '>=1.0.0-0 <1.1.0-0' }, '>=1.0.0-0 <1.1.0-0'],
  ])('%s', (_what, ref, revision) => {
    expect(revisionOfRef(ref)).toBe(revision);
  });

  test('a tag wins over semver (gogit `clone` tests Tag before SemVer, whatever the API documentation says)', () => {
    expect(revisionOfRef({ tag: 'v0.1.0', semver: '>=1.0.0' })).toBe('v0.1.0');
    expect(revisionOfRef({ branch: 'staging', semver: '>=1.0.0' })).toBe('>=1.0.0');
  });

  test('empty fields are unset (Go compares with "")', () => {
    expect(revisionOfRef({ commit: '', name: '', tag: '', semver: '', branch: 'staging' })).toBe('staging');
    expect(revisionOfRef({ branch: '' })).toBe('master');
  });
});

describe('kustomize-controller v1.9.4: Kustomization.GetTimeout raises a timeout under 30s to 30s', () => {
  // kustomize-controller@v1.9.4 api/v1/kustomization_types.go `GetTimeout`: `if duration < 30*time.Second { return 30s }`.
  test('FleetEngine.flux refuses a timeout Flux would not keep, naming it', () => {
    expect(errorOf(() => FleetEngine.flux({ timeout: Duration.seconds(10) })))
      .toMatch(/'timeout' \(10s\) is below 30s, which kustomize-controller waits at least \(it raises a Kustomization's timeout to 30s\)/);
    expect(errorOf(() => FleetEngine.flux({ timeout: Duration.millis(29_999) }))).toMatch(/'timeout' \(29999ms\) is below 30s/);
  });

  test('30s is kept as it is, on every Kustomization and HelmRelease', () => {
    const { app, fleet, prod } = fluxFleet({ timeout: Duration.seconds(30) });
    new Application(fleet, 'redis', {
      destination: prod,
      destinationNamespace: 'cache',
      source: ApplicationSource.helm({ repoUrl: 'https://charts.bitnami.com/bitnami', chart: 'redis', version: '19.6.4' }),
      syncPolicy: SyncPolicy.automated(),
    });
    const objects = renderObjects(app);
    expect(objects[`${KS}/Kustomization.redis.yaml`].spec.timeout).toBe('30s');
    expect(objects['flux/platform/releases/redis/HelmRelease.redis.yaml'].spec.timeout).toBe('30s');
  });
});

describe('kustomize-controller v1.9.4 checkDependencies: a manual-sync Application of an earlier wave', () => {
  // internal/controller/kustomization_controller.go `checkDependencies`: a dependency sharing the source must have
  // applied the current revision ("dependency '%s' revision is not up to date"), which a suspended Kustomization
  // never does; with `readyExpr` the built-in check is replaced (kustomization_dependson_test.go
  // `TestKustomizationReconciler_DependsOn_CEL` "succeeds with readyExpr dependency check": a suspended dependency).
  test('the later wave waits for its Ready condition, not for it to apply every revision', () => {
    // GIVEN a manual-sync Application in wave -1 and an automated one in wave 0 on the same cluster
    const { app, fleet, prod } = fluxFleet();
    const addonsManifests = prod.addManifests('addons', { namespace: 'addons' });
    new kplus.ConfigMap(addonsManifests, 'Config', { metadata: { name: 'addons' }, data: { A: '1' } });
    const addons = new Application(fleet, 'addons', { destination: prod, destinationNamespace: 'addons', source: ApplicationSource.manifests(addonsManifests) });
    SyncAnnotations.setWave(addons, -1);
    const webManifests = prod.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(webManifests, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(webManifests), syncPolicy: SyncPolicy.automated() });
    // WHEN
    const files = app.renderFiles();
    const objects = renderObjects(app);
    // THEN
    expect(objects[`${KS}/Kustomization.addons.yaml`].spec.suspend).toBe(true);
    expect(objects[`${KS}/Kustomization.web.yaml`].spec.dependsOn).toEqual([{ name: 'addons', readyExpr: SUSPENDED_DEPENDENCY_READY }]);
    expect(SUSPENDED_DEPENDENCY_READY).toBe("has(dep.status.conditions) && dep.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')");
    expect(schemaProblems(files)).toEqual([]);
  });
});

describe('kustomize-controller v1.9.4 decryption: a SOPS Secret without a namespace', () => {
  // internal/controller/kustomization_controller.go `build`: kustomize (with the generated or wrapper kustomization's
  // namespace transformer) runs first, then `DecryptResource` on each resource; internal/decryptor/decryptor.go
  // `checkSopsMac` is never set, so the rewritten plain metadata does not fail decryption. Argo CD (ksops) puts the
  // decrypted Secret without namespace in the destination namespace; Flux must be given it as targetNamespace.
  test('its Kustomization gets the destination namespace as targetNamespace', () => {
    // GIVEN the example's SOPS file without its metadata.namespace (a copy in fixtures/)
    const { app, fleet } = testFleet({ engine: FleetEngine.flux() }, { fleetProofs: true });
    fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), secretStores: [SecretStoreReference.clusterSecretStore('vault')] });
    const prod = fleet.addCluster('prod', {
      server: 'https://prod.k8s.example.com',
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/prod' }),
      sopsAgeRecipient: 'age1dncqy7uz9xr7xtj20k3dhqq0cj2dgknyrf9fkgz234k6n3cet42qv6u7hg',
    });
    new SopsSecret(fleet, 'payments-api', { file: SopsFile.fromFile(path.join(__dirname, 'fixtures', 'no-namespace.sops.yaml')), clusters: [prod], namespace: 'payments' });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects[`${KS}/Kustomization.payments-api-prod.yaml`].spec).toMatchObject({
      path: './flux/platform/sops/payments-api-prod',
      decryption: { provider: 'sops', secretRef: { name: 'sops-age' } },
      targetNamespace: 'payments',
    });
  });
});

describe('the CRDs\' validation rules, reported with their own messages', () => {
  // Rules: helm-controller@v1.6.3 api/v2/helmrelease_types.go (HelmReleaseSpec, InstallStrategy, UpgradeStrategy
  // XValidation markers), fluxcd/pkg apis/meta/v1.30.1 reference_types.go (KubeConfigReference), source-controller@v1.9.1
  // config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml; the same rules are in /work/shared/crds/flux.
  const refused = (field: string, message: string) => `is refused by the API server: ${field}: Invalid value: "object": ${message} (CRD validation rule)`;
  const findings = (o: any) => proveFluxTree(model(o)).map(f => f.replace(/^[^:]+: \S+ '[^']*' /, '').replace(/ \[flux\]$/, ''));

  test.each([
    ['HelmRelease with chart and chartRef', helmRelease({ chartRef: { kind: 'OCIRepository', name: 'web' } }), [refused('spec', 'either chart or chartRef must be set')]],
    ['HelmRelease with neither chart nor chartRef', helmRelease({ chart: undefined }), [refused('spec', 'either chart or chartRef must be set')]],
    ['HelmRelease with chartRef only', helmRelease({ chart: undefined, chartRef: { kind: 'OCIRepository', name: 'web' } }), []],
    ['install strategy RemediateOnFailure with a retryInterval', helmRelease({ install: { strategy: { name: 'RemediateOnFailure', retryInterval: '1m' } } }),
      [refused('spec.install.strategy', ".retryInterval cannot be set when .name is 'RemediateOnFailure'")]],
    ['install strategy RetryOnFailure with a retryInterval', helmRelease({ install: { strategy: { name: 'RetryOnFailure', retryInterval: '1m' } } }), []],
    ['upgrade strategy RemediateOnFailure with a retryInterval', helmRelease({ upgrade: { strategy: { name: 'RemediateOnFailure', retryInterval: '1m' } } }),
      [refused('spec.upgrade.strategy', ".retryInterval can only be set when .name is 'RetryOnFailure'")]],
    ['upgrade strategy RetryOnFailure with a retryInterval', helmRelease({ upgrade: { strategy: { name: 'RetryOnFailure', retryInterval: '1m' } } }), []],
    ['Kustomization kubeConfig with secretRef and configMapRef', kustomization({ kubeConfig: { secretRef: { name: 'x' }, configMapRef: { name: 'prod-kubeconfig' } } }),
      [refused('spec.kubeConfig', 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified'),
        "reads the kubeconfig Secret 'x', which no ExternalSecret of the tree produces in namespace 'flux-system' (\"unable to read KubeConfig secret 'flux-system/x'\")"]],
    ['Kustomization kubeConfig with neither', kustomization({ kubeConfig: {} }),
      [refused('spec.kubeConfig', 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified')]],
    ['HelmRelease kubeConfig with configMapRef only', helmRelease({ kubeConfig: { configMapRef: { name: 'prod-kubeconfig' } } }), []],
    ['GitRepository serviceAccountName without provider', gitRepository({ serviceAccountName: 'sa' }), [refused('spec', "serviceAccountName can only be set when provider is 'azure' or 'aws'")]],
    ['GitRepository serviceAccountName with provider generic', gitRepository({ serviceAccountName: 'sa', provider: 'generic' }), [refused('spec', "serviceAccountName can only be set when provider is 'azure' or 'aws'")]],
    ['GitRepository serviceAccountName with provider github', gitRepository({ serviceAccountName: 'sa', provider: 'github' }), [refused('spec', "serviceAccountName can only be set when provider is 'azure' or 'aws'")]],
    ['GitRepository serviceAccountName "" (has() is true for a present field)', gitRepository({ serviceAccountName: '' }), [refused('spec', "serviceAccountName can only be set when provider is 'azure' or 'aws'")]],
    ['GitRepository serviceAccountName with provider azure', gitRepository({ serviceAccountName: 'sa', provider: 'azure' }), []],
    ['GitRepository serviceAccountName with provider aws', gitRepository({ serviceAccountName: 'sa', provider: 'aws' }), []],
  ])('%s', (_what, object, expected) => {
    expect(findings(object)).toEqual(expected);
  });
});

describe('fluxcd/pkg runtime/v0.110.1: the kubeconfig key kustomize-controller and helm-controller read', () => {
  // fluxcd/pkg@runtime/v0.110.1 runtime/client/impersonator_test.go `TestGetRESTConfigFromSecret` (every case), on
  // the Secret an ExternalSecret templates (its template data keys are the Secret's keys).
  const externalSecret = (keys: string[]) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'prod-kubeconfig', namespace: NS },
    spec: {
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      data: [{ secretKey: 'token', remoteRef: { key: 'clusters/prod' } }],
      target: { name: 'prod-kubeconfig', template: { engineVersion: 'v2', data: Object.fromEntries(keys.map(k => [k, 'apiVersion: v1\nkind: Config\n'])) } },
    },
  });
  test.each([
    ["reads from default 'value' key", { name: 'prod-kubeconfig' }, ['value'], undefined],
    ["reads from 'value.yaml' key when 'value' is absent", { name: 'prod-kubeconfig' }, ['value.yaml'], undefined],
    ['reads from user-defined key', { name: 'prod-kubeconfig', key: 'custom-key' }, ['custom-key'], undefined],
    ['error when user-defined key is missing from secret', { name: 'prod-kubeconfig', key: 'missing-key' }, ['value'], "does not contain a 'missing-key' key"],
    ['error when secret is not found', { name: 'absent' }, ['value'], 'unable to read KubeConfig secret'],
    ['error when no default key present in secret', { name: 'prod-kubeconfig' }, ['unrelated'], "does not contain a 'value' key"],
  ])('%s', (_what, secretRef, keys, error) => {
    const findings = proveFluxTree(model(kustomization({ kubeConfig: { secretRef } }), externalSecret(keys)));
    if (error === undefined) expect(findings).toEqual([]);
    else expect(findings).toEqual([expect.stringContaining(error)]);
  });
});

describe('fluxcd/pkg auth/v0.54.1: the cloud resource names of the kubeconfig ConfigMap\'s `cluster`', () => {
  // fluxcd/pkg@auth/v0.54.1 aws/options.go, gcp/options.go, azure/options.go `clusterPattern` / `parseCluster`;
  // accepted names from aws/provider_test.go, gcp/provider_test.go, azure/provider_test.go `TestProvider_NewRESTConfig`.
  test.each([
    ['arn:aws:eks:us-east-1:123456789012:cluster/test-cluster', 'aws', 'test-cluster'],
    ['arn:aws-us-gov:eks:us-east-1:123456789012:cluster/test-cluster', 'aws', 'test-cluster'],
    ['arn:aws:eks:us-west-2:123456789012:cluster/my-cluster', 'aws', 'my-cluster'],
    ['arn:aws:eks:us-east-1:123:cluster/prod', 'aws', 'prod'], // [0-9]{1,30}: any account length
    ['projects/test-project/locations/us-central1/clusters/test-cluster', 'gcp', 'test-cluster'],
    ['/subscriptions/12345678-1234-1234-1234-123456789012/resourceGroups/test-rg/providers/Microsoft.ContainerService/managedClusters/test-cluster', 'azure', 'test-cluster'],
    // azure/provider_test.go: "/resourcegroups/" in lower case (the pattern is (?i))
    ['/subscriptions/12345678-1234-1234-1234-123456789012/resourcegroups/test-rg/providers/Microsoft.ContainerService/managedClusters/test-cluster', 'azure', 'test-cluster'],
  ])('%s is accepted (%s)', (name, provider, clusterName) => {
    expect(parseCloudResourceName(name)).toEqual({ provider, clusterName });
    expect(() => FleetEngine.flux({ clusterResourceNames: { c: name } })).not.toThrow();
  });

  test.each([
    ['', 'aws/provider_test.go: invalid EKS cluster ARN \'\''],
    ['invalid-cluster-arn', 'aws/provider_test.go'],
    ['invalid-cluster-id', 'azure/provider_test.go'],
    ['/subscriptions/1234/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c', 'azure: the subscription is [^/]{36}'],
    [`projects/p/locations/l/clusters/${'c'.repeat(201)}`, 'gcp: [^/]{1,200}'],
    ['arn:aws:eks:us-east-1:123456789012:cluster/', 'aws: (.{1,200})'],
  ])('%s is refused (%s)', (name) => {
    expect(parseCloudResourceName(name)).toBeUndefined();
    expect(errorOf(() => FleetEngine.flux({ clusterResourceNames: { c: name } }))).toMatch(/'clusterResourceNames' entry 'c' .* must be an EKS cluster ARN/);
  });
  test('an awsIam roleArn Flux\'s aws provider refuses (aws/options.go `roleARNPattern`: .{1,200} after role/) is a synth error', () => {
    // GIVEN an IAM role with a long path (IAM allows 512 characters of path)
    const roleArn = `arn:aws:iam::111122223333:role/${'p/'.repeat(100)}flux`;
    const { app, fleet } = testFleet({ engine: FleetEngine.flux({ clusterResourceNames: { eks: 'arn:aws:eks:eu-west-1:111122223333:cluster/eks' } }) }, { fleetProofs: true });
    fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    const eks = fleet.addCluster('eks', { server: 'https://eks.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'eks', roleArn }) });
    const web = eks.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new Application(fleet, 'web', { destination: eks, destinationNamespace: 'web', source: ApplicationSource.manifests(web), syncPolicy: SyncPolicy.automated() });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/cluster 'eks': ClusterCredentials.awsIam 'roleArn' \('arn:aws:iam::111122223333:role\/p\/.*'\) is longer than Flux takes: its ServiceAccount would be refused \("invalid eks.amazonaws.com\/role-arn annotation"/);
    // and 200 characters after role/ are accepted
    const ok = testFleet({ engine: FleetEngine.flux({ clusterResourceNames: { eks: 'arn:aws:eks:eu-west-1:111122223333:cluster/eks' } }) }, { fleetProofs: true });
    ok.fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    const eks2 = ok.fleet.addCluster('eks', { server: 'https://eks.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'eks', roleArn: `arn:aws:iam::111122223333:role/${'p'.repeat(200)}` }) });
    const web2 = eks2.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web2, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new Application(ok.fleet, 'web', { destination: eks2, destinationNamespace: 'web', source: ApplicationSource.manifests(web2), syncPolicy: SyncPolicy.automated() });
    expect(renderObjects(ok.app)['flux/platform/hub/clusters/ServiceAccount.eks-kubeconfig.yaml'].metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::111122223333:role\/p{200}$/);
  });
});

describe('references kustomize-controller and helm-controller resolve, with their own words', () => {
  const findings = (...objects: any[]) => proveFluxTree(model(...objects)).map(f => f.replace(/^[^:]+: /, '').replace(/ \[flux\]$/, ''));
  const ks = (name: string, spec: any) => ({ ...kustomization(spec), metadata: { name, namespace: NS } });
  const hr = (name: string, spec: any) => ({ ...helmRelease(spec), metadata: { name, namespace: NS } });

  // kustomize-controller@v1.9.4 internal/controller/kustomization_dependson_test.go `TestKustomizationReconciler_DependsOn`
  // "fails due to dependency not found" and "fails due to source not found" (checkDependencies / Reconcile wording).
  test('a dependency the tree does not hold: "dependency \'<namespace>/<name>\' not found", the namespace defaulting to the Kustomization\'s', () => {
    expect(findings(ks('web', { dependsOn: [{ name: 'db' }] }))).toEqual([
      "Kustomization 'web' depends on Kustomization 'db', which the tree does not hold (\"dependency 'flux-system/db' not found\")",
    ]);
    expect(findings(ks('web', { dependsOn: [{ name: 'db', namespace: 'apps' }] }), ks('db', {}))).toEqual([
      "Kustomization 'web' depends on Kustomization 'db', which the tree does not hold (\"dependency 'apps/db' not found\")",
    ]);
    // an empty namespace is the Kustomization's own (Go compares with "")
    expect(findings(ks('web', { dependsOn: [{ name: 'db', namespace: '' }] }), ks('db', {}))).toEqual([]);
  });

  test('a source the tree does not hold: "Source \'<kind>/[<namespace>/]<name>\' not found"', () => {
    expect(findings(ks('web', { sourceRef: { kind: 'GitRepository', name: 'apps' } }))).toEqual([
      "Kustomization 'web' reads GitRepository 'apps', which the tree does not hold (\"Source 'GitRepository/apps' not found\")",
    ]);
    expect(findings(ks('web', { sourceRef: { kind: 'GitRepository', name: 'platform', namespace: 'other' } }))).toEqual([
      "Kustomization 'web' reads GitRepository 'platform', which the tree does not hold (\"Source 'GitRepository/other/platform' not found\")",
    ]);
    expect(findings(ks('web', { sourceRef: { kind: 'GitRepository', name: 'platform', namespace: '' } }))).toEqual([]);
  });

  // helm-controller@v1.6.3 internal/controller/helmrelease_controller.go `checkDependencies`: HelmReleases depend
  // on HelmReleases ("unable to get '%s' dependency").
  test('HelmRelease dependsOn: a missing HelmRelease, and a cycle', () => {
    expect(findings(hr('web', { dependsOn: [{ name: 'db' }] }))).toEqual([
      "HelmRelease 'web' depends on HelmRelease 'db', which the tree does not hold (\"unable to get 'flux-system/db' dependency\")",
    ]);
    expect(findings(hr('web', { dependsOn: [{ name: 'db' }] }), hr('db', { dependsOn: [{ name: 'web' }] }))).toEqual([
      'HelmReleases depend on each other in a cycle (db → web → db), so none of them is ever installed',
    ]);
  });
});

describe('fluxcd/pkg kustomize/v1.35.4: the kustomization kustomize-controller generates', () => {
  // fluxcd/pkg@kustomize/v1.35.4 kustomize/kustomize_generator_test.go `Test_IsLocalRelativePath` (every case).
  test.each([
    ['foobar.yaml', true],
    ['./foobar.yaml', true],
    ['file://foobar.yaml', true],
    ['file:///foobar.yaml', false],
    ['/foobar.yaml', false],
    ['https://github.com/owner/repo', false],
    ['git@github.com:owner/repo', false],
    ['ssh://git@github.com/owner/repo', false],
    ['github.com/owner/repo', false],
  ])('IsLocalRelativePath(%s) is %s', (candidate, expected) => {
    expect(isLocalRelativePath(candidate)).toBe(expected);
  });

  test('IsLocalRelativePath: prefixes match case-insensitively and only when the path is longer', () => {
    expect(isLocalRelativePath('HTTPS://github.com/owner/repo')).toBe(false);
    expect(isLocalRelativePath('FILE:///foobar.yaml')).toBe(false);
    expect(isLocalRelativePath('gh:')).toBe(true); // len(p) < len(path) fails: not a remote prefix
  });

  test('a remote Kustomize component is refused with the generator\'s words; ignoreMissingComponents carries over', () => {
    // GenerateManifest: `component path '%s' must be local and relative`; with spec.ignoreMissingComponents a
    // component whose directory is missing is left out, as Argo CD v3.5.1 does with kustomize.ignoreMissingComponents.
    const errors: string[] = [];
    const out = kustomizeFields({ components: ['../components/a', 'https://github.com/acme/c//x'], ignoreMissingComponents: true }, m => errors.push(m));
    expect(out).toEqual({ components: ['../components/a', 'https://github.com/acme/c//x'], ignoreMissingComponents: true });
    expect(errors).toEqual([
      "Kustomize component 'https://github.com/acme/c//x' is not a local relative path, which kustomize-controller refuses (\"component path 'https://github.com/acme/c//x' must be local and relative\"); vendor it into the repository",
    ]);
  });

  test('at synth: a remote component of a Kustomize Application is an error naming the construct', () => {
    const { app, fleet, prod } = fluxFleet();
    new Application(fleet, 'web', {
      destination: prod,
      destinationNamespace: 'web',
      source: ApplicationSource.kustomize({ repoUrl: 'https://github.com/acme/apps.git', targetRevision: 'main', path: 'web', components: ['ssh://git@github.com/acme/c/x'] }),
      syncPolicy: SyncPolicy.automated(),
    });
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/web\] Application 'web': Kustomize component 'ssh:\/\/git@github.com\/acme\/c\/x' is not a local relative path/);
  });

  // kustomize_generator.go `scanManifests`: a directory without a kustomization is read at every level; a
  // subdirectory with a kustomization of its own is built as one (its resources), not descended into.
  test('scanManifests: nested .yaml/.yml files are read; a nested kustomization is built, not scanned', () => {
    const entry = (file: string, object: any) => ({ path: file, object });
    const index = new TreeIndex([
      entry('apps/web/ConfigMap.a.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }),
      entry('apps/web/deep/er/ConfigMap.b.yml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }),
      entry('apps/web/base/kustomization.yaml', { resources: ['ConfigMap.c.yaml'] }),
      entry('apps/web/base/ConfigMap.c.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
      entry('apps/web/base/ConfigMap.unlisted.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unlisted' } }),
      entry('apps/web/notes.json', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'json' } }),
      entry('apps/other/ConfigMap.d.yaml', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'd' } }),
    ] as any, KindScopes.BUILT_IN);
    expect(index.subdirectories('apps/web')).toEqual(['apps/web/base', 'apps/web/deep']);
    expect(index.objectsOf('apps/web').map(o => o.object.metadata.name)).toEqual(['a', 'c', 'b']);
  });

  test('at synth: an Argo CD hook in a nested directory of a recursed path is refused, as at the top level', () => {
    // GIVEN a directory source with recurse over clusters/prod, whose web/ subdirectory holds a PreSync hook
    const { app, fleet, prod } = fluxFleet();
    const web = prod.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new ApiObject(web, 'Hook', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'web', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36' }] } } },
    } as any);
    new Application(fleet, 'all', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.directory({ path: 'clusters/prod', recurse: true }), syncPolicy: SyncPolicy.automated() });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/all\] Application 'all': Job 'migrate' \(clusters\/prod\/web\/Job\.migrate\.yaml\) is an Argo CD PreSync hook; Flux has no sync hooks/);
  });

  test('at synth: a namespace-less object in a nested directory gets the destination namespace through targetNamespace', () => {
    // GIVEN Argo CD puts the nested ConfigMap (no namespace) in 'web'; without targetNamespace Flux would not
    const { app, fleet, prod } = fluxFleet();
    const web = prod.addManifests('web');
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new Application(fleet, 'all', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.directory({ path: 'clusters/prod', recurse: true }), syncPolicy: SyncPolicy.automated() });
    // THEN
    expect(renderObjects(app)[`${KS}/Kustomization.all.yaml`].spec).toMatchObject({ path: './clusters/prod', targetNamespace: 'web' });
  });
});

describe('every generated Flux object validates against the pinned CRDs, on branches the example does not take', () => {
  test('Git chart (reconcileStrategy Revision), retry strategy, skipped schema validation, OCI repository, images, prefixes, drift ignore rules, deletion policies, suspend', () => {
    // GIVEN
    const { app, fleet, prod } = fluxFleet();
    const chart = prod.addManifests('chart');
    new ApiObject(chart, 'Chart', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'chart-marker', namespace: 'chart' } });
    new Application(fleet, 'from-git', {
      destination: prod,
      destinationNamespace: 'apps',
      source: ApplicationSource.helmFromGit({ repoUrl: 'https://github.com/acme/charts.git', targetRevision: 'v1.2.3', path: 'charts/web', values: { replicas: 2 } }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, retry: { limit: 3, backoff: { duration: Duration.seconds(10) } } }),
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
      finalizers: [ApplicationFinalizer.RESOURCES],
    });
    new Application(fleet, 'oci', {
      destination: prod,
      destinationNamespace: 'apps',
      source: ApplicationSource.helm({ repoUrl: 'ghcr.io/acme/charts', chart: 'api', version: '2.0.0' }),
      finalizers: [ApplicationFinalizer.RESOURCES_BACKGROUND],
    });
    new Application(fleet, 'kustomized', {
      destination: prod,
      destinationNamespace: 'apps',
      source: ApplicationSource.kustomize({
        repoUrl: 'https://github.com/acme/apps.git', targetRevision: 'main', path: 'overlays/prod', namePrefix: 'prod-', nameSuffix: '-v1', images: ['web=ghcr.io/acme/web:1.2.3', 'api@sha256:' + 'a'.repeat(64)], components: ['../../components/tls'],
      }),
      syncPolicy: SyncPolicy.automated({ prune: true }),
      ignoreDifferences: [{ kind: 'ConfigMap', name: 'web', namespace: 'apps', jsonPointers: ['/data/generated'] }],
    });
    // WHEN
    const files = app.renderFiles();
    const objects = renderObjects(app);
    // THEN every object passes its schema (patterns, enums, min/max lengths, unknown fields)
    expect(schemaProblems(files)).toEqual([]);
    const fromGit = objects['flux/platform/releases/from-git/HelmRelease.from-git.yaml'].spec;
    expect(fromGit.chart.spec).toMatchObject({ chart: './charts/web', reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository' } });
    expect(fromGit.install.strategy).toEqual({ name: 'RetryOnFailure', retryInterval: '10s' });
    expect(fromGit.upgrade.strategy).toEqual({ name: 'RetryOnFailure', retryInterval: '10s' });
    expect(fromGit.driftDetection).toEqual({ mode: 'enabled', ignore: [{ paths: ['/spec/replicas'], target: { group: 'apps', kind: 'Deployment' } }] });
    expect(objects[`${KS}/Kustomization.from-git.yaml`].spec.deletionPolicy).toBe('WaitForTermination');
    // helm-controller@v1.6.3 api/v2 `Uninstall.GetDeletionPropagation` (default background): the foreground
    // resources finalizer uninstalls in the foreground, the background one keeps the default
    expect(fromGit.uninstall).toEqual({ deletionPropagation: 'foreground' });
    expect(objects['flux/platform/releases/oci/HelmRelease.oci.yaml'].spec.uninstall).toBeUndefined();
    expect(objects[`${KS}/Kustomization.oci.yaml`].spec).toMatchObject({ deletionPolicy: 'Delete', suspend: true });
    const oci = objects['flux/platform/releases/oci/HelmRelease.oci.yaml'].spec;
    expect(oci.suspend).toBe(true);
    const repo = objects[`flux/platform/hub/sources/HelmRepository.${oci.chart.spec.sourceRef.name}.yaml`].spec;
    expect(repo).toMatchObject({ type: 'oci', url: 'oci://ghcr.io/acme/charts' });
    const k = objects[`${KS}/Kustomization.kustomized.yaml`].spec;
    expect(k).toMatchObject({
      namePrefix: 'prod-',
      nameSuffix: '-v1',
      components: ['../../components/tls'],
      images: [{ name: 'web', newName: 'ghcr.io/acme/web', newTag: '1.2.3' }, { name: 'api', digest: `sha256:${'a'.repeat(64)}` }],
      ignore: [{ paths: ['/data/generated'], target: { group: '^$', kind: 'ConfigMap', name: 'web', namespace: 'apps' } }],
      targetNamespace: 'apps',
      deletionPolicy: 'Orphan',
    });
    // and the proofs (CRD validation rules, references) find nothing
    const entries = Object.entries(objects).map(([file, object]) => ({ path: file, object }));
    expect(proveFluxTree({ entries } as unknown as FleetModel)).toEqual([]);
  });
});
