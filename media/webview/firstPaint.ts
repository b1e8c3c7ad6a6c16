// The first image drawn on screen: stamped on <body data-first-paint-at> and told to the host once per page, which
// logs how long after the bundle's completion it came (the speed goal of issue 15; the e2e '7-first-paint' prints it).
import { post } from './vscodeApi.ts';

let told = false;

export function notePainted(canvas: HTMLCanvasElement, role: string, binning: number): void {
  if (told) return;
  told = true;
  // After the browser has put this frame on screen, not when the draw call was queued.
  requestAnimationFrame(() => setTimeout(() => {
    const at = Date.now();
    document.body.dataset.firstPaintAt = String(at);
    const id = canvas.dataset.testid ?? '';
    document.body.dataset.firstPaintCanvas = id;
    post({ type: 'painted', at, caseId: id.replace(`canvas-${role}-`, ''), role, binning });
  }, 0));
}
