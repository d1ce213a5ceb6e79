/**
 * Argo CD v3.5.1 util/git `NormalizeGitURL`, the form in which AppProject `sourceRepos` patterns and Application
 * repository URLs are compared (`AppProject.IsSourcePermitted`): trimmed and lower-cased; an SSH URL without
 * `ssh://` gets its first ':' replaced by '/' and the prefix added; one trailing `.git` removed; then parsed and
 * printed again by Go's net/url (which percent-escapes what a path may not hold, e.g. `{` → `%7B`), and `ssh://`
 * removed. A URL Go cannot parse (a non-numeric port such as `ssh://git@host:org/repo`, a control character, a bad
 * `%` escape, an invalid host character) normalizes to the empty string, as upstream: all such URLs then compare
 * equal. Checked against Go's net/url on generated URLs; IPv6 zone identifiers are not special-cased.
 */

const SSH_URL = /^(ssh:\/\/)?([^/:]*?)@[^@]+$/;

export function argoNormalizeGitUrl(repo: string): string {
  // A fleet asks about the same few URLs for every project and ApplicationSet: remembered (bounded).
  let normalized = NORMALIZED.get(repo);
  if (normalized === undefined) {
    if (NORMALIZED.size >= MAX_REMEMBERED) NORMALIZED.clear();
    NORMALIZED.set(repo, normalized = normalizeUncached(repo));
  }
  return normalized;
}

const NORMALIZED = new Map<string, string>();
const MAX_REMEMBERED = 4096;

function normalizeUncached(repo: string): string {
  let u = goLower(goTrimSpace(repo));
  if (SSH_URL.test(u) && !u.startsWith('ssh://')) {
    u = u.replace(':', '/');
    if (!u.startsWith('ssh://')) u = `ssh://${u}`;
  }
  if (u.endsWith('.git')) u = u.slice(0, -4);
  const printed = goUrlRoundTrip(u);
  if (printed === undefined) return '';
  return printed.startsWith('ssh://') ? printed.slice(6) : printed;
}

/** Go's `url.Parse(s)` followed by `(*URL).String()`, or undefined where Parse fails. */
function goUrlRoundTrip(raw: string): string | undefined {
  const hash = raw.indexOf('#');
  const fragment = hash < 0 ? undefined : raw.slice(hash + 1);
  let rest = hash < 0 ? raw : raw.slice(0, hash);
  if (/[\u0000-\u001f\u007f]/.test(rest)) return undefined; // "invalid control character in URL"
  let fragmentOut = '';
  if (fragment !== undefined) {
    const f = unescape(fragment, 'fragment');
    if (f === undefined) return undefined;
    fragmentOut = f === '' ? '' : `#${validEncoded(fragment, 'fragment') && unescape(fragment, 'fragment') === f ? fragment : escape(f, 'fragment')}`;
  }
  if (rest === '*') return `*${fragmentOut}`;
  let scheme = '';
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1].toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) {
    return undefined; // "missing protocol scheme"
  }
  let query = '';
  let forceQuery = false;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    forceQuery = true; rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) { query = rest.slice(q + 1); rest = rest.slice(0, q); }
  }
  const tail = `${forceQuery || query ? `?${query}` : ''}${fragmentOut}`;
  if (!rest.startsWith('/')) {
    if (scheme) return `${scheme}:${rest}${tail}`; // opaque
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) return undefined; // "first path segment in URL cannot contain colon"
  }
  let user: string | undefined;
  let host = '';
  let hasAuthority = false;
  if ((scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    hasAuthority = true;
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    const h = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (h === undefined) return undefined;
    host = h;
    if (at >= 0) {
      const info = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(info)) return undefined; // "invalid userinfo"
      const colon = info.indexOf(':');
      const name = unescape(colon < 0 ? info : info.slice(0, colon), 'userinfo');
      const password = colon < 0 ? undefined : unescape(info.slice(colon + 1), 'userinfo');
      if (name === undefined || (colon >= 0 && password === undefined)) return undefined;
      user = escape(name, 'userinfo') + (password === undefined ? '' : `:${escape(password, 'userinfo')}`);
    }
  }
  const path = unescape(rest, 'path');
  if (path === undefined) return undefined;
  const escapedPath = validEncoded(rest, 'path') && rest !== escape(path, 'path') ? rest : escape(path, 'path');
  let out = scheme ? `${scheme}:` : '';
  if (scheme || host || user !== undefined) {
    const omitHost = !hasAuthority && scheme !== '' && rest.startsWith('/');
    if (!(omitHost && host === '' && user === undefined)) {
      if (host || path || user !== undefined) out += '//';
      if (user !== undefined) out += `${user}@`;
      out += escape(host, 'host');
    }
  }
  if (escapedPath && !escapedPath.startsWith('/') && host) out += '/';
  if (out === '') {
    const slash = escapedPath.indexOf('/');
    if ((slash < 0 ? escapedPath : escapedPath.slice(0, slash)).includes(':')) out += './';
  }
  return out + escapedPath + tail;
}

type Mode = 'path' | 'host' | 'userinfo' | 'fragment';

function parseHost(host: string): string | undefined {
  if (host.startsWith('[')) {
    // An IP literal: "[fe80::1]:80". Zone identifiers (`%25…`) are held to the host's escaping rules here.
    const close = host.lastIndexOf(']');
    if (close < 0 || !/^(:[0-9]*)?$/.test(host.slice(close + 1))) return undefined; // "missing ']'" / "invalid port"
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !/^:[0-9]*$/.test(host.slice(colon))) return undefined; // "invalid port after host"
  }
  return unescape(host, 'host');
}

/** Go's url `shouldEscape` for one byte. */
function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if (mode === 'host' && "!$&'()*+,;=:[]<>\"".includes(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    if (mode === 'path') return ch === '?';
    if (mode === 'userinfo') return ch === '@' || ch === '/' || ch === '?' || ch === ':';
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += shouldEscape(b, mode) ? `%${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** Go's url `unescape`, or undefined for a bad `%` escape or (in a host) a character that needs escaping. */
function unescape(s: string, mode: Mode): string | undefined {
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i];
    if (b === 0x25) {
      const hex = src.slice(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      if (mode === 'host' && parseInt(hex[0], 16) < 8 && hex !== '25') return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      if (mode === 'host' && b < 0x80 && shouldEscape(b, mode)) return undefined;
      bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function validEncoded(s: string, mode: Mode): boolean {
  for (const b of Buffer.from(s, 'utf8')) {
    if ("!$&'()*+,;=:@[]%".includes(String.fromCharCode(b))) continue;
    if (shouldEscape(b, mode)) return false;
  }
  return true;
}

/** Go's strings.TrimSpace (Unicode White_Space; unlike String.prototype.trim, not U+FEFF). */
function goTrimSpace(s: string): string {
  return s.replace(/^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g, '');
}

/** Go's strings.ToLower: one code point to one code point (JavaScript expands U+0130 to two). */
function goLower(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += [...lower].length === 1 ? lower : ch === '\u0130' ? 'i' : ch;
  }
  return out;
}
