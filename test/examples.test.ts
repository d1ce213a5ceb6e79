import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { schemaProblems, treeSnapshot } from './util';
import { buildExampleFleet } from '../examples/basic-fleet/main';
import { main } from '../src/cli/main';

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

  test('at least 6 clusters across dev, staging and production in two regions', () => {
    const secrets = Object.entries(objects).filter(([p]) => p.startsWith('argocd/platform/clusters/'));
    const labels = secrets.map(([, o]) => o.kind === 'Secret' ? o.metadata.labels : o.spec.target.template.metadata.labels);
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    expect(new Set(labels.map(l => l.environment))).toEqual(new Set(['management', 'dev', 'staging', 'production']));
    expect(new Set(labels.map(l => l.region))).toEqual(new Set(['eu-west-1', 'us-east-1']));
    for (const l of labels) expect(l['argocd.argoproj.io/secret-type']).toBe('cluster');
  });

  test('no credential reaches the tree: store-backed clusters are ExternalSecrets, others carry only identities', () => {
    for (const [p, o] of Object.entries(objects)) {
      if (o.kind === 'Secret') {
        const config = JSON.parse(o.stringData.config);
        expect([p, config.bearerToken, config.password, config.tlsClientConfig?.keyData]).toEqual([p, undefined, undefined, undefined]);
      }
    }
    expect(objects['argocd/platform/clusters/ExternalSecret.cluster-dev-eu-1.yaml'].spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: 'vault' });
  });

  test('four AppProjects; the web project may create no cluster-scoped object but its Namespace; workloads get exact ones', () => {
    expect(Object.keys(objects).filter(p => p.includes('/projects/'))).toEqual([
      'argocd/platform/projects/AppProject.api.yaml',
      'argocd/platform/projects/AppProject.checkout.yaml',
      'argocd/platform/projects/AppProject.platform.yaml',
      'argocd/platform/projects/AppProject.web.yaml',
    ]);
    expect(objects['argocd/platform/projects/AppProject.web.yaml'].spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'web' }]);
    expect(objects['argocd/platform/projects/AppProject.api.yaml'].spec.namespaceResourceWhitelist.map((k: any) => k.kind))
      .toEqual(['ConfigMap', 'Deployment', 'Service', 'ResourceQuota', 'LimitRange']);
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
    const image = (c: string) => objects[`clusters/${c}/api/Deployment.api.yaml`].spec.template.spec.containers[0].image;
    expect([image('dev-eu-1'), image('staging-eu-1'), image('prod-eu-1')]).toEqual(['ghcr.io/acme/api:1.10.0', 'ghcr.io/acme/api:1.9.0', 'ghcr.io/acme/api:1.8.2']);
    expect(objects['clusters/prod-eu-1/api/Deployment.api.yaml'].spec.replicas).toBe(6);
    expect(objects['clusters/prod-us-1/api/Deployment.api.yaml'].spec.replicas).toBe(3);
    expect(objects['clusters/prod-us-1/api/ResourceQuota.api.yaml'].spec.hard).toEqual({ 'pods': '60', 'requests.cpu': '8', 'requests.memory': '8Gi' });
    expect(objects['clusters/dev-eu-1/api/ResourceQuota.api.yaml'].spec.hard).toEqual({ 'pods': '20', 'requests.cpu': '2', 'requests.memory': '2Gi' });
    expect(Object.keys(objects).some(p => p.startsWith('clusters/hub/'))).toBe(false);
  });

  test('the checkout service is written as a Kustomize base and one overlay per cluster', () => {
    expect(objects['apps/checkout/base/kustomization.yaml'].resources).toContain('Deployment.checkout.yaml');
    expect(objects['apps/checkout/overlays/prod-us-1/kustomization.yaml'].resources).toEqual(['../../base']);
    expect(objects['argocd/platform/applicationsets/ApplicationSet.checkout.yaml'].spec.template.spec.source.path).toBe('apps/checkout/overlays/{{.name}}');
  });

  test('cluster add-ons: a matrix of clusters by label and a chart list, staging first', () => {
    const addons = objects['argocd/platform/applicationsets/ApplicationSet.addons.yaml'].spec;
    expect(addons.generators[0].matrix.generators[0]).toEqual({
      clusters: { selector: { matchExpressions: [{ key: 'environment', operator: 'In', values: ['staging', 'production'] }] } },
    });
    expect(addons.generators[0].matrix.generators[1].list.elements.map((e: any) => e.addon)).toEqual(['cert-manager', 'external-secrets']);
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
    // The plan expands the ApplicationSets offline: prod-us-1 runs web plus five generated Applications.
    expect(result.plan).toMatch(/prod-us-1 .*: 6 Applications/);
    expect(result.plan).toContain('    monitoring-prod-us-1  project=platform  namespace=monitoring  helm kube-prometheus-stack@65.1.1 + $values@main');
    expect(result.plan).toContain('ApplicationSet monitoring-production: 3 Applications on 3 clusters');
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
    expect(diff.out).toContain('### on 3 clusters: prod-eu-1, prod-eu-2, prod-us-1\n\n- ✏️ **api-{cluster}**: image ghcr.io/acme/api: 1.8.2 → 1.9.0\n'
      + '  - ✏️ Deployment `api/api`\n    - `spec.template.spec.containers[api].image: ghcr.io/acme/api:1.8.2 → ghcr.io/acme/api:1.9.0`\n');
    expect(diff.out).not.toContain('staging-eu-1');
  });

  test('promoting past a stage is refused by the promotion guard at synth', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-guard-'));
    const versions = path.join(dir, 'versions.yaml');
    fs.writeFileSync(versions, fs.readFileSync(path.join(__dirname, '../examples/basic-fleet/versions.yaml'), 'utf-8').replace('production: 1.8.2', 'production: 1.10.0'));
    expect(() => buildExampleFleet(path.join(dir, 'out'), versions).synth()).toThrow("promotion guard: 'api' pins 1.10.0 in production, but staging (upstream) runs 1.9.0");
  });
});
