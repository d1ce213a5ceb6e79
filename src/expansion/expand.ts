import { APPLICATION, decodeTyped, encodeRendered, encodeTyped, GoJsonTypeError, Renderer, renderTyped, STRUCTS } from './application-type';
import { ClusterSecret, IN_CLUSTER_NAME, IN_CLUSTER_SERVER, KnownClusterIndex, knownClusterIndex } from './cluster-secrets';
import { ExpansionContext, OfflineUnsupportedError, transform } from './generators';
import { parseGoYaml } from './go-yaml';
import { isMap, missingKeyOption, missingStringKeys, TemplateError } from './gotemplate';
import { JsonSyntaxError, marshal, unmarshal } from './gotemplate/json';
import { renderRawJson, renderString, renderWalk } from './render';
import { StrategicMergeError, strategicMerge } from './strategic-merge';
import { compareCodeUnits } from '../private/util';
import { InputError } from '../private/yaml-input';

export { OfflineUnsupportedError } from './generators';

/** The finalizer Argo CD adds to generated Applications unless resources are preserved on deletion. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Inputs of an offline expansion besides the ApplicationSet. */
export interface ExpansionOptions {
  /** The registered cluster Secrets. */
  readonly clusters: readonly ClusterSecret[];
  /**
   * The AppProjects that exist, by name. Applications of another project are rejected, as Argo CD does.
   * @default - projects are not checked (but an empty project name, which no AppProject can have, is rejected)
   */
  readonly projects?: ReadonlySet<string>;
  /** @default true */
  readonly inClusterEnabled?: boolean;
  /** The content of Git repositories the git generator reads. */
  readonly gitFiles?: ExpansionContext['gitFiles'];
  /**
   * The repo server's `--include-hidden-directories` (the git directory generator then lists `.hidden` directories).
   * @default false
   */
  readonly includeHiddenDirectories?: boolean;
  /**
   * The ApplicationSet controller's `--enable-new-git-file-globbing` (doublestar globbing for the git files generator).
   * @default false
   */
  readonly newGitFileGlobbing?: boolean;
}

/** A generated Application that Argo CD would not create, and why. */
export interface RejectedApplication {
  readonly name: string;
  readonly reason: string;
}

/** The outcome of expanding one ApplicationSet. */
export interface ExpansionResult {
  readonly applicationSet: string;
  /** The Applications Argo CD would create or update, sorted by name. */
  readonly applications: any[];
  /** Generated Applications that fail Argo CD's validation (left out of `applications`). */
  readonly rejected: RejectedApplication[];
  /** The error that fails the whole generation (Argo CD then changes nothing); `applications` is empty. */
  readonly error?: string;
  /** Set when a generator cannot be computed offline; `applications` is empty. */
  readonly unsupported?: string;
  /** Label or annotation keys a template read from a cluster that lacks them (Go's `index` yields ""). */
  readonly missingParameters?: { application: string; keys: string[] }[];
}

/**
 * Computes the Applications Argo CD v3.5.1's ApplicationSet controller generates from `applicationSet` (wire
 * format) and the registered clusters: generators, post-selectors, generator templates, both template modes,
 * finalizers, `templatePatch`, the forced namespace, then `validateGeneratedApplications` (duplicate names drop
 * every copy; unknown projects and destinations are rejected). A render error fails everything, as in Argo CD.
 */
export function expandApplicationSet(applicationSet: any, options: ExpansionOptions): ExpansionResult {
  const name = String(applicationSet?.metadata?.name ?? '');
  const namespace = applicationSet?.metadata?.namespace;
  const spec = applicationSet?.spec ?? {};
  const fail = (error: string): ExpansionResult => ({ applicationSet: name, applications: [], rejected: [], error });
  const goTemplate = spec.goTemplate === true;
  let missingKey;
  try {
    missingKey = missingKeyOption(goTemplate ? spec.goTemplateOptions ?? [] : []);
  } catch (e) {
    return fail((e as Error).message);
  }
  const ctx: ExpansionContext = {
    goTemplate,
    missingKey,
    goTemplateOptions: spec.goTemplateOptions ?? [],
    clusters: options.clusters,
    inClusterEnabled: options.inClusterEnabled ?? true,
    gitFiles: options.gitFiles,
    includeHiddenDirectories: options.includeHiddenDirectories,
    newGitFileGlobbing: options.newGitFileGlobbing,
    projects: options.projects,
    templateProject: typeof spec.template?.spec?.project === 'string' ? spec.template.spec.project : '',
  };
  const shapeError = specShapeError(spec);
  if (shapeError) return fail(shapeError);
  const generated: any[] = [];
  const missingParameters: { application: string; keys: string[] }[] = [];
  let firstError: string | undefined;
  for (const generator of spec.generators ?? []) {
    let results;
    try {
      results = transform(generator, spec.template ?? {}, ctx);
    } catch (e) {
      if (e instanceof OfflineUnsupportedError) return { applicationSet: name, applications: [], rejected: [], unsupported: e.message };
      if (e instanceof InputError) throw e;
      return fail((e as Error).message);
    }
    for (const result of results) {
      for (const params of result.params) {
        const missing = new Set<string>();
        missingStringKeys.current = missing;
        try {
          const app = renderApplication(result.template, params, spec, namespace, ctx);
          generated.push(app);
          if (missing.size) missingParameters.push({ application: String(app.metadata.name ?? ''), keys: [...missing].sort() });
        } catch (e) {
          if (!(e instanceof TemplateError) && !(e instanceof PatchError) && !(e instanceof GoJsonTypeError)) throw e;
          firstError ??= e.message;
        } finally {
          missingStringKeys.current = undefined;
        }
      }
    }
  }
  if (firstError) return fail(firstError);
  const { valid, rejected } = validateGenerated(name, generated, options);
  valid.sort((a, b) => compareCodeUnits(a.metadata.name, b.metadata.name));
  return { applicationSet: name, applications: valid, rejected, missingParameters: missingParameters.length ? missingParameters : undefined };
}

class PatchError extends Error {}

/** What encoding/json would say about an ApplicationSet spec of the wrong shape (the CLI and the API server decode it first). */
function specShapeError(spec: any): string | undefined {
  const kind = (v: unknown) => (typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : Array.isArray(v) ? 'array' : 'object');
  const field = (path: string, v: unknown, type: string) => `json: cannot unmarshal ${kind(v)} into Go struct field ApplicationSetSpec.${path} of type ${type}`;
  if (!isMap(spec)) return `json: cannot unmarshal ${kind(spec)} into Go struct field ApplicationSet.spec of type v1alpha1.ApplicationSetSpec`;
  if (spec.generators != null && !Array.isArray(spec.generators)) return field('spec.generators', spec.generators, '[]v1alpha1.ApplicationSetGenerator');
  for (const g of spec.generators ?? []) if (g != null && !isMap(g)) return field('spec.generators', g, 'v1alpha1.ApplicationSetGenerator');
  if (spec.template != null && !isMap(spec.template)) return field('spec.template', spec.template, 'v1alpha1.ApplicationSetTemplate');
  if (spec.templatePatch != null && typeof spec.templatePatch !== 'string') return field('spec.templatePatch', spec.templatePatch, 'string');
  if (spec.goTemplateOptions != null && !Array.isArray(spec.goTemplateOptions)) return field('spec.goTemplateOptions', spec.goTemplateOptions, '[]string');
  for (const g of spec.generators ?? []) {
    const elements = (g as any)?.list?.elements;
    if (elements != null && !Array.isArray(elements)) return `json: cannot unmarshal ${kind(elements)} into Go struct field ListGenerator.spec.generators.list.elements of type []v1.JSON`;
    const error = valuesShapeError(g, 'spec.generators', kind);
    if (error) return error;
    // a matrix's or merge's children are typed in the same decoding (ApplicationSetNestedGenerator)
    for (const combinator of ['matrix', 'merge']) {
      const children = (g as any)?.[combinator]?.generators;
      for (const child of Array.isArray(children) ? children : []) {
        const childError = valuesShapeError(child, `spec.generators.${combinator}.generators`, kind);
        if (childError) return childError;
      }
    }
  }
  return undefined;
}

/** The Go types of the generators whose `values` is a map[string]string (applicationset_types.go). */
const VALUES_TYPES: Record<string, string> = {
  clusters: 'ClusterGenerator',
  git: 'GitGenerator',
  scmProvider: 'SCMProviderGenerator',
  clusterDecisionResource: 'DuckTypeGenerator',
  pullRequest: 'PullRequestGenerator',
  plugin: 'PluginGenerator',
};

/** encoding/json's error for a generator `values` that is not a map of strings (a YAML `replicas: 3`, say). */
function valuesShapeError(generator: any, path: string, kind: (v: unknown) => string): string | undefined {
  if (!isMap(generator)) return undefined;
  for (const [key, type] of Object.entries(VALUES_TYPES)) {
    const values = isMap(generator[key]) ? generator[key].values : undefined;
    if (values == null) continue;
    const field = `Go struct field ${type}.${path}.${key}.values of type`;
    if (!isMap(values)) return `json: cannot unmarshal ${kind(values)} into ${field} map[string]string`;
    for (const v of Object.values(values)) if (v != null && typeof v !== 'string') return `json: cannot unmarshal ${kind(v)} into ${field} string`;
  }
  return undefined;
}

/** The typed template (ApplicationSetTemplate: the ObjectMeta fields a template may set, and the spec). */
const TEMPLATE = { struct: 'Application' } as const;

/**
 * RenderTemplateParams, the finalizer, templatePatch and the forced namespace, over the Go types: the template is
 * decoded into an Application (unknown fields dropped, a wrong type an error), every string and map key rendered,
 * and the result encoded as Go does (omitempty fields that render empty vanish; a *bool false stays).
 */
function renderApplication(template: any, params: any, spec: any, namespace: string | undefined, ctx: ExpansionContext): any {
  const decoded = decodedTemplate(template);
  if (typeof spec.templatePatch !== 'string' && !(isMap(params) && Object.keys(params).length === 0)) {
    const fast = renderEncodedApplication(decoded, params, spec, namespace, ctx);
    if (fast) return fast;
  }
  return renderDecodedApplication(decoded, params, spec, namespace, ctx);
}

/**
 * The general path of `renderApplication` (any template, templatePatch, empty parameters, and every error):
 * Argo CD's order, rendering the whole template, then the finalizer, the patch and the namespace, then encoding.
 * Exported for the test that compares it with `renderEncodedApplication`.
 */
export function renderDecodedApplication(
  decoded: Record<string, any>, params: any, spec: any, namespace: string | undefined, ctx: ExpansionContext,
): any {
  let app = decoded;
  // With no parameters at all, Argo CD returns the template as it is: nothing is rendered, no finalizer is added.
  if (isMap(params) && Object.keys(params).length === 0) {
    app = structuredClone(app);
  } else {
    app = renderTyped(app, APPLICATION, {
      string: text => renderString(text, params, ctx.goTemplate, ctx.missingKey),
      value: v => renderWalk(v, params, ctx.goTemplate, ctx.missingKey),
      raw: v => renderRawJson(v, params, ctx),
    }) as Record<string, any>;
    app.metadata ??= {};
    if (spec.syncPolicy?.preserveResourcesOnDeletion !== true && !(app.metadata.finalizers?.length)) {
      app.metadata.finalizers = [RESOURCES_FINALIZER];
    }
  }
  if (typeof spec.templatePatch === 'string') app = applyTemplatePatch(app, spec.templatePatch, params, ctx);
  app.metadata ??= {};
  if (namespace === undefined || namespace === '') delete app.metadata.namespace;
  else app.metadata.namespace = namespace;
  const out = encodeTyped({ ...app, kind: 'Application', apiVersion: 'argoproj.io/v1alpha1' }, APPLICATION) as Record<string, any>;
  return { apiVersion: out.apiVersion, kind: out.kind, metadata: out.metadata, spec: out.spec };
}

/**
 * What `renderDecodedApplication` computes without a templatePatch, with the spec rendered and encoded in one
 * walk (`encodeRendered`). Undefined when anything fails, so that the general path reports the error Argo CD
 * reports first (it renders in the template's key order). test/expansion/render-paths.test.ts compares both.
 */
export function renderEncodedApplication(
  decoded: Record<string, any>, params: any, spec: any, namespace: string | undefined, ctx: ExpansionContext,
): any {
  const render: Renderer = {
    string: text => renderString(text, params, ctx.goTemplate, ctx.missingKey),
    value: v => renderWalk(v, params, ctx.goTemplate, ctx.missingKey),
  };
  let metadata: Record<string, any>;
  let encodedSpec: unknown;
  try {
    metadata = render.value(decoded.metadata) as Record<string, any>;
    encodedSpec = encodeRendered(decoded.spec, SPEC, render);
  } catch {
    return undefined;
  }
  if (spec.syncPolicy?.preserveResourcesOnDeletion !== true && !(metadata.finalizers?.length)) metadata.finalizers = [RESOURCES_FINALIZER];
  if (namespace === undefined || namespace === '') delete metadata.namespace;
  else metadata.namespace = namespace;
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: encodeTyped(metadata, META), spec: encodedSpec };
}

const SPEC = { struct: 'ApplicationSpec' } as const;
const META = { struct: 'ObjectMeta' } as const;

const decodedTemplates = new WeakMap<object, Record<string, any>>();

/** The template decoded into the Go types, once per template object (every parameter set renders the same one). */
export function decodedTemplate(template: any): Record<string, any> {
  const t = template ?? {};
  const cached = typeof t === 'object' ? decodedTemplates.get(t) : undefined;
  if (cached) return cached;
  const wire = { metadata: pickMeta(t.metadata), spec: t.spec ?? {} };
  const app = decodeTyped(wire, TEMPLATE, { struct: 'ApplicationSetTemplate', path: ['spec', 'template'] }) as Record<string, any>;
  app.metadata ??= {};
  if (typeof t === 'object') decodedTemplates.set(t, app);
  return app;
}

function pickMeta(m: any): any {
  if (!isMap(m)) return m;
  const out: any = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations', 'finalizers']) if (m[k] !== undefined) out[k] = m[k];
  return out;
}

/**
 * `templatePatch` (patch.go): rendered, YAML to JSON (text starting with `{` is taken as JSON), checked against the
 * Application type, applied as a strategic merge patch to the Application as Go marshals it, decoded back; a
 * change of `spec.project` is dropped.
 */
function applyTemplatePatch(app: Record<string, any>, patchTemplate: string, params: any, ctx: ExpansionContext): Record<string, any> {
  let rendered: string;
  try {
    rendered = renderString(patchTemplate, params, ctx.goTemplate, ctx.missingKey);
  } catch (e) {
    if (e instanceof TemplateError) throw new PatchError(`error replacing values in templatePatch: ${e.message}`);
    throw e;
  }
  let patch: unknown;
  const isJson = rendered.trim().startsWith('{');
  try {
    patch = isJson ? unmarshal(rendered) : parseGoYaml(rendered);
  } catch (e) {
    if (isJson && e instanceof JsonSyntaxError) throw new PatchError(`invalid templatePatch ${quoteGo(rendered)}: ${(e as Error).message}`);
    throw new PatchError(`error while converting template to json ${quoteGo(rendered)}: error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const converted = isJson ? rendered : marshalJson(patch);
  if (patch !== null && patch !== undefined && !isMap(patch)) {
    throw new PatchError(`invalid templatePatch ${quoteGo(converted)}: json: cannot unmarshal ${Array.isArray(patch) ? 'array' : typeof patch === 'string' ? 'string' : typeof patch === 'boolean' ? 'bool' : 'number'} into Go value of type v1alpha1.Application`);
  }
  try {
    decodeTyped(patch, APPLICATION, { struct: 'Application', path: [] });
  } catch (e) {
    if (e instanceof GoJsonTypeError) throw new PatchError(`invalid templatePatch ${quoteGo(converted)}: ${e.message}`);
    throw e;
  }
  const project = app.spec?.project;
  let merged: Record<string, unknown>;
  try {
    merged = strategicMerge(encodeTyped(app, APPLICATION) as Record<string, unknown>, patch, APPLICATION);
  } catch (e) {
    if (e instanceof StrategicMergeError) throw new PatchError(`error while applying templatePatch template to json ${quoteGo(converted)}: ${e.message}`);
    throw e;
  }
  const out = decodeTyped(merged, APPLICATION, { struct: 'Application', path: [] }) as Record<string, any>;
  out.spec ??= {};
  if (project === undefined) delete out.spec.project;
  else out.spec.project = project;
  return out;
}

function marshalJson(v: unknown): string {
  try {
    return marshal(v as any, true);
  } catch {
    return JSON.stringify(v);
  }
}

/** strconv.Quote, as `%q` prints a string. */
function quoteGo(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, c => `\\u00${c.charCodeAt(0).toString(16)}`);
}

void STRUCTS;

function validateGenerated(appSetName: string, apps: any[], options: ExpansionOptions): { valid: any[]; rejected: RejectedApplication[] } {
  const rejected: RejectedApplication[] = [];
  const counts = new Map<string, number>();
  for (const a of apps) counts.set(a.metadata.name, (counts.get(a.metadata.name) ?? 0) + 1);
  const known = knownClusterIndex(options.clusters, options.inClusterEnabled ?? true);
  const valid: any[] = [];
  const reportedDuplicates = new Set<string>();
  for (const app of apps) {
    const appName = String(app.metadata.name ?? '');
    if ((counts.get(appName) ?? 0) > 1) {
      if (!reportedDuplicates.has(appName)) {
        reportedDuplicates.add(appName);
        rejected.push({ name: appName, reason: `ApplicationSet ${appSetName} contains applications with duplicate name: ${appName}` });
      }
      continue;
    }
    const project = app.spec?.project;
    // An AppProject named "" cannot exist: the controller's Get of it is NotFound even when projects are not known.
    if (options.projects ? !options.projects.has(project) : project === '' || project === undefined) {
      rejected.push({ name: appName, reason: `application references project ${project} which does not exist` });
      continue;
    }
    const destinationError = destinationErrors(app.spec?.destination ?? {}, known, options.inClusterEnabled ?? true);
    if (destinationError) {
      rejected.push({ name: appName, reason: `application destination spec is invalid: ${destinationError}` });
      continue;
    }
    const nameError = applicationNameError(appName);
    if (nameError) {
      rejected.push({ name: appName, reason: nameError });
      continue;
    }
    valid.push(app);
  }
  return { valid, rejected };
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/**
 * The API server's refusal of an Application named `name` (apimachinery ValidateObjectMetaAccessor with
 * NameIsDNSSubdomain: "Required value" for an empty name, else one field error per IsDNS1123Subdomain message,
 * aggregated as errors.NewInvalid prints them), or undefined for a valid name. The controller's create fails
 * for that Application alone.
 */
function applicationNameError(name: string): string | undefined {
  const head = `Application.argoproj.io ${quoteGo(name)} is invalid: `;
  if (name === '') return `${head}metadata.name: Required value: name or generateName is required`;
  const messages: string[] = [];
  if (name.length > 253) messages.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(name)) {
    messages.push('a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an '
      + `alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`);
  }
  if (messages.length === 0) return undefined;
  const errors = messages.map(m => `metadata.name: Invalid value: ${quoteGo(name)}: ${m}`);
  return head + (errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
}

/**
 * argoutil.GetDestinationCluster (util/argo/argo.go) over the known clusters: exactly one of name and server; a
 * name must resolve to one cluster, a server (trailing "/" trimmed) must be known; the in-cluster address is
 * "disabled" when `cluster.inClusterEnabled` is "false" (util/db/cluster.go GetCluster).
 */
function destinationErrors(destination: any, known: KnownClusterIndex, inClusterEnabled: boolean): string | undefined {
  const { name, server } = destination;
  if (name && server) return `application destination can't have both name and server defined: ${name} ${server}`;
  let url: string;
  if (server) {
    url = String(server).replace(/\/+$/, '');
  } else if (name) {
    // db.GetClusterServersByName: the Secrets with the name; "in-cluster" is the local cluster only when no Secret
    // has that name, and a disabled local cluster is filtered out.
    let servers = known.secretServersByName.get(name) ?? [];
    if (name === IN_CLUSTER_NAME || servers.includes(IN_CLUSTER_SERVER)) {
      if (servers.length === 0 && name === IN_CLUSTER_NAME && inClusterEnabled) servers = [IN_CLUSTER_SERVER];
      else if (!inClusterEnabled) servers = servers.filter(s => s !== IN_CLUSTER_SERVER);
    }
    if (servers.length === 0) return `there are no clusters with this name: ${name}`;
    if (servers.length > 1) return `there are ${servers.length} clusters with the same name: [${servers.join(' ')}]`;
    url = servers[0];
  } else {
    return 'Destination server missing from app spec';
  }
  const context = server ? `error getting cluster by server ${JSON.stringify(server)}` : 'error getting cluster by URL';
  if (url === IN_CLUSTER_SERVER && !inClusterEnabled) return `${context}: rpc error: code = NotFound desc = cluster ${JSON.stringify(url)} is disabled`;
  if (!known.byServer.has(url)) return `${context}: rpc error: code = NotFound desc = cluster ${JSON.stringify(url)} not found`;
  return undefined;
}

