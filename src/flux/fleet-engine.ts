import { Duration } from 'cdk8s';
import { parseCloudResourceName, ResolvedFluxOptions } from './flux-options';
import { goDuration } from '../private/duration';
import { show } from '../private/errors';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../private/names';

/**
 * Options of the Flux engine (`FleetEngine.flux()`): Flux kustomize-controller v1.9.4, source-controller v1.9.1
 * and helm-controller v1.6.3 on the management cluster (the hub).
 */
export interface FluxOptions {
  /**
   * The namespace Flux runs in on the hub: every GitRepository, HelmRepository, Kustomization and HelmRelease the
   * fleet writes, and the kubeconfig Secrets of the remote clusters, live there.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often each Kustomization and HelmRelease reconciles, correcting drift (`spec.interval`; Flux advises at
   * least a minute).
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * How often the fleet's GitRepository (and the other Git and Helm repositories) look for new revisions.
   * @default Duration.minutes(1)
   */
  readonly sourceInterval?: Duration;
  /**
   * How long applying, health checking and Helm actions may take (`spec.timeout`); at least 30 seconds
   * (kustomize-controller waits no less).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Wait for every applied object to become ready (`spec.wait`), as Argo CD waits for health before the next
   * sync wave. Without it, a Kustomization is ready once applied.
   * @default true
   */
  readonly wait?: boolean;
  /**
   * A Secret in `namespace` with the credentials of the fleet's Git repository (`spec.secretRef` of its
   * GitRepository: `username`/`password`, `bearerToken`, or `identity` and `known_hosts` for SSH). It is created
   * out of band (like Argo CD's repository credentials), never written to the tree.
   * @default - none: a public repository
   */
  readonly gitSecretName?: string;
  /**
   * The cloud resource name of clusters reached through workload identity (the `cluster` key of Flux's
   * kubeconfig ConfigMap), by cluster name: `arn:aws:eks:<region>:<account>:cluster/<name>` (required for
   * `ClusterCredentials.awsIam()`), `projects/<project>/locations/<location>/clusters/<name>` for GKE,
   * `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>` for
   * AKS (required for those two unless the cluster names its `caCertificate`).
   * @default - none
   */
  readonly clusterResourceNames?: Record<string, string>;
}

/**
 * Which GitOps engine reads the tree a Fleet writes. Everything the program declares (clusters, projects,
 * Workloads, Helm applications, versions, secrets) stays the same; the engine decides what is written for the
 * management cluster.
 *
 * @example
 * new Fleet(app, 'platform', {
 *   repoUrl: 'https://github.com/acme/fleet-gitops.git',
 *   targetRevision: 'main',
 *   engine: FleetEngine.flux({ interval: Duration.minutes(5) }),
 * });
 */
export class FleetEngine {
  /**
   * Argo CD v3.5 (the default): AppProjects, cluster Secrets, ApplicationSets, Applications and the root
   * App-of-Apps.
   */
  public static argoCd(): FleetEngine {
    return new FleetEngine('argocd', undefined);
  }

  /**
   * Flux: a GitRepository for the fleet's repository, and one Kustomization per cluster and application (a
   * HelmRelease behind it for Helm charts), placed offline by the same selectors Argo CD's ApplicationSets
   * would evaluate. See the README, "Flux".
   */
  public static flux(options: FluxOptions = {}): FleetEngine {
    const errors: string[] = [];
    const namespace = options.namespace ?? 'flux-system';
    errors.push(...dns1123LabelErrors(namespace).map(e => `'namespace' (${show(namespace)}) is not a valid namespace name: ${e}`));
    for (const prop of ['interval', 'sourceInterval', 'timeout'] as const) {
      const d = options[prop];
      if (d !== undefined && !(d.toMilliseconds() > 0)) errors.push(`'${prop}' (${show(d.toMilliseconds())} ms) must be positive`);
    }
    // kustomize-controller v1.9.4 api/v1 `Kustomization.GetTimeout`: a timeout under 30 s is raised to 30 s.
    if (options.timeout !== undefined && options.timeout.toMilliseconds() > 0 && options.timeout.toMilliseconds() < 30_000) {
      errors.push(`'timeout' (${goDuration(options.timeout)}) is below 30s, which kustomize-controller waits at least (it raises a Kustomization's timeout to 30s): give 30 seconds or more`);
    }
    if (options.gitSecretName !== undefined) {
      errors.push(...dns1123SubdomainErrors(options.gitSecretName).map(e => `'gitSecretName' (${show(options.gitSecretName)}) ${e}`));
    }
    for (const [cluster, name] of Object.entries(options.clusterResourceNames ?? {})) {
      if (typeof name !== 'string' || !parseCloudResourceName(name)) {
        errors.push(`'clusterResourceNames' entry '${cluster}' (${show(name)}) must be an EKS cluster ARN (arn:<partition>:eks:<region>:<account>:cluster/<name>), `
          + 'a GKE resource name (projects/<project>/locations/<location>/clusters/<name>) or an AKS resource ID (/subscriptions/…/managedClusters/<name>)');
      }
    }
    if (errors.length) throw new Error(`FleetEngine.flux: invalid options:\n  ${errors.join('\n  ')}`);
    return new FleetEngine('flux', {
      namespace,
      interval: goDuration(options.interval ?? Duration.minutes(10)),
      sourceInterval: goDuration(options.sourceInterval ?? Duration.minutes(1)),
      timeout: goDuration(options.timeout ?? Duration.minutes(5)),
      wait: options.wait ?? true,
      gitSecretName: options.gitSecretName,
      clusterResourceNames: { ...options.clusterResourceNames ?? {} },
    });
  }

  private constructor(
    /** `argocd` or `flux`. */
    public readonly name: string,
    private readonly flux: ResolvedFluxOptions | undefined,
  ) {}

  /** Whether this is the Flux engine. */
  public get isFlux(): boolean {
    return this.flux !== undefined;
  }

  /** @internal The Flux options with their defaults (undefined for Argo CD). */
  public _fluxOptions(): ResolvedFluxOptions | undefined {
    return this.flux;
  }
}
