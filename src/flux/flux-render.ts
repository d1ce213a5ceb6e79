/**
 * The Flux step of a FleetApp's render: after every object rendered, validated and scanned and the fleet proofs
 * ran on the Argo CD model, the fleets whose engine is Flux are translated (`flux-translate.ts`), the new files
 * scanned once more as files, the model and plan recomputed from the Flux tree (so that `synthTree().plan` is
 * what `cdk8s-fleet plan` shows on it) and the Flux proofs checked on it.
 */
import { IConstruct } from 'constructs';
import { proveFluxTree } from './flux-proofs';
import { translateFluxFleets } from './flux-translate';
import { Fleet } from '../fleet/fleet';
import { FleetModel, modelFromEntries, RecordedAcknowledgement, TreeEntry } from '../gitops/fleet-model';
import { computePlan, FleetPlan } from '../gitops/fleet-plan';
import type { ProcessOptions } from '../gitops/process-object';
import type { RenderedFile } from '../gitops/render';
import { pushAll } from '../private/util';
import { scanTreeFiles } from '../secrets/scanner';
import { SopsSecret } from '../secrets/sops-secret';

/** A render's tree, model and plan. */
export interface RenderedTree {
  readonly files: RenderedFile[];
  readonly model: FleetModel;
  readonly plan: FleetPlan;
}

/** The tree with its Flux fleets translated, or the reasons it cannot be; unchanged when no fleet uses Flux. */
export function renderFluxFleets(tree: RenderedTree, options: {
  readonly constructs: readonly IConstruct[];
  readonly processOptions: ProcessOptions;
  readonly acknowledgements: readonly RecordedAcknowledgement[];
  readonly externalProjects: readonly string[];
}): RenderedTree & { readonly errors: string[] } {
  const fleets = options.constructs.filter(Fleet.isFleet).filter(f => f.engine.isFlux);
  if (fleets.length === 0) return { ...tree, errors: [] };
  const sops = new Map<string, string>();
  for (const c of options.constructs) {
    if (!(c instanceof SopsSecret)) continue;
    // By the cluster's name (its Application's construct id is not always that name: `constructIdFor`).
    for (const app of c.applications) sops.set(`clusters/${app.destination.clusterName}/${c.applicationName}`, c.fluxDecryption.secretName);
  }
  const t = translateFluxFleets({
    files: tree.files, model: tree.model, plan: tree.plan, fleets, sopsSecretName: dir => sops.get(dir), processOptions: options.processOptions,
  });
  if (t.errors.length) return { ...tree, errors: t.errors };
  const before = new Set(tree.files.map(f => f.content));
  const added = t.files.filter(f => !before.has(f.content));
  const scanned = added.map(f => ({ path: f.path, content: f.content, objectsScanned: f.object !== undefined }));
  const errors = scanTreeFiles(scanned, options.processOptions.secretAllowances ?? []);
  const entries: TreeEntry[] = t.files.filter(f => f.object !== undefined);
  const model = modelFromEntries(entries, [...options.acknowledgements], tree.model.clusterScopedKinds);
  const plan = computePlan(model, options.externalProjects);
  pushAll(errors, proveFluxTree(model));
  return { files: t.files, model, plan, errors };
}
