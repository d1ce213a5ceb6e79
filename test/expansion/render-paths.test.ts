import * as fc from 'fast-check';
import { decodedTemplate, renderDecodedApplication, renderEncodedApplication } from '../../src/expansion/expand';
import { ExpansionContext } from '../../src/expansion/generators';
import { stringMap } from '../../src/expansion/gotemplate';
import { GO_BUILTINS } from '../../src/expansion/gotemplate/builtins';
import { executeTemplate, MissingKey } from '../../src/expansion/gotemplate/execute';
import { compileFast, runFast } from '../../src/expansion/gotemplate/fast';
import { parseTemplate } from '../../src/expansion/gotemplate/parse';
import { SPRIG_FUNCTIONS } from '../../src/expansion/gotemplate/sprig';

// The expansion's fast paths never decide an outcome the general path would not: the compiled Go templates
// (gotemplate/fast.ts) against the interpreter (execute.ts), and the one-walk render-and-encode of an
// Application (expand.ts renderEncodedApplication) against the general render-then-encode.

const FUNCTIONS = new Map([...GO_BUILTINS, ...SPRIG_FUNCTIONS]);
const NAMES = new Set(FUNCTIONS.keys());

const MISSING_KEYS: MissingKey[] = ['default', 'zero', 'error'];

/** Parameters as the cluster and list generators build them: string maps, JSON values (float64, bool, null), nesting. */
function params(): Record<string, unknown> {
  return {
    name: 'in-cluster',
    server: 'https://kubernetes.default.svc',
    empty: '',
    metadata: { labels: stringMap({ env: 'prod', region: 'eu-west-1' }), annotations: stringMap({}) },
    values: { app: 'Guestbook ', n: 3, f: 1.5, yes: true, nil: null, list: ['a', 'b'], nested: { x: 'X' } },
  };
}

const FIELDS = ['.name', '.server', '.empty', '.metadata.labels.env', '.metadata.labels.missing', '.metadata.annotations',
  '.values.app', '.values.n', '.values.f', '.values.yes', '.values.nil', '.values.list', '.values.nested.x', '.values.nested',
  '.missing', '.missing.deeper', '.name.deeper', '.metadata'];
const FUNCS = ['upper', 'lower', 'default', 'trim', 'quote', 'squote', 'replace', 'printf', 'print', 'println', 'title',
  'trimPrefix', 'trimSuffix', 'index', 'toString', 'len', 'not', 'eq', 'ne', 'contains', 'hasPrefix', 'b64enc', 'toJson',
  'cat', 'nospace', 'repeat', 'list', 'join', 'empty', 'ternary', 'coalesce', 'kebabcase', 'trunc', 'fail', 'and', 'or',
  'urlquery', 'html', 'js', 'sha256sum', 'lookup', 'now', 'splitList', 'first', 'toYaml', 'dict', 'get'];

const operand = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.constantFrom('"env"', '"x"', '""', '"a-b"', '"%s-%v"', '"app"', '1', '2.5', 'true', 'nil', '.', '$'),
);
const call = fc.tuple(fc.constantFrom(...FUNCS), fc.array(operand, { maxLength: 3 })).map(([f, args]) => [f, ...args].join(' '));
const pipeline = fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), call), fc.array(call, { maxLength: 2 }))
  .map(([first, rest]) => [first, ...rest].join(' | '));
const textPart = fc.array(fc.constantFrom('a', '-', '/', ' ', '}', '\n', 'é'), { maxLength: 4 }).map(cs => cs.join(''));
const template = fc.array(fc.oneof(textPart, pipeline.map(p => `{{ ${p} }}`), pipeline.map(p => `{{${p}}}`)), { minLength: 1, maxLength: 4 })
  .map(parts => parts.join(''));

/** The interpreter's outcome: its output or its error message. */
function interpret(text: string, data: unknown, missingKey: MissingKey): string {
  try {
    return `ok:${executeTemplate(parseTemplate(text, NAMES), data as any, FUNCTIONS, missingKey)}`;
  } catch (e) {
    return `error:${(e as Error).message}`;
  }
}

describe('compiled Go templates (fast.ts)', () => {
  test('GIVEN generated templates and parameters WHEN the fast path returns a string THEN the interpreter prints exactly it (fast-check)', () => {
    let taken = 0;
    let runs = 0;
    fc.assert(fc.property(template, fc.constantFrom(...MISSING_KEYS), (text, missingKey) => {
      let tmpl;
      try {
        tmpl = parseTemplate(text, NAMES);
      } catch {
        return; // both paths report the parse error before either runs
      }
      runs++;
      const compiled = compileFast(tmpl, FUNCTIONS);
      const fast = compiled === null ? undefined : runFast(compiled, params() as any);
      if (fast === undefined) return;
      taken++;
      expect(`ok:${fast}`).toBe(interpret(text, params(), missingKey));
    }), { numRuns: 3000, seed: 17 });
    // THEN the property exercised the fast path on a good share of the templates
    expect(taken).toBeGreaterThan(runs / 10);
  });

  test('GIVEN the common ApplicationSet shapes WHEN compiled THEN they take the fast path with the interpreter\'s output', () => {
    const cases = ['{{.name}}', 'clusters/{{ .name }}/{{ .values.app | trim | lower }}', '{{ index .metadata.labels "env" }}',
      '{{ .values.missingapp | default "apps" }}', '{{ printf "%s-%s" .name .metadata.labels.env }}'];
    for (const text of cases) {
      const compiled = compileFast(parseTemplate(text, NAMES), FUNCTIONS);
      const fast = compiled === null ? undefined : runFast(compiled, params() as any);
      if (text.includes('missingapp')) {
        expect(fast).toBeUndefined(); // a missing key goes to the interpreter, which knows the missingkey option
      } else {
        expect(fast).toBeDefined();
        expect(`ok:${fast}`).toBe(interpret(text, params(), 'error'));
      }
    }
  });

  test('GIVEN a missing key, a non-string value, a failing function WHEN run fast THEN the interpreter decides', () => {
    for (const text of ['{{.missing}}', '{{.values.n}}', '{{ fail "no" }}', '{{ .values.nil | default "x" }}', '{{ and .name .server }}']) {
      const compiled = compileFast(parseTemplate(text, NAMES), FUNCTIONS);
      expect(compiled === null ? undefined : runFast(compiled, params() as any)).toBeUndefined();
    }
  });
});

const strings = ['plain', '', '{{.name}}', '{{ .empty }}', '{{ .metadata.labels.env }}', '{{.missing}}', '{{ fail "boom" }}',
  '{{ .values.n }}', '{{name}}', '{{ index .metadata.labels "region" | upper }}', '{{', 'a-{{ .values.app | trim }}'];
const str = fc.constantFrom(...strings);
const smap = fc.dictionary(fc.constantFrom('a', 'b', '{{.name}}', '{{.empty}}', 'team'), str, { maxKeys: 3 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const source = fc.record({
  repoURL: str,
  path: opt(str),
  targetRevision: opt(str),
  helm: opt(fc.record({
    valueFiles: opt(fc.array(str, { maxLength: 2 })),
    values: opt(str),
    valuesObject: opt(fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('x', '{{.name}}'), fc.oneof(str, fc.constant(null)), { maxKeys: 2 }))),
    parameters: opt(fc.array(fc.record({ name: str, value: opt(str), forceString: opt(fc.boolean()) }), { maxLength: 2 })),
  }, { requiredKeys: [] })),
  kustomize: opt(fc.record({ commonLabels: opt(smap), namePrefix: opt(str) }, { requiredKeys: [] })),
  directory: opt(fc.record({
    recurse: opt(fc.boolean()),
    jsonnet: opt(fc.record({ libs: opt(fc.array(str, { maxLength: 1 })) }, { requiredKeys: [] })),
  }, { requiredKeys: [] })),
  plugin: opt(fc.record({
    name: opt(str),
    parameters: opt(fc.array(fc.record({ name: str, string: opt(str), array: opt(fc.array(str, { maxLength: 1 })) }, { requiredKeys: ['name'] }), { maxLength: 1 })),
  }, { requiredKeys: [] })),
}, { requiredKeys: ['repoURL'] });
const applicationTemplate = fc.record({
  metadata: fc.record({ name: str, labels: opt(smap), annotations: opt(smap), finalizers: opt(fc.array(str, { maxLength: 2 })), namespace: opt(str) }, { requiredKeys: ['name'] }),
  spec: fc.record({
    project: str,
    source: opt(source),
    sources: opt(fc.array(source, { maxLength: 2 })),
    destination: fc.record({ server: opt(str), name: opt(str), namespace: opt(str) }, { requiredKeys: [] }),
    syncPolicy: opt(fc.record({
      automated: opt(fc.record({ prune: opt(fc.boolean()), selfHeal: opt(fc.boolean()) }, { requiredKeys: [] })),
      syncOptions: opt(fc.array(str, { maxLength: 2 })),
    }, { requiredKeys: [] })),
    info: opt(fc.array(fc.record({ name: str, value: str }), { maxLength: 2 })),
    revisionHistoryLimit: opt(fc.integer({ min: 0, max: 10 })),
  }, { requiredKeys: ['project', 'destination'] }),
});

describe('rendered and encoded Application in one walk (expand.ts)', () => {
  test('GIVEN generated templates WHEN the one-walk path returns an Application THEN it equals the general path\'s, and it gives way on every error (fast-check)', () => {
    let taken = 0;
    fc.assert(fc.property(applicationTemplate, fc.boolean(), fc.constantFrom(...MISSING_KEYS), opt(fc.boolean()), opt(fc.constantFrom('', 'argocd', 'apps')),
      (tmpl, goTemplate, missingKey, preserve, namespace) => {
        const ctx = { goTemplate, missingKey, goTemplateOptions: [], clusters: [], inClusterEnabled: true } as ExpansionContext;
        const spec = preserve === undefined ? {} : { syncPolicy: { preserveResourcesOnDeletion: preserve } };
        const data = goTemplate ? params() : { 'name': 'in-cluster', 'server': 'https://kubernetes.default.svc', 'metadata.labels.env': 'prod' };
        const decoded = decodedTemplate(tmpl);
        let general: string;
        try {
          general = `ok:${JSON.stringify(renderDecodedApplication(decoded, data, spec, namespace, ctx))}`;
        } catch (e) {
          general = `error:${(e as Error).message}`;
        }
        const fast = renderEncodedApplication(decoded, data, spec, namespace, ctx);
        if (fast === undefined) {
          return;
        }
        taken++;
        expect(`ok:${JSON.stringify(fast)}`).toBe(general);
      }), { numRuns: 1500, seed: 17 });
    expect(taken).toBeGreaterThan(100);
  });
});
