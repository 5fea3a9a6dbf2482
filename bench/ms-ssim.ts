// MS-SSIM forward + backward on a 256² pair, against plenoptic's `po.metric.ms_ssim(einstein, x).backward()`.
import { msSsim } from '../models/metrics/index.js';
import { metricForwardBackwardBench } from './ssim.js';
import type { Bench } from './types.js';

export const bench: Bench = metricForwardBackwardBench('MS-SSIM', 'ms_ssim_forward_backward_256', 0.0965, (a, b) => msSsim(a, b));
