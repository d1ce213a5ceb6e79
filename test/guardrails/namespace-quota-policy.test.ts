import { AppProject, GuardrailMode, LabelSelectorOperator, NamespaceQuotaPolicy, ProjectDestination } from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

function quotaFleet() {
  const { app, fleet } = testFleet();
  addCluster(fleet, 'dev-eu-1', { environment: 'dev' });
  addCluster(fleet, 'prod-eu-1', { environment: 'production' });
  const platform = new AppProject(fleet, 'platform', {
    destinations: [ProjectDestination.anyCluster('*')],
    clusterResourceAllowList: [{ group: 'kyverno.io', kind: 'ClusterPolicy' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
  });
  return { app, fleet, platform };
}

describe('NamespaceQuotaPolicy', () => {
  test('generates a ResourceQuota and a LimitRange per selected namespace and requires resources, per environment', () => {
    // GIVEN
    const { app, fleet, platform } = quotaFleet();
    // WHEN
    new NamespaceQuotaPolicy(fleet, 'Quotas', {
      project: platform,
      namespaceMatchLabels: { 'acme.io/team': 'true' },
      namespaceMatchExpressions: [{ key: 'acme.io/tier', operator: LabelSelectorOperator.NOT_IN, values: ['sandbox'] }],
      defaults: {
        quota: { requestsCpu: '4', requestsMemory: '8Gi', pods: 50 },
        limitRange: { defaultCpuRequest: '100m', defaultMemoryRequest: '128Mi', defaultCpuLimit: '500m', defaultMemoryLimit: '512Mi' },
        requireResources: GuardrailMode.AUDIT,
      },
      environments: { production: { quota: { requestsCpu: '16' }, requireResources: GuardrailMode.ENFORCE } },
    });
    const files = app.renderFiles();
    const objects = renderObjects(app);
    // THEN
    expect(schemaProblems(files)).toEqual([]);
    const prod = objects['clusters/prod-eu-1/namespace-quotas/ClusterPolicy.namespace-quotas.yaml'];
    const dev = objects['clusters/dev-eu-1/namespace-quotas/ClusterPolicy.namespace-quotas.yaml'];
    expect(prod.spec.rules.map((r: any) => r.name)).toEqual(['generate-resourcequota', 'generate-limitrange', 'require-requests-limits']);
    const quota = prod.spec.rules[0];
    expect(quota.match).toEqual({ any: [{ resources: { kinds: ['Namespace'], selector: { matchLabels: { 'acme.io/team': 'true' }, matchExpressions: [{ key: 'acme.io/tier', operator: 'NotIn', values: ['sandbox'] }] } } }] });
    expect(quota.exclude).toEqual({ any: [{ resources: { names: ['kube-system', 'kube-public', 'kube-node-lease', 'kyverno', 'argocd'] } }] });
    expect(quota.generate).toEqual({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      name: 'namespace-quotas',
      namespace: '{{ request.object.metadata.name }}',
      generateExisting: true,
      synchronize: true,
      data: { spec: { hard: { 'pods': '50', 'requests.cpu': '16', 'requests.memory': '8Gi' } } },
    });
    expect(dev.spec.rules[0].generate.data.spec.hard['requests.cpu']).toBe('4');
    expect(prod.spec.rules[1].generate.data.spec.limits).toEqual([{ type: 'Container', default: { cpu: '500m', memory: '512Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }]);
    expect(prod.spec.rules[2].validate.failureAction).toBe('Enforce');
    expect(dev.spec.rules[2].validate.failureAction).toBe('Audit');
    expect(prod.spec.rules[2].validate.pattern.spec.containers[0].resources).toEqual({ requests: { cpu: '?*', memory: '?*' }, limits: { cpu: '?*', memory: '?*' } });
    expect(prod.metadata.labels).toEqual({ 'fleet.cdk8s.io/guardrail': 'quota-policy', 'fleet.cdk8s.io/guardrail-mode': 'enforce' });
    const role = objects['clusters/prod-eu-1/namespace-quotas/ClusterRole.namespace-quotas-kyverno-background.yaml'];
    expect(role.metadata.labels['rbac.kyverno.io/aggregate-to-background-controller']).toBe('true');
    expect(objects['argocd/platform/applications/Application.namespace-quotas-prod-eu-1.yaml'].spec.project).toBe('platform');
  });

  test('fails with bad settings, naming the prop and the value', () => {
    const { fleet, platform } = quotaFleet();
    const message = errorOf(() => new NamespaceQuotaPolicy(fleet, 'Quotas', {
      project: platform,
      defaults: { quota: { requestsCpu: 'lots' } },
      environments: { production: { limitRange: { defaultMemoryLimit: '1 GB' } } },
      excludedNamespaces: ['Kube_System'],
    }));
    expect(message).toContain("'defaults.quota.requestsCpu' (\"lots\") is not a Kubernetes quantity");
    expect(message).toContain("'environments.production.limitRange.defaultMemoryLimit' (\"1 GB\") is not a Kubernetes quantity");
    expect(message).toContain("'excludedNamespaces' entry ('Kube_System')");
    expect(errorOf(() => new NamespaceQuotaPolicy(quotaFleet().fleet, 'Q', { project: platform, defaults: {} }))).toContain('ask for nothing');
  });
});
