// The compare view (ViewModel.compare): one case of two bundles in one panel — A, B, candidate A→B and reference
// A→B, each Δ panel being the Δ between bundles. Every grid follows the same zoom/pan, and every intensity panel
// uses one colour range (the union over all grids, or the locked range), so equal colours mean equal values; A's and
// B's own Δ panels share one Δ range too (the Δ-between-bundles panels keep their own, so a small move still shows).
import type { CompareInfo, CompareRequest } from '../../src/shared/compareMessages.ts';
import type { ViewTransform } from './transform.ts';
import type { ViewSettings } from '../../src/shared/messages.ts';
import type { Mapping } from './colormap.ts';
import { joinAll } from './sharedRange.ts';
import type { CaseUi } from './caseView.ts';
import { h } from './dom.ts';
import { CompareRoiTable } from './compareRoi.ts';

type Ask = (b: HTMLButtonElement, what: string, msg: CompareRequest) => void;

export function compareHeader(info: CompareInfo, ask: Ask): HTMLElement {
  const open = (which: 'a' | 'b') => {
    const side = info[which];
    const b: HTMLButtonElement = h('button', { type: 'button', class: 'small', 'data-testid': `compare-open-${which}`,
      title: `Open ${side.dir} in its own panel`,
      onclick: () => ask(b, `Open ${side.label}`, { type: 'openBundle', requestId: 0, bundleDir: side.dir, caseId: which === 'a' ? info.caseId : info.caseIdB }) },
    `Open ${side.label}`);
    return b;
  };
  const side = (which: 'a' | 'b') => h('span', { 'data-testid': `compare-${which}` },
    h('strong', {}, info[which].label), ` ${info[which].stamp} `, h('span', { class: `badge verdict-badge-${info[which].verdict}` }, info[which].verdict.toUpperCase()));
  return h('div', { class: 'compare-header', 'data-testid': 'compare-header' },
    h('h2', {}, `Compare ${info.caseId}`),
    h('p', {}, side('a'), ' ↔ ', side('b'), ' ', open('a'), ' ', open('b')),
    h('p', { 'data-testid': 'compare-judgement' }, info.judgement),
    h('p', { class: 'muted', 'data-testid': 'compare-moved' }, info.moved),
    h('p', { class: 'muted' }, 'One zoom/pan and one colour range for every image below; Shift+drag a region on any of them for its metrics.'));
}

/** The symmetric Δ range that covers all of them (the widest half-range around 0). */
function widest(ms: (Mapping | undefined)[]): Mapping | undefined {
  let out: Mapping | undefined;
  for (const m of ms) if (m?.kind === 'symmetric' && (!out || (out.kind === 'symmetric' && m.halfRange > out.halfRange))) out = m;
  return out;
}

/** Links the grids of a compare view: transforms follow each other, one colour range for all intensity panels. */
export class LinkedGrids {
  private range: { scale: string; clip: number; m: Mapping | undefined; diff: Mapping | undefined } | undefined;
  private frame = 0;

  /** One table of every row's metrics for the region drawn on any of them (shown under the compare header). */
  readonly roi: CompareRoiTable;

  constructor(private readonly cases: () => CaseUi[], private readonly settings: () => ViewSettings, private readonly repaint: () => void) {
    this.roi = new CompareRoiTable(cases);
  }

  /** Until the joined range of the current scale is known, a grid uses its own (never a range of the other scale). */
  attach(ui: CaseUi): void {
    ui.grid.roi.onChange = (rect, done) => this.roi.set(rect, ui, done);
    ui.grid.rangeOverride = () => {
      const s = this.settings();
      return this.range && this.range.scale === s.scale && this.range.clip === s.clipPercentile ? this.range.m : undefined;
    };
    if (ui.view.sides?.group === 'own') {
      ui.grid.diffOverride = () => {
        const s = this.settings();
        return this.range && this.range.scale === s.scale && this.range.clip === s.clipPercentile ? this.range.diff : undefined;
      };
    }
  }

  moved(from: CaseUi, t: ViewTransform): void {
    for (const c of this.cases()) if (c !== from) c.grid.linkTransform(t);
  }

  /** An image arrived or the scale changed: recompute the joined range once per frame and repaint every grid. */
  refresh(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const s = this.settings();
      const own = this.cases().filter((c) => c.view.sides?.group === 'own').map((c) => c.grid.diffRange());
      this.range = { scale: s.scale, clip: s.clipPercentile, m: joinAll(this.cases().map((c) => c.grid.sharedRange())), diff: widest(own) };
      this.repaint();
      this.roi.render();
    });
  }
}
