import { Duration } from 'cdk8s';
import { PullRequestGenerator } from '../../src';
import { generatorsOf } from '../util';

// Each expectation is the YAML of operator-manual/applicationset/Generators-Pull-Request.md for that provider.
describe('PullRequestGenerator providers (Generators-Pull-Request.md)', () => {
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

  test('Bitbucket Server', () => {
    expect(generatorsOf(PullRequestGenerator.bitbucketServer({
      project: 'myproject',
      repo: 'myrepository',
      api: 'https://mycompany.bitbucket.org',
      basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } },
      filters: [{ branchMatch: '.*-argocd' }],
    }))).toStrictEqual([{
      pullRequest: {
        bitbucketServer: { project: 'myproject', repo: 'myrepository', api: 'https://mycompany.bitbucket.org', basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } } },
        filters: [{ branchMatch: '.*-argocd' }],
      },
    }]);
    expect(generatorsOf(PullRequestGenerator.bitbucketServer({ project: 'p', repo: 'r', api: 'https://b', bearerTokenRef: { secretName: 'repotoken', key: 'token' } }))[0].pullRequest.bitbucketServer.bearerToken)
      .toStrictEqual({ tokenRef: { secretName: 'repotoken', key: 'token' } });
  });

  test('Bitbucket Cloud', () => {
    expect(generatorsOf(PullRequestGenerator.bitbucket({
      owner: 'myorg',
      repo: 'myrepository',
      api: 'https://api.bitbucket.org/2.0',
      basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } },
    }))).toStrictEqual([{
      pullRequest: { bitbucket: { owner: 'myorg', repo: 'myrepository', api: 'https://api.bitbucket.org/2.0', basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } } } },
    }]);
  });

  test('Gitea', () => {
    expect(generatorsOf(PullRequestGenerator.gitea({
      owner: 'myorg',
      repo: 'myrepository',
      api: 'https://gitea.mydomain.com/',
      tokenRef: { secretName: 'gitea-token', key: 'token' },
      insecure: true,
      labels: ['preview'],
      requeueAfter: Duration.minutes(30),
    }))).toStrictEqual([{
      pullRequest: {
        gitea: { owner: 'myorg', repo: 'myrepository', api: 'https://gitea.mydomain.com/', tokenRef: { secretName: 'gitea-token', key: 'token' }, insecure: true, labels: ['preview'] },
        requeueAfterSeconds: 1800,
      },
    }]);
  });

  test('Azure DevOps, and continueOnRepoNotFoundError', () => {
    expect(generatorsOf(PullRequestGenerator.azureDevOps({
      organization: 'myorg',
      project: 'myproject',
      repo: 'myrepository',
      api: 'https://dev.azure.com/',
      tokenRef: { secretName: 'azure-devops-token', key: 'token' },
      labels: ['preview'],
      requeueAfter: Duration.minutes(30),
      continueOnRepoNotFoundError: true,
    }))).toStrictEqual([{
      pullRequest: {
        azuredevops: { organization: 'myorg', project: 'myproject', repo: 'myrepository', api: 'https://dev.azure.com/', tokenRef: { secretName: 'azure-devops-token', key: 'token' }, labels: ['preview'] },
        requeueAfterSeconds: 1800,
        continueOnRepoNotFoundError: true,
      },
    }]);
  });

  test('options a provider lacks are errors, not dropped', () => {
    expect(() => PullRequestGenerator.bitbucketServer({ project: 'p', repo: 'r', api: 'https://b', tokenRef: { secretName: 's', key: 'k' } }))
      .toThrow("PullRequestGenerator.bitbucketServer does not support 'tokenRef' (got {\"secretName\":\"s\",\"key\":\"k\"})");
    expect(() => PullRequestGenerator.bitbucket({ owner: 'o', repo: 'r', basicAuth: { username: 'u', passwordRef: { secretName: 's', key: 'k' } }, bearerTokenRef: { secretName: 's', key: 'k' } }))
      .toThrow("PullRequestGenerator.bitbucket: give 'basicAuth' or 'bearerTokenRef', not both");
    expect(() => PullRequestGenerator.gitea({ owner: 'o', repo: 'r', api: '' })).toThrow("PullRequestGenerator.gitea 'api' is required (got '')");
  });
});
