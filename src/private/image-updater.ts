import { ImageUpdaterOptions, ImageUpdateStrategy } from '../workloads/image-updater';

const PREFIX = 'argocd-image-updater.argoproj.io';

/** The Image Updater annotations for `image` (a repository without tag), always with Git write-back. */
export function imageUpdaterAnnotations(o: ImageUpdaterOptions, image: string): Record<string, string> {
  if (!/^[a-z][a-z0-9-]*$/.test(o.alias ?? '')) throw new Error(`ImageUpdaterOptions 'alias' (${JSON.stringify(o.alias)}) must be lower-case letters, digits and '-'`);
  const out: Record<string, string> = {
    [`${PREFIX}/image-list`]: `${o.alias}=${image}${o.constraint ? `:${o.constraint}` : ''}`,
    [`${PREFIX}/${o.alias}.update-strategy`]: o.updateStrategy ?? ImageUpdateStrategy.SEMVER,
    [`${PREFIX}/${o.alias}.kustomize.image-name`]: image,
    [`${PREFIX}/write-back-method`]: 'git',
  };
  if (o.allowTags) out[`${PREFIX}/${o.alias}.allow-tags`] = `regexp:${o.allowTags}`;
  if (o.gitBranch) out[`${PREFIX}/git-branch`] = o.gitBranch;
  return out;
}
