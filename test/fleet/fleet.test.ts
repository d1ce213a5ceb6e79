import { Construct } from 'constructs';
import { AppProject, ClusterCredentials, Fleet, FleetApp, FleetEngine, SyncImpersonation, SyncPolicy } from '../../src';
import { addCluster, errorOf, renderObjects, testApp, testFleet } from '../util';

describe('Fleet', () => {
  test('defaults: argocd namespace, HEAD, the default project and the root App-of-Apps', () => {
    // GIVEN
    const app = testApp();
    // WHEN
    const fleet = new Fleet(app, 'platform', { repoUrl: 'https://github.com/acme/gitops.git' });
    // THEN
    expect(fleet.fleetName).toBe('platform');
    expect(fleet.argocdNamespace).toBe('argocd');
    expect(fleet.targetRevision).toBe('HEAD');
    expect(fleet.defaultProject.projectName).toBe('default');
    expect(fleet.argocdDirectory).toBe('argocd/platform');
    expect(fleet.bootstrap.fileName).toBe('bootstrap/Application.platform-root.yaml');
    expect(Object.keys(app.renderFiles())).toEqual(['bootstrap/Application.platform-root.yaml']);
    expect(renderObjects(app)['bootstrap/Application.platform-root.yaml']).toStrictEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'platform-root', namespace: 'argocd' },
      spec: {
        project: 'default',
        destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
        source: { repoURL: 'https://github.com/acme/gitops.git', targetRevision: 'HEAD', path: 'argocd/platform', directory: { recurse: true } },
        syncPolicy: { automated: { prune: true, selfHeal: true, allowEmpty: false }, syncOptions: ['ServerSideApply=true'] },
      },
    });
  });

  test('custom name, namespace, revision, default project and bootstrap', () => {
    // GIVEN
    const app = testApp();
    // WHEN
    const fleet = new Fleet(app, 'Fleet', {
      fleetName: 'edge',
      repoUrl: 'git@github.com:acme/edge.git',
      targetRevision: 'release-1',
      argocdNamespace: 'gitops',
      bootstrap: { applicationName: 'edge-apps', projectName: 'bootstrap', syncPolicy: SyncPolicy.manual() },
    });
    const team = new AppProject(fleet, 'team');
    const fleet2 = new Fleet(app, 'other', { repoUrl: 'https://github.com/acme/other.git', defaultProject: AppProject.fromProjectName(app, 'P', 'shared') });
    // THEN
    const root = renderObjects(app)['bootstrap/Application.edge-apps.yaml'];
    expect(root.metadata.namespace).toBe('gitops');
    expect(root.spec.project).toBe('bootstrap');
    expect(root.spec.source).toStrictEqual({ repoURL: 'git@github.com:acme/edge.git', targetRevision: 'release-1', path: 'argocd/edge', directory: { recurse: true } });
    expect(root.spec.syncPolicy).toStrictEqual({});
    expect(renderObjects(app)['argocd/edge/projects/AppProject.team.yaml'].metadata.namespace).toBe('gitops');
    expect(team.projectName).toBe('team');
    expect(fleet2.defaultProject.projectName).toBe('shared');
  });

  test('Fleet.of finds the fleet from any construct below it, and fails elsewhere', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const cluster = addCluster(fleet, 'c');
    const deep = new Construct(cluster.addManifests('web'), 'Deep');
    // THEN
    expect(Fleet.of(deep)).toBe(fleet);
    expect(Fleet.isFleet(fleet)).toBe(true);
    expect(Fleet.isFleet(app)).toBe(false);
    expect(() => Fleet.of(new Construct(app, 'Loose'))).toThrow("Construct at 'Loose' must be created in the scope of a Fleet, but no Fleet was found");
    expect(() => new AppProject(app, 'orphan')).toThrow(/AppProject at 'orphan' must be created in the scope of a Fleet/);
  });

  test('fails on bad props with every problem at once', () => {
    // GIVEN
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    // THEN
    const message = errorOf(() => new Fleet(app, 'Bad', {
      fleetName: 'Bad Fleet',
      repoUrl: 'https://user:token@github.com/acme/x.git',
      targetRevision: 'main branch',
      argocdNamespace: 'Argo',
    }));
    expect(message).toMatch(/\[Bad\] 'fleetName' \('Bad Fleet'\) is not a valid DNS-1123 label/);
    expect(message).toMatch(/'argocdNamespace' \('Argo'\) is not a valid namespace name/);
    expect(message).toMatch(/'repoUrl' \('https:\/\/user:\*\*\*@github.com\/acme\/x.git'\) must not carry credentials/); // the password is never quoted
    expect(message).toMatch(/'targetRevision' \('main branch'\) must be a branch, tag or commit/);
    expect(() => new Fleet(app, 'f', { repoUrl: 'github.com/acme' })).toThrow(/'repoUrl' \('github.com\/acme'\) must be a Git URL/);
  });

  test('two fleets of one name are reported as such, naming both, not only as colliding files', () => {
    // GIVEN
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    new Fleet(app, 'a', { fleetName: 'platform', repoUrl: 'https://github.com/acme/a.git' });
    new Fleet(app, 'b', { fleetName: 'platform', repoUrl: 'https://github.com/acme/b.git' });
    // THEN
    const message = errorOf(() => app.synth());
    expect(message).toMatch(/\[a\] 'fleetName' \('platform'\) is also the name of the Fleet at 'b'; each fleet writes its own 'argocd\/platform' directory and root Application, so fleet names must be unique in an app/);
    expect(message).toMatch(/\[b\] 'fleetName' \('platform'\) is also the name of the Fleet at 'a'/);
  });

  test('GIVEN fleets of other names, nested or removed from the tree WHEN validated THEN only fleets in the tree count as namesakes', () => {
    // GIVEN: a namesake nested deeper, one removed from the tree, and fleets of other names
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    const a = new Fleet(app, 'a', { fleetName: 'platform', repoUrl: 'https://github.com/acme/a.git' });
    new Fleet(app, 'other', { fleetName: 'other', repoUrl: 'https://github.com/acme/o.git' });
    const group = new Construct(app, 'group');
    new Fleet(group, 'nested', { fleetName: 'platform', repoUrl: 'https://github.com/acme/n.git' });
    const removed = new Construct(app, 'removed');
    new Fleet(removed, 'gone', { fleetName: 'other', repoUrl: 'https://github.com/acme/g.git' });
    app.node.tryRemoveChild('removed');
    // WHEN / THEN
    expect(a.node.validate()).toEqual([expect.stringMatching(/^'fleetName' \('platform'\) is also the name of the Fleet at 'group\/nested'/)]);
    const other = app.node.findChild('other') as Fleet;
    expect(other.node.validate()).toEqual([]);
  });

  test('GIVEN two fleets WHEN they register one cluster name with two servers, or two hubs under one name THEN synth refuses it once, naming both; one cluster in both registries is fine', () => {
    // GIVEN 'edge' with two servers; 'hub' in-cluster in both fleets, whose Argo CDs share a namespace (two hubs);
    // 'shared' with one server in both (one cluster two hubs manage)
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    const [prod, nonprod] = ['prod', 'nonprod'].map(name => new Fleet(app, name, { repoUrl: 'https://github.com/acme/gitops.git' }));
    prod.addCluster('edge', { server: 'https://edge-a.example.com', credentials: ClusterCredentials.awsIam({ clusterName: 'edge' }) });
    nonprod.addCluster('edge', { server: 'https://edge-b.example.com/', credentials: ClusterCredentials.awsIam({ clusterName: 'edge' }) });
    for (const f of [prod, nonprod]) {
      f.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
      addCluster(f, 'shared');
    }
    // WHEN
    const message = errorOf(() => app.synth());
    // THEN
    expect(message).toContain("[nonprod] Cluster 'edge' at 'nonprod/edge': 'server' ('https://edge-b.example.com/') is not the server of the Cluster of that name at "
      + "'prod/edge' ('https://edge-a.example.com'); a cluster's name is one cluster in the whole app (its directory clusters/edge/, its plan and diff), so give one of them another name");
    expect(message).toContain("[nonprod] Cluster 'hub' at 'nonprod/hub': 'server' ('https://kubernetes.default.svc') is the in-cluster address of this fleet's hub, "
      + "and the Cluster of that name at 'prod/hub' is another hub's (both Argo CDs run in namespace 'argocd')");
    expect(message).not.toContain("Cluster 'shared'");
    expect(message.match(/a cluster's name is one cluster/g)).toHaveLength(2);
  });

  test('GIVEN two fleets whose Argo CDs run in different namespaces, or a Flux fleet WHEN they register the in-cluster address under one name THEN it may be one hub: accepted', () => {
    // GIVEN
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    for (const [name, argocdNamespace] of [['prod', 'argocd'], ['team', 'argocd-team']]) {
      new Fleet(app, name, { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace }).addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    }
    new Fleet(app, 'flux', { repoUrl: 'https://github.com/acme/gitops.git', engine: FleetEngine.flux() }).addCluster('hub', { credentials: ClusterCredentials.inCluster() });
    // WHEN / THEN
    expect(app.node.findAll().filter(Fleet.isFleet).flatMap(f => f.node.validate())).toEqual([]);
  });

  test('GIVEN a root whose list of fleets cannot take more WHEN two later fleets share a name THEN the tree is walked and both are reported', () => {
    // GIVEN the root's list frozen after the first fleet (a deep freeze of the app, say)
    const app = new FleetApp({ outdir: '/nonexistent/never-written' });
    new Fleet(app, 'first', { repoUrl: 'https://github.com/acme/f.git' });
    Object.freeze((app as any)[Symbol.for('cdk8s-fleet.fleetsMade')]);
    const a = new Fleet(app, 'a', { fleetName: 'platform', repoUrl: 'https://github.com/acme/a.git' });
    const b = new Fleet(app, 'b', { fleetName: 'platform', repoUrl: 'https://github.com/acme/b.git' });
    // WHEN / THEN
    expect(a.node.validate()).toEqual([expect.stringMatching(/^'fleetName' \('platform'\) is also the name of the Fleet at 'b'/)]);
    expect(b.node.validate()).toEqual([expect.stringMatching(/^'fleetName' \('platform'\) is also the name of the Fleet at 'a'/)]);
  });
});

describe('Fleet syncImpersonation', () => {
  test('GIVEN a Flux fleet WHEN impersonation is declared THEN it is refused: argocd-cm has no Flux equivalent', () => {
    expect(() => testFleet({ engine: FleetEngine.flux(), syncImpersonation: SyncImpersonation.ENFORCED })).toThrow(
      "[platform] 'syncImpersonation' ('enforced') is Argo CD's (argocd-cm); Flux has no equivalent: remove it, or impersonate with each Kustomization's 'serviceAccountName'");
  });

  test('GIVEN a value that is no SyncImpersonation (plain JavaScript) THEN it is refused, naming it', () => {
    expect(() => testFleet({ syncImpersonation: 'on' as any })).toThrow("[platform] 'syncImpersonation' ('on') is not a SyncImpersonation");
  });
});
