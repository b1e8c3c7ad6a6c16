// Region of interest: Shift+drag on any image draws a rectangle (a plain drag still pans); the readout shows the
// region's metrics next to the full frame's, computed here from the full-resolution images with the same shared
// code the host uses (src/shared/pairMetrics.ts), so they equal `nb-parity run --roi` / `compare --roi`.
import { computeRegionMetrics, type PixelRect } from '../../src/shared/pairMetrics.ts';
import { fmtFixed, fmtNumber } from '../../src/shared/format.ts';
import type { Metrics } from '../../src/shared/types.ts';
import { clear, h } from './dom.ts';

/** The inclusive rectangle spanned by two pixels, clamped to the image. */
export function rectBetween(a: { slow: number; fast: number }, b: { slow: number; fast: number }, fpixels: number, spixels: number): PixelRect {
  const c = (v: number, n: number) => Math.max(0, Math.min(n - 1, Math.floor(v)));
  return {
    x0: c(Math.min(a.fast, b.fast), fpixels), x1: c(Math.max(a.fast, b.fast), fpixels),
    y0: c(Math.min(a.slow, b.slow), spixels), y1: c(Math.max(a.slow, b.slow), spixels),
  };
}

export const ROI_ROWS: [string, (m: Metrics) => string][] = [
  ['corr', (m) => fmtFixed(m.correlation)],
  ['sum ratio', (m) => fmtFixed(m.sumRatio)],
  ['RMSE', (m) => fmtNumber(m.rmse)],
  ['max |Δ|', (m) => fmtNumber(m.maxAbsDiff)],
  ['finite', (m) => `${m.finitePixels} / ${m.pixels}`],
];

export interface RoiResult { rect: PixelRect; roi: Metrics; full: Metrics; ms: number }

/** ROI and full-frame metrics, timed (the full frame is computed once per image pair and cached by the caller). */
export function roiResult(reference: Float32Array, candidate: Float32Array, fpixels: number, rect: PixelRect, full: Metrics): RoiResult {
  const t0 = performance.now();
  const roi = computeRegionMetrics(reference, candidate, fpixels, rect);
  return { rect, roi, full, ms: performance.now() - t0 };
}

export class RoiReadout {
  readonly element = h('div', { class: 'roi-readout', 'aria-live': 'polite', hidden: true });
  last?: RoiResult;

  constructor(private readonly onClear?: () => void) {}

  show(r: RoiResult): void {
    this.last = r;
    this.element.hidden = false;
    this.element.dataset.ms = r.ms.toFixed(2);
    clear(this.element);
    const { x0, x1, y0, y1 } = r.rect;
    this.element.append(
      h('div', { class: 'roi-title' }, `ROI fast ${x0}…${x1}, slow ${y0}…${y1} (inclusive; --roi ${x0},${x1},${y0},${y1}) · ${r.ms.toFixed(1)} ms`),
      h('table', { class: 'roi-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'metric'), h('th', {}, 'ROI'), h('th', {}, 'full frame'))),
        h('tbody', {}, ROI_ROWS.map(([name, f]) => h('tr', { 'data-metric': name }, h('th', {}, name), h('td', { class: 'roi-value' }, f(r.roi)), h('td', {}, f(r.full)))))),
      h('button', { type: 'button', class: 'roi-clear', onclick: () => { this.hide(); this.onClear?.(); } }, 'Clear ROI'),
    );
  }

  hide(): void {
    this.last = undefined;
    this.element.hidden = true;
    clear(this.element);
  }
}

type Pixel = { slow: number; fast: number };

/**
 * The drag glue the image grid calls: begin on Shift+pointerdown, move while dragging, and `place` boxes over every
 * canvas after each draw (the box is in image coordinates, so it follows zoom/pan on all linked panels).
 */
export class RoiTool {
  readonly readout = new RoiReadout(() => { this.mirrored = undefined; this.onChange?.(undefined, true); });
  private start?: Pixel;
  private pointer?: number;
  private rect?: PixelRect;
  private fullFrame?: { ref: Float32Array; cand: Float32Array; m: Metrics };
  /** A region drawn on another grid of a compare view: boxed here too, without this grid's own readout. */
  private mirrored?: PixelRect;
  /** Told of every region drawn here (undefined = cleared; `done` when the drag ends): the compare view's one table for all rows. */
  onChange?: (rect: PixelRect | undefined, done: boolean) => void;

  constructor(private readonly fpixels: number, private readonly spixels: number, private readonly images: () => { reference?: Float32Array; candidate?: Float32Array }, private readonly needFull: () => void) {}

  get dragging(): boolean { return this.pointer !== undefined; }

  begin(pointer: number, p: Pixel): void { this.pointer = pointer; this.start = p; this.move(pointer, p); }

  end(pointer: number): boolean {
    if (this.pointer !== pointer) return false;
    this.pointer = undefined;
    if (this.rect) this.onChange?.(this.rect, true);
    return true;
  }

  move(pointer: number, p: Pixel | undefined): void {
    if (pointer !== this.pointer || !this.start || !p) return;
    this.rect = rectBetween(this.start, p, this.fpixels, this.spixels);
    this.mirrored = undefined;
    this.onChange?.(this.rect, false);
    const r = this.metrics(this.rect);
    if (r) this.readout.show(r);
  }

  /** This grid's ROI and full-frame metrics for a region (the full frame cached per image pair); undefined until both full images are here. */
  metrics(rect: PixelRect): RoiResult | undefined {
    const { reference, candidate } = this.images();
    if (!reference || !candidate) { this.needFull(); return undefined; }
    if (this.fullFrame?.ref !== reference || this.fullFrame.cand !== candidate) {
      const all = { x0: 0, x1: this.fpixels - 1, y0: 0, y1: this.spixels - 1 };
      this.fullFrame = { ref: reference, cand: candidate, m: computeRegionMetrics(reference, candidate, this.fpixels, all) };
    }
    return roiResult(reference, candidate, this.fpixels, rect, this.fullFrame.m);
  }

  /** Box a region drawn on another grid (or none); this grid's own readout is cleared. */
  mirror(rect: PixelRect | undefined): void {
    this.readout.hide();
    this.mirrored = rect;
  }

  /** Position one box per figure; toCanvas maps image (x=fast, y=slow) to canvas pixels. */
  place(figures: { figure: HTMLElement; toCanvas: (x: number, y: number) => [number, number] }[]): void {
    const r = this.readout.last ? this.rect : this.mirrored;
    for (const { figure, toCanvas } of figures) {
      let box = figure.querySelector<HTMLElement>(':scope > .roi-box');
      if (!r) { box?.remove(); continue; }
      if (!box) { box = h('div', { class: 'roi-box' }); figure.append(box); }
      const [ax, ay] = toCanvas(r.x0, r.y0);
      const [bx, by] = toCanvas(r.x1 + 1, r.y1 + 1);
      Object.assign(box.style, { left: `${ax}px`, top: `${ay}px`, width: `${bx - ax}px`, height: `${by - ay}px` });
    }
  }
}
