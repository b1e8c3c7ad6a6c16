// The search logic of attribution, driven by a small deterministic stand-in for the embedded engine (a pure
// function of the forks, so each rule of the search can be checked in isolation). The real engine on the real
// seed runs is exercised in attribution.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeWith, formatAttributionTable, summarizeAttribution, attributionToJson, relevantForks, type EngineApi, type SimulateRequestLike } from '../../src/core/attribution/search.ts';
import type { ForkName, Forks, PresetName } from '../../src/shared/types.ts';

const W = 16;
const H = 16;
const DOCS: EngineApi['forkDocs'] = {
  sourceParser: { values: ['c', 'clean'], c: 'c', doc: 'parser' },
  sourceLambda: { values: ['use', 'ignore'], c: 'use', doc: 'lambda' },
  polarization: { values: ['first-source', 'per-source'], c: 'first-source', doc: 'polar' },
  subpixelCache: { values: ['first', 'last'], c: 'first', doc: 'subpixel' },
  sincgGuard: { values: ['c', 'always'], c: 'c', doc: 'sincg' },
  phiZeroCarry: { values: ['c', 'fixed'], c: 'c', doc: 'phi' },
  defaultN: { values: ['1', '5'], c: '1', doc: 'N' },
};
const PRESETS: Record<PresetName, Forks> = {
  c: { sourceParser: 'c', sourceLambda: 'use', polarization: 'first-source', subpixelCache: 'first', sincgGuard: 'c', phiZeroCarry: 'c', defaultN: '1' },
  pytorch: { sourceParser: 'clean', sourceLambda: 'ignore', polarization: 'per-source', subpixelCache: 'last', sincgGuard: 'always', phiZeroCarry: 'fixed', defaultN: '5' },
};

/** Toy physics: N=5 scales by 15625 and sharpens a peak; ghosts (parser c) with N=5 give NaN; λ moves the peak; polarization is a 0.5 % tilt. */
function toy(forks: Forks): Float32Array {
  const f = { ...PRESETS.c, ...forks } as Record<ForkName, string>;
  const img = new Float32Array(W * H);
  const n5 = f.defaultN === '5';
  const peakAt = f.sourceLambda === 'ignore' ? 5 : 9;
  for (let s = 0; s < H; s++) for (let x = 0; x < W; x++) {
    const r2 = (s - peakAt) ** 2 + (x - peakAt) ** 2;
    let v = 1 + (n5 ? 15625 * Math.exp(-r2 / 3) : 0.1 * Math.exp(-r2 / 30));
    if (f.polarization === 'per-source') v *= 1 + 0.005 * (x / W);
    if (f.sourceParser === 'c') v *= n5 ? NaN : 0.5;
    img[s * W + x] = v;
  }
  return img;
}

function api(calls: SimulateRequestLike[] = []): EngineApi {
  return {
    presets: PRESETS,
    forkDocs: DOCS,
    simulate: async (req) => {
      calls.push(req);
      if (req.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      return { image: toy({ ...PRESETS[req.preset ?? 'c'], ...req.forks }), fpixels: W, spixels: H, simMs: 1 };
    },
  };
}

const SRC_FLAGS = ['-sourcefile', 'x.txt', '-lambda', '1', '-oversample', '1'];
const base = { cwd: '/tmp', referencePreset: 'c' as const, fpixels: W, spixels: H, mismatches: [] };

test('finds the smallest explaining set and orders steps by gain', async () => {
  const reference = toy({});
  const candidate = toy(PRESETS.pytorch);
  const a = await attributeWith(api(), { ...base, flags: SRC_FLAGS, reference, candidate });
  assert.equal(a.status, 'explained');
  assert.equal(a.search, 'exhaustive');
  assert.deepEqual([...a.chosen.map((c) => c.fork)].sort(), ['defaultN', 'polarization', 'sourceLambda', 'sourceParser']);
  assert.equal(a.steps.length, 5);
  assert.equal(a.steps[0].fork, undefined);
  assert.ok((a.residual!.correlation ?? 0) > 0.999999);
  assert.match(summarizeAttribution(a), /^explained by /);
  assert.match(formatAttributionTable(a, 'TC-X'), /TC-X: explained\n/);
  assert.equal('modelImage' in attributionToJson(a) && attributionToJson(a).modelImage !== undefined, false);
});

test('a fork that does not help is left out (smallest set)', async () => {
  const reference = toy({});
  const candidate = toy({ defaultN: '5', sourceParser: 'clean' }); // λ and polarization as in C
  const a = await attributeWith(api(), { ...base, flags: SRC_FLAGS, reference, candidate });
  assert.equal(a.status, 'explained');
  assert.deepEqual(a.chosen.map((c) => c.fork).sort(), ['defaultN', 'sourceParser']);
});

test('scaled candidate (×1.5) is unexplained', async () => {
  const reference = toy({});
  const candidate = Float32Array.from(reference, (v) => v * 1.5);
  const a = await attributeWith(api(), { ...base, flags: SRC_FLAGS, reference, candidate });
  assert.equal(a.status, 'unexplained');
  assert.match(summarizeAttribution(a), /^unexplained: look elsewhere/);
});

test('no divergence: nothing is simulated', async () => {
  const calls: SimulateRequestLike[] = [];
  const reference = toy({});
  const a = await attributeWith(api(calls), { ...base, flags: SRC_FLAGS, reference, candidate: reference.slice() });
  assert.equal(a.status, 'no-divergence');
  assert.equal(calls.length, 0);
});

test('not modelled when the reference preset does not reproduce the reference', async () => {
  const reference = Float32Array.from(toy({}), (v, i) => v + (i % 3) * 0.2);
  const candidate = toy(PRESETS.pytorch);
  const a = await attributeWith(api(), { ...base, flags: SRC_FLAGS, reference, candidate });
  assert.equal(a.status, 'not-modelled');
  assert.match(a.note!, /does not reproduce the reference image/);
});

test('greedy when the time box is too small for every subset, and cancellation stops it', async () => {
  const reference = toy({});
  const candidate = toy(PRESETS.pytorch);
  const slow: EngineApi = { ...api(), simulate: async (req) => { await new Promise((r) => setTimeout(r, 20)); return api().simulate(req); } };
  const a = await attributeWith(slow, { ...base, flags: SRC_FLAGS, reference, candidate, timeBudgetMs: 200 });
  assert.equal(a.search, 'greedy');
  const ac = new AbortController();
  const p = attributeWith(slow, { ...base, flags: SRC_FLAGS, reference, candidate, signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  await assert.rejects(p, (e: Error) => e.name === 'AbortError');
});

test('relevant forks follow the flags', () => {
  const names = Object.keys(DOCS) as ForkName[];
  assert.deepEqual(relevantForks(['-hdivrange', '0.5', '-hdivsteps', '3', '-oversample', '1'], [], names), ['polarization', 'defaultN']);
  assert.deepEqual(relevantForks(['-N', '5', '-oversample', '2', '-phisteps', '3'], [], names), ['polarization', 'subpixelCache', 'phiZeroCarry']);
});
