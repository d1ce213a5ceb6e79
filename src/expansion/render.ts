import { GoValue, isMap, MissingKey, renderFastTemplate, renderGoTemplate } from './gotemplate';

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
  const walk = (v: any): any => {
    if (typeof v === 'string') return renderString(v, params, goTemplate, missingKey);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: any = {};
      for (const [k, e] of Object.entries(v)) {
        if (e === null) continue;
        out[renderString(k, params, goTemplate, missingKey)] = walk(e);
      }
      return out;
    }
    return v;
  };
  return walk(value);
}
