import { formatProblem, lintObjects } from '../../../src/rollouts/private/rules/lint';
import { rollout } from '../rollout-fixture';

/**
 * Cases drawn from argoproj/argo-rollouts@v1.9.1 pkg/apis/rollouts/validation/validation.go and
 * validation_references.go themselves (the branch each row exercises is named), beyond the rows of their tests:
 * value formatting (k8s.io/apimachinery v0.34 field.Error), Go's parsing of durations and int-or-strings,
 * which step types count as "multiple", and the configuration errors the controller raises before it looks up
 * referenced objects. Each case runs through `lintObjects` with the controller rules only, as the command does.
 */

const problems = (...objects: any[]) => lintObjects(objects.map((object, i) => ({ object, source: `#${i + 1}` })), { schemas: false }).problems.map(formatProblem);
const canary = (c: any, spec?: any) => problems(rollout({ canary: c }, spec));
const err = (field: string, body: string) => `#1: Rollout/ro: ${field}: ${body}`;

describe('RolloutPause.DurationSeconds: ints are seconds, strings an int32 or a Go duration, anything else -1', () => {
  test.each([
    ['1.5s', []],
    ['-0.5s', []], // int32(-0.5) is 0: not negative
    ['0s', []],
    ['10', []],
    ['1h', []],
    ['-1s', [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -1: Duration needs to be greater than 0')]],
    ['-5', [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -5: Duration needs to be greater than 0')]],
    ['abc', [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -1: Duration needs to be greater than 0')]],
    ['2147483648', [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -1: Duration needs to be greater than 0')]], // not an int32, and no unit
    ['5 m', [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -1: Duration needs to be greater than 0')]],
    [-3, [err('spec.strategy.steps[0].pause.duration', 'Invalid value: -3: Duration needs to be greater than 0')]],
  ] as [string | number, string[]][])('pause %j', (duration, expected) => {
    expect(canary({ steps: [{ pause: { duration } }] })).toEqual(expected);
  });

  test('a pause without a duration waits for promotion', () => {
    expect(canary({ steps: [{ pause: {} }] })).toEqual([]);
  });
});

describe('invalidMaxSurgeMaxUnavailable: percentages through IsValidPercent, other strings through Atoi', () => {
  test.each([
    [0, undefined, []], // maxUnavailable defaults to 25%
    ['0%', '0', [err('spec.strategy.maxSurge', 'Invalid value: "0%": MaxSurge and MaxUnavailable both can not be zero')]],
    ['00%', 0, [err('spec.strategy.maxSurge', 'Invalid value: "00%": MaxSurge and MaxUnavailable both can not be zero')]],
    ['abc', 0, [err('spec.strategy.maxSurge', 'Invalid value: "abc": MaxSurge and MaxUnavailable both can not be zero')]], // Atoi fails: 0
    ['+0%', 0, [err('spec.strategy.maxSurge', 'Invalid value: "+0%": MaxSurge and MaxUnavailable both can not be zero')]], // not a valid percent, Atoi fails
    ['1%', 0, []],
    [1, '0%', []],
  ] as [any, any, string[]][])('maxSurge %j, maxUnavailable %j', (maxSurge, maxUnavailable, expected) => {
    expect(canary({ maxSurge, ...(maxUnavailable === undefined ? {} : { maxUnavailable }) })).toEqual(expected);
  });
});

describe('steps', () => {
  test('an empty step: every action reported as nil', () => {
    expect(canary({ steps: [{}] })).toEqual([err('spec.strategy.steps[0]', 'Invalid value: "step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoute: true step.Plugin: true": Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause')]);
  });

  test('hasMultipleStepsType counts setWeight, pause, experiment and analysis only', () => {
    expect(canary({ steps: [{ setWeight: 10, pause: {} }] })).toEqual([err('spec.strategy.steps[0]', 'Invalid value: "step.Experiment: false step.Pause: true step.SetWeight: true step.Analysis: false": Step must have one of the following set: experiment, setWeight, setCanaryScale, plugin or pause')]);
    // setWeight with setCanaryScale is not "multiple" (but setCanaryScale needs traffic routing)
    expect(canary({ steps: [{ setWeight: 10, setCanaryScale: { replicas: 1 } }] })).toEqual([err('spec.strategy.trafficRouting', 'Required value: SetCanaryScale requires TrafficRouting to be set')]);
  });

  test('weights up to maxTrafficWeight (nginx), and maxTrafficWeight outside nginx and plugins', () => {
    const nginx = { stableService: 's', canaryService: 'c', trafficRouting: { maxTrafficWeight: 1000, nginx: { stableIngress: 'i' } } };
    expect(canary({ ...nginx, steps: [{ setWeight: 500 }, { setWeight: 1000 }] })).toEqual([]);
    expect(canary({ ...nginx, steps: [{ setWeight: 1001 }, { setWeight: -1 }] })).toEqual([
      err('spec.strategy.steps[0].setWeight', 'Invalid value: 1001: SetWeight needs to be between 0 and 1000'),
      err('spec.strategy.steps[1].setWeight', 'Invalid value: -1: SetWeight needs to be between 0 and 1000'),
    ]);
    expect(canary({ stableService: 's', canaryService: 'c', trafficRouting: { maxTrafficWeight: 1000, istio: { virtualService: { name: 'vs' } } }, steps: [{ setWeight: 500 }] })).toEqual([
      err('spec.strategy.trafficRouting.maxTrafficWeight', 'Invalid value: 1000: Canary maxTrafficWeight in traffic routing only supported in Nginx and Plugins'),
    ]);
  });

  test('a header route on nginx: the whole SetHeaderRoute is the value (encoding/json, omitempty)', () => {
    const route = { name: 'h', match: [{ headerName: 'x-beta', headerValue: { prefix: 'v', exact: '1' } }] };
    expect(canary({ stableService: 's', canaryService: 'c', trafficRouting: { nginx: { stableIngress: 'i' }, managedRoutes: [{ name: 'h' }] }, steps: [{ setHeaderRoute: route }] })).toEqual([
      err('spec.strategy.steps[0].setHeaderRoute', 'Invalid value: {"name":"h","match":[{"headerName":"x-beta","headerValue":{"exact":"1","prefix":"v"}}]}: SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix'),
    ]);
    // Apisix supports header routes
    expect(canary({ stableService: 's', canaryService: 'c', trafficRouting: { apisix: { route: { name: 'r' } }, managedRoutes: [{ name: 'h' }] }, steps: [{ setHeaderRoute: { name: 'h', match: [{ headerName: 'x', headerValue: { exact: '1' } }] } }] })).toEqual([]);
  });

  test('analysis arguments from object metadata: one error per unsupported field path, the whole argument list as value', () => {
    const args = [{ name: 'a', valueFrom: { fieldRef: { fieldPath: 'metadata.generateName' } } }, { name: 'b', value: 'x' }, { name: 'c', valueFrom: { fieldRef: { fieldPath: 'spec.replicas' } } }];
    expect(canary({ steps: [{ analysis: { templates: [{ templateName: 't' }], args } }] })).toEqual([
      err('spec.strategy.steps[0].analyses', 'Invalid value: [{"name":"a","valueFrom":{"fieldRef":{"fieldPath":"metadata.generateName"}}},{"name":"b","value":"x"},{"name":"c","valueFrom":{"fieldRef":{"fieldPath":"spec.replicas"}}}]: Analyses arguments must refer to valid object metadata supported by downwardAPI'),
    ]);
    expect(canary({ steps: [{ analysis: { templates: [{ templateName: 't' }], args: [{ name: 'a', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } }] } }] })).toEqual([]);
  });
});

describe('spec-level rules', () => {
  test('progressDeadlineSeconds must exceed minReadySeconds, also when both are 0', () => {
    expect(canary({}, { progressDeadlineSeconds: 0 })).toEqual([err('spec.progressDeadlineSeconds', 'Invalid value: 0: must be greater than minReadySeconds')]);
    expect(canary({}, { progressDeadlineSeconds: 30, minReadySeconds: 30 })).toEqual([err('spec.progressDeadlineSeconds', 'Invalid value: 30: must be greater than minReadySeconds')]);
  });

  test('negative replicas and revisionHistoryLimit', () => {
    expect(canary({}, { replicas: -1, revisionHistoryLimit: -2 })).toEqual([
      err('spec.replicas', 'Invalid value: -1: must be greater than or equal to 0'),
      err('spec.revisionHistoryLimit', 'Invalid value: -2: must be greater than or equal to 0'),
    ]);
  });

  test('a selector expression with an unknown operator', () => {
    expect(problems(rollout({ canary: {} }, { selector: { matchExpressions: [{ key: 'app', operator: 'Foo' }] } }))).toEqual([
      err('spec.selector.matchExpressions[0].operator', 'Unsupported value: "Foo": supported values: "In", "NotIn", "Exists", "DoesNotExist"'),
      err('spec.selector', 'Invalid value: {"matchExpressions":[{"key":"app","operator":"Foo"}]}: invalid label selector'),
    ]);
  });

  test('blue-green: both services empty are "the same service"; the revision limit bounds scaleDownDelayRevisionLimit', () => {
    expect(problems(rollout({ blueGreen: {} }))).toEqual([err('spec.strategy.activeService', 'Invalid value: "": This rollout uses the same service for the active and preview services, but two different services are required.')]);
    expect(problems(rollout({ blueGreen: { activeService: 'a' } }))).toEqual([]);
    expect(problems(rollout({ blueGreen: { activeService: 'a', previewService: 'p', scaleDownDelayRevisionLimit: 3 } }, { revisionHistoryLimit: 2 }))).toEqual([
      err('spec.strategy.scaleDownDelayRevisionLimit', "Invalid value: 3: This rollout's revision history limit can not be smaller than the rollout's scale down limit"),
    ]);
    expect(problems(rollout({ blueGreen: { activeService: 'a', previewService: 'p', scaleDownDelayRevisionLimit: 2 } }, { revisionHistoryLimit: 2 }))).toEqual([]);
  });

  test('anti-affinity: neither strategy, and a weight out of range', () => {
    expect(canary({ antiAffinity: {} })).toEqual([err('spec.strategy.antiAffinity', 'Invalid value: "antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: false antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: false": AntiAffinity must have exactly one strategy listed')]);
    expect(canary({ antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } } })).toEqual([err('spec.strategy.antiAffinity.weight', 'Invalid value: 0: AntiAffinity must have exactly one strategy listed'.replace('AntiAffinity must have exactly one strategy listed', 'AntiAffinity weight must be between 1-100'))]);
  });

  test('a workloadRef with template annotations (EmptyTemplate looks at labels and annotations only)', () => {
    const r: any = rollout({ canary: {} }, { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } });
    r.spec.template = { metadata: { annotations: { a: 'b' } } };
    delete r.spec.selector;
    expect(problems(r)).toEqual([err('spec.template', 'Internal error: template must be empty for workload reference rollout')]);
    r.spec.template = { spec: { containers: [] } };
    expect(problems(r)).toEqual([]);
  });
});

describe('configuration errors raised before the referenced objects are looked up (rollout/controller.go)', () => {
  test('Ambassador without mappings: "must provide at least one mapping"', () => {
    expect(canary({ stableService: 's', canaryService: 'c', trafficRouting: { ambassador: { mappings: [] } } })).toEqual([
      err('spec.strategy.canary.trafficRouting.ambassador.mappings', 'Invalid value: null: must provide at least one mapping'),
    ]);
  });

  test('App Mesh without a virtual service: "must provide virtual-service"', () => {
    expect(canary({ stableService: 's', canaryService: 'c', trafficRouting: { appMesh: {} } })).toEqual([
      err('spec.strategy.canary.trafficRouting.appmesh.virtualService', 'Invalid value: null: must provide virtual-service'),
    ]);
  });
});

describe('ping-pong with Istio: which Service is stable comes from status.canary.stablePingPong', () => {
  const vs = (first: string, second: string) => ({
    apiVersion: 'networking.istio.io/v1beta1',
    kind: 'VirtualService',
    metadata: { name: 'vs' },
    spec: { http: [{ route: [{ destination: { host: first }, weight: 100 }, { destination: { host: second }, weight: 0 }] }] },
  });
  const pingPong = (status?: string) => {
    const r: any = rollout({ canary: { pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { istio: { virtualService: { name: 'vs' } } }, steps: [{ setWeight: 10 }] } });
    if (status) r.status = { canary: { stablePingPong: status } };
    return r;
  };
  test('both Services in the route: valid whichever is stable', () => {
    expect(problems(pingPong(), vs('ping', 'pong'))).toEqual([]);
    expect(problems(pingPong('ping'), vs('ping', 'pong'))).toEqual([]);
  });
  test('only one of them: the message names the one missing as the controller sees it', () => {
    const onlyPing = { ...vs('ping', 'ping') };
    expect(problems(pingPong(), onlyPing)).toEqual([err('spec.strategy.canary.trafficRouting.istio.virtualService.name', "Invalid value: \"vs\": Istio VirtualService has invalid HTTP routes. Error: Stable Service 'pong' not found in route")]);
    expect(problems(pingPong('ping'), onlyPing)).toEqual([err('spec.strategy.canary.trafficRouting.istio.virtualService.name', "Invalid value: \"vs\": Istio VirtualService has invalid HTTP routes. Error: Canary Service 'pong' not found in route")]);
  });
});

describe('VirtualService routes as the Istio router decodes them (json.Unmarshal into its route structs)', () => {
  const ro = rollout({ canary: { stableService: 's', canaryService: 'c', trafficRouting: { istio: { virtualService: { name: 'vs' } } } } });
  const vs = (http: any) => ({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'vs' }, spec: { http } });
  const unable = err('spec.strategy.canary.trafficRouting.istio.virtualService.name', 'Invalid value: "vs": Unable to get HTTP routes for Istio VirtualService');
  test.each([
    ['a weight that is not an integer', [{ route: [{ destination: { host: 's' }, weight: 50.5 }, { destination: { host: 'c' }, weight: 49.5 }] }], [unable]],
    ['a host that is not a string', [{ route: [{ destination: { host: 5 } }, { destination: { host: 'c' } }] }], [unable]],
    ['a destination port that is not an object', [{ route: [{ destination: { host: 's', port: 80 } }, { destination: { host: 'c' } }] }], [unable]],
    ['a match that is not a list', [{ match: { uri: { prefix: '/' } }, route: [{ destination: { host: 's' } }, { destination: { host: 'c' } }] }], [unable]],
    ['fields the router does not know are ignored', [{ timeout: '5s', retries: { attempts: 3 }, route: [{ destination: { host: 's', port: { number: 80 } }, weight: 100, headers: {} }, { destination: { host: 'c' }, weight: 0 }] }], []],
  ])('%s', (_name, http, expected) => {
    expect(problems(ro, vs(http))).toEqual(expected);
  });
});
