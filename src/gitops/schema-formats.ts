/**
 * The OpenAPI `format`s the pinned schemas use, as ajv format definitions. The runtime compiler
 * (schema-validator.ts) registers them, and the generated validators (schemas/validators.js, written by
 * `npx projen import`) embed `schemaFormatsSource()`, so both check exactly the same thing.
 *
 * Each `validate` function must be self-contained (no closures): its source text is copied into generated code.
 */
export const SCHEMA_FORMATS = {
  'int32': { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 },
  'int64': { type: 'number' as const, validate: (n: number) => Number.isInteger(n) },
  'double': { type: 'number' as const, validate: (_n: number) => true },
  'byte': /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
};

/** JavaScript source of an object literal equal to `SCHEMA_FORMATS`, for generated code. */
export function schemaFormatsSource(): string {
  const entries = Object.entries(SCHEMA_FORMATS).map(([name, format]) => {
    const value = format instanceof RegExp ? String(format) : `{ type: ${JSON.stringify(format.type)}, validate: ${format.validate.toString()} }`;
    return `${JSON.stringify(name)}: ${value}`;
  });
  return `{ ${entries.join(', ')} }`;
}
