import * as fs from 'fs';
import { jsYamlModule, yamlModule } from './lazy';

/**
 * Reading YAML that a user or another tool wrote: versions files, ApplicationSet and cluster Secret files,
 * synthesized trees. Every failure is an `InputError` whose message names the file (and the line and
 * column for YAML errors), so the CLI can print it as one line and the library can put it in a synth error.
 *
 * Bounds (so that no input hangs the process or exhausts its memory):
 * - a file larger than `maxBytes` (default 16 MiB) is refused before it is read, and only regular files are
 *   read (a FIFO would block, `/dev/zero` never ends);
 * - text with a NUL byte or invalid UTF-8 is refused as binary;
 * - aliases may not expand a document beyond what Go's YAML decoder (go-yaml, which Argo CD and kubectl use)
 *   accepts: "document contains excessive aliasing" past its alias ratio, and never past
 *   `MAX_EXPANDED_NODES` nodes, so a "billion laughs" document fails in milliseconds;
 * - recursive aliases (an anchor used inside itself) are refused.
 */
export class InputError extends Error {
  constructor(message: string, public readonly file?: string) {
    super(message);
    this.name = 'InputError';
  }
}

/**
 * The largest input file read, unless a caller says otherwise: 16 MiB. Argo CD's repo server refuses a
 * directory Application whose YAML and JSON files total more than 10 MB (`--max-combined-directory-manifests-size`,
 * default "10M", GHSA-jhqp-vf4w-rpwq), and a Kubernetes object is at most 1.5 MiB in etcd; parsing a YAML
 * file of this size takes seconds, one four times larger could take a minute.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;
/** The most nodes one YAML document may expand to through aliases. */
export const MAX_EXPANDED_NODES = 5_000_000;

/** Options of `readTextFile`. */
export interface ReadTextOptions {
  /** Refuse files larger than this. Default `MAX_INPUT_BYTES`. */
  readonly maxBytes?: number;
  /** What the file is, for messages ("versions file"). */
  readonly what?: string;
}

/**
 * Reads a regular text file, with the bounds above; every failure is an `InputError` naming the file. The file
 * is opened without blocking and checked on the open descriptor, so a file swapped for a FIFO or a device
 * after a check is never read.
 */
export function readTextFile(file: string, options: ReadTextOptions = {}): string {
  const what = options.what ? `${options.what} ` : '';
  const failed = (e: any) => new InputError(`${what}${file}: ${e?.code === 'ENOENT' ? 'no such file' : e?.code === 'EACCES' ? 'permission denied' : e?.message ?? e}`, file);
  let fd: number;
  try {
    fd = fs.openSync(file, NON_BLOCKING_READ);
  } catch (e: any) {
    if (e?.code === 'EISDIR') throw new InputError(`${what}${file}: is a directory, not a file`, file);
    throw failed(e);
  }
  let bytes: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new InputError(`${what}${file}: is a directory, not a file`, file);
    if (!stat.isFile()) throw new InputError(`${what}${file}: not a regular file (a device, FIFO or socket is never read)`, file);
    const max = options.maxBytes ?? MAX_INPUT_BYTES;
    if (stat.size > max) throw new InputError(`${what}${file}: ${stat.size} bytes, more than the ${max} read at most`, file);
    bytes = fs.readFileSync(fd);
  } catch (e) {
    throw e instanceof InputError ? e : failed(e);
  } finally {
    fs.closeSync(fd);
  }
  return decodeText(bytes, `${what}${file}`, file);
}

// eslint-disable-next-line no-bitwise
const NON_BLOCKING_READ = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** UTF-8 text or an `InputError`: binary content (a NUL byte, invalid UTF-8) is refused. */
export function decodeText(bytes: Buffer, label: string, file?: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new InputError(`${label}: binary content (a NUL byte at offset ${nul}), not YAML text`, file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${label}: not UTF-8 text`, file);
  }
}

/**
 * Parses multi-document YAML. Empty documents (`---` alone, comments) are dropped, as kubectl and Argo CD
 * do. `label` names the source in messages (a file path).
 */
export function parseYamlDocuments(text: string, label: string): unknown[] {
  checkLineBreaks(text, label);
  let docs: unknown[];
  try {
    docs = jsYamlModule().loadAll(withGoYamlQuotes(text));
  } catch (e) {
    throw yamlError(e, label);
  }
  checkEscapes(text, label);
  docs.forEach((d, i) => checkAliases(d, docs.length > 1 ? `${label} (document ${i + 1})` : label));
  return docs.filter(d => d !== null && d !== undefined);
}

/** Parses a single YAML document (`null` when empty). */
export function parseYamlDocument(text: string, label: string): unknown {
  checkLineBreaks(text, label);
  let doc: unknown;
  try {
    doc = jsYamlModule().load(withGoYamlQuotes(text));
  } catch (e) {
    throw yamlError(e, label);
  }
  checkEscapes(text, label);
  checkAliases(doc, label);
  return doc ?? null;
}

/**
 * A document from text that may not be YAML at all (an inline patch, a values string inside a tree file), or
 * undefined when it is not, with the same alias bounds: nothing embedded in a file can hang a reader.
 */
export function tryParseYamlDocument(text: string): unknown {
  try {
    return parseYamlDocument(text, 'inline YAML');
  } catch {
    return undefined;
  }
}

/** The operations of an inline JSON 6902 patch (a YAML or JSON list), or none when it is not one. */
export function patchOperations(patch: unknown): any[] {
  if (typeof patch !== 'string') return [];
  const parsed = tryParseYamlDocument(patch);
  return Array.isArray(parsed) ? parsed : [];
}

/**
 * Parses JSON that a tool wrote (a state file, a manifest), refusing text nested deeper than `maxDepth` before
 * parsing it: `JSON.parse` builds every level of `[[[[…` (10 million levels of a 20 MB file take a gigabyte).
 * Throws a `SyntaxError`-like `Error` whose message says what is wrong.
 */
export function parseJsonBounded(text: string, maxDepth: number): any {
  const depth = jsonDepth(text, maxDepth);
  if (depth > maxDepth) throw new Error(`nested more than ${maxDepth} levels deep`);
  return JSON.parse(text);
}

/**
 * The bracket depth of a JSON text, strings skipped, stopping once past `stopAt`. One pass: strings are
 * skipped with `indexOf` (a manifest is mostly strings), the few characters between them are looked at.
 */
function jsonDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let at = 0;
  for (;;) {
    const quote = text.indexOf('"', at);
    const end = quote < 0 ? text.length : quote;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5b || c === 0x7b) { // [ {
        if (++depth > max && (max = depth) > stopAt) return max;
      } else if (c === 0x5d || c === 0x7d) { // ] }
        depth--;
      }
    }
    if (quote < 0) return max;
    // The string's end: the next quote not escaped by an odd number of backslashes.
    at = quote + 1;
    for (;;) {
      const close = text.indexOf('"', at);
      if (close < 0) return max;
      let backslashes = 0;
      for (let k = close - 1; k >= at && text.charCodeAt(k) === 0x5c; k--) backslashes++;
      at = close + 1;
      if (backslashes % 2 === 0) break;
    }
  }
}

/**
 * Throws an `InputError` naming `label`, the line and the column where go-yaml (Argo CD, kubectl, kustomize)
 * would read `text` otherwise than a YAML 1.2 reader does (a raw NEL, U+2028 or U+2029) or refuse it (an escape
 * it does not know or that is no character): for YAML parsed otherwise than by `parseYamlDocuments` (SOPS files).
 */
export function checkGoYamlReading(text: string, label: string): void {
  checkLineBreaks(text, label);
  checkEscapes(text, label);
}

/** The characters YAML 1.1 takes for line breaks and YAML 1.2 does not, with the escape each is written as. */
const YAML_1_1_BREAKS: ReadonlyMap<string, [string, string]> = new Map([
  ['\u0085', ['U+0085 (NEXT LINE)', '\\N']],
  ['\u2028', ['U+2028 (LINE SEPARATOR)', '\\L']],
  ['\u2029', ['U+2029 (PARAGRAPH SEPARATOR)', '\\P']],
]);

/**
 * Refuses a raw NEL, U+2028 or U+2029. go-yaml (gopkg.in/yaml.v2 and v3, sigs.k8s.io/yaml's forks; libyaml's
 * `IS_BREAK`) reads each as a line break, as YAML 1.1 says; js-yaml, like YAML 1.2, reads an ordinary character.
 * The two would read different documents: a plain or quoted value folded or cut there, a comment ended there
 * with the rest of its line read as YAML (a key a review would never see). What this reader shows would not be
 * what Argo CD, kubectl and kustomize apply. The writer never writes one raw (yaml.ts escapes them).
 */
function checkLineBreaks(text: string, label: string): void {
  const at = text.search(/[\u0085\u2028\u2029]/);
  if (at < 0) return;
  const before = text.slice(0, at);
  const line = 1 + (before.match(LINE_BREAKS)?.length ?? 0);
  const column = at - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r'));
  const [name, escape] = YAML_1_1_BREAKS.get(text[at])!;
  throw new InputError(`${label}:${line}:${column}: a raw ${name}: go-yaml, which Argo CD, kubectl and kustomize use, reads it as a line break where this reader reads a character, so they would read another document (a comment could end there, the rest of its line read as YAML); remove it, or write it as the escape ${escape} in a double-quoted string`, label);
}

/**
 * The escapes go-yaml knows in a double-quoted scalar (gopkg.in/yaml.v2 and v3 scannerc.go,
 * `yaml_parser_scan_flow_scalar`), each by the character after the backslash, with the hexadecimal digits it
 * takes; a backslash before a line break continues the line.
 */
const GO_YAML_ESCAPES: ReadonlyMap<string, number> = new Map([
  ...[...'0abt\tnvfre "\'\\N_LP'].map(c => [c, 0] as [string, number]),
  ['x', 2], ['u', 4], ['U', 8],
]);
/** Line breaks as both readers count them (a raw NEL, U+2028 or U+2029 was refused before: `checkLineBreaks`). */
const LINE_BREAKS = /\r\n?|\n/g;

/**
 * A backslash that may start an escape go-yaml refuses (one it does not know, a `\U` escape, a `\u` escape of a
 * surrogate): the cheap test before the lexer looks (a plain scalar such as `C:\Users` also matches).
 */
const MAYBE_REFUSED_ESCAPE = /\\(?:[^0abt\tnvfre "'\\N_LPxu\r\n]|u[dD][89a-fA-F])/;

/**
 * Refuses a document with an escape go-yaml refuses in a double-quoted scalar, as Argo CD, kubectl and kustomize
 * would: one it does not know ("found unknown escape character": `\/`, which JSON encoders write and js-yaml
 * reads), and one that is not a Unicode character ("found invalid Unicode character escape code": a surrogate,
 * even a pair written as two escapes, which js-yaml joins, or a code above U+10FFFF). Escapes in other styles are
 * not escapes (plain and single-quoted scalars, block scalars and comments keep a backslash as it is).
 */
function checkEscapes(text: string, label: string): void {
  if (!MAYBE_REFUSED_ESCAPE.test(text)) return;
  const { Lexer, CST } = yamlModule();
  let line = 1;
  for (const token of new Lexer().lex(text)) {
    if (CST.tokenType(token) === 'double-quoted-scalar') {
      const bad = refusedEscape(token);
      if (bad !== undefined) {
        const at = line + (token.slice(0, bad.index).match(LINE_BREAKS)?.length ?? 0);
        throw new InputError(`${label}:${at}: ${bad.why}: Argo CD, kubectl and kustomize refuse the file (go-yaml: "${bad.goYaml}"); write the character itself`, label);
      }
    }
    line += token.match(LINE_BREAKS)?.length ?? 0;
  }
}

interface RefusedEscape {
  readonly why: string;
  readonly goYaml: string;
  readonly index: number;
}

/** The first escape of a double-quoted scalar's source that go-yaml refuses, read as go-yaml reads them. */
function refusedEscape(source: string): RefusedEscape | undefined {
  for (let i = 1; i < source.length - 1; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1];
    if (next === '\r' || next === '\n') {
      i++; // (a line continued)
      continue;
    }
    const digits = GO_YAML_ESCAPES.get(next);
    if (digits === undefined) {
      return { why: `the escape \\${next} in a double-quoted string is not one YAML readers in Go know`, goYaml: 'found unknown escape character', index: i };
    }
    if (digits > 0) {
      const hex = source.slice(i + 2, i + 2 + digits);
      // (fewer or other digits: js-yaml has refused the file already)
      const code = hex.length === digits && /^[0-9a-fA-F]+$/.test(hex) ? parseInt(hex, 16) : 0;
      if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
        return {
          why: `the escape ${source.slice(i, i + 2 + digits)} in a double-quoted string is not a Unicode character (${code > 0x10ffff ? 'above U+10FFFF' : 'a surrogate'})`,
          goYaml: 'found invalid Unicode character escape code',
          index: i,
        };
      }
      i += digits;
    }
    i++; // (the escaped character, a backslash included, starts no other escape)
  }
  return undefined;
}

/**
 * The text with each `\'` of a double-quoted scalar written as `\x27`: go-yaml reads `\'` as a quote
 * (scannerc.go `yaml_parser_scan_flow_scalar`), js-yaml, after YAML 1.2, refuses it ("unknown escape sequence");
 * both read `\x27` as the quote. Elsewhere (plain and single-quoted scalars, block scalars, comments) a backslash is
 * no escape and stays. (A later error's column on the same line is then two further on per escape.)
 */
function withGoYamlQuotes(text: string): string {
  if (!text.includes("\\'")) return text;
  const { Lexer, CST } = yamlModule();
  const parts: string[] = [];
  let length = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue; // (the lexer's own markers)
    length += token.length;
    parts.push(CST.tokenType(token) === 'double-quoted-scalar' ? token.replace(/\\(.)/gs, (e, c) => (c === "'" ? '\\x27' : e)) : token);
  }
  return length === text.length ? parts.join('') : text; // (the tokens are the text, or nothing is changed)
}

function yamlError(e: unknown, label: string): InputError {
  if (e instanceof jsYamlModule().YAMLException) {
    const mark = (e as any).mark;
    const where = mark ? `:${mark.line + 1}:${mark.column + 1}` : '';
    return new InputError(`${label}${where}: ${e.reason}`, label);
  }
  return new InputError(`${label}: ${(e as Error)?.message ?? e}`, label);
}

/**
 * js-yaml resolves an alias to the same JavaScript object as its anchor, so a small document can stand for an
 * enormous tree that any later walk would expand. Counts what the document expands to (memoized per shared
 * object, so the count itself is linear in the document) and applies go-yaml's rule.
 */
function checkAliases(doc: unknown, label: string): void {
  if (doc === null || typeof doc !== 'object') return;
  const sizes = new Map<object, number>();
  const onStack = new Set<object>();
  let distinct = 0;
  const size = (v: unknown): number => {
    if (v === null || typeof v !== 'object') return 1;
    const o = v as object;
    const known = sizes.get(o);
    if (known !== undefined) return known;
    if (onStack.has(o)) throw new InputError(`${label}: recursive alias (an anchor used inside itself)`, label);
    onStack.add(o);
    distinct++;
    let n = 1;
    const children = Array.isArray(o) ? o : Object.values(o);
    for (const c of children) {
      n += size(c);
      if (c !== null && typeof c !== 'object') distinct++;
      if (n > MAX_EXPANDED_NODES) throw new InputError(`${label}: document contains excessive aliasing (expands to more than ${MAX_EXPANDED_NODES} nodes)`, label);
    }
    onStack.delete(o);
    sizes.set(o, n);
    return n;
  };
  const total = size(doc);
  const aliased = total - distinct;
  // go-yaml (yaml.v2 ≥ 2.2.8 and yaml.v3 decode.go): more than 1,000 decoded nodes of which more than
  // `allowedAliasRatio` came from alias expansion is "document contains excessive aliasing".
  if (total > 1000 && aliased > 100 && aliased / total > allowedAliasRatio(total)) {
    throw new InputError(`${label}: document contains excessive aliasing`, label);
  }
}

function allowedAliasRatio(decodeCount: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodeCount <= low) return 0.99;
  if (decodeCount >= high) return 0.10;
  return 0.99 - 0.89 * ((decodeCount - low) / (high - low));
}
