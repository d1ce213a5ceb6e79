/**
 * The PrometheusRule of a DR pair (monitoring.coreos.com/v1, prometheus-operator's CRD): `PrimaryClusterDown` on
 * the active side — armed on whichever side serves traffic, so a failover rearms it the other way — and the
 * extra alerts on the passive side.
 *
 * `up == 0` alone misses a target that vanished (its series are gone when the federation or remote write
 * stops): the rule ORs `absent()` of each cluster's series, which returns 1 with the labels of its equality
 * matchers (Prometheus functions; robustperception.io "absent alerting for jobs").
 */
import { Duration } from 'cdk8s';
import { promString } from './promql';
import { ownValue } from '../../private/util';
import { AlertSeverity, ClusterDownAlertOptions, DrExtraAlert, LabelMatcher, MatchOperator } from '../dr-alerts';

/** What the rules are about. */
export interface AlertRuleInput {
  readonly pair: string;
  /** The clusters of the side that serves traffic, and its name. */
  readonly activeSide: string;
  readonly activeClusters: readonly string[];
  /** The other side: its name, and its Applications (the extra alerts watch them). */
  readonly passiveSide: string;
  readonly passiveApplications: readonly string[];
  /** The command that moves traffic to the passive side. */
  readonly command: string;
  readonly argocdNamespace: string;
  readonly evaluationInterval: Duration;
  readonly clusterDown: ClusterDownAlertOptions;
  readonly extraAlerts: readonly DrExtraAlert[];
}

/** The `spec` of the PrometheusRule. */
export function alertRuleSpec(i: AlertRuleInput): any {
  const cd = i.clusterDown;
  const job = cd.job ?? 'kubernetes-apiservers';
  const clusterLabel = cd.clusterLabel ?? 'cluster';
  const severity = cd.severity ?? AlertSeverity.CRITICAL;
  const selectors = i.activeClusters.map(c => {
    // Own keys only: a cluster named `constructor` without a value is watched under its own name.
    const value = ownValue(cd.clusterLabelValues, c) ?? c;
    const matchers = [LabelMatcher.equalTo('job', job).toString(), `${clusterLabel}=${promString(value)}`, ...(cd.matchers ?? []).map(m => m.toString())];
    return `up{${matchers.join(',')}}`;
  });
  const expr = selectors.map(s => `${s} == 0 or absent(${s})`).join(' or ');
  const labels = { severity, dr_pair: i.pair, dr_active_side: i.activeSide };
  const rules: any[] = [{
    alert: 'PrimaryClusterDown',
    expr,
    for: promDuration(cd.forDuration ?? Duration.minutes(2)),
    labels,
    annotations: {
      summary: cd.summary ?? `DR pair ${i.pair}: the active side ${i.activeSide} is down (its API server is unreachable)`,
      description: `The Kubernetes API server of ${i.activeClusters.length === 1 && i.activeClusters[0] === i.activeSide ? i.activeSide : `${i.activeSide} (${i.activeClusters.join(', ')})`} has been down or unscraped for ${promDuration(cd.forDuration ?? Duration.minutes(2))}. `
        + `To move traffic to ${i.passiveSide}: ${i.command}, then review and merge the pull request.`,
      runbook_url: cd.runbookUrl,
    },
  }];
  for (const a of i.extraAlerts) {
    if (i.passiveApplications.length === 0) continue;
    const names = i.passiveApplications.map(n => n.replace(/[.\\^$|?*+()[\]{}]/g, m => `\\${m}`)).join('|');
    const matchers = [
      `namespace=${promString(i.argocdNamespace)}`,
      i.passiveApplications.length === 1 ? `name=${promString(i.passiveApplications[0])}` : `name=~${promString(names)}`,
      `${a._label}${a._operator}${promString(a._value)}`,
    ];
    const what = a._operator === MatchOperator.NOT_EQUALS ? `not ${a._value}` : a._value;
    rules.push({
      alert: a.alertName,
      expr: `argocd_app_info{${matchers.join(',')}} == 1`,
      for: promDuration(a._for),
      labels: { severity: a._severity, dr_pair: i.pair, dr_active_side: i.activeSide },
      annotations: {
        summary: `DR pair ${i.pair}: Application {{ $labels.name }} of the passive side ${i.passiveSide} is ${what}`,
        description: `The passive side must be ready to take traffic: Application {{ $labels.name }} has been ${what} for ${promDuration(a._for)}.`,
        runbook_url: cd.runbookUrl,
      },
    });
  }
  return { groups: [{ name: `dr-${i.pair}`, interval: promDuration(i.evaluationInterval), rules }] };
}

/**
 * A Prometheus duration (`2m`, `1h30m`, `90s`, `500ms`): units y w d h m s ms, largest first, integers only, as
 * the CRD's pattern `^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$` says.
 */
export function promDuration(d: Duration): string {
  let ms = Math.round(d.toMilliseconds());
  if (ms <= 0) return '0';
  const units: Array<[string, number]> = [['y', 365 * 86_400_000], ['w', 7 * 86_400_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]];
  let out = '';
  for (const [u, size] of units) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      out += `${n}${u}`;
      ms -= n * size;
    }
  }
  return out;
}
