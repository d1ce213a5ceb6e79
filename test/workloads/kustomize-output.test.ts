import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { ClusterMatch, VersionsFile, Workload, WorkloadOutput } from '../../src';
import { json6902 } from '../../src/workloads/kustomize-output';
import { addCluster, testFleet } from '../util';

// Kustomize output is proven by the real kustomize: `kubectl kustomize` of every overlay must produce exactly the
// objects the same workload writes fully rendered, object for object. It fails, never skips, without kubectl.

const VERSIONS = 'environments: [dev, staging, production]\nversions:\n  api:\n    dev: 1.10.0\n    staging: 1.9.0\n    production: 1.8.2\n';

function synth(output: WorkloadOutput): string {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'dev-eu-1', { environment: 'dev', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'staging-eu-1', { environment: 'staging', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us', tier: 'backend' });
  const versions = new VersionsFile(fleet, 'Versions', { content: VERSIONS });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchLabels: { tier: 'backend' },
    image: 'ghcr.io/acme/api',
    versions,
    output,
    definition: {
      define: scope => {
        new kplus.ConfigMap(scope, 'config', { metadata: { name: 'api-config' }, data: { 'LOG_LEVEL': 'info', 'a/b~c': 'escaped key' } as any });
        const d = new kplus.Deployment(scope, 'api', { metadata: { name: 'api' }, replicas: 2, containers: [{ name: 'api', image: 'ghcr.io/acme/api:0', portNumber: 8080, securityContext: { ensureNonRoot: false } }] });
        d.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
      },
    },
    defaults: { limitRange: { defaultCpuLimit: '500m' } },
    overrides: [
      { match: ClusterMatch.environment('production'), settings: { replicas: 4, quota: { requestsCpu: '8' }, resources: { cpuLimit: '2' } } },
      { match: ClusterMatch.region('us'), settings: { env: { REGION: 'us-east-1' }, configData: { LOG_LEVEL: 'warn' } } },
      { match: ClusterMatch.cluster('staging-eu-1'), settings: { patches: [{ patch: (o: any) => { if (o.kind === 'ConfigMap') delete o.data['a/b~c']; } }] } },
    ],
  });
  return app.synthTree().outdir;
}

function kustomize(dir: string): any[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf-8' });
  } catch (e: any) {
    if (e.code === 'ENOENT') throw new Error('kubectl is required for this test (it ships kustomize); install it, do not skip the test');
    throw e;
  }
  return yaml.loadAll(out) as any[];
}

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const byKey = (objects: any[]) => Object.fromEntries(objects.map(o => [key(o), o]));

describe('Kustomize output', () => {
  const rendered = synth(WorkloadOutput.RENDERED);
  const kustomized = synth(WorkloadOutput.KUSTOMIZE);

  test.each(['dev-eu-1', 'staging-eu-1', 'prod-eu-1', 'prod-us-1'])('kubectl kustomize apps/api/overlays/%s equals the rendered manifests', cluster => {
    // GIVEN the fully rendered objects of the cluster
    const dir = path.join(rendered, 'clusters', cluster, 'api');
    const expected = byKey(fs.readdirSync(dir).map(f => yaml.load(fs.readFileSync(path.join(dir, f), 'utf-8'))));
    // WHEN kustomize builds the overlay
    const actual = byKey(kustomize(path.join(kustomized, 'apps/api/overlays', cluster)));
    // THEN the same objects, field for field
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const k of Object.keys(expected)) expect({ [k]: actual[k] }).toEqual({ [k]: expected[k] });
  });

  test('the layout is a base plus one overlay per cluster with small patches', () => {
    expect(fs.readdirSync(path.join(kustomized, 'apps/api/base')).sort()).toEqual([
      'ConfigMap.api-config.yaml', 'Deployment.api.yaml', 'LimitRange.api.yaml', 'Namespace.api.yaml', 'Service.api.yaml', 'kustomization.yaml',
    ]);
    const prodUs = yaml.load(fs.readFileSync(path.join(kustomized, 'apps/api/overlays/prod-us-1/kustomization.yaml'), 'utf-8')) as any;
    expect(prodUs.resources).toEqual(['../../base', 'ResourceQuota.api.yaml']);
    const deploymentPatch = prodUs.patches.find((p: any) => p.target.kind === 'Deployment');
    expect(deploymentPatch.target).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment', name: 'api', namespace: 'api' });
    expect(yaml.load(deploymentPatch.patch)).toEqual([
      { op: 'replace', path: '/spec/replicas', value: 4 },
      { op: 'add', path: '/spec/template/spec/containers/0/env', value: [{ name: 'REGION', value: 'us-east-1' }] },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/api:1.8.2' },
      { op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/cpu', value: '2' },
    ]);
    // dev runs the base's version (the first environment's): no Deployment patch at all
    const dev = yaml.load(fs.readFileSync(path.join(kustomized, 'apps/api/overlays/dev-eu-1/kustomization.yaml'), 'utf-8')) as any;
    expect(dev).toEqual({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['../../base'] });
  });

  test.each([['constructor'], ['toString'], ['__proto__']])('a data key %p is added and removed like any other', (dataKey) => {
    // GIVEN a ConfigMap's data with and without a key named like a member of Object.prototype (own, as YAML reads it)
    const withKey = { data: JSON.parse(`{"${dataKey}": "x", "other": "y"}`) };
    const without = { data: { other: 'y' } };
    // WHEN the overlay's operations are computed both ways
    // THEN the key is added to, or removed from, the base (never `replace`d where the base lacks it)
    expect(json6902(without, withKey)).toEqual([{ op: 'add', path: `/data/${dataKey}`, value: 'x' }]);
    expect(json6902(withKey, without)).toEqual([{ op: 'remove', path: `/data/${dataKey}` }]);
  });

  test('JSON6902 keys are escaped (~0, ~1)', () => {
    expect(json6902({ data: { 'a/b~c': 'x' } }, { data: {} })).toEqual([{ op: 'remove', path: '/data/a~1b~0c' }]);
  });
});
