// The shapes every layer agrees on: case → engine runs → images → metrics → verdict → bundle.
// Pure types only (no runtime code), so the CLI, the extension host and the webview protocol can share them.

export type EngineId = 'c' | 'torch' | 'embedded';
export type Side = 'reference' | 'candidate';

/** Thresholds belong to the case. Every field is optional; an absent field is not checked. */
export interface Thresholds {
  corrMin?: number;
  /** |sum_ratio − 1| ≤ sumRatioTol (the seed's 1e-3). */
  sumRatioTol?: number;
  /** parity_cases.yaml style bounds on sum_ratio. */
  sumRatioMin?: number;
  sumRatioMax?: number;
  /** max |Δ| ≤ maxAbsMax. */
  maxAbsMax?: number;
  rmseMax?: number;
}

/**
 * A region of interest: fast (x) min and max, slow (y) min and max, bounds INCLUSIVE (numpy img[y0:y1+1, x0:x1+1]),
 * as the users' comparison script's `--roi X0,X1,Y0,Y1`.
 */
export interface Roi {
  x0: number; x1: number;
  y0: number; y1: number;
}

export type CaseSource = 'builtin' | 'yaml' | 'user';

export interface CaseLocation {
  /** Absolute path of the file that defines the case. */
  file: string;
  /** 0-based line of the definition. */
  line: number;
}

export interface Case {
  /** Stable id, e.g. "TC-D1" or "AT-PARALLEL-001/detpixels-64". */
  id: string;
  label: string;
  description?: string;
  source: CaseSource;
  /** nanoBragg flags exactly as a user would type them, without -floatfile. Relative paths are workspace-relative. */
  flags: string[];
  /** File stem used for bundle file names: py_<stem>.bin, c_<stem>.bin, ... */
  fileStem: string;
  thresholds: Thresholds;
  location?: CaseLocation;
  /** Embedded-engine preset/forks to use when this case runs on the embedded engine as candidate or reference. */
  embedded?: { reference?: EmbeddedOptions; candidate?: EmbeddedOptions };
  /** Region the thresholds apply to (full-frame metrics are still reported). */
  roi?: Roi;
}

export type ForkName =
  | 'sourceParser'      // 'c' (ghost sources from comment/blank-ish lines, CRLF quirks) | 'clean'
  | 'sourceLambda'      // 'use' (per-source λ column) | 'ignore' (-lambda wins)
  | 'polarization'      // 'first-source' (C: once per pixel) | 'per-source'
  | 'subpixelCache'     // 'first' (C: Ω/P from the first subpixel) | 'last'
  | 'sincgGuard'        // 'c' (skip sincg when N ≤ 1) | 'always'
  | 'phiZeroCarry'      // 'c' (φ = 0 reuses the previous rotation) | 'fixed'
  | 'defaultN';         // '1' (C) | '5' (PyTorch CLI)

export type Forks = Partial<Record<ForkName, string>>;
export type PresetName = 'c' | 'pytorch';

export interface EmbeddedOptions {
  preset?: PresetName;
  forks?: Forks;
  workers?: number;
}

export interface ProgressEvent {
  side?: Side;
  caseId?: string;
  /** 0..1 when known. */
  fraction?: number;
  message: string;
}

/** Effective configuration as one simulator reports it (parsed from stdout, or produced by the embedded engine). */
export interface EffectiveConfig {
  convention?: string;
  pix0?: [number, number, number];
  nCells?: [number, number, number];
  sources?: { x: number; y: number; z: number; weight: number; lambda: number }[];
  nSources?: number;
  lambdaA?: number;
  divergenceSteps?: number;
  dispersionSteps?: number;
  phiSteps?: number;
  mosaicDomains?: number;
  oversample?: number;
  polarizationFactor?: number;
  fluence?: number;
  detector?: { fpixels: number; spixels: number; pixelM?: number; distanceM?: number };
  readsFdump?: boolean;
  crystalSizeA?: [number, number, number];
  /** Raw lines that were recognised, for display. */
  raw?: string[];
  // --- optional additions (analysis layer) ---
  /** Unit cell edges a, b, c in Å (C "Unit Cell:", PyTorch "Crystal: AxBxC Å" — which is the cell, not the crystal size). */
  cellA?: [number, number, number];
  /** How nCells was obtained when it was not printed: e.g. "-N absent: PyTorch CLI default N=5". */
  nCellsBasis?: string;
  /** 'file': per-source λ column used (C); 'cli': every source uses -lambda (PyTorch warns on stderr). */
  sourceLambdaPolicy?: 'file' | 'cli';
  /** Peak and mean intensity the simulator reported (C "max_I =", "mean="; PyTorch "Max intensity:", "Mean:"). */
  maxIntensity?: number;
  meanIntensity?: number;
  /** Embedded engine header: version, preset and forks it ran with. */
  embedded?: { version: string; preset: string; forks: Record<string, string> };
  /** Warnings the simulator printed (stderr or stdout), one line each. */
  warnings?: string[];
}

export interface ConfigMismatch {
  field: string;
  reference: string;
  candidate: string;
  /** One sentence a scientist understands, e.g. "N cells 1×1×1 vs 5×5×5 (PyTorch CLI defaults N=5 when -N is absent)". */
  explanation: string;
  severity: 'critical' | 'warning' | 'info';
}

export interface PreflightWarning {
  code: 'no-N' | 'sourcefile-comments' | 'source-lambda-differs' | 'fdump-in-workspace' | 'frozen-binary' | string;
  message: string;
  /** Flags that would fix it when given to both sides (e.g. ["-lambda", "6.2"]); absent when no flag does. */
  flags?: string[];
}

/**
 * A flag change the diagnosis suggests trying on both sides as a what-if (core/diagnosis/fixSuggestions.ts):
 * derived from the config diff, the preflight warnings and the attribution, never written per case.
 */
export interface FixSuggestion {
  /** Added to both sides (an existing flag of the same name gets the new value), e.g. ["-N", "1"]. */
  flags: string[];
  /** Why, in one sentence (the diagnoses that point at it). */
  why: string;
  /** Which diagnoses suggest it. */
  from: ('config-diff' | 'preflight' | 'attribution')[];
}

export interface EngineRun {
  engine: EngineId;
  side: Side;
  image?: Float32Array;
  fpixels: number;
  spixels: number;
  stdout: string;
  stderr: string;
  exitCode?: number;
  signal?: string;
  timedOut?: boolean;
  cancelled?: boolean;
  /** argv exactly as run (argv[0] = program), and the env vars we set on top of the inherited env. */
  command: string[];
  env: Record<string, string>;
  cwd: string;
  wallMs: number;
  /** Time the simulator itself reports or the engine measures (excludes our orchestration). */
  simMs?: number;
  effectiveConfig?: EffectiveConfig;
  /** Problem with this run, already worded for the user (crash, missing output, size mismatch...). */
  error?: string;
  /** Extra facts for env.json (binary path and sha256, interpreter, torch version, worker mode...). */
  info?: Record<string, unknown>;
}

export interface Metrics {
  pixels: number;
  correlation: number | null;
  sumRatio: number | null;
  mse: number | null;
  rmse: number | null;
  maxAbsDiff: number | null;
  /** [slow, fast] of max |Δ|. */
  maxAbsDiffAt: [number, number] | null;
  sumReference: number;
  sumCandidate: number;
  meanReference: number;
  meanCandidate: number;
  nanReference: number;
  nanCandidate: number;
  infReference: number;
  infCandidate: number;
  finitePixels: number;
  argmaxReference: number | null;
  argmaxCandidate: number | null;
  /** Euclidean distance in pixels between the two argmax positions. */
  peakDistance: number | null;
}

export interface PeakPoint { slow: number; fast: number; value: number }

/** What a bundle keeps of a peak comparison: counts, distances in pixels, and the unmatched peaks (capped lists). */
export interface PeakSummary {
  referencePeaks: number;
  candidatePeaks: number;
  matched: number;
  /** Over matched pairs; null when nothing matched. */
  meanDistance: number | null;
  maxDistance: number | null;
  /** At most PEAK_LIST_CAP each, brightest first; the counts say how many there are in all. */
  unmatchedReference: PeakPoint[];
  unmatchedCandidate: PeakPoint[];
  unmatchedReferenceCount: number;
  unmatchedCandidateCount: number;
  options: { relThreshold: number; absThreshold: number; maxPeaks: number; matchRadius: number };
}

export interface ThresholdMiss {
  metric: string;
  value: number | null;
  limit: string;
  /** How far outside, e.g. "short by 0.935". */
  by: string;
}

export type VerdictStatus = 'pass' | 'fail' | 'error';

export interface Verdict {
  status: VerdictStatus;
  /** One line. */
  reason: string;
  failed: ThresholdMiss[];
}

export interface CaseResult {
  caseId: string;
  label: string;
  fileStem: string;
  flags: string[];
  thresholds: Thresholds;
  reference: EngineRun;
  candidate: EngineRun;
  metrics?: Metrics;
  /** The region the verdict was judged on (the case's roi, or `run --roi`), and its metrics (full-frame positions). */
  roi?: Roi;
  roiMetrics?: Metrics;
  /** Bragg peaks of both images matched (core/metrics/peaks.ts), when both images exist and have the same size. */
  peaks?: PeakSummary;
  verdict: Verdict;
  mismatches: ConfigMismatch[];
  preflight: PreflightWarning[];
  /** Bundle-relative file names. */
  files: { referenceImage?: string; candidateImage?: string; referenceStdout?: string; candidateStdout?: string; previews?: string[] };
}

/** A bundle run to test a suggested fix (the config diff's / preflight's flag on both sides): never an Attempt. */
export interface WhatIf {
  /** The flags added to both sides, e.g. ["-N", "5"]. */
  flags: string[];
  /** The case ids as they are in the case files (the bundle's cases carry the WHAT_IF_SUFFIX). */
  of: string[];
  /** Why: the suggestion's text. */
  reason?: string;
}

export interface Bundle {
  /** Absolute folder. */
  dir: string;
  stamp: string;
  /** Layout version of our writer, or 'legacy' when read from an older layout. */
  layout: string;
  createdAt: string;
  workspace?: string;
  cases: CaseResult[];
  // --- optional additions (orchestration) ---
  /** --explain results keyed by case fileStem (the JSON written to attribution.json; set on fresh runs and by readBundle). */
  attributions?: Record<string, unknown>;
  /** runParity's wall time in ms (fresh runs only). */
  wallMs?: number;
  /** Where that time went (fresh runs only): prepare, per case preflight / both sides / post, finalize. */
  /** Set when the run was a what-if (`record` refuses such bundles). */
  whatIf?: WhatIf;
  timing?: { prepareMs: number; cases: { caseId: string; preflightMs: number; runMs: number; postMs: number }[]; finalizeMs: number; totalMs: number; completeMs?: number; previewWaitMs?: number };
  /** Every run with its change against the previous bundle that ran the same case (fresh runs; also matrix.md). */
  matrix?: MatrixRow[];
}

/** How a run moved against the previous bundle that ran the same case (matrix.md, the CLI's matrix table). */
/** 'cancelled': this run was cancelled before it finished, so it is not compared (nor is a cancelled run ever a previous one). */
export type MatrixChange = 'first run' | 'newly failing' | 'newly passing' | 'better' | 'worse' | 'unchanged' | 'cancelled';

/** One run of a matrix report: its verdict, headline metrics and change against the previous bundle. */
export interface MatrixRow {
  caseId: string;
  /** The YAML case id (the part before "/"), or the whole id for built-in and cases.json cases. */
  group: string;
  /** The YAML run name ('' for a case without runs). */
  run: string;
  status: VerdictStatus;
  reason: string;
  correlation: number | null;
  sumRatio: number | null;
  maxAbsDiff: number | null;
  /** The thresholds missed ("correlation ≥ 0.9999 (short by 0.0012)"), '' when none. */
  failing: string;
  previous?: { dir: string; stamp: string; status: VerdictStatus; correlation: number | null; sumRatio: number | null; maxAbsDiff: number | null };
  change: MatrixChange;
  /** judgeChange's one line ("pass → fail", "correlation closer to the ideal"...). */
  why: string;
}
