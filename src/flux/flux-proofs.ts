/**
 * What Flux itself would refuse or never finish, checked on a tree's Flux objects (at synth and by
 * `cdk8s-fleet validate`), beyond the schemas (which do not evaluate the CRDs' CEL rules):
 *
 * - the CRDs' CEL rules, reported with their own messages: a `kubeConfig` with exactly one of `secretRef` /
 *   `configMapRef` (Kustomization v1, HelmRelease v2), a HelmRelease with exactly one of `chart` / `chartRef`, an
 *   install strategy's retry interval unless it is `RemediateOnFailure`, an upgrade strategy's only with
 *   `RetryOnFailure`, a GitRepository `serviceAccountName` only with the aws or azure provider;
 * - references Flux resolves at runtime: a Kustomization's `sourceRef` and `dependsOn` (kustomize-controller
 *   v1.9.4 `checkDependencies`: "dependency … not found"), a HelmRelease's chart source, every remote cluster's
 *   kubeconfig Secret (produced in the tree by an ExternalSecret, never a Secret with data) or ConfigMap, and the
 *   path of a Kustomization reading the fleet's own repository;
 * - a HelmRelease's `dependsOn` (helm-controller v1.6.3 `checkDependencies`: HelmReleases, "unable to get '%s'
 *   dependency");
 * - `dependsOn` cycles of Kustomizations or of HelmReleases ("interdependent Kustomizations will never be applied");
 * - names that label every applied object (`kustomize.toolkit.fluxcd.io/name`, `helm.toolkit.fluxcd.io/name`):
 *   at most 63 characters;
 * - a GitRepository without `ref` (it follows `master`, kustomizations.md): the library always writes one; an
 *   `ssh://` GitRepository without `secretRef` (source-controller cannot clone it);
 * - a kubeconfig Secret whose ExternalSecret does not produce the key Flux reads (`value` or `value.yaml`).
 */
import { ROLE_LABEL } from './flux-layout';
import type { FleetModel } from '../gitops/fleet-model';
import { pushAll } from '../private/util';

/** The tag of these proofs' messages. */
export const FLUX_PROOF = 'flux';

/** Every problem of the tree's Flux objects (none for a tree without Flux objects). */
export function proveFluxTree(model: FleetModel): string[] {
  if (!model.entries.some(e => isFlux(e.object))) return []; // an Argo CD tree: nothing to prove, nothing copied
  const objects = model.entries.filter(e => isFlux(e.object) || (e.object?.kind === 'ConfigMap' && e.path.startsWith('flux/')) || e.object?.kind === 'ExternalSecret');
  const errors: string[] = [];
  const key = (kind: string, ns: unknown, name: unknown) => `${kind}/${ns ?? ''}/${name ?? ''}`;
  const present = new Set<string>();
  const fleetRepositories = new Set<string>();
  /** The data keys of the Secrets ExternalSecrets produce (undefined when they cannot be known offline). */
  const secretKeys = new Map<string, Set<string> | undefined>();
  for (const e of objects) {
    const o = e.object;
    present.add(key(o.kind, o.metadata?.namespace, o.metadata?.name));
    if (o.kind === 'ExternalSecret') {
      present.add(key('Secret', o.metadata?.namespace, o.spec?.target?.name ?? o.metadata?.name));
      secretKeys.set(key('Secret', o.metadata?.namespace, o.spec?.target?.name ?? o.metadata?.name), externalSecretKeys(o.spec ?? {}));
    }
    if (o.kind === 'GitRepository' && o.metadata?.labels?.[ROLE_LABEL] === 'root') fleetRepositories.add(key('GitRepository', o.metadata?.namespace, o.metadata?.name));
  }
  const dirs = new Set<string>();
  for (const e of model.entries) {
    const parts = e.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const graph = new Map<string, string[]>();
  const releaseGraph = new Map<string, string[]>();
  for (const e of objects) {
    const o = e.object;
    if (!isFlux(o)) continue;
    const ns = o.metadata?.namespace;
    const name = String(o.metadata?.name ?? '');
    const what = `${e.path}: ${o.kind} '${name}'`;
    const report = (m: string) => errors.push(`${what} ${m} [${FLUX_PROOF}]`);
    const spec = o.spec ?? {};
    /** The keys of `spec.dependsOn` (of the object's own kind), each missing one reported with the controller's words. */
    const dependsOn = (kind: string, controllerMessage: (at: string) => string): string[] => (spec.dependsOn ?? []).map((d: any) => {
      const k = key(kind, d.namespace || ns, d.name);
      if (!present.has(k)) report(`depends on ${kind} '${d.name}', which the tree does not hold ("${controllerMessage(`${d.namespace || ns}/${d.name}`)}")`);
      return k;
    });
    if ((o.kind === 'Kustomization' || o.kind === 'HelmRelease') && name.length > 63) {
      report('has a name longer than 63 characters, which Flux cannot put in the label it sets on every object it applies');
    }
    if (o.kind === 'Kustomization' || o.kind === 'HelmRelease') {
      const kc = spec.kubeConfig;
      if (kc && has(kc, 'secretRef') === has(kc, 'configMapRef')) report(celViolation('spec.kubeConfig', 'exactly one of spec.kubeConfig.configMapRef or spec.kubeConfig.secretRef must be specified'));
      if (kc?.secretRef?.name && !present.has(key('Secret', ns, kc.secretRef.name))) {
        report(`reads the kubeconfig Secret '${kc.secretRef.name}', which no ExternalSecret of the tree produces in namespace '${ns}' ("unable to read KubeConfig secret '${ns}/${kc.secretRef.name}'")`);
      } else if (kc?.secretRef?.name) {
        // fluxcd/pkg runtime/v0.110.1 runtime/client/impersonator.go: the named key, else `value`, else `value.yaml`.
        const keys = secretKeys.get(key('Secret', ns, kc.secretRef.name));
        const wanted = kc.secretRef.key ? [String(kc.secretRef.key)] : ['value', 'value.yaml'];
        if (keys && !wanted.some(k => keys.has(k))) {
          report(`reads key ${wanted.map(k => `'${k}'`).join(' or ')} of the kubeconfig Secret '${kc.secretRef.name}', which its ExternalSecret does not produce `
            + `("KubeConfig secret '${ns}/${kc.secretRef.name}' does not contain a '${wanted[0]}' key with a kubeconfig")`);
        }
      }
      if (kc?.configMapRef?.name && !present.has(key('ConfigMap', ns, kc.configMapRef.name))) {
        report(`reads the kubeconfig ConfigMap '${kc.configMapRef.name}', which the tree does not hold in namespace '${ns}'`);
      }
    }
    if (o.kind === 'Kustomization') {
      const ref = spec.sourceRef ?? {};
      const source = key(String(ref.kind ?? ''), ref.namespace || ns, ref.name);
      // kustomize-controller v1.9.4 `Reconcile`: "Source '<kind>/[<namespace>/]<name>' not found" (CrossNamespaceSourceReference.String).
      if (!present.has(source)) report(`reads ${ref.kind} '${ref.name}', which the tree does not hold ("Source '${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}' not found")`);
      if (fleetRepositories.has(source)) {
        const path = String(spec.path ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
        if (path && !dirs.has(path)) report(`applies '${spec.path}', which holds no file of the tree`);
      }
      // kustomize-controller v1.9.4 `checkDependencies`: the dependency's namespace defaults to the Kustomization's.
      graph.set(key('Kustomization', ns, name), dependsOn('Kustomization', (at: string) => `dependency '${at}' not found`));
    }
    if (o.kind === 'HelmRelease') {
      // helm-controller v1.6.3 `checkDependencies`: a HelmRelease depends on HelmReleases (namespace defaulting to its own).
      releaseGraph.set(key('HelmRelease', ns, name), dependsOn('HelmRelease', (at: string) => `unable to get '${at}' dependency`));
      if (has(spec, 'chart') === has(spec, 'chartRef')) report(celViolation('spec', 'either chart or chartRef must be set'));
      const ref = spec.chart?.spec?.sourceRef;
      if (ref && !present.has(key(String(ref.kind), ref.namespace || ns, ref.name))) report(`reads its chart from ${ref.kind} '${ref.name}', which the tree does not hold`);
      // The two rules differ in form (install: name != RemediateOnFailure; upgrade: name == RetryOnFailure).
      const install = spec.install?.strategy;
      if (install && has(install, 'retryInterval') && install.name === 'RemediateOnFailure') {
        report(celViolation('spec.install.strategy', ".retryInterval cannot be set when .name is 'RemediateOnFailure'"));
      }
      const upgrade = spec.upgrade?.strategy;
      if (upgrade && has(upgrade, 'retryInterval') && upgrade.name !== 'RetryOnFailure') {
        report(celViolation('spec.upgrade.strategy', ".retryInterval can only be set when .name is 'RetryOnFailure'"));
      }
    }
    if (o.kind === 'GitRepository') {
      if (!spec.ref || !Object.keys(spec.ref).length) report("has no 'ref', so it follows the branch 'master' (source-controller v1.9.1): name the revision");
      if (has(spec, 'serviceAccountName') && !(has(spec, 'provider') && ['azure', 'aws'].includes(spec.provider))) {
        report(celViolation('spec', "serviceAccountName can only be set when provider is 'azure' or 'aws'"));
      }
      if (String(spec.url ?? '').startsWith('ssh://') && !spec.secretRef?.name) {
        // source-controller v1.9.1 `getAuthOpts` → fluxcd/pkg git/v0.52.0 `NewAuthOptions` → `Validate`.
        report(`clones '${spec.url}' over SSH without 'secretRef'; source-controller refuses it ("invalid 'ssh' auth option: 'identity' is required"): reference a Secret with 'identity' and 'known_hosts'`);
      }
    }
  }
  pushAll(errors, cycles(graph).map(c => `Kustomizations depend on each other in a cycle (${c.map(k => k.split('/').pop()).join(' → ')}), so none of them is ever applied [${FLUX_PROOF}]`));
  pushAll(errors, cycles(releaseGraph).map(c => `HelmReleases depend on each other in a cycle (${c.map(k => k.split('/').pop()).join(' → ')}), so none of them is ever installed [${FLUX_PROOF}]`));
  return errors;
}

/**
 * The data keys of the Secret an ExternalSecret (External Secrets v2) produces, or undefined when they depend on
 * the store (`dataFrom`) or on other objects (`templateFrom`): the template's `data` keys (with the fetched keys
 * too under `mergePolicy: Merge`), or without template data the fetched `data[].secretKey`s.
 */
function externalSecretKeys(spec: any): Set<string> | undefined {
  const template = spec.target?.template;
  if (template?.templateFrom?.length) return undefined;
  const templated = Object.keys(template?.data ?? {});
  const fetched = (spec.data ?? []).map((d: any) => String(d?.secretKey));
  const fromStore = (spec.dataFrom ?? []).length > 0;
  if (templated.length && template?.mergePolicy !== 'Merge') return new Set(templated);
  if (fromStore) return undefined;
  return new Set([...templated, ...fetched]);
}

/** Each dependency cycle once (depth-first search, in sorted order for stable messages). */
function cycles(graph: Map<string, string[]>): string[][] {
  const out: string[][] = [];
  const state = new Map<string, number>(); // 1: on the stack, 2: done
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const m of [...graph.get(n) ?? []].sort()) {
      if (!graph.has(m)) continue;
      if (state.get(m) === 1) out.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return out;
}

/** CEL's `has(self.field)` on an object: the field is present (the API server drops a null one). */
function has(o: any, field: string): boolean {
  return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, field) && o[field] !== null && o[field] !== undefined;
}

/**
 * A CRD validation rule's failure as the API server reports it (`<field>: Invalid value: "object": <message>`), with
 * the rule's own message (helm-controller v1.6.3, kustomize-controller v1.9.4, source-controller v1.9.1 CRDs).
 */
function celViolation(field: string, message: string): string {
  return `is refused by the API server: ${field}: Invalid value: "object": ${message} (CRD validation rule)`;
}

function isFlux(o: any): boolean {
  const api = String(o?.apiVersion ?? '');
  return api.startsWith('kustomize.toolkit.fluxcd.io/') || api.startsWith('source.toolkit.fluxcd.io/') || api.startsWith('helm.toolkit.fluxcd.io/');
}
