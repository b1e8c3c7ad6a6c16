// Bundle against bundle: for every case both ran, both verdicts, every metric side by side with its change, how
// each side's image moved (candidate A vs B, reference A vs B) and a better / worse / unchanged judgement against
// the case thresholds (B's, the newer run's). Optionally the same over a region of interest.
import { dirname } from 'node:path';
import type { Bundle, CaseResult, Metrics, VerdictStatus } from '../../shared/types.ts';
import { listBundles, loadCaseImages, readBundle } from '../evidence/reader.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { computeRoiMetrics, type Roi } from '../metrics/roi.ts';
import { imageDelta, type ImageDelta } from './imageDelta.ts';
import { judgeChange, type Change } from './judgeChange.ts';

export const COMPARED_METRICS = ['correlation', 'sumRatio', 'rmse', 'mse', 'maxAbsDiff', 'sumReference', 'sumCandidate', 'peakDistance', 'finitePixels'] as const;

export interface MetricChange { metric: string; a: number | null; b: number | null; delta: number | null }

export interface CaseComparison {
  caseId: string;
  a: { status: VerdictStatus; reason: string };
  b: { status: VerdictStatus; reason: string };
  metrics: MetricChange[];
  roi?: { roi: Roi; metrics: MetricChange[]; change: Change; why: string };
  images: { reference?: ImageDelta; candidate?: ImageDelta; note?: string };
  /** "the candidate moved (max |Δ| 84.8 at (129, 129)); the reference is identical". */
  moved: string;
  change: Change;
  why: string;
}

export interface BundleComparison {
  a: { dir: string; stamp: string };
  b: { dir: string; stamp: string };
  cases: CaseComparison[];
  onlyInA: string[];
  onlyInB: string[];
  summary: { better: number; worse: number; unchanged: number };
}

const asNum = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function metricChanges(ma?: Metrics, mb?: Metrics): MetricChange[] {
  return COMPARED_METRICS.map((k) => {
    const a = asNum(ma?.[k]), b = asNum(mb?.[k]);
    return { metric: k, a, b, delta: a !== null && b !== null ? b - a : null };
  });
}

function describeMove(side: string, d?: ImageDelta): string {
  if (!d) return `${side}: no image in one of the bundles`;
  if (d.identical) return `${side} identical`;
  const where = d.maxAbsAt ? ` at (${d.maxAbsAt[0]}, ${d.maxAbsAt[1]})` : '';
  const fin = d.finitenessChanged ? `, ${d.finitenessChanged} pixels changed finiteness` : '';
  return `${side} moved: ${d.changedPixels} pixels, max |Δ| ${d.maxAbs === null ? 'n/a' : d.maxAbs.toPrecision(4)}${where}${fin}`;
}

async function compareCase(A: Bundle, B: Bundle, ca: CaseResult, cb: CaseResult, roi?: Roi): Promise<CaseComparison> {
  const [ia, ib] = await Promise.all([loadCaseImages(A, ca.caseId), loadCaseImages(B, cb.caseId)]);
  const images: CaseComparison['images'] = {};
  if (ia.fpixels && (ia.fpixels !== ib.fpixels || ia.spixels !== ib.spixels)) images.note = `image size changed: ${ia.fpixels}×${ia.spixels} → ${ib.fpixels}×${ib.spixels}`;
  else {
    if (ia.reference && ib.reference) images.reference = imageDelta(ia.reference, ib.reference, ia.fpixels);
    if (ia.candidate && ib.candidate) images.candidate = imageDelta(ia.candidate, ib.candidate, ia.fpixels);
  }
  // Metrics as stored; recomputed from the images when a bundle has none stored (older layouts).
  const metricsOf = (c: CaseResult, i: typeof ia) => c.metrics ?? (i.reference && i.candidate && i.reference.length === i.candidate.length ? computeMetrics(i.reference, i.candidate, i.fpixels) : undefined);
  const ma = metricsOf(ca, ia), mb = metricsOf(cb, ib);
  const thresholds = cb.thresholds ?? ca.thresholds ?? {};
  const judged = judgeChange({ status: ca.verdict.status, metrics: ma }, { status: cb.verdict.status, metrics: mb }, thresholds);
  const out: CaseComparison = {
    caseId: cb.caseId,
    a: { status: ca.verdict.status, reason: ca.verdict.reason },
    b: { status: cb.verdict.status, reason: cb.verdict.reason },
    metrics: metricChanges(ma, mb),
    images,
    moved: images.note ?? [describeMove('reference', images.reference), describeMove('candidate', images.candidate)].join('; '),
    change: judged.change,
    why: judged.why,
  };
  if (roi && ia.reference && ia.candidate && ib.reference && ib.candidate && !images.note) {
    const ra = computeRoiMetrics(ia.reference, ia.candidate, ia.fpixels, roi).metrics;
    const rb = computeRoiMetrics(ib.reference, ib.candidate, ib.fpixels, roi).metrics;
    // Inside the region the verdict is re-judged from the region's metrics alone.
    const rj = judgeChange({ status: 'pass', metrics: ra }, { status: 'pass', metrics: rb }, thresholds);
    out.roi = { roi, metrics: metricChanges(ra, rb), change: rj.change, why: rj.why };
  }
  return out;
}

export async function compareBundles(dirA: string, dirB: string, opts: { caseId?: string; roi?: Roi } = {}): Promise<BundleComparison> {
  const [A, B] = await Promise.all([readBundle(dirA), readBundle(dirB)]);
  const idsA = new Set(A.cases.map((c) => c.caseId)), idsB = new Set(B.cases.map((c) => c.caseId));
  let common = B.cases.filter((c) => idsA.has(c.caseId)).map((c) => c.caseId);
  if (opts.caseId) {
    if (!idsA.has(opts.caseId) || !idsB.has(opts.caseId)) {
      throw new Error(`case ${opts.caseId} is not in both bundles (A has ${[...idsA].join(', ') || 'none'}; B has ${[...idsB].join(', ') || 'none'})`);
    }
    common = [opts.caseId];
  }
  if (!common.length) throw new Error(`the two bundles share no case (A has ${[...idsA].join(', ') || 'none'}; B has ${[...idsB].join(', ') || 'none'})`);
  const cases: CaseComparison[] = [];
  for (const id of common) cases.push(await compareCase(A, B, A.cases.find((c) => c.caseId === id)!, B.cases.find((c) => c.caseId === id)!, opts.roi));
  const summary = { better: 0, worse: 0, unchanged: 0 };
  for (const c of cases) summary[c.change]++;
  return {
    a: { dir: A.dir, stamp: A.stamp },
    b: { dir: B.dir, stamp: B.stamp },
    cases,
    onlyInA: [...idsA].filter((id) => !idsB.has(id)),
    onlyInB: [...idsB].filter((id) => !idsA.has(id)),
    summary,
  };
}

/** The workspace a bundle belongs to: bundle.json's own record, else four folders up (reports/<ini>/<phase>/<STAMP>). */
export function workspaceOfBundle(b: Bundle): string {
  return b.workspace ?? dirname(dirname(dirname(dirname(b.dir))));
}

/**
 * The newest bundle older than `dir` (by STAMP, any initiative/phase of its workspace) that ran `caseId`
 * (or any of its cases), for "compare with previous".
 */
export async function previousBundle(dir: string, caseId?: string): Promise<string | undefined> {
  const b = await readBundle(dir);
  const ids = caseId ? [caseId] : b.cases.map((c) => c.caseId);
  for await (const earlier of earlierBundles(workspaceOfBundle(b), b.stamp, b.dir)) {
    if (earlier.bundle?.cases.some((c) => ids.includes(c.caseId))) return earlier.dir;
  }
  return undefined;
}

/** The bundles of `workspace` older than `stamp` (except `ownDir`), newest first, each read (undefined when unreadable). */
async function* earlierBundles(workspace: string, stamp: string, ownDir?: string): AsyncGenerator<{ dir: string; stamp: string; bundle?: Bundle }> {
  for (const cand of await listBundles(workspace)) {
    if (cand.stamp >= stamp || cand.dir === ownDir) continue;
    yield { ...cand, bundle: await readBundle(cand.dir).catch(() => undefined) };
  }
}

/** A case's result in an earlier bundle. */
export interface PreviousRun { dir: string; stamp: string; result: CaseResult }

/** One lookup of `previousRunsMany`: how many bundles it may read, and which earlier results count. */
export interface PreviousRunQuery { limit?: number; accept?: (c: CaseResult) => boolean }

/**
 * For each of `caseIds`, the newest bundle of `workspace` older than `stamp` that ran it, per query (`accept` narrows
 * which earlier results count, e.g. the same engines; `limit` bounds how many bundles it reads, default 500). One pass
 * over the bundles, newest first, for all the queries: each query's promise settles as soon as every case is found
 * or its limit is reached, and the pass stops when all have. Works for a bundle still being filed.
 */
export function previousRunsMany<K extends string>(workspace: string, stamp: string, caseIds: string[], ownDir: string | undefined, queries: Record<K, PreviousRunQuery>): Record<K, Promise<Map<string, PreviousRun>>> {
  const wanted = new Set(caseIds);
  const open = (Object.keys(queries) as K[]).map((key) => {
    let resolve!: (m: Map<string, PreviousRun>) => void;
    const promise = new Promise<Map<string, PreviousRun>>((r) => { resolve = r; });
    return { key, q: queries[key], found: new Map<string, PreviousRun>(), resolve, promise, done: false };
  });
  const settle = (o: (typeof open)[number]) => { if (!o.done) { o.done = true; o.resolve(o.found); } };
  void (async () => {
    let read = 0;
    try {
      if (wanted.size) {
        for await (const earlier of earlierBundles(workspace, stamp, ownDir)) {
          read++;
          for (const o of open) {
            if (o.done) continue;
            for (const c of earlier.bundle?.cases ?? []) {
              if (wanted.has(c.caseId) && !o.found.has(c.caseId) && (o.q.accept?.(c) ?? true)) o.found.set(c.caseId, { dir: earlier.dir, stamp: earlier.stamp, result: c });
            }
            if (o.found.size === wanted.size || read >= (o.q.limit ?? 500)) settle(o);
          }
          if (open.every((o) => o.done)) break;
        }
      }
    } catch { /* an unreadable reports folder: what was found so far */ }
    open.forEach(settle);
  })();
  return Object.fromEntries(open.map((o) => [o.key, o.promise])) as Record<K, Promise<Map<string, PreviousRun>>>;
}

/** `previousRunsMany` with one query. */
export function previousRuns(workspace: string, stamp: string, caseIds: string[], opts: PreviousRunQuery & { ownDir?: string } = {}): Promise<Map<string, PreviousRun>> {
  return previousRunsMany(workspace, stamp, caseIds, opts.ownDir, { one: opts }).one;
}
