/**
 * Modules loaded on first use rather than by `require('cdk8s-fleet')` (issue #17).
 *
 * Requiring the package used to load every module it has: the generated L1 classes (megabytes of code), the YAML
 * parsers, the schema validators, the ApplicationSet expansion engine, the render and write pipeline and the
 * Rollouts analysis rules, although a program that defines a fleet needs them only once it constructs the object
 * that uses them or calls `synth()`. Each module below is loaded by the first call of its loader; the public
 * modules import the loader instead of the module, and `import type` for the module's types, which costs nothing
 * at run time:
 *
 * ```ts
 * import type { FleetPlan } from '../gitops/fleet-plan';
 * import { fleetPlanModule } from '../private/lazy';
 * // … where it is needed:
 * const plan = fleetPlanModule().computePlan(model);
 * ```
 *
 * Keep loaders here, in one place, so that what is deferred stays visible. `DEFERRED_AT_REQUIRE` lists what
 * requiring the compiled package must not load; test/private/lazy.test.ts and `npm run bench` check it.
 */
export function lazy<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => loaded ??= load();
}

/* eslint-disable @typescript-eslint/no-require-imports -- deferring these `require`s is the point of this module */

// cdk8s-plus (its index alone takes as long to load as the rest of the package): loaded by the first construct
// that needs one of its classes (a Cluster's Secret, a Rollout's pod, an ExternalSecret's `secret`).
export const cdk8sPlus = lazy(() => require('cdk8s-plus-28') as typeof import('cdk8s-plus-28'));

// Generated L1 classes: loaded by the first construct that creates one.
export const argocdL1 = lazy(() => require('../imports/argocd-argoproj.io') as typeof import('../imports/argocd-argoproj.io'));
export const externalSecretsL1 = lazy(() => require('../imports/externalsecrets-external-secrets.io') as typeof import('../imports/externalsecrets-external-secrets.io'));
export const sealedSecretsL1 = lazy(() => require('../imports/sealedsecrets-bitnami.com') as typeof import('../imports/sealedsecrets-bitnami.com'));

// Third-party parsers.
export const yamlModule = lazy(() => require('yaml') as typeof import('yaml'));
export const jsYamlModule = lazy(() => require('js-yaml') as typeof import('js-yaml'));

// Synthesis: the render, proof, plan and write pipeline, used by `FleetApp.synth()` and the CLI.
export const renderModule = lazy(() => require('../gitops/render') as typeof import('../gitops/render'));
export const fleetModelModule = lazy(() => require('../gitops/fleet-model') as typeof import('../gitops/fleet-model'));
export const fleetPlanModule = lazy(() => require('../gitops/fleet-plan') as typeof import('../gitops/fleet-plan'));
export const fleetProofsModule = lazy(() => require('../gitops/fleet-proofs') as typeof import('../gitops/fleet-proofs'));
export const shardPlanModule = lazy(() => require('../gitops/shard-plan') as typeof import('../gitops/shard-plan'));
export const treeCheckModule = lazy(() => require('../gitops/tree-check') as typeof import('../gitops/tree-check'));
export const treeWriterModule = lazy(() => require('../gitops/tree-writer') as typeof import('../gitops/tree-writer'));
export const verdictCacheModule = lazy(() => require('../gitops/verdict-cache') as typeof import('../gitops/verdict-cache'));
export const apiObjectJsonModule = lazy(() => require('../gitops/api-object-json') as typeof import('../gitops/api-object-json'));
export const l1JsonModule = lazy(() => require('../gitops/l1-json') as typeof import('../gitops/l1-json'));
export const fluxRenderModule = lazy(() => require('../flux/flux-render') as typeof import('../flux/flux-render'));
export const processObjectModule = lazy(() => require('../gitops/process-object') as typeof import('../gitops/process-object'));
export const schemaValidatorModule = lazy(() => require('../gitops/schema-validator') as typeof import('../gitops/schema-validator'));
export const gitopsYamlModule = lazy(() => require('../gitops/yaml') as typeof import('../gitops/yaml'));
export const controllerShardsModule = lazy(() => require('./controller-shards') as typeof import('./controller-shards'));
export const scannerModule = lazy(() => require('../secrets/scanner') as typeof import('../secrets/scanner'));
export const sealedTemplateModule = lazy(() => require('../secrets/sealed-template') as typeof import('../secrets/sealed-template'));

// The ApplicationSet expansion engine (label selectors, Go templates, sprig).
export const expansionSelectorModule = lazy(() => require('../expansion/selector') as typeof import('../expansion/selector'));

// Argo Rollouts: manifests, analysis rules and the expr evaluator.
export const rolloutRenderModule = lazy(() => require('../rollouts/private/rollout-render') as typeof import('../rollouts/private/rollout-render'));
export const analysisRenderModule = lazy(() => require('../rollouts/private/analysis-render') as typeof import('../rollouts/private/analysis-render'));
export const analysisOptionsModule = lazy(() => require('../rollouts/private/analysis-options') as typeof import('../rollouts/private/analysis-options'));
export const k8sValidationModule = lazy(() => require('../rollouts/private/rules/k8s-validation') as typeof import('../rollouts/private/rules/k8s-validation'));

// Disaster recovery: the DR state file (YAML, edited in place).
export const drStateModule = lazy(() => require('../dr/private/dr-state') as typeof import('../dr/private/dr-state'));

/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * What `require('cdk8s-fleet')` must not load: paths under lib/ (prefixes) and the bundled dependencies.
 * (cdk8s loads its own copy of `yaml`; that one is cdk8s' cost.)
 */
export const DEFERRED_AT_REQUIRE = {
  lib: [
    'imports/', 'gitops/', 'expansion/', 'cli/', 'rollouts/private/', 'flux/flux-render', 'secrets/scanner', 'secrets/sealed-template', 'dr/private/dr-state',
    'private/controller-shards', 'private/shard-balancing', 'argocd/migration-job',
  ],
  dependencies: ['cdk8s-plus-28', 'yaml', 'js-yaml', 'ajv', 're2js', 'commander'],
};
