// Benchmark helpers for `npm run bench`: attribution time of one 256² case (target ≤ 10 s) on the real seed runs
// (C vs PyTorch images in a real-runs folder such as test/fixtures/real-runs), and the metrics time on 4096².
import path from 'node:path';
import { readFloatImage } from '../images/floatImage.ts';
import { benchMetrics } from '../metrics/metrics.ts';
import { attribute } from './index.ts';

const TC_D1 = '-mat A.mat -sourcefile two_sources_commented.txt -default_F 100 -hdivsteps 0 -vdivsteps 0 -dispsteps 1 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');
const TC_D3 = '-mat A.mat -default_F 100 -hdivrange 0.5 -hdivsteps 3 -distance 231.274660 -lambda 0.9768 -pixel 0.172 -detpixels_x 256 -detpixels_y 256 -oversample 1 -nonoise -nointerpolate'.split(' ');

export interface AnalysisBench {
  metrics4096Ms: number;
  attribution: { caseId: string; ms: number; simulations: number; search: string; status: string; summary: string }[];
}

/** `dir` holds A.mat, two_sources_commented.txt and c_/py_tc_d1/tc_d3 .bin files (test/fixtures/real-runs). */
export async function benchAnalysis(dir: string, opts: { workers?: number } = {}): Promise<AnalysisBench> {
  const metrics4096Ms = benchMetrics(4096, 4096, 3).ms;
  const size = { fpixels: 256, spixels: 256 };
  const attribution: AnalysisBench['attribution'] = [];
  for (const [caseId, stem, flags] of [['TC-D3', 'tc_d3', TC_D3], ['TC-D1', 'tc_d1', TC_D1]] as const) {
    const reference = await readFloatImage(path.join(dir, `c_${stem}.bin`), size);
    const candidate = await readFloatImage(path.join(dir, `py_${stem}.bin`), size);
    const t0 = performance.now();
    const a = await attribute({ flags: [...flags], cwd: dir, referencePreset: 'c', reference, candidate, ...size, mismatches: [], workers: opts.workers });
    attribution.push({ caseId, ms: performance.now() - t0, simulations: a.simulations, search: a.search, status: a.status, summary: a.summary });
  }
  return { metrics4096Ms, attribution };
}

/** Lines for the bench report. */
export function formatAnalysisBench(b: AnalysisBench): string[] {
  return [
    `metrics on a 4096² pair: ${(b.metrics4096Ms / 1000).toFixed(3)} s (target ≤ 0.5 s, ratio ${(b.metrics4096Ms / 500).toFixed(2)})`,
    ...b.attribution.map((a) => `attribution ${a.caseId} 256²: ${(a.ms / 1000).toFixed(2)} s, ${a.simulations} simulations (${a.search}) → ${a.status} (target ≤ 10 s, ratio ${(a.ms / 10000).toFixed(2)})`),
  ];
}
