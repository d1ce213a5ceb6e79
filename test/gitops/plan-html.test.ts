import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApplicationSet, ApplicationSource, ClusterGenerator, TemplateParam } from '../../src';
import { readTreeModel } from '../../src/gitops/fleet-model';
import { computePlan } from '../../src/gitops/fleet-plan';
import { planHtml } from '../../src/gitops/plan-html';
import { addCluster, testFleet } from '../util';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// The flags the machine needs: no sandbox as root, and no background networking on a closed network.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** GIVEN helper: a synthesized tree with an ApplicationSet over three clusters; `variant` is a PR's change. */
function tree(variant: { version?: string; withoutCluster?: string } = {}): string {
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

describe('plan --html in a real browser (Debian chromium)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-html-'));
  const page = path.join(dir, 'plan.html');

  beforeAll(() => {
    // GIVEN a base tree and a change that upgrades the chart and removes the dev cluster
    const base = computePlan(readTreeModel(tree()));
    const head = computePlan(readTreeModel(tree({ version: '66.0.0', withoutCluster: 'dev' })));
    // WHEN
    fs.writeFileSync(page, planHtml(head, base));
  });

  test('the browser renders the cluster × application matrix with changes highlighted', () => {
    // WHEN chromium loads the page and serializes the DOM it built
    const dom = chromium(['--dump-dom', `file://${page}`]);
    // THEN
    expect(dom).toContain('<table id="plan">');
    expect(dom).toMatch(/<td class="changed" data-cluster="prod" data-app="monitoring" data-status="changed" title="[^"]*">kube-prometheus-stack 65.1.1 → kube-prometheus-stack 66.0.0<\/td>/);
    expect(dom).toMatch(/<td class="removed" data-cluster="dev" data-app="monitoring" data-status="removed"/);
    expect(dom).toContain('<span class="changed">2 changed</span>');
    expect(dom).toContain('<span class="removed">1 removed</span>');
  });

  test('the page is self-contained and renders to a screenshot', () => {
    // THEN no scripts and no external resources
    const html = fs.readFileSync(page, 'utf-8');
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!prometheus)/);
    // WHEN
    const png = path.join(dir, 'plan.png');
    chromium([`--screenshot=${png}`, '--window-size=1200,600', `file://${page}`]);
    // THEN a PNG of the page
    const bytes = fs.readFileSync(png);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(bytes.length).toBeGreaterThan(10_000);
  });
});
