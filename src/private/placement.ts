import { IConstruct } from 'constructs';
import { sha256 } from './util';

/**
 * Where the API objects below a construct are written in the GitOps tree. The nearest ancestor with a
 * placement decides; an ApiObject with none is an error at synth.
 */
export interface Placement {
  /** Directory relative to the tree root, with '/' separators. */
  readonly directory: string;
  /** What the directory holds, for the plan and for messages. */
  readonly role: 'bootstrap' | 'argocd' | 'workload';
  /** Objects in this namespace are named `<Kind>.<name>.yaml`; others `<Kind>.<namespace>.<name>.yaml`. */
  readonly defaultNamespace?: string;
  /** The cluster whose workloads these are (role 'workload'). */
  readonly cluster?: string;
  /** The application these workloads belong to (role 'workload'). */
  readonly application?: string;
}

const PLACEMENT = Symbol.for('cdk8s-fleet.placement');

/** Declares where the objects below `construct` go. `placement` is called at synth time. */
export function definePlacement(construct: IConstruct, placement: () => Placement): void {
  Object.defineProperty(construct, PLACEMENT, { value: placement, enumerable: false });
}

/** The placement a construct itself declares (not its ancestors'). */
export function ownPlacement(construct: IConstruct): Placement | undefined {
  const producer = (construct as any)[PLACEMENT] as (() => Placement) | undefined;
  return producer ? producer() : undefined;
}

/**
 * The rule for every path segment the library writes into a tree, and for every path it reads from its own
 * state (`.cdk8s-fleet/manifest.json`, the journal): an ASCII letter or digit, then letters, digits, '.', '_',
 * '-' or '%' (object names that Kubernetes allows but a file name must not hold are %-encoded, see
 * `objectFileName`), at most 255 bytes. So a tree path can never be absolute, climb with '..', name '.git' or
 * the state directory, hold a '\' that Windows reads as a separator, or exceed a file system's name limit.
 */
const SEGMENT_START = '[A-Za-z0-9]';
const SEGMENT_REST = '[\\w.%-]';
const SEGMENT = new RegExp(`^${SEGMENT_START}${SEGMENT_REST}*$`);
/** The longest file name most file systems (ext4, APFS, NTFS) accept, in bytes. */
export const MAX_SEGMENT_BYTES = 255;
/** The longest tree-relative path written (Linux's PATH_MAX is 4096 for the whole absolute path). */
export const MAX_TREE_PATH = 1024;

/** Why `rel` is not a normalized, '/'-separated path inside a tree (an empty list when it is one). */
export function treePathErrors(rel: unknown): string[] {
  if (typeof rel !== 'string' || rel.length === 0) return ['must be a non-empty string'];
  if (rel.length > MAX_TREE_PATH) return [`must be no more than ${MAX_TREE_PATH} characters (got ${rel.length})`];
  const errors: string[] = [];
  for (const segment of rel.split('/')) {
    if (segment.length > MAX_SEGMENT_BYTES) {
      errors.push(`segment '${segment.slice(0, 40)}…' is longer than ${MAX_SEGMENT_BYTES} bytes`);
    } else if (!SEGMENT.test(segment)) {
      errors.push(`segment ${JSON.stringify(segment)} must start with a letter or digit and hold only letters, digits, '.', '_', '-' or '%'`);
    }
  }
  return errors;
}

/**
 * `a/./b/../c` → `a/c`: `.` and empty segments dropped, `..` removes the segment before it, and a `..` above
 * the start is dropped (as a path inside a Git repository resolves; `normalizeTreePath` refuses it instead).
 */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of String(p).split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/** A directory as an Argo CD source or a kustomization names it, without a leading `./` and trailing slashes. */
export function trimDir(p: string): string {
  return String(p).replace(/^\.\//, '').replace(/\/+$/, '');
}

/** A tree-relative path without `.`, `..` (undefined when it leaves the tree) and trailing slashes. */
export function normalizeTreePath(p: string): string | undefined {
  const out: string[] = [];
  for (const part of String(p).split('/')) {
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else if (part !== '.' && part !== '') {
      out.push(part);
    }
  }
  return out.join('/');
}

/**
 * A whole tree path in one test (it runs for every file of the tree, twice): `SEGMENT`s of at most
 * `MAX_SEGMENT_BYTES` characters (they are ASCII, so characters are bytes) joined by single '/'. No two of its
 * parts can match the same text ('/' ends a segment), so it runs in linear time.
 */
const TREE_SEGMENT = `${SEGMENT_START}${SEGMENT_REST}{0,${MAX_SEGMENT_BYTES - 1}}`;
const TREE_PATH = new RegExp(`^${TREE_SEGMENT}(?:/${TREE_SEGMENT})*$`);

/** Whether `rel` is a normalized path inside a tree: exactly when `treePathErrors(rel)` is empty. */
export function isTreePath(rel: unknown): rel is string {
  return typeof rel === 'string' && rel.length > 0 && rel.length <= MAX_TREE_PATH && TREE_PATH.test(rel);
}

/**
 * The file name of an object in its directory: `<Kind>.<name>.yaml`, or `<Kind>.<namespace>.<name>.yaml` for an
 * object outside the directory's namespace. Kubernetes names are file-safe except RBAC names, which may hold
 * any character but '/' and '%' (`system:viewer`): characters outside [A-Za-z0-9._-] are %-encoded as UTF-8,
 * which is unambiguous because those names never hold '%'. A name too long for a file name (RBAC names have no
 * length limit, and a 253-character ConfigMap name with its kind and namespace passes 255 bytes) is cut and
 * ends with '-' and the first 16 hex digits of the name's sha256, so that names stay distinct.
 */
export function objectFileName(kind: string, namespace: string | undefined, name: string, defaultNamespace: string | undefined): string {
  const prefix = namespace !== undefined && namespace !== defaultNamespace ? `${kind}.${namespace}.` : `${kind}.`;
  const encoded = encodeSegment(name);
  if (prefix.length + encoded.length + 5 <= MAX_SEGMENT_BYTES) return `${prefix}${encoded}.yaml`;
  let room = MAX_SEGMENT_BYTES - prefix.length - 5 - 17;
  // Never cut inside a %XX escape.
  const lastPercent = encoded.lastIndexOf('%', room - 1);
  if (lastPercent >= 0 && lastPercent > room - 3) room = lastPercent;
  const digest = sha256(name).slice(0, 16);
  return `${prefix}${encoded.slice(0, Math.max(room, 0))}-${digest}.yaml`;
}

/** %-encodes (UTF-8, upper-case hex) every character outside [A-Za-z0-9._-]. */
function encodeSegment(value: string): string {
  if (/^[\w.-]*$/.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (/^[\w.-]$/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf-8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
