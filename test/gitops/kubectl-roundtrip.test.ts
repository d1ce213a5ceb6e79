import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { k8s } from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { buildExampleFleet } from '../../examples/basic-fleet/main';
import { addCluster, testFleet, treeSnapshot } from '../util';

// Go's YAML readers must see exactly the objects we meant. kubectl (with its built-in kustomize, on this
// machine and on CI) reads every file of a tree through kyaml; its output must equal what js-yaml reads.
// The test fails, rather than skipping, when kubectl is missing.

/** What kubectl reads from every file of a tree: `{ "<directory> <apiVersion/kind/ns/name>": object }`. */
function kubectlKustomize(tree: string): Record<string, any> {
  // One kustomization per directory: the same object may exist once per cluster directory.
  const byDir = new Map<string, string[]>();
  for (const p of Object.keys(treeSnapshot(tree, { excludeState: true })).filter(objectFile)) {
    byDir.set(path.dirname(p), [...(byDir.get(path.dirname(p)) ?? []), path.basename(p)]);
  }
  const out: Record<string, any> = {};
  for (const [dir, files] of byDir) {
    fs.writeFileSync(path.join(tree, dir, 'kustomization.yaml'), yaml.dump({ resources: files }));
    let text: string;
    try {
      text = execFileSync('kubectl', ['kustomize', path.join(tree, dir)], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    } catch (e: any) {
      if (e.code === 'ENOENT') throw new Error('kubectl is required for this test (it ships kustomize); install it, do not skip the test');
      throw e;
    }
    for (const o of yaml.loadAll(text) as any[]) out[`${dir} ${key(o)}`] = o;
    fs.rmSync(path.join(tree, dir, 'kustomization.yaml'));
  }
  return out;
}

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/**
 * Files that hold one Kubernetes object. Kustomize layouts (`apps/`, built by kustomize itself in
 * test/workloads/kustomize-output.test.ts), a SopsSecret's kustomization and ksops generator (built by ksops in the
 * cluster) and Helm values files (`values/`) are not object files.
 */
const objectFile = (p: string) => p.endsWith('.yaml') && !p.startsWith('apps/') && !p.startsWith('values/') && p !== 'acknowledged-removals.yaml'
  && !p.endsWith('/kustomization.yaml') && !p.endsWith('/ksops.yaml');

describe('kubectl reads the tree as written', () => {
  test('the example fleet', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-kubectl-'));
    buildExampleFleet(dir).synth();
    const ours: Record<string, any> = {};
    for (const [p, c] of Object.entries(treeSnapshot(dir, { excludeState: true })).filter(([file]) => objectFile(file))) {
      const o = yaml.load(c);
      ours[`${path.dirname(p)} ${key(o)}`] = o;
    }
    // WHEN
    const theirs = kubectlKustomize(dir);
    // THEN
    expect(Object.keys(ours).length).toBeGreaterThan(40);
    expect(theirs).toStrictEqual(ours);
  });

  test('strings that YAML readers retype, and multi-line text', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const tricky = ['yes', 'No', 'on', 'OFF', 'true', 'null', '~', '', '0', '017', '0x1F', '1e3', '1.5', '1:20', '.inf', '2001-12-14',
      '- a', 'a: b', '#c', '@x', "it's", '"q"', ' lead', 'trail ', 'tab\there', 'line\nbreak\n', 'no newline\nat end', 'two\n\n', 'ünïcödé', '1.8.2'];
    const manifests = addCluster(fleet, 'c').addManifests('t', { namespace: 't' });
    new k8s.KubeConfigMap(manifests, 'Tricky', { metadata: { name: 'tricky' }, data: Object.fromEntries(tricky.map((v, i) => [`k${i}`, v])) });
    const dir = app.synthTree().outdir;
    // WHEN
    const theirs = kubectlKustomize(dir);
    // THEN
    expect(theirs['clusters/c/t v1/ConfigMap/t/tricky'].data).toStrictEqual(Object.fromEntries(tricky.map((v, i) => [`k${i}`, v])));
  });
});
