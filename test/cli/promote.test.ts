import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';

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

  test('--dry-run explains and changes nothing; --tree lists the clusters and files', () => {
    // GIVEN a tree with a production cluster whose api files hold 1.8.2
    const file = versionsFile();
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'tree-'));
    fs.mkdirSync(path.join(tree, 'argocd/platform/clusters'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'argocd/platform/clusters/Secret.cluster-prod-1.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: cluster-prod-1\n  labels:\n    argocd.argoproj.io/secret-type: cluster\n    environment: production\nstringData:\n  name: prod-1\n  server: https://prod-1\n');
    fs.mkdirSync(path.join(tree, 'clusters/prod-1/api'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'clusters/prod-1/api/Deployment.api.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/api:1.8.2\n');
    // WHEN
    const result = run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', file, '--tree', tree, '--dry-run');
    // THEN
    expect(result.code).toBe(0);
    expect(result.out).toBe([
      `dry run, ${file} unchanged:`,
      'api: production 1.8.2 → 1.9.0 (from staging)',
      'clusters (environment=production): prod-1',
      'files holding 1.8.2:',
      '  clusters/prod-1/api/Deployment.api.yaml',
      '',
    ].join('\n'));
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS);
  });

  test('refuses to skip a stage, a version the source does not run, and unknown names', () => {
    const file = versionsFile();
    expect(run('promote', 'api', '--from', 'dev', '--to', 'production', '--file', file))
      .toEqual({ code: 1, out: '', err: 'production is not the stage after dev (dev → staging → production); promote one stage at a time\n' });
    expect(run('promote', 'api', '--from', 'staging', '--to', 'production', '--version', '1.10.0', '--file', file).err)
      .toBe('staging runs api 1.9.0, not 1.10.0; promote 1.10.0 to staging first\n');
    expect(run('promote', 'nope', '--from', 'dev', '--to', 'staging', '--file', file).err).toBe(`${file} pins no versions of 'nope' (applications: api, web)\n`);
    expect(run('promote', 'api', '--from', 'dev', '--to', 'qa', '--file', file).err).toBe(`'qa' is not an environment of ${file} (dev → staging → production)\n`);
    expect(fs.readFileSync(file, 'utf-8')).toBe(VERSIONS);
  });
});
