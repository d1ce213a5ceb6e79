/**
 * The common templates without the interpreter. Most ApplicationSet strings are text with a few actions that
 * read string parameters and pass strings through functions: `{{.name}}`, `{{ index .metadata.labels "env" }}`,
 * `{{ .values.app | default "x" | upper }}`. A template made only of such parts is compiled once into a list
 * of parts, which runs on plain values and returns what the interpreter (execute.ts) prints, or undefined as
 * soon as anything leaves that shape (a missing key, a value that is not a string, a function that fails, an
 * output over the limit): the interpreter then runs the template and produces its result or its error. So the
 * fast path never decides an outcome on its own; test/expansion/render-paths.test.ts compares both on
 * generated templates and parameters.
 */
import { TemplateFunction } from './functions';
import { MAX_OUTPUT_BYTES } from './limits';
import { Arg, Command, Node, Template } from './parse';
import { GoMap, GoValue, hasKey, isMap, NO_VALUE } from './values';

/** A field chain (`.a.b`) or a string constant. */
type Operand = { readonly field: readonly string[] } | { readonly text: string };

/**
 * One command of a pipeline: a field chain alone, or a function with its arguments (the piped value last) and,
 * per argument position, whether the parameter is a string (the other parameter types take any value as it is).
 */
type Step =
  | { readonly field: readonly string[] }
  | { readonly fn: TemplateFunction; readonly args: readonly Operand[]; readonly stringAt: readonly boolean[] };

/** Text, or an action's pipeline. */
type Part = string | readonly Step[];

/** A compiled template, or null when it has another shape. */
export type FastTemplate = readonly Part[] | null;

/** Parameter types that take a string as it is (text/template's validateType has nothing to convert). */
const STRING_PARAMS = new Set(['s', 'a', 'v']);

/**
 * Compiles `tmpl` when it is text and actions of the shape above, with functions whose parameters all accept
 * a string unchanged (string, interface{}, reflect.Value) and are called with the number of arguments they take.
 * `and` and `or` (evaluated lazily by the interpreter) are left to it.
 */
export function compileFast(tmpl: Template, functions: ReadonlyMap<string, TemplateFunction>): FastTemplate {
  if (tmpl.defines.size > 0) return null;
  const parts: Part[] = [];
  for (const n of tmpl.root) {
    const part = compileNode(n, functions);
    if (part === undefined) return null;
    parts.push(part);
  }
  return parts;
}

function compileNode(n: Node, functions: ReadonlyMap<string, TemplateFunction>): Part | undefined {
  if (n.type === 'text') return n.text;
  if (n.type !== 'action' || n.pipe.decl.length > 0 || n.pipe.cmds.length === 0) return undefined;
  const steps: Step[] = [];
  for (let i = 0; i < n.pipe.cmds.length; i++) {
    const step = compileCommand(n.pipe.cmds[i], i > 0, functions);
    if (step === undefined) return undefined;
    steps.push(step);
  }
  return steps;
}

function compileCommand(cmd: Command, piped: boolean, functions: ReadonlyMap<string, TemplateFunction>): Step | undefined {
  const first = cmd.args[0];
  if (first.type === 'field') return !piped && cmd.args.length === 1 ? { field: first.idents } : undefined;
  if (first.type !== 'identifier' || first.name === 'and' || first.name === 'or') return undefined;
  const fn = functions.get(first.name);
  if (!fn) return undefined;
  const numIn = cmd.args.length - 1 + (piped ? 1 : 0);
  if (fn.variadic === undefined ? numIn !== fn.params.length : numIn < fn.params.length) return undefined;
  if (!fn.params.every(p => STRING_PARAMS.has(p)) || fn.variadic !== undefined && !STRING_PARAMS.has(fn.variadic)) return undefined;
  const args: Operand[] = [];
  for (const a of cmd.args.slice(1)) {
    const operand = compileOperand(a);
    if (!operand) return undefined;
    args.push(operand);
  }
  const stringAt = Array.from({ length: numIn }, (_x, i) => (i < fn.params.length ? fn.params[i] : fn.variadic) === 's');
  return { fn, args, stringAt };
}

function compileOperand(a: Arg): Operand | undefined {
  if (a.type === 'field') return { field: a.idents };
  if (a.type === 'string') return { text: a.text };
  return undefined;
}

/** Runs a compiled template; undefined when the interpreter must decide. */
export function runFast(parts: readonly Part[], params: GoValue): string | undefined {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: GoValue | undefined;
    for (let j = 0; j < part.length; j++) {
      const step = part[j];
      if ('field' in step) {
        value = fieldValue(params, step.field);
      } else {
        const values: GoValue[] = [];
        for (let k = 0; k < step.args.length; k++) {
          const a = step.args[k];
          const v = 'text' in a ? a.text : fieldValue(params, a.field);
          if (v === undefined || step.stringAt[k] && typeof v !== 'string') return undefined;
          values.push(v);
        }
        if (j > 0) {
          if (step.stringAt[values.length] && typeof value !== 'string') return undefined;
          values.push(value!);
        }
        try {
          value = step.fn.call(values);
        } catch {
          return undefined;
        }
      }
      // A nil or missing value takes the interpreter's conversions (nil becomes an invalid value between commands).
      if (value === undefined || value === null || value === NO_VALUE) return undefined;
    }
    if (typeof value !== 'string') return undefined;
    out += value;
  }
  return out.length > MAX_OUTPUT_BYTES ? undefined : out;
}

/** The value at a field chain of nested maps, or undefined when a key is missing or a value on the way is no map. */
function fieldValue(params: GoValue, idents: readonly string[]): GoValue | undefined {
  let v: GoValue = params;
  for (let i = 0; i < idents.length; i++) {
    if (!isMap(v) || !hasKey(v, idents[i])) return undefined;
    v = (v as GoMap)[idents[i]];
  }
  return v;
}
