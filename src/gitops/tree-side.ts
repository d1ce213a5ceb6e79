import { FleetModel } from './fleet-model';
import { FleetPlan, PlannedApplication } from './fleet-plan';
import { buildKustomization, KustomizeError, kustomizationFile, kustomizationInputs } from './kustomize-build';
import { TreeReader } from './tree-objects';
import { globMatch, normalizeGitUrl } from '../private/glob';
import { imagesOf } from '../private/images';
import { KindScopes } from '../private/kinds';
import { normalizePath } from '../private/placement';
import { compareCodeUnits } from '../private/util';
import { InputError } from '../private/yaml-input';

/**
 * One tree of a diff, seen through its plan: which files each Application reads (its source directories,
 * Kustomize overlays with everything they include, its Helm values files) and the objects they render to.
 */

/** An object (or a values file, or a file that holds no object) with where it comes from. */
export interface ObjectSource {
  readonly object: any;
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** Objects by identity, and the files that could not be read (their objects are not compared). */
export interface PairObjects {
  readonly objects: ReadonlyMap<string, ObjectSource>;
  readonly unreadable: ReadonlySet<string>;
}

/** What an Application reads from the tree. */
interface Input {
  /** `dir`: a directory source (built when it holds a kustomization); `values`: a Helm values file; `chart`: a Helm chart directory. */
  readonly type: 'dir' | 'values' | 'chart';
  readonly path: string;
  readonly recurse?: boolean;
  /** Argo CD's `directory.include` and `directory.exclude` globs, matched against paths relative to the directory. */
  readonly include?: string;
  readonly exclude?: string;
  /** The index of the Application source it belongs to. */
  readonly source: number;
}

/** The paths that differ between the two trees of a diff, indexed for `TreeSide.touches`. */
export interface ChangeIndex {
  readonly files: ReadonlySet<string>;
  /** Directories that directly hold a changed file. */
  readonly dirs: ReadonlySet<string>;
  /** Those directories and every directory above them ('' included). */
  readonly ancestors: ReadonlySet<string>;
}

/** Indexes changed paths. */
export function changeIndex(changed: readonly string[]): ChangeIndex {
  const dirs = new Set<string>();
  const ancestors = new Set<string>();
  for (const f of changed) {
    const parts = f.split('/');
    dirs.add(parts.slice(0, -1).join('/'));
    for (let n = parts.length - 1; n >= 0; n--) ancestors.add(parts.slice(0, n).join('/'));
  }
  return { files: new Set(changed), dirs, ancestors };
}

/** The file kinds a directory source reads (Argo CD's directory type; jsonnet is compared as text). */
const MANIFEST_FILE = /\.(ya?ml|json|jsonnet)$/;

/**
 * An Application's key in a diff: its cluster, its fleet and its name (two fleets' Argo CDs may each have an
 * Application of one name on one cluster: two Applications).
 */
export function applicationKey(cluster: string, a: Pick<PlannedApplication, 'fleet' | 'name'>): string {
  return `${cluster}\u0000${a.fleet}\u0000${a.name}`;
}

export class TreeSide {
  public readonly problems: string[] = [];
  private readonly apps = new Map<string, PlannedApplication>();
  private readonly inputCache = new WeakMap<PlannedApplication, Input[]>();
  private readonly keyCache = new WeakMap<PlannedApplication, string>();
  private readonly filesCache = new Map<string, string[]>();
  private readonly objectCache = new Map<string, PairObjects>();
  private readonly failing = new Map<string, boolean>();
  private readonly fileOfObject = new Map<unknown, string>();
  private readonly kustomizations = new Map<string, string | undefined>();
  private readonly charts = new Map<string, boolean>();
  private readonly closures = new Map<string, string[] | undefined>();
  private readers: Map<string, Input[]> | undefined;

  public constructor(public readonly reader: TreeReader, public readonly plan: FleetPlan, private readonly model: FleetModel) {
    for (const c of plan.clusters) for (const a of c.applications) this.apps.set(applicationKey(c.name, a), a);
    for (const a of plan.unplaced) this.apps.set(applicationKey(a.cluster, a), a);
    for (const e of model.applications) this.fileOfObject.set(e.object, e.path);
  }

  /** The Application of `applicationKey` (on a cluster, of a fleet, by name), if this tree has it. */
  public application(key: string): PlannedApplication | undefined {
    return this.apps.get(key);
  }

  /** The tree file of an Application written as a file (none for generated ones). */
  public fileOfApplication(a: PlannedApplication): string | undefined {
    return this.fileOfObject.get(a.object);
  }

  /** Names of the Applications placed on a cluster of this tree. */
  public placedApplicationNames(): string[] {
    return this.plan.clusters.flatMap(c => c.applications.map(a => a.name));
  }

  /** The files of the placed Applications written as files (a Flux placement's Kustomization or HelmRelease). */
  public placedApplicationFiles(): string[] {
    return this.plan.clusters.flatMap(c => c.applications.map(a => this.fileOfApplication(a))).filter((f): f is string => f !== undefined);
  }

  /** A key that differs when what the Application reads, or where it deploys, differs. */
  public inputsKey(a: PlannedApplication): string {
    let key = this.keyCache.get(a);
    if (key === undefined) {
      key = a.destinationNamespace;
      for (const i of this.inputsOf(a)) key += `\u0000${i.type}\u0001${i.path}\u0001${i.recurse ?? ''}\u0001${i.include ?? ''}\u0001${i.exclude ?? ''}\u0001${i.source}`;
      this.keyCache.set(a, key);
    }
    return key;
  }

  /**
   * Whether a file the Application reads may be among `changed` (paths that differ between the trees). Cheap: a
   * directory source is looked up by directory; only Kustomize overlays list their files.
   */
  public touches(a: PlannedApplication, changed: ChangeIndex): boolean {
    for (const i of this.inputsOf(a)) {
      if (i.type === 'values' ? changed.files.has(i.path)
        : i.recurse ? changed.ancestors.has(i.path)
          : changed.dirs.has(i.path) || (this.kustomization(i.path) !== undefined && this.filesOf(i).some(f => changed.files.has(f)))) return true;
    }
    return false;
  }

  /** Whether some Application of this tree reads the file. */
  public reads(file: string): boolean {
    if (!this.readers) {
      this.readers = new Map();
      for (const a of this.apps.values()) {
        for (const i of this.inputsOf(a)) {
          const list = this.readers.get(i.path) ?? [];
          this.readers.set(i.path, list);
          if (!list.some(x => x.type === i.type && x.recurse === i.recurse && x.include === i.include && x.exclude === i.exclude)) list.push(i);
        }
      }
    }
    // The inputs at the file itself (a values file), its directory, or above it (recursive or Kustomize roots).
    const parts = file.split('/');
    for (let n = parts.length; n >= 0; n--) {
      for (const i of this.readers.get(parts.slice(0, n).join('/')) ?? []) if (this.filesOf(i).includes(file)) return true;
    }
    // Kustomize overlays may read files anywhere in the tree.
    for (const [dir, inputs] of this.readers) {
      for (const i of inputs) if (i.type === 'dir' && this.kustomization(dir) !== undefined && this.filesOf(i).includes(file)) return true;
    }
    return false;
  }

  /** The sha256 of a file of this tree. */
  public hash(file: string): string | undefined {
    return this.reader.scan.hashes.get(file);
  }

  /** Keys of the inputs of `a` whose Kustomize overlay does not build in process (they are compared as files). */
  public failingInputs(a: PlannedApplication): string[] {
    return this.inputsOf(a).filter(i => i.type === 'dir' && this.kustomizeFails(i.path)).map(i => i.path);
  }

  /** The objects the Application deploys; overlays in `raw` are read as files instead of built. */
  public objectsOf(a: PlannedApplication, raw: ReadonlySet<string> = new Set()): PairObjects {
    const objects = new Map<string, ObjectSource>();
    const unreadable = new Set<string>();
    for (const input of this.inputsOf(a)) {
      const r = this.objectsOfInput(input, a.destinationNamespace, raw.has(input.path));
      for (const [k, v] of r.objects) objects.set(k, v);
      for (const f of r.unreadable) unreadable.add(f);
    }
    return { objects, unreadable };
  }

  /** Per source, the images its objects run; and the cluster-scoped objects (`Kind/name`) of all sources. */
  public summaryOf(a: PlannedApplication): { images: (string[] | undefined)[]; clusterScoped: string[] } {
    const images: (string[] | undefined)[] = [];
    const scoped = new Set<string>();
    for (const input of this.inputsOf(a)) {
      if (input.type !== 'dir') continue;
      const set = new Set(images[input.source] ?? []);
      for (const s of this.objectsOfInput(input, a.destinationNamespace, this.kustomizeFails(input.path)).objects.values()) {
        for (const i of imagesOf(s.object)) set.add(i);
        if (this.model.scopes.isClusterScoped(s.apiVersion, s.kind)) scoped.add(`${s.kind}/${s.name}`);
      }
      images[input.source] = [...set].sort(compareCodeUnits);
    }
    return { images, clusterScoped: [...scoped].sort(compareCodeUnits) };
  }

  /**
   * The objects of some files read as they are (Argo CD objects, files no Application reads). With `asFiles`,
   * a file that holds no Kubernetes object (or no YAML) is one `File` object with its text.
   */
  public objectsOfFiles(files: readonly string[], keep: (s: ObjectSource) => boolean, asFiles = false): PairObjects {
    const objects = new Map<string, ObjectSource>();
    const unreadable = new Set<string>();
    for (const f of files) {
      if (this.hash(f) === undefined) continue;
      const found = asFiles && !MANIFEST_FILE.test(f) ? undefined : this.documentsOf(f, asFiles ? undefined : unreadable);
      const sources = found?.flatMap((d, i) => (isObject(d) && typeof d.kind === 'string' ? [source(d, f, i, undefined, this.model.scopes)] : [])) ?? [];
      if (sources.length === 0 && asFiles) {
        objects.set(`file|${f}`, this.fileSource(f));
        continue;
      }
      for (const s of sources) if (keep(s)) objects.set(identity(s), s);
    }
    return { objects, unreadable };
  }

  private inputsOf(a: PlannedApplication): Input[] {
    let inputs = this.inputCache.get(a);
    if (inputs) return inputs;
    inputs = [];
    const spec = a.object?.spec ?? {};
    const sources: any[] = (Array.isArray(spec.sources) ? spec.sources : [spec.source]).filter((s: any) => s && typeof s === 'object');
    const local = (s: any) => this.model.repoUrls.has(normalizeGitUrl(String(s?.repoURL ?? '')));
    const refs = new Map<string, any>(sources.filter(s => typeof s.ref === 'string').map(s => [s.ref, s]));
    sources.forEach((s, i) => {
      // The Argo CD objects (`argocd/`, `bootstrap/`, read by the root Application) are the fleet section.
      const dir = typeof s.path === 'string' ? trimDir(s.path) : '';
      if (typeof s.path === 'string' && !s.chart && local(s) && !isArgoPath(dir)) {
        const isChart = this.isChart(dir);
        const include = typeof s.directory?.include === 'string' && s.directory.include !== '' ? s.directory.include : undefined;
        const exclude = typeof s.directory?.exclude === 'string' && s.directory.exclude !== '' ? s.directory.exclude : undefined;
        inputs!.push({ type: isChart ? 'chart' : 'dir', path: dir, recurse: s.directory?.recurse === true || isChart, include, exclude, source: i });
        const options = Object.keys(s.kustomize ?? {}).filter(k => s.kustomize[k] !== undefined && s.kustomize[k] !== null);
        if (options.length && this.kustomization(dir)) {
          this.problem(`${this.where()}Application ${a.name}: its kustomize options (${options.join(', ')}) are not applied; '${dir}' is built without them`);
        }
      }
      for (const vf of Array.isArray(s.helm?.valueFiles) ? s.helm.valueFiles : []) {
        const m = /^\$([^/]+)\/(.*)$/.exec(String(vf));
        const ref = m ? refs.get(m[1]) : undefined;
        if (m && ref && local(ref)) inputs!.push({ type: 'values', path: normalizePath(`${trimDir(ref.path ?? '')}/${m[2]}`), source: i });
        else if (!m && typeof s.path === 'string' && local(s)) inputs!.push({ type: 'values', path: normalizePath(`${trimDir(s.path)}/${vf}`), source: i });
      }
    });
    this.inputCache.set(a, inputs);
    return inputs;
  }

  private filesOf(input: Input): string[] {
    const key = JSON.stringify([input.type, input.recurse, input.include, input.exclude, input.path]);
    let files = this.filesCache.get(key);
    if (files) return files;
    if (input.type === 'values') {
      files = this.hash(input.path) !== undefined ? [input.path] : [];
    } else if (input.type === 'dir' && this.kustomization(input.path) && this.closure(input.path)) {
      // What kustomize reads, whether or not the overlay builds here (then both trees compare these files).
      files = this.closure(input.path)!;
    } else {
      // Argo CD's directory source (reposerver findManifests): manifest files, then exclude, then include, each
      // glob matched against the path relative to the directory with `*` crossing '/'.
      const prefix = input.path ? input.path.length + 1 : 0;
      files = this.filesUnder(input.path, input.recurse === true).filter(f => input.type === 'chart' || (MANIFEST_FILE.test(f)
        && !(input.exclude !== undefined && glob(input.exclude, f.slice(prefix)))
        && !(input.include !== undefined && !glob(input.include, f.slice(prefix)))));
    }
    this.filesCache.set(key, files);
    return files;
  }

  private objectsOfInput(input: Input, namespace: string, raw: boolean): PairObjects {
    const key = JSON.stringify([input.type, input.recurse, input.include, input.exclude, raw, namespace, input.path]);
    const known = this.objectCache.get(key);
    if (known) return known;
    const objects = new Map<string, ObjectSource>();
    const unreadable = new Set<string>();
    if (input.type === 'values') {
      const docs = this.documentsOf(input.path, unreadable);
      if (docs) objects.set(`values|${input.path}`, { object: docs.length === 1 ? docs[0] : docs, file: input.path, apiVersion: '', kind: 'Helm values', name: input.path });
    } else if (input.type === 'chart') {
      // Helm charts in the tree are not rendered here: their files are compared as text.
      for (const f of this.filesOf(input)) objects.set(`file|${f}`, this.fileSource(f));
    } else if (!raw && this.kustomization(input.path)) {
      for (const b of buildKustomization(input.path, this.host())) {
        const s = source(b.object, b.file, 0, namespace, this.model.scopes);
        objects.set(identity(s), s);
      }
    } else {
      for (const f of this.filesOf(input)) {
        if (f.endsWith('.jsonnet')) {
          this.problem(`${this.where()}${f}: jsonnet is not evaluated; the file is compared as text`);
          objects.set(`file|${f}`, this.fileSource(f));
          continue;
        }
        this.documentsOf(f, unreadable)?.forEach((d, i) => {
          if (!isObject(d)) return;
          const s = source(d, f, i, namespace, this.model.scopes);
          objects.set(identity(s), s);
        });
      }
    }
    const result = { objects, unreadable };
    this.objectCache.set(key, result);
    return result;
  }

  /** The files a kustomization reads, or undefined when they cannot be listed (memoized). */
  private closure(dir: string): string[] | undefined {
    if (!this.closures.has(dir)) {
      try {
        this.closures.set(dir, kustomizationInputs(dir, this.host()));
      } catch (e) {
        if (!(e instanceof KustomizeError) && !(e instanceof InputError)) throw e;
        this.closures.set(dir, undefined);
      }
    }
    return this.closures.get(dir);
  }

  /** Whether a directory of this tree holds a Helm chart (memoized). */
  private isChart(dir: string): boolean {
    let chart = this.charts.get(dir);
    if (chart === undefined) {
      chart = this.reader.typeOf(join(dir, 'Chart.yaml')) === 'file';
      this.charts.set(dir, chart);
    }
    return chart;
  }

  /** The kustomization file of a directory of this tree (memoized). */
  private kustomization(dir: string): string | undefined {
    if (!this.kustomizations.has(dir)) this.kustomizations.set(dir, kustomizationFile(dir, this.reader));
    return this.kustomizations.get(dir);
  }

  private kustomizeFails(dir: string): boolean {
    let fails = this.failing.get(dir);
    if (fails === undefined) {
      fails = false;
      if (this.kustomization(dir)) {
        try {
          buildKustomization(dir, this.host());
        } catch (e) {
          if (!(e instanceof KustomizeError) && !(e instanceof InputError)) throw e;
          this.problem(`${e instanceof InputError ? '' : this.where()}${e.message} (the overlay's files are compared as they are)`);
          fails = true;
        }
      }
      this.failing.set(dir, fails);
    }
    return fails;
  }

  private documentsOf(file: string, unreadable?: Set<string>): unknown[] | undefined {
    try {
      return this.reader.documents(file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      if (unreadable) {
        unreadable.add(file);
        this.problem(e.message);
      }
      return undefined;
    }
  }

  private fileSource(f: string): ObjectSource {
    let object: any;
    try {
      object = { content: this.reader.text(f) };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      object = { sha256: this.hash(f) };
    }
    return { object, file: f, apiVersion: '', kind: 'File', name: f };
  }

  private filesUnder(dir: string, recurse: boolean): string[] {
    const out: string[] = [];
    const visit = (d: string) => {
      for (const n of this.reader.scan.files.get(d) ?? []) out.push(join(d, n));
      if (recurse) for (const sub of this.reader.scan.subdirectories.get(d) ?? []) visit(sub);
    };
    visit(dir);
    return out.sort(compareCodeUnits);
  }

  private host() {
    return { typeOf: (p: string) => this.reader.typeOf(p), documents: (p: string) => this.reader.documents(p) };
  }

  /** `head /path/to/tree: `, the prefix of this tree's problems. */
  private where(): string {
    return `${this.reader.label} ${this.reader.scan.root}: `;
  }

  private problem(message: string) {
    if (!this.problems.includes(message)) this.problems.push(message);
  }
}

/** An object's identity, namespace defaulted to the Application's destination for namespaced kinds. */
function source(d: any, file: string, index: number, namespace: string | undefined, scopes: KindScopes): ObjectSource {
  const apiVersion = String(d?.apiVersion ?? '');
  const kind = String(d?.kind ?? '');
  // A document without a name (a kustomization, say) is known by its place in the tree.
  const named = d?.metadata?.name !== undefined;
  const ns = d?.metadata?.namespace ?? (named && namespace && !scopes.isClusterScoped(apiVersion, kind) ? namespace : undefined);
  const name = named ? String(d.metadata.name) : `${file}#${index}`;
  return { object: d, file, apiVersion, kind, namespace: ns === undefined ? undefined : String(ns), name };
}

function identity(s: ObjectSource): string {
  const group = s.apiVersion.includes('/') ? s.apiVersion.slice(0, s.apiVersion.lastIndexOf('/')) : '';
  return `${group}|${s.kind}|${s.namespace ?? ''}|${s.name}`;
}

/** Argo CD's util/glob Match without separators; a pattern that does not compile matches nothing. */
function glob(pattern: string, path: string): boolean {
  try {
    return globMatch(pattern, path, false);
  } catch {
    return false;
  }
}

function isArgoPath(p: string): boolean {
  return p === 'argocd' || p === 'bootstrap' || p.startsWith('argocd/') || p.startsWith('bootstrap/') || p === 'flux' || p.startsWith('flux/') || p === '';
}

/** A source path as a tree-relative directory. */
function trimDir(p: string): string {
  // Plain paths (`clusters/prod/api`, most of them) are already normal.
  return PLAIN_PATH.test(p) ? p : normalizePath(String(p).replace(/^\.\//, ''));
}

const PLAIN_PATH = /^[\w-]+(\/[\w-][\w.-]*)*$/;

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

