import { versionPinningFindings } from './pinning-check';
import type { FleetModel } from '../gitops/fleet-model';
import type { FleetPlan } from '../gitops/fleet-plan';

/**
 * The guardrails checked with the fleet proofs, at synth and by `cdk8s-fleet validate` (the policies are read
 * from the tree): today the version pinning policy. Adds its failures to `errors` and its waived findings to
 * `waived`.
 */
export function appendGuardrailFindings(model: FleetModel, plan: FleetPlan, errors: string[], waived: string[]): void {
  const pinning = versionPinningFindings(model, plan);
  errors.push(...pinning.errors);
  waived.push(...pinning.waived);
}
