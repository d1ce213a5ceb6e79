import { arr, obj } from './json';
import { badNumber, FieldError } from '../go-format';

/**
 * The int-or-string fields of the Argo Rollouts types that the controller decodes itself. Their schemas
 * (`x-kubernetes-int-or-string`) admit any integer, but `intstr.IntOrString.UnmarshalJSON`
 * (k8s.io/apimachinery) reads a number into an int32: a number outside the int32 range fails the decode of the
 * whole object, so the controller cannot read the Rollout or template at all (it never reaches `InvalidSpec`).
 */

const MESSAGE = 'must be within the int32 range (-2147483648 to 2147483647): intstr.IntOrString decodes a number as an int32, '
  + 'so the controller cannot read an object with this value';

function check(value: unknown, path: string, out: FieldError[]): void {
  if (typeof value === 'number' && (value < -2147483648 || value > 2147483647)) out.push(FieldError.invalid(path, badNumber(value), MESSAGE));
}

/** Problems for a Rollout, AnalysisTemplate or ClusterAnalysisTemplate (other kinds have none here). */
export function intOrStringDecodeProblems(o: any): FieldError[] {
  const out: FieldError[] = [];
  if (o?.kind === 'Rollout') {
    const strategy = obj(o.spec?.strategy) ?? {};
    const canary = obj(strategy.canary);
    if (canary) {
      check(canary.maxSurge, 'spec.strategy.canary.maxSurge', out);
      check(canary.maxUnavailable, 'spec.strategy.canary.maxUnavailable', out);
      (arr(canary.steps) ?? []).forEach((s: any, i: number) => check(s?.pause?.duration, `spec.strategy.canary.steps[${i}].pause.duration`, out));
    }
    check(obj(strategy.blueGreen)?.maxUnavailable, 'spec.strategy.blueGreen.maxUnavailable', out);
  } else if (o?.kind === 'AnalysisTemplate' || o?.kind === 'ClusterAnalysisTemplate') {
    (arr(o.spec?.metrics) ?? []).forEach((m: any, i: number) => {
      const p = `spec.metrics[${i}]`;
      for (const f of ['count', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'consecutiveSuccessLimit']) check(m?.[f], `${p}.${f}`, out);
      (arr(m?.provider?.cloudWatch?.metricDataQueries) ?? []).forEach((q: any, j: number) => {
        const qp = `${p}.provider.cloudWatch.metricDataQueries[${j}]`;
        check(q?.period, `${qp}.period`, out);
        check(q?.metricStat?.period, `${qp}.metricStat.period`, out);
      });
    });
  }
  return out;
}
