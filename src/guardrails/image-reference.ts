/**
 * Container image references as the container runtimes parse them: the grammar of
 * distribution/reference v0.6.0 (`regexp.go` `ReferenceRegexp`, `reference.go` `Parse`), which containerd and
 * the kubelet use. Private to the library.
 */
import { ownValue } from '../private/util';

const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainAndPort = `(?:${domainName}|${ipv6address})(?::[0-9]+)?`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const NAME_TOTAL_LENGTH_MAX = 255;
/** Hex lengths of the digest algorithms registered with go-digest (sha256, sha384, sha512). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A parsed image reference. */
export interface ImageReference {
  /** The repository, with its registry when given (`ghcr.io/acme/api`, `nginx`). */
  readonly repository: string;
  /** The tag, when given. */
  readonly tag?: string;
  /** The digest (`sha256:…`), when given. */
  readonly digest?: string;
}

/** Parses an image reference; `{ error }` says why the runtime would refuse it (distribution/reference's wording). */
export function parseImageReference(image: string): ImageReference | { error: string } {
  if (image === '') return { error: 'repository name must have at least one component' };
  const m = REFERENCE.exec(image);
  if (!m) {
    if (REFERENCE.test(image.toLowerCase())) return { error: 'repository name must be lowercase' };
    return { error: 'invalid reference format' };
  }
  const [, repository, tag, digest] = m;
  if (repository.length > NAME_TOTAL_LENGTH_MAX) return { error: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters` };
  if (digest !== undefined) {
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    const expected = ownValue(DIGEST_HEX_LENGTH, algorithm);
    if (expected === undefined) return { error: 'unsupported digest algorithm' };
    if (digest.length - colon - 1 !== expected) return { error: 'invalid checksum digest length' };
    if (/[A-F]/.test(digest.slice(colon + 1))) return { error: 'invalid checksum digest format' };
  }
  return { repository, tag, digest };
}
