import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, JsonPatch, Testing, YamlOutputType } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  AppProject, Application, ApplicationSource, ClusterCredentials, Fleet, FleetApp, ProjectDestination, SecretStoreReference, Workload,
} from '../../src';
import { readTreeModel } from '../../src/gitops/fleet-model';
import { computePlan } from '../../src/gitops/fleet-plan';
import { addCluster, customResourceDefinition, errorOf, treeSnapshot, webFleetApp } from '../util';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-app-'));

function smallFleet(outdir: string, mutate?: (fleet: Fleet) => void): FleetApp {
  return webFleetApp(outdir, { mutate });
}

describe('FleetApp', () => {
  test('synth() writes the tree to outdir with the documented layout', () => {
    // GIVEN
    const outdir = tmp();
    // WHEN
    smallFleet(outdir).synth();
    // THEN
    expect(Object.keys(treeSnapshot(outdir))).toEqual([
      '.cdk8s-fleet/.gitignore',
      '.cdk8s-fleet/manifest.json',
      '.cdk8s-fleet/stat-cache',
      '.cdk8s-fleet/verdict-cache',
      'argocd/platform/applications/Application.web-prod.yaml',
      'argocd/platform/clusters/Secret.cluster-prod.yaml',
      'argocd/platform/projects/AppProject.team.yaml',
      'bootstrap/Application.platform-root.yaml',
      'clusters/prod/web/ConfigMap.web.yaml',
    ]);
  });

  test('honours CDK8S_OUTDIR, as `cdk8s synth` sets it', () => {
    // GIVEN
    const outdir = tmp();
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      // WHEN
      const app = new FleetApp();
      new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git' });
      const result = app.synthTree();
      // THEN
      expect(result.outdir).toBe(outdir);
      expect(fs.existsSync(path.join(outdir, 'bootstrap', 'Application.f-root.yaml'))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
    }
  });

  test('synthTree() reports what changed and a plan', () => {
    // GIVEN
    const outdir = tmp();
    smallFleet(outdir).synth();
    // WHEN
    const result = smallFleet(outdir, fleet => addCluster(fleet, 'dev')).synthTree();
    // THEN
    expect(result.written).toEqual(['argocd/platform/clusters/Secret.cluster-dev.yaml']);
    expect(result.deleted).toEqual([]);
    expect(result.unchangedCount).toBe(5);
    expect(result.objectCount).toBe(6);
    expect(result.plan).toContain('prod (https://prod.k8s.example.com; environment=production): 1 Applications');
    expect(result.plan).toContain('web-prod  project=team  namespace=web  clusters/prod/web@main');
    expect(result.plan).toContain('bootstrap: kubectl apply -n argocd -f bootstrap/Application.platform-root.yaml');
  });

  test('a cluster named like an Object.prototype member (constructor) synthesizes like any other', () => {
    // GIVEN a valid cluster name that constructs cannot take as an id, with manifests and a Workload on it
    const outdir = tmp();
    const app = smallFleet(outdir, fleet => {
      const c = addCluster(fleet, 'constructor', { environment: 'production', tier: 'ctor' });
      new k8s.KubeConfigMap(c.addManifests('web', { namespace: 'web' }), 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
      // and an application named so on another cluster
      new k8s.KubeConfigMap(fleet.clusters[0].addManifests('constructor', { namespace: 'web' }), 'Config', { metadata: { name: 'c' }, data: { C: '3' } });
      new Workload(fleet, 'api', {
        namespace: 'api',
        matchLabels: { environment: 'production' },
        definition: { define: scope => new k8s.KubeConfigMap(scope, 'Config', { metadata: { name: 'api' }, data: { B: '2' } }) },
      });
      // a Workload whose application is named so (on the cluster constructor only: on prod it would share the
      // directory of the manifests application above), and an object whose name cdk8s generates from the path
      new Workload(fleet, 'ctor', {
        applicationName: 'constructor',
        namespace: 'ctor',
        matchLabels: { tier: 'ctor' },
        definition: { define: scope => new k8s.KubeConfigMap(scope, 'Config', { metadata: { name: 'ctor' }, data: { D: '4' } }) },
      });
      new k8s.KubeServiceAccount(c.addManifests('accounts', { namespace: 'web' }), 'Account', {});
    });
    // WHEN
    const result = app.synthTree();
    // THEN its Secret, its manifests and the workload's files are written, and the plan lists it
    expect(result.written).toEqual(expect.arrayContaining([
      'argocd/platform/clusters/Secret.cluster-constructor.yaml',
      'clusters/constructor/web/ConfigMap.web.yaml',
      'clusters/constructor/api/ConfigMap.api.yaml',
      'clusters/prod/api/ConfigMap.api.yaml',
      'clusters/prod/constructor/ConfigMap.c.yaml',
      'clusters/constructor/constructor/ConfigMap.ctor.yaml',
      'clusters/constructor/accounts/ServiceAccount.platform-constructor-accounts-account.yaml',
    ]));
    expect(result.plan).toContain('constructor (https://constructor.k8s.example.com; environment=production,tier=ctor)');
    expect(fs.readFileSync(path.join(outdir, 'argocd/platform/clusters/Secret.cluster-constructor.yaml'), 'utf-8')).toContain('name: constructor');
  });

  test('removing a cluster removes its directory and Secret; files the library never wrote stay', () => {
    // GIVEN
    const outdir = tmp();
    const app = smallFleet(outdir, fleet => {
      const old = addCluster(fleet, 'old');
      new k8s.KubeConfigMap(old.addManifests('legacy'), 'C', { metadata: { name: 'c', namespace: 'legacy' } });
    });
    app.synth();
    expect(fs.existsSync(path.join(outdir, 'clusters/old/legacy/ConfigMap.legacy.c.yaml'))).toBe(true);
    fs.writeFileSync(path.join(outdir, 'README.md'), 'kept\n');
    // WHEN
    const result = smallFleet(outdir).synthTree();
    // THEN
    expect(result.deleted).toEqual(['argocd/platform/clusters/Secret.cluster-old.yaml', 'clusters/old/legacy/ConfigMap.legacy.c.yaml']);
    expect(fs.existsSync(path.join(outdir, 'clusters/old'))).toBe(false);
    expect(fs.readFileSync(path.join(outdir, 'README.md'), 'utf-8')).toBe('kept\n');
  });

  test('two synths give byte-identical trees, also under another timezone and locale', () => {
    // GIVEN
    const script = path.join(__dirname, 'fixtures', 'synth-example.ts');
    const run = (env: Record<string, string>) => {
      const outdir = tmp();
      execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', script, outdir], { env: { ...process.env, ...env }, stdio: 'pipe' });
      return treeSnapshot(outdir);
    };
    // WHEN
    const a = run({ TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const b = run({ TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', CDK8S_DISABLE_SORT: '1' });
    // THEN
    expect(Object.keys(a).length).toBeGreaterThan(40);
    for (const local of ['.cdk8s-fleet/stat-cache', '.cdk8s-fleet/verdict-cache']) {
      delete a[local]; // local state, not part of the tree (git-ignored)
      delete b[local];
    }
    expect(b).toStrictEqual(a);
  });

  test('unknown kinds are refused unless listed in unvalidatedKinds', () => {
    // GIVEN
    const make = (props: object) => {
      const app = new FleetApp({ outdir: tmp(), ...props });
      const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git' });
      new ApiObject(addCluster(fleet, 'c').addManifests('w'), 'Widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 3 } } as any);
      return app;
    };
    // THEN
    expect(errorOf(() => make({}).renderFiles())).toMatch(/\[f\/c\/w\/Widget\] Widget 'w' \(clusters\/c\/w\/Widget.w.yaml\): no pinned schema for 'example.com\/v1\/Widget'; list it in FleetApp 'unvalidatedKinds'/);
    expect(Object.keys(make({ unvalidatedKinds: ['example.com/v1/Widget'] }).renderFiles())).toContain('clusters/c/w/Widget.w.yaml');
  });

  test('an object that breaks its schema fails synth with the JSON pointer', () => {
    // GIVEN
    const app = new FleetApp({ outdir: tmp() });
    const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git' });
    const web = addCluster(fleet, 'c').addManifests('web', { namespace: 'web' });
    // WHEN
    const d = new k8s.KubeDeployment(web, 'Deployment', { metadata: { name: 'web' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'web' }] } } } });
    d.addJsonPatch(JsonPatch.add('/spec/replicas', 'three'));
    // THEN
    expect(errorOf(() => app.synth())).toMatch(/\[f\/c\/web\/Deployment\] Deployment 'web' \(clusters\/c\/web\/Deployment.web.yaml\): schema: \/spec\/replicas must be integer/);
  });

  // The catalogue of bad inputs: each is rejected naming the construct path, the prop and the value, and a tree
  // that already exists is left exactly as it was.
  const catalogue: Array<[string, (fleet: Fleet) => void, RegExp]> = [
    ['invalid cluster name', f => addCluster(f, 'Prod_1'), /\[platform\/Prod_1\] 'clusterName' \('Prod_1'\) is not a valid DNS-1123 label/],
    ['invalid label value', f => addCluster(f, 'x', { env: 'prod!' }), /\[platform\/x\] 'labels' value 'prod!' \(key 'env'\)/],
    ['invalid label key', f => addCluster(f, 'x', { '-env': 'prod' }), /\[platform\/x\] 'labels' key '-env' is not a valid label key/],
    ['duplicate cluster name', f => addCluster(f, 'prod'), /\[platform\] Fleet 'clusterName' \('prod'\) is already registered/],
    ['duplicate server', f => f.addCluster('prod2', { server: 'https://prod.k8s.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() }),
      /\[platform\] clusters 'prod', 'prod2' have the same 'server' \('https:\/\/prod.k8s.example.com'\)/],
    ['destination not allowed', f => new Application(f, 'sneaky', {
      project: f.node.findChild('team') as AppProject, destination: f.findCluster('prod')!, destinationNamespace: 'kube-system', source: ApplicationSource.git({ path: 'x' }),
    }), /\[platform\/sneaky\] AppProject 'team' does not allow destination 'prod' \(https:\/\/prod.k8s.example.com\) namespace 'kube-system'/],
    ['source repo not allowed', f => new Application(f, 'sneaky', {
      project: f.node.findChild('team') as AppProject, destination: f.findCluster('prod')!, destinationNamespace: 'web', source: ApplicationSource.git({ repoUrl: 'https://evil.example.com/x.git', path: 'x' }),
    }), /\[platform\/sneaky\] AppProject 'team' does not allow source repo 'https:\/\/evil.example.com\/x.git'/],
    ['cluster not in the registry', f => {
      const other = new Fleet(f.node.scope!, 'other', { repoUrl: 'https://github.com/acme/other.git' });
      new Application(f, 'foreign', { destination: addCluster(other, 'elsewhere'), destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) });
    }, /\[platform\/foreign\] Application 'foreign' 'destination' \('elsewhere'\) is not a cluster in the registry of fleet 'platform'/],
    ['plaintext Secret in workloads', f => {
      new k8s.KubeSecret(f.findCluster('prod')!.addManifests('db'), 'S', { metadata: { name: 'db', namespace: 'db' }, stringData: { password: 'hunter2' } });
    }, /\[platform\/prod\/db\/S\] Secret 'db' \(clusters\/prod\/db\/Secret.db.db.yaml\): a Secret with data or stringData would be committed to Git in plaintext/],
    ['private key in a ConfigMap', f => {
      new k8s.KubeConfigMap(f.findCluster('prod')!.addManifests('tls'), 'C', { metadata: { name: 'tls', namespace: 'tls' }, data: { key: '-----BEGIN PRIVATE KEY-----\nMII=\n-----END PRIVATE KEY-----' } });
    }, /\[platform\/prod\/tls\/C\] ConfigMap 'tls' \(clusters\/prod\/tls\/ConfigMap.tls.tls.yaml\): \/data\/key holds a PEM private key/],
    ['invalid secret store name', () => SecretStoreReference.clusterSecretStore('Vault!'), /'storeName' \('Vault!'\) must be a valid DNS-1123 subdomain/],
    ['invalid application name', f => new Application(f, 'App', {
      applicationName: 'My App', destination: f.findCluster('prod')!, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'x' }),
    }), /\[platform\/App\] 'applicationName' \('My App'\)/],
  ];

  test.each(catalogue)('bad input: %s is rejected and nothing is written', (_name, mutate, expected) => {
    // GIVEN a tree that already exists
    const outdir = tmp();
    smallFleet(outdir).synth();
    const before = treeSnapshot(outdir);
    // WHEN
    const message = errorOf(() => smallFleet(outdir, mutate).synth());
    // THEN
    expect(message).toMatch(expected);
    expect(treeSnapshot(outdir)).toStrictEqual(before);
  });

  test('plain cdk8s Testing still works on charts inside a fleet (of a FleetApp)', () => {
    // GIVEN
    const app = new FleetApp({ outdir: tmp() });
    const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git' });
    const web = addCluster(fleet, 'c').addManifests('web');
    new k8s.KubeConfigMap(web, 'C', { metadata: { name: 'c' } });
    // THEN
    expect(Testing.synth(web)).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]);
  });
});

describe('FleetApp and the cdk8s App props', () => {
  test.each([
    ['outputFileExtension', { outputFileExtension: '.yml' }, "'outputFileExtension' ('.yml') is not supported: the GitOps tree writes every object to its own '.yaml' file; remove the prop"],
    ['yamlOutputType', { yamlOutputType: YamlOutputType.FILE_PER_APP }, "'yamlOutputType' ('FILE_PER_APP') is not supported: the GitOps tree has its own layout"],
    ['recordConstructMetadata', { recordConstructMetadata: true }, "'recordConstructMetadata' (true) is not supported: it would write construct-metadata.json into the GitOps tree"],
  ])('%s that the tree cannot honour is an error, not ignored', (_name, props, expected) => {
    expect(errorOf(() => new FleetApp({ outdir: tmp(), ...props }))).toContain(expected);
  });

  test('the values that match the tree are accepted', () => {
    expect(() => new FleetApp({ outdir: tmp(), outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE, recordConstructMetadata: false })).not.toThrow();
  });

  test('a Fleet in a plain cdk8s App fails its synth, saying to use FleetApp, and writes nothing', () => {
    // GIVEN
    const outdir = tmp();
    const app = new App({ outdir });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git' });
    new k8s.KubeConfigMap(addCluster(fleet, 'c').addManifests('web'), 'C', { metadata: { name: 'c' } });
    // WHEN / THEN
    expect(() => app.synth()).toThrow("Fleet 'platform' is in a plain cdk8s App, whose synth() writes cdk8s' own layout without validating the fleet; "
      + 'create it in a FleetApp (`const app = new FleetApp({ outdir })`), whose synth() writes the validated GitOps tree');
    expect(fs.readdirSync(outdir)).toEqual([]);
    // … and cdk8s Testing of a chart inside it says the same
    expect(() => Testing.synth(fleet.findCluster('c')!.node.findChild('web') as any)).toThrow("Fleet 'platform' is in a plain cdk8s App");
  });
});

describe('FleetApp clusterScopedKinds: the scope of kinds whose CRD the program does not write', () => {
  const ISSUER = 'clusters/prod/web/ClusterIssuer.letsencrypt.yaml';
  /** A ClusterIssuer (cert-manager, installed by Helm: no CRD here) among the manifests of namespace 'web'. */
  function issuerFleet(props: { clusterScopedKinds?: string[]; crdScope?: 'Cluster' | 'Namespaced' } = {}) {
    const outdir = tmp();
    const app = new FleetApp({ outdir, fleetProofs: false, unvalidatedKinds: ['cert-manager.io/v1/ClusterIssuer'], clusterScopedKinds: props.clusterScopedKinds });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    const prod = addCluster(fleet, 'prod');
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod)] });
    const web = prod.addManifests('web', { namespace: 'web' });
    new ApiObject(web, 'Issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { selfSigned: {} } });
    if (props.crdScope) customResourceDefinition(web, 'Crd', 'cert-manager.io', 'ClusterIssuer', props.crdScope);
    new Application(fleet, 'web', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    return { app, project, outdir };
  }

  test('GIVEN a declared kind WHEN synthesized THEN its objects carry no namespace, the project judges them cluster-scoped, and the tree records the kinds for plan and diff', () => {
    // GIVEN
    const { app, project, outdir } = issuerFleet({ clusterScopedKinds: ['cert-manager.io/ClusterIssuer', 'karpenter.sh/NodePool', 'cert-manager.io/ClusterIssuer'] });
    // WHEN / THEN Argo CD would refuse it in a project without a cluster allow-list
    expect(errorOf(() => app.synth())).toContain("[platform/web] AppProject 'team' does not allow cluster-scoped ClusterIssuer 'letsencrypt' (group 'cert-manager.io') that Application 'web' deploys. Add { group: 'cert-manager.io', kind: 'ClusterIssuer' } to its clusterResourceAllowList");
    // WHEN the project allows it
    project.allowClusterResource({ group: 'cert-manager.io', kind: 'ClusterIssuer' });
    app.synth();
    // THEN
    const tree = treeSnapshot(outdir);
    expect(tree[ISSUER]).toBe('apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: letsencrypt\nspec:\n  selfSigned: {}\n');
    expect(tree['cluster-scoped-kinds.yaml']).toBe('# Kinds this program declares cluster-scoped (FleetApp clusterScopedKinds): cdk8s-fleet plan and diff judge their objects as synth did.\n'
      + 'clusterScopedKinds:\n  - cert-manager.io/ClusterIssuer\n  - karpenter.sh/NodePool\n');
    // AND a plan read from the tree judges it as synth did
    const model = readTreeModel(outdir);
    expect(model.problems).toEqual([]);
    expect(model.clusterScopedKinds).toEqual(['cert-manager.io/ClusterIssuer', 'karpenter.sh/NodePool']);
    expect(model.scopes.isClusterScoped('cert-manager.io/v1', 'ClusterIssuer')).toBe(true);
    expect(computePlan(model).clusters.find(c => c.name === 'prod')!.applications.find(a => a.name === 'web')!.clusterScoped).toEqual(['ClusterIssuer/letsencrypt']);
  });

  test('GIVEN no declaration WHEN synthesized THEN a kind of unknown scope is judged namespaced (and keeps its namespace), and no record is written', () => {
    const { app, outdir } = issuerFleet();
    app.synth();
    const tree = treeSnapshot(outdir);
    expect(tree[ISSUER]).toContain('  namespace: web\n');
    expect(tree['cluster-scoped-kinds.yaml']).toBeUndefined();
  });

  test('GIVEN the program\'s own CRD WHEN synthesized THEN its scope is the kind\'s, without a declaration', () => {
    const { app, project, outdir } = issuerFleet({ crdScope: 'Cluster' });
    project.allowClusterResource({ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' });
    expect(errorOf(() => app.synth())).toContain("does not allow cluster-scoped ClusterIssuer 'letsencrypt'");
    project.allowClusterResource({ group: 'cert-manager.io', kind: 'ClusterIssuer' });
    app.synth();
    expect(treeSnapshot(outdir)[ISSUER]).not.toContain('namespace');
  });

  test('GIVEN a declaration the program\'s CRD or the pinned schemas contradict WHEN synthesized THEN synth fails, naming the kind', () => {
    const { app, project } = issuerFleet({
      crdScope: 'Namespaced', clusterScopedKinds: ['cert-manager.io/ClusterIssuer', 'argoproj.io/Rollout', 'apps/Deployment', 'external-secrets.io/ClusterSecretStore'],
    });
    project.allowClusterResource({ group: '*', kind: '*' });
    const message = errorOf(() => app.synth());
    expect(message).toContain("FleetApp 'clusterScopedKinds[0]' ('cert-manager.io/ClusterIssuer') is namespaced by the program's CustomResourceDefinition ('spec.scope' is not 'Cluster'); remove it from the list");
    expect(message).toContain("FleetApp 'clusterScopedKinds[1]' ('argoproj.io/Rollout') is a namespaced kind of the pinned schemas (Kubernetes 1.28 or a pinned CRD); remove it from the list");
    expect(message).toContain("FleetApp 'clusterScopedKinds[2]' ('apps/Deployment') is a namespaced kind of the pinned schemas");
    // (a pinned cluster-scoped kind is merely redundant)
    expect(message).not.toContain('clusterScopedKinds[3]');
  });

  /** A Workload 'operator' that writes the cluster-scoped CRD of example.com's Widget, and a Widget in the 'web' manifests. */
  function widgetFleet(props: { renderPerCluster?: boolean; clusterScopedKinds?: string[] }) {
    const outdir = tmp();
    const app = new FleetApp({ outdir, fleetProofs: true, unvalidatedKinds: ['example.com/v1/Widget'], clusterScopedKinds: props.clusterScopedKinds });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    const prod = addCluster(fleet, 'prod', { tier: 'backend' });
    new Workload(fleet, 'operator', {
      namespace: 'operator',
      matchLabels: { tier: 'backend' },
      renderPerCluster: props.renderPerCluster,
      definition: {
        define: scope => {
          customResourceDefinition(scope, 'crd', 'example.com', 'Widget', 'Cluster');
        },
      },
    });
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod)], clusterResourceAllowList: [{ group: 'example.com', kind: 'Widget' }] });
    const web = prod.addManifests('web', { namespace: 'web' });
    new ApiObject(web, 'Widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' } });
    new Application(fleet, 'web', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    return { app, outdir };
  }

  test('GIVEN a CRD that a Workload writes WHEN objects of its kind are elsewhere in the program THEN they are placed by its scope', () => {
    const { app, outdir } = widgetFleet({});
    app.synth();
    expect(treeSnapshot(outdir)['clusters/prod/web/Widget.w1.yaml']).toBe('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n');
  });

  test('GIVEN a CRD a Workload writes only per cluster WHEN objects of its kind were placed before it was read THEN synth fails, saying to declare the kind; the declaration resolves it', () => {
    // GIVEN / WHEN
    const message = errorOf(() => widgetFleet({ renderPerCluster: true }).app.synth());
    // THEN
    expect(message).toContain("[platform/prod/web/Widget] Widget 'w1' (clusters/prod/web/Widget.w1.yaml) keeps its namespace, but a CustomResourceDefinition in the tree makes 'example.com/Widget' cluster-scoped, "
      + "and it was read only after the object was placed (a Workload's CRD rendered per cluster or added by a patch): list 'example.com/Widget' in FleetApp 'clusterScopedKinds'");
    // WHEN declared
    const { app, outdir } = widgetFleet({ renderPerCluster: true, clusterScopedKinds: ['example.com/Widget'] });
    app.synth();
    expect(treeSnapshot(outdir)['clusters/prod/web/Widget.w1.yaml']).not.toContain('namespace');
  });

  test('GIVEN a malformed entry WHEN the FleetApp is created THEN it fails, naming the prop, the index and the value', () => {
    expect(() => new FleetApp({ outdir: tmp(), clusterScopedKinds: ['cert-manager.io/ClusterIssuer', 'cert-manager.io/v1/ClusterIssuer', 'ClusterIssuer'] })).toThrow(
      "Invalid FleetApp at '':\n  [] 'clusterScopedKinds[1]' ('cert-manager.io/v1/ClusterIssuer') is not '<group>/<Kind>' (e.g. 'cert-manager.io/ClusterIssuer'): a kind's scope is the same in every version of its group\n"
      + "  [] 'clusterScopedKinds[2]' ('ClusterIssuer') is not '<group>/<Kind>'");
  });

  test('GIVEN a tree whose record was edited into something else WHEN read THEN the model names the file', () => {
    const { app, project, outdir } = issuerFleet({ clusterScopedKinds: ['cert-manager.io/ClusterIssuer'] });
    project.allowClusterResource({ group: 'cert-manager.io', kind: 'ClusterIssuer' });
    app.synth();
    fs.writeFileSync(path.join(outdir, 'cluster-scoped-kinds.yaml'), 'clusterScopedKinds: [cert-manager.io/v1/ClusterIssuer]\n');
    expect(readTreeModel(outdir).problems).toEqual([
      "cluster-scoped-kinds.yaml: not a list of cluster-scoped kinds ('clusterScopedKinds', each '<group>/<Kind>', and nothing else): 'cert-manager.io/v1/ClusterIssuer'",
    ]);
  });
});
