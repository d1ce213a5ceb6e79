import { argoNormalizeGitUrl } from './git-url';
import { globMatch, gobwasCompiles, gobwasMatch, goPathMatch, isDenyPattern } from './glob';

/** One AppProject destination as written in the spec. */
export interface DestinationPattern {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** An Application destination: its cluster's name and/or server, and a namespace. */
export interface Destination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace: string;
}

/**
 * Argo CD v3.5.1 `AppProject.isDestinationMatched` (pkg/apis/application/v1alpha1/app_project_types.go): true when
 * some destination matches ((server OR name) AND namespace) and no deny pattern rejects first. In the order of the
 * list, an entry that does not match rejects when its name is a deny pattern the name does not satisfy, or its
 * server is a deny pattern the server does not satisfy while the namespace matches, or its namespace is a deny
 * pattern the namespace does not satisfy while the server matches (Go's `a || b && c` groups as `a || (b && c)`).
 * A destination's empty name or server never matches.
 */
export function isDestinationMatched(patterns: DestinationPattern[], dst: Destination): boolean {
  let anyMatched = false;
  for (const item of patterns) {
    const name = item.name ?? '';
    const server = item.server ?? '';
    const namespace = item.namespace ?? '';
    const nameMatched = !!dst.name && globMatch(name, dst.name, true);
    const serverMatched = !!dst.server && globMatch(server, dst.server, true);
    const namespaceMatched = globMatch(namespace, dst.namespace, true);
    if ((serverMatched || nameMatched) && namespaceMatched) {
      anyMatched = true;
    } else if ((!nameMatched && isDenyPattern(name)) || (!serverMatched && isDenyPattern(server) && namespaceMatched)) {
      return false;
    } else if (!namespaceMatched && isDenyPattern(namespace) && serverMatched) {
      return false;
    }
  }
  return anyMatched;
}

/**
 * `isDestinationMatched` for many destinations against the same patterns: when no pattern is a deny pattern and
 * every field is a literal or `*`, lookups in precomputed sets replace the per-pattern glob matching.
 */
export function destinationMatcher(patterns: DestinationPattern[]): (dst: Destination) => boolean {
  const simple = (v: string | undefined) => v === undefined || v === '*' || !/[*?[\]{}\\!]/.test(v);
  if (!patterns.every(p => simple(p.name) && simple(p.server) && simple(p.namespace))) return dst => isDestinationMatched(patterns, dst);
  const byName = new Map<string, Set<string>>();
  const byServer = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, k: string, ns: string) => m.set(k, (m.get(k) ?? new Set()).add(ns));
  for (const p of patterns) {
    if (p.name !== undefined && p.name !== '') add(byName, p.name, p.namespace ?? '');
    if (p.server !== undefined && p.server !== '') add(byServer, p.server, p.namespace ?? '');
  }
  const hit = (m: Map<string, Set<string>>, key: string | undefined, ns: string) => {
    if (!key) return false;
    for (const k of [key, '*']) {
      const set = m.get(k);
      if (set && (set.has(ns) || set.has('*'))) return true;
    }
    return false;
  };
  return dst => hit(byName, dst.name, dst.namespace) || hit(byServer, dst.server, dst.namespace);
}

/**
 * Argo CD v3.5.1 `AppProject.IsSourcePermitted`: the repository URL and each pattern (after its '!') are put in
 * util/git `NormalizeGitURL` form and matched as globs with '/' as separator. In the order of the list, a match
 * permits (unless a later deny rejects) and a deny pattern the URL does not satisfy rejects; with no match, the
 * repository is not permitted.
 */
export function isSourcePermitted(patterns: string[], repoUrl: string): boolean {
  const source = argoNormalizeGitUrl(repoUrl);
  let anyMatched = false;
  for (const pattern of patterns) {
    const normalized = isDenyPattern(pattern) ? `!${argoNormalizeGitUrl(pattern.slice(1))}` : argoNormalizeGitUrl(pattern);
    if (globMatch(normalized, source, true, '/')) anyMatched = true;
    else if (isDenyPattern(normalized)) return false;
  }
  return anyMatched;
}

/** A kind in an AppProject allow or deny list (globs allowed in every field). */
export interface ResourcePattern {
  readonly group: string;
  readonly kind: string;
  readonly name?: string;
}

/** The resource lists of an AppProject spec. */
export interface ResourceLists {
  readonly clusterResourceWhitelist?: ResourcePattern[];
  readonly clusterResourceBlacklist?: ResourcePattern[];
  readonly namespaceResourceWhitelist?: ResourcePattern[];
  readonly namespaceResourceBlacklist?: ResourcePattern[];
}

/** `isResourceInList` (namespaced lists: group and kind) and `isNamedResourceInList` (cluster lists: and name). */
function inList(list: ResourcePattern[], group: string, kind: string, name: string | undefined): boolean {
  return list.some(item => goPathMatch(item.kind ?? '', kind) && goPathMatch(item.group ?? '', group)
    && (name === undefined || !item.name || goPathMatch(item.name, name)));
}

/**
 * Argo CD v3.5.1 `AppProject.IsGroupKindNamePermitted`. A namespaced kind is allowed unless the allow list is set
 * and misses it (set but empty misses everything) or the deny list has it; entries match group and kind only (the
 * namespaced lists are `metav1.GroupKind`, without names). A cluster-scoped kind is allowed only if the cluster
 * allow list has it and the deny list does not; there an entry's `name` (when not empty) must match the object's.
 * Every field is a Go `filepath.Match` pattern (`*`, `?`, `[a-z]`, `[^a]`; no `**`, no `{a,b}`); a malformed one
 * matches nothing.
 */
export function isResourcePermitted(lists: ResourceLists, group: string, kind: string, name: string, namespaced: boolean): boolean {
  if (namespaced) {
    const allow = lists.namespaceResourceWhitelist;
    const deny = lists.namespaceResourceBlacklist ?? [];
    const allowed = allow ? allow.length > 0 && inList(allow, group, kind, undefined) : true;
    return allowed && !inList(deny, group, kind, undefined);
  }
  const allow = lists.clusterResourceWhitelist ?? [];
  const deny = lists.clusterResourceBlacklist ?? [];
  return allow.length > 0 && inList(allow, group, kind, name) && !inList(deny, group, kind, name);
}

/** One `destinationServiceAccounts` entry of an AppProject, as written in the spec. */
export interface DestinationServiceAccountEntry {
  readonly server?: string;
  readonly namespace?: string;
  readonly defaultServiceAccount?: string;
}

/** The characters a `defaultServiceAccount` must not hold (util/settings `serviceAccountDisallowedCharSet`). */
export const SERVICE_ACCOUNT_DISALLOWED = /[!*[\]{}\\/]/;

/**
 * Argo CD v3.5.1 `settings.DeriveServiceAccountToImpersonate` (util/settings/impersonation.go): the user the
 * controller impersonates to sync an Application to `server` and `namespace` (its destination namespace, '' when it
 * has none; then the account's namespace is `appNamespace`, the Application's own). The first entry whose server
 * and namespace globs both match wins (util/glob `MatchWithError`: a pattern that does not compile is an error);
 * `user` is `system:serviceaccount:<namespace>:<name>`, or '' when no entry matches.
 */
export function serviceAccountToImpersonate(
  entries: readonly DestinationServiceAccountEntry[], server: string, namespace: string, appNamespace: string,
): { readonly user: string } | { readonly error: string } {
  const accountNamespace = namespace === '' ? appNamespace : namespace;
  for (const item of entries) {
    const serverPattern = item.server ?? '';
    const namespacePattern = item.namespace ?? '';
    if (!gobwasCompiles(serverPattern)) return { error: `invalid glob pattern for destination server: '${serverPattern}' does not compile` };
    const serverMatched = gobwasMatch(serverPattern, server);
    if (!gobwasCompiles(namespacePattern)) return { error: `invalid glob pattern for destination namespace: '${namespacePattern}' does not compile` };
    if (serverMatched && gobwasMatch(namespacePattern, namespace)) {
      const account = item.defaultServiceAccount ?? '';
      if (account.replace(/^ +| +$/g, '') === '' || SERVICE_ACCOUNT_DISALLOWED.test(account)) return { error: `default service account contains invalid chars '${account}'` };
      return { user: account.includes(':') ? `system:serviceaccount:${account}` : `system:serviceaccount:${accountNamespace}:${account}` };
    }
  }
  return { user: '' };
}
