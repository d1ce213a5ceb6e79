import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ApplicationSetGeneratorConfig, IApplicationSetGenerator } from './generators';
import type { BasicAuth, ConfigMapKeyReference, SecretKeyReference } from './generators-external';
import { show } from '../private/errors';
import { bitbucketAuth, copyRef, requireAll, seconds, unsupported } from '../private/generator-options';
import { undefinedIfEmpty } from '../private/util';

/** An SCM provider filter; all given conditions must hold. */
export interface ScmProviderFilter {
  /** @default - any repository */
  readonly repositoryMatch?: string;
  /** @default - no condition */
  readonly pathsExist?: string[];
  /** @default - no condition */
  readonly pathsDoNotExist?: string[];
  /** @default - any labels (topics) */
  readonly labelMatch?: string;
  /** @default - any branch */
  readonly branchMatch?: string;
}

/** Options shared by the SCM provider generators. */
export interface ScmProviderGeneratorOptions {
  /** @default - anonymous access */
  readonly tokenRef?: SecretKeyReference;
  /** @default - the public service */
  readonly api?: string;
  /**
   * One parameter set per branch instead of per repository (default branch only).
   * @default false
   */
  readonly allBranches?: boolean;
  /** @default - none */
  readonly filters?: ScmProviderFilter[];
  /**
   * The clone URL's protocol (`ssh` or `https`).
   * @default 'ssh'
   */
  readonly cloneProtocol?: string;
  /** @default - Argo CD's default (30 minutes) */
  readonly requeueAfter?: Duration;
}

/** Options for `ScmProviderGenerator.github()`. */
export interface GitHubScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The organization whose repositories are listed. */
  readonly organization: string;
  /** @default - none */
  readonly appSecretName?: string;
  /** @default false */
  readonly excludeArchivedRepos?: boolean;
}

/** Options for `ScmProviderGenerator.gitlab()`. */
export interface GitLabScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The group ID or path. */
  readonly group: string;
  /** @default false */
  readonly includeSubgroups?: boolean;
  /** @default true (Argo CD's default) */
  readonly includeSharedProjects?: boolean;
  /** @default false */
  readonly includeArchivedRepos?: boolean;
  /**
   * Only projects with this topic.
   * @default - any topic
   */
  readonly topic?: string;
}

/** Options for `ScmProviderGenerator.bitbucketServer()`; `api` (the server URL) is required. */
export interface BitbucketServerScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The project key whose repositories are listed. */
  readonly project: string;
  /** @default - no basic auth */
  readonly basicAuth?: BasicAuth;
  /** @default - no bearer token */
  readonly bearerTokenRef?: SecretKeyReference;
  /** @default - the system roots */
  readonly caRef?: ConfigMapKeyReference;
  /** @default false */
  readonly insecure?: boolean;
}

/** Options for `ScmProviderGenerator.bitbucket()` (Bitbucket Cloud). */
export interface BitbucketCloudScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The workspace whose repositories are listed. */
  readonly owner: string;
  /** The user the app password belongs to. */
  readonly user: string;
  /** The app password, from a Secret in the Argo CD namespace. */
  readonly appPasswordRef: SecretKeyReference;
}

/** Options for `ScmProviderGenerator.gitea()`; `api` (the Gitea URL) is required. */
export interface GiteaScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The owner (user or organization) whose repositories are listed. */
  readonly owner: string;
  /** @default false */
  readonly insecure?: boolean;
  /** @default false */
  readonly excludeArchivedRepos?: boolean;
}

/** Options for `ScmProviderGenerator.azureDevOps()`. */
export interface AzureDevOpsScmProviderOptions extends ScmProviderGeneratorOptions {
  /** The organization. */
  readonly organization: string;
  /** The team project whose repositories are listed. */
  readonly teamProject: string;
  /** The personal access token, from a Secret in the Argo CD namespace. */
  readonly accessTokenRef: SecretKeyReference;
}

/** An AWS resource tag filter for `ScmProviderGenerator.awsCodeCommit()`. */
export interface AwsTagFilter {
  /** The tag key. */
  readonly key: string;
  /**
   * The tag value.
   * @default - any value
   */
  readonly value?: string;
}

/** Options for `ScmProviderGenerator.awsCodeCommit()`. */
export interface AwsCodeCommitScmProviderOptions extends ScmProviderGeneratorOptions {
  /**
   * The AWS region.
   * @default - the region of the ApplicationSet controller
   */
  readonly region?: string;
  /**
   * An IAM role to assume (cross-account).
   * @default - the controller's own credentials
   */
  readonly role?: string;
  /**
   * Only repositories with these tags.
   * @default - every repository
   */
  readonly tagFilters?: AwsTagFilter[];
}

/**
 * The SCM provider generator: one parameter set per repository (or branch) of an organization or group
 * (`organization`, `repository`, `url`, `branch`, `sha`, `labels`, …; read them with `TemplateParam.element()`).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-SCM-Provider/
 */
export class ScmProviderGenerator implements IApplicationSetGenerator {
  /** Repositories of a GitHub organization. */
  public static github(options: GitHubScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.github', { organization: options.organization });
    return new ScmProviderGenerator(options, {
      github: {
        organization: options.organization,
        api: options.api,
        tokenRef: copyRef(options.tokenRef),
        appSecretName: options.appSecretName,
        allBranches: options.allBranches,
        excludeArchivedRepos: options.excludeArchivedRepos,
      },
    });
  }

  /** Projects of a GitLab group. */
  public static gitlab(options: GitLabScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.gitlab', { group: options.group });
    return new ScmProviderGenerator(options, {
      gitlab: {
        group: options.group,
        api: options.api,
        tokenRef: copyRef(options.tokenRef),
        allBranches: options.allBranches,
        includeSubgroups: options.includeSubgroups,
        includeSharedProjects: options.includeSharedProjects,
        includeArchivedRepos: options.includeArchivedRepos,
        topic: options.topic,
      },
    });
  }

  /** Repositories of a Bitbucket Server (Data Center) project. */
  public static bitbucketServer(options: BitbucketServerScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.bitbucketServer', { api: options.api, project: options.project });
    unsupported('ScmProviderGenerator.bitbucketServer', { tokenRef: options.tokenRef });
    return new ScmProviderGenerator(options, {
      bitbucketServer: {
        api: options.api,
        project: options.project,
        allBranches: options.allBranches,
        ...bitbucketAuth('ScmProviderGenerator.bitbucketServer', options.basicAuth, options.bearerTokenRef),
        caRef: options.caRef ? { ...options.caRef } : undefined,
        insecure: options.insecure,
      },
    });
  }

  /** Repositories of a Bitbucket Cloud workspace. */
  public static bitbucket(options: BitbucketCloudScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.bitbucket', { owner: options.owner, user: options.user, appPasswordRef: options.appPasswordRef?.secretName });
    unsupported('ScmProviderGenerator.bitbucket', { tokenRef: options.tokenRef, api: options.api });
    return new ScmProviderGenerator(options, {
      bitbucket: { owner: options.owner, user: options.user, appPasswordRef: { ...options.appPasswordRef }, allBranches: options.allBranches },
    });
  }

  /** Repositories of a Gitea owner. */
  public static gitea(options: GiteaScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.gitea', { api: options.api, owner: options.owner });
    return new ScmProviderGenerator(options, {
      gitea: {
        api: options.api,
        owner: options.owner,
        tokenRef: copyRef(options.tokenRef),
        allBranches: options.allBranches,
        insecure: options.insecure,
        excludeArchivedRepos: options.excludeArchivedRepos,
      },
    });
  }

  /** Repositories of an Azure DevOps team project. */
  public static azureDevOps(options: AzureDevOpsScmProviderOptions): ScmProviderGenerator {
    requireAll('ScmProviderGenerator.azureDevOps', { organization: options.organization, teamProject: options.teamProject, accessTokenRef: options.accessTokenRef?.secretName });
    unsupported('ScmProviderGenerator.azureDevOps', { tokenRef: options.tokenRef });
    return new ScmProviderGenerator(options, {
      azureDevOps: {
        organization: options.organization,
        teamProject: options.teamProject,
        api: options.api,
        accessTokenRef: { ...options.accessTokenRef },
        allBranches: options.allBranches,
      },
    });
  }

  /** Repositories of AWS CodeCommit (credentials: the controller's IAM identity, or `role`). */
  public static awsCodeCommit(options: AwsCodeCommitScmProviderOptions = {}): ScmProviderGenerator {
    unsupported('ScmProviderGenerator.awsCodeCommit', { tokenRef: options.tokenRef, api: options.api });
    for (const t of options.tagFilters ?? []) {
      if (!t.key) throw new Error(`ScmProviderGenerator.awsCodeCommit 'tagFilters' entries need a 'key' (got ${show(t)})`);
    }
    return new ScmProviderGenerator(options, {
      awsCodeCommit: {
        region: options.region,
        role: options.role,
        tagFilters: undefinedIfEmpty(options.tagFilters?.map(t => ({ key: t.key, value: t.value }))),
        allBranches: options.allBranches,
      },
    });
  }

  private constructor(private readonly options: ScmProviderGeneratorOptions, private readonly provider: any) {
    if (options.cloneProtocol && !['ssh', 'https'].includes(options.cloneProtocol)) {
      throw new Error(`ScmProviderGenerator 'cloneProtocol' (${show(options.cloneProtocol)}) must be 'ssh' or 'https'`);
    }
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    return {
      generator: {
        scmProvider: {
          ...this.provider,
          cloneProtocol: this.options.cloneProtocol,
          filters: undefinedIfEmpty(this.options.filters?.map(f => ({ ...f }))),
          requeueAfterSeconds: seconds(this.options.requeueAfter),
        },
      },
    };
  }
}
