/**
 * The Flux proofs (flux-proofs.ts) on hand-edited trees: what source-controller and kustomize-controller would
 * refuse at runtime although every object passes its schema.
 */
import { proveFluxTree } from '../../src/flux/flux-proofs';
import type { FleetModel } from '../../src/gitops/fleet-model';

const NS = 'flux-system';

/** GIVEN helper: a tree with the fleet's GitRepository, one remote Kustomization and the kubeconfig ExternalSecret. */
function tree(changes: { git?: any; externalSecret?: any; kubeConfig?: any } = {}): FleetModel {
  const entries = [
    {
      path: 'bootstrap/GitRepository.platform.yaml',
      object: {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: 'platform', namespace: NS, labels: { 'fleet.cdk8s.io/flux-role': 'root' } },
        spec: { interval: '1m', url: 'https://github.com/acme/gitops.git', ref: { branch: 'main' }, ...changes.git },
      },
    },
    {
      path: 'flux/platform/hub/kustomizations/Kustomization.web.yaml',
      object: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'web', namespace: NS },
        spec: { interval: '10m', path: './clusters/prod/web', prune: true, sourceRef: { kind: 'GitRepository', name: 'platform' }, kubeConfig: changes.kubeConfig ?? { secretRef: { name: 'prod-kubeconfig', key: 'value' } } },
      },
    },
    { path: 'clusters/prod/web/ConfigMap.web.yaml', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } } },
    {
      path: 'flux/platform/hub/clusters/ExternalSecret.prod-kubeconfig.yaml',
      object: {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'prod-kubeconfig', namespace: NS },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
          data: [{ secretKey: 'bearerToken', remoteRef: { key: 'clusters/prod', property: 'token' } }],
          target: { name: 'prod-kubeconfig', template: { engineVersion: 'v2', data: { value: 'apiVersion: v1\nkind: Config\n' } } },
          ...changes.externalSecret,
        },
      },
    },
  ];
  return { entries } as unknown as FleetModel;
}

describe('proveFluxTree', () => {
  test('the library-shaped tree has no finding', () => {
    expect(proveFluxTree(tree())).toEqual([]);
  });

  test('an SSH GitRepository without secretRef is a finding (source-controller cannot clone it)', () => {
    // GIVEN fluxcd/pkg git/v0.52.0 git/options.go `AuthOptions.Validate`: "invalid 'ssh' auth option: 'identity' is required"
    const findings = proveFluxTree(tree({ git: { url: 'ssh://git@github.com/acme/gitops.git' } }));
    // THEN
    expect(findings).toEqual([
      "bootstrap/GitRepository.platform.yaml: GitRepository 'platform' clones 'ssh://git@github.com/acme/gitops.git' over SSH without 'secretRef'; "
      + "source-controller refuses it (\"invalid 'ssh' auth option: 'identity' is required\"): reference a Secret with 'identity' and 'known_hosts' [flux]",
    ]);
    expect(proveFluxTree(tree({ git: { url: 'ssh://git@github.com/acme/gitops.git', secretRef: { name: 'fleet-git' } } }))).toEqual([]);
  });

  test.each([
    ['the ExternalSecret templates another key', { target: { name: 'prod-kubeconfig', template: { data: { config: 'x' } } } }, undefined, "'value'", 'value'],
    ['no key named: Flux reads value or value.yaml', { target: { name: 'prod-kubeconfig', template: { data: { config: 'x' } } } }, { secretRef: { name: 'prod-kubeconfig' } }, "'value' or 'value.yaml'", 'value'],
    ['without a template, the Secret holds the data secretKeys', { target: { name: 'prod-kubeconfig' } }, undefined, "'value'", 'value'],
  ])('a kubeconfig Secret without the key Flux reads is a finding: %s', (_what, externalSecret, kubeConfig, key, named) => {
    // GIVEN fluxcd/pkg runtime/v0.110.1 runtime/client/impersonator.go: "KubeConfig secret '%s' does not contain a '%s' key with a kubeconfig"
    const findings = proveFluxTree(tree({ externalSecret, kubeConfig }));
    // THEN
    expect(findings).toEqual([
      `flux/platform/hub/kustomizations/Kustomization.web.yaml: Kustomization 'web' reads key ${key} of the kubeconfig Secret 'prod-kubeconfig', which its ExternalSecret does not produce `
      + `("KubeConfig secret 'flux-system/prod-kubeconfig' does not contain a '${named}' key with a kubeconfig") [flux]`,
    ]);
  });

  test('a key the ExternalSecret produces, or keys it cannot know (dataFrom), are no finding', () => {
    expect(proveFluxTree(tree({ kubeConfig: { secretRef: { name: 'prod-kubeconfig' } }, externalSecret: { target: { name: 'prod-kubeconfig', template: { data: { 'value.yaml': 'x' } } } } }))).toEqual([]);
    expect(proveFluxTree(tree({ externalSecret: { target: { name: 'prod-kubeconfig' }, dataFrom: [{ extract: { key: 'clusters/prod' } }] } }))).toEqual([]);
  });
});
