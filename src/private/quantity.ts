/**
 * Kubernetes resource quantities as the API server checks them (k8s.io/apimachinery v0.28
 * `pkg/api/resource/quantity.go` ParseQuantity, and `pkg/apis/core/validation` ValidateResourceQuantityValue /
 * ValidateNonnegativeQuantity / ValidateResourceQuotaSpec), for the fields the library writes or users set
 * most: ResourceQuota `spec.hard`, LimitRange limits and container resources.
 */

/** `<number><suffix>`: a decimal number and a binary-SI (Ki…Ei), decimal-SI (n u m k M G T P E) or exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/**
 * Resource names whose quota must be a whole number (apimachinery `pkg/apis/core/helper` IsIntegerResourceName:
 * the standard object counts and `count/<resource>`).
 */
const INTEGER_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);

/** Why a quantity is invalid, or undefined. `integer` asks for a whole number. */
export function quantityError(value: unknown, integer = false): string | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `${String(value)} is not a finite number`;
    if (value < 0) return 'must be greater than or equal to 0';
    if (integer && !Number.isInteger(value)) return 'must be an integer';
    return undefined;
  }
  if (typeof value !== 'string') return 'must be a quantity (a string like 500m or 2Gi, or a number)';
  if (!QUANTITY.test(value)) return "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const n = quantityValue(value);
  if (n !== undefined && n < 0) return 'must be greater than or equal to 0';
  if (integer && n !== undefined && Math.abs(n - Math.round(n)) > 1e-9) return 'must be an integer';
  return undefined;
}

/** A quantity's numeric value (approximate for huge ones). */
function quantityValue(q: string): number | undefined {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
  const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
  if (suffix === '') return n;
  if (binary[suffix]) return n * binary[suffix];
  if (decimal[suffix]) return n * decimal[suffix];
  return n * 10 ** Number(suffix.slice(1));
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
    for (const [k, v] of Object.entries(m)) check(`${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, v, integerKeys && (INTEGER_RESOURCES.has(k) || k.startsWith('count/')));
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
