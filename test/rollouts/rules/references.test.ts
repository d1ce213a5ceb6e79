import * as yaml from 'js-yaml';
import { analysisRunStartError, argsOf, fasttemplate, resolveMetricArgs, validateMetric } from '../../../src/rollouts/private/rules/analysis-run';
import { lintObjects } from '../../../src/rollouts/private/rules/lint';
import { buildAnalysisArgs, ReferenceLookup, validateReferences, validateTemplateWithType } from '../../../src/rollouts/private/rules/references';

// Ported from argoproj/argo-rollouts@v1.9.1 pkg/apis/rollouts/validation/validation_references_test.go (test
// names in the titles), utils/analysis/helpers_test.go / factory_test.go and analysis/analysis_test.go
// (ValidateMetric cases), run through the same rules module as `cdk8s-fleet lint`.

const lookupOf = (objects: any[]): ReferenceLookup => {
  const find = (kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata?.name === name);
  return {
    service: n => find('Service', n),
    ingress: n => find('Ingress', n),
    virtualService: n => find('VirtualService', n.split('.')[0]),
    analysisTemplate: n => find('AnalysisTemplate', n),
    clusterAnalysisTemplate: n => find('ClusterAnalysisTemplate', n),
    workloadTemplate: () => undefined,
    serviceOwner: () => undefined,
  };
};
const refs = (rollout: any, objects: any[]) => validateReferences(rollout, lookupOf(objects)).map(e => e.toString());

const albRollout = (ingress: string | string[]) => ({
  metadata: { name: 'ro' },
  spec: { strategy: { canary: { stableService: 'stable-service-name', trafficRouting: { alb: Array.isArray(ingress) ? { ingresses: ingress } : { ingress } } } } },
});
const nginxRollout = (ingress: string | string[]) => ({
  metadata: { name: 'ro' },
  spec: { strategy: { canary: { stableService: 'stable-service', canaryService: 'canary-service-name', trafficRouting: { nginx: Array.isArray(ingress) ? { stableIngresses: ingress } : { stableIngress: ingress } } } } },
});
const legacyIngress = (name: string, serviceName: string) => ({
  apiVersion: 'extensions/v1beta1',
  kind: 'Ingress',
  metadata: { name },
  spec: { rules: [{ host: 'fakehost.example.com', http: { paths: [{ path: '/foo', backend: { serviceName, servicePort: 80 } }] } }] },
});
const template = (name: string, kind = 'AnalysisTemplate', extra: any = {}) => ({
  kind, metadata: { name }, spec: { metrics: [{ name: `${name}-metric`, interval: '1m', count: 1, provider: { job: {} } }], ...extra },
});

describe('TestValidateRolloutReferencedResourcesNginxIngress', () => {
  const stableIngressKey = 'spec.strategy.canary.trafficRouting.nginx.stableIngress';
  const stableIngressesKey = 'spec.strategy.canary.trafficRouting.nginx.stableIngresses';
  const three = ['stable-ingress', 'additional-stable-ingress-1', 'additional-stable-ingress-2'];
  test.each([
    ['Validate single Nginx Ingress -- success', false, ['stable-service'], []],
    ['Validate single Nginx Ingress -- failure', false, ['wrong-stable-service'], [[stableIngressKey, 'stable-ingress']]],
    ['Validate multiple Nginx Ingresses successfully', true, ['stable-service', 'stable-service', 'stable-service'], []],
    ['Validate multiple Nginx Ingresses -- primary fails', true, ['wrong-stable-service', 'stable-service', 'stable-service'], [[stableIngressesKey, 'stable-ingress']]],
    ['Validate multiple Nginx Ingresses -- additional ingress fails', true, ['stable-service', 'wrong-stable-service', 'stable-service'], [[stableIngressesKey, 'additional-stable-ingress-1']]],
    ['Validate multiple Nginx Ingresses -- all ingresses fail fails', true, ['wrong-stable-service', 'wrong-stable-service', 'wrong-stable-service'],
      three.map(i => [stableIngressesKey, i])],
  ])('%s', (_name, multiple, services, expected) => {
    const ingresses = (services as string[]).map((s, i) => legacyIngress(three[i], s));
    const rollout = multiple ? nginxRollout(three) : nginxRollout('stable-ingress');
    const errs = validateReferences(rollout, lookupOf(ingresses));
    expect(errs.map(e => [e.field, e.badValue && 'value' in e.badValue ? e.badValue.value : undefined])).toEqual(expected);
    for (const e of errs) expect(e.type).toBe('Invalid');
  });
});

describe('TestValidateRolloutReferencedResourcesAlbIngress / TestValidateAlbIngress', () => {
  test('single ALB Ingress: success and failure', () => {
    expect(refs(albRollout('stable-ingress'), [legacyIngress('stable-ingress', 'stable-service-name')])).toEqual([]);
    expect(refs(albRollout('alb-ingress'), [legacyIngress('alb-ingress', 'not-stable-service')])).toEqual([
      'spec.strategy.canary.trafficRouting.alb.ingress: Invalid value: "alb-ingress": ingress `alb-ingress` has no rules using service stable-service-name backend',
    ]);
  });
  test('multiple ALB Ingresses: each failing one is reported at alb.ingresses', () => {
    const errs = refs(albRollout(['a', 'b']), [legacyIngress('a', 'stable-service-name'), legacyIngress('b', 'wrong')]);
    expect(errs).toEqual(['spec.strategy.canary.trafficRouting.alb.ingresses: Invalid value: "b": ingress `b` has no rules using service stable-service-name backend']);
  });
  test('TestValidateIngressSimultaneousAlbNginx: with both routers the controller looks up the ALB ingresses', () => {
    const rollout: any = albRollout('alb-ingress');
    rollout.spec.strategy.canary.trafficRouting.nginx = { stableIngresses: ['nginx-ingress-1'] };
    expect(refs(rollout, [legacyIngress('alb-ingress', 'stable-service-name'), legacyIngress('nginx-ingress-1', 'stable-service-name')])).toEqual([]);
  });
  test('networking.k8s.io/v1 backends are read from service.name', () => {
    const ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'stable-ingress' }, spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'stable-service', port: { number: 80 } } } }] } }] } };
    expect(refs(nginxRollout('stable-ingress'), [ingress])).toEqual([]);
  });
});

describe('TestValidateRolloutNginxIngressesConfig / TestValidateRolloutAlbIngressesConfig', () => {
  test.each([
    ['No ingress configured', {}, 'Either StableIngress or StableIngresses must be configured. Neither are configured.'],
    ['Both ingresses configured', { stableIngress: 's', stableIngresses: ['s', 'a'] }, 'Either StableIngress or StableIngresses must be configured. Both are configured.'],
    ['Just StableIngress configured', { stableIngress: 's' }, undefined],
    ['Just StableIngresses configured', { stableIngresses: ['s', 'a'] }, undefined],
  ])('nginx: %s', (_name, nginx, message) => {
    const errs = refs({ spec: { strategy: { canary: { trafficRouting: { nginx } } } } }, []);
    expect(errs).toEqual(message ? [`spec.strategy.canary.trafficRouting.nginx: Internal error: ${message}`] : []);
  });
  test.each([
    ['No ingress configured', { servicePort: 80 }, 'Either Ingress or Ingresses must be configured. Neither are configured.'],
    ['Both ingresses configured', { ingress: 's', ingresses: ['s'] }, 'Either Ingress or Ingresses must be configured. Both are configured.'],
    ['Just Ingress configured', { ingress: 's' }, undefined],
    ['Just Ingresses configured', { ingresses: ['s', 'a'] }, undefined],
  ])('alb: %s', (_name, alb, message) => {
    const errs = refs({ spec: { strategy: { canary: { trafficRouting: { alb } } } } }, []);
    expect(errs).toEqual(message ? [`spec.strategy.canary.trafficRouting.alb: Internal error: ${message}`] : []);
  });
});

describe('TestValidateService', () => {
  const svc = (extra: any = {}) => ({ kind: 'Service', metadata: { name: 'stable-service-name', ...extra.metadata }, spec: { selector: extra.selector } });
  const rollout = { metadata: { name: 'ro' }, spec: { template: { metadata: { labels: {} } }, strategy: { canary: { stableService: 'stable-service-name' } } } };
  test('validate service - success', () => expect(refs(rollout, [svc()])).toEqual([]));
  test('validate service - failure (managed by another Rollout)', () => {
    expect(refs(rollout, [svc({ metadata: { annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'not-rollout-name' } } })])).toEqual([
      'spec.strategy.canary.stableService: Invalid value: "stable-service-name": Service "stable-service-name" is managed by another Rollout',
    ]);
  });
  test('validate service with unmatch label - failure', () => {
    expect(refs(rollout, [svc({ selector: { app: 'unmatch-rollout-label' } })])).toEqual([
      'spec.strategy.canary.stableService: Invalid value: "stable-service-name": Service "stable-service-name" has unmatch label "app" in rollout',
    ]);
  });
  test('validate service with Rollout label - success', () => {
    expect(refs(rollout, [svc({ selector: { 'rollouts-pod-template-hash': '123-456' } })])).toEqual([]);
  });
});

describe('TestValidateAnalysisTemplatesWithType / TestValidateAnalysisTemplateWithType', () => {
  const stepRollout = (analysis: any, extraSteps: any[] = []) => ({
    metadata: { name: 'ro' },
    spec: { strategy: { canary: { steps: [{ analysis }, ...extraSteps] } } },
  });
  const both = (t1: any = {}) => [
    template('analysis-template-name', 'AnalysisTemplate', t1),
    template('cluster-analysis-template-name', 'ClusterAnalysisTemplate'),
  ];
  const refsBoth = [{ templateName: 'analysis-template-name' }, { templateName: 'cluster-analysis-template-name', clusterScope: true }];
  test('failure - invalid argument', () => {
    expect(refs(stepRollout({ templates: refsBoth }), both({ args: [{ name: 'invalid' }] }))).toEqual([
      'spec.strategy.canary.steps[0].analysis.templates: Invalid value: "templateNames: [analysis-template-name cluster-analysis-template-name]": args.invalid was not resolved',
    ]);
  });
  test('success', () => {
    expect(refs(stepRollout({ templates: refsBoth, args: [{ name: 'valid', value: 'true' }] }), both({ args: [{ name: 'valid' }] }))).toEqual([]);
  });
  test('an argument passed without a value still resolves (the run gets the empty string)', () => {
    expect(refs(stepRollout({ templates: refsBoth, args: [{ name: 'valid' }] }), both({ args: [{ name: 'valid' }] }))).toEqual([]);
  });
  test('failure - duplicate MeasurementRetention (a step other than the one validated counts, as upstream)', () => {
    const rollout = stepRollout({ templates: refsBoth, args: [{ name: 'valid', value: 'true' }] }, [
      { analysis: { templates: [{ templateName: 'analysis-template-name' }], measurementRetention: [{ metricName: 'example', limit: 2 }] } },
    ]);
    const errs = refs(rollout, both({ args: [{ name: 'valid' }], measurementRetention: [{ metricName: 'example', limit: 5 }] }));
    expect(errs[0]).toBe('spec.strategy.canary.steps[0].analysis.templates: Invalid value: "templateNames: [analysis-template-name cluster-analysis-template-name]": two Measurement Retention metric rules have the same name \'example\'');
  });
  test('two metrics with the same name across templates', () => {
    const t2 = template('cluster-analysis-template-name', 'ClusterAnalysisTemplate');
    t2.spec.metrics[0].name = 'analysis-template-name-metric';
    expect(refs(stepRollout({ templates: refsBoth }), [template('analysis-template-name'), t2])[0]).toMatch(/two metrics have the same name 'analysis-template-name-metric'$/);
  });
  test('validate inline clusterAnalysisTemplate - failure (a metric that runs indefinitely)', () => {
    const t = template('cluster-analysis-template-name', 'ClusterAnalysisTemplate');
    t.spec.metrics[0].count = 0;
    expect(refs(stepRollout({ templates: [{ templateName: 'cluster-analysis-template-name', clusterScope: true }] }), [t])).toEqual([
      'spec.strategy.canary.steps[0].analysis.templates: Invalid value: "cluster-analysis-template-name": AnalysisTemplate cluster-analysis-template-name has metric cluster-analysis-template-name-metric which runs indefinitely. Invalid value for count: 0',
    ]);
  });
  test('pre-promotion analysis with an interval and no count runs indefinitely (count <nil>)', () => {
    const t = template('t');
    delete t.spec.metrics[0].count;
    const rollout = { metadata: { name: 'ro' }, spec: { strategy: { blueGreen: { activeService: 'a', prePromotionAnalysis: { templates: [{ templateName: 't' }] } } } } };
    expect(refs(rollout, [t])).toEqual(['spec.strategy.blueGreen.prePromotionAnalysis.templates: Invalid value: "t": AnalysisTemplate t has metric t-metric which runs indefinitely. Invalid value for count: <nil>']);
  });
  test('validate background analysisTemplate - failure, then success (ValidateAnalysisTemplateWithType itself)', () => {
    const t = template('analysis-template-name', 'AnalysisTemplate', { args: [{ name: 'service-name' }] });
    const spec = { name: t.metadata.name, clusterScope: false, spec: t.spec };
    const background = (args?: any[]) => ({ metadata: { name: 'ro' }, spec: { strategy: { canary: { analysis: { templates: [{ templateName: 'analysis-template-name' }], ...(args ? { args } : {}) } } } } });
    const direct = (r: any) => validateTemplateWithType(r, spec, 'BackgroundAnalysis', 'spec.strategy.canary.analysis.templates').map(e => e.toString());
    expect(direct(background())).toEqual(['spec.strategy.canary.analysis.templates: Invalid value: "analysis-template-name": missing analysis arguments in rollout spec']);
    expect(direct(background([{ name: 'a-different-service-name' }]))).toEqual(['spec.strategy.canary.analysis.templates: Invalid value: "analysis-template-name": service-name']);
    expect(direct(background([{ name: 'service-name' }]))).toEqual([]);
    t.spec.metrics[0].count = 0;
    expect(direct(background([{ name: 'service-name' }]))).toEqual([]); // background runs may run indefinitely
    // Through the controller's path the run's arguments are merged first, so an unsupplied one fails there.
    expect(refs(background(), [t])).toEqual(['spec.strategy.canary.analysis.templates: Invalid value: "templateNames: [analysis-template-name]": args.service-name was not resolved']);
    expect(refs(background([{ name: 'service-name' }]), [t])).toEqual([]);
  });
  test('a referenced template that is not given is not checked (it may exist in the cluster)', () => {
    expect(refs(stepRollout({ templates: [{ templateName: 'elsewhere' }] }), [])).toEqual([]);
  });
});

describe('TestValidateVirtualService / TestValidateVirtualServices', () => {
  const vsvc = (text: string) => yaml.load(text) as any;
  const http = (stable: string) => vsvc(`apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: istio-vsvc, namespace: default}
spec:
  hosts: [istio-rollout.dev.argoproj.io]
  http:
  - name: primary
    route: [{destination: {host: '${stable}'}, weight: 100}, {destination: {host: canary}, weight: 0}]
  - name: secondary
    route: [{destination: {host: '${stable}'}, weight: 100}, {destination: {host: canary}, weight: 0}]`);
  const tls = (stable: string) => vsvc(`apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: istio-vsvc}
spec:
  tls:
  - match: [{port: 443, sniHosts: [istio-rollout.dev.argoproj.io]}]
    route: [{destination: {host: ${stable}}, weight: 100}, {destination: {host: canary}, weight: 0}]`);
  const tcp = (stable: string) => vsvc(`apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: istio-vsvc}
spec:
  tcp:
  - match: [{port: 443}]
    route: [{destination: {host: ${stable}}, weight: 100}, {destination: {host: canary}, weight: 0}]`);
  const ro = (istio: any) => ({ metadata: { name: 'ro' }, spec: { strategy: { canary: { stableService: 'stable', canaryService: 'canary', trafficRouting: { istio } } } } });
  const single = ro({ virtualService: { name: 'istio-vsvc', routes: ['primary', 'secondary'] } });
  const path = 'spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "istio-vsvc"';
  test('HTTP routes - success / failure', () => {
    expect(refs(single, [http('stable')])).toEqual([]);
    expect(refs(single, [http('not-stable')])).toEqual([`${path}: Istio VirtualService has invalid HTTP routes. Error: Stable Service 'stable' not found in route`]);
  });
  test('TLS routes - success / failure', () => {
    expect(refs(single, [tls('stable')])).toEqual([]);
    expect(refs(single, [tls('not-stable')])).toEqual([`${path}: Istio VirtualService has invalid TLS routes. Error: Stable Service 'stable' not found in route`]);
  });
  test('TCP routes - success / failure', () => {
    expect(refs(single, [tcp('stable')])).toEqual([]);
    expect(refs(single, [tcp('not-stable')])).toEqual([`${path}: Istio VirtualService has invalid TCP routes. Error: Stable Service 'stable' not found in route`]);
  });
  test('no routes; invalid http / tls / tcp routes', () => {
    expect(refs(single, [vsvc('kind: VirtualService\nmetadata: {name: istio-vsvc}\nspec: {hosts: [a]}')])).toEqual([`${path}: Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService`]);
    expect(refs(single, [vsvc('kind: VirtualService\nmetadata: {name: istio-vsvc}\nspec: {http: [invalid-structure]}')])).toEqual([`${path}: Unable to get HTTP routes for Istio VirtualService`]);
    expect(refs(single, [vsvc('kind: VirtualService\nmetadata: {name: istio-vsvc}\nspec: {tls: [invalid-structure]}')])).toEqual([`${path}: Unable to get TLS routes for Istio VirtualService`]);
    expect(refs(single, [vsvc('kind: VirtualService\nmetadata: {name: istio-vsvc}\nspec: {tcp: [invalid-structure]}')])).toEqual([`${path}: Unable to get TCP routes for Istio VirtualService`]);
  });
  test('virtualServices (multiple): the path names virtualServices', () => {
    const multi = ro({ virtualServices: [{ name: 'istio-vsvc', routes: ['primary', 'secondary'] }] });
    expect(refs(multi, [http('stable')])).toEqual([]);
    expect(refs(multi, [http('not-stable')])).toEqual(['spec.strategy.canary.trafficRouting.istio.virtualServices.name: Invalid value: "istio-vsvc": Istio VirtualService has invalid HTTP routes. Error: Stable Service \'stable\' not found in route']);
  });
  test('a named route that is missing; routes omitted with two unnamed-to-the-rollout routes (istio.go)', () => {
    expect(refs(ro({ virtualService: { name: 'istio-vsvc', routes: ['nope'] } }), [http('stable')])).toEqual([`${path}: Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'nope' is not found in the defined Virtual Service.`]);
    expect(refs(ro({ virtualService: { name: 'istio-vsvc' } }), [http('stable')])).toEqual([`${path}: Istio VirtualService has invalid HTTP routes. Error: spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes`]);
  });
  test('subset routing: the DestinationRule subsets must be route destinations', () => {
    const dr = ro({ virtualService: { name: 'istio-vsvc', routes: ['primary', 'secondary'] }, destinationRule: { name: 'dr', canarySubsetName: 'canary', stableSubsetName: 'stable' } });
    expect(refs(dr, [http('stable')])).toEqual([`${path}: Istio VirtualService has invalid HTTP routes. Error: Canary DestinationRule subset 'canary' not found in route`]);
  });
  test('TestValidateRolloutVirtualServicesConfig', () => {
    expect(refs(ro({}), [])).toEqual(['spec.strategy.canary.trafficRouting.istio: Internal error: either VirtualService or VirtualServices must be configured']);
    expect(refs(ro({ virtualService: { name: 'a' }, virtualServices: [{ name: 'a' }] }), [])).toEqual(['spec.strategy.canary.trafficRouting.istio: Internal error: either VirtualService or VirtualServices must be configured']);
    expect(refs(ro({ virtualService: { name: 'a' } }), [])).toEqual([]);
  });
});

describe('TestValidateAnalysisMetrics (validateAnalysisMetrics) and AnalysisRun start (analysis.go)', () => {
  test('args resolve into count and failureLimit', () => {
    const r = resolveMetricArgs({ name: 'metric-name', count: '{{args.count}}', failureLimit: '{{args.failure-limit}}' }, argsOf([{ name: 'count', value: '5' }, { name: 'failure-limit', value: '1' }]));
    expect('metric' in r && [r.metric.count, r.metric.failureLimit]).toEqual(['5', '1']);
  });
  test('an arg with both value and valueFrom is rejected', () => {
    const t = template('t', 'AnalysisTemplate', { args: [{ name: 'secret', value: 'secret-value', valueFrom: { secretKeyRef: { name: 'web-metric-secret', key: 'apikey' } } }] });
    const rollout = { metadata: { name: 'ro' }, spec: { strategy: { canary: { steps: [{ analysis: { templates: [{ templateName: 't' }] } }] } } } };
    expect(refs(rollout, [t])).toEqual(["spec.strategy.canary.steps[0].analysis.templates: Invalid value: \"t\": AnalysisTemplate t: arg 'secret' has both Value and ValueFrom fields"]);
  });
  test('an unresolvable tag: the last one is reported (fasttemplate)', () => {
    expect(fasttemplate('{{args.a}} {{ args.b }}', new Map())).toEqual({ error: 'failed to resolve {{ args.b }}' });
    expect((fasttemplate('x {{args.a', new Map()) as { error: string }).error).toMatch(/^Cannot find end tag="}}" in the template="x {{args.a" starting from "args.a"$/);
  });
  test.each([
    [{ consecutiveSuccessLimit: -1 }, 'consecutiveSuccessLimit must be >= 0'],
    [{ failureLimit: -2 }, 'failureLimit must be >= 0, or -1 to be disabled'],
    [{ failureLimit: -1 }, 'failureLimit and consecutiveSuccessLimit cannot both be disabled'],
    [{ inconclusiveLimit: -1 }, 'inconclusiveLimit must be >= 0'],
    [{ consecutiveErrorLimit: -1 }, 'consecutiveErrorLimit must be >= 0'],
    [{ count: 1, failureLimit: 2, interval: '1m' }, 'count (1) must be >= failureLimit + consecutiveSuccessLimit (2 + 0) if both >= 0'],
    [{ count: 1, failureLimit: -1, consecutiveSuccessLimit: 2, interval: '1m' }, 'count must be >= consecutiveSuccessLimit'],
    [{ count: 1, inconclusiveLimit: 2 }, 'count must be >= inconclusiveLimit'],
    [{ count: 2 }, 'interval must be specified when count > 1'],
    [{ interval: '1x' }, 'invalid interval string: time: unknown unit "x" in duration "1x"'],
    [{ initialDelay: 'x' }, 'invalid startDelay string: time: invalid duration "x"'],
    // a unit named like a member of Object.prototype is an unknown unit (time.ParseDuration's unitMap is a Go map)
    [{ interval: '1constructor' }, 'invalid interval string: time: unknown unit "constructor" in duration "1constructor"'],
    [{ initialDelay: '1toString' }, 'invalid startDelay string: time: unknown unit "toString" in duration "1toString"'],
    [{ count: 2, interval: '1m', provider: {} }, 'no provider specified'],
    [{ provider: { job: {}, web: {} } }, 'multiple providers specified'],
    [{ count: '{{args.count}}' }, undefined], // a string count that is not an int reads as 0
  ])('ValidateMetric %p', (fields, message) => {
    expect(validateMetric({ name: 'm', provider: { prometheus: {} }, ...fields })).toBe(message);
  });
  test('AnalysisRun start: no metrics, duplicate names, dry-run rules that match nothing, unresolved args', () => {
    expect(analysisRunStartError([], [], [], [])).toBe('Analysis spec invalid: no metrics specified');
    const m = { name: 'm', provider: { job: {} } };
    expect(analysisRunStartError([m, m], [], [], [])).toBe("Analysis spec invalid: metrics[1]: duplicate name 'm'");
    expect(analysisRunStartError([m], [], [{ metricName: 'x' }], [])).toBe("Analysis spec invalid: dryRun[0]: Rule didn't match any metric name(s)");
    expect(analysisRunStartError([m], [], [], [{ metricName: 'z', limit: 1 }])).toBe("Analysis spec invalid: measurementRetention[0]: Rule didn't match any metric name(s)");
    expect(analysisRunStartError([{ ...m, successCondition: '{{args.nope}}' }], [], [], [])).toBe('Unable to resolve metric arguments: failed to resolve {{args.nope}}');
  });
});

describe('BuildArgumentsForRolloutAnalysisRun', () => {
  test.each([['spec.constructor'], ['spec.toString'], ['spec.replicas.constructor'], ['status.valueOf']])('a fieldRef path %p the Rollout does not have resolves to "" (extractValueFromRollout: a missing map key is nil)', (fieldPath) => {
    // GIVEN a Rollout, and an argument whose fieldRef names a key it lacks (named like a member of Object.prototype)
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { replicas: 2 } };
    // WHEN the arguments are built
    const args = buildAnalysisArgs([{ name: 'x', valueFrom: { fieldRef: { fieldPath } } } as any], rollout);
    // THEN the argument is empty, as for any missing path (not a JavaScript function's text)
    expect(args).toEqual([{ name: 'x', value: '' }]);
    expect(buildAnalysisArgs([{ name: 'x', valueFrom: { fieldRef: { fieldPath: 'spec.replicas' } } } as any], rollout)).toEqual([{ name: 'x', value: '2' }]);
  });
});

describe('lintObjects: the references between objects of one input', () => {
  test('a second Rollout naming a Service the first one manages is rejected, as the controller does', () => {
    const rollout = (name: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name },
      spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, strategy: { blueGreen: { activeService: 'shared' } } },
    });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shared' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } };
    const result = lintObjects([rollout('one'), rollout('two'), svc].map(object => ({ object, source: 'f.yaml' })));
    expect(result.problems.map(p => `${p.subject}: ${p.message}`)).toEqual([
      'Rollout/two: spec.strategy.blueGreen.activeService: Invalid value: "shared": Service "shared" is managed by another Rollout',
    ]);
  });
  test('a workloadRef resolves the pod template from the Deployment given', () => {
    const rollout = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, strategy: { blueGreen: { activeService: 'svc' } } },
    };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } };
    const result = lintObjects([rollout, deployment, svc].map(object => ({ object, source: 'f.yaml' })));
    expect(result.problems.map(p => p.message)).toEqual(['spec.strategy.blueGreen.activeService: Invalid value: "svc": Service "svc" has unmatch label "app" in rollout']);
  });
});
