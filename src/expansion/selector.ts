
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
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length) errors.push(`key: Invalid value: ${goQuote(key)}: ${keyErrors.join('; ')}`);
  if ((op === 'In' || op === 'NotIn') && values.length === 0) {
    errors.push(`values: Invalid value: ${goStringSlice(values)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) {
    errors.push(`values: Invalid value: ${goStringSlice(values)}: values set must be empty for exists and does not exist`);
  }
  if (strict) {
    values.forEach((v, i) => {
      const valueErrors = isValidLabelValue(v);
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

// k8s.io/apimachinery/pkg/util/validation, word for word (the library's own construct checks in private/names.ts
// use shorter messages; here the messages are the controller's).
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/** validation.RegexError. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  return `${msg} (e.g. ${examples.map(e => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

/** validation.IsQualifiedName (lengths in bytes, as Go's len). */
function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name = parts[0];
  if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) {
      errs.push('prefix part must be non-empty');
    } else {
      if (Buffer.byteLength(prefix) > 253) errs.push('prefix part must be no more than 253 characters');
      if (!new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`).test(prefix)) errs.push(`prefix part ${regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com')}`);
    }
  } else if (parts.length > 2) {
    return [`a qualified name ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (Buffer.byteLength(name) > 63) errs.push('name part must be no more than 63 characters');
  if (!new RegExp(`^${QUALIFIED_NAME_FMT}$`).test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME_MSG, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** validation.IsValidLabelValue. */
function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(value) > 63) errs.push('must be no more than 63 characters');
  if (!new RegExp(`^${LABEL_VALUE_FMT}$`).test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}
