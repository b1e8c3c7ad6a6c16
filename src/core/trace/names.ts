// The vocabulary both traces share: the alias table (PyTorch names → C names), what each quantity feeds
// (so a difference can be followed to the final intensity), the factors of the final intensity per dialect,
// and the few words that tell a person what a name stands for.
import type { TraceFormat } from './types.ts';

/**
 * Canonical (C) name → the other dialect's names for the same quantity, preferred first. Pixel rows and
 * per-source rows (prefix `source.`) are separate tables: C's per-source `I_contribution` is pre-polar.
 */
export const ALIASES: Readonly<Record<string, readonly string[]>> = {
  F_cell: ['F_cell_nearest', 'F_cell_interpolated'],
  // The value each side feeds into its final product: PyTorch applies polarization per source inside the sum.
  I_before_scaling: ['I_before_scaling_post_polar', 'I_before_scaling_pre_polar'],
  'source.I_contribution': ['I_contribution_pre_polar', 'I_contribution_post_polar'],
  'source.lambda_angstroms': ['wavelength_angstroms'],
};

/** Names one dialect prints and the other never does: a missing row here is not a difference. */
export const FORMAT_ONLY = new Set([
  'spindle_axis_raw',
  'spindle_axis_normalized',
  'spindle_magnitude',
  'F_cell_interpolated',
  'F_cell_nearest',
  'I_before_scaling_pre_polar',
  'I_before_scaling_post_polar',
  'source.source_direction',
  'source.source_weight',
  'source.I_contribution_post_polar',
  'source.I_contribution_pre_polar',
  'source.F_cell',
  'source.F_latt',
  'source.F_cell_squared',
  'source.F_latt_squared',
  'source.cos2theta',
]);

/** What each pixel quantity is used for, downstream (the C computation chain). */
export const FEEDS: Readonly<Record<string, readonly string[]>> = {
  pix0_vector_meters: ['pixel_pos_meters'],
  fdet_vec: ['pixel_pos_meters'],
  sdet_vec: ['pixel_pos_meters'],
  pixel_pos_meters: ['R_distance_meters', 'diffracted_vec'],
  R_distance_meters: ['omega_pixel_sr', 'obliquity_factor', 'diffracted_vec'],
  close_distance_meters: ['omega_pixel_sr', 'obliquity_factor'],
  obliquity_factor: ['omega_pixel_sr'],
  omega_pixel_sr: ['omega_pixel'],
  diffracted_vec: ['scattering_vec_A_inv', 'cos_2theta', 'polar'],
  incident_vec: ['scattering_vec_A_inv', 'cos_2theta', 'polar'],
  lambda_meters: ['scattering_vec_A_inv'],
  lambda_angstroms: ['scattering_vec_A_inv'],
  scattering_vec_A_inv: ['hkl_frac'],
  rot_a_angstroms: ['hkl_frac'],
  rot_b_angstroms: ['hkl_frac'],
  rot_c_angstroms: ['hkl_frac'],
  hkl_frac: ['hkl_rounded', 'F_latt_a', 'F_latt_b', 'F_latt_c'],
  hkl_rounded: ['F_cell'],
  F_latt_a: ['F_latt'],
  F_latt_b: ['F_latt'],
  F_latt_c: ['F_latt'],
  F_latt: ['I_before_scaling'],
  F_cell: ['I_before_scaling'],
  r_e_meters: ['r_e_sqr'],
  cos_2theta: ['polar'],
};

/** A factor of the final intensity: I_pixel_final = Π value^exponent. */
export interface Factor {
  name: string;
  exponent: number;
}

/**
 * The final intensity as each dialect composes it (checked against the side's own `I_pixel_final`).
 * C: I = I_before_scaling · r_e² · fluence · capture / steps · polar · Ω (polar, Ω at the end unless
 * oversample_polar/omega). PyTorch: polarization is already inside I_before_scaling_post_polar.
 */
export function finalFactors(format: TraceFormat, flags: { oversamplePolar: boolean; oversampleOmega: boolean }): Factor[] {
  const f: Factor[] = [
    { name: 'I_before_scaling', exponent: 1 },
    { name: 'r_e_sqr', exponent: 1 },
    { name: 'fluence_photons_per_m2', exponent: 1 },
    { name: 'capture_fraction', exponent: 1 },
    { name: 'steps', exponent: -1 },
  ];
  if (format === 'c' && !flags.oversamplePolar) f.push({ name: 'polar', exponent: 1 });
  if (!flags.oversampleOmega) f.push({ name: 'omega_pixel', exponent: 1 });
  return f;
}

/** Names of the final traced intensity, the one an image pixel holds first. */
export const FINAL_NAMES = ['floatimage_accumulated', 'I_pixel_final'] as const;

/** A few words for a person, keyed by canonical name. */
export const HINTS: Readonly<Record<string, string>> = {
  F_latt_a: 'lattice factor along a',
  F_latt_b: 'lattice factor along b',
  F_latt_c: 'lattice factor along c',
  F_latt: 'lattice factor',
  F_cell: 'structure factor',
  steps: 'sources × mosaic domains × φ steps × oversample²',
  polar: 'polarization factor',
  omega_pixel: 'pixel solid angle',
  fluence_photons_per_m2: 'fluence',
  I_before_scaling: 'sum of F² over sources, φ, mosaic, sub-pixels',
  capture_fraction: 'detector capture fraction',
};

/** `F_latt_a` 1 vs 5: whole numbers on both sides are the number of unit cells along that axis. */
export function hintFor(name: string, ref: number[] | undefined, cand: number[] | undefined): string | undefined {
  if (/^F_latt_[abc]$/.test(name) && ref?.length === 1 && cand?.length === 1) {
    const whole = (v: number) => Math.abs(v - Math.round(v)) < 1e-6 && Math.round(v) >= 1;
    if (whole(ref[0]) && whole(cand[0]) && Math.round(ref[0]) !== Math.round(cand[0])) return 'N cells';
  }
  return HINTS[name];
}
