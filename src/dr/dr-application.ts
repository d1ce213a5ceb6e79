import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { DrMonitoringOptions } from './dr-alerts';
import { DrSource } from './dr-source';
import { DrStateFile } from './dr-state-file';
import { alertRuleSpec, promDuration } from './private/alert-rules';
import { DR_KEEP_PRIMARY_ANNOTATION, DR_SPEC_ANNOTATION, pairAnnotations, RecordedDrSpec, SwitchSpec } from './private/dr-spec';
import { labelNameErrors } from './private/promql';
import { WorkloadPairHook } from './private/workload-pair';
import { DrRole, ITrafficSwitch } from './traffic-switch';
import { AppProject, IAppProject } from '../argocd/app-project';
import { Application } from '../argocd/application';
import { ApplicationSource } from '../argocd/application-source';
import { NotificationSubscription, NotificationTrigger } from '../argocd/notifications';
import { ProjectDestination } from '../argocd/project-destination';
import { SyncOption, SyncPolicy } from '../argocd/sync-policy';
import { Cluster, ICluster } from '../fleet/cluster';
import { ClusterManifests } from '../fleet/cluster-manifests';
import { Fleet } from '../fleet/fleet';
import { storeKey } from '../private/cluster-secret-settings';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, labelMapErrors, qualifiedNameErrors } from '../private/names';
import { isInTree } from '../private/util';
import { ISecretStore } from '../secrets/secret-store';

/** The DR pairs made in each construct tree (by its root), for the check that their names are unique. */
const PAIRS_MADE = new WeakMap<object, DrApplication[]>();

/** Where the pair's Applications notify: the on-call channel. */
export interface DrOnCall {
  /** The notifications service, as named in `argocd-notifications-cm` (e.g. `slack`, `pagerduty`). */
  readonly service: string;
  /** The recipients (channels). */
  readonly recipients: string[];
}

/** The parts of the RTO estimate the program declares, and the budget synth checks. */
export interface DrRtoOptions {
  /**
   * From the page to the merged failover PR: acknowledging, `cdk8s-fleet failover`, review, merge.
   * @default - not counted (the plan says so)
   */
  readonly responseTime?: Duration;
  /**
   * How long Argo CD takes to see the merged change: `timeout.reconciliation` plus its jitter, or the delay of a
   * Git webhook.
   * @default Duration.minutes(3) (Argo CD's 120 s and 60 s of jitter)
   */
  readonly argocdReconciliation?: Duration;
  /**
   * kube-controller-manager `--horizontal-pod-autoscaler-sync-period`.
   * @default Duration.seconds(15)
   */
  readonly hpaSyncPeriod?: Duration;
  /**
   * Image pull and container start of a new pod, before its probes.
   * @default Duration.seconds(30)
   */
  readonly podStartup?: Duration;
  /**
   * The longest RTO the pair may have: synth fails when the estimate is longer.
   * @default - none
   */
  readonly budget?: Duration;
}

/** The standby reads a secret store of its own instead of one of the primary's (an explicit mapping). */
export interface DrSecretStoreMapping {
  /** The store the primary's ExternalSecrets read. */
  readonly store: ISecretStore;
  /** The store the standby's read instead (one that serves the standby's region). */
  readonly standbyStore: ISecretStore;
}

/** Props for `DrApplication`. */
export interface DrApplicationProps {
  /**
   * The pair's name: its line in the DR state file, its alerts' `dr_pair` label, the prefix of what it creates.
   * @default - the application's name
   */
  readonly pairName?: string;
  /** What runs on both sides. */
  readonly source: DrSource;
  /** The primary cluster set: the clusters that serve traffic in normal operation. */
  readonly primary: ICluster[];
  /** The standby cluster set: warm, ready to take over. */
  readonly standby: ICluster[];
  /**
   * The primary side's name in the DR state file and the CLI.
   * @default - the cluster's name (required when the side has several clusters)
   */
  readonly primarySideName?: string;
  /**
   * The standby side's name in the DR state file and the CLI (`failover <pair> --to <standby>`).
   * @default - the cluster's name (required when the side has several clusters)
   */
  readonly standbySideName?: string;
  /**
   * Which side serves traffic.
   * @default - the primary side
   */
  readonly state?: DrStateFile;
  /**
   * Replicas the passive side keeps: the standby's autoscaler minimum while the primary serves, and the old
   * primary's replicas after a failover. At least 1: a warm standby never cold-starts from zero.
   * @default 1
   */
  readonly standbyReplicas?: number;
  /**
   * The standby autoscaler's maximum.
   * @default - the capacity of the primaries it covers (their replicas, or their autoscalers' maximum)
   */
  readonly standbyMaxReplicas?: number;
  /**
   * The CPU utilization target (% of requests) of the autoscaler the pair adds to a standby whose workload
   * defines none.
   * @default 80
   */
  readonly targetCpuUtilization?: number;
  /**
   * The object the pair scales (Workload pairs), by name.
   * @default - the workload's only Rollout, else its only Deployment, else its only StatefulSet
   */
  readonly scaleTarget?: string;
  /**
   * The project of the pair's Applications.
   * @default - a project of its own, `<pair>-dr`, that allows exactly the standbys' and the alerts' destinations and kinds
   */
  readonly project?: IAppProject;
  /** Where the pair's Applications notify (`on-health-degraded`, `on-sync-failed`). */
  readonly onCall: DrOnCall;
  /** The alerts and where they are evaluated. */
  readonly monitoring: DrMonitoringOptions;
  /**
   * How traffic moves between the sides, as objects in the tree (Workload pairs: a chart's objects are unknown offline).
   * @default - none: traffic moves outside the tree
   */
  readonly trafficSwitch?: ITrafficSwitch;
  /** @default - Argo CD, HPA and pod start defaults; no response time; no budget */
  readonly rto?: DrRtoOptions;
  /**
   * Secret stores the standby reads instead of the primary's.
   * @default - none: the standby reads the stores its workload resolves for it
   */
  readonly secretStoreMappings?: DrSecretStoreMapping[];
  /**
   * Stores the standby may read although they serve another region (replicated or global stores).
   * @default - none: a store with a region must serve the standby's
   */
  readonly crossRegionSecretStores?: ISecretStore[];
  /**
   * The cluster label that names a cluster's region.
   * @default 'region'
   */
  readonly regionLabel?: string;
}

/**
 * A disaster-recovery pair: an application (a `Workload` or a `HelmApplication`) on a primary cluster set and a
 * warm standby on a standby cluster set, with failover and failback as Git changes.
 *
 * - **The standby** runs the same version and configuration as the primary it mirrors, at a warm footprint:
 *   `standbyReplicas` (default 1) and a HorizontalPodAutoscaler whose maximum reaches the primaries' capacity. It
 *   is deployed by Applications of its own (`<app>-<cluster>`) in a DR project, automated with prune and
 *   self-heal, subscribed to `on-health-degraded` and `on-sync-failed` on the on-call channel. The workload's
 *   ApplicationSet must not select the standby.
 * - **Alerts**: a PrometheusRule on the monitoring cluster: `PrimaryClusterDown` on the side that serves traffic,
 *   and optional alerts on the passive side (`DrStandbyOutOfSync`, `DrStandbyDegraded`).
 * - **Traffic**: an `ITrafficSwitch` (external-dns weights or failover records by default).
 * - **Failover** (`cdk8s-fleet failover <pair> --to <standby>`) edits the DR state file; the next synth raises
 *   the standby's autoscaler minimum to the capacity, switches the weights, scales the old primary to the
 *   standby footprint (or not, with `--keep-primary`) and rearms the alerts. Nothing is added or deleted.
 * - **Proofs** (synth and `cdk8s-fleet validate`): the standby has the namespaces, ConfigMaps, secret stores,
 *   ExternalSecrets (read in its region), CRDs and quotas the primary's objects need, the same images and chart
 *   versions, an autoscaler maximum and quota that admit the primary's replicas, and an RTO within the budget.
 *
 * @example
 * new DrApplication(fleet, 'api-dr', {
 *   source: DrSource.workload(api),
 *   primary: [prodEu1],
 *   standby: [drEuCentral1],
 *   state: new DrStateFile(fleet, 'DrState', { path: 'dr.yaml' }),
 *   onCall: { service: 'slack', recipients: ['sre-oncall'] },
 *   monitoring: { cluster: prodUs1, ruleLabels: { release: 'monitoring' }, clusterDown: { runbookUrl: 'https://runbooks.acme.io/dr/api' } },
 *   trafficSwitch: ExternalDnsTrafficSwitch.weighted({ target: SwitchTarget.virtualService('api') }),
 * });
 */
export class DrApplication extends Construct {
  /** Whether `x` is a DrApplication. */
  public static isDrApplication(x: unknown): x is DrApplication {
    return x instanceof DrApplication;
  }

  /** The pair's name. */
  public readonly pairName: string;
  /** The primary side's name. */
  public readonly primarySideName: string;
  /** The standby side's name. */
  public readonly standbySideName: string;
  /** The side that serves traffic (its name). */
  public readonly activeSide: string;
  /** The project of the pair's Applications. */
  public readonly project: IAppProject;
  /** The Applications that deploy the standbys. */
  public readonly standbyApplications: Application[] = [];
  /** The Application that deploys the alerts to the monitoring cluster. */
  public readonly alertsApplication: Application;
  private readonly props: DrApplicationProps;
  private readonly fleet: Fleet;
  private readonly ownProject?: AppProject;
  private readonly hook?: WorkloadPairHook;
  private readonly keepPrimary: boolean;

  public constructor(scope: Construct, id: string, props: DrApplicationProps) {
    super(scope, id);
    this.props = props;
    this.fleet = Fleet.of(this);
    const errors = propErrors(props);
    // Without a source or the clusters of both sides, nothing below can be named: stop here.
    if (!(props.source instanceof DrSource) || !props.primary?.length || !props.standby?.length) throwIfInvalid(this, 'DrApplication', errors);
    this.pairName = props.pairName ?? props.source.applicationName;
    this.primarySideName = props.primarySideName ?? props.primary[0].clusterName;
    this.standbySideName = props.standbySideName ?? props.standby[0].clusterName;
    const sides = [this.primarySideName, this.standbySideName];
    const later = [...errors, ...dns1123LabelErrors(this.pairName).map(e => `'pairName' (${show(this.pairName)}) ${e}`)];
    for (const [prop, name, set] of [['primarySideName', this.primarySideName, props.primary], ['standbySideName', this.standbySideName, props.standby]] as const) {
      later.push(...dns1123LabelErrors(name).map(e => `'${prop}' (${show(name)}) ${e}`));
      if (set.length > 1 && (prop === 'primarySideName' ? props.primarySideName : props.standbySideName) === undefined) {
        later.push(`'${prop}' is required: the side has ${set.length} clusters (${set.map(c => c.clusterName).join(', ')})`);
      }
    }
    if (this.primarySideName === this.standbySideName) later.push(`'primarySideName' and 'standbySideName' must differ, got ${show(this.primarySideName)} twice`);
    const active = props.state?.activeSide(this.pairName);
    if (props.state && active === undefined) {
      later.push(`${props.state.path ?? 'the DR state file'} has no line for DR pair '${this.pairName}'; add \`  ${this.pairName}: ${this.primarySideName}\` under 'active'`);
    }
    if (active !== undefined && !sides.includes(active)) later.push(`${props.state?.path ?? 'the DR state file'} makes ${show(active)} active, which is not a side of pair '${this.pairName}' (${sides.join(', ')})`);
    throwIfInvalid(this, 'DrApplication', later);
    this.activeSide = active ?? this.primarySideName;
    this.keepPrimary = props.state?.keepsPrimary(this.pairName) ?? false;
    props.state?._registerPair(this.pairName, sides);
    let made = PAIRS_MADE.get(this.node.root);
    if (!made) PAIRS_MADE.set(this.node.root, made = []);
    made.push(this);

    const source = props.source;
    const namespace = source._workload?.namespace ?? source._helm!._namespace;
    const monitoringNamespace = props.monitoring.namespace ?? 'monitoring';
    this.ownProject = props.project ? undefined : new AppProject(this, 'Project', {
      projectName: `${this.pairName}-dr`,
      description: `DR pair ${this.pairName}: its standbys and alerts (cdk8s-fleet)`,
      sourceRepos: [this.fleet.repoUrl, ...(source._helm ? [source._helm._repoUrl] : [])],
      clusterResourceAllowList: source._helm ? [{ group: '*', kind: '*' }] : [],
    });
    this.project = props.project ?? this.ownProject!;
    const standbyOf = props.standby.map((c, i) => ({ cluster: c, mirrors: props.primary[i % props.primary.length] }));
    const primaryActive = this.activeSide === this.primarySideName;
    const onCall = [NotificationTrigger.ON_HEALTH_DEGRADED, NotificationTrigger.ON_SYNC_FAILED]
      .map(t => NotificationSubscription.of(t, props.onCall.service, props.onCall.recipients));

    // The primaries' Applications (generated) carry the pair's annotations through their ApplicationSet.
    const primaryAnnotations = () => Object.fromEntries(props.primary.map(c => [c.clusterName, pairAnnotations(this.pairName, 'primary', primaryActive)]));
    if (source._workload) source._workload.applicationSet._addClusterAnnotations(primaryAnnotations);
    else source._helm!._addClusterAnnotations(primaryAnnotations);

    if (source._workload) {
      const w = source._workload;
      this.hook = new WorkloadPairHook({
        pair: this.pairName,
        primaries: props.primary,
        standbys: standbyOf,
        primaryActive,
        keepPrimary: this.keepPrimary,
        standbyReplicas: props.standbyReplicas ?? 1,
        standbyMaxReplicas: props.standbyMaxReplicas,
        targetCpuUtilization: props.targetCpuUtilization ?? 80,
        scaleTarget: props.scaleTarget,
        standbySettings: source._workloadOptions.standbySettings,
        trafficSwitch: props.trafficSwitch,
        storeMappings: new Map((props.secretStoreMappings ?? []).map(m => [`${m.store.storeKind}/${m.store.storeName}`, { kind: m.standbyStore.storeKind, name: m.standbyStore.storeName }])),
      }, () => this.afterRender());
      w._addStandbyHook(this.hook);
    }
    // A chart's standby creates its namespace (a Workload's renders its Namespace) and keeps the release's options.
    const standbySyncOptions = source._helm
      ? [...new Set([...source._helm._syncOptions, SyncOption.CREATE_NAMESPACE.value])].map(o => SyncOption.of(o))
      : undefined;
    for (const { cluster, mirrors } of standbyOf) {
      let sources: ApplicationSource[];
      if (source._workload) {
        sources = [ApplicationSource.git({ path: source._workload._sourcePath(cluster.clusterName) })];
      } else {
        const o = source._helmOptions;
        const s = source._helm!._standbySources(cluster, mirrors, primaryActive ? o.passiveValues : o.activeValues);
        throwIfInvalid(this, 'DrApplication', s.errors.map(e => `'source': ${e}`));
        sources = s.sources;
      }
      this.ownProject?.addDestination(ProjectDestination.cluster(cluster, namespace));
      this.standbyApplications.push(new Application(this, `Standby-${cluster.clusterName}`, {
        applicationName: `${source.applicationName}-${cluster.clusterName}`,
        project: this.project,
        destination: cluster,
        destinationNamespace: namespace,
        sources,
        syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true, syncOptions: standbySyncOptions }),
        notifications: onCall,
        annotations: { ...pairAnnotations(this.pairName, 'standby', !primaryActive), ...(this.keepPrimary && !primaryActive ? { [DR_KEEP_PRIMARY_ANNOTATION]: 'true' } : {}) },
        info: { 'DR pair': `${this.pairName}: standby of ${mirrors.clusterName}` },
      }));
    }
    if (this.ownProject && source._workload) this.ownProject.allowClusterResource({ group: '', kind: 'Namespace', name: namespace });

    // The alerts, on the monitoring cluster.
    const m = props.monitoring;
    const manifests = new ClusterManifests(this, 'Alerts', { cluster: m.cluster, applicationName: `${this.pairName}-dr-alerts`, namespace: monitoringNamespace });
    const activeClusters = (primaryActive ? props.primary : props.standby).map(c => c.clusterName);
    const passiveApplications = primaryActive
      ? this.standbyApplications.map(a => a.applicationName)
      : props.primary.map(c => `${source.applicationName}-${c.clusterName}`);
    new ApiObject(manifests, 'Rule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: `${this.pairName}-dr`, namespace: monitoringNamespace, labels: m.ruleLabels },
      spec: alertRuleSpec({
        pair: this.pairName,
        activeSide: this.activeSide,
        activeClusters,
        passiveSide: primaryActive ? this.standbySideName : this.primarySideName,
        passiveApplications,
        command: primaryActive ? `cdk8s-fleet failover ${this.pairName} --to ${this.standbySideName}` : `cdk8s-fleet failback ${this.pairName}`,
        argocdNamespace: this.fleet.argocdNamespace,
        evaluationInterval: m.evaluationInterval ?? Duration.seconds(30),
        clusterDown: m.clusterDown,
        extraAlerts: m.extraAlerts ?? [],
      }),
    });
    this.ownProject?.addDestination(ProjectDestination.cluster(m.cluster, monitoringNamespace));
    this.ownProject?.allowNamespacedResource({ group: 'monitoring.coreos.com', kind: 'PrometheusRule' });
    this.alertsApplication = new Application(this, 'AlertsApplication', {
      applicationName: `${this.pairName}-dr-alerts-${m.cluster.clusterName}`,
      project: this.project,
      destination: m.cluster,
      destinationNamespace: monitoringNamespace,
      source: ApplicationSource.manifests(manifests),
      syncPolicy: SyncPolicy.automated({ prune: true, selfHeal: true }),
      notifications: onCall,
    });
    if (!source._workload) this.writeSpec();
    this.node.addValidation({ validate: () => this.validatePair() });
  }

  /** The spec the tree records, once the workload rendered (capacity, scale targets, files). */
  private afterRender(): void {
    const facts = this.hook!.facts;
    for (const a of this.standbyApplications) a._addDiffingDefaults(facts.ignoreDifferences, facts.syncOptions);
    if (this.ownProject) {
      for (const k of facts.kinds) {
        if (k.namespaced) this.ownProject.allowNamespacedResource({ group: k.group, kind: k.kind });
        else this.ownProject.allowClusterResource({ group: k.group, kind: k.kind, name: k.name });
      }
    }
    this.writeSpec();
  }

  private writeSpec(): void {
    const p = this.props;
    const source = p.source;
    const facts = this.hook?.facts;
    const r = p.rto ?? {};
    const m = p.monitoring;
    const sw = p.trafficSwitch?.describe();
    let switchSpec: SwitchSpec | undefined;
    if (p.trafficSwitch && sw) {
      const states: Record<string, [string, string]> = {};
      for (const [role, set] of [[DrRole.PRIMARY, p.primary], [DrRole.STANDBY, p.standby]] as const) {
        for (const c of set) {
          const [side, other] = role === DrRole.PRIMARY ? [p.primary, p.standby] : [p.standby, p.primary];
          const sideClusters = side.map(x => x.clusterName);
          const otherSideClusters = other.map(x => x.clusterName);
          const ctx = (active: boolean) => ({ pairName: this.pairName, clusterName: c.clusterName, role, active, namespace: '', sideClusters, otherSideClusters });
          states[c.clusterName] = [p.trafficSwitch.stateOf(ctx(true)), p.trafficSwitch.stateOf(ctx(false))];
        }
      }
      switchSpec = { kind: sw.kind, target: sw.target, hostnames: sw.hostnames, states };
    }
    const secs = (d: Duration | undefined, fallback: number) => (d === undefined ? fallback : d.toSeconds());
    const spec: RecordedDrSpec = {
      version: 1,
      pair: this.pairName,
      source: `${source.kind}/${source.applicationName}`,
      namespace: source._workload?.namespace ?? source._helm!._namespace,
      primary: { side: this.primarySideName, clusters: p.primary.map(c => c.clusterName) },
      standby: { side: this.standbySideName, clusters: p.standby.map(c => c.clusterName) },
      mirrors: Object.fromEntries(p.standby.map((c, i) => [c.clusterName, p.primary[i % p.primary.length].clusterName])),
      standbyReplicas: p.standbyReplicas ?? 1,
      scaleTargets: facts?.scaleTargets,
      autoscalers: facts?.autoscalers,
      primaryReplicas: facts?.primaryReplicas,
      capacity: facts?.capacity,
      switch: switchSpec,
      monitoring: {
        cluster: m.cluster.clusterName,
        file: `clusters/${m.cluster.clusterName}/${this.pairName}-dr-alerts/PrometheusRule.${this.pairName}-dr.yaml`,
        application: this.alertsApplication.applicationName,
      },
      rto: {
        alertFor: secs(m.clusterDown.forDuration, 120),
        evaluation: secs(m.evaluationInterval, 30),
        scrape: secs(m.scrapeInterval, 30),
        response: r.responseTime?.toSeconds(),
        reconciliation: secs(r.argocdReconciliation, 180),
        hpaSync: source._workload ? secs(r.hpaSyncPeriod, 15) : undefined,
        podStartup: secs(r.podStartup, 30),
        readiness: facts ? Math.max(0, ...Object.values(facts.readiness)) : undefined,
        propagation: sw ? sw.propagation.toSeconds() : 0,
        budget: r.budget?.toSeconds(),
      },
      regionLabel: p.regionLabel ?? 'region',
      crossRegionStores: (p.crossRegionSecretStores ?? []).map(s => storeKey(s.storeKind, s.storeName)),
    };
    const json = JSON.stringify(spec);
    for (const a of this.standbyApplications) a.apiObject.metadata.addAnnotation(DR_SPEC_ANNOTATION, json);
  }

  /** What can only be checked once the tree is built: the source's selection. */
  private validatePair(): string[] {
    const p = this.props;
    const errors: string[] = [];
    // A pair's name is its line in the DR state file, the argument of `cdk8s-fleet failover` and its item in the
    // checklist, in every fleet of the app.
    const namesakes = (PAIRS_MADE.get(this.node.root) ?? []).filter(d => d !== this && d.pairName === this.pairName && isInTree(d));
    if (namesakes.length > 0) {
      errors.push(`'pairName' ('${this.pairName}') is also the name of the DR pair at ${namesakes.map(d => `'${d.node.path}'`).join(', ')}; `
        + 'a pair\'s name is its line in the DR state file and what `cdk8s-fleet failover` and the checklist call it, so pair names must be unique in an app');
    }
    const selected = new Set((p.source._workload?.clusters ?? p.source._helm!.clusters).map(c => c.clusterName));
    const what = `${p.source.kind} '${p.source.applicationName}'`;
    for (const c of p.primary) {
      if (!selected.has(c.clusterName)) errors.push(`primary '${c.clusterName}' is not selected by ${what}: the pair's primaries are the clusters it deploys to`);
    }
    for (const c of p.standby) {
      if (selected.has(c.clusterName)) {
        errors.push(`standby '${c.clusterName}' is selected by ${what}, whose ApplicationSet would deploy a second, full copy there; exclude it from the selector (e.g. a label NotIn)`);
      }
    }
    for (const c of [...p.primary, ...p.standby, p.monitoring.cluster]) {
      if (!Cluster.isCluster(c) || this.fleet.findCluster(c.clusterName) !== c) errors.push(`cluster ${show(c?.clusterName)} is not in the registry of fleet '${this.fleet.fleetName}'`);
    }
    if (p.project) {
      const namespace = p.source._workload?.namespace ?? p.source._helm!._namespace;
      for (const c of p.standby) {
        if (!p.project.permitsDestination(c, namespace)) errors.push(`AppProject '${p.project.projectName}' does not allow destination ${c.clusterName}/${namespace}; add it to the project`);
      }
      const ns = p.monitoring.namespace ?? 'monitoring';
      if (!p.project.permitsDestination(p.monitoring.cluster, ns)) errors.push(`AppProject '${p.project.projectName}' does not allow destination ${p.monitoring.cluster.clusterName}/${ns}; add it to the project`);
      if (!p.project.permitsResource('monitoring.coreos.com', 'PrometheusRule', `${this.pairName}-dr`, true)) errors.push(`AppProject '${p.project.projectName}' does not allow PrometheusRule (group 'monitoring.coreos.com')`);
      for (const k of this.hook?.facts.kinds ?? []) {
        if (!p.project.permitsResource(k.group, k.kind, k.name ?? '', k.namespaced)) errors.push(`AppProject '${p.project.projectName}' does not allow ${k.kind} (group '${k.group}'), which the standby renders`);
      }
    }
    return errors;
  }
}

/** Problems of the props that stop construction, each naming the prop and the value. */
function propErrors(p: DrApplicationProps): string[] {
  const errors: string[] = [];
  if (!(p.source instanceof DrSource)) return [`'source' (${show(p.source)}) must be a DrSource (DrSource.workload(), DrSource.helmApplication())`];
  for (const prop of ['primary', 'standby'] as const) {
    if (!Array.isArray(p[prop]) || p[prop].length === 0) errors.push(`'${prop}' must list at least one cluster`);
  }
  if (errors.length) return errors;
  const names = (set: ICluster[]) => set.map(c => c.clusterName);
  for (const n of names(p.primary)) if (names(p.standby).includes(n)) errors.push(`'primary' and 'standby' must be different clusters, got '${n}' in both`);
  for (const prop of ['primary', 'standby'] as const) {
    const list = names(p[prop]);
    if (new Set(list).size !== list.length) errors.push(`'${prop}' lists a cluster twice (${list.join(', ')})`);
  }
  const monitoring = p.monitoring?.cluster?.clusterName;
  if (!p.monitoring?.cluster) {errors.push("'monitoring.cluster' is required: the cluster whose Prometheus evaluates the pair's alerts");} else if ([...names(p.primary), ...names(p.standby)].includes(monitoring)) {
    errors.push(`'monitoring.cluster' (${show(monitoring)}) is a side of the pair: it could not alert when its side is down; watch from a third cluster`);
  }
  if (p.standbyReplicas !== undefined && (!Number.isInteger(p.standbyReplicas) || p.standbyReplicas < 1)) {
    errors.push(`'standbyReplicas' (${show(p.standbyReplicas)}) must be an integer of at least 1: a warm standby never starts cold from zero (and an autoscaler's minimum of 0 needs the alpha HPAScaleToZero gate)`);
  }
  if (p.standbyMaxReplicas !== undefined && (!Number.isInteger(p.standbyMaxReplicas) || p.standbyMaxReplicas < (p.standbyReplicas ?? 1))) {
    errors.push(`'standbyMaxReplicas' (${show(p.standbyMaxReplicas)}) must be an integer of at least 'standbyReplicas' (${p.standbyReplicas ?? 1})`);
  }
  if (p.targetCpuUtilization !== undefined && (!Number.isInteger(p.targetCpuUtilization) || p.targetCpuUtilization < 1)) {
    errors.push(`'targetCpuUtilization' (${show(p.targetCpuUtilization)}) must be a positive integer (percent of the CPU request)`);
  }
  if (p.source.kind === 'HelmApplication' && (p.scaleTarget !== undefined || p.standbyMaxReplicas !== undefined || p.targetCpuUtilization !== undefined)) {
    errors.push("'scaleTarget', 'standbyMaxReplicas' and 'targetCpuUtilization' apply to Workload pairs; a chart's footprint is its values ('passiveValues', 'activeValues')");
  }
  if (p.source.kind === 'HelmApplication' && p.trafficSwitch !== undefined) {
    errors.push("'trafficSwitch' applies to Workload pairs: a chart's objects are unknown offline, so no annotation would change; put the switch on a Workload or move traffic outside the tree");
  }
  try {
    NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, p.onCall?.service, p.onCall?.recipients);
  } catch (e) {
    errors.push(`'onCall': ${(e as Error).message}`);
  }
  const m = p.monitoring;
  if (m) {
    if (m.namespace !== undefined) errors.push(...dns1123LabelErrors(m.namespace).map(e => `'monitoring.namespace' (${show(m.namespace)}) ${e}`));
    errors.push(...labelMapErrors('monitoring.ruleLabels', m.ruleLabels));
    const cd = m.clusterDown;
    if (!cd) {errors.push("'monitoring.clusterDown' is required (at least its 'runbookUrl')");} else {
      if (typeof cd.runbookUrl !== 'string' || !/^https?:\/\/\S+$/.test(cd.runbookUrl)) errors.push(`'monitoring.clusterDown.runbookUrl' (${show(cd.runbookUrl)}) must be an http(s) URL`);
      if (cd.job !== undefined && (typeof cd.job !== 'string' || cd.job === '')) errors.push(`'monitoring.clusterDown.job' (${show(cd.job)}) must be a job name`);
      if (cd.clusterLabel !== undefined) errors.push(...labelNameErrors(cd.clusterLabel, 'monitoring.clusterDown.clusterLabel'));
      const sides = [...names(p.primary), ...names(p.standby)];
      for (const [c, v] of Object.entries(cd.clusterLabelValues ?? {})) {
        if (typeof v !== 'string' || v === '') errors.push(`'monitoring.clusterDown.clusterLabelValues.${c}' (${show(v)}) must be a label value`);
        if (!sides.includes(c)) errors.push(`'monitoring.clusterDown.clusterLabelValues.${c}' names no cluster of the pair (${sides.join(', ')})`);
      }
      const forDuration = cd.forDuration ?? Duration.minutes(2);
      if (forDuration.toMilliseconds() < (m.scrapeInterval ?? Duration.seconds(30)).toMilliseconds() * 2) {
        errors.push(`'monitoring.clusterDown.forDuration' (${promDuration(forDuration)}) must be at least two scrape intervals (${promDuration(m.scrapeInterval ?? Duration.seconds(30))} × 2): absent() fires on one missed scrape otherwise`);
      }
    }
    for (const [k, d] of [['evaluationInterval', m.evaluationInterval], ['scrapeInterval', m.scrapeInterval]] as const) {
      if (d !== undefined && d.toMilliseconds() < 1000) errors.push(`'monitoring.${k}' (${promDuration(d)}) must be at least 1s`);
    }
  }
  if (p.regionLabel !== undefined) errors.push(...qualifiedNameErrors(p.regionLabel).map(e => `'regionLabel' (${show(p.regionLabel)}) ${e}`));
  const rto = p.rto ?? {};
  for (const [k, d] of Object.entries(rto) as Array<[string, Duration | undefined]>) {
    if (d !== undefined && d.toMilliseconds() % 1000 !== 0) errors.push(`'rto.${k}' (${d.toMilliseconds()}ms) must be whole seconds`);
  }
  return errors;
}
