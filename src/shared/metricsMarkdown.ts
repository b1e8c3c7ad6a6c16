// "Copy metrics as Markdown": one table for the whole bundle plus the verdict reasons and top mismatches.
// Pure, used by the webview (which sends the text) and by the host (when the webview asks it to build the text).
import type { ViewModel } from './messages.ts';
import { fmtCorrelation, fmtNumber, fmtSumRatio, meetsThreshold, thresholdText } from './format.ts';

const VERDICT_MARK: Record<string, string> = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error' };

/** Escape what would break a Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function withBadge(text: string, ok: boolean | undefined): string {
  return ok === undefined ? text : `${text} ${ok ? '✓' : '✗'}`;
}

export function metricsMarkdown(vm: ViewModel): string {
  const lines: string[] = [];
  lines.push(`**nanoBragg parity** — bundle \`${vm.stamp}\`${vm.readOnly ? ' (read-only)' : ''}`);
  lines.push('');
  lines.push('| Case | Reference → Candidate | Verdict | Correlation | Sum ratio | RMSE | max \\|Δ\\| | Thresholds |');
  lines.push('|---|---|---|---:|---:|---:|---:|---|');
  for (const c of vm.cases) {
    const m = c.metrics;
    const t = c.thresholds;
    const limits = [
      thresholdText('correlation', t) && `corr ${thresholdText('correlation', t)}`,
      thresholdText('sumRatio', t) && `sum ratio ${thresholdText('sumRatio', t)}`,
      thresholdText('rmse', t) && `rmse ${thresholdText('rmse', t)}`,
      thresholdText('maxAbsDiff', t) && `max|Δ| ${thresholdText('maxAbsDiff', t)}`,
    ].filter(Boolean).join('; ') || 'none';
    lines.push('| ' + [
      cell(c.caseId),
      `${c.reference.engine} → ${c.candidate.engine}`,
      VERDICT_MARK[c.verdict.status] ?? c.verdict.status,
      withBadge(fmtCorrelation(m?.correlation), meetsThreshold('correlation', m?.correlation, t)),
      withBadge(fmtSumRatio(m?.sumRatio), meetsThreshold('sumRatio', m?.sumRatio, t)),
      withBadge(fmtNumber(m?.rmse), meetsThreshold('rmse', m?.rmse, t)),
      withBadge(fmtNumber(m?.maxAbsDiff), meetsThreshold('maxAbsDiff', m?.maxAbsDiff, t)),
      cell(limits),
    ].join(' | ') + ' |');
  }
  lines.push('');
  for (const c of vm.cases) {
    lines.push(`- **${cell(c.caseId)}**: ${c.verdict.reason.replace(/\r?\n/g, ' ')}`);
    const critical = c.mismatches.filter((x) => x.severity === 'critical');
    for (const x of critical.slice(0, 3)) lines.push(`  - config: ${x.explanation.replace(/\r?\n/g, ' ')}`);
    if (c.attribution) lines.push(`  - attribution (${c.attribution.status}): ${c.attribution.summary.replace(/\r?\n/g, ' ')}`);
  }
  lines.push('');
  lines.push(`Evidence: \`${vm.bundleDir}\``);
  return lines.join('\n') + '\n';
}
