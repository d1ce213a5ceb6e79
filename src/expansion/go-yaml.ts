import * as yaml from 'yaml';

/**
 * Parses YAML as Argo CD does (sigs.k8s.io/yaml over go-yaml v2: YAML 1.1, so `yes`, `on` and `off` are
 * booleans and `0755` is octal), into JSON-like data. Throws with the parser's first error.
 */
export function parseGoYaml(text: string): unknown {
  const doc = yaml.parseDocument(text, { version: '1.1', uniqueKeys: false });
  if (doc.errors.length) throw new Error(doc.errors[0].message.split('\n')[0]);
  return doc.toJS({ maxAliasCount: 10_000 }) ?? null;
}

/**
 * YAML as sigs.k8s.io/yaml (go-yaml v2) writes it: keys sorted, sequences not indented, strings plain when they
 * can be, double-quoted when a YAML 1.1 reader would take them for another type (`"yes"`, `"1.0"`, `""`),
 * single-quoted when only the syntax forbids plain (`'a: b'`), multi-line strings as `|-` blocks.
 */
export function stringifyGoYaml(value: unknown): string {
  const doc = new yaml.Document(value, { version: '1.1', sortMapEntries: true });
  yaml.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const s = node.value;
      if (s.includes('\n')) node.type = 'BLOCK_LITERAL';
      else if (s === '' || resolvesToOtherScalar(s)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, singleQuote: true, indentSeq: false, nullStr: 'null' });
}

/** Whether a plain scalar would read as a number, boolean or null (go-yaml v2 then double-quotes the string). */
function resolvesToOtherScalar(s: string): boolean {
  try {
    const v = yaml.parse(s, { version: '1.1' });
    if (v === null) return /^(~|null|Null|NULL)$/.test(s); // not a comment-only string such as '#x'
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
  } catch {
    return false;
  }
}
