import type { PatchContext, WorkloadSettings } from './workload-settings';
import { show } from '../private/errors';
import { objectFileName } from '../private/placement';
import { minOf, sortedMap } from '../private/util';
import { imageReference, imageVersionErrors, normalizedRepository } from '../promotion/image-reference';

// Typed overrides applied to rendered plain objects (what makes rendering a variant cheap).

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** Merges settings: later ones win field by field; maps (`env`, `configData`) merge; patches add up. */
export function mergeSettings(list: WorkloadSettings[]): WorkloadSettings {
  let out: any = {};
  for (const s of list) {
    out = {
      ...out,
      ...definedOnly(s),
      resources: s.resources ? { ...out.resources, ...definedOnly(s.resources) } : out.resources,
      env: s.env ? { ...out.env, ...s.env } : out.env,
      configData: s.configData ? { ...out.configData, ...s.configData } : out.configData,
      quota: s.quota ? { ...out.quota, ...definedOnly(s.quota) } : out.quota,
      limitRange: s.limitRange ? { ...out.limitRange, ...definedOnly(s.limitRange) } : out.limitRange,
      autoscaling: s.autoscaling ? { ...out.autoscaling, ...definedOnly(s.autoscaling) } : out.autoscaling,
      patches: [...out.patches ?? [], ...s.patches ?? []],
    };
  }
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Applies settings to rendered objects in place. `imageRepository` is the image whose tag `imageTag` sets. */
export function applySettings(objects: any[], s: WorkloadSettings, imageRepository: string | undefined, context: PatchContext): void {
  for (const o of objects) {
    if (s.replicas !== undefined && WORKLOAD_KINDS.has(o.kind) && o.spec) o.spec.replicas = s.replicas;
    if (s.configData && o.kind === 'ConfigMap' && o.apiVersion === 'v1') o.data = sortedMap({ ...o.data, ...s.configData });
    for (const c of containersOf(o)) {
      if (s.imageTag !== undefined && imageRepository && typeof c.image === 'string' && normalizedRepository(c.image) === normalizedRepository(imageRepository)) {
        c.image = imageReference(imageRepository, s.imageTag);
      }
      if (s.container !== undefined && c.name !== s.container) continue;
      if (s.resources) {
        const r = s.resources;
        const resources = c.resources ?? {};
        const pick = (cpu?: string, memory?: string) => ({ ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) });
        const requests = { ...resources.requests, ...pick(r.cpuRequest, r.memoryRequest) };
        const limits = { ...resources.limits, ...pick(r.cpuLimit, r.memoryLimit) };
        c.resources = {
          ...resources,
          ...(Object.keys(requests).length ? { requests: sortedMap(requests) } : {}),
          ...(Object.keys(limits).length ? { limits: sortedMap(limits) } : {}),
        };
      }
      if (s.env) {
        const env: any[] = [...c.env ?? []];
        for (const [name, value] of Object.entries(s.env)) {
          const i = env.findIndex(e => e.name === name);
          if (i >= 0) env[i] = { name, value };
          else env.push({ name, value });
        }
        c.env = env;
      }
    }
  }
  for (const p of s.patches ?? []) for (const o of objects) p.patch(o, context);
}

/** The ResourceQuota and LimitRange objects the settings ask for, in `namespace`. */
export function guardRailObjects(s: WorkloadSettings, namespace: string, applicationName: string): any[] {
  const out: any[] = [];
  const q = s.quota;
  if (q && Object.values(q).some(v => v !== undefined)) {
    const hard: Record<string, string> = {};
    if (q.requestsCpu) hard['requests.cpu'] = q.requestsCpu;
    if (q.requestsMemory) hard['requests.memory'] = q.requestsMemory;
    if (q.limitsCpu) hard['limits.cpu'] = q.limitsCpu;
    if (q.limitsMemory) hard['limits.memory'] = q.limitsMemory;
    if (q.pods !== undefined) hard.pods = String(q.pods);
    if (q.services !== undefined) hard.services = String(q.services);
    if (q.persistentVolumeClaims !== undefined) hard.persistentvolumeclaims = String(q.persistentVolumeClaims);
    out.push({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: applicationName, namespace }, spec: { hard: sortedMap(hard) } });
  }
  const l = s.limitRange;
  if (l && Object.values(l).some(v => v !== undefined)) {
    const item: any = { type: 'Container' };
    const pick = (cpu?: string, memory?: string) => {
      const r: any = {};
      if (cpu) r.cpu = cpu;
      if (memory) r.memory = memory;
      return Object.keys(r).length ? r : undefined;
    };
    const def = pick(l.defaultCpuLimit, l.defaultMemoryLimit);
    const defReq = pick(l.defaultCpuRequest, l.defaultMemoryRequest);
    const max = pick(l.maxCpu, l.maxMemory);
    if (def) item.default = def;
    if (defReq) item.defaultRequest = defReq;
    if (max) item.max = max;
    out.push({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: applicationName, namespace }, spec: { limits: [item] } });
  }
  return out;
}

/** Errors in settings, each naming the prop and the value. */
export function settingsErrors(s: WorkloadSettings | undefined, where: string): string[] {
  if (!s) return [];
  const errors: string[] = [];
  const quantity = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
  const check = (name: string, v: string | undefined) => {
    if (v !== undefined && !quantity.test(v)) errors.push(`'${where}.${name}' (${JSON.stringify(v)}) is not a Kubernetes quantity (e.g. 250m, 512Mi)`);
  };
  if (s.replicas !== undefined && (!Number.isInteger(s.replicas) || s.replicas < 0)) errors.push(`'${where}.replicas' (${show(s.replicas)}) must be a non-negative integer`);
  for (const k of ['pods', 'services', 'persistentVolumeClaims'] as const) {
    const v = s.quota?.[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) errors.push(`'${where}.quota.${k}' (${show(v)}) must be a non-negative integer`);
  }
  for (const [k, v] of Object.entries(s.resources ?? {})) check(`resources.${k}`, v);
  for (const [k, v] of Object.entries(s.quota ?? {})) if (typeof v === 'string') check(`quota.${k}`, v);
  for (const [k, v] of Object.entries(s.limitRange ?? {})) check(`limitRange.${k}`, v);
  if (s.imageTag !== undefined) for (const m of imageVersionErrors(s.imageTag)) errors.push(`'${where}.imageTag' (${show(s.imageTag)}) ${m}`);
  for (const k of Object.keys(s.env ?? {})) if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(k)) errors.push(`'${where}.env' key ${JSON.stringify(k)} is not a valid environment variable name`);
  for (const [k, v] of Object.entries(s.autoscaling ?? {})) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) errors.push(`'${where}.autoscaling.${k}' (${JSON.stringify(v)}) must be a positive integer`);
  }
  return errors;
}

/** Every container of a workload object (pod templates, pods, CronJob templates). */
export function containersOf(o: any): any[] {
  const specs = [o?.spec?.template?.spec, o?.spec?.jobTemplate?.spec?.template?.spec, o?.kind === 'Pod' ? o?.spec : undefined];
  return specs.filter(Boolean).flatMap((s: any) => [...s.containers ?? [], ...s.initContainers ?? []]);
}

/** The file name of an object in its directory: `<Kind>.<name>.yaml`, or `<Kind>.<namespace>.<name>.yaml` elsewhere. */
export function fileNameOf(o: any, defaultNamespace: string): string {
  return objectFileName(String(o.kind), o.metadata?.namespace, String(o.metadata?.name), defaultNamespace);
}

const WAVE = 'argocd.argoproj.io/sync-wave';

/** Namespaces and CRDs without a wave go before everything else (as `ClusterManifests` does). */
export function applyDefaultWaves(objects: any[]): void {
  const isFoundation = (o: any) => (o.apiVersion === 'v1' && o.kind === 'Namespace') || (o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition');
  const waveOf = (o: any) => (o.metadata?.annotations?.[WAVE] === undefined ? undefined : Number(o.metadata.annotations[WAVE]));
  const lowest = minOf(0, objects.filter(o => !isFoundation(o)).map(o => waveOf(o) ?? 0).filter(Number.isFinite));
  for (const o of objects.filter(isFoundation)) {
    if (waveOf(o) !== undefined) continue;
    o.metadata = { ...o.metadata, annotations: { ...o.metadata?.annotations, [WAVE]: String(lowest - (o.kind === 'Namespace' ? 1 : 2)) } };
  }
}

