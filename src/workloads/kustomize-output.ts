import { imagesOf } from '../private/images';
import { jsYamlModule } from '../private/lazy';
import { compareCodeUnits, hasOwn, jsonPointerToken } from '../private/util';

/** One file a workload contributes to the tree; files with the same `key` hold the same object. */
export interface WorkloadFileRequest {
  readonly path: string;
  readonly object: any;
  readonly key: string;
  /** The images the file's directory deploys, when the object itself does not say (an overlay). */
  readonly images?: string[];
  /**
   * Validate and scan the object, but write no file: an object as `kustomize build` renders it from the base
   * and an overlay's patches, which must pass the same checks as a rendered object.
   */
  readonly checkOnly?: boolean;
}

/**
 * One variant's rendered objects, written into the directory of each cluster that shares the variant: the
 * same files in every directory (60,000 files of a large fleet are a few thousand objects in ten thousand
 * directories, so the render handles them per variant and per directory, not per file).
 */
export interface WorkloadVariantFiles {
  /** The clusters' names. */
  readonly clusters: readonly string[];
  /** Their directories, one per cluster (`clusters/<cluster>/<app>`). */
  readonly directories: readonly string[];
  /** Each object's file name in them. */
  readonly names: readonly string[];
  readonly objects: readonly any[];
  /** Each object's key: the same object under the same key in every directory. */
  readonly keys: readonly string[];
}

/** What a Workload writes: variants of rendered objects, or single files (Kustomize layout), and its problems. */
export interface WorkloadFiles {
  readonly requests: WorkloadFileRequest[];
  readonly variants: WorkloadVariantFiles[];
  readonly errors: string[];
}

const KUSTOMIZATION = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' };

/**
 * The Kustomize layout of a workload: `apps/<app>/base/` holds `base` (one object per file and a
 * kustomization.yaml), and `apps/<app>/overlays/<cluster>/kustomization.yaml` turns it into each cluster's
 * rendered objects with the smallest JSON6902 patches (objects the base lacks are added as files of the
 * overlay; base objects a cluster does not have are deleted with a strategic-merge `$patch: delete`).
 *
 * Each object an overlay patches is also requested `checkOnly`, as `kustomize build` makes it (once per
 * variant): it is validated against the schemas and scanned for secrets like rendered output, because a patch
 * may put anything into it.
 */
export function kustomizeFiles(
  app: string, base: any[], perCluster: ReadonlyMap<string, any[]>, fileName: (o: any) => string, owner: string,
): WorkloadFileRequest[] {
  const out: WorkloadFileRequest[] = [];
  const baseDir = `apps/${app}/base`;
  const baseByKey = new Map(base.map(o => [identity(o), o]));
  base.forEach((o, i) => out.push({ path: `${baseDir}/${fileName(o)}`, object: o, key: `${owner}#kustomize-base/${i}` }));
  out.push({ path: `${baseDir}/kustomization.yaml`, object: { ...KUSTOMIZATION, resources: base.map(fileName) }, key: `${owner}#kustomize-base/kustomization` });
  const checked = new Set<any[]>();
  for (const [cluster, objects] of [...perCluster.entries()].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const dir = `apps/${app}/overlays/${cluster}`;
    // One variant's objects serve every cluster of the variant: check its patched objects once, for the first.
    const firstOfVariant = !checked.has(objects);
    checked.add(objects);
    const resources = ['../../base'];
    const patches: any[] = [];
    const present = new Set<string>();
    for (const o of objects) {
      const id = identity(o);
      present.add(id);
      const b = baseByKey.get(id);
      if (!b) {
        resources.push(fileName(o));
        out.push({ path: `${dir}/${fileName(o)}`, object: o, key: `${owner}#kustomize-extra/${JSON.stringify(o)}` });
        continue;
      }
      const ops = json6902(b, o);
      if (ops.length) patches.push({ target: target(o), patch: jsYamlModule().dump(ops, { lineWidth: -1, noRefs: true }) });
      if (ops.length && firstOfVariant) {
        out.push({ path: `${dir} (as kustomize builds ${fileName(o)})`, object: o, key: `${owner}#kustomize-variant/${checked.size}/${id}`, checkOnly: true });
      }
    }
    for (const b of base) {
      if (present.has(identity(b))) continue;
      const meta: any = { name: b.metadata?.name };
      if (b.metadata?.namespace !== undefined) meta.namespace = b.metadata.namespace;
      patches.push({ patch: jsYamlModule().dump({ $patch: 'delete', apiVersion: b.apiVersion, kind: b.kind, metadata: meta }, { lineWidth: -1 }) });
    }
    const kustomization: any = { ...KUSTOMIZATION, resources };
    if (patches.length) kustomization.patches = patches;
    const images = [...new Set(objects.flatMap(o => imagesOf(o)))].sort();
    out.push({ path: `${dir}/kustomization.yaml`, object: kustomization, key: `${owner}#kustomize-overlay/${JSON.stringify(kustomization)}`, images });
  }
  return out;
}

/** The smallest JSON6902 operations that turn `from` into `to` (arrays of different lengths are replaced whole). */
export function json6902(from: any, to: any, path = ''): any[] {
  if (isObject(from) && isObject(to)) {
    const ops: any[] = [];
    // Own keys only: a ConfigMap key `constructor` is in `to` only when `to` has it.
    for (const k of Object.keys(from)) if (!hasOwn(to, k)) ops.push({ op: 'remove', path: `${path}/${jsonPointerToken(k)}` });
    for (const k of Object.keys(to)) {
      if (!hasOwn(from, k)) ops.push({ op: 'add', path: `${path}/${jsonPointerToken(k)}`, value: to[k] });
      else ops.push(...json6902(from[k], to[k], `${path}/${jsonPointerToken(k)}`));
    }
    return ops;
  }
  if (Array.isArray(from) && Array.isArray(to) && from.length === to.length) {
    return from.flatMap((e, i) => json6902(e, to[i], `${path}/${i}`));
  }
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ op: 'replace', path, value: to }];
}

function target(o: any): any {
  const [group, version] = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/') : ['', String(o.apiVersion)];
  const t: any = {};
  if (group) t.group = group;
  t.version = version;
  t.kind = o.kind;
  t.name = o.metadata?.name;
  if (o.metadata?.namespace !== undefined) t.namespace = o.metadata.namespace;
  return t;
}

function identity(o: any): string {
  return `${String(o.apiVersion).split('/').slice(0, -1).join('/')}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name}`;
}

function isObject(v: any): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
