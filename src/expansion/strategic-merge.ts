/**
 * k8s.io/apimachinery's strategicpatch.StrategicMergePatch for an Argo CD Application (the templatePatch step,
 * argo-cd v3.5.1 applicationset/controllers/template/patch.go), with the options it uses (MergeParallelList,
 * IgnoreUnmatchedNulls): maps merge, `null` deletes, lists replace except `metadata.finalizers` (ObjectMeta's
 * patchStrategy merge: a deduplicated union whose order follows mergeSortedSlice, so patch-only items come
 * before the original ones), the `$patch: replace|delete` and `$deleteFromPrimitiveList/<field>` directives.
 * Looking up a nested map inside a field the Go types do not describe (a `valuesObject`, which is a
 * RawExtension) fails as it does upstream.
 */
import { GoType, STRUCTS } from './application-type';

/** A patch strategicpatch refuses, with its message. */
export class StrategicMergeError extends Error {}

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema node for a JSON field of a Go type, or an error as LookupPatchMetadataForStruct reports it. */
function lookup(t: GoType | undefined, key: string): { type: GoType; merge: boolean } {
  let base = t;
  while (base && typeof base === 'object' && 'ptr' in base) base = base.ptr;
  if (base && typeof base === 'object' && 'map' in base) return { type: base.map, merge: false };
  if (base === 'raw') throw new StrategicMergeError(`unable to find api field in struct RawExtension for the json field "${key}"`);
  if (!base || typeof base !== 'object' || !('struct' in base)) throw new StrategicMergeError(`merging an object in json but data type is not struct, instead is: ${typeof base === 'string' ? base : 'slice'}`);
  const field = STRUCTS[base.struct].find(x => x.json === key);
  if (!field) throw new StrategicMergeError(`unable to find api field in struct ${base.struct} for the json field "${key}"`);
  return { type: field.type, merge: base.struct === 'ObjectMeta' && key === 'finalizers' };
}

/** StrategicMergePatch(original, patch, Application{}) on JSON-like data. */
export function strategicMerge(original: Obj, patch: Json, schema: GoType): Obj {
  if (patch === null || patch === undefined) return original;
  if (!isObj(patch)) throw new StrategicMergeError('json: cannot unmarshal into map[string]interface {}');
  return mergeMap(structuredClone(original), patch, schema);
}

function mergeMap(original: Obj, patch: Obj, schema: GoType): Obj {
  if (Object.prototype.hasOwnProperty.call(patch, '$patch')) {
    const directive = patch.$patch;
    const rest = { ...patch };
    delete rest.$patch;
    if (directive === 'replace') return rest;
    if (directive === 'delete') return {};
    throw new StrategicMergeError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  for (const key of Object.keys(patch)) {
    const m = /^\$deleteFromPrimitiveList\/(.*)$/.exec(key);
    if (m) {
      const drop = Array.isArray(patch[key]) ? patch[key] as Json[] : [];
      if (Array.isArray(original[m[1]])) original[m[1]] = (original[m[1]] as Json[]).filter(e => !drop.some(d => d === e));
    }
  }
  for (const [k, patchV] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (patchV === null) {
      delete original[k];
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(original, k)) {
      original[k] = discardNulls(patchV);
      continue;
    }
    const o = original[k];
    const sameKind = isObj(o) && isObj(patchV) || Array.isArray(o) && Array.isArray(patchV);
    if (!sameKind) {
      original[k] = discardNulls(patchV);
      continue;
    }
    const { type, merge } = lookup(schema, k);
    if (isObj(patchV)) {
      original[k] = mergeMap(o as Obj, patchV, type);
    } else if (merge) {
      original[k] = mergePrimitiveList(o as Json[], patchV as Json[]);
    } else {
      original[k] = patchV;
    }
  }
  return original;
}

function discardNulls(v: Json): Json {
  if (Array.isArray(v)) return v;
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, e] of Object.entries(v)) if (e !== null) out[k] = discardNulls(e);
  return out;
}

/** mergeSlice for a list of scalars with the merge strategy, then normalizeElementOrder and mergeSortedSlice. */
export function mergePrimitiveList(original: Json[], patch: Json[]): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const merged: Json[] = [];
  for (const e of [...original, ...patch]) if (!merged.includes(e)) merged.push(e);
  const patchItems = merged.filter(e => patch.includes(e)).sort((a, b) => patch.indexOf(a) - patch.indexOf(b));
  const serverOnly = merged.filter(e => !patch.includes(e)).sort((a, b) => original.indexOf(a) - original.indexOf(b));
  // mergeSortedSlice(left = server-only, right = patch items, by the original's order).
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) { out.push(patchItems[j++]); continue; }
    if (j >= patchItems.length) { out.push(serverOnly[i++]); continue; }
    const li = original.indexOf(serverOnly[i]);
    const ri = original.indexOf(patchItems[j]);
    if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
    else out.push(patchItems[j++]);
  }
  return out;
}
