import { Duration } from 'cdk8s';
import type { ICluster } from '../fleet/cluster';
import { show } from '../private/errors';
import { labelNameErrors, promString } from './private/promql';
import { compileGoRegExp } from '../private/go-regexp';

/** The `severity` label of an alert (what Alertmanager routes on). */
export enum AlertSeverity {
  CRITICAL = 'critical',
  WARNING = 'warning',
  INFO = 'info',
}

/** A PromQL label matcher's operator. */
export enum MatchOperator {
  /** `=` */
  EQUALS = '=',
  /** `!=` */
  NOT_EQUALS = '!=',
  /** `=~` (a fully anchored RE2 regular expression) */
  REGEX = '=~',
  /** `!~` */
  NOT_REGEX = '!~',
}

/**
 * A typed PromQL label matcher (`job="apiserver"`), its label name and value checked as Prometheus parses them:
 * a legacy label name `[a-zA-Z_][a-zA-Z0-9_]*`, a regular expression in RE2 syntax, the value written as a
 * PromQL string literal.
 */
export class LabelMatcher {
  /** `label="value"` */
  public static equalTo(label: string, value: string): LabelMatcher {
    return new LabelMatcher(label, MatchOperator.EQUALS, value);
  }

  /** `label!="value"` */
  public static notEqualTo(label: string, value: string): LabelMatcher {
    return new LabelMatcher(label, MatchOperator.NOT_EQUALS, value);
  }

  /** `label=~"regex"` (anchored at both ends, as Prometheus anchors it) */
  public static regex(label: string, regex: string): LabelMatcher {
    return new LabelMatcher(label, MatchOperator.REGEX, regex);
  }

  /** `label!~"regex"` */
  public static notRegex(label: string, regex: string): LabelMatcher {
    return new LabelMatcher(label, MatchOperator.NOT_REGEX, regex);
  }

  private constructor(
    /** The label name. */ public readonly label: string,
    /** The operator. */ public readonly operator: MatchOperator,
    /** The value or regular expression. */ public readonly value: string,
  ) {
    const errors = labelNameErrors(label, 'label');
    if (typeof value !== 'string') {
      errors.push(`'value' (${show(value)}) must be a string`);
    } else if (operator === MatchOperator.REGEX || operator === MatchOperator.NOT_REGEX) {
      const compiled = compileGoRegExp(`^(?:${value})$`);
      if (compiled.error) errors.push(`'regex' (${show(value)}) is not an RE2 regular expression: ${compiled.error}`);
    }
    if (errors.length) throw new Error(`LabelMatcher: ${errors.join('; ')}`);
  }

  /** The matcher as PromQL, e.g. `job="apiserver"`. */
  public toString(): string {
    return `${this.label}${this.operator}${promString(this.value)}`;
  }
}

/** The `PrimaryClusterDown` alert: the active side's API servers are down or gone. */
export interface ClusterDownAlertOptions {
  /**
   * The scrape job of the Kubernetes API servers whose `up` series tell whether a cluster is reachable.
   * @default 'kubernetes-apiservers' (Prometheus' example Kubernetes configuration; kube-prometheus-stack names it 'apiserver')
   */
  readonly job?: string;
  /**
   * The label that carries the cluster (an external label of the cluster's Prometheus, kept by federation or
   * remote write).
   * @default 'cluster'
   */
  readonly clusterLabel?: string;
  /**
   * The value of `clusterLabel` for each cluster, where it is not the cluster's name.
   * @default - the cluster's name
   */
  readonly clusterLabelValues?: Record<string, string>;
  /**
   * More matchers for the `up` series.
   * @default - none
   */
  readonly matchers?: LabelMatcher[];
  /**
   * How long the cluster must be down before the alert fires (the rule's `for`; part of the RTO). `absent()`
   * needs at least two scrape intervals (cloudflare/pint `alerts/absent`).
   * @default Duration.minutes(2)
   */
  readonly forDuration?: Duration;
  /** @default AlertSeverity.CRITICAL */
  readonly severity?: AlertSeverity;
  /** The runbook the alert links to (`runbook_url`). */
  readonly runbookUrl: string;
  /**
   * The alert's summary.
   * @default - names the pair and the side that is down
   */
  readonly summary?: string;
}

/** Options of the extra alerts. */
export interface DrExtraAlertOptions {
  /** @default - 15 minutes out of sync, 10 minutes degraded */
  readonly forDuration?: Duration;
  /** @default AlertSeverity.WARNING */
  readonly severity?: AlertSeverity;
}

/**
 * An alert about the passive side, from Argo CD's `argocd_app_info` metric (the application controller's; the
 * monitoring Prometheus must scrape it): it keeps the standby known to work before it is needed.
 */
export class DrExtraAlert {
  /** `DrStandbyOutOfSync`: a passive-side Application is not `Synced` (its configuration drifts from Git). */
  public static standbyOutOfSync(options: DrExtraAlertOptions = {}): DrExtraAlert {
    return new DrExtraAlert('DrStandbyOutOfSync', 'sync_status', MatchOperator.NOT_EQUALS, 'Synced', options.forDuration ?? Duration.minutes(15), options.severity ?? AlertSeverity.WARNING);
  }

  /** `DrStandbyDegraded`: a passive-side Application's health is `Degraded`. */
  public static standbyDegraded(options: DrExtraAlertOptions = {}): DrExtraAlert {
    return new DrExtraAlert('DrStandbyDegraded', 'health_status', MatchOperator.EQUALS, 'Degraded', options.forDuration ?? Duration.minutes(10), options.severity ?? AlertSeverity.WARNING);
  }

  private constructor(
    /** The alert's name. */ public readonly alertName: string,
    /** @internal */ public readonly _label: string,
    /** @internal */ public readonly _operator: MatchOperator,
    /** @internal */ public readonly _value: string,
    /** @internal */ public readonly _for: Duration,
    /** @internal */ public readonly _severity: AlertSeverity,
  ) {}
}

/** Where a DR pair is watched from, and what is watched. */
export interface DrMonitoringOptions {
  /**
   * The cluster whose Prometheus (Prometheus Operator) evaluates the pair's rules: outside both sides, so that
   * it sees them fail.
   */
  readonly cluster: ICluster;
  /** @default 'monitoring' */
  readonly namespace?: string;
  /**
   * Labels of the PrometheusRule, so that the Prometheus's `ruleSelector` loads it (kube-prometheus-stack:
   * `release: <its release name>`).
   * @default - none
   */
  readonly ruleLabels?: Record<string, string>;
  /**
   * How often the rules are evaluated (the group's `interval`; part of the RTO).
   * @default Duration.seconds(30)
   */
  readonly evaluationInterval?: Duration;
  /**
   * How often the API servers are scraped (not written; part of the RTO).
   * @default Duration.seconds(30)
   */
  readonly scrapeInterval?: Duration;
  /** The `PrimaryClusterDown` alert. */
  readonly clusterDown: ClusterDownAlertOptions;
  /**
   * More alerts, on the passive side.
   * @default - none
   */
  readonly extraAlerts?: DrExtraAlert[];
}
