import * as fs from 'fs';
import * as path from 'path';
import { Duration } from 'cdk8s';
import * as yaml from 'js-yaml';
import { ClusterMatch, ExternalDnsTrafficSwitch, IObjectPatch, SwitchTarget } from '../../src';
import { proveDisasterRecovery } from '../../src/dr/private/dr-proofs';
import { readTreeModel } from '../../src/gitops/fleet-model';
import { computePlan, planText } from '../../src/gitops/fleet-plan';
import { planHtml } from '../../src/gitops/plan-html';
import { errorOf } from '../util';
import { drFleet, DR_STATE, FixtureOptions } from './fixture';

const FAILED_OVER = DR_STATE.replace('api: prod-eu-1', 'api: dr-eu-central-1');
const PREFIX = "[platform/api-dr/Standby-dr-eu-central-1] DR pair 'api': ";
const STANDBY = "standby 'dr-eu-central-1' (mirrors 'prod-eu-1'): ";

/** The DR proofs' findings of a synthesized tree on disk (what `cdk8s-fleet validate` runs). */
function proofsOnDisk(dir: string): string[] {
  const model = readTreeModel(dir);
  return proveDisasterRecovery(model, computePlan(model));
}

describe('DR proofs at synth', () => {
  test('a complete standby passes, primary active and failed over', () => {
    expect(() => (drFleet().app as any)._render()).not.toThrow();
    expect(() => (drFleet({ state: FAILED_OVER }).app as any)._render()).not.toThrow();
  });

  test('a secret store missing on the standby', () => {
    // GIVEN the Vault store deployed to every production cluster but the standby
    const { app } = drFleet({ standbyStore: false });
    // WHEN / THEN synth names the ExternalSecret, the store and the standby, and writes nothing
    expect(errorOf(() => (app as any)._render())).toContain(`${PREFIX}${STANDBY}ExternalSecret 'api/api-db' reads ClusterSecretStore 'vault', which cluster 'dr-eu-central-1' does not have: `
      + 'a secret store missing on the standby leaves the Secret empty when it takes over; deploy the store there (FleetSecretStore) or declare it pre-installed [disaster-recovery]');
  });

  test('a standby on an older version than its primary', () => {
    // GIVEN the standby pinned to 1.7.0 (the promotion guard admits an older version; the DR proof does not)
    const { app } = drFleet({ standbySettings: { imageTag: '1.7.0' } });
    // THEN
    expect(errorOf(() => (app as any)._render())).toContain(`${PREFIX}${STANDBY}runs ghcr.io/acme/api:1.7.0, older than the primary's 1.8.2: `
      + 'a failover would roll back; the promotion guard applies to the standby [disaster-recovery]');
  });

  test('a standby whose autoscaler maximum is below the primary\'s replicas', () => {
    const { app } = drFleet({ dr: { standbyMaxReplicas: 1 } });
    expect(errorOf(() => (app as any)._render())).toContain(`${PREFIX}${STANDBY}its HorizontalPodAutoscaler 'api' allows at most 1 replicas, below the primary's 2: `
      + "after a failover it could not carry the primary's load; raise 'standbyMaxReplicas' [disaster-recovery]");
  });

  test('a standby whose quota cannot hold the active footprint', () => {
    // GIVEN a standby quota of 2 pods; the active footprint is the primary's 2 replicas of 250m: fits
    expect(() => (drFleet({ standbySettings: { quota: { requestsCpu: '500m', pods: 2 } } }).app as any)._render()).not.toThrow();
    // WHEN the quota admits one pod only
    const { app } = drFleet({ standbySettings: { quota: { requestsCpu: '300m', pods: 20 } } });
    // THEN
    expect(errorOf(() => (app as any)._render())).toContain(`${PREFIX}${STANDBY}ResourceQuota 'api/api' allows requests.cpu 300m, `
      + 'but the active footprint (2 replicas of Deployment/api, and the namespace\'s other pods) needs 500m [disaster-recovery]');
  });

  test('the alert rule needs a Prometheus Operator on the monitoring cluster', () => {
    const { app, fleet } = drFleet();
    // GIVEN the monitoring cluster's kube-prometheus-stack removed
    fleet.node.tryRemoveChild('monitoring-prod-us-1');
    expect(errorOf(() => (app as any)._render())).toContain("its PrometheusRule goes to cluster 'prod-us-1', which runs no Prometheus Operator from the tree");
  });
});

describe('the RTO estimate', () => {
  test('the plan shows it, part by part, with the declared budget', () => {
    // GIVEN a response time of 5 minutes and a budget of 20
    const { app } = drFleet({ dr: { rto: { responseTime: Duration.minutes(5), budget: Duration.minutes(20) } } });
    // WHEN
    const text = planText((app as any)._render().plan);
    // THEN scrape + evaluation + the alert's `for` + response + Argo CD + HPA sync + pod start + readiness (the
    // standby's readiness probe: 5 s delay + 10 s period; the plan reads the recorded value) + the DNS TTL
    expect(text).toContain('  DR pair api (Workload/api): primary prod-eu-1 → standby dr-eu-central-1; active: prod-eu-1 (primary); '
      + 'standby footprint 1 replica, capacity 2; traffic: external-dns weighted api.acme.io; alerts on prod-us-1\n');
    expect(text).toContain('    RTO estimate 13m10s = scrape 30s + evaluation 30s + alert for 2m + response 5m + Argo CD reconciliation 3m '
      + '+ HPA sync 15s + pod start 30s + readiness 25s + traffic switch 1m; budget 20m');
  });

  test('the HTML page has a row per pair: sides, the active one, the estimate and the budget', () => {
    const base = (drFleet({ dr: { rto: { budget: Duration.minutes(20) } } }).app as any)._render().plan;
    const head = (drFleet({ dr: { rto: { budget: Duration.minutes(20) } }, state: FAILED_OVER }).app as any)._render().plan;
    expect(planHtml(base)).toContain('<tr class=""><th scope="row">api</th><td>prod-eu-1</td><td>dr-eu-central-1</td><td>prod-eu-1 (primary)</td>'
      + '<td title="8m10s = scrape 30s + evaluation 30s + alert for 2m + Argo CD reconciliation 3m + HPA sync 15s + pod start 30s + readiness 25s + traffic switch 1m (response time not declared); budget 20m">'
      + '8m10s + response</td><td>20m</td><td>external-dns weighted api.acme.io</td></tr>');
    expect(planHtml(head)).toContain('<tr class="changed"><th scope="row">api</th><td>prod-eu-1</td><td>dr-eu-central-1</td><td>dr-eu-central-1 (standby)</td>');
  });

  test('without a declared response time the plan says so', () => {
    const text = planText((drFleet().app as any)._render().plan);
    expect(text).toContain('    RTO estimate 8m10s = scrape 30s + evaluation 30s + alert for 2m + Argo CD reconciliation 3m + HPA sync 15s + pod start 30s + readiness 25s + traffic switch 1m (response time not declared)');
  });

  test('an estimate over the budget fails synth', () => {
    const { app } = drFleet({ dr: { rto: { budget: Duration.minutes(8) } } });
    expect(errorOf(() => (app as any)._render())).toContain(`${PREFIX}the RTO estimate exceeds its budget: 8m10s = scrape 30s + evaluation 30s + alert for 2m `
      + '+ Argo CD reconciliation 3m + HPA sync 15s + pod start 30s + readiness 25s + traffic switch 1m (response time not declared); budget 8m EXCEEDED [disaster-recovery]');
  });

  test('the parts follow the program: a webhook\'s delay, a shorter alert `for`', () => {
    const { app } = drFleet({
      dr: { rto: { argocdReconciliation: Duration.seconds(10), budget: Duration.minutes(5) } },
      monitoring: { clusterDown: { runbookUrl: 'https://runbooks.acme.io/dr/api', forDuration: Duration.minutes(1) } },
    });
    const text = planText((app as any)._render().plan);
    expect(text).toContain('RTO estimate 4m20s = scrape 30s + evaluation 30s + alert for 1m + Argo CD reconciliation 10s + HPA sync 15s + pod start 30s + readiness 25s + traffic switch 1m (response time not declared); budget 5m');
  });
});

describe('DR proofs on a tree on disk (cdk8s-fleet validate)', () => {
  test('a standby edited to an older image, and its autoscaler maximum lowered, are caught', () => {
    // GIVEN a synthesized tree
    const { app } = drFleet();
    app.synth();
    const dir = app.outdir;
    expect(proofsOnDisk(dir)).toEqual([]);
    // WHEN someone edits the standby by hand
    const edit = (file: string, change: (o: any) => void) => {
      const p = path.join(dir, file);
      const o: any = yaml.load(fs.readFileSync(p, 'utf-8'));
      change(o);
      fs.writeFileSync(p, yaml.dump(o));
    };
    edit('clusters/dr-eu-central-1/api/Deployment.api.yaml', o => { o.spec.template.spec.containers[0].image = 'ghcr.io/acme/api:1.8.1'; });
    edit('clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml', o => { o.spec.maxReplicas = 1; });
    // THEN
    expect(proofsOnDisk(dir)).toEqual([
      `DR pair 'api': ${STANDBY}runs ghcr.io/acme/api:1.8.1, older than the primary's 1.8.2: a failover would roll back; the promotion guard applies to the standby [disaster-recovery]`,
      `DR pair 'api': ${STANDBY}its HorizontalPodAutoscaler 'api' allows at most 1 replicas, below the primary's 2: after a failover it could not carry the primary's load; raise 'standbyMaxReplicas' [disaster-recovery]`,
    ]);
  });
});

describe('an external-dns switch\'s name is published by the pair\'s records only', () => {
  const PUBLISHED = "[platform/api-dr/Standby-dr-eu-central-1] DR pair 'api': cluster 'prod-us-1' publishes api.acme.io from Service 'api/api' (clusters/prod-us-1/api/Service.api.yaml) ";
  /** prod-us-1 (outside the pair, running the same workload) annotates its Service with `annotations`. */
  const annotateProdUs1 = (annotations: Record<string, string>): IObjectPatch => ({
    patch: (o: any) => { if (o.kind === 'Service') o.metadata.annotations = { ...o.metadata.annotations, ...annotations }; },
  });
  const withProdUs1 = (annotations: Record<string, string>, o: FixtureOptions = {}) => drFleet({
    ...o,
    workload: { overrides: [{ match: ClusterMatch.cluster('prod-us-1'), settings: { patches: [annotateProdUs1(annotations)] } }] },
  });

  test('another cluster publishing the pair\'s weighted name plainly fails synth', () => {
    // GIVEN prod-us-1 publishes api.acme.io too, with no routing policy
    const { app } = withProdUs1({ 'external-dns.kubernetes.io/hostname': 'api.acme.io' });
    // WHEN / THEN synth names the pair, the host, the cluster and the object, and what to do
    expect(errorOf(() => (app as any)._render())).toContain(`${PUBLISHED}without weighted routing (no external-dns set-identifier and aws-weight annotations): `
      + "its external-dns would create a plain record next to the pair's weighted records of the same name, which Route 53 refuses; "
      + "serve a host of its own there (a regional name), or put 'prod-us-1' in the weighted set (set-identifier and aws-weight on that object) [disaster-recovery]");
  });

  test('names compare as DNS does: the alpha prefix, a list, upper case and the final dot', () => {
    const { app } = withProdUs1({ 'external-dns.alpha.kubernetes.io/hostname': 'api.us.acme.io, API.Acme.IO.' });
    expect(errorOf(() => (app as any)._render())).toContain(`${PUBLISHED}without weighted routing`);
  });

  test('a cluster in the weighted set, or serving a host of its own, passes', () => {
    // GIVEN prod-us-1 with its own set identifier and weight for api.acme.io
    const weighted = withProdUs1({
      'external-dns.kubernetes.io/hostname': 'api.acme.io',
      'external-dns.kubernetes.io/set-identifier': 'prod-us-1',
      'external-dns.kubernetes.io/aws-weight': '50',
    });
    // THEN
    expect(() => (weighted.app as any)._render()).not.toThrow();
    // GIVEN prod-us-1 serving its regional name; THEN
    expect(() => (withProdUs1({ 'external-dns.kubernetes.io/hostname': 'api.us.acme.io' }).app as any)._render()).not.toThrow();
  });

  test('failover routing owns the name: any other record of it is refused', () => {
    // GIVEN a failover switch, and prod-us-1 publishing the name as a failover record of its own
    const { app } = withProdUs1(
      { 'external-dns.kubernetes.io/hostname': 'api.acme.io', 'external-dns.kubernetes.io/set-identifier': 'prod-us-1', 'external-dns.kubernetes.io/aws-failover': 'SECONDARY' },
      { dr: { trafficSwitch: ExternalDnsTrafficSwitch.failover({ target: SwitchTarget.service('api'), hostname: 'api.acme.io' }) } },
    );
    // THEN
    expect(errorOf(() => (app as any)._render())).toContain(`${PUBLISHED}as a SECONDARY failover record: `
      + "the pair's failover routing owns the name's one PRIMARY and one SECONDARY record, and Route 53 refuses any other record of it; "
      + 'serve a host of its own there (a regional name), or switch the pair with ExternalDnsTrafficSwitch.weighted() and put that cluster in the weighted set [disaster-recovery]');
  });

  test('on disk: an Ingress rule or TLS host, and a VirtualService on a gateway, publish the name; one on the mesh only does not', () => {
    // GIVEN a synthesized tree
    const { app } = drFleet();
    app.synth();
    const dir = app.outdir;
    expect(proofsOnDisk(dir)).toEqual([]);
    const write = (file: string, o: any) => fs.writeFileSync(path.join(dir, file), yaml.dump(o));
    const meta = (name: string) => ({ name, namespace: 'api' });
    // WHEN prod-us-1's directory gains an Ingress (TLS host only), a VirtualService on the mesh, and one on a gateway
    write('clusters/prod-us-1/api/Ingress.web.yaml', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('web'),
      spec: { rules: [{ host: 'web.acme.io' }], tls: [{ hosts: ['api.acme.io'], secretName: 'tls' }] },
    });
    write('clusters/prod-us-1/api/VirtualService.internal.yaml', {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta('internal'), spec: { hosts: ['api.acme.io'], gateways: ['mesh'] },
    });
    write('clusters/prod-us-1/api/VirtualService.public.yaml', {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: meta('public'), spec: { hosts: ['*', 'api.acme.io'], gateways: ['istio-system/public', 'mesh'] },
    });
    // THEN the two that external-dns publishes are found, with no construct path (a tree on disk)
    const found = proofsOnDisk(dir);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^DR pair 'api': cluster 'prod-us-1' publishes api\.acme\.io from Ingress 'api\/web' \(clusters\/prod-us-1\/api\/Ingress\.web\.yaml\) without weighted routing/);
    expect(found[1]).toMatch(/^DR pair 'api': cluster 'prod-us-1' publishes api\.acme\.io from VirtualService 'api\/public' \(clusters\/prod-us-1\/api\/VirtualService\.public\.yaml\) without weighted routing/);
  });

  test('another object on a cluster of the pair is caught too', () => {
    // GIVEN the standby's directory gains an Ingress for the switched name
    const { app } = drFleet();
    app.synth();
    fs.writeFileSync(path.join(app.outdir, 'clusters/dr-eu-central-1/api/Ingress.web.yaml'), yaml.dump({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'api' }, spec: { rules: [{ host: 'api.acme.io' }] },
    }));
    // THEN
    expect(proofsOnDisk(app.outdir)).toEqual([expect.stringMatching(/^DR pair 'api': cluster 'dr-eu-central-1' \(of the pair\) also publishes api\.acme\.io from Ingress 'api\/web' /)]);
  });
});
