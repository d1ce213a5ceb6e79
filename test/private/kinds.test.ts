import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { customResourceKind, GROUP_KIND, groupOf, isClusterScoped, KindScopes } from '../../src/private/kinds';

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

describe('KindScopes: the built-in list, then the CRDs of a program or tree, then the kinds a program declares', () => {
  const crd = (group: string, kind: string, scope: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope, versions: [] },
  });

  test('GIVEN no CRD and no declaration WHEN asked THEN only the built-in list is cluster-scoped', () => {
    expect(KindScopes.BUILT_IN.isClusterScoped('v1', 'Namespace')).toBe(true);
    expect(KindScopes.BUILT_IN.isClusterScoped('cert-manager.io/v1', 'ClusterIssuer')).toBe(false);
  });

  test('GIVEN the CRDs of a tree WHEN asked THEN each kind has its CRD\'s scope, in every version of its group', () => {
    // GIVEN
    const scopes = KindScopes.fromEntries([
      { path: 'a/crd.yaml', object: crd('cert-manager.io', 'ClusterIssuer', 'Cluster') },
      { path: 'a/crd2.yaml', object: crd('cert-manager.io', 'Issuer', 'Namespaced') },
      { path: 'a/cm.yaml', object: { apiVersion: 'v1', kind: 'ConfigMap' } },
      { path: 'a/summary.yaml' },
    ]);
    // THEN
    expect(scopes.isClusterScoped('cert-manager.io/v1', 'ClusterIssuer')).toBe(true);
    expect(scopes.isClusterScoped('cert-manager.io/v1alpha2', 'ClusterIssuer')).toBe(true);
    expect(scopes.isClusterScoped('cert-manager.io/v1', 'Issuer')).toBe(false);
    expect(scopes.isClusterScoped('other.io/v1', 'ClusterIssuer')).toBe(false);
  });

  test('GIVEN declared kinds WHEN asked THEN they are cluster-scoped unless a CRD here says otherwise; the built-in list always wins', () => {
    // GIVEN
    const scopes = KindScopes.fromEntries([{ path: 'crd.yaml', object: crd('example.com', 'Widget', 'Namespaced') }],
      ['karpenter.sh/NodePool', 'example.com/Widget']);
    // THEN
    expect(scopes.isClusterScoped('karpenter.sh/v1', 'NodePool')).toBe(true);
    expect(scopes.isClusterScoped('karpenter.sh/v1', 'NodeClaim')).toBe(false);
    expect(scopes.isClusterScoped('example.com/v1', 'Widget')).toBe(false);
    expect(scopes.declaredButNamespaced()).toEqual(['example.com/Widget']);
    expect(KindScopes.fromEntries([{ path: 'crd.yaml', object: crd('', 'Namespace', 'Namespaced') }]).isClusterScoped('v1', 'Namespace')).toBe(true);
  });

  test('GIVEN a listed kind in a version the list does not name WHEN asked THEN it has the same scope: a kind has one scope in every version of its group', () => {
    expect(isClusterScoped('external-secrets.io/v1beta1', 'ClusterSecretStore')).toBe(true);
    expect(isClusterScoped('rbac.authorization.k8s.io/v1beta1', 'ClusterRole')).toBe(true);
    expect(isClusterScoped('external-secrets.io/v1beta1', 'SecretStore')).toBe(false);
    expect(KindScopes.fromEntries([], ['example.com/Widget']).isClusterScoped('kyverno.io/v9', 'ClusterPolicy')).toBe(true);
  });

  test('withObjects adds the CRDs among some objects, leaving the scopes it was called on as they were', () => {
    const scopes = new KindScopes(['karpenter.sh/NodePool']);
    const more = scopes.withObjects([{ apiVersion: 'v1', kind: 'ConfigMap' }, crd('example.com', 'Widget', 'Cluster')]);
    expect(more.isClusterScoped('example.com/v1', 'Widget')).toBe(true);
    expect(more.isClusterScoped('karpenter.sh/v1', 'NodePool')).toBe(true);
    expect(scopes.isClusterScoped('example.com/v1', 'Widget')).toBe(false);
    expect(scopes.withObjects([{ apiVersion: 'v1', kind: 'ConfigMap' }])).toBe(scopes);
  });

  test('customResourceKind reads a CRD\'s group and kind, and nothing else', () => {
    expect(customResourceKind(crd('example.com', 'Widget', 'Cluster'))).toBe('example.com/Widget');
    expect(customResourceKind({ ...crd('example.com', 'Widget', 'Cluster'), apiVersion: 'example.com/v1' })).toBeUndefined();
    expect(customResourceKind({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: {} })).toBeUndefined();
    expect(customResourceKind(undefined)).toBeUndefined();
    expect(customResourceKind({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', spec: { names: { kind: 'Widget' } } })).toBeUndefined();
  });

  test.each([
    ['cert-manager.io/ClusterIssuer', true], ['/Namespace', true], ['karpenter.k8s.aws/EC2NodeClass', true],
    ['cert-manager.io/v1/ClusterIssuer', false], ['ClusterIssuer', false], ['Cert-Manager.io/ClusterIssuer', false], ['cert-manager.io/', false],
    ['cert-manager.io/Cluster-Issuer', false], ['-a.io/X', false],
  ])('GROUP_KIND: %s → %s', (text, ok) => {
    expect(GROUP_KIND.test(text)).toBe(ok);
  });

  test('groupOf', () => {
    expect(groupOf('v1')).toBe('');
    expect(groupOf('apps/v1')).toBe('apps');
    expect(groupOf('cert-manager.io/v1')).toBe('cert-manager.io');
  });
});
