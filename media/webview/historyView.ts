// A case's history inside the results panel: every bundle that ran it, newest first, as a table (verdict, STAMP,
// corr, sum ratio, max |Δ|, engines, recorded git commit) under a vega-lite chart of corr, sum ratio and max |Δ| over time
// (the trend chart's spec, with the case thresholds as dashed rules). A click on a row opens that bundle; its
// "Compare" button opens the linked compare view of that bundle and the one this panel shows.
import embed from 'vega-embed';
import type { CompareRequest, HistoryRow } from '../../src/shared/compareMessages.ts';
import type { Thresholds } from '../../src/shared/messages.ts';
import { fmtCorrelation, fmtNumber, fmtSumRatio } from '../../src/shared/format.ts';
import { EMBED_OPTIONS, trendSpec, type ChartTheme } from './charts.ts';
import { h } from './dom.ts';

export type Ask = (button: HTMLButtonElement, what: string, msg: CompareRequest) => void;

export interface HistoryContext { caseId: string; bundleDir: string; thresholds: Thresholds; theme: ChartTheme; ask: Ask }

function row(r: HistoryRow, x: HistoryContext): HTMLTableRowElement {
  const current = r.bundleDir === x.bundleDir;
  const open: HTMLButtonElement = h('button', { type: 'button', class: 'link', 'data-testid': `history-open-${r.stamp}`, title: `Open ${r.bundleDir}`,
    onclick: () => x.ask(open, 'Open bundle', { type: 'openBundle', requestId: 0, bundleDir: r.bundleDir, caseId: x.caseId }) }, r.stamp);
  const cmp: HTMLButtonElement = h('button', { type: 'button', class: 'small', 'data-testid': `history-compare-${r.stamp}`, disabled: current,
    title: current ? 'This is the bundle shown' : `Compare ${x.caseId} in this bundle with the one shown, linked`,
    onclick: (e: Event) => { e.stopPropagation(); x.ask(cmp, 'Compare', { type: 'openCompare', requestId: 0, bundleA: r.bundleDir, bundleB: x.bundleDir, caseId: x.caseId }); } }, 'Compare');
  const tr = h('tr', { 'data-verdict': r.verdict, 'data-bundle': r.bundleDir, 'aria-current': current ? 'true' : undefined, class: 'history-row' },
    h('td', {}, h('span', { class: `badge verdict-badge-${r.verdict}` }, r.verdict.toUpperCase()), r.whatIf ? h('span', { class: 'muted' }, ' what-if') : ''),
    h('td', {}, open),
    h('td', { class: 'num' }, fmtCorrelation(r.correlation)),
    h('td', { class: 'num' }, fmtSumRatio(r.sumRatio)),
    h('td', { class: 'num' }, fmtNumber(r.maxAbsDiff)),
    h('td', {}, r.engines),
    h('td', { class: 'mono' }, r.gitCommit ?? '—'),
    h('td', {}, cmp));
  // The whole row opens the bundle (the buttons inside do their own thing).
  tr.addEventListener('click', (e) => { if (!(e.target as HTMLElement).closest('button')) open.click(); });
  return tr;
}

export function historyView(rows: HistoryRow[], x: HistoryContext): HTMLElement {
  const chart = h('div', { class: 'chart', 'data-testid': `history-chart-${x.caseId}`, role: 'img', 'aria-label': `Correlation, sum ratio and max |Δ| of ${x.caseId} over time` });
  const oldestFirst = [...rows].reverse().map((r) => ({ stamp: r.stamp, correlation: r.correlation, sumRatio: r.sumRatio, maxAbsDiff: r.maxAbsDiff, dir: r.bundleDir }));
  embed(chart, trendSpec(oldestFirst, x.thresholds, x.theme), EMBED_OPTIONS)
    .then(() => { chart.dataset.state = 'rendered'; })
    .catch((err: Error) => { chart.dataset.state = 'error'; chart.replaceChildren(h('span', { class: 'chart-error' }, `chart failed: ${err.message}`)); });
  const head = ['Verdict', 'STAMP (click to open)', 'corr', 'sum ratio', 'max |Δ|', 'engines', 'git commit', ''];
  return h('section', { class: 'history-view', 'data-testid': `history-${x.caseId}`, 'data-rows': String(rows.length), 'aria-label': `History of ${x.caseId}` },
    h('h3', {}, `History of ${x.caseId}: ${rows.length} bundle(s), newest first`),
    chart,
    h('table', { class: 'metrics history-table' },
      h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows.map((r) => row(r, x)))));
}
