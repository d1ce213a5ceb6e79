/**
 * Where a Flux fleet's objects go in the tree, the labels and annotations that tie them to the fleet model, and
 * the names the library gives the objects it adds.
 *
 * ```
 * bootstrap/GitRepository.<fleet>.yaml              the fleet's repository       } kubectl apply -f both, once
 * bootstrap/Kustomization.<fleet>-root.yaml          applies flux/<fleet>/hub/    }
 * flux/<fleet>/hub/clusters/                         the cluster registry (ConfigMap cluster-<c>) and each remote
 *                                                    cluster's kubeconfig (ExternalSecret or ConfigMap <c>-kubeconfig)
 * flux/<fleet>/hub/sources/                          HelmRepositories, GitRepositories of other repositories
 * flux/<fleet>/hub/kustomizations/                   one Kustomization per cluster and application
 * flux/<fleet>/releases/<application>/               the HelmRelease a Helm application's Kustomization applies
 * flux/<fleet>/namespaces/<cluster>/                 namespaces Argo CD would create (CreateNamespace=true)
 * flux/<fleet>/sops/<application>/kustomization.yaml the SOPS files of a SopsSecret, without the ksops generator
 * ```
 *
 * The root Kustomization applies `flux/<fleet>/hub/` only: the other directories are applied by their own
 * Kustomizations (a HelmRelease lives on the hub, but only its application's Kustomization may apply it, so
 * that `dependsOn` orders Helm applications like the others: a Kustomization can only depend on Kustomizations).
 */
import { sha256 } from '../private/util';

/** The label naming the cluster a Flux object deploys to (and of the registry entry of a cluster). */
export const CLUSTER_LABEL = 'fleet.cdk8s.io/cluster';
/** The label naming the fleet a Flux object belongs to. */
export const FLEET_LABEL = 'fleet.cdk8s.io/fleet';
/** What a Flux object is for the fleet model: `placement`, `root`, `namespaces` or `registry`. */
export const ROLE_LABEL = 'fleet.cdk8s.io/flux-role';
/** Where a placement comes from: `Application` or `ApplicationSet/<name>`. */
export const ORIGIN_ANNOTATION = 'fleet.cdk8s.io/origin';
/** The Argo CD destination namespace of a placement (Flux's `targetNamespace` overrides, Argo CD's only defaults). */
export const DESTINATION_NAMESPACE_ANNOTATION = 'fleet.cdk8s.io/destination-namespace';
/** The tree directory a placement deploys when its Kustomization applies it through a wrapper (SOPS files). */
export const SOURCE_PATH_ANNOTATION = 'fleet.cdk8s.io/source-path';
/** The values files of the fleet's tree folded into a HelmRelease's `values`, as JSON (Argo CD's `valueFiles`). */
export const VALUES_FILES_ANNOTATION = 'fleet.cdk8s.io/helm-value-files';
/** The AppProject whose rules the placement was checked against at synth (Flux enforces none). */
export const PROJECT_ANNOTATION = 'fleet.cdk8s.io/project';
/** The Argo CD `info` entries of an Application, as JSON (Flux has no place for them). */
export const INFO_ANNOTATION = 'fleet.cdk8s.io/info';

/** Every label the library sets on Flux objects (a program's own labels may not use them). */
export const RESERVED_LABELS = [CLUSTER_LABEL, FLEET_LABEL, ROLE_LABEL];

/** The directories of one Flux fleet. */
export class FluxLayout {
  public constructor(public readonly fleetName: string) {}

  /** What the root Kustomization applies on the hub. */
  public get hubDirectory(): string {
    return `flux/${this.fleetName}/hub`;
  }

  public get clustersDirectory(): string {
    return `${this.hubDirectory}/clusters`;
  }

  public get sourcesDirectory(): string {
    return `${this.hubDirectory}/sources`;
  }

  public get kustomizationsDirectory(): string {
    return `${this.hubDirectory}/kustomizations`;
  }

  public releaseDirectory(application: string): string {
    return `flux/${this.fleetName}/releases/${application}`;
  }

  public namespacesDirectory(cluster: string): string {
    return `flux/${this.fleetName}/namespaces/${cluster}`;
  }

  public sopsDirectory(application: string): string {
    return `flux/${this.fleetName}/sops/${application}`;
  }
}

/** The name of a cluster's registry ConfigMap. */
export function registryName(cluster: string): string {
  return `cluster-${cluster}`;
}

/** The name of a remote cluster's kubeconfig Secret (or ConfigMap): Cluster API's `<cluster>-kubeconfig`. */
export function kubeconfigName(cluster: string): string {
  return `${cluster}-kubeconfig`;
}

/** The name of the Kustomization that creates a cluster's namespaces. */
export function namespacesKustomizationName(fleet: string, cluster: string): string {
  return boundedName(`${fleet}-namespaces-${cluster}`, 63);
}

/**
 * A DNS-1123 subdomain for an object named after a URL (and a revision): readable (host and path), unique
 * (the first 8 hex digits of the sha256 of everything it stands for), at most 63 characters.
 */
export function sourceName(url: string, revision?: string): string {
  const digest = sha256(revision === undefined ? url : `${url}@${revision}`).slice(0, 8);
  const readable = url.toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^@/]*@/, '')
    .replace(/\.git$/, '')
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/[-.]{2,}/g, '-')
    .slice(0, 63 - 9)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${readable || 'source'}-${digest}`;
}

/** `name` when it fits in `max` characters, else cut and suffixed with 8 hex digits of its sha256. */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const digest = sha256(name).slice(0, 8);
  return `${name.slice(0, max - 9).replace(/[^a-z0-9]+$/, '')}-${digest}`;
}
