import { globMatch, isDenyPattern, normalizeGitUrl } from './glob';

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
 * Argo CD v3.5.1 `AppProject.isDestinationMatched` (pkg/apis/application/v1alpha1/app_project_types.go):
 * some destination matches (server OR name, AND namespace), and no deny pattern ('!…') excludes it.
 */
export function isDestinationMatched(patterns: DestinationPattern[], dst: Destination): boolean {
  let anyMatched = false;
  let noDenyMatched = true;
  for (const item of patterns) {
    const nameMatched = !!dst.name && globMatch(item.name ?? '', dst.name, true);
    const serverMatched = !!dst.server && globMatch(item.server ?? '', dst.server, true);
    const namespaceMatched = globMatch(item.namespace ?? '', dst.namespace, true);
    if ((serverMatched || nameMatched) && namespaceMatched) {
      anyMatched = true;
    } else if ((!nameMatched && isDenyPattern(item.name ?? '')) || (!serverMatched && isDenyPattern(item.server ?? ''))
      || (!namespaceMatched && isDenyPattern(item.namespace ?? ''))) {
      noDenyMatched = false;
    }
  }
  return anyMatched && noDenyMatched;
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
 * Argo CD v3.5.1 `AppProject.IsSourcePermitted`: repository URLs are normalized and matched as globs with
 * '/' as separator; any allow must match and no deny ('!…') may exclude.
 */
export function isSourcePermitted(patterns: string[], repoUrl: string): boolean {
  const source = normalizeGitUrl(repoUrl);
  let anyMatched = false;
  for (const pattern of patterns) {
    const normalized = isDenyPattern(pattern) ? `!${normalizeGitUrl(pattern.slice(1))}` : normalizeGitUrl(pattern);
    const matched = globMatch(normalized, source, true, '/');
    if (matched) anyMatched = true;
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

function inList(list: ResourcePattern[], group: string, kind: string, name: string): boolean {
  return list.some(item => globMatch(item.group, group, false) && globMatch(item.kind, kind, false)
    && (item.name === undefined || item.name === '' || globMatch(item.name, name, false)));
}

/**
 * Argo CD v3.5.1 `AppProject.IsGroupKindNamePermitted`: a namespaced kind is allowed unless the allow list
 * is set and misses it, or the deny list has it; a cluster-scoped kind only if the cluster allow list has it
 * and the deny list does not (an empty allow list permits no cluster-scoped resource at all).
 */
export function isResourcePermitted(lists: ResourceLists, group: string, kind: string, name: string, namespaced: boolean): boolean {
  if (namespaced) {
    const allow = lists.namespaceResourceWhitelist;
    const deny = lists.namespaceResourceBlacklist ?? [];
    const allowed = allow === undefined || (allow.length > 0 && inList(allow, group, kind, name));
    return allowed && !inList(deny, group, kind, name);
  }
  const allow = lists.clusterResourceWhitelist ?? [];
  const deny = lists.clusterResourceBlacklist ?? [];
  return allow.length > 0 && inList(allow, group, kind, name) && !inList(deny, group, kind, name);
}
