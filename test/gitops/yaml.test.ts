import * as fc from 'fast-check';
import * as jsyaml from 'js-yaml';
import * as YAML from 'yaml';
import { toYaml } from '../../src/gitops/yaml';

/** JSON data as ApiObject.toJson() produces it: objects, arrays, strings, finite numbers, booleans, null. */
const jsonData = fc.jsonValue({ maxDepth: 5 });

const tricky = fc.constantFrom(
  '', ' ', 'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', '~', 'NULL', '0', '-1', '+1', '1.5', '1e3', '0x1F', '0o17', '017',
  '1_000', '1:20', '.inf', '-.Inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:00', '<<', '=', '- a', '? x', ': x',
  'a: b', 'a #b', '#c', '@x', '`x', '!tag', '&anchor', '*alias', '|', '>', '%x', '{a}', '[a]', "it's", '"q"', 'tab\there',
  'line\nbreak', 'trailing\n', 'two\n\n', ' lead', 'trail ', 'ünïcödé', '\u0000nul', '\u2028sep', 'a\r\nb', '1.8.2', 'v1.8.2',
  'ghcr.io/acme/web:1.8.2', 'https://example.com/x?y=1#z', 'CreateNamespace=true', 'key::value', 'ends:', '-----BEGIN X-----',
);

function roundTripsAsJson(input: unknown) {
  const value = JSON.parse(JSON.stringify(input)); // what the data means as JSON (e.g. -0 is 0)
  const text = toYaml(input);
  // YAML 1.2 (js-yaml; Argo CD's go-yaml v3 reads 1.2) …
  expect(jsyaml.load(text)).toStrictEqual(value);
  // … and YAML 1.1 (kubectl and sigs.k8s.io/yaml read booleans like `yes` and `on`, sexagesimals, octals).
  expect(YAML.parse(text, { version: '1.1', schema: 'yaml-1.1' })).toStrictEqual(value);
}

describe('toYaml', () => {
  test('layout matches js-yaml for Kubernetes-shaped data', () => {
    // GIVEN
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, annotations: {} },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', args: ['--port', '8080'], ports: [{ containerPort: 8080 }] }], volumes: [] } },
        matrix: [['a', 'b'], [], [{ x: 1 }]],
      },
    };
    // THEN
    expect(toYaml(object)).toBe(jsyaml.dump(object, { noRefs: true, lineWidth: -1 }));
  });

  test('multi-line strings use literal blocks', () => {
    expect(toYaml({ data: { 'config.yaml': 'a: 1\nb:\n  - 2\n' } })).toBe('data:\n  config.yaml: |\n    a: 1\n    b:\n      - 2\n');
    expect(toYaml({ s: 'no newline\nat end' })).toBe('s: |-\n  no newline\n  at end\n');
    expect(toYaml(['x\ny'])).toBe('- |-\n  x\n  y\n');
  });

  test('strings YAML 1.1 or 1.2 readers would retype are quoted', () => {
    for (const s of ['yes', 'on', 'true', 'null', '1.5', '0x1F', '017', '1:20', '2001-12-14', '']) {
      expect(toYaml({ k: s })).not.toBe(`k: ${s}\n`);
    }
    expect(toYaml({ k: 'plain-value.example/x:1' })).toBe('k: plain-value.example/x:1\n');
  });

  test('round-trips tricky strings, as values and keys', () => {
    fc.assert(fc.property(tricky, tricky, (a, b) => {
      roundTripsAsJson({ [a]: b, list: [a, b], nested: { [b]: [a] } });
    }), { numRuns: 500 });
  });

  test('round-trips random JSON data in YAML 1.1 and 1.2', () => {
    fc.assert(fc.property(jsonData, value => roundTripsAsJson(value)), { numRuns: 1000 });
  });

  test('refuses values JSON cannot hold', () => {
    expect(() => toYaml({ x: Infinity })).toThrow(/not a finite number/);
    expect(() => toYaml({ x: () => 1 })).toThrow(/cannot write a value of type function/);
  });

  /**
   * What go-yaml (gopkg.in/yaml.v2 and v3, as libyaml) reads in a file, raw: readerc.go refuses every other
   * character ("control characters are not allowed"), and its scanner takes NEL, U+2028 and U+2029 for line
   * breaks (folded or trimmed around inside a scalar) and skips a BOM at a line's start. Written raw, any of them
   * makes the file one Argo CD, kubectl and kustomize cannot read, or read as another value.
   */
  const GO_YAML_READS_RAW = /^[\t\n\r\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\u{10000}-\u{10ffff}]*$/u;

  test.each([
    ['DEL', '\u007f'], ['a C1 control', 'x\u0080y'], ['NEL', 'a\u0085b'], ['the last C1 control', '\u009f'], ['U+2028', 'a\u2028b'],
    ['U+2029', 'a \u2029 b'], ['a BOM', '\ufeffx'], ['U+FFFE', '\ufffe'], ['U+FFFF', 'x\uffff'], ['NEL in a multi-line string', 'a\u0085\nb\n'],
  ])('%s is written as an escape (as a value and as a key), never raw, and reads back the same', (_what, value) => {
    // WHEN
    const text = toYaml({ v: value, [value]: 1, list: [value] });
    // THEN
    expect(text).toMatch(GO_YAML_READS_RAW);
    expect(text).toMatch(/\\u(007f|0080|0085|009f|2028|2029|feff|fffe|ffff)/);
    roundTripsAsJson({ v: value, [value]: 1, list: [value] });
  });

  test.each([
    ['a value', { v: 'x\ud800y' }, '/v'], ['a key', { a: 1, b: { ['\udc00k']: 1 } }, '/b/\\uDC00k'], ['a multi-line value', { v: 'a\n\ud83d\n' }, '/v'],
    ['an item', [1, { 'a/b': ['x', '\ude00'] }], '/1/a~1b/1'], ['a lone string', '\ud800', '/'],
  ])('a lone surrogate in %s is refused, for every caller (go-yaml refuses its escape), naming where it is', (_what, value, pointer) => {
    expect(() => toYaml(value)).toThrow('cannot write a string holding a lone surrogate (half of a UTF-16 pair) to YAML: Argo CD, kubectl and kustomize refuse its escape '
      + `("found invalid Unicode character escape code"), at ${pointer}`);
  });

  test('property: any well-formed string, as a value and as a key, is written with characters go-yaml reads raw, and reads back the same', () => {
    // (any code point, and often one of the characters written only as escapes, or one YAML gives meaning to)
    const special = fc.constantFrom('\u007f', '\u0080', '\u0085', '\u009f', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\n', ' ', "'", '"', ':', '#', '\\', '\t', '\u0000');
    const anyUnicode = fc.string({ unit: fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
    fc.assert(fc.property(anyUnicode, anyUnicode, (a, b) => {
      const value = { [a]: b, list: [a, `${b}\n${a}\n`], nested: { [b]: a } };
      const text = toYaml(value);
      expect(text).toMatch(GO_YAML_READS_RAW);
      roundTripsAsJson(value);
    }), { numRuns: 2000 });
  });

  test('a key written longer than 1024 characters is an explicit key (go-yaml gives up on a longer implicit one), anywhere, and reads back the same', () => {
    // GIVEN keys of 1,024 and 1,025 characters, and one that escaping makes longer (200 × U+2028: 1,202 characters)
    const [exact, long, escaped] = ['b'.repeat(1024), 'a'.repeat(1025), '\u2028'.repeat(200)];
    const value = { top: { [long]: 'v', [escaped]: { n: 1 }, [exact]: [1, 2] }, list: [{ [long]: 'x', other: 2 }, { [escaped]: [{ [long]: 'y' }] }] };
    // WHEN
    const text = toYaml(value);
    // THEN
    expect(text).toContain(`\n  ${exact}:\n`);
    expect(text).toContain(`\n  ? ${long}\n  : v\n`);
    expect(text).toContain(`\n  ? "${'\\u2028'.repeat(200)}"\n  :\n    'n': 1\n`);
    expect(text).toContain(`\n  - ? ${long}\n    : x\n    other: 2\n`);
    expect(text.split('\n').every(line => !line.endsWith(':') || line.length <= 1024 + 4)).toBe(true);
    roundTripsAsJson(value);
  });
});
