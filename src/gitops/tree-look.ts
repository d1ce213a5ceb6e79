import * as fs from 'fs';
import { types } from 'util';
import { mountsInside } from './mounts';
import { TreeInspector } from './tree-inspector';
import { captureDirectoryRecords, eachDirectoryOnWay, sameStatAt, VouchedManifest } from './tree-state';

/**
 * What the last look of the check of an untouched tree (tree-check.ts) looks at, after the render: every file
 * must still have the stat the stat cache recorded for it. Looking at each file (`lstat`, 60,000 of them in the
 * benchmark fleet) is most of a no-op re-synth's write step; most of them need not be looked at one by one.
 *
 * The stat cache also records the directories on the way to the files, each taken before the files' records
 * were last taken or confirmed (`captureDirectoryRecords`). A directory that still has its recorded stat has
 * had no entry added, removed, renamed or replaced since: each file in it is still the inode recorded for it.
 * The writer links files of equal bytes to one inode (a Workload variant shared by 100 clusters: 100 paths, one
 * inode), and every path of an inode shows that inode's stat. So when every directory on the way to a file
 * still has its record, looking at one path of its inode (the inode's first file) stands for looking at the file
 * itself: an edit changes the inode's mtime and ctime, whichever path it came through; any other change
 * (removed, renamed, replaced, a directory on the way replaced by a link) changes a directory. The look then
 * takes every recorded directory (`lstat`: a plain directory with its recorded stat), one file per inode, and
 * one by one the files that cannot be vouched for this way: files in a directory without a record (one the
 * writer changed since its record, or that was too recent to trust), and files whose inode's records disagree.
 * Every directory on the way being looked at itself, a link anywhere on the way is seen.
 *
 * What a directory's stat cannot show: a mount inside the tree (a bind mount over a file or a directory changes
 * what a path reaches, not the directory that holds it). The look is taken this way only when the process's
 * mount table shows nothing mounted inside the tree, checked both when it is planned and when it is taken; and
 * only when it is shorter than looking at every file (a tree of distinct files has one inode per file).
 */
export interface LookPlan {
  /** The directories to look at: indices into the manifest's directories, whose records they must have. */
  readonly directories: Int32Array;
  /** One file per inode (the inode's first file), standing for the inode's other files. */
  readonly inodes: Int32Array;
  /** Files looked at one by one, as without a plan (`TreeInspector.regularFileStat`). */
  readonly files: Int32Array;
}

/**
 * The plan of the last look at the files of `manifest` (their records from the stat cache): undefined when
 * every file is to be looked at one by one. `refresh` is the directories' records (those the cache lacks taken
 * now, before the look) when the cache lacks records that can be taken now and the files it leaves to be looked
 * at one by one are at least `1 / REFRESH_SHARE` of all: the writer writes them with the stat cache once the look
 * holds (then the next synth has them). A few directories a write changed in its last clock tick are not worth
 * that: their files cost a few `lstat`s per look, rewriting the stat cache of 60,000 files a tenth of a second,
 * and the next write records them. `clock` is the stat cache's mtime (`captureDirectoryRecords`).
 */
export function planLook(root: string, manifest: VouchedManifest, clock: number): { plan?: LookPlan; refresh?: Float64Array } {
  const { paths, stats, directories, directoryStats } = manifest;
  if (directories.length === 0 || mountsInside(root) !== false) return {};
  const recorded = (d: number) => d >= 0 && !Number.isNaN(directoryStats[d * 4]);
  const index = new Map(directories.map((d, i) => [d, i]));
  /** Whether every directory on the way to `file` has a record (by directory: the files of one come together). */
  const byDirectory = new Map<string, boolean>();
  const onRecordedWay = (file: string): boolean => {
    const slash = file.lastIndexOf('/');
    const directory = slash < 0 ? '.' : file.slice(0, slash);
    let known = byDirectory.get(directory);
    if (known === undefined) {
      known = true;
      eachDirectoryOnWay(file, d => (known = recorded(index.get(d) ?? -1)));
      byDirectory.set(directory, known);
    }
    return known;
  };
  // The inodes of files on recorded ways: each inode's first file, unless its files' records disagree.
  const first = new Map<number, number>();
  const disagree = new Set<number>();
  const byInode: boolean[] = new Array(paths.length).fill(false);
  /** Files on a way with a directory the cache has no record of. */
  let unrecorded = 0;
  for (let i = 0; i < paths.length; i++) {
    if (!onRecordedWay(paths[i])) {
      unrecorded++;
      continue;
    }
    const ino = stats[i * 4 + 3];
    // (A bigger inode number may be rounded; 0 is what some file systems give every file.)
    if (!(ino > 0 && ino <= Number.MAX_SAFE_INTEGER)) continue;
    byInode[i] = true;
    const f = first.get(ino);
    if (f === undefined) first.set(ino, i);
    else if (!sameRecords(stats, f, i)) disagree.add(ino);
  }
  const inodes: number[] = [];
  const files: number[] = [];
  for (let i = 0; i < paths.length; i++) {
    const ino = stats[i * 4 + 3];
    if (!byInode[i] || disagree.has(ino)) files.push(i);
    else if (first.get(ino) === i) inodes.push(i);
  }
  const looked: number[] = [];
  for (let d = 0; d < directories.length; d++) if (recorded(d)) looked.push(d);
  const planned = looked.length + inodes.length + files.length < paths.length;
  // (Taken before the look, but not used for it: the files' records were not confirmed after these were taken.)
  const refresh = unrecorded > 0 && unrecorded * REFRESH_SHARE >= paths.length ? missingRecords(root, manifest, clock, !planned) : undefined;
  if (!planned) return { refresh };
  return { plan: { directories: Int32Array.from(looked), inodes: Int32Array.from(inodes), files: Int32Array.from(files) }, refresh };
}

/** A no-op records the directories the cache lacks when their files are at least this part of all (`planLook`). */
const REFRESH_SHARE = 16;

/**
 * The cache's directory records with those it lacks taken now (`captureDirectoryRecords`), or undefined when none
 * can be (each still too recent). With `all` (a look file by file, which looks at no directory), every one is
 * taken now; else the recorded ones are kept, as the look through directories confirms each of them before the
 * writer writes them (a kept record that no longer held would fail the look).
 */
function missingRecords(root: string, manifest: VouchedManifest, clock: number, all: boolean): Float64Array | undefined {
  const { directories, directoryStats } = manifest;
  const missing: number[] = [];
  for (let d = 0; d < directories.length; d++) if (Number.isNaN(directoryStats[d * 4])) missing.push(d);
  if (all) {
    const taken = captureDirectoryRecords(root, directories, clock);
    return missing.some(d => !Number.isNaN(taken[d * 4])) ? taken : undefined;
  }
  const taken = captureDirectoryRecords(root, missing.map(d => directories[d]), clock);
  if (!taken.some(v => !Number.isNaN(v))) return undefined;
  const records = Float64Array.from(directoryStats);
  missing.forEach((d, k) => records.set(taken.subarray(k * 4, k * 4 + 4), d * 4));
  return records;
}

/** How many units the plan's look has (directories, then inodes, then files). */
export function lookUnits(plan: LookPlan): number {
  return plan.directories.length + plan.inodes.length + plan.files.length;
}

/**
 * Whether units `from` to `to` of the plan's look find what was recorded: each directory a plain directory with
 * its record, each inode's file and each other file a regular file with its record (the files one by one reached
 * without a link: `inspector`). `pathOf` gives a file's path by its index in the manifest.
 */
export function sameUnits(
  root: string, inspector: TreeInspector, plan: LookPlan, look: { directories: readonly string[]; directoryStats: Float64Array; stats: Float64Array },
  pathOf: (i: number) => string, from: number, to: number,
): boolean {
  const d = plan.directories.length;
  const n = plan.inodes.length;
  for (let u = from; u < to; u++) {
    if (u < d) {
      const k = plan.directories[u];
      const directory = look.directories[k];
      const stat = lstatOrUndefined(directory === '.' ? root : `${root}/${directory}`);
      if (!stat?.isDirectory() || !sameStatAt(stat, look.directoryStats, k)) return false;
    } else if (u < d + n) {
      const i = plan.inodes[u - d];
      const stat = lstatOrUndefined(`${root}/${pathOf(i)}`);
      if (!stat?.isFile() || !sameStatAt(stat, look.stats, i)) return false;
    } else {
      const i = plan.files[u - d - n];
      const stat = inspector.regularFileStat(pathOf(i));
      if (stat === undefined || !sameStatAt(stat, look.stats, i)) return false;
    }
  }
  return true;
}

/** A plan as another thread posted it, checked for shape, or undefined. */
export function lookPlanOf(m: any, files: number, directories: number): LookPlan | undefined {
  if (!types.isInt32Array(m?.directories) || !types.isInt32Array(m.inodes) || !types.isInt32Array(m.files)) return undefined;
  const within = (a: Int32Array, n: number) => a.every(v => v >= 0 && v < n);
  if (!within(m.directories, directories) || !within(m.inodes, files) || !within(m.files, files)) return undefined;
  return { directories: m.directories, inodes: m.inodes, files: m.files };
}

function sameRecords(stats: Float64Array, a: number, b: number): boolean {
  for (let k = 0; k < 4; k++) if (stats[a * 4 + k] !== stats[b * 4 + k]) return false;
  return true;
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined; // (ENOTDIR: something on the way is no longer a directory)
  }
}
