// Compare one quantity's two printed values and name the kind of difference. The tolerance knows the
// candidate's dtype: a float32 port carries ~1e-7 per operation and a trace value sits at the end of a
// chain of them, so rows within 1e-4 are "precision", not a divergence.
import type { CandidateDtype, RowClass, TraceValue } from './types.ts';

/** Relative tolerance for "precision" per candidate dtype (documented in docs/trace.md). */
export const PRECISION_TOL: Readonly<Record<CandidateDtype, number>> = { float32: 1e-4, float64: 1e-9 };
/** Below this both sides printed the same double (C's %.15g round trip). */
export const EQUAL_TOL = 1e-13;

export interface Classified {
  class: RowClass;
  relDiff: number | null;
  /** For 'units?': the power of ten, candidate / reference. */
  power?: number;
}

function same(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b;
}

/**
 * max |Δ| over components, relative to the largest |component| of either side (a vector's tiny components
 * are judged against its length, so float32 cancellation in `pixel_pos` is not a divergence). NaN on one
 * side only, or ±Inf against a finite value, is an infinite difference.
 */
export function relativeDifference(a: readonly number[], b: readonly number[]): number {
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isFinite(a[i])) scale = Math.max(scale, Math.abs(a[i]));
    if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i]));
  }
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    if (same(a[i], b[i])) continue;
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) return Infinity;
    const d = Math.abs(a[i] - b[i]);
    worst = Math.max(worst, scale === 0 ? Infinity : d / scale);
  }
  return worst;
}

/** b ≈ 10^k · a for an integer |k| ≥ 3 (a unit slip: m vs Å is 10¹⁰, mm vs m 10³). */
function powerOfTen(a: readonly number[], b: readonly number[], tol: number): number | undefined {
  let ratio: number | undefined;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0 && Number.isFinite(a[i]) && Number.isFinite(b[i])) {
      ratio = b[i] / a[i];
      if (Math.abs(a[i]) >= Math.max(...a.map(Math.abs)) * 0.1) break;
    }
  }
  if (ratio === undefined || !(ratio > 0)) return undefined;
  const k = Math.round(Math.log10(ratio));
  if (Math.abs(k) < 3) return undefined;
  const scaled = a.map((v) => v * 10 ** k);
  return relativeDifference(scaled, b) <= Math.max(tol, 1e-6) ? k : undefined;
}

/** Classify a pair of present values (missing sides are the caller's business). */
export function classifyValues(ref: TraceValue, cand: TraceValue, dtype: CandidateDtype): Classified {
  if (ref.text !== undefined || cand.text !== undefined) {
    return { class: ref.raw === cand.raw ? 'equal' : 'differs', relDiff: null };
  }
  if (ref.numbers.length === 0 && cand.numbers.length === 0) return { class: 'equal', relDiff: null };
  if (ref.numbers.length !== cand.numbers.length) return { class: 'differs', relDiff: null };
  const tol = PRECISION_TOL[dtype];
  const rel = relativeDifference(ref.numbers, cand.numbers);
  if (rel <= EQUAL_TOL) return { class: 'equal', relDiff: rel };
  // Integers (hkl_rounded, steps) are equal or not; there is no float noise in them.
  if (!(ref.integer && cand.integer) && rel <= tol) return { class: 'precision', relDiff: rel };
  const negated = cand.numbers.map((v) => -v);
  if (relativeDifference(ref.numbers, negated) <= tol) return { class: 'sign', relDiff: rel };
  const mixedSign = ref.numbers.length > 1 && relativeDifference(ref.numbers.map(Math.abs), cand.numbers.map(Math.abs)) <= tol;
  if (mixedSign) return { class: 'sign', relDiff: rel };
  const power = powerOfTen(ref.numbers, cand.numbers, tol);
  if (power !== undefined) return { class: 'units?', relDiff: rel, power };
  return { class: 'differs', relDiff: rel };
}

/** True for the classes that are a difference a person must look at. */
export function isDifference(c: RowClass): boolean {
  return c === 'differs' || c === 'units?' || c === 'sign';
}

/** Two final intensities agree within the candidate dtype's tolerance. */
export function resultsAgree(a: number, b: number, dtype: CandidateDtype): boolean {
  if (same(a, b)) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= PRECISION_TOL[dtype] * Math.max(Math.abs(a), Math.abs(b));
}
