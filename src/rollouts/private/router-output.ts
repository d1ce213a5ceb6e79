import type { IgnoreDifference } from '../../argocd/application';

/** What a traffic router needs to render for one Rollout. */
export interface RouterContext {
  readonly rolloutName: string;
  readonly namespace?: string;
  /** The pods' labels (the Rollout's selector). */
  readonly podLabels: Record<string, string>;
  /** The stable Service (the only one with DestinationRule subsets). */
  readonly stableService: string;
  /** The canary Service (host-level splitting). */
  readonly canaryService?: string;
  /** The Services' port the routes send traffic to. */
  readonly servicePort: number;
  /** The managed routes of the steps (header and mirror routes), in order. */
  readonly managedRoutes: string[];
}

/** The routing of a Rollout and what comes with it. */
export interface RouterOutput {
  /** `spec.strategy.canary.trafficRouting`, without `managedRoutes`. */
  readonly trafficRouting: any;
  /** Objects to write with the Rollout (Ingress, VirtualService, DestinationRule). */
  readonly objects: any[];
  /** Argo CD `ignoreDifferences` the Application needs so that sync does not fight the controller. */
  readonly ignoreDifferences: IgnoreDifference[];
  /** Sync options that go with them. */
  readonly syncOptions: string[];
}
