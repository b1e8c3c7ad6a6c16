// THE attribution entry point for one finished parity case — what `run --explain`, `nb-parity explain` and the
// extension call: picks the reference's preset, the flags, the config mismatches and the thresholds from the
// CaseResult and runs the search on the simulator (./index.ts wires src/core/simulator in).
import type { CaseResult, ConfigMismatch, EngineRun, PresetName } from '../../shared/types.ts';
import { parseEffectiveConfig } from '../diagnosis/effectiveConfig.ts';
import { diffConfigs } from '../diagnosis/configDiff.ts';
import { attribute } from './index.ts';
import type { Attribution } from './search.ts';

/**
 * Which simulator preset models a reference run's semantics: C → c, PyTorch → pytorch, embedded → the preset it ran
 * (recorded in run.info by a fresh run, else read back from its stdout).
 */
export function presetFor(run: Pick<EngineRun, 'engine' | 'stdout' | 'info'>): PresetName {
  if (run.engine === 'torch') return 'pytorch';
  if (run.engine === 'embedded') {
    const recorded = run.info?.preset as PresetName | undefined;
    if (recorded) return recorded;
    return parseEffectiveConfig(run.stdout ?? '', 'embedded').embedded?.preset === 'pytorch' ? 'pytorch' : 'c';
  }
  return 'c';
}

/** The case's config mismatches, recomputed from the stdouts when the result does not carry them. */
export function mismatchesOf(c: CaseResult): ConfigMismatch[] {
  if (Array.isArray(c.mismatches) && c.mismatches.length) return c.mismatches;
  const ref = parseEffectiveConfig(c.reference.stdout ?? '', c.reference.engine, { stderr: c.reference.stderr, flags: c.flags });
  const cand = parseEffectiveConfig(c.candidate.stdout ?? '', c.candidate.engine, { stderr: c.candidate.stderr, flags: c.flags });
  return diffConfigs(ref, cand, { reference: c.reference.engine, candidate: c.candidate.engine });
}

export interface CaseAttributionOptions {
  /** Where the flags' relative paths (A.mat, -sourcefile) resolve: the workspace. */
  cwd: string;
  reference: Float32Array;
  candidate: Float32Array;
  fpixels: number;
  spixels: number;
  /** Override the flags (old bundles that did not record them; a fresh run's absolutized flags). */
  flags?: string[];
  referencePreset?: PresetName;
  /** Override the mismatches (a fresh run passes exactly the ones it judged with, even none). */
  mismatches?: ConfigMismatch[];
  signal?: AbortSignal;
  timeBudgetMs?: number;
  workers?: number;
}

export async function attributeCaseResult(c: CaseResult, o: CaseAttributionOptions): Promise<Attribution> {
  return attribute({
    flags: o.flags ?? c.flags,
    cwd: o.cwd,
    referencePreset: o.referencePreset ?? presetFor(c.reference),
    reference: o.reference,
    candidate: o.candidate,
    fpixels: o.fpixels,
    spixels: o.spixels,
    mismatches: o.mismatches ?? mismatchesOf(c),
    thresholds: c.thresholds && Object.keys(c.thresholds).length ? c.thresholds : undefined,
    signal: o.signal,
    timeBudgetMs: o.timeBudgetMs,
    workers: o.workers,
  });
}
