import { show } from '../private/errors';
import { k8sValidationModule } from '../private/lazy';

const ARG_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*$/;

function argNameErrors(name: string): string[] {
  return typeof name === 'string' && ARG_NAME.test(name) && name.length <= 253
    ? []
    : [`argument name ${show(name)} must be letters, digits, '-', '_' or '.', starting with a letter or digit`];
}

/**
 * An argument an analysis template declares (`spec.args`). Use it in queries and conditions through its
 * placeholder — `${serviceName}` renders `{{args.service-name}}` — so a template can only refer to arguments it
 * declares.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#analysis-template-arguments
 */
export class AnalysisArgument {
  /** An argument the Rollout (or experiment) must supply. */
  public static required(name: string): AnalysisArgument {
    return new AnalysisArgument(name, {});
  }

  /** An argument with a default value, which a Rollout may override. */
  public static withDefault(name: string, value: string): AnalysisArgument {
    if (typeof value !== 'string') throw new Error(`AnalysisArgument.withDefault '${name}': 'value' (${show(value)}) must be a string`);
    return new AnalysisArgument(name, { value });
  }

  /**
   * An argument read from a key of a Secret in the AnalysisRun's namespace (for tokens in queries or headers). The
   * value never reaches the tree, and the controller redacts it from measurement messages.
   */
  public static fromSecret(name: string, secretName: string, key: string): AnalysisArgument {
    if (!secretName || !key) throw new Error(`AnalysisArgument.fromSecret '${name}': 'secretName' (${show(secretName)}) and 'key' (${show(key)}) are required`);
    return new AnalysisArgument(name, { valueFrom: { secretKeyRef: { name: secretName, key } } });
  }

  /** An argument read from a field of the AnalysisRun (`valueFrom.fieldRef`), e.g. `metadata.namespace`. */
  public static fromField(name: string, fieldPath: string): AnalysisArgument {
    if (!fieldPath) throw new Error(`AnalysisArgument.fromField '${name}': 'fieldPath' is required`);
    return new AnalysisArgument(name, { valueFrom: { fieldRef: { fieldPath } } });
  }

  /** The argument's name. */
  public readonly name: string;
  /** `{{args.<name>}}`, as the controller substitutes it into the template's metrics. */
  public readonly placeholder: string;

  private constructor(name: string, private readonly source: { value?: string; valueFrom?: any }) {
    const errors = argNameErrors(name);
    if (errors.length) throw new Error(`AnalysisArgument: ${errors.join('; ')}`);
    this.name = name;
    this.placeholder = `{{args.${name}}}`;
  }

  /** Whether a Rollout has to supply the value (no default, secret or field). */
  public get isRequired(): boolean {
    return this.source.value === undefined && this.source.valueFrom === undefined;
  }

  /** The default value, if any. */
  public get defaultValue(): string | undefined {
    return this.source.value;
  }

  /** The placeholder, so that the argument can be used in template strings. */
  public toString(): string {
    return this.placeholder;
  }

  /** @internal */
  public _toJson(): any {
    return { name: this.name, value: this.source.value, valueFrom: this.source.valueFrom };
  }
}

/** Which ReplicaSet's pod template hash an argument takes (`valueFrom.podTemplateHashValue`). */
export enum PodTemplateHash {
  /** The stable ReplicaSet's. */
  STABLE = 'Stable',
  /** The new (canary or preview) ReplicaSet's. */
  LATEST = 'Latest',
}

/**
 * A value a Rollout passes to an analysis template's argument (`analysis.args` of a step, the background
 * analysis, or a promotion analysis).
 */
export class AnalysisRunArgument {
  /** A literal value. */
  public static value(name: string, value: string): AnalysisRunArgument {
    if (typeof value !== 'string') throw new Error(`AnalysisRunArgument.value '${name}': 'value' (${show(value)}) must be a string`);
    return new AnalysisRunArgument(name, { value });
  }

  /** The pod template hash of the stable or the latest ReplicaSet, to select its pods in a query. */
  public static podTemplateHash(name: string, which: PodTemplateHash): AnalysisRunArgument {
    return new AnalysisRunArgument(name, { valueFrom: { podTemplateHashValue: which } });
  }

  /**
   * A field of the Rollout: `metadata.name`, `metadata.namespace`, `metadata.uid`, `metadata.labels['key']`,
   * `metadata.annotations['key']`, or any other path of the Rollout (`status.canary.weights.canary.podTemplateHash`).
   */
  public static fieldRef(name: string, fieldPath: string): AnalysisRunArgument {
    if (typeof fieldPath !== 'string' || fieldPath === '') throw new Error(`AnalysisRunArgument.fieldRef '${name}': 'fieldPath' is required`);
    if (fieldPath.startsWith('metadata')) {
      const probe = k8sValidationModule().extractMetadataFieldPath({ metadata: {} }, fieldPath);
      if ('error' in probe) {
        throw new Error(`AnalysisRunArgument.fieldRef '${name}': 'fieldPath' (${show(fieldPath)}): Analyses arguments must refer to valid object metadata supported by downwardAPI (${probe.error})`);
      }
    }
    return new AnalysisRunArgument(name, { valueFrom: { fieldRef: { fieldPath } } });
  }

  /** The Rollout's stable Service name (the active Service for blue-green), filled in where the Rollout is rendered. */
  public static stableServiceName(name: string): AnalysisRunArgument {
    return new AnalysisRunArgument(name, { service: 'stable' });
  }

  /** The Rollout's canary Service name (the preview Service for blue-green), filled in where the Rollout is rendered. */
  public static canaryServiceName(name: string): AnalysisRunArgument {
    return new AnalysisRunArgument(name, { service: 'canary' });
  }

  /** The argument's name. */
  public readonly name: string;

  private constructor(name: string, private readonly source: { value?: string; valueFrom?: any; service?: 'stable' | 'canary' }) {
    const errors = argNameErrors(name);
    if (errors.length) throw new Error(`AnalysisRunArgument: ${errors.join('; ')}`);
    this.name = name;
  }

  /** @internal The argument as the Rollout writes it; service names come from the rendering context. */
  public _toJson(services: { stable?: string; canary?: string }): any {
    if (this.source.service) return { name: this.name, value: services[this.source.service] ?? '' };
    return { name: this.name, value: this.source.value, valueFrom: this.source.valueFrom };
  }

  /** @internal Whether the value needs the Rollout's Services. */
  public get _serviceName(): 'stable' | 'canary' | undefined {
    return this.source.service;
  }
}
