/**
 * DR pairs in the plan (text, JSON, the HTML page) and in the diff ("a failover as such"), read from the plan's
 * Applications alone.
 */
import { DrSpec, shortDuration } from './dr-spec';
import { pairsOf } from './dr-tree';
import { estimateRto, rtoText } from './rto';
import type { FleetPlan } from '../../gitops/fleet-plan';

/** A pair as the plan shows it. */
export interface PlannedPair {
  readonly pair: string;
  readonly source: string;
  readonly primary: { readonly side: string; readonly clusters: string[] };
  readonly standby: { readonly side: string; readonly clusters: string[] };
  /** The side that serves traffic. */
  readonly active: string;
  /** `primary` or `standby`. */
  readonly activeRole: string;
  readonly keepPrimary: boolean;
  readonly standbyReplicas: number;
  readonly capacity?: Record<string, number>;
  readonly trafficSwitch?: string;
  readonly monitoring: string;
  readonly rto: { readonly seconds: number; readonly text: string; readonly budgetSeconds?: number; readonly responseDeclared: boolean };
}

/** Every pair of the plan that records its spec. */
export function plannedPairs(plan: FleetPlan): PlannedPair[] {
  return pairsOf(plan).filter(p => p.spec).map(p => planned(p.spec!));
}

function planned(spec: DrSpec): PlannedPair {
  const rto = estimateRto(spec, undefined);
  return {
    pair: spec.pair,
    source: spec.source,
    primary: spec.primary,
    standby: spec.standby,
    active: spec.active,
    activeRole: spec.active === spec.primary.side ? 'primary' : 'standby',
    keepPrimary: spec.keepPrimary,
    standbyReplicas: spec.standbyReplicas,
    capacity: spec.capacity,
    trafficSwitch: spec.switch ? `${spec.switch.kind} ${spec.switch.hostnames.join(', ') || spec.switch.target}`.trim() : undefined,
    monitoring: spec.monitoring.cluster,
    rto: { seconds: rto.seconds, text: rtoText(rto), budgetSeconds: rto.budget, responseDeclared: rto.responseDeclared },
  };
}

/** The plan's lines for the pairs. */
export function drPlanLines(plan: FleetPlan): string[] {
  const lines: string[] = [];
  for (const p of plannedPairs(plan)) {
    const side = (s: { side: string; clusters: string[] }) => (s.clusters.length === 1 && s.clusters[0] === s.side ? s.side : `${s.side} (${s.clusters.join(', ')})`);
    const active = p.activeRole === 'primary' ? `${p.active} (primary)` : `${p.active} (standby: FAILED OVER${p.keepPrimary ? ', primary kept' : ''})`;
    const capacity = p.capacity && Object.keys(p.capacity).length ? `, capacity ${Object.values(p.capacity).join('/')}` : '';
    lines.push(`  DR pair ${p.pair} (${p.source}): primary ${side(p.primary)} → standby ${side(p.standby)}; active: ${active}; `
      + `standby footprint ${p.standbyReplicas} replica${p.standbyReplicas === 1 ? '' : 's'}${capacity}${p.trafficSwitch ? `; traffic: ${p.trafficSwitch}` : ''}; alerts on ${p.monitoring}`);
    lines.push(`    RTO estimate ${p.rto.text}`);
  }
  return lines;
}

/** A pair whose active side changes between two trees. */
export interface DrSwitch {
  readonly pair: string;
  /** `failover` (to the standby), `failback` (to the primary). */
  readonly kind: 'failover' | 'failback';
  readonly from: string;
  readonly to: string;
  /** After a failover: whether the old primary keeps its footprint. */
  readonly keepPrimary: boolean;
  /** The clusters that take traffic. */
  readonly clusters: string[];
}

/** The pairs whose active side changes from `base` to `head`. */
export function drSwitches(base: FleetPlan, head: FleetPlan): DrSwitch[] {
  const before = new Map(plannedPairs(base).map(p => [p.pair, p]));
  const out: DrSwitch[] = [];
  for (const p of plannedPairs(head)) {
    const b = before.get(p.pair);
    if (!b || b.active === p.active) continue;
    const toStandby = p.activeRole === 'standby';
    out.push({
      pair: p.pair,
      kind: toStandby ? 'failover' : 'failback',
      from: b.active,
      to: p.active,
      keepPrimary: p.keepPrimary,
      clusters: (toStandby ? p.standby : p.primary).clusters,
    });
  }
  return out;
}

/** A switch in one line: `failover of DR pair api: dr-eu-central-1 becomes active (was prod-eu-1) …`. */
export function drSwitchText(s: DrSwitch): string {
  const primary = s.kind === 'failover'
    ? (s.keepPrimary ? '; the old primary keeps its footprint' : '; the old primary is scaled to the standby footprint')
    : '; the standby returns to its warm footprint';
  return `${s.kind} of DR pair ${s.pair}: ${s.to} becomes active (was ${s.from}), serving on ${s.clusters.join(', ')}${primary}; the alerts watch ${s.to}`;
}

/** The HTML page's section: one row per pair. */
export function drHtml(plan: FleetPlan, esc: (s: string) => string): string {
  const pairs = plannedPairs(plan);
  if (pairs.length === 0) return '';
  const rows = pairs.map(p => {
    const budget = p.rto.budgetSeconds !== undefined ? shortDuration(p.rto.budgetSeconds) : '';
    const failed = p.activeRole === 'standby';
    return `<tr class="${failed ? 'changed' : ''}"><th scope="row">${esc(p.pair)}</th><td>${esc(p.primary.clusters.join(', '))}</td><td>${esc(p.standby.clusters.join(', '))}</td>`
      + `<td>${esc(p.active)} (${esc(p.activeRole)})</td><td title="${esc(p.rto.text)}">${esc(shortDuration(p.rto.seconds))}${p.rto.responseDeclared ? '' : ' + response'}</td><td>${esc(budget)}</td><td>${esc(p.trafficSwitch ?? '')}</td></tr>`;
  }).join('\n');
  return `<h2>Disaster recovery</h2>\n<table id="dr"><thead><tr><th scope="col">pair</th><th scope="col">primary</th><th scope="col">standby</th><th scope="col">active</th><th scope="col">RTO estimate</th><th scope="col">budget</th><th scope="col">traffic switch</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>\n`;
}
