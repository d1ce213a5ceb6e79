/**
 * The Go types of an Argo CD v3.5.1 Application (pkg/apis/application/v1alpha1/types.go: ApplicationSpec and
 * everything it reaches, the ObjectMeta fields a template sets) and encoding/json over them, so that the
 * expansion produces exactly what the controller writes:
 * - decoding drops unknown fields, matches keys case-insensitively, and fails on a wrong type with Go's
 *   message (`json: cannot unmarshal number into Go struct field ApplicationSource.spec.source.path of type
 *   string`);
 * - encoding omits `omitempty` fields that are empty ("" strings, false bools, 0 ints, nil pointers, empty
 *   slices and maps) but keeps a pointer to false (`automated.prune: false` is a *bool) and never omits a
 *   non-pointer struct;
 * - `valuesObject` is a runtime.RawExtension: any JSON.
 */

export type GoType =
  | 'string' | 'bool' | 'int64' | 'intstr' | 'raw'
  | { ptr: GoType }
  | { slice: GoType }
  | { map: GoType }
  | { struct: string };

interface Field {
  readonly json: string;
  readonly type: GoType;
  readonly omitempty?: boolean;
  readonly omitzero?: boolean;
}

const S: GoType = 'string';
const B: GoType = 'bool';
const ptr = (t: GoType): GoType => ({ ptr: t });
const slice = (t: GoType): GoType => ({ slice: t });
const map = (t: GoType): GoType => ({ map: t });
const st = (name: string): GoType => ({ struct: name });
const f = (json: string, type: GoType, omitempty = true): Field => ({ json, type, omitempty });

const SOURCE_TOOLS: Field[] = [
  f('helm', ptr(st('ApplicationSourceHelm'))),
  f('kustomize', ptr(st('ApplicationSourceKustomize'))),
  f('directory', ptr(st('ApplicationSourceDirectory'))),
  f('plugin', ptr(st('ApplicationSourcePlugin'))),
];

/** Field lists in Go struct order (embedded inline structs flattened). */
export const STRUCTS: Record<string, Field[]> = {
  Application: [f('kind', S), f('apiVersion', S), f('metadata', st('ObjectMeta')), f('spec', st('ApplicationSpec'), false)],
  ObjectMeta: [f('name', S), f('namespace', S), f('labels', map(S)), f('annotations', map(S)), f('finalizers', slice(S))],
  ApplicationSpec: [
    f('source', ptr(st('ApplicationSource'))), f('destination', st('ApplicationDestination'), false), f('project', S, false),
    f('syncPolicy', ptr(st('SyncPolicy'))), f('ignoreDifferences', slice(st('ResourceIgnoreDifferences'))), f('info', slice(st('Info'))),
    f('revisionHistoryLimit', ptr('int64')), f('sources', slice(st('ApplicationSource'))), f('sourceHydrator', ptr(st('SourceHydrator'))),
  ],
  ApplicationSource: [
    f('repoURL', S, false), f('path', S), f('targetRevision', S), ...SOURCE_TOOLS, f('chart', S), f('ref', S), f('name', S), f('tagPrefix', S),
  ],
  ApplicationSourceHelm: [
    f('valueFiles', slice(S)), f('parameters', slice(st('HelmParameter'))), f('releaseName', S), f('values', S),
    f('fileParameters', slice(st('HelmFileParameter'))), f('version', S), f('passCredentials', B), f('ignoreMissingValueFiles', B),
    f('skipCrds', B), f('valuesObject', ptr('raw')), f('namespace', S), f('kubeVersion', S), f('apiVersions', slice(S)),
    f('skipTests', B), f('skipSchemaValidation', B),
  ],
  HelmParameter: [f('name', S), f('value', S), f('forceString', B)],
  HelmFileParameter: [f('name', S), f('path', S)],
  ApplicationSourceKustomize: [
    f('namePrefix', S), f('nameSuffix', S), f('images', slice(S)), f('commonLabels', map(S)), f('version', S),
    f('commonAnnotations', map(S)), f('forceCommonLabels', B), f('forceCommonAnnotations', B), f('namespace', S),
    f('commonAnnotationsEnvsubst', B), f('replicas', slice(st('KustomizeReplica'))), f('patches', slice(st('KustomizePatch'))),
    f('components', slice(S)), f('ignoreMissingComponents', B), f('labelWithoutSelector', B), f('kubeVersion', S),
    f('apiVersions', slice(S)), f('labelIncludeTemplates', B),
  ],
  KustomizeReplica: [f('name', S, false), f('count', 'intstr', false)],
  KustomizePatch: [f('path', S), f('patch', S), f('target', ptr(st('KustomizeSelector'))), f('options', map(B))],
  KustomizeSelector: [f('group', S), f('version', S), f('kind', S), f('name', S), f('namespace', S), f('annotationSelector', S), f('labelSelector', S)],
  ApplicationSourceDirectory: [f('recurse', B), { json: 'jsonnet', type: st('ApplicationSourceJsonnet'), omitempty: true, omitzero: true }, f('exclude', S), f('include', S)],
  ApplicationSourceJsonnet: [f('extVars', slice(st('JsonnetVar'))), f('tlas', slice(st('JsonnetVar'))), f('libs', slice(S))],
  JsonnetVar: [f('name', S, false), f('value', S, false), f('code', B)],
  ApplicationSourcePlugin: [f('name', S), f('env', slice(ptr(st('EnvEntry')))), f('parameters', slice(st('ApplicationSourcePluginParameter')))],
  EnvEntry: [f('name', S, false), f('value', S, false)],
  ApplicationSourcePluginParameter: [f('name', S), f('string', ptr(S)), f('map', map(S), false), f('array', slice(S), false)],
  ApplicationDestination: [f('server', S), f('namespace', S), f('name', S)],
  SyncPolicy: [f('automated', ptr(st('SyncPolicyAutomated'))), f('syncOptions', slice(S)), f('retry', ptr(st('RetryStrategy'))), f('managedNamespaceMetadata', ptr(st('ManagedNamespaceMetadata')))],
  SyncPolicyAutomated: [f('prune', ptr(B)), f('selfHeal', ptr(B)), f('allowEmpty', ptr(B)), f('enabled', ptr(B))],
  RetryStrategy: [f('limit', 'int64'), f('backoff', ptr(st('Backoff'))), f('refresh', B)],
  Backoff: [f('duration', S), f('factor', ptr('int64')), f('maxDuration', S)],
  ManagedNamespaceMetadata: [f('labels', map(S)), f('annotations', map(S))],
  ResourceIgnoreDifferences: [f('group', S), f('kind', S, false), f('name', S), f('namespace', S), f('jsonPointers', slice(S)), f('jqPathExpressions', slice(S)), f('managedFieldsManagers', slice(S))],
  Info: [f('name', S, false), f('value', S, false)],
  SourceHydrator: [f('drySource', st('DrySource'), false), f('syncSource', st('SyncSource'), false), f('hydrateTo', ptr(st('HydrateTo')))],
  DrySource: [f('repoURL', S, false), f('targetRevision', S, false), f('path', S, false), ...SOURCE_TOOLS],
  SyncSource: [f('targetBranch', S, false), f('path', S, false), f('repoURL', S)],
  HydrateTo: [f('targetBranch', S, false)],
};

/** A decoding failure, worded as encoding/json's UnmarshalTypeError. */
export class GoJsonTypeError extends Error {}

/**
 * A typed Go value as plain data: a struct is an object holding only its known fields (a field absent from
 * the object is Go's zero value), a nil pointer, slice or map is `undefined`.
 */
export type Typed = unknown;

function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function goTypeName(t: GoType): string {
  if (typeof t === 'string') return t === 'intstr' ? 'intstr.IntOrString' : t === 'raw' ? 'runtime.RawExtension' : t;
  if ('ptr' in t) return `*${goTypeName(t.ptr)}`;
  if ('slice' in t) return `[]${goTypeName(t.slice)}`;
  if ('map' in t) return `map[string]${goTypeName(t.map)}`;
  return `v1alpha1.${t.struct}`;
}

interface Ctx { struct: string; path: string[] }

function typeError(value: unknown, t: GoType, ctx: Ctx): GoJsonTypeError {
  const what = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  const target = goTypeName(t);
  if (ctx.path.length === 0) return new GoJsonTypeError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type ${target}`);
  const kind = typeof value === 'number' && (t === 'int64' || typeof t === 'object' && 'ptr' in t && t.ptr === 'int64') ? what : jsonKind(value);
  return new GoJsonTypeError(`json: cannot unmarshal ${kind} into Go struct field ${ctx.struct}.${ctx.path.join('.')} of type ${target.replace(/^v1alpha1\./, 'v1alpha1.')}`);
}

/** json.Unmarshal of JSON-like data into the Go type `t`. */
export function decodeTyped(value: unknown, t: GoType, ctx: Ctx = { struct: '', path: [] }): Typed {
  if (value === null || value === undefined) return undefined;
  if (typeof t === 'string') {
    switch (t) {
      case 'string': if (typeof value !== 'string') throw typeError(value, t, ctx); return value;
      case 'bool': if (typeof value !== 'boolean') throw typeError(value, t, ctx); return value;
      case 'int64':
        if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(value, t, ctx);
        return value;
      case 'intstr':
        if (typeof value === 'string') return value;
        if (typeof value === 'number' && Number.isInteger(value)) return value;
        throw typeError(value, t, ctx);
      default: return value;
    }
  }
  if ('ptr' in t) return decodeTyped(value, t.ptr, ctx);
  if ('slice' in t) {
    if (!Array.isArray(value)) throw typeError(value, t, ctx);
    return value.map(e => {
      const d = decodeTyped(e, t.slice, ctx);
      return d === undefined ? zeroOf(t.slice) : d;
    });
  }
  if ('map' in t) {
    if (typeof value !== 'object' || Array.isArray(value)) throw typeError(value, t, ctx);
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(value as object)) {
      const d = decodeTyped(e, t.map, ctx);
      define(out, k, d === undefined ? zeroOf(t.map) : d);
    }
    return out;
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw typeError(value, t, ctx);
  const fields = fieldsOf(t.struct);
  const out: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(value as object)) {
    const field = fields.exact.get(k) ?? fields.folded.get(k.toLowerCase());
    if (!field) continue;
    const d = decodeTyped(e, field.type, { struct: t.struct, path: ctx.path.concat(field.json) });
    if (d === undefined) {
      // null leaves a value type as it was and sets a pointer, slice or map to nil.
      if (typeof field.type === 'object' && ('ptr' in field.type || 'slice' in field.type || 'map' in field.type)) delete out[field.json];
      continue;
    }
    define(out, field.json, d);
  }
  return out;
}

function zeroOf(t: GoType): unknown {
  if (t === 'string') return '';
  if (t === 'bool') return false;
  if (t === 'int64' || t === 'intstr') return 0;
  if (typeof t === 'object' && 'struct' in t) return {};
  return undefined;
}

function define(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** Each struct's fields by JSON name, and by lower-cased name for encoding/json's case-insensitive match. */
const FIELD_INDEX = new Map<string, { exact: Map<string, Field>; folded: Map<string, Field> }>();
function fieldsOf(struct: string): { exact: Map<string, Field>; folded: Map<string, Field> } {
  let idx = FIELD_INDEX.get(struct);
  if (!idx) {
    idx = { exact: new Map(), folded: new Map() };
    for (const fld of STRUCTS[struct]) {
      idx.exact.set(fld.json, fld);
      if (!idx.folded.has(fld.json.toLowerCase())) idx.folded.set(fld.json.toLowerCase(), fld);
    }
    FIELD_INDEX.set(struct, idx);
  }
  return idx;
}

/** Whether a value is the zero value of its type (for omitempty and omitzero). */
function isEmptyValue(v: unknown, t: GoType): boolean {
  if (v === undefined || v === null) return true;
  if (typeof t === 'string') {
    if (t === 'string') return v === '';
    if (t === 'bool') return v === false;
    if (t === 'int64') return v === 0;
    return false;
  }
  if ('slice' in t) return (v as unknown[]).length === 0;
  if ('map' in t) return Object.keys(v as object).length === 0;
  return false;
}

function isZeroStruct(v: unknown, t: GoType): boolean {
  if (typeof t !== 'object' || !('struct' in t)) return isEmptyValue(v, t);
  const o = (v ?? {}) as Record<string, unknown>;
  return STRUCTS[t.struct].every(field => o[field.json] === undefined || isZeroStruct(o[field.json], field.type) && !(typeof field.type === 'object' && 'ptr' in field.type));
}

/** json.Marshal of a typed value, as JSON-like data (`undefined` for an omitted nil). */
export function encodeTyped(v: Typed, t: GoType): unknown {
  if (typeof t === 'string') {
    if (v === undefined) return zeroOf(t) ?? null;
    return v;
  }
  if ('ptr' in t) return v === undefined ? null : encodeTyped(v, t.ptr);
  if ('slice' in t) return v === undefined ? null : (v as unknown[]).map(e => encodeTyped(e, t.slice));
  if ('map' in t) {
    if (v === undefined) return null;
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v as object)) define(out, k, encodeTyped(e, t.map));
    return out;
  }
  const o = (v ?? {}) as Record<string, unknown>;
  if (t.struct === 'ApplicationSourcePluginParameter') return encodePluginParameter(o);
  const out: Record<string, unknown> = {};
  for (const field of STRUCTS[t.struct]) {
    const value = o[field.json];
    if (field.omitzero && isZeroStruct(value, field.type)) continue;
    if (field.omitempty && isEmptyValue(value, field.type)) continue;
    define(out, field.json, encodeTyped(value, field.type));
  }
  return out;
}

/** How `encodeRendered` renders: one string, and any value (a fresh copy with every string and map key rendered). */
export interface Renderer {
  string(text: string): string;
  value(v: unknown): unknown;
  /**
   * A runtime.RawExtension's JSON (Argo CD wraps a failure there in "failed to deeply replace JSON field contents").
   * @default - as `value`
   */
  raw?(v: unknown): unknown;
}

/**
 * Argo CD's `deeplyReplace` over a typed value as `decodeTyped` returns it: a fresh copy with every string and map
 * key rendered, struct fields in the Go struct's order, each map entry's value before its key, so that the first
 * failing string is the one the controller reports; RawExtension JSON through `r.raw`.
 */
export function renderTyped(v: Typed, t: GoType, r: Renderer): Typed {
  if (v === undefined) return undefined;
  if (typeof t === 'string') {
    if (t === 'raw') return r.raw ? r.raw(v) : r.value(v);
    return typeof v === 'string' ? r.string(v) : v;
  }
  if ('ptr' in t) return renderTyped(v, t.ptr, r);
  if ('slice' in t) return (v as unknown[]).map(e => renderTyped(e, t.slice, r));
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if ('map' in t) {
    for (const k of Object.keys(o)) {
      const value = renderTyped(o[k], t.map, r);
      define(out, r.string(k), value);
    }
    return out;
  }
  for (const field of STRUCTS[t.struct]) {
    if (o[field.json] !== undefined) define(out, field.json, renderTyped(o[field.json], field.type, r));
  }
  return out;
}

/**
 * `encodeTyped(render(v), t)` in one walk (one copy of the value instead of two), for a typed value `v` as
 * `decodeTyped` returns it, where `render` renders every string and map key (`deeplyReplace`). The strings are
 * rendered in the order of the Go struct's fields rather than of the object's keys, so when one fails, the caller
 * must render again the other way round to report the error the controller reports first.
 */
export function encodeRendered(v: Typed, t: GoType, r: Renderer): unknown {
  if (typeof t === 'string') {
    if (v === undefined) return zeroOf(t) ?? null;
    if (typeof v === 'string') return r.string(v);
    return t === 'raw' ? r.value(v) : v;
  }
  if ('ptr' in t) return v === undefined ? null : encodeRendered(v, t.ptr, r);
  if ('slice' in t) {
    if (v === undefined) return null;
    const a = v as unknown[];
    const out = new Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = encodeRendered(a[i], t.slice, r);
    return out;
  }
  if ('map' in t) {
    if (v === undefined) return null;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const e = o[keys[i]];
      if (e === null) continue;
      define(out, r.string(keys[i]), encodeRendered(e, t.map, r));
    }
    return out;
  }
  const o = (v ?? {}) as Record<string, unknown>;
  if (t.struct === 'ApplicationSourcePluginParameter') return encodePluginParameter(r.value(o) as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const field of STRUCTS[t.struct]) {
    const value = o[field.json];
    if (field.omitzero) {
      const rendered = r.value(value);
      if (isZeroStruct(rendered, field.type)) continue;
      if (field.omitempty && isEmptyValue(rendered, field.type)) continue;
      define(out, field.json, encodeTyped(rendered, field.type));
    } else if (field.type === 'string') {
      const rendered = value === undefined ? '' : r.string(value as string);
      if (field.omitempty && rendered === '') continue;
      define(out, field.json, rendered);
    } else {
      // Rendering changes no other type's emptiness: a string stays a string, a slice its length, a typed map
      // (no null values) its keys.
      if (field.omitempty && isEmptyValue(value, field.type)) continue;
      define(out, field.json, encodeRendered(value, field.type, r));
    }
  }
  return out;
}

/** ApplicationSourcePluginParameter's own MarshalJSON: `name` always, `string`, `map` and `array` when set. */
function encodePluginParameter(o: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = { name: o.name ?? '' };
  if (o.string !== undefined) out.string = o.string;
  if (o.map !== undefined) out.map = o.map;
  if (o.array !== undefined) out.array = o.array;
  return out;
}

/** The Application type. */
export const APPLICATION: GoType = { struct: 'Application' };
