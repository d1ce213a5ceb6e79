import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Application, ApplicationSource, AppProject, ClusterMatch, Fleet, FleetApp, HelmApplication, ProjectDestination, VersionsFile, Workload, WorkloadOutput } from '../../src';
import { fieldText } from '../../src/gitops/diff-format';
import { diffJson, diffMarkdown, diffSummary, hasDifferences, removalLabels } from '../../src/gitops/diff-report';
import { planText } from '../../src/gitops/fleet-plan';
import { planHtml } from '../../src/gitops/plan-html';
import { diffTrees, ObjectChange, TreeDiff } from '../../src/gitops/tree-diff';
import { writeTree } from '../../src/gitops/tree-writer';
import * as workerScripts from '../../src/private/worker-script';
import { InputError } from '../../src/private/yaml-input';
import { addCluster, testFleet, treeSnapshot } from '../util';

/** A PR's change to the fleet below. */
interface Variant {
  readonly output?: WorkloadOutput;
  readonly prodReplicas?: number;
  readonly logLevel?: string;
  readonly euEnv?: Record<string, string>;
  readonly servicePort?: number;
  readonly pdb?: boolean;
  readonly withoutConfigMap?: boolean;
  readonly euRetention?: string;
  readonly extraCluster?: string;
}

const CLUSTERS = ['dev-eu-1', 'staging-eu-1', 'prod-eu-1', 'prod-us-1'];
const VERSIONS = 'environments: [dev, staging, production]\nversions:\n  monitoring:\n    dev: 66.0.0\n    staging: 66.0.0\n    production: 65.1.1\n';

/**
 * GIVEN helper: four clusters (dev, staging, two production in two regions); an `api` Workload (ConfigMap,
 * Deployment, Service; production replicas and EU env vars as overrides) and a Helm monitoring stack with values
 * per region. Returns the synthesized tree.
 */
function tree(v: Variant = {}): string {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  for (const c of [...CLUSTERS, ...(v.extraCluster ? [v.extraCluster] : [])]) addCluster(fleet, c, { environment: c.startsWith('prod') ? 'production' : c.split('-')[0], region: c.split('-')[1], tier: 'backend' });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchLabels: { tier: 'backend' },
    output: v.output,
    definition: {
      define: scope => {
        if (!v.withoutConfigMap) new kplus.ConfigMap(scope, 'config', { metadata: { name: 'api-config' }, data: { LOG_LEVEL: v.logLevel ?? 'info' } });
        const d = new kplus.Deployment(scope, 'api', {
          metadata: { name: 'api' },
          replicas: 2,
          containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }],
        });
        d.exposeViaService({ name: 'api', ports: [{ name: 'http', port: v.servicePort ?? 80, targetPort: 8080 }] });
        if (v.pdb) new kplus.k8s.KubePodDisruptionBudget(scope, 'pdb', { metadata: { name: 'api' }, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'api' } } } });
      },
    },
    overrides: [
      { match: ClusterMatch.environment('production'), settings: { replicas: v.prodReplicas ?? 3 } },
      { match: ClusterMatch.region('eu'), settings: { env: v.euEnv ?? { REGION: 'eu' } } },
    ],
  });
  new HelmApplication(fleet, 'monitoring', {
    namespace: 'monitoring',
    repoUrl: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    versions: new VersionsFile(fleet, 'Versions', { content: VERSIONS }),
    matchLabels: { tier: 'backend' },
    valuesByLabel: [{ labelKey: 'region', values: { eu: { retention: v.euRetention ?? '15d' }, us: { retention: '30d' } } }],
  });
  return app.synthTree().outdir;
}

const BASE = tree();
const BASE_KUSTOMIZE = tree({ output: WorkloadOutput.KUSTOMIZE });

/** The object changes of one cluster, `Kind namespace/name` → field lines, as the reviewer reads them. */
function objectsOn(d: TreeDiff, cluster: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const a of d.diff.objects!.clusters.find(c => c.cluster === cluster)?.applications ?? []) {
    for (const o of a.objects) out[`${o.status} ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`] = fieldLines(o);
  }
  return out;
}

/** The field lines of one object as the Markdown prints them (without list markers and code spans). */
function fieldLines(o: ObjectChange): string[] {
  return o.fields.map(f => fieldText(f, o.status === 'added'));
}

const touched = (d: TreeDiff) => d.diff.objects!.clusters.map(c => c.cluster);

describe('diff of two synthesized trees: every rendered object that changes, per cluster', () => {
  test('identical trees: no changes, and the Markdown says the objects were compared', () => {
    // WHEN
    const d = diffTrees(BASE, tree());
    // THEN
    expect(hasDifferences(d.diff)).toBe(false);
    expect(diffMarkdown(d.diff)).toContain('No changes: both trees render the same objects on every cluster');
  });

  test('production replicas: only the production clusters, with the new value', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ prodReplicas: 5 }));
    // THEN
    expect(touched(d)).toEqual(['prod-eu-1', 'prod-us-1']);
    expect(objectsOn(d, 'prod-eu-1')).toEqual({ 'changed Deployment api/api': ['spec.replicas: 3 → 5'] });
    const md = diffMarkdown(d.diff);
    expect(md).toContain('### on 2 clusters: prod-eu-1, prod-us-1\n\n- ✏️ **api-{cluster}**\n  - ✏️ Deployment `api/api`\n    - `spec.replicas: 3 → 5`\n');
    expect(md).not.toMatch(/dev-eu-1|staging-eu-1/);
  });

  test('a ConfigMap value on every cluster is folded once', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ logLevel: 'debug' }));
    const flag = diffTrees(BASE, tree({ logLevel: 'on' }));
    // THEN
    expect(touched(d)).toEqual(CLUSTERS.slice().sort());
    expect(objectsOn(d, 'dev-eu-1')).toEqual({ 'changed ConfigMap api/api-config': ['data.LOG_LEVEL: info → debug'] });
    const md = diffMarkdown(d.diff);
    expect(md).toContain('**Summary:** 4 cluster(s) touched · objects: 0 added, 4 changed, 0 removed · 4 Application(s) affected');
    expect(md).toContain('### on 4 clusters: dev-eu-1, prod-eu-1, prod-us-1, staging-eu-1\n\n- ✏️ **api-{cluster}**\n  - ✏️ ConfigMap `api/api-config`\n    - `data.LOG_LEVEL: info → debug`\n');
    expect(md.match(/data\.LOG_LEVEL/g)).toHaveLength(1);
    // A string that only YAML 1.1 reads as a boolean is shown as it is (a number would be quoted: "5" is not 5).
    expect(objectsOn(flag, 'dev-eu-1')).toEqual({ 'changed ConfigMap api/api-config': ['data.LOG_LEVEL: info → on'] });
  });

  test('an env var on some clusters only: the EU clusters, matched by container and variable name', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ euEnv: { REGION: 'eu', CACHE_URL: 'redis://cache:6379' } }));
    // THEN
    expect(touched(d)).toEqual(['dev-eu-1', 'prod-eu-1', 'staging-eu-1']);
    expect(objectsOn(d, 'prod-eu-1')).toEqual({
      'changed Deployment api/api': ['spec.template.spec.containers[api].env[CACHE_URL]: added = {name: CACHE_URL, value: redis://cache:6379}'],
    });
    expect(diffMarkdown(d.diff)).not.toContain('prod-us-1');
  });

  test('a Service port: the port matched by its name, the new value', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ servicePort: 8080 }));
    // THEN
    expect(touched(d)).toEqual(CLUSTERS.slice().sort());
    expect(objectsOn(d, 'prod-us-1')).toEqual({ 'changed Service api/api': ['spec.ports[http].port: 80 → 8080'] });
  });

  test('a new object (a PodDisruptionBudget) with all its fields, and a removed object', () => {
    // WHEN
    const added = diffTrees(BASE, tree({ pdb: true }));
    const removed = diffTrees(BASE, tree({ withoutConfigMap: true }));
    // THEN
    expect(objectsOn(added, 'staging-eu-1')).toEqual({
      'added PodDisruptionBudget api/api': ['spec.minAvailable: 1', 'spec.selector.matchLabels.app: api'],
    });
    expect(diffMarkdown(added.diff)).toContain('  - ➕ PodDisruptionBudget `api/api` added\n    - `spec.minAvailable: 1`\n');
    expect(objectsOn(removed, 'dev-eu-1')['removed ConfigMap api/api-config']).toEqual([]);
    expect(diffSummaryOf(removed)).toMatchObject({ objectsRemoved: 4 });
  });

  test('a new cluster: its Applications and the objects they deploy, named', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ extraCluster: 'prod-eu-2' }));
    // THEN
    expect(touched(d)).toEqual(['prod-eu-2']);
    const md = diffMarkdown(d.diff);
    expect(md).toContain('### prod-eu-2 (cluster added)\n');
    expect(md).toContain('- ➕ **api-prod-eu-2** (ApplicationSet/api) clusters/prod-eu-2/api@main [ghcr.io/acme/api:1.0.0]\n');
    expect(md).toContain('  - ➕ Deployment `api/api` added\n  - ➕ Namespace `api` added\n  - ➕ Service `api/api` added\n');
    expect(md).not.toContain('spec.replicas');
    // The added Applications count as Applications, not also as added objects
    expect(diffSummaryOf(d)).toMatchObject({ clustersTouched: 1, applicationsAffected: 2, objectsAdded: 6 }); // 4 api objects, a values file, the cluster Secret
  });

  test('Kustomize mode: overlays are built in process and compared per cluster and object', () => {
    // WHEN the production replicas change, which only the production overlays' patches carry
    const d = diffTrees(BASE_KUSTOMIZE, tree({ output: WorkloadOutput.KUSTOMIZE, prodReplicas: 5 }));
    const base = diffTrees(BASE_KUSTOMIZE, tree({ output: WorkloadOutput.KUSTOMIZE, logLevel: 'debug' }));
    // THEN
    expect(touched(d)).toEqual(['prod-eu-1', 'prod-us-1']);
    expect(objectsOn(d, 'prod-us-1')).toEqual({ 'changed Deployment api/api': ['spec.replicas: 3 → 5'] });
    expect(d.diff.objects!.problems).toEqual([]);
    // … and a change to the base reaches every cluster, as the overlays build it
    expect(touched(base)).toEqual(CLUSTERS.slice().sort());
    expect(objectsOn(base, 'dev-eu-1')).toEqual({ 'changed ConfigMap api/api-config': ['data.LOG_LEVEL: info → debug'] });
  });

  test('an overlay using Kustomize features the diff does not build is compared as files, and says so', () => {
    // GIVEN a head whose prod-us-1 overlay gained a namePrefix (hand-edited: the library never writes one)
    const head = fs.mkdtempSync(path.join(path.dirname(BASE), 'name-prefix-'));
    const files = treeSnapshot(BASE_KUSTOMIZE, { excludeState: true });
    files['apps/api/overlays/prod-us-1/kustomization.yaml'] += 'namePrefix: x-\n';
    writeTree(head, new Map(Object.entries(files)));
    // WHEN
    const d = diffTrees(BASE_KUSTOMIZE, head);
    // THEN the problem is named, and the change is still shown, on that cluster only
    expect(d.diff.objects!.problems).toEqual([`head ${head}: apps/api/overlays/prod-us-1/kustomization.yaml uses 'namePrefix', which cdk8s-fleet diff does not build (the overlay's files are compared as they are)`]);
    expect(touched(d)).toEqual(['prod-us-1']);
    expect(objectsOn(d, 'prod-us-1')).toEqual({ 'changed Kustomization apps/api/overlays/prod-us-1/kustomization.yaml#0': ['namePrefix: added = x-'] });
    expect(diffMarkdown(d.diff)).toContain('**⚠️ 1 thing(s) could not be compared as objects:**\n\n- head ');
  });

  test('switching a Workload from rendered to Kustomize output changes no object', () => {
    // WHEN
    const d = diffTrees(BASE, BASE_KUSTOMIZE);
    // THEN the Applications point elsewhere, but every cluster runs the same objects
    for (const c of d.diff.objects!.clusters) {
      for (const a of c.applications) for (const o of a.objects) expect(`${c.cluster} ${o.kind}`).toMatch(/ Application$/);
    }
  });

  test('a Helm values file: the clusters whose Applications read it', () => {
    // WHEN
    const d = diffTrees(BASE, tree({ euRetention: '30d' }));
    // THEN
    expect(touched(d)).toEqual(['dev-eu-1', 'prod-eu-1', 'staging-eu-1']);
    expect(objectsOn(d, 'prod-eu-1')).toEqual({ 'changed Helm values values/monitoring/region-eu.yaml': ['retention: 15d → 30d'] });
    expect(d.diff.objects!.clusters[0].applications[0].column).toBe('monitoring');
  });
});

describe('diff: secrets never appear', () => {
  /** A tree with extra hand-written files (the library itself refuses plaintext Secrets). */
  function withFiles(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(path.dirname(BASE), 'secret-tree-'));
    const current = treeSnapshot(BASE, { excludeState: true });
    writeTree(dir, new Map([...Object.entries(current), ...Object.entries(files)]));
    return dir;
  }
  const secret = (value: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: api\nstringData:\n  url: ${value}\n`;
  const config = (token: string, pem: string, conf: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: api\ndata:\n  API_TOKEN: ${token}\n  CERT: ${JSON.stringify(pem)}\n  app.conf: ${JSON.stringify(conf)}\n  DATABASE: ${JSON.stringify(`postgres://app:${token}@db:5432/app`)}\n`;
  const PEM = (k: string) => `-----BEGIN RSA PRIVATE KEY-----\n${k}\n-----END RSA PRIVATE KEY-----\n`;

  test('Secret data, credential-named keys, private keys, passwords in URLs and config lines are hidden', () => {
    // GIVEN a change to a Secret and to credential-like values in a ConfigMap on prod-eu-1
    const base = withFiles({
      'clusters/prod-eu-1/api/Secret.db.yaml': secret('old-s3cret-value'),
      'clusters/prod-eu-1/api/ConfigMap.extra.yaml': config('tok-old-111', PEM('AAAAold'), 'port=1\npassword = hunter2-old\n'),
    });
    const head = withFiles({
      'clusters/prod-eu-1/api/Secret.db.yaml': secret('new-s3cret-value'),
      'clusters/prod-eu-1/api/ConfigMap.extra.yaml': config('tok-new-222', PEM('BBBBnew'), 'port=2\npassword = hunter2-new\n'),
    });
    // WHEN
    const d = diffTrees(base, head);
    const outputs = [diffMarkdown(d.diff), JSON.stringify(diffJson(d.diff))];
    // THEN the reviewer sees that they changed, on which cluster, and nothing of the values
    expect(objectsOn(d, 'prod-eu-1')).toEqual({
      'changed Secret api/db': ['stringData.url: (changed, value hidden)'],
      'changed ConfigMap api/extra': [
        'data.API_TOKEN: (changed, value hidden)',
        'data.CERT: (changed, value hidden)',
        'data.DATABASE: (changed, value hidden)',
        'data["app.conf"]: (3 lines) → (3 lines)',
      ],
    });
    expect(touched(d)).toEqual(['prod-eu-1']);
    for (const out of outputs) {
      for (const leak of ['s3cret', 'tok-old', 'tok-new', 'AAAAold', 'BBBBnew', 'hunter2']) expect(out).not.toContain(leak);
    }
    expect(outputs[0]).toContain('- port=1\n');
    expect(outputs[0]).toContain('- password = *** (old value hidden)\n');
    expect(outputs[0]).toContain('+ password = *** (new value hidden)\n');
  });
});

describe('diff: what it reads', () => {
  test('a file edited after synth (stale manifest) is still compared by its content', () => {
    // GIVEN a head tree whose Deployment was edited by hand: the manifest still has the old hash
    const head = tree();
    const file = path.join(head, 'clusters/prod-us-1/api/Deployment.api.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace('replicas: 3', 'replicas: 9'));
    // WHEN
    const d = diffTrees(BASE, head);
    // THEN
    expect(touched(d)).toEqual(['prod-us-1']);
    expect(objectsOn(d, 'prod-us-1')).toEqual({ 'changed Deployment api/api': ['spec.replicas: 3 → 9'] });
  });

  test('without stat caches (a fresh checkout) every file is hashed, and the result is the same', () => {
    // GIVEN
    const head = tree({ prodReplicas: 4 });
    for (const t of [head]) fs.rmSync(path.join(t, '.cdk8s-fleet/stat-cache'));
    // WHEN
    const d = diffTrees(BASE, head);
    // THEN
    expect(touched(d)).toEqual(['prod-eu-1', 'prod-us-1']);
  });

  test('the head tree scanned on a worker thread gives the same diff; its refusals come back as they are', () => {
    // GIVEN
    const head = tree({ prodReplicas: 5 });
    const linked = tree();
    fs.symlinkSync('/etc/hostname', path.join(linked, 'clusters/dev-eu-1/api/ConfigMap.link.yaml'));
    // WHEN the worker threshold is 0 (trees of any size go to the worker)
    const d = diffTrees(BASE, head, { scanWorkerThreshold: 0 });
    // THEN
    expect(diffJson(d.diff)).toEqual(diffJson(diffTrees(BASE, head).diff));
    expect(() => diffTrees(BASE, linked, { scanWorkerThreshold: 0 }))
      .toThrow(new InputError(`head ${linked}: clusters/dev-eu-1/api/ConfigMap.link.yaml is a symbolic link; a tree holds regular files only`));
  });

  test('GIVEN a head-scanning worker that throws while loading WHEN diffing THEN the head is scanned here, at once, with the same diff', () => {
    // GIVEN
    const head = tree({ prodReplicas: 5 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-scan-')), 'worker.js');
    fs.writeFileSync(file, "throw new Error('no worker today');");
    const spy = jest.spyOn(workerScripts, 'workerScript').mockReturnValue({ file, execArgv: [] });
    try {
      // WHEN
      const began = Date.now();
      const d = diffTrees(BASE, head, { scanWorkerThreshold: 0 });
      // THEN (not after the two minutes it waits for a worker that lives)
      expect(Date.now() - began).toBeLessThan(30_000);
      expect(spy).toHaveBeenCalled();
      expect(diffJson(d.diff)).toEqual(diffJson(diffTrees(BASE, head).diff));
    } finally {
      spy.mockRestore();
    }
  });

  test('a manifest never leads the diff out of the tree', () => {
    // GIVEN a head whose manifest lists a path outside the tree
    const head = tree();
    const manifest = path.join(head, '.cdk8s-fleet/manifest.json');
    const json = JSON.parse(fs.readFileSync(manifest, 'utf-8'));
    json.files['../../etc/hostname'] = '0'.repeat(64);
    fs.writeFileSync(manifest, JSON.stringify(json));
    // WHEN
    const d = diffTrees(BASE, head);
    // THEN
    expect(d.diff.objects!.problems).toEqual([`head ${head}: ../../etc/hostname: the manifest lists a path outside the tree's files; ignored`]);
    expect(hasDifferences(d.diff)).toBe(false);
  });

  test('a file no Application reads is reported on its own', () => {
    // GIVEN a stray manifest outside every Application's path
    const head = tree();
    fs.mkdirSync(path.join(head, 'stray'));
    fs.writeFileSync(path.join(head, 'stray/ConfigMap.x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n');
    // WHEN
    const d = diffTrees(BASE, head);
    // THEN
    expect(d.diff.objects!.unattributed.map(o => `${o.status} ${o.kind} ${o.name} ${o.file}`)).toEqual(['added ConfigMap x stray/ConfigMap.x.yaml']);
    expect(diffMarkdown(d.diff)).toContain('### Files no Application deploys\n\n- ➕ ConfigMap `x` added\n  - `data.a: b`');
  });

  test('directories that are not trees are refused, naming what is missing', () => {
    // GIVEN
    const empty = fs.mkdtempSync(path.join(path.dirname(BASE), 'not-a-tree-'));
    // THEN
    expect(() => diffTrees(BASE, path.join(empty, 'missing'))).toThrow(new InputError(`head ${path.join(empty, 'missing')}: no such directory`));
    expect(() => diffTrees(empty, BASE)).toThrow(`base ${empty}: not a cdk8s-fleet tree (no .cdk8s-fleet/manifest.json; pass the directory a FleetApp synthesized into)`);
    expect(() => diffTrees(BASE, path.join(BASE, '.cdk8s-fleet/manifest.json'))).toThrow(/^head .*manifest.json: not a directory$/);
  });
});

function diffSummaryOf(d: TreeDiff) {
  return diffJson(d.diff).summary;
}

describe('diffTrees and the scope of kinds outside the pinned schemas', () => {
  /** A tree whose `web` Application deploys a ConfigMap and, with `issuer`, a cert-manager ClusterIssuer. */
  function issuerTree(options: { issuer: boolean; declared: boolean }): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-scope-'));
    const app = new FleetApp({
      outdir, unvalidatedKinds: ['cert-manager.io/v1/ClusterIssuer'], clusterScopedKinds: options.declared ? ['cert-manager.io/ClusterIssuer'] : undefined,
    });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    const prod = addCluster(fleet, 'prod');
    const web = prod.addManifests('web', { namespace: 'web' });
    new ApiObject(web, 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { A: '1' } });
    if (options.issuer) new ApiObject(web, 'Issuer', { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: 'letsencrypt' }, spec: { selfSigned: {} } });
    new Application(fleet, 'web', { destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    app.synth();
    return outdir;
  }

  test('GIVEN a head that adds an object of a declared cluster-scoped kind WHEN diffed THEN it is a cluster-scoped object added, judged by the head\'s declaration', () => {
    // GIVEN
    const base = issuerTree({ issuer: false, declared: false });
    // WHEN
    const declared = diffTrees(base, issuerTree({ issuer: true, declared: true })).diff;
    const undeclared = diffTrees(base, issuerTree({ issuer: true, declared: false })).diff;
    // THEN
    expect(declared.clusters.find(c => c.cluster === 'prod')!.clusterScopedAdded).toEqual(['ClusterIssuer/letsencrypt']);
    expect(undeclared.clusters.find(c => c.cluster === 'prod')?.clusterScopedAdded ?? []).toEqual([]);
    // (both add the object: with the declaration as cluster-scoped, without it in the namespace of its manifests)
    expect(JSON.stringify(declared.objects)).toContain('"letsencrypt"');
    expect(JSON.stringify(undeclared.objects)).toContain('"letsencrypt"');
    expect(JSON.stringify(declared.objects)).not.toMatch(/"namespace":"web","name":"letsencrypt"|web\/letsencrypt/);
    expect(JSON.stringify(undeclared.objects)).toMatch(/"namespace":"web"[^}]*"letsencrypt"|web\/letsencrypt|"letsencrypt"[^}]*"namespace":"web"/);
  });
});

describe('diffTrees of two fleets, two Argo CDs', () => {
  /** A tree of fleets 'platform' and 'zeta', each with a cluster and a project 'team'; platform's allows `namespaces`. */
  function twoFleetTree(namespaces: string[]): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-fleets-'));
    const app = new FleetApp({ outdir });
    const platform = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
    const prod = addCluster(platform, 'prod');
    new AppProject(platform, 'team', { destinations: namespaces.map(n => ProjectDestination.cluster(prod, n)) });
    const zeta = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main', argocdNamespace: 'argocd2' });
    const other = addCluster(zeta, 'other');
    new AppProject(zeta, 'team', { destinations: [ProjectDestination.cluster(other, 'web')] });
    app.synth();
    return outdir;
  }

  /** A tree of fleets 'platform' and 'zeta' that both register cluster 'shared', each with an Application 'addons' there. */
  function sharedClusterTree(
    values: { platform: string; zeta: string }, options: { dropZeta?: boolean; platformAcknowledges?: boolean } = {},
  ): string {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-fleets-'));
    const app = new FleetApp({ outdir });
    for (const name of ['platform', 'zeta'] as const) {
      const fleet = new Fleet(app, name, { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
      const shared = addCluster(fleet, 'shared');
      if (name === 'zeta' && options.dropZeta) continue;
      const addons = shared.addManifests(`addons-${name}`, { namespace: `addons-${name}` });
      new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'settings' }, data: { v: values[name] } });
      new Application(fleet, 'addons', { destination: shared, destinationNamespace: `addons-${name}`, source: ApplicationSource.manifests(addons) });
      if (name === 'platform' && options.platformAcknowledges) fleet.acknowledgeRemoval({ cluster: 'shared', application: 'addons', reason: 'moving to Helm (TICKET-7)' });
    }
    app.synth();
    return outdir;
  }

  test('GIVEN one fleet acknowledges removing its Application WHEN another fleet\'s Application of that name goes from that cluster THEN the deletion gate stops it', () => {
    // GIVEN / WHEN zeta's 'addons' goes; platform (whose 'addons' stays) acknowledged a removal of 'addons' on 'shared'
    const head = sharedClusterTree({ platform: '1', zeta: '1' }, { dropZeta: true, platformAcknowledges: true });
    const d = diffTrees(sharedClusterTree({ platform: '1', zeta: '1' }), head).diff;
    // THEN
    expect(fs.readFileSync(path.join(head, 'acknowledged-removals.yaml'), 'utf8')).toContain('    fleet: platform\n');
    expect(d.blockedRemovals).toEqual([{ cluster: 'shared', application: 'addons', fleet: 'zeta', acknowledged: undefined }]);
    expect(d.unusedAcknowledgements).toEqual([{ cluster: 'shared', application: 'addons', reason: 'moving to Helm (TICKET-7)', fleet: 'platform' }]);
    // GIVEN the file written by hand without a fleet WHEN diffed THEN it acknowledges the removal in any fleet
    fs.writeFileSync(path.join(head, 'acknowledged-removals.yaml'), 'acknowledgedRemovals:\n  - cluster: shared\n    application: addons\n    reason: by hand\n');
    expect(diffTrees(sharedClusterTree({ platform: '1', zeta: '1' }), head).diff.blockedRemovals).toEqual([]);
  });

  test.each(['platform', 'zeta'] as const)('GIVEN Applications of one name on one cluster in two fleets WHEN %s\'s objects change THEN the diff shows them under its Application, named with its fleet', fleet => {
    // GIVEN / WHEN
    const changed = { platform: '1', zeta: '1', [fleet]: '2' };
    const d = diffTrees(sharedClusterTree({ platform: '1', zeta: '1' }), sharedClusterTree(changed)).diff;
    // THEN (keyed by cluster and name alone, one fleet's Application hid the other's: its change was listed as a file no Application deploys)
    expect(d.objects!.unattributed).toEqual([]);
    expect(d.objects!.clusters.map(c => [c.cluster, c.applications.map(a => [a.fleet, a.application, a.objects.map(o => `${o.namespace}/${o.name}`)])]))
      .toEqual([['shared', [[fleet, 'addons', [`addons-${fleet}/settings`]]]]]);
    expect(diffMarkdown(d)).toContain(`**${fleet}/addons**`);
    expect(diffJson(d).clusters[0].objects).toEqual([expect.objectContaining({ application: 'addons', fleet })]);
    // (the review page: one matrix column per fleet on that cluster, only the changed one highlighted)
    const { base, head, diff } = diffTrees(sharedClusterTree({ platform: '1', zeta: '1' }), sharedClusterTree(changed));
    const html = planHtml(head, base, diff);
    const other = fleet === 'platform' ? 'zeta' : 'platform';
    expect(html).toContain(`data-cluster="shared" data-app="${fleet}/addons" data-status="changed"`);
    expect(html).toContain(`data-cluster="shared" data-app="${other}/addons" data-status="same"`);
    // (and the plan's cluster section)
    expect(planText(head)).toMatch(/ {4}platform\/addons {2}project=default.*\n {4}zeta\/addons {2}project=default/);
  });

  test('GIVEN both fleets\' Applications of one name go and only zeta acknowledges WHEN diffed THEN each has its own row, platform\'s not acknowledged, named with its fleet in the gate', () => {
    // GIVEN / WHEN
    const base = sharedClusterTree({ platform: '1', zeta: '1' });
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-fleets-'));
    const app = new FleetApp({ outdir });
    for (const name of ['platform', 'zeta']) {
      const fleet = new Fleet(app, name, { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
      addCluster(fleet, 'shared');
      if (name === 'zeta') fleet.acknowledgeRemoval({ cluster: 'shared', application: 'addons', reason: 'moved to Helm' });
    }
    app.synth();
    const d = diffTrees(base, outdir).diff;
    // THEN
    const markdown = diffMarkdown(d);
    expect(markdown).toContain('➖ **platform/addons** (Application) — **not acknowledged**');
    expect(markdown).toContain('➖ **zeta/addons** (Application) — acknowledged: moved to Helm');
    expect(diffSummary(d).applicationsAffected).toBe(2);
    expect(d.blockedRemovals.map(removalLabels(d))).toEqual(["shared/addons (fleet 'platform')"]);
  });

  test('GIVEN a fleet the program no longer has WHEN its removals are acknowledged naming it THEN the gate lets them through', () => {
    // GIVEN zeta is gone; platform acknowledges zeta's Applications (without naming it, only platform's would be)
    const base = sharedClusterTree({ platform: '1', zeta: '1' });
    const head = (fleet?: string) => {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-fleets-'));
      const app = new FleetApp({ outdir });
      const platform = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
      const shared = addCluster(platform, 'shared');
      const addons = shared.addManifests('addons-platform', { namespace: 'addons-platform' });
      new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'settings' }, data: { v: '1' } });
      new Application(platform, 'addons', { destination: shared, destinationNamespace: 'addons-platform', source: ApplicationSource.manifests(addons) });
      platform.acknowledgeRemoval({ cluster: '*', application: '*', reason: 'zeta retired', fleet });
      app.synth();
      return outdir;
    };
    // WHEN / THEN
    expect(diffTrees(base, head()).diff.blockedRemovals.map(r => `${r.fleet}/${r.application}`)).toEqual(['zeta/zeta-root', 'zeta/addons']);
    expect(diffTrees(base, head('zeta')).diff.blockedRemovals).toEqual([]);
    expect(diffTrees(base, head('*')).diff.blockedRemovals).toEqual([]);
    expect(() => testFleet().fleet.acknowledgeRemoval({ cluster: '*', application: '*', reason: 'x', fleet: 'Zeta' }))
      .toThrow(/'fleet' \('Zeta'\) is neither '\*' nor a fleet name/);
  });

  test('GIVEN projects of one name in two fleets WHEN one fleet\'s project gains a destination THEN the diff shows that change, naming the fleet', () => {
    // GIVEN / WHEN
    const d = diffTrees(twoFleetTree(['web']), twoFleetTree(['web', 'api'])).diff;
    // THEN (the other fleet's project of the same name, unchanged and written after, does not hide it)
    expect(d.projects).toEqual([{ project: 'platform/team', changes: ['destinations + {"name":"prod","namespace":"api","server":"https://prod.k8s.example.com"}'] }]);
    expect(diffMarkdown(d)).toContain('platform/team');
  });
});
