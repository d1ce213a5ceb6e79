import { experimentStepProblems } from './experiment-step';
import { ANALYSIS_WAIVERS_ANNOTATION, dishonestMetrics } from './honest-analysis';
import { intOrStringDecodeProblems } from './int-or-string';
import { obj, str } from './json';
import { analysisTemplateProblems, referencedServices, ReferenceLookup, validateReferences } from './references';
import { validateRollout } from './rollout-spec';
import { SchemaValidator } from '../../../gitops/schema-validator';
import { sopsAgeRecipients } from '../../../private/secret-markers';
import { sopsObjectProblems } from '../../../private/sops-object';
import { compareCodeUnits } from '../../../private/util';
import { parseYamlDocuments } from '../../../private/yaml-input';

/**
 * The rules of `cdk8s-fleet lint` (and of `validate` and the Rollout constructs): strict schemas for every pinned
 * kind, and Argo Rollouts v1.9.1's controller rules for Rollouts (`InvalidSpec`, including the objects they
 * reference when those are in the input) and analysis templates (the errors an AnalysisRun started from them
 * ends in). One module, so that the library, `lint` and `validate` agree.
 */

/** One object to check and where it came from (a file, or `file (document n)`). */
export interface LintInput {
  readonly object: unknown;
  readonly source: string;
}

/** One finding: errors are what the controller or the API server rejects; warnings are accepted but suspect. */
export interface LintProblem {
  readonly source: string;
  /** `Kind/name` (with `namespace/` when set), or the document when it is not an object. */
  readonly subject: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** What `lintObjects` checked. */
export interface LintResult {
  readonly problems: LintProblem[];
  /** Objects checked against a pinned schema. */
  readonly schemaChecked: number;
  /** Objects of kinds no pinned schema covers (not schema-checked). */
  readonly unknownKinds: string[];
}

export interface LintOptions {
  /** Check the pinned schemas. @default true */
  readonly schemas?: boolean;
}

const ISTIO_SERVED = /^networking\.istio\.io\/(v1alpha3|v1beta1)$/;

/**
 * Checks objects together (references resolve between them; `context` objects are looked up, not checked).
 * Deterministic: problems follow input order.
 */
export function lintObjects(inputs: readonly LintInput[], options: LintOptions = {}, context: readonly LintInput[] = []): LintResult {
  const problems: LintProblem[] = [];
  const unknownKinds = new Set<string>();
  let schemaChecked = 0;
  const objects = inputs.map(i => ({ ...i, o: obj(i.object) }));
  for (const { o, source, object } of objects) {
    if (!o || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      problems.push({ source, subject: '-', severity: 'error', message: `not a Kubernetes object (an object with 'apiVersion' and 'kind'): ${describe(object)}` });
      continue;
    }
    if (options.schemas === false) continue;
    // A SOPS-encrypted manifest: checked as ksops will decrypt it (its encrypted values stand in as strings),
    // and as really encrypted; the `sops` metadata is not a field of the object.
    if (sopsAgeRecipients(o) !== undefined) {
      schemaChecked++;
      for (const e of sopsObjectProblems(o, 'workload', true)) problems.push({ source, subject: subjectOf(o), severity: 'error', message: e });
      continue;
    }
    // Istio serves v1alpha3 and v1beta1 with the same schema as v1 (one schema per version, identical, in the CRD).
    const asPinned = ISTIO_SERVED.test(o.apiVersion) && ['VirtualService', 'DestinationRule'].includes(o.kind) ? { ...o, apiVersion: 'networking.istio.io/v1' } : o;
    const errors = SchemaValidator.get().validate(asPinned);
    if (errors === undefined) {
      unknownKinds.add(`${o.apiVersion}/${o.kind}`);
      continue;
    }
    schemaChecked++;
    for (const e of errors) problems.push({ source, subject: subjectOf(o), severity: 'error', message: `schema: ${e}` });
  }
  const contextObjects = context.map(c => obj(c.object)).filter((o): o is Record<string, any> => o !== undefined);
  const index = new ObjectIndex([...objects.filter(x => x.o).map(x => x.o!), ...contextObjects]);
  const claims = new Map<string, string>();
  for (const { o, source } of objects) {
    if (!o || !isArgo(o)) continue;
    const subject = subjectOf(o);
    const push = (message: string, severity: 'error' | 'warning' = 'error') => problems.push({ source, subject, message, severity });
    for (const e of intOrStringDecodeProblems(o)) push(e.toString());
    if (o.kind === 'Rollout') {
      const lookup = index.lookupFor(o, claims);
      for (const e of [...validateRollout(o), ...validateReferences(o, lookup), ...experimentStepProblems(o)]) push(e.toString());
      for (const s of referencedServices(o)) {
        const key = index.keyOf('Service', s.name, namespaceOf(o));
        if (!claims.has(key)) claims.set(key, str(o.metadata?.name));
      }
    } else if (o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') {
      for (const e of analysisTemplateProblems(o, index.lookupFor(o, claims))) push(e.toString());
      for (const w of dishonestMetrics(o)) push(`${w}; guard it (e.g. len(result) > 0 && …), or record a reviewed exception in the '${ANALYSIS_WAIVERS_ANNOTATION}' annotation`, 'warning');
    }
  }
  return { problems, schemaChecked, unknownKinds: [...unknownKinds].sort() };
}

/** Formats a problem as one line: `<source>: <Kind/name>: <message>`, warnings prefixed. */
export function formatProblem(p: LintProblem): string {
  return `${p.source}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.subject}: ${p.message}`;
}

function isArgo(o: any): boolean {
  return typeof o.apiVersion === 'string' && o.apiVersion.startsWith('argoproj.io/');
}

function namespaceOf(o: any): string {
  return str(o?.metadata?.namespace);
}

function subjectOf(o: any): string {
  const ns = namespaceOf(o);
  return `${o.kind}/${ns ? `${ns}/` : ''}${str(o.metadata?.name) || '<unnamed>'}`;
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * Objects by kind, namespace and name. A reference from a namespaced object matches an object in the same
 * namespace; an object (or a referrer) without a namespace matches by name alone, since a tree often leaves
 * the namespace to the Application's destination.
 */
class ObjectIndex {
  private readonly byKindName = new Map<string, any[]>();

  public constructor(objects: any[]) {
    for (const o of objects) {
      const kind = indexKind(o);
      if (!kind) continue;
      const key = `${kind}/${str(o.metadata?.name)}`;
      const list = this.byKindName.get(key) ?? [];
      list.push(o);
      this.byKindName.set(key, list);
    }
  }

  public keyOf(kind: string, name: string, namespace: string): string {
    const found = this.find(kind, name, namespace);
    return found ? `${kind}/${namespaceOf(found)}/${name}` : `${kind}/${namespace}/${name}`;
  }

  public find(kind: string, name: string, namespace: string): any | undefined {
    const list = this.byKindName.get(`${kind}/${name}`) ?? [];
    return list.find(o => namespaceOf(o) === namespace) ?? list.find(o => namespace === '' || namespaceOf(o) === '');
  }

  public lookupFor(referrer: any, claims: ReadonlyMap<string, string>): ReferenceLookup {
    const ns = namespaceOf(referrer);
    return {
      service: name => this.find('Service', name, ns),
      ingress: name => this.find('Ingress', name, ns),
      virtualService: name => {
        const [vsName, vsNamespace] = name.split('.');
        return this.find('VirtualService', vsName, vsNamespace ?? ns);
      },
      analysisTemplate: name => this.find('AnalysisTemplate', name, ns),
      clusterAnalysisTemplate: name => this.find('ClusterAnalysisTemplate', name, ''),
      workloadTemplate: ref => {
        const kind = str(ref?.kind);
        const target = this.find(kind === 'PodTemplate' ? 'PodTemplate' : kind === 'ReplicaSet' ? 'ReplicaSet' : kind === 'Deployment' ? 'Deployment' : '-', str(ref?.name), ns);
        if (!target) return undefined;
        return kind === 'PodTemplate' ? target.template : target.spec?.template;
      },
      serviceOwner: name => claims.get(this.keyOf('Service', name, ns)),
      ambassadorMapping: name => this.find('Mapping', name, ns),
      appMeshVirtualRouter: name => {
        // GetVirtualRouterCRForVirtualService: spec.provider.virtualRouter.virtualRouterRef, in the VirtualService's namespace by default.
        const vs = this.find('AppMeshVirtualService', name, ns);
        const ref = obj(vs?.spec?.provider?.virtualRouter?.virtualRouterRef);
        if (!ref) return undefined;
        return this.find('VirtualRouter', str(ref.name), str(ref.namespace) || namespaceOf(vs));
      },
    };
  }
}

/** The kind an object is indexed under, for the kinds Rollouts reference. */
function indexKind(o: any): string | undefined {
  const av = String(o.apiVersion);
  if (o.kind === 'Service' && av === 'v1') return 'Service';
  if (o.kind === 'PodTemplate' && av === 'v1') return 'PodTemplate';
  if (o.kind === 'Ingress' && ['networking.k8s.io/v1', 'networking.k8s.io/v1beta1', 'extensions/v1beta1'].includes(av)) return 'Ingress';
  if (o.kind === 'VirtualService' && av.startsWith('networking.istio.io/')) return 'VirtualService';
  if (o.kind === 'Mapping' && /^(x\.)?getambassador\.io\//.test(av)) return 'Mapping';
  if (o.kind === 'VirtualService' && av.startsWith('appmesh.k8s.aws/')) return 'AppMeshVirtualService';
  if (o.kind === 'VirtualRouter' && av.startsWith('appmesh.k8s.aws/')) return 'VirtualRouter';
  if ((o.kind === 'Deployment' || o.kind === 'ReplicaSet') && av === 'apps/v1') return o.kind;
  if ((o.kind === 'AnalysisTemplate' || o.kind === 'ClusterAnalysisTemplate') && av === 'argoproj.io/v1alpha1') return o.kind;
  return undefined;
}

/**
 * The Rollout rules over a synthesized tree (`cdk8s-fleet validate`): each application directory
 * (`clusters/<cluster>/<app>/`) is checked on its own, with the ClusterAnalysisTemplates of its cluster in
 * view. Schemas are left to the tree's own validation. `contents` maps tree-relative paths to file text.
 */
export function treeRolloutProblems(contents: ReadonlyMap<string, string>): string[] {
  const apps = new Map<string, LintInput[]>();
  const clusterTemplates = new Map<string, LintInput[]>();
  for (const [rel, text] of [...contents].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const m = /^clusters\/([^/]+)\/([^/]+)\/[^/]+\.ya?ml$/.exec(rel);
    if (!m || !/kind:\s*(Rollout|AnalysisTemplate|ClusterAnalysisTemplate|Service|Ingress|VirtualService|Deployment|Mapping|VirtualRouter)\b/.test(text)) continue;
    let docs: unknown[];
    try {
      docs = parseYamlDocuments(text, rel);
    } catch {
      continue; // reported by the tree's YAML check
    }
    const inputs = docs.filter(d => d !== null && d !== undefined).map(object => ({ object, source: rel }));
    const key = `${m[1]}/${m[2]}`;
    apps.set(key, [...apps.get(key) ?? [], ...inputs]);
    const templates = inputs.filter(i => obj(i.object)?.kind === 'ClusterAnalysisTemplate');
    if (templates.length) clusterTemplates.set(m[1], [...clusterTemplates.get(m[1]) ?? [], ...templates]);
  }
  const out: string[] = [];
  for (const [key, inputs] of apps) {
    if (!inputs.some(i => isArgo(obj(i.object) ?? {}))) continue;
    const context = (clusterTemplates.get(key.split('/')[0]) ?? []).filter(c => !inputs.includes(c));
    for (const p of lintObjects(inputs, { schemas: false }, context).problems) out.push(formatProblem(p));
  }
  return out;
}
