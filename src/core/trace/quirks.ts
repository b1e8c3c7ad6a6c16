// Known trace quirks (formats.md §7): places where the two traces print different things under one name.
// A row a quirk explains is an artefact. "inherent" rows differ by construction and are never the cause;
// "tainted" rows are computed from an inherent one in the trace, so they are artefacts only while their
// difference does not reach the final intensity (the seed's F_latt_a 1 vs 5 does; N5_peak's 4.90 vs 5 does not).
import { lastNumber } from './parse.ts';
import type { ParsedTrace } from './types.ts';

export interface Quirk {
  id: string;
  reason: string;
  /** Canonical keys the quirk makes differ by construction. */
  inherent: readonly string[];
  /** Canonical keys computed from those, in the trace. */
  tainted: readonly string[];
}

export const QUIRKS = {
  incidentOneSource: {
    id: 'incident-source0',
    reason: 'C prints the first source of its loop (source 0; a ghost source when the file starts with comment lines), PyTorch the nominal beam',
    inherent: ['incident_vec', 'lambda_meters', 'lambda_angstroms', 'scattering_vec_A_inv', 'hkl_frac', 'hkl_rounded'],
    tainted: ['F_latt_a', 'F_latt_b', 'F_latt_c', 'F_latt', 'F_cell'],
  },
  rotMetres: {
    id: 'rot-metres',
    reason: 'PyTorch prints rot_*_angstroms in metres (×1e-10) and derives hkl_frac and F_latt_* from them',
    inherent: ['rot_a_angstroms', 'rot_b_angstroms', 'rot_c_angstroms', 'hkl_frac', 'hkl_rounded'],
    tainted: ['F_latt_a', 'F_latt_b', 'F_latt_c', 'F_latt', 'F_cell'],
  },
  scatteringUnits: {
    id: 'scattering-units',
    reason: 'scattering_vec_A_inv is labelled Å⁻¹ but printed in m⁻¹; one side prints the other unit',
    inherent: ['scattering_vec_A_inv'],
    tainted: [],
  },
  beamCenterLogging: {
    id: 'beam-center-logging',
    reason: "C's beam_center_m line is divided by 1000 twice (a C logging bug)",
    inherent: ['geometry:beam_center_m'],
    tainted: [],
  },
  hklRounding: {
    id: 'hkl-rounding',
    reason: 'PyTorch rounds h,k,l half to even, C with ceil(h − 0.5): they part at exactly .5',
    inherent: ['hkl_rounded'],
    tainted: ['F_cell'],
  },
  polarFolded: {
    id: 'polar-folded',
    reason: 'PyTorch applies polarization per source inside I_before_scaling_post_polar; C multiplies by polar at the end, and I_before_scaling × polar agree',
    inherent: [],
    tainted: ['I_before_scaling', 'polar'],
  },
  repeatedBlock: {
    id: 'repeated-block',
    reason: 'one side prints every sub-pixel / thickness step, the other once; the single value lies within the repeated ones',
    inherent: [],
    tainted: [],
  },
  phiCarryover: {
    id: 'phi0-carryover',
    reason: "C's φ=0 carry-over (C-PARITY-001): a known, intended divergence",
    inherent: [],
    tainted: ['hkl_frac', 'hkl_rounded', 'F_latt_a', 'F_latt_b', 'F_latt_c', 'F_latt', 'F_cell', 'I_before_scaling'],
  },
} as const satisfies Record<string, Quirk>;

export interface QuirkContext {
  reference: ParsedTrace;
  candidate: ParsedTrace;
  /** Forks the caller knows are in effect (`phi0-carryover`). */
  knownForks: readonly string[];
}

function cSide(ctx: QuirkContext): ParsedTrace | undefined {
  if (ctx.reference.format === ctx.candidate.format) return undefined;
  return ctx.reference.format === 'c' ? ctx.reference : ctx.candidate;
}

function pySide(ctx: QuirkContext): ParsedTrace | undefined {
  if (ctx.reference.format === ctx.candidate.format) return undefined;
  return ctx.reference.format === 'py' ? ctx.reference : ctx.candidate;
}

/** The quirks that can apply to this pair, decided from the traces themselves. */
export function activeQuirks(ctx: QuirkContext): Quirk[] {
  const out: Quirk[] = [];
  const c = cSide(ctx);
  const py = pySide(ctx);
  // C loops over sources and leaves the last one's vectors behind; with one source there is nothing to see.
  if (py) {
    const e = py.byKey.get('rot_a_angstroms');
    const v = e?.values[0]?.numbers ?? [];
    // A real cell edge is ≥ 1 Å: values ~1e-9 under the Å label are metres.
    if (v.length && Math.max(...v.map(Math.abs)) < 1e-6) out.push(QUIRKS.rotMetres);
  }
  if (c && py && (lastNumber(c, 'steps') ?? 1) > 1) out.push(QUIRKS.incidentOneSource);
  out.push(QUIRKS.scatteringUnits, QUIRKS.beamCenterLogging, QUIRKS.hklRounding);
  // PyTorch, or an embedded trace with per-source polarization (the caller names that fork), folds polarization in.
  if ((c && py) || ctx.knownForks.includes(QUIRKS.polarFolded.id)) out.push(QUIRKS.polarFolded);
  if (ctx.knownForks.includes(QUIRKS.phiCarryover.id)) out.push(QUIRKS.phiCarryover);
  return out;
}

/** Exactly-.5 fractional index where the two rounding rules part (hkl_frac agreeing, hkl_rounded not). */
export function roundingExplains(hklFrac: readonly number[], refRounded: readonly number[], candRounded: readonly number[]): boolean {
  let any = false;
  for (let i = 0; i < hklFrac.length; i++) {
    if (refRounded[i] === candRounded[i]) continue;
    const frac = hklFrac[i] - Math.floor(hklFrac[i]);
    if (Math.abs(frac - 0.5) > 1e-6) return false;
    any = true;
  }
  return any;
}
