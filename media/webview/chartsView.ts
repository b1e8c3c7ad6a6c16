// Renders the four charts of a case with vega-embed in its CSP-safe mode (EMBED_OPTIONS: ast interpreter, no
// actions, no injected styles, no tooltip handler). Failures are shown in place and reported to the host.
import embed from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import type { CaseView, ScaleName } from '../../src/shared/messages.ts';
import { EMBED_OPTIONS, deltaHistSpec, hist2dSpec, radialSpec, trendSpec, type RadialSeries } from './charts.ts';
import { deltaHistogram, histogram2d } from './binning.ts';
import { geometricCenter, radialProfile } from './radial.ts';
import type { ViewTheme } from './theme.ts';
import { h } from './dom.ts';

export type ChartKind = 'hist2d' | 'delta' | 'radial' | 'trend';

export interface ChartSlots { element: HTMLElement; slots: Record<ChartKind, HTMLElement>; note: HTMLElement }

const LABELS: Record<ChartKind, string> = {
  hist2d: 'Candidate versus reference two-dimensional histogram',
  delta: 'Histogram of the difference candidate minus reference',
  radial: 'Radial profile around the beam centre',
  trend: 'Correlation and sum ratio over earlier bundles',
};

export function chartSlots(caseId: string): ChartSlots {
  const slots = {} as Record<ChartKind, HTMLElement>;
  const element = h('div', { class: 'charts' });
  for (const kind of ['hist2d', 'delta', 'radial', 'trend'] as ChartKind[]) {
    slots[kind] = h('div', { class: 'chart', 'data-testid': `chart-${kind}-${caseId}`, role: 'img', 'aria-label': LABELS[kind] },
      h('span', { class: 'chart-wait' }, kind === 'trend' ? '' : 'waiting for images…'));
    element.append(slots[kind]);
  }
  const note = h('p', { class: 'note chart-note', hidden: true, 'data-testid': `chart-note-${caseId}` });
  element.append(note);
  return { element, slots, note };
}

/** The image charts of a case whose bundle holds no images (or not both): say so plainly, not "waiting" forever. */
export function markChartsMissing(slots: ChartSlots, why: string): void {
  for (const kind of ['hist2d', 'delta', 'radial'] as ChartKind[]) {
    const slot = slots.slots[kind];
    if (slot.dataset.state) continue;
    slot.replaceChildren(h('span', { class: 'chart-wait' }, why));
    slot.dataset.state = 'empty';
  }
}

/** Images of one level: full (binning 1, the case's size) or k×k max-binned previews of fpixels × spixels. */
interface Images {
  reference?: Float32Array; candidate?: Float32Array; model?: Float32Array; diff?: Float32Array;
  binning?: number; fpixels?: number; spixels?: number;
}

async function show(slot: HTMLElement, spec: TopLevelSpec | undefined, emptyText: string, onError: (m: string) => void): Promise<void> {
  slot.replaceChildren();
  if (!spec) { slot.append(h('span', { class: 'chart-wait' }, emptyText)); slot.dataset.state = 'empty'; return; }
  try {
    const target = h('div');
    slot.append(target);
    await embed(target, spec, EMBED_OPTIONS);
    slot.dataset.state = 'rendered';
  } catch (err) {
    slot.replaceChildren(h('span', { class: 'chart-error' }, `chart failed: ${(err as Error).message}`));
    slot.dataset.state = 'error';
    onError((err as Error).message);
  }
}

/** (Re)render the charts whose inputs are available. */
export async function renderCharts(slots: ChartSlots, cv: CaseView, img: Images, scale: ScaleName, theme: ViewTheme,
  onError: (kind: ChartKind, message: string) => void): Promise<void> {
  const jobs: Promise<void>[] = [];
  const both = img.reference && img.candidate;
  if (both) {
    // Log axes when the user chose log and the images are mostly positive; otherwise linear.
    const h2 = histogram2d(img.reference!, img.candidate!, { bins: 64, axis: scale === 'log' ? 'log10' : 'linear' });
    const useful = h2.counted > 0 ? h2 : histogram2d(img.reference!, img.candidate!, { bins: 64, axis: 'linear' });
    jobs.push(show(slots.slots.hist2d, hist2dSpec(useful.bins, useful.axis, theme), '', (m) => onError('hist2d', m)));
    const diff = img.diff;
    if (diff) jobs.push(show(slots.slots.delta, deltaHistSpec(deltaHistogram(diff, { bins: 60 }), theme), '', (m) => onError('delta', m)));
  }
  const k = img.binning ?? 1;
  slots.note.hidden = k === 1;
  slots.note.textContent = k === 1 ? '' : `Charts from the ${k}×${k} max-binned preview (each value is the brightest pixel of its bin): `
    + 'histograms lean bright and the radial profile is coarser. They are redrawn from the exact pixels once the full image arrives (hover or zoom in).';
  const series: RadialSeries[] = [];
  const full = cv.beamCenter ?? geometricCenter(cv.fpixels, cv.spixels);
  // Preview pixel j covers image pixels jk … jk+k−1, so its centre is at image coordinate jk + (k−1)/2.
  const centre = { slow: (full.slow - (k - 1) / 2) / k, fast: (full.fast - (k - 1) / 2) / k };
  const fw = img.fpixels ?? cv.fpixels, sh = img.spixels ?? cv.spixels;
  const profile = (data: Float32Array) => radialProfile(data, fw, sh, centre).map((p) => ({ ...p, r: p.r * k }));
  if (img.reference) series.push({ side: 'reference', points: profile(img.reference) });
  if (img.candidate) series.push({ side: 'candidate', points: profile(img.candidate) });
  if (img.model) series.push({ side: 'model', points: profile(img.model) });
  if (series.length) {
    jobs.push(show(slots.slots.radial, radialSpec(series, scale, theme), '', (m) => onError('radial', m)).then(() => {
      if (!cv.beamCenter) slots.slots.radial.append(h('p', { class: 'note' }, 'Beam centre unknown for this geometry: profile around the detector centre.'));
    }));
  }
  jobs.push(show(slots.slots.trend, cv.trend.length >= 1 ? trendSpec(cv.trend, cv.thresholds, theme) : undefined,
    'No earlier bundles of this case in the reports folder.', (m) => onError('trend', m)));
  await Promise.all(jobs);
}
