import Ajv from 'ajv';
import { stableStringify, toEcmaPattern, toStrictCrdSchema } from '../../scripts/strict-schema';

describe('toStrictCrdSchema', () => {
  // GIVEN a CRD schema with the structural-schema extensions Kubernetes uses
  const fields = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`field${i}`, { type: 'string', description: 'x'.repeat(50) }]));
  const shared = { type: 'object', description: 'x'.repeat(400), properties: { a: { type: 'string' }, b: { type: 'integer', format: 'int32' }, ...fields } };
  const openApi = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['port'],
        properties: {
          port: { 'x-kubernetes-int-or-string': true, 'anyOf': [{ type: 'integer' }, { type: 'string' }] },
          free: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { known: { type: 'string' } } },
          maybe: { type: 'string', nullable: true },
          map: { type: 'object', additionalProperties: { type: 'string' } },
          one: { type: 'object', properties: { x: shared } },
          two: { type: 'object', properties: { y: shared } },
        },
      },
    },
  };
  const schema = toStrictCrdSchema(openApi, 'example.com/v1', 'Widget');
  const ajv = new Ajv({ strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'k8s.json', definitions: { 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: false } } });
  const validate = ajv.compile(schema);
  const widget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });

  test('unknown fields are rejected except where Kubernetes preserves them', () => {
    expect(validate(widget({ port: 80, free: { anything: 1 }, map: { k: 'v' } }))).toBe(true);
    expect(validate(widget({ port: 80, extra: true }))).toBe(false);
    expect(validate({ ...widget({ port: 80 }), status: {} })).toBe(false);
  });

  test('int-or-string, nullable, required, and apiVersion/kind are enforced', () => {
    expect(validate(widget({ port: 'http', maybe: null }))).toBe(true);
    expect(validate(widget({ port: 1.5 }))).toBe(false);
    expect(validate(widget({}))).toBe(false);
    expect(validate({ ...widget({ port: 1 }), kind: 'Gadget' })).toBe(false);
  });

  test('identical large sub-schemas are stored once; descriptions are dropped', () => {
    const text = stableStringify(schema);
    expect(text).not.toContain('xxxx');
    expect(Object.keys(schema.definitions)).toHaveLength(1);
    expect(schema.properties.spec.properties.one.properties.x).toEqual({ $ref: '#/definitions/shared0' });
    expect(validate(widget({ port: 1, one: { x: { a: 'ok', b: 1 } }, two: { y: { a: 'ok', c: 1 } } }))).toBe(false);
  });
});

describe('toEcmaPattern', () => {
  test('translates RE2\'s leading (?i) (prometheus-operator partial_response_strategy)', () => {
    const re = new RegExp(toEcmaPattern('^(?i)(abort|warn)?$'), 'u');
    expect(['abort', 'WARN', 'Abort', ''].map(s => re.test(s))).toEqual([true, true, true, true]);
    expect(['x', 'abortx'].map(s => re.test(s))).toEqual([false, false]);
  });

  test('leaves patterns without inline flags alone and refuses other flags', () => {
    expect(toEcmaPattern('^[a-z]+$')).toBe('^[a-z]+$');
    expect(() => toEcmaPattern('^(?s).*$')).toThrow(/inline flags/);
  });
});
