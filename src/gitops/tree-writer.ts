import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes the GitOps tree so that a reader never sees a silent mix of two synths:
 *
 * 1. every changed file is first written to a staging directory inside the tree (`.cdk8s-fleet/staging`);
 * 2. a journal (`.cdk8s-fleet/journal.json`) listing the moves and deletions is written with an atomic rename:
 *    from that instant the new tree is committed;
 * 3. staged files are renamed into place, stale managed files are deleted, the manifest is replaced, and the
 *    journal is removed.
 *
 * A run killed before step 2 leaves the tree as it was (the next run discards the staging directory); a run
 * killed after it is completed by the next run before it does anything else (`recoverTree`). Only changed
 * files are touched, and files the tree never wrote (not in the manifest) are left alone.
 */

/** The state directory inside the tree. */
export const STATE_DIR = '.cdk8s-fleet';
const MANIFEST = `${STATE_DIR}/manifest.json`;
const JOURNAL = `${STATE_DIR}/journal.json`;
const STAGING = `${STATE_DIR}/staging`;

/** The list of files the tree writer manages, with their sha256, kept in the tree. */
export interface TreeManifest {
  readonly version: number;
  readonly files: Record<string, string>;
}

interface Journal {
  readonly version: number;
  /** Tree-relative paths whose staged copy is moved into place. */
  readonly writes: string[];
  /** Tree-relative paths to delete. */
  readonly deletes: string[];
  /** The manifest once the moves are done. */
  readonly manifest: TreeManifest;
}

/** What a write did. */
export interface TreeWriteResult {
  readonly written: string[];
  readonly deleted: string[];
  readonly unchanged: number;
  /** Set when an interrupted earlier write was found and completed or discarded first. */
  readonly recovered?: string;
}

/** Hex sha256 of a string's UTF-8 bytes. */
export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Reads the manifest of a tree (an empty one if the tree has none). */
export function readManifest(outdir: string): TreeManifest {
  const file = path.join(outdir, MANIFEST);
  if (!fs.existsSync(file)) return { version: 1, files: {} };
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/** Whether the tree holds an interrupted write (a journal or a staging directory). */
export function interruptedWrite(outdir: string): string | undefined {
  if (fs.existsSync(path.join(outdir, JOURNAL))) return 'a committed write was interrupted before all files were moved into place';
  if (fs.existsSync(path.join(outdir, STAGING))) return 'a write was interrupted before it was committed (staged files were never moved into place)';
  return undefined;
}

/**
 * Completes an interrupted write (journal present) or discards an uncommitted one (staging only).
 * Returns a description of what it did, or undefined if there was nothing to do.
 */
export function recoverTree(outdir: string): string | undefined {
  const state = interruptedWrite(outdir);
  if (!state) return undefined;
  const journalFile = path.join(outdir, JOURNAL);
  if (fs.existsSync(journalFile)) {
    const journal: Journal = JSON.parse(fs.readFileSync(journalFile, 'utf-8'));
    applyJournal(outdir, journal);
    fs.rmSync(path.join(outdir, STAGING), { recursive: true, force: true });
    fs.rmSync(journalFile, { force: true });
    return `completed an interrupted write (${journal.writes.length} files written, ${journal.deletes.length} deleted)`;
  }
  fs.rmSync(path.join(outdir, STAGING), { recursive: true, force: true });
  return 'discarded an uncommitted write (the tree was left as it was)';
}

/**
 * Makes the managed part of `outdir` equal to `files` (tree-relative path → content).
 * @param hooks test seam: called after each step, so a test can simulate a kill at that point
 */
export function writeTree(outdir: string, files: Map<string, string>, hooks?: (step: string) => void): TreeWriteResult {
  fs.mkdirSync(outdir, { recursive: true });
  const recovered = recoverTree(outdir);
  const old = readManifest(outdir);

  const manifest: TreeManifest = { version: 1, files: {} };
  const writes: string[] = [];
  let unchanged = 0;
  for (const rel of [...files.keys()].sort()) {
    checkRelative(rel);
    const content = files.get(rel)!;
    const hash = sha256(content);
    manifest.files[rel] = hash;
    if (old.files[rel] === hash && sameContent(path.join(outdir, rel), content)) {
      unchanged++;
    } else {
      writes.push(rel);
    }
  }
  const deletes = Object.keys(old.files).filter(rel => !files.has(rel)).sort();
  const manifestText = JSON.stringify(manifest, undefined, 1) + '\n';
  const oldManifestText = fs.existsSync(path.join(outdir, MANIFEST)) ? fs.readFileSync(path.join(outdir, MANIFEST), 'utf-8') : '';
  if (writes.length === 0 && deletes.length === 0 && manifestText === oldManifestText) {
    return { written: [], deleted: [], unchanged, recovered };
  }

  // 1. Stage.
  const staging = path.join(outdir, STAGING);
  fs.rmSync(staging, { recursive: true, force: true });
  const dirs = new Set<string>();
  for (const rel of writes) dirs.add(path.dirname(path.join(staging, rel)));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  for (const rel of writes) fs.writeFileSync(path.join(staging, rel), files.get(rel)!);
  fs.writeFileSync(path.join(staging, MANIFEST_STAGED), manifestText);
  hooks?.('staged');

  // 2. Commit: the journal appears atomically.
  const journal: Journal = { version: 1, writes, deletes, manifest };
  const journalFile = path.join(outdir, JOURNAL);
  fs.writeFileSync(`${journalFile}.tmp`, JSON.stringify(journal));
  fs.renameSync(`${journalFile}.tmp`, journalFile);
  hooks?.('committed');

  // 3. Apply, then clean up.
  applyJournal(outdir, journal, hooks);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.rmSync(journalFile, { force: true });
  ensureStateIgnored(outdir);
  return { written: writes, deleted: deletes, unchanged, recovered };
}

const MANIFEST_STAGED = 'manifest.json.next';

/** Idempotent: moves whatever is still staged into place, deletes what is still there, installs the manifest. */
function applyJournal(outdir: string, journal: Journal, hooks?: (step: string) => void) {
  const staging = path.join(outdir, STAGING);
  const made = new Set<string>();
  let i = 0;
  for (const rel of journal.writes) {
    const staged = path.join(staging, rel);
    if (!fs.existsSync(staged)) continue; // moved by the interrupted run already
    const target = path.join(outdir, rel);
    const dir = path.dirname(target);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.renameSync(staged, target);
    if (++i === Math.ceil(journal.writes.length / 2)) hooks?.('half-applied');
  }
  const emptied = new Set<string>();
  for (const rel of journal.deletes) {
    fs.rmSync(path.join(outdir, rel), { force: true });
    emptied.add(path.dirname(rel));
  }
  removeEmptyDirectories(outdir, emptied);
  const stagedManifest = path.join(staging, MANIFEST_STAGED);
  const manifestFile = path.join(outdir, MANIFEST);
  if (fs.existsSync(stagedManifest)) {
    fs.mkdirSync(path.dirname(manifestFile), { recursive: true });
    fs.renameSync(stagedManifest, manifestFile);
  } else {
    fs.writeFileSync(manifestFile, JSON.stringify(journal.manifest, undefined, 1) + '\n');
  }
}

/** Removes the given directories and their parents while they are empty (never the tree root). */
function removeEmptyDirectories(outdir: string, dirs: Set<string>) {
  const sorted = [...dirs].sort((a, b) => b.length - a.length);
  for (let rel of sorted) {
    while (rel && rel !== '.' && rel !== '/') {
      const abs = path.join(outdir, rel);
      try {
        if (fs.readdirSync(abs).length > 0) break;
        fs.rmdirSync(abs);
      } catch {
        break;
      }
      rel = path.dirname(rel);
    }
  }
}

function sameContent(file: string, content: string): boolean {
  try {
    const stat = fs.statSync(file);
    if (stat.size !== Buffer.byteLength(content)) return false;
    return fs.readFileSync(file, 'utf-8') === content;
  } catch {
    return false;
  }
}

function checkRelative(rel: string) {
  if (rel.startsWith('/') || rel.split('/').some(s => s === '..' || s === '') || rel.startsWith(STATE_DIR)) {
    throw new Error(`refusing to write '${rel}': paths must be relative, inside the tree and outside ${STATE_DIR}`);
  }
}

function ensureStateIgnored(outdir: string) {
  const ignore = path.join(outdir, STATE_DIR, '.gitignore');
  const text = '# written by cdk8s-fleet: transient state of an interrupted synth\n/staging/\n/journal.json\n/journal.json.tmp\n';
  if (!fs.existsSync(ignore) || fs.readFileSync(ignore, 'utf-8') !== text) fs.writeFileSync(ignore, text);
}
