import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CanaryStep, ObjectMetadataOptions, RolloutAnalysisOptions } from './canary-step';
import type { CanaryTrafficRouting } from './traffic-routing';
import { show } from '../private/errors';
import { analysisOptionsModule } from '../private/lazy';
import { annotationMapErrors, labelMapErrors } from '../private/names';

/** Keeps the Rollout's pods (new and old ReplicaSets) off the same nodes. */
export class AntiAffinity {
  /** Prefer other nodes, with `weight` 1–100. */
  public static preferred(weight: number = 1): AntiAffinity {
    if (!Number.isInteger(weight) || weight < 1 || weight > 100) throw new Error(`AntiAffinity.preferred 'weight' (${show(weight)}): AntiAffinity weight must be between 1-100`);
    return new AntiAffinity({ preferredDuringSchedulingIgnoredDuringExecution: { weight } });
  }

  /** Require other nodes. */
  public static required(): AntiAffinity {
    return new AntiAffinity({ requiredDuringSchedulingIgnoredDuringExecution: {} });
  }

  private constructor(/** @internal */ public readonly _json: any) {}
}

/** When a blue-green Rollout switches the active Service to the new version. */
export class AutoPromotion {
  /** As soon as the preview is ready (and pre-promotion analysis, if any, succeeded). Argo Rollouts' default. */
  public static immediately(): AutoPromotion {
    return new AutoPromotion(undefined, undefined);
  }

  /** After `delay` (whole seconds); a pre-promotion analysis still running then is marked successful. */
  public static after(delay: Duration): AutoPromotion {
    const s = delay.toSeconds();
    if (!Number.isInteger(s) || s <= 0) throw new Error(`AutoPromotion.after 'delay' (${show(delay.toMilliseconds())} ms) must be a positive whole number of seconds`);
    return new AutoPromotion(undefined, s);
  }

  /** Only when someone promotes it. */
  public static manual(): AutoPromotion {
    return new AutoPromotion(false, undefined);
  }

  private constructor(
    /** @internal */ public readonly _enabled: boolean | undefined,
    /** @internal */ public readonly _seconds: number | undefined,
  ) {}
}

/** Background analysis: runs alongside the canary steps, from `startingStep`. */
export interface BackgroundAnalysisOptions extends RolloutAnalysisOptions {
  /**
   * The step index it starts at.
   * @default 0
   */
  readonly startingStep?: number;
}

/** Options of a canary Rollout. */
export interface CanaryStrategyOptions {
  /**
   * The steps. Without steps the canary is a rolling update (`maxSurge`, `maxUnavailable`).
   * @default - none
   */
  readonly steps?: CanaryStep[];
  /**
   * The traffic router. Without one, weights are realised by replica counts.
   * @default - none
   */
  readonly trafficRouting?: CanaryTrafficRouting;
  /**
   * Analysis running in the background during the steps; it may run until the Rollout completes.
   * @default - none
   */
  readonly analysis?: BackgroundAnalysisOptions;
  /** @default 25% */
  readonly maxSurge?: kplus.PercentOrAbsolute;
  /** @default 25% */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
  /** @default - none */
  readonly antiAffinity?: AntiAffinity;
  /**
   * Metadata on canary pods (ephemeral: removed when they become stable).
   * @default - none
   */
  readonly canaryMetadata?: ObjectMetadataOptions;
  /**
   * Metadata on stable pods.
   * @default - none
   */
  readonly stableMetadata?: ObjectMetadataOptions;
  /**
   * How long the old stable pods stay up after the promotion (traffic routing only).
   * @default Duration.seconds(30) with traffic routing
   */
  readonly scaleDownDelay?: Duration;
  /**
   * Old ReplicaSets kept up during their scale-down delay.
   * @default - no limit
   */
  readonly scaleDownDelayRevisionLimit?: number;
  /**
   * How long the canary stays up after an abort (traffic routing only).
   * @default Duration.seconds(30)
   */
  readonly abortScaleDownDelay?: Duration;
  /**
   * Scale the stable ReplicaSet down as traffic moves to the canary (traffic routing only; not with
   * `scaleDownDelay`).
   * @default false
   */
  readonly dynamicStableScale?: boolean;
  /**
   * Minimum pods per ReplicaSet (traffic routing only).
   * @default 1
   */
  readonly minPodsPerReplicaSet?: number;
}

/** Options of a blue-green Rollout. */
export interface BlueGreenStrategyOptions {
  /** @default AutoPromotion.immediately() */
  readonly autoPromotion?: AutoPromotion;
  /**
   * Replicas of the preview before promotion.
   * @default - the full replica count
   */
  readonly previewReplicaCount?: number;
  /**
   * Analysis that gates the switch to the new version; it must terminate.
   * @default - none
   */
  readonly prePromotionAnalysis?: RolloutAnalysisOptions;
  /**
   * Analysis after the switch; a failure switches back. It must terminate.
   * @default - none
   */
  readonly postPromotionAnalysis?: RolloutAnalysisOptions;
  /**
   * How long the old version stays up after the switch.
   * @default Duration.seconds(30)
   */
  readonly scaleDownDelay?: Duration;
  /**
   * Old ReplicaSets kept up during their scale-down delay (at most `revisionHistoryLimit`).
   * @default - no limit
   */
  readonly scaleDownDelayRevisionLimit?: number;
  /**
   * How long the preview stays up after an abort.
   * @default Duration.seconds(30)
   */
  readonly abortScaleDownDelay?: Duration;
  /** @default - none */
  readonly antiAffinity?: AntiAffinity;
  /** @default - none */
  readonly activeMetadata?: ObjectMetadataOptions;
  /** @default - none */
  readonly previewMetadata?: ObjectMetadataOptions;
  /** @default 0 */
  readonly maxUnavailable?: kplus.PercentOrAbsolute;
}

/**
 * How a Rollout replaces its pods: a canary (steps, traffic routing, analysis) or blue-green (active and preview
 * Services, promotion, analysis). Everything the Argo Rollouts v1.9.1 controller would reject with `InvalidSpec`
 * is rejected here, most of it by the API's shape.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/
 */
export class RolloutStrategy {
  /** A canary. */
  public static canary(options: CanaryStrategyOptions = {}): RolloutStrategy {
    const errors: string[] = [];
    const router = options.trafficRouting;
    const steps = options.steps ?? [];
    steps.forEach((s, i) => {
      if (!(s instanceof CanaryStep)) {
        errors.push(`steps[${i}] is not a CanaryStep`);
        return;
      }
      const needs = s._info.router;
      if (needs && needs !== router) {
        errors.push(`steps[${i}] (${s._kind}) belongs to ${router ? 'another traffic router' : `a ${needs._kind} traffic router, and this canary has no 'trafficRouting'`}`);
      }
      if (s._info.weight !== undefined && router && s._info.weight > router._maxTrafficWeight) {
        errors.push(`steps[${i}] setWeight (${s._info.weight}): SetWeight needs to be between 0 and ${router._maxTrafficWeight}`);
      }
    });
    if (!router) {
      if (options.scaleDownDelay) errors.push("'scaleDownDelay': Canary scaleDownDelaySeconds can only be used with traffic routing");
      if (options.dynamicStableScale) errors.push("'dynamicStableScale': Canary dynamicStableScale can only be used with traffic routing");
      if (options.abortScaleDownDelay) errors.push("'abortScaleDownDelay' only applies with traffic routing");
      if (options.minPodsPerReplicaSet !== undefined) errors.push("'minPodsPerReplicaSet' only applies with traffic routing");
    } else if (options.scaleDownDelay && options.dynamicStableScale) {
      errors.push("'dynamicStableScale': Canary dynamicStableScale cannot be used with scaleDownDelaySeconds");
    }
    if (options.maxSurge?.isZero() && options.maxUnavailable?.isZero()) errors.push("'maxSurge' and 'maxUnavailable': MaxSurge and MaxUnavailable both can not be zero");
    errors.push(...seconds(options.scaleDownDelay, 'scaleDownDelay'), ...seconds(options.abortScaleDownDelay, 'abortScaleDownDelay'));
    errors.push(...nonNegative(options.scaleDownDelayRevisionLimit, 'scaleDownDelayRevisionLimit'), ...nonNegative(options.minPodsPerReplicaSet, 'minPodsPerReplicaSet'));
    errors.push(...metadataErrors(options.canaryMetadata, 'canaryMetadata'), ...metadataErrors(options.stableMetadata, 'stableMetadata'));
    if (options.analysis) {
      const start = options.analysis.startingStep;
      if (start !== undefined && (!Number.isInteger(start) || start < 0 || (steps.length > 0 && start >= steps.length))) {
        errors.push(`'analysis.startingStep' (${show(start)}) must be a step index (0 to ${Math.max(steps.length - 1, 0)})`);
      }
      try {
        analysisOptionsModule().checkAnalysis(options.analysis, "'analysis'", false);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (errors.length) throw new Error(`RolloutStrategy.canary:\n  ${errors.join('\n  ')}`);
    return new RolloutStrategy('canary', options, {});
  }

  /** Blue-green. */
  public static blueGreen(options: BlueGreenStrategyOptions = {}): RolloutStrategy {
    const errors: string[] = [];
    for (const [prop, analysis] of [['prePromotionAnalysis', options.prePromotionAnalysis], ['postPromotionAnalysis', options.postPromotionAnalysis]] as const) {
      if (!analysis) continue;
      try {
        analysisOptionsModule().checkAnalysis(analysis, `'${prop}'`, true);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    errors.push(...nonNegative(options.previewReplicaCount, 'previewReplicaCount'), ...nonNegative(options.scaleDownDelayRevisionLimit, 'scaleDownDelayRevisionLimit'));
    errors.push(...seconds(options.scaleDownDelay, 'scaleDownDelay'), ...seconds(options.abortScaleDownDelay, 'abortScaleDownDelay'));
    errors.push(...metadataErrors(options.activeMetadata, 'activeMetadata'), ...metadataErrors(options.previewMetadata, 'previewMetadata'));
    if (errors.length) throw new Error(`RolloutStrategy.blueGreen:\n  ${errors.join('\n  ')}`);
    return new RolloutStrategy('blueGreen', {}, options);
  }

  private constructor(
    /** `canary` or `blueGreen`. */ public readonly kind: string,
    /** @internal */ public readonly _canary: CanaryStrategyOptions,
    /** @internal */ public readonly _blueGreen: BlueGreenStrategyOptions,
  ) {}
}

function seconds(d: Duration | undefined, prop: string): string[] {
  if (d === undefined) return [];
  const ms = d.toMilliseconds();
  return ms < 0 || ms % 1000 !== 0 ? [`'${prop}' (${show(ms)} ms) must be a whole, non-negative number of seconds`] : [];
}

function nonNegative(n: number | undefined, prop: string): string[] {
  return n !== undefined && (!Number.isInteger(n) || n < 0) ? [`'${prop}' (${show(n)}) must be a non-negative integer`] : [];
}

function metadataErrors(m: ObjectMetadataOptions | undefined, prop: string): string[] {
  return m ? [...labelMapErrors(`${prop}.labels`, m.labels), ...annotationMapErrors(`${prop}.annotations`, m.annotations)] : [];
}
