/**
 * Go's regexp package on re2js, a pure-JavaScript port of RE2 (via RE2/J, itself a port of Go's regexp):
 * RE2 syntax, linear-time matching (no catastrophic backtracking: `^(a+)+$` on a long string stays fast),
 * and Go's parser errors ("error parsing regexp: invalid or unsupported Perl syntax: `(?=`"); backreferences
 * and lookaround are rejected as RE2 rejects them. The search loops (FindAll, ReplaceAll, Split) and the
 * `$1`/`${name}` template expansion are ported from go/src/regexp/regexp.go.
 */
import { RE2JS } from 're2js';
import { quote } from './fmt';

/** A syntax error, with Go's message (`error parsing regexp: …`). */
export class RegexpSyntaxError extends Error {}

/** The RE2 engine object re2js keeps behind `RE2JS#re2()` (Go-style API on UTF-16 strings). */
interface Re2 {
  numSubexp: number;
  namedGroups: Record<string, number>;
  findIndex(s: string): number[] | null;
  findAllIndex(s: string, n: number): number[][] | null;
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  match(s: string): boolean;
}

/** A compiled Go regular expression. */
export class GoRegexp {
  public constructor(public readonly expr: string, private readonly re: Re2) {}

  public matchString(s: string): boolean {
    return this.re.match(s);
  }

  /** FindString: the leftmost match, or "" when there is none. */
  public findString(s: string): string {
    const loc = this.re.findIndex(s);
    return loc ? s.slice(loc[0], loc[1]) : '';
  }

  /** FindAllString: up to n successive matches (all when n < 0); undefined (Go's nil) when none. */
  public findAllString(s: string, n: number): string[] | undefined {
    if (n === 0) return undefined;
    const all = this.re.findAllIndex(s, n < 0 ? s.length + 1 : n);
    if (!all || all.length === 0) return undefined;
    return all.map(([a, b]) => s.slice(a, b));
  }

  /** ReplaceAllString: `$1`, `${1}`, `$name`, `${name}` and `$$` in `repl` expand as Go's Expand does. */
  public replaceAllString(src: string, repl: string): string {
    return this.replaceAll(src, m => expand(repl, src, m, this.re.namedGroups));
  }

  /** ReplaceAllLiteralString. */
  public replaceAllLiteralString(src: string, repl: string): string {
    return this.replaceAll(src, () => repl);
  }

  /**
   * Go's replaceAll loop: an empty match right after a previous match is not replaced. Its matches are
   * those of FindAll (same rule for empty matches), so re2js's allMatches gives them.
   */
  private replaceAll(src: string, replacement: (m: number[]) => string): string {
    const matches = this.re.findAllSubmatchIndex(src, src.length + 1) ?? [];
    let out = '';
    let last = 0;
    for (const m of matches) {
      out += src.slice(last, m[0]) + replacement(m);
      last = m[1];
    }
    return out + src.slice(last);
  }

  /** Split(s, n). */
  public split(s: string, n: number): string[] | undefined {
    if (n === 0) return undefined;
    if (this.expr.length > 0 && s.length === 0) return [''];
    const matches = this.re.findAllIndex(s, n < 0 ? s.length + 1 : n) ?? [];
    const out: string[] = [];
    let beg = 0;
    let end = 0;
    for (const m of matches) {
      if (n > 0 && out.length === n - 1) break;
      end = m[0];
      if (m[1] !== 0) out.push(s.slice(beg, end));
      beg = m[1];
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  }
}

const cache = new Map<string, GoRegexp | RegexpSyntaxError>();
const CACHE_SIZE = 1000;

/** regexp.Compile; throws `RegexpSyntaxError` with Go's message. */
export function compileRegexp(expr: string): GoRegexp {
  let r = cache.get(expr);
  if (r === undefined) {
    try {
      r = new GoRegexp(expr, RE2JS.compile(expr).re2() as unknown as Re2);
    } catch (e) {
      r = new RegexpSyntaxError((e as Error).message);
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(expr, r);
  }
  if (r instanceof RegexpSyntaxError) throw r;
  return r;
}

/** regexp.MustCompile's panic message for an invalid expression. */
export function mustCompileMessage(expr: string, err: Error): string {
  const q = /^[^`\x00-\x08\x0a-\x1f\x7f\ufeff\ufffd]*$/.test(expr) ? '`' + expr + '`' : quote(expr);
  return `regexp: Compile(${q}): ${err.message}`;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Go's Regexp.expand for a replacement template, against one match's submatch indexes. */
function expand(template: string, src: string, match: number[], named: Record<string, number>): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i);
    if (t.length > 1 && t[1] === '$') {
      out += '$';
      t = t.slice(2);
      continue;
    }
    const ext = extract(t);
    if (!ext) {
      // Malformed: treat $ as raw text.
      out += '$';
      t = t.slice(1);
      continue;
    }
    t = ext.rest;
    let idx = -1;
    if (ext.num >= 0) idx = ext.num;
    else if (Object.prototype.hasOwnProperty.call(named, ext.name)) idx = named[ext.name];
    if (idx >= 0 && 2 * idx + 1 < match.length && match[2 * idx] >= 0) out += src.slice(match[2 * idx], match[2 * idx + 1]);
  }
  return out + t;
}

/** Go's extract: a name or number after `$` (braced or not). */
function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str.length < 2 || str[0] !== '$') return undefined;
  let brace = false;
  let s = str.slice(1);
  if (s[0] === '{') {
    brace = true;
    s = s.slice(1);
  }
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    if (!/^[\p{L}\p{Nd}_]$/u.test(String.fromCodePoint(cp))) break;
    i += cp > 0xffff ? 2 : 1;
  }
  if (i === 0) return undefined; // empty name is not okay
  const name = s.slice(0, i);
  if (brace) {
    if (i >= s.length || s[i] !== '}') return undefined; // missing closing brace
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    if (name[k] < '0' || name[k] > '9' || num >= 1e8) { num = -1; break; }
    num = num * 10 + Number(name[k]);
  }
  if (name[0] === '0' && name.length > 1) num = -1; // disallow leading zeros
  return { name, num, rest: s.slice(i) };
}
