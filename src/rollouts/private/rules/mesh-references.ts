import { arr, obj, str } from './json';
import { badString, FieldError } from '../go-format';

/**
 * Argo Rollouts v1.9.1 `validation_references.go` for the objects the Ambassador and App Mesh routers reference
 * (`ValidateAmbassadorMapping`, `ValidateAppMeshResource`, `ValidateAppMeshVirtualRouter`), on objects as decoded
 * YAML. Their field paths are the referenced object's, as upstream reports them.
 */

/** ValidateAmbassadorMapping: the base Mapping must not set a weight (`GetMappingWeight`: an int64, else 0). */
export function validateAmbassadorMapping(mapping: any): FieldError[] {
  const name = str(mapping?.metadata?.name);
  const weight = mapping?.spec?.weight;
  if (typeof weight === 'number' && Number.isInteger(weight) && weight !== 0) {
    return [FieldError.invalid('spec.weight', badString(name), `Ambassador mapping "${name}" can not define weight`)];
  }
  return [];
}

/** The route types the App Mesh router handles, in the order it looks for them (`supportedRouteTypes`). */
const ROUTE_TYPES = ['httpRoute', 'tcpRoute', 'http2Route', 'grpcRoute'];

/** ValidateAppMeshResource: a VirtualRouter whose every route has exactly two weighted targets (the first problem only). */
export function validateAppMeshResource(router: any): FieldError[] {
  const kind = str(router?.kind);
  if (kind !== 'VirtualRouter') return [FieldError.invalid('kind', badString(kind), `Expected object kind to be VirtualRouter but is ${kind}`)];
  const name = str(router?.metadata?.name);
  const routes = arr(router?.spec?.routes);
  if (!routes || routes.length === 0) return [FieldError.invalid('spec.routes', badString(name), `No routes defined for AppMesh virtual-router ${name}`)];
  for (let i = 0; i < routes.length; i++) {
    const path = `spec.routes[${i}]`;
    const route = obj(routes[i]);
    if (!route) return [FieldError.invalid(path, badString(name), `Invalid route was found for AppMesh virtual-router ${name} at index ${i}`)];
    const routeName = goPrintS(route.name);
    const rule = routeRule(route);
    if ('error' in rule) {
      return [FieldError.invalid(path, badString(name), `Error getting route details for AppMesh virtual-router ${name} and route ${routeName}. Error: ${rule.error}`)];
    }
    const targetsPath = `${path}.${rule.type}.action.weightedTargets`;
    const action = rule.rule.action;
    const targets = obj(action) && Object.prototype.hasOwnProperty.call(action, 'weightedTargets') ? action.weightedTargets : undefined;
    if (!Array.isArray(targets)) {
      return [FieldError.invalid(targetsPath, badString(name), `Invalid route action found for AppMesh virtual-router ${name} and route ${routeName}`)];
    }
    if (targets.length !== 2) {
      return [FieldError.invalid(targetsPath, badString(name), `Invalid number of weightedTargets (${targets.length}) for AppMesh virtual-router ${name} and route ${routeName}, expected 2`)];
    }
  }
  return [];
}

/** appmesh.GetRouteRule: the first supported route type present (unstructured.NestedMap's errors included). */
function routeRule(route: Record<string, any>): { rule: Record<string, any>; type: string } | { error: string } {
  for (const type of ROUTE_TYPES) {
    if (!Object.prototype.hasOwnProperty.call(route, type)) continue;
    const rule = obj(route[type]);
    if (!rule) return { error: `.${type} accessor error: ${goPrintV(route[type])} is of the type ${goTypeName(route[type])}, expected map[string]interface{}` };
    return { rule, type };
  }
  return { error: 'Route has unsupported route type' };
}

/** fmt's %v of a decoded JSON value (numbers as unstructured holds them: whole ones as int64). */
function goPrintV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrintV).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v as object).sort().map(k => `${k}:${goPrintV((v as any)[k])}`).join(' ')}]`;
  return String(v);
}

function goTypeName(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/** fmt's %s of an interface{} value: strings as they are, anything else as a `%!s(...)` error. */
function goPrintS(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '%!s(<nil>)';
  return `%!s(${goTypeName(v)}=${goPrintV(v)})`;
}
