import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { ClusterMatch, LabelSelectorOperator, VersionsFile, Workload } from '../../src';
import { main } from '../../src/cli/main';
import { addCluster, testFleet } from '../util';

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

const VERSIONS = `# Versions pinned per environment: one line per app per environment.
environments: [dev, staging, production]   # promotion order
environmentLabel: environment

versions:
  api:
    dev: 1.10.0      # built from main
    staging: 1.9.0   # soaked since Monday
    production: 1.8.2  # the release before
  web:
    dev: "2.0.0"
    staging: '1.5.0'
    production: '1.5.0'
`;

/** GIVEN helper: a synthesized fleet whose api Workload reads `file`; prod-2 pins its own tag. */
function apiFleet(file: string): string {
  const { app, fleet } = testFleet();
  for (const [name, environment] of [['dev-1', 'dev'], ['staging-1', 'staging'], ['prod-1', 'production'], ['prod-2', 'production']]) {
    addCluster(fleet, name, { environment });
  }
  const versions = new VersionsFile(fleet, 'Versions', { path: file });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.EXISTS }],
    image: 'ghcr.io/acme/api',
    versions,
    definition: { define: scope => new kplus.Deployment(scope, 'api', { metadata: { name: 'api' }, containers: [{ image: 'ghcr.io/acme/api:0', securityContext: { user: 1000 } }] }) },
    overrides: [{ match: ClusterMatch.cluster('prod-2'), settings: { imageTag: '1.8.1' } }],
  });
  return app.synthTree().outdir;
}

function versionsFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promote-'));
  const file = path.join(dir, 'versions.yaml');
  fs.writeFileSync(file, VERSIONS);
  return file;
}

describe('cdk8s-fleet promote', () => {
  test('pins the upstream version downstream and keeps every comment and the formatting', () => {
    // GIVEN
    const file = versionsFile();
    // WHEN
    const result = run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', file);
    // THEN only the one value changed
    expect(result).toEqual({ code: 0, err: '', out: `api: production 1.8.2 → 1.9.0 (from staging)\nupdated ${file}; synthesize to apply it\n` });
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS.replace('production: 1.8.2  # the release before', 'production: 1.9.0  # the release before'));
  });

  test('keeps the quoting style of the value it changes', () => {
    const file = versionsFile();
    expect(run('promote', 'web', '--from', 'dev', '--to', 'staging', '--file', file).code).toBe(0);
    expect(fs.readFileSync(file, 'utf-8')).toContain("    staging: '2.0.0'\n");
  });

  test('adds the line when the environment has no pin yet, after the application\'s last one', () => {
    const file = versionsFile();
    fs.writeFileSync(file, VERSIONS.replace("    production: '1.5.0'\n", ''));
    expect(run('promote', 'web', '--from', 'staging', '--to', 'production', '--file', file).out).toContain('web: production (none) → 1.5.0 (from staging)');
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS.replace("    production: '1.5.0'\n", '    production: 1.5.0\n'));
  });

  test('--dry-run explains and changes nothing; --tree lists the clusters and files that change', () => {
    // GIVEN a synthesized fleet: prod-1 runs api 1.8.2 from the versions file, prod-2 is pinned to 1.8.1 by a
    // per-cluster imageTag setting
    const file = versionsFile();
    const tree = apiFleet(file);
    // WHEN
    const result = run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', file, '--tree', tree, '--dry-run');
    // THEN prod-2 keeps its own tag, so only prod-1 and its files are listed
    expect(result).toEqual({
      code: 0,
      err: '',
      out: [
        `dry run, ${file} unchanged:`,
        'api: production 1.8.2 → 1.9.0 (from staging)',
        'clusters (environment=production): prod-1',
        'unchanged: prod-2 runs 1.8.1 (pinned per cluster)',
        'files holding 1.8.2:',
        '  clusters/prod-1/api/Deployment.api.yaml',
        '',
      ].join('\n'),
    });
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS);
  });

  test('--json prints what would change as data', () => {
    // GIVEN
    const file = versionsFile();
    const tree = apiFleet(file);
    // WHEN
    const result = run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', file, '--tree', tree, '--dry-run', '--json');
    // THEN
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      application: 'api',
      from: 'staging',
      to: 'production',
      file,
      previous: '1.8.2',
      version: '1.9.0',
      changed: true,
      dryRun: true,
      tree: {
        environmentLabel: 'environment',
        clusters: ['prod-1'],
        unchanged: [{ cluster: 'prod-2', runs: ['1.8.1'] }],
        files: ['clusters/prod-1/api/Deployment.api.yaml'],
      },
    });
    expect(JSON.parse(run('promote', 'web', '--from', 'staging', '--to', 'production', '--file', file, '--json').out))
      .toEqual({ application: 'web', from: 'staging', to: 'production', file, previous: '1.5.0', version: '1.5.0', changed: false, dryRun: false });
  });

  test('--tree refuses a directory that is not a tree', () => {
    const file = versionsFile();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-tree-'));
    expect(run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', file, '--tree', empty, '--dry-run'))
      .toEqual({ code: 2, out: '', err: `error: --tree ${empty}: not a synthesized tree (it holds no YAML files); give the FleetApp outdir\n` });
  });

  test('refuses to skip a stage, a version the source does not run, and unknown names', () => {
    const file = versionsFile();
    expect(run('promote', 'api', '--from', 'dev', '--to', 'production', '--file', file))
      .toEqual({ code: 2, out: '', err: 'error: production is not the stage after dev (dev → staging → production); promote one stage at a time\n' });
    expect(run('promote', 'api', '--from', 'staging', '--to', 'production', '--version', '1.10.0', '--file', file).err)
      .toBe('error: staging runs api 1.9.0, not 1.10.0; promote 1.10.0 to staging first\n');
    expect(run('promote', 'nope', '--from', 'dev', '--to', 'staging', '--file', file).err).toBe(`error: ${file} pins no versions of 'nope' (applications: api, web)\n`);
    expect(run('promote', 'api', '--from', 'dev', '--to', 'qa', '--file', file).err).toBe(`error: 'qa' is not an environment of ${file} (dev → staging → production)\n`);
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS);
  });
});
