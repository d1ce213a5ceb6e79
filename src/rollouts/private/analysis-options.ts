import { show } from '../../private/errors';
import type { AnalysisRunArgument } from '../analysis-argument';
import type { RolloutAnalysisOptions } from '../canary-step';

/** What a step needs to know where it is rendered. */
export interface StepRenderContext {
  readonly stableService?: string;
  readonly canaryService?: string;
}

/**
 * Checks an analysis: templates given, required arguments supplied, values only for declared
 * arguments, dry-run and retention rules naming metrics, and (for steps and promotions) metrics that terminate.
 */
export function checkAnalysis(options: RolloutAnalysisOptions, where: string, mustTerminate: boolean): void {
  const errors: string[] = [];
  if (!options.templates?.length) errors.push("'templates' is empty");
  const supplied = new Map<string, number>();
  for (const a of options.args ?? []) supplied.set(a.name, (supplied.get(a.name) ?? 0) + 1);
  for (const [name, n] of supplied) if (n > 1) errors.push(`argument ${show(name)} is given ${n} times`);
  const known = (options.templates ?? []).every(t => t.declaredArguments !== undefined);
  const declared = new Set<string>();
  const metrics = new Map<string, string>();
  const defaults = new Map<string, string | undefined>();
  for (const t of options.templates ?? []) {
    for (const a of t.declaredArguments ?? []) {
      declared.add(a.name);
      if (a.isRequired && !supplied.has(a.name) && !(defaults.get(a.name) !== undefined)) {
        errors.push(`template '${t.templateName}' needs argument '${a.name}', which is not supplied (add AnalysisRunArgument.value('${a.name}', …) or another AnalysisRunArgument to 'args')`);
      }
      const prev = defaults.get(a.name);
      if (prev !== undefined && a.defaultValue !== undefined && prev !== a.defaultValue) {
        errors.push(`argument '${a.name}' has different defaults in two templates ('${prev}', '${a.defaultValue}'): "Argument \`${a.name}\` specified multiple times with different values"`);
      }
      if (a.defaultValue !== undefined) defaults.set(a.name, a.defaultValue);
    }
    for (const m of t.metricNames ?? []) {
      if (metrics.has(m)) errors.push(`templates '${metrics.get(m)}' and '${t.templateName}' both have a metric '${m}' ("two metrics have the same name")`);
      metrics.set(m, t.templateName);
    }
    if (mustTerminate && t.indefiniteMetrics?.length) {
      errors.push(`template '${t.templateName}' has metric(s) ${show(t.indefiniteMetrics)} with an interval and no count, which run indefinitely; give them a count (only background analysis may run indefinitely)`);
    }
  }
  if (known) {
    for (const name of supplied.keys()) if (!declared.has(name)) errors.push(`argument ${show(name)} is not declared by any of the templates (${show([...declared])})`);
    for (const m of [...options.dryRunMetrics ?? [], ...(options.measurementRetention ?? []).map(r => r.metricName)]) {
      if (!metrics.has(m)) errors.push(`metric ${show(m)} is not a metric of the templates (${show([...metrics.keys()])})`);
    }
  }
  for (const r of options.measurementRetention ?? []) {
    if (!Number.isInteger(r.limit) || r.limit < 1) errors.push(`measurement retention of ${show(r.metricName)} (${show(r.limit)}) must be a positive integer`);
  }
  if (errors.length) throw new Error(`${where}: ${errors.join('; ')}`);
}

/** An analysis as the Rollout writes it. */
export function renderAnalysis(options: RolloutAnalysisOptions, ctx: StepRenderContext): any {
  const escape = (s: string) => `^${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  return {
    templates: options.templates.map(t => ({ templateName: t.templateName, clusterScope: t.clusterScope || undefined })),
    args: renderArgs(options.args, ctx),
    dryRun: options.dryRunMetrics?.length ? options.dryRunMetrics.map(m => ({ metricName: escape(m) })) : undefined,
    measurementRetention: options.measurementRetention?.length
      ? options.measurementRetention.map(r => ({ metricName: escape(r.metricName), limit: r.limit }))
      : undefined,
    analysisRunMetadata: options.analysisRunMetadata
      ? { labels: options.analysisRunMetadata.labels, annotations: options.analysisRunMetadata.annotations }
      : undefined,
  };
}

export function renderArgs(args: AnalysisRunArgument[] | undefined, ctx: StepRenderContext): any[] | undefined {
  if (!args?.length) return undefined;
  return args.map(a => a._toJson({ stable: ctx.stableService, canary: ctx.canaryService }));
}
