/**
 * Go values as the template engine sees them. Parameters come from JSON (encoding/json into interface{}), so:
 * strings are JS strings, every JSON number is a float64 (a JS number), booleans are booleans, null is Go's nil,
 * objects are map[string]interface{} (plain objects) and arrays are []interface{}. Integers made inside a
 * template (constants, `len`, `atoi`) are Go ints, kept as JS bigints so that `eq 1 1.0` fails as it does in
 * Go; other integer types (sprig's arithmetic returns int64, semver's fields are uint64) are `GoInt`s.
 * `NO_VALUE` is Go's invalid reflect.Value: a missing map key, printed as `<no value>`.
 *
 * Typed Go containers that are not interface{} (a cluster's labels are map[string]string, `splitList` returns
 * []string, `until` []int) are plain objects and arrays tagged in `GO_TYPES`, so that `typeOf`, `%T`, sprig's
 * map[string]interface{} parameters and `deepEqual` see the Go type.
 */

export const NO_VALUE: unique symbol = Symbol('no value');
export type GoValue = string | number | bigint | boolean | null | typeof NO_VALUE | GoInt | GoObject | GoValue[] | GoMap | Uint8Array;
export interface GoMap { [key: string]: GoValue }

/** A Go integer of a sized type (int64, uint64, uint8, int32…); plain `int` is a bigint. */
export class GoInt {
  public constructor(public readonly type: 'int64' | 'uint64' | 'uint32' | 'int32' | 'uint8' | 'uint', public readonly value: bigint) {}
  public get unsigned(): boolean {
    return this.type.startsWith('u');
  }
}

/** A Go struct or pointer with methods (semver's *Version): field access calls its methods. */
export interface GoObject {
  readonly goType: string;
  /** The value a method returns (`.Major`), or undefined when there is no such method. */
  method(name: string, args: GoValue[]): GoValue | undefined;
  /** What fmt prints for it (its String() method). */
  format(): string;
  /** What encoding/json writes for it (its MarshalJSON), as JSON-like data. */
  json(): unknown;
}

export function isGoObject(v: unknown): v is GoObject {
  // Plain objects (maps from JSON and YAML, which hold no functions) are never Go objects: decided on the
  // prototype without looking up missing properties along the chain.
  if (typeof v !== 'object' || v === null || Object.getPrototypeOf(v) === Object.prototype) return false;
  return typeof (v as GoObject).goType === 'string' && typeof (v as GoObject).method === 'function';
}

export function isMap(v: unknown): v is GoMap {
  if (typeof v !== 'object' || v === null) return false;
  if (Object.getPrototypeOf(v) === Object.prototype) return true;
  return !Array.isArray(v) && !(v instanceof Uint8Array) && !(v instanceof GoInt) && !isGoObject(v);
}

export function hasKey(m: GoMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

const GO_TYPE: unique symbol = Symbol('cdk8s-fleet.goType');

/**
 * The Go types of typed containers: `map[string]string`, `[]string`, `[]int`, `[]map[string]interface {}`…
 * Kept on the container itself, under a non-enumerable symbol (invisible to `Object.keys`, spreads, JSON and
 * structuredClone, so a copy is untyped, as with a WeakMap), because a WeakMap of hundreds of thousands of
 * parameter maps costs more than the expansion around it (a lookup per field access, and ephemeron work in
 * every garbage collection). A frozen container is typed in a WeakMap instead.
 */
class GoTypeTable {
  private readonly frozen = new WeakMap<object, string>();
  private anyFrozen = false;

  public get(o: object): string | undefined {
    const t = (o as { [GO_TYPE]?: string })[GO_TYPE];
    if (t !== undefined || !this.anyFrozen) return t;
    return this.frozen.get(o);
  }

  public set(o: object, goType: string): this {
    if (Object.isExtensible(o)) {
      Object.defineProperty(o, GO_TYPE, { value: goType, writable: true, configurable: true, enumerable: false });
    } else {
      this.anyFrozen = true;
      this.frozen.set(o, goType);
    }
    return this;
  }
}

export const GO_TYPES = new GoTypeTable();

/** Tags a container with its Go type and returns it. */
export function typed<T extends object>(v: T, goType: string): T {
  GO_TYPES.set(v, goType);
  return v;
}

/** Whether a map is a map[string]string (cluster labels and annotations, `values`, sprig's `split`). */
export function isStringMap(v: GoValue): boolean {
  return isMap(v) && GO_TYPES.get(v) === 'map[string]string';
}

/** Go's `truth`: the zero value of its type is false. */
export function truth(v: GoValue): boolean {
  if (v === NO_VALUE || v === null) return false;
  if (typeof v === 'string') return v.length > 0;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (v instanceof GoInt) return v.value !== 0n;
  if (isGoObject(v)) return true;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Uint8Array) return v.length > 0;
  return Object.keys(v).length > 0;
}

/** The Go type name of a value, as `%T` and `typeOf` print it. */
export function typeName(v: GoValue): string {
  if (v === NO_VALUE) return '<invalid>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.type;
  if (isGoObject(v)) return v.goType;
  if (v instanceof Uint8Array) return '[]uint8';
  return GO_TYPES.get(v) ?? (Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}');
}

/** Go's reflect.Kind name of a value, as sprig's `kindOf` prints it. */
export function kindName(v: GoValue): string {
  if (v === null || v === NO_VALUE) return 'invalid';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return v.type;
  if (isGoObject(v)) return 'ptr';
  if (Array.isArray(v) || v instanceof Uint8Array) return 'slice';
  return 'map';
}

/** The integer value of a Go integer of any type, or undefined. */
export function intValue(v: GoValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (v instanceof GoInt) return v.value;
  return undefined;
}

/** Byte-wise string order, as Go sorts strings and map keys. */
export function compareStrings(a: string, b: string): number {
  // UTF-16 order equals UTF-8 byte order except around surrogates; compare code points to be exact.
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff || y >= 0xd800 && y <= 0xdfff) return Buffer.compare(Buffer.from(a.slice(i)), Buffer.from(b.slice(i)));
    return x - y;
  }
  return a.length - b.length;
}

/** A map's keys in Go's order (fmt and encoding/json sort them). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}

/** A deep copy of JSON-like data into Go values (numbers are float64, as encoding/json decodes them). */
export function fromJson(v: unknown): GoValue {
  if (v === undefined) return NO_VALUE;
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint') return v as GoValue;
  if (Array.isArray(v)) return v.map(fromJson);
  const out: GoMap = {};
  for (const [k, e] of Object.entries(v as object)) {
    if (k === '__proto__') Object.defineProperty(out, k, { value: fromJson(e), enumerable: true, writable: true, configurable: true });
    else out[k] = fromJson(e);
  }
  return out;
}

/** Go values back into JSON-like data, as encoding/json would write them (bigints become numbers). */
export function toJson(v: GoValue): unknown {
  if (v === NO_VALUE) return null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoInt) return Number(v.value);
  if (isGoObject(v)) return v.json();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJson);
  if (isMap(v)) {
    const out: Record<string, unknown> = {};
    for (const k of sortedKeys(v)) out[k] = toJson(v[k]);
    return out;
  }
  return v;
}
