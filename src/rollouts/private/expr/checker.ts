import { ExprCompileError, Node } from './parser';
import {
  ANY, ANY_MAP, ANY_SLICE, assignable, BOOL, FLOAT64, GoType, INT, isAny, isArray, isBool, isFloat, isFunc, isInteger, isMap,
  isNumber, isString, MaybeType, sliceOf, STRING, typeString,
} from './types';
import { compileRegexp } from '../../../expansion/gotemplate/regexp';

/**
 * The type checker of expr v1.15.5 (`checker/checker.go`, `checker/types.go`), run at compile time with the
 * environment's types: the first error is the compile error Argo Rollouts reports (e.g. `invalid operation: >
 * (mismatched types []float64 and int)`). Besides types it records the integer literals that become float64
 * constants where a float64 parameter takes them (`isNaN(1)`).
 */
export interface CheckResult {
  readonly type: MaybeType;
  /** Integer literal nodes the compiler turns into float64 constants. */
  readonly floatLiterals: ReadonlySet<Node>;
  /**
   * `==` nodes whose operands are both statically `int`: the compiler emits OpEqualInt, which asserts both
   * values are ints at run time (a `findIndex` that found nothing is nil, and panics there).
   */
  readonly intEquals: ReadonlySet<Node>;
}

/** What the checker needs to know of a builtin function's signature. */
type Validate = (args: MaybeType[]) => GoType;

export function check(node: Node, env: ReadonlyMap<string, MaybeType>): CheckResult {
  const floatLiterals = new Set<Node>();
  const intEquals = new Set<Node>();
  // The optimizer's constant folding runs after the checker; its one error (`1 % 0`) is reported then.
  let foldError: string | undefined;
  const predicateScopes: { vtype: GoType; vars: Map<string, GoType> }[] = [];
  const varScopes: { name: string; type: MaybeType; elem?: MaybeType }[] = [];
  const fail = (message: string): never => { throw new ExprCompileError(message); };
  const mismatch = (op: string, l: MaybeType, r: MaybeType): never =>
    fail(`invalid operation: ${op} (mismatched types ${typeString(l)} and ${typeString(r)})`);
  const or = (l: MaybeType, r: MaybeType, ...fns: ((t: MaybeType) => boolean)[]) =>
    (isAny(l) && isAny(r)) || (isAny(l) && fns.some(f => f(r))) || (isAny(r) && fns.some(f => f(l)));
  const comparable = (l: MaybeType, r: MaybeType) =>
    l === null || r === null || l.kind === r.kind || (isNumber(l) && isNumber(r)) || isAny(l) || isAny(r);
  const combined = (l: GoType, r: GoType): GoType => (l.kind === r.kind ? l : isFloat(l) || isFloat(r) ? FLOAT64 : INT);

  const visit = (n: Node): { type: MaybeType; elem?: MaybeType } => {
    switch (n.t) {
      case 'nil': return { type: null };
      case 'bool': return { type: BOOL };
      case 'int': return { type: INT };
      case 'float': return { type: FLOAT64 };
      case 'string': return { type: STRING };
      case 'ident': {
        for (let i = varScopes.length - 1; i >= 0; i--) if (varScopes[i].name === n.name) return varScopes[i];
        if (n.name === '$env') return { type: ANY_MAP };
        if (!env.has(n.name)) return fail(`unknown name ${n.name}`);
        return { type: env.get(n.name)! };
      }
      case 'unary': {
        const t = visit(n.node).type;
        if (n.op === '!' || n.op === 'not') {
          if (isBool(t) || isAny(t)) return { type: BOOL };
        } else if (n.op === '+' || n.op === '-') {
          if (isNumber(t)) return { type: t };
          if (isAny(t)) return { type: ANY };
        }
        return fail(`invalid operation: ${n.op} (mismatched type ${typeString(t)})`);
      }
      case 'binary': return { type: binary(n.op, n.left, n.right, n) };
      case 'chain': return visit(n.node);
      case 'member': return { type: member(n.node, n.property) };
      case 'slice': {
        const t = visit(n.node).type;
        if (!(isAny(t) || isString(t) || isArray(t))) fail(`cannot slice ${typeString(t)}`);
        for (const bound of [n.from, n.to]) {
          if (!bound) continue;
          const b = visit(bound).type;
          if (!isInteger(b) && !isAny(b)) fail(`non-integer slice index ${typeString(b)}`);
        }
        return { type: t };
      }
      case 'call': return { type: call(n) };
      case 'builtin': return { type: builtin(n.name, n.args) };
      case 'closure': {
        const t = visit(n.node).type;
        if (t === null) fail('closure cannot be nil');
        return { type: { kind: 'func', params: [ANY], result: t! } };
      }
      case 'pointer': {
        const scope = predicateScopes[predicateScopes.length - 1];
        if (!scope) return fail('cannot use pointer accessor outside closure');
        if (n.name === '') {
          if (isAny(scope.vtype)) return { type: ANY };
          if (isArray(scope.vtype)) return { type: scope.vtype.elem! };
          return fail(`cannot use ${typeString(scope.vtype)} as array`);
        }
        const v = scope.vars.get(n.name);
        return v ? { type: v } : fail(`unknown pointer #${n.name}`);
      }
      case 'let': {
        if (env.has(n.name)) fail(`cannot redeclare ${n.name}`);
        if (varScopes.some(s => s.name === n.name)) fail(`cannot redeclare variable ${n.name}`);
        const value = visit(n.value);
        varScopes.push({ name: n.name, type: value.type, elem: value.elem });
        try {
          return visit(n.expr);
        } finally {
          varScopes.pop();
        }
      }
      case 'conditional': {
        const c = visit(n.cond).type;
        if (!isBool(c) && !isAny(c)) fail(`non-bool expression (type ${typeString(c)}) used as condition`);
        const t1 = visit(n.exp1).type;
        const t2 = visit(n.exp2).type;
        if (t1 === null) return { type: t2 };
        if (t2 === null) return { type: t1 };
        return { type: assignable(t1, t2) ? t1 : ANY };
      }
      case 'array': {
        let prev: MaybeType = null;
        let same = true;
        n.nodes.forEach((e, i) => {
          const curr = visit(e).type;
          if (i > 0 && (curr === null || prev === null || curr.kind !== prev.kind)) same = false;
          prev = curr;
        });
        return same && prev !== null ? { type: ANY_SLICE, elem: prev } : { type: ANY_SLICE };
      }
      case 'map': {
        for (const p of n.pairs) { visit(p.key); visit(p.value); }
        return { type: ANY_MAP };
      }
    }
  };

  const binary = (op: string, leftNode: Node, rightNode: Node, self: Node): MaybeType => {
    const l = visit(leftNode).type;
    const rightInfo = visit(rightNode);
    const r = rightInfo.type;
    switch (op) {
      case '==': case '!=':
        if (op === '==' && l?.kind === 'int' && r?.kind === 'int') intEquals.add(self);
        if (comparable(l, r)) return BOOL;
        break;
      case 'or': case '||': case 'and': case '&&':
        if ((isBool(l) && isBool(r)) || or(l, r, isBool)) return BOOL;
        break;
      case '<': case '>': case '>=': case '<=':
        if ((isNumber(l) && isNumber(r)) || (isString(l) && isString(r)) || or(l, r, isNumber, isString)) return BOOL;
        break;
      case '-': case '*':
        if (isNumber(l) && isNumber(r)) return combined(l!, r!);
        if (or(l, r, isNumber)) return ANY;
        break;
      case '/': case '**': case '^':
        if ((isNumber(l) && isNumber(r)) || or(l, r, isNumber)) return FLOAT64;
        break;
      case '%':
        if (foldError === undefined && constInt(rightNode) === 0 && constInt(leftNode) !== undefined) foldError = 'integer divide by zero';
        if (isInteger(l) && isInteger(r)) return combined(l!, r!);
        if (or(l, r, isInteger)) return ANY;
        break;
      case '+':
        if (isNumber(l) && isNumber(r)) return combined(l!, r!);
        if (isString(l) && isString(r)) return STRING;
        if (or(l, r, isNumber, isString)) return ANY;
        break;
      case 'in':
        if (isMap(r)) {
          if (l === null) return BOOL;
          if (!isAny(l) && !assignable(l, r!.key!)) fail(`cannot use ${typeString(l)} as type ${typeString(r!.key!)} in map key`);
          return BOOL;
        }
        if (isArray(r)) {
          if (l === null) return BOOL;
          if (!comparable(l, r!.elem!)) fail(`cannot use ${typeString(l)} as type ${typeString(r!.elem!)} in array`);
          if (rightInfo.elem !== undefined && !comparable(l, rightInfo.elem)) fail(`cannot use ${typeString(l)} as type ${typeString(rightInfo.elem)} in array`);
          return BOOL;
        }
        if (isAny(l) && (isString(r) || isArray(r) || isMap(r))) return BOOL;
        if (isAny(r)) return BOOL;
        break;
      case 'matches':
        if (rightNode.t === 'string') {
          try {
            compileRegexp(rightNode.value);
          } catch (e) {
            fail((e as Error).message);
          }
        }
        if ((isString(l) && isString(r)) || or(l, r, isString)) return BOOL;
        break;
      case 'contains': case 'startsWith': case 'endsWith':
        if ((isString(l) && isString(r)) || or(l, r, isString)) return BOOL;
        break;
      case '..':
        if ((isInteger(l) && isInteger(r)) || or(l, r, isInteger)) return sliceOf(INT);
        break;
      case '??':
        if (l === null) return r;
        if (r === null) return l;
        return assignable(r, l) ? l : ANY;
      default:
        return fail(`unknown operator (${op})`);
    }
    return mismatch(op, l, r);
  };

  const member = (baseNode: Node, property: Node): MaybeType => {
    const base = visit(baseNode).type;
    const prop = visit(property).type;
    if (baseNode.t === 'ident' && baseNode.name === '$env') {
      if (property.t === 'string') {
        if (!env.has(property.value)) return fail(`unknown name ${property.value}`);
        return env.get(property.value)!;
      }
      return ANY;
    }
    if (property.t === 'string' && base === null) return fail(`type <nil> has no field ${property.value}`);
    if (isAny(base)) return ANY;
    if (isMap(base)) {
      if (prop !== null && !assignable(prop, base!.key!) && !isAny(prop)) fail(`cannot use ${typeString(prop)} to get an element from ${typeString(base)}`);
      return base!.elem!;
    }
    if (isArray(base)) {
      if (!isInteger(prop) && !isAny(prop)) fail(`array elements can only be selected using an integer (got ${typeString(prop)})`);
      return base!.elem!;
    }
    return fail(`type ${typeString(base)}[${typeString(prop)}] is undefined`);
  };

  const call = (n: Extract<Node, { t: 'call' }>): MaybeType => {
    const fn = visit(n.callee).type;
    const name = n.callee.t === 'ident' ? n.callee.name : n.callee.t === 'member' && n.callee.property.t === 'string' ? n.callee.property.value : 'function';
    if (fn === null) return fail(`${name} is nil; cannot call nil as function`);
    if (isAny(fn)) { n.args.forEach(visit); return ANY; }
    if (!isFunc(fn)) return fail(`${typeString(fn)} is not callable`);
    const params = fn.params ?? [];
    if (n.args.length > params.length) fail(`too many arguments to call ${name}`);
    if (n.args.length < params.length) fail(`not enough arguments to call ${name}`);
    n.args.forEach((arg, i) => {
      const t = visit(arg).type;
      const param = params[i];
      if (isFloat(param) && isInteger(t)) {
        markFloat(arg);
        return;
      }
      if (t === null) return;
      if (!assignable(t, param) && !isAny(t)) fail(`cannot use ${typeString(t)} as argument (type ${typeString(param)}) to call ${name} `);
    });
    return fn.result!;
  };

  const markFloat = (arg: Node) => {
    if (arg.t === 'int') {floatLiterals.add(arg);} else if (arg.t === 'unary') {markFloat(arg.node);} else if (arg.t === 'binary' && ['+', '-', '*'].includes(arg.op)) { markFloat(arg.left); markFloat(arg.right); }
  };

  const predicate = (name: string, args: Node[], extra: Record<string, GoType> = {}): { collection: MaybeType; closure: MaybeType } => {
    const collection = visit(args[0]).type;
    if (!isArray(collection) && !isAny(collection)) fail(`builtin ${name} takes only array (got ${typeString(collection)})`);
    predicateScopes.push({ vtype: collection!, vars: new Map(Object.entries(extra)) });
    let closure: MaybeType;
    try {
      closure = visit(args[1]).type;
    } finally {
      predicateScopes.pop();
    }
    if (!(isFunc(closure) && closure!.params?.length === 1 && isAny(closure!.params[0]))) {
      fail('predicate should has one input and one output param');
    }
    return { collection, closure };
  };
  const boolPredicate = (name: string, args: Node[]) => {
    const p = predicate(name, args);
    const out = p.closure!.result!;
    if (!isBool(out) && !isAny(out)) fail(`predicate should return boolean (got ${typeString(out)})`);
    return p;
  };

  const builtin = (name: string, args: Node[]): MaybeType => {
    switch (name) {
      case 'all': case 'none': case 'any': case 'one':
        boolPredicate(name, args);
        return BOOL;
      case 'filter': {
        const { collection } = boolPredicate(name, args);
        return isAny(collection) ? ANY_SLICE : sliceOf(collection!.elem!);
      }
      case 'map': {
        const { closure } = predicate(name, args, { index: INT });
        return sliceOf(closure!.result!);
      }
      case 'count': case 'findIndex': case 'findLastIndex':
        boolPredicate(name, args);
        return INT;
      case 'find': case 'findLast': {
        const { collection } = boolPredicate(name, args);
        return isAny(collection) ? ANY : collection!.elem!;
      }
    }
    const validate = BUILTIN_TYPES[name];
    if (!validate) throw new UnsupportedExpression(`the builtin '${name}' is not evaluated offline`);
    return validate(args.map(a => visit(a).type));
  };

  try {
    const type = visit(node).type;
    if (foldError !== undefined) throw new ExprCompileError(foldError);
    return { type, floatLiterals, intEquals };
  } catch (e) {
    if (e instanceof RangeError) throw new ExprCompileError('expression nested too deeply');
    throw e;
  }
}

/** The value of an integer constant the optimizer folds (`optimizer/fold.go`: literals, unary and + - * %), if it is one. */
function constInt(n: Node): number | undefined {
  if (n.t === 'int') return n.value;
  if (n.t === 'unary' && (n.op === '-' || n.op === '+')) {
    const v = constInt(n.node);
    return v === undefined ? undefined : n.op === '-' ? -v : v;
  }
  if (n.t === 'binary' && ['+', '-', '*', '%'].includes(n.op)) {
    const a = constInt(n.left);
    const b = constInt(n.right);
    if (a === undefined || b === undefined) return undefined;
    if (n.op === '%') return b === 0 ? undefined : a % b;
    return n.op === '+' ? a + b : n.op === '-' ? a - b : a * b;
  }
  return undefined;
}

/** An expression that uses a part of expr this evaluator does not model (time functions, string helpers, …). */
export class UnsupportedExpression extends Error {}

const NUMERIC_OR_ANY = (t: MaybeType) => isNumber(t) || isAny(t);
/** A type formatted with Go's `%s` verb (the builtins' messages): a nil reflect.Type prints as `%!s(<nil>)`. */
const typeS = (t: MaybeType) => (t === null ? '%!s(<nil>)' : typeString(t));
const one = (args: MaybeType[]) => {
  if (args.length !== 1) throw new ExprCompileError(`invalid number of arguments (expected 1, got ${args.length})`);
  return args[0];
};

/** `Validate` of the builtins evaluated offline (builtin/builtin.go). */
const BUILTIN_TYPES: Record<string, Validate> = {
  len: args => {
    const t = one(args);
    if (t !== null && ['slice', 'map', 'string', 'interface'].includes(t.kind)) return INT;
    throw new ExprCompileError(`invalid argument for len (type ${typeS(t)})`);
  },
  abs: args => {
    const t = one(args);
    if (NUMERIC_OR_ANY(t)) return t!;
    throw new ExprCompileError(`invalid argument for abs (type ${typeS(t)})`);
  },
  ceil: args => numericToFloat('ceil', args),
  floor: args => numericToFloat('floor', args),
  round: args => numericToFloat('floor', args),
  int: args => {
    const t = one(args);
    if (NUMERIC_OR_ANY(t) || isString(t)) return INT;
    throw new ExprCompileError(`invalid argument for int (type ${typeS(t)})`);
  },
  float: args => {
    const t = one(args);
    if (NUMERIC_OR_ANY(t) || isString(t)) return FLOAT64;
    throw new ExprCompileError(`invalid argument for float (type ${typeS(t)})`);
  },
  string: args => {
    if (args.length !== 1) throw new ExprCompileError(args.length > 1 ? 'too many arguments to call string' : 'not enough arguments to call string');
    return STRING;
  },
  max: args => extremum('max', args),
  min: args => extremum('min', args),
  sum: args => aggregate('sum', args, ANY),
  mean: args => aggregate('avg', args, FLOAT64),
  median: args => aggregate('median', args, FLOAT64),
  first: args => firstLast('first', args),
  last: args => firstLast('last', args),
  type: args => {
    if (args.length !== 1) throw new ExprCompileError(args.length > 1 ? 'too many arguments to call type' : 'not enough arguments to call type');
    return STRING;
  },
};

function numericToFloat(name: string, args: MaybeType[]): GoType {
  const t = one(args);
  if (NUMERIC_OR_ANY(t)) return FLOAT64;
  throw new ExprCompileError(`invalid argument for ${name} (type ${typeS(t)})`);
}

function extremum(name: string, args: MaybeType[]): GoType {
  if (args.length === 0) throw new ExprCompileError(`not enough arguments to call ${name}`);
  for (const t of args) {
    if (isAny(t)) return ANY;
    if (!isNumber(t)) throw new ExprCompileError(`invalid argument for ${name} (type ${typeS(t)})`);
  }
  return args[0]!;
}

function aggregate(verb: string, args: MaybeType[], out: GoType): GoType {
  const t = one(args);
  if (!(isAny(t) || isArray(t))) throw new ExprCompileError(`cannot ${verb} ${typeS(t)}`);
  return out;
}

function firstLast(name: string, args: MaybeType[]): GoType {
  const t = one(args);
  if (isAny(t)) return ANY;
  if (isArray(t)) return t!.elem!;
  throw new ExprCompileError(`cannot get ${name} element from ${typeS(t)}`);
}
