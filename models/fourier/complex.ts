// tfjs autodiff cannot carry complex64 (its gradients and the wasm kernels are missing), so a complex tensor is a
// pair of real float32 tensors of the same shape. All arithmetic below is built from real ops, whose gradients
// exist on every backend.
import { tf } from '../../runtime/tf.js';

/** A complex tensor: real and imaginary parts, same shape, float32. */
export interface Complex {
  re: tf.Tensor;
  im: tf.Tensor;
}

export function complex(re: tf.Tensor, im?: tf.Tensor | null): Complex {
  return { re, im: im ?? tf.zerosLike(re) };
}

export function complexAdd(a: Complex, b: Complex): Complex {
  return { re: tf.add(a.re, b.re), im: tf.add(a.im, b.im) };
}

export function complexSub(a: Complex, b: Complex): Complex {
  return { re: tf.sub(a.re, b.re), im: tf.sub(a.im, b.im) };
}

/** (a.re + i a.im)(b.re + i b.im), broadcasting like tf.mul. */
export function complexMul(a: Complex, b: Complex): Complex {
  return {
    re: tf.sub(tf.mul(a.re, b.re), tf.mul(a.im, b.im)),
    im: tf.add(tf.mul(a.re, b.im), tf.mul(a.im, b.re)),
  };
}

/** Multiplies both parts by a real tensor or number (e.g. a Fourier-domain mask). */
export function complexScale(a: Complex, s: tf.Tensor | number): Complex {
  return { re: tf.mul(a.re, s), im: tf.mul(a.im, s) };
}

export function conj(a: Complex): Complex {
  return { re: a.re, im: tf.neg(a.im) };
}

/** |z|². Smooth everywhere, unlike |z|. */
export function complexAbsSquared(a: Complex): tf.Tensor {
  return tf.add(tf.square(a.re), tf.square(a.im));
}

/**
 * |z|, with gradient 0 at z = 0 (torch's subgradient for abs of a complex) instead of the NaN that sqrt(0)
 * would give: the zero entries are lifted by a mask before the sqrt and masked out after.
 */
export function complexAbs(a: Complex): tf.Tensor {
  return tf.tidy(() => {
    const sq = complexAbsSquared(a);
    // sign() has a zero gradient registered, where equal() has none.
    const isZero = tf.sub(1, tf.sign(sq));
    return tf.mul(tf.sqrt(tf.add(sq, isZero)), tf.sub(1, isZero));
  });
}

/** arg z in (-π, π], with gradient 0 at z = 0 (atan2(0, 0) has none). */
export function complexAngle(a: Complex): tf.Tensor {
  return tf.tidy(() => {
    const isZero = tf.sub(1, tf.sign(complexAbsSquared(a)));
    return tf.mul(tf.atan2(a.im, tf.add(a.re, isZero)), tf.sub(1, isZero));
  });
}

/** Applies the same real-linear map (slice, reshape, transpose, shift...) to both parts. */
export function mapComplex(a: Complex, f: (t: tf.Tensor) => tf.Tensor): Complex {
  return { re: f(a.re), im: f(a.im) };
}

export function disposeComplex(a: Complex): void {
  a.re.dispose();
  a.im.dispose();
}
