import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { DestinationServiceAccount } from './destination-service-account';
import { ProjectDestination } from './project-destination';
import { ProjectRoleOptions } from './project-role';
import { SyncWindowOptions } from './sync-window';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { argoChart } from '../private/argo-chart';
import { goDuration } from '../private/duration';
import { show, throwIfInvalid } from '../private/errors';
import { gobwasCompiles } from '../private/glob';
import { argocdL1 } from '../private/lazy';
import { dns1123SubdomainErrors } from '../private/names';
import { ownLazy } from '../private/own-lazy';
import { definePlacement } from '../private/placement';
import { isDestinationMatched, isResourcePermitted, isSourcePermitted, SERVICE_ACCOUNT_DISALLOWED } from '../private/project-rules';
import { cronScheduleError, groupNameError, isTimeZone, policyError, roleNameError } from '../private/project-validation';
import { undefinedIfEmpty } from '../private/util';

/** Props for `AppProject`. */
export interface AppProjectProps {
  /**
   * The project's name (`metadata.name`), as typed in `argocd app create --project`.
   * @default - the construct id
   */
  readonly projectName?: string;
  /**
   * A description shown in the UI.
   * @default - none
   */
  readonly description?: string;
  /**
   * Git or Helm repositories the project's Applications may use (globs; a leading '!' denies).
   * @default - only the fleet's own repository
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
   */
  readonly sourceRepos?: string[];
  /**
   * Where the project's Applications may deploy.
   * @default - nowhere; add destinations with `addDestination()`
   */
  readonly destinations?: ProjectDestination[];
  /**
   * Cluster-scoped kinds the project may create (`clusterResourceWhitelist`). With none, it may create no
   * cluster-scoped resource at all, not even a Namespace.
   * @default - none
   */
  readonly clusterResourceAllowList?: ResourceKind[];
  /**
   * Cluster-scoped kinds the project may not create (`clusterResourceBlacklist`).
   * @default - none
   */
  readonly clusterResourceDenyList?: ResourceKind[];
  /**
   * If set, the only namespaced kinds the project may create (`namespaceResourceWhitelist`).
   * @default - every namespaced kind not in the deny list
   */
  readonly namespaceResourceAllowList?: ResourceKind[];
  /**
   * Namespaced kinds the project may not create (`namespaceResourceBlacklist`).
   * @default - none
   */
  readonly namespaceResourceDenyList?: ResourceKind[];
  /**
   * Project roles with their RBAC policies and SSO groups.
   * @default - none
   */
  readonly roles?: ProjectRoleOptions[];
  /**
   * Orphaned-resource monitoring.
   * @default - not monitored
   */
  readonly orphanedResources?: OrphanedResourcesOptions;
  /**
   * Sync windows.
   * @default - syncs are allowed at any time
   */
  readonly syncWindows?: SyncWindowOptions[];
  /**
   * Namespaces other than Argo CD's in which Applications of this project may live (apps-in-any-namespace).
   * @default - none
   */
  readonly sourceNamespaces?: string[];
  /**
   * Only project-scoped clusters (clusters registered with `project`) are valid destinations.
   * @default false
   */
  readonly permitOnlyProjectScopedClusters?: boolean;
  /**
   * Add the `resources-finalizer.argocd.argoproj.io` finalizer, so that the project cannot be deleted while
   * Applications still use it.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * The service accounts Argo CD impersonates to sync the project's Applications, by destination
   * (`destinationServiceAccounts`; the first match wins). They take effect when `argocd-cm` enables impersonation
   * (Fleet `syncImpersonation`).
   * @default - none; add them with `addDestinationServiceAccount()`
   */
  readonly destinationServiceAccounts?: DestinationServiceAccount[];
}

/** An Argo CD project: either one this program defines, or one that exists already. */
export interface IAppProject extends IConstruct {
  /** The project's name. */
  readonly projectName: string;
  /** Whether an Application in this project may deploy to `cluster` and `namespace`. */
  permitsDestination(cluster: ICluster, namespace: string): boolean;
  /** Whether an Application in this project may use `repoUrl`. */
  permitsSourceRepo(repoUrl: string): boolean;
  /**
   * Whether an Application in this project may create an object of this API group and kind (and name).
   * @param namespaced whether the kind is namespaced (false for Namespace, ClusterRole, CRDs …)
   */
  permitsResource(group: string, kind: string, name: string, namespaced: boolean): boolean;
}

/**
 * An Argo CD AppProject: which repositories its Applications may use, where they may deploy, which kinds
 * they may create, who may do what, and when syncs may run.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 *
 * @example
 * const team = new AppProject(fleet, 'payments', {
 *   destinations: [ProjectDestination.cluster(prodEu, 'payments-*')],
 *   clusterResourceAllowList: [{ group: '', kind: 'Namespace' }],
 * });
 */
export class AppProject extends Construct implements IAppProject {
  /**
   * A project that exists already (for example Argo CD's `default` project). Its rules are not known to
   * this program, so Applications in it are not checked against them.
   */
  public static fromProjectName(scope: Construct, id: string, projectName: string): IAppProject {
    return new ImportedAppProject(scope, id, projectName);
  }

  /** @internal The names of projects the program refers to but does not define (they exist in Argo CD already). */
  public static _importedProjectNames(constructs: readonly IConstruct[]): string[] {
    return constructs.filter((c): c is ImportedAppProject => c instanceof ImportedAppProject).map(c => c.projectName);
  }

  public readonly projectName: string;
  /**
   * The generated API object (an `argoproj.io/v1alpha1` L1 from the pinned CRD, typed as its base class: the
   * generated L1 classes are not part of this library's API). Use `addJsonPatch()` for fields the props lack.
   */
  public readonly apiObject: ApiObject;
  private readonly props: AppProjectProps;
  private readonly destinations: ProjectDestination[] = [];
  private readonly serviceAccounts: DestinationServiceAccount[] = [];
  private readonly sourceRepos: string[] = [];
  private readonly roles: ProjectRoleOptions[] = [];
  private readonly clusterAllow: ResourceKind[] = [];
  private readonly namespaceAllow: ResourceKind[] = [];

  public constructor(scope: Construct, id: string, props: AppProjectProps = {}) {
    super(scope, id);
    const fleet = Fleet.of(this);
    this.props = props;
    this.projectName = props.projectName ?? id;

    const errors = dns1123SubdomainErrors(this.projectName).map(e => `'projectName' (${show(this.projectName)}) ${e}`);
    if (this.projectName === 'default') {
      errors.push("'projectName' ('default') is Argo CD's built-in project; use AppProject.fromProjectName(scope, id, 'default') to refer to it");
    }
    errors.push(...syncWindowsErrors(props.syncWindows ?? []));
    for (const r of props.roles ?? []) errors.push(...roleErrors(this.projectName, r));
    for (const repo of props.sourceRepos ?? []) errors.push(...sourceRepoErrors(repo));
    errors.push(...duplicates('sourceNamespaces', props.sourceNamespaces ?? [], ns => `source namespace '${ns}' already added`));
    for (const [prop, list] of [['namespaceResourceAllowList', props.namespaceResourceAllowList], ['namespaceResourceDenyList', props.namespaceResourceDenyList]] as const) {
      for (const k of list ?? []) errors.push(...namespacedKindErrors(prop, k));
    }
    throwIfInvalid(this, 'AppProject', errors);

    definePlacement(this, () => ({ directory: `${fleet.argocdDirectory}/projects`, role: 'argocd' }));
    this.apiObject = new (argocdL1().AppProject)(argoChart(this, fleet.argocdNamespace), 'Resource', {
      metadata: {
        name: this.projectName,
        namespace: fleet.argocdNamespace,
        finalizers: (props.deletionProtection ?? true) ? ['resources-finalizer.argocd.argoproj.io'] : undefined,
      },
      spec: ownLazy(() => this._toSpec()),
    });

    for (const repo of props.sourceRepos ?? [fleet.repoUrl]) this.addSourceRepo(repo);
    for (const d of props.destinations ?? []) this.addDestination(d);
    for (const a of props.destinationServiceAccounts ?? []) this.addDestinationServiceAccount(a);
    for (const r of props.roles ?? []) this.addRole(r);
    for (const k of props.clusterResourceAllowList ?? []) this.allowClusterResource(k);
    for (const k of props.namespaceResourceAllowList ?? []) this.allowNamespacedResource(k);
    this.node.defaultChild = this.apiObject;
    this.node.addValidation({ validate: () => this.validateProject() });
  }

  /** Allows Applications of this project to use another repository (a glob; a leading '!' denies). */
  public addSourceRepo(repoUrl: string): void {
    if (!repoUrl) throw new Error(`[${this.node.path}] AppProject 'sourceRepos' entries must be non-empty (got ${show(repoUrl)})`);
    throwIfInvalid(this, 'AppProject', sourceRepoErrors(repoUrl));
    if (!this.sourceRepos.includes(repoUrl)) this.sourceRepos.push(repoUrl);
  }

  /** Allows Applications of this project to deploy to another destination. */
  public addDestination(destination: ProjectDestination): void {
    this.destinations.push(destination);
  }

  /** Adds a service account to impersonate for a destination (after those already added: the first match wins). */
  public addDestinationServiceAccount(account: DestinationServiceAccount): void {
    this.serviceAccounts.push(account);
  }

  /** Adds a project role. */
  public addRole(role: ProjectRoleOptions): void {
    throwIfInvalid(this, 'AppProject', roleErrors(this.projectName, role));
    this.roles.push(role);
  }

  /** Allows the project to create a cluster-scoped kind (adds it to `clusterResourceWhitelist`). */
  public allowClusterResource(kind: ResourceKind): void {
    if (!this.clusterAllow.some(k => k.group === kind.group && k.kind === kind.kind && k.name === kind.name)) {
      this.clusterAllow.push(kind);
    }
  }

  /**
   * Allows the project to create a namespaced kind (adds it to `namespaceResourceWhitelist`; once the list is not
   * empty, only listed kinds are allowed).
   */
  public allowNamespacedResource(kind: ResourceKind): void {
    throwIfInvalid(this, 'AppProject', namespacedKindErrors('namespaceResourceAllowList', kind));
    if (!this.namespaceAllow.some(k => k.group === kind.group && k.kind === kind.kind && k.name === kind.name)) {
      this.namespaceAllow.push(kind);
    }
  }

  public permitsDestination(cluster: ICluster, namespace: string): boolean {
    const matched = isDestinationMatched(this.destinations.map(d => d._toKube()), { name: cluster.clusterName, server: cluster.server, namespace });
    if (matched && this.props.permitOnlyProjectScopedClusters) {
      // AppProject.IsDestinationPermitted: some cluster scoped to this project has the destination's name or server.
      return Fleet.of(this).clusters.some(c => c.project?.projectName === this.projectName
        && (c.clusterName === cluster.clusterName || c.server === cluster.server));
    }
    return matched;
  }

  public permitsSourceRepo(repoUrl: string): boolean {
    return isSourcePermitted(this.sourceRepos, repoUrl);
  }

  public permitsResource(group: string, kind: string, name: string, namespaced: boolean): boolean {
    const p = this.props;
    return isResourcePermitted({
      clusterResourceWhitelist: this.clusterAllow,
      clusterResourceBlacklist: p.clusterResourceDenyList,
      namespaceResourceWhitelist: this.namespaceAllow.length ? this.namespaceAllow : undefined,
      namespaceResourceBlacklist: p.namespaceResourceDenyList,
    }, group, kind, name, namespaced);
  }

  private validateProject(): string[] {
    // AppProject.ValidateProject (app_project_types.go) for what can be added after construction: destinations
    // ('!*' fields; one per server/namespace, or name/namespace when the server is empty) and role names.
    const errors: string[] = [];
    const destinations = this.destinations.map(x => x._toKube());
    for (const d of destinations) {
      for (const field of ['name', 'server', 'namespace'] as const) {
        if (d[field] === '!*') errors.push(`'destinations' ${show(d)}: ${field} has an invalid format, '!*'`);
      }
    }
    errors.push(...duplicates('destinations', destinations.map(destinationKey), key => `destination '${key}' already added`));
    errors.push(...duplicates('roles', this.roles.map(r => r.name), name => `role '${name}' already exists`));
    errors.push(...destinationServiceAccountErrors(this.serviceAccounts.map(a => a._toKube())));
    return errors;
  }

  /** @internal */
  public _toSpec(): any {
    const p = this.props;
    const kinds = (list?: ResourceKind[]) => undefinedIfEmpty((list ?? []).map(k => ({ group: k.group, kind: k.kind, name: k.name })));
    return {
      description: p.description,
      sourceRepos: [...this.sourceRepos],
      destinations: undefinedIfEmpty(this.destinations.map(d => d._toKube())),
      clusterResourceWhitelist: kinds(this.clusterAllow),
      clusterResourceBlacklist: kinds(p.clusterResourceDenyList),
      namespaceResourceWhitelist: kinds(this.namespaceAllow),
      namespaceResourceBlacklist: kinds(p.namespaceResourceDenyList),
      roles: undefinedIfEmpty(this.roles.map(r => ({
        name: r.name,
        description: r.description,
        policies: undefinedIfEmpty((r.policies ?? []).map(pol => pol._render(this.projectName, r.name))),
        groups: undefinedIfEmpty(r.groups),
      }))),
      orphanedResources: p.orphanedResources ? {
        warn: p.orphanedResources.warn ?? false,
        ignore: undefinedIfEmpty((p.orphanedResources.ignore ?? []).map(i => ({ group: i.group, kind: i.kind, name: i.name }))),
      } : undefined,
      syncWindows: undefinedIfEmpty((p.syncWindows ?? []).map(w => ({
        kind: w.kind,
        schedule: w.schedule,
        duration: goDuration(w.duration),
        applications: undefinedIfEmpty(w.applications),
        namespaces: undefinedIfEmpty(w.namespaces),
        clusters: undefinedIfEmpty(w.clusters),
        manualSync: w.manualSync,
        timeZone: w.timeZone,
        andOperator: w.andOperator,
        syncOverrun: w.syncOverrun,
        description: w.description,
      }))),
      sourceNamespaces: undefinedIfEmpty(p.sourceNamespaces),
      permitOnlyProjectScopedClusters: p.permitOnlyProjectScopedClusters,
      destinationServiceAccounts: undefinedIfEmpty(this.serviceAccounts.map(a => a._toKube())),
    };
  }
}

class ImportedAppProject extends Construct implements IAppProject {
  public constructor(scope: Construct, id: string, public readonly projectName: string) {
    super(scope, id);
  }
  public permitsDestination(_cluster: ICluster, _namespace: string): boolean {
    return true;
  }
  public permitsSourceRepo(_repoUrl: string): boolean {
    return true;
  }
  public permitsResource(_group: string, _kind: string, _name: string, _namespaced: boolean): boolean {
    return true;
  }
}

/**
 * A Kubernetes kind in an AppProject allow or deny list. Every field is a Go `filepath.Match` pattern (`*`, `?`,
 * `[a-z]`, `[^a]`; no `**` and no `{a,b}`); a malformed pattern matches nothing.
 */
export interface ResourceKind {
  /** The API group ('' for the core group). */
  readonly group: string;
  /** The kind. */
  readonly kind: string;
  /**
   * Only objects with this name. Cluster-scoped lists only: Argo CD's namespaced lists hold group and kind alone.
   * @default - any name
   */
  readonly name?: string;
}

/** Orphaned-resource monitoring. */
export interface OrphanedResourcesOptions {
  /**
   * Raise a warning condition on Applications that have orphaned resources.
   * @default false
   */
  readonly warn?: boolean;
  /**
   * Resources never reported as orphaned.
   * @default - none
   */
  readonly ignore?: OrphanedResourceKey[];
}

/** A resource pattern that orphaned-resource monitoring ignores. */
export interface OrphanedResourceKey {
  /** @default - any group */
  readonly group?: string;
  /** @default - any kind */
  readonly kind?: string;
  /** @default - any name */
  readonly name?: string;
}

function destinationKey(d: { server?: string; name?: string; namespace: string }): string {
  return !d.server && d.name ? `${d.name}/${d.namespace}` : `${d.server ?? ''}/${d.namespace}`;
}

/** One error per repeated value of a list that Argo CD requires to be unique, in its words. */
function duplicates(prop: string, values: string[], message: (value: string) => string): string[] {
  const seen = new Set<string>();
  const errors: string[] = [];
  for (const v of values) {
    if (seen.has(v)) errors.push(`'${prop}': ${message(v)}`);
    seen.add(v);
  }
  return errors;
}

function sourceRepoErrors(repo: string): string[] {
  return repo === '!*' ? ["'sourceRepos' ('!*'): source repository has an invalid format, '!*'"] : [];
}

function namespacedKindErrors(prop: string, k: ResourceKind): string[] {
  if (k.name === undefined) return [];
  return [`'${prop}' entry ${show(k)} has a 'name': Argo CD matches namespaced kinds by group and kind only (the list holds metav1.GroupKind)`];
}

function roleErrors(project: string, r: ProjectRoleOptions): string[] {
  const nameError = roleNameError(r.name ?? '');
  if (nameError) return [`'roles' name (${show(r.name)}): ${nameError}`];
  const policies = (r.policies ?? []).map(p => p._render(project, r.name));
  const errors = duplicates('roles', policies, p => `policy '${p}' already exists for role '${r.name}'`);
  for (const p of policies) {
    const error = policyError(project, r.name, p);
    if (error) errors.push(`'roles' ${show(r.name)} policy: ${error}`);
  }
  errors.push(...duplicates('roles', r.groups ?? [], g => `group '${g}' already exists for role '${r.name}'`));
  for (const g of r.groups ?? []) {
    const error = groupNameError(g);
    if (error) errors.push(`'roles' ${show(r.name)} groups (${show(g)}): ${error}`);
  }
  return errors;
}

/** SyncWindow.Validate, the identity check (HashIdentity) and the target check of ValidateProject. */
function syncWindowsErrors(windows: SyncWindowOptions[]): string[] {
  const errors: string[] = [];
  const identities = new Set<string>();
  for (const w of windows) {
    const duration = goDuration(w.duration);
    const label = `'${w.kind}':'${w.schedule}':'${duration}'`;
    const identity = JSON.stringify([w.kind, w.schedule, duration, w.applications ?? [], w.namespaces ?? [], w.clusters ?? [], w.timeZone ?? '', w.andOperator ?? false]);
    if (identities.has(identity)) {
      errors.push(`'syncWindows' window ${label}: sync window with kind '${w.kind}', schedule '${w.schedule}', and duration '${duration}' already exists`);
    }
    identities.add(identity);
    const cron = typeof w.schedule === 'string' ? cronScheduleError(w.schedule) : 'not a string';
    if (cron) errors.push(`'syncWindows' schedule (${show(w.schedule)}): cannot parse schedule '${w.schedule}': ${cron}`);
    if (w.timeZone !== undefined && !isTimeZone(w.timeZone)) {
      // Argo CD only logs a warning and uses UTC, which silently moves the window: refused here.
      errors.push(`'syncWindows' timeZone (${show(w.timeZone)}) is not a time zone Go can load; Argo CD would use UTC instead`);
    }
    if (w.description !== undefined && Buffer.byteLength(w.description, 'utf8') > 255) {
      errors.push(`'syncWindows' window ${label} description (${show(w.description)}): description must not exceed 255 characters`);
    }
    if (!w.applications?.length && !w.namespaces?.length && !w.clusters?.length) {
      errors.push(`'syncWindows' window ${label} requires one of application, cluster or namespace`);
    }
    if (w.duration.toMilliseconds() <= 0) errors.push(`'syncWindows' duration (${w.duration.toHumanString()}) must be positive (a window of no length is never active)`);
  }
  return errors;
}

/** `ValidateProject`'s rules for `destinationServiceAccounts` (app_project_types.go, Argo CD v3.5.1), in its words. */
function destinationServiceAccountErrors(accounts: readonly { server: string; namespace?: string; defaultServiceAccount: string }[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    const at = `'destinationServiceAccounts[${i}]'`;
    const namespace = a.namespace ?? '';
    if (a.server.includes('!') || !gobwasCompiles(a.server)) errors.push(`${at}: server has an invalid format, ${show(a.server)}`);
    if (namespace.includes('!') || !gobwasCompiles(namespace)) errors.push(`${at}: namespace has an invalid format, ${show(namespace)}`);
    if (a.defaultServiceAccount.replace(/^ +| +$/g, '') === '' || SERVICE_ACCOUNT_DISALLOWED.test(a.defaultServiceAccount)) {
      errors.push(`${at}: defaultServiceAccount has an invalid format, ${show(a.defaultServiceAccount)}`);
    }
    const key = `${a.server}/${namespace}`;
    if (seen.has(key)) errors.push(`${at}: destinationServiceAccount ${show(key)} already added`);
    seen.add(key);
  });
  return errors;
}
