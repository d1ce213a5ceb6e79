import { compileGoRegExp, MAX_GO_REGEXP_LENGTH } from '../../src/private/go-regexp';

const test_ = (pattern: string, input: string) => compileGoRegExp(pattern).regexp!.test(input);

describe('Go regular expressions, offline', () => {
  test('unanchored like regexp.MatchString', () => {
    expect(test_('team', 'my-team-a')).toBe(true);
    expect(test_('^team-', 'my-team-a')).toBe(false);
  });

  test('RE2 spellings are translated: leading flags, named groups, \\A \\z, \\Q…\\E, POSIX classes', () => {
    expect(test_('(?i)^PROD', 'prod-eu')).toBe(true);
    expect(test_('(?P<env>prod|dev)-(?P<n>\\d+)', 'prod-1')).toBe(true);
    expect(test_('\\Aprod\\z', 'prod')).toBe(true);
    expect(test_('\\Aprod\\z', 'prod\n')).toBe(false);
    expect(test_('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(test_('\\Qa.b\\E', 'axb')).toBe(false);
    expect(test_('^[[:alpha:]]+$', 'abc')).toBe(true);
    expect(test_('^[[:digit:]-]+$', '12-3')).toBe(true);
  });

  test.each([
    ['\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
    ['a(?=b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
    ['a(?!b)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?!`'],
    ['(?<=a)b', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<=`'],
    ['(?>a)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?>`'],
  ])('what RE2 rejects is rejected as Go says: %s', (pattern, error) => {
    expect(compileGoRegExp(pattern).error).toBe(error);
  });

  test.each([['[[:foo:]]'], ['[[:constructor:]]']])('an unknown POSIX class %s is an error, whatever its name', (pattern) => {
    // GIVEN a POSIX class Go does not know (one named like a member of Object.prototype too)
    // WHEN it is compiled
    // THEN Go's error is reported
    expect(compileGoRegExp(pattern)).toEqual({ error: `error parsing regexp: invalid character class range: \`${pattern.slice(1, -1)}\`` });
  });

  test('syntax errors and over-long patterns are reported, not thrown', () => {
    expect(compileGoRegExp('(').error).toMatch(/^error parsing regexp:/);
    expect(compileGoRegExp('a'.repeat(MAX_GO_REGEXP_LENGTH + 1)).error).toBe(`is longer than ${MAX_GO_REGEXP_LENGTH} characters`);
  });
});
