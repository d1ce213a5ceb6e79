import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AnalysisArgument, AnalysisRunArgument, AnalysisTemplate, AntiAffinity, AutoPromotion, CanaryScale, CanaryStep, ClusterAnalysisTemplate,
  ExperimentSpecRef, IstioTrafficRouting, MetricCondition, MetricProvider, NginxTrafficRouting, PodTemplateHash, Rollout, RolloutStrategy,
  RolloutWorkloadRef, StringMatch, WorkloadScaleDown,
} from '../../src';
import { SchemaValidator } from '../../src/gitops/schema-validator';
import { lintObjects } from '../../src/rollouts/private/rules/lint';

// The Rollout construct against the documented YAML of Argo Rollouts v1.9.1 (docs/features/…; sections cited per
// test). Every test also checks that what is emitted validates strictly against the pinned schemas and passes the
// controller's rules (the same rules as `cdk8s-fleet lint`).

const containers = [{ name: 'rollouts-demo', image: 'argoproj/rollouts-demo:blue', portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(5) } } }];

function render(build: (chart: Chart) => void, namespace = 'demo'): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'test', { namespace });
  build(chart);
  const objects = Testing.synth(chart);
  const problems: string[] = [];
  for (const o of objects) for (const e of SchemaValidator.get().validate(o) ?? [`no schema for ${o.apiVersion}/${o.kind}`]) problems.push(`${o.kind}/${o.metadata.name}: ${e}`);
  problems.push(...lintObjects(objects.map(object => ({ object, source: 'test' }))).problems.map(p => `${p.subject}: ${p.message}`));
  expect(problems).toEqual([]);
  return objects;
}
const find = (objects: any[], kind: string, name?: string) => objects.find(o => o.kind === kind && (name === undefined || o.metadata.name === name));
const strategyOf = (objects: any[]) => find(objects, 'Rollout').spec.strategy;

describe('Rollout: canary (docs/features/canary/index.md)', () => {
  test('§Example: steps setWeight 20, pause indefinitely, setWeight 40, pause 10s', () => {
    // GIVEN the documented steps WHEN rendered THEN they are written as documented, durations with units
    const objects = render(chart => new Rollout(chart, 'example-rollout', {
      metadata: { name: 'example-rollout' },
      replicas: 10,
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        steps: [CanaryStep.weight(10), CanaryStep.pauseUntilPromoted(), CanaryStep.weight(20), CanaryStep.pause(Duration.seconds(10)),
          CanaryStep.weight(40), CanaryStep.pause(Duration.hours(1))],
      }),
    }));
    const rollout = find(objects, 'Rollout');
    expect(rollout.spec.replicas).toBe(10);
    expect(rollout.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'example-rollout' } });
    expect(rollout.spec.strategy).toEqual({
      canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 20 }, { pause: { duration: '10s' } }, { setWeight: 40 }, { pause: { duration: '1h' } }] },
    });
    // Without traffic routing the Rollout references no Service; one Service exposes its pods.
    expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['example-rollout']);
  });

  test('§Other Configurable Features: maxSurge, maxUnavailable, antiAffinity (anti-affinity.md), ephemeral metadata (ephemeral-metadata.md)', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'r' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        maxSurge: kplus.PercentOrAbsolute.percent(20),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(1),
        antiAffinity: AntiAffinity.preferred(1),
        canaryMetadata: { labels: { role: 'canary' } },
        stableMetadata: { labels: { role: 'stable' } },
        steps: [CanaryStep.weight(50)],
      }),
    }));
    expect(strategyOf(objects).canary).toMatchObject({
      maxSurge: '20%',
      maxUnavailable: 1,
      antiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: { weight: 1 } },
      canaryMetadata: { labels: { role: 'canary' } },
      stableMetadata: { labels: { role: 'stable' } },
    });
    expect(AntiAffinity.required()).toBeDefined();
    expect(() => AntiAffinity.preferred(101)).toThrow('AntiAffinity weight must be between 1-100');
  });

  test('§Dynamic Canary Scale and §Dynamic Stable Scale (with traffic routing): setCanaryScale comes from the router', () => {
    const nginx = NginxTrafficRouting.of({ ingress: { host: 'demo.example.com' } });
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'r' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        trafficRouting: nginx,
        dynamicStableScale: true,
        abortScaleDownDelay: Duration.seconds(30),
        steps: [
          nginx.canaryScale(CanaryScale.replicas(3)), nginx.canaryScale(CanaryScale.weight(25)), CanaryStep.weight(90),
          nginx.canaryScale(CanaryScale.matchTrafficWeight()),
        ],
      }),
    }));
    expect(strategyOf(objects).canary.steps).toEqual([
      { setCanaryScale: { replicas: 3 } }, { setCanaryScale: { weight: 25 } }, { setWeight: 90 }, { setCanaryScale: { matchTrafficWeight: true } },
    ]);
    expect(strategyOf(objects).canary).toMatchObject({ dynamicStableScale: true, abortScaleDownDelaySeconds: 30 });
  });

  test('what the controller rejects cannot be built (validation.go messages)', () => {
    const nginx = NginxTrafficRouting.of({ ingress: { host: 'h' } });
    const istio = IstioTrafficRouting.of({ virtualService: { hosts: ['h'] } });
    expect(() => CanaryStep.weight(101)).toThrow("CanaryStep.weight 'percent' (101) must be an integer between 0 and 100");
    expect(() => CanaryStep.pause(Duration.millis(1500))).toThrow('must be a whole, non-negative number of seconds');
    expect(() => RolloutStrategy.canary({ steps: [nginx.canaryScale(CanaryScale.replicas(1))] })).toThrow(/belongs to a nginx traffic router, and this canary has no 'trafficRouting'/);
    expect(() => RolloutStrategy.canary({ trafficRouting: nginx, steps: [istio.headerRoute('h', [{ headerName: 'x', value: StringMatch.exact('1') }])] })).toThrow(/belongs to another traffic router/);
    expect(() => RolloutStrategy.canary({ scaleDownDelay: Duration.seconds(30) })).toThrow('Canary scaleDownDelaySeconds can only be used with traffic routing');
    expect(() => RolloutStrategy.canary({ dynamicStableScale: true })).toThrow('Canary dynamicStableScale can only be used with traffic routing');
    expect(() => RolloutStrategy.canary({ trafficRouting: nginx, dynamicStableScale: true, scaleDownDelay: Duration.seconds(1) })).toThrow('Canary dynamicStableScale cannot be used with scaleDownDelaySeconds');
    expect(() => RolloutStrategy.canary({ maxSurge: kplus.PercentOrAbsolute.percent(0), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) })).toThrow('MaxSurge and MaxUnavailable both can not be zero');
    const capped = NginxTrafficRouting.of({ ingress: { host: 'h' }, maxTrafficWeight: 10 });
    expect(() => RolloutStrategy.canary({ trafficRouting: capped, steps: [CanaryStep.weight(20)] })).toThrow('SetWeight needs to be between 0 and 10');
  });

  test('prop errors name the construct path, the prop and the value', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    expect(() => new Rollout(chart, 'bad', {
      podTemplate: { containers },
      strategy: RolloutStrategy.canary(),
      progressDeadline: Duration.seconds(10),
      minReady: Duration.seconds(30),
    })).toThrow("[c/bad] 'progressDeadline' (10 s) must be greater than 'minReady' (30 s)");
  });
});

describe('Rollout: traffic routing', () => {
  test('nginx (traffic-management/nginx.md): stable and canary Services, the stable Ingress routing to the stable Service', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'rollouts-demo' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        trafficRouting: NginxTrafficRouting.of({
          ingress: { host: 'rollouts-demo.local', tlsSecretName: 'demo-tls' },
          annotationPrefix: 'custom.nginx.ingress.kubernetes.io',
          additionalIngressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'iwantsit' },
          canaryIngressAnnotations: { 'my-custom-annotation.mygroup.com/key': 'value' },
        }),
        steps: [CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(1))],
      }),
    }));
    expect(strategyOf(objects).canary).toMatchObject({
      canaryService: 'rollouts-demo-canary',
      stableService: 'rollouts-demo',
      trafficRouting: {
        nginx: {
          stableIngress: 'rollouts-demo',
          annotationPrefix: 'custom.nginx.ingress.kubernetes.io',
          additionalIngressAnnotations: { 'canary-by-header': 'X-Canary', 'canary-by-header-value': 'iwantsit' },
          canaryIngressAnnotations: { 'my-custom-annotation.mygroup.com/key': 'value' },
        },
      },
    });
    expect(find(objects, 'Ingress').spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['rollouts-demo.local'], secretName: 'demo-tls' }],
      rules: [{ host: 'rollouts-demo.local', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'rollouts-demo', port: { number: 8080 } } } }] } }],
    });
    for (const name of ['rollouts-demo', 'rollouts-demo-canary']) expect(find(objects, 'Service', name).spec.selector).toEqual({ 'app.kubernetes.io/name': 'rollouts-demo' });
  });

  test('nginx with existing stable Ingresses; maxTrafficWeight', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'r' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({ trafficRouting: NginxTrafficRouting.of({ stableIngresses: ['a', 'b'], maxTrafficWeight: 1000 }), steps: [CanaryStep.weight(100)] }),
    }));
    expect(strategyOf(objects).canary.trafficRouting).toEqual({ nginx: { stableIngresses: ['a', 'b'] }, maxTrafficWeight: 1000 });
    expect(() => NginxTrafficRouting.of({})).toThrow("give 'ingress' (to create the stable Ingress) or 'stableIngresses', exactly one");
  });

  test('Istio host-level splitting (istio.md §Host-level Traffic Splitting)', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'rollout-example' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        trafficRouting: IstioTrafficRouting.of({ virtualService: { name: 'rollout-vsvc', hosts: ['istio-rollout.dev.argoproj.io'], gateways: ['istio-rollout-gateway'] } }),
        steps: [CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(10))],
      }),
    }));
    expect(strategyOf(objects).canary).toEqual({
      canaryService: 'rollout-example-canary',
      stableService: 'rollout-example',
      trafficRouting: { istio: { virtualService: { name: 'rollout-vsvc', routes: ['primary'] } } },
      steps: [{ setWeight: 5 }, { pause: { duration: '10m' } }],
    });
    expect(find(objects, 'VirtualService').spec).toEqual({
      gateways: ['istio-rollout-gateway'],
      hosts: ['istio-rollout.dev.argoproj.io'],
      http: [{
        name: 'primary',
        route: [
          { destination: { host: 'rollout-example', port: { number: 8080 } }, weight: 100 },
          { destination: { host: 'rollout-example-canary', port: { number: 8080 } }, weight: 0 },
        ],
      }],
    });
  });

  test('Istio subset-level splitting (istio.md §Subset-level Traffic Splitting): one Service, a DestinationRule with both subsets', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'rollout-example' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        trafficRouting: IstioTrafficRouting.of({ virtualService: { name: 'rollout-vsvc', hosts: ['istio-rollout.dev.argoproj.io'] }, destinationRule: { name: 'rollout-destrule' } }),
        steps: [CanaryStep.weight(5)],
      }),
    }));
    expect(strategyOf(objects).canary.trafficRouting.istio).toEqual({
      virtualService: { name: 'rollout-vsvc', routes: ['primary'] },
      destinationRule: { name: 'rollout-destrule', canarySubsetName: 'canary', stableSubsetName: 'stable' },
    });
    expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['rollout-example']);
    expect(find(objects, 'DestinationRule').spec).toEqual({
      host: 'rollout-example',
      subsets: [{ name: 'canary', labels: { 'app.kubernetes.io/name': 'rollout-example' } }, { name: 'stable', labels: { 'app.kubernetes.io/name': 'rollout-example' } }],
    });
    expect(find(objects, 'VirtualService').spec.http[0].route.map((r: any) => r.destination.subset)).toEqual(['stable', 'canary']);
  });

  test('header and mirror routes (traffic-management/index.md §Header Values, §Traffic Mirroring): managedRoutes by construction', () => {
    let istio!: IstioTrafficRouting;
    const objects = render(chart => {
      istio = IstioTrafficRouting.of({ virtualServices: [{ name: 'rollouts-demo-vsvc' }] });
      new Rollout(chart, 'r', {
        metadata: { name: 'r' },
        podTemplate: { containers },
        strategy: RolloutStrategy.canary({
          trafficRouting: istio,
          steps: [
            CanaryStep.weight(20),
            istio.headerRoute('set-header-1', [
              { headerName: 'Custom-Header1', value: StringMatch.exact('Mozilla') },
              { headerName: 'Custom-Header2', value: StringMatch.prefix('Mozilla') },
              { headerName: 'Custom-Header3', value: StringMatch.regex('Mozilla(.*)') },
            ]),
            CanaryStep.pauseUntilPromoted(),
            istio.removeHeaderRoute('set-header-1'),
            istio.canaryScale(CanaryScale.weight(25)),
            istio.mirrorRoute({ name: 'mirror-route', percentage: 35, match: [{ method: StringMatch.exact('GET'), path: StringMatch.prefix('/') }] }),
            CanaryStep.pause(Duration.minutes(10)),
            istio.removeMirrorRoute('mirror-route'),
          ],
        }),
      });
    });
    const canary = strategyOf(objects).canary;
    expect(canary.trafficRouting.managedRoutes).toEqual([{ name: 'set-header-1' }, { name: 'mirror-route' }]);
    expect(canary.steps[1]).toEqual({
      setHeaderRoute: {
        name: 'set-header-1',
        match: [
          { headerName: 'Custom-Header1', headerValue: { exact: 'Mozilla' } },
          { headerName: 'Custom-Header2', headerValue: { prefix: 'Mozilla' } },
          { headerName: 'Custom-Header3', headerValue: { regex: 'Mozilla(.*)' } },
        ],
      },
    });
    expect(canary.steps[3]).toEqual({ setHeaderRoute: { name: 'set-header-1' } });
    expect(canary.steps[5]).toEqual({ setMirrorRoute: { name: 'mirror-route', percentage: 35, match: [{ method: { exact: 'GET' }, path: { prefix: '/' } }] } });
    expect(canary.steps[7]).toEqual({ setMirrorRoute: { name: 'mirror-route' } });
    // nginx routing has no header or mirror steps at all:
    expect((NginxTrafficRouting.of({ ingress: { host: 'h' } }) as any).mirrorRoute).toBeUndefined();
  });

  /** A Rollout through Istio whose one step is `istio.experiment(options, weights)`. */
  const weightedExperiment = (istio: IstioTrafficRouting, options: Parameters<IstioTrafficRouting['experiment']>[0], weights: Record<string, number>) =>
    render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'guestbook' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({ trafficRouting: istio, steps: [istio.experiment(options, weights)] }),
    }));

  test('weighted experiment step (experiment.md §Weighted Experiment Step with Traffic Routing): only through Istio', () => {
    const istio = IstioTrafficRouting.of({ virtualService: { hosts: ['h'] } });
    const objects = weightedExperiment(istio, {
      duration: Duration.hours(1),
      templates: [{ name: 'experiment-baseline', specRef: ExperimentSpecRef.STABLE }, { name: 'experiment-canary', specRef: ExperimentSpecRef.CANARY }],
    }, { 'experiment-baseline': 5, 'experiment-canary': 5 });
    expect(strategyOf(objects).canary.steps).toEqual([{
      experiment: {
        duration: '1h',
        templates: [{ name: 'experiment-baseline', specRef: 'stable', weight: 5 }, { name: 'experiment-canary', specRef: 'canary', weight: 5 }],
      },
    }]);
    expect(() => istio.experiment({ templates: [{ name: 'a', specRef: ExperimentSpecRef.CANARY }] }, { b: 5 })).toThrow("weight for 'b', which is not a template of the experiment");
  });

  test('an experiment template named like an Object.prototype member gets no weight it was not given', () => {
    // GIVEN a weighted experiment whose template `constructor` has no weight
    const istio = IstioTrafficRouting.of({ virtualService: { hosts: ['h'] } });
    // WHEN it is rendered
    const objects = weightedExperiment(istio, {
      templates: [{ name: 'constructor', specRef: ExperimentSpecRef.STABLE }, { name: 'canary', specRef: ExperimentSpecRef.CANARY }],
    }, { canary: 5 });
    // THEN only the template with a weight has one (not Object.prototype.constructor)
    expect(strategyOf(objects).canary.steps[0].experiment.templates).toEqual([{ name: 'constructor', specRef: 'stable' }, { name: 'canary', specRef: 'canary', weight: 5 }]);
  });
});

describe('Rollout: analysis (docs/features/analysis.md)', () => {
  const successRate = AnalysisTemplate.successRate({ prometheusAddress: 'http://prometheus.example.com:9090' });

  test('§Background Analysis and §Inline Analysis: templates and args; the template is written next to the Rollout', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'guestbook' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        analysis: { templates: [successRate], args: [AnalysisRunArgument.value('service-name', 'guestbook-svc.default.svc.cluster.local')], startingStep: 2 },
        steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(5)), CanaryStep.weight(40),
          CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.value('service-name', 'guestbook-svc.default.svc.cluster.local')] })],
      }),
    }));
    const canary = strategyOf(objects).canary;
    expect(canary.analysis).toEqual({ templates: [{ templateName: 'success-rate' }], startingStep: 2, args: [{ name: 'service-name', value: 'guestbook-svc.default.svc.cluster.local' }] });
    expect(canary.steps[3]).toEqual({ analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'guestbook-svc.default.svc.cluster.local' }] } });
    expect(objects.filter(o => o.kind === 'AnalysisTemplate').map(o => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['demo/success-rate']);
  });

  test('§ClusterAnalysisTemplates, §Analysis with Multiple Templates, §Dry-Run, §Measurements Retention, run metadata, valueFrom args', () => {
    const errorRate = ClusterAnalysisTemplate.of({
      templateName: 'error-rate',
      args: [AnalysisArgument.required('service-name'), AnalysisArgument.fromField('ns', 'metadata.namespace')],
      metrics: [{ name: 'error-rate', interval: Duration.minutes(1), count: 3, condition: MetricCondition.atMost(0.01), provider: MetricProvider.prometheus({ query: 'x{service="{{args.service-name}}"}' }) }],
    });
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'r' },
      podTemplate: { containers },
      strategy: RolloutStrategy.canary({
        steps: [CanaryStep.analysis({
          templates: [successRate, errorRate],
          args: [AnalysisRunArgument.fieldRef('service-name', 'metadata.name'), AnalysisRunArgument.podTemplateHash('hash', PodTemplateHash.LATEST)].slice(0, 1),
          dryRunMetrics: ['error-rate'],
          measurementRetention: [{ metricName: 'success-rate', limit: 20 }],
          analysisRunMetadata: { labels: { team: 'web' } },
        })],
      }),
    }));
    expect(strategyOf(objects).canary.steps[0].analysis).toEqual({
      templates: [{ templateName: 'success-rate' }, { templateName: 'error-rate', clusterScope: true }],
      args: [{ name: 'service-name', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
      dryRun: [{ metricName: '^error-rate$' }],
      measurementRetention: [{ metricName: '^success-rate$', limit: 20 }],
      analysisRunMetadata: { labels: { team: 'web' } },
    });
    const cluster = find(objects, 'ClusterAnalysisTemplate');
    expect(cluster.metadata.namespace).toBeUndefined();
    expect(cluster.spec.args).toEqual([{ name: 'service-name' }, { name: 'ns', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }]);
  });

  test('§BlueGreen Pre Promotion Analysis and §Post Promotion Analysis; arguments naming the preview Service', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'guestbook' },
      podTemplate: { containers },
      strategy: RolloutStrategy.blueGreen({
        autoPromotion: AutoPromotion.manual(),
        prePromotionAnalysis: { templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] },
        postPromotionAnalysis: { templates: [successRate], args: [AnalysisRunArgument.stableServiceName('service-name')] },
      }),
    }));
    expect(strategyOf(objects).blueGreen).toEqual({
      activeService: 'guestbook',
      previewService: 'guestbook-preview',
      autoPromotionEnabled: false,
      prePromotionAnalysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'guestbook-preview' }] },
      postPromotionAnalysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'guestbook' }] },
    });
  });

  test('analysis that cannot be built: a missing argument, an unknown one, a metric that runs indefinitely in a step', () => {
    expect(() => CanaryStep.analysis({ templates: [successRate] })).toThrow("template 'success-rate' needs argument 'service-name', which is not supplied");
    expect(() => CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.value('service-name', 'a'), AnalysisRunArgument.value('nope', 'b')] }))
      .toThrow("argument 'nope' is not declared by any of the templates");
    const forever = AnalysisTemplate.of({
      templateName: 'forever',
      metrics: [{ name: 'm', interval: Duration.minutes(1), condition: MetricCondition.atLeast(1), provider: MetricProvider.prometheus({ query: 'up' }) }],
    });
    expect(() => CanaryStep.analysis({ templates: [forever] })).toThrow("template 'forever' has metric(s) [\"m\"] with an interval and no count, which run indefinitely");
    expect(() => RolloutStrategy.blueGreen({ prePromotionAnalysis: { templates: [forever] } })).toThrow(/run indefinitely/);
    // background analysis may run indefinitely:
    expect(() => RolloutStrategy.canary({ analysis: { templates: [forever] } })).not.toThrow();
  });
});

describe('Rollout: blue-green (docs/features/bluegreen.md)', () => {
  test('§Example and §Configurable Features: active and preview Services, promotion, preview replicas, delays', () => {
    const objects = render(chart => new Rollout(chart, 'r', {
      metadata: { name: 'rollout-bluegreen' },
      replicas: 2,
      revisionHistoryLimit: 2,
      podTemplate: { containers },
      strategy: RolloutStrategy.blueGreen({
        autoPromotion: AutoPromotion.after(Duration.seconds(30)),
        previewReplicaCount: 1,
        scaleDownDelay: Duration.seconds(30),
        scaleDownDelayRevisionLimit: 2,
        abortScaleDownDelay: Duration.seconds(60),
        antiAffinity: AntiAffinity.required(),
        previewMetadata: { labels: { role: 'preview' } },
        activeMetadata: { labels: { role: 'active' } },
      }),
    }));
    expect(find(objects, 'Rollout').spec).toMatchObject({ replicas: 2, revisionHistoryLimit: 2 });
    expect(strategyOf(objects).blueGreen).toEqual({
      activeService: 'rollout-bluegreen',
      previewService: 'rollout-bluegreen-preview',
      autoPromotionSeconds: 30,
      previewReplicaCount: 1,
      scaleDownDelaySeconds: 30,
      scaleDownDelayRevisionLimit: 2,
      abortScaleDownDelaySeconds: 60,
      antiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: {} },
      activeMetadata: { labels: { role: 'active' } },
      previewMetadata: { labels: { role: 'preview' } },
    });
    expect(objects.filter(o => o.kind === 'Service').map(o => o.metadata.name)).toEqual(['rollout-bluegreen', 'rollout-bluegreen-preview']);
  });

  test('a scale-down revision limit above the revision history limit is refused', () => {
    const chart = new Chart(Testing.app(), 'c');
    expect(() => new Rollout(chart, 'r', { podTemplate: { containers }, revisionHistoryLimit: 1, strategy: RolloutStrategy.blueGreen({ scaleDownDelayRevisionLimit: 2 }) }))
      .toThrow("This rollout's revision history limit can not be smaller than the rollout's scale down limit");
  });
});

describe('Rollout: pod source and autoscaling', () => {
  test('workloadRef to a cdk8s-plus Deployment (docs/migrating.md), with scaleDown', () => {
    const objects = render(chart => {
      const deployment = new kplus.Deployment(chart, 'Deployment', { metadata: { name: 'rollout-ref-deployment' }, replicas: 5, containers });
      new Rollout(chart, 'r', {
        metadata: { name: 'rollout-ref-deployment' },
        replicas: 5,
        workloadRef: RolloutWorkloadRef.fromDeployment(deployment, WorkloadScaleDown.PROGRESSIVELY),
        strategy: RolloutStrategy.canary({ steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.seconds(10))] }),
      });
    });
    const rollout = find(objects, 'Rollout');
    expect(rollout.spec.workloadRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'rollout-ref-deployment', scaleDown: 'progressively' });
    expect(rollout.spec.template).toBeUndefined();
    expect(rollout.spec.selector).toBeUndefined();
  });

  test('a HorizontalPodAutoscaler targets the Rollout (hpa-support.md): kind Rollout, and no replicas on the Rollout', () => {
    const objects = render(chart => {
      const rollout = new Rollout(chart, 'r', { metadata: { name: 'r' }, podTemplate: { containers }, strategy: RolloutStrategy.canary({ steps: [CanaryStep.weight(20)] }) });
      new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: rollout, minReplicas: 2, maxReplicas: 10 });
    });
    expect(find(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'r' });
    expect(find(objects, 'Rollout').spec.replicas).toBeUndefined();
  });

  test('an explicit replica count with an autoscaler is refused (kplus validation)', () => {
    const chart = new Chart(Testing.app(), 'c');
    const rollout = new Rollout(chart, 'r', { replicas: 3, podTemplate: { containers }, strategy: RolloutStrategy.canary() });
    new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: rollout, maxReplicas: 10 });
    expect(() => Testing.synth(chart)).toThrow(/HorizontalPodAutoscaler target cannot have a fixed number of replicas \(3\)/);
  });

  test('two Rollouts of a chart share an analysis template: written once', () => {
    const t = AnalysisTemplate.successRate();
    const objects = render(chart => {
      for (const name of ['a', 'b']) {
        new Rollout(chart, name, {
          metadata: { name },
          podTemplate: { containers },
          strategy: RolloutStrategy.canary({ steps: [CanaryStep.analysis({ templates: [t], args: [AnalysisRunArgument.value('service-name', name)] })] }),
        });
      }
    });
    expect(objects.filter(o => o.kind === 'AnalysisTemplate')).toHaveLength(1);
    void App;
  });
});
