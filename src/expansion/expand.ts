import { ClusterSecret, KnownClusterIndex, knownClusterIndex } from './cluster-secrets';
import { ExpansionContext, OfflineUnsupportedError, transform } from './generators';
import { parseGoYaml } from './go-yaml';
import { isMap, missingKeyOption, missingStringKeys, TemplateError } from './gotemplate';
import { renderString, renderValue } from './render';
import { dns1123SubdomainErrors } from '../private/names';

export { OfflineUnsupportedError } from './generators';

/** The finalizer Argo CD adds to generated Applications unless resources are preserved on deletion. */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** Inputs of an offline expansion besides the ApplicationSet. */
export interface ExpansionOptions {
  /** The registered cluster Secrets. */
  readonly clusters: readonly ClusterSecret[];
  /**
   * The AppProjects that exist, by name. Applications of another project are rejected, as Argo CD does.
   * @default - projects are not checked
   */
  readonly projects?: ReadonlySet<string>;
  /** @default true */
  readonly inClusterEnabled?: boolean;
  /** The content of Git repositories the git generator reads. */
  readonly gitFiles?: ExpansionContext['gitFiles'];
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
  };
  const generated: any[] = [];
  const missingParameters: { application: string; keys: string[] }[] = [];
  let firstError: string | undefined;
  for (const generator of spec.generators ?? []) {
    let results;
    try {
      results = transform(generator, spec.template ?? {}, ctx);
    } catch (e) {
      if (e instanceof OfflineUnsupportedError) return { applicationSet: name, applications: [], rejected: [], unsupported: e.message };
      return fail((e as Error).message);
    }
    for (const result of results) {
      for (const params of result.params) {
        const missing = new Set<string>();
        missingStringKeys.current = missing;
        try {
          const app = renderApplication(result.template, params, spec, namespace, ctx);
          generated.push(app);
          if (missing.size) missingParameters.push({ application: String(app.metadata.name), keys: [...missing].sort() });
        } catch (e) {
          if (!(e instanceof TemplateError) && !(e instanceof PatchError)) throw e;
          firstError ??= e.message;
        } finally {
          missingStringKeys.current = undefined;
        }
      }
    }
  }
  if (firstError) return fail(firstError);
  const { valid, rejected } = validateGenerated(name, generated, options);
  valid.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  return { applicationSet: name, applications: valid, rejected, missingParameters: missingParameters.length ? missingParameters : undefined };
}

class PatchError extends Error {}

function renderApplication(template: any, params: any, spec: any, namespace: string | undefined, ctx: ExpansionContext): any {
  const t = template ?? {};
  const tmplApp = {
    metadata: pruneEmpty({
      name: t.metadata?.name,
      namespace: t.metadata?.namespace,
      labels: t.metadata?.labels,
      annotations: t.metadata?.annotations,
      finalizers: t.metadata?.finalizers,
    }),
    spec: t.spec ?? {},
  };
  const app = renderValue(tmplApp, params, ctx.goTemplate, ctx.missingKey);
  if (spec.syncPolicy?.preserveResourcesOnDeletion !== true && !(app.metadata.finalizers?.length)) {
    app.metadata.finalizers = [RESOURCES_FINALIZER];
  }
  let out = app;
  if (typeof spec.templatePatch === 'string' && spec.templatePatch.length > 0) out = applyTemplatePatch(app, spec.templatePatch, params, ctx);
  out.metadata = { ...out.metadata, namespace };
  if (namespace === undefined) delete out.metadata.namespace;
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: orderMetadata(out.metadata), spec: omitEmpty(out.spec) };
}

/** Fields of the Application types that Go marshals with `omitempty`, so "" (strings) or false (booleans) vanish. */
const OMIT_EMPTY_STRINGS = new Set(['path', 'targetRevision', 'chart', 'namespace', 'server', 'name', 'releaseName', 'ref', 'version', 'values', 'namePrefix', 'nameSuffix']);
const OMIT_FALSE = new Set(['prune', 'selfHeal', 'allowEmpty', 'recurse', 'skipCrds', 'skipTests', 'passCredentials', 'ignoreMissingValueFiles',
  'forceCommonLabels', 'forceCommonAnnotations', 'skipSchemaValidation']);

/**
 * The rendered spec as Argo CD writes it: the controller round-trips it through the Go types, so a templated
 * field that renders empty disappears where the type says `omitempty` (e.g. `destination.name: ""`,
 * `automated.prune: false`). `project` and `repoURL` are not omitempty and stay.
 */
function omitEmpty(v: any): any {
  if (Array.isArray(v)) return v.map(omitEmpty);
  if (!isMap(v)) return v;
  const out: any = {};
  for (const [k, e] of Object.entries<any>(v)) {
    if (e === '' && OMIT_EMPTY_STRINGS.has(k)) continue;
    if (e === false && OMIT_FALSE.has(k)) continue;
    out[k] = omitEmpty(e);
  }
  return out;
}

/** `templatePatch`: rendered, YAML to JSON, applied as a strategic merge patch; `spec.project` changes are dropped. */
function applyTemplatePatch(app: any, patchTemplate: string, params: any, ctx: ExpansionContext): any {
  const rendered = renderString(patchTemplate, params, ctx.goTemplate, ctx.missingKey);
  let patch: unknown;
  try {
    patch = parseGoYaml(rendered);
  } catch (e) {
    throw new PatchError(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (patch == null) return app;
  if (!isMap(patch)) throw new PatchError('error applying template patch: json: cannot unmarshal into Go value of type v1alpha1.Application');
  const project = app.spec?.project;
  const out = strategicMerge(app, patch, []);
  if (out.spec) out.spec.project = project;
  return out;
}

/**
 * A strategic merge patch for the Application type: maps merge, `null` deletes, lists replace, except
 * `metadata.finalizers` (patchStrategy merge on ObjectMeta: the union, in order).
 */
function strategicMerge(target: any, patch: any, path: string[]): any {
  if (!isMap(patch)) return patch;
  const out: any = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries<any>(patch)) {
    if (k === '$patch') continue;
    if (v === null) { delete out[k]; continue; }
    const here = [...path, k];
    if (here.join('.') === 'metadata.finalizers' && Array.isArray(v)) {
      const cur: string[] = Array.isArray(out[k]) ? out[k] : [];
      out[k] = [...cur, ...v.filter(f => !cur.includes(f))];
    } else if (isMap(v)) {
      out[k] = strategicMerge(out[k], v, here);
    } else {
      out[k] = v;
    }
  }
  return out;
}

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
    if (options.projects && !options.projects.has(project)) {
      rejected.push({ name: appName, reason: `application references project ${project} which does not exist` });
      continue;
    }
    const destinationError = destinationErrors(app.spec?.destination ?? {}, known);
    if (destinationError) {
      rejected.push({ name: appName, reason: `application destination spec for ${appName} is invalid: ${destinationError}` });
      continue;
    }
    const nameErrors = dns1123SubdomainErrors(appName);
    if (nameErrors.length) {
      rejected.push({ name: appName, reason: `Application.argoproj.io "${appName}" is invalid: metadata.name: Invalid value: "${appName}": ${nameErrors.join('; ')}` });
      continue;
    }
    valid.push(app);
  }
  return { valid, rejected };
}

/** Argo CD's GetDestinationCluster: exactly one of name and server, resolving to one known cluster. */
function destinationErrors(destination: any, known: KnownClusterIndex): string | undefined {
  const { name, server } = destination;
  if (name && server) return `application destination can't have both name and server defined: ${name} ${server}`;
  if (server) {
    if (!known.byServer.has(String(server).replace(/\/$/, ''))) return `there are no clusters with this URL: ${server}`;
    return undefined;
  }
  if (name) {
    const matches = known.byName.get(name) ?? [];
    if (matches.length === 0) return `there are no clusters with this name: ${name}`;
    if (matches.length > 1) return `there are ${matches.length} clusters with the same name: [${matches.map(m => m.server).join(' ')}]`;
    return undefined;
  }
  return 'no destination cluster specified';
}

function pruneEmpty(o: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

function orderMetadata(m: any): any {
  const out: any = {};
  for (const k of ['name', 'namespace', 'labels', 'annotations', 'finalizers']) if (m[k] !== undefined) out[k] = m[k];
  for (const k of Object.keys(m)) if (!(k in out)) out[k] = m[k];
  return out;
}
