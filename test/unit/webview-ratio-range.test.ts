// The log₂ ratio scale, its 0/∞/NaN classes, the shared reference/candidate range and its lock (media/webview).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intensityMapping, mapValue } from '../../media/webview/colormap.ts';
import { ratio } from '../../media/webview/derived.ts';
import {
  MIN_HALF, RATIO_CLASS_COLOURS, colorizeRatio, countRatioClasses, log2RatioMapping, mapRatio, ratioClass, ratioTick,
} from '../../media/webview/ratioScale.ts';
import { intensityRangeFor, joinAll, lockFor, lockedMapping, sharedMapping, unionMapping } from '../../media/webview/sharedRange.ts';
import { DEFAULT_VIEW_SETTINGS, isPersistedState, PROTOCOL_VERSION, type ViewSettings } from '../../src/shared/messages.ts';

test('log₂ ratio: 1 is the neutral centre, ×2 and ×½ are equally far from it on either side', () => {
  const m = log2RatioMapping(Float32Array.from([0.25, 0.5, 1, 2, 4]), 100);
  assert.equal(m.half, 2);
  assert.equal(mapRatio(1, m), 0.5);
  const up = mapRatio(2, m) - 0.5, down = 0.5 - mapRatio(0.5, m);
  assert.ok(up > 0 && Math.abs(up - down) < 1e-12, `×2 ${up} vs ×½ ${down}`);
  assert.equal(mapRatio(4, m), 1);
  assert.equal(mapRatio(0.25, m), 0);
  assert.equal(mapRatio(1e6, m), 1, 'clamped');
  // A candidate 10¹¹× too dim is at the blue end, not near the neutral centre (the linear scale's failure).
  const dim = log2RatioMapping(Float32Array.from([1e-11, 1e-11, 1e-11]), 99.5);
  assert.ok(mapRatio(1e-11, dim) < 1e-6, 'at the bottom end');
  assert.ok(Math.abs(dim.half - Math.log2(1e11)) < 1e-6);
});

test('log₂ ratio: identical images stay neutral (half-range floor of ±1 %)', () => {
  const m = log2RatioMapping(new Float32Array(100).fill(1), 99.5);
  assert.equal(m.half, MIN_HALF);
  assert.equal(mapRatio(1, m), 0.5);
  assert.ok(Math.abs(mapRatio(1.01, m) - 1) < 1e-9);
});

test('ratio classes: 0, ∞ and NaN apart from the finite ratios, counted and coloured apart', () => {
  const ref = Float32Array.from([1, 0, 0, 2, 4, 1]);
  const cand = Float32Array.from([0, 3, 0, 2, 8, -1]);
  const r = ratio(ref, cand);
  assert.deepEqual([...r].map(ratioClass), ['zero', 'inf', 'nan', undefined, undefined, 'nan']);
  assert.deepEqual(countRatioClasses(r), { finite: 2, zero: 1, inf: 1, nan: 2 });
  const m = log2RatioMapping(r, 100);
  assert.equal(m.half, 1, 'only the finite ratios set the range');
  const px = colorizeRatio(r, m);
  const at = (i: number) => [...px.slice(i * 4, i * 4 + 4)];
  assert.deepEqual(at(0), RATIO_CLASS_COLOURS.zero);
  assert.deepEqual(at(1), RATIO_CLASS_COLOURS.inf);
  assert.deepEqual(at(2), RATIO_CLASS_COLOURS.nan);
  const colours = [at(0), at(1), at(2), at(3), at(4)].map((c) => c.join(','));
  assert.equal(new Set(colours).size, 5, `all distinct: ${colours.join(' | ')}`);
  assert.ok(Number.isNaN(mapRatio(0, m)) && Number.isNaN(mapRatio(Infinity, m)) && Number.isNaN(mapRatio(Number.NaN, m)));
});

test('ratio legend ticks read as factors', () => {
  assert.equal(ratioTick(1), '×2');
  assert.equal(ratioTick(-1), '×½');
  assert.equal(ratioTick(-2), '×1/4');
  assert.equal(ratioTick(0), '×1');
  assert.equal(ratioTick(Math.log2(1e11)), '×1.0e11');
});

test('shared range: the union of both sides, so equal values get equal colours', () => {
  const ref = Float32Array.from([0, 1, 2, 3, 4]);
  const cand = Float32Array.from([0, 10, 20, 30, 40]);
  const m = sharedMapping([ref, cand], 'linear', 100)!;
  assert.deepEqual(m, { kind: 'linear', lo: 0, hi: 40 });
  assert.equal(mapValue(4, m), 0.1, 'the reference top is dim on the candidate\'s range');
  assert.notEqual(mapValue(4, intensityMapping(ref, 'linear', 100)), mapValue(4, m));
  // One side missing: the other's own range.
  assert.deepEqual(sharedMapping([ref, undefined], 'linear', 100), intensityMapping(ref, 'linear', 100));
  assert.equal(sharedMapping([undefined, undefined], 'linear', 100), undefined);
  const lg = sharedMapping([ref, cand], 'log', 100)!;
  assert.equal(lg.kind, 'log');
  // The reference's floor (one decade under its top 4) is the lower of the two floors.
  if (lg.kind === 'log') { assert.equal(lg.hi, 40); assert.ok(Math.abs(lg.floor - 0.4) < 1e-12); }
  assert.throws(() => unionMapping({ kind: 'linear', lo: 0, hi: 1 }, { kind: 'log', floor: 1, hi: 2 }), /cannot join/);
});

test('log with no clip keeps a faint background on the ramp under a peak 10⁹× brighter', () => {
  const img = new Float32Array(10_000).fill(1);
  for (let i = 0; i < img.length; i += 7) img[i] = 2;
  img[5000] = 1e9;
  const m = intensityMapping(img, 'log', 100);
  assert.equal(m.kind, 'log');
  assert.ok(mapValue(2, m) > 0.02, `background 2 at t = ${mapValue(2, m)}, not black`);
  assert.equal(mapValue(1e9, m), 1);
});

test('lock: the locked range wins over the shared one on its own scale, survives the webview state check', () => {
  const settings: ViewSettings = { ...DEFAULT_VIEW_SETTINGS };
  const shared = sharedMapping([Float32Array.from([0, 5])], 'linear', 100);
  assert.deepEqual(intensityRangeFor(settings, shared), { mapping: shared, source: 'shared' });
  assert.deepEqual(intensityRangeFor({ ...settings, sharedRange: false }, shared), { mapping: undefined, source: 'own' });
  const lock = lockFor(joinAll([shared, { kind: 'linear', lo: -1, hi: 3 }]), 'linear')!;
  assert.deepEqual(lock, { scale: 'linear', lo: -1, hi: 5 });
  const locked = { ...settings, lockedRange: lock };
  assert.deepEqual(intensityRangeFor(locked, { kind: 'linear', lo: 0, hi: 1000 }), { mapping: { kind: 'linear', lo: -1, hi: 5 }, source: 'locked' });
  // Still locked with "same range" off; not applied on the other scale.
  assert.equal(intensityRangeFor({ ...locked, sharedRange: false }, undefined).source, 'locked');
  assert.equal(lockedMapping({ ...locked, scale: 'log' }), undefined);
  assert.equal(lockFor({ kind: 'linear', lo: 0, hi: 1 }, 'log'), undefined);
  // Persisted in the webview state: valid locks pass, broken ones are refused.
  const state = (s: unknown) => ({ version: PROTOCOL_VERSION, settings: { ...settings, ...(s as object) } });
  assert.ok(isPersistedState(state({ sharedRange: true, lockedRange: lock })));
  assert.ok(!isPersistedState(state({ lockedRange: { scale: 'linear', lo: 5, hi: 1 } })));
  assert.ok(!isPersistedState(state({ sharedRange: 'yes' })));
});
