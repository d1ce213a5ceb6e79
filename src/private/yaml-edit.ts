import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';

/**
 * Byte-level edits of YAML files people keep in the fleet repository (versions.yaml, the DR state file): one
 * value's bytes are replaced in place, so its quoting, the comment after it and every other line stay as they
 * were. Shared by `cdk8s-fleet promote`, `failover` and `failback`.
 */

/** The parsed document with byte ranges, for edits. */
export function parseForEdit(text: string): yaml.Document.Parsed {
  return yaml.parseDocument(text);
}

/**
 * `value` as a YAML scalar in the given style (`QUOTE_SINGLE`, `QUOTE_DOUBLE` or plain), quoted when a plain
 * scalar would read as something else (a number, a boolean, null, a date…).
 */
export function scalarSource(value: string, style?: string): string {
  if (style === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (style === 'QUOTE_DOUBLE') return JSON.stringify(value);
  let plain = false;
  try {
    plain = yaml.parse(value) === value;
  } catch {
    plain = false;
  }
  return plain ? value : JSON.stringify(value);
}

/**
 * Writes `content` to `file` atomically (a temporary file beside it, renamed over it), so that an interrupted
 * write never leaves half a file. Throws an `Error` whose message names the file and says it is unchanged.
 */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.renameSync(tmp, file);
  } catch (e: any) {
    fs.rmSync(tmp, { force: true });
    throw new Error(`${file}: cannot be written (${e?.code ?? e?.message ?? e}); it is unchanged`);
  }
}
