import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IAppProject } from './app-project';
import { ApplicationSource } from './application-source';
import { deployedManifests, renderSpecParts, sourceRepoErrors, specPartErrors } from './application-spec';
import type { NotificationSubscription } from './notifications';
import { SyncPolicy } from './sync-policy';
import { Cluster, ICluster } from '../fleet/cluster';
import type { ClusterManifests } from '../fleet/cluster-manifests';
import { Fleet } from '../fleet/fleet';
import { argoChart } from '../private/argo-chart';
import { show, throwIfInvalid } from '../private/errors';
import { groupOf, scopesOf } from '../private/kinds';
import { argocdL1 } from '../private/lazy';
import { annotationMapErrors, dns1123LabelErrors, dns1123SubdomainErrors, labelMapErrors } from '../private/names';
import { subscriptionAnnotations } from '../private/notifications';
import { ownLazy } from '../private/own-lazy';
import { definePlacement } from '../private/placement';
import { sortedMap, undefinedIfEmpty } from '../private/util';

/**
 * What every Application carries besides its source and destination: sync policy, diffing, finalizers and
 * metadata. Shared by Applications, ApplicationSet templates and Workloads (whose sources the library makes).
 */
export interface ApplicationBaseOptions {
  /**
   * The sync policy.
   * @default - manual sync
   */
  readonly syncPolicy?: SyncPolicy;
  /**
   * Differences to ignore when comparing live and desired state.
   * @default - none
   */
  readonly ignoreDifferences?: IgnoreDifference[];
  /**
   * Finalizers on the Application. `ApplicationFinalizer.RESOURCES` makes deleting the Application delete its
   * resources too.
   * @default - none: deleting the Application leaves its resources running
   */
  readonly finalizers?: ApplicationFinalizer[];
  /**
   * Labels on the Application.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations on the Application.
   * @default - none
   */
  readonly annotations?: Record<string, string>;
  /**
   * Notifications subscriptions, written as `notifications.argoproj.io/subscribe.*` annotations.
   * @default - none
   */
  readonly notifications?: NotificationSubscription[];
  /**
   * Extra information shown in the UI (`spec.info`).
   * @default - none
   */
  readonly info?: Record<string, string>;
  /**
   * How many past syncs are kept in the history.
   * @default 10 (Argo CD's default)
   */
  readonly revisionHistoryLimit?: number;
}

/**
 * What an Application and an ApplicationSet's Application template have in common: sources, sync policy,
 * diffing, finalizers and metadata.
 */
export interface ApplicationCommonOptions extends ApplicationBaseOptions {
  /**
   * The single source. Give `source` or `sources`, not both.
   * @default - none
   */
  readonly source?: ApplicationSource;
  /**
   * Several sources (multi-source Application).
   * @default - none
   */
  readonly sources?: ApplicationSource[];
}

/** Props for `Application`. */
export interface ApplicationProps extends ApplicationCommonOptions {
  /**
   * The Application's name, as typed in `argocd app sync`.
   * @default - the construct id
   */
  readonly applicationName?: string;
  /** The cluster to deploy to. It must be registered in the same fleet. */
  readonly destination: ICluster;
  /** The namespace to deploy namespaced resources to that do not set one. */
  readonly destinationNamespace: string;
  /**
   * The project. Its destinations and source repositories must allow this Application.
   * @default - the fleet's default project
   */
  readonly project?: IAppProject;
}

/** A finalizer on an Application. */
export enum ApplicationFinalizer {
  /** Deleting the Application deletes its resources (foreground cascading). */
  RESOURCES = 'resources-finalizer.argocd.argoproj.io',
  /** Deleting the Application deletes its resources (background cascading). */
  RESOURCES_BACKGROUND = 'resources-finalizer.argocd.argoproj.io/background',
  /** Run PostDelete hooks before the Application goes away. */
  POST_DELETE = 'post-delete-finalizer.argocd.argoproj.io',
}

/**
 * A difference Argo CD ignores when comparing live and desired state.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/
 */
export interface IgnoreDifference {
  /** The kind, e.g. 'Deployment'. */
  readonly kind: string;
  /**
   * The API group without version ('' for core).
   * @default - the core group
   */
  readonly group?: string;
  /**
   * Only the object with this name.
   * @default - every object of the kind
   */
  readonly name?: string;
  /**
   * Only objects in this namespace.
   * @default - every namespace
   */
  readonly namespace?: string;
  /**
   * JSON pointers to ignore, e.g. '/spec/replicas'.
   * @default - none
   */
  readonly jsonPointers?: string[];
  /**
   * jq path expressions to ignore.
   * @default - none
   */
  readonly jqPathExpressions?: string[];
  /**
   * Ignore fields owned by these field managers.
   * @default - none
   */
  readonly managedFieldsManagers?: string[];
}

/**
 * One typed Argo CD Application.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
 *
 * @example
 * new Application(fleet, 'web-prod-eu-1', {
 *   destination: prodEu,
 *   destinationNamespace: 'web',
 *   project: team,
 *   source: ApplicationSource.manifests(prodEu.addManifests('web')),
 *   syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
 * });
 */
export class Application extends Construct {
  public readonly applicationName: string;
  public readonly destination: ICluster;
  public readonly destinationNamespace: string;
  public readonly project: IAppProject;
  /**
   * The generated API object (an `argoproj.io/v1alpha1` L1 from the pinned CRD, typed as its base class: the
   * generated L1 classes are not part of this library's API). Use `addJsonPatch()` for fields the props lack.
   */
  public readonly apiObject: ApiObject;
  private readonly props: ApplicationProps;
  private readonly sources: ApplicationSource[] = [];
  private readonly fleet: Fleet;
  private readonly extraIgnoreDifferences: IgnoreDifference[] = [];
  private readonly extraSyncOptions: string[] = [];

  /** @internal The ClusterManifests its sources deploy (`ApplicationSource.manifests()`). */
  public get _deployedManifests(): ClusterManifests[] {
    return deployedManifests(this.sources);
  }

  public constructor(scope: Construct, id: string, props: ApplicationProps) {
    super(scope, id);
    this.fleet = Fleet.of(this);
    this.props = props;
    this.applicationName = props.applicationName ?? id;
    this.destination = props.destination;
    this.destinationNamespace = props.destinationNamespace;
    this.project = props.project ?? this.fleet.defaultProject;

    const errors = this.propErrors(props);
    throwIfInvalid(this, 'Application', errors);

    definePlacement(this, () => ({ directory: `${this.fleet.argocdDirectory}/applications`, role: 'argocd' }));
    this.apiObject = new (argocdL1().Application)(argoChart(this, this.fleet.argocdNamespace), 'Resource', {
      metadata: {
        name: this.applicationName,
        namespace: this.fleet.argocdNamespace,
        labels: sortedMap(props.labels),
        annotations: undefinedIfEmpty(sortedMap({ ...props.annotations, ...subscriptionAnnotations(props.notifications).annotations })),
        finalizers: undefinedIfEmpty(props.finalizers?.map(f => f as string)),
      },
      spec: ownLazy(() => this._toSpec()),
    });
    if (props.source) this.addSource(props.source);
    for (const s of props.sources ?? []) this.addSource(s);
    this.node.defaultChild = this.apiObject;
    this.node.addValidation({ validate: () => this.validateApplication() });
  }

  /** Adds a source. With more than one, the Application is written with `sources`. */
  public addSource(source: ApplicationSource): void {
    this.sources.push(source);
  }

  /**
   * @internal Differences and sync options the library adds while rendering (what a Workload's Rollouts and
   * autoscalers need of Argo CD, for a DR standby), on top of the props' own.
   */
  public _addDiffingDefaults(ignoreDifferences: IgnoreDifference[], syncOptions: string[]): void {
    const seen = new Set([...this.props.ignoreDifferences ?? [], ...this.extraIgnoreDifferences].map(d => JSON.stringify(d)));
    for (const d of ignoreDifferences) {
      if (!seen.has(JSON.stringify(d))) {
        seen.add(JSON.stringify(d));
        this.extraIgnoreDifferences.push(d);
      }
    }
    for (const o of syncOptions) if (!this.extraSyncOptions.includes(o)) this.extraSyncOptions.push(o);
  }

  /** @internal */
  public _toSpec(): any {
    const ignoreDifferences = [...this.props.ignoreDifferences ?? [], ...this.extraIgnoreDifferences];
    const parts = renderSpecParts({ ...this.props, sources: this.sources, ignoreDifferences }, this.fleet);
    if (this.extraSyncOptions.length) {
      parts.syncPolicy = { ...parts.syncPolicy, syncOptions: [...new Set([...parts.syncPolicy?.syncOptions ?? [], ...this.extraSyncOptions])] };
    }
    return {
      project: this.project.projectName,
      destination: { name: this.destination.clusterName, namespace: this.destinationNamespace },
      ...parts,
    };
  }

  private propErrors(p: ApplicationProps): string[] {
    const errors: string[] = [];
    errors.push(...dns1123SubdomainErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) ${e}`));
    if (!p.destination) errors.push("'destination' is required (a Cluster from fleet.addCluster())");
    errors.push(...dns1123LabelErrors(p.destinationNamespace).map(e => `'destinationNamespace' (${show(p.destinationNamespace)}) is not a valid namespace name: ${e}`));
    errors.push(...labelMapErrors('labels', p.labels));
    errors.push(...annotationMapErrors('annotations', p.annotations));
    errors.push(...specPartErrors(p));
    errors.push(...subscriptionAnnotations(p.notifications).errors);
    return errors;
  }

  /** Objects the project would refuse to sync (foot-gun 16: a new project cannot even create a Namespace). */
  private resourceErrors(manifests: Construct): string[] {
    const errors: string[] = [];
    const scopes = scopesOf(this);
    for (const c of manifests.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      const group = groupOf(c.apiVersion);
      const namespaced = !scopes.isClusterScoped(c.apiVersion, c.kind);
      if (!this.project.permitsResource(group, c.kind, c.name, namespaced)) {
        errors.push(`AppProject '${this.project.projectName}' does not allow ${namespaced ? 'namespaced' : 'cluster-scoped'} ${c.kind} '${c.name}' (group '${group}') that Application '${this.applicationName}' deploys. `
          + (namespaced ? 'Check its namespace resource lists' : `Add { group: '${group}', kind: '${c.kind}' } to its clusterResourceAllowList`));
      }
    }
    return errors;
  }

  private validateApplication(): string[] {
    const errors: string[] = [];
    const cluster = this.destination;
    if (!Cluster.isCluster(cluster) || cluster.fleet !== this.fleet || this.fleet.findCluster(cluster.clusterName) !== cluster) {
      errors.push(`Application '${this.applicationName}' 'destination' (${show(cluster.clusterName)}) is not a cluster in the registry of fleet '${this.fleet.fleetName}'. Register it with fleet.addCluster()`);
      return errors;
    }
    if (this.sources.length === 0) errors.push(`Application '${this.applicationName}' has no source. Give 'source' or call addSource()`);
    const refs = this.sources.filter(s => s.sourceKind === 'ref');
    if (refs.length && this.sources.length < 2) {
      errors.push(`Application '${this.applicationName}' has only a values reference source; add the source that uses it`);
    }
    if (!this.project.permitsDestination(cluster, this.destinationNamespace)) {
      errors.push(`AppProject '${this.project.projectName}' does not allow destination '${cluster.clusterName}' (${cluster.server}) namespace '${this.destinationNamespace}' of Application '${this.applicationName}'. Call project.addDestination()`);
    }
    if (cluster.project && cluster.project.projectName !== this.project.projectName) {
      errors.push(`Cluster '${cluster.clusterName}' is scoped to project '${cluster.project.projectName}', but Application '${this.applicationName}' is in project '${this.project.projectName}'`);
    }
    errors.push(...sourceRepoErrors(this.project, this.sources, this.fleet, `Application '${this.applicationName}'`));
    for (const source of this.sources) {
      if (source._manifests && source._manifests.cluster !== cluster) {
        errors.push(`Application '${this.applicationName}' deploys to '${cluster.clusterName}' but its source is the manifests rendered for '${source._manifests.cluster.clusterName}'`);
      }
      if (source._manifests) errors.push(...this.resourceErrors(source._manifests));
    }
    return errors;
  }
}
