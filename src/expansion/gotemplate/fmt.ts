/**
 * Go's fmt (print.go and format.go) for the values a template handles: Sprint, Sprintln and Sprintf with
 * every verb, flag, width, precision, `*` and `[n]` argument index, and Go's wording for wrong verbs
 * (`%!d(float64=3)`), missing and extra arguments. JSON numbers are float64, so `printf "%d" .replicas`
 * prints `%!d(float64=3)`, exactly as in Argo CD.
 */
import { formatFloat } from './float';
import { GoInt, GoValue, isGoObject, isMap, NO_VALUE, sortedKeys, typeName } from './values';
import { canBackquote, isPrint, quote, quoteRune } from '../../private/go-strconv';

/** The most padding one verb may ask for (fmt's own bound on widths and precisions). */
const TOO_LARGE = 1e6;

interface Flags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

function clearFlags(): Flags {
  return {
    widPresent: false,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    prec: 0,
  };
}

class Printer {
  public buf = '';
  public f: Flags = clearFlags();
  private erroring = false;

  // ---- format.go -------------------------------------------------------------------------------------

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.f.zero && !this.f.minus ? '0' : ' ').repeat(n);
  }

  private pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) { this.buf += s; return; }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) { this.writePadding(width); this.buf += s; } else { this.buf += s; this.writePadding(width); }
  }

  private fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  private fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    let hex = BigInt.asUintN(64, u).toString(16).toUpperCase();
    if (hex.length < prec) hex = '0'.repeat(prec - hex.length) + hex;
    let s = `U+${hex}`;
    if (this.f.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u))) s += ` '${String.fromCodePoint(Number(u))}'`;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(s);
    this.f.zero = oldZero;
  }

  private fmtInteger(value: bigint, base: number, isSigned: boolean, verb: string, upper: boolean): void {
    let u = isSigned ? value : BigInt.asUintN(64, value);
    const negative = isSigned && u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.f.zero;
        this.f.zero = false;
        this.writePadding(this.f.wid);
        this.f.zero = oldZero;
        return;
      }
    } else if (this.f.zero && !this.f.minus && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = '0'.repeat(prec - digits.length) + digits;
    if (this.f.sharp) {
      if (base === 2) digits = '0b' + digits;
      else if (base === 8 && digits[0] !== '0') digits = '0' + digits;
      else if (base === 16) digits = (upper ? '0X' : '0x') + digits;
    }
    if (verb === 'O') digits = '0o' + digits;
    if (negative) digits = '-' + digits;
    else if (this.f.plus) digits = '+' + digits;
    else if (this.f.space) digits = ' ' + digits;
    const oldZero = this.f.zero;
    this.f.zero = false;
    this.pad(digits);
    this.f.zero = oldZero;
  }

  private truncateString(s: string): string {
    if (!this.f.precPresent) return s;
    const runes = [...s];
    return runes.length > this.f.prec ? runes.slice(0, this.f.prec).join('') : s;
  }

  private fmtS(s: string): void {
    this.pad(this.truncateString(s));
  }

  private fmtSbx(bytes: Uint8Array, upper: boolean): void {
    let length = bytes.length;
    if (this.f.precPresent && this.f.prec < length) length = this.f.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) {
        width += 2;
      }
    } else {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.writePadding(this.f.wid - width);
    const prefix = upper ? '0X' : '0x';
    let out = this.f.sharp ? prefix : '';
    for (let i = 0; i < length; i++) {
      if (this.f.space && i > 0) {
        out += ' ';
        if (this.f.sharp) out += prefix;
      }
      const h = bytes[i].toString(16).padStart(2, '0');
      out += upper ? h.toUpperCase() : h;
    }
    this.buf += out;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.writePadding(this.f.wid - width);
  }

  private fmtQ(s: string): void {
    const t = this.truncateString(s);
    if (this.f.sharp && canBackquote(t)) { this.pad('`' + t + '`'); return; }
    this.pad(quote(t, this.f.plus));
  }

  private fmtC(c: bigint): void {
    const u = BigInt.asUintN(64, c);
    const r = u > 0x10ffffn || u >= 0xd800n && u <= 0xdfffn ? 0xfffd : Number(u);
    this.pad(String.fromCodePoint(r));
  }

  private fmtQc(c: bigint): void {
    const u = BigInt.asUintN(64, c);
    const r = u > 0x10ffffn || u >= 0xd800n && u <= 0xdfffn ? 0xfffd : Number(u);
    this.pad(quoteRune(r, this.f.plus));
  }

  private fmtFloatRaw(v: number, verb: string, defaultPrec: number): void {
    const prec = this.f.precPresent ? this.f.prec : defaultPrec;
    let num = formatFloat(v, verb === 'v' ? 'g' : verb === 'F' ? 'f' : verb, prec);
    num = num[0] === '-' || num[0] === '+' ? num : '+' + num;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.f.zero;
      this.f.zero = false;
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.pad(num);
      this.f.zero = oldZero;
      return;
    }
    if (this.f.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
      let tail = '';
      let body = num;
      let hasDecimalPoint = false;
      let sawNonzeroDigit = false;
      for (let i = 1; i < body.length; i++) {
        const ch = body[i];
        if (ch === '.') { hasDecimalPoint = true; continue; }
        if (ch === 'p' || ch === 'P' || (ch === 'e' || ch === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        }
        if (ch !== '0') sawNonzeroDigit = true;
        if (sawNonzeroDigit) digits--;
      }
      if (!hasDecimalPoint) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) { body += '0'; digits--; }
      num = body + tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && !this.f.minus && this.f.widPresent && this.f.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.f.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  // ---- print.go --------------------------------------------------------------------------------------

  private badVerb(verb: string, v: GoValue | undefined): void {
    this.erroring = true;
    this.buf += `%!${verb}(`;
    if (v === undefined || v === null || v === NO_VALUE) {this.buf += '<nil>';} else {
      this.buf += typeName(v) + '=';
      this.printArg(v, 'v', 0);
    }
    this.buf += ')';
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.fmtBoolean(v);
    else this.badVerb(verb, v);
  }

  private fmtInt(v: GoValue, value: bigint, isSigned: boolean, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV && !isSigned) {
          this.f.sharp = true;
          this.fmtInteger(value, 16, false, verb, false);
        } else {
          this.fmtInteger(value, 10, isSigned, verb, false);
        }
        break;
      case 'd': this.fmtInteger(value, 10, isSigned, verb, false); break;
      case 'b': this.fmtInteger(value, 2, isSigned, verb, false); break;
      case 'o': case 'O': this.fmtInteger(value, 8, isSigned, verb, false); break;
      case 'x': this.fmtInteger(value, 16, isSigned, verb, false); break;
      case 'X': this.fmtInteger(value, 16, isSigned, verb, true); break;
      case 'c': this.fmtC(value); break;
      case 'q': this.fmtQc(value); break;
      case 'U': this.fmtUnicode(value); break;
      default: this.badVerb(verb, v);
    }
  }

  private fmtFloat(v: number, verb: string): void {
    switch (verb) {
      case 'v': this.fmtFloatRaw(v, 'g', -1); break;
      case 'b': case 'g': case 'G': case 'x': case 'X': this.fmtFloatRaw(v, verb, -1); break;
      case 'f': case 'e': case 'E': case 'F': this.fmtFloatRaw(v, verb, 6); break;
      default: this.badVerb(verb, v);
    }
  }

  private fmtString(v: string, verb: string): void {
    switch (verb) {
      case 'v': if (this.f.sharpV) this.fmtQ(v); else this.fmtS(v); break;
      case 's': this.fmtS(v); break;
      case 'x': this.fmtSbx(Buffer.from(v, 'utf8'), false); break;
      case 'X': this.fmtSbx(Buffer.from(v, 'utf8'), true); break;
      case 'q': this.fmtQ(v); break;
      default: this.badVerb(verb, v);
    }
  }

  private fmtBytes(v: Uint8Array, verb: string): void {
    switch (verb) {
      case 'v': case 'd':
        this.buf += '[';
        v.forEach((b, i) => { if (i > 0) this.buf += ' '; this.fmtInteger(BigInt(b), 10, false, verb, false); });
        this.buf += ']';
        break;
      case 's': this.pad(this.truncateString(Buffer.from(v).toString('utf8'))); break;
      case 'x': this.fmtSbx(v, false); break;
      case 'X': this.fmtSbx(v, true); break;
      case 'q': this.fmtQ(Buffer.from(v).toString('utf8')); break;
      default: this.printValue(Array.from(v, b => new GoInt('uint8', BigInt(b))), verb, 0);
    }
  }

  /** printArg (depth 0) and printValue (inside containers). */
  public printArg(v: GoValue, verb: string, depth = 0): void {
    if (v === null || v === NO_VALUE) {
      if (depth > 0 || verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null);
      return;
    }
    if (depth === 0 && verb === 'T') { this.fmtS(typeName(v)); return; }
    if (depth === 0 && verb === 'p') {
      if (typeof v === 'object') throw new PointerVerbError();
      this.badVerb(verb, v);
      return;
    }
    this.printValue(v, verb, depth);
  }

  private printValue(v: GoValue, verb: string, depth: number): void {
    if (typeof v === 'string') {this.fmtString(v, verb);} else if (typeof v === 'number') {this.fmtFloat(v, verb);} else if (typeof v === 'bigint') {this.fmtInt(v, v, true, verb);} else if (typeof v === 'boolean') {this.fmtBool(v, verb);} else if (v === null || v === NO_VALUE) {this.printArg(v, verb, depth + 1);} else if (v instanceof GoInt) {this.fmtInt(v, v.value, !v.unsigned, verb);} else if (isGoObject(v)) {
      if (!this.erroring && (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q')) this.fmtString(v.format(), verb);
      else this.badVerb(verb, v);
    } else if (v instanceof Uint8Array) {this.fmtBytes(v, verb);} else if (this.f.sharpV && (Array.isArray(v) || isMap(v))) {
      this.printGoSyntax(v, depth);
    } else if (Array.isArray(v)) {
      this.buf += '[';
      v.forEach((e, i) => { if (i > 0) this.buf += ' '; this.printArg(e, verb, depth + 1); });
      this.buf += ']';
    } else if (isMap(v)) {
      this.buf += 'map[';
      sortedKeys(v).forEach((k, i) => {
        if (i > 0) this.buf += ' ';
        this.printArg(k, verb, depth + 1);
        this.buf += ':';
        this.printArg(v[k], verb, depth + 1);
      });
      this.buf += ']';
    }
  }

  /**
   * `%#v` of a slice or map: its type, then the elements in braces separated by ", " (map keys sorted, `k:v`);
   * a nil inside an interface{} container prints as `interface {}(nil)` (print.go printValue).
   */
  private printGoSyntax(v: GoValue[] | Record<string, GoValue>, depth: number): void {
    const elem = (e: GoValue) => {
      if (e === null || e === NO_VALUE) this.buf += 'interface {}(nil)';
      else this.printArg(e, 'v', depth + 1);
    };
    this.buf += `${typeName(v)}{`;
    if (Array.isArray(v)) {
      v.forEach((e, i) => { if (i > 0) this.buf += ', '; elem(e); });
    } else {
      sortedKeys(v).forEach((k, i) => {
        if (i > 0) this.buf += ', ';
        this.printArg(k, 'v', depth + 1);
        this.buf += ':';
        elem(v[k]);
      });
    }
    this.buf += '}';
  }

  // ---- doPrintf --------------------------------------------------------------------------------------

  public doPrintf(format: string, a: GoValue[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;
    const argNumber = (i: number): [number, boolean] => {
      if (i >= end || format[i] !== '[') return [i, false];
      reordered = true;
      const { index, wid, ok } = parseArgNumber(format.slice(i));
      if (ok && index >= 0 && index < a.length) { argNum = index; return [i + wid, true]; }
      goodArgNum = false;
      return [i + wid, ok];
    };
    const intFromArg = (): [number, boolean] => {
      let num = 0;
      let isInt = false;
      if (argNum < a.length) {
        const x = a[argNum];
        const n = typeof x === 'bigint' ? x : x instanceof GoInt ? x.value : undefined;
        if (n !== undefined && n >= -(2n ** 63n) && n < 2n ** 63n) { num = Number(n); isInt = true; }
        argNum++;
        if (num > TOO_LARGE || num < -TOO_LARGE) { num = 0; isInt = false; }
      }
      return [num, isInt];
    };
    let i = 0;
    formatLoop: while (i < end) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format[i] !== '%') i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.f = clearFlags();
      simple: for (; i < end; i++) {
        const c = format[i];
        switch (c) {
          case '#': this.f.sharp = true; break;
          case '0': this.f.zero = true; break;
          case '+': this.f.plus = true; break;
          case '-': this.f.minus = true; break;
          case ' ': this.f.space = true; break;
          default:
            if (c >= 'a' && c <= 'z' && argNum < a.length) {
              if (c === 'v' || c === 'w') {
                this.f.sharpV = this.f.sharp; this.f.sharp = false;
                this.f.plusV = this.f.plus; this.f.plus = false;
              }
              this.printArg(a[argNum], c);
              argNum++;
              i++;
              continue formatLoop;
            }
            break simple;
        }
      }
      [i, afterIndex] = argNumber(i);
      if (i < end && format[i] === '*') {
        i++;
        [this.f.wid, this.f.widPresent] = intFromArg();
        if (!this.f.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.f.wid < 0) { this.f.wid = -this.f.wid; this.f.minus = true; this.f.zero = false; }
        afterIndex = false;
      } else {
        const p = parseNum(format, i, end);
        [this.f.wid, this.f.widPresent, i] = [p.num, p.isNum, p.newi];
        if (afterIndex && this.f.widPresent) goodArgNum = false;
      }
      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        [i, afterIndex] = argNumber(i);
        if (i < end && format[i] === '*') {
          i++;
          [this.f.prec, this.f.precPresent] = intFromArg();
          if (this.f.prec < 0) { this.f.prec = 0; this.f.precPresent = false; }
          if (!this.f.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          const p = parseNum(format, i, end);
          [this.f.prec, this.f.precPresent, i] = [p.num, p.isNum, p.newi];
          if (!this.f.precPresent) { this.f.prec = 0; this.f.precPresent = true; }
        }
      }
      if (!afterIndex) [i, afterIndex] = argNumber(i);
      if (i >= end) { this.buf += '%!(NOVERB)'; break; }
      const verb = String.fromCodePoint(format.codePointAt(i)!);
      i += verb.length;
      if (verb === '%') { this.buf += '%'; continue; }
      if (!goodArgNum) { this.buf += `%!${verb}(BADINDEX)`; continue; }
      if (argNum >= a.length) { this.buf += `%!${verb}(MISSING)`; continue; }
      if (verb === 'v' || verb === 'w') {
        this.f.sharpV = this.f.sharp; this.f.sharp = false;
        this.f.plusV = this.f.plus; this.f.plus = false;
      }
      this.printArg(a[argNum], verb);
      argNum++;
    }
    if (!reordered && argNum < a.length) {
      this.f = clearFlags();
      this.buf += '%!(EXTRA ';
      a.slice(argNum).forEach((arg, k) => {
        if (k > 0) this.buf += ', ';
        if (arg === null || arg === NO_VALUE) {this.buf += '<nil>';} else { this.buf += typeName(arg) + '='; this.printArg(arg, 'v'); }
      });
      this.buf += ')';
    }
  }
}

/** `%p` of a map or slice prints a memory address, which an offline preview cannot know. */
export class PointerVerbError extends Error {
  public constructor() {
    super('%p prints a memory address, which cannot be previewed offline');
  }
}

function parseNum(s: string, start: number, end: number): { num: number; isNum: boolean; newi: number } {
  if (start >= end) return { num: 0, isNum: false, newi: end };
  let num = 0;
  let isNum = false;
  let newi = start;
  for (; newi < end && s[newi] >= '0' && s[newi] <= '9'; newi++) {
    if (num > TOO_LARGE || num < -TOO_LARGE) return { num: 0, isNum: false, newi: end };
    num = num * 10 + (s.charCodeAt(newi) - 48);
    isNum = true;
  }
  return { num, isNum, newi };
}

function parseArgNumber(format: string): { index: number; wid: number; ok: boolean } {
  if (format.length < 3) return { index: 0, wid: 1, ok: false };
  for (let i = 1; i < format.length; i++) {
    if (format[i] === ']') {
      const p = parseNum(format, 1, i);
      if (!p.isNum || p.newi !== i) return { index: 0, wid: i + 1, ok: false };
      return { index: p.num - 1, wid: i + 1, ok: true };
    }
  }
  return { index: 0, wid: 1, ok: false };
}

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

/** fmt.Sprint: operands printed with %v, a space between two operands when neither is a string. */
export function sprint(args: readonly GoValue[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((a, i) => {
    const isString = typeof a === 'string';
    if (i > 0 && !isString && !prevString) p.buf += ' ';
    p.f = clearFlags();
    p.printArg(a, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln: operands separated by spaces, then a newline. */
export function sprintln(args: readonly GoValue[]): string {
  const p = new Printer();
  args.forEach((a, i) => {
    if (i > 0) p.buf += ' ';
    p.f = clearFlags();
    p.printArg(a, 'v');
  });
  return p.buf + '\n';
}

/** fmt.Sprintf. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  const p = new Printer();
  p.doPrintf(format, [...args]);
  return p.buf;
}

export { quote };

/** fmt's %v of one value, as `{{ . }}` prints it (a missing value prints `<no value>`). */
export function formatValue(v: GoValue): string {
  if (v === NO_VALUE || v === null) return '<no value>';
  if (typeof v === 'string') return v;
  return sprint([v]);
}
