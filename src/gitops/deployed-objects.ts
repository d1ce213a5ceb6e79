import type { TreeEntry } from './fleet-model';
import { globMatch } from '../private/glob';
import { groupOf, KindScopes } from '../private/kinds';
import { normalizeTreePath } from '../private/placement';
import { SortedPaths } from '../private/sorted-paths';
import { pushAll } from '../private/util';
import { tryParseYamlDocument } from '../private/yaml-input';

/** An object an Application deploys, as an AppProject judges it. */
export interface DeployedObject {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespaced: boolean;
  /**
   * Its own `metadata.namespace` ('' when it has none: Argo CD then puts it into the Application's destination
   * namespace); undefined where a kustomization builds it (its namespace transformers may change it).
   */
  readonly namespace?: string;
  /** The tree file it comes from. */
  readonly path: string;
  /** group, kind, name and scope in one string: the same for the same object in many clusters' directories. */
  readonly key: string;
}

/** The source fields that decide what a path in the tree deploys. */
interface PathSource {
  readonly path: string;
  readonly directory?: { readonly recurse?: boolean; readonly include?: string; readonly exclude?: string };
  readonly kustomize?: unknown;
  readonly helm?: unknown;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** Argo CD's repo server reads these files of a directory source (reposerver/repository/repository.go `manifestFile`). */
const MANIFEST_FILE = /\.(yaml|yml|json)$/;
/** Kustomize resources are resolved this deep at most (a cycle, or a hostile tree, ends there). */
const MAX_KUSTOMIZE_DEPTH = 20;

/**
 * The objects that Applications deploy from paths of the fleet's own tree, as Argo CD's repo server finds them
 * (Argo CD v3.5.1 reposerver/repository/repository.go):
 * - a directory with a `Chart.yaml` is a Helm chart: its objects are unknown offline (undefined);
 * - a directory with a kustomization (or a source with `kustomize`) deploys its `resources` (files and
 *   directories of the tree, resolved recursively; remote ones are unknown and skipped) and the ConfigMaps and
 *   Secrets of its generators;
 * - any other directory deploys its `*.yaml`, `*.yml` and `*.json` files: only the top level unless
 *   `directory.recurse`, filtered by `directory.exclude` and `directory.include` (globs on the path relative to
 *   the source path, `*` crossing `/`, as `glob.Match` without separators does).
 * Whether a kind is namespaced comes from `KindScopes`: the built-in list, the tree's CRDs, the declared kinds.
 */
export class TreeObjects {
  private readonly byDir = new Map<string, TreeEntry[]>();
  private byPathIndex?: Map<string, TreeEntry[]>;
  /** The directories as `<dir>/`, sorted, built when a recursive source needs them. */
  private dirPrefixes?: SortedPaths;
  private dirOrder?: Map<string, number>;
  private readonly cache = new Map<string, DeployedObject[] | undefined>();
  /** One summary per object: a Workload variant's object stands in many clusters' directories. */
  private readonly summaries = new WeakMap<object, DeployedObject | null>();

  public constructor(private readonly entries: readonly TreeEntry[], private readonly scopes: KindScopes) {
    // Files of one directory are usually consecutive: reuse its list without slicing every path.
    let lastDir: string | undefined;
    let list: TreeEntry[] = [];
    for (const e of entries) {
      const slash = e.path.lastIndexOf('/');
      if (lastDir === undefined || slash !== lastDir.length || !e.path.startsWith(lastDir)) {
        lastDir = slash < 0 ? '' : e.path.slice(0, slash);
        list = this.byDir.get(lastDir) ?? [];
        this.byDir.set(lastDir, list);
      }
      list.push(e);
    }
  }

  /** What the source deploys, or undefined when it cannot be known offline (a Helm chart). */
  public deployedBy(source: PathSource): DeployedObject[] | undefined {
    const dir = normalizeTreePath(source.path);
    if (dir === undefined) return undefined;
    const key = source.directory || source.kustomize || source.helm
      ? JSON.stringify([dir, source.directory ?? null, !!source.kustomize, !!source.helm])
      : dir;
    if (!this.cache.has(key)) this.cache.set(key, this.compute(dir, source));
    return this.cache.get(key);
  }

  private compute(dir: string, source: PathSource): DeployedObject[] | undefined {
    const files = this.byDir.get(dir) ?? [];
    const names = new Set(files.map(f => f.path.slice(dir.length ? dir.length + 1 : 0)));
    if (source.helm || names.has('Chart.yaml')) return undefined;
    if (source.kustomize || (!source.directory && KUSTOMIZATION_FILES.some(k => names.has(k)))) {
      return this.kustomize(dir, 0, new Set());
    }
    const d = source.directory ?? {};
    const out: DeployedObject[] = [];
    const prefix = dir ? `${dir}/` : '';
    const candidates = d.recurse ? this.entriesUnder(prefix) : files;
    for (const e of candidates) {
      const rel = e.path.slice(prefix.length);
      if (!MANIFEST_FILE.test(rel)) continue;
      if (d.exclude && globMatch(d.exclude, rel, false)) continue;
      if (d.include && !globMatch(d.include, rel, false)) continue;
      const o = this.objectOf(e);
      if (o) out.push(o);
    }
    return out;
  }

  private entriesUnder(prefix: string): TreeEntry[] {
    if (!this.dirPrefixes) {
      this.dirPrefixes = new SortedPaths([...this.byDir.keys()].map(dir => `${dir}/`));
      this.dirOrder = new Map([...this.byDir.keys()].map((dir, i) => [`${dir}/`, i]));
    }
    // Directory by directory in the order the entries came in (the order of `byDir`).
    const under = this.dirPrefixes.withPrefix(prefix).sort((a, b) => this.dirOrder!.get(a)! - this.dirOrder!.get(b)!);
    const out: TreeEntry[] = [];
    for (const dir of under) for (const e of this.byDir.get(dir.slice(0, -1))!) out.push(e);
    return out;
  }

  private kustomize(dir: string, depth: number, seen: Set<string>): DeployedObject[] {
    if (depth > MAX_KUSTOMIZE_DEPTH || seen.has(dir)) return [];
    seen.add(dir);
    const file = KUSTOMIZATION_FILES.map(k => this.byPath.get(dir ? `${dir}/${k}` : k)?.[0]).find(Boolean);
    if (!file) return [];
    const k = kustomizationOf(file);
    const out: DeployedObject[] = [];
    for (const r of [...arrayOf(k.resources), ...arrayOf(k.bases), ...arrayOf(k.components)]) {
      if (typeof r !== 'string' || /^[a-z][a-z0-9+.-]*:\/\//i.test(r) || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(r) || r.startsWith('git@')) continue;
      const target = normalizeTreePath(dir ? `${dir}/${r}` : r);
      if (target === undefined) continue;
      const entries = this.byPath.get(target);
      if (entries) {
        for (const e of entries) {
          const o = this.objectOf(e);
          if (o) out.push({ ...o, namespace: undefined });
        }
      } else if (this.byDir.has(target)) {
        pushAll(out, this.kustomize(target, depth + 1, seen));
      }
    }
    for (const [kind, list] of [['ConfigMap', k.configMapGenerator], ['Secret', k.secretGenerator]] as const) {
      for (const g of arrayOf(list)) {
        const name = String(g?.name ?? '');
        out.push({ group: '', kind, name, namespaced: true, namespace: undefined, path: file.path, key: `\n${kind}\n${name}\ntrue` });
      }
    }
    seen.delete(dir);
    return out;
  }

  /** The entries at each path (a file may hold several documents), built when a kustomization needs it. */
  private get byPath(): Map<string, TreeEntry[]> {
    if (!this.byPathIndex) {
      this.byPathIndex = new Map();
      for (const e of this.entries) {
        const list = this.byPathIndex.get(e.path);
        if (list) list.push(e);
        else this.byPathIndex.set(e.path, [e]);
      }
    }
    return this.byPathIndex;
  }

  /** The object of an entry as a project judges it (computed once per object, whatever the number of files). */
  private objectOf(e: TreeEntry): DeployedObject | undefined {
    const o = e.object;
    if (!o || typeof o !== 'object') return undefined;
    const known = this.summaries.get(o);
    if (known !== undefined) return known === null ? undefined : known.path === e.path ? known : { ...known, path: e.path };
    let summary: DeployedObject | null = null;
    if (typeof o.kind === 'string' && typeof o.apiVersion === 'string' && !(o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.config.k8s.io/'))) {
      const group = groupOf(o.apiVersion);
      const namespaced = !this.scopes.isClusterScoped(o.apiVersion, o.kind);
      const name = String(o.metadata?.name ?? '');
      const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : '';
      summary = { group, kind: o.kind, name, namespaced, namespace, path: e.path, key: `${group}\n${o.kind}\n${name}\n${namespaced}` };
    }
    this.summaries.set(o, summary);
    if (summary === null) return undefined;
    return summary.path === e.path ? summary : { ...summary, path: e.path };
  }
}

/** The kustomization's fields; a synthesized overlay's entry holds only a summary, so its text is parsed then. */
function kustomizationOf(e: TreeEntry): any {
  const o = e.object;
  if (o && (o.resources !== undefined || o.bases !== undefined || o.components !== undefined || e.content === undefined)) return o;
  return (tryParseYamlDocument(e.content!) as any) ?? {};
}

function arrayOf(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}
