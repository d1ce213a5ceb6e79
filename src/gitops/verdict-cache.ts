import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { ProcessOptions } from './process-object';
import { ensureStateIgnored, entryText, MANIFEST, readStateFile, STATE_DIR, statRecord, writeStateFile } from './tree-state';
import { BatchedHashInput, compareCodeUnits, sha256 } from '../private/util';
import { parseJsonBounded } from '../private/yaml-input';

/**
 * The validated-content cache: which objects an earlier synth of this tree validated against the pinned
 * schemas and scanned for secrets with no problem at all, so that a re-synth of unchanged objects skips
 * validation and the object scan (and, when nothing changed, never loads the 8 MB of compiled validators).
 *
 * An entry is the sha256 of everything the verdict depends on: the object's exact JSON text, its role, the
 * file it is written to (Helm values files), whether it is schema-validated, the kinds written without
 * validation and the secret scanner's allowances; the cache as a whole is bound to the library that computed
 * it (the version and the size, mtime and inode of every module and schema file that takes part, and Node's
 * version). Only clean verdicts are kept: an object with any problem is processed in full every time, so its
 * problems are always reported. A clean entry also records the sha256 of the object's YAML when the tree-wide
 * byte scan (`SecretScan._checkTree`) found that YAML quiet (nothing that looks like a credential format): the
 * YAML is a function of the same JSON text and library, so a re-synth takes the hash, skips the byte scan of
 * those bytes, and serializes the object only if something reads its content (a file to write, a plan to
 * compute). Without a recorded hash, serialization, the hash and the byte scan run as before.
 *
 * Like the stat cache, it is local (git-ignored) and trusted only next to the manifest it was written with
 * (same size, mtime, ctime and inode): a cache that arrives with a clone or a checkout is ignored, so a
 * committed cache cannot vouch for anything. An unreadable, foreign or stale cache is an empty one.
 */
export const VERDICT_CACHE = `${STATE_DIR}/verdict-cache`;

const VERSION = 2;
const KEY = /^[0-9a-f]{64}$/;
/** An entry: the verdict key, then (when recorded) a space and the sha256 of the object's quiet YAML. */
const ENTRY_WITH_HASH = /^([0-9a-f]{64}) ([0-9a-f]{64})$/;
/** The line that holds the fleet plan memo (see `PlanMemo`). */
const PLAN_LINE = 'plan ';
/**
 * At most this many entries are read (four times the 600k-object benchmark fleet's objects). The state files'
 * size limit (128 MiB, `readStateFile`) comes first: about a million distinct clean objects with their YAML's
 * hash (129 bytes a line), two million without; a larger cache is refused as a whole, and every synth then
 * validates every object again.
 */
const MAX_ENTRIES = 2_400_000;

export class VerdictCache {
  /** An empty cache that records nothing (renders that write no tree). */
  public static none(): VerdictCache {
    return new VerdictCache(new Set(), new Map(), '', false);
  }

  /** The cache of the tree at `outdir` (an empty one when there is none, or it cannot be trusted). */
  public static load(outdir: string): VerdictCache {
    const root = path.resolve(outdir);
    const fingerprint = libraryFingerprint();
    try {
      const text = readStateFile(root, VERDICT_CACHE);
      const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
      if (text === undefined || !manifest?.isFile()) return new VerdictCache(new Set(), new Map(), fingerprint, true);
      const lines = text.split('\n');
      const header = parseJsonBounded(lines[0], 2); // a flat header: deeper JSON is refused before it is parsed
      const recorded = header?.manifest;
      const now = statRecord(manifest);
      const bound = Array.isArray(recorded) && recorded.length === now.length && now.every((v, i) => recorded[i] === v);
      if (header?.version !== VERSION || header?.fingerprint !== fingerprint || !bound || lines.length - 1 > MAX_ENTRIES) {
        return new VerdictCache(new Set(), new Map(), fingerprint, true);
      }
      const keys = new Set<string>();
      const hashes = new Map<string, string>();
      let planned: PlanMemo | undefined;
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        if (line.length === 64 && KEY.test(line)) {
          keys.add(line);
        } else if (line.length === 129) {
          const m = ENTRY_WITH_HASH.exec(line);
          if (m) {
            keys.add(m[1]);
            hashes.set(m[1], m[2]);
          }
        } else if (line.startsWith(PLAN_LINE)) {
          planned = planMemoOf(parseJsonBounded(line.slice(PLAN_LINE.length), 2));
        }
      }
      return new VerdictCache(keys, hashes, fingerprint, true, now, planned);
    } catch {
      return new VerdictCache(new Set(), new Map(), fingerprint, true);
    }
  }

  private constructor(
    private readonly clean: ReadonlySet<string>,
    /** Of the clean keys, those recorded with the hash of their quiet YAML. */
    private readonly contentHashes: ReadonlyMap<string, string>,
    private readonly fingerprint: string,
    /** Whether verdicts are looked up and recorded at all. */
    public readonly enabled: boolean,
    /** The manifest's stat the loaded cache was bound to. */
    private readonly boundTo?: readonly number[],
    /** The plan and waived proofs of the synth that wrote the cache. */
    private readonly planned?: PlanMemo,
  ) {}

  /**
   * The plan text and waived proofs an earlier synth of this tree computed from exactly these fleet inputs
   * (`planInputKey`), or undefined. The fleet proofs passed for those inputs, or that synth would have failed.
   */
  public plannedFor(key: string): PlanMemo | undefined {
    return this.planned?.key === key ? this.planned : undefined;
  }

  /** The keys of the objects known clean (for the object pipeline's worker). */
  public get keys(): ReadonlySet<string> {
    return this.clean;
  }

  /** Of the keys known clean, those whose YAML's hash was recorded (its YAML quiet): key → sha256 of the YAML. */
  public get hashes(): ReadonlyMap<string, string> {
    return this.contentHashes;
  }

  /** The hashes of YAML that an earlier synth's byte scan found quiet (`QuietContents.known`). */
  public quietContents(): ReadonlySet<string> {
    return new Set(this.contentHashes.values());
  }

  /**
   * Writes the cache for the tree just written: exactly the given clean objects (objects no longer rendered drop
   * out; key → sha256 of the object's YAML), each with its YAML's hash when that hash is in `quiet` (the byte
   * scan found it quiet), bound to the manifest now in the tree. Failing to write it (a read-only checkout) only
   * costs time.
   */
  public save(outdir: string, clean: ReadonlyMap<string, string>, quiet: ReadonlySet<string>, planned?: PlanMemo): void {
    if (!this.enabled) return;
    const root = path.resolve(outdir);
    try {
      const manifest = fs.lstatSync(`${root}/${MANIFEST}`, { throwIfNoEntry: false });
      if (!manifest?.isFile()) return;
      const record = statRecord(manifest);
      const hashOf = (key: string) => {
        const hash = clean.get(key)!;
        return quiet.has(hash) ? hash : undefined;
      };
      // Unchanged (the usual re-synth): the same keys with the same hashes, bound to the same manifest.
      const sameManifest = this.boundTo !== undefined && record.every((v, i) => this.boundTo![i] === v);
      const samePlan = planned?.key === this.planned?.key;
      if (sameManifest && samePlan && clean.size === this.clean.size) {
        let same = true;
        for (const key of clean.keys()) {
          if (!this.clean.has(key) || this.contentHashes.get(key) !== hashOf(key)) {
            same = false;
            break;
          }
        }
        if (same) return;
      }
      const keys = [...clean.keys()].sort();
      const header = JSON.stringify({ version: VERSION, fingerprint: this.fingerprint, manifest: record });
      const plan = planned ? `${PLAN_LINE}${JSON.stringify({ key: planned.key, text: planned.text, waived: planned.waived })}\n` : '';
      const text = `${header}\n${plan}${keys.map(k => {
        const hash = hashOf(k);
        return hash === undefined ? k : `${k} ${hash}`;
      }).join('\n')}`;
      if (readStateFile(root, VERDICT_CACHE) === text) return;
      ensureStateIgnored(root); // a tree written by an earlier release has a .gitignore without this cache
      writeStateFile(root, `${VERDICT_CACHE}.tmp`, text);
      fs.renameSync(`${root}/${VERDICT_CACHE}.tmp`, `${root}/${VERDICT_CACHE}`);
    } catch {
      // The cache is an optimization.
    }
  }
}

/**
 * What the plan and the fleet proofs concluded from one set of fleet inputs: the plan's text and the proofs
 * the program waived. Kept only for a synth whose proofs passed.
 */
export interface PlanMemo {
  /** `planInputKey` of the inputs. */
  readonly key: string;
  /** `planText` of the plan. */
  readonly text: string;
  /** The waived proofs, as the synth reports them. */
  readonly waived: readonly string[];
}

/** The inputs of the fleet model, the plan and the fleet proofs besides the files (see `planInputKey`). */
export interface PlanInputs {
  /** Every file of the tree, as rendered. */
  readonly files: readonly {
    readonly path: string;
    readonly hash: string;
    readonly object: any;
    readonly images?: readonly string[];
    readonly origin?: string;
    /** The verdict key of the object `object` is (or summarizes): given, it stands for the object's JSON text. */
    readonly objectKey?: string;
  }[];
  /** Everything else the model, the plan and the proofs read (acknowledgements, projects defined elsewhere, …), as JSON data. */
  readonly rest: unknown;
}

/**
 * The key of everything the fleet model, the plan and the fleet proofs are computed from: every file's path,
 * content hash, the object the model reads (the whole object or its summary, as JSON text), its images, and
 * the other inputs. Those computations are functions of exactly these inputs (fleet-model.ts, fleet-plan.ts,
 * fleet-proofs.ts read nothing else), so equal keys mean an equal plan and equal proofs. Objects shared by
 * many files (a Workload variant's) are serialized once.
 */
export function planInputKey(inputs: PlanInputs): string {
  return planInputKeys(inputs).plan;
}

/**
 * `planInputKey`, and on the way the `entriesDigest` of the files' paths and hashes (tree-check.ts), which the
 * writer's no-op check would otherwise compute in a second pass over every file: the plan key hashes each file's
 * other inputs line by line, and ends with that digest (the same files in the same order, line for line).
 */
export function planInputKeys(inputs: PlanInputs): { plan: string; entries: string } {
  const hash = createHash('sha256').update(`plan-v4\0${libraryFingerprint()}\0${JSON.stringify(inputs.rest)}\n`);
  const entries = createHash('sha256');
  // Objects, image lists and verdict keys shared by many files (a Workload variant's) are hashed once, in order
  // of first use, each under a number that the files then name: equal keys still mean equal values file by file.
  // Numbered by content (each object serialized once, found again by identity), not by identity: the same inputs
  // give the same key however the render shared its arrays (a write's worker returns equal objects' results as
  // copies, batch by batch; a re-synth's main thread, one result).
  const shared = createHash('sha256');
  const byIdentity = new Map<object, number>(); // within one call only: nothing can change an object meanwhile
  const byContent = new Map<string, number>();
  const idOf = (v: object): number => {
    let id = byIdentity.get(v);
    if (id === undefined) {
      const text = JSON.stringify(v);
      id = byContent.get(text);
      if (id === undefined) {
        byContent.set(text, id = byContent.size);
        shared.update(`${id} ${text}\n`);
      }
      byIdentity.set(v, id);
    }
    return id;
  };
  const keyIds = new Map<string, number>();
  const keyIdOf = (key: string): number => {
    let id = keyIds.get(key);
    if (id === undefined) {
      keyIds.set(key, id = keyIds.size);
      shared.update(`k${id} ${key}\n`);
    }
    return id;
  };
  const planLines = new BatchedHashInput(hash);
  const entryLines = new BatchedHashInput(entries);
  for (const f of inputs.files) {
    // Each field JSON-quoted, numbered or fixed-form, so that no two different inputs give the same text. The
    // file's path and hash are in its entry line, the rest in its plan line (the plan key ends with the digest of
    // the entries, line for line in the same order). The verdict key hashes the exact JSON text of the object
    // `object` is or summarizes (by a fixed function).
    const object = f.objectKey !== undefined ? `k${keyIdOf(f.objectKey)}`
      : f.object === undefined ? 'u' : f.object !== null && typeof f.object === 'object' ? `#${idOf(f.object)}` : JSON.stringify(f.object);
    const images = f.images === undefined ? 'u' : `#${idOf(f.images)}`;
    const origin = f.origin === undefined ? 'u' : JSON.stringify(f.origin);
    entryLines.add(`${entryText(f.path, f.hash)}\n`);
    planLines.add(`${images} ${origin} ${object}\n`);
  }
  planLines.flush();
  entryLines.flush();
  const entriesDigest = entries.digest('hex');
  return { plan: hash.update(`\0${shared.digest('hex')}\0${entriesDigest}`).digest('hex'), entries: entriesDigest };
}

function planMemoOf(v: any): PlanMemo | undefined {
  if (typeof v?.key !== 'string' || !KEY.test(v.key) || typeof v.text !== 'string') return undefined;
  if (!Array.isArray(v.waived) || !v.waived.every((w: unknown) => typeof w === 'string')) return undefined;
  return { key: v.key, text: v.text, waived: v.waived };
}

/** The key of one object's verdict: sha256 of the options it was processed with and its exact JSON text. */
export function verdictKey(text: string, role: string, options: ProcessOptions): string {
  // (One update of the whole text: the same digest as one update per part, at one crossing into the hash instead of five.)
  return sha256(`${optionsTag(options)}${role}\0${options.file ?? ''}\0${text}`);
}

const TAGS = new WeakMap<ProcessOptions, string>();

function optionsTag(options: ProcessOptions): string {
  let tag = TAGS.get(options);
  if (tag === undefined) {
    tag = `${JSON.stringify([options.validateSchemas, [...options.unvalidatedKinds].sort(), options.secretAllowances ?? []])}\0`;
    TAGS.set(options, tag);
  }
  return tag;
}

let fingerprintOfLibrary: string | undefined;

/**
 * The identity of the code that computes a verdict: the package's version, Node's version and the size, mtime
 * and inode of every module of the library (its `lib/` or `src/` directory) and every schema file. Any edit,
 * reinstall or upgrade changes it, and with it the whole cache is discarded. Outside the package's own layout
 * (no `package.json` of cdk8s-fleet above the modules), it is random: nothing is trusted.
 */
export function libraryFingerprint(): string {
  if (fingerprintOfLibrary !== undefined) return fingerprintOfLibrary;
  const hash = createHash('sha256').update(`v${VERSION}\0${process.version}\0`);
  const code = path.resolve(__dirname, '..');
  const packageRoot = path.dirname(code);
  let packageJson: Buffer | undefined;
  try {
    packageJson = fs.readFileSync(path.join(packageRoot, 'package.json'));
  } catch {
    packageJson = undefined;
  }
  if (packageJson === undefined || packageNameOf(packageJson) !== 'cdk8s-fleet') {
    // Not laid out as the package (bundled into someone's program, say): the files to watch are unknown, so
    // this process's fingerprint matches no cache, and every run validates everything.
    fingerprintOfLibrary = randomBytes(32).toString('hex');
    return fingerprintOfLibrary;
  }
  hash.update(packageJson);
  const visit = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of [...entries].sort((a, b) => compareCodeUnits(a.name, b.name))) {
      const full = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (depth < 6 && e.name !== 'node_modules') visit(full, depth + 1);
      } else if (/\.(js|ts|json)$/.test(e.name) && !e.name.endsWith('.d.ts')) {
        const s = fs.statSync(full, { throwIfNoEntry: false });
        if (s) hash.update(`${path.relative(packageRoot, full)}\0${s.size}\0${s.mtimeMs}\0${s.ino}\n`);
      }
    }
  };
  visit(code, 0);
  visit(path.join(packageRoot, 'schemas'), 0);
  // The dependencies that take part in a verdict or a plan (parsing, Go templates' toYaml, RE2, the validators):
  // an `npm update` within their ranges changes their package.json.
  for (const [dep, manifest] of dependencyManifests(code)) hash.update(`${dep}\0${manifest}\n`);
  fingerprintOfLibrary = hash.digest('hex');
  return fingerprintOfLibrary;
}

const VERDICT_DEPENDENCIES = ['ajv', 'js-yaml', 're2js', 'yaml'];

/** The dependencies that take part in verdicts and plans, each with the text of its package.json. */
export function dependencyManifests(from = path.resolve(__dirname, '..')): Array<[string, string]> {
  return VERDICT_DEPENDENCIES.map(dep => [dep, dependencyManifest(dep, from)]);
}

/** The text of a dependency's package.json, as the library resolves the dependency ('' when it cannot). */
function dependencyManifest(dep: string, from: string): string {
  try {
    const main = require.resolve(dep, { paths: [from] });
    const marker = `${path.sep}node_modules${path.sep}${dep}${path.sep}`;
    const at = main.lastIndexOf(marker);
    return at < 0 ? '' : fs.readFileSync(main.slice(0, at + marker.length) + 'package.json', 'utf-8');
  } catch {
    return '';
  }
}

function packageNameOf(packageJson: Buffer): unknown {
  try {
    return JSON.parse(packageJson.toString('utf-8'))?.name;
  } catch {
    return undefined;
  }
}
