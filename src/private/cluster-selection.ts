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
