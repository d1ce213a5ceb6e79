import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ApplicationSetGeneratorConfig, IApplicationSetGenerator, LabelSelectorRequirement } from './generators';
import { show } from '../private/errors';
import { seconds } from '../private/generator-options';
import { renderRequirements } from '../private/selector';
import { sortedMap } from '../private/util';

// Generators whose parameters come from outside the fleet: a duck-typed resource, a plugin, pull requests,
// and SCM providers. Credentials are references to Secrets in the Argo CD namespace, never values.

/** A key of a Secret in the Argo CD namespace. */
export interface SecretKeyReference {
  /** The Secret's name. */
  readonly secretName: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** Basic authentication for Bitbucket: a user name and a password or app password from a Secret. */
export interface BasicAuth {
  /** The user name. */
  readonly username: string;
  /** The password (or Bitbucket app password), from a Secret in the Argo CD namespace. */
  readonly passwordRef: SecretKeyReference;
}

/** A key of a ConfigMap in the Argo CD namespace (a CA bundle, say). */
export interface ConfigMapKeyReference {
  /** The ConfigMap's name. */
  readonly configMapName: string;
  /** The key in the ConfigMap. */
  readonly key: string;
}

/** Options for `ClusterDecisionResourceGenerator`. */
export interface ClusterDecisionResourceGeneratorOptions {
  /** The ConfigMap that names the duck-typed resource kind and how to read its status. */
  readonly configMapRef: string;
  /**
   * The resource's name. Give `name` or a label selector.
   * @default - selected by labels
   */
  readonly name?: string;
  /** @default - no label condition */
  readonly matchLabels?: Record<string, string>;
  /** @default - no expression condition */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * How often the resource is re-read.
   * @default - Argo CD's default (3 minutes)
   */
  readonly requeueAfter?: Duration;
  /** @default - none */
  readonly values?: Record<string, string>;
}

/**
 * The cluster decision resource generator: clusters listed in the status of a duck-typed resource (e.g. an
 * Open Cluster Management PlacementDecision).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster-Decision-Resource/
 */
export class ClusterDecisionResourceGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: ClusterDecisionResourceGeneratorOptions) {
    if (!options.configMapRef) throw new Error(`ClusterDecisionResourceGenerator 'configMapRef' is required (got ${show(options.configMapRef)})`);
    const selected = Object.keys(options.matchLabels ?? {}).length > 0 || (options.matchExpressions ?? []).length > 0;
    if (!options.name === !selected) {
      throw new Error("ClusterDecisionResourceGenerator needs either 'name' or a label selector ('matchLabels'/'matchExpressions'), not both");
    }
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    const selected = Object.keys(o.matchLabels ?? {}).length > 0 || (o.matchExpressions ?? []).length > 0;
    return {
      generator: {
        clusterDecisionResource: {
          configMapRef: o.configMapRef,
          name: o.name,
          labelSelector: selected ? {
            matchLabels: sortedMap(o.matchLabels),
            matchExpressions: renderRequirements(o.matchExpressions),
          } : undefined,
          requeueAfterSeconds: seconds(o.requeueAfter),
          values: sortedMap(o.values),
        },
      },
    };
  }
}

/** Options for `PluginGenerator`. */
export interface PluginGeneratorOptions {
  /** The ConfigMap that configures the plugin service. */
  readonly configMapRef: string;
  /**
   * Parameters sent to the plugin (`input.parameters`).
   * @default - none
   */
  readonly parameters?: Record<string, any>;
  /**
   * How often the plugin is asked again.
   * @default - Argo CD's default (30 minutes)
   */
  readonly requeueAfter?: Duration;
  /** @default - none */
  readonly values?: Record<string, string>;
}

/**
 * The plugin generator: parameters from an HTTP service.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Plugin/
 */
export class PluginGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: PluginGeneratorOptions) {
    if (!options.configMapRef) throw new Error(`PluginGenerator 'configMapRef' is required (got ${show(options.configMapRef)})`);
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    return {
      generator: {
        plugin: {
          configMapRef: { name: o.configMapRef },
          input: o.parameters ? { parameters: o.parameters } : undefined,
          requeueAfterSeconds: seconds(o.requeueAfter),
          values: sortedMap(o.values),
        },
      },
    };
  }
}
