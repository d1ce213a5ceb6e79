import * as fc from 'fast-check';
import { gobwasMatch, goPathMatch } from '../../src/private/glob';

// Expected values printed by github.com/gobwas/glob v0.2.3 (Argo CD v3.5.1's util/glob) and Go's filepath.Match.
describe('gobwasMatch (gobwas/glob v0.2.3, argoproj/argo-cd@v3.5.1 util/glob/glob.go Match)', () => {
  test.each([
    ['a*', 'abc', '', true],
    ['a*', 'a/b', '/', false],
    ['a**', 'a/b', '/', true],
    ['?', 'a', '', true],
    ['?', '/', '/', false],
    ['[abc]', 'b', '', true],
    ['[!abc]', 'd', '', true],
    ['[a-c]', 'b', '', true],
    ['[!a-c]', 'b', '', false],
    ['[a-]', 'a', '', false], // does not compile
    ['[]', 'a', '', false], // does not compile
    ['[!]', 'a', '', false], // does not compile
    ['[z-a]', 'a', '', false], // does not compile
    ['{a,b}c', 'bc', '', true],
    ['{a,{b,c}}', 'c', '', true],
    ['{a,b', 'b', '', true],
    ['x{a,}', 'x', '', true],
    ['\\*', '*', '', true],
    ['a\\', 'a', '', true],
    ['a,b', 'a,b', '', true],
    ['ab*bc', 'abc', '', true],
    ['ab*bc', 'abc', '/', false],
    ['a*b*c', 'abc', '', true],
    ['*.example.com', 'a.b.example.com', '.', false],
    ['*.example.com', 'a.b.example.com', '', true],
    ['!{kube-system,argocd}', '!kube-system', '', true],
    ['**/x', 'a/b/x', '/', true],
    ['*/x', 'a/b/x', '/', false],
  ])('Match(%j, %j, separators %j) → %s', (pattern, value, separator, expected) => {
    expect(gobwasMatch(pattern, value, separator || undefined)).toBe(expected);
  });

  test('a pattern without glob syntax matches exactly itself', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }).filter(s => !/[*?[\]{}\\\u0000]/.test(s)), fc.string({ maxLength: 12 }), (p, v) => {
      expect(gobwasMatch(p, v)).toBe(p === v);
      expect(gobwasMatch(p, p)).toBe(true);
    }));
  });

  test('an escaped value matches itself, with or without separators', () => {
    fc.assert(fc.property(fc.string({ maxLength: 16 }).filter(s => !s.includes('\u0000')), v => {
      const escaped = v.replace(/[*?[\]{}\\,]/g, m => `\\${m}`);
      expect(gobwasMatch(escaped, v)).toBe(true);
      expect(gobwasMatch(escaped, v, '/')).toBe(true);
    }));
  });

  test('patterns that make a backtracking matcher explode finish (bounded by pattern × value length)', () => {
    expect(gobwasMatch(`${'*a'.repeat(40)}b`, 'a'.repeat(3000))).toBe(false);
    expect(gobwasMatch(`${'{a,aa}'.repeat(40)}b`, 'a'.repeat(100))).toBe(false);
    expect(goPathMatch(`${'*a'.repeat(40)}b`, 'a'.repeat(3000))).toBe(false);
  });
});

describe('goPathMatch (Go path/filepath.Match, as AppProject resource lists use it)', () => {
  test.each([
    ['a*', 'abc', true],
    ['a*', 'a/b', false],
    ['*', '', true],
    ['?', '/', false],
    ['[^a]', '/', true],
    ['[a-cx-z]', 'y', true],
    ['[!a]', '!', true],
    ['[\\]]', ']', true],
    ['[]a]', ']', false], // does not compile
    ['[a-]', 'a', false], // does not compile
    ['\\', 'x', false], // does not compile
    ['a\\*', 'a*', true],
    ['**', 'a/b', false],
    ['*/*', 'a/b', true],
    ['Name[', 'Name[', false], // does not compile
  ])('Match(%j, %j) → %s', (pattern, name, expected) => {
    expect(goPathMatch(pattern, name)).toBe(expected);
  });

  test('an escaped name matches itself', () => {
    fc.assert(fc.property(fc.string({ maxLength: 16 }), v => {
      expect(goPathMatch(v.replace(/[*?[\\]/g, m => `\\${m}`), v)).toBe(true);
    }));
  });
});
