import { labelValueErrors, qualifiedNameErrors } from '../private/names';

/** A Kubernetes label selector in wire format. */
export interface WireLabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Whether a selector has no requirements (it then matches everything). */
export function isEmptySelector(s: WireLabelSelector | undefined): boolean {
  return !s || Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/**
 * Compiles a label selector into a predicate, as `metav1.LabelSelectorAsSelector` does. With `strict`, keys and
 * values must be valid label keys and values (the cluster generator); without it, values are free (the
 * post-generator selector, which Argo CD copies without the value check so that it can match server URLs, and
 * whose copy still calls an unknown operator "not a valid pod selector operator": pass `operatorNoun` 'pod').
 * Throws on an invalid selector, with Kubernetes' wording: each requirement's errors are aggregated as
 * `utilerrors.NewAggregate` prints them (one error alone, several as `[a, b]`).
 */
export function compileSelector(s: WireLabelSelector | undefined, strict: boolean, operatorNoun: 'label' | 'pod' = 'label'): (labels: Record<string, string>) => boolean {
  if (isEmptySelector(s)) return () => true;
  const reqs: { key: string; op: string; values: string[] }[] = [];
  for (const [key, value] of Object.entries(s!.matchLabels ?? {})) {
    requirement(key, 'In', [String(value)], strict);
    reqs.push({ key, op: 'In', values: [String(value)] });
  }
  for (const e of s!.matchExpressions ?? []) {
    const values = (e.values ?? []).map(String);
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
      throw new Error(`${goQuote(String(e.operator ?? ''))} is not a valid ${operatorNoun} selector operator`);
    }
    requirement(String(e.key ?? ''), e.operator, values, strict);
    reqs.push({ key: e.key, op: e.operator, values });
  }
  return labels => reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'In': return has && r.values.includes(labels[r.key]);
      case 'NotIn': return !has || !r.values.includes(labels[r.key]);
      case 'Exists': return has;
      default: return !has;
    }
  });
}

/** `labels.NewRequirement`'s checks: the key, the operator's value count, then (strict) every value. */
function requirement(key: string, op: string, values: string[], strict: boolean): void {
  const errors: string[] = [];
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length) errors.push(`key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    errors.push(`values: Invalid value: ${goStringSlice(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
    errors.push(`values: Invalid value: ${goStringSlice(values)}: values set must be empty for exists and does not exist`);
  }
  if (strict) {
    values.forEach((v, i) => {
      const valueErrors = labelValueErrors(v);
      if (valueErrors.length) errors.push(`values[${i}][${key}]: Invalid value: ${goQuote(v)}: ${valueErrors.join('; ')}`);
    });
  }
  const unique = [...new Set(errors)];
  if (unique.length === 1) throw new Error(unique[0]);
  if (unique.length > 1) throw new Error(`[${unique.join(', ')}]`);
}

/** Go's %q of a string (strconv.Quote; JSON's escapes agree for printable text). */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's %#v of a []string, as field.Invalid prints a bad value of that type. */
function goStringSlice(values: string[]): string {
  return `[]string{${values.map(goQuote).join(', ')}}`;
}
