export { PortillaSimoncelli, type PortillaSimoncelliOptions } from './model.js';
export { statisticKeys, type StatisticKey, type PsLayout, type StatisticGroup } from './layout.js';
export type { PsDict } from './dict.js';
export type { PsPlotData, PsPlotPanel } from './plot-data.js';
export { prepareScaleBlocksModule } from './wasm-scale-blocks.js';
