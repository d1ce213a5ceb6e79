import { FieldError } from '../../../src/rollouts/private/go-format';
import { M, MISSING_FIELD, pauseDurationSeconds, validateRollout, validateRolloutStrategy } from '../../../src/rollouts/private/rules/rollout-spec';

// Ported from argoproj/argo-rollouts@v1.9.1 pkg/apis/rollouts/validation/validation_test.go; each test names the
// upstream test (and t.Run case). Upstream calls ValidateRolloutStrategyCanary with an empty path; here every
// case runs through ValidateRollout, so paths carry the real `spec.strategy` prefix.

const base = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'ro' },
  spec: {
    selector: { matchLabels: { key: 'value' } },
    template: { metadata: { labels: { key: 'value' } }, spec: { containers: [{ name: 'image-name', image: 'foo' }] } },
    strategy: { canary: {} } as any,
  },
});
const details = (errs: FieldError[]) => errs.map(e => e.detail);
const strings = (errs: FieldError[]) => errs.map(e => e.toString());

/** The base of TestValidateRolloutStrategyCanary: ALB routing with both services and one empty step. */
const albCanary = (canary: any = {}) => {
  const r = base();
  r.spec.strategy = { canary: { canaryService: 'canary', stableService: 'stable', trafficRouting: { alb: { rootService: 'root-service', servicePort: 80 } }, steps: [{}], ...canary } };
  return r;
};

describe('TestValidateRollout', () => {
  test('missing selector', () => {
    const r: any = base();
    delete r.spec.selector;
    expect(validateRollout(r)[0].detail).toBe(MISSING_FIELD('.spec.selector'));
    expect(validateRollout(r)[0].toString()).toBe("spec.selector: Required value: Rollout has missing field '.spec.selector'");
  });
  test('empty selector', () => {
    const r: any = base();
    r.spec.selector = {};
    expect(validateRollout(r)[0].detail).toBe('empty selector is invalid for deployment');
  });
  test('invalid progressDeadlineSeconds', () => {
    const r: any = base();
    r.spec.minReadySeconds = 601;
    const e = validateRollout(r)[0];
    expect([e.field, e.detail]).toEqual(['spec.progressDeadlineSeconds', 'must be greater than minReadySeconds']);
  });
  test('successful run (blue-green with two services)', () => {
    const r: any = base();
    r.spec.strategy = { blueGreen: { activeService: 'active', previewService: 'preview' } };
    expect(validateRollout(r)).toEqual([]);
  });
  test('privileged container', () => {
    const r: any = base();
    r.spec.template.spec.containers[0].securityContext = { privileged: true };
    expect(validateRollout(r)).toEqual([]);
  });
  test('selector that does not match the template labels (ValidatePodTemplateSpecForReplicaSet)', () => {
    const r: any = base();
    r.spec.template.metadata.labels = { app: 'doesnt-match' };
    expect(strings(validateRollout(r))).toEqual(['spec.template.metadata.labels: Invalid value: {"app":"doesnt-match"}: `selector` does not match template `labels`']);
  });
  test('pod spec values the API server does not support (after defaulting)', () => {
    const r: any = base();
    r.spec.template.spec.containers[0].imagePullPolicy = 'Sometimes';
    r.spec.template.spec.dnsPolicy = 'Cluster';
    expect(strings(validateRollout(r))).toEqual([
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'spec.template.spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"',
    ]);
  });
  test('container names, images, ports and volume mounts', () => {
    const r: any = base();
    r.spec.template.spec.containers = [
      { name: 'Bad_Name', image: '', ports: [{ containerPort: 70000, name: 'http' }, { containerPort: 80, name: 'http' }], volumeMounts: [{ name: 'data', mountPath: '/data' }] },
    ];
    expect(strings(validateRollout(r))).toEqual([
      expect.stringMatching(/^spec\.template\.spec\.containers\[0\]\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/),
      'spec.template.spec.containers[0].image: Required value',
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"',
      'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"',
    ]);
  });
  test('a pod template without containers, or with a bad restart policy', () => {
    const r: any = base();
    r.spec.template.spec = { containers: [], restartPolicy: 'Never' };
    expect(strings(validateRollout(r))).toEqual([
      'spec.template.spec.containers: Required value',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });
});

describe('TestValidateRolloutStrategy', () => {
  test('neither strategy, or both', () => {
    const r: any = base();
    r.spec.strategy = {};
    expect(validateRolloutStrategy(r, 'spec.strategy')[0].toString()).toBe("spec.strategy.strategy: Required value: Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen'");
    r.spec.strategy = { canary: {}, blueGreen: {} };
    expect(validateRolloutStrategy(r, 'spec.strategy')[0].toString()).toBe('spec.strategy.strategy: Invalid value: "blueGreen: true canary: true": Multiple Strategies can not be listed');
  });
});

test('TestValidateRolloutStrategyBlueGreen', () => {
  const r: any = base();
  r.spec.strategy = { blueGreen: { previewService: 'service-name', activeService: 'service-name', scaleDownDelayRevisionLimit: 11, autoPromotionSeconds: 30 } };
  expect(details(validateRollout(r))).toEqual([M.duplicatedBlueGreen, M.scaleDownLimit]);
});

describe('TestValidateRolloutStrategyCanaryMissingServiceNames', () => {
  test.each([
    ['ALB', { alb: { rootService: 'root-service', servicePort: 80 } }],
    ['Istio', { istio: {} }],
    ['SMI', { smi: {} }],
    ['Apisix', { apisix: {} }],
    ['Ambassador', { ambassador: { mappings: [] } }],
    ['Nginx', { nginx: {} }],
    ['AppMesh', { appMesh: {} }],
    ['Traefik', { traefik: { weightedTraefikServiceName: 'x' } }],
    ['Traefik and Istio Subset Routing', { traefik: { weightedTraefikServiceName: 'x' }, istio: { destinationRule: { name: 'destination-rule', canarySubsetName: 'c', stableSubsetName: 's' } } }],
    ['AppMesh and external plugin', { appMesh: {}, plugins: { 'some-plugin': { key: 'value' } } }],
    ['Apisix, Istio Subset Routing and external plugin', { apisix: {}, istio: { destinationRule: { name: 'destination-rule' } }, plugins: { 'some-plugin': { key: 'value' } } }],
  ])('%s', (_name, trafficRouting) => {
    const r = base();
    r.spec.strategy = { canary: { steps: [{ setWeight: 10 }], trafficRouting } };
    expect(validateRollout(r)[0].detail).toBe(M.trafficRouting);
  });
});

describe('TestValidateRolloutStrategyCanary', () => {
  const withWeight = (c: any = {}) => albCanary({ steps: [{ setWeight: 10 }], ...c });
  test('valid rollout', () => expect(validateRollout(withWeight())).toEqual([]));
  test('valid plugin missing canary and stable service', () => {
    expect(validateRollout(withWeight({ canaryService: '', stableService: '', trafficRouting: { plugins: { 'some-plugin': { key: 'value' } } } }))).toEqual([]);
  });
  test('valid Istio missing canary and stable service', () => {
    expect(validateRollout(withWeight({ canaryService: '', stableService: '', trafficRouting: { istio: { destinationRule: { name: 'destination-rule' } } } }))).toEqual([]);
  });
  test('valid Istio with ping pong', () => {
    expect(validateRollout(withWeight({ canaryService: '', stableService: '', pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { istio: { destinationRule: { name: 'destination-rule' } } } }))).toEqual([]);
  });
  test('valid PingPong missing canary and stable service', () => {
    expect(validateRollout(withWeight({ canaryService: '', stableService: '', pingPong: { pingService: 'ping', pongService: 'pong' } }))).toEqual([]);
  });
  test('valid two plugins missing canary and stable service', () => {
    expect(validateRollout(withWeight({
      canaryService: '',
      stableService: '',
      pingPong: { pingService: 'ping', pongService: 'pong' },
      trafficRouting: { alb: { rootService: 'root-service', servicePort: 80 }, istio: { destinationRule: { name: 'destination-rule' } } },
    }))).toEqual([]);
  });
  test('invalid two plugins missing canary and stable service', () => {
    const errs = validateRollout(withWeight({ canaryService: '', stableService: '', trafficRouting: { istio: {}, plugins: { 'some-plugin': { key: 'value' } } } }));
    expect(errs[0].detail).toBe(M.trafficRouting);
  });
  test('duplicate services', () => {
    expect(validateRollout(withWeight({ canaryService: 'stable' }))[0].toString()).toBe(`spec.strategy.stableService: Invalid value: "stable": ${M.duplicatedCanary}`);
  });
  test('duplicate ping pong services', () => {
    expect(validateRollout(withWeight({ pingPong: { pingService: 'ping', pongService: 'ping' } }))[0].detail).toBe(M.duplicatedPingPong);
  });
  test('ping services using only / pong service using only', () => {
    expect(validateRollout(withWeight({ pingPong: { pingService: 'ping', pongService: '' } }))[0].detail).toBe(M.pingPongProvided);
    expect(validateRollout(withWeight({ pingPong: { pingService: '', pongService: 'pong' } }))[0].detail).toBe(M.pingPongProvided);
  });
  test('missed ALB root service for the ping-pong feature', () => {
    const errs = validateRollout(withWeight({ pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { alb: { rootService: '', servicePort: 80 } } }));
    expect(errs[0].toString()).toBe(`spec.strategy.trafficRouting.alb.rootService: Invalid value: "": ${M.albRootService}`);
  });
  test('ping-pong feature without the ALB traffic routing', () => {
    const errs = validateRollout(withWeight({ pingPong: { pingService: 'ping', pongService: 'pong' }, trafficRouting: { nginx: { stableIngress: 'stable-ingress' } } }));
    expect(errs[0].toString()).toBe(`spec.strategy.trafficRouting.alb: Invalid value: null: ${M.pingPongRouter}`);
  });
  test('invalid traffic routing', () => {
    expect(validateRollout(withWeight({ canaryService: '' }))[0].toString()).toBe(`spec.strategy.canaryService: Invalid value: "": ${M.trafficRouting}`);
  });
  test('invalid setCanaryScale without trafficRouting', () => {
    const r = albCanary({ trafficRouting: undefined, steps: [{ setCanaryScale: {} }] });
    expect(validateRollout(r)[0].toString()).toBe(`spec.strategy.trafficRouting: Required value: ${M.setCanaryScale}`);
  });
  test('invalid canary step', () => {
    expect(validateRollout(albCanary())[0].toString()).toBe(`spec.strategy.steps[0]: Invalid value: "step.Experiment: true step.Pause: true step.SetWeight: true step.Analysis: true step.SetCanaryScale: true step.SetHeaderRoute: true step.SetMirrorRoute: true step.Plugin: true": ${M.step}`);
  });
  test('invalid set weight value', () => {
    expect(validateRollout(albCanary({ steps: [{ setWeight: 101 }] }))[0].toString()).toBe('spec.strategy.steps[0].setWeight: Invalid value: 101: SetWeight needs to be between 0 and 100');
  });
  test.each([
    [{ alb: { rootService: 'root-service', servicePort: 80 }, maxTrafficWeight: 1 }, [M.maxWeight]],
    [{ nginx: { stableIngress: 'stable-ingress' }, maxTrafficWeight: 1 }, []],
    [{ plugins: { anyplugin: { key: 'value' } }, maxTrafficWeight: 1 }, []],
  ])('only nginx/plugins support max weight value %#', (trafficRouting, expected) => {
    expect(details(validateRollout(albCanary({ steps: [{ setWeight: 1 }], trafficRouting })))).toEqual(expected);
  });
  test('a weight above maxTrafficWeight', () => {
    const r = albCanary({ steps: [{ setWeight: 30 }], trafficRouting: { nginx: { stableIngress: 'in' }, maxTrafficWeight: 20 } });
    expect(details(validateRollout(r))).toEqual(['SetWeight needs to be between 0 and 20']);
  });
  test('invalid duration set in paused step', () => {
    expect(validateRollout(albCanary({ steps: [{ pause: { duration: -1 } }] }))[0].toString()).toBe(`spec.strategy.steps[0].pause.duration: Invalid value: -1: ${M.duration}`);
  });
  test('invalid metadata references in analysis step', () => {
    const args = [{ name: "metadata.labels['app']", valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }, { name: 'value-key', value: 'hardcoded-value' }];
    const errs = validateRollout(albCanary({ steps: [{ analysis: { templates: [], args } }] }));
    expect(errs[0].toString()).toBe(`spec.strategy.steps[0].analyses: Invalid value: [{"name":"metadata.labels['app']","valueFrom":{"fieldRef":{"fieldPath":"metadata.label['app']"}}},{"name":"value-key","value":"hardcoded-value"}]: ${M.analysisArgs}`);
  });
  test('invalid metadata references in experiment step', () => {
    const args = [{ name: 'x', valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }];
    const errs = validateRollout(albCanary({ steps: [{ experiment: { templates: [], analyses: [{ name: 'a', templateName: 't', args }] } }] }));
    expect(errs[0].detail).toBe(M.analysisArgs);
  });
  test('valid metadata references: labels, annotations (subscripted), name, namespace, uid', () => {
    for (const fieldPath of ["metadata.labels['app']", "metadata.annotations['a.b/c']", 'metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels']) {
      expect(validateRollout(albCanary({ steps: [{ analysis: { templates: [], args: [{ name: 'x', valueFrom: { fieldRef: { fieldPath } } }] } }] }))).toEqual([]);
    }
  });
});

test('TestValidateRolloutStrategyAntiAffinity', () => {
  const r = albCanary({ steps: [{ setWeight: 1 }], antiAffinity: {} });
  expect(validateRollout(r)[0].toString()).toBe(`spec.strategy.antiAffinity: Invalid value: "antiAffinity.PreferredDuringSchedulingIgnoredDuringExecution: false antiAffinity.RequiredDuringSchedulingIgnoredDuringExecution: false": ${M.antiAffinityStrategy}`);
  const r2 = albCanary({ steps: [{ setWeight: 1 }], antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 101 } } });
  expect(validateRollout(r2)[0].toString()).toBe(`spec.strategy.antiAffinity.weight: Invalid value: 101: ${M.antiAffinityWeight}`);
});

describe('TestValidateRolloutStrategyCanarySetHeaderRoute (and Plugins, Istio, ALB)', () => {
  const headerStep = (match: any[], name?: string) => [{ setHeaderRoute: { ...(name ? { name } : {}), match } }];
  const chrome = [{ headerName: 'agent', headerValue: { exact: 'chrome' } }];
  test('using SetHeaderRoute step without the traffic routing', () => {
    const r = albCanary({ trafficRouting: undefined, steps: headerStep(chrome) });
    expect(validateRollout(r)[0].toString()).toBe(`spec.strategy.steps[0].setHeaderRoute: Invalid value: {"match":[{"headerName":"agent","headerValue":{"exact":"chrome"}}]}: ${M.setHeaderRoute}`);
  });
  test('using SetHeaderRoute step with plugins', () => {
    const r = albCanary({ steps: headerStep(chrome, 'test'), trafficRouting: { managedRoutes: [{ name: 'test' }], plugins: { anyplugin: { key: 'value' } } } });
    expect(validateRollout(r)).toEqual([]);
  });
  const istio = { istio: { virtualService: { name: 'virtual-service' } } };
  test('Istio: multiple values / missed values / route missing from managedRoutes', () => {
    const multi = albCanary({ trafficRouting: istio, steps: headerStep([{ headerName: 'agent', headerValue: { exact: 'chrome', regex: 'chrome(.*)' } }]) });
    expect(validateRollout(multi)[0].toString()).toBe(`spec.strategy.steps[0].setHeaderRoute.match[0]: Invalid value: {"exact":"chrome","regex":"chrome(.*)"}: ${M.stringMatchMultiple}`);
    const missed = albCanary({ trafficRouting: istio, steps: headerStep([{ headerName: 'agent' }]) });
    expect(validateRollout(missed)[0].toString()).toBe(`spec.strategy.steps[0].setHeaderRoute.match[0]: Invalid value: null: ${M.stringMatchMissed}`);
    const notManaged = albCanary({ trafficRouting: { ...istio, managedRoutes: [{ name: 'not-in-steps' }] }, steps: headerStep([{ headerName: 'agent', headerValue: { exact: 'exact' } }]) });
    expect(validateRollout(notManaged)[0].toString()).toBe(`spec.strategy.steps[0].setHeaderRoute: Invalid value: "": ${M.managedRoutes}`);
  });
  test('ALB: multiple values, missed values, prefix are not supported (exact only)', () => {
    const alb = { alb: { rootService: 'action_name', servicePort: 80 } };
    expect(validateRollout(albCanary({ trafficRouting: alb, steps: headerStep([{ headerName: 'agent', headerValue: { exact: 'chrome', regex: 'chrome(.*)' } }]) }))[0].detail).toBe(M.headerRouteAlb);
    expect(validateRollout(albCanary({ trafficRouting: alb, steps: headerStep([{ headerName: 'agent' }]) }))[0].detail).toBe(M.stringMatchMissed);
    expect(validateRollout(albCanary({ trafficRouting: alb, steps: headerStep([{ headerName: 'agent', headerValue: { prefix: 'chrome' } }]) }))[0].detail).toBe(M.headerRouteAlb);
  });
});

describe('TestValidateRolloutStrategyCanarySetMirrorRouteIstio', () => {
  const istio = { istio: { virtualService: { name: 'virtual-service' } } };
  const mirror = (match: any, managedRoutes?: any[], trafficRouting: any = istio) =>
    albCanary({ trafficRouting: trafficRouting && { ...trafficRouting, ...(managedRoutes ? { managedRoutes } : {}) }, steps: [{ setMirrorRoute: { name: 'test-mirror-1', ...(match ? { match } : {}) } }] });
  test('using SetMirrorRoute step without the traffic routing', () => {
    expect(validateRollout(mirror(undefined, undefined, null))[0].toString()).toBe(`spec.strategy.steps[0].setMirrorRoute: Invalid value: {"name":"test-mirror-1"}: ${M.setMirrorRoute}`);
  });
  test('using SetMirrorRoute step with multiple values (a bad method is checked twice, as upstream)', () => {
    const errs = validateRollout(mirror([{ method: { exact: 'test', prefix: 'test' } }], [{ name: 'test-mirror-1' }]));
    expect(details(errs)).toEqual([M.stringMatchMultiple, M.stringMatchMultiple]);
  });
  test('using SetMirrorRoute step with missed match and no kind', () => {
    expect(validateRollout(mirror([{ method: {} }], [{ name: 'test-mirror-1' }]))[0].detail).toBe(M.stringMatchMissed);
  });
  test('using SetMirrorRoute step without managedRoutes not defined', () => {
    expect(validateRollout(mirror([{ method: { exact: 'exact' } }]))[0].toString()).toBe("spec.strategy.trafficRouting.managedRoutes: Required value: Rollout has missing field 'spec.strategy.canary.trafficRouting.managedRoutes'");
  });
  test('using SetMirrorRoute step without managedRoutes defined but missing route', () => {
    expect(validateRollout(mirror([{ method: { exact: 'GET' }, path: { prefix: '/' } }], [{ name: 'not-in-steps' }]))[0].detail).toBe(M.managedRoutes);
  });
  test('using SetMirrorRoute step with managedRoutes defined', () => {
    expect(validateRollout(mirror([{ method: { exact: 'GET' }, path: { prefix: '/' } }], [{ name: 'test-mirror-1' }]))).toEqual([]);
  });
});

test.each([
  [0, 0], ['0', 0], ['0%', 0], [0, '0'], [0, '0%'], ['0', '0'], ['0%', '0%'],
])('TestInvalidMaxSurgeMaxUnavailable (maxSurge %p, maxUnavailable %p)', (maxSurge, maxUnavailable) => {
  const errs = validateRollout(albCanary({ steps: [{ setWeight: 1 }], maxSurge, maxUnavailable }));
  expect(errs.map(e => e.toString())).toEqual([`spec.strategy.maxSurge: Invalid value: ${JSON.stringify(maxSurge)}: ${M.maxSurgeMaxUnavailable}`]);
});

test('TestHasMultipleStepsType', () => {
  expect(validateRollout(albCanary({ steps: [{ setWeight: 1 }] }))).toEqual([]);
  expect(strings(validateRollout(albCanary({ steps: [{ setWeight: 1, pause: { duration: 1 } }] })))).toEqual([
    `spec.strategy.steps[0]: Invalid value: "step.Experiment: false step.Pause: true step.SetWeight: true step.Analysis: false": ${M.step}`,
  ]);
});

describe('TestCanaryScaleDownDelaySeconds / TestCanaryDynamicStableScale', () => {
  const canary = (c: any) => {
    const r = base();
    r.spec.strategy = { canary: { stableService: 'stable', canaryService: 'canary', ...c } };
    return r;
  };
  test('scaleDownDelaySeconds with basic canary', () => {
    expect(strings(validateRollout(canary({ scaleDownDelaySeconds: 60 })))).toEqual([`spec.strategy.scaleDownDelaySeconds: Invalid value: 60: ${M.scaleDownDelay}`]);
  });
  test('scaleDownDelaySeconds with traffic weight canary', () => {
    expect(validateRollout(canary({ scaleDownDelaySeconds: 60, trafficRouting: { smi: {} } }))).toEqual([]);
  });
  test('dynamicStableScale with basic canary', () => {
    expect(strings(validateRollout(canary({ dynamicStableScale: true })))).toEqual([`spec.strategy.dynamicStableScale: Invalid value: true: ${M.dynamicStableScale}`]);
  });
  test('dynamicStableScale with scaleDownDelaySeconds', () => {
    expect(strings(validateRollout(canary({ dynamicStableScale: true, scaleDownDelaySeconds: 60, trafficRouting: { smi: {} } })))).toEqual([`spec.strategy.dynamicStableScale: Invalid value: true: ${M.dynamicWithDelay}`]);
  });
});

describe('TestWorkloadRefWithTemplate', () => {
  const ref = () => {
    const r: any = base();
    r.spec.workloadRef = { name: 'my-deployment', kind: 'Deployment', apiVersion: 'apps/v1' };
    r.spec.strategy = { canary: { stableService: 'stable', canaryService: 'canary' } };
    r.spec.template = { metadata: { labels: { key: 'value' } } };
    return r;
  };
  test('workload reference with template', () => {
    expect(strings(validateRollout(ref()))).toEqual(['spec.template: Internal error: template must be empty for workload reference rollout']);
  });
  test('valid workload reference with selector, and without', () => {
    const r = ref();
    delete r.spec.template;
    expect(validateRollout(r)).toEqual([]);
    delete r.spec.selector;
    expect(validateRollout(r)).toEqual([]);
  });
});

describe('TestCanaryExperimentStepWithWeight', () => {
  const exp = (trafficRouting?: any) => {
    const r = base();
    r.spec.strategy = { canary: { canaryService: 'canary', stableService: 'stable', steps: [{ experiment: { templates: [{ name: 'template', specRef: 'canary', weight: 20 }] } }], ...(trafficRouting ? { trafficRouting } : {}) } };
    return details(validateRollout(r));
  };
  test.each([
    ['invalid - no TrafficRouting set', undefined, [M.experimentWeightWithoutRouting]],
    ['invalid - empty TrafficRouting', {}, [M.experimentWeightRouter]],
    ['unsupported - Nginx TrafficRouting', { nginx: { stableIngress: 'nginx-ingress' } }, [M.experimentWeightRouter]],
    ['unsupported - Ambassador TrafficRouting', { ambassador: { mappings: ['stable-mapping'] } }, [M.experimentWeightRouter]],
    ['Istio TrafficRouting', { istio: { virtualService: { name: 'virtualSvc' } } }, []],
    ['success - SMI TrafficRouting', { smi: {} }, []],
    ['success - ALB TrafficRouting', { alb: { servicePort: 80 } }, []],
    ['unsupported - AppMesh TrafficRouting', { appMesh: {} }, [M.experimentWeightRouter]],
    ['success - Plugins', { plugins: { 'any/plugin': {} } }, []],
  ])('%s', (_name, trafficRouting, expected) => {
    expect(exp(trafficRouting)).toEqual(expected);
  });
});

describe('RolloutPause.DurationSeconds (types.go)', () => {
  test.each([
    [{}, 0], [{ duration: 10 }, 10], [{ duration: '10' }, 10], [{ duration: '10s' }, 10], [{ duration: '1h' }, 3600],
    [{ duration: '1.5m' }, 90], [{ duration: '10x' }, -1], [{ duration: '' }, -1], [{ duration: '-5s' }, -5],
    [{ duration: '99999999999' }, -1], [{ duration: '1000000h' }, -2147483648],
  ])('%p → %p', (pause, seconds) => {
    expect(pauseDurationSeconds(pause)).toBe(seconds);
  });
});
