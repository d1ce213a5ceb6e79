import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TOOL_VERSIONS } from '../../src/cli/init-templates';
import { main } from '../../src/cli/main';
import { ensureCompiled } from '../compiled-package';

const ROOT = path.join(__dirname, '..', '..');
const OWN = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));

function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = main(args, { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

describe('cdk8s-fleet init', () => {
  test('scaffolds a project: package.json with pinned versions, tsconfig, cdk8s.yaml, main.ts, versions.yaml, a test, a CI script', () => {
    // GIVEN
    const dir = path.join(tmp('init-'), 'My Fleet');
    // WHEN
    const result = run('init', dir);
    // THEN
    expect(result.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['.gitignore', 'README.md', 'cdk8s.yaml', 'ci', 'main.test.ts', 'main.ts', 'package.json', 'tsconfig.json', 'versions.yaml']);
    expect(result.out).toContain(`created 9 files in ${dir}:\n`);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
    expect(pkg.name).toBe('my-fleet');
    // the peers at the exact versions this package is built and tested with, TypeScript 5 (7.x breaks ts-node 10)
    expect(pkg.dependencies).toEqual({
      'cdk8s': OWN.devDependencies.cdk8s,
      'cdk8s-fleet': `^${OWN.version}`,
      'cdk8s-plus-28': OWN.devDependencies['cdk8s-plus-28'],
      'constructs': OWN.devDependencies.constructs,
    });
    expect(pkg.dependencies.cdk8s).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies.typescript).toMatch(/^~5\./);
    expect(pkg.devDependencies).toEqual(TOOL_VERSIONS);
    expect(() => fs.accessSync(path.join(dir, 'ci/pr-check.sh'), fs.constants.X_OK)).not.toThrow();
    expect(fs.readFileSync(path.join(dir, 'cdk8s.yaml'), 'utf-8')).toContain('app: npx ts-node main.ts\noutput: gitops\n');
  });

  test('the tool versions are the ones this package is developed with', () => {
    const installed = (name: string) => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf-8')).version as string;
    for (const name of ['typescript', 'ts-node', 'jest', 'ts-jest', '@types/jest']) {
      const range = TOOL_VERSIONS[name];
      expect(`${name}@${installed(name).split('.')[0]}`).toBe(`${name}@${range.replace(/^[~^]/, '').split('.')[0]}`);
    }
  });

  test('refuses a directory that is not empty, unless --force', () => {
    // GIVEN
    const dir = tmp('init-');
    fs.writeFileSync(path.join(dir, 'main.ts'), '// mine\n');
    // WHEN
    const refused = run('init', dir);
    // THEN
    expect(refused).toEqual({ code: 2, out: '', err: `error: ${dir}: not empty (main.ts); give an empty or new directory, or --force to write into it\n` });
    expect(fs.readFileSync(path.join(dir, 'main.ts'), 'utf-8')).toBe('// mine\n');
    // WHEN forced
    expect(run('init', dir, '--force', '--name', 'fleet-x').code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).name).toBe('fleet-x');
    // a bad name and a file in the way are refused
    expect(run('init', tmp('init-'), '--name', 'Bad Name').err).toBe("error: --name 'Bad Name' is not a valid npm package name (lowercase letters, digits, '-', '.', '_', '~')\n");
    expect(run('init', path.join(dir, 'main.ts')).err).toBe(`error: ${path.join(dir, 'main.ts')}: exists and is not a directory\n`);
  });

  test('init → npm install (the package from an npm pack tarball) → synth → validate → the generated tests → the PR check: all green', () => {
    // GIVEN the package as npm would install it: compiled (lib/) and packed
    ensureCompiled();
    const work = tmp('init-e2e-');
    sh('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], ROOT);
    const tarball = path.join(work, fs.readdirSync(work).find(f => f.endsWith('.tgz'))!);
    const project = path.join(work, 'fleet');
    expect(run('init', project).code).toBe(0);
    const pkgFile = path.join(project, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf-8'));
    pkg.dependencies['cdk8s-fleet'] = `file:${tarball}`;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, undefined, 2));
    // WHEN
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], project);
    const synth = sh('npm', ['run', 'synth', '--silent'], project);
    const validate = sh('npx', ['cdk8s-fleet', 'validate', 'gitops'], project);
    const tests = sh('npm', ['test', '--silent'], project);
    // THEN
    expect(synth).toContain('ApplicationSet hello: 3 Applications on 3 clusters');
    expect(fs.readFileSync(path.join(project, 'gitops/clusters/prod-1/hello/Deployment.hello.yaml'), 'utf-8')).toContain('image: ghcr.io/example/hello:1.0.0');
    expect(validate).toMatch(/^gitops: \d+ files valid\n/);
    expect(tests).toMatch(/Tests: +3 passed, 3 total/);
    expect(fs.existsSync(path.join(project, '__snapshots__/main.test.ts.snap'))).toBe(true);
    expect(sh('npx', ['cdk8s-fleet', '--version'], project).trim()).toBe(OWN.version);

    // WHEN the project is a Git repository and CI runs the PR check against the same commit
    const git = (...args: string[]) => sh('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], project);
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'init');
    const check = sh('bash', ['ci/pr-check.sh', 'HEAD', 'diff.md'], project);
    // THEN it writes the review comment
    expect(check).toContain('wrote diff.md');
    const comment = fs.readFileSync(path.join(project, 'diff.md'), 'utf-8');
    expect(comment.length).toBeGreaterThan(0);
    expect(comment).not.toContain('has no fleet to compare with'); // the target branch was synthesized
    fs.rmSync(work, { recursive: true, force: true });
  }, 900_000);
});

/** Runs a command, returning its stdout and stderr; a failure throws with both. */
function sh(cmd: string, args: string[], cwd: string): string {
  // As on a developer's machine: jest writes new snapshots (CI=true would refuse to); ci/pr-check.sh passes --ci.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.CI;
  delete env.CDK8S_OUTDIR;
  delete env.JEST_WORKER_ID;
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}
