// Resize is linear in its input: per image, Y = Mh X Mwᵀ with the interpolation matrices the tfjs interpreter
// builds (one formulation for every mode and coordinate transform). The adjoint applies the transposed matrices
// with two MatMuls; the tangent goes through the Resize node itself.
import { resizeParams } from '../op-params.js';
import { interpolationMatrix } from '../interpreter/resize.js';
import { makeTensor } from '../tensor-data.js';
import { ruleError, type OpRule } from './rule.js';

const resize: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const shape = ctx.inShape(0);
    const p = resizeParams(ctx, shape);
    const out = ctx.outShape(0);
    if (shape.length !== 4 || out[0] !== shape[0] || out[1] !== shape[1]) {
      throw ruleError(ctx, 'only resizes of the last two axes of an NCHW image are differentiated.');
    }
    const [n, c, h, w] = shape;
    const [oh, ow] = [out[2], out[3]];
    const rows = interpolationMatrix(h, oh, p.scales[2], p);
    const cols = interpolationMatrix(w, ow, p.scales[3], p);
    const rowsT = new Float32Array(h * oh);
    for (let o = 0; o < oh; o++) for (let i = 0; i < h; i++) rowsT[i * oh + o] = rows[o * h + i];
    const g = e.reshape(ctx.cotangent(0)!, [n * c, oh, ow]);
    const alongW = e.emit('MatMul', [g, e.constant(makeTensor('float32', [ow, w], cols), 'resize_cols')], [n * c, oh, w]);
    const alongH = e.emit('MatMul', [e.constant(makeTensor('float32', [h, oh], rowsT), 'resize_rows_t'), alongW], [n * c, h, w]);
    return [e.reshape(alongH, shape)];
  },
  jvp(ctx) {
    const inputs = [ctx.tangent(0)!, ...ctx.node.inputs.slice(1)];
    return [ctx.e.emit('Resize', inputs, ctx.outShape(0), ctx.node.attributes)];
  },
};

export const resizeRules: Record<string, OpRule> = { Resize: resize };
