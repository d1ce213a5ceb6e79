import { ApiObject, App, Chart, JsonPatch, Lazy, LazyResolver, NumberStringUnionResolver, ResolutionContext } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { withFastApiObjectJson } from '../../src/gitops/api-object-json';
import { ownLazy } from '../../src/private/own-lazy';

/** A value of an object's props: plain JSON, with cdk8s' Lazy, implicit tokens and number/string unions mixed in. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
    tie('value').map(v => Lazy.any({ produce: () => v })),
    tie('value').map(v => ownLazy(() => v)), // the library's own: produced inside the one-step walk
    tie('value').map(v => ({ resolve: () => v })),
    fc.oneof(fc.integer().map(n => k8s.IntOrString.fromNumber(n)), fc.string().map(s => k8s.IntOrString.fromString(s))),
    fc.constantFrom('100m', '1Gi', '0').map(q => k8s.Quantity.fromString(q)),
  ),
})).value;

/** Keys that the resolvers' tests read (`resolve`, `value`, `constructor`) or that JavaScript treats apart. */
const oddKey = fc.constantFrom('resolve', 'value', 'constructor', '__proto__', 'toJSON');
const props = fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), oddKey).filter(k => k !== 'metadata' && k !== 'apiVersion' && k !== 'kind'), value, { maxKeys: 6 });
const stringMap = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 });
const metadata = fc.record({
  name: fc.option(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { nil: undefined }),
  namespace: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  labels: fc.option(stringMap, { nil: undefined }),
  annotations: fc.option(stringMap, { nil: undefined }),
  finalizers: fc.option(fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }), { nil: undefined }),
  ownerReferences: fc.option(fc.array(fc.record({ name: fc.string({ maxLength: 5 }), uid: fc.constant('u') }), { maxLength: 2 }), { nil: undefined }),
  extra: fc.option(value, { nil: undefined }),
  // the key of `extra`: an attribute of its own, one of the definition's fields (which win), or an odd one
  extraKey: fc.constantFrom('extra', 'name', 'labels', 'annotations', 'resolve', 'value', 'constructor', '__proto__'),
  // an attribute added after construction (`metadata.add`)
  added: fc.option(fc.tuple(fc.constantFrom('generateName', 'labels', 'resolve', 'constructor'), value), { nil: undefined }),
});
const patches = fc.array(fc.oneof(
  fc.string({ maxLength: 5 }).map(s => JsonPatch.add(`/added${s.replace(/[~/]/g, '')}`, s)),
  fc.constant(JsonPatch.add('/metadata/labels', { patched: 'yes' })),
  fc.constant(JsonPatch.remove('/kind')),
), { maxLength: 2 });

/** `toJson()` of an object: its JSON, or its error message. */
function outcome(o: ApiObject): unknown {
  try {
    return { json: o.toJson() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `toJson()` twice: cdk8s' own, then with the fast path installed; the result or the error message of each. */
function both(o: ApiObject): [unknown, unknown] {
  const original = outcome(o);
  const fast = withFastApiObjectJson(() => outcome(o));
  return [fast, original];
}

describe('the fast ApiObject.toJson', () => {
  test('gives what cdk8s gives for property-generated objects (Lazy, tokens, unions, patches, metadata)', () => {
    fc.assert(fc.property(props, metadata, patches, fc.boolean(), (p, m, ps, sorted) => {
      // GIVEN an ApiObject with arbitrary props, metadata and JSON patches
      const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
      const { extra, extraKey, added, ...meta } = m;
      const extraAttribute = extra === undefined ? {}
        : Object.defineProperty({}, extraKey, { value: extra, enumerable: true, writable: true, configurable: true });
      const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Thing', ...p, metadata: { ...meta, ...extraAttribute } } as any);
      if (added) o.metadata.add(added[0], added[1]);
      o.addJsonPatch(...ps);
      // WHEN each path serializes it, with and without key sorting
      const saved = process.env.CDK8S_DISABLE_SORT;
      if (sorted) delete process.env.CDK8S_DISABLE_SORT;
      else process.env.CDK8S_DISABLE_SORT = '1';
      try {
        const [fast, original] = both(o);
        // THEN the JSON (key order included) or the error is the same
        expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
        expect(fast).toEqual(original);
      } finally {
        if (saved === undefined) delete process.env.CDK8S_DISABLE_SORT;
        else process.env.CDK8S_DISABLE_SORT = saved;
      }
    }), { numRuns: 300 });
  });

  test('property: keys of any order and count are sorted as cdk8s sorts them (by UTF-16 code units)', () => {
    // (short lists are sorted by insertion, longer ones by Array.prototype.sort: both lengths, odd code units)
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('é', 'Z', 'a', '_', '10', '9', '\uD83D\uDE00', '\uFF21', 'aa', 'A'));
    fc.assert(fc.property(fc.uniqueArray(key, { maxLength: 60 }), keys => {
      // GIVEN an object whose data holds the keys in the generated order
      const chart = new Chart(new App(), 'chart');
      const data = Object.fromEntries(keys.filter(k => k !== '__proto__').map((k, i) => [k, `v${i}`]));
      const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data } as any);
      // WHEN / THEN the fast path writes them in cdk8s' order
      const [fast, original] = both(o);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
    }), { numRuns: 300 });
  });

  test('the library\'s own Lazy is produced once inside the one-step walk; one that produces a user\'s Lazy takes cdk8s\' path', () => {
    // GIVEN own Lazies (ownLazy) in the props and the metadata, producing plain data, and one producing a user's Lazy
    const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
    let produced = 0;
    const own = ownLazy(() => {
      produced++;
      return { b: [1, undefined, 'x'], a: { d: null, c: k8s.IntOrString.fromString('http') } };
    });
    const plain = new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'p', annotations: { x: ownLazy(() => 'y') } }, spec: own } as any);
    const mixed = new ApiObject(chart, 'mixed', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'm' }, spec: ownLazy(() => ({ user: Lazy.any({ produce: () => 'u' }) })) } as any);
    // WHEN / THEN each gives cdk8s' JSON
    for (const o of [plain, mixed]) {
      const [fast, original] = both(o);
      expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
    }
    // and the plain one's Lazy was produced once by the fast path
    produced = 0;
    const json = withFastApiObjectJson(() => plain.toJson());
    expect(produced).toBe(1);
    expect(json).toEqual({
      apiVersion: 'v1', kind: 'Thing', metadata: { annotations: { x: 'y' }, name: 'p', namespace: 'ns' }, spec: { a: { c: { value: 'http' } }, b: [1, undefined, 'x'] },
    });
  });

  test('a generated L1 (which maps super.toJson()) gives the same JSON', () => {
    // GIVEN a Deployment with unions and a Lazy replica count
    const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
    const d = new k8s.KubeDeployment(chart, 'd', {
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: Lazy.any({ produce: () => 3 }) as any,
        selector: { matchLabels: { app: 'web' } },
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { limits: { cpu: k8s.Quantity.fromString('500m') } }, ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: k8s.IntOrString.fromString('http') } } }] } },
      },
    });
    // WHEN / THEN
    const [fast, original] = both(d);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
    expect((fast as any).json.spec.replicas).toBe(3);
  });

  test('a `resolve` or `value` added to the prototype of strings or numbers reaches it as it reaches cdk8s', () => {
    // GIVEN strings that inherit a `resolve` method, and numbers a `value`
    const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'x', n: 1 } as any });
    for (const [proto, key, property] of [
      [String.prototype, 'resolve', { value(this: string) { return `resolved ${this}`; } }],
      [Number.prototype, 'value', { get(this: number) { return `boxed ${this}`; } }],
      [String.prototype, 'value', { get(this: string) { return this.length > 3 ? undefined : `${this}+`; } }],
    ] as const) {
      Object.defineProperty(proto, key, { ...property, configurable: true });
      try {
        // WHEN / THEN both ways give the same JSON (the inherited members are used)
        const [fast, original] = both(o);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
        expect(JSON.stringify(fast)).not.toBe(JSON.stringify({ json: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { a: 'x', n: 1 } } }));
      } finally {
        delete (proto as any)[key];
      }
    }
  });

  test('a `resolve` method or another constructor inherited by every object reaches it as it reaches cdk8s', () => {
    // GIVEN a ConfigMap, and Object.prototype given a `resolve` method, then another `constructor`
    const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { a: 'x' } });
    const plain = JSON.stringify(both(o));
    class Other {}
    for (const [key, property] of [
      ['resolve', { value() { return { resolved: true }; } }],
      ['constructor', { value: Other }],
    ] as const) {
      const saved = Object.getOwnPropertyDescriptor(Object.prototype, key);
      Object.defineProperty(Object.prototype, key, { ...property, configurable: true, writable: true });
      let fast: unknown;
      let original: unknown;
      try {
        // WHEN
        [fast, original] = both(o);
      } finally {
        if (saved) Object.defineProperty(Object.prototype, key, saved);
        else delete (Object.prototype as any)[key];
      }
      // THEN both ways give the same JSON or error, which is not the plain one
      expect(JSON.stringify(fast)).toBe(JSON.stringify(original));
      expect(JSON.stringify(fast)).not.toBe(plain);
    }
  });

  test('getters, prototype accessors and cdk8s settings that user code changes reach it in cdk8s\' order', () => {
    // GIVEN objects (made afresh for each way) and global changes that make the order of cdk8s' steps visible
    const fresh = () => new Chart(new App(), 'chart', { namespace: 'ns' });
    const cases: Array<{ name: string; object: () => ApiObject; install?: () => () => void }> = [
      {
        // a props getter that adds a label: cdk8s spreads the props before it makes the metadata's JSON
        name: 'props getter',
        object: () => {
          const getterProps: any = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'getter' } };
          let o: ApiObject | undefined;
          Object.defineProperty(getterProps, 'data', { enumerable: true, get: () => { o?.metadata.addLabel('added', 'yes'); return { a: 'b' }; } });
          o = new ApiObject(fresh(), 'getter', getterProps);
          return o;
        },
      },
      {
        // an array `value` that looks at the array: the second pass over the metadata sees other arrays than the first
        name: 'Array.prototype.value',
        object: () => new ApiObject(fresh(), 'arrays', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'arrays', ownerReferences: [k8s.IntOrString.fromNumber(1) as any] } }),
        install: () => {
          Object.defineProperty(Array.prototype, 'value', {
            configurable: true,
            get(this: unknown[]) { return this.some(x => x !== null && typeof x === 'object' && (x as any).constructor === Object) ? 'hit' : undefined; },
          });
          return () => delete (Array.prototype as any).value;
        },
      },
      {
        // union types changed by user code are read when the object is rendered
        name: 'NumberStringUnionResolver.TYPES',
        object: () => {
          class Flag { public readonly value = true; }
          return new ApiObject(fresh(), 'flag', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'flag' }, spec: { on: new Flag() } } as any);
        },
        install: () => {
          const types = (NumberStringUnionResolver as any).TYPES;
          (NumberStringUnionResolver as any).TYPES = ['number', 'string', 'boolean'];
          return () => { (NumberStringUnionResolver as any).TYPES = types; };
        },
      },
      ...[['undefined', 'number', 'string'], 'number string'].flatMap(types => [false, true].map(lazy => ({
        // union types that take every primitive (its `value` is undefined), or that are no array: cdk8s then
        // replaces or fails on strings and numbers, in plain props and in what a Lazy produces
        name: `NumberStringUnionResolver.TYPES ${JSON.stringify(types)}${lazy ? ' (Lazy)' : ''}`,
        object: () => {
          const data = { a: 'b', n: 1 };
          return new ApiObject(fresh(), 'types', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'types' }, data: lazy ? Lazy.any({ produce: () => data }) : data } as any);
        },
        install: () => {
          const saved = (NumberStringUnionResolver as any).TYPES;
          (NumberStringUnionResolver as any).TYPES = types;
          return () => { (NumberStringUnionResolver as any).TYPES = saved; };
        },
      }))),
      {
        // a `constructor` key whose value equals Object when compared loosely: resolve walks it, sanitize refuses it
        name: 'constructor key',
        object: () => new ApiObject(fresh(), 'ctor', { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'ctor', annotations: { constructor: String(Object) } }, spec: { constructor: String(Object) } } as any),
      },
      {
        // Object renamed: cdk8s' sanitize tells plain objects by that name
        name: 'Object.name',
        object: () => new ApiObject(fresh(), 'renamed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'renamed' }, data: { a: 'b' } }),
        install: () => {
          Object.defineProperty(Object, 'name', { value: 'Obj', configurable: true });
          return () => Object.defineProperty(Object, 'name', { value: 'Object', configurable: true });
        },
      },
    ];
    for (const c of cases) {
      // WHEN each way renders a fresh object (getters may change it)
      const uninstall = c.install?.();
      let fast: unknown;
      let original: unknown;
      try {
        original = outcome(c.object());
        fast = withFastApiObjectJson(() => outcome(c.object()));
      } finally {
        uninstall?.();
      }
      // THEN
      expect([c.name, JSON.stringify(fast)]).toEqual([c.name, JSON.stringify(original)]);
    }
  });

  test('an inherited `resolve` accessor is read as often as cdk8s reads it', () => {
    // GIVEN Object.prototype.resolve as a counting getter (returning no function)
    const chart = new Chart(new App(), 'chart', { namespace: 'ns' });
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: 'b' } }, data: { a: 'x' } });
    let reads = 0;
    Object.defineProperty(Object.prototype, 'resolve', { configurable: true, get() { reads++; return undefined; } });
    const counts: number[] = [];
    try {
      // WHEN cdk8s, then the fast path, render it
      for (const run of [() => o.toJson(), () => withFastApiObjectJson(() => o.toJson())]) {
        reads = 0;
        run();
        counts.push(reads);
      }
    } finally {
      delete (Object.prototype as any).resolve;
    }
    // THEN
    expect(counts[1]).toBe(counts[0]);
    expect(counts[0]).toBeGreaterThan(0);
  });

  test('an object that cannot be rendered fails with cdk8s\' message', () => {
    // GIVEN a Date among the props
    const chart = new Chart(new App(), 'chart');
    const o = new ApiObject(chart, 'o', { apiVersion: 'v1', kind: 'Thing', when: new Date(0) } as any);
    // WHEN / THEN
    const [fast, original] = both(o);
    expect(fast).toEqual(original);
    expect((fast as any).error).toMatch(/^Failed serializing construct at path 'chart\/o' with name 'chart-o-c8[0-9a-f]+': Error: can't render non-simple object of type 'Date'$/);
  });

  test('an App with its own resolvers takes cdk8s\' path, so they run', () => {
    // GIVEN a resolver that replaces every string 'x'
    const upper = { resolve: (c: ResolutionContext) => (c.value === 'x' ? c.replaceValue('replaced') : undefined) };
    const app = new App({ resolvers: [new LazyResolver(), upper] });
    const o = new ApiObject(new Chart(app, 'chart'), 'o', { apiVersion: 'v1', kind: 'Thing', data: { a: 'x' } });
    // WHEN
    const json = withFastApiObjectJson(() => o.toJson());
    // THEN
    expect(json.data).toEqual({ a: 'replaced' });
  });

  test('cdk8s\' method is back on ApiObject afterwards, even when the callback throws', () => {
    // GIVEN
    const original = ApiObject.prototype.toJson;
    // WHEN
    expect(() => withFastApiObjectJson(() => {
      expect(ApiObject.prototype.toJson).not.toBe(original);
      throw new Error('boom');
    })).toThrow('boom');
    // THEN
    expect(ApiObject.prototype.toJson).toBe(original);
  });
});
