import * as fs from 'fs';
import * as path from 'path';
import { CliError } from './errors';
import { readClusterSecrets } from '../expansion/cluster-secrets';
import { expandApplicationSet } from '../expansion/expand';
import { toYaml } from '../gitops/yaml';
import { normalizeGitUrl } from '../private/glob';
import { pushAll } from '../private/util';
import { decodeText, InputError, MAX_INPUT_BYTES, parseYamlDocuments, readTextFile } from '../private/yaml-input';

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
  /** The ApplicationSet controller's `--enable-new-git-file-globbing`. */
  readonly newGitFileGlobbing?: boolean;
  /** The repo server's `--include-hidden-directories`. */
  readonly includeHiddenDirectories?: boolean;
}

/** What the command prints and its exit code. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** The most files and bytes read from one `--git-dir` checkout. */
export const MAX_CHECKOUT_FILES = 200_000;
export const MAX_CHECKOUT_BYTES = 1024 * 1024 * 1024;

/**
 * The offline twin of `argocd appset generate`: the Applications Argo CD would generate, as multi-document
 * YAML. Exits 1 when Argo CD would fail the generation (its message on stderr); Applications its validation
 * rejects are reported on stderr and left out. Unreadable or malformed input files throw an `InputError`
 * (file:line:col), a bad option a `CliError`; both exit 2.
 */
export function appsetGenerate(file: string, options: AppsetGenerateOptions): CommandResult {
  let stderr = '';
  const appSets = loadObjects(file, 'ApplicationSet file').filter(o => o.kind === 'ApplicationSet');
  if (appSets.length === 0) throw new CliError(`${file}: no ApplicationSet found`, 2);
  const { clusters, errors } = readClusterSecrets(options.clusters.flatMap(f => loadObjects(f, 'cluster Secret file')));
  for (const e of errors) stderr += `warning: ${e}\n`;
  const projects = options.projects
    ? new Set(options.projects.flatMap(f => loadObjects(f, 'AppProject file')).filter(o => o.kind === 'AppProject').map(o => String(o.metadata?.name ?? '')))
    : undefined;
  const repos = new Map<string, string>();
  for (const spec of options.gitDir ?? []) {
    const i = spec.lastIndexOf('=');
    if (i <= 0 || i === spec.length - 1) throw new CliError(`--git-dir '${spec}' must be repoURL=directory`, 2);
    const dir = spec.slice(i + 1);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      throw new CliError(`--git-dir ${spec}: ${dir}: no such directory`, 2);
    }
    if (!stat.isDirectory()) throw new CliError(`--git-dir ${spec}: ${dir} is not a directory`, 2);
    repos.set(normalizeGitUrl(spec.slice(0, i)), dir);
  }
  const checkouts = new Map<string, ReadonlyMap<string, string>>();
  const docs: string[] = [];
  let code = 0;
  for (const appSet of appSets) {
    const result = expandOne(appSet, {
      clusters,
      projects,
      inClusterEnabled: !options.inClusterDisabled,
      newGitFileGlobbing: options.newGitFileGlobbing,
      includeHiddenDirectories: options.includeHiddenDirectories,
      gitFiles: repoURL => {
        const key = normalizeGitUrl(repoURL);
        const dir = repos.get(key);
        if (dir === undefined) return undefined;
        let files = checkouts.get(key);
        if (!files) { files = readCheckout(dir); checkouts.set(key, files); }
        return files;
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

/** expandApplicationSet, with any unexpected failure turned into a message instead of a bare exit. */
function expandOne(appSet: any, options: Parameters<typeof expandApplicationSet>[1]): ReturnType<typeof expandApplicationSet> {
  try {
    return expandApplicationSet(appSet, options);
  } catch (e) {
    if (e instanceof InputError || e instanceof CliError) throw e;
    return { applicationSet: String(appSet?.metadata?.name ?? ''), applications: [], rejected: [], error: `cdk8s-fleet could not expand it: ${(e as Error)?.message ?? e}` };
  }
}

/** The objects of a multi-document YAML file (scalars, lists and empty documents are skipped, as kubectl skips them). */
function loadObjects(file: string, what: string): any[] {
  const docs = parseYamlDocuments(readTextFile(file, { what }), file);
  const out: any[] = [];
  for (const d of docs) {
    if (d !== null && typeof d === 'object' && !Array.isArray(d)) out.push(d);
    // A `kind: List` holds its objects in `items`, as kubectl reads it.
    if (d && typeof d === 'object' && (d as any).kind === 'List' && Array.isArray((d as any).items)) pushAll(out, (d as any).items.filter((i: unknown) => i && typeof i === 'object'));
  }
  return out;
}

/**
 * A directory standing in for a Git checkout: every regular file and symlink below it except `.git`, content read
 * when a generator asks for it. A symlink that leads outside the directory is refused, as Argo CD's repo
 * server refuses out-of-bounds symlinks; a FIFO or device is never read.
 */
export function readCheckout(root: string): ReadonlyMap<string, string> {
  const realRoot = fs.realpathSync(root);
  const files = new LazyFiles(realRoot);
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(realRoot, rel), { withFileTypes: true });
    } catch (e: any) {
      throw new InputError(`${path.join(root, rel)}: ${e?.code === 'EACCES' ? 'permission denied' : e?.message ?? e}`, root);
    }
    for (const d of entries) {
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) {
        if (rel === '' && d.name === '.git') continue;
        walk(p);
      } else if (d.isFile()) {
        files.add(p);
      } else if (d.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(path.join(realRoot, p));
        } catch {
          continue; // a dangling link: git lists it, but nothing can be read
        }
        if (target !== realRoot && !target.startsWith(realRoot + path.sep)) {
          throw new InputError(`${path.join(root, p)}: repository contains out-of-bounds symlinks (it points to ${target})`, root);
        }
        if (fs.statSync(target).isFile()) files.add(p);
      }
      if (files.size > MAX_CHECKOUT_FILES) throw new InputError(`${root}: more than ${MAX_CHECKOUT_FILES} files, more than cdk8s-fleet reads for one --git-dir`, root);
    }
  };
  walk('');
  return files;
}

/** The checkout's files; a file's content is read (bounded) the first time a generator asks for it. */
class LazyFiles extends Map<string, string> {
  private total = 0;
  public constructor(private readonly root: string) {
    super();
  }
  public add(p: string): void {
    super.set(p, '');
  }
  public get(p: string): string | undefined {
    if (!super.has(p)) return undefined;
    const file = path.join(this.root, p);
    const stat = fs.statSync(file);
    this.total += stat.size;
    if (stat.size > MAX_INPUT_BYTES || this.total > MAX_CHECKOUT_BYTES) {
      throw new InputError(`${file}: more than cdk8s-fleet reads from one --git-dir (${MAX_INPUT_BYTES} bytes a file, ${MAX_CHECKOUT_BYTES} in all)`, file);
    }
    try {
      return decodeText(fs.readFileSync(file), file, file);
    } catch (e) {
      if (e instanceof InputError) return fs.readFileSync(file, 'utf8');
      throw e;
    }
  }
}
