// A realistic view model (numbers shaped like the TC-D1 seed evidence) for the webview's unit tests.
import type { ViewModel } from '../../src/shared/messages.ts';
import type { Metrics } from '../../src/shared/types.ts';

function metrics(correlation: number | null, sumRatio: number | null): Metrics {
  return {
    pixels: 4096, correlation, sumRatio, mse: 1.2e-6, rmse: 0.0010954, maxAbsDiff: 0.0123, maxAbsDiffAt: [31, 40],
    sumReference: 1234.5, sumCandidate: 1234.5 * (sumRatio ?? 1), meanReference: 0.3014, meanCandidate: 0.3014,
    nanReference: 0, nanCandidate: 0, infReference: 0, infCandidate: 0, finitePixels: 4096,
    argmaxReference: 2080, argmaxCandidate: 2080, peakDistance: 0,
  };
}

export function sampleViewModel(): ViewModel {
  return {
    bundleDir: '/ws/reports/2025-11-source-weights/phase_e/20251110T120000Z',
    stamp: '20251110T120000Z',
    layout: '1',
    readOnly: false,
    cases: [
      {
        caseId: 'TC-D1', label: 'Weighted sources, side-on', fileStem: 'tc_d1', flags: ['-sourcefile', 'sources.txt', '-N', '1'],
        thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 }, fpixels: 64, spixels: 64,
        reference: { engine: 'c', label: 'C' }, candidate: { engine: 'torch', label: 'PyTorch' },
        metrics: metrics(0.9999941234, 1.00012345678),
        verdict: { status: 'pass', reason: 'correlation 0.999994 ≥ 0.999 and |sum ratio − 1| = 1.2e-4 ≤ 1e-3', failed: [] },
        mismatches: [
          { field: 'nSources', reference: '4', candidate: '2', explanation: 'C counts 2 comment lines as ghost sources (4 vs 2)', severity: 'warning' },
          { field: 'polarization', reference: '0.5', candidate: 'per-source', explanation: 'C takes P from the first (ghost) source | constant 0.5', severity: 'critical' },
        ],
        preflight: [{ code: 'sourcefile-comments', message: 'sources.txt has 2 comment lines that C reads as sources' }],
        trend: [
          { stamp: '20251108T090000Z', correlation: 0.9612, sumRatio: 1.084 },
          { stamp: '20251109T090000Z', correlation: 0.99871, sumRatio: 1.0041 },
          { stamp: '20251110T120000Z', correlation: 0.9999941234, sumRatio: 1.00012345678 },
        ],
        beamCenter: { slow: 32.5, fast: 32.5 },
        images: [
          { id: 'TC-D1/reference', role: 'reference', fpixels: 64, spixels: 64 },
          { id: 'TC-D1/candidate', role: 'candidate', fpixels: 64, spixels: 64 },
        ],
      },
      {
        caseId: 'TC-D3', label: 'Source λ column', fileStem: 'tc_d3', flags: ['-sourcefile', 'sources3.txt'],
        thresholds: { corrMin: 0.999, sumRatioTol: 1e-3 }, fpixels: 64, spixels: 64,
        reference: { engine: 'c' }, candidate: { engine: 'torch' },
        metrics: metrics(0.935, 1.31),
        verdict: { status: 'fail', reason: 'correlation 0.935000 short by 0.064', failed: [{ metric: 'correlation', value: 0.935, limit: '≥ 0.999', by: 'short by 0.064' }] },
        mismatches: [], preflight: [], trend: [],
        attribution: {
          status: 'explained', summary: 'defaultN=5 reproduces the candidate', forks: { defaultN: '5' },
          steps: [{ label: 'defaultN', fork: 'defaultN', value: '5', correlation: 0.99999, sumRatio: 1.0 }],
          residual: { correlation: 0.99999, sumRatio: 1.0 },
        },
        images: [],
      },
    ],
  };
}
