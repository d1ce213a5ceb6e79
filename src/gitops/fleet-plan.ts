import { FleetModel, Namesakes, TreeEntry } from './fleet-model';
import { planShards, ShardPlan, ShardPlanOptions, shardPlanJson, shardPlanText } from './shard-plan';
import { drPlanLines, plannedPairs } from '../dr/private/dr-report';
import { expandApplicationSet, ExpansionResult } from '../expansion/expand';
import { fluxObjectOf } from '../flux/flux-model';
import { normalizeGitUrl } from '../private/glob';
import { isDeliveredKind, KindScopes } from '../private/kinds';
import { normalizePath, trimDir } from '../private/placement';
import { compareCodeUnits, pushAll } from '../private/util';
import { patchOperations, tryParseYamlDocument } from '../private/yaml-input';
import { normalizedRepository } from '../promotion/image-reference';

/** One source of a planned Application. */
export interface PlannedSource {
  readonly repoURL: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision: string;
  /** The name other sources use to read files from this one (`$<ref>/…`). */
  readonly ref?: string;
  /** Container images of the manifests at `path`, when the path is in this tree. */
  readonly images: string[];
}

/** How a workload of a planned Application is delivered: a Rollout's strategy, or a Deployment's. */
export interface PlannedDelivery {
  /** `Rollout`, `Deployment`, `StatefulSet` or `DaemonSet`. */
  readonly kind: string;
  readonly name: string;
  /** `canary`, `blueGreen` (Rollouts) or the workload's update strategy (`RollingUpdate`, …). */
  readonly strategy: string;
  /** The canary's traffic router (`nginx`, `istio`, …), when it has one. */
  readonly trafficRouting?: string;
  /** The canary steps, short: `5%`, `pause 5m`, `pause`, `analysis success-rate`, … */
  readonly steps: string[];
  /** The analysis templates it runs (steps, background, pre- and post-promotion), in order, each once. */
  readonly analysis: string[];
}

/** An Application as it will run on a cluster, from an Application file or an ApplicationSet. */
export interface PlannedApplication {
  readonly name: string;
  /** `Application` or `ApplicationSet/<name>`. */
  readonly origin: string;
  /**
   * The fleet whose Argo CD has it (`ArgoFleets.fleetOf`: its ApplicationSet's, or its own file's; a root
   * Application's, the fleet whose directory it syncs), '' when none. Names are unique within a fleet, not across.
   */
  readonly fleet: string;
  readonly project: string;
  readonly cluster: string;
  readonly destinationNamespace: string;
  readonly sources: PlannedSource[];
  /** Cluster-scoped objects it deploys, `Kind/name`, when its path is in this tree. */
  readonly clusterScoped: string[];
  /** How its workloads are delivered (Rollouts and Deployments), when its path is in this tree. */
  readonly delivery: PlannedDelivery[];
  /** The Application object itself. */
  readonly object: any;
}

/** Per cluster, what it runs. */
export interface ClusterPlan {
  readonly name: string;
  readonly server: string;
  readonly labels: Record<string, string>;
  readonly applications: PlannedApplication[];
}

/** What an ApplicationSet expanded to. */
export interface ApplicationSetPlan {
  readonly name: string;
  readonly path: string;
  /** Its fleet (`ArgoFleets.fleetOf`), '' when none. */
  readonly fleet: string;
  readonly expansion: ExpansionResult;
  /** Clusters that receive one of its Applications. */
  readonly clusters: string[];
}

/** The whole fleet: every cluster's Applications, every ApplicationSet's expansion, every AppProject. */
export interface FleetPlan {
  readonly clusters: ClusterPlan[];
  /** Applications whose destination is no registered cluster. */
  readonly unplaced: PlannedApplication[];
  readonly applicationSets: ApplicationSetPlan[];
  /** The AppProjects by fleet ('' for none) and name (`ArgoFleets`: projects of one name in two fleets are two). */
  readonly projectsByFleet: ReadonlyMap<string, ReadonlyMap<string, any>>;
  /** How Argo CD is bootstrapped: `kubectl apply` commands for the files in `bootstrap/`. */
  readonly bootstrap: string[];
  readonly problems: string[];
  /** Application-controller shards, when clusters are pinned to shards or the program declares the replicas. */
  readonly shards?: ShardPlan;
}

/**
 * Computes the plan of a fleet: expands every ApplicationSet offline and places every Application.
 * Projects exist when the tree defines them, when they are Argo CD's built-in `default`, or when listed in
 * `externalProjects` (defined outside the tree).
 */
export function computePlan(model: FleetModel, externalProjects: readonly string[] = [], sharding: ShardPlanOptions = {}): FleetPlan {
  const gitFiles = treeFiles(model);
  // Each fleet is its own Argo CD: its ApplicationSets select among its clusters, its Applications name its
  // clusters and projects (`ArgoFleets`).
  const projectNamesIn = memoize((fleet: string) => new Set([...model.fleets.projectsIn(fleet).keys(), 'default', ...externalProjects]));
  const appSets: ApplicationSetPlan[] = [];
  const generated: { app: any; origin: string; entry: TreeEntry }[] = [];
  for (const e of model.applicationSets) {
    const fleet = model.fleets.fleetOf(e);
    const expansion = expandApplicationSet(e.object, {
      clusters: model.fleets.clustersIn(fleet),
      projects: projectNamesIn(fleet),
      gitFiles: (repoURL: string) => (model.repoUrls.has(normalizeGitUrl(repoURL)) ? gitFiles() : undefined),
    });
    for (const app of expansion.applications) generated.push({ app, origin: `ApplicationSet/${expansion.applicationSet}`, entry: e });
    appSets.push({ name: expansion.applicationSet, path: e.path, fleet, expansion, clusters: [] });
  }
  const apps = [...model.applications.map(e => ({ app: e.object, origin: e.origin ?? 'Application', entry: e })), ...generated];
  // A Flux tree has no ApplicationSets: its placements name the one they stand for.
  const placedBy = new Map<string, { fleet: string; name: string; views: any[] }>(); // (by fleet and origin)
  for (const e of model.applications) {
    if (!e.origin?.startsWith('ApplicationSet/')) continue;
    const fleet = model.fleets.fleetOf(e);
    const key = `${fleet}\0${e.origin}`;
    if (!placedBy.has(key)) placedBy.set(key, { fleet, name: e.origin.slice('ApplicationSet/'.length), views: [] });
    placedBy.get(key)!.views.push(e.object);
  }
  for (const { fleet, name, views } of placedBy.values()) {
    if (!appSets.some(s => s.name === name && s.fleet === fleet)) {
      appSets.push({ name, path: '', fleet, expansion: { applicationSet: name, applications: views, rejected: [] }, clusters: [] });
    }
  }
  const setsByOrigin = new Map(appSets.map(s => [`${s.fleet}\0ApplicationSet/${s.name}`, s]));
  const isLocalRepo = memoize((repoURL: string) => model.repoUrls.has(normalizeGitUrl(repoURL)));
  const clustersOfSet = new Map<ApplicationSetPlan, Set<string>>();
  const byDir = workloadIndex(model.entries, model.scopes);
  const clusters = new Map<string, ClusterPlan>();
  for (const c of [...model.clusters].sort((a, b) => compareCodeUnits(a.name, b.name))) {
    clusters.set(c.name, { name: c.name, server: c.server, labels: withoutSecretType(c.labels), applications: [] });
  }
  const unplaced: PlannedApplication[] = [];
  for (const { app, origin, entry } of apps) {
    const fleet = model.fleets.fleetOf(entry);
    const destination = model.fleets.destinationCluster(app.spec?.destination, fleet);
    const cluster = destination?.name;
    const sources: any[] = (app.spec?.sources ?? [app.spec?.source]).filter(Boolean);
    const local = (s: any) => s.path !== undefined && isLocalRepo(String(s.repoURL ?? ''));
    const planned: PlannedApplication = {
      name: app.metadata?.name,
      origin,
      fleet,
      project: app.spec?.project,
      cluster: cluster ?? String(app.spec?.destination?.name ?? app.spec?.destination?.server ?? ''),
      destinationNamespace: app.spec?.destination?.namespace ?? '',
      sources: sources.map(s => ({
        repoURL: s.repoURL,
        path: s.path,
        chart: s.chart,
        targetRevision: s.targetRevision ?? 'HEAD',
        ref: s.ref,
        images: local(s) ? [...(byDir.get(trimDir(s.path))?.images ?? [])].sort() : [],
      })),
      clusterScoped: sources.filter(local).flatMap(s => byDir.get(trimDir(s.path))?.clusterScoped ?? []).sort(),
      delivery: sources.filter(local).flatMap(s => byDir.get(trimDir(s.path))?.delivery ?? []),
      object: app,
    };
    if (destination === undefined) {
      unplaced.push(planned);
    } else {
      // (a known cluster without a Secret of its own: the implicit in-cluster)
      let placed = clusters.get(destination.name);
      if (!placed) clusters.set(destination.name, placed = { name: destination.name, server: destination.server, labels: {}, applications: [] });
      placed.applications.push(planned);
    }
    const set = setsByOrigin.get(`${planned.fleet}\0${origin}`);
    if (set && cluster) {
      const seen = clustersOfSet.get(set) ?? new Set<string>();
      clustersOfSet.set(set, seen);
      if (!seen.has(cluster)) {
        seen.add(cluster);
        set.clusters.push(cluster);
      }
    }
  }
  for (const c of clusters.values()) c.applications.sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const s of appSets) s.clusters.sort(compareCodeUnits);
  const clusterPlans = [...clusters.values()].sort((a, b) => compareCodeUnits(a.name, b.name));
  return {
    clusters: clusterPlans,
    shards: planShards(model.clusters, clusterPlans, sharding),
    unplaced,
    applicationSets: appSets,
    projectsByFleet: model.fleets.projectsByFleet,
    bootstrap: [
      ...model.applications.filter(e => e.path.startsWith('bootstrap/') && !fluxObjectOf(e.object))
        .map(e => `kubectl apply -n ${e.object.metadata?.namespace ?? 'argocd'} -f ${e.path}`),
      ...model.fluxBootstrap ?? [],
    ],
    problems: model.problems,
  };
}

/** A short text plan: per cluster, its Applications with project, namespace, source, version and images. */
export function planText(plan: FleetPlan): string {
  const lines: string[] = [];
  const appCount = plan.clusters.reduce((n, c) => n + c.applications.length, 0) + plan.unplaced.length;
  lines.push(`Plan: ${plan.clusters.length} clusters, ${appCount} Applications (${plan.applicationSets.length} ApplicationSets expanded offline), ${[...plan.projectsByFleet.values()].reduce((n, m) => n + m.size, 0)} AppProjects`);
  // (names are unique within a fleet: one two fleets share is shown as `<fleet>/<name>`)
  const named = (items: ReadonlyArray<{ fleet: string; name: string }>) => {
    const namesakes = new Namesakes();
    for (const i of items) namesakes.add(i.name, i.fleet);
    return (i: { fleet: string; name: string }) => namesakes.label(i.name, i.fleet);
  };
  const setName = named(plan.applicationSets);
  for (const s of plan.applicationSets) {
    const e = s.expansion;
    const status = e.error ? `FAILS: ${e.error}` : e.unsupported ? `not expanded offline: ${e.unsupported}` : `${e.applications.length} Applications on ${s.clusters.length} clusters`;
    lines.push(`  ApplicationSet ${setName(s)}: ${status}`);
    for (const r of e.rejected) lines.push(`    rejected ${r.name}: ${r.reason}`);
  }
  for (const b of plan.bootstrap) lines.push(`  bootstrap: ${b}`);
  for (const c of plan.clusters) {
    const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(',');
    lines.push(`  ${c.name} (${c.server}${labels ? `; ${labels}` : ''}): ${c.applications.length} Applications`);
    const appName = named(c.applications);
    for (const a of c.applications) {
      lines.push(`    ${appName(a)}  project=${a.project}  namespace=${a.destinationNamespace}  ${describeSources(a)}`);
      for (const d of a.delivery) lines.push(`      ${describeDelivery(d)}`);
    }
  }
  for (const a of plan.unplaced) lines.push(`  (no registered cluster ${a.cluster}) ${a.name}  ${describeSources(a)}`);
  lines.push(...drPlanLines(plan));
  if (plan.shards) lines.push(...shardPlanText(plan.shards));
  return lines.join('\n');
}

/** `path@revision [images]` or `chart@version`, joined with ` + ` for multiple sources. */
export function describeSources(a: PlannedApplication): string {
  return a.sources.map(s => {
    if (s.chart) return `helm ${s.chart}@${s.targetRevision}`;
    if (s.ref && s.path === undefined) return `$${s.ref}@${s.targetRevision}`;
    return `${s.path ?? s.repoURL}@${s.targetRevision}${s.images.length ? ` [${s.images.join(', ')}]` : ''}`;
  }).join(' + ');
}

/** `Rollout api: canary (istio) 5% → pause 5m → analysis success-rate → 30%`, `Deployment web: RollingUpdate`. */
export function describeDelivery(d: PlannedDelivery): string {
  const how = `${d.strategy}${d.trafficRouting ? ` (${d.trafficRouting})` : ''}`;
  const steps = d.steps.length ? `: ${d.steps.join(' → ')}` : '';
  const analysis = d.analysis.length && !d.steps.some(x => x.includes('analysis')) ? `; analysis ${d.analysis.join(', ')}` : '';
  return `${d.kind} ${d.name}: ${how}${steps}${analysis}`;
}

/** The plan as JSON data. */
export function planJson(plan: FleetPlan): any {
  const app = (a: PlannedApplication) => ({
    name: a.name,
    origin: a.origin,
    project: a.project,
    namespace: a.destinationNamespace,
    sources: a.sources.map(s => ({ repoURL: s.repoURL, path: s.path, chart: s.chart, targetRevision: s.targetRevision, images: s.images })),
    clusterScoped: a.clusterScoped,
    ...(a.delivery.length ? { delivery: a.delivery } : {}),
  });
  return {
    clusters: plan.clusters.map(c => ({ name: c.name, server: c.server, labels: c.labels, applications: c.applications.map(app) })),
    unplaced: plan.unplaced.map(a => ({ ...app(a), destination: a.cluster })),
    applicationSets: plan.applicationSets.map(s => ({
      name: s.name,
      applications: s.expansion.applications.map(a => a.metadata.name),
      clusters: s.clusters,
      error: s.expansion.error,
      unsupported: s.expansion.unsupported,
      rejected: s.expansion.rejected,
    })),
    ...(plannedPairs(plan).length ? { disasterRecovery: plannedPairs(plan) } : {}),
    ...(plan.shards ? { shards: shardPlanJson(plan.shards) } : {}),
  };
}

function memoize<T>(f: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return key => {
    if (!cache.has(key)) cache.set(key, f(key));
    return cache.get(key)!;
  };
}

function treeFiles(model: FleetModel): () => ReadonlyMap<string, string> {
  let files: Map<string, string> | undefined;
  return () => {
    if (!files) {
      files = new Map();
      for (const e of model.entries) files.set(e.path, e.content ?? '');
    }
    return files;
  };
}

interface DirSummary { images: Set<string>; clusterScoped: string[]; delivery: PlannedDelivery[] }

function workloadIndex(entries: TreeEntry[], scopes: KindScopes): Map<string, DirSummary> {
  const byDir = new Map<string, DirSummary>();
  const parsedContents = new Map<string, any>();
  const kustomizations: { dir: string; object: any }[] = [];
  let lastDir = '';
  let s: DirSummary | undefined;
  for (const e of entries) {
    if (!e.path.startsWith('clusters/') && !e.path.startsWith('apps/')) continue;
    // Files of one directory are usually consecutive: reuse its summary without slicing the path.
    const slash = e.path.lastIndexOf('/');
    if (!(s && slash === lastDir.length && e.path.startsWith(lastDir))) {
      lastDir = e.path.slice(0, slash);
      s = byDir.get(lastDir);
      if (!s) { s = { images: new Set(), clusterScoped: [], delivery: [] }; byDir.set(lastDir, s); }
    }
    const dir = lastDir;
    for (const i of e.images ?? []) s.images.add(i);
    if (e.object?.kind === 'Kustomization' && String(e.object.apiVersion).startsWith('kustomize.config.k8s.io/')) {
      kustomizations.push({ dir, object: fullObject(e, parsedContents) });
    } else if (e.object?.kind && scopes.isClusterScoped(String(e.object.apiVersion), e.object.kind)) {
      s.clusterScoped.push(`${e.object.kind}/${e.object.metadata?.name}`);
    } else if (isDeliveredKind(e.object)) {
      const delivery = deliveryOf(fullObject(e, parsedContents));
      if (delivery) s.delivery.push(delivery);
    }
  }
  // A Kustomize overlay deploys its resources' objects, with the images its patches set (for trees read from
  // disk; a synthesized overlay already carries its images).
  const resolve = (dir: string, seen: Set<string>): DirSummary => {
    const own = byDir.get(dir) ?? { images: new Set<string>(), clusterScoped: [], delivery: [] };
    const k = kustomizations.find(x => x.dir === dir);
    if (!k || seen.has(dir)) return own;
    seen.add(dir);
    const images = new Set(own.images);
    const scoped = [...own.clusterScoped];
    const delivery = [...own.delivery];
    const deleted = new Set<string>();
    for (const p of k.object.patches ?? []) {
      const doc = typeof p.patch === 'string' ? tryParseYamlDocument(p.patch) as any : undefined;
      if (doc?.$patch === 'delete') deleted.add(`${doc.kind}/${doc.metadata?.name}`);
    }
    for (const r of k.object.resources ?? []) {
      const sub = resolve(normalizePath(`${dir}/${r}`), seen);
      if (own.images.size === 0) for (const i of sub.images) images.add(i);
      pushAll(scoped, sub.clusterScoped);
      pushAll(delivery, sub.delivery.filter(d => !deleted.has(`${d.kind}/${d.name}`)));
    }
    for (const p of k.object.patches ?? []) {
      for (const op of patchOperations(p.patch)) {
        if (typeof op?.path !== 'string' || !op.path.endsWith('/image') || typeof op.value !== 'string') continue;
        const repo = normalizedRepository(op.value);
        for (const i of [...images]) if (normalizedRepository(i) === repo) images.delete(i);
        images.add(op.value);
      }
    }
    return { images, clusterScoped: [...new Set(scoped)], delivery };
  };
  for (const k of kustomizations) byDir.set(k.dir, resolve(k.dir, new Set()));
  return byDir;
}

function withoutSecretType(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) if (k !== 'argocd.argoproj.io/secret-type') out[k] = labels[k];
  return out;
}

/** The whole object of an entry: rendered workload entries carry a summary and their file's text. */
function fullObject(e: TreeEntry, cache: Map<string, any>): any {
  if (e.object?.spec !== undefined || e.content === undefined) return e.object;
  let parsed = cache.get(e.content);
  if (parsed === undefined) {
    parsed = tryParseYamlDocument(e.content) ?? e.object;
    cache.set(e.content, parsed);
  }
  return parsed?.kind === e.object?.kind ? parsed : e.object;
}

/** How a workload object delivers its pods, for the plan. */
function deliveryOf(o: any): PlannedDelivery | undefined {
  if (!o?.kind) return undefined;
  const name = String(o.metadata?.name ?? '');
  if (o.kind !== 'Rollout') {
    const strategy = String(o.spec?.strategy?.type ?? o.spec?.updateStrategy?.type ?? 'RollingUpdate');
    return { kind: o.kind, name, strategy, steps: [], analysis: [] };
  }
  const s = o.spec?.strategy ?? {};
  const analysis: string[] = [];
  const addTemplates = (a: any) => {
    for (const t of a?.templates ?? []) if (t?.templateName && !analysis.includes(t.templateName)) analysis.push(String(t.templateName));
  };
  if (s.blueGreen) {
    addTemplates(s.blueGreen.prePromotionAnalysis);
    addTemplates(s.blueGreen.postPromotionAnalysis);
    const steps: string[] = [];
    if (s.blueGreen.prePromotionAnalysis) steps.push(`pre-promotion analysis ${(s.blueGreen.prePromotionAnalysis.templates ?? []).map((t: any) => t.templateName).join('+')}`);
    steps.push(s.blueGreen.autoPromotionEnabled === false ? 'promote manually' : s.blueGreen.autoPromotionSeconds ? `promote after ${s.blueGreen.autoPromotionSeconds}s` : 'promote');
    if (s.blueGreen.postPromotionAnalysis) steps.push(`post-promotion analysis ${(s.blueGreen.postPromotionAnalysis.templates ?? []).map((t: any) => t.templateName).join('+')}`);
    return { kind: 'Rollout', name, strategy: 'blueGreen', steps, analysis };
  }
  const canary = s.canary ?? {};
  const routers = Object.keys(canary.trafficRouting ?? {}).filter(k => !['managedRoutes', 'maxTrafficWeight'].includes(k)).sort();
  const steps = (canary.steps ?? []).map((step: any) => {
    if (step?.setWeight !== undefined) return `${step.setWeight}%`;
    if (step?.pause) return step.pause.duration !== undefined ? `pause ${step.pause.duration}` : 'pause';
    if (step?.analysis) { addTemplates(step.analysis); return `analysis ${(step.analysis.templates ?? []).map((t: any) => t.templateName).join('+')}`; }
    if (step?.experiment) return `experiment ${(step.experiment.templates ?? []).map((t: any) => t.name).join('+')}`;
    if (step?.setCanaryScale) return `canary scale ${JSON.stringify(step.setCanaryScale)}`;
    if (step?.setHeaderRoute) return `header route ${step.setHeaderRoute.name}${step.setHeaderRoute.match ? '' : ' off'}`;
    if (step?.setMirrorRoute) return `mirror route ${step.setMirrorRoute.name}${step.setMirrorRoute.match ? '' : ' off'}`;
    if (step?.plugin) return `plugin ${step.plugin.name}`;
    return '?';
  });
  if (canary.analysis) addTemplates(canary.analysis);
  return { kind: 'Rollout', name, strategy: 'canary', trafficRouting: routers.length ? routers.join('+') : undefined, steps, analysis };
}
