/** The container images of an object (any `containers` / `initContainers` list in it). */
export function imagesOf(value: any, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) imagesOf(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'containers' || k === 'initContainers' || k === 'ephemeralContainers') && Array.isArray(v)) {
        for (const c of v) if (typeof c?.image === 'string' && !out.includes(c.image)) out.push(c.image);
      } else if (v && typeof v === 'object') {
        imagesOf(v, out);
      }
    }
  }
  return out;
}
