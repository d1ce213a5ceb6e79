/** The options of the Flux engine with their defaults, as the translation reads them. */
export interface ResolvedFluxOptions {
  readonly namespace: string;
  readonly interval: string;
  readonly sourceInterval: string;
  readonly timeout: string;
  readonly wait: boolean;
  readonly gitSecretName?: string;
  readonly clusterResourceNames: Record<string, string>;
}

/**
 * The cloud resource names Flux's kubeconfig ConfigMap takes as `cluster`, as fluxcd/pkg auth/v0.54.1 parses them
 * (aws/options.go, gcp/options.go, azure/options.go `clusterPattern`; `u` so that lengths count characters, as Go's
 * regexp counts runes): an EKS cluster ARN, a GKE resource name, an AKS resource ID (case-insensitive).
 */
const CLUSTER_PATTERNS = {
  aws: /^arn:aws[\w-]*:eks:([^:]{1,100}):[0-9]{1,30}:cluster\/(.{1,200})$/u,
  gcp: /^projects\/[^/]{1,200}\/locations\/[^/]{1,200}\/clusters\/([^/]{1,200})$/u,
  azure: /^\/subscriptions\/([^/]{36})\/resourceGroups\/([^/]{1,200})\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]{1,200})$/iu,
};

/** The provider and cluster name of a cloud resource name Flux accepts, or undefined. */
export function parseCloudResourceName(resourceName: string): { provider: 'aws' | 'gcp' | 'azure'; clusterName: string } | undefined {
  for (const provider of ['aws', 'gcp', 'azure'] as const) {
    const m = CLUSTER_PATTERNS[provider].exec(resourceName);
    if (m) return { provider, clusterName: m[m.length - 1] };
  }
  return undefined;
}

/** The provider a cloud resource name belongs to. */
export function cloudProviderOf(resourceName: string): 'aws' | 'gcp' | 'azure' | undefined {
  return parseCloudResourceName(resourceName)?.provider;
}
