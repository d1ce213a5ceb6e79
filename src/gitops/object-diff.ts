import { compareCodeUnits, hasOwn } from '../private/util';

/**
 * The field differ of `cdk8s-fleet diff`: what changes between two versions of one Kubernetes object, as
 * `path: old → new` lines that `kubectl diff` users read at a glance.
 *
 * Lists of objects are matched by a key rather than by position, as Kubernetes' strategic merge does:
 * `containers[api].env[CACHE_URL]`, `ports[containerPort=8080]`. A list whose items all carry a distinct
 * `name` is keyed by it; otherwise the field's strategic-merge key from the Kubernetes API (`patchMergeKey`:
 * `containerPort` for container ports, `port` for Service ports, `mountPath` for volumeMounts, …) when every
 * item has a distinct one; otherwise by index. Lists of scalars (`args`, `command`, `finalizers`) are one
 * value. A keyed list whose common items change their order reports it (`initContainers` run in order).
 */

/** One step of a field path: a map key, a list index, or a list item matched by a key field. */
export type PathSegment = string | number | ListItemKey;

/** A list item matched by one of its fields (`containers[api]`, `ports[containerPort=8080]`). */
export interface ListItemKey {
  readonly key: string;
  readonly value: string | number;
}

/** One changed field of an object. */
export interface FieldChange {
  readonly path: readonly PathSegment[];
  /** `reordered`: a keyed list whose items are the same but in another order (`before`/`after` are the keys). */
  readonly change: 'added' | 'removed' | 'changed' | 'reordered';
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * Strategic-merge keys of list fields (Kubernetes API `patchMergeKey`), tried after `name`. Keys are field
 * names, wherever they occur (a container's `ports` and a Service's `ports` are told apart by their items).
 */
const MERGE_KEYS: Record<string, readonly string[]> = {
  ports: ['containerPort', 'port'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
  ownerReferences: ['uid'],
  conditions: ['type'],
  // External Secrets: an ExternalSecret's `data` items are named by the key of the Secret they fill.
  data: ['secretKey'],
};

/**
 * Lists of objects whose order means nothing and whose items have no key field (Argo CD's AppProject resource
 * lists: `{group, kind}` items): matched by their whole value, so that a list rebuilt in another order shows
 * as reordered, and an added or removed kind as that item alone.
 */
const SET_FIELDS = new Set(['clusterResourceWhitelist', 'clusterResourceBlacklist', 'namespaceResourceWhitelist', 'namespaceResourceBlacklist']);

/** The changes that turn `before` into `after` (empty when they are equal). Keys are visited in code-unit order. */
export function diffFields(before: unknown, after: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, [], undefined, out);
  return out;
}

/**
 * Every leaf of an object as an `added` change: how a new object is shown. Scalars, lists of scalars and empty
 * maps or lists are leaves; lists of objects are keyed as in `diffFields`.
 */
export function leafChanges(value: unknown, prefix: readonly PathSegment[] = [], field?: string): FieldChange[] {
  const out: FieldChange[] = [];
  const visit = (v: unknown, path: PathSegment[], f: string | undefined) => {
    if (isPlainObject(v) && Object.keys(v).length > 0) {
      for (const k of sortedKeys(v)) visit(v[k], [...path, k], k);
    } else if (Array.isArray(v) && v.length > 0 && v.every(isPlainObject)) {
      const key = listKey(f, v, v);
      v.forEach((item, i) => visit(item, [...path, key ? { key, value: item[key] } : i], undefined));
    } else {
      out.push({ path, change: 'added', after: v });
    }
  };
  visit(value, [...prefix], field);
  return out;
}

/** `spec.template.spec.containers[api].env[CACHE_URL].value`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(the whole document)';
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string') out += SIMPLE_KEY.test(s) ? `${out ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`;
    else out += s.key === 'name' ? `[${s.value}]` : `[${s.key}=${s.value}]`;
  }
  return out;
}

const SIMPLE_KEY = /^[A-Za-z0-9_$-]+$/;

/** Deep equality of JSON data (maps compared without regard to key order). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!hasOwn(b, k) || !jsonEqual(a[k], b[k])) return false;
    return true;
  }
  // Dates (js-yaml reads timestamps as Date) and other non-plain values compare by their JSON.
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return false;
}

function walk(a: unknown, b: unknown, path: PathSegment[], field: string | undefined, out: FieldChange[]): void {
  if (a === b) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of sortedKeys({ ...a, ...b })) {
      const inA = Object.prototype.hasOwnProperty.call(a, k);
      const inB = Object.prototype.hasOwnProperty.call(b, k);
      if (!inB) out.push({ path: [...path, k], change: 'removed', before: a[k] });
      else if (!inA) out.push({ path: [...path, k], change: 'added', after: b[k] });
      else walk(a[k], b[k], [...path, k], k, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isPlainObject) && b.every(isPlainObject) && a.length + b.length > 0) {
    const key = listKey(field, a, b);
    if (key) walkKeyed(a, b, key, path, out);
    else if (field !== undefined && SET_FIELDS.has(field)) walkSet(a, b, path, out);
    else walkIndexed(a, b, path, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.some(Array.isArray) && b.some(Array.isArray)) {
    walkIndexed(a, b, path, out);
    return;
  }
  if (!jsonEqual(a, b)) out.push({ path, change: 'changed', before: a, after: b });
}

function walkIndexed(a: unknown[], b: unknown[], path: PathSegment[], out: FieldChange[]): void {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (i >= b.length) out.push({ path: [...path, i], change: 'removed', before: a[i] });
    else if (i >= a.length) out.push({ path: [...path, i], change: 'added', after: b[i] });
    else walk(a[i], b[i], [...path, i], undefined, out);
  }
}

function walkKeyed(a: any[], b: any[], key: string, path: PathSegment[], out: FieldChange[]): void {
  const before = new Map(a.map(item => [item[key], item]));
  const after = new Map(b.map(item => [item[key], item]));
  // An item whose merge key itself changed (a Service port 80 → 8080) stays at its position: unless the key is a
  // name (then it is another item), it is shown as that item's change, `ports[port=80].port: 80 → 8080`.
  const renamed = new Map<unknown, any>();
  if (key !== 'name' && a.length === b.length) {
    a.forEach((item, i) => {
      if (!after.has(item[key]) && !before.has(b[i][key])) renamed.set(item[key], b[i]);
    });
  }
  const renamedTo = new Set([...renamed.values()].map(item => item[key]));
  for (const item of a) {
    const k = item[key];
    const seg: ListItemKey = { key, value: k };
    if (renamed.has(k)) walk(item, renamed.get(k), [...path, seg], undefined, out);
    else if (!after.has(k)) out.push({ path: [...path, seg], change: 'removed', before: item });
    else walk(item, after.get(k), [...path, seg], undefined, out);
  }
  for (const item of b) {
    if (!before.has(item[key]) && !renamedTo.has(item[key])) out.push({ path: [...path, { key, value: item[key] }], change: 'added', after: item });
  }
  // Common items in another order: the order of a keyed list can matter (initContainers run in order).
  const commonBefore = a.map(i => i[key]).filter(k => after.has(k));
  const commonAfter = b.map(i => i[key]).filter(k => before.has(k));
  if (commonBefore.some((k, i) => k !== commonAfter[i])) {
    out.push({ path, change: 'reordered', before: a.map(i => i[key]), after: b.map(i => i[key]) });
  }
}

/**
 * A list whose items are matched by their whole value (`SET_FIELDS`): the same items in another order are one
 * `reordered` change; otherwise the whole list is one change, which the report shows as the items gained and lost.
 */
function walkSet(a: unknown[], b: unknown[], path: PathSegment[], out: FieldChange[]): void {
  const canonical = (list: unknown[]) => list.map(canonicalJson).sort(compareCodeUnits).join('\n');
  if (canonical(a) === canonical(b)) {
    if (a.some((x, i) => !jsonEqual(x, b[i]))) out.push({ path, change: 'reordered', before: a, after: b });
    return;
  }
  out.push({ path, change: 'changed', before: a, after: b });
}

/** JSON with map keys sorted (equal values, equal text). */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (isPlainObject(x) ? Object.fromEntries(sortedKeys(x).map(k => [k, x[k]])) : x));
}

/** The field that keys a list of objects in both versions, or undefined for matching by index. */
function listKey(field: string | undefined, a: any[], b: any[]): string | undefined {
  for (const key of ['name', ...(field ? MERGE_KEYS[field] ?? [] : [])]) {
    if (distinctScalar(a, key) && distinctScalar(b, key)) return key;
  }
  return undefined;
}

function distinctScalar(items: any[], key: string): boolean {
  const seen = new Set<unknown>();
  for (const item of items) {
    const v = item[key];
    if ((typeof v !== 'string' && typeof v !== 'number') || seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}

function sortedKeys(o: object): string[] {
  return Object.keys(o).sort((x, y) => compareCodeUnits(x, y));
}

function isPlainObject(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}
