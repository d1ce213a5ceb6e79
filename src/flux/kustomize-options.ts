/**
 * Argo CD's `kustomize` source options as the fields of a Flux Kustomization, which kustomize-controller v1.9.4
 * writes into the kustomization it builds (fluxcd/pkg kustomize/v1.35.4 kustomize_generator.go
 * `GenerateManifest`): `namePrefix`, `nameSuffix`, `components` (local paths only), `ignoreMissingComponents`,
 * `images`. What Flux has no field for is refused, naming the option.
 */
import { show } from '../private/errors';

/** Flux's Kustomize fields for Argo CD's `kustomize` source options. */
export function kustomizeFields(k: any, fail: (m: string) => void): any {
  const out: any = {};
  if (k.namePrefix) out.namePrefix = k.namePrefix;
  if (k.nameSuffix) out.nameSuffix = k.nameSuffix;
  if (k.components?.length) {
    out.components = [...k.components];
    // Argo CD adds any component `kustomize edit add component` takes, remote ones too; kustomize-controller's
    // generator refuses them ("component path '%s' must be local and relative").
    for (const c of k.components) {
      if (!isLocalRelativePath(String(c))) fail(`Kustomize component ${show(c)} is not a local relative path, which kustomize-controller refuses ("component path '${String(c)}' must be local and relative"); vendor it into the repository`);
    }
  }
  // Argo CD v3.5.1 leaves out components whose directory does not exist; so does the generator with this field.
  if (k.ignoreMissingComponents === true) out.ignoreMissingComponents = true;
  if (k.images?.length) out.images = k.images.map((i: string) => kustomizeImage(String(i), fail));
  if (k.commonLabels && Object.keys(k.commonLabels).length) {
    fail("Kustomize 'commonLabels' also change selectors; Flux's commonMetadata does not: set the labels in the manifests");
  }
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length) {
    fail("Kustomize 'commonAnnotations' also annotate pod templates; Flux's commonMetadata does not: set the annotations in the manifests");
  }
  for (const field of ['patches', 'replicas', 'version', 'forceCommonLabels', 'forceCommonAnnotations', 'commonAnnotationsEnvsubst', 'labelWithoutSelector', 'labelIncludeTemplates', 'kubeVersion', 'apiVersions']) {
    const v = k[field];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) fail(`Kustomize '${field}' has no Flux equivalent in this release; put it in the kustomization`);
  }
  return out;
}

/** An Argo CD Kustomize image override (`name=newName:tag`, `name:tag`, `name@digest`) as Flux's `images` entry. */
export function kustomizeImage(spec: string, fail: (m: string) => void): any {
  const eq = spec.indexOf('=');
  const name = eq >= 0 ? spec.slice(0, eq) : undefined;
  const ref = eq >= 0 ? spec.slice(eq + 1) : spec;
  const at = ref.indexOf('@');
  const colon = ref.lastIndexOf(':');
  const slash = ref.lastIndexOf('/');
  let image = ref;
  const out: any = {};
  if (at >= 0) {
    out.digest = ref.slice(at + 1);
    image = ref.slice(0, at);
  } else if (colon > slash) {
    out.newTag = ref.slice(colon + 1);
    image = ref.slice(0, colon);
  }
  if (!image) fail(`Kustomize image ${show(spec)} names no image`);
  if (name !== undefined) {
    out.name = name;
    if (image !== name) out.newName = image;
  } else {
    out.name = image;
  }
  return out;
}

/**
 * Whether kustomize-controller takes a component path (fluxcd/pkg kustomize/v1.35.4 `IsLocalRelativePath`, from
 * kustomize's repospec.go without `file://`): no remote prefix (case-insensitive, and only when the path is longer
 * than it), not absolute, not absolute after `file://`.
 */
export function isLocalRelativePath(path: string): boolean {
  for (const p of ['git::', 'gh:', 'ssh://', 'https://', 'http://', 'git@', 'github.com:', 'github.com/']) {
    if (p.length < path.length && path.slice(0, p.length).toLowerCase() === p) return false;
  }
  const lower = path.toLowerCase();
  return !(path.startsWith('/') || (lower.startsWith('file://') ? lower.slice('file://'.length) : lower).startsWith('/'));
}
