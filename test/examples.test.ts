import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { schemaProblems, treeSnapshot } from './util';
import { buildExampleFleet } from '../examples/basic-fleet/main';
import { main } from '../src/cli/main';

// The certificate checks run against this clock (the verdict never changes the tree's bytes).
process.env.SOURCE_DATE_EPOCH = String(Date.UTC(2026, 0, 1) / 1000);

describe('examples/basic-fleet', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-example-'));
  const result = buildExampleFleet(outdir).synthTree();
  const tree = treeSnapshot(outdir, { excludeState: true });
  const objects: Record<string, any> = Object.fromEntries(Object.entries(tree).map(([p, c]) => [p, yaml.load(c)]));

  test('the whole tree, as { path: yaml }', () => {
    expect(tree).toMatchSnapshot();
  });

  test('every object validates strictly against the pinned upstream schemas', () => {
    expect(schemaProblems(tree)).toEqual([]);
  });

  test('at least 6 clusters across dev, staging and production in two regions, and a DR standby in a third', () => {
    const secrets = Object.entries(objects).filter(([p]) => p.startsWith('argocd/platform/clusters/'));
    const labels = secrets.map(([, o]) => o.kind === 'Secret' ? o.metadata.labels : o.spec.target.template.metadata.labels);
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    expect(new Set(labels.map(l => l.environment))).toEqual(new Set(['management', 'dev', 'staging', 'production']));
    expect(new Set(labels.map(l => l.region))).toEqual(new Set(['eu-west-1', 'us-east-1', 'eu-central-1']));
    for (const l of labels) expect(l['argocd.argoproj.io/secret-type']).toBe('cluster');
  });

  test('no credential reaches the tree: store-backed clusters are ExternalSecrets, others carry only identities', () => {
    for (const [p, o] of Object.entries(objects)) {
      if (o.kind === 'Secret' && p.startsWith('argocd/platform/clusters/')) {
        const config = JSON.parse(o.stringData.config);
        expect([p, config.bearerToken, config.password, config.tlsClientConfig?.keyData]).toEqual([p, undefined, undefined, undefined]);
      }
    }
    expect(objects['argocd/platform/clusters/ExternalSecret.cluster-dev-eu-1.yaml'].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
  });

  test('seven AppProjects (the DR pair\'s included); the web project may create no cluster-scoped object but its Namespace; workloads get exact ones', () => {
    expect(Object.keys(objects).filter(p => p.includes('/projects/'))).toEqual([
      'argocd/platform/projects/AppProject.api-dr.yaml',
      'argocd/platform/projects/AppProject.api.yaml',
      'argocd/platform/projects/AppProject.checkout.yaml',
      'argocd/platform/projects/AppProject.platform.yaml',
      'argocd/platform/projects/AppProject.secret-store-aws-secrets-manager.yaml',
      'argocd/platform/projects/AppProject.secret-store-vault.yaml',
      'argocd/platform/projects/AppProject.web.yaml',
    ]);
    expect(objects['argocd/platform/projects/AppProject.web.yaml'].spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'web' }]);
    expect(objects['argocd/platform/projects/AppProject.api.yaml'].spec.namespaceResourceWhitelist.map((k: any) => k.kind))
      .toEqual(['ConfigMap', 'Deployment', 'Service', 'ResourceQuota', 'LimitRange', 'Rollout', 'VirtualService', 'AnalysisTemplate', 'ExternalSecret', 'Ingress']);
    expect(objects['argocd/platform/projects/AppProject.secret-store-vault.yaml'].spec.clusterResourceWhitelist)
      .toEqual([{ group: 'external-secrets.io', kind: 'ClusterSecretStore', name: 'vault' }]);
  });

  test('secrets: stores where they are read, database credentials per environment, one SealedSecret, one SOPS file', () => {
    // Vault on the hub (cluster credentials), staging and production; AWS Secrets Manager on the us clusters.
    const stores = (name: string) => Object.keys(objects).filter(p => p.endsWith(`/ClusterSecretStore.${name}.yaml`)).map(p => p.split('/')[1]);
    expect(stores('vault')).toEqual(['dr-eu-central-1', 'hub', 'prod-eu-1', 'prod-eu-2', 'prod-us-1', 'staging-eu-1', 'staging-us-1']);
    expect(stores('aws-secrets-manager')).toEqual(['dev-us-1', 'prod-us-1', 'staging-us-1']);
    expect(objects['clusters/prod-eu-1/secret-store-vault/ClusterSecretStore.vault.yaml'].spec.provider.vault.auth.kubernetes)
      .toEqual({ mountPath: 'kubernetes', role: 'external-secrets', serviceAccountRef: { name: 'external-secrets', namespace: 'external-secrets' } });
    // The API's credentials: per environment, from Vault in eu and AWS in us, only on staging and production.
    const db = (c: string) => objects[`clusters/${c}/api/ExternalSecret.api-db.yaml`];
    expect(db('dev-eu-1')).toBeUndefined();
    expect(db('staging-eu-1').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
    expect(db('prod-us-1').spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'aws-secrets-manager' });
    expect(db('prod-eu-2').spec.data.map((d: any) => d.remoteRef)).toEqual([
      { key: 'apps/api/production/db', property: 'username' }, { key: 'apps/api/production/db', property: 'password' },
    ]);
    expect(db('staging-us-1').spec.data[0].remoteRef.key).toBe('apps/api/staging/db');
    // In production the API is a Rollout (its pod template carries the secret env like the Deployment's would).
    const env = objects['clusters/prod-eu-1/api/Rollout.api.yaml'].spec.template.spec.containers[0].env;
    expect(env.filter((e: any) => e.valueFrom)).toEqual([
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } },
      { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'api-db', key: 'username' } } },
    ]);
    expect(objects['clusters/dev-eu-1/api/Deployment.api.yaml'].spec.template.spec.containers[0].env ?? []).not.toContainEqual(expect.objectContaining({ name: 'DB_USER' }));
    // One SealedSecret, sealed for prod-eu-1's certificate, which prod-eu-1's cluster Secret records.
    const sealed = objects['clusters/prod-eu-1/web/SealedSecret.web-session.yaml'];
    const fingerprint = objects['argocd/platform/clusters/Secret.cluster-prod-eu-1.yaml'].metadata.annotations['fleet.cdk8s.io/sealing-certificates'];
    expect(sealed.metadata.annotations['fleet.cdk8s.io/sealing-certificate']).toBe(fingerprint);
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['SESSION_KEY']);
    // One SOPS file, copied byte for byte next to its ksops generator, for prod-eu-2.
    expect(tree['clusters/prod-eu-2/payments-api/payments-api.sops.yaml']).toBe(fs.readFileSync(path.join(__dirname, '../examples/basic-fleet/secrets/payments-api.sops.yaml'), 'utf-8'));
    expect(objects['clusters/prod-eu-2/payments-api/kustomization.yaml'].generators).toEqual(['ksops.yaml']);
    expect(objects['clusters/prod-eu-2/payments-api/ksops.yaml'].files).toEqual(['./payments-api.sops.yaml']);
  });

  test('the synthesized tree passes cdk8s-fleet validate, fleet proofs included', () => {
    let err = '';
    const code = main(['validate', outdir], { out: () => undefined, err: t => { err += t; } });
    expect(err).toBe('');
    expect(code).toBe(0);
  });

  test('the platform baseline: a Helm chart per environment (versions.yaml) with per-region values files', () => {
    const production = objects['argocd/platform/applicationsets/ApplicationSet.monitoring-production.yaml'];
    expect(production.spec.generators).toEqual([{
      clusters: {
        selector: {
          matchLabels: { environment: 'production' },
          matchExpressions: [{ key: 'environment', operator: 'In', values: ['staging', 'production'] }],
        },
      },
    }]);
    expect(production.spec.template.spec.sources[0].targetRevision).toBe('65.1.1');
    expect(objects['argocd/platform/applicationsets/ApplicationSet.monitoring-staging.yaml'].spec.template.spec.sources[0].targetRevision).toBe('66.0.0');
    expect(production.spec.template.spec.sources[0].helm.valueFiles).toEqual(['$values/values/monitoring/region-{{index .metadata.labels "region"}}.yaml']);
    expect(production.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true, applicationsSync: 'create-update' });
    expect(objects['values/monitoring/region-us-east-1.yaml']).toEqual({ prometheus: { prometheusSpec: { retention: '30d', externalLabels: { region: 'us-east-1' } } } });
  });

  test('the API service: rendered per cluster, its tag promoted through versions.yaml, quotas per environment', () => {
    const image = (c: string, kind: string) => objects[`clusters/${c}/api/${kind}.api.yaml`].spec.template.spec.containers[0].image;
    expect([image('dev-eu-1', 'Deployment'), image('staging-eu-1', 'Rollout'), image('prod-eu-1', 'Rollout')]).toEqual(['ghcr.io/acme/api:1.10.0', 'ghcr.io/acme/api:1.9.0', 'ghcr.io/acme/api:1.8.2']);
    expect(objects['clusters/prod-eu-1/api/Rollout.api.yaml'].spec.replicas).toBe(6);
    expect(objects['clusters/prod-us-1/api/Rollout.api.yaml'].spec.replicas).toBe(3);
    expect(objects['clusters/prod-us-1/api/ResourceQuota.api.yaml'].spec.hard).toEqual({ 'pods': '60', 'requests.cpu': '8', 'requests.memory': '8Gi' });
    expect(objects['clusters/dev-eu-1/api/ResourceQuota.api.yaml'].spec.hard).toEqual({ 'pods': '20', 'requests.cpu': '2', 'requests.memory': '2Gi' });
    // The hub runs no workload, only its drift guard and the secret store its cluster credentials read.
    expect(Object.keys(objects).some(p => p.startsWith('clusters/hub/api/'))).toBe(false);
    expect(Object.keys(objects).filter(p => p.startsWith('clusters/hub/')).every(p => /^clusters\/hub\/(drift-guard|secret-store-[a-z-]+)\//.test(p))).toBe(true);
  });

  test('the checkout service is written as a Kustomize base and one overlay per cluster', () => {
    expect(objects['apps/checkout/base/kustomization.yaml'].resources).toContain('Deployment.checkout.yaml');
    expect(objects['apps/checkout/overlays/dev-eu-1/kustomization.yaml'].resources).toEqual(['../../base']);
    expect(objects['apps/checkout/overlays/prod-us-1/kustomization.yaml'].resources).toEqual(['../../base', 'Rollout.checkout.yaml', 'Service.checkout-preview.yaml', 'AnalysisTemplate.success-rate.yaml']);
    expect(objects['argocd/platform/applicationsets/ApplicationSet.checkout.yaml'].spec.template.spec.source.path).toBe('apps/checkout/overlays/{{.name}}');
  });

  test('the API service is delivered by Argo Rollouts: plain in dev, canary with nginx in staging, canary with Istio and analysis in production', () => {
    expect(Object.keys(objects).filter(p => p.startsWith('clusters/dev-eu-1/api/Rollout'))).toEqual([]);
    const staging = objects['clusters/staging-eu-1/api/Rollout.api.yaml'].spec.strategy.canary;
    expect(staging).toMatchObject({ stableService: 'api', canaryService: 'api-canary', trafficRouting: { nginx: { stableIngress: 'api' } } });
    const production = objects['clusters/prod-us-1/api/Rollout.api.yaml'].spec.strategy.canary;
    expect(production.trafficRouting).toEqual({ istio: { virtualService: { name: 'api', routes: ['primary'] } } });
    expect(production.steps.filter((s: any) => s.setWeight !== undefined).map((s: any) => s.setWeight)).toEqual([5, 10, 30, 60]);
    expect(production.steps[2]).toEqual({ analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'api-canary' }] } });
    // The analysis never passes without data: an empty result or NaN fails the measurement.
    expect(objects['clusters/prod-us-1/api/AnalysisTemplate.success-rate.yaml'].spec.metrics[0].successCondition).toBe('len(result) > 0 && all(result, {# >= 0.99})');
    // Waves region by region, notifications, and Argo CD leaves the canary weights to the controller.
    const appSet = objects['argocd/platform/applicationsets/ApplicationSet.api.yaml'].spec;
    expect(appSet.strategy.rollingSync.steps.map((s: any) => s.matchExpressions[0].values)).toEqual([['eu-west-1'], ['us-east-1'], ['eu-west-1', 'us-east-1']]);
    expect(appSet.template.spec.ignoreDifferences).toEqual([{ group: 'networking.istio.io', kind: 'VirtualService', name: 'api', jqPathExpressions: ['.spec.http[].route[].weight'] }]);
    expect(appSet.template.spec.syncPolicy.syncOptions).toEqual(['ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true']);
  });

  test('the checkout service is blue-green in production, gated by pre-promotion analysis', () => {
    const rollout = objects['apps/checkout/overlays/prod-eu-1/Rollout.checkout.yaml'];
    expect(rollout.spec.strategy.blueGreen).toEqual({
      activeService: 'checkout',
      previewService: 'checkout-preview',
      autoPromotionSeconds: 600,
      prePromotionAnalysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'checkout-preview' }] },
      scaleDownDelaySeconds: 60,
    });
    expect(result.plan).toContain('      Rollout checkout: blueGreen: pre-promotion analysis success-rate → promote after 600s');
  });

  test('every Rollout, Service, Ingress, VirtualService and analysis template passes the controller rules (cdk8s-fleet lint)', () => {
    let out = '';
    const code = main(['lint', path.join(outdir, 'clusters')], { out: t => { out += t; }, err: () => undefined });
    expect([code, out]).toEqual([0, '']);
  });

  test('cluster add-ons: a matrix of clusters by label and a chart list, staging first', () => {
    const addons = objects['argocd/platform/applicationsets/ApplicationSet.addons.yaml'].spec;
    expect(addons.generators[0].matrix.generators[0]).toEqual({
      clusters: { selector: { matchExpressions: [{ key: 'environment', operator: 'In', values: ['staging', 'production'] }] } },
    });
    expect(addons.generators[0].matrix.generators[1].list.elements.map((e: any) => e.addon)).toEqual(['cert-manager', 'external-secrets', 'kyverno']);
    expect(addons.template.spec.source).toEqual({
      repoURL: '{{.repo}}', chart: '{{.chart}}', targetRevision: '{{.version}}', helm: { valuesObject: { installCRDs: true } },
    });
    expect(addons.template.metadata.labels).toEqual({ environment: '{{index .metadata.labels "environment"}}' });
    expect(addons.strategy.rollingSync.steps.map((s: any) => s.matchExpressions[0].operator)).toEqual(['In', 'NotIn']);
    expect(addons.template.metadata.annotations).toEqual({ 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'platform-alerts' });
  });

  test('the bootstrap points at the fleet\'s Argo CD folder with server-side apply', () => {
    const root = objects['bootstrap/Application.platform-root.yaml'];
    expect(root.spec.source).toEqual({ repoURL: 'https://github.com/acme/fleet-gitops.git', targetRevision: 'main', path: 'argocd/platform', directory: { recurse: true } });
    expect(root.spec.syncPolicy.syncOptions).toEqual(['ServerSideApply=true']);
  });

  test('workloads are rendered per cluster with per-environment values', () => {
    expect(objects['clusters/prod-eu-1/web/Deployment.web.yaml'].spec.replicas).toBe(4);
    expect(objects['clusters/dev-eu-1/web/Deployment.web.yaml'].spec.replicas).toBe(1);
    expect(objects['clusters/prod-eu-1/web/Deployment.web.yaml'].spec.template.spec.containers[0].image).toBe('ghcr.io/acme/web:1.8.2');
    // The plan expands the ApplicationSets offline: prod-us-1 runs web, its drift guard and quota policy, the API's
    // DR alerts, plus eight generated Applications.
    expect(result.plan).toMatch(/prod-us-1 .*: 12 Applications/);
    expect(result.plan).toContain('    monitoring-prod-us-1  project=platform  namespace=monitoring  helm kube-prometheus-stack@65.1.1 + $values@main');
    expect(result.plan).toContain('ApplicationSet monitoring-production: 4 Applications on 4 clusters');
  });
});

describe('examples/basic-fleet: a promotion, from command to PR diff', () => {
  test('promote api staging → production edits versions.yaml; the diff shows the new tag on every production cluster', () => {
    // GIVEN the example's versions file, and the tree of the target branch
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-promotion-'));
    const versions = path.join(dir, 'versions.yaml');
    fs.copyFileSync(path.join(__dirname, '../examples/basic-fleet/versions.yaml'), versions);
    buildExampleFleet(path.join(dir, 'base'), versions).synth();
    const run = (...args: string[]) => {
      let out = '';
      const code = main(args, { out: t => { out += t; }, err: t => { out += t; } });
      return { code, out };
    };
    // WHEN
    const promoted = run('promote', 'api', '--from', 'staging', '--to', 'production', '--file', versions);
    buildExampleFleet(path.join(dir, 'head'), versions).synth();
    const diff = run('diff', path.join(dir, 'base'), path.join(dir, 'head'));
    // THEN
    expect(promoted.code).toBe(0);
    expect(fs.readFileSync(versions, 'utf-8')).toContain('    production: 1.9.0\n  checkout:');
    expect(diff.code).toBe(0);
    // The DR standby runs what its primary runs: it is promoted with production.
    expect(diff.out).toContain('### on 4 clusters: dr-eu-central-1, prod-eu-1, prod-eu-2, prod-us-1\n\n- ✏️ **api-{cluster}**: image ghcr.io/acme/api: 1.8.2 → 1.9.0\n'
      + '  - ✏️ Rollout `api/api`\n    - `spec.template.spec.containers[api].image: ghcr.io/acme/api:1.8.2 → ghcr.io/acme/api:1.9.0`\n');
    expect(diff.out).not.toContain('staging-eu-1');
  });

  test('promoting past a stage is refused by the promotion guard at synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-guard-'));
    const versions = path.join(dir, 'versions.yaml');
    fs.writeFileSync(versions, fs.readFileSync(path.join(__dirname, '../examples/basic-fleet/versions.yaml'), 'utf-8').replace('production: 1.8.2', 'production: 1.10.0'));
    expect(() => buildExampleFleet(path.join(dir, 'out'), versions).synth()).toThrow("promotion guard: 'api' pins 1.10.0 in production, but staging (upstream) runs 1.9.0");
  });
});

describe('examples/basic-fleet: disaster recovery, from the alert to the failover PR and back', () => {
  const run = (...args: string[]) => {
    let out = '';
    const code = main(args, { out: t => { out += t; }, err: t => { out += t; } });
    return { code, out };
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-dr-'));
  const state = path.join(dir, 'dr.yaml');
  const original = fs.readFileSync(path.join(__dirname, '../examples/basic-fleet/dr.yaml'), 'utf-8');
  fs.writeFileSync(state, original);
  const versions = path.join(__dirname, '../examples/basic-fleet/versions.yaml');
  buildExampleFleet(path.join(dir, 'base'), versions, state).synth();
  const load = (tree: string, file: string) => yaml.load(fs.readFileSync(path.join(dir, tree, file), 'utf-8')) as any;

  test('the alert: PrimaryClusterDown watches prod-eu-1 from prod-us-1, and names the command to run', () => {
    const rule = load('base', 'clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml');
    expect(rule.metadata.labels).toEqual({ release: 'monitoring' });
    expect(rule.spec.groups[0].rules[0]).toMatchObject({
      alert: 'PrimaryClusterDown',
      expr: 'up{job="apiserver",cluster="prod-eu-1"} == 0 or absent(up{job="apiserver",cluster="prod-eu-1"})',
      for: '2m',
      labels: { severity: 'critical', dr_pair: 'api', dr_active_side: 'prod-eu-1' },
    });
    expect(rule.spec.groups[0].rules[0].annotations.description).toContain('cdk8s-fleet failover api --to dr-eu-central-1');
    // The standby is warm: one replica, an autoscaler that reaches prod-eu-1's six.
    expect(load('base', 'clusters/dr-eu-central-1/api/HorizontalPodAutoscaler.api.yaml').spec).toMatchObject({ minReplicas: 1, maxReplicas: 6 });
    expect(load('base', 'clusters/dr-eu-central-1/api/Rollout.api.yaml').spec.replicas).toBeUndefined();
  });

  test('failover --dry-run explains, failover edits one value, the diff shows the failover, nothing is deleted, and failback restores the bytes', () => {
    // WHEN the on-call runs the failover the alert names, dry run first
    const dry = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', state, '--tree', path.join(dir, 'base'), '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain('  dr-eu-central-1 (standby, passive → active): HorizontalPodAutoscaler api minimum 1 → 6 (maximum 6); traffic weight 0 → weight 100\n');
    expect(dry.out).toContain('  prod-eu-1 (primary, active → passive): Rollout api replicas 6 → 1; traffic weight 100 → weight 0\n');
    expect(fs.readFileSync(state, 'utf-8')).toBe(original);
    const failover = run('failover', 'api', '--to', 'dr-eu-central-1', '--file', state);
    // THEN only the value changed (its comment stays)
    expect(failover.code).toBe(0);
    expect(fs.readFileSync(state, 'utf-8')).toBe(original.replace('  api: prod-eu-1 ', '  api: dr-eu-central-1 '));
    buildExampleFleet(path.join(dir, 'failover'), versions, state).synth();
    const diff = run('diff', path.join(dir, 'base'), path.join(dir, 'failover'));
    expect(diff.code).toBe(0); // the deletion gate stays quiet
    expect(diff.out).toContain('🚨 **Failover** — failover of DR pair api: dr-eu-central-1 becomes active (was prod-eu-1)');
    expect(diff.out).toContain('objects: 0 added, 8 changed, 0 removed');
    expect(diff.out).toContain('    - `spec.minReplicas: 1 → 6`\n');
    expect(diff.out).toContain('    - `spec.replicas: 6 → 1`\n');
    expect(load('failover', 'clusters/prod-us-1/api-dr-alerts/PrometheusRule.api-dr.yaml').spec.groups[0].rules[0].expr).toContain('cluster="dr-eu-central-1"');
    expect(run('validate', path.join(dir, 'failover')).code).toBe(0);
    // AND back: failback reads the primary from the tree and restores the file byte for byte
    const failback = run('failback', 'api', '--file', state, '--tree', path.join(dir, 'failover'));
    expect(failback.code).toBe(0);
    expect(fs.readFileSync(state, 'utf-8')).toBe(original);
    buildExampleFleet(path.join(dir, 'failback'), versions, state).synth();
    const back = run('diff', path.join(dir, 'failover'), path.join(dir, 'failback'));
    expect(back.code).toBe(0);
    expect(back.out).toContain('**Failback** — failback of DR pair api: prod-eu-1 becomes active (was dr-eu-central-1)');
    expect(run('diff', path.join(dir, 'base'), path.join(dir, 'failback'), '--exit-code').code).toBe(0);
  });
});
