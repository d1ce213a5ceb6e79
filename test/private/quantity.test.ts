import { objectQuantityErrors, parseQuantity, quantityError } from '../../src/private/quantity';

describe('parseQuantity', () => {
  // Ported from k8s.io/apimachinery v0.28.4 pkg/api/resource/quantity_test.go TestQuantityParse (table and `invalid`).
  test.each([
    ['0', 0], ['0n', 0], ['0Ki', 0], ['1', 1], ['1Ki', 1024], ['7Mi', 7 * 2 ** 20], ['3Ei', 3 * 2 ** 60], ['5n', 5e-9], ['4u', 4e-6], ['3m', 0.003],
    ['8k', 8000], ['2P', 2e15], ['1E', 1e18], ['1E-3', 0.001], ['1e3', 1000], ['1e18', 1e18], ['100.035k', 100035], ['0.001', 0.001],
    ['0.0005k', 0.5], ['0.5e-1', 0.05], ['10.035M', 10035000], ['-5', -5], ['+5', 5], ['1.', 1], ['.5', 0.5], ['1.G', 1e9],
  ])('%s is %d', (text, value) => {
    const parsed = parseQuantity(text);
    expect('value' in parsed && parsed.value).toBeCloseTo(value as number, 12);
  });

  test.each(['1.1.M', '1+1.0M', '0.1am', 'aoeu', ' 1', '1 ', '', 'NaN', 'Infinity'])('%j is not a quantity (ErrFormatWrong)', text => {
    expect(parseQuantity(text)).toEqual({ error: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" });
  });

  test.each(['0.1mi', '.5i', '1i', '-3.01i', '-3.01e-', '1e'])('%j has no valid suffix (ErrSuffix)', text => {
    expect(parseQuantity(text)).toEqual({ error: "unable to parse quantity's suffix" });
  });
});

describe('quantityError', () => {
  test('non-negative; integer resources need whole numbers (ValidateResourceQuantityValue)', () => {
    expect(quantityError('-5')).toBe('must be greater than or equal to 0');
    expect(quantityError(-1)).toBe('must be greater than or equal to 0');
    expect(quantityError('-0')).toBeUndefined();
    expect(quantityError(NaN)).toBe('NaN is not a finite number');
    expect(quantityError(1.5, true)).toBe('must be an integer');
    expect(quantityError('1500m', true)).toBe('must be an integer');
    expect(quantityError('2k', true)).toBeUndefined();
    expect(quantityError(true)).toBe('must be a quantity (a string like 500m or 2Gi, or a number)');
  });
});

describe('objectQuantityErrors', () => {
  test('ResourceQuota hard (object counts and extended resources are integers), LimitRange and container resources', () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', spec: { hard: { 'pods': 'NaN', 'services': '-5', 'requests.cpu': '1.5', 'count/deployments.apps': '2.5', 'nvidia.com/gpu': 0.5, 'requests.nvidia.com/gpu': '0.5' } } };
    expect(objectQuantityErrors(quota)).toEqual([
      "/spec/hard/pods: 'NaN' quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "/spec/hard/services: '-5' must be greater than or equal to 0",
      "/spec/hard/count~1deployments.apps: '2.5' must be an integer",
      '/spec/hard/nvidia.com~1gpu: 0.5 must be an integer',
    ]);
    const limits = { apiVersion: 'v1', kind: 'LimitRange', spec: { limits: [{ type: 'Container', max: { cpu: '2Ki5' }, default: { memory: '-1Gi' } }] } };
    expect(objectQuantityErrors(limits)).toEqual([
      "/spec/limits/0/max/cpu: '2Ki5' unable to parse quantity's suffix",
      "/spec/limits/0/default/memory: '-1Gi' must be greater than or equal to 0",
    ]);
    const cronJob = { apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] } } } } } };
    expect(objectQuantityErrors(cronJob)).toEqual([
      "/spec/jobTemplate/spec/template/spec/containers/0/resources/requests/cpu: 'lots' quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]);
  });
});
