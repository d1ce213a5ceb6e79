import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ApplicationSetGeneratorConfig, IApplicationSetGenerator } from './generators';
import type { BasicAuth, ConfigMapKeyReference, SecretKeyReference } from './generators-external';
import { show } from '../private/errors';
import { bitbucketAuth, copyRef, requireAll, seconds, unsupported } from '../private/generator-options';
import { undefinedIfEmpty } from '../private/util';

/** A pull request filter; all given conditions must hold. */
export interface PullRequestFilter {
  /** @default - any source branch */
  readonly branchMatch?: string;
  /** @default - any target branch */
  readonly targetBranchMatch?: string;
  /** @default - any title */
  readonly titleMatch?: string;
}

/** Options shared by the pull request generators. */
export interface PullRequestGeneratorOptions {
  /**
   * The token, from a Secret in the Argo CD namespace.
   * @default - anonymous access
   */
  readonly tokenRef?: SecretKeyReference;
  /**
   * The API URL, for self-hosted instances.
   * @default - the public service
   */
  readonly api?: string;
  /**
   * Only pull requests with all these labels.
   * @default - any labels
   */
  readonly labels?: string[];
  /** @default - none */
  readonly filters?: PullRequestFilter[];
  /**
   * How often pull requests are listed again.
   * @default - Argo CD's default (30 minutes)
   */
  readonly requeueAfter?: Duration;
  /**
   * Keep going (generating nothing) when the repository does not exist, instead of failing the ApplicationSet.
   * @default false
   */
  readonly continueOnRepoNotFoundError?: boolean;
}

/** Options for `PullRequestGenerator.bitbucketServer()`; `api` (the server URL, e.g. `https://bitbucket.acme.io`) is required. */
export interface BitbucketServerPullRequestOptions extends PullRequestGeneratorOptions {
  /** The project key. */
  readonly project: string;
  /** The repository slug. */
  readonly repo: string;
  /** @default - no basic auth */
  readonly basicAuth?: BasicAuth;
  /** @default - no bearer token */
  readonly bearerTokenRef?: SecretKeyReference;
  /** @default - the system roots */
  readonly caRef?: ConfigMapKeyReference;
  /** @default false */
  readonly insecure?: boolean;
}

/** Options for `PullRequestGenerator.bitbucket()` (Bitbucket Cloud). */
export interface BitbucketCloudPullRequestOptions extends PullRequestGeneratorOptions {
  /** The workspace. */
  readonly owner: string;
  /** The repository slug. */
  readonly repo: string;
  /** @default - no basic auth */
  readonly basicAuth?: BasicAuth;
  /** @default - no bearer token */
  readonly bearerTokenRef?: SecretKeyReference;
}

/** Options for `PullRequestGenerator.gitea()`; `api` (the Gitea URL) is required. */
export interface GiteaPullRequestOptions extends PullRequestGeneratorOptions {
  /** The repository's owner. */
  readonly owner: string;
  /** The repository's name. */
  readonly repo: string;
  /** @default false */
  readonly insecure?: boolean;
}

/** Options for `PullRequestGenerator.azureDevOps()`. */
export interface AzureDevOpsPullRequestOptions extends PullRequestGeneratorOptions {
  /** The organization. */
  readonly organization: string;
  /** The project. */
  readonly project: string;
  /** The repository. */
  readonly repo: string;
}

/** Options for `PullRequestGenerator.github()`. */
export interface GitHubPullRequestOptions extends PullRequestGeneratorOptions {
  /** The repository's owner (user or organization). */
  readonly owner: string;
  /** The repository's name. */
  readonly repo: string;
  /**
   * A GitHub App's credentials (a repository-credentials Secret) instead of a token.
   * @default - none
   */
  readonly appSecretName?: string;
}

/** Options for `PullRequestGenerator.gitlab()`. */
export interface GitLabPullRequestOptions extends PullRequestGeneratorOptions {
  /** The project ID or path. */
  readonly project: string;
  /**
   * Only merge requests in this state (`opened`, `closed`, `merged`, `locked`).
   * @default - all states
   */
  readonly pullRequestState?: string;
}

/**
 * The pull request generator: one parameter set per open pull request (`number`, `branch`, `branch_slug`,
 * `head_sha`, `head_short_sha`, `title`, `labels`, …; read them with `TemplateParam.element()`).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Pull-Request/
 */
export class PullRequestGenerator implements IApplicationSetGenerator {
  /** Pull requests of a GitHub repository. */
  public static github(options: GitHubPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.github', { owner: options.owner, repo: options.repo });
    return new PullRequestGenerator(options, {
      github: {
        owner: options.owner,
        repo: options.repo,
        api: options.api,
        tokenRef: copyRef(options.tokenRef),
        appSecretName: options.appSecretName,
        labels: undefinedIfEmpty(options.labels),
      },
    });
  }

  /** Merge requests of a GitLab project. */
  public static gitlab(options: GitLabPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.gitlab', { project: options.project });
    if (options.pullRequestState && !['opened', 'closed', 'merged', 'locked'].includes(options.pullRequestState)) {
      throw new Error(`PullRequestGenerator.gitlab 'pullRequestState' (${show(options.pullRequestState)}) must be opened, closed, merged or locked`);
    }
    return new PullRequestGenerator(options, {
      gitlab: {
        project: options.project,
        api: options.api,
        tokenRef: copyRef(options.tokenRef),
        labels: undefinedIfEmpty(options.labels),
        pullRequestState: options.pullRequestState,
      },
    });
  }

  /** Pull requests of a Bitbucket Server (Data Center) repository. */
  public static bitbucketServer(options: BitbucketServerPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.bitbucketServer', { api: options.api, project: options.project, repo: options.repo });
    unsupported('PullRequestGenerator.bitbucketServer', { tokenRef: options.tokenRef, labels: options.labels });
    return new PullRequestGenerator(options, {
      bitbucketServer: {
        api: options.api,
        project: options.project,
        repo: options.repo,
        ...bitbucketAuth('PullRequestGenerator.bitbucketServer', options.basicAuth, options.bearerTokenRef),
        caRef: options.caRef ? { ...options.caRef } : undefined,
        insecure: options.insecure,
      },
    });
  }

  /** Pull requests of a Bitbucket Cloud repository. */
  public static bitbucket(options: BitbucketCloudPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.bitbucket', { owner: options.owner, repo: options.repo });
    unsupported('PullRequestGenerator.bitbucket', { tokenRef: options.tokenRef, labels: options.labels });
    return new PullRequestGenerator(options, {
      bitbucket: {
        owner: options.owner,
        repo: options.repo,
        api: options.api,
        ...bitbucketAuth('PullRequestGenerator.bitbucket', options.basicAuth, options.bearerTokenRef),
      },
    });
  }

  /** Pull requests of a Gitea repository. */
  public static gitea(options: GiteaPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.gitea', { api: options.api, owner: options.owner, repo: options.repo });
    return new PullRequestGenerator(options, {
      gitea: {
        api: options.api,
        owner: options.owner,
        repo: options.repo,
        tokenRef: copyRef(options.tokenRef),
        insecure: options.insecure,
        labels: undefinedIfEmpty(options.labels),
      },
    });
  }

  /** Pull requests of an Azure DevOps repository. */
  public static azureDevOps(options: AzureDevOpsPullRequestOptions): PullRequestGenerator {
    requireAll('PullRequestGenerator.azureDevOps', { organization: options.organization, project: options.project, repo: options.repo });
    return new PullRequestGenerator(options, {
      azuredevops: {
        organization: options.organization,
        project: options.project,
        repo: options.repo,
        api: options.api,
        tokenRef: copyRef(options.tokenRef),
        labels: undefinedIfEmpty(options.labels),
      },
    });
  }

  private constructor(private readonly options: PullRequestGeneratorOptions, private readonly provider: any) {}

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    return {
      generator: {
        pullRequest: {
          ...this.provider,
          filters: undefinedIfEmpty(this.options.filters?.map(f => ({ ...f }))),
          requeueAfterSeconds: seconds(this.options.requeueAfter),
          continueOnRepoNotFoundError: this.options.continueOnRepoNotFoundError,
        },
      },
    };
  }
}
