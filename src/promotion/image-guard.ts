import { normalizedRepository, versionOfImage } from './image-reference';
import type { VersionsFile } from './versions-file';
import { promotionAllowed } from './versions-parse';
import { show } from '../private/errors';
import { sortDeep } from '../private/util';
import { containersOf } from '../workloads/apply-settings';

/**
 * The annotation that records, on every object that runs a version only thanks to a reviewed exception
 * (`VersionsFile.allowPin`), the version and the reason: the rendered diff of the PR shows it.
 */
export const ALLOWED_PIN_ANNOTATION = 'fleet.cdk8s.io/allowed-pin';

/** One rendered variant of a Workload whose image is versioned by a versions file. */
export interface GuardedVariant {
  /** The versions file and the application's key in it. */
  readonly versions: VersionsFile;
  readonly versionKey: string;
  /** The image repository the versions file versions (e.g. `ghcr.io/acme/api`). */
  readonly repository: string;
  /** The construct path of the Workload, for messages. */
  readonly workloadPath: string;
  /** The variant's environment and clusters. */
  readonly environment: string;
  readonly clusters: string[];
  /** The variant's rendered objects (annotated in place where an exception applies). */
  readonly objects: any[];
  /** The setting that set `version` on `cluster` (e.g. `'overrides[1].settings.imageTag' (cluster=prod-2)`). */
  readonly settingOf: (cluster: string, version: string) => string;
}

/**
 * The promotion guard for the image tags a Workload actually renders, whatever set them (the versions file, an
 * `imageTag` setting for a cluster, region or label, a patch, the definition): every container of the versioned
 * repository must run the environment's pinned version, or a version the guard lets through (what the nearest
 * upstream environment pins, or an older semantic version), or one a reviewed `allowPin` exception names. The
 * objects an exception lets through get the `fleet.cdk8s.io/allowed-pin` annotation. Returns one error per
 * cluster and version refused.
 */
export function guardVariantImages(v: GuardedVariant): string[] {
  const { versions, versionKey: key, environment: env } = v;
  if (!versions.hasVersion(key, env)) return []; // reported where the tag is read
  const pinned = versions.version(key, env);
  const upstream = versions._upstreamPin(key, env);
  const errors: string[] = [];
  const wanted = normalizedRepository(v.repository);
  for (const o of v.objects) {
    const versionsRun = new Set<string>();
    for (const image of imagesOfRepository(o, wanted)) versionsRun.add(versionOfImage(image) ?? 'latest');
    const notes: string[] = [];
    for (const version of [...versionsRun].sort()) {
      const guardPasses = upstream === undefined || promotionAllowed(version, upstream.version);
      if (version === pinned) {
        // The versions file's own pin: the VersionsFile reports it when the guard refuses it, unless allowed.
        const allowed = guardPasses ? undefined : versions._allowedPin(key, env, version);
        if (allowed) notes.push(note(version, env, undefined, allowed.reason));
        continue;
      }
      if (guardPasses) continue;
      for (const cluster of v.clusters) {
        const allowed = versions._allowedPin(key, env, version, cluster);
        if (allowed) {
          notes.push(note(version, env, allowed.cluster, allowed.reason));
          continue;
        }
        errors.push(`[${v.workloadPath}] promotion guard: cluster '${cluster}' (${env}) would run ${v.repository} ${show(version)}, `
          + `set by ${v.settingOf(cluster, version)}, but ${upstream!.environment} (upstream) runs ${upstream!.version} `
          + `(${versions.path ?? 'the versions file'} pins ${pinned} for ${env}). Pin it in the versions file and promote it through `
          + `${upstream!.environment}, or declare versions.allowPin({ application: '${key}', environment: '${env}', cluster: '${cluster}', version: '${version}', reason })`);
      }
    }
    if (notes.length) {
      // Keys stay sorted, as in every rendered object.
      o.metadata = sortDeep({ ...o.metadata, annotations: { ...o.metadata?.annotations, [ALLOWED_PIN_ANNOTATION]: [...new Set(notes)].join('; ') } });
    }
  }
  return [...new Set(errors)];
}

function note(version: string, environment: string, cluster: string | undefined, reason: string): string {
  return `${version} in ${environment}${cluster ? ` on ${cluster}` : ''}: ${reason}`;
}

/** The images of an object's containers from the repository `wanted` (`normalizedRepository`: however a reference spells it). */
function imagesOfRepository(o: any, wanted: string): string[] {
  return containersOf(o).map(c => c?.image).filter((i): i is string => typeof i === 'string' && normalizedRepository(i) === wanted);
}
