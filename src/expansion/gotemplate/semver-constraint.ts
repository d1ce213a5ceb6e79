/**
 * Masterminds/semver v3 (sprig's `semver`, `semverCompare`): versions may be partial (`1.28`) and carry a `v`;
 * constraints are comparisons (`=`, `!=`, `>`, `<`, `>=`, `<=`), tilde and caret ranges, `x`/`*` wildcards and
 * hyphen ranges, joined by `,` or spaces (and) and `||` (or). A pre-release version only satisfies a
 * constraint that itself names a pre-release.
 */

export interface Version { major: number; minor: number; patch: number; pre: string[]; metadata?: string }

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export function parseLooseVersion(s: string): Version | undefined {
  const m = VERSION.exec(s.trim());
  if (!m) return undefined;
  return { major: +m[1], minor: +(m[2] ?? 0), patch: +(m[3] ?? 0), pre: m[4] ? m[4].split('.') : [], metadata: m[5] };
}

/**
 * Masterminds/semver v3.4.0 `NewVersion` with its default `CoerceNewVersion` (what sprig's `semver` and
 * `semverCompare` call): the loose form, leading zeros in numbers allowed, a numeric pre-release part with a
 * leading zero refused; throws with the library's (v3.4.0, lower-case) messages.
 */
export function newVersion(s: string): Version {
  const m = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/.exec(s);
  if (!m) throw new Error('invalid semantic version');
  for (const part of [m[1], m[2], m[3]]) {
    if (part !== undefined && BigInt(part) > 0xffffffffffffffffn) {
      throw new Error(`error parsing version segment: strconv.ParseUint: parsing ${JSON.stringify(part)}: value out of range`);
    }
  }
  const pre = m[4] ? m[4].split('.') : [];
  if (pre.some(p => /^[0-9]+$/.test(p) && p.length > 1 && p[0] === '0')) throw new Error('version segment starts with 0');
  return { major: +m[1], minor: +(m[2] ?? 0), patch: +(m[3] ?? 0), pre, metadata: m[5] };
}

function compare(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] - b[k];
  if (!a.pre.length || !b.pre.length) return (a.pre.length ? -1 : 0) - (b.pre.length ? -1 : 0);
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const [x, y] = [a.pre[i], b.pre[i]];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const [nx, ny] = [/^\d+$/.test(x), /^\d+$/.test(y)];
    if (nx && ny) return +x - +y;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Check = (v: Version) => boolean;

/** Compiles a constraint; throws with Masterminds' wording for an invalid one. */
export function compileConstraint(constraint: string): Check {
  const alternatives = constraint.split('||').map(alt => {
    const parts = alt.trim().replace(/\s*-\s+/g, ' - ').replace(/([<>=!~^]+)\s+/g, '$1').split(/[\s,]+/).filter(Boolean);
    const checks: Check[] = [];
    for (let i = 0; i < parts.length; i++) {
      if (parts[i + 1] === '-' && parts[i + 2] !== undefined) {
        checks.push(...range('>=', parts[i]), ...range('<=', parts[i + 2]));
        i += 2;
        continue;
      }
      const m = /^(=>|=<|=|!=|>=|<=|>|<|~>|~|\^)?(.*)$/.exec(parts[i])!;
      checks.push(...range(m[1] ?? '=', m[2]));
    }
    const allowsPre = parts.some(p => /-[0-9A-Za-z]/.test(p.replace(/^[<>=!~^]+/, '')) && !/^-$/.test(p));
    return (v: Version) => (allowsPre || v.pre.length === 0) && checks.every(c => c(v));
  });
  return v => alternatives.some(a => a(v));
}

/** A parsed constraint (Masterminds' `constraint`): the version it names, and which parts were wildcards or absent. */
interface Constraint { readonly con: Version; readonly dirty: boolean; readonly minorDirty: boolean; readonly patchDirty: boolean }

/**
 * One comparison, as Masterminds/semver v3.4.0's constraint functions check it (constraints.go): wildcard parts
 * make the constraint "dirty", and each operator treats dirty parts its own way (`!=4.1` is "major or minor
 * differs", `~0.0.0` accepts everything, `^*` only 0.0.0). Pre-release filtering is done for the whole group.
 */
function range(op: string, text: string): Check[] {
  const wild = (x: string | undefined) => x === undefined || x === 'x' || x === 'X' || x === '*';
  const m = /^v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) throw new Error(`improper constraint: ${text}`);
  const pre = m[4] ? m[4].slice(1).split('.') : [];
  let c: Constraint;
  if (wild(m[1])) c = { con: { major: 0, minor: 0, patch: 0, pre }, dirty: true, minorDirty: false, patchDirty: false };
  else if (wild(m[2])) c = { con: { major: +m[1], minor: 0, patch: 0, pre }, dirty: true, minorDirty: true, patchDirty: false };
  else if (wild(m[3])) c = { con: { major: +m[1], minor: +m[2], patch: 0, pre }, dirty: true, minorDirty: false, patchDirty: true };
  else c = { con: { major: +m[1], minor: +m[2], patch: +m[3], pre }, dirty: false, minorDirty: false, patchDirty: false };
  const check = OPS.get(op);
  if (!check) throw new Error(`improper constraint: ${op}${text}`);
  return [v => check(v, c)];
}

const tilde = (v: Version, c: Constraint): boolean => {
  if (compare(v, c.con) < 0) return false;
  if (c.con.major === 0 && c.con.minor === 0 && c.con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
};
const lessOrEqual = (v: Version, c: Constraint): boolean => {
  if (!c.dirty) return compare(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
};
const greaterOrEqual = (v: Version, c: Constraint): boolean => compare(v, c.con) >= 0;
const tildeOrEqual = (v: Version, c: Constraint): boolean => (c.dirty ? tilde(v, c) : compare(v, c.con) === 0);

const OPS = new Map<string, (v: Version, c: Constraint) => boolean>([
  ['=', tildeOrEqual],
  ['!=', (v, c) => {
    if (c.dirty) {
      if (c.con.major !== v.major) return true;
      if (c.con.minor !== v.minor && !c.minorDirty) return true;
      if (c.minorDirty) return false;
      if (c.con.patch !== v.patch && !c.patchDirty) return true;
      if (c.patchDirty) return (v.pre.length > 0 || c.con.pre.length > 0) && v.pre.join('.') !== c.con.pre.join('.');
    }
    return compare(v, c.con) !== 0;
  }],
  ['>', (v, c) => {
    if (!c.dirty) return compare(v, c.con) > 0;
    if (v.major !== c.con.major) return v.major > c.con.major;
    if (c.minorDirty) return false;
    if (c.patchDirty) return v.minor > c.con.minor;
    return compare(v, c.con) > 0;
  }],
  ['<', (v, c) => compare(v, c.con) < 0],
  ['>=', greaterOrEqual],
  ['=>', greaterOrEqual],
  ['<=', lessOrEqual],
  ['=<', lessOrEqual],
  ['~', tilde],
  ['~>', tilde],
  ['^', (v, c) => {
    if (compare(v, c.con) < 0) return false;
    if (c.con.major > 0 || c.minorDirty) return v.major === c.con.major;
    if (v.major > 0) return false;
    if (c.con.minor > 0 || c.patchDirty) return v.minor === c.con.minor;
    if (v.minor > 0) return false;
    return v.patch === c.con.patch;
  }],
]);
