import { GO_BUILTINS } from './builtins';
import { executeTemplate, MissingKey } from './execute';
import { compileFast, FastTemplate, runFast } from './fast';
import { TemplateFunction } from './functions';
import { parseTemplate, Template, TemplateError } from './parse';
import { SPRIG_FUNCTIONS } from './sprig';
import { GoValue } from './values';

export { TemplateError } from './parse';
export type { MissingKey } from './execute';
export { missingStringKeys } from './execute';
export { normalizeName } from './sprig';
export { stringMap, stringSlice } from './functions';
export { formatValue, sprint } from './fmt';
export * from './values';

/** The functions an ApplicationSet Go template can call: Go's built-ins, overridden by sprig and Argo CD's own. */
const FUNCTIONS: ReadonlyMap<string, TemplateFunction> = new Map([...GO_BUILTINS, ...SPRIG_FUNCTIONS]);
const FUNCTION_NAMES: ReadonlySet<string> = new Set(FUNCTIONS.keys());

const cache = new Map<string, Template | TemplateError>();

/** The `missingkey` behaviour set by `goTemplateOptions`; Go panics on any other option, which Argo CD reports. */
export function missingKeyOption(options: readonly string[]): MissingKey {
  let mode: MissingKey = 'default';
  for (const o of options) {
    const m = /^missingkey=(default|invalid|zero|error)$/.exec(o);
    if (!m) throw new TemplateError(o === '' ? 'empty option string' : `unrecognized option: ${o}`);
    mode = m[1] === 'invalid' ? 'default' : m[1] as MissingKey;
  }
  return mode;
}

/**
 * Argo CD's `Render.Replace` in Go-template mode: parses `text` with sprig and Argo CD's functions, executes it
 * on `params`, and wraps errors as Argo CD does ("failed to parse template …" / "failed to execute go template …").
 */
export function renderGoTemplate(text: string, params: GoValue, missingKey: MissingKey): string {
  let tmpl = cache.get(text);
  if (tmpl === undefined) {
    try {
      tmpl = parseTemplate(text, FUNCTION_NAMES);
    } catch (e) {
      if (e instanceof RangeError && /call stack/.test(e.message)) {
        tmpl = new TemplateError('template: base:1: the template nests too deeply for cdk8s-fleet\'s parser');
      } else {
        if (!(e instanceof TemplateError)) throw e;
        tmpl = e;
      }
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(text, tmpl);
  }
  if (tmpl instanceof TemplateError) throw new TemplateError(`failed to parse template ${text}: ${tmpl.message}`);
  const fast = fastTemplate(tmpl);
  const result = fast === null ? undefined : runFast(fast, params);
  if (result !== undefined) return result;
  try {
    return executeTemplate(tmpl, params, FUNCTIONS, missingKey);
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`failed to execute go template ${text}: ${e.message}`);
    throw e;
  }
}

const compiled = new WeakMap<Template, FastTemplate>();

/** The template's fast path (fast.ts), compiled once per parsed template. */
function fastTemplate(tmpl: Template): FastTemplate {
  let fast = compiled.get(tmpl);
  if (fast === undefined) {
    fast = compileFast(tmpl, FUNCTIONS);
    compiled.set(tmpl, fast);
  }
  return fast;
}

/**
 * Argo CD's `Render.Replace` in flat mode (valyala/fasttemplate with `{{`/`}}`): each tag is trimmed and looked up
 * as a string parameter; an unknown tag, or one whose value is not a string, is written back as it was.
 * A string without a `{{…}}` pair is returned untouched; an unclosed `{{` is an error.
 */
export function renderFastTemplate(text: string, params: Readonly<Record<string, unknown>>): string {
  // Go's `.*{{.*}}.*`: `.` does not match a newline (but does match \r, unlike JavaScript's).
  if (!/{{[^\n]*}}/.test(text)) return text;
  let out = '';
  let i = 0;
  for (;;) {
    const start = text.indexOf('{{', i);
    if (start < 0) { out += text.slice(i); break; }
    const end = text.indexOf('}}', start + 2);
    if (end < 0) throw new TemplateError(`invalid template: cannot find end tag="}}" in the template="${text}" starting from "${text.slice(start + 2)}"`);
    out += text.slice(i, start);
    const tag = text.slice(start + 2, end);
    const key = tag.trim();
    const value = Object.prototype.hasOwnProperty.call(params, key) ? params[key] : undefined;
    out += key.length > 0 && typeof value === 'string' ? value : `{{${tag}}}`;
    i = end + 2;
  }
  return out;
}
