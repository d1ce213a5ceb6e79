import { parseGoIntText } from './functions';
import { lex, lineOf, TemplateError, Tok, TokKind } from './lex';
import { MAX_NESTING } from './limits';

/**
 * A parser for Go's `text/template` language (the subset Argo CD's ApplicationSet templates can use: actions,
 * pipelines, variables, if/else/range/with/break/continue, comments and trim markers). It follows Go's lexer
 * and parser (text/template/parse; the lexer is lex.ts) closely enough that positions and error wording match Go's.
 */

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

export { lineOf, TemplateError } from './lex';

export interface Template {
  text: string;
  root: Node[];
  /** Templates named by `{{define}}` and `{{block}}`. */
  defines: Map<string, Node[]>;
}

/** The items that may start a command (parse.pipeline). */
const OPERAND_START: ReadonlySet<TokKind> = new Set(['bool', 'char', 'dot', 'field', 'ident', 'number', 'nil', 'rawstring', 'string', 'variable', 'lparen']);

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
