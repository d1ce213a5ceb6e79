/**
 * Bounds on what one template execution may build, so that no ApplicationSet can hang the CLI or synth or
 * exhaust memory. Argo CD (Go) has no such bounds below its own memory, but whatever exceeds them here could
 * not become an Application anyway: Kubernetes stores an object of at most about 1.5 MB. Each error names the
 * limit.
 */
import { FunctionError } from './functions';

/** The largest string one function or one template execution may produce. */
export const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** The most elements a list function (`until`, `untilStep`, `seq`) may produce. */
export const MAX_LIST_ELEMENTS = 1_000_000;
/** The most actions, iterations and function calls one template execution may take. */
export const MAX_STEPS = 5_000_000;
/** The deepest nesting of `{{template}}` calls (Go's own limit, maxExecDepth, is 100000). */
export const MAX_TEMPLATE_DEPTH = 1000;
/** The deepest nesting of control structures and parentheses the parser accepts. */
export const MAX_NESTING = 1000;

/** A bound of this file was reached. */
export class LimitError extends FunctionError {}

/** Throws when a function would produce more than `MAX_OUTPUT_BYTES`. */
export function checkOutputSize(size: number, what: string): void {
  if (size > MAX_OUTPUT_BYTES) {
    throw new LimitError(`${what} would produce ${size} bytes, more than the ${MAX_OUTPUT_BYTES} bytes cdk8s-fleet builds for one value (no Application that large could be stored)`);
  }
}

/** Throws when a list function would produce more than `MAX_LIST_ELEMENTS` elements. */
export function checkListLength(length: number | bigint, what: string): void {
  if (length > MAX_LIST_ELEMENTS) {
    throw new LimitError(`${what} would produce ${length} elements, more than the ${MAX_LIST_ELEMENTS} cdk8s-fleet builds for one list`);
  }
}
