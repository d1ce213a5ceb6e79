import type { DeliveryStrategy } from './delivery-strategy';
import type { WorkloadSettings } from './workload-settings';
import type { IgnoreDifference } from '../argocd/application';
import { show } from '../private/errors';
import { groupOf } from '../private/kinds';
import { rolloutRenderModule } from '../private/lazy';
import { WorkloadScaleDown } from '../rollouts/rollout';

// A workload's delivery strategy and autoscaling, applied to one variant's rendered objects.

/** What applying the delivery to a variant yields besides the objects (changed in place). */
export interface DeliveryResult {
  readonly ignoreDifferences: IgnoreDifference[];
  readonly syncOptions: string[];
  readonly errors: string[];
}

const HPA = (o: any) => o?.kind === 'HorizontalPodAutoscaler' && String(o.apiVersion).startsWith('autoscaling/');

/**
 * Turns the variant's Deployment into a Rollout (when the settings ask for one), and makes every object a
 * HorizontalPodAutoscaler scales leave its replica count to the autoscaler: no `spec.replicas` in the tree, an
 * `ignoreDifferences` on `/spec/replicas`, and `autoscaling` settings as the HPA's bounds. `objects` is changed in
 * place.
 */
export function applyDelivery(objects: any[], settings: WorkloadSettings, namespace: string): DeliveryResult {
  const ignoreDifferences: IgnoreDifference[] = [];
  const syncOptions: string[] = [];
  const errors: string[] = [];
  const delivery: DeliveryStrategy | undefined = settings.delivery;
  if (delivery && delivery.kind !== 'deployment') {
    errors.push(...toRollout(objects, delivery, namespace, ignoreDifferences, syncOptions));
  }
  errors.push(...autoscaled(objects, settings, ignoreDifferences));
  return { ignoreDifferences, syncOptions, errors };
}

function toRollout(
  objects: any[], delivery: DeliveryStrategy, namespace: string, ignoreDifferences: IgnoreDifference[], syncOptions: string[],
): string[] {
  const wanted = delivery._options.deployment;
  const deployments = objects.filter(o => o?.kind === 'Deployment' && o.apiVersion === 'apps/v1' && (wanted === undefined || o.metadata?.name === wanted));
  if (deployments.length !== 1) {
    return [wanted !== undefined
      ? `delivery: the workload renders no Deployment named ${show(wanted)}`
      : `delivery: a Rollout delivers one Deployment, and the workload renders ${deployments.length}; name it with 'deployment'`];
  }
  const d = deployments[0];
  const name = String(d.metadata?.name);
  const podLabels: Record<string, string> = { ...d.spec?.selector?.matchLabels };
  const templateLabels: Record<string, string> = d.spec?.template?.metadata?.labels ?? {};
  const existingService = objects.find(o => o?.kind === 'Service' && o.apiVersion === 'v1' && Object.keys(o.spec?.selector ?? {}).length > 0
    && Object.entries(o.spec.selector).every(([k, v]) => templateLabels[k] === v));
  const ports = (d.spec?.template?.spec?.containers ?? []).flatMap((c: any) => c.ports ?? []);
  const hpas = objects.filter(o => HPA(o) && o.spec?.scaleTargetRef?.kind === 'Deployment' && o.spec.scaleTargetRef.name === name);
  const workloadRef = delivery.kind === 'workloadRef';
  const scaleDown = delivery._options.scaleDown ?? WorkloadScaleDown.ON_SUCCESS;
  const out = rolloutRenderModule().renderDelivery({
    name,
    namespace: d.metadata?.namespace ?? namespace,
    labels: d.metadata?.labels,
    annotations: d.metadata?.annotations,
    strategy: delivery._strategy!,
    podLabels,
    selector: d.spec?.selector,
    template: workloadRef ? undefined : d.spec?.template,
    workloadRef: workloadRef ? { apiVersion: 'apps/v1', kind: 'Deployment', name, scaleDown } : undefined,
    replicas: hpas.length ? undefined : d.spec?.replicas,
    minReadySeconds: d.spec?.minReadySeconds,
    progressDeadlineSeconds: d.spec?.progressDeadlineSeconds,
    progressDeadlineAbort: delivery._options.progressDeadlineAbort,
    revisionHistoryLimit: d.spec?.revisionHistoryLimit,
    servicePorts: ports.length ? [{ name: ports[0].name ?? 'http', port: ports[0].containerPort, targetPort: ports[0].containerPort }] : [],
    existingService,
  });
  const errors = out.problems.map(p => `delivery: ${p}`);
  const index = objects.indexOf(d);
  if (workloadRef) {
    objects.splice(index + 1, 0, out.rollout);
    // The controller scales the Deployment down; Argo CD must not scale it back up.
    if (scaleDown !== WorkloadScaleDown.NEVER) ignoreDifferences.push({ group: 'apps', kind: 'Deployment', name, jsonPointers: ['/spec/replicas'] });
  } else {
    objects.splice(index, 1, out.rollout);
  }
  for (const hpa of hpas) hpa.spec.scaleTargetRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name };
  const taken = new Set(objects.map(o => `${o?.kind}/${o?.metadata?.name}`));
  for (const o of out.objects) {
    const key = `${o.kind}/${o.metadata?.name}`;
    if (taken.has(key)) {
      errors.push(`delivery: the ${key} the strategy needs is also defined by the workload; remove it from the definition or reference it (existing Ingresses and VirtualServices)`);
      continue;
    }
    taken.add(key);
    objects.push(o);
  }
  ignoreDifferences.push(...out.ignoreDifferences);
  syncOptions.push(...out.syncOptions);
  return errors;
}

/** Objects scaled by an HPA: replicas left to the autoscaler, and the HPA's bounds from `autoscaling`. */
function autoscaled(objects: any[], settings: WorkloadSettings, ignoreDifferences: IgnoreDifference[]): string[] {
  const errors: string[] = [];
  const hpas = objects.filter(HPA);
  const a = settings.autoscaling;
  if (a && hpas.length === 0) errors.push("'autoscaling' is set, but the workload renders no HorizontalPodAutoscaler");
  for (const hpa of hpas) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const target = objects.find(o => o?.kind === ref.kind && o?.metadata?.name === ref.name && o !== hpa);
    if (target) {
      if (settings.replicas !== undefined && ['Deployment', 'StatefulSet', 'ReplicaSet', 'Rollout'].includes(ref.kind)) {
        errors.push(`'replicas' (${settings.replicas}) is set for ${ref.kind} '${ref.name}', which HorizontalPodAutoscaler '${hpa.metadata?.name}' scales: set 'autoscaling: { minReplicas, maxReplicas }' instead, so that Argo CD does not fight the autoscaler`);
      }
      if (target.spec) delete target.spec.replicas;
      ignoreDifferences.push({ group: groupOf(String(target.apiVersion)) || undefined, kind: ref.kind, name: ref.name, jsonPointers: ['/spec/replicas'] });
    }
    if (a) {
      if (a.minReplicas !== undefined) hpa.spec.minReplicas = a.minReplicas;
      if (a.maxReplicas !== undefined) hpa.spec.maxReplicas = a.maxReplicas;
      if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) {
        errors.push(`'autoscaling': minReplicas (${hpa.spec.minReplicas}) is more than maxReplicas (${hpa.spec.maxReplicas}) of HorizontalPodAutoscaler '${hpa.metadata?.name}'`);
      }
    }
  }
  return errors;
}
