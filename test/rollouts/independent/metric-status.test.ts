import { Duration } from 'cdk8s';
import { AnalysisTemplate, MetricCondition, MetricProvider, NoDataBehavior } from '../../../src';
import { passesWithoutData } from '../../../src/rollouts/private/rules/honest-analysis';
import { lintObjects } from '../../../src/rollouts/private/rules/lint';
import { assessMetricFailureInconclusiveOrError, assessMetricStatus, MetricCounters, outcomeOfRepeated } from '../../../src/rollouts/private/rules/metric-status';

/**
 * How a metric's measurements become its phase: cases from argoproj/argo-rollouts@v1.9.1 analysis/analysis_test.go
 * (test names in the titles), then what that means for "an analysis whose query returns nothing does not pass":
 * every measurement without data fails (or is inconclusive), and the metric must end Failed (or Inconclusive),
 * never Successful because its limits let the count be reached first.
 */

const counters = (c: Partial<MetricCounters> & { last?: MetricCounters['lastMeasurementPhase'] }): MetricCounters => ({
  count: 0,
  successful: 0,
  failed: 0,
  inconclusive: 0,
  error: 0,
  consecutiveError: 0,
  consecutiveSuccess: 0,
  measurements: 1,
  lastMeasurementPhase: c.last ?? 'Successful',
  ...c,
});
const both = (metric: any, r: MetricCounters) => [assessMetricStatus(metric, r, false), assessMetricStatus(metric, r, true)];

describe('assessMetricStatus (analysis/analysis_test.go)', () => {
  test('TestAssessMetricStatusNoMeasurements', () => {
    expect(both({ name: 'success-rate' }, counters({ measurements: 0 }))).toEqual(['Pending', 'Successful']);
  });

  test('TestAssessMetricStatusInFlightMeasurement', () => {
    expect(both({ name: 'success-rate' }, counters({ measurements: 2, last: 'Running' }))).toEqual(['Running', 'Running']);
  });

  test('TestAssessMetricStatusFailureLimit', () => {
    const r = counters({ failed: 3, count: 3, last: 'Failed' });
    expect(both({ failureLimit: 2, interval: '60s' }, r)).toEqual(['Failed', 'Failed']);
    expect(both({ failureLimit: 3, interval: '60s' }, r)).toEqual(['Running', 'Successful']);
  });

  test('TestAssessMetricStatusConsecutiveSuccessLimit', () => {
    const r = counters({ failed: 3, successful: 4, consecutiveSuccess: 3, count: 7, last: 'Failed' });
    const m = (csl: number, count?: number) => ({ failureLimit: -1, consecutiveSuccessLimit: csl, interval: '60s', ...(count ? { count } : {}) });
    // indefinite
    expect(both(m(3), r)).toEqual(['Successful', 'Successful']);
    expect(both(m(5), r)).toEqual(['Running', 'Successful']);
    // count reached
    expect(both(m(5, 7), r)).toEqual(['Failed', 'Failed']);
    expect(both(m(3, 7), r)).toEqual(['Successful', 'Successful']);
    // count not reached
    expect(both(m(3, 9), r)).toEqual(['Successful', 'Successful']);
    expect(both(m(5, 9), r)).toEqual(['Running', 'Successful']);
  });

  test('TestAssessMetricStatusFailureLimitAndConsecutiveSuccessLimit', () => {
    const indefinite = { failureLimit: 4, consecutiveSuccessLimit: 4, interval: '60s' };
    const rows: [any, Partial<MetricCounters>, string[]][] = [
      [indefinite, { failed: 3, successful: 4, count: 7, consecutiveSuccess: 3 }, ['Running', 'Successful']],
      [indefinite, { failed: 5, successful: 9, count: 9, consecutiveSuccess: 0 }, ['Failed', 'Failed']],
      [indefinite, { failed: 3, successful: 5, count: 8, consecutiveSuccess: 4 }, ['Successful', 'Successful']],
      [indefinite, { failed: 5, successful: 5, count: 10, consecutiveSuccess: 4 }, ['Failed', 'Failed']],
      [{ ...indefinite, count: 10 }, { failed: 4, successful: 6, count: 10, consecutiveSuccess: 3 }, ['Inconclusive', 'Inconclusive']],
      [{ ...indefinite, count: 10 }, { failed: 5, successful: 5, count: 10, consecutiveSuccess: 3 }, ['Failed', 'Failed']],
      [{ ...indefinite, count: 10 }, { failed: 4, successful: 6, count: 10, consecutiveSuccess: 4 }, ['Successful', 'Successful']],
      [{ ...indefinite, count: 10 }, { failed: 5, successful: 5, count: 10, consecutiveSuccess: 4 }, ['Failed', 'Failed']],
      [{ ...indefinite, count: 10 }, { failed: 3, successful: 5, count: 8, consecutiveSuccess: 3 }, ['Running', 'Successful']],
      [{ ...indefinite, count: 10 }, { failed: 5, successful: 3, count: 8, consecutiveSuccess: 3 }, ['Failed', 'Failed']],
      [{ ...indefinite, count: 10 }, { failed: 3, successful: 5, count: 8, consecutiveSuccess: 4 }, ['Successful', 'Successful']],
      [{ ...indefinite, count: 10 }, { failed: 5, successful: 4, count: 9, consecutiveSuccess: 4 }, ['Failed', 'Failed']],
    ];
    for (const [metric, r, expected] of rows) expect([JSON.stringify(r), both(metric, counters({ ...r, last: 'Failed' }))]).toEqual([JSON.stringify(r), expected]);
  });

  test('TestAssessMetricStatusInconclusiveLimit', () => {
    const r = counters({ inconclusive: 3, count: 3, last: 'Inconclusive' });
    expect(both({ inconclusiveLimit: 2, interval: '60s' }, r)).toEqual(['Inconclusive', 'Inconclusive']);
    expect(both({ inconclusiveLimit: 3, interval: '60s' }, r)).toEqual(['Running', 'Successful']);
  });

  test('TestAssessMetricStatusConsecutiveErrors', () => {
    const m = { interval: '60s' };
    expect(both(m, counters({ consecutiveError: 5, count: 5, last: 'Error' }))).toEqual(['Error', 'Error']);
    expect(both(m, counters({ consecutiveError: 4, count: 5, last: 'Error' }))).toEqual(['Running', 'Successful']);
  });

  test('TestAssessMetricStatusCountReached', () => {
    expect(assessMetricStatus({ count: 10 }, counters({ successful: 10, count: 10 }), false)).toBe('Successful');
    expect(assessMetricStatus({ count: 10 }, counters({ successful: 5, inconclusive: 5, count: 10 }), false)).toBe('Inconclusive');
  });

  test('TestAssessMetricFailureInconclusiveOrError: the message of each limit', () => {
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: 2 }, counters({ failed: 3 }))).toEqual({ phase: 'Failed', message: 'failed (3) > failureLimit (2)' });
    expect(assessMetricFailureInconclusiveOrError({ inconclusiveLimit: 2 }, counters({ inconclusive: 3 }))).toEqual({ phase: 'Inconclusive', message: 'inconclusive (3) > inconclusiveLimit (2)' });
    expect(assessMetricFailureInconclusiveOrError({ consecutiveErrorLimit: 2 }, counters({ consecutiveError: 3 }))).toEqual({ phase: 'Error', message: 'consecutiveErrors (3) > consecutiveErrorLimit (2)' });
    expect(assessMetricFailureInconclusiveOrError({}, counters({ consecutiveError: 4 }))).toBeUndefined(); // default limit 4
  });
});

describe('every measurement without data: what the metric ends in', () => {
  test.each([
    // [metric, measurement phase, metric phase, after n measurements]
    [{ count: 5, interval: '1m', failureLimit: 1 }, 'Failed', 'Failed', 2],
    [{ count: 5, interval: '1m' }, 'Failed', 'Failed', 1],
    [{ count: 3, interval: '1m', failureLimit: 3 }, 'Failed', 'Successful', 3], // the limit lets the count be reached
    [{ count: 3, interval: '1m', failureLimit: 2 }, 'Failed', 'Failed', 3],
    [{ count: 5, interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 2 }, 'Failed', 'Failed', 5],
    [{ count: 5, interval: '1m', failureLimit: 4, consecutiveSuccessLimit: 1 }, 'Failed', 'Failed', 5], // the limit is exceeded at 5
    [{ count: 6, interval: '1m', failureLimit: 5, consecutiveSuccessLimit: 1 }, 'Failed', 'Failed', 6], // ValidateMetric keeps failureLimit + consecutiveSuccessLimit ≤ count
    [{ interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 2 }, 'Failed', 'Running', Infinity], // never fails
    [{ interval: '5m', failureLimit: 3 }, 'Failed', 'Failed', 4],
    [{ count: 5, interval: '1m' }, 'Inconclusive', 'Inconclusive', 1],
    [{ count: 5, interval: '1m', inconclusiveLimit: 5 }, 'Inconclusive', 'Successful', 5],
    [{ count: 5, interval: '1m' }, 'Error', 'Error', 5], // consecutiveErrorLimit 4
    [{ count: 5, interval: '1m', consecutiveErrorLimit: 0 }, 'Error', 'Error', 1],
    [{}, 'Failed', 'Failed', 1],
    [{}, 'Successful', 'Successful', 1],
  ] as const)('%j, each measurement %s → %s after %s', (metric, phase, expected, n) => {
    expect(outcomeOfRepeated(metric, phase)).toEqual({ phase: expected, measurements: n });
  });
});

describe('an analysis whose query returns nothing does not pass', () => {
  const prometheus = MetricProvider.prometheus({ address: 'http://prometheus:9090', query: 'up' });
  const metric = (m: any) => ({ name: 'm', provider: { prometheus: { address: 'http://prometheus:9090', query: 'up' } }, ...m });

  test('a guarded condition still passes without data when failureLimit is not below count', () => {
    // GIVEN the guarded condition MetricCondition.atLeast generates, counted 3 times with 3 failures tolerated
    const lie = passesWithoutData(metric({ successCondition: 'len(result) > 0 && all(result, {# >= 0.99})', count: 3, interval: '1m', failureLimit: 3 }));
    // THEN the metric is flagged: 3 failed measurements reach the count and the metric is Successful
    expect(lie).toBe("metric 'm' passes without data: successCondition 'len(result) > 0 && all(result, {# >= 0.99})' counts an empty result (no series) as Failed, but failureLimit (3) is not below the count (3), so after 3 such measurement(s) the count is reached and the metric is Successful");
    expect(passesWithoutData(metric({ successCondition: 'len(result) > 0 && all(result, {# >= 0.99})', count: 3, interval: '1m', failureLimit: 2 }))).toBeUndefined();
  });

  test('inconclusive measurements with an inconclusiveLimit that lets the count be reached', () => {
    const c = MetricCondition.atLeast(0.99, NoDataBehavior.INCONCLUSIVE);
    const m = metric({ successCondition: c.successCondition, failureCondition: c.failureCondition, count: 2, interval: '1m', inconclusiveLimit: 2 });
    expect(passesWithoutData(m)).toContain('inconclusiveLimit (2) is not below the count (2)');
    expect(passesWithoutData({ ...m, inconclusiveLimit: 1 })).toBeUndefined();
  });

  test('a background metric that never fails without data (failureLimit -1) never fails the Rollout', () => {
    const m = metric({ successCondition: 'len(result) > 0 && result[0] >= 0.99', interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 3 });
    expect(passesWithoutData(m)).toContain('never fails without data');
  });

  test('limits given as arguments are resolved first; an argument without a value leaves the metric unchecked', () => {
    const m = metric({ successCondition: 'len(result) > 0 && result[0] >= 0.99', count: '{{args.count}}', interval: '1m', failureLimit: '{{args.limit}}' });
    expect(passesWithoutData(m, [{ name: 'count', value: '3' }, { name: 'limit', value: '3' }])).toContain('failureLimit (3) is not below the count (3)');
    expect(passesWithoutData(m, [{ name: 'count', value: '3' }, { name: 'limit', value: '1' }])).toBeUndefined();
    expect(passesWithoutData(m, [{ name: 'count', value: '3' }, { name: 'limit' }])).toBeUndefined();
  });

  test('the construct refuses it (unless waived) and lint warns', () => {
    const of = (extra: any) => () => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', provider: prometheus, condition: MetricCondition.atLeast(0.99), interval: Duration.minutes(1), ...extra }] });
    expect(of({ count: 3, failureLimit: 3 })).toThrow("metric 'm' passes without data");
    expect(of({ count: 3, failureLimit: 2 })).not.toThrow();
    expect(of({ count: 3, failureLimit: 3, noDataWaiver: 'smoke test only' })).not.toThrow();
    // The helpers with a count no larger than their failure limit.
    expect(() => AnalysisTemplate.successRate({ count: 2, failureLimit: 2 })).toThrow('failureLimit (2) is not below the count (2)');
    expect(() => AnalysisTemplate.successRate({ count: 3, failureLimit: 2 })).not.toThrow();
    const template = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 't' },
      spec: { metrics: [metric({ successCondition: 'len(result) > 0 && result[0] >= 0.99', count: 3, interval: '1m', failureLimit: 3 })] },
    };
    const problems = lintObjects([{ object: template, source: 'f.yaml' }]).problems;
    expect(problems.map(p => [p.severity, p.message.slice(0, 40)])).toEqual([['warning', "metric 'm' passes without data: successC"]]);
  });

  test('a metric the AnalysisRun rejects is reported as such, not as passing', () => {
    // count (1) < failureLimit (2): ValidateMetric fails the run; the honesty check steps aside
    expect(passesWithoutData(metric({ successCondition: 'len(result) > 0 && result[0] >= 0.99', count: 1, failureLimit: 2, interval: '1m' }))).toBeUndefined();
  });
});
