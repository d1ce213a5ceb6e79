import { renderRequirements } from './selector';
import type { LabelSelectorRequirement } from '../argocd/generators';
import { compileSelector } from '../expansion/selector';
import type { ICluster } from '../fleet/cluster';

/** The clusters of `clusters` whose labels match a selector (as the cluster generator matches them). */
export function selectClusters(
  clusters: ICluster[], matchLabels?: Record<string, string>, matchExpressions?: LabelSelectorRequirement[],
): ICluster[] {
  const matches = compileSelector({ matchLabels, matchExpressions: renderRequirements(matchExpressions) }, true);
  return clusters.filter(c => matches(c.labels));
}

/**
 * What a construct that prepares its output once (Workload, HelmApplication) saw of the registry, and the error
 * to report when the registry changed before it was rendered again: its output would silently leave out the
 * clusters added since.
 */
export function registryKey(clusters: ICluster[]): string {
  return clusters.map(c => c.clusterName).join('\n');
}

/** The error for a prepared construct whose fleet registered or removed clusters since. */
export function registryChangedError(constructPath: string, kind: string): string {
  return `[${constructPath}] the fleet's clusters changed after this ${kind} was rendered; it prepares its output once, so render a new FleetApp (a new program run) instead of rendering this one again`;
}
