// One case of a parity run: preflight → run both sides → file their outputs → judge → previews → (--explain) attribute.
import type { Case, CaseResult, EngineId, EngineRun, PreflightWarning, Side } from '../../shared/types.ts';
import { BundleWriter } from '../evidence/bundleWriter.ts';
import { diffConfigs } from '../diagnosis/configDiff.ts';
import { preflight } from '../diagnosis/preflight.ts';
import type { CommandEntry } from '../evidence/texts.ts';
import type { RunContext } from './context.ts';
import { judgeCase } from './judgeCase.ts';
import { recordFiledCRun } from '../engines/c/index.ts';
import { join } from 'node:path';
import { runSides, sidePrefixes } from './sides.ts';

export async function runCase(ctx: RunContext, c: Case, index: number): Promise<CaseResult> {
  const { opts, reference, candidate, log } = ctx;
  const caseStart = performance.now();
  const pre = await safePreflight(c, opts.workspace, ctx.prepared.cBinary?.frozen ? ctx.prepared.cBinary.path : undefined);
  const runStart = performance.now();
  const [refRun, candRun] = await runSides(ctx, c);
  const postStart = performance.now();
  const files = await fileCase(ctx, c, index, refRun, candRun);

  const sameSize = refRun.image && candRun.image && refRun.fpixels === candRun.fpixels && refRun.spixels === candRun.spixels;
  // `run --roi` replaces every selected case's own roi.
  const numbers = judgeCase(refRun, candRun, c.thresholds, opts.settings.roi ?? c.roi);
  const verdict = numbers.verdict;
  const mismatches = refRun.effectiveConfig && candRun.effectiveConfig
    ? safeDiff(() => diffConfigs(refRun.effectiveConfig!, candRun.effectiveConfig!, { reference, candidate }))
    : [];
  // The previews are named up front (bundle.json and summary.md list them); they may land after complete.json (see
  // run/previews.ts). A failed one is dropped from the list, and the run rewrites those two files.
  files.previews = BundleWriter.previewNames(c.fileStem, refRun, candRun, !!sameSize);
  const written: string[] = [];
  ctx.previews.schedule(() => ctx.writer.writePreviews(c.fileStem, refRun, candRun, !!sameSize, written, ctx.previews.encoded)
    .catch((e: unknown) => { log(`previews for ${c.id} not written: ${(e as Error).message}`); })
    .then(() => { if (written.length !== files.previews?.length) { files.previews = written; ctx.previews.changed = true; } }));
  const result: CaseResult = {
    caseId: c.id, label: c.label, fileStem: c.fileStem, flags: c.flags, thresholds: c.thresholds,
    reference: refRun, candidate: candRun, ...numbers, mismatches, preflight: pre, files,
  };
  opts.onProgress?.({ caseId: c.id, fraction: 1, message: `${c.id}: ${verdict.status} — ${verdict.reason}` });
  if (opts.settings.explain && verdict.status === 'fail' && refRun.image && candRun.image && !opts.signal?.aborted) await explain(ctx, c, result);
  ctx.timing.cases[index] = { caseId: c.id, preflightMs: runStart - caseStart, runMs: postStart - runStart, postMs: performance.now() - postStart };
  return result;
}

/** Move each side's image and logs into the bundle under the seed's names; note the commands for commands.txt. */
async function fileCase(ctx: RunContext, c: Case, index: number, refRun: EngineRun, candRun: EngineRun): Promise<CaseResult['files']> {
  const entries: CommandEntry[] = [];
  ctx.commandEntries[index] = entries;
  const prefixes = sidePrefixes(ctx);
  const files: CaseResult['files'] = {};
  for (const [side, run] of [['reference', refRun], ['candidate', candRun]] as const) {
    const filed = await ctx.writer.fileSide(prefixes[side], c.fileStem, run, ctx.log);
    const hash = run.engine === 'c' && filed.image ? ctx.writer.imageHash(filed.image) : undefined;
    if (hash) await recordFiledCRun(ctx.opts.workspace, run, ctx.writer.dir, join(ctx.writer.dir, filed.image!), hash);
    if (side === 'reference') { files.referenceImage = filed.image; files.referenceStdout = filed.stdout; } else { files.candidateImage = filed.image; files.candidateStdout = filed.stdout; }
    if (run.command.length) entries.push({ caseId: c.id, side, run, movedTo: filed.image, inProcess: run.engine === 'embedded' });
  }
  return files;
}

/** `--explain`: attribution is loaded only when asked, so plain runs never load the search. */
async function explain(ctx: RunContext, c: Case, r: CaseResult): Promise<void> {
  try {
    const { explainCase } = await import('./explain.ts');
    const att = await explainCase(ctx, c, r);
    if (att) { ctx.attributions[c.fileStem] = att.json; ctx.attributionMarkdown[c.fileStem] = att.markdown; }
  } catch (e) {
    ctx.log(`${c.id}: attribution failed: ${(e as Error).message}`);
    ctx.attributions[c.fileStem] = { status: 'error', error: (e as Error).message };
  }
}

/** One case's unexpected failure (disk full, a bug) must not lose the other cases' evidence: it becomes an error verdict. */
export function errorResult(ctx: RunContext, c: Case, err: unknown): CaseResult {
  const message = `nb-parity failed while running or filing ${c.id}: ${(err as Error)?.message ?? String(err)}`;
  ctx.log(message);
  const blank = (side: Side, engine: EngineId): EngineRun => ({ engine, side, fpixels: 0, spixels: 0, stdout: '', stderr: '', command: [], env: {}, cwd: '', wallMs: 0, error: message });
  return {
    caseId: c.id, label: c.label, fileStem: c.fileStem, flags: c.flags, thresholds: c.thresholds,
    reference: blank('reference', ctx.reference), candidate: blank('candidate', ctx.candidate),
    verdict: { status: 'error', reason: message, failed: [] }, mismatches: [], preflight: [], files: {},
  };
}

async function safePreflight(c: Case, workspace: string, frozenBinary?: string): Promise<PreflightWarning[]> {
  try {
    return await preflight({ flags: c.flags, workspace, frozenBinary });
  } catch (err) {
    return [{ code: 'preflight-failed', message: `preflight could not inspect ${c.id}: ${(err as Error).message}` }];
  }
}

function safeDiff<T>(fn: () => T[]): T[] {
  try { return fn(); } catch { return []; }
}

/** Tell the caller a run is judged and filed (`nb-parity run --jsonl` streams it); its callback cannot break the run. */
export function caseDone(ctx: RunContext, r: CaseResult, index: number): CaseResult {
  try { ctx.opts.onCaseDone?.(r, { index, bundleDir: ctx.writer.dir }); } catch (e) { ctx.log(`onCaseDone for ${r.caseId} failed: ${(e as Error).message}`); }
  return r;
}
