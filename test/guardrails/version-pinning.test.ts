import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'js-yaml';
import {
  AppProject, Application, ApplicationSet, ApplicationSource, ClusterGenerator, Fleet, HelmImageValues, ImagePinning, ListGenerator, MatrixGenerator,
  PinningRules, ProjectDestination, RevisionPinning, TemplateParam, VersionPinning, VersionsFile, Workload,
} from '../../src';
import { main } from '../../src/cli/main';
import { treeProofProblems } from '../../src/cli/plan';
import { declaredRules } from '../../src/guardrails/pinning-check';
import { chartVersionProblem, gitRevisionProblem, imageProblem } from '../../src/guardrails/pinning-policy';
import { addCluster, errorOf, testFleet } from '../util';

/** GIVEN: a fleet with a production and a dev cluster, a project allowing everything, and the pinning policy. */
function pinnedFleet(options: { waivers?: { value: string; reason: string; cluster?: string }[]; helmImageValues?: HelmImageValues[] } = {}) {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  const prod = addCluster(fleet, 'prod-eu-1', { environment: 'production' });
  const dev = addCluster(fleet, 'dev-eu-1', { environment: 'dev' });
  const project = new AppProject(fleet, 'team', {
    sourceRepos: ['*'],
    destinations: [ProjectDestination.anyCluster('*')],
    clusterResourceAllowList: [{ group: '*', kind: '*' }],
  });
  const pinning = new VersionPinning(fleet, 'Pinning', {
    environments: { production: PinningRules.strict(), dev: PinningRules.relaxed() },
    waivers: options.waivers,
    helmImageValues: options.helmImageValues,
  });
  return { app, fleet, prod, dev, project, pinning };
}

function deploy(fleet: Fleet, project: AppProject, cluster: any, image: string, name = 'web') {
  const manifests = cluster.addManifests(name, { namespace: name });
  new kplus.Deployment(manifests, 'Deployment', {
    metadata: { name },
    containers: [{ name: 'sidecar', image: 'ghcr.io/acme/proxy:2.0.1' }, { name, image }],
  });
  return new Application(fleet, `${name}-${cluster.clusterName}`, { project, destination: cluster, destinationNamespace: name, source: ApplicationSource.manifests(manifests) });
}

describe('VersionPinning', () => {
  test('a :latest image on a production cluster fails synth with cluster, object, field and value', () => {
    // GIVEN
    const { app, fleet, prod, project } = pinnedFleet();
    deploy(fleet, project, prod, 'ghcr.io/acme/web:latest');
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN
    expect(message).toContain('Fleet proofs failed');
    expect(message).toContain("version pinning: cluster 'prod-eu-1' (environment=production), Application 'web-prod-eu-1': "
      + "Deployment web/web (clusters/prod-eu-1/web/Deployment.web.yaml) spec.template.spec.containers[1].image = 'ghcr.io/acme/web:latest': "
      + "the tag 'latest' is mutable [version-pinning; waive it with a VersionPinning waiver]");
    expect(message).not.toContain('proxy');
  });

  test.each([
    ['ghcr.io/acme/web', "has no tag, which means 'latest'"],
    ['ghcr.io/acme/web:stable', "the tag 'stable' is mutable"],
    ['ghcr.io/acme/web:1.27', "the tag '1.27' is not a semantic version (x.y.z) and no digest pins it"],
  ])('production refuses %s', (image, problem) => {
    const { app, fleet, prod, project } = pinnedFleet();
    deploy(fleet, project, prod, image);
    expect(errorOf(() => app.renderFiles())).toContain(`= '${image}': ${problem}`);
  });

  test.each([
    'ghcr.io/acme/web:1.8.2', 'ghcr.io/acme/web:v1.8.2-rc.1', `ghcr.io/acme/web@sha256:${'a'.repeat(64)}`, `ghcr.io/acme/web:latest@sha256:${'a'.repeat(64)}`,
  ])('production accepts %s', image => {
    const { app, fleet, prod, project } = pinnedFleet();
    deploy(fleet, project, prod, image);
    expect(() => app.renderFiles()).not.toThrow();
  });

  test('dev is relaxed: any tag but latest and the mutable ones', () => {
    const { app, fleet, dev, project } = pinnedFleet();
    deploy(fleet, project, dev, 'nginx:1.27', 'nginx');
    deploy(fleet, project, dev, 'ghcr.io/acme/web:latest');
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("cluster 'dev-eu-1' (environment=dev), Application 'web-dev-eu-1'");
    expect(message).not.toContain('nginx');
  });

  test('a Workload whose versions file pins a mutable tag for production fails synth on every production cluster', () => {
    // GIVEN
    const { app, fleet } = pinnedFleet();
    addCluster(fleet, 'prod-us-1', { environment: 'production' });
    const versions = new VersionsFile(fleet, 'Versions', { content: 'environments: [dev, production]\nversions:\n  api:\n    dev: latest\n    production: latest\n' });
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { environment: 'production' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: { define: scope => { new kplus.Deployment(scope, 'D', { metadata: { name: 'api' }, containers: [{ name: 'api', image: 'ghcr.io/acme/api:1.0.0' }] }); } },
    });
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN
    for (const cluster of ['prod-eu-1', 'prod-us-1']) {
      expect(message).toContain(`cluster '${cluster}' (environment=production), Application 'api-${cluster}': Deployment api/api (clusters/${cluster}/api/Deployment.api.yaml) `
        + "spec.template.spec.containers[0].image = 'ghcr.io/acme/api:latest': the tag 'latest' is mutable");
    }
  });

  test('a waiver with a reason lets the value through and is reported', () => {
    // GIVEN
    const { app, fleet, prod, project, pinning } = pinnedFleet({ waivers: [{ value: 'ghcr.io/acme/web:latest', reason: 'vendor ships latest only, TICKET-7', cluster: 'prod-*' }] });
    deploy(fleet, project, prod, 'ghcr.io/acme/web:latest');
    pinning.addWaiver({ value: 'nginx', reason: 'unused' });
    // WHEN
    const { waived } = app._render();
    // THEN
    expect(waived).toEqual([expect.stringMatching(/^version pinning: cluster 'prod-eu-1' .* = 'ghcr.io\/acme\/web:latest': the tag 'latest' is mutable \(waived: vendor ships latest only, TICKET-7\)$/)]);
  });

  test('a waiver for another cluster does not apply', () => {
    const { app, fleet, prod, project } = pinnedFleet({ waivers: [{ value: 'ghcr.io/acme/web:latest', reason: 'only staging', cluster: 'staging-*' }] });
    deploy(fleet, project, prod, 'ghcr.io/acme/web:latest');
    expect(errorOf(() => app.renderFiles())).toContain("= 'ghcr.io/acme/web:latest'");
  });

  test('Applications generated by ApplicationSets are checked: chart versions and other repositories\' revisions', () => {
    // GIVEN a matrix that pins a chart to a range and a Git source of another repository to a branch
    const { app, fleet, project } = pinnedFleet();
    new ApplicationSet(fleet, 'addons', {
      generators: [new MatrixGenerator(
        new ClusterGenerator({ matchLabels: { environment: 'production' } }),
        new ListGenerator({ elements: [{ addon: 'a', version: '1.2.*' }] }),
      )],
      template: {
        applicationName: `${TemplateParam.element('addon')}-${TemplateParam.clusterName()}`,
        project,
        destinationNamespace: 'addons',
        sources: [
          ApplicationSource.helm({ repoUrl: 'https://charts.example.com', chart: 'a', version: `${TemplateParam.element('version')}` }),
          ApplicationSource.git({ repoUrl: 'https://github.com/acme/other.git', path: 'x', targetRevision: 'main' }),
          ApplicationSource.git({ path: 'clusters' }), // the fleet repository tracks its branch
        ],
      },
    });
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN
    expect(message).toContain("Application 'a-prod-eu-1': Application a-prod-eu-1 (generated by ApplicationSet/addons) spec.sources[0].targetRevision = '1.2.*': is not an exact chart version");
    expect(message).toContain("spec.sources[1].targetRevision = 'main': 'main' is a branch or moving ref, not a tag or commit");
    expect(message).not.toContain('spec.sources[2]');
  });

  test('Kustomize image overrides and declared Helm image values are checked', () => {
    const { app, fleet, prod, project } = pinnedFleet({
      helmImageValues: [{ chart: 'ingress-nginx', repositoryPath: 'controller.image.repository', tagPath: 'controller.image.tag', digestPath: 'controller.image.digest' }],
    });
    new Application(fleet, 'k', {
      project,
      destination: prod,
      destinationNamespace: 'k',
      source: ApplicationSource.kustomize({ repoUrl: 'https://github.com/acme/k.git', path: 'k', targetRevision: 'v1.0.0', images: ['nginx=nginx:latest'] }),
    });
    new Application(fleet, 'ingress', {
      project,
      destination: prod,
      destinationNamespace: 'ingress',
      source: ApplicationSource.helm({ repoUrl: 'https://charts.example.com', chart: 'ingress-nginx', version: '4.11.3', values: { controller: { image: { repository: 'registry.k8s.io/ingress-nginx/controller', tag: 'main' } } } }),
    });
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("Application k spec.source.kustomize.images[0] = 'nginx=nginx:latest': the tag 'latest' is mutable");
    expect(message).toContain("Application ingress spec.source.helm.valuesObject.controller.image.tag = 'registry.k8s.io/ingress-nginx/controller:main': the tag 'main' is mutable");
  });

  test('the policy is recorded on the root Application and `cdk8s-fleet validate` checks a tree on disk with its waivers', () => {
    // GIVEN a tree synthesized with a waived :latest image
    const { app, fleet, prod, project } = pinnedFleet({ waivers: [{ value: 'ghcr.io/acme/web:latest', reason: 'TICKET-7' }] });
    deploy(fleet, project, prod, 'ghcr.io/acme/web:latest');
    app.synth();
    const rootFile = path.join(app.outdir, 'bootstrap/Application.platform-root.yaml');
    const root: any = yaml.load(fs.readFileSync(rootFile, 'utf-8'));
    expect(JSON.parse(root.metadata.annotations['fleet.cdk8s.io/version-pinning']).waivers).toEqual([{ value: 'ghcr.io/acme/web:latest', reason: 'TICKET-7', cluster: '*', application: '*' }]);
    const run = () => {
      let err = '';
      const code = main(['validate', app.outdir], { out: () => undefined, err: t => { err += t; } });
      return { code, err };
    };
    expect(run().code).toBe(0);
    // WHEN the waiver is removed by hand
    root.metadata.annotations['fleet.cdk8s.io/version-pinning'] = root.metadata.annotations['fleet.cdk8s.io/version-pinning'].replace(/"waivers":\[.*\]/, '"waivers":[]');
    fs.writeFileSync(rootFile, yaml.dump(root));
    // THEN validate reports the edit, and (once the manifest is trusted) the unpinned image
    const result = run();
    expect(result.code).toBe(1);
    expect(result.err).toContain('bootstrap/Application.platform-root.yaml: changed since it was synthesized');
    expect(treeProofProblems(app.outdir)).toEqual([expect.stringMatching(/^fleet proof: version pinning: cluster 'prod-eu-1' .* = 'ghcr.io\/acme\/web:latest': the tag 'latest' is mutable/)]);
  });

  test('fails with bad props', () => {
    const { fleet } = testFleet();
    expect(errorOf(() => new VersionPinning(fleet, 'P', { environments: {}, environmentLabel: 'bad key!' })))
      .toContain("'environments' must name at least one environment");
    expect(() => new VersionPinning(testFleet().fleet, 'Q', { environments: { production: PinningRules.strict() }, waivers: [{ value: 'x', reason: ' ' }] }))
      .toThrow("waiver 'reason' (' ') must say why the value may stay unpinned");
    expect(() => PinningRules.strict({ tagPatterns: ['('] })).toThrow("'tagPatterns' entry '(' is not a valid regular expression");
  });

  test('one policy per fleet', () => {
    const { fleet } = testFleet();
    new VersionPinning(fleet, 'P', { environments: { production: PinningRules.strict() } });
    expect(() => new VersionPinning(fleet, 'Q', { environments: { production: PinningRules.strict() } })).toThrow('a fleet has one pinning policy');
  });
});

describe('pinning rules', () => {
  const strict = PinningRules.strict()._spec;
  const digestOnly = PinningRules.of({ images: ImagePinning.DIGEST, revisions: RevisionPinning.COMMIT })._spec;
  const patterns = PinningRules.strict({ tagPatterns: ['[0-9a-f]{7}'], revisionTagPatterns: ['release-[0-9]+'] })._spec;

  test.each([
    ['nginx:1.27.1', strict, undefined],
    ['nginx:1.27', strict, "the tag '1.27' is not a semantic version (x.y.z) and no digest pins it"],
    ['nginx:3f2a9c1', patterns, undefined],
    ['nginx:1.27.1', digestOnly, 'has no digest (this environment requires @sha256:…)'],
    ['NGINX:1.0.0', strict, 'not a valid image reference (repository name must be lowercase)'],
  ])('image %s', (image, rules, problem) => {
    expect(imageProblem(image, rules)).toBe(problem);
  });

  test.each([
    ['v1.2.3', strict, undefined],
    ['refs/tags/v1.2.3', strict, undefined],
    ['a'.repeat(40), strict, undefined],
    ['HEAD', strict, "'HEAD' is a branch or moving ref, not a tag or commit"],
    ['refs/heads/x', strict, "'refs/heads/x' is a branch or moving ref, not a tag or commit"],
    ['release-42', patterns, undefined],
    ['feature-x', strict, "is neither a full commit SHA nor a semantic version tag (list your tag format in 'revisionTagPatterns')"],
    ['v1.2.3', digestOnly, 'is not a full commit SHA (this environment requires one)'],
  ])('revision %s', (revision, rules, problem) => {
    expect(gitRevisionProblem(revision, rules)).toBe(problem);
  });

  test.each([['1.2.3', undefined], ['>=1.0.0', 'is not an exact chart version (a range or a moving tag resolves to a different chart over time)'], ['*', 'is not an exact chart version (a range or a moving tag resolves to a different chart over time)']])('chart version %s', (v, problem) => {
    expect(chartVersionProblem(v, strict)).toBe(problem);
  });
});

describe('VersionPinning rules by environment label (own keys only)', () => {
  test('GIVEN a cluster whose environment label is named like an Object.prototype member WHEN its rules are looked up THEN it gets the other clusters\' rules', () => {
    // GIVEN a policy with rules for production only, and rules for every other cluster
    const production = { images: 'semver' } as any;
    const other = { images: 'any' } as any;
    const rulesFor = declaredRules([{ environmentLabel: 'environment', environments: { production }, otherClusters: other, helmImageValues: [], waivers: [], fleet: 'platform' }]);
    const cluster = (env: string) => ({ labels: { environment: env } }) as any;
    // WHEN / THEN
    expect(rulesFor(cluster('production'), 'platform')).toEqual({ rules: production, environment: 'environment=production' });
    for (const env of ['constructor', 'toString', '__proto__', 'staging']) {
      expect([env, rulesFor(cluster(env), 'platform')]).toEqual([env, { rules: other, environment: `environment=${env}` }]);
    }
    // (another fleet's Applications are ruled by that fleet's policy, here none)
    expect(rulesFor(cluster('production'), 'zeta')).toBeUndefined();
  });
});

describe('VersionPinning in a program of several fleets: each fleet\'s policy rules its own Applications', () => {
  /** GIVEN helper: a second fleet 'zeta' (its own Argo CD) with a project allowing everything and one cluster. */
  function zetaFleet(app: ReturnType<typeof testFleet>['app'], clusterName: string, name = 'zeta') {
    const other = new Fleet(app, name, { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: `argocd-${name}` });
    const project = new AppProject(other, 'team', { sourceRepos: ['*'], destinations: [ProjectDestination.anyCluster('*')], clusterResourceAllowList: [{ group: '*', kind: '*' }] });
    return { other, project, cluster: addCluster(other, clusterName, { environment: 'production' }) };
  }

  test('GIVEN another fleet waives its own \'web\'s :latest WHEN this fleet\'s \'web\' runs :latest in production THEN this one still fails', () => {
    // GIVEN
    const { app, fleet, prod, project } = pinnedFleet();
    deploy(fleet, project, prod, 'ghcr.io/acme/web:latest', 'web');
    const zeta = zetaFleet(app, 'demo-1');
    new VersionPinning(zeta.other, 'Pinning', {
      environments: { production: PinningRules.strict() },
      waivers: [{ value: 'ghcr.io/acme/web:latest', reason: 'the demo follows latest', application: 'web-*' }],
    });
    deploy(zeta.other, zeta.project, zeta.cluster, 'ghcr.io/acme/web:latest', 'web');
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN (waivers by name across fleets waived platform's too)
    expect(message).toContain("version pinning: cluster 'prod-eu-1' (environment=production), Application 'web-prod-eu-1'");
    expect(message).not.toContain("cluster 'demo-1'");
  });

  test('GIVEN a fleet read first whose policy relaxes other clusters WHEN another fleet\'s production runs an unpinned tag THEN its own strict policy fails it', () => {
    // GIVEN 'nonprod' (its root sorts first) relaxes every cluster; platform is strict in production
    const { app, fleet, prod, project } = pinnedFleet();
    const nonprod = new Fleet(app, 'nonprod', { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: 'argocd-nonprod' });
    new VersionPinning(nonprod, 'Pinning', { environments: { dev: PinningRules.relaxed() }, otherClusters: PinningRules.relaxed() });
    deploy(fleet, project, prod, 'ghcr.io/acme/web:1.27', 'web');
    // WHEN / THEN
    expect(errorOf(() => app.renderFiles())).toContain("version pinning: cluster 'prod-eu-1' (environment=production), Application 'web-prod-eu-1'");
  });

  test('GIVEN a fleet without a pinning policy WHEN it deploys :latest THEN another fleet\'s policy does not judge it', () => {
    // GIVEN
    const { app } = pinnedFleet();
    const zeta = zetaFleet(app, 'legacy-1');
    deploy(zeta.other, zeta.project, zeta.cluster, 'ghcr.io/acme/web:latest', 'web');
    // WHEN / THEN
    expect(() => app.renderFiles()).not.toThrow();
  });
});
