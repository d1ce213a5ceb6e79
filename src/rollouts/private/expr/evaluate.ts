import { check, UnsupportedExpression } from './checker';
import { parseGoFloat, run } from './interpreter';
import { ExprCompileError, parse } from './parser';
import { goQuote } from '../go-format';
import {
  ANY, assertedType, BOOL, bool, float, FLOAT64, formatV, funcOf, GoPanic, GoType, GoValue, goInt64, INT64, isNilValue, MaybeType, NIL, typeOf,
} from './types';

/**
 * Argo Rollouts v1.9.1 `utils/evaluate/evaluate.go`, offline: `EvalCondition` compiles a condition with
 * antonmedv/expr v1.15.5 against an environment holding `result` and the functions `asInt`, `asFloat`,
 * `isNaN`, `isInf`, `isNil` and `default`, runs it, and requires a bool; `EvaluateResult` turns the success and
 * failure conditions into a measurement phase.
 */
export type AnalysisPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** A condition's value, or the error the controller would record for the measurement. */
export type ConditionResult = { readonly value: boolean; readonly error?: undefined } | { readonly value?: undefined; readonly error: string };

export { UnsupportedExpression };

/** EvalCondition. Throws `UnsupportedExpression` for the few language parts not evaluated offline. */
export function evalCondition(result: GoValue, condition: string): ConditionResult {
  const value = isNilValue(result) ? NIL : result;
  const env = new Map<string, GoValue>([
    ['result', value],
    ['asInt', fn([ANY], INT64, ([x]) => ({ type: INT64, v: asInt(x) }))],
    ['asFloat', fn([ANY], FLOAT64, ([x]) => float(asFloat(x)))],
    ['isNaN', fn([FLOAT64], BOOL, ([x]) => bool(Number.isNaN(float64Arg(x))))],
    ['isInf', fn([FLOAT64], BOOL, ([x]) => bool(Math.abs(float64Arg(x)) === Infinity))],
    ['isNil', fn([ANY], BOOL, () => bool(isNilValue(result)))],
    ['default', fn([ANY, ANY], ANY, ([, d]) => (isNilValue(result) ? d : value))],
  ]);
  const types = new Map<string, MaybeType>([...env].map(([k, v]) => [k, v.type]));
  let output: GoValue;
  try {
    const node = parse(condition);
    const checked = check(node, types);
    output = run(node, env, checked.floatLiterals, checked.intEquals);
  } catch (e) {
    if (e instanceof ExprCompileError || e instanceof GoPanic) return { error: e.message };
    throw e;
  }
  if (output.type?.kind === 'bool') return { value: output.v };
  return { error: `expected bool, but got ${typeOf(output)}` };
}

/** EvaluateResult: the phase of one measurement whose value is `result`. */
export function evaluateResult(result: GoValue, successCondition?: string, failureCondition?: string): { phase: AnalysisPhase; error?: string } {
  let success = false;
  let failure = false;
  if (successCondition) {
    const r = evalCondition(result, successCondition);
    if (r.error !== undefined) return { phase: 'Error', error: r.error };
    success = r.value!;
  }
  if (failureCondition) {
    const r = evalCondition(result, failureCondition);
    if (r.error !== undefined) return { phase: 'Error', error: r.error };
    failure = r.value!;
  }
  if (!successCondition && !failureCondition) return { phase: 'Successful' };
  if (successCondition && !failureCondition) failure = !success;
  if (!successCondition && failureCondition) success = !failure;
  if (failure) return { phase: 'Failed' };
  if (!success) return { phase: 'Inconclusive' };
  return { phase: 'Successful' };
}

function fn(params: GoType[], result: GoType, impl: (args: GoValue[]) => GoValue): GoValue {
  return { type: funcOf(params, result), v: impl };
}

function float64Arg(x: GoValue): number {
  if (x.type?.kind === 'float64') return x.v;
  throw new GoPanic(`interface conversion: interface {} is ${assertedType(x)}, not float64`);
}

/** evaluate.go asInt: numbers truncate; strings parse as base-10 int64; anything else panics. */
function asInt(x: GoValue): number {
  const k = x.type?.kind;
  if (k === 'float64') return goInt64(x.v);
  if (k === 'int' || k === 'int64' || k === 'uint8') return x.v;
  if (k === 'string') {
    const s: string = x.v;
    if (!/^[+-]?[0-9]+$/.test(s)) throw new GoPanic(`strconv.ParseInt: parsing ${goQuote(s)}: invalid syntax`);
    const n = BigInt(s);
    if (n > 9223372036854775807n || n < -9223372036854775808n) throw new GoPanic(`strconv.ParseInt: parsing ${goQuote(s)}: value out of range`);
    return Number(n);
  }
  throw new GoPanic(`asInt() not supported on ${typeOf(x)} ${formatV(x)}`);
}

/** evaluate.go asFloat. */
function asFloat(x: GoValue): number {
  const k = x.type?.kind;
  if (k === 'float64' || k === 'int' || k === 'int64' || k === 'uint8') return x.v;
  if (k === 'string') {
    const f = parseGoFloat(x.v);
    if (f === undefined) throw new GoPanic(`strconv.ParseFloat: parsing ${goQuote(x.v)}: invalid syntax`);
    return f;
  }
  throw new GoPanic(`asFloat() not supported on ${typeOf(x)} ${formatV(x)}`);
}
