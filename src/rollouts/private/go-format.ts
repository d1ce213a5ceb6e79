/**
 * Go's formatting of values in messages, so that what the library and `cdk8s-fleet lint` report reads exactly as
 * the controllers' own messages: strconv.Quote, encoding/json's output for struct values, and the
 * `field.Error` of k8s.io/apimachinery v0.34 (the version Argo Rollouts v1.9.1 builds with).
 */
import { quote } from '../../private/go-strconv';

/** strconv.Quote (`%q`). */
export function goQuote(s: string): string {
  return quote(s);
}

/**
 * A Go value to be printed in a message. Numbers and booleans print with `%v`, strings with `%q`, everything
 * else as encoding/json renders it (`json`, already in Go's field order).
 */
export type BadValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'json'; readonly json: string };

export const badNumber = (value: number): BadValue => ({ kind: 'number', value });
export const badBool = (value: boolean): BadValue => ({ kind: 'bool', value });
export const badString = (value: string): BadValue => ({ kind: 'string', value });
/** A struct, map or slice: `value` is JSON-like data whose keys are already in Go's order. */
export const badJson = (value: unknown): BadValue => ({ kind: 'json', json: goJson(value) });

/** encoding/json.Marshal of JSON-like data: compact, with `<`, `>`, `&` and U+2028/9 escaped as Go does. */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Keys of a Go map, sorted as encoding/json sorts them. */
export function sortedObject(map: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!map || typeof map !== 'object') return map;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(map).sort()) out[k] = map[k];
  return out;
}

/** The `field.ErrorType`s the rules report. */
export type FieldErrorType = 'Invalid' | 'Required' | 'Internal' | 'NotSupported' | 'NotFound' | 'Duplicate' | 'Forbidden' | 'TooLong';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Internal: 'Internal error',
  NotSupported: 'Unsupported value',
  NotFound: 'Not found',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
};

/** A `field.Error`: `<field>: <type>[: <value>][: <detail>]`. */
export class FieldError {
  public static invalid(field: string, value: BadValue, detail: string): FieldError {
    return new FieldError('Invalid', field, value, detail);
  }

  public static required(field: string, detail: string): FieldError {
    return new FieldError('Required', field, undefined, detail);
  }

  public static internal(field: string, detail: string): FieldError {
    return new FieldError('Internal', field, undefined, detail);
  }

  public static notSupported(field: string, value: BadValue, supported: string[]): FieldError {
    return new FieldError('NotSupported', field, value, supported.length ? `supported values: ${supported.map(goQuote).join(', ')}` : '');
  }

  public static notFound(field: string, value: BadValue): FieldError {
    return new FieldError('NotFound', field, value, '');
  }

  public static duplicate(field: string, value: BadValue): FieldError {
    return new FieldError('Duplicate', field, value, '');
  }

  public static forbidden(field: string, detail: string): FieldError {
    return new FieldError('Forbidden', field, undefined, detail);
  }

  public static tooLong(field: string, maxLength: number): FieldError {
    return new FieldError('TooLong', field, undefined, `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}`);
  }

  private constructor(
    public readonly type: FieldErrorType,
    public readonly field: string,
    public readonly badValue: BadValue | undefined,
    public readonly detail: string,
  ) {}

  /** `ErrorBody()`: the message without the field. */
  public get body(): string {
    let s = TYPE_TEXT[this.type];
    const v = this.badValue;
    if (v && ['Invalid', 'NotSupported', 'NotFound', 'Duplicate'].includes(this.type)) {
      if (v.kind === 'number') s += `: ${v.value}`;
      else if (v.kind === 'bool') s += `: ${v.value}`;
      else if (v.kind === 'string') s += `: ${goQuote(v.value)}`;
      else s += `: ${v.json}`;
    }
    return this.detail ? `${s}: ${this.detail}` : s;
  }

  /** `Error()`: `<field>: <body>`. */
  public toString(): string {
    return `${this.field}: ${this.body}`;
  }
}

