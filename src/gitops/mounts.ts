import * as fs from 'fs';

/**
 * Whether anything is mounted strictly inside `root` (a resolved path), by this process's mount table
 * (`/proc/self/mountinfo`, or `mountinfo` when given); undefined when that cannot be told (no mount table: not
 * Linux, or a format this does not know). A mount inside a tree (a bind mount over a file or a directory) changes
 * what a path reaches without changing the directory that holds it, so the check that trusts unchanged
 * directories (tree-check.ts) is used only when there is none.
 */
export function mountsInside(root: string, mountinfo?: string): boolean | undefined {
  let text = mountinfo;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/self/mountinfo', 'utf-8');
    } catch {
      return undefined;
    }
  }
  const prefix = root.endsWith('/') ? root : `${root}/`;
  let mounts = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // `36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw`: the fifth field is the mount point,
    // with space, tab, newline and backslash written as octal escapes.
    const fields = line.split(' ');
    if (fields.length < 7 || !fields[4].startsWith('/')) return undefined;
    const point = unescapeOctal(fields[4]);
    if (point !== root && point.startsWith(prefix)) return true;
    mounts++;
  }
  return mounts > 0 ? false : undefined;
}

function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
