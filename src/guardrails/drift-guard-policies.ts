/**
 * The drift guard's admission policies as plain objects: a Kyverno ClusterPolicy (kyverno.io/v1, Kyverno v1.19)
 * and a ValidatingAdmissionPolicy with its binding (admissionregistration.k8s.io, Kubernetes 1.28 shape). Both
 * recognise Argo CD's objects with the same CEL expressions. Private to the library.
 */
import { TrackingMethod } from '../fleet/fleet';
import { compareCodeUnits } from '../private/util';

/** The label on every guardrail object, read back by `cdk8s-fleet checklist`. */
export const GUARDRAIL_LABEL = 'fleet.cdk8s.io/guardrail';
/** The label that records a guardrail's mode (`enforce` or `audit`). */
export const GUARDRAIL_MODE_LABEL = 'fleet.cdk8s.io/guardrail-mode';
/** Argo CD's tracking annotation. */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/** Everything a guard's policies are made from, resolved for one cluster. */
export interface DriftGuardSpec {
  readonly name: string;
  readonly enforce: boolean;
  readonly trackingMethod: TrackingMethod;
  readonly instanceLabelKey: string;
  /** User names whose requests pass (Argo CD, exempt controllers, exempt users). */
  readonly users: string[];
  /** Groups whose members' requests pass (break-glass, exempt groups). */
  readonly groups: string[];
  readonly namespaces: string[];
  readonly kinds: { group: string; kind: string; resource: string }[];
  readonly labels: Record<string, string>;
  readonly breakGlassGroups: string[];
}

/** The kinds every guard exempts: they are never Argo CD's and are written constantly. */
export const ALWAYS_EXEMPT_KINDS = [
  { group: 'coordination.k8s.io', kind: 'Lease', resource: 'leases' },
  { group: '', kind: 'Event', resource: 'events' },
  { group: 'events.k8s.io', kind: 'Event', resource: 'events' },
];

/** A CEL string literal. */
export function celString(value: string): string {
  return JSON.stringify(value);
}

function celList(values: string[]): string {
  return `[${values.map(celString).join(', ')}]`;
}

/**
 * Whether `x` (`object` or `oldObject`) is an object Argo CD manages. Argo CD never counts an object with owner
 * references among an Application's live objects (gitops-engine `GetManagedLiveObjs`: `len(o.OwnerRefs) == 0`),
 * so Pods, ReplicaSets and the like that controllers create are never guarded. With annotation tracking: it carries
 * `argocd.argoproj.io/tracking-id` and the id refers to the object itself, as Argo CD's `isSelfReferencedObj`
 * decides (group, kind and name equal, and the namespace too unless the object is cluster-scoped), so a copy of
 * the annotation on another object does not count. With label tracking: it carries the instance label.
 */
export function trackedExpression(x: string, trackingMethod: TrackingMethod, instanceLabelKey: string): string {
  const present = `${x} != null && has(${x}.metadata) && !(has(${x}.metadata.ownerReferences) && size(${x}.metadata.ownerReferences) > 0)`;
  if (trackingMethod === TrackingMethod.LABEL) {
    return `${present} && has(${x}.metadata.labels) && ${celString(instanceLabelKey)} in ${x}.metadata.labels`;
  }
  const id = `${x}.metadata.annotations[${celString(TRACKING_ID_ANNOTATION)}]`;
  const groupKind = 'request.kind.group + \'/\' + request.kind.kind';
  const namespaced = `${id}.endsWith(':' + ${groupKind} + ':' + ${x}.metadata.namespace + '/' + ${x}.metadata.name)`;
  const clusterScoped = `(${id}.endsWith('/' + ${x}.metadata.name) && ${id}.contains(':' + ${groupKind} + ':'))`;
  return `${present} && has(${x}.metadata.annotations) && ${celString(TRACKING_ID_ANNOTATION)} in ${x}.metadata.annotations`
    + ` && has(${x}.metadata.name) && (has(${x}.metadata.namespace) && ${x}.metadata.namespace != '' ? ${namespaced} : ${clusterScoped})`;
}

/** Whether the request comes from an exempt user or a member of an exempt group. */
export function exemptIdentityExpression(users: string[], groups: string[]): string {
  const parts: string[] = [];
  if (users.length) parts.push(`request.userInfo.username in ${celList(users)}`);
  if (groups.length) parts.push(`(has(request.userInfo.groups) && request.userInfo.groups.exists(g, g in ${celList(groups)}))`);
  return parts.length ? parts.join(' || ') : 'false';
}

function managedExpression(spec: DriftGuardSpec): string {
  return `${trackedExpression('object', spec.trackingMethod, spec.instanceLabelKey)} || ${trackedExpression('oldObject', spec.trackingMethod, spec.instanceLabelKey)}`;
}

function trackingDescription(spec: DriftGuardSpec): string {
  return spec.trackingMethod === TrackingMethod.LABEL ? `label ${spec.instanceLabelKey}` : `annotation ${TRACKING_ID_ANNOTATION}`;
}

/** The human-readable denial, the same for both engines. */
function denialText(spec: DriftGuardSpec): string {
  const breakGlass = spec.breakGlassGroups.length ? `, or use the break-glass group (${spec.breakGlassGroups.join(', ')})` : '';
  return `is managed by Argo CD (${trackingDescription(spec)}): change it in Git${breakGlass}`;
}

/** The Kyverno ClusterPolicy (kyverno.io/v1). */
export function kyvernoClusterPolicy(spec: DriftGuardSpec): any {
  const kinds = [...ALWAYS_EXEMPT_KINDS, ...spec.kinds];
  const kyvernoKinds = [...new Set(kinds.map(k => (k.group ? `${k.group}/*/${k.kind}` : k.kind)))];
  const exclude: any[] = [];
  if (spec.namespaces.length) exclude.push({ resources: { namespaces: [...spec.namespaces] } });
  exclude.push({ resources: { kinds: kyvernoKinds } });
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name: spec.name,
      labels: spec.labels,
      annotations: {
        'policies.kyverno.io/title': 'Drift guard: nothing changes outside Git',
        'policies.kyverno.io/category': 'GitOps',
        'policies.kyverno.io/subject': 'Argo CD managed objects',
        'policies.kyverno.io/description': `Refuses creating, updating and deleting objects Argo CD manages (${trackingDescription(spec)}) unless the request comes from Argo CD, an exempt controller or a break-glass group. Generated by cdk8s-fleet.`,
      },
    },
    spec: {
      // `request.userInfo` and a wildcard kind are admission-only: Kyverno refuses them in background scans.
      background: false,
      emitWarning: !spec.enforce,
      webhookConfiguration: {
        failurePolicy: spec.enforce ? 'Fail' : 'Ignore',
        timeoutSeconds: 10,
        // The API server evaluates these before calling Kyverno (so Argo CD's own requests never wait for it),
        // and Kyverno evaluates them again for every request it sees.
        matchConditions: [
          { name: 'not-exempt', expression: `!(${exemptIdentityExpression(spec.users, spec.groups)})` },
          { name: 'managed-by-argocd', expression: managedExpression(spec) },
        ],
      },
      rules: [{
        name: 'deny-changes-outside-git',
        match: { any: [{ resources: { kinds: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'] } }] },
        exclude: { any: exclude },
        validate: {
          failureAction: spec.enforce ? 'Enforce' : 'Audit',
          message: `{{ request.operation }} of {{ request.kind.kind }} '{{ request.name }}' by '{{ request.userInfo.username }}' refused: it ${denialText(spec)}.`,
          // The match conditions select exactly the requests to refuse; every one of them is denied.
          deny: { conditions: { all: [{ key: '{{ request.operation }}', operator: 'AnyIn', value: ['CREATE', 'UPDATE', 'DELETE'] }] } },
        },
      }],
    },
  };
}

/** The ValidatingAdmissionPolicy and its binding, at `apiVersion`. */
export function validatingAdmissionPolicy(spec: DriftGuardSpec, apiVersion: string): any[] {
  const kinds = [...ALWAYS_EXEMPT_KINDS, ...spec.kinds];
  const byGroup = new Map<string, Set<string>>();
  for (const k of kinds) byGroup.set(k.group, new Set([...byGroup.get(k.group) ?? [], k.resource]));
  const excludeResourceRules = [...byGroup.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([group, resources]) => ({
    apiGroups: [group], apiVersions: ['*'], resources: [...resources].sort(), operations: ['*'],
  }));
  const matchConstraints: any = {
    matchPolicy: 'Equivalent',
    resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], resources: ['*'], operations: ['CREATE', 'UPDATE', 'DELETE'], scope: '*' }],
    excludeResourceRules,
  };
  if (spec.namespaces.length) {
    matchConstraints.namespaceSelector = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...spec.namespaces] }] };
  }
  const policy = {
    apiVersion,
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      failurePolicy: spec.enforce ? 'Fail' : 'Ignore',
      matchConstraints,
      matchConditions: [{ name: 'managed-by-argocd', expression: managedExpression(spec) }],
      validations: [{
        expression: exemptIdentityExpression(spec.users, spec.groups),
        messageExpression: `request.operation + ' of ' + request.kind.kind + ' \\'' + request.name + '\\' by \\'' + request.userInfo.username + '\\' refused: it ' + ${celString(denialText(spec))}`,
        reason: 'Forbidden',
      }],
    },
  };
  const binding = {
    apiVersion,
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: spec.name, labels: spec.labels },
    spec: {
      policyName: spec.name,
      // Audit mode warns the client and records an audit annotation; enforce mode denies.
      validationActions: spec.enforce ? ['Deny'] : ['Warn', 'Audit'],
    },
  };
  return [policy, binding];
}
