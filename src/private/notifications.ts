import type { NotificationSubscription } from '../argocd/notifications';

/** The annotations of several subscriptions; the same trigger and service twice is an error. */
export function subscriptionAnnotations(
  subscriptions: NotificationSubscription[] | undefined,
): { annotations: Record<string, string>; errors: string[] } {
  const annotations: Record<string, string> = {};
  const errors: string[] = [];
  for (const s of subscriptions ?? []) {
    if (s.annotationKey in annotations) errors.push(`'notifications' subscribes twice to '${s.annotationKey}'; list all recipients in one subscription`);
    annotations[s.annotationKey] = s.annotationValue;
  }
  return { annotations, errors };
}
