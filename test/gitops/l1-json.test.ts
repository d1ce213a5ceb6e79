import { execFileSync } from 'child_process';
import { inspect } from 'util';
import { ApiObject, App, Chart, JsonPatch, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { withFastApiObjectJson } from '../../src/gitops/api-object-json';
import { apiObjectJson, evaluate, isGeneratedL1, mapperOf, mapWith, withFastL1Json } from '../../src/gitops/l1-json';
import * as argocd from '../../src/imports/argocd-argoproj.io';
import * as externalSecrets from '../../src/imports/externalsecrets-external-secrets.io';
import * as fluxHelm from '../../src/imports/fluxhelm-helm.toolkit.fluxcd.io';
import * as fluxKustomize from '../../src/imports/fluxkustomize-kustomize.toolkit.fluxcd.io';
import * as fluxSource from '../../src/imports/fluxsource-source.toolkit.fluxcd.io';
import * as istio from '../../src/imports/istio-networking.istio.io';
import * as monitoring from '../../src/imports/monitoring-monitoring.coreos.com';
import * as rollouts from '../../src/imports/rollouts-argoproj.io';
import * as sealedSecrets from '../../src/imports/sealedsecrets-bitnami.com';

/** Every module whose L1 classes the fast path knows (GENERATED_MODULES). */
const MODULES: Record<string, any> = {
  'cdk8s-plus-28 k8s': k8s, argocd, externalSecrets, fluxHelm, fluxKustomize, fluxSource, istio, monitoring, rollouts, sealedSecrets,
};

function mappersOf(module: any): [string, (obj: any) => any][] {
  return Object.entries(module).filter(([name, v]) => name.startsWith('toJson_') && typeof v === 'function') as [string, (obj: any) => any][];
}

function l1ClassesOf(module: any): [string, any][] {
  return Object.entries(module).filter(([, v]: [string, any]) => typeof v === 'function' && v.GVK !== undefined && v.prototype instanceof Object);
}

/** The result of `f()` as text (key order, undefined values and prototypes shown), or its error's message. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: inspect(f(), { depth: null, showHidden: false }) };
  } catch (e) {
    return { error: `${(e as Error).constructor.name}: ${(e as Error).message}` };
  }
}

/** A small seeded generator (Park–Miller; fast-check draws the seed). */
function random(seed: number): () => number {
  let s = (Math.abs(seed) % 2147483646) + 1;
  return () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/**
 * An input for a mapper: mostly an object of its own fields (values of every kind the forms read, nested inputs
 * for the fields that name a mapper), sometimes of the wrong type, with odd and unknown keys, undefined values,
 * number/string unions as cdk8s resolves them (`{ value }`), dates, sparse arrays.
 */
function inputFor(mapper: any, rnd: () => number, depth: number): any {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const scalar = () => pick<any>(['a', '', '25%', 0, -0, 3, 1.5, true, false, null, undefined, '100m']);
  const junk = () => pick<any>([null, 'text', 42, true, [], [1, 'x'], {}, undefined, new Date(0), { value: 'v' }]);
  const mapOf = (v: () => any) => Object.fromEntries(Array.from({ length: Math.floor(rnd() * 3) }, () => [pick(['a', 'b', '1', '__proto__', 'constructor', 'x-y']), v()]));
  if (rnd() < 0.08 || depth > 4 || mapper.fields === undefined) return junk();
  const out: any = {};
  for (const f of mapper.fields) {
    if (rnd() > 0.35) continue;
    const nested = () => (f.mapper ? inputFor(f.mapper, rnd, depth + 1) : scalar());
    out[f.prop] = pick<() => any>([
      nested, nested,
      () => Array.from({ length: Math.floor(rnd() * 3) }, nested),
      () => mapOf(nested),
      () => mapOf(() => [scalar()]),
      () => ({ value: pick(['x', 7]) }),
      () => mapOf(() => ({ value: pick(['1Gi', 2]) })),
      () => new Date(86_400_000),
      () => [1, , 3], // eslint-disable-line no-sparse-arrays
      scalar, junk,
    ])();
  }
  if (rnd() < 0.2) out[pick(['unknown', 'constructor', 'toString', 'value'])] = scalar();
  return out;
}

describe('generated L1 toJson, fast', () => {
  test('GIVEN every generated mapper of the known modules WHEN read THEN each is in the forms the fast path evaluates', () => {
    for (const [name, module] of Object.entries(MODULES)) {
      const mappers = mappersOf(module);
      const unread = mappers.filter(([, fn]) => mapperOf(fn, module).fields === undefined).map(([n]) => n);
      expect({ name, unread }).toEqual({ name, unread: [] });
      expect(mappers.length).toBeGreaterThan(0);
    }
  });

  test('GIVEN every L1 class of the known modules WHEN an object of it renders THEN it takes the fast path', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    let n = 0;
    for (const [, module] of Object.entries(MODULES)) {
      for (const [name, cls] of l1ClassesOf(module)) {
        const o = new cls(chart, `o${n++}`, name === 'KubeDeployment' ? { spec: { selector: {}, template: {} } } : {});
        expect({ name, fast: isGeneratedL1(o) }).toEqual({ name, fast: true });
      }
    }
    expect(n).toBe(157); // 139 of cdk8s-plus-28, 18 of ours
  });

  test('GIVEN property-generated inputs WHEN mapped THEN the result (key order included) or the error is the generated mapper\'s', () => {
    const all = Object.values(MODULES).flatMap(module => mappersOf(module).map(([name, fn]) => ({ name, mapper: mapperOf(fn, module) })));
    fc.assert(fc.property(fc.constantFrom(...all), fc.integer(), ({ mapper }, seed) => {
      const input = inputFor(mapper, random(seed), 0);
      const generated = outcome(() => mapper.fn(input));
      expect(outcome(() => mapWith(mapper, input))).toEqual(generated);
      // (the evaluation itself, without the retry: it gives the result wherever the generated mapper gives one)
      if ('value' in (generated as object)) {
        expect(outcome(() => evaluate(mapper, input))).toEqual(generated);
        expect(outcome(() => evaluate(mapper, input, true))).toEqual(generated);
      }
    }), { numRuns: 3000 });
  });

  test('GIVEN code generation refused (--disallow-code-generation-from-strings) WHEN L1 objects render THEN the loop evaluates their mappers, with toJson()\'s result', () => {
    // GIVEN: a process in which `new Function` throws
    const script = [
      "const { App, Chart } = require('cdk8s');",
      "const { k8s } = require('cdk8s-plus-28');",
      `const l1 = require(${JSON.stringify(require.resolve('../../src/gitops/l1-json'))});`,
      "let refused = false; try { new Function('return 1'); } catch { refused = true; }",
      "const chart = new Chart(new App(), 'c', { namespace: 'ns' });",
      "const o = new k8s.KubeDeployment(chart, 'd', { metadata: { labels: { app: 'a', toString: 'c' } },",
      "  spec: { selector: { matchLabels: { app: 'a' } }, template: { spec: { containers: [{ name: 'a', image: 'i', ports: [{ containerPort: 80 }] }] } } } });",
      'console.log(JSON.stringify({ refused, fast: l1.isGeneratedL1(o), json: JSON.stringify(l1.apiObjectJson(o)), expected: JSON.stringify(o.toJson()) }));',
    ].join('\n');
    // WHEN
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '-r', 'ts-node/register/transpile-only', '-e', script], { encoding: 'utf8' });
    // THEN
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.refused).toBe(true);
    expect(r.fast).toBe(true);
    expect(r.json).toBe(r.expected);
    expect(JSON.parse(r.json).metadata.labels).toEqual({ app: 'a', toString: 'c' });
  });

  test('GIVEN the fleet\'s own kinds, with unions, patches, Lazy values and odd keys WHEN rendered THEN the JSON is toJson()\'s', () => {
    // GIVEN
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'ns' });
    const deployment = new k8s.KubeDeployment(chart, 'd', {
      metadata: { labels: { app: 'a', toString: 'c', 1: 'one' }, annotations: { valueOf: 'x' } },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        strategy: { rollingUpdate: { maxSurge: k8s.IntOrString.fromString('25%'), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          spec: {
            containers: [{
              name: 'a',
              image: 'i',
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: k8s.Quantity.fromString('500m') }, requests: { memory: k8s.Quantity.fromString('1Gi') } },
              env: Lazy.any({ produce: () => [{ name: 'X', value: 'y' }] }) as any,
            }],
          },
        },
      },
    });
    deployment.addJsonPatch(JsonPatch.add('/spec/unknownField', 1), JsonPatch.add('/spec/replicas', 2));
    const application = new argocd.Application(chart, 'app', {
      metadata: { name: 'app' },
      spec: { project: 'p', destination: { server: 'https://x' }, source: { repoUrl: 'r', path: '.', helm: { valuesObject: { any: { deep: [1, { k: 'v' }] } } } } },
    });
    const secret = new k8s.KubeSecret(chart, 's', { stringData: { a: 'b' }, data: {} });
    // WHEN / THEN
    for (const o of [deployment, application, secret]) {
      expect(isGeneratedL1(o)).toBe(true);
      const [fast, original] = [withFastApiObjectJson(() => outcome(() => apiObjectJson(o))), outcome(() => o.toJson())];
      expect(fast).toEqual(original);
    }
    expect(JSON.stringify(apiObjectJson(deployment).spec.strategy)).toBe('{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}}');
  });

  test('GIVEN a mapper that throws (a string where a date goes) WHEN rendered THEN the error is the generated code\'s own', () => {
    const chart = new Chart(new App(), 'c');
    const d = new k8s.KubeDeployment(chart, 'd', { spec: { selector: {}, template: {} } });
    d.addJsonPatch(JsonPatch.add('/metadata/creationTimestamp', 'yesterday'));
    const error = outcome(() => d.toJson());
    expect(error).toEqual({ error: expect.stringContaining('obj.creationTimestamp?.toISOString is not a function') });
    expect(outcome(() => apiObjectJson(d))).toEqual(error);
  });

  test('GIVEN a subclass with its own toJson, or an L1 whose toJson was replaced WHEN rendered THEN that toJson runs', () => {
    const chart = new Chart(new App(), 'c');
    class Tagged extends k8s.KubeConfigMap {
      public toJson(): any {
        return { ...super.toJson(), tagged: true };
      }
    }
    class Plain extends k8s.KubeConfigMap {}
    const tagged = new Tagged(chart, 't', { data: { a: 'b' } });
    const plain = new Plain(chart, 'p', { data: { a: 'b' } });
    expect(isGeneratedL1(tagged)).toBe(false);
    expect(apiObjectJson(tagged)).toEqual({ ...tagged.toJson() });
    expect(apiObjectJson(tagged).tagged).toBe(true);
    expect(isGeneratedL1(plain)).toBe(true); // (inherits the generated toJson: the same code runs)
    expect(inspect(apiObjectJson(plain))).toBe(inspect(plain.toJson()));

    const original = k8s.KubeServiceAccount.prototype.toJson;
    const sa = new k8s.KubeServiceAccount(chart, 'sa', {});
    try {
      k8s.KubeServiceAccount.prototype.toJson = function (this: ApiObject) {
        return { replaced: true };
      };
      expect(apiObjectJson(sa)).toEqual({ replaced: true });
    } finally {
      k8s.KubeServiceAccount.prototype.toJson = original;
    }
  });

  test('GIVEN a setter for a field\'s key on Object.prototype WHEN rendered THEN the result and the setter\'s calls are the generated code\'s', () => {
    const chart = new Chart(new App(), 'c');
    const cm = new k8s.KubeConfigMap(chart, 'cm', { data: { spec: 'x', toString: 'y' } });
    let calls = 0;
    Object.defineProperty(Object.prototype, 'data', { set() { calls++; }, get() { return undefined; }, configurable: true });
    try {
      const original = outcome(() => cm.toJson());
      const callsOriginal = calls;
      const fast = outcome(() => apiObjectJson(cm));
      expect(fast).toEqual(original);
      expect(calls - callsOriginal).toBe(callsOriginal); // (cdk8s' resolver assigns it; the mappers define it)
    } finally {
      delete (Object.prototype as any).data;
    }
    expect(Object.keys(apiObjectJson(cm))).toEqual(['apiVersion', 'kind', 'metadata', 'data']);
  });

  test('GIVEN a mapper export replaced (a spy, another mapper) before rendering WHEN rendered THEN the generated code runs, which calls its own', () => {
    jest.isolateModules(() => {
      // GIVEN a fresh copy of cdk8s, cdk8s-plus' L1s and this module
      /* eslint-disable @typescript-eslint/no-require-imports */
      const cdk8s = require('cdk8s');
      const fresh = require('cdk8s-plus-28/lib/imports/k8s');
      const l1 = require('../../src/gitops/l1-json');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const original = fresh.toJson_ObjectMeta;
      fresh.toJson_ObjectMeta = (o: any) => ({ ...original(o), spied: true });
      fresh.toJson_KubeSecretProps = fresh.toJson_KubeServiceAccountProps;
      const chart = new cdk8s.Chart(new cdk8s.App(), 'c');
      const cm = new fresh.KubeConfigMap(chart, 'cm', { data: { a: 'b' } });
      const secret = new fresh.KubeSecret(chart, 's', { stringData: { a: 'b' } });
      // WHEN / THEN
      for (const o of [cm, secret]) {
        expect(l1.isGeneratedL1(o)).toBe(false);
        expect(inspect(l1.apiObjectJson(o), { depth: null })).toBe(inspect(o.toJson(), { depth: null }));
      }
      expect(l1.apiObjectJson(cm).metadata.spied).toBeUndefined();
      expect(l1.apiObjectJson(secret).stringData).toEqual({ a: 'b' });
    });
  });

  test('GIVEN Object.entries replaced, or a toJson that is not a function WHEN rendered THEN the result or the error is toJson()\'s', () => {
    const chart = new Chart(new App(), 'c');
    const cm = new k8s.KubeConfigMap(chart, 'cm', { data: { b: '1', a: '2' } });
    const entries = Object.entries;
    Object.entries = ((o: any) => entries(o).reverse()) as any;
    try {
      expect(outcome(() => apiObjectJson(cm))).toEqual(outcome(() => cm.toJson()));
    } finally {
      Object.entries = entries;
    }
    const obj = new k8s.KubeServiceAccount(chart, 'sa', {}); // (named as render names it: V8's message quotes the call)
    Object.defineProperty(obj, 'toJson', { value: 5 });
    expect(outcome(() => apiObjectJson(obj))).toEqual(outcome(() => (obj as any).toJson()));
  });

  test('GIVEN a chart of L1s, dependencies and odd objects WHEN Chart.toJson() runs with withFastL1Json THEN it is Chart.toJson()\'s, and the objects are as before', () => {
    // GIVEN a Workload definition's chart (workload.ts renderDefinition): dependencies, a subclass with its own
    // toJson, an object with an own toJson, a frozen one, a plain ApiObject
    const chart = new Chart(new App(), 'c', { namespace: 'ns' });
    const service = new k8s.KubeService(chart, 'svc', { spec: { ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('http') }] } });
    const deployment = new k8s.KubeDeployment(chart, 'd', { spec: { selector: {}, template: { spec: { containers: [{ name: 'a', image: 'i' }] } } } });
    deployment.addDependency(service);
    class Tagged extends k8s.KubeConfigMap {
      public toJson(): any {
        return { ...super.toJson(), tagged: true };
      }
    }
    new Tagged(chart, 't', { data: { a: 'b' } });
    const own = new k8s.KubeSecret(chart, 'own', { stringData: { a: 'b' } });
    Object.defineProperty(own, 'toJson', { value: () => ({ apiVersion: 'v1', kind: 'Secret', own: true }), configurable: true, writable: true });
    Object.freeze(new k8s.KubeServiceAccount(chart, 'frozen', {}));
    new ApiObject(chart, 'plain', { apiVersion: 'v1', kind: 'ConfigMap', data: { x: 'y' } });
    const objects = chart.node.findAll().filter(ApiObject.isApiObject);
    const before = objects.map(o => Object.getOwnPropertyNames(o));
    // WHEN
    const fast = withFastApiObjectJson(() => withFastL1Json(objects, () => chart.toJson()));
    // THEN
    expect(inspect(fast, { depth: null })).toBe(inspect(chart.toJson(), { depth: null }));
    expect(fast.map((o: any) => o.kind)).toEqual(['Service', 'Deployment', 'ConfigMap', 'Secret', 'ServiceAccount', 'ConfigMap']);
    expect(objects.map(o => Object.getOwnPropertyNames(o))).toEqual(before);
    expect(fast[3]).toEqual({ apiVersion: 'v1', kind: 'Secret', own: true });
    // an error inside leaves nothing behind either
    expect(() => withFastL1Json(objects, () => { throw new Error('boom'); })).toThrow('boom');
    expect(objects.map(o => Object.getOwnPropertyNames(o))).toEqual(before);
    // during the call, each recognized L1 answers through the fast mapper
    withFastL1Json(objects, () => {
      expect(Object.prototype.hasOwnProperty.call(deployment, 'toJson')).toBe(true);
      expect(Object.prototype.hasOwnProperty.call(service, 'toJson')).toBe(true);
    });
  });
});
