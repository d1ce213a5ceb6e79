import * as fc from 'fast-check';
import { deepMerge } from '../../src/expansion/generators';
import { mergeHelmValues } from '../../src/flux/helm-values';
import { readSopsYaml } from '../../src/private/sops-format';
import { cloneData, copier, ownValue, sortDeep, sortedMap, sortObjectKeys, sortOwnedEach, sortOwnedObjectKeys } from '../../src/private/util';
import { anyValue } from '../util';

/**
 * The same value, compared across realms (jest's sandbox and Node's, where structuredClone makes its objects):
 * primitives by Object.is, arrays and plain objects by their own keys in order, other objects by class name.
 */
function sameClone(a: any, b: any, seen = new Map<object, object>()): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b);
  if (seen.has(a)) return seen.get(a) === b;
  seen.set(a, b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.prototype.toString.call(a) !== Object.prototype.toString.call(b)) return false;
  if (a instanceof Date || Object.prototype.toString.call(a) === '[object Date]') return Object.is(a.getTime(), b.getTime());
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  if (Array.isArray(a) && a.length !== b.length) return false;
  return ka.every(k => sameClone(a[k], b[k], seen));
}

/** Whether two values share an object (a copy must not). */
function sharesObject(a: any, b: any): boolean {
  const objects = new Set<object>();
  const collect = (v: any) => {
    if (typeof v !== 'object' || v === null || objects.has(v)) return;
    objects.add(v);
    for (const k of Object.keys(v)) collect(v[k]);
  };
  collect(a);
  let shared = false;
  const visit = (v: any, done: Set<object>) => {
    if (typeof v !== 'object' || v === null || done.has(v)) return;
    done.add(v);
    if (objects.has(v)) shared = true;
    for (const k of Object.keys(v)) visit(v[k], done);
  };
  visit(b, new Set());
  return shared;
}

describe('cloneData', () => {
  test('GIVEN rendered JSON WHEN cloned THEN an equal copy that shares nothing, keys in the same order', () => {
    // GIVEN
    const json = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { b: '1', a: '2' } }, spec: { replicas: 2, list: [1, 'x', null, true, { y: [] }] } };
    // WHEN
    const copy = cloneData(json);
    // THEN
    expect(copy).toEqual(json);
    expect(Object.keys(copy.metadata.labels)).toEqual(['b', 'a']);
    expect(sharesObject(json, copy)).toBe(false);
    copy.spec.list.push(2);
    expect(json.spec.list).toHaveLength(5);
  });

  test('GIVEN an object reached twice, or a cycle WHEN cloned THEN the copy keeps them as structuredClone does', () => {
    // GIVEN
    const labels = { app: 'web' };
    const json: any = { metadata: { labels }, spec: { selector: { matchLabels: labels } } };
    json.self = json;
    // WHEN
    const copy = cloneData(json);
    // THEN
    expect(copy.metadata.labels).toBe(copy.spec.selector.matchLabels);
    expect(copy.metadata.labels).not.toBe(labels);
    expect(copy.self).toBe(copy);
  });

  test('GIVEN values that are not plain data WHEN cloned THEN structuredClone\'s result or its error', () => {
    // GIVEN a class instance, a Date, a sparse array, an array with a property, an own __proto__ key
    class Quantity { public constructor(public readonly value: string) {} }
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const extra: any = [1, 2];
    extra.note = 'x';
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    // WHEN / THEN
    expect(sameClone(cloneData({ q: new Quantity('1Gi') }), structuredClone({ q: new Quantity('1Gi') }))).toBe(true);
    expect(Object.getPrototypeOf(cloneData({ q: new Quantity('1Gi') }).q)).not.toBe(Quantity.prototype);
    expect(cloneData({ d: new Date(5) }).d.getTime()).toBe(5);
    expect(1 in cloneData(sparse)).toBe(false);
    expect((cloneData(extra) as any).note).toBe('x');
    const copy = cloneData(proto);
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
    expect(({} as any).polluted).toBeUndefined();
    // and the errors of structuredClone
    expect(() => cloneData({ f: () => 1 })).toThrow(/could not be cloned/);
    expect(() => cloneData({ p: new Proxy({}, {}) })).toThrow(/could not be cloned/);
    expect(() => cloneData({ s: Symbol('s') })).toThrow(/could not be cloned/);
  });

  test('GIVEN objects that only look plain WHEN cloned THEN structuredClone\'s result or its error', () => {
    // GIVEN `arguments`, a Date without its prototype, a getter that removes a later key, deep nesting
    const args = (function (..._a: unknown[]) { return arguments; })(1, 2); // eslint-disable-line prefer-rest-params
    const date = Object.setPrototypeOf(new Date(7), Object.prototype);
    const getter = { get a() { delete (this as any).b; return 1; }, b: 2 };
    let deep: any = { leaf: true };
    for (let i = 0; i < 600; i++) deep = { d: deep };
    // WHEN / THEN
    expect(() => cloneData({ args })).toThrow(/could not be cloned/);
    expect(sameClone(cloneData({ date }), structuredClone({ date: Object.setPrototypeOf(new Date(7), Object.prototype) }))).toBe(true);
    expect(cloneData(getter)).toEqual({ a: 1 });
    expect(Object.keys(cloneData({ get a() { return 1; }, b: 2 }))).toEqual(['a', 'b']);
    expect(sameClone(cloneData(deep), structuredClone(deep))).toBe(true);
  });

  test('GIVEN undefined, NaN, -0 and bigints in plain data WHEN cloned THEN kept as they are', () => {
    // GIVEN / WHEN
    const copy = cloneData({ u: undefined, n: NaN, z: -0, b: BigInt(3), a: [undefined] });
    // THEN
    expect(Object.keys(copy)).toEqual(['u', 'n', 'z', 'b', 'a']);
    expect(copy.n).toBeNaN();
    expect(Object.is(copy.z, -0)).toBe(true);
    expect(copy.b).toBe(BigInt(3));
    expect(copy.a).toEqual([undefined]);
  });

  test('property: any value clones as structuredClone clones it, or throws as it throws', () => {
    const anything = anyValue();
    fc.assert(fc.property(anything, fc.boolean(), (value, alias) => {
      // GIVEN any value, sometimes reached twice
      const input = alias ? { a: value, b: value } : { a: value };
      // WHEN cloned both ways
      let expected: unknown;
      let expectedError: string | undefined;
      try {
        expected = structuredClone(input);
      } catch (e) {
        expectedError = (e as Error).message;
      }
      // THEN the same copy, sharing nothing with the input, or the same error
      if (expectedError !== undefined) {
        expect(() => cloneData(input)).toThrow(expectedError);
        return;
      }
      const copy = cloneData(input);
      expect(sameClone(copy, expected)).toBe(true);
      expect(sharesObject(input, copy)).toBe(false);
    }), { numRuns: 1000 });
  });
});

describe('copier', () => {
  test('property: each copy is what cloneData gives, fresh, for any value (JSON-exact data or not)', () => {
    const jsonish = fc.jsonValue({ maxDepth: 4 });
    const odd = fc.constantFrom<unknown>(undefined, NaN, -0, Infinity, BigInt(3), new Date(5), JSON.parse('{"__proto__":1}'), [undefined]);
    const anything = fc.oneof(jsonish, anyValue(), fc.dictionary(fc.string(), fc.oneof(jsonish, odd)), fc.array(fc.oneof(jsonish, odd)));
    fc.assert(fc.property(anything, (value) => {
      // GIVEN any value that cloneData copies (structuredClone's errors aside)
      let expected: unknown;
      try {
        expected = cloneData(value);
      } catch {
        return;
      }
      // WHEN copied twice
      const copy = copier(value);
      const [a, b] = [copy(), copy()];
      // THEN each is cloneData's copy, and they share nothing with each other or the value
      expect(sameClone(a, expected)).toBe(true);
      expect(sameClone(b, expected)).toBe(true);
      expect(sharesObject(a, b)).toBe(false);
      expect(sharesObject(value, a)).toBe(false);
    }), { numRuns: 1000 });
  });

  test('GIVEN JSON-exact data, and data with -0, NaN or undefined WHEN copied THEN each exactly as cloneData copies it', () => {
    // GIVEN / WHEN
    const json = copier({ b: [1, 'x', { c: null }], a: true })();
    const odd = copier({ z: -0, n: NaN, u: undefined })();
    // THEN
    expect(Object.keys(json)).toEqual(['b', 'a']);
    expect(json).toEqual({ b: [1, 'x', { c: null }], a: true });
    expect(Object.keys(odd)).toEqual(['z', 'n', 'u']);
    expect(Object.is(odd.z, -0)).toBe(true);
    expect(odd.n).toBeNaN();
  });
});

describe('own keys only', () => {
  const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];

  test('GIVEN a map without a key named like an Object.prototype member WHEN ownValue looks it up THEN it finds nothing', () => {
    for (const k of PROTOTYPE_NAMES) expect([k, ownValue({ a: 1 }, k)]).toEqual([k, undefined]);
    expect(ownValue({ constructor: 'x' }, 'constructor')).toBe('x');
    expect(ownValue(undefined, 'a')).toBeUndefined();
    expect(ownValue(null, 'a')).toBeUndefined();
  });

  test('GIVEN objects with keys named like Object.prototype members WHEN sorted THEN every key is kept, as an own property', () => {
    // GIVEN
    const object = JSON.parse('{"kind":"X","apiVersion":"v1","constructor":1,"toString":{"__proto__":2,"b":3},"metadata":{"name":"n"},"__proto__":4}');
    // WHEN
    const sorted = sortObjectKeys(object);
    // THEN cdk8s' order, nothing dropped, no prototype changed
    expect(Object.keys(sorted)).toEqual(['apiVersion', 'kind', 'metadata', '__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(sorted)).toBe(Object.prototype);
    expect(sorted.constructor).toBe(1);
    expect(Object.keys(sorted.toString)).toEqual(['__proto__', 'b']);
    expect(JSON.stringify(sortDeep(object))).toBe('{"__proto__":4,"apiVersion":"v1","constructor":1,"kind":"X","metadata":{"name":"n"},"toString":{"__proto__":2,"b":3}}');
    expect(Object.keys(sortedMap(JSON.parse('{"z":"1","__proto__":"2"}')))).toEqual(['__proto__', 'z']);
  });

  test('property: sortObjectKeys keeps exactly the keys and values, in cdk8s\' order', () => {
    const key = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES, 'apiVersion', 'kind', 'metadata'), fc.string({ maxLength: 4 }));
    fc.assert(fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 })), value => {
      // GIVEN any object (own keys, as JSON.parse makes them) WHEN sorted
      const object = JSON.parse(JSON.stringify(value));
      const sorted = sortObjectKeys(object);
      // THEN the same JSON value, with apiVersion, kind and metadata first
      expect(JSON.parse(JSON.stringify(sorted))).toEqual(object);
      // (integer-like keys always come first in a JavaScript object, whatever the insertion order)
      const first = ['apiVersion', 'kind', 'metadata'].filter(k => Object.prototype.hasOwnProperty.call(object, k));
      expect(Object.keys(sorted).filter(k => !/^(0|[1-9][0-9]*)$/.test(k)).slice(0, first.length)).toEqual(first);
    }), { numRuns: 300 });
  });
});

describe('keys named __proto__ in user data', () => {
  test('GIVEN maps with a __proto__ key WHEN merged as Helm and Argo CD generators merge values THEN the key is kept as data', () => {
    // GIVEN
    const a = JSON.parse('{"x": 1}');
    const b = JSON.parse('{"__proto__": {"polluted": true}, "y": {"__proto__": "v"}}');
    // WHEN
    const merged = [mergeHelmValues(a, b), deepMerge(a, b, true), deepMerge(a, b, false)];
    // THEN every result has the key as its own, and no prototype changed
    for (const m of merged) {
      expect(Object.keys(m)).toEqual(['x', '__proto__', 'y']);
      expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
      expect(JSON.stringify(m)).toBe('{"x":1,"__proto__":{"polluted":true},"y":{"__proto__":"v"}}');
    }
    expect(({} as any).polluted).toBeUndefined();
  });

  test('GIVEN a SOPS file with a data key __proto__ WHEN read THEN the key is in its document (and scanned)', () => {
    // GIVEN
    const text = '__proto__: ENC[AES256_GCM,data:abc=,iv:abc=,tag:abc=,type:str]\nplain: value\nsops:\n  version: 3.9.0\n';
    // WHEN
    const read = readSopsYaml(text);
    // THEN
    expect(Object.keys(read.documents[0])).toEqual(['__proto__', 'plain']);
  });
});

/** A value's exact shape: key order, prototypes (O, A, N: null, X: other), holes, -0, and objects reached twice. */
function shapeOf(v: unknown, seen = new Set<object>()): string {
  if (v === null || typeof v !== 'object') return Object.is(v, -0) ? '-0' : `${typeof v}:${String(v)}`;
  if (seen.has(v)) return 'SHARED';
  seen.add(v);
  const proto = Object.getPrototypeOf(v);
  const p = proto === Object.prototype ? 'O' : proto === Array.prototype ? 'A' : proto === null ? 'N' : 'X';
  if (Array.isArray(v)) return `${p}[${Array.from({ length: v.length }, (_, i) => (i in v ? shapeOf(v[i], seen) : 'HOLE')).join(',')}]`;
  return `${p}{${Object.keys(v).map(k => `${JSON.stringify(k)}:${shapeOf((v as any)[k], seen)}`).join(',')}}`;
}

describe('sortOwnedObjectKeys', () => {
  test('GIVEN an object in cdk8s order with one map out of order WHEN sorted THEN only what was out of order is new', () => {
    // GIVEN what finish makes: a parsed copy, then a key added by a setting
    const object = JSON.parse('{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"i","name":"c"}]}}}}');
    const { spec } = object;
    const container = spec.template.spec.containers[0];
    spec.replicas = 2;
    // WHEN
    const sorted = sortOwnedObjectKeys(object);
    // THEN the same value as sortObjectKeys gives, reusing the metadata and the container, with spec rebuilt
    expect(shapeOf(sorted)).toBe(shapeOf(sortObjectKeys(JSON.parse(JSON.stringify(object)))));
    expect(Object.keys(sorted.spec)).toEqual(['replicas', 'template']);
    expect(sorted.metadata).toBe(object.metadata);
    expect(sorted.spec.template.spec.containers[0]).toBe(container);
    expect(sorted.spec).not.toBe(spec);
    // and an array of another prototype is copied as sortObjectKeys copies it (a null-prototype one fails alike)
    class Items extends Array {}
    const items = Items.from([{ b: 1, a: 2 }]);
    expect(shapeOf(sortOwnedObjectKeys({ items }))).toBe(shapeOf(sortObjectKeys({ items: Items.from([{ b: 1, a: 2 }]) })));
    const bare = Object.setPrototypeOf([1], null);
    expect(() => sortOwnedObjectKeys({ bare })).toThrow(TypeError);
    expect(() => sortObjectKeys({ bare })).toThrow(TypeError);
  });

  test('GIVEN two objects of a list that share a map WHEN each is sorted where it lies THEN the list shares nothing', () => {
    // GIVEN
    const labels = { b: '2', a: '1' };
    const shared = { name: 'x' };
    const objects = [{ kind: 'A', metadata: { labels, shared } }, { kind: 'B', metadata: { labels, shared } }, shared];
    // WHEN
    const sorted = sortOwnedEach(objects);
    // THEN each is sortObjectKeys' value, and no object is reached twice in the whole list
    expect(sorted).toBe(objects);
    expect(shapeOf(sorted)).toBe(shapeOf([
      sortObjectKeys({ kind: 'A', metadata: { labels: { b: '2', a: '1' }, shared: { name: 'x' } } }),
      sortObjectKeys({ kind: 'B', metadata: { labels: { b: '2', a: '1' }, shared: { name: 'x' } } }),
      { name: 'x' },
    ]));
    expect(shapeOf(sorted)).not.toContain('SHARED');
  });

  test('property: exactly sortObjectKeys\' value, sharing nothing, for trees with shared parts and objects that are not plain', () => {
    const trees = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map(v => JSON.parse(JSON.stringify(v))),
      fc.dictionary(fc.oneof(fc.constantFrom('apiVersion', 'kind', 'metadata', '__proto__', 'data', 'spec'), fc.string({ maxLength: 3 })), fc.jsonValue({ maxDepth: 3 }))
        .map(v => JSON.parse(JSON.stringify(v))),
      fc.tuple(anyValue(), anyValue(), fc.jsonValue({ maxDepth: 3 })).map(([x, y, z]) => ({
        spec: { b: [x, y, x], a: x, c: JSON.parse(JSON.stringify(z ?? null)) }, kind: 'K', metadata: { name: 'n', labels: y }, apiVersion: 'v1', data: z,
      })),
    );
    fc.assert(fc.property(trees, tree => {
      // GIVEN any tree WHEN sortObjectKeys copies it, and then sortOwnedObjectKeys sorts it where it lies
      const expected = shapeOf(sortObjectKeys(tree));
      const actual = shapeOf(sortOwnedObjectKeys(tree));
      // THEN the same keys, order, prototypes and values, and no object reached twice
      expect(actual).toBe(expected);
      expect(actual).not.toContain('SHARED');
    }), { numRuns: 1000 });
  });
});

