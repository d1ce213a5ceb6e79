import * as yaml from 'yaml';
import { formatFloat } from './gotemplate/float';
import { MAX_EXPANDED_NODES } from '../private/yaml-input';

/**
 * YAML as Argo CD reads it (sigs.k8s.io/yaml over go-yaml v2): YAML 1.1 scalars (`yes`, `on` and `off` are
 * booleans, `0755` is octal, `0x1F` hex, `1_000` a thousand), but timestamps and sexagesimal numbers stay
 * strings (go-yaml keeps a timestamp-looking scalar a string when decoding into interface{}). Anchors may
 * not expand a document beyond `MAX_EXPANDED_NODES` nodes. Returns JSON-like data; throws with the parser's
 * first error.
 */
export function parseGoYaml(text: string): unknown {
  const doc = yaml.parseDocument(text, { version: '1.1', uniqueKeys: false, customTags: goYamlTags } as yaml.DocumentOptions & yaml.SchemaOptions);
  if (doc.errors.length) throw new Error(doc.errors[0].message.split('\n')[0]);
  try {
    return doc.toJS({ maxAliasCount: 10_000 }) ?? null;
  } catch (e) {
    throw aliasError(e as Error);
  }
}

/** Like `parseGoYaml`, but reads only the first document of a stream, as yaml.Unmarshal does. */
export function parseGoYamlDocument(text: string): unknown {
  const docs = yaml.parseAllDocuments(text, { version: '1.1', uniqueKeys: false, customTags: goYamlTags } as yaml.DocumentOptions & yaml.SchemaOptions);
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc) return null;
  if (doc.errors.length) throw new Error(doc.errors[0].message.split('\n')[0]);
  try {
    return doc.toJS({ maxAliasCount: 10_000 }) ?? null;
  } catch (e) {
    throw aliasError(e as Error);
  }
}

/** An alias error as go-yaml v2 words it: an undefined anchor, or too much expansion. */
function aliasError(e: Error): Error {
  const unresolved = /^Unresolved alias \(the anchor must be set before the alias\): (.*)$/.exec(e.message.split('\n')[0]);
  if (unresolved) return new Error(`yaml: unknown anchor '${unresolved[1]}' referenced`);
  return new Error(`document contains excessive aliasing (${e.message.split('\n')[0]})`);
}

/** go-yaml v2 resolves `0o17` (strconv.ParseInt with base 0), which YAML 1.1 itself does not. */
const octalO: yaml.ScalarTag = {
  identify: (v: unknown) => typeof v === 'number',
  default: true,
  tag: 'tag:yaml.org,2002:int',
  format: 'OCT',
  test: /^[-+]?0o[0-7_]+$/,
  resolve: (s: string) => {
    const neg = s.startsWith('-');
    const n = parseInt(s.replace(/^[-+]?0o/, '').replace(/_/g, ''), 8);
    return neg ? -n : n;
  },
};

function goYamlTags(tags: yaml.Tags): yaml.Tags {
  return [octalO, ...tags.filter(t => typeof t === 'string' ? t !== 'timestamp' && t !== 'intTime' && t !== 'floatTime' : (t as yaml.ScalarTag).format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp')];
}

/** A number as go-yaml v2 writes it: ints in decimal, floats with strconv's 'g' (1e-07, 1e+21). */
class GoYamlNumber {
  public constructor(public readonly text: string) {}
}

const numberTag: yaml.ScalarTag = {
  identify: (v: unknown) => v instanceof GoYamlNumber,
  default: true,
  tag: 'tag:yaml.org,2002:float',
  stringify: item => ((item as yaml.Scalar).value as GoYamlNumber).text,
  resolve: (s: string) => s,
};

/** The number go-yaml v2 decodes from the JSON encoding/json wrote for `n`, formatted as go-yaml writes it. */
function goNumber(n: number): GoYamlNumber {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return new GoYamlNumber(BigInt(n).toString());
  if (Number.isNaN(n)) return new GoYamlNumber('.nan');
  if (!Number.isFinite(n)) return new GoYamlNumber(n > 0 ? '.inf' : '-.inf');
  return new GoYamlNumber(formatFloat(n, 'g', -1));
}

function prepare(v: unknown): unknown {
  if (typeof v === 'number') return goNumber(v);
  if (Array.isArray(v)) return v.map(prepare);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: prepare(e), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/**
 * YAML as sigs.k8s.io/yaml (go-yaml v2) writes JSON-like data: keys in go-yaml's order (digits compared as
 * numbers, non-letters before letters), sequences not indented, strings plain when they can be,
 * double-quoted when a YAML 1.1 reader would take them for another type (`"yes"`, `"1.0"`, `""`),
 * single-quoted when only the syntax forbids plain (`'a: b'`), multi-line strings as `|-` blocks.
 */
export function stringifyGoYaml(value: unknown, _json?: string): string {
  const doc = new yaml.Document(prepare(value), {
    version: '1.1',
    customTags: (tags: yaml.Tags) => [numberTag, ...tags],
    sortMapEntries: (a: yaml.Pair, b: yaml.Pair) => {
      const x = String((a.key as yaml.Scalar).value);
      const y = String((b.key as yaml.Scalar).value);
      return keyLess(x, y) ? -1 : keyLess(y, x) ? 1 : 0;
    },
  } as yaml.DocumentOptions & yaml.SchemaOptions & yaml.CreateNodeOptions);
  yaml.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      if (s.includes('\n')) node.type = 'BLOCK_LITERAL';
      else if (s === '' || resolvesToOtherScalar(s)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, singleQuote: true, indentSeq: false, nullStr: 'null' });
}

/** go-yaml v2's keyList.Less for string keys. */
export function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /^\p{L}$/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && /^\p{Nd}$/u.test(c);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') { an = 1n; bn = 1n; break; }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai].codePointAt(0)! - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi].codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** Whether a plain scalar would read as a number, boolean or null (go-yaml v2 then double-quotes the string). */
function resolvesToOtherScalar(s: string): boolean {
  // go-yaml also quotes what it reads as a timestamp or a sexagesimal float.
  if (/^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:Z|[+-]\d{1,2}(?::\d{2})?))|(?: \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?))?$/.test(s)) return true;
  if (/^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s)) return true;
  try {
    const v = parseGoYaml(s);
    if (v === null) return /^(~|null|Null|NULL)$/.test(s); // not a comment-only string such as '#x'
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
  } catch {
    return false;
  }
}

export { MAX_EXPANDED_NODES };
