// Comparing a model image with a target, and which forks can matter for a case: the search's building blocks.
import type { ConfigMismatch, ForkName, Metrics } from '../../shared/types.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { hasNFlag, flagArgs, flagNumber } from '../diagnosis/flags.ts';
import type { PairNumbers } from './types.ts';
import { formatNumber } from '../../shared/format.ts';

export function pairNumbers(model: Float32Array, target: Float32Array, fpixels: number, m?: Metrics): PairNumbers {
  const metrics = m ?? computeMetrics(target, model, fpixels);
  let nrmse: number | null = null;
  if (metrics.mse !== null) {
    let s = 0;
    for (let i = 0; i < target.length; i++) s += target[i] * target[i];
    const rms = Math.sqrt(s / target.length);
    nrmse = rms > 0 ? Math.sqrt(metrics.mse) / rms : metrics.mse === 0 ? 0 : null;
  }
  return { correlation: metrics.correlation, sumRatio: metrics.sumRatio, nrmse, maxAbsDiff: metrics.maxAbsDiff };
}

/** Same bits, treating every NaN as equal to every NaN (C's NaN images vary in payload). */
export function bitExact(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  }
  return true;
}

export function sameNonFinitePattern(a: Float32Array, b: Float32Array): { same: boolean; count: number } {
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    const fa = a[i] - a[i] === 0;
    const fb = b[i] - b[i] === 0;
    if (fa !== fb) return { same: false, count };
    if (!fa) {
      if (!(a[i] !== a[i] && b[i] !== b[i]) && a[i] !== b[i]) return { same: false, count };
      count++;
    }
  }
  return { same: true, count };
}

export function peakAbs(a: Float32Array): number {
  let p = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > p && Number.isFinite(v)) p = v; }
  return p;
}

/** Score to minimise: normalised RMS difference; non-finite comparisons score +Inf. */
export function score(p: PairNumbers): number {
  return p.nrmse === null ? Infinity : p.nrmse;
}

/** Numbers near 1 (correlation, sum ratio) with enough decimals to show how far from 1 they are. */
export function near1(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return g(v);
  const dev = Math.abs(v - 1);
  if (dev === 0) return '1';
  if (dev >= 1e-3) return g(v, 6);
  return formatNumber(v, { form: 'fixed', digits: Math.min(12, Math.ceil(-Math.log10(dev)) + 2) });
}

export function g(v: number | null | undefined, d = 6): string {
  return formatNumber(v, { form: 'significant', digits: d, plain: [1e-3, 1e6], exponentDigits: 2, nan: 'n/a', posInf: '+Inf', negInf: '-Inf' });
}

/** The forks that can change the image for these flags (and the config diff), in FORK order. */
export function relevantForks(flags: string[], mismatches: ConfigMismatch[], forkNames: ForkName[]): ForkName[] {
  const hasSourcefile = flagArgs(flags, ['-sourcefile']) !== undefined;
  const oversample = flagNumber(flags, ['-oversample']);
  const multiSource = hasSourcefile
    || (flagNumber(flags, ['-hdivsteps']) ?? 0) > 1 || (flagNumber(flags, ['-vdivsteps']) ?? 0) > 1 || (flagNumber(flags, ['-dispsteps']) ?? 0) > 1
    || (flagNumber(flags, ['-hdivrange']) ?? 0) > 0 || (flagNumber(flags, ['-vdivrange']) ?? 0) > 0 || (flagNumber(flags, ['-dispersion']) ?? 0) > 0
    || (flagNumber(flags, ['-divsteps']) ?? 0) > 1 || (flagNumber(flags, ['-divrange']) ?? 0) > 0;
  const hasPhi = ['-phi', '-osc', '-phisteps', '-phistep'].some((f) => flags.includes(f));
  const nMismatch = mismatches.some((m) => m.field === 'nCells');
  const out: ForkName[] = [];
  for (const f of forkNames) {
    switch (f) {
      case 'defaultN': if (!hasNFlag(flags) || nMismatch) out.push(f); break;
      case 'sourceParser': case 'sourceLambda': if (hasSourcefile) out.push(f); break;
      case 'polarization': if (multiSource || oversample === undefined || oversample > 1) out.push(f); break;
      case 'subpixelCache': if (oversample === undefined || oversample > 1) out.push(f); break;
      case 'sincgGuard': if (hasSourcefile || mismatches.some((m) => m.field === 'ghostSources' || m.field === 'nSources')) out.push(f); break;
      case 'phiZeroCarry': if (hasPhi) out.push(f); break;
      default: out.push(f);
    }
  }
  return out;
}

/** Forks that the config diff points at: N mismatch → defaultN, ghost/extra sources → sourceParser, etc. */
export function forksHintedBy(mismatches: ConfigMismatch[]): ForkName[] {
  const out = new Set<ForkName>();
  for (const m of mismatches) {
    if (m.field === 'nCells') out.add('defaultN');
    if (m.field === 'nSources' || m.field === 'ghostSources') { out.add('sourceParser'); }
    if (m.field === 'sourceLambda') out.add('sourceLambda');
    if (m.field === 'polarization') out.add('polarization');
    if (m.field === 'oversample') out.add('subpixelCache');
    if (m.field === 'phiSteps') out.add('phiZeroCarry');
  }
  return [...out];
}

export function key(set: ForkName[]): string {
  return [...set].sort().join('+');
}

