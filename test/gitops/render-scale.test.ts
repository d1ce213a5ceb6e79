import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterCredentials, Fleet, FleetApp, IWorkloadDefinition, Workload } from '../../src';
import { pushAll } from '../../src/private/util';

/** Past this many items, `target.push(...items)` overflows the call stack (about 120,000 on Node 20). */
const BEYOND_SPREAD_LIMIT = 150_000;

/** Many small objects per cluster: 1,000 ConfigMaps. */
class ManyConfigMaps implements IWorkloadDefinition {
  public define(scope: Construct): void {
    for (let i = 0; i < 1000; i++) new k8s.KubeConfigMap(scope, `c${i}`, { metadata: { name: `c${i}` }, data: { i: String(i) } });
  }
}

describe('rendering at a size past the argument-spread limit', () => {
  test('150,000 workload files render (no file written): the stack-overflow class of bug stays fixed', () => {
    // GIVEN 150 clusters, each getting the 1,000 objects of one Workload (150,150 files with the Namespaces)
    const app = new FleetApp({ outdir: '/nonexistent' });
    const fleet = new Fleet(app, 'fleet', { repoUrl: 'https://github.com/acme/fleet.git' });
    for (let c = 0; c < 150; c++) {
      fleet.addCluster(`c${c}`, { server: `https://c${c}.example.com`, credentials: ClusterCredentials.awsIam({ clusterName: `c${c}` }), labels: { tier: 'apps' } });
    }
    new Workload(fleet, 'many', { namespace: 'many', matchLabels: { tier: 'apps' }, definition: new ManyConfigMaps() });
    // WHEN everything up to the write runs: render, plan, fleet proofs, the tree-wide secret scan
    const { files } = app._render();
    // THEN (this threw "RangeError: Maximum call stack size exceeded" at files.push(...workloadFiles))
    const workloadFiles = files.filter(f => f.path.startsWith('clusters/'));
    expect(workloadFiles.length).toBe(150 * 1001);
    expect(workloadFiles.length).toBeGreaterThan(BEYOND_SPREAD_LIMIT);
    expect(files.find(f => f.path === 'clusters/c149/many/ConfigMap.c999.yaml')?.content).toBe("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c999\n  namespace: many\ndata:\n  i: '999'\n");
  });

  test('pushAll appends any number of items, where push(...items) throws', () => {
    // GIVEN
    const items = Array.from({ length: 500_000 }, (_x, i) => i);
    // WHEN
    const target = pushAll([-1], items);
    // THEN
    expect(target.length).toBe(500_001);
    expect(target[500_000]).toBe(499_999);
    expect(() => [].push(...(items as never[]))).toThrow(RangeError);
  });
});
