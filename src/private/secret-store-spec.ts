import { Duration } from 'cdk8s';
import { goDuration } from './duration';
import { show } from './errors';
import { compileGoRegExp } from './go-regexp';
import { externalSecretsL1 } from './lazy';
import { annotationMapErrors, dns1123LabelErrors, labelMapErrors } from './names';
import { renderRequirements } from './selector';
import { sortedMap } from './util';
import type { LabelSelectorRequirement } from '../argocd/generators';
import type { SecretStoreSpec } from '../imports/externalsecrets-external-secrets.io';
import type { SecretStoreKind } from '../secrets/secret-store';
import type { SecretStoreProvider } from '../secrets/secret-store-provider';

/** What both store kinds take (see `SecretStoreOptions`). */
interface StoreInput {
  readonly provider: SecretStoreProvider;
  readonly refreshInterval?: Duration;
  readonly controller?: string;
  readonly retryMaxAttempts?: number;
  readonly retryInterval?: Duration;
}

/** One `conditions[]` entry, as `ClusterSecretStoreCondition` gives it. */
export interface StoreConditionInput {
  readonly namespaces?: string[];
  readonly namespaceRegexes?: string[];
  readonly namespaceMatchLabels?: Record<string, string>;
  readonly namespaceMatchExpressions?: LabelSelectorRequirement[];
}

/**
 * The spec of a SecretStore or ClusterSecretStore and the problems External Secrets' webhook (and the provider's
 * `ValidateStore`) would report. `namespace` is the SecretStore's own namespace when known.
 */
export function renderStoreSpec(
  kind: SecretStoreKind, input: StoreInput, namespace: string | undefined, conditions: readonly StoreConditionInput[] = [],
): { spec: SecretStoreSpec; errors: string[] } {
  const errors: string[] = [];
  if (!input.provider) {
    errors.push("'provider' is required (SecretStoreProvider.vault(), .awsSecretsManager(), .gcpSecretManager(), .azureKeyVault() …)");
  }
  const rendered = input.provider?._render(kind, namespace);
  errors.push(...rendered?.errors ?? []);
  if (input.retryMaxAttempts !== undefined && (!Number.isInteger(input.retryMaxAttempts) || input.retryMaxAttempts < 0)) {
    errors.push(`'retryMaxAttempts' (${show(input.retryMaxAttempts)}) must be a non-negative integer`);
  }
  // ESO secretstore_validator.go validateConditions: every namespace regex compiles (Go regexp).
  conditions.forEach((c, ci) => {
    (c.namespaceRegexes ?? []).forEach((r, ri) => {
      const re = compileGoRegExp(r);
      if (re.error) errors.push(`'conditions[${ci}].namespaceRegexes[${ri}]' (${show(r)}): failed to compile ${ri}th namespace regex in ${ci}th condition: ${re.error}`);
    });
    for (const ns of c.namespaces ?? []) errors.push(...dns1123LabelErrors(ns).map(e => `'conditions[${ci}].namespaces' entry ${show(ns)} ${e}`));
    errors.push(...labelMapErrors(`conditions[${ci}].namespaceMatchLabels`, c.namespaceMatchLabels));
    if (!c.namespaces?.length && !c.namespaceRegexes?.length && !hasSelector(c)) {
      errors.push(`'conditions[${ci}]' admits no namespace: give 'namespaces', 'namespaceRegexes' or a namespace selector (a store without conditions admits every namespace)`);
    }
  });
  const spec: SecretStoreSpec = {
    provider: rendered?.provider as any,
    controller: input.controller,
    refreshInterval: input.refreshInterval !== undefined ? refreshInterval(input.refreshInterval) : undefined,
    retrySettings: input.retryMaxAttempts !== undefined || input.retryInterval !== undefined
      ? { maxRetries: input.retryMaxAttempts, retryInterval: input.retryInterval ? goDuration(input.retryInterval) : undefined }
      : undefined,
    conditions: conditions.length ? conditions.map(c => ({
      namespaces: c.namespaces?.length ? [...c.namespaces] : undefined,
      namespaceRegexes: c.namespaceRegexes?.length ? [...c.namespaceRegexes] : undefined,
      namespaceSelector: hasSelector(c)
        ? { matchLabels: sortedMap(c.namespaceMatchLabels), matchExpressions: renderRequirements(c.namespaceMatchExpressions) as any }
        : undefined,
    })) : undefined,
  };
  return { spec, errors };
}

/**
 * A store's `refreshInterval` (int-or-string): whole seconds as the integer every External Secrets version reads;
 * anything finer as a Go duration string, which v2.9.0 parses (`SecretStoreSpec.GetRefreshInterval`).
 */
function refreshInterval(d: Duration): any {
  const ms = d.toMilliseconds();
  return ms % 1000 === 0
    ? externalSecretsL1().SecretStoreSpecRefreshInterval.fromNumber(ms / 1000)
    : externalSecretsL1().SecretStoreSpecRefreshInterval.fromString(goDuration(d));
}

function hasSelector(c: StoreConditionInput): boolean {
  return Object.keys(c.namespaceMatchLabels ?? {}).length > 0 || (c.namespaceMatchExpressions?.length ?? 0) > 0;
}

/** Label and annotation problems of a store's props. */
export function metadataErrors(props: { labels?: Record<string, string>; annotations?: Record<string, string> }): string[] {
  return [...labelMapErrors('labels', props.labels), ...annotationMapErrors('annotations', props.annotations)];
}
