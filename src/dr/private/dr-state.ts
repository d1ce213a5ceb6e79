/**
 * The DR state file: which side of each DR pair serves traffic, one line per pair, kept in the fleet repository
 * and edited by `cdk8s-fleet failover` / `failback` (only the value's bytes change):
 *
 * ```yaml
 * active:
 *   api: prod-eu-1                                     # the primary side: normal operation
 *   checkout: {active: dr-eu-central-1, keepPrimary: true}   # failed over, the old primary left as it is
 * ```
 *
 * Read by the program (`DrStateFile`) and the CLI through the shared bounded reader.
 */
import * as yaml from 'yaml';
import { show } from '../../private/errors';
import { parseForEdit, scalarSource } from '../../private/yaml-edit';
import { InputError, parseYamlDocument } from '../../private/yaml-input';

/** One pair's line. */
export interface DrStateEntry {
  /** The active side's name. */
  readonly active: string;
  /** After a failover: the old primary keeps its full footprint. */
  readonly keepPrimary: boolean;
}

/** What a state file says. */
export interface ParsedDrState {
  readonly entries: Map<string, DrStateEntry>;
  readonly errors: string[];
}

/** Side names: what a person types after `--to` (a DNS-1123 label, as cluster names are). */
const SIDE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `name` can be a side's name (what the file and `--to` accept). */
export function isSideName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= 63 && SIDE.test(name);
}

/** Parses and checks the file's text; every problem names the file and the key. */
export function parseDrState(text: string, where: string): ParsedDrState {
  const entries = new Map<string, DrStateEntry>();
  const errors: string[] = [];
  let data: any;
  try {
    data = parseYamlDocument(text, where);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { entries, errors: [e.message] };
  }
  if (data === null) data = { active: {} };
  if (typeof data !== 'object' || Array.isArray(data)) {
    return { entries, errors: [`${where}: must be a mapping with 'active' (got ${show(data)})`] };
  }
  for (const key of Object.keys(data)) if (key !== 'active') errors.push(`${where}: unknown key ${show(key)}; the file has one key, 'active'`);
  const active = data.active ?? {};
  if (typeof active !== 'object' || active === null || Array.isArray(active)) {
    errors.push(`${where}: 'active' must map each DR pair to its active side (got ${show(active)})`);
    return { entries, errors };
  }
  for (const [pair, value] of Object.entries<any>(active)) {
    const at = `${where}: 'active.${pair}'`;
    let side: unknown = value;
    let keepPrimary = false;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      for (const k of Object.keys(value)) if (k !== 'active' && k !== 'keepPrimary') errors.push(`${at} has unknown key ${show(k)} (only 'active' and 'keepPrimary')`);
      side = value.active;
      if (value.keepPrimary !== undefined && typeof value.keepPrimary !== 'boolean') {
        errors.push(`${where}: 'active.${pair}.keepPrimary' must be true or false (got ${show(value.keepPrimary)})`);
      }
      keepPrimary = value.keepPrimary === true;
    }
    if (typeof side !== 'string' || !SIDE.test(side)) {
      errors.push(`${at} must name the active side, a DNS-1123 label such as 'prod-eu-1' (got ${show(side)})`);
      continue;
    }
    entries.set(pair, { active: side, keepPrimary });
  }
  return { entries, errors };
}

/**
 * The file's text with `active.<pair>` set, changing only the value's bytes (its quoting, the comments and every
 * other line stay): a plain side name, or `{active: <side>, keepPrimary: true}` when the old primary keeps its
 * footprint. A pair written as a block mapping keeps its lines: its `active` and `keepPrimary` values are set in
 * place (a `keepPrimary: true` line is added under `active` when needed). Throws an `InputError` when the file
 * has no line for the pair.
 */
export function setActiveSide(text: string, where: string, pair: string, side: string, keepPrimary: boolean): string {
  const doc = parseForEdit(text);
  const node: any = doc.getIn(['active', pair], true);
  if (!node?.range) throw new InputError(`${where} has no line for DR pair '${pair}' under 'active'; add \`  ${pair}: <active side>\``, where);
  if (yaml.isMap(node) && !node.flow) return setInBlockMap(text, where, pair, node, side, keepPrimary);
  const scalar = yaml.isScalar(node) ? node : yaml.isMap(node) ? node.get('active', true) as yaml.Scalar | undefined : undefined;
  const style = yaml.isScalar(scalar) ? scalar.type : undefined;
  const source = keepPrimary ? `{active: ${scalarSource(side, style)}, keepPrimary: true}` : scalarSource(side, style);
  // A tag written before the value (`!!str prod-eu-1`) goes with it when a scalar becomes a mapping
  // or back: `!!str {…}` would not read.
  const from = yaml.isScalar(node) === !keepPrimary ? node.range[0] : node.range[0] - (/![^\s,{}[\]]*[ \t]+$/.exec(text.slice(0, node.range[0]))?.[0].length ?? 0);
  return text.slice(0, from) + source + text.slice(node.range[1]);
}

/** The edit of a pair written as a block mapping: its `active` and `keepPrimary` values, in place. */
function setInBlockMap(text: string, where: string, pair: string, map: yaml.YAMLMap, side: string, keepPrimary: boolean): string {
  const pairOf = (key: string) => map.items.find(i => yaml.isScalar(i.key) && i.key.value === key);
  const active = pairOf('active');
  const value = active?.value;
  if (!yaml.isScalar(value) || !value.range || !yaml.isScalar(active!.key) || !active!.key.range) {
    throw new InputError(`${where}: 'active.${pair}' has no 'active' side to set`, where);
  }
  const edits: Array<[number, number, string]> = [[value.range[0], value.range[1], scalarSource(side, value.type)]];
  const keep = pairOf('keepPrimary')?.value;
  if (yaml.isScalar(keep) && keep.range) {
    edits.push([keep.range[0], keep.range[1], String(keepPrimary)]);
  } else if (keepPrimary) {
    // A line of its own after the `active` line, at its indentation, with the file's line ending.
    const keyStart = active!.key.range[0];
    const indent = keyStart - (text.lastIndexOf('\n', keyStart - 1) + 1);
    const newline = text.indexOf('\n', value.range[1]);
    const at = newline < 0 ? text.length : text[newline - 1] === '\r' ? newline - 1 : newline;
    const eol = /\r\n/.test(text) ? '\r\n' : '\n';
    edits.push([at, at, `${eol}${text.slice(keyStart - indent, keyStart)}keepPrimary: true`]);
  }
  let out = text;
  for (const [from, to, source] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, from) + source + out.slice(to);
  return out;
}
