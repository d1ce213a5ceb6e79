import { show } from '../private/errors';
import { WorkloadScaleDown } from '../rollouts/rollout';
import { RolloutStrategy } from '../rollouts/rollout-strategy';

/** Options of a Rollout made from a workload's Deployment. */
export interface RolloutDeliveryOptions {
  /**
   * The Deployment to deliver, by `metadata.name`.
   * @default - the workload's only Deployment
   */
  readonly deployment?: string;
  /**
   * Abort the update when the progress deadline is exceeded.
   * @default false
   */
  readonly progressDeadlineAbort?: boolean;
}

/** Options of a Rollout that references the workload's Deployment (migration). */
export interface WorkloadRefDeliveryOptions extends RolloutDeliveryOptions {
  /**
   * What the controller does to the Deployment.
   * @default WorkloadScaleDown.ON_SUCCESS
   */
  readonly scaleDown?: WorkloadScaleDown;
}

/**
 * How a Workload's Deployment is delivered on the clusters an override selects: as defined (a Deployment), or
 * by Argo Rollouts. The definition stays a cdk8s-plus Deployment; for a Rollout the library turns it into one
 * (with its pod template, or referencing it), makes the Services, Ingress, VirtualService, DestinationRule and
 * analysis templates the strategy needs, retargets HorizontalPodAutoscalers to the Rollout, and adds the
 * `ignoreDifferences` Argo CD needs so that it does not fight the controller.
 *
 * @example
 * const staging: WorkloadOverride = {
 *   match: ClusterMatch.environment('staging'),
 *   settings: {
 *     delivery: DeliveryStrategy.rollout(RolloutStrategy.canary({
 *       steps: [CanaryStep.weight(20), CanaryStep.pause(Duration.minutes(5)), CanaryStep.weight(50), CanaryStep.pauseUntilPromoted()],
 *     })),
 *   },
 * };
 */
export class DeliveryStrategy {
  /** The Deployment as defined (to turn a Rollout of a broader override back off). */
  public static deployment(): DeliveryStrategy {
    return new DeliveryStrategy('deployment', undefined, {});
  }

  /** A Rollout with the Deployment's pod template; the Deployment is not written. */
  public static rollout(strategy: RolloutStrategy, options: RolloutDeliveryOptions = {}): DeliveryStrategy {
    if (!(strategy instanceof RolloutStrategy)) throw new Error(`DeliveryStrategy.rollout: 'strategy' (${show(strategy)}) must be a RolloutStrategy`);
    return new DeliveryStrategy('rollout', strategy, options);
  }

  /**
   * A Rollout that references the Deployment (`workloadRef`), the documented migration path: the Deployment
   * stays, and the controller scales it down as `scaleDown` says (Argo CD then ignores its replica count).
   */
  public static rolloutWithWorkloadRef(strategy: RolloutStrategy, options: WorkloadRefDeliveryOptions = {}): DeliveryStrategy {
    if (!(strategy instanceof RolloutStrategy)) throw new Error(`DeliveryStrategy.rolloutWithWorkloadRef: 'strategy' (${show(strategy)}) must be a RolloutStrategy`);
    return new DeliveryStrategy('workloadRef', strategy, options);
  }

  private constructor(
    /** `deployment`, `rollout` or `workloadRef`. */ public readonly kind: string,
    /** @internal */ public readonly _strategy: RolloutStrategy | undefined,
    /** @internal */ public readonly _options: WorkloadRefDeliveryOptions,
  ) {}
}
