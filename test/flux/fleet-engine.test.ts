/**
 * FleetEngine: the choice of GitOps engine, Flux's options, and what a Flux fleet writes for small programs (the
 * GitRepository's ref, kubeconfig references, options on every Kustomization) or refuses (Argo CD-only features,
 * credentials Flux cannot use), as issue #16 asks: a clear synth error naming the feature and the construct.
 */
import * as path from 'path';
import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AppProject, Application, ApplicationProps, ApplicationsSyncPolicy, ApplicationSet, ApplicationSource, Cluster, ClusterCredentials, ClusterGenerator,
  Fleet,
  FleetEngine, FluxOptions, ImageUpdateStrategy, MaxUpdate, NotificationSubscription, NotificationTrigger,
  ProgressiveSync, ProjectDestination, SecretStoreReference, SopsFile, SopsSecret, StepOperator, SyncAnnotations, SyncPolicy, SyncWindowKind,
  TemplateParam, Workload,
  WorkloadOutput,
} from '../../src';
import { errorOf, renderObjects, schemaProblems, testFleet } from '../util';

const KS = 'flux/platform/hub/kustomizations';

/** GIVEN helper: a Flux fleet with one remote cluster (a token from Vault) and the hub. */
function fluxFleet(options: FluxOptions = {}, props: { targetRevision?: string; repoUrl?: string } = {}) {
  const { app, fleet } = testFleet({ engine: FleetEngine.flux(options), ...props }, { fleetProofs: true });
  const hub = fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), secretStores: [SecretStoreReference.clusterSecretStore('vault')] });
  const prod = fleet.addCluster('prod', {
    server: 'https://prod.k8s.example.com',
    labels: { environment: 'production' },
    credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/prod' }),
  });
  return { app, fleet, hub, prod };
}

/** GIVEN helper: an Application deploying a ConfigMap rendered for `cluster` (its files are in the tree). */
function deploy(fleet: Fleet, cluster: Cluster, name: string, props: Partial<ApplicationProps> = {}): Application {
  const manifests = cluster.addManifests(name, { namespace: name });
  new kplus.ConfigMap(manifests, 'Config', { metadata: { name }, data: { A: '1' } });
  return new Application(fleet, name, { destination: cluster, destinationNamespace: name, source: ApplicationSource.manifests(manifests), ...props });
}

function rendered(app: ReturnType<typeof testFleet>['app']) {
  const files = app.renderFiles();
  return { files, objects: renderObjects(app) };
}

describe('FleetEngine', () => {
  test('Argo CD is the default: no engine, or FleetEngine.argoCd(), writes the same Argo CD tree', () => {
    // GIVEN
    const build = (engine?: FleetEngine) => {
      const { app, fleet } = testFleet(engine ? { engine } : {});
      const prod = fleet.addCluster('prod', { server: 'https://prod.k8s.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }) });
      new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) });
      return app.renderFiles();
    };
    // THEN
    const files = build();
    expect(files).toStrictEqual(build(FleetEngine.argoCd()));
    expect(Object.keys(files).some(p => p.startsWith('flux/'))).toBe(false);
    expect(files['argocd/platform/applications/Application.web.yaml']).toBeDefined();
    expect([FleetEngine.argoCd().name, FleetEngine.argoCd().isFlux, FleetEngine.flux().name, FleetEngine.flux().isFlux]).toEqual(['argocd', false, 'flux', true]);
  });

  test('FleetEngine.flux() rejects bad options, all at once, naming prop and value', () => {
    const message = errorOf(() => FleetEngine.flux({
      namespace: 'Flux_System',
      interval: Duration.seconds(0),
      gitSecretName: 'Bad Name',
      clusterResourceNames: { prod: 'arn:aws:eks:us-east-1:12345678901a:cluster/prod' },
    }));
    expect(message).toMatch(/^FleetEngine.flux: invalid options:/);
    expect(message).toMatch(/'namespace' \('Flux_System'\) is not a valid namespace name/);
    expect(message).toMatch(/'interval' \(0 ms\) must be positive/);
    expect(message).toMatch(/'gitSecretName' \('Bad Name'\)/);
    expect(message).toMatch(/'clusterResourceNames' entry 'prod' \('arn:aws:eks:us-east-1:12345678901a:cluster\/prod'\) must be an EKS cluster ARN/);
  });

  test('options reach every Kustomization and the GitRepository: namespace, intervals, timeout, wait, git credentials', () => {
    // GIVEN
    const { app, fleet, prod } = fluxFleet({
      namespace: 'gitops', interval: Duration.minutes(3), sourceInterval: Duration.seconds(90), timeout: Duration.minutes(2), wait: false, gitSecretName: 'fleet-git',
    });
    deploy(fleet, prod, 'web', { syncPolicy: SyncPolicy.automated({ prune: true }) });
    // WHEN
    const { files, objects } = rendered(app);
    // THEN
    expect(schemaProblems(files)).toEqual([]);
    expect(objects['bootstrap/GitRepository.platform.yaml'].spec).toStrictEqual({
      interval: '1m30s', ref: { branch: 'main' }, secretRef: { name: 'fleet-git' }, url: 'https://github.com/acme/gitops.git',
    });
    expect(objects['bootstrap/GitRepository.platform.yaml'].metadata.namespace).toBe('gitops');
    const ks = objects[`${KS}/Kustomization.web.yaml`];
    expect(ks.metadata.namespace).toBe('gitops');
    expect(ks.spec).toMatchObject({
      interval: '3m',
      timeout: '2m',
      wait: false,
      prune: true,
      path: './clusters/prod/web',
      sourceRef: { kind: 'GitRepository', name: 'platform' },
      kubeConfig: { secretRef: { name: 'prod-kubeconfig', key: 'value' } },
    });
    expect(objects['flux/platform/hub/clusters/ExternalSecret.prod-kubeconfig.yaml'].metadata.namespace).toBe('gitops');
  });

  test.each([
    ['main', { branch: 'main' }],
    ['v1.2.3', { tag: 'v1.2.3' }],
    ['refs/heads/release', { name: 'refs/heads/release' }],
    ['0123456789abcdef0123456789abcdef01234567', { commit: '0123456789abcdef0123456789abcdef01234567' }],
  ])('targetRevision %s is the explicit GitRepository ref %j (Flux follows master without one)', (revision, ref) => {
    // GIVEN
    const { app } = fluxFleet({}, { targetRevision: revision });
    // THEN
    expect(renderObjects(app)['bootstrap/GitRepository.platform.yaml'].spec.ref).toStrictEqual(ref);
  });

  test('an scp-like repository URL becomes the ssh:// URL a GitRepository takes', () => {
    const { app } = fluxFleet({ gitSecretName: 'fleet-git' }, { repoUrl: 'git@github.com:acme/gitops.git' });
    expect(renderObjects(app)['bootstrap/GitRepository.platform.yaml'].spec).toMatchObject({ url: 'ssh://git@github.com/acme/gitops.git', secretRef: { name: 'fleet-git' } });
  });

  test('an SSH repository without a Secret is a synth error: source-controller refuses ssh without an identity', () => {
    // GIVEN an SSH fleet repository and no gitSecretName, and an Application reading another SSH repository
    // (fluxcd/pkg git/v0.52.0 git/options.go `AuthOptions.Validate`: "invalid 'ssh' auth option: 'identity' is required",
    // reached by source-controller v1.9.1 `getAuthOpts` through `git.NewAuthOptions` even when no secretRef is set)
    const { app, fleet, prod } = fluxFleet({}, { repoUrl: 'git@github.com:acme/gitops.git' });
    new Application(fleet, 'edge', {
      destination: prod,
      destinationNamespace: 'edge',
      source: ApplicationSource.git({ repoUrl: 'ssh://git@github.com/acme/edge.git', path: 'deploy', targetRevision: 'main' }),
      syncPolicy: SyncPolicy.automated(),
    });
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN
    expect(message).toMatch(/\[platform[^\]]*\] Fleet 'repoUrl' \('git@github.com:acme\/gitops.git'\) is an SSH URL: source-controller clones over SSH only with a Secret holding 'identity' and 'known_hosts'; set FluxOptions 'gitSecretName'/);
    expect(message).toMatch(/Application 'edge': source 'ssh:\/\/git@github.com\/acme\/edge.git': an SSH URL, which source-controller clones only with a Secret holding 'identity' and 'known_hosts'/);
  });

  test.each([
    ['a Namespace named otherwise', (m: any) => new kplus.Namespace(m, 'Ns', { metadata: { name: 'team-a' } }), /Namespace 'team-a' \([^)]*\) would be renamed 'web'/],
    ['a RoleBinding subject named default', (m: any) => new ApiObject(m, 'Rb', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'reader' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' }],
    }), /ClusterRoleBinding 'reader' \([^)]*\) subject ServiceAccount 'default' in 'kube-system' would be moved to 'web'/],
  ])("targetNamespace: %s, which Flux's targetNamespace (kustomize's namespace transformer) would change and Argo CD leaves, is a synth error", (_what, add, expected) => {
    // GIVEN a directory with an object without namespace (Argo CD puts it in 'web', Flux needs targetNamespace)
    // and an object kustomize's namespace transformer rewrites (kubernetes-sigs/kustomize api/v0.21.1, the version
    // kustomize-controller v1.9.4 builds with: api/internal/konfig/builtinpluginconsts/namespace.go
    // `metadata/name` of kind Namespace; api/filters/namespace/namespace.go `roleBindingHack`, DefaultSubjectsOnly)
    const { app, fleet, prod } = fluxFleet();
    const manifests = prod.addManifests('web');
    new kplus.ConfigMap(manifests, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    add(manifests);
    new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(manifests), syncPolicy: SyncPolicy.automated() });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(expected);
  });

  test.each([
    [ApplicationsSyncPolicy.CREATE_ONLY, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }],
    [ApplicationsSyncPolicy.CREATE_UPDATE, { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }],
    [ApplicationsSyncPolicy.CREATE_DELETE, { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }],
    [ApplicationsSyncPolicy.SYNC, {}],
  ])('applicationsSync %s: the root Kustomization creates, updates and prunes the generated Kustomizations as the ApplicationSet controller would its Applications', (policy, expected) => {
    // GIVEN an ApplicationSet with the policy (argo-cd v3.5.1 applicationset/utils/policy.go: create-delete
    // allows no update, and deletes; kustomize-controller v1.9.4 docs/spec/v1/kustomizations.md
    // "kustomize.toolkit.fluxcd.io/ssa" IfNotPresent: applied only if not present; ".../prune": Disabled)
    const { app, fleet, prod } = fluxFleet();
    new kplus.ConfigMap(prod.addManifests('web', { namespace: 'web' }), 'Config', { metadata: { name: 'web' } });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: `clusters/${TemplateParam.clusterName()}/web` }) },
      applicationsSync: policy,
    });
    // WHEN
    const annotations = renderObjects(app)[`${KS}/Kustomization.web-prod.yaml`].metadata.annotations;
    // THEN
    const policies = Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('kustomize.toolkit.fluxcd.io/')));
    expect(policies).toStrictEqual(expected);
  });

  test('applicationsSync create-only: a Helm Application is its spec, so its HelmRelease is not updated either', () => {
    // GIVEN a Helm ApplicationSet that never updates its Applications (chart version and values live in their spec)
    const { app, fleet } = fluxFleet();
    new ApplicationSet(fleet, 'redis', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: {
        applicationName: `redis-${TemplateParam.clusterName()}`,
        destinationNamespace: 'redis',
        source: ApplicationSource.helm({ repoUrl: 'https://charts.example.com', chart: 'redis', version: '1.2.3' }),
        syncPolicy: SyncPolicy.automated(),
      },
      applicationsSync: ApplicationsSyncPolicy.CREATE_ONLY,
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects['flux/platform/releases/redis-prod/HelmRelease.redis-prod.yaml'].metadata.annotations['kustomize.toolkit.fluxcd.io/ssa']).toBe('IfNotPresent');
    expect(objects[`${KS}/Kustomization.redis-prod.yaml`].metadata.annotations['kustomize.toolkit.fluxcd.io/ssa']).toBe('IfNotPresent');
  });

  test("credentials from a namespaced SecretStore are a synth error: the kubeconfig ExternalSecret lives in Flux's namespace", () => {
    // GIVEN cluster credentials from a SecretStore installed in Argo CD's namespace (where the Argo CD engine's
    // cluster Secret ExternalSecret is); External Secrets v2.9.0 resolves a `kind: SecretStore` reference in the
    // ExternalSecret's own namespace, and the Flux kubeconfig ExternalSecret is in 'flux-system'
    const { app, fleet } = testFleet({ engine: FleetEngine.flux() }, { fleetProofs: true });
    const store = SecretStoreReference.secretStore('vault', 'argocd');
    fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), secretStores: [store] });
    fleet.addCluster('prod', { server: 'https://prod.k8s.example.com', credentials: ClusterCredentials.bearerTokenFromSecretStore({ store, remoteKey: 'clusters/prod' }) });
    // THEN
    expect(errorOf(() => app.renderFiles()))
      .toMatch(/cluster 'prod': its credentials come from SecretStore 'vault', a namespaced store; the kubeconfig ExternalSecret is in Flux's namespace 'flux-system', where External Secrets would look for it: use a ClusterSecretStore/);
  });

  test('targetNamespace is still set when the Namespace is the destination one', () => {
    // GIVEN a Namespace 'web' and a ConfigMap without namespace, destination 'web'
    const { app, fleet, prod } = fluxFleet();
    const manifests = prod.addManifests('web');
    new kplus.ConfigMap(manifests, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new kplus.Namespace(manifests, 'Ns', { metadata: { name: 'web' } });
    new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(manifests), syncPolicy: SyncPolicy.automated() });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects[`${KS}/Kustomization.web.yaml`].spec.targetNamespace).toBe('web');
  });

  test('HEAD and truncated SHAs have no Flux ref: a synth error naming the Fleet', () => {
    expect(errorOf(() => fluxFleet({}, { targetRevision: 'HEAD' }).app.renderFiles()))
      .toMatch(/\[platform\/[^\]]*\] Fleet 'targetRevision' 'HEAD' \(the remote's default branch\) has no Flux equivalent: a GitRepository without a ref follows 'master'/);
    expect(errorOf(() => fluxFleet({}, { targetRevision: 'abc1234' }).app.renderFiles())).toMatch(/'abc1234' looks like a truncated commit SHA/);
  });

  test('sync waves become dependsOn on the same cluster; the hub needs no kubeConfig', () => {
    // GIVEN
    const { app, fleet, hub, prod } = fluxFleet();
    const crds = deploy(fleet, prod, 'crds');
    deploy(fleet, prod, 'web');
    deploy(fleet, hub, 'hub-config');
    SyncAnnotations.setWave(crds, -1);
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(objects[`${KS}/Kustomization.crds.yaml`].spec.dependsOn).toBeUndefined();
    // (crds is manual-sync, so suspended: web waits for its Ready condition, not for each revision; upstream-second-pass)
    expect(objects[`${KS}/Kustomization.web.yaml`].spec.dependsOn).toEqual([{ name: 'crds', readyExpr: expect.stringContaining("c.type == 'Ready'") }]);
    expect(objects[`${KS}/Kustomization.hub-config.yaml`].spec.kubeConfig).toBeUndefined();
    expect(objects[`${KS}/Kustomization.hub-config.yaml`].spec.dependsOn).toBeUndefined();
  });

  test('an ApplicationSet is placed offline: one Kustomization per cluster its generators select', () => {
    // GIVEN
    const { app, fleet } = fluxFleet();
    fleet.addCluster('dev', {
      server: 'https://dev.k8s.example.com',
      labels: { environment: 'dev' },
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/dev' }),
    });
    for (const c of fleet.clusters) new kplus.ConfigMap(c.addManifests('web', { namespace: 'web' }), 'Config', { metadata: { name: 'web' } });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: `clusters/${TemplateParam.clusterName()}/web` }) },
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    expect(Object.keys(objects).filter(p => p.startsWith(`${KS}/`))).toEqual([`${KS}/Kustomization.web-prod.yaml`]);
    expect(objects[`${KS}/Kustomization.web-prod.yaml`].spec.path).toBe('./clusters/prod/web');
    expect(objects[`${KS}/Kustomization.web-prod.yaml`].metadata.annotations['fleet.cdk8s.io/origin']).toBe('ApplicationSet/web');
  });

  test('Argo CD-only features are synth errors naming the feature and the construct, all at once', () => {
    // GIVEN sync windows, notifications, RollingSync's partial maxUpdate and an exec credential
    const { app, fleet, prod } = fluxFleet();
    fleet.addCluster('aks', {
      server: 'https://aks.example.com',
      labels: { environment: 'dev' },
      credentials: ClusterCredentials.execProvider({ command: '/usr/local/bin/auth', installHint: 'baked in' }),
    });
    const project = new AppProject(fleet, 'team', {
      projectName: 'team',
      sourceRepos: ['*'],
      destinations: [ProjectDestination.cluster(prod, '*')],
      syncWindows: [{ kind: SyncWindowKind.DENY, schedule: '0 22 * * *', duration: Duration.hours(1), applications: ['*'] }],
    });
    deploy(fleet, prod, 'web', { project, notifications: [NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['alerts'])] });
    new ApplicationSet(fleet, 'addons', {
      generators: [new ClusterGenerator()],
      progressiveSync: ProgressiveSync.rollingSync([{
        matchExpressions: [{ key: 'environment', operator: StepOperator.IN, values: ['production', 'dev'] }], maxUpdate: MaxUpdate.count(1),
      }]),
      template: { applicationName: `addons-${TemplateParam.clusterName()}`, labels: { environment: `${TemplateParam.clusterLabel('environment')}` }, destinationNamespace: 'addons', source: ApplicationSource.git({ path: 'clusters/prod/web' }) },
    });
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN
    expect(message).toMatch(/AppProject 'team': 'syncWindows' have no Flux equivalent/);
    expect(message).toMatch(/Application 'web': Argo CD notifications \(annotation 'notifications.argoproj.io\/subscribe.on-sync-failed.slack'\) have no equivalent in a Flux fleet/);
    expect(message).toMatch(/cluster 'aks': ClusterCredentials.execProvider\(\) \(command '\/usr\/local\/bin\/auth'\) cannot be used with Flux/);
    expect(message).toMatch(/ApplicationSet 'addons': RollingSync step 1 'maxUpdate' \(1\) syncs only part of its \d Applications at a time/);
    expect(message).toMatch(/\[platform\/web\]/);
  });

  test.each([
    ['50% of 1 Application (Argo CD syncs at least one for a percentage above 0%)', MaxUpdate.percent(50), 1, undefined],
    ['99% of 2 Applications (rounded down: 1 at a time)', MaxUpdate.percent(99), 2, /RollingSync step 1 'maxUpdate' \('99%'\) syncs only part of its 2 Applications at a time/],
    ['50% of 2 Applications (1 at a time)', MaxUpdate.percent(50), 2, /RollingSync step 1 'maxUpdate' \('50%'\) syncs only part of its 2 Applications at a time/],
    ['2 of 2 Applications', MaxUpdate.count(2), 2, undefined],
  ])('RollingSync maxUpdate %s: refused only when it syncs part of the step', (_what, maxUpdate, clusters, expected) => {
    // GIVEN a RollingSync step with maxUpdate over `clusters` production clusters (argo-cd v3.5.1
    // applicationset/progressivesync/progressive_sync.go: intstr.GetScaledValueFromIntOrPercent rounding down,
    // then "percentage values greater than 0% always result in at least 1 Application being selected")
    const { app, fleet } = fluxFleet();
    if (clusters > 1) {
      fleet.addCluster('prod2', {
        server: 'https://prod2.k8s.example.com',
        labels: { environment: 'production' },
        credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/prod2' }),
      });
    }
    for (const c of fleet.clusters) new kplus.ConfigMap(c.addManifests('web', { namespace: 'web' }), 'Config', { metadata: { name: 'web' } });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      progressiveSync: ProgressiveSync.rollingSync([{ matchExpressions: [{ key: 'environment', operator: StepOperator.IN, values: ['production'] }], maxUpdate }]),
      template: {
        applicationName: `web-${TemplateParam.clusterName()}`,
        labels: { environment: `${TemplateParam.clusterLabel('environment')}` },
        destinationNamespace: 'web',
        source: ApplicationSource.git({ path: `clusters/${TemplateParam.clusterName()}/web` }),
      },
    });
    // WHEN / THEN
    if (expected) expect(errorOf(() => app.renderFiles())).toMatch(expected);
    else expect(Object.keys(renderObjects(app)).filter(p => p.startsWith(`${KS}/Kustomization.web-`)).length).toBe(clusters);
  });

  test('Argo CD Image Updater on a Workload is a synth error in a Flux fleet', () => {
    // GIVEN
    const { app, fleet } = fluxFleet();
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { environment: 'production' },
      image: 'ghcr.io/acme/api',
      output: WorkloadOutput.KUSTOMIZE,
      imageUpdater: { alias: 'api', updateStrategy: ImageUpdateStrategy.SEMVER },
      definition: { define: scope => new kplus.Deployment(scope, 'api', { containers: [{ image: 'ghcr.io/acme/api:1.0.0', securityContext: { ensureNonRoot: false } }] }) },
    });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/Argo CD Image Updater \(annotation 'argocd-image-updater.argoproj.io\/[^']+'\) has no equivalent in a Flux fleet/);
  });

  test('workload identity without the cloud resource name Flux needs is an error telling what to set', () => {
    // GIVEN
    const { app, fleet } = fluxFleet();
    fleet.addCluster('eks', { server: 'https://eks.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'eks' }) });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/cluster 'eks': Flux's aws provider needs the EKS cluster's ARN .*set FluxOptions 'clusterResourceNames' \{ 'eks': 'arn:aws:eks:<region>:<account>:cluster\/eks' \}/);
  });

  test('a cluster named constructor without a resource name is reported like any other, not given Object\'s', () => {
    // GIVEN a workload-identity cluster named like an Object.prototype member, absent from clusterResourceNames
    const { app, fleet } = fluxFleet();
    fleet.addCluster('constructor', { server: 'https://eks.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'constructor' }) });
    // THEN the error asks for its ARN
    expect(errorOf(() => app.renderFiles())).toMatch(/cluster 'constructor': Flux's aws provider needs the EKS cluster's ARN/);
  });

  test('a SOPS file on a cluster named constructor is decrypted with the Secret the SopsSecret names', () => {
    // GIVEN a cluster whose name constructs cannot take as an id, and a SopsSecret with its own decryption Secret
    const { app, fleet } = fluxFleet();
    const c = fleet.addCluster('constructor', {
      server: 'https://c.k8s.example.com',
      credentials: ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/c' }),
      sopsAgeRecipient: 'age1dncqy7uz9xr7xtj20k3dhqq0cj2dgknyrf9fkgz234k6n3cet42qv6u7hg',
    });
    new SopsSecret(fleet, 'payments-api', {
      file: SopsFile.fromFile(path.join(__dirname, '..', '..', 'examples', 'flux-fleet', 'secrets', 'payments-api.sops.yaml')),
      clusters: [c],
      namespace: 'payments',
      fluxDecryptionSecretName: 'flux-age',
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN its Kustomization decrypts with that Secret (not the default one)
    expect(objects['flux/platform/hub/kustomizations/Kustomization.payments-api-constructor.yaml'].spec.decryption).toEqual({ provider: 'sops', secretRef: { name: 'flux-age' } });
  });

  test('the fleet class is unchanged in Argo CD mode', () => {
    const { fleet } = testFleet();
    expect(fleet.engine.isFlux).toBe(false);
    expect(Fleet.isFleet(fleet)).toBe(true);
  });

  test('a Helm chart is a HelmRelease on the hub reaching the cluster, applied by a Kustomization so dependsOn orders it', () => {
    // GIVEN
    const { app, fleet, prod } = fluxFleet();
    new Application(fleet, 'redis', {
      destination: prod,
      destinationNamespace: 'cache',
      source: ApplicationSource.helm({ repoUrl: 'https://charts.bitnami.com/bitnami', chart: 'redis', version: '19.6.4', values: { architecture: 'standalone' } }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: false }),
    });
    // WHEN
    const { files, objects } = rendered(app);
    // THEN
    expect(schemaProblems(files)).toEqual([]);
    const release = objects['flux/platform/releases/redis/HelmRelease.redis.yaml'];
    expect(release.metadata.namespace).toBe('flux-system');
    expect(release.spec).toMatchObject({
      chart: { spec: { chart: 'redis', version: '19.6.4', sourceRef: { kind: 'HelmRepository' } } },
      targetNamespace: 'cache',
      values: { architecture: 'standalone' },
      kubeConfig: { secretRef: { name: 'prod-kubeconfig', key: 'value' } },
      driftDetection: { mode: 'disabled' },
      interval: '10m',
      timeout: '5m',
    });
    const ks = objects[`${KS}/Kustomization.redis.yaml`];
    expect(ks.spec).toMatchObject({ path: './flux/platform/releases/redis', wait: true });
    expect(ks.spec.kubeConfig).toBeUndefined(); // the HelmRelease lives on the hub
    const repo = objects[`flux/platform/hub/sources/HelmRepository.${release.spec.chart.spec.sourceRef.name}.yaml`];
    expect(repo.spec.url).toBe('https://charts.bitnami.com/bitnami');
  });

  test('Helm parameters (--set) and a manual sync policy: an error, and suspend', () => {
    // GIVEN
    const { app, fleet, prod } = fluxFleet();
    new Application(fleet, 'redis', {
      destination: prod,
      destinationNamespace: 'cache',
      source: ApplicationSource.helm({ repoUrl: 'https://charts.bitnami.com/bitnami', chart: 'redis', version: '19.6.4', parameters: { 'auth.enabled': 'false' } }),
    });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/\[platform\/redis\] Application 'redis': Helm 'parameters' \(--set\) have no Flux equivalent; give them as 'values'/);
    const manual = fluxFleet();
    deploy(manual.fleet, manual.prod, 'web');
    expect(renderObjects(manual.app)[`${KS}/Kustomization.web.yaml`].spec).toMatchObject({ suspend: true, prune: false });
  });
});

describe('FleetEngine.flux() beside other fleets with ApplicationSets of the same name', () => {
  /** GIVEN helper: Flux fleet 'platform' with ApplicationSet 'web' over production; fleet 'zeta' (`engine`) with its own 'web' over staging. */
  function twoWebs(engine?: FleetEngine) {
    const { app, fleet, prod } = fluxFleet();
    const web = prod.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.manifests(web) },
    });
    const other = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main', argocdNamespace: 'argocd2', engine });
    if (engine) other.addCluster('hub2', { credentials: ClusterCredentials.inCluster(), secretStores: [SecretStoreReference.clusterSecretStore('vault')] });
    const staging = other.addCluster('staging', {
      server: 'https://staging.k8s.example.com',
      labels: { environment: 'staging' },
      credentials: engine
        ? ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey: 'clusters/staging' })
        : ClusterCredentials.awsIam({ clusterName: 'staging' }),
    });
    const web2 = staging.addManifests('web2', { namespace: 'web' });
    new kplus.ConfigMap(web2, 'Config', { metadata: { name: 'web' }, data: { A: '2' } });
    new ApplicationSet(other, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'staging' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.manifests(web2) },
    });
    return { app, fleet, other };
  }

  test.each([['an Argo CD fleet', undefined], ['another Flux fleet', FleetEngine.flux({ namespace: 'flux2' })]])(
    'GIVEN %s with its own \'web\' WHEN rendered THEN each fleet places its own ApplicationSet\'s Applications, and only those', (_, engine) => {
      // GIVEN / WHEN
      const paths = Object.keys(twoWebs(engine).app.renderFiles());
      // THEN (keyed by name alone, the last 'web' in path order took the other's placements: platform's vanished)
      expect(paths).toContain(`${KS}/Kustomization.web-prod.yaml`);
      expect(paths).not.toContain(`${KS}/Kustomization.web-staging.yaml`);
      expect(paths.filter(p => p.startsWith('flux/zeta/') && p.includes('web-prod'))).toEqual([]);
      if (engine) expect(paths).toContain('flux/zeta/hub/kustomizations/Kustomization.web-staging.yaml');
    });

  test('GIVEN an Argo CD fleet\'s \'web\' and a later Flux fleet\'s \'web\' that registers the same cluster WHEN rendered THEN the Flux fleet does not place the Argo CD fleet\'s Application', () => {
    // GIVEN platform on Argo CD with 'web' on prod; zeta on Flux registering prod too, its 'web' over its staging
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = fleet.addCluster('prod', { server: 'https://prod.k8s.example.com', labels: { environment: 'production' }, credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }) });
    const web = prod.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.manifests(web) },
    });
    const zeta = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main', engine: FleetEngine.flux() });
    zeta.addCluster('hub', { credentials: ClusterCredentials.inCluster(), secretStores: [SecretStoreReference.clusterSecretStore('vault')] });
    const token = (remoteKey: string) => ClusterCredentials.bearerTokenFromSecretStore({ store: SecretStoreReference.clusterSecretStore('vault'), remoteKey });
    zeta.addCluster('prod', { server: 'https://prod.k8s.example.com', labels: { environment: 'other' }, credentials: token('clusters/prod') });
    const staging = zeta.addCluster('stg', { server: 'https://stg.k8s.example.com', labels: { environment: 'staging' }, credentials: token('clusters/stg') });
    const web2 = staging.addManifests('web', { namespace: 'web' });
    new kplus.ConfigMap(web2, 'Config', { metadata: { name: 'web' }, data: { A: '2' } });
    new ApplicationSet(zeta, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'staging' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.manifests(web2) },
    });
    // WHEN
    const paths = Object.keys(app.renderFiles());
    // THEN (platform's web-prod stays Argo CD's: a second, Flux copy would fight it)
    expect(paths).toContain('argocd/platform/applicationsets/ApplicationSet.web.yaml');
    expect(paths).not.toContain('flux/zeta/hub/kustomizations/Kustomization.web-prod.yaml');
    expect(paths).toContain('flux/zeta/hub/kustomizations/Kustomization.web-stg.yaml');
  });
});
