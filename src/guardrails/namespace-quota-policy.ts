import { Construct } from 'constructs';
import { deployToCluster } from './cluster-addon';
import { GuardrailMode } from './drift-guard';
import type { IAppProject } from '../argocd/app-project';
import type { Application } from '../argocd/application';
import type { LabelSelectorRequirement } from '../argocd/generators';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors, labelMapErrors, qualifiedNameErrors } from '../private/names';
import { guardRailObjects, settingsErrors } from '../workloads/apply-settings';
import type { ContainerLimitRange, NamespaceQuota } from '../workloads/workload-settings';

/** What the quota policy asks for in one environment. */
export interface QuotaPolicySettings {
  /**
   * The ResourceQuota generated in every selected namespace.
   * @default - none
   */
  readonly quota?: NamespaceQuota;
  /**
   * The LimitRange generated in every selected namespace (container defaults apply before the requirement below).
   * @default - none
   */
  readonly limitRange?: ContainerLimitRange;
  /**
   * Whether every container of a Pod (and of every Pod controller, by Kyverno's autogen) in a selected namespace must
   * set CPU and memory requests and limits, and whether a Pod without them is refused or reported.
   * @default - not required
   */
  readonly requireResources?: GuardrailMode;
}

/** Props for `NamespaceQuotaPolicy`. */
export interface NamespaceQuotaPolicyProps {
  /** The platform project its Applications belong to; it must allow `kyverno.io/ClusterPolicy` and `ClusterRole`. */
  readonly project: IAppProject;
  /** The settings of every environment. */
  readonly defaults: QuotaPolicySettings;
  /**
   * Settings per environment (the cluster label `environmentLabel`), merged over `defaults` field by field.
   * @default - the defaults everywhere
   */
  readonly environments?: Record<string, QuotaPolicySettings>;
  /**
   * The cluster label that names a cluster's environment.
   * @default 'environment'
   */
  readonly environmentLabel?: string;
  /**
   * The clusters (they must run Kyverno).
   * @default - every cluster of the fleet registered before the policy
   */
  readonly clusters?: ICluster[];
  /**
   * Namespaces (by their labels) that get the quota and the requirement.
   * @default - every namespace but the excluded ones
   */
  readonly namespaceMatchLabels?: Record<string, string>;
  /**
   * Namespaces (by label expressions) that get the quota and the requirement.
   * @default - no expression condition
   */
  readonly namespaceMatchExpressions?: LabelSelectorRequirement[];
  /**
   * Namespaces never selected.
   * @default - kube-system, kube-public, kube-node-lease, kyverno and the fleet's Argo CD namespace
   */
  readonly excludedNamespaces?: string[];
  /**
   * The policy's name: the ClusterPolicy, the generated ResourceQuota and LimitRange, the directory and the
   * Applications (`<name>-<cluster>`).
   * @default 'namespace-quotas'
   */
  readonly policyName?: string;
  /**
   * The sync wave of its Applications in the root App-of-Apps (after the add-ons that install Kyverno).
   * @default 10
   */
  readonly syncWave?: number;
}

/**
 * Quotas as policy: a Kyverno ClusterPolicy per cluster that generates a ResourceQuota and a LimitRange in every
 * namespace a selector picks (existing ones too, kept in sync with the policy) and requires CPU and memory requests
 * and limits on every container there (enforced or audited), with typed settings per environment. Also writes a
 * ClusterRole aggregated to Kyverno's background controller, so that it may manage those kinds whatever the chart
 * grants. Deployed like any platform add-on: one Application of the platform project per cluster.
 *
 * @example
 * new NamespaceQuotaPolicy(fleet, 'Quotas', {
 *   project: platform,
 *   namespaceMatchLabels: { 'acme.io/team-namespace': 'true' },
 *   defaults: { quota: { requestsCpu: '4', requestsMemory: '8Gi' }, requireResources: GuardrailMode.AUDIT },
 *   environments: { production: { quota: { requestsCpu: '16' }, requireResources: GuardrailMode.ENFORCE } },
 * });
 */
export class NamespaceQuotaPolicy extends Construct {
  /** The policy's Applications, one per cluster. */
  public readonly applications: Application[] = [];
  public readonly policyName: string;

  public constructor(scope: Construct, id: string, props: NamespaceQuotaPolicyProps) {
    super(scope, id);
    const fleet = Fleet.of(this);
    this.policyName = props.policyName ?? 'namespace-quotas';
    const clusters = props.clusters ?? fleet.clusters;
    const label = props.environmentLabel ?? 'environment';
    throwIfInvalid(this, 'NamespaceQuotaPolicy', this.propErrors(props, clusters, label));
    const excluded = props.excludedNamespaces ?? ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno', fleet.argocdNamespace];
    for (const cluster of clusters) {
      const env = cluster.labels[label];
      const own = env !== undefined ? props.environments?.[env] : undefined;
      const settings: QuotaPolicySettings = {
        quota: own?.quota || props.defaults.quota ? { ...props.defaults.quota, ...definedOnly(own?.quota) } : undefined,
        limitRange: own?.limitRange || props.defaults.limitRange ? { ...props.defaults.limitRange, ...definedOnly(own?.limitRange) } : undefined,
        requireResources: own?.requireResources ?? props.defaults.requireResources,
      };
      const policy = clusterPolicy(this.policyName, settings, props, [...new Set(excluded)]);
      const enforce = settings.requireResources === GuardrailMode.ENFORCE;
      this.applications.push(deployToCluster(this, cluster, {
        name: this.policyName,
        guardrail: 'quota-policy',
        enforce,
        project: props.project,
        syncWave: props.syncWave ?? 10,
        objects: [
          { id: 'ClusterRole', object: backgroundControllerRole(this.policyName), wave: 0 },
          { id: 'ClusterPolicy', object: policy, wave: 1 },
        ],
      }));
    }
  }

  private propErrors(props: NamespaceQuotaPolicyProps, clusters: ICluster[], label: string): string[] {
    const errors: string[] = [];
    if (!props.project) errors.push("'project' is required (the platform AppProject; it must allow ClusterPolicy and ClusterRole)");
    errors.push(...dns1123SubdomainErrors(this.policyName).map(e => `'policyName' (${show(this.policyName)}) ${e}`));
    errors.push(...qualifiedNameErrors(label).map(e => `'environmentLabel' (${show(label)}) is not a valid label key: ${e}`));
    if (clusters.length === 0) errors.push("'clusters' selects no cluster (register clusters before creating the policy, or pass them)");
    errors.push(...labelMapErrors('namespaceMatchLabels', props.namespaceMatchLabels));
    for (const ns of props.excludedNamespaces ?? []) errors.push(...dns1123LabelErrors(ns).map(e => `'excludedNamespaces' entry (${show(ns)}) ${e}`));
    const all: [string, QuotaPolicySettings | undefined][] = [['defaults', props.defaults], ...Object.entries(props.environments ?? {}).map(([k, v]) => [`environments.${k}`, v] as [string, QuotaPolicySettings])];
    for (const [where, s] of all) {
      errors.push(...settingsErrors(s ? { quota: s.quota, limitRange: s.limitRange } : undefined, where));
      if (s?.requireResources !== undefined && !Object.values(GuardrailMode).includes(s.requireResources)) errors.push(`'${where}.requireResources' (${show(s.requireResources)}) must be a GuardrailMode`);
    }
    const nothing = (s?: QuotaPolicySettings) => !s?.quota && !s?.limitRange && s?.requireResources === undefined;
    if (nothing(props.defaults) && Object.values(props.environments ?? {}).every(nothing)) errors.push("'defaults' and 'environments' ask for nothing: give a quota, a limitRange or requireResources");
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) errors.push(`'syncWave' (${show(props.syncWave)}) must be an integer`);
    return errors;
  }
}

/** The ClusterPolicy of one cluster. */
function clusterPolicy(name: string, s: QuotaPolicySettings, props: NamespaceQuotaPolicyProps, excluded: string[]): any {
  const selector: any = {};
  if (props.namespaceMatchLabels && Object.keys(props.namespaceMatchLabels).length) selector.matchLabels = { ...props.namespaceMatchLabels };
  if (props.namespaceMatchExpressions?.length) {
    selector.matchExpressions = props.namespaceMatchExpressions
      .map(e => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) }));
  }
  const hasSelector = Object.keys(selector).length > 0;
  const namespaces = { kinds: ['Namespace'], ...(hasSelector ? { selector } : {}) };
  const excludeNamespaces = excluded.length ? { exclude: { any: [{ resources: { names: excluded } }] } } : {};
  const [quota, limitRange] = ['ResourceQuota', 'LimitRange'].map(kind => guardRailObjects({ quota: s.quota, limitRange: s.limitRange }, 'x', name).find(o => o.kind === kind));
  const rules: any[] = [];
  const generate = (ruleName: string, object: any) => rules.push({
    name: ruleName,
    match: { any: [{ resources: namespaces }] },
    ...excludeNamespaces,
    skipBackgroundRequests: true,
    generate: {
      apiVersion: 'v1',
      kind: object.kind,
      name,
      namespace: '{{ request.object.metadata.name }}',
      // Existing namespaces get it too, and changes to the policy (or to the generated object) are reconciled.
      generateExisting: true,
      synchronize: true,
      data: { spec: object.spec },
    },
  });
  if (quota) generate('generate-resourcequota', quota);
  if (limitRange) generate('generate-limitrange', limitRange);
  if (s.requireResources !== undefined) {
    const resources = { resources: { requests: { cpu: '?*', memory: '?*' }, limits: { cpu: '?*', memory: '?*' } } };
    rules.push({
      name: 'require-requests-limits',
      match: { any: [{ resources: { kinds: ['Pod'], ...(hasSelector ? { namespaceSelector: selector } : {}) } }] },
      ...(excluded.length ? { exclude: { any: [{ resources: { namespaces: excluded } }] } } : {}),
      skipBackgroundRequests: true,
      validate: {
        failureAction: s.requireResources === GuardrailMode.ENFORCE ? 'Enforce' : 'Audit',
        message: 'Every container must set CPU and memory requests and limits (resources.requests and resources.limits).',
        pattern: { spec: { 'containers': [resources], '=(initContainers)': [resources] } },
      },
    });
  }
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': 'Namespace quotas and container resources',
        'policies.kyverno.io/category': 'Multi-Tenancy',
        'policies.kyverno.io/subject': 'Namespace, ResourceQuota, LimitRange, Pod',
        'policies.kyverno.io/description': 'Generates a ResourceQuota and a LimitRange in every selected namespace and requires CPU and memory requests and limits on every container. Generated by cdk8s-fleet.',
      },
    },
    spec: { admission: true, background: true, emitWarning: s.requireResources === GuardrailMode.AUDIT, rules },
  };
}

/** Lets Kyverno's background controller manage the generated kinds (aggregated into its ClusterRole). */
function backgroundControllerRole(name: string): any {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `${name}-kyverno-background`, labels: { 'rbac.kyverno.io/aggregate-to-background-controller': 'true' } },
    rules: [{ apiGroups: [''], resources: ['limitranges', 'resourcequotas'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }],
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
