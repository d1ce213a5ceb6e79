import { compareCodeUnits } from '../../private/util';

/** What external-dns reads from an object: the names it publishes and the routing policy of its records. */

/**
 * The names external-dns publishes from an object, lower-cased without the final dot: the hostname annotation (any
 * annotation prefix; comma-separated), an Ingress's rule and TLS hosts (source/ingress.go), a VirtualService's hosts
 * but '' and '*' when it is bound to a gateway other than 'mesh' or names its targets (source/istio_virtualservice.go).
 */
export function publishedNames(o: any): string[] {
  const names: string[] = [];
  const annotations = o?.metadata?.annotations ?? {};
  for (const [k, v] of Object.entries<any>(annotations)) {
    if (/(^|\.)external-dns[^/]*\/hostname$/.test(k) && typeof v === 'string') names.push(...v.split(','));
  }
  const api = String(o?.apiVersion ?? '');
  if (o?.kind === 'Ingress' && api.startsWith('networking.k8s.io/')) {
    for (const r of o.spec?.rules ?? []) names.push(r?.host);
    for (const t of o.spec?.tls ?? []) names.push(...(t?.hosts ?? []));
  }
  if (o?.kind === 'VirtualService' && api.startsWith('networking.istio.io/')) {
    const gateways = (o.spec?.gateways ?? []).filter((g: unknown) => typeof g === 'string' && g !== '' && g !== 'mesh');
    const targeted = Object.keys(annotations).some(k => /(^|\.)external-dns[^/]*\/target$/.test(k));
    if (gateways.length || targeted) names.push(...(o.spec?.hosts ?? []).filter((h: unknown) => h !== '*'));
  }
  return [...new Set(names.filter((n): n is string => typeof n === 'string').map(normalizeHost).filter(Boolean))].sort(compareCodeUnits);
}

/** A DNS name as Route 53 compares it: lower case, no final dot. */
export function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The external-dns routing policy annotations of an object (any annotation prefix). */
export function routingAnnotations(o: any): { setIdentifier?: string; weight?: string; failover?: string } {
  const out: { setIdentifier?: string; weight?: string; failover?: string } = {};
  for (const [k, v] of Object.entries<any>(o?.metadata?.annotations ?? {})) {
    const m = /(?:^|\.)external-dns[^/]*\/(set-identifier|aws-weight|aws-failover)$/.exec(k);
    if (!m || typeof v !== 'string') continue;
    if (m[1] === 'set-identifier') out.setIdentifier = v;
    else if (m[1] === 'aws-weight') out.weight = v;
    else out.failover = v;
  }
  return out;
}
