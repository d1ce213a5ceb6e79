import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { AppProject, Application, ApplicationSource, ClusterManifests, Fleet, FleetApp, ProjectDestination } from '../../src';
import * as fleetPlan from '../../src/gitops/fleet-plan';
import * as fleetProofs from '../../src/gitops/fleet-proofs';
import { renderTree } from '../../src/gitops/render';
import { SchemaValidator } from '../../src/gitops/schema-validator';
import { STATE_GITIGNORE } from '../../src/gitops/tree-state';
import { dependencyManifests, libraryFingerprint, planInputKey, VERDICT_CACHE, verdictKey } from '../../src/gitops/verdict-cache';
import * as yamlModule from '../../src/gitops/yaml';
import { addCluster, errorOf, treeSnapshot, webFleetApp } from '../util';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-verdicts-'));

/** A small fleet (a ConfigMap and a ServiceAccount for web); `extra` adds objects to the web manifests. */
function program(outdir: string, extra?: (web: ClusterManifests) => void): FleetApp {
  return webFleetApp(outdir, {
    extra: web => {
      new k8s.KubeServiceAccount(web, 'Account', { metadata: { name: 'web' } });
      extra?.(web);
    },
  });
}

/** Runs `fn` counting the objects the schema validator validates (inline rendering: small fleets). */
function countValidations(fn: () => void): number {
  const validate = jest.spyOn(SchemaValidator.prototype, 'validate');
  try {
    fn();
    return validate.mock.calls.length;
  } finally {
    validate.mockRestore();
  }
}

describe('the validated-content cache', () => {
  test('a re-synth of unchanged objects validates none of them and writes nothing', () => {
    // GIVEN a tree synthesized once
    const outdir = tmp();
    const first = countValidations(() => program(outdir).synth());
    const cache = fs.readFileSync(path.join(outdir, VERDICT_CACHE), 'utf-8').split('\n');
    // WHEN the same program runs again
    let result: ReturnType<FleetApp['synthTree']> | undefined;
    const again = countValidations(() => { result = program(outdir).synthTree(); });
    // THEN every object was validated the first time, none the second time, and nothing was written
    expect(first).toBeGreaterThanOrEqual(result!.objectCount - 1); // every object except kinds without a schema
    expect(again).toBe(0);
    expect(result!.written).toEqual([]);
    // (line 2 remembers the plan, see below; the rest are the clean objects' keys, each with its YAML's hash)
    expect(cache[1]).toMatch(/^plan \{"key":"[0-9a-f]{64}","text":"Plan: /);
    expect(cache.slice(2).every(k => /^[0-9a-f]{64} [0-9a-f]{64}$/.test(k))).toBe(true);
    expect(cache.length - 2).toBe(result!.objectCount);
  });

  test('a changed object is validated again, and its problem reported', () => {
    // GIVEN a tree synthesized once
    const outdir = tmp();
    program(outdir).synth();
    const before = fs.readFileSync(path.join(outdir, VERDICT_CACHE), 'utf-8');
    // WHEN one new object is invalid (a ConfigMap value that is not a string)
    let error = '';
    const validated = countValidations(() => {
      error = errorOf(() => program(outdir, web => new ApiObject(web, 'Bad', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad' }, data: { B: 1 } })).synth());
    });
    // THEN only that object is validated, the synth fails naming it, and the cache is as it was
    expect(validated).toBe(1);
    expect(error).toMatch(/ConfigMap 'bad'.*schema: \/data\/B must be string/s);
    expect(fs.readFileSync(path.join(outdir, VERDICT_CACHE), 'utf-8')).toBe(before);
  });

  test('an object whose bytes change is validated again, alone', () => {
    // GIVEN a tree synthesized once
    const outdir = tmp();
    program(outdir).synth();
    // WHEN a JSON patch changes one value of the ConfigMap
    const config = (web: ClusterManifests) => web.node.findChild('Config') as ApiObject;
    const changed = countValidations(() => program(outdir, web => config(web).addJsonPatch(JsonPatch.replace('/data/A', '2'))).synth());
    // THEN only the changed ConfigMap is validated
    expect(changed).toBe(1);
    expect(fs.readFileSync(path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml'), 'utf-8')).toContain("A: '2'");
  });

  test('a cache that arrives with a copy of the tree (a clone, a checkout) is ignored', () => {
    // GIVEN a tree synthesized once, copied elsewhere with its state directory
    const outdir = tmp();
    program(outdir).synth();
    const copy = path.join(tmp(), 'tree');
    fs.cpSync(outdir, copy, { recursive: true });
    // WHEN the program synthesizes into the copy
    let result: ReturnType<FleetApp['synthTree']> | undefined;
    const validated = countValidations(() => { result = program(copy).synthTree(); });
    // THEN the copied cache vouches for nothing (its manifest is another file): every object is validated,
    // and the copy gets a cache of its own
    expect(validated).toBeGreaterThanOrEqual(result!.objectCount - 1);
    expect(countValidations(() => program(copy).synth())).toBe(0);
  });

  test('an edited cache file is refused as a whole when its header does not match', () => {
    // GIVEN a tree synthesized once, whose cache header is edited
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, VERDICT_CACHE);
    const lines = fs.readFileSync(file, 'utf-8').split('\n');
    const header = JSON.parse(lines[0]);
    fs.writeFileSync(file, [JSON.stringify({ ...header, fingerprint: '0'.repeat(64) }), ...lines.slice(1)].join('\n'));
    // WHEN the program runs again
    const validated = countValidations(() => program(outdir).synth());
    // THEN every object is validated again
    expect(validated).toBeGreaterThan(3);
  });

  test('a cache whose header nests deeply is refused before it is parsed', () => {
    // GIVEN a tree whose cache header is a million nested arrays
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, VERDICT_CACHE);
    const lines = fs.readFileSync(file, 'utf-8').split('\n');
    fs.writeFileSync(file, ['['.repeat(1_000_000), ...lines.slice(1)].join('\n'));
    // WHEN the program runs again THEN it validates everything and replaces the cache
    expect(countValidations(() => program(outdir).synth())).toBeGreaterThan(3);
    expect(fs.readFileSync(file, 'utf-8').startsWith('{"version":2,')).toBe(true);
  });

  test('a link in place of the cache is never followed', () => {
    // GIVEN a tree whose cache is replaced by a link to a file elsewhere
    const outdir = tmp();
    program(outdir).synth();
    const elsewhere = path.join(tmp(), 'elsewhere');
    fs.writeFileSync(elsewhere, 'outside the tree');
    const file = path.join(outdir, VERDICT_CACHE);
    fs.rmSync(file);
    fs.symlinkSync(elsewhere, file);
    // WHEN the program runs again
    const validated = countValidations(() => program(outdir).synth());
    // THEN the link vouches for nothing, and the file it points to is untouched
    expect(validated).toBeGreaterThan(3);
    expect(fs.readFileSync(elsewhere, 'utf-8')).toBe('outside the tree');
  });

  test('the key covers the object text, its role and file, and every option that changes a verdict', () => {
    // GIVEN the same object text processed under different options
    const base = { validateSchemas: true, unvalidatedKinds: new Set<string>(), secretAllowances: [] };
    const text = '{"apiVersion":"v1","kind":"ConfigMap"}';
    const keys = [
      verdictKey(text, 'workload', base),
      verdictKey(text, 'argocd', base),
      verdictKey(text, 'workload', { ...base, file: 'clusters/a/values.yaml' }),
      verdictKey(text, 'workload', { ...base, validateSchemas: false }),
      verdictKey(text, 'workload', { ...base, unvalidatedKinds: new Set(['v1/ConfigMap']) }),
      verdictKey(text, 'workload', { ...base, secretAllowances: [{ kind: 'ConfigMap', name: 'x', pointer: '/data/A', reason: 'public' }] }),
      verdictKey(`${text} `, 'workload', base),
    ];
    // THEN every key differs; the same inputs give the same key
    expect(new Set(keys).size).toBe(keys.length);
    expect(verdictKey(text, 'workload', { ...base })).toBe(keys[0]);
    expect(libraryFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    // and it is the digest of its parts one after the other (the caches of earlier releases stay valid), also for
    // texts and files that begin or end with half a surrogate pair
    for (const [t, file] of [[text, undefined], ['\udc00{}\ud800', 'values/\ud800.yaml'], ['\ud83d', '\ude00']] as const) {
      const options = { ...base, file };
      const parts = createHash('sha256').update(`${JSON.stringify([true, [], []])}\0`).update('workload').update('\0').update(file ?? '').update('\0').update(t);
      expect(verdictKey(t, 'workload', options)).toBe(parts.digest('hex'));
    }
  });

  test('the worker thread computes the same keys as the main thread', () => {
    // GIVEN a fleet rendered inline and on the worker thread, with an empty cache
    const app = program('/nonexistent');
    const options = { validateSchemas: true, unvalidatedKinds: new Set<string>(), knownClean: new Set<string>() };
    const inline = renderTree(app, { ...options, workerThreshold: Number.MAX_SAFE_INTEGER });
    const threaded = renderTree(app, { ...options, workerThreshold: 1 });
    // WHEN both render again with the keys the inline render found clean, with and without their YAML's hashes
    const known = new Set(inline.clean.keys());
    const cachedInline = renderTree(app, { ...options, knownClean: known, workerThreshold: Number.MAX_SAFE_INTEGER });
    const cachedThreaded = renderTree(app, { ...options, knownClean: known, workerThreshold: 1 });
    const deferredInline = renderTree(app, { ...options, knownClean: known, knownHashes: inline.clean, workerThreshold: Number.MAX_SAFE_INTEGER });
    const deferredThreaded = renderTree(app, { ...options, knownClean: known, knownHashes: inline.clean, workerThreshold: 1 });
    // THEN the keys and hashes agree, and every way gives the same files (the deferred ones once read)
    expect([...threaded.clean].sort()).toEqual([...inline.clean].sort());
    expect(inline.clean.size).toBe(inline.files.length);
    expect(deferredInline.files.every(f => !Object.getOwnPropertyDescriptor(f, 'content'))).toBe(true); // (not serialized yet)
    for (const r of [threaded, cachedInline, cachedThreaded, deferredInline, deferredThreaded]) {
      expect(r.files.map(f => [f.path, f.hash, f.content])).toEqual(inline.files.map(f => [f.path, f.hash, f.content]));
      expect(r.errors).toEqual([]);
    }
  });

  test('GIVEN equal objects in different batches of the worker WHEN the first synth and a re-synth key the plan THEN the keys agree (the re-synth finds the plan)', () => {
    // GIVEN a second cluster with the same 150 ConfigMaps as the first: equal objects (one verdict key each) that
    // the worker answers in different batches of 200, as copies
    const app = webFleetApp('/nonexistent', {
      extra: web => {
        for (let i = 0; i < 150; i++) new k8s.KubeConfigMap(web, `Same${i}`, { metadata: { name: `same-${i}` }, data: { A: '1' } });
      },
      mutate: fleet => {
        const staging = addCluster(fleet, 'staging', { environment: 'staging' });
        const web = staging.addManifests('web', { namespace: 'web' });
        for (let i = 0; i < 150; i++) new k8s.KubeConfigMap(web, `Same${i}`, { metadata: { name: `same-${i}` }, data: { A: '1' } });
      },
    });
    const options = { validateSchemas: true, unvalidatedKinds: new Set<string>(), knownClean: new Set<string>() };
    // WHEN rendered as a first synth renders (every object on the worker) and as a re-synth does (every object known)
    const first = renderTree(app, { ...options, workerThreshold: 1 });
    const again = renderTree(app, { ...options, knownClean: new Set(first.clean.keys()), knownHashes: first.clean, workerThreshold: 1 });
    // THEN the same files give the same plan key
    expect(first.errors).toEqual([]);
    expect(again.files.map(f => [f.path, f.hash])).toEqual(first.files.map(f => [f.path, f.hash]));
    expect(planInputKey({ files: again.files, rest: {} })).toBe(planInputKey({ files: first.files, rest: {} }));
  });

  test('the library fingerprint covers the dependencies that take part in verdicts and plans', () => {
    // GIVEN / WHEN the dependencies' manifests the fingerprint hashes
    const manifests = dependencyManifests();
    // THEN each is the package.json of that dependency (an `npm update` changes its version, and the fingerprint)
    expect(manifests.map(([dep, text]) => [dep, JSON.parse(text).name, typeof JSON.parse(text).version])).toEqual(
      ['ajv', 'js-yaml', 're2js', 'yaml'].map(dep => [dep, dep, 'string']));
  });

  test('the state .gitignore keeps the cache out of Git', () => {
    expect(STATE_GITIGNORE.split('\n')).toEqual(expect.arrayContaining(['/verdict-cache', '/verdict-cache.tmp', '/stat-cache', '/stat-cache.tmp']));
  });
});

/** Runs `fn` counting how often the plan and the fleet proofs are computed. */
function countPlans(fn: () => void): { plans: number; proofs: number } {
  const plan = jest.spyOn(fleetPlan, 'computePlan');
  const prove = jest.spyOn(fleetProofs, 'proveFleet');
  try {
    fn();
    return { plans: plan.mock.calls.length, proofs: prove.mock.calls.length };
  } finally {
    plan.mockRestore();
    prove.mockRestore();
  }
}

/** Runs `fn` counting the YAML the renderer serializes (`toYaml` calls). */
function countSerializations(fn: () => void): number {
  const serialize = jest.spyOn(yamlModule, 'toYaml');
  try {
    fn();
    return serialize.mock.calls.length;
  } finally {
    serialize.mockRestore();
  }
}

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

describe('deferred YAML: the recorded hash of a clean object\'s quiet YAML', () => {
  test('a re-synth of unchanged objects serializes none of them, and the tree scan reads none of their bytes', () => {
    // GIVEN a tree synthesized once
    const outdir = tmp();
    const first = countSerializations(() => program(outdir).synth());
    // WHEN the same program runs again, and then once with one object changed
    let again: ReturnType<FleetApp['synthTree']> | undefined;
    const unchanged = countSerializations(() => { again = program(outdir).synthTree(); });
    const config = (web: ClusterManifests) => web.node.findChild('Config') as ApiObject;
    const oneChanged = countSerializations(() => program(outdir, web => config(web).addJsonPatch(JsonPatch.replace('/data/A', '2'))).synth());
    // THEN the first synth serialized every object, the second none (and wrote nothing), the third only the changed one
    expect(first).toBeGreaterThanOrEqual(again!.objectCount);
    expect(unchanged).toBe(0);
    expect(again!.written).toEqual([]);
    expect(oneChanged).toBe(1);
  });

  test('a file whose stat changed but not its bytes is read again, its object not serialized', () => {
    // GIVEN a tree synthesized once, then a file's times changed (the stat cache no longer vouches for it)
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml');
    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(file, later, later);
    // WHEN the program runs again
    let result: ReturnType<FleetApp['synthTree']> | undefined;
    const serialized = countSerializations(() => { result = program(outdir).synthTree(); });
    // THEN the writer hashes the file's bytes instead of making the YAML, and writes nothing
    expect(serialized).toBe(0);
    expect(result!.written).toEqual([]);
  });

  test('files removed between synths are written again with the first synth\'s bytes', () => {
    // GIVEN a tree synthesized once, then two of its files removed
    const outdir = tmp();
    program(outdir).synth();
    const before = treeSnapshot(outdir, { excludeState: true });
    fs.rmSync(path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml'));
    fs.rmSync(path.join(outdir, 'clusters/prod/web/ServiceAccount.web.yaml'));
    // WHEN the program runs again (every object known clean, with its YAML's hash)
    const result = program(outdir).synthTree();
    // THEN exactly those two files are written, each with the bytes the first synth wrote
    expect(result.written.sort()).toEqual(['clusters/prod/web/ConfigMap.web.yaml', 'clusters/prod/web/ServiceAccount.web.yaml']);
    expect(treeSnapshot(outdir, { excludeState: true })).toEqual(before);
  });

  test('YAML that triggers the byte scan is recorded without its hash, and scanned again on every synth', () => {
    // GIVEN a ConfigMap whose URL has a query (the byte scan's credential-format trigger; the full scan finds nothing)
    const outdir = tmp();
    const withQuery = (web: ClusterManifests) => new k8s.KubeConfigMap(web, 'Links', { metadata: { name: 'links' }, data: { HOME: 'https://example.com/?page=1' } });
    program(outdir, withQuery).synth();
    const bytes = fs.readFileSync(path.join(outdir, 'clusters/prod/web/ConfigMap.links.yaml'));
    // WHEN the program runs again
    const serialized = countSerializations(() => program(outdir, withQuery).synth());
    // THEN its entry has no hash, so its YAML is made (and scanned) again; every other entry has one
    const entries = fs.readFileSync(path.join(outdir, VERDICT_CACHE), 'utf-8').split('\n').slice(2);
    expect(entries.filter(e => e.length === 64)).toHaveLength(1);
    expect(entries.some(e => e.endsWith(` ${sha256(bytes)}`))).toBe(false);
    expect(serialized).toBe(1);
  });

  test('a recorded hash that does not match the YAML fails the synth before anything is written, naming the cache', () => {
    // GIVEN a tree whose cache records another hash for the ConfigMap's YAML, and whose ConfigMap file is gone
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, VERDICT_CACHE);
    const hash = sha256(fs.readFileSync(path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml')));
    const text = fs.readFileSync(file, 'utf-8');
    expect(text).toContain(` ${hash}`);
    fs.writeFileSync(file, text.replace(` ${hash}`, ` ${sha256('something else')}`));
    fs.rmSync(path.join(outdir, 'clusters/prod/web/ConfigMap.web.yaml'));
    const before = treeSnapshot(outdir);
    // WHEN the program runs again THEN it fails naming the cache file, and the tree is as it was
    expect(errorOf(() => program(outdir).synth())).toMatch(/the validated-content cache \(\.cdk8s-fleet\/verdict-cache\) records another YAML hash .* delete the file/);
    expect(treeSnapshot(outdir)).toEqual(before);
  });
});

describe('the remembered plan', () => {
  test('a re-synth with the same fleet inputs reports the same plan without computing it or the proofs', () => {
    // GIVEN a tree synthesized once, whose plan and proofs were computed
    const outdir = tmp();
    let first: ReturnType<FleetApp['synthTree']> | undefined;
    const computed = countPlans(() => { first = program(outdir).synthTree(); });
    // WHEN the same program runs again
    let again: ReturnType<FleetApp['synthTree']> | undefined;
    const remembered = countPlans(() => { again = program(outdir).synthTree(); });
    // THEN the second synth reports the first one's plan and waivers, computing neither the plan nor the proofs
    expect(computed).toEqual({ plans: 1, proofs: 1 });
    expect(remembered).toEqual({ plans: 0, proofs: 0 });
    expect(again!.plan).toBe(first!.plan);
    expect(again!.plan).toContain('prod');
    expect(again!.waivedProofs).toEqual(first!.waivedProofs);
    expect(again!.written).toEqual([]);
  });

  test('any change of a file computes the plan and the proofs again, and a broken program is reported', () => {
    // GIVEN a tree synthesized once
    const outdir = tmp();
    program(outdir).synth();
    // WHEN one object is added
    const counted = countPlans(() => program(outdir, web => new k8s.KubeConfigMap(web, 'More', { metadata: { name: 'more' } })).synth());
    // THEN the plan and the proofs are computed again
    expect(counted).toEqual({ plans: 1, proofs: 1 });
    // AND WHEN the program then breaks (an Application whose project does not allow its destination)
    const error = errorOf(() => {
      const app = program(outdir);
      const fleet = app.node.findChild('platform') as Fleet;
      const prod = fleet.clusters[0];
      const other = new AppProject(fleet, 'other', { destinations: [ProjectDestination.cluster(prod, 'elsewhere')] });
      new Application(fleet, 'web-other', { project: other, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(prod.addManifests('other', { namespace: 'web' })) });
      app.synth();
    });
    // THEN it fails as without a cache
    expect(error).toMatch(/\[platform\/web-other\] AppProject 'other' does not allow destination 'prod'/);
  });

  test('the plan is remembered only in the cache bound to the tree (a copied tree computes it)', () => {
    // GIVEN a tree synthesized once, copied elsewhere with its state
    const outdir = tmp();
    program(outdir).synth();
    const copy = tmp();
    fs.cpSync(outdir, copy, { recursive: true });
    // WHEN the program runs on the copy
    const counted = countPlans(() => program(copy).synth());
    // THEN the plan is computed there (the copy's manifest has another inode)
    expect(counted).toEqual({ plans: 1, proofs: 1 });
  });

  test('a damaged plan line is ignored, and the plan computed', () => {
    // GIVEN a tree synthesized once whose remembered plan is damaged (its text is not a string)
    const outdir = tmp();
    program(outdir).synth();
    const file = path.join(outdir, VERDICT_CACHE);
    const stat = fs.statSync(file);
    const lines = fs.readFileSync(file, 'utf-8').split('\n');
    const memo = JSON.parse(lines[1].slice('plan '.length));
    lines[1] = `plan ${JSON.stringify({ ...memo, text: 42 })}`;
    fs.writeFileSync(file, lines.join('\n'));
    fs.utimesSync(file, stat.atime, stat.mtime);
    // WHEN the program runs again
    let result: ReturnType<FleetApp['synthTree']> | undefined;
    const counted = countPlans(() => { result = program(outdir).synthTree(); });
    // THEN the plan is computed and reported, not the damaged one
    expect(counted).toEqual({ plans: 1, proofs: 1 });
    expect(result!.plan).toMatch(/^Plan: /);
  });

  test('the key covers every file\'s path, hash, object and images, and the other inputs', () => {
    // GIVEN one set of inputs
    const file = { path: 'argocd/a.yaml', hash: 'a'.repeat(64), object: { kind: 'ConfigMap', metadata: { name: 'a' } }, images: ['nginx:1'] };
    const base = planInputKey({ files: [file], rest: { acknowledgements: [] } });
    // WHEN any one of them differs
    const variants = [
      { files: [{ ...file, path: 'argocd/b.yaml' }], rest: { acknowledgements: [] } },
      { files: [{ ...file, hash: 'b'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [{ ...file, object: { kind: 'ConfigMap', metadata: { name: 'b' } } }], rest: { acknowledgements: [] } },
      { files: [{ ...file, object: undefined }], rest: { acknowledgements: [] } },
      { files: [{ ...file, object: null }], rest: { acknowledgements: [] } },
      { files: [{ ...file, images: ['nginx:2'] }], rest: { acknowledgements: [] } },
      { files: [{ ...file, images: undefined }], rest: { acknowledgements: [] } },
      { files: [{ ...file, origin: 'ApplicationSet/x' }], rest: { acknowledgements: [] } },
      { files: [{ ...file, objectKey: 'c'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [{ ...file, objectKey: 'd'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [file, file], rest: { acknowledgements: [] } },
      // verdict keys are numbered once, in order of first use: which file has which key still counts
      { files: [{ ...file, objectKey: 'c'.repeat(64) }, { ...file, path: 'argocd/b.yaml', objectKey: 'd'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [{ ...file, objectKey: 'd'.repeat(64) }, { ...file, path: 'argocd/b.yaml', objectKey: 'c'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [{ ...file, objectKey: 'c'.repeat(64) }, { ...file, path: 'argocd/b.yaml', objectKey: 'c'.repeat(64) }], rest: { acknowledgements: [] } },
      { files: [], rest: { acknowledgements: [] } },
      { files: [file], rest: { acknowledgements: [{ kind: 'Application' }] } },
    ];
    const keys = variants.map(v => planInputKey(v));
    // THEN each gives another key, and the same inputs the same key
    expect(new Set([base, ...keys]).size).toBe(variants.length + 1);
    expect(planInputKey({ files: [{ ...file }], rest: { acknowledgements: [] } })).toBe(base);
  });

  test('GIVEN the same inputs with their objects and image lists shared differently WHEN keyed THEN the key is the same (a write\'s worker returns copies; a re-synth shares one result)', () => {
    // GIVEN two files with equal objects and images: one object and one list shared by both, or a copy each
    const object = { kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'app' } };
    const images = ['ghcr.io/acme/app:1.0.0'];
    const shared = [
      { path: 'clusters/a/app/ServiceAccount.app.yaml', hash: 'a'.repeat(64), object, images },
      { path: 'clusters/b/app/ServiceAccount.app.yaml', hash: 'a'.repeat(64), object, images },
    ];
    const copied = shared.map(f => ({ ...f, object: structuredClone(f.object), images: [...f.images] }));
    // WHEN / THEN
    expect(planInputKey({ files: copied, rest: {} })).toBe(planInputKey({ files: shared, rest: {} }));
    // and a copy that differs still counts
    copied[1].images = ['ghcr.io/acme/app:1.0.1'];
    expect(planInputKey({ files: copied, rest: {} })).not.toBe(planInputKey({ files: shared, rest: {} }));
  });
});
