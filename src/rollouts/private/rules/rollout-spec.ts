import { arr, intOrString, intOrStringJson, intValue, num, obj, present, str } from './json';
import { extractMetadataFieldPath, labelSelectorMatcher, validateLabelSelector, validatePodTemplateForReplicaSet } from './k8s-validation';
import { parseGoDuration } from '../../../private/duration';
import { badBool, badJson, badNumber, badString, FieldError, sortedObject } from '../go-format';

/**
 * Argo Rollouts v1.9.1 `pkg/apis/rollouts/validation/validation.go` (`ValidateRollout`), on a Rollout as
 * decoded YAML: the checks behind the `InvalidSpec` condition, with the controller's field paths (including its
 * `spec.strategy.<field>` paths for canary and blue-green fields) and messages.
 */

export const MISSING_FIELD = (f: string) => `Rollout has missing field '${f}'`;
export const INVALID_SET_WEIGHT = (max: number) => `SetWeight needs to be between 0 and ${max}`;
export const M = {
  experimentWeightWithoutRouting: 'Experiment template weight cannot be set unless TrafficRouting is enabled',
  experimentWeightRouter: 'Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time',
  setCanaryScale: 'SetCanaryScale requires TrafficRouting to be set',
  setHeaderRoute: 'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix',
  setMirrorRoute: 'SetMirrorRoute requires TrafficRouting, supports Istio only',
  stringMatchMultiple: 'StringMatch match value must have exactly one of the following: exact, regex, prefix',
  stringMatchMissed: 'StringMatch value missed, match value must have one of the following: exact, regex, prefix',
  headerRouteAlb: "SetHeaderRoute match value invalid. ALB supports 'exact' value only",
  duration: 'Duration needs to be greater than 0',
  maxSurgeMaxUnavailable: 'MaxSurge and MaxUnavailable both can not be zero',
  step: 'Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause',
  strategy: 'Multiple Strategies can not be listed',
  duplicatedBlueGreen: 'This rollout uses the same service for the active and preview services, but two different services are required.',
  duplicatedCanary: 'This rollout uses the same service for the stable and canary services, but two different services are required.',
  antiAffinityStrategy: 'AntiAffinity must have exactly one strategy listed',
  antiAffinityWeight: 'AntiAffinity weight must be between 1-100',
  scaleDownLimit: "This rollout's revision history limit can not be smaller than the rollout's scale down limit",
  trafficRouting: 'Canary service and Stable service must to be set to use Traffic Routing',
  analysisArgs: 'Analyses arguments must refer to valid object metadata supported by downwardAPI',
  scaleDownDelay: 'Canary scaleDownDelaySeconds can only be used with traffic routing',
  dynamicStableScale: 'Canary dynamicStableScale can only be used with traffic routing',
  dynamicWithDelay: 'Canary dynamicStableScale cannot be used with scaleDownDelaySeconds',
  maxWeight: 'Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins',
  pingPongProvided: 'Ping service and Pong service must to be set to use Ping-Pong feature',
  duplicatedPingPong: 'This rollout uses the same service for the ping and pong services, but two different services are required.',
  albRootService: 'Root service field is required for the configuration with ALB and ping-pong feature enabled',
  pingPongRouter: 'Ping-pong feature works with the ALB and Istio traffic routers only',
  managedRoutes: 'Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes',
} as const;

/** defaults.GetReplicasOrDefault / GetRevisionHistoryLimitOrDefault / GetProgressDeadlineSecondsOrDefault. */
export const replicasOf = (spec: any) => num(spec?.replicas) ?? 1;
export const revisionHistoryLimitOf = (spec: any) => num(spec?.revisionHistoryLimit) ?? 10;
const progressDeadlineSecondsOf = (spec: any) => num(spec?.progressDeadlineSeconds) ?? 600;

/** ValidateRollout. */
export function validateRollout(rollout: any): FieldError[] {
  const spec = obj(rollout?.spec) ?? {};
  const errs: FieldError[] = [];
  const replicas = replicasOf(spec);
  errs.push(...nonNegative(replicas, 'spec.replicas'));
  const workloadRef = obj(spec.workloadRef);
  const selector = obj(spec.selector);
  if (!workloadRef) {
    if (!selector) {
      errs.push(FieldError.required('spec.selector', MISSING_FIELD('.spec.selector')));
    } else {
      errs.push(...validateLabelSelector(selector, 'spec.selector'));
      if (Object.keys(obj(selector.matchLabels) ?? {}).length + (arr(selector.matchExpressions) ?? []).length === 0) {
        errs.push(FieldError.invalid('spec.selector', badJson(selectorJson(selector)), 'empty selector is invalid for deployment'));
      }
    }
  }
  if (workloadRef && !emptyTemplate(spec)) {
    errs.push(FieldError.internal('spec.template', 'template must be empty for workload reference rollout'));
  }
  const matcher = labelSelectorMatcher(selector);
  if (matcher === 'invalid') {
    errs.push(FieldError.invalid('spec.selector', badJson(selectorJson(selector)), 'invalid label selector'));
  } else if (!workloadRef) {
    errs.push(...validatePodTemplateForReplicaSet(spec.template, matcher, 'spec.template'));
  }
  const minReadySeconds = num(spec.minReadySeconds) ?? 0;
  errs.push(...nonNegative(minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(revisionHistoryLimitOf(spec), 'spec.revisionHistoryLimit'));
  const progressDeadlineSeconds = progressDeadlineSecondsOf(spec);
  errs.push(...nonNegative(progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
  if (progressDeadlineSeconds <= minReadySeconds) {
    errs.push(FieldError.invalid('spec.progressDeadlineSeconds', badNumber(progressDeadlineSeconds), 'must be greater than minReadySeconds'));
  }
  errs.push(...validateRolloutStrategy(rollout, 'spec.strategy'));
  return errs;
}

/** RolloutSpec.EmptyTemplate: no template labels and no template annotations. */
function emptyTemplate(spec: any): boolean {
  const meta = obj(spec.template)?.metadata;
  return Object.keys(obj(meta?.labels) ?? {}).length === 0 && Object.keys(obj(meta?.annotations) ?? {}).length === 0;
}

function nonNegative(value: number, path: string): FieldError[] {
  return value < 0 ? [FieldError.invalid(path, badNumber(value), 'must be greater than or equal to 0')] : [];
}

function selectorJson(selector: any): unknown {
  if (!selector) return null;
  return {
    ...(obj(selector.matchLabels) && Object.keys(selector.matchLabels).length ? { matchLabels: sortedObject(selector.matchLabels) } : {}),
    ...(arr(selector.matchExpressions)?.length ? {
      matchExpressions: selector.matchExpressions.map((r: any) => ({
        key: str(r?.key), operator: str(r?.operator), ...(arr(r?.values)?.length ? { values: r.values } : {}),
      })),
    } : {}),
  };
}

/** ValidateRolloutStrategy. */
export function validateRolloutStrategy(rollout: any, path: string): FieldError[] {
  const strategy = obj(rollout?.spec?.strategy) ?? {};
  const blueGreen = obj(strategy.blueGreen);
  const canary = obj(strategy.canary);
  if (!blueGreen && !canary) return [FieldError.required(`${path}.strategy`, MISSING_FIELD('.spec.strategy.canary or .spec.strategy.blueGreen'))];
  if (blueGreen && canary) return [FieldError.invalid(`${path}.strategy`, badString('blueGreen: true canary: true'), M.strategy)];
  return blueGreen ? validateBlueGreen(rollout, blueGreen, path) : validateCanary(rollout, canary!, path);
}

/** ValidateRolloutStrategyBlueGreen (its field paths are under `spec.strategy`, as upstream's). */
function validateBlueGreen(rollout: any, blueGreen: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(blueGreen.activeService) === str(blueGreen.previewService)) {
    errs.push(FieldError.invalid(`${path}.activeService`, badString(str(blueGreen.activeService)), M.duplicatedBlueGreen));
  }
  const limit = num(blueGreen.scaleDownDelayRevisionLimit);
  if (limit !== undefined && revisionHistoryLimitOf(rollout?.spec) < limit) {
    errs.push(FieldError.invalid(`${path}.scaleDownDelayRevisionLimit`, badNumber(limit), M.scaleDownLimit));
  }
  errs.push(...validateAntiAffinity(blueGreen.antiAffinity, `${path}.antiAffinity`));
  return errs;
}

/** requireCanaryStableServices. */
function requireCanaryStableServices(canary: any): boolean {
  const tr = obj(canary.trafficRouting);
  if (!tr) return false;
  const pingPong = present(canary.pingPong);
  return (present(tr.alb) && !pingPong)
    || (present(tr.istio) && !present(tr.istio?.destinationRule) && !pingPong)
    || ['smi', 'apisix', 'ambassador', 'nginx', 'appMesh', 'traefik'].some(k => present(tr[k]));
}

const hasPlugins = (tr: any) => Object.keys(obj(tr?.plugins) ?? {}).length > 0;

/** weightutil.MaxTrafficWeight. */
export function maxTrafficWeight(rollout: any): number {
  return num(rollout?.spec?.strategy?.canary?.trafficRouting?.maxTrafficWeight) ?? 100;
}

/** ValidateRolloutStrategyCanary (field paths under `spec.strategy`, as upstream's). */
function validateCanary(rollout: any, canary: any, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...invalidMaxSurgeMaxUnavailable(canary, `${path}.maxSurge`));
  const canaryService = str(canary.canaryService);
  const stableService = str(canary.stableService);
  if (canaryService !== '' && stableService !== '' && canaryService === stableService) {
    errs.push(FieldError.invalid(`${path}.stableService`, badString(stableService), M.duplicatedCanary));
  }
  const tr = obj(canary.trafficRouting);
  const pingPong = obj(canary.pingPong);
  if (pingPong) {
    if (tr && !present(tr.alb) && !present(tr.istio)) errs.push(FieldError.invalid(`${path}.trafficRouting.alb`, badJson(null), M.pingPongRouter));
    const ping = str(pingPong.pingService);
    const pong = str(pingPong.pongService);
    if (ping === '') errs.push(FieldError.invalid(`${path}.pingPong.pingService`, badString(ping), M.pingPongProvided));
    if (pong === '') errs.push(FieldError.invalid(`${path}.pingPong.pongService`, badString(pong), M.pingPongProvided));
    if (ping === pong) errs.push(FieldError.invalid(`${path}.pingPong.pingService`, badString(ping), M.duplicatedPingPong));
    if (tr && present(tr.alb) && str(tr.alb?.rootService) === '') {
      errs.push(FieldError.invalid(`${path}.trafficRouting.alb.rootService`, badString(''), M.albRootService));
    }
  }
  if (requireCanaryStableServices(canary)) {
    if (stableService === '') errs.push(FieldError.invalid(`${path}.stableService`, badString(stableService), M.trafficRouting));
    if (canaryService === '') errs.push(FieldError.invalid(`${path}.canaryService`, badString(canaryService), M.trafficRouting));
  }
  const scaleDownDelaySeconds = num(canary.scaleDownDelaySeconds);
  const dynamicStableScale = canary.dynamicStableScale === true;
  if (!tr) {
    if (scaleDownDelaySeconds !== undefined) errs.push(FieldError.invalid(`${path}.scaleDownDelaySeconds`, badNumber(scaleDownDelaySeconds), M.scaleDownDelay));
    if (dynamicStableScale) errs.push(FieldError.invalid(`${path}.dynamicStableScale`, badBool(true), M.dynamicStableScale));
  } else {
    if (scaleDownDelaySeconds !== undefined && dynamicStableScale) errs.push(FieldError.invalid(`${path}.dynamicStableScale`, badBool(true), M.dynamicWithDelay));
    const maxWeight = num(tr.maxTrafficWeight);
    if (maxWeight !== undefined && !present(tr.nginx) && !hasPlugins(tr)) {
      errs.push(FieldError.invalid(`${path}.trafficRouting.maxTrafficWeight`, badNumber(maxWeight), M.maxWeight));
    }
  }
  const maxWeight = maxTrafficWeight(rollout);
  const managedRoutes = arr(tr?.managedRoutes);
  (arr(canary.steps) ?? []).forEach((raw: any, i: number) => {
    const step = obj(raw) ?? {};
    const stepPath = `${path}.steps[${i}]`;
    errs.push(...hasMultipleStepsType(step, stepPath));
    const actions = ['experiment', 'pause', 'setWeight', 'analysis', 'setCanaryScale', 'setHeaderRoute', 'setMirrorRoute', 'plugin'];
    if (actions.every(a => !present(step[a]))) {
      const names = ['Experiment', 'Pause', 'SetWeight', 'Analysis', 'SetCanaryScale', 'SetHeaderRoute', 'SetMirrorRoute', 'Plugin'];
      errs.push(FieldError.invalid(stepPath, badString(names.map(n => `step.${n}: true`).join(' ')), M.step));
    }
    const setWeight = num(step.setWeight);
    if (setWeight !== undefined && (setWeight < 0 || setWeight > maxWeight)) {
      errs.push(FieldError.invalid(`${stepPath}.setWeight`, badNumber(setWeight), INVALID_SET_WEIGHT(maxWeight)));
    }
    if (present(step.pause)) {
      const seconds = pauseDurationSeconds(step.pause);
      if (seconds < 0) errs.push(FieldError.invalid(`${stepPath}.pause.duration`, badNumber(seconds), M.duration));
    }
    if (present(step.setCanaryScale) && !tr) errs.push(FieldError.required(`${path}.trafficRouting`, M.setCanaryScale));
    if (present(step.setHeaderRoute)) {
      const route = obj(step.setHeaderRoute) ?? {};
      if (!tr || (!present(tr.istio) && !present(tr.alb) && !present(tr.apisix) && !hasPlugins(tr))) {
        errs.push(FieldError.invalid(`${stepPath}.setHeaderRoute`, badJson(headerRouteJson(route)), M.setHeaderRoute));
      } else {
        (arr(route.match) ?? []).forEach((m: any, j: number) => {
          const matchPath = `${stepPath}.setHeaderRoute.match[${j}]`;
          errs.push(...(present(tr.alb) ? albInvalidValues(m?.headerValue, matchPath) : multipleMatchValues(m?.headerValue, matchPath)));
        });
      }
    }
    if (present(step.setMirrorRoute)) {
      const route = obj(step.setMirrorRoute) ?? {};
      if (!tr || !present(tr.istio)) errs.push(FieldError.invalid(`${stepPath}.setMirrorRoute`, badJson(mirrorRouteJson(route)), M.setMirrorRoute));
      (arr(route.match) ?? []).forEach((m: any, j: number) => {
        const matchPath = `${stepPath}.setMirrorRoute.match[${j}]`;
        // Upstream checks `method` twice (validation.go), so a bad method is reported twice.
        if (present(m?.method)) errs.push(...multipleMatchValues(m.method, matchPath));
        if (present(m?.path)) errs.push(...multipleMatchValues(m.path, matchPath));
        if (present(m?.method)) errs.push(...multipleMatchValues(m.method, matchPath));
      });
    }
    if (tr && (present(step.setHeaderRoute) || present(step.setMirrorRoute)) && !managedRoutes) {
      errs.push(FieldError.required(`${path}.trafficRouting.managedRoutes`, MISSING_FIELD('spec.strategy.canary.trafficRouting.managedRoutes')));
    }
    if (tr && managedRoutes) {
      for (const kind of ['setHeaderRoute', 'setMirrorRoute']) {
        if (!present(step[kind])) continue;
        const name = str(step[kind]?.name);
        if (!managedRoutes.some((r: any) => str(r?.name) === name)) errs.push(FieldError.invalid(`${stepPath}.${kind}`, badString(name), M.managedRoutes));
      }
    }
    const runArgs: any[] = [];
    if (present(step.experiment)) {
      (arr(step.experiment?.templates) ?? []).forEach((t: any, j: number) => {
        const weight = num(t?.weight);
        if (weight === undefined) return;
        const weightPath = `${stepPath}.experiment.templates[${j}].weight`;
        if (!tr) {
          errs.push(FieldError.invalid(weightPath, badNumber(weight), M.experimentWeightWithoutRouting));
        } else if (!present(tr.alb) && !present(tr.smi) && !present(tr.istio) && !hasPlugins(tr)) {
          errs.push(FieldError.invalid(weightPath, badNumber(weight), M.experimentWeightRouter));
        }
      });
      for (const a of arr(step.experiment?.analyses) ?? []) runArgs.push(...arr(a?.args) ?? []);
    }
    if (present(step.analysis)) runArgs.push(...arr(step.analysis?.args) ?? []);
    for (const arg of runArgs) {
      const fieldPath = str(arg?.valueFrom?.fieldRef?.fieldPath);
      if (present(arg?.valueFrom?.fieldRef) && fieldPath.startsWith('metadata') && 'error' in extractMetadataFieldPath(rollout, fieldPath)) {
        errs.push(FieldError.invalid(`${stepPath}.analyses`, badJson(runArgs.map(runArgumentJson)), M.analysisArgs));
      }
    }
  });
  errs.push(...validateAntiAffinity(canary.antiAffinity, `${path}.antiAffinity`));
  return errs;
}

/** RolloutPause.DurationSeconds: ints are seconds; strings are an int or a Go duration; unparseable is -1. */
export function pauseDurationSeconds(pause: any): number {
  const d = pause?.duration;
  if (typeof d === 'number') return toInt32(d);
  if (typeof d === 'string') {
    if (/^[+-]?[0-9]+$/.test(d)) {
      const n = Number(d);
      if (n >= -2147483648 && n <= 2147483647) return n;
    }
    const parsed = parseGoDuration(d);
    if (parsed.error !== undefined) return -1;
    return toInt32(Number(parsed.nanos) / 1e9);
  }
  return 0;
}

/** Go's int32(float64) on amd64: truncation, and the "integer indefinite" value out of range. */
function toInt32(x: number): number {
  const t = Math.trunc(x);
  return t >= -2147483648 && t <= 2147483647 ? t : -2147483648;
}

function invalidMaxSurgeMaxUnavailable(canary: any, path: string): FieldError[] {
  const maxSurge = intOrString(canary.maxSurge) ?? { str: '25%' };
  const maxUnavailable = intOrString(canary.maxUnavailable) ?? { str: '25%' };
  const value = (v: typeof maxSurge) => ('str' in v && /^[0-9]+%$/.test(v.str) ? Number(v.str.slice(0, -1)) : intValue(v));
  if (value(maxSurge) === 0 && value(maxUnavailable) === 0) {
    return [FieldError.invalid(path, badJson(intOrStringJson(maxSurge)), M.maxSurgeMaxUnavailable)];
  }
  return [];
}

/** hasMultipleStepsType: only setWeight, pause, experiment and analysis are counted. */
function hasMultipleStepsType(step: any, path: string): FieldError[] {
  const set = ['setWeight', 'pause', 'experiment', 'analysis'].filter(k => present(step[k]));
  if (set.length < 2) return [];
  const t = (k: string) => present(step[k]);
  return [FieldError.invalid(path, badString(`step.Experiment: ${t('experiment')} step.Pause: ${t('pause')} step.SetWeight: ${t('setWeight')} step.Analysis: ${t('analysis')}`), M.step)];
}

function albInvalidValues(match: any, path: string): FieldError[] {
  if (!present(match)) return [FieldError.invalid(path, badJson(null), M.stringMatchMissed)];
  if (str(match.exact) === '' || str(match.regex) !== '' || str(match.prefix) !== '') return [FieldError.invalid(path, badJson(stringMatchJson(match)), M.headerRouteAlb)];
  return [];
}

function multipleMatchValues(match: any, path: string): FieldError[] {
  if (!present(match)) return [FieldError.invalid(path, badJson(null), M.stringMatchMissed)];
  const count = ['exact', 'regex', 'prefix'].filter(k => str(match[k]) !== '').length;
  if (count > 1) return [FieldError.invalid(path, badJson(stringMatchJson(match)), M.stringMatchMultiple)];
  if (count === 0) return [FieldError.invalid(path, badJson(stringMatchJson(match)), M.stringMatchMissed)];
  return [];
}

/** validateRolloutStrategyAntiAffinity. */
function validateAntiAffinity(antiAffinity: any, path: string): FieldError[] {
  const a = obj(antiAffinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const preferred = obj(a.preferredDuringSchedulingIgnoredDuringExecution);
  const required = obj(a.requiredDuringSchedulingIgnoredDuringExecution);
  if ((!preferred && !required) || (preferred && required)) {
    errs.push(FieldError.invalid(path, badString(`antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: ${!!preferred} antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: ${!!required}`), M.antiAffinityStrategy));
  }
  if (preferred) {
    const weight = num(preferred.weight) ?? 0;
    if (weight < 1 || weight > 100) errs.push(FieldError.invalid(`${path}.weight`, badNumber(weight), M.antiAffinityWeight));
  }
  return errs;
}

// encoding/json renderings of the Go structs that appear as bad values (fields in Go's order, omitempty honoured).

function stringMatchJson(m: any): unknown {
  if (!present(m)) return null;
  return { ...(str(m.exact) ? { exact: m.exact } : {}), ...(str(m.prefix) ? { prefix: m.prefix } : {}), ...(str(m.regex) ? { regex: m.regex } : {}) };
}

function headerRouteJson(r: any): unknown {
  const match = arr(r.match) ?? [];
  return {
    ...(str(r.name) ? { name: r.name } : {}),
    ...(match.length ? { match: match.map((m: any) => ({ headerName: str(m?.headerName), headerValue: stringMatchJson(m?.headerValue) })) } : {}),
  };
}

function mirrorRouteJson(r: any): unknown {
  const match = arr(r.match) ?? [];
  return {
    name: str(r.name),
    ...(match.length ? {
      match: match.map((m: any) => ({
        ...(present(m?.method) ? { method: stringMatchJson(m.method) } : {}),
        ...(present(m?.path) ? { path: stringMatchJson(m.path) } : {}),
        ...(Object.keys(obj(m?.headers) ?? {}).length
          ? { headers: Object.fromEntries(Object.keys(m.headers).sort().map(k => [k, stringMatchJson(m.headers[k])])) }
          : {}),
      })),
    } : {}),
    ...(num(r.percentage) !== undefined ? { percentage: r.percentage } : {}),
  };
}

function runArgumentJson(a: any): unknown {
  const vf = obj(a?.valueFrom);
  return {
    name: str(a?.name),
    ...(str(a?.value) ? { value: a.value } : {}),
    ...(vf ? {
      valueFrom: {
        ...(present(vf.podTemplateHashValue) ? { podTemplateHashValue: vf.podTemplateHashValue } : {}),
        ...(present(vf.fieldRef) ? { fieldRef: { fieldPath: str(vf.fieldRef?.fieldPath) } } : {}),
      },
    } : {}),
  };
}
