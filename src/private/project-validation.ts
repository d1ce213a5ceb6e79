/**
 * The rules Argo CD v3.5.1 `AppProject.ValidateProject` (pkg/apis/application/v1alpha1/app_project_types.go,
 * types.go) applies to roles, policies, groups and sync windows, with its messages. The API server and the
 * project controller reject a project that breaks any of them.
 */

const ROLE_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]*[a-zA-Z0-9])?$/;

/** `validateRoleName`. */
export function roleNameError(name: string): string | undefined {
  if (ROLE_NAME.test(name)) return undefined;
  return `invalid role name '${name}'. Must consist of alphanumeric characters, '-' or '_', and must start and end with an alphanumeric character`;
}

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;
const GO_SPACE_RUN = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;
const GO_SPACES = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/gu;

/** `validateGroupName`: an SSO group bound to a role (quoted when it holds a comma). */
export function groupNameError(group: string): string | undefined {
  const runes = [...group];
  let name = group.replace(GO_SPACES, '');
  if (name.length > 1 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1);
  else if (name.includes(',')) return `group '${name}' must be quoted`;
  if (name === '') return `group '${name}' is empty`;
  if (/["\n\r\t]/.test(name)) return `group '${name}' contains invalid characters`;
  if (runes.length > 1 && GO_SPACE.test(runes[0])) return `group '${name}' contains a leading space`;
  if (runes.length > 1 && GO_SPACE.test(runes[runes.length - 1])) return `group '${name}' contains a trailing space`;
  return undefined;
}

/** util/rbac `ProjectScoped`: the resources a project role's policies may name. */
export const PROJECT_SCOPED_RESOURCES = ['applications', 'applicationsets', 'repositories', 'exec', 'logs', 'clusters'];
const ACTIONS = ['get', 'create', 'update', 'delete', 'sync', 'override', '*'];

/** `isValidAction`: a plain action, or one containing `action/`, `update/` or `delete/` (matched unanchored, as upstream). */
export function isValidAction(action: string): boolean {
  return ACTIONS.includes(action) || /action\/|update\/|delete\//.test(action);
}

/** `isValidObject` for the part after `<project>/`: `[<namespace>/]<application>`, each of `*`, word characters, '-', '.'. */
export function isValidPolicyObject(object: string): boolean {
  return /^([*\w.-]+\/)?[*\w.-]+$/.test(object);
}

/** `validatePolicy(proj, role, policy)`: a `p, proj:<project>:<role>, <resource>, <action>, <project>/<object>, allow|deny` line. */
export function policyError(project: string, role: string, policy: string): string | undefined {
  const parts = policy.split(',');
  const trim = (s: string) => s.replace(/^ +| +$/g, '');
  if (parts.length !== 6 || trim(parts[0]) !== 'p') {
    return `invalid policy rule '${policy}': must be of the form: 'p, sub, res, act, obj, eft'`;
  }
  const [, subject, resource, action, object, effect] = parts.map(trim);
  const expected = `proj:${project}:${role}`;
  if (subject !== expected) return `invalid policy rule '${policy}': policy subject must be: '${expected}', not '${subject}'`;
  if (!PROJECT_SCOPED_RESOURCES.includes(resource)) {
    return `invalid policy rule '${policy}': project resource must be: 'applications', 'applicationsets', 'repositories', 'exec', 'logs' or 'clusters', not '${resource}'`;
  }
  if (!isValidAction(action)) return `invalid policy rule '${policy}': invalid action '${action}'`;
  if (!object.startsWith(`${project}/`) || !isValidPolicyObject(object.slice(project.length + 1))) {
    return `invalid policy rule '${policy}': object must be of form '${project}/*', '${project}[/<NAMESPACE>]/<APPNAME>' or '${project}/<APPNAME>', not '${object}'`;
  }
  if (effect !== 'allow' && effect !== 'deny') return `invalid policy rule '${policy}': effect must be: 'allow' or 'deny'`;
  return undefined;
}

interface Bounds { readonly min: number; readonly max: number; readonly names?: readonly string[] }

const CRON_FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/**
 * Why robfig/cron v3 (`cron.NewParser(Minute | Hour | Dom | Month | Dow)`, as `SyncWindow.Validate` builds it)
 * rejects a schedule, in its words; undefined when it parses. Five fields; `*`/`?`, numbers, names (jan–dec,
 * sun–sat), ranges, steps and lists; no `@daily` descriptors; an optional `TZ=`/`CRON_TZ=` prefix.
 */
export function cronScheduleError(schedule: string): string | undefined {
  if (schedule.length === 0) return 'empty spec string';
  let spec = schedule;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const space = spec.indexOf(' ');
    if (space < 0) return 'provided bad location'; // robfig slices past the end here; Argo CD cannot load it either
    const zone = spec.slice(spec.indexOf('=') + 1, space);
    if (!isTimeZone(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    spec = spec.slice(space).replace(GO_SPACES, '');
  }
  if (spec.startsWith('@')) return `parser does not accept descriptors: ${spec}`;
  const fields = spec.split(GO_SPACE_RUN).filter(f => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of fields[i].split(',').filter(e => e !== '')) {
      const error = cronRangeError(expr, CRON_FIELDS[i]);
      if (error) return error;
    }
  }
  return undefined;
}

function cronRangeError(expr: string, r: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min; end = r.max;
  } else {
    const lo = cronNumber(lowAndHigh[0], r.names);
    if (typeof lo === 'string') return lo;
    start = lo;
    if (lowAndHigh.length === 1) {
      end = start;
    } else if (lowAndHigh.length === 2) {
      const hi = cronNumber(lowAndHigh[1], r.names);
      if (typeof hi === 'string') return hi;
      end = hi;
    } else {
      return `too many hyphens: ${expr}`;
    }
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = cronNumber(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) {
    return `too many slashes: ${expr}`;
  }
  if (start < r.min) return `beginning of range (${start}) below minimum (${r.min}): ${expr}`;
  if (end > r.max) return `end of range (${end}) above maximum (${r.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

/** robfig's `parseIntOrName`/`mustParseInt`: a name (case-insensitive) or a Go `strconv.Atoi` number ≥ 0. */
function cronNumber(expr: string, names?: readonly string[]): number | string {
  const named = names?.indexOf(expr.toLowerCase()) ?? -1;
  if (named >= 0) return named + (names!.length === 12 ? 1 : 0);
  if (!/^[+-]?[0-9]+$/.test(expr)) return `failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`;
  if (!Number.isSafeInteger(Number(expr))) return `failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": value out of range`;
  const n = Number(expr);
  if (n < 0) return `negative number (${n}) not allowed: ${expr}`;
  return n;
}

/**
 * Whether Go's `time.LoadLocation` would load `zone`: '' and 'UTC' and 'Local', or an IANA name (ICU's list here;
 * Go reads the tz database by file name, so a name that differs only in case is refused).
 */
export function isTimeZone(zone: string): boolean {
  if (zone === '' || zone === 'UTC' || zone === 'Local') return true;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase();
  } catch {
    return false;
  }
}
