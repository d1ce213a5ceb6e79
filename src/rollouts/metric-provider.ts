import { Duration } from 'cdk8s';
import { AnalysisArgument } from './analysis-argument';
import { show } from '../private/errors';

/** Authentication to a metrics endpoint; secrets only as secret-backed template arguments. */
export class MetricAuthentication {
  /** AWS SigV4 signing, for Amazon Managed Service for Prometheus (`aps-workspaces` addresses only). */
  public static sigv4(options: SigV4Options = {}): MetricAuthentication {
    return new MetricAuthentication({ sigv4: { region: options.region, profile: options.profile, roleArn: options.roleArn } }, 'sigv4');
  }

  /**
   * OAuth2 client credentials. The secret is a template argument read from a Secret (`AnalysisArgument.fromSecret`),
   * so it never reaches the tree.
   */
  public static oauth2(options: OAuth2Options): MetricAuthentication {
    if (!options.clientSecret || options.clientSecret.isRequired || options.clientSecret.defaultValue !== undefined) {
      throw new Error(`MetricAuthentication.oauth2: 'clientSecret' (${show(options.clientSecret?.name)}) must be an AnalysisArgument.fromSecret(...) argument, so that the secret stays out of the tree`);
    }
    return new MetricAuthentication({
      oauth2: {
        tokenUrl: options.tokenUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret.placeholder,
        scopes: options.scopes?.length ? [...options.scopes] : undefined,
      },
    }, 'oauth2', [options.clientSecret]);
  }

  private constructor(
    /** @internal */ public readonly _json: any,
    /** @internal */ public readonly _kind: 'sigv4' | 'oauth2',
    /** @internal */ public readonly _args: AnalysisArgument[] = [],
  ) {}
}

/** AWS SigV4 signing options. */
export interface SigV4Options {
  /** @default - the controller's AWS region */
  readonly region?: string;
  /** @default - the default profile */
  readonly profile?: string;
  /** A role to assume. @default - none */
  readonly roleArn?: string;
}

/** OAuth2 client-credentials options. */
export interface OAuth2Options {
  /** The token endpoint. */
  readonly tokenUrl: string;
  /** The client id. */
  readonly clientId: string;
  /** The client secret, as a secret-backed argument of the template. */
  readonly clientSecret: AnalysisArgument;
  /**
   * Scopes to request.
   * @default - none
   */
  readonly scopes?: string[];
}

/** A Prometheus range query. */
export interface PrometheusRangeQuery {
  /** Start, an expr-lang time expression, e.g. `now() - duration("5m")`. */
  readonly start: string;
  /** End, e.g. `now()`. */
  readonly end: string;
  /** Resolution step, e.g. `1m`. */
  readonly step: string;
}

/** Options of a Prometheus metric. */
export interface PrometheusMetricOptions {
  /**
   * The Prometheus server, with scheme and host.
   * @default - the controller's ARGO_ROLLOUTS_PROMETHEUS_ADDRESS environment variable
   */
  readonly address?: string;
  /** The PromQL query; use `AnalysisArgument` placeholders for values the Rollout supplies. */
  readonly query: string;
  /**
   * How long a query may take (whole seconds).
   * @default Duration.seconds(30)
   */
  readonly timeout?: Duration;
  /**
   * Skip TLS verification of the server.
   * @default false
   */
  readonly insecure?: boolean;
  /**
   * HTTP headers; values may use secret-backed argument placeholders.
   * @default - none
   */
  readonly headers?: Record<string, string>;
  /**
   * Run a range query instead of an instant query.
   * @default - an instant query
   */
  readonly rangeQuery?: PrometheusRangeQuery;
  /**
   * Authentication.
   * @default - none
   */
  readonly authentication?: MetricAuthentication;
}

/** HTTP methods of a web metric. */
export enum WebMetricMethod {
  GET = 'GET',
  POST = 'POST',
  PUT = 'PUT',
}

/** Options of a web metric: an HTTP call whose JSON response (or a JSONPath into it) is the result. */
export interface WebMetricOptions {
  /** The URL; may use argument placeholders. */
  readonly url: string;
  /** @default WebMetricMethod.GET */
  readonly method?: WebMetricMethod;
  /** @default - none */
  readonly headers?: Record<string, string>;
  /** A request body (POST and PUT). @default - none */
  readonly body?: string;
  /** A JSONPath into the response, e.g. `{$.data.ok}`. @default - the whole response */
  readonly jsonPath?: string;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default false */
  readonly insecure?: boolean;
}

/** Options of a job metric: a Kubernetes Job whose success or failure is the measurement. */
export interface JobMetricOptions {
  /** The Job's `spec` (batch/v1 JobSpec, in Kubernetes' wire format); checked against the pinned schema at synth. */
  readonly spec: Record<string, any>;
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * Where an analysis metric's measurements come from. Prometheus is fully typed; web and job metrics are typed
 * escape hatches (their bodies are checked against the pinned AnalysisTemplate schema at synth).
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/analysis/prometheus/
 */
export class MetricProvider {
  /** A Prometheus query. Instant vectors arrive as `[]float64` (`result[0]`), scalars as `float64`. */
  public static prometheus(options: PrometheusMetricOptions): MetricProvider {
    const errors: string[] = [];
    if (!options.query || !options.query.trim()) errors.push("'query' is required");
    if (options.address !== undefined && !/^https?:\/\/[^/\s]+/.test(options.address)) errors.push(`'address' (${show(options.address)}) must be a URL with scheme and host, e.g. 'http://prometheus.monitoring:9090'`);
    const timeout = options.timeout?.toSeconds();
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) errors.push(`'timeout' (${show(options.timeout?.toMilliseconds())} ms) must be a positive whole number of seconds`);
    if (options.authentication?._kind === 'sigv4' && options.address && !options.address.includes('aps-workspaces')) {
      errors.push(`'authentication' sigv4 only works with Amazon Managed Prometheus ('aps-workspaces') addresses, not ${show(options.address)}`);
    }
    if (errors.length) throw new Error(`MetricProvider.prometheus: ${errors.join('; ')}`);
    return new MetricProvider('prometheus', {
      prometheus: {
        address: options.address,
        query: options.query,
        timeout,
        insecure: options.insecure || undefined,
        headers: headersOf(options.headers),
        rangeQuery: options.rangeQuery ? { start: options.rangeQuery.start, end: options.rangeQuery.end, step: options.rangeQuery.step } : undefined,
        authentication: options.authentication?._json,
      },
    }, options.authentication?._args ?? []);
  }

  /** An HTTP call (`web` provider). */
  public static web(options: WebMetricOptions): MetricProvider {
    if (!options.url) throw new Error("MetricProvider.web: 'url' is required");
    const timeout = options.timeout?.toSeconds();
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) throw new Error('MetricProvider.web: \'timeout\' must be a positive whole number of seconds');
    return new MetricProvider('web', {
      web: {
        url: options.url,
        method: options.method,
        headers: headersOf(options.headers),
        body: options.body,
        jsonPath: options.jsonPath,
        timeoutSeconds: timeout,
        insecure: options.insecure || undefined,
      },
    });
  }

  /** A Kubernetes Job (`job` provider): the measurement succeeds when the Job does. */
  public static job(options: JobMetricOptions): MetricProvider {
    if (!options.spec || typeof options.spec !== 'object') throw new Error("MetricProvider.job: 'spec' (a batch/v1 JobSpec) is required");
    const metadata = options.labels || options.annotations ? { labels: options.labels, annotations: options.annotations } : undefined;
    return new MetricProvider('job', { job: { metadata, spec: structuredClone(options.spec) } });
  }

  private constructor(
    /** The provider's kind. */ public readonly kind: string,
    /** @internal */ public readonly _json: any,
    /** @internal Arguments the provider needs declared. */ public readonly _args: AnalysisArgument[] = [],
  ) {}
}

function headersOf(headers: Record<string, string> | undefined): any[] | undefined {
  const keys = Object.keys(headers ?? {}).sort();
  return keys.length ? keys.map(key => ({ key, value: headers![key] })) : undefined;
}
