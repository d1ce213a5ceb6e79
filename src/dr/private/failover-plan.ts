/**
 * What switching a DR pair's active side changes, computed from a synthesized tree (the pair's spec and the
 * objects as they are): per cluster, the replica counts or autoscaler bounds before and after, the traffic
 * switch's setting; where the alert looks; and the files the next synth rewrites. `cdk8s-fleet failover
 * --dry-run` prints it.
 */
import { DrSpec } from './dr-spec';
import { TreePair, TreeObjectReader } from './dr-tree';
import { estimateRto, rtoText } from './rto';
import type { FleetModel } from '../../gitops/fleet-model';
import type { FleetPlan, PlannedApplication } from '../../gitops/fleet-plan';
import { compareCodeUnits, ownValue } from '../../private/util';

/** One cluster's change. */
export interface ClusterSwitch {
  readonly cluster: string;
  /** `primary` or `standby`. */
  readonly role: string;
  /** `active → passive` or `passive → active`, or `unchanged`. */
  readonly transition: string;
  /** e.g. `Rollout api replicas 6 → 1`, `HorizontalPodAutoscaler api minimum 1 → 6 (maximum 6)`. */
  readonly replicas?: string;
  /** e.g. `weight 100 → weight 0`. */
  readonly traffic?: string;
}

/** What a switch of the active side changes. */
export interface SwitchImpact {
  readonly clusters: ClusterSwitch[];
  /** e.g. `PrimaryClusterDown watches dr-eu-central-1 instead of prod-eu-1 (rule on prod-us-1)`. */
  readonly alerts: string;
  /** The tree's files the next synth rewrites. */
  readonly files: string[];
  /** The RTO estimate of the pair. */
  readonly rto: string;
  /** The tree was synthesized with another active side than the file names (synthesize first). */
  readonly stale?: string;
}

/** The impact of making `to` the active side (with `keepPrimary` after a failover). */
export function switchImpact(model: FleetModel, plan: FleetPlan, pair: TreePair, to: string, keepPrimary: boolean, fileActive: string): SwitchImpact {
  const spec = pair.spec!;
  const reader = new TreeObjectReader(model);
  const fromPrimary = spec.active === spec.primary.side;
  const toPrimary = to === spec.primary.side;
  const clusters: ClusterSwitch[] = [];
  const files = new Set<string>();
  const appOf = (cluster: string, role: 'primary' | 'standby') => (role === 'primary' ? pair.primaries : pair.standbys).find(a => a.cluster === cluster);
  for (const [role, set] of [['standby', spec.standby.clusters], ['primary', spec.primary.clusters]] as const) {
    for (const c of set) {
      const wasActive = (role === 'primary') === fromPrimary;
      const isActive = (role === 'primary') === toPrimary;
      const app = appOf(c, role);
      const objects = app ? reader.objectsOf(app) : [];
      const targetKey = ownValue(spec.scaleTargets, c);
      const target = objects.find(d => `${d.object.kind}/${d.object.metadata?.name}` === targetKey);
      const hpa = target && objects.find(d => d.object.kind === 'HorizontalPodAutoscaler'
        && d.object.spec?.scaleTargetRef?.kind === target.object.kind && d.object.spec?.scaleTargetRef?.name === target.object.metadata?.name);
      let replicas: string | undefined;
      if (target && wasActive !== isActive) {
        const name = `${target.object.kind} ${target.object.metadata?.name}`;
        if (role === 'standby' && hpa) {
          const max = Number(hpa.object.spec?.maxReplicas);
          const after = Math.min(isActive ? ownValue(spec.capacity, c) ?? max : spec.standbyReplicas, max);
          replicas = `HorizontalPodAutoscaler ${hpa.object.metadata?.name} minimum ${hpa.object.spec?.minReplicas ?? 1} → ${after} (maximum ${max})`;
          files.add(hpa.file);
        } else if (role === 'primary' && !(keepPrimary && !isActive) && !(spec.keepPrimary && isActive)) {
          const full = ownValue(spec.primaryReplicas, c);
          if (hpa) {
            const before = Number(hpa.object.spec?.minReplicas ?? 1);
            const after = isActive ? '(as defined)' : String(Math.min(spec.standbyReplicas, Number(hpa.object.spec?.maxReplicas)));
            replicas = `HorizontalPodAutoscaler ${hpa.object.metadata?.name} minimum ${before} → ${after}`;
            files.add(hpa.file);
          } else {
            const before = Number(target.object.spec?.replicas ?? 1);
            const after = isActive ? full ?? before : spec.standbyReplicas;
            replicas = `${name} replicas ${before} → ${after}`;
            files.add(target.file);
          }
        } else if (role === 'primary') {
          replicas = `${name} replicas kept (${target.object.spec?.replicas ?? 'autoscaled'})`;
        }
      }
      const states = ownValue(spec.switch?.states, c);
      const traffic = states && wasActive !== isActive ? `${states[wasActive ? 0 : 1]} → ${states[isActive ? 0 : 1]}` : undefined;
      if (traffic && spec.switch) {
        const switched = objects.find(d => `${d.object.kind}/${d.object.metadata?.name}` === spec.switch!.target);
        if (switched) files.add(switched.file);
      }
      clusters.push({ cluster: c, role, transition: wasActive === isActive ? 'unchanged' : wasActive ? 'active → passive' : 'passive → active', replicas, traffic });
    }
  }
  // The Applications' annotations (and the spec on the standbys'), the primaries' ApplicationSet, the alert rule.
  for (const a of [...pair.standbys, ...pair.primaries]) {
    const path = fileOf(model, plan, a);
    if (path) files.add(path);
  }
  files.add(spec.monitoring.file);
  const before = (fromPrimary ? spec.primary : spec.standby).clusters.join(', ');
  const after = (toPrimary ? spec.primary : spec.standby).clusters.join(', ');
  const standbyTarget = (() => {
    const s = spec.standby.clusters[0];
    const app = appOf(s, 'standby');
    return app ? reader.objectsOf(app).find(d => `${d.object.kind}/${d.object.metadata?.name}` === ownValue(spec.scaleTargets, s))?.object : undefined;
  })();
  return {
    clusters,
    alerts: `PrimaryClusterDown watches ${after} instead of ${before} (rule on ${spec.monitoring.cluster})`,
    files: [...files].sort(compareCodeUnits),
    rto: rtoText(estimateRto(spec as DrSpec, standbyTarget)),
    stale: spec.active !== fileActive ? `the tree was synthesized with ${spec.active} active, but the file says ${fileActive}; synthesize before trusting this` : undefined,
  };
}

/** The file an Application comes from: its own, or its ApplicationSet's (of its fleet: names repeat across fleets). */
function fileOf(model: FleetModel, plan: FleetPlan, a: PlannedApplication): string | undefined {
  if (a.origin.startsWith('ApplicationSet/')) return plan.applicationSets.find(s => `ApplicationSet/${s.name}` === a.origin && s.fleet === a.fleet)?.path;
  return model.applications.find(e => e.object === a.object)?.path
    ?? model.applications.find(e => e.object?.metadata?.name === a.name && model.fleets.fleetOf(e) === a.fleet)?.path;
}
