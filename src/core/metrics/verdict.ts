// Metrics + the case's thresholds + how both runs ended → pass / fail / error with a one-line reason.
// "error" means the comparison itself is not meaningful (a run crashed, produced nothing, produced NaN/Inf,
// or the sizes differ); "fail" means both runs are sound and a threshold is missed, and says by how much.
import type { EngineRun, Metrics, Thresholds, ThresholdMiss, Verdict } from '../../shared/types.ts';
import { float32ResolutionNote } from './ulps.ts';
import { formatNumber } from '../../shared/format.ts';

export interface JudgeInput {
  metrics?: Metrics;
  thresholds: Thresholds;
  reference: EngineRun;
  candidate: EngineRun;
}

const ENGINE_NAMES: Record<string, string> = { c: 'C', torch: 'PyTorch', embedded: 'embedded' };

function who(run: EngineRun): string {
  return `${run.side} (${ENGINE_NAMES[run.engine] ?? run.engine})`;
}

/** Significant digits without trailing noise: 0.999994, 1.0003, 2.3e-5. */
export function fmt(v: number | null | undefined, digits = 6): string {
  return formatNumber(v, {
    form: 'significant', digits, plain: [1e-3, 1e6], exponentDigits: Math.max(0, digits - 3), trimExponent: true,
    nan: 'n/a', posInf: '+Inf', negInf: '-Inf',
  });
}

/** Why one run cannot be compared, or undefined when it ended normally with an image. */
export function runProblem(run: EngineRun): string | undefined {
  const name = who(run);
  if (run.cancelled) return `${name} was cancelled`;
  if (run.timedOut) return `${name} timed out after ${fmt(run.wallMs / 1000, 3)} s`;
  if (run.signal) return `${name} crashed with signal ${run.signal}`;
  if (run.exitCode !== undefined && run.exitCode !== 0) {
    return `${name} exited with status ${run.exitCode}${run.error ? `: ${run.error}` : ''}`;
  }
  if (run.error) return `${name}: ${run.error}`;
  if (!run.image) return `${name} produced no image`;
  if (run.image.length !== run.fpixels * run.spixels) {
    return `${name} image has ${run.image.length} pixels, expected ${run.fpixels}×${run.spixels}`;
  }
  return undefined;
}

/** Check each threshold that the case sets; an absent threshold is not checked. */
export function thresholdMisses(m: Metrics, t: Thresholds): ThresholdMiss[] {
  const misses: ThresholdMiss[] = [];
  const need = (metric: string, value: number | null, limit: string, by: (v: number) => string, ok: (v: number) => boolean) => {
    if (value === null || !Number.isFinite(value)) misses.push({ metric, value, limit, by: 'undefined (constant or non-finite image)' });
    else if (!ok(value)) misses.push({ metric, value, limit, by: by(value) });
  };
  if (t.corrMin !== undefined) {
    const lim = t.corrMin;
    need('correlation', m.correlation, `≥ ${lim}`, (v) => `short by ${fmt(lim - v, 4)}`, (v) => v >= lim);
  }
  if (t.sumRatioTol !== undefined) {
    const tol = t.sumRatioTol;
    need('sum_ratio', m.sumRatio, `|x − 1| ≤ ${tol}`, (v) => `off by ${fmt(Math.abs(v - 1), 4)} (${fmt(Math.abs(v - 1) / tol, 3)}× the tolerance)`, (v) => Math.abs(v - 1) <= tol);
  }
  if (t.sumRatioMin !== undefined) {
    const lim = t.sumRatioMin;
    need('sum_ratio', m.sumRatio, `≥ ${lim}`, (v) => `short by ${fmt(lim - v, 4)}`, (v) => v >= lim);
  }
  if (t.sumRatioMax !== undefined) {
    const lim = t.sumRatioMax;
    need('sum_ratio', m.sumRatio, `≤ ${lim}`, (v) => `over by ${fmt(v - lim, 4)}`, (v) => v <= lim);
  }
  if (t.maxAbsMax !== undefined) {
    const lim = t.maxAbsMax;
    need('max_abs_diff', m.maxAbsDiff, `≤ ${lim}`, (v) => `over by ${fmt(v - lim, 4)}`, (v) => v <= lim);
  }
  if (t.rmseMax !== undefined) {
    const lim = t.rmseMax;
    need('rmse', m.rmse, `≤ ${lim}`, (v) => `over by ${fmt(v - lim, 4)}`, (v) => v <= lim);
  }
  return misses;
}

function nonFiniteProblem(m: Metrics, reference: EngineRun, candidate: EngineRun): string | undefined {
  const parts: string[] = [];
  const side = (run: EngineRun, nan: number, inf: number) => {
    if (nan === 0 && inf === 0) return;
    const what = [nan ? `${nan} NaN` : '', inf ? `${inf} Inf` : ''].filter(Boolean).join(' and ');
    const all = nan + inf === m.pixels ? ' (every pixel)' : '';
    const exit0 = run.exitCode === 0 ? ', yet it exited 0' : '';
    parts.push(`${who(run)} image has ${what} pixels${all}${exit0}`);
  };
  side(reference, m.nanReference, m.infReference);
  side(candidate, m.nanCandidate, m.infCandidate);
  return parts.length ? parts.join('; ') : undefined;
}

export function judge(input: JudgeInput): Verdict {
  const { metrics, thresholds, reference, candidate } = input;
  const problems = [runProblem(reference), runProblem(candidate)].filter((p): p is string => !!p);
  if (problems.length) return { status: 'error', reason: problems.join('; '), failed: [] };
  if (reference.fpixels !== candidate.fpixels || reference.spixels !== candidate.spixels) {
    return {
      status: 'error',
      reason: `size mismatch: reference ${reference.fpixels}×${reference.spixels}, candidate ${candidate.fpixels}×${candidate.spixels}`,
      failed: [],
    };
  }
  if (!metrics) return { status: 'error', reason: 'no metrics were computed for this pair', failed: [] };
  const nonFinite = nonFiniteProblem(metrics, reference, candidate);
  if (nonFinite) return { status: 'error', reason: nonFinite, failed: [] };

  const failed = thresholdMisses(metrics, thresholds);
  if (failed.length === 0) {
    const checked = formatThresholds(thresholds);
    return {
      status: 'pass',
      reason: `corr ${fmt(metrics.correlation)}, sum ratio ${fmt(metrics.sumRatio)}${checked ? ` within ${checked}` : ' (no thresholds set)'}`,
      failed: [],
    };
  }
  const reason = failed.map((f) => `${f.metric} ${fmt(f.value)} (needs ${f.limit}; ${f.by})`).join('; ');
  const ulps = maxAbsResolutionNote(metrics, thresholds, reference, candidate);
  return { status: 'fail', reason: ulps ? `${reason}; ${ulps}` : reason, failed };
}

/** The float32-resolution sentence for a max-|Δ| miss at a bright pixel (text only; pass/fail unchanged). */
function maxAbsResolutionNote(m: Metrics, t: Thresholds, reference: EngineRun, candidate: EngineRun): string | undefined {
  if (t.maxAbsMax === undefined || m.maxAbsDiff === null || !m.maxAbsDiffAt) return undefined;
  const i = m.maxAbsDiffAt[0] * reference.fpixels + m.maxAbsDiffAt[1];
  const r = reference.image?.[i];
  const c = candidate.image?.[i];
  if (r === undefined || c === undefined) return undefined;
  return float32ResolutionNote(m.maxAbsDiff, t.maxAbsMax, Math.max(Math.abs(r), Math.abs(c)));
}

/** "corr ≥ 0.999, |sum ratio − 1| ≤ 0.001" — the thresholds a case sets, in one phrase. */
export function formatThresholds(t: Thresholds): string {
  const parts: string[] = [];
  if (t.corrMin !== undefined) parts.push(`corr ≥ ${t.corrMin}`);
  if (t.sumRatioTol !== undefined) parts.push(`|sum ratio − 1| ≤ ${t.sumRatioTol}`);
  if (t.sumRatioMin !== undefined && t.sumRatioMax !== undefined) parts.push(`${t.sumRatioMin} ≤ sum ratio ≤ ${t.sumRatioMax}`);
  else if (t.sumRatioMin !== undefined) parts.push(`sum ratio ≥ ${t.sumRatioMin}`);
  else if (t.sumRatioMax !== undefined) parts.push(`sum ratio ≤ ${t.sumRatioMax}`);
  if (t.maxAbsMax !== undefined) parts.push(`max|Δ| ≤ ${t.maxAbsMax}`);
  if (t.rmseMax !== undefined) parts.push(`RMSE ≤ ${t.rmseMax}`);
  return parts.join(', ');
}

/** True when the metrics satisfy every threshold the case sets (used by attribution's "no divergence" check). */
export function withinThresholds(m: Metrics, t: Thresholds): boolean {
  return m.nanReference + m.nanCandidate + m.infReference + m.infCandidate === 0 && thresholdMisses(m, t).length === 0;
}
