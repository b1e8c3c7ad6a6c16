// Attribution for people: the one-line summary, the step table (CLI), JSON without the image, and Markdown.
import type { Attribution, AttributionStatus } from './types.ts';
import { g, near1 } from './compare.ts';

const STATUS_WORDS: Record<AttributionStatus, string> = {
  explained: 'explained',
  'partly-explained': 'partly explained',
  unexplained: 'unexplained: look elsewhere',
  'not-modelled': 'not modelled: the embedded engine cannot model this reference, attribution not possible',
  'no-divergence': 'no divergence worth explaining',
};

/** A few words for the ledger / a table cell, e.g. "explained by defaultN=5 + sourceParser=clean (residual corr 0.99999)". */
export function summarizeAttribution(a: Attribution): string {
  if (a.status === 'no-divergence') return `no divergence worth explaining (corr ${near1(a.observed.correlation)}, sum ratio ${near1(a.observed.sumRatio)})`;
  if (a.status === 'not-modelled') return STATUS_WORDS['not-modelled'];
  const forks = a.chosen.map((c) => `${c.fork}=${c.value}`).join(' + ');
  const res = a.residual ? `residual corr ${near1(a.residual.correlation)}, sum ratio ${near1(a.residual.sumRatio)}` : '';
  if (a.status === 'explained') return `explained by ${forks || 'the reference preset'} (${res})`;
  if (a.status === 'partly-explained') return `partly explained by ${forks} (${res})`;
  return `unexplained: look elsewhere${forks ? ` (best forks ${forks}: ${res})` : res ? ` (${res})` : ''}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Plain-text table: one row per step, how each fork moves corr and sum ratio toward the candidate. */
export function formatAttributionTable(a: Attribution, caseId?: string): string {
  const lines: string[] = [];
  lines.push(`${caseId ? `${caseId}: ` : ''}${STATUS_WORDS[a.status]}`);
  lines.push(`  observed (reference vs candidate): corr ${near1(a.observed.correlation)}, sum ratio ${near1(a.observed.sumRatio)}`);
  if (a.reproduction) lines.push(`  embedded preset '${a.referencePreset}' vs reference: ${a.reproduction.ok ? 'reproduced' : 'NOT reproduced'} (${a.reproduction.note})`);
  if (a.note) lines.push(`  note: ${a.note}`);
  if (a.steps.length) {
    lines.push('');
    const head = ['step', 'fork', 'corr vs cand', 'sum ratio vs cand', 'nRMSE'];
    const rows = a.steps.map((s, i) => [
      String(i),
      s.fork ? `+ ${s.fork}=${s.value}` : `preset ${a.referencePreset}`,
      near1(s.vsCandidate.correlation),
      near1(s.vsCandidate.sumRatio),
      g(s.vsCandidate.nrmse, 3),
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    lines.push('  ' + head.map((h, i) => pad(h, w[i])).join('  '));
    for (const r of rows) lines.push('  ' + r.map((c, i) => pad(c, w[i])).join('  '));
    if (a.residual && a.status !== 'no-divergence') {
      lines.push(`  residual (best model vs candidate): corr ${near1(a.residual.correlation)}, sum ratio ${near1(a.residual.sumRatio)}, nRMSE ${g(a.residual.nrmse, 3)}`);
    }
    if (a.singles.length) {
      lines.push(`  each fork alone: ${a.singles.map((s) => `${s.fork}=${s.value} → corr ${near1(s.vsCandidate.correlation)}, ratio ${near1(s.vsCandidate.sumRatio)}`).join('; ')}`);
    }
  }
  lines.push(`  search: ${a.search}, ${a.simulations} simulations, ${g(a.elapsedMs / 1000, 3)} s${a.timedOut ? ' (time box reached)' : ''}`);
  return lines.join('\n');
}

/** attribution.json content: everything but the model image (store that as its own .bin). */
export function attributionToJson(a: Attribution): Omit<Attribution, 'modelImage'> & { modelImage?: undefined } {
  const { modelImage: _m, ...rest } = a;
  return rest;
}

/** Markdown block for summary.md: status, the forks, the step table and the residual. */
export function formatAttributionMarkdown(a: Attribution): string {
  const out: string[] = ['#### Attribution', '', `**${STATUS_WORDS[a.status]}** — ${a.summary}`, ''];
  if (a.reproduction) out.push(`- embedded preset \`${a.referencePreset}\` vs reference: ${a.reproduction.ok ? 'reproduced' : '**not reproduced**'} (${a.reproduction.note})`);
  if (a.note) out.push(`- ${a.note}`);
  if (a.steps.length > 1 || (a.steps.length && a.status !== 'no-divergence')) {
    out.push('', '| step | fork | corr vs candidate | sum ratio vs candidate | nRMSE |', '| --- | --- | --- | --- | --- |');
    a.steps.forEach((s, i) => out.push(`| ${i} | ${s.fork ? `+ \`${s.fork}=${s.value}\`` : `preset \`${a.referencePreset}\``} | ${near1(s.vsCandidate.correlation)} | ${near1(s.vsCandidate.sumRatio)} | ${g(s.vsCandidate.nrmse, 3)} |`));
  }
  for (const c of a.chosen) out.push(`- \`${c.fork}\`: ${c.from} → ${c.value}. ${c.doc}`);
  out.push(`- search: ${a.search}, ${a.simulations} simulations in ${g(a.elapsedMs / 1000, 3)} s${a.timedOut ? ' (time box reached)' : ''}`);
  return out.join('\n');
}

