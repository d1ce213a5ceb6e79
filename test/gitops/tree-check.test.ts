import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { generation } from './fixtures/tree-generations';
import * as treeCheck from '../../src/gitops/tree-check';
import { checkVouchedTree, Control, startTreeCheck, takeChunks, vouchedNoop } from '../../src/gitops/tree-check';
import { scanTree } from '../../src/gitops/tree-scan';
import * as treeState from '../../src/gitops/tree-state';
import { entryText } from '../../src/gitops/tree-state';
import { writeTree } from '../../src/gitops/tree-writer';
import { planInputKey, planInputKeys } from '../../src/gitops/verdict-cache';
import * as workerScripts from '../../src/private/worker-script';
import { webFleetApp } from '../util';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-check-'));
const files = (gen: number) => [...generation(gen)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, content]) => ({ path: p, content }));

/** A tree written and settled: every file, and the manifest, older than the stat cache (none "racily clean"). */
function settledTree(gen = 1): string {
  const dir = fs.realpathSync(tmp());
  writeTree(dir, generation(gen));
  const settle = Date.now() + 20;
  while (Date.now() < settle) { /* a new millisecond for the cache's timestamp */ }
  writeTree(dir, generation(gen));
  return dir;
}

describe('the check of an untouched tree', () => {
  test('an untouched tree is vouched for, and writing the same files then reads nothing', () => {
    // GIVEN a settled tree, checked
    const dir = settledTree();
    const vouched = checkVouchedTree(dir);
    // WHEN the same files are written with the check's result
    const read = jest.spyOn(treeState.StatCache, 'read');
    let result: ReturnType<typeof writeTree> | undefined;
    try {
      result = writeTree(dir, files(1), { vouched });
    } finally {
      read.mockRestore();
    }
    // THEN the check vouched for it, and the write changed nothing without reading the stat cache (or the files)
    expect(vouched?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(result).toStrictEqual({ written: [], deleted: [], unchanged: files(1).length, recovered: undefined });
    expect(read).not.toHaveBeenCalled();
    expect(vouchedNoop(dir, vouched!, files(1))).toBe(true);
  });

  test('other files than the vouched ones are written by the full check', () => {
    // GIVEN a settled tree of generation 1, checked
    const dir = settledTree();
    const vouched = checkVouchedTree(dir)!;
    // WHEN generation 2 is written with that check's result
    const result = writeTree(dir, files(2), { vouched });
    // THEN it is not a no-op: the changes are written
    expect(vouchedNoop(dir, vouched, files(1))).toBe(false); // the manifest changed since the check
    expect(result.written.length + result.deleted.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(dir, files(2)[0].path), 'utf-8')).toBe(files(2)[0].content);
  });

  test.each([
    ['an interrupted write (a journal)', (dir: string) => fs.writeFileSync(path.join(dir, '.cdk8s-fleet', 'journal.json'), '{}')],
    ['a staging directory left behind', (dir: string) => fs.mkdirSync(path.join(dir, '.cdk8s-fleet', 'staging'))],
    ['the manifest edited', (dir: string) => fs.appendFileSync(path.join(dir, '.cdk8s-fleet', 'manifest.json'), ' ')],
    ['the stat cache removed', (dir: string) => fs.rmSync(path.join(dir, '.cdk8s-fleet', 'stat-cache'))],
  ])('%s: nothing is vouched for, and the writer checks by itself', (_what, touch) => {
    // GIVEN a settled tree
    const dir = settledTree();
    // WHEN its state is touched, then checked
    touch(dir);
    // THEN the check concludes nothing
    expect(checkVouchedTree(dir)).toBeUndefined();
  });

  test.each([
    ['edited', (dir: string, rel: string) => fs.appendFileSync(path.join(dir, rel), '# edited\n')],
    ['removed', (dir: string, rel: string) => fs.rmSync(path.join(dir, rel))],
    ['replaced by a link', (dir: string, rel: string) => {
      fs.rmSync(path.join(dir, rel));
      fs.symlinkSync('/etc/hostname', path.join(dir, rel));
    }],
    ['reached through a link (a directory on the way replaced by one)', (dir: string, rel: string) => {
      const parent = path.join(dir, path.dirname(rel));
      fs.renameSync(parent, `${parent}.moved`);
      fs.symlinkSync(`${parent}.moved`, parent);
    }],
  ])('a managed file %s before the check: the check reads only the state, and the writer\'s last look sees it', (_what, touch) => {
    // GIVEN a settled tree, one of whose files is touched
    const dir = settledTree();
    const rel = files(1).find(f => f.path.includes('/'))!.path;
    touch(dir, rel);
    // WHEN it is checked (the state files only: every file's stat is compared after the render)
    const vouched = checkVouchedTree(dir)!;
    // THEN writing the same files is not a no-op
    expect(vouched.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(vouchedNoop(dir, vouched, files(1))).toBe(false);
  });

  test.each([
    ['edited, keeping its size', /edited since cdk8s-fleet wrote it/, (dir: string, rel: string) => {
      const file = path.join(dir, rel);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace(/[a-z]/, c => (c === 'a' ? 'b' : 'a')));
    }],
    ['removed', undefined, (dir: string, rel: string) => fs.rmSync(path.join(dir, rel))],
    ['reached through a link (its directory moved and linked back)', /symbolic link/, (dir: string, rel: string) => {
      const parent = path.join(dir, path.dirname(rel));
      fs.renameSync(parent, `${parent}.moved`);
      fs.symlinkSync(`${parent}.moved`, parent);
    }],
  ])('a managed file %s after the check (while the program rendered) is seen by the writer', (_what, refusal, touch) => {
    // GIVEN a settled tree, checked
    const dir = settledTree();
    const vouched = checkVouchedTree(dir)!;
    const rel = files(1).find(f => f.path.includes('/'))!.path;
    // WHEN the file is touched after the check, and the same files are written with the check's result
    touch(dir, rel);
    const noop = vouchedNoop(dir, vouched, files(1));
    let error = '';
    let written: string[] = [];
    try {
      written = writeTree(dir, files(1), { vouched }).written;
    } catch (e) {
      error = (e as Error).message;
    }
    // THEN the check no longer holds, and the writer's full check deals with it as without the worker:
    // it refuses an edited file or a link on the way, and writes a removed file again
    expect(noop).toBe(false);
    if (refusal) {
      expect(error).toMatch(refusal);
    } else {
      expect([error, written]).toEqual(['', [rel]]);
    }
  });

  test('a state file touched after the check makes the writer check by itself', () => {
    // GIVEN a settled tree, checked
    const dir = settledTree();
    const vouched = checkVouchedTree(dir)!;
    // WHEN the stat cache is rewritten afterwards (another synth, say)
    const cache = path.join(dir, '.cdk8s-fleet', 'stat-cache');
    fs.writeFileSync(cache, fs.readFileSync(cache));
    // THEN the check no longer holds
    expect(vouchedNoop(dir, vouched, files(1))).toBe(false);
  });

  test('files the manifest does not list (added by hand) do not stop a no-op', () => {
    // GIVEN a settled tree with a file of someone else's beside the managed ones
    const dir = settledTree();
    fs.writeFileSync(path.join(dir, 'README.md'), 'not ours\n');
    // WHEN it is checked
    const vouched = checkVouchedTree(dir);
    // THEN it is vouched for, and writing the same files leaves that file alone
    expect(vouched).toBeDefined();
    expect(writeTree(dir, files(1), { vouched }).written).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf-8')).toBe('not ours\n');
  });

  test('the worker thread reaches the same conclusion as the main thread', () => {
    // GIVEN a settled tree
    const dir = settledTree();
    // WHEN it is checked on a worker (no size threshold) and on this thread
    const check = startTreeCheck(dir, 0);
    const onWorker = check?.finish();
    check?.cancel();
    // THEN both vouch for the same entries
    expect(check).toBeDefined();
    const here = checkVouchedTree(dir)!;
    expect([onWorker?.digest, onWorker?.state, Array.from(onWorker?.stats ?? [])]).toEqual([here.digest, here.state, Array.from(here.stats)]);
    expect(here.stats.length).toBe(files(1).length * 4);
  });

  test.each([
    ['no file', undefined, true, false],
    ['the first file', 0, false, false],
    ['the last file', -1, false, false],
    ['a file in the middle', Math.floor(files(1).length / 2), false, false],
    ['no file', undefined, true, true],
    ['the first file', 0, false, true],
    ['the last file', -1, false, true],
    ['a file in the middle', Math.floor(files(1).length / 2), false, true],
  ])('with the worker, the writer\'s last look (shared with the worker) finds %s edited since the check (worker looking before the writer: %s)', (_what, which, expected, early) => {
    // GIVEN a settled tree, checked on a worker
    const dir = settledTree();
    const check = startTreeCheck(dir, 0)!;
    try {
      const vouched = check.finish()!;
      // WHEN a file is edited after the check (keeping its size), then (with `early`, the render being done) the
      // worker begins its last look, and the writer takes its own
      if (which !== undefined) {
        const rel = files(1).at(which)!.path;
        const file = path.join(dir, rel);
        fs.writeFileSync(file, fs.readFileSync(file, 'utf-8').replace(/[a-z]/, c => (c === 'a' ? 'b' : 'a')));
      }
      if (early) check.lookAgain();
      // THEN the no-op holds only when nothing was edited
      expect(vouched.otherPart).toBeDefined();
      expect(vouchedNoop(dir, vouched, files(1))).toBe(expected);
    } finally {
      check.cancel();
    }
  });

  test('GIVEN the worker told to look again before its own check is done WHEN the writer takes its last look THEN the no-op holds, and a cancelled check ignores it', () => {
    // GIVEN a settled tree; the worker told at once (as the synth does when its render is quick)
    const dir = settledTree();
    const check = startTreeCheck(dir, 0)!;
    try {
      check.lookAgain();
      const vouched = check.finish()!;
      // WHEN / THEN
      expect(vouchedNoop(dir, vouched, files(1))).toBe(true);
    } finally {
      check.cancel();
    }
    const other = startTreeCheck(dir, 0)!;
    other.cancel();
    other.lookAgain(); // (after cancel: nothing)
  });

  test('a check that is never used is stopped without waiting', () => {
    // GIVEN a check started on a worker, its result taken but never used by a writer
    const dir = settledTree();
    const check = startTreeCheck(dir, 0)!;
    expect(check.finish()).toBeDefined();
    // WHEN it is cancelled (the render failed, or the writer took another way)
    // THEN that returns at once
    const started = Date.now();
    check.cancel();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test.each([
    ['throws while loading', "throw new Error('no worker today');"],
    ['dies before it posts', 'process.exit(1);'],
  ])('GIVEN a check whose worker %s WHEN the writer asks for it THEN it has none, at once, and writes the same tree', (_what, source) => {
    // GIVEN a settled tree, and a worker script that fails
    const dir = settledTree();
    const file = path.join(tmp(), 'worker.js');
    fs.writeFileSync(file, source);
    const spy = jest.spyOn(workerScripts, 'workerScript').mockReturnValue({ file, execArgv: [] });
    try {
      const check = startTreeCheck(dir, 0)!;
      // WHEN
      const began = Date.now();
      const vouched = check.finish();
      check.cancel();
      // THEN (not after the minute the writer waits for a worker that lives)
      expect(vouched).toBeUndefined();
      expect(Date.now() - began).toBeLessThan(30_000);
      expect(writeTree(dir, files(1)).written).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  test('small trees, and directories without a manifest, are not checked on a worker', () => {
    // GIVEN a settled small tree and an empty directory
    const dir = settledTree();
    // WHEN checks are started with the default threshold
    // THEN none starts
    expect(startTreeCheck(dir)).toBeUndefined();
    expect(startTreeCheck(tmp(), 0)).toBeUndefined();
  });
});

describe('a FleetApp re-synth', () => {
  const program = (outdir: string, data: string) => webFleetApp(outdir, { data });

  test('checks the tree on a worker while rendering, and a changed program still writes its change', () => {
    // GIVEN a settled tree, and checks started without the size threshold
    const outdir = fs.realpathSync(tmp());
    program(outdir, '1').synth();
    const settle = Date.now() + 20;
    while (Date.now() < settle) { /* a new millisecond */ }
    program(outdir, '1').synth();
    const original = treeCheck.startTreeCheck;
    const start = jest.spyOn(treeCheck, 'startTreeCheck').mockImplementation(dir => original(dir, 0));
    const noop = jest.spyOn(treeCheck, 'vouchedNoop');
    try {
      // WHEN the same program runs again, then a changed one
      const same = program(outdir, '1').synthTree();
      const changed = program(outdir, '2').synthTree();
      // THEN the first is a no-op vouched for by the worker's check, and the second writes its change
      expect(start).toHaveBeenCalledTimes(2);
      expect(noop.mock.results.map(r => r.value)).toEqual([true, false]);
      expect(same.written).toEqual([]);
      expect(changed.written).toEqual(['clusters/prod/web/ConfigMap.web.yaml']);
    } finally {
      start.mockRestore();
      noop.mockRestore();
    }
  });
});

describe('takeChunks (the shared cursor of the last look)', () => {
  test('GIVEN two takers of one cursor WHEN the first finds nothing changed THEN every file is looked at once, in chunks, and the second gets none', () => {
    // GIVEN
    const control = new Int32Array(new SharedArrayBuffer(4 * 5));
    const seen: Array<[number, number]> = [];
    // WHEN
    takeChunks(control, 600, (from, to) => { seen.push([from, to]); return true; });
    takeChunks(control, 600, (from, to) => { seen.push([from, to]); return true; });
    // THEN
    expect(seen).toEqual([[0, 256], [256, 512], [512, 600]]);
    expect(control[Control.CHANGED]).toBe(0);
  });

  test('GIVEN a chunk found changed, or one that throws WHEN taken THEN both takers stop', () => {
    // GIVEN
    const changed = new Int32Array(new SharedArrayBuffer(4 * 5));
    const thrown = new Int32Array(new SharedArrayBuffer(4 * 5));
    let calls = 0;
    // WHEN
    takeChunks(changed, 10_000, () => ++calls < 2);
    takeChunks(changed, 10_000, () => { calls += 100; return true; });
    expect(() => takeChunks(thrown, 10_000, () => { throw new Error('EIO'); })).toThrow('EIO');
    // THEN
    expect(calls).toBe(2);
    expect(changed[Control.CHANGED]).toBe(1);
    expect(thrown[Control.CHANGED]).toBe(1);
  });
});

describe('the entries digest computed with the plan key', () => {
  test('property: an entry\'s text is its path and hash JSON-quoted, whatever the strings (and for other values)', () => {
    // GIVEN tree-like paths and hashes, any strings, and values that are not strings
    const treeLike = fc.stringMatching(/^[\w.%/-]{0,40}$/);
    fc.assert(fc.property(fc.oneof(treeLike, fc.string(), fc.string({ unit: 'binary' })), fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.string(), fc.constant(undefined), fc.integer()), (p, h) => {
      // WHEN / THEN
      expect(entryText(p, h)).toBe(`${JSON.stringify(p)} ${JSON.stringify(h)}`);
    }), { numRuns: 3000 });
    expect(entryText('a"b\\c\n', 'é\u2028\ud800')).toBe(`${JSON.stringify('a"b\\c\n')} ${JSON.stringify('é\u2028\ud800')}`);
  });

  test('GIVEN a synthesized tree WHEN its files are rendered again THEN planInputKeys gives the digest the check computes from the manifest', () => {
    // GIVEN
    const dir = tmp();
    webFleetApp(dir).synth();
    // WHEN
    const rendered = webFleetApp(dir)._render().files;
    const keys = planInputKeys({ files: rendered, rest: {} });
    // THEN
    expect(keys.entries).toBe(checkVouchedTree(dir)!.digest);
    expect(keys.plan).toBe(planInputKey({ files: rendered, rest: {} }));
    // and it depends on every entry
    expect(planInputKeys({ files: rendered.slice(1), rest: {} }).entries).not.toBe(keys.entries);
  });
});

describe('the stat cache (what the check reads instead of the manifest)', () => {
  const cacheOf = (dir: string) => path.join(dir, '.cdk8s-fleet', 'stat-cache');
  const manifestOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, '.cdk8s-fleet', 'manifest.json'), 'utf-8')).files as Record<string, string>;

  test('GIVEN a settled tree WHEN the cache is read THEN it holds the manifest\'s paths in order, the digest of its entries, and each file\'s stat', () => {
    // GIVEN
    const dir = settledTree();
    // WHEN
    const manifest = treeState.StatCache.read(dir).vouchedManifest()!;
    // THEN as computed from the manifest itself and the files
    const entries = manifestOf(dir);
    const paths = Object.keys(entries).sort((a, b) => (a < b ? -1 : 1));
    expect(manifest.paths).toEqual(paths);
    expect(manifest.digest).toBe(treeState.entriesDigest(paths.length, i => paths[i], i => entries[paths[i]]));
    paths.forEach((p, i) => expect([...manifest.stats.subarray(i * 4, i * 4 + 4)]).toEqual(treeState.statRecord(fs.lstatSync(path.join(dir, p)))));
    expect(fs.readFileSync(cacheOf(dir)).subarray(0, 24).toString('latin1')).toBe('cdk8s-fleet stat cache 4');
  });

  test.each([
    ['truncated', (b: Buffer) => b.subarray(0, b.length - 1)],
    ['one byte longer', (b: Buffer) => Buffer.concat([b, Buffer.from('x')])],
    ['another version', (b: Buffer) => Buffer.from(b.toString('latin1').replace('stat cache 4', 'stat cache 5'), 'latin1')],
    ['the other byte order', (b: Buffer) => Buffer.from(b.toString('latin1').replace(/^(cdk8s-fleet stat cache 4) (LE|BE)/, (_m, t, e) => `${t} ${e === 'LE' ? 'BE' : 'LE'}`), 'latin1')],
    ['a digest that is not one', (b: Buffer) => Buffer.from(b.toString('latin1').replace(/ [0-9a-f]{64} /, ' 0123 '), 'latin1')],
    ['the JSON of an earlier release', () => Buffer.from('{"version":2,"manifest":[1,2,3,4],"files":{}}')],
    ['empty', () => Buffer.alloc(0)],
  ])('GIVEN a stat cache %s WHEN the tree is checked and written again THEN nothing is vouched for, and the writer reads the files', (_what, damage) => {
    // GIVEN a settled tree whose cache is damaged (its stat kept older than nothing: written now)
    const dir = settledTree();
    fs.writeFileSync(cacheOf(dir), damage(fs.readFileSync(cacheOf(dir))));
    // WHEN
    const cache = treeState.StatCache.read(dir);
    const vouched = checkVouchedTree(dir);
    const result = writeTree(dir, files(1));
    // THEN
    expect(cache.manifestVouched).toBe(false);
    expect(cache.vouchableRecord(files(1)[0].path)).toBeUndefined();
    expect(vouched).toBeUndefined();
    expect(result.written).toEqual([]);
    expect(treeState.StatCache.read(dir).vouchedManifest()?.digest).toBe(treeState.StatCache.read(settledTree()).vouchedManifest()!.digest); // rewritten whole
  });

  test('GIVEN a tree an earlier release wrote (stat-cache.json, an older .gitignore) WHEN written again THEN the cache takes its new name, and Git ignores it', () => {
    // GIVEN
    const dir = settledTree();
    const ignore = path.join(dir, '.cdk8s-fleet', '.gitignore');
    fs.renameSync(cacheOf(dir), path.join(dir, '.cdk8s-fleet', 'stat-cache.json'));
    fs.writeFileSync(ignore, '# written by cdk8s-fleet: local state, not part of the tree\n/stat-cache.json\n/stat-cache.json.tmp\n/verdict-cache\n/verdict-cache.tmp\n/journal.json.tmp\n');
    // WHEN the same files are written (nothing vouched for: every file read once)
    expect(writeTree(dir, files(1)).written).toEqual([]);
    // THEN
    expect(fs.existsSync(path.join(dir, '.cdk8s-fleet', 'stat-cache.json'))).toBe(false);
    expect(fs.existsSync(cacheOf(dir))).toBe(true);
    expect(fs.readFileSync(ignore, 'utf-8')).toBe(treeState.STATE_GITIGNORE);
    expect(treeState.STATE_GITIGNORE.split('\n')).toEqual(expect.arrayContaining(['/stat-cache', '/stat-cache.tmp', '/stat-cache.json']));
  });

  test('GIVEN a settled tree WHEN diff and plan scan it THEN they take the manifest\'s hash of each vouched file, and hash an edited one', () => {
    // GIVEN a settled tree, one of whose files is edited keeping its size
    const dir = settledTree();
    const rel = files(1).find(f => f.path.includes('/'))!.path;
    const before = scanTree(dir);
    const file = path.join(dir, rel);
    const edited = fs.readFileSync(file, 'utf-8').replace(/[a-z]/, c => (c === 'a' ? 'b' : 'a'));
    fs.writeFileSync(file, edited);
    // WHEN
    const after = scanTree(dir);
    // THEN every file was vouched for before; the edited one is hashed now, with its new bytes
    expect(before.trusted).toBe(files(1).length);
    expect(after.trusted).toBe(files(1).length - 1);
    expect(after.hashes.get(rel)).toBe(createHash('sha256').update(edited).digest('hex'));
    expect(after.hashes.get(rel)).not.toBe(before.hashes.get(rel));
  });

  test('GIVEN a file whose stat the writer could not record WHEN the cache is read THEN that file is not vouched for, nor is the manifest as a whole', () => {
    // GIVEN a settled tree whose cache lacks one record (NaN), rewritten as the writer writes it
    const dir = settledTree();
    const list = files(1);
    const entries = manifestOf(dir);
    const stats = list.map(f => treeState.statRecord(fs.lstatSync(path.join(dir, f.path))));
    const settle = Date.now() + 20;
    while (Date.now() < settle) { /* a new millisecond: the records are older than the cache */ }
    treeState.writeStatCache(dir, list, stats.map((r, i) => (i === 1 ? undefined : r)), list.map(f => entries[f.path]));
    // WHEN
    const cache = treeState.StatCache.read(dir);
    // THEN
    expect(cache.manifestVouched).toBe(true);
    expect(cache.vouchableRecord(list[0].path)).toEqual(stats[0]);
    expect(cache.vouchableRecord(list[1].path)).toBeUndefined();
    expect(cache.vouchedManifest()).toBeUndefined();
    expect(checkVouchedTree(dir)).toBeUndefined();
  });
});
