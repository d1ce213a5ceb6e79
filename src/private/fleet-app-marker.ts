/**
 * Marks a FleetApp instance (a `Symbol.for` key, so that it works across copies of the library), for the
 * check that a Fleet is created in one: fleet.ts cannot import fleet-app.ts, which imports it.
 */
export const FLEET_APP_SYMBOL = Symbol.for('cdk8s-fleet.FleetApp');
