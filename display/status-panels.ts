// The panel choice shared by the synthesis-status figures (metamer, MAD): plenoptic's included_plots and
// width_ratios, checked with its error text, and the panel widths they give.
import { ValueError } from '../runtime/errors.js';

export interface StatusPanelOptions {
  /** Panels, shown in the figure's fixed order; each figure has its default. */
  includedPlots?: readonly string[];
  /** Relative panel widths by plot name (each figure has its defaults). */
  widthRatios?: Readonly<Record<string, number>>;
  /** Pixels per unit of width ratio, and the panels' height (default 400). */
  panelSize?: number;
}

/** Throws plenoptic's error when includedPlots or widthRatios name a plot the figure does not have. */
export function checkStatusPanels(plots: readonly string[], options: StatusPanelOptions): void {
  const allowed = [...plots, 'misc'];
  const list = (xs: string[]) => `[${xs.map((x) => `'${x}'`).join(', ')}]`;
  for (const [names, what] of [[options.includedPlots ?? [], 'included_plots'], [Object.keys(options.widthRatios ?? {}), 'width_ratios']] as const) {
    const bad = names.filter((n) => !allowed.includes(n));
    if (bad.length) throw new ValueError(`${what} contained value(s) ${list(bad)}! Only ${list(allowed)} are permissible!`);
  }
}

/** The panels to draw, in the figure's order, with their pixel widths and the common height. */
export function statusPanels<P extends string>(
  plots: readonly P[],
  options: StatusPanelOptions,
  defaults: { included: readonly P[]; widthRatios?: Partial<Record<P, number>> },
): { included: P[]; widthOf: (plot: P) => number; height: number } {
  const height = options.panelSize ?? 400;
  const wanted = options.includedPlots ?? defaults.included;
  return {
    included: plots.filter((p) => wanted.includes(p)),
    widthOf: (plot) => Math.round(height * (options.widthRatios?.[plot] ?? defaults.widthRatios?.[plot] ?? 1)),
    height,
  };
}
