/**
 * DR pairs as a tree records them (`dr-spec.ts`), with the objects each side's Applications deploy: read from
 * the fleet model and plan, so the same code serves synth (the tree in memory) and `cdk8s-fleet validate`,
 * `plan`, `diff`, `checklist` and `failover --dry-run` (the tree on disk).
 */
import { DR_ACTIVE_ANNOTATION, DR_PAIR_ANNOTATION, DR_ROLE_ANNOTATION, DrSpec, specOf } from './dr-spec';
import type { FleetModel, TreeEntry } from '../../gitops/fleet-model';
import type { FleetPlan, PlannedApplication } from '../../gitops/fleet-plan';
import { buildKustomization, KustomizeError, kustomizationFile } from '../../gitops/kustomize-build';
import { normalizeGitUrl } from '../../private/glob';
import { normalizePath } from '../../private/placement';
import { compareCodeUnits } from '../../private/util';
import { parseYamlDocuments } from '../../private/yaml-input';

/** A DR pair in a tree. */
export interface TreePair {
  readonly name: string;
  /** The spec, from the first standby Application that records one. */
  readonly spec?: DrSpec;
  readonly primaries: PlannedApplication[];
  readonly standbys: PlannedApplication[];
  /** Applications of the pair whose annotations disagree with the spec. */
  readonly problems: string[];
}

/** Every pair of the plan, by name. */
export function pairsOf(plan: FleetPlan): TreePair[] {
  const byPair = new Map<string, { primaries: PlannedApplication[]; standbys: PlannedApplication[] }>();
  for (const a of [...plan.clusters.flatMap(c => c.applications), ...plan.unplaced]) {
    const annotations = a.object?.metadata?.annotations ?? {};
    const pair = annotations[DR_PAIR_ANNOTATION];
    if (typeof pair !== 'string' || pair === '') continue;
    const entry = byPair.get(pair) ?? { primaries: [], standbys: [] };
    if (annotations[DR_ROLE_ANNOTATION] === 'primary') entry.primaries.push(a);
    else if (annotations[DR_ROLE_ANNOTATION] === 'standby') entry.standbys.push(a);
    byPair.set(pair, entry);
  }
  return [...byPair.keys()].sort(compareCodeUnits).map(name => {
    const { primaries, standbys } = byPair.get(name)!;
    const specs = standbys.map(a => ({ app: a, spec: specOf(a.object) })).filter(x => x.spec);
    const spec = specs[0]?.spec;
    const problems: string[] = [];
    for (const x of specs.slice(1)) {
      if (JSON.stringify(x.spec) !== JSON.stringify(spec)) problems.push(`Application '${x.app.name}' records another spec of DR pair '${name}' than '${specs[0].app.name}'`);
    }
    if (spec) {
      const activeOf = (a: PlannedApplication) => a.object?.metadata?.annotations?.[DR_ACTIVE_ANNOTATION];
      const primaryActive = spec.active === spec.primary.side;
      for (const a of primaries) if (activeOf(a) !== String(primaryActive)) problems.push(`Application '${a.name}' says ${DR_ACTIVE_ANNOTATION}=${activeOf(a)}, but pair '${name}' makes ${spec.active} active`);
      for (const a of standbys) if (activeOf(a) !== String(!primaryActive)) problems.push(`Application '${a.name}' says ${DR_ACTIVE_ANNOTATION}=${activeOf(a)}, but pair '${name}' makes ${spec.active} active`);
    }
    return { name, spec, primaries, standbys, problems };
  });
}

/** An object an Application deploys, whole, with its file. */
export interface DeployedObject {
  readonly object: any;
  readonly file: string;
  /** The namespace it lands in ('' for cluster-scoped kinds). */
  readonly namespace: string;
}

/**
 * The objects Applications deploy from the fleet's own tree, whole (the plan keeps workload objects as
 * summaries): plain directories (recursive when the source says so) and Kustomize overlays, built in process.
 */
export class TreeObjectReader {
  private readonly byDir = new Map<string, TreeEntry[]>();
  private readonly byPath = new Map<string, TreeEntry[]>();
  private readonly parsed = new Map<string, unknown[]>();
  public readonly problems: string[] = [];

  public constructor(private readonly model: FleetModel) {
    for (const e of model.entries) {
      const dir = e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')));
      this.byDir.set(dir, [...this.byDir.get(dir) ?? [], e]);
      this.byPath.set(e.path, [...this.byPath.get(e.path) ?? [], e]);
    }
  }

  /** What an Application deploys from this tree (charts and other repositories are unknown offline). */
  public objectsOf(app: PlannedApplication): DeployedObject[] {
    const out: DeployedObject[] = [];
    const sources: any[] = (app.object?.spec?.sources ?? [app.object?.spec?.source]).filter(Boolean);
    for (const s of sources) {
      if (typeof s.path !== 'string' || s.chart || !this.isLocal(String(s.repoURL ?? ''))) continue;
      const dir = normalizePath(s.path);
      for (const { object, file } of this.resolve(dir, s)) {
        if (!object || typeof object !== 'object') continue;
        out.push({ object, file, namespace: object.metadata?.namespace ?? app.destinationNamespace ?? '' });
      }
    }
    return out;
  }

  /** The whole objects of one file. */
  public objectsIn(path: string): any[] {
    return (this.byPath.get(path) ?? []).map(e => this.whole(e));
  }

  private isLocal(url: string): boolean {
    return this.model.repoUrls.size === 0 || this.model.repoUrls.has(normalizeGitUrl(url));
  }

  private resolve(dir: string, source: any): { object: any; file: string }[] {
    const host = {
      typeOf: (p: string) => (this.byPath.has(p) ? 'file' as const : this.byDir.has(p) || [...this.byDir.keys()].some(d => d.startsWith(`${p}/`)) ? 'dir' as const : undefined),
      documents: (p: string) => (this.byPath.get(p) ?? []).map(e => this.whole(e)),
    };
    if (source.directory === undefined && kustomizationFile(dir, host)) {
      try {
        return buildKustomization(dir, host);
      } catch (e) {
        if (!(e instanceof KustomizeError)) throw e;
        this.problems.push(e.message);
        return [];
      }
    }
    const dirs = source.directory?.recurse ? [...this.byDir.keys()].filter(d => d === dir || d.startsWith(`${dir}/`)) : [dir];
    return dirs.sort(compareCodeUnits).flatMap(d => (this.byDir.get(d) ?? []).map(e => ({ object: this.whole(e), file: e.path })));
  }

  /** The entry's object whole: rendered workload entries carry a summary and their file's text. */
  private whole(e: TreeEntry): any {
    if (e.object?.spec !== undefined || e.object?.data !== undefined || e.content === undefined) return e.object;
    let docs = this.parsed.get(e.content);
    if (!docs) {
      try {
        docs = parseYamlDocuments(e.content, e.path);
      } catch {
        docs = [];
      }
      this.parsed.set(e.content, docs);
    }
    const same = (docs as any[]).find(d => d?.kind === e.object?.kind && d?.metadata?.name === e.object?.metadata?.name);
    return same ?? e.object;
  }
}

