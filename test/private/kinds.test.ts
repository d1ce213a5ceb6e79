import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { isClusterScoped } from '../../src/private/kinds';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The cluster-scoped resources of the Kubernetes 1.28 API among the kinds of the pinned definitions: each one's
 * registry strategy answers `NamespaceScoped() == false` (kubernetes v1.28.0, pkg/registry/<group>/<resource>/
 * strategy.go; e.g. flowcontrol/flowschema, networking/ipaddress, certificates/clustertrustbundle,
 * resource/resourceclass, apiserverinternal/storageversion, authentication/selfsubjectreview).
 */
const K8S_CLUSTER_SCOPED = [
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/v1/CustomResourceDefinition', 'apiregistration.k8s.io/v1/APIService',
  'authentication.k8s.io/v1/SelfSubjectReview', 'authentication.k8s.io/v1/TokenReview',
  'authentication.k8s.io/v1alpha1/SelfSubjectReview', 'authentication.k8s.io/v1beta1/SelfSubjectReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview', 'authorization.k8s.io/v1/SelfSubjectRulesReview', 'authorization.k8s.io/v1/SubjectAccessReview',
  'certificates.k8s.io/v1/CertificateSigningRequest', 'certificates.k8s.io/v1alpha1/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/v1beta2/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta2/PriorityLevelConfiguration',
  'flowcontrol.apiserver.k8s.io/v1beta3/FlowSchema', 'flowcontrol.apiserver.k8s.io/v1beta3/PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/v1alpha1/StorageVersion',
  'networking.k8s.io/v1/IngressClass', 'networking.k8s.io/v1alpha1/ClusterCIDR', 'networking.k8s.io/v1alpha1/IPAddress',
  'node.k8s.io/v1/RuntimeClass',
  'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  'resource.k8s.io/v1alpha2/ResourceClass',
  'scheduling.k8s.io/v1/PriorityClass',
  'storage.k8s.io/v1/CSIDriver', 'storage.k8s.io/v1/CSINode', 'storage.k8s.io/v1/StorageClass', 'storage.k8s.io/v1/VolumeAttachment',
  'v1/ComponentStatus', 'v1/Namespace', 'v1/Node', 'v1/PersistentVolume',
];

describe('isClusterScoped', () => {
  test('GIVEN every object kind of the pinned Kubernetes definitions THEN exactly the cluster-scoped resources of Kubernetes 1.28 are cluster-scoped', () => {
    // GIVEN the kinds whose definition has object metadata (lists, options and events of watches have none)
    const k8s = JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', 'k8s.json'), 'utf-8'));
    const objectKinds = Object.entries(k8s.kinds as Record<string, string>)
      .filter(([, name]) => JSON.stringify(k8s.definitions[name].properties?.metadata ?? {}).includes('ObjectMeta'))
      .map(([gvk]) => gvk);
    expect(objectKinds.length).toBeGreaterThan(70);
    expect(objectKinds).toEqual(expect.arrayContaining(K8S_CLUSTER_SCOPED));
    // WHEN / THEN
    const wrong = objectKinds.filter(gvk => {
      const [kind, apiVersion] = [gvk.slice(gvk.lastIndexOf('/') + 1), gvk.slice(0, gvk.lastIndexOf('/'))];
      return isClusterScoped(apiVersion, kind) !== K8S_CLUSTER_SCOPED.includes(gvk);
    });
    expect(wrong).toEqual([]);
  });

  test('GIVEN every served version of every pinned CRD THEN a kind is cluster-scoped exactly when its CRD says Cluster', () => {
    // GIVEN the pinned CRD files (../shared/crds, as `npx projen import` reads them)
    const dir = path.resolve(ROOT, process.env.CRDS_DIR ?? '../shared/crds');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' }).filter(f => f.endsWith('.yaml')).sort();
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const file of files) {
      for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf-8')) as any[]) {
        if (doc?.kind !== 'CustomResourceDefinition') continue;
        for (const version of doc.spec.versions.filter((v: any) => v.served)) {
          const apiVersion = `${doc.spec.group}/${version.name}`;
          checked.push(`${apiVersion}/${doc.spec.names.kind}`);
          // WHEN / THEN
          if (isClusterScoped(apiVersion, doc.spec.names.kind) !== (doc.spec.scope === 'Cluster')) wrong.push(`${file}: ${apiVersion}/${doc.spec.names.kind} (${doc.spec.scope})`);
        }
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['kyverno.io/v2beta1/ClusterPolicy', 'external-secrets.io/v1/ClusterSecretStore', 'networking.istio.io/v1/VirtualService']));
    expect(wrong).toEqual([]);
  });
});
