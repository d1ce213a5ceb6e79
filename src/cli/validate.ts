import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ACKNOWLEDGEMENTS_FILE } from '../gitops/fleet-model';
import { processObject } from '../gitops/process-object';
import { interruptedWrite, readManifest, sha256, STATE_DIR } from '../gitops/tree-writer';
import { Placement } from '../private/placement';

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
}

/**
 * Checks a synthesized tree as it is on disk: no interrupted write, every file of the manifest present and
 * unmodified, and every object valid against the pinned schemas and free of plaintext secrets.
 */
export function validateTree(tree: string, options: ValidateTreeOptions = {}): ValidateTreeResult {
  const problems: string[] = [];
  if (!fs.existsSync(tree)) return { checked: 0, problems: [`${tree}: no such directory`] };
  const interrupted = interruptedWrite(tree);
  if (interrupted) problems.push(`${tree}: ${interrupted}`);
  const manifest = readManifest(tree);
  const paths = Object.keys(manifest.files).sort();
  if (paths.length === 0) problems.push(`${tree}: no .cdk8s-fleet/manifest.json, or it lists no files (is this a cdk8s-fleet tree?)`);
  const processOptions = { validateSchemas: true, unvalidatedKinds: new Set(options.unvalidatedKinds ?? []) };
  for (const rel of paths) {
    const file = path.join(tree, rel);
    if (!fs.existsSync(file)) {
      problems.push(`${rel}: missing (the manifest lists it)`);
      continue;
    }
    const content = fs.readFileSync(file, 'utf-8');
    if (sha256(content) !== manifest.files[rel]) problems.push(`${rel}: changed since it was synthesized (edit the program, not the tree)`);
    // The library's own records and Helm values files are not Kubernetes objects.
    if (rel.startsWith(`${STATE_DIR}/`) || rel === ACKNOWLEDGEMENTS_FILE || rel.startsWith('values/')) continue;
    let objects: unknown[];
    try {
      objects = yaml.loadAll(content);
    } catch (e) {
      problems.push(`${rel}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    for (const object of objects) {
      for (const p of processObject(object, roleOf(rel), processOptions).problems) problems.push(`${rel}: ${p}`);
    }
  }
  return { checked: paths.length, problems };
}

function roleOf(rel: string): Placement['role'] {
  if (rel.startsWith('bootstrap/')) return 'bootstrap';
  if (rel.startsWith('argocd/')) return 'argocd';
  return 'workload';
}
