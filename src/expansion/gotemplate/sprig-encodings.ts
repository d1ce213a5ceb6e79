/* eslint-disable no-bitwise */ // base32, base64 and adler32 are bit operations by nature
/**
 * sprig v3.3.0's encodings and URL functions: Go's base64.StdEncoding and base32.StdEncoding decoders (sprig
 * returns a decoder error's text as the result: "illegal base64 data at input byte 0"), hash/adler32, and
 * net/url's parsing and joining as sprig's urlParse and urlJoin use them.
 */
import { quote } from './fmt';
import { FunctionError } from './functions';
import { GoMap } from './values';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** base64.StdEncoding.DecodeString; sprig returns the error's text in place of the result. */
export function base64Decode(s: string): string {
  const src = utf8(s);
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailing: number | undefined;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out).toString('utf8');
        return `illegal base64 data at input byte ${si - j}`;
      }
      const c = src[si++];
      const v = B64.indexOf(String.fromCharCode(c));
      if (c < 0x80 && v >= 0) { dbuf[j] = v; continue; }
      if (c === 0x0a || c === 0x0d) { j--; continue; }
      if (c !== 0x3d) return `illegal base64 data at input byte ${si - 1}`;
      if (j === 0 || j === 1) return `illegal base64 data at input byte ${si - 1}`;
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) return `illegal base64 data at input byte ${src.length}`;
        if (src[si] !== 0x3d) return `illegal base64 data at input byte ${si - 1}`;
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) trailing = si;
      dlen = j;
      break;
    }
    const val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (trailing !== undefined) return `illegal base64 data at input byte ${trailing}`;
    if (dlen < 4) return Buffer.from(out).toString('utf8');
  }
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(b: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/** base32.StdEncoding.DecodeString (newlines ignored); sprig returns the error's text in place of the result. */
export function base32Decode(s: string): string {
  const src = utf8(s.replace(/[\r\n]/g, ''));
  const olen = src.length;
  const out: number[] = [];
  let p = 0;
  let end = false;
  while (p < olen && !end) {
    const dbuf = new Array<number>(8).fill(0);
    let dlen = 8;
    for (let j = 0; j < 8;) {
      if (p >= olen) return `illegal base32 data at input byte ${olen - (olen - p) - j}`;
      const c = src[p++];
      const remaining = olen - p;
      if (c === 0x3d && j >= 2 && remaining < 8) {
        if (remaining + j < 7) return `illegal base32 data at input byte ${olen}`;
        for (let k = 0; k < 7 - j; k++) {
          if (remaining > k && src[p + k] !== 0x3d) return `illegal base32 data at input byte ${olen - remaining + k - 1}`;
        }
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) return `illegal base32 data at input byte ${olen - remaining - 1}`;
        break;
      }
      const v = c < 0x80 ? B32.indexOf(String.fromCharCode(c)) : -1;
      if (v < 0) return `illegal base32 data at input byte ${olen - remaining - 1}`;
      dbuf[j++] = v;
    }
    let bits = 0n;
    for (const d of dbuf) bits = (bits << 5n) | BigInt(d);
    const bytes = [40n, 32n, 24n, 16n, 8n].map(sh => Number((bits >> (sh - 8n + 0n)) & 0xffn));
    const n = [0, 0, 1, 0, 2, 3, 0, 4, 5][dlen];
    out.push(...bytes.slice(0, n));
  }
  return Buffer.from(out).toString('utf8');
}

export function adler32(b: Uint8Array): number {
  let a = 1;
  let c = 0;
  for (const byte of b) { a = (a + byte) % 65521; c = (c + a) % 65521; }
  return c * 65536 + a;
}

// ---- URLs ------------------------------------------------------------------------------------------------

/** sprig's urlParse over Go's net/url.Parse (the common shapes: scheme://userinfo@host/path?query#fragment, opaque). */
export function urlParse(v: string): GoMap {
  let rest = v;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) { fragment = unescapeUrl(rest.slice(hash + 1)); rest = rest.slice(0, hash); }
  if (/[\x00-\x1f\x7f]/.test(v)) throw new FunctionError(`unable to parse url: parse ${quote(v)}: net/url: invalid control character in URL`);
  let scheme = '';
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (sm) { scheme = sm[1].toLowerCase(); rest = rest.slice(sm[0].length); } else if (/^[^/?]*:/.test(rest) && !rest.startsWith('/')) {
    throw new FunctionError(`unable to parse url: parse ${quote(v)}: missing protocol scheme`);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) { query = rest.slice(q + 1); rest = rest.slice(0, q); }
  let opaque = '';
  let host = '';
  let userinfo = '';
  let path = '';
  if (scheme && !rest.startsWith('/')) {
    opaque = rest;
  } else {
    if (rest.startsWith('//')) {
      const authEnd = rest.indexOf('/', 2);
      const authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
      rest = authEnd < 0 ? '' : rest.slice(authEnd);
      const at = authority.lastIndexOf('@');
      if (at >= 0) { userinfo = authority.slice(0, at); host = authority.slice(at + 1); } else {host = authority;}
    }
    path = unescapeUrl(rest);
  }
  let hostname = host;
  const bracket = /^\[([^\]]*)\](:\d*)?$/.exec(host);
  if (bracket) {hostname = bracket[1];} else { const colon = host.lastIndexOf(':'); if (colon >= 0) hostname = host.slice(0, colon); }
  return { scheme, host, hostname, path, query, opaque, fragment, userinfo };
}

function unescapeUrl(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}

export function urlJoin(d: GoMap): string {
  const get = (k: string): string => {
    if (!Object.prototype.hasOwnProperty.call(d, k)) return '';
    const v = d[k];
    if (typeof v !== 'string') throw new FunctionError(`unable to parse ${k} key, must be of type string, but ${v === null ? 'invalid' : typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'slice' : 'map'} found`);
    return v;
  };
  const scheme = get('scheme');
  const host = get('host');
  const path = get('path');
  const query = get('query');
  const opaque = get('opaque');
  const fragment = get('fragment');
  const userinfo = get('userinfo');
  let out = scheme ? `${scheme}:` : '';
  if (opaque) {
    out += opaque;
  } else {
    if (scheme || host || userinfo) {
      if (host || path || userinfo) out += '//';
      if (userinfo) out += `${userinfo}@`;
      out += host;
    }
    if (path && path[0] !== '/' && host) out += '/';
    out += encodeURI(path).replace(/%25([0-9A-Fa-f]{2})/g, '%$1');
  }
  if (query) out += `?${query}`;
  if (fragment) out += `#${encodeURI(fragment)}`;
  return out;
}

