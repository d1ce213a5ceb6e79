import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { ClusterMatch, IObjectPatch, VersionsFile, Workload, WorkloadOutput, WorkloadOverride } from '../../src';
import { ALLOWED_PIN_ANNOTATION } from '../../src/promotion/image-guard';
import { imageReference, imageVersionErrors, normalizedRepository, versionOfImage } from '../../src/promotion/image-reference';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

const VERSIONS = 'environments: [dev, staging, production]\nversions:\n  api:\n    dev: 2.0.0-rc.1\n    staging: 1.9.0\n    production: 1.8.2\n';

/** GIVEN helper: dev, staging and two production clusters in two regions, and an api Workload. */
interface FleetOptions {
  readonly versions?: string;
  readonly output?: WorkloadOutput;
  readonly allow?: (v: VersionsFile) => void;
  readonly patches?: IObjectPatch[];
}

function fleetWith(overrides: WorkloadOverride[], options: FleetOptions = {}) {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  addCluster(fleet, 'dev-1', { environment: 'dev', region: 'eu' });
  addCluster(fleet, 'staging-1', { environment: 'staging', region: 'eu' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production', region: 'eu' });
  addCluster(fleet, 'prod-us-1', { environment: 'production', region: 'us' });
  const versions = new VersionsFile(fleet, 'Versions', { content: options.versions ?? VERSIONS });
  options.allow?.(versions);
  new Workload(fleet, 'api', {
    namespace: 'api',
    matchLabels: {},
    matchExpressions: [{ key: 'environment', operator: 'Exists' as any }],
    image: 'ghcr.io/acme/api',
    versions,
    output: options.output,
    definition: { define: scope => new kplus.Deployment(scope, 'api', { metadata: { name: 'api' }, containers: [{ name: 'api', image: 'ghcr.io/acme/api:0', securityContext: { user: 1000 } }] }) },
    defaults: options.patches ? { patches: options.patches } : undefined,
    overrides,
  });
  return app;
}

const imageOn = (objects: Record<string, any>, cluster: string) => objects[`clusters/${cluster}/api/Deployment.api.yaml`].spec.template.spec.containers[0].image;

describe('the promotion guard on every image tag a Workload renders', () => {
  test('refused: a per-cluster imageTag runs in production a release candidate staging never ran', () => {
    // GIVEN
    const app = fleetWith([{ match: ClusterMatch.cluster('prod-eu-1'), settings: { imageTag: '2.0.0-rc.1' } }]);
    // WHEN
    const message = errorOf(() => app.renderFiles());
    // THEN the error names the cluster, the Workload, the setting, the tag, and how to allow it
    expect(message).toContain("[platform/api] promotion guard: cluster 'prod-eu-1' (production) would run ghcr.io/acme/api '2.0.0-rc.1', "
      + "set by 'overrides[0].settings.imageTag' (cluster=prod-eu-1), but staging (upstream) runs 1.9.0 (the versions file pins 1.8.2 for production). "
      + "Pin it in the versions file and promote it through staging, or declare versions.allowPin({ application: 'api', environment: 'production', cluster: 'prod-eu-1', version: '2.0.0-rc.1', reason })");
    expect(message).not.toContain('prod-us-1');
  });

  test('refused: a per-region imageTag, reported for each cluster of the region', () => {
    const app = fleetWith([{ match: ClusterMatch.region('us'), settings: { imageTag: '1.10.0' } }]);
    const message = errorOf(() => app.renderFiles());
    expect(message).toContain("cluster 'prod-us-1' (production) would run ghcr.io/acme/api '1.10.0', set by 'overrides[0].settings.imageTag' (region=us)");
    expect(message).not.toContain("cluster 'prod-eu-1'");
  });

  test('refused: in the Kustomize output too', () => {
    const app = fleetWith([{ match: ClusterMatch.cluster('prod-us-1'), settings: { imageTag: '1.10.0' } }], { output: WorkloadOutput.KUSTOMIZE });
    expect(errorOf(() => app.renderFiles())).toContain("cluster 'prod-us-1' (production) would run ghcr.io/acme/api '1.10.0'");
  });

  test('refused: a patch that sets another tag is blamed as such', () => {
    const patch: IObjectPatch = {
      patch: (o, context) => {
        if (o.kind === 'Deployment' && context.environment === 'production') o.spec.template.spec.containers[0].image = 'ghcr.io/acme/api:3.0.0';
      },
    };
    const message = errorOf(() => fleetWith([], { patches: [patch] }).renderFiles());
    expect(message).toContain("cluster 'prod-eu-1' (production) would run ghcr.io/acme/api '3.0.0', set by the definition or a patch (no imageTag setting sets it)");
    expect(message).toContain("cluster 'prod-us-1' (production)");
  });

  test.each([
    ['the registry host in capitals', 'GHCR.IO/acme/api:3.0.0', "ghcr.io/acme/api '3.0.0'"],
    ['a sidecar of the same repository', 'ghcr.io/acme/api:3.0.0', "ghcr.io/acme/api '3.0.0'"],
  ])('refused: the same repository however a container spells it (%s)', (_name, image, expected) => {
    // GIVEN a patch that adds a second container of the Workload's repository in production
    const patch: IObjectPatch = {
      patch: (o, context) => {
        if (o.kind === 'Deployment' && context.environment === 'production') o.spec.template.spec.containers.push({ name: 'side', image });
      },
    };
    // THEN
    expect(errorOf(() => fleetWith([], { patches: [patch] }).renderFiles())).toContain(`cluster 'prod-eu-1' (production) would run ${expected}`);
  });

  test.each([
    ['what staging runs', '1.9.0'],
    ['an older version (a cluster lagging behind)', '1.8.1'],
  ])('allowed without an exception: a per-cluster tag that is %s', (_name, tag) => {
    const objects = renderObjects(fleetWith([{ match: ClusterMatch.cluster('prod-eu-1'), settings: { imageTag: tag } }]));
    expect(imageOn(objects, 'prod-eu-1')).toBe(`ghcr.io/acme/api:${tag}`);
    expect(imageOn(objects, 'prod-us-1')).toBe('ghcr.io/acme/api:1.8.2');
    expect(objects['clusters/prod-eu-1/api/Deployment.api.yaml'].metadata.annotations?.[ALLOWED_PIN_ANNOTATION]).toBeUndefined();
  });

  test('allowed without an exception: any tag in the first environment (nothing is upstream of it)', () => {
    const objects = renderObjects(fleetWith([{ match: ClusterMatch.environment('dev'), settings: { imageTag: 'sha-3f2a9c1' } }]));
    expect(imageOn(objects, 'dev-1')).toBe('ghcr.io/acme/api:sha-3f2a9c1');
  });

  test('allowed by a reviewed exception for the cluster, recorded on the object for the PR diff', () => {
    // GIVEN
    const app = fleetWith([{ match: ClusterMatch.cluster('prod-eu-1'), settings: { imageTag: '2.0.0-rc.1' } }], {
      allow: v => v.allowPin({ application: 'api', environment: 'production', cluster: 'prod-eu-1', version: '2.0.0-rc.1', reason: 'canary for INC-4711' }),
    });
    // WHEN
    const objects = renderObjects(app);
    // THEN
    const deployment = objects['clusters/prod-eu-1/api/Deployment.api.yaml'];
    expect(deployment.spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:2.0.0-rc.1');
    expect(deployment.metadata.annotations[ALLOWED_PIN_ANNOTATION]).toBe('2.0.0-rc.1 in production on prod-eu-1: canary for INC-4711');
    expect(objects['clusters/prod-us-1/api/Deployment.api.yaml'].metadata.annotations?.[ALLOWED_PIN_ANNOTATION]).toBeUndefined();
    expect(app.renderFiles()['clusters/prod-eu-1/api/Deployment.api.yaml']).toContain("fleet.cdk8s.io/allowed-pin: '2.0.0-rc.1 in production on prod-eu-1: canary for INC-4711'");
  });

  test('an exception for one cluster does not cover another, nor the versions file', () => {
    // GIVEN the region us runs the candidate, but only prod-eu-1 is allowed to
    const region = fleetWith([{ match: ClusterMatch.environment('production'), settings: { imageTag: '2.0.0-rc.1' } }], {
      allow: v => v.allowPin({ application: 'api', environment: 'production', cluster: 'prod-eu-1', version: '2.0.0-rc.1', reason: 'canary' }),
    });
    const message = errorOf(() => region.renderFiles());
    expect(message).toContain("cluster 'prod-us-1' (production) would run ghcr.io/acme/api '2.0.0-rc.1'");
    expect(message).not.toContain("cluster 'prod-eu-1' (production) would run");
    // GIVEN the versions file pins the candidate for production, with an exception for one cluster only
    const file = fleetWith([], {
      versions: VERSIONS.replace('production: 1.8.2', 'production: 2.0.0-rc.1'),
      allow: v => v.allowPin({ application: 'api', environment: 'production', cluster: 'prod-eu-1', version: '2.0.0-rc.1', reason: 'canary' }),
    });
    expect(errorOf(() => file.renderFiles())).toContain("promotion guard: 'api' pins 2.0.0-rc.1 in production, but staging (upstream) runs 1.9.0");
  });

  test('an exception for the environment covers every cluster of it, and the versions file\'s own pin is recorded', () => {
    const app = fleetWith([], {
      versions: VERSIONS.replace('production: 1.8.2', 'production: 2.0.0-rc.1'),
      allow: v => v.allowPin({ application: 'api', environment: 'production', version: '2.0.0-rc.1', reason: 'hotfix INC-1' }),
    });
    const objects = renderObjects(app);
    for (const c of ['prod-eu-1', 'prod-us-1']) {
      expect(imageOn(objects, c)).toBe('ghcr.io/acme/api:2.0.0-rc.1');
      expect(objects[`clusters/${c}/api/Deployment.api.yaml`].metadata.annotations[ALLOWED_PIN_ANNOTATION]).toBe('2.0.0-rc.1 in production: hotfix INC-1');
    }
    expect(objects['clusters/staging-1/api/Deployment.api.yaml'].metadata.annotations?.[ALLOWED_PIN_ANNOTATION]).toBeUndefined();
  });

  test('an exception naming a cluster that is not registered is an error', () => {
    const app = fleetWith([], { allow: v => v.allowPin({ application: 'api', environment: 'production', cluster: 'prod-xx-9', version: '1', reason: 'r' }) });
    expect(errorOf(() => app.renderFiles())).toContain("allowPin for 'api' 1 names cluster 'prod-xx-9', which is not registered in fleet 'platform'");
  });
});

describe('versions that reach an image reference', () => {
  test('a versions file value that is not a tag or digest is refused with file, application, environment and value', () => {
    // GIVEN
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-'));
    const file = path.join(dir, 'versions.yaml');
    fs.writeFileSync(file, VERSIONS.replace('production: 1.8.2', 'production: v1/../x@sha256:zz'));
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod-1', { environment: 'production' });
    const versions = new VersionsFile(fleet, 'Versions', { path: file });
    versions.allowPin({ application: 'api', environment: 'production', version: 'v1/../x@sha256:zz', reason: 'the guard is not the point here' });
    new Workload(fleet, 'api', {
      namespace: 'api',
      matchLabels: { environment: 'production' },
      image: 'ghcr.io/acme/api',
      versions,
      definition: { define: scope => new kplus.Deployment(scope, 'api', { containers: [{ image: 'ghcr.io/acme/api:0', securityContext: { user: 1000 } }] }) },
    });
    // WHEN / THEN
    expect(errorOf(() => app.renderFiles())).toContain(`[platform/api] ${file}: 'versions.api.production' ('v1/../x@sha256:zz') `
      + 'is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or digest (algorithm:hex, e.g. sha256:<64 hex digits>); '
      + "has '@sha256:zz', which is not a digest (algorithm:hex); the Workload puts it into the image reference of 'ghcr.io/acme/api'");
  });

  test('a digest becomes repo@digest, a tag with a digest repo:tag@digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const objects = renderObjects(fleetWith([{ match: ClusterMatch.cluster('prod-us-1'), settings: { imageTag: `1.8.2@${digest}` } }], {
      versions: VERSIONS.replace('production: 1.8.2', `production: "${digest}"`).replace('staging: 1.9.0', `staging: "${digest}"`).replace('dev: 2.0.0-rc.1', `dev: "${digest}"`),
      allow: v => v.allowPin({ application: 'api', environment: 'production', cluster: 'prod-us-1', version: `1.8.2@${digest}`, reason: 'pinned by digest and tag' }),
    }));
    expect(imageOn(objects, 'prod-eu-1')).toBe(`ghcr.io/acme/api@${digest}`);
    expect(imageOn(objects, 'prod-us-1')).toBe(`ghcr.io/acme/api:1.8.2@${digest}`);
  });

  test.each([
    ['1.2.3', []],
    ['v1.2.3-rc.1_build', []],
    [`sha256:${'0'.repeat(64)}`, []],
    [`v1@sha256:${'f'.repeat(64)}`, []],
    [`sha512:${'0'.repeat(128)}`, []],
    // an algorithm the guard has no length for is not checked, whatever its name (Object.prototype's members too)
    [`md5:${'0'.repeat(32)}`, []],
    [`constructor:${'0'.repeat(32)}`, []],
    [`toString:${'0'.repeat(32)}`, []],
    ['', ['must be an image tag or digest, not empty']],
    ['-rc', ['is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or digest (algorithm:hex, e.g. sha256:<64 hex digits>)']],
    ['a'.repeat(129), ['is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or digest (algorithm:hex, e.g. sha256:<64 hex digits>)']],
    ['1.0+build', ['is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or digest (algorithm:hex, e.g. sha256:<64 hex digits>)']],
    [`sha256:${'A'.repeat(64)}`, ['is not a sha256 digest (64 lowercase hex digits)']],
    [`sha256:${'0'.repeat(63)}`, ['is not a sha256 digest (64 lowercase hex digits)']],
  ])('image version %j', (version, errors) => {
    expect(imageVersionErrors(version)).toEqual(errors);
  });

  test('property: every accepted version round-trips through an image reference and cannot leave the repository', () => {
    fc.assert(fc.property(fc.string({ maxLength: 140 }), fc.constantFrom('ghcr.io/acme/api', 'registry:5000/a/b', 'nginx'), (version, repo) => {
      if (imageVersionErrors(version).length) return;
      expect(version).not.toMatch(/[/\s]/);
      const ref = imageReference(repo, version);
      expect(versionOfImage(ref)).toBe(version);
      expect(ref.startsWith(repo)).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('normalizedRepository (distribution/reference v0.6.0 normalize.go splitDockerDomain)', () => {
  // Rows of normalize_test.go TestParseNormalizedNamed / TestNormalizedSplitHostname, plus tags, digests and case.
  test.each([
    ['foo', 'docker.io/library/foo'],
    ['foo:1.0', 'docker.io/library/foo'],
    ['docker.io/foo', 'docker.io/library/foo'],
    ['docker.io/library/foo', 'docker.io/library/foo'],
    ['docker.io/library/foo/bar', 'docker.io/library/foo/bar'],
    ['index.docker.io/foo', 'docker.io/library/foo'],
    ['docker/migrator', 'docker.io/docker/migrator'],
    ['test_com/foo', 'docker.io/test_com/foo'],
    ['test.com/foo', 'test.com/foo'],
    ['test.com:8080/foo', 'test.com:8080/foo'],
    ['test-com:8080/foo', 'test-com:8080/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com/foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080/foo'],
    ['localhost/foo', 'localhost/foo'],
    ['localhost:5000/foo:1@sha256:' + 'a'.repeat(64), 'localhost:5000/foo'],
    ['Foo/bar', 'foo/bar'], // a component with capitals is a registry host
    ['GHCR.IO/acme/api:2', 'ghcr.io/acme/api'],
    ['acme/api@sha256:' + 'b'.repeat(64), 'docker.io/acme/api'],
  ])('%s → %s', (image, expected) => {
    expect(normalizedRepository(image)).toBe(expected);
  });
});

describe('YAML errors in the versions file name the file, the line and the construct', () => {
  test.each([
    ['a duplicated key', 'environments: [dev]\nversions:\n  api:\n    dev: "1"\n    dev: "2"\n', /\[platform\/Versions\] .*versions.yaml:5:5: duplicated mapping key/],
    ['an alias bomb', `environments: [dev]\nbomb: ${aliasBomb()}\n`, /\[platform\/Versions\] .*versions.yaml.*: document contains excessive aliasing/],
    ['binary content', '\u0000\u0001', /\[platform\/Versions\] 'path' \('.*versions.yaml'\) cannot be read: versions file .*versions.yaml: binary content/],
  ])('%s', (_name, content, expected) => {
    // GIVEN
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'versions-')), 'versions.yaml');
    fs.writeFileSync(file, content);
    const { fleet } = testFleet();
    // WHEN / THEN
    expect(errorOf(() => new VersionsFile(fleet, 'Versions', { path: file }))).toMatch(expected);
  });
});

/** A "billion laughs" document: 9 levels of 9 aliases each. */
function aliasBomb(): string {
  const lines = ['&a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  return `\n  l0: ${lines[0]}\n${Array.from({ length: 8 }, (_, i) => `  l${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`).join('\n')}`;
}
