/**
 * Scale figures of issue #17, each printed as one JSON line by a fresh process (so peak RSS is its own):
 *
 * - `workloads <clusters> <apps>`: the rendered-workload fleet of bench/workload-bench.ts (5 objects per app and
 *   cluster, plus Namespaces and Argo CD objects), constructed and rendered in memory (`FleetApp._render()`:
 *   validation, secret scan, YAML, plan, fleet proofs), never written: construct + render per object, peak RSS.
 * - `generic <clusters> <apps>`: the generic path (L1 ApiObjects in ClusterManifests, bench/fleet-generator.ts),
 *   synthesized into `<workdir>` (render + write); also the time `ApiObject.toJson()` takes on every object with
 *   cdk8s' own method and with the fast path rendering installs (src/gitops/api-object-json.ts).
 * - `vanilla <clusters> <apps>`: the same objects in a plain cdk8s App, one Chart per cluster (one Chart per
 *   cluster and app, 10,000 Charts at 200 × 50, makes cdk8s' `App.synth()` quadratic: over 5 CPU minutes),
 *   `app.synth()` into `<workdir>`: what the generic path is compared with, in the same run.
 * - `vanilla-plus <clusters> <apps>`: the same applications written with cdk8s-plus constructs
 *   (`addAppConstructs`), one Chart per cluster, `app.synth()`: issue #17's "vanilla cdk8s-plus".
 * - `synth-workloads|synth-generic <clusters> <apps> <outdir>`: one synth of that fleet into `outdir` (render and
 *   write, with the CPU time of both threads); the same call again on the same directory is a no-op re-synth.
 * - `raw <files> <bytes>`: the disk's speed right now, `files` files of `bytes` bytes written with
 *   plain writeFileSync (100 per directory) — printed beside every write figure.
 *
 * - `require [runs]`: `require()` of the compiled package, and of cdk8s and cdk8s-plus-28 alone for reference,
 *   each `runs` times (default 9) in a fresh Node process, interleaved: min and median, modules and KB of code
 *   loaded; and the declaration files a user's type-check loads from `lib/index.d.ts`. The package is lib/ when it
 *   is newer than src/ (after `npx projen compile`), else src/ compiled with tsc into .bench/require-lib. Fails if
 *   the package loads a module it must defer (`DEFERRED_AT_REQUIRE` in src/private/lazy.ts). Prints a table.
 *   `<label>=<dir>` arguments add other builds to the same runs (e.g. an earlier commit compiled with tsc).
 *
 * Usage: ts-node bench/scale-bench.ts <mode> <clusters> <apps> [workdir]
 *        ts-node bench/scale-bench.ts require [runs] [<label>=<compiled lib dir> ...]
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type * as TypeScript from 'typescript';
import { addAppConstructs, addAppObjects, ENVIRONMENTS, generateFleet } from './fleet-generator';
import { preloadDeferredModules } from './preload';
import { workloadFleet } from './workload-bench';
import { lazifyIndex } from '../scripts/lazy-exports';
import { withFastApiObjectJson } from '../src/gitops/api-object-json';
import { DEFERRED_AT_REQUIRE } from '../src/private/lazy';

const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

function workloads(clusters: number, apps: number) {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const app = workloadFleet(clusters, apps, '/nonexistent-never-written');
  const t1 = process.hrtime.bigint();
  const { files } = app._render();
  const t2 = process.hrtime.bigint();
  return { mode: 'workloads', clusters, apps, objects: files.length, constructMs: ms(t0, t1), renderMs: ms(t1, t2), cpuMs: cpuMs(process.cpuUsage(c0)), peakRssMb: peakRssMb() };
}

function generic(clusters: number, apps: number, workdir: string) {
  const outdir = fs.mkdtempSync(path.join(workdir, 'generic-'));
  const t0 = process.hrtime.bigint();
  const app = generateFleet({ clusters, apps, outdir });
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  const result = app.synthTree();
  const synthCpu = cpuMs(process.cpuUsage(c1));
  const t2 = process.hrtime.bigint();
  // toJson alone, both ways, on every ApiObject of the fleet: two rounds, alternating, the second one counted
  // (the first warms both up; the render above already ran the fast path).
  const objects = app.node.findAll().filter(ApiObject.isApiObject);
  let fastMs = 0;
  let cdk8sMs = 0;
  for (let round = 0; round < 2; round++) {
    const tf0 = process.hrtime.bigint();
    for (const o of objects) o.toJson();
    const tf1 = process.hrtime.bigint();
    withFastApiObjectJson(() => { for (const o of objects) o.toJson(); });
    const tf2 = process.hrtime.bigint();
    cdk8sMs = ms(tf0, tf1);
    fastMs = ms(tf1, tf2);
  }
  return {
    mode: 'generic',
    clusters,
    apps,
    objects: result.objectCount,
    apiObjects: objects.length,
    files: result.written.length,
    constructMs: ms(t0, t1),
    renderMs: result.renderMilliseconds,
    writeMs: result.writeMilliseconds,
    synthMs: ms(t1, t2),
    synthCpuMs: synthCpu,
    fastToJsonUs: fastMs * 1000 / objects.length,
    cdk8sToJsonUs: cdk8sMs * 1000 / objects.length,
    peakRssMb: peakRssMb(),
  };
}

function vanilla(clusters: number, apps: number, workdir: string, constructs = false) {
  const outdir = fs.mkdtempSync(path.join(workdir, constructs ? 'vanilla-plus-' : 'vanilla-'));
  const t0 = process.hrtime.bigint();
  const app = new App({ outdir });
  for (let c = 0; c < clusters; c++) {
    const name = `cluster-${String(c).padStart(4, '0')}`;
    const clusterChart = new Chart(app, name);
    for (let a = 0; a < apps; a++) {
      const appName = `app-${String(a).padStart(3, '0')}`;
      const chart = new Construct(clusterChart, appName);
      // The generic fleet's objects (bench/fleet-generator.ts), with their namespace set, as there is no ClusterManifests.
      const options = { appName, clusterName: name, environment: ENVIRONMENTS[c % ENVIRONMENTS.length], image: `ghcr.io/acme/${appName}:1.${a % 10}.${c % 7}`, namespace: appName };
      if (constructs) addAppConstructs(chart, options);
      else addAppObjects(chart, options);
    }
  }
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  app.synth();
  const synthCpu = cpuMs(process.cpuUsage(c1));
  const t2 = process.hrtime.bigint();
  return { mode: constructs ? 'vanilla-plus' : 'vanilla', clusters, apps, objects: clusters * apps * 5, files: clusters, constructMs: ms(t0, t1), synthMs: ms(t1, t2), synthCpuMs: synthCpu, peakRssMb: peakRssMb() };
}

/**
 * One synth of the workload fleet (`workloads`) or the generic fleet (`generic`) into `outdir`, which may hold the
 * tree of an earlier run: run twice on one directory, the second run is the no-op re-synth (a fresh process, as CI
 * runs the program again).
 */
function synthInto(kind: string, clusters: number, apps: number, outdir: string) {
  const t0 = process.hrtime.bigint();
  const app = kind === 'workloads' ? workloadFleet(clusters, apps, outdir) : generateFleet({ clusters, apps, outdir });
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage();
  const result = app.synthTree();
  const cpu = cpuMs(process.cpuUsage(c1));
  return {
    mode: 'synth',
    kind,
    clusters,
    apps,
    objects: result.objectCount,
    written: result.written.length,
    deleted: result.deleted.length,
    constructMs: ms(t0, t1),
    renderMs: result.renderMilliseconds,
    writeMs: result.writeMilliseconds,
    cpuMs: cpu,
    peakRssMb: peakRssMb(),
  };
}

function raw(files: number, bytes: number, workdir: string) {
  const dir = fs.mkdtempSync(path.join(workdir, 'raw-'));
  const content = Buffer.alloc(bytes, 'x');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, `f${i % 100}.yaml`), content);
  }
  return { mode: 'raw', files, bytes, writeMs: ms(t0, process.hrtime.bigint()) };
}

/** The compiled package: lib/ when it is up to date with src/, else src/ compiled now (declarations included). */
function compiledPackage(root: string): string {
  const lib = path.join(root, 'lib');
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
    .reduce((max, e) => Math.max(max, e.isDirectory() ? newest(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).mtimeMs), 0);
  if (fs.existsSync(path.join(lib, 'index.js')) && fs.existsSync(path.join(lib, 'index.d.ts'))
    && newest(path.join(root, 'src')) <= fs.statSync(path.join(lib, 'index.js')).mtimeMs) return lib;
  const out = path.join(root, '.bench', 'require-lib');
  fs.rmSync(out, { recursive: true, force: true });
  console.error(`lib/ is missing or older than src/: compiling src/ into ${path.relative(root, out)} with tsc`);
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(root, 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
  lazifyIndex(out); // as the compile task does for lib/
  return out;
}

/** `require()` of the package beside cdk8s and cdk8s-plus-28, each in fresh processes (issue #17). */
function requireTimes(runs: number, others: string[]) {
  const root = path.resolve(__dirname, '..');
  const lib = compiledPackage(root);
  const targets: Array<[string, string]> = [['cdk8s', 'cdk8s'], ['cdk8s-plus-28', 'cdk8s-plus-28'], ['cdk8s-fleet', lib],
    ...others.map(o => [o.split('=')[0], path.resolve(o.split('=').slice(1).join('='))] as [string, string])];
  // `node -e <script> <module>`: the module is process.argv[1]. Only the require is timed, not Node's start.
  const script = 'const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint(); require(process.argv[1]);'
    + ' const t1 = process.hrtime.bigint(); const c = process.cpuUsage(c0);'
    + ' process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6, cpuMs: (c.user + c.system) / 1000, modules: Object.keys(require.cache) }));';
  const samples = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  const cpuSamples = new Map<string, number[]>(targets.map(([name]) => [name, []]));
  let loaded: string[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [name, id] of targets) {
      const r = JSON.parse(execFileSync(process.execPath, ['-e', script, id], { cwd: root, encoding: 'utf-8' }));
      samples.get(name)!.push(r.ms);
      cpuSamples.get(name)!.push(r.cpuMs);
      loaded = name === 'cdk8s-fleet' ? r.modules : loaded;
    }
  }
  const own = loaded.filter(f => f.startsWith(lib + path.sep)).map(f => path.relative(lib, f).split(path.sep).join('/'));
  const eager = [
    ...own.filter(f => DEFERRED_AT_REQUIRE.lib.some(d => f.startsWith(d))),
    ...DEFERRED_AT_REQUIRE.dependencies.filter(dep => loaded.some(f => f.includes(`${path.sep}node_modules${path.sep}${dep}${path.sep}`)
      && !f.includes(`${path.sep}node_modules${path.sep}cdk8s${path.sep}`))),
  ];
  if (eager.length > 0) throw new Error(`require('cdk8s-fleet') loads modules it must defer (src/private/lazy.ts): ${eager.join(', ')}`);
  // What a user's type-check loads: the declaration files reachable from lib/index.d.ts. (TypeScript is loaded
  // here only: the compiled scale runs must not hold its ≈ 100 MB, which their peak RSS would count.)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts: typeof TypeScript = require('typescript');
  const program = ts.createProgram({ rootNames: [path.join(lib, 'index.d.ts')], options: { noEmit: true, skipLibCheck: true, types: [] } });
  const declarations = program.getSourceFiles().map(f => path.resolve(f.fileName)).filter(f => f.startsWith(lib + path.sep));
  const kb = (files: string[]) => Math.round(files.reduce((sum, f) => sum + fs.statSync(f).size, 0) / 1024);
  const stats = (xs: number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return { min: sorted[0], median: sorted[Math.floor((sorted.length - 1) / 2)] };
  };
  const rows = targets.map(([name]) => ({ name, ...stats(samples.get(name)!), cpu: stats(cpuSamples.get(name)!) }));
  console.log(`| require(), ${runs} fresh processes each, interleaved | min ms | median ms | CPU ms min / median |`);
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.min.toFixed(0)} | ${r.median.toFixed(0)} | ${r.cpu.min.toFixed(0)} / ${r.cpu.median.toFixed(0)} |`);
  console.log(`cdk8s-fleet loads ${own.length} of its own modules (${kb(own.map(f => path.join(lib, f)))} KB) and ${loaded.length - own.length} others;`
    + ` a type-check loads ${declarations.length} of its declaration files (${kb(declarations)} KB), none from lib/imports/: ${declarations.every(f => !f.startsWith(path.join(lib, 'imports')))}`);
  return { mode: 'require', runs, lib: path.relative(root, lib), rows, ownModules: own.length, modules: loaded.length, declarationFiles: declarations.length, declarationKb: kb(declarations) };
}

const [mode, a, b, workdir] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), process.argv[5] ?? fs.mkdtempSync('/tmp/scale-bench-')];
if (mode !== 'require') preloadDeferredModules();
const result = mode === 'workloads' ? workloads(a, b)
  : mode === 'generic' ? generic(a, b, workdir)
    : mode === 'vanilla' ? vanilla(a, b, workdir)
      : mode === 'vanilla-plus' ? vanilla(a, b, workdir, true)
        : mode === 'raw' ? raw(a, b, workdir)
          : mode === 'synth-workloads' ? synthInto('workloads', a, b, workdir)
            : mode === 'synth-generic' ? synthInto('generic', a, b, workdir)
              : mode === 'require' ? requireTimes(Number.isFinite(a) ? a : 9, process.argv.slice(4))
                : undefined;
if (!result) throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(result));
