/**
 * Workload secrets (`WorkloadProps.secrets`): resolved per cluster (store and remote keys), written as
 * ExternalSecrets into the cluster's variant, and wired into every pod template (env `secretKeyRef`, a secret
 * volume). Clusters whose resolved secrets are equal share a variant.
 */
import { show } from './errors';
import { formatProblem, inputErrors, renderExternalSecretSpec, webhookProblems } from './external-secret-spec';
import { dns1123LabelErrors, dns1123SubdomainErrors } from './names';
import { compareCodeUnits, ownValue, sortDeep } from './util';
import type { ICluster } from '../fleet/cluster';
import type { VersionsFile } from '../promotion/versions-file';
import type { ExternalSecretData } from '../secrets/external-secret-data';
import type { ISecretStore } from '../secrets/secret-store';
import type { WorkloadSecret } from '../workloads/workload-secret';

/** One workload secret as one cluster gets it. */
export interface ResolvedSecret {
  readonly secret: WorkloadSecret;
  readonly store: ISecretStore;
  readonly data: ExternalSecretData[];
}

const PLACEHOLDER = /\{([a-z]+)(?::([^{}]+))?\}/g;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Problems of the secrets as given (before any cluster): names, keys, wiring, placeholders. */
export function workloadSecretErrors(secrets: readonly WorkloadSecret[] | undefined): string[] {
  const errors: string[] = [];
  const names = new Set<string>();
  (secrets ?? []).forEach((s, i) => {
    const at = `'secrets[${i}]'`;
    errors.push(...dns1123SubdomainErrors(s.secretName).map(e => `${at} 'secretName' (${show(s.secretName)}) ${e}`));
    if (names.has(s.secretName)) errors.push(`${at} 'secretName' (${show(s.secretName)}) is given twice`);
    names.add(s.secretName);
    if (!s.data?.length) errors.push(`${at} needs at least one key in 'data'`);
    const keys = new Set<string>([...(s.data ?? []).map(d => d.secretKey), ...Object.keys(s.template?.data ?? {})]);
    for (const d of s.data ?? []) {
      for (const [prop, value] of [['remoteKey', d.remoteKey], ['property', d.property], ['version', d.version]] as Array<[string, string | undefined]>) {
        for (const m of String(value ?? '').matchAll(PLACEHOLDER)) {
          if (!['cluster', 'environment', 'region', 'label'].includes(m[1]) || (m[1] === 'label') !== (m[2] !== undefined)) {
            errors.push(`${at} key ${show(d.secretKey)} '${prop}' (${show(value)}) has an unknown placeholder ${m[0]}: use {cluster}, {environment}, {region} or {label:<key>}`);
          }
        }
      }
    }
    const template = s.template?.data ? Object.keys(s.template.data) : undefined;
    for (const [name, key] of Object.entries(s.env ?? {})) {
      if (!ENV_NAME.test(name)) errors.push(`${at} 'env' variable ${show(name)} is not a valid environment variable name`);
      if (!(template ?? [...keys]).includes(key)) errors.push(`${at} 'env' variable ${show(name)} reads key ${show(key)}, which the Secret does not have (${[...(template ?? keys)].join(', ')})`);
    }
    if (s.mountPath !== undefined && !s.mountPath.startsWith('/')) errors.push(`${at} 'mountPath' (${show(s.mountPath)}) must be an absolute path`);
    if (!Object.keys(s.env ?? {}).length && s.mountPath === undefined) {
      errors.push(`${at} is wired into no pod: give 'env' or 'mountPath'`);
    }
    for (const c of s.containers ?? []) errors.push(...dns1123LabelErrors(c).map(e => `${at} 'containers' entry ${show(c)} ${e}`));
    // Placeholders resolve per cluster; check the rest of the spec with them as they are.
    errors.push(...inputErrors({
      store: s.store ?? { storeName: 'default', storeKind: 'ClusterSecretStore' as any },
      targetName: s.secretName,
      template: s.template,
      data: (s.data ?? []).map(d => ({ ...d })),
      dataFrom: [],
    }).filter(e => !e.includes("'targetName'")).map(e => `${at} ${e}`));
  });
  return errors;
}

/** The secrets of one cluster, or the reasons they cannot be resolved. */
export function resolveSecrets(
  secrets: readonly WorkloadSecret[] | undefined, cluster: ICluster, versions: VersionsFile | undefined, defaultStore: ISecretStore | undefined,
): { resolved: ResolvedSecret[]; errors: string[] } {
  const resolved: ResolvedSecret[] = [];
  const errors: string[] = [];
  if (secrets === undefined || secrets.length === 0) return { resolved, errors };
  const environment = versions ? versions.environmentOf(cluster) : cluster.labels.environment;
  for (const s of secrets) {
    if (s.matches?.length && !s.matches.some(m => m._matches(cluster, versions))) continue;
    const override = [...s.storeOverrides ?? []]
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => o.match._matches(cluster, versions))
      .sort((a, b) => b.o.match._specificity - a.o.match._specificity || b.i - a.i)[0]?.o;
    const store = override?.store ?? s.store ?? defaultStore;
    if (!store) {
      errors.push(`secret '${s.secretName}' has no store for cluster '${cluster.clusterName}': give 'store', a matching 'storeOverrides' entry, or the Fleet's 'defaultSecretStore'`);
      continue;
    }
    const fill = (value: string | undefined, what: string): string | undefined => {
      if (value === undefined) return undefined;
      return value.replace(PLACEHOLDER, (_m, name: string, arg?: string) => {
        let v: string | undefined;
        if (name === 'cluster') v = cluster.clusterName;
        else if (name === 'environment') v = environment;
        else if (name === 'region') v = cluster.labels.region;
        else v = ownValue(cluster.labels, arg!);
        if (v === undefined || v === '') {
          errors.push(`secret '${s.secretName}' ${what} (${show(value)}) needs ${name === 'label' ? `label '${arg}'` : name === 'region' ? "the 'region' label" : name === 'environment' ? 'an environment' : name}, which cluster '${cluster.clusterName}' does not have`);
          return '';
        }
        return v;
      });
    };
    const data = s.data.map(d => ({
      secretKey: d.secretKey,
      remoteKey: fill(d.remoteKey, `key '${d.secretKey}' remoteKey`)!,
      property: fill(d.property, `key '${d.secretKey}' property`),
      version: fill(d.version, `key '${d.secretKey}' version`),
      decodingStrategy: d.decodingStrategy,
      conversionStrategy: d.conversionStrategy,
    }));
    resolved.push({ secret: s, store, data });
  }
  return { resolved, errors };
}

/** A key that is equal for clusters whose secrets render the same objects. */
export function secretsSignature(resolved: readonly ResolvedSecret[]): string {
  return JSON.stringify(resolved.map(r => [r.secret.secretName, r.store.storeKind, r.store.storeName, r.data]));
}

/** Adds the ExternalSecrets to a variant's objects and wires them into its pods. Returns the problems. */
export function applySecrets(objects: any[], resolved: readonly ResolvedSecret[], namespace: string): string[] {
  const errors: string[] = [];
  for (const r of resolved) {
    const s = r.secret;
    const spec = renderExternalSecretSpec({
      store: r.store, targetName: s.secretName, refreshInterval: s.refreshInterval, template: s.template, data: r.data, dataFrom: [],
    });
    errors.push(...webhookProblems(spec).map(p => `secret '${s.secretName}': ${formatProblem(p)}`));
    const clash = objects.find(o => o.kind === 'ExternalSecret' && o.metadata?.name === s.secretName);
    if (clash) errors.push(`secret '${s.secretName}': the definition already renders an ExternalSecret of that name`);
    objects.push(sortDeep({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: s.secretName, namespace }, spec }));
    let wired = 0;
    for (const pod of podSpecsOf(objects)) {
      const containers = [...pod.containers ?? [], ...pod.initContainers ?? []]
        .filter((c: any) => !s.containers?.length || s.containers.includes(c.name));
      if (!containers.length) continue;
      wired++;
      const volume = volumeName(s.secretName);
      if (s.mountPath !== undefined) {
        pod.volumes = [...(pod.volumes ?? []).filter((v: any) => v.name !== volume), { name: volume, secret: { secretName: s.secretName } }];
      }
      for (const c of containers) {
        for (const [name, key] of Object.entries(s.env ?? {}).sort(([a], [b]) => compareCodeUnits(a, b))) {
          const env: any[] = [...c.env ?? []].filter(e => e.name !== name);
          env.push({ name, valueFrom: { secretKeyRef: { name: s.secretName, key } } });
          c.env = env;
        }
        if (s.mountPath !== undefined) {
          const mount = { name: volume, mountPath: s.mountPath, readOnly: true };
          c.volumeMounts = [...(c.volumeMounts ?? []).filter((m: any) => m.name !== volume), mount];
        }
      }
    }
    if (wired === 0) {
      errors.push(`secret '${s.secretName}' is wired into no container: the workload renders no pod${s.containers?.length ? ` with a container named ${s.containers.join(' or ')}` : ''}`);
    }
  }
  return errors;
}

/** The pod specs of rendered objects (pod templates of controllers and CronJobs, bare Pods). */
function podSpecsOf(objects: any[]): any[] {
  return objects.flatMap(o => [o?.spec?.template?.spec, o?.spec?.jobTemplate?.spec?.template?.spec, o?.kind === 'Pod' ? o?.spec : undefined]).filter(Boolean);
}

/** A DNS-1123 label for the volume of a secret. */
function volumeName(secretName: string): string {
  const name = `secret-${secretName.replace(/\./g, '-')}`;
  return name.length <= 63 ? name : name.slice(0, 63).replace(/-+$/, '');
}

