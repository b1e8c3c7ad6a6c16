// File names inside a bundle. The seed's names for the C-vs-PyTorch pair (c_tc_d1.bin, py_stdout_tc_d1.log...),
// `emb_` for the embedded engine, and a side tag when both sides run the same engine (emb_ref_, emb_cand_).
import type { EngineId, Side } from '../../shared/types.ts';

export const LAYOUT_VERSION = 'nb-parity/1';
export const METRICS_SCHEMA = 'nb-parity/metrics';
export const METRICS_VERSION = 1;

const ENGINE_PREFIX: Record<EngineId, string> = { c: 'c', torch: 'py', embedded: 'emb' };

export function filePrefix(engine: EngineId, side: Side, otherEngine: EngineId): string {
  const base = ENGINE_PREFIX[engine];
  return engine === otherEngine ? `${base}_${side === 'reference' ? 'ref' : 'cand'}` : base;
}

export const bundleFiles = {
  image: (prefix: string, stem: string) => `${prefix}_${stem}.bin`,
  stdout: (prefix: string, stem: string) => `${prefix}_stdout_${stem}.log`,
  stderr: (prefix: string, stem: string) => `${prefix}_stderr_${stem}.log`,
  preview: (kind: 'reference' | 'candidate' | 'diff', stem: string) => `preview_${stem}_${kind}.png`,
  scratch: (prefix: string, stem: string) => `.scratch/${prefix}_${stem}`,
  /** The attribution's best model image (embedded engine with the chosen forks), when --explain found one. */
  model: (stem: string) => `model_${stem}.bin`,
  attribution: 'attribution.json',
  metrics: 'metrics.json',
  bundle: 'bundle.json',
  commands: 'commands.txt',
  env: 'env.json',
  diagnostics: 'simulator_diagnostics.txt',
  correlation: 'correlation.txt',
  sumRatio: 'sum_ratio.txt',
  summary: 'summary.md',
  preflight: 'preflight.txt',
  /** Written LAST: the run finished (or was cancelled) and these files, with these sha256s, are the bundle. */
  complete: 'complete.json',
  /** Pixel traces (added to a finished bundle later): per case stem and slow/fast pixel. */
  /** Any side's trace, prefixed like its image (c, py, emb, emb_ref, emb_cand); `n` > 1 suffixes a re-trace (-2…). */
  trace: (prefix: string, stem: string, s: number, f: number, n = 1) => `trace_${prefix}_${stem}_s${s}_f${f}${n > 1 ? `-${n}` : ''}.log`,
  traceDiffN: (stem: string, s: number, f: number, n = 1) => `trace_diff_${stem}_s${s}_f${f}${n > 1 ? `-${n}` : ''}.json`,
  firstDivergenceN: (n = 1) => `first_divergence${n > 1 ? `-${n}` : ''}.md`,
  traceC: (stem: string, s: number, f: number) => `trace_c_${stem}_s${s}_f${f}.log`,
  tracePy: (stem: string, s: number, f: number) => `trace_py_${stem}_s${s}_f${f}.log`,
  traceDiff: (stem: string, s: number, f: number) => `trace_diff_${stem}_s${s}_f${f}.json`,
  firstDivergence: 'first_divergence.md',
  /** Every run's verdict, headline metrics and change against the previous bundle that ran the same case. */
  matrix: 'matrix.md',
} as const;

export const COMPLETE_SCHEMA = 'nb-parity/complete';
