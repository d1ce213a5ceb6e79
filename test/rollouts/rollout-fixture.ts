/** A minimal valid Rollout object (plain data) with the given strategy, for the controller-rule tests. */
export const rollout = (strategy: any, spec: any = {}) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'ro' },
  spec: {
    selector: { matchLabels: { app: 'ro' } },
    template: { metadata: { labels: { app: 'ro' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
    strategy,
    ...spec,
  },
});
