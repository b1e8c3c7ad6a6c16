// The shapes of attribution: the slice of the simulator it drives, its input and its result, and its tolerances.
import type { ConfigMismatch, ForkName, Forks, PresetName, Thresholds } from '../../shared/types.ts';
import type { SimulateRequest, SimulateResult } from '../simulator/index.ts';

// --- the slice of contract 1 (embedded engine) that attribution uses --------------------------------------
// Types only: the search itself runs on any `simulate` with this shape (tests pass a cheap synthetic one).
export type SimulateRequestLike = Pick<SimulateRequest, 'args' | 'cwd' | 'preset' | 'forks' | 'workers' | 'signal' | 'writeFloatfile'>;
export type SimulateResultLike = Pick<SimulateResult, 'image' | 'fpixels' | 'spixels' | 'simMs'>;
export type SimulateFn = (req: SimulateRequestLike) => Promise<SimulateResultLike>;
export interface ForkDoc {
  values: string[];
  c: string;
  doc: string;
}
export interface EngineApi {
  simulate: SimulateFn;
  presets: Record<PresetName, Forks>;
  forkDocs: Record<ForkName, ForkDoc>;
}

// --- result shape ------------------------------------------------------------------------------------------
export type AttributionStatus = 'explained' | 'partly-explained' | 'unexplained' | 'not-modelled' | 'no-divergence';

export interface PairNumbers {
  correlation: number | null;
  sumRatio: number | null;
  /** RMS(model − target) / RMS(target); 0 = identical. Null when either image has non-finite pixels. */
  nrmse: number | null;
  maxAbsDiff: number | null;
}

export interface AttributionStep {
  /** The fork added at this step (absent for step 0, the reference preset). */
  fork?: ForkName;
  value?: string;
  /** Cumulative fork overrides on top of the reference preset after this step. */
  forks: Forks;
  /** The model of this step against the candidate. */
  vsCandidate: PairNumbers;
  /** Flat copies for loose readers (webview, summary): "preset c" or "+ defaultN=5", and vsCandidate's corr/ratio. */
  label: string;
  correlation: number | null;
  sumRatio: number | null;
}

export interface ChosenFork {
  fork: ForkName;
  value: string;
  /** The value in the reference preset (what was toggled away from). */
  from: string;
  doc: string;
}

export interface Attribution {
  status: AttributionStatus;
  /** One line for tables and logs. */
  summary: string;
  referencePreset: PresetName;
  thresholds: Thresholds;
  /** Reference vs candidate as observed. */
  observed: PairNumbers;
  /** Embedded engine (reference preset) vs the reference image. */
  reproduction?: PairNumbers & { exact: boolean; ok: boolean; note: string };
  relevantForks: ForkName[];
  search: 'none' | 'exhaustive' | 'greedy';
  simulations: number;
  timedOut: boolean;
  chosen: ChosenFork[];
  /** Fork overrides of the best model, on top of the reference preset. */
  forks: Forks;
  /** Step by step from the reference preset to the chosen set (in order of the largest gain first). */
  steps: AttributionStep[];
  /** Each relevant fork alone, for context. */
  singles: { fork: ForkName; value: string; vsCandidate: PairNumbers }[];
  /** Best model vs candidate: what stays unexplained. */
  residual?: PairNumbers;
  /** Best model image (not written to attribution.json; store it as a .bin beside it). */
  modelImage?: Float32Array;
  fpixels: number;
  spixels: number;
  elapsedMs: number;
  /** Why the search ended early or could not run. */
  note?: string;
}

export interface AttributeInput {
  flags: string[];
  cwd: string;
  referencePreset: PresetName;
  reference: Float32Array;
  candidate: Float32Array;
  fpixels: number;
  spixels: number;
  mismatches: ConfigMismatch[];
  signal?: AbortSignal;
  /** Time box for the search (default 20 s); the best result so far is returned when it runs out. */
  timeBudgetMs?: number;
  /** Embedded engine workers per simulation; default 0 (this thread) up to 512², the engine's default above. */
  workers?: number;
  /** The case's thresholds; default the seed's (corr ≥ 0.999, |sum ratio − 1| ≤ 1e-3). */
  thresholds?: Thresholds;
  /** 'auto' (default): exhaustive when every subset fits in the time box, else greedy. */
  strategy?: 'auto' | 'exhaustive' | 'greedy';
}

export const SEED_THRESHOLDS: Thresholds = { corrMin: 0.999, sumRatioTol: 1e-3 };

/** When the embedded engine counts as reproducing the reference (if not bit-exact). */
export const REPRODUCTION_TOLERANCE = { corrMin: 0.99999, sumRatioTol: 1e-5, maxAbsOfPeak: 1e-3 };

export class AttributionCancelled extends Error {
  constructor() {
    super('attribution cancelled');
    this.name = 'AbortError';
  }
}
