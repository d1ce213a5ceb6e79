/**
 * The version part of a container image reference, as the Docker reference grammar has it
 * (distribution/reference v0.6.0 regexp.go): a tag `[\w][\w.-]{0,127}`, a digest
 * `algorithm:hex` (`[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}`), or both
 * (`tag@digest`). go-digest then requires the registered algorithms' exact lengths: sha256 64 and sha512 128
 * lowercase hex digits.
 *
 * A version from the versions file or an `imageTag` setting becomes part of an image reference (and so of what
 * a kubelet pulls); anything else (`v1/../x`, spaces, `latest@sha256:zz`) is refused before it is written.
 */
import { ownValue } from '../private/util';

const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** What is wrong with `version` as the tag and/or digest of an image reference (empty when it is valid). */
export function imageVersionErrors(version: string): string[] {
  if (typeof version !== 'string' || version === '') return ['must be an image tag or digest, not empty'];
  const at = version.indexOf('@');
  const tag = at < 0 ? version : version.slice(0, at);
  const digest = at < 0 ? undefined : version.slice(at + 1);
  if (digest === undefined && DIGEST.test(version)) return digestErrors(version);
  const errors: string[] = [];
  if (!TAG.test(tag)) errors.push('is not an image tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}) or digest (algorithm:hex, e.g. sha256:<64 hex digits>)');
  if (digest !== undefined) errors.push(...(DIGEST.test(digest) ? digestErrors(digest) : [`has '@${digest.length > 40 ? `${digest.slice(0, 40)}…` : digest}', which is not a digest (algorithm:hex)`]));
  return errors;
}

function digestErrors(digest: string): string[] {
  const [algorithm, hex] = digest.split(':');
  const length = ownValue(DIGEST_LENGTHS, algorithm);
  if (length === undefined) return [];
  return hex.length === length && /^[0-9a-f]+$/.test(hex) ? [] : [`is not a ${algorithm} digest (${length} lowercase hex digits)`];
}

/**
 * The image reference of `repository` at `version`: `repo:tag`, `repo@sha256:…` for a digest, `repo:tag@sha256:…`
 * for both. `version` must be valid (`imageVersionErrors`).
 */
export function imageReference(repository: string, version: string): string {
  return DIGEST.test(version) ? `${repository}@${version}` : `${repository}:${version}`;
}

/** The version part of an image reference (`tag`, `sha256:…` or `tag@sha256:…`), or undefined when it has none. */
export function versionOfImage(image: string): string | undefined {
  const slash = image.lastIndexOf('/', image.includes('@') ? image.indexOf('@') : image.length);
  const last = image.slice(slash + 1);
  const at = last.indexOf('@');
  const name = at < 0 ? last : last.slice(0, at);
  const colon = name.indexOf(':');
  const tag = colon < 0 ? undefined : name.slice(colon + 1);
  const digest = at < 0 ? undefined : last.slice(at + 1);
  if (tag !== undefined && digest !== undefined) return `${tag}@${digest}`;
  return tag ?? digest;
}

/** The repository of an image reference as written, without its tag or digest. */
export function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const base = at >= 0 ? image.slice(0, at) : image;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

/**
 * The repository of an image reference as the kubelet pulls it: distribution/reference v0.6.0
 * `ParseNormalizedNamed` (normalize.go `splitDockerDomain`): a first component without `.` or `:`, other than
 * `localhost` and all lowercase, is not a registry, so `acme/api` is `docker.io/acme/api` and `nginx` is
 * `docker.io/library/nginx`; `index.docker.io` is `docker.io`. The registry host is compared without case, as
 * DNS resolves it (`GHCR.IO/acme/api` is pulled from ghcr.io). So `acme/api:2` and `docker.io/acme/api:2` are
 * one repository for the promotion guard and for an `imageTag` setting.
 */
export function normalizedRepository(image: string): string {
  const name = repositoryOf(image);
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const registry = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = registry ? first.toLowerCase() : 'docker.io';
  let remainder = registry ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !remainder.includes('/')) remainder = `library/${remainder}`;
  return `${domain}/${remainder}`;
}
