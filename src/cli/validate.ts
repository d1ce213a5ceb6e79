import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ACKNOWLEDGEMENTS_FILE } from '../gitops/fleet-model';
import { processObject, ProcessOptions } from '../gitops/process-object';
import { interruptedWrite, readManifest, sha256, STATE_DIR } from '../gitops/tree-writer';
import { Placement } from '../private/placement';
import { treeRolloutProblems } from '../rollouts/private/rules/lint';

/** Options for `validateTree`. */
export interface ValidateTreeOptions {
  /** `apiVersion/kind` keys that may be written without a pinned schema. */
  readonly unvalidatedKinds?: string[];
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

/**
 * Checks a synthesized tree as it is on disk: no interrupted write, every file of the manifest present and
 * unmodified, and every object valid against the pinned schemas and free of plaintext secrets.
 */
export function validateTree(tree: string, options: ValidateTreeOptions = {}): ValidateTreeResult {
  const problems: string[] = [];
  const contents = new Map<string, string>();
  if (!fs.existsSync(tree)) return { checked: 0, problems: [`${tree}: no such directory`], contents };
  const interrupted = interruptedWrite(tree);
  if (interrupted) problems.push(`${tree}: ${interrupted}`);
  const manifest = readManifest(tree);
  const paths = Object.keys(manifest.files).sort();
  if (paths.length === 0) problems.push(`${tree}: no .cdk8s-fleet/manifest.json, or it lists no files (is this a cdk8s-fleet tree?)`);
  const processOptions = { validateSchemas: true, unvalidatedKinds: new Set(options.unvalidatedKinds ?? []) };
  // A workload variant's bytes stand in many clusters' directories: check each content once per role.
  const checked = new Map<string, string[]>();
  for (const rel of paths) {
    const file = path.join(tree, rel);
    if (!fs.existsSync(file)) {
      problems.push(`${rel}: missing (the manifest lists it)`);
      continue;
    }
    const content = fs.readFileSync(file, 'utf-8');
    contents.set(rel, content);
    const hash = sha256(content);
    if (hash !== manifest.files[rel]) problems.push(`${rel}: changed since it was synthesized (edit the program, not the tree)`);
    // The library's own records and Helm values files are not Kubernetes objects.
    if (rel.startsWith(`${STATE_DIR}/`) || rel === ACKNOWLEDGEMENTS_FILE || rel.startsWith('values/')) continue;
    const key = `${roleOf(rel)}\n${hash}`;
    let found = checked.get(key);
    if (!found) {
      found = contentProblems(content, roleOf(rel), processOptions);
      checked.set(key, found);
    }
    for (const p of found) problems.push(`${rel}: ${p}`);
  }
  problems.push(...treeRolloutProblems(contents));
  return { checked: paths.length, problems, contents };
}

/** The problems of one file's content: YAML that does not parse, or objects that fail validation or the secret scan. */
function contentProblems(content: string, role: Placement['role'], options: ProcessOptions): string[] {
  let objects: unknown[];
  try {
    objects = yaml.loadAll(content);
  } catch (e) {
    return [`not valid YAML: ${(e as Error).message.split('\n')[0]}`];
  }
  return objects.flatMap(object => processObject(object, role, options).problems);
}

function roleOf(rel: string): Placement['role'] {
  if (rel.startsWith('bootstrap/')) return 'bootstrap';
  if (rel.startsWith('argocd/')) return 'argocd';
  return 'workload';
}
