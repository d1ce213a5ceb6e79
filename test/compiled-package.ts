import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** The newest modification time of any file under `dir`. */
function newest(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true })
    .reduce((m, d) => Math.max(m, d.isDirectory() ? newest(path.join(dir, d.name)) : fs.statSync(path.join(dir, d.name)).mtimeMs), 0);
}

function fresh(lib: string): boolean {
  const index = path.join(lib, 'index.js');
  return fs.existsSync(index) && fs.existsSync(path.join(lib, 'index.d.ts')) && fs.statSync(index).mtimeMs >= newest(path.join(ROOT, 'src'));
}

/**
 * lib/ (what npm pack ships) compiled from the current src/, its directory returned: compiles with jsii
 * (`npx projen compile`) when it is missing or older than src/, as `npx projen build` does before the tests. Test
 * files that run at the same time wait for one compile (a lock directory; one older than 15 minutes is stale).
 */
export function ensureCompiled(): string {
  const lib = path.join(ROOT, 'lib');
  if (fresh(lib)) return lib;
  const lock = path.join(os.tmpdir(), `cdk8s-fleet-compile-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 15 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      } catch { /* removed meanwhile */ }
      Atomics.wait(sleep, 0, 0, 1000);
    }
  }
  try {
    if (fresh(lib)) return lib; // compiled by the test file that held the lock
    const env = { ...process.env };
    delete env.CI;
    delete env.CDK8S_OUTDIR;
    delete env.JEST_WORKER_ID;
    const r = spawnSync('npx', ['projen', 'compile'], { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`npx projen compile failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
    return lib;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
