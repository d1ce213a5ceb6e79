import { show } from '../private/errors';

/** What counts as a pinned container image. */
export enum ImagePinning {
  /** Only a digest (`repo@sha256:…`); a tag alongside it is allowed and ignored, as the runtimes do. */
  DIGEST = 'digest',
  /** A digest, or a tag that is a full semantic version (`1.8.2`, `v1.8.2-rc.1`) or matches `tagPatterns`. */
  SEMVER_OR_DIGEST = 'semver-or-digest',
  /** Any tag except `latest`, a missing tag (which means `latest`) and the `mutableTags`. */
  IMMUTABLE_TAG = 'immutable-tag',
  /** Images are not checked. */
  NONE = 'none',
}

/**
 * What counts as a pinned source revision of an Application (repositories other than the fleet repository,
 * which may track its branch: it is the source of truth). Helm chart versions must then be exact versions.
 */
export enum RevisionPinning {
  /** A full commit SHA (40 hex digits, or 64 for SHA-256 repositories). */
  COMMIT = 'commit',
  /** A full commit SHA, a semantic version tag (`v1.2.3`), or a tag matching `revisionTagPatterns`. */
  TAG_OR_COMMIT = 'tag-or-commit',
  /** Revisions and chart versions are not checked. */
  NONE = 'none',
}

/** Options of `PinningRules`. */
export interface PinningRulesOptions {
  /**
   * What counts as a pinned image.
   * @default ImagePinning.SEMVER_OR_DIGEST
   */
  readonly images?: ImagePinning;
  /**
   * Tags refused as mutable, besides `latest` (always refused unless `images` is `NONE`).
   * @default ['stable', 'main', 'master', 'develop', 'dev', 'edge', 'nightly', 'canary']
   */
  readonly mutableTags?: string[];
  /**
   * Regular expressions (matched against the whole tag) of tags accepted as pinned besides semantic versions,
   * e.g. `'[0-9a-f]{7,40}'` for tags that are Git SHAs. Only with `ImagePinning.SEMVER_OR_DIGEST`.
   * @default - none
   */
  readonly tagPatterns?: string[];
  /**
   * What counts as a pinned source revision (other repositories than the fleet's) and chart version.
   * @default RevisionPinning.TAG_OR_COMMIT
   */
  readonly revisions?: RevisionPinning;
  /**
   * Regular expressions (matched against the whole revision) of Git tags accepted besides semantic versions,
   * e.g. `'release-[0-9]{4}-[0-9]{2}-[0-9]{2}'`. Only with `RevisionPinning.TAG_OR_COMMIT`.
   * @default - none
   */
  readonly revisionTagPatterns?: string[];
}

/** The mutable tags refused by default (besides `latest`). */
export const DEFAULT_MUTABLE_TAGS = ['stable', 'main', 'master', 'develop', 'dev', 'edge', 'nightly', 'canary'];

/**
 * The version pinning rules of one environment: which images and source revisions count as pinned.
 *
 * @example
 * PinningRules.strict()                                   // production: semver tags or digests, tags or commits
 * PinningRules.relaxed({ mutableTags: ['snapshot'] })     // dev: anything but latest and the mutable tags
 */
export class PinningRules {
  /** Images by semantic version tag or digest; sources by tag or commit; exact chart versions. */
  public static strict(options: PinningRulesOptions = {}): PinningRules {
    return new PinningRules({ images: ImagePinning.SEMVER_OR_DIGEST, revisions: RevisionPinning.TAG_OR_COMMIT, ...options });
  }

  /** Images by any tag but `latest` and the mutable tags; source revisions not checked. */
  public static relaxed(options: PinningRulesOptions = {}): PinningRules {
    return new PinningRules({ images: ImagePinning.IMMUTABLE_TAG, revisions: RevisionPinning.NONE, ...options });
  }

  /** Rules as given (the defaults are those of `strict()`). */
  public static of(options: PinningRulesOptions): PinningRules {
    return new PinningRules(options);
  }

  /** @internal */
  public readonly _spec: PinningRulesSpec;

  private constructor(options: PinningRulesOptions) {
    const errors: string[] = [];
    const patterns = (prop: string, list: string[] | undefined) => {
      for (const p of list ?? []) {
        try {
          new RegExp(p);
        } catch (e) {
          errors.push(`'${prop}' entry ${show(p)} is not a valid regular expression: ${(e as Error).message}`);
        }
      }
    };
    patterns('tagPatterns', options.tagPatterns);
    patterns('revisionTagPatterns', options.revisionTagPatterns);
    if (options.images !== undefined && !Object.values(ImagePinning).includes(options.images)) errors.push(`'images' (${show(options.images)}) is not an ImagePinning`);
    if (options.revisions !== undefined && !Object.values(RevisionPinning).includes(options.revisions)) errors.push(`'revisions' (${show(options.revisions)}) is not a RevisionPinning`);
    for (const t of options.mutableTags ?? []) if (typeof t !== 'string' || !/^[\w][\w.-]{0,127}$/.test(t)) errors.push(`'mutableTags' entry ${show(t)} is not a valid image tag`);
    if (errors.length) throw new Error(`Invalid PinningRules:\n  ${errors.join('\n  ')}`);
    this._spec = {
      images: options.images ?? ImagePinning.SEMVER_OR_DIGEST,
      mutableTags: [...new Set(['latest', ...(options.mutableTags ?? DEFAULT_MUTABLE_TAGS)])].sort(),
      tagPatterns: [...options.tagPatterns ?? []],
      revisions: options.revisions ?? RevisionPinning.TAG_OR_COMMIT,
      revisionTagPatterns: [...options.revisionTagPatterns ?? []],
    };
  }
}

/** The rules as data (what the tree records). */
export interface PinningRulesSpec {
  readonly images: ImagePinning;
  readonly mutableTags: string[];
  readonly tagPatterns: string[];
  readonly revisions: RevisionPinning;
  readonly revisionTagPatterns: string[];
}
