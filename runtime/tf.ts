// The one place that imports tfjs (with wasm-slice.ts, the kernel fix it loads). tfjs-core alone does not register
// chained ops (x.sum()) or gradients, and we depend on tfjs-core rather than the 290 MiB @tensorflow/tfjs union, so
// both are registered here.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import './wasm-slice.js';

// tfjs hands a single-output op its gradient as a bare tensor, and an unused output's as null, so Unpack's own
// gradient (stack(dy)) fails whenever an unstack is differentiated again: the double-vjp jvp of any model that
// uses tf.stack([x]) or stacks a batch of one. Same rule, with both cases handled.
tf.registerGradient({
  kernelName: 'Unpack',
  gradFunc: (dy: tf.Tensor | tf.Tensor[], _saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const dys = Array.isArray(dy) ? dy : [dy];
    const present = dys.find((t) => t != null);
    return { value: () => tf.stack(dys.map((t) => t ?? tf.zerosLike(present!)), attrs.axis as number) };
  },
});

// tfjs 4.22's MirrorPad gradient only crops dy, dropping what the mirrored border contributed (the gradient of
// sum(mirrorPad([1,2,3,4], [[2,2]], 'reflect')) came out [1,1,1,1] instead of [1,3,3,1]). This one folds each
// padded border back onto the values it copied, one axis at a time.
tf.registerGradient({
  kernelName: 'MirrorPad',
  inputsToSave: ['x'],
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const x = saved[0];
    const paddings = attrs.paddings as [number, number][];
    const offset = attrs.mode === 'reflect' ? 1 : 0;
    return {
      x: () => {
        let g = dy as tf.Tensor;
        paddings.forEach(([before, after], axis) => {
          const n = x.shape[axis];
          const part = (start: number, size: number) => {
            const begin = g.shape.map((_, i) => (i === axis ? start : 0));
            const sizes = g.shape.map((d, i) => (i === axis ? size : d));
            return tf.slice(g, begin, sizes);
          };
          const zeroPad = (lo: number, hi: number) => g.shape.map((_, i) => (i === axis ? [lo, hi] : [0, 0]) as [number, number]);
          let folded = part(before, n);
          if (before > 0) folded = tf.add(folded, tf.pad(tf.reverse(part(0, before), axis), zeroPad(offset, n - before - offset)));
          if (after > 0) folded = tf.add(folded, tf.pad(tf.reverse(part(before + n, after), axis), zeroPad(n - after - offset, offset)));
          g = folded;
        });
        return g;
      },
    };
  },
});

// Production mode silences tfjs's console advice (e.g. 'install tfjs-node'), which users here cannot act on.
tf.enableProdMode();

export { tf, setWasmPaths };
export type Tensor = tf.Tensor;
export type Tensor4D = tf.Tensor4D;
export type Scalar = tf.Scalar;
