import { arr, num, obj, present, str } from './json';
import { badString, FieldError } from '../go-format';

/**
 * Argo Rollouts v1.9.1 `ValidateVirtualService` (validation_references.go) and the Istio router's route checks
 * (`rollout/trafficrouting/istio/istio.go` `ValidateHTTPRoutes`, `ValidateTlsRoutes`, `ValidateTcpRoutes`,
 * `getHttpRouteIndexesToPatch`, `validateVirtualServiceRouteDestinations`).
 */
export function validateIstioRoutes(rollout: any, vs: any): FieldError[] {
  const istio = obj(rollout?.spec?.strategy?.canary?.trafficRouting?.istio);
  if (!istio) {
    return [FieldError.invalid('spec.strategy.canary.trafficRouting.istio', badString(str(rollout?.metadata?.name)), 'Rollout object is not configured with Istio traffic routing')];
  }
  const multiple = present(istio.virtualServices);
  const path = `spec.strategy.canary.trafficRouting.istio.${multiple ? 'virtualServices' : 'virtualService'}.name`;
  const entries: any[] = multiple ? arr(istio.virtualServices) ?? [] : [istio.virtualService];
  const vsName = str(vs?.metadata?.name);
  const entry = entries.find(e => str(e?.name).split('.')[0] === vsName);
  if (!entry) return [];
  const errs: FieldError[] = [];
  const invalid = (msg: string) => errs.push(FieldError.invalid(path, badString(vsName), msg));
  const spec = obj(vs?.spec) ?? {};
  const http = arr(spec.http);
  const tls = arr(spec.tls);
  const tcp = arr(spec.tcp);
  if (!http && !tls && !tcp) invalid('Unable to get any of the HTTP, TCP or TLS routes for the Istio VirtualService');
  const services = stableAndCanaryServices(rollout);
  const dRule = obj(istio.destinationRule);
  if (http) {
    if (!http.every(r => decodes(r, HTTP_ROUTE))) {invalid('Unable to get HTTP routes for Istio VirtualService');} else {
      const e = validateHttpRoutes(rollout, (arr(entry.routes) ?? []).map(str), http, services, dRule);
      if (e) invalid(`Istio VirtualService has invalid HTTP routes. Error: ${e}`);
    }
  }
  if (tls) {
    if (!tls.every(r => decodes(r, TLS_ROUTE))) {invalid('Unable to get TLS routes for Istio VirtualService');} else {
      const e = validatePortRoutes(arr(entry.tlsRoutes) ?? [], tls, services, dRule, 'TLS');
      if (e) invalid(`Istio VirtualService has invalid TLS routes. Error: ${e}`);
    }
  }
  if (tcp) {
    if (!tcp.every(r => decodes(r, TCP_ROUTE))) {invalid('Unable to get TCP routes for Istio VirtualService');} else {
      const e = validatePortRoutes(arr(entry.tcpRoutes) ?? [], tcp, services, dRule, 'TCP');
      if (e) invalid(`Istio VirtualService has invalid TCP routes. Error: ${e}`);
    }
  }
  return errs;
}

/**
 * The router's route structs (`rollout/trafficrouting/istio/istio_types.go`) as types json.Unmarshal decodes into:
 * a value of the wrong JSON type fails the whole decode ("Unable to get HTTP routes"); unknown fields and nulls
 * are ignored.
 */
type GoJsonType = 'string' | 'int64' | 'uint32' | 'float64' | { readonly list: GoJsonType } | { readonly map: GoJsonType } | { readonly fields: Record<string, GoJsonType> };
const STRING_MATCH: GoJsonType = { fields: { exact: 'string', prefix: 'string', regex: 'string' } };
const DESTINATION: GoJsonType = { fields: { host: 'string', subset: 'string', port: { fields: { number: 'uint32' } } } };
const ROUTE_DESTINATION: GoJsonType = { fields: { destination: DESTINATION, weight: 'int64' } };
const HTTP_ROUTE: GoJsonType = {
  fields: {
    name: 'string',
    match: { list: { fields: { method: STRING_MATCH, uri: STRING_MATCH, headers: { map: STRING_MATCH } } } },
    route: { list: ROUTE_DESTINATION },
    mirror: DESTINATION,
    mirrorPercentage: { fields: { value: 'float64' } },
  },
};
const L4_MATCH = { destinationSubnets: { list: 'string' }, port: 'int64', sourceLabels: { map: 'string' }, gateways: { list: 'string' }, sourceNamespace: 'string' } as Record<string, GoJsonType>;
const TLS_ROUTE: GoJsonType = { fields: { match: { list: { fields: { sniHosts: { list: 'string' }, ...L4_MATCH } } }, route: { list: ROUTE_DESTINATION } } };
const TCP_ROUTE: GoJsonType = { fields: { match: { list: { fields: L4_MATCH } }, route: { list: ROUTE_DESTINATION } } };

/** Whether json.Unmarshal of `v` into a value of type `t` succeeds. */
function decodes(v: unknown, t: GoJsonType): boolean {
  if (v === null || v === undefined) return true;
  if (t === 'string') return typeof v === 'string';
  if (t === 'float64') return typeof v === 'number';
  if (t === 'int64') return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= 9223372036854775807;
  if (t === 'uint32') return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4294967295;
  if ('list' in t) return Array.isArray(v) && v.every(e => decodes(e, t.list));
  const o = obj(v);
  if (!o) return false;
  if ('map' in t) return Object.values(o).every(e => decodes(e, t.map));
  return Object.entries(t.fields).every(([k, ft]) => decodes(o[k], ft));
}

/**
 * trafficrouting.GetStableAndCanaryServices(rollout, false): with ping-pong (and no stable/canary Services), ping is
 * stable when `status.canary.stablePingPong` says so, pong otherwise (as for a new Rollout).
 */
function stableAndCanaryServices(rollout: any): { stable: string; canary: string } {
  const canary = obj(rollout?.spec?.strategy?.canary) ?? {};
  if (obj(canary.pingPong) && str(canary.stableService) === '' && str(canary.canaryService) === '') {
    const ping = str(canary.pingPong.pingService);
    const pong = str(canary.pingPong.pongService);
    return rollout?.status?.canary?.stablePingPong === 'ping' ? { stable: ping, canary: pong } : { stable: pong, canary: ping };
  }
  return { stable: str(canary.stableService), canary: str(canary.canaryService) };
}

/** getHost: the destination host up to its first '.'. */
function hostOf(destination: any): string {
  const host = str(destination?.destination?.host);
  const i = host.indexOf('.');
  return i > 0 ? host.slice(0, i) : i < 0 ? host : '';
}

function validateDestinations(route: any, s: { stable: string; canary: string }, dRule: any): string | undefined {
  let stableSvc = false;
  let canarySvc = false;
  let stableSubset = false;
  let canarySubset = false;
  for (const d of arr(route?.route) ?? []) {
    const host = hostOf(d);
    if (s.stable !== '' && host === s.stable) stableSvc = true;
    if (s.canary !== '' && host === s.canary) canarySvc = true;
    if (dRule) {
      const subset = str(d?.destination?.subset);
      if (str(dRule.stableSubsetName) !== '' && subset === dRule.stableSubsetName) stableSubset = true;
      if (str(dRule.canarySubsetName) !== '' && subset === dRule.canarySubsetName) canarySubset = true;
    }
  }
  if (dRule) {
    if (!canarySubset) return `Canary DestinationRule subset '${str(dRule.canarySubsetName)}' not found in route`;
    if (!stableSubset) return `Stable DestinationRule subset '${str(dRule.stableSubsetName)}' not found in route`;
    return undefined;
  }
  if (!canarySvc) return `Canary Service '${s.canary}' not found in route`;
  if (!stableSvc) return `Stable Service '${s.stable}' not found in route`;
  return undefined;
}

function validateHttpRoutes(rollout: any, routeNames: string[], http: any[], s: { stable: string; canary: string }, dRule: any): string | undefined {
  let indexes: number[] = [];
  if (routeNames.length === 0) {
    if (http.length === 1) {indexes = [0];} else {
      const unnamed = http.findIndex(r => str(r?.name) === '');
      if (unnamed >= 0) indexes = [unnamed];
    }
  } else {
    for (const name of routeNames) {
      const i = http.findIndex(r => str(r?.name) === name);
      if (i < 0) return `HTTP Route '${name}' is not found in the defined Virtual Service.`;
      indexes.push(i);
    }
  }
  for (const i of indexes) {
    const e = validateDestinations(http[i], s, dRule);
    if (e) return e;
  }
  const managed = new Set((arr(rollout?.spec?.strategy?.canary?.trafficRouting?.managedRoutes) ?? []).map((r: any) => str(r?.name)));
  const unmanaged = http.filter(r => !managed.has(typeof r?.name === 'string' ? r.name : ''));
  if (routeNames.length === 0 && unmanaged.length > 1) {
    return 'spec.http[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.routes';
  }
  return undefined;
}

/** TLS and TCP routes: selected by port (and SNI hosts for TLS) when the Rollout lists them, else the first. */
function validatePortRoutes(wanted: any[], routes: any[], s: { stable: string; canary: string }, dRule: any, kind: 'TLS' | 'TCP'): string | undefined {
  let indexes: number[] = [];
  if (wanted.length === 0) {
    indexes = routes.length > 0 ? [0] : [];
  } else {
    for (const w of wanted) {
      const found = routes.map((r, i) => ({ r, i })).filter(({ r }) => {
        const ports = new Set((arr(r?.match) ?? []).map((m: any) => num(m?.port) ?? 0));
        if (ports.size > 1) return false;
        const port = ports.size === 1 ? [...ports][0] : 0;
        if (port !== (num(w?.port) ?? 0)) return false;
        if (kind === 'TCP') return true;
        const hosts = new Set((arr(r?.match) ?? []).flatMap((m: any) => (arr(m?.sniHosts) ?? []).map(str)));
        const want: string[] = (arr(w?.sniHosts) ?? []).map(str);
        return want.length === hosts.size && [...hosts].every(h => want.includes(h));
      });
      if (found.length === 0) return `No matching ${kind} routes found in the defined Virtual Service.`;
      indexes.push(...found.map(f => f.i));
    }
  }
  for (const i of indexes) {
    const e = validateDestinations(routes[i], s, dRule);
    if (e) return e;
  }
  if (wanted.length === 0 && routes.length > 1) {
    const field = kind === 'TLS' ? 'tls' : 'tcp';
    return `spec.${field}[] should be set in VirtualService and it must have exactly one route when omitting spec.strategy.canary.trafficRouting.istio.virtualService.${field}Routes`;
  }
  return undefined;
}
