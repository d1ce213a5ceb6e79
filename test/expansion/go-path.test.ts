import * as fc from 'fast-check';
import { BadPatternError, pathBase, pathClean, pathDir, pathExt, pathMatch } from '../../src/expansion/go-path';

/** Go's path package as the git directory generator uses it (go/src/path, Go 1.26). */
describe('path.Match (go/src/path/match_test.go matchTests, every row)', () => {
  const BAD = 'ErrBadPattern';
  test.each<[string, string, boolean | typeof BAD]>([
    ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true],
    ['a*', 'ab/c', false], ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false], ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true], ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true], ['a*b?c*x', 'abxbbxdbxebxczzy', false], ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false], ['ab[^c]', 'abc', false], ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false], ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false],
    ['a[^a][^a][^a]b', 'a☺b', false], ['[a-ζ]*', 'α', true], ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false],
    ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true], ['[x\\-]', '-', true], ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true], ['[\\-x]', '-', true], ['[\\-x]', 'a', false], ['[]a]', ']', BAD], ['[-]', '-', BAD],
    ['[x-]', 'x', BAD], ['[x-]', '-', BAD], ['[x-]', 'z', BAD], ['[-x]', 'x', BAD], ['[-x]', '-', BAD], ['[-x]', 'a', BAD],
    ['\\', 'a', BAD], ['[a-b-c]', 'a', BAD], ['[', 'a', BAD], ['[^', 'a', BAD], ['[^bc', 'a', BAD], ['a[', 'a', BAD],
    ['a[', 'ab', BAD], ['a[', 'x', BAD], ['a/b[', 'x', BAD], ['*x', 'xxx', true],
  ])('Match(%j, %j)', (pattern, name, expected) => {
    if (expected === BAD) expect(() => pathMatch(pattern, name)).toThrow(BadPatternError);
    else expect(pathMatch(pattern, name)).toBe(expected);
  });
});

/**
 * A reference for path.Match written from its specification (the grammar in match.go's doc comment): a
 * malformed pattern is ErrBadPattern whatever the name; otherwise the pattern is a regular expression in
 * which `*` is `[^/]*`, `?` is `[^/]`, `[...]` a class over runes and `\c` the character c.
 */
function referenceMatch(pattern: string, name: string): boolean | 'bad' {
  const runes = [...pattern];
  let i = 0;
  let re = '';
  const escapeRe = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const escapeClass = (c: string) => c.replace(/[\\^\]\[-]/g, '\\$&');
  const classChar = (): string | undefined => {
    if (i >= runes.length || runes[i] === '-' || runes[i] === ']') return undefined;
    if (runes[i] === '\\') { i++; if (i >= runes.length) return undefined; }
    const c = runes[i++];
    if (i >= runes.length) return undefined; // a class must go on after each character
    return c;
  };
  while (i < runes.length) {
    const c = runes[i++];
    if (c === '*') {re += '[^/]*';} else if (c === '?') {re += '[^/]';} else if (c === '\\') {
      if (i >= runes.length) return 'bad';
      re += escapeRe(runes[i++]);
    } else if (c === '[') {
      let body = '';
      if (runes[i] === '^') { body += '^'; i++; }
      let n = 0;
      for (;;) {
        if (runes[i] === ']' && n > 0) { i++; break; }
        const lo = classChar();
        if (lo === undefined) return 'bad';
        let hi = lo;
        if (runes[i] === '-') {
          i++;
          const h = classChar();
          if (h === undefined) return 'bad';
          hi = h;
        }
        body += lo.codePointAt(0)! <= hi.codePointAt(0)! ? `${escapeClass(lo)}-${escapeClass(hi)}` : '(?!)';
        n++;
      }
      re += body.includes('(?!)') ? `(?:(?![\\s\\S])[\\s\\S]|[${body.replace(/\(\?!\)/g, '')}])` : `[${body}]`;
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp(`^${re}$`, 'u').test(name);
}

describe('path.Match against a reference derived from its specification', () => {
  test('agrees on random patterns and names (fast-check)', () => {
    const alphabet = fc.constantFrom('a', 'b', '/', '*', '?', '[', ']', '^', '-', '\\', 'é');
    const nameAlphabet = fc.constantFrom('a', 'b', '/', '-', ']', '*', 'é');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 8 }).map(a => a.join('')), fc.array(nameAlphabet, { maxLength: 8 }).map(a => a.join('')), (pattern, name) => {
      const ref = referenceMatch(pattern, name);
      let got: boolean | 'bad';
      try {
        got = pathMatch(pattern, name);
      } catch (e) {
        if (!(e instanceof BadPatternError)) throw e;
        got = 'bad';
      }
      // Go checks a pattern lazily only up to where it failed, then validates the rest: the outcome is the same.
      expect(got).toBe(ref);
    }), { numRuns: 20000, seed: 15 });
  });

  test('the reference reproduces the upstream table', () => {
    expect(referenceMatch('a*b?c*x', 'abxbbxdbxebxczzx')).toBe(true);
    expect(referenceMatch('[x-]', 'x')).toBe('bad');
    expect(referenceMatch('[\\-x]', '-')).toBe(true);
  });
});

describe('path.Clean, Dir, Base, Ext (go/src/path/path_test.go cleantests, dirtests, basetests, exttests)', () => {
  test.each([
    ['', '.'], ['abc', 'abc'], ['abc/def', 'abc/def'], ['a/b/c', 'a/b/c'], ['.', '.'], ['..', '..'], ['../..', '../..'], ['../../abc', '../../abc'],
    ['/abc', '/abc'], ['/', '/'], ['abc/', 'abc'], ['abc/def/', 'abc/def'], ['/abc/', '/abc'], ['abc//def//ghi', 'abc/def/ghi'],
    ['//abc', '/abc'], ['///abc', '/abc'], ['abc/./def', 'abc/def'], ['/./abc/def', '/abc/def'], ['abc/.', 'abc'],
    ['abc/def/ghi/../jkl', 'abc/def/jkl'], ['abc/def/../ghi/../jkl', 'abc/jkl'], ['abc/def/..', 'abc'], ['abc/def/../..', '.'],
    ['/abc/def/../..', '/'], ['abc/def/../../..', '..'], ['/abc/def/../../..', '/'], ['abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
    ['abc/./../def', 'def'], ['abc//./../def', 'def'], ['abc/../../././../def', '../../def'],
  ])('Clean(%j) = %j', (input, expected) => {
    expect(pathClean(input)).toBe(expected);
  });

  test.each([['', '.'], ['.', '.'], ['/.', '/'], ['/', '/'], ['////', '/'], ['/foo', '/'], ['x/', 'x'], ['abc', '.'], ['abc/def', 'abc'], ['abc////def', 'abc'], ['a/b/.x', 'a/b'], ['a/b/c.', 'a/b'], ['a/b/c.x', 'a/b']])('Dir(%j) = %j', (input, expected) => {
    expect(pathDir(input)).toBe(expected);
  });

  test.each([['', '.'], ['.', '.'], ['/.', '.'], ['/', '/'], ['////', '/'], ['x/', 'x'], ['abc', 'abc'], ['abc/def', 'def'], ['a/b/.x', '.x'], ['a/b/c.', 'c.'], ['a/b/c.x', 'c.x']])('Base(%j) = %j', (input, expected) => {
    expect(pathBase(input)).toBe(expected);
  });

  test.each([['path.go', '.go'], ['path.pb.go', '.go'], ['a.dir/b', ''], ['a.dir/b.go', '.go'], ['a.dir/', '']])('Ext(%j) = %j', (input, expected) => {
    expect(pathExt(input)).toBe(expected);
  });
});
