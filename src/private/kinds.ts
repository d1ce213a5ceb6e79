/** Built-in (and well-known CRD) cluster-scoped kinds, as `apiVersion/kind`. */
const CLUSTER_SCOPED_KINDS = new Set([
  'v1/Namespace', 'v1/Node', 'v1/PersistentVolume', 'v1/ComponentStatus',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition', 'apiregistration.k8s.io/v1/APIService',
  'storage.k8s.io/v1/StorageClass', 'storage.k8s.io/v1/CSIDriver', 'storage.k8s.io/v1/CSINode', 'storage.k8s.io/v1/VolumeAttachment',
  'scheduling.k8s.io/v1/PriorityClass', 'node.k8s.io/v1/RuntimeClass', 'networking.k8s.io/v1/IngressClass',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
  'certificates.k8s.io/v1/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration',
  'external-secrets.io/v1/ClusterSecretStore', 'external-secrets.io/v1/ClusterExternalSecret',
  'argoproj.io/v1alpha1/ClusterAnalysisTemplate',
  'kyverno.io/v1/ClusterPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
]);

/** Whether objects of this apiVersion and kind are cluster-scoped. */
export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(`${apiVersion}/${kind}`);
}

const DELIVERED_KINDS = new Set(['argoproj.io/v1alpha1/Rollout', 'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet']);

/** Whether the plan describes how the object delivers its pods (rendering keeps such objects whole for it). */
export function isDeliveredKind(o: any): boolean {
  return DELIVERED_KINDS.has(`${o?.apiVersion}/${o?.kind}`);
}
