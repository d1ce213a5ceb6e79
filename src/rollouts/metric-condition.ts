import { show } from '../private/errors';

/** What a measurement with no data (an empty result or NaN) counts as. Never as success. */
export enum NoDataBehavior {
  /** The measurement fails (counts against `failureLimit`): a canary without traffic is aborted. */
  FAIL = 'fail',
  /** The measurement is inconclusive: the Rollout pauses for a human to promote or abort. */
  INCONCLUSIVE = 'inconclusive',
}

/**
 * When a measurement succeeds or fails: the metric's `successCondition` and `failureCondition`, expressions over
 * `result` (expr-lang). The threshold helpers are written for Prometheus vectors (`[]float64`) and never count
 * an empty result or NaN as success (see Argo Rollouts' analysis docs, "Empty array" and "NaN"); a hand-written
 * condition is evaluated offline at synth, and one that passes without data is an error unless the metric waives
 * it with a reason (`noDataWaiver`).
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#handling-metric-results
 */
export class MetricCondition {
  /** Every value is at least `threshold` (a success rate ≥ 0.99), and there is at least one value. */
  public static atLeast(threshold: number, noData: NoDataBehavior = NoDataBehavior.FAIL): MetricCondition {
    return MetricCondition.threshold('atLeast', threshold, '>=', '<', noData);
  }

  /** Every value is at most `threshold` (a p99 latency ≤ 0.5 s), and there is at least one value. */
  public static atMost(threshold: number, noData: NoDataBehavior = NoDataBehavior.FAIL): MetricCondition {
    return MetricCondition.threshold('atMost', threshold, '<=', '>', noData);
  }

  /**
   * Hand-written conditions. They are evaluated at synth on an empty result, NaN and a NaN sample; one that counts
   * any of them as success is refused unless the metric has a `noDataWaiver`.
   */
  public static expressions(options: MetricConditionExpressions): MetricCondition {
    if (!options.successCondition && !options.failureCondition) {
      throw new Error("MetricCondition.expressions: give 'successCondition', 'failureCondition' or both");
    }
    return new MetricCondition(options.successCondition, options.failureCondition, true);
  }

  private static threshold(name: string, threshold: number, pass: string, breach: string, noData: NoDataBehavior): MetricCondition {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw new Error(`MetricCondition.${name}: 'threshold' (${show(threshold)}) must be a finite number`);
    const x = literal(threshold);
    // all(...) over [] is vacuously true, so the length guard is what makes an empty result fail; NaN fails `pass`.
    const success = `len(result) > 0 && all(result, {# ${pass} ${x}})`;
    // With a failure condition that ignores NaN and no data, those measurements are neither: Inconclusive.
    const failure = noData === NoDataBehavior.INCONCLUSIVE ? `len(result) > 0 && any(result, {# ${breach} ${x}})` : undefined;
    return new MetricCondition(success, failure, false);
  }

  private constructor(
    /** The success condition, if any. */ public readonly successCondition: string | undefined,
    /** The failure condition, if any. */ public readonly failureCondition: string | undefined,
    /** @internal */ public readonly _handWritten: boolean,
  ) {}
}

/** Hand-written conditions (expr-lang over `result`). */
export interface MetricConditionExpressions {
  /**
   * True when a measurement succeeds.
   * @default - none: a measurement succeeds unless the failure condition is true
   */
  readonly successCondition?: string;
  /**
   * True when a measurement fails.
   * @default - none: a measurement fails when the success condition is false
   */
  readonly failureCondition?: string;
}

/** A number as an expr literal (parenthesised when negative). */
function literal(n: number): string {
  const s = String(n).replace('e+', 'e');
  return n < 0 ? `(${s})` : s;
}
