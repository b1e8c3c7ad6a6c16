// The compare view's region table: a region drawn on any row (A, B, candidate A→B, reference A→B) is boxed on every
// row, and one table lists each row's metrics for it beside that row's full frame — for A and B that is candidate vs
// reference of one bundle, for the A→B rows it is how far one side moved between the bundles. Computed here with
// the same shared code as every ROI number (src/shared/pairMetrics.ts via roi.ts).
import type { PixelRect } from '../../src/shared/pairMetrics.ts';
import { clear, h } from './dom.ts';
import { ROI_ROWS } from './roi.ts';
import type { CaseUi } from './caseView.ts';

export class CompareRoiTable {
  readonly element = h('div', { class: 'roi-readout compare-roi', hidden: true, 'data-testid': 'compare-roi', 'aria-live': 'polite' });
  private rect?: PixelRect;

  constructor(private readonly cases: () => CaseUi[]) {}

  /**
   * A region was drawn (or cleared) on `from`: box it on every other row and list every row's metrics. The table
   * first appears when the drag ends (appearing mid-drag would push the images away from under the pointer).
   */
  set(rect: PixelRect | undefined, from: CaseUi, done: boolean): void {
    this.rect = rect;
    for (const c of this.cases()) {
      if (c === from) continue;
      const fits = rect && rect.x1 < c.view.fpixels && rect.y1 < c.view.spixels;
      c.grid.roi.mirror(fits ? rect : undefined);
      c.grid.draw();
    }
    // Mid-drag only the boxes follow (the dragged row's own readout stays live); the four rows' metrics, up to four
    // full-frame passes on 1024², are recomputed once the drag ends — until then the table is marked stale.
    if (!done) { if (this.shown) this.element.dataset.stale = 'true'; return; }
    this.shown = !!rect;
    this.render();
  }

  /** Whether the table is up (from the end of the first drag until cleared). */
  private shown = false;

  private frame = 0;

  /** Re-list once per frame (a drag moves many times a frame; an arrived image lets a waiting row be computed). */
  render(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.list(); });
  }

  private list(): void {
    const r = this.shown ? this.rect : undefined;
    delete this.element.dataset.stale;
    this.element.hidden = !r;
    clear(this.element);
    if (!r) return;
    const rows = this.cases().map((c) => {
      const m = r.x1 < c.view.fpixels && r.y1 < c.view.spixels ? c.grid.roi.metrics(r) : undefined;
      const what = c.view.sides ? `${c.view.sides.candidate} vs ${c.view.sides.reference}` : undefined;
      const cells = m ? ROI_ROWS.map(([name, f]) => h('td', { 'data-metric': name }, f(m.roi), h('span', { class: 'muted' }, ` (${f(m.full)})`)))
        : [h('td', { colspan: ROI_ROWS.length, class: 'muted' }, 'loading the full images…')];
      return h('tr', { 'data-testid': `compare-roi-row-${c.view.caseId}`, 'data-ready': String(!!m) }, h('th', { scope: 'row', title: what }, c.view.caseId), ...cells);
    });
    this.element.append(
      h('div', { class: 'roi-title' }, `ROI fast ${r.x0}…${r.x1}, slow ${r.y0}…${r.y1} (inclusive; --roi ${r.x0},${r.x1},${r.y0},${r.y1}) on every row; full frame in parentheses`),
      h('table', { class: 'roi-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'row'), ...ROI_ROWS.map(([name]) => h('th', {}, name)))),
        h('tbody', {}, ...rows)),
      h('button', { type: 'button', class: 'roi-clear', onclick: () => this.clearAll() }, 'Clear ROI'));
  }

  private clearAll(): void {
    this.rect = undefined;
    this.shown = false;
    for (const c of this.cases()) { c.grid.roi.mirror(undefined); c.grid.draw(); }
    this.render();
  }
}
