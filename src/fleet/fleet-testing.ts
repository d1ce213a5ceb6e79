import { FleetApp } from './fleet-app';
import { fleetPlanModule } from '../private/lazy';

/** One ApplicationSet's offline expansion, for assertions in users' tests. */
export interface ExpandedApplicationSet {
  /** The ApplicationSet's name. */
  readonly applicationSetName: string;
  /** The Applications Argo CD would create, as plain objects, sorted by name. */
  readonly applications: any[];
  /** Names of generated Applications Argo CD would reject, with the reason. */
  readonly rejected: string[];
  /** Argo CD's error when it would fail the whole generation. */
  readonly error?: string;
  /** Why the ApplicationSet cannot be expanded offline (SCM, pull request, plugin generators). */
  readonly unsupported?: string;
}

/**
 * Helpers for users' jest tests of a fleet program: what the ApplicationSets expand to and the plan, computed
 * in memory from the synthesized objects (nothing is written). Fleet proofs still run; a failing proof throws.
 *
 * @example
 * const app = buildMyFleet();
 * expect(FleetTesting.applications(app).map(a => a.metadata.name)).toContain('web-prod-eu-1');
 * expect(FleetTesting.plan(app)).toMatchSnapshot();
 */
export class FleetTesting {
  /** Every ApplicationSet of the app, expanded offline as Argo CD v3.5.1 would. */
  public static expand(app: FleetApp): ExpandedApplicationSet[] {
    const { plan } = app._render();
    return plan.applicationSets.map(s => ({
      applicationSetName: s.name,
      applications: s.expansion.applications,
      rejected: s.expansion.rejected.map(r => `${r.name}: ${r.reason}`),
      error: s.expansion.error,
      unsupported: s.expansion.unsupported,
    }));
  }

  /**
   * Every Application the fleet runs: the Applications written to the tree plus those its ApplicationSets
   * generate, optionally only those deployed to `clusterName`.
   */
  public static applications(app: FleetApp, clusterName?: string): any[] {
    const { plan } = app._render();
    const clusters = clusterName === undefined ? plan.clusters : plan.clusters.filter(c => c.name === clusterName);
    return clusters.flatMap(c => c.applications.map(a => a.object));
  }

  /** The text plan (per cluster: Applications, sources, versions, images), stable for snapshots. */
  public static plan(app: FleetApp): string {
    return fleetPlanModule().planText(app._render().plan);
  }

  /** The plan as JSON data. */
  public static planJson(app: FleetApp): any {
    return fleetPlanModule().planJson(app._render().plan);
  }

  private constructor() {}
}
