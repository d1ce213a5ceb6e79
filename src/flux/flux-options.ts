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

/** The three cloud resource name forms Flux's kubeconfig ConfigMap takes (kustomize-controller v1.9.4 docs). */
export const CLOUD_RESOURCE_NAME = new RegExp([
  '^arn:aws[a-z-]*:eks:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9][A-Za-z0-9_-]*$',
  '^projects/[^/\\s]+/locations/[^/\\s]+/clusters/[^/\\s]+$',
  '^/subscriptions/[^/\\s]+/resourceGroups/[^/\\s]+/providers/Microsoft\\.ContainerService/managedClusters/[^/\\s]+$',
].join('|'));

/** The provider a cloud resource name belongs to. */
export function cloudProviderOf(resourceName: string): 'aws' | 'gcp' | 'azure' | undefined {
  if (resourceName.startsWith('arn:')) return 'aws';
  if (resourceName.startsWith('projects/')) return 'gcp';
  if (resourceName.startsWith('/subscriptions/')) return 'azure';
  return undefined;
}
