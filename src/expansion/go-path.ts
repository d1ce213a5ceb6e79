/* eslint-disable no-bitwise */ // UTF-8 decoding, IEEE 754 bits and base32/base64/adler32 are bit operations by nature
/**
 * Go's `path` package for slash-separated paths, as Argo CD's git generator uses it (`path.Match` for the
 * directory generator, `path.Dir`/`path.Base` for the `path.*` parameters) and sprig exposes it (`base`,
 * `dir`, `clean`, `ext`, `isAbs`). Ported from go/src/path (Go 1.26); every function works on the UTF-8
 * bytes of its arguments, as Go's do.
 */

/** `path.ErrBadPattern`'s message. */
export const ERR_BAD_PATTERN = 'syntax error in pattern';

/** A malformed `path.Match` pattern. */
export class BadPatternError extends Error {
  public constructor() {
    super(ERR_BAD_PATTERN);
  }
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/**
 * Go's `path.Match(pattern, name)`: `*` is any run of non-`/` bytes, `?` one non-`/` character, `[...]` a
 * class (`^` negates, `\\` escapes, `lo-hi` ranges), `\\c` the character c. The whole name must match.
 * Throws `BadPatternError` where Go returns `ErrBadPattern` (which it may do only after part of the name
 * matched: the check is lazy, exactly as in Go).
 */
export function pathMatch(pattern: string, name: string): boolean {
  let p: Buffer = Buffer.from(pattern, 'utf8');
  let n: Buffer = Buffer.from(name, 'utf8');
  pattern: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return n.indexOf(SLASH) < 0; // a trailing * matches the rest unless it has a /
    const first = matchChunk(chunk, n);
    if (first !== undefined && (first.length === 0 || p.length > 0)) {
      n = first;
      continue;
    }
    if (star) {
      for (let i = 0; i < n.length && n[i] !== SLASH; i++) {
        const t = matchChunk(chunk, n.subarray(i + 1));
        if (t !== undefined) {
          if (p.length === 0 && t.length > 0) continue; // the last chunk must exhaust the name
          n = t;
          continue pattern;
        }
      }
    }
    // Before returning false, check that the rest of the pattern is well formed.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, Buffer.alloc(0));
    }
    return false;
  }
  return n.length === 0;
}

/** `path.Match` that reports a malformed pattern as `undefined` (Argo CD logs it and skips the pattern). */
export function pathMatchOrUndefined(pattern: string, name: string): boolean | undefined {
  try {
    return pathMatch(pattern, name);
  } catch (e) {
    if (e instanceof BadPatternError) return undefined;
    throw e;
  }
}

/** The next segment of a pattern: a non-star string, possibly preceded by stars. */
function scanChunk(pattern: Buffer): { star: boolean; chunk: Buffer; rest: Buffer } {
  let star = false;
  let i0 = 0;
  while (i0 < pattern.length && pattern[i0] === 0x2a) { i0++; star = true; }
  const p = pattern.subarray(i0);
  let inRange = false;
  for (let i = 0; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH: if (i + 1 < p.length) i++; break;
      case 0x5b: inRange = true; break;
      case 0x5d: inRange = false; break;
      case 0x2a: if (!inRange) return { star, chunk: p.subarray(0, i), rest: p.subarray(i) }; break;
    }
  }
  return { star, chunk: p, rest: Buffer.alloc(0) };
}

/**
 * Whether `chunk` (literals, classes and `?`) matches the beginning of `s`: the rest of `s`, or undefined.
 * After a mismatch the chunk is still read to the end so that a malformed one throws, as in Go.
 */
function matchChunk(chunk: Buffer, input: Buffer): Buffer | undefined {
  let c: Buffer = chunk;
  let s: Buffer = input;
  let failed = false;
  while (c.length > 0) {
    if (!failed && s.length === 0) failed = true;
    switch (c[0]) {
      case 0x5b: {
        let r = -1;
        if (!failed) {
          const d = decodeRune(s);
          r = d.rune;
          s = s.subarray(d.size);
        }
        c = c.subarray(1);
        let negated = false;
        if (c.length > 0 && c[0] === 0x5e) { negated = true; c = c.subarray(1); }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (c.length > 0 && c[0] === 0x5d && nrange > 0) { c = c.subarray(1); break; }
          const lo = getEsc(c);
          c = lo.rest;
          let hi = lo.rune;
          if (c[0] === 0x2d) {
            const h = getEsc(c.subarray(1));
            hi = h.rune;
            c = h.rest;
          }
          if (lo.rune <= r && r <= hi) match = true;
          nrange++;
        }
        if (match === negated) failed = true;
        break;
      }
      case 0x3f:
        if (!failed) {
          if (s[0] === SLASH) failed = true;
          s = s.subarray(decodeRune(s).size);
        }
        c = c.subarray(1);
        break;
      default:
        if (c[0] === BACKSLASH) {
          c = c.subarray(1);
          if (c.length === 0) throw new BadPatternError();
        }
        if (!failed) {
          if (c[0] !== s[0]) failed = true;
          s = s.subarray(1);
        }
        c = c.subarray(1);
    }
  }
  return failed ? undefined : s;
}

/** A possibly escaped character of a class. */
function getEsc(chunk: Buffer): { rune: number; rest: Buffer } {
  let c: Buffer = chunk;
  if (c.length === 0 || c[0] === 0x2d || c[0] === 0x5d) throw new BadPatternError();
  if (c[0] === BACKSLASH) {
    c = c.subarray(1);
    if (c.length === 0) throw new BadPatternError();
  }
  const { rune, size } = decodeRune(c);
  if (rune === RUNE_ERROR && size === 1) throw new BadPatternError();
  const rest = c.subarray(size);
  if (rest.length === 0) throw new BadPatternError();
  return { rune, rest };
}

const RUNE_ERROR = 0xfffd;

/** utf8.DecodeRune: the first rune of `b` and its size (RuneError, 1 for an invalid byte; RuneError, 0 when empty). */
export function decodeRune(b: Uint8Array): { rune: number; size: number } {
  if (b.length === 0) return { rune: RUNE_ERROR, size: 0 };
  const b0 = b[0];
  if (b0 < 0x80) return { rune: b0, size: 1 };
  const need = b0 >= 0xf0 && b0 <= 0xf4 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc2 ? 2 : 0;
  if (need === 0 || b0 > 0xf4 || b.length < need) return { rune: RUNE_ERROR, size: 1 };
  let r = need === 2 ? b0 & 0x1f : need === 3 ? b0 & 0x0f : b0 & 0x07;
  for (let i = 1; i < need; i++) {
    const x = b[i];
    if ((x & 0xc0) !== 0x80) return { rune: RUNE_ERROR, size: 1 };
    r = (r << 6) | (x & 0x3f);
  }
  const min = need === 2 ? 0x80 : need === 3 ? 0x800 : 0x10000;
  if (r < min || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return { rune: RUNE_ERROR, size: 1 };
  return { rune: r, size: need };
}

/** Go's `path.Clean`: the shortest equivalent path by purely lexical processing. */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const out = (rooted ? '/' : '') + parts.join('/');
  return out === '' ? '.' : out;
}

/** Go's `path.Dir`: all but the last element, cleaned; "." for none. */
export function pathDir(p: string): string {
  const i = p.lastIndexOf('/');
  return pathClean(p.slice(0, i + 1));
}

/** Go's `path.Base`: the last element, trailing slashes removed; "." for "", "/" for all slashes. */
export function pathBase(p: string): string {
  if (p === '') return '.';
  let s = p;
  while (s.length > 0 && s[s.length - 1] === '/') s = s.slice(0, -1);
  const i = s.lastIndexOf('/');
  if (i >= 0) s = s.slice(i + 1);
  return s === '' ? '/' : s;
}

/** Go's `path.Ext`: the suffix from the last dot of the last element, or "". */
export function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

/** Go's `path.IsAbs`. */
export function pathIsAbs(p: string): boolean {
  return p.startsWith('/');
}
