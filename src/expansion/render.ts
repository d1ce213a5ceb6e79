import { GoValue, isMap, MissingKey, renderFastTemplate, renderGoTemplate, TemplateError } from './gotemplate';

/** Renders one string in the ApplicationSet's template mode (Argo CD's `Render.Replace`). */
export function renderString(text: string, params: GoValue, goTemplate: boolean, missingKey: MissingKey): string {
  // Text without an action renders as itself in both modes (Go's parser makes it one text node).
  if (!text.includes('{{')) return text;
  return goTemplate ? renderGoTemplate(text, params, missingKey) : renderFastTemplate(text, params as Record<string, unknown>);
}

/**
 * Argo CD's `deeplyReplace`: every string in `value` is rendered independently, and so is every map key.
 * Non-strings are copied. With no params at all, nothing is rendered (as in RenderTemplateParams).
 */
export function renderValue(value: any, params: GoValue, goTemplate: boolean, missingKey: MissingKey): any {
  if (isMap(params) && Object.keys(params).length === 0) return value;
  return renderWalk(value, params, goTemplate, missingKey);
}

/** `deeplyReplace` without the empty-params check: a fresh copy of `v` with every string and map key rendered. */
export function renderWalk(v: any, params: GoValue, goTemplate: boolean, missingKey: MissingKey): any {
  if (typeof v === 'string') return renderString(v, params, goTemplate, missingKey);
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = renderWalk(v[i], params, goTemplate, missingKey);
    return out;
  }
  if (v && typeof v === 'object') {
    const out: any = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const e = v[keys[i]];
      if (e === null) continue;
      // A Go map may have the key "__proto__" like any other.
      defineKey(out, renderString(keys[i], params, goTemplate, missingKey), renderWalk(e, params, goTemplate, missingKey));
    }
    return out;
  }
  return v;
}

/**
 * `deeplyReplace` of JSON held in a Go struct's `Raw` field (an Application's helm `valuesObject`, a list generator's
 * elements): a failure there is wrapped as Argo CD wraps it.
 */
export function renderRawJson(v: any, params: GoValue, ctx: { readonly goTemplate: boolean; readonly missingKey: MissingKey }): any {
  try {
    return renderWalk(v, params, ctx.goTemplate, ctx.missingKey);
  } catch (e) {
    if (e instanceof TemplateError) throw new TemplateError(`failed to deeply replace JSON field contents: ${e.message}`);
    throw e;
  }
}

/** Sets `o[k]`, as an own property even for `__proto__`. */
export function defineKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
