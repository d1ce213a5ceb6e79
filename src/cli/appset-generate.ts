import * as fs from 'fs';
import * as path from 'path';
import { readClusterSecrets } from '../expansion/cluster-secrets';
import { expandApplicationSet } from '../expansion/expand';
import { toYaml } from '../gitops/yaml';
import { normalizeGitUrl } from '../private/glob';
import { parseYamlDocuments, readTextFile } from '../private/yaml-input';

/** Options of `cdk8s-fleet appset generate`. */
export interface AppsetGenerateOptions {
  /** Multi-document YAML files holding cluster Secrets (Argo CD's format). */
  readonly clusters: string[];
  /** Multi-document YAML files holding the AppProjects that exist; without them projects are not checked. */
  readonly projects?: string[];
  /** `repoURL=directory`: the content of a Git repository a git generator reads. */
  readonly gitDir?: string[];
  /** Argo CD's `cluster.inClusterEnabled: "false"`. */
  readonly inClusterDisabled?: boolean;
}

/** What the command prints and its exit code. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/**
 * The offline twin of `argocd appset generate`: the Applications Argo CD would generate, as multi-document
 * YAML. Exits 1 when Argo CD would fail the generation (its message on stderr); Applications its validation
 * rejects are reported on stderr and left out.
 */
export function appsetGenerate(file: string, options: AppsetGenerateOptions): CommandResult {
  let stderr = '';
  const appSets = loadAll(file).filter(o => o?.kind === 'ApplicationSet');
  if (appSets.length === 0) return { stdout: '', stderr: `${file}: no ApplicationSet found\n`, code: 2 };
  const { clusters, errors } = readClusterSecrets(options.clusters.flatMap(loadAll));
  for (const e of errors) stderr += `warning: ${e}\n`;
  const projects = options.projects ? new Set(options.projects.flatMap(loadAll).filter(o => o?.kind === 'AppProject').map(o => String(o.metadata?.name))) : undefined;
  const repos = new Map<string, string>();
  for (const spec of options.gitDir ?? []) {
    const i = spec.lastIndexOf('=');
    if (i <= 0) return { stdout: '', stderr: `--git-dir '${spec}' must be repoURL=directory\n`, code: 2 };
    repos.set(normalizeGitUrl(spec.slice(0, i)), spec.slice(i + 1));
  }
  const docs: string[] = [];
  let code = 0;
  for (const appSet of appSets) {
    const result = expandApplicationSet(appSet, {
      clusters,
      projects,
      inClusterEnabled: !options.inClusterDisabled,
      gitFiles: repoURL => {
        const dir = repos.get(normalizeGitUrl(repoURL));
        return dir === undefined ? undefined : readDirectory(dir);
      },
    });
    if (result.error) {
      stderr += `error: ApplicationSet ${result.applicationSet}: error generating applications: ${result.error}\n`;
      code = 1;
      continue;
    }
    if (result.unsupported) {
      stderr += `error: ApplicationSet ${result.applicationSet}: ${result.unsupported}\n`;
      code = 1;
      continue;
    }
    for (const r of result.rejected) stderr += `warning: ApplicationSet ${result.applicationSet}: Application ${r.name} left out: ${r.reason}\n`;
    for (const app of result.applications) docs.push(toYaml(app));
  }
  return { stdout: docs.join('---\n'), stderr, code };
}

function loadAll(file: string): any[] {
  return parseYamlDocuments(readTextFile(file), file).filter(d => d && typeof d === 'object') as any[];
}

function readDirectory(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) { if (d.name !== '.git') walk(p); } else if (d.isFile()) {out.set(p, fs.readFileSync(path.join(root, p), 'utf-8'));}
    }
  };
  walk('');
  return out;
}
