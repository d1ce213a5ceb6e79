/**
 * The seeds' production checklist, computed from a tree: per cluster and per environment, which items hold.
 * Private to the library; `cdk8s-fleet checklist` prints it.
 */
import { GUARDRAIL_LABEL } from './drift-guard-policies';
import { pinningViolations, violationText } from './pinning-check';
import { pinningPolicies, STRICT_RULES } from './pinning-policy';
import { directoryIndex, isKustomization } from './tree-index';
import { problemsByPair } from '../dr/private/dr-proofs';
import { DR_ACTIVE_ANNOTATION, DR_PAIR_ANNOTATION, DR_ROLE_ANNOTATION } from '../dr/private/dr-spec';
import { compileSelector } from '../expansion/selector';
import type { FleetModel, TreeEntry } from '../gitops/fleet-model';
import type { ClusterPlan, FleetPlan, PlannedApplication } from '../gitops/fleet-plan';
import { normalizeGitUrl } from '../private/glob';
import { normalizePath, trimDir } from '../private/placement';
import { sopsAgeRecipients } from '../private/secret-markers';
import { sopsObjectProblems } from '../private/sops-object';
import { pushAll } from '../private/util';
import { findingText, scanDocument } from '../secrets/scanner';
import { containersOf } from '../workloads/apply-settings';

export { DR_PAIR_ANNOTATION, DR_ROLE_ANNOTATION };

/** The checklist items, in report order. */
export const CHECKLIST_ITEMS: { id: string; title: string }[] = [
  { id: 'projects-and-rbac', title: 'projects and RBAC in use' },
  { id: 'notifications', title: 'notifications on production Applications' },
  { id: 'resource-limits', title: 'resource requests and limits everywhere' },
  { id: 'pinned-versions', title: 'pinned versions' },
  { id: 'drift-guard', title: 'drift guard enforced' },
  { id: 'secrets-by-reference', title: 'secrets only by reference' },
  { id: 'dr-standby', title: 'DR standby present where declared' },
];

export type ChecklistStatus = 'holds' | 'fails' | 'not-applicable' | 'not-declared';

export interface ChecklistItemResult {
  readonly item: string;
  readonly status: ChecklistStatus;
  /** Why it fails, or what it rests on (waivers, audit mode …). */
  readonly details: string[];
}

export interface ClusterChecklist {
  readonly cluster: string;
  readonly environment?: string;
  readonly items: ChecklistItemResult[];
}

export interface EnvironmentChecklist {
  readonly environment: string;
  readonly clusters: string[];
  readonly items: ChecklistItemResult[];
}

export interface ChecklistReport {
  readonly clusters: ClusterChecklist[];
  readonly environments: EnvironmentChecklist[];
}

export interface ChecklistOptions {
  /** The cluster label naming a cluster's environment. */
  readonly environmentLabel: string;
  /** The environments whose Applications must notify. */
  readonly productionEnvironments: string[];
}

/** Computes the checklist of every cluster of the plan, then of every environment. */
export function computeChecklist(model: FleetModel, plan: FleetPlan, options: ChecklistOptions): ChecklistReport {
  const index = directoryIndex(model.entries);
  const isLocal = (url: unknown) => typeof url === 'string' && model.repoUrls.has(normalizeGitUrl(url));
  const rootApps = new Set(model.applications.filter(e => e.path.startsWith('bootstrap/')).map(e => e.object.metadata?.name));
  const { policies } = pinningPolicies(model);
  const violations = pinningViolations(model, plan, () => ({ rules: STRICT_RULES, environment: 'strict' }), policies);
  const clusterSecrets = model.entries.filter(e => e.path.startsWith('argocd/') && e.path.includes('/clusters/'));
  const drProblems = problemsByPair(model, plan);

  // (each Application's project is its own fleet's: `ArgoFleets`)
  const projectOf = (a: PlannedApplication) => model.fleets.projectsIn(a.fleet).get(a.project);
  const clusters: ClusterChecklist[] = plan.clusters.map(cluster => {
    const apps = cluster.applications.filter(a => !rootApps.has(a.name));
    // The objects the cluster's Applications deploy from this tree.
    const deployed = apps.flatMap(app => localSources(app, isLocal).flatMap(path => objectsOf(index, path).map(e => ({ app, entry: e }))));
    const environment = cluster.labels[options.environmentLabel];
    return {
      cluster: cluster.name,
      environment,
      items: [
        projectsAndRbac(apps, projectOf),
        notifications(apps, projectOf, environment !== undefined && options.productionEnvironments.includes(environment)),
        resourceLimits(apps, deployed, isLocal),
        pinnedVersions(violations.filter(v => v.cluster === cluster.name)),
        driftGuard(deployed.map(d => d.entry)),
        secretsByReference(cluster, deployed, apps, clusterSecrets),
        drStandby(cluster, apps, plan, drProblems),
      ],
    };
  });

  const envNames = [...new Set(clusters.map(c => c.environment ?? '(none)'))].sort();
  const environments = envNames.map(environment => {
    const members = clusters.filter(c => (c.environment ?? '(none)') === environment);
    return {
      environment,
      clusters: members.map(c => c.cluster),
      items: CHECKLIST_ITEMS.map((item, i) => aggregate(item.id, members.map(m => ({ cluster: m.cluster, result: m.items[i] })))),
    };
  });
  return { clusters, environments };
}

function aggregate(item: string, results: { cluster: string; result: ChecklistItemResult }[]): ChecklistItemResult {
  const statuses = results.map(r => r.result.status);
  const status: ChecklistStatus = statuses.includes('fails') ? 'fails'
    : statuses.includes('holds') ? 'holds'
      : statuses.length && statuses.every(s => s === 'not-applicable') ? 'not-applicable' : 'not-declared';
  const details = results.filter(r => r.result.status === 'fails').flatMap(r => r.result.details.map(d => `${r.cluster}: ${d}`));
  return { item, status, details };
}

function projectsAndRbac(apps: PlannedApplication[], projectOf: (a: PlannedApplication) => any): ChecklistItemResult {
  if (apps.length === 0) return { item: 'projects-and-rbac', status: 'not-applicable', details: ['no Applications'] };
  const details: string[] = [];
  for (const project of [...new Set(apps.map(a => a.project))].sort()) {
    const users = apps.filter(a => a.project === project).map(a => a.name);
    // (Applications of two fleets may name projects of one name: each fleet's own is judged)
    const found = [...new Set(apps.filter(a => a.project === project).map(projectOf))];
    if (project === 'default' || project === undefined) {
      details.push(`${users.join(', ')} ${users.length > 1 ? 'use' : 'uses'} Argo CD's default project (no restrictions)`);
    } else if (found.includes(undefined)) {
      details.push(`AppProject '${project}' (of ${users.join(', ')}) is not in the tree, so its RBAC cannot be checked`);
    } else if (!found.every(hasRbac)) {
      details.push(`AppProject '${project}' (of ${users.join(', ')}) has no role bound to a group or token (no RBAC)`);
    }
  }
  return { item: 'projects-and-rbac', status: details.length ? 'fails' : 'holds', details };
}

/** Whether an AppProject has a role bound to a group or a token. */
function hasRbac(p: any): boolean {
  return (p.spec?.roles ?? []).some((r: any) => (r.groups ?? []).length > 0 || (r.jwtTokens ?? []).length > 0);
}

const SUBSCRIBE = 'notifications.argoproj.io/subscribe.';

function notifications(apps: PlannedApplication[], projectOf: (a: PlannedApplication) => any, production: boolean): ChecklistItemResult {
  if (!production) return { item: 'notifications', status: 'not-applicable', details: ['not a production cluster'] };
  if (apps.length === 0) return { item: 'notifications', status: 'not-applicable', details: ['no Applications'] };
  const subscribes = (o: any) => Object.keys(o?.metadata?.annotations ?? {}).some(k => k.startsWith(SUBSCRIBE));
  const silent = apps.filter(a => !subscribes(a.object) && !subscribes(projectOf(a)));
  return {
    item: 'notifications',
    status: silent.length ? 'fails' : 'holds',
    details: silent.map(a => `Application ${a.name} subscribes to no notification (nor does its AppProject '${a.project}')`),
  };
}

interface Deployed { readonly app: PlannedApplication; readonly entry: TreeEntry }

function resourceLimits(apps: PlannedApplication[], deployed: Deployed[], isLocal: (url: unknown) => boolean): ChecklistItemResult {
  const details: string[] = [];
  // LimitRange defaults of each namespace fill in what containers leave out (at admission, before validation).
  const defaults = new Map<string, Set<string>>();
  for (const { app, entry } of deployed) {
    const o = entry.object;
    if (o?.kind !== 'LimitRange') continue;
    const ns = o.metadata?.namespace ?? app.destinationNamespace;
    const set = defaults.get(ns) ?? new Set<string>();
    for (const l of o.spec?.limits ?? []) {
      if (l.type !== 'Container') continue;
      for (const r of Object.keys(l.default ?? {})) set.add(`limits.${r}`);
      for (const r of Object.keys(l.defaultRequest ?? l.default ?? {})) set.add(`requests.${r}`);
    }
    defaults.set(ns, set);
  }
  // An enforced requirement covers what cannot be read offline, in the namespaces it selects.
  const requirements = deployed
    .filter(({ entry }) => entry.object?.kind === 'ClusterPolicy' && entry.object.metadata?.labels?.[GUARDRAIL_LABEL] === 'quota-policy')
    .flatMap(({ entry }) => (entry.object.spec?.rules ?? []).filter((r: any) => r.name === 'require-requests-limits' && r.validate?.failureAction === 'Enforce'));
  const namespaceLabels = (app: PlannedApplication, ns: string): Record<string, string> => {
    const rendered = deployed.find(({ entry }) => entry.object?.kind === 'Namespace' && entry.object.metadata?.name === ns)?.entry.object.metadata?.labels;
    return { ...rendered, ...app.object.spec?.syncPolicy?.managedNamespaceMetadata?.labels, 'kubernetes.io/metadata.name': ns };
  };
  const covered = (app: PlannedApplication) => requirements.some((r: any) => {
    const ns = app.destinationNamespace;
    if ((r.exclude?.any ?? []).some((x: any) => (x.resources?.namespaces ?? []).includes(ns))) return false;
    return (r.match?.any ?? []).some((m: any) => {
      try {
        return compileSelector(m.resources?.namespaceSelector, false)(namespaceLabels(app, ns));
      } catch {
        return false;
      }
    });
  });
  for (const { app, entry } of deployed) {
    const o = entry.object;
    const ns = o?.metadata?.namespace ?? app.destinationNamespace;
    for (const c of containersOf(o)) {
      // Kubernetes defaults a missing request to the container's limit, and a LimitRange fills in its defaults.
      const has = (kind: string, r: string) => c.resources?.[kind]?.[r] !== undefined || defaults.get(ns)?.has(`${kind}.${r}`);
      const missing = ['cpu', 'memory'].flatMap(r => [
        ...(has('requests', r) || has('limits', r) ? [] : [`requests.${r}`]),
        ...(has('limits', r) ? [] : [`limits.${r}`]),
      ]);
      if (missing.length) details.push(`${o.kind} ${ns}/${o.metadata?.name} (${entry.path}) container '${c.name}' sets no ${missing.join(', ')}`);
    }
  }
  const opaque = apps.filter(a => (a.object.spec?.sources ?? [a.object.spec?.source])
    .some((s: any) => s && (s.chart !== undefined || !isLocal(s.repoURL))) && !covered(a));
  if (opaque.length) {
    details.push(`${opaque.map(a => `${a.name} (namespace ${a.destinationNamespace})`).join(', ')} ${opaque.length > 1 ? 'deploy' : 'deploys'} charts or other `
      + 'repositories whose containers cannot be checked offline, and no enforcing quota policy requires requests and limits in their namespace');
  }
  if (apps.length === 0) return { item: 'resource-limits', status: 'not-applicable', details: ['no Applications'] };
  return { item: 'resource-limits', status: details.length ? 'fails' : 'holds', details };
}

function pinnedVersions(violations: ReturnType<typeof pinningViolations>): ChecklistItemResult {
  const failing = violations.filter(v => v.waived === undefined);
  const details = [
    ...failing.map(v => violationText(v).replace(/^version pinning: cluster '[^']*' \([^)]*\), /, '')),
    ...violations.filter(v => v.waived !== undefined).map(v => `waived (${v.waived}): ${v.value} in ${v.object}`),
  ];
  return { item: 'pinned-versions', status: failing.length ? 'fails' : 'holds', details };
}

function driftGuard(entries: TreeEntry[]): ChecklistItemResult {
  const guards = entries.filter(e => e.object?.metadata?.labels?.[GUARDRAIL_LABEL] === 'drift-guard');
  const kyverno = guards.filter(e => e.object.kind === 'ClusterPolicy' && String(e.object.apiVersion).startsWith('kyverno.io/'));
  const policies = guards.filter(e => e.object.kind === 'ValidatingAdmissionPolicy');
  const bindings = guards.filter(e => e.object.kind === 'ValidatingAdmissionPolicyBinding');
  const details: string[] = [];
  let enforced = false;
  for (const k of kyverno) {
    const enforce = (k.object.spec?.rules ?? []).some((r: any) => (r.validate?.failureAction ?? k.object.spec?.validationFailureAction) === 'Enforce');
    enforced ||= enforce;
    details.push(`Kyverno ClusterPolicy ${k.object.metadata.name} (${k.path}) ${enforce ? 'enforces' : 'audits only'}`);
  }
  for (const p of policies) {
    const bound = bindings.filter(b => b.object.spec?.policyName === p.object.metadata?.name);
    const enforce = bound.some(b => (b.object.spec?.validationActions ?? []).includes('Deny'));
    enforced ||= enforce;
    details.push(`ValidatingAdmissionPolicy ${p.object.metadata.name} (${p.path}) ${bound.length === 0 ? 'has no binding' : enforce ? 'enforces' : 'audits only'}`);
  }
  if (!kyverno.length && !policies.length) return { item: 'drift-guard', status: 'fails', details: ['no drift guard is deployed to this cluster'] };
  return { item: 'drift-guard', status: enforced ? 'holds' : 'fails', details };
}

function secretsByReference(
  cluster: ClusterPlan, deployed: Deployed[], apps: PlannedApplication[], clusterSecrets: TreeEntry[],
): ChecklistItemResult {
  const details: string[] = [];
  for (const { entry } of deployed) {
    // A SOPS-encrypted manifest: its ciphertext is not plaintext; its plain part and its encryption are checked.
    const problems = sopsAgeRecipients(entry.object) !== undefined
      ? sopsObjectProblems(entry.object, 'workload', false)
      : scanDocument(entry.object, { role: 'workload' }).map(findingText);
    for (const e of problems) details.push(`${entry.path}: ${e}`);
  }
  for (const a of apps) for (const e of scanDocument(a.object, { role: 'argocd' }).map(findingText)) details.push(`Application ${a.name}: ${e}`);
  for (const s of clusterSecrets) {
    const o = s.object;
    const name = o?.stringData?.name ?? o?.spec?.target?.template?.data?.name;
    if (name !== cluster.name) continue;
    for (const e of scanDocument(o, { role: 'argocd' }).map(findingText)) details.push(`${s.path}: ${e}`);
  }
  return { item: 'secrets-by-reference', status: details.length ? 'fails' : 'holds', details };
}

/**
 * A DR primary needs a standby of its pair on another cluster (one that is not itself a primary of the pair), and
 * the pair must pass the DR proofs (completeness, versions, capacity, RTO budget): a standby that would fail on
 * the day is not a standby. A cluster that only hosts standbys holds when their pairs pass.
 */
function drStandby(cluster: ClusterPlan, apps: PlannedApplication[], plan: FleetPlan, drProblems: Map<string, string[]>): ChecklistItemResult {
  const role = (a: PlannedApplication) => a.object.metadata?.annotations?.[DR_ROLE_ANNOTATION];
  const pair = (a: PlannedApplication) => a.object.metadata?.annotations?.[DR_PAIR_ANNOTATION];
  const primaries = apps.filter(a => role(a) === 'primary');
  const ownStandbys = apps.filter(a => role(a) === 'standby');
  if (primaries.length === 0 && ownStandbys.length === 0) return { item: 'dr-standby', status: 'not-declared', details: [] };
  const details: string[] = [];
  const notes: string[] = [];
  const all = plan.clusters.flatMap(c => c.applications.map(a => ({ cluster: c.name, app: a })));
  const pairs = new Set<string>();
  for (const p of primaries) {
    const name = pair(p);
    if (!name) { details.push(`Application ${p.name} is a DR primary without '${DR_PAIR_ANNOTATION}'`); continue; }
    pairs.add(name);
    const primaryClusters = new Set(all.filter(x => pair(x.app) === name && role(x.app) === 'primary').map(x => x.cluster));
    const found = all.filter(x => x.cluster !== cluster.name && !primaryClusters.has(x.cluster) && pair(x.app) === name && role(x.app) === 'standby');
    if (found.length === 0) details.push(`DR pair '${name}': no standby on another cluster for Application ${p.name}`);
  }
  for (const s of ownStandbys) {
    const name = pair(s);
    if (!name) { details.push(`Application ${s.name} is a DR standby without '${DR_PAIR_ANNOTATION}'`); continue; }
    pairs.add(name);
    if (!all.some(x => pair(x.app) === name && role(x.app) === 'primary')) details.push(`DR pair '${name}': Application ${s.name} is a standby of no primary`);
  }
  for (const name of [...pairs].sort()) {
    for (const problem of drProblems.get(name) ?? []) details.push(`DR pair '${name}': ${problem}`);
    const active = [...primaries, ...ownStandbys].find(a => pair(a) === name && a.object.metadata?.annotations?.[DR_ACTIVE_ANNOTATION] === 'true');
    if (active && role(active) === 'standby') notes.push(`DR pair '${name}' is failed over: this cluster's standby serves traffic`);
  }
  return { item: 'dr-standby', status: details.length ? 'fails' : 'holds', details: details.length ? details : notes };
}

/** The fleet-repository paths an Application's sources deploy. */
function localSources(app: PlannedApplication, isLocal: (url: unknown) => boolean): string[] {
  const sources: any[] = app.object.spec?.sources ?? (app.object.spec?.source ? [app.object.spec.source] : []);
  return sources.filter(s => isLocal(s.repoURL) && typeof s.path === 'string').map(s => trimDir(s.path));
}

/** The objects deployed from a directory: its files, and for a Kustomize overlay its resources' files. */
function objectsOf(index: Map<string, TreeEntry[]>, dir: string, seen: Set<string> = new Set()): TreeEntry[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const entries = index.get(dir) ?? [];
  const out: TreeEntry[] = [];
  for (const e of entries) {
    if (isKustomization(e)) {
      for (const r of e.object.resources ?? []) if (typeof r === 'string') pushAll(out, objectsOf(index, normalizePath(`${dir}/${r}`), seen));
    } else {
      out.push(e);
    }
  }
  return out;
}

