import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { createPipeline } from './object-pipeline';
import { processObject, ProcessedObject, ProcessOptions } from './process-object';
import { ClusterManifests } from '../fleet/cluster-manifests';
import { isClusterScoped } from '../private/kinds';
import { ownPlacement, Placement } from '../private/placement';
import { HelmApplication } from '../workloads/helm-application';
import { Workload } from '../workloads/workload';

/** One file of the GitOps tree. */
export interface RenderedFile {
  /** Path relative to the tree root, '/'-separated. */
  readonly path: string;
  /** The file's bytes (YAML). */
  readonly content: string;
  /** The object in it (kept for Argo CD objects only; workload objects are summarized by `images`). */
  readonly object: any;
  /** Container images a workload object runs. */
  readonly images?: string[];
  /** sha256 of `content`. */
  readonly hash: string;
  /** The construct that produced it. */
  readonly constructPath: string;
  /** Where it was placed. */
  readonly placement: Placement;
}

/** Options for `renderTree`. */
export interface RenderOptions extends ProcessOptions {
  /** From this many objects on, validation and serialization run on a worker thread. */
  readonly workerThreshold?: number;
}

/** The result of rendering: every file, or every problem. */
export interface RenderResult {
  readonly files: RenderedFile[];
  readonly errors: string[];
  /** Every construct of the tree as rendered (`root.node.findAll()`), for callers that look for some. */
  readonly constructs: IConstruct[];
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
 * stopping at the first one.
 */
export function renderTree(root: IConstruct, options: RenderOptions): RenderResult {
  const errors: string[] = [];
  const pending: Pending[] = [];
  /** Path → the construct that writes it. */
  const byPath = new Map<string, string>();

  // 0. Library defaults that depend on the whole tree (sync waves of Namespaces and CRDs).
  // Helm applications create their per-environment ApplicationSets from the final registry.
  let all = root.node.findAll();
  const helmApps = all.filter(HelmApplication.isHelmApplication);
  for (const h of helmApps) h._prepare();
  if (helmApps.length > 0) all = root.node.findAll(); // with the ApplicationSets they added
  for (const c of all) if (ClusterManifests.isClusterManifests(c)) c._applyDefaultWaves();
  // Workloads render their variants first: that also completes their projects' allow lists.
  const workloads = all.filter(Workload.isWorkload);
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
  for (const w of workloads) for (const r of w._fileRequests().requests) if (!distinct.has(r.key)) distinct.set(r.key, r.object);
  const pipeline = createPipeline(options, objectCount + distinct.size, options.workerThreshold);
  for (const object of distinct.values()) pipeline.submit(object, 'workload');

  // 2. Every ApiObject, with the placement of its nearest placed ancestor.
  // `owner` is the construct that placed the object (an Application, a Cluster …): errors name its path.
  const visit = (c: IConstruct, placement: Placement | undefined, owner: IConstruct | undefined) => {
    const own = ownPlacement(c);
    const current = own ?? placement;
    const currentOwner = own && !ClusterManifests.isClusterManifests(c) ? c : owner;
    if (ApiObject.isApiObject(c)) {
      // An Argo CD construct's own L1 (`<owner>/Chart/Resource`) is reported by the construct's path.
      renderObject(c, current, currentOwner && isInside(c, currentOwner, 'Chart') ? currentOwner : c);
    }
    for (const child of c.node.children) visit(child, current, currentOwner);
  };

  const renderObject = (obj: ApiObject, placement: Placement | undefined, reportAs: IConstruct) => {
    const where = reportAs.node.path;
    if (!placement) {
      errors.push(`[${where}] ${obj.kind} '${obj.name}' is not inside a Fleet or a ClusterManifests, so it has no place in the GitOps tree. Create it in cluster.addManifests(...)`);
      return;
    }
    let json: any;
    try {
      json = obj.toJson();
    } catch (e) {
      errors.push(`[${where}] ${(e as Error).message}`);
      return;
    }
    if (isClusterScoped(json.apiVersion, json.kind) && json.metadata?.namespace !== undefined) {
      // cdk8s gives every object its chart's namespace; a cluster-scoped object must not carry one.
      delete json.metadata.namespace;
    }
    const fileName = fileNameOf(json, placement);
    if (fileName.error) {
      errors.push(`[${where}] ${fileName.error}`);
      return;
    }
    const filePath = `${placement.directory}/${fileName.name}`;
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
    visit(root, undefined, undefined);
  } finally {
    if (disableSort !== undefined) process.env.CDK8S_DISABLE_SORT = disableSort;
  }

  // 3. Results of the pipeline, in submission order.
  const results = pipeline.finish();
  const workloadResults = new Map([...distinct.keys()].map((k, i) => [k, results[i]]));
  const processed = results.slice(distinct.size);
  const workloadFiles = renderWorkloadFiles(workloads, workloadResults, byPath, errors);
  workloadFiles.push(...renderValuesFiles(helmApps, options, byPath, errors));
  const files: RenderedFile[] = pending.map((p, i) => {
    const r = processed[i];
    for (const problem of r.problems) errors.push(`[${p.constructPath}] ${p.json.kind} '${p.json.metadata?.name}' (${p.path}): ${problem}`);
    return {
      path: p.path,
      content: r.content,
      hash: r.hash,
      object: p.json,
      images: r.images,
      constructPath: p.constructPath,
      placement: p.placement,
    };
  });
  files.push(...workloadFiles);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, errors, constructs: all };
}

/** The Helm values files of Helm applications: plain YAML data, scanned for secrets, not schema-validated. */
function renderValuesFiles(helmApps: HelmApplication[], options: RenderOptions, byPath: Map<string, string>, errors: string[]): RenderedFile[] {
  const files: RenderedFile[] = [];
  for (const h of helmApps) {
    const { files: values, errors: problems } = h._valuesFiles();
    errors.push(...problems);
    for (const v of values) {
      const p = processObject(v.values, 'workload', { ...options, validateSchemas: false, file: v.path });
      for (const problem of p.problems) errors.push(`[${h.node.path}] values file ${v.path}: ${problem}`);
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
 * The files of workloads: each distinct object (a variant's object shared by many clusters) is validated,
 * scanned and serialized once; every cluster's file reuses the bytes.
 */
function renderWorkloadFiles(
  workloads: Workload[], results: Map<string, ProcessedObject>, byPath: Map<string, string>, errors: string[],
): RenderedFile[] {
  const files: RenderedFile[] = [];
  // 60k files share a few thousand objects and one directory per cluster: share their summaries and placements.
  const summaries = new Map<string, any>();
  for (const w of workloads) {
    const { requests, errors: renderErrors } = w._fileRequests();
    errors.push(...renderErrors.map(e => (e.startsWith('[') ? e : `[${w.node.path}] ${e}`)));
    const constructPath = w.node.path;
    let placement: Placement | undefined;
    for (const r of requests) {
      const p = results.get(r.key)!;
      let summary = summaries.get(r.key);
      if (summary === undefined) {
        summary = summaryOf(r.object);
        summaries.set(r.key, summary);
        for (const problem of p.problems) errors.push(`[${constructPath}] ${r.object.kind} '${r.object.metadata?.name ?? ''}' (${r.path}): ${problem}`);
      }
      if (r.checkOnly) continue; // checked as Kustomize will build it, not written
      const existing = byPath.get(r.path);
      if (existing) {
        errors.push(`[${constructPath}] ${r.path} is also written by '${existing}'`);
        continue;
      }
      const directory = r.path.slice(0, r.path.lastIndexOf('/'));
      if (placement?.directory !== directory) placement = { directory, role: 'workload', defaultNamespace: w.namespace };
      byPath.set(r.path, constructPath);
      files.push({ path: r.path, content: p.content, hash: p.hash, object: summary, images: r.images ?? p.images, constructPath, placement });
    }
  }
  return files;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function fileNameOf(json: any, placement: Placement): { name: string; error?: string } {
  const kind = json.kind;
  const name = json.metadata?.name;
  const namespace = json.metadata?.namespace;
  if (typeof name !== 'string' || !SAFE_SEGMENT.test(name)) {
    return { name: '', error: `${kind} has an invalid 'metadata.name' (${JSON.stringify(name)}): it must be a DNS-1123 name` };
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || !SAFE_SEGMENT.test(namespace))) {
    return { name: '', error: `${kind} '${name}' has an invalid 'metadata.namespace' (${JSON.stringify(namespace)})` };
  }
  const qualified = placement.role === 'workload' && namespace !== undefined && namespace !== placement.defaultNamespace;
  return { name: qualified ? `${kind}.${namespace}.${name}.yaml` : `${kind}.${name}.yaml` };
}

function summaryOf(json: any): any {
  return { apiVersion: json.apiVersion, kind: json.kind, metadata: { name: json.metadata?.name, namespace: json.metadata?.namespace } };
}

/** Whether `c` is `owner`'s L1, i.e. `owner/<chartId>/<c>`. */
function isInside(c: IConstruct, owner: IConstruct, chartId: string): boolean {
  const chart = c.node.scope;
  return chart !== undefined && chart.node.id === chartId && chart.node.scope === owner;
}
