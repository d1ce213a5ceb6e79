import * as fc from 'fast-check';
import { diffFields, FieldChange, formatPath, jsonEqual, leafChanges, PathSegment } from '../../src/gitops/object-diff';

const lines = (before: unknown, after: unknown) => diffFields(before, after).map(c => `${formatPath(c.path)} ${c.change}${c.before !== undefined ? ` ${JSON.stringify(c.before)}` : ''}${c.after !== undefined ? ` ${JSON.stringify(c.after)}` : ''}`);

const deployment = (containers: any[], extra: any = {}) => ({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 3, template: { spec: { containers, ...extra } } } });

describe('diffFields', () => {
  test('scalars, added and removed keys', () => {
    expect(lines({ spec: { replicas: 3, paused: true } }, { spec: { replicas: 5, minReadySeconds: 10 } })).toEqual([
      'spec.minReadySeconds added 10',
      'spec.paused removed true',
      'spec.replicas changed 3 5',
    ]);
  });

  test('containers and env are matched by name, whatever their order', () => {
    // GIVEN a sidecar moved before the main container, and an env var added to it
    const before = deployment([{ name: 'api', image: 'a:1', env: [{ name: 'A', value: '1' }] }, { name: 'proxy', image: 'p:1' }]);
    const after = deployment([{ name: 'proxy', image: 'p:1' }, { name: 'api', image: 'a:2', env: [{ name: 'A', value: '1' }, { name: 'CACHE_URL', value: 'redis://c' }] }]);
    // THEN
    expect(lines(before, after)).toEqual([
      'spec.template.spec.containers[api].env[CACHE_URL] added {"name":"CACHE_URL","value":"redis://c"}',
      'spec.template.spec.containers[api].image changed "a:1" "a:2"',
      'spec.template.spec.containers reordered ["api","proxy"] ["proxy","api"]',
    ]);
  });

  test('strategic-merge keys where items have no name: containerPort, Service port, mountPath', () => {
    expect(lines(deployment([{ name: 'api', ports: [{ containerPort: 8080 }, { containerPort: 9090, protocol: 'TCP' }] }]),
      deployment([{ name: 'api', ports: [{ containerPort: 9090, protocol: 'UDP' }, { containerPort: 8080 }] }]))).toEqual([
      'spec.template.spec.containers[api].ports[containerPort=9090].protocol changed "TCP" "UDP"',
      'spec.template.spec.containers[api].ports reordered [8080,9090] [9090,8080]',
    ]);
    const service = (ports: any[]) => ({ spec: { ports } });
    expect(lines(service([{ port: 80, targetPort: 8080 }]), service([{ port: 80, targetPort: 8081 }, { port: 443 }]))).toEqual([
      'spec.ports[port=80].targetPort changed 8080 8081',
      'spec.ports[port=443] added {"port":443}',
    ]);
    expect(lines(deployment([{ name: 'api', volumeMounts: [{ mountPath: '/data', readOnly: true }] }]), deployment([{ name: 'api', volumeMounts: [{ mountPath: '/data', readOnly: false }] }])))
      .toEqual(['spec.template.spec.containers[api].volumeMounts[mountPath=/data].readOnly changed true false']);
  });

  test('other lists of objects by index; lists of scalars as one value', () => {
    expect(lines({ tolerations: [{ key: 'a' }, { key: 'b' }] }, { tolerations: [{ key: 'a' }, { key: 'c' }, { key: 'd' }] })).toEqual([
      'tolerations[1].key changed "b" "c"',
      'tolerations[2] added {"key":"d"}',
    ]);
    expect(lines({ args: ['--a', '--b'] }, { args: ['--a', '--c'] })).toEqual(['args changed ["--a","--b"] ["--a","--c"]']);
    // Duplicate names cannot key a list: by index.
    expect(lines({ l: [{ name: 'x', v: 1 }, { name: 'x', v: 2 }] }, { l: [{ name: 'x', v: 1 }, { name: 'x', v: 3 }] })).toEqual(['l[1].v changed 2 3']);
  });

  test('a keyed item whose key itself changed (a Service port 80 → 8080) is that item changed, not removed and added', () => {
    expect(lines({ spec: { ports: [{ port: 80, targetPort: 8080 }] } }, { spec: { ports: [{ port: 8080, targetPort: 8080 }] } }))
      .toEqual(['spec.ports[port=80].port changed 80 8080']);
  });

  test("an ExternalSecret's data items are keyed by secretKey", () => {
    const es = (data: any[]) => ({ spec: { data } });
    expect(lines(es([{ secretKey: 'a', remoteRef: { key: 'x' } }, { secretKey: 'b', remoteRef: { key: 'y' } }]),
      es([{ secretKey: 'b', remoteRef: { key: 'y' } }, { secretKey: 'a', remoteRef: { key: 'z' } }]))).toEqual([
      'spec.data[secretKey=a].remoteRef.key changed "x" "z"',
      'spec.data reordered ["a","b"] ["b","a"]',
    ]);
  });

  test("an AppProject's resource lists are sets: another order is a reorder, a new kind is the list changed", () => {
    const project = (list: any[]) => ({ spec: { clusterResourceWhitelist: list } });
    const ns = { group: '', kind: 'Namespace' };
    const role = { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' };
    expect(lines(project([ns, role]), project([role, ns]))).toEqual([`spec.clusterResourceWhitelist reordered ${JSON.stringify([ns, role])} ${JSON.stringify([role, ns])}`]);
    expect(lines(project([ns]), project([role, ns]))).toEqual([`spec.clusterResourceWhitelist changed ${JSON.stringify([ns])} ${JSON.stringify([role, ns])}`]);
    expect(lines(project([ns, role]), project([ns, role]))).toEqual([]);
  });

  test('a value that changes type is one change', () => {
    expect(lines({ data: { port: '80' } }, { data: { port: 80 } })).toEqual(['data.port changed "80" 80']);
    expect(lines({ a: { b: 1 } }, { a: [1] })).toEqual(['a changed {"b":1} [1]']);
  });
});

describe('formatPath', () => {
  test('dots for plain keys, quoted brackets for others, list keys by name or key=value', () => {
    const path: PathSegment[] = ['metadata', 'labels', 'app.kubernetes.io/name'];
    expect(formatPath(path)).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(formatPath(['spec', 'ports', { key: 'containerPort', value: 8080 }, 'protocol'])).toBe('spec.ports[containerPort=8080].protocol');
    expect(formatPath(['env', { key: 'name', value: 'A' }])).toBe('env[A]');
    expect(formatPath(['items', 0])).toBe('items[0]');
    expect(formatPath([])).toBe('(the whole document)');
  });
});

describe('leafChanges', () => {
  test('every leaf of a new object, lists of named objects keyed', () => {
    expect(leafChanges({ spec: { minAvailable: 1, selector: { matchLabels: { app: 'a' } }, containers: [{ name: 'c', args: ['x'] }], empty: {} } })
      .map(c => `${formatPath(c.path)}=${JSON.stringify(c.after)}`)).toEqual([
      'spec.containers[c].args=["x"]',
      'spec.containers[c].name="c"',
      'spec.empty={}',
      'spec.minAvailable=1',
      'spec.selector.matchLabels.app="a"',
    ]);
  });
});

/** Applies changes to a copy of `before` (test-only, the inverse of `diffFields`). */
function apply(before: unknown, changes: readonly FieldChange[]): unknown {
  let root: any = structuredClone(before);
  const parentOf = (path: readonly PathSegment[]) => path.slice(0, -1).reduce((cur: any, s) => child(cur, s), root);
  const child = (cur: any, s: PathSegment): any => (typeof s === 'object' ? cur.find((i: any) => i[s.key] === s.value) : cur[s]);
  const indexRemovals: FieldChange[] = [];
  const reorders: FieldChange[] = [];
  for (const c of changes) {
    if (c.change === 'reordered') { reorders.push(c); continue; }
    if (c.path.length === 0) { root = structuredClone(c.after); continue; }
    const parent = parentOf(c.path);
    const last = c.path[c.path.length - 1];
    if (c.change === 'removed' && typeof last === 'number') { indexRemovals.push(c); continue; }
    if (typeof last === 'object') {
      const i = parent.findIndex((x: any) => x[last.key] === last.value);
      if (c.change === 'removed') parent.splice(i, 1);
      else if (c.change === 'added') parent.push(structuredClone(c.after));
      else parent[i] = structuredClone(c.after);
    } else if (c.change === 'removed') {
      delete parent[last];
    } else {
      parent[last] = structuredClone(c.after);
    }
  }
  for (const c of indexRemovals.reverse()) parentOf(c.path).splice(c.path[c.path.length - 1] as number, 1);
  for (const c of reorders) {
    const list: any[] = c.path.reduce((cur: any, s) => child(cur, s), root);
    const key = ['name', 'containerPort', 'port', 'mountPath'].find(k => list.every(i => (c.after as unknown[]).includes(i[k])))!;
    list.sort((x, y) => (c.after as unknown[]).indexOf(x[key]) - (c.after as unknown[]).indexOf(y[key]));
  }
  return root;
}

/** Keyed lists in a canonical order (an added item's position is not part of the diff). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(canonical);
    const named = items.length > 0 && items.every(i => i !== null && typeof i === 'object' && !Array.isArray(i) && typeof (i as any).name === 'string');
    if (named && new Set(items.map((i: any) => i.name)).size === items.length) return [...items].sort((a: any, b: any) => (a.name < b.name ? -1 : 1));
    return items;
  }
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonical(x)]));
  return v;
}

/** JSON values, with lists of named objects (containers, env) so that keyed matching is exercised. */
const key = fc.constantFrom('name', 'value', 'image', 'replicas', 'env', 'containers', 'ports', 'a', 'b', 'data.x', 'app.kubernetes.io/name');
const leaf = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('x', 'y', '1', '', 'on', 'a b'), fc.boolean(), fc.constant(null));
const { value } = fc.letrec(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('list'), tie('named')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  list: fc.array(tie('value'), { maxLength: 3 }),
  named: fc.uniqueArray(fc.record({ name: fc.constantFrom('api', 'proxy', 'init', 'CACHE_URL'), value: tie('value') }), { selector: i => i.name, maxLength: 4 }),
}));

describe('diffFields (properties)', () => {
  test('an object against itself (or a copy of itself) has no changes', () => {
    fc.assert(fc.property(value, v => {
      expect(diffFields(v, v)).toEqual([]);
      expect(diffFields(v, structuredClone(v))).toEqual([]);
    }));
  });

  test('applying the reported changes to the base gives the head', () => {
    fc.assert(fc.property(value, value, (before, after) => {
      const applied = apply(before, diffFields(before, after));
      expect(jsonEqual(canonical(applied), canonical(after))).toBe(true);
    }), { numRuns: 500 });
  });

  test('every scalar change reports the head value at its path', () => {
    fc.assert(fc.property(value, value, (before, after) => {
      for (const c of diffFields(before, after)) {
        if (c.change === 'changed' || c.change === 'added') expect(c.after).not.toBeUndefined();
        if (c.change === 'changed') expect(jsonEqual(c.before, c.after)).toBe(false);
      }
    }));
  });

  test('the changes do not depend on key order', () => {
    fc.assert(fc.property(value, value, (before, after) => {
      const reversed = (v: unknown): unknown => (Array.isArray(v) ? v.map(reversed)
        : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)])) : v);
      expect(diffFields(reversed(before), reversed(after))).toEqual(diffFields(before, after));
    }));
  });
});

describe('jsonEqual with keys named like Object.prototype members', () => {
  test('GIVEN objects whose only difference is a key named __proto__, constructor or toString WHEN compared THEN they differ', () => {
    // GIVEN objects with the same number of keys, one of them inherited on the other side
    const pairs = [
      ['{"__proto__": {}}', '{"z": 1}'],
      ['{"constructor": {}}', '{"z": 1}'],
      ['{"toString": "x"}', '{"z": "x"}'],
    ];
    // WHEN / THEN
    for (const [a, b] of pairs) expect([a, b, jsonEqual(JSON.parse(a), JSON.parse(b))]).toEqual([a, b, false]);
    expect(jsonEqual(JSON.parse('{"__proto__": {"a": 1}}'), JSON.parse('{"__proto__": {"a": 1}}'))).toBe(true);
  });
});
