import { Construct } from 'constructs';
import { show, validateLater } from '../../src/private/errors';

describe('show', () => {
  test('NaN and Infinity are printed as such, never as JSON null', () => {
    expect(show(NaN)).toBe('NaN');
    expect(show(-Infinity)).toBe('-Infinity');
    expect(show({ pods: NaN })).toBe('{"pods":"NaN"}');
  });

  test('credentials are never quoted: URL passwords masked, other formats replaced by what they are', () => {
    expect(show('https://bot:s3cr3t@git.example.com/x.git')).toBe("'https://bot:***@git.example.com/x.git'");
    expect(show('https://bot:${TOKEN}@git.example.com/x.git')).toBe("'https://bot:${TOKEN}@git.example.com/x.git'");
    const token = 'gh' + 'p_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5';
    expect(show(`label ${token}`)).toBe("'‹redacted: a GitHub token ('ghp_…', 40 chars)›'");
    expect(show({ env: { DB_PASSWORD: 'hunter2' } })).toBe("‹redacted: a literal password under the key 'DB_PASSWORD' (7 chars)›");
  });

  test('long values are cut, with their length', () => {
    expect(show('a'.repeat(1000))).toBe(`'${'a'.repeat(120)}…' (1000 chars)`);
  });
});

describe('validateLater', () => {
  test('the problems are the construct\'s validation errors, reported at synth', () => {
    const c = new Construct(undefined as any, 'root');
    validateLater(c, ["'x' is wrong"]);
    validateLater(c, []);
    expect(c.node.validate()).toEqual(["'x' is wrong"]);
  });
});
