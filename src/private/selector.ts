import type { LabelSelectorRequirement } from '../argocd/generators';

/** `matchExpressions` in Argo CD's format (no empty `values`), or undefined when there are none. */
export function renderRequirements(requirements: LabelSelectorRequirement[] | undefined): any[] | undefined {
  if (!requirements?.length) return undefined;
  return requirements.map(r => ({ key: r.key, operator: r.operator, values: r.values?.length ? [...r.values] : undefined }));
}
