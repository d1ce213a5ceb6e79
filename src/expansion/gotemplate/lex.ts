/**
 * The lexer of Go's `text/template` (text/template/parse/lex.go): tokens, positions and error wording as Go's.
 */

/** A parse or execution error, worded like Go's. */
export class TemplateError extends Error {}

export type TokKind = 'text' | 'left' | 'right' | 'field' | 'variable' | 'dot' | 'ident' | 'keyword' | 'string' | 'rawstring'
| 'char' | 'number' | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'space' | 'eof' | 'comment' | 'punct' | 'lexerror';
export interface Tok { kind: TokKind; val: string; pos: number }

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

/**
 * Splits a template into tokens, as Go's lexer does. A lexical error ends the list with an error item that the
 * parser raises only when it reaches it (Go lexes lazily, so an earlier parse error wins).
 */
export function lex(text: string): Tok[] {
  const toks: Tok[] = [];
  try {
    lexInto(text, toks);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    toks.push({ kind: 'lexerror', val: e.message, pos: text.length });
  }
  return toks;
}

function lexInto(text: string, toks: Tok[]): void {
  let i = 0;
  let trimNextText = false;
  while (i < text.length) {
    let start = text.indexOf('{{', i);
    if (start < 0) start = text.length;
    let chunk = text.slice(i, start);
    const leftTrim = start < text.length && text[start + 2] === '-' && isSpace(text[start + 3]);
    if (trimNextText) chunk = chunk.replace(/^[ \t\r\n]+/, '');
    if (leftTrim) chunk = chunk.replace(/[ \t\r\n]+$/, '');
    if (chunk.length > 0) toks.push({ kind: 'text', val: chunk, pos: i });
    trimNextText = false;
    if (start >= text.length) break;
    let j = start + 2 + (leftTrim ? 2 : 0);
    // Comments.
    if (text.startsWith('/*', j)) {
      const end = text.indexOf('*/', j);
      if (end < 0) throw new TemplateError(`template: base:${lineOf(text, start)}: unclosed comment`);
      let k = end + 2;
      const rightTrim = isSpace(text[k]) && text[k + 1] === '-' && text.startsWith('}}', k + 2);
      if (rightTrim) k += 2;
      if (!text.startsWith('}}', k)) throw new TemplateError(`template: base:${lineOf(text, start)}: comment ends before closing delimiter`);
      trimNextText = rightTrim;
      i = k + 2;
      continue;
    }
    toks.push({ kind: 'left', val: '{{', pos: start });
    let parenDepth = 0;
    for (;;) {
      if (j >= text.length) throw new TemplateError(`template: base:${lineOf(text, start)}: unclosed action`);
      const c = text[j];
      if (isSpace(c) && text[j + 1] === '-' && text.startsWith('}}', j + 2)) {
        toks.push({ kind: 'right', val: '}}', pos: j + 2 });
        trimNextText = true;
        i = j + 4;
        break;
      }
      if (text.startsWith('}}', j)) {
        if (parenDepth > 0) throw new TemplateError(`template: base:${lineOf(text, j)}: unclosed left paren`);
        toks.push({ kind: 'right', val: '}}', pos: j });
        i = j + 2;
        break;
      }
      if (c === '\n' || c === '\r') {
        // Newlines are allowed inside actions since Go 1.16; treat as space.
      }
      if (isSpace(c)) {
        let k = j;
        while (k < text.length && isSpace(text[k]) && !(text[k + 1] === '-' && text.startsWith('}}', k + 2) && isSpace(text[k]))) k++;
        if (k === j) k++;
        toks.push({ kind: 'space', val: text.slice(j, k), pos: j });
        j = k;
        continue;
      }
      if (c === ':' ) {
        if (text[j + 1] !== '=') throw new TemplateError(`template: base:${lineOf(text, j)}: expected :=`);
        toks.push({ kind: 'declare', val: ':=', pos: j }); j += 2; continue;
      }
      if (c === '=') { toks.push({ kind: 'assign', val: '=', pos: j }); j++; continue; }
      if (c === '|') { toks.push({ kind: 'pipe', val: '|', pos: j }); j++; continue; }
      if (c === ',') { toks.push({ kind: 'comma', val: ',', pos: j }); j++; continue; }
      if (c === '(') { parenDepth++; toks.push({ kind: 'lparen', val: '(', pos: j }); j++; continue; }
      if (c === ')') {
        parenDepth--;
        if (parenDepth < 0) throw new TemplateError(`template: base:${lineOf(text, j)}: unexpected right paren`);
        toks.push({ kind: 'rparen', val: ')', pos: j }); j++; continue;
      }
      if (c === '"') {
        let k = j + 1;
        while (k < text.length && text[k] !== '"') {
          if (text[k] === '\\') k++;
          if (text[k] === '\n') throw new TemplateError(`template: base:${lineOf(text, j)}: unterminated quoted string`);
          k++;
        }
        if (k >= text.length) throw new TemplateError(`template: base:${lineOf(text, j)}: unterminated quoted string`);
        toks.push({ kind: 'string', val: text.slice(j, k + 1), pos: j }); j = k + 1; continue;
      }
      if (c === '`') {
        const k = text.indexOf('`', j + 1);
        if (k < 0) throw new TemplateError(`template: base:${lineOf(text, j)}: unterminated raw quoted string`);
        toks.push({ kind: 'rawstring', val: text.slice(j, k + 1), pos: j }); j = k + 1; continue;
      }
      if (c === "'") {
        let k = j + 1;
        while (k < text.length && text[k] !== "'") { if (text[k] === '\\') k++; k++; }
        if (k >= text.length) throw new TemplateError(`template: base:${lineOf(text, j)}: unterminated character constant`);
        toks.push({ kind: 'char', val: text.slice(j, k + 1), pos: j }); j = k + 1; continue;
      }
      if (c === '$') {
        const m = /^\$[\p{L}_0-9]*/u.exec(text.slice(j))!;
        atTerminator(text, j + m[0].length);
        toks.push({ kind: 'variable', val: m[0], pos: j }); j += m[0].length; continue;
      }
      if (c === '.') {
        const m = /^\.[\p{L}_0-9]*/u.exec(text.slice(j));
        if (m && m[0].length > 1 && !/[0-9]/.test(m[0][1])) {
          atTerminator(text, j + m[0].length);
          toks.push({ kind: 'field', val: m[0], pos: j }); j += m[0].length; continue;
        }
        if (/[0-9]/.test(text[j + 1] ?? '')) {
          // a number like .5
        } else {
          toks.push({ kind: 'dot', val: '.', pos: j }); j++; continue;
        }
      }
      if (/[0-9+\-.]/.test(c)) {
        const { end, ok } = scanNumber(text, j);
        if (!ok) throw new TemplateError(`template: base:${lineOf(text, j)}: bad number syntax: ${JSON.stringify(text.slice(j, end))}`);
        toks.push({ kind: 'number', val: text.slice(j, end), pos: j }); j = end; continue;
      }
      const m = /^[\p{L}_][\p{L}_0-9]*/u.exec(text.slice(j));
      if (m) {
        const word = m[0];
        atTerminator(text, j + word.length);
        const kind: TokKind = KEYWORDS.has(word) ? 'keyword' : word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'ident';
        toks.push({ kind, val: word, pos: j }); j += word.length; continue;
      }
      // Printable ASCII is a one-character item the parser rejects in context; anything else stops the lexer.
      const cp = text.codePointAt(j)!;
      if (cp < 0x7f && cp >= 0x20) { toks.push({ kind: 'punct', val: c, pos: j }); j++; continue; }
      throw new TemplateError(`template: base:${lineOf(text, j)}: unrecognized character in action: ${goU(cp)}`);
    }
  }
  toks.push({ kind: 'eof', val: '', pos: text.length });
}

/** Go's lexer after a field, variable or identifier: the next character must end it (lexFieldOrVariable, lexIdentifier). */
function atTerminator(text: string, k: number): void {
  const c = text[k];
  if (c === undefined || isSpace(c) || '.,|:()'.includes(c) || text.startsWith('}}', k)) return;
  throw new TemplateError(`template: base:${lineOf(text, k)}: bad character ${goU(text.codePointAt(k)!)}`);
}

/** fmt's %#U. */
function goU(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return /[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(String.fromCodePoint(cp)) ? `U+${hex} '${String.fromCodePoint(cp)}'` : `U+${hex}`;
}

/** Go's lexer scanNumber: how far a number runs, and whether an alphanumeric follows it (then "bad number syntax"). */
function scanNumber(s: string, j: number): { end: number; ok: boolean } {
  let k = j;
  const has = (set: string) => k < s.length && set.includes(s[k]);
  if (has('+-')) k++;
  let digits = '0123456789_';
  if (has('0')) {
    k++;
    if (has('xX')) { k++; digits = '0123456789abcdefABCDEF_'; } else if (has('oO')) { k++; digits = '01234567_'; } else if (has('bB')) { k++; digits = '01_'; }
  }
  while (has(digits)) k++;
  if (has('.')) { k++; while (has(digits)) k++; }
  if (digits.length === 11 && has('eE')) { k++; if (has('+-')) k++; while (has('0123456789_')) k++; }
  if (digits.length === 23 && has('pP')) { k++; if (has('+-')) k++; while (has('0123456789_')) k++; }
  if (has('i')) k++;
  if (k < s.length && /^[\p{L}\p{Nd}_]/u.test(s.slice(k))) return { end: k + String.fromCodePoint(s.codePointAt(k)!).length, ok: false };
  return { end: k, ok: true };
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

export function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text[i] === '\n') n++;
  return n;
}
