import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { AppProject, ApplicationSet, ApplicationSource, ClusterGenerator, FleetProof, LabelSelectorOperator, ProjectDestination, TemplateParam } from '../../src';
import { CliIo, main } from '../../src/cli/main';
import * as validateModule from '../../src/cli/validate';
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

  test('usage errors exit 2 with a message', () => {
    expect(run('validate')).toEqual({ code: 2, out: '', err: "error: missing required argument 'tree'\n" });
    expect(run('nonsense')).toEqual({ code: 2, out: '', err: "error: unknown command 'nonsense'\n" });
    const bare = run();
    expect(bare.code).toBe(2);
    expect(bare.err).toMatch(/^Usage: cdk8s-fleet \[options\] \[command\]/);
    expect(run('validate', '/nonexistent/tree')).toEqual({ code: 2, out: '', err: 'error: /nonexistent/tree: no such directory (the tree to read)\n' });
  });

  test('--json prints the verdict as data', () => {
    // GIVEN
    const tree = synthesized();
    // WHEN
    const valid = run('validate', tree, '--json');
    fs.rmSync(path.join(tree, 'bootstrap/Application.platform-root.yaml'));
    const invalid = run('validate', tree, '--json');
    // THEN
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.out)).toEqual({ tree, valid: true, checked: 2, problems: [] });
    expect(invalid.code).toBe(1);
    expect(invalid.err).toBe('');
    expect(JSON.parse(invalid.out)).toEqual({ tree, valid: false, checked: 2, problems: ['bootstrap/Application.platform-root.yaml: missing (the manifest lists it)'] });
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
    expect(failed.err).toBe('error: ApplicationSet s: error generating applications: failed to execute go template {{.nope}}: template: base:1:2: executing "base" at <.nope>: map has no entry for key "nope"\n');

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

describe('every failure says what went wrong, on one line of stderr, with the documented exit code', () => {
  const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cli-failures-'));
  const CLUSTER = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: c1\n  labels:\n    argocd.argoproj.io/secret-type: cluster\nstringData:\n  name: c1\n  server: https://c1.example.com\n';
  const APPSET = 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  generators:\n  - clusters: {}\n  template:\n    metadata:\n      name: "{{name}}"\n    spec:\n      project: default\n      destination:\n        server: "{{server}}"\n        namespace: x\n';
  /** Writes files into a fresh directory and returns their paths. */
  function files(contents: Record<string, string | Buffer>): Record<string, string> {
    const d = dir();
    const out: Record<string, string> = {};
    for (const [name, content] of Object.entries(contents)) {
      out[name] = path.join(d, name);
      fs.writeFileSync(out[name], content);
    }
    return out;
  }

  test.each([
    ['appset generate: the ApplicationSet file is missing', () => {
      const f = files({ 'clusters.yaml': CLUSTER });
      return { args: ['appset', 'generate', '/nonexistent/appset.yaml', '--clusters', f['clusters.yaml']], line: 'error: ApplicationSet file /nonexistent/appset.yaml: no such file' };
    }],
    ['appset generate: a --clusters file is missing', () => {
      const f = files({ 'appset.yaml': APPSET });
      return { args: ['appset', 'generate', f['appset.yaml'], '--clusters', '/nonexistent/clusters.yaml'], line: 'error: cluster Secret file /nonexistent/clusters.yaml: no such file' };
    }],
    ['appset generate: malformed YAML, with line and column', () => {
      const f = files({ 'appset.yaml': 'kind: ApplicationSet\nspec:\n  generators: [\n', 'clusters.yaml': CLUSTER });
      return { args: ['appset', 'generate', f['appset.yaml'], '--clusters', f['clusters.yaml']], line: `error: ${f['appset.yaml']}:4:1: unexpected end of the stream within a flow collection` };
    }],
    ['appset generate: a duplicated mapping key', () => {
      const f = files({ 'appset.yaml': APPSET, 'clusters.yaml': CLUSTER.replace('  name: c1\n  server', '  name: c1\n  name: c2\n  server') });
      return { args: ['appset', 'generate', f['appset.yaml'], '--clusters', f['clusters.yaml']], line: `error: ${f['clusters.yaml']}:9:3: duplicated mapping key` };
    }],
    ['appset generate: binary garbage', () => {
      const f = files({ 'appset.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0xff]), 'clusters.yaml': CLUSTER });
      return { args: ['appset', 'generate', f['appset.yaml'], '--clusters', f['clusters.yaml']], line: `error: ApplicationSet file ${f['appset.yaml']}: binary content (a NUL byte at offset 6), not YAML text` };
    }],
    ['plan --html into a missing directory', () => {
      const tree = fleetTree();
      return { args: ['plan', tree, '--html', '/nonexistent/dir/plan.html'], line: 'error: cannot write /nonexistent/dir/plan.html: directory /nonexistent/dir does not exist' };
    }],
    ['promote: the versions file is missing', () => ({ args: ['promote', 'api', '--from', 'a', '--to', 'b', '--file', '/nonexistent/versions.yaml'], line: 'error: versions file /nonexistent/versions.yaml: no such file' })],
    ['promote: the versions file has a duplicated key', () => {
      const f = files({ 'versions.yaml': 'environments: [a, b]\nversions:\n  api:\n    a: "1"\n    a: "2"\n' });
      return { args: ['promote', 'api', '--from', 'a', '--to', 'b', '--file', f['versions.yaml']], line: `error: ${f['versions.yaml']}:5:5: duplicated mapping key` };
    }],
    ['validate: not a directory', () => {
      const f = files({ 'x.yaml': 'a: 1\n' });
      return { args: ['validate', f['x.yaml']], line: `error: ${f['x.yaml']}: not a directory (the tree to read)` };
    }],
    ['init: a directory that is not empty', () => {
      const f = files({ 'x.yaml': 'a: 1\n' });
      const d = path.dirname(f['x.yaml']);
      return { args: ['init', d], line: `error: ${d}: not empty (x.yaml); give an empty or new directory, or --force to write into it` };
    }],
    ['an unknown option', () => ({ args: ['validate', '.', '--bogus'], line: "error: unknown option '--bogus'" })],
    ['a missing required option', () => ({ args: ['appset', 'generate', 'x.yaml'], line: "error: required option '--clusters <file...>' not specified" })],
  ])('%s', (_name, given) => {
    // GIVEN
    const { args, line } = given();
    // WHEN
    const result = run(...args);
    // THEN one line on stderr, starting with the expected text, exit code 2, no stack
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.err.startsWith(line)).toBe(true);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  test('an unexpected failure prints its message, and its stack only with --debug', () => {
    // GIVEN a command that fails unexpectedly
    const spy = jest.spyOn(validateModule, 'validateTree').mockImplementation(() => {
      throw new TypeError('something broke');
    });
    try {
      const tree = dir();
      // WHEN
      const plain = run('validate', tree);
      const debug = run('validate', tree, '--debug');
      // THEN
      expect(plain).toEqual({ code: 2, out: '', err: 'error: something broke\n' });
      expect(debug.code).toBe(2);
      expect(debug.err).toMatch(/^error: something broke\nTypeError: something broke\n\s+at /);
    } finally {
      spy.mockRestore();
    }
  });

  test('--version prints the package version; --help exits 0', () => {
    const version = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf-8')).version;
    expect(run('--version')).toEqual({ code: 0, out: `${version}\n`, err: '' });
    expect(run('-V').out).toBe(`${version}\n`);
    const help = run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Exit codes: 0 success, 1 findings (validation problems, blocked deletions, failing generation), 2 usage or input errors.');
    // promote's own --version is not the program's
    expect(run('promote', 'api', '--from', 'a', '--to', 'b', '--version', '1.2.3', '--file', '/nonexistent/v.yaml').err)
      .toBe('error: versions file /nonexistent/v.yaml: no such file\n');
  });

  test('colour only on a terminal, never with NO_COLOR; FORCE_COLOR turns it on elsewhere', () => {
    const runWith = (io: Partial<CliIo>, ...args: string[]) => {
      let err = '';
      const code = main(args, { out: () => undefined, err: t => { err += t; }, ...io });
      return { code, err };
    };
    expect(runWith({ errIsTty: true, env: {} }, 'validate', '/nonexistent').err).toBe('\x1b[31m\x1b[1merror:\x1b[22m\x1b[39m /nonexistent: no such directory (the tree to read)\n');
    expect(runWith({ errIsTty: true, env: { NO_COLOR: '1' } }, 'validate', '/nonexistent').err).toBe('error: /nonexistent: no such directory (the tree to read)\n');
    expect(runWith({ errIsTty: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }, 'validate', '/nonexistent').err).not.toContain('\x1b');
    expect(runWith({ errIsTty: false, env: { FORCE_COLOR: '1' } }, 'validate', '/nonexistent').err).toContain('\x1b[31m');
    expect(runWith({ errIsTty: false, env: {} }, 'validate', '/nonexistent').err).not.toContain('\x1b');
    expect(runWith({ errIsTty: true, env: {} }, 'nonsense').err).toBe("\x1b[31m\x1b[1merror:\x1b[22m\x1b[39m unknown command 'nonsense'\n");
  });

  test('appset generate --json prints the Applications as a JSON array', () => {
    // GIVEN
    const f = files({ 'appset.yaml': APPSET, 'clusters.yaml': CLUSTER });
    // WHEN
    const result = run('appset', 'generate', f['appset.yaml'], '--clusters', f['clusters.yaml'], '--json');
    // THEN
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out).map((a: any) => a.metadata.name)).toEqual(['c1', 'in-cluster']);
  });
});
