import { Construct } from 'constructs';
import { AppProject, IAppProject } from '../argocd/app-project';
import { ApplicationSet } from '../argocd/application-set';
import { ApplicationSource } from '../argocd/application-source';
import { ClusterGenerator, LabelSelectorRequirement } from '../argocd/generators';
import { ProjectDestination } from '../argocd/project-destination';
import { SyncPolicy } from '../argocd/sync-policy';
import { TemplateParam } from '../argocd/template-param';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { registryChangedError, RegistrySnapshot, selectClusters } from '../private/cluster-selection';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, labelMapErrors, qualifiedNameErrors } from '../private/names';
import { compareCodeUnits, hasOwn, setOwn } from '../private/util';
import type { VersionsFile } from '../promotion/versions-file';

/** Helm values that depend on one cluster label, written as one values file per label value. */
export interface HelmValuesByLabel {
  /** The cluster label, e.g. `region`. */
  readonly labelKey: string;
  /** Values per label value, e.g. `{ 'eu-west-1': { … }, 'us-east-1': { … } }`. */
  readonly values: Record<string, Record<string, any>>;
}

/** Props for `HelmApplication`. */
export interface HelmApplicationProps {
  /**
   * The application name (ApplicationSets `<name>-<environment>`, generated Applications `<name>-<cluster>`).
   * @default - the construct id
   */
  readonly applicationName?: string;
  /** The namespace the release goes to. */
  readonly namespace: string;
  /** The chart repository URL (`https://…`, or an OCI registry without the scheme). */
  readonly repoUrl: string;
  /** The chart. */
  readonly chart: string;
  /** The versions file that pins the chart version per environment. */
  readonly versions: VersionsFile;
  /**
   * The application's name in the versions file.
   * @default - `applicationName`
   */
  readonly versionKey?: string;
  /** @default - no label condition */
  readonly matchLabels?: Record<string, string>;
  /** @default - no expression condition */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * Values for every cluster (`helm.valuesObject`).
   * @default - the chart's defaults
   */
  readonly values?: Record<string, any>;
  /**
   * Values per cluster label: the library writes `values/<app>/<label>-<value>.yaml` into the tree and each
   * Application reads its cluster's file through a second source (`$values/…`). Every selected cluster must
   * have the label, with a value listed here.
   * @default - none
   */
  readonly valuesByLabel?: HelmValuesByLabel[];
  /** @default - the Application name */
  readonly releaseName?: string;
  /** @default - manual sync */
  readonly syncPolicy?: SyncPolicy;
  /**
   * The project. A chart's kinds are unknown offline, so the default project allows the chart repository, the
   * fleet repository, the selected clusters' namespace, and every kind; pass a project to restrict kinds.
   * @default - a project of its own
   */
  readonly project?: IAppProject;
}

/**
 * An external Helm chart deployed to the clusters a selector picks, its version pinned per environment in the
 * versions file: one ApplicationSet per environment (`<app>-<environment>`, a cluster generator with the
 * selector and the environment label), each with the chart at that environment's version, `valuesObject`,
 * and per-label values files from the fleet repository as a second source (`ref: values`).
 */
export class HelmApplication extends Construct {
  /** Whether `x` is a HelmApplication. */
  public static isHelmApplication(x: unknown): x is HelmApplication {
    return x instanceof HelmApplication;
  }

  public readonly applicationName: string;
  public readonly project: IAppProject;
  private readonly props: HelmApplicationProps;
  private readonly fleet: Fleet;
  private prepared?: { files: { path: string; values: any }[]; errors: string[] };
  /** The registry the prepared output was made for. */
  private readonly preparedFor = new RegistrySnapshot();
  /** Annotations for some clusters' Applications (a DR pair's primaries). */
  private readonly clusterAnnotations: Array<() => Record<string, Record<string, string>>> = [];

  public constructor(scope: Construct, id: string, props: HelmApplicationProps) {
    super(scope, id);
    this.props = props;
    this.fleet = Fleet.of(this);
    this.applicationName = props.applicationName ?? id;
    throwIfInvalid(this, 'HelmApplication', this.propErrors(props));
    this.project = props.project ?? new AppProject(this, 'Project', {
      projectName: this.applicationName,
      description: `Helm chart ${props.chart} (cdk8s-fleet)`,
      sourceRepos: [props.repoUrl, this.fleet.repoUrl],
      clusterResourceAllowList: [{ group: '*', kind: '*' }],
    });
  }

  /** The registered clusters the selector picks. */
  public get clusters(): ICluster[] {
    return selectClusters(this.fleet.clusters, this.props.matchLabels, this.props.matchExpressions);
  }

  /** @internal Annotations that the Applications of some clusters get (DrApplication): see `ApplicationSet._addClusterAnnotations`. */
  public _addClusterAnnotations(provider: () => Record<string, Record<string, string>>): void {
    this.clusterAnnotations.push(provider);
  }

  /**
   * @internal The sources of a DR standby's Application: the chart at the version of the environment of the
   * cluster it mirrors, the values plus `extraValues` (merged over them, key by key), and the values files of the
   * standby's own labels. Problems name what the standby lacks.
   */
  public _standbySources(
    standby: ICluster, mirrors: ICluster, extraValues?: Record<string, any>,
  ): { sources: ApplicationSource[]; version?: string; errors: string[] } {
    const p = this.props;
    const errors: string[] = [];
    const env = p.versions.environmentOf(mirrors);
    const key = p.versionKey ?? this.applicationName;
    if (env === undefined || !p.versions.hasVersion(key, env)) {
      return { sources: [], errors: [`the versions file pins no version of '${key}' for the environment of '${mirrors.clusterName}' (${show(env)})`] };
    }
    const valueFiles: string[] = [];
    for (const v of p.valuesByLabel ?? []) {
      const value = standby.labels[v.labelKey];
      if (value === undefined || !hasOwn(v.values, value)) {
        errors.push(`standby '${standby.clusterName}' has ${v.labelKey}=${show(value)}, for which 'valuesByLabel' has no values (it has ${show(Object.keys(v.values))})`);
      } else {
        valueFiles.push(`$values/${valuesPath(this.applicationName, v.labelKey, value)}`);
      }
    }
    const version = p.versions.version(key, env);
    const values = extraValues ? deepMerge(p.values ?? {}, extraValues) : p.values;
    const sources = [
      ApplicationSource.helm({
        repoUrl: p.repoUrl, chart: p.chart, version, releaseName: p.releaseName, values, valueFiles: valueFiles.length ? valueFiles : undefined,
      }),
      ...(valueFiles.length ? [ApplicationSource.valuesRef({ ref: 'values' })] : []),
    ];
    return { sources, version, errors };
  }

  /** @internal The namespace the release goes to. */
  public get _namespace(): string {
    return this.props.namespace;
  }

  /** @internal The sync options of the release's Applications (a DR standby keeps them). */
  public get _syncOptions(): string[] {
    return this.props.syncPolicy?.syncOptions ?? [];
  }

  /** @internal The chart repository. */
  public get _repoUrl(): string {
    return this.props.repoUrl;
  }

  /**
   * @internal Creates one ApplicationSet per environment that has selected clusters, and the values files.
   * Called by the render pipeline before the construct tree is walked.
   */
  public _prepare(): void {
    const changed = this.preparedFor.changed(this.fleet.clusters);
    if (this.prepared) {
      if (changed) this.prepared = { files: [], errors: [registryChangedError(this.node.path, 'HelmApplication')] };
      return;
    }
    const p = this.props;
    const errors: string[] = [];
    const clusters = this.clusters;
    const key = p.versionKey ?? this.applicationName;
    const byEnv = new Map<string, ICluster[]>();
    for (const c of clusters) {
      const env = p.versions.environmentOf(c);
      if (env === undefined) {
        errors.push(`cluster '${c.clusterName}' has no environment: its label '${p.versions.environmentLabel}' (${show(c.labels[p.versions.environmentLabel])}) is not one of ${show(p.versions.environments)}`);
        continue;
      }
      byEnv.set(env, [...byEnv.get(env) ?? [], c]);
      for (const v of p.valuesByLabel ?? []) {
        const value = c.labels[v.labelKey];
        // Own keys only: a label value like `constructor` has no values unless 'valuesByLabel' gives them.
        if (value === undefined || !hasOwn(v.values, value)) {
          errors.push(`cluster '${c.clusterName}' has ${v.labelKey}=${show(value)}, for which 'valuesByLabel' has no values (it has ${show(Object.keys(v.values))})`);
        }
      }
    }
    const files = (p.valuesByLabel ?? []).flatMap(v => Object.keys(v.values).sort()
      .map(value => ({ path: valuesPath(this.applicationName, v.labelKey, value), values: v.values[value] })));
    for (const env of p.versions.environments) {
      const envClusters = byEnv.get(env);
      if (!envClusters) continue;
      if (!p.versions.hasVersion(key, env)) {
        errors.push(`the versions file pins no version of '${key}' for environment '${env}', where ${envClusters.map(c => `'${c.clusterName}'`).join(', ')} run it`);
        continue;
      }
      const valueFiles = (p.valuesByLabel ?? []).map(v => `$values/${valuesPath(this.applicationName, v.labelKey, `${TemplateParam.clusterLabel(v.labelKey)}`)}`);
      const appSet = new ApplicationSet(this, `ApplicationSet-${env}`, {
        applicationSetName: `${this.applicationName}-${env}`,
        generators: [new ClusterGenerator({
          matchLabels: { ...p.matchLabels, [p.versions.environmentLabel]: env },
          matchExpressions: p.matchExpressions,
        })],
        template: {
          applicationName: `${this.applicationName}-${TemplateParam.clusterName()}`,
          destinationNamespace: p.namespace,
          project: this.project,
          sources: [
            ApplicationSource.helm({
              repoUrl: p.repoUrl,
              chart: p.chart,
              version: p.versions.version(key, env),
              releaseName: p.releaseName,
              values: p.values,
              valueFiles: valueFiles.length ? valueFiles : undefined,
            }),
            ...(valueFiles.length ? [ApplicationSource.valuesRef({ ref: 'values' })] : []),
          ],
          syncPolicy: p.syncPolicy,
        },
      });
      for (const provide of this.clusterAnnotations) appSet._addClusterAnnotations(provide);
    }
    if (this.project instanceof AppProject && !this.props.project) {
      // By name, so that the destinations do not depend on the order clusters were registered in.
      const byName = [...clusters].sort((a, b) => compareCodeUnits(a.clusterName, b.clusterName));
      for (const c of byName) this.project.addDestination(ProjectDestination.cluster(c, p.namespace));
    }
    this.prepared = { files, errors: errors.map(e => `[${this.node.path}] ${e}`) };
  }

  /** @internal The values files to write and the problems found. */
  public _valuesFiles(): { files: { path: string; values: any }[]; errors: string[] } {
    this._prepare();
    return this.prepared!;
  }

  private propErrors(p: HelmApplicationProps): string[] {
    const errors = dns1123LabelErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) ${e}`);
    errors.push(...dns1123LabelErrors(p.namespace).map(e => `'namespace' (${show(p.namespace)}) ${e}`));
    if (!p.repoUrl) errors.push(`'repoUrl' (${show(p.repoUrl)}) is required`);
    if (!p.chart) errors.push(`'chart' (${show(p.chart)}) is required`);
    if (!p.versions) errors.push("'versions' is required: the chart version is pinned per environment");
    errors.push(...labelMapErrors('matchLabels', p.matchLabels));
    if (!Object.keys(p.matchLabels ?? {}).length && !p.matchExpressions?.length) errors.push("give 'matchLabels' or 'matchExpressions'");
    for (const v of p.valuesByLabel ?? []) {
      errors.push(...qualifiedNameErrors(v.labelKey).map(e => `'valuesByLabel' labelKey (${show(v.labelKey)}) ${e}`));
      if (!Object.keys(v.values ?? {}).length) errors.push(`'valuesByLabel' for '${v.labelKey}' lists no label values`);
    }
    return errors;
  }
}

/** `values/<app>/<label>-<value>.yaml`, with a label prefix's '/' made a '_'. */
function valuesPath(app: string, labelKey: string, value: string): string {
  return `values/${app}/${labelKey.replace(/\//g, '_')}-${value}.yaml`;
}

/** `extra` merged over `base`: maps key by key, anything else replaced. */
function deepMerge(base: Record<string, any>, extra: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    setOwn(out, k, v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b, v) : v);
  }
  return out;
}
