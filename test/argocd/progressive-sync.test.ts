import * as fc from 'fast-check';
import { ApplicationSet, ApplicationSource, ClusterGenerator, MaxUpdate, ProgressiveSync, StepOperator, TemplateParam } from '../../src';
import { errorOf, renderObjects, testFleet } from '../util';

describe('ProgressiveSync', () => {
  test('RollingSync steps as in operator-manual/applicationset/Progressive-Syncs.md', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    new ApplicationSet(fleet, 'guestbook', {
      generators: [new ClusterGenerator()],
      progressiveSync: ProgressiveSync.rollingSync([
        { matchExpressions: [{ key: 'envLabel', operator: StepOperator.IN, values: ['env-dev'] }] },
        { matchExpressions: [{ key: 'envLabel', operator: StepOperator.IN, values: ['env-qa'] }], maxUpdate: MaxUpdate.count(0) },
        { matchExpressions: [{ key: 'envLabel', operator: StepOperator.IN, values: ['env-prod'] }], maxUpdate: MaxUpdate.percent(10) },
      ]),
      template: {
        applicationName: `${TemplateParam.clusterName()}-guestbook`,
        labels: { envLabel: `env-${TemplateParam.clusterLabel('env')}` },
        destinationNamespace: 'guestbook',
        source: ApplicationSource.git({ path: 'guestbook' }),
      },
    });
    // THEN
    const spec = renderObjects(app)['argocd/platform/applicationsets/ApplicationSet.guestbook.yaml'].spec;
    expect(spec.strategy).toStrictEqual({
      type: 'RollingSync',
      rollingSync: {
        steps: [
          { matchExpressions: [{ key: 'envLabel', operator: 'In', values: ['env-dev'] }] },
          { matchExpressions: [{ key: 'envLabel', operator: 'In', values: ['env-qa'] }], maxUpdate: 0 },
          { matchExpressions: [{ key: 'envLabel', operator: 'In', values: ['env-prod'] }], maxUpdate: '10%' },
        ],
      },
    });
    expect(spec.template.metadata.labels).toStrictEqual({ envLabel: 'env-{{index .metadata.labels "env"}}' });
  });

  test('waves: canaries first, then one region, then the rest', () => {
    // WHEN
    const waves = ProgressiveSync.waves({ labelKey: 'wave', waves: [['canary'], ['eu-west-1']], maxUpdate: MaxUpdate.percent(25) });
    // THEN
    expect(waves._toKube().rollingSync.steps).toStrictEqual([
      { matchExpressions: [{ key: 'wave', operator: 'In', values: ['canary'] }], maxUpdate: '25%' },
      { matchExpressions: [{ key: 'wave', operator: 'In', values: ['eu-west-1'] }], maxUpdate: '25%' },
      { matchExpressions: [{ key: 'wave', operator: 'NotIn', values: ['canary', 'eu-west-1'] }], maxUpdate: '25%' },
    ]);
    // Argo CD's step selection (applicationset progressive sync: labelMatchedExpression): NotIn also takes
    // Applications without the label; In does not.
    expect(waves._stepFor({ wave: 'canary' })).toBe(0);
    expect(waves._stepFor({ wave: 'us-east-1' })).toBe(2);
    expect(waves._stepFor({})).toBe(2);
    expect(ProgressiveSync.waves({ labelKey: 'wave', waves: [['canary']], remainder: false })._stepFor({})).toBeUndefined();
  });

  test('Applications that match no step, and steps on labels the template never sets, are errors (foot-gun 11)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const base = { applicationName: `x-${TemplateParam.clusterName()}`, destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) };
    // WHEN
    new ApplicationSet(fleet, 'unlabelled', {
      generators: [new ClusterGenerator()],
      progressiveSync: ProgressiveSync.waves({ labelKey: 'wave', waves: [['canary']] }),
      template: base,
    });
    new ApplicationSet(fleet, 'never', {
      generators: [new ClusterGenerator()],
      progressiveSync: ProgressiveSync.waves({ labelKey: 'wave', waves: [['canary']], remainder: false }),
      template: { ...base, applicationName: `y-${TemplateParam.clusterName()}`, labels: { wave: 'main' } },
    });
    // THEN
    const message = errorOf(() => app.renderFiles());
    expect(message).toMatch(/\[platform\/unlabelled\] ApplicationSet 'unlabelled' RollingSync selects on Application label 'wave', which the template does not set/);
    expect(message).toMatch(/\[platform\/never\] ApplicationSet 'never' generates Applications that match no RollingSync step, so Argo CD would never sync them/);
  });

  test.each([['constructor'], ['toString'], ['hasOwnProperty']])('a step on label %p, which the template does not set, is an error', (key) => {
    // GIVEN an ApplicationSet whose template sets only 'wave', with a step on a label named like a member of Object.prototype
    const { app, fleet } = testFleet();
    new ApplicationSet(fleet, 'proto', {
      generators: [new ClusterGenerator()],
      progressiveSync: ProgressiveSync.rollingSync([
        { matchExpressions: [{ key, operator: StepOperator.IN, values: ['a'] }] },
        { matchExpressions: [{ key: 'wave', operator: StepOperator.IN, values: ['main'] }] },
      ]),
      template: { applicationName: `p-${TemplateParam.clusterName()}`, labels: { wave: 'main' }, destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }) },
    });
    // WHEN it is rendered
    const message = errorOf(() => app.renderFiles());
    // THEN the step on the label the template never sets is reported
    expect(message).toContain(`ApplicationSet 'proto' RollingSync selects on Application label '${key}', which the template does not set`);
  });

  test('property: a step matches labels exactly as an own-property lookup would, for any key (prototype member names included)', () => {
    const names = ['wave', 'env', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'];
    // A step key must be a qualified name; labels read from YAML may have any key, `__proto__` too.
    fc.assert(fc.property(fc.constantFrom(...names), fc.constantFrom(StepOperator.IN, StepOperator.NOT_IN), fc.array(fc.constantFrom('a', 'b'), { minLength: 1 }),
      fc.array(fc.tuple(fc.constantFrom(...names, '__proto__'), fc.constantFrom('a', 'b', 'c'))), (k, operator, values: string[], entries) => {
        // GIVEN labels as own properties (a `__proto__` key too, as a YAML or JSON reader makes it)
        const labels: Record<string, string> = {};
        for (const [lk, lv] of entries) Object.defineProperty(labels, lk, { value: lv, enumerable: true, writable: true, configurable: true });
        // WHEN one step selects on k
        const step = ProgressiveSync.rollingSync([{ matchExpressions: [{ key: k, operator, values }] }])._stepFor(labels);
        // THEN it matches as Kubernetes' selector would, looking at own labels only
        const has = Object.prototype.hasOwnProperty.call(labels, k);
        const matches = operator === StepOperator.IN ? has && values.includes(labels[k]) : !has || !values.includes(labels[k]);
        expect(step).toBe(matches ? 0 : undefined);
      }));
  });

  test('fails on bad steps', () => {
    expect(() => MaxUpdate.percent(150)).toThrow(/MaxUpdate.percent 'percent' \(150\) must be an integer from 0 to 100/);
    expect(() => MaxUpdate.count(-1)).toThrow(/MaxUpdate.count 'count' \(-1\)/);
    expect(() => ProgressiveSync.rollingSync([])).toThrow(/needs at least one step/);
    expect(() => ProgressiveSync.rollingSync([{ matchExpressions: [{ key: 'env', operator: 'Exists' as StepOperator, values: ['x'] }] }])).toThrow(/operator 'Exists' must be In or NotIn/);
    expect(() => ProgressiveSync.waves({ labelKey: 'wave', waves: [[]] })).toThrow(/'waves' must be a non-empty list of non-empty value lists/);
  });
});
