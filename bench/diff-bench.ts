/**
 * `cdk8s-fleet diff` at fleet scale: two trees of C clusters × A apps (bench/fleet-generator.ts: 6 objects per
 * app and cluster, 60,202 files at 200 × 50), the head synthesized with a change to 2% of the (cluster, app)
 * pairs — a Deployment's replicas, a ConfigMap value and a Service port, three files each, 1% of all files.
 *
 * Each diff runs in a fresh process (nothing cached, schemas not involved) and is timed end to end: both trees
 * scanned, both plans computed (ApplicationSets expanded), the changed objects compared, the Markdown rendered.
 * It runs `runs` times with the trees as synthesized (hashes from the manifests, verified by the stat cache)
 * and once without stat caches (as in a fresh checkout: every file read and hashed).
 *
 * Usage: ts-node bench/diff-bench.ts <clusters> <apps> <workdir> [runs]   (prints one JSON line)
 *        ts-node bench/diff-bench.ts --synth <clusters> <apps> <outdir> <base|head>
 *        ts-node bench/diff-bench.ts --diff <base> <head>
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateFleet } from './fleet-generator';
import { diffMarkdown, diffSummary } from '../src/gitops/diff-report';
import { diffTrees } from '../src/gitops/tree-diff';

/** 2% of the pairs: three files each, 1% of the tree's files. */
const CHANGED = (c: number, a: number) => (c * 7 + a * 13) % 50 === 0;

function synth(clusters: number, apps: number, outdir: string, side: string) {
  generateFleet({ clusters, apps, outdir, changed: side === 'head' ? CHANGED : undefined }).synthTree();
}

function diff(base: string, head: string) {
  const t0 = process.hrtime.bigint();
  const { diff: d } = diffTrees(base, head);
  const markdown = diffMarkdown(d);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const s = diffSummary(d);
  console.log(JSON.stringify({
    ms: Math.round(ms),
    files: d.objects!.files,
    clusters: s.clustersTouched,
    objectsChanged: s.objectsChanged,
    markdownChars: markdown.length,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }));
}

function child(args: string[]): any {
  const out = execFileSync(process.execPath, [...process.execArgv, __filename, ...args], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop() || '{}');
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--synth') {
    synth(Number(args[1]), Number(args[2]), args[3], args[4]);
    console.log('{}');
    return;
  }
  if (args[0] === '--diff') {
    diff(args[1], args[2]);
    return;
  }
  const [clusters, apps] = [Number(args[0]), Number(args[1])];
  const workdir = args[2];
  const runs = Number(args[3] ?? 3);
  const base = path.join(workdir, 'base');
  const head = path.join(workdir, 'head');
  child(['--synth', String(clusters), String(apps), base, 'base']);
  child(['--synth', String(clusters), String(apps), head, 'head']);
  execFileSync('sync');
  const results = [];
  for (let i = 0; i < runs; i++) results.push(child(['--diff', base, head]));
  // As in a fresh checkout of both trees: no stat cache, every file read and hashed.
  for (const t of [base, head]) fs.renameSync(path.join(t, '.cdk8s-fleet/stat-cache.json'), path.join(t, '.cdk8s-fleet/stat-cache.json.off'));
  const unverified = child(['--diff', base, head]);
  for (const t of [base, head]) fs.renameSync(path.join(t, '.cdk8s-fleet/stat-cache.json.off'), path.join(t, '.cdk8s-fleet/stat-cache.json'));
  const sorted = results.map(r => r.ms).sort((a, b) => a - b);
  console.log(JSON.stringify({
    clusters,
    apps,
    files: results[0].files,
    clustersTouched: results[0].clusters,
    objectsChanged: results[0].objectsChanged,
    markdownChars: results[0].markdownChars,
    runsMs: results.map(r => r.ms),
    medianMs: sorted[Math.floor((runs - 1) / 2)],
    withoutStatCacheMs: unverified.ms,
    peakRssMb: Math.max(...results.map(r => r.peakRssMb), unverified.peakRssMb),
  }));
}

main();
