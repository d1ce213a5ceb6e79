/**
 * Go's strconv quoting (Quote, QuoteToASCII, QuoteRune, CanBackquote), as fmt's %q and sprig's `quote` use it, and
 * as the controllers' messages print values (`%q`): the one implementation the expansion engine, the Argo Rollouts
 * rules and the External Secrets webhook rules share.
 */

/** Go's strconv.IsPrint, approximated with Unicode categories: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x20 || r === 0x7f) return false;
  if (r < 0x7f) return true;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(String.fromCodePoint(r));
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0xfeff) return false;
    if (r < 0x20 && r !== 0x09 || r === 0x60 || r === 0x7f || r === 0xfffd) return false;
  }
  return true;
}

function escapeRune(r: number, q: string, ascii: boolean): string {
  const ch = String.fromCodePoint(r);
  if (r === q.charCodeAt(0) || r === 0x5c) return '\\' + ch;
  if (ascii ? r < 0x80 && isPrint(r) : isPrint(r)) return ch;
  switch (r) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + r.toString(16).padStart(2, '0');
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

/** strconv.Quote (or QuoteToASCII). */
export function quote(s: string, ascii = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"', ascii);
  return out + '"';
}

export function quoteRune(r: number, ascii: boolean): string {
  return `'${escapeRune(r, "'", ascii)}'`;
}

