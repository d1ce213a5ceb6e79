import * as fs from 'fs';
import * as path from 'path';
import { evaluateResult, UnsupportedExpression } from '../../../src/rollouts/private/expr/evaluate';
import { bool, float, FLOAT64_SLICE, float64Slice, fromJson, GoValue, int, NIL, str } from '../../../src/rollouts/private/expr/types';

/**
 * The offline evaluator against the real expression language: every (condition, measurement value) pair of
 * fixtures/expr-oracle.json carries the phase and error computed by github.com/antonmedv/expr v1.15.5 (the
 * version argoproj/argo-rollouts@v1.9.1 pins) with the controller's EvaluateResult logic (see expr-oracle/).
 * The catalogue covers the pitfalls of docs/features/analysis.md ("Empty array", "NaN"), argoproj/argo-rollouts
 * #1466 and #2101, the conditions MetricCondition generates, and language corners (optimizer rewrites, Go's
 * float-to-int conversion, nil results).
 */

interface Encoded { readonly t: string; readonly v?: any }
interface Fixture {
  readonly results: Record<string, Encoded>;
  readonly order: string[];
  readonly conditions: [string, string][];
  readonly outcomes: [string, string][][];
}

const fixture: Fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', 'expr-oracle.json'), 'utf8'));

const num = (x: unknown) => (x === 'NaN' ? NaN : x === '+Inf' ? Infinity : x === '-Inf' ? -Infinity : (x as number));

/** The Go value a provider hands to EvaluateResult. */
function toGo(e: Encoded): GoValue {
  switch (e.t) {
    case 'f64': return float(num(e.v));
    case 'f64s': return float64Slice((e.v as unknown[]).map(num));
    case 'nilf64s': return { type: FLOAT64_SLICE, v: null };
    case 'nil': return NIL;
    case 'json': return fromJson(e.v);
    case 'int': return int(e.v);
    case 'str': return str(e.v);
    case 'bool': return bool(e.v);
    default: throw new Error(`unknown encoding ${e.t}`);
  }
}

describe('expr v1.15.5 oracle: EvaluateResult on every condition × measurement value', () => {
  test('the catalogue is complete', () => {
    expect(fixture.outcomes).toHaveLength(fixture.conditions.length);
    for (const row of fixture.outcomes) expect(row).toHaveLength(fixture.order.length);
    expect(fixture.conditions.length * fixture.order.length).toBeGreaterThan(3500);
  });

  test.each(fixture.conditions.map((c, i) => [c[0] || '-', c[1] || '-', i] as const))('success %s / failure %s', (_s, _f, i) => {
    const [success, failure] = fixture.conditions[i];
    const mismatches: string[] = [];
    fixture.order.forEach((label, j) => {
      const [phase, error] = fixture.outcomes[i][j];
      // GIVEN the measurement value WHEN the conditions are evaluated offline
      let got: { phase: string; error?: string };
      try {
        got = evaluateResult(toGo(fixture.results[label]), success || undefined, failure || undefined);
      } catch (e) {
        // Only string and time helpers are left out of the offline evaluator; nothing else may be.
        if (e instanceof UnsupportedExpression && /'(trim|upper|now)'/.test(e.message)) return;
        throw e;
      }
      // THEN the phase and the error message are the controller's
      if (got.phase !== phase || (got.error ?? '') !== error) mismatches.push(`${label}: expr says ${phase} ${error}, offline ${got.phase} ${got.error ?? ''}`);
    });
    expect(mismatches).toEqual([]);
  });
});
