import { formatFloat } from '../../../expansion/gotemplate/float';
import { compareStrings } from '../../../expansion/gotemplate/values';

/**
 * Go types and values as github.com/antonmedv/expr v1.15.5 (the expression language of Argo Rollouts v1.9.1
 * analysis conditions, `utils/evaluate/evaluate.go`) sees them through reflection. Only what analysis results
 * can hold is modelled: booleans, the integer kinds the language and its functions produce (`int`, `int64`,
 * `uint8`), `float64`, strings, slices, `map[string]…`, functions, and the empty interface.
 */
export type GoKind = 'bool' | 'int' | 'int64' | 'uint8' | 'float64' | 'string' | 'interface' | 'slice' | 'map' | 'func';

/** A Go type. `null` stands for reflect.TypeOf(nil): the type of an untyped nil. */
export interface GoType {
  readonly kind: GoKind;
  /** Element type of a slice or map. */
  readonly elem?: GoType;
  /** Key type of a map (always `string` here). */
  readonly key?: GoType;
  /** Parameter and result types of a function. */
  readonly params?: readonly GoType[];
  readonly result?: GoType;
}
export type MaybeType = GoType | null;

const prim = (kind: GoKind): GoType => ({ kind });
export const BOOL = prim('bool');
export const INT = prim('int');
export const INT64 = prim('int64');
export const UINT8 = prim('uint8');
export const FLOAT64 = prim('float64');
export const STRING = prim('string');
export const ANY = prim('interface');
export const sliceOf = (elem: GoType): GoType => ({ kind: 'slice', elem });
export const mapOf = (key: GoType, elem: GoType): GoType => ({ kind: 'map', key, elem });
export const funcOf = (params: GoType[], result: GoType): GoType => ({ kind: 'func', params, result });
export const ANY_SLICE = sliceOf(ANY);
export const ANY_MAP = mapOf(STRING, ANY);
export const FLOAT64_SLICE = sliceOf(FLOAT64);

/** reflect.Type.String(). */
export function typeString(t: MaybeType): string {
  if (t === null) return '<nil>';
  switch (t.kind) {
    case 'interface': return 'interface {}';
    case 'slice': return `[]${typeString(t.elem!)}`;
    case 'map': return `map[${typeString(t.key!)}]${typeString(t.elem!)}`;
    case 'func': return `func(${(t.params ?? []).map(typeString).join(', ')}) ${typeString(t.result!)}`;
    default: return t.kind;
  }
}

export function sameType(a: MaybeType, b: MaybeType): boolean {
  return a === b || (a !== null && b !== null && typeString(a) === typeString(b));
}

/** reflect's AssignableTo for the types modelled here. */
export function assignable(from: GoType, to: GoType): boolean {
  return to.kind === 'interface' || sameType(from, to);
}

export const isInteger = (t: MaybeType) => t !== null && (t.kind === 'int' || t.kind === 'int64' || t.kind === 'uint8');
export const isFloat = (t: MaybeType) => t !== null && t.kind === 'float64';
export const isNumber = (t: MaybeType) => isInteger(t) || isFloat(t);
export const isAny = (t: MaybeType) => t !== null && t.kind === 'interface';
export const isBool = (t: MaybeType) => t !== null && t.kind === 'bool';
export const isString = (t: MaybeType) => t !== null && t.kind === 'string';
export const isArray = (t: MaybeType) => t !== null && t.kind === 'slice';
export const isMap = (t: MaybeType) => t !== null && t.kind === 'map';
export const isFunc = (t: MaybeType) => t !== null && t.kind === 'func';

/**
 * A Go value with its dynamic type. Slices hold `GoValue[]`, maps a `Map<string, GoValue>`, numbers are JS
 * numbers (integers truncated to whole numbers), functions are `GoFunction`s. An untyped nil is
 * `{ type: null, v: null }`; a nil slice or map has its type and `v: null`.
 */
export interface GoValue {
  readonly type: MaybeType;
  readonly v: any;
}

/** A function callable from expressions: Go panics are thrown as `GoPanic`. */
export type GoFunction = (args: GoValue[]) => GoValue;

/** A Go panic (runtime error) raised while an expression runs; its message is what expr reports. */
export class GoPanic extends Error {}

export const NIL: GoValue = { type: null, v: null };
export const bool = (v: boolean): GoValue => ({ type: BOOL, v });
export const int = (v: number): GoValue => ({ type: INT, v: goInt64(v) });

/**
 * Go's conversion of a float64 to int/int64 on amd64 (the controller's platform): truncation toward zero, and
 * the "integer indefinite" value math.MinInt64 for NaN, ±Inf and anything out of range (so `int(NaN) < 1`).
 */
export function goInt64(x: number): number {
  if (!Number.isFinite(x)) return -9223372036854775808;
  const t = Math.trunc(x);
  return t >= 9223372036854775808 || t < -9223372036854775808 ? -9223372036854775808 : t;
}
export const float = (v: number): GoValue => ({ type: FLOAT64, v });
export const str = (v: string): GoValue => ({ type: STRING, v });

/** A `[]float64`, as the Prometheus provider passes a vector or matrix result. */
export function float64Slice(values: readonly number[]): GoValue {
  return { type: FLOAT64_SLICE, v: values.map(float) };
}

/** JSON decoded by encoding/json into interface{}: float64, string, bool, nil, []interface{}, map[string]interface{}. */
export function fromJson(value: unknown): GoValue {
  if (value === null || value === undefined) return NIL;
  if (typeof value === 'number') return float(value);
  if (typeof value === 'string') return str(value);
  if (typeof value === 'boolean') return bool(value);
  if (Array.isArray(value)) return { type: ANY_SLICE, v: value.map(fromJson) };
  const m = new Map<string, GoValue>();
  for (const [k, e] of Object.entries(value as object)) m.set(k, fromJson(e));
  return { type: ANY_MAP, v: m };
}

/** reflect's IsNil for kinds that can be nil (and an untyped nil). */
export function isNilValue(x: GoValue): boolean {
  if (x.type === null) return true;
  return (x.type.kind === 'slice' || x.type.kind === 'map' || x.type.kind === 'func') && x.v === null;
}

/** fmt's `%T`. */
export function typeOf(x: GoValue): string {
  return typeString(x.type);
}

/** The dynamic type a failed type assertion names (runtime.TypeAssertionError): `nil` for a nil interface. */
export function assertedType(x: GoValue): string {
  return x.type === null ? 'nil' : typeString(x.type);
}

/** fmt's `%v`. */
export function formatV(x: GoValue): string {
  if (x.type === null) return '<nil>';
  switch (x.type.kind) {
    case 'float64': return formatFloat(x.v, 'g', -1);
    case 'int': case 'int64': case 'uint8': return String(x.v);
    case 'bool': return x.v ? 'true' : 'false';
    case 'string': return x.v;
    case 'slice': return x.v === null ? '[]' : `[${(x.v as GoValue[]).map(formatV).join(' ')}]`;
    case 'map': {
      if (x.v === null) return 'map[]';
      const m = x.v as Map<string, GoValue>;
      return `map[${[...m.keys()].sort(compareStrings).map(k => `${k}:${formatV(m.get(k)!)}`).join(' ')}]`;
    }
    case 'func': return x.v === null ? '<nil>' : '0x1';
    default: return '<nil>';
  }
}
