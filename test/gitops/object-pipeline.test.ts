import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { VersionsFile, HelmApplication } from '../../src';
import { createPipeline } from '../../src/gitops/object-pipeline';
import { deferredResult, jsonDataCheck, processObject, ProcessOptions } from '../../src/gitops/process-object';
import { renderTree } from '../../src/gitops/render';
import { verdictKey } from '../../src/gitops/verdict-cache';
import { toYaml } from '../../src/gitops/yaml';
import * as workerScripts from '../../src/private/worker-script';
import { Life } from '../../src/private/worker-script';
import { FALSE_POSITIVES, TRUE_POSITIVES } from '../secrets/catalogue';
import { addCluster, anyValue, testFleet } from '../util';

const options: ProcessOptions = { validateSchemas: true, unvalidatedKinds: new Set(), secretAllowances: [{ kind: 'ConfigMap', name: 'allowed', pointer: '/data/k', reason: 'r' }] };
const quota = (hard: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'n' }, spec: { hard } });
const deployment = (replicas: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'n' },
  spec: { replicas, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
});

/** Deep equality as JSON sees values: -0 is 0, prototypes do not count. */
function sameJson(a: any, b: any): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(k => Object.prototype.hasOwnProperty.call(b, k) && sameJson(a[k], b[k]));
}

/** Inputs that once gave different verdicts on the main thread and in the worker, and every catalogue case. */
const INPUTS: Array<[string, any]> = [
  ['quota pods: NaN', quota({ pods: NaN })],
  ["quota pods: 'NaN'", quota({ pods: 'NaN' })],
  ["quota services: '-5'", quota({ services: '-5' })],
  ['quota pods: 1.5', quota({ pods: 1.5 })],
  ['quota requests.cpu: Infinity', quota({ 'requests.cpu': Infinity })],
  ['replicas: NaN', deployment(NaN)],
  ['replicas: -Infinity', deployment(-Infinity)],
  ['replicas: 1.5', deployment(1.5)],
  ['Helm values NaN', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a', namespace: 'argocd' }, spec: { project: 'default', destination: { name: 'in-cluster', namespace: 'x' }, source: { repoURL: 'https://charts.example.com', chart: 'x', targetRevision: '1.0.0', helm: { valuesObject: { retention: NaN, nested: [1, Infinity] } } } } }],
  ['an undefined array element', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' }, extra: [undefined] }],
  ['an undefined property (dropped as JSON drops it)', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: undefined }, data: { a: 'b', gone: undefined } }],
  ['a Date', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { when: new Date(0) } }],
  ['a function', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { f: () => 1 } }],
  ['an allowed finding', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'allowed' }, data: { k: 'AKIA' + 'QYLPMN5HFIQR7XPL' } }],
  ['lone surrogates', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', annotations: { 'a/b\udc00': 'v' } }, data: { a: 'ok\ud800end', emoji: '\u{1F600}', cut: '\u{1F600}'.slice(0, 1) } }],
  ...[...TRUE_POSITIVES, ...FALSE_POSITIVES].map(c => [c.name, c.document] as [string, any]),
];

describe('object pipeline', () => {
  test('the worker thread gives exactly the main thread\'s verdict for every input', () => {
    // GIVEN the same inputs WHEN processed inline and on the worker (threshold forced to 1)
    const inline = createPipeline(options, INPUTS.length, Number.MAX_SAFE_INTEGER);
    const threaded = createPipeline(options, INPUTS.length, 1);
    expect(threaded.constructor.name).toBe('WorkerPipeline');
    for (const [, input] of INPUTS) {
      inline.submit(input, 'workload');
      threaded.submit(input, 'workload');
    }
    // THEN
    const a = inline.finish();
    const b = threaded.finish();
    expect(b).toEqual(a);
    const byName = Object.fromEntries(INPUTS.map(([name], i) => [name, a[i].problems]));
    expect(byName['quota pods: NaN']).toEqual(['/spec/hard/pods: NaN is not a finite number; JSON and YAML cannot hold it']);
    expect(byName["quota pods: 'NaN'"]).toEqual([
      "/spec/hard/pods: 'NaN' quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]);
    expect(byName["quota services: '-5'"]).toEqual(["/spec/hard/services: '-5' must be greater than or equal to 0"]);
    expect(byName['quota pods: 1.5']).toEqual(['/spec/hard/pods: 1.5 must be an integer']);
    expect(byName['replicas: NaN']).toEqual(['/spec/replicas: NaN is not a finite number; JSON and YAML cannot hold it']);
    expect(byName['replicas: 1.5']).toEqual(['schema: /spec/replicas must be integer', 'schema: /spec/replicas must match format "int32"']);
    expect(byName['Helm values NaN']).toEqual([
      '/spec/source/helm/valuesObject/retention: NaN is not a finite number; JSON and YAML cannot hold it',
      '/spec/source/helm/valuesObject/nested/1: Infinity is not a finite number; JSON and YAML cannot hold it',
    ]);
    expect(byName['an undefined array element']).toEqual(['/extra/0: undefined is not a value JSON or YAML can hold']);
    expect(byName['an undefined property (dropped as JSON drops it)']).toEqual([]);
    expect(byName['a Date']).toEqual(['/data/when: a Date is not JSON data (only plain objects and arrays are)']);
    expect(byName['a function']).toEqual(['/data/f: a function is not JSON data']);
    expect(byName['an allowed finding']).toEqual([]);
    // (go-yaml refuses the escape YAML writes for a lone surrogate: gopkg.in/yaml.v3 scannerc.go, yaml_parser_scan_flow_scalar)
    const refused = 'holds a lone surrogate, which is not a Unicode character: YAML would write it as an escape that Argo CD, kubectl and kustomize refuse ("found invalid Unicode character escape code")';
    expect(byName['lone surrogates']).toEqual([
      `/metadata/annotations/a~1b\\uDC00: the key 'a/b\\uDC00' ${refused}`,
      `/data/a: 'ok\\uD800end' ${refused}`,
      `/data/cut: '\\uD83D' ${refused}`,
    ]);
    for (const problems of Object.values(byName)) for (const p of problems) expect(p).not.toMatch(/\(null\)/);
  });

  test('equal objects are processed once per pipeline, by verdict key: the same result, as if processed apart', () => {
    // GIVEN the validated-content cache in use (the first object known clean), two equal objects in each case,
    // and objects that differ from them in role or in one value
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { k: v } });
    const knownClean = new Set([processObject(cm('a'), 'workload', { ...options, knownClean: new Set() }).verdictKey!]);
    const withCache: ProcessOptions = { ...options, knownClean };
    for (const threshold of [Number.MAX_SAFE_INTEGER, 1]) {
      const pipeline = createPipeline(withCache, 8, threshold);
      const inputs: Array<[any, 'workload' | 'argocd']> = [[cm('a'), 'workload'], [cm('a'), 'workload'], [cm('a'), 'argocd'], [cm('b'), 'workload'], [cm('b'), 'workload'],
        [deployment(1.5), 'workload'], [deployment(1.5), 'workload']];
      // WHEN
      for (const [o, role] of inputs) pipeline.submit(o, role);
      const results = pipeline.finish();
      // THEN each result equals processing the object alone; equal objects share one result inline
      inputs.forEach(([o, role], i) => expect(results[i]).toEqual(processObject(o, role, withCache)));
      if (threshold !== 1) {
        expect(results[1]).toBe(results[0]);
        expect(results[4]).toBe(results[3]);
        expect(results[6]).toBe(results[5]);
        expect(results[2]).not.toBe(results[0]); // another role: another key
      }
      expect(results[0].verdictKey).toBeDefined();
      expect(results[2].images).toBeUndefined();
      expect(results[5].problems).toContain('schema: /spec/replicas must be integer');
      expect(results[5].verdictKey).toBeUndefined();
    }
  });

  test('Helm values holding NaN are refused below and above the worker threshold (issue #11 §3)', () => {
    // GIVEN a Helm application whose values hold NaN, in a tree rendered inline and with the worker
    const { app, fleet } = testFleet();
    addCluster(fleet, 'c1', { environment: 'staging' });
    const versions = new VersionsFile(fleet, 'V', { content: 'environments: [staging]\nversions:\n  h:\n    staging: 1.0.0\n' });
    new HelmApplication(fleet, 'h', {
      versions,
      chart: 'x',
      repoUrl: 'https://charts.example.com',
      namespace: 'h',
      matchLabels: { environment: 'staging' },
      values: { retention: NaN },
      valuesByLabel: [{ labelKey: 'environment', values: { staging: { replicas: Infinity } } }],
    });
    // WHEN
    const small = renderTree(app, { ...options, workerThreshold: Number.MAX_SAFE_INTEGER });
    const large = renderTree(app, { ...options, workerThreshold: 1 });
    // THEN
    expect(large.errors).toEqual(small.errors);
    expect(small.errors).toEqual([
      '[platform/h] values file values/h/environment-staging.yaml: /replicas: Infinity is not a finite number; JSON and YAML cannot hold it',
      "[platform/h/ApplicationSet-staging] ApplicationSet 'h-staging' (argocd/platform/applicationsets/ApplicationSet.h-staging.yaml): /spec/template/spec/sources/0/helm/valuesObject/retention: NaN is not a finite number; JSON and YAML cannot hold it",
    ]);
  });

  test('property: jsonDataCheck calls a value lossless exactly when a JSON round trip gives it back, and errs exactly when it names a pointer', () => {
    const anything = anyValue();
    fc.assert(fc.property(anything, value => {
      // GIVEN any value WHEN it is checked
      const check = jsonDataCheck({ v: value });
      // THEN lossless values survive JSON, errors name where they are, and a value with neither only loses undefined properties
      let roundTrip: unknown;
      try {
        roundTrip = JSON.parse(JSON.stringify({ v: value }));
      } catch {
        roundTrip = Symbol('not JSON');
      }
      if (check.lossless) expect(sameJson(roundTrip, { v: value })).toBe(true);
      for (const e of check.errors) expect(e).toMatch(/^\/v(\/.*)?: /);
      if (!check.lossless && check.errors.length === 0) expect(JSON.stringify({ v: value })).toBeDefined();
    }), { numRuns: 1000 });
  });

  test('property: any value gives the same processing inline and after the worker\'s JSON transfer, or is processed inline', () => {
    const anything = fc.anything({
      maxDepth: 3, withBoxedValues: false, withMap: false, withSet: false, withNullPrototype: true, withObjectString: true,
    });
    fc.assert(fc.property(anything, value => {
      const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { v: value } };
      const check = jsonDataCheck(object);
      if (check.lossless) {
        // exactly what the worker would see
        expect(processObject(JSON.parse(JSON.stringify(object)), 'workload', options)).toEqual(processObject(object, 'workload', options));
      } else {
        // never sent to the worker; data errors name a pointer, never print null for NaN
        for (const p of processObject(object, 'workload', options).problems) expect(p).not.toMatch(/\(null\)/);
      }
    }), { numRuns: 400 });
  });

  test('property: a deferred result\'s content is the YAML of the object itself, and its hash the recorded one', () => {
    // (-0 among the numbers: JSON writes it as 0, and so does the YAML of the object itself)
    const data = fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.constant(-0), fc.array(fc.constant(-0)), fc.dictionary(fc.string(), fc.constantFrom(-0, 1e21, 5e-7, '-0', 'no')));
    fc.assert(fc.property(data, value => {
      // GIVEN a lossless object processed eagerly, then as a known-clean object whose YAML's hash is recorded
      const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { v: value } };
      const text = JSON.stringify(object);
      const eager = processObject(object, 'workload', { ...options, knownClean: new Set() });
      const key = verdictKey(text, 'workload', options);
      const known = { ...options, knownClean: new Set([key]), knownHashes: new Map([[key, eager.hash]]) };
      // WHEN it is processed again, inline and as the worker receives it
      for (const r of [processObject(object, 'workload', known), processObject(JSON.parse(text), 'workload', known, text)]) {
        // THEN the result is deferred, and reading it gives the eager YAML (the object's own), with the recorded hash
        expect(r.deferred).toBe(true);
        expect(r.hash).toBe(eager.hash);
        expect(r.content).toBe(eager.content);
        expect(toYaml(JSON.parse(text))).toBe(toYaml(object));
      }
    }), { numRuns: 300 });
  });

  test('a deferred result whose recorded hash is not its YAML\'s fails when read', () => {
    const r = deferredResult('{"a":1}', '0'.repeat(64), undefined, 'f'.repeat(64));
    expect(r.hash).toBe('0'.repeat(64));
    expect(() => r.content).toThrow(/records another YAML hash for an object \(verdict key ffffffffffff…\)/);
  });

  test('with the cache holding keys, known objects are answered on the main thread and only the rest reach the worker, with the same results', () => {
    // GIVEN 600 objects: 250 known clean with their YAML's hash, 50 known clean without (the byte scan's
    // triggers; 10 of them would fail validation, which a known key skips), 300 unknown (50 of them invalid)
    const cm = (i: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, namespace: 'n' }, data: { k: `v${i}` } });
    const objects = [...Array.from({ length: 250 }, (_, i) => cm(i)), ...Array.from({ length: 40 }, (_, i) => cm(1000 + i)),
      ...Array.from({ length: 10 }, (_, i) => deployment(100 + i + 0.5)),
      ...Array.from({ length: 250 }, (_, i) => cm(2000 + i)), ...Array.from({ length: 50 }, (_, i) => deployment(i + 0.5))];
    const fresh = { ...options, knownClean: new Set<string>() };
    const eager = objects.map(o => processObject(o, 'workload', fresh));
    const keys = objects.map(o => verdictKey(JSON.stringify(o), 'workload', options));
    const known: ProcessOptions = {
      ...options,
      knownClean: new Set(keys.slice(0, 300)),
      knownHashes: new Map(eager.slice(0, 250).map(r => [r.verdictKey!, r.hash])),
    };
    const alone = objects.map(o => processObject(o, 'workload', known));
    expect(eager[290].problems).toContain('schema: /spec/replicas must be integer');
    expect(alone[290].problems).toEqual([]); // known clean: not validated again
    // WHEN they pass (each twice) through a pipeline that may use the worker (700 objects to work on), one that may
    // not, and, with only 5 unknown objects, one that may but has too few to start it (the main thread at the end)
    const cases: Array<[number[], number, boolean]> = [
      [objects.map((_, i) => i), 1, true],
      [objects.map((_, i) => i), Number.MAX_SAFE_INTEGER, false],
      [[...Array.from({ length: 305 }, (_, i) => i)], 1, false],
    ];
    for (const [indices, threshold, worker] of cases) {
      const pipeline = createPipeline(known, indices.length * 2, threshold);
      for (const i of [...indices, ...indices]) pipeline.submit(objects[i], 'workload');
      const results = pipeline.finish();
      // THEN every result is the object's own, processed alone; the known ones with a hash are deferred
      const expected = [...indices, ...indices].map(i => alone[i]);
      const fields = (r: any) => [r.hash, r.verdictKey, r.problems, r.images, r.deferred];
      expect(results.map(fields)).toEqual(expected.map(fields));
      expect(results.slice(0, 300).map(r => r.content)).toEqual(eager.slice(0, 300).map(r => r.content));
      expect(results.filter(r => r.deferred)).toHaveLength(500);
      expect(results[290].problems).toEqual([]);
      expect(results[290].verdictKey).toBe(keys[290]);
      if (indices.length > 550) expect(results[550].problems).toContain('schema: /spec/replicas must be integer');
      expect((pipeline as any).worker !== undefined).toBe(worker);
    }
  });

  test('an allowance by file holds on the worker as on the main thread, with and without the cache', () => {
    // GIVEN options for one known file, with an allowance of a finding in it by file
    const secret = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' }, data: { k: 'AKIA' + 'QYLPMN5HFIQR7XPL' } };
    const byFile: ProcessOptions = { validateSchemas: true, unvalidatedKinds: new Set(), file: 'values/x.yaml', secretAllowances: [{ file: 'values/x.yaml', pointer: '/data/k', reason: 'r' }] };
    for (const o of [byFile, { ...byFile, knownClean: new Set<string>() }]) {
      // WHEN the object passes through a worker pipeline and is processed alone
      const pipeline = createPipeline(o, 1, 1);
      pipeline.submit(secret, 'workload');
      const [threaded] = pipeline.finish();
      // THEN both allow the finding (and key it alike)
      expect(threaded).toEqual(processObject(secret, 'workload', o));
      expect(threaded.problems).toEqual([]);
    }
  });

  test('with every object known clean with its hash, the worker is never started', () => {
    // GIVEN 5,000 known objects
    const objects = Array.from({ length: 5000 }, (_, i) => quota({ pods: String(i) }));
    const eager = objects.map(o => processObject(o, 'workload', { ...options, knownClean: new Set() }));
    const known = { ...options, knownClean: new Set(eager.map(r => r.verdictKey!)), knownHashes: new Map(eager.map(r => [r.verdictKey!, r.hash])) };
    // WHEN they pass through a pipeline above the worker threshold
    const pipeline = createPipeline(known, objects.length, 1);
    for (const o of objects) pipeline.submit(o, 'workload');
    const results = pipeline.finish();
    // THEN no worker ran, and the results are deferred with the recorded hashes
    expect((pipeline as any).worker).toBeUndefined();
    expect(results.every(r => r.deferred)).toBe(true);
    expect(results.map(r => r.hash)).toEqual(eager.map(r => r.hash));
  });

  test('a worker pipeline\'s deferred results are made on the main thread from the text it made, equal objects sharing one', () => {
    // GIVEN objects known clean with their YAML's hashes (two of them equal)
    const objects = [deployment(2), quota({ pods: '3' }), deployment(2)];
    const eager = objects.map(o => processObject(o, 'workload', { ...options, knownClean: new Set() }));
    const keys = objects.map(o => verdictKey(JSON.stringify(o), 'workload', options));
    const known = { ...options, knownClean: new Set(keys), knownHashes: new Map(keys.map((k, i) => [k, eager[i].hash])) };
    // WHEN they pass through a worker pipeline
    const pipeline = createPipeline(known, 3, 1);
    for (const o of objects) pipeline.submit(o, 'workload');
    const results = pipeline.finish();
    // THEN each is deferred, shared by equal objects, and reads as the eager result
    expect(results.map(r => r.deferred)).toEqual([true, true, true]);
    expect(results[2]).toBe(results[0]);
    expect(results.map(r => [r.content, r.hash, r.images, r.problems])).toEqual(eager.map(r => [r.content, r.hash, r.images, r.problems]));
  });

  test('the batches a pipeline keeps while its worker loads are dropped once it runs, and none is kept after finish', () => {
    // GIVEN a worker pipeline (its worker starts at once: the cache knows nothing)
    const objects = Array.from({ length: 2000 }, (_, i) => quota({ pods: String(i) }));
    const pipeline = createPipeline(options, objects.length, 1);
    // WHEN every object passes
    for (const o of objects) pipeline.submit(o, 'workload');
    const results = pipeline.finish();
    // THEN the results are the main thread's, and no batch is kept
    expect(results.map(r => r.hash)).toEqual(objects.map(o => processObject(o, 'workload', options).hash));
    expect((pipeline as any).unconfirmed).toEqual([]);
  });

  test.each([
    ['authentication.k8s.io/v1', 'TokenReview', { spec: { token: 'x' } }, 'a request the API server answers without storing it'],
    ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } }, 'a request the API server answers without storing it'],
    ['policy/v1', 'Eviction', {}, "a subresource, written through its parent object's endpoint (pods/eviction)"],
    ['v1', 'ComponentStatus', {}, 'read-only: the API server reports it and accepts no write'],
  ])('GIVEN a %s %s (a kind Argo CD cannot sync) WHEN processed THEN it is refused, saying why', (apiVersion, kind, rest, why) => {
    // GIVEN (the API server's registry stores none of these: create-only requests, subresources, a read-only kind)
    const object = { apiVersion, kind, metadata: { name: 'x' }, ...rest };
    // WHEN
    const { problems } = processObject(object, 'workload', options);
    // THEN
    expect(problems).toContain(`'${apiVersion}/${kind}' is ${why}: no object of it is stored, so Argo CD cannot keep one in sync from Git`);
    // … Helm values (not objects, never schema-validated) are not judged by kind
    expect(processObject(object, 'workload', { ...options, validateSchemas: false }).problems.join('\n')).not.toMatch(/cannot keep one in sync/);
  });

  describe('a worker that fails', () => {
    /** `workerScript` answers a script of this source (written to a temporary file) while `fn` runs. */
    function withWorkerSource<T>(source: string, fn: () => T): T {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-pipeline-')), 'worker.js');
      fs.writeFileSync(file, source);
      const spy = jest.spyOn(workerScripts, 'workerScript').mockReturnValue({ file, execArgv: [] });
      try {
        return fn();
      } finally {
        spy.mockRestore();
      }
    }
    /** 450 objects (more than two batches), and what the main thread alone makes of them. */
    const objects = Array.from({ length: 450 }, (_, i) => (i % 3 === 0 ? quota({ pods: i % 2 ? 'NaN' : String(i) }) : deployment(i % 5)));

    test.each([
      ['without the validated-content cache', options],
      ['with the cache knowing none of them', { ...options, knownClean: new Set<string>() }],
      ['with the cache knowing some (the main thread keys them)', { ...options, knownClean: new Set([processObject(deployment(1), 'workload', { ...options, knownClean: new Set() }).verdictKey!]) }],
    ])('GIVEN a worker script that throws while loading (%s) WHEN objects pass THEN the main thread does them all, at once, with the same results', (_what, o) => {
      // GIVEN
      const expected = objects.map(x => processObject(x, 'workload', o));
      withWorkerSource("throw new Error('no worker today');", () => {
        // WHEN
        const began = Date.now();
        const pipeline = createPipeline(o, objects.length, 1);
        expect(pipeline.constructor.name).toBe('WorkerPipeline');
        for (const x of objects) pipeline.submit(x, 'workload');
        const results = pipeline.finish();
        // THEN (the worker's failure is seen when it happens, not after the two-minute stall)
        expect(results).toEqual(expected);
        expect(Date.now() - began).toBeLessThan(30_000);
      });
    });

    test.each([
      ['seen running before any batch is sent', true],
      ['still loading when the batches are sent (its script loads slowly)', false],
    ])('GIVEN a worker whose script loads, then dies on its first batch (%s) WHEN the pipeline finishes THEN an error says why, at once', (_what, waitRunning) => {
      // (a slow script is still loading when the batches below are sent)
      const source = `const end = Date.now() + ${waitRunning ? 0 : 400}; while (Date.now() < end);`
        + " require('worker_threads').workerData.port.on('message', () => { throw new Error('the worker fell over'); });";
      withWorkerSource(source, () => {
        // GIVEN
        const pipeline = createPipeline({ ...options, knownClean: new Set<string>() }, objects.length, 1);
        const life = (pipeline as any).life as workerScripts.WorkerLife;
        if (waitRunning) {
          const deadline = Date.now() + 30_000;
          while (life.state === Life.LOADING && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          expect(life.state).toBe(Life.RUNNING);
        }
        // WHEN
        const began = Date.now();
        const run = () => {
          for (const x of objects) pipeline.submit(x, 'workload');
          return pipeline.finish();
        };
        // THEN
        expect(run).toThrow("the object pipeline's worker stopped: the worker fell over");
        expect(Date.now() - began).toBeLessThan(30_000);
      });
    });
  });
});
