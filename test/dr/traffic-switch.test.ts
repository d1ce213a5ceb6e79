import { Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { AlertSeverity, DrRole, ExternalDnsAnnotationPrefix, ExternalDnsTrafficSwitch, LabelMatcher, SwitchTarget } from '../../src';
import { alertRuleSpec } from '../../src/dr/private/alert-rules';
import { errorOf, schemaProblems } from '../util';
import { drFleet, DR_STATE } from './fixture';

const FAILED_OVER = DR_STATE.replace('api: prod-eu-1', 'api: dr-eu-central-1');
const SERVICE = (cluster: string) => `clusters/${cluster}/api/Service.api.yaml`;

function rendered(app: any): { objects: Record<string, any>; files: Record<string, string> } {
  const objects: Record<string, any> = {};
  const files: Record<string, string> = {};
  for (const f of app._render().files) {
    files[f.path] = f.content;
    objects[f.path] = yaml.load(f.content);
  }
  return { objects, files };
}

describe('ExternalDnsTrafficSwitch', () => {
  test('weighted: a set identifier per cluster, the active side 100 and the passive 0, the TTL; clusters outside the pair untouched', () => {
    const { objects } = rendered(drFleet().app);
    expect(objects[SERVICE('prod-eu-1')].metadata.annotations).toEqual({
      'external-dns.kubernetes.io/hostname': 'api.acme.io',
      'external-dns.kubernetes.io/set-identifier': 'prod-eu-1',
      'external-dns.kubernetes.io/ttl': '60',
      'external-dns.kubernetes.io/aws-weight': '100',
    });
    expect(objects[SERVICE('dr-eu-central-1')].metadata.annotations['external-dns.kubernetes.io/aws-weight']).toBe('0');
    // A cluster outside the pair is not switched.
    expect(objects[SERVICE('prod-us-1')].metadata.annotations).toBeUndefined();
  });

  test('failover routing: PRIMARY on the active side, SECONDARY on the passive, a health check where given; valid before and after', () => {
    // GIVEN
    const trafficSwitch = ExternalDnsTrafficSwitch.failover({
      target: SwitchTarget.service('api'),
      hostname: 'api.acme.io',
      ttl: Duration.seconds(30),
      setIdentifiers: { 'prod-eu-1': 'eu-primary' },
      healthCheckIds: { 'prod-eu-1': 'abcdef01-2345-6789-abcd-ef0123456789' },
      annotationPrefix: ExternalDnsAnnotationPrefix.ALPHA,
    });
    // WHEN
    const before = rendered(drFleet({ dr: { trafficSwitch } }).app);
    const after = rendered(drFleet({ dr: { trafficSwitch }, state: FAILED_OVER }).app);
    // THEN
    expect(before.objects[SERVICE('prod-eu-1')].metadata.annotations).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'api.acme.io',
      'external-dns.alpha.kubernetes.io/set-identifier': 'eu-primary',
      'external-dns.alpha.kubernetes.io/ttl': '30',
      'external-dns.alpha.kubernetes.io/aws-failover': 'PRIMARY',
      'external-dns.alpha.kubernetes.io/aws-health-check-id': 'abcdef01-2345-6789-abcd-ef0123456789',
    });
    expect(before.objects[SERVICE('dr-eu-central-1')].metadata.annotations['external-dns.alpha.kubernetes.io/aws-failover']).toBe('SECONDARY');
    expect(after.objects[SERVICE('prod-eu-1')].metadata.annotations['external-dns.alpha.kubernetes.io/aws-failover']).toBe('SECONDARY');
    expect(after.objects[SERVICE('dr-eu-central-1')].metadata.annotations['external-dns.alpha.kubernetes.io/aws-failover']).toBe('PRIMARY');
    expect(schemaProblems(before.files)).toEqual([]);
    expect(schemaProblems(after.files)).toEqual([]);
  });

  test('bad options fail at the factory, naming the option and the value', () => {
    expect(() => ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.service('api'), activeWeight: 256 }))
      .toThrow("ExternalDnsTrafficSwitch.weighted: 'activeWeight' (256) must be an integer from 0 to 255 (a Route 53 weight)");
    expect(() => ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.service('api'), activeWeight: 5, passiveWeight: 5 }))
      .toThrow("'activeWeight' (5) must be more than 'passiveWeight' (5)");
    expect(() => ExternalDnsTrafficSwitch.failover({ target: SwitchTarget.service('api'), hostname: 'API_.acme.io' }))
      .toThrow("ExternalDnsTrafficSwitch.failover: 'hostname' ('API_.acme.io') is not a DNS name");
    expect(() => ExternalDnsTrafficSwitch.failover({ target: SwitchTarget.service('api'), healthCheckIds: { 'prod-eu-1': 'not a check' } }))
      .toThrow("'healthCheckIds.prod-eu-1' ('not a check') is not a Route 53 health check ID");
    expect(() => ExternalDnsAnnotationPrefix.of('example.com')).toThrow("ExternalDnsAnnotationPrefix.of 'prefix' ('example.com') must end with '/'");
  });

  test('failover routing needs one cluster per side: Route 53 puts the Failover element on two record sets, one PRIMARY and one SECONDARY', () => {
    // GIVEN a side of two clusters (Route 53 API ResourceRecordSet.Failover: "you add the Failover element to two resource record sets")
    const sw = ExternalDnsTrafficSwitch.failover({ target: SwitchTarget.service('api'), hostname: 'api.acme.io' });
    const objects = () => [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'api' }, spec: { type: 'LoadBalancer' } }];
    const context = { pairName: 'api', clusterName: 'prod-eu-1', role: DrRole.PRIMARY, active: true, namespace: 'api', sideClusters: ['prod-eu-1', 'prod-eu-2'], otherSideClusters: ['dr-eu-central-1'] };
    // WHEN / THEN
    expect(sw.applyTo(objects(), context)).toEqual([
      "failover routing writes one PRIMARY and one SECONDARY record for 'api.acme.io' (Route 53 takes no more), but side of 'prod-eu-1' has 2 clusters (prod-eu-1, prod-eu-2); use ExternalDnsTrafficSwitch.weighted()",
    ]);
    // AND weighted records take any number, one set identifier each
    const weighted = ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.service('api'), hostname: 'api.acme.io' });
    expect(weighted.applyTo(objects(), context)).toEqual([]);
  });

  test('a VirtualService bound to no gateway, or a target with no host name, publishes nothing: refused', () => {
    // GIVEN external-dns v0.22.0 source/istio_virtualservice.go: the 'mesh' gateway is ignored, targets come from
    // the VirtualService's gateways; hosts '' and '*' are skipped; an Ingress's names are its rules' and TLS hosts
    const context = { pairName: 'api', clusterName: 'prod-eu-1', role: DrRole.PRIMARY, active: true, namespace: 'api', sideClusters: ['prod-eu-1'], otherSideClusters: ['dr-eu-central-1'] };
    const vs = (spec: any) => [{ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'api', namespace: 'api' }, spec }];
    const sw = ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.virtualService('api') });
    // WHEN / THEN
    expect(sw.applyTo(vs({ hosts: ['api.acme.io'], gateways: ['mesh'] }), context)).toEqual([
      "the traffic switch annotates VirtualService 'api', which is bound to no gateway but 'mesh' on 'prod-eu-1': external-dns takes its targets from its gateways' load balancers and publishes nothing; bind it to an ingress gateway",
    ]);
    expect(sw.applyTo(vs({ hosts: ['*'], gateways: ['istio-system/public'] }), context)).toEqual([
      "the traffic switch annotates VirtualService 'api', which names no host on 'prod-eu-1' (its hosts are '', '*' or none): external-dns publishes nothing; set 'hostname'",
    ]);
    expect(sw.applyTo(vs({ hosts: ['istio-system/api.acme.io'], gateways: ['istio-system/public'] }), context)).toEqual([]);
    const ingress = ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.ingress('api') });
    const noHost = [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'api' }, spec: { defaultBackend: { service: { name: 'api', port: { number: 80 } } } } }];
    expect(ingress.applyTo(noHost, context)).toEqual([
      "the traffic switch annotates Ingress 'api', which names no host on 'prod-eu-1' (no rule or TLS host): external-dns publishes nothing; set 'hostname'",
    ]);
  });

  test('set identifiers must be unique across the pair and name its clusters', () => {
    // GIVEN two clusters given the same set identifier, and one for a cluster outside the pair
    const sw = ExternalDnsTrafficSwitch.weighted({
      target: SwitchTarget.service('api'), hostname: 'api.acme.io', setIdentifiers: { 'prod-eu-1': 'eu', 'dr-eu-central-1': 'eu', 'prod-eu-9': 'x' },
    });
    const context = { pairName: 'api', clusterName: 'prod-eu-1', role: DrRole.PRIMARY, active: true, namespace: 'api', sideClusters: ['prod-eu-1'], otherSideClusters: ['dr-eu-central-1'] };
    // WHEN
    const problems = sw.applyTo([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { type: 'LoadBalancer' } }], context);
    // THEN
    expect(problems).toEqual([
      "'setIdentifiers' gives 'eu' to prod-eu-1 and dr-eu-central-1: each record of 'api.acme.io' needs its own set identifier (Route 53 SetIdentifier)",
      "'setIdentifiers.prod-eu-9' names no cluster of DR pair 'api' (prod-eu-1, dr-eu-central-1)",
    ]);
  });

  test.each([['constructor']])('a cluster named %p (a DNS label like Object.prototype.constructor) that the set identifiers and health checks do not name gets its own name and no check', (cluster) => {
    // GIVEN identifiers and health checks for the other cluster of the pair only, and a cluster named like a member of Object.prototype
    const sw = ExternalDnsTrafficSwitch.failover({
      target: SwitchTarget.service('api'),
      hostname: 'api.acme.io',
      setIdentifiers: { 'prod-eu-1': 'eu' },
      healthCheckIds: { 'prod-eu-1': 'abcdef01-2345-6789-abcd-ef0123456789' },
    });
    const context = { pairName: 'api', clusterName: cluster, role: DrRole.STANDBY, active: false, namespace: 'api', sideClusters: [cluster], otherSideClusters: ['prod-eu-1'] };
    const objects: any[] = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { type: 'LoadBalancer' } }];
    // WHEN the switch annotates its Service
    const problems = sw.applyTo(objects, context);
    // THEN the set identifier is the cluster's name and no health check is set
    expect(problems).toEqual([]);
    expect(objects[0].metadata.annotations).toEqual({
      'external-dns.kubernetes.io/hostname': 'api.acme.io',
      'external-dns.kubernetes.io/set-identifier': cluster,
      'external-dns.kubernetes.io/ttl': '60',
      'external-dns.kubernetes.io/aws-failover': 'SECONDARY',
    });
  });

  test('a target the workload does not render, or a Service without a host name, fails synth', () => {
    const ingress = drFleet({ dr: { trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.ingress('api') }) } });
    expect(errorOf(() => ingress.app._render())).toContain("the traffic switch annotates Ingress 'api', which is not rendered for 'prod-eu-1' (it has no Ingress)");
    const noHost = drFleet({ dr: { trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.service('api') }) } });
    expect(errorOf(() => noHost.app._render())).toContain("the traffic switch annotates Service 'api', for which external-dns needs the 'hostname'");
  });
});

describe('the PrometheusRule', () => {
  test('PrimaryClusterDown: typed job and cluster matchers, for, severity, runbook URL and summary', () => {
    // GIVEN
    const { app } = drFleet({
      monitoring: {
        clusterDown: {
          job: 'apiserver',
          clusterLabel: 'k8s_cluster',
          clusterLabelValues: { 'prod-eu-1': 'prod-eu-1.acme' },
          matchers: [LabelMatcher.notEqualTo('env', 'test')],
          forDuration: Duration.minutes(3),
          severity: AlertSeverity.WARNING,
          runbookUrl: 'https://runbooks.acme.io/dr/api',
          summary: 'API primary down',
        },
      },
    });
    // WHEN
    const { objects, files } = rendered(app);
    const rule = objects['clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml'];
    // THEN
    expect(rule.metadata).toEqual({ name: 'api-dr', namespace: 'monitoring', labels: { release: 'monitoring' } });
    expect(rule.spec.groups[0].name).toBe('dr-api');
    expect(rule.spec.groups[0].interval).toBe('30s');
    expect(rule.spec.groups[0].rules[0]).toEqual({
      alert: 'PrimaryClusterDown',
      expr: 'up{job="apiserver",k8s_cluster="prod-eu-1.acme",env!="test"} == 0 or absent(up{job="apiserver",k8s_cluster="prod-eu-1.acme",env!="test"})',
      for: '3m',
      labels: { severity: 'warning', dr_pair: 'api', dr_active_side: 'prod-eu-1' },
      annotations: {
        summary: 'API primary down',
        description: 'The Kubernetes API server of prod-eu-1 has been down or unscraped for 3m. To move traffic to dr-eu-central-1: cdk8s-fleet failover api --to dr-eu-central-1, then review and merge the pull request.',
        runbook_url: 'https://runbooks.acme.io/dr/api',
      },
    });
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual(['PrimaryClusterDown', 'DrStandbyOutOfSync', 'DrStandbyDegraded']);
    expect(schemaProblems(files)).toEqual([]);
  });

  test('monitoring options that would not work fail construction', () => {
    expect(errorOf(() => drFleet({ monitoring: { clusterDown: { runbookUrl: 'runbooks/api' } } })))
      .toContain("'monitoring.clusterDown.runbookUrl' ('runbooks/api') must be an http(s) URL");
    expect(errorOf(() => drFleet({ monitoring: { clusterDown: { runbookUrl: 'https://r', forDuration: Duration.seconds(30) } } })))
      .toContain("'monitoring.clusterDown.forDuration' (30s) must be at least two scrape intervals (30s × 2): absent() fires on one missed scrape otherwise");
    expect(errorOf(() => drFleet({ monitoring: { clusterDown: { runbookUrl: 'https://r', clusterLabel: '0cluster' } } })))
      .toContain('monitoring.clusterDown.clusterLabel');
  });

  test('the default `for` (2m) is checked against the scrape interval too', () => {
    // GIVEN a 90s scrape interval and no forDuration (cloudflare/pint alerts/absent: for ≥ 2 scrape intervals)
    const monitoring = { scrapeInterval: Duration.seconds(90), clusterDown: { runbookUrl: 'https://r' } };
    // WHEN / THEN
    expect(errorOf(() => drFleet({ monitoring }))).toContain("'monitoring.clusterDown.forDuration' (2m) must be at least two scrape intervals (1m30s × 2)");
  });

  test('an active cluster named constructor, which clusterLabelValues does not name, is watched under its own name', () => {
    // GIVEN a label value for another cluster only, and an active cluster named like a member of Object.prototype
    const input = {
      pair: 'api',
      activeSide: 'constructor',
      activeClusters: ['constructor'],
      passiveSide: 'dr',
      passiveApplications: [],
      command: 'cdk8s-fleet failover api --to dr',
      argocdNamespace: 'argocd',
      evaluationInterval: Duration.seconds(30),
      extraAlerts: [],
      clusterDown: { runbookUrl: 'https://r', clusterLabelValues: { dr: 'dr.acme' } },
    };
    // WHEN the rule is written
    const rule = alertRuleSpec(input).groups[0].rules[0];
    // THEN its selector matches the cluster's own name
    expect(rule.expr).toBe('up{job="kubernetes-apiservers",cluster="constructor"} == 0 or absent(up{job="kubernetes-apiservers",cluster="constructor"})');
  });

  test('clusterLabelValues must name clusters of the pair: a misspelt key would leave the cluster watched under its own name', () => {
    // GIVEN a value for a cluster that is not a side of the pair
    const monitoring = { clusterDown: { runbookUrl: 'https://r', clusterLabelValues: { 'prod-eu-01': 'eu1' } } };
    // WHEN / THEN
    expect(errorOf(() => drFleet({ monitoring }))).toContain("'monitoring.clusterDown.clusterLabelValues.prod-eu-01' names no cluster of the pair (prod-eu-1, dr-eu-central-1)");
  });
});
