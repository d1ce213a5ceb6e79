import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { ApplicationSet, ApplicationSource, ClusterGenerator, ClusterMatch, TemplateParam, Workload } from '../../src';
import { application, clusterSecret as secretOf } from './fixtures/shard-objects';
import { modelFromEntries, readTreeModel } from '../../src/gitops/fleet-model';
import { computePlan } from '../../src/gitops/fleet-plan';
import { diffPlans } from '../../src/gitops/plan-diff';
import { planHtml } from '../../src/gitops/plan-html';
import { diffTrees } from '../../src/gitops/tree-diff';
import { addCluster, testFleet } from '../util';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The flags the machine needs: no sandbox as root, and no background networking on a closed network.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** GIVEN helper: a synthesized tree with an ApplicationSet over three clusters; `variant` is a PR's change. */
function tree(variant: { version?: string; withoutCluster?: string; prodReplicas?: number; prodEnv?: Record<string, string> } = {}): string {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  for (const c of ['dev', 'staging', 'prod']) if (c !== variant.withoutCluster) addCluster(fleet, c, { environment: c });
  new ApplicationSet(fleet, 'monitoring', {
    generators: [new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: 'Exists' as any }] })],
    template: {
      applicationName: `monitoring-${TemplateParam.clusterName()}`,
      destinationNamespace: 'monitoring',
      source: ApplicationSource.helm({ repoUrl: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: variant.version ?? '65.1.1' }),
    },
  });
  new Workload(fleet, 'web', {
    namespace: 'web',
    matchExpressions: [{ key: 'environment', operator: 'Exists' as any }],
    definition: {
      define: scope => {
        new kplus.Deployment(scope, 'web', { metadata: { name: 'web' }, replicas: 1, containers: [{ name: 'web', image: 'ghcr.io/acme/web:1.0.0', portNumber: 8080, securityContext: { ensureNonRoot: false } }] });
      },
    },
    overrides: [{ match: ClusterMatch.environment('prod'), settings: { replicas: variant.prodReplicas ?? 2, env: variant.prodEnv ?? {} } }],
  });
  if (variant.withoutCluster) fleet.acknowledgeRemoval({ cluster: variant.withoutCluster, application: '*', reason: 'decommissioned' });
  return app.synthTree().outdir;
}

function chromium(args: string[]): string {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const result = spawnSync(CHROMIUM, [...FLAGS, `--user-data-dir=${userDataDir}`, ...args], { encoding: 'utf-8', timeout: 60_000 });
  if (result.error) {
    throw new Error(`cannot run ${CHROMIUM} (${result.error.message}); install Debian's chromium (apt-get install chromium), as .ci/run does`);
  }
  if (result.status !== 0) throw new Error(`chromium exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

describe('plan --html --base in a real browser (Debian chromium): the review page', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-html-'));
  const page = path.join(dir, 'plan.html');

  beforeAll(() => {
    // GIVEN a base tree and a change that upgrades the chart, removes the dev cluster, and gives production
    // more web replicas and a new env var
    const d = diffTrees(tree(), tree({ version: '66.0.0', withoutCluster: 'dev', prodReplicas: 3, prodEnv: { CACHE_URL: 'redis://cache:6379' } }), { fullPlans: true });
    // WHEN
    fs.writeFileSync(page, planHtml(d.head, d.base, d.diff));
  });

  test('the browser renders the matrix with changes highlighted, and a changed cell holds its objects\' field diffs', () => {
    // WHEN chromium loads the page and serializes the DOM it built
    const dom = chromium(['--dump-dom', `file://${page}`]);
    // THEN the matrix
    expect(dom).toContain('<table id="plan">');
    expect(dom).toMatch(/<td class="removed" data-cluster="dev" data-app="monitoring" data-status="removed"/);
    expect(dom).toContain('<span class="changed">3 changed</span>');
    expect(dom).toContain('<span class="removed">2 removed</span>');
    // … a version change opens the Application's field change
    const monitoring = cellOf(dom, 'prod', 'monitoring');
    expect(monitoring).toMatch(/^<td class="changed" [^>]*><details><summary>kube-prometheus-stack 65.1.1 → kube-prometheus-stack 66.0.0 <small>\(1 object\)<\/small><\/summary>/);
    expect(monitoring).toContain('<code>spec.source.targetRevision: 65.1.1 → 66.0.0</code>');
    // … and a cell whose version did not change but whose objects did opens the object's field diffs
    const web = cellOf(dom, 'prod', 'web');
    expect(web).toMatch(/^<td class="changed" [^>]*><details><summary>web:1.0.0 <small>\(1 object\)<\/small><\/summary>/);
    expect(web).toContain('<li class="object" data-kind="Deployment" data-name="web/web" data-status="changed">✎ Deployment <code>web/web</code><ul>');
    expect(web).toContain('<li><code>spec.replicas: 2 → 3</code></li>');
    expect(web).toContain('<li><code>spec.template.spec.containers[web].env[CACHE_URL]: added = {name: CACHE_URL, value: redis://cache:6379}</code></li>');
    // … unchanged cells stay plain
    expect(cellOf(dom, 'staging', 'web')).toMatch(/^<td class="same" [^>]*>web:1.0.0<\/td>$/);
    // … and the inline filter script ran (the Content-Security-Policy allows exactly it): the box is shown
    expect(dom).toMatch(/<input id="filter" type="search" placeholder="filter clusters and applications" aria-label="filter clusters and applications">/);
  });

  test('the filter box: a link with #filter= shows only the matching clusters, or the matching applications', () => {
    // WHEN
    const byCluster = chromium(['--dump-dom', `file://${page}#filter=stag`]);
    const byApp = chromium(['--dump-dom', `file://${page}#filter=monitor`]);
    // THEN
    expect(byCluster).toMatch(/<tr data-cluster="staging">/);
    expect(byCluster).toMatch(/<tr data-cluster="prod" hidden="">/);
    expect(byApp).toMatch(/<tr data-cluster="prod">/);
    expect(byApp).toMatch(/<th scope="col" data-app="web" hidden="">web<\/th>/);
    expect(byApp).toMatch(/<th scope="col" data-app="monitoring">monitoring<\/th>/);
  });

  test('the page is self-contained and renders to a screenshot with a cell opened', () => {
    // THEN nothing is loaded from anywhere: no external resource, and a policy that forbids them
    const html = fs.readFileSync(page, 'utf-8');
    expect(html).not.toMatch(/<link|\ssrc=|\shref=|url\(|@import|<iframe|<object|<embed/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'">/);
    // WHEN a copy with the changed cells open is rendered
    const opened = path.join(dir, 'plan-open.html');
    fs.writeFileSync(opened, html.replace(/<details>/g, '<details open>'));
    const png = path.join(dir, 'plan.png');
    chromium([`--screenshot=${png}`, '--window-size=1400,900', `file://${opened}`]);
    // THEN a PNG of the page
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(20_000);
  });

  test('without a base, the page is the plain matrix', () => {
    const html = planHtml(computePlan(readTreeModel(tree())));
    expect(html).toMatch(/<td class="same" data-cluster="prod" data-app="monitoring" data-status="same" title="[^"]*">kube-prometheus-stack 65.1.1<\/td>/);
    expect(html).not.toContain('<details>');
  });
});

/** The serialized `<td>` of one cell. */
function cellOf(dom: string, cluster: string, app: string): string {
  const start = dom.indexOf(`data-cluster="${cluster}" data-app="${app}"`);
  const open = dom.lastIndexOf('<td', start);
  return dom.slice(open, dom.indexOf('</td>', start) + 5);
}

describe('the review page\'s controller-shard section', () => {
  const clusterSecret = (name: string, shard?: string) => secretOf(name, shard, String(name.length));
  function planOf(objects: any[], options = {}) {
    return computePlan(modelFromEntries(objects.map((object, i) => ({ path: `argocd/f/${i}.yaml`, object }))), [], options);
  }
  const EVIL = '<img src=x onerror="alert(1)">&amp;';

  test('GIVEN a plan with shards WHEN rendered THEN the section lists Applications and clusters per shard, the unpinned clusters and the warnings', () => {
    // GIVEN
    const plan = planOf([clusterSecret('a', '0'), clusterSecret('bb', '0'), clusterSecret('ccc'), clusterSecret('dddd', '7'),
      application('x', 'a'), application('y', 'bb'), application('z', 'bb')], { replicas: 2, maxApplicationsPerShard: 2 });
    // WHEN
    const html = planHtml(plan);
    // THEN
    expect(html).toContain('<section id="controller-shards">\n<h2>Controller shards (2 replicas, at most 2 Applications each)</h2>');
    expect(html).toContain('<tr data-shard="0" class="over"><th scope="row">0</th><td><details><summary>3 clusters</summary>a, bb, dddd</details></td><td>3 Applications — above the limit</td></tr>');
    expect(html).toContain('<tr data-shard="1"><th scope="row">1</th><td>0 clusters</td><td>0 Applications</td></tr>');
    expect(html).toContain('Not pinned (placed by the controller\'s algorithm): <details><summary>1 cluster</summary>ccc</details>');
    expect(html).toContain("<li>cluster 'dddd': shard 7 is outside 0–1; Argo CD's controller reconciles the cluster on shard 0</li><li>shard 0 reconciles 3 Applications, more than the limit of 2</li>");
    // … and a plan without shards has no section
    expect(planHtml(planOf([clusterSecret('a')]))).not.toContain('controller-shards');
  });

  test('GIVEN cluster names with markup WHEN rendered, alone or against a base THEN every one is escaped', () => {
    // GIVEN a cluster whose name (read from the tree) is markup, pinned, moved and warned about
    const base = planOf([clusterSecret(EVIL, '0'), clusterSecret('ok', '1'), application('x', EVIL)], { replicas: 2, maxApplicationsPerShard: 5 });
    const head = planOf([clusterSecret(EVIL, '9'), clusterSecret('ok', '1'), application('x', EVIL)], { replicas: 2, maxApplicationsPerShard: 5 });
    const diff = diffPlans(base, head, []);
    expect(diff.shardMoves).toEqual([]); // 9 ≥ 2 replicas: still shard 0
    const moved = diffPlans(base, planOf([clusterSecret(EVIL, '1'), clusterSecret('ok', '1'), application('x', EVIL)], { replicas: 2 }), []);
    // WHEN
    for (const html of [planHtml(head), planHtml(head, base, diff), planHtml(head, base, moved)]) {
      const section = html.slice(html.indexOf('<section id="controller-shards">'), html.indexOf('</section>') + 10);
      // THEN no markup from the tree survives, and the name is there escaped
      expect(section).not.toContain('<img');
      expect(section).not.toContain('"alert');
      expect(section).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;');
    }
    expect(planHtml(head, base, moved)).toContain('<li>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;: shard 0 → shard 1</li>');
  });

  test('GIVEN arbitrary cluster names and shards THEN the section holds no markup but its own', () => {
    const ours = /<\/?(?:section|h2|h3|table|thead|tbody|tr|th|td|details|summary|del|div|strong|ul|li)(?: (?:id|class|scope|data-shard)="[a-z0-9 -]*")*>/g;
    const shard = fc.option(fc.oneof(fc.integer({ min: -2, max: 5 }).map(String), fc.string({ maxLength: 3 })));
    const clusters = fc.uniqueArray(fc.record({ name: fc.string({ minLength: 1, maxLength: 12 }), shard }), { selector: c => c.name, maxLength: 6 });
    fc.assert(fc.property(clusters, clusters, (before, after) => {
      const objects = (cs: typeof before) => cs.flatMap(c => [
        { ...clusterSecret(c.name, c.shard ?? undefined), metadata: { name: `s${cs.indexOf(c)}`, namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'cluster' } } },
        application(`a${cs.indexOf(c)}`, c.name),
      ]);
      const base = planOf(objects(before), { replicas: 3, maxApplicationsPerShard: 1 });
      const head = planOf(objects(after), { replicas: 3, maxApplicationsPerShard: 1 });
      const html = planHtml(head, base, diffPlans(base, head, []));
      const section = html.slice(html.indexOf('<section id="controller-shards">'), html.indexOf('</section>') + 10);
      expect(section.replace(ours, '')).not.toMatch(/[<>"]/);
    }), { numRuns: 200 });
  });

  test('GIVEN a diff with shard moves WHEN chromium renders the page THEN the shard table and the moves are in the DOM', () => {
    // GIVEN
    const base = planOf([clusterSecret('a', '0'), clusterSecret('b', '1'), application('x', 'a'), application('y', 'b')], { replicas: 2, maxApplicationsPerShard: 1 });
    const head = planOf([clusterSecret('a', '1'), clusterSecret('b', '1'), application('x', 'a'), application('y', 'b')], { replicas: 2, maxApplicationsPerShard: 1 });
    const page = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plan-shards-')), 'plan.html');
    fs.writeFileSync(page, planHtml(head, base, diffPlans(base, head, [])));
    // WHEN
    const dom = chromium(['--dump-dom', `file://${page}`]);
    // THEN
    expect(dom).toContain('<table id="shards">');
    expect(dom).toContain('<tr data-shard="1" class="changed over"><th scope="row">1</th><td><details><summary>1 → 2 clusters</summary>a, b</details></td><td>1 → 2 Applications — above the limit</td></tr>');
    expect(dom).toContain('<li class="new"><strong>new:</strong> shard 1 reconciles 2 Applications, more than the limit of 1</li>');
    expect(dom).toContain('<li>a: shard 0 → shard 1</li>');
  });
});
