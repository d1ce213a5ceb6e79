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
 * post-generator selector, which Argo CD copies without the value check so that it can match server URLs).
 * Throws on an invalid selector, with Kubernetes' wording.
 */
export function compileSelector(s: WireLabelSelector | undefined, strict: boolean): (labels: Record<string, string>) => boolean {
  if (isEmptySelector(s)) return () => true;
  const reqs: { key: string; op: string; values: string[] }[] = [];
  for (const [key, value] of Object.entries(s!.matchLabels ?? {})) {
    check(key, [String(value)], strict);
    reqs.push({ key, op: 'In', values: [String(value)] });
  }
  for (const e of s!.matchExpressions ?? []) {
    const values = (e.values ?? []).map(String);
    switch (e.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) throw new Error('values: Invalid value: []string{}: for \'in\', \'notin\' operators, values set can\'t be empty');
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) throw new Error(`values: Invalid value: ${JSON.stringify(values)}: values set must be empty for exists and does not exist`);
        break;
      default:
        throw new Error(`"${e.operator}" is not a valid label selector operator`);
    }
    check(e.key, values, strict);
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

function check(key: string, values: string[], strict: boolean): void {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length) throw new Error(`key: Invalid value: "${key}": ${keyErrors.join('; ')}`);
  if (!strict) return;
  for (const v of values) {
    const errors = labelValueErrors(v);
    if (errors.length) throw new Error(`values[0][${key}]: Invalid value: "${v}": ${errors.join('; ')}`);
  }
}
