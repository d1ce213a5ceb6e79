import * as fc from 'fast-check';
import { argoNormalizeGitUrl } from '../../src/private/git-url';

// Expected values printed by Argo CD v3.5.1 util/git NormalizeGitURL (its code, with Go's net/url) for each input.
describe('argoNormalizeGitUrl (argoproj/argo-cd@v3.5.1 util/git/git.go NormalizeGitURL)', () => {
  test.each([
    ['https://github.com/argoproj/test.git', 'https://github.com/argoproj/test'],
    ['HTTPS://GitHub.com/Org/Repo.GIT', 'https://github.com/org/repo'],
    ['git@github.com:org/repo.git', 'git@github.com/org/repo'],
    ['ssh://git@github.com:2222/org/repo.git', 'git@github.com:2222/org/repo'],
    ['ssh://git@github.com:org/repo', ''],
    ['github.com:org/repo', 'github.com:org/repo'],
    ['https://github.com/org/repo/', 'https://github.com/org/repo/'],
    ['https://github.com/org/repo.git/', 'https://github.com/org/repo.git/'],
    ['https://github.com/org/{a,b}', 'https://github.com/org/%7Ba,b%7D'],
    ['https://github.com/org/[ab]', 'https://github.com/org/[ab]'],
    ['https://github.com/org/a b', 'https://github.com/org/a%20b'],
    ['https://github.com/org/%zz', ''],
    ['https://github.com/org/%41', 'https://github.com/org/%41'],
    ['https://user:pass@github.com/org/repo', 'https://user:pass@github.com/org/repo'],
    ['https://github.com:abc/org', ''],
    ['https://github.com/org/repo?x=1', 'https://github.com/org/repo?x=1'],
    ['https://github.com/org/repo#frag', 'https://github.com/org/repo#frag'],
    ['https://gitlab.com/group/**', 'https://gitlab.com/group/**'],
    ['*', '*'],
    ['oci://registry.example.com/charts', 'oci://registry.example.com/charts'],
    ['registry.example.com/charts', 'registry.example.com/charts'],
    ['https://[::1]:8080/x', 'https://[::1]:8080/x'],
    ['https://[::1/x', ''],
    ['https:/x', 'https:/x'],
    ['file:///srv/git/repo.git', 'file:///srv/git/repo'],
    ['john@doe.org@john-server.org:29418/project', 'john%40doe.org@john-server.org/29418/project'],
  ])('%j → %j', (url, expected) => {
    expect(argoNormalizeGitUrl(url)).toBe(expected);
  });

  test('TestIsSSHURL (util/git/git_test.go): SSH URLs get host/path, others keep their scheme', () => {
    expect(argoNormalizeGitUrl('git://github.com/argoproj/test.git')).toBe('git://github.com/argoproj/test');
    expect(argoNormalizeGitUrl('git@GITHUB.com:argoproj/test.git')).toBe('git@github.com/argoproj/test');
    expect(argoNormalizeGitUrl('git@github.com:test')).toBe('git@github.com/test');
    expect(argoNormalizeGitUrl('ssh://git@github.com:test.git')).toBe('');
  });

  test('returns a string for any input (the empty string where Go cannot parse it)', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.webUrl()), s => {
      expect(typeof argoNormalizeGitUrl(s)).toBe('string');
    }), { numRuns: 500 });
  });
});
