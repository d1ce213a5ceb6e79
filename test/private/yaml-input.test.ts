import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readBounded } from '../../src/gitops/tree-scan';
import { InputError, parseJsonBounded, parseYamlDocument, parseYamlDocuments, readTextFile } from '../../src/private/yaml-input';

describe('parseYamlDocuments', () => {
  test('names the file, line and column of a syntax error', () => {
    expect(() => parseYamlDocuments('a: 1\nb: [1,\n', 'f.yaml')).toThrow(/^f\.yaml:3:1: unexpected end of the stream within a flow collection/);
  });

  test('refuses a duplicated mapping key with its position', () => {
    expect(() => parseYamlDocuments('a: 1\na: 2\n', 'f.yaml')).toThrow('f.yaml:2:1: duplicated mapping key');
  });

  test('refuses a "billion laughs" document in milliseconds', () => {
    // GIVEN nine levels of nine aliases each (9^9 nodes when expanded)
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
    // WHEN / THEN
    const start = Date.now();
    expect(() => parseYamlDocuments(lines.join('\n'), 'bomb.yaml')).toThrow(/bomb\.yaml: document contains excessive aliasing/);
    expect(Date.now() - start).toBeLessThan(5_000);
  });

  test('refuses excessive aliasing by go-yaml\'s ratio even below the absolute cap', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcde';
    for (let i = 1; i < names.length; i++) lines.push(`${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(',')}]`);
    expect(() => parseYamlDocuments(lines.join('\n'), 'f.yaml')).toThrow('f.yaml: document contains excessive aliasing');
  });

  test('accepts ordinary aliases', () => {
    expect(parseYamlDocuments('a: &x {b: 1}\nc: *x\n', 'f.yaml')).toEqual([{ a: { b: 1 }, c: { b: 1 } }]);
  });

  test('refuses a recursive alias', () => {
    expect(() => parseYamlDocument('&a [*a]', 'f.yaml')).toThrow('f.yaml: recursive alias');
  });

  test('drops empty documents and keeps scalars', () => {
    expect(parseYamlDocuments('---\n# nothing\n---\n.\n', 'f.yaml')).toEqual(['.']);
  });
});

describe('escapes in double-quoted scalars, as go-yaml reads them (gopkg.in/yaml.v3 scannerc.go, yaml_parser_scan_flow_scalar)', () => {
  const INVALID = 'found invalid Unicode character escape code';
  const refusal = (line: number, why: string, goYaml: string) => new InputError(`f.yaml:${line}: ${why}: Argo CD, kubectl and kustomize refuse the file (go-yaml: "${goYaml}"); write the character itself`, 'f.yaml');
  const notUnicode = (escape: string, what = 'a surrogate') => `the escape ${escape} in a double-quoted string is not a Unicode character (${what})`;

  test.each([
    ['a lone surrogate', 'a: "x\\ud800y"\n', 1, notUnicode('\\ud800'), INVALID],
    ['a pair written as two escapes (js-yaml joins them; go-yaml checks each)', 'a: "\\ud83d\\ude00"\n', 1, notUnicode('\\ud83d'), INVALID],
    ['an eight-digit escape, on the second line of a scalar', 'x: 1\nd: "multi\n  line \\\\ud800 \\U0000DC00"\n', 3, notUnicode('\\U0000DC00'), INVALID],
    ['a key', '"k\\uDFFF": 1\n', 1, notUnicode('\\uDFFF'), INVALID],
    ['a code above U+10FFFF', 'a: "\\U00110000"\n', 1, notUnicode('\\U00110000', 'above U+10FFFF'), INVALID],
    ['a surrogate in a flow mapping, after lines broken by CR alone', 'a: 1\rb: 2\rc: {d: "\\ud800"}\n', 3, notUnicode('\\ud800'), INVALID],
    ['\\/ (JSON encoders write it; js-yaml reads it)', '- ["x\\/y"]\n', 1, 'the escape \\/ in a double-quoted string is not one YAML readers in Go know', 'found unknown escape character'],
  ])('GIVEN %s WHEN parsed THEN the file is refused, naming the line and the escape', (_what, text, line, why, goYaml) => {
    expect(() => parseYamlDocuments(text, 'f.yaml')).toThrow(refusal(line, why, goYaml));
    expect(() => parseYamlDocument(text, 'f.yaml')).toThrow(refusal(line, why, goYaml));
  });

  test.each([
    ['single-quoted', "b: 'lit \\ud800 \\/'\n", { b: 'lit \\ud800 \\/' }],
    ['plain (a Windows path)', 'c: C:\\Users\\x\\ud800\n', { c: 'C:\\Users\\x\\ud800' }],
    ['an escaped backslash before u', 'f: "\\\\ud800 \\\\/"\n', { f: '\\ud800 \\/' }],
    ['a block scalar and a comment', '# "\\ud800"\ne: |\n  "\\ud800"\n', { e: '"\\ud800"\n' }],
    ['every escape go-yaml knows, and a continued line', 'g: "\\u00e9 \\U0001F600 \\ud7ff \\ue000 \\N\\_\\L\\P \\x41 \\e\\0\\a\\b\\v\\f\\r\\n\\t\\\t\\"\\\\ \\\n  end"\n',
      { g: '\u00e9 \u{1F600} \ud7ff \ue000 \u0085\u00a0\u2028\u2029 A \u001b\u0000\u0007\b\u000b\f\r\n\t\t"\\ end' }],
    ['\\\' (go-yaml reads a quote; js-yaml alone refuses it), not in other styles nor after an escaped backslash',
      'a: "it\\\'s"\nb: [\'x\\\', "y\\\'"]\nc: "\\\\\'"\n# "\\\'"\nd: |\n  "\\\'"\n', { a: "it's", b: ['x\\', "y'"], c: "\\'", d: '"\\\'"\n' }],
  ])('GIVEN a backslash go-yaml reads (%s) WHEN parsed THEN it reads as written', (_what, text, value) => {
    expect(parseYamlDocuments(text, 'f.yaml')).toEqual([value]);
  });
});

describe('raw NEL, U+2028 and U+2029, which go-yaml reads as line breaks (YAML 1.1; libyaml IS_BREAK) and js-yaml as characters', () => {
  const refusal = (where: string, name: string, escape: string) => new InputError(`f.yaml:${where}: a raw ${name}: go-yaml, which Argo CD, kubectl and kustomize use, reads it as a line break where this reader reads a character, so they would read another document (a comment could end there, the rest of its line read as YAML); remove it, or write it as the escape ${escape} in a double-quoted string`, 'f.yaml');

  // What libyaml (PyYAML's C loader, as go-yaml reads) makes of each, checked by hand: the comment ends and
  // `replicas: 0` is a key; the plain scalar is cut ("while scanning a simple key"); in the double-quoted one NEL
  // folds to a space ('p q') and the blanks after U+2028 are trimmed ('p\u2028q'); js-yaml keeps every character.
  test.each([
    ['U+2028 ending a comment (libyaml reads the rest of the line as a key)', '# note\u2028replicas: 0\nother: 3\n', '1:7', 'U+2028 (LINE SEPARATOR)', '\\L'],
    ['NEL in a plain value', 'a: 1\nb: x\u0085y\n', '2:5', 'U+0085 (NEXT LINE)', '\\N'],
    ['NEL in a double-quoted value', 'a: "p\u0085q"\n', '1:6', 'U+0085 (NEXT LINE)', '\\N'],
    ['U+2028 before blanks in a double-quoted value, after CRLF lines', 'a: 1\r\nb: 2\r\nc: "p\u2028  q"\n', '3:6', 'U+2028 (LINE SEPARATOR)', '\\L'],
    ['U+2029 in a block scalar, after a line broken by CR alone', 'x: 1\ra: |\n  x\u2029y\n', '3:4', 'U+2029 (PARAGRAPH SEPARATOR)', '\\P'],
  ])('GIVEN %s WHEN parsed THEN the file is refused, naming the line, the column and the escape to write', (_what, text, where, name, escape) => {
    expect(() => parseYamlDocuments(text, 'f.yaml')).toThrow(refusal(where, name, escape));
    expect(() => parseYamlDocument(text, 'f.yaml')).toThrow(refusal(where, name, escape));
  });

  test('GIVEN the escapes instead WHEN parsed THEN both readers read the characters', () => {
    expect(parseYamlDocuments('a: "p\\Nq\\Lr\\Ps"\n', 'f.yaml')).toEqual([{ a: 'p\u0085q\u2028r\u2029s' }]);
  });
});

describe('readTextFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yaml-input-'));

  test('names a missing file', () => {
    expect(() => readTextFile(path.join(dir, 'nope.yaml'), { what: 'versions file' })).toThrow(`versions file ${path.join(dir, 'nope.yaml')}: no such file`);
  });

  test('never reads a device', () => {
    expect(() => readTextFile('/dev/zero')).toThrow('/dev/zero: not a regular file');
  });

  test('refuses binary content and oversized files', () => {
    const bin = path.join(dir, 'bin.yaml');
    fs.writeFileSync(bin, Buffer.from([0x61, 0x00, 0x62]));
    expect(() => readTextFile(bin)).toThrow(/binary content \(a NUL byte at offset 1\)/);
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, 'x'.repeat(2000));
    expect(() => readTextFile(big, { maxBytes: 1000 })).toThrow(/2000 bytes, more than the 1000 read at most/);
  });

  test('a FIFO is refused on the open descriptor, without blocking', () => {
    // GIVEN a FIFO nobody writes to (a blocking open would hang the process)
    const fifo = path.join(dir, 'versions.yaml');
    execFileSync('mkfifo', [fifo]);
    // WHEN / THEN
    expect(() => readTextFile(fifo, { what: 'versions file' })).toThrow(`versions file ${fifo}: not a regular file (a device, FIFO or socket is never read)`);
  });

  test('a directory is named as one', () => {
    expect(() => readTextFile(dir)).toThrow(`${dir}: is a directory, not a file`);
  });

  test('errors are InputErrors carrying the file', () => {
    try {
      readTextFile(dir);
      fail('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).file).toBe(dir);
    }
  });
});

describe('parseJsonBounded', () => {
  test('parses flat JSON as JSON.parse does', () => {
    const text = JSON.stringify({ files: { 'a/"[[[{': 'x', 'b': ['\\', '"'] } });
    expect(parseJsonBounded(text, 3)).toEqual(JSON.parse(text));
  });

  test('brackets inside strings (with escaped quotes) do not count', () => {
    expect(parseJsonBounded('{"a":"\\"[[[[[[[[[[","b":"\\\\"}', 1)).toEqual({ a: '"[[[[[[[[[[', b: '\\' });
  });

  test('refuses nesting deeper than the bound before parsing', () => {
    // GIVEN ten million levels of arrays (JSON.parse would build every one)
    const text = '['.repeat(10_000_000) + ']'.repeat(10_000_000);
    // WHEN / THEN
    expect(() => parseJsonBounded(text, 8)).toThrow('nested more than 8 levels deep');
  });
});

describe('readBounded (the tree scanner\'s reads)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-bounded-'));

  test('never reads through a symbolic link, nor a FIFO', () => {
    // GIVEN a link to a real file and a FIFO
    fs.writeFileSync(path.join(dir, 'real.json'), '{}');
    fs.symlinkSync(path.join(dir, 'real.json'), path.join(dir, 'link.json'));
    execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
    // WHEN / THEN
    expect(() => readBounded(path.join(dir, 'link.json'), 'manifest')).toThrow('manifest is a symbolic link; a tree holds regular files only');
    expect(() => readBounded(path.join(dir, 'fifo.json'), 'manifest')).toThrow('manifest is not a regular file; a tree holds regular files only');
    expect(readBounded(path.join(dir, 'real.json'), 'manifest').toString()).toBe('{}');
  });
});
