// Pure text for the VS Code surfaces: Test Explorer messages (Markdown), status bar text, quick pick details.
// No vscode import, so it is unit-tested in Node. Number formats match summary.md (6 decimals for corr / sum ratio).
import type { Bundle, CaseResult, EngineRun, Metrics, Thresholds, VerdictStatus } from '../shared/types.ts';
import { formatNumber, JS_SPECIALS, SIG4 } from '../shared/format.ts';
import { foldTraceLines } from './traceFold.ts';

export type TestOutcome = 'passed' | 'failed' | 'errored';

/** failed = a threshold miss; errored = crash, no output, NaN-only, timeout, cancel (the verdict says 'error'). */
export function outcomeOf(result: Pick<CaseResult, 'verdict'>): TestOutcome {
  switch (result.verdict.status) {
    case 'pass': return 'passed';
    case 'fail': return 'failed';
    default: return 'errored';
  }
}

export function fmt6(v: number | null | undefined): string {
  return formatNumber(v, { form: 'fixed', digits: 6, missing: '—', nan: '—', posInf: JS_SPECIALS.posInf, negInf: JS_SPECIALS.negInf });
}

/** Compact general number (the webview's 4 significant digits), with Markdown-friendly glyphs for missing/infinite. */
export function fmtNum(v: number | null | undefined): string {
  return formatNumber(v, { ...SIG4, missing: '—', nan: '—', posInf: '∞', negInf: '−∞' });
}

/** Escapes what would break a Markdown table cell or turn text into markup. */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/([*_`[\]<>])/g, '\\$1');
}

interface Row { metric: string; value: string; limit: string; ok?: boolean }

function thresholdRows(m: Metrics, t: Thresholds): Row[] {
  const rows: Row[] = [];
  const corrOk = t.corrMin === undefined || m.correlation === null ? undefined : m.correlation >= t.corrMin;
  rows.push({ metric: 'correlation', value: fmt6(m.correlation), limit: t.corrMin !== undefined ? `≥ ${t.corrMin}` : '', ok: corrOk });
  const dev = m.sumRatio === null ? null : Math.abs(m.sumRatio - 1);
  let srOk: boolean | undefined;
  const limits: string[] = [];
  if (t.sumRatioTol !== undefined) { limits.push(`|r − 1| ≤ ${t.sumRatioTol}`); srOk = dev !== null && dev <= t.sumRatioTol; }
  if (t.sumRatioMin !== undefined) { limits.push(`≥ ${t.sumRatioMin}`); srOk = (srOk ?? true) && m.sumRatio !== null && m.sumRatio >= t.sumRatioMin; }
  if (t.sumRatioMax !== undefined) { limits.push(`≤ ${t.sumRatioMax}`); srOk = (srOk ?? true) && m.sumRatio !== null && m.sumRatio <= t.sumRatioMax; }
  if (m.sumRatio === null && limits.length) srOk = false;
  rows.push({ metric: 'sum ratio (cand/ref)', value: fmt6(m.sumRatio), limit: limits.join(', '), ok: srOk });
  rows.push({ metric: 'RMSE', value: fmtNum(m.rmse), limit: t.rmseMax !== undefined ? `≤ ${t.rmseMax}` : '', ok: t.rmseMax === undefined || m.rmse === null ? undefined : m.rmse <= t.rmseMax });
  rows.push({ metric: 'MSE', value: fmtNum(m.mse), limit: '' });
  const at = m.maxAbsDiffAt ? ` at (${m.maxAbsDiffAt[0]}, ${m.maxAbsDiffAt[1]})` : '';
  rows.push({ metric: 'max abs diff', value: fmtNum(m.maxAbsDiff) + at, limit: t.maxAbsMax !== undefined ? `≤ ${t.maxAbsMax}` : '', ok: t.maxAbsMax === undefined || m.maxAbsDiff === null ? undefined : m.maxAbsDiff <= t.maxAbsMax });
  rows.push({ metric: 'sum reference / candidate', value: `${fmtNum(m.sumReference)} / ${fmtNum(m.sumCandidate)}`, limit: '' });
  rows.push({ metric: 'NaN reference / candidate', value: `${m.nanReference} / ${m.nanCandidate}`, limit: '', ok: m.nanReference + m.nanCandidate > 0 ? false : undefined });
  rows.push({ metric: 'peak distance (px)', value: fmtNum(m.peakDistance), limit: '' });
  return rows;
}

function badge(ok: boolean | undefined): string {
  return ok === undefined ? '' : ok ? '✅' : '❌';
}

/** "embedded (preset c)" tells the two sides apart when both are the embedded engine. */
function engineLabel(run: CaseResult['reference']): string {
  const preset = run.engine === 'embedded' ? run.effectiveConfig?.embedded?.preset : undefined;
  return preset ? `${run.engine} (preset ${preset})` : run.engine;
}

const STATUS_WORD: Record<VerdictStatus, string> = { pass: '✅ PASS', fail: '❌ FAIL', error: '⚠️ ERROR' };

/** The Markdown body of a Test Explorer message: verdict, metrics table with threshold badges, mismatches, bundle. */
export function caseResultMarkdown(r: CaseResult, bundleDir?: string, maxMismatches = 5): string {
  const out: string[] = [];
  out.push(`**${mdCell(r.caseId)}** — ${STATUS_WORD[r.verdict.status]}: ${mdCell(r.verdict.reason)}`, '');
  out.push(`reference: \`${engineLabel(r.reference)}\` · candidate: \`${engineLabel(r.candidate)}\``, '');
  if (r.metrics) {
    out.push('| metric | value | threshold | |', '| --- | --- | --- | --- |');
    for (const row of thresholdRows(r.metrics, r.thresholds)) {
      out.push(`| ${mdCell(row.metric)} | ${mdCell(row.value)} | ${mdCell(row.limit)} | ${badge(row.ok)} |`);
    }
    out.push('');
  }
  for (const side of [r.reference, r.candidate]) {
    if (side.error) out.push(`- **${side.side} (${side.engine})**: ${mdCell(side.error)}`);
  }
  const mism = r.mismatches ?? [];
  if (mism.length) {
    out.push('', `**Configuration differences** (${mism.length}):`);
    for (const m of mism.slice(0, maxMismatches)) out.push(`- ${m.severity === 'critical' ? '🔴' : m.severity === 'warning' ? '🟡' : 'ℹ️'} ${mdCell(m.explanation)}`);
    if (mism.length > maxMismatches) out.push(`- … ${mism.length - maxMismatches} more in the results panel`);
  }
  const pre = r.preflight ?? [];
  if (pre.length) {
    out.push('', '**Preflight warnings:**');
    for (const w of pre) out.push(`- ${mdCell(w.message)}`);
  }
  if (bundleDir) out.push('', `Bundle: \`${bundleDir}\``);
  return out.join('\n');
}

/** Reads back the bundle path a message was written with (the testing/message/content menu receives a copy). */
export function bundleDirFromMarkdown(md: string): string | undefined {
  const m = /Bundle: `([^`]+)`/.exec(md);
  return m?.[1];
}

export interface StatusText { text: string; tooltip: string; status: VerdictStatus }

/** Status bar: worst status across cases, pass count, and the first failing case's numbers. */
export function bundleStatus(b: Pick<Bundle, 'cases' | 'stamp' | 'dir'>): StatusText {
  const n = b.cases.length;
  const passed = b.cases.filter((c) => c.verdict.status === 'pass').length;
  const errored = b.cases.some((c) => c.verdict.status === 'error');
  const status: VerdictStatus = n === 0 || errored ? 'error' : passed === n ? 'pass' : 'fail';
  const icon = status === 'pass' ? '$(pass)' : status === 'fail' ? '$(error)' : '$(warning)';
  const firstBad = b.cases.find((c) => c.verdict.status !== 'pass');
  let detail = '';
  if (firstBad?.metrics && firstBad.verdict.status === 'fail') detail = ` · ${firstBad.caseId} corr ${fmt6(firstBad.metrics.correlation)}`;
  else if (firstBad) detail = ` · ${firstBad.caseId} ${firstBad.verdict.status}`;
  const lines = [`nanoBragg Parity — ${b.stamp}`, ...b.cases.map((c) => `${c.caseId}: ${c.verdict.status.toUpperCase()} — ${c.verdict.reason}`), '', `Bundle: ${b.dir}`, 'Click to open the results.'];
  return { text: `${icon} Parity ${passed}/${n}${detail}`, tooltip: lines.join('\n'), status };
}

/** One-line description for a quick pick / log line. */
export function caseLine(r: CaseResult): string {
  const m = r.metrics;
  const nums = m ? ` corr ${fmt6(m.correlation)}, sum ratio ${fmt6(m.sumRatio)}` : '';
  return `${r.caseId}: ${r.verdict.status.toUpperCase()}${nums} — ${r.verdict.reason}`;
}

/** Terminal output for the Test Explorer renders in xterm: it needs CRLF, and lone LFs become staircases. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** POSIX shell quoting: bare when safe, else single quotes (with ' as '\''). */
export function shQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A copy-pasteable line for the log: cd, the variables we set, then argv. */
export function commandLine(run: Pick<EngineRun, 'command' | 'env' | 'cwd'>): string {
  const env = Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${shQuote(v)}`);
  return [`cd ${shQuote(run.cwd)} &&`, ...env, ...run.command.map(shQuote)].join(' ');
}

/** The log block of one side of a case: command, then its output (long stdout truncated; the bundle has it all). */
export function runLogLines(caseId: string, run: EngineRun, maxStdoutLines = 200, bundleFile?: string): string[] {
  const out: string[] = [];
  const head = `[${caseId} ${run.side} · ${run.engine}]`;
  if (run.command.length) out.push(`${head} $ ${commandLine(run)}`);
  const status = run.cancelled ? 'cancelled' : run.timedOut ? 'timed out' : run.signal ? `killed by ${run.signal}` : `exit ${run.exitCode ?? '?'}`;
  out.push(`${head} ${status} in ${(run.wallMs / 1000).toFixed(2)} s${run.error ? ` — ${run.error}` : ''}`);
  // C TRACE lines fold into one line first, so the truncation below counts real output only.
  const lines = foldTraceLines(run.stdout.split(/\r?\n/).filter((l) => l.trim() !== ''), bundleFile);
  for (const l of lines.slice(0, maxStdoutLines)) out.push(`${head} stdout: ${l}`);
  if (lines.length > maxStdoutLines) out.push(`${head} stdout: … ${lines.length - maxStdoutLines} more line(s)${bundleFile ? ` in ${bundleFile}` : ''}`);
  for (const l of run.stderr.split(/\r?\n/).filter((x) => x.trim() !== '')) out.push(`${head} stderr: ${l}`);
  return out;
}

/** "3 min", "5 h", "2 days": how old a bundle's stamp (YYYYMMDDTHHMMSSZ) is at `now`; undefined for a stamp that is not one. */
export function bundleAge(stamp: string, now: Date): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(stamp);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const s = Math.max(0, (now.getTime() - t) / 1000);
  if (s < 90) return 'just now';
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}
