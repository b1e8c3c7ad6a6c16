// The first image drawn on screen: stamped on <body data-first-paint-at> and told to the host once per bundle, which
// logs how long after the bundle's completion it came and where the time went (the speed goal of issue 15; the e2e
// '7-first-paint' prints it). Marks are epoch milliseconds (performance.timeOrigin + now()), first occurrence only.
import { post } from './vscodeApi.ts';
import { scriptStart } from './scriptStart.ts';

const marks: Record<string, number> = {};
let toldFor: string | undefined;
let bundleDir: string | undefined;

const epoch = (t: number): number => Math.round(performance.timeOrigin + t);

/** Record when something first happened in this document (later calls keep the first time). */
export function mark(name: string): void {
  if (marks[name] === undefined) marks[name] = epoch(performance.now());
}

/** A new snapshot: the first paint of its bundle is measured again (a reused run panel shows a new bundle). */
export function paintBundle(dir: string): void {
  if (dir !== bundleDir) { bundleDir = dir; for (const k of ['image', 'drawn']) delete marks[k]; }
  mark('snapshot');
}

/** Navigation and script-loading times of this document, from the browser's own timing entries. */
function documentMarks(): Record<string, number> {
  const out: Record<string, number> = { navigation: epoch(0) };
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) { out.html = epoch(nav.responseEnd); out.domInteractive = epoch(nav.domInteractive); }
  const script = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => /\/webview\.js(\?|$)/.test(e.name));
  if (script) { out.scriptRequested = epoch(script.startTime); out.scriptLoaded = epoch(script.responseEnd); }
  out.scriptStart = epoch(scriptStart);
  return out;
}

export function notePainted(canvas: HTMLCanvasElement, role: string, binning: number): void {
  if (toldFor === (bundleDir ?? '')) return;
  toldFor = bundleDir ?? '';
  mark('drawn');
  // After the browser has put this frame on screen, not when the draw call was queued.
  requestAnimationFrame(() => setTimeout(() => {
    const at = Date.now();
    document.body.dataset.firstPaintAt = String(at);
    const id = canvas.dataset.testid ?? '';
    document.body.dataset.firstPaintCanvas = id;
    const all = { ...documentMarks(), ...marks, onScreen: at };
    document.body.dataset.firstPaintMarks = JSON.stringify(all);
    post({ type: 'painted', at, caseId: id.replace(`canvas-${role}-`, ''), role, binning, marks: all });
  }, 0));
}
