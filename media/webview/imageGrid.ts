// The canvases of one case: reference, candidate, Δ, ratio (and the attribution model). One ViewTransform is
// shared by all of them (linked zoom/pan); hovering any canvas marks the same pixel on all and reports its values.
// Large images may first arrive as a k×k max-binned preview: it is drawn stretched over the full geometry, so the
// transform, the beam marker and the hovered pixel stay in full-resolution coordinates; the grid asks for the full
// image (onNeedFull) on hover or when zoomed past the preview's resolution.
import type { BeamCenter, ViewSettings } from '../../src/shared/messages.ts';
import { h } from './dom.ts';
import { difference, hoverValues, ratio, type HoverValues } from './derived.ts';
import { clampTransform, imageToCanvas, initialTransform, panBy, pixelAt, pixelScale, zoomAt, type ViewTransform } from './transform.ts';
import { canvasSize, createPanel, drawPanel, paintPanel, type Panel, type PanelKind, type RangeChoice } from './gridPanel.ts';
import { intensityRangeFor, sharedMapping } from './sharedRange.ts';
import { symmetricMapping, type MapName, type Mapping } from './colormap.ts';
import { RoiTool } from './roi.ts';
import type { PeaksMessage } from '../../src/shared/compareMessages.ts';

export type { PanelKind } from './gridPanel.ts';

export interface GridEvents {
  onHover(values: HoverValues | undefined, caseId: string): void;
  onTransform(t: ViewTransform): void;
  onError(message: string): void;
  /** A preview is shown and the user hovers or zoomed past its resolution: the full image is wanted. */
  onNeedFull?(caseId: string, why: 'hover' | 'zoom'): void;
  /** A click on a pixel (no drag), or Enter on the focused image: trace that pixel. */
  onPick?(pixel: { slow: number; fast: number }, caseId: string): void;
}

/** A k×k max-binned preview of a full image of the grid's size (see src/shared/preview.ts). */
export interface Preview { data: Float32Array; binning: number; fpixels: number; spixels: number }
type SourceKind = 'reference' | 'candidate' | 'model';
interface Layer { data: Float32Array; binning: number; w: number; h: number }
/** What the charts get: one level for all images (full, or previews of the same binning). */
export interface GridImages {
  reference?: Float32Array; candidate?: Float32Array; model?: Float32Array; diff?: Float32Array;
  binning: number; fpixels: number; spixels: number;
}

export class ImageGrid {
  readonly element: HTMLElement;
  private readonly panels = new Map<PanelKind, Panel>();
  private transform: ViewTransform;
  private hovered: { slow: number; fast: number } | undefined;
  private drag: { x: number; y: number; id: number; moved?: number } | undefined;
  private readonly resize = new ResizeObserver(() => this.draw());
  private readonly full = new Map<SourceKind, Float32Array>();
  private readonly previews = new Map<SourceKind, Preview>();
  /** Shift+drag: region-of-interest metrics (media/webview/roi.ts). */
  readonly roi: RoiTool;

  constructor(
    private readonly caseId: string,
    private readonly fpixels: number,
    private readonly spixels: number,
    private beam: BeamCenter | undefined,
    private settings: ViewSettings,
    private markerColour: string,
    withModel: boolean,
    private readonly events: GridEvents,
    private readonly titles?: Partial<Record<PanelKind, string>>,
  ) {
    this.transform = clampTransform(settings.zoom > 1 && settings.centerFast !== undefined && settings.centerSlow !== undefined
      ? { zoom: settings.zoom, cx: settings.centerFast, cy: settings.centerSlow } : initialTransform(fpixels, spixels), fpixels, spixels);
    const kinds: PanelKind[] = ['reference', 'candidate', 'diff', 'ratio'];
    if (withModel) kinds.push('model');
    this.element = h('div', { class: 'image-grid', role: 'group', 'aria-label': `Images of ${caseId}` });
    for (const kind of kinds) this.element.append(this.makePanel(kind).figure);
    this.roi = new RoiTool(fpixels, spixels, () => ({ reference: this.full.get('reference'), candidate: this.full.get('candidate') }), () => this.events.onNeedFull?.(caseId, 'hover'));
    this.element.append(this.roi.readout.element);
  }

  private makePanel(kind: PanelKind): Panel {
    const panel = createPanel(kind, this.caseId, this.fpixels, this.spixels, this.titles?.[kind]);
    this.panels.set(kind, panel);
    this.wire(panel.canvas);
    this.resize.observe(panel.canvas);
    return panel;
  }

  private wire(canvas: HTMLCanvasElement): void {
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const [w, hgt] = canvasSize(canvas);
      this.setTransform(zoomAt(this.transform, Math.exp(-e.deltaY * 0.0015), this.fpixels, this.spixels, w, hgt, e.offsetX, e.offsetY));
    }, { passive: false });
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      const [w, hgt] = canvasSize(canvas);
      const at = e.shiftKey ? pixelAt(this.transform, this.fpixels, this.spixels, w, hgt, e.offsetX, e.offsetY) : undefined;
      if (at) { this.roi.begin(e.pointerId, at); this.draw(); return; }
      this.drag = { x: e.clientX, y: e.clientY, id: e.pointerId };
    });
    canvas.addEventListener('pointermove', (e) => {
      const [w, hgt] = canvasSize(canvas);
      if (this.drag && this.drag.id === e.pointerId) {
        const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
        this.drag.x = e.clientX; this.drag.y = e.clientY;
        this.drag.moved = (this.drag.moved ?? 0) + Math.abs(dx) + Math.abs(dy);
        this.setTransform(panBy(this.transform, dx, dy, this.fpixels, this.spixels, w, hgt));
      }
      const at = pixelAt(this.transform, this.fpixels, this.spixels, w, hgt, e.offsetX, e.offsetY);
      if (this.roi.dragging) { this.roi.move(e.pointerId, at); this.draw(); }
      this.setHover(at);
    });
    const endDrag = (e: PointerEvent) => { this.roi.end(e.pointerId); if (this.drag?.id === e.pointerId) this.drag = undefined; };
    canvas.addEventListener('pointerup', (e) => {
      // A press that did not pan (≤ 3 CSS pixels of travel) is a click on the pixel under the pointer.
      const click = this.drag?.id === e.pointerId && (this.drag.moved ?? 0) <= 3;
      endDrag(e);
      if (!click || !this.events.onPick) return;
      const [w, hgt] = canvasSize(canvas);
      const p = pixelAt(this.transform, this.fpixels, this.spixels, w, hgt, e.offsetX, e.offsetY);
      if (p) this.events.onPick(p, this.caseId);
    });
    canvas.addEventListener('pointercancel', endDrag);
    canvas.addEventListener('pointerleave', () => { if (!this.drag) this.setHover(undefined); });
    canvas.addEventListener('dblclick', (e) => {
      const [w, hgt] = canvasSize(canvas);
      this.setTransform(zoomAt(this.transform, 2, this.fpixels, this.spixels, w, hgt, e.offsetX, e.offsetY));
    });
    canvas.addEventListener('keydown', (e) => {
      const [w, hgt] = canvasSize(canvas);
      const step = 0.1;
      let t: ViewTransform | undefined;
      switch (e.key) {
        case '+': case '=': t = zoomAt(this.transform, 1.5, this.fpixels, this.spixels, w, hgt); break;
        case '-': case '_': t = zoomAt(this.transform, 1 / 1.5, this.fpixels, this.spixels, w, hgt); break;
        case '0': t = initialTransform(this.fpixels, this.spixels); break;
        case 'Enter': if (this.hovered && this.events.onPick) { e.preventDefault(); this.events.onPick(this.hovered, this.caseId); } return;
        case 'ArrowLeft': t = panBy(this.transform, w * step, 0, this.fpixels, this.spixels, w, hgt); break;
        case 'ArrowRight': t = panBy(this.transform, -w * step, 0, this.fpixels, this.spixels, w, hgt); break;
        case 'ArrowUp': t = panBy(this.transform, 0, hgt * step, this.fpixels, this.spixels, w, hgt); break;
        case 'ArrowDown': t = panBy(this.transform, 0, -hgt * step, this.fpixels, this.spixels, w, hgt); break;
        default: return;
      }
      e.preventDefault();
      this.setTransform(t);
      // Keyboard users get the readout of the pixel at the centre of the view.
      this.setHover(pixelAt(this.transform, this.fpixels, this.spixels, w, hgt, w / 2, hgt / 2));
    });
    canvas.addEventListener('blur', () => this.setHover(undefined));
  }

  zoomBy(factor: number): void {
    const c = this.panels.get('reference')!.canvas;
    const [w, hgt] = canvasSize(c);
    this.setTransform(zoomAt(this.transform, factor, this.fpixels, this.spixels, w, hgt));
  }

  resetZoom(): void {
    this.setTransform(initialTransform(this.fpixels, this.spixels));
  }

  getTransform(): ViewTransform {
    return this.transform;
  }

  /** Compare view: another grid moved; follow it without echoing the change back. */
  linkTransform(t: ViewTransform): void {
    this.transform = clampTransform(t, this.fpixels, this.spixels);
    this.draw();
    this.checkResolution();
  }

  /** Compare view: one intensity range for every grid of the panel (else each grid's own reference+candidate union). */
  rangeOverride?: () => Mapping | undefined;
  /** Compare view: one Δ range for A's and B's own Δ panels (the Δ-between-bundles panels keep their own). */
  diffOverride?: () => Mapping | undefined;
  /** The symmetric range this grid's Δ panel would use on its own (undefined until it has data). */
  diffRange(): Mapping | undefined {
    const d = this.panels.get('diff')?.data;
    return d && symmetricMapping(d, 0, this.settings.scale, this.settings.clipPercentile);
  }
  private peaks?: PeaksMessage;
  setPeaks(p: PeaksMessage): void {
    this.peaks = p;
    this.draw();
  }

  private setTransform(t: ViewTransform): void {
    this.transform = t;
    this.draw();
    this.events.onTransform(t);
    this.checkResolution();
  }

  private setHover(p: { slow: number; fast: number } | undefined): void {
    const same = p && this.hovered && p.slow === this.hovered.slow && p.fast === this.hovered.fast;
    if (same || (!p && !this.hovered)) return;
    this.hovered = p;
    this.draw();
    this.emitHover();
    if (p && this.previewBinning() > 1) this.events.onNeedFull?.(this.caseId, 'hover');
  }

  private emitHover(): void {
    this.events.onHover(this.hovered ? this.hoverAt(this.hovered) : undefined, this.caseId);
  }

  /** Exact values once every shown image is full; until then the preview bin's values, marked with its binning. */
  private hoverAt(p: { slow: number; fast: number }): HoverValues | undefined {
    const kinds = (['reference', 'candidate', 'model'] as SourceKind[]).filter((k) => this.panels.has(k));
    const k = this.previewBinning();
    if (k === 1) {
      return hoverValues({ reference: this.full.get('reference'), candidate: this.full.get('candidate'), model: this.full.get('model') },
        this.fpixels, this.spixels, p.slow, p.fast);
    }
    // Mixed levels (one side full, the other still a preview): stay on the previews so Δ compares like with like.
    const pick = (kind: SourceKind) => (kinds.includes(kind) && this.previews.get(kind)?.binning === k ? this.previews.get(kind)!.data : undefined);
    const v = hoverValues({ reference: pick('reference'), candidate: pick('candidate'), model: pick('model') },
      Math.ceil(this.fpixels / k), Math.ceil(this.spixels / k), Math.floor(p.slow / k), Math.floor(p.fast / k));
    return v && { ...v, slow: p.slow, fast: p.fast, binning: k };
  }

  /** Largest binning among the reference/candidate/model images held only as previews (1 = all full). */
  private previewBinning(): number {
    let k = 1;
    for (const [kind, p] of this.previews) if (this.panels.has(kind) && !this.full.has(kind)) k = Math.max(k, p.binning);
    return k;
  }

  /** Zoomed so far that one preview pixel covers more than one device pixel: ask for the full image. */
  private checkResolution(): void {
    const k = this.previewBinning();
    if (k === 1) return;
    const [w, hgt] = canvasSize(this.panels.get('reference')!.canvas);
    const devicePerImagePixel = pixelScale(this.transform, this.fpixels, this.spixels, w, hgt) * (window.devicePixelRatio || 1);
    if (devicePerImagePixel * k > 1) this.events.onNeedFull?.(this.caseId, 'zoom');
  }

  /** Give a panel its full-resolution float data (reference/candidate/model); Δ and ratio follow once both sides are present. */
  setImage(kind: SourceKind, data: Float32Array): void {
    if (!this.panels.has(kind)) return;
    this.full.set(kind, data);
    this.refreshData(kind);
  }

  /** A preview until the full image arrives (ignored once the full image is there). */
  setPreview(kind: SourceKind, preview: Preview): void {
    if (!this.panels.has(kind) || this.full.has(kind)) return;
    this.previews.set(kind, preview);
    this.refreshData(kind);
    this.checkResolution();
  }

  private layer(kind: SourceKind): Layer | undefined {
    const f = this.full.get(kind);
    if (f) return { data: f, binning: 1, w: this.fpixels, h: this.spixels };
    const p = this.previews.get(kind);
    return p && { data: p.data, binning: p.binning, w: p.fpixels, h: p.spixels };
  }

  /** Reference and candidate at one level: both full, else both previews of the same binning. */
  private pair(): { ref: Layer; cand: Layer } | undefined {
    const rf = this.full.get('reference'), cf = this.full.get('candidate');
    if (rf && cf) return { ref: this.layer('reference')!, cand: this.layer('candidate')! };
    const rp = this.previews.get('reference'), cp = this.previews.get('candidate');
    if (rp && cp && rp.binning === cp.binning) {
      return { ref: { data: rp.data, binning: rp.binning, w: rp.fpixels, h: rp.spixels }, cand: { data: cp.data, binning: cp.binning, w: cp.fpixels, h: cp.spixels } };
    }
    return undefined;
  }

  private assign(panel: Panel, l: Layer): void {
    panel.data = l.data; panel.binning = l.binning; panel.dw = l.w; panel.dh = l.h;
  }

  private refreshData(changed: SourceKind): void {
    const dirty = new Set<PanelKind>([changed]);
    const l = this.layer(changed);
    if (l) this.assign(this.panels.get(changed)!, l);
    const pair = changed === 'model' ? undefined : this.pair();
    const diffPanel = this.panels.get('diff')!;
    // Δ and ratio are recomputed only when the pair's level changes (a second preview, or the second full image).
    if (pair && (diffPanel.data === undefined || diffPanel.binning !== pair.ref.binning || changed === 'reference' || changed === 'candidate')) {
      const { ref, cand } = pair;
      this.assign(diffPanel, { ...ref, data: difference(ref.data, cand.data) });
      this.assign(this.panels.get('ratio')!, { ...ref, data: ratio(ref.data, cand.data) });
      dirty.add('diff'); dirty.add('ratio');
    }
    this.recolor(dirty);
    if (this.hovered) this.emitHover();
  }

  /** The images for the charts, all at one level (full when reference and candidate are full). */
  images(): GridImages {
    const pair = this.pair();
    const k = pair ? pair.ref.binning : (this.full.size ? 1 : this.previewBinning());
    const at = (kind: SourceKind) => (k === 1 ? this.full.get(kind) : this.previews.get(kind)?.binning === k ? this.previews.get(kind)!.data : undefined);
    const diff = this.panels.get('diff');
    return { reference: at('reference'), candidate: at('candidate'), model: at('model'),
      diff: diff?.data && diff.binning === k ? diff.data : undefined,
      binning: k, fpixels: k === 1 ? this.fpixels : Math.ceil(this.fpixels / k), spixels: k === 1 ? this.spixels : Math.ceil(this.spixels / k) };
  }

  /** A side that will never come (run failed, no file): say so instead of "waiting". */
  markMissing(kind: PanelKind, why: string): void {
    const p = this.panels.get(kind);
    if (p && !p.data) p.status.textContent = why;
  }

  applySettings(settings: ViewSettings, markerColour: string, beam: BeamCenter | undefined): void {
    this.settings = settings;
    this.markerColour = markerColour;
    this.beam = beam;
    this.recolor();
  }

  /** The range reference and candidate would share now (one level: the pair, else whichever images are shown). */
  sharedRange(): Mapping | undefined {
    const ref = this.panels.get('reference')?.data, cand = this.panels.get('candidate')?.data;
    return sharedMapping([ref, cand], this.settings.scale, this.settings.clipPercentile);
  }

  private recolor(only?: Set<PanelKind>): void {
    // A change to either side changes the shared range, so both sides are repainted.
    const group = this.rangeOverride?.();
    const own = intensityRangeFor(this.settings, group ?? this.sharedRange());
    const range: RangeChoice = group && own.source === 'shared' ? { ...own, source: 'compare' } : own;
    if (only && range.source !== 'own' && (only.has('reference') || only.has('candidate'))) { only.add('reference'); only.add('candidate'); }
    for (const p of this.panels.values()) {
      if (!p.data || (only && !only.has(p.kind))) continue;
      try {
        paintPanel(p, this.settings, range, this.diffOverride?.());
      } catch (err) {
        p.status.hidden = false;
        p.status.textContent = `cannot draw: ${(err as Error).message}`;
        this.events.onError(`${this.caseId} ${p.kind}: ${(err as Error).message}`);
      }
    }
    this.draw();
  }

  draw(): void {
    const view = { transform: this.transform, fpixels: this.fpixels, spixels: this.spixels, beam: this.beam, hovered: this.hovered, markerColour: this.markerColour,
      peaks: this.settings.showPeaks ? this.peaks : undefined };
    for (const p of this.panels.values()) drawPanel(p, view);
    this.roi.place([...this.panels.values()].map((p) => ({ figure: p.figure, toCanvas: (x: number, y: number) => {
      const [w, hgt] = canvasSize(p.canvas);
      const [cx, cy] = imageToCanvas(this.transform, this.fpixels, this.spixels, w, hgt, x, y);
      return [cx + p.canvas.offsetLeft, cy + p.canvas.offsetTop];
    } })));
  }

  /** The coloured image of a panel (full resolution, or the preview until it arrives) for the PNG export; undefined if not drawn yet. */
  rendered(kind: PanelKind): HTMLCanvasElement | undefined {
    const p = this.panels.get(kind);
    return p?.data ? p.offscreen : undefined;
  }

  /** A panel's colour bar as drawn: its map and the legend's end labels and note (for the PNG export). */
  legend(kind: PanelKind): { map: MapName; lo: string; hi: string; note: string } | undefined {
    const p = this.panels.get(kind);
    if (!p?.data || !p.mapName) return undefined;
    const text = (sel: string) => p.legend.querySelector(sel)?.textContent ?? '';
    const classes = [...p.legend.querySelectorAll('.legend-class')].map((c) => c.textContent?.trim()).join('  ');
    return { map: p.mapName, lo: text('.legend-lo'), hi: text('.legend-hi'), note: classes ? `${text('.legend-note')}  ${classes}` : text('.legend-note') };
  }

  kinds(): PanelKind[] {
    return [...this.panels.keys()];
  }

  dispose(): void {
    this.resize.disconnect();
  }
}
