import type { IAppProject } from './app-project';
import type { IgnoreDifference } from './application';
import type { ApplicationSource } from './application-source';
import type { SyncPolicy } from './sync-policy';
import { TemplateParam } from './template-param';
import type { ClusterManifests } from '../fleet/cluster-manifests';
import type { Fleet } from '../fleet/fleet';
import { undefinedIfEmpty } from '../private/util';

/** The parts of an Application spec shared by Applications and ApplicationSet templates. */
export interface SpecParts {
  readonly sources: ApplicationSource[];
  readonly syncPolicy?: SyncPolicy;
  readonly ignoreDifferences?: IgnoreDifference[];
  readonly info?: Record<string, string>;
  readonly revisionHistoryLimit?: number;
}

/** Renders the shared parts of an Application spec (in the L1's property names). */
export function renderSpecParts(p: SpecParts, fleet: Fleet): any {
  const rendered = p.sources.map(s => s._toKube(fleet));
  return {
    source: rendered.length === 1 ? rendered[0] : undefined,
    sources: rendered.length > 1 ? rendered : undefined,
    syncPolicy: p.syncPolicy?._toKube(),
    ignoreDifferences: undefinedIfEmpty((p.ignoreDifferences ?? []).map(d => ({
      group: d.group,
      kind: d.kind,
      name: d.name,
      namespace: d.namespace,
      jsonPointers: undefinedIfEmpty(d.jsonPointers),
      jqPathExpressions: undefinedIfEmpty(d.jqPathExpressions),
      managedFieldsManagers: undefinedIfEmpty(d.managedFieldsManagers),
    }))),
    info: undefinedIfEmpty(Object.keys(p.info ?? {}).sort().map(name => ({ name, value: p.info![name] }))),
    revisionHistoryLimit: p.revisionHistoryLimit,
  };
}

/** The parts `specPartErrors` checks. */
export interface CheckedParts {
  readonly source?: ApplicationSource;
  readonly sources?: ApplicationSource[];
  readonly revisionHistoryLimit?: number;
  readonly ignoreDifferences?: IgnoreDifference[];
}

/** Problems with the shared parts, each naming the prop and the value. */
export function specPartErrors(p: CheckedParts): string[] {
  const errors: string[] = [];
  if (p.source && p.sources?.length) errors.push("Specify either 'source' or 'sources', not both");
  if (p.revisionHistoryLimit !== undefined && (!Number.isInteger(p.revisionHistoryLimit) || p.revisionHistoryLimit < 0)) {
    errors.push(`'revisionHistoryLimit' (${JSON.stringify(p.revisionHistoryLimit)}) must be a non-negative integer`);
  }
  for (const d of p.ignoreDifferences ?? []) {
    if (!d.kind) errors.push(`'ignoreDifferences' entry ${JSON.stringify(d)} needs a 'kind'`);
    if (!d.jsonPointers?.length && !d.jqPathExpressions?.length && !d.managedFieldsManagers?.length) {
      errors.push(`'ignoreDifferences' entry for kind '${d.kind}' needs 'jsonPointers', 'jqPathExpressions' or 'managedFieldsManagers'`);
    }
    for (const ptr of d.jsonPointers ?? []) {
      if (!ptr.startsWith('/')) errors.push(`'ignoreDifferences' JSON pointer '${ptr}' must start with '/'`);
    }
  }
  return errors;
}

/**
 * Source repositories `project` does not allow, one message each. Templated URLs (ApplicationSets) are only
 * known per generated Application and are skipped.
 */
export function sourceRepoErrors(project: IAppProject, sources: ApplicationSource[], fleet: Fleet, owner: string): string[] {
  const errors: string[] = [];
  for (const source of sources) {
    const repo = source._repoUrl(fleet);
    if (!TemplateParam._isTemplated(repo) && !project.permitsSourceRepo(repo)) {
      errors.push(`AppProject '${project.projectName}' does not allow source repo '${repo}' of ${owner}. Add it to the project's 'sourceRepos'`);
    }
  }
  return errors;
}

/** The sources of a `source`/`sources` pair, in order. */
export function sourcesOf(p: { source?: ApplicationSource; sources?: ApplicationSource[] }): ApplicationSource[] {
  return [...(p.source ? [p.source] : []), ...(p.sources ?? [])];
}

/** The ClusterManifests that sources deploy (`ApplicationSource.manifests()`). */
export function deployedManifests(sources: readonly ApplicationSource[]): ClusterManifests[] {
  return sources.flatMap(source => source._manifests ? [source._manifests] : []);
}
