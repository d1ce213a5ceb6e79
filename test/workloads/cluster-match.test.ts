import * as kplus from 'cdk8s-plus-28';
import { ClusterMatch, Workload } from '../../src';
import { addCluster, errorOf, testFleet } from '../util';

describe('ClusterMatch', () => {
  test('descriptions and specificity order', () => {
    expect([ClusterMatch.environment('prod'), ClusterMatch.region('eu'), ClusterMatch.label('tier', 'web'), ClusterMatch.cluster('a')].map(m => [m.description, m._specificity]))
      .toEqual([['environment=prod', 1], ['region=eu', 2], ['tier=web', 3], ['cluster=a', 4]]);
  });

  test('ClusterMatch.cluster() naming no registered cluster fails at synth, naming the Workload, the override and a close name', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod-eu-1', { tier: 'web' });
    addCluster(fleet, 'prod-us-1', { tier: 'web' });
    new Workload(fleet, 'web', {
      namespace: 'web',
      matchLabels: { tier: 'web' },
      definition: { define: scope => { new kplus.ConfigMap(scope, 'c', { metadata: { name: 'c' } }); } },
      overrides: [
        { match: ClusterMatch.cluster('prod-us-1'), settings: { configData: { A: 'b' } } },
        { match: ClusterMatch.cluster('prod-eu-2'), settings: { configData: { A: 'c' } } },
        { match: ClusterMatch.cluster('staging'), settings: { configData: { A: 'd' } } },
      ],
    });
    // WHEN
    const message = errorOf(() => app.synth());
    // THEN
    expect(message).toMatch(/\[platform\/web\] 'overrides\[1\]\.match': ClusterMatch\.cluster\('prod-eu-2'\) names no cluster registered in Fleet 'platform'; did you mean 'prod-eu-1'\?/);
    expect(message).toMatch(/\[platform\/web\] 'overrides\[2\]\.match': ClusterMatch\.cluster\('staging'\) names no cluster registered in Fleet 'platform' \(it has \["prod-eu-1","prod-us-1"\]\)/);
    expect(message).not.toMatch(/overrides\[0\]/);
  });

  test('_registryError with no clusters', () => {
    expect(ClusterMatch.cluster('a')._registryError([], 'f')).toBe("ClusterMatch.cluster('a') names no cluster registered in Fleet 'f' (it has no clusters)");
    expect(ClusterMatch.environment('a')._registryError([], 'f')).toBeUndefined();
  });
});
