/**
 * Go `regexp` (RE2 syntax) patterns evaluated offline with JavaScript's RegExp. External Secrets (namespace
 * regexes of ClusterSecretStore conditions, `find.name.regexp`, rewrite sources) and SOPS (`encrypted_regex` …)
 * compile their patterns with Go's `regexp.Compile` and match them unanchored (`MatchString`), as RegExp `test`
 * does. RE2 rejects what needs backtracking (lookaround, backreferences), which JavaScript would accept; those are
 * reported as Go reports them. The few RE2-only spellings are translated: leading `(?flags)`, `(?P<name>…)`,
 * `\A`, `\z`, `\Q…\E` and POSIX classes `[[:alpha:]]`.
 */
import { ownValue } from './util';

/** The longest pattern compiled: patterns are user input and the RegExp engine backtracks. */
export const MAX_GO_REGEXP_LENGTH = 4096;

/** A compiled pattern, or why Go (or this translation) rejects it. */
export interface GoRegExp {
  readonly regexp?: RegExp;
  readonly error?: string;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-/:-@[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, GoRegExp>();

/** Compiles `pattern` as Go would; the result is cached (patterns repeat across a fleet). */
export function compileGoRegExp(pattern: string): GoRegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const result = translate(pattern);
  if (cache.size < 10_000) cache.set(pattern, result);
  return result;
}

function translate(pattern: string): GoRegExp {
  if (typeof pattern !== 'string') return { error: 'must be a string' };
  if (pattern.length > MAX_GO_REGEXP_LENGTH) return { error: `is longer than ${MAX_GO_REGEXP_LENGTH} characters` };
  let flags = '';
  let source = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    if (leading[1].includes('U')) return { error: 'uses the ungreedy flag (?U), which cannot be evaluated offline' };
    flags = [...new Set(leading[1].split(''))].join('');
    source = source.slice(leading[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined) return { error: 'error parsing regexp: trailing backslash at end of expression: ``' };
      if (n === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const literal = end < 0 ? source.slice(i + 2) : source.slice(i + 2, end);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? source.length : end + 1;
        continue;
      }
      if (!inClass && n === 'A') { out += '^'; i++; continue; }
      if (!inClass && n === 'z') { out += '$(?![\\s\\S])'; i++; continue; }
      if (/[1-9]/.test(n)) return { error: `error parsing regexp: invalid escape sequence: \`\\${n}\`` };
      if (n === 'p' || n === 'P') unicode = true;
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && source[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(source.slice(i));
        if (m) {
          const cls = ownValue(POSIX_CLASSES, m[2]);
          if (!cls) return { error: `error parsing regexp: invalid character class range: \`${m[0]}\`` };
          if (m[1]) return { error: `negated POSIX class ${m[0]} cannot be evaluated offline` };
          out += cls;
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (source[i + 1] === '^') { out += '^'; i++; }
      if (source[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) return { error: 'error parsing regexp: invalid or unsupported Perl syntax: `(?' + rest.slice(0, rest[0] === '<' ? 2 : 1) + '`' };
      if (rest.startsWith('>')) return { error: 'error parsing regexp: invalid or unsupported Perl syntax: `(?>`' };
      if (rest.startsWith('P<')) { out += '(?<'; i += 3; continue; }
      if (rest.startsWith(':') || rest.startsWith('<')) { out += '(?'; i++; continue; }
      return { error: `flags inside a pattern (${source.slice(i, i + 6)}…) cannot be evaluated offline; put them at the start` };
    }
    out += c;
  }
  try {
    return { regexp: new RegExp(out, flags + (unicode ? 'u' : '')) };
  } catch (e) {
    return { error: `error parsing regexp: ${(e as Error).message}` };
  }
}
