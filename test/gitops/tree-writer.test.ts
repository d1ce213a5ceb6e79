import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generation, sharedGeneration } from './fixtures/tree-generations';
import { interruptedWrite, readManifest, recoverTree, sha256, writeTree } from '../../src/gitops/tree-writer';
import { treeSnapshot } from '../util';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-writer-'));
const asObject = (files: Map<string, string>) => Object.fromEntries([...files.entries()].sort());
const CHILD = path.join(__dirname, 'fixtures', 'write-child.ts');

function runChild(outdir: string, gen: number | 'shared', killAt?: string, scale = 1): number | null {
  try {
    execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, outdir, String(gen), killAt ?? '', String(scale)], { stdio: 'pipe' });
    return 0;
  } catch (e: any) {
    return e.status ?? (e.signal === 'SIGKILL' ? 137 : 1);
  }
}

describe('writeTree', () => {
  test('writes every file and a manifest of their sha256; a second identical write touches nothing', () => {
    // GIVEN
    const dir = tmp();
    // WHEN
    const first = writeTree(dir, generation(1));
    const second = writeTree(dir, generation(1));
    // THEN
    expect(first.written).toHaveLength(201);
    expect(treeSnapshot(dir, { excludeState: true })).toStrictEqual(asObject(generation(1)));
    expect(Object.keys(readManifest(dir).files)).toEqual([...generation(1).keys()].sort());
    expect(second).toStrictEqual({ written: [], deleted: [], unchanged: 201, recovered: undefined });
    expect(fs.readFileSync(path.join(dir, '.cdk8s-fleet', '.gitignore'), 'utf-8')).toMatch(/\/stat-cache/);
  });

  test('a write that changes nothing and reads no file leaves the state files untouched', () => {
    // GIVEN a tree written, then checked once more (which records every file as older than its stat cache)
    const dir = tmp();
    writeTree(dir, generation(1));
    const cacheFile = path.join(dir, '.cdk8s-fleet', 'stat-cache');
    const manifestFile = path.join(dir, '.cdk8s-fleet', 'manifest.json');
    const settle = Date.now() + 20;
    while (Date.now() < settle) { /* a new millisecond for the cache's timestamp */ }
    writeTree(dir, generation(1));
    const before = [fs.statSync(cacheFile), fs.statSync(manifestFile)].map(s => [s.ino, s.mtimeMs, s.ctimeMs]);
    // WHEN the same files are written again
    const again = writeTree(dir, generation(1));
    // THEN nothing was written, and neither the manifest nor the stat cache was rewritten
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(201);
    expect([fs.statSync(cacheFile), fs.statSync(manifestFile)].map(s => [s.ino, s.mtimeMs, s.ctimeMs])).toEqual(before);
  });

  test('an edit to a file the stat cache vouched for is seen on the next write', () => {
    // GIVEN a settled tree (every file vouched for by the stat cache)
    const dir = tmp();
    writeTree(dir, generation(1));
    const settle = Date.now() + 20;
    while (Date.now() < settle) { /* a new millisecond */ }
    writeTree(dir, generation(1));
    const rel = [...generation(1).keys()][7];
    // WHEN one file is edited by hand and the same files are written
    fs.appendFileSync(path.join(dir, rel), '# edited\n');
    // THEN the edit is refused as a conflict, naming the file
    expect(() => writeTree(dir, generation(1))).toThrow(new RegExp(`${rel.replace(/[.]/g, '\\.')}: edited since cdk8s-fleet wrote it`));
  });

  test('prunes files it wrote before and no longer produces, with their empty directories; unmanaged files survive', () => {
    // GIVEN
    const dir = tmp();
    writeTree(dir, generation(1));
    fs.writeFileSync(path.join(dir, 'README.md'), '# my fleet\n');
    fs.writeFileSync(path.join(dir, 'clusters', 'c16', 'NOTES.txt'), 'hand-written\n');
    // WHEN
    const result = writeTree(dir, generation(2));
    // THEN
    expect(result.deleted).toHaveLength(50);
    expect(fs.existsSync(path.join(dir, 'clusters', 'c17'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf-8')).toBe('# my fleet\n');
    expect(fs.readFileSync(path.join(dir, 'clusters', 'c16', 'NOTES.txt'), 'utf-8')).toBe('hand-written\n');
    expect(fs.readdirSync(path.join(dir, 'clusters', 'c16'))).toEqual(['NOTES.txt']);
    const { 'README.md': readme, 'clusters/c16/NOTES.txt': notes, ...managed } = treeSnapshot(dir, { excludeState: true });
    expect(readme).toBeDefined();
    expect(notes).toBeDefined();
    expect(managed).toStrictEqual(asObject(generation(2)));
  });

  test('identical new files are hard links to one another; a later change to one path leaves the others alone', () => {
    // GIVEN two clusters with the same bytes in the same place, and a third file that differs
    const dir = tmp();
    const same = 'kind: ConfigMap\n';
    writeTree(dir, new Map([['clusters/a/app/f.yaml', same], ['clusters/b/app/f.yaml', same], ['clusters/c/app/f.yaml', 'other\n']]));
    // THEN the identical ones share an inode
    const ino = (rel: string) => fs.statSync(path.join(dir, rel)).ino;
    expect(ino('clusters/a/app/f.yaml')).toBe(ino('clusters/b/app/f.yaml'));
    expect(ino('clusters/a/app/f.yaml')).not.toBe(ino('clusters/c/app/f.yaml'));
    // WHEN one of them changes
    writeTree(dir, new Map([['clusters/a/app/f.yaml', 'changed\n'], ['clusters/b/app/f.yaml', same], ['clusters/c/app/f.yaml', 'other\n']]));
    // THEN only that path has the new bytes
    expect(fs.readFileSync(path.join(dir, 'clusters/a/app/f.yaml'), 'utf-8')).toBe('changed\n');
    expect(fs.readFileSync(path.join(dir, 'clusters/b/app/f.yaml'), 'utf-8')).toBe(same);
    // … and without linking every file has its own inode
    const plain = tmp();
    writeTree(plain, new Map([['x/f.yaml', same], ['y/f.yaml', same]]), { linkIdentical: false });
    expect(fs.statSync(path.join(plain, 'x/f.yaml')).ino).not.toBe(fs.statSync(path.join(plain, 'y/f.yaml')).ino);
  });

  test('a file edited by hand, even to the same size, is refused; with force it is rewritten', () => {
    // GIVEN
    const dir = tmp();
    writeTree(dir, generation(1));
    const file = path.join(dir, 'argocd/f/projects/AppProject.p.yaml');
    fs.writeFileSync(file, 'gen: X\n');
    // WHEN
    expect(() => writeTree(dir, generation(1))).toThrow(/AppProject.p.yaml: edited since cdk8s-fleet wrote it/);
    const result = writeTree(dir, generation(1), { force: true });
    // THEN
    expect(result.written).toEqual(['argocd/f/projects/AppProject.p.yaml']);
    expect(fs.readFileSync(file, 'utf-8')).toBe('gen: 1\n');
  });

  test.each(['prepared', 'half-created', 'staged'])('a process killed at "%s" (before commit) leaves the old tree, and the next run rolls back first', (step) => {
    // GIVEN
    const dir = tmp();
    expect(runChild(dir, 1)).toBe(0);
    // WHEN
    expect(runChild(dir, 2, step)).not.toBe(0);
    // THEN: every old file is as it was; the interrupted write is detected …
    const after = treeSnapshot(dir, { excludeState: true });
    for (const [p, content] of generation(1)) expect(after[p]).toBe(content);
    expect(interruptedWrite(dir)).toMatch(/interrupted before it was committed; the next synth rolls it back/);
    // … and rolled back before anything else.
    expect(recoverTree(dir)).toMatch(/rolled back an uncommitted write/);
    expect(treeSnapshot(dir, { excludeState: true })).toStrictEqual(asObject(generation(1)));
    expect(interruptedWrite(dir)).toBeUndefined();
  });

  test.each(['committed', 'half-applied'])('a process killed at "%s" (after commit) is completed by the next run', (step) => {
    // GIVEN
    const dir = tmp();
    expect(runChild(dir, 1)).toBe(0);
    // WHEN
    expect(runChild(dir, 2, step)).not.toBe(0);
    expect(interruptedWrite(dir)).toMatch(/committed write was interrupted/);
    const result = writeTree(dir, generation(2));
    // THEN
    expect(result.recovered).toMatch(/completed an interrupted write/);
    expect(treeSnapshot(dir, { excludeState: true })).toStrictEqual(asObject(generation(2)));
    expect(interruptedWrite(dir)).toBeUndefined();
  });

  test('killed at random moments, the tree is always either the old one or, after recovery, exactly one of the two', async () => {
    const scale = 10; // 2,000 files, so that the kill lands inside the write
    const old = asObject(generation(1, scale));
    const next = asObject(generation(2, scale));
    for (const delay of [0, 2, 5, 10, 20, 40, 80]) {
      // GIVEN
      const dir = tmp();
      expect(runChild(dir, 1, undefined, scale)).toBe(0);
      // WHEN: a real SIGKILL, `delay` ms after the child starts writing
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, dir, '2', '', String(scale)], { stdio: ['ignore', 'pipe', 'ignore'] });
      await new Promise<void>(r => child.stdout!.once('data', () => r()));
      await new Promise(r => setTimeout(r, delay));
      child.kill('SIGKILL');
      await new Promise(r => child.on('exit', r));
      // THEN
      recoverTree(dir);
      const tree = treeSnapshot(dir, { excludeState: true });
      expect([old, next]).toContainEqual(tree);
    }
  }, 120_000);

  test('completes a committed write journaled by the previous release (journal version 2)', () => {
    // GIVEN generation 1, and a v2 journal in phase commit that replaces one file and deletes another
    const dir = tmp();
    writeTree(dir, generation(1));
    const manifest = readManifest(dir);
    const files = { ...manifest.files, 'argocd/f/projects/AppProject.p.yaml': sha256('gen: 2\n') };
    delete (files as any)['clusters/c0/app0/ConfigMap.cfg.yaml'];
    fs.mkdirSync(path.join(dir, '.cdk8s-fleet', 'staging', 'argocd', 'f', 'projects'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.cdk8s-fleet', 'staging', 'argocd', 'f', 'projects', 'AppProject.p.yaml'), 'gen: 2\n');
    fs.writeFileSync(path.join(dir, '.cdk8s-fleet', 'journal.json'), JSON.stringify({
      version: 2, phase: 'commit', creates: [], replaces: ['argocd/f/projects/AppProject.p.yaml'], deletes: ['clusters/c0/app0/ConfigMap.cfg.yaml'], manifest: { version: 1, files },
    }));
    // WHEN
    expect(interruptedWrite(dir)).toMatch(/committed write was interrupted/);
    const done = recoverTree(dir);
    // THEN
    expect(done).toMatch(/completed an interrupted write \(1 files written, 1 deleted\)/);
    expect(fs.readFileSync(path.join(dir, 'argocd/f/projects/AppProject.p.yaml'), 'utf-8')).toBe('gen: 2\n');
    expect(fs.existsSync(path.join(dir, 'clusters/c0/app0/ConfigMap.cfg.yaml'))).toBe(false);
    expect(readManifest(dir).files).toStrictEqual(files);
    expect(interruptedWrite(dir)).toBeUndefined();
  });

  test('killed at random moments while the helper thread makes hard links, the tree is the old one or, after recovery, exactly one of the two', async () => {
    const old = asObject(generation(1));
    const next = asObject(sharedGeneration());
    for (const delay of [0, 5, 20, 60, 150, 400]) {
      // GIVEN
      const dir = tmp();
      expect(runChild(dir, 1)).toBe(0);
      // WHEN: a real SIGKILL while the child writes 5,000 files, 4,975 of them as links
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, dir, 'shared', ''], { stdio: ['ignore', 'pipe', 'ignore'] });
      const exited = new Promise(r => child.on('exit', r)); // it may finish before the kill
      await new Promise<void>(r => child.stdout!.once('data', () => r()));
      await new Promise(r => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      // THEN
      recoverTree(dir);
      const tree = treeSnapshot(dir, { excludeState: true });
      expect([old, next]).toContainEqual(tree);
    }
    // AND a write that completes links every copy to the first file of its content
    const dir = tmp();
    expect(runChild(dir, 'shared')).toBe(0);
    expect(treeSnapshot(dir, { excludeState: true })).toStrictEqual(next);
    expect(fs.statSync(path.join(dir, 'clusters/c0/app0/ConfigMap.f0.yaml')).nlink).toBe(200);
  }, 120_000);

  test('refuses paths outside the tree or inside its state directory', () => {
    const dir = tmp();
    expect(() => writeTree(dir, new Map([['../escape.yaml', 'x']]))).toThrow(/refusing to write '..\/escape.yaml'/);
    expect(() => writeTree(dir, new Map([['.cdk8s-fleet/manifest.json', 'x']]))).toThrow(/refusing to write/);
  });

  test('refuses a list that names one path twice, in order or not, writing nothing', () => {
    const dir = tmp();
    const file = (p: string, content: string) => ({ path: p, content });
    expect(() => writeTree(dir, [file('a.yaml', '1'), file('b.yaml', '2'), file('b.yaml', '3')])).toThrow(/refusing to write 'b\.yaml' twice/);
    expect(() => writeTree(dir, [file('b.yaml', '2'), file('a.yaml', '1'), file('b.yaml', '3')])).toThrow(/refusing to write 'b\.yaml' twice/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
