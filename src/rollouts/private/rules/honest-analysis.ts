import { arr, obj, present, str } from './json';
import { evaluateResult, UnsupportedExpression } from '../expr/evaluate';
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
 * Why a metric's conditions pass without data, or undefined when they do not (or cannot be checked offline:
 * a condition with an argument that has no default, or a language feature the evaluator leaves out).
 */
export function passesWithoutData(metric: any, args: { name: string; value?: string }[] = []): string | undefined {
  if (!present(metric?.provider?.prometheus)) return undefined;
  const substitute = (condition: string): string | undefined => {
    let unresolved = false;
    const out = condition.replace(/\{\{([^}]*)\}\}/g, (_, tag: string) => {
      const a = args.find(x => `args.${x.name}` === tag.trim());
      if (a?.value === undefined) unresolved = true;
      return a?.value ?? '';
    });
    return unresolved ? undefined : out;
  };
  const success = str(metric?.successCondition) ? substitute(metric.successCondition) : '';
  const failure = str(metric?.failureCondition) ? substitute(metric.failureCondition) : '';
  if (success === undefined || failure === undefined) return undefined;
  for (const { label, result } of NO_DATA) {
    let phase: string;
    try {
      phase = evaluateResult(result, success || undefined, failure || undefined).phase;
    } catch (e) {
      if (e instanceof UnsupportedExpression) return undefined;
      throw e;
    }
    if (phase === 'Successful') {
      const which = success && failure ? 'its conditions count' : success ? `successCondition '${success}' counts` : failure ? `failureCondition '${failure}' counts` : 'with no condition, every measurement counts';
      return `metric '${str(metric?.name)}' passes without data: ${which} ${label} as Successful`;
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
    if (waivers[str(m?.name)]) continue;
    const why = passesWithoutData(m, args);
    if (why) out.push(why);
  }
  return out;
}
