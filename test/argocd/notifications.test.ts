import {
  Application, ApplicationSet, ApplicationSource, ClusterGenerator, NotificationSubscription, NotificationTrigger, TemplateParam,
} from '../../src';
import { addCluster, errorOf, renderObjects, testFleet } from '../util';

describe('NotificationSubscription', () => {
  test('renders the subscription annotation of operator-manual/notifications/subscriptions.md', () => {
    const s = NotificationSubscription.of(NotificationTrigger.ON_SYNC_SUCCEEDED, 'slack', ['my-channel1', 'my-channel2']);
    expect([s.annotationKey, s.annotationValue]).toEqual(['notifications.argoproj.io/subscribe.on-sync-succeeded.slack', 'my-channel1;my-channel2']);
    expect(NotificationTrigger.of('on-pr-merged').name).toBe('on-pr-merged');
  });

  test('on Applications and in ApplicationSet templates, beside other annotations', () => {
    // GIVEN
    const { app, fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    const failed = NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['alerts']);
    const degraded = NotificationSubscription.of(NotificationTrigger.ON_HEALTH_DEGRADED, 'pagerduty', ['platform']);
    // WHEN
    new Application(fleet, 'web', {
      destination: prod, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }), annotations: { 'acme.io/owner': 'web' }, notifications: [failed, degraded],
    });
    new ApplicationSet(fleet, 'fleet-web', {
      generators: [new ClusterGenerator()],
      template: { applicationName: `web-${TemplateParam.clusterName()}`, destinationNamespace: 'web', source: ApplicationSource.git({ path: 'web' }), notifications: [failed] },
    });
    // THEN
    const objects = renderObjects(app);
    expect(objects['argocd/platform/applications/Application.web.yaml'].metadata.annotations).toStrictEqual({
      'acme.io/owner': 'web',
      'notifications.argoproj.io/subscribe.on-health-degraded.pagerduty': 'platform',
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'alerts',
    });
    expect(objects['argocd/platform/applicationsets/ApplicationSet.fleet-web.yaml'].spec.template.metadata.annotations)
      .toStrictEqual({ 'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'alerts' });
  });

  test('fails on bad input', () => {
    const { fleet } = testFleet();
    const prod = addCluster(fleet, 'prod');
    expect(() => NotificationSubscription.of(NotificationTrigger.ON_DEPLOYED, 'sl ack', ['x'])).toThrow(/'service' \('sl ack'\)/);
    expect(() => NotificationSubscription.of(NotificationTrigger.ON_DEPLOYED, 'slack', [])).toThrow(/'recipients' \(\[\]\) must be a non-empty list/);
    expect(() => NotificationTrigger.of('On Sync')).toThrow(/NotificationTrigger.of 'name' \('On Sync'\)/);
    const s = NotificationSubscription.of(NotificationTrigger.ON_DEPLOYED, 'slack', ['a']);
    expect(errorOf(() => new Application(fleet, 'twice', { destination: prod, destinationNamespace: 'x', source: ApplicationSource.git({ path: 'x' }), notifications: [s, s] })))
      .toMatch(/\[platform\/twice\] 'notifications' subscribes twice to 'notifications.argoproj.io\/subscribe.on-deployed.slack'/);
  });
});
