import * as fs from 'fs';
import * as path from 'path';
import { EntryType, readRegularFile, typeOf } from './tree-inspector';
import { STATE_DIR } from './tree-state';
import { compareCodeUnits } from '../private/util';
import { decodeText, InputError, MAX_INPUT_BYTES, parseYamlDocuments } from '../private/yaml-input';

/**
 * Reading a tree from disk, for every reader of one (`cdk8s-fleet validate`, `plan`, `diff`, the model the
 * fleet proofs check): only regular files inside the tree are read, each and all of them bounded, and no
 * symbolic link is followed out of the tree. Nothing a tree holds can make a reader hang (a FIFO), allocate
 * without bound (`/dev/zero`, a huge file, a YAML alias bomb) or read a file elsewhere (`/etc/passwd`).
 *
 * The rules follow Argo CD v3.5.1's repo server, which reads the same tree:
 * - a symbolic link whose target is absolute or climbs out of the tree is a problem and is never read
 *   (`CheckOutOfBoundsSymlinks`, util/app/path/path.go: "repository contains out-of-bounds symlinks"); the
 *   check is Argo CD's, lexical part by part, plus the resolved target, which must also be inside the tree;
 * - a link inside the tree to a regular file is read as that file; a link to a directory is not entered
 *   (`filepath.Walk` does not follow links; reposerver/repository/repository.go `getPotentiallyValidManifests`);
 * - anything but a regular file (a FIFO, socket or device, or a link to one) is not read
 *   (`getPotentiallyValidManifestFile`: "ignoring symlink … to non-regular file").
 * `.git` directories and the writer's state directory are skipped.
 */

/** The largest total of bytes read from one tree (ten times the 200-cluster benchmark fleet's tree). */
export const MAX_TREE_BYTES = 1024 * 1024 * 1024;
/** The most entries (files, directories, links) walked in one tree. */
export const MAX_TREE_ENTRIES = 2_000_000;

/** Options of `readTree`. */
export interface ReadTreeOptions {
  /**
   * Which files to read, by tree-relative path. Links out of the tree are reported whatever it says.
   * @default - every file
   */
  readonly include?: (rel: string) => boolean;
  /** Contents already read (tree-relative path → text), not read again. */
  readonly known?: ReadonlyMap<string, string>;
  /** The largest file read. @default MAX_INPUT_BYTES (16 MiB) */
  readonly maxFileBytes?: number;
  /** The most bytes read in all. @default MAX_TREE_BYTES (1 GiB) */
  readonly maxTotalBytes?: number;
}

/** A tree as read from disk. */
export interface TreeContents {
  /** The tree's resolved (real) path. */
  readonly root: string;
  /** The text of every file read, by tree-relative '/'-separated path, in code-unit order of the paths. */
  readonly files: ReadonlyMap<string, string>;
  /**
   * What each entry below the root is, by tree-relative path, as `lstat` sees it (a link is `symlink` even
   * when its target was read), for checks such as "is this managed path a regular file?". Directories and
   * the entries of skipped directories are not listed.
   */
  readonly entries: ReadonlyMap<string, EntryType>;
  /** Every problem, each `<tree-relative path>: <what>`, in path order. */
  readonly problems: string[];
}

/**
 * Walks `tree` without following links and reads the files `include` selects (see the module comment for the
 * rules). Never throws for what the tree holds: every problem is in `problems`.
 */
export function readTree(tree: string, options: ReadTreeOptions = {}): TreeContents {
  const files = new Map<string, string>();
  const entries = new Map<string, EntryType>();
  const problems: Array<[string, string]> = [];
  const rootStat = fs.statSync(tree, { throwIfNoEntry: false });
  if (!rootStat) return { root: tree, files, entries, problems: [`${tree}: no such directory`] };
  if (!rootStat.isDirectory()) return { root: tree, files, entries, problems: [`${tree}: not a directory`] };
  const root = fs.realpathSync(tree);
  const include = options.include ?? (() => true);
  const maxFile = options.maxFileBytes ?? MAX_INPUT_BYTES;
  const maxTotal = options.maxTotalBytes ?? MAX_TREE_BYTES;
  let total = 0;
  let stopped = false;
  const problem = (rel: string, what: string): void => {
    problems.push([rel, `${rel}: ${what}`]);
  };

  const read = (rel: string, abs: string, size: number): void => {
    const known = options.known?.get(rel);
    if (known !== undefined) {
      files.set(rel, known);
      return;
    }
    if (stopped) return;
    if (size > maxFile) {
      problem(rel, `${size} bytes, more than the ${maxFile} read at most per file`);
      return;
    }
    if (total + size > maxTotal) {
      stopped = true;
      problem(rel, `the tree holds more than the ${maxTotal} bytes read at most in all; the rest of it is not read`);
      return;
    }
    total += size;
    try {
      files.set(rel, decodeText(readRegularFile(abs), rel));
    } catch (e) {
      problem(rel, e instanceof InputError ? e.message.slice(rel.length + 2) : `cannot be read: ${(e as any)?.code ?? (e as Error).message}`);
    }
  };

  // Depth first, each directory's entries in code-unit order, without recursion (a deep tree cannot
  // overflow the stack).
  const stack: string[] = [''];
  let walked = 0;
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(dir === '' ? root : `${root}/${dir}`, { withFileTypes: true });
    } catch (e) {
      problem(dir, `cannot be listed: ${(e as any)?.code ?? (e as Error).message}`);
      continue;
    }
    const subdirs: string[] = [];
    for (const d of dirents.sort((a, b) => compareCodeUnits(a.name, b.name))) {
      const rel = dir === '' ? d.name : `${dir}/${d.name}`;
      if (++walked > MAX_TREE_ENTRIES) {
        problem(rel, `the tree holds more than ${MAX_TREE_ENTRIES} entries; the rest of it is not read`);
        stack.length = 0;
        break;
      }
      const type = typeOf(d);
      if (type === 'directory') {
        if (d.name !== '.git' && !(dir === '' && d.name === STATE_DIR)) subdirs.push(rel);
        continue;
      }
      entries.set(rel, type);
      const abs = `${root}/${rel}`;
      if (type === 'file') {
        if (include(rel)) read(rel, abs, fs.lstatSync(abs).size);
      } else if (type === 'symlink') {
        followLink(root, rel, abs, include(rel), problem, read);
      } else if (include(rel)) {
        problem(rel, 'is not a regular file (a FIFO, socket or device), and it is not read');
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  problems.sort(([a], [b]) => compareCodeUnits(a, b));
  const sorted = new Map([...files].sort(([a], [b]) => compareCodeUnits(a, b)));
  return { root, files: sorted, entries, problems: problems.map(([, p]) => p) };
}

/** Checks a link as Argo CD does, and reads its target when it is a regular file inside the tree. */
function followLink(
  root: string, rel: string, abs: string, wanted: boolean,
  problem: (rel: string, what: string) => void, read: (rel: string, abs: string, size: number) => void,
): void {
  let target: string;
  try {
    target = fs.readlinkSync(abs);
  } catch (e) {
    return problem(rel, `cannot be read: ${(e as any)?.code ?? (e as Error).message}`);
  }
  let resolved: string | undefined;
  try {
    resolved = fs.realpathSync(abs);
  } catch {
    resolved = undefined; // dangling, or a loop
  }
  if (!lexicallyInside(root, path.dirname(abs), target) || (resolved !== undefined && !isInside(root, resolved))) {
    return problem(rel, `is a symbolic link that points outside the tree (to '${target}'); Argo CD refuses such links ('repository contains out-of-bounds symlinks'), and it is not read`);
  }
  if (!wanted) return;
  const stat = resolved === undefined ? undefined : fs.statSync(resolved, { throwIfNoEntry: false });
  if (!stat) return problem(rel, `is a symbolic link to '${target}', which does not exist`);
  // A link to a directory is not entered, as Argo CD's walk does not follow it.
  if (stat.isDirectory()) return;
  if (!stat.isFile()) return problem(rel, `is a symbolic link to '${target}', which is not a regular file, and it is not read`);
  read(rel, resolved!, stat.size);
}

/**
 * Argo CD's out-of-bounds rule: an absolute target is out; a relative one is walked part by part from the
 * link's directory, and out as soon as a part climbs above the root.
 */
function lexicallyInside(root: string, linkDir: string, target: string): boolean {
  if (path.isAbsolute(target)) return false;
  let current = linkDir;
  for (const part of target.split('/')) {
    current = path.join(current, part);
    if (!isInside(root, current)) return false;
  }
  return true;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/**
 * The objects of a tree file: multi-document YAML, empty documents dropped, alias bombs refused
 * (`parseYamlDocuments`). Throws an `InputError` naming `rel`, the line and the column.
 */
export function parseTreeFile(content: string, rel: string): unknown[] {
  return parseYamlDocuments(content, rel).filter(o => typeof o === 'object');
}
