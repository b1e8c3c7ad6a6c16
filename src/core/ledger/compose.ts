// The attempt entry in the compact house style: one header line, then `Metrics:` and `Artifacts:` sub-lines
// (the repo's testing rules: every attempt cites metrics and artifacts). Text from bundles (case ids, mismatch
// values, engines) is escaped: a newline or `|` from a case file must not restructure the ledger.
import { mdInline as md, singleLine } from '../../shared/mdText.ts';
import { formatNumber, JS_SPECIALS } from '../../shared/format.ts';

export type AttemptVerdict = 'pass' | 'fail' | 'error';

export interface AttemptCase {
  caseId: string;
  status: AttemptVerdict | 'unknown';
  correlation: number | null;
  sumRatio: number | null;
  rmse: number | null;
  maxAbsDiff: number | null;
  reason?: string;
}

/** Everything an entry says, independent of where it came from (our bundle, a legacy bundle, a test). */
export interface AttemptInput {
  /** YYYY-MM-DD (UTC, from the stamp). */
  date: string;
  /** YYYYMMDDTHHMMSSZ. */
  stamp: string;
  /** Bundle folder relative to the ledger's workspace, forward slashes, trailing slash. */
  bundlePath: string;
  verdict: AttemptVerdict;
  /** e.g. "torch vs c". */
  engines?: string;
  cases: AttemptCase[];
  /** Config mismatches in a few words each. */
  mismatches: string[];
  /** Top attribution forks, e.g. "defaultN=5". */
  forks: string[];
  note?: string;
  /** Key files of the bundle to cite (bundle-relative). */
  files?: string[];
  /** Where the verdict came from when the bundle had none (legacy layouts). */
  verdictSource?: string;
  /** `First Divergence: …` lines of the bundle's pixel traces (traceLines.ts), written between Metrics and Artifacts. */
  firstDivergence?: string[];
}

export const VERDICT_WORDS: Record<AttemptVerdict | 'unknown', string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  error: '⚠️ error',
  unknown: '❔ unknown',
};

export interface EntryStyle {
  kind: 'bullet' | 'heading';
  /** Indentation of the bullet (spaces). */
  indent: string;
  marker: string;
}

export const DEFAULT_STYLE: EntryStyle = { kind: 'bullet', indent: '  ', marker: '*' };

// Ledger lines keep the spellings they always had (String(v) for NaN/±Inf): fix_plan.md entries are read back.
function num(v: number | null, digits: number): string {
  return formatNumber(v, { form: 'fixed', digits, ...JS_SPECIALS });
}

function sci(v: number | null): string {
  return formatNumber(v, { form: 'significant', digits: 4, plain: [1e-3, 1e4], exponentDigits: 3, ...JS_SPECIALS });
}

/** One line only: a note typed by a person must not break the entry structure. */
export function oneLine(s: string): string {
  return s.replace(/\r\n|\r|\n/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

export function composeEntry(input: AttemptInput, n: number, style: EntryStyle = DEFAULT_STYLE): string[] {
  const caseBits = input.cases.map((c) => `${md(c.caseId)} ${VERDICT_WORDS[c.status].split(' ')[0]} corr ${num(c.correlation, 6)}, sum_ratio ${num(c.sumRatio, 6)}`);
  const parts = [`Result: ${VERDICT_WORDS[input.verdict]} (nb-parity${input.engines ? `, ${md(input.engines)}` : ''}, ${input.cases.length} case${input.cases.length === 1 ? '' : 's'}${input.verdictSource ? `, ${input.verdictSource}` : ''}).`];
  if (caseBits.length) parts.push(caseBits.join('; ') + '.');
  if (input.mismatches.length) parts.push(`Config mismatches: ${input.mismatches.map(md).join('; ')}.`);
  if (input.forks.length) parts.push(`Attributed forks: ${input.forks.map(md).join(', ')}.`);
  const note = input.note ? oneLine(input.note) : '';
  if (note) parts.push(`Note: ${note}`);
  const metrics = input.cases.length
    ? input.cases.map((c) => `${md(c.caseId)} correlation=${num(c.correlation, 6)}, sum_ratio=${num(c.sumRatio, 6)}, rmse=${sci(c.rmse)}, max_abs_diff=${sci(c.maxAbsDiff)}`).join('; ')
    : 'none (the bundle has no case results)';
  const files = input.files?.length ? ` (${input.files.map(md).join(', ')})` : '';
  const artifacts = `${singleLine(input.bundlePath)}${files}`;
  if (style.kind === 'heading') {
    return [
      '',
      `### Attempt #${n} — ${parts[0]!.replace(/^Result: /, '').replace(/\.$/, '')}`,
      `**Date:** ${input.date} (${input.stamp})`,
      ...(parts.length > 1 ? [`- Summary: ${parts.slice(1).join(' ')}`] : []),
      `- Metrics: ${metrics}`,
      ...(input.firstDivergence ?? []).map((l) => `- ${md(l)}`),
      `- Artifacts: ${artifacts}`,
    ];
  }
  const sub = style.indent + ' '.repeat(style.marker.length + 1);
  return [
    `${style.indent}${style.marker} [${input.date}] Attempt #${n} — ${parts.join(' ')}`,
    `${sub}Metrics: ${metrics}`,
    ...(input.firstDivergence ?? []).map((l) => `${sub}${md(l)}`),
    `${sub}Artifacts: ${artifacts}`,
  ];
}
