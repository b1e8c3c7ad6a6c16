// The final intensity as a product of traced factors, per side, so a difference can be weighed by what it
// does to the result: factors whose contributions differ explain a differing result, or cancel in an
// agreeing one ("agree by compensation"). I_before_scaling and polar form one group because PyTorch
// folds polarization into its sum while C multiplies by it at the end.
import { resultsAgree } from './classify.ts';
import { FINAL_NAMES, finalFactors } from './names.ts';
import { lastNumber } from './parse.ts';
import type { CandidateDtype, ParsedTrace } from './types.ts';

export interface FactorGroup {
  /** Canonical names of the rows in the group, as they multiply. */
  members: string[];
  reference: number;
  candidate: number;
  /** candidate / reference of the applied values. */
  ratio: number;
  differs: boolean;
}

export interface FactorModel {
  groups: FactorGroup[];
  /** Each side's product against its own traced final intensity: does the model reproduce it? */
  reproduces: { reference: boolean; candidate: boolean };
  /** Product of all group ratios (≈ result ratio when both sides reproduce). */
  ratio: number;
}

/** The value the trace ends with: floatimage_accumulated (what the image holds), else I_pixel_final. */
export function tracedFinal(trace: ParsedTrace): number | undefined {
  for (const name of FINAL_NAMES) {
    const v = lastNumber(trace, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The factor value a side traced for a canonical name (aliases resolved like the rows). */
function factorValue(trace: ParsedTrace, name: string): number | undefined {
  if (name === 'I_before_scaling' && trace.format === 'py') {
    return lastNumber(trace, 'I_before_scaling_post_polar') ?? lastNumber(trace, 'I_before_scaling');
  }
  return lastNumber(trace, name);
}

function applied(trace: ParsedTrace): Map<string, number> | undefined {
  const flags = {
    oversamplePolar: (lastNumber(trace, 'oversample_polar') ?? 0) !== 0,
    oversampleOmega: (lastNumber(trace, 'oversample_omega') ?? 0) !== 0,
  };
  const out = new Map<string, number>();
  for (const f of finalFactors(trace.format, flags)) {
    const v = factorValue(trace, f.name);
    if (v === undefined) {
      // capture_fraction is 1 unless a sensor is set; a trace without it is still usable.
      if (f.name === 'capture_fraction') continue;
      return undefined;
    }
    out.set(f.name, v ** f.exponent);
  }
  // Polarization not applied at the end (PyTorch, oversample_polar) is a factor of one.
  if (!out.has('polar')) out.set('polar', 1);
  return out;
}

/** A side's final intensity recomputed from its traced factors (undefined when a factor is missing). */
export function finalProduct(trace: ParsedTrace): number | undefined {
  const m = applied(trace);
  return m ? [...m.values()].reduce((p, v) => p * v, 1) : undefined;
}

const GROUPS: ReadonlyArray<readonly string[]> = [
  ['I_before_scaling', 'polar'],
  ['steps'],
  ['omega_pixel'],
  ['r_e_sqr'],
  ['fluence_photons_per_m2'],
  ['capture_fraction'],
];

/** Build both sides' factor models; undefined when a side lacks the factors (a partial trace). */
export function factorModel(reference: ParsedTrace, candidate: ParsedTrace, dtype: CandidateDtype): FactorModel | undefined {
  const ref = applied(reference);
  const cand = applied(candidate);
  if (!ref || !cand) return undefined;
  const groups: FactorGroup[] = [];
  let ratio = 1;
  for (const members of GROUPS) {
    const r = members.reduce((p, m) => p * (ref.get(m) ?? 1), 1);
    const c = members.reduce((p, m) => p * (cand.get(m) ?? 1), 1);
    const g: FactorGroup = { members: [...members], reference: r, candidate: c, ratio: c / r, differs: !resultsAgree(r, c, dtype) };
    ratio *= g.ratio;
    groups.push(g);
  }
  const product = (m: Map<string, number>) => [...m.values()].reduce((p, v) => p * v, 1);
  const ok = (trace: ParsedTrace, m: Map<string, number>) => {
    const fin = tracedFinal(trace);
    return fin !== undefined && resultsAgree(product(m), fin, trace.format === 'py' ? dtype : 'float32');
  };
  return { groups, ratio, reproduces: { reference: ok(reference, ref), candidate: ok(candidate, cand) } };
}
