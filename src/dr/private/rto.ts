/**
 * The RTO estimate of a DR pair: how long from the active side going down until the other side serves traffic,
 * built from its parts, each from the program or the tree:
 *
 * | part | from |
 * |---|---|
 * | scrape | `up` goes to 0 (or the series vanishes) within one scrape interval |
 * | evaluation | the rule group's `interval` |
 * | alert `for` | `PrimaryClusterDown`'s `for` |
 * | response | page → `cdk8s-fleet failover` → merged PR (declared; not counted otherwise) |
 * | Argo CD | `timeout.reconciliation` (120 s) + `timeout.reconciliation.jitter` (60 s) by default (argo-cd v3.5.1 docs/operator-manual/argocd-cm.yaml), or a webhook's delay |
 * | HPA sync | kube-controller-manager `--horizontal-pod-autoscaler-sync-period` (15 s): the raised minimum applies on the next sync |
 * | pod start | image pull and container start (declared) |
 * | readiness | the standby's pod template: startup probe (initial delay + one period), readiness probe (initial delay + period × success threshold), `minReadySeconds` |
 * | propagation | the traffic switch (a DNS TTL) |
 */
import { DrSpec, shortDuration } from './dr-spec';

/** One part of the estimate. */
export interface RtoPart {
  readonly name: string;
  readonly seconds: number;
}

/** The estimate. */
export interface RtoEstimate {
  readonly seconds: number;
  readonly parts: RtoPart[];
  /** Whether the response time was declared (otherwise it is not in `seconds`). */
  readonly responseDeclared: boolean;
  readonly budget?: number;
}

/** The estimate from the pair's spec and the object the standby scales (its pod template's probes; else as recorded). */
export function estimateRto(spec: DrSpec, standbyTarget: any | undefined): RtoEstimate {
  const r = spec.rto;
  const parts: RtoPart[] = [
    { name: 'scrape', seconds: r.scrape },
    { name: 'evaluation', seconds: r.evaluation },
    { name: 'alert for', seconds: r.alertFor },
  ];
  if (r.response !== undefined) parts.push({ name: 'response', seconds: r.response });
  parts.push({ name: 'Argo CD reconciliation', seconds: r.reconciliation });
  if (r.hpaSync !== undefined) parts.push({ name: 'HPA sync', seconds: r.hpaSync });
  parts.push({ name: 'pod start', seconds: r.podStartup });
  const readiness = standbyTarget !== undefined ? readinessSeconds(standbyTarget) : r.readiness ?? 0;
  if (readiness > 0) parts.push({ name: 'readiness', seconds: readiness });
  if (r.propagation > 0) parts.push({ name: 'traffic switch', seconds: r.propagation });
  return { seconds: parts.reduce((n, p) => n + p.seconds, 0), parts, responseDeclared: r.response !== undefined, budget: r.budget };
}

/** `9m45s = scrape 30s + evaluation 30s + alert for 2m + …` */
export function rtoText(e: RtoEstimate): string {
  const parts = e.parts.map(p => `${p.name} ${shortDuration(p.seconds)}`).join(' + ');
  const response = e.responseDeclared ? '' : ' (response time not declared)';
  const budget = e.budget !== undefined ? `; budget ${shortDuration(e.budget)}${e.seconds > e.budget ? ' EXCEEDED' : ''}` : '';
  return `${shortDuration(e.seconds)} = ${parts}${response}${budget}`;
}

/**
 * Seconds from a container's start until the pod is ready and counts as available: the slowest container's
 * startup probe (initial delay + one period) and readiness probe (initial delay + period × success threshold),
 * then `minReadySeconds`. Kubernetes defaults: period 10 s, success threshold 1, initial delay 0.
 */
export function readinessSeconds(target: any): number {
  const containers: any[] = target?.spec?.template?.spec?.containers ?? [];
  let slowest = 0;
  for (const c of containers) {
    let t = 0;
    if (c?.startupProbe) t += num(c.startupProbe.initialDelaySeconds, 0) + num(c.startupProbe.periodSeconds, 10);
    if (c?.readinessProbe) {
      t += num(c.readinessProbe.initialDelaySeconds, 0) + num(c.readinessProbe.periodSeconds, 10) * num(c.readinessProbe.successThreshold, 1);
    }
    slowest = Math.max(slowest, t);
  }
  return slowest + num(target?.spec?.minReadySeconds, 0);
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
