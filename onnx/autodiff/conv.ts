// Conv and ConvTranspose. The input gradient of a stride-1 Conv is a Conv of the cotangent with the weight's channel
// axes swapped (per group) and its taps flipped, stored as a new initializer: onnxruntime runs that in its fast
// blocked (NCHWc) layout, where ConvTranspose would lose it (../shared/spec/ort-grad-probe.md measured 15-25%).
// Strided Convs (and those reading few channels) use ConvTranspose, whose output_padding restores the rows a
// floor-mode Conv dropped. The adjoint of a ConvTranspose is the Conv with the same weight and geometry. Tangents
// go through the op itself, unbiased.
import { attr, attrInt } from '../attributes.js';
import { convTranspose2d, window2d } from '../geometry.js';
import type { Attribute } from '../ir.js';
import type { TensorData } from '../tensor-data.js';
import { ruleError, type JvpContext, type OpRule, type RuleContext } from './rule.js';

/** [M, C/g, kh, kw] -> [C, M/g, kh, kw] with each kernel rotated by 180°: the weight of the adjoint Conv. */
export function adjointConvWeight(w: TensorData, group: number): TensorData {
  const [m, cg, kh, kw] = w.dims;
  const mg = m / group;
  const src = w.data as Float32Array;
  const out = new Float32Array(src.length);
  const taps = kh * kw;
  for (let g = 0; g < group; g++) {
    for (let o = 0; o < mg; o++) {
      for (let c = 0; c < cg; c++) {
        const from = ((g * mg + o) * cg + c) * taps;
        const to = ((g * cg + c) * mg + o) * taps;
        for (let t = 0; t < taps; t++) out[to + t] = src[from + taps - 1 - t];
      }
    }
  }
  return { dtype: 'float32', dims: [cg * group, mg, kh, kw], data: out };
}

function weightOf(ctx: RuleContext): TensorData {
  const w = ctx.requireConstant(1, 'weight');
  if (w.dims.length !== 4) throw ruleError(ctx, `has a ${w.dims.length}-D weight; only 2-D convolutions are differentiated.`);
  if (ctx.active(1) || (ctx.node.inputs[2] && ctx.active(2))) throw ruleError(ctx, 'its weight or bias depends on the image.');
  return w;
}

/** The node's own op on the tangent, without the bias (which is constant). */
function linearJvp(ctx: JvpContext): string[] {
  const t = ctx.tangent(0)!;
  const inputs = [t, ctx.node.inputs[1]];
  return [ctx.e.emit(ctx.node.opType, inputs, ctx.outShape(0), ctx.node.attributes)];
}

function spatialAttributes(kernel: number[], dilations: number[], group: number): Record<string, Attribute> {
  return { kernel_shape: attr.ints(kernel), dilations: attr.ints(dilations), group: attr.int(group) };
}

const conv: OpRule = {
  vjp(ctx) {
    if (!ctx.active(0)) return [];
    const e = ctx.e;
    const g = ctx.cotangent(0)!;
    const w = weightOf(ctx);
    const [, , h, wd] = ctx.inShape(0);
    const [kh, kw] = w.dims.slice(2);
    const group = attrInt(ctx.node, 'group', 1);
    const geo = window2d(ctx.node, [h, wd], [kh, kw]);
    const span = [0, 1].map((i) => (geo.kernel[i] - 1) * geo.dilations[i] + 1);
    const [pb, pl, pe, pr] = geo.pads;
    const spatial = spatialAttributes(geo.kernel, geo.dilations, group);
    // Few input channels (an RGB image) make the adjoint Conv's output too narrow for the blocked layout, where
    // ConvTranspose measured about 1.5x faster; it cannot take pads wider than the kernel.
    const narrow = group === 1 && w.dims[1] < 8 && geo.pads.every((p, i) => p < span[i % 2]);
    if (geo.strides[0] === 1 && geo.strides[1] === 1 && !narrow) {
      // Full correlation with the rotated kernel. A pad wider than span - 1 (windows lying wholly in the padding)
      // would make the adjoint's pad negative: those cotangent rows touch no input, so they are cropped instead.
      const before = [span[0] - 1 - pb, span[1] - 1 - pl];
      const after = [span[0] - 1 - pe, span[1] - 1 - pr];
      const gShape = ctx.outShape(0);
      const cropped = e.slice(g, [2, 3].map((axis, i) => ({ axis, start: Math.max(0, -before[i]), end: gShape[axis] - Math.max(0, -after[i]) })));
      const weight = e.constant(adjointConvWeight(w, group), 'adjoint_weight');
      const pads = [...before, ...after].map((p) => Math.max(0, p));
      return [e.emit('Conv', [cropped, weight], ctx.inShape(0), { ...spatial, pads: attr.ints(pads), strides: attr.ints([1, 1]) })];
    }
    const outputPadding = [0, 1].map((i) => [h, wd][i] + geo.pads[i] + geo.pads[i + 2] - (geo.strides[i] * (geo.out[i] - 1) + span[i]));
    return [
      e.emit('ConvTranspose', [g, ctx.node.inputs[1]], ctx.inShape(0), {
        ...spatial,
        strides: attr.ints(geo.strides),
        pads: attr.ints([pb, pl, pe, pr]),
        output_padding: attr.ints(outputPadding),
      }),
    ];
  },
  jvp: linearJvp,
};

const convTranspose: OpRule = {
  vjp(ctx) {
    if (!ctx.active(0)) return [];
    const e = ctx.e;
    const w = weightOf(ctx);
    const [, , h, wd] = ctx.inShape(0);
    const geo = convTranspose2d(ctx.node, [h, wd], [w.dims[2], w.dims[3]]);
    if (geo.pads.some((p) => p < 0)) throw ruleError(ctx, 'its output_shape is larger than the full transposed convolution.');
    const group = attrInt(ctx.node, 'group', 1);
    const y = e.emit('Conv', [ctx.cotangent(0)!, ctx.node.inputs[1]], ctx.inShape(0), {
      ...spatialAttributes(geo.kernel, geo.dilations, group),
      strides: attr.ints(geo.strides),
      pads: attr.ints(geo.pads),
    });
    return [y];
  },
  jvp: linearJvp,
};

export const convRules: Record<string, OpRule> = { Conv: conv, ConvTranspose: convTranspose };
