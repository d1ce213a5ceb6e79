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
import { parseForEdit, replaceValueSource, scalarSource } from '../../private/yaml-edit';
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
 * The file's text with `active.<pair>` set, changing only that value's bytes (its quoting, the comment after it
 * and every other line stay): a plain side name, or `{active: <side>, keepPrimary: true}` when the old primary
 * keeps its footprint. Throws an `InputError` when the file has no line for the pair.
 */
export function setActiveSide(text: string, where: string, pair: string, side: string, keepPrimary: boolean): string {
  const doc = parseForEdit(text);
  const node: any = doc.getIn(['active', pair], true);
  if (!node?.range) throw new InputError(`${where} has no line for DR pair '${pair}' under 'active'; add \`  ${pair}: <active side>\``, where);
  const scalar = yaml.isScalar(node) ? node : yaml.isMap(node) ? node.get('active', true) as yaml.Scalar | undefined : undefined;
  const style = yaml.isScalar(scalar) ? scalar.type : undefined;
  const source = keepPrimary ? `{active: ${scalarSource(side, style)}, keepPrimary: true}` : scalarSource(side, style);
  return replaceValueSource(text, ['active', pair], source)!;
}
