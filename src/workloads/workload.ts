import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { applyDelivery } from './apply-delivery';
import { applyDefaultWaves, applySettings, fileNameOf, guardRailObjects, mergeSettings, settingsErrors } from './apply-settings';
import { ClusterMatch } from './cluster-match';
import { ImageUpdaterOptions } from './image-updater';
import { kustomizeFiles, WorkloadFileRequest, WorkloadFiles, WorkloadVariantFiles } from './kustomize-output';
import { WorkloadSecret } from './workload-secret';
import { WorkloadSettings } from './workload-settings';
import { AppProject, IAppProject } from '../argocd/app-project';
import { ApplicationBaseOptions, IgnoreDifference } from '../argocd/application';
import { ApplicationSet, ApplicationSetOptions } from '../argocd/application-set';
import { ApplicationSource } from '../argocd/application-source';
import { ClusterGenerator, LabelSelectorRequirement } from '../argocd/generators';
import { ProjectDestination } from '../argocd/project-destination';
import { TemplateParam } from '../argocd/template-param';
import type { WorkloadStandbyHook } from '../dr/private/workload-hook';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { registryChangedError, RegistrySnapshot, selectClusters } from '../private/cluster-selection';
import { show, throwIfInvalid } from '../private/errors';
import { imageUpdaterAnnotations } from '../private/image-updater';
import { customResourceKind, groupOf, KindScopes, scopesOf } from '../private/kinds';
import { apiObjectJsonModule, l1JsonModule } from '../private/lazy';
import { constructIdFor, dns1123LabelErrors, labelMapErrors } from '../private/names';
import { cloneData, compareCodeUnits, copier, pushAll, sortObjectKeys, sortOwnedEach } from '../private/util';
import { applySecrets, resolveSecrets, ResolvedSecret, secretsSignature, workloadSecretErrors } from '../private/workload-secrets';
import { guardVariantImages } from '../promotion/image-guard';
import { imageVersionErrors } from '../promotion/image-reference';
import type { VersionsFile } from '../promotion/versions-file';

/** How a workload is written to the tree. */
export enum WorkloadOutput {
  /** Fully rendered manifests per cluster: `clusters/<cluster>/<app>/`. */
  RENDERED = 'rendered',
  /** A Kustomize base and one overlay per cluster: `apps/<app>/base/`, `apps/<app>/overlays/<cluster>/`. */
  KUSTOMIZE = 'kustomize',
}

/** What a definition is told when it renders. */
export interface WorkloadContext {
  /** The workload's application name. */
  readonly applicationName: string;
  /** The namespace its objects go to. */
  readonly namespace: string;
  /** The cluster, only when the workload renders per cluster (`renderPerCluster`). */
  readonly clusterName?: string;
  /** The cluster's environment, only when the workload renders per cluster. */
  readonly environment?: string;
}

/**
 * Defines a workload's Kubernetes objects once, with cdk8s-plus or any cdk8s construct. The library renders it
 * once and applies typed overrides to the plain objects for each variant of clusters (or, with
 * `renderPerCluster`, calls it once per cluster).
 */
export interface IWorkloadDefinition {
  /** Creates the workload's objects in `scope` (a Chart whose namespace is the workload's). */
  define(scope: Construct, context: WorkloadContext): void;
}

/** Settings that apply to the clusters `match` selects. */
export interface WorkloadOverride {
  /** The clusters. */
  readonly match: ClusterMatch;
  /** What changes there. */
  readonly settings: WorkloadSettings;
}

/**
 * Props for `Workload`. Besides its own, it takes what an ApplicationSet and its Application template carry
 * (`ApplicationSetOptions`: RollingSync waves, proof waivers…; `ApplicationBaseOptions`: sync policy,
 * notifications, `ignoreDifferences`, labels and annotations of the generated Applications…).
 */
export interface WorkloadProps extends ApplicationSetOptions, ApplicationBaseOptions {
  /**
   * The application name: the directory, the ApplicationSet, the project and the generated Applications' prefix.
   * @default - the construct id
   */
  readonly applicationName?: string;
  /** The namespace the workload runs in (created with a sync wave before everything else). */
  readonly namespace: string;
  /** The objects. */
  readonly definition: IWorkloadDefinition;
  /**
   * Clusters whose labels have all these values.
   * @default - no label condition
   */
  readonly matchLabels?: Record<string, string>;
  /**
   * Clusters that meet all these requirements.
   * @default - no expression condition
   */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * The image (repository, without tag) whose tag the versions file pins per environment, e.g. `ghcr.io/acme/api`.
   * @default - no image is versioned
   */
  readonly image?: string;
  /**
   * The versions file that pins `image`'s tag per environment.
   * @default - no versions file: tags are what the definition renders (or `imageTag` settings)
   */
  readonly versions?: VersionsFile;
  /**
   * The application's name in the versions file.
   * @default - `applicationName`
   */
  readonly versionKey?: string;
  /**
   * Settings for every cluster.
   * @default - none
   */
  readonly defaults?: WorkloadSettings;
  /**
   * Settings per environment, region, label or cluster (more specific wins, then later).
   * @default - none
   */
  readonly overrides?: WorkloadOverride[];
  /**
   * Call the definition once per cluster instead of once in all. Each call builds a cdk8s construct tree
   * (about 0.3 ms per object), so a 200-cluster fleet pays that 200 times; use it only when the definition needs
   * arbitrary per-cluster code that settings and patches cannot express.
   * @default false
   */
  readonly renderPerCluster?: boolean;
  /** @default WorkloadOutput.RENDERED */
  readonly output?: WorkloadOutput;
  /**
   * The project. It is left as it is: synth checks that it allows every destination and kind the workload
   * renders.
   * @default - a project of its own that allows exactly this workload's destinations and kinds
   */
  readonly project?: IAppProject;
  /**
   * Argo CD Image Updater annotations on the generated Applications (Kustomize output only). Updates then bypass
   * the versions file and the promotion guard; see the README.
   * @default - none
   */
  readonly imageUpdater?: ImageUpdaterOptions;
  /**
   * Whether the workload renders its Namespace (with a sync wave before everything else). Turn it off when the
   * namespace belongs to another application, or when the workload renders only cluster-scoped objects.
   * @default true
   */
  readonly manageNamespace?: boolean;
  /**
   * Secrets written as External Secrets `ExternalSecret`s into each cluster's objects and wired into its pods
   * (env and volumes); their stores and remote keys may differ per environment, region or cluster.
   * @default - none
   */
  readonly secrets?: WorkloadSecret[];
}

/**
 * A fleet application whose objects are defined once (cdk8s-plus or any cdk8s construct) and rendered for each
 * cluster it selects, with typed overrides per environment, region, label and cluster. It wires itself to an
 * ApplicationSet (a cluster generator with its selector and the per-cluster path), creates its namespace with a
 * sync wave, takes image tags from the versions file, and (unless given a project) gets an AppProject that
 * allows exactly its destinations and kinds.
 *
 * Rendering cost: the definition runs once (or once per cluster with `renderPerCluster`); clusters that share
 * the same settings share one rendered variant, serialized and validated once.
 *
 * @example
 * new Workload(fleet, 'api', {
 *   namespace: 'api',
 *   matchLabels: { tier: 'backend' },
 *   image: 'ghcr.io/acme/api',
 *   versions,
 *   definition: { define: (scope) => new kplus.Deployment(scope, 'api', { containers: [{ image: 'ghcr.io/acme/api:0' }] }) },
 *   overrides: [{ match: ClusterMatch.environment('production'), settings: { replicas: 4 } }],
 * });
 */
export class Workload extends Construct {
  /** Whether `x` is a Workload. */
  public static isWorkload(x: unknown): x is Workload {
    return x instanceof Workload;
  }

  public readonly applicationName: string;
  public readonly namespace: string;
  /** The ApplicationSet that deploys the workload to its clusters. */
  public readonly applicationSet: ApplicationSet;
  /** The project of its Applications. */
  public readonly project: IAppProject;
  /** The project the workload created for itself, when it was given none. */
  private readonly ownProject?: AppProject;
  private readonly props: WorkloadProps;
  private readonly fleet: Fleet;
  private prepared?: WorkloadFiles;
  /** The definition rendered for the shared context, or why it failed (`sharedRendering`). */
  private shared?: any[] | Error;
  /** The registry the prepared output was made for. */
  private readonly preparedFor = new RegistrySnapshot();
  /** What the variants' delivery and autoscaling need of Argo CD, collected while rendering. */
  private diffing: { ignoreDifferences: IgnoreDifference[]; syncOptions: string[]; errors?: string[] } = { ignoreDifferences: [], syncOptions: [] };
  /** DR pairs' standbys and changes (DrApplication). */
  private readonly standbyHooks: WorkloadStandbyHook[] = [];

  public constructor(scope: Construct, id: string, props: WorkloadProps) {
    super(scope, id);
    this.props = props;
    this.fleet = Fleet.of(this);
    this.applicationName = props.applicationName ?? id;
    this.namespace = props.namespace;
    throwIfInvalid(this, 'Workload', this.propErrors(props));
    this.node.addValidation({ validate: () => overrideRegistryErrors(props.overrides, this.fleet) });

    this.ownProject = props.project ? undefined : new AppProject(this, 'Project', {
      projectName: this.applicationName,
      description: `Workload ${this.applicationName}: exactly the destinations and kinds it renders (cdk8s-fleet)`,
    });
    this.project = props.project ?? this.ownProject!;
    const kustomize = props.output === WorkloadOutput.KUSTOMIZE;
    const cluster = TemplateParam.clusterName();
    this.applicationSet = new ApplicationSet(this, 'ApplicationSet', {
      templateMode: props.templateMode,
      goTemplateOptions: props.goTemplateOptions,
      preserveResourcesOnDeletion: props.preserveResourcesOnDeletion,
      templatePatch: props.templatePatch,
      ignoreApplicationDifferences: props.ignoreApplicationDifferences,
      preservedFields: props.preservedFields,
      progressiveSync: props.progressiveSync,
      applicationsSync: props.applicationsSync,
      waivedProofs: props.waivedProofs,
      applicationSetName: this.applicationName,
      generators: [new ClusterGenerator({ matchLabels: props.matchLabels, matchExpressions: props.matchExpressions })],
      template: {
        applicationName: `${this.applicationName}-${cluster}`,
        destinationNamespace: this.namespace,
        project: this.project,
        source: ApplicationSource.git({ path: kustomize ? `apps/${this.applicationName}/overlays/${cluster}` : `clusters/${cluster}/${this.applicationName}` }),
        syncPolicy: props.syncPolicy,
        ignoreDifferences: props.ignoreDifferences,
        finalizers: props.finalizers,
        labels: props.labels,
        annotations: props.imageUpdater ? { ...props.annotations, ...imageUpdaterAnnotations(props.imageUpdater, props.image!) } : props.annotations,
        notifications: props.notifications,
        info: props.info,
        revisionHistoryLimit: props.revisionHistoryLimit,
      },
    });
  }

  /** The registered clusters the workload selects, in registry order. */
  public get clusters(): ICluster[] {
    return selectClusters(this.fleet.clusters, this.props.matchLabels, this.props.matchExpressions);
  }

  /**
   * @internal A DR pair (DrApplication): the standby clusters rendered like the primaries they mirror, and the
   * changes to both sides' variants. Added before the tree is rendered.
   */
  public _addStandbyHook(hook: WorkloadStandbyHook): void {
    this.standbyHooks.push(hook);
  }

  /** @internal The path of the tree a cluster's Application deploys (rendered directory or Kustomize overlay). */
  public _sourcePath(clusterName: string): string {
    return this.props.output === WorkloadOutput.KUSTOMIZE ? `apps/${this.applicationName}/overlays/${clusterName}` : `clusters/${clusterName}/${this.applicationName}`;
  }

  /**
   * @internal Renders the variants and adds what the workload needs to its project. Called once by the render
   * pipeline before anything is serialized; the files follow from `_fileRequests()`.
   */
  public _prepare(): void {
    const changed = this.preparedFor.changed(this.fleet.clusters);
    if (this.prepared) {
      if (changed) this.prepared = { requests: [], variants: [], errors: [registryChangedError(this.node.path, 'Workload')] };
      return;
    }
    try {
      this.prepareVariants();
    } catch (e) {
      // A definition that throws: report it once, with the construct path, and write nothing for the workload.
      this.prepared = { requests: [], variants: [], errors: [`[${this.node.path}] rendering the definition failed: ${(e as Error).message}`] };
    }
  }

  private prepareVariants(): void {
    const errors: string[] = [];
    this.diffing = { ignoreDifferences: [], syncOptions: [] };
    // By name, so that the project's destinations and kinds do not depend on the order clusters were registered in.
    // DR standbys (never selected by the ApplicationSet) render like the primary they mirror.
    const mirrorOf = new Map(this.standbyHooks.flatMap(h => h.standbys.map(s => [s.cluster.clusterName, s.mirrors] as const)));
    const selected = byClusterName(this.clusters); // (a label selection over the registry: computed once)
    const standbys = this.standbyHooks.flatMap(h => h.standbys.map(s => s.cluster));
    const clusters = standbys.length > 0 ? byClusterName([...selected, ...standbys]) : selected;
    const variants = new Map<string, { settings: WorkloadSettings; clusters: ICluster[]; environment?: string; secrets: ResolvedSecret[] }>();
    // Clusters that match the same overrides in the same environment have the same settings: merge them once.
    const bySignature = new Map<string, { settings: WorkloadSettings; key: string }>();
    for (const c of clusters) {
      const like = mirrorOf.get(c.clusterName) ?? c;
      const env = this.props.versions?.environmentOf(like);
      const matching = this.matchingOverrides(like);
      const secrets = resolveSecrets(this.props.secrets, c, this.props.versions, this.fleet.defaultSecretStore);
      errors.push(...secrets.errors);
      const secretsKey = secrets.resolved.length ? `|${secretsSignature(secrets.resolved)}` : '';
      const drKey = this.standbyHooks.map(h => h.variantKey(c)).join('');
      const signature = `${env}|${matching.join(',')}${secretsKey}${drKey ? `|${drKey}` : ''}`;
      let cached = bySignature.get(signature);
      if (!cached) {
        let settings: WorkloadSettings;
        try {
          settings = this.settingsFor(like, matching);
          const standby = this.standbyHooks.map(h => h.standbySettings(c)).filter((x): x is WorkloadSettings => x !== undefined);
          if (standby.length) settings = mergeSettings([settings, ...standby]);
        } catch (e) {
          errors.push((e as Error).message);
          continue;
        }
        // Patches see the environment in their context, and the promotion guard judges (and records exceptions
        // on) each environment's tags, so clusters of different environments never share one variant then.
        const perEnvironment = !!settings.patches?.length || !!(this.props.versions && this.props.image);
        cached = { settings, key: `${variantKey(settings)}${perEnvironment ? `|${env}` : ''}${secretsKey}${drKey ? `|${drKey}` : ''}` };
        bySignature.set(signature, cached);
      }
      const key = this.props.renderPerCluster ? `cluster:${c.clusterName}` : cached.key;
      const v = variants.get(key) ?? { settings: cached.settings, clusters: [], environment: env, secrets: secrets.resolved };
      v.clusters.push(c);
      variants.set(key, v);
    }
    const requests: WorkloadFileRequest[] = [];
    const variantFiles: WorkloadVariantFiles[] = [];
    const shared = { applicationName: this.applicationName, namespace: this.namespace };
    const rendered = this.props.renderPerCluster ? undefined : this.sharedRendering();
    if (rendered instanceof Error) throw rendered;
    const base = rendered;
    /** A fresh copy of `base` (finish changes the objects it is given). */
    const copyOfBase = base === undefined ? undefined : copier(base);
    const perCluster = new Map<string, any[]>();
    /** By cluster name: the namespaces other than `namespace` that the objects name (`permit` fills it; own project only). */
    const otherNamespaces = new Map<string, Set<string>>();
    let variantIndex = 0;
    // A DR standby's capacity is its primaries' replicas: its variants come last.
    const isStandby = (v: { clusters: ICluster[] }) => mirrorOf.size > 0 && v.clusters.some(c => mirrorOf.has(c.clusterName));
    const ordered = mirrorOf.size === 0 ? [...variants] : [...variants].sort(([, a], [, b]) => Number(isStandby(a)) - Number(isStandby(b)));
    for (const [key, v] of ordered) {
      const raw = copyOfBase?.() ?? cloneData(this.renderDefinition({
        applicationName: this.applicationName, namespace: this.namespace, clusterName: v.clusters[0].clusterName, environment: v.environment,
      }));
      // (finish sorts: a fresh copy, so that what a patch inserted, perhaps shared with other variants, is not
      // changed by what follows.)
      const objects = this.finish(raw, v.settings, v.clusters.length === 1 ? v.clusters[0].clusterName : undefined, v.environment);
      errors.push(...applySecrets(objects, v.secrets, this.namespace));
      errors.push(...this.guardImages(objects, v.clusters, v.environment));
      for (const h of this.standbyHooks) errors.push(...h.finishVariant(objects, v.clusters, this.namespace).map(e => `[${this.node.path}] ${e}`));
      // Secrets and DR hooks add keys (env, volumes …) after the sort; the guard keeps keys sorted.
      if (v.secrets.length > 0 || this.standbyHooks.length > 0) sortEach(objects);
      if (this.props.output === WorkloadOutput.KUSTOMIZE) {
        for (const c of v.clusters) perCluster.set(c.clusterName, objects);
      } else {
        const fileKey = `${this.node.path}#${variantIndex++}:${key}`;
        variantFiles.push({
          clusters: v.clusters.map(c => c.clusterName),
          directories: v.clusters.map(c => `clusters/${c.clusterName}/${this.applicationName}`),
          names: objects.map(o => fileNameOf(o, this.namespace)),
          objects,
          keys: objects.map((_, i) => `${fileKey}/${i}`),
        });
      }
      // A DR standby is deployed by its pair's Application and project, not by the workload's.
      const scopes = scopesOf(this).withObjects(objects);
      if (!isStandby(v)) for (const o of objects) pushAll(errors, this.permit(o, v.clusters, otherNamespaces, scopes));
    }
    if (this.props.output === WorkloadOutput.KUSTOMIZE && clusters.length > 0) {
      let baseTag: WorkloadSettings = {};
      try {
        baseTag = this.baseImageTag();
      } catch (e) {
        errors.push((e as Error).message);
      }
      const baseObjects = this.finish(copyOfBase?.() ?? cloneData(this.renderDefinition(shared)),
        mergeSettings([this.props.defaults ?? {}, baseTag]), undefined, undefined);
      pushAll(requests, kustomizeFiles(this.applicationName, baseObjects, perCluster, o => fileNameOf(o, this.namespace), this.node.path));
    }
    for (const c of selected) {
      if (this.ownProject) {
        this.ownProject.addDestination(ProjectDestination.cluster(c, this.namespace));
        for (const ns of [...otherNamespaces.get(c.clusterName) ?? []].sort(compareCodeUnits)) {
          this.ownProject.addDestination(ProjectDestination.cluster(c, ns));
        }
      } else if (!this.project.permitsDestination(c, this.namespace)) {
        errors.push(`AppProject '${this.project.projectName}' does not allow destination ${c.clusterName}/${this.namespace}; add it to the project`);
      }
    }
    this.prepared = { requests, variants: variantFiles, errors: [...new Set([...errors, ...this.diffing.errors ?? []])] };
    this.applicationSet._addDiffingDefaults(this.diffing.ignoreDifferences, this.diffing.syncOptions);
    for (const h of this.standbyHooks) h.diffing(this.diffing.ignoreDifferences, this.diffing.syncOptions);
  }

  /** @internal The files to write (after `_prepare()`), and the problems found while rendering. */
  public _fileRequests(): WorkloadFiles {
    this._prepare();
    return this.prepared!;
  }

  /** Indices of the overrides that match a cluster, in the order they apply (by specificity, then as given). */
  private matchingOverrides(cluster: ICluster): number[] {
    const p = this.props;
    const overrides = p.overrides ?? [];
    const matching: number[] = [];
    for (let i = 0; i < overrides.length; i++) if (overrides[i].match._matches(cluster, p.versions)) matching.push(i);
    return matching.length < 2 ? matching : matching.sort((a, b) => overrides[a].match._specificity - overrides[b].match._specificity || a - b);
  }

  /** The settings of one cluster: defaults, then its environment's tag, then the matching overrides. */
  private settingsFor(cluster: ICluster, matching: number[]): WorkloadSettings {
    const p = this.props;
    const tag: WorkloadSettings = {};
    if (p.versions && p.image) {
      const env = p.versions.environmentOf(cluster);
      if (env === undefined) {
        throw new Error(`[${this.node.path}] cluster '${cluster.clusterName}' has no environment: its label '${p.versions.environmentLabel}' (${show(cluster.labels[p.versions.environmentLabel])}) is not one of ${show(p.versions.environments)}`);
      }
      Object.assign(tag, { imageTag: this.pinnedTag(env) });
    }
    return mergeSettings([p.defaults ?? {}, tag, ...matching.map(i => p.overrides![i].settings)]);
  }

  /** The tag of the Kustomize base: the first environment's version. */
  private baseImageTag(): WorkloadSettings {
    const p = this.props;
    if (!p.versions || !p.image) return {};
    const key = p.versionKey ?? this.applicationName;
    const env = p.versions.environments.find(e => p.versions!.hasVersion(key, e));
    return env ? { imageTag: this.pinnedTag(env) } : {};
  }

  /**
   * The versions file's version for `environment`, checked as the tag or digest of an image reference (it
   * becomes `<image>:<version>`); throws naming the file, the application, the environment and the value.
   */
  private pinnedTag(environment: string): string {
    const versions = this.props.versions!;
    const key = this.props.versionKey ?? this.applicationName;
    const version = versions.version(key, environment);
    const problems = imageVersionErrors(version);
    if (problems.length) {
      throw new Error(`[${this.node.path}] ${versions.path ?? 'the versions file'}: 'versions.${key}.${environment}' (${show(version)}) ${problems.join('; ')}; `
        + `the Workload puts it into the image reference of '${this.props.image}'`);
    }
    return version;
  }

  /** The promotion guard on the image tags a variant renders (see `guardVariantImages`). */
  private guardImages(objects: any[], clusters: ICluster[], environment: string | undefined): string[] {
    const p = this.props;
    if (!p.versions || !p.image || environment === undefined) return [];
    return guardVariantImages({
      versions: p.versions,
      versionKey: p.versionKey ?? this.applicationName,
      repository: p.image,
      workloadPath: this.node.path,
      environment,
      clusters: clusters.map(c => c.clusterName),
      objects,
      settingOf: (clusterName, version) => {
        const cluster = clusters.find(c => c.clusterName === clusterName)!;
        const setting = this.matchingOverrides(cluster).map(i => ({ i, o: p.overrides![i] })).filter(x => x.o.settings.imageTag !== undefined).pop();
        return setting && setting.o.settings.imageTag === version
          ? `'overrides[${setting.i}].settings.imageTag' (${setting.o.match.description})`
          : 'the definition or a patch (no imageTag setting sets it)';
      },
    });
  }

  /**
   * @internal The CustomResourceDefinitions the definition writes for every variant (rendered now if it was not,
   * and kept for `_prepare`): rendering reads their scopes before any workload places its objects. None when the
   * definition renders per cluster, or fails (`_prepare` reports that).
   */
  public _customResourceDefinitions(): any[] {
    if (this.props.renderPerCluster) return [];
    const objects = this.sharedRendering();
    return objects instanceof Error ? [] : objects.filter(o => customResourceKind(o) !== undefined);
  }

  /** The definition rendered for the shared context (every variant starts from a copy unless rendered per cluster), once. */
  private sharedRendering(): any[] | Error {
    if (this.shared === undefined) {
      try {
        this.shared = this.renderDefinition({ applicationName: this.applicationName, namespace: this.namespace });
      } catch (e) {
        this.shared = e as Error;
      }
    }
    return this.shared;
  }

  /** Runs the definition in a detached app and returns its objects as plain JSON. */
  private renderDefinition(context: WorkloadContext): any[] {
    const app = new App({ outdir: '/nonexistent/cdk8s-fleet-workload' });
    const chart = new Chart(app, constructIdFor(this.applicationName), { namespace: this.namespace });
    this.props.definition.define(chart, context);
    const disableSort = process.env.CDK8S_DISABLE_SORT;
    delete process.env.CDK8S_DISABLE_SORT;
    try {
      // (cdk8s' own Chart.toJson(): its dependency order and validation; each generated L1's mapper the fast one)
      const objects = chart.node.findAll().filter(ApiObject.isApiObject);
      return apiObjectJsonModule().withFastApiObjectJson(() => l1JsonModule().withFastL1Json(objects, () => chart.toJson()));
    } finally {
      if (disableSort !== undefined) process.env.CDK8S_DISABLE_SORT = disableSort;
    }
  }

  /** Settings, the namespace, guard rails and default waves applied to one variant's objects, then sorted (copies). */
  private finish(objects: any[], settings: WorkloadSettings, clusterName: string | undefined, environment: string | undefined): any[] {
    // (the program's CRDs and declared kinds, and the CRDs of this variant)
    const scopes = scopesOf(this).withObjects(objects);
    for (const o of objects) if (scopes.isClusterScoped(o.apiVersion, o.kind) && o.metadata?.namespace !== undefined) delete o.metadata.namespace;
    applySettings(objects, settings, this.props.image, { applicationName: this.applicationName, clusterName, environment });
    const delivery = applyDelivery(objects, settings, this.namespace);
    this.diffing.ignoreDifferences.push(...delivery.ignoreDifferences);
    this.diffing.syncOptions.push(...delivery.syncOptions);
    this.diffing.errors = [...this.diffing.errors ?? [], ...delivery.errors.map(e => `[${this.node.path}] ${clusterName ?? environment ?? 'variant'}: ${e}`)];
    if (this.props.manageNamespace !== false && !objects.some(o => o.apiVersion === 'v1' && o.kind === 'Namespace' && o.metadata?.name === this.namespace)) {
      objects.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } });
    }
    objects.push(...guardRailObjects(settings, this.namespace, this.applicationName));
    applyDefaultWaves(objects);
    // Without patches and delivery, the objects are the fresh copy and what the settings made (data nothing else
    // refers to): sorted where they are out of order instead of copied whole.
    return settings.patches?.length || settings.delivery ? sortEach(objects) : sortOwnedEach(objects);
  }

  /**
   * Adds the object's kind (and name, for cluster-scoped kinds) to the workload's own project, and its namespace
   * when it names another one to `otherNamespaces` (by cluster); or checks that a given project allows both.
   */
  private permit(o: any, clusters: ICluster[], otherNamespaces: Map<string, Set<string>>, scopes: KindScopes): string[] {
    const group = groupOf(String(o.apiVersion));
    const clusterScoped = scopes.isClusterScoped(o.apiVersion, o.kind);
    if (this.ownProject) {
      if (clusterScoped) {
        this.ownProject.allowClusterResource({ group, kind: o.kind, name: o.metadata?.name });
        return [];
      }
      this.ownProject.allowNamespacedResource({ group, kind: o.kind });
      // Argo CD checks each object's namespace against the project's destinations (controller/sync.go
      // validateSyncPermissions): the workload's own project also permits the other namespaces its objects name.
      const namespace = o.metadata?.namespace;
      if (typeof namespace === 'string' && namespace !== '' && namespace !== this.namespace) {
        for (const c of clusters) otherNamespaces.set(c.clusterName, (otherNamespaces.get(c.clusterName) ?? new Set()).add(namespace));
      }
      return [];
    }
    if (!this.project.permitsResource(group, o.kind, o.metadata?.name ?? '', !clusterScoped)) {
      return [`AppProject '${this.project.projectName}' does not allow ${o.kind} '${o.metadata?.name}' (group '${group}'), which the workload renders for ${clusters.map(c => c.clusterName).join(', ')}`];
    }
    const namespace = o.metadata?.namespace;
    if (clusterScoped || typeof namespace !== 'string' || namespace === '' || namespace === this.namespace) return [];
    const refused = clusters.filter(c => !this.project.permitsDestination(c, namespace)).map(c => c.clusterName);
    return refused.length === 0 ? [] : [`AppProject '${this.project.projectName}' does not allow destination namespace '${namespace}' of ${o.kind} '${o.metadata?.name}', which the workload `
      + `renders for ${refused.join(', ')} (Argo CD: "namespace ${namespace} is not permitted in project '${this.project.projectName}'"); add the destinations to the project`];
  }

  private propErrors(p: WorkloadProps): string[] {
    const errors = dns1123LabelErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) ${e}`);
    errors.push(...dns1123LabelErrors(p.namespace).map(e => `'namespace' (${show(p.namespace)}) ${e}`));
    if (!p.definition || typeof p.definition.define !== 'function') errors.push("'definition' must implement IWorkloadDefinition (a define(scope, context) method)");
    errors.push(...labelMapErrors('matchLabels', p.matchLabels));
    if (!Object.keys(p.matchLabels ?? {}).length && !p.matchExpressions?.length) {
      errors.push("give 'matchLabels' or 'matchExpressions': a workload selects its clusters by label");
    }
    if (p.versions && !p.image) errors.push("'versions' needs 'image': the repository whose tag it pins");
    if (p.image !== undefined && !/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(p.image)) {
      errors.push(`'image' (${show(p.image)}) must be an image repository without tag or digest, e.g. 'ghcr.io/acme/api'`);
    }
    errors.push(...settingsErrors(p.defaults, 'defaults'));
    errors.push(...workloadSecretErrors(p.secrets));
    (p.overrides ?? []).forEach((o, i) => errors.push(...settingsErrors(o.settings, `overrides[${i}].settings`)));
    if (p.imageUpdater && p.output !== WorkloadOutput.KUSTOMIZE) {
      errors.push("'imageUpdater' needs 'output: WorkloadOutput.KUSTOMIZE': Argo CD Image Updater cannot update plain rendered manifests");
    }
    if (p.imageUpdater && !p.image) errors.push("'imageUpdater' needs 'image'");
    return errors;
  }
}

/** Overrides whose match cannot apply as written (a cluster the fleet does not have). */
function overrideRegistryErrors(overrides: WorkloadOverride[] | undefined, fleet: Fleet): string[] {
  const names = fleet.clusters.map(c => c.clusterName);
  return (overrides ?? []).flatMap((o, i) => {
    const error = o.match?._registryError(names, fleet.fleetName);
    return error ? [`'overrides[${i}].match': ${error}`] : [];
  });
}

/** Settings that render the same objects have the same key (patches by identity). */
function variantKey(s: WorkloadSettings): string {
  const patches = (s.patches ?? []).map(p => patchId(p));
  return JSON.stringify({ ...s, patches, delivery: s.delivery ? patchId(s.delivery) : undefined });
}

const patchIds = new WeakMap<object, number>();
let nextPatchId = 0;
function patchId(p: object): number {
  if (!patchIds.has(p)) patchIds.set(p, nextPatchId++);
  return patchIds.get(p)!;
}

/**
 * Settings, patches, secrets and the guard's annotation add keys after cdk8s sorted them (replicas after
 * template, env after startupProbe): sort again, in cdk8s' order, like every other file of the tree.
 */
function sortEach(objects: any[]): any[] {
  for (let i = 0; i < objects.length; i++) objects[i] = sortObjectKeys(objects[i]);
  return objects;
}

function byClusterName(clusters: ICluster[]): ICluster[] {
  return [...clusters].sort((a, b) => compareCodeUnits(a.clusterName, b.clusterName));
}
