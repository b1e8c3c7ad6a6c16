// Per-case actions of issue 16: history (rows listed under the case; a click opens that bundle), compare with the
// previous bundle that ran the case (opened beside), and data out (.npy images + Δ and a CSV of the metrics,
// with the drawn ROI as an extra row). The host answers each request (src/extension/panel/compareRequests.ts).
import type { CompareRequest, HistoryRow } from '../../src/shared/compareMessages.ts';
import type { Thresholds } from '../../src/shared/messages.ts';
import type { ChartTheme } from './charts.ts';
import { historyView } from './historyView.ts';
import { clear, h } from './dom.ts';

export type Ask = (button: HTMLButtonElement, what: string, msg: CompareRequest) => void;

export class CaseActions {
  readonly element: HTMLElement;
  private readonly historyEl = h('div', { class: 'case-history', hidden: true });

  constructor(private readonly bundleDir: string, private readonly caseId: string, roi: () => { x0: number; x1: number; y0: number; y1: number } | undefined, ask: Ask,
    private readonly chart: () => { thresholds: Thresholds; theme: ChartTheme }) {
    const btn = (testid: string, label: string, title: string, fn: (b: HTMLButtonElement) => void) => {
      const b: HTMLButtonElement = h('button', { class: 'small', type: 'button', 'data-testid': `${testid}-${caseId}`, title, onclick: () => fn(b) }, label);
      return b;
    };
    this.element = h('div', { class: 'case-actions', role: 'toolbar', 'aria-label': `Compare and export ${caseId}` },
      btn('btn-history', 'History', `Every bundle that ran ${caseId}, newest first`, (b) => ask(b, 'History', { type: 'showHistory', requestId: 0, caseId })),
      btn('btn-compare-prev', 'Compare with previous', `Open the previous bundle that ran ${caseId} beside this one`, (b) => ask(b, 'Compare with previous', { type: 'compareWithPrevious', requestId: 0, bundleDir, caseId })),
      btn('btn-export-data', 'Export .npy + CSV', 'Images and Δ as .npy, metrics (and the drawn ROI) as CSV, into a folder you choose', (b) => ask(b, 'Export data', { type: 'exportData', requestId: 0, bundleDir, caseId, format: 'both', roi: roi() })),
      this.historyEl);
    this.ask = ask;
  }

  private readonly ask: Ask;

  showHistory(rows: HistoryRow[]): void {
    clear(this.historyEl);
    this.historyEl.hidden = false;
    this.historyEl.append(historyView(rows, { caseId: this.caseId, bundleDir: this.bundleDir, ask: this.ask, ...this.chart() }));
  }
}
