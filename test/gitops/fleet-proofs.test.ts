import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AppProject, AppProjectProps, Application, ApplicationSet, ApplicationSource, ClusterCredentials, ClusterGenerator, DestinationServiceAccount, Fleet,
  FleetProof, FleetProofWaiver, GitGenerator, ListGenerator, ProgressiveSync, ProjectDestination, StepOperator, SyncImpersonation, TemplateParam,
  Workload, WorkloadOutput,
} from '../../src';
import { main } from '../../src/cli/main';
import { DeployedObject, TreeObjects } from '../../src/gitops/deployed-objects';
import { readTreeModel } from '../../src/gitops/fleet-model';
import { computePlan } from '../../src/gitops/fleet-plan';
import { proveFleet } from '../../src/gitops/fleet-proofs';
import { KindScopes } from '../../src/private/kinds';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

/** GIVEN helper: a fleet with fleet proofs on, three clusters and a team project allowed on staging only. */
function fleetWithClusters() {
  const { app, fleet } = testFleet({}, { fleetProofs: true });
  const dev = addCluster(fleet, 'dev-1', { environment: 'dev', team: 'a' });
  const staging = addCluster(fleet, 'staging-1', { environment: 'staging', team: 'a' });
  addCluster(fleet, 'prod-1', { environment: 'production' });
  const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(staging, 'web'), ProjectDestination.cluster(dev, 'web')] });
  return { app, fleet, project };
}

const source = ApplicationSource.git({ path: 'apps/web' });

/** GIVEN helper: a git directory generator over clusters/dev-1/*, one Application per directory in namespace addons. */
function addonsDirectories(fleet: Fleet, project: AppProject, waivedProofs?: FleetProofWaiver[], name = 'addons'): ApplicationSet {
  return new ApplicationSet(fleet, name, {
    generators: [GitGenerator.directories({ include: ['clusters/dev-1/*'] })],
    template: {
      applicationName: `${name}-${TemplateParam.gitPathBasename()}`,
      project,
      destinationName: 'dev-1',
      destinationNamespace: 'addons',
      source: ApplicationSource.git({ path: `${TemplateParam.gitPath()}` }),
    },
    waivedProofs,
  });
}

describe('fleet proofs at synth time', () => {
  test('a selector that matches no cluster is an error that names the construct, unless waived with a reason', () => {
    // GIVEN
    const { app, fleet } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'qa' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source },
    });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("[platform/web] ApplicationSet 'web' generates no Applications: its generators select no cluster [selects-clusters]");

    // GIVEN the same with a waiver
    const again = fleetWithClusters();
    new ApplicationSet(again.fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'qa' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source },
      waivedProofs: [{ proof: FleetProof.SELECTS_CLUSTERS, reason: 'QA clusters are being built' }],
    });
    // WHEN
    const result = again.app.synthTree();
    // THEN the waiver is reported and recorded on the ApplicationSet for `cdk8s-fleet validate`
    expect(result.waivedProofs).toEqual(["[platform/web] ApplicationSet 'web' generates no Applications: its generators select no cluster (waived: QA clusters are being built)"]);
    expect(again.app.renderFiles()['argocd/platform/applicationsets/ApplicationSet.web.yaml'])
      .toContain('fleet.cdk8s.io/waived-proofs: \'[{"proof":"selects-clusters","reason":"QA clusters are being built"}]\'');
  });

  test('a label the template reads must exist on every selected cluster', () => {
    // GIVEN prod-1 has no 'team' label
    const { app, fleet } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: 'In' as any, values: ['dev', 'production'] }] })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, labels: { team: `${TemplateParam.clusterLabel('team')}` } },
    });
    // WHEN / THEN: `index .metadata.labels "team"` silently renders "" in Argo CD; the proof catches it
    expect(() => app.synthTree()).toThrow("[platform/web] ApplicationSet 'web': Application 'web-prod-1' reads 'team', which the cluster does not have (rendered empty) [parameters-exist]");
  });

  test('every generated destination must be allowed by the AppProject', () => {
    // GIVEN the team project allows dev and staging, not production
    const { app, fleet, project } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: 'In' as any, values: ['staging', 'production'] }] })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, project },
    });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("ApplicationSet 'web': Application 'web-prod-1': AppProject 'team' does not permit destination prod-1/web [project-permits]");
  });

  test('two ApplicationSets must not generate the same Application name', () => {
    // GIVEN
    const { app, fleet } = fleetWithClusters();
    for (const id of ['one', 'two']) {
      new ApplicationSet(fleet, id, {
        generators: [new ClusterGenerator({ matchLabels: { environment: 'dev' } })],
        template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source },
      });
    }
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("Application 'web-dev-1' is produced by ApplicationSet/one and ApplicationSet/two; Argo CD lets only one own it [unique-application-names]");
  });

  test('names generated from templates must be valid Kubernetes names', () => {
    // GIVEN a list element whose value makes an invalid name
    const { app, fleet } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ListGenerator({ elements: [{ app: 'Web_App' }] })],
      template: { applicationName: `${TemplateParam.element('app')}-dev-1`, destinationNamespace: 'web', destinationName: 'dev-1', source },
    });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow(/Argo CD would not create Application 'Web_App-dev-1': Application.argoproj.io "Web_App-dev-1" is invalid: metadata.name: Invalid value/);
  });

  test('RollingSync steps must cover every generated Application, with templated labels too', () => {
    // GIVEN steps on the 'environment' label that skip production
    const { app, fleet } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchExpressions: [{ key: 'environment', operator: 'Exists' as any }] })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, labels: { environment: `${TemplateParam.clusterLabel('environment')}` } },
      progressiveSync: ProgressiveSync.rollingSync([
        { matchExpressions: [{ key: 'environment', operator: StepOperator.IN, values: ['dev'] }] },
        { matchExpressions: [{ key: 'environment', operator: StepOperator.IN, values: ['staging'] }] },
      ]),
    });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("ApplicationSet 'web': Application 'web-prod-1' matches no RollingSync step, so Argo CD would never sync it [rolling-sync-coverage]");
  });

  test('a sound fleet passes and its plan lists the generated Applications per cluster', () => {
    // GIVEN
    const { app, fleet, project } = fleetWithClusters();
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { team: 'a' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, project },
    });
    // WHEN
    const result = app.synthTree();
    // THEN
    expect(result.waivedProofs).toEqual([]);
    expect(result.plan).toContain('ApplicationSet web: 2 Applications on 2 clusters');
    expect(result.plan).toContain('    web-staging-1  project=team  namespace=web  apps/web@main');
  });
});

describe('the kinds an Application deploys from the fleet\'s own tree are checked against its project', () => {
  /**
   * GIVEN helper: dev-1 has add-on manifests in the tree (a ClusterRole and a ConfigMap) at
   * clusters/dev-1/addons, deployed by a git directory generator over the tree in a team project that allows
   * no cluster-scoped kind.
   */
  function addonsFleet(options: { project?: Partial<AppProjectProps>; waive?: boolean; fleetProofs?: boolean } = {}) {
    const { app, fleet } = testFleet({}, { fleetProofs: options.fleetProofs ?? true });
    const dev = addCluster(fleet, 'dev-1', { environment: 'dev' });
    const addons = dev.addManifests('addons', { namespace: 'addons' });
    new kplus.ClusterRole(addons, 'reader', { metadata: { name: 'addons-reader' } });
    new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'addons-settings' }, data: { a: 'b' } });
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(dev, 'addons')], ...options.project });
    addonsDirectories(fleet, project, options.waive ? [{ proof: FleetProof.PROJECT_PERMITS, reason: 'the project is widened in the next PR' }] : undefined);
    return { app, fleet, dev, project, addons };
  }

  test('a cluster-scoped kind the project does not allow fails synth, naming the ApplicationSet, the Application, the kind and the file', () => {
    // GIVEN
    const { app } = addonsFleet();
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("[platform/addons] ApplicationSet 'addons': Application 'addons-addons': AppProject 'team' does not permit "
      + "cluster-scoped ClusterRole 'addons-reader' (group 'rbac.authorization.k8s.io', clusters/dev-1/addons/ClusterRole.addons-reader.yaml), which it deploys from the tree; "
      + "Argo CD would refuse to sync it. Allow the kinds in the project's resource lists, or deploy them with another project [project-permits]");
  });

  test('a namespaced kind on the deny list fails too; an allowed kind passes', () => {
    const denied = addonsFleet({ project: { clusterResourceAllowList: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }], namespaceResourceDenyList: [{ group: '', kind: 'ConfigMap' }] } });
    expect(() => denied.app.synthTree()).toThrow("does not permit namespaced ConfigMap 'addons-settings' (group '', clusters/dev-1/addons/ConfigMap.addons-settings.yaml)");
    const allowed = addonsFleet({ project: { clusterResourceAllowList: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] } });
    expect(() => allowed.app.synthTree()).not.toThrow();
  });

  test('the proof can be waived with a reason, like every project proof of an ApplicationSet', () => {
    const { app } = addonsFleet({ waive: true });
    expect(app.synthTree().waivedProofs).toEqual([expect.stringContaining("does not permit cluster-scoped ClusterRole 'addons-reader'")]);
  });

  test('a hand-written Application on a path of the tree is checked too', () => {
    // GIVEN an Application (not generated) on the add-ons directory
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const cluster = addCluster(fleet, 'dev-1', { environment: 'dev' });
    const addons = cluster.addManifests('addons', { namespace: 'addons' });
    new kplus.ClusterRole(addons, 'reader', { metadata: { name: 'addons-reader' } });
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(cluster, 'addons')] });
    new Application(fleet, 'addons-by-hand', { destination: cluster, destinationNamespace: 'addons', project, source: ApplicationSource.directory({ path: 'clusters/dev-1', recurse: true }) });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("[platform/addons-by-hand] Application 'addons-by-hand': AppProject 'team' does not permit cluster-scoped ClusterRole 'addons-reader'");
  });

  test("a namespaced object in a namespace the project does not permit on the cluster fails synth, in Argo CD's words", () => {
    // GIVEN the team project permits dev-1/addons only, and an add-on ConfigMap names namespace kube-system
    // (argo-cd v3.5.1 controller/sync.go validateSyncPermissions: "namespace %v is not permitted in project '%s'")
    const { app, addons } = addonsFleet({ project: { clusterResourceAllowList: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] } });
    new kplus.ConfigMap(addons, 'elsewhere', { metadata: { name: 'addons-elsewhere', namespace: 'kube-system' }, data: { a: 'b' } });
    // WHEN / THEN: the ConfigMap without a namespace (in the destination namespace, addons) is not listed
    expect(() => app.synthTree()).toThrow("[platform/addons] ApplicationSet 'addons': Application 'addons-addons': AppProject 'team' does not permit namespace 'kube-system' on "
      + "cluster 'dev-1' for ConfigMap 'addons-elsewhere' in namespace 'kube-system' (clusters/dev-1/addons/ConfigMap.kube-system.addons-elsewhere.yaml), which it deploys "
      + "from the tree; Argo CD would refuse to sync it (\"namespace kube-system is not permitted in project 'team'\"). Add the destinations to the project, or move the "
      + 'objects [project-permits]');
  });

  test('the namespace is judged on the Application\'s cluster: a project that permits it there passes', () => {
    // GIVEN the project also permits dev-1/kube-system
    const { app, dev, project, addons } = addonsFleet({ project: { clusterResourceAllowList: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }] } });
    new kplus.ConfigMap(addons, 'elsewhere', { metadata: { name: 'addons-elsewhere', namespace: 'kube-system' }, data: { a: 'b' } });
    // WHEN the destination is added
    project.addDestination(ProjectDestination.cluster(dev, 'kube-system'));
    // THEN
    expect(() => app.synthTree()).not.toThrow();
  });

  test('cdk8s-fleet validate runs the same check on a tree on disk', () => {
    // GIVEN a tree written with the proofs off
    const tree = addonsFleet({ fleetProofs: false }).app.synthTree().outdir;
    // WHEN
    let err = '';
    const code = main(['validate', tree], { out: () => undefined, err: t => { err += t; } });
    // THEN
    expect(code).toBe(1);
    expect(err).toContain("fleet proof: ApplicationSet 'addons': Application 'addons-addons': AppProject 'team' does not permit cluster-scoped ClusterRole 'addons-reader'");
  });
});

describe('two fleets are two Argo CDs: each sees its own clusters and projects', () => {
  /**
   * GIVEN helper: fleet 'platform' registers a-prod and has a 'team' project allowing namespace web there, with an
   * ApplicationSet over production clusters in it; fleet 'zeta' registers b-prod (also production) and a 'team'
   * project of its own that allows everything (its files come after platform's: a lookup by name alone finds it).
   */
  function twoFleets(namespace = 'web') {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const aProd = addCluster(fleet, 'a-prod', { environment: 'production' });
    const team = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(aProd, 'web')] });
    new ApplicationSet(fleet, 'web', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, project: team, destinationNamespace: namespace, source },
    });
    const other = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: 'argocd2' });
    addCluster(other, 'b-prod', { environment: 'production' });
    new AppProject(other, 'team', { destinations: [ProjectDestination.anyCluster('*')], clusterResourceAllowList: [{ group: '*', kind: '*' }] });
    return { app, fleet, other };
  }

  test('GIVEN a cluster generator in one fleet WHEN planned THEN it selects that fleet\'s clusters only, in synth and from disk', () => {
    // GIVEN
    const { app } = twoFleets();
    // WHEN
    const result = app.synthTree();
    // THEN (Argo CD of 'platform' has no Secret for b-prod: it generates nothing there)
    expect(result.plan).toContain('ApplicationSet web: 1 Applications on 1 clusters');
    expect(result.plan).toContain('web-a-prod');
    expect(result.plan).not.toContain('web-b-prod');
    expect(result.plan).toContain('Plan: 3 clusters, 3 Applications (1 ApplicationSets expanded offline), 2 AppProjects');
    const model = readTreeModel(result.outdir);
    const plan = computePlan(model);
    expect(plan.applicationSets.map(s => [s.name, s.clusters])).toEqual([['web', ['a-prod']]]);
    expect(model.fleets.clustersIn('zeta').map(c => c.name)).toEqual(['b-prod']);
    expect(model.fleets.fleetOf({ path: 'argocd/zeta/clusters/x.yaml', object: {} })).toBe('zeta');
    expect(proveFleet(model, plan).errors).toEqual([]);
  });

  test('GIVEN projects of one name in two fleets WHEN an Application of one goes where its own project forbids THEN project-permits fails, whatever the other fleet\'s project allows', () => {
    // GIVEN platform's ApplicationSet deploys to namespace api, which platform's 'team' does not allow (other's does)
    const { app } = twoFleets('api');
    // WHEN / THEN
    expect(errorOf(() => app.synthTree())).toContain("[platform/web] ApplicationSet 'web': Application 'web-a-prod': AppProject 'team' does not permit destination a-prod/api [project-permits]");
  });

  test('GIVEN projects of one name in two fleets WHEN an Application deploys a kind from the tree THEN it is judged by its own fleet\'s project', () => {
    // GIVEN platform's 'team' allows no cluster-scoped kind; other's 'team' allows every kind
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const dev = addCluster(fleet, 'dev-1', { environment: 'dev' });
    const addons = dev.addManifests('addons', { namespace: 'addons' });
    new kplus.ClusterRole(addons, 'reader', { metadata: { name: 'addons-reader' } });
    const team = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(dev, 'addons')] });
    addonsDirectories(fleet, team);
    const other = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: 'argocd2' });
    addCluster(other, 'dev-1', { environment: 'dev' });
    new AppProject(other, 'team', { destinations: [ProjectDestination.anyCluster('*')], clusterResourceAllowList: [{ group: '*', kind: '*' }] });
    // WHEN / THEN
    expect(errorOf(() => app.synthTree())).toContain("[platform/addons] ApplicationSet 'addons': Application 'addons-addons': AppProject 'team' does not permit cluster-scoped ClusterRole 'addons-reader'");
  });
});

describe('two fleets are two Argo CDs: their ApplicationSets, waivers and hubs', () => {
  /** GIVEN helper: fleets 'platform' (namespace argocd) and 'zeta' (namespace `namespace`), each with one production cluster. */
  function twoHubs(namespace = 'argocd') {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    addCluster(fleet, 'a-prod', { environment: 'production' });
    const other = new Fleet(app, 'zeta', { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: namespace });
    addCluster(other, 'b-prod', { environment: 'production' });
    return { app, fleet, other };
  }
  const selectingNone = (name: string) => ({
    generators: [new ClusterGenerator({ matchLabels: { environment: 'qa' } })],
    template: { applicationName: `${name}-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source },
  });

  test('GIVEN ApplicationSets of one name in two fleets WHEN only one waives a proof THEN the other\'s failure still fails synth, named by its own construct', () => {
    // GIVEN both select no cluster; platform's waives it
    const { app, fleet, other } = twoHubs('argocd2');
    new ApplicationSet(fleet, 'web', { ...selectingNone('web'), waivedProofs: [{ proof: FleetProof.SELECTS_CLUSTERS, reason: 'QA clusters are being built' }] });
    new ApplicationSet(other, 'web', selectingNone('web2'));
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN (a waiver keyed by name alone waived zeta's too, and synth passed)
    expect(message).toContain("[zeta/web] ApplicationSet 'web' generates no Applications: its generators select no cluster [selects-clusters]");
    expect(message).not.toContain('[platform/web]');
  });

  test('GIVEN ApplicationSets of one name in two fleets WHEN one\'s RollingSync steps miss its Applications THEN it fails by its own steps, not the other\'s', () => {
    // GIVEN platform's steps cover production; zeta's cover dev only
    const { app, fleet, other } = twoHubs('argocd2');
    const rolling = (environment: string) => ({
      generators: [new ClusterGenerator({ matchLabels: { environment: 'production' } })],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, labels: { environment: `${TemplateParam.clusterLabel('environment')}` } },
      progressiveSync: ProgressiveSync.rollingSync([{ matchExpressions: [{ key: 'environment', operator: StepOperator.IN, values: [environment] }] }]),
    });
    new ApplicationSet(fleet, 'web', rolling('production'));
    new ApplicationSet(other, 'web', rolling('dev'));
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN
    expect(message).toContain("[zeta/web] ApplicationSet 'web': Application 'web-b-prod' matches no RollingSync step, so Argo CD would never sync it [rolling-sync-coverage]");
    expect(message).not.toContain("'web-a-prod'");
  });

  test('GIVEN two hubs whose Argo CDs run in one namespace WHEN both have a project and a cluster of one name THEN their roots share nothing (two hubs)', () => {
    // GIVEN both fleets in namespace argocd, each with a 'team' project and a Secret for the same cluster
    const { app, fleet, other } = twoHubs();
    addCluster(other, 'a-prod', { environment: 'production' });
    new AppProject(fleet, 'team', { destinations: [ProjectDestination.anyCluster('web')] });
    new AppProject(other, 'team', { destinations: [ProjectDestination.anyCluster('web')] });
    // WHEN
    const result = app.synthTree();
    // THEN (the same files compared as one cluster's: "both deploy AppProject 'team' … to cluster 'in-cluster'")
    expect(result.plan).toContain('platform-root');
    expect(result.plan).toContain('zeta-root');
  });

  test('GIVEN two hubs (one namespace) WHEN one hub\'s Application deploys an object first and two of the other hub\'s share it THEN their conflict is still found', () => {
    // GIVEN platform's 'w' on its hub; zeta's 'x' and 'y' on zeta's hub, all with ConfigMap addons/settings
    const { app, fleet, other } = twoHubs();
    for (const [f, names] of [[fleet, ['w']], [other, ['x', 'y']]] as const) {
      const hub = f.addCluster(`hub-${f.fleetName}`, { credentials: ClusterCredentials.inCluster() });
      for (const name of names) {
        const addons = hub.addManifests(name, { namespace: 'addons' });
        new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'settings' } });
        new Application(f, name, { destination: hub, destinationNamespace: 'addons', source: ApplicationSource.manifests(addons) });
      }
    }
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN (one first owner per object for every hub: platform's 'w' hid zeta's pair)
    expect(message).toContain("Applications 'x' and 'y' both deploy ConfigMap 'settings' in namespace 'addons'");
    expect(message).not.toContain("'w'");
  });

  test('GIVEN two fleets whose Argo CDs run in different namespaces WHEN both deploy one object to their in-cluster THEN it is shared (maybe one hub), said so', () => {
    // GIVEN
    const { app, fleet, other } = twoHubs('argocd2');
    for (const f of [fleet, other]) {
      const hub = f.addCluster('hub', { credentials: ClusterCredentials.inCluster() });
      const addons = hub.addManifests(`addons-${f.fleetName}`, { namespace: 'addons' });
      new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'settings' } });
      new Application(f, `addons-${f.fleetName}`, { destination: hub, destinationNamespace: 'addons', source: ApplicationSource.manifests(addons) });
    }
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN
    expect(message).toContain("Applications 'addons-platform' and 'addons-zeta' both deploy ConfigMap 'settings' in namespace 'addons' "
      + '(clusters/hub/addons-platform/ConfigMap.settings.yaml and clusters/hub/addons-zeta/ConfigMap.settings.yaml) '
      + "to cluster 'hub' (fleets 'platform' and 'zeta' are not known to run Argo CD in one namespace, so their hubs may be one cluster)");
  });

  test('GIVEN a tree on disk whose fleets give one cluster name two servers WHEN read THEN the model warns that plan and diff show them as one', () => {
    // GIVEN both fleets register a-prod (synth refuses two servers, so the tree is edited by hand)
    const { app, other } = twoHubs();
    addCluster(other, 'a-prod', { environment: 'production' });
    const { outdir } = app.synthTree();
    const file = path.join(outdir, 'argocd/zeta/clusters/Secret.cluster-a-prod.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file); // (a hard link to platform's file of the same bytes: replaced, as a checkout would)
    fs.writeFileSync(file, text.replace('https://a-prod.k8s.example.com', 'https://elsewhere.example.com'));
    // WHEN
    const model = readTreeModel(outdir);
    // THEN
    expect(model.problems).toEqual(["cluster 'a-prod' has server https://a-prod.k8s.example.com in fleet 'platform' and https://elsewhere.example.com in fleet 'zeta' "
      + '(argocd/<fleet>/clusters/): the plan and the diff show them as one cluster (a cluster name must be one cluster in a tree)']);
  });

  test('GIVEN one server registered under two names in two fleets WHEN both deploy one object there THEN it is shared, naming both', () => {
    // GIVEN zeta registers a-prod's server as 'shared'
    const { app, fleet, other } = twoHubs();
    const mine = fleet.findCluster('a-prod')!;
    const theirs = other.addCluster('shared', { server: mine.server, credentials: ClusterCredentials.awsIam({ clusterName: 'shared' }) });
    for (const [f, c] of [[fleet, mine], [other, theirs]] as const) {
      const web = c.addManifests(`web-${f.fleetName}`, { namespace: 'web' });
      new kplus.ConfigMap(web, 'settings', { metadata: { name: 'settings' } });
      new Application(f, `web-${f.fleetName}`, { destination: c, destinationNamespace: 'web', source: ApplicationSource.manifests(web) });
    }
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN
    expect(message).toContain("Applications 'web-platform' and 'web-zeta' both deploy ConfigMap 'settings' in namespace 'web' "
      + '(clusters/a-prod/web-platform/ConfigMap.settings.yaml and clusters/shared/web-zeta/ConfigMap.settings.yaml) '
      + "to cluster 'a-prod' (fleet 'platform') and 'shared' (fleet 'zeta'), both https://a-prod.k8s.example.com");
  });
});

describe('no object of the tree is deployed by two Applications to one cluster', () => {
  /** GIVEN helper: dev-1 and staging-1, add-on manifests (a ClusterRole and two ConfigMaps) in clusters/dev-1/addons. */
  function sharedFleet() {
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const dev = addCluster(fleet, 'dev-1', { environment: 'dev' });
    const staging = addCluster(fleet, 'staging-1', { environment: 'staging' });
    const addons = dev.addManifests('addons', { namespace: 'addons' });
    new kplus.ClusterRole(addons, 'reader', { metadata: { name: 'addons-reader' } });
    new kplus.ConfigMap(addons, 'settings', { metadata: { name: 'addons-settings' }, data: { a: 'b' } });
    new kplus.ConfigMap(addons, 'elsewhere', { metadata: { name: 'addons-elsewhere', namespace: 'kube-system' }, data: { a: 'b' } });
    const project = new AppProject(fleet, 'team', {
      destinations: [ProjectDestination.anyCluster('*')],
      clusterResourceAllowList: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
    });
    return { app, fleet, dev, staging, addons, project };
  }

  test('two Applications deploying one ClusterManifests fail synth, naming both, the objects and the cluster', () => {
    // GIVEN the add-ons deployed by two hand-written Applications
    const { app, fleet, dev, addons, project } = sharedFleet();
    new Application(fleet, 'addons', { destination: dev, destinationNamespace: 'addons', project, source: ApplicationSource.manifests(addons) });
    new Application(fleet, 'addons-again', { destination: dev, destinationNamespace: 'addons', project, source: ApplicationSource.manifests(addons) });
    // WHEN / THEN (argo-cd v3.5.1 controller/state.go: SharedResourceWarning "%s/%s is part of applications %s and %s")
    expect(() => app.synthTree()).toThrow("[platform/addons-again] Applications 'addons' and 'addons-again' both deploy cluster-scoped ClusterRole "
      + "'addons-reader' (clusters/dev-1/addons/ClusterRole.addons-reader.yaml), ConfigMap 'addons-settings' in namespace 'addons' "
      + "(clusters/dev-1/addons/ConfigMap.addons-settings.yaml), ConfigMap 'addons-elsewhere' in namespace 'kube-system' "
      + "(clusters/dev-1/addons/ConfigMap.kube-system.addons-elsewhere.yaml) to cluster 'dev-1'; an object belongs to one Application (Argo CD reports a "
      + 'SharedResourceWarning for the other) and each sync takes it from the other. Deploy each object from one Application [unshared-objects]');
  });

  test('a git directory generator over the tree and a hand-written Application on one of its directories: reported for the ApplicationSet, which may waive it', () => {
    // GIVEN an ApplicationSet over clusters/dev-1/* and an Application on clusters/dev-1/addons
    const build = (waive: boolean) => {
      const { app, fleet, dev, project } = sharedFleet();
      addonsDirectories(fleet, project, waive ? [{ proof: FleetProof.UNSHARED_OBJECTS, reason: 'the hand-written one is removed in the next PR' }] : undefined);
      new Application(fleet, 'by-hand', { destination: dev, destinationNamespace: 'addons', project, source: ApplicationSource.git({ path: 'clusters/dev-1/addons' }) });
      return app;
    };
    // WHEN / THEN
    expect(() => build(false).synthTree()).toThrow(/^.*\[platform\/addons\] Applications 'addons-addons' and 'by-hand' both deploy .* \[unshared-objects\]$/m);
    expect(build(true).synthTree().waivedProofs).toEqual([expect.stringMatching(
      /^\[platform\/addons\] Applications 'addons-addons' and 'by-hand' both deploy .*\(waived: the hand-written one is removed in the next PR\)$/)]);
  });

  test('the same directory on two clusters, or in two destination namespaces, shares nothing', () => {
    // GIVEN the add-ons' directory deployed to staging-1 too, and once more to dev-1 in another namespace
    // (the ClusterRole and the ConfigMap with its own namespace would be shared there, so they are left out)
    const { app, fleet, dev, staging, project } = sharedFleet();
    const plain = dev.addManifests('plain');
    new kplus.ConfigMap(plain, 'settings', { metadata: { name: 'plain-settings' }, data: { a: 'b' } });
    const plainSource = () => ApplicationSource.git({ path: 'clusters/dev-1/plain' });
    new Application(fleet, 'plain-dev', { destination: dev, destinationNamespace: 'one', project, source: plainSource() });
    new Application(fleet, 'plain-dev-two', { destination: dev, destinationNamespace: 'two', project, source: plainSource() });
    new Application(fleet, 'plain-staging', { destination: staging, destinationNamespace: 'one', project, source: plainSource() });
    // (one Application deploying a file twice is Argo CD's RepeatedResourceWarning, not a shared object)
    new Application(fleet, 'plain-twice', { destination: staging, destinationNamespace: 'three', project, sources: [plainSource(), plainSource()] });
    // WHEN / THEN
    expect(() => app.synthTree()).not.toThrow();
  });

  test('two Workloads rendering the same cluster-scoped object fail synth with both files; as kustomizations they are not compared', () => {
    // GIVEN two Workloads on dev-1 that both render a ClusterRole 'shared-reader' (their other objects in their own namespaces)
    const build = (output?: WorkloadOutput) => {
      const { app, fleet } = testFleet({}, { fleetProofs: true });
      addCluster(fleet, 'dev-1', { environment: 'dev' });
      const definition = { define: (scope: Construct) => new kplus.ClusterRole(scope, 'reader', { metadata: { name: 'shared-reader' } }) };
      new Workload(fleet, 'one', { namespace: 'one', matchLabels: { environment: 'dev' }, definition });
      new Workload(fleet, 'two', { namespace: 'two', matchLabels: { environment: 'dev' }, definition, output });
      return app;
    };
    // WHEN / THEN
    expect(() => build().synthTree()).toThrow(/Applications '[^']+' and '[^']+' both deploy cluster-scoped ClusterRole 'shared-reader' \((\S+) and (?!\1)\S+\) to cluster 'dev-1'/);
    // (a kustomization's namePrefix, nameSuffix or patches may rename what it builds: its objects are not compared)
    expect(() => build(WorkloadOutput.KUSTOMIZE).synthTree()).not.toThrow();
  });

  test('when two ApplicationSets share an object, either may waive it', () => {
    // GIVEN two git directory generators over the same directories, the first waiving the proof
    const { app, fleet, project } = sharedFleet();
    addonsDirectories(fleet, project, [{ proof: FleetProof.UNSHARED_OBJECTS, reason: 'moving to the second set' }]);
    addonsDirectories(fleet, project, undefined, 'next');
    // WHEN
    const result = app.synthTree();
    // THEN
    expect(result.waivedProofs).toEqual([expect.stringMatching(/^\[platform\/addons\] Applications 'addons-addons' and 'next-addons' both deploy .*\(waived: moving to the second set\)$/)]);
  });

  test('more than five shared objects are counted, not listed', () => {
    // GIVEN seven ConfigMaps deployed twice
    const { app, fleet, dev, project } = sharedFleet();
    const many = dev.addManifests('many', { namespace: 'many' });
    for (let i = 0; i < 7; i++) new kplus.ConfigMap(many, `c${i}`, { metadata: { name: `c${i}` }, data: { a: 'b' } });
    new Application(fleet, 'many', { destination: dev, destinationNamespace: 'many', project, source: ApplicationSource.git({ path: 'clusters/dev-1/many' }) });
    new Application(fleet, 'many-again', { destination: dev, destinationNamespace: 'many', project, source: ApplicationSource.directory({ path: 'clusters/dev-1', recurse: true, include: 'many/*' }) });
    // WHEN / THEN
    expect(() => app.synthTree()).toThrow("ConfigMap 'c4' in namespace 'many' (clusters/dev-1/many/ConfigMap.c4.yaml) and 2 more to cluster 'dev-1'");
  });
});

describe('TreeObjects: what a path of the tree deploys, as Argo CD\'s repo server finds it', () => {
  const entry = (p: string, object: any, content?: string) => ({ path: p, object, content });
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
  const entries = [
    entry('plain/a.yaml', cm('a')),
    entry('plain/sub/b.yaml', cm('b')),
    entry('plain/sub/c.json', cm('c')),
    entry('plain/notes.txt', cm('not-a-manifest')),
    entry('chart/Chart.yaml', { apiVersion: 'v2', name: 'c' }),
    entry('base/kustomization.yaml', { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['ns.yaml', 'https://github.com/x/y//z'] }),
    entry('base/ns.yaml', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } }),
    entry('overlay/kustomization.yaml', { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', metadata: {} },
      'resources:\n- ../base\n- widget.yaml\n- ../../outside\nconfigMapGenerator:\n- name: generated\nsecretGenerator:\n- name: creds\n'),
    entry('overlay/widget.yaml', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
    entry('crds/widget.yaml', { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', scope: 'Cluster', names: { kind: 'Widget' } } }),
  ];
  const tree = new TreeObjects(entries, KindScopes.fromEntries(entries));
  const names = (objects: DeployedObject[] | undefined) => objects?.map(o => `${o.kind}/${o.name}${o.namespaced ? '' : ' (cluster)'}`);

  test.each([
    ['a directory: only its top level', { path: 'plain' }, ['ConfigMap/a']],
    ['directory.recurse: every manifest below', { path: './plain/', directory: { recurse: true } }, ['ConfigMap/a', 'ConfigMap/b', 'ConfigMap/c']],
    ['directory.exclude: a glob on the relative path, * crossing /', { path: 'plain', directory: { recurse: true, exclude: '*.json' } }, ['ConfigMap/a', 'ConfigMap/b']],
    ['directory.include: {a,b} alternatives', { path: 'plain', directory: { recurse: true, include: '{a.yaml,sub/c.json}' } }, ['ConfigMap/a', 'ConfigMap/c']],
    ['a Helm chart: unknown offline', { path: 'chart' }, undefined],
    ['a kustomization: its resources, local files and directories, and its generators; remote ones skipped',
      { path: 'overlay' }, ['Namespace/ns (cluster)', 'Widget/w (cluster)', 'ConfigMap/generated', 'Secret/creds']],
    ['a path leaving the tree: unknown', { path: '../elsewhere' }, undefined],
  ])('%s', (_name, pathSource, expected) => {
    expect(names(tree.deployedBy(pathSource as any))).toEqual(expected);
  });
});

describe('sync impersonation: every Application finds the service account Argo CD syncs it as (controller/sync.go, Argo CD v3.5.1)', () => {
  /** A fleet whose argocd-cm says `mode`, a `team` project on staging-1/web, an Application and an ApplicationSet in it. */
  function impersonatingFleet(mode: SyncImpersonation, accounts: DestinationServiceAccount[] = [], waivedProofs?: FleetProofWaiver[]) {
    const { app, fleet } = testFleet({ syncImpersonation: mode }, { fleetProofs: true });
    const staging = addCluster(fleet, 'staging-1', { environment: 'staging' });
    const project = new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(staging, 'web')], destinationServiceAccounts: accounts });
    new Application(fleet, 'web', { project, destination: staging, destinationNamespace: 'web', source });
    new ApplicationSet(fleet, 'webs', {
      generators: [new ClusterGenerator({ matchLabels: { environment: 'staging' } })],
      template: { applicationName: `webs-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source, project },
      waivedProofs,
    });
    return { app, project, staging };
  }
  const missing = "Argo CD would fail its sync: no matching service account found for destination server https://staging-1.k8s.example.com and namespace web (argocd-cm enforces impersonation: add a DestinationServiceAccount to AppProject 'team') [sync-impersonation]";

  test('GIVEN enforced impersonation and a project that names no account WHEN synthesized THEN each Application fails, as Argo CD fails its sync', () => {
    // GIVEN
    const { app } = impersonatingFleet(SyncImpersonation.ENFORCED);
    // WHEN
    const message = errorOf(() => app.synthTree());
    // THEN
    expect(message).toContain(`[platform/web] Application 'web': ${missing}`);
    expect(message).toContain(`[platform/webs] ApplicationSet 'webs': Application 'webs-staging-1': ${missing}`);
    // (the root Application syncs in Argo CD's own default project, which the tree does not hold: not judged)
    expect(message).not.toContain('platform-root');
  });

  test('GIVEN an account for the destination WHEN synthesized THEN it passes, and the root Application records the setting for plan and diff', () => {
    // GIVEN
    const { app, project, staging } = impersonatingFleet(SyncImpersonation.ENFORCED);
    project.addDestinationServiceAccount(DestinationServiceAccount.cluster(staging, 'web', 'deployer'));
    // WHEN
    const result = app.synthTree();
    // THEN
    expect(result.written).toContain('bootstrap/Application.platform-root.yaml');
    const model = readTreeModel(result.outdir);
    expect(model.applications.find(e => e.path.startsWith('bootstrap/'))!.object.metadata.annotations).toEqual({ 'fleet.cdk8s.io/sync-impersonation': 'enforced' });
    expect(model.projects.get('team').spec.destinationServiceAccounts).toEqual([{ server: 'https://staging-1.k8s.example.com', namespace: 'web', defaultServiceAccount: 'deployer' }]);
    // AND the same proof on the tree read back finds nothing; once the account is gone from it, it fails there too
    expect(proveFleet(model, computePlan(model)).errors).toEqual([]);
    model.projects.get('team').spec.destinationServiceAccounts = [{ server: 'https://other.example.com', namespace: '*', defaultServiceAccount: 'deployer' }];
    expect(proveFleet(model, computePlan(model)).errors).toContain(`Application 'web': ${missing}`);
  });

  test('GIVEN impersonation that falls back to the controller\'s account, or none WHEN synthesized THEN no account is required', () => {
    expect(() => impersonatingFleet(SyncImpersonation.FALLBACK).app.synthTree()).not.toThrow();
    const { app } = impersonatingFleet(SyncImpersonation.DISABLED);
    const tree = app.renderFiles();
    expect(tree['bootstrap/Application.platform-root.yaml']).not.toContain('sync-impersonation');
  });

  test('GIVEN a malformed entry before the match WHEN synthesized THEN it fails even in fallback mode, as Argo CD fails to derive the account', () => {
    // (a hand-edited tree: the AppProject construct refuses such an entry itself)
    const { app } = impersonatingFleet(SyncImpersonation.FALLBACK);
    const model = (app as any)._render().model;
    model.projects.get('team').spec.destinationServiceAccounts = [{ server: '*', namespace: '*', defaultServiceAccount: 'bad*sa' }];
    expect(proveFleet(model, computePlan(model)).errors).toContain(
      "Application 'web': Argo CD would fail its sync: failed to derive service account to impersonate: default service account contains invalid chars 'bad*sa' [sync-impersonation]");
  });

  test('GIVEN a cluster Secret whose server ends in \'/\' WHEN its account is given for the cluster THEN it matches as Argo CD reads the server (trimmed)', () => {
    // GIVEN (Argo CD trims the '/' when it reads the Secret: util/settings/cluster_informer.go)
    const { app, fleet } = testFleet({ syncImpersonation: SyncImpersonation.ENFORCED }, { fleetProofs: true });
    const slash = fleet.addCluster('slash', { server: 'https://slash.example.com/', credentials: ClusterCredentials.awsIam({ clusterName: 'slash' }) });
    const v6 = fleet.addCluster('v6', { server: 'https://[fd00::1]:6443', credentials: ClusterCredentials.awsIam({ clusterName: 'v6' }) });
    const project = new AppProject(fleet, 'team', {
      destinations: [ProjectDestination.cluster(slash, 'web'), ProjectDestination.cluster(v6, 'web')],
      destinationServiceAccounts: [DestinationServiceAccount.cluster(slash, 'web', 'deployer'), DestinationServiceAccount.cluster(v6, 'web', 'deployer')],
    });
    new Application(fleet, 'web', { project, destination: slash, destinationNamespace: 'web', source });
    new Application(fleet, 'web6', { project, destination: v6, destinationNamespace: 'web', source });
    // WHEN / THEN (the IPv6 host's brackets are escaped: as a glob they would be a character class)
    expect(renderObjects(app)['argocd/platform/projects/AppProject.team.yaml'].spec.destinationServiceAccounts).toEqual([
      { server: 'https://slash.example.com', namespace: 'web', defaultServiceAccount: 'deployer' },
      { server: 'https://\\[fd00::1\\]:6443', namespace: 'web', defaultServiceAccount: 'deployer' },
    ]);
    expect(() => app.synthTree()).not.toThrow();
  });

  test('GIVEN two fleets with a project of one name WHEN only one fleet enforces impersonation THEN its Applications are judged by its own project', () => {
    // GIVEN platform (impersonation off) names an account in its 'team'; other (enforced) names none in its own
    const { app, fleet } = testFleet({}, { fleetProofs: true });
    const prod = addCluster(fleet, 'prod');
    new AppProject(fleet, 'team', { destinations: [ProjectDestination.cluster(prod, 'web')], destinationServiceAccounts: [DestinationServiceAccount.of({ server: '*', namespace: '*', serviceAccount: 'x' })] });
    const other = new Fleet(app, 'other', { repoUrl: 'https://github.com/acme/gitops.git', argocdNamespace: 'argocd2', syncImpersonation: SyncImpersonation.ENFORCED });
    const prod2 = addCluster(other, 'prod2');
    const team2 = new AppProject(other, 'team', { destinations: [ProjectDestination.cluster(prod2, 'web')] });
    new Application(other, 'web2', { project: team2, destination: prod2, destinationNamespace: 'web', source });
    // WHEN / THEN
    expect(errorOf(() => app.synthTree())).toContain("[other/web2] Application 'web2': Argo CD would fail its sync: no matching service account found for destination server https://prod2.k8s.example.com and namespace web");
  });

  test('GIVEN an ApplicationSet that waives the proof with a reason WHEN synthesized THEN its Applications pass; a hand-written one still fails', () => {
    const { app } = impersonatingFleet(SyncImpersonation.ENFORCED, [], [{ proof: FleetProof.SYNC_IMPERSONATION, reason: 'the account is added by the platform team' }]);
    const message = errorOf(() => app.synthTree());
    expect(message).toContain(`[platform/web] Application 'web': ${missing}`);
    expect(message).not.toContain("Application 'webs-staging-1'");
  });
});
