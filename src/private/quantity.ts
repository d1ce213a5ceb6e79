import { qualifiedNameErrors } from './names';
import { jsonPointerToken } from './util';

/**
 * Kubernetes resource quantities as the API server checks them (k8s.io/apimachinery v0.28
 * `pkg/api/resource/quantity.go` ParseQuantity, and `pkg/apis/core/validation` ValidateResourceQuantityValue /
 * ValidateNonnegativeQuantity / ValidateResourceQuotaSpec), for the fields the library writes or users set
 * most: ResourceQuota `spec.hard`, LimitRange limits and container resources.
 */

/** apimachinery's splitREString, quoted by its ErrFormatWrong. */
const SPLIT_RE = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
/** What parseQuantityString accepts: sign, digits, one optional fraction, suffix letters, a signed exponent. */
const SCANNED = /^([+-]?)(\d*)(?:\.(\d*))?([eEinumkKMGTP]*[-+]?\d*)$/;
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18 };

/**
 * A quantity's value as apimachinery's ParseQuantity reads it, or its error (`ErrFormatWrong`, `ErrSuffix`).
 * Like the Go scanner it accepts `1.`, `.5` and `1.G`.
 */
export function parseQuantity(text: string): { value: number } | { error: string } {
  const m = text === '' ? null : SCANNED.exec(text);
  if (!m) return { error: `quantities must match the regular expression '${SPLIT_RE}'` };
  const [, sign, whole, fraction, suffix] = m;
  let multiplier = BINARY[suffix] ?? DECIMAL[suffix];
  if (multiplier === undefined && /^[eE][-+]?\d+$/.test(suffix)) multiplier = 10 ** Number(suffix.slice(1));
  if (multiplier === undefined) return { error: "unable to parse quantity's suffix" };
  const value = Number(`${whole || '0'}.${fraction || '0'}`) * multiplier;
  return { value: sign === '-' ? -value : value };
}

/**
 * Resource names whose quota must be a whole number (kubernetes v1.28 `pkg/apis/core/helper` IsIntegerResourceName:
 * these object counts, and extended resources, which include `count/<resource>` and `example.com/gpu`).
 */
const INTEGER_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

/** IsIntegerResourceName: an object count or an extended resource (not native, not `requests.`-prefixed). */
function isIntegerResource(name: string): boolean {
  if (INTEGER_RESOURCES.has(name)) return true;
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return !native && !name.startsWith('requests.') && qualifiedNameErrors(`requests.${name}`).length === 0;
}

/** Why a quantity is invalid, or undefined (ValidateNonnegativeQuantity; integer resource names need whole numbers). */
export function quantityError(value: unknown, integer = false): string | undefined {
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${String(value)} is not a finite number`;
    n = value;
  } else if (typeof value === 'string') {
    const parsed = parseQuantity(value);
    if ('error' in parsed) return parsed.error;
    n = parsed.value;
  } else {
    return 'must be a quantity (a string like 500m or 2Gi, or a number)';
  }
  if (n < 0) return 'must be greater than or equal to 0';
  if (integer && Math.abs(n - Math.round(n)) > 1e-9 * Math.max(1, Math.abs(n))) return 'must be an integer';
  return undefined;
}

/** Problems of the quantities of one object, each `<JSON pointer>: <value> <why>`. */
export function objectQuantityErrors(json: any): string[] {
  const errors: string[] = [];
  const check = (pointer: string, value: unknown, integer = false) => {
    const e = quantityError(value, integer);
    if (e) errors.push(`${pointer}: ${typeof value === 'string' ? `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'` : String(value)} ${e}`);
  };
  const map = (pointer: string, m: unknown, integerKeys = false) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return;
    for (const [k, v] of Object.entries(m)) check(`${pointer}/${jsonPointerToken(k)}`, v, integerKeys && isIntegerResource(k));
  };
  if (json?.apiVersion === 'v1' && json.kind === 'ResourceQuota') {
    map('/spec/hard', json.spec?.hard, true);
  } else if (json?.apiVersion === 'v1' && json.kind === 'LimitRange' && Array.isArray(json.spec?.limits)) {
    json.spec.limits.forEach((l: any, i: number) => {
      for (const field of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) map(`/spec/limits/${i}/${field}`, l?.[field]);
    });
  }
  for (const [pointer, spec] of podSpecs(json)) {
    for (const list of ['containers', 'initContainers']) {
      if (!Array.isArray(spec?.[list])) continue;
      spec[list].forEach((c: any, i: number) => {
        map(`${pointer}/${list}/${i}/resources/requests`, c?.resources?.requests);
        map(`${pointer}/${list}/${i}/resources/limits`, c?.resources?.limits);
      });
    }
  }
  return errors;
}

function podSpecs(o: any): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  if (o?.kind === 'Pod' && o.spec) out.push(['/spec', o.spec]);
  if (o?.spec?.template?.spec) out.push(['/spec/template/spec', o.spec.template.spec]);
  if (o?.spec?.jobTemplate?.spec?.template?.spec) out.push(['/spec/jobTemplate/spec/template/spec', o.spec.jobTemplate.spec.template.spec]);
  return out;
}
