/**
 * Argo CD's orderings as Flux `dependsOn` (kustomize-controller v1.9.4 `checkDependencies`: a Kustomization
 * applies only when each dependency is Ready, observed at its generation, and — sharing its source — has applied
 * the same revision):
 *
 * - **Sync waves** of the objects the root App-of-Apps syncs (an Application's, or its ApplicationSet's,
 *   `argocd.argoproj.io/sync-wave`): on each cluster, a placement depends on every placement of the nearest
 *   lower wave, so add-ons are ready before what needs them (what Argo CD does with the Application health check);
 *   on a manual-sync (suspended) one through a `readyExpr` on its Ready condition, since it applies no new revision.
 * - **RollingSync** steps of an ApplicationSet (argo-cd v3.5.1 applicationset/progressivesync `buildAppDependencyList`:
 *   an Application belongs to the first step whose expressions all match its labels): the placements of a step
 *   depend on those of the nearest earlier step that has any, so a revision reaches step n only once step n-1
 *   applied it and is healthy. Applications no step selects are never synced by Argo CD: they are suspended.
 *   `maxUpdate` below 100% has no Flux equivalent; `0` (never sync the step) suspends it.
 * - **CreateNamespace**: a placement depends on its cluster's namespaces Kustomization.
 */
import { FluxPlacement } from './flux-placement';
import { stepMatches } from '../gitops/fleet-proofs';
import { show } from '../private/errors';

/** An ApplicationSet's RollingSync steps, with where to report their problems. */
export interface RollingSync {
  readonly steps: any[];
  readonly label: string;
}

/**
 * The readiness of a suspended (manual-sync) dependency: its Ready condition is True (it applied some revision and
 * is healthy). `has()` first: a Kustomization that never reconciled has no conditions, and is not ready.
 */
export const SUSPENDED_DEPENDENCY_READY = "has(dep.status.conditions) && dep.status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')";

/** Completes `dependsOn` and `suspend` of every placement. */
export function orderPlacements(
  placements: readonly FluxPlacement[],
  waveOf: (p: FluxPlacement) => number,
  rollingSyncOf: (origin: string) => RollingSync | undefined,
  namespacesOf: (cluster: string) => string | undefined,
): string[] {
  const errors: string[] = [];
  const deps = new Map<FluxPlacement, Set<string>>(placements.map(p => [p, new Set<string>()]));
  // Manual-sync placements (suspended by the placement), and the wave dependencies on them.
  const manual = new Set(placements.filter(p => p.kustomization.spec.suspend === true).map(p => p.name));
  const waveDeps = new Map<FluxPlacement, Set<string>>(placements.map(p => [p, new Set<string>()]));
  const stepDeps = new Map<FluxPlacement, Set<string>>(placements.map(p => [p, new Set<string>()]));

  // Waves, per cluster.
  const byCluster = new Map<string, FluxPlacement[]>();
  for (const p of placements) byCluster.set(p.cluster, [...byCluster.get(p.cluster) ?? [], p]);
  for (const list of byCluster.values()) {
    const waves = [...new Set(list.map(waveOf))].sort((a, b) => a - b);
    if (waves.length < 2) continue;
    for (const p of list) {
      const i = waves.indexOf(waveOf(p));
      if (i === 0) continue;
      for (const q of list) {
        if (waveOf(q) !== waves[i - 1]) continue;
        deps.get(p)!.add(q.name);
        waveDeps.get(p)!.add(q.name);
      }
    }
  }

  // RollingSync, per ApplicationSet.
  const byOrigin = new Map<string, FluxPlacement[]>();
  for (const p of placements) byOrigin.set(p.origin, [...byOrigin.get(p.origin) ?? [], p]);
  for (const [origin, list] of byOrigin) {
    const rolling = rollingSyncOf(origin);
    if (!rolling) continue;
    const stepOf = new Map<FluxPlacement, number>();
    for (const p of list) {
      const i = rolling.steps.findIndex(s => stepMatches(s, p.labels));
      if (i < 0) {
        suspend(p); // "Apps that match no step are never synced by the controller"
      } else {
        stepOf.set(p, i);
      }
    }
    rolling.steps.forEach((step, i) => {
      const members = list.filter(p => stepOf.get(p) === i);
      const max = step.maxUpdate;
      if (max === undefined || max === null || max === '100%' || members.length === 0) return;
      const n = maxUpdateValue(max, members.length);
      if (n === 0) {
        for (const p of members) suspend(p); // "0 = never auto-sync this step"
      } else if (n < members.length) {
        errors.push(`${rolling.label}: RollingSync step ${i + 1} 'maxUpdate' (${show(max)}) syncs only part of its ${members.length} Applications at a time; `
          + 'Flux has no equivalent (a step\'s Kustomizations all apply once the previous step is ready): remove maxUpdate, or split the step');
      }
    });
    let previous: FluxPlacement[] = [];
    rolling.steps.forEach((_, i) => {
      const members = list.filter(p => stepOf.get(p) === i);
      if (members.length === 0) return;
      for (const p of members) {
        for (const q of previous) {
          deps.get(p)!.add(q.name);
          stepDeps.get(p)!.add(q.name);
        }
      }
      previous = members;
    });
  }

  for (const p of placements) {
    const ns = p.namespace ? namespacesOf(p.cluster) : undefined;
    if (ns) deps.get(p)!.add(ns);
    const names = [...deps.get(p)!].filter(n => n !== p.name).sort();
    // A manual-sync Application of an earlier wave is waited for while it is not healthy (Argo CD's Application
    // health), not for every new revision: a suspended Kustomization never applies one, so kustomize-controller
    // v1.9.4 `checkDependencies` ("dependency '%s' revision is not up to date") would hold the later waves at every
    // commit. `readyExpr` replaces that check (without the AdditiveCELDependencyCheck gate) by its Ready condition.
    // A RollingSync step keeps the built-in check: Argo CD holds the next step until the step synced the revision.
    const relaxed = (n: string) => manual.has(n) && waveDeps.get(p)!.has(n) && !stepDeps.get(p)!.has(n);
    const reference = (name: string) => (relaxed(name) ? { name, readyExpr: SUSPENDED_DEPENDENCY_READY } : { name });
    if (names.length) p.kustomization.spec.dependsOn = names.map(reference);
  }
  return errors;
}

/**
 * How many Applications of a step Argo CD syncs at once (argo-cd v3.5.1 applicationset/progressivesync/
 * progressive_sync.go): `intstr.GetScaledValueFromIntOrPercent(maxUpdate, stepSize, false)` — an integer as it is,
 * a percentage of the step rounded down, anything else 0 — then at least 1 for any string but `0%`.
 */
function maxUpdateValue(max: unknown, stepSize: number): number {
  if (typeof max === 'number') return max;
  const text = String(max);
  const percent = /^(\d+)%$/.exec(text);
  const scaled = percent ? Math.floor((Number(percent[1]) * stepSize) / 100) : 0;
  return text !== '0%' && scaled < 1 ? 1 : scaled;
}

function suspend(p: FluxPlacement): void {
  p.kustomization.spec.suspend = true;
  for (const f of p.files) if (f.object?.kind === 'HelmRelease') f.object.spec.suspend = true;
}
