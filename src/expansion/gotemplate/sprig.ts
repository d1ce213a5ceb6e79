/**
 * The functions an ApplicationSet Go template gets: sprig v3.3.0's GenericFuncMap minus `env`, `expandenv` and
 * `getHostByName` (which Argo CD deletes), plus Argo CD's own `normalize`, `slugify`, `toYaml`, `fromYaml` and
 * `fromYamlArray` (argo-cd v3.5.1 applicationset/utils/utils.go and template_functions.go).
 *
 * Functions whose output depends on the moment, on randomness or on generated key material (`now`, `date`,
 * `uuidv4`, `randAlphaNum`, `genCA`, …) exist, so a template that mentions them parses as in Argo CD, but
 * calling one fails with "cannot be previewed offline": an offline preview cannot know their result.
 */
import { parseGoYaml, stringifyGoYaml } from '../go-yaml';
import { FunctionError, fn, notPreviewable, TemplateFunction } from './functions';
import { JsonError, marshal } from './json';
import { SPRIG_LIST_FUNCTIONS } from './sprig-lists';
import { SPRIG_NUMBER_FUNCTIONS } from './sprig-numbers';
import { SPRIG_STRING_FUNCTIONS, toLower } from './sprig-strings';
import { fromJson, GoInt, GoValue, isMap, NO_VALUE, toJson, typeName } from './values';

const TIME = 'its result depends on the current time or the controller\'s time zone';
const RANDOM = 'its result is random';
const CRYPTO = 'it generates or uses key material';

/** sprig's time, random and crypto functions, with their Go parameter types. */
const NOT_PREVIEWABLE: [string, string, string, ('a' | 's' | 'i')?][] = [
  ['ago', 'a', TIME], ['date', 'sa', TIME], ['date_in_zone', 'sas', TIME], ['date_modify', 'sa', TIME], ['dateInZone', 'sas', TIME],
  ['dateModify', 'sa', TIME], ['durationRound', 'a', TIME], ['htmlDate', 'a', TIME], ['htmlDateInZone', 'as', TIME],
  ['must_date_modify', 'sa', TIME], ['mustDateModify', 'sa', TIME], ['mustToDate', 'ss', TIME], ['now', '', TIME], ['toDate', 'ss', TIME],
  ['unixEpoch', 'a', TIME],
  ['randAlphaNum', 'i', RANDOM], ['randAlpha', 'i', RANDOM], ['randAscii', 'i', RANDOM], ['randNumeric', 'i', RANDOM], ['randInt', 'ii', RANDOM],
  ['randBytes', 'i', RANDOM], ['shuffle', 's', RANDOM], ['uuidv4', '', RANDOM],
  ['bcrypt', 's', CRYPTO], ['htpasswd', 'ss', CRYPTO], ['genPrivateKey', 's', CRYPTO], ['derivePassword', 'issss', CRYPTO],
  ['buildCustomCert', 'ss', CRYPTO], ['genCA', 'si', CRYPTO], ['genCAWithKey', 'sis', CRYPTO], ['genSelfSignedCert', 'saai', CRYPTO],
  ['genSelfSignedCertWithKey', 'saais', CRYPTO], ['genSignedCert', 'saaia', CRYPTO], ['genSignedCertWithKey', 'saaias', CRYPTO],
  ['encryptAES', 'ss', CRYPTO], ['decryptAES', 'ss', CRYPTO],
];

export const SPRIG_FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map<string, TemplateFunction>([
  ...SPRIG_STRING_FUNCTIONS,
  ...SPRIG_LIST_FUNCTIONS,
  ...SPRIG_NUMBER_FUNCTIONS,
  ...NOT_PREVIEWABLE.map(([name, params, why, variadic]): [string, TemplateFunction] => [name, notPreviewable(name, params, why, variadic)]),
  ['duration', fn('a', (v: GoValue) => goDuration(v))],
  // Argo CD's own.
  ['normalize', fn('s', (s: string) => normalizeName(s))],
  ['slugify', fn('', (...args: GoValue[]) => slugify(args), 'a')],
  ['toYaml', fn('a', (v: GoValue) => toYaml(v))],
  ['fromYaml', fn('s', (s: string) => fromYaml(s, false))],
  ['fromYamlArray', fn('s', (s: string) => fromYaml(s, true))],
]);

/**
 * sprig's `duration`: seconds as a time.Duration's String(). Only a string or an int64 is read; any other
 * type (a template's int constant, a JSON float64) is 0, as in sprig.
 */
function goDuration(v: GoValue): string {
  let n = 0n;
  if (typeof v === 'string') n = /^[+-]?\d+$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n ? BigInt(v) : 0n;
  else if (v instanceof GoInt && v.type === 'int64') n = v.value;
  return formatDuration(BigInt.asIntN(64, n * 1_000_000_000n));
}

/** time.Duration.String for nanoseconds. */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  if (u < 1_000_000_000n) {
    const [unit, scale] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    return `${neg ? '-' : ''}${fraction(u, scale)}${unit}`;
  }
  let out = '';
  const h = u / 3_600_000_000_000n;
  u -= h * 3_600_000_000_000n;
  const m = u / 60_000_000_000n;
  u -= m * 60_000_000_000n;
  if (h > 0n) out += `${h}h`;
  if (h > 0n || m > 0n) out += `${m}m`;
  out += `${fraction(u, 1_000_000_000n)}s`;
  return (neg ? '-' : '') + out;
}

function fraction(v: bigint, scale: bigint): string {
  const whole = v / scale;
  const frac = (v % scale).toString().padStart(scale.toString().length - 1, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** Argo CD's SanitizeName (`normalize`, and the generators' `nameNormalized`/`basenameNormalized`). */
export function normalizeName(name: string): string {
  let s = toLower(name).replace(/[^-a-z0-9.]/gu, '-');
  if (s.length > 253) s = s.slice(0, 253);
  return s.replace(/^[-.]+|[-.]+$/g, '');
}

/** Argo CD's SlugifyName: `slugify [maxSize=50] [smartTruncate=true] name`, over gosimple/slug v1.15. */
function slugify(args: GoValue[]): string {
  let maxSize = 50;
  let smart = true;
  let name = '';
  const assert = (v: GoValue, want: string): never => {
    throw new FunctionError(`interface conversion: interface {} is ${v === null || v === NO_VALUE ? 'nil' : typeName(v)}, not ${want}`);
  };
  args.forEach((a, i) => {
    if (i === args.length - 1) { if (typeof a !== 'string') assert(a, 'string'); name = a as string; } else if (i === 0) { if (typeof a !== 'bigint') assert(a, 'int'); maxSize = Number(a); } else if (i === 1) { if (typeof a !== 'boolean') assert(a, 'bool'); smart = a as boolean; }
  });
  let slug = normalizeName(name).trim();
  if (!smart && slug.length >= maxSize) {
    if (maxSize < 0) throw new FunctionError(`runtime error: slice bounds out of range [:${maxSize}]`);
    slug = slug.slice(0, maxSize);
  }
  slug = slug.replace(/[^a-zA-Z0-9_-]/g, '-').replace(/-+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  if (maxSize > 0 && smart && slug.length > maxSize) {
    let cut = -1;
    for (let i = maxSize; i >= 0; i--) if (slug[i] === '-') { cut = i; break; }
    slug = cut >= 0 ? slug.slice(0, cut) : slug.slice(0, maxSize);
  }
  return slug;
}

/** Argo CD's toYAML: sigs.k8s.io/yaml.Marshal (JSON first, then YAML), the trailing newline trimmed. */
function toYaml(v: GoValue): string {
  let json: string;
  try {
    json = marshal(v);
  } catch (e) {
    if (e instanceof JsonError) throw new FunctionError(`error marshaling into JSON: ${e.message}`);
    throw e;
  }
  return stringifyGoYaml(JSON.parse(json), json).replace(/\n$/, '');
}

/** Argo CD's fromYAML / fromYAMLArray: sigs.k8s.io/yaml.Unmarshal into a map or a slice. */
function fromYaml(s: string, array: boolean): GoValue {
  let parsed: unknown;
  try {
    parsed = parseGoYaml(s);
  } catch (e) {
    throw new FunctionError(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return array ? [] : {};
  const target = array ? '[]interface {}' : 'map[string]interface {}';
  if (array ? !Array.isArray(parsed) : !isMap(parsed as GoValue) || Array.isArray(parsed)) {
    const kind = typeof parsed === 'string' ? 'string' : typeof parsed === 'boolean' ? 'bool' : typeof parsed === 'number' ? 'number' : Array.isArray(parsed) ? 'array' : 'object';
    throw new FunctionError(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type ${target}`);
  }
  return fromJson(parsed);
}

export { toJson };
