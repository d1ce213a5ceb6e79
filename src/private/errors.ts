import { IConstruct } from 'constructs';

/**
 * Throws one error listing every problem found in a construct's props, each prefixed with the construct path,
 * so that a user sees all of them at once. Does nothing when `errors` is empty.
 */
export function throwIfInvalid(scope: IConstruct, kind: string, errors: string[]): void {
  if (errors.length === 0) return;
  const lines = errors.map(e => `  [${scope.node.path}] ${e}`);
  throw new Error(`Invalid ${kind} at '${scope.node.path}':\n${lines.join('\n')}`);
}

/** Quotes a received value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}
