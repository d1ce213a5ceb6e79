/**
 * The DR proofs, from the tree (at synth, in memory; `cdk8s-fleet validate`, on disk): for every pair, each
 * standby against the primary it mirrors.
 *
 * - **Completeness**: the namespaces, ConfigMaps, Secrets (ExternalSecrets, SealedSecrets, Secrets) the
 *   primary's objects have; every ExternalSecret's store on the standby's cluster (deployed by the tree or
 *   declared pre-installed), serving the standby's region unless declared cross-region, and no remote key that
 *   names the primary's region; the CRDs of the custom kinds it uses (where the primary gets them from the
 *   tree: a CustomResourceDefinition, or a chart known to install it); quotas that admit the active footprint.
 * - **Versions**: the same images (tag or digest) and chart versions as the primary (the promotion guard).
 * - **Capacity**: the standby's HorizontalPodAutoscaler reaches the primaries' replicas (its minimum does once
 *   active).
 * - **RTO**: the estimate within the declared budget.
 * - **Alerts**: the PrometheusRule is in the tree, on a cluster that runs the Prometheus Operator.
 * - **Published names**: no object outside an external-dns switch's routing set publishes its host names.
 */
import { DrSpec } from './dr-spec';
import { DeployedObject, pairsOf, TreeObjectReader, TreePair } from './dr-tree';
import { normalizeHost, publishedNames, routingAnnotations } from './external-dns-names';
import { estimateRto, rtoText } from './rto';
import type { FleetModel } from '../../gitops/fleet-model';
import type { FleetPlan, PlannedApplication } from '../../gitops/fleet-plan';
import { SECRET_STORES_ANNOTATION, storeKey } from '../../private/cluster-secret-settings';
import { parseQuantity } from '../../private/quantity';
import { compareCodeUnits, ownValue, pushAll } from '../../private/util';
import { repositoryOf, versionOfImage } from '../../promotion/image-reference';
import { compareSemVer, parseSemVer } from '../../promotion/semver';

/** The tag of the DR proofs' messages. */
export const DR_PROOF = 'disaster-recovery';

/**
 * Charts known to install the CRDs of an API group (chart name → groups): where the primary gets a custom kind
 * from such a chart, the standby must run the chart too.
 */
const CHART_GROUPS: Record<string, string[]> = {
  'argo-rollouts': ['argoproj.io'],
  'cert-manager': ['cert-manager.io', 'acme.cert-manager.io'],
  'external-secrets': ['external-secrets.io', 'generators.external-secrets.io'],
  'kube-prometheus-stack': ['monitoring.coreos.com'],
  'prometheus-operator-crds': ['monitoring.coreos.com'],
  'kyverno': ['kyverno.io', 'wgpolicyk8s.io', 'reports.kyverno.io'],
  'sealed-secrets': ['bitnami.com'],
  'base': ['networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io'],
};

/** One pair's findings: `where` names the construct of an Application (synth) or nothing (a tree on disk). */
export function proveDisasterRecovery(model: FleetModel, plan: FleetPlan, where: (kind: string, name: string, fleet: string) => string = () => ''): string[] {
  const pairs = pairsOf(plan);
  if (pairs.length === 0) return [];
  const ctx = new ProofContext(model, plan);
  const out: string[] = [];
  for (const pair of pairs) {
    const named = pair.standbys[0] ?? pair.primaries[0];
    const prefix = where('Application', named?.name ?? '', named?.fleet ?? '');
    for (const p of pairProblems(pair, ctx)) out.push(`${prefix}DR pair '${pair.name}': ${p} [${DR_PROOF}]`);
  }
  pushAll(out, ctx.reader.problems.map(p => `${p} [${DR_PROOF}]`));
  return out;
}

/** Each pair's problems, by name (the checklist's `dr-standby` item). */
export function problemsByPair(model: FleetModel, plan: FleetPlan): Map<string, string[]> {
  const ctx = new ProofContext(model, plan);
  return new Map(pairsOf(plan).map(p => [p.name, pairProblems(p, ctx)]));
}

/** Every problem of one pair (also what the checklist's `dr-standby` item reports). */
export function pairProblems(pair: TreePair, ctx: ProofContext): string[] {
  const problems = [...pair.problems];
  const spec = pair.spec;
  // A pair annotated by hand (no DrApplication wrote it) carries only the checklist's contract: nothing to prove.
  if (!spec) return problems;
  for (const s of spec.standby.clusters) {
    const primary = ownValue(spec.mirrors, s);
    const standbyApp = pair.standbys.find(a => a.cluster === s);
    const primaryApp = pair.primaries.find(a => a.cluster === primary);
    const at = `standby '${s}' (mirrors '${primary}')`;
    if (!standbyApp) { problems.push(`${at}: no Application of the pair deploys to '${s}'`); continue; }
    if (!primaryApp) { problems.push(`${at}: no Application of the pair deploys to the primary '${primary}'`); continue; }
    for (const p of standbyProblems(spec, s, primaryApp, standbyApp, ctx)) problems.push(`${at}: ${p}`);
  }
  problems.push(...alertProblems(spec, ctx));
  problems.push(...publishedNameProblems(pair, spec, ctx));
  const rto = estimateRto(spec, ctx.standbyTarget(spec));
  if (rto.budget !== undefined && rto.seconds > rto.budget) {
    problems.push(`the RTO estimate exceeds its budget: ${rtoText(rto)}`);
  }
  return problems;
}

/** What the proofs share: the tree's objects per Application and per cluster. */
export class ProofContext {
  public readonly reader: TreeObjectReader;
  private readonly perApp = new Map<PlannedApplication, DeployedObject[]>();
  private readonly perCluster = new Map<string, DeployedObject[]>();
  private quiet?: { reader: TreeObjectReader; perApp: Map<PlannedApplication, DeployedObject[]> };

  public constructor(public readonly model: FleetModel, public readonly plan: FleetPlan) {
    this.reader = new TreeObjectReader(model);
  }

  public objectsOf(app: PlannedApplication): DeployedObject[] {
    let o = this.perApp.get(app);
    if (!o) this.perApp.set(app, o = this.reader.objectsOf(app));
    return o;
  }

  /** Every object the cluster's Applications deploy from the tree. */
  public objectsOnCluster(cluster: string): DeployedObject[] {
    let o = this.perCluster.get(cluster);
    if (!o) {
      const apps = this.plan.clusters.find(c => c.name === cluster)?.applications ?? [];
      this.perCluster.set(cluster, o = apps.flatMap(a => this.objectsOf(a)));
    }
    return o;
  }

  /**
   * Every object the cluster's Applications deploy, for the proofs that look beyond the pair (published names):
   * what cannot be built there (a Kustomize feature the reader lacks) is skipped, not reported as the pair's.
   */
  public objectsOnClusterQuietly(cluster: string): DeployedObject[] {
    const quiet = this.quiet ??= { reader: new TreeObjectReader(this.model), perApp: new Map() };
    return this.applicationsOn(cluster).flatMap(a => {
      let o = this.perApp.get(a) ?? quiet.perApp.get(a);
      if (!o) quiet.perApp.set(a, o = quiet.reader.objectsOf(a));
      return o;
    });
  }

  public applicationsOn(cluster: string): PlannedApplication[] {
    return this.plan.clusters.find(c => c.name === cluster)?.applications ?? [];
  }

  public labelsOf(cluster: string): Record<string, string> {
    return this.plan.clusters.find(c => c.name === cluster)?.labels ?? {};
  }

  /** The object the first standby scales, from the tree (its pod template gives the readiness part of the RTO). */
  public standbyTarget(spec: DrSpec): any {
    const s = spec.standby.clusters[0];
    const key = ownValue(spec.scaleTargets, s);
    if (!key) return undefined;
    const app = this.applicationsOn(s).find(a => a.object?.metadata?.annotations?.['fleet.cdk8s.io/dr-pair'] === spec.pair);
    return app ? this.objectsOf(app).find(d => `${d.object.kind}/${d.object.metadata?.name}` === key)?.object : undefined;
  }
}

function standbyProblems(spec: DrSpec, standby: string, primaryApp: PlannedApplication, standbyApp: PlannedApplication, ctx: ProofContext): string[] {
  const problems: string[] = [];
  const p = ctx.objectsOf(primaryApp);
  const s = ctx.objectsOf(standbyApp);
  const onStandby = ctx.objectsOnCluster(standby);
  problems.push(...versionProblems(primaryApp, standbyApp, p, s));
  problems.push(...namespaceProblems(p, primaryApp, standby, onStandby, ctx));
  problems.push(...presenceProblems(p, onStandby));
  problems.push(...externalSecretProblems(spec, p, s, onStandby, primaryApp.cluster, standby, ctx));
  problems.push(...crdProblems(p, primaryApp.cluster, standby, ctx));
  problems.push(...capacityProblems(spec, standby, s, onStandby, ctx));
  return problems;
}

/** Images and chart versions: the standby runs exactly what its primary runs. */
function versionProblems(primaryApp: PlannedApplication, standbyApp: PlannedApplication, p: DeployedObject[], s: DeployedObject[]): string[] {
  const problems: string[] = [];
  const imagesOf = (objects: DeployedObject[]) => {
    const byRepo = new Map<string, Set<string>>();
    for (const d of objects) {
      for (const c of podContainers(d.object)) {
        if (typeof c?.image !== 'string') continue;
        const [repo, version] = splitImage(c.image);
        byRepo.set(repo, new Set([...byRepo.get(repo) ?? [], version]));
      }
    }
    return byRepo;
  };
  const pi = imagesOf(p);
  const si = imagesOf(s);
  for (const [repo, versions] of [...pi].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const theirs = si.get(repo);
    if (!theirs) { problems.push(`runs no ${repo} (the primary runs ${[...versions].join(', ')})`); continue; }
    for (const v of theirs) {
      if (versions.has(v)) continue;
      problems.push(`runs ${repo}:${v}, ${relation(v, [...versions])} the primary's ${[...versions].join(', ')}: a failover would ${relation(v, [...versions]) === 'older than' ? 'roll back' : 'change the version'}; the promotion guard applies to the standby`);
    }
  }
  const charts = (a: PlannedApplication) => a.sources.filter(x => x.chart).map(x => ({ chart: x.chart!, version: x.targetRevision }));
  for (const pc of charts(primaryApp)) {
    const sc = charts(standbyApp).find(x => x.chart === pc.chart);
    if (!sc) problems.push(`does not run chart ${pc.chart} (the primary runs ${pc.version})`);
    else if (sc.version !== pc.version) problems.push(`runs chart ${pc.chart} ${sc.version}, ${relation(sc.version, [pc.version])} the primary's ${pc.version}; the promotion guard applies to the standby`);
  }
  return problems;
}

function relation(v: string, others: string[]): string {
  const a = parseSemVer(v.replace(/^v/, ''));
  const b = others.map(o => parseSemVer(o.replace(/^v/, ''))).filter(x => x !== undefined);
  if (a && b.length === others.length && b.every(x => compareSemVer(a, x!) < 0)) return 'older than';
  if (a && b.length === others.length && b.every(x => compareSemVer(a, x!) > 0)) return 'newer than';
  return 'not';
}

/** Every namespace the primary's objects land in exists on the standby (a Namespace, or CreateNamespace). */
function namespaceProblems(
  p: DeployedObject[], primaryApp: PlannedApplication, standby: string, onStandby: DeployedObject[], ctx: ProofContext,
): string[] {
  const needed = new Set<string>();
  const scopes = ctx.model.scopes;
  for (const d of p) if (d.namespace && !scopes.isClusterScoped(String(d.object.apiVersion), String(d.object.kind))) needed.add(d.namespace);
  if (primaryApp.destinationNamespace) needed.add(primaryApp.destinationNamespace);
  const have = new Set(onStandby.filter(d => d.object.apiVersion === 'v1' && d.object.kind === 'Namespace').map(d => d.object.metadata?.name));
  for (const a of ctx.applicationsOn(standby)) {
    if ((a.object?.spec?.syncPolicy?.syncOptions ?? []).includes('CreateNamespace=true')) have.add(a.destinationNamespace);
  }
  return [...needed].sort(compareCodeUnits).filter(n => !have.has(n)).map(n => `has no namespace '${n}' (no Namespace object and no CreateNamespace=true Application), which the primary's objects use`);
}

/** The ConfigMaps and Secrets the primary has (by namespace and name) exist on the standby's cluster. */
function presenceProblems(p: DeployedObject[], onStandby: DeployedObject[]): string[] {
  const problems: string[] = [];
  const secretsOf = (list: DeployedObject[]) => {
    const out = new Map<string, string>();
    for (const d of list) {
      const o = d.object;
      const api = String(o.apiVersion ?? '');
      if (api === 'v1' && o.kind === 'Secret') out.set(`${d.namespace}/${o.metadata?.name}`, 'Secret');
      else if (api.startsWith('external-secrets.io/') && o.kind === 'ExternalSecret') out.set(`${d.namespace}/${o.spec?.target?.name ?? o.metadata?.name}`, `ExternalSecret '${o.metadata?.name}'`);
      else if (api.startsWith('bitnami.com/') && o.kind === 'SealedSecret') out.set(`${d.namespace}/${o.metadata?.name}`, 'SealedSecret');
    }
    return out;
  };
  const configMaps = new Set(onStandby.filter(d => d.object.apiVersion === 'v1' && d.object.kind === 'ConfigMap').map(d => `${d.namespace}/${d.object.metadata?.name}`));
  for (const d of p) {
    if (d.object.apiVersion === 'v1' && d.object.kind === 'ConfigMap' && !configMaps.has(`${d.namespace}/${d.object.metadata?.name}`)) {
      problems.push(`lacks ConfigMap '${d.namespace}/${d.object.metadata?.name}' that the primary has (${d.file})`);
    }
  }
  const theirs = secretsOf(onStandby);
  for (const [key, how] of [...secretsOf(p)].sort(([a], [b]) => compareCodeUnits(a, b))) {
    if (!theirs.has(key)) problems.push(`lacks Secret '${key}' that the primary gets from ${how}`);
  }
  return problems;
}

/** The standby's ExternalSecrets: their stores on its cluster, in its region, and the keys the primary's have. */
function externalSecretProblems(
  spec: DrSpec, p: DeployedObject[], s: DeployedObject[], onStandby: DeployedObject[], primary: string, standby: string, ctx: ProofContext,
): string[] {
  const problems: string[] = [];
  const isEs = (d: DeployedObject) => String(d.object.apiVersion).startsWith('external-secrets.io/') && d.object.kind === 'ExternalSecret';
  const stores = new Map<string, any>();
  for (const d of onStandby) {
    const o = d.object;
    if (!String(o.apiVersion).startsWith('external-secrets.io/')) continue;
    if (o.kind === 'ClusterSecretStore') stores.set(storeKey('ClusterSecretStore', o.metadata?.name), o);
    if (o.kind === 'SecretStore') stores.set(storeKey('SecretStore', o.metadata?.name, d.namespace), o);
  }
  const declared = String(ctx.model.clusters.find(c => c.name === standby)?.annotations?.[SECRET_STORES_ANNOTATION] ?? '').split(',').map(x => x.trim()).filter(Boolean);
  const region = ctx.labelsOf(standby)[spec.regionLabel];
  const primaryRegion = ctx.labelsOf(primary)[spec.regionLabel];
  const theirs = new Map(s.filter(isEs).map(d => [`${d.namespace}/${d.object.metadata?.name}`, d.object]));
  for (const d of p.filter(isEs)) {
    const key = `${d.namespace}/${d.object.metadata?.name}`;
    const mine = theirs.get(key);
    if (!mine) { problems.push(`lacks ExternalSecret '${key}' that the primary has`); continue; }
    const keysOf = (o: any) => new Set((o.spec?.data ?? []).map((x: any) => x?.secretKey));
    const missing = [...keysOf(d.object)].filter(k => !keysOf(mine).has(k));
    if (missing.length) problems.push(`ExternalSecret '${key}' lacks key(s) ${missing.map(k => `'${k}'`).join(', ')} that the primary's has`);
  }
  for (const [key, o] of [...theirs].sort(([a], [b]) => compareCodeUnits(a, b))) {
    const ns = key.split('/')[0];
    const refs = [
      o.spec?.secretStoreRef,
      ...(o.spec?.data ?? []).map((x: any) => x?.sourceRef?.storeRef),
      ...(o.spec?.dataFrom ?? []).map((x: any) => x?.sourceRef?.storeRef),
    ].filter(r => r?.name);
    for (const ref of refs) {
      const kind = ref.kind ?? 'SecretStore';
      const sk = kind === 'ClusterSecretStore' ? storeKey(kind, ref.name) : storeKey(kind, ref.name, ns);
      const store = stores.get(sk);
      if (!store && !declared.includes(sk)) {
        problems.push(`ExternalSecret '${key}' reads ${kind} '${ref.name}', which cluster '${standby}' does not have: a secret store missing on the standby leaves the Secret empty when it takes over; deploy the store there (FleetSecretStore) or declare it pre-installed`);
        continue;
      }
      const storeRegion = store?.spec?.provider?.aws?.region ?? store?.spec?.provider?.gcpsm?.location;
      if (storeRegion && region && storeRegion !== region && !spec.crossRegionStores.includes(storeKey(kind, ref.name))) {
        problems.push(`ExternalSecret '${key}' reads ${kind} '${ref.name}', which serves region ${storeRegion}, from region ${region}: map the standby to a store of its region (secretStoreMappings) or declare the store cross-region (crossRegionSecretStores)`);
      }
    }
    if (primaryRegion && region && primaryRegion !== region) {
      for (const x of o.spec?.data ?? []) {
        const remote = String(x?.remoteRef?.key ?? '');
        if (remote.includes(primaryRegion) && !spec.crossRegionStores.includes(storeKey(o.spec?.secretStoreRef?.kind ?? 'SecretStore', o.spec?.secretStoreRef?.name ?? '', ns))) {
          problems.push(`ExternalSecret '${key}' reads remote key '${remote}', which names the primary's region ${primaryRegion}, from region ${region}; give the standby its region's key`);
        }
      }
    }
  }
  return problems;
}

/** Custom kinds the primary gets from the tree (a CRD, or a chart known to install it) must come to the standby too. */
function crdProblems(p: DeployedObject[], primary: string, standby: string, ctx: ProofContext): string[] {
  const groups = new Set<string>();
  for (const d of p) {
    const api = String(d.object.apiVersion ?? '');
    if (api.includes('.') && api.includes('/') && !BUILT_IN_GROUPS.has(api.split('/')[0])) groups.add(`${api.split('/')[0]}/${d.object.kind}`);
  }
  const problems: string[] = [];
  const crdsOn = (cluster: string) => new Set(ctx.objectsOnCluster(cluster)
    .filter(d => d.object.kind === 'CustomResourceDefinition' && String(d.object.apiVersion).startsWith('apiextensions.k8s.io/'))
    .map(d => `${d.object.spec?.group}/${d.object.spec?.names?.kind}`));
  const chartsOn = (cluster: string) => new Set(ctx.applicationsOn(cluster)
    .flatMap(a => a.sources.map(x => x.chart).filter((c): c is string => !!c)));
  const pCrds = crdsOn(primary);
  const sCrds = crdsOn(standby);
  const pCharts = chartsOn(primary);
  const sCharts = chartsOn(standby);
  for (const gk of [...groups].sort(compareCodeUnits)) {
    const group = gk.split('/')[0];
    if (pCrds.has(gk) && !sCrds.has(gk)) problems.push(`lacks the CustomResourceDefinition of ${gk}, which the primary's objects use and the primary gets from the tree`);
    const charts = Object.entries(CHART_GROUPS).filter(([, g]) => g.includes(group)).map(([c]) => c).filter(c => pCharts.has(c));
    if (!pCrds.has(gk) && charts.length && !charts.some(c => sCharts.has(c))) {
      problems.push(`runs no ${charts.join(' or ')} chart, which installs the CRD of ${gk} on the primary`);
    }
  }
  return problems;
}

const BUILT_IN_GROUPS = new Set(['apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'scheduling.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'node.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io',
  'certificates.k8s.io', 'events.k8s.io', 'flowcontrol.apiserver.k8s.io']);

/** The autoscaler admits the primaries' replicas; the quota admits the active footprint. */
function capacityProblems(spec: DrSpec, standby: string, s: DeployedObject[], onStandby: DeployedObject[], ctx: ProofContext): string[] {
  const targetKey = ownValue(spec.scaleTargets, standby);
  if (!targetKey) return [];
  const problems: string[] = [];
  const capacity = capacityOf(spec, standby, ctx);
  const target = s.find(d => `${d.object.kind}/${d.object.metadata?.name}` === targetKey);
  const hpa = s.find(d => d.object.kind === 'HorizontalPodAutoscaler' && d.object.spec?.scaleTargetRef?.kind === target?.object.kind && d.object.spec?.scaleTargetRef?.name === target?.object.metadata?.name);
  if (!target) return [`renders no ${targetKey}, the object the pair scales`];
  if (!hpa) {
    const replicas = Number(target.object.spec?.replicas ?? 1);
    if (replicas < capacity) problems.push(`${targetKey} has ${replicas} replicas and no HorizontalPodAutoscaler, below the primary's ${capacity}`);
  } else {
    const max = Number(hpa.object.spec?.maxReplicas);
    const min = Number(hpa.object.spec?.minReplicas ?? 1);
    if (max < capacity) problems.push(`its HorizontalPodAutoscaler '${hpa.object.metadata?.name}' allows at most ${max} replicas, below the primary's ${capacity}: after a failover it could not carry the primary's load; raise 'standbyMaxReplicas'`);
    const active = spec.active === spec.standby.side;
    if (active && min < Math.min(capacity, max)) problems.push(`is active, but its HorizontalPodAutoscaler's minimum is ${min}, below the primary's ${capacity}`);
  }
  const replicasOf = (d: DeployedObject) => (d === target ? capacity : Number(d.object.spec?.replicas ?? 1));
  const pods = onStandby.filter(d => ['Deployment', 'StatefulSet', 'Rollout', 'ReplicaSet'].includes(d.object.kind) && d.namespace === target.namespace
    && !(d.object.kind === 'Deployment' && onStandby.some(r => r.object.kind === 'Rollout' && r.object.spec?.workloadRef?.name === d.object.metadata?.name)));
  for (const q of onStandby.filter(d => d.object.apiVersion === 'v1' && d.object.kind === 'ResourceQuota' && d.namespace === target.namespace)) {
    if (q.object.spec?.scopes?.length || q.object.spec?.scopeSelector) continue; // scoped quotas count only some pods
    const hard = q.object.spec?.hard ?? {};
    const need: Record<string, number> = { pods: 0 };
    for (const w of pods) {
      const n = replicasOf(w);
      need.pods += n;
      for (const [resource, value] of Object.entries(podRequests(w.object))) need[resource] = (need[resource] ?? 0) + n * value;
    }
    for (const [resource, value] of Object.entries(need).sort(([a], [b]) => compareCodeUnits(a, b))) {
      const limit = hard[resource] ?? (resource.startsWith('requests.') ? hard[resource.slice('requests.'.length)] : undefined);
      if (limit === undefined) continue;
      const parsed = parseQuantity(String(limit));
      if ('value' in parsed && value > parsed.value + 1e-9) {
        problems.push(`ResourceQuota '${q.namespace}/${q.object.metadata?.name}' allows ${resource} ${limit}, but the active footprint (${capacity} replicas of ${targetKey}, and the namespace's other pods) needs ${formatAmount(resource, value)}`);
      }
    }
  }
  return problems;
}

/** The replicas a standby must reach: the primaries it covers, from the tree while they are active, else as recorded. */
export function capacityOf(spec: DrSpec, standby: string, ctx: ProofContext): number {
  const index = spec.standby.clusters.indexOf(standby);
  const covered = spec.primary.clusters.filter((_, i) => i % spec.standby.clusters.length === index);
  const mirrored = ownValue(spec.mirrors, standby);
  const names = covered.length ? covered : mirrored !== undefined ? [mirrored] : [];
  const primaryActive = spec.active === spec.primary.side;
  let total = 0;
  for (const p of names) {
    let n = ownValue(spec.primaryReplicas, p) ?? 0;
    if (primaryActive || spec.keepPrimary) {
      const app = ctx.applicationsOn(p).find(a => a.object?.metadata?.annotations?.['fleet.cdk8s.io/dr-pair'] === spec.pair);
      const key = ownValue(spec.scaleTargets, p);
      const objects = app ? ctx.objectsOf(app) : [];
      const t = objects.find(d => `${d.object.kind}/${d.object.metadata?.name}` === key)?.object;
      const hpa = objects.find(d => d.object.kind === 'HorizontalPodAutoscaler' && d.object.spec?.scaleTargetRef?.name === t?.metadata?.name && d.object.spec?.scaleTargetRef?.kind === t?.kind)?.object;
      if (hpa) n = Number(hpa.spec?.maxReplicas ?? n);
      else if (t) n = Number(t.spec?.replicas ?? 1);
    }
    total += n;
  }
  return total;
}

/** The PrometheusRule is in the tree, on a cluster that runs the Prometheus Operator. */
function alertProblems(spec: DrSpec, ctx: ProofContext): string[] {
  const m = spec.monitoring;
  const rule = ctx.reader.objectsIn(m.file).find(o => o?.kind === 'PrometheusRule');
  if (!rule) return [`its alert rule ${m.file} is not in the tree`];
  const crd = ctx.objectsOnCluster(m.cluster).some(d => d.object.kind === 'CustomResourceDefinition' && d.object.spec?.group === 'monitoring.coreos.com' && d.object.spec?.names?.kind === 'PrometheusRule');
  const chart = ctx.applicationsOn(m.cluster).some(a => a.sources.some(x => x.chart && ownValue(CHART_GROUPS, x.chart)?.includes('monitoring.coreos.com')));
  return crd || chart ? [] : [`its PrometheusRule goes to cluster '${m.cluster}', which runs no Prometheus Operator from the tree (no kube-prometheus-stack or prometheus-operator-crds chart, no PrometheusRule CRD): the alert would never fire`];
}

/**
 * An external-dns switch's names are published by the pair's records only. Route 53 keeps every record of one name
 * and type under one routing policy ("You can't create non-failover resource record sets that have the same values
 * for the Name and Type elements as failover resource record sets", and the same for weighted ones), and failover
 * routing takes one PRIMARY and one SECONDARY record: an external-dns on any other cluster (or another object of the
 * pair's clusters) that publishes the same name plainly would have its change refused, or break the pair's.
 */
function publishedNameProblems(pair: TreePair, spec: DrSpec, ctx: ProofContext): string[] {
  const sw = spec.switch;
  if (!sw || !sw.kind.startsWith('external-dns ')) return [];
  const weighted = sw.kind === 'external-dns weighted';
  const targets = new Set<any>();
  const names = new Set(sw.hostnames.map(normalizeHost));
  for (const app of [...pair.primaries, ...pair.standbys]) {
    const t = ctx.objectsOf(app).find(d => `${d.object.kind}/${d.object.metadata?.name}` === sw.target && d.namespace === spec.namespace);
    if (!t) continue;
    targets.add(t.object);
    for (const n of publishedNames(t.object)) names.add(n);
  }
  if (!names.size) return [];
  const pairClusters = [...spec.primary.clusters, ...spec.standby.clusters];
  const problems: string[] = [];
  for (const cluster of ctx.plan.clusters.map(c => c.name).sort(compareCodeUnits)) {
    for (const d of ctx.objectsOnClusterQuietly(cluster)) {
      if (targets.has(d.object)) continue;
      const hosts = publishedNames(d.object).filter(n => names.has(n));
      if (!hosts.length) continue;
      const policy = routingAnnotations(d.object);
      if (weighted && policy.setIdentifier && policy.weight) continue;
      const object = `${d.object.kind} '${d.namespace ? `${d.namespace}/` : ''}${d.object.metadata?.name}' (${d.file})`;
      const who = pairClusters.includes(cluster) ? `cluster '${cluster}' (of the pair) also` : `cluster '${cluster}'`;
      problems.push(weighted
        ? `${who} publishes ${hosts.join(', ')} from ${object} without weighted routing (no external-dns set-identifier and aws-weight annotations): `
          + "its external-dns would create a plain record next to the pair's weighted records of the same name, which Route 53 refuses; "
          + `serve a host of its own there (a regional name), or put '${cluster}' in the weighted set (set-identifier and aws-weight on that object)`
        : `${who} publishes ${hosts.join(', ')} from ${object}${policy.failover ? ` as a ${policy.failover} failover record` : ' without failover routing'}: `
          + "the pair's failover routing owns the name's one PRIMARY and one SECONDARY record, and Route 53 refuses any other record of it; "
          + 'serve a host of its own there (a regional name), or switch the pair with ExternalDnsTrafficSwitch.weighted() and put that cluster in the weighted set');
    }
  }
  return problems;
}

/** The containers of a workload object's pod template. */
function podContainers(o: any): any[] {
  const spec = o?.spec?.template?.spec ?? o?.spec?.jobTemplate?.spec?.template?.spec ?? (o?.kind === 'Pod' ? o.spec : undefined);
  return [...spec?.containers ?? [], ...spec?.initContainers ?? []];
}

/** A pod's requests and limits, as a quota counts them (`requests.cpu`, `limits.memory`…): the containers' sum, or the largest init container. */
function podRequests(o: any): Record<string, number> {
  const spec = o?.spec?.template?.spec;
  const sum: Record<string, number> = {};
  const add = (into: Record<string, number>, c: any) => {
    for (const [kind, key] of [['requests', 'requests'], ['limits', 'limits']] as const) {
      for (const [r, v] of Object.entries<any>(c?.resources?.[kind] ?? {})) {
        const q = parseQuantity(String(v));
        if ('value' in q) into[`${key}.${r}`] = (into[`${key}.${r}`] ?? 0) + q.value;
      }
    }
  };
  for (const c of spec?.containers ?? []) add(sum, c);
  for (const c of spec?.initContainers ?? []) {
    const one: Record<string, number> = {};
    add(one, c);
    for (const [k, v] of Object.entries(one)) sum[k] = Math.max(sum[k] ?? 0, v);
  }
  return sum;
}

function formatAmount(resource: string, value: number): string {
  if (resource.endsWith('.memory')) return `${Math.ceil(value / 2 ** 20)}Mi`;
  if (resource.endsWith('.cpu')) return `${Math.round(value * 1000)}m`;
  return String(Math.round(value * 1000) / 1000);
}

function splitImage(image: string): [string, string] {
  return [repositoryOf(image), versionOfImage(image) ?? 'latest'];
}
