import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { AnalysisArgument } from './analysis-argument';
import { AnalysisTemplateProps, IAnalysisTemplate, LatencyOptions, SuccessRateOptions } from './analysis-template';
import { analysisRenderModule } from '../private/lazy';
import type { TemplateDefinition } from './private/analysis-render';

/**
 * A cluster-scoped Argo Rollouts `ClusterAnalysisTemplate` (`clusterScope: true` in the Rollout's template
 * reference): the same as an `AnalysisTemplate`, shared by every namespace of a cluster. It is written next to
 * the Rollouts that use it; its project must allow the cluster-scoped kind (a Workload's own project does).
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#clusteranalysistemplates
 */
export class ClusterAnalysisTemplate implements IAnalysisTemplate {
  /** A template from props. Throws with every problem. */
  public static of(props: AnalysisTemplateProps): ClusterAnalysisTemplate {
    return new ClusterAnalysisTemplate(analysisRenderModule().defineTemplate('ClusterAnalysisTemplate', props));
  }

  /** The HTTP success rate helper of `AnalysisTemplate.successRate`, cluster-scoped. */
  public static successRate(options: SuccessRateOptions = {}): ClusterAnalysisTemplate {
    return ClusterAnalysisTemplate.of(analysisRenderModule().successRateProps({ ...options, serviceArgument: AnalysisArgument.required(options.serviceArgumentName ?? 'service-name') }));
  }

  /** The latency helper of `AnalysisTemplate.latency`, cluster-scoped. */
  public static latency(options: LatencyOptions): ClusterAnalysisTemplate {
    return ClusterAnalysisTemplate.of(analysisRenderModule().latencyProps({ ...options, serviceArgument: AnalysisArgument.required(options.serviceArgumentName ?? 'service-name') }));
  }

  /** A ClusterAnalysisTemplate installed outside this program (not written, not checked). */
  public static fromTemplateName(templateName: string): IAnalysisTemplate {
    return analysisRenderModule().templateReference(templateName, true);
  }

  public readonly templateName: string;
  public readonly clusterScope = true;

  private constructor(private readonly definition: TemplateDefinition) {
    this.templateName = definition.templateName;
  }

  public get declaredArguments(): AnalysisArgument[] | undefined {
    return [...this.definition.args];
  }

  public get metricNames(): string[] | undefined {
    return [...this.definition.metricNames];
  }

  public get indefiniteMetrics(): string[] | undefined {
    return [...this.definition.indefiniteMetrics];
  }

  /** The declared argument named `name`. */
  public argument(name: string): AnalysisArgument {
    return analysisRenderModule().declaredArgument(this.definition, name);
  }

  /** The object (cluster-scoped: `namespace` is ignored). */
  public toManifest(_namespace?: string): any {
    return analysisRenderModule().templateManifest(this.definition);
  }

  /** Writes the template into `scope`'s chart as an ApiObject. */
  public addTo(scope: Construct, id?: string): ApiObject {
    const object = new ApiObject(scope, id ?? `ClusterAnalysisTemplate-${this.templateName}`, this.toManifest());
    // cdk8s gives every object its chart's namespace; a cluster-scoped one has none.
    if (Chart.of(scope).namespace) object.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return object;
  }
}
