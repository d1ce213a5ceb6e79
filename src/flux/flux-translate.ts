/**
 * Turns the tree a Flux fleet's program rendered for Argo CD into the tree Flux reads. The program renders as
 * ever (every object validated, the fleet proofs checked on the Argo CD model: ApplicationSets expanded offline,
 * projects' rules enforced); then, per Flux fleet:
 *
 * - the fleet's Argo CD objects (`argocd/<fleet>/`, the root Application) are replaced by Flux's (README "Flux":
 *   the layout in `flux-layout.ts`): one Kustomization per (cluster, Application) of the plan, placed where the
 *   plan placed it, so the placements are those Argo CD would have made;
 * - every rendered manifest (`clusters/`, `apps/`, `values/`) stays byte for byte;
 * - what has no Flux equivalent is an error naming the feature and the construct.
 */
import { fluxCluster, FluxCluster } from './flux-clusters';
import { CLUSTER_LABEL, FLEET_LABEL, FluxLayout, namespacesKustomizationName, ROLE_LABEL } from './flux-layout';
import { orderPlacements, RollingSync } from './flux-ordering';
import { FluxPlacement, placeApplication } from './flux-placement';
import { FluxSources } from './flux-sources';
import { fluxGitUrl, gitRefOf } from './git-ref';
import { TreeIndex } from './tree-index';
import type { Fleet } from '../fleet/fleet';
import type { FleetModel } from '../gitops/fleet-model';
import type { FleetPlan, PlannedApplication } from '../gitops/fleet-plan';
import { processObject, ProcessOptions } from '../gitops/process-object';
import type { RenderedFile } from '../gitops/render';
import { show } from '../private/errors';
import { objectFileName } from '../private/placement';
import { compareCodeUnits, pushAll, sortObjectKeys } from '../private/util';
import { parseYamlDocument } from '../private/yaml-input';

/** What the translation needs from a render. */
export interface FluxTranslationInput {
  /** Every rendered file, sorted by path. */
  readonly files: readonly RenderedFile[];
  readonly model: FleetModel;
  readonly plan: FleetPlan;
  /** The fleets whose engine is Flux. */
  readonly fleets: readonly Fleet[];
  /** The age key Secret of the SopsSecret writing a directory, if one does. */
  readonly sopsSecretName: (dir: string) => string | undefined;
  readonly processOptions: ProcessOptions;
}

/** Kustomization and HelmRelease names are label values on every object they apply (`<group>/name`): 63 characters. */
const MAX_NAME = 63;

/** The tree with every Flux fleet translated, or every reason it cannot be. */
export function translateFluxFleets(input: FluxTranslationInput): { files: RenderedFile[]; errors: string[] } {
  let files = [...input.files];
  const errors: string[] = [];
  const tree = new TreeIndex(input.files, input.model.scopes);
  const constructOf = new Map(input.files.map(f => [f.path, f.constructPath]));
  const prefixOf = (path: string | undefined) => (path && constructOf.get(path) ? `[${constructOf.get(path)!.replace(/\/Resource$/, '')}] ` : '');
  const fileOfApplication = new Map<any, string>(input.model.applications.map(e => [e.object, e.path]));
  // (by fleet and name: another fleet's ApplicationSet of the same name is another Argo CD's, or Flux's)
  const setPath = new Map(input.plan.applicationSets.map(s => [`${s.fleet}\u0000${s.name}`, s.path]));
  const valuesCache = new Map<string, unknown>();
  const valuesFile = (path: string): unknown => {
    if (!valuesCache.has(path)) {
      const f = input.files.find(x => x.path === path);
      let parsed: unknown;
      if (f) {
        try {
          parsed = parseYamlDocument(f.content, path) ?? null;
        } catch (e) {
          errors.push(`${path}: ${(e as Error).message}`);
        }
      }
      valuesCache.set(path, parsed);
    }
    return valuesCache.get(path);
  };

  for (const fleet of input.fleets) {
    const options = fleet.engine._fluxOptions()!;
    const layout = new FluxLayout(fleet.fleetName);
    const argoDir = `${fleet.argocdDirectory}/`;
    const rootPath = fleet.bootstrap.fileName;
    const ours = (path: string | undefined) => path !== undefined && (path.startsWith(argoDir) || path === rootPath);
    const fleetPrefix = prefixOf(rootPath) || `[${fleet.node.path}] `;
    const fail = (message: string) => errors.push(message);

    // The fleet's own repository, at its revision.
    const url = fluxGitUrl(fleet.repoUrl);
    if (url.error !== undefined) {
      fail(`${fleetPrefix}Fleet 'repoUrl': ${url.error}`);
    } else if (url.url.startsWith('ssh://') && !options.gitSecretName) {
      // source-controller v1.9.1 `getAuthOpts` → fluxcd/pkg git/v0.52.0 `NewAuthOptions` → `Validate`: an ssh
      // transport without an identity is refused ("invalid 'ssh' auth option: 'identity' is required").
      fail(`${fleetPrefix}Fleet 'repoUrl' (${show(fleet.repoUrl)}) is an SSH URL: source-controller clones over SSH only with a Secret holding 'identity' and 'known_hosts'; set FluxOptions 'gitSecretName' (or use an https:// URL)`);
    }
    const ref = gitRefOf(fleet.targetRevision);
    if (ref.error !== undefined) fail(`${fleetPrefix}Fleet 'targetRevision' ${ref.error}`);
    const sources = new FluxSources(layout, options, { repoUrl: fleet.repoUrl, revision: fleet.targetRevision, name: fleet.fleetName });

    // Projects: their rules were enforced offline; what only Argo CD's API server does has no equivalent.
    for (const f of input.files.filter(x => ours(x.path) && isArgo(x.object, 'AppProject'))) {
      for (const m of projectProblems(f.object)) fail(`${prefixOf(f.path)}AppProject '${f.object.metadata?.name}': ${m}`);
    }
    // ApplicationSets: their placements come from the offline expansion.
    const rolling = new Map<string, RollingSync>();
    const setWave = new Map<string, number>();
    const setSync = new Map<string, string>();
    for (const e of input.model.applicationSets.filter(x => ours(x.path))) {
      const o = e.object;
      const name = String(o.metadata?.name ?? '');
      const label = `${prefixOf(e.path)}ApplicationSet '${name}'`;
      const s = input.plan.applicationSets.find(x => x.name === name && x.path === e.path);
      if (s?.expansion.unsupported) fail(`${label}: ${s.expansion.unsupported}; Flux has no ApplicationSet controller, so every placement must be known at synth`);
      if (s?.expansion.error) fail(`${label}: its expansion fails (${s.expansion.error}), so it places nothing`);
      for (const m of applicationSetProblems(o)) fail(`${label}: ${m}`);
      if (o.spec?.strategy?.type === 'RollingSync') rolling.set(`ApplicationSet/${name}`, { steps: o.spec.strategy.rollingSync?.steps ?? [], label });
      setWave.set(name, waveOf(o));
      if (o.spec?.syncPolicy?.applicationsSync) setSync.set(name, o.spec.syncPolicy.applicationsSync);
    }

    // Clusters.
    const clusters = new Map<string, FluxCluster>();
    const hubObjects: { dir: string; object: any }[] = [];
    for (const f of input.files.filter(x => x.path.startsWith(`${argoDir}clusters/`))) {
      const c = fluxCluster(f.object, prefixOf(f.path), layout, options);
      pushAll(errors, c.errors);
      clusters.set(c.name, c);
      for (const o of c.objects) hubObjects.push({ dir: layout.clustersDirectory, object: o });
    }

    // Placements.
    const placed: { a: PlannedApplication; cluster: string }[] = [];
    for (const c of input.plan.clusters) for (const a of c.applications) placed.push({ a, cluster: c.name });
    for (const a of input.plan.unplaced) placed.push({ a, cluster: a.cluster });
    const placements: FluxPlacement[] = [];
    const waves = new Map<FluxPlacement, number>();
    const grouped = new Map<string, string[]>();
    const ctx = {
      layout,
      options,
      sources,
      revision: fleet.targetRevision,
      tree,
      cluster: (n: string) => clusters.get(n),
      sopsSecretName: input.sopsSecretName,
      valuesFile,
    };
    for (const { a, cluster } of placed) {
      const isSet = a.origin.startsWith('ApplicationSet/');
      const setName = isSet ? a.origin.slice('ApplicationSet/'.length) : undefined;
      const file = isSet ? setPath.get(`${a.fleet}\u0000${setName}`) : fileOfApplication.get(a.object);
      if (!ours(file) || file === rootPath) continue;
      const label = `${prefixOf(file)}${isSet ? `ApplicationSet '${setName}': Application '${a.name}'` : `Application '${a.name}'`}`;
      if (a.name.length > MAX_NAME) {
        fail(`${label}: the name is longer than ${MAX_NAME} characters; Flux labels every object it applies with its Kustomization's name: shorten it`);
        continue;
      }
      const r = placeApplication({ app: a.object, cluster, origin: a.origin }, ctx);
      for (const m of r.errors) {
        // A template's problem is the same for every Application of its ApplicationSet: reported once, naming them.
        const key = `${isSet ? `${prefixOf(file)}ApplicationSet '${setName}'` : label}\u0000${m}`;
        grouped.set(key, [...grouped.get(key) ?? [], a.name]);
      }
      if (!r.placement) continue;
      const p = r.placement;
      // applicationsSync (argo-cd v3.5.1 applicationset/utils/policy.go): an ApplicationSet that never deletes its
      // Applications (create-only, create-update) → the root Kustomization does not prune their Kustomizations;
      // one that never updates them (create-only, create-delete) → it applies them only when absent.
      const policy = setName ? setSync.get(setName) : undefined;
      if (policy === 'create-only' || policy === 'create-update' || policy === 'create-delete') {
        if (policy !== 'create-delete') p.kustomization.metadata.annotations['kustomize.toolkit.fluxcd.io/prune'] = 'disabled';
        if (policy !== 'create-update') {
          p.kustomization.metadata.annotations['kustomize.toolkit.fluxcd.io/ssa'] = 'IfNotPresent';
          // A Helm Application's chart, version and values are its spec: its HelmRelease is not updated either.
          for (const f of p.files) {
            if (f.object?.kind === 'HelmRelease') f.object.metadata.annotations = sortMap({ ...f.object.metadata.annotations ?? {}, 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' });
          }
        }
        p.kustomization.metadata.annotations = sortMap(p.kustomization.metadata.annotations);
      }
      placements.push(p);
      waves.set(p, isSet ? setWave.get(setName!) ?? 0 : waveOf(a.object));
    }

    for (const [key, names] of grouped) {
      const [where, message] = key.split('\u0000');
      const apps = where.includes("Application '") ? '' : ` (Application${names.length > 1 ? 's' : ''} ${names.slice(0, 3).map(n => `'${n}'`).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''})`;
      fail(`${where}${apps}: ${message}`);
    }

    // Namespaces Argo CD would create.
    const namespaceKs = new Map<string, string>();
    const namespaceFiles: { path: string; object: any }[] = [];
    const byCluster = new Map<string, Map<string, FluxPlacement>>();
    for (const p of placements) {
      if (!p.namespace || !p.namespace.name) continue;
      const m = byCluster.get(p.cluster) ?? new Map<string, FluxPlacement>();
      byCluster.set(p.cluster, m);
      const other = m.get(p.namespace.name);
      if (other && JSON.stringify(sortObjectKeys(other.namespace)) !== JSON.stringify(sortObjectKeys(p.namespace))) {
        fail(`${fleetPrefix}Applications '${other.name}' and '${p.name}' create namespace '${p.namespace.name}' on cluster '${p.cluster}' with different managedNamespaceMetadata; Argo CD would flap between them, Flux cannot apply both: make them equal`);
      }
      m.set(p.namespace.name, p);
    }
    for (const [cluster, m] of [...byCluster].sort(([a], [b]) => compareCodeUnits(a, b))) {
      const c = clusters.get(cluster)!;
      const name = namespacesKustomizationName(fleet.fleetName, cluster);
      namespaceKs.set(cluster, name);
      const dir = layout.namespacesDirectory(cluster);
      for (const [ns, p] of [...m].sort(([a], [b]) => compareCodeUnits(a, b))) {
        namespaceFiles.push({
          path: `${dir}/${objectFileName('Namespace', undefined, ns, undefined)}`,
          object: {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: {
              name: ns,
              labels: p.namespace!.labels && Object.keys(p.namespace!.labels).length ? sortMap(p.namespace!.labels) : undefined,
              // Argo CD never deletes a namespace it created.
              annotations: sortMap({ ...p.namespace!.annotations ?? {}, 'kustomize.toolkit.fluxcd.io/prune': 'disabled' }),
            },
          },
        });
      }
      hubObjects.push({
        dir: layout.kustomizationsDirectory,
        object: {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name, namespace: options.namespace, labels: { [CLUSTER_LABEL]: cluster, [FLEET_LABEL]: fleet.fleetName, [ROLE_LABEL]: 'namespaces' } },
          spec: {
            interval: options.interval,
            timeout: options.timeout,
            path: `./${dir}`,
            prune: true,
            sourceRef: { kind: 'GitRepository', name: fleet.fleetName },
            wait: options.wait,
            deletionPolicy: 'Orphan',
            ...(c.kubeConfig ? { kubeConfig: c.kubeConfig } : {}),
          },
        },
      });
    }

    pushAll(errors, orderPlacements(placements, p => waves.get(p) ?? 0, origin => rolling.get(origin), c => namespaceKs.get(c)));

    // The entry point: the fleet's GitRepository and the root Kustomization.
    const root = input.files.find(f => f.path === rootPath)?.object;
    const rootAnnotations: Record<string, string> = {};
    for (const [k, v] of Object.entries<string>(root?.metadata?.annotations ?? {})) if (k.startsWith('fleet.cdk8s.io/')) rootAnnotations[k] = v;
    const rootSync = root?.spec?.syncPolicy;
    const bootstrap = [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: fleet.fleetName, namespace: options.namespace, labels: { [FLEET_LABEL]: fleet.fleetName, [ROLE_LABEL]: 'root' } },
        spec: {
          interval: options.sourceInterval,
          url: url.url ?? fleet.repoUrl,
          ref: ref.ref ?? { branch: fleet.targetRevision },
          ...(options.gitSecretName ? { secretRef: { name: options.gitSecretName } } : {}),
        },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: {
          name: fleet.bootstrap.applicationName,
          namespace: options.namespace,
          labels: { [FLEET_LABEL]: fleet.fleetName, [ROLE_LABEL]: 'root' },
          annotations: Object.keys(rootAnnotations).length ? sortMap(rootAnnotations) : undefined,
        },
        spec: {
          interval: options.interval,
          timeout: options.timeout,
          path: `./${layout.hubDirectory}`,
          prune: rootSync?.automated ? rootSync.automated.prune === true : false,
          ...(rootSync?.automated ? {} : { suspend: true }),
          sourceRef: { kind: 'GitRepository', name: fleet.fleetName },
          // Like the root App-of-Apps (Argo CD has no Application health check by default): ready once applied.
          wait: false,
        },
      },
    ];
    if (fleet.bootstrap.applicationName.length > MAX_NAME) fail(`${fleetPrefix}Bootstrap 'applicationName' (${show(fleet.bootstrap.applicationName)}) is longer than ${MAX_NAME} characters, which a Flux Kustomization name may not be`);

    // The files.
    const out: { path: string; object: any; role: 'argocd' | 'workload'; constructPath: string }[] = [];
    const construct = fleet.node.path;
    for (const o of bootstrap) out.push({ path: `bootstrap/${objectFileName(o.kind, undefined, o.metadata.name, undefined)}`, object: o, role: 'argocd', constructPath: construct });
    for (const h of hubObjects) out.push({ path: `${h.dir}/${objectFileName(h.object.kind, undefined, h.object.metadata.name, undefined)}`, object: h.object, role: 'argocd', constructPath: construct });
    for (const o of sources.objects()) out.push({ path: `${layout.sourcesDirectory}/${objectFileName(o.kind, undefined, o.metadata.name, undefined)}`, object: o, role: 'argocd', constructPath: construct });
    for (const p of placements) {
      out.push({ path: `${layout.kustomizationsDirectory}/${objectFileName('Kustomization', undefined, p.name, undefined)}`, object: p.kustomization, role: 'argocd', constructPath: construct });
      for (const f of p.files) out.push({ ...f, role: 'argocd', constructPath: construct });
    }
    for (const f of namespaceFiles) out.push({ ...f, role: 'argocd', constructPath: construct });

    files = files.filter(f => !ours(f.path));
    const taken = new Map(files.map(f => [f.path, f.constructPath]));
    for (const o of out) {
      if (taken.has(o.path)) {
        fail(`${fleetPrefix}${o.object.kind} '${o.object.metadata?.name ?? ''}' would be written to ${o.path}, which '${taken.get(o.path)}' already writes`);
        continue;
      }
      const object = sortObjectKeys(o.object);
      const r = processObject(object, o.role, input.processOptions);
      for (const problem of r.problems) fail(`${fleetPrefix}${object.kind} '${object.metadata?.name ?? ''}' (${o.path}): ${problem}`);
      taken.set(o.path, o.constructPath);
      const directory = o.path.slice(0, o.path.lastIndexOf('/'));
      files.push({ path: o.path, content: r.content, hash: r.hash, object, constructPath: o.constructPath, placement: { directory, role: o.role } });
    }
  }
  files.sort((a, b) => compareCodeUnits(a.path, b.path));
  return { files, errors };
}

/** What an AppProject says that only Argo CD's API server and controller enforce at runtime. */
function projectProblems(p: any): string[] {
  const spec = p.spec ?? {};
  const out: string[] = [];
  if (spec.syncWindows?.length) {
    out.push("'syncWindows' have no Flux equivalent (Flux can only suspend a Kustomization, not on a schedule); remove them, or suspend the applications by hand");
  }
  if (spec.roles?.length) out.push("'roles' grant access to Argo CD's API and UI; Flux has neither: remove them (give access with Kubernetes RBAC on the Flux objects)");
  if (spec.orphanedResources) out.push("'orphanedResources' monitoring is an Argo CD UI feature with no Flux equivalent; remove it");
  if (spec.signatureKeys?.length) out.push("'signatureKeys' (GPG verification of commits) map to the GitRepository's 'verify', which this translation does not write; remove them");
  if (spec.destinationServiceAccounts?.length) out.push("'destinationServiceAccounts' (impersonation) have no equivalent in this translation; remove them");
  if (spec.sourceNamespaces?.length) out.push("'sourceNamespaces' (Applications in other namespaces) have no Flux equivalent; remove them");
  return out;
}

/** What an ApplicationSet says that has no Flux equivalent. */
function applicationSetProblems(o: any): string[] {
  const spec = o.spec ?? {};
  const out: string[] = [];
  if (spec.ignoreApplicationDifferences?.length) out.push("'ignoreApplicationDifferences' lets Applications be edited in Argo CD; Flux objects are only changed through Git: remove it");
  if (spec.strategy?.deletionOrder === 'Reverse') out.push("strategy 'deletionOrder: Reverse' has no Flux equivalent; remove it");
  if (spec.strategy?.type && !['RollingSync', 'AllAtOnce'].includes(spec.strategy.type)) out.push(`strategy ${show(spec.strategy.type)} has no Flux equivalent`);
  for (const k of Object.keys(o.metadata?.annotations ?? {})) {
    if (k.startsWith('notifications.argoproj.io/')) out.push(`Argo CD notifications (annotation '${k}') have no Flux equivalent in this release (the notification-controller's schema is not pinned); remove them`);
  }
  return out;
}

/** The sync wave of an object of the root App-of-Apps (Argo CD parses it as an integer; 0 when absent). */
function waveOf(o: any): number {
  const v = o?.metadata?.annotations?.['argocd.argoproj.io/sync-wave'];
  const n = v === undefined ? 0 : Number.parseInt(String(v), 10);
  return Number.isFinite(n) ? n : 0;
}

function isArgo(o: any, kind: string): boolean {
  return o?.kind === kind && String(o?.apiVersion ?? '').startsWith('argoproj.io/');
}

function sortMap(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

