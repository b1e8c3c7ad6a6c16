// The seed's two parity cases, flag for flag as its hand-off note runs them (minus -floatfile, which the runner owns).
import type { Case, Thresholds } from '../../shared/types.ts';

/** The seed's gate: corr ≥ 0.999 and |sum_ratio − 1| ≤ 1e-3. */
export const SEED_THRESHOLDS: Thresholds = { corrMin: 0.999, sumRatioTol: 1e-3 };

/** Workspace-relative path of the seed's weighted two-source fixture. */
export const SEED_FIXTURE = 'reports/2025-11-source-weights/phase_a/20251009T071821Z/fixtures/two_sources.txt';

const COMMON_TAIL = ['-distance', '231.274660', '-lambda', '0.9768', '-pixel', '0.172', '-detpixels_x', '256',
  '-detpixels_y', '256', '-oversample', '1', '-nonoise', '-nointerpolate'];

export const BUILTIN_CASES: readonly Case[] = Object.freeze([
  {
    id: 'TC-D1',
    label: 'TC-D1 weighted two-source file',
    description: 'Two weighted sources from the seed fixture, no divergence or dispersion (SOURCE-WEIGHT-001).',
    source: 'builtin',
    flags: ['-mat', 'A.mat', '-sourcefile', SEED_FIXTURE, '-default_F', '100', '-hdivsteps', '0', '-vdivsteps', '0',
      '-dispsteps', '1', ...COMMON_TAIL],
    fileStem: 'tc_d1',
    thresholds: { ...SEED_THRESHOLDS },
  },
  {
    id: 'TC-D3',
    label: 'TC-D3 horizontal divergence, 3 steps',
    description: 'Generated sources: 0.5 mrad horizontal divergence in 3 steps (SOURCE-WEIGHT-001).',
    source: 'builtin',
    flags: ['-mat', 'A.mat', '-default_F', '100', '-hdivrange', '0.5', '-hdivsteps', '3', ...COMMON_TAIL],
    fileStem: 'tc_d3',
    thresholds: { ...SEED_THRESHOLDS },
  },
] satisfies Case[]);

/** File stem for an id that has none: lower case, runs of other characters become one underscore. */
export function stemFor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'case';
}
