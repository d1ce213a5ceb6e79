import * as yaml from 'js-yaml';
import {
  AppProject, Application, ApplicationSource, DrApplication, DrSource, DrStateFile, ExternalDnsTrafficSwitch, HelmApplication, LabelSelectorOperator,
  ProjectDestination, SwitchTarget, VersionsFile,
} from '../../src';
import { diffPlans } from '../../src/gitops/plan-diff';
import { schemaProblems, testFleet, addCluster } from '../util';
import { drFleet, DR_STATE } from './fixture';

function render(app: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const f of app._render().files) out[f.path] = yaml.load(f.content);
  return out;
}

function files(app: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of app._render().files) out[f.path] = f.content;
  return out;
}

const FAILED_OVER = DR_STATE.replace('api: prod-eu-1', 'api: dr-eu-central-1');

describe('DrApplication with a Workload', () => {
  test('the standby runs the primary\'s version and configuration at a warm footprint, deployed by its own Application', () => {
    // GIVEN the primary prod-eu-1 (2 replicas) and the standby dr-eu-central-1, the primary active
    const { app } = drFleet();
    // WHEN
    const o = render(app);
    // THEN the standby renders the primary's objects: same image, configuration, quota; its own secrets
    const deployment = o['clusters/dr-eu-central-1/api/Deployment.api.yaml'];
    expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.8.2');
    expect(deployment.spec.replicas).toBeUndefined();
    expect(o['clusters/dr-eu-central-1/api/ConfigMap.api-config.yaml'].data).toEqual({ LOG_LEVEL: 'info' });
    expect(o['clusters/dr-eu-central-1/api/ExternalSecret.api-db.yaml'].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    // AND a warm footprint: one replica, an autoscaler that reaches the primary's two
    expect(o['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 1,
      maxReplicas: 2,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    expect(o['clusters/prod-eu-1/api/Deployment.api.yaml'].spec.replicas).toBe(2);
    expect(o['clusters/prod-eu-1/api/HorizontalPodAutoscaler.api.yaml']).toBeUndefined();
    // AND its own Application in the DR project, self-healing and pruning, notifying the on-call channel
    const standby = o['argocd/platform/applications/Application.api-dr-eu-central-1.yaml'];
    expect(standby.spec).toMatchObject({
      project: 'api-dr',
      destination: { name: 'dr-eu-central-1', namespace: 'api' },
      source: { path: 'clusters/dr-eu-central-1/api', repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', name: 'api', jsonPointers: ['/spec/replicas'] }],
    });
    expect(standby.metadata.annotations).toMatchObject({
      'fleet.cdk8s.io/dr-pair': 'api',
      'fleet.cdk8s.io/dr-role': 'standby',
      'fleet.cdk8s.io/dr-active': 'false',
      'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'sre-oncall',
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'sre-oncall',
    });
    expect(standby.metadata.finalizers).toBeUndefined(); // deleting the Application never deletes the standby
    // AND the workload's ApplicationSet never selects the standby
    expect(o['argocd/platform/applicationsets/ApplicationSet.api.yaml'].spec.generators[0].clusters.selector.matchExpressions[1])
      .toEqual({ key: 'acme.io/role', operator: 'NotIn', values: ['dr'] });
  });

  test('the primaries\' generated Applications carry the pair\'s annotations through a templatePatch', () => {
    const { app } = drFleet();
    const appSet = render(app)['argocd/platform/applicationsets/ApplicationSet.api.yaml'];
    expect(appSet.spec.templatePatch).toBe([
      '{{- if eq .name "prod-eu-1" }}',
      'metadata:',
      '  annotations:',
      '    fleet.cdk8s.io/dr-active: "true"',
      '    fleet.cdk8s.io/dr-pair: "api"',
      '    fleet.cdk8s.io/dr-role: "primary"',
      '{{- else }}',
      '{}',
      '{{- end }}',
      '',
    ].join('\n'));
    const plan = app._render().plan;
    const annotations = (cluster: string) => plan.clusters.find(c => c.name === cluster)!.applications.find(a => a.name === `api-${cluster}`)!.object.metadata.annotations;
    expect(annotations('prod-eu-1')).toEqual({ 'fleet.cdk8s.io/dr-active': 'true', 'fleet.cdk8s.io/dr-pair': 'api', 'fleet.cdk8s.io/dr-role': 'primary' });
    expect(annotations('prod-us-1')).toBeUndefined();
  });

  test('the DR project allows exactly the standby\'s and the alerts\' destinations and kinds', () => {
    const project = render(drFleet().app)['argocd/platform/projects/AppProject.api-dr.yaml'];
    expect(project.spec.destinations).toEqual([
      { name: 'dr-eu-central-1', namespace: 'api', server: 'https://dr-eu-central-1.k8s.example.com' },
      { name: 'prod-us-1', namespace: 'monitoring', server: 'https://prod-us-1.k8s.example.com' },
    ]);
    expect(project.spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'api' }]);
    expect(project.spec.namespaceResourceWhitelist.map((k: any) => `${k.group}/${k.kind}`).sort()).toEqual([
      '/ConfigMap', '/ResourceQuota', '/Service', 'apps/Deployment', 'autoscaling/HorizontalPodAutoscaler', 'external-secrets.io/ExternalSecret', 'monitoring.coreos.com/PrometheusRule',
    ]);
    // The workload's own project is untouched by the standby's autoscaler.
    const own = render(drFleet().app)['argocd/platform/projects/AppProject.api.yaml'];
    expect(own.spec.namespaceResourceWhitelist.map((k: any) => k.kind)).not.toContain('HorizontalPodAutoscaler');
  });

  test('every object validates strictly, the PrometheusRule included', () => {
    const f = files(drFleet().app);
    expect(Object.keys(f)).toContain('clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml');
    expect(schemaProblems(f)).toEqual([]);
    expect(schemaProblems(files(drFleet({ state: FAILED_OVER }).app))).toEqual([]);
  });

  test('after a failover the standby is active: autoscaler minimum at capacity, the old primary at the standby footprint, weights switched, alerts rearmed', () => {
    const o = render(drFleet({ state: FAILED_OVER }).app);
    expect(o['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 2, maxReplicas: 2 });
    expect(o['clusters/prod-eu-1/api/Deployment.api.yaml'].spec.replicas).toBe(1);
    expect(o['clusters/dr-eu-central-1/api/Service.api.yaml'].metadata.annotations['external-dns.kubernetes.io/aws-weight']).toBe('100');
    expect(o['clusters/prod-eu-1/api/Service.api.yaml'].metadata.annotations['external-dns.kubernetes.io/aws-weight']).toBe('0');
    const rules = o['clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml'].spec.groups[0].rules;
    expect(rules[0].expr).toBe('up{job="kubernetes-apiservers",cluster="dr-eu-central-1"} == 0 or absent(up{job="kubernetes-apiservers",cluster="dr-eu-central-1"})');
    expect(rules[0].annotations.description).toContain('cdk8s-fleet failback api');
    expect(rules[1].expr).toBe('argocd_app_info{namespace="argocd",name="api-prod-eu-1",sync_status!="Synced"} == 1');
    expect(o['argocd/platform/applications/Application.api-dr-eu-central-1.yaml'].metadata.annotations['fleet.cdk8s.io/dr-active']).toBe('true');
  });

  test('a failover changes files, never adds or removes one', () => {
    const before = files(drFleet().app);
    const after = files(drFleet({ state: FAILED_OVER }).app);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    const changed = Object.keys(after).filter(p => after[p] !== before[p]);
    expect(changed).toEqual([
      'argocd/platform/applications/Application.api-dr-eu-central-1.yaml',
      'argocd/platform/applicationsets/ApplicationSet.api.yaml',
      'clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml',
      'clusters/dr-eu-central-1/api/Service.api.yaml',
      'clusters/prod-eu-1/api/Deployment.api.yaml',
      'clusters/prod-eu-1/api/Service.api.yaml',
      'clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml',
    ]);
  });

  test('the re-synth after a failover removes nothing: the deletion gate stays quiet, and the plan diff names the failover', () => {
    // GIVEN the plans before and after the state file's edit
    const base = drFleet().app._render().plan;
    const head = drFleet({ state: FAILED_OVER }).app._render().plan;
    // WHEN
    const diff = diffPlans(base, head, []);
    // THEN
    expect(diff.removals).toEqual([]);
    expect(diff.blockedRemovals).toEqual([]);
    expect(diff.selections).toEqual([]);
    expect(diff.disasterRecovery).toEqual([{ pair: 'api', kind: 'failover', from: 'prod-eu-1', to: 'dr-eu-central-1', keepPrimary: false, clusters: ['dr-eu-central-1'] }]);
    // AND the failback is named as such
    expect(diffPlans(head, base, []).disasterRecovery).toEqual([{ pair: 'api', kind: 'failback', from: 'dr-eu-central-1', to: 'prod-eu-1', keepPrimary: false, clusters: ['prod-eu-1'] }]);
  });

  test('keepPrimary: the old primary keeps its replicas; the standby still takes over', () => {
    const o = render(drFleet({ state: DR_STATE.replace('api: prod-eu-1', 'api: {active: dr-eu-central-1, keepPrimary: true}') }).app);
    expect(o['clusters/prod-eu-1/api/Deployment.api.yaml'].spec.replicas).toBe(2);
    expect(o['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec.minReplicas).toBe(2);
    expect(o['argocd/platform/applications/Application.api-dr-eu-central-1.yaml'].metadata.annotations['fleet.cdk8s.io/dr-keep-primary']).toBe('true');
  });

  test('a workload with its own autoscaler: the standby keeps it, bounded by the primary\'s maximum; a passive primary lowers its minimum', () => {
    const o = render(drFleet({ hpa: true }).app);
    expect(o['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 1, maxReplicas: 8 });
    expect(o['clusters/prod-eu-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 2, maxReplicas: 8 });
    const failed = render(drFleet({ hpa: true, state: FAILED_OVER }).app);
    expect(failed['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 8, maxReplicas: 8 });
    expect(failed['clusters/prod-eu-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 1, maxReplicas: 8 });
  });

  test('standbyReplicas, standbyMaxReplicas and standbySettings shape the standby', () => {
    const { app } = drFleet({
      dr: { standbyReplicas: 2, standbyMaxReplicas: 4 },
      workload: { overrides: [] },
    });
    const o = render(app);
    expect(o['clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml'].spec).toMatchObject({ minReplicas: 2, maxReplicas: 4 });
  });
});

describe('DrApplication errors', () => {
  test('fails construction naming the prop and the value', () => {
    expect(() => drFleet({ dr: { standbyReplicas: 0 } })).toThrow("'standbyReplicas' (0) must be an integer of at least 1: a warm standby never starts cold from zero");
    expect(() => drFleet({ dr: { standbyMaxReplicas: 0 } })).toThrow("'standbyMaxReplicas' (0) must be an integer of at least 'standbyReplicas' (1)");
    expect(() => drFleet({ dr: { onCall: { service: 'slack', recipients: [] } } })).toThrow("'onCall': NotificationSubscription 'recipients' ([]) must be a non-empty list without ';'");
  });

  test('every problem of the props is reported at once: the values, the names and the state file', () => {
    // GIVEN a bad replica count, a pair name that is not a DNS label, a standby side name that is not one either
    const props = { standbyReplicas: 0, pairName: 'Api_Pair', standbySideName: 'DR' };
    // WHEN / THEN one error lists them all, and the state file's missing line
    let message = '';
    try {
      drFleet({ dr: props });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("'standbyReplicas' (0) must be an integer of at least 1");
    expect(message).toContain("'pairName' ('Api_Pair') ");
    expect(message).toContain("'standbySideName' ('DR') ");
    expect(message).toContain("has no line for DR pair 'Api_Pair'");
  });

  test('primary and standby must differ; the monitoring cluster watches from outside both', () => {
    const { fleet } = testFleet();
    const a = addCluster(fleet, 'a', { environment: 'production' });
    const b = addCluster(fleet, 'b', { environment: 'production' });
    const versions = new VersionsFile(fleet, 'Versions', { content: 'environments: [production]\nversions:\n  mon:\n    production: 1.0.0\n' });
    const helm = new HelmApplication(fleet, 'mon', { namespace: 'mon', repoUrl: 'https://charts.example.com', chart: 'mon', versions, matchLabels: { environment: 'production' } });
    const props = { source: DrSource.helmApplication(helm), onCall: { service: 'slack', recipients: ['x'] }, monitoring: { cluster: a, clusterDown: { runbookUrl: 'https://r' } } };
    expect(() => new DrApplication(fleet, 'same', { ...props, primary: [a], standby: [a] })).toThrow("'primary' and 'standby' must be different clusters, got 'a' in both");
    expect(() => new DrApplication(fleet, 'watch', { ...props, primary: [a], standby: [b] }))
      .toThrow("'monitoring.cluster' ('a') is a side of the pair: it could not alert when its side is down; watch from a third cluster");
  });

  test('the state file must name the pair and one of its sides', () => {
    expect(() => drFleet({ state: 'active:\n  other: x\n' })).toThrow("has no line for DR pair 'api'; add `  api: prod-eu-1` under 'active'");
    expect(() => drFleet({ state: 'active:\n  api: dr-eu-west-9\n' })).toThrow("the DR state file makes 'dr-eu-west-9' active, which is not a side of pair 'api' (prod-eu-1, dr-eu-central-1)");
    const { app } = drFleet({ state: 'active:\n  api: prod-eu-1\n  stale: x\n' });
    expect(() => app._render()).toThrow("the DR state file: 'active.stale' names no DrApplication (pairs: api); remove the line or declare the pair");
  });

  test('a standby the workload selects, or a primary it does not, fails synth', () => {
    const { app } = drFleet({ workload: { matchExpressions: [{ key: 'environment', operator: LabelSelectorOperator.IN, values: ['production'] }] } });
    expect(() => app._render()).toThrow("standby 'dr-eu-central-1' is selected by Workload 'api', whose ApplicationSet would deploy a second, full copy there; exclude it from the selector (e.g. a label NotIn)");
  });

  test('a given project must allow the standby', () => {
    const { app } = drFleet({ dr: { project: undefined } });
    expect(app).toBeDefined();
    expect(() => {
      const f = drFleet({ dr: { pairName: 'api' } });
      const project = new AppProject(f.fleet, 'tight', { projectName: 'tight', destinations: [ProjectDestination.cluster(f.clusters['prod-us-1'], 'monitoring')] });
      new DrApplication(f.fleet, 'again', {
        pairName: 'api2',
        source: DrSource.workload(f.api),
        primary: [f.clusters['prod-eu-1']],
        standby: [f.clusters['dr-eu-central-1']],
        project,
        onCall: { service: 'slack', recipients: ['sre'] },
        monitoring: { cluster: f.clusters['prod-us-1'], clusterDown: { runbookUrl: 'https://runbooks.acme.io/x' } },
        state: new DrStateFile(f.fleet, 'State2', { content: 'active:\n  api2: prod-eu-1\n' }),
      });
      f.app._render();
    }).toThrow("AppProject 'tight' does not allow destination dr-eu-central-1/api; add it to the project");
  });
});

describe('DrApplication names', () => {
  test('GIVEN two DR pairs of one name (one state-file line, one failover argument) WHEN validated THEN each names the other; one removed from the tree is not counted', () => {
    // GIVEN the fixture's pair 'api' and a second pair 'api' over the same workload
    const f = drFleet();
    const again = (id: string) => new DrApplication(f.fleet, id, {
      pairName: 'api',
      source: DrSource.workload(f.api),
      primary: [f.clusters['prod-eu-1']],
      standby: [f.clusters['dr-eu-central-1']],
      project: f.dr.project,
      onCall: { service: 'slack', recipients: ['sre'] },
      monitoring: { cluster: f.clusters['prod-us-1'], clusterDown: { runbookUrl: 'https://runbooks.acme.io/x' } },
    });
    const second = again('again');
    again('gone');
    f.fleet.node.tryRemoveChild('gone');
    // WHEN
    const problems = [f.dr, second].map(d => d.node.validate().filter(e => e.includes("'pairName'")));
    // THEN
    expect(problems).toEqual([
      ["'pairName' ('api') is also the name of the DR pair at 'platform/again'; a pair's name is its line in the DR state file and what "
        + '`cdk8s-fleet failover` and the checklist call it, so pair names must be unique in an app'],
      [expect.stringMatching(/^'pairName' \('api'\) is also the name of the DR pair at 'platform\/api-dr';/)],
    ]);
  });
});

describe('DrApplication with a HelmApplication', () => {
  test('a traffic switch is refused: the chart\'s objects are unknown offline, so nothing in the tree would move', () => {
    // GIVEN a chart pair with an external-dns switch
    const { fleet } = testFleet();
    const a = addCluster(fleet, 'prod-eu-1', { environment: 'production' });
    const b = addCluster(fleet, 'dr-eu-central-1', { environment: 'dr' });
    const mon = addCluster(fleet, 'prod-us-1', { environment: 'ops' });
    const versions = new VersionsFile(fleet, 'Versions', { content: 'environments: [production]\nversions:\n  web:\n    production: 1.0.0\n' });
    const helm = new HelmApplication(fleet, 'web', { namespace: 'web', repoUrl: 'https://charts.example.com', chart: 'web', versions, matchLabels: { environment: 'production' } });
    // WHEN / THEN
    expect(() => new DrApplication(fleet, 'web-dr', {
      source: DrSource.helmApplication(helm),
      primary: [a],
      standby: [b],
      onCall: { service: 'slack', recipients: ['x'] },
      monitoring: { cluster: mon, clusterDown: { runbookUrl: 'https://r' } },
      trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.ingress('web') }),
    })).toThrow("'trafficSwitch' applies to Workload pairs: a chart's objects are unknown offline, so no annotation would change; put the switch on a Workload or move traffic outside the tree");
  });

  test('the standby runs the chart at the primary environment\'s version, with its region\'s values and its footprint', () => {
    // GIVEN
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu-west-1' });
    const standby = addCluster(fleet, 'dr-eu-central-1', { environment: 'dr', region: 'eu-central-1' });
    const mon = addCluster(fleet, 'prod-us-1', { environment: 'ops', region: 'us-east-1' });
    const versions = new VersionsFile(fleet, 'Versions', { content: 'environments: [staging, production]\nversions:\n  cache:\n    staging: 7.1.0\n    production: 7.0.4\n' });
    const cache = new HelmApplication(fleet, 'cache', {
      namespace: 'cache',
      repoUrl: 'https://charts.bitnami.com/bitnami',
      chart: 'redis',
      versions,
      matchLabels: { environment: 'production' },
      valuesByLabel: [{ labelKey: 'region', values: { 'eu-west-1': { a: 1 }, 'eu-central-1': { a: 2 } } }],
      values: { replica: { replicaCount: 3 } },
    });
    new DrApplication(fleet, 'cache-dr', {
      source: DrSource.helmApplication(cache, { passiveValues: { replica: { replicaCount: 1 } }, activeValues: { replica: { replicaCount: 3 } } }),
      primary: [prod],
      standby: [standby],
      onCall: { service: 'pagerduty', recipients: ['platform'] },
      monitoring: { cluster: mon, clusterDown: { runbookUrl: 'https://runbooks.acme.io/cache' } },
    });
    const ops = new AppProject(fleet, 'ops', { projectName: 'ops', destinations: [ProjectDestination.cluster(mon, 'monitoring')], sourceRepos: ['https://prometheus-community.github.io/helm-charts'] });
    // WHEN (the monitoring cluster runs the Prometheus Operator's chart)
    new Application(fleet, 'prom', {
      destination: mon,
      destinationNamespace: 'monitoring',
      project: ops,
      source: ApplicationSource.helm({ repoUrl: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '65.1.1' }),
    });
    const o = render(app);
    // THEN
    const a = o['argocd/platform/applications/Application.cache-dr-eu-central-1.yaml'];
    expect(a.spec.project).toBe('cache-dr');
    expect(a.spec.sources[0]).toEqual({
      repoURL: 'https://charts.bitnami.com/bitnami',
      chart: 'redis',
      targetRevision: '7.0.4',
      helm: { valuesObject: { replica: { replicaCount: 1 } }, valueFiles: ['$values/values/cache/region-eu-central-1.yaml'] },
    });
    expect(a.spec.sources[1]).toEqual({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', ref: 'values' });
    // AND the standby creates the release's namespace (the chart renders none)
    expect(a.spec.syncPolicy).toEqual({ automated: { prune: true, selfHeal: true, allowEmpty: false }, syncOptions: ['CreateNamespace=true'] });
    expect(schemaProblems(files(app))).toEqual([]);
    const appSet = o['argocd/platform/applicationsets/ApplicationSet.cache-production.yaml'];
    expect(appSet.spec.templatePatch).toContain('{{- if eq .name "prod-eu-1" }}');
  });
});
