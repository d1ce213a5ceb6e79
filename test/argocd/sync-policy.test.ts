import { Duration } from 'cdk8s';
import { PropagationPolicy, SyncOption, SyncPolicy } from '../../src';

describe('SyncPolicy', () => {
  test('automated defaults: every flag explicit (user-guide/auto_sync.md)', () => {
    expect(SyncPolicy.automated()._toKube()).toStrictEqual({
      automated: { prune: false, selfHeal: false, allowEmpty: false },
      syncOptions: undefined,
      managedNamespaceMetadata: undefined,
      retry: undefined,
    });
  });

  test('all options', () => {
    // WHEN
    const policy = SyncPolicy.automated({
      prune: true,
      selfHeal: true,
      allowEmpty: true,
      syncOptions: [SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY, SyncOption.prunePropagationPolicy(PropagationPolicy.FOREGROUND), SyncOption.of('Prune=confirm'), SyncOption.CREATE_NAMESPACE],
      retry: { limit: -1, refresh: true, backoff: { duration: Duration.seconds(10), factor: 3, maxDuration: Duration.minutes(90) } },
      managedNamespaceMetadata: { labels: { team: 'a' }, annotations: { 'acme.io/owner': 'a' } },
    });
    // THEN
    expect(policy._toKube()).toStrictEqual({
      automated: { prune: true, selfHeal: true, allowEmpty: true },
      syncOptions: ['CreateNamespace=true', 'ServerSideApply=true', 'PrunePropagationPolicy=foreground', 'Prune=confirm'],
      managedNamespaceMetadata: { labels: { team: 'a' }, annotations: { 'acme.io/owner': 'a' } },
      retry: { limit: -1, refresh: true, backoff: { duration: '10s', factor: 3, maxDuration: '1h30m' } },
    });
  });

  test('manual with retry defaults (5 retries, 5s doubling to 3m)', () => {
    expect(SyncPolicy.manual({ retry: {} })._toKube()).toStrictEqual({
      automated: undefined,
      syncOptions: undefined,
      managedNamespaceMetadata: undefined,
      retry: { limit: 5, refresh: undefined, backoff: { duration: '5s', factor: 2, maxDuration: '3m' } },
    });
  });

  test('every sync option constant', () => {
    expect([
      SyncOption.CREATE_NAMESPACE, SyncOption.SERVER_SIDE_APPLY, SyncOption.PRUNE_LAST, SyncOption.APPLY_OUT_OF_SYNC_ONLY,
      SyncOption.REPLACE, SyncOption.SKIP_SCHEMA_VALIDATION, SyncOption.RESPECT_IGNORE_DIFFERENCES, SyncOption.FAIL_ON_SHARED_RESOURCE,
      SyncOption.SKIP_DRY_RUN_ON_MISSING_RESOURCE,
    ].map(o => o.value)).toEqual([
      'CreateNamespace=true', 'ServerSideApply=true', 'PruneLast=true', 'ApplyOutOfSyncOnly=true', 'Replace=true', 'Validate=false',
      'RespectIgnoreDifferences=true', 'FailOnSharedResource=true', 'SkipDryRunOnMissingResource=true',
    ]);
  });

  test('fails on bad input, naming the prop and the value', () => {
    expect(() => SyncOption.of('CreateNamespace')).toThrow("SyncOption.of 'value' ('CreateNamespace') must look like 'Key=value'");
    expect(() => SyncPolicy.automated({ retry: { limit: 1.5 } })).toThrow(/'retry.limit' \(1.5\) must be an integer/);
    expect(() => SyncPolicy.automated({ retry: { backoff: { factor: 1.5 } } })).toThrow(/'retry.backoff.factor' \(1.5\) must be an integer of at least 1/);
    expect(() => SyncPolicy.automated({ retry: { backoff: { duration: Duration.minutes(5), maxDuration: Duration.minutes(1) } } }))
      .toThrow(/'retry.backoff.duration' \(5m\) must not exceed 'retry.backoff.maxDuration' \(1m\)/);
    expect(() => SyncPolicy.automated({ managedNamespaceMetadata: { labels: { a: 'b' } } }))
      .toThrow(/'managedNamespaceMetadata' only has an effect with SyncOption.CREATE_NAMESPACE/);
  });
});
