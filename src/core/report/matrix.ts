// The matrix report of a parity run: every run with its verdict, correlation, sum ratio, max|Δ|, the thresholds it
// missed, and how it moved against the previous bundle that ran the same case with the same engines (newly failing /
// newly passing / better or worse by more than judgeChange's noise floor). Rows for the CLI's table; matrix.md.
import type { Bundle, CaseResult, EngineId, MatrixChange, MatrixRow } from '../../shared/types.ts';
import type { PreviousRun, PreviousRunQuery } from '../compare/bundles.ts';
import { judgeChange } from '../compare/judgeChange.ts';
import { num } from '../evidence/texts.ts';

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** "AT-PARALLEL-022/run-a" → ["AT-PARALLEL-022", "run-a"]; ids without "/" are their own group. */
export function splitCaseId(id: string): { group: string; run: string } {
  const i = id.indexOf('/');
  return i < 0 ? { group: id, run: '' } : { group: id.slice(0, i), run: id.slice(i + 1) };
}

export function failingText(c: CaseResult): string {
  return c.verdict.failed.map((f) => `${f.metric} ${f.limit} (${f.by})`).join('; ');
}

/** The metrics the verdict was judged on: the region's when the case has a region of interest. */
const judgedMetrics = (c: CaseResult) => (c.roi && c.roiMetrics ? c.roiMetrics : c.metrics);

export function matrixRow(c: CaseResult, prev?: PreviousRun): MatrixRow {
  const m = judgedMetrics(c);
  const row: MatrixRow = {
    caseId: c.caseId, ...splitCaseId(c.caseId), status: c.verdict.status, reason: c.verdict.reason,
    correlation: finite(m?.correlation), sumRatio: finite(m?.sumRatio), maxAbsDiff: finite(m?.maxAbsDiff),
    failing: failingText(c), change: 'first run', why: 'no earlier bundle ran this case',
  };
  if (wasCancelled(c)) return { ...row, change: 'cancelled', why: 'cancelled before it finished: not compared' };
  if (!prev) return row;
  const p = prev.result, pm = judgedMetrics(p);
  row.previous = { dir: prev.dir, stamp: prev.stamp, status: p.verdict.status, correlation: finite(pm?.correlation), sumRatio: finite(pm?.sumRatio), maxAbsDiff: finite(pm?.maxAbsDiff) };
  // The newer run's thresholds decide, as in `nb-parity compare`.
  const judged = judgeChange({ status: p.verdict.status, metrics: pm }, { status: c.verdict.status, metrics: m }, c.thresholds ?? p.thresholds ?? {});
  row.why = judged.why;
  row.change = classify(p.verdict.status, c.verdict.status, judged.change);
  return row;
}

function classify(before: string, after: string, change: 'better' | 'worse' | 'unchanged'): MatrixChange {
  if (before === 'pass' && after !== 'pass') return 'newly failing';
  if (before !== 'pass' && after === 'pass') return 'newly passing';
  return change;
}

/**
 * Which earlier run is a case's "previous" (for previousRunsMany): the newest earlier bundle that ran the case with
 * the same reference and candidate engines (presets may differ), so a C-vs-embedded matrix is not judged against a
 * C-vs-PyTorch one. A run looks this up when it starts (bundles completed while it runs are not "previous").
 */
export function matrixQuery(reference: EngineId, candidate: EngineId): PreviousRunQuery {
  return { accept: (c: CaseResult) => c.reference.engine === reference && c.candidate.engine === candidate && !wasCancelled(c) };
}

/** The rows of a bundle, each against the previous run of its case (matrixQuery). */
export function buildMatrix(bundle: Bundle, previous: ReadonlyMap<string, PreviousRun>): MatrixRow[] {
  return bundle.cases.map((c) => matrixRow(c, previous.get(c.caseId)));
}

/** A run cut short by a cancel says nothing about the port: not judged against, not judged. */
const wasCancelled = (c: CaseResult) => !!(c.reference.cancelled || c.candidate.cancelled);

export function matrixCounts(rows: MatrixRow[]): Record<'pass' | 'fail' | 'error' | MatrixChange, number> {
  const n = { pass: 0, fail: 0, error: 0, 'first run': 0, 'newly failing': 0, 'newly passing': 0, better: 0, worse: 0, unchanged: 0, cancelled: 0 };
  for (const r of rows) { n[r.status]++; n[r.change]++; }
  return n;
}

/** The change column: "newly failing", "moved ↑ (why)", "unchanged", "—" for a first run. */
export function changeText(r: MatrixRow): string {
  switch (r.change) {
    case 'first run': return '—';
    case 'better': return `moved ↑ (${r.why})`;
    case 'worse': return `moved ↓ (${r.why})`;
    case 'unchanged': return 'unchanged';
    default: return r.change;
  }
}

const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function matrixMarkdown(bundle: Pick<Bundle, 'stamp'>, rows: MatrixRow[]): string {
  const n = matrixCounts(rows);
  const prevStamps = [...new Set(rows.map((r) => r.previous?.stamp).filter(Boolean))].sort();
  const out = [
    `# Parity matrix ${bundle.stamp}`,
    '',
    `${rows.length} runs: ${n.pass} pass, ${n.fail} fail, ${n.error} error. Against the previous bundle that ran each case with the same engines: ` +
      `${n['newly failing']} newly failing, ${n['newly passing']} newly passing, ${n.better + n.worse} moved (${n.better} closer to the ideal, ${n.worse} further), ` +
      `${n.unchanged} unchanged, ${n['first run']} without an earlier run${n.cancelled ? `, ${n.cancelled} cancelled (not compared)` : ''}.`,
    '',
    '"Moved" means a checked metric\'s gap to the ideal changed by more than 1e-3 of its threshold\'s size (`nb-parity compare`\'s rule).',
    '',
    '| case | run | verdict | correlation | sum ratio | max abs Δ | failing threshold | vs previous | previous bundle |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const failing = r.status === 'error' ? `error: ${r.reason}` : r.failing;
    const prev = r.previous ? `${r.previous.stamp} (${r.previous.status})` : '—';
    out.push(`| ${[r.group, r.run || '—', r.status.toUpperCase(), num(r.correlation), num(r.sumRatio), num(r.maxAbsDiff), failing || '—', changeText(r), prev].map(cell).join(' | ')} |`);
  }
  if (prevStamps.length) out.push('', `Previous bundles compared: ${prevStamps.join(', ')}.`);
  return `${out.join('\n')}\n`;
}
