/**
 * Argo CD revisions as Flux GitRepository refs (source-controller v1.9.1 docs/spec/v1/gitrepositories.md
 * §Reference: branch, tag, semver, name, commit; without a ref, `master`), repository URLs as a GitRepository
 * takes them (`^(http|https|ssh)://`), and the names the translation gives the objects it adds.
 */
import * as fc from 'fast-check';
import { boundedName, sourceName } from '../../src/flux/flux-layout';
import { fluxGitUrl, gitRefOf, revisionOfRef } from '../../src/flux/git-ref';
import { dns1123SubdomainErrors } from '../../src/private/names';

describe('gitRefOf', () => {
  test.each([
    ['main', { branch: 'main' }],
    ['release/1.x', { branch: 'release/1.x' }],
    ['v1.2.3', { tag: 'v1.2.3' }],
    ['1.2.3', { tag: '1.2.3' }],
    ['refs/tags/v1', { name: 'refs/tags/v1' }],
    ['refs/pull/42/head', { name: 'refs/pull/42/head' }],
    ['ABCDEF0123456789ABCDEF0123456789ABCDEF01', { commit: 'abcdef0123456789abcdef0123456789abcdef01' }],
    ['>=1.0.0', { semver: '>=1.0.0' }],
    ['~1.2', { semver: '~1.2' }],
  ])('%s → %j', (revision, ref) => {
    expect(gitRefOf(revision)).toStrictEqual({ ref });
  });

  test('HEAD, the empty revision and truncated SHAs have no ref, with the reason', () => {
    expect(gitRefOf('HEAD').error).toMatch(/the remote's default branch\) has no Flux equivalent: a GitRepository without a ref follows 'master'/);
    expect(gitRefOf('').error).toMatch(/has no Flux equivalent/);
    expect(gitRefOf('1a2b3c4').error).toMatch(/looks like a truncated commit SHA/);
  });

  test('property: every revision is exactly one ref field, or an error; the ref reads back as the revision', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), revision => {
      const r = gitRefOf(revision);
      if (r.error !== undefined) return;
      expect(Object.keys(r.ref).length).toBe(1);
      const back = revisionOfRef(r.ref);
      expect(r.ref.commit ? back === revision.trim().toLowerCase() : back === revision.trim()).toBe(true);
    }), { numRuns: 500 });
  });

  test('revisionOfRef: a missing ref is master; commit, then name, tag, semver, branch (fluxcd/pkg git/v0.52.0 gogit `clone`)', () => {
    expect(revisionOfRef(undefined)).toBe('master');
    expect(revisionOfRef({})).toBe('master');
    expect(revisionOfRef({ branch: 'main', tag: 'v1' })).toBe('v1');
    expect(revisionOfRef({ branch: 'main', tag: 'v1', semver: '>=1', name: 'refs/heads/x', commit: 'abc' })).toBe('abc');
  });
});

describe('fluxGitUrl', () => {
  test.each([
    ['https://github.com/acme/gitops.git', 'https://github.com/acme/gitops.git'],
    ['ssh://git@github.com/acme/gitops.git', 'ssh://git@github.com/acme/gitops.git'],
    ['git@github.com:acme/gitops.git', 'ssh://git@github.com/acme/gitops.git'],
    ['github.com:/acme/gitops.git', 'ssh://github.com/acme/gitops.git'],
  ])('%s → %s', (url, expected) => {
    expect(fluxGitUrl(url)).toStrictEqual({ url: expected });
  });

  test('other schemes are refused', () => {
    expect(fluxGitUrl('git://example.com/repo.git').error).toMatch(/is not a URL a GitRepository accepts/);
    expect(fluxGitUrl('file:///tmp/repo').error).toMatch(/is not a URL a GitRepository accepts/);
  });
});

describe('object names', () => {
  test('sourceName: readable host and path, 8 hex digits of the URL (and revision)', () => {
    expect(sourceName('https://prometheus-community.github.io/helm-charts')).toMatch(/^prometheus-community.github.io-helm-charts-[0-9a-f]{8}$/);
    expect(sourceName('https://x.io/a', 'v1')).not.toBe(sourceName('https://x.io/a', 'v2'));
  });

  test('property: sourceName and boundedName are DNS-1123 subdomains of at most 63 characters', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (url, revision) => {
      const name = sourceName(url, revision);
      expect([name, name.length <= 63, dns1123SubdomainErrors(name)]).toEqual([name, true, []]);
    }), { numRuns: 500 });
    fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,150}[a-z0-9])?$/), fc.integer({ min: 20, max: 63 }), (name, max) => {
      const bounded = boundedName(name, max);
      expect(bounded.length <= max).toBe(true);
      if (name.length <= max) expect(bounded).toBe(name);
      expect(dns1123SubdomainErrors(bounded)).toEqual([]);
    }), { numRuns: 500 });
  });
});
