/**
 * Turns upstream Kubernetes schemas into compact, strict JSON Schemas (draft-07, for ajv):
 *
 * - objects that declare `properties` reject unknown fields (`additionalProperties: false`) unless the
 *   upstream schema says `x-kubernetes-preserve-unknown-fields: true`, which is exactly where the API
 *   server would keep unknown fields instead of pruning them;
 * - `x-kubernetes-int-or-string` becomes integer-or-string; `nullable` adds `null`;
 * - descriptions, defaults, examples and the other `x-kubernetes-*` annotations are dropped (they do not
 *   change what is valid; CEL `x-kubernetes-validations` cannot be evaluated here and are dropped too);
 * - a CRD's top-level `metadata` is checked against the Kubernetes ObjectMeta definition;
 * - identical sub-schemas larger than a few hundred bytes are stored once under `definitions` and
 *   referenced (the ApplicationSet CRD repeats the Application template in every nested generator).
 */

const KEEP = new Set([
  'type', 'properties', 'additionalProperties', 'items', 'required', 'enum', 'anyOf', 'oneOf', 'allOf', 'not',
  'pattern', 'format', 'maxLength', 'minLength', 'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'multipleOf', '$ref',
]);

export const K8S_SCHEMA_ID = 'k8s.json';
const OBJECT_META = `${K8S_SCHEMA_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

function strict(node: any, refPrefix: string): any {
  if (Array.isArray(node)) return node.map(n => strict(n, refPrefix));
  if (node === null || typeof node !== 'object') return node;
  const out: any = {};
  for (const [key, value] of Object.entries(node)) {
    if (!KEEP.has(key)) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, strict(v, refPrefix)]));
    } else if (key === '$ref') {
      out.$ref = (value as string).replace('#/definitions/', refPrefix);
    } else if (key === 'enum' || key === 'required') {
      out[key] = value;
    } else if (key === 'pattern') {
      out.pattern = toEcmaPattern(value as string);
    } else {
      out[key] = strict(value, refPrefix);
    }
  }
  if (node['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.properties && !node['x-kubernetes-preserve-unknown-fields'] && node.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (node.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/**
 * The API server checks `pattern` with Go's RE2; ajv with ECMAScript regular expressions. They agree on the
 * syntax CRDs use, except RE2's inline flags: a leading `(?i)` (prometheus-operator's
 * `partial_response_strategy: ^(?i)(abort|warn)?$`) becomes a case-insensitive pattern by spelling each ASCII
 * letter outside a character class as `[xX]`. Any other inline flag is refused, so that a new one is noticed.
 */
export function toEcmaPattern(pattern: string): string {
  const flags = /\(\?[a-zA-Z]+\)/;
  if (!flags.test(pattern)) return pattern;
  const m = /^(\^?)\(\?i\)(.*)$/s.exec(pattern);
  if (!m || flags.test(m[2]) || m[2].includes('[')) throw new Error(`pattern ${pattern}: RE2 inline flags other than a leading (?i) are not translated`);
  let out = m[1];
  for (let i = 0; i < m[2].length; i++) {
    const c = m[2][i];
    if (c === '\\') { out += c + (m[2][++i] ?? ''); continue; }
    out += /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
  }
  return out;
}

/** Strict form of the Kubernetes `definitions` (OpenAPI v2), keyed as upstream, plus a kind index. */
export function toStrictDefinitions(definitions: Record<string, any>): any {
  const defs: Record<string, any> = {};
  const kinds: Record<string, string> = {};
  for (const [name, def] of Object.entries(definitions)) {
    defs[name] = strict(def, '#/definitions/');
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      // Only the top-level kinds carry their own apiVersion/kind enums; List and option kinds are skipped.
      if (def.properties?.kind?.enum?.includes(gvk.kind)) {
        kinds[`${gvk.group ? gvk.group + '/' : ''}${gvk.version}/${gvk.kind}`] = name;
      }
    }
  }
  return { $id: K8S_SCHEMA_ID, definitions: defs, kinds };
}

/** Strict, deduplicated JSON Schema for one served version of a CRD. */
export function toStrictCrdSchema(openApi: any, apiVersion: string, kind: string): any {
  const schema = strict(openApi, '#/definitions/');
  schema.properties = {
    ...schema.properties,
    apiVersion: { type: 'string', enum: [apiVersion] },
    kind: { type: 'string', enum: [kind] },
    metadata: { $ref: OBJECT_META },
  };
  schema.required = [...new Set(['apiVersion', 'kind', 'metadata', ...(schema.required ?? [])])];
  schema.additionalProperties = false;
  return dedupe(schema);
}

const MIN_SHARED_BYTES = 300;

function dedupe(schema: any): any {
  const counts = new Map<string, number>();
  const count = (node: any): string => {
    if (node === null || typeof node !== 'object') return JSON.stringify(node);
    const text = stableStringify(node);
    if (!Array.isArray(node)) counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const v of Object.values(node)) count(v);
    return text;
  };
  count(schema);
  const definitions: Record<string, any> = {};
  const names = new Map<string, string>();
  const replace = (node: any, isRoot: boolean): any => {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) return node.map(n => replace(n, false));
    const text = stableStringify(node);
    if (!isRoot && text.length >= MIN_SHARED_BYTES && (counts.get(text) ?? 0) > 1) {
      let name = names.get(text);
      if (!name) {
        name = `shared${names.size}`;
        names.set(text, name);
        definitions[name] = replaceChildren(node);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return replaceChildren(node);
  };
  const replaceChildren = (node: any): any => {
    const out: any = {};
    for (const [k, v] of Object.entries(node)) {
      // `properties` maps field names to schemas: its values are schemas, the map itself is not.
      out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([pk, pv]) => [pk, replace(pv, false)]))
        : k === 'enum' || k === 'required' ? v : replace(v, false);
    }
    return out;
  };
  const result = replace(schema, true);
  if (Object.keys(definitions).length > 0) result.definitions = definitions;
  return result;
}

/** JSON with keys sorted at every level, so generated files are byte-stable. */
export function stableStringify(value: any, indent?: number): string {
  const sort = (v: any): any => {
    if (Array.isArray(v)) return v.map(sort);
    if (v === null || typeof v !== 'object') return v;
    const out: any = {};
    for (const k of Object.keys(v).sort()) out[k] = sort(v[k]);
    return out;
  };
  return JSON.stringify(sort(value), undefined, indent);
}
