import { doublestarMatch } from '../../src/expansion/doublestar';
import { gitDirectories, globFiles, lsFiles, wildmatch } from '../../src/expansion/git-match';

/**
 * How Argo CD's repo server lists a checkout for the git generator (argo-cd v3.5.1 reposerver/repository
 * GetGitDirectories, util/git/client.go LsFiles): a directory walk that skips hidden directories; `git
 * ls-files -- <pathspec>` by default; doublestar's FilepathGlob with the new globbing.
 */
describe('GetGitDirectories', () => {
  const files = ['app1/a.yaml', 'app2/deep/b.yaml', '.github/workflows/ci.yaml', 'a-c/x', 'a/.hidden/y', 'README.md', 'p1/.p2/z'];

  test('lists every directory holding a file, skipping hidden ones and what is below them, in WalkDir order', () => {
    // WalkDir reads each directory sorted by name, then descends: "a" and its children come before "a-c".
    expect(gitDirectories(files)).toEqual(['a', 'a-c', 'app1', 'app2', 'app2/deep', 'p1']);
  });

  test('--include-hidden-directories lists them', () => {
    expect(gitDirectories(files, true)).toEqual(['.github', '.github/workflows', 'a', 'a/.hidden', 'a-c', 'app1', 'app2', 'app2/deep', 'p1', 'p1/.p2']);
  });

  test('a checkout has no empty directories and the root itself is never listed', () => {
    expect(gitDirectories(['file'])).toEqual([]);
  });
});

describe('git wildmatch (git t/t3070-wildmatch.sh; columns glob-match = WM_PATHNAME, pathmatch = without it)', () => {
  const enc = (s: string) => Buffer.from(s);
  test.each<[string, string, boolean, boolean]>([
    // text, pattern, glob-match (pathname), pathmatch
    ['foo', 'foo', true, true], ['foo', 'bar', false, false], ['', '', true, true], ['foo', '???', true, true], ['foo', '??', false, false],
    ['foo', '*', true, true], ['foo', 'f*', true, true], ['foo', '*f', false, false], ['foo', '*foo*', true, true],
    ['foobar', '*ob*a*r*', true, true], ['aaaaaaabababab', '*ab', true, true], ['foo*', 'foo\\*', true, true],
    ['foobar', 'foo\\*bar', false, false], ['f\\oo', 'f\\\\oo', true, true], ['ball', '*[al]?', true, true],
    ['ten', '[ten]', false, false], ['ten', '**[!te]', true, true], ['ten', '**[!ten]', false, false], ['ten', 't[a-g]n', true, true],
    ['ten', 't[!a-g]n', false, false], ['ton', 't[!a-g]n', true, true], ['ton', 't[^a-g]n', true, true],
    ['a]b', 'a[]]b', true, true], ['a-b', 'a[]-]b', true, true], ['a]b', 'a[]-]b', true, true], ['aab', 'a[]-]b', false, false],
    ['aab', 'a[]a-]b', true, true], [']', ']', true, true],
    ['foo/baz/bar', 'foo*bar', false, true], ['foo/baz/bar', 'foo**bar', false, true], ['foobazbar', 'foo**bar', true, true],
    ['foo/baz/bar', 'foo/**/bar', true, true], ['foo/baz/bar', 'foo/**/**/bar', true, false], ['foo/b/a/z/bar', 'foo/**/bar', true, true],
    ['foo/b/a/z/bar', 'foo/**/**/bar', true, true], ['foo/bar', 'foo/**/bar', true, false], ['foo/bar', 'foo/**/**/bar', true, false],
    ['foo/bar', 'foo?bar', false, true], ['foo/bar', 'foo[/]bar', false, true], ['foo/bar', 'foo[^a-z]bar', false, true],
    ['foo/bar', 'f[^eiu][^eiu][^eiu][^eiu][^eiu]r', false, true], ['foo-bar', 'f[^eiu][^eiu][^eiu][^eiu][^eiu]r', true, true],
    ['foo', '**/foo', true, false], ['bar/baz/foo', '**/foo', true, true], ['bar/baz/foo', '*/foo', false, true],
    ['foo/bar/baz', '**/bar*', false, true], ['deep/foo/bar/baz', '**/bar/*', true, true], ['deep/foo/bar/baz/', '**/bar/*', false, true],
    ['deep/foo/bar/baz/', '**/bar/**', true, true], ['deep/foo/bar', '**/bar/*', false, false], ['deep/foo/bar/', '**/bar/**', true, true],
    ['foo/bar/baz', '**/bar**', false, true], ['foo/bar/baz/x', '*/bar/**', true, true], ['deep/foo/bar/baz/x', '*/bar/**', false, true],
    ['deep/foo/bar/baz/x', '**/bar/*/*', true, true],
    ['a1B', '[[:alpha:]][[:digit:]][[:upper:]]', true, true], ['a', '[[:digit:][:upper:][:space:]]', false, false],
    ['.', '[[:digit:][:punct:][:space:]]', true, true], ['5', '[[:xdigit:]]', true, true], ['[', '[[]', true, true],
  ])('%j matches %j: %s / %s', (text, pattern, glob, path) => {
    expect(wildmatch(enc(pattern), enc(text), true) === 0).toBe(glob);
    expect(wildmatch(enc(pattern), enc(text), false) === 0).toBe(path);
  });
});

describe('git ls-files -- <pathspec> (gitglossary "pathspec")', () => {
  const files = [
    'README.md', 'apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json', 'apps-old/config.json',
    'cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json',
    'Docs/x.TXT', '.github/config.json',
  ];
  test.each<[string, string[]]>([
    // a literal pathspec matches the file, or the directory and everything below it (not a mere prefix)
    ['apps', ['apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json']],
    ['apps/', ['apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json']],
    ['app', []],
    ['./apps/a/../b', ['apps/b/config.json', 'apps/b/deep/config.json']],
    ['README.md', ['README.md']],
    ['.', files.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))],
    // wildcards match across "/" (git's wildmatch without FNM_PATHNAME): `*` and `**` alike
    ['apps/*/config.json', ['apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json']],
    ['cluster-config/**/config.json', ['cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
    ['**/config.json', ['.github/config.json', 'apps-old/config.json', 'apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json', 'cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
    ['*.json', ['.github/config.json', 'apps-old/config.json', 'apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json', 'cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
    ['apps?old/*', ['apps-old/config.json']],
    ['apps/[ab]/config.json', ['apps/a/config.json', 'apps/b/config.json']],
    // magic: glob (FNM_PATHNAME, `**/` may match nothing), literal, icase, exclude
    [':(glob)apps/*/config.json', ['apps/a/config.json', 'apps/b/config.json']],
    [':(glob)**/config.json', ['.github/config.json', 'apps-old/config.json', 'apps/a/config.json', 'apps/b/config.json', 'apps/b/deep/config.json', 'cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
    [':(glob)cluster-config/**/config.json', ['cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
    [':(literal)apps/*', []],
    [':(icase)docs/*.txt', ['Docs/x.TXT']],
    [':!apps', ['.github/config.json', 'Docs/x.TXT', 'README.md', 'apps-old/config.json', 'cluster-config/config.json', 'cluster-config/engineering/dev/config.json', 'cluster-config/engineering/prod/config.json']],
  ])('%j', (spec, expected) => {
    expect(lsFiles(files, spec)).toEqual(expected);
  });

  test('a pathspec outside the repository is git\'s error', () => {
    expect(() => lsFiles(files, '../x')).toThrow("'../x' is outside repository");
  });
});

describe('doublestar v4 Match and FilepathGlob (bmatcuk/doublestar doublestar_test.go matchTests)', () => {
  test.each<[string, string, boolean | 'bad']>([
    ['*', '', true], ['*', '/', false], ['/*', '/', true], ['/*', '/debug/', false], ['/*', '//', false], ['abc', 'abc', true],
    ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true], ['a*', 'ab/c', false], ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', false], ['a*/c/', 'a/b', false], ['a*b*c*d*e*', 'axbxcxdxe', true], ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true], ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false], ['ab[!c]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['[a-ζ]*', 'α', true], ['*[a-ζ]', 'A', false],
    ['a?b', 'a/b', false], ['a*b', 'a/b', false], ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true],
    ['[\\-x]', '-', true], ['[]a]', ']', 'bad'], ['\\', 'a', 'bad'], ['[', 'a', 'bad'], ['[^', 'a', 'bad'], ['[^bc', 'a', 'bad'],
    ['a[', 'a', 'bad'], ['*x', 'xxx', true], ['a/**', 'a', true], ['a/**', 'a/b/c', true], ['a/**/c', 'a/c', true],
    ['a/**/c', 'a/b/x/c', true], ['**/c', 'c', true], ['**/c', 'a/b/c', true], ['a/**/b/**/c', 'a/b/c', true],
    ['**/*.json', 'x.json', true], ['**/*.json', 'a/b/x.json', true], ['*.json', 'a/x.json', false],
    ['a/{b,c}/d', 'a/c/d', true], ['a/{b,c/d}/e', 'a/c/d/e', true], ['a/{b,c}/d', 'a/x/d', false], ['{a', 'a', 'bad'],
    ['a/**/', 'a/b', false], ['**', '', true], ['**', 'a/b', true],
  ])('Match(%j, %j)', (pattern, name, expected) => {
    if (expected === 'bad') expect(() => doublestarMatch(pattern, name)).toThrow('syntax error in pattern');
    else expect(doublestarMatch(pattern, name)).toBe(expected);
  });

  test('FilepathGlob matches files and directories of the checkout; `**/` also matches the root', () => {
    const files = ['config.json', 'cluster-config/dev/config.json', 'cluster-config/prod/config.json'];
    const dirs = gitDirectories(files, true);
    expect(globFiles(files, dirs, '**/config.json')).toEqual(['cluster-config/dev/config.json', 'cluster-config/prod/config.json', 'config.json']);
    expect(globFiles(files, dirs, 'cluster-config/*')).toEqual(['cluster-config/dev', 'cluster-config/prod']);
    expect(globFiles(files, dirs, './cluster-config/../config.json')).toEqual(['config.json']);
    expect(globFiles(files, dirs, '../outside')).toEqual([]);
  });
});
