import { ClusterSecret, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, SECRET_TYPE_LABEL } from './cluster-secrets';
import { flattenObject, GitCheckout, GitGeneratorError, gitGeneratorParams } from './git-generator';
import { parseGoYamlDocument } from './go-yaml';
import { compareStrings, fromJson, GoMap, GoValue, isMap, MissingKey, normalizeName, sprint, stringMap, TemplateError, typed } from './gotemplate';
import { marshal } from './gotemplate/json';
import { setKey } from './gotemplate/sprig-lists';
import { renderRawJson, renderString, renderValue } from './render';
import { compileSelector, isEmptySelector } from './selector';
import { ownValue } from '../private/util';
import { InputError } from '../private/yaml-input';

/** Raised when a generator cannot be computed offline (it needs an SCM provider, a plugin service or the cluster). */
export class OfflineUnsupportedError extends Error {}

/** A parameter set: flat string params in fasttemplate mode, nested JSON values in Go-template mode. */
export type Params = GoMap;

/** What the expansion knows about the world. */
export interface ExpansionContext {
  /** Go-template mode. */
  readonly goTemplate: boolean;
  readonly missingKey: MissingKey;
  readonly goTemplateOptions: readonly string[];
  /** The registered cluster Secrets. */
  readonly clusters: readonly ClusterSecret[];
  /** Whether Argo CD's implicit in-cluster entry exists (`cluster.inClusterEnabled`). */
  readonly inClusterEnabled: boolean;
  /**
   * The files of a Git repository at a revision, as paths relative to its root, or undefined when unknown
   * (the git generator then cannot be expanded offline).
   */
  readonly gitFiles?: (repoURL: string, revision: string) => ReadonlyMap<string, string> | undefined;
  /** The repo server's `--include-hidden-directories`. */
  readonly includeHiddenDirectories?: boolean;
  /** The ApplicationSet controller's `--enable-new-git-file-globbing`. */
  readonly newGitFileGlobbing?: boolean;
  /** The AppProjects that exist (the git generator reads the template's project first), when known. */
  readonly projects?: ReadonlySet<string>;
  /** The ApplicationSet's `spec.template.spec.project`. */
  readonly templateProject?: string;
}

/** One top-level generator's result: its parameter sets and the template (merged with a generator-level one). */
export interface TransformResult {
  readonly params: Params[];
  readonly template: any;
}

const GENERATOR_KINDS = ['list', 'clusters', 'git', 'scmProvider', 'clusterDecisionResource', 'pullRequest', 'plugin', 'matrix', 'merge'] as const;

/**
 * Argo CD's `Transform` for one entry of `spec.generators` (generator_spec_processor.go): merges the generator's
 * template into the ApplicationSet's, interpolates `parentParams` into the generator (matrix), generates the
 * parameter sets and filters them with the post-generator selector.
 */
export function transform(generator: any, baseTemplate: any, ctx: ExpansionContext, parentParams?: Params, nested = false): TransformResult[] {
  const selector = compileSelectorOrThrow(generator?.selector);
  const kinds = GENERATOR_KINDS.filter(k => generator?.[k] != null);
  const results: TransformResult[] = [];
  let firstError: Error | undefined;
  for (const kind of kinds) {
    try {
      const template = mergeTemplates(generator[kind].template, baseTemplate);
      let g = generator;
      if (parentParams && Object.keys(parentParams).length > 0) g = interpolateGenerator(generator, parentParams, ctx);
      const params = generateParams(kind, g[kind], ctx, nested);
      const filtered = generator.selector != null ? params.filter(p => selector(flattenParams(p))) : params;
      results.push({ params: filtered, template });
    } catch (e) {
      if (e instanceof OfflineUnsupportedError || e instanceof InputError) throw e;
      firstError ??= e as Error;
    }
  }
  if (firstError) throw firstError;
  return results;
}

function compileSelectorOrThrow(selector: any): (labels: Record<string, string>) => boolean {
  try {
    return compileSelector(selector, false, 'pod');
  } catch (e) {
    throw new Error(`error parsing label selector: ${(e as Error).message}`);
  }
}

function generateParams(kind: typeof GENERATOR_KINDS[number], g: any, ctx: ExpansionContext, nested: boolean): Params[] {
  switch (kind) {
    case 'list': return listParams(g, ctx);
    case 'clusters': return clusterParams(g, ctx);
    case 'git': return gitParams(g, ctx);
    case 'matrix': return matrixParams(g, ctx, nested);
    case 'merge': return mergeParams(g, ctx, nested);
    default:
      throw new OfflineUnsupportedError(`the ${kind} generator needs a live service (SCM provider, plugin or cluster resource), so it cannot be expanded offline`);
  }
}

// ---- list -------------------------------------------------------------------------------------------------

function listParams(g: any, ctx: ExpansionContext): Params[] {
  const out: Params[] = [];
  for (const element of g.elements ?? []) {
    if (element !== null && !isMap(element)) throw new Error(`error unmarshling list element json: cannot unmarshal ${Array.isArray(element) ? 'array' : typeof element === 'string' ? 'string' : typeof element === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]interface {}`);
    if (ctx.goTemplate) { out.push(element === null ? {} : fromJson(element) as Params); continue; }
    // In flat mode an element without keys stays Go's nil map: no parameters at all.
    const params: Params = {};
    for (const [key, value] of Object.entries<any>(element ?? {})) {
      if (key === 'values') {
        if (!isMap(value)) throw new Error('error parsing values map');
        for (const [k, v] of Object.entries<any>(value)) {
          if (typeof v !== 'string') throw new Error('error parsing value as string %!w(<nil>)');
          setKey(params, `values.${k}`, v);
        }
      } else {
        if (typeof value !== 'string') throw new Error('error parsing value as string %!w(<nil>)');
        setKey(params, key, value);
      }
    }
    out.push(params);
  }
  if (typeof g.elementsYaml === 'string' && g.elementsYaml.length > 0) {
    let parsed: unknown;
    try {
      parsed = parseGoYamlDocument(g.elementsYaml);
    } catch (e) {
      throw new Error(`error unmarshling decoded ElementsYaml error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
    }
    if (parsed != null && !Array.isArray(parsed)) {
      throw new Error(`error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${typeof parsed === 'object' ? 'object' : typeof parsed === 'string' ? 'string' : typeof parsed === 'boolean' ? 'bool' : 'number'} into Go value of type []map[string]interface {}`);
    }
    for (const e of (parsed as any[] | null) ?? []) {
      if (e !== null && !isMap(e)) throw new Error('error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ' + (Array.isArray(e) ? 'array' : typeof e === 'string' ? 'string' : typeof e === 'boolean' ? 'bool' : 'number') + ' into Go value of type map[string]interface {}');
      out.push(e === null ? {} : fromJson(e) as Params);
    }
  }
  return out;
}

// ---- clusters ---------------------------------------------------------------------------------------------

/**
 * Argo CD's cluster generator (cluster.go): Secrets listed with the cluster label ANDed into the selector, in the
 * API server's order (by Secret name), collapsed by `data.name` (a Go map: the last wins), emitted sorted by
 * name (Argo CD's own order is random), then the implicit in-cluster entry when the selector is empty and no
 * listed Secret is for https://kubernetes.default.svc.
 */
function clusterParams(g: any, ctx: ExpansionContext): Params[] {
  const selector = g.selector ?? {};
  let matches: (labels: Record<string, string>) => boolean;
  try {
    // metav1.AddLabelToSelector sets the secret-type label over whatever the selector asks for it.
    matches = compileSelector({ ...selector, matchLabels: { ...selector.matchLabels, [SECRET_TYPE_LABEL]: 'cluster' } }, true);
  } catch (e) {
    throw new Error(`error getting cluster secrets: error converting label selector: ${(e as Error).message}`);
  }
  const byName = new Map<string, ClusterSecret>();
  for (const c of listOrder(ctx.clusters)) if (c.labels[SECRET_TYPE_LABEL] === 'cluster' && matches(c.labels)) byName.set(c.name, c);
  const selected = [...byName.values()].sort((a, b) => compareStrings(a.name, b.name));
  const out = selected.map(c => {
    const params = clusterParamSet(c, ctx);
    appendValues(params, g.values, ctx, 'error appending templated values for cluster: ');
    return params;
  });
  if (isEmptySelector(selector) && !selected.some(c => c.server === IN_CLUSTER_SERVER)) {
    const params: Params = { name: IN_CLUSTER_NAME, nameNormalized: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER, project: '' };
    appendValues(params, g.values, ctx, 'error appending templated values for local cluster: ');
    out.push(params);
  }
  if (g.flatList) return [{ clusters: typed(out, '[]map[string]interface {}') }];
  return out;
}

const listOrders = new WeakMap<readonly ClusterSecret[], readonly ClusterSecret[]>();

/** The Secrets in the order the API server lists them (by namespace and name), computed once per cluster list. */
function listOrder(clusters: readonly ClusterSecret[]): readonly ClusterSecret[] {
  let sorted = listOrders.get(clusters);
  if (!sorted) {
    sorted = [...clusters].sort((a, b) => compareStrings(`${a.namespace ?? ''}/${a.secretName}`, `${b.namespace ?? ''}/${b.secretName}`));
    listOrders.set(clusters, sorted);
  }
  return sorted;
}

/** A cluster's labels and annotations as Go map[string]string values, built once per Secret (templates cannot change them). */
const clusterMaps = new WeakMap<ClusterSecret, { labels?: GoMap; annotations?: GoMap }>();

/**
 * One cluster's params. In Go-template mode `metadata` holds `labels` and `annotations` only when the Secret has
 * some (so `index .metadata.annotations "x"` on a Secret without annotations is Argo CD's "index of untyped
 * nil"), and both are Go map[string]string.
 */
function clusterParamSet(c: ClusterSecret, ctx: ExpansionContext): Params {
  const params: Params = { name: c.name, nameNormalized: normalizeName(c.name), server: c.server, project: c.project };
  if (ctx.goTemplate) {
    let maps = clusterMaps.get(c);
    if (!maps) {
      maps = {
        annotations: Object.keys(c.annotations).length > 0 ? stringMap({ ...c.annotations }) : undefined,
        labels: Object.keys(c.labels).length > 0 ? stringMap({ ...c.labels }) : undefined,
      };
      clusterMaps.set(c, maps);
    }
    const meta: GoMap = {};
    if (maps.annotations) meta.annotations = maps.annotations;
    if (maps.labels) meta.labels = maps.labels;
    params.metadata = meta;
  } else {
    for (const [k, v] of Object.entries(c.annotations)) setKey(params, `metadata.annotations.${k}`, v);
    for (const [k, v] of Object.entries(c.labels)) setKey(params, `metadata.labels.${k}`, v);
  }
  return params;
}

/**
 * appendTemplatedValues: each value rendered against the params without the other values (so values cannot
 * see each other), added as `values.<k>` (flat) or a map[string]string `values` (Go templates).
 */
export function appendValues(params: Params, values: Record<string, string> | undefined, ctx: ExpansionContext, context: string): void {
  if (!values || Object.keys(values).length === 0) return;
  const rendered: GoMap = {};
  const flat: GoMap = {};
  for (const key of Object.keys(values).sort()) {
    let value: string;
    try {
      // a null decodes into a map[string]string as ""
      value = renderString(values[key] == null ? '' : String(values[key]), params, ctx.goTemplate, ctx.missingKey);
    } catch (e) {
      if (e instanceof TemplateError) {
        throw new TemplateError(`${context}failed to replace templated string: failed to replace templated string with rendered values: ${e.message}`);
      }
      throw e;
    }
    if (ctx.goTemplate) setKey(rendered, key, value);
    else setKey(flat, `values.${key}`, value);
  }
  if (ctx.goTemplate) params.values = stringMap(rendered);
  else for (const k of Object.keys(flat)) setKey(params, k, flat[k]);
}

// ---- git --------------------------------------------------------------------------------------------------

function gitParams(g: any, ctx: ExpansionContext): Params[] {
  const project = ctx.templateProject ?? '';
  if (ctx.projects && !project.includes('{{') && !ctx.projects.has(project)) {
    throw new Error(`error getting project ${project}: appprojects.argoproj.io "${project}" not found`);
  }
  const files = ctx.gitFiles?.(String(g.repoURL ?? ''), String(g.revision ?? ''));
  if (!files) throw new OfflineUnsupportedError(`the git generator reads ${g.repoURL}, whose content is not known offline (pass its files)`);
  const checkout: GitCheckout = { files, includeHiddenDirectories: ctx.includeHiddenDirectories, newGitFileGlobbing: ctx.newGitFileGlobbing };
  const dirs = Array.isArray(g.directories) && g.directories.length > 0;
  try {
    return gitGeneratorParams(g, checkout, ctx.goTemplate, (params, file) => appendValues(params, g.values, ctx, dirs
      ? 'error generating params from git: error generating params from apps: failed to append templated values: '
      : `error generating params from git: unable to process file '${file}' from repository '${g.repoURL}': failed to append templated values: `));
  } catch (e) {
    if (e instanceof GitGeneratorError) throw new Error(e.message.startsWith('error generating params from git: ') || e.message === 'generator is empty' ? e.message : `error generating params from git: ${e.message}`);
    throw e;
  }
}

// ---- matrix and merge -------------------------------------------------------------------------------------

/**
 * A matrix or merge child (getParams): a top-level combinator's children may be combinators themselves (JSON),
 * whose own children are ApplicationSetTerminalGenerator, which has no matrix or merge field (so a deeper
 * combinator is dropped, and an otherwise empty child "generated no parameters").
 */
function childResult(child: any, ctx: ExpansionContext, terminal: boolean, parentParams?: Params): Params[] {
  // Since Argo CD 3.0 nested selectors always apply.
  let generator = child;
  if (terminal && isMap(child)) generator = Object.fromEntries(Object.entries(child).filter(([k]) => k !== 'matrix' && k !== 'merge'));
  let results: TransformResult[];
  try {
    results = transform(generator, {}, ctx, parentParams, true);
  } catch (e) {
    if (e instanceof OfflineUnsupportedError || e instanceof InputError) throw e;
    throw new Error(`child generator returned an error on parameter generation: ${(e as Error).message}`);
  }
  if (results.length === 0) throw new Error('child generator generated no parameters');
  if (results.length > 1) throw new Error('found more than one generator in matrix.Generators');
  return results[0].params;
}

function matrixParams(g: any, ctx: ExpansionContext, nested: boolean): Params[] {
  const children: any[] = g.generators ?? [];
  if (children.length < 2) throw new Error('found less than two generators, Matrix support only two');
  if (children.length > 2) throw new Error('found more than two generators, Matrix support only two');
  let first: Params[];
  try {
    first = childResult(children[0], ctx, nested);
  } catch (e) {
    if (e instanceof OfflineUnsupportedError || e instanceof InputError) throw e;
    throw new Error(`error failed to get params for first generator in matrix generator: ${(e as Error).message}`);
  }
  const out: Params[] = [];
  for (const a of first) {
    let second: Params[];
    try {
      second = childResult(children[1], ctx, nested, a);
    } catch (e) {
      if (e instanceof OfflineUnsupportedError || e instanceof InputError) throw e;
      throw new Error(`failed to get params for second generator in the matrix generator: ${(e as Error).message}`);
    }
    for (const b of second) {
      if (ctx.goTemplate) {
        out.push(deepMerge(deepMerge({}, b, true), a, true));
      } else {
        out.push(combineStringMaps(a, b));
      }
    }
  }
  return out;
}

/**
 * utils.CombineStringMaps: both sides printed with %v first (so an `elementsYaml` number or map becomes a string
 * parameter), then joined; the same key with different strings is an error.
 */
function combineStringMaps(a: Params, b: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(a)) setKey(out, k, typeof v === 'string' ? v : sprint([v]));
  for (const [k, raw] of Object.entries(b)) {
    const v = typeof raw === 'string' ? raw : sprint([raw]);
    if (Object.prototype.hasOwnProperty.call(out, k) && out[k] !== v) {
      throw new Error(`failed to combine string maps with merging params for the matrix generator: found duplicate key ${k} with different value, a: ${out[k] as string} ,b: ${v}`);
    }
    setKey(out, k, v);
  }
  return out;
}

function mergeParams(g: any, ctx: ExpansionContext, nested: boolean): Params[] {
  const children: any[] = g.generators ?? [];
  if (children.length < 2) throw new Error('found less than two generators, Merge requires two or more');
  const childParams = children.map((c, i) => {
    try {
      return childResult(c, ctx, nested);
    } catch (e) {
      if (e instanceof OfflineUnsupportedError || e instanceof InputError) throw e;
      throw new Error(`error getting param sets from generators: error getting params from generator ${i + 1} of ${children.length}: ${(e as Error).message}`);
    }
  });
  const keys: string[] = [...new Set<string>(g.mergeKeys ?? [])].sort();
  if (keys.length === 0) throw new Error('error getting param sets by merge key: no merge keys were specified, Merge requires at least one');
  // encoding/json of a map: keys sorted at every depth, `<`, `>`, `&` escaped; a set without the key is keyed as null.
  const keyOf = (p: Params): string => {
    const o: GoMap = {};
    for (const k of keys) setKey(o, k, Object.prototype.hasOwnProperty.call(p, k) ? p[k] : null);
    return marshal(o);
  };
  const index = (sets: Params[]): Map<string, Params> => {
    const m = new Map<string, Params>();
    for (const p of sets) {
      const k = keyOf(p);
      if (m.has(k)) {
        throw new Error('error getting param sets by merge key: the parameters from a generator were not unique by the given mergeKeys, '
          + `Merge requires all param sets to be unique. Duplicate key was ${k}`);
      }
      m.set(k, p);
    }
    return m;
  };
  const base = index(childParams[0]);
  for (const override of childParams.slice(1)) {
    for (const [k, p] of index(override)) {
      const b = base.get(k);
      if (!b) continue;
      base.set(k, ctx.goTemplate ? deepMerge(b, p, true) : { ...b, ...p });
    }
  }
  return [...base.values()];
}

/**
 * mergo.Merge into a copy of `dst` for maps of interface{} values: nested maps merge recursively; with
 * `override`, every value `src` has wins, even false, 0 or "" (mergo only sees a nil interface as empty, so
 * `booleanFalse: false` from matrix child 1 beats `true` from child 2 — matrix_test "parameter override").
 */
export function deepMerge(dst: GoMap, src: GoMap, override: boolean): GoMap {
  const out: GoMap = { ...dst };
  for (const [k, v] of Object.entries(src)) {
    const cur = out[k];
    if (isMap(cur) && isMap(v)) setKey(out, k, deepMerge(cur, v, override));
    else if (!Object.prototype.hasOwnProperty.call(out, k) || cur === null || override) setKey(out, k, v);
  }
  return out;
}

function isEmpty(v: GoValue | undefined): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false || Array.isArray(v) && v.length === 0;
}

/**
 * The generator-level template merged with the ApplicationSet's (mergo without override): the generator's
 * non-empty fields win, empty ones fall back.
 */
export function mergeTemplates(generatorTemplate: any, base: any): any {
  if (generatorTemplate == null) return base;
  if (base == null) return generatorTemplate;
  if (isMap(generatorTemplate) && isMap(base)) {
    const out: any = { ...generatorTemplate };
    for (const [k, v] of Object.entries<any>(base)) {
      // Own keys only: a label `constructor` the generator's template lacks is missing there, as in a Go map.
      const cur = ownValue<GoValue>(out, k);
      if (isMap(cur) && isMap(v)) out[k] = mergeTemplates(cur, v);
      else if (isEmpty(cur) || isMap(cur) && Object.keys(cur).length === 0) out[k] = v;
    }
    return out;
  }
  return isEmpty(generatorTemplate) ? base : generatorTemplate;
}

/** The generator kinds whose Go type has `Values map[string]string` (utils.go getFilteredGeneratorTypes). */
const VALUES_GENERATORS: ReadonlySet<string> = new Set(['clusters', 'git', 'scmProvider', 'clusterDecisionResource', 'pullRequest', 'plugin']);

/** ApplicationSetGenerator's fields in Go struct order (the order `deeplyReplace` renders them in). */
const GENERATOR_FIELDS = ['list', 'clusters', 'git', 'scmProvider', 'clusterDecisionResource', 'pullRequest', 'matrix', 'merge', 'selector', 'plugin'] as const;

/**
 * Renders the parent's params into every string of a child generator (matrix), as RenderGeneratorParams does over
 * the Go types: fields in struct order (fields the type lacks are not rendered), list elements as JSON (a failure
 * there is "failed to deeply replace JSON field contents"), a nested matrix or merge through its children (which
 * have no matrix or merge of their own). The `values` of a generator whose Go type has them are pre-resolved
 * entry by entry, keys untouched (Argo CD ≥ 3.5.0, #27830), at any depth; in Go-template mode with
 * `missingkey=error`, and an entry whose error is a missing key ("map has no entry for key", "can't evaluate
 * field") stays a template, rendered later against the child's own params, so `{{.name}}` still works. Any other
 * error fails: `failed to pre-resolve Values key "k": …`.
 */
function interpolateGenerator(generator: any, params: Params, ctx: ExpansionContext): any {
  try {
    return interpolateFields(generator, params, ctx, false);
  } catch (e) {
    if (e instanceof TemplateError) throw new Error(`failed to replace parameters in generator: ${e.message}`);
    throw e;
  }
}

function interpolateFields(generator: any, params: Params, ctx: ExpansionContext, terminal: boolean): any {
  if (!isMap(generator)) return renderValue(generator, params, ctx.goTemplate, ctx.missingKey);
  const out: any = {};
  for (const key of GENERATOR_FIELDS) {
    const value = generator[key];
    if (value == null || terminal && (key === 'matrix' || key === 'merge')) continue;
    out[key] = interpolateField(key, value, params, ctx);
  }
  return out;
}

/** The JSON fields of the generator types expanded offline, in Go struct order (applicationset_types.go). */
const GENERATOR_TYPE_FIELDS: Record<string, readonly string[]> = {
  list: ['elements', 'template', 'elementsYaml'],
  clusters: ['selector', 'template', 'values', 'flatList'],
  git: ['repoURL', 'directories', 'files', 'revision', 'requeueAfterSeconds', 'template', 'pathParamPrefix', 'values'],
  matrix: ['generators', 'template'],
  merge: ['generators', 'mergeKeys', 'template'],
};

function interpolateField(key: typeof GENERATOR_FIELDS[number], value: any, params: Params, ctx: ExpansionContext): any {
  const render = (v: any) => renderValue(v, params, ctx.goTemplate, ctx.missingKey);
  if (!isMap(value)) return render(value);
  const fields = GENERATOR_TYPE_FIELDS[key];
  if (!fields) {
    // a generator that needs a live service: rendered whole (its expansion is refused anyway)
    if (!VALUES_GENERATORS.has(key) || !isMap(value.values)) return render(value);
    const { values, ...rest } = value;
    return { ...render(rest), values: preResolveValues(values, params, ctx) };
  }
  const out: any = {};
  for (const field of fields) {
    const v = value[field];
    if (v === undefined) continue;
    if (key === 'list' && field === 'elements' && Array.isArray(v)) out[field] = v.map(e => renderRawJson(e, params, ctx));
    else if ((key === 'matrix' || key === 'merge') && field === 'generators' && Array.isArray(v)) out[field] = v.map(c => interpolateFields(c, params, ctx, true));
    else if (field === 'values' && VALUES_GENERATORS.has(key) && isMap(v)) out[field] = preResolveValues(v, params, ctx);
    else out[field] = render(v);
  }
  return out;
}

/** A generator's `values` map[string]string, pre-resolved against the parent's params (utils.go RenderGeneratorParams). */
function preResolveValues(values: Record<string, any>, params: Params, ctx: ExpansionContext): Record<string, any> {
  const resolved: Record<string, any> = {};
  // Go ranges over the map in random order; the first failing key in code-unit order is reported.
  for (const k of Object.keys(values).sort(compareStrings)) {
    const v = values[k];
    try {
      setKey(resolved, k, typeof v === 'string' ? renderString(v, params, ctx.goTemplate, ctx.goTemplate ? 'error' : ctx.missingKey) : v);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      if (/map has no entry for key|can't evaluate field/.test(e.message)) { setKey(resolved, k, v); continue; }
      throw new TemplateError(`failed to pre-resolve Values key ${JSON.stringify(k)}: ${e.message}`);
    }
  }
  return resolved;
}

/**
 * The post-generator selector's view of a param set (flattenParameters): map[string]string values normalized to
 * plain maps along map chains, then jeremywohl/flatten with dots, leaves printed with %v.
 */
export function flattenParams(p: Params): Record<string, string> {
  return flattenObject(p, true);
}
