/* eslint-disable no-bitwise */ // UTF-8 decoding, IEEE 754 bits and base32/base64/adler32 are bit operations by nature
/**
 * sprig v3.3.0's string, encoding, path, URL and regular-expression functions (strings.go, regex.go, url.go,
 * the path entries of functions.go), with the Go semantics they inherit: strings are UTF-8 bytes (`trunc`,
 * `substr`, `abbrev` and `nospace` cut or test bytes), Go's unicode case mappings, goutils' and xstrings'
 * algorithms, and the panics Go turns into `error calling …`.
 */
import { createHash } from 'crypto';
import { quote } from './fmt';
import { FunctionError, fn, nilSlice, stringMap, stringSlice, strval, TemplateFunction } from './functions';
import { checkOutputSize } from './limits';
import { pathBase, pathClean, pathDir, pathExt, pathIsAbs } from '../go-path';
import { compileRegexp, GoRegexp, mustCompileMessage, quoteMeta, RegexpSyntaxError } from './regexp';
import { adler32, base32Decode, base32Encode, base64Decode, urlJoin, urlParse } from './sprig-encodings';
import { GoMap, GoValue, NO_VALUE } from './values';

export const SPRIG_STRING_FUNCTIONS: [string, TemplateFunction][] = [
  ['hello', fn('', () => 'Hello!')],
  ['abbrev', fn('is', (w: bigint, s: string) => abbrev(Number(w), s))],
  ['abbrevboth', fn('iis', (l: bigint, r: bigint, s: string) => abbrevboth(Number(l), Number(r), s))],
  ['trunc', fn('is', (c: bigint, s: string) => trunc(Number(c), s))],
  ['trim', fn('s', (s: string) => trimSpace(s))],
  ['upper', fn('s', (s: string) => toUpper(s))],
  ['lower', fn('s', (s: string) => toLower(s))],
  ['title', fn('s', (s: string) => title(s))],
  ['untitle', fn('s', (s: string) => untitle(s))],
  ['substr', fn('iis', (a: bigint, b: bigint, s: string) => substring(Number(a), Number(b), s))],
  ['repeat', fn('is', (n: bigint, s: string) => repeat(n, s))],
  ['trimall', fn('ss', (a: string, b: string) => trimCutset(b, a))],
  ['trimAll', fn('ss', (a: string, b: string) => trimCutset(b, a))],
  ['trimSuffix', fn('ss', (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b))],
  ['trimPrefix', fn('ss', (a: string, b: string) => (b.startsWith(a) ? b.slice(a.length) : b))],
  ['nospace', fn('s', (s: string) => deleteWhiteSpace(s))],
  ['initials', fn('s', (s: string) => initials(s))],
  ['swapcase', fn('s', (s: string) => swapCase(s))],
  ['snakecase', fn('s', (s: string) => camelCaseToLowerCase(s, '_'))],
  ['camelcase', fn('s', (s: string) => toPascalCase(s))],
  ['kebabcase', fn('s', (s: string) => camelCaseToLowerCase(s, '-'))],
  ['wrap', fn('is', (l: bigint, s: string) => wrapCustom(s, Number(l), '', false))],
  ['wrapWith', fn('iss', (l: bigint, sep: string, s: string) => wrapCustom(s, Number(l), sep, true))],
  ['contains', fn('ss', (sub: string, s: string) => s.includes(sub))],
  ['hasPrefix', fn('ss', (p: string, s: string) => s.startsWith(p))],
  ['hasSuffix', fn('ss', (p: string, s: string) => s.endsWith(p))],
  ['quote', fn('', (...args: GoValue[]) => args.filter(a => a !== null).map(a => quote(strval(a))).join(' '), 'a')],
  ['squote', fn('', (...args: GoValue[]) => args.filter(a => a !== null).map(a => `'${strval(a === NO_VALUE ? null : a)}'`).join(' '), 'a')],
  ['cat', fn('', (...args: GoValue[]) => args.filter(a => a !== null).map(strval).join(' '), 'a')],
  ['indent', fn('is', (n: bigint, s: string) => indent(n, s))],
  ['nindent', fn('is', (n: bigint, s: string) => '\n' + indent(n, s))],
  ['replace', fn('sss', (o: string, n: string, s: string) => replaceAll(s, o, n))],
  ['plural', fn('ssi', (one: string, many: string, n: bigint) => (n === 1n ? one : many))],
  ['sha1sum', fn('s', (s: string) => createHash('sha1').update(s, 'utf8').digest('hex'))],
  ['sha256sum', fn('s', (s: string) => createHash('sha256').update(s, 'utf8').digest('hex'))],
  ['sha512sum', fn('s', (s: string) => createHash('sha512').update(s, 'utf8').digest('hex'))],
  ['adler32sum', fn('s', (s: string) => String(adler32(Buffer.from(s, 'utf8'))))],
  ['toString', fn('a', (v: GoValue) => strval(v))],
  ['splitList', fn('ss', (sep: string, s: string) => stringSlice(goSplit(s, sep, -1)))],
  ['split', fn('ss', (sep: string, s: string) => indexedMap(goSplit(s, sep, -1)))],
  ['splitn', fn('sis', (sep: string, n: bigint, s: string) => indexedMap(goSplit(s, sep, Number(n))))],
  ['b64enc', fn('s', (s: string) => Buffer.from(s, 'utf8').toString('base64'))],
  ['b64dec', fn('s', (s: string) => base64Decode(s))],
  ['b32enc', fn('s', (s: string) => base32Encode(Buffer.from(s, 'utf8')))],
  ['b32dec', fn('s', (s: string) => base32Decode(s))],
  ['base', fn('s', (s: string) => pathBase(s))],
  ['dir', fn('s', (s: string) => pathDir(s))],
  ['clean', fn('s', (s: string) => pathClean(s))],
  ['ext', fn('s', (s: string) => pathExt(s))],
  ['isAbs', fn('s', (s: string) => pathIsAbs(s))],
  ['osBase', fn('s', (s: string) => pathBase(s))],
  ['osClean', fn('s', (s: string) => pathClean(s))],
  ['osDir', fn('s', (s: string) => pathDir(s))],
  ['osExt', fn('s', (s: string) => pathExt(s))],
  ['osIsAbs', fn('s', (s: string) => pathIsAbs(s))],
  ['urlParse', fn('s', (s: string) => urlParse(s))],
  ['urlJoin', fn('m', (d: GoMap | null) => urlJoin(d ?? {}))],
  // regex.go: the plain variants compile with MustCompile (a panic) except regexMatch, which returns false.
  ['regexMatch', fn('ss', (r: string, s: string) => { try { return compileRegexp(r).matchString(s); } catch (e) { if (e instanceof RegexpSyntaxError) return false; throw e; } })],
  ['mustRegexMatch', fn('ss', (r: string, s: string) => compile(r).matchString(s))],
  ['regexFindAll', fn('ssi', (r: string, s: string, n: bigint) => strings(mustCompile(r).findAllString(s, Number(n))))],
  ['mustRegexFindAll', fn('ssi', (r: string, s: string, n: bigint) => strings(compile(r, true).findAllString(s, Number(n))))],
  ['regexFind', fn('ss', (r: string, s: string) => mustCompile(r).findString(s))],
  ['mustRegexFind', fn('ss', (r: string, s: string) => compile(r).findString(s))],
  ['regexReplaceAll', fn('sss', (r: string, s: string, repl: string) => mustCompile(r).replaceAllString(s, repl))],
  ['mustRegexReplaceAll', fn('sss', (r: string, s: string, repl: string) => compile(r).replaceAllString(s, repl))],
  ['regexReplaceAllLiteral', fn('sss', (r: string, s: string, repl: string) => mustCompile(r).replaceAllLiteralString(s, repl))],
  ['mustRegexReplaceAllLiteral', fn('sss', (r: string, s: string, repl: string) => compile(r).replaceAllLiteralString(s, repl))],
  ['regexSplit', fn('ssi', (r: string, s: string, n: bigint) => strings(mustCompile(r).split(s, Number(n))))],
  ['mustRegexSplit', fn('ssi', (r: string, s: string, n: bigint) => strings(compile(r, true).split(s, Number(n))))],
  ['regexQuoteMeta', fn('s', (s: string) => quoteMeta(s))],
];

function strings(v: string[] | undefined): GoValue[] {
  return v === undefined ? nilSlice('[]string') : stringSlice(v);
}

/** regexp.Compile for the must* variants: the error is returned. */
function compile(expr: string, _emptyOnError = false): GoRegexp {
  try {
    return compileRegexp(expr);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) throw new FunctionError(e.message);
    throw e;
  }
}

/** regexp.MustCompile: the error is a panic, which text/template reports with MustCompile's own wording. */
function mustCompile(expr: string): GoRegexp {
  try {
    return compileRegexp(expr);
  } catch (e) {
    if (e instanceof RegexpSyntaxError) throw new FunctionError(mustCompileMessage(expr, e));
    throw e;
  }
}

// ---- Go strings --------------------------------------------------------------------------------------------

function utf8(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/** Bytes back into a string; an invalid sequence (a cut rune) becomes U+FFFD, as JSON encoding later does in Go. */
function str(b: Uint8Array): string {
  return Buffer.from(b).toString('utf8');
}

const isAsciiOnly = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** strings.ToUpper: unicode.ToUpper rune by rune (no special casing: ß stays ß). */
export function toUpper(s: string): string {
  if (isAsciiOnly(s)) return s.toUpperCase();
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += [...u].length === 1 ? u : ch;
  }
  return out;
}

/** strings.ToLower: unicode.ToLower rune by rune (İ → i, Σ → σ everywhere). */
export function toLower(s: string): string {
  if (isAsciiOnly(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    const l = ch.toLowerCase();
    out += [...l].length === 1 ? l : [...l][0];
  }
  return out;
}

const TITLE_CASE: Record<string, string> = { Ǆ: 'ǅ', ǅ: 'ǅ', ǆ: 'ǅ', Ǉ: 'ǈ', ǈ: 'ǈ', ǉ: 'ǈ', Ǌ: 'ǋ', ǋ: 'ǋ', ǌ: 'ǋ', Ǳ: 'ǲ', ǲ: 'ǲ', ǳ: 'ǲ' };

/** unicode.ToTitle of one rune. */
function toTitleRune(ch: string): string {
  return TITLE_CASE[ch] ?? toUpper(ch);
}

/** unicode.IsSpace. */
export function isSpaceRune(r: number): boolean {
  return r === 0x20 || r >= 0x09 && r <= 0x0d || r === 0x85 || r === 0xa0 || r === 0x1680 || r >= 0x2000 && r <= 0x200a
    || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000;
}

function isLetter(ch: string): boolean {
  return /^\p{L}$/u.test(ch);
}

/** strings.Title: the first letter of each word in title case; words are split by Go's isSeparator. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? toTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const r = ch.codePointAt(0)!;
  if (r <= 0x7f) return !/[0-9a-zA-Z_]/.test(ch);
  if (isLetter(ch) || /^\p{Nd}$/u.test(ch)) return false;
  return isSpaceRune(r);
}

/** goutils.Uncapitalize: the first letter of each whitespace-separated word lowered. */
function untitle(s: string): string {
  let next = true;
  let out = '';
  for (const ch of s) {
    if (isSpaceRune(ch.codePointAt(0)!)) { next = true; out += ch; } else if (next) { out += toLower(ch); next = false; } else {out += ch;}
  }
  return out;
}

/** goutils.SwapCase: upper → lower, lower after whitespace or at the start → title, other lower → upper. */
function swapCase(s: string): string {
  let whitespace = true;
  let out = '';
  for (const ch of s) {
    const isUpper = ch !== toLower(ch) && ch === toUpper(ch);
    const isLower = ch !== toUpper(ch) && ch === toLower(ch);
    if (TITLE_CASE[ch] === ch || isUpper) {
      out += toLower(ch);
      whitespace = false;
    } else if (isLower) {
      out += whitespace ? toTitleRune(ch) : toUpper(ch);
      whitespace = false;
    } else {
      out += ch;
      whitespace = isSpaceRune(ch.codePointAt(0)!);
    }
  }
  return out;
}

/** strings.TrimSpace. */
function trimSpace(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isSpaceRune(s.codePointAt(i)!)) i++;
  while (j > i && isSpaceRune(s.charCodeAt(j - 1))) j--;
  return s.slice(i, j);
}

/** strings.Trim(s, cutset): runes of the cutset removed from both ends. */
function trimCutset(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const cut = new Set([...cutset]);
  const runes = [...s];
  let i = 0;
  let j = runes.length;
  while (i < j && cut.has(runes[i])) i++;
  while (j > i && cut.has(runes[j - 1])) j--;
  return runes.slice(i, j).join('');
}

/** strings.Replace(s, old, new, -1): an empty `old` inserts `new` around every rune. */
function replaceAll(s: string, old: string, replacement: string): string {
  if (old === replacement) return s;
  if (old === '') {
    const runes = [...s];
    const out = replacement + runes.map(r => r + replacement).join('');
    checkOutputSize(out.length, 'replace');
    return out;
  }
  const parts = s.split(old);
  checkOutputSize(s.length + (parts.length - 1) * (replacement.length - old.length), 'replace');
  return parts.join(replacement);
}

/** strings.Split / SplitN: an empty separator splits into runes. */
export function goSplit(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const runes = [...s];
    if (n < 0 || n > runes.length) return runes;
    return [...runes.slice(0, n - 1), runes.slice(n - 1).join('')];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function indexedMap(parts: string[]): GoMap {
  const m: GoMap = {};
  parts.forEach((p, i) => { m[`_${i}`] = p; });
  return stringMap(m);
}

function repeat(count: bigint, s: string): string {
  if (count < 0n) throw new FunctionError('strings: negative Repeat count');
  if (count === 0n || s === '') return '';
  checkOutputSize(Number(count) * Buffer.byteLength(s), 'repeat');
  return s.repeat(Number(count));
}

function indent(spaces: bigint, v: string): string {
  if (spaces < 0n) throw new FunctionError('strings: negative Repeat count');
  const pad = ' '.repeat(Math.min(Number(spaces), 1 << 30));
  const lines = v.split('\n').length;
  checkOutputSize(v.length + Number(spaces) * lines, 'indent');
  return pad + v.replace(/\n/g, '\n' + pad);
}

/** Go's slice expression s[a:b] on the bytes of s, with Go's panic for bad bounds. */
function sliceBytes(s: string, start: number | undefined, end: number | undefined): string {
  const b = utf8(s);
  const lo = start ?? 0;
  const hi = end ?? b.length;
  if (end !== undefined && (hi < 0 || hi > b.length)) throw new FunctionError(`runtime error: slice bounds out of range [:${hi}] with length ${b.length}`);
  if (start !== undefined && end === undefined && (lo < 0 || lo > b.length)) throw new FunctionError(`runtime error: slice bounds out of range [${lo}:${b.length}]`);
  if (lo < 0 || lo > hi) throw new FunctionError(`runtime error: slice bounds out of range [${lo}:${hi}]`);
  return str(b.subarray(lo, hi));
}

function trunc(c: number, s: string): string {
  const n = Buffer.byteLength(s);
  if (c < 0 && n + c > 0) return sliceBytes(s, n + c, undefined);
  if (c >= 0 && n > c) return sliceBytes(s, undefined, c);
  return s;
}

function substring(start: number, end: number, s: string): string {
  if (start < 0) return sliceBytes(s, undefined, end);
  if (end < 0 || end > Buffer.byteLength(s)) return sliceBytes(s, start, undefined);
  return sliceBytes(s, start, end);
}

/** goutils.AbbreviateFull (byte offsets). */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  if (maxWidth < 4) throw new FunctionError('stringutils illegal argument: Minimum abbreviation width is 4');
  const len = Buffer.byteLength(s);
  if (len <= maxWidth) return s;
  if (offset > len) offset = len;
  if (len - offset < maxWidth - 3) offset = len - (maxWidth - 3);
  if (offset <= 4) return sliceBytes(s, 0, maxWidth - 3) + '...';
  if (maxWidth < 7) throw new FunctionError('stringutils illegal argument: Minimum abbreviation width with offset is 7');
  if (offset + maxWidth - 3 < len) return '...' + abbreviateFull(sliceBytes(s, offset, undefined), 0, maxWidth - 3);
  return '...' + sliceBytes(s, len - (maxWidth - 3), undefined);
}

function abbrev(width: number, s: string): string {
  if (width < 4) return s;
  try { return abbreviateFull(s, 0, width); } catch { return ''; }
}

function abbrevboth(left: number, right: number, s: string): string {
  if (right < 4 || left > 0 && right < 7) return s;
  try { return abbreviateFull(s, left, right); } catch { return ''; }
}

/** goutils.DeleteWhiteSpace: byte by byte (a non-ASCII byte is written back as the rune of that value). */
function deleteWhiteSpace(s: string): string {
  if (s === '') return s;
  const b = utf8(s);
  let out = '';
  let count = 0;
  for (const byte of b) {
    if (!isSpaceRune(byte)) { out += String.fromCharCode(byte); count++; }
  }
  return count === b.length ? s : out;
}

/** goutils.Initials: the first byte of each whitespace-separated word (as a rune of that value). */
function initials(s: string): string {
  let out = '';
  let gap = true;
  for (const byte of utf8(s)) {
    if (isSpaceRune(byte)) {gap = true;} else if (gap) { out += String.fromCharCode(byte); gap = false; }
  }
  return out;
}

/** goutils.WrapCustom (byte offsets). */
function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLongWords: boolean): string {
  if (s === '') return '';
  const nl = newLine === '' ? '\n' : newLine;
  const b = utf8(s);
  const w = wrapLength < 1 ? 1 : wrapLength;
  let offset = 0;
  const out: string[] = [];
  while (b.length - offset > w) {
    if (b[offset] === 0x20) { offset++; continue; }
    const end = w + offset + 1;
    const window = b.subarray(offset, end);
    const space = window.lastIndexOf(0x20);
    if (space >= 0) {
      out.push(str(b.subarray(offset, offset + space)), nl);
      offset = offset + space + 1;
    } else if (wrapLongWords) {
      out.push(str(b.subarray(offset, w + offset)), nl);
      offset += w;
    } else {
      const e = w + offset;
      const idx = b.subarray(e).indexOf(0x20);
      if (idx === -1) {
        out.push(str(b.subarray(offset)));
        offset = b.length;
      } else {
        out.push(str(b.subarray(offset, idx + e)), nl);
        offset = idx + e + 1;
      }
    }
  }
  out.push(str(b.subarray(offset)));
  return out.join('');
}

// ---- xstrings (camel, snake and kebab case) ------------------------------------------------------------------

function isConnector(ch: string): boolean {
  return ch === '-' || ch === '_' || isSpaceRune(ch.codePointAt(0)!);
}
const isUpperRune = (ch: string): boolean => /^\p{Lu}$/u.test(ch) || TITLE_CASE[ch] === ch;
const isPunct = (ch: string): boolean => /^\p{P}$/u.test(ch);
const isNumber = (ch: string): boolean => /^\p{N}$/u.test(ch);
const isAlphabet = (ch: string): boolean => isLetter(ch);

/** xstrings.ToPascalCase (sprig's `camelcase`). */
function toPascalCase(s: string): string {
  const runes = [...s];
  if (runes.length === 0) return '';
  let out = '';
  let i = 0;
  let r0 = '';
  for (; i < runes.length; i++) {
    r0 = runes[i];
    if (!isConnector(r0)) { r0 = toUpper(r0); i++; break; }
    out += r0;
    if (i === runes.length - 1) return out;
  }
  if (i >= runes.length) return out + r0;
  for (; i < runes.length; i++) {
    const r1 = r0;
    r0 = runes[i];
    if (isConnector(r0) && isConnector(r1)) { out += r1; continue; }
    if (isConnector(r1)) r0 = toUpper(r0);
    else out += r1;
  }
  return out + r0;
}

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other';

function nextWord(runes: string[], start: number): { wt: WordType; end: number } {
  let i = start;
  const r = runes[i++];
  const take = (pred: (c: string) => boolean): void => { while (i < runes.length && pred(runes[i])) i++; };
  if (isConnector(r)) { take(isConnector); return { wt: 'connector', end: i }; }
  if (isPunct(r)) { take(isPunct); return { wt: 'punct', end: i }; }
  if (isUpperRune(r)) {
    if (i < runes.length) {
      const n = runes[i];
      if (isUpperRune(n)) {
        take(isUpperRune);
        if (i < runes.length && isAlphabet(runes[i])) i--;
      } else if (isAlphabet(n)) {
        take(c => isAlphabet(c) && !isUpperRune(c));
      }
    }
    return { wt: 'upper', end: i };
  }
  if (isAlphabet(r)) { take(c => isAlphabet(c) && !isUpperRune(c)); return { wt: 'alphabet', end: i }; }
  if (isNumber(r)) { take(isNumber); return { wt: 'number', end: i }; }
  take(c => !(isConnector(c) || isAlphabet(c) || isNumber(c) || isPunct(c)));
  return { wt: 'other', end: i };
}

/** xstrings' camelCaseToLowerCase (ToSnakeCase, ToKebabCase). */
function camelCaseToLowerCase(s: string, connector: string): string {
  const runes = [...s];
  if (runes.length === 0) return '';
  let out = '';
  let pos = 0;
  const next = (): { wt: WordType; word: string } => {
    if (pos >= runes.length) return { wt: 'invalid', word: '' };
    const { wt, end } = nextWord(runes, pos);
    const word = runes.slice(pos, end).join('');
    pos = end;
    return { wt, word };
  };
  const lower = (wt: WordType, word: string): void => {
    if (wt !== 'upper' && wt !== 'connector') { out += word; return; }
    for (const ch of word) out += isConnector(ch) ? connector : isUpperRune(ch) ? toLower(ch) : ch;
  };
  let { wt, word } = next();
  while (pos < runes.length) {
    if (wt !== 'connector') lower(wt, word);
    const prev = wt;
    const last = word;
    ({ wt, word } = next());
    switch (prev) {
      case 'number':
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, word);
          ({ wt, word } = next());
        }
        if (wt !== 'invalid' && wt !== 'punct' && wt !== 'connector') out += connector;
        break;
      case 'connector':
        lower(prev, last);
        break;
      case 'punct':
        break;
      default: {
        if (wt !== 'number') {
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        if (pos >= runes.length) break;
        const lastNumber = word;
        ({ wt, word } = next());
        if (wt !== 'alphabet') {
          lower('number', lastNumber);
          if (wt !== 'connector' && wt !== 'punct') out += connector;
          break;
        }
        out += connector;
        lower('number', lastNumber);
        while (wt === 'alphabet' || wt === 'number') {
          lower(wt, word);
          ({ wt, word } = next());
        }
        if (wt !== 'invalid' && wt !== 'connector' && wt !== 'punct') out += connector;
      }
    }
  }
  lower(wt, word);
  return out;
}

export { utf8 };

