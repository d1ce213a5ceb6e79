import { show } from '../private/errors';
import { labelValueErrors, qualifiedNameErrors } from '../private/names';
import { hasOwn } from '../private/util';

/** How many Applications of a step may sync at once. */
export class MaxUpdate {
  /** At most `count` Applications at a time; 0 means the step is never synced automatically. */
  public static count(count: number): MaxUpdate {
    if (!Number.isInteger(count) || count < 0) throw new Error(`MaxUpdate.count 'count' (${show(count)}) must be a non-negative integer`);
    return new MaxUpdate(count);
  }

  /** At most this percentage of the step's Applications at a time (rounded down; at least one above 0%). */
  public static percent(percent: number): MaxUpdate {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new Error(`MaxUpdate.percent 'percent' (${show(percent)}) must be an integer from 0 to 100`);
    }
    return new MaxUpdate(`${percent}%`);
  }

  private constructor(
    /** The value as Argo CD reads it (a number, or a string with '%'). */
    public readonly value: any,
  ) {}
}

/** The operator of a RollingSync step requirement: only In and NotIn are valid (foot-gun 11). */
export enum StepOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
}

/** One requirement on a generated Application's labels. */
export interface StepRequirement {
  /** The Application label key. */
  readonly key: string;
  /** In or NotIn. */
  readonly operator: StepOperator;
  /** The values. */
  readonly values: string[];
}

/** One step of a RollingSync. */
export interface RollingSyncStep {
  /** The Applications of this step: those whose labels meet every requirement. */
  readonly matchExpressions: StepRequirement[];
  /**
   * How many of them sync at once.
   * @default - all of them (100%)
   */
  readonly maxUpdate?: MaxUpdate;
}

/** Options for `ProgressiveSync.waves()`. */
export interface WavesOptions {
  /** The Application label that names the wave (set it in the template, e.g. from a cluster label). */
  readonly labelKey: string;
  /** The waves in order: each the label values synced together. */
  readonly waves: string[][];
  /**
   * Finish with a step for every Application whose label is in none of the waves.
   * @default true
   */
  readonly remainder?: boolean;
  /**
   * How many Applications of each step sync at once.
   * @default - all of a step at once
   */
  readonly maxUpdate?: MaxUpdate;
}

/**
 * Progressive syncs of an ApplicationSet (`strategy: RollingSync`). The ApplicationSet controller must run
 * with progressive syncs enabled (`--enable-progressive-syncs`, or `applicationsetcontroller.enable.progressive.syncs:
 * "true"` in `argocd-cmd-params-cm`); otherwise Argo CD silently ignores the strategy. While it is on, the
 * controller turns off `automated` sync on the generated Applications and syncs them step by step; an
 * Application that matches no step is never synced (foot-gun 11).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Progressive-Syncs/
 */
export class ProgressiveSync {
  /** Explicit steps. */
  public static rollingSync(steps: RollingSyncStep[]): ProgressiveSync {
    return new ProgressiveSync(steps);
  }

  /**
   * Steps by the values of one Application label: e.g. `{ labelKey: 'wave', waves: [['canary'], ['eu-west-1']] }`
   * syncs the canaries first, then one region, then (with `remainder`) everything else.
   */
  public static waves(options: WavesOptions): ProgressiveSync {
    if (!options.waves?.length || options.waves.some(w => !w.length)) {
      throw new Error(`ProgressiveSync.waves 'waves' must be a non-empty list of non-empty value lists (got ${show(options.waves)})`);
    }
    const steps: RollingSyncStep[] = options.waves.map(values => ({
      matchExpressions: [{ key: options.labelKey, operator: StepOperator.IN, values }],
      maxUpdate: options.maxUpdate,
    }));
    if (options.remainder ?? true) {
      steps.push({
        matchExpressions: [{ key: options.labelKey, operator: StepOperator.NOT_IN, values: options.waves.flat() }],
        maxUpdate: options.maxUpdate,
      });
    }
    return new ProgressiveSync(steps);
  }

  private constructor(public readonly steps: RollingSyncStep[]) {
    const errors: string[] = [];
    if (!steps?.length) errors.push('needs at least one step');
    steps.forEach((step, i) => {
      if (!step.matchExpressions?.length) errors.push(`step ${i} needs 'matchExpressions'`);
      for (const r of step.matchExpressions ?? []) {
        errors.push(...qualifiedNameErrors(r.key).map(e => `step ${i} key ${show(r.key)} ${e}`));
        if (r.operator !== StepOperator.IN && r.operator !== StepOperator.NOT_IN) errors.push(`step ${i} operator ${show(r.operator)} must be In or NotIn`);
        if (!r.values?.length) errors.push(`step ${i} ${r.operator} on ${show(r.key)} needs 'values'`);
        for (const v of r.values ?? []) errors.push(...labelValueErrors(v).map(e => `step ${i} value ${show(v)} ${e}`));
      }
    });
    if (errors.length) throw new Error(`Invalid ProgressiveSync:\n  ${errors.join('\n  ')}`);
  }

  /** @internal Whether some step selects an Application with these labels (RollingSync's matching). */
  public _stepFor(labels: Record<string, string>): number | undefined {
    const i = this.steps.findIndex(step => step.matchExpressions.every(r => {
      const has = hasOwn(labels, r.key);
      // NotIn also matches Applications that lack the label, as Kubernetes label selectors do.
      return r.operator === StepOperator.IN ? has && r.values.includes(labels[r.key]) : !has || !r.values.includes(labels[r.key]);
    }));
    return i < 0 ? undefined : i;
  }

  /** @internal */
  public _toKube(): any {
    return {
      type: 'RollingSync',
      rollingSync: {
        steps: this.steps.map(s => ({
          matchExpressions: s.matchExpressions.map(r => ({ key: r.key, operator: r.operator, values: [...r.values] })),
          maxUpdate: s.maxUpdate?.value,
        })),
      },
    };
  }
}
