/**
 * What a DR pair writes into the tree so that everything downstream (the fleet proofs of `cdk8s-fleet validate`,
 * `plan`, `diff`, the checklist, `failover --dry-run`) reads the pair from the tree alone, as it reads
 * everything else:
 * - on every Application of the pair (the primaries' through the ApplicationSet's templatePatch, the standbys'
 *   directly): `fleet.cdk8s.io/dr-pair`, `fleet.cdk8s.io/dr-role` (`primary` | `standby`, the checklist's
 *   contract) and `fleet.cdk8s.io/dr-active` (`"true"` on the side that serves traffic);
 * - on the standby Applications: `fleet.cdk8s.io/dr-spec`, the pair as JSON (`DrSpec` without the active side,
 *   so that a failover changes only `dr-active` there), and `fleet.cdk8s.io/dr-keep-primary: "true"` while a
 *   failover keeps the old primary's footprint.
 */

/** The annotation of an Application that plays a part in a DR pair: `primary` or `standby`. */
export const DR_ROLE_ANNOTATION = 'fleet.cdk8s.io/dr-role';
/** The annotation naming the DR pair an Application belongs to (the primary and its standby share it). */
export const DR_PAIR_ANNOTATION = 'fleet.cdk8s.io/dr-pair';
/** `"true"` on the Applications of the side that serves traffic, `"false"` on the other side's. */
export const DR_ACTIVE_ANNOTATION = 'fleet.cdk8s.io/dr-active';
/** The pair, as JSON, on its standby Applications. */
export const DR_SPEC_ANNOTATION = 'fleet.cdk8s.io/dr-spec';
/** `"true"` on the standby Applications while a failover leaves the old primary at its full footprint. */
export const DR_KEEP_PRIMARY_ANNOTATION = 'fleet.cdk8s.io/dr-keep-primary';

/** One side of a pair. */
export interface DrSideSpec {
  /** The name the DR state file uses. */
  readonly side: string;
  readonly clusters: string[];
}

/** The parts of the RTO estimate, in seconds. */
export interface RtoSpec {
  readonly alertFor: number;
  readonly evaluation: number;
  readonly scrape: number;
  /** Undefined: not declared. */
  readonly response?: number;
  readonly reconciliation: number;
  /** HPA sync period (Workload pairs). */
  readonly hpaSync?: number;
  readonly podStartup: number;
  /** The standby's probes and minReadySeconds when synthesized (Workload pairs); the tree's objects win where read. */
  readonly readiness?: number;
  /** The traffic switch's propagation (a DNS TTL). */
  readonly propagation: number;
  /** The declared budget. */
  readonly budget?: number;
}

/** A traffic switch, as recorded. */
export interface SwitchSpec {
  readonly kind: string;
  readonly target: string;
  readonly hostnames: string[];
  /** The switch's setting per cluster: [when its side is active, when it is passive]. */
  readonly states: Record<string, [string, string]>;
}

/** A DR pair as the tree records it. */
export interface DrSpec {
  readonly version: 1;
  readonly pair: string;
  /** `Workload/<name>` or `HelmApplication/<name>`. */
  readonly source: string;
  readonly namespace: string;
  readonly primary: DrSideSpec;
  readonly standby: DrSideSpec;
  /** The active side's name (from the standbys' `dr-active`; not in the recorded JSON). */
  readonly active: string;
  /** From `dr-keep-primary` (not in the recorded JSON). */
  readonly keepPrimary: boolean;
  /** Standby cluster → the primary it mirrors. */
  readonly mirrors: Record<string, string>;
  /** Replicas the passive side keeps (the standby's HPA minimum while passive). */
  readonly standbyReplicas: number;
  /** The scaled object per cluster, `Kind/name` (Workload pairs). */
  readonly scaleTargets?: Record<string, string>;
  /** The HorizontalPodAutoscaler of each standby (Workload pairs). */
  readonly autoscalers?: Record<string, string>;
  /** Replicas each primary runs when active: its fixed replicas or its autoscaler's maximum (Workload pairs). */
  readonly primaryReplicas?: Record<string, number>;
  /** Replicas each standby must reach when active: the replicas of the primaries it covers (Workload pairs). */
  readonly capacity?: Record<string, number>;
  /** The chart and version each side runs (HelmApplication pairs). */
  readonly chart?: string;
  readonly switch?: SwitchSpec;
  readonly monitoring: { readonly cluster: string; readonly file: string; readonly application: string };
  readonly rto: RtoSpec;
  /** The cluster label that names a region. */
  readonly regionLabel: string;
  /** Stores (`Kind/name`, `SecretStore/<ns>/<name>`) the standby may read across regions. */
  readonly crossRegionStores: string[];
}

/** The spec as recorded: everything but what a failover changes. */
export type RecordedDrSpec = Omit<DrSpec, 'active' | 'keepPrimary'>;

/** The spec in a standby Application's annotations, or undefined (none, or not readable). */
export function specOf(app: any): DrSpec | undefined {
  const annotations = app?.metadata?.annotations ?? {};
  const raw = annotations[DR_SPEC_ANNOTATION];
  if (typeof raw !== 'string') return undefined;
  try {
    const s = JSON.parse(raw);
    if (!(s && s.version === 1 && typeof s.pair === 'string' && s.primary?.side && s.standby?.side)) return undefined;
    const standbyActive = annotations[DR_ACTIVE_ANNOTATION] === 'true';
    return { ...s, active: standbyActive ? s.standby.side : s.primary.side, keepPrimary: annotations[DR_KEEP_PRIMARY_ANNOTATION] === 'true' };
  } catch {
    return undefined;
  }
}

/** The three annotations every Application of a pair carries. */
export function pairAnnotations(pair: string, role: 'primary' | 'standby', active: boolean): Record<string, string> {
  return { [DR_PAIR_ANNOTATION]: pair, [DR_ROLE_ANNOTATION]: role, [DR_ACTIVE_ANNOTATION]: String(active) };
}

/** Seconds, shown the way people read durations: `2m`, `1m30s`, `45s`. */
export function shortDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s === 0) return '0s';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${r ? `${r}s` : ''}`;
}
