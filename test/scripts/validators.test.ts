import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { buildExampleFleet } from '../../examples/basic-fleet/main';
import { generateValidators } from '../../scripts/validators';
import { SchemaValidator } from '../../src/gitops/schema-validator';

const SCHEMAS = SchemaValidator.SCHEMA_DIR;

/** The schemas without the generated validators, so that a validator of it compiles them at runtime. */
function schemasOnly(change?: (k8sText: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-schemas-'));
  for (const f of fs.readdirSync(SCHEMAS).filter(n => n.endsWith('.json'))) {
    const text = fs.readFileSync(path.join(SCHEMAS, f), 'utf-8');
    fs.writeFileSync(path.join(dir, f), f === 'k8s.json' && change ? change(text) : text);
  }
  return dir;
}

describe('schemas/validators.js (ahead-of-time validators)', () => {
  test('is exactly what scripts/validators.ts generates from the committed schemas', () => {
    // WHEN
    const regenerated = generateValidators(SCHEMAS);
    // THEN (compared as a boolean: a 3 MB diff helps nobody; rerun `npx projen import`)
    expect(regenerated === fs.readFileSync(path.join(SCHEMAS, 'validators.js'), 'utf-8')).toBe(true);
  });

  test('is used when its fingerprint matches the schemas, and ignored (the schemas are compiled instead) when not', () => {
    // GIVEN schemas that differ from the ones the validators were generated from
    const stale = schemasOnly(text => text + ' ');
    fs.copyFileSync(path.join(SCHEMAS, 'validators.js'), path.join(stale, 'validators.js'));
    // THEN
    expect(SchemaValidator.get().precompiled).toBe(true);
    const fallback = SchemaValidator.load(stale);
    expect(fallback.precompiled).toBe(false);
    expect(fallback.validate({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } })).toEqual(['/data/a must be string']);
  });

  test('the generated and the runtime-compiled validators agree on the example fleet\'s objects and on random mutations of them', () => {
    // GIVEN every object the example fleet writes, and a validator that compiles the schemas at runtime
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-validators-'));
    const files = buildExampleFleet(outdir).renderFiles();
    const objects = Object.entries(files)
      .filter(([p]) => p.endsWith('.yaml') && !p.startsWith('values/') && !p.endsWith('kustomization.yaml') && p !== 'acknowledged-removals.yaml')
      .flatMap(([, text]) => parseAllDocuments(text).map(d => d.toJS()))
      .filter(o => o && typeof o === 'object');
    const precompiled = SchemaValidator.get();
    const runtime = SchemaValidator.load(schemasOnly());
    expect(runtime.precompiled).toBe(false);
    expect(objects.length).toBeGreaterThan(20);
    for (const o of objects) expect(precompiled.validate(o)).toEqual(runtime.validate(o));

    // WHEN a random value somewhere in an object is deleted, retyped or joined by an unknown field
    const mutation = fc.record({
      object: fc.nat(objects.length - 1),
      steps: fc.array(fc.nat(), { maxLength: 8 }),
      change: fc.constantFrom<unknown>('delete', 'unknown-field', 42, 1.5, -3000000000, 'text', 'not base64!', true, null, [], {}, ['x'], '2026-11-22T00:00:00Z'),
    });
    fc.assert(fc.property(mutation, ({ object, steps, change }) => {
      const copy = JSON.parse(JSON.stringify(objects[object]));
      let parent: any;
      let key: string | number | undefined;
      let node: any = copy;
      for (const step of steps) {
        const keys = node && typeof node === 'object' ? Object.keys(node) : [];
        if (keys.length === 0) break;
        parent = node;
        key = Array.isArray(node) ? step % node.length : keys[step % keys.length];
        node = node[key];
      }
      if (change === 'unknown-field') {
        if (node && typeof node === 'object' && !Array.isArray(node)) node.unknownFieldX = 'x';
      } else if (parent !== undefined && key !== undefined) {
        if (change === 'delete') {
          if (Array.isArray(parent)) parent.splice(key as number, 1); else delete parent[key];
        } else {
          parent[key] = change;
        }
      }
      // THEN
      expect(precompiled.validate(copy)).toEqual(runtime.validate(copy));
    }), { numRuns: 400, seed: 20261122 });
  });
});
