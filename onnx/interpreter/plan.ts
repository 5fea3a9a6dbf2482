// Compiles an ONNX graph, for one concrete input shape, into a list of prepared tfjs steps. With the shape fixed,
// folding removes all shape arithmetic, every remaining value has a static shape, and weights are converted to
// tfjs layouts once. Running the plan is synchronous and differentiable (tf.grad works through it).
import { ValueError } from '../../runtime/errors.js';
import { tf } from '../../runtime/tf.js';
import { foldConstants } from '../fold.js';
import type { OnnxModelIR } from '../ir.js';
import { opsetVersion, pruneToOutputs, withGraph } from '../ir.js';
import { nodeLabel } from '../op-params.js';
import { staticShape } from '../shape-inference.js';
import { tensorNumbers, type TensorData } from '../tensor-data.js';
import type { Args, PrepareContext, Run, StaticValue } from './kernel.js';
import { asNCHW, nchwOperand, type Operand } from './operand.js';
import { kernels } from './registry.js';

interface Step {
  inputs: string[];
  outputs: string[];
  run: Run;
}

export interface Plan {
  readonly input: string;
  readonly inputShape: readonly number[];
  readonly output: string;
  readonly outputShape: readonly number[];
  /** x: NCHW float32 of inputShape -> the output value (NCHW). Synchronous and differentiable. */
  run(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}

function floatTensor(t: TensorData): tf.Tensor {
  const values = t.data instanceof Float32Array ? t.data : Float32Array.from(tensorNumbers(t));
  return tf.tensor(values, t.dims, 'float32');
}

/** The single runtime input of a graph (image models have exactly one). */
export function imageInput(model: OnnxModelIR): string {
  const inputs = model.graph.inputs;
  if (inputs.length !== 1) {
    throw new ValueError(
      `The model has ${inputs.length} runtime inputs (${inputs.map((i) => i.name).join(', ')}); ` +
        'only models with a single image input are supported.',
    );
  }
  return inputs[0].name;
}

export function compilePlan(model: OnnxModelIR, output: string, inputShape: readonly number[]): Plan {
  const pruned = withGraph(model, pruneToOutputs(model.graph, [output]));
  const input = imageInput(model);
  if (!pruned.graph.inputs.some((v) => v.name === input)) {
    throw new ValueError(`Value '${output}' does not depend on the input '${input}'; tap a value computed from the image.`);
  }
  const { model: folded, facts } = foldConstants(pruned, { [input]: inputShape });
  const opset = opsetVersion(folded);
  const held: tf.Tensor[] = [];
  const hold = <T extends tf.Tensor>(t: T): T => {
    held.push(tf.keep(t));
    return t;
  };
  const constants = new Map<string, Operand>();
  const constantOperand = (name: string): Operand => {
    let operand = constants.get(name);
    if (!operand) {
      const value = folded.graph.initializers.get(name);
      if (!value) throw new ValueError(`Value '${name}' is used before it is computed.`);
      operand = nchwOperand(hold(floatTensor(value)));
      constants.set(name, operand);
    }
    return operand;
  };
  // Compile-time temporaries are released by the engine scope; what the plan keeps goes through hold().
  tf.engine().startScope();
  let steps: Step[];
  try {
    steps = folded.graph.nodes.map((node) => {
      const factory = kernels[node.opType];
      if (!factory) throw new ValueError(`${nodeLabel(node)}: op type '${node.opType}' is not supported by the interpreter.`);
      const staticValue = (name: string): StaticValue => {
        const f = facts.get(name)!;
        const constant = folded.graph.initializers.get(name) ?? f.constant;
        return { name, dtype: f.dtype, shape: staticShape(facts, name), ...(constant ? { constant } : {}) };
      };
      const ctx: PrepareContext = {
        node,
        opset,
        hasInput: (i) => !!node.inputs[i],
        constant: (i) => (node.inputs[i] ? folded.graph.initializers.get(node.inputs[i]) : undefined),
        input: (i) => (node.inputs[i] ? staticValue(node.inputs[i]) : undefined),
        shape: (i) => staticShape(facts, node.inputs[i]),
        outputs: node.outputs.map((o) => (o ? staticValue(o) : { name: '', dtype: 'float32', shape: [] })),
        constantTensor: (i, transform) => {
          const value = folded.graph.initializers.get(node.inputs[i]);
          if (!value) throw new ValueError(`${nodeLabel(node)}: input ${i} must be a constant.`);
          return hold(transform ? tf.tidy(() => transform(floatTensor(value))) : floatTensor(value));
        },
        hold,
      };
      try {
        return { inputs: node.inputs, outputs: node.outputs, run: factory(ctx) };
      } catch (e) {
        if (e instanceof ValueError) throw e;
        throw new ValueError(`${nodeLabel(node)}: ${(e as Error).message}`);
      }
    });
  } catch (e) {
    for (const t of held) t.dispose();
    throw e;
  } finally {
    tf.engine().endScope();
  }
  const outputShape = staticShape(facts, output);
  return {
    input,
    inputShape: [...inputShape],
    output,
    outputShape,
    run(x: tf.Tensor): tf.Tensor {
      if (x.shape.length !== inputShape.length || x.shape.some((d, i) => d !== inputShape[i])) {
        throw new ValueError(`This plan was compiled for input shape [${inputShape.join(', ')}], got [${x.shape.join(', ')}].`);
      }
      if (output === input) return tf.clone(x);
      const env = new Map<string, Operand>([[input, nchwOperand(x)]]);
      for (const step of steps) {
        const args: Args = {
          get: (i) => env.get(step.inputs[i]) ?? constantOperand(step.inputs[i]),
        };
        const results = step.run(args);
        step.outputs.forEach((name, i) => {
          if (name) env.set(name, results[i]);
        });
      }
      const result = env.get(output);
      if (!result) throw new ValueError(`Value '${output}' was not computed.`);
      return asNCHW(result);
    },
    dispose() {
      for (const t of held) t.dispose();
      held.length = 0;
      constants.clear();
    },
  };
}
