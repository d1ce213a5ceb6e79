import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, TemplateParam } from '../../src';
import { CliError } from '../../src/cli/errors';
import { main } from '../../src/cli/main';
import { boundedInteger, MAX_CONTROLLER_REPLICAS } from '../../src/cli/shard-options';
import { testFleet } from '../util';

// `--controller-replicas` and `--max-shard-applications`: one definition for `plan` and `diff`, parsed with
// the command line (usage errors, exit 2, before any tree is read), and the shard sections they change.

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

/** GIVEN helper: clusters pinned to shards (name → shard), each running `apps` Applications of one ApplicationSet per index. */
function tree(shards: Record<string, number>, apps = 1, extraOn?: string): string {
  const { app, fleet } = testFleet();
  for (const [name, shard] of Object.entries(shards)) {
    fleet.addCluster(name, { server: `https://${name}.example.com`, labels: { env: 'prod', ...(name === extraOn ? { extra: 'yes' } : {}) }, shard, credentials: ClusterCredentials.awsIam({ clusterName: name }) });
  }
  for (let i = 0; i < apps; i++) {
    new ApplicationSet(fleet, `app${i}`, {
      generators: [new ClusterGenerator({ matchLabels: { env: 'prod' } })],
      template: { applicationName: `app${i}-${TemplateParam.clusterName()}`, destinationNamespace: `app${i}`, source: ApplicationSource.git({ path: `app${i}` }) },
    });
  }
  if (extraOn) {
    for (let i = 0; i < 3; i++) {
      new ApplicationSet(fleet, `extra${i}`, {
        generators: [new ClusterGenerator({ matchLabels: { extra: 'yes' } })],
        template: { applicationName: `extra${i}-${TemplateParam.clusterName()}`, destinationNamespace: `extra${i}`, source: ApplicationSource.git({ path: `extra${i}` }) },
      });
    }
  }
  return app.synthTree().outdir;
}

describe('the shard options', () => {
  test.each([
    ['0', "--controller-replicas ('0') must be an integer from 1 to 1000"],
    ['abc', "--controller-replicas ('abc') must be an integer from 1 to 1000"],
    ['1001', "--controller-replicas ('1001') must be an integer from 1 to 1000"],
    ['99999999999999999999999', "--controller-replicas ('99999999999999999999999') must be an integer from 1 to 1000"],
    ['1.5', "--controller-replicas ('1.5') must be an integer from 1 to 1000"],
    [' 4', "--controller-replicas (' 4') must be an integer from 1 to 1000"],
    ['', "--controller-replicas ('') must be an integer from 1 to 1000"],
  ])('GIVEN --controller-replicas %j THEN plan and diff exit 2 naming the option and the value, reading no tree', (value, message) => {
    // GIVEN trees that do not exist: the option is refused first
    for (const args of [['plan', '/nonexistent/tree'], ['diff', '/nonexistent/base', '/nonexistent/head'], ['plan', '/nonexistent/tree', '--base', '/nonexistent/base']]) {
      // WHEN
      const result = run(...args, '--controller-replicas', value);
      // THEN
      expect(result).toEqual({ code: 2, out: '', err: `error: ${message}\n` });
    }
  });

  test('GIVEN a bad --max-shard-applications THEN a usage error names it; the bound is a billion', () => {
    expect(run('diff', '/x', '/y', '--max-shard-applications', '-5')).toEqual({ code: 2, out: '', err: "error: --max-shard-applications ('-5') must be an integer from 1 to 1000000000\n" });
    expect(run('plan', '/x', '--max-shard-applications=1e3')).toEqual({ code: 2, out: '', err: "error: --max-shard-applications ('1e3') must be an integer from 1 to 1000000000\n" });
    expect(() => boundedInteger('--max-shard-applications', '1000000001', 1_000_000_000)).toThrow("--max-shard-applications ('1000000001') must be an integer from 1 to 1000000000");
  });

  test('GIVEN a value far too long THEN the message shows it truncated', () => {
    const result = run('plan', '/x', '--controller-replicas', '9'.repeat(5000));
    expect(result.code).toBe(2);
    expect(result.err.length).toBeLessThan(300);
    expect(result.err).toMatch(/^error: --controller-replicas \('9+…' \(5000 chars\)\) must be an integer from 1 to 1000\n$/);
  });

  test('GIVEN good values THEN they are read as numbers, leading zeros as Argo CD reads them', () => {
    expect(boundedInteger('--controller-replicas', '4', MAX_CONTROLLER_REPLICAS)).toBe(4);
    expect(boundedInteger('--controller-replicas', '0004', MAX_CONTROLLER_REPLICAS)).toBe(4);
    expect(boundedInteger('--controller-replicas', '1000', MAX_CONTROLLER_REPLICAS)).toBe(1000);
    expect(boundedInteger('--controller-replicas', `${'0'.repeat(40)}7`, MAX_CONTROLLER_REPLICAS)).toBe(7);
  });

  test('GIVEN any string THEN it is either an integer from 1 to the bound, read exactly, or a usage error naming it', () => {
    const candidates = fc.oneof(fc.string(), fc.integer().map(String), fc.bigInt().map(String), fc.stringMatching(/^[0-9]{1,25}$/), fc.stringMatching(/^0{10,30}[0-9]{1,4}$/));
    fc.assert(fc.property(candidates, fc.integer({ min: 1, max: 1_000_000_000 }), (value, max) => {
      let n: number | undefined;
      try {
        n = boundedInteger('--opt', value, max);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(2);
        expect((e as Error).message).toMatch(new RegExp(`^--opt \\(.*\\) must be an integer from 1 to ${max}$`, 's'));
        expect(/^[0-9]+$/.test(value) && BigInt(value) >= 1n && BigInt(value) <= BigInt(max)).toBe(false);
        return;
      }
      expect(Number.isInteger(n) && n >= 1 && n <= max).toBe(true);
      expect(BigInt(value)).toBe(BigInt(n));
    }), { numRuns: 2000 });
  });

  test('both commands document the same options', () => {
    const help = (cmd: string) => {
      let out = '';
      main([cmd, '--help'], { out: t => { out += t; }, err: () => undefined });
      return out.slice(out.indexOf('  --controller-replicas <n>'), out.indexOf('  -h, --help'));
    };
    expect(help('plan')).toMatch(/^ {2}--controller-replicas <n> [^]*\n {2}--max-shard-applications <n> /);
    expect(help('diff')).toBe(help('plan'));
  });
});

describe('cdk8s-fleet diff and plan --base with the controller replicas', () => {
  // GIVEN a base with a, b on shards 0, 1 and a change that pins b to shard 3 and gives a three more Applications
  const BASE = tree({ a: 0, b: 1 });
  const HEAD = tree({ a: 0, b: 3 }, 1, 'a');

  test('GIVEN 3 replicas and a limit WHEN diffed THEN the pin that becomes ignored moves b to shard 0, which goes above the limit', () => {
    // WHEN
    const result = run('diff', BASE, HEAD, '--controller-replicas', '3', '--max-shard-applications', '3');
    // THEN
    expect(result.code).toBe(0);
    expect(result.out).toContain('**Clusters that move controller shard (1; each restarts its reconciliation there):** b: shard 1 → shard 0');
    expect(result.out).toContain([
      '**⚠️ Controller shard warnings this change introduces (2):**', '',
      "- cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0",
      '- shard 0 reconciles 5 Applications, more than the limit of 3', '',
    ].join('\n'));
    expect(result.out).toContain([
      '### Controller shards (3 replicas, at most 3 Applications each)', '',
      '- shard 0: 1 → 2 clusters, 1 → 5 Applications — ⚠️ above the limit',
      '- shard 1: 1 → 0 clusters, 1 → 0 Applications', '',
    ].join('\n'));
  });

  test('GIVEN no replica count WHEN diffed THEN shard 3 is taken as written: b moves to shard 3, nothing is above a limit', () => {
    const result = run('diff', BASE, HEAD);
    expect(result.out).toContain('b: shard 1 → shard 3');
    expect(result.out).not.toContain('warnings this change introduces');
    expect(result.out).toContain('### Controller shards\n\n- shard 0: 1 cluster, 1 → 4 Applications\n- shard 1: 1 → 0 clusters, 1 → 0 Applications\n- shard 3: 0 → 1 cluster, 0 → 1 Application\n');
  });

  test('--json: the shards field', () => {
    const json = JSON.parse(run('diff', BASE, HEAD, '--json', '--controller-replicas', '3', '--max-shard-applications', '3').out);
    expect(json.shardMoves).toEqual([{ cluster: 'b', from: 1, to: 0 }]);
    expect(json.shards).toEqual({
      replicas: 3,
      maxApplicationsPerShard: 3,
      loads: [
        { shard: 0, clusters: { before: 1, after: 2 }, applications: { before: 1, after: 5 }, overLimit: true },
        { shard: 1, clusters: { before: 1, after: 0 }, applications: { before: 1, after: 0 }, overLimit: false },
      ],
      warnings: ["cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0", 'shard 0 reconciles 5 Applications, more than the limit of 3'],
      newWarnings: ["cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0", 'shard 0 reconciles 5 Applications, more than the limit of 3'],
      resolvedWarnings: [],
    });
  });

  test('--exit-code: shard warnings are not findings; differences are, and an unchanged sharded tree exits 0', () => {
    expect(run('diff', BASE, HEAD, '--exit-code', '--controller-replicas', '3', '--max-shard-applications', '3').code).toBe(1);
    expect(run('diff', BASE, HEAD, '--controller-replicas', '3', '--max-shard-applications', '3').code).toBe(0);
    const same = run('diff', HEAD, HEAD, '--exit-code', '--controller-replicas', '3', '--max-shard-applications', '3');
    expect(same.code).toBe(0);
    expect(same.out).not.toContain('Controller shard');
  });

  test('plan --base: text, JSON and the HTML page all carry the shard section of the replicas given', () => {
    const dir = fs.mkdtempSync(path.join(BASE, '..', 'shard-html-'));
    const page = path.join(dir, 'plan.html');
    // WHEN
    const text = run('plan', HEAD, '--base', BASE, '--controller-replicas', '3', '--max-shard-applications', '3', '--html', page);
    const json = JSON.parse(run('plan', HEAD, '--base', BASE, '--json', '--controller-replicas', '3', '--max-shard-applications', '3').out);
    // THEN the head's plan, then the changes
    expect(text.code).toBe(0);
    expect(text.out).toContain('  Controller shards (3 replicas, at most 3 Applications each):\n    shard 0: 2 clusters, 5 Applications\n');
    expect(text.out).toContain('== Controller shards (3 replicas, at most 3 Applications each)\n\n- shard 0: 1 → 2 clusters, 1 → 5 Applications — ⚠️ above the limit\n');
    expect(json.shards).toMatchObject({ replicas: 3, maxApplicationsPerShard: 3, unpinned: [] });
    expect(json.changes.shards.newWarnings).toHaveLength(2);
    const html = fs.readFileSync(page, 'utf-8');
    expect(html).toContain('<section id="controller-shards">\n<h2>Controller shards (3 replicas, at most 3 Applications each)</h2>');
    expect(html).toContain('<tr data-shard="0" class="changed over"><th scope="row">0</th><td><details><summary>1 → 2 clusters</summary>a, b</details></td><td>1 → 5 Applications — above the limit</td></tr>');
    expect(html).toContain('<tr data-shard="1" class="changed"><th scope="row">1</th><td><details><summary>1 → 0 clusters</summary><del>b</del></details></td><td>1 → 0 Applications</td></tr>');
    expect(html).toContain("<li class=\"new\"><strong>new:</strong> cluster 'b': shard 3 is outside 0–2; Argo CD's controller reconciles the cluster on shard 0</li>");
    expect(html).toContain('<h3>Clusters that move controller shard (1; each restarts its reconciliation there)</h3>\n<ul class="diff"><li>b: shard 1 → shard 0</li></ul>');
  });
});
