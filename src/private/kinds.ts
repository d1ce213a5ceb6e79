/**
 * Cluster-scoped kinds, as `apiVersion/kind`: every one of the Kubernetes 1.28 API (the pinned definitions, each
 * resource's `NamespaceScoped()` in kubernetes/pkg/registry), a few of later releases, and those of the pinned
 * CRDs (their `spec.scope`, each served version). test/private/kinds.test.ts checks both pinned sets.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'v1/ComponentStatus',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition', 'apiregistration.k8s.io/v1/APIService',
  'storage.k8s.io/v1/StorageClass', 'storage.k8s.io/v1/CSIDriver', 'storage.k8s.io/v1/CSINode', 'storage.k8s.io/v1/VolumeAttachment',
  'scheduling.k8s.io/v1/PriorityClass', 'node.k8s.io/v1/RuntimeClass', 'networking.k8s.io/v1/IngressClass',
  'networking.k8s.io/v1alpha1/ClusterCIDR', 'networking.k8s.io/v1alpha1/IPAddress',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/v1/CertificateSigningRequest', 'certificates.k8s.io/v1alpha1/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta2/PriorityLevelConfiguration',
  'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration',
  'flowcontrol.apiserver.k8s.io/v1/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration',
  'authentication.k8s.io/v1/TokenReview', 'authentication.k8s.io/v1/SelfSubjectReview',
  'authentication.k8s.io/v1alpha1/SelfSubjectReview', 'authentication.k8s.io/v1beta1/SelfSubjectReview',
  'authorization.k8s.io/v1/SubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectRulesReview',
  'internal.apiserver.k8s.io/v1alpha1/StorageVersion', 'resource.k8s.io/v1alpha2/ResourceClass',
  // later releases
  'networking.k8s.io/v1beta1/IPAddress', 'networking.k8s.io/v1/IPAddress',
  'networking.k8s.io/v1alpha1/ServiceCIDR', 'networking.k8s.io/v1beta1/ServiceCIDR', 'networking.k8s.io/v1/ServiceCIDR',
  'resource.k8s.io/v1alpha3/DeviceClass', 'resource.k8s.io/v1beta1/DeviceClass', 'resource.k8s.io/v1beta2/DeviceClass', 'resource.k8s.io/v1/DeviceClass',
  'resource.k8s.io/v1alpha3/ResourceSlice', 'resource.k8s.io/v1beta1/ResourceSlice', 'resource.k8s.io/v1beta2/ResourceSlice', 'resource.k8s.io/v1/ResourceSlice',
  'admissionregistration.k8s.io/v1alpha1/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/v1alpha1/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicyBinding',
  'storage.k8s.io/v1alpha1/VolumeAttributesClass', 'storage.k8s.io/v1beta1/VolumeAttributesClass', 'storage.k8s.io/v1/VolumeAttributesClass',
  'certificates.k8s.io/v1beta1/ClusterTrustBundle', 'storagemigration.k8s.io/v1alpha1/StorageVersionMigration',
  'external-secrets.io/v1/ClusterSecretStore', 'external-secrets.io/v1/ClusterExternalSecret',
  'argoproj.io/v1alpha1/ClusterAnalysisTemplate',
  'kyverno.io/v1/ClusterPolicy', 'kyverno.io/v2beta1/ClusterPolicy',
]);

/**
 * The same as `<group>/<Kind>`: a kind has one scope in every version of its group (a CRD's `spec.scope`, a
 * built-in resource's registry), so an older or newer version of a listed kind (External Secrets' v1beta1
 * ClusterSecretStore) is cluster-scoped too.
 */
const CLUSTER_SCOPED_GROUP_KINDS = new Set([...CLUSTER_SCOPED_KINDS].map(k => {
  const kind = k.slice(k.lastIndexOf('/') + 1);
  return `${groupOf(k.slice(0, k.lastIndexOf('/')))}/${kind}`;
}));

/** Whether objects of this apiVersion and kind are cluster-scoped (the built-in list, in any version of the group). */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED_GROUP_KINDS.has(`${groupOf(apiVersion)}/${kind}`);
}

/** Whether the built-in list makes `<group>/<Kind>` cluster-scoped. */
export function isClusterScopedGroupKind(groupKind: string): boolean {
  return CLUSTER_SCOPED_GROUP_KINDS.has(groupKind);
}

/**
 * The file at a tree's root that lists the kinds a program declares cluster-scoped (FleetApp
 * `clusterScopedKinds`), so that `plan` and `diff`, which read trees without the program, judge them as it did.
 * Like the acknowledged removals, it sits outside every path Argo CD reads.
 */
export const CLUSTER_SCOPED_KINDS_FILE = 'cluster-scoped-kinds.yaml';

/** A `<group>/<Kind>` as FleetApp `clusterScopedKinds` takes it (the core group empty: `/Kind`). */
export const GROUP_KIND = /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*)?\/[A-Za-z][A-Za-z0-9]*$/;

/** The API group of an apiVersion (`''` for the core group's `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether objects of a kind are cluster-scoped, as the API server of a fleet's clusters would say, from what is
 * known offline, in this order:
 * 1. the built-in list (`isClusterScoped`: Kubernetes 1.28 and the pinned CRDs);
 * 2. the CustomResourceDefinitions of the program or tree (`spec.scope`, per group and kind, as the API server
 *    serves every version of a CRD with its one scope);
 * 3. the kinds the program declares cluster-scoped (FleetApp `clusterScopedKinds`, recorded in the tree as
 *    `CLUSTER_SCOPED_KINDS_FILE`), for CRDs installed otherwise (a Helm chart, an operator).
 * Any other kind is judged namespaced. Argo CD asks the cluster instead (its discovery), so a kind this misjudges
 * would be written with a namespace Argo CD drops and be checked against the wrong AppProject lists.
 */
export class KindScopes {
  /** The built-in list alone. */
  public static readonly BUILT_IN = new KindScopes([]);

  /** The scopes of a tree's CRDs (the objects of `{ path, object }` entries) and the `declared` kinds. */
  public static fromEntries(entries: Iterable<{ readonly path: string; readonly object?: any }>, declared: Iterable<string> = []): KindScopes {
    const scopes = new KindScopes(declared);
    for (const e of entries) scopes.add(e.object);
    return scopes;
  }

  /** group/kind → namespaced, from CRDs. */
  private readonly crds = new Map<string, boolean>();
  private readonly declared: ReadonlySet<string>;

  public constructor(declared: Iterable<string>) {
    this.declared = new Set(declared);
  }

  /** Records the scope a CustomResourceDefinition gives its kind (anything else is ignored). */
  public add(o: any): void {
    const kind = customResourceKind(o);
    if (kind !== undefined) this.crds.set(kind, o.spec.scope !== 'Cluster');
  }

  /** Whether objects of this apiVersion and kind are cluster-scoped. */
  public isClusterScoped(apiVersion: string, kind: string): boolean {
    if (this.crds.size === 0 && this.declared.size === 0) return isClusterScoped(apiVersion, kind);
    const groupKind = `${groupOf(apiVersion)}/${kind}`;
    if (CLUSTER_SCOPED_GROUP_KINDS.has(groupKind)) return true;
    const crd = this.crds.get(groupKind);
    return crd === undefined ? this.declared.has(groupKind) : !crd;
  }

  /** These scopes with the CRDs among `objects` added (this instance when there are none). */
  public withObjects(objects: readonly any[]): KindScopes {
    const crds = objects.filter(o => customResourceKind(o) !== undefined);
    if (crds.length === 0) return this;
    const scopes = new KindScopes(this.declared);
    for (const [k, v] of this.crds) scopes.crds.set(k, v);
    for (const o of crds) scopes.add(o);
    return scopes;
  }

  /** The declared kinds whose CRD here says they are namespaced, each `<group>/<Kind>`. */
  public declaredButNamespaced(): string[] {
    return [...this.declared].filter(k => this.crds.get(k) === true);
  }
}

/** The `<group>/<Kind>` a CustomResourceDefinition defines, or undefined when `o` is none. */
export function customResourceKind(o: any): string | undefined {
  if (o?.kind !== 'CustomResourceDefinition' || !String(o.apiVersion).startsWith('apiextensions.k8s.io/')) return undefined;
  const kind = o.spec?.names?.kind;
  return typeof kind === 'string' && kind !== '' && typeof o.spec.group === 'string' ? `${o.spec.group}/${kind}` : undefined;
}

/** The scopes a construct tree renders with (set by rendering: the FleetApp's declared kinds and the program's CRDs). */
const SCOPES = new WeakMap<object, KindScopes>();

/** Records the scopes of the construct tree whose root is `root`, for `scopesOf`. */
export function setKindScopes(root: object, scopes: KindScopes): void {
  SCOPES.set(root, scopes);
}

/** The scopes the construct tree of `c` renders with; the built-in list before it renders. */
export function scopesOf(c: { readonly node: { readonly root: object } }): KindScopes {
  return SCOPES.get(c.node.root) ?? KindScopes.BUILT_IN;
}

const DELIVERED_KINDS = new Set(['argoproj.io/v1alpha1/Rollout', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet']);

/** Whether the plan describes how the object delivers its pods (rendering keeps such objects whole for it). */
export function isDeliveredKind(o: any): boolean {
  return DELIVERED_KINDS.has(`${o?.apiVersion}/${o?.kind}`);
}

const REVIEW = 'a request the API server answers without storing it';
const SUBRESOURCE = "a subresource, written through its parent object's endpoint";
/**
 * Kinds of the Kubernetes API that are no stored object one can create and then keep in sync: create-only requests
 * (the registry's storage implements only `Create`), subresources and a read-only kind. Argo CD cannot apply and
 * then compare one (its default `resource.exclusions` even leave the review kinds unwatched), so a tree must not
 * hold them.
 */
const UNSYNCABLE_KINDS = new Map<string, string>([
  ...['v1', 'v1alpha1', 'v1beta1'].map(v => [`authentication.k8s.io/${v}/SelfSubjectReview`, REVIEW] as [string, string]),
  ['authentication.k8s.io/v1/TokenReview', REVIEW],
  ['authorization.k8s.io/v1/SubjectAccessReview', REVIEW],
  ['authorization.k8s.io/v1/SelfSubjectAccessReview', REVIEW],
  ['authorization.k8s.io/v1/SelfSubjectRulesReview', REVIEW],
  ['authorization.k8s.io/v1/LocalSubjectAccessReview', REVIEW],
  ['authentication.k8s.io/v1/TokenRequest', `${SUBRESOURCE} (serviceaccounts/token)`],
  ['v1/Binding', `${SUBRESOURCE} (pods/binding)`],
  ['policy/v1/Eviction', `${SUBRESOURCE} (pods/eviction)`],
  ['autoscaling/v1/Scale', `${SUBRESOURCE} (<resource>/scale)`],
  ['v1/ComponentStatus', 'read-only: the API server reports it and accepts no write'],
]);

/** Why objects of this apiVersion and kind cannot be synced from Git, or undefined when they can. */
export function unsyncableKind(apiVersion: string, kind: string): string | undefined {
  return UNSYNCABLE_KINDS.get(`${apiVersion}/${kind}`);
}
