// Adding a pixel trace to an existing bundle, through the bundle writer (names from layout.ts). New files only
// (trace_<engine>_<stem>_s<S>_f<F>.log per side, trace_diff_….json, first_divergence.md); a name already taken gets a
// suffix (-2, -3…), never replaced. The only existing files rewritten: summary.md gains a "Pixel trace" section,
// bundle.json a `traces` entry (every other key as it was), and complete.json (when the bundle has one) is refreshed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TraceDiff } from '../trace/types.ts';
import { BundleWriter, type Rewrites } from './bundleWriter.ts';
import { bundleFiles } from './layout.ts';

/** What bundle.json's `traces` list records of one trace (the full comparison is in the diff file). */
export interface TraceRecord {
  case: string;
  fileStem: string;
  pixel: { slow: number; fast: number };
  pixelSource: string;
  verdict: TraceDiff['verdict'];
  firstDivergence: TraceDiff['firstDivergence'];
  text: string;
  reference: string;
  candidate: string;
  candidateDtype: TraceDiff['candidateDtype'];
  createdAt: string;
  files: { reference: string; candidate: string; diff: string; markdown: string };
}

export interface TraceToAdd {
  caseId: string;
  fileStem: string;
  pixel: { slow: number; fast: number };
  pixelSource: string;
  /** Bundle file prefixes per side (c, py, emb, emb_ref…), as for the images. */
  prefixes: { reference: string; candidate: string };
  engines: { reference: string; candidate: string };
  referenceText: string;
  candidateText: string;
  diff: TraceDiff;
  /** Renders first_divergence.md once the trace file names are known. */
  markdown: (files: { reference: string; candidate: string }) => string;
}

/** Write the trace files into `dir` (new names only, through the bundle writer) and record them in summary.md / bundle.json. */
export async function addTraceToBundle(dir: string, t: TraceToAdd): Promise<TraceRecord> {
  const existing = new Set(await readdir(dir));
  const { slow: s, fast: f } = t.pixel;
  // One suffix for the set, so a re-trace of the same pixel keeps its three files together.
  let n = 1;
  const set = (k: number) => [bundleFiles.trace(t.prefixes.reference, t.fileStem, s, f, k), bundleFiles.trace(t.prefixes.candidate, t.fileStem, s, f, k), bundleFiles.traceDiffN(t.fileStem, s, f, k)];
  while (set(n).some((x) => existing.has(x))) n++;
  const [reference, candidate, diff] = set(n);
  let m = 1;
  while (existing.has(bundleFiles.firstDivergenceN(m))) m++;
  const markdown = bundleFiles.firstDivergenceN(m);
  const record: TraceRecord = {
    case: t.caseId, fileStem: t.fileStem, pixel: t.pixel, pixelSource: t.pixelSource, verdict: t.diff.verdict,
    firstDivergence: t.diff.firstDivergence, text: t.diff.text, reference: t.engines.reference, candidate: t.engines.candidate,
    candidateDtype: t.diff.candidateDtype, createdAt: new Date().toISOString(), files: { reference, candidate, diff, markdown },
  };
  await BundleWriter.open(dir).addTraceSet([
    [reference, t.referenceText],
    [candidate, t.candidateText],
    [diff, `${JSON.stringify(t.diff, null, 2)}\n`],
    [markdown, t.markdown({ reference, candidate })],
  ], async () => ({ ...await bundleJsonRewrite(dir, existing, record), ...await summaryRewrite(dir, existing, record) }));
  return record;
}

async function bundleJsonRewrite(dir: string, existing: Set<string>, record: TraceRecord): Promise<Rewrites> {
  // A bundle without bundle.json is an older layout: giving it one would change how it is read. The trace files
  // and summary.md carry the result there.
  if (!existing.has(bundleFiles.bundle)) return {};
  const json = JSON.parse(await readFile(join(dir, bundleFiles.bundle), 'utf8')) as Record<string, unknown>;
  const traces = Array.isArray(json.traces) ? json.traces : [];
  json.traces = [...traces, record];
  return { bundleJson: `${JSON.stringify(json, null, 2)}\n` };
}

async function summaryRewrite(dir: string, existing: Set<string>, r: TraceRecord): Promise<Rewrites> {
  const before = existing.has(bundleFiles.summary) ? await readFile(join(dir, bundleFiles.summary), 'utf8') : '';
  const section = [
    `## Pixel trace: ${r.case} at (${r.pixel.slow}, ${r.pixel.fast})`,
    '',
    `${r.candidate} vs ${r.reference}, pixel from ${r.pixelSource}; verdict **${r.verdict}**.`,
    '',
    r.text,
    '',
    `Files: \`${r.files.markdown}\` (the table), \`${r.files.diff}\`, \`${r.files.reference}\`, \`${r.files.candidate}\`.`,
    '',
  ].join('\n');
  const sep = before === '' ? '' : before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  return { summary: before + sep + section };
}

/** The traces a bundle records: bundle.json's `traces`, else the trace_diff_*.json files found in the folder. */
export async function readTraceRecords(dir: string): Promise<{ diffFile: string; diff: TraceDiff }[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  // Filing order: by base name, then suffix (-2 after the unsuffixed file).
  const key = (n: string) => { const m = /^(.*?)(?:-(\d+))?\.json$/.exec(n)!; return [m[1], Number(m[2] ?? 1)] as const; };
  const diffs = names.filter((n) => /^trace_diff_.+\.json$/.test(n))
    .sort((a, b) => { const [ka, na] = key(a); const [kb, nb] = key(b); return ka < kb ? -1 : ka > kb ? 1 : na - nb; });
  const out: { diffFile: string; diff: TraceDiff }[] = [];
  for (const name of diffs) {
    try {
      const diff = JSON.parse(await readFile(join(dir, name), 'utf8')) as TraceDiff;
      if (diff && typeof diff === 'object' && typeof diff.verdict === 'string' && diff.pixel) out.push({ diffFile: name, diff });
    } catch { /* not a trace diff we wrote: ignored */ }
  }
  return out;
}
