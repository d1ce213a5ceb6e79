import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createFiles, helperWriteSplit, NewFile } from '../../src/gitops/create-files';
import { sha256 } from '../../src/gitops/tree-writer';
import * as workerScripts from '../../src/private/worker-script';

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

  test('distinct contents are written half by a helper thread, each directory by one thread', () => {
    // GIVEN 300 files of 300 distinct contents
    const root = tmp();
    const files = fleetLike().map((f, i) => ({ ...f, content: `content ${i}\n`, hash: sha256(`content ${i}\n`) }));
    let halfway = 0;
    // WHEN
    const created = createFiles(root, files, { linkIdentical: true, helperThreshold: 1, halfway: () => halfway++ });
    // THEN every file holds its own bytes, none is a link, and the seam was called once
    for (const f of files) expect(fs.readFileSync(root + f.path, 'utf-8')).toBe(f.content);
    expect([...created.linked].every(x => x === 0)).toBe(true);
    expect(halfway).toBe(1);
  });

  test("a file in the way of the helper's half: the call reports it with its path", () => {
    // GIVEN a file already where the last one goes
    const root = tmp();
    const files = fleetLike().map((f, i) => ({ ...f, content: `content ${i}\n`, hash: sha256(`content ${i}\n`) }));
    fs.mkdirSync(path.dirname(root + files[299].path), { recursive: true });
    fs.writeFileSync(root + files[299].path, 'in the way');
    // THEN
    expect(() => createFiles(root, files, { linkIdentical: false, helperThreshold: 1 })).toThrow(expect.objectContaining({
      code: 'EEXIST', path: root + files[299].path,
    }));
    expect(fs.readFileSync(root + files[299].path, 'utf-8')).toBe('in the way'); // never written through
  });

  test("when this thread's half fails, the call waits for the helper: nothing is created after it returns", async () => {
    // GIVEN a file in the way of the first one
    const root = tmp();
    const files = fleetLike().map((f, i) => ({ ...f, content: `content ${i}\n`, hash: sha256(`content ${i}\n`) }));
    fs.mkdirSync(path.dirname(root + files[0].path), { recursive: true });
    fs.writeFileSync(root + files[0].path, 'in the way');
    // WHEN
    expect(() => createFiles(root, files, { linkIdentical: false, helperThreshold: 1 })).toThrow(/EEXIST|file already exists/);
    // THEN the helper's half (the second) was complete when the call threw, and nothing appears later
    const existing = () => files.filter(f => fs.existsSync(root + f.path)).length;
    const atReturn = existing();
    expect(fs.readFileSync(root + files[299].path, 'utf-8')).toBe(files[299].content);
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(existing()).toBe(atReturn);
  });

  test('the helper receives at most the content cap, and at most half of the files', () => {
    const files = Array.from({ length: 10 }, (_, i) => ({ path: `d${i}/f`, content: 'x'.repeat(100), hash: String(i) }));
    const all = files.map((_, i) => i);
    // 200 bytes (UTF-16) per content: a cap of 450 bytes leaves two files to the helper
    expect(helperWriteSplit(files, all, 450)).toBe(8);
    expect(helperWriteSplit(files, all, 1e9)).toBe(5);
    expect(helperWriteSplit(files, all, 0)).toBe(10);
  });

  test('GIVEN a helper thread that dies without a word WHEN the call waits for it THEN it throws at once, saying so', () => {
    // GIVEN a helper whose code exits at once (the real one posts even its errors)
    const root = tmp();
    const original = workerScripts.startWorker;
    const spy = jest.spyOn(workerScripts, 'startWorker').mockImplementation((_code, data, transfer, wake) => original({ source: 'process.exit(9);' }, data, transfer, wake));
    try {
      // WHEN
      const began = Date.now();
      // THEN (not after the two-minute stall)
      expect(() => createFiles(root, fleetLike(), { linkIdentical: true, helperThreshold: 1 })).toThrow('the file-creating helper thread exited with code 9');
      expect(spy).toHaveBeenCalled();
      expect(Date.now() - began).toBeLessThan(30_000);
    } finally {
      spy.mockRestore();
    }
  });
});
