import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generation } from './fixtures/tree-generations';
import { interruptedWrite, readManifest, recoverTree, sha256, writeTree } from '../../src/gitops/tree-writer';
import { errorOf, treeSnapshot } from '../util';

// The tree writer only ever touches files it owns, inside the tree: whatever its state files say, whatever
// symbolic links the tree holds, and whoever else wrote into it (issue #11 §1).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-safety-'));
const asObject = (files: Map<string, string>) => Object.fromEntries([...files.entries()].sort());
const MANIFEST = '.cdk8s-fleet/manifest.json';
const JOURNAL = '.cdk8s-fleet/journal.json';

/** A directory outside the tree holding one file, to check that nothing reaches it. */
function victim(): { dir: string; file: string } {
  const dir = tmp();
  const file = path.join(dir, 'precious.txt');
  fs.writeFileSync(file, 'do not touch\n');
  return { dir, file };
}

function editManifest(tree: string, edit: (files: Record<string, string>) => void) {
  const manifest = JSON.parse(fs.readFileSync(path.join(tree, MANIFEST), 'utf-8'));
  edit(manifest.files);
  fs.writeFileSync(path.join(tree, MANIFEST), JSON.stringify(manifest, undefined, 1) + '\n');
}

describe('the writer stays inside the tree', () => {
  test.each([
    ['../victim/precious.txt'],
    ['/abs/precious.txt'],
    ['clusters/../../victim/precious.txt'],
    ['clusters//c0/x.yaml'],
    ['./clusters/x.yaml'],
    ['clusters\\..\\x.yaml'],
    ['.cdk8s-fleet/journal.json'],
    ['.git/config'],
  ])('a manifest entry %p is refused before anything is touched', (entry) => {
    // GIVEN a tree whose manifest was edited to list a path outside it (or into Git's or the writer's own state)
    const tree = path.join(tmp(), 'tree');
    const outside = victim();
    fs.renameSync(outside.dir, path.join(path.dirname(tree), 'victim'));
    writeTree(tree, generation(1));
    editManifest(tree, files => { files[entry] = sha256('do not touch\n'); });
    const before = treeSnapshot(tree);
    // WHEN the next write would delete it (the program no longer produces it)
    const error = errorOf(() => writeTree(tree, generation(2)));
    // THEN it refuses, naming the entry and what to do, and changes nothing
    expect(error).toContain(`${MANIFEST} lists ${JSON.stringify(entry)}, which is not a normalized path inside the tree`);
    expect(error).toMatch(/restore .* from Git/);
    expect(fs.readFileSync(path.join(path.dirname(tree), 'victim', 'precious.txt'), 'utf-8')).toBe('do not touch\n');
    expect(treeSnapshot(tree)).toStrictEqual(before);
  });

  test('a manifest that is not the writer\'s JSON is refused with its path', () => {
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.writeFileSync(path.join(tree, MANIFEST), '{"version": 1, "files": ["a"]}');
    expect(errorOf(() => writeTree(tree, generation(1)))).toContain(`${path.join(fs.realpathSync(tree), MANIFEST)}: not a cdk8s-fleet manifest ('files' must map tree paths to sha256 hex digests)`);
    fs.writeFileSync(path.join(tree, MANIFEST), '{"version": 1, "files": {"a.yaml": "zz"}}');
    expect(errorOf(() => writeTree(tree, generation(1)))).toContain("not a cdk8s-fleet manifest ('files' must map tree paths to sha256 hex digests)");
    fs.writeFileSync(path.join(tree, MANIFEST), '{"version": 1, "fi');
    expect(errorOf(() => writeTree(tree, generation(1)))).toMatch(/manifest.json: not valid JSON/);
  });

  test.each([
    ['creates', '../victim/precious.txt'],
    ['deletes', '../victim/precious.txt'],
    ['replaces', '../victim/precious.txt'],
    ['creates', '/etc/hostname'],
  ])('a journal whose %s lists %p is refused: nothing is rolled back or deleted', (list, entry) => {
    // GIVEN an interrupted write whose journal was tampered with
    const tree = path.join(tmp(), 'tree');
    const outside = victim();
    fs.renameSync(outside.dir, path.join(path.dirname(tree), 'victim'));
    writeTree(tree, generation(1));
    const journal: any = { version: 3, creates: [], replaces: [], deletes: [] };
    journal[list].push(entry);
    fs.writeFileSync(path.join(tree, JOURNAL), JSON.stringify(journal));
    if (list !== 'creates') fs.writeFileSync(path.join(tree, '.cdk8s-fleet/journal.commit'), '');
    // WHEN it is recovered, directly or by the next write
    const direct = errorOf(() => recoverTree(tree));
    const viaWrite = errorOf(() => writeTree(tree, generation(1)));
    // THEN both refuse, naming the entry; the file outside is intact and the journal is still there
    for (const e of [direct, viaWrite]) expect(e).toContain(`${JOURNAL} lists ${JSON.stringify(entry)}, which is not a normalized path inside the tree`);
    expect(fs.readFileSync(path.join(path.dirname(tree), 'victim', 'precious.txt'), 'utf-8')).toBe('do not touch\n');
    expect(fs.existsSync(path.join(tree, JOURNAL))).toBe(true);
  });

  test('a directory of the tree replaced by a symbolic link to elsewhere is never written through', () => {
    // GIVEN clusters/c0 is now a link to a directory outside the tree
    const tree = tmp();
    writeTree(tree, generation(1));
    const outside = victim();
    fs.rmSync(path.join(tree, 'clusters/c0'), { recursive: true });
    fs.symlinkSync(outside.dir, path.join(tree, 'clusters/c0'));
    // WHEN the next write changes and creates files below it
    const error = errorOf(() => writeTree(tree, generation(2)));
    // THEN it refuses, naming the link; nothing appeared outside
    expect(error).toContain('clusters/c0: is a symbolic link; the writer never follows links inside the tree (replace it with a directory, or delete it)');
    expect(fs.readdirSync(outside.dir)).toEqual(['precious.txt']);
    expect(fs.existsSync(path.join(tree, JOURNAL))).toBe(false);
  });

  test('a symbolic link to a directory outside the tree is never deleted through', () => {
    // GIVEN clusters/c17 (removed in generation 2) is a link to an outside directory with the very same files
    const tree = tmp();
    writeTree(tree, generation(1));
    const outside = tmp();
    fs.cpSync(path.join(tree, 'clusters/c17'), outside, { recursive: true });
    fs.rmSync(path.join(tree, 'clusters/c17'), { recursive: true });
    fs.symlinkSync(outside, path.join(tree, 'clusters/c17'));
    // WHEN
    const error = errorOf(() => writeTree(tree, generation(2)));
    // THEN
    expect(error).toContain('clusters/c17: is a symbolic link; the writer never follows links inside the tree');
    expect(fs.readdirSync(outside).length).toBe(10);
  });

  test.each([['constructor'], ['toString'], ['hasOwnProperty']])('a file named %p that the writer did not write is not taken for a managed one', (name) => {
    // GIVEN a tree, and beside it a file of someone else's named like a member of Object.prototype
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.writeFileSync(path.join(tree, name), 'not ours\n');
    // WHEN the program writes a file of that name
    const files = new Map(generation(1));
    files.set(name, 'ours\n');
    const error = errorOf(() => writeTree(tree, files));
    // THEN it is refused as a file the writer does not own (not as an edited managed file), and left alone
    expect(error).toContain(`${name}: exists but was not written by cdk8s-fleet`);
    expect(fs.readFileSync(path.join(tree, name), 'utf-8')).toBe('not ours\n');
    // AND the manifest read back has no such entry
    expect(Object.prototype.hasOwnProperty.call(readManifest(tree).files, name)).toBe(false);
  });

  test('a symbolic link for the state directory is refused', () => {
    const tree = tmp();
    writeTree(tree, generation(1));
    const outside = tmp();
    fs.cpSync(path.join(tree, '.cdk8s-fleet'), outside, { recursive: true });
    fs.rmSync(path.join(tree, '.cdk8s-fleet'), { recursive: true });
    fs.symlinkSync(outside, path.join(tree, '.cdk8s-fleet'));
    expect(errorOf(() => writeTree(tree, generation(2)))).toMatch(/\.cdk8s-fleet: is a symbolic link[,;] .*the writer never follows links inside the tree/);
    expect(fs.existsSync(path.join(outside, 'journal.json'))).toBe(false);
  });

  test('a managed file that became a symbolic link is a conflict; with force the link is replaced, its target untouched', () => {
    // GIVEN the project file links to a file outside the tree
    const tree = tmp();
    writeTree(tree, generation(1));
    const outside = victim();
    const rel = 'argocd/f/projects/AppProject.p.yaml';
    fs.rmSync(path.join(tree, rel));
    fs.symlinkSync(outside.file, path.join(tree, rel));
    // WHEN / THEN refused by default …
    expect(errorOf(() => writeTree(tree, generation(2)))).toContain(`${rel}: is a symbolic link, not the file the writer wrote`);
    // … and with force the link itself is replaced
    writeTree(tree, generation(2), { force: true });
    expect(fs.lstatSync(path.join(tree, rel)).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(tree, rel), 'utf-8')).toBe('gen: 2\n');
    expect(fs.readFileSync(outside.file, 'utf-8')).toBe('do not touch\n');
  });

  test('an outdir given through a symbolic link is resolved once and written normally', () => {
    const real = tmp();
    const link = path.join(tmp(), 'link');
    fs.symlinkSync(real, link);
    writeTree(link, generation(1));
    expect(treeSnapshot(real, { excludeState: true })).toStrictEqual(asObject(generation(1)));
    expect(writeTree(link, generation(2)).deleted).toHaveLength(50);
    expect(treeSnapshot(real, { excludeState: true })).toStrictEqual(asObject(generation(2)));
  });
});

describe('files the writer does not own are never overwritten without force', () => {
  test('an unmanaged file at a path the program starts to produce is refused, naming it; force overwrites it', () => {
    // GIVEN a hand-written file where generation 2 adds one
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.mkdirSync(path.join(tree, 'clusters/c20/new'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'clusters/c20/new/ConfigMap.cfg.yaml'), 'mine\n');
    const before = treeSnapshot(tree);
    // WHEN
    const error = errorOf(() => writeTree(tree, generation(2)));
    // THEN nothing is written, and the message names the file and the ways out
    expect(error).toContain('clusters/c20/new/ConfigMap.cfg.yaml: exists but was not written by cdk8s-fleet (not in .cdk8s-fleet/manifest.json)');
    expect(error).toMatch(/nothing was written/);
    expect(error).toMatch(/force: true/);
    expect(treeSnapshot(tree)).toStrictEqual(before);
    // AND with force it is overwritten (and, as a replaced file, restored if that write is rolled back)
    const result = writeTree(tree, generation(2), { force: true });
    expect(result.written).toContain('clusters/c20/new/ConfigMap.cfg.yaml');
    expect(treeSnapshot(tree, { excludeState: true })).toStrictEqual(asObject(generation(2)));
  });

  test('an unmanaged file that already holds exactly the bytes the program produces is adopted', () => {
    const tree = tmp();
    fs.mkdirSync(path.join(tree, 'argocd/f/projects'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'argocd/f/projects/AppProject.p.yaml'), 'gen: 1\n');
    const result = writeTree(tree, generation(1));
    expect(result.written).not.toContain('argocd/f/projects/AppProject.p.yaml');
    expect(readManifest(tree).files['argocd/f/projects/AppProject.p.yaml']).toBe(sha256('gen: 1\n'));
  });

  test('a hand-edited managed file is neither overwritten nor deleted; force does both', () => {
    // GIVEN one file edited that generation 2 changes, one that it keeps, one that it deletes
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.writeFileSync(path.join(tree, 'clusters/c0/app0/ConfigMap.cfg.yaml'), 'edited to change\n');
    fs.writeFileSync(path.join(tree, 'clusters/c0/app1/ConfigMap.cfg.yaml'), 'edited to keep\n');
    fs.writeFileSync(path.join(tree, 'clusters/c19/app0/ConfigMap.cfg.yaml'), 'edited to delete\n');
    // WHEN
    const error = errorOf(() => writeTree(tree, generation(2)));
    // THEN all three are named at once
    expect(error).toContain('clusters/c0/app0/ConfigMap.cfg.yaml: edited since cdk8s-fleet wrote it (its sha256 differs from the manifest)');
    expect(error).toContain('clusters/c0/app1/ConfigMap.cfg.yaml: edited since cdk8s-fleet wrote it');
    expect(error).toContain('clusters/c19/app0/ConfigMap.cfg.yaml: edited since cdk8s-fleet wrote it (its sha256 differs from the manifest); the program no longer produces it, so the write would delete it');
    expect(fs.readFileSync(path.join(tree, 'clusters/c19/app0/ConfigMap.cfg.yaml'), 'utf-8')).toBe('edited to delete\n');
    // AND force applies the program's tree
    writeTree(tree, generation(2), { force: true });
    expect(treeSnapshot(tree, { excludeState: true })).toStrictEqual(asObject(generation(2)));
  });

  test('an edit that keeps the size and the modification time is still found (the stat cache also records ctime and inode)', () => {
    // GIVEN a synthesized tree, and a later edit whose size and mtime are those of the original
    const tree = tmp();
    writeTree(tree, generation(1));
    const file = path.join(tree, 'argocd/f/projects/AppProject.p.yaml');
    const { atime, mtime } = fs.statSync(file);
    fs.writeFileSync(file, 'gen: X\n');
    fs.utimesSync(file, atime, mtime);
    // WHEN the same program writes again
    const error = errorOf(() => writeTree(tree, generation(1)));
    // THEN the edit is found
    expect(error).toContain('argocd/f/projects/AppProject.p.yaml: edited since cdk8s-fleet wrote it');
  });

  test('an unchanged tree is checked without reading its files (once the stat cache is not racily clean)', () => {
    // GIVEN a tree written, then checked once (files written in the cache's own timestamp tick are read once)
    const tree = tmp();
    writeTree(tree, generation(1));
    writeTree(tree, generation(1));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const real = require('fs');
    const opened: string[] = [];
    const original = real.openSync;
    const spy = jest.spyOn(real, 'openSync').mockImplementation((...args: any[]) => {
      opened.push(String(args[0]));
      return original.apply(real, args);
    });
    // WHEN
    const result = writeTree(tree, generation(1));
    spy.mockRestore();
    // THEN no managed file was opened
    expect(result.unchanged).toBe(201);
    expect(opened.filter(f => !f.includes('/.cdk8s-fleet/'))).toEqual([]);
  });

  test('a managed file whose bytes equal the program\'s new bytes is taken as written', () => {
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.writeFileSync(path.join(tree, 'argocd/f/projects/AppProject.p.yaml'), 'gen: 2\n');
    const result = writeTree(tree, generation(2));
    expect(result.written).not.toContain('argocd/f/projects/AppProject.p.yaml');
    expect(readManifest(tree).files['argocd/f/projects/AppProject.p.yaml']).toBe(sha256('gen: 2\n'));
  });

  test('a directory where the program writes a file is refused even with force', () => {
    const tree = tmp();
    writeTree(tree, generation(1));
    fs.mkdirSync(path.join(tree, 'clusters/c20/new/ConfigMap.cfg.yaml'), { recursive: true });
    for (const force of [false, true]) {
      expect(errorOf(() => writeTree(tree, generation(2), { force }))).toContain('clusters/c20/new/ConfigMap.cfg.yaml: is a directory where the tree has a file (remove it by hand)');
    }
  });
});

describe('the journal is part of what is committed to Git', () => {
  test('the state .gitignore keeps only the local stat cache and temporary files out of Git', () => {
    const tree = tmp();
    writeTree(tree, generation(1));
    const ignore = fs.readFileSync(path.join(tree, '.cdk8s-fleet/.gitignore'), 'utf-8').split('\n');
    expect(ignore).toContain('/stat-cache');
    expect(ignore).not.toContain('/journal.json');
    expect(ignore).not.toContain('/staging/');
    expect(ignore).not.toContain('/journal.commit');
    expect(interruptedWrite(tree)).toBeUndefined();
  });
});
