import { ApiObject, ApiObjectMetadata, App, Chart, Duration, JsonPatch, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ServicePortSpec } from './private/rollout-render';
import { RolloutStrategy } from './rollout-strategy';
import { show, throwIfInvalid } from '../private/errors';
import { cdk8sPlus, rolloutRenderModule } from '../private/lazy';
import { dns1123SubdomainErrors, labelMapErrors } from '../private/names';

/** What the Rollout controller does to a referenced Deployment (`workloadRef.scaleDown`). */
export enum WorkloadScaleDown {
  /** Leave it running (both run until you scale it down). */
  NEVER = 'never',
  /** Scale it to zero once the Rollout is healthy. */
  ON_SUCCESS = 'onsuccess',
  /** Scale it down as the Rollout scales up. */
  PROGRESSIVELY = 'progressively',
}

/** Options of a reference to a Deployment by name. */
export interface RolloutWorkloadRefOptions {
  /** The pods' labels (the Services select them). */
  readonly podLabels: Record<string, string>;
  /** The container port the Services send traffic to. */
  readonly port: number;
  /** @default WorkloadScaleDown.ON_SUCCESS */
  readonly scaleDown?: WorkloadScaleDown;
}

/**
 * A Deployment whose pod template the Rollout runs (`spec.workloadRef`): the documented migration path from a
 * Deployment, which keeps running until `scaleDown` says otherwise.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/migrating/
 */
export class RolloutWorkloadRef {
  /** A cdk8s-plus Deployment of this program (its pod labels and ports as they are when the Rollout is created). */
  public static fromDeployment(deployment: kplus.Deployment, scaleDown: WorkloadScaleDown = WorkloadScaleDown.ON_SUCCESS): RolloutWorkloadRef {
    const json = apiObjectOf(deployment).toJson();
    const labels = json.spec?.selector?.matchLabels ?? {};
    const port = (json.spec?.template?.spec?.containers ?? []).flatMap((c: any) => c.ports ?? [])[0]?.containerPort;
    return new RolloutWorkloadRef(deployment.name, labels, port, scaleDown, deployment);
  }

  /** A Deployment by name (defined elsewhere). */
  public static fromDeploymentName(name: string, options: RolloutWorkloadRefOptions): RolloutWorkloadRef {
    const errors = dns1123SubdomainErrors(name).map(e => `'name' (${show(name)}) ${e}`);
    if (!Object.keys(options.podLabels ?? {}).length) errors.push("'podLabels' is empty");
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) errors.push(`'port' (${show(options.port)}) must be between 1 and 65535`);
    if (errors.length) throw new Error(`RolloutWorkloadRef.fromDeploymentName: ${errors.join('; ')}`);
    return new RolloutWorkloadRef(name, { ...options.podLabels }, options.port, options.scaleDown ?? WorkloadScaleDown.ON_SUCCESS);
  }

  private constructor(
    /** The Deployment's name. */ public readonly name: string,
    /** @internal */ public readonly _podLabels: Record<string, string>,
    /** @internal */ public readonly _port: number | undefined,
    /** @internal */ public readonly _scaleDown: WorkloadScaleDown,
    /** @internal */ public readonly _deployment?: kplus.Deployment,
  ) {}
}

/** Props of a `Rollout`. Give `podTemplate` or `workloadRef`. */
export interface RolloutProps {
  /**
   * Metadata of the Rollout.
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;
  /** How it replaces pods: `RolloutStrategy.canary(...)` or `RolloutStrategy.blueGreen(...)`. */
  readonly strategy: RolloutStrategy;
  /**
   * The pods, with cdk8s-plus containers, volumes, service account and security context.
   * @default - use `workloadRef`
   */
  readonly podTemplate?: kplus.PodProps;
  /**
   * A Deployment whose pod template the Rollout runs (migration).
   * @default - use `podTemplate`
   */
  readonly workloadRef?: RolloutWorkloadRef;
  /**
   * Replicas. Omitted when a HorizontalPodAutoscaler targets the Rollout (kplus validates that both are not set).
   * @default 1
   */
  readonly replicas?: number;
  /**
   * The pods' labels, which the selector and the Services use.
   * @default { 'app.kubernetes.io/name': <the Rollout's name> }
   */
  readonly selectorLabels?: Record<string, string>;
  /**
   * The port of the Services the strategy creates.
   * @default - the first container port
   */
  readonly servicePort?: number;
  /** @default Duration.seconds(0) */
  readonly minReady?: Duration;
  /** @default Duration.seconds(600) */
  readonly progressDeadline?: Duration;
  /**
   * Abort the update when the progress deadline is exceeded.
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;
  /** @default 10 */
  readonly revisionHistoryLimit?: number;
}

/**
 * An Argo Rollouts `Rollout` (argoproj.io/v1alpha1): a canary or blue-green replacement of a workload's pods,
 * with the Services, Ingress, VirtualService, DestinationRule and analysis templates its strategy needs written
 * next to it, so every reference between them is right by construction. Everything the v1.9.1 controller rejects
 * with `InvalidSpec` is rejected here or at synth, with the construct path. A cdk8s-plus HorizontalPodAutoscaler
 * can target it (`scaleTargetRef` kind Rollout); Argo CD's built-in health check understands Rollouts, so no
 * health customization is needed.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/
 */
export class Rollout extends Construct implements kplus.IScalable {
  /** Whether `x` is a Rollout of this library. */
  public static isRollout(x: unknown): x is Rollout {
    return x instanceof Rollout;
  }

  /** The Rollout's name. */
  public readonly name: string;
  /** The Rollout object. */
  public readonly apiObject: ApiObject;
  /** The stable (blue-green: active) Service's name, when the strategy uses one. */
  public readonly stableServiceName?: string;
  /** The canary (blue-green: preview) Service's name, when the strategy uses one. */
  public readonly canaryServiceName?: string;
  /** Whether a HorizontalPodAutoscaler targets the Rollout (then it carries no replica count). */
  public hasAutoscaler = false;
  private readonly props: RolloutProps;
  private readonly containers: kplus.Container[];
  private readonly problems: string[];
  private readonly spec: any;

  public constructor(scope: Construct, id: string, props: RolloutProps) {
    super(scope, id);
    this.props = props;
    const chart = Chart.of(this);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: props.metadata,
      spec: Lazy.any({ produce: () => ({ ...this.spec, replicas: this.hasAutoscaler ? undefined : this.spec.replicas }) }),
    });
    this.name = this.apiObject.name;
    this.node.defaultChild = this.apiObject;
    throwIfInvalid(this, 'Rollout', this.propErrors(props));

    const labels = props.selectorLabels ?? (props.workloadRef ? props.workloadRef._podLabels : { 'app.kubernetes.io/name': this.name });
    let template: any;
    let port: number | undefined = props.workloadRef?._port;
    this.containers = [];
    if (props.podTemplate) {
      const pod = renderPod(props.podTemplate);
      this.containers = pod.containers;
      template = {
        metadata: { labels: { ...props.podTemplate.metadata?.labels, ...labels }, annotations: props.podTemplate.metadata?.annotations },
        spec: pod.spec,
      };
      port = (pod.spec.containers ?? []).flatMap((c: any) => c.ports ?? [])[0]?.containerPort;
    }
    const servicePort = props.servicePort ?? port;
    const ports: ServicePortSpec[] = servicePort ? [{ name: 'http', port: servicePort, targetPort: port ?? servicePort }] : [];
    const ref = props.workloadRef;
    const out = rolloutRenderModule().renderDelivery({
      name: this.name,
      namespace: chart.namespace,
      strategy: props.strategy,
      podLabels: labels,
      template,
      workloadRef: ref ? { apiVersion: 'apps/v1', kind: 'Deployment', name: ref.name, scaleDown: ref._scaleDown } : undefined,
      replicas: props.replicas ?? 1,
      minReadySeconds: props.minReady?.toSeconds(),
      progressDeadlineSeconds: props.progressDeadline?.toSeconds(),
      progressDeadlineAbort: props.progressDeadlineAbort,
      revisionHistoryLimit: props.revisionHistoryLimit,
      servicePorts: ports,
    });
    const { metadata: _metadata, ...rest } = out.rollout;
    void _metadata;
    this.spec = rest.spec;
    this.stableServiceName = out.stableService;
    this.canaryServiceName = out.canaryService;
    this.problems = out.problems;
    const registry = chartRegistry(chart);
    for (const o of out.objects) {
      const key = `${o.kind}/${o.metadata.name}`;
      const prev = registry.get(key);
      if (prev) {
        if (JSON.stringify(prev.object) !== JSON.stringify(o)) this.problems.push(`${key} is also written, differently, by '${prev.owner}'`);
        continue;
      }
      registry.set(key, { object: o, owner: this.node.path });
      const { apiVersion, kind, metadata, ...body } = o;
      const object = new ApiObject(this, key.replace('/', '-'), { apiVersion, kind, metadata: { ...metadata, namespace: undefined }, ...body });
      // cdk8s gives every object its chart's namespace; a cluster-scoped template has none.
      if (kind === 'ClusterAnalysisTemplate' && chart.namespace) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    }
    this.node.addValidation({ validate: () => this.problems.map(p => `Rollout '${this.name}': ${p}`) });
  }

  /** @see kplus.IScalable.markHasAutoscaler */
  public markHasAutoscaler(): void {
    this.hasAutoscaler = true;
  }

  /** @see kplus.IScalable.toScalingTarget */
  public toScalingTarget(): kplus.ScalingTarget {
    return {
      kind: 'Rollout',
      apiVersion: 'argoproj.io/v1alpha1',
      name: this.name,
      containers: this.containers,
      replicas: this.props.replicas,
    };
  }

  private propErrors(p: RolloutProps): string[] {
    const errors: string[] = [];
    if (!(p.strategy instanceof RolloutStrategy)) errors.push("'strategy' must be RolloutStrategy.canary(...) or RolloutStrategy.blueGreen(...)");
    if (!!p.podTemplate === !!p.workloadRef) errors.push("give 'podTemplate' or 'workloadRef', exactly one");
    if (p.podTemplate && !p.podTemplate.containers?.length) errors.push("'podTemplate.containers' is empty");
    if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 0)) errors.push(`'replicas' (${show(p.replicas)}) must be a non-negative integer`);
    if (p.revisionHistoryLimit !== undefined && (!Number.isInteger(p.revisionHistoryLimit) || p.revisionHistoryLimit < 0)) errors.push(`'revisionHistoryLimit' (${show(p.revisionHistoryLimit)}) must be a non-negative integer`);
    const minReady = p.minReady?.toSeconds() ?? 0;
    const deadline = p.progressDeadline?.toSeconds() ?? 600;
    for (const [prop, v] of [['minReady', minReady], ['progressDeadline', deadline]] as const) {
      if (!Number.isInteger(v) || v < 0) errors.push(`'${prop}' (${show(v)} s) must be a whole, non-negative number of seconds`);
    }
    if (deadline <= minReady) errors.push(`'progressDeadline' (${deadline} s) must be greater than 'minReady' (${minReady} s)`);
    errors.push(...labelMapErrors('selectorLabels', p.selectorLabels));
    if (p.selectorLabels && Object.keys(p.selectorLabels).length === 0) errors.push("'selectorLabels' is empty: empty selector is invalid for deployment");
    const limit = p.strategy?._blueGreen?.scaleDownDelayRevisionLimit ?? p.strategy?._canary?.scaleDownDelayRevisionLimit;
    if (limit !== undefined && limit > (p.revisionHistoryLimit ?? 10)) {
      errors.push(`'scaleDownDelayRevisionLimit' (${limit}) is more than 'revisionHistoryLimit' (${p.revisionHistoryLimit ?? 10}): This rollout's revision history limit can not be smaller than the rollout's scale down limit`);
    }
    if (p.servicePort !== undefined && (!Number.isInteger(p.servicePort) || p.servicePort < 1 || p.servicePort > 65535)) errors.push(`'servicePort' (${show(p.servicePort)}) must be between 1 and 65535`);
    return errors;
  }
}

/** Renders cdk8s-plus pod props into a pod spec, in a detached app (nothing of it is synthesized). */
function renderPod(props: kplus.PodProps): { spec: any; containers: kplus.Container[] } {
  const app = new App({ outdir: '/nonexistent/cdk8s-fleet-rollout' });
  const chart = new Chart(app, 'pod');
  const { metadata: _metadata, ...rest } = props;
  void _metadata;
  const pod = new (cdk8sPlus().Pod)(chart, 'Pod', rest);
  return { spec: apiObjectOf(pod).toJson().spec, containers: pod.containers };
}

const registries = new WeakMap<Chart, Map<string, { object: any; owner: string }>>();

/** Objects the Rollouts of a chart wrote, so that two Rollouts sharing a template write it once. */
function chartRegistry(chart: Chart): Map<string, { object: any; owner: string }> {
  let r = registries.get(chart);
  if (!r) {
    r = new Map();
    registries.set(chart, r);
  }
  return r;
}

/** The L1 ApiObject of a cdk8s-plus resource (its only ApiObject child). */
function apiObjectOf(resource: Construct): ApiObject {
  const found = resource.node.children.find(ApiObject.isApiObject);
  if (!found) throw new Error(`${resource.node.path} has no ApiObject`);
  return found;
}
