import { parseGoIntText } from './functions';
import { MAX_NESTING } from './limits';

/**
 * A parser for Go's `text/template` language (the subset Argo CD's ApplicationSet templates can use: actions,
 * pipelines, variables, if/else/range/with/break/continue, comments and trim markers). It follows Go's lexer
 * and parser (text/template/parse) closely enough that positions and error wording match Go's.
 */

/** A parse or execution error, worded like Go's. */
export class TemplateError extends Error {}

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: Pipe }
  | { type: 'if' | 'with'; pos: number; pipe: Pipe; list: Node[]; elseList?: Node[] }
  | { type: 'range'; pos: number; pipe: Pipe; list: Node[]; elseList?: Node[] }
  | { type: 'break' | 'continue'; pos: number }
  | { type: 'template'; pos: number; name: string; pipe?: Pipe };

export interface Pipe { pos: number; decl: string[]; isAssign: boolean; cmds: Command[] }
export interface Command { pos: number; args: Arg[] }
export type Arg =
  | { type: 'field'; pos: number; idents: string[] }
  | { type: 'variable'; pos: number; name: string; idents: string[] }
  | { type: 'dot'; pos: number }
  | { type: 'identifier'; pos: number; name: string }
  | { type: 'string'; pos: number; text: string; quoted: string }
  | { type: 'number'; pos: number; text: string; isInt: boolean; isUint: boolean; isFloat: boolean; int: bigint; float: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'nil'; pos: number }
  | { type: 'pipe'; pos: number; pipe: Pipe }
  | { type: 'chain'; pos: number; node: Arg; idents: string[] };

export interface Template {
  text: string;
  root: Node[];
  /** Templates named by `{{define}}` and `{{block}}`. */
  defines: Map<string, Node[]>;
}

type TokKind = 'text' | 'left' | 'right' | 'field' | 'variable' | 'dot' | 'ident' | 'keyword' | 'string' | 'rawstring'
| 'char' | 'number' | 'bool' | 'nil' | 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma' | 'space' | 'eof' | 'comment' | 'punct' | 'lexerror';
interface Tok { kind: TokKind; val: string; pos: number }

/** The items that may start a command (parse.pipeline). */
const OPERAND_START: ReadonlySet<TokKind> = new Set(['bool', 'char', 'dot', 'field', 'ident', 'number', 'nil', 'rawstring', 'string', 'variable', 'lparen']);

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block']);

/**
 * Splits a template into tokens, as Go's lexer does. A lexical error ends the list with an error item that the
 * parser raises only when it reaches it (Go lexes lazily, so an earlier parse error wins).
 */
function lex(text: string): Tok[] {
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

/** Parses a template. Throws a TemplateError worded like Go's. `functions` are the names that may be called. */
export function parseTemplate(text: string, functions: ReadonlySet<string>): Template {
  const parser = new Parser(text, lex(text), functions);
  const root = parser.parseRoot();
  return { text, root, defines: parser.defines };
}

class Parser {
  public readonly defines = new Map<string, Node[]>();
  private i = 0;
  private depth = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;
  private parenDepth = 0;

  public constructor(private readonly text: string, private readonly toks: Tok[], private readonly functions: ReadonlySet<string>) {}

  public parseRoot(): Node[] {
    const { list, end } = this.parseList();
    if (end) this.fail(`unexpected ${end}`, this.peek().pos);
    return list;
  }

  /** Parses nodes until `{{end}}`, `{{else ...}}` or EOF; returns which of those stopped it. */
  private parseList(): { list: Node[]; end?: string; elsePos?: number } {
    const list: Node[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === 'eof') return { list };
      if (t.kind === 'text') { list.push({ type: 'text', pos: t.pos, text: t.val }); continue; }
      // t is 'left'
      const k = this.nextNonSpace();
      if (k.kind === 'keyword') {
        switch (k.val) {
          case 'end': this.expectRight('end'); return { list, end: '{{end}}' };
          case 'else': return { list, end: '{{else}}', elsePos: k.pos };
          case 'if': case 'with': list.push(this.parseControl(k.val, k.pos)); continue;
          case 'range': list.push(this.parseControl('range', k.pos)); continue;
          case 'break': case 'continue':
            this.expectRight(`{{${k.val}}}`);
            if (this.rangeDepth === 0) this.fail(`{{${k.val}}} outside {{range}}`, k.pos);
            list.push({ type: k.val, pos: k.pos });
            continue;
          case 'define': {
            if (this.depth > 0) this.fail('unexpected <define> in command', k.pos);
            const { name } = this.templateName('define');
            this.expectRight('define clause');
            this.addDefine(name, this.parseBody('define', k.pos));
            continue;
          }
          case 'template': {
            const { name, pos } = this.templateName('template');
            const after = this.peekNonSpace();
            const pipe = after.kind === 'right' ? (this.next(), undefined) : this.parsePipeline('template clause', false);
            list.push({ type: 'template', pos, name, pipe });
            continue;
          }
          case 'block': {
            const { name, pos } = this.templateName('block');
            const pipe = this.parsePipeline('block clause', false);
            this.addDefine(name, this.parseBody('block', k.pos));
            list.push({ type: 'template', pos, name, pipe });
            continue;
          }
          default:
            this.fail(`unexpected <${k.val}> in command`, k.pos);
        }
      }
      this.backup();
      const pipe = this.parsePipeline('command', true);
      list.push({ type: 'action', pos: pipe.pos, pipe });
    }
  }

  /** parse.Tree.add: a template may be defined twice only if one of the bodies is empty (whitespace). */
  private addDefine(name: string, body: Node[]): void {
    const existing = this.defines.get(name);
    if (existing === undefined || isEmptyTree(existing)) { this.defines.set(name, body); return; }
    if (!isEmptyTree(body)) this.fail(`template: multiple definition of template ${JSON.stringify(name)}`, this.peek().pos);
  }

  /** The quoted name after define, template or block. */
  private templateName(context: string): { name: string; pos: number } {
    const t = this.nextNonSpace();
    if (t.kind !== 'string' && t.kind !== 'rawstring') this.fail(`unexpected ${show(t)} in ${context} clause`, t.pos);
    return { name: t.kind === 'string' ? this.unquoteOrFail(t) : t.val.slice(1, -1), pos: t.pos };
  }

  /** A define's or block's body, up to its {{end}}, with a fresh variable scope. */
  private parseBody(context: string, pos: number): Node[] {
    const saved = this.vars;
    this.vars = ['$'];
    this.depth++;
    const body = this.parseList();
    this.depth--;
    this.vars = saved;
    if (body.end !== '{{end}}') this.fail(body.end ? `unexpected ${body.end} in ${context}` : `unexpected EOF in ${context}`, pos);
    return body.list;
  }

  private parseControl(kind: 'if' | 'with' | 'range', pos: number): Node {
    const saved = this.vars.length;
    this.depth++;
    if (this.depth > MAX_NESTING) this.fail(`control structures nested more than ${MAX_NESTING} deep (cdk8s-fleet's limit)`, pos);
    const pipe = this.parsePipeline(kind, kind === 'range');
    if (kind === 'range') this.rangeDepth++;
    const first = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    let elseList: Node[] | undefined;
    if (first.end === '{{else}}') {
      const after = this.nextNonSpace();
      if (after.kind === 'keyword' && (after.val === 'if' && kind === 'if' || after.val === 'with' && kind === 'with')) {
        // {{else if ...}} / {{else with ...}}: a nested control that shares our {{end}}.
        elseList = [this.parseControl(kind, after.pos)];
      } else {
        // {{else if}} in a range or with (or {{else with}} in an if) leaves the keyword where the list expects input.
        if (after.kind === 'keyword' && (after.val === 'if' || after.val === 'with')) this.fail(`unexpected <${after.val}> in input`, after.pos);
        this.backup();
        this.expectRight('else');
        const rest = this.parseList();
        if (rest.end !== '{{end}}') this.fail(rest.end ? `expected end; found ${rest.end}` : 'unexpected EOF', this.peek().pos);
        elseList = rest.list;
      }
    } else if (first.end !== '{{end}}') {
      this.fail('unexpected EOF', this.text.length);
    }
    this.vars.length = saved;
    this.depth--;
    return kind === 'range' ? { type: 'range', pos, pipe, list: first.list, elseList } : { type: kind, pos, pipe, list: first.list, elseList };
  }

  private parsePipeline(context: string, allowDecl: boolean): Pipe {
    const pos = this.peekNonSpace().pos;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: $x := or $x, $y := (range) or $x = .
    const save = this.i;
    const v = this.nextNonSpace();
    if (v.kind === 'variable') {
      const after = this.nextNonSpace();
      if (after.kind === 'declare' || after.kind === 'assign') {
        decl.push(v.val);
        isAssign = after.kind === 'assign';
        // Go's parser adds the variable even for `=` (an undeclared one fails when executed).
        this.vars.push(v.val);
      } else if (after.kind === 'comma' && !(allowDecl && context === 'range')) {
        this.fail(`too many declarations in ${context}`, after.pos);
      } else if (after.kind === 'comma') {
        const v2 = this.nextNonSpace();
        const d = this.nextNonSpace();
        if (v2.kind !== 'variable') this.fail('range can only initialize variables', v2.pos);
        if (d.kind === 'comma') this.fail('too many declarations in range', d.pos);
        if (d.kind !== 'declare' && d.kind !== 'assign') this.fail('range can only initialize variables', v.pos);
        decl.push(v.val, v2.val);
        isAssign = d.kind === 'assign';
        if (!isAssign) this.vars.push(v.val, v2.val);
      } else {
        this.i = save;
      }
    } else {
      this.i = save;
    }
    const cmds: Command[] = [];
    for (;;) {
      const t = this.nextNonSpace();
      if (!OPERAND_START.has(t.kind) && t.kind !== 'right' && t.kind !== 'rparen') {
        this.fail(t.kind === 'eof' ? 'unclosed action' : `unexpected ${show(t)} in ${context}`, t.pos);
      }
      if (t.kind === 'right' || t.kind === 'rparen') {
        if (t.kind === 'rparen' && context !== 'paren') this.fail('unexpected right paren', t.pos);
        if (t.kind === 'right' && context === 'paren') this.fail('unclosed left paren', t.pos);
        if (cmds.length === 0) this.fail(`missing value for ${context}`, t.pos);
        for (const c of cmds.slice(1)) {
          const a = c.args[0];
          if (a.type === 'bool' || a.type === 'dot' || a.type === 'nil' || a.type === 'number' || a.type === 'string') {
            this.fail(`non executable command in pipeline stage ${cmds.indexOf(c) + 1}`, a.pos);
          }
        }
        return { pos, decl, isAssign, cmds };
      }
      this.backup();
      cmds.push(this.parseCommand());
    }
  }

  private parseCommand(): Command {
    const args: Arg[] = [];
    const pos = this.peekNonSpace().pos;
    for (;;) {
      this.skipSpace();
      const operand = this.parseOperand();
      if (operand) args.push(operand);
      const t = this.next();
      if (t.kind === 'space') continue;
      if (t.kind === 'right' || t.kind === 'rparen') { this.backup(); break; }
      if (t.kind === 'pipe') break;
      if (t.kind === 'eof') this.fail('unclosed action', t.pos);
      this.fail(`unexpected ${show(t)} in operand`, t.pos);
    }
    if (args.length === 0) this.fail('empty command', pos);
    return { pos, args };
  }

  private parseOperand(): Arg | undefined {
    const term = this.parseTerm();
    if (!term) return undefined;
    if (this.peek().kind === 'field') {
      // Go builds a chain at the position of the first following field and keeps that position.
      const chainPos = this.peek().pos;
      const idents: string[] = [];
      while (this.peek().kind === 'field') idents.push(this.next().val.slice(1));
      if (term.type === 'field') return { ...term, pos: chainPos, idents: [...term.idents, ...idents] };
      if (term.type === 'variable') return { ...term, pos: chainPos, idents: [...term.idents, ...idents] };
      if (term.type === 'bool' || term.type === 'string' || term.type === 'number' || term.type === 'nil' || term.type === 'dot') {
        this.fail(`unexpected . after term ${JSON.stringify(termText(term))}`, term.pos);
      }
      return { type: 'chain', pos: chainPos, node: term, idents };
    }
    return term;
  }

  private parseTerm(): Arg | undefined {
    const t = this.next();
    switch (t.kind) {
      case 'ident':
        if (!this.functions.has(t.val)) this.fail(`function "${t.val}" not defined`, t.pos);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot': return { type: 'dot', pos: t.pos };
      case 'nil': return { type: 'nil', pos: t.pos };
      case 'bool': return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'field': return { type: 'field', pos: t.pos, idents: [t.val.slice(1)] };
      case 'variable':
        if (!this.vars.includes(t.val)) this.fail(`undefined variable "${t.val}"`, t.pos);
        return { type: 'variable', pos: t.pos, name: t.val, idents: [] };
      case 'string': return { type: 'string', pos: t.pos, text: this.unquoteOrFail(t), quoted: t.val };
      case 'rawstring': return { type: 'string', pos: t.pos, text: t.val.slice(1, -1), quoted: t.val };
      case 'char': return numberArg(t, this.charOrFail(t));
      case 'number': return numberArg(t);
      case 'lparen': {
        // Go caps parenthesized pipelines at 10000 (maxStackDepth); this evaluator at MAX_NESTING.
        if (this.parenDepth >= MAX_NESTING) this.fail(`max expression depth exceeded (cdk8s-fleet's limit: ${MAX_NESTING} nested parentheses)`, t.pos);
        this.parenDepth++;
        const pipe = this.parsePipeline('paren', false);
        this.parenDepth--;
        return { type: 'pipe', pos: t.pos, pipe };
      }
      default:
        this.backup();
        return undefined;
    }
  }

  /** strconv.Unquote; its error is Go's bare "invalid syntax". */
  private unquoteOrFail(t: Tok): string {
    try {
      return unquote(t.val);
    } catch (e) {
      if (e instanceof SyntaxError) this.fail('invalid syntax', t.pos);
      throw e;
    }
  }

  /** A character constant: strconv.UnquoteChar of one character, nothing after it but the quote. */
  private charOrFail(t: Tok): number {
    const body = t.val.slice(1, -1);
    let first: string;
    let rest: string;
    const esc = /^\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|[abfnrtv\\'])/.exec(body);
    if (esc) {
      first = unquote(`"${esc[0] === "\\'" ? "'" : esc[0]}"`);
      rest = body.slice(esc[0].length);
    } else if (body === '' || body.startsWith('\\') || body.startsWith("'")) {
      this.fail('invalid syntax', t.pos);
    } else {
      first = String.fromCodePoint(body.codePointAt(0)!);
      rest = body.slice(first.length);
    }
    if (rest !== '') this.fail(`malformed character constant: ${t.val}`, t.pos);
    return first.codePointAt(0)!;
  }

  private expectRight(context: string): void {
    const t = this.nextNonSpace();
    if (t.kind !== 'right') this.fail(`unexpected ${show(t)} in ${context}`, t.pos);
  }

  private next(): Tok {
    const t = this.toks[this.i++] ?? this.toks[this.toks.length - 1];
    if (t.kind === 'lexerror') throw new TemplateError(t.val);
    return t;
  }
  private backup(): void { this.i--; }
  private peek(): Tok { return this.toks[this.i] ?? this.toks[this.toks.length - 1]; }
  private skipSpace(): void { while (this.peek().kind === 'space') this.i++; }
  private nextNonSpace(): Tok { this.skipSpace(); return this.next(); }
  private peekNonSpace(): Tok { this.skipSpace(); return this.peek(); }

  private fail(message: string, pos: number): never {
    throw new TemplateError(`template: base:${lineOf(this.text, pos)}: ${message}`);
  }
}

/** parse's item.String(): keywords in angle brackets, anything else quoted (%q, or %.10q... past 10 bytes). */
function show(t: Tok): string {
  if (t.kind === 'eof') return 'EOF';
  if (t.kind === 'keyword') return `<${t.val}>`;
  if (Buffer.byteLength(t.val) > 10) return `${JSON.stringify([...t.val].slice(0, 10).join(''))}...`;
  return JSON.stringify(t.val);
}

/** parse.IsEmptyTree for a define's body: only whitespace text. */
function isEmptyTree(nodes: Node[]): boolean {
  return nodes.every(n => n.type === 'text' && n.text.trim() === '');
}

function termText(a: Arg): string {
  switch (a.type) {
    case 'bool': return String(a.value);
    case 'string': return a.quoted;
    case 'number': return a.text;
    case 'nil': return 'nil';
    default: return '.';
  }
}

function validRune(cp: number): boolean {
  return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/** Go's parse.newNumber: which of int64, uint64 and float64 the constant fits, as in text/template/parse/node.go. */
function numberArg(t: Tok, charCode?: number): Arg {
  const base = { type: 'number' as const, pos: t.pos, text: t.val };
  if (charCode !== undefined) return { ...base, isInt: true, isUint: true, isFloat: true, int: BigInt(charCode), float: charCode };
  if (/i$/.test(t.val)) throw new TemplateError(`template: base:1: complex numbers are not supported: ${t.val}`);
  const int = parseGoInt(t.val);
  const I64 = 2n ** 63n;
  let isInt = int !== undefined && int >= -I64 && int < I64;
  let isUint = int !== undefined && int >= 0n && int < 2n ** 64n;
  let intValue = int ?? 0n;
  let isFloat = false;
  let float = 0;
  if (isInt || isUint) {
    isFloat = true;
    float = Number(intValue);
  } else {
    const f = parseGoFloat(t.val);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(t.val)) throw new TemplateError(`template: base:1: integer overflow: ${JSON.stringify(t.val)}`);
      isFloat = true;
      float = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) { isInt = true; intValue = BigInt(f); }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) { isUint = true; intValue = BigInt(f); }
    }
  }
  if (!isInt && !isUint && !isFloat) throw new TemplateError(`template: base:1: illegal number syntax: ${JSON.stringify(t.val)}`);
  return { ...base, isInt, isUint, isFloat, int: intValue, float };
}

function parseGoInt(text: string): bigint | undefined {
  return parseGoIntText(text);
}

/** strconv.ParseFloat(text, 64): decimal and hexadecimal floats, `_` separators; undefined when invalid or out of range. */
function parseGoFloat(text: string): number | undefined {
  const t = text.replace(/_/g, '');
  if (/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(t)) {
    const f = Number(t);
    return Number.isFinite(f) ? f : undefined;
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(t);
  if (hex && (hex[2] + hex[3]).length > 0) {
    const mant = parseInt((hex[2] + hex[3]) || '0', 16);
    const f = mant * 2 ** (Number(hex[4]) - 4 * hex[3].length);
    return Number.isFinite(f) ? (hex[1] === '-' ? -f : f) : undefined;
  }
  return undefined;
}

/** Go's strconv.Unquote for a double-quoted string; a SyntaxError for an escape Go rejects. */
function unquote(quoted: string): string {
  const body = quoted.slice(1, -1);
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|[abfnrtv\\"]|[\s\S]?)/g, (_m, e: string) => {
    if (e === '' || !/^(x..|u|U|[0-7]{3}|[abfnrtv\\"])/.test(e)) throw new SyntaxError('invalid syntax');
    if ((e[0] === 'u' || e[0] === 'U') && !validRune(parseInt(e.slice(1), 16))) throw new SyntaxError('invalid syntax');
    if (/^[0-7]{3}$/.test(e) && parseInt(e, 8) > 255) throw new SyntaxError('invalid syntax');
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'u': case 'U': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
        return e;
    }
  });
}
