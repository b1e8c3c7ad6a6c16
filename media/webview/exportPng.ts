// "Export PNG": one composite picture of every case (its panels at full resolution up to 512 px, with titles and
// the key metrics), encoded by the browser and sent to the host, which owns the save dialog.
import type { ViewModel } from '../../src/shared/messages.ts';
import { fmtCorrelation, fmtSumRatio } from '../../src/shared/format.ts';
import type { CaseUi } from './caseView.ts';
import type { PanelKind } from './imageGrid.ts';
import type { ViewTheme } from './theme.ts';

const TILE = 512;
const PAD = 12;
const TITLE_H = 22;
const ROW_HEAD = 40;
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
  const height = PAD + TITLE_H + rows.reduce((sum, r) => sum + ROW_HEAD + r.h + TITLE_H + PAD, 0);
  const canvas = document.createElement('canvas');
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
  for (const r of rows) {
    const m = r.c.view.metrics;
    ctx.font = `bold 13px ${theme.font}`;
    ctx.fillText(`${r.c.view.caseId}  ${r.c.view.verdict.status.toUpperCase()}`, PAD, y + 4);
    ctx.font = `12px ${theme.font}`;
    ctx.fillText(`correlation ${fmtCorrelation(m?.correlation)}   sum ratio ${fmtSumRatio(m?.sumRatio)}   ${r.c.view.verdict.reason}`.slice(0, 160), PAD, y + 22);
    y += ROW_HEAD;
    let x = PAD;
    for (const kind of r.kinds) {
      const img = r.c.grid.rendered(kind)!;
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(img, x, y, r.w, r.h);
      ctx.fillText(LABEL[kind], x, y + r.h + 4);
      x += r.w + PAD;
    }
    if (!r.kinds.length) ctx.fillText('(no images)', PAD, y);
    y += r.h + TITLE_H + PAD;
  }
  return canvas;
}

export async function canvasPngBytes(canvas: HTMLCanvasElement): Promise<ArrayBuffer> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG (canvas too large?)');
  return blob.arrayBuffer();
}
