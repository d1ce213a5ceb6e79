import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { AppProject, Application, ApplicationSource, ClusterManifests, Fleet, FleetApp, ProjectDestination } from '../../src';
import { renderTree } from '../../src/gitops/render';
import { SchemaValidator } from '../../src/gitops/schema-validator';
import { STATE_GITIGNORE } from '../../src/gitops/tree-state';
import { libraryFingerprint, VERDICT_CACHE, verdictKey } from '../../src/gitops/verdict-cache';
import { addCluster, errorOf } from '../util';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-verdicts-'));

/** A small fleet; `extra` adds objects to the web manifests. */
function program(outdir: string, extra?: (web: ClusterManifests) => void): FleetApp {
  const app = new FleetApp({ outdir });
  const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git', targetRevision: 'main' });
  const prod = addCluster(fleet, 'prod', { environment: 'production' });
  const web = prod.addManifests('web', { namespace: 'web' });
  new k8s.KubeConfigMap(web, 'Config', { metadata: { name: 'web' }, data: { A: '1' } });
  new k8s.KubeServiceAccount(web, 'Account', { metadata: { name: 'web' } });
  extra?.(web);
  const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod, 'web')] });
  new Application(fleet, 'web-prod', { project, destination: prod, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
  return app;
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
    expect(cache.slice(1).every(k => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(cache.length - 1).toBe(result!.objectCount);
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
    expect(fs.readFileSync(file, 'utf-8').startsWith('{"version":1,')).toBe(true);
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
  });

  test('the worker thread computes the same keys as the main thread', () => {
    // GIVEN a fleet rendered inline and on the worker thread, with an empty cache
    const app = program('/nonexistent');
    const options = { validateSchemas: true, unvalidatedKinds: new Set<string>(), knownClean: new Set<string>() };
    const inline = renderTree(app, { ...options, workerThreshold: Number.MAX_SAFE_INTEGER });
    const threaded = renderTree(app, { ...options, workerThreshold: 1 });
    // WHEN both render again with the keys the inline render found clean
    const known = new Set(inline.cleanKeys);
    const cachedInline = renderTree(app, { ...options, knownClean: known, workerThreshold: Number.MAX_SAFE_INTEGER });
    const cachedThreaded = renderTree(app, { ...options, knownClean: known, workerThreshold: 1 });
    // THEN the keys agree, and every way gives the same files
    expect(threaded.cleanKeys.slice().sort()).toEqual(inline.cleanKeys.slice().sort());
    expect(inline.cleanKeys.length).toBe(inline.files.length);
    for (const r of [threaded, cachedInline, cachedThreaded]) {
      expect(r.files.map(f => [f.path, f.hash, f.content])).toEqual(inline.files.map(f => [f.path, f.hash, f.content]));
      expect(r.errors).toEqual([]);
    }
  });

  test('the state .gitignore keeps the cache out of Git', () => {
    expect(STATE_GITIGNORE.split('\n')).toEqual(expect.arrayContaining(['/verdict-cache', '/verdict-cache.tmp', '/stat-cache.json']));
  });
});
