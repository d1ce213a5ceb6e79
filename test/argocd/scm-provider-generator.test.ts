import { ScmProviderGenerator } from '../../src';
import { generatorsOf } from '../util';

// Each expectation is the YAML of operator-manual/applicationset/Generators-SCM-Provider.md for that provider.
describe('ScmProviderGenerator providers (Generators-SCM-Provider.md)', () => {
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

  test('Gitea', () => {
    expect(generatorsOf(ScmProviderGenerator.gitea({ owner: 'myorg', api: 'https://gitea.mydomain.com/', tokenRef: { secretName: 'gitea-token', key: 'token' }, allBranches: true })))
      .toStrictEqual([{ scmProvider: { gitea: { owner: 'myorg', api: 'https://gitea.mydomain.com/', tokenRef: { secretName: 'gitea-token', key: 'token' }, allBranches: true } } }]);
  });

  test('Bitbucket Server', () => {
    expect(generatorsOf(ScmProviderGenerator.bitbucketServer({
      project: 'myproject',
      api: 'https://mycompany.bitbucket.org',
      allBranches: true,
      basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } },
    }))).toStrictEqual([{
      scmProvider: { bitbucketServer: { project: 'myproject', api: 'https://mycompany.bitbucket.org', allBranches: true, basicAuth: { username: 'myuser', passwordRef: { secretName: 'mypassword', key: 'password' } } } },
    }]);
  });

  test('Azure DevOps', () => {
    expect(generatorsOf(ScmProviderGenerator.azureDevOps({
      organization: 'myorg', api: 'https://dev.azure.com/myorg', teamProject: 'myProject', allBranches: true, accessTokenRef: { secretName: 'azure-devops-scm', key: 'accesstoken' },
    }))).toStrictEqual([{
      scmProvider: { azureDevOps: { organization: 'myorg', api: 'https://dev.azure.com/myorg', teamProject: 'myProject', allBranches: true, accessTokenRef: { secretName: 'azure-devops-scm', key: 'accesstoken' } } },
    }]);
  });

  test('Bitbucket Cloud', () => {
    expect(generatorsOf(ScmProviderGenerator.bitbucket({ owner: 'example-owner', user: 'example-user', allBranches: true, appPasswordRef: { secretName: 'appPassword', key: 'password' } })))
      .toStrictEqual([{ scmProvider: { bitbucket: { owner: 'example-owner', user: 'example-user', allBranches: true, appPasswordRef: { secretName: 'appPassword', key: 'password' } } } }]);
  });

  test('AWS CodeCommit', () => {
    expect(generatorsOf(ScmProviderGenerator.awsCodeCommit({
      region: 'us-east-1',
      role: 'arn:aws:iam::111111111111:role/argocd-application-set-discovery',
      tagFilters: [{ key: 'organization', value: 'platform-engineering' }, { key: 'argo-ready' }],
      allBranches: true,
    }))).toStrictEqual([{
      scmProvider: {
        awsCodeCommit: {
          region: 'us-east-1',
          role: 'arn:aws:iam::111111111111:role/argocd-application-set-discovery',
          tagFilters: [{ key: 'organization', value: 'platform-engineering' }, { key: 'argo-ready' }],
          allBranches: true,
        },
      },
    }]);
  });

  test('required fields and unsupported options are errors', () => {
    expect(() => ScmProviderGenerator.azureDevOps({ organization: 'o', teamProject: 'p', accessTokenRef: undefined as any })).toThrow("ScmProviderGenerator.azureDevOps 'accessTokenRef' is required");
    expect(() => ScmProviderGenerator.awsCodeCommit({ tokenRef: { secretName: 's', key: 'k' } })).toThrow("ScmProviderGenerator.awsCodeCommit does not support 'tokenRef'");
  });
});
