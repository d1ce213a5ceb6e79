import { TemplateParam } from './template-param';
import type { ClusterManifests } from '../fleet/cluster-manifests';
import type { Fleet } from '../fleet/fleet';
import { show } from '../private/errors';
import { sortedMap, undefinedIfEmpty } from '../private/util';

/** Options for a source in a Git repository. */
export interface GitSourceOptions {
  /** The path inside the repository. */
  readonly path: string;
  /**
   * The repository URL.
   * @default - the fleet's own repository
   */
  readonly repoUrl?: string;
  /**
   * The branch, tag or commit.
   * @default - the fleet's revision for its own repository, 'HEAD' otherwise
   */
  readonly targetRevision?: string;
  /**
   * A name other sources of a multi-source Application use to read files of this one (`$<ref>/values.yaml`).
   * @default - none
   */
  readonly ref?: string;
}

/** Options for `ApplicationSource.directory()`. */
export interface DirectorySourceOptions extends GitSourceOptions {
  /**
   * Read subdirectories too.
   * @default false
   */
  readonly recurse?: boolean;
  /**
   * Only files matching this glob (e.g. `'{*.yaml,*.json}'`).
   * @default - every manifest file
   */
  readonly include?: string;
  /**
   * Skip files matching this glob.
   * @default - none
   */
  readonly exclude?: string;
}

/** Options for `ApplicationSource.kustomize()`. */
export interface KustomizeSourceOptions extends GitSourceOptions {
  /** @default - none */
  readonly namePrefix?: string;
  /** @default - none */
  readonly nameSuffix?: string;
  /**
   * Image overrides, e.g. `'nginx=nginx:1.27'`.
   * @default - none
   */
  readonly images?: string[];
  /** @default - none */
  readonly commonLabels?: Record<string, string>;
  /** @default - none */
  readonly commonAnnotations?: Record<string, string>;
  /**
   * Kustomize components to include.
   * @default - none
   */
  readonly components?: string[];
  /**
   * Override the namespace of every resource.
   * @default - as the kustomization says
   */
  readonly namespace?: string;
}

/** Helm options shared by chart-repository and Git Helm sources. */
export interface HelmOptions {
  /**
   * The Helm release name.
   * @default - the Application name
   */
  readonly releaseName?: string;
  /**
   * Values files, relative to the chart, or `$<ref>/path` from another source.
   * @default - none
   */
  readonly valueFiles?: string[];
  /**
   * Values, written as `valuesObject`.
   * @default - none
   */
  readonly values?: Record<string, any>;
  /**
   * `--set` parameters.
   * @default - none
   */
  readonly parameters?: Record<string, string>;
  /**
   * Skip `valueFiles` that do not exist instead of failing the sync.
   * @default false
   */
  readonly ignoreMissingValueFiles?: boolean;
}

/** Options for `ApplicationSource.helm()`. */
export interface HelmChartSourceOptions extends HelmOptions {
  /** The chart repository URL (`https://…`, or an OCI registry without the `oci://` scheme). */
  readonly repoUrl: string;
  /** The chart name. */
  readonly chart: string;
  /** The chart version (pin it: a range silently upgrades). */
  readonly version: string;
}

/** Options for `ApplicationSource.helmFromGit()`. */
export interface HelmGitSourceOptions extends GitSourceOptions, HelmOptions {}

/** Options for `ApplicationSource.valuesRef()`. */
export interface ValuesRefOptions {
  /** The name other sources use: `$<ref>/path/values.yaml`. */
  readonly ref: string;
  /**
   * The repository URL.
   * @default - the fleet's own repository
   */
  readonly repoUrl?: string;
  /**
   * The branch, tag or commit.
   * @default - the fleet's revision for its own repository, 'HEAD' otherwise
   */
  readonly targetRevision?: string;
}

/**
 * Where an Application's manifests come from: a Git path (plain, directory, Kustomize or Helm), a Helm chart,
 * or the fleet's own rendered manifests.
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/application-specification/
 */
export class ApplicationSource {
  /** A Git path; Argo CD detects the tool (Kustomize, Helm or plain manifests). */
  public static git(options: GitSourceOptions): ApplicationSource {
    checkPath('git', options.path);
    return new ApplicationSource('git', options.repoUrl, (fleet) => gitFields(fleet, options));
  }

  /** A directory of plain manifests. */
  public static directory(options: DirectorySourceOptions): ApplicationSource {
    checkPath('directory', options.path);
    return new ApplicationSource('directory', options.repoUrl, (fleet) => ({
      ...gitFields(fleet, options),
      directory: { recurse: options.recurse, include: options.include, exclude: options.exclude },
    }));
  }

  /** A Kustomize overlay. */
  public static kustomize(options: KustomizeSourceOptions): ApplicationSource {
    checkPath('kustomize', options.path);
    return new ApplicationSource('kustomize', options.repoUrl, (fleet) => ({
      ...gitFields(fleet, options),
      kustomize: {
        namePrefix: options.namePrefix,
        nameSuffix: options.nameSuffix,
        images: undefinedIfEmpty(options.images),
        commonLabels: sortedMap(options.commonLabels),
        commonAnnotations: sortedMap(options.commonAnnotations),
        components: undefinedIfEmpty(options.components),
        namespace: options.namespace,
      },
    }));
  }

  /** A chart from a Helm repository or OCI registry. */
  public static helm(options: HelmChartSourceOptions): ApplicationSource {
    for (const prop of ['repoUrl', 'chart', 'version'] as const) {
      if (!options[prop]) throw new Error(`ApplicationSource.helm '${prop}' is required (got ${show(options[prop])})`);
    }
    if (/[\^~*x<>| ]/.test(options.version)) {
      throw new Error(`ApplicationSource.helm 'version' (${show(options.version)}) must be an exact chart version: a range upgrades without review`);
    }
    return new ApplicationSource('helm', options.repoUrl, () => ({
      repoUrl: options.repoUrl,
      chart: options.chart,
      targetRevision: options.version,
      helm: helmFields(options),
    }));
  }

  /** A Helm chart kept in a Git repository. */
  public static helmFromGit(options: HelmGitSourceOptions): ApplicationSource {
    checkPath('helmFromGit', options.path);
    return new ApplicationSource('helm', options.repoUrl, (fleet) => ({ ...gitFields(fleet, options), helm: helmFields(options) }));
  }

  /** A source that only provides files (values) to other sources, through `ref`. */
  public static valuesRef(options: ValuesRefOptions): ApplicationSource {
    checkRef(options.ref);
    return new ApplicationSource('ref', options.repoUrl, (fleet) => ({
      repoUrl: fleet._repoUrl(options.repoUrl),
      targetRevision: fleet._revision(options.repoUrl, options.targetRevision),
      ref: options.ref,
    }));
  }

  /** The manifests this program renders for one application on one cluster (`clusters/<cluster>/<app>`). */
  public static manifests(manifests: ClusterManifests): ApplicationSource {
    return new ApplicationSource('manifests', undefined, (fleet) => ({
      repoUrl: fleet.repoUrl,
      targetRevision: fleet.targetRevision,
      path: manifests.directory,
      directory: { recurse: true },
    }), manifests);
  }

  private constructor(
    /** The kind of source: git, directory, kustomize, helm, ref or manifests. */
    public readonly sourceKind: string,
    private readonly explicitRepoUrl: string | undefined,
    private readonly render: (fleet: Fleet) => any,
    /** @internal */
    public readonly _manifests?: ClusterManifests,
  ) {
    if (explicitRepoUrl !== undefined && !TemplateParam._isTemplated(explicitRepoUrl)
      && !/^(https?:\/\/|ssh:\/\/|git@|[a-z0-9.-]+\.[a-z]+\/)\S+$/i.test(explicitRepoUrl)) {
      throw new Error(`ApplicationSource 'repoUrl' (${show(explicitRepoUrl)}) must be a Git or Helm repository URL`);
    }
  }

  /** @internal the repository URL, resolved against the fleet. */
  public _repoUrl(fleet: Fleet): string {
    return fleet._repoUrl(this.explicitRepoUrl);
  }

  /** @internal */
  public _toKube(fleet: Fleet): any {
    return this.render(fleet);
  }
}

function gitFields(fleet: Fleet, options: GitSourceOptions) {
  if (options.ref !== undefined) checkRef(options.ref);
  return {
    repoUrl: fleet._repoUrl(options.repoUrl),
    path: options.path,
    targetRevision: fleet._revision(options.repoUrl, options.targetRevision),
    ref: options.ref,
  };
}

/** The `helm` block, or undefined when nothing is set (Argo CD would otherwise keep an empty `helm: {}`). */
function helmFields(options: HelmOptions) {
  const helm = {
    releaseName: options.releaseName,
    valueFiles: undefinedIfEmpty(options.valueFiles),
    valuesObject: options.values && Object.keys(options.values).length ? options.values : undefined,
    parameters: undefinedIfEmpty(Object.keys(options.parameters ?? {}).sort().map(name => ({ name, value: options.parameters![name] }))),
    ignoreMissingValueFiles: options.ignoreMissingValueFiles,
  };
  return Object.values(helm).some(v => v !== undefined) ? helm : undefined;
}

function checkPath(factory: string, path: string) {
  if (typeof path !== 'string' || path === '' || path.startsWith('/') || path.split('/').includes('..')) {
    throw new Error(`ApplicationSource.${factory} 'path' (${show(path)}) must be a relative path inside the repository`);
  }
}

function checkRef(ref: string) {
  if (!/^[a-zA-Z0-9][-_a-zA-Z0-9]*$/.test(ref ?? '')) {
    throw new Error(`ApplicationSource 'ref' (${show(ref)}) must be alphanumeric (it is used as '$${ref}/...')`);
  }
}
