/**
 * Argo CD's glob matching for AppProject `sourceRepos` and `destinations` (gobwas/glob semantics):
 * `*` matches any run of characters except a separator, `**` any run at all, `?` one character,
 * `[abc]`/`[!abc]` a class, `{a,b}` alternatives. A leading `!` marks a deny pattern.
 */

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string, separator?: string): RegExp {
  const key = `${separator ?? ''}\u0000${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const any = separator ? `[^${escape(separator)}]` : '[\\s\\S]';
  let out = '';
  let inAlternatives = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') { out += '[\\s\\S]*'; i++; } else { out += `${any}*`; }
    } else if (c === '?') {
      out += any;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { out += '\\['; continue; }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, m => `\\${m}`)}]`;
      i = end;
    } else if (c === '{') {
      inAlternatives++; out += '(?:';
    } else if (c === '}' && inAlternatives > 0) {
      inAlternatives--; out += ')';
    } else if (c === ',' && inAlternatives > 0) {
      out += '|';
    } else if (c === '\\' && i + 1 < pattern.length) {
      out += escape(pattern[++i]);
    } else {
      out += escape(c);
    }
  }
  const re = new RegExp(`^${out}$`);
  cache.set(key, re);
  return re;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, m => `\\${m}`);
}

export function isDenyPattern(pattern: string): boolean {
  return pattern.startsWith('!');
}

/** `globMatch(pattern, value, allowNegation, separators...)` from Argo CD's app_project_types.go. */
export function globMatch(pattern: string, value: string, allowNegation: boolean, separator?: string): boolean {
  if (allowNegation && isDenyPattern(pattern)) return !globMatch(pattern.slice(1), value, false, separator);
  if (pattern === '*') return true;
  // Most patterns are literal names (a cluster, a namespace): compare them without building a regular expression.
  if (!GLOB_META.test(pattern)) return pattern === value;
  return toRegExp(pattern, separator).test(value);
}

const GLOB_META = /[*?[\]{}\\]/;

/** A close approximation of Argo CD's git.NormalizeGitURL for https and scp-like URLs. */
export function normalizeGitUrl(url: string): string {
  let u = url.trim().toLowerCase();
  const scp = /^([a-z0-9._-]+@)?([a-z0-9.-]+):(?!\/\/)(.*)$/.exec(u);
  if (scp && !u.includes('://')) u = `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  u = u.replace(/\/+$/, '').replace(/\.git$/, '');
  return u;
}
