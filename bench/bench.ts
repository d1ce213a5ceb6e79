/**
 * `npm run bench`: synthesizes generated fleets of growing size, each in a fresh child process (so peak RSS
 * is per size), and prints objects/s, files, MB and peak RSS. A second, unchanged synth into the same tree
 * shows the cost of a no-op re-synth. Results go into BENCHMARKS.md by hand, with the machine and the date.
 *
 * Then rendered workloads (bench/workload-bench.ts): 200 clusters × 50 `Workload`s × 5 objects with typed
 * overrides, end to end; the offline ApplicationSet expansion (bench/expansion-bench.ts): 1,000 clusters ×
 * 100 ApplicationSets; and `cdk8s-fleet diff` of two 60,202-file trees that differ in 1% of their files
 * (bench/diff-bench.ts).
 *
 * The workload fleet runs three times (each in a fresh process); the median is the figure to quote, since this
 * VM's CPU and disk speed vary between runs.
 *
 * Then the scale figures of issue #17 (bench/scale-bench.ts): rendered workloads at 60k, 120k, 300k and 600k
 * objects, constructed and rendered in memory (µs per object, peak RSS); and the generic path (L1 ApiObjects in
 * ClusterManifests) against the same objects in a vanilla cdk8s App, with the raw-write baseline beside both.
 * Every line carries the load average when it started: the machine is shared.
 *
 * Usage: npm run bench [-- --sizes 10x10,50x20,100x50,200x50] [--workloads 200x50] [--workload-runs 3] [--expansion 1000x100] [--only-expansion]
 *        [--diff 200x50] [--diff-runs 3] [--only-diff] [--scale 100x100,200x100,500x100,1000x100] [--generic 200x50] [--only-scale]
 *        [--only-noop]
 *
 * `--only-noop` runs the no-op re-synth rows alone (the workload fleet 100 × 100 and the generic fleet `--generic`),
 * on a machine that has not just run the bigger rows: after minutes of them (600,000 objects, a gigabyte of
 * memory, both cores busy) the same no-op measured a fifth slower on this VM.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateFleet } from './fleet-generator';
import { preloadDeferredModules } from './preload';

const DEFAULT_SIZES = ['10x10', '50x20', '100x20', '100x50', '200x50'];

function runOne(clusters: number, apps: number, workdir: string) {
  // Trees are deleted only after every size ran: on this disk, creating many files soon after deleting many
  // is several times slower, which would measure the disk rather than the library.
  const outdir = fs.mkdtempSync(path.join(workdir, `${clusters}x${apps}-`));
  execFileSync('sync'); // start from a disk with no pending writeback
  const t0 = process.hrtime.bigint();
  let app: any = generateFleet({ clusters, apps, outdir });
  const t1 = process.hrtime.bigint();
  const first = app.synthTree();
  const t2 = process.hrtime.bigint();
  app = undefined; // let the first construct tree go before building the second
  const again = generateFleet({ clusters, apps, outdir });
  const t3 = process.hrtime.bigint();
  const second = again.synthTree();
  const t4 = process.hrtime.bigint();
  // Baseline: the same number of files of the same total size, written with plain writeFileSync. This disk's
  // speed varies several-fold with its recent history (see BENCHMARKS.md), so the write column only means
  // something next to it. It runs last so that its writeback does not slow the measured phases.
  execFileSync('sync');
  const rawdir = fs.mkdtempSync(path.join(workdir, `raw-${clusters}x${apps}-`));
  const tr0 = process.hrtime.bigint();
  for (let c = 0; c < clusters; c++) {
    for (let a = 0; a < apps; a++) {
      const dir = path.join(rawdir, 'clusters', `c${c}`, `a${a}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let f = 0; f < 6; f++) fs.writeFileSync(path.join(dir, `f${f}.yaml`), 'x'.repeat(570));
    }
  }
  const rawWriteMs = Number(process.hrtime.bigint() - tr0) / 1e6;

  let bytes = 0;
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else bytes += fs.statSync(p).size;
    }
  };
  walk(outdir);
  const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
  console.log(JSON.stringify({
    clusters,
    apps,
    objects: first.objectCount,
    files: first.written.length,
    mb: +(bytes / 1e6).toFixed(1),
    constructMs: Math.round(ms(t0, t1)),
    synthMs: Math.round(ms(t1, t2)),
    totalMs: Math.round(ms(t0, t2)),
    objectsPerSecond: Math.round(first.objectCount / (ms(t0, t2) / 1000)),
    resynthTotalMs: Math.round(ms(t2, t4)),
    resynthSynthMs: Math.round(ms(t3, t4)),
    resynthWritten: second.written.length,
    rawWriteMs: Math.round(rawWriteMs),
    renderMs: first.renderMilliseconds,
    writeMs: first.writeMilliseconds,
    resynthRenderMs: second.renderMilliseconds,
    resynthWriteMs: second.writeMilliseconds,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}

/** The machine and the date, the first line of every report. */
function printMachine(): void {
  console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}`);
}

function main() {
  preloadDeferredModules();
  const args = process.argv.slice(2);
  if (args[0] === '--one') {
    runOne(Number(args[1]), Number(args[2]), args[3]);
    return;
  }
  const sizesArg = args.indexOf('--sizes') >= 0 ? args[args.indexOf('--sizes') + 1] : undefined;
  const expansionArg = args.indexOf('--expansion') >= 0 ? args[args.indexOf('--expansion') + 1] : '1000x100';
  const workloadsArg = args.indexOf('--workloads') >= 0 ? args[args.indexOf('--workloads') + 1] : '200x50';
  const onlyExpansion = args.includes('--only-expansion');
  const diffArg = args.indexOf('--diff') >= 0 ? args[args.indexOf('--diff') + 1] : '200x50';
  const diffRuns = args.indexOf('--diff-runs') >= 0 ? Number(args[args.indexOf('--diff-runs') + 1]) : 3;
  if (args.includes('--only-diff')) {
    printMachine();
    diff(diffArg.split('x').map(Number), diffRuns);
    return;
  }
  const scaleArg = args.indexOf('--scale') >= 0 ? args[args.indexOf('--scale') + 1] : '100x100,200x100,500x100,1000x100';
  const genericArg = args.indexOf('--generic') >= 0 ? args[args.indexOf('--generic') + 1] : '200x50';
  if (args.includes('--only-noop')) {
    printMachine();
    const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-bench-noop-'));
    noopResynth(workdir, compiledBench(workdir), [100, 100], genericArg.split('x').map(Number));
    fs.rmSync(workdir, { recursive: true, force: true });
    return;
  }
  if (args.includes('--only-scale')) {
    printMachine();
    scale(scaleArg.split(',').map(x => x.split('x').map(Number)), genericArg.split('x').map(Number));
    return;
  }
  const workloadRuns = args.indexOf('--workload-runs') >= 0 ? Number(args[args.indexOf('--workload-runs') + 1]) : 3;
  const sizes = (sizesArg ? sizesArg.split(',') : DEFAULT_SIZES).map(s => s.split('x').map(Number));
  printMachine();
  if (!onlyExpansion) {
    // Workloads first, and their trees deleted last: this disk writes much slower for a while after mass
    // deletions (see BENCHMARKS.md).
    const workloadTrees = workloads(workloadsArg.split('x').map(Number), workloadRuns);
    synthSizes(sizes);
    fs.rmSync(workloadTrees, { recursive: true, force: true });
  }
  const [clusters, appSets] = expansionArg.split('x').map(Number);
  const out = execFileSync(process.execPath, [...process.execArgv, path.join(__dirname, 'expansion-bench.ts'), String(clusters), String(appSets)],
    { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  console.log('');
  console.log('| expansion: clusters × ApplicationSets | generated Applications | s | CPU s | Applications/s | peak RSS MB |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| ${r.clusters} × ${r.applicationSets} | ${r.applications} | ${(r.ms / 1000).toFixed(2)} | ${(r.cpuMs / 1000).toFixed(2)} | ${r.applicationsPerSecond} | ${r.peakRssMb} |`);
  diff(diffArg.split('x').map(Number), diffRuns);
  scale(scaleArg.split(',').map(x => x.split('x').map(Number)), genericArg.split('x').map(Number));
}

/** One run of bench/scale-bench.ts in a fresh process: its JSON line, with the load average when it started. */
function scaleRun(...args: string[]): any {
  return benchRun([...process.execArgv, path.join(__dirname, 'scale-bench.ts')], args);
}

/** Runs a bench script in a fresh process (`script`: Node's arguments up to the script) and parses its last line. */
function benchRun(script: string[], args: string[]): any {
  const load = os.loadavg()[0].toFixed(1);
  const out = execFileSync(process.execPath, [...script, ...args], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  return { ...JSON.parse(out.trim().split('\n').pop()!), load };
}

/** Issue #17: rendered workloads from 60k to 600k objects; the generic path against vanilla cdk8s. */
function scale(sizes: number[][], [clusters, apps]: number[]) {
  const s = (x: number) => (x / 1000).toFixed(2);
  const us = (x: number, n: number) => (x * 1000 / n).toFixed(1);
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-bench-scale-'));
  const compiled = compiledBench(workdir);
  console.log('');
  // Both ways: under ts-node as the rest of this bench runs (its TypeScript compiler adds ≈ 180 MB to every peak
  // RSS), and compiled to JavaScript as users run the package.
  console.log('| scale: workloads, clusters × apps × 5, in memory | code | objects | construct s | render s | µs/object (construct + render) | CPU µs/object | peak RSS MB | load |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [c, a] of sizes) {
    for (const code of ['ts-node', 'compiled'] as const) {
      const r = code === 'compiled' ? compiledRun(compiled, 'workloads', String(c), String(a)) : scaleRun('workloads', String(c), String(a));
      console.log(`| ${c} × ${a} × 5 | ${code} | ${r.objects} | ${s(r.constructMs)} | ${s(r.renderMs)} | ${us(r.constructMs + r.renderMs, r.objects)} | ${us(r.cpuMs, r.objects)} | ${r.peakRssMb} | ${r.load} |`);
    }
  }
  console.log('');
  console.log('| generic path vs vanilla cdk8s, clusters × apps × 5 | code | objects | construct s | synth s (render + write) | of which render s | synth CPU µs/object | raw write s (same files) | toJson µs/object (cdk8s → fast) | peak RSS MB | load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  // vanilla-plus: the applications as cdk8s-plus constructs (the "vanilla cdk8s-plus"); vanilla: the generic
  // fleet's own L1 objects in a plain cdk8s App (the same objects: the stricter comparison). Each code twice, the
  // modes alternating, so that both sides of a ratio ran minutes apart at most.
  const perObject: Record<string, Array<{ wall: number; cpu: number; render: number }>> = {};
  for (const code of ['ts-node', 'compiled'] as const) {
    for (const mode of ['vanilla-plus', 'vanilla', 'generic', 'vanilla-plus', 'vanilla', 'generic']) {
      execFileSync('sync');
      const r = code === 'compiled' ? compiledRun(compiled, mode, String(clusters), String(apps), workdir) : scaleRun(mode, String(clusters), String(apps), workdir);
      const rawRun = scaleRun('raw', String(r.files), mode === 'generic' ? '600' : String(r.objects / r.files * 600), workdir); // a vanilla file holds a cluster's objects
      const toJson = mode === 'generic' ? `${r.cdk8sToJsonUs.toFixed(1)} → ${r.fastToJsonUs.toFixed(1)}` : '';
      // The generic path's render is everything but the write (validation, proofs and plan included); vanilla
      // cdk8s has no separate figure: its synth, which writes one file per cluster, counts whole.
      const renderMs = mode === 'generic' ? r.renderMs : r.synthMs;
      console.log(`| ${mode} ${clusters} × ${apps} × 5 | ${code} | ${r.objects} | ${s(r.constructMs)} | ${s(r.synthMs)} | ${mode === 'generic' ? s(r.renderMs) : ''} | ${us(r.synthCpuMs, r.objects)} | ${s(rawRun.writeMs)} (${r.files} files) | ${toJson} | ${r.peakRssMb} | ${r.load} |`);
      (perObject[`${mode} ${code}`] ??= []).push({ wall: (r.constructMs + r.synthMs) / r.objects, cpu: r.synthCpuMs / r.objects, render: (r.constructMs + renderMs) / r.objects });
    }
  }
  for (const code of ['ts-node', 'compiled']) {
    const ratio = (base: string, i: number, k: 'wall' | 'cpu' | 'render') => (perObject[`${base} ${code}`][i][k] / perObject[`generic ${code}`][i][k]).toFixed(1);
    const both = (base: string, k: 'wall' | 'cpu' | 'render') => [0, 1].map(i => `${ratio(base, i, k)}×`).join(' / ');
    for (const base of ['vanilla-plus', 'vanilla']) {
      console.log(`${code}: generic path vs ${base}, per object: construct + render (all but writing the files) ${both(base, 'render')} in wall time; `
        + `construct + synth ${both(base, 'wall')} in wall time, ${both(base, 'cpu')} in synth CPU (the generic path's synth writes one file per object)`);
    }
  }
  noopResynth(workdir, compiled, [100, 100], [clusters, apps]);
  fs.rmSync(workdir, { recursive: true, force: true });
}

/**
 * The no-op re-synth of issue #17: each fleet synthesized into a fresh directory, then three more times into the
 * same one, every run a fresh process (as CI runs the program again); runs 2–4 write nothing. Twice: under
 * ts-node, as the rest of this bench runs, and compiled to JavaScript as users run the package (under ts-node the
 * worker threads compile their TypeScript modules while the render runs, which no user pays).
 */
function noopResynth(workdir: string, compiled: string, [wc, wa]: number[], [gc, ga]: number[]) {
  const s = (x: number) => (x / 1000).toFixed(2);
  console.log('');
  console.log('| no-op re-synth | objects | code | run | construct s | render s | check s (write step) | render + check s | CPU s | files written | peak RSS MB | load |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const [kind, c, a] of [['workloads', wc, wa], ['generic', gc, ga]] as const) {
    for (const code of ['ts-node', 'compiled'] as const) {
      const outdir = fs.mkdtempSync(path.join(workdir, `noop-${kind}-`));
      for (let run = 1; run <= 4; run++) {
        execFileSync('sync');
        const r = code === 'compiled' ? compiledRun(compiled, `synth-${kind}`, String(c), String(a), outdir) : scaleRun(`synth-${kind}`, String(c), String(a), outdir);
        const label = run === 1 ? 'first synth (fresh directory)' : `re-synth ${run - 1}`;
        console.log(`| ${kind} ${c} × ${a} × 5 | ${r.objects} | ${code} | ${label} | ${s(r.constructMs)} | ${s(r.renderMs)} | ${s(r.writeMs)} | ${s(r.renderMs + r.writeMs)} | ${s(r.cpuMs)} | ${r.written} | ${r.peakRssMb} | ${r.load} |`);
      }
    }
  }
}

/**
 * The bench and the library compiled to JavaScript with tsc into `<workdir>/compiled`, laid out as the package is
 * (its package.json beside the code, so the library fingerprint is the package's; the schemas; node_modules),
 * with the worker threads' entry modules, which nothing imports.
 */
function compiledBench(workdir: string): string {
  const root = path.resolve(__dirname, '..');
  const out = path.join(workdir, 'compiled');
  const entries = ['bench/scale-bench.ts', 'src/gitops/object-worker.ts', 'src/gitops/tree-check-worker.ts', 'src/gitops/tree-scan-worker.ts'];
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), [
    '--outDir', out, '--rootDir', root, '--module', 'commonjs', '--target', 'es2022', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule',
    '--experimentalDecorators', '--strict', '--types', 'node', ...entries.map(e => path.join(root, e)),
  ], { stdio: 'inherit' });
  fs.copyFileSync(path.join(root, 'package.json'), path.join(out, 'package.json'));
  for (const link of ['schemas', 'node_modules']) fs.symlinkSync(path.join(root, link), path.join(out, link));
  return out;
}

/** One run of the compiled scale bench (see `compiledBench`), as `scaleRun` runs it under ts-node. */
function compiledRun(compiled: string, ...args: string[]): any {
  return benchRun([path.join(compiled, 'bench', 'scale-bench.js')], args);
}

/** `cdk8s-fleet diff` of two generated trees that differ in 1% of their files (bench/diff-bench.ts). */
function diff([clusters, apps]: number[], runs: number) {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-bench-diff-'));
  const out = execFileSync(process.execPath, [...process.execArgv, path.join(__dirname, 'diff-bench.ts'), String(clusters), String(apps), workdir, String(runs)],
    { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  const s = (x: number) => (x / 1000).toFixed(2);
  console.log('');
  console.log('| diff: clusters × apps | files per tree | objects changed | run | process wall s | diff s | CPU s (both threads) | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|');
  r.runs.forEach((x: any, i: number) => console.log(`| ${r.clusters} × ${r.apps} | ${r.files} | ${r.objectsChanged} | ${i + 1} | ${s(x.wallMs)} | ${s(x.diffMs)} | ${s(x.cpuMs)} | ${r.peakRssMb} |`));
  const u = r.withoutStatCache;
  console.log(`| ${r.clusters} × ${r.apps} | ${r.files} | ${r.objectsChanged} | no stat cache | ${s(u.wallMs)} | ${s(u.diffMs)} | ${s(u.cpuMs)} | ${r.peakRssMb} |`);
  console.log(`\ndiff over ${runs} run(s): median ${s(r.medianWallMs)} s end to end (${s(r.medianDiffMs)} s in the diff), ${r.clustersTouched} clusters touched, Markdown ${r.markdownChars} chars`);
  fs.rmSync(workdir, { recursive: true, force: true });
}

/** Runs the workload fleet; returns the directory of its trees, for the caller to delete at the very end. */
function workloads([clusters, apps]: number[], runs: number): string {
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-bench-workloads-'));
  const s = (x: number) => (x / 1000).toFixed(2);
  console.log('');
  console.log('| workloads: clusters × apps × 5 objects | run | objects | construct s | render s (incl. proofs) | write s | raw write s | total s | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const totals: number[] = [];
  // Each run in a fresh process and a fresh directory; the trees are deleted only after the last run (deleting
  // many files slows this disk down for a while).
  for (let run = 1; run <= runs; run++) {
    execFileSync('sync');
    const out = execFileSync(process.execPath, [...process.execArgv, path.join(__dirname, 'workload-bench.ts'), String(clusters), String(apps), workdir],
      { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    totals.push(r.totalMs);
    console.log(`| ${r.clusters} × ${r.apps} × 5 | ${run} | ${r.objects} | ${s(r.constructMs)} | ${s(r.renderMs)} | ${s(r.writeMs)} | ${s(r.rawWriteMs)} | ${s(r.totalMs)} | ${r.peakRssMb} |`);
  }
  const sorted = [...totals].sort((a, b) => a - b);
  console.log(`\nworkloads end to end over ${runs} run(s): median ${s(sorted[Math.floor((runs - 1) / 2)])} s, best ${s(sorted[0])} s, worst ${s(sorted[runs - 1])} s`);
  // What the per-cluster render hook costs: the same fleet with a fifth of the applications, each rendering its
  // definition once per cluster.
  const perClusterApps = Math.max(1, Math.round(apps / 5));
  const out = execFileSync(process.execPath, [...process.execArgv, path.join(__dirname, 'workload-bench.ts'), String(clusters), String(perClusterApps), workdir, 'per-cluster'],
    { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  const r = JSON.parse(out.trim().split('\n').pop()!);
  console.log(`renderPerCluster, ${r.clusters} × ${r.apps} × 5 (${r.objects} objects): construct ${s(r.constructMs)} s, render ${s(r.renderMs)} s, `
    + `write ${s(r.writeMs)} s, total ${s(r.totalMs)} s, peak RSS ${r.peakRssMb} MB`);
  console.log('');
  return workdir;
}

function synthSizes(sizes: number[][]) {
  console.log('| clusters × apps | objects | files | MB | construct s | render s | write s | raw write s | total s | objects/s | no-op re-synth s (render + check) | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-bench-'));
  for (const [clusters, apps] of sizes) {
    const out = execFileSync(process.execPath, [...process.execArgv, __filename, '--one', String(clusters), String(apps), workdir],
      { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    const s = (x: number) => (x / 1000).toFixed(2);
    console.log(`| ${clusters} × ${apps} | ${r.objects} | ${r.files} | ${r.mb} | ${s(r.constructMs)} | ${s(r.renderMs)} | ${s(r.writeMs)} | ${s(r.rawWriteMs)} | ${s(r.totalMs)} | ${r.objectsPerSecond} | ${s(r.resynthSynthMs)} (${s(r.resynthRenderMs)} + ${s(r.resynthWriteMs)}) | ${r.peakRssMb} |`);
  }
  fs.rmSync(workdir, { recursive: true, force: true });
}

main();
