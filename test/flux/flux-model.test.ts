/**
 * The fleet model's reading of a Flux tree (flux-model.ts): what a hand-edited HelmRelease deploys as, the way
 * helm-controller v1.6.3 decides it.
 */
import { fluxModelParts } from '../../src/flux/flux-model';

/** GIVEN helper: a placement Kustomization applying one HelmRelease, with the fleet's GitRepository and a HelmRepository. */
function tree(release: any) {
  const meta = (name: string, extra: any = {}) => ({ name, namespace: 'flux-system', ...extra });
  return [
    { path: 'bootstrap/GitRepository.platform.yaml', object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: meta('platform'), spec: { interval: '1m', url: 'https://github.com/acme/gitops.git', ref: { branch: 'main' } } } },
    { path: 'flux/platform/hub/sources/HelmRepository.charts.yaml', object: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: meta('charts'), spec: { interval: '1m', url: 'https://charts.example.com' } } },
    {
      path: 'flux/platform/hub/kustomizations/Kustomization.web.yaml',
      object: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: meta('web', { labels: { 'fleet.cdk8s.io/cluster': 'prod', 'fleet.cdk8s.io/flux-role': 'placement' } }),
        spec: { interval: '10m', path: './flux/platform/releases/web', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' } },
      },
    },
    {
      path: 'flux/platform/releases/web/HelmRelease.web.yaml',
      object: {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: meta(release.name ?? 'web'),
        spec: { interval: '10m', chart: { spec: { chart: 'web', version: '1.0.0', sourceRef: { kind: 'HelmRepository', name: 'charts' } } }, ...release.spec },
      },
    },
  ];
}

function releaseNameOf(release: any): string | undefined {
  const parts = fluxModelParts(tree(release));
  expect(parts.problems).toEqual([]);
  return parts.applications[0].object.spec.source.helm.releaseName;
}

describe('fluxModelParts', () => {
  // helm-controller v1.6.3 api/v2/helmrelease_types.go `GetReleaseName` and internal/release/name.go `ShortenName`
  // (cases ported from internal/release/name_test.go `TestShortenName`).
  test.each([
    ['spec.releaseName wins', { spec: { releaseName: 'frontend', targetNamespace: 'web' } }, 'frontend'],
    ['without it, <targetNamespace>-<name>', { spec: { targetNamespace: 'web' } }, 'web-web'],
    ['without either, the HelmRelease name', { spec: {} }, 'web'],
    ['longer than 53 characters: cut to 40 and 12 hex digits of its sha256',
      { name: 'release-name-with-very-long-name-which-is-longer-than-53-characters', spec: {} }, 'release-name-with-very-long-name-which-i-788ca0d0d7b0'],
    ['the derived name is cut the same way',
      { name: 'name-with-very-long-name-which-is-longer-than-53-characters', spec: { targetNamespace: 'another-release' } }, 'another-release-name-with-very-long-name-7e72150d5a36'],
  ])('the release a HelmRelease installs: %s', (_what, release, expected) => {
    // WHEN the tree is read  THEN the view's release name is helm-controller's
    expect(releaseNameOf(release)).toBe(expected);
  });
});
