import { validateMetric } from './analysis-run';
import { arr, num, obj, present, str } from './json';
import { outcomeOfRepeated } from './metric-status';
import { ownValue } from '../../../private/util';
import { AnalysisPhase, evaluateResult, UnsupportedExpression } from '../expr/evaluate';
import { float, float64Slice, GoValue } from '../expr/types';

/**
 * "Analysis that cannot lie": a Prometheus metric whose conditions count a measurement as Successful when the
 * query returns no data (an empty vector) or NaN (a ratio of zero request rates) passes a canary that was never
 * measured. The conditions are evaluated offline (expr v1.15.5, as the controller does) on those results.
 */

/** The annotation that records reviewed exceptions on an AnalysisTemplate: `{ "<metric>": "<reason>" }`. */
export const ANALYSIS_WAIVERS_ANNOTATION = 'fleet.cdk8s.io/analysis-waivers';

/** The results a Prometheus query yields when it has nothing to say, as the provider passes them. */
const NO_DATA: readonly { readonly label: string; readonly result: GoValue }[] = [
  { label: 'an empty result (no series)', result: float64Slice([]) },
  { label: 'NaN', result: float(NaN) },
  { label: 'a NaN sample', result: float64Slice([NaN]) },
];

/**
 * Why a metric passes without data, or undefined when it does not (or cannot be checked offline: a condition or
 * limit with an argument that has no default, or a language feature the evaluator leaves out). A metric passes
 * without data when a measurement of no data counts as Successful, or when the measurements it counts as Failed
 * or Inconclusive never end the metric in that phase (its limits are not below its count, so the count is reached
 * first and the metric succeeds; or it runs indefinitely and never fails, as a background analysis that the
 * Rollout ends by terminating it, which counts as success).
 */
export function passesWithoutData(metric: any, args: { name: string; value?: string }[] = []): string | undefined {
  if (!present(metric?.provider?.prometheus)) return undefined;
  let unresolved = false;
  const substitute = (text: string): string => text.replace(/\{\{([^}]*)\}\}/g, (_, tag: string) => {
    const a = args.find(x => `args.${x.name}` === tag.trim());
    if (a?.value === undefined) unresolved = true;
    return a?.value ?? '';
  });
  const success = str(metric?.successCondition) ? substitute(metric.successCondition) : '';
  const failure = str(metric?.failureCondition) ? substitute(metric.failureCondition) : '';
  if (unresolved) return undefined;
  // The limits as the controller reads them once arguments are resolved.
  const limits: Record<string, unknown> = {};
  let limitsKnown = true;
  for (const f of ['count', 'interval', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit']) {
    const v = metric?.[f];
    if (typeof v !== 'string' || !v.includes('{{')) { limits[f] = v; continue; }
    unresolved = false;
    const text = substitute(v);
    if (unresolved) limitsKnown = false;
    limits[f] = f === 'interval' ? text : /^[+-]?[0-9]+$/.test(text) ? Number(text) : text;
  }
  const which = success && failure ? 'its conditions count' : success ? `successCondition '${success}' counts` : failure ? `failureCondition '${failure}' counts` : 'with no condition, every measurement counts';
  for (const { label, result } of NO_DATA) {
    let phase: AnalysisPhase;
    try {
      phase = evaluateResult(result, success || undefined, failure || undefined).phase;
    } catch (e) {
      if (e instanceof UnsupportedExpression) return undefined;
      throw e;
    }
    if (phase === 'Successful') return `metric '${str(metric?.name)}' passes without data: ${which} ${label} as Successful`;
    // A metric the AnalysisRun rejects (ValidateMetric) ends the run in Error: it cannot pass.
    if (!limitsKnown || phase === 'Error' || validateMetric({ ...metric, ...limits }) !== undefined) continue;
    const outcome = outcomeOfRepeated(limits, phase);
    if (outcome.phase === 'Successful') {
      const limitField = phase === 'Failed' ? 'failureLimit' : 'inconclusiveLimit';
      const limitValue = num(limits[limitField]) ?? (typeof limits[limitField] === 'string' ? limits[limitField] : 0);
      return `metric '${str(metric?.name)}' passes without data: ${which} ${label} as ${phase}, but ${limitField} (${limitValue}) is not below the count (${outcome.measurements}), so after ${outcome.measurements} such measurement(s) the count is reached and the metric is Successful`;
    }
    if (outcome.phase === 'Running') {
      return `metric '${str(metric?.name)}' never fails without data: ${which} ${label} as ${phase}, and with no count and failureLimit ${num(limits.failureLimit) ?? 0} the metric runs until the Rollout terminates the run, which then counts as Successful`;
    }
  }
  return undefined;
}

/** The waivers recorded on a template object. */
export function waiversOf(template: any): Record<string, string> {
  const raw = obj(template?.metadata?.annotations)?.[ANALYSIS_WAIVERS_ANNOTATION];
  if (typeof raw !== 'string') return {};
  try {
    const parsed = JSON.parse(raw);
    return obj(parsed) ?? {};
  } catch {
    return {};
  }
}

/** The unwaived "passes without data" findings of a template object. */
export function dishonestMetrics(template: any): string[] {
  const waivers = waiversOf(template);
  const args = (arr(template?.spec?.args) ?? []).map((a: any) => ({ name: str(a?.name), value: typeof a?.value === 'string' ? a.value : undefined }));
  const out: string[] = [];
  for (const m of arr(template?.spec?.metrics) ?? []) {
    const name = str(m?.name);
    // Own keys only: a metric named `constructor` is waived only if the annotation waives it.
    if (ownValue(waivers, name)) continue;
    const why = passesWithoutData(m, args);
    if (why) out.push(why);
  }
  return out;
}
