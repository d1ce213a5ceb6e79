import { DeployedObject, TreeObjects } from './deployed-objects';
import { FleetModel } from './fleet-model';
import { ApplicationSetPlan, FleetPlan, PlannedApplication } from './fleet-plan';
import { FleetProof, FleetProofWaiver, WAIVED_PROOFS_ANNOTATION } from '../argocd/fleet-proof';
import { proveDisasterRecovery } from '../dr/private/dr-proofs';
import { IN_CLUSTER_SERVER } from '../expansion/cluster-secrets';
import { SYNC_IMPERSONATION_ANNOTATION, SyncImpersonation } from '../fleet/sync-impersonation';
import { proveFluxTree } from '../flux/flux-proofs';
import { appendGuardrailFindings } from '../guardrails/findings';
import { normalizeGitUrl } from '../private/glob';
import { Destination, destinationMatcher, isResourcePermitted, isSourcePermitted, serviceAccountToImpersonate } from '../private/project-rules';
import { pushAll } from '../private/util';
import { proveSecrets } from '../secrets/secret-proofs';

/** What the proofs found. */
export interface FleetProofResult {
  /** Failures that stop synth. */
  readonly errors: string[];
  /** Failures the program waived, with its reasons. */
  readonly waived: string[];
}

/**
 * Checks the fleet as Argo CD will see it, from the offline expansion of every ApplicationSet. Waivers are read
 * from each ApplicationSet's `fleet.cdk8s.io/waived-proofs` annotation; `where` names the construct of an
 * ApplicationSet for messages (`[path] …`).
 */
export function proveFleet(model: FleetModel, plan: FleetPlan, where: ConstructOf = () => ''): FleetProofResult {
  const waivers = waiversOf(model);
  const errors: string[] = [];
  const waived: string[] = [];
  // An ApplicationSet is one fleet's (`ArgoFleets`): its waivers waive its own findings, not those of another
  // fleet's ApplicationSet of the same name.
  const waiverOf = (appSet: AppSetRef | undefined, proof: FleetProof) => (appSet === undefined ? undefined
    : waivers.get(appSetKey(appSet.fleet, appSet.name))?.find(w => w.proof === proof));
  const report = (appSet: AppSetRef | undefined, proof: FleetProof | undefined, message: string) => {
    const prefix = appSet !== undefined ? where('ApplicationSet', appSet.name, appSet.fleet) : '';
    const waiver = proof !== undefined ? waiverOf(appSet, proof) : undefined;
    if (waiver) waived.push(`${prefix}${message} (waived: ${waiver.reason})`);
    else errors.push(`${prefix}${message}${proof ? ` [${proof}]` : ''}`);
  };

  // Application names are unique within a fleet's Argo CD: by fleet (`ArgoFleets`) and name.
  const byName = new Map<string, string[]>();
  const nameKey = (fleet: string, name: string) => `${fleet}\0${name}`;
  for (const a of model.applications) {
    if (a.origin?.startsWith('ApplicationSet/')) continue; // a Flux placement of an ApplicationSet, counted with it
    const n = nameKey(model.fleets.fleetOf(a), a.object.metadata?.name);
    byName.set(n, [...(byName.get(n) ?? []), 'Application']);
  }

  const projectErrors = projectChecker(model);
  for (const s of plan.applicationSets) {
    const e = s.expansion;
    const label = `ApplicationSet '${s.name}'`;
    if (e.error) { report(s, undefined, `${label}: Argo CD would fail to generate it and change nothing: ${e.error}`); continue; }
    if (e.unsupported) continue;
    for (const r of e.rejected) {
      const proof = r.reason.includes('duplicate name') ? FleetProof.UNIQUE_APPLICATION_NAMES : undefined;
      report(s, proof, `${label}: Argo CD would not create Application '${r.name}': ${r.reason}`);
    }
    if (e.applications.length === 0 && e.rejected.length === 0) {
      report(s, FleetProof.SELECTS_CLUSTERS, `${label} generates no Applications: its generators select no cluster`);
    }
    for (const m of e.missingParameters ?? []) {
      report(s, FleetProof.PARAMETERS_EXIST, `${label}: Application '${m.application}' reads ${m.keys.map(k => `'${k}'`).join(', ')}, which the cluster does not have (rendered empty)`);
    }
    for (const app of e.applications) {
      const leftovers = leftoverTemplates(app);
      if (leftovers.length) {
        report(s, FleetProof.PARAMETERS_EXIST, `${label}: Application '${app.metadata.name}' keeps unrendered parameters ${leftovers.map(l => `'${l}'`).join(', ')} (a missing label, annotation or value)`);
      }
      const n = nameKey(s.fleet, app.metadata.name);
      byName.set(n, [...(byName.get(n) ?? []), `ApplicationSet/${s.name}`]);
      const projectError = projectErrors(app, s.fleet);
      if (projectError) report(s, FleetProof.PROJECT_PERMITS, `${label}: Application '${app.metadata.name}': ${projectError}`);
    }
    const steps = stepsOf(model, s);
    if (steps) {
      for (const app of e.applications) {
        if (!steps.some(step => stepMatches(step, app.metadata.labels ?? {}))) {
          report(s, FleetProof.ROLLING_SYNC_COVERAGE, `${label}: Application '${app.metadata.name}' matches no RollingSync step, so Argo CD would never sync it`);
        }
      }
    }
  }
  const objects = new TreeObjects(model.entries, model.scopes);
  const fromTree = treeSources(model);
  const planned = plan.clusters.flatMap(c => c.applications).concat(plan.unplaced);
  const kindErrors = kindChecker(model, objects, fromTree);
  for (const a of planned) {
    const problem = kindErrors(a.object, a.fleet, model.fleets.projectsIn(a.fleet));
    if (!problem) continue;
    const appSet = appSetOf(a);
    if (appSet !== undefined) report(appSet, FleetProof.PROJECT_PERMITS, `ApplicationSet '${appSet.name}': Application '${a.name}': ${problem}`);
    else errors.push(`${where('Application', a.name, a.fleet)}Application '${a.name}': ${problem} [${FleetProof.PROJECT_PERMITS}]`);
  }
  for (const shared of sharedObjects(model, planned, objects, fromTree)) {
    // Reported for an ApplicationSet of either side (the one that waives it, if one does), else for the Application.
    const sets = [shared.second, shared.first].flatMap(a => appSetOf(a) ?? []);
    const appSet = sets.find(set => waiverOf(set, FleetProof.UNSHARED_OBJECTS) !== undefined) ?? sets[0];
    const message = `${appSet === undefined ? where('Application', shared.second.name, shared.second.fleet) : ''}${shared.message}`;
    if (appSet !== undefined) report(appSet, FleetProof.UNSHARED_OBJECTS, message);
    else errors.push(`${message} [${FleetProof.UNSHARED_OBJECTS}]`);
  }
  for (const { app, message } of impersonationProblems(model, planned)) {
    const appSet = appSetOf(app);
    if (appSet !== undefined) report(appSet, FleetProof.SYNC_IMPERSONATION, `ApplicationSet '${appSet.name}': Application '${app.name}': ${message}`);
    else errors.push(`${where('Application', app.name, app.fleet)}Application '${app.name}': ${message} [${FleetProof.SYNC_IMPERSONATION}]`);
  }
  for (const [key, origins] of [...byName.entries()].sort()) {
    if (origins.length < 2) continue;
    const fleet = key.slice(0, key.indexOf('\0'));
    const name = key.slice(key.indexOf('\0') + 1);
    const sets = [...new Set(origins.flatMap(o => (o.startsWith('ApplicationSet/') ? [o.slice('ApplicationSet/'.length)] : [])))];
    const distinct = new Set(origins);
    if (distinct.size < 2) continue; // within one ApplicationSet: reported as rejected above
    const message = `Application '${name}' is produced by ${[...distinct].join(' and ')}; Argo CD lets only one own it`;
    report(sets.length === 0 ? undefined : { fleet, name: sets[0] }, FleetProof.UNIQUE_APPLICATION_NAMES, message);
  }
  appendGuardrailFindings(model, plan, errors, waived);
  pushAll(errors, proveSecrets(model, plan));
  pushAll(errors, proveFluxTree(model));
  pushAll(errors, proveDisasterRecovery(model, plan, where));
  return { errors, waived };
}

/**
 * The AppProject checks of generated Applications, each against its fleet's project (`fleet`: `ArgoFleets`), with
 * each project's matcher compiled once.
 */
function projectChecker(model: FleetModel): (app: any, fleet: string) => string | undefined {
  const matchers = new Map<any, (dst: Destination) => boolean>(); // project → its destination matcher
  const permitted = new Map<any, Map<string, boolean>>(); // project → repository → whether the project permits it
  return (app, fleet) => {
    const project = model.fleets.projectsIn(fleet).get(app.spec?.project);
    if (!project) return undefined; // rejected already when the project is unknown
    const dst = app.spec?.destination ?? {};
    const cluster = model.fleets.destinationCluster(dst, fleet);
    const destination = { name: cluster?.name ?? dst.name, server: cluster?.server ?? dst.server, namespace: dst.namespace ?? '' };
    let matches = matchers.get(project);
    if (!matches) {
      matches = destinationMatcher(project.spec?.destinations ?? []);
      matchers.set(project, matches);
    }
    if (!matches(destination)) {
      return `AppProject '${project.metadata.name}' does not permit destination ${destination.name ?? destination.server}/${destination.namespace}`;
    }
    let repositories = permitted.get(project);
    if (!repositories) permitted.set(project, repositories = new Map());
    for (const s of app.spec?.sources ?? [app.spec?.source]) {
      if (!s?.repoURL) continue;
      if (!repositories.has(s.repoURL)) repositories.set(s.repoURL, isSourcePermitted(project.spec?.sourceRepos ?? [], s.repoURL));
      if (!repositories.get(s.repoURL)) {
        return `AppProject '${project.metadata.name}' does not permit source repository ${s.repoURL}`;
      }
    }
    return undefined;
  };
}

/** The most refused objects one message lists. */
const MAX_LISTED = 5;

/**
 * The AppProject check of the objects an Application deploys from a path of the fleet's own tree (a git
 * directory generator over `clusters/*`, a hand-written Application on `addons/`), as Argo CD checks each object
 * before it syncs (controller/sync.go `validateSyncPermissions`): its group, kind and name must be permitted by the
 * project's resource lists (`AppProject.IsGroupKindNamePermitted`), and a namespaced object's namespace (its own,
 * or the destination namespace when it has none: `DeduplicateTargetObjects`) must be a destination the project
 * permits on the Application's cluster (`IsDestinationPermitted`). Otherwise Argo CD refuses to sync the
 * Application. Objects a kustomization builds are judged by kind only (its namespace transformers may move them).
 * `projects`: the projects of the Application's fleet (`ArgoFleets`).
 */
function kindChecker(
  model: FleetModel, objects: TreeObjects, fromTree: TreeSources,
): (app: any, fleet: string, projects: ReadonlyMap<string, any>) => string | undefined {
  const permittedBy = new Map<any, Map<string, boolean>>(); // project → object key → permitted
  const matchers = new Map<any, (dst: Destination) => boolean>(); // project → destination matcher
  return (app, fleet, projects) => {
    const project = projects.get(app.spec?.project);
    if (!project) return undefined; // unknown here (the built-in default, or defined outside the tree)
    let permitted = permittedBy.get(project);
    if (!permitted) permittedBy.set(project, permitted = new Map());
    let matches = matchers.get(project);
    if (!matches) matchers.set(project, matches = destinationMatcher(project.spec?.destinations ?? []));
    const dst = app.spec?.destination ?? {};
    const cluster = model.fleets.destinationCluster(dst, fleet);
    const namespaces = new Map<string, boolean>(); // namespace → permitted on this Application's cluster
    const refused: DeployedObject[] = [];
    const outside: Array<{ object: DeployedObject; namespace: string }> = [];
    for (const s of fromTree(app)) {
      for (const o of objects.deployedBy(s) ?? []) {
        let ok = permitted.get(o.key);
        if (ok === undefined) {
          ok = isResourcePermitted(project.spec ?? {}, o.group, o.kind, o.name, o.namespaced);
          permitted.set(o.key, ok);
        }
        if (!ok) {
          refused.push(o);
          continue;
        }
        // The namespace check needs the cluster (a destination outside the registry is reported by projectChecker).
        if (!o.namespaced || o.namespace === undefined || cluster === undefined) continue;
        const namespace = o.namespace || String(dst.namespace ?? '');
        let inProject = namespaces.get(namespace);
        if (inProject === undefined) namespaces.set(namespace, inProject = matches({ name: cluster.name, server: cluster.server, namespace }));
        if (!inProject) outside.push({ object: o, namespace });
      }
    }
    const problems: string[] = [];
    const more = (n: number) => (n > MAX_LISTED ? ` and ${n - MAX_LISTED} more` : '');
    if (refused.length > 0) {
      const listed = refused.slice(0, MAX_LISTED).map(o => `${o.namespaced ? 'namespaced' : 'cluster-scoped'} ${o.kind} '${o.name}' (group '${o.group}', ${o.path})`);
      problems.push(`AppProject '${project.metadata?.name}' does not permit ${listed.join(', ')}${more(refused.length)}, which it deploys from the tree; Argo CD would refuse to sync it. `
        + 'Allow the kinds in the project\'s resource lists, or deploy them with another project');
    }
    if (outside.length > 0) {
      const listed = outside.slice(0, MAX_LISTED).map(({ object: o, namespace }) => `${o.kind} '${o.name}' in namespace '${namespace}' (${o.path})`);
      const names = [...new Set(outside.map(x => x.namespace))];
      problems.push(`AppProject '${project.metadata?.name}' does not permit namespace ${names.map(n => `'${n}'`).join(', ')} on cluster '${cluster!.name}' for ${listed.join(', ')}`
        + `${more(outside.length)}, which it deploys from the tree; Argo CD would refuse to sync it ("namespace ${names[0]} is not permitted in project '${project.metadata?.name}'"). `
        + 'Add the destinations to the project, or move the objects');
    }
    return problems.length ? problems.join('; ') : undefined;
  };
}

/** The sources of an Application that are paths of the fleet's own tree (its repository, by Argo CD's URL normalization). */
type TreeSources = (app: any) => any[];

function treeSources(model: FleetModel): TreeSources {
  const local = new Map<string, boolean>();
  return app => (app.spec?.sources ?? [app.spec?.source]).filter((s: any) => {
    if (typeof s?.path !== 'string' || typeof s.repoURL !== 'string') return false;
    if (!local.has(s.repoURL)) local.set(s.repoURL, model.repoUrls.has(normalizeGitUrl(s.repoURL)));
    return local.get(s.repoURL)!;
  });
}

/** Two Applications that deploy the same objects of the tree to one cluster, with a message listing them. */
interface SharedObjects {
  readonly first: PlannedApplication;
  readonly second: PlannedApplication;
  readonly message: string;
}

/**
 * Objects of the fleet's own tree that two Applications deploy to the same cluster (the same group, kind, namespace
 * and name). Argo CD tracks each live object as part of one Application: the other reports a
 * SharedResourceWarning (argo-cd v3.5.1 controller/state.go: "<kind>/<name> is part of applications <a> and <b>"),
 * fails to sync with `FailOnSharedResource=true`, and otherwise each sync takes the object from the other (with
 * automated sync and self-heal, without end; with prune, one deletes what the other just lost; Flux Kustomizations
 * fight over it the same way). A namespaced object without a namespace goes to its Application's destination
 * namespace. Not compared: objects a kustomization builds (its namePrefix, nameSuffix, patches and transformers may
 * rename or move them), objects with only a generateName, those of sources unknown offline (Helm, other
 * repositories), and duplicates within one Application (Argo CD reports those itself). A custom resource whose
 * CRD is not in the tree, and whose kind the program does not declare cluster-scoped (`KindScopes`), counts as
 * namespaced (as in the project check).
 *
 * A cluster is its API server: each Application's destination is resolved in its own fleet (`ArgoFleets`), and
 * two fleets' clusters are one when their servers are (whatever their names: two hubs that both register a
 * cluster fight over it the same way). The in-cluster address is each Argo CD's own hub: two fleets' in-cluster
 * destinations are one cluster unless their Argo CDs run in the same namespace (then they cannot share a cluster).
 */
function sharedObjects(
  model: FleetModel, planned: readonly PlannedApplication[], objects: TreeObjects, fromTree: TreeSources,
): SharedObjects[] {
  // One cluster at a time, so that what is remembered is one cluster's objects (a 600k-object fleet holds 600 per cluster).
  const byServer = new Map<string, PlannedApplication[]>();
  const clusterNames = new Map<PlannedApplication, string>();
  for (const app of planned) {
    const cluster = model.fleets.destinationCluster(app.object.spec?.destination, app.fleet);
    if (cluster === undefined) continue; // outside the registry: reported by the project check
    clusterNames.set(app, cluster.name);
    let apps = byServer.get(cluster.server);
    if (!apps) byServer.set(cluster.server, apps = []);
    apps.push(app);
  }
  /** Whether two Applications' in-cluster destinations are two hubs: fleets whose Argo CDs share a namespace. */
  const twoHubs = (a: PlannedApplication, b: PlannedApplication) => {
    if (a.fleet === b.fleet) return false;
    const namespace = model.fleets.argocdNamespaceOf(a.fleet);
    return namespace !== undefined && namespace === model.fleets.argocdNamespaceOf(b.fleet);
  };
  /** The cluster as the message names it: its name, or each fleet's name for it when they differ. */
  const clusterLabel = (a: PlannedApplication, b: PlannedApplication, server: string) => {
    const [first, second] = [clusterNames.get(a)!, clusterNames.get(b)!];
    if (first !== second) return `'${first}' (fleet '${a.fleet}') and '${second}' (fleet '${b.fleet}'), both ${server}`;
    if (server === IN_CLUSTER_SERVER && a.fleet !== b.fleet) {
      return `'${first}' (fleets '${a.fleet}' and '${b.fleet}' are not known to run Argo CD in one namespace, so their hubs may be one cluster)`;
    }
    return `'${first}'`;
  };
  type Owner = { readonly app: PlannedApplication; readonly object: DeployedObject; readonly namespace: string };
  type Shared = { readonly object: DeployedObject; readonly firstPath: string; readonly namespace: string };
  type Pair = { readonly cluster: string; readonly shared: Shared[]; readonly seen: Set<string> };
  const pairs = new Map<PlannedApplication, Map<PlannedApplication, Pair>>();
  for (const [server, apps] of byServer) {
    // The first Application deploying each object here, by the object's key (group, kind, name and scope: one
    // string shared by the object's summaries), or by key and namespace for the same object in another namespace.
    // On the in-cluster address, one first Application per hub: fleets whose Argo CDs share a namespace are two.
    const owners = new Map<string, Owner[]>();
    for (const app of apps) {
      const destinationNamespace = String(app.object.spec?.destination?.namespace ?? '');
      for (const s of fromTree(app.object)) {
        for (const o of objects.deployedBy(s) ?? []) {
          // A kustomization's objects may be renamed (namePrefix, nameSuffix, patches) and moved; an object with
          // only a generateName has no name to share.
          if (o.namespace === undefined || o.name === '') continue;
          const namespace = o.namespaced ? o.namespace || destinationNamespace : '';
          const byKey = owners.get(o.key);
          const key = byKey === undefined || byKey[0].namespace === namespace ? o.key : `${o.key}\0${namespace}`;
          const earlier = key === o.key ? byKey : owners.get(key);
          if (earlier === undefined) {
            owners.set(key, [{ app, object: o, namespace }]);
            continue;
          }
          if (earlier.some(x => x.app === app)) continue; // twice in one Application: Argo CD reports that itself
          const first = earlier.find(x => server !== IN_CLUSTER_SERVER || !twoHubs(x.app, app));
          if (first === undefined) {
            earlier.push({ app, object: o, namespace }); // the first on its own hub
            continue;
          }
          let withFirst = pairs.get(first.app);
          if (!withFirst) pairs.set(first.app, withFirst = new Map());
          let pair = withFirst.get(app);
          if (!pair) withFirst.set(app, pair = { cluster: clusterLabel(first.app, app, server), shared: [], seen: new Set() });
          if (pair.seen.has(key)) continue;
          pair.seen.add(key);
          pair.shared.push({ object: o, firstPath: first.object.path, namespace });
        }
      }
    }
  }
  const out: SharedObjects[] = [];
  for (const [first, withFirst] of pairs) {
    for (const [second, { cluster, shared }] of withFirst) {
      const listed = shared.slice(0, MAX_LISTED).map(({ object: o, firstPath, namespace }) => `${o.namespaced ? '' : 'cluster-scoped '}${o.kind} '${o.name}'`
        + `${o.namespaced ? ` in namespace '${namespace}'` : ''} (${firstPath === o.path ? o.path : `${firstPath} and ${o.path}`})`);
      const more = shared.length > MAX_LISTED ? ` and ${shared.length - MAX_LISTED} more` : '';
      out.push({
        first,
        second,
        message: `Applications ${appNames(first, second)} both deploy ${listed.join(', ')}${more} to cluster ${cluster}; an object `
          + 'belongs to one Application (Argo CD reports a SharedResourceWarning for the other) and each sync takes it from the other. '
          + 'Deploy each object from one Application',
      });
    }
  }
  return out;
}

/** Two Applications' names for a message, each with its fleet when the names are the same. */
function appNames(a: PlannedApplication, b: PlannedApplication): string {
  return a.name === b.name && a.fleet !== b.fleet ? `'${a.name}' (fleet '${a.fleet}') and '${b.name}' (fleet '${b.fleet}')` : `'${a.name}' and '${b.name}'`;
}

/** An ApplicationSet of one fleet (`ArgoFleets`): names are unique within a fleet, not across. */
interface AppSetRef {
  readonly fleet: string;
  readonly name: string;
}

/**
 * The construct path of an Application or ApplicationSet of a fleet, as a message prefix (`[path] `), or '' (a tree
 * read from disk).
 */
export type ConstructOf = (kind: string, name: string, fleet: string) => string;

function appSetKey(fleet: string, name: string): string {
  return `${fleet}\0${name}`;
}

/** The ApplicationSet a planned Application comes from (origin `ApplicationSet/<name>`, of its fleet), if any. */
function appSetOf(app: PlannedApplication): AppSetRef | undefined {
  return app.origin.startsWith('ApplicationSet/') ? { fleet: app.fleet, name: app.origin.slice('ApplicationSet/'.length) } : undefined;
}

/** The RollingSync steps of a planned ApplicationSet (its own file's: another fleet's of one name is another). */
function stepsOf(model: FleetModel, appSet: ApplicationSetPlan): any[] | undefined {
  const e = appSet.path === '' ? undefined : model.applicationSets.find(x => x.path === appSet.path && x.object.metadata?.name === appSet.name);
  const strategy = e?.object.spec?.strategy;
  return strategy?.type === 'RollingSync' ? strategy.rollingSync?.steps ?? [] : undefined;
}

/** Argo CD's progressive sync step match (labelMatchedExpression): In/NotIn on the label value, "" when absent. */
export function stepMatches(step: any, labels: Record<string, string>): boolean {
  return (step.matchExpressions ?? []).every((r: any) => {
    if (r.operator !== 'In' && r.operator !== 'NotIn') return false;
    const value = labels[r.key] ?? '';
    const found = (r.values ?? []).includes(value);
    return r.operator === 'In' ? found : !found;
  });
}

/** `{{…}}` left in a generated Application (fasttemplate keeps unknown tags) and Go's `<no value>`. */
function leftoverTemplates(app: any): string[] {
  const found = new Set<string>();
  const walk = (v: any) => {
    if (typeof v === 'string') {
      if (v.includes('{{')) for (const m of v.match(/{{[^}]*}}/g) ?? []) found.add(m);
      if (v.includes('<no value>')) found.add('<no value>');
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, e] of Object.entries(v)) { walk(k); walk(e); }
    }
  };
  walk(app);
  return [...found].sort();
}

/** The waivers recorded on each ApplicationSet, by its fleet and name (`appSetKey`). */
function waiversOf(model: FleetModel): Map<string, FleetProofWaiver[]> {
  const out = new Map<string, FleetProofWaiver[]>();
  for (const e of model.applicationSets) {
    const raw = e.object.metadata?.annotations?.[WAIVED_PROOFS_ANNOTATION];
    if (typeof raw !== 'string') continue;
    try {
      const parsed = JSON.parse(raw);
      if (Array.isArray(parsed)) out.set(appSetKey(model.fleets.fleetOf(e), e.object.metadata.name), parsed.filter(w => w && typeof w.proof === 'string').map(w => ({ proof: w.proof, reason: String(w.reason ?? '') })));
    } catch {
      // an unreadable annotation waives nothing
    }
  }
  return out;
}

/**
 * What Argo CD's controller would make of each planned Application's sync with impersonation (controller/sync.go,
 * Argo CD v3.5.1), for fleets whose root Application records it enabled (`SYNC_IMPERSONATION_ANNOTATION`): a
 * malformed entry fails the sync ("failed to derive service account to impersonate: …"); no matching entry fails it
 * when enforced. An Application belongs to the fleet whose directory (`argocd/<fleet>/`) holds it or its
 * ApplicationSet (a root Application, to its own fleet). Applications of projects outside the tree (Argo CD's
 * `default`, projects imported by name) are not judged: what those name is not known offline.
 */
function impersonationProblems(
  model: FleetModel, planned: readonly PlannedApplication[],
): { app: PlannedApplication; message: string }[] {
  const modes = new Map<string, string>(); // fleet (`ArgoFleets`) → mode
  const problems: { app: PlannedApplication; message: string }[] = [];
  for (const e of model.applications) {
    const mode = e.path.startsWith('bootstrap/') ? e.object?.metadata?.annotations?.[SYNC_IMPERSONATION_ANNOTATION] : undefined;
    const fleet = model.fleets.fleetOf(e); // (a root Application's: the fleet whose directory it syncs)
    if ((mode === SyncImpersonation.ENFORCED || mode === SyncImpersonation.FALLBACK) && fleet !== '') modes.set(fleet, mode);
  }
  if (modes.size === 0) return [];
  for (const a of planned) {
    const mode = modes.get(a.fleet);
    const project = mode === undefined ? undefined : model.fleets.projectsIn(a.fleet).get(a.project);
    if (mode === undefined || project === undefined) continue;
    const destination = a.object?.spec?.destination ?? {};
    // (the cluster's server as Argo CD reads it from its Secret: without a trailing '/')
    const server = String(model.fleets.destinationCluster(destination, a.fleet)?.server ?? destination.server ?? '').replace(/\/+$/, '');
    if (server === '') continue; // (no such cluster: Argo CD fails it for that, reported elsewhere)
    const namespace = String(destination.namespace ?? '');
    const entries = project.spec?.destinationServiceAccounts ?? [];
    const derived = serviceAccountToImpersonate(Array.isArray(entries) ? entries : [], server, namespace, String(a.object?.metadata?.namespace ?? ''));
    if ('error' in derived) {
      problems.push({ app: a, message: `Argo CD would fail its sync: failed to derive service account to impersonate: ${derived.error}` });
    } else if (derived.user === '' && mode === SyncImpersonation.ENFORCED) {
      problems.push({
        app: a,
        message: `Argo CD would fail its sync: no matching service account found for destination server ${server} and namespace ${namespace} `
          + `(argocd-cm enforces impersonation: add a DestinationServiceAccount to AppProject '${a.project}')`,
      });
    }
  }
  return problems;
}
