import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as yaml from 'js-yaml';
import { ClusterCredentials, HelmApplication, IWorkloadDefinition, SopsFile, SopsSecret, VersionsFile, Workload, WorkloadContext, WorkloadOutput } from '../../src';
import { isTreePath } from '../../src/private/placement';
import { sopsEncrypt } from '../secrets/sops-tool';
import { ageIdentity, tmpDir } from '../secrets/support';
import { addCluster, errorOf, testFleet } from '../util';

// Names become paths: every name that reaches a file of the tree is validated as the API server validates it,
// with the construct path, the prop and the value, all errors at once; names that Kubernetes allows but a file
// name must not hold are encoded (issue #11 §1).

/** A workload whose definition creates the given objects. */
class Objects implements IWorkloadDefinition {
  public constructor(private readonly objects: Array<{ apiVersion: string; kind: string; metadata: any; [k: string]: any }>) {}
  public define(scope: Construct, _context: WorkloadContext): void {
    this.objects.forEach((o, i) => new ApiObject(scope, `o${i}`, o));
  }
}

function fleetWithManifests() {
  const { app, fleet } = testFleet();
  const manifests = addCluster(fleet, 'prod', { tier: 'web' }).addManifests('web', { namespace: 'web' });
  return { app, fleet, manifests };
}

describe('object names that reach the tree', () => {
  test('names the API server refuses are refused for each kind\'s own rule, all at once, with construct path, prop and value', () => {
    // GIVEN
    const { app, manifests } = fleetWithManifests();
    new k8s.KubeConfigMap(manifests, 'Config', { metadata: { name: 'My_Config' } });
    new k8s.KubeService(manifests, 'Service', { metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } });
    new k8s.KubeNamespace(manifests, 'Namespace', { metadata: { name: 'team.a' } });
    new k8s.KubeStatefulSet(manifests, 'Db', {
      metadata: { name: 'db.main' },
      spec: { selector: {}, serviceName: 'db', template: { spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } },
    });
    new k8s.KubeCronJob(manifests, 'Job', {
      metadata: { name: 'a'.repeat(53) },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'j', image: 'busybox:1' }] } } } } },
    });
    new k8s.KubeClusterRole(manifests, 'Role', { metadata: { name: 'a/b' } });
    new k8s.KubeConfigMap(manifests, 'Other', { metadata: { name: 'c', namespace: 'Bad_NS' } });
    // WHEN
    const error = errorOf(() => app.renderFiles());
    // THEN
    expect(error).toContain("[platform/prod/web/Config] ConfigMap 'My_Config': 'metadata.name' ('My_Config') is not a valid ConfigMap name: must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (a DNS-1123 subdomain)");
    expect(error).toContain("[platform/prod/web/Service] Service '1web': 'metadata.name' ('1web') is not a valid Service name: must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (a DNS-1035 label)");
    expect(error).toContain("[platform/prod/web/Namespace] Namespace 'team.a': 'metadata.name' ('team.a') is not a valid Namespace name: must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (a DNS-1123 label)");
    expect(error).toContain("[platform/prod/web/Db] StatefulSet 'db.main': 'metadata.name' ('db.main') is not a valid StatefulSet name");
    expect(error).toContain(`[platform/prod/web/Job] CronJob '${'a'.repeat(53)}': 'metadata.name' ('${'a'.repeat(53)}') is not a valid CronJob name: must be no more than 52 characters (got 53) (a DNS-1123 subdomain of at most 52 characters)`);
    expect(error).toContain("[platform/prod/web/Role] ClusterRole 'a/b': 'metadata.name' ('a/b') is not a valid ClusterRole name: may not contain '/' (a path segment name)");
    expect(error).toContain("[platform/prod/web/Other] ConfigMap 'c': 'metadata.namespace' ('Bad_NS') is not a valid namespace name: must consist of lower case alphanumeric characters or '-'");
  });

  test('a Workload object named a/b is refused, not written to a subdirectory', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod', { tier: 'web' });
    new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a/b' } }]) });
    // WHEN / THEN
    expect(errorOf(() => app.renderFiles())).toContain("[platform/web] ConfigMap 'a/b' (clusters/prod/web/ConfigMap.a%2Fb.yaml): 'metadata.name' ('a/b') is not a valid ConfigMap name");
    expect(fs.existsSync(path.join(app.outdir, 'clusters'))).toBe(false);
  });

  test('RBAC names that a file name must not hold are %-encoded, the same way in rendered and Kustomize output', () => {
    // GIVEN a ClusterRole named as Kubernetes allows, in rendered and in Kustomize output
    const { app, fleet, manifests } = fleetWithManifests();
    new k8s.KubeClusterRole(manifests, 'Role', { metadata: { name: 'acme:viewer' } });
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'acme:editor' } };
    new Workload(fleet, 'api', { namespace: 'api', matchLabels: { tier: 'web' }, definition: new Objects([role]) });
    new Workload(fleet, 'shop', { namespace: 'shop', matchLabels: { tier: 'web' }, output: WorkloadOutput.KUSTOMIZE, definition: new Objects([role]) });
    // WHEN
    const files = app.renderFiles();
    // THEN
    expect(Object.keys(files)).toEqual(expect.arrayContaining([
      'clusters/prod/web/ClusterRole.acme%3Aviewer.yaml',
      'clusters/prod/api/ClusterRole.acme%3Aeditor.yaml',
      'apps/shop/base/ClusterRole.acme%3Aeditor.yaml',
    ]));
    expect((yaml.load(files['apps/shop/base/kustomization.yaml']) as any).resources).toContain('ClusterRole.acme%3Aeditor.yaml');
    expect(files['clusters/prod/web/ClusterRole.acme%3Aviewer.yaml']).toContain('name: acme:viewer');
  });

  test('a name too long for a file name is cut and ends with a digest; two such names stay apart', () => {
    // GIVEN two 253-character ConfigMap names in another namespace, equal in their first 240 characters
    const { app, manifests } = fleetWithManifests();
    const long = (c: string) => `${'a'.repeat(240)}.${c.repeat(12)}`;
    new k8s.KubeConfigMap(manifests, 'A', { metadata: { name: long('b'), namespace: 'other' } });
    new k8s.KubeConfigMap(manifests, 'B', { metadata: { name: long('c'), namespace: 'other' } });
    // WHEN
    const names = Object.keys(app.renderFiles()).filter(p => p.startsWith('clusters/prod/web/')).map(p => p.split('/').pop()!);
    // THEN
    expect(names).toHaveLength(2);
    for (const n of names) {
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(255);
      expect(n).toMatch(/^ConfigMap\.other\.a+-[0-9a-f]{16}\.yaml$/);
    }
    expect(names[0]).not.toBe(names[1]);
  });

  test('two files whose paths differ only in letter case are refused: they collide on macOS and Windows checkouts', () => {
    const { app, manifests } = fleetWithManifests();
    new k8s.KubeClusterRole(manifests, 'A', { metadata: { name: 'Admin' } });
    new k8s.KubeClusterRole(manifests, 'B', { metadata: { name: 'admin' } });
    expect(errorOf(() => app.renderFiles())).toContain(
      "[platform/prod/web/B] ClusterRole 'admin' would be written to clusters/prod/web/ClusterRole.admin.yaml, which differs only in letter case from clusters/prod/web/ClusterRole.Admin.yaml (written by 'platform/prod/web/A'): the two collide on case-insensitive file systems (macOS, Windows)");
  });

  test('a Workload rendering two names that differ only in letter case is refused the same way, on every cluster', () => {
    // GIVEN (a variant's files are checked by directory and name: render.ts, PathOwners.distinctInAnyCase)
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod', { tier: 'web' });
    addCluster(fleet, 'test', { tier: 'web' });
    const role = (name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name } });
    new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([role('Admin'), role('admin')]) });
    // WHEN
    const error = errorOf(() => app.renderFiles());
    // THEN
    for (const cluster of ['prod', 'test']) {
      expect(error).toContain(`[platform/web] ClusterRole 'admin' would be written to clusters/${cluster}/web/ClusterRole.admin.yaml, which differs only in letter case from `
        + `clusters/${cluster}/web/ClusterRole.Admin.yaml (written by 'platform/web')`);
    }
  });

  describe('two constructs writing one path', () => {
    // A Workload variant's files are recorded by directory (render.ts, PathOwners): each case below goes through
    // one way a path can be found written.
    const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });

    test('an object of a ClusterManifests in a Workload\'s directory, with a workload file\'s name, is refused for the Workload', () => {
      // GIVEN a ClusterManifests that no Application deploys, in the directory of the Workload web
      const { app, fleet, manifests } = fleetWithManifests();
      new k8s.KubeConfigMap(manifests, 'Settings', { metadata: { name: 'settings' } });
      new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([configMap('settings'), configMap('other')]) });
      // WHEN / THEN
      expect(errorOf(() => app.renderFiles())).toContain("[platform/web] clusters/prod/web/ConfigMap.settings.yaml is also written by 'platform/prod/web/Settings'");
    });

    test('objects of both with other names share the directory', () => {
      // GIVEN
      const { app, fleet, manifests } = fleetWithManifests();
      new k8s.KubeConfigMap(manifests, 'Settings', { metadata: { name: 'settings' } });
      new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([configMap('other')]) });
      // WHEN
      const files = Object.keys(app.renderFiles()).filter(f => f.startsWith('clusters/prod/web/'));
      // THEN
      expect(files).toEqual(['clusters/prod/web/ConfigMap.other.yaml', 'clusters/prod/web/ConfigMap.settings.yaml', 'clusters/prod/web/Namespace.web.yaml']);
    });

    test('a definition that renders two objects to one file is refused once per cluster', () => {
      // GIVEN two clusters and a definition with the same ConfigMap twice
      const { app, fleet } = testFleet();
      addCluster(fleet, 'prod', { tier: 'web' });
      addCluster(fleet, 'test', { tier: 'web' });
      new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([configMap('same'), configMap('same')]) });
      // WHEN
      const error = errorOf(() => app.renderFiles());
      // THEN
      expect(error).toContain("[platform/web] clusters/prod/web/ConfigMap.same.yaml is also written by 'platform/web'");
      expect(error).toContain("[platform/web] clusters/test/web/ConfigMap.same.yaml is also written by 'platform/web'");
    });

    test('a file that a later construct writes into a Workload\'s directory is refused for that construct', () => {
      // GIVEN a Workload web and a SopsSecret of the same application name whose file is named like the Workload's ConfigMap
      const { app, fleet } = testFleet();
      const key = ageIdentity();
      const prod = fleet.addCluster('prod', { server: 'https://prod.example.com', labels: { tier: 'web' }, credentials: ClusterCredentials.awsIam({ clusterName: 'prod' }), sopsAgeRecipient: key.recipient });
      const file = path.join(tmpDir(), 'ConfigMap.other.yaml');
      const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: credentials\ntype: Opaque\nstringData:\n  api-key: k-123456\n';
      fs.writeFileSync(file, sopsEncrypt(secret, { ageRecipients: [key.recipient], encryptedRegex: '^(data|stringData)$' }).text);
      new SopsSecret(fleet, 'credentials', { file: SopsFile.fromFile(file), clusters: [prod], namespace: 'web', applicationName: 'web' });
      new Workload(fleet, 'web', { namespace: 'web', matchLabels: { tier: 'web' }, definition: new Objects([configMap('other')]) });
      // WHEN
      const error = errorOf(() => app.renderFiles());
      // THEN
      expect(error).toContain("[platform/credentials] writes the application directory clusters/prod/web, which 'platform/web' writes too");
      expect(error).toContain("[platform/credentials] clusters/prod/web/ConfigMap.other.yaml is also written by 'platform/web'");
    });
  });

  test('a Helm values file whose label value is not a path segment is refused, naming the prop', () => {
    const { app, fleet } = testFleet();
    addCluster(fleet, 'prod', { environment: 'production', region: 'eu' });
    const versions = new VersionsFile(fleet, 'Versions', { content: 'environments: [production]\nversions:\n  mon:\n    production: 1.0.0\n' });
    new HelmApplication(fleet, 'mon', {
      namespace: 'mon',
      repoUrl: 'https://charts.example.com',
      chart: 'mon',
      versions,
      matchLabels: { region: 'eu' },
      valuesByLabel: [{ labelKey: 'region', values: { 'eu': {}, '../../escape': {} } }],
    });
    expect(errorOf(() => app.renderFiles())).toContain("[platform/mon] 'valuesByLabel' writes the values file 'values/mon/region-../../escape.yaml', which is not a path inside the tree: segment \"..\" must start with a letter or digit");
  });

  test('property: whatever the names, synth either refuses them or writes only normalized paths inside the tree', () => {
    const name = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('a/b', '..', '.', 'a%b', 'My_Config', 'x\\y', 'acme:viewer', '-a', 'a.', 'ü', ' a', 'a'.repeat(300)),
    );
    const kind = fc.constantFrom('ConfigMap', 'ClusterRole', 'Service', 'Namespace');
    fc.assert(fc.property(name, kind, fc.option(name), (n, k, ns) => {
      const { app, manifests } = fleetWithManifests();
      const apiVersion = k === 'ClusterRole' ? 'rbac.authorization.k8s.io/v1' : 'v1';
      new ApiObject(manifests, 'O', { apiVersion, kind: k, metadata: { name: n, ...(ns !== null && k !== 'ClusterRole' && k !== 'Namespace' ? { namespace: ns } : {}) } } as any);
      let files: Record<string, string>;
      try {
        files = app.renderFiles();
      } catch (e) {
        expect((e as Error).message).toContain('[platform/prod/web/O]');
        return;
      }
      for (const p of Object.keys(files)) expect(isTreePath(p)).toBe(true);
    }), { numRuns: 150 });
  });
});
