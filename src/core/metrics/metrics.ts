// Image-pair metrics: the implementation lives in src/shared/pairMetrics.ts (the webview uses it for live ROIs).
import type { Metrics } from '../../shared/types.ts';
import { computeMetrics } from '../../shared/pairMetrics.ts';

export { computeMetrics, computeRegionMetrics, MetricsInputError, type PixelRect } from '../../shared/pairMetrics.ts';

/** [slow, fast] of a flat index, for display ("peak at (129, 128)"). */
export function slowFast(index: number, fpixels: number): [number, number] {
  return [Math.floor(index / fpixels), index % fpixels];
}

/**
 * Metrics as JSON-ready numbers: NaN/±Inf become null (JSON has neither), as numpy-based writers do.
 * Use this when writing metrics.json so the file parses everywhere.
 */
export function metricsToJson(m: Metrics): Record<string, number | null | [number, number]> {
  const out: Record<string, number | null | [number, number]> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'number') out[k] = Number.isFinite(v) ? v : null;
    else out[k] = v as [number, number] | null;
  }
  return out;
}

/** Deterministic pseudo-random image pair of a given size, for the metrics benchmark (no I/O). */
export function syntheticPair(fpixels: number, spixels: number, seed = 1): { reference: Float32Array; candidate: Float32Array } {
  const n = fpixels * spixels;
  const reference = new Float32Array(n);
  const candidate = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const v = 1 + (s % 1000) / 1000;
    reference[i] = v;
    candidate[i] = v * 1.0001 + ((s >>> 10) % 7) * 1e-6;
  }
  return { reference, candidate };
}

/** Time computeMetrics on a synthetic W×H pair; returns milliseconds of the best of `repeats` runs. */
export function benchMetrics(fpixels = 4096, spixels = 4096, repeats = 3): { ms: number; pixels: number } {
  const { reference, candidate } = syntheticPair(fpixels, spixels);
  let best = Infinity;
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    computeMetrics(reference, candidate, fpixels);
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, pixels: fpixels * spixels };
}
