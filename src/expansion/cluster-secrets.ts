/**
 * Reading Argo CD cluster Secrets (argocd-semantics §1) into what the cluster generator sees. Accepts plain
 * Secrets (`data`, base64, or `stringData`) and, for trees this library writes, the External Secrets
 * `ExternalSecret` whose target template produces the cluster Secret.
 */

/** The cluster Secret label, and Argo CD's implicit local cluster. */
export const SECRET_TYPE_LABEL = 'argocd.argoproj.io/secret-type';
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';
export const IN_CLUSTER_NAME = 'in-cluster';

/** One registered cluster as the ApplicationSet controller reads its Secret. */
export interface ClusterSecret {
  /** `data.name`, raw (the cluster generator reads it as it is, "" when absent). */
  readonly name: string;
  /** `data.server`, raw (the cluster generator does not trim it). */
  readonly server: string;
  /** `data.project`, or "". */
  readonly project: string;
  /** The Secret's labels, including `argocd.argoproj.io/secret-type`. */
  readonly labels: Record<string, string>;
  /** The Secret's annotations. */
  readonly annotations: Record<string, string>;
  /** `data.shard`, raw (the application-controller shard the Secret pins the cluster to), when set. */
  readonly shard?: string;
  /** The Secret's own name and namespace, for messages. */
  readonly secretName: string;
  readonly namespace?: string;
}

/**
 * The cluster Secrets among `objects`, in input order. Objects that are not cluster Secrets are skipped;
 * a cluster Secret without `server` is kept (as the cluster generator keeps it) and reported in `errors`.
 */
export function readClusterSecrets(objects: readonly any[]): { clusters: ClusterSecret[]; errors: string[] } {
  const clusters: ClusterSecret[] = [];
  const errors: string[] = [];
  for (const o of objects) {
    if (!o || typeof o !== 'object') continue;
    let labels: Record<string, string> | undefined;
    let annotations: Record<string, string> | undefined;
    let data: Record<string, string> | undefined;
    if (o.kind === 'Secret' && (o.apiVersion ?? 'v1') === 'v1') {
      labels = o.metadata?.labels;
      annotations = o.metadata?.annotations;
      data = {};
      for (const [k, v] of Object.entries<string>(o.data ?? {})) data[k] = Buffer.from(String(v), 'base64').toString('utf8');
      Object.assign(data, o.stringData ?? {});
    } else if (o.kind === 'ExternalSecret' && String(o.apiVersion).startsWith('external-secrets.io/')) {
      const template = o.spec?.target?.template;
      labels = template?.metadata?.labels;
      annotations = template?.metadata?.annotations;
      data = template?.data;
    } else {
      continue;
    }
    if (labels?.[SECRET_TYPE_LABEL] !== 'cluster') continue;
    const secretName = String(o.metadata?.name ?? '');
    const server = typeof data?.server === 'string' ? data.server : '';
    // The cluster generator reads the raw Secret, so it still yields this cluster (with server ""); Argo CD
    // cannot deploy to it.
    if (server === '') errors.push(`cluster Secret '${secretName}' has no 'server'`);
    clusters.push({
      name: typeof data?.name === 'string' ? data.name : '',
      server,
      project: typeof data?.project === 'string' ? data.project : '',
      labels: { ...labels },
      annotations: { ...annotations ?? {} },
      ...(typeof data?.shard === 'string' ? { shard: data.shard } : {}),
      secretName,
      namespace: o.metadata?.namespace,
    });
  }
  return { clusters, errors };
}

/** Whether Argo CD's implicit in-cluster entry exists (no Secret overrides it). */
export function hasImplicitInCluster(clusters: readonly ClusterSecret[], inClusterEnabled = true): boolean {
  return inClusterEnabled && !clusters.some(c => c.server === IN_CLUSTER_SERVER);
}

/**
 * The clusters Argo CD's database knows (for destination checks): every Secret, plus the implicit in-cluster
 * entry. A Secret's server has its trailing "/" trimmed when Argo CD reads it.
 */
export function knownClusters(clusters: readonly ClusterSecret[], inClusterEnabled = true): { name: string; server: string }[] {
  const known = clusters.map(c => ({ name: c.name, server: c.server.replace(/\/$/, '') }));
  if (hasImplicitInCluster(clusters, inClusterEnabled)) known.push({ name: IN_CLUSTER_NAME, server: IN_CLUSTER_SERVER });
  return known;
}

/** The known clusters by name (several when names repeat, in order) and by server (the first with it). */
export interface KnownClusterIndex {
  readonly byName: ReadonlyMap<string, ReadonlyArray<{ name: string; server: string }>>;
  readonly byServer: ReadonlyMap<string, { name: string; server: string }>;
  /** The cluster informer's name index: the trimmed servers of the Secrets with a name (no implicit in-cluster). */
  readonly secretServersByName: ReadonlyMap<string, readonly string[]>;
}

/** `knownClusters` indexed, for lookups per generated Application (10,000 of them at fleet scale). */
const indexes = new WeakMap<readonly ClusterSecret[], Map<boolean, KnownClusterIndex>>();

export function knownClusterIndex(clusters: readonly ClusterSecret[], inClusterEnabled = true): KnownClusterIndex {
  let byFlag = indexes.get(clusters);
  if (!byFlag) { byFlag = new Map(); indexes.set(clusters, byFlag); }
  let index = byFlag.get(inClusterEnabled);
  if (!index) { index = buildKnownClusterIndex(clusters, inClusterEnabled); byFlag.set(inClusterEnabled, index); }
  return index;
}

function buildKnownClusterIndex(clusters: readonly ClusterSecret[], inClusterEnabled: boolean): KnownClusterIndex {
  const byName = new Map<string, Array<{ name: string; server: string }>>();
  const byServer = new Map<string, { name: string; server: string }>();
  for (const c of knownClusters(clusters, inClusterEnabled)) {
    byName.set(c.name, [...byName.get(c.name) ?? [], c]);
    if (!byServer.has(c.server)) byServer.set(c.server, c);
  }
  const secretServersByName = new Map<string, string[]>();
  for (const c of clusters) {
    if (c.name === '') continue;
    const list = secretServersByName.get(c.name) ?? [];
    list.push(c.server.replace(/\/+$/, ''));
    secretServersByName.set(c.name, list);
  }
  return { byName, byServer, secretServersByName };
}
