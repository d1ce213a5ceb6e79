/**
 * The two glob dialects Argo CD v3.5.1 uses in AppProjects, matched exactly:
 *
 * - `globMatch`: Argo CD's util/glob `Match`, i.e. github.com/gobwas/glob v0.2.3 (sourceRepos, destinations, sync
 *   windows, directory include/exclude). `*` matches any run of non-separator characters, `**` any run at all,
 *   `?` one non-separator character, `[abc]`/`[!abc]` one listed (or unlisted) character, `[a-z]`/`[!a-z]` one
 *   character in (or out of) a single range, `{a,b}` alternatives (an unclosed `{` closes at the end), `\c` the
 *   character c. A pattern that does not compile (`[`, `[]`, `[a-zA-Z]`, `[z-a]` …) matches nothing.
 * - `goPathMatch`: Go's `filepath.Match` (the AppProject resource allow and deny lists): `*`, `?`, `[abc]`,
 *   `[^a-z]` (several ranges allowed, `^` negates), `\c`; no `**` and no alternatives; `*` and `?` never match '/'.
 *   A malformed pattern matches nothing, whatever the value.
 *
 * Both are compiled to a node list and matched by advancing a set of positions through the value (code points,
 * as Go reads runes), so no pattern can make matching slower than pattern length × value length.
 */

/** The longest pattern compiled; longer patterns match nothing (they are user input, and compiled ones are cached). */
export const MAX_GLOB_LENGTH = 4096;

type Node =
  | { readonly t: 'text'; readonly cps: number[] }
  | { readonly t: 'any' }
  | { readonly t: 'super' }
  | { readonly t: 'single' }
  | { readonly t: 'class'; readonly not: boolean; readonly test: (cp: number) => boolean }
  | { readonly t: 'alt'; readonly alts: Node[][] };

const EOF = 0;

/** Compiles a gobwas/glob v0.2.3 pattern, or returns undefined where `glob.Compile` returns an error. */
function compileGobwas(pattern: string): Node[] | undefined {
  const src = codePoints(pattern);
  let pos = 0;
  let terms = 0;
  // gobwas reads rune 0 as the end of input; a NUL inside the pattern behaves as the lexer makes it behave.
  const peek = () => (pos < src.length ? src[pos] : EOF);
  const read = () => { const r = peek(); if (pos < src.length) pos++; return r; };
  const readText = (breakers: string): number[] => {
    const out: number[] = [];
    let escaped = false;
    for (;;) {
      const at = pos;
      const r = read();
      if (r === EOF) break;
      if (!escaped) {
        if (r === 0x5c) { escaped = true; continue; }
        if (breakers.includes(String.fromCodePoint(r))) { pos = at; break; }
      }
      escaped = false;
      out.push(r);
    }
    return out;
  };

  const root: Node[] = [];
  // The stack of open alternatives: each frame holds the alternatives so far and the sequence being filled.
  const stack: { alts: Node[][]; parent: Node[] }[] = [];
  let seq = root;
  for (;;) {
    const r = read();
    if (r === EOF) return root;
    const c = String.fromCodePoint(r);
    if (c === '{') {
      terms++;
      const frame = { alts: [[]] as Node[][], parent: seq };
      seq.push({ t: 'alt', alts: frame.alts });
      stack.push(frame);
      seq = frame.alts[0];
    } else if (c === ',' && terms > 0) {
      const frame = stack[stack.length - 1];
      seq = [];
      frame.alts.push(seq);
    } else if (c === '}' && terms > 0) {
      terms--;
      seq = stack.pop()!.parent;
    } else if (c === '[') {
      const cls = readGobwasClass();
      if (!cls) return undefined;
      seq.push(cls);
    } else if (c === '?') {
      seq.push({ t: 'single' });
    } else if (c === '*') {
      if (peek() === 0x2a) { pos++; seq.push({ t: 'super' }); } else { seq.push({ t: 'any' }); }
    } else {
      pos--;
      const text = readText(terms > 0 ? '?*[{},' : '?*[{');
      if (text.length) seq.push({ t: 'text', cps: text });
    }
  }

  function readGobwasClass(): Node | undefined {
    let not = false;
    let lo = 0;
    let hi = 0;
    let chars: number[] = [];
    let wantHi = false;
    let wantClose = false;
    for (;;) {
      const r = read();
      if (r === EOF) return undefined; // "unexpected end of input"
      if (wantClose) {
        if (r !== 0x5d) return undefined; // "expected close range character"
        break;
      }
      if (wantHi) {
        hi = r;
        if (hi < lo) return undefined; // "hi character should be greater than lo"
        wantClose = true;
        continue;
      }
      if (!not && r === 0x21) { not = true; continue; }
      if (peek() === 0x2d) { pos++; lo = r; wantHi = true; continue; }
      pos--;
      chars = readText(']');
      wantClose = true;
    }
    const isRange = lo !== 0 && hi !== 0;
    if ((chars.length > 0) === isRange) return undefined; // "could not parse range"
    const test = isRange ? (cp: number) => cp >= lo && cp <= hi : (cp: number) => chars.includes(cp);
    return { t: 'class', not, test };
  }
}

/** Compiles a Go `filepath.Match` pattern, or returns undefined where Go reports `ErrBadPattern`. */
function compileGoPath(pattern: string): Node[] | undefined {
  const src = codePoints(pattern);
  const out: Node[] = [];
  let i = 0;
  const escaped = (): number | undefined => {
    // A class member: '\c' is c; '-' and ']' must be escaped; the pattern may not end inside it.
    if (i >= src.length || src[i] === 0x2d || src[i] === 0x5d) return undefined;
    if (src[i] === 0x5c) { i++; if (i >= src.length) return undefined; }
    return src[i++];
  };
  while (i < src.length) {
    const c = src[i++];
    if (c === 0x2a) {
      out.push({ t: 'any' });
    } else if (c === 0x3f) {
      out.push({ t: 'single' });
    } else if (c === 0x5b) {
      let not = false;
      if (src[i] === 0x5e) { not = true; i++; }
      const ranges: [number, number][] = [];
      for (;;) {
        if (i < src.length && src[i] === 0x5d && ranges.length > 0) { i++; break; }
        const lo = escaped();
        if (lo === undefined) return undefined;
        let hi = lo;
        if (src[i] === 0x2d) {
          i++;
          const h = escaped();
          if (h === undefined) return undefined;
          hi = h;
        }
        ranges.push([lo, hi]);
      }
      out.push({ t: 'class', not, test: cp => ranges.some(([l, h]) => l <= cp && cp <= h) });
    } else if (c === 0x5c) {
      if (i >= src.length) return undefined;
      out.push({ t: 'text', cps: [src[i++]] });
    } else {
      out.push({ t: 'text', cps: [c] });
    }
  }
  return out;
}

/** The positions of `value` reachable after matching `nodes` from any of `from`. */
function advance(nodes: Node[], value: number[], from: Set<number>, separators: number[]): Set<number> {
  let at = from;
  for (const node of nodes) {
    if (at.size === 0) return at;
    const next = new Set<number>();
    switch (node.t) {
      case 'text':
        for (const p of at) if (startsWith(value, node.cps, p)) next.add(p + node.cps.length);
        break;
      case 'single':
        for (const p of at) if (p < value.length && !separators.includes(value[p])) next.add(p + 1);
        break;
      case 'class':
        for (const p of at) if (p < value.length && node.test(value[p]) !== node.not) next.add(p + 1);
        break;
      case 'super': {
        const min = Math.min(...at);
        for (let p = min; p <= value.length; p++) next.add(p);
        break;
      }
      case 'any':
        for (const p of [...at].sort((a, b) => a - b)) {
          if (next.has(p)) continue;
          next.add(p);
          for (let q = p; q < value.length && !separators.includes(value[q]); q++) next.add(q + 1);
        }
        break;
      case 'alt':
        for (const alt of node.alts) {
          const ps = prefixSuffix(alt, separators);
          if (!ps) {
            for (const p of advance(alt, value, at, separators)) next.add(p);
            continue;
          }
          for (const p of at) {
            if (!startsWith(value, ps.prefix, p)) continue;
            for (let q = p + Math.max(ps.prefix.length, ps.suffix.length); q <= value.length; q++) {
              if (startsWith(value, ps.suffix, q - ps.suffix.length)) next.add(q);
            }
          }
        }
        break;
    }
    at = next;
  }
  return at;
}

const gobwasCache = new Map<string, Node[] | null>();
const goPathCache = new Map<string, Node[] | null>();
const MAX_CACHED = 10_000;

function compiled(cache: Map<string, Node[] | null>, pattern: string, compile: (p: string) => Node[] | undefined): Node[] | undefined {
  let nodes = cache.get(pattern);
  if (nodes === undefined) {
    nodes = pattern.length > MAX_GLOB_LENGTH ? null : (compile(pattern) ?? null);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(pattern, nodes);
  }
  return nodes ?? undefined;
}

function matches(nodes: Node[], value: string, separators: number[]): boolean {
  const cps = codePoints(value);
  const ps = prefixSuffix(nodes, separators);
  if (ps) return startsWith(cps, ps.prefix, 0) && startsWith(cps, ps.suffix, cps.length - ps.suffix.length);
  return advance(nodes, cps, new Set([0]), separators).has(cps.length);
}

/**
 * gobwas/glob compiles `<text>*<text>` (with `**`, or `*` without separators) to match.PrefixSuffix, which only
 * checks that the value starts with one and ends with the other: they may overlap, so `team-*-prod` matches
 * `team-prod` and `a*a` matches `a`. This applies to the whole pattern and to each alternative of `{…}`.
 */
function prefixSuffix(seq: Node[], separators: number[]): { prefix: number[]; suffix: number[] } | undefined {
  if (seq.length !== 3) return undefined;
  const [a, b, c] = seq;
  if (a.t !== 'text' || c.t !== 'text') return undefined;
  if (b.t === 'super' || (b.t === 'any' && separators.length === 0)) return { prefix: a.cps, suffix: c.cps };
  return undefined;
}

function startsWith(value: number[], part: number[], at: number): boolean {
  return at >= 0 && at + part.length <= value.length && part.every((cp, k) => value[at + k] === cp);
}

/**
 * Two quirks of gobwas/glob v0.2.3's compiled matchers that its syntax does not predict (checked against the
 * library itself): a lone `?` (alone, or as a lone alternative) also matches the empty string (match.Single reads
 * no rune and finds no separator), and an alternation with only empty alternatives (`{}`, `{,}`, a trailing
 * unclosed `{`) next to anything else matches nothing (its match.Nothing fails or panics inside the tree).
 * Not reproduced: the remaining corners of gobwas's tree optimizer around empty alternatives next to `*`, and
 * `***` with separators (gobwas matches less than the syntax says, or panics).
 */
function gobwasQuirk(nodes: Node[], value: string): boolean | undefined {
  const allEmpty = (n: Node): boolean => n.t === 'alt' && n.alts.every(a => a.every(allEmpty));
  const starsAfterEmpty = nodes.length > 0 && allEmpty(nodes[0]) && nodes.every(n => allEmpty(n) || n.t === 'any' || n.t === 'super');
  if (nodes.length > 1 && nodes.some(allEmpty) && !starsAfterEmpty) return false;
  const loneSingle = (seq: Node[]): boolean => seq.length === 1
    && (seq[0].t === 'single' || (seq[0].t === 'alt' && seq[0].alts.some(loneSingle)));
  if (value === '' && loneSingle(nodes)) return true;
  return undefined;
}

/** Whether `pattern` denies (starts with '!'). */
export function isDenyPattern(pattern: string): boolean {
  return pattern.startsWith('!');
}

/**
 * Argo CD's `globMatch(pattern, value, allowNegation, separators...)` (app_project_types.go): with
 * `allowNegation`, a leading '!' inverts the match of the rest; `*` matches everything; otherwise util/glob
 * `Match` (a pattern that does not compile matches nothing).
 */
export function globMatch(pattern: string, value: string, allowNegation: boolean, separator?: string): boolean {
  if (allowNegation && isDenyPattern(pattern)) return !gobwasMatch(pattern.slice(1), value, separator);
  if (pattern === '*') return true;
  return gobwasMatch(pattern, value, separator);
}

/** Argo CD's util/glob `Match`: gobwas/glob v0.2.3 with optional separators; false when the pattern does not compile. */
export function gobwasMatch(pattern: string, value: string, separator?: string): boolean {
  // Most patterns are literal names (a cluster, a namespace): compare them without compiling.
  if (!GOBWAS_META.test(pattern)) return pattern === value;
  const nodes = compiled(gobwasCache, pattern, compileGobwas);
  if (nodes === undefined) return false;
  return gobwasQuirk(nodes, value) ?? matches(nodes, value, separator ? codePoints(separator) : []);
}

const GOBWAS_META = /[*?[\]{}\\\u0000]/;

/** Whether gobwas/glob v0.2.3 compiles `pattern` (`glob.Compile` returns no error), as Argo CD's `glob.Compile`. */
export function gobwasCompiles(pattern: string): boolean {
  return !GOBWAS_META.test(pattern) || compileGobwas(pattern) !== undefined;
}

/** Go's `filepath.Match(pattern, name)` on Linux, with a malformed pattern matching nothing. */
export function goPathMatch(pattern: string, name: string): boolean {
  if (!GO_PATH_META.test(pattern)) return pattern === name;
  const nodes = compiled(goPathCache, pattern, compileGoPath);
  return nodes !== undefined && matches(nodes, name, [0x2f]);
}

const GO_PATH_META = /[*?[\\]/;

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

/**
 * A repository URL as this library compares it for identity (is it the fleet's repository?): lower case, no
 * trailing '/' or '.git', scp-like `git@host:path` spelled `ssh://git@host/path`. Argo CD's own comparison for
 * `sourceRepos` is `argoNormalizeGitUrl` (src/private/git-url.ts).
 */
export function normalizeGitUrl(url: string): string {
  let u = url.trim().toLowerCase();
  const scp = /^([a-z0-9._-]+@)?([a-z0-9.-]+):(?!\/\/)(.*)$/.exec(u);
  if (scp && !u.includes('://')) u = `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  u = u.replace(/\/+$/, '').replace(/\.git$/, '');
  return u;
}
