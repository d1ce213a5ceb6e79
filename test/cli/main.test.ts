import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { AppProject, ApplicationSet, ApplicationSource, ClusterGenerator, FleetProof, LabelSelectorOperator, ProjectDestination, TemplateParam } from '../../src';
import { main } from '../../src/cli/main';
import { writeTree } from '../../src/gitops/tree-writer';
import { addCluster, testFleet } from '../util';

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

/** The managed files of a tree, path → content. */
function readManifestFiles(tree: string): Record<string, string> {
  const manifest = JSON.parse(fs.readFileSync(path.join(tree, '.cdk8s-fleet', 'manifest.json'), 'utf-8'));
  return Object.fromEntries(Object.keys(manifest.files).map(p => [p, fs.readFileSync(path.join(tree, p), 'utf-8')]));
}

function synthesized(): string {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'prod');
  return app.synthTree().outdir;
}

describe('cdk8s-fleet validate', () => {
  test('a freshly synthesized tree is valid', () => {
    // GIVEN
    const tree = synthesized();
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result).toEqual({ code: 0, out: `${tree}: 2 files valid\n`, err: '' });
  });

  test('reports hand edits, schema errors and missing files', () => {
    // GIVEN
    const tree = synthesized();
    const secret = path.join(tree, 'argocd/platform/clusters/Secret.cluster-prod.yaml');
    fs.writeFileSync(secret, fs.readFileSync(secret, 'utf-8').replace('type: Opaque', 'type: Opaque\nimmutable: "yes"'));
    fs.rmSync(path.join(tree, 'bootstrap/Application.platform-root.yaml'));
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain('argocd/platform/clusters/Secret.cluster-prod.yaml: changed since it was synthesized');
    expect(result.err).toContain('argocd/platform/clusters/Secret.cluster-prod.yaml: schema: /immutable must be boolean');
    expect(result.err).toContain('bootstrap/Application.platform-root.yaml: missing (the manifest lists it)');
    expect(result.err).toMatch(/3 problem\(s\) in /);
  });

  test('files with the same bytes are checked once, and each is reported under its own path', () => {
    // GIVEN two workload files (as a variant shared by two clusters) with the same invalid object
    const tree = synthesized();
    const bad = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: 1\n';
    const files = new Map([['clusters/a/app/ConfigMap.c.yaml', bad], ['clusters/b/app/ConfigMap.c.yaml', bad]]);
    writeTree(tree, new Map([...Object.entries(readManifestFiles(tree)), ...files]));
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain('clusters/a/app/ConfigMap.c.yaml: schema: /data/a must be string');
    expect(result.err).toContain('clusters/b/app/ConfigMap.c.yaml: schema: /data/a must be string');
    expect(fs.statSync(path.join(tree, 'clusters/b/app/ConfigMap.c.yaml')).ino).toBe(fs.statSync(path.join(tree, 'clusters/a/app/ConfigMap.c.yaml')).ino);
  });

  test('reports an interrupted write', () => {
    // GIVEN a write killed before its commit (the hook throws where a kill would land)
    const tree = synthesized();
    const files = new Map([['clusters/x/y/ConfigMap.c.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n']]);
    expect(() => writeTree(tree, files, {
      hooks: step => {
        if (step === 'half-created') throw new Error('killed');
      },
    })).toThrow('killed');
    // WHEN
    const result = run('validate', tree);
    // THEN
    expect(result.code).toBe(1);
    expect(result.err).toContain('a write was interrupted before it was committed; the next synth rolls it back');
  });

  test('usage errors exit non-zero', () => {
    expect(run('validate').code).not.toBe(0);
    expect(run('nonsense').code).not.toBe(0);
    expect(run('validate', '/nonexistent/tree')).toEqual({ code: 1, out: '', err: '/nonexistent/tree: no such directory\n1 problem(s) in /nonexistent/tree\n' });
  });
});

/** GIVEN helper: a synthesized fleet; `variant` changes what a PR would change. */
function fleetTree(variant: { webTag?: string; dropCluster?: boolean; acknowledge?: boolean; extraRepo?: string } = {}): string {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'dev', { environment: 'dev' });
  if (!variant.dropCluster) addCluster(fleet, 'staging', { environment: 'staging' });
  const project = new AppProject(fleet, 'team', {
    destinations: [ProjectDestination.anyCluster('web')],
    sourceRepos: ['https://github.com/acme/gitops.git', 'https://charts.acme.io', ...(variant.extraRepo ? [variant.extraRepo] : [])],
  });
  new ApplicationSet(fleet, 'web', {
    generators: [new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }] })],
    template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', project, source: ApplicationSource.helm({ repoUrl: 'https://charts.acme.io', chart: 'web', version: variant.webTag ?? '1.0.0' }) },
  });
  if (variant.acknowledge) fleet.acknowledgeRemoval({ cluster: 'staging', application: '*', reason: 'staging is decommissioned (TICKET-42)' });
  return app.synthTree().outdir;
}

describe('cdk8s-fleet appset generate', () => {
  test('prints the Applications Argo CD would generate, from the cluster Secrets in Argo CD\'s format', () => {
    // GIVEN
    const tree = fleetTree();
    const clusters = ['dev', 'staging'].map(c => path.join(tree, `argocd/platform/clusters/Secret.cluster-${c}.yaml`));
    // WHEN
    const result = run('appset', 'generate', path.join(tree, 'argocd/platform/applicationsets/ApplicationSet.web.yaml'), '--clusters', ...clusters);
    // THEN
    expect(result.code).toBe(0);
    const apps = yaml.loadAll(result.out) as any[];
    expect(apps.map(a => a.metadata.name)).toEqual(['web-dev', 'web-staging']);
    expect(apps[0]).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'web-dev', namespace: 'argocd' },
      spec: {
        project: 'team',
        destination: { name: 'dev', namespace: 'web' },
        source: { repoURL: 'https://charts.acme.io', chart: 'web', targetRevision: '1.0.0' },
      },
    });
  });

  test('a generation Argo CD would fail exits 1 with Argo CD\'s message; rejected Applications go to stderr', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appset-'));
    const appSetFile = path.join(dir, 'appset.yaml');
    const secrets = path.join(dir, 'clusters.yaml');
    fs.writeFileSync(secrets, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: c1\n  labels:\n    argocd.argoproj.io/secret-type: cluster\nstringData:\n  name: c1\n  server: https://c1.example.com\n');
    const appSet = (name: string) => `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\n  namespace: argocd\nspec:\n  goTemplate: true\n  goTemplateOptions: ["missingkey=error"]\n  generators:\n  - clusters: {}\n  template:\n    metadata:\n      name: '${name}'\n    spec:\n      project: default\n      destination:\n        server: '{{.server}}'\n        namespace: x\n`;
    // WHEN a template reads a key that does not exist
    fs.writeFileSync(appSetFile, appSet('{{.nope}}'));
    const failed = run('appset', 'generate', appSetFile, '--clusters', secrets);
    // THEN
    expect(failed.code).toBe(1);
    expect(failed.out).toBe('');
    expect(failed.err).toBe('error: ApplicationSet s: error generating applications: failed to execute go template {{.nope}}: template: :1:2: executing "" at <.nope>: map has no entry for key "nope"\n');

    // WHEN every cluster yields the same name (in-cluster included: the selector is empty)
    fs.writeFileSync(appSetFile, appSet('same'));
    const duplicated = run('appset', 'generate', appSetFile, '--clusters', secrets);
    // THEN
    expect(duplicated).toEqual({ code: 0, out: '', err: 'warning: ApplicationSet s: Application same left out: ApplicationSet s contains applications with duplicate name: same\n' });
  });
});

describe('cdk8s-fleet plan and diff', () => {
  test('plan prints per cluster the Applications with chart versions; --json and --html', () => {
    // GIVEN
    const tree = fleetTree();
    const html = path.join(tree, '..', `plan-${path.basename(tree)}.html`);
    // WHEN
    const text = run('plan', tree, '--html', html);
    const json = JSON.parse(run('plan', tree, '--json').out);
    // THEN
    expect(text.code).toBe(0);
    expect(text.out).toContain('ApplicationSet web: 2 Applications on 2 clusters');
    expect(text.out).toContain('  staging (https://staging.k8s.example.com; environment=staging): 1 Applications\n    web-staging  project=team  namespace=web  helm web@1.0.0');
    expect(json.clusters.find((c: any) => c.name === 'dev').applications[0]).toEqual({
      name: 'web-dev',
      origin: 'ApplicationSet/web',
      project: 'team',
      namespace: 'web',
      clusterScoped: [],
      sources: [{ repoURL: 'https://charts.acme.io', chart: 'web', targetRevision: '1.0.0', images: [] }],
    });
    expect(fs.readFileSync(html, 'utf-8')).toContain('data-cluster="dev" data-app="web" data-status="same"');
  });

  test('diff reports version changes per cluster and permission changes as Markdown', () => {
    // GIVEN
    const base = fleetTree();
    const head = fleetTree({ webTag: '1.1.0', extraRepo: 'https://github.com/acme/other.git' });
    // WHEN
    const result = run('diff', base, head);
    // THEN
    expect(result.code).toBe(0);
    expect(result.out).toContain('### on 2 clusters: dev, staging\n\n- ✏️ **web-{cluster}**: chart web: 1.0.0 → 1.1.0\n');
    expect(result.out).toContain('### AppProject permissions\n\n- **team**: `sourceRepos + https://github.com/acme/other.git`');
    const json = JSON.parse(run('diff', base, head, '--json').out);
    expect(json.clusters.map((c: any) => c.cluster)).toEqual(['dev', 'staging']);
    expect(json.blockedRemovals).toEqual([]);
  });

  test('the deletion gate fails a change that removes Applications, unless the program acknowledges it', () => {
    // GIVEN a change that drops the staging cluster
    const base = fleetTree();
    const unacknowledged = fleetTree({ dropCluster: true });
    const acknowledged = fleetTree({ dropCluster: true, acknowledge: true });
    // WHEN
    const blocked = run('diff', base, unacknowledged);
    const allowed = run('diff', base, acknowledged);
    // THEN
    expect(blocked.code).toBe(1);
    expect(blocked.err).toContain('deletion gate: 1 Application removal(s) not acknowledged: staging/web-staging');
    expect(blocked.out).toContain('**Deletion gate: 1 Application removal(s) not acknowledged.**');
    expect(blocked.out).toContain('**Clusters that lose every Application:** staging');
    expect(blocked.out).toContain('### ApplicationSet cluster selection\n\n- **web**: loses staging');
    expect(allowed.code).toBe(0);
    expect(allowed.out).toContain('- ➖ **web-staging** (ApplicationSet/web) — acknowledged: staging is decommissioned (TICKET-42)');
  });

  test('validate runs the fleet proofs on a tree, with the waivers recorded in it', () => {
    // GIVEN trees written with proofs off: one ApplicationSet selects nothing, the other waives that
    const tree = (waived: boolean) => {
      const { app, fleet } = testFleet({}, { fleetProofs: false });
      addCluster(fleet, 'dev', { environment: 'dev' });
      new ApplicationSet(fleet, 'web', {
        generators: [new ClusterGenerator({ matchLabels: { environment: 'qa' } })],
        template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) },
        waivedProofs: waived ? [{ proof: FleetProof.SELECTS_CLUSTERS, reason: 'qa comes later' }] : undefined,
      });
      return app.synthTree().outdir;
    };
    // WHEN
    const failing = run('validate', tree(false));
    const waived = run('validate', tree(true));
    // THEN
    expect(failing.code).toBe(1);
    expect(failing.err).toContain("fleet proof: ApplicationSet 'web' generates no Applications: its generators select no cluster [selects-clusters]");
    expect(waived.code).toBe(0);
  });
});
