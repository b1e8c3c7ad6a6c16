// summary.md: what a scientist reads first. Verdicts, then per case what differs (mismatches before numbers),
// preflight warnings, the metrics table, how each run went, and the attribution when one was made.
import type { Bundle, CaseResult, EngineRun, Metrics } from '../../shared/types.ts';
import { describeThresholds } from '../cases/thresholds.ts';
import { mdInline as md } from '../../shared/mdText.ts';
import { formatRoi } from '../../shared/roi.ts';
import { describePeaks } from '../metrics/peakSummary.ts';
import { engineName, engineWithPreset, num } from './texts.ts';
import { reusedFrom, reusedShort } from '../../shared/reusedRun.ts';


const ICON = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error' } as const;

function runLine(r: EngineRun): string {
  const reused = reusedFrom(r);
  if (reused) return `- ${r.side} — ${engineName(r.engine)}: **reused, not run** — float file copied from the identical earlier run \`${md(reusedShort(reused))}\` (${md(reused.at)}; see commands.txt)`;
  const how = r.cancelled ? 'cancelled' : r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : r.exitCode !== undefined ? `exit ${r.exitCode}` : 'not started';
  const sim = r.simMs !== undefined ? `, simulator ${(r.simMs / 1000).toFixed(2)} s` : '';
  return `- ${r.side} — ${engineName(r.engine)}: ${how} in ${(r.wallMs / 1000).toFixed(2)} s${sim}${r.error ? ` — ${md(r.error)}` : ''}`;
}

/** Loose view of an attribution record (its exact shape belongs to src/core/attribution). */
function attributionLines(a: unknown): string[] {
  if (!a || typeof a !== 'object') return [];
  const o = a as Record<string, unknown>;
  const lines = ['', '#### Attribution', ''];
  if (typeof o.status === 'string') lines.push(`- status: **${md(o.status)}**`);
  if (typeof o.summary === 'string') lines.push(`- ${md(o.summary)}`);
  const chosen = o.chosen ?? o.forks ?? o.chosenForks;
  if (chosen && typeof chosen === 'object') lines.push(`- forks that explain it: ${Object.entries(chosen as Record<string, unknown>).map(([k, v]) => md(`${k}=${String(v)}`)).join(', ') || 'none'}`);
  const steps = o.steps;
  if (Array.isArray(steps)) {
    for (const s of steps.slice(0, 12)) {
      if (s && typeof s === 'object') {
        const st = s as Record<string, unknown>;
        lines.push(`  - ${md(String(st.label ?? st.fork ?? st.name ?? 'step'))}${st.correlation !== undefined ? `: corr ${num(st.correlation as number)}` : ''}${st.sumRatio !== undefined ? `, sum ratio ${num(st.sumRatio as number)}` : ''}`);
      }
    }
  }
  lines.push('- details: `attribution.json`');
  return lines;
}

/** The metric table: one value column, or full frame beside the ROI (the verdict is the ROI's then). */
function metricRows(m: Metrics, r: Metrics | undefined, roi: string | undefined): string[] {
  const rows: [string, (x: Metrics) => string][] = [
    ['correlation', (x) => num(x.correlation)],
    ['sum ratio (candidate/reference)', (x) => num(x.sumRatio)],
    ['RMSE', (x) => num(x.rmse)],
    ['MSE', (x) => num(x.mse)],
    ['max abs diff', (x) => `${num(x.maxAbsDiff)}${x.maxAbsDiffAt ? ` at (slow ${x.maxAbsDiffAt[0]}, fast ${x.maxAbsDiffAt[1]})` : ''}`],
    ['sum reference / candidate', (x) => `${num(x.sumReference)} / ${num(x.sumCandidate)}`],
    ['NaN reference / candidate', (x) => `${x.nanReference} / ${x.nanCandidate}`],
    ['finite pixels', (x) => String(x.finitePixels)],
    ['peak distance (pixels)', (x) => num(x.peakDistance, 3)],
  ];
  if (roi === undefined) return ['| metric | value |', '| --- | --- |', ...rows.map(([k, f]) => `| ${k} | ${f(m)} |`)];
  const head = `ROI ${roi} (judged)`;
  return [`| metric | full frame | ${head} |`, '| --- | --- | --- |', ...rows.map(([k, f]) => `| ${k} | ${f(m)} | ${r ? f(r) : 'n/a'} |`)];
}

function caseSection(c: CaseResult, attribution: unknown, attributionMd?: string): string[] {
  const m = c.metrics;
  const out = [`### ${md(c.caseId)} — ${ICON[c.verdict.status]}`, '', md(c.verdict.reason), ''];
  if (c.mismatches.length) {
    out.push('**What differs between the two runs** (from their own output):', '');
    for (const mm of c.mismatches) out.push(`- ${mm.severity === 'critical' ? '🔴' : mm.severity === 'warning' ? '🟠' : 'ℹ️'} **${md(mm.field)}**: ${md(mm.reference)} vs ${md(mm.candidate)} — ${md(mm.explanation)}`);
    out.push('');
  }
  if (c.preflight.length) {
    out.push('**Preflight warnings:**', '');
    for (const w of c.preflight) out.push(`- ${md(w.message)}`);
    out.push('');
  }
  out.push(`Thresholds: ${describeThresholds(c.thresholds)}`, '');
  if (m) out.push(...metricRows(m, c.roiMetrics, c.roi ? formatRoi(c.roi) : undefined), '');
  if (c.peaks) out.push(`Peaks: ${describePeaks(c.peaks)}`, '');
  out.push('Runs:', '', runLine(c.reference), runLine(c.candidate), '');
  const files = [c.files.referenceImage, c.files.candidateImage, c.files.referenceStdout, c.files.candidateStdout, ...(c.files.previews ?? [])].filter(Boolean);
  if (files.length) out.push(`Files: ${files.map((f) => `\`${f}\``).join(', ')}`);
  if (attributionMd) out.push('', attributionMd.trimEnd(), '', '- details: `attribution.json`', '');
  else out.push(...attributionLines(attribution), '');
  return out;
}

export function summaryMarkdown(b: Bundle, opts: { reference: string; candidate: string; header?: string[]; attributions?: Record<string, unknown>; attributionMarkdown?: Record<string, string>; cancelled?: boolean }): string {
  const counts = { pass: 0, fail: 0, error: 0 };
  for (const c of b.cases) counts[c.verdict.status]++;
  const overall = counts.error ? 'error' : counts.fail ? 'fail' : 'pass';
  const out = [
    `# Parity ${b.stamp}: ${ICON[overall]}`,
    '',
    `Candidate **${engineWithPreset(opts.candidate, b.cases[0]?.candidate)}** vs reference **${engineWithPreset(opts.reference, b.cases[0]?.reference)}** — ${counts.pass} pass, ${counts.fail} fail, ${counts.error} error.${opts.cancelled ? ' The run was cancelled; the remaining cases were not run.' : ''}`,
    '',
    ...(opts.header ?? []).map((h) => `- ${md(h)}`),
    '',
    '| case | verdict | correlation | sum ratio | RMSE | max abs diff |',
    '| --- | --- | --- | --- | --- | --- |',
    ...b.cases.map((c) => `| ${md(c.caseId)} | ${ICON[c.verdict.status]} | ${num(c.metrics?.correlation)} | ${num(c.metrics?.sumRatio)} | ${num(c.metrics?.rmse)} | ${num(c.metrics?.maxAbsDiff)} |`),
    '',
  ];
  for (const c of b.cases) out.push(...caseSection(c, opts.attributions?.[c.fileStem], opts.attributionMarkdown?.[c.fileStem]));
  out.push('Files: `metrics.json` (schema nb-parity/metrics v1), `commands.txt`, `env.json`, `simulator_diagnostics.txt`, `correlation.txt`, `sum_ratio.txt`.', '');
  return out.join('\n');
}
