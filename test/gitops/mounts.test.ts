import { mountsInside } from '../../src/gitops/mounts';

// Lines in the format of proc(5)'s /proc/[pid]/mountinfo (its own example first).
const table = (...points: string[]) => points.map((p, i) => `${36 + i} 35 98:0 /mnt1 ${p} rw,noatime master:1 - ext3 /dev/root rw,errors=continue`).join('\n') + '\n';

describe('mounts inside a tree (/proc/self/mountinfo)', () => {
  test.each([
    ['nothing mounted below the tree', false, table('/', '/proc', '/work/other', '/work/tree-2')],
    ['the tree itself a mount point', false, table('/', '/work/tree')],
    ['a directory of the tree mounted over', true, table('/', '/work/tree/clusters/c1')],
    ['a file of the tree mounted over (a bind mount)', true, table('/', '/work/tree/clusters/c1/api/Deployment.api.yaml')],
    ['a mount point with a space (octal escape) inside', true, table('/', '/work/tree/my\\040dir')],
    ['a mount point that only looks inside once unescaped', true, table('/', '/work\\057tree/x')],
    ['an empty table', undefined, ''],
    ['a table of another format', undefined, 'none / tmpfs rw 0 0\n'],
  ])('GIVEN %s WHEN asked about /work/tree THEN the answer is %p', (_what, expected, text) => {
    expect(mountsInside('/work/tree', text)).toBe(expected);
  });

  test('GIVEN the root directory as the tree WHEN anything but it is mounted THEN that is inside', () => {
    expect(mountsInside('/', table('/'))).toBe(false);
    expect(mountsInside('/', table('/', '/proc'))).toBe(true);
  });

  test('GIVEN this machine WHEN asked about a fresh directory THEN the table is read (Linux) and nothing is mounted in it', () => {
    expect(mountsInside(`/tmp/cdk8s-fleet-no-such-dir-${process.pid}`)).toBe(process.platform === 'linux' ? false : undefined);
  });
});
