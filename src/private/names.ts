/**
 * Kubernetes name and label rules (k8s.io/apimachinery/pkg/util/validation), as plain functions that return
 * the reasons a value is invalid (an empty list when it is valid).
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label: at most 63 lower-case alphanumerics or '-', starting and ending with an alphanumeric. */
export function dns1123LabelErrors(value: string): string[] {
  if (typeof value !== 'string' || value.length === 0) return ['must not be empty'];
  const errors: string[] = [];
  if (value.length > 63) errors.push(`must be no more than 63 characters (got ${value.length})`);
  if (!DNS1123_LABEL.test(value)) {
    errors.push("must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  }
  return errors;
}

/** A DNS-1123 subdomain: at most 253 characters of dot-separated DNS-1123 labels (the rule for most object names). */
export function dns1123SubdomainErrors(value: string): string[] {
  if (typeof value !== 'string' || value.length === 0) return ['must not be empty'];
  const errors: string[] = [];
  if (value.length > 253) errors.push(`must be no more than 253 characters (got ${value.length})`);
  if (!DNS1123_SUBDOMAIN.test(value)) {
    errors.push("must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}

/** A label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63 characters. */
export function qualifiedNameErrors(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) return ['must not be empty'];
  const parts = key.split('/');
  let name = key;
  const errors: string[] = [];
  if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errors.push('prefix part must not be empty');
    else errors.push(...dns1123SubdomainErrors(prefix).map(e => `prefix part ${e}`));
  } else if (parts.length > 2) {
    return ["must be a name with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) {
    errors.push('name part must not be empty');
  } else if (name.length > 63) {
    errors.push(`name part must be no more than 63 characters (got ${name.length})`);
  } else if (!QUALIFIED_NAME.test(name)) {
    errors.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}

/** A label value: empty, or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric. */
export function labelValueErrors(value: string): string[] {
  if (typeof value !== 'string') return [`must be a string (got ${typeof value})`];
  const errors: string[] = [];
  if (value.length > 63) errors.push(`must be no more than 63 characters (got ${value.length})`);
  if (!LABEL_VALUE.test(value)) {
    errors.push("must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
  return errors;
}

/** Errors for a whole label map, each naming the prop, the key and the value. */
export function labelMapErrors(prop: string, labels: Record<string, string> | undefined): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    for (const e of qualifiedNameErrors(key)) errors.push(`'${prop}' key '${key}' is not a valid label key: ${e}`);
    for (const e of labelValueErrors(value)) errors.push(`'${prop}' value '${value}' (key '${key}') is not a valid label value: ${e}`);
  }
  return errors;
}

/** Errors for an annotation map: keys are qualified names, values are strings, total size at most 256 KiB. */
export function annotationMapErrors(prop: string, annotations: Record<string, string> | undefined): string[] {
  const errors: string[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    for (const e of qualifiedNameErrors(key)) errors.push(`'${prop}' key '${key}' is not a valid annotation key: ${e}`);
    if (typeof value !== 'string') errors.push(`'${prop}' value for key '${key}' must be a string (got ${JSON.stringify(value)})`);
    size += key.length + String(value).length;
  }
  if (size > 262144) errors.push(`'${prop}' total size must be no more than 262144 bytes (got ${size})`);
  return errors;
}
