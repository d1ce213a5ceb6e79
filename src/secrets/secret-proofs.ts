/**
 * The secret fleet proof: from a synthesized tree (in memory at synth, or read from disk by `cdk8s-fleet
 * validate`), per cluster, every object the cluster's Applications deploy, and then:
 * - every ExternalSecret (the cluster-credential ones on the hub included) and ClusterExternalSecret names a store
 *   the cluster has, in the right kind and namespace: deployed by the tree or declared pre-installed on the
 *   cluster Secret (`fleet.cdk8s.io/secret-stores`);
 * - a ClusterSecretStore's conditions admit the namespace (ESO pkg/controllers/secretstore/client_manager.go
 *   `shouldProcessSecret`: conditions ORed; a selector over the namespace's labels, `namespaces` as a
 *   `kubernetes.io/metadata.name` selector, unanchored Go regexes);
 * - no Secret has two owners in one namespace (ExternalSecrets with creation policy Owner or Orphan,
 *   SealedSecrets, SOPS-encrypted Secrets): External Secrets refuses "secret is owned by another
 *   ExternalSecret", and writers that replace the data flap (ESO docs/guides/ownership-deletion-policy.md);
 * - every SealedSecret was sealed for a key the cluster's controller holds (`fleet.cdk8s.io/sealing-certificates`),
 *   and every SOPS file is encrypted to the cluster's age recipient (`fleet.cdk8s.io/sops-age-recipient`).
 */
import { IN_CLUSTER_NAME } from '../expansion/cluster-secrets';
import { compileSelector } from '../expansion/selector';
import type { TreeEntry, FleetModel } from '../gitops/fleet-model';
import type { FleetPlan, PlannedApplication } from '../gitops/fleet-plan';
import { SEALING_CERTIFICATES_ANNOTATION, SECRET_STORES_ANNOTATION, SOPS_AGE_RECIPIENT_ANNOTATION, storeKey } from '../private/cluster-secret-settings';
import { normalizeGitUrl } from '../private/glob';
import { compileGoRegExp } from '../private/go-regexp';
import { sealedTemplateModule } from '../private/lazy';
import { normalizePath } from '../private/placement';
import { sealedValueProblem } from '../private/sealing';
import { SEALED_FOR_ANNOTATION, sopsAgeRecipients } from '../private/secret-markers';
import { SortedPaths } from '../private/sorted-paths';
import { compareCodeUnits, pushAll } from '../private/util';

/** The tag of this proof's messages. */
export const SECRET_PROOF = 'secret-references';

/** An object as one cluster gets it. */
interface Deployed {
  readonly entry: TreeEntry;
  readonly object: any;
  /** The namespace it lands in ('' for cluster-scoped kinds or an unknown namespace). */
  readonly namespace: string;
}

/** Every violation, each naming the construct (when known), the object, its file and the clusters. */
export function proveSecrets(model: FleetModel, plan: FleetPlan): string[] {
  const resolver = new TreeResolver(model);
  const annotationsOf = new Map(model.clusters.map(c => [c.name, c.annotations]));
  // The same problem of a file shared by many clusters is reported once, listing them.
  const found = new Map<string, { prefix: string; clusters: string[] }>();
  const report = (d: Deployed | undefined, cluster: string, message: string) => {
    const key = `${d?.entry.path ?? ''}\n${message}`;
    // The construct that wrote the file: an L2's primary child is 'Resource', so name the L2.
    const constructPath: string | undefined = (d?.entry as any)?.constructPath;
    const prefix = constructPath ? `[${constructPath.replace(/\/Resource$/, '')}] ` : '';
    const f = found.get(key) ?? { prefix, clusters: [] };
    if (!f.clusters.includes(cluster)) f.clusters.push(cluster);
    found.set(key, f);
  };

  for (const c of plan.clusters) {
    const objects = resolver.objectsOf(c.applications);
    if (!objects.some(isSecretRelevant)) continue;
    const annotations = annotationsOf.get(c.name) ?? {};
    const stores = storesOf(objects, annotations[SECRET_STORES_ANNOTATION]);
    const namespaceLabels = namespaceLabelsOf(objects, c.applications);
    const owners = new Map<string, Deployed[]>();
    const own = (namespace: string, name: string, d: Deployed) => {
      const k = `${namespace}/${name}`;
      owners.set(k, [...owners.get(k) ?? [], d]);
    };
    // ExternalSecrets by namespace/name: the tree's own, then those ClusterExternalSecrets create, in tree order.
    const externalSecrets = new Map<string, Deployed>();
    for (const d of objects) {
      if (String(d.object.apiVersion ?? '').startsWith('external-secrets.io/') && d.object.kind === 'ExternalSecret') {
        externalSecrets.set(`${d.namespace}/${d.object.metadata?.name}`, externalSecrets.get(`${d.namespace}/${d.object.metadata?.name}`) ?? d);
      }
    }
    for (const d of objects) {
      const o = d.object;
      const api = String(o.apiVersion ?? '');
      if (api.startsWith('external-secrets.io/') && o.kind === 'ExternalSecret') {
        for (const m of storeProblems(o.spec, d.namespace, stores, namespaceLabels, c.name)) report(d, c.name, `ExternalSecret '${d.namespace}/${o.metadata?.name}' ${m}`);
        // An empty target name is the ExternalSecret's own (the controller's default).
        if (ownsTarget(o.spec)) own(d.namespace, o.spec?.target?.name || o.metadata?.name, d);
      } else if (api.startsWith('external-secrets.io/') && o.kind === 'ClusterExternalSecret') {
        const selected = selectedNamespaces(o.spec, namespaceLabels);
        // `reconcile`: an empty externalSecretName is the ClusterExternalSecret's name.
        const esName = o.spec?.externalSecretName || o.metadata?.name;
        for (const ns of selected) {
          for (const m of storeProblems(o.spec?.externalSecretSpec, ns, stores, namespaceLabels, c.name)) {
            report(d, c.name, `ClusterExternalSecret '${o.metadata?.name}' (its ExternalSecret in namespace '${ns}') ${m}`);
          }
          // `gatherProvisionedNamespaces`: an ExternalSecret of that name the ClusterExternalSecret does not own fails
          // the namespace ("external secret already exists in namespace").
          const existing = externalSecrets.get(`${ns}/${esName}`);
          if (existing && existing.entry !== d.entry) {
            const by = existing.object.kind === 'ClusterExternalSecret' ? `ClusterExternalSecret '${existing.object.metadata?.name}'` : 'the tree';
            report(d, c.name, `ClusterExternalSecret '${o.metadata?.name}' cannot create ExternalSecret '${ns}/${esName}': external secret already exists in namespace (created by ${by}, ${existing.entry.path}); give it another 'externalSecretName'`);
            continue;
          }
          externalSecrets.set(`${ns}/${esName}`, d);
          const es = o.spec?.externalSecretSpec;
          if (ownsTarget(es)) own(ns, es?.target?.name || esName, d);
        }
      } else if (api.startsWith('bitnami.com/') && o.kind === 'SealedSecret') {
        const held = csv(annotations[SEALING_CERTIFICATES_ANNOTATION]);
        const sealedFor = o.metadata?.annotations?.[SEALED_FOR_ANNOTATION];
        const what = `SealedSecret '${d.namespace}/${o.metadata?.name}'`;
        if (held.length === 0) {
          report(d, c.name, `${what} is deployed to a cluster that names no sealing certificate; give the Cluster 'sealingCertificate' (kubeseal --fetch-cert)`);
        } else if (!sealedFor) {
          report(d, c.name, `${what} does not record the certificate it was sealed for (annotation ${SEALED_FOR_ANNOTATION}); seal it with 'cdk8s-fleet seal'`);
        } else if (!held.includes(sealedFor)) {
          report(d, c.name, `${what} was sealed for certificate ${sealedFor}, but the cluster's controller holds ${held.join(', ')}: it cannot unseal it (sealed for another cluster, or the cluster was re-keyed); re-seal it for this cluster`);
        }
        for (const m of unsealProblems(o.spec)) report(d, c.name, `${what} ${m}`);
        own(d.namespace, o.metadata?.name, d); // the controller names the Secret after the SealedSecret (Unseal)
      } else if (sopsAgeRecipients(o) !== undefined) {
        const recipient = annotations[SOPS_AGE_RECIPIENT_ANNOTATION];
        const recipients = sopsAgeRecipients(o)!;
        const what = `SOPS-encrypted ${o.kind ?? 'object'} '${d.namespace}/${o.metadata?.name}'`;
        if (!recipient) {
          report(d, c.name, `${what} is deployed to a cluster that names no age recipient; give the Cluster 'sopsAgeRecipient'`);
        } else if (!recipients.includes(recipient)) {
          report(d, c.name, `${what} is not encrypted to the cluster's age recipient ${recipient} (its recipients: ${recipients.join(', ') || 'none'}); add it with 'sops updatekeys'`);
        }
        if (o.kind === 'Secret') own(d.namespace, o.metadata?.name, d);
      }
    }
    for (const [key, list] of [...owners.entries()].sort(([a], [b]) => compareCodeUnits(a, b))) {
      if (list.length < 2) continue;
      const names = list.map(x => `${x.object.kind} '${x.object.metadata?.name}' (${x.entry.path})`);
      report(list[1], c.name, `Secret '${key}' has ${list.length} owners: ${names.join(' and ')}; External Secrets lets one ExternalSecret own a Secret ("secret is owned by another ExternalSecret") and two writers overwrite each other. Give them different target names, or use creationPolicy Merge for all but one`);
    }
  }
  return [...found.entries()].map(([key, f]) => {
    const message = key.slice(key.indexOf('\n') + 1);
    const where = key.slice(0, key.indexOf('\n'));
    const clusters = f.clusters.length > 5 ? `${f.clusters.slice(0, 5).join(', ')} and ${f.clusters.length - 5} more` : f.clusters.join(', ');
    return `${f.prefix}${message} (cluster${f.clusters.length > 1 ? 's' : ''} ${clusters}${where ? `; ${where}` : ''}) [${SECRET_PROOF}]`;
  });
}

/**
 * Why the controller's `Unseal` fails on a SealedSecret spec, whatever the key: the deprecated `data` field (refused
 * unless the controller runs with the v1 format accepted), values that are not sealed blobs, templates that do
 * not parse. Values are never shown.
 */
function unsealProblems(spec: any): string[] {
  const problems: string[] = [];
  if (spec?.data !== undefined && spec?.data !== null) {
    problems.push("cannot be unsealed: it uses the deprecated 'data' field (\"using deprecated 'data' field, use 'encryptedData' or flip the feature flag\"); re-seal it with 'cdk8s-fleet seal'");
  }
  const encrypted = spec?.encryptedData !== null && typeof spec?.encryptedData === 'object' ? spec.encryptedData : {};
  for (const key of Object.keys(encrypted).sort(compareCodeUnits)) {
    const problem = sealedValueProblem(encrypted[key]);
    if (problem) problems.push(`cannot be unsealed: encryptedData key '${key}' is not a sealed value (${problem}; the value is not shown)`);
  }
  // The Go template parser and sprig (≈ 100 ms to load) are loaded only when a SealedSecret has templates.
  const templateData = spec?.template?.data;
  if (templateData !== null && typeof templateData === 'object' && Object.keys(templateData).length > 0) {
    pushAll(problems, sealedTemplateModule().sealedTemplateProblems(templateData));
  }
  return problems;
}

/** The stores a cluster has: deployed by the tree, or declared pre-installed. */
interface StoreIndex {
  readonly keys: Set<string>;
  /** ClusterSecretStore conditions by name (none: every namespace). */
  readonly conditions: Map<string, any[]>;
  /** Stores by name, for hints. */
  readonly byName: Map<string, string[]>;
}

function storesOf(objects: Deployed[], declared: string | undefined): StoreIndex {
  const keys = new Set<string>();
  const conditions = new Map<string, any[]>();
  const byName = new Map<string, string[]>();
  const add = (key: string, name: string) => {
    keys.add(key);
    byName.set(name, [...byName.get(name) ?? [], key]);
  };
  for (const d of objects) {
    const o = d.object;
    if (!String(o.apiVersion ?? '').startsWith('external-secrets.io/')) continue;
    if (o.kind === 'ClusterSecretStore') {
      add(storeKey('ClusterSecretStore', o.metadata?.name), o.metadata?.name);
      if (o.spec?.conditions?.length) conditions.set(o.metadata.name, o.spec.conditions);
    } else if (o.kind === 'SecretStore') {
      add(storeKey('SecretStore', o.metadata?.name, d.namespace), o.metadata?.name);
    }
  }
  for (const key of csv(declared)) add(key, key.split('/').pop()!);
  return { keys, conditions, byName };
}

/** Why an ExternalSecret spec in `namespace` cannot read its stores on this cluster. */
function storeProblems(spec: any, namespace: string, stores: StoreIndex, labels: Map<string, Record<string, string>>, cluster: string): string[] {
  const refs: any[] = [spec?.secretStoreRef];
  for (const d of spec?.data ?? []) if (d?.sourceRef?.storeRef) refs.push(d.sourceRef.storeRef);
  for (const d of spec?.dataFrom ?? []) if (d?.sourceRef?.storeRef) refs.push(d.sourceRef.storeRef);
  const problems: string[] = [];
  for (const ref of refs) {
    if (!ref?.name) continue;
    const kind = ref.kind ?? 'SecretStore';
    const key = kind === 'ClusterSecretStore' ? storeKey(kind, ref.name) : storeKey(kind, ref.name, namespace);
    if (!stores.keys.has(key)) {
      const others = (stores.byName.get(ref.name) ?? []).map(k => k.replace(/^SecretStore\/([^/]*)\//, 'SecretStore in namespace $1 named '));
      const hint = others.length ? ` (it has ${others.join(', ')}: a ${kind} must be ${kind === 'SecretStore' ? `in namespace '${namespace}'` : 'cluster-wide'})` : '';
      const remedy = cluster === IN_CLUSTER_NAME
        ? 'register the hub (ClusterCredentials.inCluster()) and deploy the store to it (FleetSecretStore) or declare it pre-installed (PreinstalledSecretStore)'
        : "deploy it to the cluster (FleetSecretStore, or its manifests) or declare it pre-installed (Cluster 'secretStores', PreinstalledSecretStore)";
      problems.push(`reads ${kind} '${ref.name}', which cluster '${cluster}' does not have${kind === 'SecretStore' ? ` in namespace '${namespace}'` : ''}${hint}; ${remedy}`);
      continue;
    }
    const conditions = kind === 'ClusterSecretStore' ? stores.conditions.get(ref.name) : undefined;
    if (conditions && !storeAdmitsNamespace(conditions, namespace, labels.get(namespace) ?? { 'kubernetes.io/metadata.name': namespace })) {
      problems.push(`reads ClusterSecretStore '${ref.name}', whose conditions do not admit namespace '${namespace}' (External Secrets refuses it); add the namespace to the store's conditions`);
    }
  }
  return problems;
}

/**
 * `shouldProcessSecret` (ESO pkg/controllers/secretstore/client_manager.go): whether a ClusterSecretStore's
 * conditions admit the namespace, evaluated in its order. Selectors convert with `metav1.LabelSelectorAsSelector`
 * (label keys and values checked); the first selector or regex that does not compile ends the evaluation with an
 * error, which External Secrets reports instead of processing the ExternalSecret: it admits nothing, even when a
 * later condition would match.
 */
export function storeAdmitsNamespace(conditions: any[], namespace: string, labels: Record<string, string>): boolean {
  for (const c of conditions) {
    const selectors: any[] = [];
    if (c?.namespaceSelector) selectors.push(c.namespaceSelector);
    for (const n of c?.namespaces ?? []) selectors.push({ matchLabels: { 'kubernetes.io/metadata.name': n } });
    for (const s of selectors) {
      let matches: (l: Record<string, string>) => boolean;
      try {
        matches = compileSelector(s, true);
      } catch {
        return false;
      }
      if (matches(labels)) return true;
    }
    for (const r of c?.namespaceRegexes ?? []) {
      const re = compileGoRegExp(String(r));
      if (!re.regexp) return false;
      if (re.regexp.test(namespace)) return true;
    }
  }
  return false;
}

/**
 * The namespaces of this cluster a ClusterExternalSecret's selectors choose (among those the tree knows), as
 * ESO runtime/esutils `GetTargetNamespaces` lists them: `namespaces` (by name), the deprecated `namespaceSelector`
 * and `namespaceSelectors` ORed; a selector that does not convert (`LabelSelectorAsSelector`) fails the whole
 * list, so it chooses none; a null entry selects nothing, an empty one every namespace.
 */
export function selectedNamespaces(spec: any, labels: Map<string, Record<string, string>>): string[] {
  const selectors: any[] = [...spec?.namespaceSelector ? [spec.namespaceSelector] : [], ...spec?.namespaceSelectors ?? []];
  const out = new Set<string>(spec?.namespaces ?? []);
  const compiled: Array<(l: Record<string, string>) => boolean> = [];
  for (const s of selectors) {
    if (s === null || s === undefined) continue;
    try {
      compiled.push(compileSelector(s, true));
    } catch {
      return [];
    }
  }
  for (const [ns, l] of labels) if (compiled.some(m => m(l))) out.add(ns);
  return [...out].sort(compareCodeUnits);
}

/** Whether an ExternalSecret spec writes (replaces) its target: creation policies Owner (the default) and Orphan. */
function ownsTarget(spec: any): boolean {
  const policy = spec?.target?.creationPolicy ?? 'Owner';
  return policy === 'Owner' || policy === 'Orphan';
}

/** The labels of every namespace the cluster gets: Namespace objects and Argo CD managed namespace metadata. */
function namespaceLabelsOf(objects: Deployed[], apps: PlannedApplication[]): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const add = (ns: string, labels: Record<string, string> | undefined) => {
    if (!ns) return;
    out.set(ns, { ...out.get(ns) ?? {}, ...labels ?? {}, 'kubernetes.io/metadata.name': ns });
  };
  for (const d of objects) if (d.object.apiVersion === 'v1' && d.object.kind === 'Namespace') add(d.object.metadata?.name, d.object.metadata?.labels);
  for (const a of apps) {
    const sync = a.object?.spec?.syncPolicy;
    if ((sync?.syncOptions ?? []).includes('CreateNamespace=true')) add(a.destinationNamespace, sync?.managedNamespaceMetadata?.labels);
  }
  for (const d of objects) if (d.namespace && !out.has(d.namespace)) add(d.namespace, undefined);
  return out;
}

function isSecretRelevant(d: Deployed): boolean {
  const api = String(d.object.apiVersion ?? '');
  return api.startsWith('external-secrets.io/') || api.startsWith('bitnami.com/') || sopsAgeRecipients(d.object) !== undefined;
}

/**
 * What each Application deploys, from the tree: a plain directory (recursive when the source says so) or a
 * Kustomize directory (resources, ksops generators and the `namespace` override).
 */
class TreeResolver {
  private readonly byDir = new Map<string, TreeEntry[]>();
  private readonly dirs: SortedPaths;
  private readonly local: (url: string) => boolean;

  public constructor(model: FleetModel) {
    for (const e of model.entries) {
      const dir = e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')));
      const list = this.byDir.get(dir) ?? [];
      list.push(e);
      this.byDir.set(dir, list);
    }
    this.dirs = new SortedPaths(this.byDir.keys());
    const urls = model.repoUrls;
    this.local = url => urls.size === 0 || urls.has(normalizeGitUrl(url));
  }

  public objectsOf(apps: PlannedApplication[]): Deployed[] {
    const out: Deployed[] = [];
    for (const a of apps) {
      const sources: any[] = (a.object?.spec?.sources ?? [a.object?.spec?.source]).filter(Boolean);
      for (const s of sources) {
        if (typeof s.path !== 'string' || s.chart || !this.local(String(s.repoURL ?? ''))) continue;
        const dir = normalizePath(s.path);
        for (const { entry, namespace } of this.resolve(dir, s)) {
          const o = entry.object;
          if (!o || typeof o !== 'object') continue;
          const ns = namespace ?? o.metadata?.namespace ?? a.destinationNamespace ?? '';
          out.push({ entry, object: o, namespace: ns });
        }
      }
    }
    return out;
  }

  private resolve(dir: string, source: any): { entry: TreeEntry; namespace?: string }[] {
    const kustomization = this.kustomizationIn(dir);
    if (kustomization && source.directory === undefined) return this.kustomize(dir, new Set());
    if (source.directory?.recurse) {
      // `dir` and the directories below it, in sorted order (a binary search, not a scan of every directory).
      const dirs = [...this.dirs.has(dir) ? [dir] : [], ...this.dirs.withPrefix(`${dir}/`)];
      return dirs.flatMap(d => this.byDir.get(d)!.map(entry => ({ entry })));
    }
    return (this.byDir.get(dir) ?? []).map(entry => ({ entry }));
  }

  private kustomizationIn(dir: string): any {
    return (this.byDir.get(dir) ?? []).find(e => /(^|\/)kustomization\.ya?ml$/.test(e.path) && e.object?.kind === 'Kustomization')?.object;
  }

  private kustomize(dir: string, seen: Set<string>): { entry: TreeEntry; namespace?: string }[] {
    if (seen.has(dir)) return [];
    seen.add(dir);
    const k = this.kustomizationIn(dir);
    if (!k) return [];
    const out: { entry: TreeEntry; namespace?: string }[] = [];
    const files = (rel: string) => this.entriesAt(normalizePath(`${dir}/${rel}`));
    for (const r of k.resources ?? []) {
      const p = normalizePath(`${dir}/${r}`);
      if (this.kustomizationIn(p)) pushAll(out, this.kustomize(p, seen));
      else pushAll(out, files(String(r)).map(entry => ({ entry })));
    }
    for (const g of k.generators ?? []) {
      for (const gen of files(String(g))) {
        if (gen.object?.kind !== 'ksops') continue;
        for (const f of gen.object.files ?? []) pushAll(out, files(String(f)).map(entry => ({ entry })));
      }
    }
    const ns = typeof k.namespace === 'string' && k.namespace ? k.namespace : undefined;
    return ns ? out.map(x => ({ entry: x.entry, namespace: ns })) : out;
  }

  private entriesAt(path: string): TreeEntry[] {
    const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
    return (this.byDir.get(dir) ?? []).filter(e => e.path === path);
  }
}

function csv(v: string | undefined): string[] {
  return typeof v === 'string' && v.trim() ? v.split(',').map(x => x.trim()).filter(Boolean) : [];
}

