import { missingStringKeys, STRING_MAPS } from './builtins';
import { Arg, Command, lineOf, Node, Pipe, Template, TemplateError } from './parse';
import { formatValue, GoMap, GoValue, hasKey, isMap, NO_VALUE, truth } from './values';

/** How a missing map key is treated (`missingkey=` option). */
export type MissingKey = 'default' | 'zero' | 'error';

/**
 * A template function. It receives evaluated arguments; `lazy` functions (and, or) receive thunks. A function
 * signals a Go error by throwing a `FunctionError` (worded as Go's `error calling X: ...`) or an
 * `ArgumentError` (worded as Go's type checks).
 */
export interface TemplateFunction {
  readonly call: (args: GoValue[]) => GoValue;
  /** The Go parameter count; -1 for variadic. */
  readonly arity: number;
  /** Minimum arguments for variadic functions. */
  readonly minArgs?: number;
}

/** An error inside a function: Go prints `error calling <name>: <message>`. */
export class FunctionError extends Error {}
/**
 * An argument of the wrong type: Go prints the message as is, e.g. `wrong type for value; expected string; got
 * float64`, at the argument's node. `value` is the offending value, which locates the argument.
 */
export class ArgumentError extends Error {
  public constructor(message: string, public readonly value?: GoValue) {
    super(message);
  }
}

class BreakSignal {}
class ContinueSignal {}

/** Executes a parsed template against `data`, as Go's `Template.Execute` does. */
export function executeTemplate(tmpl: Template, data: GoValue, functions: ReadonlyMap<string, TemplateFunction>, missingKey: MissingKey): string {
  const state = new State(tmpl, functions, missingKey);
  state.vars.push({ name: '$', value: data });
  const out: string[] = [];
  state.walk(data, tmpl.root, out);
  return out.join('');
}

class State {
  public readonly vars: { name: string; value: GoValue }[] = [];
  private node: { pos: number; text: string } | undefined;

  public constructor(
    private readonly tmpl: Template,
    private readonly functions: ReadonlyMap<string, TemplateFunction>,
    private readonly missingKey: MissingKey,
  ) {}

  public walk(dot: GoValue, nodes: Node[], out: string[]): void {
    for (const n of nodes) {
      switch (n.type) {
        case 'text': out.push(n.text); break;
        case 'action': {
          const v = this.evalPipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) out.push(this.printable(v, n.pipe));
          break;
        }
        case 'if': case 'with': {
          const mark = this.vars.length;
          const v = this.evalPipeline(dot, n.pipe);
          if (truth(v)) this.walk(n.type === 'with' ? v : dot, n.list, out);
          else if (n.elseList) this.walk(dot, n.elseList, out);
          this.vars.length = mark;
          break;
        }
        case 'range': this.walkRange(dot, n, out); break;
        case 'template': {
          const body = this.tmpl.defines.get(n.name);
          if (!body) {
            this.at(n.pos, `{{template "${n.name}"}}`);
            this.fail(`template "${n.name}" not defined`);
          }
          const value = n.pipe ? this.evalPipeline(dot, n.pipe) : null;
          // A template runs with its own variables: $ is its dot.
          const saved = this.vars.splice(0);
          this.vars.push({ name: '$', value });
          try {
            this.walk(value, body, out);
          } finally {
            this.vars.splice(0, this.vars.length, ...saved);
          }
          break;
        }
        case 'break': throw new BreakSignal();
        case 'continue': throw new ContinueSignal();
      }
    }
  }

  private walkRange(dot: GoValue, n: Extract<Node, { type: 'range' }>, out: string[]): void {
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, { ...n.pipe, decl: [] });
    const oneIteration = (index: GoValue, elem: GoValue): boolean => {
      const inner = this.vars.length;
      // `range $e := …` binds the element; `range $i, $e := …` the index and the element.
      const decl = n.pipe.decl;
      if (decl.length === 1) this.setVar(decl[0], elem, n.pipe.isAssign);
      if (decl.length === 2) {
        this.setVar(decl[1], elem, n.pipe.isAssign);
        this.setVar(decl[0], index, n.pipe.isAssign);
      }
      try {
        this.walk(elem, n.list, out);
      } catch (e) {
        if (e instanceof BreakSignal) { this.vars.length = inner; return false; }
        if (!(e instanceof ContinueSignal)) throw e;
      }
      this.vars.length = inner;
      return true;
    };
    let any = false;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { any = true; if (!oneIteration(BigInt(i), v[i])) break; }
    } else if (isMap(v)) {
      for (const k of Object.keys(v).sort()) { any = true; if (!oneIteration(k, v[k])) break; }
    } else if (typeof v === 'bigint') {
      for (let i = 0n; i < v; i++) { any = true; if (!oneIteration(i, i)) break; }
    } else if (v === null || v === NO_VALUE) {
      // nil ranges over nothing
    } else {
      this.at(n.pos, 'range');
      this.fail(`range can't iterate over ${formatValue(v)}`);
    }
    if (!any && n.elseList) this.walk(dot, n.elseList, out);
    this.vars.length = mark;
  }

  private setVar(name: string, value: GoValue, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) { this.vars[i].value = value; return; }
    }
    this.vars.push({ name, value });
  }

  private evalPipeline(dot: GoValue, pipe: Pipe): GoValue {
    let value: GoValue | undefined;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
    }
    for (const name of pipe.decl) this.setVar(name, value!, pipe.isAssign);
    return value!;
  }

  private evalCommand(dot: GoValue, cmd: Command, final: GoValue | undefined): GoValue {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field': return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': {
        const base = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, base, first, first.idents, cmd.args, final);
      }
      case 'identifier': return this.evalFunction(dot, first, cmd.args, final, cmd);
      case 'pipe': this.notAFunction(cmd.args, final); return this.evalPipeline(dot, first.pipe);
      case 'variable': {
        const v = this.lookupVar(first.name);
        if (first.idents.length === 0) { this.notAFunction(cmd.args, final); return v; }
        return this.evalFieldChain(dot, v, first, first.idents, cmd.args, final);
      }
      default:
        this.notAFunction(cmd.args, final);
        return this.evalArg(dot, first);
    }
  }

  private notAFunction(args: Arg[], final: GoValue | undefined): void {
    if (args.length > 1 || final !== undefined) {
      this.at(args[0].pos, argText(args[0]));
      this.fail(`can't give argument to non-function ${argText(args[0])}`);
    }
  }

  private lookupVar(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.fail(`undefined variable: ${name}`);
  }

  private evalFieldChain(_dot: GoValue, receiver: GoValue, node: Arg, idents: string[], args: Arg[], final: GoValue | undefined): GoValue {
    this.at(node.pos, argText(node));
    let v = receiver;
    // Go reports the static type of the receiver: values read out of a map[string]interface{} are interface {}.
    let staticType = receiver === this.vars[0]?.value && isMap(receiver) ? 'map[string]interface {}' : 'interface {}';
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      const parent = v;
      v = this.evalField(v, idents[i], last && (args.length > 1 || final !== undefined), staticType);
      staticType = isMap(parent) && STRING_MAPS.has(parent) ? 'string' : isMap(v) && STRING_MAPS.has(v) ? 'map[string]string' : 'interface {}';
    }
    return v;
  }

  private evalField(receiver: GoValue, name: string, hasArgs: boolean, staticType: string): GoValue {
    if (receiver === NO_VALUE) {
      if (this.missingKey === 'error') this.fail(`nil data; no entry for key "${name}"`);
      return NO_VALUE;
    }
    if (receiver === null) this.fail(`nil pointer evaluating ${staticType}.${name}`);
    if (isMap(receiver)) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (hasKey(receiver, name)) return receiver[name];
      if (STRING_MAPS.has(receiver)) missingStringKeys.current?.add(name);
      if (this.missingKey === 'zero' && STRING_MAPS.has(receiver)) return '';
      switch (this.missingKey) {
        case 'error': this.fail(`map has no entry for key "${name}"`);
        // falls through (unreachable)
        default: return NO_VALUE;
      }
    }
    this.fail(`can't evaluate field ${name} in type ${staticType}`);
  }

  private evalFunction(dot: GoValue, ident: Extract<Arg, { type: 'identifier' }>, args: Arg[], final: GoValue | undefined, cmd?: Command): GoValue {
    const name = ident.name;
    const context = cmd ? cmd.args.map(argText).join(' ') : name;
    const fn = this.functions.get(name);
    if (!fn) { this.at(ident.pos, name); this.fail(`"${name}" is not a defined function`); }
    const argNodes = args.slice(1);
    const count = argNodes.length + (final !== undefined ? 1 : 0);
    if (name === 'and' || name === 'or') {
      this.at(ident.pos, name);
      if (count < 1) this.fail(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: GoValue = NO_VALUE;
      const thunks: (() => GoValue)[] = [...argNodes.map(a => () => this.evalArg(dot, a)), ...(final !== undefined ? [() => final] : [])];
      for (const t of thunks) {
        v = t();
        if (truth(v) === (name === 'or')) return v;
      }
      return v;
    }
    this.at(ident.pos, name);
    if (fn.arity >= 0 && count !== fn.arity) this.fail(`wrong number of args for ${name}: want ${fn.arity} got ${count}`);
    if (fn.arity < 0 && count < (fn.minArgs ?? 0)) this.fail(`wrong number of args for ${name}: want at least ${fn.minArgs} got ${count}`);
    const values = argNodes.map(a => this.evalArg(dot, a));
    if (final !== undefined) values.push(final);
    this.at(cmd ? cmd.pos : ident.pos, context);
    try {
      return fn.call(values);
    } catch (e) {
      if (e instanceof FunctionError) this.fail(`error calling ${name}: ${e.message}`);
      if (e instanceof ArgumentError) {
        // Go checks argument types as it evaluates each argument, so it reports the argument's node.
        const i = e.value === undefined ? -1 : values.indexOf(e.value);
        if (i >= 0 && i < argNodes.length) this.at(argNodes[i].pos, argText(argNodes[i]));
        this.fail(e.message);
      }
      throw e;
    }
  }

  private evalArg(dot: GoValue, a: Arg): GoValue {
    this.at(a.pos, argText(a));
    switch (a.type) {
      case 'dot': return dot;
      case 'nil': return null;
      case 'bool': return a.value;
      case 'string': return a.text;
      case 'number': return a.value;
      case 'field': return this.evalFieldChain(dot, dot, a, a.idents, [a], undefined);
      case 'variable': {
        const v = this.lookupVar(a.name);
        return a.idents.length ? this.evalFieldChain(dot, v, a, a.idents, [a], undefined) : v;
      }
      case 'pipe': return this.evalPipeline(dot, a.pipe);
      case 'chain': return this.evalFieldChain(dot, this.evalArg(dot, a.node), a, a.idents, [a], undefined);
      case 'identifier': return this.evalFunction(dot, a, [a], undefined);
    }
  }

  private printable(v: GoValue, pipe: Pipe): string {
    if (typeof v === 'function') { this.at(pipe.pos, ''); this.fail("can't print value of type func"); }
    return formatValue(v);
  }

  private at(pos: number, text: string): void {
    this.node = { pos, text };
  }

  private fail(message: string): never {
    if (!this.node) throw new TemplateError(`template: : ${message}`);
    const { pos, text } = this.node;
    const before = this.tmpl.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - (nl + 1);
    const context = text.length > 20 ? `${text.slice(0, 20)}...` : text;
    throw new TemplateError(`template: :${lineOf(this.tmpl.text, pos)}:${col}: executing "" at <${context}>: ${message}`);
  }
}

/** The source text of an argument node, as Go's Node.String() prints it. */
function argText(a: Arg): string {
  switch (a.type) {
    case 'field': return a.idents.map(i => `.${i}`).join('');
    case 'variable': return a.name + a.idents.map(i => `.${i}`).join('');
    case 'dot': return '.';
    case 'identifier': return a.name;
    case 'string': return a.quoted;
    case 'number': return a.text;
    case 'bool': return String(a.value);
    case 'nil': return 'nil';
    case 'pipe': return `(${a.pipe.cmds.map(c => c.args.map(argText).join(' ')).join(' | ')})`;
    case 'chain': return argText(a.node) + a.idents.map(i => `.${i}`).join('');
  }
}

export type { GoMap };
