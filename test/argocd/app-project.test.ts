import { Duration } from 'cdk8s';
import { AppProject, ClusterCredentials, PolicyEffect, ProjectDestination, ProjectPolicy, SyncWindowKind } from '../../src';
import { addCluster, errorOf, renderObjects, schemaProblems, testFleet } from '../util';

describe('AppProject', () => {
  test('defaults: only the fleet repository, no destinations, deletion protection', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    // WHEN
    new AppProject(fleet, 'team-a');
    // THEN
    const project = renderObjects(app)['argocd/platform/projects/AppProject.team-a.yaml'];
    expect(project).toStrictEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'team-a', namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: { sourceRepos: ['https://github.com/acme/gitops.git'] },
    });
  });

  test('all props render to the AppProject spec (operator-manual/project.yaml)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    // WHEN
    const project = new AppProject(fleet, 'Team', {
      projectName: 'team-a',
      description: 'Team A',
      sourceRepos: ['https://github.com/org/*', '!https://github.com/org/secret.git'],
      destinations: [
        ProjectDestination.cluster(prod, 'team-a-*'),
        ProjectDestination.of({ server: '*', namespace: '!kube-system' }),
      ],
      clusterResourceAllowList: [{ group: '', kind: 'Namespace', name: 'team-a-*' }],
      clusterResourceDenyList: [{ group: '', kind: 'Namespace', name: 'kube-*' }],
      namespaceResourceDenyList: [{ group: '', kind: 'ResourceQuota' }],
      namespaceResourceAllowList: [{ group: 'apps', kind: 'Deployment' }],
      roles: [{
        name: 'ci',
        description: 'sync only',
        policies: [ProjectPolicy.allow('applications', 'sync', '*'), ProjectPolicy.deny('applications', 'delete')],
        groups: ['my-oidc-group'],
      }],
      orphanedResources: { warn: true, ignore: [{ kind: 'ConfigMap', name: 'kube-root-ca.crt' }] },
      syncWindows: [{
        kind: SyncWindowKind.ALLOW,
        schedule: '0 22 * * *',
        duration: Duration.hours(1),
        applications: ['*-prod'],
        manualSync: true,
        timeZone: 'Europe/Berlin',
        andOperator: false,
        syncOverrun: true,
        description: 'nightly',
      }],
      sourceNamespaces: ['argocd-apps-*'],
      permitOnlyProjectScopedClusters: false,
      deletionProtection: false,
    });
    project.addRole({ name: 'readers', policies: [ProjectPolicy.allow('logs', 'get')] });
    // THEN
    const files = app.renderFiles();
    const spec = renderObjects(app)['argocd/platform/projects/AppProject.team-a.yaml'].spec;
    expect(spec.destinations).toStrictEqual([
      { name: 'prod', namespace: 'team-a-*', server: 'https://prod.k8s.example.com' },
      { namespace: '!kube-system', server: '*' },
    ]);
    expect(spec.roles).toStrictEqual([
      {
        name: 'ci',
        description: 'sync only',
        groups: ['my-oidc-group'],
        policies: ['p, proj:team-a:ci, applications, sync, team-a/*, allow', 'p, proj:team-a:ci, applications, delete, team-a/*, deny'],
      },
      { name: 'readers', policies: ['p, proj:team-a:readers, logs, get, team-a/*, allow'] },
    ]);
    expect(spec.syncWindows).toStrictEqual([{
      kind: 'allow',
      schedule: '0 22 * * *',
      duration: '1h',
      applications: ['*-prod'],
      manualSync: true,
      timeZone: 'Europe/Berlin',
      andOperator: false,
      syncOverrun: true,
      description: 'nightly',
    }]);
    expect(spec.clusterResourceWhitelist).toStrictEqual([{ group: '', kind: 'Namespace', name: 'team-a-*' }]);
    expect(spec.orphanedResources).toStrictEqual({ warn: true, ignore: [{ kind: 'ConfigMap', name: 'kube-root-ca.crt' }] });
    expect(schemaProblems(files)).toEqual([]);
    expect(files['argocd/platform/projects/AppProject.team-a.yaml']).toMatchSnapshot();
  });

  test('permitsDestination and permitsSourceRepo follow Argo CD', () => {
    // GIVEN
    const { fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const dev = addCluster(fleet, 'dev');
    const project = new AppProject(fleet, 'p', {
      destinations: [ProjectDestination.cluster(prod, 'web-*'), ProjectDestination.of({ clusterName: 'dev', namespace: '*' }), ProjectDestination.of({ server: '*', namespace: '!kube-system' })],
      sourceRepos: ['https://github.com/acme/*', '!https://github.com/acme/secret.git'],
    });
    // THEN
    expect(project.permitsDestination(prod, 'web-shop')).toBe(true);
    expect(project.permitsDestination(dev, 'anything')).toBe(true);
    expect(project.permitsDestination(dev, 'kube-system')).toBe(false);
    expect(project.permitsSourceRepo('https://github.com/acme/gitops.git')).toBe(true);
    expect(project.permitsSourceRepo('https://github.com/acme/secret.git')).toBe(false);
    // Argo CD's odd corner: a deny pattern also allows every repository it does not exclude.
    expect(project.permitsSourceRepo('https://gitlab.com/acme/x.git')).toBe(true);
  });

  test('permitOnlyProjectScopedClusters requires the cluster to be scoped to the project', () => {
    // GIVEN
    const { fleet } = testFleet();
    const project = new AppProject(fleet, 'scoped', { destinations: [ProjectDestination.anyCluster()], permitOnlyProjectScopedClusters: true });
    const mine = fleet.addCluster('mine', { server: 'https://mine.example.com', credentials: ClusterCredentials.gkeWorkloadIdentity(), project });
    const shared = addCluster(fleet, 'shared');
    // THEN
    expect(project.permitsDestination(mine, 'x')).toBe(true);
    expect(project.permitsDestination(shared, 'x')).toBe(false);
  });

  test('imported projects are not checked', () => {
    // GIVEN
    const { fleet } = testFleet();
    const imported = AppProject.fromProjectName(fleet, 'Legacy', 'legacy');
    // THEN
    expect(imported.projectName).toBe('legacy');
    expect(imported.permitsDestination(addCluster(fleet, 'x'), 'anything')).toBe(true);
    expect(imported.permitsSourceRepo('https://anything.example.com/x.git')).toBe(true);
  });

  test('fails on bad props, naming the path, the prop and the value', () => {
    // GIVEN
    const { fleet } = testFleet();
    // THEN
    const message = errorOf(() => new AppProject(fleet, 'Bad', {
      projectName: 'Team_A',
      sourceRepos: ['!*'],
      roles: [{ name: '-bad role' }],
      syncWindows: [{ kind: SyncWindowKind.DENY, schedule: '0 22 * *', duration: Duration.hours(1) }],
    }));
    expect(message).toMatch(/\[platform\/Bad\] 'projectName' \('Team_A'\) must consist of lower case/);
    expect(message).toMatch(/'sourceRepos' \('!\*'\): source repository has an invalid format, '!\*'/);
    expect(message).toMatch(/'roles' name \('-bad role'\): invalid role name '-bad role'\. Must consist of alphanumeric characters/);
    expect(message).toMatch(/'syncWindows' schedule \('0 22 \* \*'\): cannot parse schedule '0 22 \* \*': expected exactly 5 fields, found 4: \[0 22 \* \*\]/);
    expect(message).toMatch(/'syncWindows' window 'deny':'0 22 \* \*':'1h' requires one of application, cluster or namespace/);
    const project = () => new AppProject(fleet, 'other');
    expect(() => new AppProject(fleet, 'default')).toThrow(/'projectName' \('default'\) is Argo CD's built-in project/);
    expect(() => ProjectPolicy.allow('secrets', 'get')).toThrow(/ProjectPolicy 'resource' \('secrets'\): project resource must be: 'applications'/);
    expect(() => ProjectPolicy.allow('applications', 'get, sync')).toThrow(/ProjectPolicy 'action' \('get, sync'\): invalid action/);
    expect(() => project().allowNamespacedResource({ group: '', kind: 'Secret', name: 'x' })).toThrow(/'namespaceResourceAllowList' entry .* has a 'name'/);
    expect(() => ProjectDestination.of({ namespace: 'x' })).toThrow(/needs 'server' or 'clusterName'/);
  });

  test('duplicate destinations and "!*" destinations are reported at synth (AppProject.ValidateProject)', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const c = addCluster(fleet, 'c');
    new AppProject(fleet, 'p', { destinations: [ProjectDestination.cluster(c, 'x'), ProjectDestination.cluster(c, 'x'), ProjectDestination.of({ server: '!*', namespace: 'y' })] });
    // THEN
    const message = errorOf(() => app.renderFiles());
    expect(message).toMatch(/\[platform\/p\] 'destinations': destination 'https:\/\/c\.k8s\.example\.com\/x' already added/);
    expect(message).toMatch(/\[platform\/p\] 'destinations' \{"server":"!\*","namespace":"y"\}: server has an invalid format, '!\*'/);
  });

  test('PolicyEffect values', () => {
    expect(PolicyEffect.ALLOW).toBe('allow');
    expect(ProjectPolicy.deny('clusters', 'get', 'prod-*').effect).toBe(PolicyEffect.DENY);
  });
});
