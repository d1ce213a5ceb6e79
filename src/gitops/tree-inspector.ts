import * as fs from 'fs';

/**
 * Looking at a tree without ever following a symbolic link inside it. The tree's root is resolved once
 * (`fs.realpathSync`, so an outdir given through a link is fine); below it, every directory is listed with
 * its entries' own types (`readdir` with file types, i.e. `lstat`), so a directory replaced by a link to
 * elsewhere is seen as a link and never entered.
 */

/** What a tree entry is, as `lstat` sees it. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

/** Where a tree path stands. */
export type Lookup =
  /** The path's entry (or `absent`), every ancestor being a plain directory. */
  | { readonly type: EntryType | 'absent'; readonly blockedAt?: undefined }
  /** An ancestor (`blockedAt`, tree-relative) is not a plain directory: a link, a file or something else. */
  | { readonly type?: undefined; readonly blockedAt: string; readonly blockedBy: Exclude<EntryType, 'directory'> };

/** The type of a directory entry, from `readdir` or `lstat`. */
export function typeOf(d: fs.Dirent | fs.Stats): EntryType {
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isDirectory()) return 'directory';
  if (d.isFile()) return 'file';
  return 'other';
}

/**
 * Answers "what is at this tree path?" for many paths, listing each directory once (on a fresh or growing tree
 * most targets do not exist, and one readdir per directory is much cheaper than one lstat per file).
 */
export class TreeInspector {
  /** Directory (tree-relative, '' for the root) → its entries, or undefined when it is not a plain directory. */
  private readonly dirs = new Map<string, Map<string, EntryType> | undefined>();
  /** Directory → its own lookup, for `lookupWithStat`. */
  private readonly parents = new Map<string, Lookup>();
  /** The directory `regularFileStat` last found to be a plain directory. */
  private lastDirectory?: string;

  /** `root` must be a resolved (real) path. */
  public constructor(private readonly root: string) {}

  /** The entry at `rel` (a '/'-separated, normalized tree path), or where an ancestor stops the way. */
  public lookup(rel: string): Lookup {
    let dir = '';
    let start = 0;
    for (;;) {
      const slash = rel.indexOf('/', start);
      const name = slash < 0 ? rel.slice(start) : rel.slice(start, slash);
      const type = this.entries(dir)?.get(name);
      const here = slash < 0 ? rel : rel.slice(0, slash);
      if (slash < 0) return { type: type ?? 'absent' };
      if (type === undefined) return { type: 'absent' };
      if (type !== 'directory') return { blockedAt: here, blockedBy: type };
      dir = here;
      start = slash + 1;
    }
  }

  /**
   * Like `lookup`, but the entry itself is `lstat`ed instead of being found in its directory's listing, and
   * the stat is returned: for the files of an existing tree, whose stat the caller needs anyway, one `lstat`
   * per file is cheaper than listing every leaf directory. Ancestors are checked from their listings as in
   * `lookup`, so a link on the way is never followed.
   */
  public lookupWithStat(rel: string): Lookup & { readonly stat?: fs.Stats } {
    const slash = rel.lastIndexOf('/');
    if (slash >= 0) {
      const parent = this.parentOf(rel.slice(0, slash));
      if (parent.blockedAt !== undefined) return parent;
      if (parent.type === 'absent') return parent;
      if (parent.type !== 'directory') return { blockedAt: rel.slice(0, slash), blockedBy: parent.type };
    }
    const stat = this.lstat(rel);
    return stat === undefined ? { type: 'absent' } : { type: typeOf(stat), stat };
  }

  /**
   * `lookupWithStat(rel).stat` when `rel` is a regular file reached through plain directories, else undefined:
   * for the last look at many files in path order, without a result object per file, and with the directory of
   * the previous call remembered (the files of one directory look it up once).
   */
  public regularFileStat(rel: string): fs.Stats | undefined {
    const slash = rel.lastIndexOf('/');
    const last = this.lastDirectory;
    if (slash >= 0 && !(last !== undefined && last.length === slash && rel.startsWith(last))) {
      const dir = rel.slice(0, slash);
      if (this.parentOf(dir).type !== 'directory') return undefined; // absent, or not a plain directory, or blocked above
      this.lastDirectory = dir;
    }
    const stat = this.lstat(rel);
    return stat?.isFile() ? stat : undefined;
  }

  /** The lookup of a directory that holds files looked at with `lstat` (remembered). */
  private parentOf(dir: string): Lookup {
    let parent = this.parents.get(dir);
    if (parent === undefined) this.parents.set(dir, parent = this.lookup(dir));
    return parent;
  }

  /** `lstat` of the entry at `rel`, whose directory was found plain; undefined when it is absent. */
  private lstat(rel: string): fs.Stats | undefined {
    try {
      return fs.lstatSync(`${this.root}/${rel}`, { throwIfNoEntry: false });
    } catch (e: any) {
      if (e?.code !== 'ENOTDIR') throw e; // an ancestor became a file since it was listed
      return undefined;
    }
  }

  /** Forgets what was listed (after the tree changed). */
  public reset(): void {
    this.dirs.clear();
    this.parents.clear();
    this.lastDirectory = undefined;
  }

  private entries(dir: string): Map<string, EntryType> | undefined {
    if (this.dirs.has(dir)) return this.dirs.get(dir);
    let entries: Map<string, EntryType> | undefined;
    try {
      entries = new Map(fs.readdirSync(dir === '' ? this.root : `${this.root}/${dir}`, { withFileTypes: true }).map(d => [d.name, typeOf(d)]));
    } catch (e: any) {
      if (e?.code !== 'ENOENT' && e?.code !== 'ENOTDIR') throw e;
      entries = undefined;
    }
    this.dirs.set(dir, entries);
    return entries;
  }
}

/** What a path that `lookup` found blocked says, for messages (the writer never passes it). */
export function blockedMessage(at: string, by: Exclude<EntryType, 'directory'>): string {
  if (by === 'symlink') return `${at}: is a symbolic link; the writer never follows links inside the tree (replace it with a directory, or delete it)`;
  return `${at}: is ${by === 'file' ? 'a file' : 'not a directory'} where the tree has a directory (remove it by hand)`;
}

// eslint-disable-next-line no-bitwise
const NO_FOLLOW_READ = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

/**
 * Reads a regular file that `lstat` found, without following a link that replaced it meanwhile (O_NOFOLLOW)
 * and without blocking on a FIFO that replaced it (O_NONBLOCK; then `fstat` refuses it).
 */
export function readRegularFile(file: string): Buffer {
  const fd = fs.openSync(file, NO_FOLLOW_READ);
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw Object.assign(new Error(`${file}: not a regular file`), { code: 'EINVAL', path: file });
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates a file exclusively (never through a link, never over something else) and writes `data`. A failure
 * while writing (ENOSPC from `write`, which Node reports without a path) names the file.
 */
export function createFileExclusive(file: string, data: string | Uint8Array): void {
  try {
    fs.writeFileSync(file, data, { flag: 'wx' });
  } catch (e: any) {
    if (e && typeof e === 'object' && !e.path) e.path = file;
    throw e;
  }
}
