import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { main } from '../../src/cli/main';
import { addCluster, testFleet } from '../util';

// `cdk8s-fleet lint`, with the inputs of argoproj/argo-rollouts@v1.9.1 pkg/kubectl-argo-rollouts/cmd/lint/lint_test.go
// (TestLintValidRollout, TestLintInvalidRollout; fixtures copied in fixtures/lint/, see SOURCE.md).

const fixture = (name: string) => path.join(__dirname, 'fixtures', 'lint', name);

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(['lint', ...args], { out: t => { out += t; }, err: t => { err += t; } });
  return { code, out, err };
}

function tmp(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-lint-'));
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), content);
  }
  return dir;
}

describe('TestLintValidRollout', () => {
  test.each([
    'valid.yml', 'valid.json', 'valid-workload-ref.yaml', 'valid-with-another-empty-object.yml', 'valid-istio-v1alpha3.yml',
    'valid-istio-v1beta1.yml', 'valid-blue-green.yml', 'valid-ingress-smi.yml', 'valid-alb-canary.yml', 'valid-nginx-basic-canary.yml',
    'valid-istio-v1beta1-mulitiple-virtualsvcs.yml', 'valid-nginx-smi-with-vsvc.yaml',
  ])('%s: exit 0, nothing on stdout', name => {
    // WHEN linting an input the controller accepts THEN it exits 0 and prints no problem
    const r = run(fixture(name));
    expect([r.code, r.out]).toEqual([0, '']);
    expect(r.err).toMatch(/0 error\(s\)/);
  });

  test('valid-ingress-smi-multi.yml: the controller accepts the Rollouts; the API server rejects an Ingress path without pathType', () => {
    const r = run(fixture('valid-ingress-smi-multi.yml'));
    expect(r.code).toBe(1);
    expect(r.out.trim().split('\n')).toEqual([
      `${fixture('valid-ingress-smi-multi.yml')} (document 11): Ingress/rollout-smi-experiment-stable-1: schema: /spec/rules/0/http/paths/0 is missing required field 'pathType'`,
      `${fixture('valid-ingress-smi-multi.yml')} (document 11): Ingress/rollout-smi-experiment-stable-1: schema: /spec/rules/1/http/paths/0 is missing required field 'pathType'`,
    ]);
    expect(run('--no-schemas', fixture('valid-ingress-smi-multi.yml')).code).toBe(0);
  });

  test('valid-nginx-canary.yml: kubectl-argo-rollouts lint passes it, the controller does not', () => {
    // Its stable Ingress routes to nginx-rollout-root, not to the stable Service. `kubectl argo rollouts lint` only
    // looks at Ingresses that already have a rule for the stable Service, so it never sees this one; the controller
    // fetches the Ingress named in stableIngress and sets InvalidSpec (validation_references.go reportErrors).
    const r = run(fixture('valid-nginx-canary.yml'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${fixture('valid-nginx-canary.yml')} (document 5): Rollout/nginx-rollout: spec.strategy.canary.trafficRouting.nginx.stableIngress: Invalid value: "nginx-rollout-ingress": ingress \`nginx-rollout-ingress\` has no rules using service nginx-rollout-stable backend\n`);
  });
});

describe('TestLintInvalidRollout', () => {
  test.each([
    ['invalid.yml', 'spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero'],
    ['invalid-empty-rollout-vsvc.yml', "spec.selector: Required value: Rollout has missing field '.spec.selector'"],
    ['invalid.json', 'spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero'],
    ['invalid-multiple-docs.yml', 'spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero'],
    ['invalid-unknown-field.yml', "schema: /spec/strategy has unknown field 'unknown-strategy'"],
    ['invalid-service-labels.yml', 'spec.strategy.canary.canaryService: Invalid value: "istio-host-split-canary": Service "istio-host-split-canary" has unmatch label "app" in rollout'],
    ['invalid-ping-pong.yml', 'spec.strategy.canary.pingPong.pingService: Invalid value: "ping-service": Service "ping-service" has unmatch label "app" in rollout'],
    ['invalid-ingress-smi-multi.yml', 'spec.strategy.canary.canaryService: Invalid value: "rollout-smi-experiment-canary": Service "rollout-smi-experiment-canary" has unmatch label "app" in rollout'],
    ['invalid-nginx-canary.yml', 'spec.strategy.steps[1].experiment.templates[0].weight: Invalid value: 20: Experiment template weight is only available for TrafficRouting with SMI, ALB, Istio and Plugins at this time'],
  ])('%s: exit 1, the upstream error among the problems', (name, upstream) => {
    const r = run(fixture(name));
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines.some(l => l.endsWith(upstream))).toBe(true);
    // every line names the file and the object
    for (const l of lines) expect(l).toMatch(new RegExp(`^${fixture(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(document \\d+\\))?: \\w+/[^:]+: `));
  });
});

describe('inputs', () => {
  test('an unreadable input exits 2 with one line per input, and nothing is linted', () => {
    const dir = tmp({ 'bad.yaml': 'a: [1,\n', 'bin.yaml': 'x\0y' });
    const r = run(path.join(dir, 'bad.yaml'), path.join(dir, 'bin.yaml'), path.join(dir, 'missing.yaml'));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toEqual([
      `${path.join(dir, 'missing.yaml')}: no such file or directory`,
      expect.stringMatching(/bad\.yaml:2:1: /),
      expect.stringMatching(/bin\.yaml: binary content/),
    ]);
  });

  test('a document that is not a Kubernetes object is an error', () => {
    const dir = tmp({ 'x.yaml': '- 1\n- 2\n' });
    const r = run(path.join(dir, 'x.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${path.join(dir, 'x.yaml')}: -: not a Kubernetes object (an object with 'apiVersion' and 'kind'): [1,2]\n`);
  });

  test("directories: each directory's files are checked together, so two clusters' objects never mix", () => {
    const rollout = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: api}]}}
  strategy: {blueGreen: {activeService: api}}
`;
    const service = (app: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {selector: {app: ${app}}, ports: [{port: 80}]}\n`;
    const dir = tmp({
      'clusters/a/api/Rollout.api.yaml': rollout('api'),
      'clusters/a/api/Service.api.yaml': service('api'),
      'clusters/b/api/Rollout.api-v2.yaml': rollout('api-v2'),
      'clusters/b/api/Service.api.yaml': service('other'),
    });
    const r = run(dir);
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${path.join(dir, 'clusters/b/api/Rollout.api-v2.yaml')}: Rollout/api-v2: spec.strategy.blueGreen.activeService: Invalid value: "api": Service "api" has unmatch label "app" in rollout\n`);
  });

  test('an analysis template whose run would fail, and one that passes without data (a warning: exit 0)', () => {
    const dir = tmp({
      'broken.yaml': `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: broken}
spec:
  metrics:
  - name: rate
    count: 3
    successCondition: result[0] >= 0.99
    provider: {prometheus: {address: 'http://prometheus:9090', query: 'up{job="{{args.job}}"}'}}
`,
    });
    const r = run(path.join(dir, 'broken.yaml'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${path.join(dir, 'broken.yaml')}: AnalysisTemplate/broken: spec.metrics: Invalid value: "broken": Unable to resolve metric arguments: failed to resolve {{args.job}}\n`);

    const lying = tmp({
      'lying.yaml': `apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata: {name: lying}
spec:
  metrics:
  - name: errors
    successCondition: all(result, {# < 0.01})
    provider: {prometheus: {address: 'http://prometheus:9090', query: 'rate(errors[5m])'}}
`,
    });
    const w = run(path.join(lying, 'lying.yaml'));
    expect(w.code).toBe(0);
    expect(w.out).toMatch(/^.*lying\.yaml: warning: AnalysisTemplate\/lying: metric 'errors' passes without data: successCondition 'all\(result, \{# < 0\.01\}\)' counts an empty result \(no series\) as Successful; guard it/);
  });
});

describe('validate applies the same rules to a synthesized tree', () => {
  test('a hand-written Rollout the controller would reject is a problem of `cdk8s-fleet validate`', () => {
    // GIVEN a tree whose manifests hold a schema-valid Rollout with maxSurge and maxUnavailable both 0
    const { app, fleet } = testFleet();
    const cluster = addCluster(fleet, 'c1', { environment: 'dev' });
    const manifests = cluster.addManifests('demo', { namespace: 'demo' });
    new ApiObject(manifests, 'Rollout', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'demo' },
      spec: {
        selector: { matchLabels: { app: 'demo' } },
        template: { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'demo', image: 'demo:1' }] } },
        strategy: { canary: { maxSurge: 0, maxUnavailable: 0 } },
      },
    });
    app.synth();
    // WHEN validated THEN the rule's message names the file, the object and the field
    const r = run('--no-schemas', path.join(app.outdir, 'clusters'));
    expect(r.out).toBe(`${path.join(app.outdir, 'clusters/c1/demo/Rollout.demo.yaml')}: Rollout/demo/demo: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero\n`);
    let out = '';
    const code = main(['validate', app.outdir], { out: t => { out += t; }, err: t => { out += t; } });
    expect(code).toBe(1);
    expect(out).toContain('clusters/c1/demo/Rollout.demo.yaml: Rollout/demo/demo: spec.strategy.maxSurge: Invalid value: 0: MaxSurge and MaxUnavailable both can not be zero');
  });
});
