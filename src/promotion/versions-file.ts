import { Construct } from 'constructs';
import { parseVersions, promotionAllowed } from './versions-parse';
import type { ICluster } from '../fleet/cluster';
import { Fleet } from '../fleet/fleet';
import { show, throwIfInvalid } from '../private/errors';
import { InputError, readTextFile } from '../private/yaml-input';

/** Props for `VersionsFile`. */
export interface VersionsFileProps {
  /**
   * The versions file in the fleet repository (YAML). Give `path` or `content`.
   * @default - `content` is used
   */
  readonly path?: string;
  /**
   * The file's text, for tests.
   * @default - read from `path`
   */
  readonly content?: string;
}

/** A reviewable exception to the promotion guard. */
export interface PinOverride {
  /** The application. */
  readonly application: string;
  /** The environment. */
  readonly environment: string;
  /** The version that may be pinned there without running upstream first. */
  readonly version: string;
  /**
   * Only this cluster of the environment may run the version (set by a per-cluster `imageTag` setting of a
   * Workload, or a patch). An exception for one cluster never lets the versions file pin the version.
   * @default - the whole environment: the versions file may pin it, and any cluster of the environment run it
   */
  readonly cluster?: string;
  /**
   * Why (an incident, a hotfix ticket …). A Workload writes it, with the version, to the annotation
   * `fleet.cdk8s.io/allowed-pin` of every object that runs the version thanks to this exception, so the
   * rendered diff of the PR shows it.
   */
  readonly reason: string;
}

/**
 * The versions every application runs in every environment, read from a YAML file in the fleet repository,
 * one line per application per environment. Environments are named stages, defined by a cluster label and
 * ordered for promotion (e.g. dev → staging → production):
 *
 * ```yaml
 * environments: [dev, staging, production]   # promotion order
 * environmentLabel: environment               # the cluster label that names a cluster's environment
 * versions:
 *   api:
 *     dev: 1.9.0
 *     staging: 1.9.0
 *     production: 1.8.2   # promote with: npx cdk8s-fleet promote api --from staging --to production
 * ```
 *
 * The promotion guard runs at synth: an environment may run a version only if the nearest upstream environment
 * that pins the application runs the same version, or (both being semantic versions) a newer one, so a release
 * cannot skip a stage. `allowPin()` declares a reviewed exception.
 */
export class VersionsFile extends Construct {
  /** The environments in promotion order. */
  public readonly environments: string[];
  /** The cluster label whose value is a cluster's environment. */
  public readonly environmentLabel: string;
  /** Where the file was read from, if from a file. */
  public readonly path?: string;
  private readonly pins: Map<string, Map<string, string>>;
  private readonly overrides: PinOverride[] = [];

  public constructor(scope: Construct, id: string, props: VersionsFileProps) {
    super(scope, id);
    this.path = props.path;
    const where = props.path ?? 'content';
    if ((props.path === undefined) === (props.content === undefined)) {
      throwIfInvalid(this, 'VersionsFile', ["give 'path' or 'content', not both and not neither"]);
    }
    let text = props.content ?? '';
    if (props.content === undefined) {
      try {
        text = readTextFile(props.path!, { what: 'versions file' });
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        throwIfInvalid(this, 'VersionsFile', [`'path' (${show(props.path)}) cannot be read: ${e.message}`]);
      }
    }
    const parsed = parseVersions(text, where);
    throwIfInvalid(this, 'VersionsFile', parsed.errors);
    this.environments = parsed.environments;
    this.environmentLabel = parsed.environmentLabel;
    this.pins = parsed.pins;
    this.node.addValidation({ validate: () => this.guardErrors() });
  }

  /** The applications the file pins. */
  public get applications(): string[] {
    return [...this.pins.keys()];
  }

  /** Whether `application` is pinned in `environment`. */
  public hasVersion(application: string, environment: string): boolean {
    return this.pins.get(application)?.has(environment) ?? false;
  }

  /** The version of `application` in `environment`; throws naming the file when it is not pinned. */
  public version(application: string, environment: string): string {
    const v = this.pins.get(application)?.get(environment);
    if (v === undefined) {
      throw new Error(`[${this.node.path}] ${this.path ?? 'the versions file'} pins no version of '${application}' for environment '${environment}'; add \`versions.${application}.${environment}\``);
    }
    return v;
  }

  /** The environment a cluster belongs to (its `environmentLabel`), if it is one of `environments`. */
  public environmentOf(cluster: ICluster): string | undefined {
    const env = cluster.labels[this.environmentLabel];
    return env !== undefined && this.environments.includes(env) ? env : undefined;
  }

  /** The environment before `environment` in the promotion order, if any. */
  public upstreamOf(environment: string): string | undefined {
    const i = this.environments.indexOf(environment);
    return i > 0 ? this.environments[i - 1] : undefined;
  }

  /** Lets `version` be pinned to an environment although its upstream does not run it (a reviewed exception). */
  public allowPin(override: PinOverride): void {
    const errors: string[] = [];
    if (!this.environments.includes(override.environment)) errors.push(`allowPin 'environment' (${show(override.environment)}) is not one of ${show(this.environments)}`);
    if (override.cluster !== undefined && (typeof override.cluster !== 'string' || override.cluster === '')) {
      errors.push(`allowPin 'cluster' (${show(override.cluster)}) must name a cluster`);
    }
    if (!override.reason?.trim()) errors.push(`allowPin 'reason' (${show(override.reason)}) must say why the promotion guard may be bypassed`);
    throwIfInvalid(this, 'VersionsFile', errors);
    this.overrides.push({ ...override });
  }

  /** @internal The overrides declared, for the plan. */
  public _overrides(): PinOverride[] {
    return [...this.overrides];
  }

  /**
   * @internal The nearest environment upstream of `environment` that pins `application`, and its version: what
   * the promotion guard compares a version of `environment` with. Undefined for the first environment.
   */
  public _upstreamPin(application: string, environment: string): { environment: string; version: string } | undefined {
    const byEnv = this.pins.get(application);
    const i = this.environments.indexOf(environment);
    if (!byEnv || i < 0) return undefined;
    const upstream = this.environments.slice(0, i).reverse().find(u => byEnv.has(u));
    return upstream === undefined ? undefined : { environment: upstream, version: byEnv.get(upstream)! };
  }

  /**
   * @internal The reviewed exception (`allowPin`) that lets `version` of `application` run in `environment`: one
   * for the whole environment, or (with `cluster`) one for that cluster.
   */
  public _allowedPin(application: string, environment: string, version: string, cluster?: string): PinOverride | undefined {
    return this.overrides.find(o => o.application === application && o.environment === environment && o.version === version
      && (o.cluster === undefined || o.cluster === cluster));
  }

  private guardErrors(): string[] {
    const errors: string[] = [];
    const fleet = this.node.scopes.find(Fleet.isFleet);
    for (const o of this.overrides) {
      if (o.cluster !== undefined && fleet && !fleet.findCluster(o.cluster)) {
        errors.push(`allowPin for '${o.application}' ${o.version} names cluster ${show(o.cluster)}, which is not registered in fleet '${fleet.fleetName}'`);
      }
    }
    for (const [app, byEnv] of this.pins) {
      for (const env of this.environments) {
        const version = byEnv.get(env);
        if (version === undefined) continue;
        const upstream = this._upstreamPin(app, env);
        if (upstream === undefined || promotionAllowed(version, upstream.version)) continue;
        if (this._allowedPin(app, env, version)) continue;
        errors.push(`promotion guard: '${app}' pins ${version} in ${env}, but ${upstream.environment} (upstream) runs ${upstream.version}. `
          + `Promote through ${upstream.environment} first (cdk8s-fleet promote ${app} --from ${upstream.environment} --to ${env}), or declare allowPin({ application: '${app}', environment: '${env}', version: '${version}', reason })`);
      }
    }
    return errors;
  }
}
