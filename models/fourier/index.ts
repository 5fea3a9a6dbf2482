export type { Complex } from './complex.js';
export {
  complex,
  complexAdd,
  complexSub,
  complexMul,
  complexScale,
  conj,
  complexAbs,
  complexAbsSquared,
  complexAngle,
  mapComplex,
  disposeComplex,
} from './complex.js';
export type { FftNorm, FftOptions } from './fft2.js';
export { fft2, ifft2, ifft2Real } from './fft2.js';
export { fftshift, ifftshift, roll } from './shift.js';
export { clearDftCache } from './dft2-kernel.js';
export { linearOperator, takeSlice, type LinearOperator } from './linear-operator.js';
export { prepareWasmRowKernel } from './wasm-row-fft.js';
