import { Duration } from 'cdk8s';
import { AnalysisRunArgument } from './analysis-argument';
import type { IAnalysisTemplate } from './analysis-template';
import type { StepRenderContext } from './private/analysis-options';
import type { CanaryTrafficRouting } from './traffic-routing';
import { goDuration } from '../private/duration';
import { show } from '../private/errors';
import { analysisOptionsModule } from '../private/lazy';
import { ownValue } from '../private/util';

/** A retention limit for one metric's measurements in the runs of an analysis. */
export interface MeasurementRetention {
  /** The metric's name. */
  readonly metricName: string;
  /** Measurements kept. */
  readonly limit: number;
}

/** Labels and annotations (on analysis runs, or on canary and stable pods). */
export interface ObjectMetadataOptions {
  /** @default - none */
  readonly labels?: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
}

/** An analysis the Rollout runs: one or more templates and the arguments it passes them. */
export interface RolloutAnalysisOptions {
  /** The templates (their metrics run together in one AnalysisRun). */
  readonly templates: IAnalysisTemplate[];
  /**
   * Values for the templates' arguments. Every required argument of a template defined in this program must be
   * supplied, and every value must name one of its arguments.
   * @default - none
   */
  readonly args?: AnalysisRunArgument[];
  /**
   * Metrics that run without failing the analysis (dry run).
   * @default - none
   */
  readonly dryRunMetrics?: string[];
  /**
   * Measurement retention per metric.
   * @default - the controller's default (10)
   */
  readonly measurementRetention?: MeasurementRetention[];
  /**
   * Labels and annotations of the AnalysisRuns.
   * @default - none
   */
  readonly analysisRunMetadata?: ObjectMetadataOptions;
}

/** Which pod template an experiment's ReplicaSet runs. */
export enum ExperimentSpecRef {
  CANARY = 'canary',
  STABLE = 'stable',
}

/** One ReplicaSet of an experiment. */
export interface ExperimentTemplate {
  /** The template's name. */
  readonly name: string;
  /** The pod template it runs. */
  readonly specRef: ExperimentSpecRef;
  /**
   * Its replicas.
   * @default 1
   */
  readonly replicas?: number;
}

/** An analysis run during an experiment. */
export interface ExperimentAnalysis {
  /** The analysis's name in the experiment. */
  readonly name: string;
  /** The template. */
  readonly template: IAnalysisTemplate;
  /** @default - none */
  readonly args?: AnalysisRunArgument[];
  /**
   * The experiment runs until this analysis completes.
   * @default false
   */
  readonly requiredForCompletion?: boolean;
}

/** Options of an experiment step. */
export interface ExperimentStepOptions {
  /** The ReplicaSets to run. */
  readonly templates: ExperimentTemplate[];
  /**
   * How long the experiment runs.
   * @default - until its analyses complete
   */
  readonly duration?: Duration;
  /** @default - none */
  readonly analyses?: ExperimentAnalysis[];
}

/** What the Rollout needs to know of a step. */
interface StepInfo {
  readonly weight?: number;
  readonly router?: CanaryTrafficRouting;
  readonly routeName?: string;
  readonly templates?: IAnalysisTemplate[];
}

/**
 * A step of a canary Rollout. Each step does one thing. Steps that need a traffic router come from the router
 * (`nginx.canaryScale(...)`, `istio.headerRoute(...)`, `istio.mirrorRoute(...)`, weighted
 * `istio.experiment(...)`), so a step the router cannot do cannot be written.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
 */
export class CanaryStep {
  /** Send `percent` of the traffic (or of the replicas, without traffic routing) to the canary (`setWeight`). */
  public static weight(percent: number): CanaryStep {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new Error(`CanaryStep.weight 'percent' (${show(percent)}) must be an integer between 0 and 100`);
    }
    return new CanaryStep('setWeight', () => ({ setWeight: percent }), { weight: percent });
  }

  /** Wait for `duration` (whole seconds, written with units, e.g. `5m`). */
  public static pause(duration: Duration): CanaryStep {
    const ms = duration.toMilliseconds();
    if (ms < 0 || ms % 1000 !== 0) throw new Error(`CanaryStep.pause 'duration' (${show(ms)} ms) must be a whole, non-negative number of seconds`);
    return new CanaryStep('pause', () => ({ pause: { duration: goDuration(duration) } }));
  }

  /** Wait until someone promotes the Rollout (`kubectl argo rollouts promote`, or Argo CD's resume action). */
  public static pauseUntilPromoted(): CanaryStep {
    return new CanaryStep('pause', () => ({ pause: {} }));
  }

  /**
   * Run an analysis and wait for it; a failed analysis aborts the Rollout, an inconclusive one pauses it. Its
   * metrics must terminate (a count, or no interval).
   */
  public static analysis(options: RolloutAnalysisOptions): CanaryStep {
    analysisOptionsModule().checkAnalysis(options, 'CanaryStep.analysis', true);
    return new CanaryStep('analysis', ctx => ({ analysis: analysisOptionsModule().renderAnalysis(options, ctx) }), { templates: [...options.templates] });
  }

  /** Run an experiment: extra ReplicaSets from the canary or stable pod template, with optional analyses. */
  public static experiment(options: ExperimentStepOptions): CanaryStep {
    return CanaryStep._experiment(options, undefined);
  }

  /** @internal An experiment; `weights` (by template name) only through a router that supports them. */
  public static _experiment(options: ExperimentStepOptions, weights: Record<string, number> | undefined, router?: CanaryTrafficRouting): CanaryStep {
    const errors: string[] = [];
    if (!options.templates?.length) errors.push("'templates' is empty");
    const names = new Set<string>();
    for (const t of options.templates ?? []) {
      if (!t.name) errors.push('a template needs a name');
      if (names.has(t.name)) errors.push(`template ${show(t.name)} is listed twice`);
      names.add(t.name);
      if (t.replicas !== undefined && (!Number.isInteger(t.replicas) || t.replicas < 0)) errors.push(`template ${show(t.name)} 'replicas' (${show(t.replicas)}) must be a non-negative integer`);
    }
    for (const [name, w] of Object.entries(weights ?? {})) {
      if (!names.has(name)) errors.push(`weight for ${show(name)}, which is not a template of the experiment`);
      if (!Number.isInteger(w) || w < 0 || w > 100) errors.push(`weight of ${show(name)} (${show(w)}) must be an integer between 0 and 100`);
    }
    const ms = options.duration?.toMilliseconds();
    if (ms !== undefined && (ms <= 0 || ms % 1000 !== 0)) errors.push(`'duration' (${show(ms)} ms) must be a positive whole number of seconds`);
    for (const a of options.analyses ?? []) {
      try {
        analysisOptionsModule().checkAnalysis({ templates: [a.template], args: a.args }, `analysis ${show(a.name)}`, false);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    if (errors.length) throw new Error(`CanaryStep.experiment: ${errors.join('; ')}`);
    return new CanaryStep('experiment', ctx => ({
      experiment: {
        duration: options.duration ? goDuration(options.duration) : undefined,
        templates: options.templates.map(t => ({ name: t.name, specRef: t.specRef, replicas: t.replicas, weight: ownValue(weights, t.name) })),
        analyses: options.analyses?.length ? options.analyses.map(a => ({
          name: a.name,
          templateName: a.template.templateName,
          clusterScope: a.template.clusterScope || undefined,
          args: analysisOptionsModule().renderArgs(a.args, ctx),
          requiredForCompletion: a.requiredForCompletion || undefined,
        })) : undefined,
      },
    }), { router, templates: (options.analyses ?? []).map(a => a.template) });
  }

  /** @internal A step made by a router. */
  public static _routed(kind: string, router: CanaryTrafficRouting, render: (ctx: StepRenderContext) => any, routeName?: string): CanaryStep {
    return new CanaryStep(kind, render, { router, routeName });
  }

  private constructor(
    /** @internal */ public readonly _kind: string,
    /** @internal */ public readonly _render: (ctx: StepRenderContext) => any,
    /** @internal */ public readonly _info: StepInfo = {},
  ) {}

}
