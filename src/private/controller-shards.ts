import { processObjectModule } from './lazy';
import { ShardAssignment, assignShards } from './shard-balancing';
import { compareCodeUnits } from './util';
import type { Fleet } from '../fleet/fleet';
import type { FleetPlan } from '../gitops/fleet-plan';
import type { ProcessOptions } from '../gitops/process-object';
import type { RenderedFile } from '../gitops/render';

/**
 * `Fleet.balanceControllerShards` at synth: the Applications per cluster come from the plan (every
 * Application file and every ApplicationSet expanded offline), so the shards are chosen after rendering and
 * written into the rendered cluster Secrets (`stringData.shard`, or the ExternalSecret template's
 * `data.shard`), each processed again like any object (schema, secret scan, YAML). A shard does not change
 * any ApplicationSet's expansion (Argo CD's cluster generator does not expose it), so the plan stays valid.
 */
export function writeControllerShards(
  fleet: Fleet, files: RenderedFile[], plan: FleetPlan, options: ProcessOptions,
): { assignment: ShardAssignment; errors: string[] } {
  const sharding = fleet.controllerSharding!;
  const applications = new Map(plan.clusters.map(c => [c.name, c.applications.length]));
  // A cluster without Applications still costs its shard a cluster cache (watches on every resource type): it
  // weighs one Application, so that the clusters of a fleet without Applications yet are spread evenly too.
  const candidates = fleet.clusters.map(c => ({
    name: c.clusterName,
    weight: Math.max(1, applications.get(c.clusterName) ?? 0),
    explicitShard: c.shard,
  }));
  const assignment = assignShards(candidates, sharding.replicas, sharding.tolerance ?? 0.1);
  // The cluster Secrets (or ExternalSecrets) in the fleet's clusters directory, by object name.
  const fileIndex = new Map<string, number>();
  const directory = `${fleet.argocdDirectory}/clusters/`;
  files.forEach((f, i) => {
    if (f.path.startsWith(directory) && (f.object?.kind === 'Secret' || f.object?.kind === 'ExternalSecret')) fileIndex.set(f.object.metadata?.name, i);
  });
  const errors: string[] = [];
  for (const cluster of fleet.clusters) {
    if (assignment.explicit.has(cluster.clusterName)) continue;
    const i = fileIndex.get(`cluster-${cluster.clusterName}`);
    if (i === undefined) {
      errors.push(`[${cluster.node.path}] the cluster Secret was not rendered, so its controller shard cannot be written`);
      continue;
    }
    const object = structuredClone(files[i].object);
    const shard = String(assignment.shards.get(cluster.clusterName));
    if (object.kind === 'Secret') {
      object.stringData = { ...object.stringData, shard };
    } else {
      const template = object.spec.target.template;
      const data: Record<string, string> = { ...template.data, shard };
      // By code unit, as the template's data is written (the same order as a shard set on the cluster).
      template.data = Object.fromEntries(Object.keys(data).sort((a, b) => compareCodeUnits(a, b)).map(k => [k, data[k]]));
    }
    const processed = processObjectModule().processObject(object, files[i].placement.role, options);
    errors.push(...processed.problems.map(p => `[${cluster.apiObject.node.path}] ${p}`));
    files[i] = { ...files[i], object, content: processed.content, hash: processed.hash };
  }
  return { assignment, errors };
}
