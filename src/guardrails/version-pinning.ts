import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PinningPolicySpec, VERSION_PINNING_ANNOTATION } from './pinning-policy';
import { PinningRules } from './pinning-rules';
import { Fleet } from '../fleet/fleet';
import { show, throwIfInvalid } from '../private/errors';
import { qualifiedNameErrors } from '../private/names';

/** Where a Helm chart's values carry an image tag (declared, so that the pinning policy can check it). */
export interface HelmImageValues {
  /** The chart name, as in the Application source's `chart`. */
  readonly chart: string;
  /** The dotted path of the tag in the values, e.g. `controller.image.tag`. */
  readonly tagPath: string;
  /**
   * The dotted path of the image repository, for messages and for waivers (`<repository>:<tag>`).
   * @default - the tag alone is reported
   */
  readonly repositoryPath?: string;
  /**
   * The dotted path of a digest that pins the image whatever the tag says, e.g. `controller.image.digest`.
   * @default - none
   */
  readonly digestPath?: string;
}

/** A reviewed exception to the pinning policy. */
export interface PinningWaiver {
  /** The value exactly as written: an image (`nginx:1.27`), a revision (`main`) or a chart version. */
  readonly value: string;
  /** Why it may stay unpinned; shown in the synth result and by `cdk8s-fleet validate`. */
  readonly reason: string;
  /**
   * The clusters it applies to (a glob: `*`, `prod-*`).
   * @default '*'
   */
  readonly cluster?: string;
  /**
   * The Applications it applies to (a glob).
   * @default '*'
   */
  readonly application?: string;
}

/** Props for `VersionPinning`. */
export interface VersionPinningProps {
  /**
   * The cluster label that names a cluster's environment.
   * @default 'environment'
   */
  readonly environmentLabel?: string;
  /** The rules per environment (label value), e.g. `{ production: PinningRules.strict(), dev: PinningRules.relaxed() }`. */
  readonly environments: Record<string, PinningRules>;
  /**
   * The rules for clusters of no listed environment.
   * @default - they are not checked
   */
  readonly otherClusters?: PinningRules;
  /**
   * Helm values that carry image tags, per chart. Checked in each Application's `valuesObject`, `values` and
   * `parameters` (values files are not read).
   * @default - none
   */
  readonly helmImageValues?: HelmImageValues[];
  /**
   * Reviewed exceptions; more with `addWaiver()`.
   * @default - none
   */
  readonly waivers?: PinningWaiver[];
}

/**
 * Version pinning as a fleet policy, per environment: container images pinned (a semantic version tag or a
 * digest; `latest` and mutable tags refused), Helm chart versions exact, and the revisions of sources in other
 * repositories than the fleet's pinned to a tag or commit. Checked at synth over every rendered object and every
 * Application, those ApplicationSets generate included; a violation fails synth naming the cluster, the object,
 * the field and the value, unless waived with a reason. The policy and its waivers are recorded on the fleet's
 * root Application (annotation `fleet.cdk8s.io/version-pinning`), so `cdk8s-fleet validate` checks a tree on disk
 * exactly as synth did, and reviewers see every waiver in the PR.
 *
 * @example
 * new VersionPinning(fleet, 'Pinning', {
 *   environments: { production: PinningRules.strict(), staging: PinningRules.strict(), dev: PinningRules.relaxed() },
 * });
 */
export class VersionPinning extends Construct {
  private readonly fleet: Fleet;
  private readonly props: VersionPinningProps;
  private readonly waivers: PinningWaiver[] = [];

  public constructor(scope: Construct, id: string, props: VersionPinningProps) {
    super(scope, id);
    this.fleet = Fleet.of(this);
    this.props = props;
    const errors: string[] = [];
    const label = props.environmentLabel ?? 'environment';
    errors.push(...qualifiedNameErrors(label).map(e => `'environmentLabel' (${show(label)}) is not a valid label key: ${e}`));
    if (!props.environments || Object.keys(props.environments).length === 0) errors.push("'environments' must name at least one environment");
    for (const [env, rules] of Object.entries(props.environments ?? {})) {
      if (!(rules instanceof PinningRules)) errors.push(`'environments' entry '${env}' must be a PinningRules (PinningRules.strict(), .relaxed(), .of())`);
    }
    for (const h of props.helmImageValues ?? []) {
      if (!h.chart) errors.push(`'helmImageValues' entry has no 'chart' (${show(h.chart)})`);
      for (const [prop, path] of [['tagPath', h.tagPath], ['repositoryPath', h.repositoryPath], ['digestPath', h.digestPath]] as const) {
        if (path !== undefined && !/^[^.\s]+(\.[^.\s]+)*$/.test(path)) errors.push(`'helmImageValues' '${prop}' (${show(path)}) must be a dotted path such as 'image.tag'`);
      }
    }
    const existing = this.fleet.node.findAll().filter(c => c instanceof VersionPinning && c !== this);
    if (existing.length) errors.push(`the fleet already has a VersionPinning at '${existing[0].node.path}'; a fleet has one pinning policy`);
    throwIfInvalid(this, 'VersionPinning', errors);
    for (const w of props.waivers ?? []) this.addWaiver(w);
    const annotation = Lazy.any({ produce: () => JSON.stringify(this.spec()) }) as any;
    this.fleet.bootstrap.apiObject.metadata.addAnnotation(VERSION_PINNING_ANNOTATION, annotation);
  }

  /** Adds a reviewed exception: `value` may stay unpinned on the matching clusters and Applications. */
  public addWaiver(waiver: PinningWaiver): void {
    const errors: string[] = [];
    if (!waiver.value) errors.push(`waiver 'value' (${show(waiver.value)}) is required: the image, revision or chart version exactly as written`);
    if (!waiver.reason || !waiver.reason.trim()) errors.push(`waiver 'reason' (${show(waiver.reason)}) must say why the value may stay unpinned`);
    throwIfInvalid(this, 'VersionPinning waiver', errors);
    this.waivers.push({ value: waiver.value, reason: waiver.reason, cluster: waiver.cluster ?? '*', application: waiver.application ?? '*' });
  }

  private spec(): PinningPolicySpec {
    const environments: PinningPolicySpec['environments'] = {};
    for (const env of Object.keys(this.props.environments).sort()) environments[env] = this.props.environments[env]._spec;
    return {
      environmentLabel: this.props.environmentLabel ?? 'environment',
      environments,
      otherClusters: this.props.otherClusters?._spec,
      helmImageValues: (this.props.helmImageValues ?? [])
        .map(h => ({ chart: h.chart, tagPath: h.tagPath, repositoryPath: h.repositoryPath, digestPath: h.digestPath })),
      waivers: this.waivers.map(w => ({ value: w.value, reason: w.reason, cluster: w.cluster!, application: w.application! })),
    };
  }
}
