import { IConstruct } from 'constructs';
import { scannerModule } from './lazy';

/**
 * Throws one error listing every problem found in a construct's props, each prefixed with the construct path,
 * so that a user sees all of them at once. Does nothing when `errors` is empty.
 */
export function throwIfInvalid(scope: IConstruct, kind: string, errors: string[]): void {
  if (errors.length === 0) return;
  const lines = errors.map(e => `  [${scope.node.path}] ${e}`);
  throw new Error(`Invalid ${kind} at '${scope.node.path}':\n${lines.join('\n')}`);
}

/**
 * Reports problems of a construct's props at synth, together with every other construct's problems, instead
 * of stopping the program at the first bad construct. Only for props the construct does not use while it is
 * built (values it writes, not names, paths or objects it creates): see README "Validation".
 */
export function validateLater(scope: IConstruct, errors: string[]): void {
  if (errors.length === 0) return;
  const found = [...errors];
  scope.node.addValidation({ validate: () => found });
}

/** The longest value an error message quotes in full; longer ones are cut, with their length. */
export const MAX_SHOWN_CHARS = 120;

/**
 * Quotes a received value for an error message. Long values are truncated (`'aaaa…' (1048576 chars)`), so
 * that a 1 MB label does not flood a terminal or a CI log; credentials are redacted (`https://user:***@host`).
 */
export function show(value: unknown): string {
  // Messages reach terminals and CI logs: a credential in a value is never quoted (see the secret scanner).
  const text = scannerModule().redactForMessage(typeof value === 'string' ? value : safeJson(value));
  const cut = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  const quoted = typeof value === 'string' ? `'${cut}'` : cut;
  return text.length > MAX_SHOWN_CHARS ? `${quoted} (${text.length} chars)` : quoted;
}

function safeJson(value: unknown): string {
  if (typeof value === 'number') return String(value); // NaN and Infinity, not JSON's null
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
