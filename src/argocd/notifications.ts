import { show } from '../private/errors';

/**
 * An Argo CD notifications trigger. The constants are the triggers of the notifications catalog; `of()` takes
 * any trigger configured in `argocd-notifications-cm`.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/catalog/
 */
export class NotificationTrigger {
  public static readonly ON_CREATED = new NotificationTrigger('on-created');
  public static readonly ON_DELETED = new NotificationTrigger('on-deleted');
  public static readonly ON_DEPLOYED = new NotificationTrigger('on-deployed');
  public static readonly ON_HEALTH_DEGRADED = new NotificationTrigger('on-health-degraded');
  public static readonly ON_SYNC_FAILED = new NotificationTrigger('on-sync-failed');
  public static readonly ON_SYNC_RUNNING = new NotificationTrigger('on-sync-running');
  public static readonly ON_SYNC_STATUS_UNKNOWN = new NotificationTrigger('on-sync-status-unknown');
  public static readonly ON_SYNC_SUCCEEDED = new NotificationTrigger('on-sync-succeeded');

  /** A trigger by name. */
  public static of(name: string): NotificationTrigger {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name ?? '')) throw new Error(`NotificationTrigger.of 'name' (${show(name)}) must be a trigger name such as 'on-sync-failed'`);
    return new NotificationTrigger(name);
  }

  private constructor(public readonly name: string) {}
}

/**
 * A notifications subscription, written as the annotation
 * `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>`.
 * On an ApplicationSet, put subscriptions in the template: the controller overwrites annotations set on
 * generated Applications by other means (argocd-semantics foot-gun 17).
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/notifications/subscriptions/
 *
 * @example
 * NotificationSubscription.of(NotificationTrigger.ON_SYNC_FAILED, 'slack', ['platform-alerts']);
 */
export class NotificationSubscription {
  /** Sends `trigger` notifications through `service` (as named in argocd-notifications-cm) to `recipients`. */
  public static of(trigger: NotificationTrigger, service: string, recipients: string[]): NotificationSubscription {
    if (!/^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$/.test(service ?? '')) {
      throw new Error(`NotificationSubscription 'service' (${show(service)}) must be a service name such as 'slack'`);
    }
    if (!recipients?.length || recipients.some(r => !r || r.includes(';'))) {
      throw new Error(`NotificationSubscription 'recipients' (${show(recipients)}) must be a non-empty list without ';'`);
    }
    return new NotificationSubscription(`notifications.argoproj.io/subscribe.${trigger.name}.${service}`, recipients.join(';'));
  }

  private constructor(
    /** The annotation key. */
    public readonly annotationKey: string,
    /** The annotation value. */
    public readonly annotationValue: string,
  ) {}
}
