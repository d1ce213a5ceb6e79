import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { withFastApiObjectJson } from './api-object-json';
import { apiObjectJson } from './l1-json';
import { createPipeline } from './object-pipeline';
import { processObject, ProcessedObject, ProcessOptions } from './process-object';
import { programScopes } from './render-scopes';
import { Application } from '../argocd/application';
import { ApplicationSet } from '../argocd/application-set';
import { ClusterManifests } from '../fleet/cluster-manifests';
import { show } from '../private/errors';
import { customResourceKind, isDeliveredKind } from '../private/kinds';
import { dns1123LabelErrors, kindErrors, objectNameErrors } from '../private/names';
import { isTreePath, MAX_TREE_PATH, objectFileName, ownPlacement, Placement, treePathErrors } from '../private/placement';
import { renderRawFiles } from '../private/raw-files';
import { keptWholeForSecretProof } from '../private/secret-markers';
import { compareCodeUnits, pushAll } from '../private/util';
import { HelmApplication } from '../workloads/helm-application';
import { Workload } from '../workloads/workload';

// (FleetApp loads this module lazily, and with it the check of the tree against the scopes the program rendered with)
export { scopeMismatches } from './render-scopes';

/** One file of the GitOps tree. */
export interface RenderedFile {
  /** Path relative to the tree root, '/'-separated. */
  readonly path: string;
  /** The file's bytes (YAML); may be a getter that serializes on first read (see `DeferredFile`). */
  readonly content: string;
  /** The object in it (kept for Argo CD objects only; workload objects are summarized by `images`). */
  readonly object: any;
  /** Container images a workload object runs. */
  readonly images?: string[];
  /** sha256 of `content`. */
  readonly hash: string;
  /**
   * The validated-content cache key (`verdictKey`) of the object `content` and `object` were made from, when the
   * cache is in use and the object is clean: it stands for the object's exact JSON text (`planInputKey`).
   */
  readonly objectKey?: string;
  /** The construct that produced it. */
  readonly constructPath: string;
  /** Where it was placed. */
  readonly placement: Placement;
}

/** Options for `renderTree`. */
export interface RenderOptions extends ProcessOptions {
  /** From this many objects on, validation and serialization run on a worker thread. */
  readonly workerThreshold?: number;
  /** Kinds declared cluster-scoped, each `<group>/<Kind>` (FleetApp `clusterScopedKinds`; `KindScopes`). */
  readonly clusterScopedKinds?: readonly string[];
}

/** The result of rendering: every file, or every problem. */
export interface RenderResult {
  readonly files: RenderedFile[];
  readonly errors: string[];
  /** Every construct of the tree as rendered (`root.node.findAll()`), for callers that look for some. */
  readonly constructs: IConstruct[];
  /**
   * The objects found clean (with `knownClean` in the options): each one's validated-content cache key and the
   * sha256 of its YAML.
   */
  readonly clean: Map<string, string>;
}

interface Pending {
  readonly path: string;
  readonly constructPath: string;
  readonly placement: Placement;
  readonly json: any;
}

/**
 * Walks the construct tree once, asks each ApiObject for its JSON (never `Chart.toJson()`, whose cost grows
 * with the size of the whole app) and places it in the tree; validation, the secret scan and serialization
 * follow in an object pipeline (on a worker thread for big trees). Collects every problem instead of
 * stopping at the first one. `afterProgram` is called once the program's own code has run for the last time
 * (definitions, validations, Lazy values and resolvers, Helm values serialized: everything before the objects'
 * JSON is complete), even when there are problems.
 */
export function renderTree(root: IConstruct, options: RenderOptions, afterProgram?: () => void): RenderResult {
  const errors: string[] = [];
  const pending: Pending[] = [];
  /** Path → the construct that writes it. */
  const byPath = new PathOwners();

  const directories = new ApplicationDirectories(errors);
  const deployedManifests = new Set<IConstruct>();

  // 0. Library defaults that depend on the whole tree (sync waves of Namespaces and CRDs).
  // Helm applications create their per-environment ApplicationSets from the final registry.
  let all = root.node.findAll();
  const helmApps = all.filter(HelmApplication.isHelmApplication);
  for (const h of helmApps) h._prepare();
  if (helmApps.length > 0) all = root.node.findAll(); // with the ApplicationSets they added
  // Which kinds are cluster-scoped, set before anything asks (Workloads place their objects, Applications check
  // their projects, objects are placed).
  const workloads = all.filter(Workload.isWorkload);
  const scopes = programScopes(root, all, workloads, options, errors);
  for (const c of all) {
    if (ClusterManifests.isClusterManifests(c)) c._applyDefaultWaves();
    if (c instanceof Application || ApplicationSet.isApplicationSet(c)) for (const m of c._deployedManifests) deployedManifests.add(m);
  }
  // Workloads render their variants first: that also completes their projects' allow lists.
  for (const w of workloads) w._prepare();

  // 1. Construct-level validations (node.addValidation), as cdk8s App.synth() does.
  let objectCount = 0;
  for (const c of all) {
    for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
    if (ApiObject.isApiObject(c)) objectCount++;
  }
  // Each distinct object of a workload (a variant's object, shared by its clusters) is processed once. They go
  // first, so that on a worker thread they are validated while the main thread walks the construct tree.
  const distinct = new Map<string, any>();
  for (const w of workloads) {
    const { requests, variants } = w._fileRequests();
    for (const v of variants) v.keys.forEach((key, i) => distinct.has(key) || distinct.set(key, v.objects[i]));
    for (const r of requests) if (!distinct.has(r.key)) distinct.set(r.key, r.object);
  }
  const pipeline = createPipeline(options, objectCount + distinct.size, options.workerThreshold);
  for (const object of distinct.values()) pipeline.submit(object, 'workload');

  // 2. Every ApiObject, with the placement of its nearest placed ancestor.
  // `owner` is the construct that placed the object (an Application, a Cluster …): errors name its path. Paths are
  // built on the way down, as `node.path` builds them (the ids from the root, the root's empty one left out).
  type Owner = { readonly construct: IConstruct; readonly path: string };
  const visit = (c: IConstruct, path: string, placement: Placement | undefined, owner: Owner | undefined) => {
    const own = ownPlacement(c);
    // A ClusterManifests that an Application of its own deploys claims its directory; one that no Application
    // deploys adds its objects to whatever deploys the directory (a Workload's Application, for one of its name).
    if (own?.role === 'workload' && deployedManifests.has(c)) directories.claim(own.directory, path);
    const current = own ?? placement;
    const currentOwner = own && !ClusterManifests.isClusterManifests(c) ? { construct: c, path } : owner;
    if (ApiObject.isApiObject(c)) {
      // An Argo CD construct's own L1 (`<owner>/Chart/Resource`) is reported by the construct's path.
      renderObject(c, current, currentOwner && isInside(c, currentOwner.construct, 'Chart') ? currentOwner.path : path);
    }
    for (const child of c.node.children) visit(child, path ? `${path}/${child.node.id}` : child.node.id, current, currentOwner);
  };

  const renderObject = (obj: ApiObject, placement: Placement | undefined, where: string) => {
    if (!placement) {
      errors.push(`[${where}] ${obj.kind} '${obj.name}' is not inside a Fleet or a ClusterManifests, so it has no place in the GitOps tree. Create it in cluster.addManifests(...)`);
      return;
    }
    let json: any;
    try {
      json = apiObjectJson(obj); // obj.toJson(), with generated L1s' mappers fast
    } catch (e) {
      errors.push(`[${where}] ${(e as Error).message}`);
      return;
    }
    if (scopes.isClusterScoped(json.apiVersion, json.kind) && json.metadata?.namespace !== undefined) {
      // cdk8s gives every object its chart's namespace; a cluster-scoped object must not carry one.
      delete json.metadata.namespace;
    }
    const problems = objectNameProblems(json);
    if (problems.length > 0) {
      for (const p of problems) errors.push(`[${where}] ${json.kind} '${json.metadata?.name ?? ''}': ${p}`);
      return;
    }
    const filePath = `${placement.directory}/${fileNameOf(json, placement)}`;
    if (!isTreePath(filePath)) {
      for (const e of treePathErrors(filePath)) errors.push(`[${where}] ${json.kind} '${json.metadata.name}' would be written to ${show(filePath)}, which is not a path inside the tree: ${e}`);
      return;
    }
    const existing = byPath.get(filePath);
    if (existing) {
      errors.push(`[${where}] ${json.kind} '${json.metadata?.name}' would be written to ${filePath}, which '${existing}' already writes (same kind, namespace and name)`);
      return;
    }
    // Workload objects are dropped once queued: keeping 50k of them alive makes the GC's work grow with the fleet.
    const kept = placement.role === 'workload' ? summaryOf(json) : json;
    const entry: Pending = { path: filePath, constructPath: where, placement, json: kept };
    byPath.set(filePath, where);
    pending.push(entry);
    pipeline.submit(json, placement.role);
  };

  // cdk8s sorts keys unless CDK8S_DISABLE_SORT is set; the tree must not depend on the environment.
  const disableSort = process.env.CDK8S_DISABLE_SORT;
  delete process.env.CDK8S_DISABLE_SORT;
  try {
    withFastApiObjectJson(() => visit(root, root.node.path, undefined, undefined));
  } finally {
    if (disableSort !== undefined) process.env.CDK8S_DISABLE_SORT = disableSort;
  }
  // Helm values files (under values/, where nothing else writes): their values are the program's own objects,
  // whose toJSON or getters may run as they are serialized.
  const clean = new Map<string, string>();
  const valuesFiles = renderValuesFiles(helmApps, options, byPath, errors, clean);
  afterProgram?.(); // (what follows works on plain data: the tree check's last look at the disk may begin)

  // 3. Results of the pipeline, in submission order.
  const results = pipeline.finish();
  for (const r of results) if (r.verdictKey !== undefined) clean.set(r.verdictKey, r.hash);
  const workloadResults = new Map([...distinct.keys()].map((k, i) => [k, results[i]]));
  const processed = results.slice(distinct.size);
  const workloadFiles = renderWorkloadFiles(workloads, workloadResults, byPath, errors, directories);
  const others = workloadFiles.others;
  pushAll(others, valuesFiles);
  const rawFiles = renderRawFiles(all, byPath, errors);
  for (const f of rawFiles) if (f.placement.directory.startsWith('clusters/')) directories.claim(f.placement.directory, f.constructPath);
  pushAll(others, rawFiles);
  pending.forEach((p, i) => {
    const r = processed[i];
    for (const problem of r.problems) errors.push(`[${p.constructPath}] ${p.json.kind} '${p.json.metadata?.name}' (${p.path}): ${problem}`);
    others.push(fileOf(p.path, r, p.json, r.images, p.constructPath, p.placement));
  });
  // The workload files (most of a big tree) come in path order: the few others are sorted and merged in.
  const files = mergeByPath(others.sort((a, b) => compareCodeUnits(a.path, b.path)), sortedByPath(workloadFiles.inPathOrder));
  pushAll(errors, caseCollisions(files, byPath));
  return { files, errors, constructs: all, clean };
}

/**
 * The file of a processed object. A deferred result's content is read through it, so that a file nothing
 * reads the content of (a re-synth's unchanged file) never serializes its object.
 */
function fileOf(
  path: string, p: ProcessedObject, object: any, images: string[] | undefined, constructPath: string, placement: Placement,
): RenderedFile {
  return p.deferred
    ? new DeferredFile(path, p, p.hash, p.verdictKey, object, images, constructPath, placement)
    : { path, content: p.content, hash: p.hash, objectKey: p.verdictKey, object, images, constructPath, placement };
}

/**
 * A file whose content is a deferred result's, read on demand (a prototype getter: 60,000 files share it). A
 * copy made by spreading it has no `content`: copies name it (`{ ...file, content: file.content }`).
 */
class DeferredFile implements RenderedFile {
  public constructor(
    public readonly path: string,
    private readonly processed: ProcessedObject,
    public readonly hash: string,
    public readonly objectKey: string | undefined,
    public readonly object: any,
    public readonly images: string[] | undefined,
    public readonly constructPath: string,
    public readonly placement: Placement,
  ) {}

  public get content(): string {
    return this.processed.content;
  }
}

/** The Helm values files of Helm applications: plain YAML data, scanned for secrets, not schema-validated. */
function renderValuesFiles(
  helmApps: HelmApplication[], options: RenderOptions, byPath: PathOwners, errors: string[], clean: Map<string, string>,
): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const h of helmApps) {
    const { files: values, errors: problems } = h._valuesFiles();
    pushAll(errors, problems);
    for (const v of values) {
      if (!isTreePath(v.path)) {
        for (const e of treePathErrors(v.path)) errors.push(`[${h.node.path}] 'valuesByLabel' writes the values file ${show(v.path)}, which is not a path inside the tree: ${e}`);
        continue;
      }
      const p = processObject(v.values, 'workload', { ...options, validateSchemas: false, file: v.path });
      for (const problem of p.problems) errors.push(`[${h.node.path}] values file ${v.path}: ${problem}`);
      if (p.verdictKey !== undefined) clean.set(p.verdictKey, p.hash);
      const existing = byPath.get(v.path);
      if (existing) {
        errors.push(`[${h.node.path}] ${v.path} is also written by '${existing}'`);
        continue;
      }
      const placement: Placement = { directory: v.path.slice(0, v.path.lastIndexOf('/')), role: 'workload' };
      byPath.set(v.path, h.node.path);
      files.push({ path: v.path, content: p.content, hash: p.hash, object: undefined, constructPath: h.node.path, placement });
    }
  }
  return files;
}

/**
 * The files of workloads: each distinct object (a variant's object, shared by many clusters) is validated,
 * scanned and serialized once, and checked once (its name, its file name); every cluster's file reuses the
 * bytes, and each cluster's directory is checked once. Rendered files are returned in path order (by cluster,
 * then application, then file name: `clusters/<cluster>/<app>/<file>`), without sorting 60,000 paths; files of
 * the Kustomize layout apart, as they come.
 */
function renderWorkloadFiles(
  workloads: Workload[], results: Map<string, ProcessedObject>, byPath: PathOwners, errors: string[], directories: ApplicationDirectories,
): { inPathOrder: RenderedFile[]; others: RenderedFile[] } {
  const files: RenderedFile[] = [];
  // Each directory's files, by cluster name and by the rank of its workload's application name.
  const rank = new Map([...workloads].sort((a, b) => compareCodeUnits(`${a.applicationName}/`, `${b.applicationName}/`)).map((w, i) => [w, i]));
  const byCluster = new Map<string, RenderedFile[][][]>();
  const kustomizeLayout: RenderedFile[] = [];
  /** By key: the summary of an object whose name can become a file name, or null when it cannot. */
  const summaries = new Map<string, any>();
  for (const w of workloads) {
    const { requests, variants, errors: renderErrors } = w._fileRequests();
    pushAll(errors, renderErrors.map(e => (e.startsWith('[') ? e : `[${w.node.path}] ${e}`)));
    const constructPath = w.node.path;
    /** The object's summary, its problems reported with `path` (the first file it is written to) the first time. */
    const summaryFor = (key: string, object: any, path: string): any => {
      let summary = summaries.get(key);
      if (summary === undefined) {
        const problems = isKustomization(object) ? [] : objectNameProblems(object, w.namespace);
        for (const problem of [...problems, ...results.get(key)!.problems]) errors.push(`[${constructPath}] ${object.kind} '${object.metadata?.name ?? ''}' (${path}): ${problem}`);
        summaries.set(key, summary = problems.length > 0 ? null : summaryOf(object));
      }
      return summary;
    };
    const add = (path: string, summary: any, placement: Placement, p: ProcessedObject, images: string[] | undefined): RenderedFile | undefined => {
      const existing = byPath.get(path);
      if (existing) {
        errors.push(`[${constructPath}] ${path} is also written by '${existing}'`);
        return undefined;
      }
      byPath.set(path, constructPath);
      return fileOf(path, p, summary, images, constructPath, placement);
    };
    const pathProblems = (path: string, object: any) => {
      for (const e of treePathErrors(path)) errors.push(`[${constructPath}] ${object.kind} '${object.metadata?.name ?? ''}' would be written to ${show(path)}, which is not a path inside the tree: ${e}`);
    };
    for (const v of variants) {
      // A path is a tree path when its directory and its file name are, and it is not too long (TREE_PATH).
      const namesOk = v.names.map(n => isTreePath(n));
      // Where each object's file goes in its directory's name order.
      const slots: number[] = [];
      [...v.names.keys()].sort((a, b) => compareCodeUnits(v.names[a], v.names[b])).forEach((i, slot) => slots[i] = slot);
      const processed = v.keys.map(k => results.get(k)!);
      /** Each object's summary (null: its name cannot be a file name), found for its first file. */
      const objectSummaries: any[] = new Array(v.objects.length);
      // The variant's file names, when they are distinct: a directory nothing else writes to then takes them all
      // at once (`PathOwners.addDirectory`) instead of file by file.
      const distinct = new Set(v.names);
      const names = distinct.size === v.names.length ? distinct : undefined;
      v.directories.forEach((directory, d) => {
        directories.claim(directory, constructPath);
        const directoryOk = isTreePath(directory);
        const placement: Placement = { directory, role: 'workload', defaultNamespace: w.namespace };
        const oneByOne = names === undefined || byPath.writesTo(directory);
        const inDirectory: RenderedFile[] = new Array(v.objects.length);
        let added = 0;
        for (let i = 0; i < v.objects.length; i++) {
          const path = `${directory}/${v.names[i]}`;
          const summary = objectSummaries[i] ??= summaryFor(v.keys[i], v.objects[i], path);
          if (summary === null) continue;
          if (!(directoryOk && namesOk[i] && path.length <= MAX_TREE_PATH) && !isTreePath(path)) {
            pathProblems(path, v.objects[i]);
            continue;
          }
          const p = processed[i];
          const file = oneByOne ? add(path, summary, placement, p, p.images) : fileOf(path, p, summary, p.images, constructPath, placement);
          if (file) {
            inDirectory[slots[i]] = file;
            added++;
          }
        }
        if (!oneByOne) {
          const written = added === v.names.length ? names! : new Set(v.names.filter((_, i) => inDirectory[slots[i]] !== undefined));
          byPath.addDirectory(directory, constructPath, written);
        }
        let ofCluster = byCluster.get(v.clusters[d]);
        if (ofCluster === undefined) byCluster.set(v.clusters[d], ofCluster = []);
        (ofCluster[rank.get(w)!] ??= []).push(inDirectory);
      });
    }
    let placement: Placement | undefined;
    for (const r of requests) {
      const summary = summaryFor(r.key, r.object, r.path);
      if (summary === null) continue;
      if (r.checkOnly) continue; // checked as Kustomize will build it, not written
      if (!isTreePath(r.path)) {
        pathProblems(r.path, r.object);
        continue;
      }
      const directory = r.path.slice(0, r.path.lastIndexOf('/'));
      if (placement?.directory !== directory) placement = { directory, role: 'workload', defaultNamespace: w.namespace };
      const p = results.get(r.key)!;
      const file = add(r.path, summary, placement, p, r.images ?? p.images);
      if (file) kustomizeLayout.push(file);
    }
  }
  for (const cluster of [...byCluster.keys()].sort((a, b) => compareCodeUnits(`${a}/`, `${b}/`))) {
    for (const ofWorkload of byCluster.get(cluster)!) {
      // (A workload that renders nothing for this cluster leaves a hole; a directory may lack a file that failed.)
      for (const inDirectory of ofWorkload ?? []) for (const f of inDirectory) if (f !== undefined) files.push(f);
    }
  }
  return { inPathOrder: files, others: kustomizeLayout };
}

/** `files` (in path order, as the workload files are made), or a sorted copy when they are not. */
function sortedByPath(files: RenderedFile[]): RenderedFile[] {
  for (let i = 1; i < files.length; i++) {
    if (!(files[i - 1].path < files[i].path)) return [...files].sort((a, b) => compareCodeUnits(a.path, b.path));
  }
  return files;
}

/**
 * Two lists sorted by path, merged: each of the few `small` files is placed by a binary search in the long run of
 * `large` ones (paths are distinct: `PathOwners` saw to it).
 */
function mergeByPath(small: readonly RenderedFile[], large: readonly RenderedFile[]): RenderedFile[] {
  const out: RenderedFile[] = [];
  let j = 0;
  for (const file of small) {
    let low = j;
    let high = large.length;
    while (low < high) {
      // eslint-disable-next-line no-bitwise
      const middle = (low + high) >>> 1;
      if (large[middle].path < file.path) low = middle + 1;
      else high = middle;
    }
    while (j < low) out.push(large[j++]);
    out.push(file);
  }
  while (j < large.length) out.push(large[j++]);
  return out;
}

/**
 * Which construct writes each path of the tree. Files are recorded one by one, except a Workload variant's files
 * in a directory nothing else writes to, which are recorded as the directory and the variant's file names (a
 * workload fleet's 60,000 files are then 10,000 records, and most of them need no lookup at all).
 */
class PathOwners {
  private readonly files = new Map<string, string>();
  private readonly directories = new Map<string, { readonly owner: string; readonly names: ReadonlySet<string> }>();
  /** The directories of `files`, once asked for (`writesTo`). */
  private fileDirectories?: Set<string>;

  /** The construct that writes `path`, if any. */
  public get(path: string): string | undefined {
    const owner = this.files.get(path);
    if (owner !== undefined || this.directories.size === 0) return owner;
    const slash = path.lastIndexOf('/');
    const directory = slash < 0 ? undefined : this.directories.get(path.slice(0, slash));
    return directory?.names.has(path.slice(slash + 1)) ? directory.owner : undefined;
  }

  /** Records that `owner` writes `path` (which nothing writes yet: see `get`). */
  public set(path: string, owner: string): void {
    this.files.set(path, owner);
    this.fileDirectories?.add(directoryOf(path));
  }

  /** Whether anything writes a file in `directory` (files directly in it). */
  public writesTo(directory: string): boolean {
    if (this.fileDirectories === undefined) this.fileDirectories = new Set([...this.files.keys()].map(directoryOf));
    return this.fileDirectories.has(directory) || this.directories.has(directory);
  }

  /** Records that `owner` writes the files `names` in `directory`, which nothing else writes to (`writesTo`). */
  public addDirectory(directory: string, owner: string, names: ReadonlySet<string>): void {
    this.directories.set(directory, { owner, names });
  }

  /**
   * True when no two recorded paths differ only in letter case, found without folding every path: the
   * directories of the directory records fold to distinct names, unlike any folded file's directory, and each
   * set of names (a variant's, shared by its directories) folds to distinct names. False when that cannot be
   * told this way (then `caseCollisions` looks at every file).
   */
  public distinctInAnyCase(): boolean {
    if (this.directories.size === 0) return false;
    const directories = new Set<string>();
    for (const d of this.directories.keys()) {
      const folded = d.toLowerCase();
      if (directories.has(folded)) return false;
      directories.add(folded);
    }
    const nameSets = new Set<ReadonlySet<string>>();
    for (const { names } of this.directories.values()) {
      if (nameSets.has(names)) continue;
      nameSets.add(names);
      if (new Set([...names].map(n => n.toLowerCase())).size !== names.size) return false;
    }
    const files = new Set<string>();
    for (const path of this.files.keys()) {
      const folded = path.toLowerCase();
      if (files.has(folded) || directories.has(directoryOf(folded))) return false;
      files.add(folded);
    }
    return true;
  }
}

function directoryOf(path: string): string {
  return path.slice(0, Math.max(path.lastIndexOf('/'), 0));
}

/**
 * The directories of per-cluster applications (`clusters/<cluster>/<app>`), each deployed whole by the Application
 * of the construct that writes it (a Workload, a SopsSecret, a ClusterManifests that an Application deploys). Two
 * such constructs writing one directory would each deploy the other's objects too (Argo CD then reports them as
 * shared between the two Applications, and each prunes what the other adds): an error, reported once per
 * directory and construct. (A ClusterManifests that no Application deploys may add objects to a Workload's
 * directory: the Workload's Application deploys them.)
 */
class ApplicationDirectories {
  private readonly owners = new Map<string, string>();
  private readonly reported = new Set<string>();
  public constructor(private readonly errors: string[]) {}

  public claim(directory: string, constructPath: string): void {
    const owner = this.owners.get(directory);
    if (owner === undefined) {
      this.owners.set(directory, constructPath);
    } else if (owner !== constructPath && !this.reported.has(`${directory}\n${constructPath}`)) {
      this.reported.add(`${directory}\n${constructPath}`);
      this.errors.push(`[${constructPath}] writes the application directory ${directory}, which '${owner}' writes too: the Application of each would also deploy `
        + 'the other\'s objects; give one of them another application name');
    }
  }
}

/**
 * Why an object's kind, name and namespace cannot become its file name: each checked as the API server checks
 * it (`objectNameErrors`: the kind's own rule), with the prop and the value.
 */
function objectNameProblems(json: any, defaultNamespace?: string): string[] {
  const kind = json?.kind;
  const name = json?.metadata?.name;
  const namespace = json?.metadata?.namespace;
  const problems: string[] = [];
  for (const e of kindErrors(kind)) problems.push(`'kind' (${show(kind)}) ${e}`);
  for (const e of objectNameErrors(json?.apiVersion, kind, name)) problems.push(`'metadata.name' (${show(name)}) is not a valid ${kind} name: ${e}`);
  if (namespace !== undefined && namespace !== defaultNamespace) {
    for (const e of dns1123LabelErrors(namespace)) problems.push(`'metadata.namespace' (${show(namespace)}) is not a valid namespace name: ${e}`);
  }
  return problems;
}

function fileNameOf(json: any, placement: Placement): string {
  const namespace = json.metadata?.namespace;
  // Argo CD's own folders name objects by kind and name only.
  const ownNamespace = placement.role === 'workload' ? placement.defaultNamespace : namespace;
  return objectFileName(json.kind, namespace, json.metadata.name, ownNamespace);
}

function isKustomization(o: any): boolean {
  return o?.kind === 'Kustomization' && o?.apiVersion === 'kustomize.config.k8s.io/v1beta1';
}

/**
 * Files whose paths differ only in letter case (RBAC names may hold capitals): on a case-insensitive file
 * system (macOS, Windows) a checkout holds one of them.
 */
function caseCollisions(files: readonly RenderedFile[], owners: PathOwners): string[] {
  const errors: string[] = [];
  if (owners.distinctInAnyCase()) return errors;
  const byFolded = new Map<string, RenderedFile>();
  for (const f of files) {
    const folded = f.path.toLowerCase();
    const other = byFolded.get(folded);
    if (other) {
      const what = f.object ? `${f.object.kind} '${f.object.metadata?.name}'` : 'a file';
      errors.push(`[${f.constructPath}] ${what} would be written to ${f.path}, which differs only in letter case from ${other.path} (written by '${other.constructPath}'): `
        + 'the two collide on case-insensitive file systems (macOS, Windows)');
    } else {
      byFolded.set(folded, f);
    }
  }
  return errors;
}

function summaryOf(json: any): any {
  if (keptWholeForSecretProof(json)) return json; // the secret proof reads stores, references and targets
  if (isDeliveredKind(json)) return json; // the plan describes its delivery (kept whole, not parsed back from YAML)
  if (customResourceKind(json) !== undefined) return json; // its scope is the scope of its kind's objects (KindScopes)
  return { apiVersion: json.apiVersion, kind: json.kind, metadata: { name: json.metadata?.name, namespace: json.metadata?.namespace } };
}

/** Whether `c` is `owner`'s L1, i.e. `owner/<chartId>/<c>`. */
function isInside(c: IConstruct, owner: IConstruct, chartId: string): boolean {
  const chart = c.node.scope;
  return chart !== undefined && chart.node.id === chartId && chart.node.scope === owner;
}
