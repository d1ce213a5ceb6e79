import { expansionSelectorModule } from './lazy';
import { renderRequirements } from './selector';
import type { LabelSelectorRequirement } from '../argocd/generators';
import type { ICluster } from '../fleet/cluster';

/** The clusters of `clusters` whose labels match a selector (as the cluster generator matches them). */
export function selectClusters(
  clusters: ICluster[], matchLabels?: Record<string, string>, matchExpressions?: LabelSelectorRequirement[],
): ICluster[] {
  const matches = expansionSelectorModule().compileSelector({ matchLabels, matchExpressions: renderRequirements(matchExpressions) }, true);
  return clusters.filter(c => matches(c.labels));
}

/**
 * The registry a construct that prepares its output once (Workload, HelmApplication) was prepared for: if
 * clusters are registered or removed before it is rendered again, its output would silently leave them out, so
 * that is reported instead (`registryChangedError`).
 */
export class RegistrySnapshot {
  private key?: string;

  /** Records the registry's cluster names; true when a registry recorded before had other ones. */
  public changed(clusters: ICluster[]): boolean {
    const key = clusters.map(c => c.clusterName).join('\n');
    const changed = this.key !== undefined && this.key !== key;
    this.key = key;
    return changed;
  }
}

/** The error for a prepared construct whose fleet registered or removed clusters since. */
export function registryChangedError(constructPath: string, kind: string): string {
  return `[${constructPath}] the fleet's clusters changed after this ${kind} was rendered; it prepares its output once, so render a new FleetApp (a new program run) instead of rendering this one again`;
}
