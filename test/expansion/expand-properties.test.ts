import * as fc from 'fast-check';
import { ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, Fleet, FleetApp, FleetProof, FleetTesting, LabelSelectorOperator, TemplateParam } from '../../src';
import { readClusterSecrets } from '../../src/expansion/cluster-secrets';
import { expandApplicationSet } from '../../src/expansion/expand';

// Property-based: for random fleets and random cluster selectors, the offline expansion agrees with an
// independent reference of Kubernetes label-selector semantics, and the synth-time proof agrees with both.

const env = fc.constantFrom('dev', 'staging', 'production');
const region = fc.constantFrom('eu', 'us', 'ap');
const clusterSpec = fc.record({ env, region: fc.option(region, { nil: undefined }), tier: fc.option(fc.constantFrom('critical', 'batch'), { nil: undefined }) });
const fleetSpec = fc.array(clusterSpec, { minLength: 1, maxLength: 6 });
const requirement = fc.oneof(
  fc.record({ key: fc.constantFrom('env', 'region', 'tier'), operator: fc.constantFrom(LabelSelectorOperator.IN, LabelSelectorOperator.NOT_IN), values: fc.uniqueArray(fc.constantFrom('dev', 'staging', 'production', 'eu', 'us', 'critical'), { minLength: 1, maxLength: 2 }) }),
  fc.record({ key: fc.constantFrom('env', 'region', 'tier'), operator: fc.constantFrom(LabelSelectorOperator.EXISTS, LabelSelectorOperator.DOES_NOT_EXIST) }),
);
const selector = fc.record({
  matchLabels: fc.option(fc.dictionary(fc.constantFrom('env', 'region'), fc.constantFrom('dev', 'production', 'eu')), { nil: undefined }),
  matchExpressions: fc.option(fc.array(requirement, { minLength: 1, maxLength: 2 }), { nil: undefined }),
}).filter(s => Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions ?? []).length > 0);

type Spec = { env: string; region?: string; tier?: string };
const labelsOf = (c: Spec): Record<string, string> =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Record<string, string>;

/** The reference: Kubernetes label selector semantics written out directly. */
function referenceMatches(labels: Record<string, string>, s: { matchLabels?: Record<string, string>; matchExpressions?: any[] }): boolean {
  for (const [k, v] of Object.entries(s.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const r of s.matchExpressions ?? []) {
    const has = r.key in labels;
    if (r.operator === 'In' && !(has && r.values.includes(labels[r.key]))) return false;
    if (r.operator === 'NotIn' && has && r.values.includes(labels[r.key])) return false;
    if (r.operator === 'Exists' && !has) return false;
    if (r.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function build(spec: Spec[], sel: any, waive: boolean): FleetApp {
  const app = new FleetApp({ outdir: '/nonexistent/not-written' });
  const fleet = new Fleet(app, 'f', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  spec.forEach((c, i) => fleet.addCluster(`c${i}`, { server: `https://c${i}.example.com`, labels: labelsOf(c), credentials: ClusterCredentials.gkeWorkloadIdentity() }));
  new ApplicationSet(fleet, 'web', {
    generators: [new ClusterGenerator(sel)],
    template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }) },
    waivedProofs: waive ? [{ proof: FleetProof.SELECTS_CLUSTERS, reason: 'random' }] : undefined,
  });
  return app;
}

describe('expansion properties', () => {
  test('the cluster generator selects exactly the clusters the reference selector matches; the proof fails exactly when none', () => {
    fc.assert(fc.property(fleetSpec, selector, (spec, sel) => {
      // GIVEN the reference answer
      const expected = spec.map((c, i) => ({ name: `c${i}`, labels: labelsOf(c) })).filter(c => referenceMatches(c.labels, sel)).map(c => `web-${c.name}`).sort();
      // WHEN the fleet is expanded (the proof waived, to see the result) …
      const expanded = FleetTesting.expand(build(spec, sel, true));
      // THEN
      expect(expanded[0].applications.map(a => a.metadata.name)).toEqual(expected);
      // … and without the waiver, synth refuses exactly the empty selections
      const synth = () => build(spec, sel, false).renderFiles();
      if (expected.length === 0) expect(synth).toThrow(/generates no Applications \[selects-clusters\]|select no cluster \[selects-clusters\]/);
      else expect(synth).not.toThrow();
    }), { numRuns: 60 });
  });

  test('expansion is deterministic and independent of the order of cluster Secrets', () => {
    fc.assert(fc.property(fleetSpec, selector, (spec, sel) => {
      const secrets = spec.map((c, i) => ({ kind: 'Secret', apiVersion: 'v1', metadata: { name: `c${i}`, labels: { ...labelsOf(c), 'argocd.argoproj.io/secret-type': 'cluster' } }, stringData: { name: `c${i}`, server: `https://c${i}.example.com` } }));
      const appSet = { metadata: { name: 's', namespace: 'argocd' }, spec: { goTemplate: true, generators: [{ clusters: { selector: { matchLabels: sel.matchLabels, matchExpressions: sel.matchExpressions } } }], template: { metadata: { name: '{{.name}}' }, spec: { project: 'default', destination: { name: '{{.name}}', namespace: 'x' } } } } };
      const forward = expandApplicationSet(appSet, { clusters: readClusterSecrets(secrets).clusters });
      const backward = expandApplicationSet(appSet, { clusters: readClusterSecrets([...secrets].reverse()).clusters });
      expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
    }), { numRuns: 60 });
  });
});
