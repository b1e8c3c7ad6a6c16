// Named semantic forks: each is one place where C and the PyTorch port (or the spec) disagree.
// Default values reproduce C; the `pytorch` preset describes the port.
import type { ForkName, Forks, PresetName } from '../../shared/types.ts';
import { EmbeddedFlagError } from './flags.ts';

export const FORK_DOCS: Record<ForkName, { values: string[]; c: string; doc: string }> = {
  sourceParser: {
    values: ['c', 'clean'], c: 'c',
    doc: 'Source-file reader. c: every non-blank line is a source, so "#" comment lines become "ghost" sources (direction 0, λ 0) that count in steps; missing trailing fields get defaults, and with CRLF endings they read as 0. clean: comments and blank lines skipped, missing X/Y/Z = 0 (the PyTorch port).',
  },
  sourceLambda: {
    values: ['use', 'ignore'], c: 'use',
    doc: 'Source-file λ column. use: each source keeps its own λ (C). ignore: every source uses -lambda (the PyTorch port, and the spec).',
  },
  polarization: {
    values: ['first-source', 'per-source'], c: 'first-source',
    doc: 'Polarization factor. first-source: computed once per pixel from the first source of the first subpixel and applied to the pixel sum (C). per-source: computed for every source and subpixel and applied inside the sum (the PyTorch port, and the spec).',
  },
  subpixelCache: {
    values: ['first', 'last'], c: 'first',
    doc: 'Solid angle (and the cached polarization) with -oversample > 1. first: value of the first subpixel (C). last: value of the last subpixel (the spec and the PyTorch port).',
  },
  sincgGuard: {
    values: ['c', 'always'], c: 'c',
    doc: 'Lattice factor. c: sincg is skipped when N ≤ 1 along that axis (so ghost sources stay finite with N=1). always: sincg is always evaluated (N=1 gives 1 except where sin(πh)=0).',
  },
  phiZeroCarry: {
    values: ['c', 'fixed'], c: 'c',
    doc: 'φ = 0 steps. c: C skips the rotation when φ = 0 and reuses the previous φ step\'s crystal vectors, reset at the start of each OpenMP thread\'s block of rows (see ompThreads). fixed: φ = 0 uses the unrotated crystal.',
  },
  defaultN: {
    values: ['1', '5'], c: '1',
    doc: 'Crystal size when no -N/-Na/-Nb/-Nc is given. 1: C. 5: the PyTorch CLI.',
  },
};

export const FORK_NAMES = Object.keys(FORK_DOCS) as ForkName[];

export const PRESETS: Record<PresetName, Forks> = {
  c: { sourceParser: 'c', sourceLambda: 'use', polarization: 'first-source', subpixelCache: 'first', sincgGuard: 'c', phiZeroCarry: 'c', defaultN: '1' },
  pytorch: { sourceParser: 'clean', sourceLambda: 'ignore', polarization: 'per-source', subpixelCache: 'last', sincgGuard: 'always', phiZeroCarry: 'fixed', defaultN: '5' },
};

export type ResolvedForks = Record<ForkName, string>;

/** Preset first, then explicit forks on top; unknown names or values are EmbeddedFlagErrors. */
export function resolveForks(preset: PresetName = 'c', forks: Forks = {}): ResolvedForks {
  if (!(preset in PRESETS)) throw new EmbeddedFlagError(`--preset: unknown preset "${preset}" (expected ${Object.keys(PRESETS).join(' | ')})`);
  const out = { ...PRESETS.c, ...PRESETS[preset] } as ResolvedForks;
  for (const [k, v] of Object.entries(forks)) {
    if (v === undefined) continue;
    const doc = FORK_DOCS[k as ForkName];
    if (!doc) throw new EmbeddedFlagError(`--fork: unknown fork "${k}" (known: ${FORK_NAMES.join(', ')})`);
    if (!doc.values.includes(v)) throw new EmbeddedFlagError(`--fork ${k}: unknown value "${v}" (expected ${doc.values.join(' | ')})`);
    out[k as ForkName] = v;
  }
  return out;
}

/** "k=v,k=v" in FORK_NAMES order, for the banner line and bundles. */
export function formatForks(f: ResolvedForks): string {
  return FORK_NAMES.map((k) => `${k}=${f[k]}`).join(',');
}
