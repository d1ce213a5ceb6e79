/* eslint-disable no-bitwise */ // UTF-8 decoding, IEEE 754 bits and base32/base64/adler32 are bit operations by nature
/**
 * Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G', 'b', 'x', 'X'), exactly: shortest digits
 * that round-trip for precision -1 (what `%v` and `{{ . }}` print, e.g. `1e+06`), and correctly rounded
 * digits (half to even on exact ties, as Go does and JavaScript's toFixed does not) for an explicit precision.
 */

interface Digits {
  /** Decimal digits without leading zeros ("" for zero). */
  d: string;
  /** Position of the decimal point: the value is 0.d × 10^dp. */
  dp: number;
}

/** The exact decimal expansion of a finite, non-negative double. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp: number;
  if (expBits === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = expBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    const k = -exp;
    digits = (mant * 5n ** BigInt(k)).toString();
    dp = digits.length - k;
  }
  const stripped = digits.replace(/0+$/, '');
  const lead = stripped.match(/^0*/)![0].length;
  return { d: stripped.slice(lead), dp: dp - lead };
}

/** The shortest digits that read back as `x` (what JavaScript's Number#toString computes too). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa, e] = x.toExponential().split('e');
  const d = mantissa.replace('.', '').replace(/0+$/, '');
  return { d, dp: Number(e) + 1 };
}

/** Rounds exact digits to `nd` digits, half to even (strconv's decimal.Round). */
function roundDigits(a: Digits, nd: number): Digits {
  if (nd < 0 || nd >= a.d.length) return a;
  let up: boolean;
  if (a.d[nd] === '5' && nd + 1 === a.d.length) up = nd > 0 && (Number(a.d[nd - 1]) % 2 === 1);
  else up = a.d[nd] >= '5';
  if (!up) {
    const d = a.d.slice(0, nd).replace(/0+$/, '');
    return { d, dp: d.length === 0 ? 0 : a.dp };
  }
  const chars = a.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && chars[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  chars[i] = String(Number(chars[i]) + 1);
  return { d: chars.slice(0, i + 1).join(''), dp: a.dp };
}

function digitAt(d: Digits, i: number): string {
  return i >= 0 && i < d.d.length ? d.d[i] : '0';
}

function fmtE(neg: boolean, d: Digits, prec: number, e: 'e' | 'E'): string {
  let out = neg ? '-' : '';
  out += d.d.length === 0 ? '0' : d.d[0];
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  if (exp < 0) exp = -exp;
  return `${out}${e}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(neg: boolean, d: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) {
    let m = Math.min(d.d.length, d.dp);
    out += d.d.slice(0, m);
    for (; m < d.dp; m++) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, d.dp + i - 1);
  }
  return out;
}

/** strconv.FormatFloat(x, fmt, prec, 64). */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const abs = Math.abs(x);
  if (fmt === 'b') return formatBinary(neg, abs);
  if (fmt === 'x' || fmt === 'X') return formatHex(neg, abs, prec, fmt);
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(abs);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(digs.d.length - 1, 0); break;
      case 'f': prec = Math.max(digs.d.length - digs.dp, 0); break;
      default: prec = digs.d.length;
    }
  } else {
    const exact = exactDigits(abs);
    switch (fmt) {
      case 'e': case 'E': digs = roundDigits(exact, prec + 1); break;
      case 'f': digs = roundDigits(exact, exact.dp + prec); break;
      default:
        if (prec === 0) prec = 1;
        digs = roundDigits(exact, prec);
    }
    if (exact.d.length === 0) digs = exact;
  }
  switch (fmt) {
    case 'e': case 'E': return fmtE(neg, digs, prec, fmt);
    case 'f': return fmtF(neg, digs, prec);
    default: {
      let eprec = prec;
      if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (digs.d.length > 0 && (exp < -4 || exp >= eprec)) {
        if (prec > digs.d.length) prec = digs.d.length;
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) prec = digs.d.length;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
}

function bitsOf(abs: number): { mant: bigint; exp: number } {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, abs);
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = expBits - 1075;
  if (expBits === 0) exp++;
  else mant |= 1n << 52n;
  return { mant, exp };
}

/** 'b': decimalless scientific notation with exponent a power of two, e.g. 4503599627370496p-52. */
function formatBinary(neg: boolean, abs: number): string {
  const { mant, exp } = bitsOf(abs);
  return `${neg ? '-' : ''}${mant}p${exp >= 0 ? '+' : ''}${exp}`;
}

/** 'x': hexadecimal mantissa and binary exponent, e.g. 0x1.8p+01 (strconv's fmtX). */
function formatHex(neg: boolean, abs: number, prec: number, fmt: 'x' | 'X'): string {
  let { mant, exp } = bitsOf(abs);
  if (mant === 0n) exp = 0;
  // Shift so that the leading 1 is at bit 60 (mantissa 1.xxx with 60 fraction bits).
  const shift = 60;
  if (mant !== 0n) {
    while (mant < (1n << BigInt(shift))) { mant <<= 1n; exp--; }
    exp += shift; // value = mant × 2^(exp-60)
  }
  if (prec >= 0 && prec < 15) {
    const drop = BigInt(60 - 4 * prec);
    const extra = mant & ((1n << drop) - 1n);
    mant >>= drop;
    const half = 1n << (drop - 1n);
    if (extra > half || extra === half && (mant & 1n) === 1n) mant++;
    mant <<= drop;
    if (mant >> 61n !== 0n) { mant >>= 1n; exp++; }
  }
  const hex = fmt === 'x' ? '0123456789abcdef' : '0123456789ABCDEF';
  let out = `${neg ? '-' : ''}0${fmt}${String(mant >> 60n)}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  const e = exp === 0 && out.endsWith('0') && abs === 0 ? 0 : exp;
  const sign = e < 0 ? '-' : '+';
  const ae = Math.abs(e);
  return `${out}${fmt === 'x' ? 'p' : 'P'}${sign}${ae < 10 ? '0' : ''}${ae}`;
}
