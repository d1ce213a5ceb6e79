/**
 * Argo CD's `targetRevision` of a Git source as a Flux GitRepository `ref`, and back (for reading a Flux tree).
 *
 * Argo CD v3.5.1 resolves a revision with `git ls-remote` (CD:util/git/client.go `lsRemote`): a full commit SHA as
 * it is; a semantic version constraint matching some tag to the highest such tag (`versions.MaxVersion`); then a
 * branch or tag by its short name, or a full ref name; `HEAD` (and "") to the remote's default branch. Flux's
 * GitRepository (source-controller v1.9.1, docs/spec/v1/gitrepositories.md §Reference) must be told which kind
 * of reference it is (`branch`, `tag`, `semver`, `name`, `commit`) and, without a ref, follows `master`, so the
 * library always writes one.
 */
import { compileConstraint, parseLooseVersion } from '../expansion/gotemplate/semver-constraint';

/** A GitRepository `spec.ref` (exactly one field set). */
export interface GitRef {
  readonly branch?: string;
  readonly tag?: string;
  readonly semver?: string;
  readonly name?: string;
  readonly commit?: string;
}

/** The ref for an Argo CD revision, or why there is none. */
export function gitRefOf(revision: string): { ref: GitRef; error?: undefined } | { ref?: undefined; error: string } {
  const r = revision.trim();
  if (r === '' || r === 'HEAD') {
    return { error: `'${revision}' (the remote's default branch) has no Flux equivalent: a GitRepository without a ref follows 'master' (source-controller v1.9.1); name the branch, tag or commit` };
  }
  if (/^[0-9a-f]{40}$/i.test(r) || /^[0-9a-f]{64}$/i.test(r)) return { ref: { commit: r.toLowerCase() } };
  if (/^[0-9a-f]{7,39}$/i.test(r) && /\d/.test(r) && /[a-f]/i.test(r)) {
    return { error: `'${revision}' looks like a truncated commit SHA, which Flux cannot check out; give the full 40-character SHA` };
  }
  if (r.startsWith('refs/')) return { ref: { name: r } };
  if (parseLooseVersion(r) !== undefined && /^v?\d+\.\d+\.\d+/.test(r)) return { ref: { tag: r } };
  if (/[<>=~^*|,\s]|(^|\.)[xX](\.|$)/.test(r) && isConstraint(r)) return { ref: { semver: r } };
  return { ref: { branch: r } };
}

/** The revision string Argo CD would have been given for a ref (the inverse of `gitRefOf`). */
export function revisionOfRef(ref: GitRef | undefined): string {
  // What source-controller v1.9.1 checks out (`gitCheckout` passes every field to fluxcd/pkg git/v0.52.0
  // gogit/client.go `clone`): the first non-empty of commit, name, tag, semver, branch, else `master`. The API
  // documentation says semver takes precedence over tag; the code takes the tag.
  return ref?.commit || ref?.name || ref?.tag || ref?.semver || ref?.branch || 'master';
}

/**
 * A repository URL as a GitRepository takes it (`^(http|https|ssh)://`): scp-like `git@host:path` becomes
 * `ssh://git@host/path`; anything else with another scheme has no Flux equivalent.
 */
export function fluxGitUrl(url: string): { url: string; error?: undefined } | { url?: undefined; error: string } {
  if (/^(https?|ssh):\/\//.test(url)) return { url };
  const scp = /^([A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp) return { url: `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3].replace(/^\/+/, '')}` };
  return { error: `'${url}' is not a URL a GitRepository accepts (http://, https:// or ssh://, or the scp-like git@host:path)` };
}

function isConstraint(r: string): boolean {
  try {
    compileConstraint(r);
    return true;
  } catch {
    return false;
  }
}
