import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import { ClusterMatch, Workload, WorkloadOutput } from '../../src';
import { applyJson6902, buildKustomization, KustomizeError, KustomizeHost, kustomizationInputs } from '../../src/gitops/kustomize-build';
import { addCluster, testFleet } from '../util';

/** A host over an in-memory tree (path → YAML text). */
function host(files: Record<string, string>): KustomizeHost {
  const dirs = new Set(Object.keys(files).flatMap(f => f.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  return {
    typeOf: p => (files[p] !== undefined ? 'file' : dirs.has(p) ? 'dir' : undefined),
    documents: p => yaml.loadAll(files[p]).filter(d => d !== null),
  };
}

/** A host over a directory on disk. */
function diskHost(root: string): KustomizeHost {
  return {
    typeOf: p => {
      const s = fs.statSync(path.join(root, p), { throwIfNoEntry: false });
      return s?.isFile() ? 'file' : s?.isDirectory() ? 'dir' : undefined;
    },
    documents: p => yaml.loadAll(fs.readFileSync(path.join(root, p), 'utf-8')).filter(d => d !== null),
  };
}

const key = (o: any) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const byKey = (objects: any[]) => Object.fromEntries(objects.map(o => [key(o), o]));

function synth(output: WorkloadOutput): string {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'dev-eu-1', { environment: 'dev', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'staging-eu-1', { environment: 'staging', region: 'eu', tier: 'backend' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us', tier: 'backend' });
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchLabels: { tier: 'backend' },
    output,
    definition: {
      define: scope => {
        new kplus.ConfigMap(scope, 'config', { metadata: { name: 'api-config' }, data: { 'LOG_LEVEL': 'info', 'a/b~c': 'escaped key' } as any });
        const d = new kplus.Deployment(scope, 'api', { metadata: { name: 'api' }, replicas: 2, containers: [{ name: 'api', image: 'ghcr.io/acme/api:1', portNumber: 8080, securityContext: { ensureNonRoot: false } }] });
        d.exposeViaService({ name: 'api', ports: [{ port: 80, targetPort: 8080 }] });
      },
    },
    overrides: [
      { match: ClusterMatch.environment('production'), settings: { replicas: 4, quota: { requestsCpu: '8' } } },
      { match: ClusterMatch.region('eu'), settings: { env: { REGION: 'eu-west-1' }, configData: { LOG_LEVEL: 'warn' } } },
      { match: ClusterMatch.cluster('staging-eu-1'), settings: { patches: [{ patch: (o: any) => { if (o.kind === 'ConfigMap') delete o.data['a/b~c']; } }] } },
    ],
  });
  return app.synthTree().outdir;
}

describe('buildKustomization: the overlays a Kustomize-mode Workload writes', () => {
  const rendered = synth(WorkloadOutput.RENDERED);
  const kustomized = synth(WorkloadOutput.KUSTOMIZE);

  test.each(['dev-eu-1', 'staging-eu-1', 'prod-us-1'])('%s builds to the rendered objects and to what kubectl kustomize prints', cluster => {
    // GIVEN the rendered objects of the cluster, and real kustomize's build of the overlay
    const dir = path.join(rendered, 'clusters', cluster, 'api');
    const expected = byKey(fs.readdirSync(dir).map(f => yaml.load(fs.readFileSync(path.join(dir, f), 'utf-8'))));
    let kubectl: string;
    try {
      kubectl = execFileSync('kubectl', ['kustomize', path.join(kustomized, 'apps/api/overlays', cluster)], { encoding: 'utf-8' });
    } catch (e: any) {
      if (e.code === 'ENOENT') throw new Error('kubectl is required for this test (it ships kustomize); install it, do not skip the test');
      throw e;
    }
    // WHEN built in process
    const built = buildKustomization(`apps/api/overlays/${cluster}`, diskHost(kustomized));
    // THEN the same objects, field for field
    expect(byKey(built.map(b => b.object))).toEqual(expected);
    expect(byKey(built.map(b => b.object))).toEqual(byKey(yaml.loadAll(kubectl) as any[]));
    // … and each object remembers the file it came from
    expect(built.find(b => b.object.kind === 'Deployment')!.file).toBe('apps/api/base/Deployment.api.yaml');
  });

  test('the inputs of an overlay: its kustomization, the base kustomization and the base resources', () => {
    expect(kustomizationInputs('apps/api/overlays/prod-us-1', diskHost(kustomized))).toEqual([
      'apps/api/base/ConfigMap.api-config.yaml',
      'apps/api/base/Deployment.api.yaml',
      'apps/api/base/Namespace.api.yaml',
      'apps/api/base/Service.api.yaml',
      'apps/api/base/kustomization.yaml',
      'apps/api/overlays/prod-us-1/ResourceQuota.api.yaml',
      'apps/api/overlays/prod-us-1/kustomization.yaml',
    ]);
  });
});

describe('buildKustomization: what is refused', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n';
  const build = (kustomization: string, extra: Record<string, string> = {}) => buildKustomization('o', host({ 'o/kustomization.yaml': kustomization, 'o/cm.yaml': cm, ...extra }));

  test('features it does not build are named, never half-applied', () => {
    expect(() => build('resources: [cm.yaml]\nnamePrefix: x-\n')).toThrow(new KustomizeError("o/kustomization.yaml uses 'namePrefix', which cdk8s-fleet diff does not build"));
    expect(() => build('resources: [https://github.com/acme/x//base?ref=v1]\n')).toThrow("o/kustomization.yaml: remote resource 'https://github.com/acme/x//base?ref=v1' is not built by cdk8s-fleet diff");
    expect(() => build('resources: [cm.yaml]\npatches:\n- patch: "data:\\n  a: 2"\n  target: {kind: ConfigMap}\n'))
      .toThrow('o/kustomization.yaml: patches[0] is a strategic-merge patch, which cdk8s-fleet diff does not build');
    expect(() => build('resources: [cm.yaml]\npatches:\n- patch: "[]"\n  target: {labelSelector: "a=b"}\n')).toThrow("target field 'labelSelector' is not built by cdk8s-fleet diff");
    expect(() => build('resources: [missing.yaml]\n')).toThrow("o/kustomization.yaml: resource 'missing.yaml' does not exist");
    expect(() => build('resources: [../../outside]\n')).toThrow("o/kustomization.yaml: '../../outside' leaves the tree");
    expect(() => build('resources: [cm.yaml, cm.yaml]\n')).toThrow('may not add resource with an already registered id: /ConfigMap//c');
  });

  test('targets are anchored regular expressions (kustomize SelectorRegex)', () => {
    // GIVEN two ConfigMaps, c and cc; a target name `c` selects only the first, `c+` both
    const two = { 'o/cc.yaml': cm.replace('name: c', 'name: cc') };
    const patch = (name: string) => `resources: [cm.yaml, cc.yaml]\npatches:\n- target: {kind: ConfigMap, name: "${name}"}\n  patch: "[{op: replace, path: /data/a, value: x}]"\n`;
    const values = (k: string) => Object.fromEntries(build(k, two).map(b => [b.object.metadata.name, b.object.data.a]));
    expect(values(patch('c'))).toEqual({ c: 'x', cc: '1' });
    expect(values(patch('c+'))).toEqual({ c: 'x', cc: 'x' });
  });

  test('$patch: delete removes the object; a patch from a file', () => {
    const objects = build('resources: [cm.yaml]\npatches:\n- path: p.yaml\n  target: {kind: ConfigMap}\n- patch: "{$patch: delete, apiVersion: v1, kind: ConfigMap, metadata: {name: c}}"\n', {
      'o/p.yaml': '- op: add\n  path: /data/b\n  value: "2"\n',
    });
    expect(objects).toEqual([]);
  });
});

// RFC 6902 Appendix A (https://www.rfc-editor.org/rfc/rfc6902#appendix-A), the examples kustomize's json-patch
// library (evanphx/json-patch) follows.
describe('applyJson6902 (RFC 6902 Appendix A)', () => {
  test.each([
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['A.6 moving a value', { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } }],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['A.8 testing a value: success', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ])('%s', (_, doc, ops, expected) => {
    expect(applyJson6902(doc, ops)).toEqual(expected);
  });

  test.each([
    ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'test failed at /baz'],
    ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], "'/baz' does not exist"],
    ['replace of a missing member', { foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 1 }], "replace of missing '/baz'"],
    ['index out of range', { foo: [] }, [{ op: 'add', path: '/foo/1', value: 1 }], "index '1' out of range"],
  ])('%s', (_, doc, ops, message) => {
    expect(() => applyJson6902(doc, ops)).toThrow(message);
  });

  test('the input document is not modified', () => {
    const doc = { a: { b: [1] } };
    applyJson6902(doc, [{ op: 'add', path: '/a/b/-', value: 2 }]);
    expect(doc).toEqual({ a: { b: [1] } });
  });
});
