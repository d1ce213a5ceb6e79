import { parseImageReference } from './image-reference';
import { DEFAULT_MUTABLE_TAGS, ImagePinning, PinningRulesSpec, RevisionPinning } from './pinning-rules';
import type { FleetModel } from '../gitops/fleet-model';
import { parseSemVer } from '../promotion/semver';

/** The root Application annotation that records the fleet's version pinning policy (JSON). */
export const VERSION_PINNING_ANNOTATION = 'fleet.cdk8s.io/version-pinning';

/** The policy as recorded in the tree. */
export interface PinningPolicySpec {
  readonly environmentLabel: string;
  readonly environments: Record<string, PinningRulesSpec>;
  readonly otherClusters?: PinningRulesSpec;
  readonly helmImageValues: { chart: string; tagPath: string; repositoryPath?: string; digestPath?: string }[];
  readonly waivers: { value: string; reason: string; cluster: string; application: string }[];
  /**
   * The fleet whose root Application records it (`ArgoFleets`; not in the annotation): it rules that fleet's
   * Applications only, each fleet being its own Argo CD with its own policy.
   */
  readonly fleet?: string;
}

/** The strict rules the production checklist measures every cluster against. */
export const STRICT_RULES: PinningRulesSpec = {
  images: ImagePinning.SEMVER_OR_DIGEST,
  mutableTags: [...new Set(['latest', ...DEFAULT_MUTABLE_TAGS])].sort(),
  tagPatterns: [],
  revisions: RevisionPinning.TAG_OR_COMMIT,
  revisionTagPatterns: [],
};

/** The pinning policies recorded on the tree's root Applications (one per fleet that has one), or the problems reading them. */
export function pinningPolicies(model: FleetModel): { policies: PinningPolicySpec[]; problems: string[] } {
  const policies: PinningPolicySpec[] = [];
  const problems: string[] = [];
  for (const e of model.applications) {
    if (!e.path.startsWith('bootstrap/')) continue;
    const raw = e.object.metadata?.annotations?.[VERSION_PINNING_ANNOTATION];
    if (raw === undefined) continue;
    const parsed = parsePolicy(raw);
    if (typeof parsed === 'string') problems.push(`${e.path}: annotation '${VERSION_PINNING_ANNOTATION}' is unreadable: ${parsed}`);
    else policies.push({ ...parsed, fleet: model.fleets.fleetOf(e) });
  }
  return { policies, problems };
}

function parsePolicy(raw: unknown): PinningPolicySpec | string {
  if (typeof raw !== 'string') return 'not a string';
  let p: any;
  try {
    p = JSON.parse(raw);
  } catch (e) {
    return (e as Error).message;
  }
  const rules = (r: any, where: string): PinningRulesSpec | string => {
    if (!r || typeof r !== 'object') return `${where} is not an object`;
    if (!Object.values(ImagePinning).includes(r.images)) return `${where}.images (${JSON.stringify(r.images)}) is not one of ${Object.values(ImagePinning).join(', ')}`;
    if (!Object.values(RevisionPinning).includes(r.revisions)) return `${where}.revisions (${JSON.stringify(r.revisions)}) is not one of ${Object.values(RevisionPinning).join(', ')}`;
    const list = (v: any) => (Array.isArray(v) ? v.filter(x => typeof x === 'string') : []);
    for (const pattern of [...list(r.tagPatterns), ...list(r.revisionTagPatterns)]) {
      try {
        new RegExp(pattern);
      } catch {
        return `${where} has an invalid pattern ${JSON.stringify(pattern)}`;
      }
    }
    return {
      images: r.images,
      revisions: r.revisions,
      mutableTags: list(r.mutableTags),
      tagPatterns: list(r.tagPatterns),
      revisionTagPatterns: list(r.revisionTagPatterns),
    };
  };
  if (!p || typeof p !== 'object' || typeof p.environmentLabel !== 'string') return 'no environmentLabel';
  const environments: Record<string, PinningRulesSpec> = {};
  for (const [env, r] of Object.entries(p.environments ?? {})) {
    const parsed = rules(r, `environments.${env}`);
    if (typeof parsed === 'string') return parsed;
    environments[env] = parsed;
  }
  let otherClusters: PinningRulesSpec | undefined;
  if (p.otherClusters !== undefined) {
    const parsed = rules(p.otherClusters, 'otherClusters');
    if (typeof parsed === 'string') return parsed;
    otherClusters = parsed;
  }
  const helmImageValues = (Array.isArray(p.helmImageValues) ? p.helmImageValues : [])
    .filter((h: any) => h && typeof h.chart === 'string' && typeof h.tagPath === 'string');
  const waivers = (Array.isArray(p.waivers) ? p.waivers : [])
    .filter((w: any) => w && typeof w.value === 'string')
    .map((w: any) => ({ value: w.value, reason: String(w.reason ?? ''), cluster: String(w.cluster ?? '*'), application: String(w.application ?? '*') }));
  return { environmentLabel: p.environmentLabel, environments, otherClusters, helmImageValues, waivers };
}

/** Why an image is not pinned under `rules`, or undefined when it is. */
export function imageProblem(image: string, rules: PinningRulesSpec): string | undefined {
  if (rules.images === ImagePinning.NONE) return undefined;
  const ref = parseImageReference(image);
  if ('error' in ref) return `not a valid image reference (${ref.error})`;
  if (ref.digest) return undefined;
  if (rules.images === ImagePinning.DIGEST) return 'has no digest (this environment requires @sha256:…)';
  if (ref.tag === undefined) return "has no tag, which means 'latest'";
  if (rules.mutableTags.includes(ref.tag)) return `the tag '${ref.tag}' is mutable`;
  if (rules.images === ImagePinning.IMMUTABLE_TAG) return undefined;
  if (parseSemVer(ref.tag)) return undefined;
  if (rules.tagPatterns.some(p => fullMatch(p, ref.tag!))) return undefined;
  return `the tag '${ref.tag}' is not a semantic version (x.y.z) and no digest pins it`;
}

/** Mutable names no one pins to: Git's symbolic HEAD and the usual branch names. */
const MOVING_REFS = new Set(['HEAD', 'main', 'master', 'develop', 'development', 'trunk', 'dev', 'staging', 'production', 'stable', 'latest']);

/** Why a Git revision of another repository is not pinned under `rules`, or undefined when it is. */
export function gitRevisionProblem(revision: string, rules: PinningRulesSpec): string | undefined {
  if (rules.revisions === RevisionPinning.NONE) return undefined;
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(revision)) return undefined;
  if (rules.revisions === RevisionPinning.COMMIT) return 'is not a full commit SHA (this environment requires one)';
  if (revision === '' || MOVING_REFS.has(revision) || revision.startsWith('refs/heads/')) return `'${revision || 'HEAD'}' is a branch or moving ref, not a tag or commit`;
  const tag = revision.startsWith('refs/tags/') ? revision.slice('refs/tags/'.length) : revision;
  if (parseSemVer(tag)) return undefined;
  if (rules.revisionTagPatterns.some(p => fullMatch(p, tag))) return undefined;
  return 'is neither a full commit SHA nor a semantic version tag (list your tag format in \'revisionTagPatterns\')';
}

/** Why a Helm chart version (or an OCI source tag) is not pinned under `rules`, or undefined when it is. */
export function chartVersionProblem(version: string, rules: PinningRulesSpec): string | undefined {
  if (rules.revisions === RevisionPinning.NONE) return undefined;
  if (/^sha256:[0-9a-f]{64}$/.test(version)) return undefined;
  if (parseSemVer(version)) return undefined;
  return 'is not an exact chart version (a range or a moving tag resolves to a different chart over time)';
}

function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(value);
}
