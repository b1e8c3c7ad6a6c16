// `npm run bench`, regions of interest and peaks on a 1024² case (the demo's A.mat at -detpixels 1024, embedded
// engine, reference preset c, candidate preset pytorch, then preset c: two real bundles):
//   - what the peak search and match costs a run (target: a few % of runParity's wall time);
//   - `nb-parity compare` of the two bundles, the whole process (target ≤ 1 s), and the webview's linked compare view;
//   - computeRoiMetrics on the 1024² pair for a 200×200 region and the full frame (target ≤ 50 ms: the webview
//     recomputes ROI metrics while a rectangle is dragged).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { readBundle, loadCaseImages } from '../src/core/evidence/reader.ts';
import { computeRoiMetrics } from '../src/core/metrics/roi.ts';
import { peakSummary } from '../src/core/metrics/peakSummary.ts';
import { buildCompareView } from '../src/core/compare/compareView.ts';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/nb-parity.mjs');
const ms = (x: number) => `${x.toFixed(1)} ms`;
const met = (x: number, limit: number) => (x <= limit ? 'met' : 'NOT met');

function best(n: number, fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) { const t0 = performance.now(); fn(); b = Math.min(b, performance.now() - t0); }
  return b;
}

export async function benchRegions(ws: string): Promise<void> {
  mkdirSync(join(ws, '.nb-parity'), { recursive: true });
  writeFileSync(join(ws, '.nb-parity/cases.json'), JSON.stringify({ cases: [{
    id: 'BENCH-1024', thresholds: { corrMin: 0.999 },
    flags: '-mat A.mat -default_F 100 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels 1024 -oversample 1 -nonoise -nointerpolate',
  }] }));
  const run = async (preset: string) => {
    const r = await execa(process.execPath, [BIN, 'run', 'BENCH-1024', '--workspace', ws, '--candidate', 'embedded', '--reference', 'embedded', '--candidate-preset', preset, '--json', '--quiet'], { reject: false });
    if (r.exitCode === 2) throw new Error(`bench run failed: ${r.stderr || r.stdout.slice(0, 300)}`);
    return JSON.parse(r.stdout) as { bundle: string; wallMs: number; cases: { peaks: { referencePeaks: number; candidatePeaks: number; matched: number } }[] };
  };
  const a = await run('pytorch');
  const b = await run('c');

  const img = await loadCaseImages(await readBundle(a.bundle), 'BENCH-1024');
  const { reference: ref, candidate: cand, fpixels } = img;
  const peakMs = best(5, () => peakSummary(ref!, cand!, fpixels));
  const p = a.cases[0].peaks;
  console.log(`\nregions and peaks on a ${fpixels}² case (embedded preset c vs pytorch):`);
  console.log(`  peak search + match: ${ms(peakMs)} (${p.referencePeaks} reference / ${p.candidatePeaks} candidate peaks, ${p.matched} matched) = ${(peakMs / a.wallMs * 100).toFixed(1)} % of that run's runParity wall time ${ms(a.wallMs)} (target: a few %)`);

  const cmp = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await execa(process.execPath, [BIN, 'compare', a.bundle, b.bundle, '--roi', '100,299,100,299', '--json'], { reject: false });
    cmp.push(performance.now() - t0);
    if (r.exitCode === 2) throw new Error(`compare failed: ${r.stderr}`);
  }
  const c = Math.min(...cmp);
  console.log(`  nb-parity compare of two ${fpixels}² bundles (whole process, --roi, best of 3): ${ms(c)} (target ≤ 1000 ms: ${met(c, 1000)})`);

  // The linked compare panel reads both bundles' images, their Δ between bundles and the judgement before it opens.
  const views = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await buildCompareView({ a: a.bundle, b: b.bundle, caseId: 'BENCH-1024' });
    views.push(performance.now() - t0);
  }
  const v = Math.min(...views);
  console.log(`  linked compare view of two ${fpixels}² bundles (buildCompareView: read, Δ between bundles, metrics, judgement; best of 3): ${ms(v)} (target ≤ 1000 ms: ${met(v, 1000)})`);

  const small = best(10, () => computeRoiMetrics(ref!, cand!, fpixels, { x0: 400, x1: 599, y0: 400, y1: 599 }));
  const full = best(10, () => computeRoiMetrics(ref!, cand!, fpixels, { x0: 0, x1: fpixels - 1, y0: 0, y1: fpixels - 1 }));
  console.log(`  computeRoiMetrics on ${fpixels}²: 200×200 ${ms(small)}, full frame ${ms(full)} (target ≤ 50 ms while dragging: ${met(Math.max(small, full), 50)})`);
}
