import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createFiles, NewFile } from '../../src/gitops/create-files';
import { sha256 } from '../../src/gitops/tree-writer';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-create-')) + '/';

/** 30 directories × 10 files, with 3 distinct contents. */
function fleetLike(): NewFile[] {
  const files: NewFile[] = [];
  for (let d = 0; d < 30; d++) {
    for (let f = 0; f < 10; f++) {
      const content = `content ${f % 3}\n`;
      files.push({ path: `clusters/c${String(d).padStart(2, '0')}/app/f${f}.yaml`, content, hash: sha256(content) });
    }
  }
  return files;
}

describe('createFiles', () => {
  test('writes each content once and links every other file to it, half of the links on a helper thread', () => {
    // GIVEN
    const root = tmp();
    const files = fleetLike();
    // WHEN (a threshold of 1 always starts the helper)
    const created = createFiles(root, files, { linkIdentical: true, helperThreshold: 1 });
    // THEN every file holds its bytes
    for (const f of files) expect(fs.readFileSync(root + f.path, 'utf-8')).toBe(f.content);
    // … three were written, the rest are hard links to the first file of their content
    expect([...created.linked].filter(x => x === 0)).toHaveLength(3);
    files.forEach((f, i) => {
      if (!created.linked[i]) return;
      const first = files[created.firstOf[i]];
      expect(first.content).toBe(f.content);
      expect(fs.statSync(root + f.path).ino).toBe(fs.statSync(root + first.path).ino);
    });
    expect(fs.statSync(root + files[0].path).nlink).toBe(120); // f0, f3, f6 and f9 of 30 directories
  });

  test('without linkIdentical, every file is written on its own', () => {
    const root = tmp();
    const files = fleetLike();
    const created = createFiles(root, files, { linkIdentical: false, helperThreshold: 1 });
    expect([...created.linked].every(x => x === 0)).toBe(true);
    expect(fs.statSync(root + files[0].path).nlink).toBe(1);
    expect(fs.readFileSync(root + files[299].path, 'utf-8')).toBe(files[299].content);
  });

  test('a failure on the helper thread is reported by the call', () => {
    // GIVEN a file where the second half needs a directory
    const root = tmp();
    const files = fleetLike();
    fs.mkdirSync(root + 'clusters', { recursive: true });
    fs.writeFileSync(root + 'clusters/c29', 'in the way');
    // THEN
    expect(() => createFiles(root, files, { linkIdentical: true, helperThreshold: 1 })).toThrow(/EEXIST|ENOTDIR|not a directory|file already exists/);
  });
});
