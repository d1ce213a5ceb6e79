import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Bootstrap, BootstrapOptions } from './bootstrap';
import { Cluster, ClusterOptions } from './cluster';
import { IN_CLUSTER_SERVER } from './cluster-credentials';
import { ControllerShardingOptions } from './controller-sharding';
import { RemovalAcknowledgement } from './removal-acknowledgement';
import { SyncImpersonation } from './sync-impersonation';
import { AppProject, IAppProject } from '../argocd/app-project';
import { FleetEngine } from '../flux/fleet-engine';
import { show, throwIfInvalid } from '../private/errors';
import { FLEET_APP_SYMBOL } from '../private/fleet-app-marker';
import { scannerModule } from '../private/lazy';
import { constructIdFor, dns1123LabelErrors, qualifiedNameErrors } from '../private/names';
import { MAX_CONTROLLER_REPLICAS } from '../private/shard-limits';
import { hasOwn, isInTree } from '../private/util';
import type { ISecretStore } from '../secrets/secret-store';

/** Props for `Fleet`. */
export interface FleetProps {
  /** The URL of the Git repository the synthesized tree is pushed to (Argo CD reads it from there). */
  readonly repoUrl: string;
  /**
   * The branch, tag or commit of that repository Argo CD follows.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * The fleet's name: the directory of its Argo CD objects (`argocd/<name>`) and the prefix of its root
   * Application. A DNS-1123 label.
   * @default - the construct id
   */
  readonly fleetName?: string;
  /**
   * The namespace Argo CD runs in on the hub cluster.
   * @default 'argocd'
   */
  readonly argocdNamespace?: string;
  /**
   * The project of Applications that do not name one.
   * @default - Argo CD's built-in `default` project
   */
  readonly defaultProject?: IAppProject;
  /**
   * The root App-of-Apps Application.
   * @default - `<fleetName>-root` in the `default` project, automated with prune and self-heal, server-side apply
   */
  readonly bootstrap?: BootstrapOptions;
  /**
   * How Argo CD marks the objects it manages: `application.resourceTrackingMethod` in `argocd-cm`, which the
   * library does not write (it belongs to the Argo CD installation), so declare here what it says. The drift
   * guard recognises managed objects by it.
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/
   * @default TrackingMethod.ANNOTATION (Argo CD's default since 3.0)
   */
  readonly trackingMethod?: TrackingMethod;
  /**
   * The label Argo CD tracks objects by with `TrackingMethod.LABEL`: `application.instanceLabelKey` in `argocd-cm`.
   * @default 'app.kubernetes.io/instance'
   */
  readonly instanceLabelKey?: string;
  /**
   * Whether Argo CD syncs as the service accounts AppProjects name for each destination
   * (`destinationServiceAccounts`): `application.sync.impersonation.enabled` and `…enforced` in `argocd-cm`, which the
   * library does not write, so declare here what they say. The fleet proofs then check that every Application
   * (generated ones included) of an AppProject in the tree finds its account where Argo CD requires one (projects
   * outside the tree, such as Argo CD's `default`, are not known offline); the root Application records the setting
   * for `plan` and `diff` (annotation `fleet.cdk8s.io/sync-impersonation`).
   * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/app-sync-using-impersonation/
   * @default SyncImpersonation.DISABLED (Argo CD's default)
   */
  readonly syncImpersonation?: SyncImpersonation;
  /**
   * The store of ExternalSecrets (and store-backed cluster credentials) that do not name one.
   * @default - none: every ExternalSecret names its store
   */
  readonly defaultSecretStore?: ISecretStore;
  /**
   * The GitOps engine that reads the tree: Argo CD, or Flux (`FleetEngine.flux()`, see the README, "Flux").
   * @default FleetEngine.argoCd()
   */
  readonly engine?: FleetEngine;
}

/**
 * The root of one Argo CD control plane (hub and spoke): the Git repository the tree lives in, the Argo CD
 * namespace, the default project, the cluster registry and the bootstrap App-of-Apps.
 *
 * @example
 * const app = new FleetApp();
 * const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/fleet.git', targetRevision: 'main' });
 * fleet.addCluster('prod-eu-1', { server: 'https://prod-eu-1.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity() });
 * app.synth();
 */
export class Fleet extends Construct {
  /** Whether `x` is a Fleet (works across copies of the library). */
  public static isFleet(x: any): x is Fleet {
    return x !== null && typeof x === 'object' && FLEET_SYMBOL in x;
  }

  /** The Fleet that `construct` belongs to. Throws if there is none. */
  public static of(construct: IConstruct): Fleet {
    for (let c: IConstruct | undefined = construct; c; c = c.node.scope) {
      if (Fleet.isFleet(c)) return c;
    }
    throw new Error(`${construct.constructor.name} at '${construct.node.path}' must be created in the scope of a Fleet, but no Fleet was found`);
  }

  public readonly fleetName: string;
  public readonly repoUrl: string;
  public readonly targetRevision: string;
  public readonly argocdNamespace: string;
  public readonly defaultProject: IAppProject;
  /** How Argo CD marks the objects it manages (as `argocd-cm` says). */
  public readonly trackingMethod: TrackingMethod;
  /** The label Argo CD tracks objects by with `TrackingMethod.LABEL`. */
  public readonly instanceLabelKey: string;
  /** Whether Argo CD syncs as the AppProjects' destination service accounts (as `argocd-cm` says). */
  public readonly syncImpersonation: SyncImpersonation;
  /** The store of ExternalSecrets that do not name one. */
  public readonly defaultSecretStore?: ISecretStore;
  /** The GitOps engine that reads the tree. */
  public readonly engine: FleetEngine;
  /** The root App-of-Apps. */
  public readonly bootstrap: Bootstrap;
  private readonly registry = new Map<string, Cluster>();
  private readonly removals: RemovalAcknowledgement[] = [];
  private sharding?: ControllerShardingOptions;

  public constructor(scope: Construct, id: string, props: FleetProps) {
    super(scope, id);
    const argocdNamespace = props.argocdNamespace ?? 'argocd';
    Object.defineProperty(this, FLEET_SYMBOL, { value: true });
    registerInRoot(this);
    // A plain cdk8s App's synth() would write cdk8s' own layout without the tree's validation: refuse it there
    // (as a validation, so that cdk8s `Testing.synth(chart)` of a chart inside the fleet keeps working).
    this.node.addValidation({ validate: () => this.appErrors() });
    this.fleetName = props.fleetName ?? id;
    this.repoUrl = props.repoUrl;
    this.targetRevision = props.targetRevision ?? 'HEAD';
    this.argocdNamespace = argocdNamespace;
    this.trackingMethod = props.trackingMethod ?? TrackingMethod.ANNOTATION;
    this.instanceLabelKey = props.instanceLabelKey ?? 'app.kubernetes.io/instance';
    this.syncImpersonation = props.syncImpersonation ?? SyncImpersonation.DISABLED;
    this.defaultSecretStore = props.defaultSecretStore;
    this.engine = props.engine ?? FleetEngine.argoCd();

    const errors = dns1123LabelErrors(this.fleetName).map(e => `'fleetName' (${show(this.fleetName)}) is not a valid DNS-1123 label: ${e}`);
    errors.push(...dns1123LabelErrors(argocdNamespace).map(e => `'argocdNamespace' (${show(argocdNamespace)}) is not a valid namespace name: ${e}`));
    if (typeof props.repoUrl !== 'string' || !/^(https?:\/\/|ssh:\/\/|git@)\S+$/.test(props.repoUrl)) {
      errors.push(`'repoUrl' (${show(props.repoUrl)}) must be a Git URL (https://, ssh:// or git@host:path)`);
    } else if (/^https?:\/\/[^/]*@/.test(props.repoUrl)) {
      errors.push(`'repoUrl' (${show(props.repoUrl)}) must not carry credentials; configure repository credentials in Argo CD`);
    }
    errors.push(...qualifiedNameErrors(this.instanceLabelKey).map(e => `'instanceLabelKey' (${show(this.instanceLabelKey)}) is not a valid label key: ${e}`));
    if (!this.targetRevision || /\s/.test(this.targetRevision)) errors.push(`'targetRevision' (${show(props.targetRevision)}) must be a branch, tag or commit`);
    if (!Object.values(SyncImpersonation).includes(this.syncImpersonation)) {
      errors.push(`'syncImpersonation' (${show(this.syncImpersonation)}) is not a SyncImpersonation`);
    } else if (this.engine.isFlux && this.syncImpersonation !== SyncImpersonation.DISABLED) {
      errors.push(`'syncImpersonation' (${show(this.syncImpersonation)}) is Argo CD's (argocd-cm); Flux has no equivalent: remove it, or impersonate with each Kustomization's 'serviceAccountName'`);
    }
    throwIfInvalid(this, 'Fleet', errors);

    this.defaultProject = props.defaultProject ?? AppProject.fromProjectName(this, 'DefaultProject', 'default');
    this.bootstrap = new Bootstrap(this, 'Bootstrap', props.bootstrap ?? {});
    this.node.addValidation({ validate: () => this.validateRegistry() });
  }

  /** The directory of the fleet's Argo CD objects in the tree, e.g. `argocd/platform`. */
  public get argocdDirectory(): string {
    return `argocd/${this.fleetName}`;
  }

  /** Every registered cluster, in the order they were added. */
  public get clusters(): Cluster[] {
    return [...this.registry.values()];
  }

  /** Registers a cluster. `clusterName` is its Argo CD name (a DNS-1123 label) and its construct id. */
  public addCluster(clusterName: string, options: ClusterOptions): Cluster {
    // (`constructor` is a valid cluster name that constructs cannot take as an id: `constructIdFor`.)
    const childId = constructIdFor(clusterName);
    if (this.node.tryFindChild(childId)) {
      throw new Error(`[${this.node.path}] Fleet 'clusterName' ('${clusterName}') is already registered; cluster names must be unique`);
    }
    // A name that cannot be a construct id (empty, or with '/') still reaches Cluster's own validation, which
    // reports it together with every other bad prop.
    const id = clusterName && !clusterName.includes('/') ? childId : `Cluster${this.registry.size}`;
    return new Cluster(this, id, { ...options, clusterName });
  }

  /** @internal Called by every Cluster of this fleet, however it was created. */
  public _registerCluster(cluster: Cluster): void {
    if (this.registry.has(cluster.clusterName)) {
      throw new Error(`[${this.node.path}] Fleet 'clusterName' ('${cluster.clusterName}') is already registered; cluster names must be unique`);
    }
    this.registry.set(cluster.clusterName, cluster);
  }

  /** @internal A source's repository: the fleet's own unless given. */
  public _repoUrl(repoUrl: string | undefined): string {
    return repoUrl ?? this.repoUrl;
  }

  /** @internal A source's revision: the fleet's for its own repository, 'HEAD' for another, unless given. */
  public _revision(repoUrl: string | undefined, revision: string | undefined): string {
    return revision ?? (repoUrl === undefined ? this.targetRevision : 'HEAD');
  }

  /**
   * Declares that removing Applications is intended, so that the deletion gate of `cdk8s-fleet diff` lets
   * the removal through. Use `application: '*'` for every Application of a cluster (a decommissioned cluster)
   * and `cluster: '*'` for an Application on every cluster. It acknowledges this fleet's Applications unless it
   * names another `fleet` (one the program no longer has) or `'*'`. The acknowledgement is written to the tree
   * (`acknowledged-removals.yaml` at its root), so reviewers see it in the PR; delete it once merged.
   */
  public acknowledgeRemoval(acknowledgement: RemovalAcknowledgement): void {
    const errors: string[] = [];
    if (!acknowledgement.application) errors.push(`'application' (${show(acknowledgement.application)}) is required ('*' for all)`);
    if (!acknowledgement.cluster) errors.push(`'cluster' (${show(acknowledgement.cluster)}) is required ('*' for all)`);
    if (!acknowledgement.reason || !acknowledgement.reason.trim()) errors.push(`'reason' (${show(acknowledgement.reason)}) must say why the removal is intended`);
    const fleet = acknowledgement.fleet;
    if (fleet !== undefined && fleet !== '*') {
      errors.push(...dns1123LabelErrors(String(fleet)).map(e => `'fleet' (${show(fleet)}) is neither '*' nor a fleet name: ${e}`));
    }
    // Written to acknowledged-removals.yaml: the same secret scan as every file (never quoting the value).
    for (const prop of ['application', 'cluster', 'reason'] as const) {
      const text = acknowledgement[prop];
      if (typeof text === 'string') errors.push(...scannerModule().scanText(text).map(f => `'${prop}' ${scannerModule().findingText(f)}`));
    }
    throwIfInvalid(this, 'removal acknowledgement', errors);
    this.removals.push({ ...acknowledgement });
  }

  /**
   * Pins every cluster to an application-controller shard, so that placement is fixed and reviewed in Git:
   * Argo CD's default (`legacy`) algorithm hashes the cluster Secret's API-server-assigned uid, and its
   * `round-robin` and `consistent-hashing` algorithms (alpha) reshuffle clusters at runtime. At synth, each
   * cluster without an explicit `shard` gets one in its cluster Secret, chosen by a bounded-load consistent
   * hash of its name that balances the Applications per shard (from the offline expansion and every
   * Application in the tree), so adding or removing a cluster moves few others. Explicit shards are kept and
   * count toward the loads. The plan reports Applications and clusters per shard; `cdk8s-fleet diff` lists
   * clusters that move shard. Set the controller's `ARGOCD_CONTROLLER_REPLICAS` to the same `replicas`.
   */
  public balanceControllerShards(options: ControllerShardingOptions): void {
    const errors: string[] = [];
    if (this.sharding) errors.push('controller shards are already balanced for this fleet; call balanceControllerShards() once');
    if (!Number.isInteger(options.replicas) || options.replicas < 1 || options.replicas > MAX_CONTROLLER_REPLICAS) {
      errors.push(`'replicas' (${show(options.replicas)}) must be an integer from 1 to ${MAX_CONTROLLER_REPLICAS}`);
    }
    if (options.tolerance !== undefined && !(typeof options.tolerance === 'number' && options.tolerance > 0 && options.tolerance < 1)) {
      errors.push(`'tolerance' (${show(options.tolerance)}) must be a number between 0 and 1 (exclusive), e.g. 0.1 for 10%`);
    }
    const limit = options.maxApplicationsPerShard;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      errors.push(`'maxApplicationsPerShard' (${show(options.maxApplicationsPerShard)}) must be a positive integer`);
    }
    throwIfInvalid(this, 'controller sharding', errors);
    this.sharding = { ...options };
    this.node.addValidation({ validate: () => this.shardErrors() });
  }

  /** How the fleet's clusters are spread over controller shards, if `balanceControllerShards` was called. */
  public get controllerSharding(): ControllerShardingOptions | undefined {
    return this.sharding ? { ...this.sharding } : undefined;
  }

  /** The removals this fleet acknowledges. */
  public get acknowledgedRemovals(): RemovalAcknowledgement[] {
    return [...this.removals];
  }

  /** The registered cluster called `clusterName`, if any. */
  public findCluster(clusterName: string): Cluster | undefined {
    return this.registry.get(clusterName);
  }

  private shardErrors(): string[] {
    const replicas = this.sharding!.replicas;
    return this.clusters
      .filter(c => c.shard !== undefined && c.shard >= replicas)
      .map(c => `Cluster '${c.clusterName}' at '${c.node.path}': 'shard' (${c.shard}) must be below the controller's ${replicas} replica(s) (shards 0–${replicas - 1}): `
        + 'Argo CD v3.5.1\'s controller reconciles a cluster pinned above its shards on shard 0');
  }

  private appErrors(): string[] {
    const root = this.node.root;
    if (!(root instanceof App) || FLEET_APP_SYMBOL in root) return [];
    return [`Fleet '${this.fleetName}' is in a plain cdk8s App, whose synth() writes cdk8s' own layout without validating the fleet; `
      + 'create it in a FleetApp (`const app = new FleetApp({ outdir })`), whose synth() writes the validated GitOps tree'];
  }

  private validateRegistry(): string[] {
    const errors: string[] = [];
    // Two fleets of one name would write the same argocd/<fleetName> directory and bootstrap Application. The
    // fleets made under this root say whether there can be one, before the tree (100,000 constructs, say) is walked.
    const made = fleetsMadeIn(this.node.root);
    const fleets: readonly Fleet[] = made !== undefined && made.includes(this)
      ? made.filter(f => f === this || isInTree(f)) // (not those removed from the tree since)
      : this.node.root.node.findAll().filter(Fleet.isFleet);
    const namesakes = fleets.filter(f => f !== this && f.fleetName === this.fleetName);
    if (namesakes.length > 0) {
      errors.push(`'fleetName' ('${this.fleetName}') is also the name of the Fleet at ${namesakes.map(f => `'${f.node.path}'`).join(', ')}; `
        + `each fleet writes its own '${this.argocdDirectory}' directory and root Application, so fleet names must be unique in an app`);
    }
    errors.push(...this.clusterNamesakeErrors(fleets.slice(0, fleets.indexOf(this))));
    const byServer = new Map<string, string[]>();
    for (const c of this.clusters) {
      const key = c.server.replace(/\/+$/, '');
      byServer.set(key, [...(byServer.get(key) ?? []), c.clusterName]);
    }
    for (const [server, names] of byServer) {
      if (names.length > 1) errors.push(`clusters ${names.map(n => `'${n}'`).join(', ')} have the same 'server' ('${server}'); Argo CD keys clusters by server`);
    }
    return errors;
  }

  /**
   * A cluster name is one cluster across the app: its directory (`clusters/<name>/`), its section of the plan and
   * the diff, the acknowledged removals and the proofs name it so. A name another fleet (`earlier`: the fleets
   * made before this one, so each clash is reported once) registers with another server is refused; so is an
   * in-cluster registration of a name another Argo CD fleet's in-cluster registration has when both Argo CDs run
   * in the same namespace (then they are two hubs).
   */
  private clusterNamesakeErrors(earlier: readonly Fleet[]): string[] {
    const errors: string[] = [];
    for (const other of earlier) {
      for (const c of this.clusters) {
        const namesake = other.findCluster(c.clusterName);
        if (namesake === undefined) continue;
        const [server, theirs] = [c.server.replace(/\/+$/, ''), namesake.server.replace(/\/+$/, '')];
        // (two Argo CDs in one namespace cannot share a cluster; a Flux fleet's namespace says nothing of that)
        const twoHubs = server === IN_CLUSTER_SERVER && theirs === IN_CLUSTER_SERVER && !this.engine.isFlux && !other.engine.isFlux
          && other.argocdNamespace === this.argocdNamespace;
        if (server === theirs && !twoHubs) continue;
        errors.push(`Cluster '${c.clusterName}' at '${c.node.path}': 'server' (${show(c.server)}) is `
          + (twoHubs ? `the in-cluster address of this fleet's hub, and the Cluster of that name at '${namesake.node.path}' is another hub's (both Argo CDs run in namespace '${this.argocdNamespace}')`
            : `not the server of the Cluster of that name at '${namesake.node.path}' (${show(namesake.server)})`)
          + `; a cluster's name is one cluster in the whole app (its directory clusters/${c.clusterName}/, its plan and diff), so give one of them another name`);
      }
    }
    return errors;
  }
}

const FLEET_SYMBOL = Symbol.for('cdk8s-fleet.Fleet');
/** On a construct tree's root: the fleets made in the tree (by any copy of this library that records them). */
const FLEETS_MADE = Symbol.for('cdk8s-fleet.fleetsMade');

/** Records `fleet` on its tree's root (a root that cannot take the record: none is kept, see `fleetsMadeIn`). */
function registerInRoot(fleet: Fleet): void {
  const root: any = fleet.node.root;
  try {
    if (!hasOwn(root, FLEETS_MADE)) Object.defineProperty(root, FLEETS_MADE, { value: [] });
    root[FLEETS_MADE].push(fleet);
  } catch {
    // (a frozen root: the tree is walked instead)
  }
}

/**
 * The fleets made in the tree of `root`, or undefined when that is not known (the tree is then walked; so is it
 * when the list lacks the fleet asking, whose record failed). A fleet removed from the tree since
 * (`node.tryRemoveChild`) is still listed: it only makes the walk happen. A fleet of a copy of this library that
 * keeps no list (an older release in the same app) is not: the pair is then reported by that copy if it checks
 * names, and otherwise as the two fleets' colliding files (their `argocd/<fleetName>` directory and root
 * Application), not by name.
 */
function fleetsMadeIn(root: IConstruct): readonly Fleet[] | undefined {
  const made = hasOwn(root, FLEETS_MADE) ? (root as any)[FLEETS_MADE] : undefined;
  return Array.isArray(made) ? made : undefined;
}

/**
 * How Argo CD marks the objects it manages (`application.resourceTrackingMethod` in `argocd-cm`).
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/resource_tracking/
 */
export enum TrackingMethod {
  /** The `argocd.argoproj.io/tracking-id` annotation (`<app>:<group>/<kind>:<namespace>/<name>`); the default. */
  ANNOTATION = 'annotation',
  /** The annotation tracks; the instance label is written for other tools only. */
  ANNOTATION_AND_LABEL = 'annotation+label',
  /** The instance label (`app.kubernetes.io/instance` unless `instanceLabelKey` says otherwise). */
  LABEL = 'label',
}

