import { escapeSurrogates, isWellFormed, jsonPointerToken } from '../private/util';

/**
 * A YAML emitter for plain JSON data (what ApiObject.toJson() returns), about ten times faster than a general
 * YAML library. Serialization is the largest single cost of writing a fleet-sized tree, and our input is
 * always JSON data: no anchors, tags, dates or cycles. The output is block-style YAML in js-yaml's layout.
 *
 * Scalars are written so that both YAML 1.2 (js-yaml, Argo CD's go-yaml v3) and YAML 1.1 readers
 * (sigs.k8s.io/yaml, kubectl) read back exactly the JSON value: strings that a YAML 1.1 or 1.2 reader would
 * take for a boolean, null, number or timestamp are quoted. test/gitops/yaml.test.ts checks round trips on
 * random data with js-yaml and with the `yaml` package in YAML 1.1 mode.
 */
export function toYaml(value: any): string {
  const out: string[] = [];
  try {
    if (isCollection(value) && !isEmpty(value)) {
      writeBlock(value, 0, out);
    } else {
      out.push(scalarOrEmpty(value, 0), '\n');
    }
  } catch (e) {
    // (found again, only now, for the message: where the string is, never what it holds)
    if (e instanceof Error && e.message === NOT_UNICODE) throw new Error(`${NOT_UNICODE}, at ${surrogatePointer(value, '') ?? '/'}`);
    throw e;
  }
  return out.join('');
}

/** The JSON pointer of the first string or key that holds a lone surrogate, with each written as its `\uXXXX` escape. */
function surrogatePointer(v: any, at: string): string | undefined {
  if (typeof v === 'string') return isWellFormed(v) ? undefined : at || '/';
  if (!isCollection(v)) return undefined;
  for (const k of Object.keys(v)) {
    const here = `${at}/${jsonPointerToken(escapeSurrogates(k))}`;
    if (!isWellFormed(k)) return here;
    const found = v[k] === undefined ? undefined : surrogatePointer(v[k], here);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isCollection(v: any): boolean {
  return v !== null && typeof v === 'object';
}

function isEmpty(v: any): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** Writes a non-empty mapping or sequence, each line starting at `indent` spaces. */
function writeBlock(value: any, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      out.push(pad, '-');
      writeItemValue(item, indent, out);
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    const text = key_(key);
    // go-yaml (as libyaml) gives up on an implicit key longer than 1024 characters ("could not find expected
    // ':'", scannerc.go `yaml_parser_stale_simple_keys`): a longer one is written as an explicit key, `? key`.
    if (text.length <= MAX_IMPLICIT_KEY) out.push(pad, text, ':');
    else out.push(pad, '? ', text, '\n', pad, ':');
    writeEntryValue(v, indent, out);
  }
}

/** The longest key written as an implicit key (in UTF-16 units, never fewer than go-yaml's characters). */
const MAX_IMPLICIT_KEY = 1024;

/** After `key:` */
function writeEntryValue(v: any, indent: number, out: string[]): void {
  if (isCollection(v) && !isEmpty(v)) {
    out.push('\n');
    writeBlock(v, indent + 2, out);
  } else {
    out.push(' ', scalarOrEmpty(v, indent + 2), '\n');
  }
}

/** After `-` */
function writeItemValue(item: any, indent: number, out: string[]): void {
  if (isCollection(item) && !isEmpty(item)) {
    // The first line of the nested block goes on the dash's line: `- key: v` / `- - a`.
    const nested: string[] = [];
    writeBlock(item, indent + 2, nested);
    const text = nested.join('');
    out.push(' ', text.slice(indent + 2));
  } else {
    out.push(' ', scalarOrEmpty(item, indent + 2), '\n');
  }
}

function scalarOrEmpty(v: any, indent: number): string {
  if (Array.isArray(v)) return '[]';
  if (isCollection(v)) return '{}';
  return scalar(v, indent);
}

// Keys repeat across objects (apiVersion, metadata, labels …): remember how each is written.
const keyCache = new Map<string, string>();

function key_(key: string): string {
  let text = keyCache.get(key);
  if (text === undefined) {
    text = isPlainSafe(key) ? key : quoted(key);
    if (keyCache.size < 100_000) keyCache.set(key, text);
  }
  return text;
}

function scalar(v: any, indent: number): string {
  switch (typeof v) {
    case 'string':
      if (isPlainSafe(v)) return v;
      if (v.includes('\n') && isLiteralSafe(v)) return literal(v, indent);
      return quoted(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`cannot write ${v} to YAML: it is not a finite number`);
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return String(v);
      return floatText(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null || v === undefined) return 'null';
      throw new Error(`cannot write a value of type ${typeof v} to YAML`);
  }
}

/** A float in a form every YAML reader parses as the same float (YAML 1.1 needs a '.' in the mantissa). */
function floatText(v: number): string {
  const text = String(v);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  return `${m[1]}${m[2]}.${m[3] ?? '0'}e${m[4]}`;
}

// Characters allowed anywhere in an unquoted scalar we emit, and at its start.
const PLAIN = /^[A-Za-z0-9_./][A-Za-z0-9_./:=@+-]*$/;
// YAML 1.1 and 1.2 booleans and nulls, in every case spelling a reader accepts.
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
// Anything a YAML 1.1 or 1.2 reader may take for a number: ints with signs, underscores, 0x/0o/0b, octal,
// sexagesimal (1:20), floats with exponents (even without a mantissa, as the `yaml` package's 1.1 schema reads
// 'e5'), .inf/.nan.
const NUMBER_LIKE = /^[-+]?[.0-9][0-9a-fA-FxXoObB_:.eE+-]*$|^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$|^[-+]?\.?[eE][-+]?[0-9_]+$/;
// YAML 1.1 timestamps (2001-12-14, 2001-12-14t21:59:43.10-05:00 …).
const TIMESTAMP_LIKE = /^\d{4}-\d{1,2}-\d{1,2}/;

function isPlainSafe(s: string): boolean {
  return PLAIN.test(s) && !RESERVED.test(s) && !NUMBER_LIKE.test(s) && !TIMESTAMP_LIKE.test(s)
    && !s.endsWith(':') && !s.includes('::') && s !== '<<' && s !== '=';
}

/**
 * Characters written only as escapes: those go-yaml's reader refuses raw ("control characters are not allowed":
 * DEL, the C1 controls, U+FFFE, U+FFFF; readerc.go, as libyaml's), those its scanner takes for line breaks inside
 * a scalar (NEL, U+2028, U+2029: folded or trimmed around) and the BOM (which it skips between tokens). JSON's
 * escapes cover the C0 controls; `\uXXXX` is a YAML escape every reader decodes.
 */
const ESCAPED = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;

/**
 * A lone surrogate (half of a UTF-16 pair) is no character: its only YAML form, a `\uD800` escape, is one go-yaml
 * refuses (scannerc.go `yaml_parser_scan_flow_scalar`), and so would Argo CD, kubectl and kustomize.
 */
const NOT_UNICODE = 'cannot write a string holding a lone surrogate (half of a UTF-16 pair) to YAML: Argo CD, kubectl and kustomize refuse its escape ("found invalid Unicode character escape code")';

function quoted(s: string): string {
  // Single quotes keep every printable character literal; anything else goes in JSON-style double quotes,
  // whose escapes are valid YAML.
  if (/^[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/.test(s)) return `'${s.replace(/'/g, "''")}'`;
  if (!isWellFormed(s)) throw new Error(NOT_UNICODE);
  return JSON.stringify(s).replace(ESCAPED, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isLiteralSafe(s: string): boolean {
  // Printable text whose lines carry no trailing spaces, that does not start with a space or a newline, and
  // ends with at most one newline (so that '|' or '|-' chomping reproduces it exactly).
  if (!/^[\x20-\x7e\n\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/.test(s)) return false;
  if (s.startsWith(' ') || s.startsWith('\n') || s.endsWith('\n\n')) return false;
  return !/ \n/.test(s) && !s.endsWith(' ');
}

function literal(s: string, indent: number): string {
  const pad = ' '.repeat(indent);
  const keep = s.endsWith('\n');
  const body = keep ? s.slice(0, -1) : s;
  const lines = body.split('\n').map(line => (line === '' ? '' : pad + line));
  return `|${keep ? '' : '-'}\n${lines.join('\n')}`;
}
