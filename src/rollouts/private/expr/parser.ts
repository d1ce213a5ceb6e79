/**
 * Lexer and parser of expr v1.15.5 (`parser/lexer/state.go`, `parser/parser.go`, `parser/operator`): the same
 * tokens, precedences, predicates with closures and error wording, so that a condition that fails to compile in
 * the controller fails here with the same message.
 */
import { hasOwn, ownValue } from '../../../private/util';

export type Node =
  | { readonly t: 'nil' }
  | { readonly t: 'bool'; readonly value: boolean }
  | { readonly t: 'int'; readonly value: number }
  | { readonly t: 'float'; readonly value: number }
  | { readonly t: 'string'; readonly value: string }
  | { readonly t: 'ident'; readonly name: string }
  | { readonly t: 'unary'; readonly op: string; readonly node: Node }
  | { readonly t: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly t: 'member'; readonly node: Node; readonly property: Node; readonly optional: boolean }
  | { readonly t: 'slice'; readonly node: Node; readonly from?: Node; readonly to?: Node }
  | { readonly t: 'call'; readonly callee: Node; readonly args: Node[] }
  | { readonly t: 'builtin'; readonly name: string; readonly args: Node[] }
  | { readonly t: 'closure'; readonly node: Node }
  | { readonly t: 'pointer'; readonly name: string }
  | { readonly t: 'conditional'; readonly cond: Node; readonly exp1: Node; readonly exp2: Node }
  | { readonly t: 'array'; readonly nodes: Node[] }
  | { readonly t: 'map'; readonly pairs: { key: Node; value: Node }[] }
  | { readonly t: 'chain'; readonly node: Node }
  | { readonly t: 'let'; readonly name: string; readonly value: Node; readonly expr: Node };

/** A compile error, reported (like expr's `file.Error` unwrapped by Argo Rollouts) by its message only. */
export class ExprCompileError extends Error {}

type Kind = 'Identifier' | 'Number' | 'String' | 'Operator' | 'Bracket' | 'EOF';
interface Token { readonly kind: Kind; readonly value: string }

const UNARY: Record<string, number> = { 'not': 50, '!': 50, '-': 90, '+': 90 };
const BINARY: Record<string, { p: number; right?: boolean }> = {
  '|': { p: 0 },
  'or': { p: 10 },
  '||': { p: 10 },
  'and': { p: 15 },
  '&&': { p: 15 },
  '==': { p: 20 },
  '!=': { p: 20 },
  '<': { p: 20 },
  '>': { p: 20 },
  '>=': { p: 20 },
  '<=': { p: 20 },
  'in': { p: 20 },
  'matches': { p: 20 },
  'contains': { p: 20 },
  'startsWith': { p: 20 },
  'endsWith': { p: 20 },
  '..': { p: 25 },
  '+': { p: 30 },
  '-': { p: 30 },
  '*': { p: 60 },
  '/': { p: 60 },
  '%': { p: 60 },
  '**': { p: 100, right: true },
  '^': { p: 100, right: true },
  '??': { p: 500 },
};
const PREDICATES: Record<string, number> = {
  all: 2, none: 2, any: 2, one: 2, filter: 2, map: 2, count: 2, find: 2, findIndex: 2, findLast: 2, findLastIndex: 2, groupBy: 2, reduce: 3,
};
/** expr's builtin functions (`builtin.Index`): a call of one of these names is a builtin, not an env function. */
export const BUILTIN_NAMES = new Set([
  'len', 'type', 'abs', 'ceil', 'floor', 'round', 'int', 'float', 'string', 'trim', 'trimPrefix', 'trimSuffix', 'upper', 'lower',
  'split', 'splitAfter', 'replace', 'repeat', 'join', 'indexOf', 'lastIndexOf', 'hasPrefix', 'hasSuffix', 'max', 'min', 'sum', 'mean',
  'median', 'toJSON', 'fromJSON', 'toBase64', 'fromBase64', 'now', 'duration', 'date', 'first', 'last', 'get', 'take', 'keys', 'values',
  'toPairs', 'fromPairs', 'sort', 'sortBy', 'reverse', 'uniq', 'concat', 'flatten', 'bitand', 'bitor', 'bitxor', 'bitnand', 'bitnot',
  'bitshl', 'bitshr', 'bitushr',
]);

const isLetter = (c: string) => c === '_' || c === '$' || /\p{L}/u.test(c);
const isAlnum = (c: string) => isLetter(c) || /\p{Nd}/u.test(c);
const isSpace = (c: string) => /\s/u.test(c);

/** The expression length read at most: conditions are a line or two; this bounds the work per condition. */
export const MAX_EXPRESSION_LENGTH = 10_000;

export function lex(input: string): Token[] {
  if (input.length > MAX_EXPRESSION_LENGTH) throw new ExprCompileError(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const chars = Array.from(input);
  const tokens: Token[] = [];
  let i = 0;
  const peek = (o = 0) => chars[i + o] ?? '';
  const oneOf = (set: string, ch: string) => ch !== '' && set.includes(ch);
  const fail = (message: string): never => { throw new ExprCompileError(message); };
  while (i < chars.length) {
    const c = chars[i];
    if (isSpace(c)) { i++; continue; }
    if (c === '"' || c === "'") {
      const start = i++;
      while (i < chars.length && chars[i] !== c) {
        if (chars[i] === '\n') fail('literal not terminated');
        if (chars[i] === '\\') i++;
        i++;
      }
      if (i >= chars.length) fail('literal not terminated');
      i++;
      tokens.push({ kind: 'String', value: unescape(chars.slice(start + 1, i - 1).join(''), c) });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(peek(1)))) {
      const start = i;
      let digits = '0123456789_';
      if (c === '0' && /[xXoObB]/.test(peek(1))) {
        digits = /[xX]/.test(peek(1)) ? '0123456789abcdefABCDEF_' : /[oO]/.test(peek(1)) ? '01234567_' : '01_';
        i += 2;
      }
      while (oneOf(digits, peek())) i++;
      if (peek() === '.' && peek(1) !== '.') {
        i++;
        while (oneOf(digits, peek())) i++;
      }
      if (/[eE]/.test(peek())) {
        i++;
        if (/[+-]/.test(peek())) i++;
        while (oneOf(digits, peek())) i++;
      }
      if (peek() && isAlnum(peek())) fail(`bad number syntax: ${JSON.stringify(chars.slice(start, i + 1).join(''))}`);
      tokens.push({ kind: 'Number', value: chars.slice(start, i).join('') });
      continue;
    }
    if (c === '#') {
      tokens.push({ kind: 'Operator', value: '#' });
      i++;
      const start = i;
      while (i < chars.length && isAlnum(chars[i])) i++;
      if (i > start) tokens.push({ kind: 'Identifier', value: chars.slice(start, i).join('') });
      continue;
    }
    if (c === '/' && peek(1) === '/') {
      while (i < chars.length && chars[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && peek(1) === '*') {
      i += 2;
      while (i < chars.length && !(chars[i] === '*' && peek(1) === '/')) i++;
      if (i >= chars.length) fail('unclosed comment');
      i += 2;
      continue;
    }
    if (isLetter(c)) {
      const start = i;
      while (i < chars.length && isAlnum(chars[i])) i++;
      const word = chars.slice(start, i).join('');
      if (word === 'not') {
        tokens.push({ kind: 'Operator', value: 'not' });
        let j = i;
        while (chars[j] === ' ') j++;
        const wStart = j;
        while (j < chars.length && isAlnum(chars[j])) j++;
        const next = chars.slice(wStart, j).join('');
        if (['in', 'matches', 'contains', 'startsWith', 'endsWith'].includes(next)) {
          tokens.push({ kind: 'Operator', value: next });
          i = j;
        }
      } else if (['in', 'or', 'and', 'matches', 'contains', 'startsWith', 'endsWith', 'let'].includes(word)) {
        tokens.push({ kind: 'Operator', value: word });
      } else {
        tokens.push({ kind: 'Identifier', value: word });
      }
      continue;
    }
    if (c === '?') {
      const two = peek(1) === '.' || peek(1) === '?' ? c + peek(1) : c;
      tokens.push({ kind: 'Operator', value: two });
      i += two.length;
      continue;
    }
    if (c === '.') {
      const two = peek(1) === '.' ? '..' : '.';
      tokens.push({ kind: 'Operator', value: two });
      i += two.length;
      continue;
    }
    if (c === '|') {
      const two = peek(1) === '|' ? '||' : '|';
      tokens.push({ kind: 'Operator', value: two });
      i += two.length;
      continue;
    }
    if ('([{'.includes(c) || ')]}'.includes(c)) { tokens.push({ kind: 'Bracket', value: c }); i++; continue; }
    if (',:;%+-^/'.includes(c)) { tokens.push({ kind: 'Operator', value: c }); i++; continue; }
    if ('&!=*<>'.includes(c)) {
      const two = oneOf('&=*', peek(1)) ? c + peek(1) : c;
      tokens.push({ kind: 'Operator', value: two });
      i += two.length;
      continue;
    }
    fail(`unrecognized character: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`);
  }
  tokens.push({ kind: 'EOF', value: '' });
  return tokens;
}

function unescape(body: string, quote: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') { out += c; continue; }
    const e = body[++i];
    const hex = (n: number) => {
      const h = body.slice(i + 1, i + 1 + n);
      if (h.length < n || !/^[0-9a-fA-F]+$/.test(h)) throw new ExprCompileError('invalid char escape');
      i += n;
      return String.fromCodePoint(parseInt(h, 16));
    };
    switch (e) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case 'x': out += hex(2); break;
      case 'u': out += hex(4); break;
      case 'U': out += hex(8); break;
      default:
        if (e === quote || e === '"' || e === "'") { out += e; break; }
        if (/[0-7]/.test(e ?? '')) {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o)) throw new ExprCompileError('invalid char escape');
          out += String.fromCharCode(parseInt(o, 8));
          i += 2;
          break;
        }
        throw new ExprCompileError('invalid char escape');
    }
  }
  return out;
}

const tokenString = (t: Token) => (t.value === '' ? t.kind : `${t.kind}(${JSON.stringify(t.value)})`);

/** Parses an expression into its AST, or throws `ExprCompileError` with expr's message. */
export function parse(input: string): Node {
  const tokens = lex(input);
  let pos = 0;
  let current = tokens[0];
  let depth = 0;
  let nesting = 0;
  const fail = (message: string): never => { throw new ExprCompileError(message); };
  const is = (t: Token, kind: Kind, ...values: string[]) => t.kind === kind && (values.length === 0 || values.includes(t.value));
  const next = () => {
    pos++;
    if (pos >= tokens.length) fail('unexpected end of expression');
    current = tokens[pos];
  };
  const expect = (kind: Kind, ...values: string[]) => {
    if (is(current, kind, ...values)) next();
    else fail(`unexpected token ${tokenString(current)}`);
  };

  const parseExpression = (precedence: number): Node => {
    if (++nesting > 200) fail('expression nested too deeply');
    try {
      if (precedence === 0 && is(current, 'Operator', 'let')) return parseLet();
      let left = parsePrimary();
      let prevOperator = '';
      let op = current;
      while (is(op, 'Operator')) {
        let negate = false;
        if (is(op, 'Operator', 'not')) {
          next();
          negate = true;
          op = current;
        }
        const info = BINARY[op.value];
        if (!(op.kind === 'Operator' && info && info.p >= precedence)) break;
        next();
        if (op.value === '|') {
          left = parsePipe(left);
        } else {
          if (prevOperator === '??' && op.value !== '??') {
            fail(`Operator (${op.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`);
          }
          const right = parseExpression(info.right ? info.p : info.p + 1);
          left = { t: 'binary', op: op.value, left, right };
          if (negate) left = { t: 'unary', op: 'not', node: left };
        }
        prevOperator = op.value;
        op = current;
      }
      if (precedence === 0) left = parseConditional(left);
      return left;
    } finally {
      nesting--;
    }
  };

  const parseLet = (): Node => {
    expect('Operator', 'let');
    const name = current.value;
    expect('Identifier');
    expect('Operator', '=');
    const value = parseExpression(0);
    expect('Operator', ';');
    return { t: 'let', name, value, expr: parseExpression(0) };
  };

  const parseConditional = (node: Node): Node => {
    while (is(current, 'Operator', '?')) {
      next();
      let exp1: Node;
      let exp2: Node;
      if (!is(current, 'Operator', ':')) {
        exp1 = parseExpression(0);
        expect('Operator', ':');
        exp2 = parseExpression(0);
      } else {
        next();
        exp1 = node;
        exp2 = parseExpression(0);
      }
      node = { t: 'conditional', cond: node, exp1, exp2 };
    }
    return node;
  };

  const parsePrimary = (): Node => {
    const token = current;
    if (token.kind === 'Operator' && UNARY[token.value] !== undefined) {
      next();
      return parsePostfix({ t: 'unary', op: token.value, node: parseExpression(UNARY[token.value]) });
    }
    if (is(token, 'Bracket', '(')) {
      next();
      const e = parseExpression(0);
      expect('Bracket', ')');
      return parsePostfix(e);
    }
    if (is(token, 'Operator', '#') || is(token, 'Operator', '.')) {
      if (depth === 0) fail('cannot use pointer accessor outside closure');
      let name = '';
      if (is(token, 'Operator', '#')) {
        next();
        if (current.kind === 'Identifier') { name = current.value; next(); }
      }
      return parsePostfix({ t: 'pointer', name });
    }
    return parseSecondary();
  };

  const parseSecondary = (): Node => {
    const token = current;
    let node: Node;
    if (token.kind === 'Identifier') {
      next();
      if (token.value === 'true' || token.value === 'false') return { t: 'bool', value: token.value === 'true' };
      if (token.value === 'nil') return { t: 'nil' };
      node = parseCall(token);
    } else if (token.kind === 'Number') {
      next();
      return number(token.value);
    } else if (token.kind === 'String') {
      next();
      return { t: 'string', value: token.value };
    } else if (is(token, 'Bracket', '[')) {
      node = parseArray();
    } else if (is(token, 'Bracket', '{')) {
      node = parseMap();
    } else {
      return fail(`unexpected token ${tokenString(token)}`);
    }
    return parsePostfix(node);
  };

  const number = (raw: string): Node => {
    const value = raw.replace(/_/g, '');
    if (/[xXoObB]/.test(value)) {
      const n = Number(value.toLowerCase().replace(/^0o/, '0o'));
      if (!Number.isFinite(n)) fail(`invalid hex literal: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax`);
      if (n > Number.MAX_SAFE_INTEGER) fail('integer literal is too large');
      return { t: 'int', value: n };
    }
    if (/[.eE]/.test(value)) {
      const f = Number(value);
      if (Number.isNaN(f)) fail(`invalid float literal: strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
      return { t: 'float', value: f };
    }
    const n = Number(value);
    if (n > 9223372036854775807) fail(`invalid integer literal: strconv.ParseInt: parsing ${JSON.stringify(value)}: value out of range`);
    return { t: 'int', value: n };
  };

  const parseCall = (token: Token): Node => {
    if (!is(current, 'Bracket', '(')) return { t: 'ident', name: token.value };
    const arity = ownValue(PREDICATES, token.value);
    if (arity !== undefined) {
      expect('Bracket', '(');
      const args: Node[] = [parseExpression(0)];
      expect('Operator', ',');
      args.push(parseClosure());
      if (token.value === 'reduce' && is(current, 'Operator', ',')) {
        next();
        args.push(parseExpression(0));
      }
      expect('Bracket', ')');
      return { t: 'builtin', name: token.value, args };
    }
    if (BUILTIN_NAMES.has(token.value)) return { t: 'builtin', name: token.value, args: parseArguments() };
    return { t: 'call', callee: { t: 'ident', name: token.value }, args: parseArguments() };
  };

  const parseClosure = (): Node => {
    const bracket = is(current, 'Bracket', '{');
    if (bracket) next();
    depth++;
    const node = parseExpression(0);
    depth--;
    if (bracket) expect('Bracket', '}');
    return { t: 'closure', node };
  };

  const parseArray = (): Node => {
    const nodes: Node[] = [];
    expect('Bracket', '[');
    while (!is(current, 'Bracket', ']')) {
      if (nodes.length > 0) {
        expect('Operator', ',');
        if (is(current, 'Bracket', ']')) break;
      }
      nodes.push(parseExpression(0));
    }
    expect('Bracket', ']');
    return { t: 'array', nodes };
  };

  const parseMap = (): Node => {
    expect('Bracket', '{');
    const pairs: { key: Node; value: Node }[] = [];
    while (!is(current, 'Bracket', '}')) {
      if (pairs.length > 0) {
        expect('Operator', ',');
        if (is(current, 'Bracket', '}')) break;
        if (is(current, 'Operator', ',')) fail(`unexpected token ${tokenString(current)}`);
      }
      let key: Node;
      if (current.kind === 'Number' || current.kind === 'String' || current.kind === 'Identifier') {
        key = { t: 'string', value: current.value };
        next();
      } else if (is(current, 'Bracket', '(')) {
        key = parseExpression(0);
      } else {
        return fail(`a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${tokenString(current)})`);
      }
      expect('Operator', ':');
      pairs.push({ key, value: parseExpression(0) });
    }
    expect('Bracket', '}');
    return { t: 'map', pairs };
  };

  const parsePostfix = (start: Node): Node => {
    let node = start;
    while (current.kind === 'Operator' || current.kind === 'Bracket') {
      const postfix = current;
      if (postfix.value === '.' || postfix.value === '?.') {
        next();
        const property = current;
        next();
        if (property.kind !== 'Identifier' && !(property.kind === 'Operator' && /^[\p{L}_$][\p{L}\p{Nd}_$]*$/u.test(property.value))) fail('expected name');
        const optional = postfix.value === '?.';
        const isChain = node.t === 'chain';
        const base = node.t === 'chain' ? node.node : node;
        const member: Node = { t: 'member', node: base, property: { t: 'string', value: property.value }, optional };
        node = is(current, 'Bracket', '(') ? { t: 'call', callee: member, args: parseArguments() } : member;
        if (isChain || optional) node = { t: 'chain', node };
      } else if (postfix.value === '[') {
        next();
        if (is(current, 'Operator', ':')) {
          next();
          const to = is(current, 'Bracket', ']') ? undefined : parseExpression(0);
          node = { t: 'slice', node, to };
          expect('Bracket', ']');
        } else {
          const from = parseExpression(0);
          if (is(current, 'Operator', ':')) {
            next();
            const to = is(current, 'Bracket', ']') ? undefined : parseExpression(0);
            node = { t: 'slice', node, from, to };
          } else {
            node = { t: 'member', node, property: from, optional: false };
          }
          expect('Bracket', ']');
        }
      } else {
        break;
      }
    }
    return node;
  };

  const parsePipe = (left: Node): Node => {
    const id = current;
    expect('Identifier');
    const args: Node[] = [left];
    if (hasOwn(PREDICATES, id.value)) {
      expect('Bracket', '(');
      args.push(parseClosure());
      if (id.value === 'reduce' && is(current, 'Operator', ',')) { next(); args.push(parseExpression(0)); }
      expect('Bracket', ')');
      return { t: 'builtin', name: id.value, args };
    }
    if (BUILTIN_NAMES.has(id.value)) return { t: 'builtin', name: id.value, args: [...args, ...parseArguments()] };
    return { t: 'call', callee: { t: 'ident', name: id.value }, args: [...args, ...parseArguments()] };
  };

  const parseArguments = (): Node[] => {
    expect('Bracket', '(');
    const nodes: Node[] = [];
    while (!is(current, 'Bracket', ')')) {
      if (nodes.length > 0) expect('Operator', ',');
      nodes.push(parseExpression(0));
    }
    expect('Bracket', ')');
    return nodes;
  };

  const node = parseExpression(0);
  if (current.kind !== 'EOF') fail(`unexpected token ${tokenString(current)}`);
  return node;
}
