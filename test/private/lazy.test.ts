import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as lazyModules from '../../src/private/lazy';
import { DEFERRED_AT_REQUIRE, lazy } from '../../src/private/lazy';
import { ensureCompiled } from '../compiled-package';

const ROOT = path.resolve(__dirname, '..', '..');

describe('lazy', () => {
  test('loads on the first call only, and returns the same value after', () => {
    // GIVEN
    const load = jest.fn(() => ({ loaded: true }));
    // WHEN
    const get = lazy(load);
    // THEN
    expect(load).not.toHaveBeenCalled();
    const first = get();
    expect(get()).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('a load that throws is tried again on the next call', () => {
    // GIVEN
    let calls = 0;
    const get = lazy(() => {
      calls++;
      if (calls === 1) throw new Error('not yet');
      return { calls };
    });
    // WHEN / THEN
    expect(() => get()).toThrow('not yet');
    expect(get()).toEqual({ calls: 2 });
  });

  test('every loader resolves to its module (a wrong path fails here, not in a user\'s synth)', () => {
    // GIVEN the loaders defined in src/private/lazy.ts
    const loaders = Object.entries(lazyModules).filter(([name, v]) => name !== 'lazy' && typeof v === 'function') as Array<[string, () => unknown]>;
    expect(loaders.length).toBeGreaterThan(10);
    // WHEN / THEN
    for (const [name, load] of loaders) {
      const m = load();
      expect([name, typeof m]).toEqual([name, 'object']);
      expect(Object.keys(m as object).length).toBeGreaterThan(0);
    }
  });
});

/** The compiled package (lib/, compiled first when it is missing or older than src/). */
describe('the compiled package (lib/)', () => {
  let LIB: string;
  beforeAll(() => { LIB = ensureCompiled(); }, 600_000);

  test('require loads no generated L1, parser, validator, render, expansion or CLI module', () => {
    // GIVEN a fresh process
    const script = `require(${JSON.stringify(LIB)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
    // WHEN the package is required
    const loaded: string[] = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf-8' }));
    // THEN only the modules that define the constructs are loaded: the rest waits for its first use (issue #17)
    const own = loaded.filter(f => f.startsWith(LIB + path.sep)).map(f => path.relative(LIB, f).split(path.sep).join('/'));
    expect(own).toContain('fleet/fleet-app.js');
    expect(own.filter(f => DEFERRED_AT_REQUIRE.lib.some(d => f.startsWith(d)))).toEqual([]);
    for (const dep of DEFERRED_AT_REQUIRE.dependencies) {
      const main = require.resolve(dep, { paths: [LIB] });
      const dir = main.slice(0, main.lastIndexOf(`${path.sep}node_modules${path.sep}${dep}${path.sep}`)) + `${path.sep}node_modules${path.sep}${dep}${path.sep}`;
      expect([dep, loaded.filter(f => f.startsWith(dir))]).toEqual([dep, []]);
    }
  });

  test('MigrationJob, exported lazily, is the class of its module, and loads cdk8s-plus on first access only', () => {
    // GIVEN a fresh process that requires the package, then reads MigrationJob
    const script = `const m = require(${JSON.stringify(LIB)});
      const before = Object.keys(require.cache).some(f => f.includes('cdk8s-plus-28'));
      const listed = Object.keys(m).includes('MigrationJob');
      const same = m.MigrationJob === require(${JSON.stringify(path.join(LIB, 'argocd', 'migration-job'))}).MigrationJob;
      const after = Object.keys(require.cache).some(f => f.includes('cdk8s-plus-28'));
      process.stdout.write(JSON.stringify({ before, listed, same, after, isJob: m.MigrationJob.prototype instanceof require('cdk8s-plus-28').Job }))`;
    // WHEN it runs
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf-8' }));
    // THEN cdk8s-plus was not loaded by the require, the name is an export, and it is the cdk8s-plus Job subclass
    expect(seen).toEqual({ before: false, listed: true, same: true, after: true, isJob: true });
  });

  test('MigrationJob is a named export for ESM importers too', () => {
    // GIVEN an ES module that imports the compiled package by name
    const script = `import { MigrationJob, Fleet } from ${JSON.stringify(path.join(LIB, 'index.js'))};
      import * as all from ${JSON.stringify(path.join(LIB, 'index.js'))};
      import { Job } from 'cdk8s-plus-28';
      process.stdout.write(JSON.stringify({ job: MigrationJob.prototype instanceof Job, fleet: typeof Fleet, inNamespace: 'MigrationJob' in all }));`;
    // WHEN it runs
    const seen = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf-8' }));
    // THEN Node's ESM loader found the name (its scanner cannot see getters defined in a loop)
    expect(seen).toEqual({ job: true, fleet: 'function', inNamespace: true });
  });

  test('a re-synth whose objects are all known clean loads neither the schema validator nor Ajv', () => {
    // GIVEN a program that synthesizes a small fleet, and reports which validator modules it loaded
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-lazy-'));
    const script = `const { FleetApp, Fleet, ClusterCredentials } = require(${JSON.stringify(LIB)});
      const { ApiObject } = require('cdk8s');
      const app = new FleetApp({ outdir: ${JSON.stringify(outdir)} });
      const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/fleet.git', targetRevision: 'main' });
      const c = fleet.addCluster('c1', { server: 'https://c1.example.com', labels: { env: 'dev' }, credentials: ClusterCredentials.awsIam({ clusterName: 'c1' }) });
      new ApiObject(c.addManifests('web', { namespace: 'web' }), 'Config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' }, data: { A: '1' } });
      const written = app.synthTree().written.length;
      const loaded = Object.keys(require.cache).filter(f => f.includes('schema-validator') || f.includes('/node_modules/ajv/'));
      process.stdout.write(JSON.stringify({ written: written > 0, validator: loaded.length > 0 }));`;
    const run = () => JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf-8' }));
    // WHEN it runs twice, each time in a fresh process
    const first = run();
    const again = run();
    // THEN the first run wrote the tree and loaded the validator; the second wrote nothing and loaded neither
    expect(first).toEqual({ written: true, validator: true });
    expect(again).toEqual({ written: false, validator: false });
  });

  test('the public declarations do not import the generated L1 declarations', () => {
    // GIVEN what a user's type-check loads: every declaration file reachable from lib/index.d.ts
    const program = ts.createProgram({ rootNames: [path.join(LIB, 'index.d.ts')], options: { noEmit: true, skipLibCheck: true, types: [] } });
    const files = program.getSourceFiles().map(f => path.resolve(f.fileName)).filter(f => f.startsWith(LIB + path.sep));
    // THEN the package's own declarations are there, the megabytes of generated L1 declarations are not
    expect(files).toContain(path.join(LIB, 'fleet', 'fleet-app.d.ts'));
    expect(files.filter(f => f.startsWith(path.join(LIB, 'imports') + path.sep)).map(f => path.relative(LIB, f))).toEqual([]);
  });
});
