import { Duration } from 'cdk8s';
import type { AnalysisArgument } from '../analysis-argument';
import type { AnalysisMetric, AnalysisTemplateProps, IAnalysisTemplate, LatencyOptions, PrometheusHelperOptions, SuccessRateOptions } from '../analysis-template';
import { MetricCondition, NoDataBehavior } from '../metric-condition';
import { MetricProvider } from '../metric-provider';
import { evaluateResult, UnsupportedExpression } from './expr/evaluate';
import { float, float64Slice } from './expr/types';
import { analysisRunStartError } from './rules/analysis-run';
import { ANALYSIS_WAIVERS_ANNOTATION, passesWithoutData } from './rules/honest-analysis';
import { goDuration } from '../../private/duration';
import { show } from '../../private/errors';
import { dns1123SubdomainErrors } from '../../private/names';
import { sortedMap } from '../../private/util';

/** A template definition, validated and rendered once, written wherever a Rollout uses it. */
export interface TemplateDefinition {
  readonly kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  readonly templateName: string;
  readonly args: AnalysisArgument[];
  readonly metricNames: string[];
  /** Metrics with an interval and no count: they run until the run is terminated. */
  readonly indefiniteMetrics: string[];
  /** `spec` and `metadata` (without namespace) of the object. */
  readonly spec: any;
  readonly annotations?: Record<string, string>;
  readonly labels?: Record<string, string>;
}

const TAG = /\{\{([^}]*)\}\}/g;

/** Validates props the way the controller will treat the template, and renders it. Throws with every problem. */
export function defineTemplate(kind: TemplateDefinition['kind'], props: AnalysisTemplateProps): TemplateDefinition {
  const errors: string[] = [];
  const name = props.templateName;
  errors.push(...dns1123SubdomainErrors(name).map(e => `'templateName' (${show(name)}) ${e}`));
  const args = props.args ?? [];
  const declared = new Set<string>();
  for (const a of args) {
    if (declared.has(a.name)) errors.push(`argument '${a.name}' is declared twice`);
    declared.add(a.name);
  }
  const metrics = props.metrics ?? [];
  if (metrics.length === 0) errors.push("'metrics' is empty: an AnalysisRun needs at least one metric (\"no metrics specified\")");
  const names = new Set<string>();
  const waivers: Record<string, string> = {};
  const rendered: any[] = [];
  for (const m of metrics) {
    const where = `metric ${show(m.name)}`;
    if (!m.name) errors.push("a metric needs a 'name'");
    if (names.has(m.name)) errors.push(`${where} is defined twice (the controller rejects duplicate metric names)`);
    names.add(m.name);
    const json = renderMetric(m, errors, where);
    rendered.push(json);
    // Every placeholder must be a declared argument: the controller fails the run on any other tag.
    for (const tag of JSON.stringify(json).matchAll(TAG)) {
      const t = tag[1].trim();
      if (!t.startsWith('args.') || !declared.has(t.slice(5))) {
        errors.push(`${where} uses {{${tag[1]}}}, which is not a declared argument of the template (declare it with an AnalysisArgument and use its placeholder)`);
      }
    }
    for (const a of [...(m.provider?._args ?? [])]) {
      if (!declared.has(a.name)) errors.push(`${where} needs argument '${a.name}' declared in 'args'`);
    }
    errors.push(...honestyErrors(m, json, args, where));
    if (m.noDataWaiver !== undefined) waivers[m.name] = m.noDataWaiver;
  }
  const dryRun = metrics.filter(m => m.dryRun).map(m => ({ metricName: `^${escapeRegExp(m.name)}$` }));
  const retention = metrics.filter(m => m.measurementRetention !== undefined).map(m => ({ metricName: `^${escapeRegExp(m.name)}$`, limit: m.measurementRetention }));
  if (errors.length === 0) {
    // The run the controller would start from this template alone (arguments stand in as placeholders).
    const runArgs = args.map(a => ({ name: a.name, value: a.defaultValue ?? 'placeholder' }));
    const start = analysisRunStartError(rendered, runArgs, dryRun, retention);
    if (start) errors.push(start);
  }
  if (errors.length) throw new Error(`Invalid ${kind} ${show(name)}:\n  ${errors.join('\n  ')}`);
  return {
    kind,
    templateName: name,
    args: [...args],
    metricNames: metrics.map(m => m.name),
    indefiniteMetrics: metrics.filter(m => m.interval !== undefined && !m.count).map(m => m.name),
    spec: {
      args: args.length ? args.map(a => a._toJson()) : undefined,
      metrics: rendered,
      dryRun: dryRun.length ? dryRun : undefined,
      measurementRetention: retention.length ? retention : undefined,
    },
    annotations: Object.keys(waivers).length ? { [ANALYSIS_WAIVERS_ANNOTATION]: JSON.stringify(sortedMap(waivers)) } : undefined,
    labels: props.labels,
  };
}

/** The template object, in `namespace` for namespaced templates. */
export function templateManifest(def: TemplateDefinition, namespace?: string): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: def.kind,
    metadata: {
      name: def.templateName,
      namespace: def.kind === 'AnalysisTemplate' ? namespace : undefined,
      labels: def.labels,
      annotations: def.annotations,
    },
    spec: structuredClone(stripUndefined(def.spec)),
  };
}

function renderMetric(m: AnalysisMetric, errors: string[], where: string): any {
  const whole = (v: number | undefined, prop: string, min: number) => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) errors.push(`${where} '${prop}' (${show(v)}) must be an integer ≥ ${min}`);
    // intstr.IntOrString reads a number as an int32: a larger one makes the template unreadable to the controller.
    else if (v !== undefined && v > 2147483647) errors.push(`${where} '${prop}' (${show(v)}) must be at most 2147483647 (the controller reads it as an int32)`);
    return v;
  };
  const duration = (d: Duration | undefined, prop: string) => {
    if (d === undefined) return undefined;
    if (d.toMilliseconds() <= 0) errors.push(`${where} '${prop}' must be positive`);
    return goDuration(d);
  };
  if (!(m.provider instanceof MetricProvider)) errors.push(`${where} needs a 'provider' (MetricProvider.prometheus(...), .web(...) or .job(...))`);
  if (m.noDataWaiver !== undefined && !m.noDataWaiver.trim()) errors.push(`${where} 'noDataWaiver' needs a reason`);
  return stripUndefined({
    name: m.name,
    interval: duration(m.interval, 'interval'),
    initialDelay: duration(m.initialDelay, 'initialDelay'),
    count: whole(m.count, 'count', 0),
    successCondition: m.condition?.successCondition,
    failureCondition: m.condition?.failureCondition,
    failureLimit: whole(m.failureLimit, 'failureLimit', -1),
    inconclusiveLimit: whole(m.inconclusiveLimit, 'inconclusiveLimit', 0),
    consecutiveErrorLimit: whole(m.consecutiveErrorLimit, 'consecutiveErrorLimit', 0),
    consecutiveSuccessLimit: whole(m.consecutiveSuccessLimit, 'consecutiveSuccessLimit', 0),
    provider: m.provider instanceof MetricProvider ? structuredClone(m.provider._json) : undefined,
  });
}

/**
 * A Prometheus metric may not count a measurement without data as a success (unless waived with a reason), and a
 * hand-written condition must be able to succeed at all on a Prometheus result (a vector or a scalar).
 */
function honestyErrors(m: AnalysisMetric, json: any, args: AnalysisArgument[], where: string): string[] {
  if (m.provider?.kind !== 'prometheus') return [];
  const errors: string[] = [];
  const argValues = args.map(a => ({ name: a.name, value: a.defaultValue }));
  const lie = passesWithoutData(json, argValues);
  if (lie && m.noDataWaiver === undefined) {
    errors.push(`${lie}: an empty Prometheus result or NaN must never count as success. Use MetricCondition.atLeast/atMost, guard the condition (len(result) > 0 && …), or set 'noDataWaiver' with the reason`);
  }
  if (!lie && m.noDataWaiver !== undefined) errors.push(`${where} has a 'noDataWaiver' but does not pass without data; remove the waiver`);
  if (m.condition?._handWritten) {
    const typical = [float64Slice([1]), float(1)];
    let evaluable = false;
    let lastError = '';
    for (const result of typical) {
      try {
        const r = evaluateResult(result, json.successCondition, json.failureCondition);
        if (r.phase !== 'Error') evaluable = true;
        else lastError = r.error ?? '';
      } catch (e) {
        if (!(e instanceof UnsupportedExpression)) throw e;
        evaluable = true;
      }
    }
    if (!evaluable && !/\{\{/.test(`${json.successCondition ?? ''}${json.failureCondition ?? ''}`)) {
      errors.push(`${where}: its condition errors on every Prometheus result (a vector or a scalar): ${lastError}`);
    }
  }
  return errors;
}

/** Props of the seed's HTTP success-rate template (requests without a 5xx status over all requests). */
export function successRateProps(o: SuccessRateInput): AnalysisTemplateProps {
  const metric = o.metric ?? 'http_requests_total';
  const serviceLabel = o.serviceLabel ?? 'service';
  const statusLabel = o.statusLabel ?? 'code';
  const window = promDuration(o.window ?? Duration.minutes(5));
  return {
    templateName: o.templateName ?? 'success-rate',
    args: [o.serviceArgument],
    metrics: [{
      name: o.metricName ?? 'success-rate',
      interval: o.interval ?? Duration.minutes(1),
      count: o.count ?? 5,
      failureLimit: o.failureLimit ?? 1,
      initialDelay: o.initialDelay,
      condition: MetricCondition.atLeast(o.threshold ?? 0.99, o.noData ?? NoDataBehavior.FAIL),
      provider: MetricProvider.prometheus({
        address: o.prometheusAddress,
        query: `sum(rate(${metric}{${serviceLabel}="${o.serviceArgument}",${statusLabel}!~"5.."}[${window}])) / sum(rate(${metric}{${serviceLabel}="${o.serviceArgument}"}[${window}]))`,
      }),
    }],
  };
}

/** Props of a latency template: a histogram quantile at most a threshold. */
export function latencyProps(o: LatencyInput): AnalysisTemplateProps {
  const metric = o.metric ?? 'http_request_duration_seconds_bucket';
  const serviceLabel = o.serviceLabel ?? 'service';
  const quantile = o.quantile ?? 0.99;
  if (!(quantile > 0 && quantile < 1)) throw new Error(`latency: 'quantile' (${show(quantile)}) must be between 0 and 1`);
  const window = promDuration(o.window ?? Duration.minutes(5));
  return {
    templateName: o.templateName ?? 'latency',
    args: [o.serviceArgument],
    metrics: [{
      name: o.metricName ?? `latency-p${Math.round(quantile * 1000) / 10}`.replace('.', '-'),
      interval: o.interval ?? Duration.minutes(1),
      count: o.count ?? 5,
      failureLimit: o.failureLimit ?? 1,
      initialDelay: o.initialDelay,
      condition: MetricCondition.atMost(o.threshold.toMilliseconds() / 1000, o.noData ?? NoDataBehavior.FAIL),
      provider: MetricProvider.prometheus({
        address: o.prometheusAddress,
        query: `histogram_quantile(${quantile}, sum by (le) (rate(${metric}{${serviceLabel}="${o.serviceArgument}"}[${window}])))`,
      }),
    }],
  };
}

/** The argument `name` a template declares (to use its placeholder), or an error listing those it has. */
export function declaredArgument(definition: TemplateDefinition, name: string): AnalysisArgument {
  const a = definition.args.find(x => x.name === name);
  if (!a) throw new Error(`${definition.kind} '${definition.templateName}' declares no argument ${show(name)} (it has ${show(definition.args.map(x => x.name))})`);
  return a;
}

/** The options both helpers share (`PrometheusHelperOptions`), with the argument made. */
export interface HelperInput extends Omit<PrometheusHelperOptions, 'serviceArgumentName'> {
  readonly serviceArgument: AnalysisArgument;
}
export interface SuccessRateInput extends HelperInput, Pick<SuccessRateOptions, 'threshold' | 'metric' | 'statusLabel'> {}
export interface LatencyInput extends HelperInput, Pick<LatencyOptions, 'threshold' | 'quantile' | 'metric'> {}

/** A PromQL range: whole seconds, minutes or hours (`5m`). */
function promDuration(d: Duration): string {
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s <= 0) throw new Error(`a PromQL window must be a positive whole number of seconds (got ${show(d.toMilliseconds())} ms)`);
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** JSON without `undefined` members (they would be written as nothing, but keep the objects comparable). */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as any;
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
    return out;
  }
  return value;
}

/** A reference to a template defined outside the program: nothing to write, nothing to check. */
export function templateReference(templateName: string, clusterScope: boolean): IAnalysisTemplate {
  const errors = dns1123SubdomainErrors(templateName);
  if (errors.length) throw new Error(`analysis template name ${show(templateName)} ${errors.join('; ')}`);
  return { templateName, clusterScope, toManifest: () => undefined };
}
