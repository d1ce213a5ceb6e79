/**
 * Reading decoded YAML the way Go reads it into typed structs: a field of the wrong type reads as its zero value
 * (the strict schemas report the type error), `null` reads as absent.
 */

export function obj(v: unknown): Record<string, any> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : undefined;
}

export function arr(v: unknown): any[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** A Go string field: '' when absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A Go integer field: undefined when absent (a nil pointer) or not a number. */
export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Whether a pointer/struct field is set (present and not null). */
export function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** intstr.IntOrString as decoded from JSON. */
export type IntOrString = { readonly int: number } | { readonly str: string };

export function intOrString(v: unknown): IntOrString | undefined {
  if (typeof v === 'number') return { int: Math.trunc(v) };
  if (typeof v === 'string') return { str: v };
  return undefined;
}

/** IntOrString.IntValue(): strings go through strconv.Atoi, failures read as 0. */
export function intValue(v: IntOrString): number {
  if ('int' in v) return v.int;
  return /^[+-]?[0-9]+$/.test(v.str) && Math.abs(Number(v.str)) <= 9223372036854775807 ? Number(v.str) : 0;
}

/** IntOrString.String(). */
export function intOrStringText(v: IntOrString | undefined): string {
  if (v === undefined) return '<nil>';
  return 'int' in v ? String(v.int) : v.str;
}

/** The JSON an IntOrString marshals to. */
export function intOrStringJson(v: IntOrString): unknown {
  return 'int' in v ? v.int : v.str;
}
