import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { admissionVariables, Admission, evalCel, parseCel } from './cel';
import {
  AdmissionEngine, AdmissionSubject, AppProject, ClusterCredentials, DriftGuard, DriftGuardExemption, Fleet, FleetApp, GuardrailMode,
  ProjectDestination,
  TrackingMethod, ValidatingAdmissionPolicyVersion,
} from '../../src';
import { DriftGuardSpec, kyvernoClusterPolicy, validatingAdmissionPolicy } from '../../src/guardrails/drift-guard-policies';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

const ARGOCD = 'system:serviceaccount:argocd:argocd-application-controller';

function spec(overrides: Partial<DriftGuardSpec> = {}): DriftGuardSpec {
  return {
    name: 'drift-guard',
    enforce: true,
    trackingMethod: TrackingMethod.ANNOTATION,
    instanceLabelKey: 'app.kubernetes.io/instance',
    users: [ARGOCD, 'system:kube-controller-manager'],
    groups: ['acme:breakglass', 'system:serviceaccounts:kube-system'],
    namespaces: ['argocd'],
    kinds: [],
    labels: {},
    breakGlassGroups: ['acme:breakglass'],
    ...overrides,
  };
}

/** Whether the Kyverno policy refuses the request: every match condition holds (the rule then always denies). */
function kyvernoDenies(s: DriftGuardSpec, a: Admission): boolean {
  const conditions = kyvernoClusterPolicy(s).spec.webhookConfiguration.matchConditions;
  return conditions.every((c: any) => evalCel(c.expression, admissionVariables(a)) === true);
}

/** Whether the ValidatingAdmissionPolicy refuses the request: its match condition holds and its validation fails. */
function vapDenies(s: DriftGuardSpec, a: Admission): boolean {
  const [policy] = validatingAdmissionPolicy(s, ValidatingAdmissionPolicyVersion.V1BETA1);
  const vars = admissionVariables(a);
  if (!policy.spec.matchConditions.every((c: any) => evalCel(c.expression, vars) === true)) return false;
  return policy.spec.validations.some((v: any) => evalCel(v.expression, vars) !== true);
}

const deployment = (id?: string, extra: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'web', ...(id ? { annotations: { 'argocd.argoproj.io/tracking-id': id } } : {}), ...extra },
});

describe('drift guard admission semantics (CEL, evaluated with a CEL implementation)', () => {
  const tracked = deployment('web-prod:apps/Deployment:web/web');
  const cases: [string, Admission, boolean][] = [
    ['a human edits a managed Deployment', { operation: 'UPDATE', username: 'alice@acme.io', groups: ['acme:devs'], group: 'apps', kind: 'Deployment', object: tracked, oldObject: tracked }, true],
    ['a human deletes it', { operation: 'DELETE', username: 'alice@acme.io', group: 'apps', kind: 'Deployment', oldObject: tracked }, true],
    // Kyverno's engine evaluates match conditions with an empty new object ({apiVersion, kind}) on DELETE.
    ['a human deletes it (Kyverno engine view)', { operation: 'DELETE', username: 'alice@acme.io', group: 'apps', kind: 'Deployment', object: { apiVersion: 'apps/v1', kind: 'Deployment' }, oldObject: tracked }, true],
    ['a human strips the tracking annotation', { operation: 'UPDATE', username: 'alice@acme.io', group: 'apps', kind: 'Deployment', object: deployment(), oldObject: tracked }, true],
    ['a human creates a copy carrying a tracking id', { operation: 'CREATE', username: 'ci-bot', group: 'apps', kind: 'Deployment', object: tracked }, true],
    ['Argo CD syncs it', { operation: 'UPDATE', username: ARGOCD, groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd'], group: 'apps', kind: 'Deployment', object: tracked, oldObject: tracked }, false],
    ['a break-glass member edits it', { operation: 'UPDATE', username: 'bob@acme.io', groups: ['acme:breakglass'], group: 'apps', kind: 'Deployment', object: tracked, oldObject: tracked }, false],
    ['the garbage collector deletes it', { operation: 'DELETE', username: 'system:serviceaccount:kube-system:generic-garbage-collector', groups: ['system:serviceaccounts:kube-system'], group: 'apps', kind: 'Deployment', oldObject: tracked }, false],
    ['a human edits an object Argo CD does not manage', { operation: 'UPDATE', username: 'alice@acme.io', group: 'apps', kind: 'Deployment', object: deployment(), oldObject: deployment() }, false],
    ['a human edits a ReplicaSet that copied its Deployment\'s tracking id', {
      operation: 'UPDATE',
      username: 'alice@acme.io',
      group: 'apps',
      kind: 'ReplicaSet',
      object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-5d4f8', namespace: 'web', annotations: { 'argocd.argoproj.io/tracking-id': 'web-prod:apps/Deployment:web/web' } } },
    }, false],
    ['a human deletes a Pod its ReplicaSet owns, although its template copied the tracking id', {
      operation: 'DELETE',
      username: 'alice@acme.io',
      kind: 'Pod',
      oldObject: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'web', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8', uid: 'u', controller: true }], annotations: { 'argocd.argoproj.io/tracking-id': 'web-prod:/Pod:web/web' } } },
    }, false],
    ['a human deletes a managed Namespace (cluster-scoped: the id carries the destination namespace)', {
      operation: 'DELETE',
      username: 'alice@acme.io',
      kind: 'Namespace',
      oldObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web', annotations: { 'argocd.argoproj.io/tracking-id': 'web-prod:/Namespace:web/web' } } },
    }, true],
    ['a human edits a managed ClusterRole whose name has a colon', {
      operation: 'UPDATE',
      username: 'alice@acme.io',
      group: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'acme:viewer', annotations: { 'argocd.argoproj.io/tracking-id': 'rbac:rbac.authorization.k8s.io/ClusterRole:default/acme:viewer' } } },
    }, true],
  ];
  test.each(cases)('%s: Kyverno and ValidatingAdmissionPolicy agree', (_name, admission, denied) => {
    expect(kyvernoDenies(spec(), admission)).toBe(denied);
    expect(vapDenies(spec(), admission)).toBe(denied);
  });

  // Ported from argo-cd@v3.5.1 controller/state_test.go TestIsLiveResourceManaged (the cases without a desired
  // object, where isSelfReferencedObj compares the live object with its tracking id).
  const configmap = (name: string, id: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', annotations: { 'argocd.argoproj.io/tracking-id': id } } });
  test.each([
    ['managed', configmap('configmap1', 'guestbook:/ConfigMap:default/configmap1'), true],
    ['wrong name', configmap('configmap2', 'guestbook:/ConfigMap:default/configmap1'), false],
    ['wrong kind', configmap('configmap2', 'guestbook:/Service:default/configmap2'), false],
    ['wrong group', configmap('configmap2', 'guestbook:apps/ConfigMap:default/configmap2'), false],
    ['wrong namespace', configmap('configmap2', 'guestbook:/ConfigMap:fakens/configmap2'), false],
  ])('Argo CD\'s isSelfReferencedObj: %s', (_name, object, managed) => {
    const a: Admission = { operation: 'UPDATE', username: 'alice@acme.io', kind: 'ConfigMap', object, oldObject: object };
    expect(kyvernoDenies(spec(), a)).toBe(managed);
    expect(vapDenies(spec(), a)).toBe(managed);
  });

  test('label tracking: any object with the instance label is managed (Argo CD cannot tell copies apart)', () => {
    const s = spec({ trackingMethod: TrackingMethod.LABEL, instanceLabelKey: 'argocd.argoproj.io/instance' });
    const labelled = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', labels: { 'argocd.argoproj.io/instance': 'guestbook' } } };
    const a: Admission = { operation: 'UPDATE', username: 'alice@acme.io', kind: 'ConfigMap', object: labelled, oldObject: labelled };
    expect([kyvernoDenies(s, a), vapDenies(s, a)]).toEqual([true, true]);
    const annotated = configmap('configmap1', 'guestbook:/ConfigMap:default/configmap1');
    expect(kyvernoDenies(s, { ...a, object: annotated, oldObject: annotated })).toBe(false);
    // A Pod whose template carried the label is its ReplicaSet's, not Argo CD's.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...labelled.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: 'u' }] } };
    expect(vapDenies(s, { operation: 'DELETE', username: 'alice@acme.io', kind: 'Pod', oldObject: pod })).toBe(false);
  });

  test('every expression parses, and the denial message renders', () => {
    const [policy, binding] = validatingAdmissionPolicy(spec(), ValidatingAdmissionPolicyVersion.V1BETA1);
    const conditions = [...policy.spec.matchConditions, ...kyvernoClusterPolicy(spec()).spec.webhookConfiguration.matchConditions];
    for (const c of conditions) parseCel(c.expression);
    const v = policy.spec.validations[0];
    const vars = admissionVariables({ operation: 'DELETE', username: 'alice@acme.io', group: 'apps', kind: 'Deployment', oldObject: deployment('a:apps/Deployment:web/web') });
    expect(evalCel(v.messageExpression, vars)).toBe("DELETE of Deployment 'web' by 'alice@acme.io' refused: it is managed by Argo CD (annotation argocd.argoproj.io/tracking-id): change it in Git, or use the break-glass group (acme:breakglass)");
    expect(binding.spec).toEqual({ policyName: 'drift-guard', validationActions: ['Deny'] });
  });
});

describe('DriftGuard', () => {
  function guardedFleet() {
    const { app, fleet } = testFleet();
    const hub = fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster(), labels: { environment: 'management' } });
    const prod = addCluster(fleet, 'prod-eu-1', { environment: 'production' });
    const platform = new AppProject(fleet, 'platform', {
      destinations: [ProjectDestination.anyCluster('*')],
      clusterResourceAllowList: [
        { group: 'kyverno.io', kind: 'ClusterPolicy' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy' },
        { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding' },
      ],
    });
    return { app, fleet, hub, prod, platform };
  }

  test('Kyverno: one ClusterPolicy and one Application of the platform project per cluster, in wave 10', () => {
    // GIVEN
    const { app, fleet, platform } = guardedFleet();
    // WHEN
    new DriftGuard(fleet, 'Guard', {
      engine: AdmissionEngine.KYVERNO,
      project: platform,
      breakGlassGroups: ['acme:breakglass'],
      argocdIdentities: [AdmissionSubject.group('acme:argocd')],
      exemptions: [DriftGuardExemption.argoRollouts(), DriftGuardExemption.namespace('scratch'), DriftGuardExemption.kind('', 'ConfigMap', 'configmaps')],
    });
    const objects = renderObjects(app);
    // THEN
    const hubPolicy = objects['clusters/hub/drift-guard/ClusterPolicy.drift-guard.yaml'];
    const prodPolicy = objects['clusters/prod-eu-1/drift-guard/ClusterPolicy.drift-guard.yaml'];
    expect(hubPolicy.metadata.labels).toEqual({ 'fleet.cdk8s.io/guardrail': 'drift-guard', 'fleet.cdk8s.io/guardrail-mode': 'enforce' });
    expect(prodPolicy.spec.background).toBe(false);
    expect(prodPolicy.spec.rules[0].validate.failureAction).toBe('Enforce');
    expect(prodPolicy.spec.rules[0].exclude.any).toEqual([
      { resources: { namespaces: ['argocd', 'scratch'] } },
      { resources: { kinds: ['coordination.k8s.io/*/Lease', 'Event', 'events.k8s.io/*/Event', 'ConfigMap'] } },
    ]);
    // The hub's Argo CD is its application controller; remote clusters know it by the declared identity.
    expect(hubPolicy.spec.webhookConfiguration.matchConditions[0].expression).toContain(`"${ARGOCD}"`);
    expect(prodPolicy.spec.webhookConfiguration.matchConditions[0].expression).not.toContain(ARGOCD);
    expect(prodPolicy.spec.webhookConfiguration.matchConditions[0].expression).toContain('"acme:argocd"');
    expect(prodPolicy.spec.webhookConfiguration.matchConditions[0].expression).toContain('"system:serviceaccount:argo-rollouts:argo-rollouts"');
    const application = objects['argocd/platform/applications/Application.drift-guard-prod-eu-1.yaml'];
    expect(application.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '10' });
    expect(application.spec.project).toBe('platform');
    expect(application.spec.source.path).toBe('clusters/prod-eu-1/drift-guard');
    expect(application.spec.syncPolicy.syncOptions).toEqual(['SkipDryRunOnMissingResource=true']);
  });

  test('ValidatingAdmissionPolicy in audit mode: policy before binding, Warn and Audit', () => {
    const { app, fleet, hub, platform } = guardedFleet();
    new DriftGuard(fleet, 'Guard', { engine: AdmissionEngine.VALIDATING_ADMISSION_POLICY, project: platform, clusters: [hub], mode: GuardrailMode.AUDIT, syncWave: 3 });
    const objects = renderObjects(app);
    const policy = objects['clusters/hub/drift-guard/ValidatingAdmissionPolicy.drift-guard.yaml'];
    const binding = objects['clusters/hub/drift-guard/ValidatingAdmissionPolicyBinding.drift-guard.yaml'];
    expect(policy.apiVersion).toBe('admissionregistration.k8s.io/v1beta1');
    expect(policy.spec.failurePolicy).toBe('Ignore');
    expect(policy.spec.matchConstraints.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['argocd'] }] });
    expect([policy.metadata.annotations['argocd.argoproj.io/sync-wave'], binding.metadata.annotations['argocd.argoproj.io/sync-wave']]).toEqual(['0', '1']);
    expect(binding.spec.validationActions).toEqual(['Warn', 'Audit']);
    expect(objects['argocd/platform/applications/Application.drift-guard-hub.yaml'].metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '3' });
  });

  test('v1 objects are written as v1 (listed in unvalidatedKinds) and still validated against the v1beta1 schema (same fields)', () => {
    const app = new FleetApp({
      outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-fleet-guard-')),
      fleetProofs: false,
      unvalidatedKinds: ['admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding'],
    });
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git' });
    const hub = fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    const platform = new AppProject(fleet, 'platform', { destinations: [ProjectDestination.anyCluster('*')], clusterResourceAllowList: [{ group: '*', kind: '*' }] });
    new DriftGuard(fleet, 'Guard', { engine: AdmissionEngine.VALIDATING_ADMISSION_POLICY, project: platform, clusters: [hub], validatingAdmissionPolicyVersion: ValidatingAdmissionPolicyVersion.V1 });
    expect(renderObjects(app)['clusters/hub/drift-guard/ValidatingAdmissionPolicyBinding.drift-guard.yaml'].apiVersion).toBe('admissionregistration.k8s.io/v1');
  });

  test('fails without the identity Argo CD has on remote clusters, naming them', () => {
    const { fleet, platform } = guardedFleet();
    expect(errorOf(() => new DriftGuard(fleet, 'Guard', { engine: AdmissionEngine.KYVERNO, project: platform, argocdIdentities: [AdmissionSubject.serviceAccount('Kube_System', 'x')] })))
      .toContain("'argocdIdentities' service account namespace ('Kube_System')");
    expect(errorOf(() => new DriftGuard(testFleetWithRemote(), 'Guard', { engine: AdmissionEngine.KYVERNO, project: platform })))
      .toContain("'argocdIdentities' is required: who Argo CD authenticates as on 'prod-eu-1'");
  });

  test('the project must allow the policy kinds (checked like any Application)', () => {
    const { app, fleet, hub } = guardedFleet();
    const bare = new AppProject(fleet, 'bare', { destinations: [ProjectDestination.anyCluster('*')] });
    new DriftGuard(fleet, 'Guard', { engine: AdmissionEngine.KYVERNO, project: bare, clusters: [hub] });
    expect(errorOf(() => app.renderFiles())).toContain("AppProject 'bare' does not allow cluster-scoped ClusterPolicy 'drift-guard' (group 'kyverno.io')");
  });

  test('label tracking from the fleet', () => {
    const { app, fleet } = testFleet({ trackingMethod: TrackingMethod.LABEL, instanceLabelKey: 'argocd.argoproj.io/instance' });
    const hub = fleet.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    const platform = new AppProject(fleet, 'platform', { destinations: [ProjectDestination.anyCluster('*')], clusterResourceAllowList: [{ group: '*', kind: '*' }] });
    new DriftGuard(fleet, 'Guard', { engine: AdmissionEngine.KYVERNO, project: platform, clusters: [hub] });
    const policy = renderObjects(app)['clusters/hub/drift-guard/ClusterPolicy.drift-guard.yaml'];
    expect(policy.spec.webhookConfiguration.matchConditions[1].expression).toContain('"argocd.argoproj.io/instance" in object.metadata.labels');
  });
});

function testFleetWithRemote() {
  const { fleet } = testFleet();
  addCluster(fleet, 'prod-eu-1');
  return fleet;
}

describe('Fleet tracking method', () => {
  test('defaults to the annotation (Argo CD 3.x) and checks the instance label key', () => {
    expect(testFleet().fleet.trackingMethod).toBe(TrackingMethod.ANNOTATION);
    expect(testFleet().fleet.instanceLabelKey).toBe('app.kubernetes.io/instance');
    expect(errorOf(() => testFleet({ instanceLabelKey: 'not a key' }))).toContain("'instanceLabelKey' ('not a key') is not a valid label key");
  });
});

/**
 * Argo CD's decision, ported for the property test: `ParseAppInstanceValue` (util/argo/resource_tracking.go) then
 * `isSelfReferencedObj` (controller/state.go), argo-cd@v3.5.1.
 */
function argocdManages(object: any, group: string, kind: string): boolean {
  // gitops-engine pkg/cache/cluster.go GetManagedLiveObjs: objects with owner references are never managed.
  if ((object.metadata.ownerReferences ?? []).length > 0) return false;
  const id = object.metadata.annotations?.['argocd.argoproj.io/tracking-id'];
  if (id === undefined) return false;
  const parts = id.split(':');
  if (parts.length < 3) return false;
  const rest = parts.slice(2).join(':');
  const groupParts = parts[1].split('/');
  const nsParts = rest.split('/');
  if (groupParts.length !== 2 || nsParts.length !== 2) return false;
  const ns = object.metadata.namespace ?? '';
  return (ns === nsParts[0] || ns === '') && object.metadata.name === nsParts[1] && group === groupParts[0] && kind === groupParts[1];
}

describe('drift guard tracking semantics (property)', () => {
  test('for well-formed tracking ids, the CEL test agrees with Argo CD\'s isSelfReferencedObj', () => {
    const name = fc.constantFrom('web', 'web-5d4f8', 'acme:viewer', 'a.b');
    const ns = fc.constantFrom('', 'web', 'default', 'other');
    const gk = fc.constantFrom(['apps', 'Deployment'], ['', 'ConfigMap'], ['', 'Namespace'], ['rbac.authorization.k8s.io', 'ClusterRole'], ['extensions', 'Ingress']);
    const owners = fc.constantFrom([], [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d4f8', uid: 'u', controller: true }]);
    fc.assert(fc.property(
      fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), gk, ns, name, gk, ns, name, owners,
      (app, [idGroup, idKind], idNs, idName, [group, kind], objNs, objName, ownerReferences) => {
        const metadata = {
          name: objName,
          ...(objNs ? { namespace: objNs } : {}),
          ...(ownerReferences.length ? { ownerReferences } : {}),
          annotations: { 'argocd.argoproj.io/tracking-id': `${app}:${idGroup}/${idKind}:${idNs}/${idName}` },
        };
        const object = { apiVersion: group ? `${group}/v1` : 'v1', kind, metadata };
        const a: Admission = { operation: 'UPDATE', username: 'alice@acme.io', group, kind, object, oldObject: object };
        const expected = argocdManages(object, group, kind);
        expect(kyvernoDenies(spec(), a)).toBe(expected);
        expect(vapDenies(spec(), a)).toBe(expected);
      },
    ), { numRuns: 80 });
  });
});
