// Words for a trace comparison: the verdict paragraph, `first_divergence.md`, and the ledger's
// `First Divergence:` line. Values are shown with six significant digits, as a person would quote them.
import { fmt } from '../metrics/verdict.ts';
import { isDifference } from './classify.ts';
import type { FactorModel } from './factors.ts';
import { parseValue } from './parse.ts';
import type { Divergence, TraceDiff, TraceRow } from './types.ts';

/** `0.99999988079071` → `1`, `-0 -0 -0.000249999997395833` → `0 0 -0.00025`, text kept. */
export function quote(raw: string | null): string {
  if (raw === null) return '—';
  const v = parseValue(raw);
  if (v.text !== undefined || !v.numbers.length) return raw;
  return v.numbers.map((n) => (Object.is(n, -0) ? '0' : fmt(n))).join(' ');
}

function named(d: Pick<Divergence, 'name' | 'reference' | 'candidate' | 'hint'>, withHint = true): string {
  const hint = withHint && d.hint === 'N cells' ? ' (N cells)' : '';
  return `\`${d.name}\` ${quote(d.reference)} vs ${quote(d.candidate)}${hint}`;
}

function ratioText(r: number): string {
  return `×${fmt(r, 3)}`;
}

/** "incident_vec, scattering_vec_A_inv (C prints source 0 …); rot_a_angstroms … (…)" */
function artefactList(rows: readonly TraceRow[]): string {
  const byReason = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.artefact) continue;
    const list = byReason.get(r.artefact.reason) ?? [];
    list.push(r.key);
    byReason.set(r.artefact.reason, list);
  }
  return [...byReason].map(([reason, keys]) => `${keys.join(', ')}: ${reason}`).join('; ');
}

function imageSentence(d: TraceDiff, names: { reference: string; candidate: string }): string {
  const part = (ok: boolean | null, who: string) =>
    ok === null ? '' : ok ? `the ${who} trace matches its image` : `the ${who} trace does not show what the image computed`;
  return [part(d.traceMatchesImage.reference, names.reference), part(d.traceMatchesImage.candidate, names.candidate)].filter(Boolean).join('; ');
}

function compensationText(d: TraceDiff, model: FactorModel | undefined): string {
  const rowByKey = new Map(d.rows.map((r) => [r.key, r]));
  const groups = (model?.groups ?? []).filter((g) => g.differs);
  const phrases = groups.map((g) => {
    const shown = g.members.map((m) => rowByKey.get(m)).filter((r): r is TraceRow => !!r && isDifference(r.class));
    const rows = shown.length ? shown.map((r) => named({ ...r, name: r.key })).join(' with ') : g.members.map((m) => `\`${m}\``).join(' · ');
    return `${rows} (${ratioText(g.ratio)})`;
  });
  return `${phrases.join(' and ')} cancel`;
}

/** The verdict paragraph (`text` of the JSON). */
export function verdictText(d: TraceDiff, model: FactorModel | undefined, names: { reference: string; candidate: string }): string {
  const at = `at (${d.pixel.slow}, ${d.pixel.fast})`;
  const values = `${fmt(d.result.reference)} vs ${fmt(d.result.candidate)}`;
  const differing = d.rows.filter((r) => isDifference(r.class));
  const artefacts = differing.filter((r) => r.artefact);
  const sentences: string[] = [];
  if (d.verdict === 'differ') {
    let s = `results differ ${at}: ${values}`;
    if (d.firstDivergence) s += `; first divergence ${named(d.firstDivergence)}`;
    else s += '; no traced row explains it (the traces agree where they can be compared)';
    sentences.push(s);
    if (d.laterDivergences.length) sentences.push(`later independent divergences: ${d.laterDivergences.map((x) => named(x)).join(', ')}`);
  } else if (d.verdict === 'agree-by-compensation') {
    sentences.push(`results agree by compensation ${at}: ${values}; ${compensationText(d, model)}`);
  } else if (!differing.length) {
    sentences.push(`results agree ${at}: ${values}; the traces agree (every shared row within ${d.candidateDtype} precision)`);
  } else if (artefacts.length === differing.length) {
    sentences.push(`results agree ${at}: ${values}; the traces differ in ${differing.length} rows, all trace artefacts`);
  } else {
    const loose = differing.filter((r) => !r.artefact).map((r) => `\`${r.key}\``);
    sentences.push(
      `results agree ${at}: ${values}; the traces differ in ${differing.length} rows: ${artefacts.length} trace artefacts and ${loose.length} that do not reach the result (${loose.join(', ')})`,
    );
  }
  if (artefacts.length) sentences.push(`trace artefacts, not the cause: ${artefactList(artefacts)}`);
  const img = imageSentence(d, names);
  if (img) sentences.push(img);
  return sentences.map((s) => s.replace(/^./, (c) => c.toUpperCase())).join('. ') + '.';
}

function cell(v: string | null): string {
  return v === null ? '—' : v.replace(/\|/g, '\\|');
}

/** `first_divergence.md`: the verdict, the pixel, the table (first divergence marked, artefacts with their reason). */
export function renderFirstDivergenceMarkdown(d: TraceDiff, files: { reference?: string; candidate?: string } = {}): string {
  const lines = [`# First divergence${d.case ? `: ${d.case}` : ''} at pixel (${d.pixel.slow}, ${d.pixel.fast})`, '', d.text, ''];
  lines.push(`- verdict: **${d.verdict}**`);
  if (d.firstDivergence) lines.push(`- first divergence: ${named(d.firstDivergence)} (${d.firstDivergence.class})`);
  lines.push(`- candidate dtype: ${d.candidateDtype}; result from the ${d.result.source}`);
  if (files.reference) lines.push(`- reference trace: \`${files.reference}\``);
  if (files.candidate) lines.push(`- candidate trace: \`${files.candidate}\``);
  for (const n of d.notes) lines.push(`- note: ${n}`);
  lines.push('', '| name | reference | candidate | rel. diff | class | note |', '| --- | --- | --- | --- | --- | --- |');
  for (const r of d.rows) {
    if (r.formatOnly) continue;
    const mark = r.divergence === 'first' ? '**→ first divergence** ' : r.divergence === 'later' ? '**divergence** ' : '';
    const note = mark + (r.artefact ? `artefact: ${r.artefact.reason}` : r.hint ?? '') + (r.referenceCount > 1 || r.candidateCount > 1 ? ` (printed ${r.referenceCount}× / ${r.candidateCount}×)` : '');
    lines.push(`| ${cell(r.label)} | ${cell(r.reference)} | ${cell(r.candidate)} | ${r.relDiff === null ? '' : fmt(r.relDiff, 3)} | ${r.class} | ${cell(note.trim())} |`);
  }
  const only = d.rows.filter((r) => r.formatOnly).map((r) => r.key);
  if (only.length) lines.push('', `Printed by one dialect only (not differences): ${only.join(', ')}.`);
  return lines.join('\n') + '\n';
}

/** The ledger's `First Divergence:` line, or undefined when the results agree without compensation. */
export function firstDivergenceLine(d: TraceDiff, traceFile: string): string | undefined {
  const at = `pixel (${d.pixel.slow}, ${d.pixel.fast})`;
  if (d.verdict === 'differ') {
    const what = d.firstDivergence ? named(d.firstDivergence).replace(/`/g, '') : `none traced (results ${fmt(d.result.reference)} vs ${fmt(d.result.candidate)})`;
    return `First Divergence: ${what} at ${at}; trace ${traceFile}`;
  }
  if (d.verdict === 'agree-by-compensation') {
    const what = d.compensation.map((c) => named(c, false).replace(/`/g, '')).join(', ');
    return `First Divergence: none in the result (agree by compensation: ${what}) at ${at}; trace ${traceFile}`;
  }
  return undefined;
}
