import { show } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';

/** Who sends an API request, as the admission request's `userInfo` names it. */
export class AdmissionSubject {
  /** A user name (`request.userInfo.username`), e.g. an SSO identity or a client certificate's CN. */
  public static user(name: string): AdmissionSubject {
    return new AdmissionSubject('User', name);
  }

  /** A group (`request.userInfo.groups`), e.g. an SSO group or an EKS access entry's Kubernetes group. */
  public static group(name: string): AdmissionSubject {
    return new AdmissionSubject('Group', name);
  }

  /** A service account: user `system:serviceaccount:<namespace>:<name>`. */
  public static serviceAccount(namespace: string, name: string): AdmissionSubject {
    return new AdmissionSubject('ServiceAccount', name, namespace);
  }

  private constructor(
    /** `User`, `Group` or `ServiceAccount` (the RBAC subject kinds). */ public readonly kind: string,
    public readonly name: string,
    /** The service account's namespace. */ public readonly namespace?: string,
  ) {}

  /** The user name requests from this subject carry, or undefined for a group. */
  public get username(): string | undefined {
    if (this.kind === 'Group') return undefined;
    return this.kind === 'ServiceAccount' ? `system:serviceaccount:${this.namespace}:${this.name}` : this.name;
  }

  /** @internal Problems with the subject's names. */
  public _errors(prop: string): string[] {
    const errors: string[] = [];
    if (typeof this.name !== 'string' || !this.name || /[\u0000-\u001f]/.test(this.name)) errors.push(`'${prop}' ${this.kind} name (${show(this.name)}) must be a non-empty name without control characters`);
    if (this.kind === 'ServiceAccount') {
      errors.push(...dns1123LabelErrors(this.namespace ?? '').map(e => `'${prop}' service account namespace (${show(this.namespace)}) ${e}`));
      errors.push(...dns1123SubdomainErrors(this.name).map(e => `'${prop}' service account name (${show(this.name)}) ${e}`));
    }
    return errors;
  }
}

/** Options for the exemptions of well-known controllers. */
export interface ControllerExemptionOptions {
  /**
   * The controller's namespace.
   * @default - the namespace of the controller's Helm chart defaults (see each factory)
   */
  readonly namespace?: string;
  /**
   * The controller's service accounts.
   * @default - those of the controller's Helm chart defaults (see each factory)
   */
  readonly serviceAccounts?: string[];
}

/**
 * What the drift guard lets through although Argo CD manages it: requests from a subject, objects in a
 * namespace, or objects of a kind. Besides the exemptions given, every guard exempts the fleet's Argo CD
 * namespace, Leases and Events, Kubernetes' own controllers (`kubernetesControllers()`), and, since it matches
 * main resources only, every subresource (`/status`, `/scale` — what an HPA writes —, `/eviction` …).
 */
export class DriftGuardExemption {
  /** Requests from `subject`. */
  public static subject(subject: AdmissionSubject): DriftGuardExemption {
    return new DriftGuardExemption(`requests from ${subject.kind} ${subject.username ?? subject.name}`, [subject], [], []);
  }

  /** Objects in `namespace`. */
  public static namespace(namespace: string): DriftGuardExemption {
    return new DriftGuardExemption(`objects in namespace ${namespace}`, [], [namespace], []);
  }

  /**
   * Objects of a kind: its API group (`''` for the core group), kind (for Kyverno) and plural resource name
   * (for ValidatingAdmissionPolicy), e.g. `('', 'ConfigMap', 'configmaps')`.
   */
  public static kind(group: string, kind: string, resource: string): DriftGuardExemption {
    return new DriftGuardExemption(`${group ? `${group}/` : ''}${kind} objects`, [], [], [{ group, kind, resource }]);
  }

  /**
   * Kubernetes' own controllers, which write objects Argo CD manages: the garbage collector and the namespace
   * controller delete them, the PersistentVolumeClaim binder and protection controllers update claims, the
   * ClusterRole aggregation controller rewrites aggregated ClusterRoles' rules, the Deployment controller copies
   * annotations to ReplicaSets. Exempts the user `system:kube-controller-manager` (controllers sharing its
   * credentials) and the group `system:serviceaccounts:kube-system` (the controllers' own service accounts with
   * `--use-service-account-credentials`, the cloud controller manager, and `argocd-manager` of `argocd cluster add`).
   * Always part of a drift guard.
   */
  public static kubernetesControllers(): DriftGuardExemption {
    return new DriftGuardExemption('Kubernetes controllers', [
      AdmissionSubject.user('system:kube-controller-manager'),
      AdmissionSubject.group('system:serviceaccounts:kube-system'),
    ], [], []);
  }

  /**
   * The Argo Rollouts controller, which updates the Rollouts it reconciles and the Services, Ingresses,
   * VirtualServices and DestinationRules it shifts traffic with.
   * Defaults: namespace `argo-rollouts`, service account `argo-rollouts`.
   */
  public static argoRollouts(options: ControllerExemptionOptions = {}): DriftGuardExemption {
    return DriftGuardExemption.controller('Argo Rollouts', options, 'argo-rollouts', ['argo-rollouts']);
  }

  /**
   * The External Secrets operator, which writes the Secrets it owns (and merges into existing ones with
   * `creationPolicy: Merge`). Defaults: namespace `external-secrets`, service account `external-secrets`.
   */
  public static externalSecrets(options: ControllerExemptionOptions = {}): DriftGuardExemption {
    return DriftGuardExemption.controller('External Secrets', options, 'external-secrets', ['external-secrets']);
  }

  /**
   * cert-manager, whose CA injector writes `caBundle` into webhook configurations, CRDs and APIServices Argo CD
   * manages, and whose controller writes certificate Secrets. Defaults: namespace `cert-manager`, service accounts
   * `cert-manager` and `cert-manager-cainjector`.
   */
  public static certManager(options: ControllerExemptionOptions = {}): DriftGuardExemption {
    return DriftGuardExemption.controller('cert-manager', options, 'cert-manager', ['cert-manager', 'cert-manager-cainjector']);
  }

  /**
   * The Sealed Secrets controller, which writes the Secrets it unseals. Defaults: namespace `kube-system`, service
   * account `sealed-secrets-controller`.
   */
  public static sealedSecrets(options: ControllerExemptionOptions = {}): DriftGuardExemption {
    return DriftGuardExemption.controller('Sealed Secrets', options, 'kube-system', ['sealed-secrets-controller']);
  }

  private static controller(name: string, options: ControllerExemptionOptions, namespace: string, serviceAccounts: string[]): DriftGuardExemption {
    const ns = options.namespace ?? namespace;
    const subjects = (options.serviceAccounts ?? serviceAccounts).map(sa => AdmissionSubject.serviceAccount(ns, sa));
    return new DriftGuardExemption(`${name} (${subjects.map(s => s.username).join(', ')})`, subjects, [], []);
  }

  private constructor(
    /** What it exempts, for the README and messages. */ public readonly description: string,
    /** @internal */ public readonly _subjects: AdmissionSubject[],
    /** @internal */ public readonly _namespaces: string[],
    /** @internal */ public readonly _kinds: { group: string; kind: string; resource: string }[],
  ) {}

  /** @internal Problems with the exemption's names. */
  public _errors(): string[] {
    const errors = this._subjects.flatMap(s => s._errors('exemptions'));
    for (const ns of this._namespaces) errors.push(...dns1123LabelErrors(ns).map(e => `'exemptions' namespace (${show(ns)}) ${e}`));
    for (const k of this._kinds) {
      if (k.group && dns1123SubdomainErrors(k.group).length) errors.push(`'exemptions' kind group (${show(k.group)}) is not a valid API group`);
      if (!/^[A-Z][A-Za-z0-9]*$/.test(k.kind ?? '')) errors.push(`'exemptions' kind (${show(k.kind)}) must be a Kubernetes kind such as 'ConfigMap'`);
      if (!/^[a-z][a-z0-9]*$/.test(k.resource ?? '')) errors.push(`'exemptions' resource (${show(k.resource)}) must be a plural resource name such as 'configmaps'`);
    }
    return errors;
  }
}
