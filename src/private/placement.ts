import { IConstruct } from 'constructs';

/**
 * Where the API objects below a construct are written in the GitOps tree. The nearest ancestor with a
 * placement decides; an ApiObject with none is an error at synth.
 */
export interface Placement {
  /** Directory relative to the tree root, with '/' separators. */
  readonly directory: string;
  /** What the directory holds, for the plan and for messages. */
  readonly role: 'bootstrap' | 'argocd' | 'workload';
  /** Objects in this namespace are named `<Kind>.<name>.yaml`; others `<Kind>.<namespace>.<name>.yaml`. */
  readonly defaultNamespace?: string;
  /** The cluster whose workloads these are (role 'workload'). */
  readonly cluster?: string;
  /** The application these workloads belong to (role 'workload'). */
  readonly application?: string;
}

const PLACEMENT = Symbol.for('cdk8s-fleet.placement');

/** Declares where the objects below `construct` go. `placement` is called at synth time. */
export function definePlacement(construct: IConstruct, placement: () => Placement): void {
  Object.defineProperty(construct, PLACEMENT, { value: placement, enumerable: false });
}

/** The placement a construct itself declares (not its ancestors'). */
export function ownPlacement(construct: IConstruct): Placement | undefined {
  const producer = (construct as any)[PLACEMENT] as (() => Placement) | undefined;
  return producer ? producer() : undefined;
}
