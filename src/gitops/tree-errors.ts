import * as path from 'path';

/** The errors of the tree writer, and how it words a file-system failure. */

/** Files in the way of a write, or a state the writer refuses to act on; nothing was written. */
export class TreeConflictError extends Error {
  constructor(message: string, public readonly paths: string[]) {
    super(message);
    this.name = 'TreeConflictError';
  }
}

/** A write that failed on the file system (full, read-only …), with what became of the tree. */
export class TreeWriteError extends Error {
  constructor(message: string, public readonly code?: string) {
    super(message);
    this.name = 'TreeWriteError';
  }
}

/**
 * The error listing every file in the way: `fatal` ones (links, directories) and `conflicts` (files the writer
 * does not own, or edited) that `force` would overwrite.
 */
export function conflictError(root: string, fatal: string[], conflicts: string[]): TreeConflictError {
  const lines = [...new Set([...fatal, ...conflicts])].sort();
  const advice: string[] = [];
  if (conflicts.length > 0) {
    advice.push('To keep an edit, make it in the program. Otherwise restore the files (git checkout -- <path>), move them away or delete them, '
      + 'or let the program overwrite them once with `new FleetApp({ force: true })`.');
  }
  if (fatal.length > 0) advice.push('Links and directories in the way are never overwritten, even with force.');
  return new TreeConflictError(`The tree at ${root} holds files that cdk8s-fleet does not own where it writes; nothing was written:\n  ${lines.join('\n  ')}\n${advice.join('\n')}`,
    lines.map(l => l.slice(0, l.indexOf(': '))));
}

/** A file-system error as "<path>: <what happened> (<code>); <what to do>". */
export function describeFsError(e: unknown, where: string | undefined): string {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  const advice: Record<string, string> = {
    ENOSPC: 'no space left on the device; free some space and synth again',
    EDQUOT: 'the disk quota is exhausted; free some space and synth again',
    EROFS: 'the file system is read-only; synth into a writable checkout',
    EACCES: 'permission denied; check the owner and mode of the directory',
    EPERM: 'operation not permitted; check the owner and mode of the directory',
    EEXIST: 'something is already at that path; remove it, or run the synth again',
    ENOTDIR: 'a file stands where the tree needs a directory; move it away',
    EISDIR: 'a directory stands where the tree needs a file; move it away',
    ENAMETOOLONG: 'the path is too long for the file system; use a shorter outdir',
    EMFILE: 'too many open files; raise the limit (ulimit -n)',
    EIO: 'an input/output error; check the disk',
  };
  const what = code && advice[code] ? `${advice[code]} (${code})` : (err?.message ?? String(e));
  return where ? `${where}: ${what}` : what;
}

/** `p` relative to the tree's root, '/'-separated, when it is inside it (else `p`). */
export function relativeTo(root: string, p: string | undefined): string | undefined {
  if (!p) return undefined;
  const rel = path.relative(root, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : p;
}

