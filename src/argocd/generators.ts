import { IConstruct } from 'constructs';
import { show } from '../private/errors';
import { labelValueErrors, qualifiedNameErrors } from '../private/names';
import { sortedMap } from '../private/util';

/** What a generator contributes to an ApplicationSet: one entry of `spec.generators`, in Argo CD's format. */
export interface ApplicationSetGeneratorConfig {
  /** The generator object, e.g. `{ clusters: { selector: … } }`. */
  readonly generator: any;
}

/**
 * A generator of an ApplicationSet. `bind()` is called once per ApplicationSet that uses it.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators/
 */
export interface IApplicationSetGenerator {
  /** Renders the generator for `applicationSet`. */
  bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig;
}

/** A label selector operator valid in a cluster generator. */
export enum LabelSelectorOperator {
  IN = 'In',
  NOT_IN = 'NotIn',
  EXISTS = 'Exists',
  DOES_NOT_EXIST = 'DoesNotExist',
}

/** One `matchExpressions` requirement. */
export interface LabelSelectorRequirement {
  /** The label key. */
  readonly key: string;
  /** The operator. */
  readonly operator: LabelSelectorOperator;
  /**
   * The values: required for In and NotIn, forbidden for Exists and DoesNotExist.
   * @default - none
   */
  readonly values?: string[];
}

/** Options for `ClusterGenerator`. */
export interface ClusterGeneratorOptions {
  /**
   * Clusters whose Secret has all these labels.
   * @default - no label condition
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * Clusters that meet all these requirements.
   * @default - no expression condition
   */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * Extra parameters, each itself a template rendered per cluster (`values.<key>`).
   * @default - none
   */
  readonly values?: Record<string, string>;
  /**
   * Let the generator also produce Argo CD's implicit in-cluster entry, which has no labels, when no selector
   * is given. Without it (the default), the generator always selects on the cluster-Secret label, which
   * excludes the implicit entry (argocd-semantics foot-gun 2).
   * @default false
   */
  readonly includeImplicitInCluster?: boolean;
}

/**
 * The cluster generator: one parameter set per registered cluster that matches the selector.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster/
 *
 * @example
 * new ClusterGenerator({ matchLabels: { environment: 'production' } });
 */
export class ClusterGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: ClusterGeneratorOptions = {}) {
    const errors: string[] = [];
    for (const [k, v] of Object.entries(options.matchLabels ?? {})) {
      errors.push(...qualifiedNameErrors(k).map(e => `'matchLabels' key ${show(k)} ${e}`));
      // Label selectors validate their values: a URL cannot be matched here (foot-gun 13).
      errors.push(...labelValueErrors(v).map(e => `'matchLabels' value ${show(v)} (key ${show(k)}) ${e}`));
    }
    for (const r of options.matchExpressions ?? []) {
      errors.push(...qualifiedNameErrors(r.key).map(e => `'matchExpressions' key ${show(r.key)} ${e}`));
      const needsValues = r.operator === LabelSelectorOperator.IN || r.operator === LabelSelectorOperator.NOT_IN;
      if (needsValues && !r.values?.length) errors.push(`'matchExpressions' ${r.operator} on ${show(r.key)} needs 'values'`);
      if (!needsValues && r.values?.length) errors.push(`'matchExpressions' ${r.operator} on ${show(r.key)} takes no 'values' (got ${show(r.values)})`);
      for (const v of r.values ?? []) errors.push(...labelValueErrors(v).map(e => `'matchExpressions' value ${show(v)} (key ${show(r.key)}) ${e}`));
    }
    if (errors.length) throw new Error(`Invalid ClusterGenerator:\n  ${errors.join('\n  ')}`);
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    const hasSelector = Object.keys(o.matchLabels ?? {}).length > 0 || (o.matchExpressions ?? []).length > 0;
    const matchLabels = !hasSelector && !o.includeImplicitInCluster
      ? { 'argocd.argoproj.io/secret-type': 'cluster' }
      : sortedMap(o.matchLabels);
    const selector = matchLabels || o.matchExpressions?.length ? {
      matchLabels: matchLabels && Object.keys(matchLabels).length ? matchLabels : undefined,
      matchExpressions: o.matchExpressions?.length
        ? o.matchExpressions.map(r => ({ key: r.key, operator: r.operator, values: r.values?.length ? [...r.values] : undefined }))
        : undefined,
    } : undefined;
    return { generator: { clusters: { selector, values: sortedMap(o.values) } } };
  }
}

/** Options for `ListGenerator`. */
export interface ListGeneratorOptions {
  /** The parameter sets, one per Application. With the default Go templates, values may be any JSON. */
  readonly elements: Array<Record<string, any>>;
}

/**
 * The list generator: a fixed list of parameter sets.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-List/
 */
export class ListGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: ListGeneratorOptions) {
    if (!Array.isArray(options.elements) || options.elements.length === 0) {
      throw new Error(`ListGenerator 'elements' must be a non-empty list (got ${show(options.elements)})`);
    }
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    return { generator: { list: { elements: this.options.elements.map(e => ({ ...e })) } } };
  }

  /** @internal Whether every element value is a string (required by fasttemplate, foot-gun 6). */
  public _allStrings(): boolean {
    return this.options.elements.every(e => Object.values(e).every(v => typeof v === 'string'));
  }
}

/**
 * The matrix generator: every combination of the parameter sets of exactly two generators; parameters of the
 * first can be used by the second.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Matrix/
 */
export class MatrixGenerator implements IApplicationSetGenerator {
  public constructor(private readonly first: IApplicationSetGenerator, private readonly second: IApplicationSetGenerator) {
    if (!first || !second) throw new Error('MatrixGenerator needs exactly two child generators');
    checkNesting('MatrixGenerator', [first, second]);
  }

  /** @internal */
  public _children(): IApplicationSetGenerator[] {
    return [this.first, this.second];
  }

  public bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    return { generator: { matrix: { generators: [this.first.bind(applicationSet).generator, this.second.bind(applicationSet).generator] } } };
  }
}

/** Options for `MergeGenerator`. */
export interface MergeGeneratorOptions {
  /** The parameters whose values identify the same parameter set across generators. */
  readonly mergeKeys: string[];
  /** The generators: the first is the base, later ones override matching sets. At least two. */
  readonly generators: IApplicationSetGenerator[];
}

/**
 * The merge generator: the first generator's parameter sets, with parameters of later generators merged into
 * the sets whose `mergeKeys` values match.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Merge/
 */
export class MergeGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: MergeGeneratorOptions) {
    if (!options.mergeKeys?.length) throw new Error(`MergeGenerator 'mergeKeys' must not be empty (got ${show(options.mergeKeys)})`);
    if ((options.generators ?? []).length < 2) throw new Error(`MergeGenerator needs at least two 'generators' (got ${(options.generators ?? []).length})`);
    checkNesting('MergeGenerator', options.generators);
  }

  /** @internal */
  public _children(): IApplicationSetGenerator[] {
    return this.options.generators;
  }

  public bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    return {
      generator: {
        merge: { mergeKeys: [...this.options.mergeKeys], generators: this.options.generators.map(g => g.bind(applicationSet).generator) },
      },
    };
  }
}

/** Matrix and merge generators may contain combinators one level deep, no deeper (Argo CD's nesting rule). */
function checkNesting(what: string, children: IApplicationSetGenerator[]) {
  for (const child of children) {
    const grandChildren: IApplicationSetGenerator[] = (child as any)._children?.() ?? [];
    if (grandChildren.some(g => typeof (g as any)._children === 'function')) {
      throw new Error(`${what}: matrix and merge generators nest only one level deep; a nested combinator cannot contain another`);
    }
  }
}
