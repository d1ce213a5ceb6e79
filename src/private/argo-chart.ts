import { Chart } from 'cdk8s';
import { Construct } from 'constructs';

/**
 * The scope for an Argo CD object's L1. cdk8s API objects need a Chart ancestor; Fleet is a plain construct
 * (a Chart's static `of()` would clash with `Fleet.of()` in jsii), so each Argo CD construct holds its L1 in
 * a small chart of its own, in the Argo CD namespace.
 */
export function argoChart(scope: Construct, namespace: string): Chart {
  return new Chart(scope, 'Chart', { namespace, disableResourceNameHashes: true });
}
