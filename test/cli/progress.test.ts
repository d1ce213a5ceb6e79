import { colourEnabled, ProgressReporter, styles } from '../../src/cli/progress';

/** GIVEN helper: a reporter on a fake clock, recording what it writes. */
function reporter(enabled: boolean) {
  let now = 1_000;
  const written: string[] = [];
  const progress = new ProgressReporter({ write: t => written.push(t), enabled, now: () => now });
  return { progress, written, advance: (ms: number) => { now += ms; } };
}

describe('ProgressReporter', () => {
  test('shows nothing for work under two seconds', () => {
    // GIVEN
    const { progress, written, advance } = reporter(true);
    // WHEN
    progress.update('validating 1/10');
    advance(1_999);
    progress.update('validating 9/10');
    progress.done();
    // THEN
    expect(written).toEqual([]);
  });

  test('after two seconds, one line rewritten in place at most every 100 ms, cleared by done()', () => {
    // GIVEN
    const { progress, written, advance } = reporter(true);
    const counter = progress.counter('validating gitops:');
    // WHEN
    advance(2_000);
    counter(1_000, 60_000);
    advance(50);
    counter(2_000, 60_000);
    advance(50);
    counter(3_000, 60_000);
    progress.done();
    // THEN
    expect(written).toEqual([
      '\rvalidating gitops: 1,000/60,000 (2.0 s)\x1b[K',
      '\rvalidating gitops: 3,000/60,000 (2.1 s)\x1b[K',
      '\r\x1b[K',
    ]);
  });

  test('never writes when stderr is not a terminal (pipes, CI logs, tests)', () => {
    const { progress, written, advance } = reporter(false);
    advance(10_000);
    progress.update('x');
    progress.counter('y')(1, 2);
    progress.done();
    expect(written).toEqual([]);
    ProgressReporter.silent().update('nothing');
  });

  test('long lines are cut so that \\r rewrites one terminal row', () => {
    const { progress, written, advance } = reporter(true);
    advance(3_000);
    progress.update('x'.repeat(500));
    expect(written[0].length).toBeLessThanOrEqual(1 + 100 + 3);
    expect(written[0]).toMatch(/^\rx+…\x1b\[K$/);
  });
});

describe('colour', () => {
  test.each([
    [true, {}, true],
    [false, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: '' }, true], // no-color.org: present and not empty
    [false, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '' }, true], // chalk: set means on
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [false, { FORCE_COLOR: '3', NO_COLOR: 'yes' }, false], // NO_COLOR wins
    [true, { TERM: 'dumb' }, false],
  ])('terminal %s, env %j: %s', (tty, env, expected) => {
    expect(colourEnabled(tty, env)).toBe(expected);
  });

  test('styles are identity functions when colour is off', () => {
    expect(styles(false).red('x')).toBe('x');
    expect(styles(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(styles(true).bold('')).toBe('');
  });
});
