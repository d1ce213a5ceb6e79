import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { ICluster } from './cluster';
import { show, throwIfInvalid } from '../private/errors';
import { dns1123LabelErrors, labelMapErrors } from '../private/names';
import { definePlacement } from '../private/placement';
import { minOf } from '../private/util';

/** Options for `Cluster.addManifests()`. */
export interface ClusterManifestsOptions {
  /**
   * The namespace given to namespaced objects that do not set one.
   * @default - none: objects without a namespace are applied to the Application's destination namespace
   */
  readonly namespace?: string;
  /**
   * Labels added to every object.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** Props for `ClusterManifests`. */
export interface ClusterManifestsProps extends ClusterManifestsOptions {
  /** The cluster the manifests are for. */
  readonly cluster: ICluster;
  /**
   * The application the manifests belong to (a DNS-1123 label; the directory name).
   * @default - the construct id
   */
  readonly applicationName?: string;
}

/**
 * The rendered Kubernetes manifests of one application on one cluster: a cdk8s Chart whose API objects
 * (cdk8s-plus constructs, imported L1s, Helm or Include) are written one per file to
 * `clusters/<cluster>/<application>/`. Point an Application at it with `ApplicationSource.manifests()`.
 *
 * @example
 * const web = cluster.addManifests('web', { namespace: 'web' });
 * new kplus.Deployment(web, 'Deployment', { containers: [{ image: 'nginx:1.27' }] });
 */
export class ClusterManifests extends Chart {
  /** Whether `x` is a ClusterManifests (works across copies of the library). */
  public static isClusterManifests(x: any): x is ClusterManifests {
    return x !== null && typeof x === 'object' && MANIFESTS_SYMBOL in x;
  }

  /** The cluster the manifests are for. */
  public readonly cluster: ICluster;
  /** The application name (the directory name). */
  public readonly applicationName: string;
  /** The directory in the GitOps tree, e.g. `clusters/prod-eu-1/web`. */
  public readonly directory: string;

  public constructor(scope: Construct, id: string, props: ClusterManifestsProps) {
    super(scope, id, { namespace: props.namespace, labels: props.labels, disableResourceNameHashes: true });
    Object.defineProperty(this, MANIFESTS_SYMBOL, { value: true });
    this.cluster = props.cluster;
    this.applicationName = props.applicationName ?? id;
    const errors = [
      ...dns1123LabelErrors(this.applicationName).map(e => `'applicationName' (${show(this.applicationName)}) is not a valid DNS-1123 label: ${e}`),
      ...labelMapErrors('labels', props.labels),
    ];
    if (props.namespace !== undefined) {
      errors.push(...dns1123LabelErrors(props.namespace).map(e => `'namespace' (${show(props.namespace)}) is not a valid namespace name: ${e}`));
    }
    throwIfInvalid(this, 'ClusterManifests', errors);
    this.directory = `clusters/${this.cluster.clusterName}/${this.applicationName}`;
    definePlacement(this, () => ({
      directory: this.directory,
      role: 'workload',
      defaultNamespace: props.namespace,
      cluster: this.cluster.clusterName,
      application: this.applicationName,
    }));
  }

  /**
   * @internal Gives Namespaces and CustomResourceDefinitions without a sync wave one that is lower than every
   * other object's here, so that they exist before whatever uses them (CRDs one wave before Namespaces).
   */
  public _applyDefaultWaves(): void {
    const objects = this.node.findAll().filter(ApiObject.isApiObject);
    const isFoundation = (o: ApiObject) => (o.apiVersion === 'v1' && o.kind === 'Namespace')
      || (o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition');
    const foundations = objects.filter(isFoundation);
    if (foundations.length === 0) return;
    const waveOf = (o: ApiObject): number | undefined => {
      const value = o.metadata.toJson()?.annotations?.[WAVE];
      return value === undefined ? undefined : Number(value);
    };
    const others = objects.filter(o => !isFoundation(o)).map(waveOf).map(w => w ?? 0);
    const lowest = minOf(0, others.filter(w => Number.isFinite(w)));
    for (const o of foundations) {
      if (waveOf(o) !== undefined) continue;
      const wave = lowest - (o.kind === 'Namespace' ? 1 : 2);
      o.metadata.addAnnotation(WAVE, String(wave));
    }
  }
}

const WAVE = 'argocd.argoproj.io/sync-wave';

const MANIFESTS_SYMBOL = Symbol.for('cdk8s-fleet.ClusterManifests');
