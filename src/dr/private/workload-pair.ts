/**
 * A DR pair of a Workload, as the workload's render sees it (`WorkloadStandbyHook`): which clusters the pair
 * renders and how it changes both sides' objects.
 *
 * - The primary (active): as the workload renders it, plus the traffic switch. Its capacity (the replicas it
 *   runs: fixed replicas, or its autoscaler's maximum) is recorded for the standby.
 * - The primary (passive, after a failover): scaled to the standby footprint (`standbyReplicas`: its replicas, or
 *   its autoscaler's minimum), unless `keepPrimary`.
 * - The standby: the primary's objects (same version and configuration), its own secrets, its replicas left to
 *   a HorizontalPodAutoscaler (the workload's own, or one the pair adds on CPU) whose maximum reaches the
 *   capacity of the primaries it covers and whose minimum is `standbyReplicas` while passive and that capacity
 *   while active: a failover raises the minimum, and the HPA controller scales to it on its next sync
 *   (kubernetes pkg/controller/podautoscaler/horizontal.go `reconcileAutoscaler`: below `minReplicas` the
 *   desired count is `minReplicas`, whatever the metrics and scaling policies say). Nothing is added or removed
 *   by a failover: only replica counts, autoscaler bounds and switch annotations change.
 */
import { readinessSeconds } from './rto';
import type { StandbyOf, WorkloadStandbyHook } from './workload-hook';
import type { IgnoreDifference } from '../../argocd/application';
import type { ICluster } from '../../fleet/cluster';
import { groupOf, scopesOf } from '../../private/kinds';
import { ownValue } from '../../private/util';
import { fileNameOf } from '../../workloads/apply-settings';
import type { WorkloadSettings } from '../../workloads/workload-settings';
import { DrRole, ITrafficSwitch } from '../traffic-switch';

/** What the pair decided, for one Workload. */
export interface WorkloadPairSettings {
  readonly pair: string;
  readonly primaries: readonly ICluster[];
  readonly standbys: readonly StandbyOf[];
  /** Whether the primary side serves traffic. */
  readonly primaryActive: boolean;
  readonly keepPrimary: boolean;
  readonly standbyReplicas: number;
  readonly standbyMaxReplicas?: number;
  readonly targetCpuUtilization: number;
  readonly scaleTarget?: string;
  readonly standbySettings?: WorkloadSettings;
  readonly trafficSwitch?: ITrafficSwitch;
  /** Store rewrites on the standby: `Kind/name` → the standby's store. */
  readonly storeMappings: ReadonlyMap<string, { kind: string; name: string }>;
}

/** What rendering found, per cluster. */
export interface WorkloadPairFacts {
  readonly scaleTargets: Record<string, string>;
  readonly autoscalers: Record<string, string>;
  readonly primaryReplicas: Record<string, number>;
  readonly capacity: Record<string, number>;
  /** Seconds until a standby's new pod is ready (probes, minReadySeconds). */
  readonly readiness: Record<string, number>;
  /** Files of each cluster that a failover changes. */
  readonly files: Record<string, string[]>;
  /** The kinds the standbys render, for the DR project: `group/kind` (and the name of cluster-scoped ones). */
  readonly kinds: { group: string; kind: string; name?: string; namespaced: boolean }[];
  readonly ignoreDifferences: IgnoreDifference[];
  readonly syncOptions: string[];
}

const SCALABLE = ['Rollout', 'Deployment', 'StatefulSet'];
const isHpa = (o: any) => o?.kind === 'HorizontalPodAutoscaler' && String(o.apiVersion).startsWith('autoscaling/');

/** The hook a DrApplication gives its Workload. */
export class WorkloadPairHook implements WorkloadStandbyHook {
  public readonly standbys: readonly StandbyOf[];
  public readonly facts: WorkloadPairFacts = {
    scaleTargets: {}, autoscalers: {}, primaryReplicas: {}, capacity: {}, readiness: {}, files: {}, kinds: [], ignoreDifferences: [], syncOptions: [],
  };
  private readonly roles = new Map<string, DrRole>();
  private readonly onDone: () => void;

  public constructor(private readonly s: WorkloadPairSettings, onDone: () => void) {
    this.standbys = s.standbys;
    for (const c of s.primaries) this.roles.set(c.clusterName, DrRole.PRIMARY);
    for (const x of s.standbys) this.roles.set(x.cluster.clusterName, DrRole.STANDBY);
    this.onDone = onDone;
  }

  public standbySettings(cluster: ICluster): WorkloadSettings | undefined {
    return this.roles.get(cluster.clusterName) === DrRole.STANDBY ? this.s.standbySettings : undefined;
  }

  public variantKey(cluster: ICluster): string {
    const role = this.roles.get(cluster.clusterName);
    // Per cluster: a switch's set identifier and a standby's capacity are the cluster's own.
    return role ? `dr:${this.s.pair}:${role}:${cluster.clusterName}:${this.active(role)}` : '';
  }

  public finishVariant(objects: any[], clusters: readonly ICluster[], namespace: string): string[] {
    const c = clusters[0];
    const role = c && this.roles.get(c.clusterName);
    if (!role) return [];
    const where = `DR pair '${this.s.pair}', ${role} '${c.clusterName}'`;
    const problems: string[] = [];
    const target = scaleTargetOf(objects, this.s.scaleTarget);
    if (typeof target === 'string') return [`${where}: ${target}`];
    const key = `${target.kind}/${target.metadata?.name}`;
    this.facts.scaleTargets[c.clusterName] = key;
    const hpa = objects.find(o => isHpa(o) && o.spec?.scaleTargetRef?.kind === target.kind && o.spec.scaleTargetRef.name === target.metadata?.name);
    const changed = [target];
    if (role === DrRole.PRIMARY) {
      this.facts.primaryReplicas[c.clusterName] = hpa ? Number(hpa.spec.maxReplicas) : Number(target.spec?.replicas ?? 1);
      if (!this.s.primaryActive && !this.s.keepPrimary) {
        if (hpa) hpa.spec.minReplicas = Math.min(this.s.standbyReplicas, hpa.spec.maxReplicas);
        else target.spec = { ...target.spec, replicas: this.s.standbyReplicas };
      }
      if (hpa) changed.push(hpa);
    } else {
      const capacity = this.capacityOf(c.clusterName);
      this.facts.capacity[c.clusterName] = capacity;
      this.facts.readiness[c.clusterName] = readinessSeconds(target);
      const max = this.s.standbyMaxReplicas ?? capacity;
      // An HPA's minimum may not exceed its maximum (the API server refuses it): a maximum below the capacity is
      // the capacity proof's finding, and the minimum stops there.
      const min = Math.min(this.s.primaryActive ? this.s.standbyReplicas : capacity, max);
      let autoscaler = hpa;
      if (!autoscaler) {
        problems.push(...cpuRequestProblems(target, objects).map(p => `${where}: ${p}`));
        autoscaler = {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: target.metadata?.name, namespace: target.metadata?.namespace ?? namespace },
          spec: {
            scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.metadata?.name },
            minReplicas: min,
            maxReplicas: max,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: this.s.targetCpuUtilization } } }],
          },
        };
        if (objects.some(o => isHpa(o) && o.metadata?.name === autoscaler.metadata.name)) {
          return [`${where}: the workload renders a HorizontalPodAutoscaler '${autoscaler.metadata.name}' that does not scale ${key}; name the scaled object with 'scaleTarget'`];
        }
        objects.push(autoscaler);
      } else {
        autoscaler.spec = { ...autoscaler.spec, minReplicas: min, maxReplicas: max };
      }
      this.facts.autoscalers[c.clusterName] = `HorizontalPodAutoscaler/${autoscaler.metadata?.name}`;
      // The autoscaler owns the replica count: none in the tree, and Argo CD must not reset it.
      if (target.spec) delete target.spec.replicas;
      const group = groupOf(String(target.apiVersion)) || undefined;
      this.addIgnore({ group, kind: target.kind, name: target.metadata?.name, jsonPointers: ['/spec/replicas'] });
      changed.push(autoscaler);
      problems.push(...this.mapStores(objects));
      const scopes = scopesOf(c).withObjects(objects); // (as the workload placed them: its own CRDs count)
      for (const o of objects) {
        const g = groupOf(String(o.apiVersion));
        const namespaced = !scopes.isClusterScoped(o.apiVersion, o.kind);
        if (!this.facts.kinds.some(k => k.group === g && k.kind === o.kind && (namespaced || k.name === o.metadata?.name))) {
          this.facts.kinds.push({ group: g, kind: o.kind, name: namespaced ? undefined : o.metadata?.name, namespaced });
        }
      }
    }
    const sw = this.s.trafficSwitch;
    if (sw) {
      const primaries = this.s.primaries.map(x => x.clusterName);
      const standbys = this.s.standbys.map(x => x.cluster.clusterName);
      const [sideClusters, otherSideClusters] = role === DrRole.PRIMARY ? [primaries, standbys] : [standbys, primaries];
      const active = this.active(role);
      const context = { pairName: this.s.pair, clusterName: c.clusterName, role, active, namespace, sideClusters, otherSideClusters };
      problems.push(...sw.applyTo(objects, context).map(p => `${where}: ${p}`));
      const described = sw.describe().target;
      const switched = objects.find(o => `${o.kind}/${o.metadata?.name}` === described);
      if (switched) changed.push(switched);
    }
    this.facts.files[c.clusterName] = [...new Set(changed.map(o => fileNameOf(o, namespace)))].sort();
    return problems;
  }

  public diffing(ignoreDifferences: readonly IgnoreDifference[], syncOptions: readonly string[]): void {
    for (const d of ignoreDifferences) this.addIgnore(d);
    for (const o of syncOptions) if (!this.facts.syncOptions.includes(o)) this.facts.syncOptions.push(o);
    this.onDone();
  }

  private active(role: DrRole): boolean {
    return (role === DrRole.PRIMARY) === this.s.primaryActive;
  }

  private addIgnore(d: IgnoreDifference): void {
    const key = JSON.stringify(d);
    if (!this.facts.ignoreDifferences.some(x => JSON.stringify(x) === key)) this.facts.ignoreDifferences.push(d);
  }

  /**
   * The replicas a standby must reach: the primaries it covers (primary i is covered by standby i modulo the
   * standbys), or, when it covers none (more standbys than primaries), the one it mirrors.
   */
  private capacityOf(standby: string): number {
    const index = this.s.standbys.findIndex(x => x.cluster.clusterName === standby);
    const covered = this.s.primaries.filter((_, i) => i % this.s.standbys.length === index);
    const names = covered.length ? covered.map(p => p.clusterName) : [this.s.standbys[index].mirrors.clusterName];
    return names.reduce((n, p) => n + (ownValue(this.facts.primaryReplicas, p) ?? 0), 0);
  }

  /** Rewrites the standby's ExternalSecrets to the stores the pair maps the primary's to. */
  private mapStores(objects: any[]): string[] {
    if (this.s.storeMappings.size === 0) return [];
    const rewrite = (ref: any) => {
      if (!ref?.name) return ref;
      const to = this.s.storeMappings.get(`${ref.kind ?? 'SecretStore'}/${ref.name}`);
      return to ? { ...ref, kind: to.kind, name: to.name } : ref;
    };
    for (const o of objects) {
      if (o?.kind !== 'ExternalSecret' || !String(o.apiVersion).startsWith('external-secrets.io/')) continue;
      o.spec = { ...o.spec, secretStoreRef: rewrite(o.spec?.secretStoreRef) };
      for (const list of [o.spec.data, o.spec.dataFrom]) {
        for (const d of list ?? []) if (d?.sourceRef?.storeRef) d.sourceRef.storeRef = rewrite(d.sourceRef.storeRef);
      }
    }
    return [];
  }
}

/** The object the pair scales: named, or the only Rollout (else Deployment, else StatefulSet). */
function scaleTargetOf(objects: any[], name: string | undefined): any | string {
  const candidates = objects.filter(o => SCALABLE.includes(o?.kind) && (name === undefined || o.metadata?.name === name));
  for (const kind of SCALABLE) {
    const of = candidates.filter(o => o.kind === kind);
    if (of.length === 1) return of[0];
    if (of.length > 1) return `the workload renders ${of.length} ${kind}s (${of.map(o => `'${o.metadata?.name}'`).join(', ')}); name the one the pair scales with 'scaleTarget'`;
  }
  return name !== undefined
    ? `'scaleTarget' (${JSON.stringify(name)}) names no Rollout, Deployment or StatefulSet the workload renders`
    : 'the workload renders no Rollout, Deployment or StatefulSet to scale';
}

/**
 * A CPU-utilization autoscaler needs a CPU request on every container of the pods it scales (from the pod
 * template or the namespace's LimitRange), otherwise it cannot compute utilization ("missing request for cpu").
 */
function cpuRequestProblems(target: any, objects: any[]): string[] {
  const limitRangeDefault = objects.some(o => o?.kind === 'LimitRange'
    && (o.spec?.limits ?? []).some((l: any) => l?.type === 'Container' && (l.defaultRequest?.cpu !== undefined || l.default?.cpu !== undefined)));
  if (limitRangeDefault) return [];
  const missing: string[] = (target?.spec?.template?.spec?.containers ?? [])
    .filter((c: any) => c?.resources?.requests?.cpu === undefined && c?.resources?.limits?.cpu === undefined)
    .map((c: any) => c.name);
  return missing.length
    ? [`the HorizontalPodAutoscaler the pair adds scales on CPU utilization, but container(s) ${missing.map(m => `'${m}'`).join(', ')} of ${target.kind} '${target.metadata?.name}' request no CPU, so it cannot compute it; set CPU requests (or a LimitRange default)`]
    : [];
}
