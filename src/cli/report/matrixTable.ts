// The matrix as a terminal table: one row per run with verdict, correlation, sum ratio, max|Δ|, the failing
// threshold (or the error) and the change against the previous bundle that ran the case; then a counts line.
import type { MatrixRow } from '../../shared/types.ts';
import { num } from '../../core/evidence/texts.ts';
import { changeText, matrixCounts } from '../../core/report/matrix.ts';

/** Longest cell of the free-text columns on a terminal, so one long reason does not make every row wrap. */
export const TERMINAL_TEXT_WIDTH = 72;

/** `maxText`: clip free-text cells to this many characters (a terminal); piped output (logs, scripts) keeps them whole. */
export function matrixTable(rows: MatrixRow[], maxText = Infinity): string {
  const clip = (s: string) => (s.length > maxText ? `${s.slice(0, maxText - 1)}…` : s);
  const head = ['case', 'verdict', 'correlation', 'sum ratio', 'max|Δ|', 'failing threshold', 'vs previous'];
  const body = rows.map((r) => [
    r.caseId, r.status.toUpperCase(), num(r.correlation), num(r.sumRatio), num(r.maxAbsDiff),
    clip(r.status === 'error' ? `error: ${r.reason}` : r.failing || '—'), clip(changeText(r)),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(w[i]))).join('  ');
  const n = matrixCounts(rows);
  const moved = n.better + n.worse;
  const counts = `${rows.length} runs: ${n.pass} pass, ${n.fail} fail, ${n.error} error` +
    (rows.length > n['first run'] + n.cancelled ? ` · vs previous: ${n['newly failing']} newly failing, ${n['newly passing']} newly passing, ${moved} moved, ${n.unchanged} unchanged${n.cancelled ? `, ${n.cancelled} cancelled` : ''}` : '');
  return [line(head), ...body.map(line), '', counts].join('\n');
}
