import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import {
  AnalysisRunArgument, AnalysisTemplate, AutoPromotion, CanaryStep, ClusterMatch, DeliveryStrategy, IstioTrafficRouting, IWorkloadDefinition,
  LabelSelectorOperator, NginxTrafficRouting, NotificationSubscription, NotificationTrigger, ProgressiveSync, RolloutStrategy, SyncPolicy,
  TemplateParam, Workload, WorkloadProps, WorkloadScaleDown, FleetApp, FleetTesting,
} from '../../src';
import { treeRolloutProblems } from '../../src/rollouts/private/rules/lint';
import { addCluster, testFleet } from '../util';

// A Workload's delivery strategy per environment: the definition stays a cdk8s-plus Deployment; the library turns
// it into a Rollout where an override asks for one, and makes the rest of what the strategy needs.

class Api implements IWorkloadDefinition {
  public constructor(private readonly options: { hpa?: boolean; replicas?: number } = {}) {}
  public define(scope: any): void {
    const d = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name: 'api' },
      replicas: this.options.hpa ? undefined : this.options.replicas,
      containers: [{ image: 'ghcr.io/acme/api:1.0.0', portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(100) } } }],
    });
    d.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
    if (this.options.hpa) new kplus.HorizontalPodAutoscaler(scope, 'Hpa', { target: d, maxReplicas: 10 });
  }
}

const successRate = AnalysisTemplate.successRate({ prometheusAddress: 'http://prometheus.monitoring:9090' });
const nginx = NginxTrafficRouting.of({ ingress: { host: 'api.staging.acme.io' } });
const istio = IstioTrafficRouting.of({ virtualService: { hosts: ['api.acme.io'], gateways: ['istio-system/public'] } });
const staging = DeliveryStrategy.rollout(RolloutStrategy.canary({
  trafficRouting: nginx,
  steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(2))],
}));
const production = DeliveryStrategy.rollout(RolloutStrategy.canary({
  trafficRouting: istio,
  steps: [
    CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(5)),
    CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] }),
    CanaryStep.weight(30), CanaryStep.pause(Duration.minutes(5)), CanaryStep.weight(60), CanaryStep.pause(Duration.minutes(5)),
  ],
}));

function fleetWith(props: Partial<WorkloadProps> & { definition?: IWorkloadDefinition }, inspect?: (app: FleetApp) => void) {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'dev-eu-1', { environment: 'dev', region: 'eu-west-1' });
  addCluster(fleet, 'staging-eu-1', { environment: 'staging', region: 'eu-west-1' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu-west-1' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us-east-1' });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] }],
    definition: new Api(),
    overrides: [
      { match: ClusterMatch.environment('staging'), settings: { delivery: staging } },
      { match: ClusterMatch.environment('production'), settings: { delivery: production } },
    ],
    ...props,
  });
  inspect?.(app);
  const files = app.renderFiles();
  const objects: Record<string, any> = {};
  for (const [p, c] of Object.entries(files)) objects[p] = yaml.load(c);
  return { files, objects, appSet: objects['argocd/platform/applicationsets/ApplicationSet.api.yaml'] };
}

const kindsIn = (objects: Record<string, any>, cluster: string) => Object.keys(objects).filter(p => p.startsWith(`clusters/${cluster}/api/`)).map(p => p.split('/').pop()).sort();

describe('Workload delivery strategies', () => {
  test('plain Deployment in dev, canary with nginx in staging, canary with Istio and analysis in production', () => {
    // GIVEN one definition and a delivery strategy per environment WHEN the fleet renders
    const { files, objects } = fleetWith({});
    // THEN dev keeps the Deployment; staging and production run Rollouts with what their routers need
    expect(kindsIn(objects, 'dev-eu-1')).toEqual(['Deployment.api.yaml', 'Namespace.api.yaml', 'Service.api.yaml']);
    expect(kindsIn(objects, 'staging-eu-1')).toEqual(['Ingress.api.yaml', 'Namespace.api.yaml', 'Rollout.api.yaml', 'Service.api-canary.yaml', 'Service.api.yaml']);
    expect(kindsIn(objects, 'prod-eu-1')).toEqual([
      'AnalysisTemplate.success-rate.yaml', 'Namespace.api.yaml', 'Rollout.api.yaml', 'Service.api-canary.yaml', 'Service.api.yaml', 'VirtualService.api.yaml',
    ]);
    const rollout = objects['clusters/prod-eu-1/api/Rollout.api.yaml'];
    const deployment = objects['clusters/dev-eu-1/api/Deployment.api.yaml'];
    expect(rollout.spec.template).toEqual(deployment.spec.template);
    expect(rollout.spec.selector).toEqual(deployment.spec.selector);
    expect(rollout.spec.strategy.canary).toMatchObject({ stableService: 'api', canaryService: 'api-canary', trafficRouting: { istio: { virtualService: { name: 'api', routes: ['primary'] } } } });
    expect(rollout.spec.strategy.canary.steps[2]).toEqual({ analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'api-canary' }] } });
    // The existing Service became the stable one; the canary Service is its copy.
    expect(objects['clusters/prod-eu-1/api/Service.api-canary.yaml'].spec.selector).toEqual(objects['clusters/prod-eu-1/api/Service.api.yaml'].spec.selector);
    // The controller's rules hold for every cluster's objects (what `cdk8s-fleet validate` checks).
    expect(treeRolloutProblems(new Map(Object.entries(files)))).toEqual([]);
    // The project allows the kinds the delivery renders.
    const project = objects['argocd/platform/projects/AppProject.api.yaml'];
    expect(project.spec.namespaceResourceWhitelist.map((k: any) => k.kind)).toEqual(expect.arrayContaining(['Rollout', 'AnalysisTemplate', 'VirtualService', 'Ingress']));
  });

  test('Istio routing: Argo CD ignores the weights the controller sets, and syncs with RespectIgnoreDifferences (istio.md §Integrating with GitOps)', () => {
    const { appSet } = fleetWith({});
    expect(appSet.spec.template.spec.ignoreDifferences).toEqual([
      { group: 'networking.istio.io', kind: 'VirtualService', name: 'api', jqPathExpressions: ['.spec.http[].route[].weight'] },
    ]);
    expect(appSet.spec.template.spec.syncPolicy).toEqual({ syncOptions: ['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'] });
  });

  test('blue-green with pre-promotion analysis', () => {
    const blueGreen = DeliveryStrategy.rollout(RolloutStrategy.blueGreen({
      autoPromotion: AutoPromotion.after(Duration.minutes(10)),
      prePromotionAnalysis: { templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] },
    }));
    const { objects } = fleetWith({ overrides: [{ match: ClusterMatch.environment('production'), settings: { delivery: blueGreen } }] });
    expect(objects['clusters/prod-us-1/api/Rollout.api.yaml'].spec.strategy.blueGreen).toEqual({
      activeService: 'api',
      previewService: 'api-preview',
      autoPromotionSeconds: 600,
      prePromotionAnalysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'api-preview' }] },
    });
  });

  test('migration: a Rollout referencing the Deployment, which Argo CD then lets the controller scale down', () => {
    const migrate = DeliveryStrategy.rolloutWithWorkloadRef(RolloutStrategy.canary({ steps: [CanaryStep.weight(20)] }), {
      scaleDown: WorkloadScaleDown.PROGRESSIVELY,
    });
    const { objects, appSet } = fleetWith({ definition: new Api({ replicas: 3 }), overrides: [{ match: ClusterMatch.environment('production'), settings: { delivery: migrate } }] });
    expect(kindsIn(objects, 'prod-eu-1')).toEqual(['Deployment.api.yaml', 'Namespace.api.yaml', 'Rollout.api.yaml', 'Service.api.yaml']);
    expect(objects['clusters/prod-eu-1/api/Rollout.api.yaml'].spec).toEqual({
      replicas: 3,
      workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api', scaleDown: 'progressively' },
      progressDeadlineSeconds: 600,
      strategy: { canary: { steps: [{ setWeight: 20 }] } },
    });
    expect(appSet.spec.template.spec.ignoreDifferences).toEqual([{ group: 'apps', kind: 'Deployment', name: 'api', jsonPointers: ['/spec/replicas'] }]);
  });
});

describe('Workloads and HorizontalPodAutoscalers', () => {
  test('no replica count fights the autoscaler: none in the tree, ignoreDifferences on /spec/replicas, the HPA retargeted to the Rollout', () => {
    const { objects, appSet } = fleetWith({
      definition: new Api({ hpa: true }),
      overrides: [{ match: ClusterMatch.environment('production'), settings: { delivery: production, autoscaling: { minReplicas: 3, maxReplicas: 30 } } }],
    });
    expect(objects['clusters/dev-eu-1/api/Deployment.api.yaml'].spec.replicas).toBeUndefined();
    expect(objects['clusters/prod-eu-1/api/Rollout.api.yaml'].spec.replicas).toBeUndefined();
    const hpa = (c: string) => objects[Object.keys(objects).find(p => p.startsWith(`clusters/${c}/api/HorizontalPodAutoscaler.`))!];
    expect(hpa('prod-eu-1').spec).toMatchObject({ minReplicas: 3, maxReplicas: 30, scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'api' } });
    expect(hpa('dev-eu-1').spec).toMatchObject({ minReplicas: 1, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } });
    expect(appSet.spec.template.spec.ignoreDifferences).toEqual(expect.arrayContaining([
      { group: 'apps', kind: 'Deployment', name: 'api', jsonPointers: ['/spec/replicas'] },
      { group: 'argoproj.io', kind: 'Rollout', name: 'api', jsonPointers: ['/spec/replicas'] },
    ]));
  });

  test('a replicas override on an autoscaled workload is an error that says what to do', () => {
    expect(() => fleetWith({ definition: new Api({ hpa: true }), overrides: [{ match: ClusterMatch.environment('production'), settings: { replicas: 6 } }] }))
      .toThrow(/'replicas' \(6\) is set for Deployment 'api', which HorizontalPodAutoscaler '[^']+' scales: set 'autoscaling: \{ minReplicas, maxReplicas \}' instead/);
  });

  test('autoscaling without an autoscaler, and inverted bounds, are errors', () => {
    expect(() => fleetWith({ overrides: [{ match: ClusterMatch.environment('dev'), settings: { autoscaling: { maxReplicas: 3 } } }] }))
      .toThrow("'autoscaling' is set, but the workload renders no HorizontalPodAutoscaler");
    expect(() => fleetWith({ definition: new Api({ hpa: true }), overrides: [{ match: ClusterMatch.environment('dev'), settings: { autoscaling: { minReplicas: 20 } } }] }))
      .toThrow(/minReplicas \(20\) is more than maxReplicas \(10\)/);
  });
});

describe('Workload: what an ApplicationSet template carries, through the shared options', () => {
  test('region-by-region waves (RollingSync), notifications, labels, annotations, info and sync policy', () => {
    const { appSet } = fleetWith({
      labels: { environment: `${TemplateParam.clusterLabel('environment')}`, region: `${TemplateParam.clusterLabel('region')}` },
      annotations: { 'acme.io/owner': 'api-team' },
      notifications: [NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['api-alerts'])],
      info: { runbook: 'https://runbooks.acme.io/api' },
      progressiveSync: ProgressiveSync.waves({ labelKey: 'region', waves: [['eu-west-1'], ['us-east-1']] }),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    });
    expect(appSet.spec.strategy.rollingSync.steps.map((s: any) => s.matchExpressions[0].values)).toEqual([['eu-west-1'], ['us-east-1'], ['eu-west-1', 'us-east-1']]);
    expect(appSet.spec.template.metadata).toEqual({
      name: 'api-{{.name}}',
      labels: { environment: '{{index .metadata.labels "environment"}}', region: '{{index .metadata.labels "region"}}' },
      annotations: { 'acme.io/owner': 'api-team', 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'api-alerts' },
    });
    expect(appSet.spec.template.spec.info).toEqual([{ name: 'runbook', value: 'https://runbooks.acme.io/api' }]);
    expect(appSet.spec.template.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
    expect(appSet.spec.template.spec.syncPolicy.syncOptions).toEqual(['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true']);
  });

  test('a delivery that cannot apply is an error naming the workload', () => {
    class Two implements IWorkloadDefinition {
      public define(scope: any): void {
        for (const name of ['a', 'b']) new kplus.Deployment(scope, name, { metadata: { name }, containers: [{ image: 'i', portNumber: 80 }] });
      }
    }
    expect(() => fleetWith({ definition: new Two() })).toThrow("delivery: a Rollout delivers one Deployment, and the workload renders 2; name it with 'deployment'");
  });
});

describe('plan: the delivery strategy per cluster', () => {
  test('text and JSON show each cluster\'s strategy, router, steps and analysis', () => {
    let text = '';
    let json: any;
    fleetWith({}, app => {
      text = FleetTesting.plan(app);
      json = FleetTesting.planJson(app);
    });
    expect(text).toContain('    api-dev-eu-1  project=api  namespace=api  clusters/dev-eu-1/api@main [ghcr.io/acme/api:1.0.0]\n      Deployment api: RollingUpdate');
    expect(text).toContain('      Rollout api: canary (nginx): 20% → pause 2m');
    expect(text).toContain('      Rollout api: canary (istio): 5% → pause 5m → analysis success-rate → 30% → pause 5m → 60% → pause 5m');
    const prod = json.clusters.find((c: any) => c.name === 'prod-us-1').applications[0];
    expect(prod.delivery).toEqual([{
      kind: 'Rollout',
      name: 'api',
      strategy: 'canary',
      trafficRouting: 'istio',
      steps: ['5%', 'pause 5m', 'analysis success-rate', '30%', 'pause 5m', '60%', 'pause 5m'],
      analysis: ['success-rate'],
    }]);
  });
});
