import type { DeliveryStrategy } from './delivery-strategy';

/** CPU and memory of containers, as Kubernetes quantities (`250m`, `512Mi`). */
export interface ContainerResourceSettings {
  /** @default - unchanged */
  readonly cpuRequest?: string;
  /** @default - unchanged */
  readonly cpuLimit?: string;
  /** @default - unchanged */
  readonly memoryRequest?: string;
  /** @default - unchanged */
  readonly memoryLimit?: string;
}

/** A ResourceQuota for the workload's namespace on each cluster. */
export interface NamespaceQuota {
  /** Total CPU requests (`requests.cpu`). @default - no limit */
  readonly requestsCpu?: string;
  /** Total memory requests (`requests.memory`). @default - no limit */
  readonly requestsMemory?: string;
  /** Total CPU limits (`limits.cpu`). @default - no limit */
  readonly limitsCpu?: string;
  /** Total memory limits (`limits.memory`). @default - no limit */
  readonly limitsMemory?: string;
  /** Number of pods. @default - no limit */
  readonly pods?: number;
  /** Number of Services. @default - no limit */
  readonly services?: number;
  /** Number of PersistentVolumeClaims. @default - no limit */
  readonly persistentVolumeClaims?: number;
}

/** A LimitRange for containers in the workload's namespace on each cluster. */
export interface ContainerLimitRange {
  /** Default CPU request of a container that sets none. @default - none */
  readonly defaultCpuRequest?: string;
  /** Default memory request. @default - none */
  readonly defaultMemoryRequest?: string;
  /** Default CPU limit of a container that sets none. @default - none */
  readonly defaultCpuLimit?: string;
  /** Default memory limit. @default - none */
  readonly defaultMemoryLimit?: string;
  /** Largest CPU limit a container may have. @default - none */
  readonly maxCpu?: string;
  /** Largest memory limit a container may have. @default - none */
  readonly maxMemory?: string;
}

/** Where a patch runs: which cluster, environment and application. */
export interface PatchContext {
  /** The cluster's name, or undefined when the patch shapes a variant shared by several clusters. */
  readonly clusterName?: string;
  /** The environment of the clusters. */
  readonly environment?: string;
  /** The workload's application name. */
  readonly applicationName: string;
}

/**
 * A typed hook for what the settings do not cover: it may change any rendered object (plain JSON, as it will
 * be written). It runs once per variant, so it must depend only on the settings that select it.
 */
export interface IObjectPatch {
  /** Changes `object` in place. */
  patch(object: any, context: PatchContext): void;
}

/** The bounds of the HorizontalPodAutoscaler a workload defines. */
export interface AutoscalingSettings {
  /** @default - as defined */
  readonly minReplicas?: number;
  /** @default - as defined */
  readonly maxReplicas?: number;
}

/** What a workload's overrides can change; unset fields keep what the definition renders. */
export interface WorkloadSettings {
  /** Replicas of Deployments, StatefulSets and ReplicaSets. @default - unchanged */
  readonly replicas?: number;
  /** Resources of every container (or of `container`). @default - unchanged */
  readonly resources?: ContainerResourceSettings;
  /**
   * The container these settings' `resources` and `env` apply to.
   * @default - every container
   */
  readonly container?: string;
  /** Environment variables set (added or replaced) in every container (or `container`). @default - none */
  readonly env?: Record<string, string>;
  /** Keys set in every ConfigMap of the workload. @default - none */
  readonly configData?: Record<string, string>;
  /**
   * The image tag (or `sha256:…` digest, or `tag@sha256:…`) of the workload's image, normally from the versions
   * file. A tag set here passes the same promotion guard as the versions file: on a cluster it must be its
   * environment's pinned version, what the nearest upstream environment pins, or an older semantic version;
   * anything else needs a reviewed `VersionsFile.allowPin({ …, cluster })`, which is recorded on the objects.
   * @default - the versions file's version for the cluster's environment
   */
  readonly imageTag?: string;
  /** A ResourceQuota for the namespace. @default - none */
  readonly quota?: NamespaceQuota;
  /** A LimitRange for the namespace. @default - none */
  readonly limitRange?: ContainerLimitRange;
  /** Arbitrary changes, applied last. @default - none */
  readonly patches?: IObjectPatch[];
  /**
   * How the workload's Deployment is delivered: as defined, or as an Argo Rollouts Rollout (canary or
   * blue-green). Later overrides replace it whole.
   * @default - as defined (a Deployment)
   */
  readonly delivery?: DeliveryStrategy;
  /**
   * The bounds of the HorizontalPodAutoscaler the workload defines. With an autoscaler, `replicas` is an error:
   * the autoscaler owns the replica count (the tree carries none, and Argo CD ignores it).
   * @default - as defined
   */
  readonly autoscaling?: AutoscalingSettings;
}
