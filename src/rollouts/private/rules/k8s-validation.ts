import { badJson, badNumber, badString, FieldError, sortedObject } from '../go-format';
import { arr, obj, str } from './json';

/**
 * The Kubernetes validation Argo Rollouts v1.9.1 runs on a Rollout's selector and pod template
 * (`ValidateLabelSelector`, `ValidatePodTemplateSpecForReplicaSet` of k8s.io/kubernetes v1.34), with
 * apimachinery's wording. The pod spec checks are the ones that matter for a Deployment-like workload (containers,
 * names, images, ports, environment variable names, volume mounts, probes, restart policy); the long tail of
 * pod-spec validation (security contexts, resource quantities, topology spread, …) is left to the API server and
 * the strict schemas.
 */

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const ENV_VAR_FMT = '[-._a-zA-Z][-._a-zA-Z0-9]*';

/** validation.RegexError. */
function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map(e => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const full = (fmt: string) => new RegExp(`^${fmt}$`);

/** validation.IsDNS1123Subdomain. */
export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!full(DNS1123_SUBDOMAIN_FMT).test(value)) {
    errs.push(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/** validation.IsDNS1123Label. */
export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!full(DNS1123_LABEL_FMT).test(value)) {
    errs.push(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character", DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  }
  return errs;
}

/** validation.IsQualifiedName. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const [prefix, rest] = parts;
    name = rest;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...isDns1123Subdomain(prefix).map(m => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !full(QUALIFIED_NAME_FMT).test(name)) {
    errs.push(`name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/** validation.IsValidLabelValue. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!full(LABEL_VALUE_FMT).test(value)) {
    errs.push(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** validation.IsValidPortName (IANA_SVC_NAME). */
function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

/** validation.ValidateLabels. */
export function validateLabels(labels: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(obj(labels) ?? {})) {
    for (const m of isQualifiedName(k)) out.push(FieldError.invalid(path, badString(k), m));
    for (const m of isValidLabelValue(str(v))) out.push(FieldError.invalid(path, badString(str(v)), m));
  }
  return out;
}

/** apimachinery ValidateAnnotations. */
function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const out: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(obj(annotations) ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) out.push(FieldError.invalid(path, badString(k), m));
    size += Buffer.byteLength(k) + Buffer.byteLength(str(v));
  }
  if (size > 256 * 1024) out.push(FieldError.tooLong(path, 256 * 1024));
  return out;
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** metav1validation.ValidateLabelSelector (default options). */
export function validateLabelSelector(selector: any, path: string): FieldError[] {
  const out: FieldError[] = [];
  arr(selector?.matchExpressions)?.forEach((req: any, i: number) => {
    const p = `${path}.matchExpressions[${i}]`;
    const op = str(req?.operator);
    const values = arr(req?.values) ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) out.push(FieldError.required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) out.push(FieldError.forbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    } else {
      out.push(FieldError.notSupported(`${p}.operator`, badString(op), OPERATORS));
    }
    for (const m of isQualifiedName(str(req?.key))) out.push(FieldError.invalid(`${p}.key`, badString(str(req?.key)), m));
  });
  out.push(...validateLabels(selector?.matchLabels, `${path}.matchLabels`));
  return out;
}

/**
 * metav1.LabelSelectorAsSelector: `undefined` for a selector that selects nothing or cannot be built (the caller
 * reports "invalid label selector"), otherwise a matcher.
 */
export function labelSelectorMatcher(selector: any): { matches: (labels: Record<string, string>) => boolean; empty: boolean } | 'invalid' {
  const s = obj(selector);
  if (!s) return { matches: () => false, empty: false };
  const reqs: ((l: Record<string, string>) => boolean)[] = [];
  for (const [k, v] of Object.entries(obj(s.matchLabels) ?? {})) {
    if (isQualifiedName(k).length || isValidLabelValue(str(v)).length) return 'invalid';
    reqs.push(l => Object.prototype.hasOwnProperty.call(l, k) && l[k] === str(v));
  }
  for (const req of arr(s.matchExpressions) ?? []) {
    const key = str(req?.key);
    const values: string[] = (arr(req?.values) ?? []).map(str);
    if (isQualifiedName(key).length) return 'invalid';
    const has = (l: Record<string, string>) => Object.prototype.hasOwnProperty.call(l, key);
    switch (req?.operator) {
      case 'In':
        if (values.length === 0) return 'invalid';
        reqs.push(l => has(l) && values.includes(l[key]));
        break;
      case 'NotIn':
        if (values.length === 0) return 'invalid';
        reqs.push(l => !has(l) || !values.includes(l[key]));
        break;
      case 'Exists':
        if (values.length) return 'invalid';
        reqs.push(has);
        break;
      case 'DoesNotExist':
        if (values.length) return 'invalid';
        reqs.push(l => !has(l));
        break;
      default:
        return 'invalid';
    }
  }
  return { matches: l => reqs.every(r => r(l)), empty: reqs.length === 0 };
}

/** ValidatePodTemplateSpecForReplicaSet, with the pod spec checks listed above. */
export function validatePodTemplateForReplicaSet(template: any, selector: ReturnType<typeof labelSelectorMatcher>, path: string): FieldError[] {
  const out: FieldError[] = [];
  const t = obj(template) ?? {};
  const labels = (obj(t.metadata?.labels) ?? {}) as Record<string, string>;
  if (selector !== 'invalid' && !selector.empty && !selector.matches(labels)) {
    // A template without labels has a nil map, which encoding/json writes as null.
    out.push(FieldError.invalid(`${path}.metadata.labels`, badJson(obj(t.metadata?.labels) ? sortedObject(labels) : null), '`selector` does not match template `labels`'));
  }
  out.push(...validateLabels(t.metadata?.labels, `${path}.metadata.labels`));
  out.push(...validateAnnotations(t.metadata?.annotations, `${path}.metadata.annotations`));
  const spec = obj(t.spec) ?? {};
  out.push(...validatePodSpec(spec, `${path}.spec`));
  const restartPolicy = str(spec.restartPolicy) || 'Always';
  if (restartPolicy !== 'Always') out.push(FieldError.notSupported(`${path}.spec.restartPolicy`, badString(restartPolicy), ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    out.push(FieldError.invalid(`${path}.spec.activeDeadlineSeconds`, badNumber(Number(spec.activeDeadlineSeconds)), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
  return out;
}

function validatePodSpec(spec: any, path: string): FieldError[] {
  const out: FieldError[] = [];
  const volumes = new Set<string>();
  (arr(spec.volumes) ?? []).forEach((v: any, i: number) => {
    const name = str(v?.name);
    const p = `${path}.volumes[${i}]`;
    if (name === '') out.push(FieldError.required(`${p}.name`, ''));
    else for (const m of isDns1123Label(name)) out.push(FieldError.invalid(`${p}.name`, badString(name), m));
    if (name && volumes.has(name)) out.push(FieldError.duplicate(`${p}.name`, badString(name)));
    volumes.add(name);
  });
  const containers = arr(spec.containers) ?? [];
  const names = new Set<string>();
  const checkContainers = (list: any[], field: string) => list.forEach((c: any, i: number) => {
    const p = `${path}.${field}[${i}]`;
    const name = str(c?.name);
    if (name === '') out.push(FieldError.required(`${p}.name`, ''));
    else for (const m of isDns1123Label(name)) out.push(FieldError.invalid(`${p}.name`, badString(name), m));
    if (name && names.has(name)) out.push(FieldError.duplicate(`${p}.name`, badString(name)));
    names.add(name);
    if (str(c?.image).trim() === '') out.push(FieldError.required(`${p}.image`, ''));
    // Empty values are defaulted before validation (SetObjectDefaults_PodTemplate); explicit ones must be known.
    const pullPolicy = str(c?.imagePullPolicy);
    if (pullPolicy !== '' && !['Always', 'IfNotPresent', 'Never'].includes(pullPolicy)) {
      out.push(FieldError.notSupported(`${p}.imagePullPolicy`, badString(pullPolicy), ['Always', 'IfNotPresent', 'Never']));
    }
    const messagePolicy = str(c?.terminationMessagePolicy);
    if (messagePolicy !== '' && !['FallbackToLogsOnError', 'File'].includes(messagePolicy)) {
      out.push(FieldError.notSupported(`${p}.terminationMessagePolicy`, badString(messagePolicy), ['FallbackToLogsOnError', 'File']));
    }
    out.push(...validatePorts(arr(c?.ports) ?? [], `${p}.ports`));
    (arr(c?.env) ?? []).forEach((e: any, j: number) => {
      const envName = str(e?.name);
      if (envName === '') {out.push(FieldError.required(`${p}.env[${j}].name`, ''));} else if (!full(ENV_VAR_FMT).test(envName)) {
        out.push(FieldError.invalid(`${p}.env[${j}].name`, badString(envName), regexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit", ENV_VAR_FMT, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1')));
      }
    });
    (arr(c?.volumeMounts) ?? []).forEach((m: any, j: number) => {
      const mountName = str(m?.name);
      if (mountName === '') out.push(FieldError.required(`${p}.volumeMounts[${j}].name`, ''));
      else if (!volumes.has(mountName)) out.push(FieldError.notFound(`${p}.volumeMounts[${j}].name`, badString(mountName)));
      if (str(m?.mountPath) === '') out.push(FieldError.required(`${p}.volumeMounts[${j}].mountPath`, ''));
    });
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const pr = obj(c?.[probe]);
      if (!pr) continue;
      const handlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'].filter(h => pr[h] !== undefined && pr[h] !== null);
      if (handlers.length === 0) out.push(FieldError.required(`${p}.${probe}`, 'must specify a handler type'));
      if (handlers.length > 1) out.push(FieldError.forbidden(`${p}.${probe}.${handlers[1]}`, 'may not specify more than 1 handler type'));
    }
  });
  if (containers.length === 0) out.push(FieldError.required(`${path}.containers`, ''));
  checkContainers(containers, 'containers');
  checkContainers(arr(spec.initContainers) ?? [], 'initContainers');
  const dnsPolicy = str(spec.dnsPolicy);
  if (dnsPolicy !== '' && !['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'].includes(dnsPolicy)) {
    out.push(FieldError.notSupported(`${path}.dnsPolicy`, badString(dnsPolicy), ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None']));
  }
  return out;
}

function validatePorts(ports: any[], path: string): FieldError[] {
  const out: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port: any, i: number) => {
    const p = `${path}[${i}]`;
    const name = str(port?.name);
    if (name !== '') {
      for (const m of isValidPortName(name)) out.push(FieldError.invalid(`${p}.name`, badString(name), m));
      if (names.has(name)) out.push(FieldError.duplicate(`${p}.name`, badString(name)));
      names.add(name);
    }
    const containerPort = Number(port?.containerPort ?? 0);
    if (containerPort === 0) out.push(FieldError.required(`${p}.containerPort`, ''));
    else if (containerPort < 1 || containerPort > 65535) out.push(FieldError.invalid(`${p}.containerPort`, badNumber(containerPort), 'must be between 1 and 65535, inclusive'));
    const hostPort = Number(port?.hostPort ?? 0);
    if (hostPort !== 0 && (hostPort < 1 || hostPort > 65535)) out.push(FieldError.invalid(`${p}.hostPort`, badNumber(hostPort), 'must be between 1 and 65535, inclusive'));
    const protocol = str(port?.protocol) || 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) out.push(FieldError.notSupported(`${p}.protocol`, badString(protocol), ['SCTP', 'TCP', 'UDP']));
  });
  return out;
}

/**
 * fieldpath.ExtractFieldPathAsString on a Rollout's metadata: `metadata.name`, `namespace`, `uid`,
 * `labels`, `annotations` and the subscripted `metadata.labels['key']` / `metadata.annotations['key']`.
 * Returns the error text when the path is not supported.
 */
export function extractMetadataFieldPath(object: any, fieldPath: string): { value: string } | { error: string } {
  const meta = obj(object?.metadata) ?? {};
  if (fieldPath.endsWith("']")) {
    const parts = fieldPath.slice(0, -2).split("['");
    if (parts.length >= 2 && parts[0].length > 0) {
      const [p, ...rest] = parts;
      const subscript = rest.join("['");
      if (p === 'metadata.annotations') {
        const errs = isQualifiedName(subscript.toLowerCase());
        if (errs.length) return { error: `invalid key subscript in ${fieldPath}: ${errs.join(';')}` };
        return { value: str(obj(meta.annotations)?.[subscript]) };
      }
      if (p === 'metadata.labels') {
        const errs = isQualifiedName(subscript);
        if (errs.length) return { error: `invalid key subscript in ${fieldPath}: ${errs.join(';')}` };
        return { value: str(obj(meta.labels)?.[subscript]) };
      }
      return { error: `fieldPath ${JSON.stringify(fieldPath)} does not support subscript` };
    }
  }
  switch (fieldPath) {
    case 'metadata.annotations': case 'metadata.labels': {
      const m = obj(meta[fieldPath.slice('metadata.'.length)]) ?? {};
      return { value: Object.keys(m).sort().map(k => `${k}=${JSON.stringify(str(m[k]))}`).join('\n') };
    }
    case 'metadata.name': return { value: str(meta.name) };
    case 'metadata.namespace': return { value: str(meta.namespace) };
    case 'metadata.uid': return { value: str(meta.uid) };
    default: return { error: `unsupported fieldPath: ${fieldPath}` };
  }
}
