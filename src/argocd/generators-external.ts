import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ApplicationSetGeneratorConfig, IApplicationSetGenerator, LabelSelectorRequirement } from './generators';
import { show } from '../private/errors';
import { renderRequirements } from '../private/selector';
import { sortedMap, undefinedIfEmpty } from '../private/util';

// Generators whose parameters come from outside the fleet: a duck-typed resource, a plugin, pull requests,
// and SCM providers. Credentials are references to Secrets in the Argo CD namespace, never values.

/** A key of a Secret in the Argo CD namespace. */
export interface SecretKeyReference {
  /** The Secret's name. */
  readonly secretName: string;
  /** The key in the Secret. */
  readonly key: string;
}

/** Options for `ClusterDecisionResourceGenerator`. */
export interface ClusterDecisionResourceGeneratorOptions {
  /** The ConfigMap that names the duck-typed resource kind and how to read its status. */
  readonly configMapRef: string;
  /**
   * The resource's name. Give `name` or a label selector.
   * @default - selected by labels
   */
  readonly name?: string;
  /** @default - no label condition */
  readonly matchLabels?: Record<string, string>;
  /** @default - no expression condition */
  readonly matchExpressions?: LabelSelectorRequirement[];
  /**
   * How often the resource is re-read.
   * @default - Argo CD's default (3 minutes)
   */
  readonly requeueAfter?: Duration;
  /** @default - none */
  readonly values?: Record<string, string>;
}

/**
 * The cluster decision resource generator: clusters listed in the status of a duck-typed resource (e.g. an
 * Open Cluster Management PlacementDecision).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Cluster-Decision-Resource/
 */
export class ClusterDecisionResourceGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: ClusterDecisionResourceGeneratorOptions) {
    if (!options.configMapRef) throw new Error(`ClusterDecisionResourceGenerator 'configMapRef' is required (got ${show(options.configMapRef)})`);
    const selected = Object.keys(options.matchLabels ?? {}).length > 0 || (options.matchExpressions ?? []).length > 0;
    if (!options.name === !selected) {
      throw new Error("ClusterDecisionResourceGenerator needs either 'name' or a label selector ('matchLabels'/'matchExpressions'), not both");
    }
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    const selected = Object.keys(o.matchLabels ?? {}).length > 0 || (o.matchExpressions ?? []).length > 0;
    return {
      generator: {
        clusterDecisionResource: {
          configMapRef: o.configMapRef,
          name: o.name,
          labelSelector: selected ? {
            matchLabels: sortedMap(o.matchLabels),
            matchExpressions: renderRequirements(o.matchExpressions),
          } : undefined,
          requeueAfterSeconds: seconds(o.requeueAfter),
          values: sortedMap(o.values),
        },
      },
    };
  }
}

/** Options for `PluginGenerator`. */
export interface PluginGeneratorOptions {
  /** The ConfigMap that configures the plugin service. */
  readonly configMapRef: string;
  /**
   * Parameters sent to the plugin (`input.parameters`).
   * @default - none
   */
  readonly parameters?: Record<string, any>;
  /**
   * How often the plugin is asked again.
   * @default - Argo CD's default (30 minutes)
   */
  readonly requeueAfter?: Duration;
  /** @default - none */
  readonly values?: Record<string, string>;
}

/**
 * The plugin generator: parameters from an HTTP service.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/applicationset/Generators-Plugin/
 */
export class PluginGenerator implements IApplicationSetGenerator {
  public constructor(private readonly options: PluginGeneratorOptions) {
    if (!options.configMapRef) throw new Error(`PluginGenerator 'configMapRef' is required (got ${show(options.configMapRef)})`);
  }

  public bind(_applicationSet: IConstruct): ApplicationSetGeneratorConfig {
    const o = this.options;
    return {
      generator: {
        plugin: {
          configMapRef: { name: o.configMapRef },
          input: o.parameters ? { parameters: o.parameters } : undefined,
          requeueAfterSeconds: seconds(o.requeueAfter),
          values: sortedMap(o.values),
        },
      },
    };
  }
}

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
        tokenRef: options.tokenRef ? { ...options.tokenRef } : undefined,
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
        tokenRef: options.tokenRef ? { ...options.tokenRef } : undefined,
        labels: undefinedIfEmpty(options.labels),
        pullRequestState: options.pullRequestState,
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
        },
      },
    };
  }
}

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
        tokenRef: options.tokenRef ? { ...options.tokenRef } : undefined,
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
        tokenRef: options.tokenRef ? { ...options.tokenRef } : undefined,
        allBranches: options.allBranches,
        includeSubgroups: options.includeSubgroups,
        includeSharedProjects: options.includeSharedProjects,
        includeArchivedRepos: options.includeArchivedRepos,
        topic: options.topic,
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

function seconds(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : d.toSeconds();
}

function requireAll(where: string, fields: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(fields)) {
    if (!v) throw new Error(`${where} '${k}' is required (got ${show(v)})`);
  }
}
