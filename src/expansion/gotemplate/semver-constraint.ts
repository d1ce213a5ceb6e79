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
      const m = /^(=|!=|>=|<=|>|<|~>|~|\^)?(.*)$/.exec(parts[i])!;
      checks.push(...range(m[1] ?? '=', m[2]));
    }
    const allowsPre = parts.some(p => /-[0-9A-Za-z]/.test(p.replace(/^[<>=!~^]+/, '')) && !/^-$/.test(p));
    return (v: Version) => (allowsPre || v.pre.length === 0) && checks.every(c => c(v));
  });
  return v => alternatives.some(a => a(v));
}

function range(op: string, text: string): Check[] {
  const wild = (x: string | undefined) => x === undefined || x === 'x' || x === 'X' || x === '*';
  const m = /^v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(-[0-9A-Za-z.-]+)?$/.exec(text);
  if (!m) throw new Error(`improper constraint: ${text}`);
  if (wild(m[1])) return op === '!=' ? [() => false] : [() => true];
  const major = +m[1];
  const minor = wild(m[2]) ? undefined : +m[2];
  const patch = wild(m[3]) ? undefined : +m[3];
  const v: Version = { major, minor: minor ?? 0, patch: patch ?? 0, pre: m[4] ? m[4].slice(1).split('.') : [] };
  const next = (o: Version): Version => ({ ...o, pre: [] });
  const upper = minor === undefined ? next({ major: major + 1, minor: 0, patch: 0, pre: [] })
    : patch === undefined ? next({ major, minor: minor + 1, patch: 0, pre: [] }) : undefined;
  const ge = (b: Version): Check => x => compare(x, b) >= 0;
  const lt = (b: Version): Check => x => compare(x, b) < 0;
  switch (op) {
    case '=': return upper ? [ge(v), lt(upper)] : [x => compare(x, v) === 0];
    case '!=': return upper ? [x => !(compare(x, v) >= 0 && compare(x, upper) < 0)] : [x => compare(x, v) !== 0];
    case '>': return upper ? [x => compare(x, upper) >= 0] : [x => compare(x, v) > 0];
    case '>=': return [ge(v)];
    case '<': return [lt(v)];
    case '<=': return upper ? [lt(upper)] : [x => compare(x, v) <= 0];
    case '~': case '~>':
      return [ge(v), lt(minor === undefined ? { major: major + 1, minor: 0, patch: 0, pre: [] } : { major, minor: minor + 1, patch: 0, pre: [] })];
    case '^':
      if (major > 0 || minor === undefined) return [ge(v), lt({ major: major + 1, minor: 0, patch: 0, pre: [] })];
      if (minor > 0 || patch === undefined) return [ge(v), lt({ major: 0, minor: minor + 1, patch: 0, pre: [] })];
      return [ge(v), lt({ major: 0, minor: 0, patch: patch + 1, pre: [] })];
    default: throw new Error(`improper constraint: ${op}${text}`);
  }
}
