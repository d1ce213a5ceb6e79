import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { AnalysisTemplate, MetricCondition, NoDataBehavior } from '../../../src';
import { evaluateResult } from '../../../src/rollouts/private/expr/evaluate';
import { float, float64Slice, GoValue } from '../../../src/rollouts/private/expr/types';
import { passesWithoutData } from '../../../src/rollouts/private/rules/honest-analysis';
import { outcomeOfRepeated } from '../../../src/rollouts/private/rules/metric-status';

/**
 * "An analysis whose query returns nothing does not pass", checked adversarially: the conditions the helpers
 * generate never count no data as success (an empty vector, an empty range query, NaN, a NaN among the samples),
 * for any threshold; the templates the helpers make never end Successful without data, for any count and
 * limits; and the warning on hand-written conditions flags exactly the conditions that the real expression
 * language (fixtures/expr-oracle.json, computed with antonmedv/expr v1.15.5) counts as Successful without data.
 */

const phase = (c: MetricCondition, result: GoValue) => evaluateResult(result, c.successCondition, c.failureCondition).phase;
const threshold = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, 1, 0.99, 0.5, 1e-9, 1e21, -0.5, 123456789.125),
);
const behaviour = fc.constantFrom(NoDataBehavior.FAIL, NoDataBehavior.INCONCLUSIVE);
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
const condition = fc.tuple(fc.constantFrom('atLeast', 'atMost'), threshold, behaviour)
  .map(([kind, t, b]) => ({ kind, t, b, c: kind === 'atLeast' ? MetricCondition.atLeast(t, b) : MetricCondition.atMost(t, b) }));

describe('MetricCondition.atLeast / atMost never pass without data', () => {
  test('an empty vector or range query, NaN, [NaN]', () => {
    fc.assert(fc.property(condition, ({ c }) => {
      for (const result of [float64Slice([]), float(NaN), float64Slice([NaN]), float64Slice([NaN, NaN])]) {
        expect(phase(c, result)).not.toBe('Successful');
      }
    }), { numRuns: 300 });
  });

  test('a vector with NaN among its values, wherever it is', () => {
    fc.assert(fc.property(condition, fc.array(finite, { maxLength: 6 }), fc.nat(6), ({ c }, values, at) => {
      const samples = [...values];
      samples.splice(Math.min(at, samples.length), 0, NaN);
      expect(phase(c, float64Slice(samples))).not.toBe('Successful');
    }), { numRuns: 300 });
  });

  test('with NoDataBehavior.FAIL no data fails; with INCONCLUSIVE it is inconclusive (the Rollout pauses)', () => {
    fc.assert(fc.property(condition, ({ c, b }) => {
      for (const result of [float64Slice([]), float64Slice([NaN])]) {
        expect(phase(c, result)).toBe(b === NoDataBehavior.FAIL ? 'Failed' : 'Inconclusive');
      }
      // A scalar (a PromQL `scalar(...)` query) is not a vector: the guard's len() makes the measurement an Error.
      expect(phase(c, float(NaN))).toBe('Error');
    }), { numRuns: 200 });
  });

  test('they are not trivially failing: data that meets the threshold succeeds, a breach fails', () => {
    const offsetLists = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(condition, offsetLists, ({ kind, t, c }, offsets) => {
      const good = offsets.map(o => (kind === 'atLeast' ? t + o : t - o));
      fc.pre(good.every(v => Number.isFinite(v) && (kind === 'atLeast' ? v >= t : v <= t)));
      expect(phase(c, float64Slice(good))).toBe('Successful');
      const breach = kind === 'atLeast' ? t - 1 - Math.abs(t) : t + 1 + Math.abs(t);
      expect(phase(c, float64Slice([...good, breach]))).toBe('Failed');
    }), { numRuns: 300 });
  });
});

describe('the templates the helpers make never end Successful without data, whatever their count and limits', () => {
  test.each(['successRate', 'latency'])('AnalysisTemplate.%s', helper => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 12 }), behaviour, (count, failureLimit, noData) => {
      let template: AnalysisTemplate;
      try {
        const options = { count, failureLimit, noData, interval: Duration.minutes(1) };
        template = helper === 'successRate' ? AnalysisTemplate.successRate(options) : AnalysisTemplate.latency({ ...options, threshold: Duration.millis(500) });
      } catch (e) {
        // Refused: either the AnalysisRun would reject it, or it would pass without data. Never silently accepted.
        expect((e as Error).message).toMatch(/passes without data|must be >= failureLimit|interval must be specified/);
        return;
      }
      const metric = template.toManifest('ns').spec.metrics[0];
      expect(passesWithoutData(metric, [{ name: 'service-name', value: 'api' }])).toBeUndefined();
      for (const result of [float64Slice([]), float64Slice([NaN])]) {
        const measurement = evaluateResult(result, metric.successCondition, metric.failureCondition).phase;
        expect(['Failed', 'Inconclusive']).toContain(measurement);
        expect(['Failed', 'Inconclusive']).toContain(outcomeOfRepeated(metric, measurement).phase);
      }
    }), { numRuns: 120 });
  });
});

interface Fixture { readonly order: string[]; readonly conditions: [string, string][]; readonly outcomes: [string, string][][] }
const oracle: Fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'expr-oracle.json'), 'utf8'));
/** What the warning evaluates, by the oracle's labels. */
const NO_DATA = ['empty vector []', 'scalar NaN', '[NaN]'];

describe('the warning on hand-written conditions agrees with the real expression language', () => {
  const prometheus = { prometheus: { address: 'http://prometheus:9090', query: 'up' } };
  test.each(oracle.conditions.map((c, i) => [c[0] || '-', c[1] || '-', i] as const))('success %s / failure %s', (_s, _f, i) => {
    const [successCondition, failureCondition] = oracle.conditions[i];
    if (/\b(trim|upper|now)\(/.test(successCondition + failureCondition)) return; // left out of the offline evaluator
    // GIVEN what expr v1.15.5 makes of the condition on each kind of missing data
    const passes = NO_DATA.some(label => oracle.outcomes[i][oracle.order.indexOf(label)][0] === 'Successful');
    // WHEN the offline check looks at a Prometheus metric with these conditions (one measurement)
    const metric = { name: 'm', provider: prometheus, ...(successCondition ? { successCondition } : {}), ...(failureCondition ? { failureCondition } : {}) };
    // THEN it warns exactly when the controller would count missing data as success
    expect(passesWithoutData(metric) !== undefined).toBe(passes);
  });
});

describe('the documented pitfalls are flagged; their guarded forms are not', () => {
  const prometheus = { prometheus: { address: 'http://prometheus:9090', query: 'up' } };
  const check = (successCondition?: string, failureCondition?: string) => passesWithoutData({ name: 'm', provider: prometheus, successCondition, failureCondition });
  test.each([
    // docs/features/analysis.md "Empty array": the suggested default makes an empty result a success
    ['analysis.md Empty array: len(result) == 0 || result[0] >= 0.95', 'len(result) == 0 || result[0] >= 0.95', undefined, 'counts an empty result (no series) as Successful'],
    // docs/features/analysis.md "NaN": isNaN(result) || result >= 0.95 on a scalar query
    ['analysis.md NaN: isNaN(result) || result >= 0.95', 'isNaN(result) || result >= 0.95', undefined, 'counts NaN as Successful'],
    // argoproj/argo-rollouts#1466: a failure-only condition; NaN (no requests) compares false, so nothing fails
    ['#1466: failure condition only, NaN never fails', undefined, 'result[0] > 0.05', 'counts a NaN sample as Successful'],
    // argoproj/argo-rollouts#2101: default() replaces a nil result only; an empty vector errors, and NaN passes
    ['#2101: default() does not cover NaN', undefined, 'default(result, [0])[0] > 0.05', 'counts a NaN sample as Successful'],
    ['an error count that is NaN without traffic: asInt(NaN) is math.MinInt64', 'asInt(result[0]) < 1', undefined, 'counts a NaN sample as Successful'],
    ['mean() of no samples is 0', undefined, 'mean(result) > 0.05', 'counts an empty result (no series) as Successful'],
  ])('%s', (_name, success, failure, why) => {
    expect(check(success, failure)).toContain(why);
  });

  test.each([
    ['len(result) > 0 && all(result, {# >= 0.95})', undefined],
    ['len(result) > 0 && result[0] >= 0.95', undefined],
    [undefined, 'len(result) == 0 || any(result, {isNaN(#) || # < 0.95})'],
    ['!isNaN(result) && result >= 0.95', undefined],
  ])('guarded: %s / %s', (success, failure) => {
    expect(check(success, failure)).toBeUndefined();
  });
});
