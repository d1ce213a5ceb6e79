/**
 * How Argo CD's repo server lists a Git checkout for the git generator (argo-cd v3.5.1 util/git/client.go
 * `LsFiles`, reposerver/repository `GetGitDirectories`):
 * - files, by default: `git ls-files --full-name -z -- <pattern>`, i.e. git's pathspec rules (a literal
 *   prefix matches a directory and everything under it; wildcards are git's wildmatch *without* FNM_PATHNAME,
 *   so `*` and `?` match `/` and `**` is just `*`; the `:(glob)`, `:(literal)`, `:(icase)`, `:(exclude)` and
 *   `:/` magic);
 * - files, with `--enable-new-git-file-globbing`: doublestar v4's FilepathGlob over the checkout, which also
 *   matches directories (Argo CD then fails to read them);
 * - directories: a walk of the checkout that skips hidden directories (a name starting with "."), lists no
 *   symlink and no empty directory (Git has none), in the walk's lexical order.
 */
import { DoublestarPatternError, doublestarMatch } from './doublestar';

/** A pattern git or doublestar refuses. */
export class BadGitPatternError extends Error {}

/** Bytewise path order (git's index order, Go's sort.Strings). */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The directories `GetGitDirectories` returns for a checkout holding `files`: every ancestor directory of a
 * file, except hidden ones and everything below them (unless `includeHidden`), in filepath.WalkDir order.
 */
export function gitDirectories(files: Iterable<string>, includeHidden = false): string[] {
  interface Dir { children: Map<string, Dir> }
  const root: Dir = { children: new Map() };
  for (const f of files) {
    const parts = f.split('/');
    let cur = root;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = cur.children.get(parts[i]);
      if (!next) { next = { children: new Map() }; cur.children.set(parts[i], next); }
      cur = next;
    }
  }
  const out: string[] = [];
  const walk = (dir: Dir, prefix: string): void => {
    for (const name of [...dir.children.keys()].sort(comparePaths)) {
      if (!includeHidden && name.startsWith('.')) continue;
      const p = prefix ? `${prefix}/${name}` : name;
      out.push(p);
      walk(dir.children.get(name)!, p);
    }
  };
  walk(root, '');
  return out;
}

// ---- git pathspecs ---------------------------------------------------------------------------------------

interface Pathspec {
  match: string;
  glob: boolean;
  literal: boolean;
  icase: boolean;
  exclude: boolean;
  /** Length of the leading part without wildcards (git's nowildcard_len). */
  nowildcardLen: number;
}

/** Parses one pathspec as `git ls-files -- <spec>` run at the repository root would. */
export function parsePathspec(spec: string): Pathspec {
  let rest = spec;
  let glob = false;
  let literal = false;
  let icase = false;
  let exclude = false;
  if (rest.startsWith(':(')) {
    const end = rest.indexOf(')');
    if (end < 0) throw new BadGitPatternError(`Missing ')' at the end of pathspec magic in '${spec}'`);
    for (const word of rest.slice(2, end).split(',')) {
      switch (word) {
        case 'glob': glob = true; break;
        case 'literal': literal = true; break;
        case 'icase': icase = true; break;
        case 'exclude': exclude = true; break;
        case 'top': case '': break;
        default: throw new BadGitPatternError(`Invalid pathspec magic '${word}' in '${spec}'`);
      }
    }
    rest = rest.slice(end + 1);
  } else if (rest.startsWith(':')) {
    let i = 1;
    for (; i < rest.length; i++) {
      const c = rest[i];
      if (c === '!' || c === '^') {exclude = true;} else if (c === '/') {continue;} else if (c === ':') { i++; break; } else {break;}
    }
    rest = rest.slice(i);
  }
  if (glob && literal) throw new BadGitPatternError(`${spec}: 'literal' and 'glob' are incompatible`);
  const match = normalizePathspec(rest, spec);
  const nowildcardLen = literal ? match.length : simpleLength(match);
  return { match, glob, literal, icase, exclude, nowildcardLen };
}

/** git's prefix_path: "./" and "//" removed, ".." resolved; leaving the repository is an error. */
function normalizePathspec(p: string, spec: string): string {
  const trailingSlash = p.endsWith('/') && p !== '/';
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) throw new BadGitPatternError(`${spec}: '${spec}' is outside repository`);
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  return joined && trailingSlash ? `${joined}/` : joined;
}

function isGlobSpecial(c: string | undefined): boolean {
  return c === '*' || c === '?' || c === '[' || c === '\\';
}

function simpleLength(s: string): number {
  let i = 0;
  while (i < s.length && !isGlobSpecial(s[i])) i++;
  return i;
}

/** Whether `name` (a file path) is selected by a parsed pathspec (git's match_pathspec_item). */
function matchPathspecItem(item: Pathspec, name: string): boolean {
  const match = item.match;
  if (match === '') return true;
  const eq = (a: string, b: string) => (item.icase ? a.toLowerCase() === b.toLowerCase() : a === b);
  const matchLen = match.length;
  if (matchLen <= name.length && eq(match, name.slice(0, matchLen))) {
    if (matchLen === name.length) return true;
    if (match[matchLen - 1] === '/' || name[matchLen] === '/') return true;
  }
  if (item.nowildcardLen < matchLen) {
    const prefix = item.nowildcardLen;
    if (!eq(match.slice(0, prefix), name.slice(0, prefix))) return false;
    return wildmatch(Buffer.from(match.slice(prefix)), Buffer.from(name.slice(prefix)), item.glob, item.icase) === WM_MATCH;
  }
  return false;
}

/**
 * The files `git ls-files --full-name -z -- <spec>` prints for a checkout holding `files` (sorted bytewise, as
 * in the index). An exclude-only spec means "everything but".
 */
export function lsFiles(files: Iterable<string>, spec: string): string[] {
  const item = parsePathspec(spec);
  const out: string[] = [];
  for (const f of files) {
    const m = matchPathspecItem(item, f);
    if (item.exclude ? !m : m) out.push(f);
  }
  return out.sort(comparePaths);
}

const WM_MATCH = 0;
const WM_NOMATCH = 1;
const WM_ABORT_ALL = -1;
const WM_ABORT_TO_STARSTAR = -2;

/** git's wildmatch (wildmatch.c dowild) on bytes; `pathname` is WM_PATHNAME, `icase` WM_CASEFOLD. */
export function wildmatch(p: Uint8Array, text: Uint8Array, pathname: boolean, icase = false): number {
  return dowild(p, 0, text, 0, pathname, icase);
}

const CHAR_CLASSES: Record<string, RegExp> = {
  alnum: /[A-Za-z0-9]/,
  alpha: /[A-Za-z]/,
  blank: /[ \t]/,
  cntrl: /[\x00-\x1f\x7f]/,
  digit: /[0-9]/,
  graph: /[\x21-\x7e]/,
  lower: /[a-z]/,
  print: /[\x20-\x7e]/,
  punct: /[!-/:-@[-`{-~]/,
  space: /[ \t\n\v\f\r]/,
  upper: /[A-Z]/,
  xdigit: /[0-9A-Fa-f]/,
};

const SLASH = 0x2f;
const lower = (c: number): number => (c >= 0x41 && c <= 0x5a ? c + 32 : c);

function dowild(p: Uint8Array, pi0: number, text: Uint8Array, ti0: number, pathname: boolean, icase: boolean): number {
  let pi = pi0;
  let ti = ti0;
  const patternStart = pi0;
  for (; pi < p.length; ti++, pi++) {
    let pCh = p[pi];
    let tCh = ti < text.length ? text[ti] : 0;
    if (tCh === 0 && pCh !== 0x2a) return WM_ABORT_ALL;
    if (icase) { tCh = lower(tCh); pCh = lower(pCh); }
    switch (pCh) {
      case 0x5c: // backslash: literal match with the next character
        pi++;
        pCh = pi < p.length ? p[pi] : 0;
        if (icase) pCh = lower(pCh);
        if (tCh !== pCh) return WM_NOMATCH;
        continue;
      case 0x3f: // ?
        if (pathname && tCh === SLASH) return WM_NOMATCH;
        continue;
      case 0x2a: { // *
        let matchSlash: boolean;
        if (p[++pi] === 0x2a) {
          const prev = pi - 2;
          while (p[++pi] === 0x2a) { /* skip */ }
          if (!pathname) {
            matchSlash = true;
          } else if ((prev < patternStart || p[prev] === SLASH) && (pi >= p.length || p[pi] === SLASH || p[pi] === 0x5c && p[pi + 1] === SLASH)) {
            if (p[pi] === SLASH && dowild(p, pi + 1, text, ti, pathname, icase) === WM_MATCH) return WM_MATCH;
            matchSlash = true;
          } else {
            matchSlash = false;
          }
        } else {
          matchSlash = !pathname;
        }
        if (pi >= p.length) {
          if (!matchSlash && text.subarray(ti).includes(SLASH)) return WM_NOMATCH;
          return WM_MATCH;
        } else if (!matchSlash && p[pi] === SLASH) {
          const slash = text.indexOf(SLASH, ti);
          if (slash < 0) return WM_NOMATCH;
          ti = slash;
          break; // the slash is consumed by the loop
        }
        for (;;) {
          if (ti >= text.length) break;
          tCh = text[ti];
          if (!isGlobSpecial(String.fromCharCode(p[pi]))) {
            const want = icase ? lower(p[pi]) : p[pi];
            while (ti < text.length && (matchSlash || text[ti] !== SLASH)) {
              if ((icase ? lower(text[ti]) : text[ti]) === want) break;
              ti++;
            }
            tCh = ti < text.length ? text[ti] : 0;
            if ((icase ? lower(tCh) : tCh) !== want) return WM_NOMATCH;
          }
          const matched = dowild(p, pi, text, ti, pathname, icase);
          if (matched !== WM_NOMATCH) {
            if (!matchSlash || matched !== WM_ABORT_TO_STARSTAR) return matched;
          } else if (!matchSlash && tCh === SLASH) {
            return WM_ABORT_TO_STARSTAR;
          }
          ti++;
        }
        return WM_ABORT_ALL;
      }
      case 0x5b: { // [
        pCh = p[++pi] ?? 0;
        if (pCh === 0x5e) pCh = 0x21;
        const negated = pCh === 0x21;
        if (negated) pCh = p[++pi] ?? 0;
        let prevCh = 0;
        let matched = false;
        for (;;) {
          if (!pCh) return WM_ABORT_ALL;
          if (pCh === 0x5c) {
            pCh = p[++pi] ?? 0;
            if (!pCh) return WM_ABORT_ALL;
            if (tCh === pCh) matched = true;
          } else if (pCh === 0x2d && prevCh && p[pi + 1] && p[pi + 1] !== 0x5d) {
            pCh = p[++pi];
            if (pCh === 0x5c) {
              pCh = p[++pi] ?? 0;
              if (!pCh) return WM_ABORT_ALL;
            }
            if (tCh <= pCh && tCh >= prevCh) matched = true;
            pCh = 0;
          } else if (pCh === 0x5b && p[pi + 1] === 0x3a) {
            const s = pi + 2;
            let q = s;
            while (q < p.length && p[q] !== 0x5d) q++;
            if (q >= p.length) return WM_ABORT_ALL;
            const len = q - s - 1;
            if (len < 0 || p[q - 1] !== 0x3a) {
              // No ":]": a plain '[' in the set.
              pi = s - 2;
              pCh = 0x5b;
              if (tCh === pCh) matched = true;
            } else {
              pi = q;
              const re = CHAR_CLASSES[Buffer.from(p.subarray(s, s + len)).toString('latin1')];
              if (!re) return WM_ABORT_ALL;
              if (tCh < 0x80 && (re.test(String.fromCharCode(tCh)) || icase && re === CHAR_CLASSES.upper && /[a-z]/.test(String.fromCharCode(tCh)))) matched = true;
              pCh = 0;
            }
          } else if (tCh === pCh) {
            matched = true;
          }
          prevCh = pCh;
          pCh = p[++pi] ?? 0;
          if (pCh === 0x5d) break;
        }
        if (matched === negated || pathname && tCh === SLASH) return WM_NOMATCH;
        continue;
      }
      default:
        if (tCh !== pCh) return WM_NOMATCH;
        continue;
    }
  }
  return ti < text.length ? WM_NOMATCH : WM_MATCH;
}

/**
 * LsFiles with the new globbing: the checkout's paths (files and, when `dirs` are given, directories) that
 * doublestar matches against the cleaned pattern, relative to the root; "" is the root itself (".").
 */
export function globFiles(files: Iterable<string>, dirs: Iterable<string>, pattern: string): string[] {
  const cleaned = cleanRelative(pattern);
  const out: string[] = [];
  if (cleaned === undefined) return out; // outside the repository: ignored, as Argo CD does
  if (cleaned === '.') return ['.'];
  try {
    for (const p of [...files, ...dirs]) if (doublestarMatch(cleaned, p)) out.push(p);
  } catch (e) {
    if (e instanceof DoublestarPatternError) throw new BadGitPatternError(e.message);
    throw e;
  }
  return out.sort(comparePaths);
}

/** filepath.Clean(filepath.Join(root, p)) relative to root, or undefined when it leaves the root. */
function cleanRelative(p: string): string | undefined {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
      continue;
    }
    parts.push(seg);
  }
  return parts.length ? parts.join('/') : '.';
}

export { WM_MATCH, WM_NOMATCH, doublestarMatch };
