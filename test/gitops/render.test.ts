import { JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { generateFleet } from '../../bench/fleet-generator';
import { renderTree } from '../../src/gitops/render';

const options = { validateSchemas: true, unvalidatedKinds: new Set<string>() };

describe('renderTree', () => {
  test('the worker-thread pipeline gives exactly the inline result, files and errors', () => {
    // GIVEN a fleet with one object that breaks its schema and one that leaks a key
    const app = generateFleet({ clusters: 12, apps: 8, outdir: '/nonexistent' });
    const fleet: any = app.node.findChild('bench');
    const manifests = fleet.findCluster('cluster-0003').addManifests('broken', { namespace: 'broken' });
    new k8s.KubeConfigMap(manifests, 'Leak', { metadata: { name: 'leak' }, data: { key: '-----BEGIN PRIVATE KEY-----\nMII=\n-----END PRIVATE KEY-----' } })
      .addJsonPatch(JsonPatch.add('/data/n', 3));
    // WHEN
    const inline = renderTree(app, { ...options, workerThreshold: Number.MAX_SAFE_INTEGER });
    const threaded = renderTree(app, { ...options, workerThreshold: 1 });
    // THEN
    expect(threaded.files.length).toBeGreaterThan(500);
    expect(threaded.errors).toEqual(inline.errors);
    expect(threaded.errors).toEqual([
      "[bench/cluster-0003/broken/Leak] ConfigMap 'leak' (clusters/cluster-0003/broken/ConfigMap.leak.yaml): schema: /data/n must be string",
      "[bench/cluster-0003/broken/Leak] ConfigMap 'leak' (clusters/cluster-0003/broken/ConfigMap.leak.yaml): /data/key holds a PEM private key (27 chars); secrets must never be written to Git [private-key]",
    ]);
    expect(threaded.files.map(f => [f.path, f.content, f.images])).toEqual(inline.files.map(f => [f.path, f.content, f.images]));
  });
});
