import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { schemaProblems, treeSnapshot } from './util';
import { buildExampleFleet } from '../examples/basic-fleet/main';

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

  test('two AppProjects; the web project may create no cluster-scoped object but its Namespace', () => {
    expect(Object.keys(objects).filter(p => p.includes('/projects/'))).toEqual([
      'argocd/platform/projects/AppProject.platform.yaml',
      'argocd/platform/projects/AppProject.web.yaml',
    ]);
    expect(objects['argocd/platform/projects/AppProject.web.yaml'].spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace', name: 'web' }]);
  });

  test('the platform baseline is an ApplicationSet selecting every production cluster by label', () => {
    const baseline = objects['argocd/platform/applicationsets/ApplicationSet.monitoring.yaml'];
    expect(baseline.spec.generators).toEqual([{ clusters: { selector: { matchLabels: { environment: 'production' } } } }]);
    expect(baseline.spec.template.metadata).toEqual({ name: 'monitoring-{{.name}}', labels: { 'acme.io/baseline': 'true' }, finalizers: ['resources-finalizer.argocd.argoproj.io'] });
    expect(baseline.spec.template.spec.source.targetRevision).toBe('65.1.1');
    expect(baseline.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true, applicationsSync: 'create-update' });
    const production = Object.entries(objects)
      .filter(([p, o]) => p.includes('/clusters/') && (o.metadata.labels ?? o.spec?.target?.template?.metadata?.labels)?.environment === 'production');
    expect(production).toHaveLength(3);
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
    // The plan expands the ApplicationSets offline: prod-us-1 runs web plus three generated Applications.
    expect(result.plan).toMatch(/prod-us-1 .*: 4 Applications/);
    expect(result.plan).toContain('    monitoring-prod-us-1  project=platform  namespace=monitoring  helm kube-prometheus-stack@65.1.1');
    expect(result.plan).toContain('ApplicationSet monitoring: 3 Applications on 3 clusters');
  });
});
