import { compareSemVer, parseSemVer } from './semver';
import { show } from '../private/errors';
import { labelValueErrors, qualifiedNameErrors } from '../private/names';
import { InputError, parseYamlDocument } from '../private/yaml-input';

/**
 * Whether an environment may run `version` while its upstream runs `upstreamVersion`: the same version, or an
 * older one when both are semantic versions (the environment lags behind).
 */
export function promotionAllowed(version: string, upstreamVersion: string): boolean {
  if (version === upstreamVersion) return true;
  const a = parseSemVer(version);
  const b = parseSemVer(upstreamVersion);
  return a !== undefined && b !== undefined && compareSemVer(a, b) < 0;
}

interface ParsedVersions {
  environments: string[];
  environmentLabel: string;
  pins: Map<string, Map<string, string>>;
  errors: string[];
}

/**
 * Parses and checks a versions file; every problem names the file and the key. YAML errors (with line and
 * column), duplicate keys and alias bombs are refused by the shared bounded reader (`private/yaml-input`).
 */
export function parseVersions(text: string, where: string): ParsedVersions {
  const errors: string[] = [];
  let data: any = {};
  try {
    data = parseYamlDocument(text, where) ?? {};
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    return { environments: [], environmentLabel: 'environment', pins: new Map(), errors: [e.message] };
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    errors.push(`${where}: must be a mapping with 'environments' and 'versions' (got ${show(data)})`);
    data = {};
  }
  const environments: string[] = Array.isArray(data.environments) ? data.environments.map(String) : [];
  if (environments.length === 0) errors.push(`${where}: 'environments' must list the environments in promotion order (got ${show(data.environments)})`);
  for (const e of environments) for (const m of labelValueErrors(e)) errors.push(`${where}: environment ${show(e)} must be a label value: ${m}`);
  if (new Set(environments).size !== environments.length) errors.push(`${where}: 'environments' has duplicates (${show(environments)})`);
  const environmentLabel = typeof data.environmentLabel === 'string' ? data.environmentLabel : 'environment';
  for (const m of qualifiedNameErrors(environmentLabel)) errors.push(`${where}: 'environmentLabel' (${show(environmentLabel)}) ${m}`);
  const pins = new Map<string, Map<string, string>>();
  const versions = data.versions ?? {};
  if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) errors.push(`${where}: 'versions' must map applications to environments to versions (got ${show(versions)})`);
  for (const [app, byEnv] of Object.entries<any>(typeof versions === 'object' && !Array.isArray(versions) ? versions : {})) {
    if (!byEnv || typeof byEnv !== 'object' || Array.isArray(byEnv)) {
      errors.push(`${where}: 'versions.${app}' must map environments to versions (got ${show(byEnv)})`);
      continue;
    }
    const m = new Map<string, string>();
    for (const [env, v] of Object.entries<any>(byEnv)) {
      if (!environments.includes(env)) errors.push(`${where}: 'versions.${app}.${env}': '${env}' is not one of the environments ${show(environments)}`);
      if (v instanceof Date) errors.push(`${where}: 'versions.${app}.${env}' is a date in YAML; quote it so it stays a version`);
      else if (typeof v !== 'string' && typeof v !== 'number') errors.push(`${where}: 'versions.${app}.${env}' must be a version string (got ${show(v)})`);
      else if (typeof v === 'number') errors.push(`${where}: 'versions.${app}.${env}' (${v}) is a number in YAML; quote it ("${v}") so it stays a version`);
      else if (!/^\S+$/.test(v)) errors.push(`${where}: 'versions.${app}.${env}' (${show(v)}) must be a version without spaces`);
      else m.set(env, v);
    }
    pins.set(app, m);
  }
  return { environments, environmentLabel, pins, errors };
}
