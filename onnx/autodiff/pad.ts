// Pad in constant, reflect and edge modes, with negative pads cropping (applied after growing, as the interpreter
// does). The adjoint undoes the crop with zeros, then folds each padded border back onto the input: dropped for
// constant mode, mirrored onto the rows next to the edge for reflect, summed into the edge row for edge.
import { attr } from '../attributes.js';
import { padParams, type PadParams } from '../op-params.js';
import type { GraphEmitter } from './emitter.js';
import type { OpRule, RuleContext } from './rule.js';

function params(ctx: RuleContext): { p: PadParams; grow: [number, number][]; crop: [number, number][] } {
  const p = padParams(ctx, ctx.inShape(0).length);
  return {
    p,
    grow: p.pads.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)]),
    crop: p.pads.map(([b, a]) => [Math.max(-b, 0), Math.max(-a, 0)]),
  };
}

/** The adjoint of padding one axis of an input of `size` by [before, after] in reflect or edge mode. */
function foldBorders(e: GraphEmitter, g: string, axis: number, [before, after]: [number, number], size: number, mode: string): string {
  const shape = e.shapeOf(g);
  const target = shape.map((d, i) => (i === axis ? size : d));
  const at = (offset: number) => shape.map((_, i) => (i === axis ? offset : 0));
  const parts = [e.slice(g, [{ axis, start: before, end: before + size }])];
  const border = (start: number, end: number, landing: number) => {
    const piece = e.slice(g, [{ axis, start, end }]);
    if (mode === 'edge') return e.reframe(e.reduceSum(piece, [axis], true), at(-landing), target);
    // Reflect: the border reversed lands next to the edge it mirrors.
    const reversed = e.slice(piece, [{ axis, start: end - start - 1, end: -1, step: -1 }]);
    return e.reframe(reversed, at(-landing), target);
  };
  if (before > 0) parts.push(border(0, before, mode === 'edge' ? 0 : 1));
  if (after > 0) parts.push(border(before + size, before + size + after, mode === 'edge' ? size - 1 : size - 1 - after));
  return e.sum(parts)!;
}

const pad: OpRule = {
  vjp(ctx) {
    const e = ctx.e;
    const { p, grow, crop } = params(ctx);
    const shape = ctx.inShape(0);
    let g = e.pad(ctx.cotangent(0)!, crop);
    if (p.mode === 'constant') {
      const grown = e.shapeOf(g);
      return [e.slice(g, shape.map((d, axis) => ({ axis, start: grow[axis][0], end: grown[axis] - grow[axis][1] })))];
    }
    grow.forEach((pads, axis) => {
      if (pads[0] > 0 || pads[1] > 0) g = foldBorders(e, g, axis, pads, shape[axis], p.mode);
    });
    return [g];
  },
  jvp(ctx) {
    const e = ctx.e;
    const { p, grow, crop } = params(ctx);
    const t = ctx.tangent(0)!;
    let grown = t;
    if (p.mode === 'constant') grown = e.pad(t, grow);
    else if (grow.some(([b, a]) => b > 0 || a > 0)) {
      const shape = e.shapeOf(t).map((d, i) => d + grow[i][0] + grow[i][1]);
      const flat = [...grow.map((q) => q[0]), ...grow.map((q) => q[1])];
      grown = e.emit('Pad', [t, e.int64s(flat)], shape, { mode: attr.string(p.mode) });
    }
    const size = e.shapeOf(grown);
    return [e.slice(grown, size.map((d, axis) => ({ axis, start: crop[axis][0], end: d - crop[axis][1] })))];
  },
};

export const padRules: Record<string, OpRule> = { Pad: pad };
