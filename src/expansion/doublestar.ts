/**
 * bmatcuk/doublestar v4's Match (match.go, validate.go), with '/' as the separator: what Argo CD's repo server
 * matches a git files generator pattern with when the controller runs with --enable-new-git-file-globbing.
 */
import { decodeRune } from './go-path';

const SLASH = 0x2f;

/** A malformed doublestar pattern (doublestar's ErrBadPattern). */
export class DoublestarPatternError extends Error {}

/** doublestar's ErrBadPattern. */
export const DOUBLESTAR_BAD_PATTERN = 'syntax error in pattern';

/** doublestar.Match(pattern, name) with '/' as the separator; throws DoublestarPatternError for a malformed pattern. */
export function doublestarMatch(pattern: string, name: string): boolean {
  return doMatch(Buffer.from(pattern, 'utf8'), Buffer.from(name, 'utf8'), -1, -1, -1, -1, 0, 0);
}

function bad(): never {
  throw new DoublestarPatternError(DOUBLESTAR_BAD_PATTERN);
}

function doMatch(
  pattern: Buffer, name: Buffer, dsPat0: number, dsName0: number, sPat0: number, sName0: number, patIdx0: number, nameIdx0: number,
): boolean {
  let dsPat = dsPat0;
  let dsName = dsName0;
  let sPat = sPat0;
  let sName = sName0;
  let patIdx = patIdx0;
  let nameIdx = nameIdx0;
  const patLen = pattern.length;
  const nameLen = name.length;
  let startOfSegment = true;
  outer: while (nameIdx < nameLen) {
    if (patIdx < patLen) {
      let mismatch = false;
      switch (pattern[patIdx]) {
        case 0x2a: { // *
          patIdx++;
          if (patIdx < patLen && pattern[patIdx] === 0x2a) {
            patIdx++;
            if (startOfSegment) {
              if (patIdx >= patLen) return true;
              if (pattern[patIdx] === SLASH) {
                patIdx++;
                dsPat = patIdx;
                dsName = nameIdx;
                sPat = -1;
                sName = -1;
                continue outer;
              }
            }
          }
          startOfSegment = false;
          sPat = patIdx;
          sName = nameIdx;
          continue outer;
        }
        case 0x3f: { // ?
          startOfSegment = false;
          const r = decodeRune(name.subarray(nameIdx));
          if (r.rune === SLASH) { mismatch = true; break; }
          patIdx++;
          nameIdx += r.size;
          continue outer;
        }
        case 0x5b: { // [
          startOfSegment = false;
          if (++patIdx >= patLen) bad();
          const nr = decodeRune(name.subarray(nameIdx));
          let matched = false;
          const negate = pattern[patIdx] === 0x21 || pattern[patIdx] === 0x5e;
          if (negate) patIdx++;
          if (patIdx >= patLen || pattern[patIdx] === 0x5d) bad();
          let last = 0x10ffff;
          while (patIdx < patLen && pattern[patIdx] !== 0x5d) {
            let pr = decodeRune(pattern.subarray(patIdx));
            patIdx += pr.size;
            if (last < 0x10ffff && pr.rune === 0x2d && patIdx < patLen && pattern[patIdx] !== 0x5d) {
              if (pattern[patIdx] === 0x5c) patIdx++;
              pr = decodeRune(pattern.subarray(patIdx));
              patIdx += pr.size;
              if (last <= nr.rune && nr.rune <= pr.rune) { matched = true; break; }
              last = 0x10ffff;
              continue;
            }
            if (pr.rune === 0x5c) {
              pr = decodeRune(pattern.subarray(patIdx));
              patIdx += pr.size;
            }
            if (pr.rune === nr.rune) { matched = true; break; }
            last = pr.rune;
          }
          if (matched === negate) {
            if (patIdx >= patLen) bad();
            mismatch = true;
            break;
          }
          const closing = indexUnescaped(pattern.subarray(patIdx), 0x5d);
          if (closing === -1) bad();
          patIdx += closing + 1;
          nameIdx += nr.size;
          continue outer;
        }
        case 0x7b: { // {
          startOfSegment = false;
          const before = patIdx;
          patIdx++;
          let closing = indexMatchedClosingAlt(pattern.subarray(patIdx));
          if (closing === -1) bad();
          closing += patIdx;
          for (;;) {
            let comma = indexNextAlt(pattern.subarray(patIdx, closing));
            if (comma === -1) break;
            comma += patIdx;
            const alt = Buffer.concat([pattern.subarray(0, before), pattern.subarray(patIdx, comma), pattern.subarray(closing + 1)]);
            if (doMatch(alt, name, dsPat, dsName, sPat, sName, before, nameIdx)) return true;
            patIdx = comma + 1;
          }
          const lastAlt = Buffer.concat([pattern.subarray(0, before), pattern.subarray(patIdx, closing), pattern.subarray(closing + 1)]);
          return doMatch(lastAlt, name, dsPat, dsName, sPat, sName, before, nameIdx);
        }
        default: {
          if (pattern[patIdx] === 0x5c) {
            if (++patIdx >= patLen) bad();
          }
          const pr = decodeRune(pattern.subarray(patIdx));
          const nr = decodeRune(name.subarray(nameIdx));
          if (pr.rune !== nr.rune) {
            if (patIdx > 0 && pattern[patIdx - 1] === 0x5c) patIdx--;
            mismatch = true;
            break;
          }
          patIdx += pr.size;
          nameIdx += nr.size;
          startOfSegment = pr.rune === SLASH;
          continue outer;
        }
      }
      void mismatch;
    }
    if (sPat >= 0) {
      const r = decodeRune(name.subarray(sName));
      if (r.rune !== SLASH) {
        sName += r.size;
        patIdx = sPat;
        nameIdx = sName;
        startOfSegment = false;
        continue;
      }
    }
    if (dsPat >= 0) {
      nameIdx = dsName;
      while (nameIdx < nameLen) {
        const r = decodeRune(name.subarray(nameIdx));
        nameIdx += r.size;
        if (r.rune === SLASH) {
          dsName = nameIdx;
          patIdx = dsPat;
          startOfSegment = true;
          continue outer;
        }
      }
    }
    if (patIdx < patLen && !validatePattern(pattern.subarray(patIdx))) bad();
    return false;
  }
  return isZeroLengthPattern(pattern.subarray(patIdx));
}

function isZeroLengthPattern(p: Buffer): boolean {
  const s = p.toString('latin1');
  if (s === '' || s === '*' || s === '**' || s === '/**' || s === '**/' || s === '/**/') return true;
  if (p[0] === 0x7b) {
    let closing = indexMatchedClosingAlt(p.subarray(1));
    if (closing === -1) bad();
    closing += 1;
    let patIdx = 1;
    for (;;) {
      let comma = indexNextAlt(p.subarray(patIdx, closing));
      if (comma === -1) break;
      comma += patIdx;
      if (isZeroLengthPattern(Buffer.concat([p.subarray(patIdx, comma), p.subarray(closing + 1)]))) return true;
      patIdx = comma + 1;
    }
    return isZeroLengthPattern(Buffer.concat([p.subarray(patIdx, closing), p.subarray(closing + 1)]));
  }
  if (!validatePattern(p)) bad();
  return false;
}

function indexUnescaped(s: Buffer, c: number): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 0x5c) i++;
    else if (s[i] === c) return i;
  }
  return -1;
}

function indexMatchedClosingAlt(s: Buffer): number {
  let alts = 1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 0x5c) i++;
    else if (s[i] === 0x7b) alts++;
    else if (s[i] === 0x7d && --alts === 0) return i;
  }
  return -1;
}

function indexNextAlt(s: Buffer): number {
  let alts = 1;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === 0x5c) i++;
    else if (s[i] === 0x7b) alts++;
    else if (s[i] === 0x7d) alts--;
    else if (s[i] === 0x2c && alts === 1) return i;
  }
  return -1;
}

function validatePattern(s: Buffer): boolean {
  let altDepth = 0;
  const l = s.length;
  outer: for (let i = 0; i < l; i++) {
    switch (s[i]) {
      case 0x5c:
        if (++i >= l) return false;
        continue;
      case 0x5b:
        if (++i >= l) return false;
        if (s[i] === 0x5e || s[i] === 0x21) i++;
        if (i >= l || s[i] === 0x5d) return false;
        for (; i < l; i++) {
          if (s[i] === 0x5c) i++;
          else if (s[i] === 0x5d) continue outer;
        }
        return false;
      case 0x7b: altDepth++; continue;
      case 0x7d:
        if (altDepth === 0) return false;
        altDepth--;
        continue;
    }
  }
  return altDepth === 0;
}

