// The ground floor of the run: what a parity run is asked to do (RunSettings, ParityOptions) and the narrower
// EngineSettings an engine reads. Shapes only (plus ParityError), so engines, evidence and the CLI can share them
// without importing the orchestrator.
import type { Bundle, Case, CaseResult, EngineId, ProgressEvent, EmbeddedOptions, Roi, WhatIf } from '../shared/types.ts';

export interface RunSettings {
  cBinary?: string;
  /** Who set cBinary, for error messages ('--c-binary' from the CLI; default "the cBinary setting"). */
  cBinarySource?: string;
  python?: string;
  /** Who set python: '--python' from the CLI; default the setting. */
  pythonSource?: 'setting' | '--python';
  extraEnv?: Record<string, string>;
  /** Default 'reports'. */
  reportsRoot?: string;
  /** Default '2025-11-source-weights'. */
  initiative?: string;
  /** Default 'phase_e'. */
  phase?: string;
  timeoutMs?: { reference?: number; candidate?: number };
  /** Cases run at the same time (each case already runs its two sides concurrently). Default 1. */
  concurrency?: number;
  /** False in VS Code Restricted Mode: never launch C, Python or make. */
  allowPrograms: boolean;
  embedded?: { reference?: EmbeddedOptions; candidate?: EmbeddedOptions };
  torchMode?: 'cold' | 'warm' | 'auto';
  /** Warm mode: prove each server life equal to a cold run, byte for byte, before trusting it; re-prove after port
   * edits and on a sample (docs/warm-torch.md). Default true. */
  torchAuthoritative?: boolean;
  /** Warm mode through the per-user daemon (the CLI) instead of a pool in this process (the extension). */
  torchServer?: TorchServerSettings;
  explain?: boolean;
  /** `run --roi`: judge every case on this region instead of its own roi (full-frame metrics are still reported). */
  roi?: Roi;
  /** Build golden_suite_generator/nanoBragg with make when it is missing (default true). */
  buildC?: boolean;
  /** Reuse an identical earlier C run that has proven deterministic instead of running the binary (engines/c/reuse.ts).
   * Default true. */
  reuseC?: boolean;
  /** Set when the call was carried out by another process than the one the user started (the CLI's warm server
   * daemon): a sentence for commands.txt and env.json's `cli_call`. */
  calledVia?: string;
  /** Probe the interpreter for torch version / CUDA for env.json (one extra Python start; default true). */
  probeTorch?: boolean;
}

export interface TorchServerSettings {
  /** argv that starts the daemon when none is running (`nb-parity server --daemon`). */
  command: string[];
  /** Idle stop of a daemon this run starts (default 10 min). */
  idleMs?: number;
  /** How long to wait for a starting daemon's socket (default 30 s). */
  startTimeoutMs?: number;
}

export interface ParityOptions {
  workspace: string;
  cases: Case[];
  candidate: EngineId;
  reference: EngineId;
  settings: RunSettings;
  signal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  onLog?: (line: string) => void;
  /** A run is judged and filed (before the bundle's run-level files): `nb-parity run --jsonl` streams it. */
  onCaseDone?: (result: CaseResult, info: { index: number; bundleDir: string }) => void;
  /**
   * complete.json is written: the evidence is complete. The last case's previews wait until a returned promise
   * settles (the extension's results panel gets the first look; encoding them blocks the thread ~0.3 s each at 1024²).
   */
  onComplete?: (bundle: Bundle) => void | Promise<void>;
  /** Mark the bundle as a what-if (its cases come from whatIfCase). */
  whatIf?: WhatIf;
}

/** A problem that stops the run before any evidence is written (nothing to compare, nothing launched). */
export class ParityError extends Error {
  constructor(message: string) { super(message); this.name = 'ParityError'; }
}

/** What an engine adapter reads of the run settings (C, PyTorch, embedded). */
export type EngineSettings = Pick<RunSettings, 'cBinary' | 'python' | 'extraEnv' | 'allowPrograms' | 'torchMode' | 'torchAuthoritative' | 'torchServer' | 'reuseC'>;
