import * as fc from 'fast-check';
import { evalCondition, evaluateResult } from '../../src/rollouts/private/expr/evaluate';
import { ExprCompileError, parse } from '../../src/rollouts/private/expr/parser';
import { bool, float, float64Slice, fromJson, GoValue, int, NIL, str } from '../../src/rollouts/private/expr/types';

// Ported from argoproj/argo-rollouts@v1.9.1 utils/evaluate/evaluate_test.go (test names in the titles), plus the
// analysis docs' "Empty array" and "NaN" sections (docs/features/analysis.md) and the expr language's rules.

const ok = (result: GoValue, condition: string) => evalCondition(result, condition);

describe('EvaluateResult (evaluate_test.go)', () => {
  test.each([
    ['TestEvaluateResultWithSuccess', 'true', 'false', 'Successful'],
    ['TestEvaluateResultWithFailure', 'true', 'true', 'Failed'],
    ['TestEvaluateResultInconclusive', 'false', 'false', 'Inconclusive'],
    ['TestEvaluateResultNoSuccessConditionAndNotFailing', '', 'false', 'Successful'],
    ['TestEvaluateResultNoFailureConditionAndNotSuccessful', 'false', '', 'Failed'],
    ['TestEvaluateResultNoFailureConditionAndNoSuccessCondition', '', '', 'Successful'],
    ['TestEvaluateResultWithErrorOnSuccessCondition', 'a == true', 'true', 'Error'],
    ['TestEvaluateResultWithErrorOnFailureCondition', 'true', 'a == true', 'Error'],
  ])('%s', (_name, success, failure, phase) => {
    // GIVEN a measurement whose value is `true` WHEN its phase is assessed THEN it is the upstream phase
    expect(evaluateResult(bool(true), success || undefined, failure || undefined).phase).toBe(phase);
  });
});

describe('EvalCondition (evaluate_test.go)', () => {
  test('TestEvaluateConditionWithSuccess / WithFailure', () => {
    expect(ok(bool(true), 'result == true')).toEqual({ value: true });
    expect(ok(bool(true), 'result == false')).toEqual({ value: false });
  });

  test('TestErrorWithNonBoolReturn', () => {
    expect(ok(bool(true), '1')).toEqual({ error: 'expected bool, but got int' });
  });

  test('TestErrorWithInvalidReference', () => {
    expect(ok(bool(true), 'invalidVariable')).toEqual({ error: 'unknown name invalidVariable' });
  });

  test.each([['constructor'], ['toString'], ['hasOwnProperty']])('a call of %p, a name expr does not know, is an unknown name like any other', (name) => {
    // GIVEN a condition calling a function named like a member of Object.prototype (expr's predicates are a Go map)
    // WHEN it is evaluated, called directly and through a pipe
    // THEN it fails as a call of any unknown function does
    expect(ok(bool(true), 'nosuchfunction(result)')).toEqual({ error: 'unknown name nosuchfunction' });
    expect(ok(bool(true), `${name}(result)`)).toEqual({ error: `unknown name ${name}` });
    expect(ok(bool(true), `result | ${name}()`)).toEqual({ error: `unknown name ${name}` });
  });

  test('TestEvaluateArray', () => {
    const result = fromJson({ service_apdex: { label: null, values: { values: [2, 2] } } });
    expect(ok(result, 'all(result.service_apdex.values.values, {# > 1})')).toEqual({ value: true });
  });

  test('TestEvaluateInOperator', () => {
    expect(ok(float64Slice([2, 2]), '2 in result')).toEqual({ value: true });
  });

  test('TestEvaluateFloat64', () => {
    expect(ok(float(5), 'result > 1')).toEqual({ value: true });
  });

  test('TestEvaluateInvalidStruct', () => {
    expect(ok(bool(true), "result.Name() == 'hi'").error).toBeDefined();
  });

  test('TestEvaluateAsIntPanic', () => {
    expect(ok(str('1.1'), 'asInt(result) == 1.1')).toEqual({ error: 'strconv.ParseInt: parsing "1.1": invalid syntax' });
  });

  test.each([
    [str('1'), 'asInt(result) == 1'],
    [int(1), 'asInt(result) == 1'],
    [float(1.123), 'asInt(result) == 1'],
  ])('TestEvaluateAsInt %#', (input, expression) => {
    expect(ok(input, expression)).toEqual({ value: true });
  });

  test.each([
    [str('NotANum'), 'asFloat(result) == 1.1', /strconv.ParseFloat: parsing "NotANum": invalid syntax/],
    [str('1.1'), 'asFloat(result) == "1.1"', /invalid operation: == \(mismatched types float64 and string\)/],
  ])('TestEvaluateAsFloatError %#', (input, expression, message) => {
    expect(ok(input, expression).error).toMatch(message);
  });

  test.each([
    [str('1.1'), 'asFloat(result) == 1.1'],
    [str('1.1'), 'asFloat(result) >= 1.1'],
    [str('1.1'), 'asFloat(result) <= 1.1'],
    [float(1.1), 'asFloat(result) == 1.1'],
    [int(1), 'asFloat(result) == 1'],
    [int(1), 'asFloat(result) >= 1'],
  ])('TestEvaluateAsFloat %#', (input, expression) => {
    expect(ok(input, expression)).toEqual({ value: true });
  });

  test('TestIsInf / isNaN', () => {
    expect(ok(float(Infinity), 'isInf(result)')).toEqual({ value: true });
    expect(ok(float(0), 'isInf(result)')).toEqual({ value: false });
    expect(ok(float(NaN), 'isNaN(result)')).toEqual({ value: true });
  });

  test('TestDefaultFunc / TestIsNilFunc: on the result passed in, whatever the argument', () => {
    const nilSlice: GoValue = { type: { kind: 'slice', elem: { kind: 'float64' } }, v: null };
    expect(ok(NIL, 'default(result, 0) == 0')).toEqual({ value: true });
    expect(ok(NIL, 'default(result, 2) == 2')).toEqual({ value: true });
    expect(ok(float(1), 'default(result, 0) == 1')).toEqual({ value: true });
    expect(ok(nilSlice, 'isNil(result)')).toEqual({ value: true });
    expect(ok(float64Slice([1]), 'isNil(result)')).toEqual({ value: false });
    expect(ok(int(1), 'isNil(1)')).toEqual({ value: false });
  });
});

describe('analysis that cannot lie: the docs table (docs/features/analysis.md, semantics doc §2)', () => {
  const empty = float64Slice([]);
  test('`result[0] >= x` on [] is an Error (index out of range)', () => {
    expect(evaluateResult(empty, 'result[0] >= 0.95')).toEqual({ phase: 'Error', error: 'reflect: slice index out of range' });
  });
  test('`all(result, {# < x})` on [] is Successful (vacuous truth)', () => {
    expect(evaluateResult(empty, 'all(result, {# < 0.95})').phase).toBe('Successful');
  });
  test('`len(result) > 0 && result[0] >= x` on [] is Failed (§Empty array)', () => {
    expect(evaluateResult(empty, 'len(result) > 0 && result[0] >= 0.95').phase).toBe('Failed');
  });
  test('NaN: success `result >= x` only is Failed; with failure `result < x` it is Inconclusive (§NaN)', () => {
    expect(evaluateResult(float(NaN), 'result >= 0.95').phase).toBe('Failed');
    expect(evaluateResult(float(NaN), 'result >= 0.95', 'result < 0.95').phase).toBe('Inconclusive');
  });
  test('NaN: failure `result > x` only is Successful', () => {
    expect(evaluateResult(float(NaN), undefined, 'result > 0.95').phase).toBe('Successful');
  });
  test('+Inf passes `result >= x`', () => {
    expect(evaluateResult(float(Infinity), 'result >= 0.95').phase).toBe('Successful');
  });
  test('a vector compared as a scalar does not compile', () => {
    expect(evaluateResult(float64Slice([1]), 'result >= 0.95')).toEqual({ phase: 'Error', error: 'invalid operation: >= (mismatched types []float64 and float64)' });
  });
});

describe('the expression language (expr v1.15.5)', () => {
  test.each([
    ['1 + 2 * 3 == 7', true],
    ['2 ** 3 == 8', true],
    ['-2 ** 2 == -4', true],
    ['7 % 3 == 1', true],
    ['1 / 2 == 0.5', true],
    ['"a" + "b" == "ab"', true],
    ['not (1 > 2)', true],
    ['1 < 2 and 2 < 3 or false', true],
    ['true ? 1 == 1 : false', true],
    ['len([1, 2, 3]) == 3', true],
    ['any([1, 2], {# == 2})', true],
    ['none([1, 2], {# == 3})', true],
    ['one([1, 2], {# == 2})', true],
    ['count([1, 2, 3], {# > 1}) == 2', true],
    ['filter([1, 2, 3], {# > 1}) == [2, 3]', true],
    ['map([1, 2], {# * 2}) == [2, 4]', true],
    ['"ab" contains "b" && "ab" startsWith "a" && "ab" endsWith "b"', true],
    ['"abc" matches "^a.c$"', true],
    ['2 not in [1, 3]', true],
    ['let x = 2; x * x == 4', true],
    ['(nil ?? 3) == 3', true],
    ['1..3 == [1, 2, 3]', false], // []int and []interface {} are not DeepEqual
    ['len(1..3) == 3', true],
    ['max(1, 3, 2) == 3 && min(2, 1) == 1', true],
    ['abs(-2) == 2 && ceil(1.2) == 2 && floor(1.8) == 1 && round(2.5) == 3', true],
    ['sum([1, 2.5]) == 3.5 && mean([1, 3]) == 2 && median([3, 1, 2]) == 2', true],
    ['first([]) == nil && last([1, 2]) == 2', true],
    ['[1, 2, 3][1:] == [2, 3] && [1, 2, 3][-1] == 3', true],
    ['isNaN(1) == false', true],
  ])('%s', (condition, value) => {
    expect(ok(NIL, condition)).toEqual({ value });
  });

  test.each([
    ['1 +', 'unexpected token EOF'],
    ['(1', 'unexpected token EOF'],
    ['# > 1', 'cannot use pointer accessor outside closure'],
    ['1 > "a"', 'invalid operation: > (mismatched types int and string)'],
    ['len(1)', 'invalid argument for len (type int)'],
    ['isNaN("a")', 'cannot use string as argument (type float64) to call isNaN '],
    ['isNaN(1, 2)', 'too many arguments to call isNaN'],
    ['all(1, {# > 1})', 'builtin all takes only array (got int)'],
    ['all([1], {# == 1 && 1})', 'invalid operation: && (mismatched types bool and int)'],
    ['all(1..2, {#})', 'predicate should return boolean (got int)'],
    ['nil.a == 1', 'unexpected token Operator(".")'],
    ['nil ?? 3 == 3', 'Operator (==) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.'],
    ['"a" @ "b"', "unrecognized character: U+0040 '@'"],
  ])('compile error: %s', (condition, error) => {
    expect(ok(NIL, condition)).toEqual({ error });
  });

  test.each([
    ['1 % 0 == 0', 'integer divide by zero'], // folded at compile time (optimizer/fold.go)
    ['len([1]) % 0 == 0', 'runtime error: integer divide by zero'],
    ['[1][3] == 1', 'reflect: slice index out of range'],
    ['all([1], {#})', 'interface conversion: interface {} is int, not bool'], // []interface {} elements check as any
    ['1 == 1 ? 1 : 2', 'expected bool, but got int'],
  ])('runtime error: %s', (condition, error) => {
    expect(ok(NIL, condition)).toEqual({ error });
  });

  test('a map result: missing keys are nil, indexing by string works', () => {
    const r = fromJson({ a: { b: 2 }, c: [1, 2] });
    expect(ok(r, 'result.a.b == 2 && result["c"][1] == 2 && result.missing == nil')).toEqual({ value: true });
  });

  test('property: the parser never crashes on arbitrary input, it parses or reports a compile error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 40 }), s => {
      try {
        parse(s);
      } catch (e) {
        expect(e).toBeInstanceOf(ExprCompileError);
      }
    }), { numRuns: 300 });
  });

  test('property: comparisons of float64 results follow IEEE-754 as Go does (NaN compares false)', () => {
    fc.assert(fc.property(fc.double(), fc.double({ noNaN: true }), (x, y) => {
      expect(ok(float(x), `result >= ${JSON.stringify(y) === 'null' ? 0 : formatLiteral(y)}`).value).toBe(x >= (Number.isFinite(y) ? y : 0));
    }), { numRuns: 200 });
  });
});

/** A float64 literal of expr (always with a '.' or an exponent: an integer literal beyond int64 does not parse). */
function formatLiteral(y: number): string {
  if (!Number.isFinite(y)) return '0';
  let s = String(y).replace('e+', 'e');
  if (!/[.e]/.test(s)) s += '.0';
  return s.startsWith('-') ? `(${s})` : s;
}
