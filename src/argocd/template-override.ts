import { IConstruct } from 'constructs';
import type { IAppProject } from './app-project';
import { ApplicationCommonOptions } from './application';
import type { ApplicationSet } from './application-set';
import { ApplicationSetGeneratorConfig, IApplicationSetGenerator } from './generators';

/**
 * The fields of a generator-level template: any field set here replaces the ApplicationSet template's for the
 * Applications of this generator; unset fields fall back to the ApplicationSet template.
 */
export interface GeneratorTemplate extends ApplicationCommonOptions {
  /** @default - the ApplicationSet template's */
  readonly applicationName?: string;
  /** @default - the ApplicationSet template's */
  readonly destinationNamespace?: string;
  /** @default - the ApplicationSet template's */
  readonly destinationName?: string;
  /** @default - the ApplicationSet template's */
  readonly destinationServer?: string;
  /** @default - the ApplicationSet template's */
  readonly project?: IAppProject;
}

/**
 * A generator with its own template (Argo CD's generator-level `template`): Argo CD merges it into the
 * ApplicationSet's template, the generator's non-empty fields winning. Argo CD ignores templates on generators
 * inside a matrix or merge, so `MatrixGenerator` and `MergeGenerator` refuse a `TemplateOverride` child.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Template/#generator-templates
 *
 * @example
 * new TemplateOverride(new ListGenerator({ elements: [{ cluster: 'engineering-dev' }] }), {
 *   source: ApplicationSource.git({ path: `applicationset/examples/template-override/${TemplateParam.element('cluster')}-override` }),
 * });
 */
export class TemplateOverride implements IApplicationSetGenerator {
  /** Whether `x` is a TemplateOverride. */
  public static isTemplateOverride(x: unknown): x is TemplateOverride {
    return x instanceof TemplateOverride;
  }

  public constructor(private readonly generator: IApplicationSetGenerator, private readonly template: GeneratorTemplate) {
    if (!template || Object.values(template).every(v => v === undefined)) {
      throw new Error('TemplateOverride needs at least one template field to override');
    }
    if (template.source && template.sources?.length) throw new Error("TemplateOverride: give either 'source' or 'sources', not both");
    if (template.destinationName !== undefined && template.destinationServer !== undefined) {
      throw new Error("TemplateOverride: give 'destinationName' or 'destinationServer', not both");
    }
  }

  public bind(applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const inner = this.generator.bind(applicationSet).generator;
    const kinds = Object.keys(inner).filter(k => k !== 'selector');
    if (kinds.length !== 1) throw new Error(`TemplateOverride wraps one generator (got ${kinds.join(', ')})`);
    const rendered = (applicationSet as ApplicationSet)._renderGeneratorTemplate(this.template);
    return { generator: { ...inner, [kinds[0]]: { ...inner[kinds[0]], template: rendered } } };
  }
}
