// A float64 2-D DFT straight from the definition (separable: 1-D sums along rows, then columns), the analytic
// reference for small test images.
export interface Complex64 {
  re: Float64Array;
  im: Float64Array;
}

/** y[k,l] = scale · Σ x[m,n] exp(sign·2πi (km/h + ln/w)), for one h×w image. */
export function naiveDft2(
  xr: ArrayLike<number>,
  xi: ArrayLike<number> | null,
  h: number,
  w: number,
  sign: 1 | -1,
  scale = 1,
): Complex64 {
  // Along rows: t[m, l] = Σ_n x[m, n] e^{sign 2πi ln/w}.
  const tr = new Float64Array(h * w);
  const ti = new Float64Array(h * w);
  for (let m = 0; m < h; m++) {
    for (let l = 0; l < w; l++) {
      let sr = 0;
      let si = 0;
      for (let n = 0; n < w; n++) {
        const angle = (sign * 2 * Math.PI * ((l * n) % w)) / w;
        const a = xr[m * w + n];
        const b = xi ? xi[m * w + n] : 0;
        sr += a * Math.cos(angle) - b * Math.sin(angle);
        si += a * Math.sin(angle) + b * Math.cos(angle);
      }
      tr[m * w + l] = sr;
      ti[m * w + l] = si;
    }
  }
  // Along columns: y[k, l] = Σ_m t[m, l] e^{sign 2πi km/h}.
  const re = new Float64Array(h * w);
  const im = new Float64Array(h * w);
  for (let k = 0; k < h; k++) {
    for (let l = 0; l < w; l++) {
      let sr = 0;
      let si = 0;
      for (let m = 0; m < h; m++) {
        const angle = (sign * 2 * Math.PI * ((k * m) % h)) / h;
        sr += tr[m * w + l] * Math.cos(angle) - ti[m * w + l] * Math.sin(angle);
        si += tr[m * w + l] * Math.sin(angle) + ti[m * w + l] * Math.cos(angle);
      }
      re[k * w + l] = scale * sr;
      im[k * w + l] = scale * si;
    }
  }
  return { re, im };
}

/** numpy.fft.fftshift of one h×w image (zero frequency to ⌊h/2⌋, ⌊w/2⌋). */
export function naiveFftshift(x: ArrayLike<number>, h: number, w: number): Float64Array {
  const out = new Float64Array(h * w);
  for (let m = 0; m < h; m++) {
    for (let n = 0; n < w; n++) {
      out[((m + Math.floor(h / 2)) % h) * w + ((n + Math.floor(w / 2)) % w)] = x[m * w + n];
    }
  }
  return out;
}
