import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { ClusterManifests } from '../../src';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

describe('ClusterManifests', () => {
  test('objects are written one per file to clusters/<cluster>/<app>/<Kind>.<name>.yaml', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // WHEN
    const web = prod.addManifests('web', { namespace: 'web', labels: { 'app.kubernetes.io/part-of': 'shop' } });
    new kplus.Namespace(web, 'Namespace', { metadata: { name: 'web' } });
    new kplus.ConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
    new k8s.KubeConfigMap(web, 'Elsewhere', { metadata: { name: 'web', namespace: 'other' } });
    new k8s.KubeClusterRole(web, 'Role', { metadata: { name: 'web-reader' }, rules: [] });
    // THEN
    expect(web.directory).toBe('clusters/prod/web');
    expect(ClusterManifests.isClusterManifests(web)).toBe(true);
    const objects = renderObjects(app);
    expect(Object.keys(objects).filter(p => p.startsWith('clusters/'))).toEqual([
      'clusters/prod/web/ClusterRole.web-reader.yaml',
      'clusters/prod/web/ConfigMap.other.web.yaml',
      'clusters/prod/web/ConfigMap.web.yaml',
      'clusters/prod/web/Namespace.web.yaml',
    ]);
    // Cluster-scoped objects do not carry the chart's namespace.
    expect(objects['clusters/prod/web/Namespace.web.yaml'].metadata).toStrictEqual({
      name: 'web',
      labels: { 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'argocd.argoproj.io/sync-wave': '-1' }, // before everything else of the app
    });
    expect(objects['clusters/prod/web/ClusterRole.web-reader.yaml'].metadata.namespace).toBeUndefined();
    expect(objects['clusters/prod/web/ConfigMap.web.yaml'].metadata.namespace).toBe('web');
  });

  test('two objects with the same kind, namespace and name are reported with both paths', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const web = addCluster(fleet, 'prod').addManifests('web', { namespace: 'web' });
    // WHEN
    new k8s.KubeConfigMap(web, 'A', { metadata: { name: 'same' } });
    new k8s.KubeConfigMap(web, 'B', { metadata: { name: 'same' } });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(
      /\[platform\/prod\/web\/B\] ConfigMap 'same' would be written to clusters\/prod\/web\/ConfigMap.same.yaml, which 'platform\/prod\/web\/A' already writes/);
  });

  test('objects outside any placement are an error', () => {
    // GIVEN
    const { app } = testFleet();
    const loose = new Chart(app, 'Loose');
    // WHEN
    new ApiObject(loose, 'Thing', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    // THEN
    expect(errorOf(() => app.renderFiles())).toMatch(/\[Loose\/Thing\] ConfigMap 'x' is not inside a Fleet or a ClusterManifests/);
  });

  test('fails on bad props', () => {
    // GIVEN
    const { fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // THEN
    const message = errorOf(() => prod.addManifests('Web App', { namespace: 'Web', labels: { 'a b': 'c' } }));
    expect(message).toMatch(/\[platform\/prod\/Web App\] 'applicationName' \('Web App'\) is not a valid DNS-1123 label/);
    expect(message).toMatch(/'namespace' \('Web'\) is not a valid namespace name/);
    expect(message).toMatch(/'labels' key 'a b' is not a valid label key/);
  });
});
