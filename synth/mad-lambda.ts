// MADCompetition's automatic metric_tradeoff_lambda, and the number format of the warning that announces it.
import { ValueError } from '../runtime/errors.js';

/**
 * plenoptic's automatic metric_tradeoff_lambda: the power of ten nearest (in log10, rounding half to even) to the
 * ratio of the initial metric values, computed in float32 as torch does.
 */
export function balancingLambda(optimized: number, reference: number): number {
  const ratio = Math.fround(optimized / reference);
  const exponent = roundHalfEven(Math.fround(Math.log10(ratio)));
  const lambda = Math.fround(10 ** exponent);
  if (!Number.isFinite(lambda)) {
    throw new ValueError(
      `Cannot pick metricTradeoffLambda automatically: the initial metric values are optimized ${optimized}, reference ${reference}. ` +
        'Use a positive initialNoise, or pass metricTradeoffLambda explicitly.',
    );
  }
  return lambda;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A number as Python's repr prints a float (1.0, 0.1, 1e-05, 1e+16), so warnings read as plenoptic's do. */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exponent = Number(expText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const fixed = String(x);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}
