import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { apiObjectJson } from './l1-json';
import type { RenderedFile, RenderOptions } from './render';
import { show } from '../private/errors';
import { groupOf, isClusterScoped, isClusterScopedGroupKind, KindScopes, setKindScopes } from '../private/kinds';
import { schemaValidatorModule } from '../private/lazy';
import { pushAll } from '../private/util';
import type { Workload } from '../workloads/workload';

/**
 * The scopes a program renders with (`KindScopes`), registered for its construct tree (`scopesOf`): the kinds it
 * declares (FleetApp `clusterScopedKinds`) and the CRDs it writes, its objects' and those every variant of a
 * Workload writes (its shared rendering). A declaration they contradict goes to `errors`. FleetApp checks the
 * result against the whole tree afterwards (`scopeMismatches`).
 */
export function programScopes(
  root: IConstruct, all: readonly IConstruct[], workloads: readonly Workload[], options: RenderOptions, errors: string[],
): KindScopes {
  const declared = options.clusterScopedKinds ?? [];
  const scopes = new KindScopes(declared);
  for (const c of all) {
    if (!ApiObject.isApiObject(c) || c.kind !== 'CustomResourceDefinition') continue;
    try {
      scopes.add(apiObjectJson(c));
    } catch {
      // (reported where the object is rendered)
    }
  }
  for (const w of workloads) for (const crd of w._customResourceDefinitions()) scopes.add(crd);
  pushAll(errors, declaredKindErrors(declared, scopes, options.validateSchemas));
  setKindScopes(root.node.root, scopes);
  return scopes;
}

/**
 * Declarations (FleetApp `clusterScopedKinds`) that contradict what is known: a CRD of the program that makes the kind
 * namespaced, or a namespaced kind of the pinned schemas (a pinned cluster-scoped one is merely redundant).
 */
function declaredKindErrors(declared: readonly string[], scopes: KindScopes, pinnedSchemas: boolean): string[] {
  const errors: string[] = [];
  const namespacedByCrd = new Set(scopes.declaredButNamespaced());
  declared.forEach((k, i) => {
    const prop = `FleetApp 'clusterScopedKinds[${i}]' (${show(k)})`;
    if (namespacedByCrd.has(k)) {
      errors.push(`${prop} is namespaced by the program's CustomResourceDefinition ('spec.scope' is not 'Cluster'); remove it from the list`);
    } else if (pinnedSchemas && !isClusterScopedGroupKind(k) && schemaValidatorModule().SchemaValidator.get().knowsGroupKind(k)) {
      errors.push(`${prop} is a namespaced kind of the pinned schemas (Kubernetes 1.28 or a pinned CRD); remove it from the list`);
    }
  });
  return errors;
}

/**
 * What the whole tree says against how objects were placed: a CRD the program read only once objects were placed
 * (one a Workload renders per cluster, or adds by a patch) that makes a kind cluster-scoped whose objects elsewhere
 * kept their namespace, or namespaced where the program declared it cluster-scoped. `scopes` are the tree's
 * (`FleetModel.scopes`: every CRD it holds). A declaration resolves the first; removing it, the second.
 */
export function scopeMismatches(files: readonly RenderedFile[], scopes: KindScopes, declared: readonly string[]): string[] {
  const errors = scopes.declaredButNamespaced().map(k => {
    const i = declared.indexOf(k);
    return `FleetApp 'clusterScopedKinds[${i}]' (${show(k)}) is namespaced by a CustomResourceDefinition in the tree ('spec.scope' is not 'Cluster'); remove it from the list`;
  });
  for (const f of files) {
    const o = f.object;
    if (typeof o?.metadata?.namespace !== 'string' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
    if (!isClusterScoped(o.apiVersion, o.kind) && scopes.isClusterScoped(o.apiVersion, o.kind)) {
      errors.push(`[${f.constructPath}] ${o.kind} '${o.metadata.name}' (${f.path}) keeps its namespace, but a CustomResourceDefinition in the tree makes '${groupOf(o.apiVersion)}/${o.kind}' `
        + "cluster-scoped, and it was read only after the object was placed (a Workload's CRD rendered per cluster or added by a patch): "
        + `list '${groupOf(o.apiVersion)}/${o.kind}' in FleetApp 'clusterScopedKinds'`);
    }
  }
  return errors;
}
