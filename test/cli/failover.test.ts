import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { main } from '../../src/cli/main';
import { drFleet, DR_STATE } from '../dr/fixture';

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

const STATE = `# Which side of each DR pair serves traffic.
active:
  api: 'prod-eu-1'        # primary prod-eu-1, standby dr-eu-central-1
  checkout: "prod-us-1"   # primary prod-us-1
  search: prod-eu-2       # no standby yet
`;

function stateFile(text: string = STATE): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-failover-')), 'dr.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** A synthesized tree of the DR fixture (api: prod-eu-1 → dr-eu-central-1), with the given state. */
function tree(state: string = DR_STATE): string {
  const { app } = drFleet({ state });
  app.synth();
  return app.outdir;
}

describe('cdk8s-fleet failover / failback', () => {
  test('failover changes only the value: its quoting, its comment and every other line stay', () => {
    // GIVEN
    const file = stateFile();
    // WHEN
    const r = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file);
    // THEN
    expect(r).toEqual({
      code: 0,
      err: '',
      out: 'api: failover prod-eu-1 → dr-eu-central-1 (the old primary is scaled to the standby footprint)\n'
        + `updated ${file}; synthesize, then open the pull request (cdk8s-fleet diff shows the failover)\n`,
    });
    expect(fs.readFileSync(file, 'utf-8')).toBe(STATE.replace("api: 'prod-eu-1'", "api: 'dr-eu-central-1'"));
  });

  test('failover --keep-primary writes the flow mapping; failback restores the bytes', () => {
    const file = stateFile();
    expect(run('failover', 'checkout', '--to', 'dr-us-west-2', '--file', file, '--keep-primary').code).toBe(0);
    expect(fs.readFileSync(file, 'utf-8')).toBe(STATE.replace('checkout: "prod-us-1"', 'checkout: {active: "dr-us-west-2", keepPrimary: true}'));
    const back = run('failback', 'checkout', '--to', 'prod-us-1', '--file', file);
    expect(back.code).toBe(0);
    expect(back.out).toContain('checkout: failback dr-us-west-2 → prod-us-1\n');
    expect(fs.readFileSync(file, 'utf-8')).toBe(STATE);
  });

  test('--dry-run changes nothing; a side already active is nothing to do', () => {
    const file = stateFile();
    const dry = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toBe(`dry run, ${file} unchanged:\napi: failover prod-eu-1 → dr-eu-central-1 (the old primary is scaled to the standby footprint)\n`);
    expect(fs.readFileSync(file, 'utf-8')).toBe(STATE);
    const noop = run('failback', 'api', '--to', 'prod-eu-1', '--file', file);
    expect(noop).toEqual({ code: 0, err: '', out: 'api: prod-eu-1 is already active; nothing to do\n' });
    expect(fs.readFileSync(file, 'utf-8')).toBe(STATE);
  });

  test('--json prints the report', () => {
    const file = stateFile();
    const r = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file, '--dry-run', '--json');
    expect(JSON.parse(r.out)).toEqual({
      command: 'failover', pair: 'api', file, previous: 'prod-eu-1', active: 'dr-eu-central-1', keepPrimary: false, changed: true, dryRun: true,
    });
  });

  test('with --tree: the dry run lists clusters, replicas, weights, alerts, the RTO and the files; failback reads the primary from the tree', () => {
    // GIVEN the tree as synthesized with the primary active
    const dir = tree();
    const file = stateFile(DR_STATE);
    // WHEN
    const dry = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file, '--tree', dir, '--dry-run');
    // THEN
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('clusters that change:\n'
      + '  dr-eu-central-1 (standby, passive → active): HorizontalPodAutoscaler api minimum 1 → 2 (maximum 2); traffic weight 0 → weight 100\n'
      + '  prod-eu-1 (primary, active → passive): Deployment api replicas 2 → 1; traffic weight 100 → weight 0\n');
    expect(dry.out).toContain('RTO estimate: 8m10s = ');
    expect(dry.out).toContain('  clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml\n');
    expect(fs.readFileSync(file, 'utf-8')).toBe(DR_STATE);
    // AND the failover, then the failback with the primary read from the (failed-over) tree
    expect(run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file, '--tree', dir).code).toBe(0);
    const failedOver = tree(fs.readFileSync(file, 'utf-8'));
    expect(run('failback', 'api', '--file', file, '--tree', failedOver).code).toBe(0);
    expect(fs.readFileSync(file, 'utf-8')).toBe(DR_STATE);
  });

  test('errors name the pair, the side and the file, exit 2 and change nothing', () => {
    const file = stateFile();
    const dir = tree();
    const api = stateFile(DR_STATE);
    const cases: Array<[string[], string, string]> = [
      [['failover', 'cart', '--to', 'x', '--file', file], file, `${file} has no line for DR pair 'cart' (pairs: api, checkout, search)\n`],
      [['failback', 'api', '--file', file, '--keep-primary'], file, "error: unknown option '--keep-primary'\n"],
      [['failback', 'api', '--file', file], file, "failback needs the primary side of 'api': give --to <primary>, or --tree <dir> to read it from the tree\n"],
      [['failover', 'api', '--to', 'prod-eu-1', '--file', api, '--tree', dir], api, `${api}: 'prod-eu-1' is the primary side of DR pair 'api'; use cdk8s-fleet failback api\n`],
      [['failover', 'api', '--to', 'dr-eu-west-9', '--file', api, '--tree', dir], api, `${api}: 'dr-eu-west-9' is not a side of DR pair 'api' (primary prod-eu-1, standby dr-eu-central-1)\n`],
      [['failback', 'api', '--to', 'dr-eu-central-1', '--file', api, '--tree', dir], api, `${api}: 'dr-eu-central-1' is not the primary side of DR pair 'api' (prod-eu-1); failback makes the primary active\n`],
      [['failover', 'api', '--to', 'dr-eu-central-1', '--file', api, '--tree', api], api, `--tree ${api}: no such directory\n`],
    ];
    for (const [args, f, message] of cases) {
      const before = fs.readFileSync(f, 'utf-8');
      const r = run(...args);
      expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 2, err: `error: ${message}`.replace('error: error: ', 'error: ') });
      expect(fs.readFileSync(f, 'utf-8')).toBe(before);
    }
  });

  test('a pair written as a block mapping: only its values change, its comments and the lines after it stay', () => {
    // GIVEN a failed-over pair written as a block mapping, with comments, followed by another pair
    const text = 'active:\n  api:   # failed over on 2026-11-30\n    active: dr-eu-central-1   # standby\n    keepPrimary: true   # keep prod-eu-1 up\n  web: prod-eu-2   # web\n';
    const file = stateFile(text);
    // WHEN the primary comes back
    const r = run('failback', 'api', '--to', 'prod-eu-1', '--file', file);
    // THEN only the two values changed
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file, 'utf-8')).toBe(text.replace('active: dr-eu-central-1', 'active: prod-eu-1').replace('keepPrimary: true', 'keepPrimary: false'));
    // AND a failover with --keep-primary to a block mapping without keepPrimary adds the line under 'active', CRLF kept
    const crlf = stateFile('active:\r\n  api:\r\n    active: prod-eu-1 # primary\r\n  web: prod-eu-2\r\n');
    expect(run('failover', 'api', '--to', 'dr-eu-central-1', '--file', crlf, '--keep-primary').code).toBe(0);
    expect(fs.readFileSync(crlf, 'utf-8')).toBe('active:\r\n  api:\r\n    active: dr-eu-central-1 # primary\r\n    keepPrimary: true\r\n  web: prod-eu-2\r\n');
  });

  test('CRLF line endings, a missing final newline, a flow mapping, a tag and a byte order mark are kept', () => {
    const cases: Array<[string, string[], string]> = [
      ['active:\r\n  api: prod-eu-1 # c\r\n  web: x\r\n', [], 'active:\r\n  api: dr-eu-central-1 # c\r\n  web: x\r\n'],
      ['active:\n  api: prod-eu-1 # last', [], 'active:\n  api: dr-eu-central-1 # last'],
      ['active: {api: prod-eu-1, web: x}\n', [], 'active: {api: dr-eu-central-1, web: x}\n'],
      ['active:\n  api: !!str prod-eu-1 # c\n', ['--keep-primary'], 'active:\n  api: {active: dr-eu-central-1, keepPrimary: true} # c\n'],
      ['\ufeffactive:\n  api: prod-eu-1\n', [], '\ufeffactive:\n  api: dr-eu-central-1\n'],
    ];
    for (const [before, extra, after] of cases) {
      // GIVEN
      const file = stateFile(before);
      // WHEN
      const r = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', file, ...extra);
      // THEN
      expect({ before, code: r.code, err: r.err, text: fs.readFileSync(file, 'utf-8') }).toEqual({ before, code: 0, err: '', text: after });
    }
  });

  test('a side that is not a DNS-1123 label is refused naming the pair, the side and the file; nothing changes', () => {
    const file = stateFile();
    for (const side of ['Dr_EU', 'a: b', '']) {
      const r = run('failover', 'api', '--to', side, '--file', file);
      expect({ side, code: r.code, err: r.err }).toEqual({
        side, code: 2, err: `error: ${file}: --to ${JSON.stringify(side)} is not a side of DR pair 'api': side names are DNS-1123 labels such as 'dr-eu-central-1'\n`,
      });
      expect(fs.readFileSync(file, 'utf-8')).toBe(STATE);
    }
  });

  test('a state file that is not valid is refused with its key', () => {
    const file = stateFile('active:\n  api: {active: dr-eu-central-1, keepPrimary: "yes"}\n');
    const r = run('failback', 'api', '--to', 'prod-eu-1', '--file', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: 'active.api.keepPrimary' must be true or false (got 'yes')`);
    expect(run('failover', 'api', '--to', 'b', '--file', path.join(path.dirname(file), 'missing.yaml')).code).toBe(2);
  });

  test('property: failover then failback is the identity on the file, whatever its comments and quoting', () => {
    const side = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
    const comment = fc.stringMatching(/^[ -~]{0,40}$/);
    const quote = fc.constantFrom('', "'", '"');
    fc.assert(fc.property(side, side, comment, comment, quote, fc.boolean(), (primary, standby, c1, c2, q, keep) => {
      fc.pre(primary !== standby && ![primary, standby].some(s => ['true', 'false', 'null'].includes(s)));
      const text = `# ${c1}\nactive:\n  other: x-1 # ${c2}\n  api: ${q}${primary}${q}   # ${c2}\n  last: y\n`;
      const file = stateFile(text);
      const args = ['failover', 'api', '--to', standby, '--file', file, ...(keep ? ['--keep-primary'] : [])];
      if (run(...args).code !== 0) return false;
      const after = fs.readFileSync(file, 'utf-8');
      // Only the api line changed, and its comment stayed.
      const lines = (s: string) => s.split('\n');
      const changed = lines(after).filter((l, i) => l !== lines(text)[i]);
      if (changed.length !== 1 || !changed[0].startsWith('  api: ') || !changed[0].endsWith(`   # ${c2}`)) return false;
      if (run('failback', 'api', '--to', primary, '--file', file).code !== 0) return false;
      return fs.readFileSync(file, 'utf-8') === text;
    }), { numRuns: 40 });
  });
});
