import { HIDDEN, ShownFieldChange } from './diff-redaction';
import { canonicalJson, formatPath } from './object-diff';
import type { ObjectChange } from './tree-diff';
import { compareCodeUnits } from '../private/util';

/**
 * How the diff writes objects, fields and values on one line (Markdown, text and the review page share it):
 * `spec.replicas: 3 → 5`, `env[CACHE_URL]: added = {…}`, `data.password: (changed, value hidden)`.
 */

/** `api/api` (namespace/name), a cluster-scoped object's name, or a file's path. */
export function objectName(o: ObjectChange): string {
  return o.kind === 'Helm values' || o.kind === 'File' ? o.name : o.namespace ? `${o.namespace}/${o.name}` : o.name;
}

/** One field change as a line: `spec.replicas: 3 → 5`, `env[CACHE_URL]: added = …`, `data.password: (changed, value hidden)`. */
export function fieldText(f: ShownFieldChange, inAddedObject: boolean): string {
  const path = formatPath(f.path);
  if (f.change === 'reordered') {
    // A list matched by whole items (an AppProject's resource list): its items would only repeat.
    if (Array.isArray(f.after) && f.after.some(x => x !== null && typeof x === 'object')) return `${path}: the same ${f.after.length} item(s) in another order`;
    return `${path}: order ${formatValue(f.before)} → ${formatValue(f.after)}`;
  }
  if (f.hidden) {
    const what = f.change === 'changed' ? '(changed, value hidden)' : f.change === 'added' ? (inAddedObject ? '(value hidden)' : 'added (value hidden)') : 'removed (value hidden)';
    return `${path}: ${what}`;
  }
  if (f.change === 'changed') return `${path}: ${listChange(f.before, f.after) ?? longStringChange(f.before, f.after) ?? `${formatValue(f.before)} → ${formatValue(f.after)}`}`;
  if (f.change === 'added') return inAddedObject ? `${path}: ${formatValue(f.after)}` : `${path}: added = ${formatValue(f.after)}`;
  return `${path}: removed (was ${formatValue(f.before)})`;
}

/**
 * Two one-line strings too long to show whole (a Prometheus query, a CEL expression): the part that differs,
 * with some context on each side, so that a change at the end of a long value is not cut off. Undefined for
 * anything else.
 */
function longStringChange(before: unknown, after: unknown): string | undefined {
  if (typeof before !== 'string' || typeof after !== 'string' || before.includes('\n') || after.includes('\n')) return undefined;
  if (Math.max(before.length, after.length) <= MAX_VALUE_CHARS) return undefined;
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  const excerpt = (s: string) => {
    const from = Math.max(0, start - CONTEXT_CHARS);
    const to = Math.min(s.length, s.length - end + CONTEXT_CHARS);
    const middle = to - from > MAX_VALUE_CHARS ? `${s.slice(from, from + MAX_VALUE_CHARS)}…` : s.slice(from, to);
    return `${from > 0 ? '…' : ''}${middle}${to < s.length && to - from <= MAX_VALUE_CHARS ? '…' : ''}`;
  };
  return `${excerpt(before)} → ${excerpt(after)} (${before.length} → ${after.length} chars)`;
}

/** Characters shown before and after the part of a long string that changed. */
const CONTEXT_CHARS = 30;

/**
 * A list that only gained or lost items (the others keep their order; for lists of objects, such as an
 * AppProject's resource lists, the order is ignored): `+ a, − b`, which reads better than two long lists.
 * Undefined for any other change.
 */
function listChange(before: unknown, after: unknown): string | undefined {
  const scalars = (v: unknown): v is unknown[] => Array.isArray(v) && v.every(x => x === null || typeof x !== 'object');
  const objects = (v: unknown): v is unknown[] => Array.isArray(v) && v.every(x => x !== null && typeof x === 'object' && !Array.isArray(x));
  let b: string[];
  let a: string[];
  const values = new Map<string, unknown>();
  const key = (x: unknown) => {
    const k = canonicalJson(x);
    values.set(k, x);
    return k;
  };
  if (scalars(before) && scalars(after)) {
    b = before.map(key);
    a = after.map(key);
  } else if (objects(before) && objects(after) && before.length + after.length > 0) {
    b = before.map(key).sort(compareCodeUnits);
    a = after.map(key).sort(compareCodeUnits);
  } else {
    return undefined;
  }
  const count = (list: string[]) => {
    const m = new Map<string, number>();
    for (const x of list) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const cb = count(b);
  const ca = count(a);
  /** The items of `list` that `budget` still has (each use takes one). */
  const kept = (list: string[], budget: Map<string, number>) => {
    const left = new Map(budget);
    return list.filter(x => {
      const n = left.get(x) ?? 0;
      if (n > 0) left.set(x, n - 1);
      return n > 0;
    });
  };
  if (kept(b, ca).join('\u0000') !== kept(a, cb).join('\u0000')) return undefined;
  const added = kept(a, new Map([...ca].map(([k, n]) => [k, n - (cb.get(k) ?? 0)])));
  const removed = kept(b, new Map([...cb].map(([k, n]) => [k, n - (ca.get(k) ?? 0)])));
  const items = [...added.map(x => `+ ${formatValue(values.get(x))}`), ...removed.map(x => `− ${formatValue(values.get(x))}`)];
  return items.length ? items.join(', ') : undefined;
}

/** For a multi-line string value: its changed lines (`- old`, `+ new`); otherwise none. */
export function textLines(f: ShownFieldChange): string[] {
  const multi = (typeof f.before === 'string' && f.before.includes('\n')) || (typeof f.after === 'string' && f.after.includes('\n'));
  if (f.hidden || f.change === 'reordered' || !multi) return [];
  return lineDiff(typeof f.before === 'string' ? f.before : '', typeof f.after === 'string' ? f.after : '');
}

/** The changed lines of two texts (common first and last lines left out), at most `MAX_DIFF_LINES`. */
function lineDiff(before: string, after: string): string[] {
  const a = before ? before.split('\n') : [];
  const b = after ? after.split('\n') : [];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  let body = [...a.slice(start, a.length - end).map(l => `- ${l}`), ...b.slice(start, b.length - end).map(l => `+ ${l}`)];
  if (body.length > MAX_DIFF_LINES) body = [...body.slice(0, MAX_DIFF_LINES), `… ${body.length - MAX_DIFF_LINES} more line(s)`];
  return body.map(l => (l.length > MAX_VALUE_CHARS * 2 ? `${l.slice(0, MAX_VALUE_CHARS * 2)}…` : l));
}

const MAX_DIFF_LINES = 40;
const MAX_VALUE_CHARS = 160;

/**
 * A value for a one-line display: strings as they are unless they would read as something else (a number,
 * `true`, an empty string, edge spaces: then quoted); maps and lists in a compact flow style; long values cut.
 */
export function formatValue(v: unknown): string {
  if (typeof v === 'string' && v.includes('\n')) return `(${v.split('\n').length} lines)`;
  const text = flow(v);
  const oneLine = text.includes('\n') ? `${text.split('\n')[0]}… (${text.split('\n').length} lines)` : text;
  return oneLine.length > MAX_VALUE_CHARS ? `${oneLine.slice(0, MAX_VALUE_CHARS)}… (${text.length} chars)` : oneLine;
}

function flow(v: unknown): string {
  if (v === HIDDEN) return HIDDEN;
  if (typeof v === 'string') return plainString(v) ? v : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v instanceof Date) return v.toISOString();
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${plainString(k) ? k : JSON.stringify(k)}: ${flow(x)}`).join(', ')}}`;
  return JSON.stringify(v) ?? String(v);
}

/**
 * Whether a string reads as itself unquoted: not empty, no edge spaces, not a number, `true`, `false` or `null`
 * (then `"5"` and `5` look different), and nothing of the flow syntax or the diff's own `→`.
 */
function plainString(s: string): boolean {
  return s !== '' && s.trim() === s && !/^(true|false|null|[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?)$/i.test(s) && !/[{}[\],"]|: | →|^\(/.test(s);
}

