import * as fs from 'fs';
import * as path from 'path';
import { parseYamlDocuments } from '../../../src/private/yaml-input';
import { formatProblem, LintInput, lintObjects } from '../../../src/rollouts/private/rules/lint';

/**
 * Every YAML example of the Argo Rollouts v1.9.1 feature docs (docs/features/**\/*.md, fixtures/docs-examples.json)
 * through the lint rules: strict schemas and the controller's rules. An example lints clean unless the doc itself
 * shows it as invalid or as a fragment; each exception below says why, with the doc's own words or the
 * controller's rule. Examples that elide the pod template ("...") get one (selector and labels matching the
 * Services of the same doc), so that the strategy they show is checked, not the ellipsis.
 */

interface Example { readonly source: string; readonly yaml: string }
const fixture: { examples: Example[] } = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'docs-examples.json'), 'utf8'));
const example = (source: string) => {
  const e = fixture.examples.find(x => x.source === source);
  if (!e) throw new Error(`no example ${source}`);
  return e;
};

/** Fills in what the example elides: a name, and the selector and pod template of a Rollout. */
function complete(o: any, labels: Record<string, string> = { app: 'example' }): any {
  if (!o || typeof o !== 'object') return o;
  o.metadata = o.metadata ?? {};
  o.metadata.name = o.metadata.name ?? 'example';
  if (o.kind === 'Rollout' && o.spec && !o.spec.workloadRef) {
    const l = o.spec.selector?.matchLabels ?? o.spec.template?.metadata?.labels ?? labels;
    o.spec.selector = o.spec.selector ?? { matchLabels: l };
    o.spec.template = o.spec.template ?? {};
    o.spec.template.metadata = { ...o.spec.template.metadata, labels: o.spec.template.metadata?.labels ?? l };
    o.spec.template.spec = o.spec.template.spec ?? { containers: [{ name: 'app', image: 'argoproj/rollouts-demo:blue' }] };
  }
  return o;
}

function objectsOf(sources: string[], labels?: Record<string, string>, mutate?: (objects: any[]) => void): LintInput[] {
  const objects = sources.flatMap(s => parseYamlDocuments(example(s).yaml, s).map(o => complete(o, labels)));
  mutate?.(objects);
  return objects.map((object, i) => ({ object, source: `#${i + 1}` }));
}

const lint = (sources: string[], labels?: Record<string, string>, mutate?: (objects: any[]) => void) =>
  lintObjects(objectsOf(sources, labels, mutate)).problems.map(formatProblem);

/** Examples the docs show as invalid, incomplete or as a list of every field: what lint reports, and why. */
const EXPECTED: Record<string, { readonly why: string; readonly problems: string[] }> = {
  'docs/features/analysis.md:132': {
    why: 'the doc writes `value: 9090`: args[].value is a string in the CRD, so the API server rejects the number',
    problems: ['#1: AnalysisTemplate/success-rate: schema: /spec/args/1/value must be string'],
  },
  'docs/features/analysis.md:213': {
    why: 'the same `value: 9090` in the ClusterAnalysisTemplate variant',
    problems: ['#1: ClusterAnalysisTemplate/success-rate: schema: /spec/args/1/value must be string'],
  },
  'docs/features/analysis.md:1239': {
    why: 'a fragment showing a web metric\'s jsonPath; the web provider requires url',
    problems: ['#1: AnalysisTemplate/example: schema: /spec/metrics/0/provider/web is missing required field \'url\''],
  },
  'docs/features/specification.md:5': {
    why: 'the reference lists every field at once (both strategies, both nginx ingress fields, both Istio forms, placeholder status times), and misplaces replicaProgressThreshold (a canary field) as a step and analysisRunMetadata (an experiment-step field) inside analyses',
    problems: [
      "#1: Rollout/example-rollout-canary: schema: /spec/strategy/canary/steps/6 has unknown field 'replicaProgressThreshold'",
      "#1: Rollout/example-rollout-canary: schema: /spec/strategy/canary/steps/11/experiment/analyses/0 has unknown field 'analysisRunMetadata'",
      '#1: Rollout/example-rollout-canary: schema: /status/pauseConditions/0/startTime must match format "date-time"',
      '#1: Rollout/example-rollout-canary: schema: /status/pauseConditions/1/startTime must match format "date-time"',
      '#1: Rollout/example-rollout-canary: schema: /status/pauseConditions/2/startTime must match format "date-time"',
      '#1: Rollout/example-rollout-canary: spec.strategy.strategy: Invalid value: "blueGreen: true canary: true": Multiple Strategies can not be listed',
      '#1: Rollout/example-rollout-canary: spec.strategy.canary.trafficRouting.nginx: Internal error: Either StableIngress or StableIngresses must be configured. Both are configured.',
      '#1: Rollout/example-rollout-canary: spec.strategy.canary.trafficRouting.istio: Internal error: either VirtualService or VirtualServices must be configured',
    ],
  },
  'docs/features/traffic-management/alb.md:35': {
    why: 'the doc lists `ingress` and `ingresses` together to show both ("either ingress or ingresses"); ValidateRolloutAlbIngressesConfig rejects both',
    problems: ['#1: Rollout/example: spec.strategy.canary.trafficRouting.alb: Internal error: Either Ingress or Ingresses must be configured. Both are configured.'],
  },
  'docs/features/traffic-management/alb.md:155': {
    why: 'a fragment showing rootService only (no ingress, no servicePort)',
    problems: [
      "#1: Rollout/example: schema: /spec/strategy/canary/trafficRouting/alb is missing required field 'servicePort'",
      '#1: Rollout/example: spec.strategy.canary.trafficRouting.alb: Internal error: Either Ingress or Ingresses must be configured. Neither are configured.',
    ],
  },
  'docs/features/traffic-management/alb.md:173': {
    why: 'a fragment showing stickinessConfig only (no services, ingress or servicePort)',
    problems: [
      "#1: Rollout/example: schema: /spec/strategy/canary/trafficRouting/alb is missing required field 'servicePort'",
      '#1: Rollout/example: spec.strategy.stableService: Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
      '#1: Rollout/example: spec.strategy.canaryService: Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
      '#1: Rollout/example: spec.strategy.canary.trafficRouting.alb: Internal error: Either Ingress or Ingresses must be configured. Neither are configured.',
    ],
  },
  'docs/features/traffic-management/alb.md:360': {
    why: 'the ping-pong example has no rootService; validation.go requires it for ALB with ping-pong (MissedAlbRootServiceMessage), so the controller sets InvalidSpec',
    problems: ['#1: Rollout/example-rollout: spec.strategy.trafficRouting.alb.rootService: Invalid value: "": Root service field is required for the configuration with ALB and ping-pong feature enabled'],
  },
  'docs/features/traffic-management/alb.md:402': {
    why: 'a fragment showing annotationPrefix only',
    problems: [
      "#1: Rollout/example: schema: /spec/strategy/canary/trafficRouting/alb is missing required field 'servicePort'",
      '#1: Rollout/example: spec.strategy.stableService: Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
      '#1: Rollout/example: spec.strategy.canaryService: Invalid value: "": Canary service and Stable service must to be set to use Traffic Routing',
      '#1: Rollout/example: spec.strategy.canary.trafficRouting.alb: Internal error: Either Ingress or Ingresses must be configured. Neither are configured.',
    ],
  },
  'docs/features/traffic-management/nginx.md:17': {
    why: 'the doc shows stableIngress and stableIngresses together, commented "Either stableIngress or stableIngresses must be configured, but not both"',
    problems: ['#1: Rollout/example: spec.strategy.canary.trafficRouting.nginx: Internal error: Either StableIngress or StableIngresses must be configured. Both are configured.'],
  },
};

describe('docs/features examples (argoproj/argo-rollouts@v1.9.1)', () => {
  test('the fixture holds the examples', () => {
    expect(fixture.examples.length).toBeGreaterThan(50);
  });

  test.each(fixture.examples.map(e => e.source))('%s', source => {
    // GIVEN the example, its elided pod template filled in WHEN linted THEN clean, or what the doc shows invalid
    expect(lint([source])).toEqual(EXPECTED[source]?.problems ?? []);
  });
});

describe('docs examples that belong together (traffic-management/istio.md)', () => {
  const hostSplit = ['docs/features/traffic-management/istio.md:40', 'docs/features/traffic-management/istio.md:69', 'docs/features/traffic-management/istio.md:94'];
  const subset = ['docs/features/traffic-management/istio.md:155', 'docs/features/traffic-management/istio.md:185', 'docs/features/traffic-management/istio.md:205', 'docs/features/traffic-management/istio.md:230'];
  const tcp = ['docs/features/traffic-management/istio.md:337', 'docs/features/traffic-management/istio.md:363', 'docs/features/traffic-management/istio.md:94'];

  test('host-level splitting: the Rollout, its VirtualService and both Services', () => {
    expect(lint(hostSplit, { app: 'rollouts-demo' })).toEqual([]);
  });

  test('subset-level splitting: the Rollout, the Service, the VirtualService and the DestinationRule', () => {
    expect(lint(subset, { app: 'rollout-example' })).toEqual([]);
  });

  test('TCP routes selected by port', () => {
    expect(lint(tcp, { app: 'rollouts-demo' })).toEqual([]);
  });

  test.each([
    ['the stable destination renamed', (o: any[]) => { o[1].spec.http[0].route[0].destination.host = 'other-svc'; },
      "#1: Rollout/rollout-example: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: \"rollout-vsvc\": Istio VirtualService has invalid HTTP routes. Error: Stable Service 'stable-svc' not found in route"],
    ['the canary destination as an FQDN (getHost keeps the part before the first dot)', (o: any[]) => { o[1].spec.http[0].route[1].destination.host = 'canary-svc.default.svc.cluster.local'; }, undefined],
    ['the route renamed', (o: any[]) => { o[1].spec.http[0].name = 'main'; },
      "#1: Rollout/rollout-example: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: \"rollout-vsvc\": Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'primary' is not found in the defined Virtual Service."],
    ['routes omitted in the Rollout, one named route: it is inferred', (o: any[]) => { delete o[0].spec.strategy.canary.trafficRouting.istio.virtualService.routes; }, undefined],
    ['routes omitted, and a second route in the VirtualService', (o: any[]) => {
      delete o[0].spec.strategy.canary.trafficRouting.istio.virtualService.routes;
      o[1].spec.http.push({ name: 'secondary', route: [{ destination: { host: 'stable-svc' }, weight: 100 }] });
    }, '#1: Rollout/rollout-example: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "rollout-vsvc": Istio VirtualService has invalid HTTP routes. Error: spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes'],
    ['a Service selecting other pods', (o: any[]) => { o[2].spec.selector.app = 'other'; },
      '#1: Rollout/rollout-example: spec.strategy.canary.canaryService: Invalid value: "canary-svc": Service "canary-svc" has unmatch label "app" in rollout'],
    ['the rollouts-pod-template-hash selector the controller adds is ignored', (o: any[]) => { o[2].spec.selector['rollouts-pod-template-hash'] = '7bf84f9696'; }, undefined],
  ])('%s', (_name, mutate, problem) => {
    expect(lint(hostSplit, { app: 'rollouts-demo' }, mutate)).toEqual(problem ? [problem] : []);
  });

  test('subset routing with a subset missing from the route', () => {
    const problems = lint(subset, { app: 'rollout-example' }, o => { o[2].spec.http[0].route[1].destination.subset = 'preview'; });
    expect(problems).toEqual(["#1: Rollout/rollout-example: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: \"rollout-vsvc\": Istio VirtualService has invalid HTTP routes. Error: Canary DestinationRule subset 'canary' not found in route"]);
  });

  test('a TCP route for another port', () => {
    const problems = lint(tcp, { app: 'rollouts-demo' }, o => { o[1].spec.tcp[0].match[0].port = 3001; });
    expect(problems).toEqual(['#1: Rollout/rollout-example: spec.strategy.canary.trafficRouting.istio.virtualService.name: Invalid value: "rollout-vsvc": Istio VirtualService has invalid TCP routes. Error: No matching TCP routes found in the defined Virtual Service.']);
  });
});

describe('an example as written, without the pod template it elides', () => {
  test('analysis.md: the Rollout without selector and template is rejected as the controller would (a nil labels map is null)', () => {
    const objects = parseYamlDocuments(example('docs/features/analysis.md:1208').yaml, 'x');
    expect(lintObjects(objects.map(object => ({ object, source: 'x' })), { schemas: false }).problems.map(formatProblem)).toEqual([
      "x: Rollout/guestbook: spec.selector: Required value: Rollout has missing field '.spec.selector'",
      'x: Rollout/guestbook: spec.template.metadata.labels: Invalid value: null: `selector` does not match template `labels`',
      'x: Rollout/guestbook: spec.template.spec.containers: Required value',
    ]);
  });
});
