import {
  AppProject, ApplicationSet, ApplicationSource, ClusterGenerator, FleetProof, ListGenerator, ProgressiveSync, ProjectDestination, StepOperator,
  TemplateParam,
} from '../../src';
import { addCluster, testFleet } from '../util';

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
