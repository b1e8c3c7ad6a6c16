// `record` does not trust what it reads: before a bundle becomes an Attempt, its completion marker must say the run
// finished and every file is as the run left it (sha256 in complete.json), bundle.json, metrics.json and the images
// must agree, and the verdict is judged again from the stored metrics and thresholds.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { bundleFiles, fileSha256, loadCaseImages, readCompletion } from '../evidence/index.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { judge } from '../metrics/verdict.ts';
import type { Bundle, Metrics } from '../../shared/types.ts';
import { LedgerError } from './edits.ts';
import { isWhatIfId } from '../cases/whatIf.ts';

export interface VerifyOptions {
  /** Record a bundle that has no complete.json (older nb-parity, another tool); the entry says so. */
  acceptUnmarked?: boolean;
}

export interface Verified {
  /** Re-judged bundle: metrics recomputed from the images where both exist, verdicts from judge(). */
  bundle: Bundle;
  /** Said in the entry when the bundle was accepted without a completion marker. */
  caveat?: string;
}

export const ACCEPT_UNMARKED_FLAG = '--accept-unmarked';
const KEY_FILE = /^(bundle\.json|metrics\.json|.*\.bin)$/;

/** complete.json: present, "complete", and every file it lists unchanged; no key file added after it. */
async function checkCompletion(dir: string, opts: VerifyOptions): Promise<string | undefined> {
  const c = await readCompletion(dir);
  if (c.status === 'missing') {
    if (opts.acceptUnmarked) return 'no completion marker, recorded with --accept-unmarked';
    throw new LedgerError('incomplete', `${dir}: no ${bundleFiles.complete}, so the run did not finish: it was killed, crashed or ran out of disk space before writing it (or it was written before nb-parity wrote completion markers, or by another tool). Rerun the case; to record it anyway pass ${ACCEPT_UNMARKED_FLAG} (the entry says so).`);
  }
  if (c.status === 'cancelled') {
    throw new LedgerError('cancelled', `${dir}: ${bundleFiles.complete} says the run was cancelled${c.finishedAt ? ` at ${c.finishedAt}` : ''}; its remaining cases never ran, so it is not an attempt. Rerun the case.`);
  }
  const listed = c.files ?? {};
  for (const [name, want] of Object.entries(listed)) {
    const got = await fileSha256(path.join(dir, name)).catch(() => undefined);
    if (got === undefined) throw new LedgerError('tampered', `${dir}: ${name} is listed in ${bundleFiles.complete} but is gone: the bundle was edited after the run. Rerun the case.`);
    if (got !== want) throw new LedgerError('tampered', `${dir}: ${name} was changed after the run finished (its sha256 differs from ${bundleFiles.complete}); refusing to record edited evidence. Rerun the case.`);
  }
  for (const name of await readdir(dir)) {
    if (KEY_FILE.test(name) && !(name in listed)) throw new LedgerError('tampered', `${dir}: ${name} was added after the run finished (not in ${bundleFiles.complete}); refusing to record edited evidence.`);
  }
  return undefined;
}

const close = (a: number | null | undefined, b: number | null | undefined) =>
  (a ?? null) === null || !Number.isFinite(a as number) ? (b ?? null) === null || !Number.isFinite(b as number) : typeof b === 'number' && Math.abs(a! - b) <= 1e-9 * Math.max(1, Math.abs(a!), Math.abs(b));

const COMPARED: [keyof Metrics, string][] = [['correlation', 'correlation'], ['sumRatio', 'sum_ratio'], ['rmse', 'rmse'], ['maxAbsDiff', 'max_abs_diff']];

/** Our layout: bundle.json, metrics.json and the images agree, and the verdict is what the thresholds say. */
async function rejudge(bundle: Bundle): Promise<Bundle> {
  const dir = bundle.dir;
  let metricsJson: Record<string, Record<string, unknown>> = {};
  try { metricsJson = (JSON.parse(await readFile(path.join(dir, bundleFiles.metrics), 'utf8')) as { cases?: typeof metricsJson }).cases ?? {}; }
  catch { throw new LedgerError('bundle', `${path.join(dir, bundleFiles.metrics)}: missing or not JSON; the bundle is incomplete. Rerun the case.`); }
  const cases = [];
  for (const c of bundle.cases) {
    const mj = Object.values(metricsJson).find((m) => m.case_id === c.caseId);
    if (!mj) throw new LedgerError('disagree', `${dir}: case ${c.caseId} is in bundle.json but not in metrics.json; the files disagree, refusing.`);
    // The runs as judge() sees them: with the images read back from the bundle's .bin files (never the copy in memory).
    const reference = { ...c.reference, image: undefined as Float32Array | undefined };
    const candidate = { ...c.candidate, image: undefined as Float32Array | undefined };
    let metrics: Metrics | undefined;
    if (c.files.referenceImage || c.files.candidateImage) {
      let imgs;
      try { imgs = await loadCaseImages({ ...bundle, cases: [{ ...c, reference, candidate }] }, c.caseId); }
      catch (e) { throw new LedgerError('disagree', `${dir}: case ${c.caseId}: cannot read its images (${(e as Error).message}); refusing.`); }
      reference.image = imgs.reference;
      candidate.image = imgs.candidate;
      if (imgs.reference && imgs.candidate && imgs.reference.length === imgs.candidate.length) metrics = computeMetrics(imgs.reference, imgs.candidate, imgs.fpixels);
    }
    for (const [k, snake] of COMPARED) {
      const fromImages = metrics?.[k] as number | null | undefined;
      if (!close(c.metrics?.[k] as number | null | undefined, fromImages)) throw new LedgerError('disagree', `${dir}: case ${c.caseId}: ${k} is ${String(c.metrics?.[k])} in bundle.json but ${String(fromImages)} from the images; the bundle was edited, refusing.`);
      if (!close(mj[snake] as number | null | undefined, fromImages)) throw new LedgerError('disagree', `${dir}: case ${c.caseId}: ${snake} is ${String(mj[snake])} in metrics.json but ${String(fromImages)} from the images; the bundle was edited, refusing.`);
    }
    const verdict = judge({ metrics, thresholds: c.thresholds, reference, candidate });
    for (const [what, stored] of [['bundle.json', c.verdict.status], ['metrics.json', mj.verdict]] as const) {
      if (stored !== verdict.status) throw new LedgerError('disagree', `${dir}: case ${c.caseId}: ${what} says ${String(stored)}, but its metrics and thresholds judge ${verdict.status} (${verdict.reason}); refusing to record a verdict the evidence does not support.`);
    }
    cases.push({ ...c, metrics, verdict });
  }
  return { ...bundle, cases };
}

/** A what-if bundle tested a suggestion; it is not an attempt at the case (docs/compare.md, what-if). */
export function refuseWhatIf(bundle: Bundle): void {
  const marked = bundle.whatIf ? `bundle.json marks it a what-if (${bundle.whatIf.flags.join(' ')} on both sides)` : undefined;
  const suffixed = bundle.cases.find((c) => isWhatIfId(c.caseId));
  if (marked || suffixed) {
    throw new LedgerError('whatif', `${bundle.dir}: ${marked ?? `case ${suffixed!.caseId} is a what-if`}; a what-if is never recorded as the case itself. Apply the fix to the case (or the port) and rerun it to record an attempt.`);
  }
}

export async function verifyBundle(bundle: Bundle, opts: VerifyOptions = {}): Promise<Verified> {
  refuseWhatIf(bundle);
  const caveat = await checkCompletion(bundle.dir, opts);
  if (bundle.layout === 'legacy') return { bundle, caveat };
  return { bundle: await rejudge(bundle), caveat };
}
