// Text forms of a case's history (a row label, its details and a one-line chart over time), used by
// `nb-parity history`; plain text with no node or vscode so any surface can show it.
import type { HistoryRow } from './compareMessages.ts';
import { fmtFixed, fmtNumber } from './format.ts';

const BARS = '▁▂▃▄▅▆▇█';

/** Oldest → newest bars scaled between the smallest and largest value; '·' where a value is missing. */
export function sparkline(values: readonly (number | null)[]): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (!finite.length) return '';
  const lo = Math.min(...finite), hi = Math.max(...finite);
  return values.map((v) => (v === null || !Number.isFinite(v) ? '·' : BARS[hi === lo ? BARS.length - 1 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))])).join('');
}

/** "corr over time ▁▃█ (0.720000 → 0.999900)" from newest-first rows. */
export function historyChart(rows: readonly HistoryRow[]): string {
  const oldestFirst = [...rows].reverse().map((r) => r.correlation);
  const line = sparkline(oldestFirst);
  if (!line) return 'no correlations recorded';
  return `corr over time ${line} (${fmtFixed(oldestFirst[0])} → ${fmtFixed(oldestFirst[oldestFirst.length - 1])})`;
}

export function historyRowLabel(r: HistoryRow): string {
  return `${r.verdict.toUpperCase()}  ${r.stamp}${r.whatIf ? '  (what-if)' : ''}`;
}

export function historyRowDetail(r: HistoryRow): string {
  return `corr ${fmtFixed(r.correlation)} · sum ratio ${fmtFixed(r.sumRatio)} · max|Δ| ${fmtNumber(r.maxAbsDiff)} · ${r.engines} · ${r.gitCommit ? `git ${r.gitCommit}` : 'no git commit recorded'}`;
}
