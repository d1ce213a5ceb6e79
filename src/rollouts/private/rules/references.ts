import { analysisRunStartError, Arg, argsOf, effectiveCount, newAnalysisRunFromTemplates, resolveMetricArgs, TemplateSpec } from './analysis-run';
import { arr, intOrStringText, obj, present, str } from './json';
import { extractMetadataFieldPath } from './k8s-validation';
import { validateAmbassadorMapping, validateAppMeshResource } from './mesh-references';
import { validateIstioRoutes } from './virtual-service';
import { ownValue } from '../../../private/util';
import { badJson, badString, FieldError, goQuote } from '../go-format';

/**
 * Argo Rollouts v1.9.1 `validation_references.go` and the controller's reference lookups
 * (`rollout/controller.go` `getRolloutReferencedResources`): Services, Ingresses, VirtualServices and analysis
 * templates a Rollout names, checked against the objects given. A referenced object that is not given is not
 * checked (it may exist in the cluster); one that is given must be right.
 */

export const MANAGED_BY_ANNOTATION = 'argo-rollouts.argoproj.io/managed-by-rollouts';
const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

/** Where referenced objects are looked up (namespaced kinds in the Rollout's namespace). */
export interface ReferenceLookup {
  service(name: string): any | undefined;
  ingress(name: string): any | undefined;
  /** `name` may be `name.namespace`. */
  virtualService(name: string): any | undefined;
  analysisTemplate(name: string): any | undefined;
  clusterAnalysisTemplate(name: string): any | undefined;
  /** The pod template a `workloadRef` resolves to, when the referenced workload is given. */
  workloadTemplate(ref: any): any | undefined;
  /** The Rollout that claimed a Service first (the controller's managed-by annotation), when another did. */
  serviceOwner(serviceName: string): string | undefined;
  /** An Ambassador `Mapping` (getambassador.io). @default none are looked up */
  ambassadorMapping?(name: string): any | undefined;
  /** The App Mesh `VirtualRouter` an App Mesh `VirtualService` routes through (`virtualRouterRef`). @default none are looked up */
  appMeshVirtualRouter?(virtualServiceName: string): any | undefined;
}

type ServiceType = 'ActiveService' | 'PreviewService' | 'StableService' | 'CanaryService' | 'PingService' | 'PongService';
const SERVICE_PATHS: Record<ServiceType, string> = {
  ActiveService: 'spec.strategy.blueGreen.activeService',
  PreviewService: 'spec.strategy.blueGreen.previewService',
  CanaryService: 'spec.strategy.canary.canaryService',
  StableService: 'spec.strategy.canary.stableService',
  PingService: 'spec.strategy.canary.pingPong.pingService',
  PongService: 'spec.strategy.canary.pingPong.pongService',
};

/** The Services a Rollout references, with their role (`getReferencedServices`). */
export function referencedServices(rollout: any): { name: string; type: ServiceType }[] {
  const strategy = obj(rollout?.spec?.strategy) ?? {};
  const out: { name: string; type: ServiceType }[] = [];
  const add = (name: unknown, type: ServiceType) => { if (str(name) !== '') out.push({ name: str(name), type }); };
  if (obj(strategy.blueGreen)) {
    add(strategy.blueGreen.activeService, 'ActiveService');
    add(strategy.blueGreen.previewService, 'PreviewService');
  } else if (obj(strategy.canary)) {
    add(strategy.canary.stableService, 'StableService');
    add(strategy.canary.canaryService, 'CanaryService');
    if (obj(strategy.canary.pingPong)) {
      add(strategy.canary.pingPong.pingService, 'PingService');
      add(strategy.canary.pingPong.pongService, 'PongService');
    }
  }
  return out;
}

/** ValidateRolloutReferencedResources, after the controller's configuration checks. */
export function validateReferences(rollout: any, lookup: ReferenceLookup): FieldError[] {
  const errs: FieldError[] = [];
  const rolloutName = str(rollout?.metadata?.name);
  const template = obj(rollout?.spec?.workloadRef) ? lookup.workloadTemplate(rollout.spec.workloadRef) : rollout?.spec?.template;
  for (const ref of referencedServices(rollout)) {
    const svc = lookup.service(ref.name);
    if (!svc) continue;
    const path = SERVICE_PATHS[ref.type];
    if (template !== undefined) {
      const labels = obj(template?.metadata?.labels) ?? {};
      for (const key of Object.keys(obj(svc.spec?.selector) ?? {}).sort()) {
        if (key === POD_TEMPLATE_HASH) continue;
        if (!Object.prototype.hasOwnProperty.call(labels, key) || labels[key] !== svc.spec.selector[key]) {
          errs.push(FieldError.invalid(path, badString(ref.name), `Service ${goQuote(ref.name)} has unmatch label ${goQuote(key)} in rollout`));
        }
      }
    }
    // HasManagedByAnnotation: the key being present is what counts (an empty value names no Rollout, so another one).
    const annotations = obj(svc.metadata?.annotations);
    const annotated = annotations && Object.prototype.hasOwnProperty.call(annotations, MANAGED_BY_ANNOTATION)
      ? str(annotations[MANAGED_BY_ANNOTATION])
      : undefined;
    const owner = annotated ?? lookup.serviceOwner(ref.name);
    if (owner !== undefined && owner !== rolloutName) {
      errs.push(FieldError.invalid(path, badString(ref.name), `Service ${goQuote(ref.name)} is managed by another Rollout`));
    }
  }
  for (const group of analysisGroups(rollout)) errs.push(...validateAnalysisGroup(rollout, group, lookup));
  const canary = obj(rollout?.spec?.strategy?.canary);
  const tr = obj(canary?.trafficRouting);
  if (tr) {
    const nginx = configError(tr.nginx, 'stableIngress', 'stableIngresses', 'spec.strategy.canary.trafficRouting.nginx', 'StableIngress or StableIngresses');
    const alb = configError(tr.alb, 'ingress', 'ingresses', 'spec.strategy.canary.trafficRouting.alb', 'Ingress or Ingresses');
    errs.push(...[nginx, alb].filter((e): e is FieldError => e !== undefined));
    if (!nginx && !alb) errs.push(...validateIngresses(canary, lookup));
    const istio = obj(tr.istio);
    if (istio) {
      const multiple = present(istio.virtualServices);
      if (multiple ? present(istio.virtualService) : !present(istio.virtualService)) {
        errs.push(FieldError.internal('spec.strategy.canary.trafficRouting.istio', 'either VirtualService or VirtualServices must be configured'));
      } else {
        const entries: any[] = multiple ? arr(istio.virtualServices) ?? [] : [istio.virtualService];
        const seen = new Set<any>();
        for (const e of entries) {
          const vs = lookup.virtualService(str(e?.name));
          if (!vs || seen.has(vs)) continue;
          seen.add(vs);
          errs.push(...validateIstioRoutes(rollout, vs));
        }
      }
    }
    // getAmbassadorMappings / getReferencedAppMeshResources: checked before the objects are looked up, then
    // ValidateAmbassadorMapping and ValidateAppMeshResource on the objects given.
    if (obj(tr.ambassador)) {
      const mappings = arr(tr.ambassador.mappings) ?? [];
      if (mappings.length === 0) {
        errs.push(FieldError.invalid('spec.strategy.canary.trafficRouting.ambassador.mappings', badJson(null), 'must provide at least one mapping'));
      }
      for (const name of mappings) {
        const mapping = lookup.ambassadorMapping?.(str(name));
        if (mapping) errs.push(...validateAmbassadorMapping(mapping));
      }
    }
    if (obj(tr.appMesh)) {
      if (!present(tr.appMesh.virtualService)) {
        errs.push(FieldError.invalid('spec.strategy.canary.trafficRouting.appmesh.virtualService', badJson(null), 'must provide virtual-service'));
      } else {
        const router = lookup.appMeshVirtualRouter?.(str(tr.appMesh.virtualService?.name));
        if (router) errs.push(...validateAppMeshResource(router));
      }
    }
  }
  return errs;
}

/** ValidateRolloutNginxIngressesConfig / ValidateRolloutAlbIngressesConfig. */
function configError(router: any, single: string, multiple: string, path: string, what: string): FieldError | undefined {
  if (!obj(router)) return undefined;
  const hasMultiple = present(router[multiple]);
  const hasSingle = str(router[single]) !== '';
  if (hasMultiple && hasSingle) return FieldError.internal(path, `Either ${what} must be configured. Both are configured.`);
  if (!hasMultiple && !hasSingle) return FieldError.internal(path, `Either ${what} must be configured. Neither are configured.`);
  return undefined;
}

/** The services of an Ingress's HTTP rules (networking.k8s.io/v1 `service.name`, v1beta1 `serviceName`). */
export function ingressServices(ingress: any): string[] {
  const out: string[] = [];
  for (const rule of arr(ingress?.spec?.rules) ?? []) {
    for (const p of arr(rule?.http?.paths) ?? []) {
      const name = str(p?.backend?.service?.name) || str(p?.backend?.serviceName);
      if (name !== '') out.push(name);
    }
  }
  return out;
}

/** getReferencedIngresses + ValidateIngress: each stable Ingress needs a rule whose backend is the stable (or ALB root) Service. */
function validateIngresses(canary: any, lookup: ReferenceLookup): FieldError[] {
  const errs: FieldError[] = [];
  const tr = canary.trafficRouting;
  const base = 'spec.strategy.canary.trafficRouting';
  const check = (ingressName: string, service: string, path: string, value: string) => {
    const ingress = lookup.ingress(ingressName);
    if (ingress && !ingressServices(ingress).includes(service)) {
      errs.push(FieldError.invalid(path, badString(value), `ingress \`${ingressName}\` has no rules using service ${service} backend`));
    }
  };
  // The controller looks up the ALB ingresses when ALB routing is set, else the nginx ones.
  if (obj(tr.alb)) {
    const service = str(tr.alb.rootService) || str(canary.stableService);
    const list = arr(tr.alb.ingresses);
    if (present(tr.alb.ingresses)) for (const n of list ?? []) check(str(n), service, `${base}.alb.ingresses`, str(n));
    else check(str(tr.alb.ingress), service, `${base}.alb.ingress`, str(tr.alb.ingress));
  } else if (obj(tr.nginx)) {
    const service = str(canary.stableService);
    if (present(tr.nginx.stableIngresses)) for (const n of arr(tr.nginx.stableIngresses) ?? []) check(str(n), service, `${base}.nginx.stableIngresses`, str(n));
    else check(str(tr.nginx.stableIngress), service, `${base}.nginx.stableIngress`, str(tr.nginx.stableIngress));
  }
  return errs;
}

export type TemplateType = 'PrePromotionAnalysis' | 'PostPromotionAnalysis' | 'InlineAnalysis' | 'BackgroundAnalysis';
interface AnalysisGroup { readonly type: TemplateType; readonly stepIndex: number; readonly analysis: any }

/** getReferencedRolloutAnalyses: pre/post-promotion for blue-green; steps then background for canary. */
function analysisGroups(rollout: any): AnalysisGroup[] {
  const strategy = obj(rollout?.spec?.strategy) ?? {};
  const out: AnalysisGroup[] = [];
  if (obj(strategy.blueGreen)) {
    if (obj(strategy.blueGreen.prePromotionAnalysis)) out.push({ type: 'PrePromotionAnalysis', stepIndex: 0, analysis: strategy.blueGreen.prePromotionAnalysis });
    if (obj(strategy.blueGreen.postPromotionAnalysis)) out.push({ type: 'PostPromotionAnalysis', stepIndex: 0, analysis: strategy.blueGreen.postPromotionAnalysis });
  } else if (obj(strategy.canary)) {
    (arr(strategy.canary.steps) ?? []).forEach((s: any, i: number) => {
      if (obj(s?.analysis)) out.push({ type: 'InlineAnalysis', stepIndex: i, analysis: s.analysis });
    });
    if (obj(strategy.canary.analysis)) out.push({ type: 'BackgroundAnalysis', stepIndex: 0, analysis: strategy.canary.analysis });
  }
  return out;
}

function groupPath(g: AnalysisGroup): string {
  switch (g.type) {
    case 'PrePromotionAnalysis': return 'spec.strategy.blueGreen.prePromotionAnalysis.templates';
    case 'PostPromotionAnalysis': return 'spec.strategy.blueGreen.postPromotionAnalysis.templates';
    case 'InlineAnalysis': return `spec.strategy.canary.steps[${g.stepIndex}].analysis.templates`;
    default: return 'spec.strategy.canary.analysis.templates';
  }
}

/**
 * getReferencedAnalysisTemplatesFromRef: the templates (nested `templates` included, each name once), or
 * undefined when one of them is not given.
 */
export function resolveTemplateRefs(refs: unknown, lookup: Pick<ReferenceLookup, 'analysisTemplate' | 'clusterAnalysisTemplate'>, depth = 0): TemplateSpec[] | undefined {
  if (depth > 10) return undefined;
  const out: TemplateSpec[] = [];
  for (const ref of arr(refs) ?? []) {
    const clusterScope = ref?.clusterScope === true;
    const name = str(ref?.templateName);
    const object = clusterScope ? lookup.clusterAnalysisTemplate(name) : lookup.analysisTemplate(name);
    if (!object) return undefined;
    out.push({ name, clusterScope, spec: obj(object.spec) ?? {} });
    if (present(object.spec?.templates)) {
      const nested = resolveTemplateRefs(object.spec.templates, lookup, depth + 1);
      if (!nested) return undefined;
      out.push(...nested);
    }
  }
  const seen = new Set<string>();
  return out.filter(t => {
    const key = `${t.clusterScope}/${t.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** ValidateAnalysisTemplatesWithType. */
function validateAnalysisGroup(rollout: any, group: AnalysisGroup, lookup: ReferenceLookup): FieldError[] {
  const templates = resolveTemplateRefs(group.analysis.templates, lookup);
  if (!templates || templates.length === 0) return [];
  const path = groupPath(group);
  const ordered = [...templates.filter(t => !t.clusterScope), ...templates.filter(t => t.clusterScope)];
  const value = badString(`templateNames: [${ordered.map(t => t.name).join(' ')}]`);
  const args = buildAnalysisArgs(argsOf(group.analysis.args), rollout);
  const err = newAnalysisRunFromTemplates(templates, args, [], []);
  if (err) return [FieldError.invalid(path, value, err)];
  for (const step of arr(rollout?.spec?.strategy?.canary?.steps) ?? []) {
    if (!obj(step?.analysis)) continue;
    const stepErr = newAnalysisRunFromTemplates(templates, args, arr(step.analysis.dryRun) ?? [], arr(step.analysis.measurementRetention) ?? []);
    if (stepErr) return [FieldError.invalid(path, value, stepErr)];
  }
  return ordered.flatMap(t => validateTemplateWithType(rollout, t, group.type, path));
}

/** BuildArgumentsForRolloutAnalysisRun with the validation's dummy ReplicaSets: every argument gets a value. */
export function buildAnalysisArgs(args: Arg[], rollout: any): Arg[] {
  const out: Arg[] = [];
  for (const a of args) {
    let value = a.value ?? '';
    const vf = obj(a.valueFrom);
    if (vf) {
      if (present(vf.podTemplateHashValue)) {
        if (vf.podTemplateHashValue === 'Latest') value = 'dummy-new-hash';
        else if (vf.podTemplateHashValue === 'Stable') value = 'dummy-stable-hash';
      } else if (obj(vf.fieldRef)) {
        const fieldPath = str(vf.fieldRef.fieldPath);
        if (fieldPath.startsWith('metadata')) {
          const r = extractMetadataFieldPath(rollout, fieldPath);
          if ('error' in r) return [];
          value = r.value;
        } else {
          value = extractValueFromRollout(rollout, fieldPath) ?? '';
        }
      }
    }
    out.push({ name: a.name, value });
  }
  return out;
}

/** extractValueFromRollout: a `.`/`[]` path into the Rollout's JSON ending in a primitive. */
function extractValueFromRollout(rollout: any, path: string): string | undefined {
  let m: any = rollout;
  for (const section of path.split(/[.[\]]+/)) {
    if (section === '') continue;
    if (Array.isArray(m)) {
      if (!/^[+-]?[0-9]+$/.test(section) || Number(section) >= m.length || Number(section) < 0) return undefined;
      m = m[Number(section)];
    } else if (obj(m)) {
      // A Go map: a missing key (`constructor` too) is nil.
      m = ownValue(m, section);
    } else {
      return undefined;
    }
  }
  if (m === undefined || m === null || typeof m === 'object') return undefined;
  return String(m);
}

/** ValidateAnalysisTemplateWithType (exported for its upstream unit tests; the controller reaches it through the group check). */
export function validateTemplateWithType(rollout: any, template: TemplateSpec, type: TemplateType, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const args = argsOf(template.spec.args);
  if (type !== 'BackgroundAnalysis') {
    const placeholder = args.map(a => (a.value === undefined && a.valueFrom === undefined ? { ...a, value: 'dummy-value' } : a));
    let error: string | undefined;
    const resolvedArgs: Arg[] = [];
    for (const a of placeholder) {
      if (a.valueFrom !== undefined) {
        if (a.value !== undefined) { error = `arg '${a.name}' has both Value and ValueFrom fields`; break; }
        resolvedArgs.push({ ...a, value: 'dummy-value' });
      } else {
        resolvedArgs.push(a);
      }
    }
    const resolved: any[] = [];
    if (!error) {
      for (const m of arr(template.spec.metrics) ?? []) {
        const r = resolveMetricArgs(m, resolvedArgs);
        if ('error' in r) { error = r.error; break; }
        resolved.push(r.metric);
      }
    }
    if (error) return [FieldError.invalid(path, badString(template.name), `AnalysisTemplate ${template.name}: ${error}`)];
    for (const m of resolved) {
      if (effectiveCount(m) === undefined) {
        errs.push(FieldError.invalid(path, badString(template.name), `AnalysisTemplate ${template.name} has metric ${str(m?.name)} which runs indefinitely. Invalid value for count: ${countText(m)}`));
      }
    }
    return errs;
  }
  if (args.length === 0) return errs;
  for (const a of args) {
    if (a.value !== undefined || a.valueFrom !== undefined) continue;
    const rolloutArgs = rollout?.spec?.strategy?.canary?.analysis?.args;
    if (!present(rolloutArgs)) {
      errs.push(FieldError.invalid(path, badString(template.name), 'missing analysis arguments in rollout spec'));
      continue;
    }
    if (!argsOf(rolloutArgs).some(r => r.name === a.name)) errs.push(FieldError.invalid(path, badString(template.name), a.name));
  }
  return errs;
}

function countText(metric: any): string {
  const c = metric?.count;
  return typeof c === 'number' || typeof c === 'string' ? intOrStringText(typeof c === 'number' ? { int: c } : { str: c }) : '<nil>';
}

/**
 * What starting an AnalysisRun from a template would report (the AnalysisRun controller's `Error` phase),
 * checked on its own: arguments without a value stand in as placeholders, since the Rollout supplies them.
 */
export function analysisTemplateProblems(template: any, lookup: Pick<ReferenceLookup, 'analysisTemplate' | 'clusterAnalysisTemplate'>): FieldError[] {
  const own: TemplateSpec = { name: str(template?.metadata?.name), clusterScope: template?.kind === 'ClusterAnalysisTemplate', spec: obj(template?.spec) ?? {} };
  const nested = present(own.spec.templates) ? resolveTemplateRefs(own.spec.templates, lookup) : [];
  const all = nested === undefined ? [own] : [own, ...nested];
  const flatError = newAnalysisRunFromTemplates(all, [], [], []);
  const args = argsOf(own.spec.args).map(a => (a.value === undefined && a.valueFrom === undefined ? { ...a, value: 'dummy-value' } : a));
  if (flatError && !flatError.endsWith('was not resolved')) return [FieldError.invalid('spec', badString(own.name), flatError)];
  const runArgs = args.map(a => (a.valueFrom && !a.valueFrom.secretKeyRef ? { name: a.name, value: 'dummy-value' } : a));
  const metrics = all.flatMap(t => arr(t.spec.metrics) ?? []);
  const dryRun = all.flatMap(t => arr(t.spec.dryRun) ?? []);
  const retention = all.flatMap(t => arr(t.spec.measurementRetention) ?? []);
  const start = analysisRunStartError(metrics, runArgs, dryRun, retention);
  return start ? [FieldError.invalid('spec.metrics', badString(own.name), start)] : [];
}
