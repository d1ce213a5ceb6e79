import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { Application, ApplicationSource, ClusterCredentials, Fleet, FleetApp } from '../../src';

// Property-based: for random fleets, the constructs' validation and an independent reference implementation of
// the Kubernetes rules agree, and every fleet they accept synthesizes to strictly valid, deterministic YAML.

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const refLabelKey = (k: string) => {
  const parts = k.split('/');
  if (parts.length > 2) return false;
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && NAME.test(name);
};
const refLabelValue = (v: string) => v.length <= 63 && (v === '' || NAME.test(v));
const refClusterName = (n: string) => n.length > 0 && n.length <= 63 && DNS1123_LABEL.test(n);

const text = (chars: string, maxLength: number) => fc.string({ unit: fc.constantFrom(...chars), maxLength });
const clusterName = fc.oneof(text('abc019-', 12), text('abcXYZ019-_. ', 12), fc.constant('x'.repeat(64)));
const labelKey = fc.oneof(
  text('abcz019-_.', 10),
  fc.tuple(text('abc.-', 8), text('abcZ09-_.', 8)).map(([p, n]) => `${p}/${n}`),
  text('ab/ !', 5),
);
const labelValue = fc.oneof(text('abcZ019-_.', 12), text('ab !:', 4), fc.constant('v'.repeat(64)));
const clusterSpec = fc.record({
  name: clusterName,
  labels: fc.dictionary(labelKey, labelValue, { maxKeys: 3 }),
  apps: fc.integer({ min: 0, max: 2 }),
});
const fleetSpec = fc.uniqueArray(clusterSpec, { minLength: 1, maxLength: 4, selector: c => c.name });

function build(spec: Array<{ name: string; labels: Record<string, string>; apps: number }>): FleetApp {
  const app = new FleetApp({ outdir: '/nonexistent/not-written' });
  const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  spec.forEach((c, i) => {
    const cluster = fleet.addCluster(c.name, { server: `https://c${i}.example.com`, labels: c.labels, credentials: ClusterCredentials.gkeWorkloadIdentity() });
    for (let a = 0; a < c.apps; a++) {
      new Application(fleet, `app${a}-${i}`, { destination: cluster, destinationNamespace: `ns${a}`, source: ApplicationSource.git({ path: `apps/${a}` }) });
    }
  });
  return app;
}

describe('random fleets', () => {
  test('construct validation agrees with the reference rules; accepted fleets synthesize to valid, deterministic YAML', () => {
    fc.assert(fc.property(fleetSpec, spec => {
      const validNames = spec.every(c => refClusterName(c.name));
      const valid = validNames && spec.every(c => Object.entries(c.labels).every(([k, v]) => refLabelKey(k) && refLabelValue(v)));
      let app: FleetApp | undefined;
      let files: Record<string, string> | undefined;
      let error: Error | undefined;
      try {
        app = build(spec);
        files = app.renderFiles(); // validates every object strictly; throws otherwise
      } catch (e) {
        error = e as Error;
      }
      // A bad name stops the program at the Cluster; bad labels alone are reported at synth, with every other problem.
      const expected = validNames ? /^Validation failed[\s\S]*\[f\/[^\]]*\] 'labels'/ : /Invalid Cluster at 'f\/.*'/;
      expect({ valid, error: error?.message }).toEqual({ valid, error: valid ? undefined : expect.stringMatching(expected) });
      if (!app || !files) return;
      expect(build(spec).renderFiles()).toStrictEqual(files);
      for (const c of spec) {
        const secret: any = yaml.load(files[`argocd/f/clusters/Secret.cluster-${c.name}.yaml`]);
        expect(secret.metadata.labels).toStrictEqual({ ...c.labels, 'argocd.argoproj.io/secret-type': 'cluster' });
        expect(secret.stringData.name).toBe(c.name);
      }
      expect(Object.keys(files).filter(p => p.includes('/applications/'))).toHaveLength(spec.reduce((n, c) => n + c.apps, 0));
    }), { numRuns: 300 });
  });
});
