// NLPD forward + backward on a 256² pair, against plenoptic's `po.metric.nlpd(einstein, x).backward()`.
import { nlpd } from '../models/metrics/index.js';
import { metricForwardBackwardBench } from './ssim.js';
import type { Bench } from './types.js';

export const bench: Bench = metricForwardBackwardBench('NLPD', 'nlpd_forward_backward_256', 0.0295, (a, b) => nlpd(a, b));
