import { IConstruct } from 'constructs';
import { Fleet } from '../fleet/fleet';
import { show } from '../private/errors';
import { labelValueErrors, qualifiedNameErrors } from '../private/names';
import { renderRequirements } from '../private/selector';
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
      matchExpressions: renderRequirements(o.matchExpressions),
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
    // Argo CD's matrix combines exactly two children (generators/matrix.go refuses any other number); from
    // JavaScript a third argument would otherwise be dropped without a word.
    // eslint-disable-next-line prefer-rest-params
    const given = Array.prototype.slice.call(arguments) as unknown[];
    if (given.length > 2) {
      const extra = given.slice(2).map((g, i) => `#${i + 3} (${generatorName(g)})`).join(', ');
      throw new Error(`MatrixGenerator takes exactly two child generators, got ${given.length}: child ${extra} would be dropped. Argo CD's matrix combines two; nest a MatrixGenerator as one child to combine three`);
    }
    if (!first || !second) {
      throw new Error(`MatrixGenerator needs exactly two child generators; the ${!first ? 'first' : 'second'} is ${show(!first ? first : second)}`);
    }
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

/** A generator's class, for messages. */
function generatorName(g: unknown): string {
  return g !== null && typeof g === 'object' ? (g as object).constructor?.name ?? 'object' : show(g);
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

/** Options shared by the Git generators. */
export interface GitGeneratorOptions {
  /**
   * Path globs to include (directories for `GitGenerator.directories()`, files for `.files()`).
   */
  readonly include: string[];
  /**
   * Path globs to exclude (`exclude: true` entries; they win over includes).
   * @default - none
   */
  readonly exclude?: string[];
  /**
   * The repository.
   * @default - the fleet's own repository
   */
  readonly repoUrl?: string;
  /**
   * The revision.
   * @default - the fleet's revision for its own repository, 'HEAD' otherwise
   */
  readonly revision?: string;
  /**
   * Prefix of the path parameters (`<prefix>.path`, …), needed when two Git generators are combined.
   * @default - no prefix
   */
  readonly pathParamPrefix?: string;
}

/**
 * The Git generator: one parameter set per matching directory (`path`, `path.basename`, …) or per matching
 * JSON/YAML file (its keys, plus the path parameters).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Git/
 */
export class GitGenerator implements IApplicationSetGenerator {
  /** One parameter set per directory matching `include` and no `exclude`. */
  public static directories(options: GitGeneratorOptions): GitGenerator {
    return new GitGenerator('directories', options);
  }

  /** One parameter set per file matching `include` (and none of `exclude`), from its contents. */
  public static files(options: GitGeneratorOptions): GitGenerator {
    return new GitGenerator('files', options);
  }

  private constructor(private readonly kind: 'directories' | 'files', private readonly options: GitGeneratorOptions) {
    if (!options.include?.length) throw new Error(`GitGenerator.${kind} 'include' must list at least one path (got ${show(options.include)})`);
    for (const p of [...options.include, ...(options.exclude ?? [])]) {
      if (!p || p.startsWith('/')) throw new Error(`GitGenerator.${kind} path ${show(p)} must be relative to the repository root`);
    }
  }

  public bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const fleet = Fleet.of(applicationSet);
    const o = this.options;
    const entries: Array<{ path: string; exclude?: boolean }> = [
      ...o.include.map(path => ({ path })),
      ...(o.exclude ?? []).map(path => ({ path, exclude: true })),
    ];
    return {
      generator: {
        git: {
          repoURL: fleet._repoUrl(o.repoUrl),
          revision: fleet._revision(o.repoUrl, o.revision),
          [this.kind]: entries,
          pathParamPrefix: o.pathParamPrefix,
        },
      },
    };
  }
}

/** Options for `SelectedGenerator`. */
export interface SelectedGeneratorOptions {
  /**
   * Keep parameter sets whose parameters equal these.
   * @default - no condition
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * Keep parameter sets that meet all these requirements.
   * @default - no condition
   */
  readonly matchExpressions?: LabelSelectorRequirement[];
}

/**
 * A post-generator selector: keeps only the parameter sets of `generator` that match. Unlike a cluster
 * selector, it filters on any parameter and accepts values that are not label values (e.g. URLs).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Post-Selector/
 */
export class SelectedGenerator implements IApplicationSetGenerator {
  public constructor(private readonly generator: IApplicationSetGenerator, private readonly options: SelectedGeneratorOptions) {
    if (!Object.keys(options.matchLabels ?? {}).length && !options.matchExpressions?.length) {
      throw new Error("SelectedGenerator needs 'matchLabels' or 'matchExpressions'");
    }
  }

  public bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    return {
      generator: {
        ...this.generator.bind(applicationSet).generator,
        selector: {
          matchLabels: sortedMap(o.matchLabels),
          matchExpressions: renderRequirements(o.matchExpressions),
        },
      },
    };
  }
}

/** Matrix and merge generators may contain combinators one level deep, no deeper (Argo CD's nesting rule). */
function checkNesting(what: string, children: IApplicationSetGenerator[]) {
  for (const child of children) {
    if (typeof (child as any).constructor?.isTemplateOverride === 'function' && (child as any).constructor.isTemplateOverride(child)) {
      throw new Error(`${what}: Argo CD ignores the template of a generator inside a matrix or merge; put the TemplateOverride around the ${what} instead`);
    }
    const grandChildren: IApplicationSetGenerator[] = (child as any)._children?.() ?? [];
    if (grandChildren.some(g => typeof (g as any)._children === 'function')) {
      throw new Error(`${what}: matrix and merge generators nest only one level deep; a nested combinator cannot contain another`);
    }
  }
}
