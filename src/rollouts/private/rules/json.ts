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

const MAX_INT64 = 9223372036854775807;
const MIN_INT64 = -9223372036854775808;

/**
 * IntOrString.IntValue(): strings go through strconv.Atoi, whose error is ignored: a syntax error reads as 0,
 * a number out of the int64 range as the limit it passed (ParseInt's clamped value), not as 0.
 */
export function intValue(v: IntOrString): number {
  if ('int' in v) return v.int;
  if (!/^[+-]?[0-9]+$/.test(v.str)) return 0;
  const n = Number(v.str);
  return n >= MAX_INT64 ? MAX_INT64 : n <= MIN_INT64 ? MIN_INT64 : n;
}

/**
 * Go's int32(x) of an int: the low 32 bits. The clamped int64 limits (not exact as JavaScript numbers) keep
 * their Go results: int32(MaxInt64) is -1, int32(MinInt64) is 0.
 */
export function int32Of(n: number): number {
  if (n >= MAX_INT64) return -1;
  if (n <= MIN_INT64) return 0;
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(n))));
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
