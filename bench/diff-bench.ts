/**
 * `cdk8s-fleet diff` at fleet scale: two trees of C clusters × A apps (bench/fleet-generator.ts: 6 objects per
 * app and cluster, 60,202 files at 200 × 50), the head synthesized with a change to 2% of the (cluster, app)
 * pairs — a Deployment's replicas, a ConfigMap value and a Service port, three files each, 1% of all files.
 *
 * The diff runs as users run it: the library compiled to JavaScript (`tsc`, as the package ships it), the
 * `cdk8s-fleet diff` command in a fresh Node process per run. Each run reports the end-to-end wall time of the
 * process (Node start, module loading, both trees scanned, both plans computed with their ApplicationSets
 * expanded, the changed objects compared, the Markdown written) and, inside it, the time of the diff itself and
 * the CPU time of the process (both threads; on a busy machine wall time is what the machine allows, CPU time is
 * the work). It runs `runs` times with the trees as synthesized (hashes from the manifests, verified by the stat
 * cache) and once without stat caches (as in a fresh checkout: every file read and hashed).
 *
 * Usage: ts-node bench/diff-bench.ts <clusters> <apps> <workdir> [runs]   (prints one JSON line)
 *        ts-node bench/diff-bench.ts --synth <clusters> <apps> <outdir> <base|head>
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateFleet } from './fleet-generator';

/** 2% of the pairs: three files each, 1% of the tree's files. */
const CHANGED = (c: number, a: number) => (c * 7 + a * 13) % 50 === 0;

const ROOT = path.resolve(__dirname, '..');

/** The script each run executes: the CLI's diff in process, timed. */
const RUNNER = `
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const { diffCommand } = require('./lib/cli/plan.js');
const t1 = process.hrtime.bigint();
const result = diffCommand(process.argv[2], process.argv[3], {});
const t2 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
const summary = result.stdout.match(/\\*\\*Summary:\\*\\* (\\d+) cluster\\(s\\) touched · objects: \\d+ added, (\\d+) changed/);
console.log(JSON.stringify({
  loadMs: Math.round(Number(t1 - t0) / 1e6),
  diffMs: Math.round(Number(t2 - t1) / 1e6),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  clusters: Number(summary && summary[1]),
  objectsChanged: Number(summary && summary[2]),
  markdownChars: result.stdout.length,
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
`;

function synth(clusters: number, apps: number, outdir: string, side: string) {
  generateFleet({ clusters, apps, outdir, changed: side === 'head' ? CHANGED : undefined }).synthTree();
}

function child(args: string[]) {
  execFileSync(process.execPath, [...process.execArgv, __filename, ...args], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The library as the package ships it: compiled with the project's tsconfig into `<workdir>/lib`. */
function compile(workdir: string) {
  execFileSync(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', path.join(ROOT, 'tsconfig.json'), '--outDir', path.join(workdir, 'lib'), '--declaration', 'false', '--inlineSourceMap', 'false', '--inlineSources', 'false'], { stdio: 'inherit' });
  for (const link of ['node_modules', 'schemas']) fs.symlinkSync(path.join(ROOT, link), path.join(workdir, link));
  fs.writeFileSync(path.join(workdir, 'run.js'), RUNNER);
}

function run(workdir: string, base: string, head: string): any {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(workdir, 'run.js'), base, head], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
  if (r.status !== 0) throw new Error(`diff failed: ${r.stderr}`);
  return { wallMs, ...JSON.parse(r.stdout.trim().split('\n').pop()!) };
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--synth') {
    synth(Number(args[1]), Number(args[2]), args[3], args[4]);
    return;
  }
  const [clusters, apps] = [Number(args[0]), Number(args[1])];
  const workdir = args[2];
  const runs = Number(args[3] ?? 3);
  const base = path.join(workdir, 'base');
  const head = path.join(workdir, 'head');
  // Trees already there (a rerun into the same directory) are reused.
  if (!fs.existsSync(base)) child(['--synth', String(clusters), String(apps), base, 'base']);
  if (!fs.existsSync(head)) child(['--synth', String(clusters), String(apps), head, 'head']);
  if (!fs.existsSync(path.join(workdir, 'run.js'))) compile(workdir);
  execFileSync('sync');
  const results = [];
  for (let i = 0; i < runs; i++) results.push(run(workdir, base, head));
  // As in a fresh checkout of both trees: no stat cache, every file read and hashed.
  const cache = (t: string) => path.join(t, '.cdk8s-fleet/stat-cache.json');
  for (const t of [base, head]) fs.renameSync(cache(t), `${cache(t)}.off`);
  const unverified = run(workdir, base, head);
  for (const t of [base, head]) fs.renameSync(`${cache(t)}.off`, cache(t));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const files = JSON.parse(fs.readFileSync(path.join(head, '.cdk8s-fleet/manifest.json'), 'utf-8')).files;
  console.log(JSON.stringify({
    clusters,
    apps,
    files: Object.keys(files).length,
    clustersTouched: results[0].clusters,
    objectsChanged: results[0].objectsChanged,
    markdownChars: results[0].markdownChars,
    runs: results.map(r => ({ wallMs: r.wallMs, diffMs: r.diffMs, cpuMs: r.cpuMs })),
    medianWallMs: median(results.map(r => r.wallMs)),
    medianDiffMs: median(results.map(r => r.diffMs)),
    medianCpuMs: median(results.map(r => r.cpuMs)),
    withoutStatCache: { wallMs: unverified.wallMs, diffMs: unverified.diffMs, cpuMs: unverified.cpuMs },
    peakRssMb: Math.max(...results.map(r => r.peakRssMb), unverified.peakRssMb),
  }));
}

main();
