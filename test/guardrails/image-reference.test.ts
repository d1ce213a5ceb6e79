import * as fc from 'fast-check';
import { parseImageReference } from '../../src/guardrails/image-reference';

const SHA256 = 'sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';
const SHA512 = `sha512:${'f'.repeat(128)}`;

describe('parseImageReference', () => {
  // Ported from distribution/reference@v0.6.0 reference_test.go TestReferenceParse (the inputs and the
  // repository/tag/digest it expects, or the error it returns).
  test.each([
    ['test_com', { repository: 'test_com' }],
    ['test.com:tag', { repository: 'test.com', tag: 'tag' }],
    ['test.com:5000', { repository: 'test.com', tag: '5000' }],
    ['test.com/repo:tag', { repository: 'test.com/repo', tag: 'tag' }],
    ['test:5000/repo', { repository: 'test:5000/repo' }],
    ['test:5000/repo:tag', { repository: 'test:5000/repo', tag: 'tag' }],
    [`test:5000/repo@${SHA256}`, { repository: 'test:5000/repo', digest: SHA256 }],
    [`test:5000/repo:tag@${SHA256}`, { repository: 'test:5000/repo', tag: 'tag', digest: SHA256 }],
    ['lowercase:Uppercase', { repository: 'lowercase', tag: 'Uppercase' }],
    [`${'a/'.repeat(127)}a:tag-puts-this-over-max`, { repository: `${'a/'.repeat(127)}a`, tag: 'tag-puts-this-over-max' }],
    ['sub-dom1.foo.com/bar/baz/quux:some-long-tag', { repository: 'sub-dom1.foo.com/bar/baz/quux', tag: 'some-long-tag' }],
    ['b.gcr.io/test.example.com/my-app:test.example.com', { repository: 'b.gcr.io/test.example.com/my-app', tag: 'test.example.com' }],
    [`xn--7o8h.com/myimage:xn--7o8h.com@${SHA512}`, { repository: 'xn--7o8h.com/myimage', tag: 'xn--7o8h.com', digest: SHA512 }],
    ['foo_bar.com:8080', { repository: 'foo_bar.com', tag: '8080' }],
    ['192.168.1.1:5000/repo:5050', { repository: '192.168.1.1:5000/repo', tag: '5050' }],
    ['[2001:db8::1]/repo', { repository: '[2001:db8::1]/repo' }],
    [`[2001:db8::1]:5000/repo:tag@${SHA256}`, { repository: '[2001:db8::1]:5000/repo', tag: 'tag', digest: SHA256 }],
  ])('%s', (input, expected) => {
    expect(parseImageReference(input)).toEqual({ tag: undefined, digest: undefined, ...expected });
  });

  test.each([
    ['', 'repository name must have at least one component'],
    [':justtag', 'invalid reference format'],
    [`@${SHA256}`, 'invalid reference format'],
    ['repo@sha256:ffffffffffffffffffffffffffffffffff', 'invalid checksum digest length'],
    [`validname@invaliddigest:${'f'.repeat(64)}`, 'unsupported digest algorithm'],
    [`validname@constructor:${'f'.repeat(64)}`, 'unsupported digest algorithm'],
    [`validname@toString:${'f'.repeat(64)}`, 'unsupported digest algorithm'],
    ['Uppercase:tag', 'repository name must be lowercase'],
    ['test:5000/Uppercase/lowercase:tag', 'repository name must be lowercase'],
    [`domain/${'a'.repeat(256)}:tag`, 'repository name must not be more than 255 characters'],
    ['aa/asdf$$^/aa', 'invalid reference format'],
    ['[2001:db8::1]:tag', 'invalid reference format'],
  ])('refuses %s', (input, error) => {
    expect(parseImageReference(input)).toEqual({ error });
  });

  test('repository, tag and digest put back together give the input (property)', () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(
      fc.array(component, { minLength: 1, maxLength: 4 }),
      fc.option(fc.stringMatching(/^[\w][\w.-]{0,20}$/), { nil: undefined }),
      fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
      (parts, tag, hex) => {
        const repository = parts.join('/');
        const input = `${repository}${tag !== undefined ? `:${tag}` : ''}${hex !== undefined ? `@sha256:${hex}` : ''}`;
        expect(parseImageReference(input)).toEqual({ repository, tag, digest: hex !== undefined ? `sha256:${hex}` : undefined });
      },
    ));
  });
});
