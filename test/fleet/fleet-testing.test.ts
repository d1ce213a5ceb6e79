import { buildExampleFleet } from '../../examples/basic-fleet/main';
import { ApplicationSet, ApplicationSource, ClusterGenerator, FleetTesting, TemplateParam } from '../../src';
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

  test('plan() of the example fleet is stable for snapshots', () => {
    // GIVEN
    const app = buildExampleFleet('/nonexistent/not-written');
    // WHEN
    const plan = FleetTesting.plan(app);
    // THEN
    expect(plan).toContain('ApplicationSet addons: 10 Applications on 5 clusters');
    expect(FleetTesting.applications(app, 'prod-eu-1').map(a => a.metadata.name)).toEqual([
      'api-prod-eu-1', 'cert-manager-prod-eu-1', 'checkout-prod-eu-1', 'external-secrets-prod-eu-1', 'monitoring-prod-eu-1', 'web-prod-eu-1',
    ]);
    expect(FleetTesting.planJson(app).applicationSets.map((s: any) => s.name)).toEqual(['addons', 'api', 'checkout', 'monitoring-production', 'monitoring-staging']);
    expect(plan).toMatchSnapshot();
  });
});
