import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readTreeModel } from '../../src/gitops/fleet-model';
import { readTree } from '../../src/gitops/tree-reader';

// Every reader of a tree (validate, plan, diff, the model of the fleet proofs) reads it through `readTree`:
// regular files inside the tree only, bounded, no link followed out of it (issue #11 §5).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-reader-'));
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n';

/** A small tree: one Argo CD file, one workload file, a README, Git and writer state that is skipped. */
function smallTree(): string {
  const tree = tmp();
  for (const [rel, content] of Object.entries({
    'argocd/f/projects/AppProject.p.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: AppProject\nmetadata:\n  name: p\n',
    'clusters/c/app/ConfigMap.c.yaml': CONFIG_MAP,
    'README.md': '# fleet\n',
    '.git/config': '[core]\n',
    '.cdk8s-fleet/manifest.json': '{}',
  })) {
    fs.mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
    fs.writeFileSync(path.join(tree, rel), content);
  }
  return tree;
}

describe('readTree', () => {
  test('reads the regular files of a tree, sorted by path, skipping .git and the writer\'s state', () => {
    // GIVEN
    const tree = smallTree();
    // WHEN
    const read = readTree(tree);
    // THEN
    expect([...read.files.keys()]).toEqual(['README.md', 'argocd/f/projects/AppProject.p.yaml', 'clusters/c/app/ConfigMap.c.yaml']);
    expect(read.files.get('clusters/c/app/ConfigMap.c.yaml')).toBe(CONFIG_MAP);
    expect(read.problems).toEqual([]);
    expect(read.root).toBe(fs.realpathSync(tree));
    // … and `include` chooses what is read
    expect([...readTree(tree, { include: rel => rel.endsWith('.yaml') }).files.keys()]).toHaveLength(2);
  });

  test('a link to /dev/zero, a FIFO and a link to /etc/passwd are reported, never read; nothing hangs', () => {
    // GIVEN
    const tree = smallTree();
    fs.symlinkSync('/dev/zero', path.join(tree, 'argocd/f/projects/AppProject.zero.yaml'));
    execFileSync('mkfifo', [path.join(tree, 'clusters/c/app/ConfigMap.fifo.yaml')]);
    fs.symlinkSync('/etc/passwd', path.join(tree, 'argocd/f/projects/AppProject.passwd.yaml'));
    fs.symlinkSync('../../../../../etc/passwd', path.join(tree, 'clusters/c/app/ConfigMap.up.yaml'));
    // WHEN
    const read = readTree(tree);
    // THEN
    expect(read.problems).toEqual([
      "argocd/f/projects/AppProject.passwd.yaml: is a symbolic link that points outside the tree (to '/etc/passwd'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read",
      "argocd/f/projects/AppProject.zero.yaml: is a symbolic link that points outside the tree (to '/dev/zero'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read",
      'clusters/c/app/ConfigMap.fifo.yaml: is not a regular file (a FIFO, socket or device), and it is not read',
      "clusters/c/app/ConfigMap.up.yaml: is a symbolic link that points outside the tree (to '../../../../../etc/passwd'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read",
    ]);
    expect([...read.files.keys()]).not.toContain('argocd/f/projects/AppProject.passwd.yaml');
    expect(read.entries.get('clusters/c/app/ConfigMap.fifo.yaml')).toBe('other');
  });

  test('a link inside the tree to a regular file of the tree is read as its target; a linked directory is not entered', () => {
    // GIVEN
    const tree = smallTree();
    fs.symlinkSync('ConfigMap.c.yaml', path.join(tree, 'clusters/c/app/ConfigMap.alias.yaml'));
    const outside = tmp();
    fs.writeFileSync(path.join(outside, 'ConfigMap.x.yaml'), CONFIG_MAP);
    fs.symlinkSync(outside, path.join(tree, 'clusters/elsewhere'));
    fs.symlinkSync('c', path.join(tree, 'clusters/same'));
    // WHEN
    const read = readTree(tree);
    // THEN
    expect(read.files.get('clusters/c/app/ConfigMap.alias.yaml')).toBe(CONFIG_MAP);
    expect(read.entries.get('clusters/c/app/ConfigMap.alias.yaml')).toBe('symlink');
    expect([...read.files.keys()].filter(k => k.startsWith('clusters/elsewhere') || k.startsWith('clusters/same'))).toEqual([]);
    expect(read.problems).toEqual([
      `clusters/elsewhere: is a symbolic link that points outside the tree (to '${outside}'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read`,
    ]);
  });

  test('files past the size bounds are reported, not read', () => {
    const tree = smallTree();
    fs.writeFileSync(path.join(tree, 'clusters/c/app/ConfigMap.big.yaml'), 'x'.repeat(2000));
    const perFile = readTree(tree, { maxFileBytes: 1000 });
    expect(perFile.problems).toEqual(['clusters/c/app/ConfigMap.big.yaml: 2000 bytes, more than the 1000 read at most per file']);
    const total = readTree(tree, { maxTotalBytes: 1000 });
    expect(total.problems).toEqual([expect.stringMatching(/^clusters\/c\/app\/ConfigMap.big.yaml: the tree holds more than the 1000 bytes read at most in all; the rest of it is not read/)]);
  });

  test('a binary file is reported as not UTF-8 text', () => {
    const tree = smallTree();
    fs.writeFileSync(path.join(tree, 'clusters/c/app/ConfigMap.bin.yaml'), Buffer.from([0x61, 0, 0x62]));
    expect(readTree(tree).problems).toEqual(['clusters/c/app/ConfigMap.bin.yaml: binary content (a NUL byte at offset 1), not YAML text']);
  });

  test('a tree that does not exist, or is a file', () => {
    expect(readTree('/nonexistent/tree').problems).toEqual(['/nonexistent/tree: no such directory']);
    const file = path.join(tmp(), 'f');
    fs.writeFileSync(file, '');
    expect(readTree(file).problems).toEqual([`${file}: not a directory`]);
  });
});

describe('readTreeModel', () => {
  test('a YAML alias bomb is refused with a limit, fast, naming the file', () => {
    // GIVEN a "billion laughs" document among the Argo CD files
    const tree = smallTree();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
    fs.writeFileSync(path.join(tree, 'argocd/f/projects/AppProject.bomb.yaml'), levels.join('\n') + '\n');
    // WHEN
    const model = readTreeModel(tree);
    // THEN
    expect(model.problems).toEqual([expect.stringMatching(/^argocd\/f\/projects\/AppProject.bomb.yaml: document contains excessive aliasing/)]);
    expect(model.entries.map(e => e.path)).toEqual(['argocd/f/projects/AppProject.p.yaml', 'clusters/c/app/ConfigMap.c.yaml']);
  });

  test('reads no link out of the tree', () => {
    const tree = smallTree();
    fs.symlinkSync('/etc/passwd', path.join(tree, 'argocd/f/projects/AppProject.passwd.yaml'));
    const model = readTreeModel(tree);
    expect(model.problems).toEqual([expect.stringMatching(/^argocd\/f\/projects\/AppProject.passwd.yaml: is a symbolic link that points outside the tree/)]);
  });
});
