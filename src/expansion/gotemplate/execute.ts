import { sprintf, formatValue, PointerVerbError } from './fmt';
import { FunctionError, NotPreviewableError, PARAM_TYPE_NAMES, ParamType, TemplateFunction } from './functions';
import { LimitError, MAX_OUTPUT_BYTES, MAX_STEPS, MAX_TEMPLATE_DEPTH } from './limits';
import { Arg, Command, lineOf, Node, Pipe, Template, TemplateError } from './parse';
import { GO_TYPES, GoInt, GoValue, hasKey, isGoObject, isMap, isStringMap, NO_VALUE, sortedKeys, truth, typeName } from './values';

/** How a missing map key is treated (`missingkey=` option). */
export type MissingKey = 'default' | 'zero' | 'error';

export type { TemplateFunction };

/**
 * Collects keys looked up but missing in a map[string]string (`index .metadata.labels "x"` silently yields "").
 * The expansion sets `current` around each render to report templates that read labels a cluster lacks.
 */
export const missingStringKeys: { current?: Set<string> } = {};

const NIL_TYPED: Typed = { value: NO_VALUE, type: 'interface {}' };

class BreakSignal {}
class ContinueSignal {}

/** A value and the static Go type text/template reports for it in errors ("interface {}" for map elements). */
interface Typed { value: GoValue; type: string }

/** Executes a parsed template against `data`, as Go's `Template.Execute` does. */
export function executeTemplate(tmpl: Template, data: GoValue, functions: ReadonlyMap<string, TemplateFunction>, missingKey: MissingKey): string {
  const state = new State(tmpl, functions, missingKey);
  state.vars.push({ name: '$', value: data });
  const out: string[] = [];
  try {
    state.walk({ value: data, type: staticTypeOf(data) }, tmpl.root, out);
  } catch (e) {
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      throw new TemplateError(`template: base: executing "base" : the template nests too deeply for cdk8s-fleet's evaluator (at most ${MAX_TEMPLATE_DEPTH} template calls and 1000 nested structures)`);
    }
    throw e;
  }
  return out.join('');
}

function staticTypeOf(v: GoValue): string {
  return v === NO_VALUE || v === null ? 'interface {}' : typeName(v);
}

class State {
  public readonly vars: { name: string; value: GoValue }[] = [];
  private node: { pos: number; text: string | Arg } | undefined;
  private templateName = 'base';
  private depth = 0;
  private steps = 0;
  private size = 0;
  private readonly calls: { name: string; dot: GoValue }[] = [];

  public constructor(
    private readonly tmpl: Template,
    private readonly functions: ReadonlyMap<string, TemplateFunction>,
    private readonly missingKey: MissingKey,
  ) {}

  private step(): void {
    if (++this.steps > MAX_STEPS) this.fail(`template execution took more than ${MAX_STEPS} steps (cdk8s-fleet's limit)`);
  }

  private emit(out: string[], s: string): void {
    this.size += s.length;
    if (this.size > MAX_OUTPUT_BYTES) this.fail(`template output exceeds ${MAX_OUTPUT_BYTES} bytes (cdk8s-fleet's limit; no Application that large could be stored)`);
    out.push(s);
  }

  public walk(dot: Typed, nodes: Node[], out: string[]): void {
    for (const n of nodes) {
      this.step();
      switch (n.type) {
        case 'text': this.emit(out, n.text); break;
        case 'action': {
          const v = this.evalPipeline(dot, n.pipe);
          if (n.pipe.decl.length === 0) this.emit(out, this.printable(v.value, n.pipe));
          break;
        }
        case 'if': case 'with': {
          const mark = this.vars.length;
          const v = this.evalPipeline(dot, n.pipe);
          if (truth(v.value)) this.walk(n.type === 'with' ? v : dot, n.list, out);
          else if (n.elseList) this.walk(dot, n.elseList, out);
          this.vars.length = mark;
          break;
        }
        case 'range': this.walkRange(dot, n, out); break;
        case 'template': this.walkTemplate(dot, n, out); break;
        case 'break': throw new BreakSignal();
        case 'continue': throw new ContinueSignal();
      }
    }
  }

  private walkTemplate(dot: Typed, n: Extract<Node, { type: 'template' }>, out: string[]): void {
    const text = n.pipe ? `{{template ${JSON.stringify(n.name)} ${pipeText(n.pipe)}}}` : `{{template ${JSON.stringify(n.name)}}}`;
    this.at(n.pos, text);
    const body = this.tmpl.defines.get(n.name);
    if (!body) this.fail(`template "${n.name}" not defined`);
    const value: Typed = n.pipe ? this.evalPipeline(dot, n.pipe) : { value: null, type: 'interface {}' };
    this.at(n.pos, text);
    if (this.depth >= MAX_TEMPLATE_DEPTH) {
      // A template called again with the same data recurses forever in Go too, until its maxExecDepth.
      const same = this.calls.some(c => c.name === n.name && sameValue(c.dot, value.value));
      if (same) this.fail('exceeded maximum template depth (100000)');
      this.fail(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH}, cdk8s-fleet's limit; Go allows 100000)`);
    }
    // A template runs with its own variables: $ is its dot.
    const saved = this.vars.splice(0);
    const savedName = this.templateName;
    this.vars.push({ name: '$', value: value.value });
    this.templateName = n.name;
    this.depth++;
    this.calls.push({ name: n.name, dot: value.value });
    try {
      this.walk(value, body, out);
    } finally {
      this.calls.pop();
      this.depth--;
      this.templateName = savedName;
      this.vars.splice(0, this.vars.length, ...saved);
    }
  }

  private walkRange(dot: Typed, n: Extract<Node, { type: 'range' }>, out: string[]): void {
    this.at(n.pos, 'range');
    const mark = this.vars.length;
    const v = this.evalPipeline(dot, { ...n.pipe, decl: [] }).value;
    const decl = n.pipe.decl;
    const oneIteration = (index: GoValue, elem: Typed): boolean => {
      this.step();
      const inner = this.vars.length;
      // `range $e := …` binds the element; `range $i, $e := …` the index and the element.
      if (decl.length === 1) this.setVar(decl[0], elem.value, n.pipe.isAssign);
      if (decl.length === 2) {
        this.setVar(decl[1], elem.value, n.pipe.isAssign);
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
      const elemType = elementType(v);
      for (let i = 0; i < v.length; i++) { any = true; if (!oneIteration(BigInt(i), { value: v[i], type: elemType })) break; }
    } else if (v instanceof Uint8Array) {
      for (let i = 0; i < v.length; i++) { any = true; if (!oneIteration(BigInt(i), { value: new GoInt('uint8', BigInt(v[i])), type: 'uint8' })) break; }
    } else if (isMap(v)) {
      const elemType = isStringMap(v) ? 'string' : 'interface {}';
      for (const k of sortedKeys(v)) { any = true; if (!oneIteration(k, { value: v[k], type: elemType })) break; }
    } else if (typeof v === 'bigint' || v instanceof GoInt) {
      const count = typeof v === 'bigint' ? v : v.value;
      if (decl.length > 1) this.fail(`can't use ${formatValue(v)} to iterate over more than one variable`);
      for (let i = 0n; i < count; i++) { any = true; if (!oneIteration(i, { value: typeof v === 'bigint' ? i : new GoInt(v.type, i), type: typeName(v) })) break; }
    } else if (v === null || v === NO_VALUE) {
      // nil ranges over nothing
    } else {
      // Go reports at the node the pipeline evaluated last (s.at is not reset to the range node).
      this.fail(`range can't iterate over ${formatValue(v)}`);
    }
    if (!any && n.elseList) this.walk(dot, n.elseList, out);
    this.vars.length = mark;
  }

  private setVar(name: string, value: GoValue, assign: boolean): void {
    if (assign) {
      for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) { this.vars[i].value = value; return; }
      // Go's parser accepts `$x = …` for an undeclared $x; setVar fails at run time, at the node evaluated last.
      this.fail(`undefined variable: ${name}`);
    }
    this.vars.push({ name, value });
  }

  private evalPipeline(dot: Typed, pipe: Pipe): Typed {
    let value: Typed | undefined;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A value of static type interface{} is unwrapped to its dynamic type, as Go's evalPipeline does.
      if (value.value === null) value = NIL_TYPED;
      else if (value.type === 'interface {}' && value.value !== NO_VALUE) value = { value: value.value, type: typeName(value.value) };
    }
    for (const name of pipe.decl) this.setVar(name, value!.value, pipe.isAssign);
    return value!;
  }

  private evalCommand(dot: Typed, cmd: Command, final: Typed | undefined): Typed {
    const first = cmd.args[0];
    this.step();
    switch (first.type) {
      case 'field': return this.evalFieldChain(dot, dot, first, first.idents, cmd.args, final);
      case 'chain': {
        const base = this.evalArgValue(dot, first.node);
        return this.evalFieldChain(dot, base, first, first.idents, cmd.args, final);
      }
      case 'identifier': return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe': this.notAFunction(cmd.args, final); return this.evalPipeline(dot, first.pipe);
      case 'variable': {
        const v = this.lookupVar(first.name, first.pos);
        if (first.idents.length === 0) { this.notAFunction(cmd.args, final); return { value: v, type: staticTypeOf(v) }; }
        return this.evalFieldChain(dot, { value: v, type: staticTypeOf(v) }, first, first.idents, cmd.args, final);
      }
      default:
        this.notAFunction(cmd.args, final);
        this.at(first.pos, first);
        switch (first.type) {
          case 'dot': return dot;
          case 'nil': this.fail('nil is not a command');
          // falls through (unreachable)
          case 'bool': return { value: first.value, type: 'bool' };
          case 'string': return { value: first.text, type: 'string' };
          case 'number': return { value: this.idealConstant(first), type: '' };
        }
    }
    return dot;
  }

  private notAFunction(args: Arg[], final: Typed | undefined): void {
    if (args.length > 1 || final !== undefined) {
      this.at(args[0].pos, args[0]);
      this.fail(`can't give argument to non-function ${argText(args[0])}`);
    }
  }

  private lookupVar(name: string, pos: number): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.at(pos, name);
    this.fail(`undefined variable: ${name}`);
  }

  private evalFieldChain(dot: Typed, receiver: Typed, node: Arg, idents: string[], args: Arg[], final: Typed | undefined): Typed {
    let v = receiver;
    for (let i = 0; i < idents.length; i++) {
      this.at(node.pos, node);
      const last = i === idents.length - 1;
      v = this.evalField(dot, idents[i], last ? args : [], last ? final : undefined, v);
    }
    return v;
  }

  private evalField(dot: Typed, name: string, args: Arg[], final: Typed | undefined, receiver: Typed): Typed {
    const r = receiver.value;
    if (r === NO_VALUE) {
      if (this.missingKey === 'error') this.fail(`nil data; no entry for key "${name}"`);
      return { value: NO_VALUE, type: 'interface {}' };
    }
    if (r === null) this.fail(`nil pointer evaluating ${receiver.type}.${name}`);
    if (isGoObject(r)) {
      const hasArgs = args.length > 1 || final !== undefined;
      const result = hasArgs ? undefined : r.method(name, []);
      if (result !== undefined) return { value: result, type: typeName(result) };
      if (hasArgs && r.method(name, []) !== undefined) this.fail(`wrong number of args for ${name}: want 0 got ${args.length - 1 + (final !== undefined ? 1 : 0)}`);
      this.fail(`can't evaluate field ${name} in type ${receiver.type}`);
    }
    if (isMap(r)) {
      if (args.length > 1 || final !== undefined) this.fail(`${name} is not a method but has arguments`);
      const stringMap = isStringMap(r);
      if (hasKey(r, name)) return { value: r[name], type: stringMap ? 'string' : 'interface {}' };
      if (stringMap) missingStringKeys.current?.add(name);
      switch (this.missingKey) {
        case 'error': this.fail(`map has no entry for key "${name}"`);
        // falls through (unreachable)
        // reflect.Zero of the element type: "" for a map[string]string, a nil interface (valid, unlike a missing
        // value: a field of it is "nil pointer evaluating interface {}.x") for interface{} elements.
        case 'zero': return stringMap ? { value: '', type: 'string' } : { value: null, type: 'interface {}' };
        default: return { value: NO_VALUE, type: 'interface {}' };
      }
    }
    void dot;
    this.fail(`can't evaluate field ${name} in type ${receiver.type}`);
  }

  private evalFunction(dot: Typed, ident: Extract<Arg, { type: 'identifier' }>, cmd: Command | undefined, args: Arg[], final: Typed | undefined): Typed {
    const name = ident.name;
    this.at(ident.pos, name);
    const fn = this.functions.get(name);
    if (!fn) this.fail(`"${name}" is not a defined function`);
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final !== undefined ? 1 : 0);
    const fixed = fn.params.length;
    if (fn.variadic !== undefined) {
      if (numIn < fixed) this.fail(`wrong number of args for ${name}: want at least ${fixed} got ${argNodes.length}`);
    } else if (numIn !== fixed) {
      this.fail(`wrong number of args for ${name}: want ${fixed} got ${numIn}`);
    }
    if (name === 'and' || name === 'or') {
      let v: Typed = { value: NO_VALUE, type: 'interface {}' };
      for (const a of argNodes) {
        v = this.evalArg(dot, 'v', a);
        if (truth(v.value) === (name === 'or')) return v;
      }
      if (final !== undefined) v = final;
      return v;
    }
    const values: GoValue[] = [];
    argNodes.forEach((a, i) => values.push(this.evalArg(dot, i < fixed ? fn.params[i] : fn.variadic!, a).value));
    if (final !== undefined) {
      const t = numIn - 1 < fixed ? fn.params[numIn - 1] : fn.variadic!;
      values.push(this.validateType(final, t).value);
    }
    this.step();
    let result: GoValue;
    try {
      result = fn.call(values);
    } catch (e) {
      if (cmd) this.at(cmd.pos, cmd.args.map(argText).join(' '));
      else this.at(ident.pos, name);
      if (e instanceof FunctionError || e instanceof NotPreviewableError || e instanceof PointerVerbError) this.fail(`error calling ${name}: ${e.message}`);
      if (e instanceof TemplateError) throw e;
      if (e instanceof RangeError && /Invalid string length|Invalid array length/.test(e.message)) {
        this.fail(`error calling ${name}: ${new LimitError(`the result is larger than cdk8s-fleet can build (${e.message})`).message}`);
      }
      throw e;
    }
    return { value: result, type: staticTypeOf(result) };
  }

  /** text/template's evalArg: constants converted to the parameter type, other nodes evaluated then validated. */
  private evalArg(dot: Typed, t: ParamType, a: Arg): Typed {
    this.at(a.pos, a);
    switch (a.type) {
      case 'dot': return this.validateType(dot, t);
      case 'nil':
        if (t === 'a' || t === 'm' || t === 'v') return { value: t === 'v' ? NO_VALUE : null, type: 'interface {}' };
        this.fail(`cannot assign nil to ${PARAM_TYPE_NAMES[t]}`);
      // falls through (unreachable)
      case 'field': case 'variable': case 'pipe': case 'identifier': case 'chain':
        return this.validateType(this.evalArgNode(dot, a), t);
    }
    switch (t) {
      case 'b':
        if (a.type === 'bool') return { value: a.value, type: 'bool' };
        this.fail(`expected bool; found ${argText(a)}`);
      // falls through (unreachable)
      case 'f':
        if (a.type === 'number' && a.isFloat) return { value: a.float, type: 'float64' };
        this.fail(`expected float; found ${argText(a)}`);
      // falls through (unreachable)
      case 'i':
        if (a.type === 'number' && a.isInt) return { value: a.int, type: 'int' };
        this.fail(`expected integer; found ${argText(a)}`);
      // falls through (unreachable)
      case 's':
        if (a.type === 'string') return { value: a.text, type: 'string' };
        this.fail(`expected string; found ${argText(a)}`);
      // falls through (unreachable)
      case 'a': case 'v':
        if (a.type === 'bool') return { value: a.value, type: 'bool' };
        if (a.type === 'string') return { value: a.text, type: 'string' };
        if (a.type === 'number') return { value: this.idealConstant(a), type: '' };
    }
    this.fail(`can't handle ${argText(a)} for arg of type ${PARAM_TYPE_NAMES[t]}`);
  }

  /** The value of a non-constant argument node. */
  private evalArgNode(dot: Typed, a: Arg): Typed {
    switch (a.type) {
      case 'field': return this.evalFieldChain(dot, dot, a, a.idents, [a], undefined);
      case 'variable': {
        const v = this.lookupVar(a.name, a.pos);
        const typedV: Typed = { value: v, type: staticTypeOf(v) };
        return a.idents.length ? this.evalFieldChain(dot, typedV, a, a.idents, [a], undefined) : typedV;
      }
      case 'pipe': return this.evalPipeline(dot, a.pipe);
      case 'chain': return this.evalFieldChain(dot, this.evalArgValue(dot, a.node), a, a.idents, [a], undefined);
      case 'identifier': return this.evalFunction(dot, a, undefined, [a], undefined);
      default: return { value: this.evalArgValue(dot, a).value, type: '' };
    }
  }

  /** The value of any argument node, as an interface{} argument sees it. */
  private evalArgValue(dot: Typed, a: Arg): Typed {
    this.at(a.pos, a);
    switch (a.type) {
      case 'dot': return dot;
      case 'nil': this.fail('nil is not a command');
      // falls through (unreachable)
      case 'bool': return { value: a.value, type: 'bool' };
      case 'string': return { value: a.text, type: 'string' };
      case 'number': return { value: this.idealConstant(a), type: '' };
      default: {
        const v = this.evalArgNode(dot, a);
        return a.type === 'pipe' ? v : v;
      }
    }
  }

  /** text/template's idealConstant: a float when written like one, else an int. */
  private idealConstant(a: Extract<Arg, { type: 'number' }>): GoValue {
    if (a.isFloat && !/^[+-]?0[xX][0-9a-fA-F_]*$/.test(a.text) && !a.text.startsWith("'") && /[.eEpP]/.test(a.text)) return a.float;
    if (a.isInt) {
      if (a.int < -(2n ** 63n) || a.int >= 2n ** 63n) this.fail(`${a.text} overflows int`);
      return a.int;
    }
    if (a.isUint) this.fail(`${a.text} overflows int`);
    return a.float;
  }

  /** text/template's validateType for a parameter type. */
  private validateType(v: Typed, t: ParamType): Typed {
    const value = v.value;
    if (t === 'v') return v;
    if (value === NO_VALUE) {
      if (t === 'a' || t === 'm') return { value: null, type: 'interface {}' };
      this.fail(`invalid value; expected ${PARAM_TYPE_NAMES[t]}`);
    }
    if (t === 'a') return v;
    const want = PARAM_TYPE_NAMES[t];
    if (value === null) this.fail(`wrong type for value; expected ${want}; got ${v.type === '' ? 'interface {}' : v.type}`);
    const got = typeName(value);
    if (got !== want) this.fail(`wrong type for value; expected ${want}; got ${got}`);
    return v;
  }

  private printable(v: GoValue, pipe: Pipe): string {
    void pipe;
    return formatValue(v);
  }

  /** Where the next error is reported: a position and the node's text (computed only when an error is raised). */
  private at(pos: number, text: string | Arg): void {
    this.node = { pos, text };
  }

  private fail(message: string): never {
    if (!this.node) throw new TemplateError(`template: ${this.templateName}: ${message}`);
    const pos = this.node.pos;
    const text = typeof this.node.text === 'string' ? this.node.text : argText(this.node.text);
    const before = this.tmpl.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1));
    const context = text.length > 20 ? `${text.slice(0, 20)}...` : text;
    throw new TemplateError(`template: base:${lineOf(this.tmpl.text, pos)}:${col}: executing "${this.templateName}" at <${context}>: ${message}`);
  }
}

/** The static element type of a slice: its Go type's element, or interface {}. */
function elementType(v: GoValue[]): string {
  const t = GO_TYPES.get(v);
  return t?.startsWith('[]') ? t.slice(2) : 'interface {}';
}

/** Whether two template values are the same data (for detecting a template that recurses on the same input). */
function sameValue(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  try {
    return sprintf('%v', [a]) === sprintf('%v', [b]) && typeName(a) === typeName(b);
  } catch {
    return false;
  }
}

/** The source text of an argument node, as Go's Node.String() prints it. */
export function argText(a: Arg): string {
  switch (a.type) {
    case 'field': return a.idents.map(i => `.${i}`).join('');
    case 'variable': return a.name + a.idents.map(i => `.${i}`).join('');
    case 'dot': return '.';
    case 'identifier': return a.name;
    case 'string': return a.quoted;
    case 'number': return a.text;
    case 'bool': return String(a.value);
    case 'nil': return 'nil';
    case 'pipe': return `(${pipeText(a.pipe)})`;
    case 'chain': return argText(a.node) + a.idents.map(i => `.${i}`).join('');
  }
}

function pipeText(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(', ')} ${p.isAssign ? '=' : ':='} ` : '';
  return decl + p.cmds.map(c => c.args.map(argText).join(' ')).join(' | ');
}
