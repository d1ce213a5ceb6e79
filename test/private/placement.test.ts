import * as fc from 'fast-check';
import { isTreePath, MAX_SEGMENT_BYTES, MAX_TREE_PATH, treePathErrors } from '../../src/private/placement';

describe('isTreePath', () => {
  test('GIVEN paths at the edges WHEN tested THEN exactly those without treePathErrors are tree paths', () => {
    const segment = (n: number) => 'a'.repeat(n);
    const cases: Array<[string, boolean]> = [
      ['a', true], ['clusters/prod/web/ConfigMap.web.yaml', true], ['a/b_c/d-e/f%3Ag/H.yaml', true],
      ['', false], ['/a', false], ['a/', false], ['a//b', false], ['./a', false], ['a/../b', false], ['.a', false], ['_a', false],
      ['a b', false], ['a/\u00e9', false], ['a\\b', false], ['a\nb', false],
      [segment(MAX_SEGMENT_BYTES), true], [segment(MAX_SEGMENT_BYTES + 1), false], [`x/${segment(MAX_SEGMENT_BYTES)}/y`, true],
      [Array(4).fill(segment(MAX_SEGMENT_BYTES)).join('/'), true], [Array(4).fill(segment(MAX_SEGMENT_BYTES)).join('/') + '/aa', false], [`${'a/'.repeat(512)}a`.slice(0, MAX_TREE_PATH + 1), false],
    ];
    for (const [p, expected] of cases) {
      expect([p, isTreePath(p)]).toEqual([p, expected]);
      expect([p, treePathErrors(p).length === 0]).toEqual([p, expected]);
    }
    expect(isTreePath(undefined)).toBe(false);
    expect(isTreePath(42)).toBe(false);
  });

  test('property: a path is a tree path exactly when treePathErrors finds nothing', () => {
    const char = fc.constantFrom('a', 'Z', '0', '9', '_', '-', '.', '%', '/', '/', ' ', '\u00e9', '\\', ':');
    const segmentAround = fc.integer({ min: MAX_SEGMENT_BYTES - 2, max: MAX_SEGMENT_BYTES + 1 }).map(n => 'b'.repeat(n));
    const piece = fc.oneof(fc.string({ unit: char, maxLength: 12 }), segmentAround);
    fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), fc.constantFrom('', '/'), (pieces, join) => {
      // GIVEN any path made of such pieces WHEN both are asked THEN they agree
      const p = pieces.join(join);
      expect(isTreePath(p)).toBe(treePathErrors(p).length === 0);
    }), { numRuns: 3000 });
  });
});
