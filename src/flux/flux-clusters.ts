/**
 * A registered cluster in a Flux fleet: its registry entry (what the plan, the diff and the proofs read: name,
 * server, labels, annotations) and, for a remote cluster, what Flux authenticates with
 * (kustomize-controller v1.9.4 docs/spec/v1/kustomizations.md §KubeConfig (Remote clusters); helm-controller v1.6.3
 * the same for HelmReleases):
 *
 * - a token or client certificate kept in a secret store → an External Secrets `ExternalSecret` producing the
 *   Secret `<cluster>-kubeconfig` whose `value` is a self-contained kubeconfig, templated from the store at runtime
 *   (the same ExternalSecret spec, store and references as Argo CD's cluster Secret; no value reaches Git);
 * - EKS (`awsIam`), GKE (`gkeWorkloadIdentity`) and AKS (`aksWorkloadIdentity`) → Flux's secret-less form, a
 *   ConfigMap `<cluster>-kubeconfig` with `provider`, `cluster`, `address` and `ca.crt` (workload identity of the
 *   controller, or of a ServiceAccount for an IAM role to assume);
 * - any other exec plugin is refused: Flux's kubeconfig must be self-contained (exec only with the controllers'
 *   `--insecure-kubeconfig-exec` flag and the binary in their image, which a fleet program cannot assume); so is
 *   `insecure` (refused unless the controllers run with `--insecure-kubeconfig-tls`).
 */
import { CLUSTER_LABEL, FLEET_LABEL, FluxLayout, kubeconfigName, registryName, RESERVED_LABELS, ROLE_LABEL } from './flux-layout';
import { cloudProviderOf, parseCloudResourceName, ResolvedFluxOptions } from './flux-options';
import { ClusterSecret, IN_CLUSTER_SERVER, SECRET_TYPE_LABEL } from '../expansion/cluster-secrets';
import { formatProblem, webhookProblems } from '../private/external-secret-spec';
import { ownValue, sortedMap } from '../private/util';

/** What a cluster contributes to a Flux fleet. */
export interface FluxCluster {
  readonly name: string;
  readonly server: string;
  /** The `spec.kubeConfig` of the cluster's Kustomizations and HelmReleases (none for the hub itself). */
  readonly kubeConfig?: any;
  /** Flux's sharding label value for its objects (Argo CD's `shard`). */
  readonly shard?: string;
  /** The registry ConfigMap and the kubeconfig objects (on the hub). */
  readonly objects: any[];
  readonly errors: string[];
}

/**
 * The Flux objects of a cluster, from the Argo CD cluster Secret (or ExternalSecret) the program rendered for it.
 * `where` prefixes messages (the Cluster's construct path).
 */
export function fluxCluster(argo: any, where: string, layout: FluxLayout, options: ResolvedFluxOptions): FluxCluster {
  const parsed = parseArgoCluster(argo);
  const name = parsed.name;
  const errors: string[] = [];
  const fail = (message: string) => errors.push(`${where}cluster '${name}': ${message}`);
  const ns = options.namespace;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.labels)) {
    if (k === SECRET_TYPE_LABEL) continue;
    if (RESERVED_LABELS.includes(k)) fail(`label '${k}' is set by the library on Flux objects; use another key`);
    else labels[k] = v;
  }
  const objects: any[] = [];
  const data: Record<string, string> = { name, server: parsed.server };
  if (parsed.project) data.project = parsed.project;
  if (parsed.shard !== undefined) data.shard = parsed.shard;
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: registryName(name),
      namespace: ns,
      labels: sortedMap({ ...labels, [CLUSTER_LABEL]: name, [FLEET_LABEL]: layout.fleetName, [ROLE_LABEL]: 'registry' }),
      annotations: Object.keys(parsed.annotations).length ? sortedMap(parsed.annotations) : undefined,
    },
    data,
  });
  if (parsed.namespaces) {
    fail(`'namespaces' (${parsed.namespaces}) limits what Argo CD watches on the cluster; Flux has no such setting `
      + '(what the kubeconfig identity may do is decided by its RBAC): remove it, or keep this fleet on Argo CD');
  }
  const config = parsed.config;
  const tls = config.tlsClientConfig ?? {};
  if (tls.insecure === true) {
    fail("'insecure' (true) is refused by Flux unless kustomize-controller and helm-controller run with --insecure-kubeconfig-tls; give the cluster its 'caCertificate' instead");
  }
  const meta = () => ({ name: kubeconfigName(name), namespace: ns, labels: { [CLUSTER_LABEL]: name, [FLEET_LABEL]: layout.fleetName } });
  let kubeConfig: any;
  if (parsed.server.replace(/\/+$/, '') === IN_CLUSTER_SERVER && !parsed.store && !config.awsAuthConfig && !config.execProviderConfig) {
    kubeConfig = undefined; // the hub itself: Flux's own service account
  } else if (parsed.store) {
    const storeRef = argo.spec?.secretStoreRef ?? {};
    if ((storeRef.kind ?? 'SecretStore') === 'SecretStore') {
      // External Secrets resolves a SecretStore in the ExternalSecret's own namespace (ClusterSecretStore: anywhere).
      fail(`its credentials come from SecretStore '${storeRef.name ?? ''}', a namespaced store; the kubeconfig ExternalSecret is in Flux's namespace '${ns}', `
        + 'where External Secrets would look for it: use a ClusterSecretStore (SecretStoreReference.clusterSecretStore(), or a FleetSecretStore)');
    }
    const spec = kubeconfigExternalSecretSpec(argo.spec, name, parsed, layout.fleetName);
    for (const p of webhookProblems(spec)) fail(`kubeconfig ExternalSecret: ${formatProblem(p)}`);
    objects.push({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta(), spec });
    kubeConfig = { secretRef: { name: kubeconfigName(name), key: 'value' } };
  } else if (config.awsAuthConfig || isExec(config, 'gcp') || isExec(config, 'azure')) {
    const provider = config.awsAuthConfig ? 'aws' : isExec(config, 'gcp') ? 'gcp' : 'azure';
    const cmData: Record<string, string> = { provider, address: parsed.server };
    const resource = ownValue(options.clusterResourceNames, name);
    if (resource !== undefined) {
      if (cloudProviderOf(resource) !== provider) fail(`FluxOptions 'clusterResourceNames' gives '${resource}', which is not a ${PROVIDER_NAMES[provider]} resource name`);
      cmData.cluster = resource;
    }
    if (tls.caData) cmData['ca.crt'] = Buffer.from(String(tls.caData), 'base64').toString('utf-8');
    if (tls.serverName) fail(`'serverName' (${tls.serverName}) has no place in Flux's workload identity kubeconfig (provider ${provider}); remove it`);
    if (config.proxyUrl) fail(`'proxyUrl' has no place in Flux's workload identity kubeconfig (provider ${provider}); remove it`);
    if (provider === 'aws') {
      const aws = config.awsAuthConfig;
      if (resource === undefined) {
        fail(`Flux's aws provider needs the EKS cluster's ARN (it defines the region): set FluxOptions 'clusterResourceNames' { '${name}': 'arn:aws:eks:<region>:<account>:cluster/${aws.clusterName}' }`);
      } else if (parseCloudResourceName(resource)?.provider === 'aws' && parseCloudResourceName(resource)!.clusterName !== aws.clusterName) {
        fail(`FluxOptions 'clusterResourceNames' names EKS cluster '${parseCloudResourceName(resource)!.clusterName}', but ClusterCredentials.awsIam names '${aws.clusterName}'`);
      }
      if (aws.profile) fail(`ClusterCredentials.awsIam 'profile' (${aws.profile}) is an AWS config profile of Argo CD's pods; Flux has no equivalent: remove it`);
      if (aws.roleARN && !ROLE_ARN.test(String(aws.roleARN))) {
        fail(`ClusterCredentials.awsIam 'roleArn' ('${aws.roleARN}') is longer than Flux takes: its ServiceAccount would be refused ("invalid eks.amazonaws.com/role-arn annotation", `
          + "fluxcd/pkg auth/v0.54.1 reads at most 200 characters after 'role/'); use a role with a shorter path");
      }
      if (aws.roleARN) {
        // Object-level workload identity: Flux assumes the role of this ServiceAccount (feature gate ObjectLevelWorkloadIdentity).
        cmData.serviceAccountName = kubeconfigName(name);
        objects.push({
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { ...meta(), annotations: { 'eks.amazonaws.com/role-arn': aws.roleARN } },
        });
      }
    } else {
      if (resource === undefined && !tls.caData) {
        fail(`Flux's ${provider} provider needs the cluster's ${PROVIDER_NAMES[provider]} resource name or its CA certificate: set FluxOptions 'clusterResourceNames' { '${name}': '${provider === 'gcp' ? 'projects/<project>/locations/<location>/clusters/<name>' : '/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>'}' } or the cluster's 'caCertificate'`);
      }
      const env = config.execProviderConfig?.env ?? {};
      for (const key of ['AZURE_CLIENT_ID', 'AZURE_TENANT_ID']) {
        if (env[key]) fail(`ClusterCredentials.aksWorkloadIdentity sets ${key === 'AZURE_CLIENT_ID' ? "'clientId'" : "'tenantId'"} for argocd-k8s-auth; Flux takes the identity from kustomize-controller's ServiceAccount (annotation azure.workload.identity/client-id): remove it`);
      }
      if (env.AAD_ENVIRONMENT_NAME && env.AAD_ENVIRONMENT_NAME !== 'AzurePublicCloud') {
        fail(`ClusterCredentials.aksWorkloadIdentity 'environmentName' (${env.AAD_ENVIRONMENT_NAME}): Flux's azure provider uses the public cloud; remove it`);
      }
    }
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(), data: sortedMap(cmData) });
    kubeConfig = { configMapRef: { name: kubeconfigName(name) } };
  } else if (config.execProviderConfig) {
    fail(`ClusterCredentials.execProvider() (command '${config.execProviderConfig.command}') cannot be used with Flux: a Kustomization's kubeconfig must be self-contained `
      + '(kustomize-controller v1.9.4 runs no exec plugin unless started with --insecure-kubeconfig-exec and the binary in its image); '
      + 'use a token or client certificate from a secret store (ClusterCredentials.bearerTokenFromSecretStore(), .tlsClientCertificateFromSecretStore()), '
      + 'or awsIam(), gkeWorkloadIdentity(), aksWorkloadIdentity() (Flux workload identity)');
  } else {
    fail('has no credentials Flux can use');
  }
  return { name, server: parsed.server, kubeConfig, shard: parsed.shard, objects, errors };
}

/** The registry entry of a cluster, read back from a Flux tree. */
export function clusterOfRegistry(o: any): ClusterSecret | undefined {
  if (!(o?.apiVersion === 'v1' && o.kind === 'ConfigMap' && o.metadata?.labels?.[ROLE_LABEL] === 'registry')) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries<string>(o.metadata.labels ?? {})) if (!RESERVED_LABELS.includes(k)) labels[k] = v;
  return {
    name: String(o.data?.name ?? ''),
    server: String(o.data?.server ?? ''),
    project: String(o.data?.project ?? ''),
    labels,
    annotations: { ...o.metadata.annotations ?? {} },
    secretName: String(o.metadata.name ?? ''),
    namespace: o.metadata.namespace,
  };
}

const PROVIDER_NAMES: Record<string, string> = { aws: 'EKS', gcp: 'GKE', azure: 'AKS' };
/** The role ARN annotation Flux's aws provider accepts (fluxcd/pkg auth/v0.54.1 aws/options.go `roleARNPattern`). */
const ROLE_ARN = /^arn:aws[\w-]*:iam::[0-9]{1,30}:role\/.{1,200}$/u;

interface ArgoCluster {
  readonly name: string;
  readonly server: string;
  readonly project?: string;
  readonly shard?: string;
  readonly namespaces?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  /** Argo CD's ClusterConfig; for a store-backed cluster, with the fetched values as null. */
  readonly config: any;
  /** The references of a store-backed cluster (`certData`, `keyData` or `bearerToken`). */
  readonly store?: string[];
}

function parseArgoCluster(o: any): ArgoCluster {
  if (o.kind === 'ExternalSecret') {
    const template = o.spec?.target?.template ?? {};
    // The config is a Go template whose actions splice the fetched values in (`{{ .certData | b64enc | toJson }}`).
    return {
      ...clusterFields(template.data ?? {}, template.metadata, (text: string) => text.replace(/\{\{[^}]*\}\}/g, 'null')),
      store: (o.spec?.data ?? []).map((d: any) => String(d.secretKey)),
    };
  }
  return clusterFields(o.stringData ?? {}, o.metadata, (text: string) => text);
}

/** The fields of a cluster Secret's data (`config` parsed after `prepare`; `{}` when it is not JSON). */
function clusterFields(data: any, metadata: any, prepare: (config: string) => string): ArgoCluster {
  let config: any = {};
  try {
    config = JSON.parse(prepare(String(data.config ?? '{}')));
  } catch {
    config = {};
  }
  return {
    name: String(data.name ?? ''),
    server: String(data.server ?? ''),
    project: data.project,
    shard: data.shard,
    namespaces: data.namespaces,
    labels: { ...metadata?.labels ?? {} },
    annotations: { ...metadata?.annotations ?? {} },
    config,
  };
}

function isExec(config: any, args0: string): boolean {
  const e = config.execProviderConfig;
  return e?.command === 'argocd-k8s-auth' && Array.isArray(e.args) && e.args.length === 1 && e.args[0] === args0;
}

/**
 * The kubeconfig ExternalSecret's spec: the cluster Secret's spec (store, refresh interval, remote references,
 * policies, template engine) with a target of its own, whose template is a kubeconfig.
 */
function kubeconfigExternalSecretSpec(argoSpec: any, name: string, c: ArgoCluster, fleet: string): any {
  const template = argoSpec.target?.template ?? {};
  return {
    ...argoSpec,
    target: {
      ...argoSpec.target,
      name: kubeconfigName(name),
      template: {
        ...template,
        metadata: { labels: { [CLUSTER_LABEL]: name, [FLEET_LABEL]: fleet } },
        type: 'Opaque',
        data: { value: kubeconfigTemplate(name, c) },
      },
    },
  };
}

/**
 * A self-contained kubeconfig (client-go `clientcmd` v1 Config) as an External Secrets v2 template: the server,
 * its CA, TLS server name and proxy from the program, the credential spliced in from the store. Strings are
 * written as JSON strings, which YAML reads as they are.
 */
function kubeconfigTemplate(name: string, c: ArgoCluster): string {
  const q = JSON.stringify;
  const tls = c.config.tlsClientConfig ?? {};
  const lines = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: ${q(name)}`,
    '    cluster:',
    `      server: ${q(c.server)}`,
  ];
  if (tls.caData) lines.push(`      certificate-authority-data: ${q(String(tls.caData))}`);
  if (tls.serverName) lines.push(`      tls-server-name: ${q(String(tls.serverName))}`);
  if (c.config.proxyUrl) lines.push(`      proxy-url: ${q(String(c.config.proxyUrl))}`);
  lines.push(
    'contexts:',
    `  - name: ${q(name)}`,
    '    context:',
    `      cluster: ${q(name)}`,
    `      user: ${q(name)}`,
    `current-context: ${q(name)}`,
    'users:',
    `  - name: ${q(name)}`,
    '    user:',
  );
  const refs = c.store ?? [];
  if (refs.includes('bearerToken')) lines.push('      token: {{ .bearerToken | toJson }}');
  if (refs.includes('certData')) lines.push('      client-certificate-data: {{ .certData | b64enc | toJson }}');
  if (refs.includes('keyData')) lines.push('      client-key-data: {{ .keyData | b64enc | toJson }}');
  return `${lines.join('\n')}\n`;
}
