// Bragg peak markers on the images (toggled with the toolbar's "Peaks" button or P). Matched peaks (a partner
// within the match radius on the other side) are hollow circles; unmatched ones are crosses, in warning orange on
// the reference and magenta on the candidate, so the Δ panel (which shows both) tells the sides apart.
import type { PeakPoint, PeaksMessage } from '../../src/shared/compareMessages.ts';

export const PEAK_COLOURS = { matched: '#4ec9b0', unmatchedReference: '#ff8c00', unmatchedCandidate: '#ff4fd8' } as const;

type Kind = 'reference' | 'candidate' | 'diff' | 'ratio' | 'model';

/** Which peaks a panel shows: its own side's, both on Δ and ratio, none on the model. */
export function peaksFor(kind: Kind, p: PeaksMessage): { points: PeakPoint[]; side: 'reference' | 'candidate' }[] {
  if (kind === 'reference') return [{ points: p.reference, side: 'reference' }];
  if (kind === 'candidate') return [{ points: p.candidate, side: 'candidate' }];
  if (kind === 'diff' || kind === 'ratio') return [{ points: p.reference, side: 'reference' }, { points: p.candidate.filter((x) => !x.matched), side: 'candidate' }];
  return [];
}

/** Draw into a 2-D context already scaled to CSS pixels; `toCanvas` maps image (x = fast, y = slow) to the canvas. */
export function drawPeaks(ctx: CanvasRenderingContext2D, kind: Kind, p: PeaksMessage, toCanvas: (x: number, y: number) => [number, number], w: number, hgt: number): void {
  for (const { points, side } of peaksFor(kind, p)) {
    for (const pt of points) {
      const [x, y] = toCanvas(pt.fast + 0.5, pt.slow + 0.5);
      if (x < -8 || y < -8 || x > w + 8 || y > hgt + 8) continue;
      const colour = pt.matched ? PEAK_COLOURS.matched : side === 'reference' ? PEAK_COLOURS.unmatchedReference : PEAK_COLOURS.unmatchedCandidate;
      for (const [stroke, width] of [['rgba(0,0,0,0.75)', 3], [colour, 1.5]] as const) {
        ctx.strokeStyle = stroke; ctx.lineWidth = width;
        ctx.beginPath();
        if (pt.matched) ctx.arc(x, y, 5, 0, 2 * Math.PI);
        else { ctx.moveTo(x - 4, y - 4); ctx.lineTo(x + 4, y + 4); ctx.moveTo(x + 4, y - 4); ctx.lineTo(x - 4, y + 4); }
        ctx.stroke();
      }
    }
  }
}

/** "37/38 matched · mean 0.12 px · max 1 px · unmatched: 1 reference, 0 candidate" for the case's readout. */
export function peaksText(p: PeaksMessage): string {
  const ur = p.reference.filter((x) => !x.matched).length, uc = p.candidate.filter((x) => !x.matched).length;
  const d = (v: number | null) => (v === null ? '—' : `${Number(v.toFixed(2))} px`);
  return `Peaks: ${p.matchedCount}/${p.reference.length} matched · mean ${d(p.meanDistance)} · max ${d(p.maxDistance)} · unmatched ${ur} reference (orange ×), ${uc} candidate (magenta ×); matched ○`;
}
