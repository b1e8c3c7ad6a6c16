// Attribution with the real embedded engine on the real seed runs (test/fixtures/real-runs: images and stdouts of
// the real C binary and the real PyTorch port, copied from ../shared/reference/real-runs). workers: 0 renders in
// this thread (the worker script is only loadable from the build; the search and the images are identical).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { attribute, formatAttributionTable, summarizeAttribution } from '../../src/core/attribution/index.ts';
import { readFloatImage } from '../../src/core/images/floatImage.ts';
import { parseEffectiveConfig } from '../../src/core/diagnosis/effectiveConfig.ts';
import { diffConfigs } from '../../src/core/diagnosis/configDiff.ts';
import type { EngineId } from '../../src/shared/types.ts';

const DIR = path.join(import.meta.dirname, '../fixtures/real-runs');
const SIZE = { fpixels: 256, spixels: 256 };
const D1 = '-mat A.mat -sourcefile two_sources_commented.txt -default_F 100 -hdivsteps 0 -vdivsteps 0 -dispsteps 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');
const D3 = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');

async function pair(refStem: string, candStem: string, flags: string[], engines: [EngineId, EngineId] = ['c', 'torch']) {
  const reference = await readFloatImage(path.join(DIR, `${refStem}.bin`), SIZE);
  const candidate = await readFloatImage(path.join(DIR, `${candStem}.bin`), SIZE);
  const out = (s: string) => readFileSync(path.join(DIR, `${s}.stdout.log`), 'utf8');
  const mismatches = diffConfigs(parseEffectiveConfig(out(refStem), engines[0], { flags }), parseEffectiveConfig(out(candStem), engines[1], { flags }), { reference: engines[0], candidate: engines[1] });
  return { flags, cwd: DIR, referencePreset: 'c' as const, reference, candidate, ...SIZE, mismatches, workers: 0 };
}

test('seed TC-D3: the N default alone explains the gap (residual corr ≥ 0.99999)', async () => {
  const a = await attribute(await pair('c_tc_d3', 'py_tc_d3', D3));
  assert.equal(a.status, 'explained', formatAttributionTable(a));
  assert.ok(a.reproduction?.exact, 'the c preset reproduces the real C image bit for bit');
  assert.deepEqual(a.chosen.map((c) => `${c.fork}=${c.value}`), ['defaultN=5']);
  assert.ok(a.residual!.correlation! >= 0.99999, `residual corr ${a.residual!.correlation}`);
  assert.ok(Math.abs(a.residual!.sumRatio! - 1) <= 1e-3);
  assert.ok(a.observed.correlation! < 0.1 && a.steps.length === 2);
  assert.equal(a.modelImage?.length, 65536);
  assert.match(summarizeAttribution(a), /^explained by defaultN=5 \(residual corr /);
});

test('seed TC-D1: the search finds defaultN + sourceParser + sourceLambda (polarization adds nothing here)', async () => {
  const a = await attribute(await pair('c_tc_d1', 'py_tc_d1', D1));
  assert.equal(a.status, 'explained', formatAttributionTable(a));
  assert.deepEqual(a.chosen.map((c) => c.fork).sort(), ['defaultN', 'sourceLambda', 'sourceParser']);
  assert.equal(a.search, 'exhaustive');
  assert.ok(a.residual!.correlation! >= 0.9999, `residual corr ${a.residual!.correlation}`);
  assert.ok(Math.abs(a.residual!.sumRatio! - 1) <= 1e-3);
  // Both real sources point the same way, so C's first-source polarization equals per-source once ghosts are gone.
  const polar = a.singles.find((s) => s.fork === 'polarization');
  assert.ok(polar, 'polarization was tried');
  const table = formatAttributionTable(a, 'TC-D1');
  assert.match(table, /\+ defaultN=5/);
  assert.match(table, /residual \(best model vs candidate\)/);
});

test('greedy search (the large-case path) finds the same TC-D1 set, with or without config-diff hints', async () => {
  for (const hints of [true, false]) {
    const p = await pair('c_tc_d1', 'py_tc_d1', D1);
    const a = await attribute({ ...p, mismatches: hints ? p.mismatches : [], strategy: 'greedy' });
    assert.equal(a.search, 'greedy');
    assert.equal(a.status, 'explained', formatAttributionTable(a));
    assert.deepEqual(a.chosen.map((c) => c.fork).sort(), ['defaultN', 'sourceLambda', 'sourceParser']);
    assert.ok(a.simulations < 32, `greedy ran ${a.simulations} simulations`);
  }
});

test('TC-D3 with N matched: no divergence worth explaining', async () => {
  const a = await attribute(await pair('c_tc_d3', 'py_tc_d3_N1', [...D3]));
  assert.equal(a.status, 'no-divergence');
  assert.equal(a.simulations, 0);
  assert.match(summarizeAttribution(a), /no divergence worth explaining/);
});

test('candidate = reference × 1.5 is unexplained', async () => {
  const p = await pair('c_tc_d3', 'c_tc_d3', D3, ['c', 'c']);
  const a = await attribute({ ...p, candidate: Float32Array.from(p.reference, (v) => v * 1.5) });
  assert.equal(a.status, 'unexplained');
  assert.deepEqual(a.chosen, []);
  assert.ok(Math.abs(a.residual!.sumRatio! - 1 / 1.5) < 1e-6);
  assert.match(formatAttributionTable(a), /unexplained: look elsewhere/);
});

test('the all-NaN C image of TC-D1 with -N 5 is reproduced and explained by the source-file forks', async () => {
  const flags = [...D1, '-N', '5'];
  const a = await attribute(await pair('c_tc_d1_N5', 'py_tc_d1', flags));
  assert.equal(a.reproduction?.ok, true);
  assert.equal(a.status, 'explained', formatAttributionTable(a));
  assert.deepEqual(a.chosen.map((c) => c.fork).sort(), ['sourceLambda', 'sourceParser']);
});

test('a reference the c preset cannot produce is not modelled', async () => {
  const a = await attribute(await pair('py_tc_d3', 'c_tc_d3', D3, ['torch', 'c']));
  assert.equal(a.status, 'not-modelled');
  assert.match(a.note!, /does not reproduce the reference image/);
  const bad = await attribute({ ...(await pair('c_tc_d3', 'py_tc_d3', D3)), flags: [...D3, '-no_such_flag'] });
  assert.equal(bad.status, 'not-modelled');
  assert.match(bad.note!, /no_such_flag/);
});

test('cancel stops the search with an AbortError', async () => {
  const ac = new AbortController();
  const p = attribute({ ...(await pair('c_tc_d1', 'py_tc_d1', D1)), signal: ac.signal });
  setTimeout(() => ac.abort(), 150);
  await assert.rejects(p, (e: Error) => e.name === 'AbortError');
});
