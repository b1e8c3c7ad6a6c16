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
import type { ForkName, Forks, PresetName, Thresholds } from '../../shared/types.ts';
import { computeMetrics } from '../metrics/metrics.ts';
import { withinThresholds } from '../metrics/verdict.ts';
import { AttributionCancelled, REPRODUCTION_TOLERANCE, SEED_THRESHOLDS, type AttributeInput, type Attribution, type AttributionStep, type EngineApi, type PairNumbers } from './types.ts';
import { bitExact, forksHintedBy, g, key, pairNumbers, peakAbs, relevantForks, sameNonFinitePattern, score } from './compare.ts';
import { summarizeAttribution } from './present.ts';

export * from './types.ts';
export { pairNumbers, relevantForks, forksHintedBy } from './compare.ts';
export { summarizeAttribution, formatAttributionTable, attributionToJson, formatAttributionMarkdown } from './present.ts';

interface Evaluated { image: Float32Array; vs: PairNumbers }

/** One search's shared state: the fork values it toggles to, the simulation cache, the time box and the result. */
interface Search {
  api: EngineApi;
  input: AttributeInput;
  thresholds: Thresholds;
  base: Forks;
  result: Attribution;
  cache: Map<string, Evaluated>;
  /** The value a fork is toggled to: its value in the other preset, else the first value that differs. */
  alt: (f: ForkName) => string;
  /** Simulate the reference preset with these forks toggled (cached by set). */
  run: (set: ForkName[]) => Promise<Evaluated>;
  outOfTime: () => boolean;
  explains: (e: Evaluated) => boolean;
}

export async function attributeWith(api: EngineApi, input: AttributeInput): Promise<Attribution> {
  const t0 = performance.now();
  const { referencePreset, reference, candidate, fpixels, spixels } = input;
  // A case without thresholds would make every pair "within thresholds": judge against the seed's instead.
  const thresholds = input.thresholds && Object.keys(input.thresholds).length ? input.thresholds : SEED_THRESHOLDS;
  const budget = input.timeBudgetMs ?? 20_000;
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

  // 1. No divergence.
  if (withinThresholds(observedMetrics, thresholds)) {
    result.status = 'no-divergence';
    result.note = `reference vs candidate already within the case thresholds (corr ${g(observed.correlation)}, sum ratio ${g(observed.sumRatio)}): no divergence worth explaining`;
    return finish();
  }
  const s = newSearch(api, input, thresholds, result, () => performance.now() - t0 > budget);

  // 2. Can the engine model the reference at all?
  let baseline: Evaluated;
  try {
    baseline = await s.run([]);
  } catch (err) {
    // Only a flag/input the engine rejects means "cannot model"; anything else is a real failure to surface.
    if ((err as Error).name !== 'EmbeddedFlagError') throw err;
    result.status = 'not-modelled';
    result.note = `the embedded engine cannot run these flags: ${(err as Error).message}`;
    return finish();
  }
  const repro = reproduction(baseline.image, reference, fpixels);
  result.reproduction = repro;
  if (!repro.ok) {
    result.status = 'not-modelled';
    result.note = `the embedded engine (preset ${referencePreset}) does not reproduce the reference image (${repro.note}): attribution not possible`;
    return finish();
  }

  // 3. Relevant forks.
  const forks = relevantForks(input.flags, input.mismatches, Object.keys(api.forkDocs) as ForkName[]).filter((f) => s.alt(f) !== (s.base[f] ?? api.forkDocs[f].c));
  result.relevantForks = forks;
  result.steps = [{ forks: {}, vsCandidate: baseline.vs, label: `preset ${referencePreset}`, correlation: baseline.vs.correlation, sumRatio: baseline.vs.sumRatio }];
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
  await trySingles(s, forks);
  if (exhaustive && !result.timedOut) await searchExhaustive(s, forks);
  else if (!result.timedOut) await searchGreedy(s, forks, baseline);

  // 5. Choose, and order the choice as a path.
  const chosen = choose(s);
  const best = s.cache.get(key(chosen))!;
  const path = await orderAsPath(s, chosen);
  result.chosen = chosen.length ? path.map((f) => ({ fork: f, value: s.alt(f), from: s.base[f] ?? api.forkDocs[f].c, doc: api.forkDocs[f].doc })) : [];
  for (const c of result.chosen) result.forks[c.fork] = c.value;
  result.residual = best.vs;
  result.modelImage = best.image;

  // 6. Status.
  if (s.explains(best)) result.status = 'explained';
  else if (chosen.length && score(best.vs) <= 0.5 * score(baseline.vs)) result.status = 'partly-explained';
  else result.status = 'unexplained';
  if (result.timedOut) result.note = `time box of ${g(budget / 1000, 3)} s reached after ${result.simulations} simulations; result is the best found so far`;
  return finish();
}

function newSearch(api: EngineApi, input: AttributeInput, thresholds: Thresholds, result: Attribution, outOfTime: () => boolean): Search {
  const { flags, cwd, referencePreset, candidate, fpixels, spixels, signal } = input;
  const base = api.presets[referencePreset];
  const otherPreset = (Object.keys(api.presets) as PresetName[]).find((p) => p !== referencePreset) ?? referencePreset;
  const alt = (f: ForkName): string => {
    const other = api.presets[otherPreset][f];
    if (other !== undefined && other !== base[f]) return other;
    return api.forkDocs[f].values.find((v) => v !== (base[f] ?? api.forkDocs[f].c)) ?? api.forkDocs[f].c;
  };
  // Small images render faster in this thread than worker start-up costs (measured: TC-D1 256², 32 simulations,
  // 1.3 s in-thread vs 19 s with one fresh worker per simulation); the search yields between simulations.
  const workers = input.workers ?? (fpixels * spixels <= 512 * 512 ? 0 : undefined);
  const cache = new Map<string, Evaluated>();
  const run = async (set: ForkName[]): Promise<Evaluated> => {
    const k = key(set);
    const hit = cache.get(k);
    if (hit) return hit;
    // Let timers, cancellation and UI messages run between simulations (in-thread renders block until done).
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new AttributionCancelled();
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
  const explains = (e: Evaluated) => withinThresholds(computeMetrics(candidate, e.image, fpixels), thresholds) && e.vs.nrmse !== null;
  return { api, input, thresholds, base, result, cache, alt, run, outOfTime, explains };
}

/** Does the baseline model reproduce the reference: bit-exact, the same all-non-finite image, or within tolerance? */
function reproduction(model: Float32Array, reference: Float32Array, fpixels: number): NonNullable<Attribution['reproduction']> {
  const exact = bitExact(model, reference);
  const repro = pairNumbers(model, reference, fpixels);
  const pattern = sameNonFinitePattern(model, reference);
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
  return { ...repro, exact, ok, note };
}

/** Each fork alone (reported as `singles`). */
async function trySingles(s: Search, forks: ForkName[]): Promise<void> {
  for (const f of forks) {
    if (s.outOfTime()) { s.result.timedOut = true; break; }
    const r = await s.run([f]);
    s.result.singles.push({ fork: f, value: s.alt(f), vsCandidate: r.vs });
  }
}

/** Every subset. */
async function searchExhaustive(s: Search, forks: ForkName[]): Promise<void> {
  const total = 2 ** forks.length;
  for (let mask = 1; mask < total; mask++) {
    if (s.outOfTime()) { s.result.timedOut = true; break; }
    await s.run(forks.filter((_, i) => mask & (1 << i)));
  }
}

/**
 * Greedy: start from the forks the config diff points at (if that beats the baseline), then add the fork that lowers
 * the score most; when no single fork helps, try pairs once (forks that only work together, e.g. N=5 needs the ghost
 * sources gone first); finally drop forks that do not pull their weight.
 */
async function searchGreedy(s: Search, forks: ForkName[], baseline: Evaluated): Promise<void> {
  const { result } = s;
  const hinted = forks.filter((f) => forksHintedBy(s.input.mismatches).includes(f));
  let current: ForkName[] = [];
  let currentScore = score(baseline.vs);
  if (hinted.length) {
    const h = await s.run(hinted);
    if (score(h.vs) < currentScore) { current = hinted; currentScore = score(h.vs); }
  }
  let triedPairs = false;
  for (;;) {
    let best: { add: ForkName[]; s: number } | undefined;
    const rest = forks.filter((x) => !current.includes(x));
    for (const f of rest) {
      if (s.outOfTime()) { result.timedOut = true; break; }
      const sc = score((await s.run([...current, f])).vs);
      if (sc < currentScore && (!best || sc < best.s)) best = { add: [f], s: sc };
    }
    if (!best && !triedPairs && !result.timedOut) {
      triedPairs = true;
      for (let i = 0; i < rest.length && !result.timedOut; i++) {
        for (let j = i + 1; j < rest.length; j++) {
          if (s.outOfTime()) { result.timedOut = true; break; }
          const sc = score((await s.run([...current, rest[i], rest[j]])).vs);
          if (sc < currentScore && (!best || sc < best.s)) best = { add: [rest[i], rest[j]], s: sc };
        }
      }
    }
    if (!best || result.timedOut) break;
    current = [...current, ...best.add];
    currentScore = best.s;
  }
  for (const f of [...current]) {
    if (s.outOfTime()) { result.timedOut = true; break; }
    const without = await s.run(current.filter((x) => x !== f));
    if (score(without.vs) <= currentScore * 1.01) { current = current.filter((x) => x !== f); currentScore = Math.min(currentScore, score(without.vs)); }
  }
}

/** The SMALLEST evaluated subset that explains the candidate (ties → best score); else the best, trimmed. */
function choose(s: Search): ForkName[] {
  const evaluated = [...s.cache.entries()].map(([k, v]) => ({ set: k ? (k.split('+') as ForkName[]) : [], ...v }));
  const passing = evaluated.filter((e) => s.explains(e)).sort((a, b) => a.set.length - b.set.length || score(a.vs) - score(b.vs));
  if (passing.length) return passing[0].set;
  let chosen = [...evaluated].sort((a, b) => score(a.vs) - score(b.vs) || a.set.length - b.set.length)[0].set;
  // Drop forks that do not pull their weight (≥ 1 % better score), when that subset was evaluated.
  for (const f of [...chosen]) {
    const without = s.cache.get(key(chosen.filter((x) => x !== f)));
    const withIt = s.cache.get(key(chosen));
    if (without && withIt && score(without.vs) <= score(withIt.vs) * 1.01) chosen = chosen.filter((x) => x !== f);
  }
  return chosen;
}

/** Order the chosen forks as a path: at each step add the fork that helps most (using evaluated subsets); one step each. */
async function orderAsPath(s: Search, chosen: ForkName[]): Promise<ForkName[]> {
  const steps: AttributionStep[] = s.result.steps;
  const path: ForkName[] = [];
  let remaining = [...chosen];
  while (remaining.length) {
    let pick = remaining[0];
    let pickScore = Infinity;
    for (const f of remaining) {
      const e = s.cache.get(key([...path, f])) ?? (await s.run([...path, f]));
      const sc = score(e.vs);
      if (sc < pickScore) { pick = f; pickScore = sc; }
    }
    path.push(pick);
    remaining = remaining.filter((f) => f !== pick);
    const e = s.cache.get(key(path))!;
    const cum: Forks = {};
    for (const f of path) cum[f] = s.alt(f);
    steps.push({ fork: pick, value: s.alt(pick), forks: cum, vsCandidate: e.vs, label: `+ ${pick}=${s.alt(pick)}`, correlation: e.vs.correlation, sumRatio: e.vs.sumRatio });
  }
  return path;
}
