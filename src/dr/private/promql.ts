import { show } from '../../private/errors';

/** Problems of a Prometheus label name. */
export function labelNameErrors(name: unknown, prop: string): string[] {
  return typeof name === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)
    ? []
    : [`'${prop}' (${show(name)}) is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)`];
}

/** A PromQL string literal: double-quoted, with `\` and `"` escaped (Go's strconv.Quote). */
export function promString(value: string): string {
  return JSON.stringify(value);
}
