import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generation } from './fixtures/tree-generations';
import { interruptedWrite, readManifest, writeTree } from '../../src/gitops/tree-writer';
import { errorOf, treeSnapshot } from '../util';

// A write that fails on the file system says which path and what to do, and leaves the tree as it was with a
// consistent journal (issue #11 §1). Real failures come from a small tmpfs when this process may mount one
// (root); otherwise, and always for the cases a tmpfs cannot produce, the failing call is injected.

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-errors-'));
const asObject = (files: Map<string, string>) => Object.fromEntries([...files.entries()].sort());
const mounts: string[] = [];

/** A fresh tmpfs of `kib` KiB, or undefined when this process may not mount one. */
function tmpfs(kib: number): string | undefined {
  const dir = tmp();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    return undefined;
  }
  mounts.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of mounts) execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
});

/** An fs error as Node raises it. */
function fsError(code: string, syscall: string, file: string): NodeJS.ErrnoException {
  const text: Record<string, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EIO: 'i/o error' };
  return Object.assign(new Error(`${code}: ${text[code]}, ${syscall} '${file}'`), { code, syscall, path: file, errno: -1 });
}

/**
 * Makes `fs[name]` throw `code` from its `nth` call on a path below `under` on. (The module object itself is
 * spied on: `import * as fs` is a frozen view of it that reads its properties at each call.)
 */
function inject(name: 'writeFileSync' | 'renameSync' | 'mkdirSync', code: string, under: string, nth = 1) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const real = require('fs');
  const original = real[name];
  let calls = 0;
  return jest.spyOn(real, name).mockImplementation((...args: any[]) => {
    const target = String(args[0]);
    if (target.startsWith(under) && ++calls >= nth) throw fsError(code, name.replace('Sync', ''), target);
    return original.apply(real, args);
  });
}

afterEach(() => jest.restoreAllMocks());

describe('a write that fails on the file system', () => {
  test('a full disk: the message names the path and what to do; the tree is as before, with no journal', () => {
    // GIVEN generation 1 on a small tmpfs filled up (or, without mount rights, an injected ENOSPC)
    const disk = tmpfs(2048);
    const tree = disk ?? tmp();
    writeTree(tree, generation(1));
    const spy = disk ? undefined : inject('writeFileSync', 'ENOSPC', fs.realpathSync(tree), 20);
    if (disk) {
      const { bavail, bsize } = fs.statfsSync(disk);
      fs.writeFileSync(path.join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 16 * 1024)));
    }
    const manifest = readManifest(tree);
    // WHEN generation 2 (25 new directories) is written
    const error = errorOf(() => writeTree(tree, generation(2)));
    spy?.mockRestore();
    // THEN
    expect(error).toMatch(/^writing the tree at \S+ failed: \S+: no space left on the device; free some space and synth again \(ENOSPC\)\. The write was rolled back: the tree is as it was$/);
    const { filler, ...files } = treeSnapshot(tree, { excludeState: true });
    expect(files).toStrictEqual(asObject(generation(1)));
    expect(readManifest(tree)).toStrictEqual(manifest);
    expect(interruptedWrite(tree)).toBeUndefined();
    expect(fs.existsSync(path.join(tree, '.cdk8s-fleet/journal.json'))).toBe(false);
    // AND once there is space again, the write goes through
    if (disk) fs.rmSync(path.join(disk, 'filler'));
    writeTree(tree, generation(2));
    expect(treeSnapshot(tree, { excludeState: true })).toStrictEqual(asObject(generation(2)));
  });

  test('a read-only file system: the message says so; a write that changes nothing still succeeds', () => {
    // GIVEN generation 1 on a tmpfs remounted read-only (or an injected EROFS)
    const disk = tmpfs(4096);
    const tree = disk ?? tmp();
    writeTree(tree, generation(1));
    if (disk) execFileSync('mount', ['-o', 'remount,ro', disk], { stdio: 'pipe' });
    const spy = disk ? undefined : inject('writeFileSync', 'EROFS', fs.realpathSync(tree));
    // WHEN / THEN
    expect(errorOf(() => writeTree(tree, generation(2)))).toMatch(
      /^writing the tree at \S+ failed: \.cdk8s-fleet\/journal\.json\.tmp: the file system is read-only; synth into a writable checkout \(EROFS\)\. The write was rolled back: the tree is as it was$/);
    expect(treeSnapshot(tree, { excludeState: true })).toStrictEqual(asObject(generation(1)));
    expect(writeTree(tree, generation(1)).written).toEqual([]);
    spy?.mockRestore();
    if (disk) execFileSync('mount', ['-o', 'remount,rw', disk], { stdio: 'pipe' });
  });

  test('an outdir that is a file, or below a file: the message names it and nothing is created', () => {
    const dir = tmp();
    const file = path.join(dir, 'gitops');
    fs.writeFileSync(file, 'not a directory\n');
    expect(errorOf(() => writeTree(file, generation(1)))).toBe(
      `${file}: exists and is not a directory, so the tree cannot be written there; point outdir at a directory, or move the file away`);
    expect(errorOf(() => writeTree(path.join(file, 'tree'), generation(1)))).toBe(
      `cannot create the tree directory ${path.join(file, 'tree')}: ${path.join(file, 'tree')}: a file stands where the tree needs a directory; move it away (ENOTDIR); nothing was written`);
    expect(fs.readFileSync(file, 'utf-8')).toBe('not a directory\n');
  });

  test('a failure after the commit says that the next synth completes the write, and it does', () => {
    // GIVEN a rename of a staged file that fails (injected: a tmpfs cannot fail only there)
    const tree = tmp();
    writeTree(tree, generation(1));
    const spy = inject('renameSync', 'EIO', path.join(fs.realpathSync(tree), '.cdk8s-fleet/staging'), 3);
    // WHEN
    const error = errorOf(() => writeTree(tree, generation(2)));
    spy.mockRestore();
    // THEN
    expect(error).toMatch(/failed after the write was committed: \.cdk8s-fleet\/staging\/\S+: an input\/output error; check the disk \(EIO\)\. The journal \(\.cdk8s-fleet\/journal\.json\) records it, and the next synth completes it/);
    expect(interruptedWrite(tree)).toMatch(/committed write was interrupted/);
    expect(writeTree(tree, generation(2)).recovered).toMatch(/completed an interrupted write/);
    expect(treeSnapshot(tree, { excludeState: true })).toStrictEqual(asObject(generation(2)));
  });
});
