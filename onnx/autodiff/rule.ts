// The contract between the gradient-graph driver and the op families. A rule sees one forward node with static
// shapes, its constant inputs, and which inputs depend on the image ("active"); it emits nodes that compute either
// the gradients of the node's active inputs from the cotangents of its outputs (vjp), or the tangents of its
// outputs from the tangents of its active inputs (jvp). Forward values are read by their names in the forward
// graph, which the generated graph contains.
import { ValueError } from '../../runtime/errors.js';
import type { Node } from '../ir.js';
import type { OpContext } from '../op-params.js';
import type { TensorData } from '../tensor-data.js';
import type { GraphEmitter } from './emitter.js';

export interface RuleContext extends OpContext {
  readonly e: GraphEmitter;
  /** Static shape of input i / output j. */
  inShape(i: number): number[];
  outShape(j: number): number[];
  /** Whether input i depends on the image (so it has a tangent and gets a gradient). */
  active(i: number): boolean;
  /** The value of input i, which must be a constant; `what` names it in the error otherwise. */
  requireConstant(i: number, what: string): TensorData;
}

export interface VjpContext extends RuleContext {
  /** The cotangent of output j; undefined when nothing downstream depends on it (zero). */
  cotangent(j: number): string | undefined;
}

export interface JvpContext extends RuleContext {
  /** The tangent of input i; undefined for inputs that do not depend on the image (zero). */
  tangent(i: number): string | undefined;
}

export interface OpRule {
  /** Gradient of each input (undefined for inactive inputs). Called when some output has a cotangent. */
  vjp(ctx: VjpContext): (string | undefined)[];
  /** Tangent of each output (undefined for outputs that are not differentiable, e.g. indices). */
  jvp(ctx: JvpContext): (string | undefined)[];
}

/** A node the gradient generator cannot differentiate; the executor falls back to the tfjs interpreter. */
export class GradientRuleError extends ValueError {
  override name = 'GradientRuleError';
  constructor(
    readonly opType: string,
    readonly nodeName: string,
    problem: string,
  ) {
    super(`${opType} node '${nodeName}': ${problem}`);
  }
}

export function ruleError(ctx: { node: Node }, problem: string): GradientRuleError {
  return new GradientRuleError(ctx.node.opType, ctx.node.name, problem);
}
