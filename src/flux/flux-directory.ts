/**
 * A directory of the fleet's tree as Flux will apply it, compared with how Argo CD applies it: what a
 * Kustomization's `path` holds, the namespace Argo CD would give objects without one (Flux's `targetNamespace`),
 * SOPS files, Argo CD hooks and annotations Flux ignores, and sync waves Flux's apply stages would reorder.
 */
import type { PlacementContext } from './flux-placement';
import { show } from '../private/errors';

/** What a directory of the fleet's tree is, as Flux will apply it. */
export interface CheckedDirectory {
  readonly targetNamespace?: string;
  /** The files of a kustomization with a ksops generator: Flux decrypts SOPS files itself, through a wrapper kustomization. */
  readonly sops?: string[];
  /** Whether SOPS-encrypted objects are applied directly (Flux decrypts them). */
  readonly hasSops?: boolean;
}

/**
 * Checks a directory of the fleet's tree as Flux will apply it, and decides its targetNamespace: only when some
 * namespaced object has no namespace (Argo CD puts those in the destination namespace), and only when no object
 * names another namespace (Flux's targetNamespace would move it).
 */
export function checkLocalDirectory(
  dir: string, s: any, destinationNamespace: string, ctx: PlacementContext, fail: (m: string) => void,
): CheckedDirectory {
  const tree = ctx.tree;
  if (!tree.hasDirectory(dir)) {
    fail(`its path '${dir}' holds no file of the fleet's tree`);
    return {};
  }
  const kustomization = tree.kustomization(dir);
  if (kustomization && s.directory !== undefined) {
    fail(`its path '${dir}' has a kustomization, which Argo CD ignores for a 'directory' source and Flux builds; remove one of them`);
  }
  if (!kustomization) {
    if (s.directory?.recurse !== true) {
      const nested = tree.nestedYamlFiles(dir);
      if (nested.length) fail(`Argo CD reads only the top level of '${dir}' (no 'recurse'), Flux every level below it too (${nested.slice(0, 3).join(', ')}${nested.length > 3 ? ', …' : ''}); set recurse or move the files`);
    }
    // Argo CD reads .json manifests too (at every level with 'recurse'); Flux's generated kustomization never does.
    const dirs = [dir];
    for (let i = 0; i < dirs.length && s.directory?.recurse === true; i++) dirs.push(...tree.subdirectories(dirs[i]));
    const json = dirs.flatMap(d => tree.filesIn(d)).filter(e => /\.json$/.test(e.path));
    if (json.length) fail(`Flux's generated kustomization reads only .yaml and .yml files; '${json[0].path}' would be left out`);
  }
  const ksops = (kustomization?.generators ?? []).length > 0;
  if (ksops) {
    const other = Object.keys(kustomization).filter(k => !['apiVersion', 'kind', 'resources', 'generators'].includes(k));
    if (other.length) fail(`the kustomization of '${dir}' runs a ksops generator and sets ${other.map(k => `'${k}'`).join(', ')}; Flux decrypts SOPS files itself and the translation keeps only their resources`);
  }
  const objects = tree.objectsOf(dir);
  const sopsFiles: string[] = [];
  let hasSops = false;
  const waves: { stage: number; wave: number; what: string }[] = [];
  let explicitWaves = false;
  const missing: string[] = [];
  const elsewhere: string[] = [];
  const rewritten: string[] = [];
  for (const { path, object, content } of objects) {
    if (!object?.kind) continue;
    const what = `${object.kind} '${object.metadata?.name ?? ''}' (${path})`;
    if (String(object.apiVersion).startsWith('argoproj.io/') && ['Application', 'ApplicationSet', 'AppProject'].includes(object.kind)) {
      fail(`deploys Argo CD's ${what}: an App-of-Apps has no meaning without Argo CD`);
      continue;
    }
    const isSops = object.sops !== undefined && object.sops !== null;
    if (isSops) hasSops = true;
    if (ksops && !sopsFiles.includes(path)) sopsFiles.push(path);
    let wave = 0;
    if (content?.includes('argocd.argoproj.io/')) {
      const full = tree.full({ path, object, content });
      for (const [k, v] of Object.entries<string>(full?.metadata?.annotations ?? {})) {
        if (k === 'argocd.argoproj.io/sync-wave') {
          wave = Number.parseInt(String(v), 10) || 0;
          explicitWaves = true;
        } else if (k === 'argocd.argoproj.io/hook') {
          fail(`${what} is an Argo CD ${v} hook; Flux has no sync hooks (it would apply the object like any other): run it as a Job of its own application, ordered with dependsOn`);
        } else if (k.startsWith('argocd.argoproj.io/')) {
          fail(`${what} carries Argo CD annotation '${k}' (${show(v)}), which Flux ignores; use Flux's own (kustomize.toolkit.fluxcd.io/prune, /ssa, /force) or remove it`);
        }
      }
    }
    waves.push({ stage: stageOf(object), wave, what });
    if (!isSops && destinationNamespace) {
      rewritten.push(...namespaceRewrites(tree.full({ path, object, content }) ?? object, what, destinationNamespace));
    }
    const namespaced = tree.isNamespaced(String(object.apiVersion ?? ''), String(object.kind));
    // A SOPS file's metadata is plain (Flux decrypts only what its encrypted_regex covers, after kustomize's
    // namespace transformer ran, with the MAC check off), so it is placed like any other object; ksops gives Argo CD
    // the decrypted object, which it puts in the destination namespace when it has none.
    const encryptedNamespace = isSops && /^ENC\[/.test(String(object.metadata?.namespace ?? ''));
    if (namespaced && !encryptedNamespace) {
      const ns = object.metadata?.namespace;
      if (ns === undefined || ns === '') missing.push(what);
      else if (ns !== destinationNamespace) elsewhere.push(`${what} in '${ns}'`);
    }
  }
  if (explicitWaves) checkWaves(waves, fail);
  let targetNamespace: string | undefined;
  if (kustomization?.namespace) {
    targetNamespace = undefined; // the kustomization sets every namespace itself
  } else if (missing.length && destinationNamespace) {
    if (elsewhere.length) {
      fail(`Argo CD puts ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''} in '${destinationNamespace}' and leaves ${elsewhere[0]} where it is; `
        + "Flux's targetNamespace would move both: give every namespaced object its namespace");
    } else if (rewritten.length) {
      fail(`Argo CD puts ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ''} in '${destinationNamespace}' and changes nothing else, but Flux's targetNamespace `
        + `(kustomize's namespace transformer) also rewrites other objects: ${rewritten[0]}${rewritten.length > 1 ? ` (and ${rewritten.length - 1} more)` : ''}; give every namespaced object its namespace`);
    } else {
      targetNamespace = destinationNamespace;
    }
  }
  return { targetNamespace, sops: ksops ? sopsFiles : undefined, hasSops: hasSops && !ksops };
}

/**
 * What kustomize's namespace transformer changes besides `metadata.namespace` when a Kustomization sets
 * `targetNamespace` and Argo CD leaves as it is (kubernetes-sigs/kustomize api/v0.21.1, kustomize-controller v1.9.4's:
 * api/internal/konfig/builtinpluginconsts/namespace.go renames a v1 Namespace and sets an APIService's and a CRD
 * conversion webhook's service namespace; api/filters/namespace/namespace.go `roleBindingHack`, DefaultSubjectsOnly,
 * sets the namespace of (Cluster)RoleBinding subjects named `default`).
 */
function namespaceRewrites(o: any, what: string, target: string): string[] {
  const api = String(o?.apiVersion ?? '');
  const kind = String(o?.kind ?? '');
  const out: string[] = [];
  if (kind === 'Namespace' && api === 'v1' && o.metadata?.name !== target) out.push(`${what} would be renamed '${target}'`);
  if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && api.startsWith('rbac.authorization.k8s.io/') && Array.isArray(o.subjects)) {
    for (const s of o.subjects) {
      if (s?.name === 'default' && s.namespace && s.namespace !== target) out.push(`${what} subject ${s.kind} 'default' in '${s.namespace}' would be moved to '${target}'`);
    }
  }
  const service = kind === 'APIService' && api.startsWith('apiregistration.k8s.io/') ? o.spec?.service
    : kind === 'CustomResourceDefinition' && api.startsWith('apiextensions.k8s.io/') ? o.spec?.conversion?.webhook?.clientConfig?.service : undefined;
  if (service?.namespace && service.namespace !== target) out.push(`${what} service namespace '${service.namespace}' would become '${target}'`);
  return out;
}

/**
 * Flux applies in stages (fluxcd/pkg ssa v0.76.1 `ApplyAllStaged`, `utils/is.go`): CustomResourceDefinitions,
 * Namespaces and ClusterRoles first, then `*Class` kinds, then everything else, each stage waiting for the last.
 */
function stageOf(o: any): number {
  const kind = String(o.kind ?? '');
  const api = String(o.apiVersion ?? '');
  if ((kind === 'CustomResourceDefinition' && api.startsWith('apiextensions.k8s.io/')) || (kind === 'Namespace' && api === 'v1')
    || (kind === 'ClusterRole' && api.startsWith('rbac.authorization.k8s.io/'))) return 0;
  if (kind.endsWith('Class')) return 1;
  return 2;
}

/**
 * Sync waves inside one Application order objects; Flux orders only its stages. The waves are kept when every
 * object of a lower wave is in an earlier stage than every object of a higher one (a Namespace at wave -1 before
 * a Deployment); otherwise Flux would apply objects together that Argo CD applies one after the other.
 */
function checkWaves(objects: { stage: number; wave: number; what: string }[], fail: (m: string) => void): void {
  for (const a of objects) {
    const b = objects.find(x => a.wave < x.wave && a.stage >= x.stage);
    if (b) {
      fail(`sync waves order ${a.what} (wave ${a.wave}) before ${b.what} (wave ${b.wave}), which Flux applies in ${a.stage === b.stage ? 'the same stage' : 'an earlier stage'}; `
        + 'split them into two applications (Flux orders Kustomizations with dependsOn)');
      return;
    }
  }
}
