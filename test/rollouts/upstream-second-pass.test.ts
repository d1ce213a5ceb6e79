import { Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { rollout } from './rollout-fixture';
import { AnalysisTemplate, MetricCondition, MetricProvider } from '../../src';
import { evalCondition } from '../../src/rollouts/private/expr/evaluate';
import { float64Slice, int, NIL, str as goStr } from '../../src/rollouts/private/expr/types';
import { analysisRunStartError, argsOf, effectiveCount, fasttemplate, flattenTemplates, mergeArgs, newAnalysisRunFromTemplates, resolveMetricArgs, TemplateSpec, unmatchedRule, validateMetric, validateMetrics } from '../../src/rollouts/private/rules/analysis-run';
import { intValue } from '../../src/rollouts/private/rules/json';
import { formatProblem, lintObjects } from '../../src/rollouts/private/rules/lint';
import { validateAmbassadorMapping, validateAppMeshResource } from '../../src/rollouts/private/rules/mesh-references';
import { assessMetricFailureInconclusiveOrError, assessMetricStatus, consecutiveErrorLimitOf, countersAfter, MetricCounters, outcomeOfRepeated } from '../../src/rollouts/private/rules/metric-status';
import { buildAnalysisArgs, ReferenceLookup, validateReferences } from '../../src/rollouts/private/rules/references';
import { M, maxTrafficWeight, pauseDurationSeconds, replicasOf, revisionHistoryLimitOf, validateRollout } from '../../src/rollouts/private/rules/rollout-spec';

/**
 * Second-pass acceptance cases for Argo Rollouts v1.9.1 (argoproj/argo-rollouts@v1.9.1): upstream tests not
 * ported before (each title names the file and test), and corners of the source they do not reach (each names
 * the function). AR = argoproj/argo-rollouts@v1.9.1.
 */

const errors = (r: any) => validateRollout(r).map(e => e.toString());
const canary = (c: any, spec?: any) => errors(rollout({ canary: c }, spec));
const lintAll = (...objects: any[]) => lintObjects(objects.map((object, i) => ({ object, source: `#${i + 1}` })), { schemas: false }).problems.map(formatProblem);
const lint = (...objects: any[]) => lintAll(...objects);
const tmpl = (name: string, spec: any, clusterScope = false): TemplateSpec => ({ name, clusterScope, spec });
const metric = (name: string, extra: any = {}) => ({ name, provider: { prometheus: {} }, ...extra });

describe('AR utils/analysis/helpers_test.go TestFlattenTemplates', () => {
  const m = (name: string, successCondition: string) => ({ name, successCondition });
  test('Handle empty list', () => {
    expect(flattenTemplates([])).toEqual({ metrics: [], dryRun: [], retention: [], args: [] });
  });
  test('No changes on single template', () => {
    const flat = flattenTemplates([tmpl('t', { metrics: [m('foo', '{{args.test}}')], args: [{ name: 'test', value: 'true' }] })]);
    expect(flat).toEqual({ metrics: [m('foo', '{{args.test}}')], dryRun: [], retention: [], args: [{ name: 'test', value: 'true', valueFrom: undefined }] });
  });
  test('Merge multiple metrics successfully (dry-run and retention rules of both kept)', () => {
    const flat = flattenTemplates([
      tmpl('a', { metrics: [m('foo', 'true')], dryRun: [{ metricName: 'foo' }], measurementRetention: [{ metricName: 'foo' }] }),
      tmpl('b', { metrics: [m('bar', 'true')], dryRun: [{ metricName: 'bar' }], measurementRetention: [{ metricName: 'bar' }] }),
    ]);
    expect(typeof flat !== 'string' && [flat.metrics.map(x => x.name), flat.dryRun.length, flat.retention.length, flat.args]).toEqual([['foo', 'bar'], 2, 2, []]);
  });
  test('Merge analysis templates and cluster templates successfully (templates first, then cluster templates)', () => {
    const flat = flattenTemplates([tmpl('c', { metrics: [m('bar', 'true')] }, true), tmpl('a', { metrics: [m('foo', 'true')] })]);
    expect(typeof flat !== 'string' && flat.metrics.map(x => x.name)).toEqual(['foo', 'bar']);
  });
  test('Merge fail with name collision', () => {
    expect(flattenTemplates([tmpl('a', { metrics: [m('foo', 'true')] }), tmpl('b', { metrics: [m('foo', 'true')] })])).toBe("two metrics have the same name 'foo'");
  });
  test('Merge fail with dry-run name collision', () => {
    expect(flattenTemplates([
      tmpl('a', { metrics: [m('foo', 'true')], dryRun: [{ metricName: 'foo' }] }),
      tmpl('b', { metrics: [m('bar', 'true')], dryRun: [{ metricName: 'foo' }] }),
    ])).toBe("two Dry-Run metric rules have the same name 'foo'");
  });
  test('Merge fail with measurement retention metrics name collision', () => {
    expect(flattenTemplates([
      tmpl('a', { metrics: [m('foo', 'true')], measurementRetention: [{ metricName: 'foo' }] }),
      tmpl('b', { metrics: [m('bar', 'true')], measurementRetention: [{ metricName: 'foo' }] }),
    ])).toBe("two Measurement Retention metric rules have the same name 'foo'");
  });
  test('metric names collide before dry-run rules are looked at (flattenMetrics runs first)', () => {
    expect(flattenTemplates([
      tmpl('a', { metrics: [m('foo', 'true')], dryRun: [{ metricName: 'x' }] }),
      tmpl('b', { metrics: [m('foo', 'true')], dryRun: [{ metricName: 'x' }] }),
    ])).toBe("two metrics have the same name 'foo'");
  });
  test('Merge multiple args successfully', () => {
    const flat = flattenTemplates([tmpl('a', { args: [{ name: 'foo', value: 'true' }] }), tmpl('b', { args: [{ name: 'bar', value: 'true' }] })]);
    expect(typeof flat !== 'string' && flat.args.map(a => [a.name, a.value])).toEqual([['foo', 'true'], ['bar', 'true']]);
  });
  test('Merge args with same name but only one has value (either order)', () => {
    for (const order of [[{ name: 'foo', value: 'true' }, { name: 'foo' }], [{ name: 'foo' }, { name: 'foo', value: 'true' }]]) {
      const flat = flattenTemplates([tmpl('a', { args: [order[0]] }), tmpl('b', { args: [order[1]] })]);
      expect(typeof flat !== 'string' && flat.args.map(a => [a.name, a.value])).toEqual([['foo', 'true']]);
    }
  });
  test('Error: merge args with same name and both have values', () => {
    expect(flattenTemplates([tmpl('a', { args: [{ name: 'foo', value: 'true' }] }), tmpl('b', { args: [{ name: 'foo', value: 'false' }] })]))
      .toBe("Argument `foo` specified multiple times with different values: 'true', 'false'");
  });
  test('the same name with the same value twice is one argument', () => {
    const flat = flattenTemplates([tmpl('a', { args: [{ name: 'foo', value: 'x' }] }), tmpl('b', { args: [{ name: 'foo', value: 'x' }] })]);
    expect(typeof flat !== 'string' && flat.args.length).toBe(1);
  });
});

describe('AR utils/analysis/helpers_test.go TestNewAnalysisRunFromTemplates / TestMergeArgs', () => {
  const templates = [tmpl('foo', { metrics: [{ name: 'success-rate' }], args: [{ name: 'my-arg' }, { name: 'my-secret' }] })];
  const args = argsOf([{ name: 'my-arg', value: 'my-val' }, { name: 'my-secret', valueFrom: { secretKeyRef: { name: 'name', key: 'key' } } }]);
  test('TestNewAnalysisRunFromTemplates: a value and a secret reference resolve the arguments', () => {
    expect(newAnalysisRunFromTemplates(templates, args, [], [])).toBeUndefined();
  });
  test('TestNewAnalysisRunFromTemplates: Fail Merge Args', () => {
    const withUnresolved = [tmpl('foo', { ...templates[0].spec, args: [...templates[0].spec.args, { name: 'unresolved' }] })];
    expect(newAnalysisRunFromTemplates(withUnresolved, args, [], [])).toBe('args.unresolved was not resolved');
  });
  test('TestNewAnalysisRunFromTemplates: Fail Flatten Templates (before the arguments are merged)', () => {
    const withDuplicate = [...templates, tmpl('other', { metrics: [{ name: 'success-rate' }], args: [{ name: 'unresolved' }] })];
    expect(newAnalysisRunFromTemplates(withDuplicate, args, [], [])).toBe("two metrics have the same name 'success-rate'");
  });
  test('dry-run rules of the step and of the templates must not collide (mergeDryRunMetrics)', () => {
    const t = [tmpl('t', { metrics: [{ name: 'm' }], dryRun: [{ metricName: 'm' }] })];
    expect(newAnalysisRunFromTemplates(t, [], [{ metricName: 'm' }], [])).toBe("two Dry-Run metric rules have the same name 'm'");
    expect(newAnalysisRunFromTemplates(t, [], [], [{ metricName: 'm' }])).toBeUndefined();
  });
  test('TestMergeArgs: nil and empty lists', () => {
    expect(mergeArgs([], [])).toEqual([]);
  });
  test('TestMergeArgs: use defaults (a value, and a secret reference)', () => {
    const merged = mergeArgs([], argsOf([{ name: 'foo', value: 'bar' }, { name: 'my-secret', valueFrom: { secretKeyRef: { name: 'name', key: 'key' } } }]));
    expect(Array.isArray(merged) && merged.map(a => [a.name, a.value, a.valueFrom !== undefined])).toEqual([['foo', 'bar', false], ['my-secret', undefined, true]]);
  });
  test('TestMergeArgs: overwrite defaults', () => {
    expect(mergeArgs(argsOf([{ name: 'foo', value: 'overwrite' }]), argsOf([{ name: 'foo', value: 'bar' }]))).toEqual([{ name: 'foo', value: 'overwrite', valueFrom: undefined }]);
  });
  test('TestMergeArgs: not resolved', () => {
    expect(mergeArgs(argsOf([{ name: 'foo' }]), argsOf([{ name: 'foo' }]))).toBe('args.foo was not resolved');
  });
  test('TestMergeArgs: extra arg (ignored)', () => {
    expect(mergeArgs(argsOf([{ name: 'foo', value: 'my-value' }, { name: 'extra-arg', value: 'extra-value' }]), argsOf([{ name: 'foo' }])))
      .toEqual([{ name: 'foo', value: 'my-value', valueFrom: undefined }]);
  });
  test('an incoming empty string is a value (a *string pointing at "")', () => {
    expect(mergeArgs(argsOf([{ name: 'foo', value: '' }]), argsOf([{ name: 'foo' }]))).toEqual([{ name: 'foo', value: '', valueFrom: undefined }]);
  });
});

describe('AR utils/analysis/helpers_test.go TestGetDryRunMetrics / TestGetMeasurementRetentionMetrics', () => {
  const metrics = [metric('success-rate', { count: 1, failureLimit: 2 }), metric('error-rate', { count: 1, failureLimit: 2 })];
  test.each([['dryRun'], ['measurementRetention']] as const)('%s: a name, a regex (.*), and a rule that matches nothing', (what) => {
    expect(unmatchedRule([{ metricName: 'success-rate' }], metrics, what)).toBeUndefined();
    expect(unmatchedRule([{ metricName: '.*' }], metrics, what)).toBeUndefined();
    expect(unmatchedRule([{ metricName: 'error-rate' }], [metrics[0]], what)).toBe(`${what}[0]: Rule didn't match any metric name(s)`);
  });
  test('rules are unanchored Go regexps; one Go cannot compile matches nothing', () => {
    expect(unmatchedRule([{ metricName: 'rate' }], metrics, 'dryRun')).toBeUndefined();
    expect(unmatchedRule([{ metricName: '^rate$' }], metrics, 'dryRun')).toBe("dryRun[0]: Rule didn't match any metric name(s)");
    expect(unmatchedRule([{ metricName: '*' }], metrics, 'dryRun')).toBe("dryRun[0]: Rule didn't match any metric name(s)");
    expect(unmatchedRule([{ metricName: 'success-rate' }, { metricName: 'x' }], metrics, 'measurementRetention')).toBe("measurementRetention[1]: Rule didn't match any metric name(s)");
  });
});

describe('AR utils/analysis/factory_test.go TestValidateMetrics', () => {
  test('Ensure count >= failureLimit + consecutiveSuccessLimit (count 0 skips it)', () => {
    expect(validateMetrics([metric('success-rate', { count: 1, failureLimit: 2 })])).toBe('metrics[0]: count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0');
    expect(validateMetrics([metric('success-rate', { count: 0, failureLimit: 2 })])).toBeUndefined();
  });
  test('Ensure count must be >= inconclusiveLimit', () => {
    expect(validateMetrics([metric('success-rate', { count: 1, inconclusiveLimit: 2 })])).toBe('metrics[0]: count must be >= inconclusiveLimit');
    expect(validateMetrics([metric('success-rate', { count: 0, inconclusiveLimit: 2 })])).toBeUndefined();
  });
  test('Validate metric', () => {
    expect(validateMetrics([metric('success-rate', { count: 2, interval: '60s', failureLimit: 2 })])).toBeUndefined();
  });
  test('Ensure valid internal string / Ensure valid initialDelay string', () => {
    expect(validateMetrics([metric('success-rate', { count: 2, interval: '60s-typo', failureLimit: 2 })])).toBe('metrics[0]: invalid interval string: time: unknown unit "s-typo" in duration "60s-typo"');
    expect(validateMetrics([metric('success-rate', { count: 2, interval: '60s', initialDelay: '60s-typo', failureLimit: 2 })])).toBe('metrics[0]: invalid startDelay string: time: unknown unit "s-typo" in duration "60s-typo"');
  });
  test('Ensure metric provider listed (no metrics)', () => {
    expect(validateMetrics([])).toBe('no metrics specified');
  });
  test('Ensure interval set when count > 1', () => {
    expect(validateMetrics([metric('success-rate', { count: 2 })])).toBe('metrics[0]: interval must be specified when count > 1');
  });
  test('Ensure no duplicate metric names', () => {
    expect(validateMetrics([metric('success-rate'), metric('success-rate')])).toBe("metrics[1]: duplicate name 'success-rate'");
  });
  test.each([
    ['Ensure failureLimit >= -1', { failureLimit: -2 }, 'failureLimit must be >= 0, or -1 to be disabled'],
    ['Ensure inconclusiveLimit >= 0', { inconclusiveLimit: -1 }, 'inconclusiveLimit must be >= 0'],
    ['Ensure consecutiveErrorLimit >= 0', { consecutiveErrorLimit: -1 }, 'consecutiveErrorLimit must be >= 0'],
    ['Ensure consecutiveSuccessLimit >= 0', { consecutiveSuccessLimit: -1 }, 'consecutiveSuccessLimit must be >= 0'],
    ['Ensure consecutiveSuccessLimit and failureLimit are not both disabled', { consecutiveSuccessLimit: 0, failureLimit: -1 }, 'failureLimit and consecutiveSuccessLimit cannot both be disabled'],
  ])('%s', (_name, fields, message) => {
    expect(validateMetrics([metric('success-rate', fields)])).toBe(`metrics[0]: ${message}`);
  });
  test('Ensure metric has provider / does not have more than 1 provider', () => {
    expect(validateMetrics([{ name: 'success-rate', count: 1 }])).toBe('metrics[0]: no provider specified');
    expect(validateMetrics([{
      name: 'success-rate',
      provider: {
        prometheus: {}, job: {}, wavefront: {}, kayenta: {}, web: {}, datadog: {}, newRelic: {}, cloudWatch: {}, graphite: {}, influxdb: {},
      },
    }])).toBe('metrics[0]: multiple providers specified');
  });
  test('ValidateMetric corners: the checks run in source order, and limits are IntValue() of int-or-strings', () => {
    // consecutiveSuccessLimit is checked before failureLimit
    expect(validateMetric(metric('m', { consecutiveSuccessLimit: -1, failureLimit: -5 }))).toBe('consecutiveSuccessLimit must be >= 0');
    // the count check comes before the interval check
    expect(validateMetric(metric('m', { count: 2, failureLimit: 3 }))).toBe('count (2) must be >= failureLimit + consecutiveSuccessLimit (3 + 0) if both >= 0');
    // failureLimit -1 with a consecutiveSuccessLimit: only count >= consecutiveSuccessLimit is required
    expect(validateMetric(metric('m', { count: 2, interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 3 }))).toBe('count must be >= consecutiveSuccessLimit');
    expect(validateMetric(metric('m', { count: 3, interval: '1m', failureLimit: -1, consecutiveSuccessLimit: 3 }))).toBeUndefined();
    // strings read through strconv.Atoi: "+2" is 2, "2x" is 0
    expect(validateMetric(metric('m', { count: '+2' }))).toBe('interval must be specified when count > 1');
    expect(validateMetric(metric('m', { count: '2x' }))).toBeUndefined();
    // one plugin counts as one provider; two plugins as two; an empty plugin map as none
    expect(validateMetric({ name: 'm', provider: { plugin: { 'a/b': {} } } })).toBeUndefined();
    expect(validateMetric({ name: 'm', provider: { plugin: { 'a/b': {}, 'c/d': {} } } })).toBe('multiple providers specified');
    expect(validateMetric({ name: 'm', provider: { plugin: {} } })).toBe('no provider specified');
    expect(validateMetric({ name: 'm', provider: { plugin: { 'a/b': {} }, job: {} } })).toBe('multiple providers specified');
  });
});

describe('AR utils/analysis/factory_test.go TestResolveMetricArgs / TestResolveMetricArgsWithQuotes', () => {
  const args = argsOf([{ name: 'metric-name', value: 'success-rate' }, { name: 'metric-name2', value: 'success-rate2' }]);
  test('TestResolveMetricArgs', () => {
    const r1 = resolveMetricArgs({ name: 'metric-name', successCondition: 'result > {{args.metric-name}}' }, args);
    const r2 = resolveMetricArgs({ name: 'metric-name2', successCondition: 'result < {{args.metric-name2}}' }, args);
    expect(['metric' in r1 && r1.metric.successCondition, 'metric' in r2 && r2.metric.successCondition]).toEqual(['result > success-rate', 'result < success-rate2']);
  });
  test('TestResolveMetricArgsWithQuotes (and newlines, tabs: strconv.Quote, then JSON)', () => {
    for (const value of ['foo "bar" baz', 'double quotes"newline\nand tab\t', 'back\\slash', 'unicode ✓ é']) {
      const r = resolveMetricArgs({ name: 'rate', successCondition: '{{args.rate}}' }, argsOf([{ name: 'rate', value }]));
      expect('metric' in r && r.metric.successCondition).toBe(value);
    }
  });
  test('a value with an escape JSON does not have fails the decode, with encoding/json\'s message', () => {
    const r = (value: string) => resolveMetricArgs({ name: 'rate', successCondition: '{{args.rate}}' }, argsOf([{ name: 'rate', value }]));
    expect(r('bell\x07')).toEqual({ error: "invalid character 'a' in string escape code" });
    expect(r('tab\vvertical')).toEqual({ error: "invalid character 'v' in string escape code" });
    expect(r('del\x7f')).toEqual({ error: "invalid character 'x' in string escape code" });
    expect(analysisRunStartError([{ name: 'rate', successCondition: '{{args.rate}}', provider: { job: {} } }], argsOf([{ name: 'rate', value: 'a\x01' }]), [], []))
      .toBe("Unable to resolve metric arguments: invalid character 'x' in string escape code");
  });
});

describe('AR utils/template/template_test.go (ResolveArgs, ResolveQuotedArgs) through the metric substitution', () => {
  const values = (entries: [string, string][]) => new Map(entries.map(([k, v]) => [`args.${k}`, v]));
  test('TestResolveArgsWithNoSubstitution / TestResolveArgsWithSubstitution / TestResolveArgsRemoveWhiteSpace', () => {
    expect(fasttemplate('test', new Map())).toEqual({ text: 'test' });
    expect(fasttemplate('test-{{args.var}}', values([['var', 'foo']]))).toEqual({ text: 'test-foo' });
    expect(fasttemplate('test-{{ args.var }}', values([['var', 'foo']]))).toEqual({ text: 'test-foo' });
  });
  test('TestInvalidTemplate / TestMissingArgs', () => {
    expect(fasttemplate('test-{{args.var', new Map())).toEqual({ error: 'Cannot find end tag="}}" in the template="test-{{args.var" starting from "args.var"' });
    expect(fasttemplate('test-{{args.var}}', new Map())).toEqual({ error: 'failed to resolve {{args.var}}' });
  });
  test('TestResolveArgsValueNotSupplied: every argument needs a value, used or not', () => {
    expect(resolveMetricArgs({ name: 'm', successCondition: '{{args.test}}' }, argsOf([{ name: 'test' }]))).toEqual({ error: 'argument "test" was not supplied' });
    expect(resolveMetricArgs({ name: 'm', successCondition: 'true' }, argsOf([{ name: 'unused' }]))).toEqual({ error: 'argument "unused" was not supplied' });
  });
  test('an unclosed {{ in a metric runs to the provider\'s closing braces: an unresolved tag, never a syntax error', () => {
    expect(resolveMetricArgs({ name: 'm', successCondition: '{{args.test', provider: { job: {} } }, [])).toEqual({ error: 'failed to resolve {{args.test","provider":{"job":{}}' });
    expect(resolveMetricArgs({ name: 'm', successCondition: '{{args.test' }, argsOf([{ name: 'test' }]))).toEqual({ error: 'argument "test" was not supplied' });
  });
  test('TestResolveQuotedArgs', () => {
    const quoted = resolveMetricArgs({ name: 'm', successCondition: 'test-{{args.var}}' }, argsOf([{ name: 'var', value: 'double quotes"newline\nand tab\t' }]));
    expect('metric' in quoted && quoted.metric.successCondition).toBe('test-double quotes"newline\nand tab\t');
  });
});

describe('AR analysis/analysis_test.go: errors an AnalysisRun starts with (reconcileAnalysisRun)', () => {
  test('TestReconcileAnalysisRunInvalid: a metric without a provider', () => {
    expect(analysisRunStartError([{ name: 'success-rate' }], [], [], [])).toBe('Analysis spec invalid: metrics[0]: no provider specified');
  });
  test('TestInvalidDryRunConfigThrowsError / TestInvalidMeasurementsRetentionConfigThrowsError', () => {
    const m = [{ name: 'success-rate', initialDelay: '20s', interval: '20s', successCondition: 'result[0] > 0.90', provider: { web: {} } }];
    const args = argsOf([{ name: 'service', value: 'rollouts-demo-canary.default.svc.cluster.local' }]);
    expect(analysisRunStartError(m, args, [{ metricName: 'error-rate' }], [])).toBe("Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)");
    expect(analysisRunStartError(m, args, [], [{ metricName: 'error-rate' }])).toBe("Analysis spec invalid: measurementRetention[0]: Rule didn't match any metric name(s)");
  });
  test('TestResolveMetricArgsUnableToSubstitute: the last unresolved tag in the metric\'s JSON, dry-run or not', () => {
    const m = [{ name: 'rate', successCondition: '{{args.does-not-exist}}', provider: { prometheus: { query: '{{args.metric-name}}' } } }];
    for (const dryRun of [[], [{ metricName: '*' }]]) {
      expect(analysisRunStartError(m, [], dryRun, [])).toBe('Unable to resolve metric arguments: failed to resolve {{args.metric-name}}');
    }
  });
  test('the last unresolved tag follows the Go structs\' field order, not the order the YAML was written in', () => {
    const prometheus = { query: '{{args.query}}', address: '{{args.address}}' };
    expect(analysisRunStartError([{ name: 'm', provider: { prometheus } }], [], [], [])).toBe('Unable to resolve metric arguments: failed to resolve {{args.query}}');
    const web = { headers: [{ value: '{{args.token}}', key: 'Authorization' }], url: '{{args.url}}' };
    expect(analysisRunStartError([{ name: 'm', provider: { web } }], [], [], [])).toBe('Unable to resolve metric arguments: failed to resolve {{args.token}}');
    // consecutiveSuccessLimit is the Metric's last field, after the provider
    expect(analysisRunStartError([{ name: 'm', consecutiveSuccessLimit: '{{args.csl}}', successCondition: '{{args.sc}}', provider: { job: {} } }], [], [], []))
      .toBe('Unable to resolve metric arguments: failed to resolve {{args.csl}}');
    // a datadog `queries` map is written with its keys sorted
    const datadog = { queries: { b: '{{args.b}}', a: '{{args.a}}' } };
    expect(analysisRunStartError([{ name: 'm', provider: { datadog } }], [], [], [])).toBe('Unable to resolve metric arguments: failed to resolve {{args.b}}');
  });
  test('fields the Go structs do not have are not substituted (json.Marshal drops them)', () => {
    expect(analysisRunStartError([{ name: 'm', provider: { prometheus: { query: 'up', notAField: '{{args.x}}' } } }], [], [], [])).toBeUndefined();
  });
  test('a secret argument stands in as a placeholder (getResolvedMetricsWithoutSecrets)', () => {
    const m = [{ name: 'm', provider: { web: { url: 'http://x/{{args.token}}' } } }];
    expect(analysisRunStartError(m, argsOf([{ name: 'token', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]), [], [])).toBeUndefined();
  });
  test('TestGenerateMetricTasksNoIntervalOrCount: neither count nor interval is one measurement', () => {
    expect(effectiveCount({ name: 'success-rate' })).toEqual({ int: 1 });
    expect(assessMetricStatus({ name: 'success-rate' }, countersAfter('Successful', 1), false)).toBe('Successful');
    expect(effectiveCount({ name: 'm', interval: '1m' })).toBeUndefined();
    expect(effectiveCount({ name: 'm', interval: '1m', count: 0 })).toBeUndefined();
    expect(effectiveCount({ name: 'm', count: 'abc' })).toEqual({ int: 1 }); // IntValue() 0: as if unset
    expect(effectiveCount({ name: 'm', count: '3' })).toEqual({ str: '3' });
  });
  test('TestRunMeasurementsResetConsecutiveErrorCounter: the fifth consecutive error exceeds the default limit', () => {
    const r: MetricCounters = { count: 4, successful: 0, failed: 0, inconclusive: 0, error: 5, consecutiveError: 5, consecutiveSuccess: 0, measurements: 5, lastMeasurementPhase: 'Error' };
    expect(assessMetricStatus({ name: 'test', provider: { job: {} } }, r, false)).toBe('Error');
    expect(assessMetricFailureInconclusiveOrError({ name: 'test' }, r)).toEqual({ phase: 'Error', message: 'consecutiveErrors (5) > consecutiveErrorLimit (4)' });
  });
});

describe('AR analysis/analysis.go assessMetricStatus / assessMetricFailureInconclusiveOrError: corners', () => {
  const counters = (c: Partial<MetricCounters>): MetricCounters => ({
    count: 0, successful: 0, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, consecutiveSuccess: 0, measurements: 1, lastMeasurementPhase: 'Failed', ...c,
  });
  test('error beats inconclusive beats failure when several limits are exceeded (the last check wins)', () => {
    const r = counters({ failed: 1, inconclusive: 1, consecutiveError: 5 });
    expect(assessMetricFailureInconclusiveOrError({}, r)?.phase).toBe('Error');
    expect(assessMetricFailureInconclusiveOrError({}, counters({ failed: 1, inconclusive: 1 }))).toEqual({ phase: 'Inconclusive', message: 'inconclusive (1) > inconclusiveLimit (0)' });
  });
  test('failureLimit -1 never fails on failures', () => {
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: -1 }, counters({ failed: 100 }))).toBeUndefined();
  });
  test('limits as strings read through IntValue(): "2" is 2, "x" is 0', () => {
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: '2' }, counters({ failed: 2 }))).toBeUndefined();
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: 'x' }, counters({ failed: 1 }))).toEqual({ phase: 'Failed', message: 'failed (1) > failureLimit (0)' });
  });
  test('limits are compared as int32(IntValue()): 4294967296 is 0, 2147483648 is negative', () => {
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: 4294967296 }, counters({ failed: 1 }))).toEqual({ phase: 'Failed', message: 'failed (1) > failureLimit (0)' });
    expect(assessMetricFailureInconclusiveOrError({ failureLimit: 2147483648 }, counters({ failed: 5 }))).toBeUndefined();
    expect(assessMetricFailureInconclusiveOrError({ consecutiveErrorLimit: 4294967297 }, counters({ consecutiveError: 2 }))).toEqual({ phase: 'Error', message: 'consecutiveErrors (2) > consecutiveErrorLimit (1)' });
    // a string past the int64 range is Atoi's clamped MaxInt64, whose int32 is -1
    expect(assessMetricFailureInconclusiveOrError({ inconclusiveLimit: '99999999999999999999' }, counters({}))).toEqual({ phase: 'Inconclusive', message: 'inconclusive (0) > inconclusiveLimit (-1)' });
    expect(consecutiveErrorLimitOf({ consecutiveErrorLimit: '99999999999999999999' })).toBe(-1);
    // the count too: a count of 4294967297 is reached after one measurement
    expect(assessMetricStatus({ count: 4294967297, interval: '1m' }, countersAfter('Successful', 1), false)).toBe('Successful');
  });
  test('TestGetConsecutiveErrorLimitOrDefault (AR utils/defaults/defaults_test.go)', () => {
    expect(consecutiveErrorLimitOf({ consecutiveErrorLimit: 2 })).toBe(2);
    expect(consecutiveErrorLimitOf({})).toBe(4);
    expect(consecutiveErrorLimitOf({ consecutiveErrorLimit: 0 })).toBe(0);
  });
  test('a consecutiveSuccessLimit of 0 does not apply; the count then decides', () => {
    expect(assessMetricStatus({ count: 2, interval: '1m', consecutiveSuccessLimit: 0 }, countersAfter('Successful', 1), false)).toBe('Running');
    expect(assessMetricStatus({ count: 2, interval: '1m', consecutiveSuccessLimit: 0 }, countersAfter('Successful', 2), false)).toBe('Successful');
  });
  test('a terminated indefinite metric is Successful; one without measurements too', () => {
    expect(assessMetricStatus({ interval: '1m' }, countersAfter('Successful', 3), true)).toBe('Successful');
    expect(assessMetricStatus({ interval: '1m' }, countersAfter('Successful', 0), true)).toBe('Successful');
    expect(assessMetricStatus({ interval: '1m' }, countersAfter('Successful', 0), false)).toBe('Pending');
  });
  test('errors do not advance the count: an errored measurement alone never reaches it', () => {
    expect(outcomeOfRepeated({ count: 3, interval: '1m', consecutiveErrorLimit: 10 }, 'Error')).toEqual({ phase: 'Error', measurements: 11 });
  });
});

describe('AR utils/analysis/factory_test.go TestBuildArgumentsForRolloutAnalysisRun / Test_extractValueFromRollout', () => {
  const ro = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'test', namespace: 'default', uid: 'u-1', annotations: { 'rollout.argoproj.io/revision': '1' }, labels: { app: 'app', env: 'test' } },
    spec: { replicas: 1, template: { metadata: { labels: { app: 'app', env: 'test', version: 'v1' } } } },
    status: { pauseConditions: [{ reason: 'test-reason' }] },
  };
  test('TestBuildArgumentsForRolloutAnalysisRun (with the validation\'s dummy ReplicaSets)', () => {
    const args = buildAnalysisArgs(argsOf([
      { name: 'hard-coded-value-key', value: 'hard-coded-value' },
      { name: 'stable-key', valueFrom: { podTemplateHashValue: 'Stable' } },
      { name: 'new-key', valueFrom: { podTemplateHashValue: 'Latest' } },
      { name: "metadata.labels['app']", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: "metadata.labels['env']", valueFrom: { fieldRef: { fieldPath: "metadata.labels['env']" } } },
      { name: 'rev', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['rollout.argoproj.io/revision']" } } },
      { name: 'status.pauseConditions[0].reason', valueFrom: { fieldRef: { fieldPath: 'status.pauseConditions[0].reason' } } },
    ]), ro);
    expect(args.map(a => [a.name, a.value])).toEqual([
      ['hard-coded-value-key', 'hard-coded-value'],
      ['stable-key', 'dummy-stable-hash'],
      ['new-key', 'dummy-new-hash'],
      ["metadata.labels['app']", 'app'],
      ["metadata.labels['env']", 'test'],
      ['rev', '1'],
      ['status.pauseConditions[0].reason', 'test-reason'],
    ]);
  });
  test.each([
    ['should return a status value', 'status.pauseConditions[0].reason', 'test-reason'],
    ['should return a pod template label using dot notation', 'spec.template.metadata.labels.version', 'v1'],
    ['(a number prints with %v)', 'spec.replicas', '1'],
  ])('Test_extractValueFromRollout: %s', (_name, fieldPath, value) => {
    expect(buildAnalysisArgs(argsOf([{ name: 'x', valueFrom: { fieldRef: { fieldPath } } }]), ro)).toEqual([{ name: 'x', value }]);
  });
  test('Test_extractValueFromRollout: metadata.* paths go to the downward-API field path instead', () => {
    // 'should return a simple metadata value' holds; 'should return a label using dot notation' does not apply:
    // BuildArgumentsForRolloutAnalysisRun sends every metadata path to fieldpath.ExtractFieldPathAsString, whose
    // error for an unsupported path drops the whole argument list.
    expect(buildAnalysisArgs(argsOf([{ name: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]), ro)).toEqual([{ name: 'x', value: 'test' }]);
    expect(buildAnalysisArgs(argsOf([{ name: 'y', value: 'v' }, { name: 'x', valueFrom: { fieldRef: { fieldPath: 'metadata.labels.app' } } }]), ro)).toEqual([]);
  });
  test.each([
    ['should fail when array indexer is not an int', 'status.pauseConditions[blah].reason'],
    ['should fail when array indexer is out of range', 'status.pauseConditions[12].reason'],
    ['should fail when path references an empty field', 'status.pauseConditions[0].startTime'],
    ['should fail when path is inavlid', 'some.invalid[2].non.existing.path'],
    ['should fail when path references a non-primitive value', 'status.pauseConditions[0]'],
  ])('Test_extractValueFromRollout: %s (in validation the error is dropped and the value is "")', (_name, fieldPath) => {
    expect(buildAnalysisArgs(argsOf([{ name: 'x', valueFrom: { fieldRef: { fieldPath } } }]), ro)).toEqual([{ name: 'x', value: '' }]);
  });
});

describe('AR pkg/apis/rollouts/v1alpha1/types_test.go TestRolloutPauseDuration', () => {
  test.each([
    [{}, 0], [{ duration: 10 }, 10], [{ duration: '10' }, 10], [{ duration: '10s' }, 10], [{ duration: '1h' }, 3600],
    [{ duration: '1ms' }, 0], [{ duration: '1z' }, -1], [{ duration: '20000000000' }, -1],
  ])('%j → %p', (pause, seconds) => {
    expect(pauseDurationSeconds(pause)).toBe(seconds);
  });
  test('a pause of 1ms is valid; one of 1z is reported with the value -1', () => {
    expect(canary({ steps: [{ pause: { duration: '1ms' } }] })).toEqual([]);
    expect(canary({ steps: [{ pause: { duration: '1z' } }] })).toEqual([`spec.strategy.steps[0].pause.duration: Invalid value: -1: ${M.duration}`]);
  });
});

describe('AR utils/defaults/defaults_test.go (the defaults validation reads)', () => {
  test('TestGetReplicasOrDefault / TestGetRevisionHistoryOrDefault', () => {
    expect([replicasOf({}), replicasOf({ replicas: 3 })]).toEqual([1, 3]);
    expect([revisionHistoryLimitOf({}), revisionHistoryLimitOf({ revisionHistoryLimit: 2 })]).toEqual([10, 2]);
  });
  test('TestGetProgressDeadlineSecondsOrDefault: 600 unless set, so minReadySeconds 600 is invalid and 599 is not', () => {
    expect(canary({}, { minReadySeconds: 600 })).toEqual(['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds']);
    expect(canary({}, { minReadySeconds: 599 })).toEqual([]);
  });
  test('TestGetMaxSurgeOrDefault / TestGetMaxUnavailableOrDefault: an unset one is 25, never zero', () => {
    expect(canary({ maxSurge: 0 })).toEqual([]);
    expect(canary({ maxUnavailable: 0 })).toEqual([]);
    expect(canary({ maxSurge: 0, maxUnavailable: 0 })).toEqual([`spec.strategy.maxSurge: Invalid value: 0: ${M.maxSurgeMaxUnavailable}`]);
  });
  test('getIntOrPercentValue: a string beyond the int64 range is Atoi\'s clamped value, not zero', () => {
    expect(canary({ maxSurge: '99999999999999999999', maxUnavailable: 0 })).toEqual([]);
    expect(intValue({ str: '99999999999999999999' })).toBe(9223372036854775807);
    expect(intValue({ str: '-99999999999999999999' })).toBe(-9223372036854775808);
    expect(intValue({ str: '1e3' })).toBe(0);
  });
  test('weightutil.MaxTrafficWeight: 100 unless set', () => {
    expect(maxTrafficWeight(rollout({ canary: {} }))).toBe(100);
    expect(maxTrafficWeight(rollout({ canary: { trafficRouting: { maxTrafficWeight: 1000 } } }))).toBe(1000);
  });
});

describe('AR pkg/apis/rollouts/validation/validation.go: corners of ValidateRolloutStrategyCanary', () => {
  const services = { stableService: 'stable', canaryService: 'canary' };
  test('every step with a setCanaryScale and no traffic routing adds the same Required error', () => {
    expect(canary({ steps: [{ setCanaryScale: { replicas: 1 } }, { setCanaryScale: { weight: 10 } }] })).toEqual([
      `spec.strategy.trafficRouting: Required value: ${M.setCanaryScale}`,
      `spec.strategy.trafficRouting: Required value: ${M.setCanaryScale}`,
    ]);
  });
  test('a step with experiment and analysis: "multiple", then one error per bad argument of either, the combined list as value', () => {
    const bad = (name: string) => ({ name, valueFrom: { fieldRef: { fieldPath: 'metadata.nope' } } });
    const errs = canary({ steps: [{ experiment: { templates: [], analyses: [{ name: 'a', templateName: 't', args: [bad('e')] }] }, analysis: { templates: [], args: [bad('s')] } }] });
    const list = '[{"name":"e","valueFrom":{"fieldRef":{"fieldPath":"metadata.nope"}}},{"name":"s","valueFrom":{"fieldRef":{"fieldPath":"metadata.nope"}}}]';
    expect(errs).toEqual([
      `spec.strategy.steps[0]: Invalid value: "step.Experiment: true step.Pause: false step.SetWeight: false step.Analysis: true": ${M.step}`,
      `spec.strategy.steps[0].analyses: Invalid value: ${list}: ${M.analysisArgs}`,
      `spec.strategy.steps[0].analyses: Invalid value: ${list}: ${M.analysisArgs}`,
    ]);
  });
  test('a podTemplateHashValue argument, a non-metadata fieldRef and a literal are not checked here', () => {
    const args = [{ name: 'a', valueFrom: { podTemplateHashValue: 'Latest' } }, { name: 'b', valueFrom: { fieldRef: { fieldPath: 'status.x' } } }, { name: 'c', value: 'v' }];
    expect(canary({ steps: [{ analysis: { templates: [], args } }] })).toEqual([]);
  });
  test('setMirrorRoute: path is checked, headers never are', () => {
    const tr = { istio: { virtualService: { name: 'vs' } }, managedRoutes: [{ name: 'm' }] };
    expect(canary({ ...services, trafficRouting: tr, steps: [{ setMirrorRoute: { name: 'm', match: [{ headers: { a: { exact: 'x', prefix: 'y' } } }] } }] })).toEqual([]);
    expect(canary({ ...services, trafficRouting: tr, steps: [{ setMirrorRoute: { name: 'm', match: [{ path: { exact: '/a', regex: '/b' } }] } }] })).toEqual([
      `spec.strategy.steps[0].setMirrorRoute.match[0]: Invalid value: {"exact":"/a","regex":"/b"}: ${M.stringMatchMultiple}`,
    ]);
  });
  test('setMirrorRoute without Istio: the router error, then its match errors, then the missing managedRoutes', () => {
    expect(canary({ ...services, trafficRouting: { smi: {} }, steps: [{ setMirrorRoute: { name: 'm', percentage: 50, match: [{ method: {} }] } }] })).toEqual([
      `spec.strategy.steps[0].setMirrorRoute: Invalid value: {"name":"m","match":[{"method":{}}],"percentage":50}: ${M.setMirrorRoute}`,
      `spec.strategy.steps[0].setMirrorRoute.match[0]: Invalid value: {}: ${M.stringMatchMissed}`,
      `spec.strategy.steps[0].setMirrorRoute.match[0]: Invalid value: {}: ${M.stringMatchMissed}`,
      "spec.strategy.trafficRouting.managedRoutes: Required value: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'",
    ]);
  });
  test('setHeaderRoute on Istio without managedRoutes, and with managedRoutes that miss it', () => {
    const step = { setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: { exact: '1' } }] } };
    expect(canary({ ...services, trafficRouting: { istio: { virtualService: { name: 'vs' } } }, steps: [step] })).toEqual([
      "spec.strategy.trafficRouting.managedRoutes: Required value: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'",
    ]);
    // an empty managedRoutes list is set (not nil): the route is then missing from it
    expect(canary({ ...services, trafficRouting: { istio: { virtualService: { name: 'vs' } }, managedRoutes: [] }, steps: [step] })).toEqual([
      `spec.strategy.steps[0].setHeaderRoute: Invalid value: "h": ${M.managedRoutes}`,
    ]);
  });
  test('setHeaderRoute with an empty match list: nothing to check', () => {
    expect(canary({ ...services, trafficRouting: { alb: { ingress: 'i', rootService: 'r' }, managedRoutes: [{ name: 'h' }] }, steps: [{ setHeaderRoute: { name: 'h', match: [] } }] })).toEqual([]);
  });
  test('ALB header match: exact together with another kind is not exact only', () => {
    const tr = { alb: { ingress: 'i' }, managedRoutes: [{ name: 'h' }] };
    expect(canary({ ...services, trafficRouting: tr, steps: [{ setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: { exact: 'a', prefix: 'b' } }] } }] })).toEqual([
      `spec.strategy.steps[0].setHeaderRoute.match[0]: Invalid value: {"exact":"a","prefix":"b"}: ${M.headerRouteAlb}`,
    ]);
    expect(canary({ ...services, trafficRouting: tr, steps: [{ setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: {} }] } }] })).toEqual([
      `spec.strategy.steps[0].setHeaderRoute.match[0]: Invalid value: {}: ${M.headerRouteAlb}`,
    ]);
  });
  test('maxTrafficWeight on ALB: both its own error and the weights measured against it', () => {
    expect(canary({ ...services, trafficRouting: { alb: { ingress: 'i' }, maxTrafficWeight: 10 }, steps: [{ setWeight: 20 }] })).toEqual([
      `spec.strategy.trafficRouting.maxTrafficWeight: Invalid value: 10: ${M.maxWeight}`,
      'spec.strategy.steps[0].setWeight: Invalid value: 20: SetWeight needs to be between 0 and 10',
    ]);
  });
  test('ping-pong without traffic routing: only the services are checked; both empty is three errors', () => {
    expect(canary({ pingPong: { pingService: '', pongService: '' } })).toEqual([
      `spec.strategy.pingPong.pingService: Invalid value: "": ${M.pingPongProvided}`,
      `spec.strategy.pingPong.pongService: Invalid value: "": ${M.pingPongProvided}`,
      `spec.strategy.pingPong.pingService: Invalid value: "": ${M.duplicatedPingPong}`,
    ]);
  });
  test('ping-pong with SMI: the router error (at trafficRouting.alb, value null), and SMI still needs both services', () => {
    expect(canary({ pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { smi: {} } })).toEqual([
      `spec.strategy.trafficRouting.alb: Invalid value: null: ${M.pingPongRouter}`,
      `spec.strategy.stableService: Invalid value: "": ${M.trafficRouting}`,
      `spec.strategy.canaryService: Invalid value: "": ${M.trafficRouting}`,
    ]);
  });
  test('a canary Service without a stable one, and no traffic routing: nothing to compare', () => {
    expect(canary({ canaryService: 'c' })).toEqual([]);
    expect(canary({ canaryService: 'same', stableService: 'same' })).toEqual([`spec.strategy.stableService: Invalid value: "same": ${M.duplicatedCanary}`]);
  });
  test('scaleDownDelaySeconds 0 without traffic routing is still set; dynamicStableScale false is not', () => {
    expect(canary({ scaleDownDelaySeconds: 0, dynamicStableScale: false })).toEqual([`spec.strategy.scaleDownDelaySeconds: Invalid value: 0: ${M.scaleDownDelay}`]);
  });
  test('experiment template weights: one error per weighted template', () => {
    const templates = [{ name: 'a', specRef: 'canary', weight: 5 }, { name: 'b', specRef: 'stable' }, { name: 'c', specRef: 'stable', weight: 5 }];
    expect(canary({ steps: [{ experiment: { templates } }] })).toEqual([
      `spec.strategy.steps[0].experiment.templates[0].weight: Invalid value: 5: ${M.experimentWeightWithoutRouting}`,
      `spec.strategy.steps[0].experiment.templates[2].weight: Invalid value: 5: ${M.experimentWeightWithoutRouting}`,
    ]);
  });
  test('blue-green anti-affinity is reported under spec.strategy, as canary\'s', () => {
    expect(errors(rollout({ blueGreen: { activeService: 'a', antiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {}, preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } } } }))).toEqual([
      `spec.strategy.antiAffinity: Invalid value: "antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: true antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: true": ${M.antiAffinityStrategy}`,
      `spec.strategy.antiAffinity.weight: Invalid value: 0: ${M.antiAffinityWeight}`,
    ]);
  });
  test('ValidateRolloutSpec: a negative progressDeadlineSeconds is two errors', () => {
    expect(canary({}, { progressDeadlineSeconds: -1 })).toEqual([
      'spec.progressDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.progressDeadlineSeconds: Invalid value: -1: must be greater than minReadySeconds',
    ]);
  });
});

describe('AR validation_references_test.go TestGetServiceWithTypeFieldPath / TestGetAnalysisTemplateWithTypeFieldPath (through the errors)', () => {
  const svc = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'other' } } });
  const lookup = (objects: any[]): ReferenceLookup => ({
    service: n => objects.find(o => o.kind === 'Service' && o.metadata.name === n),
    ingress: () => undefined,
    virtualService: () => undefined,
    analysisTemplate: n => objects.find(o => o.kind === 'AnalysisTemplate' && o.metadata.name === n),
    clusterAnalysisTemplate: () => undefined,
    workloadTemplate: () => undefined,
    serviceOwner: () => undefined,
  });
  const fields = (r: any, objects: any[]) => validateReferences(r, lookup(objects)).map(e => e.field);
  test('activeService, previewService', () => {
    expect(fields(rollout({ blueGreen: { activeService: 'a', previewService: 'p' } }), [svc('a'), svc('p')])).toEqual([
      'spec.strategy.blueGreen.activeService', 'spec.strategy.blueGreen.previewService',
    ]);
  });
  test('stableService, canaryService, pingService, pongService', () => {
    expect(fields(rollout({ canary: { stableService: 's', canaryService: 'c', pingPong: { pingService: 'pi', pongService: 'po' } } }), [svc('s'), svc('c'), svc('pi'), svc('po')])).toEqual([
      'spec.strategy.canary.stableService', 'spec.strategy.canary.canaryService', 'spec.strategy.canary.pingPong.pingService', 'spec.strategy.canary.pingPong.pongService',
    ]);
  });
  test('PrePromotionAnalysis, PostPromotionAnalysis, InlineAnalysis (step index), BackgroundAnalysis', () => {
    const t = { kind: 'AnalysisTemplate', metadata: { name: 't' }, spec: { metrics: [{ name: 'm', interval: '1m', provider: { job: {} } }] } };
    const ref = { templates: [{ templateName: 't' }] };
    expect(fields(rollout({ blueGreen: { activeService: 'a', prePromotionAnalysis: ref, postPromotionAnalysis: ref } }), [t])).toEqual([
      'spec.strategy.blueGreen.prePromotionAnalysis.templates', 'spec.strategy.blueGreen.postPromotionAnalysis.templates',
    ]);
    expect(fields(rollout({ canary: { steps: [{ setWeight: 10 }, { analysis: ref }], analysis: ref } }), [t])).toEqual([
      'spec.strategy.canary.steps[1].analysis.templates', // a background analysis may run indefinitely
    ]);
  });
});

describe('AR validation_references_test.go TestValidateAmbassadorMapping', () => {
  const mapping = (spec: string) => yaml.load(`apiVersion: getambassador.io/v2
kind: Mapping
metadata: {name: myapp-mapping, namespace: default}
spec:
  prefix: /myapp/
  rewrite: /myapp/
  service: myapp:8080
${spec}`) as any;
  test('will return no error if mapping is valid', () => {
    expect(validateAmbassadorMapping(mapping(''))).toEqual([]);
  });
  test('will return error if base mapping defines weight', () => {
    expect(validateAmbassadorMapping(mapping('  weight: 20')).map(e => e.toString())).toEqual([
      'spec.weight: Invalid value: "myapp-mapping": Ambassador mapping "myapp-mapping" can not define weight',
    ]);
  });
  test('a weight that is not an integer reads as none (unstructured.NestedInt64 fails)', () => {
    expect(validateAmbassadorMapping(mapping('  weight: "20"'))).toEqual([]);
    expect(validateAmbassadorMapping(mapping('  weight: 0'))).toEqual([]);
  });
  test('through lint: the Rollout naming the Mapping is reported', () => {
    const r = rollout({ canary: { stableService: 's', canaryService: 'c', trafficRouting: { ambassador: { mappings: ['myapp-mapping'] } } } });
    expect(lint(r, mapping('  weight: 20'))).toEqual(['#1: Rollout/ro: spec.weight: Invalid value: "myapp-mapping": Ambassador mapping "myapp-mapping" can not define weight']);
    expect(lint(r, mapping(''))).toEqual([]);
  });
});

describe('AR validation_references_test.go TestValidateAppMeshResource', () => {
  const router = (routes: string) => yaml.load(`apiVersion: appmesh.k8s.aws/v1beta2
kind: VirtualRouter
metadata: {namespace: myns, name: mysvc-vrouter}
spec:
  routes:${routes}`) as any;
  const targets = (n: number) => Array.from({ length: n }, (_, i) => `
            - virtualNodeRef: {name: t${i}}
              weight: 50`).join('');
  const route = (type: string, action: string) => `
    - name: primary
      ${type}:
        match: {prefix: /}
        action:${action}`;
  test('will return error with appmesh virtual-service', () => {
    const vs = yaml.load('apiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualService\nmetadata: {name: mysvc}\nspec: {}') as any;
    expect(validateAppMeshResource(vs).map(e => e.toString())).toEqual(['kind: Invalid value: "VirtualService": Expected object kind to be VirtualRouter but is VirtualService']);
  });
  test('will return error when appmesh virtual-router has no routes', () => {
    expect(validateAppMeshResource(router('')).map(e => e.toString())).toEqual(['spec.routes: Invalid value: "mysvc-vrouter": No routes defined for AppMesh virtual-router mysvc-vrouter']);
  });
  test.each([['httpRoute'], ['tcpRoute'], ['grpcRoute'], ['http2Route']])('will succeed with valid appmesh virtual-router with %s', (type) => {
    expect(validateAppMeshResource(router(route(type, `\n          weightedTargets:${targets(2)}`)))).toEqual([]);
  });
  test('will return error with appmesh virtual-router with unsupported route type', () => {
    expect(validateAppMeshResource(router('\n    - name: primary\n      badRouteType:')).map(e => e.toString())).toEqual([
      'spec.routes[0]: Invalid value: "mysvc-vrouter": Error getting route details for AppMesh virtual-router mysvc-vrouter and route primary. Error: Route has unsupported route type',
    ]);
  });
  test('will return error when appmesh virtual-router has route that is not a struct', () => {
    expect(validateAppMeshResource(router('\n    - invalid-spec')).map(e => e.toString())).toEqual([
      'spec.routes[0]: Invalid value: "mysvc-vrouter": Invalid route was found for AppMesh virtual-router mysvc-vrouter at index 0',
    ]);
  });
  test('will return error when appmesh virtual-router has routes with no targets', () => {
    expect(validateAppMeshResource(router(route('httpRoute', ''))).map(e => e.toString())).toEqual([
      'spec.routes[0].httpRoute.action.weightedTargets: Invalid value: "mysvc-vrouter": Invalid route action found for AppMesh virtual-router mysvc-vrouter and route primary',
    ]);
  });
  test.each([[1], [3]])('will return error when appmesh virtual-router has routes with %p target(s)', (n) => {
    expect(validateAppMeshResource(router(route('httpRoute', `\n          weightedTargets:${targets(n)}`))).map(e => e.toString())).toEqual([
      `spec.routes[0].httpRoute.action.weightedTargets: Invalid value: "mysvc-vrouter": Invalid number of weightedTargets (${n}) for AppMesh virtual-router mysvc-vrouter and route primary, expected 2`,
    ]);
  });
  test('a route type that is not an object: unstructured.NestedMap\'s accessor error; a route without a name prints %!s(<nil>)', () => {
    expect(validateAppMeshResource(router('\n    - httpRoute: x')).map(e => e.toString())).toEqual([
      'spec.routes[0]: Invalid value: "mysvc-vrouter": Error getting route details for AppMesh virtual-router mysvc-vrouter and route %!s(<nil>). Error: .httpRoute accessor error: x is of the type string, expected map[string]interface{}',
    ]);
  });
  test('through lint: the App Mesh VirtualService leads to its VirtualRouter (virtualRouterRef, the namespace defaulted)', () => {
    const r: any = rollout({ canary: { stableService: 's', canaryService: 'c', trafficRouting: { appMesh: { virtualService: { name: 'mysvc' } } } } });
    r.metadata.namespace = 'myns';
    const vs = yaml.load('apiVersion: appmesh.k8s.aws/v1beta2\nkind: VirtualService\nmetadata: {name: mysvc, namespace: myns}\nspec: {provider: {virtualRouter: {virtualRouterRef: {name: mysvc-vrouter}}}}');
    expect(lint(r, vs, router(route('httpRoute', `\n          weightedTargets:${targets(1)}`)))).toEqual([
      '#1: Rollout/myns/ro: spec.routes[0].httpRoute.action.weightedTargets: Invalid value: "mysvc-vrouter": Invalid number of weightedTargets (1) for AppMesh virtual-router mysvc-vrouter and route primary, expected 2',
    ]);
    expect(lint(r, vs, router(route('httpRoute', `\n          weightedTargets:${targets(2)}`)))).toEqual([]);
  });
});

describe('AR utils/evaluate/evaluate_test.go TestEvaluateConditionWithFailure / TestAsInt / TestAsFloat / TestIsNil (in conditions)', () => {
  test('TestEvaluateConditionWithFailure', () => {
    expect(evalCondition(goStr('false'), 'result == "true"')).toEqual({ value: false });
  });
  test('TestAsInt: "1" is 1; "notint" and "1.1" fail', () => {
    expect(evalCondition(goStr('1'), 'asInt(result) == 1')).toEqual({ value: true });
    expect(evalCondition(goStr('notint'), 'asInt(result) == 1').error).toMatch(/strconv.ParseInt: parsing "notint": invalid syntax/);
    expect(evalCondition(goStr('1.1'), 'asInt(result) == 1').error).toMatch(/strconv.ParseInt: parsing "1.1": invalid syntax/);
  });
  test('TestAsFloat: "1" is 1, "1.1" is 1.1; "notfloat" fails', () => {
    expect(evalCondition(goStr('1'), 'asFloat(result) == 1')).toEqual({ value: true });
    expect(evalCondition(goStr('1.1'), 'asFloat(result) == 1.1')).toEqual({ value: true });
    expect(evalCondition(goStr('notfloat'), 'asFloat(result) == 1').error).toMatch(/strconv.ParseFloat: parsing "notfloat": invalid syntax/);
  });
  test('TestIsNil: nil is nil; a number, false and a list are not', () => {
    expect(evalCondition(NIL, 'isNil(result)')).toEqual({ value: true });
    expect(evalCondition(int(1), 'isNil(result)')).toEqual({ value: false });
    expect(evalCondition(float64Slice([1, 2]), 'isNil(result)')).toEqual({ value: false });
  });
});

describe('AR validation_references.go ValidateAnalysisTemplatesWithType with the templates getReferencedAnalysisTemplatesFromRef finds', () => {
  const at = (name: string, spec: any, kind = 'AnalysisTemplate') => ({ apiVersion: 'argoproj.io/v1alpha1', kind, metadata: { name }, spec });
  // the Rollout's problems only (not the analysis-honesty warnings about the templates themselves)
  const rolloutLint = (...objects: any[]) => lintAll(...objects).filter(p => p.includes(': Rollout/'));
  const steps = (...templates: any[]) => rollout({ canary: { steps: [{ analysis: { templates } }] } });
  test('TestAnalysisTemplateFiltering (AR utils/analysis/helpers_test.go): a template referenced twice is flattened once', () => {
    const t = at('t', { metrics: [metric('m')] });
    expect(rolloutLint(steps({ templateName: 't' }, { templateName: 't' }), t)).toEqual([]);
    // a nested reference back to a template already in the list is filtered too
    const outer = at('outer', { templates: [{ templateName: 't' }], metrics: [metric('o')] });
    expect(rolloutLint(steps({ templateName: 'outer' }, { templateName: 't' }), outer, t)).toEqual([]);
  });
  test('a template and a cluster template of the same name are two templates (their metrics collide)', () => {
    const problems = rolloutLint(steps({ templateName: 'same' }, { templateName: 'same', clusterScope: true }), at('same', { metrics: [metric('m')] }), at('same', { metrics: [metric('m')] }, 'ClusterAnalysisTemplate'));
    expect(problems).toEqual(['#1: Rollout/ro: spec.strategy.canary.steps[0].analysis.templates: Invalid value: "templateNames: [same same]": two metrics have the same name \'m\'']);
  });
  test('nested templates are flattened after their parent (so the parent\'s metric comes first)', () => {
    const outer = at('outer', { templates: [{ templateName: 'inner' }], metrics: [metric('m', { count: 0, interval: '1m' })] });
    const inner = at('inner', { metrics: [metric('n', { interval: '1m' })] });
    expect(rolloutLint(steps({ templateName: 'outer' }), outer, inner)).toEqual([
      '#1: Rollout/ro: spec.strategy.canary.steps[0].analysis.templates: Invalid value: "outer": AnalysisTemplate outer has metric m which runs indefinitely. Invalid value for count: 0',
      '#1: Rollout/ro: spec.strategy.canary.steps[0].analysis.templates: Invalid value: "inner": AnalysisTemplate inner has metric n which runs indefinitely. Invalid value for count: <nil>',
    ]);
  });
  test('a step template whose count is an argument without a default: the placeholder "dummy-value" reads as count 0, so it runs indefinitely', () => {
    const t = at('t', { args: [{ name: 'count' }], metrics: [metric('m', { count: '{{args.count}}', interval: '1m' })] });
    const r = rollout({ canary: { steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'count', value: '3' }] } }] } });
    expect(rolloutLint(r, t)).toEqual(['#1: Rollout/ro: spec.strategy.canary.steps[0].analysis.templates: Invalid value: "t": AnalysisTemplate t has metric m which runs indefinitely. Invalid value for count: dummy-value']);
    // with a default in the template, the default is what the check sees
    const withDefault = at('t', { args: [{ name: 'count', value: '5' }], metrics: [metric('m', { count: '{{args.count}}', interval: '1m' })] });
    expect(rolloutLint(r, withDefault)).toEqual([]);
  });
  test('a background template may run indefinitely; its value-less arguments must be passed by name', () => {
    const t = at('t', { args: [{ name: 'a' }, { name: 'b', value: 'x' }, { name: 'c', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], metrics: [metric('m', { interval: '1m' })] });
    const bg = (args?: any[]) => rollout({ canary: { analysis: { templates: [{ templateName: 't' }], ...(args ? { args } : {}) } } });
    expect(rolloutLint(bg([{ name: 'a', value: '1' }]), t)).toEqual([]);
    // an empty args list is set (not nil): the missing one is reported by name, after MergeArgs has failed on it
    expect(rolloutLint(bg([]), t)).toEqual(['#1: Rollout/ro: spec.strategy.canary.analysis.templates: Invalid value: "templateNames: [t]": args.a was not resolved']);
  });
});

describe('int-or-string numbers the controller cannot decode (k8s.io/apimachinery intstr.IntOrString.UnmarshalJSON reads an int32)', () => {
  const msg = 'must be within the int32 range (-2147483648 to 2147483647): intstr.IntOrString decodes a number as an int32, so the controller cannot read an object with this value';
  const decodeLint = (...objects: any[]) => lintAll(...objects).filter(p => p.includes('int32 range'));
  test('Rollout: maxSurge, maxUnavailable, pause durations', () => {
    const steps = [{ pause: { duration: 2147483647 } }, { pause: { duration: 3000000000 } }];
    expect(decodeLint(rollout({ canary: { maxSurge: 2147483648, maxUnavailable: -2147483649, steps } }))).toEqual([
      `#1: Rollout/ro: spec.strategy.canary.maxSurge: Invalid value: 2147483648: ${msg}`,
      `#1: Rollout/ro: spec.strategy.canary.maxUnavailable: Invalid value: -2147483649: ${msg}`,
      `#1: Rollout/ro: spec.strategy.canary.steps[1].pause.duration: Invalid value: 3000000000: ${msg}`,
    ]);
    expect(decodeLint(rollout({ blueGreen: { activeService: 'a', maxUnavailable: 2147483648 } }))).toEqual([`#1: Rollout/ro: spec.strategy.blueGreen.maxUnavailable: Invalid value: 2147483648: ${msg}`]);
    // the same value as a string is read (IntValue() of a string goes through Atoi)
    expect(lintAll(rollout({ canary: { maxSurge: '2147483648' } }))).toEqual([]);
  });
  test('AnalysisTemplate: count and the limits', () => {
    const m = { name: 'm', interval: '1m', count: 4294967296, failureLimit: 1, provider: { prometheus: { address: 'http://p', query: 'q' } } };
    const t = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 't' }, spec: { metrics: [m] } };
    expect(decodeLint(t)).toEqual([`#1: AnalysisTemplate/t: spec.metrics[0].count: Invalid value: 4294967296: ${msg}`]);
  });
  test('the AnalysisTemplate construct refuses a count or limit beyond the int32 range', () => {
    const provider = MetricProvider.prometheus({ address: 'http://prometheus:9090', query: 'up' });
    const of = (m: any) => () => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', provider, condition: MetricCondition.atLeast(1), interval: Duration.minutes(1), ...m }] });
    expect(of({ count: 2147483648 })).toThrow("metric 'm' 'count' (2147483648) must be at most 2147483647 (the controller reads it as an int32)");
    expect(of({ count: 3, failureLimit: 2147483648 })).toThrow("'failureLimit' (2147483648) must be at most 2147483647");
    expect(of({ count: 2147483647, failureLimit: 0 })).not.toThrow();
  });
});

describe('AR utils/conditions/experiments.go VerifyExperimentSpec, on the Experiment a canary experiment step creates', () => {
  const exp = (templates: any[]) => lint(rollout({ canary: { steps: [{ experiment: { duration: '5m', templates } }] } }));
  test('distinct named templates are fine; the step selector may narrow the ReplicaSet\'s', () => {
    expect(exp([{ name: 'a', specRef: 'canary' }, { name: 'b', specRef: 'stable', selector: { matchLabels: { app: 'ro' } } }])).toEqual([]);
  });
  test('a repeated template name, an empty one, and a selector that selects everything', () => {
    expect(exp([{ name: 'a', specRef: 'canary' }, { name: 'a', specRef: 'stable' }, { name: '', specRef: 'stable', selector: {} }])).toEqual([
      "#1: Rollout/ro: spec.strategy.canary.steps[0].experiment.templates[1].name: Invalid value: \"a\": the Experiment this step creates has repeated template name 'a' in templates",
      '#1: Rollout/ro: spec.strategy.canary.steps[0].experiment.templates[2].selector: Invalid value: {}: This experiment is selecting all pods at index 2. A non-empty selector is required.',
      '#1: Rollout/ro: spec.strategy.canary.steps[0].experiment.templates[2].name: Invalid value: "": the Experiment this step creates has an empty template name at index 2',
    ]);
  });
  test('an empty matchLabels map is not the empty selector (reflect.DeepEqual: a non-nil map)', () => {
    expect(exp([{ name: 'a', specRef: 'canary', selector: { matchLabels: {} } }])).toEqual([]);
  });
});

describe('AR rollout/trafficrouting/istio/istio_test.go route validation, through ValidateVirtualService', () => {
  const vs = (spec: any) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'vs' }, spec });
  const dest = (host: string, subset?: string) => ({ destination: { host, ...(subset ? { subset } : {}) } });
  const ro = (istio: any, tr: any = {}) => rollout({ canary: { stableService: 'stable', canaryService: 'canary', trafficRouting: { istio: { virtualService: { name: 'vs' }, ...istio }, ...tr } } });
  const refs = (r: any, v: any) => lint(r, v).map(p => p.replace('#1: Rollout/ro: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "vs": ', ''));
  const both = [dest('stable'), dest('canary')];
  test('TestValidateHTTPRoutes', () => {
    const v = vs({ http: [{ name: 'test', route: both }] });
    expect(refs(ro({ virtualService: { name: 'vs', routes: ['test'] } }), v)).toEqual([]);
    expect(refs(ro({ virtualService: { name: 'vs', routes: ['not-found-route'] } }), v)).toEqual([
      "Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'not-found-route' is not found in the defined Virtual Service.",
    ]);
  });
  test('TestValidateTLSRoutes / TestValidateTCPRoutes: routes chosen by port', () => {
    const tls = vs({ tls: [{ match: [{ port: 3000 }], route: both }] });
    expect(refs(ro({ virtualService: { name: 'vs', tlsRoutes: [{ port: 3000 }] } }), tls)).toEqual([]);
    expect(refs(ro({ virtualService: { name: 'vs', tlsRoutes: [{ port: 2002 }] } }), tls)).toEqual([
      'Istio VirtualService has invalid TLS routes. Error: No matching TLS routes found in the defined Virtual Service.',
    ]);
    const tcp = vs({ tcp: [{ match: [{ port: 3000 }], route: both }] });
    expect(refs(ro({ virtualService: { name: 'vs', tcpRoutes: [{ port: 3000 }] } }), tcp)).toEqual([]);
    expect(refs(ro({ virtualService: { name: 'vs', tcpRoutes: [{ port: 2002 }] } }), tcp)).toEqual([
      'Istio VirtualService has invalid TCP routes. Error: No matching TCP routes found in the defined Virtual Service.',
    ]);
  });
  test('TLS routes match on the port and exactly the set of SNI hosts (evaluate.Equal); a route with two ports never matches', () => {
    const tls = vs({ tls: [{ match: [{ port: 443, sniHosts: ['b', 'a'] }, { port: 443, sniHosts: ['a'] }], route: both }, { match: [{ port: 443 }, { port: 8443 }], route: [] }] });
    expect(refs(ro({ virtualService: { name: 'vs', tlsRoutes: [{ port: 443, sniHosts: ['a', 'b'] }] } }), tls)).toEqual([]);
    expect(refs(ro({ virtualService: { name: 'vs', tlsRoutes: [{ port: 443, sniHosts: ['a'] }] } }), tls)).toEqual([
      'Istio VirtualService has invalid TLS routes. Error: No matching TLS routes found in the defined Virtual Service.',
    ]);
    expect(refs(ro({ virtualService: { name: 'vs', tlsRoutes: [{ port: 8443 }] } }), tls)).toEqual([
      'Istio VirtualService has invalid TLS routes. Error: No matching TLS routes found in the defined Virtual Service.',
    ]);
  });
  test('TestValidateHosts: the host up to its first dot is the Service', () => {
    expect(refs(ro({}), vs({ http: [{ route: [dest('stable.namespace'), dest('canary.namespace.svc.cluster.local')] }] }))).toEqual([]);
    expect(refs(ro({}), vs({ http: [{ route: [dest('stable'), dest('other')] }] }))).toEqual(["Istio VirtualService has invalid HTTP routes. Error: Canary Service 'canary' not found in route"]);
    expect(refs(ro({}), vs({ http: [{ route: [dest('canary'), dest('.stable')] }] }))).toEqual(["Istio VirtualService has invalid HTTP routes. Error: Stable Service 'stable' not found in route"]);
  });
  test('TestValidateHTTPRoutesSubsets: with a DestinationRule the subsets are checked, not the hosts', () => {
    const v = vs({ http: [{ name: 'primary', route: [dest('rollout', 'stable'), dest('rollout', 'canary')] }] });
    const dr = (stableSubsetName: string, canarySubsetName: string) => ro({ virtualService: { name: 'vs', routes: ['primary'] }, destinationRule: { name: 'subset', stableSubsetName, canarySubsetName } });
    expect(refs(dr('stable', 'canary'), v)).toEqual([]);
    expect(refs(dr('doesntexist', 'canary'), v)).toEqual(["Istio VirtualService has invalid HTTP routes. Error: Stable DestinationRule subset 'doesntexist' not found in route"]);
    expect(refs(dr('doesntexist', 'doesntexist'), v)).toEqual(["Istio VirtualService has invalid HTTP routes. Error: Canary DestinationRule subset 'doesntexist' not found in route"]);
  });
  test('TestGetHttpRouteIndexesToPatch: without routes, the first unnamed one (the others must be managed routes)', () => {
    const v = vs({ http: [{ name: 'foo', route: [dest('x')] }, { route: both }] });
    expect(refs(ro({}, { managedRoutes: [{ name: 'foo' }] }), v)).toEqual([]);
    expect(refs(ro({}), v)).toEqual([
      'Istio VirtualService has invalid HTTP routes. Error: spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes',
    ]);
    // the only route, named or not
    expect(refs(ro({}), vs({ http: [{ name: 'foo', route: both }] }))).toEqual([]);
  });
  test('an empty http list with no tls or tcp is not "no routes": nothing to check', () => {
    expect(refs(ro({}), vs({ http: [] }))).toEqual([]);
    expect(refs(ro({}), vs({ hosts: ['x'] }))).toEqual(['Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService']);
  });
});

describe('AR rollout/analysis_test.go: the InvalidSpec a bad template reference gives (each reported, as the controller reports the first)', () => {
  const at = (name: string) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name },
    spec: {
      metrics: [{ name: 'example', provider: { job: {} } }, { name: 'example', provider: { job: {} } }],
      dryRun: [{ metricName: 'example' }],
      measurementRetention: [{ metricName: 'example' }],
    },
  });
  const rolloutProblems = (...objects: any[]) => lintAll(...objects).filter(p => p.startsWith('#1:'));
  test('TestFailCreateStepAnalysisRunIfInvalidTemplateRef: a metric repeated within one template', () => {
    expect(rolloutProblems(rollout({ canary: { steps: [{ analysis: { templates: [{ templateName: 'bad-template' }] } }] } }), at('bad-template'))).toEqual([
      '#1: Rollout/ro: spec.strategy.canary.steps[0].analysis.templates: Invalid value: "templateNames: [bad-template]": two metrics have the same name \'example\'',
    ]);
  });
  test('TestFailCreateBackgroundAnalysisRunIfInvalidTemplateRef / TestFailCreateBackgroundAnalysisRunIfMetricRepeated', () => {
    const bg = (...names: string[]) => rollout({
      canary: { steps: [{ setWeight: 10 }], analysis: { templates: names.map(templateName => ({ templateName })) } },
    });
    expect(rolloutProblems(bg('bad-template'), at('bad-template'))).toEqual([
      '#1: Rollout/ro: spec.strategy.canary.analysis.templates: Invalid value: "templateNames: [bad-template]": two metrics have the same name \'example\'',
    ]);
    expect(rolloutProblems(bg('bad-template', 'bad-template-2'), at('bad-template'), at('bad-template-2'))).toEqual([
      '#1: Rollout/ro: spec.strategy.canary.analysis.templates: Invalid value: "templateNames: [bad-template bad-template-2]": two metrics have the same name \'example\'',
    ]);
  });
});

describe('AR utils/service/service.go HasManagedByAnnotation: the annotation key, whatever its value', () => {
  const svc = (annotations: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'active', annotations }, spec: { selector: { app: 'ro' }, ports: [{ port: 80 }] } });
  const bg = rollout({ blueGreen: { activeService: 'active' } });
  test('an empty value names no Rollout, so not this one: "managed by another Rollout"', () => {
    expect(lint(bg, svc({ 'argo-rollouts.argoproj.io/managed-by-rollouts': '' }))).toEqual([
      '#1: Rollout/ro: spec.strategy.blueGreen.activeService: Invalid value: "active": Service "active" is managed by another Rollout',
    ]);
  });
  test('this Rollout\'s name, or no annotation, is fine', () => {
    expect(lint(bg, svc({ 'argo-rollouts.argoproj.io/managed-by-rollouts': 'ro' }))).toEqual([]);
    expect(lint(bg, svc(undefined))).toEqual([]);
  });
});
