import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { Fleet } from '../fleet/fleet';
import type { ISecretStore } from '../secrets/secret-store';

// Fleet's own symbol (fleet.ts), looked up by symbol so that secret modules do not import Fleet at load time.
const FLEET_MARK = Symbol.for('cdk8s-fleet.Fleet');

/** The Fleet `scope` belongs to, if any. */
export function fleetOf(scope: IConstruct): Fleet | undefined {
  for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
    if (c !== null && typeof c === 'object' && FLEET_MARK in c) return c as unknown as Fleet;
  }
  return undefined;
}

/** The default store of the Fleet `scope` belongs to, if any. */
export function defaultStoreOf(scope: IConstruct): ISecretStore | undefined {
  return fleetOf(scope)?.defaultSecretStore;
}

/** The namespace of the nearest Chart, if any. */
export function chartNamespace(c: IConstruct): string | undefined {
  try {
    return Chart.of(c).namespace;
  } catch {
    return undefined;
  }
}
