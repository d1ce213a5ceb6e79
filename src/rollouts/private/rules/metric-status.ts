import { effectiveCount, ruleMatches } from './analysis-run';
import { int32Of, intOrString, intValue, present } from './json';
import type { AnalysisPhase } from '../expr/evaluate';

/**
 * How the AnalysisRun controller of Argo Rollouts v1.9.1 turns a metric's measurements into the metric's phase
 * (`analysis/analysis.go` `assessMetricStatus`, `assessMetricFailureInconclusiveOrError`), on a metric as decoded
 * YAML: failure, inconclusive and consecutive-error limits first, then `consecutiveSuccessLimit`, then the count.
 * Used to tell what a metric ends in when every measurement has no data.
 */

/** A metric's phase: a measurement phase, or still waiting for measurements. */
export type MetricPhase = AnalysisPhase | 'Pending' | 'Running';

/** The counters of a metric's result (`MetricResult`). */
export interface MetricCounters {
  readonly count: number;
  readonly successful: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly error: number;
  readonly consecutiveError: number;
  readonly consecutiveSuccess: number;
  /** Measurements taken; the last one's phase ('Running' while in flight). */
  readonly measurements: number;
  readonly lastMeasurementPhase?: AnalysisPhase | 'Running';
  /** The metric's phase when already completed. */
  readonly phase?: MetricPhase;
}

const COMPLETED: readonly MetricPhase[] = ['Successful', 'Failed', 'Error', 'Inconclusive'];
const completed = (p: MetricPhase | undefined) => p !== undefined && COMPLETED.includes(p);

/** IntOrString.IntValue() of an optional field, or undefined when unset. */
function limit(metric: any, field: string): number | undefined {
  const v = intOrString(metric?.[field]);
  return v === undefined ? undefined : intValue(v);
}

/** `int32(IntValue())` of an optional field, as the controller compares it with its int32 counters. */
function limit32(metric: any, field: string): number | undefined {
  const v = limit(metric, field);
  return v === undefined ? undefined : int32Of(v);
}

/** defaults.GetConsecutiveErrorLimitOrDefault. */
export function consecutiveErrorLimitOf(metric: any): number {
  return limit32(metric, 'consecutiveErrorLimit') ?? 4;
}

/** assessMetricFailureInconclusiveOrError: the phase and message once a limit is exceeded, else undefined. */
export function assessMetricFailureInconclusiveOrError(metric: any, r: MetricCounters): { phase: AnalysisPhase; message: string } | undefined {
  let out: { phase: AnalysisPhase; message: string } | undefined;
  const failureLimit = limit32(metric, 'failureLimit') ?? 0;
  if (failureLimit >= 0 && r.failed > failureLimit) out = { phase: 'Failed', message: `failed (${r.failed}) > failureLimit (${failureLimit})` };
  const inconclusiveLimit = limit32(metric, 'inconclusiveLimit') ?? 0;
  if (r.inconclusive > inconclusiveLimit) out = { phase: 'Inconclusive', message: `inconclusive (${r.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})` };
  const errorLimit = consecutiveErrorLimitOf(metric);
  if (r.consecutiveError > errorLimit) out = { phase: 'Error', message: `consecutiveErrors (${r.consecutiveError}) > consecutiveErrorLimit (${errorLimit})` };
  return out;
}

/** assessMetricStatus. `terminating`: the run is being stopped (a sibling metric failed, or the Rollout ended it). */
export function assessMetricStatus(metric: any, r: MetricCounters, terminating: boolean): MetricPhase {
  if (completed(r.phase)) return r.phase!;
  if (r.measurements === 0) return terminating ? 'Successful' : 'Pending';
  if (!completed(r.lastMeasurementPhase)) return 'Running';
  const limited = assessMetricFailureInconclusiveOrError(metric, r);
  if (limited) return limited.phase;
  // Whether a limit applies is decided on IntValue(); the counters are compared with int32(IntValue()).
  const successLimit = limit(metric, 'consecutiveSuccessLimit');
  if (successLimit !== undefined && successLimit > 0 && r.consecutiveSuccess >= int32Of(successLimit)) return 'Successful';
  const count = effectiveCount(metric);
  if (count !== undefined && r.count >= int32Of(intValue(count))) {
    const failureLimit = limit(metric, 'failureLimit');
    const failureApplicable = failureLimit === undefined || failureLimit >= 0;
    const successApplicable = successLimit !== undefined && successLimit > 0;
    if (failureApplicable && successApplicable) return 'Inconclusive';
    if (successApplicable) return 'Failed';
    return 'Successful';
  }
  return terminating ? 'Successful' : 'Running';
}

/** The counters after `n` measurements that all ended in `phase` (runMeasurements' bookkeeping). */
export function countersAfter(phase: AnalysisPhase, n: number): MetricCounters {
  const base = {
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    consecutiveSuccess: 0,
    measurements: n,
    lastMeasurementPhase: n > 0 ? phase : undefined,
  };
  switch (phase) {
    case 'Successful': return { ...base, count: n, successful: n, consecutiveSuccess: n };
    case 'Failed': return { ...base, count: n, failed: n };
    case 'Inconclusive': return { ...base, count: n, inconclusive: n };
    default: return { ...base, error: n, consecutiveError: n };
  }
}

/**
 * What a metric ends in when every measurement ends in `phase` (a query that keeps returning no data), and after
 * how many measurements; `Running` when it never ends on its own (an indefinite metric that never fails: a
 * background analysis then passes when the Rollout completes and terminates it). The metric's phase only
 * changes when a counter crosses a limit or the count, so only those points are assessed.
 */
export function outcomeOfRepeated(metric: any, phase: AnalysisPhase): { phase: MetricPhase; measurements: number } {
  const candidates = new Set<number>([1]);
  const add = (n: number | undefined) => { if (n !== undefined && Number.isFinite(n) && n >= 1) candidates.add(n); };
  const failureLimit = limit32(metric, 'failureLimit') ?? 0;
  if (failureLimit >= 0) add(failureLimit + 1);
  add((limit32(metric, 'inconclusiveLimit') ?? 0) + 1);
  add(consecutiveErrorLimitOf(metric) + 1);
  add(limit32(metric, 'consecutiveSuccessLimit'));
  const count = effectiveCount(metric);
  if (count !== undefined) add(int32Of(intValue(count)));
  for (const n of [...candidates].sort((a, b) => a - b)) {
    const status = assessMetricStatus(metric, countersAfter(phase, n), false);
    if (completed(status)) return { phase: status, measurements: n };
  }
  return { phase: 'Running', measurements: Infinity };
}

/** Whether the metric is run in dry-run mode by its template's rules (its phase never decides the run). */
export function isDryRun(metricName: string, dryRunRules: unknown): boolean {
  if (!Array.isArray(dryRunRules)) return false;
  return dryRunRules.some(r => present(r?.metricName) && ruleMatches(String(r.metricName), metricName));
}
