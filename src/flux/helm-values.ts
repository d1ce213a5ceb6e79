import { setOwn } from '../private/util';

/**
 * Helm's merge of values files, for folding an Argo CD Helm source's values into a HelmRelease's inline `values`.
 *
 * Argo CD v3.5.1 runs `helm template` with `--values` for each `valueFiles` entry in order, then one more `--values`
 * file holding `valuesObject` (or, when that is unset, the `values` string) (CD:reposerver/repository/repository.go
 * `helmTemplate`, CD:util/helm/cmd.go `template`; CD:pkg/apis/application/v1alpha1/values.go `ValuesYAML`). Helm
 * merges them with `mergeMaps` (helm/helm v3 pkg/cli/values/options.go): a map merges into a map key by key,
 * anything else replaces; `null` is kept, so that the chart's defaults are removed when Helm coalesces them. Flux's
 * helm-controller coalesces `spec.values` with the chart's defaults the same way, so the merged map is what Helm
 * would have been given.
 */

/** Helm's `mergeMaps(a, b)`: `b` over `a`. */
export function mergeHelmValues(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (isMap(v)) {
      const existing = out[k];
      if (isMap(existing)) {
        setOwn(out, k, mergeHelmValues(existing, v));
        continue;
      }
    }
    setOwn(out, k, v);
  }
  return out;
}

/** Whether a value is a YAML map (Go `map[string]interface{}`). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
