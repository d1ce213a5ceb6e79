/**
 * Go's encoding/json for template values: Marshal (sorted map keys, `<`, `>` and `&` escaped as \u003c…
 * unless HTML escaping is off, U+2028/U+2029 escaped, floats formatted as encoding/json does), MarshalIndent,
 * and Unmarshal into interface{} with the scanner's exact error messages ("invalid character 'x' looking for
 * beginning of value", "unexpected end of JSON input").
 */
import { formatFloat } from './float';
import { quote } from './fmt';
import { NIL_SLICES } from './functions';
import { GoInt, GoMap, GoValue, isGoObject, isMap, NO_VALUE, sortedKeys } from './values';

/** A value encoding/json refuses (NaN, ±Inf), worded as Go's UnsupportedValueError. */
export class JsonError extends Error {}

/** encoding/json.Marshal (or MarshalIndent with `indent`); `escapeHtml` false is json.Encoder.SetEscapeHTML(false). */
export function marshal(v: GoValue, escapeHtml = true, indent?: string): string {
  const out: string[] = [];
  encode(v, escapeHtml, indent, '', out);
  return out.join('');
}

function encode(v: GoValue, html: boolean, indent: string | undefined, prefix: string, out: string[]): void {
  if (v === null || v === NO_VALUE) { out.push('null'); return; }
  if (typeof v === 'string') { out.push(encodeString(v, html)); return; }
  if (typeof v === 'boolean') { out.push(v ? 'true' : 'false'); return; }
  if (typeof v === 'bigint') { out.push(v.toString()); return; }
  if (v instanceof GoInt) { out.push(v.value.toString()); return; }
  if (typeof v === 'number') { out.push(encodeFloat(v)); return; }
  if (isGoObject(v)) { encode(fromPlain(v.json()), html, indent, prefix, out); return; }
  if (v instanceof Uint8Array) { out.push(`"${Buffer.from(v).toString('base64')}"`); return; }
  const inner = indent === undefined ? '' : prefix + indent;
  const nl = indent === undefined ? '' : '\n';
  if (Array.isArray(v)) {
    if (NIL_SLICES.has(v)) { out.push('null'); return; }
    if (v.length === 0) { out.push('[]'); return; }
    out.push('[');
    v.forEach((e, i) => {
      if (i > 0) out.push(',');
      out.push(nl, inner);
      encode(e, html, indent, inner, out);
    });
    out.push(nl, indent === undefined ? '' : prefix, ']');
    return;
  }
  const m = v as GoMap;
  const keys = sortedKeys(m);
  if (keys.length === 0) { out.push('{}'); return; }
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',');
    out.push(nl, inner, encodeString(k, html), indent === undefined ? ':' : ': ');
    encode(m[k], html, indent, inner, out);
  });
  out.push(nl, indent === undefined ? '' : prefix, '}');
}

function fromPlain(v: unknown): GoValue {
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v && typeof v === 'object') {
    const out: GoMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = fromPlain(e);
    return out;
  }
  return v as GoValue;
}

/** encoding/json's string encoding. */
export function encodeString(s: string, html = true): string {
  let out = JSON.stringify(s).replace(/[\u2028\u2029]/g, c => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  if (html) out = out.replace(/[<>&]/g, c => (c === '<' ? '\\u003c' : c === '>' ? '\\u003e' : '\\u0026'));
  return out;
}

/** encoding/json's float64 encoding: 'f' format, or 'e' outside [1e-6, 1e21), with e-09 shortened to e-9. */
export function encodeFloat(f: number): string {
  if (!Number.isFinite(f)) throw new JsonError(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let s = formatFloat(f, fmt, -1);
  if (fmt === 'e') s = s.replace(/e-0(\d)$/, 'e-$1');
  return s;
}

// ---- decoding ---------------------------------------------------------------------------------------------

/** A JSON syntax error, worded as Go's *json.SyntaxError. */
export class JsonSyntaxError extends Error {}

const MAX_NESTING = 10000;

/** encoding/json.Unmarshal into interface{}: objects are maps, numbers float64. */
export function unmarshal(text: string): GoValue {
  const p = new Decoder(text);
  p.ws();
  if (p.i >= text.length) throw new JsonSyntaxError('unexpected end of JSON input');
  const v = p.value(0, 'looking for beginning of value');
  p.ws();
  if (p.i < text.length) throw new JsonSyntaxError(`invalid character ${quoteChar(p.ch())} after top-level value`);
  return v;
}

/** Go's quoteChar for scanner messages. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return '\'"\'';
  const q = quote(c);
  return `'${q.slice(1, -1)}'`;
}

class Decoder {
  public i = 0;
  public constructor(private readonly s: string) {}

  public ch(): string {
    return String.fromCodePoint(this.s.codePointAt(this.i)!);
  }

  public ws(): void {
    while (this.i < this.s.length && ' \t\r\n'.includes(this.s[this.i])) this.i++;
  }

  private eof(): never {
    throw new JsonSyntaxError('unexpected end of JSON input');
  }

  private bad(context: string): never {
    if (this.i >= this.s.length) this.eof();
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.ch())} ${context}`);
  }

  public value(depth: number, context: string): GoValue {
    if (this.i >= this.s.length) this.eof();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === '-' || c >= '0' && c <= '9') return this.number();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    this.bad(context);
  }

  private literal(word: string, v: GoValue): GoValue {
    for (let k = 1; k < word.length; k++) {
      this.i++;
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== word[k]) this.bad(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
    this.i++;
    return v;
  }

  private number(): number {
    const start = this.i;
    if (this.s[this.i] === '-') {
      this.i++;
      if (this.i >= this.s.length) this.eof();
      if (!(this.s[this.i] >= '0' && this.s[this.i] <= '9')) this.bad('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (this.s[this.i] >= '0' && this.s[this.i] <= '9') this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (this.i >= this.s.length) this.eof();
      if (!(this.s[this.i] >= '0' && this.s[this.i] <= '9')) this.bad('after decimal point in numeric literal');
      while (this.s[this.i] >= '0' && this.s[this.i] <= '9') this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (this.i >= this.s.length) this.eof();
      if (!(this.s[this.i] >= '0' && this.s[this.i] <= '9')) this.bad('in exponent of numeric literal');
      while (this.s[this.i] >= '0' && this.s[this.i] <= '9') this.i++;
    }
    const text = this.s.slice(start, this.i);
    const f = Number(text);
    if (!Number.isFinite(f)) throw new JsonSyntaxError(`json: cannot unmarshal number ${text} into Go value of type float64`);
    return f;
  }

  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.eof();
      const c = this.s[this.i];
      if (c === '"') { this.i++; return out; }
      if (c < ' ') this.bad('in string literal');
      if (c !== '\\') { out += c; this.i++; continue; }
      this.i++;
      if (this.i >= this.s.length) this.eof();
      const e = this.s[this.i];
      const simple: Record<string, string> = { 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', '"': '"', '\\': '\\', '/': '/' };
      if (simple[e] !== undefined) { out += simple[e]; this.i++; continue; }
      if (e !== 'u') this.bad('in string escape code');
      let code = 0;
      for (let k = 0; k < 4; k++) {
        this.i++;
        if (this.i >= this.s.length) this.eof();
        const h = this.s[this.i];
        if (!/[0-9a-fA-F]/.test(h)) this.bad('in \\u hexadecimal character escape');
        code = code * 16 + parseInt(h, 16);
      }
      this.i++;
      out += String.fromCharCode(code);
    }
  }

  private array(depth: number): GoValue[] {
    if (depth > MAX_NESTING) throw new JsonSyntaxError('exceeded max depth');
    this.i++;
    const out: GoValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') { this.i++; return out; }
    for (;;) {
      this.ws();
      out.push(this.value(depth, 'looking for beginning of value'));
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === ']') { this.i++; return out; }
      this.bad('after array element');
    }
  }

  private object(depth: number): GoMap {
    if (depth > MAX_NESTING) throw new JsonSyntaxError('exceeded max depth');
    this.i++;
    const out: GoMap = {};
    this.ws();
    if (this.s[this.i] === '}') { this.i++; return out; }
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== '"') this.bad('looking for beginning of object key string');
      const key = fixSurrogates(this.string());
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] !== ':') this.bad('after object key');
      this.i++;
      this.ws();
      const v = this.value(depth, 'looking for beginning of value');
      Object.defineProperty(out, key, { value: typeof v === 'string' ? fixSurrogates(v) : v, enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.i >= this.s.length) this.eof();
      if (this.s[this.i] === ',') { this.i++; continue; }
      if (this.s[this.i] === '}') { this.i++; return out; }
      this.bad('after object key:value pair');
    }
  }
}

/** Lone surrogates (from \ud800 escapes) decode as U+FFFD in Go. */
function fixSurrogates(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

export { isMap };
