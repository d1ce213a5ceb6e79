/**
 * A Flux fleet's tree as the fleet model reads it (plan, diff, validate, the deletion gate, the proofs): the
 * cluster registry ConfigMaps become the registered clusters, and each placement Kustomization (with its
 * HelmRelease, for a chart) becomes a view: the Application Argo CD would have run for it — name, cluster,
 * destination namespace, sources (repository, path or chart, revision), sync options — so that everything that
 * reads Applications reads Flux placements the same way. The Flux object itself stays attached to the view
 * (`fluxObjectOf`), for the diff.
 */
import { clusterOfRegistry } from './flux-clusters';
import {
  CLUSTER_LABEL, DESTINATION_NAMESPACE_ANNOTATION, INFO_ANNOTATION, ORIGIN_ANNOTATION, PROJECT_ANNOTATION, RESERVED_LABELS, ROLE_LABEL,
  SOURCE_PATH_ANNOTATION, VALUES_FILES_ANNOTATION,
} from './flux-layout';
import { revisionOfRef } from './git-ref';
import { ClusterSecret, IN_CLUSTER_SERVER } from '../expansion/cluster-secrets';
import type { TreeEntry } from '../gitops/fleet-model';
import { normalizeGitUrl } from '../private/glob';
import { sha256 } from '../private/util';

/** What a tree's Flux fleets add to its fleet model. */
export interface FluxModelParts {
  readonly clusters: ClusterSecret[];
  /** Views of the placements (and root Kustomizations), as Application entries with their origin. */
  readonly applications: TreeEntry[];
  /** Normalized URLs of the fleets' repositories. */
  readonly repoUrls: string[];
  /** `kubectl apply` commands of the entry points. */
  readonly bootstrap: string[];
  readonly problems: string[];
}

const FLUX_OBJECT = Symbol.for('cdk8s-fleet.fluxObject');
/** Annotations the translation writes for the model; the view carries the program's own. */
const OWN_ANNOTATIONS = [
  ORIGIN_ANNOTATION, DESTINATION_NAMESPACE_ANNOTATION, SOURCE_PATH_ANNOTATION, VALUES_FILES_ANNOTATION, INFO_ANNOTATION, PROJECT_ANNOTATION,
];

/** The Flux object (Kustomization or HelmRelease) behind a view, if `view` is one. */
export function fluxObjectOf(application: unknown): any {
  return application && typeof application === 'object' ? (application as any)[FLUX_OBJECT] : undefined;
}

/** Whether a tree path holds a Flux fleet's control objects (the hub's, releases, namespaces, SOPS wrappers). */
export function isFluxPath(rel: string): boolean {
  return rel === 'flux' || rel.startsWith('flux/');
}

/** The Flux parts of a tree's entries (empty when it holds no Flux fleet). */
export function fluxModelParts(entries: readonly TreeEntry[]): FluxModelParts {
  const parts: FluxModelParts = { clusters: [], applications: [], repoUrls: [], bootstrap: [], problems: [] };
  const flux = entries.filter(e => isFluxObject(e.object) || (isFluxPath(e.path) && e.object?.kind === 'ConfigMap'));
  if (!flux.length) return parts;
  const key = (ns: unknown, name: unknown) => `${ns ?? ''}/${name ?? ''}`;
  const git = new Map<string, any>();
  const helm = new Map<string, any>();
  const releases = new Map<string, TreeEntry>();
  for (const e of flux) {
    const o = e.object;
    const cluster = clusterOfRegistry(o);
    if (cluster) parts.clusters.push(cluster);
    if (o?.kind === 'GitRepository') git.set(key(o.metadata?.namespace, o.metadata?.name), o);
    if (o?.kind === 'HelmRepository') helm.set(key(o.metadata?.namespace, o.metadata?.name), o);
    if (o?.kind === 'HelmRelease') releases.set(e.path.slice(0, e.path.lastIndexOf('/')), e);
  }
  // Namespaces the fleet creates for CreateNamespace=true, by cluster.
  const namespaces = new Map<string, any>();
  for (const e of entries) {
    const m = /^flux\/[^/]+\/namespaces\/([^/]+)\/[^/]+$/.exec(e.path);
    if (m && e.object?.kind === 'Namespace') namespaces.set(`${m[1]}/${e.object.metadata?.name}`, e.object);
  }
  const bootstrapFiles = new Map<string, string[]>();
  for (const e of flux) {
    const o = e.object;
    if (o?.kind !== 'Kustomization') continue;
    const role = o.metadata?.labels?.[ROLE_LABEL];
    if (role !== 'placement' && role !== 'root') continue;
    const ns = o.metadata?.namespace;
    const source = git.get(key(o.spec?.sourceRef?.namespace || ns, o.spec?.sourceRef?.name));
    if (!source) {
      parts.problems.push(`${e.path}: Kustomization '${o.metadata?.name}' reads GitRepository '${o.spec?.sourceRef?.name}', which the tree does not hold`);
      continue;
    }
    const repoURL = String(source.spec?.url ?? '');
    const revision = revisionOfRef(source.spec?.ref);
    if (role === 'root') {
      parts.repoUrls.push(normalizeGitUrl(repoURL));
      const gitFile = entries.find(x => x.object === source)?.path;
      bootstrapFiles.set(e.path, [gitFile, e.path].filter((x): x is string => !!x));
      parts.applications.push(view(e, o, o, {
        name: o.metadata?.name,
        destination: { server: IN_CLUSTER_SERVER, namespace: ns },
        sources: [{ repoURL, path: trimPath(o.spec?.path), targetRevision: revision, directory: { recurse: true } }],
        prune: o.spec?.prune === true,
        suspended: o.spec?.suspend === true,
      }));
      continue;
    }
    const cluster = String(o.metadata?.labels?.[CLUSTER_LABEL] ?? '');
    const release = releases.get(trimPath(o.spec?.path));
    const destinationNamespace = String(o.metadata?.annotations?.[DESTINATION_NAMESPACE_ANNOTATION] ?? o.spec?.targetNamespace ?? '');
    const namespace = namespaces.get(`${cluster}/${destinationNamespace}`);
    const dependsOnNamespaces = (o.spec?.dependsOn ?? []).some((d: any) => /-namespaces-/.test(String(d.name)));
    if (release) {
      const r = release.object;
      const chart = r.spec?.chart?.spec ?? {};
      const sourceKind = chart.sourceRef?.kind;
      const from = (sourceKind === 'HelmRepository' ? helm : git).get(key(chart.sourceRef?.namespace || r.metadata?.namespace, chart.sourceRef?.name));
      const valueFiles: string[] = parseJson(r.metadata?.annotations?.[VALUES_FILES_ANNOTATION]) ?? [];
      const helmFields: any = { releaseName: fluxReleaseName(r) };
      const sources: any[] = [];
      if (sourceKind === 'HelmRepository') {
        const url = String(from?.spec?.url ?? '');
        sources.push({ repoURL: from?.spec?.type === 'oci' ? url.replace(/^oci:\/\//, '') : url, chart: chart.chart, targetRevision: String(chart.version ?? ''), helm: helmFields });
        if (valueFiles.length) {
          helmFields.valueFiles = valueFiles.map(f => `$values/${f}`);
          sources.push({ repoURL, ref: 'values', targetRevision: revision });
        }
      } else {
        const chartPath = trimPath(chart.chart);
        if (valueFiles.length) helmFields.valueFiles = valueFiles.map(f => (f.startsWith(`${chartPath}/`) ? f.slice(chartPath.length + 1) : f));
        sources.push({ repoURL: String(from?.spec?.url ?? ''), path: chartPath, targetRevision: revisionOfRef(from?.spec?.ref), helm: helmFields });
      }
      parts.applications.push(view(release, o, r, {
        name: o.metadata?.name,
        destination: { name: cluster, namespace: fluxReleaseNamespace(r) },
        sources,
        prune: true,
        suspended: o.spec?.suspend === true || r.spec?.suspend === true,
        createNamespace: r.spec?.install?.createNamespace === true,
      }));
      continue;
    }
    const path = String(o.metadata?.annotations?.[SOURCE_PATH_ANNOTATION] ?? trimPath(o.spec?.path));
    const hasKustomization = entries.some(x => x.path === `${path}/kustomization.yaml` || x.path === `${path}/kustomization.yml` || x.path === `${path}/Kustomization`);
    const s: any = { repoURL, path, targetRevision: revision };
    if (!hasKustomization) s.directory = { recurse: true };
    parts.applications.push(view(e, o, o, {
      name: o.metadata?.name,
      destination: { name: cluster, namespace: destinationNamespace },
      sources: [s],
      prune: o.spec?.prune === true,
      suspended: o.spec?.suspend === true,
      createNamespace: dependsOnNamespaces && namespace !== undefined,
      namespace,
    }));
  }
  for (const files of bootstrapFiles.values()) parts.bootstrap.push(`kubectl apply ${files.map(f => `-f ${f}`).join(' ')}`);
  return parts;
}

interface ViewSpec {
  readonly name: string;
  readonly destination: { name?: string; server?: string; namespace?: string };
  readonly sources: any[];
  readonly prune: boolean;
  readonly suspended: boolean;
  readonly createNamespace?: boolean;
  readonly namespace?: any;
}

/** The Application view of a Flux object; `entry` is the file the diff names for it. */
function view(entry: TreeEntry, kustomization: any, shown: any, v: ViewSpec): TreeEntry {
  const labels: Record<string, string> = {};
  for (const [k, val] of Object.entries<string>(kustomization.metadata?.labels ?? {})) {
    if (!RESERVED_LABELS.includes(k) && k !== 'sharding.fluxcd.io/key') labels[k] = val;
  }
  const annotations: Record<string, string> = {};
  for (const [k, val] of Object.entries<string>(kustomization.metadata?.annotations ?? {})) {
    if (!OWN_ANNOTATIONS.includes(k) && !k.startsWith('kustomize.toolkit.fluxcd.io/')) annotations[k] = val;
  }
  const syncOptions = v.createNamespace ? ['CreateNamespace=true'] : undefined;
  const nsLabels = v.namespace?.metadata?.labels;
  const nsAnnotations = Object.fromEntries(Object.entries<string>(v.namespace?.metadata?.annotations ?? {}).filter(([k]) => !k.startsWith('kustomize.toolkit.fluxcd.io/')));
  const object: any = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: v.name,
      namespace: kustomization.metadata?.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    spec: {
      project: String(kustomization.metadata?.annotations?.[PROJECT_ANNOTATION] ?? ''),
      destination: v.destination,
      ...(v.sources.length === 1 ? { source: v.sources[0] } : { sources: v.sources }),
      syncPolicy: {
        ...(v.suspended ? {} : { automated: { prune: v.prune, selfHeal: true } }),
        ...(syncOptions ? { syncOptions } : {}),
        ...(v.createNamespace && (nsLabels || Object.keys(nsAnnotations).length)
          ? { managedNamespaceMetadata: { labels: nsLabels, annotations: nsAnnotations } } : {}),
      },
    },
  };
  Object.defineProperty(object, FLUX_OBJECT, { value: shown, enumerable: false });
  const origin = String(kustomization.metadata?.annotations?.[ORIGIN_ANNOTATION] ?? 'Application');
  return { path: entry.path, object, content: entry.content, origin };
}

/**
 * The Helm release a HelmRelease installs (helm-controller v1.6.3 api/v2/helmrelease_types.go `GetReleaseName`:
 * `spec.releaseName`, else `<targetNamespace>-<name>`, else the name; internal/release/name.go `ShortenName`: past
 * 53 characters, the first 40, `-` and 12 hex digits of the sha256 of the whole).
 */
function fluxReleaseName(r: any): string {
  const name = String(r.metadata?.name ?? '');
  const full = r.spec?.releaseName ? String(r.spec.releaseName) : r.spec?.targetNamespace ? `${r.spec.targetNamespace}-${name}` : name;
  if (full.length <= 53) return full;
  return `${full.slice(0, 40)}-${sha256(full).slice(0, 12)}`;
}

/**
 * The namespace a HelmRelease installs into (helm-controller v1.6.3 api/v2 `GetReleaseNamespace`: a non-empty
 * `spec.targetNamespace`, else the HelmRelease's own namespace).
 */
function fluxReleaseNamespace(r: any): string {
  return String(r.spec?.targetNamespace || r.metadata?.namespace || '');
}

function isFluxObject(o: any): boolean {
  const api = String(o?.apiVersion ?? '');
  return api.startsWith('kustomize.toolkit.fluxcd.io/') || api.startsWith('source.toolkit.fluxcd.io/') || api.startsWith('helm.toolkit.fluxcd.io/');
}

function trimPath(p: unknown): string {
  return String(p ?? '').replace(/^\.\//, '').replace(/\/+$/, '');
}

function parseJson(v: unknown): any {
  if (typeof v !== 'string') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
}
