import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { buildExampleFleet } from '../../../examples/basic-fleet/main';
import {
  AnalysisRunArgument, AnalysisTemplate, CanaryStep, ClusterCredentials, ClusterMatch, DeliveryStrategy, Fleet, FleetApp, IstioTrafficRouting,
  IWorkloadDefinition, LabelSelectorOperator, NginxTrafficRouting, NotificationSubscription, NotificationTrigger, ProgressiveSync, RolloutStrategy,
  StepOperator, SyncPolicy, TemplateParam, Workload, FleetTesting,
} from '../../../src';
import { lintCommand } from '../../../src/cli/lint';
import { validateTree } from '../../../src/cli/validate';

/**
 * The acceptance path end to end, in a synthesized tree written to disk: one Workload released dev → staging →
 * production region by region (RollingSync) with notifications, all through typed props; a canary per cluster;
 * an autoscaled Deployment whose replica count Argo CD never fights; and every Rollout, analysis template,
 * Service, Ingress and VirtualService of the tree (and of the example fleet) valid against the strict schemas
 * and the controller's rules, as `cdk8s-fleet lint` and `validate` check them.
 */

process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 0, 1) / 1000);

class Api implements IWorkloadDefinition {
  public define(scope: any): void {
    const d = new kplus.Deployment(scope, 'Deployment', {
      metadata: { name: 'api' },
      containers: [{ image: 'ghcr.io/acme/api:2.4.0', portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(250) } } }],
    });
    d.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
    new kplus.HorizontalPodAutoscaler(scope, 'Hpa', { target: d, minReplicas: 2, maxReplicas: 6 });
  }
}

const CLUSTERS: [string, string, string][] = [
  ['dev-eu-1', 'dev', 'eu-west-1'],
  ['staging-eu-1', 'staging', 'eu-west-1'],
  ['prod-eu-1', 'production', 'eu-west-1'],
  ['prod-eu-2', 'production', 'eu-west-1'],
  ['prod-us-1', 'production', 'us-east-1'],
];

function build(outdir: string, extra: { replicasInProduction?: number } = {}): FleetApp {
  const app = new FleetApp({ outdir });
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  for (const [name, environment, region] of CLUSTERS) {
    fleet.addCluster(name, { server: `https://${name}.k8s.acme.io`, labels: { environment, region }, credentials: ClusterCredentials.awsIam({ clusterName: name }) });
  }
  const successRate = AnalysisTemplate.successRate({ prometheusAddress: 'http://prometheus.monitoring:9090', serviceLabel: 'destination_service_name', metric: 'istio_requests_total', statusLabel: 'response_code' });
  const env = (values: string[]) => ({ key: 'environment', operator: StepOperator.IN, values });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['dev', 'staging', 'production'] }],
    definition: new Api(),
    // The generated Applications carry the cluster's environment and region, which the steps select on.
    labels: { environment: `${TemplateParam.clusterLabel('environment')}`, region: `${TemplateParam.clusterLabel('region')}` },
    progressiveSync: ProgressiveSync.rollingSync([
      { matchExpressions: [env(['dev'])] },
      { matchExpressions: [env(['staging'])] },
      { matchExpressions: [env(['production']), { key: 'region', operator: StepOperator.IN, values: ['eu-west-1'] }] },
      { matchExpressions: [env(['production']), { key: 'region', operator: StepOperator.IN, values: ['us-east-1'] }] },
    ]),
    notifications: [
      NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['api-alerts']),
      NotificationSubscription.of(NotificationTrigger.ON_DEPLOYED, 'slack', ['api-releases']),
    ],
    syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
    overrides: [
      {
        match: ClusterMatch.environment('staging'),
        settings: { delivery: DeliveryStrategy.rollout(RolloutStrategy.canary({ trafficRouting: NginxTrafficRouting.of({ ingress: { host: 'api.staging.acme.io' } }), steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(2))] })) },
      },
      {
        match: ClusterMatch.environment('production'),
        settings: {
          delivery: DeliveryStrategy.rollout(RolloutStrategy.canary({
            trafficRouting: IstioTrafficRouting.of({ virtualService: { hosts: ['api.acme.io'], gateways: ['istio-system/public'] } }),
            steps: [
              CanaryStep.weight(5), CanaryStep.pause(Duration.minutes(5)),
              CanaryStep.analysis({ templates: [successRate], args: [AnalysisRunArgument.canaryServiceName('service-name')] }),
              CanaryStep.weight(30), CanaryStep.pause(Duration.minutes(5)), CanaryStep.weight(60), CanaryStep.pause(Duration.minutes(5)),
            ],
          })),
          autoscaling: { minReplicas: 3, maxReplicas: 30 },
          ...(extra.replicasInProduction !== undefined ? { replicas: extra.replicasInProduction } : {}),
        },
      },
    ],
  });
  return app;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-e2e-'));
const load = (dir: string, rel: string) => yaml.load(fs.readFileSync(path.join(dir, rel), 'utf8')) as any;
const filesUnder = (dir: string, prefix: string) => {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else out.push(path.relative(dir, abs).split(path.sep).join('/'));
    }
  };
  walk(path.join(dir, prefix));
  return out.sort();
};

describe('a Workload released region by region, as a canary in each cluster', () => {
  const outdir = tmp();
  const app = build(outdir);
  app.synthTree();
  const appSet = load(outdir, 'argocd/platform/applicationsets/ApplicationSet.api.yaml');

  test('RollingSync: dev, then staging, then production in eu-west-1, then in us-east-1', () => {
    expect(appSet.spec.strategy).toEqual({
      type: 'RollingSync',
      rollingSync: {
        steps: [
          { matchExpressions: [{ key: 'environment', operator: 'In', values: ['dev'] }] },
          { matchExpressions: [{ key: 'environment', operator: 'In', values: ['staging'] }] },
          { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production'] }, { key: 'region', operator: 'In', values: ['eu-west-1'] }] },
          { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production'] }, { key: 'region', operator: 'In', values: ['us-east-1'] }] },
        ],
      },
    });
    // The generated Applications carry the labels the steps select on, from each cluster's labels.
    expect(appSet.spec.template.metadata.labels).toEqual({ environment: '{{index .metadata.labels "environment"}}', region: '{{index .metadata.labels "region"}}' });
    // The generated Application of each cluster, and the step it falls into (synth refuses one in no step).
    const step = (labels: Record<string, string>) => appSet.spec.strategy.rollingSync.steps.findIndex((s: any) =>
      s.matchExpressions.every((r: any) => r.values.includes(labels[r.key])));
    const generated = FleetTesting.applications(app).filter(a => a.metadata.name.startsWith('api-')).map(a => [a.spec.destination.name, a.metadata.name, step(a.metadata.labels)]);
    expect(generated.sort()).toEqual([
      ['dev-eu-1', 'api-dev-eu-1', 0], ['prod-eu-1', 'api-prod-eu-1', 2], ['prod-eu-2', 'api-prod-eu-2', 2], ['prod-us-1', 'api-prod-us-1', 3], ['staging-eu-1', 'api-staging-eu-1', 1],
    ]);
  });

  test('notifications on the template, where Argo CD keeps them', () => {
    expect(appSet.spec.template.metadata.annotations).toEqual({
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'api-alerts',
      'notifications.argoproj.io/subscribe.on-deployed.slack': 'api-releases',
    });
  });

  test('each environment delivers as its override says', () => {
    expect(filesUnder(outdir, 'clusters/dev-eu-1/api').map(p => p.split('/').pop())).toEqual(['Deployment.api.yaml', expect.stringMatching(/^HorizontalPodAutoscaler\./), 'Namespace.api.yaml', 'Service.api.yaml']);
    expect(filesUnder(outdir, 'clusters/staging-eu-1/api').map(p => p.split('/').pop())).toEqual([expect.stringMatching(/^HorizontalPodAutoscaler\./), 'Ingress.api.yaml', 'Namespace.api.yaml', 'Rollout.api.yaml', 'Service.api-canary.yaml', 'Service.api.yaml']);
    for (const c of ['prod-eu-1', 'prod-eu-2', 'prod-us-1']) {
      expect(filesUnder(outdir, `clusters/${c}/api`).map(p => p.split('/').pop())).toEqual([
        'AnalysisTemplate.success-rate.yaml', expect.stringMatching(/^HorizontalPodAutoscaler\./), 'Namespace.api.yaml', 'Rollout.api.yaml', 'Service.api-canary.yaml', 'Service.api.yaml', 'VirtualService.api.yaml',
      ]);
    }
  });

  test('no replica count fights the autoscaler: none in the tree, ignored where Argo CD compares, bounds on the HPA', () => {
    for (const [c] of CLUSTERS) {
      for (const rel of filesUnder(outdir, `clusters/${c}/api`)) {
        const o = load(outdir, rel);
        if (['Deployment', 'Rollout'].includes(o.kind)) expect([rel, o.spec.replicas]).toEqual([rel, undefined]);
        if (o.kind === 'HorizontalPodAutoscaler') {
          const production = c.startsWith('prod-');
          expect([rel, o.spec.minReplicas, o.spec.maxReplicas, o.spec.scaleTargetRef.kind]).toEqual([rel, production ? 3 : 2, production ? 30 : 6, c.startsWith('dev-') ? 'Deployment' : 'Rollout']);
        }
      }
    }
    expect(appSet.spec.template.spec.ignoreDifferences).toEqual(expect.arrayContaining([
      { group: 'apps', kind: 'Deployment', name: 'api', jsonPointers: ['/spec/replicas'] },
      { group: 'argoproj.io', kind: 'Rollout', name: 'api', jsonPointers: ['/spec/replicas'] },
    ]));
  });

  test('a replicas override for the autoscaled workload is refused, saying to set the bounds', () => {
    expect(() => build(tmp(), { replicasInProduction: 5 }).synthTree()).toThrow(/'replicas' \(5\) is set for (Deployment|Rollout) 'api', which HorizontalPodAutoscaler '[^']+' scales: set 'autoscaling: \{ minReplicas, maxReplicas \}' instead/);
  });

  test('cdk8s-fleet lint: every object of every cluster passes the strict schemas and the controller rules', () => {
    const r = lintCommand([path.join(outdir, 'clusters')]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    expect(r.stderr).toMatch(/: 0 error\(s\), 0 warning\(s\)/);
  });

  test('cdk8s-fleet validate: the tree as written', () => {
    expect(validateTree(outdir).problems).toEqual([]);
  });
});

describe('the example fleet (examples/basic-fleet)', () => {
  const outdir = tmp();
  buildExampleFleet(outdir).synthTree();

  test('its Rollouts, analysis templates, Services, Ingresses and VirtualServices lint clean, strict schemas included', () => {
    const r = lintCommand([path.join(outdir, 'clusters')]);
    expect([r.code, r.stdout]).toEqual([0, '']);
    const kinds = new Set<string>();
    for (const rel of filesUnder(outdir, 'clusters')) kinds.add(rel.split('/').pop()!.split('.')[0]);
    expect([...kinds]).toEqual(expect.arrayContaining(['Rollout', 'AnalysisTemplate', 'Service', 'Ingress', 'VirtualService']));
  });
});
