import * as fc from 'fast-check';
import { fromJson, renderFastTemplate, renderGoTemplate } from '../../src/expansion/gotemplate';
import { executeTemplate } from '../../src/expansion/gotemplate/execute';
import { parseTemplate } from '../../src/expansion/gotemplate/parse';

// Cases ported from argo-cd v3.5.1 applicationset/utils/utils_test.go, TestRenderTemplateParamsGoTemplate
// (each row: template, params, goTemplateOptions, expected value or Argo CD's exact error message).
const hpa = { replicas: 3, hpa: { enabled: true, minReplicas: 1, maxReplicas: 5 } };
const image = { replicas: 3, image: { name: 'busybox', version: 'latest' } };
const UTILS_TEST_CASES: [string, string, any, string[], { value?: string; error?: string }][] = [
  ['simple substitution', '{{ .one }}', { one: 'two' }, [], { value: 'two' }],
  ['template contains itself, containing itself', '{{ .one }}', { one: '{{one}}' }, [], { value: '{{one}}' }],
  ['template contains itself, containing something else', '{{ .one }}', { one: '{{two}}' }, [], { value: '{{two}}' }],
  ['multiple on a line', '{{.one}}{{.one}}', { one: 'two' }, [], { value: 'twotwo' }],
  ['multiple different on a line', '{{.one}}{{.three}}', { one: 'two', three: 'four' }, [], { value: 'twofour' }],
  ['multiple different on a line with quote', '{{.one}} {{.three}}', { one: '"hello" world', three: 'four' }, [], { value: '"hello" world four' }],
  ['depth', '{{ .image.version }}', image, [], { value: 'latest' }],
  ['multiple depth', '{{ .image.name }}:{{ .image.version }}', image, [], { value: 'busybox:latest' }],
  ['if ok', '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}', hpa, [], { value: '5' }],
  ['if not ok', '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}', { ...hpa, hpa: { ...hpa.hpa, enabled: false } }, [], { value: '3' }],
  ['loop', '{{ range .volumes }}[{{ .name }}]{{ end }}', { volumes: [{ name: 'volume-one', emptyDir: {} }, { name: 'volume-two', emptyDir: {} }] }, [], { value: '[volume-one][volume-two]' }],
  ['Index', '{{ index .admin "admin-ca" }}, {{ index .admin "admin-jks" }}', { admin: { 'admin-ca': 'value admin ca', 'admin-jks': 'value admin jks' } }, [], { value: 'value admin ca, value admin jks' }],
  ['Index with backslashes', '{{ index .admin "admin-ca" }}, \\\\ "Hello world", {{ index .admin "admin-jks" }}', { admin: { 'admin-ca': 'value "admin" ca with \\', 'admin-jks': 'value admin jks' } }, [],
    { value: 'value "admin" ca with \\, \\\\ "Hello world", value admin jks' }],
  ['quote', '{{.quote}}', { quote: '"' }, [], { value: '"' }],
  ['Test Parse Error', '{{functiondoesnotexist}}', { data: 'a data string' }, [],
    { error: 'failed to parse template {{functiondoesnotexist}}: template: base:1: function "functiondoesnotexist" not defined' }],
  ['Test template error', '{{.data.test}}', { data: 'a data string' }, [],
    { error: 'failed to execute go template {{.data.test}}: template: base:1:7: executing "base" at <.data.test>: can\'t evaluate field test in type interface {}' }],
  ['lookup missing value with missingkey=default', '--> {{.doesnotexist}} <--', { unused: 'this is not used' }, [], { value: '--> <no value> <--' }],
  ['lookup missing value with missingkey=error', '--> {{.doesnotexist}} <--', { unused: 'this is not used' }, ['missingkey=error'],
    { error: 'failed to execute go template --> {{.doesnotexist}} <--: template: base:1:6: executing "base" at <.doesnotexist>: map has no entry for key "doesnotexist"' }],
  ['toYaml', '{{ toYaml . | indent 2 }}', { foo: { bar: { bool: true, number: 2, str: 'Hello world' } } }, [],
    { value: '  foo:\n    bar:\n      bool: true\n      number: 2\n      str: Hello world' }],
  ['fromYaml', '{{ get (fromYaml .value) "hello" }}', { value: 'hello: world' }, [], { value: 'world' }],
  ['fromYaml error', '{{ get (fromYaml .value) "hello" }}', { value: 'non\n compliant\n yaml' }, [],
    { error: 'failed to execute go template {{ get (fromYaml .value) "hello" }}: template: base:1:8: executing "base" at <fromYaml .value>: error calling fromYaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}' }],
  ['fromYamlArray', '{{ fromYamlArray .value | last }}', { value: '- hello world\n- bonjour tout le monde' }, [], { value: 'bonjour tout le monde' }],
  ['fromYamlArray error', '{{ fromYamlArray .value | last }}', { value: 'non\n compliant\n yaml' }, [],
    { error: 'failed to execute go template {{ fromYamlArray .value | last }}: template: base:1:3: executing "base" at <fromYamlArray .value>: error calling fromYamlArray: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type []interface {}' }],
];

describe('Go templates (applicationset/utils/utils_test.go)', () => {
  test.each(UTILS_TEST_CASES)('%s', (_name, template, params, options, expected) => {
    // GIVEN params as Argo CD has them (JSON into interface{})
    const data = fromJson(params);
    const missingKey = options.includes('missingkey=error') ? 'error' : 'default';
    // WHEN / THEN
    if (expected.error !== undefined) {
      expect(() => renderGoTemplate(template, data, missingKey)).toThrow(expected.error);
      try { renderGoTemplate(template, data, missingKey); } catch (e) { expect((e as Error).message).toBe(expected.error); }
    } else {
      expect(renderGoTemplate(template, data, missingKey)).toBe(expected.value);
    }
  });
});

describe('Go template language corners', () => {
  const data = fromJson({ name: 'prod-1', n: 3, big: 1000000, ratio: 0.5, list: ['a', 'b'], nul: null, m: { b: 2, a: 1 } });

  test.each([
    // fmt %v of float64 (every JSON number): shortest digits, exponent from 1e+06 on
    ['{{.n}} {{.big}} {{.ratio}}', '3 1e+06 0.5'],
    // trim markers and comments
    ['{{- " a " -}}  \n {{ "b" }}', ' a b'],
    ['a {{/* comment */}} b', 'a  b'],
    ['a {{- /* comment */ -}} b', 'ab'],
    // variables, range with index, else, break/continue
    ['{{ $x := .name }}{{ $x }}', 'prod-1'],
    ['{{ range $i, $e := .list }}{{ $i }}={{ $e }};{{ end }}', '0=a;1=b;'],
    ['{{ range .none }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ range .list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', 'a'],
    ['{{ range $k, $v := .m }}{{ $k }}{{ $v }}{{ end }}', 'a1b2'],
    ['{{ with .name }}{{ . }}{{ end }}{{ with .none }}x{{ else }}none{{ end }}', 'prod-1none'],
    ['{{ if eq .name "x" }}1{{ else if eq .name "prod-1" }}2{{ else }}3{{ end }}', '2'],
    // and/or return their operands, short-circuit
    ['{{ or .none "fallback" }} {{ and .name .n }}', 'fallback 3'],
    // composite values print like fmt
    ['{{ .list }} {{ .m }}', '[a b] map[a:1 b:2]'],
    // nil prints as <no value> at the top of a pipeline
    ['{{ .nul }}', '<no value>'],
    // printf, len, index on lists, slice
    ['{{ printf "%s-%03d" .name 7 }} {{ len .list }} {{ index .list 1 }} {{ slice .list 1 }}', 'prod-1-007 2 b [b]'],
    // sprig and Argo CD functions
    ['{{ .name | upper | quote }}', '"PROD-1"'],
    ['{{ normalize "Production_01/West" }}', 'production-01-west'],
    // cluster_test.go TestSanitizeClusterName
    ['{{ normalize "-.--CLUSTER/name  -./.-" }} {{ normalize "cluster-name" }}', 'cluster-name cluster-name'],
    ['{{ slugify 10 "hello world this is long" }}', 'hello'],
    ['{{ default "x" .none }} {{ .name | trunc 3 }} {{ replace "-" "_" .name }}', 'x pro prod_1'],
    ['{{ dig "m" "a" "none" . }} {{ dig "m" "z" "none" . }}', '1 none'],
    ['{{ toJson .m }} {{ list 1 "a" | toJson }}', '{"a":1,"b":2} [1,"a"]'],
    ['{{ add 1 2 }} {{ sub 5 2 }} {{ ternary "y" "n" true }}', '3 3 y'],
    ['{{ splitList "-" .name | first }} {{ join "," .list }}', 'prod a,b'],
    // define / template / block, with the template's own $ and dot
    ['{{ define "greet" }}hi {{ . }}{{ end }}{{ template "greet" .name }}', 'hi prod-1'],
    ['{{ block "b" .list }}[{{ range . }}{{ . }}{{ end }}]{{ end }}', '[ab]'],
    // sprig semver (Masterminds/semver v3): partial versions, ranges, pre-releases only when asked for
    ['{{ semverCompare ">=1.28" "v1.29.3" }} {{ semverCompare "~1.2.3" "1.3.0" }} {{ semverCompare "^0.2.3" "0.2.9" }}', 'true false true'],
    ['{{ semverCompare ">=1.2.0 <2.0.0 || 3.x" "3.4.5" }} {{ semverCompare ">=1.0" "1.5.0-rc.1" }} {{ (semver "1.28.4").Minor }}', 'true false 28'],
  ])('%s', (template, expected) => {
    expect(renderGoTemplate(template, data, 'default')).toBe(expected);
  });

  test.each([
    // Go (>= 1.18) eq: an int constant never equals a float64 parameter
    ['{{ eq .n 3 }}', 'failed to execute go template {{ eq .n 3 }}: template: base:1:3: executing "base" at <eq .n 3>: error calling eq: incompatible types for comparison'],
    ['{{ .nul.x }}', 'failed to execute go template {{ .nul.x }}: template: base:1:7: executing "base" at <.nul.x>: nil pointer evaluating interface {}.x'],
    ['{{ .name', 'failed to parse template {{ .name: template: base:1: unclosed action'],
    ['{{ if .name }}x', 'failed to parse template {{ if .name }}x: template: base:1: unexpected EOF'],
    ['{{ $y }}', 'failed to parse template {{ $y }}: template: base:1: undefined variable "$y"'],
    ['{{ template "nope" }}', 'failed to execute go template {{ template "nope" }}: template: base:1:12: executing "base" at <{{template "nope"}}>: template "nope" not defined'],
    // a wrongly typed argument is reported at the argument, as Go's evalArg does
    ['{{ upper .n }}', 'failed to execute go template {{ upper .n }}: template: base:1:9: executing "base" at <.n>: wrong type for value; expected string; got float64'],
    // sprig's `slice` replaces Go's built-in one (a FuncMap entry wins over a built-in), and it only takes lists
    ['{{ slice .name 0 4 }}', 'failed to execute go template {{ slice .name 0 4 }}: template: base:1:3: executing "base" at <slice .name 0 4>: error calling slice: list should be type of slice or array but string'],
  ])('%s fails as in Go', (template, error) => {
    expect(() => renderGoTemplate(template, data, 'default')).toThrow(error);
  });

  test('toYaml and fromYaml behave like sigs.k8s.io/yaml (go-yaml v2, YAML 1.1)', () => {
    const value = fromJson({ b: 'a: b', a: 'yes', list: ['x', 'y'], n: 1, empty: '' });
    expect(renderGoTemplate('{{ toYaml . }}', value, 'default')).toBe('a: "yes"\nb: \'a: b\'\nempty: ""\nlist:\n- x\n- "y"\n"n": 1'); // n is a YAML 1.1 boolean
    expect(renderGoTemplate('{{ (fromYaml .v).on }} {{ (fromYaml .v).mode }}', fromJson({ v: 'on: yes\nmode: 0755' }), 'default')).toBe('<no value> 493');
  });

  test('missingkey=error reports the first missing key of a chain (#21293)', () => {
    expect(() => renderGoTemplate('{{ .metadata.labels.env }}', fromJson({ name: 'in-cluster' }), 'error'))
      .toThrow('executing "base" at <.metadata.labels.env>: map has no entry for key "metadata"');
    expect(renderGoTemplate('{{ .metadata.labels.env }}', fromJson({ name: 'in-cluster' }), 'default')).toBe('<no value>');
  });
});

describe('text and field references without the interpreter', () => {
  test('render exactly as the interpreter does, on random templates and parameters', () => {
    // GIVEN templates of text and `{{ .a.b }}` references, and parameters whose values are strings, numbers,
    // booleans, nulls, lists or maps, or missing
    const name = fc.constantFrom('name', 'server', 'metadata', 'labels', 'env');
    const value: fc.Arbitrary<unknown> = fc.letrec(tie => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
        fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(name, tie('v'), { maxKeys: 3 })),
    })).v;
    const part = fc.oneof(
      fc.string().filter(t => !t.includes('{{') && !t.includes('}}')),
      fc.array(name, { minLength: 1, maxLength: 3 }).map(idents => `{{ .${idents.join('.')} }}`),
    );
    const template = fc.array(part, { maxLength: 4 }).map(parts => parts.join(''));
    fc.assert(fc.property(template, fc.dictionary(name, value, { maxKeys: 4 }), fc.constantFrom('default', 'zero', 'error'), (text, raw, mode: any) => {
      const params = fromJson(raw);
      // WHEN
      const render = () => renderGoTemplate(text, params, mode);
      const interpret = () => executeTemplate(parseTemplate(text, new Set()), params, new Map(), mode);
      // THEN the same text, or an error from both
      let expected: string | undefined;
      try {
        expected = interpret();
      } catch {
        expect(render).toThrow();
        return;
      }
      expect(render()).toBe(expected);
    }), { numRuns: 500, seed: 20261122 });
  });
});

describe('fasttemplate (flat mode)', () => {
  test.each([
    ['{{name}}-app', { name: 'prod' }, 'prod-app'],
    ['{{ name }}', { name: 'prod' }, 'prod'],
    // unknown tags are written back verbatim (applicationset#324)
    ['{{metadata.labels.team}}', { name: 'prod' }, '{{metadata.labels.team}}'],
    // single pass: a substituted value is not rendered again
    ['{{a}}', { a: '{{b}}', b: 'x' }, '{{b}}'],
    ['no tags }} {{', {}, 'no tags }} {{'],
    ['{{metadata.labels.argocd.argoproj.io/secret-type}}', { 'metadata.labels.argocd.argoproj.io/secret-type': 'cluster' }, 'cluster'],
  ])('%s', (template, params, expected) => {
    expect(renderFastTemplate(template, params)).toBe(expected);
  });

  test('an unclosed tag is an error (Test_Render_Replace_no_panic_on_missing_closing_brace)', () => {
    expect(() => renderFastTemplate('{{properly.closed}} {{improperly.closed}', {})).toThrow(/cannot find end tag/);
  });
});
