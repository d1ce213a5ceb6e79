import * as fs from 'fs';
import { ACKNOWLEDGEMENTS_FILE, parseClusterScopedKinds } from '../gitops/fleet-model';
import { processObject, ProcessOptions } from '../gitops/process-object';
import { TreeInspector } from '../gitops/tree-inspector';
import { parseTreeFile, readTree } from '../gitops/tree-reader';
import { interruptedWrite, readManifest, sha256 } from '../gitops/tree-writer';
import { CLUSTER_SCOPED_KINDS_FILE } from '../private/kinds';
import { Placement } from '../private/placement';
import { pushAll } from '../private/util';
import { InputError } from '../private/yaml-input';
import { treeRolloutProblems } from '../rollouts/private/rules/lint';
import { parseAllowancesYaml, SecretAllowanceData, scanTreeFiles } from '../secrets/scanner';
import { SECRET_SCAN_ALLOWANCES_FILE } from '../secrets/secret-scan';

/** Options for `validateTree`. */
export interface ValidateTreeOptions {
  /** `apiVersion/kind` keys that may be written without a pinned schema. */
  readonly unvalidatedKinds?: string[];
  /** Called as files are checked (the CLI's progress line). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What `validateTree` found. */
export interface ValidateTreeResult {
  /** Managed files checked. */
  readonly checked: number;
  /** Every problem, each naming its file. */
  readonly problems: string[];
  /** The managed files' contents as read (tree-relative path → text), for further checks without a second read. */
  readonly contents: ReadonlyMap<string, string>;
}

/** The top-level directories of a tree whose YAML Argo CD reads (or Kustomize and Helm read for it). */
const ARGO_READ = /^(bootstrap|argocd|clusters|apps|values)\/.*\.(ya?ml|json)$/;

/**
 * Checks a synthesized tree as it is on disk: no interrupted write (its journal is committed with the tree,
 * so a clone of a half-written tree says so), every file of the manifest present, a regular file and
 * unmodified, no YAML the writer did not write where Argo CD reads it, no link out of the tree, and every
 * object valid against the pinned schemas and free of plaintext secrets. The tree is read with `readTree`:
 * regular files inside it only, bounded.
 */
export function validateTree(tree: string, options: ValidateTreeOptions = {}): ValidateTreeResult {
  const problems: string[] = [];
  const contents = new Map<string, string>();
  if (!fs.existsSync(tree)) return { checked: 0, problems: [`${tree}: no such directory`], contents };
  const guarded = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      problems.push(`${tree}: ${(e as Error).message}`);
      return fallback;
    }
  };
  const interrupted = guarded(() => interruptedWrite(tree), undefined);
  if (interrupted) problems.push(`${tree}: ${interrupted}`);
  // Looked up by tree path: a file named like a member of Object.prototype (`constructor`) must find nothing.
  const manifest: Record<string, string> = Object.assign(Object.create(null), guarded(() => readManifest(tree).files, undefined) ?? {});
  const manifestRead = problems.length === (interrupted ? 1 : 0);
  const paths = Object.keys(manifest).sort();
  if (paths.length === 0 && problems.length === 0) problems.push(`${tree}: no .cdk8s-fleet/manifest.json, or it lists no files (is this a cdk8s-fleet tree?)`);
  const read = readTree(tree, { include: rel => manifest[rel] !== undefined || ARGO_READ.test(rel) });
  pushAll(problems, read.problems);
  const reported = new Set(read.problems.map(p => p.slice(0, p.indexOf(': '))));
  const inspector = new TreeInspector(read.root);

  const allowances = readAllowances(manifest, read.files, problems);
  const processOptions = { validateSchemas: true, unvalidatedKinds: new Set(options.unvalidatedKinds ?? []), secretAllowances: allowances };
  const notObjects: Array<{ path: string; content: string }> = [];
  // A workload variant's bytes stand in many clusters' directories: check each content once per role.
  const checked = new Map<string, string[]>();
  for (const rel of paths) {
    options.onProgress?.(contents.size, paths.length);
    const type = read.entries.get(rel);
    if (type === undefined) {
      const at = inspector.lookup(rel);
      problems.push(at.blockedAt !== undefined
        ? `${rel}: not in the tree as a file: '${at.blockedAt}' on its way is ${at.blockedBy === 'symlink' ? 'a symbolic link' : 'not a directory'}`
        : `${rel}: missing (the manifest lists it)`);
      continue;
    }
    if (type === 'symlink' && !reported.has(rel)) problems.push(`${rel}: is a symbolic link, not the regular file cdk8s-fleet wrote`);
    const content = read.files.get(rel);
    if (content === undefined) continue; // not read: a problem says why
    contents.set(rel, content);
    const hash = sha256(content);
    if (hash !== manifest[rel]) problems.push(`${rel}: changed since it was synthesized (edit the program, not the tree)`);
    // The library's own records and Helm values files are not Kubernetes objects.
    if (rel === ACKNOWLEDGEMENTS_FILE || rel === CLUSTER_SCOPED_KINDS_FILE || rel === SECRET_SCAN_ALLOWANCES_FILE || rel.startsWith('values/')) {
      notObjects.push({ path: rel, content }); // scanned for secrets below, as synth scans them
      if (rel === CLUSTER_SCOPED_KINDS_FILE) {
        try {
          parseClusterScopedKinds(content, rel);
        } catch (e) {
          problems.push((e as Error).message);
        }
      }
      continue;
    }
    const key = `${roleOf(rel)}\n${hash}`;
    let found = checked.get(key);
    if (!found) {
      found = contentProblems(content, rel, roleOf(rel), processOptions);
      checked.set(key, found);
    }
    for (const p of found) problems.push(`${rel}: ${p}`);
  }
  for (const rel of manifestRead ? read.files.keys() : []) {
    if (manifest[rel] === undefined && ARGO_READ.test(rel)) {
      problems.push(`${rel}: not written by cdk8s-fleet (not in .cdk8s-fleet/manifest.json), yet Argo CD reads it: a file added by hand, `
        + 'or left by a write that was interrupted and committed; delete it, or synth again');
    }
  }
  pushAll(problems, scanTreeFiles(notObjects, allowances));
  pushAll(problems, treeRolloutProblems(contents));
  return { checked: paths.length, problems, contents };
}

/** The allowances the program declared (`SecretScan.allow`), from the tree's `secret-scan-allowances.yaml`. */
function readAllowances(managed: Record<string, string>, files: ReadonlyMap<string, string>, problems: string[]): SecretAllowanceData[] {
  const text = files.get(SECRET_SCAN_ALLOWANCES_FILE);
  if (!(SECRET_SCAN_ALLOWANCES_FILE in managed) || text === undefined) return [];
  try {
    return parseAllowancesYaml(text);
  } catch (e) {
    problems.push(`${SECRET_SCAN_ALLOWANCES_FILE}: ${(e as Error).message}`);
    return [];
  }
}

/** The problems of one file's content: YAML that does not parse, or objects that fail validation or the secret scan. */
function contentProblems(content: string, rel: string, role: Placement['role'], options: ProcessOptions): string[] {
  let objects: unknown[];
  try {
    objects = parseTreeFile(content, rel);
  } catch (e) {
    // `<rel>:line:col: reason` → `[line:col: ]reason` (the caller names the file).
    const message = (e as Error).message;
    return [e instanceof InputError ? message.slice(rel.length).replace(/^:/, '').replace(/^ /, '') : `not valid YAML: ${message.split('\n')[0]}`];
  }
  return objects.flatMap(object => processObject(object, role, options).problems);
}

function roleOf(rel: string): Placement['role'] {
  if (rel.startsWith('bootstrap/')) return 'bootstrap';
  if (rel.startsWith('argocd/') || rel.startsWith('flux/')) return 'argocd';
  return 'workload';
}
