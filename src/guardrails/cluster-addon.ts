import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { kyvernoPolicyErrors, validatingAdmissionPolicyErrors } from './admission-policy-checks';
import { GUARDRAIL_LABEL, GUARDRAIL_MODE_LABEL } from './drift-guard-policies';
import type { IAppProject } from '../argocd/app-project';
import { Application } from '../argocd/application';
import { ApplicationSource } from '../argocd/application-source';
import { SyncAnnotations } from '../argocd/sync-annotations';
import { SyncOption, SyncPolicy } from '../argocd/sync-policy';
import { Cluster, ICluster } from '../fleet/cluster';

/** How a guardrail is deployed to one cluster. */
export interface ClusterAddonOptions {
  /** The guardrail's name: the directory `clusters/<cluster>/<name>/` and the Application `<name>-<cluster>`. */
  readonly name: string;
  /** `drift-guard` or `quota-policy`: the value of the `fleet.cdk8s.io/guardrail` label. */
  readonly guardrail: string;
  readonly enforce: boolean;
  readonly project: IAppProject;
  readonly syncWave: number;
  /** The objects, each with the sync wave it needs inside the Application (e.g. a policy before its binding). */
  readonly objects: { id: string; object: any; wave?: number }[];
}

/**
 * Deploys a guardrail to a cluster like any platform add-on: its objects rendered into the cluster's directory
 * and an Application of the platform project, automated with prune and self-heal, in the given sync wave of the
 * root App-of-Apps. `SkipDryRunOnMissingResource` lets the Application sync as soon as the policy engine's CRDs
 * exist (the engine may be installed by a sibling Application of an earlier wave), and retries until they do.
 */
export function deployToCluster(scope: Construct, cluster: ICluster, options: ClusterAddonOptions): Application {
  if (!Cluster.isCluster(cluster)) throw new Error(`[${scope.node.path}] cluster '${cluster.clusterName}' is not a registered Cluster (fleet.addCluster())`);
  const manifests = cluster.addManifests(options.name, {
    labels: { [GUARDRAIL_LABEL]: options.guardrail, [GUARDRAIL_MODE_LABEL]: options.enforce ? 'enforce' : 'audit' },
  });
  for (const o of options.objects) {
    const obj = new ApiObject(manifests, o.id, o.object);
    if (o.wave !== undefined) SyncAnnotations.setWave(obj, o.wave);
  }
  const app = new Application(scope, `${options.name}-${cluster.clusterName}`, {
    applicationName: `${options.name}-${cluster.clusterName}`,
    project: options.project,
    destination: cluster,
    destinationNamespace: 'default',
    source: ApplicationSource.manifests(manifests),
    labels: { [GUARDRAIL_LABEL]: options.guardrail },
    syncPolicy: SyncPolicy.automated({
      prune: true,
      selfHeal: true,
      syncOptions: [SyncOption.SKIP_DRY_RUN_ON_MISSING_RESOURCE],
      retry: { limit: 20 },
    }),
  });
  SyncAnnotations.setWave(app, options.syncWave);
  // What Kyverno's policy validation or the API server would refuse fails synth.
  scope.node.addValidation({
    validate: () => {
      const objects = options.objects.map(o => o.object);
      const kyverno = objects.filter(o => String(o.apiVersion).startsWith('kyverno.io/')).flatMap(kyvernoPolicyErrors);
      const vap = validatingAdmissionPolicyErrors(objects.filter(o => String(o.kind).startsWith('ValidatingAdmissionPolicy')));
      return [...kyverno, ...vap].map(e => `cluster '${cluster.clusterName}': ${e}`);
    },
  });
  return app;
}
