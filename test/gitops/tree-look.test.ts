import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import * as mounts from '../../src/gitops/mounts';
import { checkVouchedTree, startTreeCheck, VouchedTree, vouchedNoop } from '../../src/gitops/tree-check';
import { lookUnits } from '../../src/gitops/tree-look';
import * as treeState from '../../src/gitops/tree-state';
import { writeTree } from '../../src/gitops/tree-writer';

const tmp = () => fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-look-')));
const settle = () => {
  const until = Date.now() + 20;
  while (Date.now() < until) { /* a new file-system timestamp tick */ }
};

const SHARED = ['Deployment', 'Service', 'ConfigMap', 'HorizontalPodAutoscaler', 'ServiceAccount', 'PodDisruptionBudget'].map(k => `${k}.api.yaml`);

/**
 * A tree like a Workload's: `clusters` directories with the same six files each (one inode per file name: the
 * writer links equal bytes), one file of their own each, and a file at the root.
 */
function linkedFiles(clusters = 12, edition = 1): Map<string, string> {
  const files = new Map<string, string>();
  for (let c = 0; c < clusters; c++) {
    for (const name of SHARED) files.set(`clusters/c${c}/api/${name}`, `${name}: ${edition}\n`);
    files.set(`clusters/c${c}/api/Secret.own.yaml`, `own: c${c}\n`);
  }
  files.set('README.yaml', 'root: file\n');
  return files;
}
const listOf = (files: Map<string, string>) => [...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, content]) => ({ path: p, content }));

/**
 * Written, then written again until the stat cache records every directory (each record older than the cache
 * before it): the state a re-synth finds.
 */
function settledLinkedTree(files = linkedFiles()): string {
  const dir = tmp();
  writeTree(dir, files);
  for (let i = 0; i < 3; i++) {
    settle();
    writeTree(dir, files);
  }
  return dir;
}


describe('the last look through directories and inodes', () => {
  test('GIVEN a settled tree of linked files WHEN checked THEN each recorded directory and one file per inode are looked at, and the no-op holds', () => {
    // GIVEN
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    // WHEN
    const vouched = checkVouchedTree(dir)!;
    // THEN 12 cluster directories, their api directories, clusters/ and the root; 6 shared inodes, 12 own files and
    // the root's file: 45 looks instead of 85
    expect(vouched.directories).toEqual(treeState.directoriesOf([...files.keys()].sort()));
    expect(vouched.directories.length).toBe(26);
    expect(vouched.plan).toBeDefined();
    expect([vouched.plan!.directories.length, vouched.plan!.inodes.length, vouched.plan!.files.length]).toEqual([26, 19, 0]);
    expect(lookUnits(vouched.plan!)).toBe(45);
    expect(files.size).toBe(85);
    expect(vouched.refresh).toBeUndefined();
    expect(vouchedNoop(dir, vouched, listOf(files))).toBe(true);
  });

  const replaceKeepingBytes = (file: string) => {
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(`${file}.tmp`, bytes);
    fs.renameSync(`${file}.tmp`, file);
  };
  test.each([
    ['edited in place through one of its links', /edited since cdk8s-fleet wrote it/, (f: string) => fs.writeFileSync(f, fs.readFileSync(f, 'utf-8').replace(/1/, '7'))],
    ['edited, its mtime then restored', /edited since cdk8s-fleet wrote it/, (f: string) => {
      const { atime, mtime } = fs.statSync(f);
      fs.writeFileSync(f, fs.readFileSync(f, 'utf-8').replace(/1/, '7'));
      fs.utimesSync(f, atime, mtime);
    }],
    ['made read-only (chmod: its ctime)', undefined, (f: string) => fs.chmodSync(f, 0o444)],
    ['replaced by a copy of its bytes (a new inode: its directory changed)', undefined, replaceKeepingBytes],
    ['removed', undefined, (f: string) => fs.rmSync(f)],
    ['replaced by a hard link to another file', /edited since cdk8s-fleet wrote it/, (f: string) => {
      fs.rmSync(f);
      fs.linkSync(f.replace(/Deployment\.api\.yaml$/, 'Secret.own.yaml'), f);
    }],
    ['beside a new file someone added to its directory', undefined, (f: string) => fs.writeFileSync(path.join(path.dirname(f), 'notes.txt'), 'mine\n')],
    ['reached through a link (its directory moved, a link in its place)', /symbolic link/, (f: string) => {
      const parent = path.dirname(f);
      fs.renameSync(parent, `${parent}.moved`);
      fs.symlinkSync(`${parent}.moved`, parent);
    }],
    ['reached through a link (a directory two levels up moved, a link in its place)', /symbolic link/, (f: string) => {
      const clusters = path.dirname(path.dirname(path.dirname(f)));
      fs.renameSync(clusters, `${clusters}.moved`);
      fs.symlinkSync(`${clusters}.moved`, clusters);
    }],
  ])('a linked file %s after the check is seen by the last look, and the writer then does its full check', (_what, refusal, touch) => {
    // GIVEN a settled tree of linked files, checked (through directories and inodes)
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    const vouched = checkVouchedTree(dir)!;
    expect(vouched.plan?.files.length).toBe(0);
    // WHEN one path of a shared inode (cluster 7's, not the inode's first file) is touched
    const rel = 'clusters/c7/api/Deployment.api.yaml';
    touch(path.join(dir, rel));
    // THEN the look finds it; the full check then refuses an edit or a link, and writes the rest again (or adopts
    // the same bytes; or leaves someone else's file alone)
    expect(vouchedNoop(dir, vouched, listOf(files))).toBe(false);
    let error = '';
    try {
      writeTree(dir, files, { vouched });
    } catch (e) {
      error = (e as Error).message;
    }
    if (refusal) expect(error).toMatch(refusal);
    else expect(error).toBe('');
    if (!refusal) expect(fs.readFileSync(path.join(dir, rel), 'utf-8')).toBe(files.get(rel));
  });

  test('GIVEN a tree just written (its directories changed) WHEN re-synthesized THEN its files are looked at one by one, the directories recorded, and the next look goes through them', () => {
    // GIVEN a tree written, settled, then written with other bytes (every directory it wrote to changed)
    const dir = settledLinkedTree();
    const second = linkedFiles(12, 2);
    writeTree(dir, second);
    settle();
    writeTree(dir, second); // (its files now older than the stat cache: vouched for one by one)
    settle();
    // WHEN checked and written with the same files
    const first = checkVouchedTree(dir)!;
    const noop = writeTree(dir, second, { vouched: first });
    const next = checkVouchedTree(dir)!;
    // THEN the changed files, staged once per content and linked, share inodes again; either the full check
    // recorded the directories already, or this look was file by file and its directory records were written once
    // it held; the next look goes through directories and inodes
    expect(noop.written).toEqual([]);
    const inodes = new Set([...second.keys()].map(p => fs.lstatSync(path.join(dir, p)).ino));
    expect(inodes.size).toBe(6 + 12 + 1);
    if (first.plan === undefined || first.plan.files.length > 0) expect(first.refresh).toBeDefined();
    expect(next.plan?.files.length).toBe(0);
    expect(next.refresh).toBeUndefined();
    expect(vouchedNoop(dir, next, listOf(second))).toBe(true);
  });

  test('GIVEN a write that changes some files WHEN its stat cache is read THEN no directory with a file beneath it that the write did not write is recorded', () => {
    // GIVEN a settled tree, then a write that changes cluster c0's own file only
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    const changed = new Map(files).set('clusters/c0/api/Secret.own.yaml', 'own: changed\n');
    expect(writeTree(dir, changed).written).toEqual(['clusters/c0/api/Secret.own.yaml']);
    // WHEN
    const manifest = treeState.StatCache.read(dir).vouchedManifest()!;
    // THEN no directory is recorded: each has an unchanged file beneath it (c0/api too: the write wrote one of its
    // seven files), whose stat predates the directory's; and the stat cache is newer than every record
    const recorded = manifest.directories.filter((_, k) => !Number.isNaN(manifest.directoryStats[k * 4]));
    expect(recorded).toEqual([]);
    expect(manifest.paths.length).toBe(changed.size); // (vouched: no record is racily clean)
    // and the next no-op looks at the files one by one, records the directories, and the one after goes through them
    const first = checkVouchedTree(dir)!;
    expect(first.plan).toBeUndefined();
    expect(writeTree(dir, changed, { vouched: first }).written).toEqual([]);
    expect(checkVouchedTree(dir)!.plan?.files.length).toBe(0);
  });

  test('GIVEN a fresh write WHEN checked at once THEN every record is trusted (the cache waited for the clock), and the first no-op holds, looking through the directories the write could record', () => {
    // GIVEN / WHEN
    const files = linkedFiles(40);
    const dir = tmp();
    writeTree(dir, files);
    const vouched = checkVouchedTree(dir);
    // THEN
    expect(vouched).toBeDefined();
    // (a directory is recorded when the write's last change to it came a clock tick before the write ended: on a
    // write this small, perhaps none)
    expect(writeTree(dir, files, { vouched }).written).toEqual([]);
    expect(vouchedNoop(dir, checkVouchedTree(dir)!, listOf(files))).toBe(true);
  });

  test('GIVEN a file someone added beside managed ones WHEN re-synthesized THEN the full check records the changed directory again, and the look goes through it once its record can be trusted', () => {
    // GIVEN a settled tree, and a file of someone else's added to one of its directories
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    const notes = path.join(dir, 'clusters/c2/api/notes.txt');
    fs.writeFileSync(notes, 'mine\n');
    settle();
    // WHEN re-synthesized three times
    const first = checkVouchedTree(dir)!;
    const firstNoop = vouchedNoop(dir, first, listOf(files));
    const firstWrite = writeTree(dir, files, { vouched: first });
    settle();
    const second = checkVouchedTree(dir)!;
    const secondWrite = writeTree(dir, files, { vouched: second });
    const third = checkVouchedTree(dir)!;
    // THEN the first look fails (the directory changed) and the full check writes nothing; its record of the
    // directory is too recent to trust, so the second looks at that directory's files one by one and then records
    // it; the third looks through every directory; someone else's file is left alone throughout
    expect([firstNoop, firstWrite.written]).toEqual([false, []]);
    const inC2 = listOf(files).flatMap((f, i) => (f.path.startsWith('clusters/c2/') ? [i] : []));
    expect([...second.plan!.files]).toEqual(inC2);
    expect(second.refresh).toBeDefined();
    expect(secondWrite.written).toEqual([]);
    expect(third.plan?.files.length).toBe(0);
    expect(third.refresh).toBeUndefined();
    expect(vouchedNoop(dir, third, listOf(files))).toBe(true);
    expect(fs.readFileSync(notes, 'utf-8')).toBe('mine\n');
  });

  test('GIVEN one unrecorded directory among many WHEN re-synthesized THEN its few files are looked at one by one on every no-op, and the stat cache is not rewritten for it', () => {
    // GIVEN a settled tree of 281 files, and a file of someone else's added to one of its 81 directories
    const files = linkedFiles(40);
    const dir = settledLinkedTree(files);
    fs.writeFileSync(path.join(dir, 'clusters/c2/api/notes.txt'), 'mine\n');
    settle();
    const first = checkVouchedTree(dir)!;
    expect(vouchedNoop(dir, first, listOf(files))).toBe(false);
    expect(writeTree(dir, files, { vouched: first }).written).toEqual([]); // (the full check: c2/api's record too recent)
    settle();
    const cache = path.join(dir, '.cdk8s-fleet/stat-cache');
    const before = fs.lstatSync(cache).mtimeMs;
    // WHEN re-synthesized twice
    const second = checkVouchedTree(dir)!;
    const secondWrite = writeTree(dir, files, { vouched: second });
    const third = checkVouchedTree(dir)!;
    // THEN c2/api's seven files (2.5% of the tree, under the 1/16 that pays for rewriting the cache) are looked at
    // one by one each time, no directory record is taken, and the stat cache stays as it was
    const inC2 = listOf(files).flatMap((f, i) => (f.path.startsWith('clusters/c2/') ? [i] : []));
    expect([...second.plan!.files]).toEqual(inC2);
    expect(second.refresh).toBeUndefined();
    expect(secondWrite.written).toEqual([]);
    expect(fs.lstatSync(cache).mtimeMs).toBe(before);
    expect([...third.plan!.files]).toEqual(inC2);
    expect(vouchedNoop(dir, third, listOf(files))).toBe(true);
    // and an edit of one of them is still found
    fs.writeFileSync(path.join(dir, 'clusters/c2/api/Secret.own.yaml'), 'own: edited\n');
    expect(vouchedNoop(dir, checkVouchedTree(dir)!, listOf(files))).toBe(false);
  });

  test('GIVEN a look file by file that records the missing directories WHEN a recorded directory changed meanwhile THEN every directory\'s record is taken again, and the next look holds', () => {
    // GIVEN a settled tree, written again with every cluster's own file changed (the directories above unchanged
    // files get no record: the next look is file by file), then a file of someone else's added to the recorded extra/
    const edition = (e: number) => new Map([...linkedFiles(20)].map(([p, c]) => [p, p.endsWith('Secret.own.yaml') ? `${c.trim()} ${e}\n` : c]))
      .set('extra/only.yaml', `extra: ${e}\n`);
    const dir = settledLinkedTree(edition(1));
    writeTree(dir, edition(2));
    settle();
    fs.writeFileSync(path.join(dir, 'extra/notes.txt'), 'mine\n');
    settle();
    // WHEN re-synthesized twice
    const first = checkVouchedTree(dir)!;
    const firstWrite = writeTree(dir, edition(2), { vouched: first });
    settle();
    const second = checkVouchedTree(dir)!;
    // THEN the first look is file by file and takes every directory's record again (extra/'s, changed after the
    // stat cache, too recent to trust: none), so the second goes through the other directories, looks at extra/'s
    // file by itself, and holds
    expect(first.plan).toBeUndefined();
    expect(first.refresh).toBeDefined();
    expect(firstWrite.written).toEqual([]);
    const extra = listOf(edition(2)).findIndex(f => f.path === 'extra/only.yaml');
    expect([...second.plan!.files]).toEqual([extra]);
    expect(vouchedNoop(dir, second, listOf(edition(2)))).toBe(true);
  });

  test('GIVEN the records of two paths of one inode that disagree WHEN the look is planned THEN both are looked at one by one', () => {
    // GIVEN a settled tree whose stat cache records cluster 3's Deployment with another ctime
    const files = linkedFiles(40);
    const dir = settledLinkedTree(files);
    const list = listOf(files);
    const manifest = treeState.StatCache.read(dir).vouchedManifest()!;
    const stats = Float64Array.from(manifest.stats);
    const odd = list.findIndex(f => f.path === 'clusters/c3/api/Deployment.api.yaml');
    stats[odd * 4 + 2] -= 1;
    treeState.writeStatCache(dir, list, stats, list.map(() => '0'.repeat(64)), { names: manifest.directories, records: manifest.directoryStats }, manifest.digest);
    // WHEN
    const vouched = checkVouchedTree(dir)!;
    // THEN every path of that inode is looked at by itself, and the odd one fails
    const deployments = list.flatMap((f, i) => (f.path.endsWith('Deployment.api.yaml') ? [i] : []));
    expect([...vouched.plan!.files]).toEqual(deployments);
    expect(vouchedNoop(dir, vouched, list)).toBe(false);
  });

  test('GIVEN a mount inside the tree (as the mount table says) WHEN checked THEN every file is looked at by itself; a mount that appears after the check fails the look', () => {
    // GIVEN
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    const inside = jest.spyOn(mounts, 'mountsInside').mockReturnValue(true);
    try {
      // WHEN / THEN
      expect(checkVouchedTree(dir)!.plan).toBeUndefined();
      expect(vouchedNoop(dir, checkVouchedTree(dir)!, listOf(files))).toBe(true); // (file by file)
    } finally {
      inside.mockRestore();
    }
    const vouched = checkVouchedTree(dir)!;
    expect(vouched.plan).toBeDefined();
    const later = jest.spyOn(mounts, 'mountsInside').mockReturnValue(true);
    try {
      expect(vouchedNoop(dir, vouched, listOf(files))).toBe(false);
    } finally {
      later.mockRestore();
    }
    jest.spyOn(mounts, 'mountsInside').mockReturnValueOnce(undefined); // (no mount table: not Linux)
    expect(checkVouchedTree(dir)!.plan).toBeUndefined();
  });

  test.each([
    ['no file', undefined, true],
    ['a shared inode\'s file', 'clusters/c9/api/Service.api.yaml', false],
    ['a file of its own', 'clusters/c0/api/Secret.own.yaml', false],
    ['the root\'s file', 'README.yaml', false],
  ])('with the worker, the shared last look through directories and inodes finds %s edited', (_what, rel, expected) => {
    // GIVEN a settled tree of linked files, checked on a worker
    const files = linkedFiles(40);
    const dir = settledLinkedTree(files);
    const check = startTreeCheck(dir, 0)!;
    try {
      const vouched = check.finish()!;
      expect(vouched.plan?.files.length).toBe(0);
      // WHEN a file is edited after the check (keeping its size), the worker told to look
      if (rel) fs.writeFileSync(path.join(dir, rel), fs.readFileSync(path.join(dir, rel), 'utf-8').replace(/\w$/m, c => (c === 'x' ? 'y' : 'x')));
      check.lookAgain();
      // THEN
      expect(vouchedNoop(dir, vouched, listOf(files))).toBe(expected);
    } finally {
      check.cancel();
    }
  });

  test('property: whatever one change is made to a settled tree of linked and distinct files, the last look sees it', () => {
    const changes = ['edit', 'remove', 'replace', 'chmod', 'add-beside', 'link-directory'] as const;
    fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(...changes, 'none' as const), (clusters, pick, change) => {
      // GIVEN
      const files = linkedFiles(clusters);
      const dir = settledLinkedTree(files);
      const vouched: VouchedTree = checkVouchedTree(dir)!;
      const paths = [...files.keys()].sort();
      const file = path.join(dir, paths[pick % paths.length]);
      // WHEN
      switch (change) {
        case 'edit': fs.appendFileSync(file, '#\n'); break;
        case 'remove': fs.rmSync(file); break;
        case 'replace': replaceKeepingBytes(file); break;
        case 'chmod': fs.chmodSync(file, 0o600); break;
        case 'add-beside': fs.writeFileSync(path.join(path.dirname(file), 'x.txt'), ''); break;
        case 'link-directory': {
          const parent = path.dirname(file);
          if (parent === dir) {
            fs.appendFileSync(file, '#\n');
          } else {
            fs.renameSync(parent, `${parent}.m`);
            fs.symlinkSync(`${parent}.m`, parent);
          }
          break;
        }
        case 'none': break;
      }
      // THEN a change to a managed file is seen; a file added beside them is no change to them (it may only make
      // the look fall back to the full check, which then writes nothing)
      const noop = vouchedNoop(dir, vouched, listOf(files));
      if (change === 'add-beside') expect(noop ? [] : writeTree(dir, files, { vouched }).written).toEqual([]);
      else expect(noop).toBe(change === 'none');
      fs.rmSync(dir, { recursive: true, force: true });
    }), { numRuns: 30 });
  });
});

describe('the stat cache\'s directories', () => {
  test('property: directoriesOf gives every ancestor directory of every path once, in order, and \'.\' for paths at the root', () => {
    const segment = fc.constantFrom('a', 'b', 'a-b', 'a.b', 'A', 'z');
    fc.assert(fc.property(fc.array(fc.array(segment, { minLength: 1, maxLength: 4 }), { maxLength: 30 }), (parts) => {
      // GIVEN sorted distinct paths
      const paths = [...new Set(parts.map(p => p.join('/')))].sort((a, b) => (a < b ? -1 : 1));
      // WHEN
      const directories = treeState.directoriesOf(paths);
      // THEN as computed the slow way
      const expected = new Set<string>();
      for (const p of paths) {
        const segments = p.split('/');
        if (segments.length === 1) expected.add('.');
        for (let i = 1; i < segments.length; i++) expected.add(segments.slice(0, i).join('/'));
      }
      expect(directories).toEqual([...expected].sort((a, b) => (a < b ? -1 : 1)));
    }), { numRuns: 500 });
  });

  test('GIVEN directories WHEN their records are taken THEN only plain directories older than the clock are recorded', () => {
    // GIVEN
    const dir = tmp();
    fs.mkdirSync(path.join(dir, 'old'));
    fs.mkdirSync(path.join(dir, 'target'));
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'file'), '');
    settle();
    const clock = Date.now();
    settle();
    fs.mkdirSync(path.join(dir, 'new'));
    // WHEN
    const records = treeState.captureDirectoryRecords(dir, ['.', 'file', 'link', 'missing', 'new', 'old'], clock);
    // THEN
    const recorded = [0, 1, 2, 3, 4, 5].map(i => !Number.isNaN(records[i * 4]));
    expect(recorded).toEqual([false, false, false, false, false, true]); // (the root changed: 'new' was made in it)
    expect([...records.subarray(20, 24)]).toEqual(treeState.statRecord(fs.lstatSync(path.join(dir, 'old'))));
  });

  test.each([
    ['a path renamed (another directory on its way)', (b: string) => b.replace('\nclusters/c0/api/Secret.own.yaml\n', '\nclusters/c8/api/Secret.own.yaml\n')],
    ['a directory renamed', (b: string) => b.replace('\nclusters/c0\n', '\nclusters/c8\n')],
    ['a byte of a record changed', (b: string) => {
      const at = b.indexOf('\n') + 40; // (in the first file's record)
      return `${b.slice(0, at)}${String.fromCharCode((b.charCodeAt(at) + 1) % 256)}${b.slice(at + 1)}`;
    }],
  ])('GIVEN a stat cache with %s WHEN checked THEN it is not used: nothing is vouched for, and the writer\'s full check records the tree again', (_what, damage) => {
    // GIVEN
    const files = linkedFiles();
    const dir = settledLinkedTree(files);
    const cache = path.join(dir, '.cdk8s-fleet', 'stat-cache');
    const bytes = fs.readFileSync(cache).toString('latin1');
    const damaged = damage(bytes);
    expect(damaged).not.toBe(bytes);
    expect(damaged.length).toBe(bytes.length);
    fs.writeFileSync(cache, Buffer.from(damaged, 'latin1'));
    // WHEN / THEN
    expect(treeState.StatCache.read(dir).manifestVouched).toBe(false);
    expect(checkVouchedTree(dir)).toBeUndefined();
    expect(writeTree(dir, files).written).toEqual([]);
    expect(treeState.StatCache.read(dir).manifestVouched).toBe(true); // (written again, whole)
  });

  test('GIVEN the records of a tree checked on the worker WHEN the writer records the directories after the look THEN the stat cache holds them (the worker\'s arrays taken as they come)', () => {
    // GIVEN a tree whose directories are not recorded yet (just written), settled
    const files = linkedFiles(40);
    const dir = tmp();
    writeTree(dir, files);
    settle();
    writeTree(dir, files);
    settle();
    const check = startTreeCheck(dir, 0)!;
    try {
      const vouched = check.finish()!;
      // WHEN the no-op is written with the worker's result
      if (vouched.refresh === undefined) return; // (the full check of the second write recorded them already)
      check.lookAgain();
      expect(writeTree(dir, files, { vouched }).written).toEqual([]);
    } finally {
      check.cancel();
    }
    // THEN
    expect(treeState.StatCache.read(dir).vouchedManifest()!.directoryStats.some(Number.isNaN)).toBe(false);
    expect(checkVouchedTree(dir)!.plan?.files.length).toBe(0);
  });
});
