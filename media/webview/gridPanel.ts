// One panel of the image grid (reference, candidate, Δ, ratio or model): its DOM, its colour image (offscreen
// canvas + legend, repainted when the data or the view settings change) and drawing it through the shared
// transform with the beam and hover markers. ImageGrid (imageGrid.ts) owns the state and the events.
import { notePainted } from './firstPaint.ts';
import type { BeamCenter, ScaleName, ViewSettings } from '../../src/shared/messages.ts';
import { h } from './dom.ts';
import { colorize, cssColor, intensityMapping, symmetricMapping, type MapName, type Mapping } from './colormap.ts';
import { imageToCanvas, pixelScale, visibleRect, type ViewTransform } from './transform.ts';
import { fmtNumber } from '../../src/shared/format.ts';
import type { PeaksMessage } from '../../src/shared/compareMessages.ts';
import { drawPeaks } from './peakMarkers.ts';
import { colorizeRatio, countRatioClasses, log2RatioMapping, RATIO_CLASS_COLOURS, RATIO_CLASS_LABELS, ratioTick,
  type Log2RatioMapping, type RatioClass } from './ratioScale.ts';

export type PanelKind = 'reference' | 'candidate' | 'diff' | 'ratio' | 'model';

const TITLES: Record<PanelKind, string> = {
  reference: 'Reference',
  candidate: 'Candidate',
  diff: 'Δ = candidate − reference',
  ratio: 'Ratio candidate / reference',
  model: 'Attribution model',
};

export interface Panel {
  kind: PanelKind;
  canvas: HTMLCanvasElement;
  /** Colour image of `data` (full resolution, or the preview's size), redrawn into `canvas` through the transform. */
  offscreen: HTMLCanvasElement;
  data?: Float32Array;
  /** 1 = `data` is the full image; k = a k×k max-binned preview of dw × dh pixels. */
  binning: number;
  dw: number;
  dh: number;
  level: HTMLElement;
  mapping?: Mapping | Log2RatioMapping;
  /** The colour map last painted with (for the PNG export's colour bar). */
  mapName?: MapName;
  legend: HTMLElement;
  status: HTMLElement;
  figure: HTMLElement;
}

/** What drawing needs from the grid: the shared transform, the image size, the markers. */
export interface PanelView {
  transform: ViewTransform;
  fpixels: number;
  spixels: number;
  beam: BeamCenter | undefined;
  hovered: { slow: number; fast: number } | undefined;
  markerColour: string;
  /** Peak markers to draw (undefined = hidden). */
  peaks?: PeaksMessage;
}

export function canvasSize(canvas: HTMLCanvasElement): [number, number] {
  return [canvas.clientWidth || 1, canvas.clientHeight || 1];
}

export function createPanel(kind: PanelKind, caseId: string, fpixels: number, spixels: number, title = TITLES[kind]): Panel {
  const canvas = h('canvas', {
    'data-testid': `canvas-${kind}-${caseId}`,
    tabindex: 0,
    role: 'img',
    'aria-label': `${title} image of ${caseId}, ${fpixels}×${spixels} pixels. Plus and minus zoom, 0 fits, arrow keys pan; the readout shows the pixel at the centre.`,
    class: 'image-canvas',
  });
  canvas.style.aspectRatio = `${fpixels} / ${spixels}`;
  const offscreen = document.createElement('canvas');
  offscreen.width = fpixels;
  offscreen.height = spixels;
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' });
  const status = h('div', { class: 'panel-status' }, 'waiting for image…');
  const level = h('span', { class: 'panel-level muted', 'data-testid': `level-${kind}-${caseId}` });
  const figure = h('figure', { class: `panel panel-${kind}` },
    h('figcaption', { 'data-testid': `caption-${kind}-${caseId}` }, title, ' ', level), h('div', { class: 'canvas-wrap' }, canvas, status), legend);
  const panel: Panel = { kind, canvas, offscreen, legend, status, figure, binning: 1, dw: fpixels, dh: spixels, level };
  return panel;
}

/** Where the intensity range of a reference/candidate panel comes from (see sharedRange.ts). */
export interface RangeChoice { mapping: Mapping | undefined; source: 'locked' | 'shared' | 'own' | 'compare' }

/** Recolour a panel's data into its offscreen canvas and legend by the view settings (throws if it cannot draw). */
export function paintPanel(p: Panel, settings: ViewSettings, range?: RangeChoice, diffRange?: Mapping): void {
  const data = p.data;
  if (!data) return;
  const { scale, clipPercentile, colorMap } = settings;
  const ctx = p.offscreen.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context');
  if (p.offscreen.width !== p.dw || p.offscreen.height !== p.dh) { p.offscreen.width = p.dw; p.offscreen.height = p.dh; }
  const img = ctx.createImageData(p.dw, p.dh);
  let legend: Node[];
  if (p.kind === 'ratio') {
    const m = log2RatioMapping(data, clipPercentile);
    p.mapping = m;
    colorizeRatio(data, m, img.data);
    p.mapName = 'diverging';
    legend = ratioLegend(m, data, clipPercentile);
  } else {
    let map: MapName = colorMap;
    let source: RangeChoice['source'] = 'own';
    if (p.kind === 'diff') { p.mapping = diffRange ?? symmetricMapping(data, 0, scale, clipPercentile); map = 'diverging'; if (diffRange) source = 'compare'; }
    else if (range?.mapping && (p.kind === 'reference' || p.kind === 'candidate')) { p.mapping = range.mapping; source = range.source; }
    else p.mapping = intensityMapping(data, scale, clipPercentile);
    colorize(data, p.mapping, map, img.data);
    p.mapName = map;
    legend = legendParts(p.mapping, map, scale, clipPercentile, source);
  }
  ctx.putImageData(img, 0, 0);
  p.figure.dataset.level = p.binning > 1 ? 'preview' : 'full';
  p.level.textContent = p.binning > 1 ? `(preview: max of ${p.binning}×${p.binning})` : '';
  p.level.title = p.binning > 1 ? 'Reduced preview of a large image; the full resolution loads when you hover or zoom in.' : '';
  p.status.textContent = '';
  p.status.hidden = true;
  p.figure.dataset.range = p.kind === 'reference' || p.kind === 'candidate' ? (range?.mapping ? range.source : 'own') : '';
  p.legend.replaceChildren(...legend);
}

/** Draw a panel's colour image through the transform, then the beam-centre and hovered-pixel markers. */
export function drawPanel(p: Panel, v: PanelView): void {
  const c = p.canvas;
  const [w, hgt] = canvasSize(c);
  const dpr = window.devicePixelRatio || 1;
  const bw = Math.max(1, Math.round(w * dpr)), bh = Math.max(1, Math.round(hgt * dpr));
  if (c.width !== bw || c.height !== bh) { c.width = bw; c.height = bh; }
  const ctx = c.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, hgt);
  if (!p.data) return;
  const t = v.transform, F = v.fpixels, S = v.spixels;
  const r = visibleRect(t, F, S, w, hgt);
  if (r.w > 0 && r.h > 0) {
    const [dx, dy] = imageToCanvas(t, F, S, w, hgt, r.x, r.y);
    const k = pixelScale(t, F, S, w, hgt);
    // A preview pixel covers b×b image pixels: the source rectangle is the same region in preview pixels.
    const b = p.binning;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(p.offscreen, r.x / b, r.y / b, r.w / b, r.h / b, dx, dy, r.w * k, r.h * k);
    notePainted(p.canvas, p.kind, b);
  }
  const k = pixelScale(t, F, S, w, hgt);
  if (v.beam) {
    // Pixel (s, f) has its centre at (f + 0.5, s + 0.5) in image space; BeamCenter puts pixel centres at integers.
    const [bx, by] = imageToCanvas(t, F, S, w, hgt, v.beam.fast + 0.5, v.beam.slow + 0.5);
    ctx.lineWidth = 1.5;
    for (const [colour, width] of [['rgba(0,0,0,0.8)', 3.5], [v.markerColour, 1.5]] as const) {
      ctx.strokeStyle = colour; ctx.lineWidth = width;
      ctx.beginPath();
      ctx.arc(bx, by, 7, 0, 2 * Math.PI);
      ctx.moveTo(bx - 12, by); ctx.lineTo(bx - 4, by); ctx.moveTo(bx + 4, by); ctx.lineTo(bx + 12, by);
      ctx.moveTo(bx, by - 12); ctx.lineTo(bx, by - 4); ctx.moveTo(bx, by + 4); ctx.lineTo(bx, by + 12);
      ctx.stroke();
    }
  }
  if (v.peaks) drawPeaks(ctx, p.kind, v.peaks, (x, y) => imageToCanvas(t, F, S, w, hgt, x, y), w, hgt);
  if (v.hovered) {
    const [hx, hy] = imageToCanvas(t, F, S, w, hgt, v.hovered.fast, v.hovered.slow);
    const size = Math.max(k, 5);
    const off = (size - k) / 2;
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(0,0,0,0.8)';
    ctx.strokeRect(hx - off - 1, hy - off - 1, size + 2, size + 2);
    ctx.strokeStyle = v.markerColour;
    ctx.strokeRect(hx - off, hy - off, size, size);
  }
}

function legendParts(m: Mapping, map: MapName, scale: ScaleName, clip: number, source: RangeChoice['source']): Node[] {
  const bar = h('span', { class: 'legend-bar' });
  bar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => cssColor(map, t)).join(', ')})`;
  let lo: string, hi: string;
  switch (m.kind) {
    case 'linear': lo = fmtNumber(m.lo); hi = fmtNumber(m.hi); break;
    case 'log': lo = fmtNumber(m.floor); hi = fmtNumber(m.hi); break;
    case 'symmetric': lo = fmtNumber(m.center - m.halfRange); hi = fmtNumber(m.center + m.halfRange); break;
  }
  const range = source === 'locked' ? ', locked range' : source === 'shared' ? ', range shared by both sides' : source === 'compare' ? ', one range for every image here' : '';
  const note = `${m.kind === 'symmetric' ? (m.log ? 'symlog' : 'linear') : scale}${clip < 100 ? `, p${clip}` : ''}${range}`;
  return [h('span', { class: 'legend-lo' }, lo), bar, h('span', { class: 'legend-hi' }, hi), h('span', { class: 'legend-note' }, note)];
}

/** log₂ legend: ×½…×1…×2 style ends around the neutral centre, then each class with its colour and pixel count. */
function ratioLegend(m: Log2RatioMapping, data: ArrayLike<number>, clip: number): Node[] {
  const bar = h('span', { class: 'legend-bar' });
  bar.style.background = `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => cssColor('diverging', t)).join(', ')})`;
  const counts = countRatioClasses(data);
  const classes = (['zero', 'inf', 'nan'] as RatioClass[]).map((k) => {
    const [r, g, b] = RATIO_CLASS_COLOURS[k];
    const sw = h('span', { class: 'legend-swatch' });
    sw.style.background = `rgb(${r}, ${g}, ${b})`;
    return h('span', { class: 'legend-class', 'data-class': k, 'data-count': String(counts[k]) }, sw, ` ${RATIO_CLASS_LABELS[k]}: ${counts[k]}`);
  });
  return [h('span', { class: 'legend-lo' }, ratioTick(-m.half)), bar, h('span', { class: 'legend-hi' }, ratioTick(m.half)),
    h('span', { class: 'legend-note' }, `log₂ ratio, ×1 neutral${clip < 100 ? `, p${clip}` : ''}`), ...classes];
}
