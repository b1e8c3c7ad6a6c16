// Attribution: which named semantic forks turn the reference's semantics into the candidate's image?
//
// Procedure (each step is reported in the result):
//  1. No divergence: if reference vs candidate already meets the case thresholds, stop ('no-divergence').
//  2. Guard against false explanations: the embedded engine with the reference preset must reproduce the
//     reference image — bit-exact, or within REPRODUCTION_TOLERANCE — else 'not-modelled'.
//  3. Relevant forks: only forks that can matter for these flags (e.g. defaultN only when no -N is given and
//     the config diff or the flags say N differs; source forks only with -sourcefile). Each fork is toggled to
//     its value in the other preset.
//  4. Search: every subset when 2^k simulations fit in the time box (exhaustive), otherwise greedy forward
//     selection. The score is the normalised RMS difference model↔candidate (captures scale and pattern).
//  5. Choice: the SMALLEST subset whose model meets the case thresholds against the candidate (ties → best score);
//     if none does, the best-scoring subset with every fork that does not improve the score by ≥ 1 % removed.
//  6. Status: 'explained' (residual within thresholds), 'partly-explained' (the distance to the candidate at least
//     halved), else 'unexplained' ("look elsewhere").
// Cancellable (AbortSignal between and inside simulations) and time-boxed.
import type { ConfigMismatch, ForkName, Forks, Metrics, PresetName, Thresholds } from '../../shared/types.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { withinThresholds } from '../metrics/verdict.ts';
import { hasNFlag, flagArgs, flagNumber } from '../diagnosis/flags.ts';
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

// --- helpers -----------------------------------------------------------------------------------------------

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
function bitExact(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i] && !(a[i] !== a[i] && b[i] !== b[i])) return false;
  }
  return true;
}

function sameNonFinitePattern(a: Float32Array, b: Float32Array): { same: boolean; count: number } {
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

function peakAbs(a: Float32Array): number {
  let p = 0;
  for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); if (v > p && Number.isFinite(v)) p = v; }
  return p;
}

/** Score to minimise: normalised RMS difference; non-finite comparisons score +Inf. */
function score(p: PairNumbers): number {
  return p.nrmse === null ? Infinity : p.nrmse;
}

/** Numbers near 1 (correlation, sum ratio) with enough decimals to show how far from 1 they are. */
function near1(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return g(v);
  const dev = Math.abs(v - 1);
  if (dev === 0) return '1';
  if (dev >= 1e-3) return g(v, 6);
  return v.toFixed(Math.min(12, Math.ceil(-Math.log10(dev)) + 2));
}

function g(v: number | null | undefined, d = 6): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(d))) : v.toExponential(2);
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

function key(set: ForkName[]): string {
  return [...set].sort().join('+');
}

// --- the search --------------------------------------------------------------------------------------------

export async function attributeWith(api: EngineApi, input: AttributeInput): Promise<Attribution> {
  const t0 = performance.now();
  const { flags, cwd, referencePreset, reference, candidate, fpixels, spixels, mismatches, signal } = input;
  // A case without thresholds would make every pair "within thresholds": judge against the seed's instead.
  const thresholds = input.thresholds && Object.keys(input.thresholds).length ? input.thresholds : SEED_THRESHOLDS;
  const budget = input.timeBudgetMs ?? 20_000;
  const forkNames = Object.keys(api.forkDocs) as ForkName[];
  const base = api.presets[referencePreset];
  const otherPreset = (Object.keys(api.presets) as PresetName[]).find((p) => p !== referencePreset) ?? referencePreset;
  const alt = (f: ForkName): string => {
    const other = api.presets[otherPreset][f];
    if (other !== undefined && other !== base[f]) return other;
    return api.forkDocs[f].values.find((v) => v !== (base[f] ?? api.forkDocs[f].c)) ?? api.forkDocs[f].c;
  };

  const observedMetrics = computeMetrics(reference, candidate, fpixels);
  const observed = pairNumbers(candidate, reference, fpixels, observedMetrics);
  const result: Attribution = {
    status: 'unexplained', summary: '', referencePreset, thresholds, observed, relevantForks: [], search: 'none', simulations: 0,
    timedOut: false, chosen: [], forks: {}, steps: [], singles: [], fpixels, spixels, elapsedMs: 0,
  };
  const finish = (): Attribution => {
    result.elapsedMs = performance.now() - t0;
    result.summary = summarizeAttribution(result);
    return result;
  };

  if (withinThresholds(observedMetrics, thresholds)) {
    result.status = 'no-divergence';
    result.note = `reference vs candidate already within the case thresholds (corr ${g(observed.correlation)}, sum ratio ${g(observed.sumRatio)}): no divergence worth explaining`;
    return finish();
  }

  // Small images render faster in this thread than worker start-up costs (measured: TC-D1 256², 32 simulations,
  // 1.3 s in-thread vs 19 s with one fresh worker per simulation); the search yields between simulations.
  const workers = input.workers ?? (fpixels * spixels <= 512 * 512 ? 0 : undefined);
  const checkAbort = () => { if (signal?.aborted) throw new AttributionCancelled(); };
  const cache = new Map<string, { image: Float32Array; vs: PairNumbers }>();
  const run = async (set: ForkName[]): Promise<{ image: Float32Array; vs: PairNumbers }> => {
    const k = key(set);
    const hit = cache.get(k);
    if (hit) return hit;
    // Let timers, cancellation and UI messages run between simulations (in-thread renders block until done).
    await new Promise<void>((resolve) => setImmediate(resolve));
    checkAbort();
    const forks: Forks = {};
    for (const f of set) forks[f] = alt(f);
    const res = await api.simulate({ args: flags, cwd, preset: referencePreset, forks, workers, signal, writeFloatfile: false });
    result.simulations++;
    if (res.image.length !== candidate.length) {
      throw new Error(`the embedded engine produced ${res.fpixels}×${res.spixels} pixels for these flags, the images are ${fpixels}×${spixels}`);
    }
    const entry = { image: res.image, vs: pairNumbers(res.image, candidate, fpixels) };
    cache.set(k, entry);
    return entry;
  };

  // 2. Can the engine model the reference at all?
  let baseline: { image: Float32Array; vs: PairNumbers };
  try {
    baseline = await run([]);
  } catch (err) {
    // Only a flag/input the engine rejects means "cannot model"; anything else is a real failure to surface.
    if ((err as Error).name !== 'EmbeddedFlagError') throw err;
    result.status = 'not-modelled';
    result.note = `the embedded engine cannot run these flags: ${(err as Error).message}`;
    return finish();
  }
  const exact = bitExact(baseline.image, reference);
  const repro = pairNumbers(baseline.image, reference, fpixels);
  const pattern = sameNonFinitePattern(baseline.image, reference);
  let ok = exact;
  let note = exact ? 'bit-exact' : '';
  if (!exact) {
    if (!pattern.same) note = 'the NaN/Inf pixels differ';
    else if (pattern.count === reference.length) { ok = true; note = 'every pixel non-finite on both'; }
    else {
      const peak = peakAbs(reference);
      const rel = repro.maxAbsDiff !== null && peak > 0 ? repro.maxAbsDiff / peak : Infinity;
      ok = pattern.count === 0 && (repro.correlation ?? 0) >= REPRODUCTION_TOLERANCE.corrMin
        && Math.abs((repro.sumRatio ?? Infinity) - 1) <= REPRODUCTION_TOLERANCE.sumRatioTol && rel <= REPRODUCTION_TOLERANCE.maxAbsOfPeak;
      note = `max|Δ| = ${g(rel, 3)} of the peak, corr ${g(repro.correlation, 9)}, sum ratio ${g(repro.sumRatio, 9)} (tolerance: corr ≥ ${REPRODUCTION_TOLERANCE.corrMin}, |sum ratio − 1| ≤ ${REPRODUCTION_TOLERANCE.sumRatioTol}, max|Δ| ≤ ${REPRODUCTION_TOLERANCE.maxAbsOfPeak} of the peak)`;
    }
  }
  result.reproduction = { ...repro, exact, ok, note };
  if (!ok) {
    result.status = 'not-modelled';
    result.note = `the embedded engine (preset ${referencePreset}) does not reproduce the reference image (${note}): attribution not possible`;
    return finish();
  }

  // 3. Relevant forks.
  const forks = relevantForks(flags, mismatches, forkNames).filter((f) => alt(f) !== (base[f] ?? api.forkDocs[f].c));
  result.relevantForks = forks;
  const steps: AttributionStep[] = [{ forks: {}, vsCandidate: baseline.vs, label: `preset ${referencePreset}`, correlation: baseline.vs.correlation, sumRatio: baseline.vs.sumRatio }];
  result.steps = steps;
  result.residual = baseline.vs;
  result.modelImage = baseline.image;
  if (!forks.length) {
    result.status = 'unexplained';
    result.note = 'no named fork applies to these flags';
    return finish();
  }

  // 4. Search, time-boxed.
  const simMs = Math.max(1, performance.now() - t0);
  const total = 2 ** forks.length;
  const exhaustive = input.strategy === 'exhaustive' || (input.strategy !== 'greedy' && (total - 1) * simMs <= budget);
  result.search = exhaustive ? 'exhaustive' : 'greedy';
  const outOfTime = () => performance.now() - t0 > budget;
  const explains = (vs: PairNumbers, img: Float32Array) => withinThresholds(computeMetrics(candidate, img, fpixels), thresholds) && vs.nrmse !== null;

  for (const f of forks) {
    if (outOfTime()) { result.timedOut = true; break; }
    const r = await run([f]);
    result.singles.push({ fork: f, value: alt(f), vsCandidate: r.vs });
  }
  if (exhaustive && !result.timedOut) {
    for (let mask = 1; mask < total; mask++) {
      if (outOfTime()) { result.timedOut = true; break; }
      await run(forks.filter((_, i) => mask & (1 << i)));
    }
  } else if (!result.timedOut) {
    // Greedy: start from the forks the config diff points at (if that beats the baseline), then add the fork that
    // lowers the score most; when no single fork helps, try pairs once (forks that only work together, e.g. N=5
    // needs the ghost sources gone first); finally drop forks that do not pull their weight.
    const hinted = forks.filter((f) => forksHintedBy(mismatches).includes(f));
    let current: ForkName[] = [];
    let currentScore = score(baseline.vs);
    if (hinted.length) {
      const h = await run(hinted);
      if (score(h.vs) < currentScore) { current = hinted; currentScore = score(h.vs); }
    }
    let triedPairs = false;
    for (;;) {
      let best: { add: ForkName[]; s: number } | undefined;
      const rest = forks.filter((x) => !current.includes(x));
      for (const f of rest) {
        if (outOfTime()) { result.timedOut = true; break; }
        const sc = score((await run([...current, f])).vs);
        if (sc < currentScore && (!best || sc < best.s)) best = { add: [f], s: sc };
      }
      if (!best && !triedPairs && !result.timedOut) {
        triedPairs = true;
        for (let i = 0; i < rest.length && !result.timedOut; i++) {
          for (let j = i + 1; j < rest.length; j++) {
            if (outOfTime()) { result.timedOut = true; break; }
            const sc = score((await run([...current, rest[i], rest[j]])).vs);
            if (sc < currentScore && (!best || sc < best.s)) best = { add: [rest[i], rest[j]], s: sc };
          }
        }
      }
      if (!best || result.timedOut) break;
      current = [...current, ...best.add];
      currentScore = best.s;
    }
    for (const f of [...current]) {
      if (outOfTime()) { result.timedOut = true; break; }
      const without = await run(current.filter((x) => x !== f));
      if (score(without.vs) <= currentScore * 1.01) { current = current.filter((x) => x !== f); currentScore = Math.min(currentScore, score(without.vs)); }
    }
  }

  // 5. Choose.
  const evaluated = [...cache.entries()].map(([k, v]) => ({ set: k ? (k.split('+') as ForkName[]) : [], ...v }));
  const passing = evaluated.filter((e) => explains(e.vs, e.image)).sort((a, b) => a.set.length - b.set.length || score(a.vs) - score(b.vs));
  let chosen: ForkName[];
  if (passing.length) {
    chosen = passing[0].set;
  } else {
    const best = [...evaluated].sort((a, b) => score(a.vs) - score(b.vs) || a.set.length - b.set.length)[0];
    chosen = best.set;
    // Drop forks that do not pull their weight (≥ 1 % better score), when that subset was evaluated.
    for (const f of [...chosen]) {
      const without = cache.get(key(chosen.filter((x) => x !== f)));
      const withIt = cache.get(key(chosen));
      if (without && withIt && score(without.vs) <= score(withIt.vs) * 1.01) chosen = chosen.filter((x) => x !== f);
    }
  }
  const best = cache.get(key(chosen))!;

  // Order the chosen forks as a path: at each step add the fork that helps most (using evaluated subsets).
  const path: ForkName[] = [];
  let remaining = [...chosen];
  while (remaining.length) {
    let pick = remaining[0];
    let pickScore = Infinity;
    for (const f of remaining) {
      const e = cache.get(key([...path, f])) ?? (await run([...path, f]));
      const s = score(e.vs);
      if (s < pickScore) { pick = f; pickScore = s; }
    }
    path.push(pick);
    remaining = remaining.filter((f) => f !== pick);
    const e = cache.get(key(path))!;
    const cum: Forks = {};
    for (const f of path) cum[f] = alt(f);
    steps.push({ fork: pick, value: alt(pick), forks: cum, vsCandidate: e.vs, label: `+ ${pick}=${alt(pick)}`, correlation: e.vs.correlation, sumRatio: e.vs.sumRatio });
  }

  result.chosen = chosen.length ? path.map((f) => ({ fork: f, value: alt(f), from: base[f] ?? api.forkDocs[f].c, doc: api.forkDocs[f].doc })) : [];
  for (const c of result.chosen) result.forks[c.fork] = c.value;
  result.residual = best.vs;
  result.modelImage = best.image;

  // 6. Status.
  if (explains(best.vs, best.image)) result.status = 'explained';
  else if (chosen.length && score(best.vs) <= 0.5 * score(baseline.vs)) result.status = 'partly-explained';
  else result.status = 'unexplained';
  if (result.timedOut) result.note = `time box of ${g(budget / 1000, 3)} s reached after ${result.simulations} simulations; result is the best found so far`;
  return finish();
}

// --- presentation ------------------------------------------------------------------------------------------

const STATUS_WORDS: Record<AttributionStatus, string> = {
  explained: 'explained',
  'partly-explained': 'partly explained',
  unexplained: 'unexplained: look elsewhere',
  'not-modelled': 'not modelled: the embedded engine cannot model this reference, attribution not possible',
  'no-divergence': 'no divergence worth explaining',
};

/** A few words for the ledger / a table cell, e.g. "explained by defaultN=5 + sourceParser=clean (residual corr 0.99999)". */
export function summarizeAttribution(a: Attribution): string {
  if (a.status === 'no-divergence') return `no divergence worth explaining (corr ${near1(a.observed.correlation)}, sum ratio ${near1(a.observed.sumRatio)})`;
  if (a.status === 'not-modelled') return STATUS_WORDS['not-modelled'];
  const forks = a.chosen.map((c) => `${c.fork}=${c.value}`).join(' + ');
  const res = a.residual ? `residual corr ${near1(a.residual.correlation)}, sum ratio ${near1(a.residual.sumRatio)}` : '';
  if (a.status === 'explained') return `explained by ${forks || 'the reference preset'} (${res})`;
  if (a.status === 'partly-explained') return `partly explained by ${forks} (${res})`;
  return `unexplained: look elsewhere${forks ? ` (best forks ${forks}: ${res})` : res ? ` (${res})` : ''}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** Plain-text table: one row per step, how each fork moves corr and sum ratio toward the candidate. */
export function formatAttributionTable(a: Attribution, caseId?: string): string {
  const lines: string[] = [];
  lines.push(`${caseId ? `${caseId}: ` : ''}${STATUS_WORDS[a.status]}`);
  lines.push(`  observed (reference vs candidate): corr ${near1(a.observed.correlation)}, sum ratio ${near1(a.observed.sumRatio)}`);
  if (a.reproduction) lines.push(`  embedded preset '${a.referencePreset}' vs reference: ${a.reproduction.ok ? 'reproduced' : 'NOT reproduced'} (${a.reproduction.note})`);
  if (a.note) lines.push(`  note: ${a.note}`);
  if (a.steps.length) {
    lines.push('');
    const head = ['step', 'fork', 'corr vs cand', 'sum ratio vs cand', 'nRMSE'];
    const rows = a.steps.map((s, i) => [
      String(i),
      s.fork ? `+ ${s.fork}=${s.value}` : `preset ${a.referencePreset}`,
      near1(s.vsCandidate.correlation),
      near1(s.vsCandidate.sumRatio),
      g(s.vsCandidate.nrmse, 3),
    ]);
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    lines.push('  ' + head.map((h, i) => pad(h, w[i])).join('  '));
    for (const r of rows) lines.push('  ' + r.map((c, i) => pad(c, w[i])).join('  '));
    if (a.residual && a.status !== 'no-divergence') {
      lines.push(`  residual (best model vs candidate): corr ${near1(a.residual.correlation)}, sum ratio ${near1(a.residual.sumRatio)}, nRMSE ${g(a.residual.nrmse, 3)}`);
    }
    if (a.singles.length) {
      lines.push(`  each fork alone: ${a.singles.map((s) => `${s.fork}=${s.value} → corr ${near1(s.vsCandidate.correlation)}, ratio ${near1(s.vsCandidate.sumRatio)}`).join('; ')}`);
    }
  }
  lines.push(`  search: ${a.search}, ${a.simulations} simulations, ${g(a.elapsedMs / 1000, 3)} s${a.timedOut ? ' (time box reached)' : ''}`);
  return lines.join('\n');
}

/** attribution.json content: everything but the model image (store that as its own .bin). */
export function attributionToJson(a: Attribution): Omit<Attribution, 'modelImage'> & { modelImage?: undefined } {
  const { modelImage: _m, ...rest } = a;
  return rest;
}

/** Markdown block for summary.md: status, the forks, the step table and the residual. */
export function formatAttributionMarkdown(a: Attribution): string {
  const out: string[] = ['#### Attribution', '', `**${STATUS_WORDS[a.status]}** — ${a.summary}`, ''];
  if (a.reproduction) out.push(`- embedded preset \`${a.referencePreset}\` vs reference: ${a.reproduction.ok ? 'reproduced' : '**not reproduced**'} (${a.reproduction.note})`);
  if (a.note) out.push(`- ${a.note}`);
  if (a.steps.length > 1 || (a.steps.length && a.status !== 'no-divergence')) {
    out.push('', '| step | fork | corr vs candidate | sum ratio vs candidate | nRMSE |', '| --- | --- | --- | --- | --- |');
    a.steps.forEach((s, i) => out.push(`| ${i} | ${s.fork ? `+ \`${s.fork}=${s.value}\`` : `preset \`${a.referencePreset}\``} | ${near1(s.vsCandidate.correlation)} | ${near1(s.vsCandidate.sumRatio)} | ${g(s.vsCandidate.nrmse, 3)} |`));
  }
  for (const c of a.chosen) out.push(`- \`${c.fork}\`: ${c.from} → ${c.value}. ${c.doc}`);
  out.push(`- search: ${a.search}, ${a.simulations} simulations in ${g(a.elapsedMs / 1000, 3)} s${a.timedOut ? ' (time box reached)' : ''}`);
  return out.join('\n');
}
