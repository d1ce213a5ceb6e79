import * as kplus from 'cdk8s-plus-28';
import { buildExampleFleet } from '../../examples/basic-fleet/main';
import { ApplicationSet, ApplicationSource, ClusterGenerator, FleetTesting, GitGenerator, TemplateParam } from '../../src';
import { addCluster, testFleet } from '../util';

describe('FleetTesting', () => {
  test('expand() gives each ApplicationSet\'s generated Applications, as Argo CD would create them', () => {
    // GIVEN
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    addCluster(fleet, 'eu-1', { region: 'eu' });
    addCluster(fleet, 'us-1', { region: 'us' });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { region: 'eu' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: `apps/${TemplateParam.clusterLabel('region')}` }) },
    });
    // WHEN
    const [web] = FleetTesting.expand(app);
    // THEN
    expect(web.applicationSetName).toBe('web');
    expect(web.applications.map(a => a.metadata.name)).toEqual(['web-eu-1']);
    expect(web.applications[0].spec.source).toEqual({ repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', path: 'apps/eu' });
    expect(web.rejected).toEqual([]);
    expect(FleetTesting.applications(app, 'us-1')).toEqual([]);
  });

  test('a git generator over the fleet\'s own repository expands from the tree being written', () => {
    // GIVEN two clusters with rendered manifests, and an ApplicationSet over the tree's cluster directories
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    for (const name of ['eu-1', 'us-1']) {
      const manifests = addCluster(fleet, name).addManifests('web', { namespace: 'web' });
      new kplus.ConfigMap(manifests, 'Config', { metadata: { name: 'web' } });
    }
    new ApplicationSet(fleet, 'per-directory', {
      generators: [GitGenerator.directories({ include: ['clusters/*/*'] })],
      template: {
        applicationName: `${TemplateParam.gitPathBasename()}-${TemplateParam.of('{{index .path.segments 1}}')}`,
        destinationNamespace: `${TemplateParam.gitPathBasename()}`,
        destinationName: `${TemplateParam.of('{{index .path.segments 1}}')}`,
        source: ApplicationSource.git({ path: `${TemplateParam.gitPath()}` }),
      },
    });
    // WHEN
    const [expanded] = FleetTesting.expand(app);
    // THEN
    expect(expanded.applications.map(a => [a.metadata.name, a.spec.source.path])).toEqual([['web-eu-1', 'clusters/eu-1/web'], ['web-us-1', 'clusters/us-1/web']]);
  });

  test('plan() of the example fleet is stable for snapshots', () => {
    // GIVEN
    const app = buildExampleFleet('/nonexistent/not-written');
    // WHEN
    const plan = FleetTesting.plan(app);
    // THEN
    expect(plan).toContain('ApplicationSet addons: 18 Applications on 6 clusters');
    expect(FleetTesting.applications(app, 'prod-eu-1').map(a => a.metadata.name)).toEqual([
      'api-prod-eu-1', 'cert-manager-prod-eu-1', 'checkout-prod-eu-1', 'drift-guard-prod-eu-1', 'external-secrets-prod-eu-1', 'kyverno-prod-eu-1',
      'monitoring-prod-eu-1', 'namespace-quotas-prod-eu-1', 'secret-store-vault-prod-eu-1', 'web-prod-eu-1',
    ]);
    expect(FleetTesting.planJson(app).applicationSets.map((s: any) => s.name)).toEqual([
      'addons', 'api', 'checkout', 'monitoring-production', 'monitoring-staging', 'secret-store-aws-secrets-manager', 'secret-store-vault',
    ]);
    expect(plan).toMatchSnapshot();
  });
});
