// compareTraces: parse (if needed), align, classify, follow each difference to the final intensity, and
// state the verdict. A row is a divergence only when its difference reaches the result: it is a factor
// group of the final product that differs, or it feeds a row that reaches. Roots of those chains are the
// divergences; the first in computation order is "the first divergence".
import { alignTraces } from './align.ts';
import { isDifference, resultsAgree, relativeDifference } from './classify.ts';
import { factorModel, tracedFinal, type FactorModel } from './factors.ts';
import { FEEDS, FINAL_NAMES } from './names.ts';
import { parseTrace } from './parse.ts';
import { activeQuirks, QUIRKS, type Quirk } from './quirks.ts';
import { buildRows } from './rows.ts';
import { verdictText } from './text.ts';
import type { CandidateDtype, Divergence, ParsedTrace, TraceDiff, TraceRow, TraceVerdict } from './types.ts';

/** A side's float image, to check its trace against (index = slow·fpixels + fast). */
export interface TraceImage {
  image: Float32Array;
  fpixels: number;
}

export interface CompareOptions {
  /** Case id for the report. */
  case?: string;
  /** The traced pixel; defaults to what the traces say. */
  pixel?: { slow: number; fast: number };
  candidateDtype?: CandidateDtype;
  referenceImage?: TraceImage;
  candidateImage?: TraceImage;
  /** Forks known to be in effect (from attribution), e.g. `phi0-carryover`. */
  knownForks?: readonly string[];
  /** Side names for the text; default C / PyTorch by format. */
  referenceName?: string;
  candidateName?: string;
}

/** The image value at (slow, fast), or undefined outside the image. */
export function pixelValue(img: TraceImage, slow: number, fast: number): number | undefined {
  const spixels = img.image.length / img.fpixels;
  if (!Number.isInteger(slow) || !Number.isInteger(fast) || slow < 0 || fast < 0 || slow >= spixels || fast >= img.fpixels) return undefined;
  return img.image[slow * img.fpixels + fast];
}

/** Does the trace's final intensity equal its image at the pixel (float32 storage: a few ulps)? */
export function traceMatchesImage(trace: ParsedTrace, img: TraceImage | undefined, slow: number, fast: number): boolean | null {
  const fin = tracedFinal(trace);
  const v = img ? pixelValue(img, slow, fast) : undefined;
  if (fin === undefined || v === undefined) return null;
  if (Number.isNaN(fin) && Number.isNaN(v)) return true;
  return relativeDifference([fin], [Math.fround(v)]) <= 1e-6 || Math.fround(fin) === v;
}

function downstreamOf(key: string, seen = new Set<string>()): Set<string> {
  for (const next of FEEDS[key] ?? []) {
    if (seen.has(next)) continue;
    seen.add(next);
    downstreamOf(next, seen);
  }
  return seen;
}

/** Mark rows whose difference reaches a differing factor group; settle tainted quirks; return the roots. */
function followDifferences(rows: TraceRow[], tainted: Map<string, Quirk>, model: FactorModel | undefined, reachGroups: boolean): TraceRow[] {
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const inGroup = new Set<string>();
  if (model && reachGroups) for (const g of model.groups) if (g.differs) for (const m of g.members) inGroup.add(m);
  const memo = new Map<string, boolean>();
  const reaches = (key: string): boolean => {
    const known = memo.get(key);
    if (known !== undefined) return known;
    memo.set(key, false);
    const row = byKey.get(key);
    const live = !!row && isDifference(row.class) && !row.artefact && row.group === 'pixel';
    const r = live && (inGroup.has(key) || (FEEDS[key] ?? []).some(reaches));
    memo.set(key, r);
    return r;
  };
  for (const row of rows) row.reaches = reaches(row.key);
  for (const [key, quirk] of tainted) {
    const row = byKey.get(key)!;
    if (row.reaches && quirk !== QUIRKS.phiCarryover) continue;
    if (quirk === QUIRKS.polarFolded) continue; // settled by the group test below
    row.reaches = false;
    row.artefact = { quirk: quirk.id, reason: quirk.reason };
  }
  // I_before_scaling / polar rows whose group agrees: the bookkeeping differs, the product does not.
  const sum = model?.groups.find((g) => g.members.includes('I_before_scaling'));
  if (sum && !sum.differs) {
    for (const key of sum.members) {
      const row = byKey.get(key);
      if (row && isDifference(row.class) && !row.artefact && tainted.get(key) === QUIRKS.polarFolded) {
        row.artefact = { quirk: QUIRKS.polarFolded.id, reason: QUIRKS.polarFolded.reason };
        row.reaches = false;
      }
    }
  }
  // A root reaches and no row upstream of it does.
  const reachingKeys = rows.filter((r) => r.reaches).map((r) => r.key);
  const fed = new Set<string>();
  for (const k of reachingKeys) for (const d of downstreamOf(k)) fed.add(d);
  return rows.filter((r) => r.reaches && !fed.has(r.key));
}

function asDivergence(row: TraceRow): Divergence {
  const d: Divergence = { name: row.key, reference: row.reference, candidate: row.candidate, class: row.class, relDiff: row.relDiff };
  if (row.hint) d.hint = row.hint;
  return d;
}

/** Compare two traces of one pixel (text or parsed) and state the verdict. */
export function compareTraces(reference: ParsedTrace | string, candidate: ParsedTrace | string, opts: CompareOptions = {}): TraceDiff {
  const ref = typeof reference === 'string' ? parseTrace(reference) : reference;
  const cand = typeof candidate === 'string' ? parseTrace(candidate) : candidate;
  const dtype = opts.candidateDtype ?? 'float32';
  const pixel = opts.pixel ?? ref.pixel ?? cand.pixel ?? { slow: -1, fast: -1 };
  const notes: string[] = [];
  if (ref.pixel && cand.pixel && (ref.pixel.slow !== cand.pixel.slow || ref.pixel.fast !== cand.pixel.fast)) {
    notes.push(`the traces are of different pixels: reference (${ref.pixel.slow}, ${ref.pixel.fast}), candidate (${cand.pixel.slow}, ${cand.pixel.fast})`);
  }
  for (const [side, t] of [['reference', ref], ['candidate', cand]] as const) {
    for (const w of t.warnings) notes.push(`${side} trace: ${w}`);
  }

  const ctx = { reference: ref, candidate: cand, knownForks: opts.knownForks ?? [] };
  const quirks = activeQuirks(ctx);
  const { rows, tainted } = buildRows(alignTraces(ref, cand), ctx, quirks, dtype);
  const model = factorModel(ref, cand, dtype);
  if (!model) notes.push('a side lacks the factors of the final intensity (I_before_scaling, steps, …): differences are followed by name only');
  else {
    if (!model.reproduces.reference) notes.push('the reference trace’s factors do not multiply to its own final intensity');
    if (!model.reproduces.candidate) notes.push('the candidate trace’s factors do not multiply to its own final intensity');
  }

  const matches = {
    reference: traceMatchesImage(ref, opts.referenceImage, pixel.slow, pixel.fast),
    candidate: traceMatchesImage(cand, opts.candidateImage, pixel.slow, pixel.fast),
  };
  const fromImage = !!opts.referenceImage && !!opts.candidateImage;
  const resRef = fromImage ? pixelValue(opts.referenceImage!, pixel.slow, pixel.fast) : tracedFinal(ref);
  const resCand = fromImage ? pixelValue(opts.candidateImage!, pixel.slow, pixel.fast) : tracedFinal(cand);
  const bothKnown = resRef !== undefined && resCand !== undefined;
  const agree = bothKnown && resultsAgree(resRef, resCand, dtype);

  const roots = followDifferences(rows, tainted, model, true);
  let verdict: TraceVerdict;
  let firstDivergence: Divergence | null = null;
  let laterDivergences: Divergence[] = [];
  let compensation: Divergence[] = [];
  if (!agree) {
    verdict = 'differ';
    if (roots.length) {
      roots[0].divergence = 'first';
      firstDivergence = asDivergence(roots[0]);
      for (const r of roots.slice(1)) r.divergence = 'later';
      laterDivergences = roots.slice(1).map(asDivergence);
    }
  } else if (model && model.groups.some((g) => g.differs)) {
    verdict = 'agree-by-compensation';
    const members = new Set(model.groups.filter((g) => g.differs).flatMap((g) => g.members));
    compensation = rows.filter((r) => members.has(r.key) && isDifference(r.class)).map(asDivergence);
  } else {
    verdict = 'agree';
  }
  if (verdict !== 'differ') for (const r of rows) r.reaches = verdict === 'agree-by-compensation' && r.reaches;
  // The final rows are the result itself: they reach it exactly when the results differ.
  else for (const r of rows) if ((FINAL_NAMES as readonly string[]).includes(r.key) && isDifference(r.class)) r.reaches = true;

  const relResult = bothKnown ? relativeDifference([resRef], [resCand]) : null;
  const diff: TraceDiff = {
    case: opts.case ?? '',
    pixel,
    verdict,
    firstDivergence,
    laterDivergences,
    compensation,
    rows,
    traceMatchesImage: matches,
    result: { reference: resRef ?? null, candidate: resCand ?? null, relDiff: relResult, source: fromImage ? 'image' : 'trace' },
    referenceFormat: ref.format,
    candidateFormat: cand.format,
    candidateDtype: dtype,
    text: '',
    notes,
  };
  diff.text = verdictText(diff, model, {
    reference: opts.referenceName ?? (ref.format === 'c' ? 'C' : 'PyTorch'),
    candidate: opts.candidateName ?? (cand.format === 'c' ? 'C' : 'PyTorch'),
  });
  return diff;
}
