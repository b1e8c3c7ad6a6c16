// Two bundles' runs of one case as one "bundle" the results panel can show linked (one zoom/pan, one colour range):
// A's case, B's case, then candidate A vs candidate B and reference A vs reference B — each shown as a pair whose
// Δ panel is the Δ-between-bundles image (B − A). Nothing is written: the files are the two bundles' own, named
// relative to B's folder so the panel's ordinary image loader reads them; the pixels read here are kept on the runs.
import { join, relative } from 'node:path';
import type { Bundle, CaseResult, EngineRun, Verdict } from '../../shared/types.ts';
import type { CompareInfo, CompareSideLabels } from '../../shared/compareMessages.ts';
import { loadCaseImages, readBundle } from '../evidence/reader.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { imageDelta, type ImageDelta } from './imageDelta.ts';
import { compareBundles } from './bundles.ts';

export interface CompareSpec {
  /** The older (or original) bundle folder. */
  a: string;
  /** The newer (or what-if) bundle folder. */
  b: string;
  caseId: string;
  /** The case id in B when it differs (a what-if run carries the `~whatif` suffix). */
  caseIdB?: string;
  /** Shown instead of "A"/"B" (e.g. "original", "what-if"). */
  labels?: { a?: string; b?: string };
}

export interface CompareView {
  /** Synthetic: B's folder and STAMP, four cases (see the file comment). Never written anywhere. */
  bundle: Bundle;
  info: CompareInfo;
  /** Per synthetic case id: what its "reference"/"candidate" panels show and the badge text. */
  sides: Map<string, CompareSideLabels>;
}

/** Synthetic case ids (stable, so a test or the webview can address them). */
export const compareCaseIds = (id: string) => ({ a: `A:${id}`, b: `B:${id}`, candidate: `candidate-AB:${id}`, reference: `reference-AB:${id}` });

function moveText(side: string, d: ImageDelta | undefined): string {
  if (!d) return `no ${side} image in one of the bundles`;
  if (d.identical) return `${side} identical in both bundles`;
  const at = d.maxAbsAt ? ` at (slow ${d.maxAbsAt[0]}, fast ${d.maxAbsAt[1]})` : '';
  const box = d.changedBox ? `, changed region --roi ${d.changedBox.join(',')}` : '';
  return `${side} moved: ${d.changedPixels} of ${d.pixels} pixels, max |B − A| ${d.maxAbs === null ? 'n/a' : d.maxAbs.toPrecision(4)}${at}${box}`;
}

export async function buildCompareView(spec: CompareSpec): Promise<CompareView> {
  const idB = spec.caseIdB ?? spec.caseId;
  const [A, B] = await Promise.all([readBundle(spec.a), readBundle(spec.b)]);
  const ca = A.cases.find((c) => c.caseId === spec.caseId);
  const cb = B.cases.find((c) => c.caseId === idB);
  if (!ca) throw new Error(`${A.dir}: no case ${spec.caseId} (it has ${A.cases.map((c) => c.caseId).join(', ') || 'none'})`);
  if (!cb) throw new Error(`${B.dir}: no case ${idB} (it has ${B.cases.map((c) => c.caseId).join(', ') || 'none'})`);
  const [ia, ib] = await Promise.all([loadCaseImages(A, ca.caseId), loadCaseImages(B, cb.caseId)]);
  const la = spec.labels?.a ?? 'A', lb = spec.labels?.b ?? 'B';
  const sameSize = ia.fpixels === ib.fpixels && ia.spixels === ib.spixels && ia.fpixels > 0;
  // Files named from B's folder: the reader joins them onto bundle.dir.
  const fromB = (bundle: Bundle, f: string | undefined) => (f ? relative(B.dir, join(bundle.dir, f)) : undefined);
  const withImage = (run: EngineRun, img: Float32Array | undefined): EngineRun => ({ ...run, image: img });
  const ids = compareCaseIds(spec.caseId);
  const sides = new Map<string, CompareSideLabels>();

  const own = (bundle: Bundle, c: CaseResult, imgs: typeof ia, id: string, who: string): CaseResult => {
    sides.set(id, { reference: `${who} reference`, candidate: `${who} candidate`, diff: `${who}: Δ = candidate − reference`, group: 'own' });
    return {
      ...c, caseId: id, label: `${who} · ${bundle.stamp} · ${c.label}`, fileStem: relative(B.dir, join(bundle.dir, c.fileStem)),
      reference: withImage(c.reference, imgs.reference), candidate: withImage(c.candidate, imgs.candidate),
      files: { referenceImage: fromB(bundle, c.files.referenceImage), candidateImage: fromB(bundle, c.files.candidateImage) },
    };
  };
  const between = (role: 'candidate' | 'reference', id: string): { result: CaseResult; delta?: ImageDelta } => {
    const x = ia[role], y = ib[role];
    const delta = sameSize && x && y ? imageDelta(x, y, ia.fpixels) : undefined;
    const why = sameSize ? moveText(role, delta) : `image size changed: ${ia.fpixels}×${ia.spixels} → ${ib.fpixels}×${ib.spixels}`;
    const verdict: Verdict = { status: delta?.identical ? 'pass' : 'fail', reason: why, failed: [] };
    sides.set(id, { reference: `${la} ${role} (${A.stamp})`, candidate: `${lb} ${role} (${B.stamp})`, diff: `Δ between bundles = ${lb} − ${la}`,
      badge: delta ? (delta.identical ? 'SAME' : 'MOVED') : 'N/A', group: 'between' });
    const result: CaseResult = {
      caseId: id, label: `${role} ${la} vs ${lb}`, fileStem: `${cb.fileStem}_${role}_${la}_vs_${lb}`, flags: cb.flags, thresholds: {},
      reference: withImage(ca[role], x), candidate: withImage(cb[role], y), verdict, mismatches: [], preflight: [],
      files: { referenceImage: fromB(A, ca.files[`${role}Image`]), candidateImage: fromB(B, cb.files[`${role}Image`]) },
    };
    if (sameSize && x && y) result.metrics = computeMetrics(x, y, ia.fpixels);
    return { result, delta };
  };

  const cand = between('candidate', ids.candidate), ref = between('reference', ids.reference);
  const cases = [own(A, ca, ia, ids.a, la), own(B, cb, ib, ids.b, lb), cand.result, ref.result];
  let judgement = `${ca.verdict.status} → ${cb.verdict.status}`;
  if (idB === spec.caseId) {
    const cmp = await compareBundles(A.dir, B.dir, { caseId: spec.caseId }).catch(() => undefined);
    const c = cmp?.cases[0];
    if (c) judgement = `${c.change}: ${c.why}`;
  }
  const bundle: Bundle = { dir: B.dir, stamp: B.stamp, layout: B.layout, createdAt: B.createdAt, workspace: B.workspace, cases };
  const info: CompareInfo = {
    caseId: spec.caseId, caseIdB: idB,
    a: { dir: A.dir, stamp: A.stamp, label: la, verdict: ca.verdict.status }, b: { dir: B.dir, stamp: B.stamp, label: lb, verdict: cb.verdict.status },
    judgement, moved: `${moveText('candidate', cand.delta)}; ${moveText('reference', ref.delta)}`,
  };
  return { bundle, info, sides };
}
