import { isCelError, parse, run } from '@bufbuild/cel';

/** Plain JSON as CEL input: objects become maps (CEL's dynamic objects, as Kubernetes passes unstructured ones). */
function toCel(value: unknown): any {
  if (Array.isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object') return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

/** Evaluates a CEL expression (the standard library, as Kubernetes has it) against admission variables. */
export function evalCel(expression: string, variables: Record<string, unknown>): unknown {
  const result = run(expression, Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, toCel(v)])));
  if (isCelError(result)) throw new Error(`CEL error in ${expression}: ${String((result as any).message ?? result)}`);
  return result;
}

/** Throws when `expression` is not valid CEL syntax. */
export function parseCel(expression: string): void {
  parse(expression);
}

/** The variables of an admission request, as ValidatingAdmissionPolicy and Kyverno's match conditions see them. */
export interface Admission {
  readonly operation: 'CREATE' | 'UPDATE' | 'DELETE';
  readonly username: string;
  readonly groups?: string[];
  readonly group?: string;
  readonly kind: string;
  readonly object?: any;
  readonly oldObject?: any;
}

export function admissionVariables(a: Admission): Record<string, unknown> {
  const subject = a.object ?? a.oldObject;
  return {
    object: a.object ?? null,
    oldObject: a.oldObject ?? null,
    request: {
      operation: a.operation,
      kind: { group: a.group ?? '', version: 'v1', kind: a.kind },
      name: subject?.metadata?.name ?? '',
      namespace: subject?.metadata?.namespace ?? '',
      userInfo: { username: a.username, ...(a.groups ? { groups: a.groups } : {}) },
    },
  };
}
