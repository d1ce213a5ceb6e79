import { show } from '../private/errors';
import { HelmApplication } from '../workloads/helm-application';
import { Workload } from '../workloads/workload';
import type { WorkloadSettings } from '../workloads/workload-settings';

/** Options of a Workload in a DR pair. */
export interface WorkloadDrOptions {
  /**
   * Settings of the standby only, merged after the primary's (deliberate differences such as a region's
   * endpoint). Anything else comes from the primary the standby mirrors: environment, overrides, version.
   * @default - none
   */
  readonly standbySettings?: WorkloadSettings;
}

/** Options of a HelmApplication in a DR pair. */
export interface HelmDrOptions {
  /**
   * Helm values merged over the chart's values on the standby while it is passive: its warm footprint
   * (e.g. `{ replicaCount: 1, autoscaling: { enabled: true, minReplicas: 1, maxReplicas: 6 } }`).
   * @default - none
   */
  readonly passiveValues?: Record<string, any>;
  /**
   * Helm values merged over the chart's values on the standby while it is active (e.g. its full replicas).
   * @default - none
   */
  readonly activeValues?: Record<string, any>;
}

/**
 * What a DR pair runs on both sides: a `Workload` (the standby is rendered by the workload like the primary it
 * mirrors, with a warm footprint the pair computes) or a `HelmApplication` (the standby runs the chart at the
 * primary's version, with values for its footprint).
 */
export class DrSource {
  /** A Workload: its ApplicationSet keeps deploying the primaries; the pair deploys the standbys. */
  public static workload(workload: Workload, options: WorkloadDrOptions = {}): DrSource {
    if (!Workload.isWorkload(workload)) throw new Error(`DrSource.workload: 'workload' (${show(workload)}) must be a Workload`);
    return new DrSource('Workload', workload.applicationName, workload, undefined, options, {});
  }

  /**
   * A HelmApplication: its ApplicationSets keep deploying the primaries; the pair deploys the standbys. A chart's
   * objects are unknown offline, so the footprint is the values you give, and a failover does not scale the
   * old primary down (its values are the HelmApplication's).
   */
  public static helmApplication(application: HelmApplication, options: HelmDrOptions = {}): DrSource {
    if (!HelmApplication.isHelmApplication(application)) throw new Error(`DrSource.helmApplication: 'application' (${show(application)}) must be a HelmApplication`);
    return new DrSource('HelmApplication', application.applicationName, undefined, application, {}, options);
  }

  private constructor(
    /** `Workload` or `HelmApplication`. */ public readonly kind: string,
    /** The application's name. */ public readonly applicationName: string,
    /** @internal */ public readonly _workload: Workload | undefined,
    /** @internal */ public readonly _helm: HelmApplication | undefined,
    /** @internal */ public readonly _workloadOptions: WorkloadDrOptions,
    /** @internal */ public readonly _helmOptions: HelmDrOptions,
  ) {}
}
