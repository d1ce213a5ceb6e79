import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateFleet } from '../../bench/fleet-generator';
import { main } from '../../src/cli/main';
import { diffCommand, planCommand } from '../../src/cli/plan';
import { diffMarkdown, MARKDOWN_BUDGET } from '../../src/gitops/diff-report';
import { FleetDiff } from '../../src/gitops/plan-diff';
import { InputError } from '../../src/private/yaml-input';

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

/** GIVEN helper: a generated fleet (bench/fleet-generator.ts), the production clusters' `app-000` changed in `changed`. */
function fleet(clusters: number, changed = false): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'diff-cli-'));
  generateFleet({ clusters, apps: 2, outdir, changed: changed ? (c, a) => c % 3 === 2 && a === 0 : undefined }).synthTree();
  return outdir;
}

const BASE = fleet(38);
const HEAD = fleet(38, true);

describe('cdk8s-fleet diff', () => {
  test('the same change on many clusters is one section listing them', () => {
    // WHEN
    const result = run('diff', BASE, HEAD);
    // THEN the 12 production clusters, folded, with the three changed objects
    const production = Array.from({ length: 38 }, (_, c) => c).filter(c => c % 3 === 2).map(c => `cluster-${String(c).padStart(4, '0')}`);
    expect(result.code).toBe(0);
    expect(result.out).toContain('**Summary:** 12 cluster(s) touched · objects: 0 added, 36 changed, 0 removed · 12 Application(s) affected · 36 of 496 files differ');
    expect(result.out).toContain(`### on 12 clusters: ${production.join(', ')}\n\n- ✏️ **app-000-{cluster}**\n`);
    expect(result.out).toContain([
      '  - ✏️ ConfigMap `app-000/app-000`', '    - `data.LOG_LEVEL: info → debug`',
      '  - ✏️ Deployment `app-000/app-000`', '    - `spec.replicas: 3 → 4`',
      '  - ✏️ Service `app-000/app-000`', '    - `spec.ports[http].port: 80 → 8080`', '',
    ].join('\n'));
    expect(result.out).not.toContain('cluster-0000');
  });

  test('--json: the documented shape', () => {
    // WHEN
    const json = JSON.parse(run('diff', BASE, HEAD, '--json').out);
    // THEN
    expect(json.version).toBe(1);
    expect(json.summary).toEqual({
      clustersTouched: 12,
      objectsAdded: 0,
      objectsChanged: 36,
      objectsRemoved: 0,
      applicationsAffected: 12,
      files: { base: 496, head: 496, changed: 36 },
    });
    const cluster = json.clusters.find((c: any) => c.cluster === 'cluster-0002');
    expect(cluster).toMatchObject({ cluster: 'cluster-0002', status: 'changed', added: [], removed: [], changed: [], clusterScopedAdded: [] });
    expect(cluster.objects).toEqual([{
      application: 'app-000-cluster-0002',
      fleet: 'bench',
      column: 'app-000',
      objects: expect.arrayContaining([{
        status: 'changed',
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: 'app-000',
        name: 'app-000',
        file: 'clusters/cluster-0002/app-000/Deployment.app-000.yaml',
        fields: [{ path: 'spec.replicas', segments: ['spec', 'replicas'], change: 'changed', before: 3, after: 4 }],
      }]),
    }]);
    expect(Object.keys(json)).toEqual(['version', 'summary', 'clusters', 'fleet', 'unattributed', 'projects', 'selections', 'removals',
      'blockedRemovals', 'emptiedClusters', 'failingApplicationSets', 'unusedAcknowledgements', 'shardMoves', 'shards', 'problems', 'disasterRecovery']);
  });

  test('--exit-code: 1 when there are differences, 0 when there are none', () => {
    expect(run('diff', BASE, HEAD, '--exit-code').code).toBe(1);
    expect(run('diff', BASE, BASE, '--exit-code')).toMatchObject({ code: 0, out: expect.stringContaining('No changes: both trees render the same objects on every cluster (496 files compared).') });
    expect(run('diff', BASE, HEAD).code).toBe(0);
  });

  test('a directory that is not a tree is refused with exit code 2, naming what is missing', () => {
    // GIVEN
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-tree-'));
    // THEN
    expect(() => diffCommand(empty, HEAD, {})).toThrow(new InputError(`base ${empty}: not a cdk8s-fleet tree (no .cdk8s-fleet/manifest.json; pass the directory a FleetApp synthesized into)`));
    expect(run('diff', empty, HEAD).code).toBe(2);
    expect(() => planCommand(path.join(empty, 'nope'), {})).toThrow(`tree ${path.join(empty, 'nope')}: no such directory`);
  });

  test('onProgress hears about long work', () => {
    const messages: string[] = [];
    diffCommand(BASE, HEAD, { onProgress: m => messages.push(m) });
    expect(messages[0]).toBe(`reading ${BASE}`);
    expect(messages).toContain('36 of 496 files differ; comparing objects');
    expect(messages[messages.length - 1]).toBe('diff complete');
  });
});

describe('cdk8s-fleet plan --base', () => {
  test('without --html: the plan, then the changes in text', () => {
    // WHEN
    const result = run('plan', HEAD, '--base', BASE);
    // THEN
    expect(result.code).toBe(0);
    // 38 clusters and the hub (in-cluster, where the root Application goes)
    expect(result.out).toMatch(/^Plan: 39 clusters, 77 Applications/);
    expect(result.out).toContain(`Changes against ${BASE}:\n\ncdk8s-fleet diff\n\nSummary: 12 cluster(s) touched`);
    expect(result.out).toContain('    - spec.replicas: 3 → 4\n');
    expect(result.out).not.toMatch(/<details>|\*\*|`/);
  });

  test('--json adds the changes in the diff\'s JSON shape', () => {
    const json = JSON.parse(run('plan', HEAD, '--base', BASE, '--json').out);
    expect(json.clusters).toHaveLength(39);
    expect(json.changes.summary.clustersTouched).toBe(12);
  });

  test('--html into a directory that does not exist is refused before any work', () => {
    const file = path.join(os.tmpdir(), 'no-such-dir-for-plan', 'plan.html');
    expect(() => planCommand(HEAD, { html: file })).toThrow(`cannot write ${file}: directory ${path.dirname(file)} does not exist`);
  });
});

describe('diffMarkdown for a PR comment', () => {
  test('stays under GitHub\'s comment limit: past the budget, sections lose their field details and say so', () => {
    // GIVEN 400 clusters, each with its own long change (nothing folds)
    const diff: FleetDiff = {
      clusters: [],
      projects: [],
      selections: [],
      removals: [],
      blockedRemovals: [],
      emptiedClusters: [],
      failingApplicationSets: [],
      unusedAcknowledgements: [],
      objects: {
        clusters: Array.from({ length: 400 }, (_, i) => ({
          cluster: `c${i}`,
          applications: [{
            application: `web-c${i}`,
            fleet: 'platform',
            column: 'web',
            objects: [{
              status: 'changed' as const,
              apiVersion: 'v1',
              kind: 'ConfigMap',
              namespace: 'web',
              name: 'web',
              file: `clusters/c${i}/web/ConfigMap.web.yaml`,
              fields: [{ path: ['data', 'X'], change: 'changed' as const, before: 'a'.repeat(150), after: `${i}`.repeat(100) }],
            }],
          }],
        })),
        fleet: [],
        unattributed: [],
        problems: [],
        files: { base: 400, head: 400, changed: 400 },
      },
    };
    // WHEN
    const md = diffMarkdown(diff);
    // THEN
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('### c0\n\n- ✏️ **web-c0**\n  - ✏️ ConfigMap `web/web`\n    - `data.X: aaaa');
    expect(md).toMatch(/### c\d+\n\n1 Application\(s\): 1 object\(s\) changed\n/);
    expect(md).toMatch(/\*\*Also changed \(\d+ cluster\(s\), left out for size\):\*\* c\d+, .*c99/);
    expect(md).toMatch(/_To keep this comment under GitHub's size limit, \d+ section\(s\) are shown without their field changes and \d+ section\(s\) are left out; `cdk8s-fleet diff --json` and `cdk8s-fleet plan --html` have everything._\n$/);
    void MARKDOWN_BUDGET;
  });
});
