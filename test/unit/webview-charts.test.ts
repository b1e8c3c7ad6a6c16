// Every chart of the webview is compiled by vega-lite and rendered to SVG by vega's headless View through the same
// CSP-safe path as the webview (vega-embed with `ast: true` passes `expr: expressionInterpreter` from
// vega-interpreter), while Function and eval throw — as they do under the webview's CSP without 'unsafe-eval'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { expressionInterpreter } from 'vega-interpreter';
import type { TopLevelSpec } from 'vega-lite';
import { FALLBACK_THEME, deltaHistSpec, hist2dSpec, radialSpec, stampIso, trendSpec } from '../../media/webview/charts.ts';
import { deltaHistogram, histogram2d } from '../../media/webview/binning.ts';
import { radialProfile } from '../../media/webview/radial.ts';
import { difference } from '../../media/webview/derived.ts';

function rings(n: number, gain: number): Float32Array {
  const img = new Float32Array(n * n);
  for (let s = 0; s < n; s++) for (let f = 0; f < n; f++) {
    const r = Math.hypot(s - n / 2, f - n / 2);
    img[s * n + f] = gain * (1 + Math.cos(r / 2) ** 2 * 100 / (1 + r));
  }
  return img;
}

async function renderWithoutEval(spec: TopLevelSpec): Promise<string> {
  const realFunction = globalThis.Function;
  const realEval = globalThis.eval;
  const blocked = () => { throw new EvalError('blocked: Function/eval are not allowed (webview CSP)'); };
  // Replace the globals for the whole compile + parse + render, then restore.
  globalThis.Function = blocked as unknown as FunctionConstructor;
  globalThis.eval = blocked as unknown as typeof eval;
  try {
    const vg = compile(spec).spec;
    const runtime = vega.parse(vg, {}, { ast: true });
    const view = new vega.View(runtime, { renderer: 'none', expr: expressionInterpreter } as ConstructorParameters<typeof vega.View>[1]);
    const svg = await view.toSVG();
    view.finalize();
    return svg;
  } finally {
    globalThis.Function = realFunction;
    globalThis.eval = realEval;
  }
}

const ref = rings(48, 1);
const cand = rings(48, 1.01);
cand[100] = Number.NaN;
const delta = difference(ref, cand);

test('the Function/eval block is real: a plain vega parse (no ast) fails under it', async () => {
  const realFunction = globalThis.Function;
  globalThis.Function = (() => { throw new EvalError('blocked'); }) as unknown as FunctionConstructor;
  try {
    const vg = compile(radialSpec([{ side: 'reference', points: radialProfile(ref, 48, 48, { slow: 24, fast: 24 }) }], 'linear', FALLBACK_THEME)).spec;
    await assert.rejects(async () => {
      const view = new vega.View(vega.parse(vg), { renderer: 'none' });
      await view.toSVG();
    }, /blocked/);
  } finally {
    globalThis.Function = realFunction;
  }
});

test('2-D histogram chart renders to SVG without eval (linear and log10 axes)', async () => {
  for (const axis of ['linear', 'log10'] as const) {
    const h = histogram2d(ref, cand, { bins: 32, axis });
    const svg = await renderWithoutEval(hist2dSpec(h.bins, axis, FALLBACK_THEME));
    assert.match(svg, /^<svg/);
    assert.ok((svg.match(/<path/g) ?? []).length >= 1);
    assert.match(svg, new RegExp(`candidate${axis === 'log10' ? ' \\(log10\\)' : ''}`));
    assert.match(svg, /Candidate vs reference \(log counts\)/);
  }
});

test('Δ histogram chart renders to SVG without eval', async () => {
  const svg = await renderWithoutEval(deltaHistSpec(deltaHistogram(delta, { bins: 40 }), FALLBACK_THEME));
  assert.match(svg, /Δ = candidate − reference/);
  assert.match(svg, /pixels/);
});

test('radial profile chart renders both sides without eval, linear and log', async () => {
  const c = { slow: 24, fast: 24 };
  for (const scale of ['linear', 'log'] as const) {
    const svg = await renderWithoutEval(radialSpec([
      { side: 'reference', points: radialProfile(ref, 48, 48, c) },
      { side: 'candidate', points: radialProfile(cand, 48, 48, c) },
    ], scale, FALLBACK_THEME));
    assert.match(svg, /radius \(pixels\)/);
    assert.match(svg, />reference</);
    assert.match(svg, />candidate</);
    assert.ok(svg.includes(FALLBACK_THEME.reference) && svg.includes(FALLBACK_THEME.candidate), 'both theme colours drawn');
  }
});

test('trend chart renders correlation and sum ratio with threshold rules without eval', async () => {
  const svg = await renderWithoutEval(trendSpec([
    { stamp: '20251108T090000Z', correlation: 0.9612, sumRatio: 1.084 },
    { stamp: '20251109T090000Z', correlation: 0.99871, sumRatio: 1.0041 },
    { stamp: '20251110T120000Z', correlation: null, sumRatio: null },
  ], { corrMin: 0.999, sumRatioTol: 1e-3 }, FALLBACK_THEME));
  assert.match(svg, /Correlation over bundles/);
  assert.match(svg, /Sum ratio over bundles/);
  assert.match(svg, /20251109T090000Z/);
  assert.ok(svg.includes(FALLBACK_THEME.warning), 'threshold rules drawn');
});

test('eval globals are restored after the renders', () => {
  assert.equal(new Function('return 2 + 3')(), 5);
});

test('trend chart: a temporal x axis from the STAMPs, with bundle and value in the tooltip', () => {
  assert.equal(stampIso('20251110T120000Z'), '2025-11-10T12:00:00Z');
  assert.equal(stampIso('not-a-stamp'), 'not-a-stamp');
  const spec = trendSpec([
    { stamp: '20251108T090000Z', correlation: 0.9612, sumRatio: 1.084 },
    { stamp: '20251110T120000Z', correlation: 0.99871, sumRatio: 1.0041 },
  ], {}, FALLBACK_THEME) as unknown as { vconcat: { layer: { data: { values: { time: string }[] }; encoding: { x: { type: string }; tooltip?: { field: string }[] } }[] }[] };
  const line = spec.vconcat[0].layer[0];
  assert.equal(line.encoding.x.type, 'temporal');
  assert.deepEqual(line.data.values.map((v) => v.time), ['2025-11-08T09:00:00Z', '2025-11-10T12:00:00Z']);
  assert.deepEqual(line.encoding.tooltip?.map((t) => t.field), ['stamp', 'value']);
});

test('history chart: max |Δ| as a third panel (symlog, the maxAbsMax rule) only when the points carry it', async () => {
  const pts = [
    { stamp: '20251108T090000Z', correlation: 0.9612, sumRatio: 1.084, maxAbsDiff: 120 },
    { stamp: '20251109T090000Z', correlation: 0.99871, sumRatio: 1.0041, maxAbsDiff: 0.002 },
    { stamp: '20251110T120000Z', correlation: null, sumRatio: null, maxAbsDiff: null },
  ];
  const spec = trendSpec(pts, { maxAbsMax: 0.01 }, FALLBACK_THEME) as unknown as { vconcat: { title: string; layer: { data: { values: { value?: number; limit?: number }[] }; encoding: { y: { scale?: { type?: string } } } }[] }[] };
  assert.deepEqual(spec.vconcat.map((p) => p.title), ['Correlation over bundles', 'Sum ratio over bundles', 'max |Δ| over bundles']);
  const m = spec.vconcat[2];
  assert.deepEqual(m.layer[0].data.values.map((v) => v.value), [120, 0.002], 'missing values are left out, not drawn as 0');
  assert.equal(m.layer[0].encoding.y.scale?.type, 'symlog');
  assert.deepEqual(m.layer[1].data.values.map((v) => v.limit), [0.01]);
  const svg = await renderWithoutEval(spec as unknown as TopLevelSpec);
  assert.match(svg, /max \|Δ\| over bundles/);
  const plain = trendSpec(pts.map(({ maxAbsDiff: _, ...p }) => p), {}, FALLBACK_THEME) as unknown as { vconcat: unknown[] };
  assert.equal(plain.vconcat.length, 2, 'the per-case trend chart (no max |Δ| in its points) keeps two panels');
});
