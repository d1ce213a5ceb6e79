import * as yaml from 'js-yaml';
import { FleetTesting, HelmApplication, SyncOption, SyncPolicy, VersionsFile } from '../../src';
import { addCluster, renderObjects, testFleet } from '../util';

const VERSIONS = 'environments: [staging, production]\nversions:\n  monitoring:\n    staging: 66.0.0\n    production: 65.1.1\n';

function fleetWithClusters() {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'staging-eu-1', { environment: 'staging', region: 'eu-west-1' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu-west-1' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us-east-1' });
  const versions = new VersionsFile(fleet, 'Versions', { content: VERSIONS });
  return { app, fleet, versions };
}

function monitoring(fleet: any, versions: VersionsFile, regions: Record<string, any> = { 'eu-west-1': { retention: '15d' }, 'us-east-1': { retention: '30d' } }) {
  return new HelmApplication(fleet, 'monitoring', {
    namespace: 'monitoring',
    repoUrl: 'https://prometheus-community.github.io/helm-charts',
    chart: 'kube-prometheus-stack',
    versions,
    matchExpressions: [{ key: 'region', operator: 'Exists' as any }],
    values: { grafana: { enabled: false } },
    valuesByLabel: [{ labelKey: 'region', values: regions }],
    syncPolicy: SyncPolicy.automated({ prune: true, syncOptions: [SyncOption.SERVER_SIDE_APPLY] }),
  });
}

describe('HelmApplication', () => {
  test('one ApplicationSet per environment, the chart version pinned per environment, values files per region via $values', () => {
    // GIVEN
    const { app, fleet, versions } = fleetWithClusters();
    // WHEN
    monitoring(fleet, versions);
    const objects = renderObjects(app);
    const files = app.renderFiles();
    // THEN the values files, written by the library from typed values
    expect(yaml.load(files['values/monitoring/region-eu-west-1.yaml'])).toEqual({ retention: '15d' });
    expect(yaml.load(files['values/monitoring/region-us-east-1.yaml'])).toEqual({ retention: '30d' });
    // … one ApplicationSet per environment with its chart version, valuesObject and the $values source
    const prod = objects['argocd/platform/applicationsets/ApplicationSet.monitoring-production.yaml'].spec;
    expect(prod.generators).toEqual([{ clusters: { selector: { matchLabels: { environment: 'production' }, matchExpressions: [{ key: 'region', operator: 'Exists' }] } } }]);
    expect(prod.template.spec.sources).toEqual([
      {
        repoURL: 'https://prometheus-community.github.io/helm-charts',
        chart: 'kube-prometheus-stack',
        targetRevision: '65.1.1',
        helm: { valueFiles: ['$values/values/monitoring/region-{{index .metadata.labels "region"}}.yaml'], valuesObject: { grafana: { enabled: false } } },
      },
      { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'main', ref: 'values' },
    ]);
    expect(objects['argocd/platform/applicationsets/ApplicationSet.monitoring-staging.yaml'].spec.template.spec.sources[0].targetRevision).toBe('66.0.0');
    // … and Argo CD generates each cluster's Application with its region's file
    const prodUs = FleetTesting.applications(app, 'prod-us-1')[0];
    expect(prodUs.metadata.name).toBe('monitoring-prod-us-1');
    expect(prodUs.spec.sources[0].helm.valueFiles).toEqual(['$values/values/monitoring/region-us-east-1.yaml']);
    expect(prodUs.spec.sources[0].targetRevision).toBe('65.1.1');
  });

  test('a selected cluster whose label value has no values is an error', () => {
    const { app, fleet, versions } = fleetWithClusters();
    monitoring(fleet, versions, { 'eu-west-1': { retention: '15d' } });
    expect(() => app.renderFiles()).toThrow("[platform/monitoring] cluster 'prod-us-1' has region='us-east-1', for which 'valuesByLabel' has no values (it has [\"eu-west-1\"])");
  });

  test.each([['constructor'], ['toString'], ['valueOf']])('a cluster whose label value is %p, for which no values are given, is an error', (region) => {
    // GIVEN a selected cluster whose region is named like a member of Object.prototype
    const { app, fleet, versions } = fleetWithClusters();
    addCluster(fleet, 'prod-odd-1', { environment: 'production', region });
    // WHEN the values by region do not name it
    monitoring(fleet, versions);
    // THEN it is reported (not given a values file that is never written)
    expect(() => app.renderFiles()).toThrow(`[platform/monitoring] cluster 'prod-odd-1' has region='${region}', for which 'valuesByLabel' has no values`);
  });

  test('an environment with clusters but no pinned version is an error', () => {
    const { app, fleet } = fleetWithClusters();
    const versions = new VersionsFile(fleet, 'V2', { content: 'environments: [staging, production]\nversions:\n  monitoring:\n    staging: 66.0.0\n' });
    monitoring(fleet, versions);
    expect(() => app.renderFiles()).toThrow("the versions file pins no version of 'monitoring' for environment 'production', where 'prod-eu-1', 'prod-us-1' run it");
  });
  test('clusters registered after a render are an error on the next render, not a silently stale output', () => {
    // GIVEN
    const { app, fleet, versions } = fleetWithClusters();
    monitoring(fleet, versions);
    app.renderFiles();
    // WHEN
    addCluster(fleet, 'staging-us-1', { environment: 'staging', region: 'us-east-1' });
    // THEN
    expect(() => app.renderFiles()).toThrow("[platform/monitoring] the fleet's clusters changed after this HelmApplication was rendered");
  });
});
