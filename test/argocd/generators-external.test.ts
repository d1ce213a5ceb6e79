import { Duration } from 'cdk8s';
import {
  ApplicationSet, ApplicationSource, ClusterDecisionResourceGenerator, LabelSelectorOperator, PluginGenerator, PullRequestGenerator,
  ScmProviderGenerator, TemplateParam,
} from '../../src';
import { renderObjects, testFleet } from '../util';

function generatorsOf(...generators: any[]): any[] {
  const { app, fleet } = testFleet();
  new ApplicationSet(fleet, 'set', {
    generators,
    template: { applicationName: `app-${TemplateParam.element('number')}`, destinationNamespace: 'x', destinationName: 'in-cluster', source: ApplicationSource.git({ path: 'x' }) },
  });
  return renderObjects(app)['argocd/platform/applicationsets/ApplicationSet.set.yaml'].spec.generators;
}

describe('external generators', () => {
  test('pull requests on GitHub (Generators-Pull-Request.md)', () => {
    expect(generatorsOf(PullRequestGenerator.github({
      owner: 'myorg',
      repo: 'myrepository',
      api: 'https://git.example.com/',
      tokenRef: { secretName: 'github-token', key: 'token' },
      appSecretName: 'github-app-repo-creds',
      labels: ['preview'],
      requeueAfter: Duration.minutes(30),
    }))).toStrictEqual([{
      pullRequest: {
        github: {
          owner: 'myorg',
          repo: 'myrepository',
          api: 'https://git.example.com/',
          tokenRef: { secretName: 'github-token', key: 'token' },
          appSecretName: 'github-app-repo-creds',
          labels: ['preview'],
        },
        requeueAfterSeconds: 1800,
      },
    }]);
  });

  test('merge requests on GitLab with filters', () => {
    expect(generatorsOf(PullRequestGenerator.gitlab({
      project: 'myproject',
      api: 'https://git.example.com/',
      tokenRef: { secretName: 'gitlab-token', key: 'token' },
      labels: ['preview'],
      pullRequestState: 'opened',
      filters: [{ branchMatch: '.*-argocd' }],
    }))).toStrictEqual([{
      pullRequest: {
        gitlab: { project: 'myproject', api: 'https://git.example.com/', tokenRef: { secretName: 'gitlab-token', key: 'token' }, labels: ['preview'], pullRequestState: 'opened' },
        filters: [{ branchMatch: '.*-argocd' }],
      },
    }]);
    expect(() => PullRequestGenerator.gitlab({ project: 'p', pullRequestState: 'open' })).toThrow(/'pullRequestState' \('open'\) must be opened, closed, merged or locked/);
    expect(() => PullRequestGenerator.github({ owner: '', repo: 'r' })).toThrow(/PullRequestGenerator.github 'owner' is required/);
  });

  test('SCM providers: a GitHub organization and a GitLab group (Generators-SCM-Provider.md)', () => {
    expect(generatorsOf(
      ScmProviderGenerator.github({
        organization: 'myorg',
        api: 'https://git.example.com/',
        allBranches: true,
        tokenRef: { secretName: 'github-token', key: 'token' },
        appSecretName: 'gh-app-repo-creds',
      }),
      ScmProviderGenerator.gitlab({
        group: '8675309',
        includeSubgroups: false,
        includeSharedProjects: false,
        topic: 'my-topic',
        cloneProtocol: 'https',
        filters: [{ repositoryMatch: '^myapp', pathsExist: ['kubernetes/kustomization.yaml'] }],
      }),
    )).toStrictEqual([
      { scmProvider: { github: { organization: 'myorg', api: 'https://git.example.com/', allBranches: true, tokenRef: { secretName: 'github-token', key: 'token' }, appSecretName: 'gh-app-repo-creds' } } },
      {
        scmProvider: {
          gitlab: { group: '8675309', includeSubgroups: false, includeSharedProjects: false, topic: 'my-topic' },
          cloneProtocol: 'https',
          filters: [{ repositoryMatch: '^myapp', pathsExist: ['kubernetes/kustomization.yaml'] }],
        },
      },
    ]);
    expect(() => ScmProviderGenerator.github({ organization: 'o', cloneProtocol: 'git' })).toThrow(/'cloneProtocol' \('git'\) must be 'ssh' or 'https'/);
  });

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
