import { Chart, Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AnalysisArgument, AnalysisTemplate, ClusterAnalysisTemplate, MetricAuthentication, MetricCondition, MetricProvider, NoDataBehavior, WebMetricMethod,
} from '../../src';
import { SchemaValidator } from '../../src/gitops/schema-validator';
import { evaluateResult } from '../../src/rollouts/private/expr/evaluate';
import { float, float64Slice } from '../../src/rollouts/private/expr/types';
import { lintObjects } from '../../src/rollouts/private/rules/lint';

// AnalysisTemplate and ClusterAnalysisTemplate against docs/features/analysis.md and docs/analysis/prometheus.md,
// web.md and job.md of argoproj/argo-rollouts@v1.9.1 (sections cited per test).

const valid = (manifest: any) => {
  expect(SchemaValidator.get().validate(manifest)).toEqual([]);
  expect(lintObjects([{ object: manifest, source: 't' }]).problems).toEqual([]);
  return manifest;
};
const prometheus = (query = 'up') => MetricProvider.prometheus({ address: 'http://prometheus.example.com:9090', query });

describe('AnalysisTemplate', () => {
  test('analysis.md §Background Analysis: the success-rate template, with typed arguments', () => {
    // GIVEN a declared argument used through its placeholder
    const service = AnalysisArgument.required('service-name');
    const t = AnalysisTemplate.of({
      templateName: 'success-rate',
      args: [service],
      metrics: [{
        name: 'success-rate',
        interval: Duration.minutes(5),
        failureLimit: 3,
        condition: MetricCondition.atLeast(0.95),
        provider: prometheus(`sum(irate(istio_requests_total{reporter="source",destination_service=~"${service}",response_code!~"5.*"}[5m])) / sum(irate(istio_requests_total{reporter="source",destination_service=~"${service}"}[5m]))`),
      }],
    });
    // WHEN rendered THEN it is the documented template, with a condition that cannot pass without data
    const m = valid(t.toManifest('default'));
    expect(m.metadata).toEqual({ name: 'success-rate', namespace: 'default' });
    expect(m.spec.args).toEqual([{ name: 'service-name' }]);
    expect(m.spec.metrics[0]).toEqual({
      name: 'success-rate',
      interval: '5m',
      failureLimit: 3,
      successCondition: 'len(result) > 0 && all(result, {# >= 0.95})',
      provider: {
        prometheus: {
          address: 'http://prometheus.example.com:9090',
          query: 'sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}",response_code!~"5.*"}[5m])) / sum(irate(istio_requests_total{reporter="source",destination_service=~"{{args.service-name}}"}[5m]))',
        },
      },
    });
    expect(t.argument('service-name').placeholder).toBe('{{args.service-name}}');
  });

  test('§Analysis Template Arguments: defaults, secrets and field references', () => {
    const m = valid(AnalysisTemplate.of({
      templateName: 'args-example',
      args: [
        AnalysisArgument.required('service-name'),
        AnalysisArgument.withDefault('stable-hash', 'none'),
        AnalysisArgument.fromSecret('api-token', 'token-secret', 'apiToken'),
        AnalysisArgument.fromField('namespace', 'metadata.namespace'),
      ],
      metrics: [{ name: 'm', condition: MetricCondition.atLeast(1), provider: MetricProvider.prometheus({ query: 'up{ns="{{args.namespace}}"}', headers: { Authorization: 'Bearer {{args.api-token}}' } }) }],
    }).toManifest());
    expect(m.spec.args).toEqual([
      { name: 'service-name' },
      { name: 'stable-hash', value: 'none' },
      { name: 'api-token', valueFrom: { secretKeyRef: { name: 'token-secret', key: 'apiToken' } } },
      { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ]);
    expect(m.spec.metrics[0].provider.prometheus.headers).toEqual([{ key: 'Authorization', value: 'Bearer {{args.api-token}}' }]);
  });

  test('an undeclared argument cannot be written', () => {
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', condition: MetricCondition.atLeast(1), provider: prometheus('up{a="{{args.nope}}"}') }] }))
      .toThrow("metric 'm' uses {{args.nope}}, which is not a declared argument of the template");
  });

  test('what an AnalysisRun rejects is rejected at construction (ValidateMetric wording)', () => {
    const t = (metric: any) => () => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', provider: prometheus(), condition: MetricCondition.atLeast(1), ...metric }] });
    expect(t({ count: 2 })).toThrow('Analysis spec invalid: metrics[0]: interval must be specified when count > 1');
    expect(t({ count: 1, failureLimit: 2, interval: Duration.minutes(1) })).toThrow('count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0');
    expect(t({ failureLimit: -1 })).toThrow('failureLimit and consecutiveSuccessLimit cannot both be disabled');
    expect(t({ count: 1, inconclusiveLimit: 2 })).toThrow('count must be >= inconclusiveLimit');
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [] })).toThrow('no metrics specified');
    expect(() => AnalysisTemplate.of({ templateName: 'T_', metrics: [{ name: 'm', provider: prometheus(), condition: MetricCondition.atLeast(1) }] })).toThrow("'templateName' ('T_')");
  });

  test('§Dry-Run Mode and §Measurements Retention: per metric, matched exactly', () => {
    const m = valid(AnalysisTemplate.of({
      templateName: 't',
      metrics: [
        { name: 'total-5xx-errors', condition: MetricCondition.atMost(10), provider: prometheus(), dryRun: true, measurementRetention: 20 },
        { name: 'error.rate', condition: MetricCondition.atMost(0.01), provider: prometheus() },
      ],
    }).toManifest());
    expect(m.spec.dryRun).toEqual([{ metricName: '^total-5xx-errors$' }]);
    expect(m.spec.measurementRetention).toEqual([{ metricName: '^total-5xx-errors$', limit: 20 }]);
  });

  test('prometheus.md: timeout, insecure, range query, SigV4 and OAuth2 authentication (secret only as an argument)', () => {
    const secret = AnalysisArgument.fromSecret('client-secret', 'oauth', 'secret');
    const m = valid(AnalysisTemplate.of({
      templateName: 't',
      args: [secret],
      metrics: [{
        name: 'm',
        condition: MetricCondition.atLeast(1),
        provider: MetricProvider.prometheus({
          address: 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1',
          query: 'up',
          timeout: Duration.seconds(10),
          insecure: true,
          rangeQuery: { start: 'now() - duration("5m")', end: 'now()', step: '1m' },
          authentication: MetricAuthentication.sigv4({ region: 'us-east-1', roleArn: 'arn:aws:iam::1:role/r' }),
        }),
      }, {
        name: 'n',
        condition: MetricCondition.atLeast(1),
        provider: MetricProvider.prometheus({ address: 'http://p:9090', query: 'up', authentication: MetricAuthentication.oauth2({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: secret, scopes: ['read'] }) }),
      }],
    }).toManifest());
    expect(m.spec.metrics[0].provider.prometheus).toMatchObject({ timeout: 10, insecure: true, rangeQuery: { step: '1m' }, authentication: { sigv4: { region: 'us-east-1' } } });
    expect(m.spec.metrics[1].provider.prometheus.authentication.oauth2).toEqual({ tokenUrl: 'https://idp/token', clientId: 'c', clientSecret: '{{args.client-secret}}', scopes: ['read'] });
    expect(() => MetricAuthentication.oauth2({ tokenUrl: 'u', clientId: 'c', clientSecret: AnalysisArgument.withDefault('s', 'plaintext') })).toThrow('must be an AnalysisArgument.fromSecret');
    expect(() => MetricProvider.prometheus({ address: 'prometheus:9090', query: 'up' })).toThrow('must be a URL with scheme and host');
  });

  test('web.md and job.md: typed escape hatches, validated against the pinned schema', () => {
    const m = valid(AnalysisTemplate.of({
      templateName: 't',
      metrics: [
        { name: 'web', condition: MetricCondition.expressions({ successCondition: 'result == true' }), provider: MetricProvider.web({ url: 'https://status.example.com/api/v1/health', method: WebMetricMethod.GET, jsonPath: '{$.ok}', timeout: Duration.seconds(20), headers: { Accept: 'application/json' } }) },
        { name: 'job', provider: MetricProvider.job({ spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'test', image: 'alpine:3.8', command: ['sh', '-c', 'exit 0'] }] } } } }) },
      ],
    }).toManifest());
    expect(m.spec.metrics[0].provider.web).toEqual({ url: 'https://status.example.com/api/v1/health', method: 'GET', jsonPath: '{$.ok}', timeoutSeconds: 20, headers: [{ key: 'Accept', value: 'application/json' }] });
    expect(m.spec.metrics[1].provider.job.spec.backoffLimit).toBe(1);
  });

  test('addTo writes the template into a chart', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
    AnalysisTemplate.successRate().addTo(chart);
    ClusterAnalysisTemplate.successRate({ templateName: 'cluster-success-rate' }).addTo(chart);
    const objects = Testing.synth(chart);
    expect(objects.map(o => `${o.kind}/${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual([
      'AnalysisTemplate/ns/success-rate', 'ClusterAnalysisTemplate/-/cluster-success-rate',
    ]);
  });
});

describe('analysis that cannot lie (analysis.md §Empty array, §NaN and Infinity)', () => {
  const results = [
    ['an empty result', float64Slice([])],
    ['NaN', float(NaN)],
    ['a NaN sample', float64Slice([NaN])],
  ] as const;

  test.each([NoDataBehavior.FAIL, NoDataBehavior.INCONCLUSIVE])('the threshold helpers never count no data as success (%s)', noData => {
    // They are written for Prometheus vectors: a scalar result is an Error (the controller retries, then fails the
    // metric after consecutiveErrorLimit), an empty or NaN vector fails or is inconclusive.
    const empty = noData === NoDataBehavior.FAIL ? 'Failed' : 'Inconclusive';
    for (const condition of [MetricCondition.atLeast(0.99, noData), MetricCondition.atMost(0.5, noData)]) {
      const phases = results.map(([, result]) => evaluateResult(result, condition.successCondition, condition.failureCondition).phase);
      expect(phases).toEqual([empty, 'Error', empty]);
    }
  });

  test('they pass and fail as a threshold should on real data', () => {
    const c = MetricCondition.atLeast(0.99);
    expect(evaluateResult(float64Slice([0.995, 1]), c.successCondition, c.failureCondition).phase).toBe('Successful');
    expect(evaluateResult(float64Slice([0.995, 0.98]), c.successCondition, c.failureCondition).phase).toBe('Failed');
    const i = MetricCondition.atLeast(0.99, NoDataBehavior.INCONCLUSIVE);
    expect(evaluateResult(float64Slice([0.98]), i.successCondition, i.failureCondition).phase).toBe('Failed');
  });

  test('property: atLeast(x) succeeds exactly when there is data and every sample is ≥ x', () => {
    fc.assert(fc.property(fc.array(fc.double({ noNaN: false }), { maxLength: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), (samples, x) => {
      const c = MetricCondition.atLeast(x);
      const phase = evaluateResult(float64Slice(samples), c.successCondition, c.failureCondition).phase;
      const expected = samples.length > 0 && samples.every(v => v >= x) ? 'Successful' : 'Failed';
      expect(phase).toBe(expected);
    }), { numRuns: 200 });
  });

  test('a hand-written condition that passes without data is an error, and names the case', () => {
    expect(() => AnalysisTemplate.of({
      templateName: 't',
      metrics: [{ name: 'errors', condition: MetricCondition.expressions({ successCondition: 'all(result, {# < 0.01})' }), provider: prometheus() }],
    })).toThrow("metric 'errors' passes without data: successCondition 'all(result, {# < 0.01})' counts an empty result (no series) as Successful");
    expect(() => AnalysisTemplate.of({
      templateName: 't',
      metrics: [{ name: 'failure-only', condition: MetricCondition.expressions({ failureCondition: 'result[0] > 0.01' }), provider: prometheus() }],
    })).toThrow(/passes without data: failureCondition 'result\[0\] > 0.01' counts a NaN sample as Successful/);
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'no-condition', provider: prometheus() }] }))
      .toThrow("metric 'no-condition' passes without data: with no condition, every measurement counts an empty result (no series) as Successful");
  });

  test('a reviewed waiver lets it through, recorded on the template for reviewers and lint', () => {
    const m = AnalysisTemplate.of({
      templateName: 't',
      metrics: [{ name: 'errors', condition: MetricCondition.expressions({ successCondition: 'all(result, {# < 0.01})' }), provider: prometheus(), noDataWaiver: 'no errors recorded means no errors (INC-1)' }],
    }).toManifest();
    expect(m.metadata.annotations).toEqual({ 'fleet.cdk8s.io/analysis-waivers': '{"errors":"no errors recorded means no errors (INC-1)"}' });
    expect(lintObjects([{ object: m, source: 't' }]).problems).toEqual([]);
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'ok', condition: MetricCondition.atLeast(1), provider: prometheus(), noDataWaiver: 'x' }] }))
      .toThrow("metric 'ok' has a 'noDataWaiver' but does not pass without data; remove the waiver");
  });

  test('a guarded hand-written condition is accepted; one that cannot evaluate on a Prometheus result is refused', () => {
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', condition: MetricCondition.expressions({ successCondition: 'len(result) > 0 && result[0] >= 0.95' }), provider: prometheus() }] })).not.toThrow();
    expect(() => AnalysisTemplate.of({ templateName: 't', metrics: [{ name: 'm', condition: MetricCondition.expressions({ successCondition: 'result.foo > 1' }), provider: prometheus() }] }))
      .toThrow(/its condition errors on every Prometheus result/);
  });

  test('the helpers: success rate and latency queries, honest conditions', () => {
    const sr = AnalysisTemplate.successRate({ metric: 'istio_requests_total', serviceLabel: 'destination_service_name', statusLabel: 'response_code', threshold: 0.995, window: Duration.minutes(2) }).toManifest('ns');
    expect(sr.spec.metrics[0].provider.prometheus.query).toBe('sum(rate(istio_requests_total{destination_service_name="{{args.service-name}}",response_code!~"5.."}[2m])) / sum(rate(istio_requests_total{destination_service_name="{{args.service-name}}"}[2m]))');
    expect(sr.spec.metrics[0].successCondition).toBe('len(result) > 0 && all(result, {# >= 0.995})');
    const lat = valid(AnalysisTemplate.latency({ threshold: Duration.millis(500), noData: NoDataBehavior.INCONCLUSIVE }).toManifest('ns'));
    expect(lat.spec.metrics[0]).toMatchObject({
      name: 'latency-p99',
      successCondition: 'len(result) > 0 && all(result, {# <= 0.5})',
      failureCondition: 'len(result) > 0 && any(result, {# > 0.5})',
      provider: { prometheus: { query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{args.service-name}}"}[5m])))' } },
    });
  });
});
