/**
 * Builds a Kustomize overlay in process, as `kubectl kustomize` does, for the part of Kustomize that trees
 * use: `resources` (files, and directories with their own kustomization), and `patches` given inline or by
 * `path` — JSON6902 operation lists applied to each resource their `target` selects, and strategic-merge
 * `$patch: delete` patches. That is exactly what a Workload in Kustomize mode writes
 * (`src/workloads/kustomize-output.ts`). Any other feature (generators, `namePrefix`, `images`, components,
 * remote resources, other strategic-merge patches…) is refused with a `KustomizeError` naming it, so the diff
 * never shows a half-built overlay as if it were the real one.
 *
 * Target selection follows kustomize's `SelectorRegex` (api/types/selector.go): each of group, version, kind,
 * name and namespace, when given, is a regular expression anchored at both ends (`^(?:…)$`).
 */
import { pushAll, setOwn } from '../private/util';
import { parseYamlDocument } from '../private/yaml-input';

/** A file system view of the tree (tree-relative, '/'-separated paths). */
export interface KustomizeHost {
  /** `file`, `dir` or undefined when nothing is there. */
  readonly typeOf: (path: string) => 'file' | 'dir' | undefined;
  /** The parsed YAML documents of a file (throws on unreadable or invalid YAML). */
  readonly documents: (path: string) => unknown[];
}

/** An object an overlay produces, with the file it came from. */
export interface BuiltObject {
  readonly object: any;
  readonly file: string;
}

/** An overlay that cannot be built in process (the message names the file and the feature). */
export class KustomizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KustomizeError';
  }
}

/** The names Kustomize looks for in a directory, in its order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'resources', 'bases', 'patches']);

/** The kustomization file of a directory, or undefined when it has none. */
export function kustomizationFile(dir: string, host: KustomizeHost): string | undefined {
  return KUSTOMIZATION_FILES.map(f => join(dir, f)).find(f => host.typeOf(f) === 'file');
}

/** Every file the build of `dir` reads (kustomization files, resources, patch files), sorted. */
export function kustomizationInputs(dir: string, host: KustomizeHost): string[] {
  const out = new Set<string>();
  const visit = (d: string, seen: Set<string>) => {
    const file = kustomizationFile(d, host);
    if (!file || seen.has(d)) return;
    seen.add(d);
    out.add(file);
    const k = readKustomization(file, host, false);
    for (const r of k.resources) {
      const p = resolve(d, r, file);
      if (host.typeOf(p) === 'dir') visit(p, seen);
      else out.add(p);
    }
    for (const p of k.patches) if (typeof p?.path === 'string') out.add(resolve(d, p.path, file));
  };
  visit(dir, new Set());
  return [...out].sort();
}

/** The objects `kubectl kustomize <dir>` prints (in no particular order). */
export function buildKustomization(dir: string, host: KustomizeHost, stack: string[] = []): BuiltObject[] {
  const file = kustomizationFile(dir, host);
  if (!file) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  if (stack.includes(dir)) throw new KustomizeError(`${file}: resources form a cycle (${[...stack, dir].join(' → ')})`);
  const k = readKustomization(file, host, true);
  let objects: BuiltObject[] = [];
  for (const r of k.resources) {
    const p = resolve(dir, r, file);
    const type = host.typeOf(p);
    if (type === 'dir') pushAll(objects, buildKustomization(p, host, [...stack, dir]));
    else if (type === 'file') pushAll(objects, host.documents(p).filter(d => d !== null).map(object => ({ object, file: p })));
    else throw new KustomizeError(`${file}: resource '${r}' does not exist`);
  }
  const ids = new Set<string>();
  for (const o of objects) {
    const id = identity(o.object);
    if (ids.has(id)) throw new KustomizeError(`${file}: may not add resource with an already registered id: ${id}`);
    ids.add(id);
  }
  for (const [i, p] of k.patches.entries()) {
    const where = `${file}: patches[${i}]`;
    for (const f of Object.keys(p)) if (!['patch', 'path', 'target'].includes(f)) throw new KustomizeError(`${where} uses '${f}', which cdk8s-fleet diff does not build`);
    const body = typeof p.patch === 'string' ? parseYamlDocument(p.patch, where)
      : typeof p.path === 'string' ? patchFile(resolve(dir, p.path, file), host) : undefined;
    if (body === undefined) throw new KustomizeError(`${where} has neither 'patch' nor 'path'`);
    if (Array.isArray(body)) {
      if (!p.target) throw new KustomizeError(`${where}: a JSON6902 patch needs a target`);
      const select = selector(p.target, where);
      objects = objects.map(o => (select(o.object) ? { ...o, object: applyJson6902(o.object, body, where) } : o));
    } else if (isObject(body) && body.$patch === 'delete' && Object.keys(body).every(x => ['$patch', 'apiVersion', 'kind', 'metadata'].includes(x))) {
      const select = p.target ? selector(p.target, where) : (o: any) => sameId(o, body);
      const kept = objects.filter(o => !select(o.object));
      if (kept.length === objects.length) throw new KustomizeError(`${where}: failed to find unique target for patch ${body.kind}/${body.metadata?.name}`);
      objects = kept;
    } else {
      throw new KustomizeError(`${where} is a strategic-merge patch, which cdk8s-fleet diff does not build (only '$patch: delete' and JSON6902)`);
    }
  }
  return objects;
}

/** Applies RFC 6902 operations to a copy of `doc` (evanphx/json-patch semantics, which kustomize uses). */
export function applyJson6902(doc: unknown, ops: unknown[], where = 'patch'): any {
  let root: any = structuredClone(doc);
  for (const [i, raw] of ops.entries()) {
    const op: any = raw;
    const at = `${where} operation ${i}`;
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw new KustomizeError(`${at}: needs 'op' and 'path'`);
    const path = pointer(op.path, at);
    switch (op.op) {
      case 'add': root = put(root, path, structuredClone(op.value), 'add', at); break;
      case 'replace': root = put(root, path, structuredClone(op.value), 'replace', at); break;
      case 'remove': root = remove(root, path, at).root; break;
      case 'move': {
        const from = pointer(String(op.from), at);
        const taken = remove(root, from, at);
        root = put(taken.root, path, taken.value, 'add', at);
        break;
      }
      case 'copy': root = put(root, path, structuredClone(get(root, pointer(String(op.from), at), at)), 'add', at); break;
      case 'test':
        if (JSON.stringify(get(root, path, at)) !== JSON.stringify(op.value)) throw new KustomizeError(`${at}: test failed at ${op.path}`);
        break;
      default: throw new KustomizeError(`${at}: unknown op '${op.op}'`);
    }
  }
  return root;
}

interface Kustomization {
  readonly resources: string[];
  readonly patches: any[];
}

function readKustomization(file: string, host: KustomizeHost, strict: boolean): Kustomization {
  const docs = host.documents(file);
  const k: any = docs[0];
  if (docs.length !== 1 || !isObject(k)) throw new KustomizeError(`${file}: not a kustomization (one YAML map expected)`);
  if (strict) {
    const unsupported = Object.keys(k).filter(f => !SUPPORTED_FIELDS.has(f));
    if (unsupported.length) throw new KustomizeError(`${file} uses ${unsupported.map(f => `'${f}'`).join(', ')}, which cdk8s-fleet diff does not build`);
  }
  const list = (v: unknown, field: string): any[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new KustomizeError(`${file}: '${field}' must be a list`);
    return v;
  };
  const resources = [...list(k.resources, 'resources'), ...list(k.bases, 'bases')].filter(r => {
    if (typeof r !== 'string') throw new KustomizeError(`${file}: resources must be strings`);
    const remote = /^[a-z][a-z0-9+.-]*:\/\/|^github\.com\/|^git@|\?ref=/i.test(r);
    if (remote && strict) throw new KustomizeError(`${file}: remote resource '${r}' is not built by cdk8s-fleet diff`);
    // Listing inputs (not strict): a remote resource has no file in the tree.
    return !remote;
  });
  return { resources, patches: list(k.patches, 'patches').map(p => (isObject(p) ? p : {})) };
}

function patchFile(path: string, host: KustomizeHost): unknown {
  const docs = host.documents(path);
  if (docs.length !== 1) throw new KustomizeError(`${path}: a patch file holds one YAML document`);
  return docs[0];
}

function selector(target: any, where: string): (o: any) => boolean {
  if (!isObject(target)) throw new KustomizeError(`${where}: target must be a map`);
  for (const f of Object.keys(target)) {
    if (!['group', 'version', 'kind', 'name', 'namespace'].includes(f)) throw new KustomizeError(`${where}: target field '${f}' is not built by cdk8s-fleet diff`);
  }
  const re = (v: unknown) => {
    if (v === undefined || v === null || v === '') return undefined;
    try {
      return new RegExp(`^(?:${String(v)})$`);
    } catch {
      throw new KustomizeError(`${where}: target '${String(v)}' is not a valid regular expression`);
    }
  };
  const [group, version, kind, name, namespace] = [re(target.group), re(target.version), re(target.kind), re(target.name), re(target.namespace)];
  return (o: any) => {
    const [g, v] = splitApiVersion(o?.apiVersion);
    return (!group || group.test(g)) && (!version || version.test(v)) && (!kind || kind.test(String(o?.kind ?? '')))
      && (!name || name.test(String(o?.metadata?.name ?? ''))) && (!namespace || namespace.test(String(o?.metadata?.namespace ?? '')));
  };
}

function sameId(o: any, patch: any): boolean {
  return identity(o) === identity(patch);
}

function identity(o: any): string {
  const [g] = splitApiVersion(o?.apiVersion);
  return `${g}/${o?.kind}/${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
}

function splitApiVersion(apiVersion: unknown): [string, string] {
  const s = String(apiVersion ?? '');
  const slash = s.lastIndexOf('/');
  return slash < 0 ? ['', s] : [s.slice(0, slash), s.slice(slash + 1)];
}

function pointer(p: string, at: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new KustomizeError(`${at}: path '${p}' must start with '/'`);
  return p.slice(1).split('/').map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function get(root: any, path: string[], at: string): any {
  let cur = root;
  for (const s of path) {
    if (Array.isArray(cur)) cur = cur[index(s, cur.length - 1, at)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, s)) cur = cur[s];
    else throw new KustomizeError(`${at}: '/${path.join('/')}' does not exist`);
  }
  return cur;
}

function put(root: any, path: string[], value: any, mode: 'add' | 'replace', at: string): any {
  if (path.length === 0) return value;
  const parent = get(root, path.slice(0, -1), at);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    if (mode === 'add') {
      const i = last === '-' ? parent.length : index(last, parent.length, at);
      parent.splice(i, 0, value);
    } else {
      parent[index(last, parent.length - 1, at)] = value;
    }
  } else if (isObject(parent)) {
    if (mode === 'replace' && !Object.prototype.hasOwnProperty.call(parent, last)) throw new KustomizeError(`${at}: replace of missing '/${path.join('/')}'`);
    setOwn(parent, last, value); // (a key `__proto__` is data)
  } else {
    throw new KustomizeError(`${at}: '/${path.slice(0, -1).join('/')}' is not a map or list`);
  }
  return root;
}

function remove(root: any, path: string[], at: string): { root: any; value: any } {
  if (path.length === 0) throw new KustomizeError(`${at}: cannot remove the whole document`);
  const parent = get(root, path.slice(0, -1), at);
  const last = path[path.length - 1];
  if (Array.isArray(parent)) {
    const [value] = parent.splice(index(last, parent.length - 1, at), 1);
    return { root, value };
  }
  if (!isObject(parent) || !Object.prototype.hasOwnProperty.call(parent, last)) throw new KustomizeError(`${at}: remove of missing '/${path.join('/')}'`);
  const value = parent[last];
  delete parent[last];
  return { root, value };
}

function index(s: string, max: number, at: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(s) || Number(s) > max) throw new KustomizeError(`${at}: index '${s}' out of range`);
  return Number(s);
}

/** `dir/rel`, normalized; refuses paths that leave the tree. */
function resolve(dir: string, rel: string, file: string): string {
  if (rel.startsWith('/')) throw new KustomizeError(`${file}: absolute path '${rel}' is not inside the tree`);
  const out: string[] = [];
  for (const part of `${dir}/${rel}`.split('/')) {
    if (part === '..') {
      if (out.length === 0) throw new KustomizeError(`${file}: '${rel}' leaves the tree`);
      out.pop();
    } else if (part !== '.' && part !== '') {
      out.push(part);
    }
  }
  return out.join('/');
}

function join(dir: string, f: string): string {
  return dir ? `${dir}/${f}` : f;
}

function isObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
