// "Export PNG": one composite picture of every case (its panels at full resolution up to 512 px, each with its
// label and colour bar, and the key metrics and the whole verdict text, wrapped), encoded by the browser and sent to
// the host, which owns the save dialog.
import type { ViewModel } from '../../src/shared/messages.ts';
import { fmtCorrelation, fmtSumRatio } from '../../src/shared/format.ts';
import type { CaseUi } from './caseView.ts';
import type { PanelKind } from './imageGrid.ts';
import type { ViewTheme } from './theme.ts';
import { cssColor } from './colormap.ts';

const TILE = 512;
const PAD = 12;
const TITLE_H = 22;
const LINE_H = 16;
/** Below each tile: its label, the colour bar, the bar's end values and note. */
const FOOT_H = 64;
const LABEL: Record<PanelKind, string> = { reference: 'reference', candidate: 'candidate', diff: 'Δ cand − ref', ratio: 'ratio cand / ref', model: 'model' };

export function compositeCanvas(vm: ViewModel, cases: CaseUi[], theme: ViewTheme): HTMLCanvasElement {
  const rows = cases.map((c) => {
    const kinds = c.grid.kinds().filter((k) => c.grid.rendered(k));
    const f = c.view.fpixels, s = c.view.spixels;
    // Small detectors are enlarged by an integer factor (crisp pixels) to at least 256 px; large ones shrink to 512 px.
    const big = Math.max(f, s);
    const k = big < 256 ? Math.max(1, Math.floor(256 / big)) : Math.min(1, TILE / big);
    return { c, kinds, w: Math.round(f * k), h: Math.round(s * k) };
  });
  const width = Math.max(400, ...rows.map((r) => PAD + r.kinds.length * (r.w + PAD)));
  const canvas = document.createElement('canvas');
  const measure = canvas.getContext('2d');
  if (!measure) throw new Error('no 2-D canvas context for the PNG export');
  measure.font = `12px ${theme.font}`;
  const heads = rows.map((r) => {
    const m = r.c.view.metrics;
    const text = `correlation ${fmtCorrelation(m?.correlation)}   sum ratio ${fmtSumRatio(m?.sumRatio)}   ${r.c.view.verdict.reason}`;
    return wrap(measure, text, width - 2 * PAD);
  });
  const height = PAD + TITLE_H + rows.reduce((sum, r, i) => sum + 22 + heads[i].length * LINE_H + 6 + r.h + FOOT_H + PAD, 0);
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context for the PNG export');
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = theme.foreground;
  ctx.font = `bold 14px ${theme.font}`;
  ctx.textBaseline = 'top';
  ctx.fillText(`nanoBragg parity — ${vm.stamp}`, PAD, PAD);
  let y = PAD + TITLE_H;
  rows.forEach((r, i) => {
    ctx.font = `bold 13px ${theme.font}`;
    ctx.fillText(`${r.c.view.caseId}  ${r.c.view.verdict.status.toUpperCase()}`, PAD, y + 4);
    ctx.font = `12px ${theme.font}`;
    y += 22;
    for (const line of heads[i]) { ctx.fillText(line, PAD, y); y += LINE_H; }
    y += 6;
    let x = PAD;
    for (const kind of r.kinds) {
      const img = r.c.grid.rendered(kind)!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, x, y, r.w, r.h);
      ctx.fillText(LABEL[kind], x, y + r.h + 4);
      const legend = r.c.grid.legend(kind);
      if (legend) colourBar(ctx, legend, x, y + r.h + 20, r.w, theme.font);
      x += r.w + PAD;
    }
    if (!r.kinds.length) ctx.fillText('(no images)', PAD, y);
    y += r.h + FOOT_H + PAD;
  });
  return canvas;
}

/** Split text into lines no wider than maxWidth (words kept whole unless a single word is wider). */
function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word;
    if (line && ctx.measureText(next).width > maxWidth) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** A panel's colour bar (as in its legend): gradient, end values, note (wrapped to the tile width). */
function colourBar(ctx: CanvasRenderingContext2D, l: NonNullable<ReturnType<CaseUi['grid']['legend']>>, x: number, y: number, w: number, font: string): void {
  const g = ctx.createLinearGradient(x, 0, x + w, 0);
  for (let i = 0; i <= 8; i++) g.addColorStop(i / 8, cssColor(l.map, i / 8));
  const fill = ctx.fillStyle;
  ctx.fillStyle = g;
  ctx.fillRect(x, y, w, 8);
  ctx.fillStyle = fill;
  ctx.font = `11px ${font}`;
  ctx.fillText(l.lo, x, y + 11);
  const hw = ctx.measureText(l.hi).width;
  ctx.fillText(l.hi, x + w - hw, y + 11);
  wrap(ctx, l.note, w).slice(0, 2).forEach((line, i) => ctx.fillText(line, x, y + 25 + i * 13));
  ctx.font = `12px ${font}`;
}

export async function canvasPngBytes(canvas: HTMLCanvasElement): Promise<ArrayBuffer> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG (canvas too large?)');
  return blob.arrayBuffer();
}
