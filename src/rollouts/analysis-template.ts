import { ApiObject, Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AnalysisArgument } from './analysis-argument';
import { MetricCondition, NoDataBehavior } from './metric-condition';
import { MetricProvider } from './metric-provider';
import { analysisRenderModule } from '../private/lazy';
import type { TemplateDefinition } from './private/analysis-render';

/** One metric of an analysis template. */
export interface AnalysisMetric {
  /** The metric's name (unique in the run). */
  readonly name: string;
  /** Where the measurements come from. */
  readonly provider: MetricProvider;
  /**
   * When a measurement succeeds or fails.
   * @default - none: every measurement succeeds (refused for Prometheus metrics, which would then pass without data)
   */
  readonly condition?: MetricCondition;
  /**
   * Time between measurements. With no `count`, the metric runs until the run is terminated: allowed only in
   * background analysis.
   * @default - a single measurement
   */
  readonly interval?: Duration;
  /**
   * Delay before the first measurement.
   * @default - none
   */
  readonly initialDelay?: Duration;
  /**
   * Number of measurements; more than one needs an `interval`.
   * @default - 1 without an interval, unbounded with one
   */
  readonly count?: number;
  /**
   * Failed measurements tolerated (-1: disabled, then `consecutiveSuccessLimit` decides).
   * @default 0
   */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated.
   * @default 0
   */
  readonly inconclusiveLimit?: number;
  /**
   * Consecutive measurement errors tolerated.
   * @default 4
   */
  readonly consecutiveErrorLimit?: number;
  /**
   * Consecutive successes after which the metric succeeds.
   * @default - disabled
   */
  readonly consecutiveSuccessLimit?: number;
  /**
   * Run the metric without letting it fail the run (`dryRun`).
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Measurements kept in the run's status.
   * @default 10 (the controller's default)
   */
  readonly measurementRetention?: number;
  /**
   * A reviewed reason for a Prometheus metric whose condition counts no data (an empty result or NaN) as success.
   * Written to the template as the `fleet.cdk8s.io/analysis-waivers` annotation, where `cdk8s-fleet lint` and
   * reviewers see it.
   * @default - none: such a condition is an error
   */
  readonly noDataWaiver?: string;
}

/** Props of an analysis template. */
export interface AnalysisTemplateProps {
  /** The template's name (a DNS-1123 subdomain). */
  readonly templateName: string;
  /**
   * The arguments its metrics use (through their placeholders).
   * @default - none
   */
  readonly args?: AnalysisArgument[];
  /** The metrics. */
  readonly metrics: AnalysisMetric[];
  /**
   * Labels on the template object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/**
 * An analysis template a Rollout runs: an `AnalysisTemplate`, a `ClusterAnalysisTemplate`, or a reference to one
 * defined elsewhere.
 */
export interface IAnalysisTemplate {
  /** The template's name. */
  readonly templateName: string;
  /** Whether it is a ClusterAnalysisTemplate. */
  readonly clusterScope: boolean;
  /** The arguments it declares; undefined for a reference to a template defined elsewhere (nothing is checked). */
  readonly declaredArguments?: AnalysisArgument[];
  /** Its metrics' names; undefined for a reference. */
  readonly metricNames?: string[];
  /** Metrics with an interval and no count (they run until the run is terminated); undefined for a reference. */
  readonly indefiniteMetrics?: string[];
  /**
   * The object to write where a Rollout uses it, in `namespace` (namespaced templates); undefined for a reference.
   */
  toManifest(namespace?: string): any;
}

/** Options shared by the success-rate and latency helpers. */
export interface PrometheusHelperOptions {
  /**
   * The template's name.
   * @default 'success-rate' / 'latency'
   */
  readonly templateName?: string;
  /**
   * The metric's name.
   * @default 'success-rate' / 'latency-p99'
   */
  readonly metricName?: string;
  /**
   * The Prometheus server.
   * @default - the controller's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS
   */
  readonly prometheusAddress?: string;
  /**
   * The name of the argument that selects the service in the query (the Rollout passes it, e.g.
   * `AnalysisRunArgument.canaryServiceName('service-name')`).
   * @default 'service-name'
   */
  readonly serviceArgumentName?: string;
  /**
   * The label that names the service in the metric.
   * @default 'service' (use 'destination_service_name' for Istio's metrics)
   */
  readonly serviceLabel?: string;
  /**
   * The rate window.
   * @default Duration.minutes(5)
   */
  readonly window?: Duration;
  /** @default Duration.minutes(1) */
  readonly interval?: Duration;
  /** @default - none */
  readonly initialDelay?: Duration;
  /** @default 5 */
  readonly count?: number;
  /** @default 1 */
  readonly failureLimit?: number;
  /**
   * What no data counts as (never success).
   * @default NoDataBehavior.FAIL
   */
  readonly noData?: NoDataBehavior;
}

/** Options of `AnalysisTemplate.successRate`. */
export interface SuccessRateOptions extends PrometheusHelperOptions {
  /**
   * The lowest success rate that passes.
   * @default 0.99
   */
  readonly threshold?: number;
  /**
   * The request counter.
   * @default 'http_requests_total' (use 'istio_requests_total' for Istio's metrics)
   */
  readonly metric?: string;
  /**
   * The label holding the HTTP status code; 5xx count as errors.
   * @default 'code' (use 'response_code' for Istio's metrics)
   */
  readonly statusLabel?: string;
}

/** Options of `AnalysisTemplate.latency`. */
export interface LatencyOptions extends PrometheusHelperOptions {
  /** The highest latency that passes at the quantile. */
  readonly threshold: Duration;
  /**
   * The quantile.
   * @default 0.99
   */
  readonly quantile?: number;
  /**
   * The latency histogram's buckets.
   * @default 'http_request_duration_seconds_bucket'
   */
  readonly metric?: string;
}

/**
 * A namespaced Argo Rollouts `AnalysisTemplate`, defined once and written next to every Rollout that uses it
 * (in each cluster's rendering), or on its own with `addTo`.
 *
 * Arguments are typed: metrics refer to them through `AnalysisArgument` placeholders, so an undeclared argument
 * cannot be written, and a Rollout that does not supply a required argument is refused. Everything the
 * AnalysisRun controller rejects (`ValidateMetric`, unresolved arguments, dry-run rules that match nothing) is
 * rejected here, and a Prometheus metric that would pass without data is an error unless waived.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/
 */
export class AnalysisTemplate implements IAnalysisTemplate {
  /** A template from props. Throws with every problem. */
  public static of(props: AnalysisTemplateProps): AnalysisTemplate {
    return new AnalysisTemplate(analysisRenderModule().defineTemplate('AnalysisTemplate', props));
  }

  /**
   * The HTTP success rate of a service: `sum(rate(requests{service=…,code!~"5.."}[5m])) / sum(rate(requests{…}[5m]))`,
   * measured every minute five times, at least `threshold` (0.99) on every sample, never passing without data.
   */
  public static successRate(options: SuccessRateOptions = {}): AnalysisTemplate {
    return AnalysisTemplate.of(analysisRenderModule().successRateProps({ ...options, serviceArgument: AnalysisArgument.required(options.serviceArgumentName ?? 'service-name') }));
  }

  /** A latency quantile of a service from a Prometheus histogram, at most `threshold`, never passing without data. */
  public static latency(options: LatencyOptions): AnalysisTemplate {
    return AnalysisTemplate.of(analysisRenderModule().latencyProps({ ...options, serviceArgument: AnalysisArgument.required(options.serviceArgumentName ?? 'service-name') }));
  }

  /** A template defined outside this program (not written, not checked). */
  public static fromTemplateName(templateName: string): IAnalysisTemplate {
    return analysisRenderModule().templateReference(templateName, false);
  }

  public readonly templateName: string;
  public readonly clusterScope = false;

  private constructor(private readonly definition: TemplateDefinition) {
    this.templateName = definition.templateName;
  }

  public get declaredArguments(): AnalysisArgument[] | undefined {
    return [...this.definition.args];
  }

  public get metricNames(): string[] | undefined {
    return [...this.definition.metricNames];
  }

  public get indefiniteMetrics(): string[] | undefined {
    return [...this.definition.indefiniteMetrics];
  }

  /** The declared argument named `name` (to use its placeholder). */
  public argument(name: string): AnalysisArgument {
    return analysisRenderModule().declaredArgument(this.definition, name);
  }

  public toManifest(namespace?: string): any {
    return analysisRenderModule().templateManifest(this.definition, namespace);
  }

  /** Writes the template into `scope`'s chart (in the chart's namespace) as an ApiObject. */
  public addTo(scope: Construct, id?: string): ApiObject {
    const manifest = this.toManifest(Chart.of(scope).namespace);
    return new ApiObject(scope, id ?? `AnalysisTemplate-${this.templateName}`, manifest);
  }
}
