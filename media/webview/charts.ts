// Vega-lite specs for the four charts, built from pre-binned data (see binning.ts, radial.ts).
// Pure: colours come in as a ChartTheme read from the VS Code CSS variables, so the same function is used by the
// webview and by the headless render test. No expressions that need `new Function` (the webview CSP forbids it;
// vega-embed's `ast: true` interprets what vega-lite generates).
import type { TopLevelSpec } from 'vega-lite';
import type { Thresholds, TrendPoint } from '../../src/shared/messages.ts';
import type { Bin2D, Hist1D } from './binning.ts';
import type { RadialPoint } from './radial.ts';
import { cssColor } from './colormap.ts';

export interface ChartTheme {
  foreground: string;
  grid: string;
  font: string;
  reference: string;
  candidate: string;
  model: string;
  accent: string;
  warning: string;
}

export const FALLBACK_THEME: ChartTheme = {
  foreground: '#cccccc', grid: 'rgba(128,128,128,0.35)', font: 'sans-serif',
  reference: '#3794ff', candidate: '#d18616', model: '#89d185', accent: '#b180d7', warning: '#f14c4c',
};

const WIDTH = 260;
const HEIGHT = 200;

function config(t: ChartTheme) {
  const axis = { labelColor: t.foreground, titleColor: t.foreground, gridColor: t.grid, domainColor: t.grid, tickColor: t.grid,
    labelFont: t.font, titleFont: t.font, titleFontWeight: 'normal' as const };
  return {
    background: 'transparent',
    font: t.font,
    view: { stroke: t.grid },
    axis,
    legend: { labelColor: t.foreground, titleColor: t.foreground, labelFont: t.font, titleFont: t.font },
    title: { color: t.foreground, font: t.font, fontWeight: 'normal' as const, fontSize: 12, anchor: 'start' as const },
  };
}

/** Candidate vs reference, log10 of the pixel count per bin; the dashed diagonal is perfect parity. */
export function hist2dSpec(bins: Bin2D[], axis: 'linear' | 'log10', t: ChartTheme): TopLevelSpec {
  const lo = bins.length ? Math.min(...bins.map((b) => Math.min(b.x0, b.y0))) : 0;
  const hi = bins.length ? Math.max(...bins.map((b) => Math.max(b.x1, b.y1))) : 1;
  const unit = axis === 'log10' ? ' (log10)' : '';
  const ramp = [0, 0.25, 0.5, 0.75, 1].map((k) => cssColor('viridis', k));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Candidate vs reference (log counts)',
    width: WIDTH, height: WIDTH, config: config(t),
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: `reference${unit}`, scale: { domain: [lo, hi], nice: false } },
          x2: { field: 'x1' },
          y: { field: 'y0', type: 'quantitative', title: `candidate${unit}`, scale: { domain: [lo, hi], nice: false } },
          y2: { field: 'y1' },
          color: { field: 'log10Count', type: 'quantitative', title: 'log10 pixels', scale: { range: ramp } },
        },
      },
      {
        data: { values: [{ v: lo }, { v: hi }] },
        mark: { type: 'line', strokeDash: [4, 3], color: t.foreground, opacity: 0.6 },
        encoding: { x: { field: 'v', type: 'quantitative' }, y: { field: 'v', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Δ = candidate − reference; symlog counts so single outlier pixels stay visible next to the central peak. */
export function deltaHistSpec(h: Hist1D, t: ChartTheme): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Δ = candidate − reference',
    width: WIDTH, height: HEIGHT, config: config(t),
    layer: [
      {
        data: { values: h.bins },
        mark: { type: 'rect', color: t.accent },
        encoding: {
          x: { field: 'x0', type: 'quantitative', title: 'Δ', scale: { domain: [h.lo, h.hi], nice: false } },
          x2: { field: 'x1' },
          y: { field: 'count', type: 'quantitative', title: 'pixels', scale: { type: 'symlog' } },
        },
      },
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: t.foreground, strokeDash: [4, 3], opacity: 0.7 },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

export interface RadialSeries { side: 'reference' | 'candidate' | 'model'; points: RadialPoint[] }

/** Mean intensity per annulus around the beam centre, one line per side. */
export function radialSpec(series: RadialSeries[], scale: 'linear' | 'log', t: ChartTheme): TopLevelSpec {
  const values = series.flatMap((s) => s.points.map((p) => ({ r: p.r, mean: p.mean, side: s.side })));
  const sides = series.map((s) => s.side);
  const colours = sides.map((s) => t[s]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Radial profile around the beam centre',
    width: WIDTH, height: HEIGHT, config: config(t),
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'r', type: 'quantitative', title: 'radius (pixels)' },
      y: { field: 'mean', type: 'quantitative', title: 'mean intensity', scale: { type: scale === 'log' ? 'symlog' : 'linear' } },
      color: { field: 'side', type: 'nominal', title: null, scale: { domain: sides, range: colours }, legend: { orient: 'top' } },
      // Same field, domain and title as colour: vega-lite merges both into one legend (dashes help colour-blind readers).
      strokeDash: { field: 'side', type: 'nominal', title: null, scale: { domain: sides, range: sides.map((_, i) => (i === 0 ? [1, 0] : i === 1 ? [5, 3] : [2, 2])) }, legend: { orient: 'top' } },
    },
  } as TopLevelSpec;
}

/** Correlation and sum ratio over this case's bundles, with the case's thresholds as dashed rules. */
export function trendSpec(points: TrendPoint[], thresholds: Thresholds, t: ChartTheme): TopLevelSpec {
  // A time axis (from each bundle's STAMP): uneven gaps between runs show as gaps, and the labels stay few and level.
  const row = (p: TrendPoint, value: number | null) => ({ stamp: p.stamp, time: stampIso(p.stamp), value });
  const corr = points.filter((p) => p.correlation !== null && Number.isFinite(p.correlation)).map((p) => row(p, p.correlation));
  const ratio = points.filter((p) => p.sumRatio !== null && Number.isFinite(p.sumRatio)).map((p) => row(p, p.sumRatio));
  const x = { field: 'time', type: 'temporal' as const, title: 'bundle time (UTC)', scale: { nice: false },
    axis: { labelAngle: 0, tickCount: 4, labelOverlap: true, format: '%b %d %H:%M', formatType: 'utc' } };
  // Vega's own tooltip handler (a title on the hovered mark; no injected style, so CSP-safe) names bundle and value.
  const tooltip = [{ field: 'stamp', type: 'nominal' as const, title: 'bundle' }, { field: 'value', type: 'quantitative' as const, title: 'value', format: '.6~g' }];
  const ratioRules: number[] = [];
  if (thresholds.sumRatioTol !== undefined) ratioRules.push(1 - thresholds.sumRatioTol, 1 + thresholds.sumRatioTol);
  if (thresholds.sumRatioMin !== undefined) ratioRules.push(thresholds.sumRatioMin);
  if (thresholds.sumRatioMax !== undefined) ratioRules.push(thresholds.sumRatioMax);
  const panel = (title: string, values: { stamp: string; time: string; value: number | null }[], colour: string, rules: number[], scale: object = { zero: false }) => ({
    title,
    width: WIDTH, height: 110,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, color: colour },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: null, scale }, tooltip },
      },
      ...(rules.length ? [{
        data: { values: rules.map((limit) => ({ limit })) },
        mark: { type: 'rule', color: t.warning, strokeDash: [4, 3] },
        encoding: { y: { field: 'limit', type: 'quantitative' } },
      }] : []),
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: config(t),
    vconcat: [
      panel('Correlation over bundles', corr, t.reference, thresholds.corrMin !== undefined ? [thresholds.corrMin] : []),
      panel('Sum ratio over bundles', ratio, t.candidate, ratioRules),
      // max |Δ| only where the points carry it (the history view): it spans decades as a port converges, so symlog.
      ...(points.some((p) => p.maxAbsDiff !== undefined)
        ? [panel('max |Δ| over bundles', points.filter((p) => p.maxAbsDiff != null && Number.isFinite(p.maxAbsDiff)).map((p) => row(p, p.maxAbsDiff!)), t.accent,
          thresholds.maxAbsMax !== undefined ? [thresholds.maxAbsMax] : [], { type: 'symlog', zero: false })] : []),
    ],
  } as TopLevelSpec;
}

/** vega-embed options that work under the webview CSP (no eval, no injected <style>, no action menu). */
export const EMBED_OPTIONS = { ast: true, actions: false, defaultStyle: false, tooltip: false, renderer: 'svg' } as const;

/** 20251110T120000Z (the bundle STAMP) → 2025-11-10T12:00:00Z; anything else is passed through for vega to parse. */
export function stampIso(stamp: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d*)Z/.exec(stamp);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ? `.${m[7].slice(0, 3)}` : ''}Z` : stamp;
}
