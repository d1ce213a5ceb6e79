import { ANALYSIS_WAIVERS_ANNOTATION, dishonestMetrics } from '../../../src/rollouts/private/rules/honest-analysis';

/** GIVEN helper: an AnalysisTemplate with one metric that passes without data, and the given waivers annotation. */
function template(metric: string, waivers?: Record<string, string>): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 't', ...(waivers ? { annotations: { [ANALYSIS_WAIVERS_ANNOTATION]: JSON.stringify(waivers) } } : {}) },
    spec: { metrics: [{ name: metric, successCondition: 'all(result, {# < 0.01})', provider: { prometheus: { address: 'http://prometheus:9090', query: 'rate(errors[5m])' } } }] },
  };
}

describe('dishonestMetrics', () => {
  test('a metric the annotation waives is not reported', () => {
    expect(dishonestMetrics(template('errors', { errors: 'reviewed (INC-1)' }))).toEqual([]);
    expect(dishonestMetrics(template('errors'))).toHaveLength(1);
  });

  test.each([['constructor'], ['toString'], ['hasOwnProperty']])('a metric named %p is reported unless the annotation waives that name', (name) => {
    // GIVEN a metric named like a member of Object.prototype that passes without data, and a waiver for another metric
    // WHEN the template is checked
    const found = dishonestMetrics(template(name, { errors: 'reviewed (INC-1)' }));
    // THEN it is reported (it is not taken for waived)
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`metric '${name}' passes without data`);
    // AND a waiver of that very name still lets it through
    expect(dishonestMetrics(template(name, { [name]: 'reviewed (INC-2)' }))).toEqual([]);
  });
});
