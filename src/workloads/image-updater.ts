/** How Argo CD Image Updater picks a newer image. */
export enum ImageUpdateStrategy {
  /** The highest semantic version allowed by the constraint. */
  SEMVER = 'semver',
  /** The most recently built image. */
  NEWEST_BUILD = 'newest-build',
  /** The latest digest of a mutable tag. */
  DIGEST = 'digest',
  /** The last tag in alphabetical order. */
  ALPHABETICAL = 'alphabetical',
}

/**
 * Argo CD Image Updater annotations for a workload's generated Applications. The updater writes back to Git
 * (`write-back-method: git`): with ApplicationSets, its other method (patching the Application) is reverted by
 * the ApplicationSet controller on every reconcile, causing loops and lost updates (argocd-image-updater#400).
 * Updates it commits bypass the versions file and the promotion guard, so use it for environments that track
 * the newest build (dev), not for promoted ones.
 */
export interface ImageUpdaterOptions {
  /** The alias of the image in the annotations, e.g. `api`. */
  readonly alias: string;
  /** @default ImageUpdateStrategy.SEMVER */
  readonly updateStrategy?: ImageUpdateStrategy;
  /**
   * A version constraint for `SEMVER`, e.g. `~1.9`.
   * @default - any version
   */
  readonly constraint?: string;
  /**
   * Only tags matching this regular expression.
   * @default - every tag
   */
  readonly allowTags?: string;
  /**
   * The branch the updater commits to.
   * @default - the Application's target revision
   */
  readonly gitBranch?: string;
}
