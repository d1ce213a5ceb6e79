import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IAppProject } from './app-project';
import { ApplicationCommonOptions, IgnoreDifference } from './application';
import { deployedManifests, renderSpecParts, sourceRepoErrors, sourcesOf, specPartErrors } from './application-spec';
import { FleetProofWaiver, WAIVED_PROOFS_ANNOTATION } from './fleet-proof';
import { IApplicationSetGenerator, ListGenerator } from './generators';
import { ProgressiveSync, StepOperator } from './progressive-sync';
import type { GeneratorTemplate } from './template-override';
import { TemplateMode, TemplateParam } from './template-param';
import type { ClusterManifests } from '../fleet/cluster-manifests';
import { Fleet } from '../fleet/fleet';
import { argoChart } from '../private/argo-chart';
import { show, throwIfInvalid } from '../private/errors';
import { argocdL1 } from '../private/lazy';
import { dns1123SubdomainErrors, dns1123LabelErrors } from '../private/names';
import { subscriptionAnnotations } from '../private/notifications';
import { ownLazy } from '../private/own-lazy';
import { definePlacement } from '../private/placement';
import { hasOwn, setOwn, sortedMap, undefinedIfEmpty } from '../private/util';

/** What the ApplicationSet controller may do to the Applications it generates (`syncPolicy.applicationsSync`). */
export enum ApplicationsSyncPolicy {
  /** Create only; never update or delete. */
  CREATE_ONLY = 'create-only',
  /** Create and update; never delete. */
  CREATE_UPDATE = 'create-update',
  /** Create and delete; never update. */
  CREATE_DELETE = 'create-delete',
  /** Create, update and delete (Argo CD's own default). */
  SYNC = 'sync',
}

/** The Application template of an ApplicationSet. Strings may contain `TemplateParam`s. */
export interface ApplicationTemplate extends ApplicationCommonOptions {
  /** The generated Application's name, e.g. `` `web-${TemplateParam.clusterName()}` ``. */
  readonly applicationName: string;
  /** The destination namespace. */
  readonly destinationNamespace: string;
  /**
   * The destination cluster's name. Give `destinationName` or `destinationServer`.
   * @default - `TemplateParam.clusterName()`, for cluster generators
   */
  readonly destinationName?: string;
  /**
   * The destination cluster's API server URL, e.g. `TemplateParam.clusterServer()`.
   * @default - the destination is given by name
   */
  readonly destinationServer?: string;
  /**
   * The project.
   * @default - the fleet's default project
   */
  readonly project?: IAppProject;
}

/** Fields of generated Applications the ApplicationSet controller does not revert. */
export interface ApplicationDifference {
  /**
   * Only the Application with this name.
   * @default - every generated Application
   */
  readonly applicationName?: string;
  /**
   * JSON pointers, e.g. `/spec/source/targetRevision`.
   * @default - none
   */
  readonly jsonPointers?: string[];
  /**
   * jq path expressions, e.g. `.spec.source.helm.values`.
   * @default - none
   */
  readonly jqPathExpressions?: string[];
}

/** Metadata of generated Applications the controller keeps. */
export interface PreservedFields {
  /** @default - none */
  readonly annotations?: string[];
  /** @default - none */
  readonly labels?: string[];
}

/**
 * What an ApplicationSet does with the Applications it generates, besides the template itself: template syntax,
 * deletion and update policy, RollingSync waves, the escape hatches of the spec and the fleet-proof waivers.
 * Shared by `ApplicationSet` and `Workload` (whose ApplicationSet the library makes).
 */
export interface ApplicationSetOptions {
  /**
   * The template syntax.
   * @default TemplateMode.GO_TEMPLATE
   */
  readonly templateMode?: TemplateMode;
  /**
   * Go template options.
   * @default ['missingkey=error'] with Go templates
   */
  readonly goTemplateOptions?: string[];
  /**
   * Keep the generated Applications' resources when the Applications are deleted (a cluster that drops out
   * of a selector, or the ApplicationSet itself). On by default: a label change or a generator hiccup must not
   * delete workloads across the fleet (argocd-semantics foot-gun 1).
   * @default true
   */
  readonly preserveResourcesOnDeletion?: boolean;
  /**
   * A Go template, rendered per parameter set, whose YAML is merged into each generated Application
   * (`templatePatch`): for what the typed template cannot express, such as conditional fields. Needs Go
   * templates; Argo CD ignores changes to `spec.project` in it, and an empty `spec:` wipes fields (foot-gun 10).
   * @default - none
   */
  readonly templatePatch?: string;
  /**
   * Fields of generated Applications the controller leaves alone when they were changed by hand
   * (`ignoreApplicationDifferences`).
   * @default - none
   */
  readonly ignoreApplicationDifferences?: ApplicationDifference[];
  /**
   * Annotation and label keys of generated Applications the controller keeps when it updates them
   * (`preservedFields`).
   * @default - none
   */
  readonly preservedFields?: PreservedFields;
  /**
   * Sync the generated Applications step by step (RollingSync). Needs the controller flag, see
   * `ProgressiveSync`.
   * @default - all at once
   */
  readonly progressiveSync?: ProgressiveSync;
  /**
   * What the controller may do to generated Applications.
   * @default ApplicationsSyncPolicy.CREATE_UPDATE (generated Applications are never deleted by the controller)
   */
  readonly applicationsSync?: ApplicationsSyncPolicy;
  /**
   * Fleet proofs this ApplicationSet may fail, each with a reason for reviewers. At synth time the library
   * expands every ApplicationSet offline and checks the `FleetProof`s; a failure is an error unless waived here.
   * @default - every proof must hold
   */
  readonly waivedProofs?: FleetProofWaiver[];
}

/** Props for `ApplicationSet`. */
export interface ApplicationSetProps extends ApplicationSetOptions {
  /**
   * The ApplicationSet's name.
   * @default - the construct id
   */
  readonly applicationSetName?: string;
  /**
   * The generators (also `addGenerator()`).
   * @default - none; add at least one
   */
  readonly generators?: IApplicationSetGenerator[];
  /** The Application template. */
  readonly template: ApplicationTemplate;
}

/**
 * An Argo CD ApplicationSet: one Application template, fanned out by generators over the fleet.
 *
 * Defaults are chosen for fleet-wide sets: Go templates with `missingkey=error`, generated Applications
 * are created and updated but never deleted by the controller, and their resources are preserved on deletion.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/
 *
 * @example
 * new ApplicationSet(fleet, 'guestbook', {
 *   generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
 *   template: {
 *     applicationName: `guestbook-${TemplateParam.clusterName()}`,
 *     destinationNamespace: 'guestbook',
 *     source: ApplicationSource.git({ path: 'guestbook' }),
 *   },
 * });
 */
export class ApplicationSet extends Construct {
  /** Whether `x` is an ApplicationSet of this library. */
  public static isApplicationSet(x: unknown): x is ApplicationSet {
    return x instanceof ApplicationSet;
  }

  public readonly applicationSetName: string;
  public readonly templateMode: TemplateMode;
  /**
   * The API object. It is a plain ApiObject in Argo CD's wire format rather than the generated L1: the CRD
   * types nested generators (inside matrix and merge) as free-form JSON, which the L1's field mapping cannot
   * carry. The template goes through the L1's mapping; strict schema validation checks the whole object.
   */
  public readonly apiObject: ApiObject;
  private readonly props: ApplicationSetProps;
  private readonly generators: IApplicationSetGenerator[] = [];
  private readonly fleet: Fleet;
  private readonly extraIgnoreDifferences: IgnoreDifference[] = [];
  private readonly extraSyncOptions: string[] = [];
  private readonly clusterAnnotations: Array<() => Record<string, Record<string, string>>> = [];

  public constructor(scope: Construct, id: string, props: ApplicationSetProps) {
    super(scope, id);
    this.fleet = Fleet.of(this);
    this.props = props;
    this.applicationSetName = props.applicationSetName ?? id;
    this.templateMode = props.templateMode ?? TemplateMode.GO_TEMPLATE;
    throwIfInvalid(this, 'ApplicationSet', this.propErrors(props));

    definePlacement(this, () => ({ directory: `${this.fleet.argocdDirectory}/applicationsets`, role: 'argocd' }));
    this.apiObject = new ApiObject(argoChart(this, this.fleet.argocdNamespace), 'Resource', {
      ...argocdL1().ApplicationSet.GVK,
      metadata: {
        name: this.applicationSetName,
        namespace: this.fleet.argocdNamespace,
        // Waivers travel with the object, so `cdk8s-fleet validate` and reviewers see them in the tree.
        annotations: props.waivedProofs?.length
          ? { [WAIVED_PROOFS_ANNOTATION]: JSON.stringify(props.waivedProofs.map(w => ({ proof: w.proof, reason: w.reason }))) }
          : undefined,
      },
      spec: ownLazy(() => this._toSpec()),
    } as any);
    for (const g of props.generators ?? []) this.addGenerator(g);
    this.node.defaultChild = this.apiObject;
    this.node.addValidation({ validate: () => this.validateApplicationSet() });
  }

  /** The fleet proofs this ApplicationSet may fail. */
  public get waivedProofs(): FleetProofWaiver[] {
    return [...this.props.waivedProofs ?? []];
  }

  /** Adds a generator. */
  public addGenerator(generator: IApplicationSetGenerator): void {
    this.generators.push(generator);
  }

  /**
   * @internal Differences and sync options the library adds to the template (a Workload's Rollouts and
   * autoscalers), on top of the template's own; added before the tree is rendered.
   */
  public _addDiffingDefaults(ignoreDifferences: IgnoreDifference[], syncOptions: string[]): void {
    const seen = new Set([...this.props.template.ignoreDifferences ?? [], ...this.extraIgnoreDifferences].map(d => JSON.stringify(d)));
    for (const d of ignoreDifferences) {
      const key = JSON.stringify(d);
      if (!seen.has(key)) {
        seen.add(key);
        this.extraIgnoreDifferences.push(d);
      }
    }
    for (const o of syncOptions) if (!this.extraSyncOptions.includes(o)) this.extraSyncOptions.push(o);
  }

  /**
   * @internal Annotations that only the Applications of some clusters get (a DR pair's primaries), by cluster
   * name, read at synth. They are written as a `templatePatch` that tests the cluster generator's `.name`, the
   * only place an ApplicationSet can vary metadata per cluster (argocd-semantics foot-gun 17).
   */
  public _addClusterAnnotations(provider: () => Record<string, Record<string, string>>): void {
    this.clusterAnnotations.push(provider);
  }

  /** @internal */
  public _toSpec(): any {
    const p = this.props;
    const t = p.template;
    const go = this.templateMode === TemplateMode.GO_TEMPLATE;
    const sources = sourcesOf(t);
    const parts = renderSpecParts({ ...t, sources, ignoreDifferences: [...t.ignoreDifferences ?? [], ...this.extraIgnoreDifferences] }, this.fleet);
    if (this.extraSyncOptions.length) {
      const syncOptions = [...new Set([...parts.syncPolicy?.syncOptions ?? [], ...this.extraSyncOptions])];
      parts.syncPolicy = { ...parts.syncPolicy, syncOptions };
    }
    const template = {
      metadata: templateMetadata(t),
      spec: {
        project: (t.project ?? this.fleet.defaultProject).projectName,
        destination: t.destinationServer !== undefined
          ? { server: t.destinationServer, namespace: t.destinationNamespace }
          : { name: t.destinationName ?? TemplateParam.clusterName().toString(), namespace: t.destinationNamespace },
        ...parts,
      },
    };
    return {
      goTemplate: go,
      goTemplateOptions: go ? [...(p.goTemplateOptions ?? ['missingkey=error'])] : undefined,
      generators: renderParams(this.generators.map(g => g.bind(this).generator), this.templateMode),
      syncPolicy: {
        preserveResourcesOnDeletion: p.preserveResourcesOnDeletion ?? true,
        applicationsSync: p.applicationsSync ?? ApplicationsSyncPolicy.CREATE_UPDATE,
      },
      template: renderParams(argocdL1().toJson_ApplicationSetSpecTemplate(template as any), this.templateMode),
      strategy: p.progressiveSync?._toKube(),
      templatePatch: this.clusterAnnotationsPatch() ?? p.templatePatch,
      ignoreApplicationDifferences: undefinedIfEmpty((p.ignoreApplicationDifferences ?? []).map(d => ({
        name: d.applicationName,
        jsonPointers: undefinedIfEmpty(d.jsonPointers),
        jqPathExpressions: undefinedIfEmpty(d.jqPathExpressions),
      }))),
      preservedFields: p.preservedFields ? {
        annotations: undefinedIfEmpty(p.preservedFields.annotations),
        labels: undefinedIfEmpty(p.preservedFields.labels),
      } : undefined,
    };
  }

  /** @internal The ClusterManifests its template's sources deploy (`ApplicationSource.manifests()`). */
  public get _deployedManifests(): ClusterManifests[] {
    return deployedManifests(sourcesOf(this.props.template));
  }

  /** @internal The generator-level template of a `TemplateOverride`: only the fields it sets. */
  public _renderGeneratorTemplate(t: GeneratorTemplate): any {
    const sources = sourcesOf(t);
    const notificationErrors = subscriptionAnnotations(t.notifications).errors;
    if (notificationErrors.length) throw new Error(`TemplateOverride: ${notificationErrors.join('; ')}`);
    const destination = {
      name: t.destinationName,
      server: t.destinationServer,
      namespace: t.destinationNamespace,
    };
    const parts = renderSpecParts({ ...t, sources }, this.fleet);
    const template = {
      metadata: templateMetadata(t),
      spec: {
        // The CRD requires a project; the ApplicationSet's own is what an empty field would fall back to.
        project: (t.project ?? this.props.template.project ?? this.fleet.defaultProject).projectName,
        destination,
        ...parts,
      },
    };
    return renderParams(argocdL1().toJson_ApplicationSetSpecTemplate(template as any), this.templateMode);
  }

  private propErrors(p: ApplicationSetProps): string[] {
    const errors = dns1123SubdomainErrors(this.applicationSetName).map(e => `'applicationSetName' (${show(this.applicationSetName)}) ${e}`);
    const t = p.template;
    if (!t) return [...errors, "'template' is required"];
    if (!t.applicationName) errors.push("'template.applicationName' is required");
    if (!TemplateParam._isTemplated(t.destinationNamespace ?? '')) {
      errors.push(...dns1123LabelErrors(t.destinationNamespace).map(e => `'template.destinationNamespace' (${show(t.destinationNamespace)}) is not a valid namespace name: ${e}`));
    }
    errors.push(...specPartErrors(t).map(e => `'template': ${e}`));
    errors.push(...subscriptionAnnotations(t.notifications).errors.map(e => `'template': ${e}`));
    if (!t.source && !t.sources?.length) errors.push("'template' needs a 'source' or 'sources'");
    if (t.destinationName !== undefined && t.destinationServer !== undefined) errors.push("'template': give 'destinationName' or 'destinationServer', not both");
    if (p.templatePatch !== undefined && this.templateMode !== TemplateMode.GO_TEMPLATE) {
      errors.push("'templatePatch' needs TemplateMode.GO_TEMPLATE (foot-gun 10)");
    }
    if (p.templatePatch !== undefined && hasEmptySpec(p.templatePatch)) {
      errors.push("'templatePatch' has an empty 'spec:', which wipes the template's spec (foot-gun 10)");
    }
    for (const w of p.waivedProofs ?? []) {
      if (!w.reason || !w.reason.trim()) errors.push(`'waivedProofs' entry for '${w.proof}' needs a 'reason' (got ${show(w.reason)})`);
    }
    for (const d of p.ignoreApplicationDifferences ?? []) {
      if (!d.jsonPointers?.length && !d.jqPathExpressions?.length) errors.push(`'ignoreApplicationDifferences' entry ${show(d)} needs 'jsonPointers' or 'jqPathExpressions'`);
    }
    if (p.goTemplateOptions && this.templateMode !== TemplateMode.GO_TEMPLATE) {
      errors.push("'goTemplateOptions' only apply with TemplateMode.GO_TEMPLATE");
    }
    return errors;
  }

  /** RollingSync steps select on the generated Applications' labels, which only the template sets. */
  private stepErrors(): string[] {
    const progressive = this.props.progressiveSync;
    if (!progressive) return [];
    const errors: string[] = [];
    const labels = this.props.template.labels ?? {};
    const inKeys = new Set(progressive.steps.flatMap(s => s.matchExpressions.filter(r => r.operator === StepOperator.IN).map(r => r.key)));
    // Own keys only: a label key like `constructor` is not set by a template that does not set it.
    const sets = (key: string) => hasOwn(labels, key);
    for (const key of inKeys) {
      if (!sets(key)) {
        errors.push(`ApplicationSet '${this.applicationSetName}' RollingSync selects on Application label '${key}', which the template does not set, so no Application can match it. Add it to 'template.labels'`);
      }
    }
    // When every label a step reads is the same for all generated Applications, the step they fall into is known now.
    const keys = new Set(progressive.steps.flatMap(s => s.matchExpressions.map(r => r.key)));
    const literal = [...keys].every(k => !sets(k) || !TemplateParam._isTemplated(labels[k]));
    if (errors.length === 0 && literal && progressive._stepFor(labels) === undefined) {
      errors.push(`ApplicationSet '${this.applicationSetName}' generates Applications that match no RollingSync step, so Argo CD would never sync them (foot-gun 11)`);
    }
    return errors;
  }

  /** The `templatePatch` of `_addClusterAnnotations`: one branch per distinct set of annotations. */
  private clusterAnnotationsPatch(): string | undefined {
    const byCluster: Record<string, Record<string, string>> = {};
    for (const provide of this.clusterAnnotations) {
      for (const [cluster, annotations] of Object.entries(provide())) byCluster[cluster] = { ...byCluster[cluster], ...annotations };
    }
    const branches = new Map<string, string[]>();
    for (const cluster of Object.keys(byCluster).sort()) {
      const a = byCluster[cluster];
      const body = Object.keys(a).sort().map(k => `    ${k}: ${JSON.stringify(a[k])}`).join('\n');
      if (body) branches.set(body, [...branches.get(body) ?? [], cluster]);
    }
    if (branches.size === 0) return undefined;
    const lines: string[] = [];
    let first = true;
    for (const [body, clusters] of branches) {
      lines.push(`{{- ${first ? 'if' : 'else if'} eq .name ${clusters.map(c => JSON.stringify(c)).join(' ')} }}`, 'metadata:', '  annotations:', body);
      first = false;
    }
    lines.push('{{- else }}', '{}', '{{- end }}');
    return `${lines.join('\n')}\n`;
  }

  private validateApplicationSet(): string[] {
    const errors: string[] = [];
    if (this.clusterAnnotations.length && (this.props.templatePatch !== undefined || this.templateMode !== TemplateMode.GO_TEMPLATE)) {
      errors.push(`ApplicationSet '${this.applicationSetName}' must write per-cluster annotations (a DR pair's primaries) as a templatePatch, which needs TemplateMode.GO_TEMPLATE and no 'templatePatch' of its own`);
    }
    if (this.generators.length === 0) errors.push(`ApplicationSet '${this.applicationSetName}' has no generators. Call addGenerator() to add one.`);
    if (this.templateMode === TemplateMode.FAST_TEMPLATE) {
      for (const g of this.generators) {
        if (g instanceof ListGenerator && !g._allStrings()) {
          errors.push(`ApplicationSet '${this.applicationSetName}' uses fasttemplate, where list element values must be strings (foot-gun 6); use TemplateMode.GO_TEMPLATE`);
        }
      }
    }
    const t = this.props.template;
    errors.push(...this.stepErrors());
    errors.push(...sourceRepoErrors(t.project ?? this.fleet.defaultProject, sourcesOf(t), this.fleet, `ApplicationSet '${this.applicationSetName}'`));
    return errors;
  }
}

/** The template's metadata: name, sorted labels and annotations (notification subscriptions included), finalizers. */
function templateMetadata(t: ApplicationCommonOptions & { readonly applicationName?: string }): any {
  return {
    name: t.applicationName,
    labels: sortedMap(t.labels),
    annotations: undefinedIfEmpty(sortedMap({ ...t.annotations, ...subscriptionAnnotations(t.notifications).annotations })),
    finalizers: undefinedIfEmpty(t.finalizers?.map(f => f as string)),
  };
}

/** Replaces every TemplateParam marker in the rendered template with its syntax in `mode`. */
function renderParams(value: any, mode: TemplateMode): any {
  if (typeof value === 'string') return TemplateParam._render(value, mode);
  if (Array.isArray(value)) return value.map(v => renderParams(v, mode));
  if (value && typeof value === 'object') {
    const out: any = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, TemplateParam._render(k, mode), renderParams(v, mode));
    return out;
  }
  return value;
}

/** Whether a template patch has a top-level `spec:` with nothing under it. */
function hasEmptySpec(patch: string): boolean {
  const lines = patch.split('\n');
  const i = lines.findIndex(l => /^spec:\s*$/.test(l));
  if (i < 0) return false;
  const next = lines.slice(i + 1).find(l => l.trim() !== '');
  return next === undefined || !/^\s/.test(next);
}
