// An ONNX graph as a Model: the tfjs interpreter gives tfjsForward (so synthesis can differentiate loss∘model
// in one pass), and the TfjsModel base class derives vjp from tfjs autodiff and jvp from the double-vjp helper.
import { ValueError } from '../../runtime/errors.js';
import { TfjsModel } from '../../runtime/model.js';
import { tf } from '../../runtime/tf.js';
import type { OnnxModelIR } from '../ir.js';
import { compilePlan, type Plan } from './plan.js';

/** Compiled plans kept per input shape; synthesis uses one or two shapes, so a few suffice. */
const PLAN_CACHE_SIZE = 4;

export class InterpretedModel extends TfjsModel {
  private readonly plans = new Map<string, Plan>();

  constructor(
    readonly name: string,
    readonly graph: OnnxModelIR,
    /** The value the model returns (a graph output or any intermediate value). */
    readonly output: string,
  ) {
    super();
  }

  /** The compiled plan for an input shape, compiling it on first use. */
  plan(shape: readonly number[]): Plan {
    const key = shape.join('x');
    let plan = this.plans.get(key);
    if (plan) {
      // Re-insert to keep the map in least-recently-used order.
      this.plans.delete(key);
      this.plans.set(key, plan);
      return plan;
    }
    plan = compilePlan(this.graph, this.output, shape);
    this.plans.set(key, plan);
    if (this.plans.size > PLAN_CACHE_SIZE) {
      const [oldestKey, oldest] = this.plans.entries().next().value as [string, Plan];
      oldest.dispose();
      this.plans.delete(oldestKey);
    }
    return plan;
  }

  tfjsForward(x: tf.Tensor4D): tf.Tensor {
    if (x.dtype !== 'float32') throw new ValueError(`${this.name} expects a float32 image batch, got ${x.dtype}.`);
    return this.plan(x.shape).run(x);
  }

  override dispose(): void {
    for (const plan of this.plans.values()) plan.dispose();
    this.plans.clear();
  }
}
