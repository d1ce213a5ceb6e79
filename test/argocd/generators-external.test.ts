import { Duration } from 'cdk8s';
import {
  ClusterDecisionResourceGenerator, LabelSelectorOperator, PluginGenerator,
} from '../../src';
import { generatorsOf } from '../util';

describe('external generators', () => {
  test('plugin and cluster decision resource (Generators-Plugin.md, Generators-Cluster-Decision-Resource.md)', () => {
    expect(generatorsOf(
      new PluginGenerator({
        configMapRef: 'my-plugin',
        parameters: { key1: 'value1', list: ['list', 'of', 'values'], boolean: true, map: { key1: 'value1' } },
        requeueAfter: Duration.seconds(30),
      }),
      new ClusterDecisionResourceGenerator({
        configMapRef: 'my-configmap',
        matchLabels: { duck: 'spotted' },
        matchExpressions: [{ key: 'duck', operator: LabelSelectorOperator.IN, values: ['spotted', 'canvasback'] }],
        requeueAfter: Duration.minutes(1),
      }),
    )).toStrictEqual([
      { plugin: { configMapRef: { name: 'my-plugin' }, input: { parameters: { key1: 'value1', list: ['list', 'of', 'values'], boolean: true, map: { key1: 'value1' } } }, requeueAfterSeconds: 30 } },
      {
        clusterDecisionResource: {
          configMapRef: 'my-configmap',
          labelSelector: { matchLabels: { duck: 'spotted' }, matchExpressions: [{ key: 'duck', operator: 'In', values: ['spotted', 'canvasback'] }] },
          requeueAfterSeconds: 60,
        },
      },
    ]);
    expect(() => new ClusterDecisionResourceGenerator({ configMapRef: 'c' })).toThrow(/needs either 'name' or a label selector/);
    expect(() => new PluginGenerator({ configMapRef: '' })).toThrow(/PluginGenerator 'configMapRef' is required/);
  });
});
