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

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1035 label (the rule for Service names): like a DNS-1123 label, but starting with a letter. */
export function dns1035LabelErrors(value: string): string[] {
  if (typeof value !== 'string' || value.length === 0) return ['must not be empty'];
  const errors: string[] = [];
  if (value.length > 63) errors.push(`must be no more than 63 characters (got ${value.length})`);
  if (!DNS1035_LABEL.test(value)) {
    errors.push("must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
  }
  return errors;
}

/**
 * A path segment name (apimachinery `path.IsValidPathSegmentName`, the rule for RBAC Role, ClusterRole,
 * RoleBinding and ClusterRoleBinding names): anything but '.', '..' or a name holding '/' or '%'.
 */
export function pathSegmentNameErrors(value: string): string[] {
  if (typeof value !== 'string' || value.length === 0) return ['must not be empty'];
  if (value === '.' || value === '..') return [`may not be '${value}'`];
  const errors: string[] = [];
  for (const c of ['/', '%']) if (value.includes(c)) errors.push(`may not contain '${c}'`);
  return errors;
}

/** A kind as a CRD may name it: letters, digits and '-', starting with a letter, at most 63 characters. */
export function kindErrors(kind: unknown): string[] {
  if (typeof kind !== 'string' || kind.length === 0) return ['must be a non-empty string'];
  const errors: string[] = [];
  if (kind.length > 63) errors.push(`must be no more than 63 characters (got ${kind.length})`);
  if (!/^[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?$/.test(kind)) errors.push("must start with a letter and hold only letters, digits and '-'");
  return errors;
}

interface NameRule {
  /** The rule's name, for messages. */
  readonly rule: string;
  readonly errors: (name: string) => string[];
}

const SUBDOMAIN_RULE: NameRule = { rule: 'a DNS-1123 subdomain', errors: dns1123SubdomainErrors };
const LABEL_RULE: NameRule = { rule: 'a DNS-1123 label', errors: dns1123LabelErrors };
const PATH_SEGMENT_RULE: NameRule = { rule: 'a path segment name', errors: pathSegmentNameErrors };

/**
 * The kinds whose names the API server (Kubernetes 1.28) validates with another rule than a DNS-1123
 * subdomain, by `<group>/<kind>`:
 * - Namespace: a DNS-1123 label (`ValidateNamespaceName`); Service: a DNS-1035 label (`ValidateServiceName`);
 *   pkg/apis/core/validation/validation.go;
 * - StatefulSet: a DNS-1123 label since 1.27 (kubernetes/kubernetes#114172, `ValidateStatefulSetName`);
 * - CronJob: a DNS-1123 subdomain of at most 52 characters, so that its Jobs' names fit (`ValidateCronJob`);
 * - RBAC Role, ClusterRole, RoleBinding, ClusterRoleBinding: a path segment name
 *   (pkg/apis/rbac/validation/validation.go, `minimalNameRequirements`).
 * Every other kind, custom resources included (apiextensions-apiserver validates them as subdomains), uses a
 * DNS-1123 subdomain.
 */
const NAME_RULES: Record<string, NameRule> = {
  '/Namespace': LABEL_RULE,
  '/Service': { rule: 'a DNS-1035 label', errors: dns1035LabelErrors },
  'apps/StatefulSet': LABEL_RULE,
  'batch/CronJob': {
    rule: 'a DNS-1123 subdomain of at most 52 characters',
    errors: name => [
      ...dns1123SubdomainErrors(name),
      ...(typeof name === 'string' && name.length > 52 ? [`must be no more than 52 characters (got ${name.length})`] : []),
    ],
  },
  'rbac.authorization.k8s.io/Role': PATH_SEGMENT_RULE,
  'rbac.authorization.k8s.io/ClusterRole': PATH_SEGMENT_RULE,
  'rbac.authorization.k8s.io/RoleBinding': PATH_SEGMENT_RULE,
  'rbac.authorization.k8s.io/ClusterRoleBinding': PATH_SEGMENT_RULE,
};

/**
 * Why `name` is not a valid `metadata.name` for objects of `apiVersion`/`kind`, as the API server decides,
 * each reason ending with the rule's name (an empty list when it is valid).
 */
export function objectNameErrors(apiVersion: unknown, kind: unknown, name: unknown): string[] {
  const slash = typeof apiVersion === 'string' ? apiVersion.indexOf('/') : -1;
  const group = slash < 0 ? '' : (apiVersion as string).slice(0, slash);
  const rule = NAME_RULES[`${group}/${kind}`] ?? SUBDOMAIN_RULE;
  if (typeof name !== 'string') return [`must be a string (${rule.rule})`];
  return rule.errors(name).map(e => `${e} (${rule.rule})`);
}

/**
 * The construct id for a user-given name (a cluster's, an application's): the name itself, unless constructs
 * cannot take it. It keeps a scope's children in a plain object, where the ids `constructor`, `toString`… are
 * taken by Object.prototype; such a name gets a trailing '-'. No DNS label ends with one, so the id is no other
 * valid name's, and cdk8s' generated object names drop it (they join the path's ids with '-' and collapse
 * repeated ones): an unnamed object of cluster `constructor` is still `<fleet>-constructor-…`. Never derive a
 * name from such a construct's `node.id`; use the name it was given.
 */
export function constructIdFor(name: string): string {
  return typeof name === 'string' && name in Object.prototype ? `${name}-` : name;
}
