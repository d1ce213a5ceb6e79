import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { validateTree } from '../../src/cli/validate';
import { writeTree } from '../../src/gitops/tree-writer';
import { generation } from '../gitops/fixtures/tree-generations';
import { addCluster, testFleet } from '../util';

// `cdk8s-fleet validate` on hostile trees: it reads only regular files inside the tree, bounded, reports links
// out of it, files the writer does not own where Argo CD reads, and a half-written tree that was committed to
// Git (issue #11 §1, §5).

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-validate-'));
const CHILD = path.join(__dirname, '..', 'gitops', 'fixtures', 'write-child.ts');

function synthesized(): string {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'prod');
  return app.synthTree().outdir;
}

const SECRET = 'argocd/platform/clusters/Secret.cluster-prod.yaml';

describe('validateTree', () => {
  test('a freshly synthesized tree is valid', () => {
    expect(validateTree(synthesized()).problems).toEqual([]);
  });

  test('a file of someone else\'s named like a member of Object.prototype is not taken for a managed file', () => {
    // GIVEN a synthesized tree with a file named `constructor` beside the managed ones
    const tree = synthesized();
    fs.writeFileSync(path.join(tree, 'constructor'), 'not ours\n');
    // WHEN it is validated
    const { problems } = validateTree(tree);
    // THEN that file is not reported as a managed file changed since the synth
    expect(problems.filter(p => p.startsWith('constructor'))).toEqual([]);
  });

  test('a managed file replaced by a link to /dev/zero or by a FIFO is reported without reading it', () => {
    // GIVEN
    const tree = synthesized();
    fs.rmSync(path.join(tree, SECRET));
    fs.symlinkSync('/dev/zero', path.join(tree, SECRET));
    const root = path.join(tree, 'bootstrap/Application.platform-root.yaml');
    fs.rmSync(root);
    execFileSync('mkfifo', [root]);
    // WHEN
    const result = validateTree(tree);
    // THEN
    expect(result.problems).toEqual([
      "argocd/platform/clusters/Secret.cluster-prod.yaml: is a symbolic link that points outside the tree (to '/dev/zero'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read",
      'bootstrap/Application.platform-root.yaml: is not a regular file (a FIFO, socket or device), and it is not read',
    ]);
  });

  test('a link to /etc/passwd under argocd/ is reported, not validated', () => {
    const tree = synthesized();
    fs.symlinkSync('/etc/passwd', path.join(tree, 'argocd/platform/clusters/Secret.passwd.yaml'));
    expect(validateTree(tree).problems).toEqual([
      "argocd/platform/clusters/Secret.passwd.yaml: is a symbolic link that points outside the tree (to '/etc/passwd'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read",
    ]);
  });

  test('a managed file replaced by a link inside the tree is reported: the writer writes regular files', () => {
    const tree = synthesized();
    fs.copyFileSync(path.join(tree, SECRET), path.join(tree, 'copy.yaml'));
    fs.rmSync(path.join(tree, SECRET));
    fs.symlinkSync('../../../copy.yaml', path.join(tree, SECRET));
    expect(validateTree(tree).problems).toEqual([`${SECRET}: is a symbolic link, not the regular file cdk8s-fleet wrote`]);
  });

  test('a YAML alias bomb in a managed file is refused with a limit', () => {
    const tree = synthesized();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    fs.writeFileSync(path.join(tree, SECRET), levels.join('\n') + '\n');
    const problems = validateTree(tree).problems;
    expect(problems).toContain(`${SECRET}: changed since it was synthesized (edit the program, not the tree)`);
    expect(problems).toContainEqual(expect.stringMatching(/^argocd\/platform\/clusters\/Secret.cluster-prod.yaml: document contains excessive aliasing/));
  });

  test('a YAML file the writer did not write where Argo CD reads it is reported; other files are not', () => {
    const tree = synthesized();
    fs.mkdirSync(path.join(tree, 'clusters/prod/extra'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'clusters/prod/extra/ConfigMap.x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    fs.writeFileSync(path.join(tree, 'clusters/prod/NOTES.md'), '# notes\n');
    fs.writeFileSync(path.join(tree, 'ci.yaml'), 'jobs: {}\n');
    expect(validateTree(tree).problems).toEqual([
      'clusters/prod/extra/ConfigMap.x.yaml: not written by cdk8s-fleet (not in .cdk8s-fleet/manifest.json), yet Argo CD reads it: a file added by hand, '
      + 'or left by a write that was interrupted and committed; delete it, or synth again',
    ]);
  });

  test('a damaged manifest is a problem, not a crash', () => {
    const tree = synthesized();
    fs.writeFileSync(path.join(tree, '.cdk8s-fleet/manifest.json'), '{"version": 1, "files": {"../x": "0"}}');
    expect(validateTree(tree).problems).toEqual([expect.stringMatching(/manifest.json lists "..\/x", which is not a normalized path inside the tree/)]);
  });

  test('a write killed before its commit and then committed to Git fails validation on a fresh clone', () => {
    // GIVEN a repository holding generation 1, then a synth of generation 2 killed after it created files …
    const repo = tmp();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    const tree = path.join(repo, 'gitops');
    writeTree(tree, generation(1));
    git('add', '-A');
    git('commit', '-qm', 'generation 1');
    expect(() => execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, tree, '2', 'half-created', '1'], { stdio: 'pipe' })).toThrow();
    // … and everything committed as it was
    git('add', '-A');
    git('commit', '-qm', 'half-written');
    // WHEN the tree is validated on a fresh clone
    const clone = path.join(tmp(), 'clone');
    execFileSync('git', ['clone', '-q', repo, clone], { stdio: 'pipe' });
    const problems = validateTree(path.join(clone, 'gitops')).problems;
    // THEN the interrupted write is found, from the committed journal and from the files the manifest lacks
    expect(problems).toContain(`${path.join(clone, 'gitops')}: a write was interrupted before it was committed; the next synth rolls it back`);
    expect(problems).toContainEqual(expect.stringMatching(/^clusters\/c2\d\/new\/ConfigMap.cfg.yaml: not written by cdk8s-fleet/));
    // AND even without the journal (a tree committed by an older release that git-ignored it) the files say so
    fs.rmSync(path.join(clone, 'gitops', '.cdk8s-fleet', 'journal.json'));
    expect(validateTree(path.join(clone, 'gitops')).problems).toContainEqual(expect.stringMatching(/^clusters\/c2\d\/new\/ConfigMap.cfg.yaml: not written by cdk8s-fleet/));
  });
});

describe('plan and diff read trees the same bounded way', () => {
  test('an alias bomb, a FIFO and a link to /dev/zero: plan warns and prints the rest; diff refuses to review a tree it cannot read whole', () => {
    // GIVEN
    const tree = synthesized();
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    fs.writeFileSync(path.join(tree, 'argocd/platform/bomb.yaml'), levels.join('\n') + '\n');
    execFileSync('mkfifo', [path.join(tree, 'argocd/platform/fifo.yaml')]);
    fs.symlinkSync('/dev/zero', path.join(tree, 'argocd/platform/zero.yaml'));
    let out = '';
    let err = '';
    const io = { out: (t: string) => { out += t; }, err: (t: string) => { err += t; } };
    // WHEN
    const plan = main(['plan', tree], io);
    // THEN
    expect(plan).toBe(0);
    expect(out).toContain('prod');
    expect(err).toContain('warning: argocd/platform/bomb.yaml: document contains excessive aliasing');
    expect(err).toContain('warning: argocd/platform/fifo.yaml: is not a regular file');
    expect(err).toContain('warning: argocd/platform/zero.yaml: is a symbolic link that points outside the tree');
    // WHEN / THEN a review that cannot read every file says so (a review that misses a change is worse than none)
    err = '';
    expect(main(['diff', tree, tree], io)).toBe(2);
    expect(err).toBe(`error: base ${tree}: argocd/platform/fifo.yaml is not a regular file; a tree holds regular files only\n`);
  });
});
