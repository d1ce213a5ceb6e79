import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appsetGenerate } from '../../src/cli/appset-generate';
import { expandApplicationSet } from '../../src/expansion/expand';
import { fromJson, renderGoTemplate } from '../../src/expansion/gotemplate';
import { MAX_NESTING, MAX_OUTPUT_BYTES } from '../../src/expansion/gotemplate/limits';

/**
 * Hostile templates and inputs: every one ends, quickly, with a message (issue #11 §5). Where Argo CD itself
 * would fail (infinite recursion), the message is Argo CD's; where it would grind through gigabytes, the
 * message names cdk8s-fleet's limit.
 */
const data = fromJson({ s: 'a'.repeat(50_000) + '!' });
const run = (t: string) => renderGoTemplate(t, data, 'default');

describe('templates that would hang or exhaust memory', () => {
  test('a catastrophic regular expression runs in linear time (RE2)', () => {
    expect(run('{{ regexMatch "^(a+)+$" .s }}')).toBe('false');
    expect(run('{{ regexReplaceAll "(a|aa)+$" .s "x" | len }}')).toBe('50001');
  });

  test.each<[string, RegExp]>([
    ['{{ repeat 1000000000 "x" }}', /error calling repeat: repeat would produce 1000000000 bytes, more than the 16777216 bytes cdk8s-fleet builds for one value/],
    ['{{ seq 1 1000000000000 }}', /error calling seq: untilStep would produce 1000000000000 elements, more than the 1000000/],
    ['{{ untilStep 0 9223372036854775807 1 }}', /error calling untilStep: untilStep would produce 9223372036854775807 elements/],
    ['{{ until 100000000 | len }}', /error calling until: untilStep would produce 100000000 elements/],
    ['{{ indent 100000000 "a" }}', /error calling indent: indent would produce/],
    ['{{ range until 100000 }}{{ range until 100000 }}{{ end }}{{ end }}', /template execution took more than 5000000 steps/],
    ['{{ $s := "xxxxxxxxxxxxxxxx" }}{{ range until 1000000 }}{{ $s }}{{ $s }}{{ end }}', /template output exceeds 16777216 bytes/],
    ['{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}', /executing "loop" at <\{\{template "loop" .\}\.\.\.>: exceeded maximum template depth \(100000\)/],
    ['{{ define "count" }}{{ if lt (len .) 5000 }}{{ template "count" (printf "%sx" .) }}{{ end }}{{ end }}{{ template "count" "" }}', /exceeded maximum template depth \(1000, cdk8s-fleet's limit; Go allows 100000\)/],
    [`{{ ${'('.repeat(MAX_NESTING + 1)}1${')'.repeat(MAX_NESTING + 1)} }}`, /max expression depth exceeded \(cdk8s-fleet's limit: 1000 nested parentheses\)/],
    [`${'{{ if true }}'.repeat(MAX_NESTING + 1)}x${'{{ end }}'.repeat(MAX_NESTING + 1)}`, /control structures nested more than 1000 deep/],
    ['{{ fromYaml "a: &a [x,x,x,x,x,x,x,x,x]\\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]" }}', /error calling fromYaml: error converting YAML to JSON: document contains excessive aliasing/],
  ])('%s', (template, message) => {
    const start = Date.now();
    expect(() => run(template)).toThrow(message);
    expect(Date.now() - start).toBeLessThan(30_000);
  });

  test('output just under the limit is fine (the limit is not a default)', () => {
    expect(run(`{{ repeat ${MAX_OUTPUT_BYTES} "x" | len }}`)).toBe(String(MAX_OUTPUT_BYTES));
  });
});

describe('hostile input to appset generate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'appset-limits-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((k, i) => {
    const prev = 'abcdefghi'[i];
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`;
  })].join('\n');
  const secrets = write('secrets.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n  labels:\n    argocd.argoproj.io/secret-type: cluster\nstringData:\n  name: c\n  server: https://c.example.com\n');

  test('a YAML alias bomb in the ApplicationSet file is refused with its file name', () => {
    expect(() => appsetGenerate(write('bomb.yaml', `kind: ApplicationSet\n${laughs}\n`), { clusters: [secrets] })).toThrow(/bomb\.yaml.*excessive aliasing/);
  });

  test('a YAML alias bomb in a cluster file is refused', () => {
    const set = write('set.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  generators: []\n  template: {}\n');
    expect(() => appsetGenerate(set, { clusters: [write('bomb-secrets.yaml', laughs)] })).toThrow(/bomb-secrets\.yaml.*excessive aliasing/);
  });

  test('any YAML Go accepts is accepted: scalars and lists among the documents are skipped', () => {
    const set = write('scalars.yaml', '.\n---\n- a\n---\n42\n---\napiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: s\nspec:\n  generators:\n  - list:\n      elements: [{n: a}]\n  template:\n    metadata:\n      name: "{{n}}"\n    spec:\n      project: default\n      destination: {server: https://c.example.com, namespace: x}\n');
    const result = appsetGenerate(set, { clusters: [write('dot.yaml', '.\n'), secrets] });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('name: a');
  });

  test('a file with no ApplicationSet, a missing file and a bad --git-dir are messages', () => {
    expect(() => appsetGenerate(write('none.yaml', '.\n'), { clusters: [secrets] })).toThrow('none.yaml: no ApplicationSet found');
    expect(() => appsetGenerate(path.join(dir, 'missing.yaml'), { clusters: [secrets] })).toThrow(/missing\.yaml: no such file/);
    const set = write('set2.yaml', 'kind: ApplicationSet\nmetadata: {name: s}\nspec: {generators: [], template: {}}\n');
    expect(() => appsetGenerate(set, { clusters: [secrets], gitDir: ['nodir'] })).toThrow("--git-dir 'nodir' must be repoURL=directory");
    expect(() => appsetGenerate(set, { clusters: [secrets], gitDir: [`https://x=${path.join(dir, 'absent')}`] })).toThrow(/no such directory/);
  });

  test('a symlink leaving the --git-dir checkout is refused (Argo CD refuses out-of-bounds symlinks)', () => {
    const repo = path.join(dir, 'repo');
    fs.mkdirSync(path.join(repo, 'apps'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'apps', 'config.json'), '{}');
    fs.symlinkSync('/etc/passwd', path.join(repo, 'apps', 'passwd.json'));
    const set = write('git.yaml', 'kind: ApplicationSet\nmetadata: {name: s}\nspec:\n  generators:\n  - git: {repoURL: "https://x/r.git", revision: HEAD, files: [{path: "apps/*.json"}]}\n  template: {metadata: {name: "{{path.basename}}"}, spec: {project: default, destination: {server: "https://c.example.com", namespace: x}}}\n');
    expect(() => appsetGenerate(set, { clusters: [secrets], gitDir: [`https://x/r.git=${repo}`] })).toThrow(/passwd\.json: repository contains out-of-bounds symlinks/);
  });

  test('the CLI ends within 60 s on a catastrophic regex and on infinite template recursion, with a message', () => {
    const set = write('hostile.yaml', [
      'apiVersion: argoproj.io/v1alpha1', 'kind: ApplicationSet', 'metadata: {name: hostile}', 'spec:', '  goTemplate: true',
      `  generators: [{list: {elements: [{s: "${'a'.repeat(30_000)}!"}]}}]`, '  template:', '    metadata:',
      '      name: \'{{ if regexMatch "^(a+)+$" .s }}x{{ else }}ok{{ end }}\'',
      '      annotations: {loop: \'{{ define "l" }}{{ template "l" . }}{{ end }}{{ template "l" . }}\'}',
      '    spec: {project: default, destination: {server: "https://c.example.com", namespace: x}}', '',
    ].join('\n'));
    const script = `const { appsetGenerate } = require(${JSON.stringify(path.resolve(__dirname, '../../src/cli/appset-generate'))});
      const r = appsetGenerate(${JSON.stringify(set)}, { clusters: [${JSON.stringify(secrets)}] }); process.stderr.write(r.stderr); process.exit(r.code);`;
    const child = spawnSync(process.execPath, ['--max-old-space-size=2048', '-r', 'ts-node/register/transpile-only', '-e', script], {
      cwd: path.resolve(__dirname, '../..'), timeout: 60_000, encoding: 'utf8', env: { ...process.env, TS_NODE_PROJECT: 'test/tsconfig.json' },
    });
    expect(child.error).toBeUndefined();
    expect(child.status).toBe(1);
    expect(child.stderr).toContain('exceeded maximum template depth (100000)');
  }, 90_000);
});

describe('an ApplicationSet of the wrong shape is an error, never a crash', () => {
  test.each([
    [{ generators: 'x', template: {} }, 'json: cannot unmarshal string into Go struct field ApplicationSetSpec.spec.generators of type []v1alpha1.ApplicationSetGenerator'],
    [{ generators: [null, 5], template: {} }, 'json: cannot unmarshal number into Go struct field ApplicationSetSpec.spec.generators of type v1alpha1.ApplicationSetGenerator'],
    [{ generators: [{ list: { elements: 'x' } }], template: {} }, 'json: cannot unmarshal string into Go struct field ListGenerator.spec.generators.list.elements of type []v1.JSON'],
    [{ generators: [{ list: { elements: [{ a: 'b' }] } }], template: 'x' }, 'json: cannot unmarshal string into Go struct field ApplicationSetSpec.spec.template of type v1alpha1.ApplicationSetTemplate'],
    ['x', 'json: cannot unmarshal string into Go struct field ApplicationSet.spec of type v1alpha1.ApplicationSetSpec'],
  ])('%j', (spec, message) => {
    expect(expandApplicationSet({ metadata: { name: 'bad' }, spec }, { clusters: [] }).error).toBe(message);
  });

  test('a selector of the wrong shape is an error, never a crash', () => {
    expect(() => expandApplicationSet({ metadata: { name: 'bad' }, spec: { generators: [{ clusters: { selector: 'x' } }], template: {} } }, { clusters: [] })).not.toThrow();
  });
});
