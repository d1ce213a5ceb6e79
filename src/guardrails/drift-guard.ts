import { Construct } from 'constructs';
import { deployToCluster } from './cluster-addon';
import { AdmissionSubject, DriftGuardExemption } from './drift-guard-exemption';
import { DriftGuardSpec, kyvernoClusterPolicy, validatingAdmissionPolicy } from './drift-guard-policies';
import type { IAppProject } from '../argocd/app-project';
import type { Application } from '../argocd/application';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { show, throwIfInvalid } from '../private/errors';
import { schemaValidatorModule } from '../private/lazy';
import { dns1123SubdomainErrors } from '../private/names';

/** The admission engine a drift guard is written for. */
export enum AdmissionEngine {
  /** A Kyverno `ClusterPolicy` (kyverno.io/v1; Kyverno 1.13 or later, Kubernetes 1.27 or later). */
  KYVERNO = 'kyverno',
  /** A Kubernetes `ValidatingAdmissionPolicy` and its binding: no engine to install (see `ValidatingAdmissionPolicyVersion`). */
  VALIDATING_ADMISSION_POLICY = 'validating-admission-policy',
}

/** Whether a guardrail refuses or only reports. */
export enum GuardrailMode {
  /** Refuse the request. */
  ENFORCE = 'enforce',
  /** Let it through, with a warning to the client and a record (Kyverno policy reports; VAP audit annotations). */
  AUDIT = 'audit',
}

/**
 * The API version of ValidatingAdmissionPolicy a cluster serves: `v1alpha1` in Kubernetes 1.26–1.27 (feature gate
 * and runtime config), `v1beta1` from 1.28 (off by default: `--runtime-config=admissionregistration.k8s.io/v1beta1=true`
 * and the `ValidatingAdmissionPolicy` feature gate, which many managed offerings enable), `v1` from 1.30 (GA, on by
 * default).
 */
export enum ValidatingAdmissionPolicyVersion {
  /** `admissionregistration.k8s.io/v1beta1` (Kubernetes 1.28+, validated against the pinned 1.28 schema). */
  V1BETA1 = 'admissionregistration.k8s.io/v1beta1',
  /**
   * `admissionregistration.k8s.io/v1` (Kubernetes 1.30+). Its fields are those of v1beta1, against whose pinned
   * schema the guard validates it; list `admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy` and
   * `…/ValidatingAdmissionPolicyBinding` in FleetApp `unvalidatedKinds`.
   */
  V1 = 'admissionregistration.k8s.io/v1',
}

/** Props for `DriftGuard`. */
export interface DriftGuardProps {
  /** The admission engine of the selected clusters. */
  readonly engine: AdmissionEngine;
  /** The platform project its Applications belong to; it must allow the policy kinds as cluster resources. */
  readonly project: IAppProject;
  /**
   * The clusters to guard.
   * @default - every cluster of the fleet registered before the guard
   */
  readonly clusters?: ICluster[];
  /**
   * Refuse (enforce) or only report (audit, for a roll-out).
   * @default GuardrailMode.ENFORCE
   */
  readonly mode?: GuardrailMode;
  /**
   * Groups whose members may change managed objects by hand in an emergency (see the README's break-glass procedure).
   * @default - none
   */
  readonly breakGlassGroups?: string[];
  /**
   * Who Argo CD is on the selected remote clusters: the identity its cluster credentials authenticate as (the
   * `argocd-manager` service account of `argocd cluster add`, an IAM role's mapped user or group on EKS, a Google
   * service account on GKE …). On the cluster Argo CD runs in, it is always its application controller's
   * service account in the fleet's Argo CD namespace.
   * @default - required when a selected cluster is not the in-cluster one
   */
  readonly argocdIdentities?: AdmissionSubject[];
  /**
   * What else stays writable (controllers that write managed objects, namespaces, kinds).
   * @default - only the built-in exemptions (Argo CD's namespace, Leases, Events, Kubernetes controllers, subresources)
   */
  readonly exemptions?: DriftGuardExemption[];
  /**
   * The guard's name: its policy, its directory and its Applications (`<name>-<cluster>`).
   * @default 'drift-guard'
   */
  readonly guardName?: string;
  /**
   * The sync wave of its Applications in the root App-of-Apps: after the add-ons (wave 0) that install the policy engine.
   * @default 10
   */
  readonly syncWave?: number;
  /**
   * With `AdmissionEngine.VALIDATING_ADMISSION_POLICY`: the API version the selected clusters serve.
   * @default ValidatingAdmissionPolicyVersion.V1BETA1
   */
  readonly validatingAdmissionPolicyVersion?: ValidatingAdmissionPolicyVersion;
}

/**
 * A drift guard on a set of clusters: nothing Argo CD manages changes outside Git. An admission policy refuses
 * creating, updating and deleting objects Argo CD tracks (by its tracking annotation or label, per the fleet's
 * `trackingMethod`) unless the request comes from Argo CD, an exempt controller or a break-glass group. Written
 * as a Kyverno ClusterPolicy or as a ValidatingAdmissionPolicy with its binding, and deployed like any platform
 * add-on: one Application of the platform project per cluster.
 *
 * @example
 * new DriftGuard(fleet, 'DriftGuard', {
 *   engine: AdmissionEngine.KYVERNO,
 *   project: platform,
 *   breakGlassGroups: ['acme:sre-breakglass'],
 *   argocdIdentities: [AdmissionSubject.group('argocd-deployers')],
 * });
 */
export class DriftGuard extends Construct {
  /** The guard's Applications, one per cluster. */
  public readonly applications: Application[] = [];
  public readonly guardName: string;

  public constructor(scope: Construct, id: string, props: DriftGuardProps) {
    super(scope, id);
    const fleet = Fleet.of(this);
    this.guardName = props.guardName ?? 'drift-guard';
    const clusters = props.clusters ?? fleet.clusters;
    const errors = this.propErrors(props, clusters);
    throwIfInvalid(this, 'DriftGuard', errors);

    const enforce = (props.mode ?? GuardrailMode.ENFORCE) === GuardrailMode.ENFORCE;
    const exemptions = [DriftGuardExemption.kubernetesControllers(), ...props.exemptions ?? []];
    const version = props.validatingAdmissionPolicyVersion ?? ValidatingAdmissionPolicyVersion.V1BETA1;
    for (const cluster of clusters) {
      const inCluster = cluster.server.replace(/\/+$/, '') === 'https://kubernetes.default.svc';
      const argocd = inCluster
        ? [AdmissionSubject.serviceAccount(fleet.argocdNamespace, 'argocd-application-controller')]
        : props.argocdIdentities ?? [];
      const subjects = [...argocd, ...exemptions.flatMap(e => e._subjects)];
      const spec: DriftGuardSpec = {
        name: this.guardName,
        enforce,
        trackingMethod: fleet.trackingMethod,
        instanceLabelKey: fleet.instanceLabelKey,
        users: unique(subjects.map(s => s.username).filter((u): u is string => u !== undefined)),
        groups: unique([...props.breakGlassGroups ?? [], ...subjects.filter(s => s.kind === 'Group').map(s => s.name)]),
        namespaces: unique([fleet.argocdNamespace, ...exemptions.flatMap(e => e._namespaces)]),
        kinds: exemptions.flatMap(e => e._kinds),
        labels: {},
        breakGlassGroups: [...props.breakGlassGroups ?? []],
      };
      const objects = props.engine === AdmissionEngine.KYVERNO
        ? [{ id: 'ClusterPolicy', object: kyvernoClusterPolicy(spec) }]
        : validatingAdmissionPolicy(spec, version).map((object, i) => ({ id: object.kind, object, wave: i }));
      if (version === ValidatingAdmissionPolicyVersion.V1 && props.engine === AdmissionEngine.VALIDATING_ADMISSION_POLICY) {
        this.node.addValidation({ validate: () => v1Errors(objects.map(o => o.object)) });
      }
      this.applications.push(deployToCluster(this, cluster, {
        name: this.guardName,
        guardrail: 'drift-guard',
        enforce,
        project: props.project,
        syncWave: props.syncWave ?? 10,
        objects,
      }));
    }
  }

  private propErrors(props: DriftGuardProps, clusters: ICluster[]): string[] {
    const errors: string[] = [];
    if (!Object.values(AdmissionEngine).includes(props.engine)) errors.push(`'engine' (${show(props.engine)}) must be an AdmissionEngine`);
    if (!props.project) errors.push("'project' is required (the platform AppProject; it must allow the policy kinds)");
    errors.push(...dns1123SubdomainErrors(this.guardName).map(e => `'guardName' (${show(this.guardName)}) ${e}`));
    if (clusters.length === 0) errors.push("'clusters' selects no cluster (register clusters before creating the guard, or pass them)");
    const remote = clusters.filter(c => c.server.replace(/\/+$/, '') !== 'https://kubernetes.default.svc');
    if (remote.length && !props.argocdIdentities?.length) {
      errors.push(`'argocdIdentities' is required: who Argo CD authenticates as on ${remote.map(c => `'${c.clusterName}'`).join(', ')} (its cluster credentials' identity, e.g. AdmissionSubject.serviceAccount('kube-system', 'argocd-manager') for 'argocd cluster add')`);
    }
    for (const s of props.argocdIdentities ?? []) errors.push(...s._errors('argocdIdentities'));
    for (const g of props.breakGlassGroups ?? []) if (!g || /[\u0000-\u001f]/.test(g)) errors.push(`'breakGlassGroups' entry ${show(g)} must be a group name`);
    for (const e of props.exemptions ?? []) errors.push(...e._errors());
    if (props.syncWave !== undefined && !Number.isInteger(props.syncWave)) errors.push(`'syncWave' (${show(props.syncWave)}) must be an integer`);
    return errors;
  }
}

/** v1 objects are validated against the pinned v1beta1 schema, whose fields v1 kept. */
function v1Errors(objects: any[]): string[] {
  const errors: string[] = [];
  for (const o of objects) {
    const problems = schemaValidatorModule().SchemaValidator.get().validate({ ...o, apiVersion: ValidatingAdmissionPolicyVersion.V1BETA1 }) ?? [];
    errors.push(...problems.map(p => `${o.kind} '${o.metadata.name}': schema: ${p}`));
  }
  return errors;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
