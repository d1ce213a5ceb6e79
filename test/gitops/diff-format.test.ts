import { fieldText } from '../../src/gitops/diff-format';
import { redactChanges } from '../../src/gitops/diff-redaction';
import { diffFields } from '../../src/gitops/object-diff';

/** The field lines the Markdown and the HTML page print for a change of a ConfigMap-like object. */
const texts = (before: unknown, after: unknown) => redactChanges(diffFields(before, after), { apiVersion: 'v1', kind: 'ConfigMap' } as any).map(f => fieldText(f, false));

describe('fieldText', () => {
  test('a list of objects matched as a set: another order is said once, without repeating the items', () => {
    // GIVEN an AppProject whitelist rebuilt in another order
    const ns = { group: '', kind: 'Namespace' };
    const role = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
    // THEN
    expect(texts({ spec: { clusterResourceWhitelist: [ns, role] } }, { spec: { clusterResourceWhitelist: [role, ns] } }))
      .toEqual(['spec.clusterResourceWhitelist: the same 2 item(s) in another order']);
  });

  test('a list of objects that gained an item shows that item alone', () => {
    const ns = { group: '', kind: 'Namespace' };
    const role = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
    expect(texts({ spec: { clusterResourceWhitelist: [ns] } }, { spec: { clusterResourceWhitelist: [role, ns] } }))
      .toEqual(['spec.clusterResourceWhitelist: + {group: rbac.authorization.k8s.io, kind: ClusterRole}']);
  });

  test('a long one-line string changed in its middle shows the part that differs, with context and both lengths', () => {
    // GIVEN a Prometheus query longer than a value is shown whole, whose threshold changes in the middle
    const query = (threshold: string) => `sum(rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum(rate(http_requests_total{job="api"}[5m])) > ${threshold}`
      + ' and on() vector(1) unless on() (sum(kube_deployment_status_replicas_available{deployment="api"}) == 0) or absent(up{job="api"}) == 1';
    const before = query('0.01');
    const after = query('0.05');
    // WHEN
    const [line] = texts({ spec: { query: before } }, { spec: { query: after } });
    // THEN the changed digit is visible on both sides, and neither side is printed whole
    expect(line).toMatch(/^spec\.query: …[^→]*0\.01[^→]*… → …[^→]*0\.05[^→]*… \(245 → 245 chars\)$/);
    expect(line.length).toBeLessThan(before.length + after.length);
  });

  test('short strings and multi-line text keep their usual form', () => {
    expect(texts({ a: 'x' }, { a: 'y' })).toEqual(['a: x → y']);
  });
});
